/* syncset_state.c: a syncset saved to a file and read back, with the RFC
 * 4533 cookie it is current to, so `sync --daemon` resumes after a restart
 * from the cookie instead of reading the whole directory again (the cache
 * file alone cannot be turned back into entries: inactive users and the
 * org rules are applied when it is written).
 *
 * Format (all integers 32-bit little-endian): "IDPSYNC1", cookie length
 * and bytes, entry count, then per entry kind, active, id, gid, nmembers,
 * and the strings key, dn, org, name, gecos, home, shell, members, each as
 * length + 1 (0 for NULL) and bytes.  Written to a temporary file, fsync'd
 * and renamed; read in full and checked, anything odd is "no state". */
#include "syncset.h"
#include "rc.h"
#include "syncset_int.h"

#include <errno.h>
#include <fcntl.h>
#include <search.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAGIC	"IDPSYNC1"

struct out {
	FILE	*f;
	int	 bad;
};

static void
put32(struct out *o, uint32_t v)
{
	unsigned char b[4] = { v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff,
	    (v >> 24) & 0xff };

	if (fwrite(b, 1, 4, o->f) != 4)
		o->bad = 1;
}

static void
putstr(struct out *o, const char *s)
{
	size_t n = s != NULL ? strlen(s) : 0;

	put32(o, s != NULL ? (uint32_t)n + 1 : 0);
	if (n > 0 && fwrite(s, 1, n, o->f) != n)
		o->bad = 1;
}

static void
save_one(const void *node, VISIT v, void *arg)
{
	const struct sync_entry *x = *(const struct sync_entry *const *)node;
	struct out *o = arg;
	size_t i;

	if (v != postorder && v != leaf)
		return;
	put32(o, (uint32_t)x->kind);
	put32(o, (uint32_t)x->active);
	put32(o, x->id);
	put32(o, x->gid);
	put32(o, (uint32_t)x->nmembers);
	putstr(o, x->key);
	putstr(o, x->dn);
	putstr(o, x->org);
	putstr(o, x->name);
	putstr(o, x->gecos);
	putstr(o, x->home);
	putstr(o, x->shell);
	for (i = 0; i < x->nmembers; i++)
		putstr(o, x->members[i]);
}

int
ids_syncset_save(struct ids_syncset *set, const char *path,
    const struct berval *cookie, char *err, size_t errlen)
{
	char tmp[4096];
	struct out o = { NULL, 0 };
	int fd;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >=
	    sizeof(tmp)) {
		snprintf(err, errlen, "%s: name too long", path);
		return IDS_EINVAL;
	}
	if ((fd = mkstemp(tmp)) == -1 || (o.f = fdopen(fd, "w")) == NULL) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		if (fd != -1) {
			close(fd);
			unlink(tmp);
		}
		return IDS_ESYS;
	}
	fwrite(MAGIC, 1, 8, o.f);
	put32(&o, cookie != NULL ? (uint32_t)cookie->bv_len : 0);
	if (cookie != NULL && cookie->bv_len > 0)
		fwrite(cookie->bv_val, 1, cookie->bv_len, o.f);
	put32(&o, (uint32_t)set->count);
	twalk_r(set->root, save_one, &o);
	if (fflush(o.f) != 0 || ferror(o.f) || o.bad || fsync(fd) != 0) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		fclose(o.f);
		unlink(tmp);
		return IDS_ESYS;
	}
	if (fclose(o.f) != 0 || rename(tmp, path) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		unlink(tmp);
		return IDS_ESYS;
	}
	return IDS_OK;
}

struct in {
	const unsigned char	*p;
	size_t			 left;
	int			 bad;
};

static uint32_t
get32(struct in *in)
{
	uint32_t v;

	if (in->left < 4) {
		in->bad = 1;
		return 0;
	}
	v = in->p[0] | (uint32_t)in->p[1] << 8 | (uint32_t)in->p[2] << 16 |
	    (uint32_t)in->p[3] << 24;
	in->p += 4;
	in->left -= 4;
	return v;
}

/* A string, or NULL; *nomem on allocation failure. */
static char *
getstr(struct in *in, int *nomem)
{
	uint32_t n = get32(in);
	char *s;

	if (in->bad || n == 0)
		return NULL;
	n--;
	if (n > in->left || memchr(in->p, '\0', n) != NULL) {
		in->bad = 1;
		return NULL;
	}
	if ((s = strndup((const char *)in->p, n)) == NULL)
		*nomem = 1;
	in->p += n;
	in->left -= n;
	return s;
}

static int
by_key(const void *a, const void *b)
{
	return strcmp(((const struct sync_entry *)a)->key,
	    ((const struct sync_entry *)b)->key);
}

static int
load_entries(struct ids_syncset *set, struct in *in, uint32_t count)
{
	struct sync_entry *x;
	uint32_t i, j;
	int nomem = 0;
	void *slot;

	for (i = 0; i < count; i++) {
		if ((x = calloc(1, sizeof(*x))) == NULL)
			return IDS_ENOMEM;
		x->kind = (int)get32(in);
		x->active = (int)get32(in);
		x->id = get32(in);
		x->gid = get32(in);
		x->nmembers = get32(in);
		if (in->bad || x->nmembers > in->left / 4 ||
		    (x->kind != SYNC_USER && x->kind != SYNC_GROUP &&
		    x->kind != SYNC_SKIPPED)) {
			x->nmembers = 0;
			sync_entry_free(x);
			return IDS_EINVAL;
		}
		x->key = getstr(in, &nomem);
		x->dn = getstr(in, &nomem);
		x->org = getstr(in, &nomem);
		x->name = getstr(in, &nomem);
		x->gecos = getstr(in, &nomem);
		x->home = getstr(in, &nomem);
		x->shell = getstr(in, &nomem);
		if (x->nmembers > 0 && (x->members = calloc(x->nmembers,
		    sizeof(char *))) == NULL)
			nomem = 1;
		for (j = 0; x->members != NULL && j < x->nmembers; j++)
			if ((x->members[j] = getstr(in, &nomem)) == NULL)
				in->bad = 1;
		if (x->members == NULL)
			x->nmembers = 0;
		if (nomem || in->bad || x->key == NULL || x->dn == NULL ||
		    (x->kind != SYNC_SKIPPED && x->name == NULL) ||
		    (slot = tsearch(x, &set->root, by_key)) == NULL ||
		    *(struct sync_entry **)slot != x) {
			sync_entry_free(x);
			return nomem ? IDS_ENOMEM : IDS_EINVAL;
		}
		set->count++;
	}
	return in->left == 0 ? IDS_OK : IDS_EINVAL;
}

int
ids_syncset_load(struct ids_syncset *set, const char *path,
    struct berval *cookie)
{
	struct in in = { NULL, 0, 0 };
	unsigned char *buf = NULL;
	size_t size = 0, cap = 0;
	ssize_t r;
	uint32_t n;
	int fd, rc;

	cookie->bv_val = NULL;
	cookie->bv_len = 0;
	if (set->count != 0)
		return IDS_EINVAL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1)
		return errno == ENOENT ? IDS_ENOTFOUND : IDS_ESYS;
	for (;;) {
		if (size == cap) {
			unsigned char *nb;

			cap = cap ? cap * 2 : 65536;
			if ((nb = realloc(buf, cap)) == NULL) {
				rc = IDS_ENOMEM;
				goto out;
			}
			buf = nb;
		}
		if ((r = read(fd, buf + size, cap - size)) < 0) {
			if (errno == EINTR)
				continue;
			rc = IDS_ESYS;
			goto out;
		}
		if (r == 0)
			break;
		size += (size_t)r;
	}
	rc = IDS_EINVAL;
	if (size < 8 || memcmp(buf, MAGIC, 8) != 0)
		goto out;
	in.p = buf + 8;
	in.left = size - 8;
	n = get32(&in);
	if (in.bad || n > in.left)
		goto out;
	if (n > 0) {
		if ((cookie->bv_val = malloc(n)) == NULL) {
			rc = IDS_ENOMEM;
			goto out;
		}
		memcpy(cookie->bv_val, in.p, n);
		cookie->bv_len = n;
		in.p += n;
		in.left -= n;
	}
	n = get32(&in);
	if (!in.bad)
		rc = load_entries(set, &in, n);
out:
	close(fd);
	free(buf);
	if (rc != IDS_OK) {
		tdestroy(set->root, sync_entry_free);
		set->root = NULL;
		set->count = 0;
		free(cookie->bv_val);
		cookie->bv_val = NULL;
		cookie->bv_len = 0;
	}
	return rc;
}

struct retain {
	int	(*keep)(void *arg, const char *key);
	void	*arg;
	char	**drop;
	size_t	 ndrop;
	int	 nomem;
};

static void
collect(const void *node, VISIT v, void *arg)
{
	const struct sync_entry *x = *(const struct sync_entry *const *)node;
	struct retain *r = arg;
	char *k;

	if ((v != postorder && v != leaf) || r->nomem || r->keep(r->arg, x->key))
		return;
	if ((k = strdup(x->key)) == NULL) {
		r->nomem = 1;
		return;
	}
	r->drop[r->ndrop++] = k;
}

size_t
ids_syncset_retain(struct ids_syncset *set,
    int (*keep)(void *arg, const char *key), void *arg)
{
	struct retain r = { keep, arg, NULL, 0, 0 };
	size_t i;

	if (set->count == 0 ||
	    (r.drop = calloc(set->count, sizeof(char *))) == NULL)
		return 0;
	twalk_r(set->root, collect, &r);
	for (i = 0; i < r.ndrop; i++) {
		ids_syncset_delete(set, r.drop[i]);
		free(r.drop[i]);
	}
	free(r.drop);
	return r.ndrop;
}
