/* syncset_parse.c: one directory entry -> a sync_entry (user or group),
 * by the rules of syncset.h.  Values are taken as the server sent them;
 * anything the cache cannot hold skips the entry with a warning. */
#include "cache.h"
#include "rc.h"
#include "syncset_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A berval as a C string, or NULL if it holds a NUL (or no memory:
 * *nomem set). */
static char *
bvdup(const struct berval *bv, int *nomem)
{
	char *s;

	if (memchr(bv->bv_val, '\0', bv->bv_len) != NULL)
		return NULL;
	if ((s = strndup(bv->bv_val, bv->bv_len)) == NULL)
		*nomem = 1;
	return s;
}

/* The first value of attr as a string; NULL if absent or unusable. */
static char *
first(LDAP *ld, LDAPMessage *e, const char *attr, int *nomem)
{
	struct berval **v;
	char *s = NULL;

	v = ldap_get_values_len(ld, e, attr);
	if (v != NULL && v[0] != NULL)
		s = bvdup(v[0], nomem);
	ldap_value_free_len(v);
	return s;
}

static int
has_class(LDAP *ld, LDAPMessage *e, const char *class)
{
	struct berval **v;
	size_t len = strlen(class);
	int i, yes = 0;

	v = ldap_get_values_len(ld, e, "objectClass");
	for (i = 0; v != NULL && v[i] != NULL; i++)
		if (v[i]->bv_len == len &&
		    strncasecmp(v[i]->bv_val, class, len) == 0)
			yes = 1;
	ldap_value_free_len(v);
	return yes;
}

/* A uidNumber/gidNumber: decimal digits only, 1..2^32-2. */
static int
parse_id(const char *s, uint32_t *out)
{
	uint64_t n = 0;

	if (s == NULL || *s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (*s < '0' || *s > '9' ||
		    (n = n * 10 + (uint64_t)(*s - '0')) > UINT32_MAX)
			return 0;
	*out = (uint32_t)n;
	return ids_cache_id_ok(*out);
}

#define BV(s)	(&(struct berval){ sizeof(s) - 1, (char *)(s) })

#define IDS_MIN_ID	1000	/* below: the host's own system ids */

/* Does rdn have one attribute, of type type (and value value, without
 * case, when value is not NULL)? */
static int
rdn_is(LDAPRDN rdn, const struct berval *type, const struct berval *value)
{
	LDAPAVA *a;

	if (rdn == NULL || rdn[0] == NULL || rdn[1] != NULL)
		return 0;
	a = rdn[0];
	if ((a->la_flags & LDAP_AVA_BINARY) != 0 ||
	    a->la_attr.bv_len != type->bv_len ||
	    strncasecmp(a->la_attr.bv_val, type->bv_val, type->bv_len) != 0)
		return 0;
	return value == NULL || (a->la_value.bv_len == value->bv_len &&
	    strncasecmp(a->la_value.bv_val, value->bv_val,
	    value->bv_len) == 0);
}

/* Do the last nbase RDNs of dn (n RDNs) equal base? */
static int
under_base(const struct ids_syncset *set, LDAPDN dn, int n)
{
	LDAPAVA *b;
	int i;

	if (n < set->nbase)
		return 0;
	for (i = 0; i < set->nbase; i++) {
		b = set->base[i][0];
		if (set->base[i][1] != NULL ||
		    !rdn_is(dn[n - set->nbase + i], &b->la_attr, &b->la_value))
			return 0;
	}
	return 1;
}

static char *
lower(const struct berval *bv, int *nomem)
{
	char *s;
	size_t i;

	if ((s = bvdup(bv, nomem)) != NULL)
		for (i = 0; s[i] != '\0'; i++)
			s[i] = (char)tolower((unsigned char)s[i]);
	return s;
}

/* Where x sits: its RDN value as name (if of type rdntype), and its org:
 * users at uid=..,ou=people,o=ORG,<base>; org groups at cn=ORG,o=ORG,
 * <base>. */
static int
place(struct ids_syncset *set, const char *dnstr,
    const struct berval *rdntype, struct sync_entry *x)
{
	LDAPDN dn = NULL;
	int n = 0, nomem = 0;

	if (ldap_str2dn(dnstr, &dn, LDAP_DN_FORMAT_LDAPV3) != LDAP_SUCCESS ||
	    dn == NULL)
		return IDS_OK;	/* unreadable DN: no org, no RDN name */
	while (dn[n] != NULL)
		n++;
	if (rdn_is(dn[0], rdntype, NULL))
		x->name = bvdup(&dn[0][0]->la_value, &nomem);
	if (x->kind == SYNC_USER && n == set->nbase + 3 &&
	    rdn_is(dn[1], BV("ou"), BV("people")) &&
	    rdn_is(dn[2], BV("o"), NULL) && under_base(set, dn, n)) {
		x->org = lower(&dn[2][0]->la_value, &nomem);
		x->placed = 1;
	}
	if (x->kind == SYNC_GROUP && n == set->nbase + 2 &&
	    rdn_is(dn[1], BV("o"), NULL) &&
	    rdn_is(dn[0], BV("cn"), &dn[1][0]->la_value) &&
	    under_base(set, dn, n)) {
		x->org = lower(&dn[1][0]->la_value, &nomem);
		x->placed = 1;
	}
	/* and the top-level homes: uid=..,ou=people / cn=..,ou=groups */
	if (n == set->nbase + 2 && under_base(set, dn, n) &&
	    rdn_is(dn[1], BV("ou"), x->kind == SYNC_USER ? BV("people") :
	    BV("groups")))
		x->placed = 1;
	ldap_dnfree(dn);
	return nomem ? IDS_ENOMEM : IDS_OK;
}

/* gecos, else displayName, else cn; bytes a passwd line cannot hold
 * become '?'; a value too long is left out. */
static char *
gecos(LDAP *ld, LDAPMessage *e, int *nomem)
{
	static const char *const attrs[] = { "gecos", "displayName", "cn",
	    NULL };
	char *s = NULL;
	size_t i;

	for (i = 0; attrs[i] != NULL && s == NULL; i++)
		s = first(ld, e, attrs[i], nomem);
	if (s != NULL && strlen(s) > IDS_CACHE_FIELD_MAX)
		s[0] = '\0';
	for (i = 0; s != NULL && s[i] != '\0'; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f || s[i] == ':')
			s[i] = '?';
	return s;	/* NULL: "" in the cache */
}

static int
field_ok(const char *s)
{
	return s != NULL && ids_cache_field_ok(s, strlen(s));
}

static int
name_ok(const char *s)
{
	return s != NULL && ids_cache_name_ok(s, strlen(s));
}

/* Why user x cannot go in the cache, or NULL. */
static const char *
parse_user(LDAP *ld, LDAPMessage *e, struct sync_entry *x, int *nomem)
{
	char *uidn, *gidn, *state;
	const char *why = NULL;

	if (x->name == NULL)
		x->name = first(ld, e, "uid", nomem);
	uidn = first(ld, e, "uidNumber", nomem);
	gidn = first(ld, e, "gidNumber", nomem);
	state = first(ld, e, "idpState", nomem);
	x->home = first(ld, e, "homeDirectory", nomem);
	x->shell = first(ld, e, "loginShell", nomem);
	x->gecos = gecos(ld, e, nomem);
	x->active = state == NULL || strcasecmp(state, "active") == 0;
	if (!name_ok(x->name))
		why = "no usable user name (uid)";
	else if (!parse_id(uidn, &x->id))
		why = "uidNumber is not a number in 1..4294967294";
	else if (!parse_id(gidn, &x->gid))
		why = "gidNumber is not a number in 1..4294967294";
	else if (!field_ok(x->home))
		why = "homeDirectory is missing or holds ':' or control bytes";
	else if (x->shell != NULL && !field_ok(x->shell))
		why = "loginShell holds ':' or control bytes";
	free(uidn);
	free(gidn);
	free(state);
	return why;
}

static const char *
parse_group(struct ids_syncset *set, LDAP *ld, LDAPMessage *e,
    struct sync_entry *x, int *nomem)
{
	struct berval **v;
	char *gidn, *m;
	const char *why = NULL;
	int i;

	if (x->name == NULL)
		x->name = first(ld, e, "cn", nomem);
	gidn = first(ld, e, "gidNumber", nomem);
	if (!name_ok(x->name))
		why = "no usable group name (cn)";
	else if (!parse_id(gidn, &x->id))
		why = "gidNumber is not a number in 1..4294967294";
	free(gidn);
	if (why != NULL)
		return why;
	v = ldap_get_values_len(ld, e, "memberUid");
	for (i = 0; v != NULL && v[i] != NULL; i++)
		;
	if (i > 0 && (x->members = calloc((size_t)i, sizeof(char *))) ==
	    NULL)
		*nomem = 1;
	for (i = 0; x->members != NULL && v[i] != NULL; i++) {
		m = bvdup(v[i], nomem);
		if (name_ok(m))
			x->members[x->nmembers++] = m;
		else {
			free(m);
			if (!*nomem)
				sync_warn(set, x->dn, "a memberUid value "
				    "is not a usable name (that member only)");
		}
	}
	ldap_value_free_len(v);
	return NULL;
}

int
sync_parse(struct ids_syncset *set, LDAP *ld, LDAPMessage *e,
    const char *dn, struct sync_entry **out)
{
	struct sync_entry *x;
	const char *why;
	int nomem = 0, rc;

	*out = NULL;
	if (has_class(ld, e, "posixAccount")) {
		if (!has_class(ld, e, "idpUser"))
			return IDS_OK;	/* not ours: a service account */
	} else if (!has_class(ld, e, "posixGroup"))
		return IDS_OK;
	if ((x = calloc(1, sizeof(*x))) == NULL ||
	    (x->dn = strdup(dn)) == NULL) {
		free(x);
		return IDS_ENOMEM;
	}
	x->kind = has_class(ld, e, "posixAccount") ? SYNC_USER : SYNC_GROUP;
	if ((rc = place(set, dn, x->kind == SYNC_USER ? BV("uid") : BV("cn"),
	    x)) != IDS_OK) {
		sync_entry_free(x);
		return rc;
	}
	why = x->kind == SYNC_USER ? parse_user(ld, e, x, &nomem) :
	    parse_group(set, ld, e, x, &nomem);
	/* Every host gives these names and numbers to its processes: only
	 * from the places idportal keeps them (an entry planted elsewhere,
	 * e.g. a posixGroup at cn=state, never counts), and never a system
	 * id (gid 27 is sudo on Debian). */
	if (why == NULL && !x->placed)
		why = "not under ou=people / ou=groups / o=ORG where idportal "
		    "keeps users and groups";
	if (why == NULL && (x->id < IDS_MIN_ID ||
	    (x->kind == SYNC_USER && x->gid < IDS_MIN_ID)))
		why = "uidNumber or gidNumber below 1000 (system ids)";
	if (nomem) {
		sync_entry_free(x);
		return IDS_ENOMEM;
	}
	if (why != NULL) {
		sync_warn(set, dn, why);
		x->kind = SYNC_SKIPPED;
	}
	*out = x;
	return IDS_OK;
}
