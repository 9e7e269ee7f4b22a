/* state.h: the per-login state entry cn=state,<user DN> (SPEC §2): the
 * counters, lock and last login.  Never on the user entry, which every host
 * syncs.  Written through a writer session (`write_uri`). */
#ifndef IDS_STATE_H
#define IDS_STATE_H

#include "dir.h"

/* Make cn=state under user_dn with counters at 0 (slapd cannot increment
 * an absent attribute); an existing one is kept as it is.  *created (may
 * be NULL) says whether it was made now. */
int	ids_state_ensure(struct ids_dir *dir, const char *user_dn,
	    int *created);
/* Put the password-failure counter back to 0 (creating the entry if
 * missing). */
int	ids_state_reset_password_failures(struct ids_dir *dir,
	    const char *user_dn);

#endif
