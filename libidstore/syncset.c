/* syncset.c: directory entries -> the users and groups of the NSS cache.
 * Entries are parsed when put (so a set holds small records, not LDAP
 * messages) and kept in a tree by key; the rules are in syncset.h. */
#include "syncset.h"
#include "cache.h"
#include "rc.h"
#include "syncset_int.h"

#include <search.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

char *ids_syncset_user_attrs[] = { "objectClass", "entryUUID", "uid",
    "uidNumber", "gidNumber", "gecos", "displayName", "cn",
    "homeDirectory", "loginShell", "idpState", NULL };
char *ids_syncset_group_attrs[] = { "objectClass", "entryUUID", "cn",
    "gidNumber", "memberUid", NULL };

static int
by_key(const void *a, const void *b)
{
	return strcmp(((const struct sync_entry *)a)->key,
	    ((const struct sync_entry *)b)->key);
}

void
sync_entry_free(void *p)
{
	struct sync_entry *x = p;
	size_t i;

	if (x == NULL)
		return;
	for (i = 0; i < x->nmembers; i++)
		free(x->members[i]);
	free(x->members);
	free(x->key);
	free(x->dn);
	free(x->org);
	free(x->name);
	free(x->gecos);
	free(x->home);
	free(x->shell);
	free(x);
}

void
sync_warn(struct ids_syncset *set, const char *dn, const char *why)
{
	if (set->warned < SYNC_MAX_WARNINGS)
		ids_log(set->log, LOG_WARNING, "%s: left out of the cache: %s",
		    dn, why);
	else if (set->warned == SYNC_MAX_WARNINGS)
		ids_log(set->log, LOG_WARNING, "more entries left out of the "
		    "cache; not naming them");
	set->warned++;
}

int
ids_syncset_new(const char *base, const struct ids_log *log,
    struct ids_syncset **out)
{
	struct ids_syncset *set;

	*out = NULL;
	if ((set = calloc(1, sizeof(*set))) == NULL)
		return IDS_ENOMEM;
	set->log = log;
	if (ldap_str2dn(base, &set->base, LDAP_DN_FORMAT_LDAPV3) !=
	    LDAP_SUCCESS || set->base == NULL) {
		ids_syncset_free(set);
		return IDS_EINVAL;
	}
	while (set->base[set->nbase] != NULL)
		set->nbase++;
	*out = set;
	return IDS_OK;
}

void
ids_syncset_free(struct ids_syncset *set)
{
	if (set == NULL)
		return;
	tdestroy(set->root, sync_entry_free);
	ldap_dnfree(set->base);
	free(set);
}

size_t
ids_syncset_count(const struct ids_syncset *set)
{
	return set->count;
}

void
ids_syncset_delete(struct ids_syncset *set, const char *key)
{
	struct sync_entry probe, *old;
	void *found;

	probe.key = (char *)key;
	if ((found = tfind(&probe, &set->root, by_key)) == NULL)
		return;
	old = *(struct sync_entry **)found;
	tdelete(&probe, &set->root, by_key);
	sync_entry_free(old);
	set->count--;
}

/* The entry's key: its entryUUID, else its DN. */
static char *
entry_key(LDAP *ld, LDAPMessage *e, const char *dn)
{
	struct berval **v;
	char *key = NULL;

	v = ldap_get_values_len(ld, e, "entryUUID");
	if (v != NULL && v[0] != NULL && v[0]->bv_len > 0 &&
	    memchr(v[0]->bv_val, '\0', v[0]->bv_len) == NULL)
		key = strndup(v[0]->bv_val, v[0]->bv_len);
	else
		key = strdup(dn);
	ldap_value_free_len(v);
	return key;
}

int
ids_syncset_put(struct ids_syncset *set, LDAP *ld, LDAPMessage *e)
{
	struct sync_entry *x = NULL;
	char *dn = NULL, *key = NULL;
	void *slot;
	int rc = IDS_ENOMEM;

	if ((dn = ldap_get_dn(ld, e)) == NULL ||
	    (key = entry_key(ld, e, dn)) == NULL)
		goto out;
	if ((rc = sync_parse(set, ld, e, dn, &x)) != IDS_OK)
		goto out;
	if (x == NULL) {
		/* Not a user or group (any more): forget the old one. */
		ids_syncset_delete(set, key);
		goto out;
	}
	x->key = key;
	key = NULL;
	if ((slot = tsearch(x, &set->root, by_key)) == NULL) {
		rc = IDS_ENOMEM;
		goto out;
	}
	if (*(struct sync_entry **)slot != x) {
		sync_entry_free(*(struct sync_entry **)slot);
		*(struct sync_entry **)slot = x;
	} else {
		set->count++;
	}
	x = NULL;
out:
	sync_entry_free(x);
	free(key);
	ldap_memfree(dn);
	return rc;
}
