/* mail.h: sending one plain-text message through `mail_command` (argv,
 * run without a shell; the message on its standard input, sendmail -t
 * style).  Header values are refused if they could inject a header. */
#ifndef IDS_MAIL_H
#define IDS_MAIL_H

#include "conf.h"

/* IDS_OK, IDS_EINVAL (an address or subject with a line break or no '@'),
 * IDS_ESYS (the command could not run or exited non-zero; err says). */
int	ids_mail_send(const struct ids_conf *conf, const char *to,
	    const char *subject, const char *body, char *err, size_t errlen);

#endif
