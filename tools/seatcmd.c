/* seatcmd.c: what the `idportal seat` subcommands share (seatcmd.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "filter.h"
#include "rc.h"
#include "seatcmd.h"
#include "usercmd.h"
#include "target.h"

int
seatcmd_check_code(const char *what, const char *code)
{
	size_t n = strlen(code);

	if (n == 0 || n > SEATCMD_CODE_MAX || strspn(code,
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	    "-_.") != n)
		return fail(EXIT_USAGE, "%s \"%s\": want 1 to %d ASCII "
		    "letters, digits, '-', '_' or '.'", what, code,
		    SEATCMD_CODE_MAX);
	return EXIT_OK;
}

/* The value of the first RDN of dn ("uid=X,..." gives X), malloc'd. */
char *
seatcmd_rdn_value(const char *dn)
{
	const char *eq, *end;
	char *v;

	if (dn == NULL || (eq = strchr(dn, '=')) == NULL)
		return NULL;
	end = strchr(eq, ',');
	if (end == NULL)
		end = eq + strlen(eq);
	if ((v = malloc((size_t)(end - eq))) == NULL)
		return NULL;
	memcpy(v, eq + 1, (size_t)(end - eq - 1));
	v[end - eq - 1] = '\0';
	return v;
}

/* "o=ORG,<base>" inside a seat DN, or NULL. */
const char *
seatcmd_org_dn(const char *dn)
{
	const char *p = strchr(dn, ',');

	if (p == NULL || strncasecmp(p, ",ou=seats,o=", 12) != 0)
		return NULL;
	return p + 10;
}

void
seatcmd_print(const struct cli *cli, const char *dn, const char *code,
    const char *linked, const char *const *legacy)
{
	const char *odn = dn != NULL ? seatcmd_org_dn(dn) : NULL;
	char *org = odn != NULL ? seatcmd_rdn_value(odn) : NULL;
	char *id = seatcmd_rdn_value(linked);

	if (cli->json) {
		printf("{\"code\":");
		json_str(stdout, code);
		printf(",\"org\":");
		json_str(stdout, org);
		printf(",\"dn\":");
		json_str(stdout, dn);
		printf(",\"linked_user\":");
		json_str(stdout, linked);
		printf(",\"linked_id\":");
		json_str(stdout, id);
		if (legacy != NULL) {
			printf(",\"legacy_id\":");
			json_str(stdout, *legacy);
		}
		printf("}");
	} else {
		put_text(stdout, code != NULL ? code : "-");
		printf("\t");
		put_text(stdout, org != NULL ? org : "-");
		printf("\t");
		put_text(stdout, id != NULL ? id : "-");
		printf("\n");
	}
	free(org);
	free(id);
}

/* How many seats of org (DN odn) are linked, and its limit (-1: none). */
int
seatcmd_org_usage(struct ids_dir *dir, const char *odn, long *used,
    long *limit)
{
	static char *none[] = { "1.1", NULL };
	static char *lattrs[] = { "idpSeatLimit", NULL };
	LDAPMessage *res = NULL, *e;
	char *sub = NULL, *v;
	int rc;

	*used = 0;
	*limit = -1;
	if ((rc = ids_dir_search(dir, odn, LDAP_SCOPE_BASE, "(objectClass=*)",
	    lattrs, 0, &res)) != IDS_OK) {
		ldap_msgfree(res);
		return rc;
	}
	if ((e = ldap_first_entry(ids_dir_ld(dir), res)) != NULL &&
	    (v = ids_dir_get(dir, e, "idpSeatLimit")) != NULL) {
		*limit = strtol(v, NULL, 10);
		free(v);
	}
	ldap_msgfree(res);
	res = NULL;
	if ((rc = ids_dn(&sub, "ou=seats,%D", odn)) != IDS_OK)
		return rc;
	rc = ids_dir_search(dir, sub, LDAP_SCOPE_ONELEVEL,
	    "(&(objectClass=idpSeat)(idpLinkedUser=*))", none, 0, &res);
	if (rc == IDS_OK)
		*used = ldap_count_entries(ids_dir_ld(dir), res);
	ldap_msgfree(res);
	free(sub);
	return rc;
}

/* The seat user_dn already holds (code malloc'd in *code), if any. */
int
seatcmd_held(struct ids_dir *dir, const char *user_dn, char **code)
{
	struct usercmd_seat *v = NULL;
	int n = 0, rc;

	*code = NULL;
	/* The same search as the withdrawal's (userseats.c): the first. */
	if ((rc = usercmd_seats_find(dir, user_dn, &v, &n)) == IDS_OK &&
	    n > 0) {
		*code = v[0].code;
		v[0].code = NULL;
	}
	usercmd_seats_free(v, n);
	return rc;
}
