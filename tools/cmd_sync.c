/* cmd_sync.c: `idportal sync --once [--page-size N]`: read the directory's
 * users and groups as this host's service account and write the NSS cache
 * (`cache_file`) in one atomic step.  A refresh that fails anywhere leaves
 * the cache as it was.  (`--daemon`, following the directory with RFC 4533,
 * comes later.) */
#include <sys/stat.h>

#include <errno.h>
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
#include "syncset.h"

#define USAGE	"usage: idportal sync --once [--page-size N]"

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

static int
refresh(struct cli *cli, const struct ids_conf *conf, int pagesize)
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
	warn_path(conf->cache_file);
	if (cli->json) {
		printf("{\"cache_file\":");
		json_str(stdout, conf->cache_file);
		printf(",\"users\":%zu,\"groups\":%zu,\"skipped\":%zu}\n",
		    st.users, st.groups, st.skipped);
	} else
		printf("%s: %zu users, %zu groups (%zu entries left out)\n",
		    conf->cache_file, st.users, st.groups, st.skipped);
	code = EXIT_OK;
out:
	ids_dir_close(dir);
	ids_syncset_free(set);
	return code;
}

int
cmd_sync(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "once", no_argument, NULL, 'o' },
		{ "daemon", no_argument, NULL, 'd' },
		{ "page-size", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	struct ids_conf *conf = NULL;
	char *end;
	long pagesize = IDS_DIR_PAGE_SIZE;
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
		default: return fail(EXIT_USAGE, USAGE);
		}
	}
	if (optind != argc || once + daemon != 1)
		return fail(EXIT_USAGE, USAGE);
	if (daemon)
		return fail(EXIT_ERROR, "sync --daemon is not available yet; "
		    "run sync --once from a timer");
	if ((code = cli_conf(cli, &conf)) == EXIT_OK)
		code = refresh(cli, conf, (int)pagesize);
	ids_conf_free(conf);
	return code;
}
