/* seat.c: the seat rule of the account step (seat.h). */
#include "seat.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "filter.h"
#include "rc.h"

int
ids_seat_in_group(struct ids_dir *dir, const char *base, const char *group,
    const char *id, int *yes)
{
	static char *none[] = { "1.1", NULL };
	LDAPMessage *res = NULL;
	char *filter = NULL;
	int rc;

	*yes = 0;
	if ((rc = ids_filter(&filter, "(&(objectClass=posixGroup)(cn=%s)"
	    "(memberUid=%s))", group, id)) != IDS_OK)
		return rc;
	rc = ids_dir_search(dir, base, LDAP_SCOPE_SUBTREE, filter, none, 0,
	    &res);
	if (rc == IDS_OK)
		*yes = ldap_count_entries(ids_dir_ld(dir), res) > 0;
	ldap_msgfree(res);
	free(filter);
	return rc;
}

/* The org DN "o=ORG,<base>" of a seat DN "idpSeatCode=..,ou=seats,o=ORG,
 * <base>", or NULL when the seat is not where seats live. */
static const char *
seat_org(const char *dn)
{
	const char *p = strchr(dn, ',');

	if (p == NULL || strncasecmp(p, ",ou=seats,o=", 12) != 0)
		return NULL;
	return p + 10;
}

/* *yes: some seat linked to dn belongs to an active org. */
static int
linked(struct ids_dir *dir, const struct ids_conf *conf, const char *dn,
    int *yes)
{
	static char *none[] = { "1.1", NULL };
	LDAPMessage *res = NULL, *ores, *e;
	char *filter = NULL, *sdn;
	const char *org;
	int rc;

	*yes = 0;
	if ((rc = ids_filter(&filter, "(&(objectClass=idpSeat)"
	    "(idpLinkedUser=%s))", dn)) != IDS_OK)
		return rc;
	rc = ids_dir_search(dir, conf->base, LDAP_SCOPE_SUBTREE, filter, none,
	    0, &res);
	free(filter);
	for (e = rc == IDS_OK ? ldap_first_entry(ids_dir_ld(dir), res) : NULL;
	    e != NULL && !*yes; e = ldap_next_entry(ids_dir_ld(dir), e)) {
		if ((sdn = ldap_get_dn(ids_dir_ld(dir), e)) == NULL) {
			rc = IDS_ENOMEM;
			break;
		}
		if ((org = seat_org(sdn)) != NULL) {
			ores = NULL;
			rc = ids_dir_search(dir, org, LDAP_SCOPE_BASE,
			    "(&(objectClass=idpOrganization)(idpState=active))",
			    none, 0, &ores);
			if (rc == IDS_OK)
				*yes = ldap_count_entries(ids_dir_ld(dir),
				    ores) > 0;
			else if (rc == IDS_ENOTFOUND)
				rc = IDS_OK;	/* a seat of no org */
			ldap_msgfree(ores);
		}
		ldap_memfree(sdn);
		if (rc != IDS_OK)
			break;
	}
	ldap_msgfree(res);
	return rc;
}

int
ids_seat_check(struct ids_dir *dir, const struct ids_conf *conf,
    const struct ids_user *user)
{
	char **g;
	int rc, yes;

	if (conf->seat_required == IDS_SEAT_NONE)
		return IDS_OK;
	/* corporate: only an individual user goes free; a user without a
	 * type needs a seat (fail closed) */
	if (conf->seat_required == IDS_SEAT_CORPORATE && user->type != NULL &&
	    strcasecmp(user->type, "individual") == 0)
		return IDS_OK;
	for (g = conf->allow_groups; g != NULL && *g != NULL; g++) {
		if ((rc = ids_seat_in_group(dir, conf->base, *g, user->id,
		    &yes)) != IDS_OK)
			return rc;
		if (yes)
			return IDS_OK;
	}
	if ((rc = linked(dir, conf, user->dn, &yes)) != IDS_OK)
		return rc;
	return yes ? IDS_OK : IDS_ENOSEAT;
}
