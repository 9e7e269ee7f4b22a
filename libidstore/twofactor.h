/* twofactor.h: the admin and self-service side of TOTP (SPEC §3): what
 * idpTotpState says, whether a session may see a user's state entry, and
 * turning two-factor on.  Every write goes through the session the caller
 * bound, so the directory's ACLs decide who may; nothing here decides it.
 * Codes and lockout at login are login.h's; enrollment is enroll.h's. */
#ifndef IDS_TWOFACTOR_H
#define IDS_TWOFACTOR_H

#include "dir.h"

enum ids_twofactor {
	IDS_TWOFACTOR_NONE,	/* "none", absent, or anything else */
	IDS_TWOFACTOR_PENDING,	/* set up the authenticator at next login */
	IDS_TWOFACTOR_ACTIVE,	/* a verification code at every login */
};

/* idpTotpState as read ("" when absent), compared without case as the
 * schema's caseIgnoreMatch does. */
int	ids_twofactor_state(const char *value);
/* "none", "pending", "active". */
const char *ids_twofactor_name(int state);

/* IDS_OK if this session may read cn=state of user_dn; IDS_EPERM when the
 * directory does not show it (slapd answers "no such object" to whoever
 * may not see an entry, so make sure it exists first); or a connection
 * error. */
int	ids_twofactor_visible(struct ids_dir *dir, const char *user_dn);

/* Turn two-factor on: idpTotpState from current (the value as read, ""
 * when absent) to "pending", in one modify that deletes exactly that value
 * and adds the new one.  Deleting "none" and adding "pending" is the only
 * change the shipped ACLs let users make to their own state; admins may
 * make it too.  The secret, recovery codes and counters are left as they
 * are (enrollment replaces them).  IDS_OK; IDS_ECHANGED when the value
 * was no longer current (another admin or host moved it; when it was
 * absent, the directory's constraint error instead: the attribute is
 * single-valued); IDS_EPERM when the directory refused; IDS_EINVAL when
 * current already reads as pending or active. */
int	ids_twofactor_enable(struct ids_dir *dir, const char *user_dn,
	    const char *current);

#endif
