/* code.c: Crockford base32 codes, made and read back. */
#include "code.h"
#include "rc.h"
#include "secret.h"

#include <string.h>

#include <openssl/rand.h>

/* 32 symbols, so a random byte & 31 has no bias. */
#define ALPHABET	"0123456789ABCDEFGHJKMNPQRSTVWXYZ"

int
ids_code_random(char *out, size_t n, size_t group)
{
	unsigned char r[64];
	size_t i, k = 0;
	int rc = IDS_OK;

	if (n == 0 || n > sizeof(r) || group == 0)
		return IDS_EINVAL;
	if (RAND_bytes(r, (int)n) != 1) {
		rc = IDS_ESYS;
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (i > 0 && i % group == 0)
			out[k++] = '-';
		out[k++] = ALPHABET[r[i] & 31];
	}
	out[k] = '\0';
out:
	ids_wipe(r, sizeof(r));
	if (rc != IDS_OK)
		ids_wipe(out, n + (n - 1) / group + 1);
	return rc;
}

int
ids_code_normalise(const char *in, char *out, size_t n)
{
	size_t k = 0;
	char c;

	for (; *in != '\0'; in++) {
		c = *in;
		if (c == '-' || c == ' ')
			continue;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (c == 'O')
			c = '0';
		else if (c == 'I' || c == 'L')
			c = '1';
		if (k == n || c == '\0' || strchr(ALPHABET, c) == NULL)
			return IDS_EINVAL;
		out[k++] = c;
	}
	out[k] = '\0';
	return k == n ? IDS_OK : IDS_EINVAL;
}
