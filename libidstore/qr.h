/* qr.h: a QR code as text for a terminal, two modules per character with
 * UTF-8 half blocks, dark on a light quiet zone (what authenticator apps
 * scan from a terminal). */
#ifndef IDS_QR_H
#define IDS_QR_H

/* *out: malloc'd lines joined by '\n'.  IDS_OK, IDS_ENOMEM, IDS_EINVAL
 * (text too long for a QR code).  The text may be a secret (an otpauth
 * URI): the result is wiped by ids_free_secret(). */
int	ids_qr_text(const char *text, char **out);

#endif
