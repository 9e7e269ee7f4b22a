/* test_totp.c: TOTP codes against RFC 6238 Appendix B (SHA-1, SHA-256,
 * SHA-512, 8 digits) and the six-digit codes the apps show, the window
 * and replay rules of ids_totp_verify, code syntax, base32 (RFC 4648) and
 * the otpauth:// URI; and, when oathtool is installed, a cross-check of
 * a fresh secret against it.  Fixed instants only: nothing sleeps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "rc.h"
#include "secret.h"
#include "totp.h"

#define SEED1	"12345678901234567890"
#define SEED256	"12345678901234567890123456789012"
#define SEED512	SEED256 "34567890123456789012345678901234"
#define SEED1_B32	"GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
#define AT	1234567890		/* 2009-02-13 23:31:30 UTC */
#define AT_STEP	(AT / IDS_TOTP_STEP)	/* 41152263 */

static const unsigned char *seed1 = (const unsigned char *)SEED1;

/* RFC 6238 Appendix B, all 18 rows. */
static const struct {
	time_t			 at;
	enum ids_totp_alg	 alg;
	const char		*code;
} rfc6238_b[] = {
	{ 59, IDS_TOTP_SHA1, "94287082" },
	{ 59, IDS_TOTP_SHA256, "46119246" },
	{ 59, IDS_TOTP_SHA512, "90693936" },
	{ 1111111109, IDS_TOTP_SHA1, "07081804" },
	{ 1111111109, IDS_TOTP_SHA256, "68084774" },
	{ 1111111109, IDS_TOTP_SHA512, "25091201" },
	{ 1111111111, IDS_TOTP_SHA1, "14050471" },
	{ 1111111111, IDS_TOTP_SHA256, "67062674" },
	{ 1111111111, IDS_TOTP_SHA512, "99943326" },
	{ 1234567890, IDS_TOTP_SHA1, "89005924" },
	{ 1234567890, IDS_TOTP_SHA256, "91819424" },
	{ 1234567890, IDS_TOTP_SHA512, "93441116" },
	{ 2000000000, IDS_TOTP_SHA1, "69279037" },
	{ 2000000000, IDS_TOTP_SHA256, "90698825" },
	{ 2000000000, IDS_TOTP_SHA512, "38618901" },
	{ 20000000000, IDS_TOTP_SHA1, "65353130" },
	{ 20000000000, IDS_TOTP_SHA256, "77737706" },
	{ 20000000000, IDS_TOTP_SHA512, "47863826" },
};

/* The same instants at six digits, SHA-1: what an authenticator shows. */
static const struct {
	time_t		 at;
	const char	*code;
} rfc6238[] = {
	{ 59, "287082" }, { 1111111109, "081804" }, { 1111111111, "050471" },
	{ 1234567890, "005924" }, { 2000000000, "279037" },
	{ 20000000000, "353130" },
};

static void
test_rfc6238_appendix_b(void **state)
{
	static const char *seeds[] = {
		[IDS_TOTP_SHA1] = SEED1,
		[IDS_TOTP_SHA256] = SEED256,
		[IDS_TOTP_SHA512] = SEED512,
	};
	char out[9];
	const char *seed;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rfc6238_b) / sizeof(rfc6238_b[0]); i++) {
		seed = seeds[rfc6238_b[i].alg];
		memset(out, 'x', sizeof(out));
		assert_int_equal(ids_totp_code_ex((const unsigned char *)seed,
		    strlen(seed), (uint64_t)rfc6238_b[i].at / IDS_TOTP_STEP,
		    8, rfc6238_b[i].alg, out), IDS_OK);
		if (strcmp(out, rfc6238_b[i].code) != 0)
			fail_msg("row %zu: got %s, want %s", i, out,
			    rfc6238_b[i].code);
	}
}

static void
test_code_ex_refuses(void **state)
{
	char out[10];

	(void)state;
	assert_int_equal(ids_totp_code_ex(seed1, 20, 1, 5, IDS_TOTP_SHA1,
	    out), IDS_EINVAL);
	assert_int_equal(ids_totp_code_ex(seed1, 20, 1, 9, IDS_TOTP_SHA1,
	    out), IDS_EINVAL);
	assert_int_equal(ids_totp_code_ex(seed1, 20, 1, 6,
	    (enum ids_totp_alg)3, out), IDS_EINVAL);
	assert_int_equal(ids_totp_code_ex(seed1, 0, 1, 6, IDS_TOTP_SHA1,
	    out), IDS_EINVAL);
	/* A step whose first second does not fit a time_t. */
	assert_int_equal(ids_totp_code(seed1, 20, UINT64_MAX / 2, out),
	    IDS_EINVAL);
	/* 7 digits: the 8-digit vector without its first digit. */
	assert_int_equal(ids_totp_code_ex(seed1, 20, 59 / 30, 7,
	    IDS_TOTP_SHA1, out), IDS_OK);
	assert_string_equal(out, "4287082");
}

static void
test_six_digits(void **state)
{
	char out[IDS_TOTP_DIGITS + 1];
	uint64_t step;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rfc6238) / sizeof(rfc6238[0]); i++) {
		assert_int_equal(ids_totp_code(seed1, 20,
		    (uint64_t)rfc6238[i].at / IDS_TOTP_STEP, out), IDS_OK);
		assert_string_equal(out, rfc6238[i].code);
		step = 12345;
		assert_int_equal(ids_totp_verify(seed1, 20, rfc6238[i].code,
		    rfc6238[i].at, 0, 0, &step), IDS_OK);
		assert_int_equal(step,
		    (uint64_t)rfc6238[i].at / IDS_TOTP_STEP);
	}
	/* Step 1 is seconds 30..59: its code there, not a second outside. */
	assert_int_equal(ids_totp_verify(seed1, 20, "287082", 30, 0, 0,
	    &step), IDS_OK);
	assert_int_equal(step, 1);
	assert_int_equal(ids_totp_verify(seed1, 20, "287082", 29, 0, 0,
	    &step), IDS_EBADCRED);
	assert_int_equal(step, 0);
	assert_int_equal(ids_totp_verify(seed1, 20, "287082", 60, 0, 0,
	    &step), IDS_EBADCRED);
	assert_int_equal(step, 0);
}

/* Codes of now-window..now+window pass at the step they belong to;
 * now-(window+1) and now+(window+1) do not. */
static void
test_window_edges(void **state)
{
	char code[IDS_TOTP_DIGITS + 1];
	uint64_t step;
	int w, d;

	(void)state;
	for (w = 0; w <= 3; w++) {
		for (d = -w - 1; d <= w + 1; d++) {
			assert_int_equal(ids_totp_code(seed1, 20,
			    (uint64_t)(AT_STEP + d), code), IDS_OK);
			step = 12345;
			if (d >= -w && d <= w) {
				assert_int_equal(ids_totp_verify(seed1, 20,
				    code, AT, w, 0, &step), IDS_OK);
				assert_int_equal(step, AT_STEP + d);
			} else {
				assert_int_equal(ids_totp_verify(seed1, 20,
				    code, AT, w, 0, &step), IDS_EBADCRED);
				assert_int_equal(step, 0);
			}
		}
	}
	/* Near the epoch the window does not wrap below step 0. */
	assert_int_equal(ids_totp_verify(seed1, 20, "287082", 59, 5, 0,
	    &step), IDS_OK);
	assert_int_equal(step, 1);
}

static void
test_window_refused(void **state)
{
	uint64_t step = 12345;

	(void)state;
	assert_int_equal(ids_totp_verify(seed1, 20, "005924", AT, -1, 0,
	    &step), IDS_EINVAL);
	assert_int_equal(step, 0);
	assert_int_equal(ids_totp_verify(seed1, 20, "005924", AT,
	    IDS_TOTP_MAX_WINDOW + 1, 0, &step), IDS_EINVAL);
	assert_int_equal(ids_totp_verify(seed1, 20, "005924", AT,
	    IDS_TOTP_MAX_WINDOW, 0, &step), IDS_OK);
	assert_int_equal(ids_totp_verify(seed1, 20, "005924", -1, 1, 0,
	    &step), IDS_EINVAL);
	assert_int_equal(ids_totp_verify(seed1, 0, "005924", AT, 1, 0,
	    &step), IDS_EINVAL);
}

static void
test_replay(void **state)
{
	char next[IDS_TOTP_DIGITS + 1];
	uint64_t step = 12345;

	(void)state;
	/* The step once accepted, or any before it, never again. */
	assert_int_equal(ids_totp_verify(seed1, 20, "005924", AT, 1, AT_STEP,
	    &step), IDS_EBADCRED);
	assert_int_equal(step, 0);
	assert_int_equal(ids_totp_verify(seed1, 20, "005924", AT, 1,
	    AT_STEP + 1, &step), IDS_EBADCRED);
	assert_int_equal(ids_totp_verify(seed1, 20, "005924", AT, 1,
	    AT_STEP - 1, &step), IDS_OK);
	assert_int_equal(step, AT_STEP);
	/* After the next step's code went through, this step's is spent
	 * although it is still inside the window. */
	assert_int_equal(ids_totp_code(seed1, 20, AT_STEP + 1, next), IDS_OK);
	assert_int_equal(ids_totp_verify(seed1, 20, next, AT, 1, AT_STEP,
	    &step), IDS_OK);
	assert_int_equal(step, AT_STEP + 1);
	assert_int_equal(ids_totp_verify(seed1, 20, "005924", AT, 1, step,
	    &step), IDS_EBADCRED);
}

/* This seed (found by search) gives 663698 at AT_STEP and AT_STEP + 1:
 * the later step is taken, so the same digits cannot pass twice. */
static void
test_same_digits_two_steps(void **state)
{
	const unsigned char *seed =
	    (const unsigned char *)"collide-000001915252";
	char a[IDS_TOTP_DIGITS + 1], b[IDS_TOTP_DIGITS + 1];
	uint64_t step;

	(void)state;
	assert_int_equal(ids_totp_code(seed, 20, AT_STEP, a), IDS_OK);
	assert_int_equal(ids_totp_code(seed, 20, AT_STEP + 1, b), IDS_OK);
	assert_string_equal(a, "663698");
	assert_string_equal(b, "663698");
	assert_int_equal(ids_totp_verify(seed, 20, a, AT, 1, 0, &step),
	    IDS_OK);
	assert_int_equal(step, AT_STEP + 1);
	assert_int_equal(ids_totp_verify(seed, 20, a, AT, 1, step, &step),
	    IDS_EBADCRED);
}

static void
test_code_syntax(void **state)
{
	static const char *bad[] = {
		"", "5", "00592", "0059245", "00592a", "a05924", "00 592",
		" 005924", "005924 ", "005924\n", "+05924", "-05924",
		"\xef\xbc\x90\xef\xbc\x90\xef\xbc\x95\xef\xbc\x99\xef\xbc\x92"
		    "\xef\xbc\x94",	/* full-width 005924 */
		"0x5924",
		/* Arabic-Indic 005924 */
		"\xd9\xa0\xd9\xa0\xd9\xa5\xd9\xa9\xd9\xa2\xd9\xa4",
	};
	uint64_t step;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		step = 12345;
		if (ids_totp_verify(seed1, 20, bad[i], AT, 1, 0, &step) !=
		    IDS_EINVAL)
			fail_msg("row %zu not refused as EINVAL", i);
		assert_int_equal(step, 0);
	}
	assert_int_equal(ids_totp_verify(seed1, 20, NULL, AT, 1, 0, &step),
	    IDS_EINVAL);
	/* Well-formed but wrong is a bad credential, not bad input. */
	assert_int_equal(ids_totp_verify(seed1, 20, "005925", AT, 1, 0,
	    &step), IDS_EBADCRED);
}

static void
test_new_secret(void **state)
{
	unsigned char a[IDS_TOTP_SECRET_LEN], b[IDS_TOTP_SECRET_LEN];
	unsigned char zero[IDS_TOTP_SECRET_LEN] = { 0 };

	(void)state;
	assert_int_equal(ids_totp_new_secret(a), IDS_OK);
	assert_int_equal(ids_totp_new_secret(b), IDS_OK);
	assert_memory_not_equal(a, b, sizeof(a));
	assert_memory_not_equal(a, zero, sizeof(a));
}

static void
test_base32(void **state)
{
	/* RFC 4648 section 10, without the padding. */
	static const struct {
		const char	*in;
		const char	*want;
	} rows[] = {
		{ "f", "MY" }, { "fo", "MZXQ" }, { "foo", "MZXW6" },
		{ "foob", "MZXW6YQ" }, { "fooba", "MZXW6YTB" },
		{ "foobar", "MZXW6YTBOI" }, { SEED1, SEED1_B32 },
	};
	char *out;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		out = NULL;
		assert_int_equal(ids_totp_base32(
		    (const unsigned char *)rows[i].in, strlen(rows[i].in),
		    &out), IDS_OK);
		assert_string_equal(out, rows[i].want);
		ids_free_secret(out);
	}
	out = (char *)rows;
	assert_int_equal(ids_totp_base32(seed1, 0, &out), IDS_EINVAL);
	assert_null(out);
}

static void
test_uri(void **state)
{
	static const struct {
		const char	*issuer;
		const char	*id;
		const char	*want;
	} rows[] = {
		{ NULL, "alice01", "otpauth://totp/idportal:alice01?secret="
		    SEED1_B32 "&issuer=idportal&algorithm=SHA1&digits=6"
		    "&period=30" },
		{ "ACME Co: R&D", "a b:c&d?e=f/g%h",
		    "otpauth://totp/ACME%20Co%3A%20R%26D:"
		    "a%20b%3Ac%26d%3Fe%3Df%2Fg%25h?secret=" SEED1_B32
		    "&issuer=ACME%20Co%3A%20R%26D&algorithm=SHA1&digits=6"
		    "&period=30" },
		{ "\xe5\xa4\xa7\xe5\xad\xa6", "Bob.x-y_z~",
		    "otpauth://totp/%E5%A4%A7%E5%AD%A6:Bob.x-y_z~?secret="
		    SEED1_B32 "&issuer=%E5%A4%A7%E5%AD%A6&algorithm=SHA1"
		    "&digits=6&period=30" },
	};
	char *out;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		out = NULL;
		assert_int_equal(ids_totp_uri(seed1, 20, rows[i].issuer,
		    rows[i].id, &out), IDS_OK);
		assert_string_equal(out, rows[i].want);
		ids_free_secret(out);
	}
	out = (char *)rows;
	assert_int_equal(ids_totp_uri(seed1, 20, NULL, "", &out),
	    IDS_EINVAL);
	assert_null(out);
	assert_int_equal(ids_totp_uri(seed1, 20, NULL, NULL, &out),
	    IDS_EINVAL);
	assert_int_equal(ids_totp_uri(seed1, 20, "", "alice01", &out),
	    IDS_EINVAL);
	assert_int_equal(ids_totp_uri(seed1, 0, NULL, "alice01", &out),
	    IDS_EINVAL);
	assert_null(out);
}

/* A fresh secret, through its base32 form, gives oathtool's codes. */
static void
test_oathtool(void **state)
{
	static const time_t at[] = { 59, AT, 1700000000, 4102444800 };
	unsigned char secret[IDS_TOTP_SECRET_LEN];
	char *b32 = NULL, cmd[256], line[32], mine[IDS_TOTP_DIGITS + 1];
	FILE *fp;
	size_t i;

	(void)state;
	if (access("/usr/bin/oathtool", X_OK) != 0)
		skip();
	assert_int_equal(ids_totp_new_secret(secret), IDS_OK);
	assert_int_equal(ids_totp_base32(secret, sizeof(secret), &b32),
	    IDS_OK);
	for (i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		/* A throwaway test secret: fine on a command line. */
		snprintf(cmd, sizeof(cmd), "/usr/bin/oathtool --totp -b %s "
		    "--now @%lld", b32, (long long)at[i]);
		assert_non_null(fp = popen(cmd, "r"));
		assert_non_null(fgets(line, sizeof(line), fp));
		assert_int_equal(pclose(fp), 0);
		line[strcspn(line, "\n")] = '\0';
		assert_int_equal(ids_totp_code(secret, sizeof(secret),
		    (uint64_t)at[i] / IDS_TOTP_STEP, mine), IDS_OK);
		assert_string_equal(mine, line);
	}
	ids_free_secret(b32);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc6238_appendix_b),
		cmocka_unit_test(test_code_ex_refuses),
		cmocka_unit_test(test_six_digits),
		cmocka_unit_test(test_window_edges),
		cmocka_unit_test(test_window_refused),
		cmocka_unit_test(test_replay),
		cmocka_unit_test(test_same_digits_two_steps),
		cmocka_unit_test(test_code_syntax),
		cmocka_unit_test(test_new_secret),
		cmocka_unit_test(test_base32),
		cmocka_unit_test(test_uri),
		cmocka_unit_test(test_oathtool),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
