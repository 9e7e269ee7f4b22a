/* invite.c: pending entries and their single-use tokens. */
#include "invite.h"
#include "code.h"
#include "filter.h"
#include "gentime.h"
#include "mods.h"
#include "rc.h"
#include "secret.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#define SYMBOLS		25
#define GROUP		5
#define PENDING_UID	"invite-%016llx"

static char *invite_attrs[] = { "mail", "idpUserType", "idpRole",
    "idpInviteDeadline", NULL };

static int
hash_symbols(const char *sym, char hash[IDS_INVITE_HASH_LEN])
{
	unsigned char md[32];
	unsigned int len = 0, i;

	if (EVP_Digest(sym, strlen(sym), md, &len, EVP_sha256(), NULL) !=
	    1 || len != sizeof(md))
		return IDS_ESYS;
	for (i = 0; i < len; i++)
		snprintf(hash + 2 * i, 3, "%02x", md[i]);
	return IDS_OK;
}

int
ids_invite_token(char token[IDS_INVITE_TOKEN_LEN + 1],
    char hash[IDS_INVITE_HASH_LEN])
{
	int rc;

	if ((rc = ids_code_random(token, SYMBOLS, GROUP)) != IDS_OK)
		return rc;
	if ((rc = ids_invite_hash(token, hash)) != IDS_OK)
		ids_wipe(token, IDS_INVITE_TOKEN_LEN + 1);
	return rc;
}

int
ids_invite_hash(const char *typed, char hash[IDS_INVITE_HASH_LEN])
{
	char sym[SYMBOLS + 1];
	int rc;

	hash[0] = '\0';
	if ((rc = ids_code_normalise(typed, sym, SYMBOLS)) == IDS_OK)
		rc = hash_symbols(sym, hash);
	ids_wipe(sym, sizeof(sym));
	return rc;
}

int
ids_invite_add(struct ids_dir *dir, const char *parent, const char *mail,
    const char *type, const char *role, const char *hash, time_t deadline,
    char **dn)
{
	struct ids_mods *m = NULL;
	unsigned long long r;
	char uid[32], when[IDS_GENTIME_LEN];
	int rc;

	*dn = NULL;
	if (RAND_bytes((unsigned char *)&r, sizeof(r)) != 1 ||
	    ids_gentime_format(deadline, when, sizeof(when)) != IDS_OK)
		return IDS_ESYS;
	snprintf(uid, sizeof(uid), PENDING_UID, r);
	if ((rc = ids_dn(dn, "uid=%s,%D", uid, parent)) != IDS_OK)
		goto out;
	if (ids_mods_new(&m) != 0) {
		rc = IDS_ENOMEM;
		goto out;
	}
	ids_mods_add(m, LDAP_MOD_ADD, "objectClass", "top", "inetOrgPerson",
	    "idpUser", NULL);
	ids_mods_add(m, LDAP_MOD_ADD, "uid", uid, NULL);
	ids_mods_add(m, LDAP_MOD_ADD, "cn", uid, NULL);
	ids_mods_add(m, LDAP_MOD_ADD, "sn", uid, NULL);
	ids_mods_add(m, LDAP_MOD_ADD, "mail", mail, NULL);
	ids_mods_add(m, LDAP_MOD_ADD, "idpState", "pending", NULL);
	ids_mods_add(m, LDAP_MOD_ADD, "idpUserType", type, NULL);
	if (role != NULL)
		ids_mods_add(m, LDAP_MOD_ADD, "idpRole", role, NULL);
	ids_mods_add(m, LDAP_MOD_ADD, "idpInviteTokenHash", hash, NULL);
	ids_mods_add(m, LDAP_MOD_ADD, "idpInviteDeadline", when, NULL);
	rc = ids_mods_get(m) == NULL ? IDS_ENOMEM :
	    ids_dir_add(dir, *dn, ids_mods_get(m));
out:
	ids_mods_free(m);
	if (rc != IDS_OK) {
		free(*dn);
		*dn = NULL;
	}
	return rc;
}

void
ids_invite_free(struct ids_invite *inv)
{
	if (inv == NULL)
		return;
	free(inv->dn);
	free(inv->parent);
	free(inv->mail);
	free(inv->type);
	free(inv->role);
	free(inv);
}

int
ids_invite_find(struct ids_dir *dir, const char *hash,
    struct ids_invite **out)
{
	struct ids_invite *inv = NULL;
	LDAPMessage *res = NULL, *e;
	char *filter = NULL, *dn = NULL, *when = NULL, *comma;
	int rc;

	*out = NULL;
	if ((rc = ids_filter(&filter, "(&(objectClass=idpUser)"
	    "(idpState=pending)(idpInviteTokenHash=%s))", hash)) != IDS_OK ||
	    (rc = ids_dir_search(dir, ids_dir_conf(dir)->base,
	    LDAP_SCOPE_SUBTREE, filter, invite_attrs, 2, &res)) != IDS_OK)
		goto out;
	if ((e = ldap_first_entry(ids_dir_ld(dir), res)) == NULL) {
		rc = IDS_ENOTFOUND;
		goto out;
	}
	if ((inv = calloc(1, sizeof(*inv))) == NULL ||
	    (dn = ldap_get_dn(ids_dir_ld(dir), e)) == NULL ||
	    (inv->dn = strdup(dn)) == NULL ||
	    (comma = strchr(inv->dn, ',')) == NULL ||
	    (inv->parent = strdup(comma + 1)) == NULL) {
		rc = IDS_ENOMEM;
		goto out;
	}
	inv->mail = ids_dir_get(dir, e, "mail");
	inv->type = ids_dir_get(dir, e, "idpUserType");
	inv->role = ids_dir_get(dir, e, "idpRole");
	if ((when = ids_dir_get(dir, e, "idpInviteDeadline")) != NULL &&
	    ids_gentime_parse(when, &inv->deadline) != IDS_OK)
		inv->deadline = 1;	/* unreadable: long expired */
	*out = inv;
	inv = NULL;
out:
	ids_invite_free(inv);
	free(when);
	ldap_memfree(dn);
	ldap_msgfree(res);
	free(filter);
	return rc;
}

/* Delete (op LDAP_MOD_DELETE, asserting it is there) or put back the
 * hash. */
static int
set_hash(struct ids_dir *dir, const struct ids_invite *inv, int op,
    const char *hash)
{
	struct ids_mods *m = NULL;
	char *assertion = NULL;
	int rc;

	if (ids_mods_new(&m) != 0)
		return IDS_ENOMEM;
	ids_mods_add(m, op, "idpInviteTokenHash", hash, NULL);
	if (ids_mods_get(m) == NULL)
		rc = IDS_ENOMEM;
	else if (op != LDAP_MOD_DELETE)
		rc = ids_dir_modify(dir, inv->dn, ids_mods_get(m));
	else if ((rc = ids_filter(&assertion, "(idpInviteTokenHash=%s)",
	    hash)) == IDS_OK)
		rc = ids_dir_modify_if(dir, inv->dn, ids_mods_get(m),
		    assertion);
	free(assertion);
	ids_mods_free(m);
	return rc;
}

int
ids_invite_claim(struct ids_dir *dir, const struct ids_invite *inv,
    const char *hash)
{
	int rc = set_hash(dir, inv, LDAP_MOD_DELETE, hash);

	/* Gone meanwhile: someone else registered with it first. */
	return rc == IDS_ENOTFOUND ? IDS_ECHANGED : rc;
}

int
ids_invite_unclaim(struct ids_dir *dir, const struct ids_invite *inv,
    const char *hash)
{
	return set_hash(dir, inv, LDAP_MOD_ADD, hash);
}
