/* strength.c: password strength in the manner of zxcvbn (SPEC §3).
 *
 * The password is read as code points.  Matchers find every span that is
 * a known pattern, each with the guesses an attacker needs for it: a
 * common password or word from the lists below (any case, l33t, reversed),
 * one of the user's own words, an abc/123 sequence, a repeat, a keyboard
 * run, a date or a year.  What no pattern covers is brute force, by the
 * character classes it uses.  As zxcvbn's most_guessable_match_sequence, a
 * dynamic programme over prefixes finds the split into l matches with the
 * fewest guesses, l! * (product of their guesses) + GROW^(l - 1); the
 * guesses give the score, the split the message.
 *
 * Two rules cap the score at 2 whatever the guesses: fewer than 8
 * characters (62^6 is past 1e10, yet six characters fall to any offline
 * attack), and half the password or more spelled by common passwords or
 * the user's own words (with brute force by classes instead of zxcvbn's 10
 * per character, "Password2026!" would pass otherwise).
 */
#include "strength.h"
#include "rc.h"
#include "secret.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define PW_MAX		256	/* bytes of the password looked at */
#define TOK_MAX		16	/* tokens taken from the user's words */
#define TOK_LEN		48	/* longest token or list word, code points */
#define TOK_MIN		3	/* shortest token */
#define SHORT_LEN	8	/* fewer characters score at most 2 */
#define REP_MAX		64	/* longest unit a repeat is looked for with */
#define REF_YEAR	2026	/* fixed, not the clock: same answer each day */
#define YEAR_SPACE	20	/* zxcvbn's MIN_YEAR_SPACE */
#define GROW		1e4	/* MIN_GUESSES_BEFORE_GROWING_SEQUENCE */
#define CAP		1e60	/* far past every threshold, and finite */
/* A split into l matches costs at least GROW^(l - 1), past the top
 * threshold (1e10) from l = 4 on: the score never depends on a longer
 * split, so only splits of up to SPLIT_MAX matches are tracked. */
#define SPLIT_MAX	4
#define ADVICE		"use at least 12 characters, or several unrelated words"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* Common passwords, most common first; keyboard runs, sequences, repeats
 * and dates are left to their matchers. */
static const char *const common[] = {
	"password", "iloveyou", "princess", "sunshine", "monkey", "dragon",
	"letmein", "football", "baseball", "welcome", "shadow", "master",
	"superman", "trustno1", "starwars", "whatever", "freedom", "login",
	"admin", "hello", "charlie", "batman", "secret", "soccer", "hockey",
	"jordan", "hunter", "ranger", "buster", "killer", "pepper", "ginger",
	"cheese", "summer", "flower", "lovely", "loveme", "mustang", "access",
	"maggie", "tigger", "computer", "internet", "samsung", "google",
	"liverpool", "chelsea", "arsenal", "barcelona", "friends", "butterfly",
	"purple", "angel", "jesus", "forever", "family", "iloveu", "changeme",
	"default", "guest", "root", "toor", "test", "temp", "passwort",
	"motdepasse", "contrasena", "senha", "parola", "wachtwoord",
	"salasana", "haslo", "azerty", "qwertz", "babygirl", "michael",
	"jessica", "ashley", "bailey", "harley", "joshua", "michelle",
	"daniel", "andrew", "jennifer", "matthew", "nicole", "anthony",
	"naruto", "pokemon", "minecraft", "cookie", "chocolate", "lakers",
	"yankees", "cowboys", "diamond", "silver", "golden", "blessed",
	"loveyou", "thunder", "mercedes", "ferrari", "matrix", "phoenix",
	"merlin", "wizard", "spider", "snoopy", "scooter", "peanut",
	"bubbles", "sweetie", "cupcake", "jasmine", "tinkerbell",
	"administrator", "user", "demo", "oracle", "ubuntu", "linux",
	"windows", "raspberry", "changeit", "private", "opensesame", "hottie",
	"beautiful", "rockyou", "ihateyou", "idportal",
};

/* Common English words and first names, most common first. */
static const char *const words[] = {
	"love", "baby", "happy", "lucky", "magic", "music", "money", "dream",
	"peace", "heart", "star", "queen", "king", "prince", "sweet",
	"pretty", "little", "black", "white", "green", "blue", "red",
	"yellow", "pink", "orange", "rainbow", "sunset", "morning", "night",
	"light", "dark", "fire", "water", "earth", "world", "life", "time",
	"moon", "sun", "rock", "stone", "river", "ocean", "tree", "forest",
	"garden", "rose", "winter", "spring", "autumn", "friend", "mother",
	"father", "sister", "brother", "child", "girl", "boy", "lady",
	"woman", "people", "city", "home", "house", "school", "work", "game",
	"play", "player", "tiger", "lion", "wolf", "bear", "eagle", "horse",
	"dog", "cat", "kitty", "puppy", "bunny", "chicken", "turtle",
	"dolphin", "shark", "snake", "coffee", "pizza", "sugar", "candy",
	"apple", "banana", "cherry", "lemon", "smile", "funny", "crazy",
	"cool", "super", "power", "energy", "thanks", "please", "good",
	"great", "best", "lover", "kiss", "always", "never", "nothing",
	"hope", "faith", "grace", "glory", "heaven", "devil", "god",
	"christ", "soul", "mind", "spirit", "metal", "guitar", "piano",
	"dance", "party", "gold", "knight", "ninja", "pirate", "phone",
	"mobile", "help", "change", "open", "door", "window", "table",
	"paper", "book", "letter", "word", "name", "number", "office",
	"secure", "system", "network", "server", "account", "email",
	"james", "john", "robert", "david", "william", "mary", "patricia",
	"linda", "barbara", "elizabeth", "susan", "sarah", "thomas",
	"charles", "chris", "joseph", "richard", "paul", "mark", "george",
	"steven", "kevin", "brian", "edward", "anna", "emma", "olivia",
	"sophia", "emily", "alex", "jack", "lisa", "laura", "maria", "peter",
	"martin", "alice", "bob", "max", "sam", "tom", "ben",
};

/* Look-alikes: sym may stand for letter. */
static const struct {
	char	sym, letter;
} l33t[] = {
	{ '4', 'a' }, { '@', 'a' }, { '3', 'e' }, { '0', 'o' }, { '1', 'i' },
	{ '1', 'l' }, { '5', 's' }, { '$', 's' }, { '7', 't' },
};

/* QWERTY, each row drawn half a key right of the one above (zxcvbn's
 * slanted layout): q lies below 1 and 2, a below q and w. */
static const char *const qwerty[][2] = {
	{ "`1234567890-=", "~!@#$%^&*()_+" },
	{ "qwertyuiop[]\\", "QWERTYUIOP{}|" },
	{ "asdfghjkl;'", "ASDFGHJKL:\"" },
	{ "zxcvbnm,./", "ZXCVBNM<>?" },
};
/* The number pad, upright: 0 below 1. */
static const char *const keypad[] = { "789", "456", "123", "0" };

enum kind {
	K_NONE, K_BRUTE, K_COMMON, K_WORD, K_USER, K_SEQ, K_REPEAT, K_KEYS,
	K_DATE,
};
#define F_L33T		0x01	/* look-alike digits or symbols */
#define F_REV		0x02	/* spelled backwards */
#define F_ONECHAR	0x04	/* a repeat of one character */

struct match {
	size_t		 i, j;		/* the span u[i..j) */
	double		 g;		/* guesses */
	int		 kind, base;	/* base: of a repeat, what repeats */
	int		 flags;
};

/* The best split found so far of a prefix, by its last match. */
struct cell {
	double		 pi;		/* product of the matches' guesses */
	uint16_t	 from;		/* where the last match starts */
	uint8_t		 kind;		/* K_NONE: no such split yet */
	uint8_t		 base;
	uint8_t		 flags;
	uint8_t		 prevb;		/* was the match before brute force */
};

struct scan {
	uint32_t	 u[PW_MAX];	/* the password, as code points */
	size_t		 n;
	uint32_t	 tok[TOK_MAX][TOK_LEN];	/* user's words, lower case */
	size_t		 toklen[TOK_MAX];
	size_t		 ntok;
	unsigned char	 mine[PW_MAX];	/* spelled by one of the user's words */
	unsigned char	 known[PW_MAX];	/* spelled by a common password */
	/* Matchers look at u[i..lim): lim is n, except while probing for
	 * the unit of a repeat, when matches that end at lim only update
	 * probe_g and probe_kind. */
	size_t		 lim;
	int		 probing;
	double		 probe_g;
	int		 probe_kind;
	/* cell[k][l][b]: best split of u[0..k) into l + 1 matches, the last
	 * one brute force when b.  As in zxcvbn, brute force never follows
	 * brute force: the rest of the password is one stretch, scored by
	 * all the classes it uses. */
	struct cell	 cell[PW_MAX + 1][SPLIT_MAX][2];
};

struct word {				/* a list word or a user's token */
	const char	*a;
	const uint32_t	*w;
	size_t		 len;
};

static double
cap(double g)
{
	return g > CAP ? CAP : g;
}

static uint32_t
lower(uint32_t c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* Lower case, and Latin-1 letters without their accents (ä is a): what
 * list words and the user's words are compared in. */
static uint32_t
fold(uint32_t c)
{
	static const char latin1[] =
	    "aaaaaa-ceeeeiiiidnooooo-ouuuuy-saaaaaa-ceeeeiiiidnooooo-ouuuuy-y";

	if (c >= 0xc0 && c <= 0xff && latin1[c - 0xc0] != '-')
		return (unsigned char)latin1[c - 0xc0];
	return lower(c);
}

static int
is_digit(uint32_t c)
{
	return c >= '0' && c <= '9';
}

/* sum of C(n, i) for i = 1 .. k: the ways to place up to k changes. */
static double
choose_upto(size_t n, size_t k)
{
	double c = 1, sum = 0;
	size_t i;

	for (i = 1; i <= k && i <= n; i++) {
		c = c * (double)(n - i + 1) / (double)i;
		sum = cap(sum + c);
	}
	return sum;
}

/* Code points of s[0..len) into u; a byte that starts no valid sequence
 * (or an overlong one for ASCII) stands for itself above U+10FFFF.
 * Returns their number. */
static size_t
decode(const unsigned char *s, size_t len, uint32_t *u, size_t max)
{
	size_t i = 0, n = 0, k, more;
	uint32_t cp;

	while (i < len && n < max) {
		more = 0;
		cp = s[i];
		if (s[i] >= 0xc2 && s[i] <= 0xdf)
			more = 1, cp &= 0x1f;
		else if (s[i] >= 0xe0 && s[i] <= 0xef)
			more = 2, cp &= 0x0f;
		else if (s[i] >= 0xf0 && s[i] <= 0xf4)
			more = 3, cp &= 0x07;
		for (k = 1; k <= more; k++) {
			if (i + k >= len || (s[i + k] & 0xc0) != 0x80)
				break;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if (s[i] >= 0x80 && (more == 0 || k <= more || cp < 0x80 ||
		    cp > 0x10ffff)) {
			u[n++] = 0x110000 + s[i++];
			continue;
		}
		u[n++] = cp;
		i += more + 1;
	}
	return n;
}

/* Character classes for brute force: digits, lower, upper, other ASCII,
 * anything else (a large class). */
static unsigned
class_of(uint32_t c)
{
	if (is_digit(c))
		return 1;
	if (c >= 'a' && c <= 'z')
		return 2;
	if (c >= 'A' && c <= 'Z')
		return 4;
	return c < 0x80 ? 8 : 16;
}

static double
cardinality(unsigned mask)
{
	return (mask & 1 ? 10 : 0) + (mask & 2 ? 26 : 0) +
	    (mask & 4 ? 26 : 0) + (mask & 8 ? 33 : 0) + (mask & 16 ? 100 : 0);
}

static unsigned
classes(const uint32_t *u, size_t len)
{
	unsigned mask = 0;
	size_t k;

	for (k = 0; k < len; k++)
		mask |= class_of(u[k]);
	return mask;
}

/* card^len, at least 11 for one character and 51 for more (zxcvbn). */
static double
brute_guesses(unsigned mask, size_t len)
{
	double g = 1, card = cardinality(mask);
	size_t k;

	for (k = 0; k < len && g < CAP; k++)
		g = cap(g * card);
	return g < (len == 1 ? 11 : 51) ? (len == 1 ? 11 : 51) : g;
}

/* Add m (guesses g, brute force when b) after every split of u[0..m->i)
 * that may precede it. */
static void
relax(struct scan *s, const struct match *m, double g, int b)
{
	const struct cell *prev;
	struct cell *c;
	double pi;
	size_t l;
	int pb;

	for (l = 0; l < SPLIT_MAX; l++) {
		for (pb = 0; pb < 2; pb++) {
			if (l == 0) {
				if (m->i != 0 || pb != 0)
					continue;
				pi = g;
			} else {
				prev = &s->cell[m->i][l - 1][pb];
				if (prev->kind == K_NONE || (b && pb))
					continue;
				pi = cap(prev->pi * g);
			}
			c = &s->cell[m->j][l][b];
			if (c->kind != K_NONE && c->pi <= pi)
				continue;
			c->pi = pi;
			c->from = (uint16_t)m->i;
			c->kind = (uint8_t)m->kind;
			c->base = (uint8_t)m->base;
			c->flags = (uint8_t)m->flags;
			c->prevb = (uint8_t)pb;
		}
	}
}

/* A pattern match was found. */
static void
emit(struct scan *s, const struct match *m)
{
	double g = m->g, floor;
	size_t k;

	if (s->probing) {
		if (m->j == s->lim && g < s->probe_g) {
			s->probe_g = g;
			s->probe_kind = m->kind;
		}
		return;
	}
	for (k = m->i; k < m->j; k++) {
		if (m->kind == K_USER)
			s->mine[k] = 1;
		else if (m->kind == K_COMMON)
			s->known[k] = 1;
	}
	/* zxcvbn: inside a longer password no match is cheaper than 10
	 * guesses, 50 with more than one character. */
	if (m->i == 0 && m->j == s->n)
		floor = 1;
	else
		floor = m->j - m->i == 1 ? 10 : 50;
	relax(s, m, cap(g < floor ? floor : g), 0);
}

/* Brute force from i to every later end, after a split not ending in
 * brute force. */
static void
brute(struct scan *s, size_t i)
{
	struct match m = { .i = i, .kind = K_BRUTE };
	unsigned mask = 0;
	size_t l;
	int can = i == 0;

	for (l = 0; l < SPLIT_MAX; l++)
		if (s->cell[i][l][0].kind != K_NONE)
			can = 1;
	for (m.j = i + 1; can && m.j <= s->n; m.j++) {
		mask |= class_of(s->u[m.j - 1]);
		relax(s, &m, brute_guesses(mask, m.j - i), 1);
	}
}

static uint32_t
wch(const struct word *w, size_t k)
{
	return w->a != NULL ? (unsigned char)w->a[k] : w->w[k];
}

static double
case_variations(const uint32_t *u, size_t len)
{
	size_t k, up = 0, lo = 0;

	for (k = 0; k < len; k++) {
		if (u[k] >= 'A' && u[k] <= 'Z')
			up++;
		else if (u[k] >= 'a' && u[k] <= 'z')
			lo++;
	}
	if (up == 0)
		return 1;
	if (lo == 0 || (up == 1 && (lower(u[0]) != u[0] ||
	    lower(u[len - 1]) != u[len - 1])))
		return 2;
	return choose_upto(up + lo, up < lo ? up : lo);
}

/* Does u[0..w->len) spell w in any case, look-alikes allowed, backwards
 * when rev?  Returns the factor for its case and l33t variations (as
 * zxcvbn), or 0 when it does not. */
static double
spell(const uint32_t *u, const struct word *w, int rev, int *leet)
{
	unsigned char sub[TOK_LEN];
	size_t k, t, plain, subbed;
	uint32_t c, x;
	double v;

	*leet = 0;
	if (w->len > TOK_LEN)
		return 0;
	for (k = 0; k < w->len; k++) {
		c = u[rev ? w->len - 1 - k : k];
		x = wch(w, k);
		sub[k] = 0;
		if (fold(c) == x)
			continue;
		for (t = 0; t < NELEM(l33t); t++)
			if (c == (unsigned char)l33t[t].sym &&
			    x == (unsigned char)l33t[t].letter)
				break;
		if (t == NELEM(l33t))
			return 0;
		sub[k] = (unsigned char)(t + 1);
		*leet = 1;
	}
	v = case_variations(u, w->len);
	for (t = 0; t < NELEM(l33t); t++) {
		plain = subbed = 0;
		for (k = 0; k < w->len; k++)
			if (sub[k] == t + 1)
				subbed++;
			else if (sub[k] == 0 &&
			    wch(w, k) == (unsigned char)l33t[t].letter)
				plain++;
		if (subbed != 0)
			v *= plain == 0 ? 2 : choose_upto(plain + subbed,
			    plain < subbed ? plain : subbed);
	}
	return cap(v);
}

/* List words and the user's words starting at i; guesses: rank, times the
 * variations, twice if reversed. */
static void
match_words(struct scan *s, size_t i)
{
	struct match m = { .i = i };
	struct word w;
	size_t k, rank;
	double v;
	int rev, leet;

	for (k = 0; k < NELEM(common) + NELEM(words) + s->ntok; k++) {
		memset(&w, 0, sizeof(w));
		if (k < NELEM(common)) {
			w.a = common[k];
			rank = k + 1;
			m.kind = K_COMMON;
		} else if ((rank = k - NELEM(common)) < NELEM(words)) {
			w.a = words[rank++];
			m.kind = K_WORD;
		} else {
			rank -= NELEM(words);
			w.w = s->tok[rank];
			w.len = s->toklen[rank++];
			m.kind = K_USER;
		}
		if (w.a != NULL)
			w.len = strlen(w.a);
		if (i + w.len > s->lim)
			continue;
		for (rev = 0; rev < 2; rev++) {
			if ((v = spell(s->u + i, &w, rev, &leet)) == 0)
				continue;
			m.j = i + w.len;
			m.g = (double)rank * v * (rev ? 2 : 1);
			m.flags = (leet ? F_L33T : 0) | (rev ? F_REV : 0);
			emit(s, &m);
		}
	}
}

/* abc, 9753, ZYX: a step of at most 5 within one class. */
static void
match_seq(struct scan *s, size_t i)
{
	struct match m = { .i = i, .kind = K_SEQ };
	const uint32_t *u = s->u;
	long delta;
	double base;
	size_t j;

	if (i + 2 >= s->lim || class_of(u[i]) > 4 ||
	    class_of(u[i + 1]) != class_of(u[i]))
		return;
	delta = (long)u[i + 1] - (long)u[i];
	if (delta == 0 || delta > 5 || delta < -5)
		return;
	/* zxcvbn: the obvious starts are cheapest */
	if (strchr("aAzZ019", (int)u[i]) != NULL)
		base = 4;
	else
		base = is_digit(u[i]) ? 10 : 26;
	base *= (delta < 0 ? 2 : 1) * (double)(delta < 0 ? -delta : delta);
	for (j = i + 2; j < s->lim && class_of(u[j]) == class_of(u[i]) &&
	    (long)u[j] - (long)u[j - 1] == delta; j++) {
		m.j = j + 1;
		m.g = base * (double)(m.j - i);
		emit(s, &m);
	}
}

static void match_keys(struct scan *, size_t);
static void match_date(struct scan *, size_t);

/* aaaa, abcabc: guesses for the unit (its cheapest single pattern, or
 * brute force) times the count.  Units that repeat a shorter one (aa in
 * aaaa) add nothing and are skipped. */
static void
match_repeat(struct scan *s, size_t i)
{
	struct match m = { .i = i, .kind = K_REPEAT };
	size_t len, k, c, period = 0, run = 0;
	double unit;

	for (len = 1; len <= REP_MAX && i + 2 * len <= s->n; len++) {
		if (period != 0 && len % period == 0 && len <= run)
			continue;
		for (k = 1; i + (k + 1) * len <= s->n && memcmp(s->u + i,
		    s->u + i + k * len, len * sizeof(s->u[0])) == 0; k++)
			;
		if (k < 2)
			continue;
		if (period == 0) {
			period = len;
			run = k * len;
		}
		s->lim = i + len;
		s->probing = 1;
		s->probe_g = brute_guesses(classes(s->u + i, len), len);
		s->probe_kind = K_BRUTE;
		match_words(s, i);
		match_seq(s, i);
		match_keys(s, i);
		match_date(s, i);
		s->probing = 0;
		s->lim = s->n;
		unit = s->probe_g;
		m.base = s->probe_kind;
		m.flags = len == 1 ? F_ONECHAR : 0;
		for (c = 2; c <= k; c++) {
			m.j = i + c * len;
			m.g = unit * (double)c;
			emit(s, &m);
		}
	}
}

/* Where c is on the keyboard (pad: the number pad); 0 if not there. */
static int
key_at(uint32_t c, int pad, int *row, int *col, int *shift)
{
	const char *keys, *p;
	int r, sh;

	if (c == 0 || c >= 0x80)
		return 0;
	for (r = 0; r < 4; r++)
		for (sh = 0; sh < (pad ? 1 : 2); sh++) {
			keys = pad ? keypad[r] : qwerty[r][sh];
			if ((p = strchr(keys, (int)c)) == NULL)
				continue;
			*row = r;
			*col = (int)(p - keys) + (pad || r == 0 ? 0 : 1);
			*shift = sh;
			return 1;
		}
	return 0;
}

/* Direction 0-8 from one key to a neighbour, -1 if they do not touch.  On
 * the slanted QWERTY rows the keys above are at columns 0 and +1, those
 * below at -1 and 0. */
static int
direction(int pad, int r0, int c0, int r1, int c1)
{
	int dr = r1 - r0, dc = c1 - c0;

	if (dr < -1 || dr > 1 || dc < -1 || dc > 1 || (dr == 0 && dc == 0))
		return -1;
	if (!pad && ((dr == -1 && dc == -1) || (dr == 1 && dc == 1)))
		return -1;
	return (dr + 1) * 3 + dc + 1;
}

/* zxcvbn: sum over lengths i <= len and turns j <= t of
 * C(i - 1, j - 1) * starts * degree^j, which is
 * starts * sum_j degree^j * (C(len, j) - 1); then the shift variations. */
static double
keys_guesses(int pad, size_t len, size_t turns, size_t shifted)
{
	double starts = pad ? 15 : 94, degree = pad ? 5.066667 : 4.595745;
	double g = 0, dj = 1, c = 1;
	size_t j;

	for (j = 1; j <= turns && j < len && g < CAP; j++) {
		dj *= degree;
		c = c * (double)(len - j + 1) / (double)j;
		g = cap(g + dj * (c - 1));
	}
	g = cap(g * starts);
	if (shifted != 0 && g < CAP)
		g *= shifted == len ? 2 : choose_upto(len, shifted < len -
		    shifted ? shifted : len - shifted);
	return cap(g);
}

/* Runs of at least 3 neighbouring keys: qwerty, 1qaz, zaq12wsx, 7895. */
static void
match_keys(struct scan *s, size_t i)
{
	struct match m = { .i = i, .kind = K_KEYS };
	size_t j, turns, shifted;
	int pad, r, c, sh, r1, c1, d, last;

	for (pad = 0; pad < 2; pad++) {
		if (!key_at(s->u[i], pad, &r, &c, &sh))
			continue;
		shifted = (size_t)sh;
		turns = 0;
		last = -1;
		m.g = 0;
		for (j = i + 1; j < s->lim; j++) {
			if (!key_at(s->u[j], pad, &r1, &c1, &sh) ||
			    (d = direction(pad, r, c, r1, c1)) < 0)
				break;
			if (d != last)
				turns++;
			last = d;
			shifted += (size_t)sh;
			r = r1;
			c = c1;
			if (j - i + 1 < 3)
				continue;
			m.j = j + 1;
			/* more keys or turns never cost less */
			if (m.g < CAP)
				m.g = keys_guesses(pad, m.j - i, turns,
				    shifted);
			emit(s, &m);
		}
	}
}

/* The value of len digits at u[i], or -1. */
static long
number(const struct scan *s, size_t i, size_t len)
{
	long v = 0;
	size_t k;

	if (i + len > s->lim)
		return -1;
	for (k = i; k < i + len; k++) {
		if (!is_digit(s->u[k]))
			return -1;
		v = v * 10 + (long)(s->u[k] - '0');
	}
	return v;
}

static double
year_guesses(long y)
{
	long space = y > REF_YEAR ? y - REF_YEAR : REF_YEAR - y;

	return space < YEAR_SPACE ? YEAR_SPACE : (double)space;
}

/* Guesses for three numbers (of len[] digits) read as a date with the
 * year first or last, 0 if they are none. */
static double
dmy(const long v[3], const size_t len[3])
{
	double g, best = 0;
	long y, a, b;
	int first;

	for (first = 0; first < 2; first++) {
		y = v[first ? 0 : 2];
		a = v[first ? 1 : 0];
		b = v[first ? 2 : 1];
		if (len[first ? 1 : 0] > 2 || len[first ? 2 : 1] > 2)
			continue;
		if (len[first ? 0 : 2] == 2)
			y += y > 50 ? 1900 : 2000;
		else if (len[first ? 0 : 2] != 4 || y < 1900 || y > 2050)
			continue;
		if (!(a >= 1 && b >= 1 && ((a <= 31 && b <= 12) ||
		    (a <= 12 && b <= 31))))
			continue;
		g = year_guesses(y) * 365;
		if (best == 0 || g < best)
			best = g;
	}
	return best;
}

/* 1987, 870312, 19870312, 12.3.87, 1987-03-12. */
static void
match_date(struct scan *s, size_t i)
{
	/* zxcvbn's DATE_SPLITS: where to cut 4 to 8 digits */
	static const unsigned char cuts[5][4][2] = {
		{ { 1, 2 }, { 2, 3 } },
		{ { 1, 3 }, { 2, 3 } },
		{ { 1, 2 }, { 2, 4 }, { 4, 5 } },
		{ { 1, 3 }, { 2, 3 }, { 4, 5 }, { 4, 6 } },
		{ { 2, 4 }, { 4, 6 } },
	};
	struct match m = { .i = i, .kind = K_DATE };
	size_t len, k, a, b, c, p;
	size_t lens[3];
	long v[3];
	double g;

	if ((v[0] = number(s, i, 4)) >= 1900 && v[0] <= 2099) {
		m.j = i + 4;
		m.g = year_guesses(v[0]);
		emit(s, &m);
	}
	for (len = 4; len <= 8 && number(s, i, len) >= 0; len++) {
		m.g = 0;
		for (k = 0; k < 4 && cuts[len - 4][k][0] != 0; k++) {
			a = cuts[len - 4][k][0];
			b = cuts[len - 4][k][1];
			lens[0] = a;
			lens[1] = b - a;
			lens[2] = len - b;
			v[0] = number(s, i, a);
			v[1] = number(s, i + a, b - a);
			v[2] = number(s, i + b, len - b);
			if ((g = dmy(v, lens)) != 0 && (m.g == 0 || g < m.g))
				m.g = g;
		}
		m.j = i + len;
		if (m.g != 0)
			emit(s, &m);
	}
	/* 1-4 digits, separator, 1-2 digits, the same separator, 1-4
	 * digits: four times the guesses, for the separator */
	for (a = 1; a <= 4 && (v[0] = number(s, i, a)) >= 0; a++) {
		p = i + a;
		if (p >= s->lim || s->u[p] >= 0x80 ||
		    strchr(" -/\\_.", (int)s->u[p]) == NULL)
			continue;
		for (b = 1; b <= 2 && (v[1] = number(s, p + 1, b)) >= 0; b++) {
			if (p + 1 + b >= s->lim || s->u[p + 1 + b] != s->u[p])
				continue;
			for (c = 1; c <= 4 &&
			    (v[2] = number(s, p + 2 + b, c)) >= 0; c++) {
				lens[0] = a;
				lens[1] = b;
				lens[2] = c;
				if ((g = dmy(v, lens)) == 0)
					continue;
				m.j = p + 2 + b + c;
				m.g = g * 4;
				emit(s, &m);
			}
		}
	}
}

static void
add_token(struct scan *s, const uint32_t *u, size_t len)
{
	size_t k, t;

	if (len < TOK_MIN || len > TOK_LEN || s->ntok == TOK_MAX)
		return;
	for (t = 0; t < s->ntok; t++) {
		for (k = 0; k < len && s->toklen[t] == len &&
		    s->tok[t][k] == fold(u[k]); k++)
			;
		if (k == len)
			return;
	}
	for (k = 0; k < len; k++)
		s->tok[s->ntok][k] = fold(u[k]);
	s->toklen[s->ntok++] = len;
}

/* 0: separator, 1: letter (any non-ASCII too), 2: digit. */
static int
token_class(uint32_t c)
{
	if (is_digit(c))
		return 2;
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    c >= 0x80 ? 1 : 0;
}

/* "Alice Smith" gives alice smith, alice and smith; "alice.smith01"
 * also smith01 and 01 (too short): the whole, runs of letters and digits,
 * and runs of letters alone or digits alone within them. */
static void
user_tokens(struct scan *s, const char *word)
{
	uint32_t u[2 * TOK_LEN];
	size_t n, i, j, k, run;
	int cls;

	n = decode((const unsigned char *)word, strlen(word), u, NELEM(u));
	add_token(s, u, n);
	for (i = 0; i < n; i = j + 1) {
		for (j = i; j < n && token_class(u[j]) != 0; j++)
			;
		if (j - i != n)
			add_token(s, u + i, j - i);
		for (k = i; k < j; k += run) {
			cls = token_class(u[k]);
			for (run = 1; k + run < j &&
			    token_class(u[k + run]) == cls; run++)
				;
			if (run != j - i)
				add_token(s, u + k, run);
		}
	}
}

/* The split of the whole password with the fewest guesses, l! * (product
 * of its l matches' guesses) + GROW^(l - 1); *lp and *bp get its cell. */
static double
cheapest(const struct scan *s, size_t *lp, int *bp)
{
	const struct cell *c;
	double best = 0, g, fact = 1, grow = 1;
	size_t l;
	int b;

	for (l = 0; l < SPLIT_MAX; l++) {
		fact *= (double)(l + 1);
		for (b = 0; b < 2; b++) {
			c = &s->cell[s->n][l][b];
			if (c->kind == K_NONE)
				continue;
			g = cap(fact * c->pi + grow);
			if (best == 0 || g < best) {
				best = g;
				*lp = l;
				*bp = b;
			}
		}
		grow *= GROW;
	}
	return best;
}

/* What to tell people about in the split ending in cell[n][l][b]: one of
 * the user's words if it holds any, else its longest pattern (K_BRUTE if
 * none).  A repeated word counts as the word. */
static void
weakness(const struct scan *s, size_t l, int b, struct match *w)
{
	const struct cell *c;
	size_t k = s->n;
	int mine = -1;

	memset(w, 0, sizeof(*w));
	w->kind = K_BRUTE;
	for (;;) {
		c = &s->cell[k][l][b];
		if (c->kind == K_USER)
			mine = c->flags;
		else if (c->kind == K_REPEAT && c->base == K_USER)
			mine = 0;
		if (c->kind != K_BRUTE && k - c->from > w->j - w->i) {
			w->i = c->from;
			w->j = k;
			w->kind = c->kind;
			w->flags = c->flags;
			if (c->kind == K_REPEAT && (c->base == K_COMMON ||
			    c->base == K_WORD)) {
				w->kind = c->base;
				w->flags = 0;
				w->j = s->n + 1;	/* not the whole */
			}
		}
		if (l-- == 0 || c->from == 0)
			break;
		k = c->from;
		b = c->prevb;
	}
	if (mine >= 0) {
		w->kind = K_USER;
		w->flags = mine;
	}
}

/* One sentence: the weakness w, then what to do. */
static void
explain(const struct scan *s, const struct match *w, char *why,
    size_t whylen)
{
	const char *lead;
	int whole = w->i == 0 && w->j == s->n, flags = w->flags;

	switch (w->kind) {
	case K_USER:
		lead = "it contains your user ID or name";
		break;
	case K_COMMON:
		lead = whole ? "it is a common password" :
		    "it is built on a common password";
		break;
	case K_WORD:
		lead = whole ? "it is a single common word or name" :
		    "it is built on common words or names";
		break;
	case K_SEQ:
		lead = "abc/123 sequences are easy to guess";
		break;
	case K_REPEAT:
		lead = flags & F_ONECHAR ?
		    "repeated characters (aaaa) are easy to guess" :
		    "repeated patterns (abcabc) are easy to guess";
		flags = 0;
		break;
	case K_KEYS:
		lead = whole ? "it is a keyboard pattern (qwerty)" :
		    "it contains a keyboard pattern (qwerty)";
		break;
	case K_DATE:
		lead = "dates and years are easy to guess";
		break;
	default:
		lead = "it is too short";
		break;
	}
	snprintf(why, whylen, "%s%s%s: %s", lead,
	    flags & F_REV ? ", even spelled backwards" : "",
	    flags & F_L33T ? " (look-alikes such as @ for a do not help)" : "",
	    ADVICE);
}

int
ids_strength_score(const char *pw, const char *const *user_words,
    char *why, size_t whylen)
{
	struct scan s;
	struct match w;
	double g;
	size_t i, l = 0, mine = 0, known = 0;
	int b = 0, score = 0;

	if (why != NULL && whylen > 0)
		snprintf(why, whylen, "it is empty: %s", ADVICE);
	memset(&s, 0, sizeof(s));
	if (pw != NULL)
		s.n = decode((const unsigned char *)pw, strnlen(pw, PW_MAX),
		    s.u, PW_MAX);
	if ((s.lim = s.n) == 0)
		goto out;
	for (i = 0; user_words != NULL && user_words[i] != NULL; i++)
		user_tokens(&s, user_words[i]);
	/* The splits of u[0..i) are final once every match starting before
	 * i is in: go by start. */
	for (i = 0; i < s.n; i++) {
		match_words(&s, i);
		match_seq(&s, i);
		match_repeat(&s, i);
		match_keys(&s, i);
		match_date(&s, i);
		brute(&s, i);
	}
	g = cheapest(&s, &l, &b);
	score = g < 1e3 ? 0 : g < 1e6 ? 1 : g < 1e8 ? 2 : g < 1e10 ? 3 : 4;
	weakness(&s, l, b, &w);
	for (i = 0; i < s.n; i++) {
		mine += s.mine[i];
		known += s.known[i];
	}
	/* The rules on top of the guesses, each with its own weakness. */
	if (score >= IDS_STRENGTH_MIN) {
		w.j = s.n + 1;
		w.flags = 0;
		if (2 * mine >= s.n)
			w.kind = K_USER;
		else if (2 * known >= s.n)
			w.kind = K_COMMON;
		else if (s.n < SHORT_LEN)
			w.kind = K_BRUTE;
		else
			w.kind = K_NONE;
		if (w.kind != K_NONE)
			score = IDS_STRENGTH_MIN - 1;
	}
	if (why != NULL && whylen > 0) {
		why[0] = '\0';
		if (score < IDS_STRENGTH_MIN)
			explain(&s, &w, why, whylen);
	}
out:
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
