/* recovery.c: recovery codes, PBKDF2-HMAC-SHA256 with a salt per code.
 * 50 random bits per code make a dump expensive to search even at a cost
 * a login can afford ten times over (one PBKDF2 per stored value). */
#include "recovery.h"
#include "code.h"
#include "rc.h"
#include "secret.h"

#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#define CHARS		10	/* code characters, without the '-' */
#define SCHEME		"{PBKDF2-SHA256}"
#define ITER		20000
#define ITER_MIN	1000
#define ITER_MAX	1000000
#define SALT_LEN	16
#define DK_LEN		32
#define AB64_LEN(n)	(((n) * 4 + 2) / 3)	/* base64, unpadded */

int
ids_recovery_generate(char codes[IDS_RECOVERY_COUNT][IDS_RECOVERY_LEN + 1])
{
	int i = 0, j, rc = IDS_OK;

	while (i < IDS_RECOVERY_COUNT) {
		if ((rc = ids_code_random(codes[i], CHARS, CHARS / 2)) !=
		    IDS_OK)
			break;
		/* A repeat (odds 2^-50) is drawn again. */
		for (j = 0; j < i; j++)
			if (CRYPTO_memcmp(codes[j], codes[i],
			    IDS_RECOVERY_LEN) == 0)
				break;
		if (j == i)
			i++;
	}
	if (rc != IDS_OK)
		ids_wipe(codes, IDS_RECOVERY_COUNT * (IDS_RECOVERY_LEN + 1));
	return rc;
}

/* len bytes as base64 with '.' for '+' and no '=' (OpenLDAP's "adapted
 * base64") at p, NUL-terminated; returns the end.  p has room for the
 * padded form: 4 * ceil(len / 3) + 1. */
static char *
ab64_put(char *p, const unsigned char *in, size_t len)
{
	int i, n;

	n = EVP_EncodeBlock((unsigned char *)p, in, (int)len);
	while (n > 0 && p[n - 1] == '=')
		n--;
	for (i = 0; i < n; i++)
		if (p[i] == '+')
			p[i] = '.';
	p[n] = '\0';
	return p + n;
}

/* Decode exactly len bytes from the slen characters at s; only the one
 * canonical spelling is taken, so no character can change unnoticed. */
static int
ab64_get(const char *s, size_t slen, unsigned char *out, size_t len)
{
	char in[AB64_LEN(DK_LEN) + 4], again[AB64_LEN(DK_LEN) + 4];
	unsigned char dec[DK_LEN + 3];
	size_t i, n;
	int rc = IDS_EINVAL;

	if (len > DK_LEN || slen != AB64_LEN(len))
		return IDS_EINVAL;
	for (i = 0; i < slen; i++)
		in[i] = s[i] == '.' ? '+' : s[i];
	for (n = slen; n % 4 != 0; n++)
		in[n] = '=';
	in[n] = '\0';
	if (EVP_DecodeBlock(dec, (unsigned char *)in, (int)n) < (int)len)
		goto out;
	ab64_put(again, dec, len);
	if (memcmp(again, s, slen) != 0)
		goto out;
	memcpy(out, dec, len);
	rc = IDS_OK;
out:
	ids_wipe(dec, sizeof(dec));
	return rc;
}

/* "{PBKDF2-SHA256}ITER$SALT$HASH" into its parts. */
static int
parse(const char *stored, unsigned *iter, unsigned char salt[SALT_LEN],
    unsigned char dk[DK_LEN])
{
	const char *p, *dollar;
	unsigned long n = 0;

	if (strncmp(stored, SCHEME, strlen(SCHEME)) != 0)
		return IDS_EINVAL;
	p = stored + strlen(SCHEME);
	if (*p == '0')
		return IDS_EINVAL;
	for (; *p >= '0' && *p <= '9' && n <= ITER_MAX; p++)
		n = n * 10 + (unsigned long)(*p - '0');
	if (*p++ != '$' || n < ITER_MIN || n > ITER_MAX)
		return IDS_EINVAL;
	*iter = (unsigned)n;
	if ((dollar = strchr(p, '$')) == NULL ||
	    ab64_get(p, (size_t)(dollar - p), salt, SALT_LEN) != IDS_OK ||
	    ab64_get(dollar + 1, strlen(dollar + 1), dk, DK_LEN) != IDS_OK)
		return IDS_EINVAL;
	return IDS_OK;
}

static int
derive(const char *norm, const unsigned char *salt, unsigned iter,
    unsigned char dk[DK_LEN])
{
	if (PKCS5_PBKDF2_HMAC(norm, CHARS, salt, SALT_LEN, (int)iter,
	    EVP_sha256(), DK_LEN, dk) != 1)
		return IDS_ESYS;
	return IDS_OK;
}

int
ids_recovery_hash(const char *code, char out[IDS_RECOVERY_HASH_LEN])
{
	unsigned char salt[SALT_LEN], dk[DK_LEN];
	char norm[CHARS + 1], *p;
	int rc;

	out[0] = '\0';
	if ((rc = ids_code_normalise(code, norm, CHARS)) != IDS_OK)
		goto out;
	if (RAND_bytes(salt, sizeof(salt)) != 1) {
		rc = IDS_ESYS;
		goto out;
	}
	if ((rc = derive(norm, salt, ITER, dk)) != IDS_OK)
		goto out;
	/* Fits: 21 + 22 + 1 + 43 characters, 45 room for the last one. */
	p = out + snprintf(out, IDS_RECOVERY_HASH_LEN, SCHEME "%u$", ITER);
	p = ab64_put(p, salt, sizeof(salt));
	*p++ = '$';
	ab64_put(p, dk, sizeof(dk));
out:
	ids_wipe(norm, sizeof(norm));
	ids_wipe(dk, sizeof(dk));
	return rc;
}

int
ids_recovery_match(const char *code, const char *stored)
{
	unsigned char salt[SALT_LEN], want[DK_LEN], got[DK_LEN];
	char norm[CHARS + 1];
	unsigned iter;
	int rc, shaped;

	if ((rc = parse(stored, &iter, salt, want)) != IDS_OK)
		return rc;
	/* Input that is no code still pays for one PBKDF2, as a decoy. */
	if (!(shaped = ids_code_normalise(code, norm, CHARS) == IDS_OK))
		memcpy(norm, "0000000000", sizeof(norm));
	if ((rc = derive(norm, salt, iter, got)) != IDS_OK)
		goto out;
	rc = (CRYPTO_memcmp(got, want, DK_LEN) == 0 && shaped) ? IDS_OK :
	    IDS_EBADCRED;
out:
	ids_wipe(norm, sizeof(norm));
	ids_wipe(got, sizeof(got));
	ids_wipe(want, sizeof(want));
	return rc;
}
