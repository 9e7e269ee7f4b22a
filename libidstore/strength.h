/* strength.h: how hard a new password is to guess (SPEC §3: it must score
 * at least IDS_STRENGTH_MIN), estimated by zxcvbn-c (Debian's libzxcvbn).
 * No I/O, no lock, no clock, no state kept; safe from any thread.  Needs
 * about 10 KiB of stack, and zxcvbn-c takes up to 200 KiB of heap (10 KiB
 * for 20 characters) and does not survive running out of it.  Well under
 * 1 ms for most passwords; crafted ones (a hundred bytes of "5454...") take
 * up to about 2.5 s.  Only the first 256 bytes of a password are looked
 * at, the first 100 of them closely.  Every copy of the password is wiped,
 * and no message ever quotes it or any part of it. */
#ifndef IDS_STRENGTH_H
#define IDS_STRENGTH_H

#include <stddef.h>

#define IDS_STRENGTH_MIN	3

/* Score pw from 0 (guessable at once) to 4 (very hard) as zxcvbn does:
 * estimated guesses from the cheapest split of pw into known patterns
 * (zxcvbn-c's common passwords, English words and names, also l33t and
 * reversed; the user's own words; abc/123 sequences; repeats; keyboard
 * runs; dates and years; brute force for the rest), then 0 below 1e3
 * guesses, 1 below 1e6, 2 below 1e8, 3 below 1e10, else 4.  Latin-1 letters
 * count as their plain letter (ä as a).  Whatever the guesses, the score is
 * at most 2 when pw has fewer than 8 characters, or when half of it or more
 * is spelled by the user's words.
 * user_words: NULL-terminated list of things about the user (ID, display
 * name, email local part, ...), may be NULL; each also counts in pieces
 * ("alice.smith01" as alice, smith and smith01).  When the score is below
 * IDS_STRENGTH_MIN, why gets one sentence for people saying the main
 * weakness and what to do ("it contains your user ID or name: use at least
 * 12 characters, or several unrelated words"); otherwise why gets "".
 * why may be NULL when whylen is 0.  A NULL pw scores as empty. */
int	ids_strength_score(const char *pw, const char *const *user_words,
	    char *why, size_t whylen);
/* IDS_OK when the score is >= IDS_STRENGTH_MIN, else IDS_EINVAL with why. */
int	ids_strength_check(const char *pw, const char *const *user_words,
	    char *why, size_t whylen);

#endif
