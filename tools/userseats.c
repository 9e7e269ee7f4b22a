/* userseats.c: the seats of a user being deleted (usercmd.h): `user
 * delete` is the withdrawal, so it frees the user's seats before the entry
 * goes.  Found as the service; unlinked as the actor, so the directory
 * decides who may. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "filter.h"
#include "mods.h"
#include "rc.h"
#include "usercmd.h"

void
usercmd_seats_free(struct usercmd_seat *v, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		free(v[i].dn);
		free(v[i].code);
	}
	free(v);
}

int
usercmd_seats_find(struct ids_dir *svc, const char *user_dn,
    struct usercmd_seat **out, int *n)
{
	static char *attrs[] = { "idpSeatCode", NULL };
	struct usercmd_seat *v = NULL, *grown;
	LDAPMessage *res = NULL, *e;
	char *filter = NULL, *dn;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = ids_filter(&filter, "(&(objectClass=idpSeat)"
	    "(idpLinkedUser=%s))", user_dn)) != IDS_OK ||
	    (rc = ids_dir_search(svc, ids_dir_conf(svc)->base,
	    LDAP_SCOPE_SUBTREE, filter, attrs, 0, &res)) != IDS_OK)
		goto out;
	for (e = ldap_first_entry(ids_dir_ld(svc), res); e != NULL;
	    e = ldap_next_entry(ids_dir_ld(svc), e)) {
		if ((grown = realloc(v, (size_t)(*n + 1) * sizeof(*v))) ==
		    NULL) {
			rc = IDS_ENOMEM;
			goto out;
		}
		v = grown;
		dn = ldap_get_dn(ids_dir_ld(svc), e);
		v[*n].dn = dn != NULL ? strdup(dn) : NULL;
		ldap_memfree(dn);
		v[*n].code = ids_dir_get(svc, e, "idpSeatCode");
		v[*n].unlinked = 0;
		(*n)++;
		if (v[*n - 1].dn == NULL || v[*n - 1].code == NULL) {
			rc = IDS_ENOMEM;
			goto out;
		}
	}
out:
	if (rc != IDS_OK) {
		usercmd_seats_free(v, *n);
		v = NULL;
		*n = 0;
	}
	*out = v;
	ldap_msgfree(res);
	free(filter);
	return rc;
}

/* Is the seat there for the actor to read?  Org admins see their org's
 * seats only; checked before anything changes. */
static int
visible(struct ids_dir *actor, const char *dn)
{
	static char *none[] = { "1.1", NULL };
	LDAPMessage *res = NULL;
	int rc;

	rc = ids_dir_search(actor, dn, LDAP_SCOPE_BASE,
	    "(objectClass=idpSeat)", none, 0, &res);
	if (rc == IDS_OK && ldap_count_entries(ids_dir_ld(actor), res) != 1)
		rc = IDS_EPERM;
	if (rc == IDS_ENOTFOUND)
		rc = IDS_EPERM;
	ldap_msgfree(res);
	return rc;
}

/* One seat: delete idpLinkedUser=user_dn, asserting it is still that DN
 * (RFC 4528), so a seat swapped to someone else meanwhile stays theirs. */
static int
unlink_one(struct ids_dir *actor, const char *seat_dn, const char *user_dn,
    int op)
{
	struct ids_mods *m = NULL;
	char *assert = NULL;
	int rc;

	if ((rc = op == LDAP_MOD_DELETE ? ids_filter(&assert,
	    "(idpLinkedUser=%s)", user_dn) : ids_filter(&assert,
	    "(!(idpLinkedUser=*))")) != IDS_OK)
		goto out;
	if (ids_mods_new(&m) != 0) {
		rc = IDS_ENOMEM;
		goto out;
	}
	ids_mods_add(m, op, "idpLinkedUser", user_dn, NULL);
	rc = ids_mods_get(m) == NULL ? IDS_ENOMEM :
	    ids_dir_modify_if(actor, seat_dn, ids_mods_get(m), assert);
out:
	ids_mods_free(m);
	free(assert);
	return rc;
}

void
usercmd_seats_relink(struct ids_dir *actor, const char *user_dn,
    struct usercmd_seat *v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (v[i].unlinked && unlink_one(actor, v[i].dn, user_dn,
		    LDAP_MOD_ADD) == IDS_OK)
			v[i].unlinked = 0;
}

int
usercmd_seats_unlink(const struct cli *cli, struct ids_dir *actor,
    const char *id, const char *user_dn, struct usercmd_seat *v, int n)
{
	int i, rc;

	for (i = 0; i < n; i++)
		if ((rc = visible(actor, v[i].dn)) != IDS_OK)
			goto refused;
	for (i = 0; i < n; i++) {
		rc = unlink_one(actor, v[i].dn, user_dn, LDAP_MOD_DELETE);
		/* not theirs any more: not ours to free */
		if (rc == IDS_ECHANGED)
			continue;
		if (rc != IDS_OK)
			goto refused;
		v[i].unlinked = 1;
	}
	return EXIT_OK;
refused:
	/* nothing deleted yet: put back what this loop freed */
	usercmd_seats_relink(actor, user_dn, v, i);
	if (rc == IDS_EPERM)
		return fail(EXIT_DENIED, "the directory does not let %s unlink "
		    "seat %s of %s (only admins of its org may); nothing was "
		    "deleted", usercmd_who(cli), v[i].code, id);
	return fail(rc_to_exit(rc), "unlinking seat %s of %s: %s; nothing "
	    "was deleted", v[i].code, id, rc == IDS_ENOMEM ?
	    ids_strerror(rc) : ids_dir_error(actor));
}
