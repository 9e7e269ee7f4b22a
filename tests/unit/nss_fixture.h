/* nss_fixture.h: what test_nss.c and test_nss_damage.c share: a temporary
 * cache path, the built module loaded with dlopen (its entry points in
 * `nss`), and a small directory's worth of users and groups.  Include it
 * after cmocka.h.  Every definition is static; UNUSED keeps a program that
 * needs only some of them quiet. */
#ifndef NSS_FIXTURE_H
#define NSS_FIXTURE_H

#include <sys/stat.h>

#include <dlfcn.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cache.h"
#include "nss_idportal.h"
#include "rc.h"

#define UNUSED		__attribute__((unused))
#define OK		NSS_STATUS_SUCCESS
#define NOTFOUND	NSS_STATUS_NOTFOUND
#define UNAVAIL		NSS_STATUS_UNAVAIL
#define TRYAGAIN	NSS_STATUS_TRYAGAIN

static char dir[64], path[128];

static struct {
	void *so;
	__typeof__(_nss_idportal_getpwnam_r) *getpwnam_r;
	__typeof__(_nss_idportal_getpwuid_r) *getpwuid_r;
	__typeof__(_nss_idportal_setpwent) *setpwent;
	__typeof__(_nss_idportal_getpwent_r) *getpwent_r;
	__typeof__(_nss_idportal_endpwent) *endpwent;
	__typeof__(_nss_idportal_getgrnam_r) *getgrnam_r;
	__typeof__(_nss_idportal_getgrgid_r) *getgrgid_r;
	__typeof__(_nss_idportal_setgrent) *setgrent;
	__typeof__(_nss_idportal_getgrent_r) *getgrent_r;
	__typeof__(_nss_idportal_endgrent) *endgrent;
	__typeof__(_nss_idportal_initgroups_dyn) *initgroups_dyn;
} nss;

static const struct ids_cache_user users[] = {
	{ "alice01", 10001, 10001, "Alice Liddell", "/home/alice01",
	    "/bin/bash" },
	{ "bob0001", 10002, 20000, NULL, "/home/bob0001", NULL },
	{ "carol01", 10003, 10003, "Carol One", "/home/carol01", "/bin/sh" },
};
static const char *const staff_m[] = { "bob0001", "alice01", "localusr" };
static const char *const acme_m[] = { "carol01", "alice01" };
static char big_names[100][16];
static const char *big_m[100];
static const struct ids_cache_group groups[] = {
	{ "staff", 20000, staff_m, 3 },
	{ "acme", 20001, acme_m, 2 },
	{ "empty", 20002, NULL, 0 },
	{ "big", 20003, big_m, 100 },
};

/* The fixture's groups (all 4, or the first 3: without "big", a file of
 * 3 kB, for tests that take the file apart byte by byte) with users u. */
static UNUSED void
write_some(const struct ids_cache_user *u, size_t nu, size_t ng)
{
	struct ids_cache_data d = { u, nu, groups, ng, 1700000000 };
	char err[256];

	assert_int_equal(ids_cache_write(path, &d, err, sizeof(err)), IDS_OK);
}

static UNUSED void
write_users(const struct ids_cache_user *u, size_t nu)
{
	write_some(u, nu, 4);
}

static UNUSED void
write_fixture(void)
{
	write_users(users, 3);
}

static UNUSED void
write_small(void)
{
	write_some(users, 3, 3);
}

/* Bytes at path the way sync puts a file: a new one renamed over it. */
static UNUSED void
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

static UNUSED unsigned char *
slurp(size_t *len)
{
	struct stat st;
	unsigned char *p;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	assert_non_null(p = malloc((size_t)st.st_size));
	assert_int_equal(read(fd, p, (size_t)st.st_size), st.st_size);
	close(fd);
	*len = (size_t)st.st_size;
	return p;
}

/* Group setup: a temporary directory, $IDPORTAL_CACHE pointing into it,
 * then the module next to this program's directory (build/tests/..). */
static int
nss_setup(void **state)
{
	char exe[PATH_MAX], so[PATH_MAX + 32];
	ssize_t n;
	int i;

	(void)state;
	for (i = 0; i < 100; i++) {
		snprintf(big_names[i], sizeof(big_names[i]), "m%04d", i);
		big_m[i] = big_names[i];
	}
	strcpy(dir, "/tmp/test_nss.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/cache", dir);
	/* Before dlopen: the module reads it once, when loaded. */
	setenv(IDS_CACHE_ENV, path, 1);
	if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) < 0)
		return -1;
	exe[n] = '\0';
	snprintf(so, sizeof(so), "%s/../libnss_idportal.so.2", dirname(exe));
	if ((nss.so = dlopen(so, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		fprintf(stderr, "%s\n", dlerror());
		return -1;
	}
#define SYM(f) (nss.f = (__typeof__(nss.f))dlsym(nss.so, "_nss_idportal_" #f))
	if (!SYM(getpwnam_r) || !SYM(getpwuid_r) || !SYM(setpwent) ||
	    !SYM(getpwent_r) || !SYM(endpwent) || !SYM(getgrnam_r) ||
	    !SYM(getgrgid_r) || !SYM(setgrent) || !SYM(getgrent_r) ||
	    !SYM(endgrent) || !SYM(initgroups_dyn))
		return -1;
#undef SYM
	/* The version script: nothing else leaves the module. */
	if (dlsym(nss.so, "ids_cache_open") != NULL ||
	    dlsym(nss.so, "cdb_find") != NULL)
		return -1;
	return 0;
}

static int
nss_teardown(void **state)
{
	char cmd[128];

	(void)state;
	nss.endpwent();
	nss.endgrent();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

#endif
