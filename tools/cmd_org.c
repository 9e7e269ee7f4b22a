/* cmd_org.c: `idportal org add ORG --seats N | show ORG | list` (SPEC §2,
 * §6).  An organization is o=ORG,<base> (organization + idpOrganization:
 * idpSeatLimit, idpState), with ou=people and ou=seats under it and the
 * org's group cn=ORG,o=ORG,<base> (a posixGroup whose gidNumber comes from
 * the uid counter, so it never meets a user's private group), which the
 * NSS side fills with the org's users (syncset.h).  Everything is done as
 * the acting admin: the directory lets only top-level admins.
 *
 * --json: `org add` and `org show` print one org object, `org list`
 * {"orgs":[org, ...]}; an org object has the keys
 *	org		the name
 *	dn		o=ORG,<base>
 *	seat_limit	idpSeatLimit (a number), or null
 *	state		idpState (active | disabled), or null
 *	gid_number	the org group's gidNumber (a number), or null
 * and `org show` adds
 *	users		how many users are under ou=people of the org
 *	seats		how many seats it has
 *	seats_linked	how many of them are linked to a user
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "counter.h"
#include "filter.h"
#include "init.h"
#include "mods.h"
#include "rc.h"
#include "target.h"
#include "usercmd.h"

#define SEATS_MAX	1000000

static char *org_attrs[] = { "o", "idpSeatLimit", "idpState", NULL };

static int
number(const char *s, long *out)
{
	char *end;

	if (s == NULL || *s < '0' || *s > '9')
		return 0;
	*out = strtol(s, &end, 10);
	return *end == '\0' && *out >= 0 && *out <= SEATS_MAX;
}

/* The org group's gidNumber, as dir sees it; NULL if none. */
static char *
group_gid(struct ids_dir *dir, const char *org)
{
	static char *attrs[] = { "gidNumber", NULL };
	LDAPMessage *res = NULL, *e;
	char *dn = NULL, *gid = NULL;

	if (ids_dn(&dn, "cn=%s,o=%s,%D", org, org, ids_dir_conf(dir)->base) ==
	    IDS_OK && ids_dir_search(dir, dn, LDAP_SCOPE_BASE,
	    "(objectClass=posixGroup)", attrs, 1, &res) == IDS_OK &&
	    (e = ldap_first_entry(ids_dir_ld(dir), res)) != NULL)
		gid = ids_dir_get(dir, e, "gidNumber");
	ldap_msgfree(res);
	free(dn);
	return gid;
}

/* How many entries under base match filter (onelevel or subtree). */
static long
count(struct ids_dir *dir, const char *fmt, const char *org,
    const char *filter)
{
	static char *none[] = { "1.1", NULL };
	LDAPMessage *res = NULL;
	char *dn = NULL;
	long n = -1;

	if (ids_dn(&dn, fmt, org, ids_dir_conf(dir)->base) == IDS_OK &&
	    ids_dir_search(dir, dn, LDAP_SCOPE_ONELEVEL, filter, none, 0,
	    &res) == IDS_OK)
		n = ldap_count_entries(ids_dir_ld(dir), res);
	ldap_msgfree(res);
	free(dn);
	return n;
}

static void
json_num(const char *v)
{
	long n;

	if (v != NULL && number(v, &n))
		printf("%ld", n);
	else
		printf("null");
}

/* One org entry e; with details, the counts of `org show`. */
static void
print_org(const struct cli *cli, struct ids_dir *dir, LDAPMessage *e,
    int details)
{
	char *name, *limit, *state, *gid = NULL, *dn;
	long users = -1, seats = -1, linked = -1;

	dn = ldap_get_dn(ids_dir_ld(dir), e);
	name = ids_dir_get(dir, e, "o");
	limit = ids_dir_get(dir, e, "idpSeatLimit");
	state = ids_dir_get(dir, e, "idpState");
	if (name != NULL) {
		gid = group_gid(dir, name);
		if (details) {
			users = count(dir, "ou=people,o=%s,%D", name,
			    "(objectClass=idpUser)");
			seats = count(dir, "ou=seats,o=%s,%D", name,
			    "(objectClass=idpSeat)");
			linked = count(dir, "ou=seats,o=%s,%D", name,
			    "(&(objectClass=idpSeat)(idpLinkedUser=*))");
		}
	}
	if (cli->json) {
		printf("{\"org\":");
		json_str(stdout, name);
		printf(",\"dn\":");
		json_str(stdout, dn);
		printf(",\"seat_limit\":");
		json_num(limit);
		printf(",\"state\":");
		json_str(stdout, state);
		printf(",\"gid_number\":");
		if (gid != NULL && strspn(gid, "0123456789") == strlen(gid) &&
		    *gid != '\0' && strlen(gid) <= 10)
			fputs(gid, stdout);
		else
			printf("null");
		if (details)
			printf(",\"users\":%ld,\"seats\":%ld,"
			    "\"seats_linked\":%ld", users < 0 ? 0 : users,
			    seats < 0 ? 0 : seats, linked < 0 ? 0 : linked);
		printf("}");
	} else if (details) {
		printf("%-11s ", "Org");
		put_text(stdout, name != NULL ? name : "-");
		printf("\n%-11s ", "State");
		put_text(stdout, state != NULL ? state : "-");
		printf("\n%-11s ", "Seat limit");
		put_text(stdout, limit != NULL ? limit : "-");
		printf("\n%-11s %ld (%ld linked)\n%-11s %ld\n%-11s ", "Seats",
		    seats < 0 ? 0 : seats, linked < 0 ? 0 : linked, "Users",
		    users < 0 ? 0 : users, "GID number");
		put_text(stdout, gid != NULL ? gid : "-");
		printf("\n%-11s ", "DN");
		put_text(stdout, dn != NULL ? dn : "-");
		printf("\n");
	} else {
		printf("%-20s %-9s %10s %10s\n", name != NULL ? name : "-",
		    state != NULL ? state : "-", limit != NULL ? limit : "-",
		    gid != NULL ? gid : "-");
	}
	free(name);
	free(limit);
	free(state);
	free(gid);
	ldap_memfree(dn);
}

static int
refused(const struct cli *cli, struct ids_dir *dir, int rc, const char *what,
    const char *dn)
{
	if (rc == IDS_EPERM)
		return fail(EXIT_DENIED, "the directory does not let %s %s "
		    "(only top-level admins may)", usercmd_who(cli), what);
	if (rc == IDS_EEXIST)
		return fail(EXIT_CONFLICT, "%s already exists", dn);
	return fail(rc_to_exit(rc), "%s: %s", dn, rc == IDS_ENOMEM ?
	    ids_strerror(rc) : ids_dir_error(dir));
}

/* Add one entry built by the caller; on failure, say what is left. */
static int
add_one(const struct cli *cli, struct ids_dir *dir, const char *dn,
    struct ids_mods *m, const char *what, const char *org, int first)
{
	int rc, code;

	rc = ids_mods_get(m) == NULL ? IDS_ENOMEM :
	    ids_dir_add(dir, dn, ids_mods_get(m));
	if (rc == IDS_OK)
		return EXIT_OK;
	if (first)
		return refused(cli, dir, rc, what, dn);
	code = fail(rc == IDS_EPERM ? EXIT_DENIED : rc_to_exit(rc), "org %s "
	    "is incomplete: adding %s: %s; remove o=%s and run org add again",
	    org, dn, rc == IDS_ENOMEM ? ids_strerror(rc) : ids_dir_error(dir),
	    org);
	return code;
}

static int
org_add(struct cli *cli, struct ids_dir *dir, const char *org, long seats)
{
	const char *base = ids_dir_conf(dir)->base;
	static const char *const ous[] = { "people", "seats" };
	struct ids_mods *m = NULL;
	LDAPMessage *res = NULL, *e;
	char limit[24], gidn[24], *dn = NULL, *sub = NULL, *counter = NULL;
	int64_t gid;
	size_t i;
	int rc, code = EXIT_OK;

	snprintf(limit, sizeof(limit), "%ld", seats);
	if (ids_dn(&dn, "o=%s,%D", org, base) != IDS_OK ||
	    ids_dn(&counter, IDS_UID_COUNTER_RDN ",%D", base) != IDS_OK ||
	    ids_mods_new(&m) != 0) {
		code = fail(EXIT_ERROR, "%s", ids_strerror(IDS_ENOMEM));
		goto out;
	}
	ids_mods_add(m, LDAP_MOD_ADD, "objectClass", "top", "organization",
	    "idpOrganization", NULL);
	ids_mods_add(m, LDAP_MOD_ADD, "o", org, NULL);
	ids_mods_add(m, LDAP_MOD_ADD, "idpSeatLimit", limit, NULL);
	ids_mods_add(m, LDAP_MOD_ADD, "idpState", "active", NULL);
	if ((code = add_one(cli, dir, dn, m, "add organizations", org, 1)) !=
	    EXIT_OK)
		goto out;
	for (i = 0; i < sizeof(ous) / sizeof(ous[0]); i++) {
		ids_mods_free(m);
		m = NULL;
		free(sub);
		sub = NULL;
		if (ids_dn(&sub, "ou=%s,%D", ous[i], dn) != IDS_OK ||
		    ids_mods_new(&m) != 0) {
			code = fail(EXIT_ERROR, "%s", ids_strerror(IDS_ENOMEM));
			goto out;
		}
		ids_mods_add(m, LDAP_MOD_ADD, "objectClass", "top",
		    "organizationalUnit", NULL);
		ids_mods_add(m, LDAP_MOD_ADD, "ou", ous[i], NULL);
		if ((code = add_one(cli, dir, sub, m, NULL, org, 0)) != EXIT_OK)
			goto out;
	}
	/* The group's number from the users' counter: one number space. */
	if ((rc = ids_counter_next(dir, counter, "idpNextUidNumber",
	    &gid)) != IDS_OK) {
		code = fail(rc == IDS_EPERM ? EXIT_DENIED : rc_to_exit(rc),
		    "org %s is incomplete: allocating its gidNumber: %s", org,
		    ids_dir_error(dir));
		goto out;
	}
	snprintf(gidn, sizeof(gidn), "%lld", (long long)gid);
	ids_mods_free(m);
	m = NULL;
	free(sub);
	sub = NULL;
	if (ids_dn(&sub, "cn=%s,%D", org, dn) != IDS_OK ||
	    ids_mods_new(&m) != 0) {
		code = fail(EXIT_ERROR, "%s", ids_strerror(IDS_ENOMEM));
		goto out;
	}
	ids_mods_add(m, LDAP_MOD_ADD, "objectClass", "top", "posixGroup",
	    NULL);
	ids_mods_add(m, LDAP_MOD_ADD, "cn", org, NULL);
	ids_mods_add(m, LDAP_MOD_ADD, "gidNumber", gidn, NULL);
	ids_mods_add(m, LDAP_MOD_ADD, "description", "idportal organization "
	    "group", NULL);
	if ((code = add_one(cli, dir, sub, m, NULL, org, 0)) != EXIT_OK)
		goto out;
	if (!cli->json)
		printf("Added organization %s.\n", org);
	if (ids_dir_search(dir, dn, LDAP_SCOPE_BASE, "(objectClass=*)",
	    org_attrs, 1, &res) == IDS_OK &&
	    (e = ldap_first_entry(ids_dir_ld(dir), res)) != NULL) {
		print_org(cli, dir, e, 0);
		if (cli->json)
			printf("\n");
	}
out:
	ldap_msgfree(res);
	ids_mods_free(m);
	free(counter);
	free(sub);
	free(dn);
	return code;
}

static int
org_show(struct cli *cli, struct ids_dir *dir, const char *org)
{
	LDAPMessage *res = NULL, *e;
	char *dn = NULL;
	int rc, code = EXIT_OK;

	if (ids_dn(&dn, "o=%s,%D", org, ids_dir_conf(dir)->base) != IDS_OK)
		return fail(EXIT_ERROR, "%s", ids_strerror(IDS_ENOMEM));
	rc = ids_dir_search(dir, dn, LDAP_SCOPE_BASE,
	    "(objectClass=idpOrganization)", org_attrs, 1, &res);
	if (rc == IDS_OK && (e = ldap_first_entry(ids_dir_ld(dir), res)) !=
	    NULL) {
		print_org(cli, dir, e, 1);
		if (cli->json)
			printf("\n");
	} else if (rc == IDS_OK || rc == IDS_ENOTFOUND)
		/* Missing and unreadable look alike to a non-admin. */
		code = fail(EXIT_NOTFOUND, "no organization %s (or %s may not "
		    "read it); `idportal org list` shows them", org,
		    usercmd_who(cli));
	else
		code = refused(cli, dir, rc, "read organizations", dn);
	ldap_msgfree(res);
	free(dn);
	return code;
}

static int
org_list(struct cli *cli, struct ids_dir *dir)
{
	LDAPMessage *res = NULL, *e;
	int rc, n = 0;

	if ((rc = ids_dir_search(dir, ids_dir_conf(dir)->base,
	    LDAP_SCOPE_ONELEVEL, "(objectClass=idpOrganization)", org_attrs,
	    0, &res)) != IDS_OK) {
		ldap_msgfree(res);
		return refused(cli, dir, rc, "list organizations",
		    ids_dir_conf(dir)->base);
	}
	if (cli->json)
		printf("{\"orgs\":[");
	else
		printf("%-20s %-9s %10s %10s\n", "ORG", "STATE", "SEATS",
		    "GID");
	for (e = ldap_first_entry(ids_dir_ld(dir), res); e != NULL;
	    e = ldap_next_entry(ids_dir_ld(dir), e)) {
		if (cli->json && n++ > 0)
			printf(",");
		print_org(cli, dir, e, 0);
	}
	if (cli->json)
		printf("]}\n");
	ldap_msgfree(res);
	return EXIT_OK;
}

int
cmd_org(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "seats", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	struct ids_conf *conf = NULL;
	struct ids_dir *dir = NULL;
	const char *sub, *seats = NULL;
	long nseats = 0;
	int c, code;

	if (argc < 2)
		return fail(EXIT_USAGE, "usage: idportal --as ADMIN_ID org "
		    "add ORG --seats N | show ORG | list");
	sub = argv[1];
	argc--;
	argv++;
	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's': seats = optarg; break;
		default: return fail(EXIT_USAGE, "usage: idportal --as "
		    "ADMIN_ID org add ORG --seats N | show ORG | list");
		}
	}
	if (strcmp(sub, "add") == 0) {
		if (optind + 1 != argc || seats == NULL)
			return fail(EXIT_USAGE, "usage: idportal --as ADMIN_ID "
			    "org add ORG --seats N");
		if (!number(seats, &nseats))
			return fail(EXIT_USAGE, "--seats %s: want a number of "
			    "seats from 0 to %d", seats, SEATS_MAX);
	} else if (strcmp(sub, "show") == 0) {
		if (optind + 1 != argc || seats != NULL)
			return fail(EXIT_USAGE, "usage: idportal [--as "
			    "ADMIN_ID] [--json] org show ORG");
	} else if (strcmp(sub, "list") == 0) {
		if (optind != argc || seats != NULL)
			return fail(EXIT_USAGE, "usage: idportal [--as "
			    "ADMIN_ID] [--json] org list");
	} else
		return fail(EXIT_USAGE, "usage: idportal --as ADMIN_ID org "
		    "add ORG --seats N | show ORG | list");
	if (optind < argc && (code = usercmd_check_org(argv[optind])) !=
	    EXIT_OK)
		return code;
	if ((code = cli_conf(cli, &conf)) != EXIT_OK ||
	    (code = cli_admin_session(cli, conf, &dir)) != EXIT_OK)
		goto out;
	if (strcmp(sub, "add") == 0)
		code = org_add(cli, dir, argv[optind], nseats);
	else if (strcmp(sub, "show") == 0)
		code = org_show(cli, dir, argv[optind]);
	else
		code = org_list(cli, dir);
out:
	ids_dir_close(dir);
	ids_conf_free(conf);
	return code;
}
