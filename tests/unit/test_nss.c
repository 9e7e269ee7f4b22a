/* test_nss.c: the built libnss_idportal.so.2, loaded with dlopen and its
 * entry points called the way glibc calls them (errnop is &errno):
 * lookups, ERANGE at every short buffer and alignment, enumeration that
 * does not skip after ERANGE, initgroups growing its array, a replaced or
 * removed file noticed without a restart, and files that are missing,
 * empty or unsafe (UNAVAIL).  Threads and damaged files:
 * test_nss_damage.c. */
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

#include <cmocka.h>

#include "cache.h"
#include "nss_fixture.h"
#include "nss_idportal.h"
#include "rc.h"

static void
test_passwd(void **state)
{
	struct passwd pw;
	char buf[512], *b;
	size_t len;
	int err = 0;

	(void)state;
	write_fixture();
	assert_int_equal(nss.getpwnam_r("alice01", &pw, buf, sizeof(buf),
	    &err), OK);
	assert_string_equal(pw.pw_name, "alice01");
	assert_string_equal(pw.pw_passwd, "x");
	assert_int_equal(pw.pw_uid, 10001);
	assert_int_equal(pw.pw_gid, 10001);
	assert_string_equal(pw.pw_gecos, "Alice Liddell");
	assert_string_equal(pw.pw_dir, "/home/alice01");
	assert_string_equal(pw.pw_shell, "/bin/bash");
	assert_int_equal(nss.getpwuid_r(10002, &pw, buf, sizeof(buf), &err),
	    OK);
	assert_string_equal(pw.pw_name, "bob0001");
	assert_string_equal(pw.pw_gecos, "");
	assert_string_equal(pw.pw_shell, "");
	assert_int_equal(nss.getpwnam_r("nobody", &pw, buf, sizeof(buf),
	    &err), NOTFOUND);
	assert_int_equal(err, ENOENT);
	assert_int_equal(nss.getpwnam_r("ALICE01", &pw, buf, sizeof(buf),
	    &err), NOTFOUND);
	assert_int_equal(nss.getpwuid_r(0, &pw, buf, sizeof(buf), &err),
	    NOTFOUND);
	/* Too small, at every length: TRYAGAIN + ERANGE, and nothing
	 * written past the end (the buffer is exactly len: ASan). */
	for (len = 0;; len++) {
		assert_non_null(b = malloc(len + 1));
		errno = 0;
		if (nss.getpwnam_r("alice01", &pw, b + 1, len, &errno) == OK) {
			assert_string_equal(pw.pw_shell, "/bin/bash");
			free(b);
			break;
		}
		assert_int_equal(errno, ERANGE);
		free(b);
	}
	assert_int_equal(len, strlen("alice01Alice Liddell/home/alice01"
	    "/bin/bashx") + 5);
	/* A success leaves errno as it was. */
	errno = 4242;
	assert_int_equal(nss.getpwuid_r(10001, &pw, buf, sizeof(buf), &err),
	    OK);
	assert_int_equal(errno, 4242);
}

static void
test_group(void **state)
{
	struct group gr;
	char buf[4096], *b;
	size_t off, len;
	int err = 0, i;

	(void)state;
	write_fixture();
	assert_int_equal(nss.getgrnam_r("acme", &gr, buf, sizeof(buf), &err),
	    OK);
	assert_int_equal(gr.gr_gid, 20001);
	assert_string_equal(gr.gr_passwd, "x");
	assert_string_equal(gr.gr_mem[0], "alice01");
	assert_string_equal(gr.gr_mem[1], "carol01");
	assert_null(gr.gr_mem[2]);
	assert_int_equal(nss.getgrgid_r(20002, &gr, buf, sizeof(buf), &err),
	    OK);
	assert_string_equal(gr.gr_name, "empty");
	assert_null(gr.gr_mem[0]);
	assert_int_equal(nss.getgrgid_r(4242, &gr, buf, sizeof(buf), &err),
	    NOTFOUND);
	assert_int_equal(err, ENOENT);
	/* Every short length at every alignment of the buffer. */
	for (off = 0; off < sizeof(char *); off++) {
		for (len = 0;; len++) {
			assert_non_null(b = malloc(off + len + 1));
			errno = 0;
			if (nss.getgrnam_r("big", &gr, b + off, len, &errno) ==
			    OK)
				break;
			assert_int_equal(errno, ERANGE);
			free(b);
		}
		assert_true((uintptr_t)gr.gr_mem % sizeof(char *) == 0);
		for (i = 0; i < 100; i++)
			assert_string_equal(gr.gr_mem[i], big_names[i]);
		assert_null(gr.gr_mem[100]);
		assert_true(len <= 101 * sizeof(char *) + sizeof(char *) +
		    4 + 2 + 100 * 6);
		free(b);
	}
}

static void
test_enumerate(void **state)
{
	static const char *const pwnames[] = { "alice01", "bob0001",
	    "carol01" };
	static const char *const grnames[] = { "acme", "big", "empty",
	    "staff" };
	struct passwd pw;
	struct group gr;
	char buf[4096];
	int err = 0, i;

	(void)state;
	write_fixture();
	assert_int_equal(nss.setpwent(0), OK);
	for (i = 0; i < 3; i++) {
		/* ERANGE first: the retry gets the same user, not the next. */
		assert_int_equal(nss.getpwent_r(&pw, buf, 4, &err), TRYAGAIN);
		assert_int_equal(err, ERANGE);
		assert_int_equal(nss.getpwent_r(&pw, buf, sizeof(buf), &err),
		    OK);
		assert_string_equal(pw.pw_name, pwnames[i]);
	}
	assert_int_equal(nss.getpwent_r(&pw, buf, sizeof(buf), &err),
	    NOTFOUND);
	assert_int_equal(err, ENOENT);
	assert_int_equal(nss.endpwent(), OK);
	/* Without setpwent: starts from the first. */
	assert_int_equal(nss.getpwent_r(&pw, buf, sizeof(buf), &err), OK);
	assert_string_equal(pw.pw_name, "alice01");
	assert_int_equal(nss.endpwent(), OK);

	assert_int_equal(nss.setgrent(1), OK);
	for (i = 0; i < 4; i++) {
		assert_int_equal(nss.getgrent_r(&gr, buf, 8, &err), TRYAGAIN);
		assert_int_equal(nss.getgrent_r(&gr, buf, sizeof(buf), &err),
		    OK);
		assert_string_equal(gr.gr_name, grnames[i]);
	}
	assert_int_equal(nss.getgrent_r(&gr, buf, sizeof(buf), &err),
	    NOTFOUND);
	assert_int_equal(nss.endgrent(), OK);
}

static void
test_initgroups(void **state)
{
	gid_t *g;
	long start, size;
	int err = 0;

	(void)state;
	write_fixture();
	/* From one slot: the array grows. */
	assert_non_null(g = malloc(sizeof(*g)));
	g[0] = 10001;
	start = size = 1;
	assert_int_equal(nss.initgroups_dyn("alice01", 10001, &start, &size,
	    &g, 0, &err), OK);
	assert_int_equal(start, 3);
	assert_true(size >= 3);
	assert_int_equal(g[1], 20000);
	assert_int_equal(g[2], 20001);
	/* The primary group is the caller's; not added twice. */
	start = 1;
	assert_int_equal(nss.initgroups_dyn("alice01", 20000, &start, &size,
	    &g, 0, &err), OK);
	assert_int_equal(start, 2);
	assert_int_equal(g[1], 20001);
	/* Up to the caller's limit, no further. */
	free(g);
	assert_non_null(g = malloc(sizeof(*g)));
	start = size = 1;
	assert_int_equal(nss.initgroups_dyn("alice01", 1, &start, &size, &g,
	    2, &err), OK);
	assert_int_equal(start, 2);
	assert_int_equal(size, 2);
	/* A member who is not a directory user; and nobody. */
	start = 1;
	assert_int_equal(nss.initgroups_dyn("localusr", 1, &start, &size, &g,
	    0, &err), OK);
	assert_int_equal(start, 2);
	assert_int_equal(g[1], 20000);
	assert_int_equal(nss.initgroups_dyn("nobody", 1, &start, &size, &g,
	    0, &err), NOTFOUND);
	free(g);
}

/* A new file at the path is seen by the next lookup, in this thread. */
static void
test_replaced(void **state)
{
	static const struct ids_cache_user dave[] = {
		{ "dave001", 10004, 10004, "", "/home/dave001", "" },
	};
	struct passwd pw;
	char buf[512];
	int err = 0;

	(void)state;
	write_fixture();
	assert_int_equal(nss.getpwnam_r("alice01", &pw, buf, sizeof(buf),
	    &err), OK);
	write_users(dave, 1);
	assert_int_equal(nss.getpwnam_r("alice01", &pw, buf, sizeof(buf),
	    &err), NOTFOUND);
	assert_int_equal(nss.getpwnam_r("dave001", &pw, buf, sizeof(buf),
	    &err), OK);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(nss.getpwnam_r("dave001", &pw, buf, sizeof(buf),
	    &err), UNAVAIL);
	assert_int_equal(err, ENOENT);
	write_fixture();
	assert_int_equal(nss.getpwnam_r("alice01", &pw, buf, sizeof(buf),
	    &err), OK);
	/* Made writable by others: no longer believed. */
	assert_int_equal(chmod(path, 0666), 0);
	assert_int_equal(nss.getpwnam_r("alice01", &pw, buf, sizeof(buf),
	    &err), UNAVAIL);
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(nss.getpwnam_r("alice01", &pw, buf, sizeof(buf),
	    &err), OK);
}

/* Every entry point gives UNAVAIL without a usable file. */
static void
expect_unavail(void)
{
	struct passwd pw;
	struct group gr;
	char buf[512];
	gid_t *g = malloc(sizeof(*g));
	long start = 1, size = 1;
	int err = 0;

	assert_non_null(g);
	assert_int_equal(nss.getpwnam_r("alice01", &pw, buf, sizeof(buf),
	    &err), UNAVAIL);
	assert_int_equal(err, ENOENT);
	assert_int_equal(nss.getpwuid_r(10001, &pw, buf, sizeof(buf), &err),
	    UNAVAIL);
	assert_int_equal(nss.getgrnam_r("acme", &gr, buf, sizeof(buf), &err),
	    UNAVAIL);
	assert_int_equal(nss.getgrgid_r(20001, &gr, buf, sizeof(buf), &err),
	    UNAVAIL);
	assert_int_equal(nss.initgroups_dyn("alice01", 1, &start, &size, &g,
	    0, &err), UNAVAIL);
	assert_int_equal(nss.setpwent(0), UNAVAIL);
	assert_int_equal(nss.getpwent_r(&pw, buf, sizeof(buf), &err),
	    UNAVAIL);
	assert_int_equal(nss.endpwent(), OK);
	assert_int_equal(nss.setgrent(0), UNAVAIL);
	assert_int_equal(nss.getgrent_r(&gr, buf, sizeof(buf), &err),
	    UNAVAIL);
	assert_int_equal(nss.endgrent(), OK);
	free(g);
}

static void
test_unavailable(void **state)
{
	unsigned char zero[2048];

	(void)state;
	unlink(path);
	expect_unavail();
	put_file("", 0, 0644);
	expect_unavail();
	memset(zero, 0, sizeof(zero));
	put_file(zero, sizeof(zero), 0644);
	expect_unavail();
	write_fixture();
	assert_int_equal(chmod(path, 0620), 0);
	expect_unavail();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_passwd),
		cmocka_unit_test(test_group),
		cmocka_unit_test(test_enumerate),
		cmocka_unit_test(test_initgroups),
		cmocka_unit_test(test_replaced),
		cmocka_unit_test(test_unavailable),
	};

	return cmocka_run_group_tests(tests, nss_setup, nss_teardown);
}
