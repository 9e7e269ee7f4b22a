/* syncrepl.h: the client side of LDAP Content Synchronization (RFC 4533)
 * over a syncset: the sync request control, the syncState control on each
 * entry, the syncInfo intermediate responses (newcookie, refreshDelete,
 * refreshPresent, syncIdSet) and the syncDone control on the result.
 * Debian's libldap-dev has no ldap_sync.h, so the values are encoded and
 * decoded here with ber_printf / ber_scanf.
 *
 * Entries are kept in the set by entryUUID (the syncState UUID in its
 * text form, which is how slapd shows entryUUID): add and modify put the
 * entry, delete forgets the UUID, and a refresh in present mode forgets,
 * at its end, every entry the server did not name.  The cookie is the
 * last one the server sent; save it with the set only after writing the
 * cache from the set, so that a resumed session replays what the cache
 * lacks.  One thread. */
#ifndef IDS_SYNCREPL_H
#define IDS_SYNCREPL_H

#include <stddef.h>

#include <ldap.h>

#include "log.h"
#include "syncset.h"

/* RFC 4533 modes. */
#define IDS_SYNC_REFRESH_ONLY		1
#define IDS_SYNC_REFRESH_AND_PERSIST	3

/* The result code of e-syncRefreshRequired: start again without cookie. */
#define IDS_SYNC_REFRESH_REQUIRED	0x1000

/* One search for users and groups (SPEC 1). */
#define IDS_SYNCREPL_FILTER \
	"(|" IDS_SYNCSET_USER_FILTER IDS_SYNCSET_GROUP_FILTER ")"
extern char	*ids_syncrepl_attrs[];

struct ids_syncrepl {
	struct ids_syncset	*set;		/* not owned */
	const struct ids_log	*log;
	struct berval		 cookie;	/* malloc'd; bv_val NULL: none */
	void			*present;	/* tsearch of UUIDs named in a
						   present-mode refresh */
	int			 refresh_done;	/* persist phase reached */
	size_t			 changes;	/* puts and deletes not yet
						   written; the caller zeroes */
	size_t			 entries;	/* messages this session */
};

/* What a message meant. */
#define IDS_SYNCREPL_MORE	0	/* go on reading */
#define IDS_SYNCREPL_END	1	/* the search ended: see *code */

/* Start with set and a copy of cookie (may be NULL or empty). */
int	ids_syncrepl_init(struct ids_syncrepl *s, struct ids_syncset *set,
	    const struct ids_log *log, const struct berval *cookie);
void	ids_syncrepl_reset(struct ids_syncrepl *s);	/* frees, keeps set */

/* The sync request control (critical) for mode, with the cookie held.
 * Free with ldap_control_free().  LDAP_SUCCESS or an LDAP error. */
int	ids_syncrepl_control(const struct ids_syncrepl *s, int mode,
	    LDAPControl **out);

/* Take one message of the sync search from ldap_result (not freed here).
 * IDS_OK and *what: IDS_SYNCREPL_MORE, or IDS_SYNCREPL_END with *code the
 * search's LDAP result code (LDAP_SUCCESS at the end of a refreshOnly,
 * IDS_SYNC_REFRESH_REQUIRED, ...).  IDS_EINVAL on a message that breaks
 * the protocol (err says which), IDS_ENOMEM. */
int	ids_syncrepl_message(struct ids_syncrepl *s, LDAP *ld,
	    LDAPMessage *msg, int *what, int *code, char *err, size_t errlen);

/* The parts, for tests: a syncState control's value on entry msg (which
 * may be NULL for present and delete), a syncInfo value, a syncDone
 * control's value.  IDS_OK, IDS_EINVAL (err says why), IDS_ENOMEM. */
int	ids_syncrepl_state(struct ids_syncrepl *s, const struct berval *val,
	    LDAP *ld, LDAPMessage *msg, char *err, size_t errlen);
int	ids_syncrepl_info(struct ids_syncrepl *s, const struct berval *data,
	    char *err, size_t errlen);
int	ids_syncrepl_done(struct ids_syncrepl *s, const struct berval *val,
	    char *err, size_t errlen);

/* 16 bytes of UUID as slapd writes entryUUID: 36 chars and a NUL. */
void	ids_syncrepl_uuid_str(const struct berval *uuid, char out[37]);

#endif
