/* init.h: `idportal init`: prepare an empty directory.  Creates only what
 * is missing, so a second run changes nothing. */
#ifndef IDS_INIT_H
#define IDS_INIT_H

#include <time.h>

#include "dir.h"

#define IDS_INIT_MAX_CREATED	16
#define IDS_PASSWORD_MAX	32

struct ids_init_report {
	char	*created[IDS_INIT_MAX_CREATED];	/* DNs added, in order */
	int	 ncreated;
	int	 wrote_bind_pw_file;
	char	 temp_password[IDS_PASSWORD_MAX + 1];	/* "" if none made */
	time_t	 deadline;		/* of temp_password */
	char	 detail[512];		/* why, when not IDS_OK */
};

/* dir: a writer session bound as the directory manager.  Creates the base
 * entry and ou=people, ou=services, ou=groups, ou=counters under it, the
 * uid-number counter, the service account at bind_dn (its password from
 * bind_pw_file, generated and written 0600 when the file is missing), and
 * the top-level admin admin_id with a temporary password valid to the end
 * of the next day (in conf's timezone) and its cn=state entry.
 * Returns IDS_OK, IDS_EINVAL (bad ID), IDS_EPERM, or a connection error;
 * detail says what.  Clear the report with ids_init_report_clear(). */
int	ids_init_directory(struct ids_dir *dir, const char *admin_id,
	    time_t now, struct ids_init_report *rep);
void	ids_init_report_clear(struct ids_init_report *rep);

/* Where init puts things, for the other commands. */
#define IDS_UID_COUNTER_RDN	"cn=uidnumber,ou=counters"
/* Counts logins of unknown users: the write a wrong password costs, paid
 * by an unknown user too, so the two take the same time. */
#define IDS_UNKNOWN_LOGINS_RDN	"cn=unknown-logins,ou=counters"
#define IDS_ADMINS_GROUP_RDN	"cn=idportal-admins,ou=groups"
#define IDS_FIRST_UID		"10000"

#endif
