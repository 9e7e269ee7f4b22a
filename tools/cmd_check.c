/* cmd_check.c: `idportal [--config F] [--json] check`: diagnose this host's
 * setup the way its PAM module and `idportal sync` will meet it.  Every
 * check runs even after one failed (only a config that does not load stops
 * the rest); one line each:
 *	ok    <what>: <detail>
 *	FAIL  <what>: <why>: <what to do>
 *	skip  <what>: <why it could not be tried>
 * then a summary.  Nothing is changed in the directory: the write test is a
 * Modify-Increment by 0 of the shared unknown-logins counter.
 *
 * Exit status: 0 if every check passed, else that of the first failed
 * check in this order: config, bind_pw_file, totp_key_file (1), each uri
 * (6: unreachable or TLS failure), bind (4 refused, 1 bind_pw_file
 * unusable, 6 no server), schema (1), base and init (3), read_users and
 * write_counter (4 refused, 3 missing entry).
 *
 * --json prints one object:
 *	ok	true if every check passed
 *	exit	the exit status
 *	checks	array, in order, of {"name", "target", "status" ("ok",
 *		"fail" or "skip"), "detail"}; names: config, bind_pw_file,
 *		totp_key_file, uri (one per uri, then per write_uri not in
 *		uri), bind, schema, base, init, read_users, write_counter
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "diag.h"
#include "filter.h"
#include "init.h"
#include "rc.h"
#include "seal.h"
#include "secret.h"
#include "target.h"

#define USAGE	"usage: idportal [--config FILE] [--json] check"

enum { ST_OK, ST_FAIL, ST_SKIP };

struct check {
	struct cli	*cli;
	struct ids_conf	*conf;
	struct ids_dir	*reader;	/* bound on `uri`, or NULL */
	int		 reached;	/* some server answered */
	int		 nrun, nfail;
	int		 code;		/* of the first failure */
	char		 detail[1536];
};

/* One result line (or JSON element); code counts only for a failure. */
static void
report(struct check *c, const char *name, const char *target, int status,
    int code, const char *fmt, ...)
{
	static const char *const word[] = { "ok", "FAIL", "skip" };
	unsigned char *p;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->detail, sizeof(c->detail), fmt, ap);
	va_end(ap);
	for (p = (unsigned char *)c->detail; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f)
			*p = '?';
	if (status == ST_FAIL && c->nfail++ == 0)
		c->code = code;
	if (c->cli->json) {
		printf("%s{\"name\":", c->nrun > 0 ? "," : "");
		json_str(stdout, name);
		printf(",\"target\":");
		json_str(stdout, target);
		printf(",\"status\":\"%s\",\"detail\":", status == ST_OK ?
		    "ok" : status == ST_FAIL ? "fail" : "skip");
		json_str(stdout, c->detail);
		putchar('}');
	} else {
		printf("%-5s %s", word[status], name);
		if (target != NULL) {
			putchar(' ');
			put_text(stdout, target);
		}
		printf(": %s\n", c->detail);
	}
	c->nrun++;
}

static void
check_config(struct check *c)
{
	char err[512];

	if (ids_conf_load_flags(c->cli->config, IDS_CONF_SECRETS_UNCHECKED,
	    &c->conf, err, sizeof(err)) != IDS_OK) {
		report(c, "config", c->cli->config != NULL ? c->cli->config :
		    ids_conf_default_path(), ST_FAIL, EXIT_ERROR, "%s", err);
		return;
	}
	report(c, "config", c->conf->path, ST_OK, 0, "loaded");
}

/* Owner and mode, as every program that reads path checks them. */
static int
secret_mode(struct check *c, const char *name, const char *path)
{
	char err[512];
	int rc;

	if ((rc = ids_secret_check_file(path, err, sizeof(err))) == IDS_OK)
		return IDS_OK;
	if (rc == IDS_ECONF)
		report(c, name, path, ST_FAIL, EXIT_ERROR, "%s: run chown "
		    "root:root %s && chmod 600 %s", err, path, path);
	return rc;
}

static void
check_bind_pw_file(struct check *c)
{
	const char *f = c->conf->bind_pw_file;
	char err[512], *pw = NULL;
	int rc;

	if (c->conf->bind_dn == NULL) {
		report(c, "bind_pw_file", NULL, ST_OK, 0, "not used: no "
		    "bind_dn, binds use SASL EXTERNAL over ldapi:// or none");
		return;
	}
	if ((rc = secret_mode(c, "bind_pw_file", f)) == IDS_ECONF)
		return;
	if (rc == IDS_ESYS)
		report(c, "bind_pw_file", f, ST_FAIL, EXIT_ERROR, "missing or "
		    "unreadable: run `idportal init` (it writes it), or write "
		    "the password of %s there (root, 0600)", c->conf->bind_dn);
	else if ((rc = ids_secret_read_file(f, &pw, err, sizeof(err))) !=
	    IDS_OK)
		report(c, "bind_pw_file", f, ST_FAIL, EXIT_ERROR, "%s: write "
		    "the password of %s there", err, c->conf->bind_dn);
	else
		report(c, "bind_pw_file", f, ST_OK, 0, "owner root, no group "
		    "or other access");
	ids_free_secret(pw);
}

static void
check_totp_key_file(struct check *c)
{
	const char *f = c->conf->totp_key_file;
	struct ids_seal_keys *keys = NULL;
	char err[512];
	int rc;

	if ((rc = secret_mode(c, "totp_key_file", f)) == IDS_ECONF)
		return;
	if (rc == IDS_ESYS)
		report(c, "totp_key_file", f, ST_FAIL, EXIT_ERROR, "missing or "
		    "unreadable: copy the site's key from another host (the "
		    "same on every host), or for a new site: (umask 077; head "
		    "-c %d /dev/urandom > %s)", IDS_SEAL_KEY_LEN, f);
	else if (ids_seal_keys_load(f, &keys, err, sizeof(err)) != IDS_OK)
		report(c, "totp_key_file", f, ST_FAIL, EXIT_ERROR, "%s", err);
	else
		report(c, "totp_key_file", f, ST_OK, 0, "owner root, no group "
		    "or other access, %d bytes", IDS_SEAL_KEY_LEN);
	ids_seal_keys_free(keys);
}

static const char *
tls_words(const struct ids_conf *conf, const char *uri)
{
	if (strncmp(uri, "ldapi://", 8) == 0)
		return "local socket, no TLS needed";
	if (strncmp(uri, "ldaps://", 8) == 0)
		return "ldaps, certificate verified";
	return conf->tls == IDS_TLS_STARTTLS ? "StartTLS, certificate "
	    "verified" : "no TLS (tls = none)";
}

static void
probe(struct check *c, const char *uri)
{
	char err[1024], why[512];
	int rc;

	rc = ids_dir_probe(c->conf, uri, err, sizeof(err));
	if (rc == IDS_OK) {
		c->reached = 1;
		report(c, "uri", uri, ST_OK, 0, "answers (%s)",
		    tls_words(c->conf, uri));
	} else if (rc == IDS_ETLS) {
		ids_diag_tls_cause(c->conf, uri, why, sizeof(why));
		report(c, "uri", uri, ST_FAIL, EXIT_UNREACHABLE, "TLS failed: "
		    "%s", why);
	} else {
		report(c, "uri", uri, ST_FAIL, rc_to_exit(rc), "%s: %s: check "
		    "that slapd runs there and the address, port and firewall",
		    rc == IDS_ETIMEOUT ? "no answer within timeout" :
		    rc == IDS_ENOMEM ? "out of memory" : "unreachable", err);
	}
}

static int
listed(char **list, const char *s)
{
	for (; *list != NULL; list++)
		if (strcmp(*list, s) == 0)
			return 1;
	return 0;
}

static void
check_uris(struct check *c)
{
	char **u;

	for (u = c->conf->uri; *u != NULL; u++)
		probe(c, *u);
	for (u = c->conf->write_uri; *u != NULL; u++)
		if (!listed(c->conf->uri, *u))
			probe(c, *u);
}

static void
check_bind(struct check *c)
{
	const char *who = c->conf->bind_dn != NULL ? c->conf->bind_dn :
	    "(SASL EXTERNAL or anonymous)";
	struct ids_dir *dir = NULL;
	int rc;

	if (!c->reached) {
		report(c, "bind", who, ST_SKIP, 0, "not tried: no uri "
		    "answered");
		return;
	}
	if ((rc = ids_dir_open(c->conf, &c->cli->log, IDS_DIR_READER,
	    &dir)) == IDS_OK)
		rc = ids_dir_connect(dir);
	if (rc == IDS_OK) {
		report(c, "bind", who, ST_OK, 0, "bound on %s",
		    ids_dir_uri(dir));
		c->reader = dir;
		return;
	}
	if (rc == IDS_EBADCRED)
		report(c, "bind", who, ST_FAIL, EXIT_DENIED, "the directory "
		    "refused the password in %s: set the account's password "
		    "to the file's content (ldappasswd), or fix bind_dn",
		    c->conf->bind_pw_file);
	else if (rc == IDS_ECONF)
		report(c, "bind", who, ST_FAIL, EXIT_ERROR, "bind_pw_file "
		    "cannot be used (see bind_pw_file above)");
	else
		report(c, "bind", who, ST_FAIL, rc_to_exit(rc), "%s",
		    dir != NULL ? ids_dir_error(dir) : ids_strerror(rc));
	ids_dir_close(dir);
}

/* Object classes the server knows, from its subschema subentry. */
static void
check_schema(struct check *c)
{
	static const char *const want[] = { "idpUser", "idpUserState" };
	char *sub = NULL;
	int known = 1, rc = IDS_OK;
	size_t i;

	if (c->reader == NULL) {
		report(c, "schema", NULL, ST_SKIP, 0, "not tried: no bind");
		return;
	}
	for (i = 0; i < 2 && known && rc == IDS_OK; i++) {
		free(sub);
		rc = ids_diag_schema_knows(c->reader, want[i], &known, &sub);
	}
	if (rc != IDS_OK)
		report(c, "schema", NULL, ST_FAIL, rc == IDS_ENOTFOUND ?
		    EXIT_ERROR : rc_to_exit(rc), "cannot read the server's "
		    "subschema subentry: %s", rc == IDS_ENOTFOUND ? "not "
		    "visible to bind_dn" : ids_dir_error(c->reader));
	else if (!known)
		report(c, "schema", sub, ST_FAIL, EXIT_ERROR, "objectClass %s "
		    "unknown to the server: load the idportal schema (on the "
		    "server as root: ldapadd -Y EXTERNAL -H ldapi:/// -f "
		    "/usr/share/idportal/idportal.ldif)", want[i - 1]);
	else
		report(c, "schema", sub, ST_OK, 0, "objectClass %s and %s "
		    "known", want[0], want[1]);
	free(sub);
}

/* Whether dn exists for the service account: IDS_OK or an error. */
static int
exists(struct check *c, const char *dn)
{
	char *none[] = { "1.1", NULL };
	LDAPMessage *res = NULL;
	int rc;

	rc = ids_dir_search(c->reader, dn, LDAP_SCOPE_BASE, "(objectClass=*)",
	    none, 1, &res);
	if (rc == IDS_OK && ldap_count_entries(ids_dir_ld(c->reader), res) < 1)
		rc = IDS_ENOTFOUND;
	ldap_msgfree(res);
	return rc;
}

/* check NAME of entry dn: it must exist. */
static void
entry(struct check *c, const char *name, const char *dn, const char *what)
{
	int rc;

	if (c->reader == NULL)
		report(c, name, dn, ST_SKIP, 0, "not tried: no bind");
	else if ((rc = exists(c, dn)) == IDS_OK)
		report(c, name, dn, ST_OK, 0, "%s exists", what);
	else if (rc == IDS_ENOTFOUND)
		report(c, name, dn, ST_FAIL, EXIT_NOTFOUND, "no %s (or not "
		    "visible to bind_dn): check `base`, and run `idportal "
		    "init` as the directory manager", what);
	else
		report(c, name, dn, ST_FAIL, rc_to_exit(rc), "%s",
		    ids_dir_error(c->reader));
}

static void
check_base(struct check *c)
{
	entry(c, "base", c->conf->base, "base entry");
}

static void
check_init(struct check *c)
{
	char *dn = NULL;

	if (ids_dn(&dn, IDS_UID_COUNTER_RDN ",%D", c->conf->base) != IDS_OK)
		report(c, "init", NULL, ST_FAIL, EXIT_ERROR, "out of memory");
	else
		entry(c, "init", dn, "uid counter (made by `idportal init`)");
	free(dn);
}

/* The service account may search the users. */
static void
check_read_users(struct check *c)
{
	char *dn = NULL;
	int rc, seen;

	if (ids_dn(&dn, "ou=people,%D", c->conf->base) != IDS_OK)
		report(c, "read_users", NULL, ST_FAIL, EXIT_ERROR, "out of "
		    "memory");
	else if (c->reader == NULL)
		report(c, "read_users", dn, ST_SKIP, 0, "not tried: no bind");
	else if ((rc = ids_diag_search_allowed(c->reader, dn,
	    "(objectClass=idpUser)", &seen)) == IDS_OK)
		report(c, "read_users", dn, ST_OK, 0, "search allowed, %s",
		    seen ? "users visible" : "no user visible (none yet?)");
	else if (rc == IDS_ENOTFOUND)
		report(c, "read_users", dn, ST_FAIL, EXIT_NOTFOUND, "no such "
		    "entry (or not visible to bind_dn): run `idportal init`, "
		    "and load the idportal ACLs (idportal-acl.ldif)");
	else
		report(c, "read_users", dn, ST_FAIL, rc_to_exit(rc), "%s: the "
		    "ACLs must let ou=services read ou=people "
		    "(idportal-acl.ldif)", ids_strerror(rc));
	free(dn);
}

/* The service account writes the shared counter: add 0, change nothing. */
static void
check_write_counter(struct check *c)
{
	struct ids_dir *w = NULL;
	char *dn = NULL;
	int rc;

	if (ids_dn(&dn, IDS_UNKNOWN_LOGINS_RDN ",%D", c->conf->base) !=
	    IDS_OK) {
		report(c, "write_counter", NULL, ST_FAIL, EXIT_ERROR, "out of "
		    "memory");
		goto out;
	}
	if (c->reader == NULL) {
		report(c, "write_counter", dn, ST_SKIP, 0, "not tried: no bind");
		goto out;
	}
	if ((rc = exists(c, dn)) != IDS_OK)
		;	/* its own verdict below, without a write */
	else if ((rc = ids_dir_open(c->conf, &c->cli->log, IDS_DIR_WRITER, &w)) ==
	    IDS_OK)
		rc = ids_dir_increment(w, dn, "idpPasswordFailures", 0, NULL);
	if (rc == IDS_OK)
		report(c, "write_counter", dn, ST_OK, 0, "Modify-Increment by "
		    "0 accepted on %s", ids_dir_uri(w));
	else if (rc == IDS_ENOTFOUND)
		report(c, "write_counter", dn, ST_FAIL, EXIT_NOTFOUND, "no such "
		    "entry (or not visible to bind_dn): run `idportal init` as "
		    "the directory manager");
	else if (rc == IDS_EPERM)
		report(c, "write_counter", dn, ST_FAIL, EXIT_DENIED, "%s: the "
		    "ACLs must let ou=services write it (idportal-acl.ldif)",
		    ids_dir_error(w));
	else
		report(c, "write_counter", dn, ST_FAIL, rc_to_exit(rc), "%s",
		    w != NULL ? ids_dir_error(w) : ids_dir_error(c->reader));
out:
	ids_dir_close(w);
	free(dn);
}

static void (*const checks[])(struct check *) = {
	check_config, check_bind_pw_file, check_totp_key_file, check_uris,
	check_bind, check_schema, check_base, check_init, check_read_users,
	check_write_counter,
};

int
cmd_check(struct cli *cli, int argc, char **argv)
{
	struct check c;
	size_t i;

	opterr = 0;
	if (getopt(argc, argv, "") != -1 || optind != argc)
		return fail(EXIT_USAGE, USAGE);
	memset(&c, 0, sizeof(c));
	c.cli = cli;
	if (cli->json)
		printf("{\"checks\":[");
	/* Without a config nothing else can be tried. */
	for (i = 0; i < sizeof(checks) / sizeof(checks[0]) &&
	    (i == 0 || c.conf != NULL); i++)
		checks[i](&c);
	if (cli->json)
		printf("],\"ok\":%s,\"exit\":%d}\n", c.nfail == 0 ? "true" :
		    "false", c.code);
	else if (c.nfail == 0)
		printf("all %d checks passed\n", c.nrun);
	else
		printf("%d of %d checks failed\n", c.nfail, c.nrun);
	if (c.nfail > 0)
		fail(c.code, "check found %d problem%s: fix the FAIL lines, "
		    "first to last", c.nfail, c.nfail == 1 ? "" : "s");
	ids_dir_close(c.reader);
	ids_conf_free(c.conf);
	return c.code;
}
