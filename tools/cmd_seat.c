/* cmd_seat.c: `idportal seat list [ORG] | link CODE ID | unlink CODE |
 * add ORG CODE` (SPEC §2, §3 Linking, §6).  A seat is
 * idpSeatCode=CODE,ou=seats,o=ORG,<base> (idpSeat); idpLinkedUser is the
 * DN of the user holding it, absent when free.  The seat swap of a
 * corporate contract: `seat unlink CODE` for the leaving user, then
 * `seat link CODE NEWID`.
 *
 * The seat and the user are found as this host's service account; every
 * change is made as --as ADMIN_ID (else the service account), so the
 * directory's ACLs decide who may.  Before saying anything about a seat
 * (who holds it, the org's limit) `link` and `unlink` check that the actor
 * may read it: one who may not gets exit 4.  `link` refuses a taken seat
 * (exit 5, naming the holder), a user who already holds a seat (exit 5),
 * and a link past the org's idpSeatLimit (exit 5); the link itself is one
 * Modify asserting the seat is still free (RFC 4528), so two admins never
 * link the same seat.  The limit is counted before the link: two admins
 * linking the last free seat of an org at once may both succeed.
 * --org ORG names the org when the same code exists in several.
 *
 * --json: `seat list` prints {"seats":[seat, ...]}; `link`, `unlink` and
 * `add` print one seat; a seat object has the keys
 *	code		idpSeatCode
 *	org		the ORG of its DN
 *	dn		its DN
 *	linked_user	the DN of the user linked to it, or null
 *	linked_id	that user's ID (from the DN), or null
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "filter.h"
#include "mods.h"
#include "rc.h"
#include "target.h"
#include "user.h"
#include "usercmd.h"

#define CODE_MAX	64
#define USAGE	"usage: idportal [--as ADMIN_ID] [--json] seat list [ORG] | " \
	"link CODE ID [--org ORG] | unlink CODE [--org ORG] | add ORG CODE"

static char *seat_attrs[] = { "idpSeatCode", "idpLinkedUser", NULL };

static int
check_code(const char *code)
{
	size_t n = strlen(code);

	if (n == 0 || n > CODE_MAX || strspn(code, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789-_.") != n)
		return fail(EXIT_USAGE, "seat code \"%s\": want 1 to %d ASCII "
		    "letters, digits, '-', '_' or '.'", code, CODE_MAX);
	return EXIT_OK;
}

/* The value of the first RDN of dn ("uid=X,..." gives X), malloc'd. */
static char *
rdn_value(const char *dn)
{
	const char *eq, *end;
	char *v;

	if (dn == NULL || (eq = strchr(dn, '=')) == NULL)
		return NULL;
	end = strchr(eq, ',');
	if (end == NULL)
		end = eq + strlen(eq);
	if ((v = malloc((size_t)(end - eq))) == NULL)
		return NULL;
	memcpy(v, eq + 1, (size_t)(end - eq - 1));
	v[end - eq - 1] = '\0';
	return v;
}

/* "o=ORG,<base>" inside a seat DN, or NULL. */
static const char *
seat_org_dn(const char *dn)
{
	const char *p = strchr(dn, ',');

	if (p == NULL || strncasecmp(p, ",ou=seats,o=", 12) != 0)
		return NULL;
	return p + 10;
}

static void
print_seat(const struct cli *cli, const char *dn, const char *code,
    const char *linked)
{
	const char *odn = dn != NULL ? seat_org_dn(dn) : NULL;
	char *org = odn != NULL ? rdn_value(odn) : NULL;
	char *id = rdn_value(linked);

	if (cli->json) {
		printf("{\"code\":");
		json_str(stdout, code);
		printf(",\"org\":");
		json_str(stdout, org);
		printf(",\"dn\":");
		json_str(stdout, dn);
		printf(",\"linked_user\":");
		json_str(stdout, linked);
		printf(",\"linked_id\":");
		json_str(stdout, id);
		printf("}");
	} else {
		put_text(stdout, code != NULL ? code : "-");
		printf("\t");
		put_text(stdout, org != NULL ? org : "-");
		printf("\t");
		put_text(stdout, id != NULL ? id : "-");
		printf("\n");
	}
	free(org);
	free(id);
}

struct seat {
	char	*dn;
	char	*code;
	char	*linked;	/* idpLinkedUser, or NULL */
};

static void
seat_free(struct seat *s)
{
	free(s->dn);
	free(s->code);
	free(s->linked);
	memset(s, 0, sizeof(*s));
}

/* Find seat CODE (in ORG, if given) as dir sees it. */
static int
seat_find(struct ids_dir *dir, const char *code, const char *org,
    struct seat *s)
{
	LDAPMessage *res = NULL, *e;
	char *base = NULL, *filter = NULL, *dn;
	int rc, n;

	memset(s, 0, sizeof(*s));
	if (org != NULL)
		rc = ids_dn(&base, "ou=seats,o=%s,%D", org,
		    ids_dir_conf(dir)->base);
	else
		rc = ids_dn(&base, "%D", ids_dir_conf(dir)->base);
	if (rc != IDS_OK || (rc = ids_filter(&filter, "(&(objectClass=idpSeat)"
	    "(idpSeatCode=%s))", code)) != IDS_OK)
		goto out;
	if ((rc = ids_dir_search(dir, base, LDAP_SCOPE_SUBTREE, filter,
	    seat_attrs, 0, &res)) != IDS_OK)
		goto out;
	n = ldap_count_entries(ids_dir_ld(dir), res);
	if (n == 0) {
		rc = IDS_ENOTFOUND;
		goto out;
	}
	if (n > 1) {
		rc = IDS_EEXIST;
		goto out;
	}
	e = ldap_first_entry(ids_dir_ld(dir), res);
	if ((dn = ldap_get_dn(ids_dir_ld(dir), e)) == NULL ||
	    (s->dn = strdup(dn)) == NULL) {
		ldap_memfree(dn);
		rc = IDS_ENOMEM;
		goto out;
	}
	ldap_memfree(dn);
	s->code = ids_dir_get(dir, e, "idpSeatCode");
	s->linked = ids_dir_get(dir, e, "idpLinkedUser");
out:
	ldap_msgfree(res);
	free(filter);
	free(base);
	return rc;
}

static int
find_error(struct ids_dir *dir, int rc, const char *code)
{
	if (rc == IDS_ENOTFOUND)
		return fail(EXIT_NOTFOUND, "no seat %s; `idportal seat list` "
		    "shows the seats", code);
	if (rc == IDS_EEXIST)
		return fail(EXIT_CONFLICT, "seat code %s is in several orgs; "
		    "name one with --org ORG", code);
	return fail(rc_to_exit(rc), "finding seat %s: %s", code,
	    rc == IDS_ENOMEM ? ids_strerror(rc) : ids_dir_error(dir));
}

/* EXIT_OK if the actor may read the seat, else exit 4 with its line. */
static int
actor_sees(const struct cli *cli, struct ids_dir *actor,
    const struct seat *s, const char *doing)
{
	static char *none[] = { "1.1", NULL };
	LDAPMessage *res = NULL;
	int rc, n = 0;

	rc = ids_dir_search(actor, s->dn, LDAP_SCOPE_BASE,
	    "(objectClass=idpSeat)", none, 0, &res);
	if (rc == IDS_OK)
		n = ldap_count_entries(ids_dir_ld(actor), res);
	ldap_msgfree(res);
	if (rc == IDS_OK && n == 1)
		return EXIT_OK;
	if (rc == IDS_OK || rc == IDS_ENOTFOUND || rc == IDS_EPERM)
		return fail(EXIT_DENIED, "the directory does not let %s %s "
		    "seat %s (only admins of its org may)", usercmd_who(cli),
		    doing, s->code);
	return fail(rc_to_exit(rc), "reading seat %s: %s", s->code,
	    ids_dir_error(actor));
}

/* How many seats of org (DN odn) are linked, and its limit (-1: none). */
static int
org_usage(struct ids_dir *dir, const char *odn, long *used, long *limit)
{
	static char *none[] = { "1.1", NULL };
	static char *lattrs[] = { "idpSeatLimit", NULL };
	LDAPMessage *res = NULL, *e;
	char *sub = NULL, *v;
	int rc;

	*used = 0;
	*limit = -1;
	if ((rc = ids_dir_search(dir, odn, LDAP_SCOPE_BASE, "(objectClass=*)",
	    lattrs, 0, &res)) != IDS_OK)
		return rc;
	if ((e = ldap_first_entry(ids_dir_ld(dir), res)) != NULL &&
	    (v = ids_dir_get(dir, e, "idpSeatLimit")) != NULL) {
		*limit = strtol(v, NULL, 10);
		free(v);
	}
	ldap_msgfree(res);
	res = NULL;
	if ((rc = ids_dn(&sub, "ou=seats,%D", odn)) != IDS_OK)
		return rc;
	rc = ids_dir_search(dir, sub, LDAP_SCOPE_ONELEVEL,
	    "(&(objectClass=idpSeat)(idpLinkedUser=*))", none, 0, &res);
	if (rc == IDS_OK)
		*used = ldap_count_entries(ids_dir_ld(dir), res);
	ldap_msgfree(res);
	free(sub);
	return rc;
}

/* The seat user_dn already holds (code malloc'd in *code), if any. */
static int
held_seat(struct ids_dir *dir, const char *user_dn, char **code)
{
	LDAPMessage *res = NULL, *e;
	char *filter = NULL;
	int rc;

	*code = NULL;
	if ((rc = ids_filter(&filter, "(&(objectClass=idpSeat)"
	    "(idpLinkedUser=%s))", user_dn)) != IDS_OK)
		return rc;
	rc = ids_dir_search(dir, ids_dir_conf(dir)->base, LDAP_SCOPE_SUBTREE,
	    filter, seat_attrs, 0, &res);
	if (rc == IDS_OK && (e = ldap_first_entry(ids_dir_ld(dir), res)) !=
	    NULL && (*code = ids_dir_get(dir, e, "idpSeatCode")) == NULL)
		*code = strdup("?");
	ldap_msgfree(res);
	free(filter);
	return rc;
}

static int
taken(const struct seat *s)
{
	char *id = rdn_value(s->linked);
	int code;

	code = fail(EXIT_CONFLICT, "seat %s is taken by %s (%s); unlink it "
	    "first: idportal seat unlink %s", s->code, id != NULL ? id : "?",
	    s->linked, s->code);
	free(id);
	return code;
}

static int
seat_link(struct cli *cli, struct ids_dir *svc, struct ids_dir *actor,
    const char *code, const char *id, const char *org)
{
	struct ids_user *user = NULL;
	struct ids_mods *m = NULL;
	struct seat s;
	char *other = NULL;
	const char *odn;
	long used, limit;
	int rc, ex;

	if ((rc = seat_find(svc, code, org, &s)) != IDS_OK)
		return find_error(svc, rc, code);
	if ((ex = actor_sees(cli, actor, &s, "link")) != EXIT_OK)
		goto out;
	if ((rc = ids_user_find(svc, id, &user)) != IDS_OK) {
		ex = rc == IDS_ENOUSER ? fail(EXIT_NOTFOUND, "no user %s", id) :
		    fail(rc_to_exit(rc), "finding %s: %s", id,
		    ids_dir_error(svc));
		goto out;
	}
	if (s.linked != NULL) {
		if (strcasecmp(s.linked, user->dn) == 0) {
			if (!cli->json)
				printf("Seat %s is already linked to %s.\n",
				    s.code, user->id);
			else {
				print_seat(cli, s.dn, s.code, s.linked);
				printf("\n");
			}
			ex = EXIT_OK;
		} else
			ex = taken(&s);
		goto out;
	}
	if ((rc = held_seat(svc, user->dn, &other)) != IDS_OK) {
		ex = fail(rc_to_exit(rc), "reading seats: %s",
		    ids_dir_error(svc));
		goto out;
	}
	if (other != NULL) {
		ex = fail(EXIT_CONFLICT, "%s already holds seat %s; unlink it "
		    "first: idportal seat unlink %s", user->id, other, other);
		goto out;
	}
	if ((odn = seat_org_dn(s.dn)) != NULL) {
		if ((rc = org_usage(svc, odn, &used, &limit)) != IDS_OK) {
			ex = fail(rc_to_exit(rc), "reading %s: %s", odn,
			    ids_dir_error(svc));
			goto out;
		}
		if (limit >= 0 && used >= limit) {
			ex = fail(EXIT_CONFLICT, "%s has %ld of its %ld seats "
			    "linked (its seat limit); unlink one first",
			    odn, used, limit);
			goto out;
		}
	}
	if (ids_mods_new(&m) != 0) {
		ex = fail(EXIT_ERROR, "%s", ids_strerror(IDS_ENOMEM));
		goto out;
	}
	ids_mods_add(m, LDAP_MOD_ADD, "idpLinkedUser", user->dn, NULL);
	rc = ids_mods_get(m) == NULL ? IDS_ENOMEM : ids_dir_modify_if(actor,
	    s.dn, ids_mods_get(m), "(!(idpLinkedUser=*))");
	if (rc == IDS_ECHANGED || rc == IDS_EEXIST) {
		/* linked meanwhile by someone else, or not ours to see */
		seat_free(&s);
		if (seat_find(svc, code, org, &s) == IDS_OK && s.linked != NULL)
			ex = taken(&s);
		else
			ex = fail(EXIT_DENIED, "the directory does not let %s "
			    "link seat %s", usercmd_who(cli), code);
		goto out;
	}
	if (rc != IDS_OK) {
		ex = rc == IDS_EPERM ? fail(EXIT_DENIED, "the directory does "
		    "not let %s link seat %s (only admins of its org may)",
		    usercmd_who(cli), code) : fail(rc_to_exit(rc),
		    "linking seat %s: %s", code, rc == IDS_ENOMEM ?
		    ids_strerror(rc) : ids_dir_error(actor));
		goto out;
	}
	if (!cli->json)
		printf("Linked seat %s to %s.\n", s.code, user->id);
	print_seat(cli, s.dn, s.code, user->dn);
	if (cli->json)
		printf("\n");
	ex = EXIT_OK;
out:
	ids_mods_free(m);
	ids_user_free(user);
	free(other);
	seat_free(&s);
	return ex;
}

static int
seat_unlink(struct cli *cli, struct ids_dir *svc, struct ids_dir *actor,
    const char *code, const char *org)
{
	struct ids_mods *m = NULL;
	struct seat s;
	char *id = NULL;
	int rc, ex;

	if ((rc = seat_find(svc, code, org, &s)) != IDS_OK)
		return find_error(svc, rc, code);
	if ((ex = actor_sees(cli, actor, &s, "unlink")) != EXIT_OK)
		goto out;
	if (s.linked == NULL) {
		if (!cli->json)
			printf("Seat %s is free; nothing to unlink.\n", s.code);
		else {
			print_seat(cli, s.dn, s.code, NULL);
			printf("\n");
		}
		goto out;
	}
	if (ids_mods_new(&m) != 0) {
		ex = fail(EXIT_ERROR, "%s", ids_strerror(IDS_ENOMEM));
		goto out;
	}
	/* the value read: a user linked meanwhile is not unlinked */
	ids_mods_add(m, LDAP_MOD_DELETE, "idpLinkedUser", s.linked, NULL);
	rc = ids_mods_get(m) == NULL ? IDS_ENOMEM :
	    ids_dir_modify(actor, s.dn, ids_mods_get(m));
	if (rc == IDS_ECHANGED) {
		ex = fail(EXIT_CONFLICT, "seat %s changed meanwhile; run "
		    "`idportal seat list` and try again", code);
		goto out;
	}
	if (rc != IDS_OK) {
		ex = rc == IDS_EPERM ? fail(EXIT_DENIED, "the directory does "
		    "not let %s unlink seat %s (only admins of its org may)",
		    usercmd_who(cli), code) : fail(rc_to_exit(rc),
		    "unlinking seat %s: %s", code, rc == IDS_ENOMEM ?
		    ids_strerror(rc) : ids_dir_error(actor));
		goto out;
	}
	id = rdn_value(s.linked);
	if (!cli->json)
		printf("Unlinked %s from seat %s.\n", id != NULL ? id : "?",
		    s.code);
	print_seat(cli, s.dn, s.code, NULL);
	if (cli->json)
		printf("\n");
out:
	free(id);
	ids_mods_free(m);
	seat_free(&s);
	return ex;
}

static int
seat_list(struct cli *cli, struct ids_dir *actor, const char *org)
{
	LDAPMessage *res = NULL, *e;
	char *base = NULL, *dn, *code, *linked;
	int rc, n = 0;

	if (org != NULL)
		rc = ids_dn(&base, "ou=seats,o=%s,%D", org,
		    ids_dir_conf(actor)->base);
	else
		rc = ids_dn(&base, "%D", ids_dir_conf(actor)->base);
	if (rc == IDS_OK)
		rc = ids_dir_search(actor, base, LDAP_SCOPE_SUBTREE,
		    "(objectClass=idpSeat)", seat_attrs, 0, &res);
	if (rc == IDS_ENOTFOUND && org != NULL) {
		free(base);
		return fail(EXIT_NOTFOUND, "no organization %s (or %s may not "
		    "read it)", org, usercmd_who(cli));
	}
	if (rc != IDS_OK) {
		free(base);
		ldap_msgfree(res);
		return fail(rc == IDS_EPERM ? EXIT_DENIED : rc_to_exit(rc),
		    "listing seats: %s", rc == IDS_ENOMEM ? ids_strerror(rc) :
		    ids_dir_error(actor));
	}
	if (cli->json)
		printf("{\"seats\":[");
	else
		printf("CODE\tORG\tLINKED\n");
	for (e = ldap_first_entry(ids_dir_ld(actor), res); e != NULL;
	    e = ldap_next_entry(ids_dir_ld(actor), e)) {
		dn = ldap_get_dn(ids_dir_ld(actor), e);
		code = ids_dir_get(actor, e, "idpSeatCode");
		linked = ids_dir_get(actor, e, "idpLinkedUser");
		if (cli->json && n++ > 0)
			printf(",");
		print_seat(cli, dn, code, linked);
		ldap_memfree(dn);
		free(code);
		free(linked);
	}
	if (cli->json)
		printf("]}\n");
	ldap_msgfree(res);
	free(base);
	return EXIT_OK;
}

static int
seat_add(struct cli *cli, struct ids_dir *actor, const char *org,
    const char *code)
{
	struct ids_mods *m = NULL;
	char *dn = NULL;
	int rc, ex = EXIT_OK;

	if (ids_dn(&dn, "idpSeatCode=%s,ou=seats,o=%s,%D", code, org,
	    ids_dir_conf(actor)->base) != IDS_OK || ids_mods_new(&m) != 0) {
		ex = fail(EXIT_ERROR, "%s", ids_strerror(IDS_ENOMEM));
		goto out;
	}
	ids_mods_add(m, LDAP_MOD_ADD, "objectClass", "top", "idpSeat", NULL);
	ids_mods_add(m, LDAP_MOD_ADD, "idpSeatCode", code, NULL);
	rc = ids_mods_get(m) == NULL ? IDS_ENOMEM :
	    ids_dir_add(actor, dn, ids_mods_get(m));
	if (rc == IDS_EPERM)
		ex = fail(EXIT_DENIED, "the directory does not let %s add "
		    "seats (only top-level admins may)", usercmd_who(cli));
	else if (rc == IDS_EEXIST)
		ex = fail(EXIT_CONFLICT, "seat %s of %s already exists", code,
		    org);
	else if (rc == IDS_ENOTFOUND)
		ex = fail(EXIT_NOTFOUND, "no organization %s (ou=seats,o=%s); "
		    "`idportal org list` shows them", org, org);
	else if (rc != IDS_OK)
		ex = fail(rc_to_exit(rc), "adding %s: %s", dn, rc ==
		    IDS_ENOMEM ? ids_strerror(rc) : ids_dir_error(actor));
	if (ex != EXIT_OK)
		goto out;
	if (!cli->json)
		printf("Added seat %s to %s.\n", code, org);
	print_seat(cli, dn, code, NULL);
	if (cli->json)
		printf("\n");
out:
	ids_mods_free(m);
	free(dn);
	return ex;
}

int
cmd_seat(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "org", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	struct ids_conf *conf = NULL;
	struct ids_dir *svc = NULL, *actor = NULL;
	const char *sub, *org = NULL;
	int c, code, rc, want;

	if (argc < 2)
		return fail(EXIT_USAGE, USAGE);
	sub = argv[1];
	argc--;
	argv++;
	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'o': org = optarg; break;
		default: return fail(EXIT_USAGE, USAGE);
		}
	}
	if (strcmp(sub, "list") == 0)
		want = -1;
	else if (strcmp(sub, "link") == 0)
		want = 2;
	else if (strcmp(sub, "unlink") == 0)
		want = 1;
	else if (strcmp(sub, "add") == 0)
		want = 2;
	else
		return fail(EXIT_USAGE, USAGE);
	if (want == -1) {
		if (argc - optind > 1 || (org != NULL && argc - optind == 1))
			return fail(EXIT_USAGE, USAGE);
		if (argc - optind == 1)
			org = argv[optind];
	} else if (argc - optind != want ||
	    (strcmp(sub, "add") == 0 && org != NULL))
		return fail(EXIT_USAGE, USAGE);
	if (org != NULL && (code = usercmd_check_org(org)) != EXIT_OK)
		return code;
	if (strcmp(sub, "add") == 0 &&
	    ((code = usercmd_check_org(argv[optind])) != EXIT_OK ||
	    (code = check_code(argv[optind + 1])) != EXIT_OK))
		return code;
	if ((strcmp(sub, "link") == 0 || strcmp(sub, "unlink") == 0) &&
	    (code = check_code(argv[optind])) != EXIT_OK)
		return code;
	if ((code = cli_conf(cli, &conf)) != EXIT_OK)
		goto out;
	if (strcmp(sub, "link") == 0 || strcmp(sub, "unlink") == 0) {
		if ((rc = ids_dir_open(conf, &cli->log, IDS_DIR_WRITER,
		    &svc)) != IDS_OK) {
			code = fail(EXIT_ERROR, "%s", ids_strerror(rc));
			goto out;
		}
	}
	if ((code = cli_admin_session(cli, conf, &actor)) != EXIT_OK)
		goto out;
	if (strcmp(sub, "list") == 0)
		code = seat_list(cli, actor, org);
	else if (strcmp(sub, "link") == 0)
		code = seat_link(cli, svc, actor, argv[optind],
		    argv[optind + 1], org);
	else if (strcmp(sub, "unlink") == 0)
		code = seat_unlink(cli, svc, actor, argv[optind], org);
	else
		code = seat_add(cli, actor, argv[optind], argv[optind + 1]);
out:
	ids_dir_close(actor);
	ids_dir_close(svc);
	ids_conf_free(conf);
	return code;
}
