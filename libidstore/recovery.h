/* recovery.h: the 10 single-use recovery codes shown once at TOTP
 * enrollment, and their hashed form stored in the directory.  Only the
 * crypto: the caller stores the hashes, and makes a use single by deleting
 * the exact matching value (the delete fails if another host got there
 * first).  Pure logic, any thread; nothing here prints a code.
 *
 * A code is 10 characters of Crockford's base32 (0-9 A-Z without I L O U:
 * 50 random bits), shown as "XXXXX-XXXXX".  Typed input is normalised
 * first: case is ignored, '-' and ' ' are dropped, and O reads as 0, I and
 * L as 1.  The stored value is OpenLDAP's pw-pbkdf2 format:
 *	{PBKDF2-SHA256}ITERATIONS$SALT$HASH
 * (salt 16 random bytes per code, HASH 32 bytes, both base64 with '.' for
 * '+' and no padding) over the normalised 10 characters. */
#ifndef IDS_RECOVERY_H
#define IDS_RECOVERY_H

#define IDS_RECOVERY_COUNT	10
#define IDS_RECOVERY_LEN	11	/* "XXXXX-XXXXX" */
#define IDS_RECOVERY_HASH_LEN	96	/* a stored value and NUL fit */

/* IDS_RECOVERY_COUNT distinct fresh codes from the OpenSSL CSPRNG, each
 * NUL-terminated.  IDS_ESYS if the RNG fails (codes then wiped).  The
 * caller wipes them once shown. */
int	ids_recovery_generate(
	    char codes[IDS_RECOVERY_COUNT][IDS_RECOVERY_LEN + 1]);
/* The value to store for code, with a fresh salt.  IDS_EINVAL if code
 * does not normalise to 10 code characters. */
int	ids_recovery_hash(const char *code, char out[IDS_RECOVERY_HASH_LEN]);
/* IDS_OK if code (as typed) is the one stored hashes; IDS_EBADCRED if
 * not (input that is no code at all included: it costs the same time);
 * IDS_EINVAL if stored is not a value of the format above (iterations
 * outside 1000..1000000 included).  Compares in constant time. */
int	ids_recovery_match(const char *code, const char *stored);

#endif
