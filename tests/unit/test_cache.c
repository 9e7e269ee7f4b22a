/* test_cache.c: the NSS cache file through the library: what
 * ids_cache_write() writes reads back (lookups by name and id, enumeration
 * order, initgroups, repeats merged), what it refuses leaves the old file
 * in place, and files that are not caches are refused on open.  The built
 * module and damaged files: test_nss.c. */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cdb.h>
#include <cmocka.h>

#include "cache.h"
#include "rc.h"

static char dir[64], path[128];

/* --- fixture data --- */

static const struct ids_cache_user users[] = {
	{ "carol02", 10003, 10003, "Carol Two", "/home/carol02", "/bin/sh" },
	{ "alice01", 10001, 10001, "Alice Liddell", "/home/alice01",
	    "/bin/bash" },
	{ "bob0001", 10002, 20000, NULL, "/home/bob0001", NULL },
	{ "carol01", 10003, 10003, "Carol One", "/home/carol01", "/bin/sh" },
};
static const char *const staff_m[] = { "bob0001", "alice01", "localusr" };
static const char *const acme_m[] = { "carol01", "alice01", "alice01" };
static char big_names[100][16];
static const char *big_m[100];
static struct ids_cache_group groups[] = {
	{ "staff", 20000, staff_m, 3 },
	{ "acme", 20001, acme_m, 3 },
	{ "empty", 20002, NULL, 0 },
	{ "big", 20003, big_m, 100 },
};

static struct ids_cache_data
fixture(void)
{
	struct ids_cache_data d = { users, 4, groups, 4, 1700000000 };
	int i;

	for (i = 0; i < 100; i++) {
		snprintf(big_names[i], sizeof(big_names[i]), "m%04d", i);
		big_m[i] = big_names[i];
	}
	return d;
}

static void
write_fixture(void)
{
	struct ids_cache_data d = fixture();
	char err[256];

	assert_int_equal(ids_cache_write(path, &d, err, sizeof(err)), IDS_OK);
}

/* Put bytes at path the way sync does: a new file renamed over it. */
static void
put_file(const void *data, size_t len, mode_t mode)
{
	char tmp[160];
	int fd;

	snprintf(tmp, sizeof(tmp), "%s.new", path);
	(void)unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
	assert_int_equal(rename(tmp, path), 0);
}

/* A cdb file with the given records (key, value pairs; NULL ends). */
static void
put_cdb(const char *const *kv, const size_t *vlen)
{
	struct cdb_make cm;
	int fd, i;

	(void)unlink(path);
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(cdb_make_start(&cm, fd), 0);
	for (i = 0; kv[2 * i] != NULL; i++)
		assert_int_equal(cdb_make_add(&cm, kv[2 * i],
		    (unsigned)strlen(kv[2 * i]), kv[2 * i + 1],
		    (unsigned)vlen[i]), 0);
	assert_int_equal(cdb_make_finish(&cm), 0);
	close(fd);
}

/* --- library --- */

static void
test_roundtrip(void **state)
{
	struct ids_cache *c;
	struct ids_cache_pw pw;
	struct ids_cache_gr gr;
	const unsigned char *gids;
	const char *m;
	uint32_t n;

	(void)state;
	write_fixture();
	assert_int_equal(ids_cache_open(path, &c), IDS_OK);
	assert_int_equal(ids_cache_nusers(c), 4);
	assert_int_equal(ids_cache_ngroups(c), 4);
	assert_int_equal(ids_cache_written(c), 1700000000);

	assert_int_equal(ids_cache_user_by_name(c, "alice01", &pw), IDS_OK);
	assert_string_equal(pw.name, "alice01");
	assert_int_equal(pw.uid, 10001);
	assert_int_equal(pw.gid, 10001);
	assert_string_equal(pw.gecos, "Alice Liddell");
	assert_string_equal(pw.home, "/home/alice01");
	assert_string_equal(pw.shell, "/bin/bash");
	assert_int_equal(ids_cache_user_by_name(c, "bob0001", &pw), IDS_OK);
	assert_string_equal(pw.gecos, "");
	assert_string_equal(pw.shell, "");
	/* Names are exact: case counts (SPEC 3). */
	assert_int_equal(ids_cache_user_by_name(c, "Alice01", &pw),
	    IDS_ENOTFOUND);
	assert_int_equal(ids_cache_user_by_name(c, "", &pw), IDS_ENOTFOUND);
	assert_int_equal(ids_cache_user_by_name(c, "a:b", &pw),
	    IDS_ENOTFOUND);
	/* A uid held twice: the first user by name. */
	assert_int_equal(ids_cache_user_by_uid(c, 10003, &pw), IDS_OK);
	assert_string_equal(pw.name, "carol01");
	assert_int_equal(ids_cache_user_by_uid(c, 0, &pw), IDS_ENOTFOUND);
	assert_int_equal(ids_cache_user_by_uid(c, 4242, &pw), IDS_ENOTFOUND);
	/* Enumeration is in name order. */
	assert_int_equal(ids_cache_user_at(c, 0, &pw), IDS_OK);
	assert_string_equal(pw.name, "alice01");
	assert_int_equal(ids_cache_user_at(c, 3, &pw), IDS_OK);
	assert_string_equal(pw.name, "carol02");
	assert_int_equal(ids_cache_user_at(c, 4, &pw), IDS_ENOTFOUND);

	/* Members sorted, repeats merged. */
	assert_int_equal(ids_cache_group_by_name(c, "acme", &gr), IDS_OK);
	assert_int_equal(gr.gid, 20001);
	assert_int_equal(gr.nmem, 2);
	m = gr.members;
	assert_string_equal(m, "alice01");
	m += strlen(m) + 1;
	assert_string_equal(m, "carol01");
	assert_int_equal(ids_cache_group_by_gid(c, 20002, &gr), IDS_OK);
	assert_string_equal(gr.name, "empty");
	assert_int_equal(gr.nmem, 0);
	assert_int_equal(ids_cache_group_by_gid(c, 1, &gr), IDS_ENOTFOUND);
	assert_int_equal(ids_cache_group_at(c, 0, &gr), IDS_OK);
	assert_string_equal(gr.name, "acme");
	assert_int_equal(ids_cache_group_at(c, 4, &gr), IDS_ENOTFOUND);

	assert_int_equal(ids_cache_groups_of(c, "alice01", &gids, &n), IDS_OK);
	assert_int_equal(n, 2);
	assert_int_equal(ids_cache_gid(gids, 0), 20000);
	assert_int_equal(ids_cache_gid(gids, 1), 20001);
	/* A member who is not a directory user keeps the group. */
	assert_int_equal(ids_cache_groups_of(c, "localusr", &gids, &n),
	    IDS_OK);
	assert_int_equal(n, 1);
	assert_int_equal(ids_cache_groups_of(c, "nobody", &gids, &n),
	    IDS_ENOTFOUND);
	ids_cache_close(c);
	ids_cache_close(NULL);
}

static void
refuse(const struct ids_cache_data *d, ino_t ino)
{
	struct stat st;
	char err[256];

	assert_int_equal(ids_cache_write(path, d, err, sizeof(err)),
	    IDS_EINVAL);
	assert_true(err[0] != '\0');
	assert_int_equal(stat(path, &st), 0);
	assert_true(st.st_ino == ino);	/* the good file stays */
}

static void
test_write_refuses(void **state)
{
	struct ids_cache_user u[2];
	struct ids_cache_group g[1];
	const char *bad_m[] = { "ok", "no way" };
	struct ids_cache_data d = { u, 1, NULL, 0, 0 };
	struct stat st;
	char cmd[200];

	(void)state;
	write_fixture();
	assert_int_equal(stat(path, &st), 0);
	u[0] = users[1];
	u[1] = users[1];
	d.nusers = 2;
	refuse(&d, st.st_ino);			/* two users, one name */
	d.nusers = 1;
	u[0].uid = 0;
	refuse(&d, st.st_ino);			/* a second root */
	u[0] = users[1];
	u[0].gid = UINT32_MAX;
	refuse(&d, st.st_ino);
	u[0] = users[1];
	u[0].name = "-alice";
	refuse(&d, st.st_ino);
	u[0].name = "al:ice";
	refuse(&d, st.st_ino);
	u[0] = users[1];
	u[0].home = NULL;
	refuse(&d, st.st_ino);
	u[0].home = "/home/x\n";
	refuse(&d, st.st_ino);
	u[0] = users[1];
	g[0].name = "grp";
	g[0].gid = 30000;
	g[0].members = bad_m;
	g[0].nmembers = 2;
	d.groups = g;
	d.ngroups = 1;
	refuse(&d, st.st_ino);			/* a member with a blank */
	/* Nothing left behind. */
	snprintf(cmd, sizeof(cmd), "test $(ls -A %s | wc -l) -eq 1", dir);
	assert_int_equal(system(cmd), 0);
}

static void
test_write_empty(void **state)
{
	struct ids_cache_data d = { NULL, 0, NULL, 0, 0 };
	struct ids_cache *c;
	struct ids_cache_pw pw;
	struct stat st;
	char err[256];

	(void)state;
	assert_int_equal(ids_cache_write(path, &d, err, sizeof(err)), IDS_OK);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	assert_int_equal(ids_cache_open(path, &c), IDS_OK);
	assert_int_equal(ids_cache_nusers(c), 0);
	assert_int_equal(ids_cache_user_at(c, 0, &pw), IDS_ENOTFOUND);
	assert_int_equal(ids_cache_user_by_name(c, "alice01", &pw),
	    IDS_ENOTFOUND);
	ids_cache_close(c);
	/* Into a directory that is not there: an error, not a crash. */
	assert_int_equal(ids_cache_write("/nonexistent/x/cache", &d, err,
	    sizeof(err)), IDS_ESYS);
}

static void
expect_open(int want)
{
	struct ids_cache *c = NULL;

	assert_int_equal(ids_cache_open(path, &c), want);
	assert_null(c);
}

static void
test_not_a_cache(void **state)
{
	static const char *const short_header[] = { "H", "IDPCACHE", NULL };
	static const size_t short_header_len[] = { 8 };
	static const char *const no_header[] = { "nalice01", "xxxx", NULL };
	static const size_t no_header_len[] = { 4 };
	unsigned char hdr[32], zero[4096];
	const char *header[] = { "H", (const char *)hdr, NULL };
	size_t len = sizeof(hdr);
	struct ids_cache *c;

	(void)state;
	unlink(path);
	expect_open(IDS_ENOTFOUND);
	put_file("", 0, 0644);
	expect_open(IDS_EINVAL);		/* empty */
	memset(zero, 0, sizeof(zero));
	put_file(zero, 2048, 0644);
	expect_open(IDS_EINVAL);		/* a cdb with nothing in it */
	put_file(zero, sizeof(zero), 0644);
	expect_open(IDS_EINVAL);
	put_cdb(short_header, short_header_len);
	expect_open(IDS_EINVAL);
	put_cdb(no_header, no_header_len);
	expect_open(IDS_EINVAL);
	memset(hdr, 0, sizeof(hdr));
	memcpy(hdr, "IDPCACHX", 8);
	put_cdb(header, &len);
	expect_open(IDS_EINVAL);		/* wrong magic */
	memcpy(hdr, "IDPCACHE", 8);
	cdb_pack(2, hdr + 8);
	put_cdb(header, &len);
	expect_open(IDS_EINVAL);		/* a later version */
	cdb_pack(1, hdr + 8);
	cdb_pack(1000000, hdr + 12);		/* more users than bytes */
	put_cdb(header, &len);
	expect_open(IDS_EINVAL);
	cdb_pack(0, hdr + 12);
	put_cdb(header, &len);
	assert_int_equal(ids_cache_open(path, &c), IDS_OK);
	ids_cache_close(c);

	/* Whoever may write it decides who exists: root or us only. */
	write_fixture();
	assert_int_equal(chmod(path, 0664), 0);
	expect_open(IDS_EPERM);
	assert_int_equal(chmod(path, 0646), 0);
	expect_open(IDS_EPERM);
	assert_int_equal(chmod(path, 0444), 0);
	assert_int_equal(ids_cache_open(path, &c), IDS_OK);
	ids_cache_close(c);
	/* Not a regular file (and a FIFO does not block the open). */
	unlink(path);
	assert_int_equal(mkdir(path, 0755), 0);
	expect_open(IDS_EPERM);
	rmdir(path);
	assert_int_equal(mkfifo(path, 0644), 0);
	expect_open(IDS_EPERM);
	unlink(path);
}

/* ids_cache_is() tells a replaced file from the one mapped. */
static void
test_identity(void **state)
{
	struct ids_cache *c;
	struct stat st;

	(void)state;
	write_fixture();
	assert_int_equal(ids_cache_open(path, &c), IDS_OK);
	assert_int_equal(stat(path, &st), 0);
	assert_true(ids_cache_is(c, &st));
	write_fixture();
	assert_int_equal(stat(path, &st), 0);
	assert_false(ids_cache_is(c, &st));
	ids_cache_close(c);
}

static int
setup_all(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/test_cache.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/cache", dir);
	return 0;
}

static int
teardown_all(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_write_refuses),
		cmocka_unit_test(test_write_empty),
		cmocka_unit_test(test_not_a_cache),
		cmocka_unit_test(test_identity),
	};

	return cmocka_run_group_tests(tests, setup_all, teardown_all);
}
