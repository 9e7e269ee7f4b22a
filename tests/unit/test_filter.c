/* test_filter.c: ids_filter() (RFC 4515) and ids_dn() (RFC 4514) escape
 * every value, whatever a user typed.  Filters are checked against exact
 * strings and against libldap's own escaper; DNs are parsed back with
 * ldap_str2dn() and must give the value that went in. */
#include <sys/mman.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <cmocka.h>
#include <ldap.h>

#include "filter.h"
#include "rc.h"

#define BASE	"ou=people,dc=example,dc=org"

/* "(uid=%s)" with value v must give want. */
static const struct {
	const char	*v;
	const char	*want;
} filters[] = {
	{ "alice01", "(uid=alice01)" },
	{ "", "(uid=)" },
	{ "*", "(uid=\\2a)" },
	{ "(", "(uid=\\28)" },
	{ ")", "(uid=\\29)" },
	{ "\\", "(uid=\\5c)" },
	{ ")(uid=*", "(uid=\\29\\28uid=\\2a)" },
	{ "admin)(|(uid=*", "(uid=admin\\29\\28|\\28uid=\\2a)" },
	{ "*)(objectClass=*", "(uid=\\2a\\29\\28objectClass=\\2a)" },
	{ "a\\b", "(uid=a\\5cb)" },
	{ "a\\2ab", "(uid=a\\5c2ab)" },
	{ "\xe3\x83\xa6\xe3\x83\xbc\xe3\x82\xb6\xe3\x83\xbc",	/* ユーザー */
	    "(uid=\\e3\\83\\a6\\e3\\83\\bc\\e3\\82\\b6\\e3\\83\\bc)" },
	{ "\xef\xbc\xa1lice", "(uid=\\ef\\bc\\a1lice)" },	/* Ａlice */
	{ "a\nb", "(uid=a\\0ab)" },
	{ "\x01\x1f", "(uid=\\01\\1f)" },
	{ "\t", "(uid=\\09)" },
	{ "\x7f", "(uid=\\7f)" },
	{ "\x80\xff", "(uid=\\80\\ff)" },
	/* Printable ASCII other than * ( ) \ stays as it is. */
	{ " a=b&|!~<>:,;\"'#+%", "(uid= a=b&|!~<>:,;\"'#+%)" },
};

static void
test_filter_table(void **state)
{
	char *f;
	size_t i, failed = 0;
	int rc;

	(void)state;
	for (i = 0; i < sizeof(filters) / sizeof(filters[0]); i++) {
		f = NULL;
		rc = ids_filter(&f, "(uid=%s)", filters[i].v);
		if (rc != IDS_OK || f == NULL ||
		    strcmp(f, filters[i].want) != 0) {
			print_error("row %zu: got %s \"%s\", want \"%s\"\n", i,
			    ids_rcname(rc), f ? f : "(null)", filters[i].want);
			failed++;
		}
		free(f);
	}
	assert_int_equal(failed, 0);
}

/* libldap's ldap_bv2escaped_filter_value() is an independent escaper
 * (upper-case hex): both must agree, byte for byte but for case. */
static void
test_filter_matches_libldap(void **state)
{
	struct berval in, out;
	char *f, value[256];
	size_t i;
	int c;

	(void)state;
	for (i = 0; i < sizeof(filters) / sizeof(filters[0]); i++) {
		in.bv_val = (char *)filters[i].v;
		in.bv_len = strlen(filters[i].v);
		assert_int_equal(ldap_bv2escaped_filter_value(&in, &out), 0);
		assert_int_equal(ids_filter(&f, "%s", filters[i].v), IDS_OK);
		/* libldap gives NULL for an empty value. */
		if (strcasecmp(f, out.bv_val ? out.bv_val : "") != 0)
			fail_msg("row %zu: ids \"%s\", libldap \"%s\"", i, f,
			    out.bv_val);
		free(f);
		ber_memfree(out.bv_val);
	}
	/* Every single byte value. */
	for (c = 1; c < 256; c++) {
		value[0] = (char)c;
		value[1] = '\0';
		in.bv_val = value;
		in.bv_len = 1;
		assert_int_equal(ldap_bv2escaped_filter_value(&in, &out), 0);
		assert_int_equal(ids_filter(&f, "%s", value), IDS_OK);
		if (strcasecmp(f, out.bv_val) != 0)
			fail_msg("byte 0x%02x: ids \"%s\", libldap \"%s\"", c,
			    f, out.bv_val);
		free(f);
		ber_memfree(out.bv_val);
	}
}

static void
test_filter_long(void **state)
{
	char name[301], want[3 * 300 + 1], *f;
	size_t i;

	(void)state;
	memset(name, 'a', 300);
	name[300] = '\0';
	assert_int_equal(ids_filter(&f, "(uid=%s)", name), IDS_OK);
	assert_int_equal(strlen(f), 300 + 6);
	assert_int_equal(strncmp(f + 5, name, 300), 0);
	free(f);

	/* 300 stars: three times as long, and the buffer grows to fit. */
	memset(name, '*', 300);
	for (i = 0; i < 300; i++)
		memcpy(want + 3 * i, "\\2a", 3);
	want[900] = '\0';
	assert_int_equal(ids_filter(&f, "(uid=%s)", name), IDS_OK);
	assert_int_equal(strlen(f), 900 + 6);
	assert_int_equal(strncmp(f + 5, want, 900), 0);
	assert_string_equal(f + 905, ")");
	free(f);
}

static void
test_filter_several(void **state)
{
	char *f;

	(void)state;
	assert_int_equal(ids_filter(&f,
	    "(&(objectClass=idpUser)(mail=%s)(uid=%s))", "a*@example.org",
	    "b)(c"), IDS_OK);
	assert_string_equal(f,
	    "(&(objectClass=idpUser)(mail=a\\2a@example.org)(uid=b\\29\\28c))");
	free(f);
	assert_int_equal(ids_filter(&f, "(cn=100%%)"), IDS_OK);
	assert_string_equal(f, "(cn=100%)");
	free(f);
	assert_int_equal(ids_filter(&f, "(cn=%s%%%s)", "*", "("), IDS_OK);
	assert_string_equal(f, "(cn=\\2a%\\28)");
	free(f);
	assert_int_equal(ids_filter(&f, ""), IDS_OK);
	assert_string_equal(f, "");
	free(f);
}

/* Anything but %s and %% in a filter format is refused. */
static void
test_filter_bad_format(void **state)
{
	static const char *const fmts[] = {
		"(uid=%D)", "(uid=%d)", "(uid=%x)", "(uid=%S)", "(uid=% s)",
		"(uid=%1s)",
	};
	char *f;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		f = (char *)fmts[i];
		if (ids_filter(&f, fmts[i], "x", "y") != IDS_EINVAL ||
		    f != NULL)
			fail_msg("%s accepted", fmts[i]);
	}
}

/* A copy of s whose NUL is the last byte before an unmapped page, so
 * that reading past the end of the format crashes the test. */
static char *
at_page_end(const char *s, void **map, size_t *maplen)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE), n = strlen(s) + 1;
	char *p;

	*maplen = 2 * pg;
	p = mmap(NULL, *maplen, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(p != MAP_FAILED);
	assert_int_equal(mprotect(p + pg, pg, PROT_NONE), 0);
	*map = p;
	memcpy(p + pg - n, s, n);
	return p + pg - n;
}

/* A format ending in a lone '%' is refused, without reading past its
 * NUL. */
static void
test_trailing_percent(void **state)
{
	size_t maplen;
	void *map;
	char *fmt, *out;

	(void)state;
	fmt = at_page_end("(uid=%", &map, &maplen);
	out = fmt;
	assert_int_equal(ids_filter(&out, fmt, "x"), IDS_EINVAL);
	assert_null(out);
	munmap(map, maplen);

	fmt = at_page_end("uid=%s,%", &map, &maplen);
	out = fmt;
	assert_int_equal(ids_dn(&out, fmt, "x"), IDS_EINVAL);
	assert_null(out);
	munmap(map, maplen);
}

/* "uid=%s,%D" with value v and BASE: the escaped RDN value. */
static const struct {
	const char	*v;
	const char	*want;
} dns[] = {
	{ "alice01", "alice01" },
	{ "a,b", "a\\2cb" },
	{ "a+b", "a\\2bb" },
	{ "a\"b", "a\\22b" },
	{ "a;b<c>d", "a\\3bb\\3cc\\3ed" },
	{ "a=b", "a\\3db" },
	{ "a\\b", "a\\5cb" },
	{ "#a", "\\23a" },
	{ "a#", "a#" },
	{ " a", "\\20a" },
	{ "a ", "a\\20" },
	{ "a b", "a b" },
	{ " ", "\\20" },
	{ "  ", "\\20\\20" },
	{ "   ", "\\20 \\20" },
	{ "# ", "\\23\\20" },
	{ "a\nb", "a\\0ab" },
	{ "\x01", "\\01" },
	{ "a\x7f", "a\\7f" },
	{ "*()", "*()" },
	{ "admin)(|(uid=*", "admin)(|(uid\\3d*" },
	{ "x,ou=admins", "x\\2cou\\3dadmins" },
	{ "\xe3\x83\xa6\xe3\x83\xbc\xe3\x82\xb6\xe3\x83\xbc",
	    "\xe3\x83\xa6\xe3\x83\xbc\xe3\x82\xb6\xe3\x83\xbc" },
};

static void
test_dn_table(void **state)
{
	char *dn, want[256];
	size_t i, failed = 0;
	int rc;

	(void)state;
	for (i = 0; i < sizeof(dns) / sizeof(dns[0]); i++) {
		snprintf(want, sizeof(want), "uid=%s,%s", dns[i].want, BASE);
		dn = NULL;
		rc = ids_dn(&dn, "uid=%s,%D", dns[i].v, BASE);
		if (rc != IDS_OK || dn == NULL || strcmp(dn, want) != 0) {
			print_error("row %zu: got %s \"%s\", want \"%s\"\n", i,
			    ids_rcname(rc), dn ? dn : "(null)", want);
			failed++;
		}
		free(dn);
	}
	assert_int_equal(failed, 0);
}

/* What ids_dn() builds, libldap parses back into the same value, and the
 * DN keeps exactly the RDNs of the format. */
static void
test_dn_parses_back(void **state)
{
	LDAPDN parsed;
	LDAPAVA *ava;
	char *dn;
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(dns) / sizeof(dns[0]); i++) {
		assert_int_equal(ids_dn(&dn, "uid=%s,%D", dns[i].v, BASE),
		    IDS_OK);
		parsed = NULL;
		if (ldap_str2dn(dn, &parsed, LDAP_DN_FORMAT_LDAPV3) !=
		    LDAP_SUCCESS)
			fail_msg("row %zu: libldap cannot parse %s", i, dn);
		for (n = 0; parsed[n] != NULL; n++)
			;
		assert_int_equal(n, 4);		/* uid, ou, dc, dc */
		assert_null(parsed[0][1]);	/* one AVA: no '+' got in */
		ava = parsed[0][0];
		assert_int_equal(ava->la_attr.bv_len, 3);
		assert_memory_equal(ava->la_attr.bv_val, "uid", 3);
		if (ava->la_value.bv_len != strlen(dns[i].v) ||
		    memcmp(ava->la_value.bv_val, dns[i].v,
		    ava->la_value.bv_len) != 0)
			fail_msg("row %zu: %s parses to another value", i, dn);
		ldap_dnfree(parsed);
		free(dn);
	}
}

static void
test_dn_passthrough(void **state)
{
	char *dn;

	(void)state;
	/* %D is already a DN: it is not escaped again. */
	assert_int_equal(ids_dn(&dn, "%D", "cn=a\\2cb+sn=c,dc=x"), IDS_OK);
	assert_string_equal(dn, "cn=a\\2cb+sn=c,dc=x");
	free(dn);
	assert_int_equal(ids_dn(&dn, "cn=state,%D", "uid=a,dc=x"), IDS_OK);
	assert_string_equal(dn, "cn=state,uid=a,dc=x");
	free(dn);
	assert_int_equal(ids_dn(&dn, "idpSeatCode=%s,ou=seats,o=%s,%D",
	    "S-1", "ACME, Inc.", "dc=x"), IDS_OK);
	assert_string_equal(dn,
	    "idpSeatCode=S-1,ou=seats,o=ACME\\2c Inc.,dc=x");
	free(dn);
	assert_int_equal(ids_dn(&dn, "cn=100%%,%D", "dc=x"), IDS_OK);
	assert_string_equal(dn, "cn=100%,dc=x");
	free(dn);
}

static void
test_dn_errors(void **state)
{
	static const char *const fmts[] = {
		"uid=%d,dc=x", "uid=%x", "uid=%S", "uid=%ls", "uid=%-s",
	};
	char *dn;
	size_t i;

	(void)state;
	dn = (char *)BASE;
	assert_int_equal(ids_dn(&dn, "uid=%s,%D", "", BASE), IDS_EINVAL);
	assert_null(dn);
	dn = (char *)BASE;
	assert_int_equal(ids_dn(&dn, "uid=%s,o=%s,%D", "a", "", BASE),
	    IDS_EINVAL);
	assert_null(dn);
	for (i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		dn = (char *)fmts[i];
		if (ids_dn(&dn, fmts[i], "x") != IDS_EINVAL || dn != NULL)
			fail_msg("%s accepted", fmts[i]);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_filter_table),
		cmocka_unit_test(test_filter_matches_libldap),
		cmocka_unit_test(test_filter_long),
		cmocka_unit_test(test_filter_several),
		cmocka_unit_test(test_filter_bad_format),
		cmocka_unit_test(test_trailing_percent),
		cmocka_unit_test(test_dn_table),
		cmocka_unit_test(test_dn_parses_back),
		cmocka_unit_test(test_dn_passthrough),
		cmocka_unit_test(test_dn_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
