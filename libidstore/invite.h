/* invite.h: invitations (SPEC §3): a pending entry under a people
 * container, found by the hash of a single-use token that was mailed to
 * the invitee.  The token is 25 symbols of code.h's base32 (125 random
 * bits), shown as five groups of five; the entry keeps only its SHA-256
 * (hex), which is enough for a value that random and lets the directory
 * find the entry by equality.  A pending entry is inetOrgPerson + idpUser
 * without posixAccount (no host ever sees it), idpState pending, and a uid
 * "invite-" + 16 hex digits that no user ID can be (IDs are letters and
 * digits only).  A use is single because taking the token deletes its hash
 * under an assertion that it is still there: of two registrations, one
 * wins. */
#ifndef IDS_INVITE_H
#define IDS_INVITE_H

#include <time.h>

#include "dir.h"

#define IDS_INVITE_TOKEN_LEN	29	/* "XXXXX-XXXXX-XXXXX-XXXXX-XXXXX" */
#define IDS_INVITE_HASH_LEN	65	/* hex SHA-256 and NUL */

struct ids_invite {
	char	*dn;		/* the pending entry */
	char	*parent;	/* its people container: the user goes there */
	char	*mail;
	char	*type;		/* idpUserType, or NULL */
	char	*role;		/* idpRole, or NULL */
	time_t	 deadline;	/* idpInviteDeadline, 0 if absent */
};

/* A fresh token and its hash.  IDS_ESYS if the RNG fails.  The caller
 * wipes the token once mailed. */
int	ids_invite_token(char token[IDS_INVITE_TOKEN_LEN + 1],
	    char hash[IDS_INVITE_HASH_LEN]);
/* The hash of a token as typed (code.h's normalisation); IDS_EINVAL if it
 * is not 25 code symbols. */
int	ids_invite_hash(const char *typed, char hash[IDS_INVITE_HASH_LEN]);
/* Add the pending entry under parent (a people container) as dir's
 * identity: mail, type, role (NULL: none), the hash, the deadline.  *dn
 * gets its DN (malloc'd).  IDS_EPERM if the directory refuses. */
int	ids_invite_add(struct ids_dir *dir, const char *parent,
	    const char *mail, const char *type, const char *role,
	    const char *hash, time_t deadline, char **dn);
/* The pending entry holding hash.  IDS_ENOTFOUND if none (never made,
 * used, or withdrawn: the same to a caller). */
int	ids_invite_find(struct ids_dir *dir, const char *hash,
	    struct ids_invite **out);
void	ids_invite_free(struct ids_invite *inv);
/* Take the token (delete its hash if it is still there): IDS_OK for the
 * one caller that did, IDS_ECHANGED for anyone else. */
int	ids_invite_claim(struct ids_dir *dir, const struct ids_invite *inv,
	    const char *hash);
/* Put the hash back after a claim whose registration then failed, so the
 * invitee may try again. */
int	ids_invite_unclaim(struct ids_dir *dir, const struct ids_invite *inv,
	    const char *hash);

#endif
