/* syncset.h: what `idportal sync` knows of the directory: its posixAccount
 * and posixGroup entries, keyed by entryUUID, from which the NSS cache is
 * written whole.  `sync --once` puts every entry of one search and writes;
 * the daemon keeps a set across RFC 4533 messages (put on add/modify,
 * delete on delete, present/refresh by key) and writes after each batch.
 *
 * What becomes what:
 *   - a user: an idpUser posixAccount whose idpState is active (or
 *     absent, as for PAM).  Name: the uid value of its RDN (else its first
 *     uid); gecos: gecos, else displayName, else cn, with control bytes and
 *     ':' made '?'; home: homeDirectory; shell: loginShell or "".
 *   - a group: a posixGroup, name from its cn RDN (else first cn), its
 *     memberUid values as members, less the names of directory users that
 *     are not active.
 *   - the per-org group (SPEC 2): a posixGroup placed right under the org
 *     entry and named like it, cn=<ORG>,o=<ORG>,<base>, with a gidNumber
 *     (`org add`, when it comes, should make it, taking the number from
 *     the uid counter).  Its members: every active user at
 *     uid=...,ou=people,o=<ORG>,<base>, besides its own memberUid values.
 *     Told by DN alone, so the one sync search on posixAccount and
 *     posixGroup sees all of it, and the schema stays as it is.
 * Skipped, with one warning each: a uid or gid that is not a number in
 * 1..2^32-2 (0 would be root), a name or field the cache refuses (cache.h),
 * and every entry of a name that two entries claim (users as in
 * ids_user_find: both refused).
 *
 * A set is used from one thread. */
#ifndef IDS_SYNCSET_H
#define IDS_SYNCSET_H

#include <stddef.h>
#include <time.h>

#include <ldap.h>

#include "log.h"

struct ids_syncset;

/* Attributes to ask for, for users and for groups (both lists include
 * objectClass and entryUUID). */
extern char	*ids_syncset_user_attrs[];
extern char	*ids_syncset_group_attrs[];
#define IDS_SYNCSET_USER_FILTER		"(objectClass=posixAccount)"
#define IDS_SYNCSET_GROUP_FILTER	"(objectClass=posixGroup)"

struct ids_syncset_stats {
	size_t	users;		/* in the cache written */
	size_t	groups;
	size_t	skipped;	/* entries left out, each warned about */
};

/* base: the directory base (for the org rules); log gets the warnings
 * (may be NULL).  IDS_OK, IDS_ENOMEM, IDS_EINVAL (base is not a DN). */
int	ids_syncset_new(const char *base, const struct ids_log *log,
	    struct ids_syncset **out);
void	ids_syncset_free(struct ids_syncset *set);

/* Take entry e of a search result on ld, replacing the entry of the same
 * key (its entryUUID, else its DN).  An entry that is neither a usable
 * user nor a group removes what was there under its key (a user made
 * unusable by a modify disappears).  IDS_OK or IDS_ENOMEM. */
int	ids_syncset_put(struct ids_syncset *set, LDAP *ld, LDAPMessage *e);
/* Forget key (an entryUUID in text form, or a DN); absent is fine. */
void	ids_syncset_delete(struct ids_syncset *set, const char *key);
/* Number of entries held. */
size_t	ids_syncset_count(const struct ids_syncset *set);

/* Derive users and groups and write them to path (ids_cache_write:
 * atomic; on failure path is unchanged).  now goes into the header.
 * IDS_OK, IDS_ENOMEM, IDS_ESYS, IDS_EINVAL; err says why. */
int	ids_syncset_write(struct ids_syncset *set, const char *path,
	    time_t now, struct ids_syncset_stats *stats, char *err,
	    size_t errlen);

/* --- resume state for `sync --daemon` (syncset_state.c) --- */

/* Save the set and the RFC 4533 cookie it is current to (cookie may be
 * NULL) to path, atomically (temporary file, fsync, rename).  IDS_OK,
 * IDS_ESYS, IDS_EINVAL; err says why. */
int	ids_syncset_save(struct ids_syncset *set, const char *path,
	    const struct berval *cookie, char *err, size_t errlen);
/* Fill an empty set from path; *cookie gets a malloc'd copy of the saved
 * cookie (bv_val NULL if none).  IDS_OK, IDS_ENOTFOUND (no file),
 * IDS_EINVAL (not a state file, or damaged: the set stays empty),
 * IDS_ESYS, IDS_ENOMEM. */
int	ids_syncset_load(struct ids_syncset *set, const char *path,
	    struct berval *cookie);
/* Forget every entry whose key keep() refuses; returns how many. */
size_t	ids_syncset_retain(struct ids_syncset *set,
	    int (*keep)(void *arg, const char *key), void *arg);

#endif
