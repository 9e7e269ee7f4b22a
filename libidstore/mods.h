/* mods.h: building the LDAPMod arrays of an add or modify, value by value.
 * Every value is copied and wiped when freed (a mod may carry a hash). */
#ifndef IDS_MODS_H
#define IDS_MODS_H

#include <ldap.h>

struct ids_mods;

int	ids_mods_new(struct ids_mods **out);
/* Append values (NULL-terminated varargs) of attr under op (LDAP_MOD_ADD,
 * LDAP_MOD_REPLACE, LDAP_MOD_DELETE).  Errors stick: ids_mods_get() then
 * returns NULL. */
void	ids_mods_add(struct ids_mods *m, int op, const char *attr, ...)
	    __attribute__((sentinel));
/* The array for ldap_add/modify, or NULL after an allocation failure. */
LDAPMod	**ids_mods_get(struct ids_mods *m);
void	ids_mods_free(struct ids_mods *m);

#endif
