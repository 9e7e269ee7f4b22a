/* log.c: format one line, neutralise control characters, hand it over. */
#include "log.h"

#include <stdio.h>

void
ids_vlog(const struct ids_log *log, int prio, const char *fmt, va_list ap)
{
	char line[512];
	unsigned char *p;

	if (log == NULL || log->emit == NULL ||
	    (prio == LOG_DEBUG && !log->debug))
		return;
	vsnprintf(line, sizeof(line), fmt, ap);
	for (p = (unsigned char *)line; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f)
			*p = '?';
	log->emit(log->ctx, prio, line);
}

void
ids_log(const struct ids_log *log, int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ids_vlog(log, prio, fmt, ap);
	va_end(ap);
}

void
ids_log_stderr(void *ctx, int prio, const char *line)
{
	(void)ctx;
	/* A command's errors are its own one-line message; the library's
	 * notes (failover, ...) would only add lines. */
	if (prio <= LOG_WARNING || prio == LOG_DEBUG)
		fprintf(stderr, "idportal: %s\n", line);
}
