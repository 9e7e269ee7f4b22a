/* cache_write.c: building the NSS cache file and putting it in place
 * atomically (temporary file, fsync, read back, rename, fsync of the
 * directory), so a reader maps the old file or the new one, never a part
 * of one.  The layout is described in cache.h. */
#include "cache.h"
#include "rc.h"

#include <cdb.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* (key, position) of the id indexes and (member, gid) of initgroups. */
struct idpos {
	uint32_t	 id;
	uint32_t	 i;
};
struct pair {
	const char	*member;
	uint32_t	 gid;
};

/* A growing record buffer. */
struct buf {
	unsigned char	*p;
	size_t		 len;
	size_t		 cap;
	int		 failed;	/* out of memory: record bad */
};

/* What one write works on: the input sorted, and the output. */
struct job {
	const struct ids_cache_data	 *d;
	const struct ids_cache_user	**u;	/* by name */
	const struct ids_cache_group	**g;	/* by name */
	struct idpos			 *ids;	/* scratch */
	struct pair			 *pairs;
	size_t				  npairs;
	struct cdb_make			  cm;
	struct buf			  rec;
	char				 *err;
	size_t				  errlen;
};

static int	say(struct job *, int, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

static int
say(struct job *j, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(j->err, j->errlen, fmt, ap);
	va_end(ap);
	return rc;
}

static void
put(struct buf *b, const void *p, size_t len)
{
	unsigned char *n;
	size_t cap;

	if (b->failed)
		return;
	if (b->cap - b->len < len) {
		cap = b->cap * 2 + len + 256;
		if ((n = realloc(b->p, cap)) == NULL) {
			b->failed = 1;
			return;
		}
		b->p = n;
		b->cap = cap;
	}
	memcpy(b->p + b->len, p, len);
	b->len += len;
}

static void
put32(struct buf *b, uint32_t v)
{
	unsigned char n[4];

	cdb_pack(v, n);
	put(b, n, 4);
}

static void
putstr(struct buf *b, const char *s)
{
	if (s == NULL)
		s = "";
	put(b, s, strlen(s) + 1);
}

static int
name_ok(const char *s)
{
	return s != NULL && ids_cache_name_ok(s, strnlen(s,
	    IDS_CACHE_NAME_MAX + 1));
}

static int
field_ok(const char *s)
{
	return s == NULL || ids_cache_field_ok(s, strnlen(s,
	    IDS_CACHE_FIELD_MAX + 1));
}

static int
by_user_name(const void *a, const void *b)
{
	return strcmp((*(const struct ids_cache_user *const *)a)->name,
	    (*(const struct ids_cache_user *const *)b)->name);
}

static int
by_group_name(const void *a, const void *b)
{
	return strcmp((*(const struct ids_cache_group *const *)a)->name,
	    (*(const struct ids_cache_group *const *)b)->name);
}

static int
by_idpos(const void *a, const void *b)
{
	const struct idpos *x = a, *y = b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

static int
by_pair(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;
	int c;

	if ((c = strcmp(x->member, y->member)) != 0)
		return c;
	return x->gid < y->gid ? -1 : x->gid > y->gid;
}

/* Refuse what a reader would refuse; sort users and groups by name. */
static int
check(struct job *j)
{
	const struct ids_cache_data *d = j->d;
	size_t i, k;

	for (i = 0; i < d->nusers; i++) {
		const struct ids_cache_user *x = &d->users[i];

		if (!name_ok(x->name))
			return say(j, IDS_EINVAL, "user %zu: bad name", i);
		if (!ids_cache_id_ok(x->uid) || !ids_cache_id_ok(x->gid) ||
		    x->home == NULL || !field_ok(x->gecos) ||
		    !field_ok(x->home) || !field_ok(x->shell))
			return say(j, IDS_EINVAL, "user %s: bad uid, gid, "
			    "gecos, home or shell", x->name);
		j->u[i] = x;
	}
	for (i = 0; i < d->ngroups; i++) {
		const struct ids_cache_group *x = &d->groups[i];

		if (!name_ok(x->name) || !ids_cache_id_ok(x->gid))
			return say(j, IDS_EINVAL, "group %zu: bad name or gid",
			    i);
		for (k = 0; k < x->nmembers; k++)
			if (!name_ok(x->members[k]))
				return say(j, IDS_EINVAL, "group %s: "
				    "bad member name", x->name);
		j->g[i] = x;
		j->npairs += x->nmembers;
	}
	qsort(j->u, d->nusers, sizeof(*j->u), by_user_name);
	qsort(j->g, d->ngroups, sizeof(*j->g), by_group_name);
	for (i = 1; i < d->nusers; i++)
		if (strcmp(j->u[i - 1]->name, j->u[i]->name) == 0)
			return say(j, IDS_EINVAL, "two users named %s",
			    j->u[i]->name);
	for (i = 1; i < d->ngroups; i++)
		if (strcmp(j->g[i - 1]->name, j->g[i]->name) == 0)
			return say(j, IDS_EINVAL, "two groups named %s",
			    j->g[i]->name);
	return IDS_OK;
}

/* Add tag+key -> the record buffer, then empty the buffer. */
static int
add(struct job *j, char tag, const void *key, size_t klen)
{
	unsigned char k[1 + IDS_CACHE_NAME_MAX];
	int r;

	k[0] = (unsigned char)tag;
	memcpy(k + 1, key, klen);
	r = j->rec.failed ? -1 : cdb_make_add(&j->cm, k, (unsigned)(1 + klen),
	    j->rec.p, (unsigned)j->rec.len);
	j->rec.len = 0;
	return r == 0 ? 0 : -1;
}

static int
add_num(struct job *j, char tag, uint32_t n)
{
	unsigned char k[4];

	cdb_pack(n, k);
	return add(j, tag, k, sizeof(k));
}

static int
add_index(struct job *j, char tag, const char *name, uint32_t i)
{
	put32(&j->rec, i);
	return add(j, tag, name, strlen(name));
}

/* tag+id -> i of the first entry (in name order) holding each id. */
static int
add_id_index(struct job *j, char tag, size_t n)
{
	size_t i;

	qsort(j->ids, n, sizeof(*j->ids), by_idpos);
	for (i = 0; i < n; i++) {
		if (i > 0 && j->ids[i].id == j->ids[i - 1].id)
			continue;
		put32(&j->rec, j->ids[i].i);
		if (add_num(j, tag, j->ids[i].id) == -1)
			return -1;
	}
	return 0;
}

static int
add_users(struct job *j)
{
	const struct ids_cache_user *x;
	uint32_t i;

	for (i = 0; i < j->d->nusers; i++) {
		x = j->u[i];
		put32(&j->rec, x->uid);
		put32(&j->rec, x->gid);
		putstr(&j->rec, x->name);
		putstr(&j->rec, x->gecos);
		putstr(&j->rec, x->home);
		putstr(&j->rec, x->shell);
		if (add_num(j, 'p', i) == -1 ||
		    add_index(j, 'n', x->name, i) == -1)
			return -1;
		j->ids[i].id = x->uid;
		j->ids[i].i = i;
	}
	return add_id_index(j, 'u', j->d->nusers);
}

/* Members merged: sorted pairs of this group, repeats dropped. */
static int
add_groups(struct job *j)
{
	const struct ids_cache_group *x;
	struct pair *p = j->pairs;
	size_t k, first, n;
	uint32_t i;

	for (i = 0; i < j->d->ngroups; i++) {
		x = j->g[i];
		first = (size_t)(p - j->pairs);
		for (k = 0; k < x->nmembers; k++) {
			p->member = x->members[k];
			p->gid = x->gid;
			p++;
		}
		qsort(j->pairs + first, x->nmembers, sizeof(*p), by_pair);
		for (k = 0, n = 0; k < x->nmembers; k++)
			if (k == 0 || strcmp(j->pairs[first + k].member,
			    j->pairs[first + k - 1].member) != 0)
				n++;
		put32(&j->rec, x->gid);
		put32(&j->rec, (uint32_t)n);
		putstr(&j->rec, x->name);
		for (k = 0; k < x->nmembers; k++)
			if (k == 0 || strcmp(j->pairs[first + k].member,
			    j->pairs[first + k - 1].member) != 0)
				putstr(&j->rec, j->pairs[first + k].member);
		if (add_num(j, 'g', i) == -1 ||
		    add_index(j, 'N', x->name, i) == -1)
			return -1;
		j->ids[i].id = x->gid;
		j->ids[i].i = i;
	}
	return add_id_index(j, 'G', j->d->ngroups);
}

/* "i" member -> the gids of that member's groups, ascending. */
static int
add_initgroups(struct job *j, uint32_t *ninit)
{
	size_t i, k, n;

	qsort(j->pairs, j->npairs, sizeof(*j->pairs), by_pair);
	*ninit = 0;
	for (i = 0; i < j->npairs; i = k) {
		for (k = i, n = 0; k < j->npairs &&
		    strcmp(j->pairs[k].member, j->pairs[i].member) == 0; k++)
			if (k == i || j->pairs[k].gid != j->pairs[k - 1].gid)
				n++;
		put32(&j->rec, (uint32_t)n);
		for (k = i; k < j->npairs &&
		    strcmp(j->pairs[k].member, j->pairs[i].member) == 0; k++)
			if (k == i || j->pairs[k].gid != j->pairs[k - 1].gid)
				put32(&j->rec, j->pairs[k].gid);
		if (add(j, 'i', j->pairs[i].member,
		    strlen(j->pairs[i].member)) == -1)
			return -1;
		(*ninit)++;
	}
	return 0;
}

static int
add_header(struct job *j, uint32_t ninit)
{
	uint64_t w = (uint64_t)j->d->written;

	put(&j->rec, "IDPCACHE", 8);
	put32(&j->rec, IDS_CACHE_VERSION);
	put32(&j->rec, (uint32_t)j->d->nusers);
	put32(&j->rec, (uint32_t)j->d->ngroups);
	put32(&j->rec, ninit);
	put32(&j->rec, (uint32_t)w);
	put32(&j->rec, (uint32_t)(w >> 32));
	return add(j, 'H', "", 0);
}

/* Read the new file back: a writer bug must not reach the readers. */
static int
verify(struct job *j, const char *tmp)
{
	struct ids_cache *c = NULL;
	struct ids_cache_pw pw;
	struct ids_cache_gr gr;
	uint32_t i;
	int rc;

	if ((rc = ids_cache_open(tmp, &c)) != IDS_OK)
		return say(j, IDS_EINVAL, "%s does not read back (%s)", tmp,
		    ids_rcname(rc));
	rc = ids_cache_nusers(c) == j->d->nusers &&
	    ids_cache_ngroups(c) == j->d->ngroups ? IDS_OK : IDS_EINVAL;
	for (i = 0; rc == IDS_OK && i < j->d->nusers; i++)
		rc = ids_cache_user_at(c, i, &pw);
	for (i = 0; rc == IDS_OK && i < j->d->ngroups; i++)
		rc = ids_cache_group_at(c, i, &gr);
	ids_cache_close(c);
	return rc == IDS_OK ? IDS_OK : say(j, IDS_EINVAL, "%s does not read "
	    "back as written", tmp);
}

/* fsync the directory holding path, so the rename is on disk. */
static int
sync_dir(struct job *j, const char *path)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');
	int fd, r;

	if (slash == NULL)
		strcpy(dir, ".");
	else if ((size_t)(slash - path) >= sizeof(dir))
		return say(j, IDS_ESYS, "%s: path too long", path);
	else if (slash == path)
		strcpy(dir, "/");
	else {
		memcpy(dir, path, (size_t)(slash - path));
		dir[slash - path] = '\0';
	}
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return say(j, IDS_ESYS, "%s: %s", dir, strerror(errno));
	r = fsync(fd);
	close(fd);
	return r == 0 ? IDS_OK : say(j, IDS_ESYS, "fsync %s: %s", dir,
	    strerror(errno));
}

/* Build the file at tmp (open as fd). */
static int
build(struct job *j, int fd, const char *tmp)
{
	uint32_t ninit;

	if (cdb_make_start(&j->cm, fd) != 0)
		return say(j, IDS_ENOMEM, "cdb_make_start failed");
	if (add_users(j) == -1 || add_groups(j) == -1 ||
	    add_initgroups(j, &ninit) == -1 || add_header(j, ninit) == -1) {
		cdb_make_finish(&j->cm);	/* frees its tables */
		return say(j, j->rec.failed ? IDS_ENOMEM : IDS_ESYS,
		    "writing %s: %s", tmp, j->rec.failed ? "out of memory" :
		    strerror(errno));
	}
	if (cdb_make_finish(&j->cm) != 0)
		return say(j, IDS_ESYS, "writing %s: %s", tmp,
		    strerror(errno));
	if (fchmod(fd, 0644) == -1 || fsync(fd) == -1)
		return say(j, IDS_ESYS, "%s: %s", tmp, strerror(errno));
	return IDS_OK;
}

int
ids_cache_write(const char *path, const struct ids_cache_data *data,
    char *err, size_t errlen)
{
	struct job j;
	char *tmp = NULL;
	size_t nids;
	int fd = -1, rc;

	memset(&j, 0, sizeof(j));
	j.d = data;
	j.err = err;
	j.errlen = errlen;
	err[0] = '\0';
	if (data->nusers >= UINT32_MAX / 2 || data->ngroups >= UINT32_MAX / 2)
		return say(&j, IDS_EINVAL, "too many users or groups");
	nids = data->nusers > data->ngroups ? data->nusers : data->ngroups;
	if ((j.u = calloc(data->nusers + 1, sizeof(*j.u))) == NULL ||
	    (j.g = calloc(data->ngroups + 1, sizeof(*j.g))) == NULL ||
	    (j.ids = calloc(nids + 1, sizeof(*j.ids))) == NULL) {
		rc = say(&j, IDS_ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = check(&j)) != IDS_OK)
		goto out;
	if ((j.pairs = calloc(j.npairs + 1, sizeof(*j.pairs))) == NULL ||
	    asprintf(&tmp, "%s.XXXXXX", path) == -1) {
		tmp = NULL;
		rc = say(&j, IDS_ENOMEM, "out of memory");
		goto out;
	}
	/* Same directory as path, so that rename() is atomic. */
	if ((fd = mkostemp(tmp, O_CLOEXEC)) == -1) {
		rc = say(&j, IDS_ESYS, "cannot create %s: %s", tmp,
		    strerror(errno));
		free(tmp);
		tmp = NULL;
		goto out;
	}
	if ((rc = build(&j, fd, tmp)) != IDS_OK)
		goto out;
	if (close(fd) == -1) {
		fd = -1;
		rc = say(&j, IDS_ESYS, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	fd = -1;
	if ((rc = verify(&j, tmp)) != IDS_OK)
		goto out;
	if (rename(tmp, path) == -1) {
		rc = say(&j, IDS_ESYS, "rename %s to %s: %s", tmp, path,
		    strerror(errno));
		goto out;
	}
	free(tmp);
	tmp = NULL;
	rc = sync_dir(&j, path);
out:
	if (fd != -1)
		close(fd);
	if (tmp != NULL) {
		unlink(tmp);
		free(tmp);
	}
	free(j.rec.p);
	free(j.pairs);
	free(j.ids);
	free(j.g);
	free(j.u);
	return rc;
}
