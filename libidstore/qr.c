/* qr.c: libqrencode's modules drawn with U+2580/U+2584/U+2588. */
#include "qr.h"
#include "rc.h"
#include "secret.h"

#include <stdlib.h>
#include <string.h>

#include <qrencode.h>

#define QUIET	2	/* light modules around the symbol */

/* Is module (x, y) dark?  Outside the symbol is the light quiet zone. */
static int
dark(const QRcode *qr, int x, int y)
{
	if (x < 0 || y < 0 || x >= qr->width || y >= qr->width)
		return 0;
	return qr->data[y * qr->width + x] & 1;
}

int
ids_qr_text(const char *text, char **out)
{
	/* Terminal text is light on dark more often than not, so a "dark"
	 * module is drawn as a space and a light one as a block. */
	static const char *cell[4] = { "\xe2\x96\x88", "\xe2\x96\x84",
	    "\xe2\x96\x80", " " };	/* index: top dark * 2 + bottom dark */
	QRcode *qr;
	size_t cap, len = 0;
	char *buf;
	int x, y, side;

	*out = NULL;
	if ((qr = QRcode_encodeString(text, 0, QR_ECLEVEL_L, QR_MODE_8, 1)) ==
	    NULL)
		return IDS_EINVAL;
	side = qr->width + 2 * QUIET;
	/* at most 3 bytes a cell, a newline a row */
	cap = (size_t)(side * 3 + 1) * (size_t)((side + 1) / 2) + 1;
	if ((buf = malloc(cap)) == NULL) {
		QRcode_free(qr);
		return IDS_ENOMEM;
	}
	for (y = -QUIET; y < qr->width + QUIET; y += 2) {
		for (x = -QUIET; x < qr->width + QUIET; x++) {
			const char *c = cell[dark(qr, x, y) * 2 +
			    dark(qr, x, y + 1)];

			memcpy(buf + len, c, strlen(c));
			len += strlen(c);
		}
		buf[len++] = '\n';
	}
	buf[len > 0 ? len - 1 : 0] = '\0';
	/* the symbol encodes the secret: wipe libqrencode's copy */
	ids_wipe(qr->data, (size_t)qr->width * (size_t)qr->width);
	QRcode_free(qr);
	*out = buf;
	return IDS_OK;
}
