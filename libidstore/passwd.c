/* passwd.c: change and reissue of passwords. */
#include "passwd.h"
#include "gentime.h"
#include "mods.h"
#include "rc.h"
#include "state.h"

static int
set_temporary(struct ids_dir *dir, const char *dn, const char *flag,
    const char *deadline)
{
	struct ids_mods *m = NULL;
	int rc;

	if (ids_mods_new(&m) != 0)
		return IDS_ENOMEM;
	/* A replace with no value removes the attribute, present or not. */
	ids_mods_add(m, LDAP_MOD_REPLACE, "idpTempPassword", flag, NULL);
	ids_mods_add(m, LDAP_MOD_REPLACE, "idpTempPasswordDeadline", deadline,
	    NULL);
	rc = ids_mods_get(m) != NULL ? ids_dir_modify(dir, dn,
	    ids_mods_get(m)) : IDS_ENOMEM;
	ids_mods_free(m);
	return rc;
}

int
ids_passwd_change(struct ids_dir *writer, const struct ids_user *user,
    const char *oldpw, const char *newpw)
{
	int rc;

	if ((rc = ids_dir_change_password(writer, user->dn, oldpw, newpw)) !=
	    IDS_OK)
		return rc;
	if (!user->temp_password)
		return IDS_OK;
	return set_temporary(writer, user->dn, NULL, NULL);
}

int
ids_passwd_reissue(struct ids_dir *admin, const struct ids_user *user,
    const char *pw, time_t deadline)
{
	char when[IDS_GENTIME_LEN];
	int rc;

	if ((rc = ids_gentime_format(deadline, when, sizeof(when))) != IDS_OK)
		return rc;
	/* Password first: an admin the directory does not let set it
	 * changes nothing (flagging first would make the user's own password
	 * expire at the deadline).  The ACLs that grant the password grant
	 * the flag too, so the second step failing means a broken ACL, and
	 * the caller reports it. */
	if ((rc = ids_dir_passwd(admin, user->dn, pw)) != IDS_OK ||
	    (rc = set_temporary(admin, user->dn, "TRUE", when)) != IDS_OK)
		return rc;
	return ids_state_reset_password_failures(admin, user->dn);
}
