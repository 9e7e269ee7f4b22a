/* seal.c: AES-256-GCM blobs with a key id, keys read raw from root-only
 * files.  ids_secret_read_file() reads text; a key is 32 raw bytes that
 * may hold NUL or newline, so the reading is done here, with the same
 * owner and mode rules. */
#include "seal.h"
#include "rc.h"
#include "secret.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#define MAGIC		"IDS1"
#define MAGIC_LEN	4
#define ID_LEN		8
#define NONCE_LEN	12
#define TAG_LEN		16
#define AAD_LEN		(MAGIC_LEN + ID_LEN)	/* context follows */
#define HEAD_LEN	(MAGIC_LEN + ID_LEN + NONCE_LEN)

struct ids_seal_keys {
	/* [0] the current key, [1] the previous one */
	unsigned char	 key[2][IDS_SEAL_KEY_LEN];
	unsigned char	 id[2][ID_LEN];
	int		 n;		/* 1, or 2 during a rotation */
};

static int
check_key(const char *path, int fd, char *err, size_t errlen)
{
	struct stat st;

	if (fstat(fd, &st) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return IDS_ESYS;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s is not a regular file", path);
		return IDS_ECONF;
	}
	if (st.st_uid != 0) {
		snprintf(err, errlen, "%s is owned by uid %u, want root",
		    path, (unsigned)st.st_uid);
		return IDS_ECONF;
	}
	if ((st.st_mode & 077) != 0) {
		snprintf(err, errlen, "%s is mode %04o, want 0600", path,
		    (unsigned)(st.st_mode & 07777));
		return IDS_ECONF;
	}
	if (st.st_size != IDS_SEAL_KEY_LEN) {
		snprintf(err, errlen, "%s is %lld bytes, want %d raw bytes "
		    "(head -c %d /dev/urandom)", path, (long long)st.st_size,
		    IDS_SEAL_KEY_LEN, IDS_SEAL_KEY_LEN);
		return IDS_ECONF;
	}
	return IDS_OK;
}

/* Read the key at path into key and its id into id.  A missing file is
 * IDS_ENOTFOUND, for the caller to decide. */
static int
read_key(const char *path, unsigned char *key, unsigned char *id,
    char *err, size_t errlen)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	size_t len = 0;
	ssize_t n;
	char extra;
	int fd, rc;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return errno == ENOENT ? IDS_ENOTFOUND : IDS_ESYS;
	}
	/* fstat the open file: what we check is what we read. */
	if ((rc = check_key(path, fd, err, errlen)) != IDS_OK)
		goto out;
	while (len < IDS_SEAL_KEY_LEN &&
	    (n = read(fd, key + len, IDS_SEAL_KEY_LEN - len)) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			rc = IDS_ESYS;
			goto out;
		}
		len += (size_t)n;
	}
	/* Changed under us since the fstat: refuse rather than guess. */
	if (len != IDS_SEAL_KEY_LEN || read(fd, &extra, 1) != 0) {
		snprintf(err, errlen, "%s: not %d bytes when read", path,
		    IDS_SEAL_KEY_LEN);
		rc = IDS_ECONF;
		goto out;
	}
	if (EVP_Digest(key, IDS_SEAL_KEY_LEN, md, NULL, EVP_sha256(),
	    NULL) != 1) {
		snprintf(err, errlen, "%s: SHA-256 failed", path);
		rc = IDS_ESYS;
		goto out;
	}
	memcpy(id, md, ID_LEN);
	rc = IDS_OK;
out:
	if (rc != IDS_OK)
		ids_wipe(key, IDS_SEAL_KEY_LEN);
	close(fd);
	return rc;
}

int
ids_seal_keys_load(const char *path, struct ids_seal_keys **out, char *err,
    size_t errlen)
{
	struct ids_seal_keys *keys = NULL;
	char *prev = NULL;
	int rc;

	*out = NULL;
	if ((keys = calloc(1, sizeof(*keys))) == NULL ||
	    asprintf(&prev, "%s.previous", path) == -1) {
		prev = NULL;
		rc = IDS_ENOMEM;
		goto out;
	}
	if ((rc = read_key(path, keys->key[0], keys->id[0], err,
	    errlen)) != IDS_OK) {
		if (rc == IDS_ENOTFOUND)
			rc = IDS_ESYS;
		goto out;
	}
	keys->n = 1;
	rc = read_key(prev, keys->key[1], keys->id[1], err, errlen);
	if (rc == IDS_ENOTFOUND) {
		if (errlen > 0)
			err[0] = '\0';
		rc = IDS_OK;
	} else if (rc == IDS_OK)
		keys->n = 2;
	else
		goto out;
	*out = keys;
	keys = NULL;
out:
	ids_seal_keys_free(keys);
	free(prev);
	return rc;
}

void
ids_seal_keys_free(struct ids_seal_keys *keys)
{
	if (keys == NULL)
		return;
	ids_wipe(keys, sizeof(*keys));
	free(keys);
}

void
ids_seal_plain_free(unsigned char *plain, size_t len)
{
	if (plain == NULL)
		return;
	ids_wipe(plain, len);
	free(plain);
}

/* AES-256-GCM of len bytes of in into out under key, with the nonce and
 * the additional data taken from the blob's head and context.  Sealing
 * writes the tag, opening checks it (IDS_EINVAL on mismatch). */
static int
gcm(int enc, const unsigned char *key, const unsigned char *head,
    const char *context, const unsigned char *in, size_t len,
    unsigned char *out, unsigned char *tag)
{
	EVP_CIPHER_CTX *ctx;
	size_t clen = strlen(context);
	int n, rc = IDS_ESYS;

	if (len > IDS_SEAL_MAX || clen > IDS_SEAL_MAX)
		return IDS_EINVAL;
	if ((ctx = EVP_CIPHER_CTX_new()) == NULL)
		return IDS_ENOMEM;
	/* GCM's default nonce length is NONCE_LEN (12). */
	if (EVP_CipherInit_ex(ctx, EVP_aes_256_gcm(), NULL, key,
	    head + AAD_LEN, enc) != 1 ||
	    EVP_CipherUpdate(ctx, NULL, &n, head, AAD_LEN) != 1 ||
	    (clen > 0 && EVP_CipherUpdate(ctx, NULL, &n,
	    (const unsigned char *)context, (int)clen) != 1) ||
	    (len > 0 && EVP_CipherUpdate(ctx, out, &n, in, (int)len) != 1))
		goto out;
	if (!enc && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, TAG_LEN,
	    tag) != 1)
		goto out;
	if (EVP_CipherFinal_ex(ctx, out + len, &n) != 1) {
		rc = enc ? IDS_ESYS : IDS_EINVAL;
		goto out;
	}
	if (enc && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, TAG_LEN,
	    tag) != 1)
		goto out;
	rc = IDS_OK;
out:
	EVP_CIPHER_CTX_free(ctx);
	return rc;
}

int
ids_seal(const struct ids_seal_keys *keys, const char *context,
    const unsigned char *plain, size_t len, unsigned char **blob,
    size_t *bloblen)
{
	unsigned char *b = NULL;
	int rc;

	*blob = NULL;
	*bloblen = 0;
	if (keys == NULL || context == NULL || (plain == NULL && len > 0) ||
	    len > IDS_SEAL_MAX)
		return IDS_EINVAL;
	if ((b = malloc(len + IDS_SEAL_OVERHEAD)) == NULL)
		return IDS_ENOMEM;
	memcpy(b, MAGIC, MAGIC_LEN);
	memcpy(b + MAGIC_LEN, keys->id[0], ID_LEN);
	/* Random 96-bit nonces: safe for far more seals than one key will
	 * ever see (NIST SP 800-38D allows 2^32). */
	if (RAND_bytes(b + AAD_LEN, NONCE_LEN) != 1) {
		rc = IDS_ESYS;
		goto out;
	}
	if ((rc = gcm(1, keys->key[0], b, context, plain, len, b + HEAD_LEN,
	    b + HEAD_LEN + len)) != IDS_OK)
		goto out;
	*blob = b;
	*bloblen = len + IDS_SEAL_OVERHEAD;
	b = NULL;
out:
	free(b);
	return rc;
}

int
ids_seal_open(const struct ids_seal_keys *keys, const char *context,
    const unsigned char *blob, size_t bloblen, unsigned char **plain,
    size_t *len)
{
	const unsigned char *key = NULL;
	unsigned char *p = NULL, tag[TAG_LEN];
	size_t clen;
	int i, rc;

	*plain = NULL;
	*len = 0;
	if (keys == NULL || context == NULL || blob == NULL ||
	    bloblen < IDS_SEAL_OVERHEAD ||
	    bloblen - IDS_SEAL_OVERHEAD > IDS_SEAL_MAX ||
	    memcmp(blob, MAGIC, MAGIC_LEN) != 0)
		return IDS_EINVAL;
	for (i = 0; i < keys->n && key == NULL; i++)
		if (memcmp(blob + MAGIC_LEN, keys->id[i], ID_LEN) == 0)
			key = keys->key[i];
	if (key == NULL)
		return IDS_EINVAL;
	clen = bloblen - IDS_SEAL_OVERHEAD;
	/* One byte more than needed: malloc(0) may be NULL. */
	if ((p = malloc(clen + 1)) == NULL)
		return IDS_ENOMEM;
	memcpy(tag, blob + HEAD_LEN + clen, TAG_LEN);
	if ((rc = gcm(0, key, blob, context, blob + HEAD_LEN, clen, p,
	    tag)) != IDS_OK)
		goto out;
	*plain = p;
	*len = clen;
	p = NULL;
out:
	ids_seal_plain_free(p, clen + 1);
	return rc;
}
