/* state.h: the per-login state entry cn=state,<user DN> (SPEC §2): the
 * counters, lock and last login.  Never on the user entry, which every host
 * syncs.  Written through a writer session (`write_uri`). */
#ifndef IDS_STATE_H
#define IDS_STATE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "dir.h"

#define IDS_RECOVERY_MAX	16

/* What cn=state holds, as read in one search. */
struct ids_state {
	int64_t		 password_failures;
	int64_t		 totp_failures;
	uint64_t	 totp_last_step;
	time_t		 lock_time;		/* 0: not locked */
	char		 lock_reason[128];
	char		 totp_state[16];	/* none | pending | active */
	unsigned char	*totp_secret;		/* sealed blob, or NULL */
	size_t		 totp_secret_len;
	char		*recovery[IDS_RECOVERY_MAX];	/* hashed codes */
	int		 nrecovery;
};

/* Read cn=state of user_dn (missing: made first, counters at 0).
 * Release with ids_state_clear(). */
int	ids_state_read(struct ids_dir *dir, const char *user_dn,
	    struct ids_state *st);
void	ids_state_clear(struct ids_state *st);
/* Is the account locked at now?  lockout_duration 0: until unlocked. */
int	ids_state_locked(const struct ids_state *st, long lockout_duration,
	    time_t now);

/* Apply m (built with mods.h) to cn=state under user_dn. */
struct ids_mods;
int	ids_state_modify(struct ids_dir *dir, const char *user_dn,
	    struct ids_mods *m);
/* Count one failure of attr (idpPasswordFailures or idpTotpFailures) with
 * Modify-Increment; *after is the count including this one, read in the
 * same operation (pre-read + 1). */
int	ids_state_count_failure(struct ids_dir *dir, const char *user_dn,
	    const char *attr, int64_t *after);
/* Set attr back to 0. */
int	ids_state_reset(struct ids_dir *dir, const char *user_dn,
	    const char *attr);
/* Lock: lock time now and reason. */
int	ids_state_lock(struct ids_dir *dir, const char *user_dn, time_t now,
	    const char *reason);
/* Unlock: no lock time or reason, both counters 0. */
int	ids_state_unlock(struct ids_dir *dir, const char *user_dn);
/* Move idpTotpLastStep from old to new in one modify (delete the old
 * value, add the new), asserting the entry has no lock time (RFC 4528):
 * if another host moved the step first, or locked the account since it
 * was read, this returns IDS_ECHANGED: the code does not count. */
int	ids_state_swap_step(struct ids_dir *dir, const char *user_dn,
	    uint64_t old, uint64_t new);
/* Use up one recovery code: delete exactly the stored hash value, while
 * unlocked; a second use (here or on another host) finds it gone, and a
 * lock set meanwhile stops it: IDS_ECHANGED. */
int	ids_state_use_recovery(struct ids_dir *dir, const char *user_dn,
	    const char *stored);

/* Take the self-service password reset of now (SPEC §3 forgot-password:
 * one per user per interval): IDS_OK and idpLastResetTime = now, or
 * IDS_ECHANGED if one was taken less than interval seconds ago. */
int	ids_state_take_reset(struct ids_dir *dir, const char *user_dn,
	    time_t now, long interval);
/* Undo the reset taken at now, when the reset itself then failed. */
int	ids_state_give_back_reset(struct ids_dir *dir, const char *user_dn,
	    time_t now);

/* Make cn=state under user_dn with counters at 0 (slapd cannot increment
 * an absent attribute); an existing one is kept as it is.  *created (may
 * be NULL) says whether it was made now. */
int	ids_state_ensure(struct ids_dir *dir, const char *user_dn,
	    int *created);
/* Put the password-failure counter back to 0, making the entry when
 * missing if this identity may (org admins may not: then nothing). */
int	ids_state_reset_password_failures(struct ids_dir *dir,
	    const char *user_dn);

#endif
