/* test_nss_damage.c: the built module under stress: threads looking up
 * while the file is replaced underneath them, and cache files that are
 * truncated at every length, scribbled on, or well-formed cdb files with
 * hostile records.  None may crash the caller or answer with a malformed
 * entry; a damaged record reads as NOTFOUND, a damaged file as UNAVAIL.
 * fuzz_cache_bytes() is the fuzz entry: any bytes as the cache file, then
 * every call through the module and the library. */
#include <sys/stat.h>

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include <cdb.h>
#include <cmocka.h>

#include "nss_fixture.h"

static const char *const names[] = { "alice01", "bob0001", "carol01",
    "localusr", "nobody", NULL };
static const uint32_t ids[] = { 10001, 10002, 10003, 20000, 20001, 20002,
    0 };

/* Every answer must be one glibc can take: a status it knows, and on
 * success an entry with what was asked for. */
static void
check_pw(enum nss_status s, int err, const struct passwd *pw,
    const char *name, uint32_t uid)
{
	assert_true(s == OK || s == NOTFOUND || s == UNAVAIL ||
	    (s == TRYAGAIN && err == ERANGE));
	if (s != OK)
		return;
	assert_true(name == NULL || strcmp(pw->pw_name, name) == 0);
	assert_true(name != NULL || pw->pw_uid == uid);
	assert_true(strlen(pw->pw_gecos) + strlen(pw->pw_dir) +
	    strlen(pw->pw_shell) < 3 * 4096);
}

static void
check_gr(enum nss_status s, int err, const struct group *gr,
    const char *name, uint32_t gid)
{
	size_t i;

	assert_true(s == OK || s == NOTFOUND || s == UNAVAIL ||
	    (s == TRYAGAIN && err == ERANGE));
	if (s != OK)
		return;
	assert_true(name == NULL || strcmp(gr->gr_name, name) == 0);
	assert_true(name != NULL || gr->gr_gid == gid);
	for (i = 0; gr->gr_mem[i] != NULL; i++)
		assert_true(strlen(gr->gr_mem[i]) > 0);
}

/* Everything the library offers, on whatever is at path. */
static void
exercise_library(void)
{
	struct ids_cache *c;
	struct ids_cache_pw pw;
	struct ids_cache_gr gr;
	const unsigned char *g;
	uint32_t i, n;

	if (ids_cache_open(path, &c) != IDS_OK)
		return;
	for (i = 0; names[i] != NULL; i++) {
		(void)ids_cache_user_by_name(c, names[i], &pw);
		(void)ids_cache_group_by_name(c, names[i], &gr);
		if (ids_cache_groups_of(c, names[i], &g, &n) == IDS_OK &&
		    n > 0)
			assert_true(ids_cache_gid(g, n - 1) != 0);
	}
	for (i = 0; ids[i] != 0; i++) {
		(void)ids_cache_user_by_uid(c, ids[i], &pw);
		(void)ids_cache_group_by_gid(c, ids[i], &gr);
	}
	for (i = 0; i < ids_cache_nusers(c); i++)
		if (ids_cache_user_at(c, i, &pw) == IDS_OK)
			assert_true(strlen(pw.name) > 0);
	for (i = 0; i < ids_cache_ngroups(c); i++)
		(void)ids_cache_group_at(c, i, &gr);
	ids_cache_close(c);
}

static void
exercise_module(void)
{
	struct passwd pw;
	struct group gr;
	char buf[8192];
	gid_t *g;
	long start, size;
	int i, err = 0;
	enum nss_status s;

	for (i = 0; names[i] != NULL; i++) {
		s = nss.getpwnam_r(names[i], &pw, buf, sizeof(buf), &err);
		check_pw(s, err, &pw, names[i], 0);
		s = nss.getgrnam_r(names[i], &gr, buf, sizeof(buf), &err);
		check_gr(s, err, &gr, names[i], 0);
		assert_non_null(g = malloc(sizeof(*g)));
		start = size = 1;
		s = nss.initgroups_dyn(names[i], 1, &start, &size, &g, 0, &err);
		assert_true(s == OK || s == NOTFOUND || s == UNAVAIL);
		assert_true(start <= size);
		free(g);
	}
	for (i = 0; ids[i] != 0; i++) {
		s = nss.getpwuid_r(ids[i], &pw, buf, sizeof(buf), &err);
		check_pw(s, err, &pw, NULL, ids[i]);
		s = nss.getgrgid_r(ids[i], &gr, buf, sizeof(buf), &err);
		check_gr(s, err, &gr, NULL, ids[i]);
	}
	nss.setpwent(0);
	for (i = 0; i < 100000 && (s = nss.getpwent_r(&pw, buf, sizeof(buf),
	    &err)) == OK; i++)
		check_pw(s, err, &pw, pw.pw_name, 0);
	assert_true(i < 100000);
	nss.endpwent();
	nss.setgrent(0);
	for (i = 0; i < 100000 && (s = nss.getgrent_r(&gr, buf, sizeof(buf),
	    &err)) == OK; i++)
		check_gr(s, err, &gr, gr.gr_name, 0);
	assert_true(i < 100000);
	nss.endgrent();
}

/* The fuzz entry. */
static void
fuzz_cache_bytes(const unsigned char *data, size_t len)
{
	put_file(data, len, 0644);
	exercise_library();
	exercise_module();
}

static void
test_truncated(void **state)
{
	unsigned char *data;
	struct passwd pw;
	char buf[512];
	size_t len, n;
	int err = 0;

	(void)state;
	write_small();
	data = slurp(&len);
	for (n = 0; n < len; n++)
		fuzz_cache_bytes(data, n);
	/* Whole again: everything is back. */
	fuzz_cache_bytes(data, len);
	assert_int_equal(nss.getpwnam_r("carol01", &pw, buf, sizeof(buf),
	    &err), OK);
	free(data);
}

static uint32_t
rnd(void)
{
	static uint32_t x = 2463534242u;	/* xorshift32: repeatable */

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return x;
}

static void
test_scribbled(void **state)
{
	unsigned char *data, *buf;
	size_t len, at;
	uint32_t odd[12];
	int i, k;

	(void)state;
	write_small();
	data = slurp(&len);
	/* Values that make offsets and lengths interesting. */
	odd[0] = 0; odd[1] = 1; odd[2] = 2047; odd[3] = 2048;
	odd[4] = (uint32_t)len - 1; odd[5] = (uint32_t)len;
	odd[6] = (uint32_t)len + 1; odd[7] = 0x7fffffff; odd[8] = 0x80000000;
	odd[9] = 0xfffffff8; odd[10] = 0xffffffff; odd[11] = 100;
	assert_non_null(buf = malloc(len));
	for (i = 0; i < 1000; i++) {
		memcpy(buf, data, len);
		for (k = 1 + (int)(rnd() % 4); k > 0; k--) {
			at = rnd() % len;
			if (rnd() % 2 == 0) {
				buf[at] = (unsigned char)rnd();
				continue;
			}
			at &= ~(size_t)3;
			if (at + 4 <= len)
				cdb_pack(rnd() % 3 == 0 ? rnd() :
				    odd[rnd() % 12], buf + at);
		}
		fuzz_cache_bytes(buf, len);
	}
	free(buf);
	free(data);
}

/* A cdb file of records given as (key, key length, value, length). */
struct rec {
	const char	*k;
	size_t		 klen;
	const void	*v;
	size_t		 vlen;
};

static void
put_records(const struct rec *r, size_t n)
{
	struct cdb_make cm;
	char tmp[160];
	size_t i;
	int fd;

	snprintf(tmp, sizeof(tmp), "%s.new", path);
	(void)unlink(tmp);
	fd = open(tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(cdb_make_start(&cm, fd), 0);
	for (i = 0; i < n; i++)
		assert_int_equal(cdb_make_add(&cm, r[i].k, (unsigned)r[i].klen,
		    r[i].v, (unsigned)r[i].vlen), 0);
	assert_int_equal(cdb_make_finish(&cm), 0);
	close(fd);
	assert_int_equal(rename(tmp, path), 0);
}

/* Well-formed cdb, one user and one group, each record wrong in one way:
 * the lookup is NOTFOUND, the neighbours still answer. */
static void
test_hostile_records(void **state)
{
	static const unsigned char hdr[32] = { 'I', 'D', 'P', 'C', 'A', 'C',
	    'H', 'E', 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0 };
	static const unsigned char i0[4], i1[4] = { 1 };
	static const char good[] = "\x11\x27\0\0\x11\x27\0\0alice01\0g\0/h\0";
	static const char nonul[] =
	    "\x11\x27\0\0\x11\x27\0\0alice01\0g\0/h\0/s";
	static const char root[] = "\0\0\0\0\x11\x27\0\0alice01\0g\0/h\0";
	static const char colon[] = "\x11\x27\0\0\x11\x27\0\0alice01\0g:\0/h\0";
	static const char other[] = "\x11\x27\0\0\x11\x27\0\0bob0001\0g\0/h\0";
	static const char grp[] = "\x21\x4e\0\0\xe8\x03\0\0acme\0alice01";
	static const char ini[] = "\x05\0\0\0\x21\x4e\0\0";
	static const unsigned char uid[5] = { 'u', 0x11, 0x27, 0, 0 };
	const void *bad_users[] = { nonul, root, colon, other };
	/* sizeof counts the literal's own NUL: the empty shell. */
	const size_t bad_len[] = { sizeof(nonul) - 1, sizeof(root),
	    sizeof(colon), sizeof(other) };
	struct rec r[] = {
		{ "H", 1, hdr, sizeof(hdr) },
		{ "p\0\0\0\0", 5, good, sizeof(good) },
		{ "nalice01", 8, i0, 4 },
		{ (const char *)uid, 5, i0, 4 },
		{ "g\0\0\0\0", 5, grp, sizeof(grp) },
		{ "Nacme", 5, i0, 4 },
		{ "ialice01", 8, ini, sizeof(ini) - 1 },
	};
	struct passwd pw;
	struct group gr;
	char buf[1024];
	gid_t *g;
	long start = 1, size = 1;
	int err = 0, i;

	(void)state;
	put_records(r, 7);
	assert_int_equal(nss.getpwnam_r("alice01", &pw, buf, sizeof(buf),
	    &err), OK);
	assert_int_equal(nss.getpwuid_r(10001, &pw, buf, sizeof(buf), &err),
	    OK);
	/* nmem says 1000, there is one; n says 5, there is one gid. */
	assert_int_equal(nss.getgrnam_r("acme", &gr, buf, sizeof(buf), &err),
	    NOTFOUND);
	assert_non_null(g = malloc(sizeof(*g)));
	assert_int_equal(nss.initgroups_dyn("alice01", 1, &start, &size, &g,
	    0, &err), NOTFOUND);
	free(g);
	for (i = 0; i < 4; i++) {
		r[1].v = bad_users[i];
		r[1].vlen = bad_len[i];
		put_records(r, 7);
		assert_int_equal(nss.getpwnam_r("alice01", &pw, buf,
		    sizeof(buf), &err), NOTFOUND);
		exercise_module();
	}
	/* An index past the users there are. */
	r[1].v = good;
	r[1].vlen = sizeof(good);
	r[2].v = i1;
	put_records(r, 7);
	assert_int_equal(nss.getpwnam_r("alice01", &pw, buf, sizeof(buf),
	    &err), NOTFOUND);
	assert_int_equal(nss.getpwuid_r(10001, &pw, buf, sizeof(buf), &err),
	    OK);
}

/* Threads look up while the file is replaced 100 times: every answer is
 * right, and no thread keeps an old mapping once it has gone. */
static atomic_int stop;

static void *
reader(void *arg)
{
	long *failures = arg;
	struct passwd pw;
	struct group gr;
	char buf[4096];
	gid_t *g;
	long start, size, n = 0;
	int err;

	while (!atomic_load(&stop) || n == 0) {
		if (nss.getpwnam_r("alice01", &pw, buf, sizeof(buf), &err) !=
		    OK || pw.pw_uid != 10001)
			(*failures)++;
		if (nss.getgrgid_r(20001, &gr, buf, sizeof(buf), &err) != OK ||
		    strcmp(gr.gr_name, "acme") != 0)
			(*failures)++;
		if ((g = malloc(sizeof(*g))) == NULL)
			break;
		start = size = 1;
		if (nss.initgroups_dyn("alice01", 1, &start, &size, &g, 0,
		    &err) != OK || start != 3)
			(*failures)++;
		free(g);
		n++;
		sched_yield();	/* under valgrind, let the writer run */
	}
	return NULL;
}

static int
mappings_of_cache(void)
{
	char line[1024];
	FILE *f;
	int n = 0;

	assert_non_null(f = fopen("/proc/self/maps", "r"));
	while (fgets(line, sizeof(line), f) != NULL)
		if (strstr(line, path) != NULL)
			n++;
	fclose(f);
	return n;
}

static void
test_threads(void **state)
{
	static const struct ids_cache_user other[] = {
		{ "alice01", 10001, 10001, "Alice L.", "/home/alice01", "" },
		{ "zed0001", 10009, 10009, "", "/home/zed0001", "" },
	};
	pthread_t t[4];
	long failures[4] = { 0, 0, 0, 0 };
	unsigned char *a, *b;
	size_t alen, blen;
	int i;

	(void)state;
	/* Two versions, put in place by rename (as ids_cache_write does,
	 * less its fsyncs, which only make the test slow). */
	write_users(other, 2);
	b = slurp(&blen);
	write_fixture();
	a = slurp(&alen);
	atomic_store(&stop, 0);
	for (i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, reader,
		    &failures[i]), 0);
	for (i = 0; i < 100; i++) {
		if (i % 2 == 0)
			put_file(b, blen, 0644);
		else
			put_file(a, alen, 0644);
		usleep(1000);
	}
	atomic_store(&stop, 1);
	for (i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
		assert_int_equal(failures[i], 0);
	}
	/* The threads' mappings went with them; main's may stay. */
	assert_true(mappings_of_cache() <= 1);
	free(a);
	free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_scribbled),
		cmocka_unit_test(test_hostile_records),
	};

	if (getenv("TEST_FILTER") != NULL)
		cmocka_set_test_filter(getenv("TEST_FILTER"));
	return cmocka_run_group_tests(tests, nss_setup, nss_teardown);
}
