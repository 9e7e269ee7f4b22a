/* twofactor.c: TOTP state for admins and self-service. */
#include "twofactor.h"
#include "filter.h"
#include "mods.h"
#include "rc.h"

#include <stdlib.h>
#include <strings.h>

int
ids_twofactor_state(const char *value)
{
	if (strcasecmp(value, "active") == 0)
		return IDS_TWOFACTOR_ACTIVE;
	if (strcasecmp(value, "pending") == 0)
		return IDS_TWOFACTOR_PENDING;
	return IDS_TWOFACTOR_NONE;
}

const char *
ids_twofactor_name(int state)
{
	switch (state) {
	case IDS_TWOFACTOR_ACTIVE:
		return "active";
	case IDS_TWOFACTOR_PENDING:
		return "pending";
	default:
		return "none";
	}
}

int
ids_twofactor_visible(struct ids_dir *dir, const char *user_dn)
{
	static char *none[] = { "1.1", NULL };
	LDAPMessage *res = NULL;
	char *dn = NULL;
	int rc;

	if ((rc = ids_dn(&dn, "cn=state,%D", user_dn)) != IDS_OK)
		return rc;
	rc = ids_dir_search(dir, dn, LDAP_SCOPE_BASE, "(objectClass=*)", none,
	    1, &res);
	if (rc == IDS_ENOTFOUND ||
	    (rc == IDS_OK && ldap_first_entry(ids_dir_ld(dir), res) == NULL))
		rc = IDS_EPERM;
	ldap_msgfree(res);
	free(dn);
	return rc;
}

int
ids_twofactor_enable(struct ids_dir *dir, const char *user_dn,
    const char *current)
{
	struct ids_mods *m = NULL;
	char *dn = NULL;
	int rc;

	if (ids_twofactor_state(current) != IDS_TWOFACTOR_NONE)
		return IDS_EINVAL;
	if ((rc = ids_dn(&dn, "cn=state,%D", user_dn)) != IDS_OK)
		return rc;
	rc = IDS_ENOMEM;
	if (ids_mods_new(&m) != 0)
		goto out;
	/* delete the exact old value + add the new one in one modify: if the
	 * state moved meanwhile, the delete (or, when it was absent, the add
	 * to a single-valued attribute) fails and nothing changes */
	if (current[0] != '\0')
		ids_mods_add(m, LDAP_MOD_DELETE, "idpTotpState", current, NULL);
	ids_mods_add(m, LDAP_MOD_ADD, "idpTotpState", "pending", NULL);
	if (ids_mods_get(m) != NULL)
		rc = ids_dir_modify(dir, dn, ids_mods_get(m));
out:
	ids_mods_free(m);
	free(dn);
	return rc;
}
