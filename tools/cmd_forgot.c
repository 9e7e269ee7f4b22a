/* cmd_forgot.c: `idportal forgot-password ID EMAIL` (SPEC §3 Forgotten
 * password): when ID exists, is active, and EMAIL is its registered
 * address, a temporary password (the rules of an admin reissue) is mailed
 * to that address.  At most one per user per reset_interval, taken with a
 * compare-and-set on cn=state (ids_state_take_reset), so two requests on
 * two hosts make one mail.  The answer is the same sentence whatever
 * happened, so it tells nobody whether the ID exists or what its address
 * is.  Runs as the service account of the config, which must be the portal
 * account: hosts may not set passwords.
 *
 * --json: {"id":ID,"email":E,"answer":"sent-if-registered"}
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "gentime.h"
#include "idrules.h"
#include "init.h"
#include "passwd.h"
#include "rc.h"
#include "secret.h"
#include "state.h"
#include "user.h"
#include "usercmd.h"

#define USAGE	"usage: idportal forgot-password ID EMAIL"

/* Does the request name an active user by their own address?  IDS_OK, or
 * IDS_ENOUSER for every way it does not (said to nobody), or an error. */
static int
find_owner(struct ids_dir *svc, const char *id, const char *email,
    struct ids_user **user)
{
	int rc;

	if ((rc = ids_user_find(svc, id, user)) != IDS_OK)
		return rc;
	if ((*user)->mail == NULL || strcasecmp((*user)->mail, email) != 0 ||
	    ((*user)->state != NULL && strcmp((*user)->state, "active") != 0))
		return IDS_ENOUSER;
	return IDS_OK;
}

/* The reset itself: one per interval, a random password of the reissue
 * rules set with its deadline, then mailed. */
static int
reset(const struct ids_conf *conf, struct ids_dir *svc,
    const struct ids_user *user)
{
	char day[300], *pw = NULL;
	time_t now = time(NULL), deadline;
	int rc, code = EXIT_OK;

	if ((rc = ids_state_ensure(svc, user->dn, NULL)) != IDS_OK ||
	    (rc = ids_state_take_reset(svc, user->dn, now,
	    conf->reset_interval)) != IDS_OK) {
		/* One was mailed a moment ago: the same answer, no mail. */
		if (rc != IDS_ECHANGED)
			code = fail(rc_to_exit(rc), "%s", ids_dir_error(svc));
		goto out;
	}
	if ((pw = calloc(1, IDS_PASSWORD_MAX + 1)) == NULL ||
	    ids_random_password(pw, (size_t)conf->temp_password_length) !=
	    IDS_OK ||
	    ids_deadline_end_of_next_day(now, conf->timezone, &deadline) !=
	    IDS_OK) {
		code = fail(EXIT_ERROR, "cannot make a temporary password");
		goto out;
	}
	if ((rc = ids_passwd_reissue(svc, user, pw, deadline)) != IDS_OK) {
		/* Not taken after all: the next request may go ahead. */
		ids_state_give_back_reset(svc, user->dn, now);
		code = fail(rc_to_exit(rc), "the directory does not let this "
		    "host's service account set passwords (%s): run "
		    "forgot-password with the portal's config",
		    ids_dir_error(svc));
		goto out;
	}
	cli_last_day(deadline, conf->timezone, day, sizeof(day));
	code = reissue_mail(conf, user, pw, day);
out:
	ids_free_secret(pw);
	return code;
}

int
cmd_forgot_password(struct cli *cli, int argc, char **argv)
{
	struct ids_conf *conf = NULL;
	struct ids_dir *svc = NULL;
	struct ids_user *user = NULL;
	const char *id, *email;
	char why[200];
	int rc, code;

	if (getopt(argc, argv, "") != -1 || optind + 2 != argc)
		return fail(EXIT_USAGE, USAGE);
	id = argv[optind];
	email = argv[optind + 1];
	if (ids_id_check(id, why, sizeof(why)) != IDS_OK)
		return fail(EXIT_USAGE, "ID %s refused: %s", id, why);
	if ((code = usercmd_check_email(email)) != EXIT_OK ||
	    (code = cli_conf(cli, &conf)) != EXIT_OK)
		goto out;
	if ((rc = ids_dir_open(conf, &cli->log, IDS_DIR_WRITER, &svc)) !=
	    IDS_OK) {
		code = fail(EXIT_ERROR, "%s", ids_strerror(rc));
		goto out;
	}
	if ((rc = find_owner(svc, id, email, &user)) == IDS_OK)
		code = reset(conf, svc, user);
	else if (rc != IDS_ENOUSER)
		code = fail(rc_to_exit(rc), "%s", ids_dir_error(svc));
	if (code != EXIT_OK)
		goto out;
	if (cli->json) {
		printf("{\"id\":");
		json_str(stdout, id);
		printf(",\"email\":");
		json_str(stdout, email);
		printf(",\"answer\":\"sent-if-registered\"}\n");
	} else {
		printf("If %s is registered with %s, a temporary password has "
		    "been mailed to that address.\n", id, email);
	}
out:
	ids_user_free(user);
	ids_dir_close(svc);
	ids_conf_free(conf);
	return code;
}
