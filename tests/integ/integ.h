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

#include <security/pam_appl.h>

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

/* --- TOTP, lockout and enrollment (test_pam_totp.c) --------------------- */

#define INTEG_TOTP_SECRET_LEN	20	/* as enrollment makes (RFC 4226) */
#define INTEG_RECOVERY_COUNT	10
#define INTEG_RECOVERY_LEN	11	/* "XXXXX-XXXXX" */

/* sh() without LD_PRELOAD (pam_wrapper, libfaketime, ASan's runtime)
 * for the command: pam_wrapper makes a /tmp/pam.? directory in every
 * process it is loaded in (a shell that execs its last command never
 * removes it), and an uninstrumented sh with ASan's runtime and
 * libfaketime preloaded hangs at start.  sh_plain_rc returns the exit
 * status instead of aborting. */
void	sh_plain(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));
int	sh_plain_rc(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));
/* add_user (without LD_PRELOAD: see sh_plain) after deleting id, with
 * its cn=state, if a run left it. */
void	replace_user(const char *id, const char *pw, const char *extra);
/* uid=<id>,ou=people,<base> and its cn=state; static storage, one each. */
const char	*user_dn(const char *id);
const char	*state_dn(const char *id);
/* The value of key in $IDPORTAL_CONF (static storage), or NULL. */
const char	*conf_value(const char *key);
/* ldapmodify as root over ldapi with this LDIF (changetype included);
 * 0 or abort. */
void	dir_modify(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));
/* The first value of attr in the entry dn, read as root over ldapi
 * (a base64 value decoded), malloc'd and NUL-terminated, its length in
 * *len (may be NULL); NULL when the entry or the attribute is missing. */
char	*dir_value(const char *dn, const char *attr, size_t *len);
/* How many values attr has in dn (0 when missing). */
int	 dir_nvalues(const char *dn, const char *attr);
/* The number in dn's attr, or -1 when missing. */
long long dir_number(const char *dn, const char *attr);
/* Give id an active authenticator without the PAM enrollment: cn=state
 * (re)made with counters and last step at 0, idpTotpState active, secret
 * sealed with the key of key_file (NULL: the run's totp_key_file) for the
 * user ID, and the hashes of fresh recovery codes (written to codes when
 * not NULL).  secret is filled with a fresh random one when fresh != 0. */
void	totp_activate(const char *id, unsigned char *secret, size_t len,
	    int fresh, const char *key_file,
	    char codes[INTEG_RECOVERY_COUNT][INTEG_RECOVERY_LEN + 1]);
/* The sealed form of secret for context id, as totp_activate stores it
 * (malloc'd, *bloblen set). */
unsigned char *totp_seal(const char *key_file, const char *id,
	    const unsigned char *secret, size_t len, size_t *bloblen);
/* Write cn=state of id with idpTotpSecret = blob (replace), as is. */
void	totp_store_blob(const char *id, const unsigned char *blob,
	    size_t bloblen);
/* The six digits of secret at time step `step` (into out, returned). */
const char *totp_code(const unsigned char *secret, size_t len,
	    long long step, char out[7]);
/* Six digits that are the code of no step within 3 of now's. */
const char *totp_wrong_code(const unsigned char *secret, size_t len,
	    char out[7]);
/* The step of now (time(NULL) / 30: under libfaketime, the faked now). */
long long totp_step_now(void);
/* Catch what goes to stderr (pam_wrapper writes the module's pam_syslog
 * lines there, all of them in between) from start to end; end returns
 * it, malloc'd, and shows it on stderr too. */
void	log_capture_start(void);
char	*log_capture_end(void);

/* A conversation that answers each echo-off prompt in turn and keeps
 * everything the module said, for tests that must read the conversation
 * (an enrollment's key) or stop in the middle of it (a race). */
#define CHAT_MAX_ANSWERS	8
#define CHAT_MAX_LINES		128
struct chat {
	const char	*answers[CHAT_MAX_ANSWERS];	/* NULL ends */
	int		 nanswered;
	char		*prompts[CHAT_MAX_ANSWERS + 1];	/* echo off */
	int		 nprompts;
	char		*info[CHAT_MAX_LINES];	/* PAM_TEXT_INFO */
	int		 ninfo;
	char		*err[CHAT_MAX_LINES];	/* PAM_ERROR_MSG */
	int		 nerr;
	/* Barrier: at the first "Verification code: " prompt, write a byte
	 * to ready_fd, then wait until go_fd reads EOF (-1: no barrier). */
	int		 ready_fd, go_fd;
	/* Enrollment: the key the module showed ("Or add this key by hand:
	 * B32"), the otpauth URI, and the code sent for CHAT_ENROLL_CODE
	 * (computed with liboath, not libidstore) and its step. */
	char		 key[128];
	char		 uri[512];
	char		 sent_code[7];
	long long	 sent_step;
};
/* Answers that stand for "the code of the key just shown, now" and for
 * six digits that are not (no step within 3 of now). */
extern const char CHAT_ENROLL_CODE[];
extern const char CHAT_ENROLL_WRONG[];
/* Answers: up to CHAT_MAX_ANSWERS - 1, NULL-terminated. */
void	chat_init(struct chat *c, ...);
void	chat_free(struct chat *c);
/* Did the module say text (a substring) as info or error? */
int	chat_said(const struct chat *c, const char *text);
/* The pam_conv function; appdata_ptr is a struct chat. */
int	chat_conv(int n, const struct pam_message **msg,
	    struct pam_response **resp, void *appdata_ptr);
/* pam_authenticate of user through service (libpamtest, own handle);
 * returns its PAM code.  With acct_rc not NULL and auth a success,
 * pam_acct_mgmt too, in the same handle, its code in *acct_rc. */
int	pam_login(const char *service, const char *user, struct chat *c,
	    int *acct_rc);
/* Fail the test unless got == want, naming both codes. */
#define assert_pam(got, want)	assert_pam_at((got), (want), __FILE__, \
	    __LINE__)
void	assert_pam_at(int got, int want, const char *file, int line);

/* The clock of the module, moved with libfaketime (never by sleeping).
 * faketime_preload() belongs in the write_services callback of
 * services_then_reexec: the test runs again with libfaketime preloaded
 * (FAKETIME_NO_CACHE, so a setenv moves the clock at once; monotonic
 * clocks left alone).  Then clock_faked() says whether it took,
 * clock_forward() moves time(NULL) on by seconds, and clock_at_second()
 * moves it on to the next instant that is `second` seconds into a 30 s
 * TOTP step (so a test has 30 - second seconds before the step changes).
 * The clock only goes forward: lock times and last steps stay in the
 * past. */
void	faketime_preload(void);
int	clock_faked(void);
void	clock_forward(long seconds);
void	clock_at_second(int second);

#endif
