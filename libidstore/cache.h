/* cache.h: the NSS cache file (`cache_file`): the directory's users and
 * groups, read lock-free through mmap by libnss_idportal.so.2 and replaced
 * whole, atomically, by `idportal sync`.
 *
 * Format: a tinycdb constant database (Debian libcdb-dev, linked in from
 * its static PIC archive, so the NSS module needs no extra library).  cdb
 * because it is exactly the shape we need: built once, never modified in
 * place, O(1) lookups by key with two memory probes, one flat file that
 * mmaps as is, and a reader of ~100 lines whose every offset is checked
 * against the file size.  An own layout would add nothing but code to get
 * wrong in every process on the host.  One wrinkle: cdb_find() writes
 * where it found the value into its struct cdb, so a lookup works on a
 * copy of that struct (a few words) and a mapping is shared read-only.
 *
 * Records (key -> value); integers are 32-bit little-endian (cdb_pack),
 * strings end in a NUL:
 *   "H"           header: "IDPCACHE", version (1), nusers, ngroups, ninit,
 *                 written (64-bit: when the data was read, Unix time)
 *   "p" <i>       user i, 0 <= i < nusers, in name order:
 *                 uid, gid, name, gecos, home, shell
 *   "n" <name>    i of the user with that name
 *   "u" <uid>     i of the first user (in name order) with that uid
 *   "g" <i>       group i: gid, nmem, name, then nmem member names
 *   "N" <name>    i of the group with that name
 *   "G" <gid>     i of the first group with that gid
 *   "i" <name>    initgroups: n, then n gids (ascending, no repeats) of
 *                 the groups that list name as a member
 * Readers ignore other keys (reserved for the sync daemon's resume state).
 *
 * Every record is checked on read: lengths add up, names are 1-255 bytes
 * without control bytes, blanks, ':' or ',' (and do not start with '+' or
 * '-'), the other fields have no control bytes or ':', no uid or gid is 0
 * or 2^32-1, and an index points at a record with that name or id.  A
 * truncated, corrupt or foreign file reads as "not there", never as a
 * crash.  The file must be a regular file, owned by root (or by the euid),
 * not writable by group or others.
 *
 * Threads: a struct ids_cache is read-only after ids_cache_open(); any
 * number of threads may look up in it at once.  Nothing here logs, locks,
 * or touches the network.  Views returned point into the mapping and live
 * as long as the struct ids_cache they came from. */
#ifndef IDS_CACHE_H
#define IDS_CACHE_H

#include <sys/stat.h>

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Where libnss_idportal reads, unless $IDPORTAL_CACHE (ignored in setuid
 * programs) names another file. */
#define IDS_CACHE_DEFAULT_PATH	"/var/lib/idportal/cache"
#define IDS_CACHE_ENV		"IDPORTAL_CACHE"

#define IDS_CACHE_VERSION	1
#define IDS_CACHE_NAME_MAX	255	/* bytes of a user or group name */
#define IDS_CACHE_FIELD_MAX	4095	/* bytes of gecos, home, shell */

struct ids_cache;

/* A user, as views into the mapping.  name, gecos, home and shell follow
 * each other in the record: strsize bytes from name cover all four with
 * their NULs. */
struct ids_cache_pw {
	const char	*name;
	const char	*gecos;
	const char	*home;
	const char	*shell;
	uint32_t	 uid;
	uint32_t	 gid;
	size_t		 strsize;
};

/* A group: members holds nmem names back to back, each with its NUL,
 * memsize bytes in all. */
struct ids_cache_gr {
	const char	*name;
	const char	*members;
	uint32_t	 gid;
	uint32_t	 nmem;
	size_t		 namesize;	/* strlen(name) + 1 */
	size_t		 memsize;
};

/* Map path.  IDS_OK and *out; IDS_ENOTFOUND if there is no file,
 * IDS_EPERM if it is not a regular file owned by root (or the euid) and
 * writable by nobody else, IDS_EINVAL if it is not a cache of this version
 * (too short, bad header), IDS_ESYS if it cannot be opened or mapped,
 * IDS_ENOMEM.  Opening never blocks (a FIFO is refused, not waited on). */
int	ids_cache_open(const char *path, struct ids_cache **out);
/* c may be NULL. */
void	ids_cache_close(struct ids_cache *c);
/* Is c a mapping of the file st describes (device, inode, size, mtime,
 * ctime: a chmod or chown counts as a change, to be checked again)?  The
 * NSS module stats the path before each lookup and remaps when not. */
int	ids_cache_is(const struct ids_cache *c, const struct stat *st);

uint32_t	ids_cache_nusers(const struct ids_cache *c);
uint32_t	ids_cache_ngroups(const struct ids_cache *c);
time_t		ids_cache_written(const struct ids_cache *c);

/* Lookups: IDS_OK and *out, IDS_ENOTFOUND, or IDS_EINVAL for a record
 * that fails the checks above. */
int	ids_cache_user_by_name(const struct ids_cache *c, const char *name,
	    struct ids_cache_pw *out);
int	ids_cache_user_by_uid(const struct ids_cache *c, uint32_t uid,
	    struct ids_cache_pw *out);
/* The i-th user in name order; IDS_ENOTFOUND past the last. */
int	ids_cache_user_at(const struct ids_cache *c, uint32_t i,
	    struct ids_cache_pw *out);
int	ids_cache_group_by_name(const struct ids_cache *c, const char *name,
	    struct ids_cache_gr *out);
int	ids_cache_group_by_gid(const struct ids_cache *c, uint32_t gid,
	    struct ids_cache_gr *out);
int	ids_cache_group_at(const struct ids_cache *c, uint32_t i,
	    struct ids_cache_gr *out);
/* The gids of the groups that list name as a member: *n of them at
 * *gids, read each with ids_cache_gid(*gids, i).  IDS_ENOTFOUND if name is
 * in no group. */
int	ids_cache_groups_of(const struct ids_cache *c, const char *name,
	    const unsigned char **gids, uint32_t *n);
uint32_t	ids_cache_gid(const unsigned char *gids, uint32_t i);

/* The rules above, for the writer and for sync: 1 if acceptable. */
int	ids_cache_name_ok(const char *s, size_t len);
int	ids_cache_field_ok(const char *s, size_t len);
int	ids_cache_id_ok(uint32_t id);

/* --- writing (cache_write.c; not in the NSS module) --- */

struct ids_cache_user {
	const char	*name;
	uint32_t	 uid;
	uint32_t	 gid;
	const char	*gecos;		/* NULL: "" */
	const char	*home;
	const char	*shell;		/* NULL: "" */
};

struct ids_cache_group {
	const char		*name;
	uint32_t		 gid;
	const char *const	*members;
	size_t			 nmembers;
};

struct ids_cache_data {
	const struct ids_cache_user	*users;
	size_t				 nusers;
	const struct ids_cache_group	*groups;
	size_t				 ngroups;
	time_t				 written;	/* read when */
};

/* Write data to path atomically: a temporary file in the same directory,
 * fsync, read back and checked, renamed over path, directory fsync'd; the
 * file is 0644.  Input is checked first: a name or field the reader would
 * refuse, a uid/gid of 0, two users (or two groups) with one name, a
 * member name that breaks the name rules: IDS_EINVAL, and nothing is
 * written.  Repeated member names are merged.  On any failure path is left
 * as it was.  IDS_OK, IDS_EINVAL, IDS_ESYS, IDS_ENOMEM; err says why. */
int	ids_cache_write(const char *path, const struct ids_cache_data *data,
	    char *err, size_t errlen);

#endif
