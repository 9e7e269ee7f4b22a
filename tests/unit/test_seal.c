/* test_seal.c: TOTP secrets sealed with AES-256-GCM: round trip, the
 * blob's layout, every byte of it authenticated, the context bound, keys
 * that are not loaded, rotation through PATH.previous, and the key file
 * rules (32 raw bytes, root, 0600/0400).  Runs as root. */
#include <sys/stat.h>

#include <fcntl.h>
#include <ftw.h>
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
#include <openssl/rand.h>

#include "rc.h"
#include "seal.h"

#define DN	"uid=alice01,ou=people,dc=example,dc=org"

struct fx {
	char			 dir[64];
	char			 path[128];	/* DIR/totp.key */
	char			 prev[160];	/* PATH.previous */
	char			 err[512];
	unsigned char		 key[IDS_SEAL_KEY_LEN];
	struct ids_seal_keys	*keys;		/* loaded from path */
};

/* A NUL and a newline inside: sealed as bytes, not as a string. */
static const unsigned char secret[20] =
    "\x3a\x00\x91\x0a\xff" "abcdefghijklmno";

static int
rm_one(const char *p, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	return remove(p);
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

static void
new_key(const char *path, unsigned char key[IDS_SEAL_KEY_LEN])
{
	assert_int_equal(RAND_bytes(key, IDS_SEAL_KEY_LEN), 1);
	write_bytes(path, key, IDS_SEAL_KEY_LEN, 0600);
}

static int
load(struct fx *fx, struct ids_seal_keys **keys)
{
	fx->err[0] = '\0';
	*keys = (struct ids_seal_keys *)fx;	/* must be reset */
	return ids_seal_keys_load(fx->path, keys, fx->err, sizeof(fx->err));
}

static int
setup(void **state)
{
	struct fx *fx;

	if ((fx = calloc(1, sizeof(*fx))) == NULL)
		return -1;
	strcpy(fx->dir, "/tmp/test_seal.XXXXXX");
	if (mkdtemp(fx->dir) == NULL) {
		free(fx);
		return -1;
	}
	snprintf(fx->path, sizeof(fx->path), "%s/totp.key", fx->dir);
	snprintf(fx->prev, sizeof(fx->prev), "%s.previous", fx->path);
	new_key(fx->path, fx->key);
	if (load(fx, &fx->keys) != IDS_OK)
		return -1;
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *fx = *state;

	ids_seal_keys_free(fx->keys);
	nftw(fx->dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
	free(fx);
	return 0;
}

static void
key_id(const unsigned char key[IDS_SEAL_KEY_LEN], unsigned char id[8])
{
	unsigned char md[EVP_MAX_MD_SIZE];

	assert_int_equal(EVP_Digest(key, IDS_SEAL_KEY_LEN, md, NULL,
	    EVP_sha256(), NULL), 1);
	memcpy(id, md, 8);
}

/* Seal secret for DN with keys. */
static void
seal(struct ids_seal_keys *keys, unsigned char **blob, size_t *len)
{
	assert_int_equal(ids_seal(keys, DN, secret, sizeof(secret), blob,
	    len), IDS_OK);
	assert_int_equal(*len, sizeof(secret) + IDS_SEAL_OVERHEAD);
}

/* Open must refuse, and leave nothing behind. */
static void
refused(struct ids_seal_keys *keys, const char *context,
    const unsigned char *blob, size_t len, const char *what)
{
	unsigned char *plain = (unsigned char *)"x";
	size_t plen = 1;
	int rc;

	rc = ids_seal_open(keys, context, blob, len, &plain, &plen);
	if (rc != IDS_EINVAL)
		fail_msg("%s: %s, want IDS_EINVAL", what, ids_rcname(rc));
	assert_null(plain);
	assert_int_equal(plen, 0);
}

static void
opens(struct ids_seal_keys *keys, const unsigned char *blob, size_t len)
{
	unsigned char *plain = NULL;
	size_t plen = 0;

	assert_int_equal(ids_seal_open(keys, DN, blob, len, &plain, &plen),
	    IDS_OK);
	assert_int_equal(plen, sizeof(secret));
	assert_memory_equal(plain, secret, sizeof(secret));
	ids_seal_plain_free(plain, plen);
}

static void
test_round_trip(void **state)
{
	struct fx *fx = *state;
	unsigned char *blob, *plain, id[8];
	size_t len, plen;

	seal(fx->keys, &blob, &len);
	/* "IDS1" | id | nonce | ciphertext | tag, and no plaintext in it. */
	assert_memory_equal(blob, "IDS1", 4);
	key_id(fx->key, id);
	assert_memory_equal(blob + 4, id, 8);
	assert_null(memmem(blob, len, secret + 5, 8));
	opens(fx->keys, blob, len);
	free(blob);
	/* Empty plaintext and a large one. */
	assert_int_equal(ids_seal(fx->keys, DN, NULL, 0, &blob, &len),
	    IDS_OK);
	assert_int_equal(len, IDS_SEAL_OVERHEAD);
	assert_int_equal(ids_seal_open(fx->keys, DN, blob, len, &plain,
	    &plen), IDS_OK);
	assert_int_equal(plen, 0);
	ids_seal_plain_free(plain, plen);
	free(blob);
	assert_non_null(plain = calloc(1, IDS_SEAL_MAX + 1));
	assert_int_equal(ids_seal(fx->keys, DN, plain, IDS_SEAL_MAX + 1,
	    &blob, &len), IDS_EINVAL);
	assert_null(blob);
	assert_int_equal(ids_seal(fx->keys, DN, plain, IDS_SEAL_MAX, &blob,
	    &len), IDS_OK);
	free(plain);
	assert_int_equal(ids_seal_open(fx->keys, DN, blob, len, &plain,
	    &plen), IDS_OK);
	assert_int_equal(plen, IDS_SEAL_MAX);
	ids_seal_plain_free(plain, plen);
	free(blob);
	assert_int_equal(ids_seal(fx->keys, NULL, secret, sizeof(secret),
	    &blob, &len), IDS_EINVAL);
}

/* The blob as documented, opened with OpenSSL alone: AES-256-GCM, nonce
 * at 12, tag last, additional data "IDS1" | key id | context. */
static void
test_blob_format(void **state)
{
	struct fx *fx = *state;
	EVP_CIPHER_CTX *ctx;
	unsigned char *blob, out[sizeof(secret)], tag[16];
	size_t len;
	int n;

	seal(fx->keys, &blob, &len);
	memcpy(tag, blob + len - 16, 16);
	assert_non_null(ctx = EVP_CIPHER_CTX_new());
	assert_int_equal(EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL,
	    fx->key, blob + 12), 1);
	assert_int_equal(EVP_DecryptUpdate(ctx, NULL, &n, blob, 12), 1);
	assert_int_equal(EVP_DecryptUpdate(ctx, NULL, &n,
	    (const unsigned char *)DN, (int)strlen(DN)), 1);
	assert_int_equal(EVP_DecryptUpdate(ctx, out, &n, blob + 24,
	    (int)sizeof(secret)), 1);
	assert_int_equal(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, 16,
	    tag), 1);
	assert_int_equal(EVP_DecryptFinal_ex(ctx, out + n, &n), 1);
	assert_memory_equal(out, secret, sizeof(secret));
	EVP_CIPHER_CTX_free(ctx);
	free(blob);
}

/* Two seals of one secret: other nonces, other blobs, both open. */
static void
test_nonces_differ(void **state)
{
	struct fx *fx = *state;
	unsigned char *a, *b;
	size_t alen, blen;

	seal(fx->keys, &a, &alen);
	seal(fx->keys, &b, &blen);
	assert_memory_not_equal(a + 12, b + 12, 12);
	assert_memory_not_equal(a + 24, b + 24, alen - 24);
	opens(fx->keys, a, alen);
	opens(fx->keys, b, blen);
	free(a);
	free(b);
}

static void
test_tamper(void **state)
{
	struct fx *fx = *state;
	unsigned char *blob, *copy;
	char what[64];
	size_t len, i;
	int bit;

	seal(fx->keys, &blob, &len);
	assert_non_null(copy = malloc(len + 1));
	for (i = 0; i < len; i++) {
		for (bit = 0; bit < 8; bit += 7) {
			memcpy(copy, blob, len);
			copy[i] ^= (unsigned char)(1 << bit);
			snprintf(what, sizeof(what), "byte %zu bit %d", i,
			    bit);
			refused(fx->keys, DN, copy, len, what);
		}
	}
	/* Cut short anywhere, or one byte longer. */
	for (i = 0; i < len; i++) {
		snprintf(what, sizeof(what), "first %zu bytes", i);
		refused(fx->keys, DN, blob, i, what);
	}
	memcpy(copy, blob, len);
	copy[len] = 0;
	refused(fx->keys, DN, copy, len + 1, "one byte more");
	opens(fx->keys, blob, len);
	free(copy);
	free(blob);
}

static void
test_other_context(void **state)
{
	static const char *other[] = {
		"uid=bob01,ou=people,dc=example,dc=org",
		"UID=alice01,ou=people,dc=example,dc=org",
		"uid=alice01,ou=people,dc=example,dc=or",
		"uid=alice01,ou=people,dc=example,dc=orgx",
		"",
	};
	struct fx *fx = *state;
	unsigned char *blob;
	size_t len, i;

	seal(fx->keys, &blob, &len);
	for (i = 0; i < sizeof(other) / sizeof(other[0]); i++)
		refused(fx->keys, other[i], blob, len, other[i]);
	refused(fx->keys, NULL, blob, len, "NULL context");
	opens(fx->keys, blob, len);
	free(blob);
}

static void
test_unknown_key(void **state)
{
	struct fx *fx = *state;
	struct ids_seal_keys *other;
	unsigned char *blob, key[IDS_SEAL_KEY_LEN];
	size_t len;

	seal(fx->keys, &blob, &len);
	new_key(fx->path, key);
	assert_int_equal(load(fx, &other), IDS_OK);
	refused(other, DN, blob, len, "another key");
	ids_seal_keys_free(other);
	free(blob);
}

/* The key moves to PATH.previous, a new one takes PATH: old blobs still
 * open, new ones use the new key; once .previous is gone, old ones no
 * longer open. */
static void
test_rotation(void **state)
{
	struct fx *fx = *state;
	struct ids_seal_keys *keys;
	unsigned char *old, *new, key[IDS_SEAL_KEY_LEN], id[8];
	size_t oldlen, newlen;

	seal(fx->keys, &old, &oldlen);
	assert_int_equal(rename(fx->path, fx->prev), 0);
	new_key(fx->path, key);
	assert_int_equal(load(fx, &keys), IDS_OK);
	assert_string_equal(fx->err, "");
	opens(keys, old, oldlen);
	seal(keys, &new, &newlen);
	key_id(key, id);
	assert_memory_equal(new + 4, id, 8);
	opens(keys, new, newlen);
	refused(fx->keys, DN, new, newlen, "new blob, old keys");
	ids_seal_keys_free(keys);

	assert_int_equal(unlink(fx->prev), 0);
	assert_int_equal(load(fx, &keys), IDS_OK);
	refused(keys, DN, old, oldlen, "old blob after rotation");
	opens(keys, new, newlen);
	ids_seal_keys_free(keys);
	free(old);
	free(new);
}

/* Keys are raw: NUL and newline bytes are key bytes like any other. */
static void
test_raw_key(void **state)
{
	struct fx *fx = *state;
	struct ids_seal_keys *keys;
	unsigned char key[IDS_SEAL_KEY_LEN], *blob;
	size_t len;

	memset(key, '\n', sizeof(key));
	key[0] = '\0';
	write_bytes(fx->path, key, sizeof(key), 0400);
	assert_int_equal(load(fx, &keys), IDS_OK);
	seal(keys, &blob, &len);
	opens(keys, blob, len);
	refused(fx->keys, DN, blob, len, "raw key blob, first key");
	ids_seal_keys_free(keys);
	free(blob);
}

static void
test_key_file_refused(void **state)
{
	static const struct {
		size_t		 len;
		mode_t		 mode;
		const char	*why;
	} rows[] = {
		{ 32, 0644, "is mode 0644, want 0600" },
		{ 32, 0640, "is mode 0640, want 0600" },
		{ 32, 0604, "is mode 0604, want 0600" },
		{ 31, 0600, "is 31 bytes, want 32 raw bytes" },
		{ 33, 0600, "is 33 bytes, want 32 raw bytes" },
		{ 65, 0600, "is 65 bytes, want 32 raw bytes" },	/* hex */
		{ 0, 0600, "is 0 bytes, want 32 raw bytes" },
	};
	struct fx *fx = *state;
	struct ids_seal_keys *keys;
	unsigned char buf[80];
	size_t i;

	memset(buf, 'a', sizeof(buf));
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		write_bytes(fx->path, buf, rows[i].len, rows[i].mode);
		assert_int_equal(load(fx, &keys), IDS_ECONF);
		assert_null(keys);
		assert_non_null(strstr(fx->err, fx->path));
		if (strstr(fx->err, rows[i].why) == NULL)
			fail_msg("row %zu: \"%s\"", i, fx->err);
	}
	/* Not root's. */
	write_bytes(fx->path, buf, 32, 0600);
	assert_int_equal(chown(fx->path, 1, 0), 0);
	assert_int_equal(load(fx, &keys), IDS_ECONF);
	assert_non_null(strstr(fx->err, "owned by uid 1, want root"));
	/* Not a regular file. */
	assert_int_equal(unlink(fx->path), 0);
	assert_int_equal(mkdir(fx->path, 0700), 0);
	assert_int_equal(load(fx, &keys), IDS_ECONF);
	assert_non_null(strstr(fx->err, "not a regular file"));
	assert_int_equal(rmdir(fx->path), 0);
	/* Missing, or a symlink to a good key. */
	assert_int_equal(load(fx, &keys), IDS_ESYS);
	assert_null(keys);
	assert_non_null(strstr(fx->err, fx->path));
	write_bytes(fx->prev, buf, 32, 0600);
	assert_int_equal(symlink(fx->prev, fx->path), 0);
	assert_int_equal(load(fx, &keys), IDS_ESYS);
	assert_null(keys);
}

/* PATH.previous, when there, is held to the same rules. */
static void
test_previous_refused(void **state)
{
	struct fx *fx = *state;
	struct ids_seal_keys *keys;
	unsigned char buf[32];

	memset(buf, 'b', sizeof(buf));
	write_bytes(fx->prev, buf, sizeof(buf), 0644);
	assert_int_equal(load(fx, &keys), IDS_ECONF);
	assert_null(keys);
	assert_non_null(strstr(fx->err, fx->prev));
	assert_non_null(strstr(fx->err, "mode 0644"));
	write_bytes(fx->prev, buf, 31, 0600);
	assert_int_equal(load(fx, &keys), IDS_ECONF);
	assert_non_null(strstr(fx->err, "is 31 bytes"));
	write_bytes(fx->prev, buf, sizeof(buf), 0400);
	assert_int_equal(load(fx, &keys), IDS_OK);
	ids_seal_keys_free(keys);
}

/* A test with a fresh key file, loaded. */
#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_round_trip),
		T(test_blob_format),
		T(test_nonces_differ),
		T(test_tamper),
		T(test_other_context),
		T(test_unknown_key),
		T(test_rotation),
		T(test_raw_key),
		T(test_key_file_refused),
		T(test_previous_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
