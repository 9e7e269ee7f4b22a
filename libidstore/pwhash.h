/* pwhash.h: RFC 2307 "{SSHA}" values (salted SHA-1), as slapd reads them:
 * made for entries that must be created with their password in one add
 * (`idportal init`) and for seat link passwords (`idportal seat add
 * --link-password-file`), checked for legacy seat links.  Password changes
 * go through Password Modify, where the server picks its own scheme. */
#ifndef IDS_PWHASH_H
#define IDS_PWHASH_H

#include <stddef.h>

#define IDS_SSHA_LEN	47	/* "{SSHA}" + base64 of 20 + 8 bytes, + NUL */

int	ids_pwhash_ssha(const char *pw, char *out, size_t outlen);
/* IDS_OK if pw matches ssha ("{SSHA}" + base64 of SHA-1(pw || salt) ||
 * salt, any salt of 1 to 64 bytes: slappasswd's 4 and our 8), compared in
 * constant time; IDS_EBADCRED if it does not; IDS_EINVAL if ssha is not
 * such a value (NULL included); IDS_ESYS if OpenSSL failed.  Every
 * buffer that held a digest is wiped. */
int	ids_pwhash_verify(const char *pw, const char *ssha);

#endif
