/* cmd_invite.c: `idportal invite EMAIL [--org ORG] [--type T] [--role R]`,
 * `idportal signup EMAIL` and `idportal lookup-id EMAIL` (SPEC §3
 * Invitations, Self sign-up, Forgotten ID).
 *
 * invite adds a pending entry (invite.h) as the acting admin, so the
 * directory decides where they may invite (an org admin: their own org),
 * and mails the single-use registration code through mail_command.  The
 * code is never printed: it goes to the invitee only.  If the mail cannot
 * go, the entry is removed again.
 *
 * signup (allow_signup = yes) does the same for an individual user, as the
 * service account (the portal: packaging/slapd/idportal-acl.ldif), with
 * signup_validity; `register` then works as for an invitation.
 *
 * lookup-id mails the IDs registered to an address to that address, as
 * the service account, and prints the same answer whether or not there
 * are any.
 *
 * --json:
 *	invite		{"email":E,"org":ORG|null,"type":T,"role":R|null,
 *			"expires":"YYYY-MM-DDTHH:MM:SSZ","pending_dn":DN}
 *	signup		{"email":E,"expires":"YYYY-MM-DDTHH:MM:SSZ"}
 *	lookup-id	{"email":E,"answer":"sent-if-registered"}
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "filter.h"
#include "invite.h"
#include "mail.h"
#include "rc.h"
#include "secret.h"
#include "usercmd.h"

#define INVITE_USAGE	"usage: idportal [--as ADMIN_ID] invite EMAIL " \
			"[--org ORG] [--type corporate|group] [--role ROLE]"
#define LOOKUP_USAGE	"usage: idportal lookup-id EMAIL"
#define SIGNUP_USAGE	"usage: idportal signup EMAIL"
#define NEUTRAL		"If IDs are registered to %s, a message listing " \
			"them has been sent to that address.\n"

struct invitation {
	const char	*email, *org, *type, *role;
};

static int
check_args(struct invitation *iv)
{
	int code;

	if ((code = usercmd_check_email(iv->email)) != EXIT_OK ||
	    (iv->role != NULL && (code = usercmd_check_text("--role",
	    iv->role, 64)) != EXIT_OK) ||
	    (iv->org != NULL && (code = usercmd_check_org(iv->org)) !=
	    EXIT_OK))
		return code;
	if (iv->type == NULL)
		iv->type = iv->org != NULL ? "corporate" : "individual";
	if ((code = usercmd_check_type(iv->type)) != EXIT_OK)
		return code;
	return usercmd_check_placement(iv->type, iv->org);
}

/* Mail the code to email: an invitation (to org, or none), or the
 * confirmation of a sign-up. */
static int
mail_code(const struct ids_conf *conf, const char *email, const char *org,
    int signup, const char *token, time_t deadline)
{
	char body[1024], until[96], err[256];

	cli_time(deadline, conf->timezone, until, sizeof(until));
	snprintf(body, sizeof(body),
	    "%s%s%s.\n\n"
	    "Your registration code:\n\n    %s\n\n"
	    "Register with:\n\n    idportal register %s\n\n"
	    "and choose your ID, your display name and your password.\n"
	    "The code works once and expires at %s.\n"
	    "If you did not expect this message, ignore it.\n",
	    signup ? "Someone, hopefully you, signed up for an account with "
	    "this address" : "You have been invited to an account",
	    org != NULL ? " of " : "", org != NULL ? org : "", token, token,
	    until);
	if (ids_mail_send(conf, email, signup ? "Confirm your sign-up" :
	    "Your invitation", body, err, sizeof(err)) != IDS_OK) {
		ids_wipe(body, sizeof(body));
		return fail(EXIT_ERROR, "could not mail the %s to %s (%s); "
		    "nothing was kept: check mail_command and try again",
		    signup ? "confirmation" : "invitation", email, err);
	}
	ids_wipe(body, sizeof(body));
	return EXIT_OK;
}

/* Add the pending entry under parent as dir's identity and mail its code;
 * if the mail cannot go, remove the entry again.  *dn gets its DN. */
static int
pending_and_mail(const struct cli *cli, struct ids_dir *dir,
    const char *parent, const struct invitation *iv, int signup,
    time_t deadline, char **dn)
{
	const struct ids_conf *conf = ids_dir_conf(dir);
	char token[IDS_INVITE_TOKEN_LEN + 1], hash[IDS_INVITE_HASH_LEN];
	int rc, code;

	if ((rc = ids_invite_token(token, hash)) != IDS_OK)
		return fail(rc_to_exit(rc), "%s", ids_strerror(rc));
	if ((rc = ids_invite_add(dir, parent, iv->email, iv->type, iv->role,
	    hash, deadline, dn)) != IDS_OK) {
		code = rc == IDS_EPERM ? fail(EXIT_DENIED, "the directory does "
		    "not let %s %s users to %s; nothing was added",
		    usercmd_who(cli), signup ? "sign up" : "invite",
		    iv->org != NULL ? iv->org :
		    "ou=people (individual users)") : fail(rc_to_exit(rc),
		    "%s %s: %s", signup ? "sign-up of" : "invite", iv->email,
		    ids_dir_error(dir));
		goto out;
	}
	if ((code = mail_code(conf, iv->email, iv->org, signup, token,
	    deadline)) != EXIT_OK) {
		/* Nothing half-done: no entry waits for a code nobody has. */
		if (ids_dir_delete(dir, *dn) != IDS_OK)
			fail(EXIT_ERROR, "and the pending entry %s could not be "
			    "removed: %s", *dn, ids_dir_error(dir));
	}
out:
	ids_wipe(token, sizeof(token));
	return code;
}

static void
print_invite(const struct cli *cli, const struct ids_conf *conf,
    const struct invitation *iv, time_t deadline, const char *dn)
{
	char until[96], utc[32];
	struct tm tm;

	if (!cli->json) {
		cli_time(deadline, conf->timezone, until, sizeof(until));
		printf("Invited %s%s%s as a %s user%s%s. The registration "
		    "code was mailed to them; it works once, until %s.\n",
		    iv->email, iv->org != NULL ? " to " : "",
		    iv->org != NULL ? iv->org : "", iv->type,
		    iv->role != NULL ? ", role " : "",
		    iv->role != NULL ? iv->role : "", until);
		return;
	}
	gmtime_r(&deadline, &tm);
	strftime(utc, sizeof(utc), "%Y-%m-%dT%H:%M:%SZ", &tm);
	printf("{\"email\":");
	json_str(stdout, iv->email);
	printf(",\"org\":");
	json_str(stdout, iv->org);
	printf(",\"type\":");
	json_str(stdout, iv->type);
	printf(",\"role\":");
	json_str(stdout, iv->role);
	printf(",\"expires\":\"%s\",\"pending_dn\":", utc);
	json_str(stdout, dn);
	printf("}\n");
}

int
cmd_invite(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "org", required_argument, NULL, 'o' },
		{ "type", required_argument, NULL, 't' },
		{ "role", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	struct invitation iv;
	struct ids_conf *conf = NULL;
	struct ids_dir *svc = NULL, *actor = NULL;
	char *parent = NULL, *dn = NULL;
	time_t deadline;
	int c, rc, code;

	memset(&iv, 0, sizeof(iv));
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'o': iv.org = optarg; break;
		case 't': iv.type = optarg; break;
		case 'r': iv.role = optarg; break;
		default: return fail(EXIT_USAGE, INVITE_USAGE);
		}
	}
	if (optind + 1 != argc)
		return fail(EXIT_USAGE, INVITE_USAGE);
	iv.email = argv[optind];
	if ((code = check_args(&iv)) != EXIT_OK ||
	    (code = cli_conf(cli, &conf)) != EXIT_OK)
		goto out;
	if ((rc = ids_dir_open(conf, &cli->log, IDS_DIR_WRITER, &svc)) !=
	    IDS_OK) {
		code = fail(EXIT_ERROR, "%s", ids_strerror(rc));
		goto out;
	}
	if ((iv.org != NULL && (code = usercmd_org_exists(svc, iv.org)) !=
	    EXIT_OK) || (code = cli_admin_session(cli, conf, &actor)) !=
	    EXIT_OK)
		goto out;
	if ((rc = iv.org != NULL ? ids_dn(&parent, "ou=people,o=%s,%D",
	    iv.org, conf->base) : ids_dn(&parent, "ou=people,%D",
	    conf->base)) != IDS_OK) {
		code = fail(rc_to_exit(rc), "%s", ids_strerror(rc));
		goto out;
	}
	deadline = time(NULL) + conf->invite_validity;
	if ((code = pending_and_mail(cli, actor, parent, &iv, 0, deadline,
	    &dn)) != EXIT_OK)
		goto out;
	print_invite(cli, conf, &iv, deadline, dn);
out:
	free(dn);
	free(parent);
	ids_dir_close(actor);
	ids_dir_close(svc);
	ids_conf_free(conf);
	return code;
}

/* The registered IDs with mail address email (without case, as the
 * directory compares it), one per line, into list; *to gets the address as
 * stored.  *n = 0 if none. */
static int
registered_ids(struct ids_dir *dir, const char *email, char *list,
    size_t len, char **to, int *n)
{
	static char *attrs[] = { "uid", "mail", NULL };
	LDAPMessage *res = NULL, *e;
	char *filter = NULL, *uid;
	size_t used = 0;
	int rc;

	*n = 0;
	*to = NULL;
	list[0] = '\0';
	if ((rc = ids_filter(&filter, "(&(objectClass=posixAccount)"
	    "(objectClass=idpUser)(mail=%s)(!(idpState=pending)))", email)) !=
	    IDS_OK || (rc = ids_dir_search(dir, ids_dir_conf(dir)->base,
	    LDAP_SCOPE_SUBTREE, filter, attrs, 0, &res)) != IDS_OK)
		goto out;
	for (e = ldap_first_entry(ids_dir_ld(dir), res); e != NULL;
	    e = ldap_next_entry(ids_dir_ld(dir), e)) {
		if ((uid = ids_dir_get(dir, e, "uid")) == NULL)
			continue;
		if (used + strlen(uid) + 6 < len)
			used += (size_t)snprintf(list + used, len - used,
			    "    %s\n", uid);
		free(uid);
		if ((*n)++ == 0)
			*to = ids_dir_get(dir, e, "mail");
	}
out:
	ldap_msgfree(res);
	free(filter);
	return rc;
}

int
cmd_lookup_id(struct cli *cli, int argc, char **argv)
{
	struct ids_conf *conf = NULL;
	struct ids_dir *svc = NULL;
	char list[2048], body[2400], err[256], *to = NULL;
	int rc, n = 0, code;

	if (getopt(argc, argv, "") != -1 || optind + 1 != argc)
		return fail(EXIT_USAGE, LOOKUP_USAGE);
	if ((code = usercmd_check_email(argv[optind])) != EXIT_OK ||
	    (code = cli_conf(cli, &conf)) != EXIT_OK)
		goto out;
	if ((rc = ids_dir_open(conf, &cli->log, IDS_DIR_READER, &svc)) !=
	    IDS_OK || (rc = registered_ids(svc, argv[optind], list,
	    sizeof(list), &to, &n)) != IDS_OK) {
		code = fail(rc_to_exit(rc), "%s", svc != NULL ?
		    ids_dir_error(svc) : ids_strerror(rc));
		goto out;
	}
	if (n > 0 && to != NULL) {
		snprintf(body, sizeof(body), "The IDs registered to this "
		    "address:\n\n%s\nIf you did not ask for this message, "
		    "ignore it.\n", list);
		if (ids_mail_send(conf, to, "Your IDs", body, err,
		    sizeof(err)) != IDS_OK) {
			code = fail(EXIT_ERROR, "could not send mail (%s): "
			    "check mail_command", err);
			goto out;
		}
	}
	if (cli->json) {
		printf("{\"email\":");
		json_str(stdout, argv[optind]);
		printf(",\"answer\":\"sent-if-registered\"}\n");
	} else {
		printf(NEUTRAL, argv[optind]);
	}
out:
	free(to);
	ids_dir_close(svc);
	ids_conf_free(conf);
	return code;
}

int
cmd_signup(struct cli *cli, int argc, char **argv)
{
	struct invitation iv;
	struct ids_conf *conf = NULL;
	struct ids_dir *svc = NULL;
	char *parent = NULL, *dn = NULL, until[96], utc[32];
	time_t deadline;
	struct tm tm;
	int rc, code;

	memset(&iv, 0, sizeof(iv));
	if (getopt(argc, argv, "") != -1 || optind + 1 != argc)
		return fail(EXIT_USAGE, SIGNUP_USAGE);
	iv.email = argv[optind];
	iv.type = "individual";
	if ((code = usercmd_check_email(iv.email)) != EXIT_OK ||
	    (code = cli_conf(cli, &conf)) != EXIT_OK)
		goto out;
	if (!conf->allow_signup) {
		code = fail(EXIT_DENIED, "self sign-up is off here "
		    "(allow_signup = no); ask an admin for an invitation");
		goto out;
	}
	if ((rc = ids_dir_open(conf, &cli->log, IDS_DIR_WRITER, &svc)) !=
	    IDS_OK || (rc = ids_dn(&parent, "ou=people,%D", conf->base)) !=
	    IDS_OK) {
		code = fail(EXIT_ERROR, "%s", ids_strerror(rc));
		goto out;
	}
	deadline = time(NULL) + conf->signup_validity;
	if ((code = pending_and_mail(cli, svc, parent, &iv, 1, deadline,
	    &dn)) != EXIT_OK)
		goto out;
	if (cli->json) {
		gmtime_r(&deadline, &tm);
		strftime(utc, sizeof(utc), "%Y-%m-%dT%H:%M:%SZ", &tm);
		printf("{\"email\":");
		json_str(stdout, iv.email);
		printf(",\"expires\":\"%s\"}\n", utc);
	} else {
		cli_time(deadline, conf->timezone, until, sizeof(until));
		printf("A confirmation code was mailed to %s. Register with it "
		    "(`idportal register CODE`) until %s.\n", iv.email, until);
	}
out:
	free(dn);
	free(parent);
	ids_dir_close(svc);
	ids_conf_free(conf);
	return code;
}
