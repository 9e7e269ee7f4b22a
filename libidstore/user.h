/* user.h: finding a user by ID and reading their account state.  The
 * password step of a login is login.h's. */
#ifndef IDS_USER_H
#define IDS_USER_H

#include <time.h>

#include "dir.h"

struct ids_user {
	char	*dn;
	char	*id;		/* the uid value, exactly as stored */
	char	*type;		/* idpUserType, or NULL */
	char	*state;		/* idpState, or NULL (treated as active) */
	char	*mail;		/* mail, or NULL */
	int	 temp_password;	/* idpTempPassword is TRUE */
	time_t	 temp_deadline;	/* idpTempPasswordDeadline, 0 if none */
};

/* Find the idpUser whose uid is exactly id (LDAP matches uid without
 * case; SPEC wants it with).  IDS_ENOUSER if none (or id breaks the ID
 * rules), IDS_EDIR if two match, or a connection error. */
int	ids_user_find(struct ids_dir *dir, const char *id,
	    struct ids_user **out);
void	ids_user_free(struct ids_user *user);

/* Account state at `now`: IDS_OK, IDS_EDISABLED (disabled or pending),
 * IDS_EEXPIRED (temporary password past its deadline). */
int	ids_user_account(const struct ids_user *user, time_t now);

#endif
