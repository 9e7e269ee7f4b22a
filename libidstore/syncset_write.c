/* syncset_write.c: the users and groups of a set, as the cache holds
 * them: active users with a name nobody else claims, groups with their
 * members (memberUid less inactive directory users, plus an org's active
 * users for its org group), then one atomic ids_cache_write(). */
#include "cache.h"
#include "rc.h"
#include "syncset_int.h"

#include <search.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The set's entries sorted out for one write. */
struct derive {
	struct ids_syncset	 *set;
	struct sync_entry	**users;	/* by name, then by DN */
	size_t			  nusers;
	struct sync_entry	**groups;
	size_t			  ngroups;
	size_t			  skipped;
	const char		**hidden;	/* user names not to list as
						 * members, sorted */
	size_t			  nhidden;
	/* Active users with an org, by org. */
	struct sync_entry	**orgusers;
	size_t			  norgusers;
};

static int
by_name(const void *a, const void *b)
{
	const struct sync_entry *x = *(struct sync_entry *const *)a;
	const struct sync_entry *y = *(struct sync_entry *const *)b;
	int c;

	if ((c = strcmp(x->name, y->name)) != 0)
		return c;
	return strcmp(x->dn, y->dn);
}

static int
by_org(const void *a, const void *b)
{
	const struct sync_entry *x = *(struct sync_entry *const *)a;
	const struct sync_entry *y = *(struct sync_entry *const *)b;
	int c;

	if ((c = strcmp(x->org, y->org)) != 0)
		return c;
	return strcmp(x->name, y->name);
}

static int
by_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void
collect(const void *node, VISIT which, void *arg)
{
	struct derive *d = arg;
	struct sync_entry *x = *(struct sync_entry *const *)node;

	if (which != postorder && which != leaf)
		return;
	if (x->kind == SYNC_USER)
		d->users[d->nusers++] = x;
	else if (x->kind == SYNC_GROUP)
		d->groups[d->ngroups++] = x;
	else
		d->skipped++;
}

/* Sort a list by name and take every entry of a name held twice out of
 * it (NULL in its place), with a warning; returns how many remain. */
static size_t
drop_repeats(struct derive *d, struct sync_entry **v, size_t n)
{
	size_t i, k, left = n;

	qsort(v, n, sizeof(*v), by_name);
	for (i = 0; i < n; i = k) {
		for (k = i + 1; k < n && strcmp(v[k]->name, v[i]->name) == 0;
		    k++)
			;
		if (k - i == 1)
			continue;
		for (; i < k; i++) {
			sync_warn(d->set, v[i]->dn, "another entry has the "
			    "same name; both are left out");
			if (v[i]->kind == SYNC_USER)
				d->hidden[d->nhidden++] = v[i]->name;
			v[i] = NULL;
			d->skipped++;
			left--;
		}
	}
	return left;
}

static int
sort_out(struct derive *d)
{
	size_t i;

	if ((d->users = calloc(d->set->count + 1, sizeof(*d->users))) ==
	    NULL || (d->groups = calloc(d->set->count + 1,
	    sizeof(*d->groups))) == NULL || (d->hidden = calloc(
	    d->set->count + 1, sizeof(*d->hidden))) == NULL ||
	    (d->orgusers = calloc(d->set->count + 1, sizeof(*d->orgusers))) ==
	    NULL)
		return IDS_ENOMEM;
	twalk_r(d->set->root, collect, d);
	drop_repeats(d, d->users, d->nusers);
	drop_repeats(d, d->groups, d->ngroups);
	for (i = 0; i < d->nusers; i++) {
		if (d->users[i] == NULL)
			continue;
		if (!d->users[i]->active)
			d->hidden[d->nhidden++] = d->users[i]->name;
		else if (d->users[i]->org != NULL)
			d->orgusers[d->norgusers++] = d->users[i];
	}
	qsort(d->hidden, d->nhidden, sizeof(*d->hidden), by_str);
	qsort(d->orgusers, d->norgusers, sizeof(*d->orgusers), by_org);
	return IDS_OK;
}

/* The run of orgusers of org: its start in *at, its length returned. */
static size_t
org_run(const struct derive *d, const char *org, size_t *at)
{
	size_t lo = 0, hi = d->norgusers, n;

	while (lo < hi) {		/* the first entry not below org */
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(d->orgusers[mid]->org, org) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (n = 0; lo + n < d->norgusers &&
	    strcmp(d->orgusers[lo + n]->org, org) == 0; n++)
		;
	*at = lo;
	return n;
}

/* Room the members of all groups take, at most. */
static size_t
member_room(const struct derive *d)
{
	size_t i, at, n = 0;

	for (i = 0; i < d->ngroups; i++)
		if (d->groups[i] != NULL)
			n += d->groups[i]->nmembers + (d->groups[i]->org ==
			    NULL ? 0 : org_run(d, d->groups[i]->org, &at));
	return n;
}

/* The members of group x into m; how many. */
static size_t
members(const struct derive *d, const struct sync_entry *x, const char **m)
{
	size_t i, at, len, n = 0;

	for (i = 0; i < x->nmembers; i++)
		if (bsearch(&x->members[i], d->hidden, d->nhidden,
		    sizeof(*d->hidden), by_str) == NULL)
			m[n++] = x->members[i];
	if (x->org == NULL)
		return n;
	for (i = 0, len = org_run(d, x->org, &at); i < len; i++)
		m[n++] = d->orgusers[at + i]->name;
	return n;
}

static void
derive_free(struct derive *d)
{
	free(d->users);
	free(d->groups);
	free(d->hidden);
	free(d->orgusers);
}

int
ids_syncset_write(struct ids_syncset *set, const char *path, time_t now,
    struct ids_syncset_stats *stats, char *err, size_t errlen)
{
	struct derive d;
	struct ids_cache_data data;
	struct ids_cache_user *u = NULL;
	struct ids_cache_group *g = NULL;
	const char **m = NULL, **next;
	size_t i;
	int rc = IDS_ENOMEM;

	memset(&d, 0, sizeof(d));
	memset(&data, 0, sizeof(data));
	memset(stats, 0, sizeof(*stats));
	d.set = set;
	snprintf(err, errlen, "out of memory");
	if (sort_out(&d) != IDS_OK ||
	    (u = calloc(d.nusers + 1, sizeof(*u))) == NULL ||
	    (g = calloc(d.ngroups + 1, sizeof(*g))) == NULL ||
	    (m = calloc(member_room(&d) + 1, sizeof(*m))) == NULL)
		goto out;
	for (i = 0; i < d.nusers; i++) {
		struct sync_entry *x = d.users[i];

		if (x == NULL || !x->active)
			continue;
		u[data.nusers].name = x->name;
		u[data.nusers].uid = x->id;
		u[data.nusers].gid = x->gid;
		u[data.nusers].gecos = x->gecos;
		u[data.nusers].home = x->home;
		u[data.nusers].shell = x->shell;
		data.nusers++;
	}
	for (i = 0, next = m; i < d.ngroups; i++) {
		if (d.groups[i] == NULL)
			continue;
		g[data.ngroups].name = d.groups[i]->name;
		g[data.ngroups].gid = d.groups[i]->id;
		g[data.ngroups].members = next;
		g[data.ngroups].nmembers = members(&d, d.groups[i], next);
		next += g[data.ngroups].nmembers;
		data.ngroups++;
	}
	data.users = u;
	data.groups = g;
	data.written = now;
	if ((rc = ids_cache_write(path, &data, err, errlen)) == IDS_OK) {
		stats->users = data.nusers;
		stats->groups = data.ngroups;
		stats->skipped = d.skipped;
	}
out:
	free(m);
	free(g);
	free(u);
	derive_free(&d);
	return rc;
}
