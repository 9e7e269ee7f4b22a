/* cmd_sync.c: `idportal sync --once [--page-size N]`: read the directory's
 * users and groups as this host's service account and write the NSS cache
 * (`cache_file`) in one atomic step.  A refresh that fails anywhere leaves
 * the cache as it was.
 *
 * `idportal sync --daemon [--interval S]` follows the directory with RFC
 * 4533 refreshAndPersist (syncrepl.h): one search for users and groups,
 * the cache written when the refresh is complete and then after changes
 * (at most every 200 ms, within 200 ms of a change).  With each write the
 * entries and the cookie go to `<cache_file>.sync` (syncset_state.c), from
 * which a restarted daemon resumes.  A lost connection: reconnect after
 * 1 s, doubling to 60 s, the cache left as it is meanwhile.  A server
 * without the sync control: a full --once refresh every --interval
 * seconds (300).  SIGTERM / SIGINT: clean exit. */
#include <sys/stat.h>

#include <errno.h>
#include <signal.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cache.h"
#include "cli.h"
#include "dir.h"
#include "dir_paged.h"
#include "rc.h"
#include "syncrepl.h"
#include "syncset.h"

#define USAGE	"usage: idportal sync --once|--daemon [--page-size N] " \
		"[--interval S]"

static int
put_entry(void *arg, LDAP *ld, LDAPMessage *e)
{
	return ids_syncset_put(arg, ld, e);
}

/* The NSS module reads IDS_CACHE_DEFAULT_PATH (or $IDPORTAL_CACHE): say
 * so when the config sends the cache elsewhere. */
static void
warn_path(const char *path)
{
	const char *nss = secure_getenv(IDS_CACHE_ENV);

	if (nss == NULL || *nss == '\0')
		nss = IDS_CACHE_DEFAULT_PATH;
	if (strcmp(path, nss) != 0)
		fprintf(stderr, "idportal: warning: cache_file is %s, but "
		    "libnss_idportal reads %s\n", path, nss);
}

/* The cache's directory, made 0755 if it is missing (one level). */
static int
ensure_dir(const char *path)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');

	if (slash == NULL || slash == path ||
	    (size_t)(slash - path) >= sizeof(dir))
		return EXIT_OK;
	memcpy(dir, path, (size_t)(slash - path));
	dir[slash - path] = '\0';
	if (mkdir(dir, 0755) == -1 && errno != EEXIST)
		return fail(EXIT_ERROR, "cannot create %s: %s", dir,
		    strerror(errno));
	return EXIT_OK;
}

/* dlog: the daemon's log, for its periodic refresh (no stdout then). */
static int
refresh(struct cli *cli, const struct ids_conf *conf, int pagesize,
    const struct ids_log *dlog)
{
	struct ids_dir *dir = NULL;
	struct ids_syncset *set = NULL;
	struct ids_syncset_stats st;
	char err[1024];
	int rc, code;

	if ((rc = ids_syncset_new(conf->base, &cli->log, &set)) != IDS_OK) {
		code = fail(rc_to_exit(rc), "base %s: %s", conf->base,
		    ids_strerror(rc));
		goto out;
	}
	if ((rc = ids_dir_open(conf, &cli->log, IDS_DIR_READER, &dir)) !=
	    IDS_OK) {
		code = fail(rc_to_exit(rc), "%s", ids_strerror(rc));
		goto out;
	}
	/* Users, then groups: one paged search each. */
	if ((rc = ids_dir_search_paged(dir, conf->base,
	    IDS_SYNCSET_USER_FILTER, ids_syncset_user_attrs, pagesize,
	    put_entry, set, err, sizeof(err))) != IDS_OK ||
	    (rc = ids_dir_search_paged(dir, conf->base,
	    IDS_SYNCSET_GROUP_FILTER, ids_syncset_group_attrs, pagesize,
	    put_entry, set, err, sizeof(err))) != IDS_OK) {
		code = fail(rc_to_exit(rc), "reading the directory: %s; the "
		    "cache was not changed", err);
		goto out;
	}
	if ((code = ensure_dir(conf->cache_file)) != EXIT_OK)
		goto out;
	if ((rc = ids_syncset_write(set, conf->cache_file, time(NULL), &st,
	    err, sizeof(err))) != IDS_OK) {
		code = fail(EXIT_ERROR, "writing the cache: %s", err);
		goto out;
	}
	code = EXIT_OK;
	if (dlog != NULL) {
		ids_log(dlog, LOG_INFO, "full refresh: %zu users, %zu groups "
		    "(%zu entries left out)", st.users, st.groups, st.skipped);
		goto out;
	}
	warn_path(conf->cache_file);
	if (cli->json) {
		printf("{\"cache_file\":");
		json_str(stdout, conf->cache_file);
		printf(",\"users\":%zu,\"groups\":%zu,\"skipped\":%zu}\n",
		    st.users, st.groups, st.skipped);
	} else
		printf("%s: %zu users, %zu groups (%zu entries left out)\n",
		    conf->cache_file, st.users, st.groups, st.skipped);
out:
	ids_dir_close(dir);
	ids_syncset_free(set);
	return code;
}

/* --- sync --daemon --- */

#define DEBOUNCE_MS	200
#define BACKOFF_MIN	1
#define BACKOFF_MAX	60

static volatile sig_atomic_t stopping;

static void
on_stop(int sig)
{
	(void)sig;
	stopping = 1;
}

/* Daemon lines: everything to LOG_INFO, with the time, on stderr. */
static void
daemon_emit(void *ctx, int prio, const char *line)
{
	struct timespec ts;
	struct tm tm;
	char when[32];

	(void)ctx;
	if (prio > LOG_INFO && prio != LOG_DEBUG)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	fprintf(stderr, "%s.%03ldZ idportal sync: %s\n", when,
	    ts.tv_nsec / 1000000, line);
}

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Sleep s seconds, or less if asked to stop. */
static void
nap(int s)
{
	long long until = now_ms() + (long long)s * 1000;
	struct timespec tenth = { 0, 100 * 1000 * 1000 };

	while (!stopping && now_ms() < until)
		nanosleep(&tenth, NULL);
}

struct daemon {
	struct cli		*cli;
	const struct ids_conf	*conf;
	struct ids_log		 log;
	char			 state[PATH_MAX];
	int			 full;	/* ignore the saved state once */
};

/* How a session ended. */
enum { S_STOP, S_RETRY, S_AGAIN, S_NOSYNC, S_FATAL };

/* The cache, then the state with the cookie (a crash in between replays
 * what the cache already has: harmless). */
static int
flush(struct daemon *d, struct ids_syncrepl *s)
{
	struct ids_syncset_stats st;
	char err[1024];

	if (ensure_dir(d->conf->cache_file) != EXIT_OK)
		return -1;
	if (ids_syncset_write(s->set, d->conf->cache_file, time(NULL), &st,
	    err, sizeof(err)) != IDS_OK) {
		ids_log(&d->log, LOG_ERR, "writing the cache: %s", err);
		return -1;
	}
	if (ids_syncset_save(s->set, d->state, &s->cookie, err,
	    sizeof(err)) != IDS_OK)
		ids_log(&d->log, LOG_WARNING, "saving the sync state: %s",
		    err);
	ids_log(&d->log, LOG_INFO, "cache written: %zu users, %zu groups "
	    "(%zu changes)", st.users, st.groups, s->changes);
	s->changes = 0;
	return 0;
}

static int
keep_none(void *arg, const char *key)
{
	(void)arg;
	(void)key;
	return 0;
}

/* Start from the saved state if there is one: *s gets the set and the
 * cookie.  Returns 1 if resumed. */
static int
resume(struct daemon *d, struct ids_syncset *set, struct berval *cookie)
{
	int rc;

	if (d->full) {
		d->full = 0;
		return 0;
	}
	rc = ids_syncset_load(set, d->state, cookie);
	if (rc == IDS_OK && cookie->bv_len > 0)
		return 1;
	/* No cookie: start empty, a full refresh may end in delete mode
	 * and would then leave what it did not name. */
	ids_syncset_retain(set, keep_none, NULL);
	if (rc != IDS_OK && rc != IDS_ENOTFOUND)
		ids_log(&d->log, LOG_WARNING, "%s: %s; reading everything "
		    "again", d->state, ids_strerror(rc));
	return 0;
}

/* Read messages until the search ends or the connection goes.  After the
 * refresh, a change is written at once if the last write is 200 ms old,
 * else when it is: at most five writes a second, none later than 200 ms
 * after its change. */
static int
follow(struct daemon *d, struct ids_syncrepl *s, LDAP *ld, int msgid,
    int resumed, int *refreshed)
{
	LDAPMessage *msg;
	long long last = 0, left;
	struct timeval tv;
	char err[1024];
	int r, rc, what, code;

	for (;;) {
		if (stopping)
			return S_STOP;
		if (*refreshed && s->changes > 0) {
			if ((left = last + DEBOUNCE_MS - now_ms()) <= 0) {
				flush(d, s);	/* failed: tried again at the
						   next change */
				last = now_ms();
				left = 1000;
			}
		} else
			left = 1000;
		tv.tv_sec = left / 1000;
		tv.tv_usec = (left % 1000) * 1000;
		msg = NULL;
		r = ldap_result(ld, msgid, LDAP_MSG_ONE, &tv, &msg);
		if (r < 0) {
			ids_log(&d->log, LOG_WARNING, "connection lost: %s",
			    ldap_err2string(LDAP_SERVER_DOWN));
			return S_RETRY;
		}
		if (r == 0)
			continue;
		rc = ids_syncrepl_message(s, ld, msg, &what, &code, err,
		    sizeof(err));
		ldap_msgfree(msg);
		if (rc != IDS_OK) {
			ids_log(&d->log, LOG_ERR, "sync: %s",
			    rc == IDS_ENOMEM ? ids_strerror(rc) : err);
			return S_RETRY;
		}
		if (what == IDS_SYNCREPL_END) {
			if (code == IDS_SYNC_REFRESH_REQUIRED) {
				ids_log(&d->log, LOG_NOTICE, "the server wants "
				    "a full refresh (e-syncRefreshRequired)");
				d->full = 1;
				return S_AGAIN;
			}
			if (code == LDAP_UNAVAILABLE_CRITICAL_EXTENSION ||
			    code == LDAP_UNWILLING_TO_PERFORM) {
				ids_log(&d->log, LOG_WARNING, "no content sync "
				    "on the server: %s", err);
				return S_NOSYNC;
			}
			if (code != LDAP_SUCCESS)
				ids_log(&d->log, LOG_WARNING, "sync search "
				    "ended: %s", err);
			else if (s->refresh_done && s->changes > 0)
				flush(d, s);
			return S_RETRY;
		}
		if (s->refresh_done && !*refreshed) {
			/* Only now: a partial refresh never reaches the
			 * cache. */
			*refreshed = 1;
			ids_log(&d->log, LOG_INFO, "refresh done (%s): %zu "
			    "changes, %zu entries", resumed ? "resumed from "
			    "the saved cookie" : "full", s->changes,
			    ids_syncset_count(s->set));
			if (flush(d, s) != 0)
				return S_RETRY;
			last = now_ms();
		}
	}
}

/* One connection: refresh, then persist, until something ends it. */
static int
session(struct daemon *d, int *refreshed)
{
	struct ids_dir *dir = NULL;
	struct ids_syncset *set = NULL;
	struct ids_syncrepl s;
	struct berval cookie = { 0, NULL };
	LDAPControl *ctrl = NULL, *sctrls[2] = { NULL, NULL };
	int rc, lrc, msgid, resumed, out = S_RETRY;

	*refreshed = 0;
	memset(&s, 0, sizeof(s));
	if ((rc = ids_syncset_new(d->conf->base, &d->log, &set)) != IDS_OK) {
		ids_log(&d->log, LOG_ERR, "base %s: %s", d->conf->base,
		    ids_strerror(rc));
		return S_FATAL;
	}
	resumed = resume(d, set, &cookie);
	if ((rc = ids_syncrepl_init(&s, set, &d->log, &cookie)) != IDS_OK)
		goto out;
	if ((rc = ids_dir_open(d->conf, &d->log, IDS_DIR_READER, &dir)) !=
	    IDS_OK)
		goto out;
	if ((rc = ids_dir_connect(dir)) != IDS_OK) {
		ids_log(&d->log, LOG_WARNING, "cannot connect: %s",
		    ids_dir_error(dir));
		goto out;
	}
	ids_log(&d->log, LOG_INFO, "connected to %s; %s", ids_dir_uri(dir),
	    resumed ? "resuming from the saved cookie" : "full refresh");
	if ((lrc = ids_syncrepl_control(&s, IDS_SYNC_REFRESH_AND_PERSIST,
	    &ctrl)) != LDAP_SUCCESS) {
		ids_log(&d->log, LOG_ERR, "sync control: %s",
		    ldap_err2string(lrc));
		goto out;
	}
	sctrls[0] = ctrl;
	if ((lrc = ldap_search_ext(ids_dir_ld(dir), d->conf->base,
	    LDAP_SCOPE_SUBTREE, IDS_SYNCREPL_FILTER, ids_syncrepl_attrs, 0,
	    sctrls, NULL, NULL, 0, &msgid)) != LDAP_SUCCESS) {
		ids_log(&d->log, LOG_WARNING, "sync search: %s",
		    ldap_err2string(lrc));
		goto out;
	}
	out = follow(d, &s, ids_dir_ld(dir), msgid, resumed, refreshed);
	if (out == S_STOP)
		ldap_abandon_ext(ids_dir_ld(dir), msgid, NULL, NULL);
out:
	ldap_control_free(ctrl);
	ids_dir_close(dir);
	ids_syncrepl_reset(&s);
	ids_syncset_free(set);
	free(cookie.bv_val);
	return out;
}

static int
sync_daemon(struct cli *cli, const struct ids_conf *conf, int pagesize,
    int interval)
{
	struct sigaction sa;
	struct daemon d;
	int backoff = BACKOFF_MIN, refreshed, r;

	memset(&d, 0, sizeof(d));
	d.cli = cli;
	d.conf = conf;
	d.log.emit = daemon_emit;
	d.log.debug = cli->log.debug;
	if ((size_t)snprintf(d.state, sizeof(d.state), "%s.sync",
	    conf->cache_file) >= sizeof(d.state))
		return fail(EXIT_ERROR, "cache_file: name too long");
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	warn_path(conf->cache_file);
	ids_log(&d.log, LOG_INFO, "started; cache %s, state %s",
	    conf->cache_file, d.state);
	while (!stopping) {
		r = session(&d, &refreshed);
		if (r == S_FATAL)
			return EXIT_ERROR;
		if (r == S_STOP)
			break;
		if (r == S_AGAIN) {
			backoff = BACKOFF_MIN;
			continue;
		}
		if (r == S_NOSYNC) {
			ids_log(&d.log, LOG_NOTICE, "falling back to a full "
			    "refresh every %d s", interval);
			while (!stopping) {
				if (refresh(cli, conf, pagesize, &d.log) !=
				    EXIT_OK)
					ids_log(&d.log, LOG_WARNING, "refresh "
					    "failed; the cache was kept");
				nap(interval);
			}
			break;
		}
		/* 1 s after a session that got through its refresh, then
		 * doubling to 60 s. */
		if (refreshed)
			backoff = BACKOFF_MIN;
		ids_log(&d.log, LOG_INFO, "reconnecting in %d s", backoff);
		nap(backoff);
		if ((backoff *= 2) > BACKOFF_MAX)
			backoff = BACKOFF_MAX;
	}
	ids_log(&d.log, LOG_INFO, "stopped");
	return EXIT_OK;
}

int
cmd_sync(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "once", no_argument, NULL, 'o' },
		{ "daemon", no_argument, NULL, 'd' },
		{ "page-size", required_argument, NULL, 'p' },
		{ "interval", required_argument, NULL, 'i' },
		{ NULL, 0, NULL, 0 },
	};
	struct ids_conf *conf = NULL;
	char *end;
	long pagesize = IDS_DIR_PAGE_SIZE, interval = 300;
	int c, once = 0, daemon = 0, code;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'o': once = 1; break;
		case 'd': daemon = 1; break;
		case 'p':
			errno = 0;
			pagesize = strtol(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || pagesize < 1 ||
			    pagesize > 100000)
				return fail(EXIT_USAGE, "--page-size: want a "
				    "number from 1 to 100000");
			break;
		case 'i':
			errno = 0;
			interval = strtol(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || interval < 1 ||
			    interval > 86400)
				return fail(EXIT_USAGE, "--interval: want "
				    "seconds from 1 to 86400");
			break;
		default: return fail(EXIT_USAGE, USAGE);
		}
	}
	if (optind != argc || once + daemon != 1)
		return fail(EXIT_USAGE, USAGE);
	if ((code = cli_conf(cli, &conf)) == EXIT_OK)
		code = daemon ? sync_daemon(cli, conf, (int)pagesize,
		    (int)interval) : refresh(cli, conf, (int)pagesize,
		    NULL);
	ids_conf_free(conf);
	return code;
}
