/* nss_idportal.c: libnss_idportal.so.2, passwd/group/initgroups from the
 * cache file.  How mappings are held and why no lookup waits on anything:
 * nss_idportal.h. */
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "nss_idportal.h"
#include "rc.h"

#define EXPORT	__attribute__((visibility("default")))

static char		cache_path[PATH_MAX] = IDS_CACHE_DEFAULT_PATH;
static pthread_key_t	map_key;
static int		have_key;

/* One call's mapping: this thread's own (kept), or, without a key, one
 * made for the call (closed after it). */
struct call {
	struct ids_cache	*c;
	int			 temporary;
	int			 saved_errno;	/* given back */
};

/* An enumeration (set/get/end*ent): its own mapping and position. */
struct ent {
	struct ids_cache	*c;
	uint32_t		 next;
};

static struct ent	pwent;
static struct ent	grent;

static void
unmap(void *c)
{
	ids_cache_close(c);
}

/* When the module is loaded (the loader runs this once, before any
 * lookup can start): the path and the per-thread key. */
__attribute__((constructor)) static void
load(void)
{
	const char *p = secure_getenv(IDS_CACHE_ENV);
	size_t len;

	if (p != NULL && p[0] == '/' && (len = strlen(p)) < sizeof(cache_path))
		memcpy(cache_path, p, len + 1);
	/* Without a key (all taken), every lookup maps and unmaps. */
	have_key = pthread_key_create(&map_key, unmap) == 0;
}

static enum nss_status
unavailable(int rc, int *errnop)
{
	if (rc == IDS_ENOMEM) {
		*errnop = ENOMEM;
		return NSS_STATUS_TRYAGAIN;
	}
	*errnop = ENOENT;
	return NSS_STATUS_UNAVAIL;
}

static enum nss_status
notfound(int *errnop)
{
	*errnop = ENOENT;
	return NSS_STATUS_NOTFOUND;
}

static enum nss_status
erange(int *errnop)
{
	*errnop = ERANGE;
	return NSS_STATUS_TRYAGAIN;
}

/* This thread's mapping, remapped first if the file at the path is not
 * the one mapped (stat: device, inode, size, mtime). */
static enum nss_status
begin(struct call *call, int *errnop)
{
	struct ids_cache *c, *fresh = NULL;
	struct stat st;
	int rc;

	call->saved_errno = errno;
	call->temporary = 0;
	c = have_key ? pthread_getspecific(map_key) : NULL;
	if (c != NULL && stat(cache_path, &st) == 0 && ids_cache_is(c, &st)) {
		call->c = c;
		return NSS_STATUS_SUCCESS;
	}
	rc = ids_cache_open(cache_path, &fresh);
	if (c != NULL) {
		/* Only this thread ever sees its mapping: safe to drop. */
		(void)pthread_setspecific(map_key, NULL);
		ids_cache_close(c);
	}
	if (rc != IDS_OK) {
		call->c = NULL;
		errno = call->saved_errno;
		return unavailable(rc, errnop);
	}
	call->c = fresh;
	if (!have_key || pthread_setspecific(map_key, fresh) != 0)
		call->temporary = 1;
	return NSS_STATUS_SUCCESS;
}

/* glibc passes &errno as errnop: restore errno first, then the answer's
 * errno on top when it is not a success. */
static enum nss_status
end(struct call *call, enum nss_status status, int *errnop)
{
	int e = *errnop;

	if (call->temporary)
		ids_cache_close(call->c);
	errno = call->saved_errno;
	if (status != NSS_STATUS_SUCCESS)
		*errnop = e;
	return status;
}

static enum nss_status
fill_pw(const struct ids_cache_pw *v, struct passwd *pw, char *buf,
    size_t buflen, int *errnop)
{
	/* name, gecos, home and shell are one block in the record: one
	 * copy, then "x" for the password (there is none here). */
	if (buflen < v->strsize + 2)
		return erange(errnop);
	memcpy(buf, v->name, v->strsize);
	pw->pw_name = buf;
	pw->pw_gecos = buf + (v->gecos - v->name);
	pw->pw_dir = buf + (v->home - v->name);
	pw->pw_shell = buf + (v->shell - v->name);
	pw->pw_passwd = buf + v->strsize;
	memcpy(pw->pw_passwd, "x", 2);
	pw->pw_uid = v->uid;
	pw->pw_gid = v->gid;
	return NSS_STATUS_SUCCESS;
}

static enum nss_status
fill_gr(const struct ids_cache_gr *v, struct group *gr, char *buf,
    size_t buflen, int *errnop)
{
	size_t pad, ptrs, i;
	char **mem, *p;

	/* gr_mem first, aligned for pointers, then the strings. */
	pad = (alignof(char *) - (uintptr_t)buf % alignof(char *)) %
	    alignof(char *);
	ptrs = ((size_t)v->nmem + 1) * sizeof(char *);
	if (buflen < pad || buflen - pad < ptrs ||
	    buflen - pad - ptrs < v->namesize + 2 + v->memsize)
		return erange(errnop);
	mem = (char **)(void *)(buf + pad);
	p = buf + pad + ptrs;
	gr->gr_name = memcpy(p, v->name, v->namesize);
	p += v->namesize;
	gr->gr_passwd = memcpy(p, "x", 2);
	p += 2;
	memcpy(p, v->members, v->memsize);
	for (i = 0; i < v->nmem; i++) {
		mem[i] = p;
		p += strlen(p) + 1;
	}
	mem[v->nmem] = NULL;
	gr->gr_mem = mem;
	gr->gr_gid = v->gid;
	return NSS_STATUS_SUCCESS;
}

/* Name or id lookups share this shape: look up, then fill or not. */
static enum nss_status
pw_answer(struct call *call, int rc, const struct ids_cache_pw *v,
    struct passwd *pw, char *buf, size_t buflen, int *errnop)
{
	return end(call, rc == IDS_OK ? fill_pw(v, pw, buf, buflen, errnop) :
	    notfound(errnop), errnop);
}

static enum nss_status
gr_answer(struct call *call, int rc, const struct ids_cache_gr *v,
    struct group *gr, char *buf, size_t buflen, int *errnop)
{
	return end(call, rc == IDS_OK ? fill_gr(v, gr, buf, buflen, errnop) :
	    notfound(errnop), errnop);
}

EXPORT enum nss_status
_nss_idportal_getpwnam_r(const char *name, struct passwd *pw, char *buf,
    size_t buflen, int *errnop)
{
	struct call call;
	struct ids_cache_pw v;
	enum nss_status s;

	if ((s = begin(&call, errnop)) != NSS_STATUS_SUCCESS)
		return s;
	return pw_answer(&call, ids_cache_user_by_name(call.c, name, &v), &v,
	    pw, buf, buflen, errnop);
}

EXPORT enum nss_status
_nss_idportal_getpwuid_r(uid_t uid, struct passwd *pw, char *buf,
    size_t buflen, int *errnop)
{
	struct call call;
	struct ids_cache_pw v;
	enum nss_status s;

	if ((s = begin(&call, errnop)) != NSS_STATUS_SUCCESS)
		return s;
	return pw_answer(&call, ids_cache_user_by_uid(call.c, uid, &v), &v,
	    pw, buf, buflen, errnop);
}

EXPORT enum nss_status
_nss_idportal_getgrnam_r(const char *name, struct group *gr, char *buf,
    size_t buflen, int *errnop)
{
	struct call call;
	struct ids_cache_gr v;
	enum nss_status s;

	if ((s = begin(&call, errnop)) != NSS_STATUS_SUCCESS)
		return s;
	return gr_answer(&call, ids_cache_group_by_name(call.c, name, &v), &v,
	    gr, buf, buflen, errnop);
}

EXPORT enum nss_status
_nss_idportal_getgrgid_r(gid_t gid, struct group *gr, char *buf,
    size_t buflen, int *errnop)
{
	struct call call;
	struct ids_cache_gr v;
	enum nss_status s;

	if ((s = begin(&call, errnop)) != NSS_STATUS_SUCCESS)
		return s;
	return gr_answer(&call, ids_cache_group_by_gid(call.c, gid, &v), &v,
	    gr, buf, buflen, errnop);
}

/* --- enumeration --- */

static enum nss_status
ent_set(struct ent *e)
{
	int saved = errno, rc;

	ids_cache_close(e->c);
	e->c = NULL;
	e->next = 0;
	rc = ids_cache_open(cache_path, &e->c);
	errno = saved;
	return rc == IDS_OK ? NSS_STATUS_SUCCESS : NSS_STATUS_UNAVAIL;
}

static enum nss_status
ent_end(struct ent *e)
{
	ids_cache_close(e->c);
	e->c = NULL;
	e->next = 0;
	return NSS_STATUS_SUCCESS;
}

EXPORT enum nss_status
_nss_idportal_setpwent(int stayopen)
{
	(void)stayopen;
	return ent_set(&pwent);
}

EXPORT enum nss_status
_nss_idportal_endpwent(void)
{
	return ent_end(&pwent);
}

EXPORT enum nss_status
_nss_idportal_setgrent(int stayopen)
{
	(void)stayopen;
	return ent_set(&grent);
}

EXPORT enum nss_status
_nss_idportal_endgrent(void)
{
	return ent_end(&grent);
}

/* The next user; a record that fails its checks is passed over.  On
 * ERANGE the position stays, so the retry gets the same user. */
EXPORT enum nss_status
_nss_idportal_getpwent_r(struct passwd *pw, char *buf, size_t buflen,
    int *errnop)
{
	struct ids_cache_pw v;
	enum nss_status s;
	int rc = IDS_EINVAL, saved = errno;

	if (pwent.c == NULL && ent_set(&pwent) != NSS_STATUS_SUCCESS)
		return unavailable(IDS_ENOTFOUND, errnop);
	while (rc == IDS_EINVAL)
		if ((rc = ids_cache_user_at(pwent.c, pwent.next, &v)) ==
		    IDS_EINVAL)
			pwent.next++;
	errno = saved;	/* cdb sets it on a bad record */
	if (rc != IDS_OK)
		return notfound(errnop);
	if ((s = fill_pw(&v, pw, buf, buflen, errnop)) == NSS_STATUS_SUCCESS)
		pwent.next++;
	return s;
}

EXPORT enum nss_status
_nss_idportal_getgrent_r(struct group *gr, char *buf, size_t buflen,
    int *errnop)
{
	struct ids_cache_gr v;
	enum nss_status s;
	int rc = IDS_EINVAL, saved = errno;

	if (grent.c == NULL && ent_set(&grent) != NSS_STATUS_SUCCESS)
		return unavailable(IDS_ENOTFOUND, errnop);
	while (rc == IDS_EINVAL)
		if ((rc = ids_cache_group_at(grent.c, grent.next, &v)) ==
		    IDS_EINVAL)
			grent.next++;
	errno = saved;	/* cdb sets it on a bad record */
	if (rc != IDS_OK)
		return notfound(errnop);
	if ((s = fill_gr(&v, gr, buf, buflen, errnop)) == NSS_STATUS_SUCCESS)
		grent.next++;
	return s;
}

/* --- initgroups --- */

/* Room for one more gid: double the array, up to limit (> 0). */
static int
grow(long int *size, gid_t **groupsp, long int limit)
{
	long int n = *size > 0 ? *size * 2 : 16;
	gid_t *g;

	if (limit > 0 && n > limit)
		n = limit;
	if (n <= *size || (size_t)n > SIZE_MAX / sizeof(gid_t))
		return 0;
	if ((g = realloc(*groupsp, (size_t)n * sizeof(gid_t))) == NULL)
		return -1;
	*groupsp = g;
	*size = n;
	return 1;
}

EXPORT enum nss_status
_nss_idportal_initgroups_dyn(const char *user, gid_t group, long int *start,
    long int *size, gid_t **groupsp, long int limit, int *errnop)
{
	struct call call;
	const unsigned char *gids;
	enum nss_status s;
	uint32_t i, n, gid;
	int r;

	if ((s = begin(&call, errnop)) != NSS_STATUS_SUCCESS)
		return s;
	if (ids_cache_groups_of(call.c, user, &gids, &n) != IDS_OK)
		return end(&call, notfound(errnop), errnop);
	s = NSS_STATUS_SUCCESS;
	for (i = 0; i < n; i++) {
		if ((gid = ids_cache_gid(gids, i)) == group)
			continue;
		/* glibc merges repeats across modules; the cache has none. */
		if (*start == *size && (r = grow(size, groupsp, limit)) != 1) {
			if (r == -1) {	/* no memory: ask again later */
				*errnop = ENOMEM;
				s = NSS_STATUS_TRYAGAIN;
			}
			break;		/* 0: at the caller's limit */
		}
		(*groupsp)[(*start)++] = gid;
	}
	return end(&call, s, errnop);
}
