/* counter.c: numbers from a counter entry, refusals told apart. */
#include "counter.h"
#include "rc.h"

#include <stdlib.h>

int
ids_counter_next(struct ids_dir *dir, const char *dn, const char *attr,
    int64_t *value)
{
	char *attrs[] = { (char *)attr, NULL }, *v = NULL;
	LDAPMessage *res = NULL, *e;
	int rc, src;

	if ((rc = ids_dir_increment(dir, dn, attr, 1, value)) != IDS_EDIR)
		return rc;
	/* Keep ids_dir_error() about the increment: only the code changes. */
	src = ids_dir_search(dir, dn, LDAP_SCOPE_BASE, "(objectClass=*)",
	    attrs, 1, &res);
	if (src == IDS_ENOTFOUND || src == IDS_EPERM || (src == IDS_OK &&
	    ((e = ldap_first_entry(ids_dir_ld(dir), res)) == NULL ||
	    (v = ids_dir_get(dir, e, attr)) == NULL)))
		rc = IDS_EPERM;
	free(v);
	ldap_msgfree(res);
	return rc;
}
