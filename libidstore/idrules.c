/* idrules.c: user ID syntax, with messages that name what is wrong. */
#include "idrules.h"
#include "rc.h"

#include <stdio.h>
#include <string.h>

/* Decode one UTF-8 sequence at s; returns its length (0 if invalid). */
static size_t
utf8_decode(const unsigned char *s, unsigned long *cp)
{
	size_t n, i;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0) {
		n = 2;
		*cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3;
		*cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		n = 4;
		*cp = s[0] & 0x07;
	} else {
		return 0;
	}
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		*cp = (*cp << 6) | (s[i] & 0x3f);
	}
	/* over-long forms, surrogates and values past Unicode are invalid */
	if ((n == 2 && *cp < 0x80) || (n == 3 && *cp < 0x800) ||
	    (n == 4 && *cp < 0x10000) || (*cp >= 0xd800 && *cp <= 0xdfff) ||
	    *cp > 0x10ffff)
		return 0;
	return n;
}

static int
is_alnum_ascii(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

int
ids_id_check(const char *id, char *why, size_t whylen)
{
	const unsigned char *p;
	unsigned long cp;
	size_t n, pos = 0;

	if (id == NULL || *id == '\0') {
		snprintf(why, whylen, "the ID is empty: use %d to %d ASCII "
		    "letters and digits", IDS_ID_MIN, IDS_ID_MAX);
		return IDS_EINVAL;
	}
	for (p = (const unsigned char *)id; *p != '\0'; p += n) {
		pos++;
		if (is_alnum_ascii(*p)) {
			n = 1;
			continue;
		}
		if ((n = utf8_decode(p, &cp)) == 0) {
			snprintf(why, whylen, "byte 0x%02x at position %zu is "
			    "not valid UTF-8: use ASCII letters and digits "
			    "only", *p, pos);
		} else if (cp >= 0xff01 && cp <= 0xff5e) {
			snprintf(why, whylen, "full-width character '%.*s' "
			    "(U+%04lX) at position %zu: use ASCII letters and "
			    "digits only (type '%c' instead)", (int)n, p, cp,
			    pos, (int)(cp - 0xff01 + 0x21));
		} else if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) ||
		    (cp >= 0x2000 && cp <= 0x206f) || cp >= 0xfff0) {
			/* never echo a control or format character (C1,
			 * bidi overrides): it may drive a terminal */
			snprintf(why, whylen, "control character U+%04lX at "
			    "position %zu: use ASCII letters and digits only",
			    cp, pos);
		} else {
			snprintf(why, whylen, "character '%.*s' (U+%04lX) at "
			    "position %zu is not allowed: use ASCII letters "
			    "and digits only", (int)n, p, cp, pos);
		}
		return IDS_EINVAL;
	}
	if (pos < IDS_ID_MIN || pos > IDS_ID_MAX) {
		snprintf(why, whylen, "the ID has %zu characters: use %d to %d "
		    "ASCII letters and digits", pos, IDS_ID_MIN, IDS_ID_MAX);
		return IDS_EINVAL;
	}
	return IDS_OK;
}
