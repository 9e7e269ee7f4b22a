/* log.h: the sink libidstore logs into; the caller owns where lines go.
 * The PAM module passes one that calls pam_syslog (authpriv), the CLI one
 * that writes "idportal: ..." to stderr.  Formats never receive a password,
 * code, seed or bind password: callers log names and outcomes only.
 * Control characters in the formatted line are replaced by '?', so a user
 * name cannot forge a second log line. */
#ifndef IDS_LOG_H
#define IDS_LOG_H

#include <stdarg.h>
#include <syslog.h>

struct ids_log {
	/* prio is a syslog priority (LOG_ERR, LOG_NOTICE, LOG_DEBUG, ...). */
	void	(*emit)(void *ctx, int prio, const char *line);
	void	*ctx;
	int	 debug;		/* emit LOG_DEBUG lines only when set */
};

/* log may be NULL (nothing is logged). */
void	ids_log(const struct ids_log *log, int prio, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
void	ids_vlog(const struct ids_log *log, int prio, const char *fmt,
	    va_list ap) __attribute__((format(printf, 3, 0)));

/* A sink for tools: "idportal: <line>" on stderr, for warnings and worse
 * (and debug lines when debug is set on the ids_log). */
void	ids_log_stderr(void *ctx, int prio, const char *line);

#endif
