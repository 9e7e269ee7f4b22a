/* nss-reader: a process that threads and forks while it looks names up in
 * the built libnss_idportal.so.2 (called directly, through dlopen), for
 * tests/integ/nss.sh, which replaces the cache underneath it.
 *
 *   nss-reader MODULE NAME UID GID STOPFILE
 *
 * Four threads look up NAME, UID and GID (and NAME's groups, which must
 * include GID) until STOPFILE exists (or 120 s pass).  Meanwhile a child
 * forked while those threads run does the same with threads of its own,
 * and the main thread keeps forking short-lived children that look NAME
 * up once, single-threaded, and exit.  Every lookup must succeed with
 * the right answer.  At the end no thread's mapping of the cache may be
 * left behind.  Prints one summary line per process; exits 0 if all went
 * right.  The cache is $IDPORTAL_CACHE, as for the module. */
#include <sys/types.h>
#include <sys/wait.h>

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nss_idportal.h"

#define NTHREADS	4
#define MAX_SECONDS	120

static __typeof__(_nss_idportal_getpwnam_r)	*getpwnam_f;
static __typeof__(_nss_idportal_getpwuid_r)	*getpwuid_f;
static __typeof__(_nss_idportal_getgrgid_r)	*getgrgid_f;
static __typeof__(_nss_idportal_initgroups_dyn)	*initgroups_f;
static const char	*name, *stopfile;
static uid_t		 uid;
static gid_t		 gid;
static time_t		 started;

struct counts {
	atomic_long	lookups;
	atomic_long	failures;
};

static int
stop_now(void)
{
	return access(stopfile, F_OK) == 0 ||
	    time(NULL) - started > MAX_SECONDS;
}

/* One round: name, uid, gid, name's groups.  0 if all answered right. */
static int
round_ok(void)
{
	struct passwd pw;
	struct group gr;
	char buf[4096];
	gid_t *g;
	long start = 1, size = 1, i;
	int err, ok = 1;

	if (getpwnam_f(name, &pw, buf, sizeof(buf), &err) !=
	    NSS_STATUS_SUCCESS || pw.pw_uid != uid)
		ok = 0;
	if (getpwuid_f(uid, &pw, buf, sizeof(buf), &err) !=
	    NSS_STATUS_SUCCESS || strcmp(pw.pw_name, name) != 0)
		ok = 0;
	if (getgrgid_f(gid, &gr, buf, sizeof(buf), &err) !=
	    NSS_STATUS_SUCCESS)
		ok = 0;
	if ((g = malloc(sizeof(*g))) == NULL)
		return -1;
	g[0] = 0;
	if (initgroups_f(name, 0, &start, &size, &g, 0, &err) !=
	    NSS_STATUS_SUCCESS)
		ok = 0;
	for (i = 1; ok && i < start && g[i] != gid; i++)
		;
	if (i == start)
		ok = 0;
	free(g);
	return ok ? 0 : -1;
}

static void *
loop(void *arg)
{
	struct counts *c = arg;
	long n;

	for (n = 0; n == 0 || !stop_now(); n++) {
		if (round_ok() != 0)
			atomic_fetch_add(&c->failures, 1);
		atomic_fetch_add(&c->lookups, 1);
		usleep(20);	/* leave the CPUs to the writer, too */
	}
	return NULL;
}

/* Mappings of the cache file (or of files it replaced) in this process. */
static int
mappings(void)
{
	const char *cache = getenv("IDPORTAL_CACHE");
	char line[1024];
	FILE *f;
	int n = 0;

	if (cache == NULL || (f = fopen("/proc/self/maps", "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strstr(line, cache) != NULL)
			n++;
	fclose(f);
	return n;
}

/* Threads until the stop file; then join them.  0 if all went right. */
static int
run_threads(const char *who, int (*meanwhile)(void))
{
	pthread_t t[NTHREADS];
	struct counts c;
	int i, n, bad = 0, left;

	atomic_init(&c.lookups, 0);
	atomic_init(&c.failures, 0);
	for (i = 0; i < NTHREADS; i++)
		if (pthread_create(&t[i], NULL, loop, &c) != 0)
			return -1;
	if (meanwhile != NULL)
		bad = meanwhile();
	for (i = 0; i < NTHREADS; i++)
		pthread_join(t[i], NULL);
	/* Each thread's mapping went with it (its key destructor); only
	 * this thread's own, if any, may remain. */
	left = mappings();
	n = printf("%s: %ld rounds, %ld failed, %d mapping(s) left%s\n", who,
	    atomic_load(&c.lookups), atomic_load(&c.failures), left,
	    bad ? ", forked children failed" : "");
	fflush(stdout);
	return n < 0 || bad || atomic_load(&c.failures) != 0 ||
	    atomic_load(&c.lookups) < NTHREADS || left < 0 || left > 1 ? -1 :
	    0;
}

/* The main thread, while its threads run: fork short-lived children
 * that look name up once, until the stop file appears. */
static int
fork_children(void)
{
	long forks = 0, failed = 0;
	pid_t pid;
	int status;

	while (forks == 0 || !stop_now()) {
		if ((pid = fork()) == -1)
			return -1;
		if (pid == 0)
			_exit(round_ok() == 0 ? 0 : 1);
		if (waitpid(pid, &status, 0) == -1 || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0)
			failed++;
		forks++;
		usleep(2000);
	}
	printf("forked %ld single-lookup children, %ld failed\n", forks,
	    failed);
	return failed != 0;
}

int
main(int argc, char **argv)
{
	void *so;
	pid_t child;
	int status, rc;

	if (argc != 6) {
		fprintf(stderr, "usage: nss-reader MODULE NAME UID GID "
		    "STOPFILE\n");
		return 2;
	}
	name = argv[2];
	uid = (uid_t)strtoul(argv[3], NULL, 10);
	gid = (gid_t)strtoul(argv[4], NULL, 10);
	stopfile = argv[5];
	started = time(NULL);
	if ((so = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL)) == NULL ||
	    (getpwnam_f = (__typeof__(getpwnam_f))dlsym(so,
	    "_nss_idportal_getpwnam_r")) == NULL ||
	    (getpwuid_f = (__typeof__(getpwuid_f))dlsym(so,
	    "_nss_idportal_getpwuid_r")) == NULL ||
	    (getgrgid_f = (__typeof__(getgrgid_f))dlsym(so,
	    "_nss_idportal_getgrgid_r")) == NULL ||
	    (initgroups_f = (__typeof__(initgroups_f))dlsym(so,
	    "_nss_idportal_initgroups_dyn")) == NULL) {
		fprintf(stderr, "nss-reader: %s\n", dlerror());
		return 1;
	}
	/* Warm: this thread maps the cache before anything forks. */
	if (round_ok() != 0) {
		fprintf(stderr, "nss-reader: %s does not resolve at start\n",
		    name);
		return 1;
	}
	/* A child with threads of its own, forked from a process whose
	 * threads are mid-lookup. */
	if ((child = fork()) == -1)
		return 1;
	if (child == 0)
		_exit(run_threads("child", NULL) == 0 ? 0 : 1);
	rc = run_threads("parent", fork_children);
	if (waitpid(child, &status, 0) == -1 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		rc = -1;
	return rc == 0 ? 0 : 1;
}
