/* conf.c: the configuration table and its parsers. */
#include "conf.h"
#include "rc.h"
#include "secret.h"

#include <sys/stat.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ldap.h>

/* A parser turns a value into the field at conf + off; on failure it
 * writes why into err (without file:line, added by the caller). */
typedef int (*parse_fn)(struct ids_conf *conf, size_t off, const char *v,
    long min, long max, char *err, size_t errlen);

struct key {
	const char	*name;
	parse_fn	 parse;
	size_t		 off;
	const char	*def;		/* NULL: no default */
	long		 min, max;	/* for numbers */
	int		 required;
};

#define F(field) offsetof(struct ids_conf, field)
#define FIELD(conf, off, type) ((type *)(void *)((char *)(conf) + (off)))

static int	parse_str(struct ids_conf *, size_t, const char *, long, long,
		    char *, size_t);
static int	parse_path(struct ids_conf *, size_t, const char *, long,
		    long, char *, size_t);
static int	parse_secret_path(struct ids_conf *, size_t, const char *,
		    long, long, char *, size_t);
static int	parse_uris(struct ids_conf *, size_t, const char *, long,
		    long, char *, size_t);
static int	parse_dn(struct ids_conf *, size_t, const char *, long, long,
		    char *, size_t);
static int	parse_tls(struct ids_conf *, size_t, const char *, long, long,
		    char *, size_t);
static int	parse_number(struct ids_conf *, size_t, const char *, long,
		    long, char *, size_t);
static int	parse_duration(struct ids_conf *, size_t, const char *, long,
		    long, char *, size_t);
static int	parse_bool(struct ids_conf *, size_t, const char *, long,
		    long, char *, size_t);
static int	parse_words(struct ids_conf *, size_t, const char *, long,
		    long, char *, size_t);
static int	parse_command(struct ids_conf *, size_t, const char *, long,
		    long, char *, size_t);
static int	parse_timezone(struct ids_conf *, size_t, const char *, long,
		    long, char *, size_t);
static int	parse_require_totp(struct ids_conf *, size_t, const char *,
		    long, long, char *, size_t);
static int	parse_seat_required(struct ids_conf *, size_t, const char *,
		    long, long, char *, size_t);

static const struct key keys[] = {
	{ "uri", parse_uris, F(uri), NULL, 0, 0, 1 },
	{ "write_uri", parse_uris, F(write_uri), "", 0, 0, 0 },
	{ "base", parse_dn, F(base), NULL, 0, 0, 1 },
	{ "bind_dn", parse_dn, F(bind_dn), "", 0, 0, 0 },
	{ "bind_pw_file", parse_secret_path, F(bind_pw_file), "", 0, 0, 0 },
	{ "tls", parse_tls, F(tls), "starttls", 0, 0, 0 },
	{ "tls_ca_file", parse_path, F(tls_ca_file),
	    "/etc/ssl/certs/ca-certificates.crt", 0, 0, 0 },
	{ "timeout", parse_number, F(timeout), "5", 1, 300, 0 },
	{ "timezone", parse_timezone, F(timezone), "UTC", 0, 0, 0 },
	{ "temp_password_length", parse_number, F(temp_password_length),
	    "10", 8, 32, 0 },
	{ "max_password_failures", parse_number, F(max_password_failures),
	    "10", 1, 1000, 0 },
	{ "max_totp_failures", parse_number, F(max_totp_failures), "5", 1,
	    1000, 0 },
	{ "lockout_duration", parse_duration, F(lockout_duration), "0", 0,
	    LONG_MAX, 0 },
	{ "totp_window", parse_number, F(totp_window), "1", 0, 10, 0 },
	{ "totp_key_file", parse_secret_path, F(totp_key_file),
	    "/etc/idportal/totp.key", 0, 0, 0 },
	{ "require_totp", parse_require_totp, F(require_totp), "enrolled",
	    0, 0, 0 },
	{ "seat_required", parse_seat_required, F(seat_required),
	    "corporate", 0, 0, 0 },
	{ "allow_groups", parse_words, F(allow_groups), "", 0, 0, 0 },
	{ "cache_file", parse_path, F(cache_file),
	    "/var/lib/idportal/cache", 0, 0, 0 },
	{ "mail_command", parse_command, F(mail_command),
	    "/usr/sbin/sendmail -t -i", 0, 0, 0 },
	{ "mail_from", parse_str, F(mail_from), "", 0, 0, 0 },
	{ "invite_validity", parse_duration, F(invite_validity), "7d", 60,
	    LONG_MAX, 0 },
	{ "allow_signup", parse_bool, F(allow_signup), "no", 0, 0, 0 },
	{ "signup_validity", parse_duration, F(signup_validity), "48h", 60,
	    LONG_MAX, 0 },
	{ "reset_interval", parse_duration, F(reset_interval), "15m", 0,
	    LONG_MAX, 0 },
};
#define NKEYS (sizeof(keys) / sizeof(keys[0]))

const char *
ids_conf_key(size_t i)
{
	return i < NKEYS ? keys[i].name : NULL;
}

static void
free_list(char **list)
{
	char **p;

	if (list == NULL)
		return;
	for (p = list; *p != NULL; p++)
		free(*p);
	free(list);
}

/* Split on blanks (and commas when commas is set) into a NULL-terminated
 * list; an empty value gives an empty list. */
static int
split(const char *v, int commas, char ***out)
{
	const char *sep = commas ? " \t," : " \t";
	char **list = NULL, **nl;
	size_t n = 0, len;
	int rc = IDS_OK;

	*out = NULL;
	if ((list = calloc(1, sizeof(*list))) == NULL)
		return IDS_ENOMEM;
	while (*(v += strspn(v, sep)) != '\0') {
		len = strcspn(v, sep);
		if ((nl = realloc(list, (n + 2) * sizeof(*list))) == NULL) {
			rc = IDS_ENOMEM;
			break;
		}
		list = nl;
		if ((list[n] = strndup(v, len)) == NULL) {
			rc = IDS_ENOMEM;
			break;
		}
		list[++n] = NULL;
		v += len;
	}
	if (rc != IDS_OK) {
		free_list(list);
		return rc;
	}
	*out = list;
	return IDS_OK;
}

static int
set_str(struct ids_conf *conf, size_t off, const char *v)
{
	char **field = FIELD(conf, off, char *);
	char *copy = NULL;

	if (*v != '\0' && (copy = strdup(v)) == NULL)
		return IDS_ENOMEM;
	free(*field);
	*field = copy;
	return IDS_OK;
}

static int
set_list(struct ids_conf *conf, size_t off, char **list)
{
	char ***field = FIELD(conf, off, char **);

	free_list(*field);
	*field = list;
	return IDS_OK;
}

static int
parse_str(struct ids_conf *conf, size_t off, const char *v, long min,
    long max, char *err, size_t errlen)
{
	(void)min;
	(void)max;
	(void)err;
	(void)errlen;
	return set_str(conf, off, v);
}

static int
parse_path(struct ids_conf *conf, size_t off, const char *v, long min,
    long max, char *err, size_t errlen)
{
	(void)min;
	(void)max;
	if (*v != '\0' && *v != '/') {
		snprintf(err, errlen, "\"%s\" is not an absolute path", v);
		return IDS_ECONF;
	}
	return set_str(conf, off, v);
}

/* Secret files are checked when the config is read if they exist already
 * (`idportal init` creates a missing bind_pw_file); reading them checks
 * again on the open descriptor. */
static int
parse_secret_path(struct ids_conf *conf, size_t off, const char *v,
    long min, long max, char *err, size_t errlen)
{
	int rc;

	if ((rc = parse_path(conf, off, v, min, max, err, errlen)) != IDS_OK)
		return rc;
	if (*v == '\0' || access(v, F_OK) == -1)
		return IDS_OK;
	return ids_secret_check_file(v, err, errlen) == IDS_OK ? IDS_OK :
	    IDS_ECONF;
}

static int
uri_ok(const char *u)
{
	return strncmp(u, "ldap://", 7) == 0 ||
	    strncmp(u, "ldaps://", 8) == 0 || strncmp(u, "ldapi://", 8) == 0;
}

static int
parse_uris(struct ids_conf *conf, size_t off, const char *v, long min,
    long max, char *err, size_t errlen)
{
	LDAPURLDesc *lud;
	char **list, **u;

	(void)min;
	(void)max;
	if (split(v, 0, &list) != IDS_OK)
		return IDS_ENOMEM;
	for (u = list; *u != NULL; u++) {
		if (!uri_ok(*u) || ldap_url_parse(*u, &lud) != LDAP_SUCCESS) {
			snprintf(err, errlen, "\"%s\" is not an ldap://, "
			    "ldaps:// or ldapi:// URI", *u);
			free_list(list);
			return IDS_ECONF;
		}
		ldap_free_urldesc(lud);
	}
	return set_list(conf, off, list);
}

static int
parse_dn(struct ids_conf *conf, size_t off, const char *v, long min,
    long max, char *err, size_t errlen)
{
	LDAPDN dn = NULL;

	(void)min;
	(void)max;
	if (*v != '\0') {
		if (ldap_str2dn(v, &dn, LDAP_DN_FORMAT_LDAPV3) !=
		    LDAP_SUCCESS || dn == NULL) {
			snprintf(err, errlen, "\"%s\" is not a DN", v);
			return IDS_ECONF;
		}
		ldap_dnfree(dn);
	}
	return set_str(conf, off, v);
}

static int
parse_choice(int *field, const char *v, const char *const *names,
    const char *what, char *err, size_t errlen)
{
	int i;

	for (i = 0; names[i] != NULL; i++)
		if (strcmp(v, names[i]) == 0) {
			*field = i;
			return IDS_OK;
		}
	snprintf(err, errlen, "\"%s\" is not one of %s", v, what);
	return IDS_ECONF;
}

static int
parse_tls(struct ids_conf *conf, size_t off, const char *v, long min,
    long max, char *err, size_t errlen)
{
	static const char *const names[] = { "starttls", "ldaps", "none",
	    NULL };

	(void)min;
	(void)max;
	return parse_choice(FIELD(conf, off, int), v, names,
	    "starttls, ldaps, none", err, errlen);
}

static int
parse_seat_required(struct ids_conf *conf, size_t off, const char *v,
    long min, long max, char *err, size_t errlen)
{
	static const char *const names[] = { "corporate", "all", "none",
	    NULL };

	(void)min;
	(void)max;
	return parse_choice(FIELD(conf, off, int), v, names,
	    "corporate, all, none", err, errlen);
}

static int
parse_require_totp(struct ids_conf *conf, size_t off, const char *v,
    long min, long max, char *err, size_t errlen)
{
	static const char *const names[] = { "enrolled", "all", NULL };
	int *field = FIELD(conf, off, int);

	(void)min;
	(void)max;
	if (strncmp(v, "group:", 6) == 0 && v[6] != '\0' &&
	    strpbrk(v + 6, " \t") == NULL) {
		*field = IDS_REQUIRE_TOTP_GROUP;
		return set_str(conf, F(require_totp_group), v + 6);
	}
	return parse_choice(field, v, names, "enrolled, all, group:NAME",
	    err, errlen);
}

/* The one range-checked number parser; unit is the multiplier already
 * applied by parse_duration. */
static int
to_number(const char *v, long unit, long min, long max, long *out)
{
	char *end;
	long n;

	if (!isdigit((unsigned char)*v))
		return IDS_ECONF;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno != 0 || *end != '\0' || n > LONG_MAX / unit)
		return IDS_ECONF;
	n *= unit;
	if (n < min || n > max)
		return IDS_ECONF;
	*out = n;
	return IDS_OK;
}

static int
parse_number(struct ids_conf *conf, size_t off, const char *v, long min,
    long max, char *err, size_t errlen)
{
	if (to_number(v, 1, min, max, FIELD(conf, off, long)) != IDS_OK) {
		snprintf(err, errlen, "\"%s\" is not a number from %ld to %ld",
		    v, min, max);
		return IDS_ECONF;
	}
	return IDS_OK;
}

/* "90", "90s", "15m", "48h", "7d" */
static int
parse_duration(struct ids_conf *conf, size_t off, const char *v, long min,
    long max, char *err, size_t errlen)
{
	char num[32];
	size_t len = strlen(v);
	long unit = 1;

	if (len > 0 && len < sizeof(num) && strchr("smhd", v[len - 1])) {
		switch (v[--len]) {
		case 'm': unit = 60; break;
		case 'h': unit = 3600; break;
		case 'd': unit = 86400; break;
		}
	}
	if (len == 0 || len >= sizeof(num))
		goto bad;
	memcpy(num, v, len);
	num[len] = '\0';
	if (to_number(num, unit, min, max, FIELD(conf, off, long)) == IDS_OK)
		return IDS_OK;
bad:
	snprintf(err, errlen, "\"%s\" is not a duration (like 90s, 15m, 48h, "
	    "7d) of at least %lds", v, min);
	return IDS_ECONF;
}

static int
parse_bool(struct ids_conf *conf, size_t off, const char *v, long min,
    long max, char *err, size_t errlen)
{
	static const char *const names[] = { "no", "yes", NULL };

	(void)min;
	(void)max;
	return parse_choice(FIELD(conf, off, int), v, names, "yes, no", err,
	    errlen);
}

static int
parse_words(struct ids_conf *conf, size_t off, const char *v, long min,
    long max, char *err, size_t errlen)
{
	char **list;

	(void)min;
	(void)max;
	(void)err;
	(void)errlen;
	if (split(v, 1, &list) != IDS_OK)
		return IDS_ENOMEM;
	return set_list(conf, off, list);
}

static int
parse_command(struct ids_conf *conf, size_t off, const char *v, long min,
    long max, char *err, size_t errlen)
{
	char **argv;

	(void)min;
	(void)max;
	if (split(v, 0, &argv) != IDS_OK)
		return IDS_ENOMEM;
	if (argv[0] == NULL || argv[0][0] != '/') {
		snprintf(err, errlen, "\"%s\" must start with an absolute "
		    "path (it is run without a shell)", v);
		free_list(argv);
		return IDS_ECONF;
	}
	return set_list(conf, off, argv);
}

static int
parse_timezone(struct ids_conf *conf, size_t off, const char *v, long min,
    long max, char *err, size_t errlen)
{
	char path[PATH_MAX];
	struct stat st;

	(void)min;
	(void)max;
	/* A zone name is a path below the zoneinfo directory. */
	if (*v == '\0' || *v == '/' || strstr(v, "..") != NULL ||
	    strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789/_+-") != strlen(v)) {
		snprintf(err, errlen, "\"%s\" is not a time zone name like "
		    "Asia/Tokyo", v);
		return IDS_ECONF;
	}
	snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", v);
	/* a directory such as "Asia" would make glibc fall back to UTC */
	if (strcmp(v, "UTC") != 0 && (stat(path, &st) == -1 ||
	    !S_ISREG(st.st_mode))) {
		snprintf(err, errlen, "unknown time zone \"%s\" (no %s)", v,
		    path);
		return IDS_ECONF;
	}
	return set_str(conf, off, v);
}

void
ids_conf_free(struct ids_conf *conf)
{
	if (conf == NULL)
		return;
	free(conf->path);
	free_list(conf->uri);
	free_list(conf->write_uri);
	free(conf->base);
	free(conf->bind_dn);
	free(conf->bind_pw_file);
	free(conf->tls_ca_file);
	free(conf->timezone);
	free(conf->totp_key_file);
	free(conf->require_totp_group);
	free_list(conf->allow_groups);
	free(conf->cache_file);
	free_list(conf->mail_command);
	free(conf->mail_from);
	free(conf);
}

const char *
ids_conf_default_path(void)
{
	const char *p = secure_getenv("IDPORTAL_CONF");

	return p != NULL && *p != '\0' ? p : IDS_CONF_DEFAULT_PATH;
}

static int
is_local_uri(const char *u)
{
	LDAPURLDesc *lud;
	struct in_addr v4;
	struct in6_addr v6;
	int local;

	if (strncmp(u, "ldapi://", 8) == 0)
		return 1;
	if (ldap_url_parse(u, &lud) != LDAP_SUCCESS)
		return 0;
	/* An address literal in 127.0.0.0/8 or ::1, never a name that
	 * merely starts with "127." */
	local = lud->lud_host != NULL &&
	    ((inet_pton(AF_INET, lud->lud_host, &v4) == 1 &&
	    (ntohl(v4.s_addr) >> 24) == 127) ||
	    (inet_pton(AF_INET6, lud->lud_host, &v6) == 1 &&
	    IN6_IS_ADDR_LOOPBACK(&v6)) ||
	    strcmp(lud->lud_host, "localhost") == 0);
	ldap_free_urldesc(lud);
	return local;
}

static int
line_of(const int *line, const char *name)
{
	size_t i;

	for (i = 0; i < NKEYS; i++)
		if (strcmp(keys[i].name, name) == 0)
			return line[i];
	return 0;
}

/* Rules that tie keys together; line[] says where each key was set. */
static int
check_whole(struct ids_conf *conf, const int *line, char *err,
    size_t errlen)
{
	char **u;
	size_t i;

	for (i = 0; i < NKEYS; i++)
		if (keys[i].required && line[i] == 0) {
			snprintf(err, errlen, "%s: %s: required key is missing",
			    conf->path, keys[i].name);
			return IDS_ECONF;
		}
	if (conf->uri[0] == NULL) {
		snprintf(err, errlen, "%s:%d: uri: no URI given", conf->path,
		    line_of(line, "uri"));
		return IDS_ECONF;
	}
	if (conf->write_uri[0] == NULL) {
		char **copy;

		for (i = 0; conf->uri[i] != NULL; i++)
			;
		if ((copy = calloc(i + 1, sizeof(*copy))) == NULL)
			return IDS_ENOMEM;
		for (i = 0; conf->uri[i] != NULL; i++)
			if ((copy[i] = strdup(conf->uri[i])) == NULL) {
				free_list(copy);
				return IDS_ENOMEM;
			}
		set_list(conf, F(write_uri), copy);
	}
	if (conf->bind_dn != NULL && conf->bind_pw_file == NULL) {
		snprintf(err, errlen, "%s:%d: bind_dn: needs bind_pw_file",
		    conf->path, line_of(line, "bind_dn"));
		return IDS_ECONF;
	}
	for (i = 0; i < 2; i++)
		for (u = i == 0 ? conf->uri : conf->write_uri; *u; u++) {
			if (conf->tls == IDS_TLS_NONE && !is_local_uri(*u)) {
				snprintf(err, errlen, "%s:%d: tls: none is only "
				    "allowed for ldapi:// or loopback, not %s",
				    conf->path, line_of(line, "tls"), *u);
				return IDS_ECONF;
			}
			if (conf->tls == IDS_TLS_LDAPS &&
			    strncmp(*u, "ldap://", 7) == 0) {
				snprintf(err, errlen, "%s:%d: tls: ldaps needs "
				    "ldaps:// URIs, not %s", conf->path,
				    line_of(line, "tls"), *u);
				return IDS_ECONF;
			}
		}
	return IDS_OK;
}

static int
check_file(FILE *f, const char *path, char *err, size_t errlen)
{
	struct stat st;

	if (fstat(fileno(f), &st) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return IDS_ECONF;
	}
	if ((st.st_mode & 022) != 0 ||
	    (st.st_uid != 0 && st.st_uid != geteuid())) {
		snprintf(err, errlen, "%s: must be owned by root and not "
		    "writable by group or others (mode %04o, uid %u)", path,
		    (unsigned)(st.st_mode & 07777), (unsigned)st.st_uid);
		return IDS_ECONF;
	}
	return IDS_OK;
}

static char *
trim(char *s)
{
	char *end;

	s += strspn(s, " \t");
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

/* One "key = value" line; comments start at a '#' at the start of the
 * line or after a blank. */
static int
parse_line(struct ids_conf *conf, char *raw, int lineno, int *line,
    int flags, char *err, size_t errlen)
{
	parse_fn parse;
	char why[384], *p, *key, *val, *eq;
	size_t i;
	int rc;

	for (p = raw; (p = strchr(p, '#')) != NULL; p++)
		if (p == raw || p[-1] == ' ' || p[-1] == '\t') {
			*p = '\0';
			break;
		}
	key = trim(raw);
	if (*key == '\0')
		return IDS_OK;
	if ((eq = strchr(key, '=')) == NULL) {
		snprintf(err, errlen, "%s:%d: %.*s: expected \"key = value\"",
		    conf->path, lineno, (int)strcspn(key, " \t"), key);
		return IDS_ECONF;
	}
	*eq = '\0';
	key = trim(key);
	val = trim(eq + 1);
	for (i = 0; i < NKEYS && strcmp(keys[i].name, key) != 0; i++)
		;
	if (i == NKEYS) {
		snprintf(err, errlen, "%s:%d: %s: unknown key", conf->path,
		    lineno, key);
		return IDS_ECONF;
	}
	if (line[i] != 0) {
		snprintf(err, errlen, "%s:%d: %s: already set on line %d",
		    conf->path, lineno, key, line[i]);
		return IDS_ECONF;
	}
	line[i] = lineno;
	why[0] = '\0';
	parse = keys[i].parse;
	if (parse == parse_secret_path && (flags & IDS_CONF_SECRETS_UNCHECKED))
		parse = parse_path;
	rc = parse(conf, keys[i].off, val, keys[i].min, keys[i].max, why,
	    sizeof(why));
	if (rc == IDS_ECONF)
		snprintf(err, errlen, "%s:%d: %s: %s", conf->path, lineno, key,
		    why);
	return rc;
}

static int
apply_defaults(struct ids_conf *conf, char *err, size_t errlen)
{
	size_t i;
	int rc;

	for (i = 0; i < NKEYS; i++) {
		if (keys[i].def == NULL)
			continue;
		rc = keys[i].parse(conf, keys[i].off, keys[i].def, keys[i].min,
		    keys[i].max, err, errlen);
		if (rc != IDS_OK)
			return rc;
	}
	return IDS_OK;
}

int
ids_conf_load(const char *path, struct ids_conf **out, char *err,
    size_t errlen)
{
	return ids_conf_load_flags(path, 0, out, err, errlen);
}

int
ids_conf_load_flags(const char *path, int flags, struct ids_conf **out,
    char *err, size_t errlen)
{
	struct ids_conf *conf = NULL;
	int line[NKEYS] = { 0 };
	FILE *f = NULL;
	char *buf = NULL;
	size_t cap = 0;
	ssize_t n;
	int lineno = 0, rc;

	*out = NULL;
	if (path == NULL)
		path = ids_conf_default_path();
	if ((conf = calloc(1, sizeof(*conf))) == NULL ||
	    (conf->path = strdup(path)) == NULL) {
		rc = IDS_ENOMEM;
		goto out;
	}
	/* Defaults are parsed by the same parsers (and cannot fail). */
	if ((rc = apply_defaults(conf, err, errlen)) != IDS_OK)
		goto out;
	if ((f = fopen(path, "re")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		rc = IDS_ECONF;
		goto out;
	}
	if ((rc = check_file(f, path, err, errlen)) != IDS_OK)
		goto out;
	while ((n = getline(&buf, &cap, f)) != -1) {
		lineno++;
		if (strlen(buf) != (size_t)n) {
			snprintf(err, errlen, "%s:%d: NUL byte in line", path,
			    lineno);
			rc = IDS_ECONF;
			goto out;
		}
		if ((rc = parse_line(conf, buf, lineno, line, flags, err,
		    errlen)) != IDS_OK)
			goto out;
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error", path);
		rc = IDS_ECONF;
		goto out;
	}
	if ((rc = check_whole(conf, line, err, errlen)) != IDS_OK)
		goto out;
	*out = conf;
	conf = NULL;
out:
	if (rc == IDS_ENOMEM)
		snprintf(err, errlen, "%s: out of memory", path);
	free(buf);
	if (f != NULL)
		fclose(f);
	ids_conf_free(conf);
	return rc;
}
