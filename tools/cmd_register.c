/* cmd_register.c: `idportal register TOKEN [--id ID] [--name NAME]
 * [--password-file F]` (SPEC §3 Invitations): the invitee, who cannot bind
 * yet, turns a pending entry into their user with the code they were
 * mailed.  Runs as the service account of the config, which must be the
 * portal account (packaging/slapd/idportal-acl.ldif): hosts may not add
 * users.  ID, name and password are asked on the terminal when not given.
 *
 * Order, so that nothing is half-done: every check first (code, deadline,
 * ID rules and free, password strength); then the code is taken (one
 * registration wins); then the user is added in one add, password
 * included; if that fails, the code is put back.  Then the pending entry
 * goes.
 *
 * --json: {"id":ID,"org":ORG|null,"type":T,"role":R|null}
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "idrules.h"
#include "invite.h"
#include "pwhash.h"
#include "rc.h"
#include "secret.h"
#include "state.h"
#include "usercmd.h"

#define USAGE	"usage: idportal register TOKEN [--id ID] [--name NAME] " \
		"[--password-file F]"

/* One line from the terminal (or standard input), without its newline. */
static int
ask_line(const char *prompt, char *buf, size_t len)
{
	size_t n;

	fputs(prompt, stderr);
	fflush(stderr);
	if (fgets(buf, (int)len, stdin) == NULL)
		return fail(EXIT_USAGE, "no answer to \"%s\"", prompt);
	n = strcspn(buf, "\n");
	if (buf[n] != '\n' && !feof(stdin))
		return fail(EXIT_USAGE, "answer too long");
	buf[n] = '\0';
	return EXIT_OK;
}

static int
find_invitation(struct ids_dir *svc, const struct ids_conf *conf,
    const char *hash, struct ids_invite **inv)
{
	char until[96];
	int rc;

	if ((rc = ids_invite_find(svc, hash, inv)) == IDS_ENOTFOUND)
		return fail(EXIT_NOTFOUND, "this registration code is unknown "
		    "or was already used: check it, or ask for a new "
		    "invitation");
	if (rc != IDS_OK)
		return fail(rc_to_exit(rc), "%s", ids_dir_error(svc));
	if ((*inv)->deadline <= time(NULL)) {
		cli_time((*inv)->deadline, conf->timezone, until,
		    sizeof(until));
		return fail(EXIT_DENIED, "this invitation expired at %s: ask "
		    "for a new one", until);
	}
	return EXIT_OK;
}

static void
print_registered(const struct cli *cli, const struct new_user *nu)
{
	if (!cli->json) {
		printf("Registered %s%s%s. Log in as %s with your new "
		    "password.\n", nu->id, nu->org != NULL ? " in " : "",
		    nu->org != NULL ? nu->org : "", nu->id);
		return;
	}
	printf("{\"id\":");
	json_str(stdout, nu->id);
	printf(",\"org\":");
	json_str(stdout, nu->org);
	printf(",\"type\":");
	json_str(stdout, nu->type);
	printf(",\"role\":");
	json_str(stdout, nu->role);
	printf("}\n");
}

int
cmd_register(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "id", required_argument, NULL, 'i' },
		{ "name", required_argument, NULL, 'n' },
		{ "password-file", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	struct new_user nu;
	struct ids_conf *conf = NULL;
	struct ids_dir *svc = NULL;
	struct ids_invite *inv = NULL;
	const char *pwfile = NULL, *words[4];
	char hash[IDS_INVITE_HASH_LEN], ssha[IDS_SSHA_LEN], why[200];
	char idbuf[64], namebuf[256], *pw = NULL, *org = NULL, *dn = NULL;
	int c, rc, code, claimed = 0;

	memset(&nu, 0, sizeof(nu));
	ssha[0] = '\0';
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'i': nu.id = optarg; break;
		case 'n': nu.name = optarg; break;
		case 'p': pwfile = optarg; break;
		default: return fail(EXIT_USAGE, USAGE);
		}
	}
	if (optind + 1 != argc)
		return fail(EXIT_USAGE, USAGE);
	if (ids_invite_hash(argv[optind], hash) != IDS_OK)
		return fail(EXIT_USAGE, "that is not a registration code: it "
		    "has 25 letters and digits, in five groups of five");
	if ((code = cli_conf(cli, &conf)) != EXIT_OK)
		goto out;
	if ((rc = ids_dir_open(conf, &cli->log, IDS_DIR_WRITER, &svc)) !=
	    IDS_OK) {
		code = fail(EXIT_ERROR, "%s", ids_strerror(rc));
		goto out;
	}
	if ((code = find_invitation(svc, conf, hash, &inv)) != EXIT_OK)
		goto out;
	if ((nu.id == NULL && (code = ask_line("ID (6-20 letters and "
	    "digits): ", idbuf, sizeof(idbuf))) != EXIT_OK) ||
	    (nu.name == NULL && (code = ask_line("Display name: ", namebuf,
	    sizeof(namebuf))) != EXIT_OK))
		goto out;
	if (nu.id == NULL)
		nu.id = idbuf;
	if (nu.name == NULL)
		nu.name = namebuf;
	if (ids_id_check(nu.id, why, sizeof(why)) != IDS_OK) {
		code = fail(EXIT_USAGE, "ID %s refused: %s", nu.id, why);
		goto out;
	}
	if ((code = usercmd_check_text("--name", nu.name, 128)) != EXIT_OK ||
	    (code = usercmd_id_taken(svc, nu.id)) != EXIT_OK)
		goto out;
	words[0] = nu.id;
	words[1] = nu.name;
	words[2] = inv->mail;
	words[3] = NULL;
	if ((code = cli_new_password(pwfile, words, NULL, &pw)) != EXIT_OK)
		goto out;
	if ((rc = ids_pwhash_ssha(pw, ssha, sizeof(ssha))) != IDS_OK) {
		code = fail(rc_to_exit(rc), "%s", ids_strerror(rc));
		goto out;
	}
	org = usercmd_dn_org(inv->dn);
	nu.org = org;
	nu.type = inv->type != NULL ? inv->type : org != NULL ? "corporate" :
	    "individual";
	nu.email = inv->mail != NULL ? inv->mail : "";
	nu.role = inv->role;
	nu.pwhash = ssha;
	if ((rc = ids_invite_claim(svc, inv, hash)) != IDS_OK) {
		code = rc == IDS_ECHANGED ? fail(EXIT_NOTFOUND, "this "
		    "registration code was used a moment ago: ask for a new "
		    "invitation") : fail(rc_to_exit(rc), "%s",
		    ids_dir_error(svc));
		goto out;
	}
	claimed = 1;
	if ((code = usercmd_add_entry(cli, svc, &nu, &dn)) != EXIT_OK)
		goto out;
	claimed = 0;	/* used for good */
	if (ids_state_ensure(svc, dn, NULL) != IDS_OK)
		fail(EXIT_OK, "registered %s, but not its cn=state (%s); the "
		    "first login will make it", nu.id, ids_dir_error(svc));
	if (ids_dir_delete(svc, inv->dn) != IDS_OK)
		fail(EXIT_OK, "registered %s, but the used invitation %s "
		    "stays (%s); an admin may delete it", nu.id, inv->dn,
		    ids_dir_error(svc));
	print_registered(cli, &nu);
out:
	/* The add failed after the code was taken: give it back. */
	if (claimed && ids_invite_unclaim(svc, inv, hash) != IDS_OK)
		fail(EXIT_ERROR, "and the registration code could not be put "
		    "back (%s): ask for a new invitation", ids_dir_error(svc));
	ids_free_secret(pw);
	ids_wipe(ssha, sizeof(ssha));
	ids_wipe(hash, sizeof(hash));
	free(dn);
	free(org);
	ids_invite_free(inv);
	ids_dir_close(svc);
	ids_conf_free(conf);
	return code;
}
