/* test_recovery.c: recovery codes (shape, alphabet, distinct), their
 * stored {PBKDF2-SHA256} form checked with OpenSSL directly, matching as
 * typed (case, '-', spaces, O/0 and I/L/1), wrong codes, and stored values
 * changed in any character. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "rc.h"
#include "recovery.h"

#define CROCKFORD	"0123456789ABCDEFGHJKMNPQRSTVWXYZ"
#define PREFIX		"{PBKDF2-SHA256}20000$"
#define B64		"ABCDEFGHIJKLMNOPQRSTUVWXYZ" \
			"abcdefghijklmnopqrstuvwxyz0123456789./"

static void
assert_shape(const char *code)
{
	size_t i;

	assert_int_equal(strlen(code), IDS_RECOVERY_LEN);
	for (i = 0; i < IDS_RECOVERY_LEN; i++) {
		if (i == 5)
			assert_int_equal(code[i], '-');
		else if (strchr(CROCKFORD, code[i]) == NULL)
			fail_msg("\"%s\": '%c' is not a code character", code,
			    code[i]);
	}
}

static void
test_generate(void **state)
{
	char a[IDS_RECOVERY_COUNT][IDS_RECOVERY_LEN + 1];
	char b[IDS_RECOVERY_COUNT][IDS_RECOVERY_LEN + 1];
	int i, j;

	(void)state;
	memset(a, 'x', sizeof(a));
	memset(b, 'x', sizeof(b));
	assert_int_equal(ids_recovery_generate(a), IDS_OK);
	assert_int_equal(ids_recovery_generate(b), IDS_OK);
	for (i = 0; i < IDS_RECOVERY_COUNT; i++) {
		assert_shape(a[i]);
		assert_shape(b[i]);
		for (j = 0; j < IDS_RECOVERY_COUNT; j++) {
			if (j != i)
				assert_string_not_equal(a[i], a[j]);
			assert_string_not_equal(a[i], b[j]);
		}
	}
}

/* 1000 codes: every one of the 32 symbols turns up, each near its share
 * (10000 / 32 = 312.5; a biased pick, e.g. byte % 26, would not). */
static void
test_generate_distribution(void **state)
{
	char c[IDS_RECOVERY_COUNT][IDS_RECOVERY_LEN + 1];
	unsigned seen[32] = { 0 };
	const char *p;
	int round, i, k;

	(void)state;
	for (round = 0; round < 100; round++) {
		assert_int_equal(ids_recovery_generate(c), IDS_OK);
		for (i = 0; i < IDS_RECOVERY_COUNT; i++)
			for (k = 0; k < IDS_RECOVERY_LEN; k++)
				if ((p = strchr(CROCKFORD, c[i][k])) != NULL &&
				    c[i][k] != '\0')
					seen[p - CROCKFORD]++;
	}
	for (i = 0; i < 32; i++)
		if (seen[i] < 200 || seen[i] > 430)
			fail_msg("'%c' seen %u times in 10000", CROCKFORD[i],
			    seen[i]);
}

static int
ab64_decode(const char *s, size_t slen, unsigned char *out, size_t len)
{
	char in[64];
	unsigned char dec[64];
	size_t i, n;

	for (i = 0; i < slen; i++)
		in[i] = s[i] == '.' ? '+' : s[i];
	for (n = slen; n % 4 != 0; n++)
		in[n] = '=';
	if (EVP_DecodeBlock(dec, (unsigned char *)in, (int)n) < (int)len)
		return -1;
	memcpy(out, dec, len);
	return 0;
}

/* A stored value written here, independently of the module, at iter
 * rounds: the cheap ones (1000) keep the many matches below fast under
 * valgrind, and show the rounds are read from the value. */
static void
stored_at(const char *norm, int iter, char *out, size_t outlen)
{
	static const unsigned char salt[16] = "0123456789abcdef";
	unsigned char dk[32], b64[2][48];
	int i, j, n;

	assert_int_equal(PKCS5_PBKDF2_HMAC(norm, (int)strlen(norm), salt,
	    16, iter, EVP_sha256(), 32, dk), 1);
	for (i = 0; i < 2; i++) {
		n = EVP_EncodeBlock(b64[i], i == 0 ? salt : dk, i == 0 ?
		    16 : 32);
		while (b64[i][n - 1] == '=')
			b64[i][--n] = '\0';
		for (j = 0; j < n; j++)
			if (b64[i][j] == '+')
				b64[i][j] = '.';
	}
	assert_true(snprintf(out, outlen, "{PBKDF2-SHA256}%d$%s$%s", iter,
	    b64[0], b64[1]) < (int)outlen);
}

/* The stored value is what OpenLDAP's pw-pbkdf2 would write for the
 * normalised code: checked here with OpenSSL, not with the module. */
static void
test_hash_format(void **state)
{
	unsigned char salt[16], dk[32], want[32];
	char h[IDS_RECOVERY_HASH_LEN], h2[IDS_RECOVERY_HASH_LEN];
	const char *s, *d;

	(void)state;
	assert_int_equal(ids_recovery_hash("abcde-fghjk", h), IDS_OK);
	assert_int_equal(strncmp(h, PREFIX, strlen(PREFIX)), 0);
	s = h + strlen(PREFIX);
	assert_non_null(d = strchr(s, '$'));
	assert_int_equal(d - s, 22);
	assert_int_equal(strlen(d + 1), 43);
	assert_int_equal(strspn(s, B64 "$"), strlen(s));
	assert_int_equal(ab64_decode(s, 22, salt, 16), 0);
	assert_int_equal(ab64_decode(d + 1, 43, dk, 32), 0);
	assert_int_equal(PKCS5_PBKDF2_HMAC("ABCDEFGHJK", 10, salt, 16, 20000,
	    EVP_sha256(), 32, want), 1);
	assert_memory_equal(dk, want, 32);
	/* A fresh salt each time. */
	assert_int_equal(ids_recovery_hash("ABCDE-FGHJK", h2), IDS_OK);
	assert_string_not_equal(h, h2);
	assert_int_equal(ids_recovery_match("ABCDE-FGHJK", h2), IDS_OK);
}

static void
test_hash_refuses(void **state)
{
	static const char *bad[] = {
		"", "ABCDE", "ABCDE-FGHJ", "ABCDE-FGHJK0", "ABCDE-FGHJU",
		"ABCDE_FGHJK", "ABCDE\tFGHJK", "ABCDE-FGHJ\xc3\xa9",
	};
	char h[IDS_RECOVERY_HASH_LEN];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(h, 'x', sizeof(h));
		if (ids_recovery_hash(bad[i], h) != IDS_EINVAL)
			fail_msg("row %zu hashed", i);
		assert_string_equal(h, "");
	}
}

/* Generated codes, hashed, match themselves and not each other. */
static void
test_match(void **state)
{
	char c[IDS_RECOVERY_COUNT][IDS_RECOVERY_LEN + 1];
	char h[2][IDS_RECOVERY_HASH_LEN];

	(void)state;
	assert_int_equal(ids_recovery_generate(c), IDS_OK);
	assert_int_equal(ids_recovery_hash(c[0], h[0]), IDS_OK);
	assert_int_equal(ids_recovery_hash(c[1], h[1]), IDS_OK);
	assert_int_equal(ids_recovery_match(c[0], h[0]), IDS_OK);
	assert_int_equal(ids_recovery_match(c[1], h[1]), IDS_OK);
	assert_int_equal(ids_recovery_match(c[0], h[1]), IDS_EBADCRED);
	assert_int_equal(ids_recovery_match(c[1], h[0]), IDS_EBADCRED);
}

static void
test_normalisation(void **state)
{
	static const char *same[] = {
		"0A1B2-C3D4E", "0a1b2-c3d4e", "0A1B2C3D4E", "0a1b2 c3d4e",
		" 0a-1b-2c-3d-4e ", "oA1B2-C3D4E", "OAIB2-C3D4E", "0AlB2-C3D4E",
		"0ALB2-C3D4E", "0 A 1 B 2 - C 3 D 4 E", "-0A1B2--C3D4E-",
	};
	char h[IDS_RECOVERY_HASH_LEN];
	size_t i;

	(void)state;
	stored_at("0A1B2C3D4E", 1000, h, sizeof(h));
	assert_int_equal(ids_recovery_match("0A1B2-C3D4E", h), IDS_OK);
	for (i = 0; i < sizeof(same) / sizeof(same[0]); i++)
		if (ids_recovery_match(same[i], h) != IDS_OK)
			fail_msg("\"%s\" did not match", same[i]);
}

static void
test_wrong_code(void **state)
{
	static const char *wrong[] = {
		"0A1B2-C3D4F", "1A1B2-C3D4E", "0A1B2-C3D4", "0A1B2-C3D4E0",
		"", "0A1B2_C3D4E", "0A1B2-C3D4U", "E4D3C-2B1A0",
		"0A1B2\tC3D4E", "0A1B2-C3D4E\n",
	};
	char h[IDS_RECOVERY_HASH_LEN];
	size_t i;

	(void)state;
	stored_at("0A1B2C3D4E", 1000, h, sizeof(h));
	assert_int_equal(ids_recovery_match("0A1B2-C3D4E", h), IDS_OK);
	for (i = 0; i < sizeof(wrong) / sizeof(wrong[0]); i++)
		if (ids_recovery_match(wrong[i], h) != IDS_EBADCRED)
			fail_msg("\"%s\" not refused as EBADCRED", wrong[i]);
	/* What is no code at all is hashed as a decoy, never let through,
	 * even against a stored value of that decoy. */
	stored_at("0000000000", 1000, h, sizeof(h));
	assert_int_equal(ids_recovery_match("00000-00000", h), IDS_OK);
	assert_int_equal(ids_recovery_match("", h), IDS_EBADCRED);
	assert_int_equal(ids_recovery_match("0000U-00000", h), IDS_EBADCRED);
	assert_int_equal(ids_recovery_match("00000-000000", h), IDS_EBADCRED);
}

/* Change any one character of the stored value (or cut it, or add to
 * it): the right code no longer matches. */
static void
test_tampered_stored(void **state)
{
	static const char *malformed[] = {
		"{PBKDF2-SHA256}999$", "{PBKDF2-SHA256}1000001$",
		"{PBKDF2-SHA256}01000$", "{PBKDF2-SHA1}1000$",
		"{pbkdf2-sha256}1000$", "{SSHA256}1000$",
		"{PBKDF2-SHA256}$", "{PBKDF2-SHA256}1000",
	};
	char h[IDS_RECOVERY_HASH_LEN], t[IDS_RECOVERY_HASH_LEN + 8];
	const char *tail;
	size_t i, len;
	int rc;

	(void)state;
	stored_at("0A1B2C3D4E", 1000, h, sizeof(h));
	assert_int_equal(ids_recovery_match("0A1B2-C3D4E", h), IDS_OK);
	len = strlen(h);
	for (i = 0; i < len; i++) {
		strcpy(t, h);
		t[i] = t[i] == 'A' ? 'B' : 'A';
		if ((rc = ids_recovery_match("0A1B2-C3D4E", t)) == IDS_OK)
			fail_msg("character %zu changed, still matches", i);
	}
	for (i = 0; i < len; i++) {
		memcpy(t, h, i);
		t[i] = '\0';
		assert_int_equal(ids_recovery_match("0A1B2-C3D4E", t),
		    IDS_EINVAL);
	}
	/* The hash's last character carries 4 data bits and 2 unused ones:
	 * setting an unused bit spells the same bytes, and is refused. */
	strcpy(t, h);
	t[len - 1] = B64[strchr(B64, t[len - 1]) - B64 + 1];
	assert_int_equal(ids_recovery_match("0A1B2-C3D4E", t), IDS_EINVAL);
	snprintf(t, sizeof(t), "%s\n", h);
	assert_int_equal(ids_recovery_match("0A1B2-C3D4E", t), IDS_EINVAL);
	snprintf(t, sizeof(t), "%sA", h);
	assert_int_equal(ids_recovery_match("0A1B2-C3D4E", t), IDS_EINVAL);
	/* Well-formed, other parameters: a mismatch, not malformed. */
	tail = strchr(h, '$');
	snprintf(t, sizeof(t), "{PBKDF2-SHA256}1001%s", tail);
	assert_int_equal(ids_recovery_match("0A1B2-C3D4E", t), IDS_EBADCRED);
	for (i = 0; i < sizeof(malformed) / sizeof(malformed[0]); i++) {
		snprintf(t, sizeof(t), "%s%s", malformed[i], tail + 1);
		if (ids_recovery_match("0A1B2-C3D4E", t) != IDS_EINVAL)
			fail_msg("\"%s...\" not refused as malformed",
			    malformed[i]);
	}
	assert_int_equal(ids_recovery_match("0A1B2-C3D4E", h), IDS_OK);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_generate),
		cmocka_unit_test(test_generate_distribution),
		cmocka_unit_test(test_hash_format),
		cmocka_unit_test(test_hash_refuses),
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_normalisation),
		cmocka_unit_test(test_wrong_code),
		cmocka_unit_test(test_tampered_stored),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
