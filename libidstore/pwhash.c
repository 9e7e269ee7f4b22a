/* pwhash.c: salted SHA-1 as slapd's {SSHA} reads it (pwhash.h). */
#include "pwhash.h"
#include "rc.h"
#include "secret.h"

#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

int
ids_pwhash_ssha(const char *pw, char *out, size_t outlen)
{
	unsigned char buf[20 + 8];	/* digest, then salt */
	EVP_MD_CTX *ctx = NULL;
	unsigned int dlen = 0;
	int rc = IDS_ESYS;

	if (outlen < IDS_SSHA_LEN)
		return IDS_EINVAL;
	if (RAND_bytes(buf + 20, 8) != 1 || (ctx = EVP_MD_CTX_new()) == NULL)
		goto out;
	if (EVP_DigestInit_ex(ctx, EVP_sha1(), NULL) != 1 ||
	    EVP_DigestUpdate(ctx, pw, strlen(pw)) != 1 ||
	    EVP_DigestUpdate(ctx, buf + 20, 8) != 1 ||
	    EVP_DigestFinal_ex(ctx, buf, &dlen) != 1 || dlen != 20)
		goto out;
	memcpy(out, "{SSHA}", 6);
	EVP_EncodeBlock((unsigned char *)out + 6, buf, sizeof(buf));
	rc = IDS_OK;
out:
	EVP_MD_CTX_free(ctx);
	ids_wipe(buf, sizeof(buf));
	return rc;
}

#define SSHA_SALT_MAX	64

int
ids_pwhash_verify(const char *pw, const char *ssha)
{
	unsigned char raw[20 + SSHA_SALT_MAX + 3], want[20];
	EVP_MD_CTX *ctx = NULL;
	const char *b64, *p;
	unsigned int dlen = 0;
	size_t len, pad = 0;
	int n, rc = IDS_EINVAL;

	if (pw == NULL || ssha == NULL || strncasecmp(ssha, "{SSHA}", 6) != 0)
		goto out;
	b64 = ssha + 6;
	len = strlen(b64);
	/* 20 digest bytes and at least one salt byte, in whole quads */
	if (len % 4 != 0 || len < 28 || len / 4 * 3 > sizeof(raw) ||
	    strspn(b64, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789+/=") != len)
		goto out;
	if (b64[len - 1] == '=')
		pad = b64[len - 2] == '=' ? 2 : 1;
	if ((p = strchr(b64, '=')) != NULL && p != b64 + len - pad)
		goto out;
	/* EVP_DecodeBlock counts the padding as zero bytes */
	if ((n = EVP_DecodeBlock(raw, (const unsigned char *)b64, (int)len)) <
	    0 || (size_t)n < pad || (size_t)n - pad <= 20)
		goto out;
	n -= (int)pad;
	rc = IDS_ESYS;
	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(ctx, EVP_sha1(), NULL) != 1 ||
	    EVP_DigestUpdate(ctx, pw, strlen(pw)) != 1 ||
	    EVP_DigestUpdate(ctx, raw + 20, (size_t)n - 20) != 1 ||
	    EVP_DigestFinal_ex(ctx, want, &dlen) != 1 || dlen != 20)
		goto out;
	rc = CRYPTO_memcmp(want, raw, 20) == 0 ? IDS_OK : IDS_EBADCRED;
out:
	EVP_MD_CTX_free(ctx);
	ids_wipe(raw, sizeof(raw));
	ids_wipe(want, sizeof(want));
	return rc;
}
