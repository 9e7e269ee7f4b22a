/* login.h: one login's decisions, in the order PAM asks for them: the
 * password (with the shared lock and failure counter), then what the user
 * still owes (a verification code, an enrollment), then the code.  All
 * per-login state is read and written on the writer (`write_uri`), so
 * every host sees the same counters and lock.  Use from one thread. */
#ifndef IDS_LOGIN_H
#define IDS_LOGIN_H

#include <time.h>

#include "conf.h"
#include "dir.h"
#include "log.h"
#include "state.h"
#include "user.h"

struct ids_login {
	const struct ids_conf	*conf;
	const struct ids_log	*log;
	struct ids_dir		*reader;
	struct ids_dir		*writer;	/* == reader when write_uri is uri */
	struct ids_user		*user;		/* set once the password passed */
	struct ids_state	 state;
	int			 have_state;
	int			 locked_now;	/* this login locked the account */
};

/* What the login still needs after the password. */
enum ids_login_next {
	IDS_LOGIN_DONE,		/* nothing: the user is in */
	IDS_LOGIN_CODE,		/* a verification (or recovery) code */
	IDS_LOGIN_ENROLL,	/* set up an authenticator first */
};

int	ids_login_open(const struct ids_conf *conf, const struct ids_log *log,
	    struct ids_login **out);
void	ids_login_close(struct ids_login *login);

/* Check id's password at now.  IDS_OK; IDS_ENOUSER / IDS_EBADCRED (the
 * caller must not tell them apart); IDS_ELOCKED (whatever was typed, and
 * not counted); IDS_EEXPIRED (temporary password past its deadline); or a
 * connection error.  A wrong password is counted in the directory and
 * locks the account at max_password_failures; a right one resets the
 * count. */
int	ids_login_password(struct ids_login *login, const char *id,
	    const char *password, time_t now);
/* After IDS_OK from ids_login_password: *next is an enum
 * ids_login_next.  IDS_OK, or a connection error (require_totp = group:
 * asks the directory). */
int	ids_login_next(struct ids_login *login, int *next);
/* The account step (no password): find id and say whether it may log
 * in at now: IDS_OK (login->user set), IDS_ENOUSER, IDS_EDISABLED,
 * IDS_EEXPIRED, IDS_ELOCKED, IDS_ENOSEAT (seat.h), or a connection
 * error. */
int	ids_login_account(struct ids_login *login, const char *id, time_t now);
/* What went wrong in the directory, for the log. */
const char *ids_login_error(const struct ids_login *login);
/* A 6-digit verification code, or a recovery code.  IDS_OK; IDS_EBADCRED
 * (wrong, replayed, or recovery code already used: counted, locking at
 * max_totp_failures); IDS_ELOCKED; IDS_EINVAL (the stored secret cannot be
 * opened: refused, and logged for the admin). */
int	ids_login_code(struct ids_login *login, const char *code, time_t now);

#endif
