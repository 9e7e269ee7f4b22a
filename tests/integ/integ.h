/* integ.h: shared fixtures of the integration tests.  They run against the
 * throwaway directory of tests/slapd-env (its variables in the environment)
 * and load the built module through pam_wrapper (PAM_WRAPPER_SERVICE_DIR). */
#ifndef IDS_INTEG_H
#define IDS_INTEG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A variable slapd-env or tests/run-tests must have set; aborts if not. */
const char	*need_env(const char *name);
/* Write PAM_WRAPPER_SERVICE_DIR/<service> with one "auth"/"account" line
 * per entry of lines (NULL-terminated); "@MODULE@" is the built module,
 * "@SET_ITEMS@" pam_wrapper's pam_set_items.so ($IDS_PAM_SET_ITEMS). */
void	write_service(const char *service, const char *const *lines);
/* Copy $IDPORTAL_CONF to IDS_ENV_DIR/<name>.conf (0600) with the given
 * "key = value" lines replacing those keys; returns the new path
 * (static storage, one per name). */
const char *write_conf(const char *name, const char *const *overrides);
/* pam_wrapper reads PAM_WRAPPER_SERVICE_DIR when the program starts, so
 * a test writes its service files, then runs itself again (once).  Sockets
 * made by write_services (blackhole_port) live on across the exec. */
void	services_then_reexec(char **argv, void (*write_services)(void));
/* Run a shell command (fixtures: ldapadd over ldapi as root); 0 or abort. */
void	sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Add a user under ou=people with password pw (Password Modify as the
 * manager); extra is more LDIF lines or "". */
void	add_user(const char *id, const char *pw, const char *extra);
/* Monotonic seconds. */
double	now_s(void);
/* A loopback TCP port that accepts connections and never answers
 * (listening socket, never accept()ed); closed with the process. */
int	blackhole_port(void);
/* A loopback port with nothing listening. */
int	closed_port(void);

#endif
