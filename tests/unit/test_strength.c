/* test_strength.c: ids_strength_score() and ids_strength_check() against
 * SPEC §3: a new password must score at least 3 of 4, zxcvbn-style, and a
 * refused one gets a sentence saying why, which never quotes it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "rc.h"
#include "strength.h"

/* alice01, display name Alice Smith, mail alice.smith@example.org */
static const char *const alice[] = {
	"alice01", "Alice Smith", "alice.smith", NULL,
};
static const char *const jose[] = { "jgarcia", "Jos\xc3\xa9 Garc\xc3\xad" "a",
	NULL };

/* A password, the user's words, the scores allowed, and for a refused one
 * what the message must say. */
static const struct {
	const char		*pw;
	const char *const	*user;
	int			 min, max;
	const char		*says;
} pws[] = {
	/* refused */
	{ "", NULL, 0, 0, "empty" },
	{ "password", NULL, 0, 0, "common password" },
	{ "Password1", NULL, 1, 1, "common password" },
	{ "P@ssw0rd", NULL, 0, 0, "look-alikes" },
	{ "iloveyou", NULL, 0, 0, "common password" },
	{ "trustno1", NULL, 0, 0, "common password" },
	{ "mUsTaNg", NULL, 1, 1, "common password" },
	{ "drowssap", NULL, 0, 0, "backwards" },
	{ "p\xc3\xa4sSw\xc3\xb6rd", NULL, 0, 0, "common password" },
	{ "passwordpassword", NULL, 0, 0, "common password" },
	{ "Welcome1!", NULL, 1, 1, "common password" },
	{ "jennifer1987", NULL, 1, 1, "common password" },
	/* 3 by the guesses, refused as mostly a common password */
	{ "Password2026!", NULL, 2, 2, "common password" },
	{ "Password123!", NULL, 2, 2, "common password" },
	{ "monkey dragon sunshine", NULL, 2, 2, "common password" },
	{ "happytiger", NULL, 1, 1, "common words" },
	{ "qwerty123", NULL, 1, 1, "keyboard pattern" },
	{ "zaq12wsx", NULL, 1, 1, "keyboard pattern" },
	{ "1qaz2wsx", NULL, 2, 2, "keyboard pattern" },
	{ "qazwsx", NULL, 2, 2, "keyboard pattern" },
	{ "asdfghjkl", NULL, 1, 1, "keyboard pattern" },
	{ "1q2w3e4r", NULL, 2, 2, "keyboard pattern" },
	{ "qwER43@!", NULL, 2, 2, "keyboard pattern" },
	{ "!@#$%^&*", NULL, 1, 1, "keyboard pattern" },
	{ "7895123", NULL, 1, 1, "keyboard pattern" },
	{ "abcdefgh", NULL, 0, 0, "sequences" },
	{ "12345678", NULL, 0, 0, "sequences" },
	{ "9876543210", NULL, 0, 0, "sequences" },
	{ "zyxwvu", NULL, 0, 0, "sequences" },
	{ "abc123", NULL, 1, 1, "sequences" },
	{ "aaaaaaaaaaaa", NULL, 0, 0, "repeated characters" },
	{ "abcabcabcabc", NULL, 0, 0, "repeated patterns" },
	{ "19870312", NULL, 1, 1, "dates" },
	{ "12/03/1987", NULL, 1, 1, "dates" },
	{ "2026", NULL, 0, 0, "dates" },
	{ "alice01", alice, 0, 0, "user ID" },
	{ "Alice01Alice01", alice, 0, 0, "user ID" },
	{ "ALICE01", alice, 0, 0, "user ID" },
	{ "10ecila", alice, 0, 0, "user ID" },
	{ "al1ce01xyz", alice, 1, 1, "user ID" },
	/* 3 by the guesses, refused as half about the user */
	{ "Alice2026!", alice, 2, 2, "user ID" },
	{ "alicesmith1", alice, 2, 2, "user ID" },
	{ "Sm1th.2026", alice, 2, 2, "user ID" },
	{ "jos\xc3\xa9" "1987", jose, 1, 1, "user ID" },
	/* strong by the guesses, refused as short */
	{ "x", NULL, 0, 0, "too short" },
	{ "xK9#", NULL, 2, 2, "too short" },
	{ "k7Qm2x", NULL, 2, 2, "too short" },
	{ "kxqmzt", NULL, 2, 2, "too short" },
	/* accepted */
	{ "k7Qm2xVp9L", NULL, 4, 4, NULL },	/* a temporary password */
	{ "k7Qm2xVp", NULL, 4, 4, NULL },
	{ "correct horse battery staple", NULL, 4, 4, NULL },
	{ "correcthorsebatterystaple", NULL, 4, 4, NULL },
	/* xkcd's 28 bits would be 3; its base word (troubador) is not in
	 * the few hundred the library knows, so all 11 characters count as
	 * brute force over 95 (5.7e21 guesses). */
	{ "Tr0ub4dor&3", NULL, 4, 4, NULL },
	{ "happytigergarden", NULL, 3, 3, NULL },
	{ "purple-walrus-umbrella-47", NULL, 4, 4, NULL },
	{ "My dog ate 3 tulips!", NULL, 4, 4, NULL },
	{ "gR8-v1ew_Kettle", NULL, 4, 4, NULL },
	/* the user's words inside, but less than half of it */
	{ "horse alice battery tulip", alice, 4, 4, NULL },
	{ "Gr\xc3\xbc\xc3\x9f" "e aus K\xc3\xb6ln 1987", NULL, 4, 4, NULL },
	/* 日本語のパスワード: 9 characters of a large class */
	{ "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe3\x81\xae\xe3\x83\x91"
	    "\xe3\x82\xb9\xe3\x83\xaf\xe3\x83\xbc\xe3\x83\x89", NULL, 4, 4,
	    NULL },
};

static void
test_table(void **state)
{
	char why[256];
	size_t i, failed = 0;
	int score;

	(void)state;
	for (i = 0; i < sizeof(pws) / sizeof(pws[0]); i++) {
		memset(why, 'X', sizeof(why));
		score = ids_strength_score(pws[i].pw, pws[i].user, why,
		    sizeof(why));
		if (score < pws[i].min || score > pws[i].max) {
			print_error("row %zu: score %d, want %d-%d (%s)\n", i,
			    score, pws[i].min, pws[i].max, why);
			failed++;
		}
		if (pws[i].says == NULL ? why[0] != '\0' :
		    strstr(why, pws[i].says) == NULL) {
			print_error("row %zu: \"%s\" lacks \"%s\"\n", i, why,
			    pws[i].says == NULL ? "" : pws[i].says);
			failed++;
		}
		if (ids_strength_check(pws[i].pw, pws[i].user, why,
		    sizeof(why)) != (score >= IDS_STRENGTH_MIN ? IDS_OK :
		    IDS_EINVAL)) {
			print_error("row %zu: check disagrees with score\n", i);
			failed++;
		}
	}
	assert_int_equal(failed, 0);
}

/* The message is made of fixed sentences: it never holds the password,
 * nor the user's words.  ("password" itself is part of "it is a common
 * password", which is no leak: its row is checked for the other words.) */
static void
test_why_never_quotes(void **state)
{
	char why[256];
	size_t i, j, failed = 0;

	(void)state;
	for (i = 0; i < sizeof(pws) / sizeof(pws[0]); i++) {
		if (ids_strength_check(pws[i].pw, pws[i].user, why,
		    sizeof(why)) == IDS_OK || pws[i].pw[0] == '\0')
			continue;
		if (strcmp(pws[i].pw, "password") != 0 &&
		    strstr(why, pws[i].pw) != NULL) {
			print_error("row %zu quotes the password\n", i);
			failed++;
		}
		for (j = 0; pws[i].user != NULL && pws[i].user[j] != NULL; j++)
			if (strstr(why, pws[i].user[j]) != NULL) {
				print_error("row %zu quotes user word %zu\n", i,
				    j);
				failed++;
			}
		for (j = 0; why[j] != '\0'; j++)
			if (why[j] < 0x20 || why[j] > 0x7e) {
				print_error("row %zu: byte 0x%02x in why\n", i,
				    (unsigned char)why[j]);
				failed++;
				break;
			}
	}
	assert_int_equal(failed, 0);
}

/* Temporary passwords (SPEC §3) are 10 random letters and digits and must
 * pass: a fixed-seed generator stands in for the CSPRNG. */
static void
test_random_temporary(void **state)
{
	static const char alphabet[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	char pw[11], why[256];
	size_t i, k, failed = 0;

	(void)state;
	for (i = 0; i < 2000; i++) {
		for (k = 0; k < 10; k++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			pw[k] = alphabet[x % 62];
		}
		pw[10] = '\0';
		if (ids_strength_check(pw, NULL, why, sizeof(why)) != IDS_OK) {
			/* the test's own generator: fine to print */
			print_error("%s refused: %s\n", pw, why);
			failed++;
		}
	}
	assert_int_equal(failed, 0);
}

/* Only the first 256 bytes count; longer input, a UTF-8 sequence cut at
 * byte 256, and the worst inputs for the matchers all come back. */
static void
test_long_input(void **state)
{
	static const char *const units[] = {
		"a", "as", "qwertyuiop", "abc", "1987", "password", "\xc3\xa4",
		"asdfghjkl;lkjhgfds", "Aa1!",
	};
	char pw[600], head[257];
	size_t i, n, len;
	int score;

	(void)state;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		len = strlen(units[i]);
		for (n = 0; n + len < sizeof(pw); n += len)
			memcpy(pw + n, units[i], len);
		pw[n] = '\0';
		memcpy(head, pw, 256);
		head[256] = '\0';
		score = ids_strength_score(pw, alice, NULL, 0);
		assert_int_equal(score, ids_strength_score(head, alice, NULL,
		    0));
		assert_in_range(score, 0, 4);
	}
	/* weak first 256 bytes, strong tail: still weak */
	memset(pw, 'a', 256);
	memcpy(pw + 256, "k7Qm2xVp9L-Tr0ub4dor&3", 23);
	assert_int_equal(ids_strength_score(pw, NULL, NULL, 0), 1);
	/* 255 ASCII bytes and the first byte of a 2-byte sequence */
	memset(pw, 'x', 255);
	memcpy(pw + 255, "\xc3\xa4", 3);
	assert_in_range(ids_strength_score(pw, NULL, NULL, 0), 0, 4);
}

/* Odd user words: NULL list, empty, longer than a token, invalid UTF-8,
 * more words than are kept. */
static void
test_user_words(void **state)
{
	static const char *const odd[] = {
		"", "a", "xy", "\xff\xfe", "aVeryLongDisplayNameThatGoesOnAndOn"
		"AndOnForMoreThanFortyEightCharactersInAllAndMore",
		"w01", "w02", "w03", "w04", "w05", "w06", "w07", "w08", "w09",
		"w10", "w11", "w12", "w13", "w14", "w15", "w16", "w17", "alice01",
		NULL,
	};
	static const char *const email[] = { "bob.builder", NULL };
	char why[256];

	(void)state;
	assert_int_equal(ids_strength_score("k7Qm2xVp9L", odd, why,
	    sizeof(why)), 4);
	assert_int_equal(ids_strength_score("k7Qm2xVp9L", NULL, why,
	    sizeof(why)), 4);
	/* a part of the mail address ("builder") is the user's too */
	assert_int_equal(ids_strength_check("Builder2026!", email, why,
	    sizeof(why)), IDS_EINVAL);
	assert_non_null(strstr(why, "user ID"));
	/* without the user's words it would pass */
	assert_int_equal(ids_strength_check("Builder2026!", NULL, why,
	    sizeof(why)), IDS_OK);
	assert_string_equal(why, "");
}

static void
test_null_and_short_buffer(void **state)
{
	char why[16];

	(void)state;
	assert_int_equal(ids_strength_score(NULL, NULL, why, sizeof(why)), 0);
	assert_non_null(strstr(why, "empty"));
	assert_int_equal(ids_strength_check(NULL, alice, NULL, 0), IDS_EINVAL);
	assert_int_equal(ids_strength_check("password", NULL, NULL, 0),
	    IDS_EINVAL);
	/* a short buffer truncates; nothing is written past it */
	memset(why, 'X', sizeof(why));
	assert_int_equal(ids_strength_check("password", NULL, why, 8),
	    IDS_EINVAL);
	assert_int_equal(strlen(why), 7);
	assert_int_equal(why[8], 'X');
	assert_int_equal(ids_strength_check("k7Qm2xVp9L", NULL, why, 1),
	    IDS_OK);
	assert_int_equal(why[0], '\0');
}

/* The whole sentence, as a user sees it. */
static void
test_message(void **state)
{
	char why[256];

	(void)state;
	assert_int_equal(ids_strength_check("qwerty", NULL, why, sizeof(why)),
	    IDS_EINVAL);
	assert_string_equal(why, "it is a keyboard pattern (qwerty): use at "
	    "least 12 characters, or several unrelated words");
	assert_int_equal(ids_strength_check("Alice2026!", alice, why,
	    sizeof(why)), IDS_EINVAL);
	assert_string_equal(why, "it contains your user ID or name: use at "
	    "least 12 characters, or several unrelated words");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_why_never_quotes),
		cmocka_unit_test(test_random_temporary),
		cmocka_unit_test(test_long_input),
		cmocka_unit_test(test_user_words),
		cmocka_unit_test(test_null_and_short_buffer),
		cmocka_unit_test(test_message),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
