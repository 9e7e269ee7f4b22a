/* test_idrules.c: ids_id_check() against SPEC §3: 6-20 ASCII letters and
 * digits; anything else is refused with a message that names the
 * character, its position and why. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "idrules.h"
#include "rc.h"

/* An ID, the answer, and up to three strings the message must contain. */
static const struct {
	const char	*id;
	int		 rc;
	const char	*says[3];
} ids[] = {
	{ "alice0", IDS_OK, { NULL } },				/* 6 */
	{ "abcdefghij0123456789", IDS_OK, { NULL } },		/* 20 */
	{ "Alice01", IDS_OK, { NULL } },
	{ "ALICE01", IDS_OK, { NULL } },
	{ "aB3dE5fG7h", IDS_OK, { NULL } },
	{ "123456", IDS_OK, { NULL } },
	{ "zZ09zZ", IDS_OK, { NULL } },
	{ "alice", IDS_EINVAL, { "5 characters", "6 to 20" } },
	{ "a", IDS_EINVAL, { "1 characters", "6 to 20" } },
	{ "abcdefghij01234567890", IDS_EINVAL, { "21 characters" } },
	{ "", IDS_EINVAL, { "empty" } },
	{ "alice 01", IDS_EINVAL, { "U+0020", "position 6" } },
	{ " alice01", IDS_EINVAL, { "U+0020", "position 1" } },
	{ "alice01 ", IDS_EINVAL, { "U+0020", "position 8" } },
	{ "alice-01", IDS_EINVAL, { "'-'", "U+002D", "position 6" } },
	{ "alice_01", IDS_EINVAL, { "'_'", "U+005F", "position 6" } },
	{ "alice.01", IDS_EINVAL, { "'.'", "U+002E", "position 6" } },
	{ "alice@example.org", IDS_EINVAL, { "'@'", "U+0040",
	    "position 6" } },
	/* Ａｌｉｃｅ01: full-width letters, as an IME types them. */
	{ "\xef\xbc\xa1\xef\xbd\x8c\xef\xbd\x89\xef\xbd\x83\xef\xbd\x85" "01",
	    IDS_EINVAL, { "full-width", "U+FF21", "position 1" } },
	/* alice０1: a full-width digit zero. */
	{ "alice\xef\xbc\x90" "1", IDS_EINVAL, { "full-width", "U+FF10",
	    "position 6" } },
	/* ユーザー01 */
	{ "\xe3\x83\xa6\xe3\x83\xbc\xe3\x82\xb6\xe3\x83\xbc" "01",
	    IDS_EINVAL, { "U+30E6", "position 1" } },
	/* alicé01 */
	{ "alic\xc3\xa9" "01", IDS_EINVAL, { "U+00E9", "position 5" } },
	/* alice😀01 */
	{ "alice\xf0\x9f\x98\x80" "01", IDS_EINVAL, { "U+1F600",
	    "position 6" } },
	{ "alice\x01" "01", IDS_EINVAL, { "control", "U+0001",
	    "position 6" } },
	{ "alice\t01", IDS_EINVAL, { "control", "U+0009", "position 6" } },
	{ "alice\x7f" "01", IDS_EINVAL, { "control", "U+007F",
	    "position 6" } },
	{ "alice\xff" "01", IDS_EINVAL, { "0xff", "not valid UTF-8",
	    "position 6" } },
	{ "\x80" "alice01", IDS_EINVAL, { "0x80", "not valid UTF-8",
	    "position 1" } },
	/* A sequence cut short at the end of the string. */
	{ "alice0\xe3\x83", IDS_EINVAL, { "0xe3", "not valid UTF-8",
	    "position 7" } },
	/* Bad character in an ID that is also too long: the character. */
	{ "abcdefghij0123456789-", IDS_EINVAL, { "U+002D",
	    "position 21" } },
};

static void
test_id_table(void **state)
{
	char why[256];
	size_t i, j, failed = 0;
	int rc;

	(void)state;
	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		memset(why, 'X', sizeof(why));
		why[sizeof(why) - 1] = '\0';
		rc = ids_id_check(ids[i].id, why, sizeof(why));
		if (rc != ids[i].rc) {
			print_error("row %zu: got %s, want %s (%s)\n", i,
			    ids_rcname(rc), ids_rcname(ids[i].rc), why);
			failed++;
			continue;
		}
		for (j = 0; j < 3 && ids[i].says[j] != NULL; j++)
			if (strstr(why, ids[i].says[j]) == NULL) {
				print_error("row %zu: \"%s\" lacks \"%s\"\n", i,
				    why, ids[i].says[j]);
				failed++;
			}
	}
	assert_int_equal(failed, 0);
}

/* The message for Ａｌｉｃｅ01, as an admin would read it. */
static void
test_full_width_message(void **state)
{
	char why[256];

	(void)state;
	assert_int_equal(ids_id_check("\xef\xbc\xa1\xef\xbd\x8c\xef\xbd\x89"
	    "\xef\xbd\x83\xef\xbd\x85" "01", why, sizeof(why)), IDS_EINVAL);
	assert_string_equal(why, "full-width character '\xef\xbc\xa1' "
	    "(U+FF21) at position 1: use ASCII letters and digits only "
	    "(type 'A' instead)");
}

/* Strict UTF-8 (no overlong forms, surrogates or values past U+10FFFF),
 * and no C0 or C1 control characters: safe for a terminal and syslog. */
static int
printable_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned long cp;
	size_t n, i;

	while (*p != '\0') {
		if (*p < 0x80) {
			if (*p < 0x20 || *p == 0x7f)
				return 0;
			p++;
			continue;
		}
		if (*p >= 0xc2 && *p <= 0xdf) {
			n = 2;
			cp = *p & 0x1f;
		} else if (*p >= 0xe0 && *p <= 0xef) {
			n = 3;
			cp = *p & 0x0f;
		} else if (*p >= 0xf0 && *p <= 0xf4) {
			n = 4;
			cp = *p & 0x07;
		} else
			return 0;
		for (i = 1; i < n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (p[i] & 0x3f);
		}
		if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff ||
		    (cp >= 0x80 && cp <= 0x9f))
			return 0;
		p += n;
	}
	return 1;
}

/* Invalid or overlong UTF-8 is "not valid UTF-8", never a decoded
 * character: "\xc0\xaf" is not '/'. */
static void
test_overlong_utf8(void **state)
{
	static const char *const bad[] = {
		"alice\xc0\xaf" "01",		/* '/' in two bytes */
		"alice\xc1\x81" "01",		/* 'A' in two bytes */
		"alice\xe0\x80\xaf" "01",	/* '/' in three bytes */
		"alice\xed\xa0\x80" "01",	/* surrogate U+D800 */
		"alice\xf4\x90\x80\x80" "01",	/* past U+10FFFF */
	};
	char why[256];
	size_t i, failed = 0;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(ids_id_check(bad[i], why, sizeof(why)),
		    IDS_EINVAL);
		if (strstr(why, "not valid UTF-8") == NULL ||
		    strstr(why, "position 6") == NULL) {
			print_error("row %zu: %s\n", i, why);
			failed++;
		}
	}
	assert_int_equal(failed, 0);
}

/* Every message is printable UTF-8, whatever bytes the ID held: it goes
 * to a terminal and to syslog.  U+0085 and U+009B (CSI) are C1 controls. */
static void
test_messages_printable(void **state)
{
	static const char *const extra[] = {
		"alice\xc2\x85" "01",	/* U+0085 NEXT LINE */
		"alice\xc2\x9b" "01",	/* U+009B CONTROL SEQUENCE INTRODUCER */
		"alice\xc0\xaf" "01",	/* overlong */
	};
	char why[256];
	size_t i, failed = 0;

	(void)state;
	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		if (ids[i].rc == IDS_OK)
			continue;
		assert_int_equal(ids_id_check(ids[i].id, why, sizeof(why)),
		    IDS_EINVAL);
		assert_true(printable_utf8(why));
	}
	for (i = 0; i < sizeof(extra) / sizeof(extra[0]); i++) {
		assert_int_equal(ids_id_check(extra[i], why, sizeof(why)),
		    IDS_EINVAL);
		if (!printable_utf8(why)) {
			print_error("extra row %zu: message holds raw "
			    "control or invalid bytes\n", i);
			failed++;
		}
	}
	assert_int_equal(failed, 0);
}

static void
test_null_and_short_buffer(void **state)
{
	char why[16];

	(void)state;
	assert_int_equal(ids_id_check(NULL, why, sizeof(why)), IDS_EINVAL);
	assert_non_null(strstr(why, "empty"));
	/* A short buffer truncates; nothing is written past it. */
	memset(why, 'X', sizeof(why));
	assert_int_equal(ids_id_check("alice-01", why, 8), IDS_EINVAL);
	assert_int_equal(strlen(why), 7);
	assert_int_equal(why[8], 'X');
	assert_int_equal(ids_id_check("alice01", why, 0), IDS_OK);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_id_table),
		cmocka_unit_test(test_full_width_message),
		cmocka_unit_test(test_overlong_utf8),
		cmocka_unit_test(test_messages_printable),
		cmocka_unit_test(test_null_and_short_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
