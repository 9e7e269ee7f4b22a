/* bench_nss.c: time getpwnam, getpwuid and getgrouplist (the initgroups
 * path) through glibc's own NSS dispatch, in this one process, whatever
 * /etc/nsswitch.conf names (run-bench runs it in a private mount namespace
 * with a bind-mounted nsswitch.conf).  Warm: the same random sequence of
 * keys is looked up once untimed, then again timed, call by call.  Prints,
 * per call, median and p99 in ns.  Not a test: it asserts nothing, but
 * counts the answers that are not the expected user.
 *   bench_nss KEYFILE N LABEL [STATPATH]
 * KEYFILE lines: "name uid gid".  With STATPATH, also the cost of one
 * stat() of that path (what a module that checks its file per lookup
 * pays on every call).
 * Output lines: LABEL CALL N FAILS MEDIAN_NS P99_NS MEAN_NS */
#include <sys/stat.h>
#include <sys/types.h>

#include <grp.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct key {
	char	name[64];
	uid_t	uid;
	gid_t	gid;
};

enum call { PWNAM, PWUID, GROUPLIST, STAT };
static const char *call_name[] = { "getpwnam", "getpwuid", "initgroups",
    "stat" };

static const char *stat_path;

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int
cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* One lookup; 1 if the answer is the key's user. */
static int
one(enum call c, const struct key *k)
{
	struct passwd *pw;
	struct stat st;
	gid_t groups[256];
	int n = 256;

	switch (c) {
	case PWNAM:
		pw = getpwnam(k->name);
		return pw != NULL && pw->pw_uid == k->uid;
	case PWUID:
		pw = getpwuid(k->uid);
		return pw != NULL && strcmp(pw->pw_name, k->name) == 0;
	case GROUPLIST:
		/* every bench user has a primary and supplementary groups */
		return getgrouplist(k->name, k->gid, groups, &n) >= 2;
	case STAT:
		return stat(stat_path, &st) == 0;
	}
	return 0;
}

static struct key *
read_keys(const char *path, size_t *count)
{
	FILE *f = fopen(path, "r");
	struct key *v = NULL, *nv;
	size_t n = 0, cap = 0;
	char line[256];
	unsigned u, g;

	if (f == NULL) {
		perror(path);
		exit(2);
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			if ((nv = realloc(v, cap * sizeof(*v))) == NULL) {
				perror("realloc");
				exit(2);
			}
			v = nv;
		}
		if (sscanf(line, "%63s %u %u", v[n].name, &u, &g) != 3)
			continue;
		v[n].uid = u;
		v[n].gid = g;
		n++;
	}
	fclose(f);
	if (n == 0) {
		fprintf(stderr, "bench_nss: no keys in %s\n", path);
		exit(2);
	}
	*count = n;
	return v;
}

static void
run(const char *label, enum call c, const struct key *keys,
    const size_t *seq, size_t n, uint64_t *lat)
{
	size_t i, fails = 0;
	uint64_t t0;
	double sum = 0;

	for (i = 0; i < n; i++)		/* warm-up: the same sequence */
		(void)one(c, &keys[seq[i]]);
	for (i = 0; i < n; i++) {
		t0 = now_ns();
		if (!one(c, &keys[seq[i]]))
			fails++;
		lat[i] = now_ns() - t0;
		sum += (double)lat[i];
	}
	qsort(lat, n, sizeof(*lat), cmp);
	printf("%s %s %zu %zu %llu %llu %.0f\n", label, call_name[c], n, fails,
	    (unsigned long long)(n % 2 ? lat[n / 2] :
	    (lat[n / 2 - 1] + lat[n / 2]) / 2),
	    (unsigned long long)lat[(size_t)((double)(n - 1) * 0.99)],
	    sum / (double)n);
	fflush(stdout);
}

int
main(int argc, char **argv)
{
	struct key *keys;
	size_t nkeys, n, i, *seq;
	uint64_t *lat;
	long v;
	gid_t g[8];
	int ng = 8;
	unsigned int seed = 12345;

	if (argc < 4 || argc > 5 || (v = atol(argv[2])) < 100) {
		fprintf(stderr, "usage: bench_nss KEYFILE N(>=100) LABEL "
		    "[STATPATH]\n");
		return 2;
	}
	n = (size_t)v;
	keys = read_keys(argv[1], &nkeys);
	if ((seq = calloc(n, sizeof(*seq))) == NULL ||
	    (lat = calloc(n, sizeof(*lat))) == NULL) {
		perror("calloc");
		return 2;
	}
	for (i = 0; i < n; i++)
		seq[i] = (size_t)rand_r(&seed) % nkeys;
	/* load the NSS modules before anything is timed */
	(void)getpwnam("bench-nss-nonexistent");
	(void)getpwuid(4000000000u);
	(void)getgrouplist("bench-nss-nonexistent", 4000000000u, g, &ng);

	run(argv[3], PWNAM, keys, seq, n, lat);
	run(argv[3], PWUID, keys, seq, n, lat);
	run(argv[3], GROUPLIST, keys, seq, n, lat);
	if (argc == 5) {
		stat_path = argv[4];
		run(argv[3], STAT, keys, seq, n, lat);
	}
	free(seq);
	free(lat);
	free(keys);
	return 0;
}
