/* integ.c: fixtures shared by the integration tests (see integ.h). */
#include "integ.h"

#include <sys/socket.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <unistd.h>

const char *
need_env(const char *name)
{
	const char *v = getenv(name);

	if (v == NULL || *v == '\0') {
		fprintf(stderr, "%s is not set: run through tests/run-tests "
		    "or after `. DIR/env` of tests/slapd-env\n", name);
		abort();
	}
	return v;
}

void
write_service(const char *service, const char *const *lines)
{
	char path[4096], module[4096];
	const char *const *l;
	const char *at;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s",
	    need_env("PAM_WRAPPER_SERVICE_DIR"), service);
	snprintf(module, sizeof(module), "%s/pam_idportal.so",
	    need_env("IDS_BUILD_DIR"));
	if ((f = fopen(path, "w")) == NULL)
		abort();
	for (l = lines; *l != NULL; l++) {
		if ((at = strstr(*l, "@MODULE@")) != NULL)
			fprintf(f, "%.*s%s%s\n", (int)(at - *l), *l, module,
			    at + strlen("@MODULE@"));
		else if ((at = strstr(*l, "@SET_ITEMS@")) != NULL)
			fprintf(f, "%.*s%s%s\n", (int)(at - *l), *l,
			    need_env("IDS_PAM_SET_ITEMS"),
			    at + strlen("@SET_ITEMS@"));
		else
			fprintf(f, "%s\n", *l);
	}
	fclose(f);
}

static int
overridden(const char *line, const char *const *overrides)
{
	const char *const *o;
	size_t klen;

	for (o = overrides; *o != NULL; o++) {
		klen = strcspn(*o, " =");
		if (strncmp(line, *o, klen) == 0 &&
		    strchr(" =", line[klen]) != NULL)
			return 1;
	}
	return 0;
}

const char *
write_conf(const char *name, const char *const *overrides)
{
	static char paths[16][4096];
	static int used;
	char line[4096], *path;
	const char *const *o;
	FILE *in, *out;

	if (used == 16)
		abort();
	path = paths[used++];
	snprintf(path, sizeof(paths[0]), "%s/%s.conf", need_env("IDS_ENV_DIR"),
	    name);
	if ((in = fopen(need_env("IDPORTAL_CONF"), "r")) == NULL ||
	    (out = fopen(path, "w")) == NULL)
		abort();
	chmod(path, 0600);
	while (fgets(line, sizeof(line), in) != NULL)
		if (!overridden(line, overrides))
			fputs(line, out);
	for (o = overrides; *o != NULL; o++)
		fprintf(out, "%s\n", *o);
	fclose(in);
	fclose(out);
	return path;
}

void
sh(const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (system(cmd) != 0) {
		fprintf(stderr, "fixture failed: %s\n", cmd);
		abort();
	}
}

void
add_user(const char *id, const char *pw, const char *extra)
{
	static int next_uid = 20000;
	const char *uri = need_env("IDS_LDAPI_URI"), *base = need_env("IDS_BASE");

	next_uid++;
	sh("ldapadd -Q -Y EXTERNAL -H '%s' >/dev/null <<'EOF'\n"
	    "dn: uid=%s,ou=people,%s\nobjectClass: inetOrgPerson\n"
	    "objectClass: posixAccount\nobjectClass: idpUser\nuid: %s\n"
	    "cn: %s\nsn: %s\nuidNumber: %d\ngidNumber: %d\n"
	    "homeDirectory: /home/%s\nidpUserType: individual\n"
	    "%s%s\nEOF", uri, id, base, id, id, id, next_uid, next_uid, id,
	    strstr(extra, "idpState:") != NULL ? "" : "idpState: active\n",
	    extra);
	sh("ldappasswd -Q -Y EXTERNAL -H '%s' -s '%s' 'uid=%s,ou=people,%s'",
	    uri, pw, id, base);
}

double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
bound_port(int listening)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int fd;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) == -1 ||
	    (listening && listen(fd, 16) == -1))
		abort();
	/* A closed port: bound then released, so nothing listens there. */
	if (!listening)
		close(fd);
	return ntohs(sin.sin_port);
}

int
blackhole_port(void)
{
	return bound_port(1);
}

int
closed_port(void)
{
	return bound_port(0);
}

void
services_then_reexec(char **argv, void (*write_services)(void))
{
	if (getenv("IDS_SERVICES_WRITTEN") != NULL)
		return;
	write_services();
	setenv("IDS_SERVICES_WRITTEN", "1", 1);
	fflush(NULL);
	/* argv[0], not /proc/self/exe: under valgrind that is valgrind */
	execvp(argv[0], argv);
	perror(argv[0]);
	abort();
}
