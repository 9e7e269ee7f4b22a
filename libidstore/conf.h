/* conf.h: /etc/idportal/idportal.conf, one parser for the PAM module, the
 * CLI and `idportal sync`.  `key = value` lines, `#` comments; every key
 * lives in one table (conf.c) with its parser and default.  Errors name
 * "file:line: key: why".  A loaded ids_conf is read-only and may be shared
 * between threads. */
#ifndef IDS_CONF_H
#define IDS_CONF_H

#include <stddef.h>

#define IDS_CONF_DEFAULT_PATH	"/etc/idportal/idportal.conf"

enum ids_tls {
	IDS_TLS_STARTTLS, IDS_TLS_LDAPS, IDS_TLS_NONE,
};
enum ids_require_totp {
	IDS_REQUIRE_TOTP_ENROLLED, IDS_REQUIRE_TOTP_ALL,
	IDS_REQUIRE_TOTP_GROUP,
};
enum ids_seat_required {
	IDS_SEAT_CORPORATE, IDS_SEAT_ALL, IDS_SEAT_NONE,
};

struct ids_conf {
	char	 *path;			/* the file this came from */
	char	**uri;			/* NULL-terminated, tried in order */
	char	**write_uri;		/* NULL-terminated; default: uri */
	char	 *base;
	char	 *bind_dn;		/* NULL: anonymous / SASL EXTERNAL */
	char	 *bind_pw_file;
	int	  tls;			/* enum ids_tls */
	char	 *tls_ca_file;
	long	  timeout;		/* seconds, per network operation */
	char	 *timezone;
	long	  temp_password_length;
	long	  max_password_failures;
	long	  max_totp_failures;
	long	  lockout_duration;	/* seconds; 0: until an admin unlocks */
	long	  totp_window;
	char	 *totp_key_file;
	int	  require_totp;		/* enum ids_require_totp */
	char	 *require_totp_group;	/* for IDS_REQUIRE_TOTP_GROUP */
	int	  seat_required;	/* enum ids_seat_required */
	char	**allow_groups;		/* NULL-terminated, may be empty */
	char	 *cache_file;
	char	**mail_command;		/* argv, run without a shell */
	char	 *mail_from;
	long	  invite_validity;	/* seconds */
	int	  allow_signup;
	long	  signup_validity;	/* seconds */
	long	  reset_interval;	/* seconds */
};

/* Load path; NULL means $IDPORTAL_CONF (ignored in setuid programs) or
 * the default path.  On error returns IDS_ECONF (or IDS_ENOMEM) with
 * "file:line: key: why" in err, and *out NULL. */
int	ids_conf_load(const char *path, struct ids_conf **out, char *err,
	    size_t errlen);
/* The same, with flags:
 * IDS_CONF_SECRETS_UNCHECKED	do not refuse a secret file (bind_pw_file,
 *				totp_key_file) for its owner or mode: for
 *				`idportal check`, which reports them itself.
 *				Reading one still checks it (secret.h). */
#define IDS_CONF_SECRETS_UNCHECKED	1
int	ids_conf_load_flags(const char *path, int flags,
	    struct ids_conf **out, char *err, size_t errlen);
/* conf may be NULL. */
void	ids_conf_free(struct ids_conf *conf);
/* Which file ids_conf_load(NULL, ...) would read. */
const char *ids_conf_default_path(void);

/* The i-th key the parser knows, NULL past the last (for docs checks). */
const char *ids_conf_key(size_t i);

#endif
