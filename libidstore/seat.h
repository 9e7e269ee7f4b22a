/* seat.h: the seat rule of the account step (SPEC §3 Linking, §4
 * seat_required, allow_groups): who must hold a seat of an active org to
 * log in, and whether they do. */
#ifndef IDS_SEAT_H
#define IDS_SEAT_H

#include "conf.h"
#include "dir.h"
#include "user.h"

/* IDS_OK if user may log in as far as seats go: seat_required does not
 * bind them (none; corporate and an individual user), or they are a
 * memberUid of a posixGroup named in allow_groups, or idpLinkedUser of a
 * seat idpSeatCode=..,ou=seats,o=ORG,<base> whose org's idpState is
 * active.  IDS_ENOSEAT if not; a directory error refuses (fail closed). */
int	ids_seat_check(struct ids_dir *dir, const struct ids_conf *conf,
	    const struct ids_user *user);
/* *yes: id is a memberUid of a posixGroup cn=group under base. */
int	ids_seat_in_group(struct ids_dir *dir, const char *base,
	    const char *group, const char *id, int *yes);

#endif
