/* pwhash.c: salted SHA-1 as slapd's {SSHA} reads it. */
#include "pwhash.h"
#include "rc.h"
#include "secret.h"

#include <string.h>

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
