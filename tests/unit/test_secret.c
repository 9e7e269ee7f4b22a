/* test_secret.c: secret files (owner root, no group/other bits, no
 * symlinks), constant-time comparison, random temporary passwords, and
 * the {SSHA} hash `idportal init` writes, checked with OpenSSL. */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "pwhash.h"
#include "rc.h"
#include "secret.h"

#define ALNUM	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" \
		"0123456789"

struct fx {
	char	 dir[64];
	char	 path[128];	/* DIR/secret */
	char	 err[512];
};

static int
rm_one(const char *p, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	return remove(p);
}

static int
setup(void **state)
{
	struct fx *fx;

	if ((fx = calloc(1, sizeof(*fx))) == NULL)
		return -1;
	strcpy(fx->dir, "/tmp/test_secret.XXXXXX");
	if (mkdtemp(fx->dir) == NULL) {
		free(fx);
		return -1;
	}
	snprintf(fx->path, sizeof(fx->path), "%s/secret", fx->dir);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *fx = *state;

	nftw(fx->dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
	free(fx);
	return 0;
}

static void
write_bytes(const char *path, const void *data, size_t len, mode_t mode)
{
	int fd;

	(void)unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	assert_int_equal(fchmod(fd, mode), 0);
	assert_int_equal(close(fd), 0);
}

/* Read path back with ids_secret_read_file; *out NULL on error. */
static int
read_secret(struct fx *fx, const char *path, char **out)
{
	fx->err[0] = '\0';
	*out = (char *)fx;	/* must be reset */
	return ids_secret_read_file(path, out, fx->err, sizeof(fx->err));
}

static void
test_read_ok(void **state)
{
	static const struct {
		const char	*data;
		size_t		 len;
		mode_t		 mode;
		const char	*want;
	} ok[] = {
		{ "s3cret\n", 7, 0600, "s3cret" },
		{ "s3cret", 6, 0600, "s3cret" },
		{ "s3cret\n", 7, 0400, "s3cret" },
		{ "s3cret\n\n", 8, 0600, "s3cret\n" },	/* one newline only */
		{ " pass word \r\n", 13, 0600, " pass word \r" },
		{ "\xe3\x83\x91\xe3\x82\xb9\n", 7, 0600,
		    "\xe3\x83\x91\xe3\x82\xb9" },
	};
	struct fx *fx = *state;
	char *s;
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		write_bytes(fx->path, ok[i].data, ok[i].len, ok[i].mode);
		if (read_secret(fx, fx->path, &s) != IDS_OK)
			fail_msg("row %zu: %s", i, fx->err);
		assert_string_equal(s, ok[i].want);
		ids_free_secret(s);
	}
}

/* 4 KiB is the limit: a secret of exactly that size comes back whole. */
static void
test_read_4k(void **state)
{
	struct fx *fx = *state;
	char data[4097], *s;

	memset(data, 'k', 4096);
	data[4096] = '\n';
	write_bytes(fx->path, data, 4097, 0600);
	assert_int_equal(read_secret(fx, fx->path, &s), IDS_OK);
	assert_int_equal(strlen(s), 4096);
	assert_memory_equal(s, data, 4096);
	ids_free_secret(s);
}

static void
test_read_refused(void **state)
{
	static const struct {
		const char	*data;
		size_t		 len;
		mode_t		 mode;
		int		 rc;
		const char	*why;
	} bad[] = {
		{ "s3cret\n", 7, 0640, IDS_ECONF, "mode 0640, want 0600" },
		{ "s3cret\n", 7, 0644, IDS_ECONF, "mode 0644" },
		{ "s3cret\n", 7, 0604, IDS_ECONF, "mode 0604" },
		{ "s3cret\n", 7, 0610, IDS_ECONF, "mode 0610" },
		{ "s3cret\n", 7, 0601, IDS_ECONF, "mode 0601" },
		{ "", 0, 0600, IDS_ECONF, "empty" },
		{ "\n", 1, 0600, IDS_ECONF, "empty" },
		{ "s3c\0ret\n", 8, 0600, IDS_ECONF, "not text" },
	};
	struct fx *fx = *state;
	char *s;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		write_bytes(fx->path, bad[i].data, bad[i].len, bad[i].mode);
		rc = read_secret(fx, fx->path, &s);
		if (rc != bad[i].rc || s != NULL ||
		    strncmp(fx->err, fx->path, strlen(fx->path)) != 0 ||
		    strstr(fx->err, bad[i].why) == NULL)
			fail_msg("row %zu: %s \"%s\", want %s \"...%s...\"", i,
			    ids_rcname(rc), fx->err, ids_rcname(bad[i].rc),
			    bad[i].why);
		/* The message never holds the secret. */
		assert_null(strstr(fx->err, "s3c"));
	}
}

static void
test_read_missing(void **state)
{
	struct fx *fx = *state;
	char want[256], *s;

	assert_int_equal(read_secret(fx, fx->path, &s), IDS_ESYS);
	assert_null(s);
	snprintf(want, sizeof(want), "%s: %s", fx->path, strerror(ENOENT));
	assert_string_equal(fx->err, want);
}

static void
test_read_symlink(void **state)
{
	struct fx *fx = *state;
	char target[192], *s;

	snprintf(target, sizeof(target), "%s/target", fx->dir);
	write_bytes(target, "s3cret\n", 7, 0600);
	assert_int_equal(read_secret(fx, target, &s), IDS_OK);
	ids_free_secret(s);
	assert_int_equal(symlink(target, fx->path), 0);
	assert_int_not_equal(read_secret(fx, fx->path, &s), IDS_OK);
	assert_null(s);
	assert_int_equal(strncmp(fx->err, fx->path, strlen(fx->path)), 0);
}

static void
test_read_not_regular(void **state)
{
	struct fx *fx = *state;
	char *s;

	assert_int_equal(mkdir(fx->path, 0700), 0);
	assert_int_not_equal(read_secret(fx, fx->path, &s), IDS_OK);
	assert_null(s);
	assert_int_not_equal(read_secret(fx, "/dev/null", &s), IDS_OK);
	assert_null(s);
	assert_non_null(strstr(fx->err, "not a regular file"));
}

static void
test_read_owner(void **state)
{
	struct fx *fx = *state;
	char *s;

	if (geteuid() != 0)
		skip();
	write_bytes(fx->path, "s3cret\n", 7, 0600);
	assert_int_equal(chown(fx->path, 4242, 4242), 0);
	assert_int_equal(read_secret(fx, fx->path, &s), IDS_ECONF);
	assert_null(s);
	assert_non_null(strstr(fx->err, "uid 4242"));
	assert_int_equal(ids_secret_check_file(fx->path, fx->err,
	    sizeof(fx->err)), IDS_ECONF);
}

static void
test_check_file(void **state)
{
	struct fx *fx = *state;

	assert_int_equal(ids_secret_check_file(fx->path, fx->err,
	    sizeof(fx->err)), IDS_ESYS);
	write_bytes(fx->path, "s3cret\n", 7, 0600);
	assert_int_equal(ids_secret_check_file(fx->path, fx->err,
	    sizeof(fx->err)), IDS_OK);
	assert_int_equal(chmod(fx->path, 0644), 0);
	assert_int_equal(ids_secret_check_file(fx->path, fx->err,
	    sizeof(fx->err)), IDS_ECONF);
	assert_non_null(strstr(fx->err, "mode 0644"));
}

static void
test_write(void **state)
{
	struct fx *fx = *state;
	struct stat st;
	char buf[64], *s;
	mode_t old;
	int fd;

	/* 0600 whatever the umask. */
	old = umask(0);
	assert_int_equal(ids_secret_write_file(fx->path, "Bind-pw 1", fx->err,
	    sizeof(fx->err)), IDS_OK);
	umask(old);
	assert_int_equal(lstat(fx->path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(st.st_uid, geteuid());
	/* The bytes as given: `ldapwhoami -y FILE` sends the file as is. */
	assert_true((fd = open(fx->path, O_RDONLY | O_CLOEXEC)) >= 0);
	assert_int_equal(read(fd, buf, sizeof(buf)), 9);
	close(fd);
	assert_memory_equal(buf, "Bind-pw 1", 9);
	assert_int_equal(read_secret(fx, fx->path, &s), IDS_OK);
	assert_string_equal(s, "Bind-pw 1");
	ids_free_secret(s);
}

static void
test_write_refuses_existing(void **state)
{
	struct fx *fx = *state;
	char target[192], *s;

	write_bytes(fx->path, "old\n", 4, 0600);
	assert_int_not_equal(ids_secret_write_file(fx->path, "new", fx->err,
	    sizeof(fx->err)), IDS_OK);
	assert_int_equal(strncmp(fx->err, fx->path, strlen(fx->path)), 0);
	assert_int_equal(read_secret(fx, fx->path, &s), IDS_OK);
	assert_string_equal(s, "old");
	ids_free_secret(s);

	/* Nor through a dangling symlink. */
	assert_int_equal(unlink(fx->path), 0);
	snprintf(target, sizeof(target), "%s/target", fx->dir);
	assert_int_equal(symlink(target, fx->path), 0);
	assert_int_not_equal(ids_secret_write_file(fx->path, "new", fx->err,
	    sizeof(fx->err)), IDS_OK);
	assert_int_equal(access(target, F_OK), -1);
}

static void
test_equal(void **state)
{
	static const struct {
		const char	*a, *b;
		int		 eq;
	} t[] = {
		{ "abc", "abc", 1 }, { "", "", 1 }, { "abc", "abd", 0 },
		{ "abc", "Abc", 0 }, { "abc", "ab", 0 }, { "ab", "abc", 0 },
		{ "", "a", 0 }, { "a", "", 0 }, { "123456", "123457", 0 },
		{ "x\xff", "x\xff", 1 }, { "x\xff", "x\xfe", 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (!ids_secret_equal(t[i].a, t[i].b) != !t[i].eq)
			fail_msg("row %zu: \"%s\" vs \"%s\"", i, t[i].a,
			    t[i].b);
}

static void
test_random_password_shape(void **state)
{
	static const size_t lens[] = { 0, 1, 8, 10, 32, 100 };
	char buf[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		memset(buf, '!', sizeof(buf));
		assert_int_equal(ids_random_password(buf, lens[i]), IDS_OK);
		assert_int_equal(strlen(buf), lens[i]);
		assert_int_equal(strspn(buf, ALNUM), lens[i]);
		assert_int_equal(buf[lens[i] + 1], '!');  /* no overrun */
	}
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* 10,000 ten-character passwords: every character of the 62 appears,
 * none repeats, and the counts pass a chi-square bound that a uniform
 * generator exceeds with odds below 1e-15 (61 degrees of freedom, mean
 * 61, sd 11).  A plain `byte % 62` scores about 700 here. */
static void
test_random_password_distribution(void **state)
{
	enum { N = 10000, LEN = 10 };
	static char pw[N][LEN + 1];
	unsigned long count[62] = { 0 };
	double expect = (double)N * LEN / 62, chi = 0, d;
	const char *p;
	size_t i, j;

	(void)state;
	for (i = 0; i < N; i++) {
		assert_int_equal(ids_random_password(pw[i], LEN), IDS_OK);
		for (j = 0; j < LEN; j++) {
			assert_non_null(p = strchr(ALNUM, pw[i][j]));
			count[p - ALNUM]++;
		}
	}
	for (i = 0; i < 62; i++) {
		if (count[i] == 0)
			fail_msg("'%c' never drawn", ALNUM[i]);
		d = (double)count[i] - expect;
		chi += d * d / expect;
	}
	if (chi > 200)
		fail_msg("chi-square %.1f over 62 characters", chi);
	qsort(pw, N, sizeof(pw[0]), cmp_str);
	for (i = 1; i < N; i++)
		assert_string_not_equal(pw[i - 1], pw[i]);
}

/* Split h, "{SSHA}" + base64 of 28 bytes, into digest and salt. */
static void
ssha_decode(const char *h, unsigned char digest[20], unsigned char salt[8])
{
	unsigned char raw[32];

	assert_int_equal(strncmp(h, "{SSHA}", 6), 0);
	assert_int_equal(strlen(h), IDS_SSHA_LEN - 1);
	assert_int_equal(strspn(h + 6, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/"), 38);
	/* 28 bytes: 40 characters, the last two of them padding. */
	assert_string_equal(h + 44, "==");
	/* EVP_DecodeBlock counts the padding as two zero bytes. */
	assert_int_equal(EVP_DecodeBlock(raw, (const unsigned char *)h + 6,
	    40), 30);
	memcpy(digest, raw, 20);
	memcpy(salt, raw + 20, 8);
}

/* Does pw hash to h, recomputed here as SHA-1(pw + salt)? */
static int
ssha_matches(const char *pw, const char *h)
{
	unsigned char digest[20], salt[8], md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_MD_CTX *ctx;

	ssha_decode(h, digest, salt);
	assert_non_null(ctx = EVP_MD_CTX_new());
	assert_int_equal(EVP_DigestInit_ex(ctx, EVP_sha1(), NULL), 1);
	assert_int_equal(EVP_DigestUpdate(ctx, pw, strlen(pw)), 1);
	assert_int_equal(EVP_DigestUpdate(ctx, salt, sizeof(salt)), 1);
	assert_int_equal(EVP_DigestFinal_ex(ctx, md, &mdlen), 1);
	EVP_MD_CTX_free(ctx);
	assert_int_equal(mdlen, 20);
	return memcmp(md, digest, 20) == 0;
}

static void
test_ssha(void **state)
{
	static const char *const pws[] = {
		"Corr3ct-h0rse", "", "a", "\xe3\x83\x91\xe3\x82\xb9",
		"0123456789012345678901234567890123456789012345678901234567890",
	};
	unsigned char da[20], sa[8], db[20], sb[8];
	char a[IDS_SSHA_LEN + 1], b[IDS_SSHA_LEN + 1];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(pws) / sizeof(pws[0]); i++) {
		memset(a, '!', sizeof(a));
		assert_int_equal(ids_pwhash_ssha(pws[i], a, IDS_SSHA_LEN),
		    IDS_OK);
		assert_int_equal(a[IDS_SSHA_LEN], '!');	/* no overrun */
		assert_true(ssha_matches(pws[i], a));
		assert_false(ssha_matches("wrong", a));
		/* The same password again: a fresh salt, another hash. */
		assert_int_equal(ids_pwhash_ssha(pws[i], b, sizeof(b)),
		    IDS_OK);
		assert_true(ssha_matches(pws[i], b));
		assert_string_not_equal(a, b);
		ssha_decode(a, da, sa);
		ssha_decode(b, db, sb);
		assert_memory_not_equal(sa, sb, 8);
		assert_memory_not_equal(da, db, 20);
	}
	assert_int_equal(ids_pwhash_ssha("x", a, IDS_SSHA_LEN - 1),
	    IDS_EINVAL);
}

/* A test with a fresh temporary directory. */
#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_read_ok),
		T(test_read_4k),
		T(test_read_refused),
		T(test_read_missing),
		T(test_read_symlink),
		T(test_read_not_regular),
		T(test_read_owner),
		T(test_check_file),
		T(test_write),
		T(test_write_refuses_existing),
		cmocka_unit_test(test_equal),
		cmocka_unit_test(test_random_password_shape),
		cmocka_unit_test(test_random_password_distribution),
		cmocka_unit_test(test_ssha),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
