/* totp.h: RFC 6238 time-based one-time codes (HMAC from liboath), new
 * secrets, and the base32 / otpauth:// forms authenticator apps read.
 * Pure logic: no I/O, no clock (time comes in as an argument), no log;
 * every function may be called from any thread.  Nothing here prints a
 * secret or a code; buffers that held one are wiped before they go. */
#ifndef IDS_TOTP_H
#define IDS_TOTP_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define IDS_TOTP_STEP		30	/* seconds, counted from 1970 */
#define IDS_TOTP_DIGITS		6
#define IDS_TOTP_SECRET_LEN	20	/* bytes, as RFC 4226 recommends */
#define IDS_TOTP_MAX_WINDOW	10	/* steps either side of now */

/* Check code (6 digits) for secret at now, accepting steps within
 * +-window of now's step, but only steps > last_step (replay: a step once
 * accepted is never accepted again).  IDS_OK and *step = the matching
 * step (the caller then moves the directory's last step there with a
 * compare-and-swap); IDS_EBADCRED when no step matches (a replayed code
 * included); IDS_EINVAL for a code that is not 6 ASCII digits, now < 0,
 * or window outside 0..IDS_TOTP_MAX_WINDOW.  Every step of the window is
 * computed and compared in constant time, whatever matched; when the
 * same digits fit two steps, the later one is returned, so the digits are
 * spent for the whole window.  *step is 0 unless IDS_OK. */
int	ids_totp_verify(const unsigned char *secret, size_t len,
	    const char *code, time_t now, int window, uint64_t last_step,
	    uint64_t *step);

/* The code for secret at step (tests, enrollment confirmation): six
 * digits and a NUL into out.  IDS_EINVAL for an empty secret or a step
 * whose start does not fit a time_t. */
int	ids_totp_code(const unsigned char *secret, size_t len, uint64_t step,
	    char out[IDS_TOTP_DIGITS + 1]);

/* The HMAC of RFC 6238 Appendix B; only SHA-1 is what the apps use. */
enum ids_totp_alg {
	IDS_TOTP_SHA1,
	IDS_TOTP_SHA256,
	IDS_TOTP_SHA512,
};
/* ids_totp_code with digits 6, 7 or 8 (what liboath supports, else
 * IDS_EINVAL) and another HMAC; out holds digits + 1 bytes. */
int	ids_totp_code_ex(const unsigned char *secret, size_t len,
	    uint64_t step, unsigned digits, enum ids_totp_alg alg, char *out);

/* A new IDS_TOTP_SECRET_LEN-byte secret from the OpenSSL CSPRNG;
 * IDS_ESYS if the RNG fails. */
int	ids_totp_new_secret(unsigned char out[IDS_TOTP_SECRET_LEN]);

/* RFC 4648 base32 without padding (what authenticator apps show) and the
 * otpauth:// URI: otpauth://totp/ISSUER:ID?secret=B32&issuer=ISSUER&
 * algorithm=SHA1&digits=6&period=30, issuer "idportal" when NULL, ISSUER
 * and ID percent-encoded (all but A-Z a-z 0-9 - . _ ~).  Each is malloc'd
 * and holds the secret: release with ids_free_secret().  IDS_EINVAL for
 * an empty secret, ID or issuer. */
int	ids_totp_base32(const unsigned char *secret, size_t len, char **out);
int	ids_totp_uri(const unsigned char *secret, size_t len,
	    const char *issuer, const char *id, char **out);

#endif
