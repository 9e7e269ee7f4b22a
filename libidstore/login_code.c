/* login_code.c: the second step of a login: a TOTP code checked against
 * the shared last step, or a single-use recovery code. */
#include "login.h"
#include "rc.h"
#include "recovery.h"
#include "seal.h"
#include "secret.h"
#include "totp.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static int
six_digits(const char *code)
{
	size_t i;

	for (i = 0; i < IDS_TOTP_DIGITS; i++)
		if (!isdigit((unsigned char)code[i]))
			return 0;
	return code[i] == '\0';
}

/* The user's TOTP secret, opened with the site key.  The seal is bound to
 * the user ID, which never changes (a DN does when an entry moves). */
static int
open_secret(struct ids_login *l, unsigned char **plain, size_t *len)
{
	struct ids_seal_keys *keys = NULL;
	char err[256];
	int rc;

	*plain = NULL;
	if (l->state.totp_secret == NULL) {
		ids_log(l->log, LOG_ERR, "user=%s has TOTP active but no "
		    "secret", l->user->id);
		return IDS_EINVAL;
	}
	if ((rc = ids_seal_keys_load(l->conf->totp_key_file, &keys, err,
	    sizeof(err))) != IDS_OK) {
		ids_log(l->log, LOG_ERR, "%s", err);
		return rc;
	}
	rc = ids_seal_open(keys, l->user->id, l->state.totp_secret,
	    l->state.totp_secret_len, plain, len);
	if (rc != IDS_OK)
		ids_log(l->log, LOG_ERR, "user=%s: the stored TOTP secret does "
		    "not open (corrupt, or sealed with an unknown key)",
		    l->user->id);
	ids_seal_keys_free(keys);
	return rc;
}

static int
check_totp(struct ids_login *l, const char *code, time_t now)
{
	unsigned char *secret = NULL;
	size_t len = 0;
	uint64_t step;
	int rc;

	if ((rc = open_secret(l, &secret, &len)) != IDS_OK)
		return rc;
	rc = ids_totp_verify(secret, len, code, now, (int)l->conf->totp_window,
	    l->state.totp_last_step, &step);
	ids_seal_plain_free(secret, len);
	if (rc != IDS_OK)
		return IDS_EBADCRED;
	/* Only one host can move the step past this code. */
	rc = ids_state_swap_step(l->writer, l->user->dn,
	    l->state.totp_last_step, step);
	if (rc == IDS_ECHANGED)
		return IDS_EBADCRED;
	if (rc == IDS_OK)
		l->state.totp_last_step = step;
	return rc;
}

static int
check_recovery(struct ids_login *l, const char *code)
{
	int i, rc;

	for (i = 0; i < l->state.nrecovery; i++) {
		if (ids_recovery_match(code, l->state.recovery[i]) != IDS_OK)
			continue;
		/* deleting the exact value is the single use */
		rc = ids_state_use_recovery(l->writer, l->user->dn,
		    l->state.recovery[i]);
		if (rc == IDS_OK)
			ids_log(l->log, LOG_NOTICE, "user=%s used a recovery "
			    "code (%d left)", l->user->id, l->state.nrecovery -
			    1);
		return rc == IDS_ECHANGED ? IDS_EBADCRED : rc;
	}
	return IDS_EBADCRED;
}

int
ids_login_code(struct ids_login *l, const char *code, time_t now)
{
	int64_t failures;
	int rc;

	if (l->user == NULL || !l->have_state)
		return IDS_EINVAL;
	if (ids_state_locked(&l->state, l->conf->lockout_duration, now))
		return IDS_ELOCKED;
	rc = six_digits(code) ? check_totp(l, code, now) :
	    check_recovery(l, code);
	if (rc == IDS_OK) {
		if (l->state.totp_failures != 0)
			rc = ids_state_reset(l->writer, l->user->dn,
			    "idpTotpFailures");
		return rc;
	}
	if (rc != IDS_EBADCRED)
		return rc;
	if ((rc = ids_state_count_failure(l->writer, l->user->dn,
	    "idpTotpFailures", &failures)) != IDS_OK)
		return rc;
	if (failures >= l->conf->max_totp_failures) {
		if ((rc = ids_state_lock(l->writer, l->user->dn, now,
		    "too many wrong verification codes")) != IDS_OK)
			return rc;
		l->locked_now = 1;
		ids_log(l->log, LOG_WARNING, "user=%s locked after %lld wrong "
		    "codes", l->user->id, (long long)failures);
	}
	return IDS_EBADCRED;
}
