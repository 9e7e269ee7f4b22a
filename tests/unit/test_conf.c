/* test_conf.c: ids_conf_load() against SPEC §4.  Every config is written
 * into a fresh mkdtemp directory; errors are compared against the exact
 * "file:line: key: " prefix the admin will see. */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "conf.h"
#include "rc.h"

#define MIN_OK	"uri = ldap://ldap1.example.org\nbase = dc=example,dc=org\n"

struct fx {
	char	 dir[64];
	char	 conf[128];		/* DIR/idportal.conf */
	char	 err[1024];
};

static int
rm_one(const char *p, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	return remove(p);
}

static int
setup(void **state)
{
	struct fx *fx;

	if ((fx = calloc(1, sizeof(*fx))) == NULL)
		return -1;
	strcpy(fx->dir, "/tmp/test_conf.XXXXXX");
	if (mkdtemp(fx->dir) == NULL) {
		free(fx);
		return -1;
	}
	snprintf(fx->conf, sizeof(fx->conf), "%s/idportal.conf", fx->dir);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *fx = *state;

	nftw(fx->dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
	free(fx);
	return 0;
}

/* Write exactly len bytes, then set the mode (umask cannot interfere). */
static void
write_bytes(const char *path, const char *data, size_t len, mode_t mode)
{
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	assert_int_equal(fchmod(fd, mode), 0);
	assert_int_equal(close(fd), 0);
}

/* text with every "@D@" replaced by the fixture's directory. */
static char *
expand(const struct fx *fx, const char *text)
{
	size_t dl = strlen(fx->dir), n = 0;
	const char *p;
	char *out, *o;

	for (p = text; (p = strstr(p, "@D@")) != NULL; p += 3)
		n++;
	out = malloc(strlen(text) + n * dl + 1);
	assert_non_null(out);
	for (o = out, p = text; *p != '\0';) {
		if (strncmp(p, "@D@", 3) == 0) {
			memcpy(o, fx->dir, dl);
			o += dl;
			p += 3;
		} else
			*o++ = *p++;
	}
	*o = '\0';
	return out;
}

/* Write text (after @D@ expansion) as the config, mode 0600, and load it. */
static int
load(struct fx *fx, const char *text, struct ids_conf **conf)
{
	char *t = expand(fx, text);

	write_bytes(fx->conf, t, strlen(t), 0600);
	free(t);
	fx->err[0] = '\0';
	return ids_conf_load(fx->conf, conf, fx->err, sizeof(fx->err));
}

static void
secret_file(const struct fx *fx, const char *name, mode_t mode)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", fx->dir, name);
	write_bytes(path, "s3cret\n", 7, mode);
}

static size_t
list_len(char **list)
{
	size_t n = 0;

	assert_non_null(list);
	while (list[n] != NULL)
		n++;
	return n;
}

/* Every key of the parser, with a value other than its default. */
static const char full[] =
    "# idportal.conf: every key, none at its default\n"
    "uri = ldap://ldap1.example.org ldap://ldap2.example.org\n"
    "write_uri = ldap://writer.example.org:3890\n"
    "base = dc=example,dc=org\n"
    "bind_dn = cn=idportal-host,ou=services,dc=example,dc=org\n"
    "bind_pw_file = @D@/bind.secret\n"
    "tls = starttls\n"
    "tls_ca_file = /etc/ssl/certs/site-ca.pem\n"
    "timeout = 7\n"
    "timezone = Asia/Tokyo\n"
    "temp_password_length = 12\n"
    "max_password_failures = 9\n"
    "max_totp_failures = 4\n"
    "lockout_duration = 1h\n"
    "totp_window = 2\n"
    "totp_key_file = @D@/totp.key\n"
    "require_totp = group:admins\n"
    "seat_required = all\n"
    "allow_groups = wheel, staff ops\n"
    "cache_file = /var/lib/idportal/cache2\n"
    "mail_command = /usr/sbin/sendmail -t -i -f idportal@example.org\n"
    "mail_from = idportal@example.org\n"
    "invite_validity = 7d\n"
    "allow_signup = yes\n"
    "signup_validity = 48h\n"
    "reset_interval = 15m\n";

static void
test_full_file(void **state)
{
	struct fx *fx = *state;
	struct ids_conf *c = NULL;
	char want[PATH_MAX], key[64];
	const char *k;
	size_t i;

	/* The file above must keep up with the parser's table. */
	for (i = 0; (k = ids_conf_key(i)) != NULL; i++) {
		snprintf(key, sizeof(key), "\n%s = ", k);
		if (strstr(full, key) == NULL)
			fail_msg("key %s missing from the full config", k);
	}
	secret_file(fx, "bind.secret", 0600);
	secret_file(fx, "totp.key", 0400);
	assert_int_equal(load(fx, full, &c), IDS_OK);
	assert_non_null(c);
	assert_string_equal(c->path, fx->conf);
	assert_int_equal(list_len(c->uri), 2);
	assert_string_equal(c->uri[0], "ldap://ldap1.example.org");
	assert_string_equal(c->uri[1], "ldap://ldap2.example.org");
	assert_int_equal(list_len(c->write_uri), 1);
	assert_string_equal(c->write_uri[0], "ldap://writer.example.org:3890");
	assert_string_equal(c->base, "dc=example,dc=org");
	assert_string_equal(c->bind_dn,
	    "cn=idportal-host,ou=services,dc=example,dc=org");
	snprintf(want, sizeof(want), "%s/bind.secret", fx->dir);
	assert_string_equal(c->bind_pw_file, want);
	assert_int_equal(c->tls, IDS_TLS_STARTTLS);
	assert_string_equal(c->tls_ca_file, "/etc/ssl/certs/site-ca.pem");
	assert_int_equal(c->timeout, 7);
	assert_string_equal(c->timezone, "Asia/Tokyo");
	assert_int_equal(c->temp_password_length, 12);
	assert_int_equal(c->max_password_failures, 9);
	assert_int_equal(c->max_totp_failures, 4);
	assert_int_equal(c->lockout_duration, 3600);
	assert_int_equal(c->totp_window, 2);
	snprintf(want, sizeof(want), "%s/totp.key", fx->dir);
	assert_string_equal(c->totp_key_file, want);
	assert_int_equal(c->require_totp, IDS_REQUIRE_TOTP_GROUP);
	assert_string_equal(c->require_totp_group, "admins");
	assert_int_equal(c->seat_required, IDS_SEAT_ALL);
	assert_int_equal(list_len(c->allow_groups), 3);
	assert_string_equal(c->allow_groups[0], "wheel");
	assert_string_equal(c->allow_groups[1], "staff");
	assert_string_equal(c->allow_groups[2], "ops");
	assert_string_equal(c->cache_file, "/var/lib/idportal/cache2");
	assert_int_equal(list_len(c->mail_command), 5);
	assert_string_equal(c->mail_command[0], "/usr/sbin/sendmail");
	assert_string_equal(c->mail_command[1], "-t");
	assert_string_equal(c->mail_command[2], "-i");
	assert_string_equal(c->mail_command[3], "-f");
	assert_string_equal(c->mail_command[4], "idportal@example.org");
	assert_string_equal(c->mail_from, "idportal@example.org");
	assert_int_equal(c->invite_validity, 7 * 86400);
	assert_int_equal(c->allow_signup, 1);
	assert_int_equal(c->signup_validity, 48 * 3600);
	assert_int_equal(c->reset_interval, 15 * 60);
	ids_conf_free(c);
}

static void
test_defaults(void **state)
{
	struct fx *fx = *state;
	struct ids_conf *c = NULL;

	assert_int_equal(load(fx, MIN_OK, &c), IDS_OK);
	assert_int_equal(list_len(c->uri), 1);
	/* write_uri defaults to uri: an equal list, but its own copy. */
	assert_int_equal(list_len(c->write_uri), 1);
	assert_string_equal(c->write_uri[0], "ldap://ldap1.example.org");
	assert_ptr_not_equal(c->write_uri, c->uri);
	assert_ptr_not_equal(c->write_uri[0], c->uri[0]);
	assert_null(c->bind_dn);
	assert_null(c->bind_pw_file);
	assert_int_equal(c->tls, IDS_TLS_STARTTLS);
	assert_string_equal(c->tls_ca_file,
	    "/etc/ssl/certs/ca-certificates.crt");
	assert_int_equal(c->timeout, 5);
	assert_string_equal(c->timezone, "UTC");
	assert_int_equal(c->temp_password_length, 10);
	assert_int_equal(c->max_password_failures, 10);
	assert_int_equal(c->max_totp_failures, 5);
	assert_int_equal(c->lockout_duration, 0);
	assert_int_equal(c->totp_window, 1);
	assert_string_equal(c->totp_key_file, "/etc/idportal/totp.key");
	assert_int_equal(c->require_totp, IDS_REQUIRE_TOTP_ENROLLED);
	assert_null(c->require_totp_group);
	assert_int_equal(c->seat_required, IDS_SEAT_CORPORATE);
	assert_int_equal(list_len(c->allow_groups), 0);
	assert_string_equal(c->cache_file, "/var/lib/idportal/cache");
	assert_int_equal(list_len(c->mail_command), 3);
	assert_string_equal(c->mail_command[0], "/usr/sbin/sendmail");
	assert_string_equal(c->mail_command[1], "-t");
	assert_string_equal(c->mail_command[2], "-i");
	assert_null(c->mail_from);
	assert_int_equal(c->invite_validity, 7 * 86400);
	assert_int_equal(c->allow_signup, 0);
	assert_int_equal(c->signup_validity, 48 * 3600);
	assert_int_equal(c->reset_interval, 15 * 60);
	ids_conf_free(c);
}

static void
test_comments(void **state)
{
	struct fx *fx = *state;
	struct ids_conf *c = NULL;

	assert_int_equal(load(fx,
	    "# a comment line\n"
	    "   # an indented comment = with an equals sign\n"
	    "\n"
	    "\t\n"
	    "uri = ldap://ldap1.example.org ldap://ldap2.example.org   "
	    "# tried in order, failover\n"
	    "write_uri =   # comment\n"
	    "base = dc=example,dc=org\t# after a tab\n"
	    "mail_from = ops#1@example.org\n"
	    "timeout = 7 #seven\n"
	    "allow_groups =    # none\n", &c), IDS_OK);
	assert_int_equal(list_len(c->uri), 2);
	assert_string_equal(c->uri[1], "ldap://ldap2.example.org");
	/* An empty write_uri (only a comment) means "same as uri". */
	assert_int_equal(list_len(c->write_uri), 2);
	assert_string_equal(c->write_uri[0], "ldap://ldap1.example.org");
	assert_string_equal(c->write_uri[1], "ldap://ldap2.example.org");
	assert_string_equal(c->base, "dc=example,dc=org");
	/* '#' not after a blank is part of the value. */
	assert_string_equal(c->mail_from, "ops#1@example.org");
	assert_int_equal(c->timeout, 7);
	assert_int_equal(list_len(c->allow_groups), 0);
	ids_conf_free(c);
}

static void
test_durations(void **state)
{
	static const struct {
		const char	*v;
		long		 secs;
	} d[] = {
		{ "0", 0 }, { "90", 90 }, { "90s", 90 }, { "15m", 900 },
		{ "48h", 172800 }, { "7d", 604800 }, { "100d", 8640000 },
	};
	struct fx *fx = *state;
	struct ids_conf *c;
	char text[256];
	size_t i;

	for (i = 0; i < sizeof(d) / sizeof(d[0]); i++) {
		snprintf(text, sizeof(text), MIN_OK "reset_interval = %s\n"
		    "lockout_duration = %s\n", d[i].v, d[i].v);
		c = NULL;
		if (load(fx, text, &c) != IDS_OK)
			fail_msg("%s: %s", d[i].v, fx->err);
		assert_int_equal(c->reset_interval, d[i].secs);
		assert_int_equal(c->lockout_duration, d[i].secs);
		ids_conf_free(c);
	}
}

/* tls = none is fine when nothing leaves the host. */
static void
test_tls_none_local(void **state)
{
	static const char *const uris[] = {
		"ldapi:///",
		"ldapi://%2Fvar%2Frun%2Fslapd%2Fldapi",
		"ldap://127.0.0.1",
		"ldap://127.0.0.1:3890",
		"ldap://localhost:389",
		"ldap://[::1]:389",
		"ldapi:/// ldap://127.0.0.1",
	};
	struct fx *fx = *state;
	struct ids_conf *c;
	char text[256];
	size_t i;

	for (i = 0; i < sizeof(uris) / sizeof(uris[0]); i++) {
		snprintf(text, sizeof(text), "uri = %s\nbase = dc=x\n"
		    "tls = none\n", uris[i]);
		c = NULL;
		if (load(fx, text, &c) != IDS_OK)
			fail_msg("%s: %s", uris[i], fx->err);
		assert_int_equal(c->tls, IDS_TLS_NONE);
		ids_conf_free(c);
	}
	c = NULL;
	assert_int_equal(load(fx, "uri = ldaps://ldap1.example.org\n"
	    "base = dc=x\ntls = ldaps\n", &c), IDS_OK);
	assert_int_equal(c->tls, IDS_TLS_LDAPS);
	ids_conf_free(c);
}

/* Errors: rc IDS_ECONF, *out NULL, err = "CONF:line: key: ..." with why
 * somewhere after the prefix.  line 0: "CONF: key: ...". */
static const struct {
	const char	*text;
	int		 line;
	const char	*key;
	const char	*why;
} bad[] = {
	{ MIN_OK "frobnicate = 1\n", 3, "frobnicate", "unknown key" },
	{ MIN_OK "timeout = 5x\n", 3, "timeout", "\"5x\" is not a number" },
	{ MIN_OK "timeout = 5#x\n", 3, "timeout", "\"5#x\"" },
	{ MIN_OK "timeout = 0\n", 3, "timeout", "from 1 to 300" },
	{ MIN_OK "timeout = 301\n", 3, "timeout", "\"301\"" },
	{ MIN_OK "timeout = -1\n", 3, "timeout", "\"-1\"" },
	{ MIN_OK "timeout = +5\n", 3, "timeout", "\"+5\"" },
	{ MIN_OK "timeout = 0x5\n", 3, "timeout", "\"0x5\"" },
	{ MIN_OK "timeout =\n", 3, "timeout", "\"\"" },
	{ MIN_OK "max_totp_failures = 99999999999999999999999\n", 3,
	    "max_totp_failures", "99999999999999999999999" },
	{ MIN_OK "temp_password_length = 7\n", 3, "temp_password_length",
	    "\"7\"" },
	{ MIN_OK "temp_password_length = 33\n", 3, "temp_password_length",
	    "\"33\"" },
	{ MIN_OK "totp_window = 11\n", 3, "totp_window", "\"11\"" },
	{ MIN_OK "lockout_duration = 106751991167301d\n", 3,
	    "lockout_duration", "not a duration" },
	{ MIN_OK "invite_validity = 59s\n", 3, "invite_validity",
	    "at least 60s" },
	{ MIN_OK "signup_validity = 2w\n", 3, "signup_validity", "\"2w\"" },
	{ MIN_OK "reset_interval = 15 m\n", 3, "reset_interval", "\"15 m\"" },
	{ MIN_OK "reset_interval = m\n", 3, "reset_interval", "\"m\"" },
	{ MIN_OK "timeout = 5\n\ntimeout = 6\n", 5, "timeout",
	    "already set on line 3" },
	{ "uri = ldap://a.example.org\nuri = ldap://b.example.org\n", 2,
	    "uri", "line 1" },
	{ "base = dc=example,dc=org\n", 0, "uri", "required key is missing" },
	{ "uri = ldap://ldap1.example.org\n", 0, "base",
	    "required key is missing" },
	{ "uri =\nbase = dc=x\n", 1, "uri", "no URI" },
	{ "uri = http://ldap.example.org\nbase = dc=x\n", 1, "uri",
	    "\"http://ldap.example.org\"" },
	{ "uri = ldap://a.example.org ldapx://b\nbase = dc=x\n", 1, "uri",
	    "\"ldapx://b\"" },
	{ MIN_OK "write_uri = https://w.example.org\n", 3, "write_uri",
	    "\"https://w.example.org\"" },
	{ MIN_OK "tls = yes\n", 3, "tls", "\"yes\"" },
	{ MIN_OK "\ntls = none\n", 4, "tls", "ldap://ldap1.example.org" },
	{ "uri = ldapi:///\nbase = dc=x\ntls = none\n"
	    "write_uri = ldap://w.example.org\n", 3, "tls",
	    "ldap://w.example.org" },
	{ "uri = ldap://localhost.example.org\nbase = dc=x\ntls = none\n", 3,
	    "tls", "ldap://localhost.example.org" },
	{ MIN_OK "tls = ldaps\n", 3, "tls", "ldap://ldap1.example.org" },
	{ MIN_OK "bind_dn = cn=host,dc=example,dc=org\n", 3, "bind_dn",
	    "bind_pw_file" },
	{ MIN_OK "bind_dn = not a dn\n", 3, "bind_dn", "\"not a dn\"" },
	{ "uri = ldap://a.example.org\nbase = example.org\n", 2, "base",
	    "\"example.org\"" },
	{ MIN_OK "cache_file = var/lib/idportal/cache\n", 3, "cache_file",
	    "absolute" },
	{ MIN_OK "tls_ca_file = ca.crt\n", 3, "tls_ca_file", "absolute" },
	{ MIN_OK "bind_pw_file = bind.secret\n", 3, "bind_pw_file",
	    "absolute" },
	{ MIN_OK "totp_key_file = ./totp.key\n", 3, "totp_key_file",
	    "absolute" },
	{ MIN_OK "timezone = Mars/Base\n", 3, "timezone", "\"Mars/Base\"" },
	{ MIN_OK "timezone = ../etc\n", 3, "timezone", "\"../etc\"" },
	{ MIN_OK "timezone = Asia/../../../../etc/passwd\n", 3, "timezone",
	    "passwd" },
	{ MIN_OK "timezone = /usr/share/zoneinfo/UTC\n", 3, "timezone",
	    "zoneinfo/UTC" },
	{ MIN_OK "timezone = Asia/Tokyo;x\n", 3, "timezone", "Tokyo;x" },
	{ MIN_OK "timezone =\n", 3, "timezone", "\"\"" },
	{ MIN_OK "require_totp = sometimes\n", 3, "require_totp",
	    "\"sometimes\"" },
	{ MIN_OK "require_totp = group:\n", 3, "require_totp", "group:" },
	{ MIN_OK "require_totp = group:a b\n", 3, "require_totp",
	    "group:a b" },
	{ MIN_OK "seat_required = some\n", 3, "seat_required", "\"some\"" },
	{ MIN_OK "allow_signup = maybe\n", 3, "allow_signup", "\"maybe\"" },
	{ MIN_OK "mail_command = sendmail -t\n", 3, "mail_command",
	    "absolute path" },
	{ MIN_OK "mail_command =\n", 3, "mail_command", "absolute path" },
	{ MIN_OK "role_map = librarian=Contributor\n", 3, "role_map",
	    "unknown key" },
};

/* Load text and check the error; prints what went wrong and returns 0. */
static int
check_error(struct fx *fx, const char *text, int line, const char *key,
    const char *why)
{
	struct ids_conf *c = (struct ids_conf *)fx;	/* comes back NULL */
	char prefix[PATH_MAX + 64];
	int rc;

	rc = load(fx, text, &c);
	if (line == 0)
		snprintf(prefix, sizeof(prefix), "%s: %s: ", fx->conf, key);
	else
		snprintf(prefix, sizeof(prefix), "%s:%d: %s: ", fx->conf, line,
		    key);
	if (rc == IDS_ECONF && c == NULL &&
	    strncmp(fx->err, prefix, strlen(prefix)) == 0 &&
	    strstr(fx->err + strlen(prefix), why) != NULL)
		return 1;
	print_error("%s  rc %s, err \"%s\"\n  want IDS_ECONF, \"%s...%s...\"\n",
	    text, ids_rcname(rc), fx->err, prefix, why);
	if (rc == IDS_OK && c != (struct ids_conf *)fx)
		ids_conf_free(c);
	return 0;
}

static void
test_errors(void **state)
{
	struct fx *fx = *state;
	size_t i, failed = 0;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (!check_error(fx, bad[i].text, bad[i].line, bad[i].key,
		    bad[i].why))
			failed++;
	assert_int_equal(failed, 0);
}

/* A DNS name that merely starts with "127." is not loopback, so tls =
 * none must not accept it (it would send the bind password in clear). */
static void
test_tls_none_127_hostname(void **state)
{
	struct fx *fx = *state;

	assert_true(check_error(fx, "uri = ldap://127.0.0.1.nip.io\n"
	    "base = dc=x\ntls = none\n", 3, "tls", "127.0.0.1.nip.io"));
	assert_true(check_error(fx, "uri = ldap://127.example.org\n"
	    "base = dc=x\ntls = none\n", 3, "tls", "127.example.org"));
}

/* A directory below /usr/share/zoneinfo is not a zone: glibc would
 * silently run the deadline in UTC. */
static void
test_timezone_directory(void **state)
{
	struct fx *fx = *state;

	assert_true(check_error(fx, MIN_OK "timezone = Asia\n", 3,
	    "timezone", "\"Asia\""));
}

/* conf.h: errors name "file:line: key: why", also for a line that lacks
 * its "=". */
static void
test_missing_equals_names_key(void **state)
{
	struct fx *fx = *state;

	assert_true(check_error(fx, MIN_OK "timeout 5\n", 3, "timeout",
	    "key = value"));
}

static void
test_bind_pw_file(void **state)
{
	struct fx *fx = *state;
	struct ids_conf *c = NULL;
	char want[PATH_MAX * 2];
	static const char text[] = MIN_OK
	    "bind_dn = cn=host,dc=example,dc=org\n"
	    "bind_pw_file = @D@/bind.secret\n";

	/* Missing: accepted (`idportal init` creates it). */
	assert_int_equal(load(fx, text, &c), IDS_OK);
	snprintf(want, sizeof(want), "%s/bind.secret", fx->dir);
	assert_string_equal(c->bind_pw_file, want);
	ids_conf_free(c);

	secret_file(fx, "bind.secret", 0600);
	assert_int_equal(load(fx, text, &c), IDS_OK);
	ids_conf_free(c);

	secret_file(fx, "bind.secret", 0644);
	c = (struct ids_conf *)fx;
	assert_int_equal(load(fx, text, &c), IDS_ECONF);
	assert_null(c);
	snprintf(want, sizeof(want), "%s:4: bind_pw_file: %s/bind.secret "
	    "is mode 0644, want 0600", fx->conf, fx->dir);
	assert_string_equal(fx->err, want);

	secret_file(fx, "bind.secret", 0640);
	assert_int_equal(load(fx, text, &c), IDS_ECONF);
	assert_non_null(strstr(fx->err, "mode 0640"));
}

static void
test_totp_key_file_mode(void **state)
{
	struct fx *fx = *state;
	struct ids_conf *c = NULL;

	secret_file(fx, "totp.key", 0604);
	assert_int_equal(load(fx, MIN_OK "totp_key_file = @D@/totp.key\n",
	    &c), IDS_ECONF);
	assert_null(c);
	assert_non_null(strstr(fx->err, ":3: totp_key_file: "));
	assert_non_null(strstr(fx->err, "mode 0604"));
}

/* The config itself may be readable, never writable, by others. */
static void
test_config_mode(void **state)
{
	static const struct {
		mode_t	 mode;
		int	 rc;
	} m[] = {
		{ 0600, IDS_OK }, { 0640, IDS_OK }, { 0644, IDS_OK },
		{ 0400, IDS_OK }, { 0620, IDS_ECONF }, { 0602, IDS_ECONF },
		{ 0660, IDS_ECONF }, { 0666, IDS_ECONF },
	};
	struct fx *fx = *state;
	struct ids_conf *c;
	char want[32];
	size_t i;
	int rc;

	for (i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		write_bytes(fx->conf, MIN_OK, strlen(MIN_OK), m[i].mode);
		c = NULL;
		rc = ids_conf_load(fx->conf, &c, fx->err, sizeof(fx->err));
		if (rc != m[i].rc)
			fail_msg("mode %04o: %s (%s)", (unsigned)m[i].mode,
			    ids_rcname(rc), fx->err);
		if (rc == IDS_ECONF) {
			assert_null(c);
			assert_int_equal(strncmp(fx->err, fx->conf,
			    strlen(fx->conf)), 0);
			snprintf(want, sizeof(want), "mode %04o",
			    (unsigned)m[i].mode);
			assert_non_null(strstr(fx->err, want));
		}
		ids_conf_free(c);
	}
}

static void
test_config_owner(void **state)
{
	struct fx *fx = *state;
	struct ids_conf *c = NULL;

	if (geteuid() != 0)
		skip();
	write_bytes(fx->conf, MIN_OK, strlen(MIN_OK), 0644);
	assert_int_equal(chown(fx->conf, 4242, 4242), 0);
	assert_int_equal(ids_conf_load(fx->conf, &c, fx->err,
	    sizeof(fx->err)), IDS_ECONF);
	assert_null(c);
	assert_non_null(strstr(fx->err, "uid 4242"));
}

static void
test_nul_byte(void **state)
{
	static const char text[] = "uri = ldap://ldap1.example.org\n"
	    "base = dc=exa\0mple,dc=org\n";
	struct fx *fx = *state;
	struct ids_conf *c = (struct ids_conf *)fx;
	char prefix[PATH_MAX];

	write_bytes(fx->conf, text, sizeof(text) - 1, 0600);
	assert_int_equal(ids_conf_load(fx->conf, &c, fx->err,
	    sizeof(fx->err)), IDS_ECONF);
	assert_null(c);
	snprintf(prefix, sizeof(prefix), "%s:2: ", fx->conf);
	assert_int_equal(strncmp(fx->err, prefix, strlen(prefix)), 0);
	assert_non_null(strstr(fx->err, "NUL"));
}

static void
test_missing_file(void **state)
{
	struct fx *fx = *state;
	struct ids_conf *c = (struct ids_conf *)fx;
	char want[PATH_MAX * 2];

	assert_int_equal(ids_conf_load(fx->conf, &c, fx->err,
	    sizeof(fx->err)), IDS_ECONF);
	assert_null(c);
	snprintf(want, sizeof(want), "%s: %s", fx->conf, strerror(ENOENT));
	assert_string_equal(fx->err, want);
}

static void
test_env_override(void **state)
{
	struct fx *fx = *state;
	struct ids_conf *c = NULL;
	char *saved = NULL;
	const char *old = getenv("IDPORTAL_CONF");

	if (old != NULL)
		assert_non_null(saved = strdup(old));
	write_bytes(fx->conf, MIN_OK "timeout = 42\n",
	    strlen(MIN_OK "timeout = 42\n"), 0600);
	assert_int_equal(setenv("IDPORTAL_CONF", fx->conf, 1), 0);
	assert_string_equal(ids_conf_default_path(), fx->conf);
	assert_int_equal(ids_conf_load(NULL, &c, fx->err, sizeof(fx->err)),
	    IDS_OK);
	assert_string_equal(c->path, fx->conf);
	assert_int_equal(c->timeout, 42);
	ids_conf_free(c);

	/* A missing file named by the variable is that file's error. */
	assert_int_equal(unlink(fx->conf), 0);
	assert_int_equal(ids_conf_load(NULL, &c, fx->err, sizeof(fx->err)),
	    IDS_ECONF);
	assert_int_equal(strncmp(fx->err, fx->conf, strlen(fx->conf)), 0);

	assert_int_equal(setenv("IDPORTAL_CONF", "", 1), 0);
	assert_string_equal(ids_conf_default_path(), IDS_CONF_DEFAULT_PATH);
	assert_int_equal(unsetenv("IDPORTAL_CONF"), 0);
	assert_string_equal(ids_conf_default_path(), IDS_CONF_DEFAULT_PATH);
	if (saved != NULL)
		setenv("IDPORTAL_CONF", saved, 1);
	free(saved);
}

static void
test_keys(void **state)
{
	const char *k, *j;
	size_t i, n;

	(void)state;
	for (n = 0; (k = ids_conf_key(n)) != NULL; n++) {
		assert_true(*k != '\0');
		assert_int_equal(strspn(k, "abcdefghijklmnopqrstuvwxyz_"),
		    strlen(k));
		for (i = 0; i < n; i++) {
			j = ids_conf_key(i);
			if (strcmp(j, k) == 0)
				fail_msg("key %s twice in the table", k);
		}
	}
	assert_true(n >= 25);	/* the 25 keys of SPEC §4 */
	assert_null(ids_conf_key(n + 1));
	assert_null(ids_conf_key((size_t)-1));
	ids_conf_free(NULL);
}

/* SPEC §4 (../shared/SPEC.md beside the repository) as a string, or NULL
 * if this checkout has no shared/ next to it. */
static char *
spec_section4(void)
{
	char exe[PATH_MAX], path[PATH_MAX + 32], *buf = NULL, *s, *e, *p;
	const char *tries[2] = { "../shared/SPEC.md", path };
	ssize_t n;
	size_t len = 0, i;
	FILE *f = NULL;
	int up;

	path[0] = '\0';
	/* build/tests/test_conf -> the repository root is three up. */
	if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) > 0) {
		exe[n] = '\0';
		for (up = 0; up < 3 && (p = strrchr(exe, '/')) != NULL; up++)
			*p = '\0';
		snprintf(path, sizeof(path), "%s/../shared/SPEC.md", exe);
	}
	for (i = 0; i < 2 && f == NULL; i++)
		if (*tries[i] != '\0')
			f = fopen(tries[i], "re");
	if (f == NULL)
		return NULL;
	n = getdelim(&buf, &len, '\0', f);
	fclose(f);
	assert_true(n > 0);
	s = strstr(buf, "\n## 4.");
	assert_non_null(s);
	if ((e = strstr(s + 1, "\n## ")) != NULL)
		*e = '\0';
	memmove(buf, s, strlen(s) + 1);
	return buf;
}

/* The indented example of §4, one "key = value" a line, each line's
 * four-space indent removed. */
static char *
spec_example(const char *sec)
{
	const char *p, *nl;
	char *out, *o;

	assert_non_null(out = malloc(strlen(sec) + 1));
	o = out;
	for (p = sec; p != NULL && *p != '\0'; p = nl ? nl + 1 : NULL) {
		nl = strchr(p, '\n');
		if (strncmp(p, "    ", 4) != 0)
			continue;
		p += 4;
		while (p < (nl ? nl : p + strlen(p)))
			*o++ = *p++;
		*o++ = '\n';
	}
	*o = '\0';
	return out;
}

static void
test_keys_in_spec(void **state)
{
	char *sec, *ex, key[64];
	const char *k, *p;
	size_t i, len, failed = 0;

	(void)state;
	if ((sec = spec_section4()) == NULL)
		skip();
	ex = spec_example(sec);
	for (i = 0; (k = ids_conf_key(i)) != NULL; i++) {
		snprintf(key, sizeof(key), "\n%s = ", k);
		if (strncmp(ex, key + 1, strlen(key + 1)) != 0 &&
		    strstr(ex, key) == NULL) {
			print_error("SPEC §4 does not document key %s\n", k);
			failed++;
		}
	}
	/* And the other way: every key the SPEC shows is parsed. */
	for (p = ex; *p != '\0'; p = strchr(p, '\n') + 1) {
		len = strspn(p, "abcdefghijklmnopqrstuvwxyz_");
		if (len == 0)
			continue;
		for (i = 0; (k = ids_conf_key(i)) != NULL; i++)
			if (strlen(k) == len && strncmp(p, k, len) == 0)
				break;
		if (k == NULL) {
			print_error("SPEC §4 key %.*s unknown to the parser\n",
			    (int)len, p);
			failed++;
		}
	}
	free(ex);
	free(sec);
	assert_int_equal(failed, 0);
}

/* The example the SPEC shows admins loads as it stands. */
static void
test_spec_example_loads(void **state)
{
	struct fx *fx = *state;
	struct ids_conf *c = NULL;
	char *sec, *ex;

	if ((sec = spec_section4()) == NULL)
		skip();
	ex = spec_example(sec);
	free(sec);
	if (load(fx, ex, &c) != IDS_OK) {
		free(ex);
		fail_msg("SPEC §4 example: %s", fx->err);
	}
	free(ex);
	assert_int_equal(list_len(c->uri), 2);
	assert_string_equal(c->write_uri[1], "ldap://ldap2.example.org");
	assert_string_equal(c->timezone, "Asia/Tokyo");
	assert_int_equal(c->reset_interval, 900);
	ids_conf_free(c);
}

/* A test with a fresh temporary directory. */
#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_full_file),
		T(test_defaults),
		T(test_comments),
		T(test_durations),
		T(test_tls_none_local),
		T(test_errors),
		T(test_tls_none_127_hostname),
		T(test_timezone_directory),
		T(test_missing_equals_names_key),
		T(test_bind_pw_file),
		T(test_totp_key_file_mode),
		T(test_config_mode),
		T(test_config_owner),
		T(test_nul_byte),
		T(test_missing_file),
		T(test_env_override),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_keys_in_spec),
		T(test_spec_example_loads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
