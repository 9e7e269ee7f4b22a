/* useradd.c: what adding a user takes, for `user add` and `register`:
 * the ID free everywhere, the org there, a uidNumber from the counter, the
 * entry in one add. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "counter.h"
#include "filter.h"
#include "init.h"
#include "mods.h"
#include "rc.h"
#include "usercmd.h"

/* Is the ID taken anywhere in the directory?  Without regard to case:
 * LDAP matches uid without it, and uid=Alice01 and uid=alice01 are one
 * RDN to the server.  Asked as the service, which reads every user. */
int
usercmd_id_taken(struct ids_dir *svc, const char *id)
{
	static char *none[] = { "1.1", NULL };
	LDAPMessage *res = NULL, *e;
	char *filter = NULL, *dn = NULL;
	int rc, code = EXIT_OK;

	if ((rc = ids_filter(&filter, "(uid=%s)", id)) != IDS_OK ||
	    (rc = ids_dir_search(svc, ids_dir_conf(svc)->base,
	    LDAP_SCOPE_SUBTREE, filter, none, 0, &res)) != IDS_OK) {
		code = fail(rc_to_exit(rc), "%s", rc == IDS_ENOMEM ?
		    ids_strerror(rc) : ids_dir_error(svc));
		goto out;
	}
	if ((e = ldap_first_entry(ids_dir_ld(svc), res)) != NULL) {
		dn = ldap_get_dn(ids_dir_ld(svc), e);
		code = fail(EXIT_CONFLICT, "ID %s is already taken (%s); "
		    "choose another ID", id, dn != NULL ? dn : "?");
	}
out:
	ldap_memfree(dn);
	ldap_msgfree(res);
	free(filter);
	return code;
}

int
usercmd_org_exists(struct ids_dir *svc, const char *org)
{
	static char *none[] = { "1.1", NULL };
	LDAPMessage *res = NULL;
	char *dn = NULL;
	int rc, code = EXIT_OK;

	if ((rc = ids_dn(&dn, "o=%s,%D", org, ids_dir_conf(svc)->base)) !=
	    IDS_OK)
		return fail(rc_to_exit(rc), "%s", ids_strerror(rc));
	rc = ids_dir_search(svc, dn, LDAP_SCOPE_BASE,
	    "(objectClass=idpOrganization)", none, 1, &res);
	if (rc == IDS_ENOTFOUND || (rc == IDS_OK &&
	    ldap_first_entry(ids_dir_ld(svc), res) == NULL))
		code = fail(EXIT_NOTFOUND, "no organization %s: create it "
		    "first with `idportal org add %s --seats N`", org, org);
	else if (rc != IDS_OK)
		code = fail(rc_to_exit(rc), "%s", ids_dir_error(svc));
	ldap_msgfree(res);
	free(dn);
	return code;
}

static int
add_refused(const struct cli *cli, struct ids_dir *actor, int rc,
    const char *doing, const char *id)
{
	if (rc == IDS_EPERM)
		return fail(EXIT_DENIED, "the directory does not let %s %s "
		    "(user %s); nothing was added", usercmd_who(cli), doing,
		    id);
	if (rc == IDS_EEXIST)
		return fail(EXIT_CONFLICT, "ID %s is already taken; choose "
		    "another ID", id);
	return fail(rc_to_exit(rc), "%s %s: %s", doing, id, rc == IDS_ENOMEM ?
	    ids_strerror(rc) : ids_dir_error(actor));
}

/* The entry, with a uidNumber from the counter: Modify-Increment with the
 * pre-read control hands each number out once, even to concurrent adds on
 * any number of hosts.  A number drawn for an add that then fails is not
 * reused (a gap, never a duplicate). */
int
usercmd_add_entry(const struct cli *cli, struct ids_dir *actor,
    const struct new_user *nu, char **dn)
{
	const char *base = ids_dir_conf(actor)->base;
	struct ids_mods *m = NULL;
	char uidn[24], home[64], *counter = NULL;
	int64_t uid;
	int rc, code = EXIT_OK;

	*dn = NULL;
	if ((rc = nu->org != NULL ? ids_dn(dn, "uid=%s,ou=people,o=%s,%D",
	    nu->id, nu->org, base) : ids_dn(dn, "uid=%s,ou=people,%D", nu->id,
	    base)) != IDS_OK ||
	    (rc = ids_dn(&counter, IDS_UID_COUNTER_RDN ",%D", base)) !=
	    IDS_OK ||
	    (rc = ids_mods_new(&m) != 0 ? IDS_ENOMEM : IDS_OK) != IDS_OK) {
		code = fail(rc_to_exit(rc), "%s", ids_strerror(rc));
		goto out;
	}
	if ((rc = ids_counter_next(actor, counter, "idpNextUidNumber",
	    &uid)) != IDS_OK) {
		code = add_refused(cli, actor, rc, "allocate a uidNumber",
		    nu->id);
		goto out;
	}
	snprintf(uidn, sizeof(uidn), "%lld", (long long)uid);
	snprintf(home, sizeof(home), "/home/%s", nu->id);
	ids_mods_add(m, LDAP_MOD_ADD, "objectClass", "top", "inetOrgPerson",
	    "posixAccount", "idpUser", NULL);
	ids_mods_add(m, LDAP_MOD_ADD, "uid", nu->id, NULL);
	ids_mods_add(m, LDAP_MOD_ADD, "cn", nu->id, NULL);
	ids_mods_add(m, LDAP_MOD_ADD, "sn", nu->id, NULL);
	ids_mods_add(m, LDAP_MOD_ADD, "displayName", nu->name, NULL);
	ids_mods_add(m, LDAP_MOD_ADD, "mail", nu->email, NULL);
	ids_mods_add(m, LDAP_MOD_ADD, "uidNumber", uidn, NULL);
	ids_mods_add(m, LDAP_MOD_ADD, "gidNumber", uidn, NULL);
	ids_mods_add(m, LDAP_MOD_ADD, "homeDirectory", home, NULL);
	ids_mods_add(m, LDAP_MOD_ADD, "loginShell", "/bin/bash", NULL);
	ids_mods_add(m, LDAP_MOD_ADD, "idpUserType", nu->type, NULL);
	ids_mods_add(m, LDAP_MOD_ADD, "idpState", "active", NULL);
	if (nu->role != NULL)
		ids_mods_add(m, LDAP_MOD_ADD, "idpRole", nu->role, NULL);
	if (nu->pwhash != NULL)
		ids_mods_add(m, LDAP_MOD_ADD, "userPassword", nu->pwhash, NULL);
	if (ids_mods_get(m) == NULL) {
		code = fail(EXIT_ERROR, "%s", ids_strerror(IDS_ENOMEM));
		goto out;
	}
	if ((rc = ids_dir_add(actor, *dn, ids_mods_get(m))) != IDS_OK)
		code = add_refused(cli, actor, rc, "add users", nu->id);
out:
	ids_mods_free(m);
	free(counter);
	return code;
}

