/* enroll.h: setting up an authenticator (SPEC §3): a new secret shown as a
 * QR code / otpauth URI / base32, confirmed with one code, then stored
 * sealed with TOTP active and 10 recovery codes (stored hashed, shown
 * once).  Used by the PAM module at login and by `idportal totp enroll`. */
#ifndef IDS_ENROLL_H
#define IDS_ENROLL_H

#include <time.h>

#include "login.h"
#include "recovery.h"
#include "totp.h"

struct ids_enrollment {
	unsigned char	 secret[IDS_TOTP_SECRET_LEN];
	char		*base32;	/* what to type into the app */
	char		*uri;		/* otpauth://... */
	char		*qr;		/* the URI as terminal text */
	char		 codes[IDS_RECOVERY_COUNT][IDS_RECOVERY_LEN + 1];
};

/* A fresh secret for user id.  Clear with ids_enroll_clear() (wipes). */
int	ids_enroll_begin(const char *id, struct ids_enrollment *e);
void	ids_enroll_clear(struct ids_enrollment *e);
/* Check code against the new secret at now (IDS_EBADCRED if wrong), then
 * store on the writer: sealed secret, state active, last step = the
 * code's step, recovery codes (e->codes is filled, to show once).
 * dir: the writer session; user_dn / id: whose. */
int	ids_enroll_finish(struct ids_dir *dir, const struct ids_conf *conf,
	    const char *user_dn, const char *id, struct ids_enrollment *e,
	    const char *code, time_t now);
/* Set the TOTP state to state ("pending" for `totp enable` / `reset`,
 * dropping the secret, last step back to 0, recovery codes gone). */
int	ids_enroll_set_pending(struct ids_dir *dir, const char *user_dn);

#endif
