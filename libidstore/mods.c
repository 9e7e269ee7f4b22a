/* mods.c: a growable, NULL-terminated LDAPMod array. */
#include "mods.h"
#include "secret.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

struct ids_mods {
	LDAPMod	**mods;
	size_t	  n;
	int	  failed;
};

int
ids_mods_new(struct ids_mods **out)
{
	if ((*out = calloc(1, sizeof(**out))) == NULL)
		return -1;
	if (((*out)->mods = calloc(1, sizeof(LDAPMod *))) == NULL) {
		free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

static void
free_mod(LDAPMod *mod)
{
	char **v;

	if (mod == NULL)
		return;
	for (v = mod->mod_values; v != NULL && *v != NULL; v++)
		ids_free_secret(*v);
	free(mod->mod_values);
	free(mod->mod_type);
	free(mod);
}

void
ids_mods_add(struct ids_mods *m, int op, const char *attr, ...)
{
	LDAPMod *mod = NULL, **grown;
	const char *v;
	size_t n = 0;
	va_list ap;

	if (m->failed)
		return;
	va_start(ap, attr);
	while (va_arg(ap, const char *) != NULL)
		n++;
	va_end(ap);
	if ((mod = calloc(1, sizeof(*mod))) == NULL ||
	    (mod->mod_type = strdup(attr)) == NULL ||
	    (mod->mod_values = calloc(n + 1, sizeof(char *))) == NULL)
		goto fail;
	mod->mod_op = op;
	n = 0;
	va_start(ap, attr);
	while ((v = va_arg(ap, const char *)) != NULL &&
	    (mod->mod_values[n] = strdup(v)) != NULL)
		n++;
	va_end(ap);
	if (v != NULL)
		goto fail;
	if ((grown = realloc(m->mods, (m->n + 2) * sizeof(*grown))) == NULL)
		goto fail;
	m->mods = grown;
	m->mods[m->n++] = mod;
	m->mods[m->n] = NULL;
	return;
fail:
	free_mod(mod);
	m->failed = 1;
}

LDAPMod **
ids_mods_get(struct ids_mods *m)
{
	return m->failed ? NULL : m->mods;
}

void
ids_mods_free(struct ids_mods *m)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < m->n; i++)
		free_mod(m->mods[i]);
	free(m->mods);
	free(m);
}
