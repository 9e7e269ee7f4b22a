/* cmd_seat_legacy.c: `idportal seat link CODE ID --legacy-password-file F
 * [--password-file P]` (SPEC §3 Linking): the holder of a legacy login (a seat made with
 * `seat add ORG CODE --legacy-id LID --link-password-file F`) links it to
 * their personal ID themselves.  Run by the portal account (without --as:
 * the config's bind_dn; the ACLs let only the portal, the seat's org
 * admins and top-level admins write idpLinkedUser, and only services and
 * top-level admins touch idpLinkPasswordHash).
 *
 * The password is checked against every seat with that code (--org ORG
 * narrows it) in constant time; an unknown code, a seat without a link
 * password and a wrong password all get the same line and exit 4, and
 * take the same path (a decoy hash when there is nothing to check).  Only
 * after the password matched is anything said about the seat: already
 * linked (exit 5, the holder not named), the user ID unknown (exit 3), the
 * password of that ID (P, or asked on the terminal) wrong (exit 4), the
 * user holding a seat or the org at its seat limit (exit 5).  The link is
 * one Modify asserting the seat is still free (RFC 4528) that adds
 * idpLinkedUser and deletes the hash value read, so the password links
 * once; then idpLegacyId=LID is added to the user.  The password is never
 * printed or logged.
 *
 * --json: the seat object of cmd_seat.c ("code", "org", "dn",
 * "linked_user", "linked_id", "legacy_id").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "filter.h"
#include "mods.h"
#include "pwhash.h"
#include "rc.h"
#include "seatcmd.h"
#include "secret.h"
#include "user.h"
#include "usercmd.h"

#define REFUSED	"seat code or legacy password not accepted; check " \
	"both, or ask your organization's admin"

/* Checked when there is no hash to check, so that the time matches. */
#define DECOY	"{SSHA}hbGDYrIfZ6wcKy7DyuomVBd8S90HbiF2x0ZX9w=="

struct legacy {
	char	*dn;
	char	*code;
	char	*linked;	/* idpLinkedUser, or NULL */
	char	*legacy;	/* idpLegacyId, or NULL */
	char	*hash;		/* idpLinkPasswordHash */
};

static void
legacy_free(struct legacy *l)
{
	free(l->dn);
	free(l->code);
	free(l->linked);
	free(l->legacy);
	if (l->hash != NULL)
		ids_free_secret(l->hash);
	memset(l, 0, sizeof(*l));
}

/* The seat CODE whose link password pw is, as svc reads them: IDS_OK and
 * *l, IDS_EBADCRED for no such seat (whatever the reason), or a directory
 * error. */
static int
find_by_password(struct ids_dir *svc, const char *code, const char *org,
    const char *pw, struct legacy *l)
{
	static char *attrs[] = { "idpSeatCode", "idpLinkedUser",
	    "idpLegacyId", "idpLinkPasswordHash", NULL };
	LDAPMessage *res = NULL, *e;
	char *base = NULL, *filter = NULL, *hash, *dn;
	int rc, checked = 0, found = 0;

	memset(l, 0, sizeof(*l));
	if (org != NULL)
		rc = ids_dn(&base, "ou=seats,o=%s,%D", org,
		    ids_dir_conf(svc)->base);
	else
		rc = ids_dn(&base, "%D", ids_dir_conf(svc)->base);
	if (rc != IDS_OK || (rc = ids_filter(&filter, "(&(objectClass=idpSeat)"
	    "(idpSeatCode=%s))", code)) != IDS_OK)
		goto out;
	rc = ids_dir_search(svc, base, LDAP_SCOPE_SUBTREE, filter, attrs, 0,
	    &res);
	if (rc == IDS_ENOTFOUND)	/* --org ORG names no org */
		rc = IDS_OK;
	if (rc != IDS_OK)
		goto out;
	for (e = ldap_first_entry(ids_dir_ld(svc), res); e != NULL;
	    e = ldap_next_entry(ids_dir_ld(svc), e)) {
		hash = ids_dir_get(svc, e, "idpLinkPasswordHash");
		checked++;
		if (ids_pwhash_verify(pw, hash != NULL ? hash : DECOY) ==
		    IDS_OK && hash != NULL && !found) {
			found = 1;
			l->hash = hash;
			hash = NULL;
			dn = ldap_get_dn(ids_dir_ld(svc), e);
			l->dn = dn != NULL ? strdup(dn) : NULL;
			ldap_memfree(dn);
			l->code = ids_dir_get(svc, e, "idpSeatCode");
			l->linked = ids_dir_get(svc, e, "idpLinkedUser");
			l->legacy = ids_dir_get(svc, e, "idpLegacyId");
			if (l->dn == NULL || l->code == NULL)
				rc = IDS_ENOMEM;
		}
		if (hash != NULL)
			ids_free_secret(hash);
	}
	if (checked == 0)
		(void)ids_pwhash_verify(pw, DECOY);
	if (rc == IDS_OK && !found)
		rc = IDS_EBADCRED;
out:
	if (rc != IDS_OK)
		legacy_free(l);
	ldap_msgfree(res);
	free(filter);
	free(base);
	return rc;
}

/* After the password matched: the rules of a normal link, in words for
 * the one who holds the legacy login. */
static int
may_link(struct ids_dir *svc, const struct legacy *l,
    const struct ids_user *user)
{
	const char *odn;
	char *other = NULL;
	long used, limit;
	int rc, ex = EXIT_OK;

	if (l->linked != NULL)
		return fail(EXIT_CONFLICT, "seat %s is already linked; ask "
		    "your organization's admin", l->code);
	if ((rc = seatcmd_held(svc, user->dn, &other)) != IDS_OK)
		return fail(rc_to_exit(rc), "reading seats: %s",
		    ids_dir_error(svc));
	if (other != NULL) {
		ex = fail(EXIT_CONFLICT, "%s already holds a seat; ask your "
		    "organization's admin to unlink it first", user->id);
		free(other);
		return ex;
	}
	if ((odn = seatcmd_org_dn(l->dn)) == NULL)
		return EXIT_OK;
	if ((rc = seatcmd_org_usage(svc, odn, &used, &limit)) != IDS_OK)
		return fail(rc_to_exit(rc), "reading %s: %s", odn,
		    ids_dir_error(svc));
	if (limit >= 0 && used >= limit)
		return fail(EXIT_CONFLICT, "%s has %ld of its %ld seats linked "
		    "(its seat limit); ask your organization's admin", odn,
		    used, limit);
	return EXIT_OK;
}

/* One Modify: idpLinkedUser added and the hash value read deleted, only
 * if the seat is still free; a second use of the password finds no hash. */
static int
link_once(const struct cli *cli, struct ids_dir *actor,
    const struct legacy *l, const struct ids_user *user)
{
	struct ids_mods *m = NULL;
	int rc;

	if (ids_mods_new(&m) != 0)
		return fail(EXIT_ERROR, "%s", ids_strerror(IDS_ENOMEM));
	ids_mods_add(m, LDAP_MOD_ADD, "idpLinkedUser", user->dn, NULL);
	ids_mods_add(m, LDAP_MOD_DELETE, "idpLinkPasswordHash", l->hash, NULL);
	rc = ids_mods_get(m) == NULL ? IDS_ENOMEM : ids_dir_modify_if(actor,
	    l->dn, ids_mods_get(m), "(!(idpLinkedUser=*))");
	ids_mods_free(m);
	if (rc == IDS_OK)
		return EXIT_OK;
	/* linked meanwhile, or the password used meanwhile */
	if (rc == IDS_ECHANGED)
		return fail(EXIT_CONFLICT, "seat %s was linked meanwhile; ask "
		    "your organization's admin", l->code);
	if (rc == IDS_EPERM)
		return fail(EXIT_DENIED, "the directory does not let %s link "
		    "seat %s (legacy links are for the portal account and "
		    "admins)", usercmd_who(cli), l->code);
	return fail(rc_to_exit(rc), "linking seat %s: %s", l->code,
	    rc == IDS_ENOMEM ? ids_strerror(rc) : ids_dir_error(actor));
}

/* idpLegacyId=LID on the user (a value they may have already: fine). */
static int
record_legacy_id(struct ids_dir *actor, const struct legacy *l,
    const struct ids_user *user)
{
	struct ids_mods *m = NULL;
	int rc;

	if (l->legacy == NULL)
		return EXIT_OK;
	if (ids_mods_new(&m) != 0)
		return fail(EXIT_ERROR, "%s", ids_strerror(IDS_ENOMEM));
	ids_mods_add(m, LDAP_MOD_ADD, "idpLegacyId", l->legacy, NULL);
	rc = ids_mods_get(m) == NULL ? IDS_ENOMEM :
	    ids_dir_modify(actor, user->dn, ids_mods_get(m));
	ids_mods_free(m);
	if (rc == IDS_OK || rc == IDS_EEXIST)
		return EXIT_OK;
	return fail(rc_to_exit(rc), "linked seat %s to %s, but could not "
	    "record legacy ID %s on %s: %s", l->code, user->id, l->legacy,
	    user->id, rc == IDS_ENOMEM ? ids_strerror(rc) :
	    ids_dir_error(actor));
}

int
seat_link_legacy(struct cli *cli, struct ids_dir *svc, struct ids_dir *actor,
    const char *code, const char *id, const char *org, const char *pw,
    const char *userpw)
{
	struct ids_user *user = NULL;
	struct legacy l;
	int rc, ex;

	if ((rc = find_by_password(svc, code, org, pw, &l)) != IDS_OK) {
		ex = rc == IDS_EBADCRED ? fail(EXIT_DENIED, REFUSED) :
		    fail(rc_to_exit(rc), "finding seat %s: %s", code,
		    rc == IDS_ENOMEM ? ids_strerror(rc) : ids_dir_error(svc));
		goto out;
	}
	if ((rc = ids_user_find(svc, id, &user)) != IDS_OK) {
		ex = rc == IDS_ENOUSER ? fail(EXIT_NOTFOUND, "no user %s", id) :
		    fail(rc_to_exit(rc), "finding %s: %s", id,
		    ids_dir_error(svc));
		goto out;
	}
	/* The personal ID is theirs too: its own password, by a bind. */
	if ((rc = ids_dir_check_password(svc, user->dn, userpw)) != IDS_OK) {
		ex = rc == IDS_EBADCRED ? fail(EXIT_DENIED, "the password of "
		    "%s is wrong; seat %s was not linked", user->id, code) :
		    fail(rc_to_exit(rc), "checking the password of %s: %s",
		    user->id, ids_dir_error(svc));
		goto out;
	}
	if ((ex = may_link(svc, &l, user)) != EXIT_OK ||
	    (ex = link_once(cli, actor, &l, user)) != EXIT_OK ||
	    (ex = record_legacy_id(actor, &l, user)) != EXIT_OK)
		goto out;
	if (!cli->json) {
		if (l.legacy != NULL)
			printf("Linked legacy ID %s (seat %s) to %s.\n",
			    l.legacy, l.code, user->id);
		else
			printf("Linked seat %s to %s.\n", l.code, user->id);
		printf("The link password is used up; %s now logs in with "
		    "their own ID and password.\n", user->id);
	} else {
		seatcmd_print(cli, l.dn, l.code, user->dn,
		    (const char *const *)&l.legacy);
		printf("\n");
	}
out:
	ids_user_free(user);
	legacy_free(&l);
	return ex;
}
