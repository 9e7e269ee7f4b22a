/* filter.c: escaping of values into LDAP filters (RFC 4515) and DNs
 * (RFC 4514), by construction from a restricted format. */
#include "filter.h"
#include "rc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct buf {
	char	*p;
	size_t	 len, cap;
	int	 rc;
};

static void
put(struct buf *b, const char *s, size_t n)
{
	char *np;
	size_t ncap;

	if (b->rc != IDS_OK)
		return;
	if (b->len + n + 1 > b->cap) {
		ncap = (b->len + n + 1) * 2;
		if ((np = realloc(b->p, ncap)) == NULL) {
			b->rc = IDS_ENOMEM;
			return;
		}
		b->p = np;
		b->cap = ncap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void
put_hex(struct buf *b, unsigned char c)
{
	char hex[4];

	snprintf(hex, sizeof(hex), "\\%02x", c);
	put(b, hex, 3);
}

static void
put_filter_value(struct buf *b, const char *v)
{
	const unsigned char *p;

	for (p = (const unsigned char *)v; *p != '\0'; p++) {
		if (*p < 0x20 || *p >= 0x7f || strchr("*()\\", *p) != NULL)
			put_hex(b, *p);
		else
			put(b, (const char *)p, 1);
	}
}

static void
put_dn_value(struct buf *b, const char *v)
{
	const unsigned char *p;
	size_t n = strlen(v);

	if (n == 0) {
		b->rc = IDS_EINVAL;
		return;
	}
	for (p = (const unsigned char *)v; *p != '\0'; p++) {
		int first = p == (const unsigned char *)v;
		int last = p[1] == '\0';

		if (*p < 0x20 || *p == 0x7f || strchr("\"+,;<>\\=", *p) ||
		    (first && (*p == ' ' || *p == '#')) ||
		    (last && *p == ' '))
			put_hex(b, *p);
		else
			put(b, (const char *)p, 1);
	}
}

static int
format(char **out, int dn, const char *fmt, va_list ap)
{
	struct buf b = { NULL, 0, 0, IDS_OK };
	const char *f, *v;

	*out = NULL;
	put(&b, "", 0);
	for (f = fmt; *f != '\0' && b.rc == IDS_OK; f++) {
		if (*f != '%') {
			put(&b, f, 1);
			continue;
		}
		/* f stays on the directive, so the loop's f++ never steps
		 * past a format that ends in a lone '%' */
		if (f[1] == '%') {
			put(&b, "%", 1);
		} else if (f[1] == 's') {
			v = va_arg(ap, const char *);
			if (dn)
				put_dn_value(&b, v);
			else
				put_filter_value(&b, v);
		} else if (f[1] == 'D' && dn) {
			v = va_arg(ap, const char *);
			put(&b, v, strlen(v));
		} else {
			b.rc = IDS_EINVAL;
			break;
		}
		f++;
	}
	if (b.rc != IDS_OK) {
		free(b.p);
		return b.rc;
	}
	*out = b.p;
	return IDS_OK;
}

int
ids_filter(char **out, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = format(out, 0, fmt, ap);
	va_end(ap);
	return rc;
}

int
ids_dn(char **out, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = format(out, 1, fmt, ap);
	va_end(ap);
	return rc;
}
