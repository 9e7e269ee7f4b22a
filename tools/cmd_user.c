/* cmd_user.c: `idportal user add|show|search|modify|delete` (SPEC §3, §6).
 * Users are looked up as this host's service account and changed as the
 * acting admin (--as), so the directory's ACLs decide who may do what: a
 * refusal there is exit 4.  show and search: cmd_user_show.c.
 *
 * --json:
 *	user add	the new user, as `user show` prints it (cmd_user_show.c)
 *	user modify	{"id":ID,"changed":["name","email","role"]} (those
 *			given, in that order)
 *	user delete	{"id":ID,"dry_run":BOOL,"deleted":[DN, ...],
 *			"unlinked_seats":[CODE, ...]} (the entries removed,
 *			or that would be, children first; the seats freed,
 *			or that would be)
 *
 * `user delete` is the withdrawal: it first unlinks every seat linked to
 * the user (userseats.c), each with an assertion that the seat still
 * holds them; if the directory refuses one, nothing is deleted.  If the
 * delete itself is then refused, the seats are linked back.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "counter.h"
#include "filter.h"
#include "idrules.h"
#include "init.h"
#include "mods.h"
#include "rc.h"
#include "state.h"
#include "target.h"
#include "user.h"
#include "usercmd.h"

#define ADD_USAGE	"usage: idportal --as ADMIN_ID user add ID --type " \
			"individual|corporate|group --name NAME " \
			"--email EMAIL [--org ORG] [--role ROLE]"
#define MODIFY_USAGE	"usage: idportal --as ADMIN_ID user modify ID " \
			"[--name NAME] [--email EMAIL] [--role ROLE]"
#define DELETE_USAGE	"usage: idportal --as ADMIN_ID user delete ID " \
			"[--dry-run]"

static int
user_add(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "type", required_argument, NULL, 't' },
		{ "name", required_argument, NULL, 'n' },
		{ "email", required_argument, NULL, 'e' },
		{ "org", required_argument, NULL, 'o' },
		{ "role", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	struct new_user nu;
	struct ids_conf *conf = NULL;
	struct ids_dir *svc = NULL, *actor = NULL;
	LDAPMessage *res = NULL, *e;
	char why[200], *dn = NULL;
	int c, rc, code;

	memset(&nu, 0, sizeof(nu));
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 't': nu.type = optarg; break;
		case 'n': nu.name = optarg; break;
		case 'e': nu.email = optarg; break;
		case 'o': nu.org = optarg; break;
		case 'r': nu.role = optarg; break;
		default: return fail(EXIT_USAGE, ADD_USAGE);
		}
	}
	if (optind + 1 != argc || nu.type == NULL || nu.name == NULL ||
	    nu.email == NULL)
		return fail(EXIT_USAGE, ADD_USAGE);
	nu.id = argv[optind];
	if (ids_id_check(nu.id, why, sizeof(why)) != IDS_OK)
		return fail(EXIT_USAGE, "ID %s refused: %s", nu.id, why);
	if ((code = usercmd_check_type(nu.type)) != EXIT_OK ||
	    (code = usercmd_check_text("--name", nu.name, 128)) != EXIT_OK ||
	    (code = usercmd_check_email(nu.email)) != EXIT_OK ||
	    (nu.role != NULL && (code = usercmd_check_text("--role", nu.role,
	    64)) != EXIT_OK) ||
	    (nu.org != NULL && (code = usercmd_check_org(nu.org)) != EXIT_OK))
		return code;
	if ((code = usercmd_check_placement(nu.type, nu.org)) != EXIT_OK)
		return code;
	if ((code = cli_conf(cli, &conf)) != EXIT_OK)
		goto out;
	if ((rc = ids_dir_open(conf, &cli->log, IDS_DIR_WRITER, &svc)) !=
	    IDS_OK) {
		code = fail(EXIT_ERROR, "%s", ids_strerror(rc));
		goto out;
	}
	if ((code = usercmd_id_taken(svc, nu.id)) != EXIT_OK ||
	    (nu.org != NULL && (code = usercmd_org_exists(svc, nu.org)) != EXIT_OK) ||
	    (code = cli_admin_session(cli, conf, &actor)) != EXIT_OK ||
	    (code = usercmd_add_entry(cli, actor, &nu, &dn)) != EXIT_OK)
		goto out;
	/* cn=state comes with the user (SPEC §2); hosts would make a missing
	 * one at the first login, so the user is usable either way. */
	if ((rc = ids_state_ensure(actor, dn, NULL)) != IDS_OK) {
		code = fail(rc_to_exit(rc), "added %s, but not its cn=state "
		    "(%s); the first login will make it", nu.id,
		    ids_dir_error(actor));
		goto out;
	}
	if (ids_dir_search(actor, dn, LDAP_SCOPE_BASE, "(objectClass=*)",
	    usercmd_attrs, 1, &res) == IDS_OK &&
	    (e = ldap_first_entry(ids_dir_ld(actor), res)) != NULL) {
		if (!cli->json)
			printf("Added user %s. Set a password with `idportal "
			    "reissue %s`.\n\n", nu.id, nu.id);
		usercmd_print(cli, actor, e);
		if (cli->json)
			printf("\n");
	} else {
		printf(cli->json ? "{\"id\":\"%s\"}\n" : "Added user %s.\n",
		    nu.id);
	}
out:
	ldap_msgfree(res);
	free(dn);
	ids_dir_close(actor);
	ids_dir_close(svc);
	ids_conf_free(conf);
	return code;
}

/* Find id as the service (exit 3 if unknown), then bind the actor. */
static int
open_target(struct cli *cli, const char *id, struct ids_conf **conf,
    struct ids_dir **svc, struct ids_user **user, struct ids_dir **actor)
{
	int rc, code;

	if ((code = cli_conf(cli, conf)) != EXIT_OK)
		return code;
	if ((rc = ids_dir_open(*conf, &cli->log, IDS_DIR_WRITER, svc)) !=
	    IDS_OK || (rc = ids_user_find(*svc, id, user)) != IDS_OK)
		return rc == IDS_ENOUSER ? fail(EXIT_NOTFOUND, "no user %s",
		    id) : fail(rc_to_exit(rc), "%s", *svc != NULL ?
		    ids_dir_error(*svc) : ids_strerror(rc));
	return cli_admin_session(cli, *conf, actor);
}

static int
user_modify(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "email", required_argument, NULL, 'e' },
		{ "role", required_argument, NULL, 'r' },
		{ "type", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	struct ids_conf *conf = NULL;
	struct ids_dir *svc = NULL, *actor = NULL;
	struct ids_user *user = NULL;
	struct ids_mods *m = NULL;
	const char *name = NULL, *email = NULL, *role = NULL, *type = NULL;
	int c, rc, code, n = 0;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'n': name = optarg; break;
		case 'e': email = optarg; break;
		case 'r': role = optarg; break;
		case 't': type = optarg; break;
		default: return fail(EXIT_USAGE, MODIFY_USAGE);
		}
	}
	if (optind + 1 != argc || (name == NULL && email == NULL &&
	    role == NULL && type == NULL))
		return fail(EXIT_USAGE, MODIFY_USAGE);
	if ((type != NULL && (code = usercmd_check_type(type)) != EXIT_OK) ||
	    (name != NULL && (code = usercmd_check_text("--name", name, 128))
	    != EXIT_OK) ||
	    (email != NULL && (code = usercmd_check_email(email)) != EXIT_OK) ||
	    (role != NULL && (code = usercmd_check_text("--role", role, 64)) !=
	    EXIT_OK))
		return code;
	if ((code = open_target(cli, argv[optind], &conf, &svc, &user,
	    &actor)) != EXIT_OK)
		goto out;
	/* SPEC §3: the type never changes (nor does the ID). */
	if (type != NULL && (user->type == NULL ||
	    strcmp(type, user->type) != 0)) {
		code = fail(EXIT_USAGE, "the type of a user cannot be changed "
		    "(%s is %s): create a new %s user and delete %s", user->id,
		    user->type != NULL ? user->type : "untyped", type,
		    user->id);
		goto out;
	}
	if (ids_mods_new(&m) != 0) {
		code = fail(EXIT_ERROR, "%s", ids_strerror(IDS_ENOMEM));
		goto out;
	}
	if (name != NULL)
		ids_mods_add(m, LDAP_MOD_REPLACE, "displayName", name, NULL);
	if (email != NULL)
		ids_mods_add(m, LDAP_MOD_REPLACE, "mail", email, NULL);
	if (role != NULL)
		ids_mods_add(m, LDAP_MOD_REPLACE, "idpRole", role, NULL);
	if (name == NULL && email == NULL && role == NULL)
		goto print;	/* --type, unchanged: nothing to write */
	if (ids_mods_get(m) == NULL)
		rc = IDS_ENOMEM;
	else
		rc = ids_dir_modify(actor, user->dn, ids_mods_get(m));
	if (rc != IDS_OK) {
		code = rc == IDS_EPERM ? fail(EXIT_DENIED, "the directory "
		    "does not let %s modify %s; nothing was changed",
		    usercmd_who(cli), user->id) : fail(rc_to_exit(rc),
		    "modifying %s: %s", user->id, rc == IDS_ENOMEM ?
		    ids_strerror(rc) : ids_dir_error(actor));
		goto out;
	}
print:
	if (cli->json) {
		printf("{\"id\":");
		json_str(stdout, user->id);
		printf(",\"changed\":[");
		if (name != NULL)
			printf("\"name\"%s", email != NULL || role != NULL ?
			    "," : "");
		if (email != NULL)
			printf("\"email\"%s", role != NULL ? "," : "");
		if (role != NULL)
			printf("\"role\"");
		printf("]}\n");
	} else {
		n = (name != NULL) + (email != NULL) + (role != NULL);
		printf(n > 0 ? "Modified %s.\n" : "Nothing to change for %s.\n",
		    user->id);
	}
out:
	ids_mods_free(m);
	ids_user_free(user);
	ids_dir_close(actor);
	ids_dir_close(svc);
	ids_conf_free(conf);
	return code;
}

/* Every entry at and under dn, as the service sees them, deepest first. */
static int
subtree(struct ids_dir *svc, const char *dn, char ***out, int *n)
{
	static char *none[] = { "1.1", NULL };
	LDAPMessage *res = NULL, *e;
	char **v = NULL, **grown, *d;
	int rc, i, j, depth[64];

	*out = NULL;
	*n = 0;
	if ((rc = ids_dir_search(svc, dn, LDAP_SCOPE_SUBTREE,
	    "(objectClass=*)", none, 64, &res)) != IDS_OK)
		goto out;
	for (e = ldap_first_entry(ids_dir_ld(svc), res); e != NULL && *n < 64;
	    e = ldap_next_entry(ids_dir_ld(svc), e)) {
		if ((d = ldap_get_dn(ids_dir_ld(svc), e)) == NULL ||
		    (grown = realloc(v, (size_t)(*n + 1) * sizeof(*v))) ==
		    NULL) {
			ldap_memfree(d);
			rc = IDS_ENOMEM;
			goto out;
		}
		v = grown;
		v[*n] = strdup(d);
		ldap_memfree(d);
		if (v[*n] == NULL) {
			rc = IDS_ENOMEM;
			goto out;
		}
		/* depth: the number of RDNs (commas outside escapes suffice
		 * for ordering entries of one subtree) */
		depth[*n] = 0;
		for (j = 0; v[*n][j] != '\0'; j++)
			if (v[*n][j] == '\\' && v[*n][j + 1] != '\0')
				j++;
			else if (v[*n][j] == ',')
				depth[*n]++;
		(*n)++;
	}
	/* insertion sort, deepest first */
	for (i = 1; i < *n; i++)
		for (j = i; j > 0 && depth[j] > depth[j - 1]; j--) {
			int t = depth[j];
			char *s = v[j];

			depth[j] = depth[j - 1];
			v[j] = v[j - 1];
			depth[j - 1] = t;
			v[j - 1] = s;
		}
out:
	ldap_msgfree(res);
	if (rc != IDS_OK) {
		for (i = 0; i < *n; i++)
			free(v[i]);
		free(v);
		v = NULL;
		*n = 0;
	}
	*out = v;
	return rc;
}

/* For the error line of a refused delete: were the seats put back? */
static const char *
relink_note(const struct usercmd_seat *v, int n)
{
	int i, freed = 0;

	for (i = 0; i < n; i++)
		if (v[i].unlinked)
			freed = 1;
	if (freed)
		return "; some of their seats stay unlinked (`idportal seat "
		    "list`)";
	return n > 0 ? "; their seats were linked back" : "";
}

static int
user_delete(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	struct ids_conf *conf = NULL;
	struct ids_dir *svc = NULL, *actor = NULL;
	struct ids_user *user = NULL;
	struct usercmd_seat *seats = NULL;
	char **dns = NULL;
	int c, rc, code, i, n = 0, ns = 0, done = 0, dry = 0;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'n': dry = 1; break;
		default: return fail(EXIT_USAGE, DELETE_USAGE);
		}
	}
	if (optind + 1 != argc)
		return fail(EXIT_USAGE, DELETE_USAGE);
	if ((code = open_target(cli, argv[optind], &conf, &svc, &user,
	    &actor)) != EXIT_OK)
		goto out;
	if ((rc = subtree(svc, user->dn, &dns, &n)) != IDS_OK) {
		code = fail(rc_to_exit(rc), "listing the entries of %s: %s",
		    user->id, rc == IDS_ENOMEM ? ids_strerror(rc) :
		    ids_dir_error(svc));
		goto out;
	}
	if ((rc = usercmd_seats_find(svc, user->dn, &seats, &ns)) != IDS_OK) {
		code = fail(rc_to_exit(rc), "listing the seats of %s: %s",
		    user->id, rc == IDS_ENOMEM ? ids_strerror(rc) :
		    ids_dir_error(svc));
		goto out;
	}
	if (!dry && (code = usercmd_seats_unlink(cli, actor, user->id,
	    user->dn, seats, ns)) != EXIT_OK)
		goto out;
	for (i = 0; !dry && i < n; i++) {
		if ((rc = ids_dir_delete(actor, dns[i])) != IDS_OK) {
			/* the user stays: so do their seats */
			usercmd_seats_relink(actor, user->dn, seats, ns);
			code = rc == IDS_EPERM ? fail(EXIT_DENIED, "the "
			    "directory does not let %s delete %s (%s)%s%s",
			    usercmd_who(cli), user->id, dns[i], done > 0 ?
			    "; the entries before it are gone" : "",
			    relink_note(seats, ns)) : fail(rc_to_exit(rc),
			    "deleting %s: %s%s", dns[i], ids_dir_error(actor),
			    relink_note(seats, ns));
			goto out;
		}
		done++;
	}
	if (cli->json) {
		printf("{\"id\":");
		json_str(stdout, user->id);
		printf(",\"dry_run\":%s,\"deleted\":[", dry ? "true" : "false");
		for (i = 0; i < n; i++) {
			printf("%s", i > 0 ? "," : "");
			json_str(stdout, dns[i]);
		}
		printf("],\"unlinked_seats\":[");
		for (i = 0, c = 0; i < ns; i++) {
			if (!dry && !seats[i].unlinked)
				continue;
			printf("%s", c++ > 0 ? "," : "");
			json_str(stdout, seats[i].code);
		}
		printf("]}\n");
	} else {
		printf(dry ? "Would delete %s:\n" : "Deleted %s:\n", user->id);
		for (i = 0; i < n; i++)
			printf("  %s\n", dns[i]);
		for (i = 0; i < ns; i++) {
			if (!dry && !seats[i].unlinked)
				continue;
			printf(dry ? "Would unlink %s from seat " :
			    "Unlinked %s from seat ", user->id);
			put_text(stdout, seats[i].code);
			printf(dry ? " (it would be free to link).\n" :
			    "; the seat is free to link.\n");
		}
		if (dry)
			printf("Nothing was changed (--dry-run).\n");
	}
out:
	usercmd_seats_free(seats, ns);
	for (i = 0; i < n; i++)
		free(dns[i]);
	free(dns);
	ids_user_free(user);
	ids_dir_close(actor);
	ids_dir_close(svc);
	ids_conf_free(conf);
	return code;
}

int
cmd_user(struct cli *cli, int argc, char **argv)
{
	static const struct {
		const char	*name;
		int		(*run)(struct cli *, int, char **);
	} subs[] = {
		{ "add", user_add }, { "show", user_show },
		{ "search", user_search }, { "modify", user_modify },
		{ "delete", user_delete },
	};
	size_t i;

	if (argc >= 2)
		for (i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
			if (strcmp(argv[1], subs[i].name) == 0) {
				optind = 0;
				return subs[i].run(cli, argc - 1, argv + 1);
			}
	return fail(EXIT_USAGE, "usage: idportal user add|show|search|modify|"
	    "delete ID ...");
}
