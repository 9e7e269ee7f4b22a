/* strength.c: password strength by zxcvbn-c (Debian's libzxcvbn, SPEC §3).
 *
 * zxcvbn-c splits the password into the patterns that are cheapest to
 * guess (its common passwords, English words, names and surnames, plain,
 * l33t or reversed; the user's words; sequences; repeats; keyboard runs;
 * dates and years; brute force for the rest) and returns log2 of the
 * guesses.  This file prepares what it reads, turns the bits into zxcvbn's
 * 0-4 score and says why in a sentence.
 *
 * zxcvbn-c reads bytes: Latin-1 letters in UTF-8 (ä, ß) are first folded to
 * ASCII (a, s), or "päsSwörd" would be 8 bytes of brute force.
 *
 * Two rules cap the score at 2 whatever the guesses: fewer than 8
 * characters (62^6 is past 1e10, yet six characters fall to any offline
 * attack), and half the password or more spelled by the user's own words
 * (their ID or name gives an attacker who targets them half of it for
 * free).  The old third rule, half spelled by common passwords, is gone:
 * zxcvbn-c does not tell its common passwords from its English words, and
 * half spelled by words refuses "correct horse battery staple"; even one
 * word as long as half the password turns up in 2% of random 10-character
 * temporary passwords (l33t and mixed case make "S9cBeO54KO" spell one).
 */
#include "strength.h"
#include "rc.h"
#include "secret.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <zxcvbn.h>

/* Bytes of the password looked at.  zxcvbn-c looks closely at the first
 * 100 and its time stops growing there; this bounds its memory. */
#define PW_MAX		256
#define TOK_MAX		16	/* tokens taken from the user's words */
#define TOK_LEN		48	/* longest token, bytes */
#define TOK_MIN		3	/* shortest token */
#define SHORT_LEN	8	/* fewer characters score at most 2 */
/* zxcvbn's thresholds, 1e3 1e6 1e8 1e10 guesses, in bits (no libm) */
#define LOG2_10		3.32192809488736234787
#define ADVICE		"use at least 12 characters, or several unrelated words"
#define LEET		" (look-alikes such as @ for a do not help)"

struct scan {
	char		 pw[PW_MAX + 1];	/* the password, folded */
	char		 tok[TOK_MAX][TOK_LEN + 1];
	const char	*dict[TOK_MAX + 1];	/* zxcvbn-c's UserDict */
	size_t		 ntok;
};

/* Copy len bytes of src to dst (room for len + 1), Latin-1 letters in
 * UTF-8 as plain ASCII, case kept: Ä is A, ß is s.  Returns the length. */
static size_t
fold(const char *src, size_t len, char *dst)
{
	static const char latin1[] =
	    "aaaaaa-ceeeeiiiidnooooo-ouuuuy-saaaaaa-ceeeeiiiidnooooo-ouuuuy-y";
	const unsigned char *s = (const unsigned char *)src;
	size_t i, n = 0;
	char c;

	for (i = 0; i < len; i++) {
		c = i + 1 < len && s[i] == 0xc3 && (s[i + 1] & 0xc0) == 0x80 ?
		    latin1[s[i + 1] & 0x3f] : '-';
		if (c == '-') {
			dst[n++] = (char)s[i];
			continue;
		}
		/* U+00C0 to U+00DE are capitals */
		dst[n++] = (s[i + 1] & 0x3f) < 0x1f ? (char)(c - 'a' + 'A') : c;
		i++;
	}
	dst[n] = '\0';
	return n;
}

static void
add_token(struct scan *s, const char *p, size_t len)
{
	size_t t;

	if (len < TOK_MIN || len > TOK_LEN || s->ntok == TOK_MAX)
		return;
	for (t = 0; t < s->ntok; t++)
		if (strlen(s->tok[t]) == len &&
		    strncasecmp(s->tok[t], p, len) == 0)
			return;
	memcpy(s->tok[s->ntok], p, len);
	s->tok[s->ntok][len] = '\0';
	s->dict[s->ntok] = s->tok[s->ntok];
	s->ntok++;
}

/* 0: separator, 1: letter (any non-ASCII byte too), 2: digit. */
static int
token_class(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return 2;
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

/* "Alice Smith" gives alice smith, alice and smith; "alice.smith01"
 * also smith01 and 01 (too short): the whole, runs of letters and digits,
 * and runs of letters alone or digits alone within them. */
static void
user_tokens(struct scan *s, const char *word)
{
	char w[2 * TOK_LEN + 1];
	size_t n, i, j, k, run;

	n = fold(word, strnlen(word, sizeof(w) - 1), w);
	add_token(s, w, n);
	for (i = 0; i < n; i = j + 1) {
		for (j = i; j < n && token_class(w[j]) != 0; j++)
			;
		if (j - i != n)
			add_token(s, w + i, j - i);
		for (k = i; k < j; k += run) {
			for (run = 1; k + run < j && token_class(w[k + run]) ==
			    token_class(w[k]); run++)
				;
			if (run != j - i)
				add_token(s, w + k, run);
		}
	}
}

/* Is p[0..len) one character over and over (aaaa)? */
static int
one_char(const char *p, size_t len)
{
	size_t k;

	for (k = 1; k < len && p[k] == p[0]; k++)
		;
	return len > 1 && k == len;
}

/* The type of m without MULTIPLE_MATCH (repeated). */
static int
base(const ZxcMatch_t *m)
{
	return (int)(m->Type & ~MULTIPLE_MATCH);
}

/* Is m one of the user's words?  zxcvbn-c may have read it as the same
 * word from its own lists ("smith" is its most common surname). */
static int
mine(const struct scan *s, const ZxcMatch_t *m)
{
	size_t t;

	if (base(m) == USER_MATCH || base(m) == USER_LEET_MATCH)
		return 1;
	for (t = 0; m->Type == DICTIONARY_MATCH && t < s->ntok; t++)
		if (strlen(s->tok[t]) == (size_t)m->Length &&
		    strncasecmp(s->tok[t], s->pw + m->Begin,
		    (size_t)m->Length) == 0)
			return 1;
	return 0;
}

/* Does m say more than w about why the password is weak?  The longer
 * pattern spares an attacker more guessing; among equals, the user's own
 * words, then the cheaper one. */
static int
worse(const struct scan *s, const ZxcMatch_t *m, const ZxcMatch_t *w)
{
	if (m->Type == BRUTE_MATCH || m->Type == LONG_PWD_MATCH)
		return 0;
	if (w == NULL || m->Length != w->Length)
		return w == NULL || m->Length > w->Length;
	if (mine(s, m) != mine(s, w))
		return mine(s, m);
	return m->Entrpy < w->Entrpy;
}

/* The weakness to tell people about: the worst pattern in zxcvbn-c's
 * split; "it is too short" when all of it is brute force. */
static const char *
weakness(const struct scan *s, size_t n, const ZxcMatch_t *info, int *leet)
{
	const ZxcMatch_t *m, *w = NULL;
	int type, whole;

	for (m = info; m != NULL; m = m->Next)
		if (worse(s, m, w))
			w = m;
	if (w == NULL)
		return "it is too short";
	type = base(w);
	whole = type == (int)w->Type && w->Begin == 0 && (size_t)w->Length == n;
	/* not USER_LEET_MATCH: zxcvbn-c 2.5 gives it to any user's word
	 * with a digit that could stand for a letter (alice01) */
	*leet = type == DICT_LEET_MATCH;
	if (one_char(s->pw + w->Begin, (size_t)w->Length)) {
		*leet = 0;
		return "repeated characters (aaaa) are easy to guess";
	}
	if (mine(s, w))
		return "it contains your user ID or name";
	/* a repeated word counts as the word */
	if (type == DICTIONARY_MATCH || type == DICT_LEET_MATCH)
		return whole ? "it is a common password or word" :
		    "it is built on a common password or word";
	if (w->Type & MULTIPLE_MATCH)
		return "repeated patterns (abcabc) are easy to guess";
	switch (type) {
	case SPATIAL_MATCH:
		return whole ? "it is a keyboard pattern (qwerty)" :
		    "it contains a keyboard pattern (qwerty)";
	case SEQUENCE_MATCH:
		return "abc/123 sequences are easy to guess";
	case REPEATS_MATCH:
		return "repeated characters (aaaa) are easy to guess";
	case DATE_MATCH:
	case YEAR_MATCH:
		return "dates and years are easy to guess";
	default:
		return "it is too short";
	}
}

int
ids_strength_score(const char *pw, const char *const *user_words,
    char *why, size_t whylen)
{
	struct scan s;
	ZxcMatch_t *info = NULL, *m;
	const char *lead = "it is empty";
	double bits;
	size_t i, n = 0, chars = 0, user = 0;
	int score = 0, leet = 0;

	memset(&s, 0, sizeof(s));
	if (pw != NULL)
		n = fold(pw, strnlen(pw, PW_MAX), s.pw);
	if (n == 0)
		goto out;
	for (i = 0; user_words != NULL && user_words[i] != NULL; i++)
		user_tokens(&s, user_words[i]);
	bits = ZxcvbnMatch(s.pw, s.ntok > 0 ? s.dict : NULL, &info);
	score = bits < 3 * LOG2_10 ? 0 : bits < 6 * LOG2_10 ? 1 :
	    bits < 8 * LOG2_10 ? 2 : bits < 10 * LOG2_10 ? 3 : 4;
	for (m = info; m != NULL; m = m->Next)
		if (mine(&s, m))
			user += (size_t)m->Length;
	for (i = 0; i < n; i++)
		chars += ((unsigned char)s.pw[i] & 0xc0) != 0x80;
	/* The rules on top of the guesses, each with its own weakness. */
	if (score >= IDS_STRENGTH_MIN && (2 * user >= n || chars < SHORT_LEN)) {
		score = IDS_STRENGTH_MIN - 1;
		lead = 2 * user >= n ? "it contains your user ID or name" :
		    "it is too short";
	} else if (score < IDS_STRENGTH_MIN)
		lead = weakness(&s, n, info, &leet);
out:
	if (why != NULL && whylen > 0) {
		why[0] = '\0';
		if (score < IDS_STRENGTH_MIN)
			snprintf(why, whylen, "%s%s: %s", lead,
			    leet ? LEET : "", ADVICE);
	}
	ZxcvbnFreeInfo(info);
	ids_wipe(&s, sizeof(s));
	return score;
}

int
ids_strength_check(const char *pw, const char *const *user_words,
    char *why, size_t whylen)
{
	return ids_strength_score(pw, user_words, why, whylen) >=
	    IDS_STRENGTH_MIN ? IDS_OK : IDS_EINVAL;
}
