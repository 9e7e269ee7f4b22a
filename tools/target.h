/* target.h: the user an `unlock` or `totp` command acts on.  The user is
 * found, and their cn=state read, as this host's service account on the
 * writer (`write_uri`); every change is made as --as ADMIN_ID (or, without
 * --as, the service account), so the directory's ACLs decide who may. */
#ifndef IDPORTAL_TARGET_H
#define IDPORTAL_TARGET_H

#include <stdio.h>
#include <time.h>

#include "cli.h"
#include "state.h"
#include "user.h"

struct target {
	struct ids_conf	*conf;
	struct ids_dir	*svc;		/* the service account, writer */
	struct ids_dir	*actor;		/* --as ADMIN_ID, else the service */
	struct ids_user	*user;
	struct ids_state st;		/* cn=state as the service read it */
	int		 have_st;
	const char	*who;		/* the actor, for messages */
};

/* Load the config, find id (exit 3 if unknown), bind the actor (exit 4 on
 * a wrong password), read id's cn=state (made if missing), and check that
 * the directory lets the actor see it: one who may not gets exit 4 ("the
 * directory does not let WHO <doing> ID") before anything is shown, asked
 * or changed.  Prints the error; returns the exit code.  Release with
 * target_close(), after an error too. */
int	target_open(struct cli *cli, const char *id, const char *doing,
	    struct target *t);
void	target_close(struct target *t);
/* Exit code and one error line for rc of a change the actor made. */
int	target_refused(const struct target *t, int rc, const char *doing);
/* "2026-11-24 19:00:00 (Asia/Tokyo)": when, in the site's time zone. */
void	target_time(const struct target *t, time_t when, char *buf,
	    size_t len);
/* s from the directory, on one line: control bytes become '?'. */
void	put_text(FILE *f, const char *s);

#endif
