/* test_pwhash.c: ids_pwhash_verify() against {SSHA} values made by
 * slappasswd (4-byte salt), by Python's hashlib (8 and 16-byte salts), by
 * OpenSSL in the test, and by ids_pwhash_ssha(); and the values it must
 * refuse without a digest being compared. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "pwhash.h"
#include "rc.h"

/* `slappasswd -h {SSHA} -s Legacy-Link-Pw-7` (OpenLDAP 2.5.13) */
#define SLAPPASSWD_PW	"Legacy-Link-Pw-7"
#define SLAPPASSWD_HASH	"{SSHA}rQ9e9rdMXtYO/NP8rqMSP5dxoMDrTgU+"

/* base64(sha1(pw + salt) + salt) with Python's hashlib */
static const struct {
	const char	*pw;
	const char	*ssha;
} vectors[] = {
	{ SLAPPASSWD_PW, SLAPPASSWD_HASH },
	/* salt 01 02 .. 08 */
	{ "Legacy-Link-Pw-7",
	    "{SSHA}52poySkvXCeAD65cwSalgruGqVMBAgMEBQYHCA==" },
	/* UTF-8 and a space, 16-byte salt 00 ff 10 20 .. e0, no padding */
	{ "p\xc3\xa4ss w0rd",
	    "{SSHA}I1v8juuq8uWUg29vN+2VlLgHqbYA/xAgMEBQYHCAkKCwwNDg" },
};

static void
known_vectors_verify(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++)
		assert_int_equal(ids_pwhash_verify(vectors[i].pw,
		    vectors[i].ssha), IDS_OK);
}

static void
scheme_name_ignores_case(void **state)
{
	(void)state;
	assert_int_equal(ids_pwhash_verify(SLAPPASSWD_PW,
	    "{ssha}rQ9e9rdMXtYO/NP8rqMSP5dxoMDrTgU+"), IDS_OK);
}

static void
wrong_passwords_refused(void **state)
{
	static const char *wrong[] = {
		"legacy-link-pw-7", "Legacy-Link-Pw-", "Legacy-Link-Pw-77",
		"", "Legacy-Link-Pw-7\n", " Legacy-Link-Pw-7",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(wrong) / sizeof(wrong[0]); i++)
		assert_int_equal(ids_pwhash_verify(wrong[i], SLAPPASSWD_HASH),
		    IDS_EBADCRED);
	/* the right password against another salt's value */
	assert_int_equal(ids_pwhash_verify("p\xc3\xa4ss w0rd",
	    vectors[1].ssha), IDS_EBADCRED);
}

static void
one_bit_of_digest_or_salt_refused(void **state)
{
	char v[64];

	(void)state;
	/* first digest character: 'r' -> 's' */
	strcpy(v, SLAPPASSWD_HASH);
	v[6] = 's';
	assert_int_equal(ids_pwhash_verify(SLAPPASSWD_PW, v), IDS_EBADCRED);
	/* last salt character: '+' -> '/' */
	strcpy(v, SLAPPASSWD_HASH);
	v[strlen(v) - 1] = '/';
	assert_int_equal(ids_pwhash_verify(SLAPPASSWD_PW, v), IDS_EBADCRED);
}

/* The same construction done here with OpenSSL, 8-byte salt "saltsalt". */
static void
openssl_made_value_verifies(void **state)
{
	static const char pw[] = "Corr3ct-h0rse";
	unsigned char raw[28];
	char ssha[6 + 40 + 1];
	unsigned int dlen = 0;
	EVP_MD_CTX *ctx;

	(void)state;
	memcpy(raw + 20, "saltsalt", 8);
	assert_non_null(ctx = EVP_MD_CTX_new());
	assert_int_equal(EVP_DigestInit_ex(ctx, EVP_sha1(), NULL), 1);
	assert_int_equal(EVP_DigestUpdate(ctx, pw, strlen(pw)), 1);
	assert_int_equal(EVP_DigestUpdate(ctx, raw + 20, 8), 1);
	assert_int_equal(EVP_DigestFinal_ex(ctx, raw, &dlen), 1);
	EVP_MD_CTX_free(ctx);
	assert_int_equal(dlen, 20);
	memcpy(ssha, "{SSHA}", 6);
	EVP_EncodeBlock((unsigned char *)ssha + 6, raw, sizeof(raw));
	assert_int_equal(ids_pwhash_verify(pw, ssha), IDS_OK);
	assert_int_equal(ids_pwhash_verify("Corr3ct-h0rsE", ssha),
	    IDS_EBADCRED);
}

static void
own_hash_round_trips(void **state)
{
	char a[IDS_SSHA_LEN], b[IDS_SSHA_LEN];

	(void)state;
	assert_int_equal(ids_pwhash_ssha("Seat-Link-42", a, sizeof(a)), IDS_OK);
	assert_int_equal(ids_pwhash_ssha("Seat-Link-42", b, sizeof(b)), IDS_OK);
	assert_string_not_equal(a, b);	/* a fresh salt each time */
	assert_int_equal(ids_pwhash_verify("Seat-Link-42", a), IDS_OK);
	assert_int_equal(ids_pwhash_verify("Seat-Link-42", b), IDS_OK);
	assert_int_equal(ids_pwhash_verify("Seat-Link-43", a), IDS_EBADCRED);
}

static void
malformed_values_refused(void **state)
{
	static const char *bad[] = {
		"",
		"{SSHA}",
		"rQ9e9rdMXtYO/NP8rqMSP5dxoMDrTgU+",		/* no scheme */
		"{SHA}rQ9e9rdMXtYO/NP8rqMSP5dxoMDrTgU+",	/* other scheme */
		"{SSHA}rQ9e9rdMXtYO/NP8rqMSP5dxoMDrTgU",	/* not whole quads */
		"{SSHA}rQ9e9rdMXtYO/NP8rqMSP5dxoMDrTgU*",	/* not base64 */
		"{SSHA}rQ9e9rdMXtYO/NP8=qMSP5dxoMDrTgU+",	/* '=' inside */
		"{SSHA}rQ9e9rdMXtYO/NP8rqMSP5dxoMDrTgU+ ",	/* trailing space */
		/* a bare SHA-1 digest: no salt */
		"{SSHA}2jmj7l5rSw0yVb/vlWAYkK/YBwk=",
	};
	char big[6 + 140 + 1];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(ids_pwhash_verify(SLAPPASSWD_PW, bad[i]),
		    IDS_EINVAL);
	/* 140 characters, 20 + 85 bytes: a salt longer than any scheme
	 * writes */
	memcpy(big, "{SSHA}", 6);
	memset(big + 6, 'A', 140);
	big[146] = '\0';
	assert_int_equal(ids_pwhash_verify(SLAPPASSWD_PW, big), IDS_EINVAL);
	assert_int_equal(ids_pwhash_verify(SLAPPASSWD_PW, NULL), IDS_EINVAL);
	assert_int_equal(ids_pwhash_verify(NULL, SLAPPASSWD_HASH), IDS_EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(known_vectors_verify),
		cmocka_unit_test(scheme_name_ignores_case),
		cmocka_unit_test(wrong_passwords_refused),
		cmocka_unit_test(one_bit_of_digest_or_salt_refused),
		cmocka_unit_test(openssl_made_value_verifies),
		cmocka_unit_test(own_hash_round_trips),
		cmocka_unit_test(malformed_values_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
