/* pwhash.h: an RFC 2307 "{SSHA}" userPassword value, for entries that must
 * be created with their password in one add (`idportal init`): slapd
 * verifies it natively.  Password changes go through Password Modify,
 * where the server picks its own scheme. */
#ifndef IDS_PWHASH_H
#define IDS_PWHASH_H

#include <stddef.h>

#define IDS_SSHA_LEN	47	/* "{SSHA}" + base64 of 20 + 8 bytes, + NUL */

int	ids_pwhash_ssha(const char *pw, char *out, size_t outlen);

#endif
