/* passwd.h: password changes.  A user changes their own password with
 * Password Modify bound as themselves (RFC 3062); an admin reissues a
 * temporary one bound as the admin.  The directory's ACLs decide who may. */
#ifndef IDS_PASSWD_H
#define IDS_PASSWD_H

#include <time.h>

#include "dir.h"
#include "user.h"

/* writer: a session on `write_uri` (bound as the service account).  Binds
 * as the user with oldpw on a fresh connection, changes to newpw there,
 * then clears the temporary flag and deadline through writer.  The caller
 * checks strength first.  IDS_EBADCRED if oldpw is wrong. */
int	ids_passwd_change(struct ids_dir *writer, const struct ids_user *user,
	    const char *oldpw, const char *newpw);

/* admin: a writer session bound as the acting admin.  Sets user's password
 * to pw, marks it temporary until deadline, and puts the password-failure
 * counter back to 0.  IDS_EPERM when the directory says this admin may
 * not (then nothing changed). */
int	ids_passwd_reissue(struct ids_dir *admin, const struct ids_user *user,
	    const char *pw, time_t deadline);

#endif
