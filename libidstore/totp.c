/* totp.c: TOTP codes through liboath, compared and windowed here.
 *
 * liboath's own oath_totp_validate*() compare with strcmp, stop at the
 * first match and know nothing of a last accepted step, so this file asks
 * liboath only for the code of one step and does the rest itself. */
#include "totp.h"
#include "rc.h"
#include "secret.h"

#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <liboath/oath.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#define TIME_T_MAX	(((uint64_t)1 << (sizeof(time_t) * CHAR_BIT - 1)) - 1)
#define UNRESERVED	"ABCDEFGHIJKLMNOPQRSTUVWXYZ" \
			"abcdefghijklmnopqrstuvwxyz0123456789-._~"
#define URI_HEAD	"otpauth://totp/"
#define URI_SECRET	"?secret="
#define URI_ISSUER	"&issuer="
#define URI_TAIL	"&algorithm=SHA1&digits=6&period=30"

static pthread_once_t oath_once = PTHREAD_ONCE_INIT;
static int init_rc = OATH_CRYPTO_ERROR;

static void
oath_start(void)
{
	init_rc = oath_init();
}

/* oath_init() once per process, whichever thread comes first.  Never
 * oath_done(): another PAM module in the process may use liboath too. */
static int
ready(void)
{
	if (pthread_once(&oath_once, oath_start) != 0 || init_rc != OATH_OK)
		return IDS_ESYS;
	return IDS_OK;
}

int
ids_totp_code_ex(const unsigned char *secret, size_t len, uint64_t step,
    unsigned digits, enum ids_totp_alg alg, char *out)
{
	static const int flags[] = {
		[IDS_TOTP_SHA1] = 0,
		[IDS_TOTP_SHA256] = OATH_TOTP_HMAC_SHA256,
		[IDS_TOTP_SHA512] = OATH_TOTP_HMAC_SHA512,
	};
	int rc;

	if (secret == NULL || len == 0 || digits < 6 || digits > 8 ||
	    (unsigned)alg >= sizeof(flags) / sizeof(flags[0]) ||
	    step > TIME_T_MAX / IDS_TOTP_STEP)
		return IDS_EINVAL;
	if ((rc = ready()) != IDS_OK)
		return rc;
	/* oath_hotp_generate() is HMAC-SHA1 only; the TOTP entry takes the
	 * HMAC as a flag, so ask for the first second of the step. */
	rc = oath_totp_generate2((const char *)secret, len,
	    (time_t)(step * IDS_TOTP_STEP), IDS_TOTP_STEP, 0, digits,
	    flags[alg], out);
	if (rc == OATH_MALLOC_ERROR)
		return IDS_ENOMEM;
	return rc == OATH_OK ? IDS_OK : IDS_EINVAL;
}

int
ids_totp_code(const unsigned char *secret, size_t len, uint64_t step,
    char out[IDS_TOTP_DIGITS + 1])
{
	return ids_totp_code_ex(secret, len, step, IDS_TOTP_DIGITS,
	    IDS_TOTP_SHA1, out);
}

static int
is_code(const char *code)
{
	size_t i;

	for (i = 0; i < IDS_TOTP_DIGITS; i++)
		if (code[i] < '0' || code[i] > '9')
			return 0;
	return code[i] == '\0';
}

int
ids_totp_verify(const unsigned char *secret, size_t len, const char *code,
    time_t now, int window, uint64_t last_step, uint64_t *step)
{
	char want[IDS_TOTP_DIGITS + 1];
	uint64_t cur, s, lo, found = 0;
	int rc = IDS_OK, hit;

	*step = 0;
	if (code == NULL || !is_code(code) || now < 0 || window < 0 ||
	    window > IDS_TOTP_MAX_WINDOW)
		return IDS_EINVAL;
	cur = (uint64_t)now / IDS_TOTP_STEP;
	lo = cur > (uint64_t)window ? cur - (uint64_t)window : 0;
	/* No early exit: the time taken does not tell which step matched.
	 * The latest match wins, so digits that fit two steps are spent
	 * for both. */
	for (s = lo; s <= cur + (uint64_t)window; s++) {
		if ((rc = ids_totp_code(secret, len, s, want)) != IDS_OK)
			goto out;
		hit = CRYPTO_memcmp(want, code, IDS_TOTP_DIGITS) == 0;
		hit &= s > last_step;
		found = hit ? s : found;
	}
	/* A match is > last_step >= 0: found == 0 means none. */
	rc = found != 0 ? IDS_OK : IDS_EBADCRED;
	*step = found;
out:
	ids_wipe(want, sizeof(want));
	return rc;
}

int
ids_totp_new_secret(unsigned char out[IDS_TOTP_SECRET_LEN])
{
	if (RAND_bytes(out, IDS_TOTP_SECRET_LEN) != 1) {
		ids_wipe(out, IDS_TOTP_SECRET_LEN);
		return IDS_ESYS;
	}
	return IDS_OK;
}

int
ids_totp_base32(const unsigned char *secret, size_t len, char **out)
{
	char *b32 = NULL;
	size_t n = 0;
	int rc;

	*out = NULL;
	if (secret == NULL || len == 0)
		return IDS_EINVAL;
	rc = oath_base32_encode((const char *)secret, len, &b32, &n);
	if (rc != OATH_OK) {
		ids_free_secret(b32);
		return rc == OATH_MALLOC_ERROR ? IDS_ENOMEM : IDS_EINVAL;
	}
	/* liboath pads to a multiple of 8; the apps' form has no '='. */
	while (n > 0 && b32[n - 1] == '=')
		b32[--n] = '\0';
	*out = b32;
	return IDS_OK;
}

static size_t
enc_len(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		n += strchr(UNRESERVED, *s) != NULL ? 1 : 3;
	return n;
}

static char *
put(char *p, const char *s)
{
	size_t n = strlen(s);

	memcpy(p, s, n);
	return p + n;
}

/* RFC 3986 percent-encoding of all but the unreserved characters: a ':'
 * in an issuer or ID cannot pass for the label's separator. */
static char *
put_enc(char *p, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	unsigned char c;

	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		if (strchr(UNRESERVED, c) != NULL) {
			*p++ = (char)c;
			continue;
		}
		*p++ = '%';
		*p++ = hex[c >> 4];
		*p++ = hex[c & 0xf];
	}
	return p;
}

int
ids_totp_uri(const unsigned char *secret, size_t len, const char *issuer,
    const char *id, char **out)
{
	char *b32 = NULL, *uri = NULL, *p;
	size_t n;
	int rc;

	*out = NULL;
	if (issuer == NULL)
		issuer = "idportal";
	if (id == NULL || *id == '\0' || *issuer == '\0')
		return IDS_EINVAL;
	if ((rc = ids_totp_base32(secret, len, &b32)) != IDS_OK)
		goto out;
	n = strlen(URI_HEAD) + 2 * enc_len(issuer) + 1 + enc_len(id) +
	    strlen(URI_SECRET) + strlen(b32) + strlen(URI_ISSUER) +
	    strlen(URI_TAIL) + 1;
	if ((uri = malloc(n)) == NULL) {
		rc = IDS_ENOMEM;
		goto out;
	}
	/* Built by copying: no format string sees the secret. */
	p = put(uri, URI_HEAD);
	p = put_enc(p, issuer);
	*p++ = ':';
	p = put_enc(p, id);
	p = put(p, URI_SECRET);
	p = put(p, b32);
	p = put(p, URI_ISSUER);
	p = put_enc(p, issuer);
	p = put(p, URI_TAIL);
	*p = '\0';
	*out = uri;
	rc = IDS_OK;
out:
	ids_free_secret(b32);
	return rc;
}
