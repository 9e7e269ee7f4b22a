/* target.c: find, read and gate the user an `unlock` / `totp` command acts
 * on. */
#include "target.h"
#include "rc.h"
#include "twofactor.h"

#include <stdlib.h>
#include <string.h>

int
target_open(struct cli *cli, const char *id, const char *doing,
    struct target *t)
{
	int rc, code;

	memset(t, 0, sizeof(*t));
	t->who = cli->as != NULL ? cli->as : "this host's service account";
	if ((code = cli_conf(cli, &t->conf)) != EXIT_OK)
		return code;
	/* Found as the service: an admin acting outside their scope then
	 * hears "permission denied" from the directory, not "no such user". */
	if ((rc = ids_dir_open(t->conf, &cli->log, IDS_DIR_WRITER,
	    &t->svc)) != IDS_OK ||
	    (rc = ids_user_find(t->svc, id, &t->user)) != IDS_OK)
		return rc == IDS_ENOUSER ? fail(EXIT_NOTFOUND, "no user %s",
		    id) : fail(rc_to_exit(rc), "%s", t->svc != NULL ?
		    ids_dir_error(t->svc) : ids_strerror(rc));
	if ((code = cli_admin_session(cli, t->conf, &t->actor)) != EXIT_OK)
		return code;
	/* The service mends a missing state entry, as hosts do, so that "not
	 * visible" below can only mean "not allowed". */
	if ((rc = ids_state_read(t->svc, t->user->dn, &t->st)) != IDS_OK)
		return fail(rc_to_exit(rc), "reading the state of %s: %s",
		    t->user->id, ids_dir_error(t->svc));
	t->have_st = 1;
	if ((rc = ids_twofactor_visible(t->actor, t->user->dn)) != IDS_OK)
		return target_refused(t, rc, doing);
	return EXIT_OK;
}

void
target_close(struct target *t)
{
	if (t->have_st)
		ids_state_clear(&t->st);
	ids_user_free(t->user);
	ids_dir_close(t->actor);
	ids_dir_close(t->svc);
	ids_conf_free(t->conf);
	memset(t, 0, sizeof(*t));
}

int
target_refused(const struct target *t, int rc, const char *doing)
{
	if (rc == IDS_EPERM)
		return fail(EXIT_DENIED, "the directory does not let %s %s %s",
		    t->who, doing, t->user->id);
	return fail(rc_to_exit(rc), "%s: %s", t->user->id,
	    rc == IDS_ENOMEM ? ids_strerror(rc) : ids_dir_error(t->actor));
}

void
target_time(const struct target *t, time_t when, char *buf, size_t len)
{
	cli_time(when, t->conf->timezone, buf, len);
}

void
put_text(FILE *f, const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++)
		fputc(*p < 0x20 || *p == 0x7f ? '?' : *p, f);
}
