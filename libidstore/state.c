/* state.c: the cn=state entry of a user. */
#include "state.h"
#include "filter.h"
#include "mods.h"
#include "rc.h"

#include <stdlib.h>

int
ids_state_ensure(struct ids_dir *dir, const char *user_dn, int *created)
{
	struct ids_mods *m = NULL;
	char *dn = NULL;
	int rc = IDS_ENOMEM;

	if (created != NULL)
		*created = 0;
	if (ids_mods_new(&m) != 0 ||
	    ids_dn(&dn, "cn=state,%D", user_dn) != IDS_OK)
		goto out;
	ids_mods_add(m, LDAP_MOD_ADD, "objectClass", "top", "idpUserState",
	    NULL);
	ids_mods_add(m, LDAP_MOD_ADD, "cn", "state", NULL);
	ids_mods_add(m, LDAP_MOD_ADD, "idpPasswordFailures", "0", NULL);
	ids_mods_add(m, LDAP_MOD_ADD, "idpTotpFailures", "0", NULL);
	ids_mods_add(m, LDAP_MOD_ADD, "idpTotpLastStep", "0", NULL);
	ids_mods_add(m, LDAP_MOD_ADD, "idpTotpState", "none", NULL);
	if (ids_mods_get(m) == NULL)
		goto out;
	/* Add, and on "already exists" go on: another host may have won. */
	rc = ids_dir_add(dir, dn, ids_mods_get(m));
	if (rc == IDS_OK && created != NULL)
		*created = 1;
	if (rc == IDS_EEXIST)
		rc = IDS_OK;
out:
	ids_mods_free(m);
	free(dn);
	return rc;
}

int
ids_state_reset_password_failures(struct ids_dir *dir, const char *user_dn)
{
	struct ids_mods *m = NULL;
	char *dn = NULL;
	int rc = IDS_ENOMEM;

	if ((rc = ids_state_ensure(dir, user_dn, NULL)) != IDS_OK)
		return rc;
	rc = IDS_ENOMEM;
	if (ids_mods_new(&m) != 0 ||
	    ids_dn(&dn, "cn=state,%D", user_dn) != IDS_OK)
		goto out;
	ids_mods_add(m, LDAP_MOD_REPLACE, "idpPasswordFailures", "0", NULL);
	rc = ids_mods_get(m) != NULL ? ids_dir_modify(dir, dn,
	    ids_mods_get(m)) : IDS_ENOMEM;
out:
	ids_mods_free(m);
	free(dn);
	return rc;
}
