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
 * Legacy seats: `add ORG CODE --legacy-id LID --link-password-file F`
 * makes a seat with idpLegacyId and an {SSHA} idpLinkPasswordHash (the
 * file read like every secret file; a link password without a legacy ID
 * is allowed too); `link CODE ID --legacy-password-file F` is the
 * self-service link of cmd_seat_legacy.c.
 *
 * --json: `seat list` prints {"seats":[seat, ...]}; `link`, `unlink` and
 * `add` print one seat; a seat object has the keys
 *	code		idpSeatCode
 *	org		the ORG of its DN
 *	dn		its DN
 *	linked_user	the DN of the user linked to it, or null
 *	linked_id	that user's ID (from the DN), or null
 * and, from `add --legacy-id` and the legacy link only, one key more:
 *	legacy_id	idpLegacyId (the legacy link: null if the seat had
 *			a link password but no legacy ID)
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "filter.h"
#include "mods.h"
#include "pwhash.h"
#include "rc.h"
#include "seatcmd.h"
#include "secret.h"
#include "target.h"
#include "user.h"
#include "usercmd.h"

#define USAGE	"usage: idportal [--as ADMIN_ID] [--json] seat list [ORG] | " \
	"link CODE ID [--org ORG] [--legacy-password-file F " \
	"[--password-file F]] | " \
	"unlink CODE [--org ORG] | " \
	"add ORG CODE [--legacy-id LID] [--link-password-file F]"

static char *seat_attrs[] = { "idpSeatCode", "idpLinkedUser", NULL };

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

static int
taken(const struct seat *s)
{
	char *id = seatcmd_rdn_value(s->linked);
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
				seatcmd_print(cli, s.dn, s.code, s.linked,
				    NULL);
				printf("\n");
			}
			ex = EXIT_OK;
		} else
			ex = taken(&s);
		goto out;
	}
	if ((rc = seatcmd_held(svc, user->dn, &other)) != IDS_OK) {
		ex = fail(rc_to_exit(rc), "reading seats: %s",
		    ids_dir_error(svc));
		goto out;
	}
	if (other != NULL) {
		ex = fail(EXIT_CONFLICT, "%s already holds seat %s; unlink it "
		    "first: idportal seat unlink %s", user->id, other, other);
		goto out;
	}
	if ((odn = seatcmd_org_dn(s.dn)) != NULL) {
		if ((rc = seatcmd_org_usage(svc, odn, &used, &limit)) !=
		    IDS_OK) {
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
	seatcmd_print(cli, s.dn, s.code, user->dn, NULL);
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
			seatcmd_print(cli, s.dn, s.code, NULL, NULL);
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
	id = seatcmd_rdn_value(s.linked);
	if (!cli->json)
		printf("Unlinked %s from seat %s.\n", id != NULL ? id : "?",
		    s.code);
	seatcmd_print(cli, s.dn, s.code, NULL, NULL);
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
		seatcmd_print(cli, dn, code, linked, NULL);
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

/* A new seat; with lid and hash (an {SSHA} link password), a legacy seat. */
static int
seat_add(struct cli *cli, struct ids_dir *actor, const char *org,
    const char *code, const char *lid, const char *hash)
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
	if (lid != NULL)
		ids_mods_add(m, LDAP_MOD_ADD, "idpLegacyId", lid, NULL);
	if (hash != NULL)
		ids_mods_add(m, LDAP_MOD_ADD, "idpLinkPasswordHash", hash,
		    NULL);
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
	if (!cli->json && lid != NULL)
		printf("Added seat %s to %s for legacy ID %s, with a link "
		    "password (single use).\n", code, org, lid);
	else if (!cli->json)
		printf("Added seat %s to %s%s.\n", code, org, hash != NULL ?
		    ", with a link password (single use)" : "");
	seatcmd_print(cli, dn, code, NULL, lid != NULL ? &lid : NULL);
	if (cli->json)
		printf("\n");
out:
	ids_mods_free(m);
	free(dn);
	return ex;
}

/* The link password of `seat add` as an {SSHA} value in hash. */
static int
read_link_password(const char *file, char *hash, size_t len)
{
	char *pw = NULL;
	int rc, code = EXIT_OK;

	if ((rc = read_secret(file, "Link password: ", &pw)) != IDS_OK)
		return rc_to_exit(rc);
	if (pw[0] == '\0')
		code = fail(EXIT_USAGE, "%s is empty: a seat needs a link "
		    "password", file);
	else if ((rc = ids_pwhash_ssha(pw, hash, len)) != IDS_OK)
		code = fail(rc_to_exit(rc), "hashing the link password: %s",
		    ids_strerror(rc));
	ids_free_secret(pw);
	return code;
}

int
cmd_seat(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "org", required_argument, NULL, 'o' },
		{ "legacy-id", required_argument, NULL, 'l' },
		{ "link-password-file", required_argument, NULL, 'p' },
		{ "legacy-password-file", required_argument, NULL, 'L' },
		{ "password-file", required_argument, NULL, 'P' },
		{ NULL, 0, NULL, 0 },
	};
	struct ids_conf *conf = NULL;
	struct ids_dir *svc = NULL, *actor = NULL;
	const char *sub, *org = NULL, *lid = NULL, *linkpw = NULL;
	const char *legacypw = NULL, *userpwfile = NULL;
	char hash[IDS_SSHA_LEN], *pw = NULL, *userpw = NULL;
	int c, code, rc, want, add, link, unlink;

	hash[0] = '\0';
	if (argc < 2)
		return fail(EXIT_USAGE, USAGE);
	sub = argv[1];
	argc--;
	argv++;
	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'o': org = optarg; break;
		case 'l': lid = optarg; break;
		case 'p': linkpw = optarg; break;
		case 'L': legacypw = optarg; break;
		case 'P': userpwfile = optarg; break;
		default: return fail(EXIT_USAGE, USAGE);
		}
	}
	add = strcmp(sub, "add") == 0;
	link = strcmp(sub, "link") == 0;
	unlink = strcmp(sub, "unlink") == 0;
	if (strcmp(sub, "list") == 0)
		want = -1;
	else if (link || add)
		want = 2;
	else if (unlink)
		want = 1;
	else
		return fail(EXIT_USAGE, USAGE);
	/* --legacy-id and --link-password-file belong to add, and a legacy
	 * ID comes with its link password; --legacy-password-file to link */
	if ((!add && (lid != NULL || linkpw != NULL)) ||
	    (lid != NULL && linkpw == NULL) || (!link && legacypw != NULL) ||
	    (legacypw == NULL && userpwfile != NULL))
		return fail(EXIT_USAGE, USAGE);
	if (want == -1) {
		if (argc - optind > 1 || (org != NULL && argc - optind == 1))
			return fail(EXIT_USAGE, USAGE);
		if (argc - optind == 1)
			org = argv[optind];
	} else if (argc - optind != want || (add && org != NULL))
		return fail(EXIT_USAGE, USAGE);
	if (org != NULL && (code = usercmd_check_org(org)) != EXIT_OK)
		return code;
	if (add && ((code = usercmd_check_org(argv[optind])) != EXIT_OK ||
	    (code = seatcmd_check_code("seat code", argv[optind + 1])) !=
	    EXIT_OK || (lid != NULL &&
	    (code = seatcmd_check_code("legacy ID", lid)) != EXIT_OK)))
		return code;
	if ((link || unlink) &&
	    (code = seatcmd_check_code("seat code", argv[optind])) != EXIT_OK)
		return code;
	/* secrets first: a file nobody should read stops us before any bind */
	if (linkpw != NULL && (code = read_link_password(linkpw, hash,
	    sizeof(hash))) != EXIT_OK)
		goto out;
	/* A legacy link also takes the personal ID's own password: holding
	 * an old login does not make anyone's ID yours. */
	if (legacypw != NULL && ((rc = read_secret(legacypw,
	    "Legacy password: ", &pw)) != IDS_OK ||
	    (rc = read_secret(userpwfile, "Password of your personal ID: ",
	    &userpw)) != IDS_OK)) {
		code = rc_to_exit(rc);
		goto out;
	}
	if ((code = cli_conf(cli, &conf)) != EXIT_OK)
		goto out;
	if (link || unlink) {
		if ((rc = ids_dir_open(conf, &cli->log, IDS_DIR_WRITER,
		    &svc)) != IDS_OK) {
			code = fail(EXIT_ERROR, "%s", ids_strerror(rc));
			goto out;
		}
	}
	if ((code = cli_admin_session(cli, conf, &actor)) != EXIT_OK)
		goto out;
	if (link && pw != NULL)
		code = seat_link_legacy(cli, svc, actor, argv[optind],
		    argv[optind + 1], org, pw, userpw);
	else if (link)
		code = seat_link(cli, svc, actor, argv[optind],
		    argv[optind + 1], org);
	else if (unlink)
		code = seat_unlink(cli, svc, actor, argv[optind], org);
	else if (add)
		code = seat_add(cli, actor, argv[optind], argv[optind + 1],
		    lid, hash[0] != '\0' ? hash : NULL);
	else
		code = seat_list(cli, actor, org);
out:
	ids_wipe(hash, sizeof(hash));
	ids_free_secret(pw);
	ids_free_secret(userpw);
	ids_dir_close(actor);
	ids_dir_close(svc);
	ids_conf_free(conf);
	return code;
}
