/* user.c: user lookup and password check by binding as the user. */
#include "user.h"
#include "filter.h"
#include "gentime.h"
#include "idrules.h"
#include "rc.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define USER_BY_ID	"(&(objectClass=idpUser)(uid=%s))"

void
ids_user_free(struct ids_user *user)
{
	if (user == NULL)
		return;
	free(user->dn);
	free(user->id);
	free(user->type);
	free(user->state);
	free(user->mail);
	free(user);
}

static int
from_entry(struct ids_dir *dir, LDAPMessage *e, const char *id,
    struct ids_user **out)
{
	struct ids_user *u;
	char *dn, *temp = NULL, *deadline = NULL;
	int rc = IDS_ENOMEM;

	if ((u = calloc(1, sizeof(*u))) == NULL)
		return IDS_ENOMEM;
	if ((dn = ldap_get_dn(ids_dir_ld(dir), e)) == NULL)
		goto out;
	u->dn = strdup(dn);
	ldap_memfree(dn);
	if (u->dn == NULL || (u->id = strdup(id)) == NULL)
		goto out;
	u->type = ids_dir_get(dir, e, "idpUserType");
	u->state = ids_dir_get(dir, e, "idpState");
	u->mail = ids_dir_get(dir, e, "mail");
	temp = ids_dir_get(dir, e, "idpTempPassword");
	deadline = ids_dir_get(dir, e, "idpTempPasswordDeadline");
	u->temp_password = temp != NULL && strcmp(temp, "TRUE") == 0;
	if (deadline != NULL &&
	    ids_gentime_parse(deadline, &u->temp_deadline) != IDS_OK)
		u->temp_deadline = 1;	/* unreadable: treat as long past */
	*out = u;
	u = NULL;
	rc = IDS_OK;
out:
	free(temp);
	free(deadline);
	ids_user_free(u);
	return rc;
}

/* Does entry e have a uid value equal to id, byte for byte? */
static int
has_exact_uid(struct ids_dir *dir, LDAPMessage *e, const char *id)
{
	struct berval **vals;
	size_t len = strlen(id);
	int i, found = 0;

	vals = ldap_get_values_len(ids_dir_ld(dir), e, "uid");
	for (i = 0; vals != NULL && vals[i] != NULL; i++)
		if (vals[i]->bv_len == len &&
		    memcmp(vals[i]->bv_val, id, len) == 0)
			found = 1;
	ldap_value_free_len(vals);
	return found;
}

int
ids_user_find(struct ids_dir *dir, const char *id, struct ids_user **out)
{
	static char *attrs[] = { "uid", "idpUserType", "idpState", "mail",
	    "idpTempPassword", "idpTempPasswordDeadline", NULL };
	char why[160], *filter = NULL;
	LDAPMessage *res = NULL, *e, *match = NULL;
	int rc, n = 0;

	*out = NULL;
	if (ids_id_check(id, why, sizeof(why)) != IDS_OK)
		return IDS_ENOUSER;
	if ((rc = ids_filter(&filter, USER_BY_ID, id)) != IDS_OK ||
	    (rc = ids_dir_search(dir, ids_dir_conf(dir)->base,
	    LDAP_SCOPE_SUBTREE, filter, attrs, 0, &res)) != IDS_OK)
		goto out;
	for (e = ldap_first_entry(ids_dir_ld(dir), res); e != NULL;
	    e = ldap_next_entry(ids_dir_ld(dir), e))
		if (has_exact_uid(dir, e, id)) {
			match = e;
			n++;
		}
	if (n == 0)
		rc = IDS_ENOUSER;
	else if (n > 1)
		rc = IDS_EDIR;	/* two entries claim one ID: refuse both */
	else
		rc = from_entry(dir, match, id, out);
out:
	ldap_msgfree(res);
	free(filter);
	return rc;
}

int
ids_user_account(const struct ids_user *user, time_t now)
{
	if (user->state != NULL && strcasecmp(user->state, "active") != 0)
		return IDS_EDISABLED;
	if (user->temp_password && user->temp_deadline != 0 &&
	    now >= user->temp_deadline)
		return IDS_EEXPIRED;
	return IDS_OK;
}
