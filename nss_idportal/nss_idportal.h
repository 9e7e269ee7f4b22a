/* nss_idportal.h: the entry points of libnss_idportal.so.2 (nsswitch name
 * `idportal`), as glibc calls them.  They answer from the cache file
 * (libidstore/cache.h) and nothing else: no network, no log, no lock a
 * lookup could wait on.
 *
 * Which file: IDS_CACHE_DEFAULT_PATH, or $IDPORTAL_CACHE when set to an
 * absolute path (read once, when the module is loaded; secure_getenv, so
 * setuid programs ignore it).  The module does not read idportal.conf: it
 * is loaded into every process that resolves a name, and one small fixed
 * path is all it needs; `idportal sync` warns when `cache_file` differs.
 *
 * Mappings: each thread keeps its own mapping of the file (a pthread key,
 * made when the module loads; its destructor unmaps at thread exit).
 * Before each lookup the thread stats the path; when the device, inode,
 * size or mtime differ from its mapping it maps the new file and unmaps
 * its old one, which no other thread can be using.  So there is no shared
 * mutable state on the lookup path, nothing to lock, and nothing a fork()
 * can leave half-held: the child keeps the forking thread's mapping (still
 * valid: the file is never changed in place) and remaps as usual.
 * The enumeration calls (set/get/end*ent) keep one mapping per database,
 * opened by set*ent; glibc already serializes those calls.
 *
 * Answers: SUCCESS; NOTFOUND (errno ENOENT) for an unknown name or id, or
 * a record that fails its checks; TRYAGAIN with ERANGE when the buffer is
 * too small (call again with a larger one; an enumeration does not move
 * on); UNAVAIL (ENOENT) when there is no usable cache file (missing,
 * foreign, truncated, unsafe owner or mode). */
#ifndef NSS_IDPORTAL_H
#define NSS_IDPORTAL_H

#include <grp.h>
#include <nss.h>
#include <pwd.h>
#include <stddef.h>
#include <sys/types.h>

enum nss_status	_nss_idportal_getpwnam_r(const char *name,
		    struct passwd *pw, char *buf, size_t buflen, int *errnop);
enum nss_status	_nss_idportal_getpwuid_r(uid_t uid, struct passwd *pw,
		    char *buf, size_t buflen, int *errnop);
enum nss_status	_nss_idportal_setpwent(int stayopen);
enum nss_status	_nss_idportal_getpwent_r(struct passwd *pw, char *buf,
		    size_t buflen, int *errnop);
enum nss_status	_nss_idportal_endpwent(void);

enum nss_status	_nss_idportal_getgrnam_r(const char *name,
		    struct group *gr, char *buf, size_t buflen, int *errnop);
enum nss_status	_nss_idportal_getgrgid_r(gid_t gid, struct group *gr,
		    char *buf, size_t buflen, int *errnop);
enum nss_status	_nss_idportal_setgrent(int stayopen);
enum nss_status	_nss_idportal_getgrent_r(struct group *gr, char *buf,
		    size_t buflen, int *errnop);
enum nss_status	_nss_idportal_endgrent(void);

/* Add to (*groupsp)[*start...] the gids of user's groups other than
 * group, growing the array (up to limit when limit > 0). */
enum nss_status	_nss_idportal_initgroups_dyn(const char *user,
		    gid_t group, long int *start, long int *size,
		    gid_t **groupsp, long int limit, int *errnop);

#endif
