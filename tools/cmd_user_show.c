/* cmd_user_show.c: `idportal user show ID` and `idportal user search TEXT
 * [--pending]`, and the printing and value checks the user and org
 * commands share.  Both read in the acting admin's session, so what comes
 * back is what the directory lets that admin read; `show` refuses (exit 4)
 * a user whose cn=state the admin may not read, i.e. one outside the
 * admin's org (the shipped ACLs let every user read names and numbers).
 *
 * --json: `user show` prints one user object, `user search` one object
 * {"users":[user, ...]}; a user object has the keys
 *	id		the uid value, exactly as stored
 *	dn		the entry's DN
 *	type		individual | corporate | group, or null
 *	name		displayName, or null
 *	email		mail, or null (also when the admin may not read it)
 *	org		the organization (from the DN), or null
 *	role		idpRole, or null
 *	state		pending | active | disabled, or null
 *	uid_number	uidNumber (a number), or null
 *	gid_number	gidNumber (a number), or null
 *	home		homeDirectory, or null
 *	shell		loginShell, or null
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "filter.h"
#include "rc.h"
#include "state.h"
#include "target.h"
#include "twofactor.h"
#include "user.h"
#include "usercmd.h"

char *usercmd_attrs[] = { "uid", "displayName", "mail", "idpUserType",
    "idpState", "idpRole", "uidNumber", "gidNumber", "homeDirectory",
    "loginShell", NULL };

/* The key printed for each of usercmd_attrs[], in order; "n" = number. */
static const struct {
	const char	*key;
	const char	*label;
	int		 number;
} keys[] = {
	{ "id", "ID", 0 }, { "name", "Name", 0 }, { "email", "Email", 0 },
	{ "type", "Type", 0 }, { "state", "State", 0 }, { "role", "Role", 0 },
	{ "uid_number", "UID number", 1 }, { "gid_number", "GID number", 1 },
	{ "home", "Home", 0 }, { "shell", "Shell", 0 },
};

const char *
usercmd_who(const struct cli *cli)
{
	return cli->as != NULL ? cli->as : "this host's service account";
}

char *
usercmd_dn_org(const char *dnstr)
{
	LDAPDN dn = NULL;
	char *org = NULL;

	/* uid=X [0], ou=people [1], o=ORG [2] */
	if (ldap_str2dn(dnstr, &dn, LDAP_DN_FORMAT_LDAPV3) == LDAP_SUCCESS &&
	    dn != NULL && dn[0] != NULL && dn[1] != NULL && dn[2] != NULL &&
	    dn[2][1] == NULL && dn[2][0]->la_attr.bv_len == 1 &&
	    strncasecmp(dn[2][0]->la_attr.bv_val, "o", 1) == 0)
		org = strndup(dn[2][0]->la_value.bv_val,
		    dn[2][0]->la_value.bv_len);
	ldap_dnfree(dn);
	return org;
}

static int
all_digits(const char *s)
{
	if (*s == '\0' || strlen(s) > 10)
		return 0;
	for (; *s != '\0'; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

void
usercmd_print(const struct cli *cli, struct ids_dir *dir, LDAPMessage *e)
{
	char *dn, *org, *v;
	size_t i;

	dn = ldap_get_dn(ids_dir_ld(dir), e);
	org = dn != NULL ? usercmd_dn_org(dn) : NULL;
	if (cli->json) {
		printf("{");
		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
			v = ids_dir_get(dir, e, usercmd_attrs[i]);
			printf("%s\"%s\":", i > 0 ? "," : "", keys[i].key);
			if (keys[i].number && v != NULL && all_digits(v))
				fputs(v, stdout);
			else
				json_str(stdout, keys[i].number ? NULL : v);
			free(v);
		}
		printf(",\"dn\":");
		json_str(stdout, dn);
		printf(",\"org\":");
		json_str(stdout, org);
		printf("}");
	} else {
		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
			v = ids_dir_get(dir, e, usercmd_attrs[i]);
			printf("%-11s ", keys[i].label);
			put_text(stdout, v != NULL ? v : "-");
			printf("\n");
			free(v);
			if (i == 0) {
				printf("%-11s ", "Org");
				put_text(stdout, org != NULL ? org : "-");
				printf("\n");
			}
		}
		printf("%-11s ", "DN");
		put_text(stdout, dn != NULL ? dn : "-");
		printf("\n");
	}
	free(org);
	ldap_memfree(dn);
}

int
usercmd_check_type(const char *type)
{
	if (type == NULL || (strcmp(type, "individual") != 0 &&
	    strcmp(type, "corporate") != 0 && strcmp(type, "group") != 0))
		return fail(EXIT_USAGE, "--type must be individual, corporate "
		    "or group");
	return EXIT_OK;
}

int
usercmd_check_text(const char *what, const char *s, size_t max)
{
	const unsigned char *p;

	if (*s == '\0' || strlen(s) > max)
		return fail(EXIT_USAGE, "%s must be 1 to %zu bytes", what, max);
	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f)
			return fail(EXIT_USAGE, "%s holds a control character "
			    "(byte 0x%02x): remove it", what, *p);
	return EXIT_OK;
}

int
usercmd_check_email(const char *email)
{
	const char *at = strchr(email, '@');
	const unsigned char *p;
	int code;

	if ((code = usercmd_check_text("--email", email, 254)) != EXIT_OK)
		return code;
	for (p = (const unsigned char *)email; *p != '\0'; p++)
		if (*p == ' ' || *p == ',' || *p == '<' || *p == '>' ||
		    *p >= 0x80)
			return fail(EXIT_USAGE, "--email %s: one plain address "
			    "(user@domain), without spaces, commas or <>",
			    email);
	if (at == NULL || at == email || at[1] == '\0' ||
	    strchr(at + 1, '@') != NULL)
		return fail(EXIT_USAGE, "--email %s: want one address of the "
		    "form user@domain", email);
	return EXIT_OK;
}

int
usercmd_check_placement(const char *type, const char *org)
{
	/* SPEC §2: corporate and group users belong to an organization;
	 * individual users live under ou=people of the base. */
	if (strcmp(type, "individual") != 0 && org == NULL)
		return fail(EXIT_USAGE, "a %s user needs --org ORG", type);
	if (strcmp(type, "individual") == 0 && org != NULL)
		return fail(EXIT_USAGE, "an individual user has no "
		    "organization: drop --org, or use --type corporate or "
		    "group");
	return EXIT_OK;
}

int
usercmd_check_org(const char *org)
{
	const char *p;

	if (*org == '\0' || strlen(org) > 64)
		return fail(EXIT_USAGE, "an organization name has 1 to 64 "
		    "characters");
	/* It is also the name of the org's group on every host. */
	for (p = org; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' ||
		    *p == '.'))
			return fail(EXIT_USAGE, "organization %s: character "
			    "'%c' at position %d is not allowed; use ASCII "
			    "letters, digits, '-', '_' and '.'", org,
			    (unsigned char)*p >= 0x20 && (unsigned char)*p <
			    0x7f ? *p : '?', (int)(p - org) + 1);
	return EXIT_OK;
}

int
user_show(struct cli *cli, int argc, char **argv)
{
	struct ids_conf *conf = NULL;
	struct ids_dir *svc = NULL, *actor = NULL;
	struct ids_user *user = NULL;
	LDAPMessage *res = NULL, *e;
	int rc, code;

	if (argc != 2 || argv[1][0] == '-')
		return fail(EXIT_USAGE, "usage: idportal [--as ADMIN_ID] "
		    "[--json] user show ID");
	if ((code = cli_conf(cli, &conf)) != EXIT_OK)
		goto out;
	/* Found as the service; read as the admin, so the directory decides
	 * what the admin sees. */
	if ((rc = ids_dir_open(conf, &cli->log, IDS_DIR_WRITER, &svc)) !=
	    IDS_OK || (rc = ids_user_find(svc, argv[1], &user)) != IDS_OK) {
		code = rc == IDS_ENOUSER ? fail(EXIT_NOTFOUND, "no user %s",
		    argv[1]) : fail(rc_to_exit(rc), "%s", svc != NULL ?
		    ids_dir_error(svc) : ids_strerror(rc));
		goto out;
	}
	if ((code = cli_admin_session(cli, conf, &actor)) != EXIT_OK)
		goto out;
	/* The ACLs let every user read every account's names and numbers
	 * (NSS-like data); the account's cn=state is what only its admins
	 * may read.  As target.c: the service mends a missing one first, so
	 * "not visible" can only mean "not allowed". */
	if ((rc = ids_state_ensure(svc, user->dn, NULL)) != IDS_OK) {
		code = fail(rc_to_exit(rc), "the state entry of %s: %s",
		    user->id, ids_dir_error(svc));
		goto out;
	}
	if ((rc = ids_twofactor_visible(actor, user->dn)) != IDS_OK) {
		code = rc == IDS_EPERM ? fail(EXIT_DENIED, "the directory "
		    "does not let %s read %s", usercmd_who(cli), user->id) :
		    fail(rc_to_exit(rc), "%s", ids_dir_error(actor));
		goto out;
	}
	rc = ids_dir_search(actor, user->dn, LDAP_SCOPE_BASE,
	    "(objectClass=*)", usercmd_attrs, 1, &res);
	if (rc == IDS_ENOTFOUND || rc == IDS_EPERM || (rc == IDS_OK &&
	    (e = ldap_first_entry(ids_dir_ld(actor), res)) == NULL)) {
		code = fail(EXIT_DENIED, "the directory does not let %s read "
		    "%s", usercmd_who(cli), user->id);
		goto out;
	}
	if (rc != IDS_OK) {
		code = fail(rc_to_exit(rc), "%s", ids_dir_error(actor));
		goto out;
	}
	usercmd_print(cli, actor, e);
	if (cli->json)
		printf("\n");
out:
	ldap_msgfree(res);
	ids_user_free(user);
	ids_dir_close(actor);
	ids_dir_close(svc);
	ids_conf_free(conf);
	return code;
}

/* Substring of ID, display name or email.  The idpState clause is there
 * in both forms: with no read access to an entry's idpState the clause is
 * Undefined and the entry does not match, so an org admin, whom the ACLs
 * give idpState of their own org's users only, finds only those. */
#define SEARCH_ACTIVE	"(&(objectClass=idpUser)(|(uid=*%s*)" \
			"(displayName=*%s*)(mail=*%s*))(!(idpState=pending)))"
#define SEARCH_ALL	"(&(objectClass=idpUser)(|(uid=*%s*)" \
			"(displayName=*%s*)(mail=*%s*))" \
			"(|(idpState=*)(!(idpState=*))))"

/* One line of the `user search` table. */
static void
print_row(struct ids_dir *dir, LDAPMessage *e)
{
	static const char *const cols[] = { "uid", NULL, "idpState",
	    "displayName", "mail" };
	static const int width[] = { 20, 16, 9, 24, 0 };
	char *dn, *v;
	size_t i, len;

	dn = ldap_get_dn(ids_dir_ld(dir), e);
	for (i = 0; i < sizeof(cols) / sizeof(cols[0]); i++) {
		v = cols[i] != NULL ? ids_dir_get(dir, e, cols[i]) :
		    dn != NULL ? usercmd_dn_org(dn) : NULL;
		put_text(stdout, v != NULL ? v : "-");
		len = v != NULL ? strlen(v) : 1;
		if (width[i] > 0)	/* at least one space between columns */
			printf("%*s", len < (size_t)width[i] ?
			    width[i] - (int)len : 1, "");
		free(v);
	}
	printf("\n");
	ldap_memfree(dn);
}

int
user_search(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "pending", no_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	struct ids_conf *conf = NULL;
	struct ids_dir *actor = NULL;
	LDAPMessage *res = NULL, *e;
	char *filter = NULL;
	const char *text;
	int c, pending = 0, rc, code, n = 0;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'p': pending = 1; break;
		default: return fail(EXIT_USAGE, "usage: idportal [--as "
		    "ADMIN_ID] [--json] user search TEXT [--pending]");
		}
	}
	if (optind + 1 != argc)
		return fail(EXIT_USAGE, "usage: idportal [--as ADMIN_ID] "
		    "[--json] user search TEXT [--pending]");
	text = argv[optind];
	if ((code = usercmd_check_text("the search text", text, 256)) !=
	    EXIT_OK)
		return code;
	if ((code = cli_conf(cli, &conf)) != EXIT_OK ||
	    (code = cli_admin_session(cli, conf, &actor)) != EXIT_OK)
		goto out;
	if ((rc = ids_filter(&filter, pending ? SEARCH_ALL : SEARCH_ACTIVE,
	    text, text, text)) != IDS_OK) {
		code = fail(rc_to_exit(rc), "%s", ids_strerror(rc));
		goto out;
	}
	rc = ids_dir_search(actor, conf->base, LDAP_SCOPE_SUBTREE, filter,
	    usercmd_attrs, 0, &res);
	if (rc != IDS_OK) {
		code = fail(rc_to_exit(rc), "searching as %s: %s",
		    usercmd_who(cli), ids_dir_error(actor));
		goto out;
	}
	if (cli->json)
		printf("{\"users\":[");
	for (e = ldap_first_entry(ids_dir_ld(actor), res); e != NULL;
	    e = ldap_next_entry(ids_dir_ld(actor), e)) {
		if (!cli->json && n == 0)
			printf("%-20s%-16s%-9s%-24s%s\n", "ID", "ORG", "STATE",
			    "NAME", "EMAIL");
		if (cli->json) {
			printf("%s", n > 0 ? "," : "");
			usercmd_print(cli, actor, e);
		} else
			print_row(actor, e);
		n++;
	}
	if (cli->json)
		printf("]}\n");
	else if (n == 0)
		printf("No users match.\n");
out:
	ldap_msgfree(res);
	free(filter);
	ids_dir_close(actor);
	ids_conf_free(conf);
	return code;
}
