/* integ.c: fixtures shared by the integration tests (see integ.h). */
#include "integ.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <glob.h>
#include <liboath/oath.h>
#include <libpamtest.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <strings.h>
#include <unistd.h>

#include "rc.h"
#include "recovery.h"
#include "seal.h"
#include "totp.h"

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

/* --- TOTP, lockout and enrollment ---------------------------------------- */

/* Run cmd with LD_PRELOAD out of the environment (system() or popen()
 * as run says), then put it back. */
static int
without_preload(const char *cmd, FILE **pipe_out)
{
	char *saved = getenv("LD_PRELOAD");
	int rc = 0;

	if (saved != NULL && (saved = strdup(saved)) == NULL)
		abort();
	unsetenv("LD_PRELOAD");
	fflush(NULL);
	if (pipe_out != NULL)
		*pipe_out = popen(cmd, "r");
	else
		rc = system(cmd);
	if (saved != NULL) {
		setenv("LD_PRELOAD", saved, 1);
		free(saved);
	}
	return rc;
}

void
sh_plain(const char *fmt, ...)
{
	char cmd[16384];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (without_preload(cmd, NULL) != 0) {
		fprintf(stderr, "fixture failed: %s\n", cmd);
		abort();
	}
}

int
sh_plain_rc(const char *fmt, ...)
{
	char cmd[16384];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = without_preload(cmd, NULL);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* As add_user, through sh_plain. */
void
replace_user(const char *id, const char *pw, const char *extra)
{
	static int next_uid = 28000;
	const char *uri = need_env("IDS_LDAPI_URI");

	next_uid++;
	sh_plain("LDAPNOINIT=1 ldapdelete -Q -Y EXTERNAL -H '%s' -r '%s' "
	    ">/dev/null 2>&1; true", uri, user_dn(id));
	sh_plain("LDAPNOINIT=1 ldapadd -Q -Y EXTERNAL -H '%s' >/dev/null "
	    "<<'EOF'\ndn: %s\nobjectClass: inetOrgPerson\n"
	    "objectClass: posixAccount\nobjectClass: idpUser\nuid: %s\n"
	    "cn: %s\nsn: %s\nuidNumber: %d\ngidNumber: %d\n"
	    "homeDirectory: /home/%s\nidpUserType: individual\n"
	    "%s%s\nEOF", uri, user_dn(id), id, id, id, next_uid, next_uid, id,
	    strstr(extra, "idpState:") != NULL ? "" : "idpState: active\n",
	    extra);
	sh_plain("LDAPNOINIT=1 ldappasswd -Q -Y EXTERNAL -H '%s' -s '%s' "
	    "'%s'", uri, pw, user_dn(id));
}

const char *
user_dn(const char *id)
{
	static char dn[1024];

	snprintf(dn, sizeof(dn), "uid=%s,ou=people,%s", id,
	    need_env("IDS_BASE"));
	return dn;
}

const char *
state_dn(const char *id)
{
	static char dn[1024];

	snprintf(dn, sizeof(dn), "cn=state,uid=%s,ou=people,%s", id,
	    need_env("IDS_BASE"));
	return dn;
}

const char *
conf_value(const char *key)
{
	static char value[4096];
	char line[4096], *p, *end;
	size_t klen = strlen(key);
	FILE *f;

	if ((f = fopen(need_env("IDPORTAL_CONF"), "r")) == NULL)
		abort();
	value[0] = '\0';
	while (fgets(line, sizeof(line), f) != NULL) {
		p = line + strspn(line, " \t");
		if (strncmp(p, key, klen) != 0 || strchr(" \t=", p[klen]) ==
		    NULL)
			continue;
		p += klen + strspn(p + klen, " \t");
		if (*p != '=')
			continue;
		p++;
		p += strspn(p, " \t");
		end = p + strcspn(p, "#\n");
		while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		snprintf(value, sizeof(value), "%.*s", (int)(end - p), p);
	}
	fclose(f);
	return value[0] != '\0' ? value : NULL;
}

void
dir_modify(const char *fmt, ...)
{
	char ldif[16384];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ldif, sizeof(ldif), fmt, ap);
	va_end(ap);
	sh_plain("LDAPNOINIT=1 ldapmodify -Q -Y EXTERNAL -H '%s' >/dev/null "
	    "<<'EOF'\n%s\nEOF", need_env("IDS_LDAPI_URI"), ldif);
}

static unsigned char *
b64_decode(const char *in, size_t *len)
{
	size_t n = strlen(in), pad = 0;
	unsigned char *out;
	int got;

	if ((out = malloc(n / 4 * 3 + 4)) == NULL)
		abort();
	if ((got = EVP_DecodeBlock(out, (const unsigned char *)in,
	    (int)n)) < 0)
		abort();
	if (n > 0 && in[n - 1] == '=')
		pad++;
	if (n > 1 && in[n - 2] == '=')
		pad++;
	*len = (size_t)got - pad;
	out[*len] = '\0';
	return out;
}

static char *
b64_encode(const unsigned char *in, size_t len)
{
	char *out;

	if ((out = malloc(len / 3 * 4 + 8)) == NULL)
		abort();
	EVP_EncodeBlock((unsigned char *)out, in, (int)len);
	return out;
}

/* Every value of attr in dn: call each(value, len, arg); count them. */
static int
dir_values(const char *dn, const char *attr,
    void (*each)(const char *, size_t, void *), void *arg)
{
	char cmd[4096], *line = NULL, *v;
	unsigned char *bin;
	size_t cap = 0, alen = strlen(attr), len;
	ssize_t n;
	FILE *p;
	int count = 0;

	snprintf(cmd, sizeof(cmd), "LDAPNOINIT=1 ldapsearch -Q -Y EXTERNAL "
	    "-H '%s' -LLL -o ldif-wrap=no -s base -b '%s' '(objectClass=*)' "
	    "'%s' 2>/dev/null", need_env("IDS_LDAPI_URI"), dn, attr);
	without_preload(cmd, &p);
	if (p == NULL)
		abort();
	while ((n = getline(&line, &cap, p)) > 0) {
		if (line[n - 1] == '\n')
			line[--n] = '\0';
		if (strncasecmp(line, attr, alen) != 0 || line[alen] != ':')
			continue;
		count++;
		if (each == NULL)
			continue;
		if (line[alen + 1] == ':') {
			v = line + alen + 2 + strspn(line + alen + 2, " ");
			bin = b64_decode(v, &len);
			each((char *)bin, len, arg);
			free(bin);
		} else {
			v = line + alen + 1 + strspn(line + alen + 1, " ");
			each(v, strlen(v), arg);
		}
	}
	free(line);
	pclose(p);
	return count;
}

struct first {
	char	*value;
	size_t	 len;
};

static void
keep_first(const char *v, size_t len, void *arg)
{
	struct first *f = arg;

	if (f->value != NULL)
		return;
	if ((f->value = malloc(len + 1)) == NULL)
		abort();
	memcpy(f->value, v, len);
	f->value[len] = '\0';
	f->len = len;
}

char *
dir_value(const char *dn, const char *attr, size_t *len)
{
	struct first f = { NULL, 0 };

	dir_values(dn, attr, keep_first, &f);
	if (len != NULL)
		*len = f.len;
	return f.value;
}

int
dir_nvalues(const char *dn, const char *attr)
{
	return dir_values(dn, attr, NULL, NULL);
}

long long
dir_number(const char *dn, const char *attr)
{
	char *v = dir_value(dn, attr, NULL);
	long long n = v != NULL ? strtoll(v, NULL, 10) : -1;

	free(v);
	return n;
}

unsigned char *
totp_seal(const char *key_file, const char *id, const unsigned char *secret,
    size_t len, size_t *bloblen)
{
	struct ids_seal_keys *keys = NULL;
	unsigned char *blob = NULL;
	char err[512];

	if (key_file == NULL && (key_file = conf_value("totp_key_file")) ==
	    NULL) {
		fprintf(stderr, "no totp_key_file in $IDPORTAL_CONF\n");
		abort();
	}
	if (ids_seal_keys_load(key_file, &keys, err, sizeof(err)) != IDS_OK) {
		fprintf(stderr, "fixture: %s\n", err);
		abort();
	}
	if (ids_seal(keys, id, secret, len, &blob, bloblen) != IDS_OK)
		abort();
	ids_seal_keys_free(keys);
	return blob;
}

void
totp_store_blob(const char *id, const unsigned char *blob, size_t bloblen)
{
	char *b64 = b64_encode(blob, bloblen);

	dir_modify("dn: %s\nchangetype: modify\nreplace: idpTotpSecret\n"
	    "idpTotpSecret:: %s\n-", state_dn(id), b64);
	free(b64);
}

void
totp_activate(const char *id, unsigned char *secret, size_t len, int fresh,
    const char *key_file,
    char codes[INTEG_RECOVERY_COUNT][INTEG_RECOVERY_LEN + 1])
{
	char mine[IDS_RECOVERY_COUNT][IDS_RECOVERY_LEN + 1];
	char hash[IDS_RECOVERY_HASH_LEN], hashes[IDS_RECOVERY_COUNT * 128];
	unsigned char *blob;
	size_t bloblen, off = 0;
	char *b64;
	int i;

	if (fresh && RAND_bytes(secret, (int)len) != 1)
		abort();
	blob = totp_seal(key_file, id, secret, len, &bloblen);
	b64 = b64_encode(blob, bloblen);
	if (ids_recovery_generate(mine) != IDS_OK)
		abort();
	for (i = 0; i < IDS_RECOVERY_COUNT; i++) {
		if (ids_recovery_hash(mine[i], hash) != IDS_OK)
			abort();
		off += (size_t)snprintf(hashes + off, sizeof(hashes) - off,
		    "idpRecoveryCode: %s\n", hash);
	}
	if (codes != NULL)
		memcpy(codes, mine, sizeof(mine));
	sh_plain("LDAPNOINIT=1 ldapdelete -Q -Y EXTERNAL -H '%s' '%s' "
	    ">/dev/null 2>&1; true", need_env("IDS_LDAPI_URI"), state_dn(id));
	sh_plain("LDAPNOINIT=1 ldapadd -Q -Y EXTERNAL -H '%s' >/dev/null "
	    "<<'EOF'\n"
	    "dn: %s\nobjectClass: top\nobjectClass: idpUserState\ncn: state\n"
	    "idpPasswordFailures: 0\nidpTotpFailures: 0\nidpTotpLastStep: 0\n"
	    "idpTotpState: active\nidpTotpSecret:: %s\n%s\nEOF",
	    need_env("IDS_LDAPI_URI"), state_dn(id), b64, hashes);
	free(b64);
	free(blob);
}

const char *
totp_code(const unsigned char *secret, size_t len, long long step,
    char out[7])
{
	if (ids_totp_code(secret, len, (uint64_t)step, out) != IDS_OK)
		abort();
	return out;
}

/* Six digits unlike every code of the steps within 3 of now's. */
static void
unlike(char out[7], const char near[7][7])
{
	unsigned v = (unsigned)strtoul(near[3], NULL, 10);
	int i, clash;

	do {
		v = (v + 500009) % 1000000;
		snprintf(out, 7, "%06u", v);
		for (clash = 0, i = 0; i < 7; i++)
			clash |= strcmp(out, near[i]) == 0;
	} while (clash);
}

const char *
totp_wrong_code(const unsigned char *secret, size_t len, char out[7])
{
	char near[7][7];
	long long step = totp_step_now();
	int i;

	for (i = 0; i < 7; i++)
		totp_code(secret, len, step - 3 + i, near[i]);
	unlike(out, (const char (*)[7])near);
	return out;
}

long long
totp_step_now(void)
{
	return (long long)time(NULL) / IDS_TOTP_STEP;
}

static FILE *captured;
static int saved_stderr = -1;

void
log_capture_start(void)
{
	/* pam_wrapper shows pam_syslog lines below LOG_WARNING (the module's
	 * one line per decision) only at its debug level */
	setenv("PAM_WRAPPER_DEBUGLEVEL", "2", 1);
	fflush(stderr);
	if ((captured = tmpfile()) == NULL ||
	    (saved_stderr = dup(STDERR_FILENO)) == -1 ||
	    dup2(fileno(captured), STDERR_FILENO) == -1)
		abort();
}

char *
log_capture_end(void)
{
	char *text;
	long size;

	fflush(stderr);
	unsetenv("PAM_WRAPPER_DEBUGLEVEL");
	if (dup2(saved_stderr, STDERR_FILENO) == -1)
		abort();
	close(saved_stderr);
	saved_stderr = -1;
	if (fseek(captured, 0, SEEK_END) != 0 || (size = ftell(captured)) < 0)
		abort();
	rewind(captured);
	if ((text = calloc(1, (size_t)size + 1)) == NULL ||
	    fread(text, 1, (size_t)size, captured) != (size_t)size)
		abort();
	fclose(captured);
	captured = NULL;
	/* still shown in the test's output */
	fputs(text, stderr);
	return text;
}

/* --- the conversation ---------------------------------------------------- */

const char CHAT_ENROLL_CODE[] = "<the code of the key shown>";
const char CHAT_ENROLL_WRONG[] = "<not the code of the key shown>";

void
chat_init(struct chat *c, ...)
{
	const char *a;
	va_list ap;
	int i = 0;

	memset(c, 0, sizeof(*c));
	c->ready_fd = c->go_fd = -1;
	va_start(ap, c);
	while ((a = va_arg(ap, const char *)) != NULL) {
		if (i == CHAT_MAX_ANSWERS - 1)
			abort();
		c->answers[i++] = a;
	}
	va_end(ap);
}

void
chat_free(struct chat *c)
{
	int i;

	for (i = 0; i < c->nprompts; i++)
		free(c->prompts[i]);
	for (i = 0; i < c->ninfo; i++)
		free(c->info[i]);
	for (i = 0; i < c->nerr; i++)
		free(c->err[i]);
	c->nprompts = c->ninfo = c->nerr = 0;
}

int
chat_said(const struct chat *c, const char *text)
{
	int i;

	for (i = 0; i < c->ninfo; i++)
		if (strstr(c->info[i], text) != NULL)
			return 1;
	for (i = 0; i < c->nerr; i++)
		if (strstr(c->err[i], text) != NULL)
			return 1;
	return 0;
}

static char *
xstrdup(const char *s)
{
	char *d = strdup(s);

	if (d == NULL)
		abort();
	return d;
}

/* The code of the base32 key the module showed, with liboath: the test
 * does not trust libidstore's own TOTP to check libidstore. */
static const char *
enroll_code(struct chat *c, int wrong)
{
	char *secret = NULL, near[7][7];
	size_t len = 0;
	time_t now = time(NULL);
	int i, rc = OATH_OK;

	if (c->key[0] == '\0' || oath_init() != OATH_OK ||
	    oath_base32_decode(c->key, strlen(c->key), &secret, &len) !=
	    OATH_OK)
		return NULL;
	for (i = 0; i < 7 && rc == OATH_OK; i++)
		rc = oath_totp_generate(secret, len, now + (i - 3) * 30, 30, 0,
		    6, near[i]);
	free(secret);
	if (rc != OATH_OK)
		return NULL;
	if (wrong)
		unlike(c->sent_code, (const char (*)[7])near);
	else
		memcpy(c->sent_code, near[3], sizeof(c->sent_code));
	c->sent_step = (long long)now / 30;
	return c->sent_code;
}

/* Block until the parent opens the gate (closes its end of go_fd). */
static void
barrier(struct chat *c)
{
	char b;

	if (write(c->ready_fd, "r", 1) != 1)
		abort();
	while (read(c->go_fd, &b, 1) > 0)
		;
	c->ready_fd = c->go_fd = -1;
}

static void
heard(struct chat *c, const char *text, int style)
{
	const char *key = "Or add this key by hand: ";

	if (style == PAM_ERROR_MSG) {
		if (c->nerr < CHAT_MAX_LINES)
			c->err[c->nerr++] = xstrdup(text);
		return;
	}
	if (c->ninfo < CHAT_MAX_LINES)
		c->info[c->ninfo++] = xstrdup(text);
	if (strncmp(text, key, strlen(key)) == 0)
		snprintf(c->key, sizeof(c->key), "%s", text + strlen(key));
	else if (strncmp(text, "(otpauth://", 11) == 0)
		snprintf(c->uri, sizeof(c->uri), "%.*s",
		    (int)strlen(text) - 2, text + 1);
}

int
chat_conv(int n, const struct pam_message **msg, struct pam_response **resp,
    void *appdata_ptr)
{
	struct chat *c = appdata_ptr;
	struct pam_response *r;
	const char *answer;
	int i, j;

	if ((r = calloc((size_t)n, sizeof(*r))) == NULL)
		return PAM_BUF_ERR;
	for (i = 0; i < n; i++) {
		switch (msg[i]->msg_style) {
		case PAM_PROMPT_ECHO_OFF:
		case PAM_PROMPT_ECHO_ON:
			if (c->nprompts < CHAT_MAX_ANSWERS)
				c->prompts[c->nprompts++] =
				    xstrdup(msg[i]->msg);
			if (c->go_fd != -1 && strcmp(msg[i]->msg,
			    "Verification code: ") == 0)
				barrier(c);
			answer = c->nanswered < CHAT_MAX_ANSWERS ?
			    c->answers[c->nanswered] : NULL;
			if (answer == CHAT_ENROLL_CODE ||
			    answer == CHAT_ENROLL_WRONG)
				answer = enroll_code(c,
				    answer == CHAT_ENROLL_WRONG);
			if (answer == NULL)
				goto fail;	/* nothing left to say */
			c->nanswered++;
			r[i].resp = xstrdup(answer);
			break;
		case PAM_ERROR_MSG:
		case PAM_TEXT_INFO:
			heard(c, msg[i]->msg, msg[i]->msg_style);
			break;
		default:
			goto fail;
		}
	}
	*resp = r;
	return PAM_SUCCESS;
fail:
	for (j = 0; j < n; j++)
		free(r[j].resp);
	free(r);
	return PAM_CONV_ERR;
}

int
pam_login(const char *service, const char *user, struct chat *c,
    int *acct_rc)
{
	struct pam_testcase cases[] = {
		pam_test(PAMTEST_AUTHENTICATE, PAM_SUCCESS),
		pam_test(PAMTEST_ACCOUNT, PAM_SUCCESS),
	};
	enum pamtest_err perr;

	/* libpamtest stops at the first case that does not return what it
	 * expects: account runs only after a successful auth. */
	cases[0].op_rv = cases[1].op_rv = -1;
	perr = _pamtest_conv(service, user, chat_conv, c, cases,
	    acct_rc != NULL ? 2 : 1, NULL);
	if (perr != PAMTEST_ERR_OK && perr != PAMTEST_ERR_CASE) {
		fprintf(stderr, "libpamtest: %s\n", pamtest_strerror(perr));
		abort();
	}
	if (acct_rc != NULL)
		*acct_rc = cases[1].op_rv;
	return cases[0].op_rv;
}

void
assert_pam_at(int got, int want, const char *file, int line)
{
	if (got == want)
		return;
	print_error("got PAM code %d (%s), want %d (%s)\n", got,
	    got >= 0 ? pam_strerror(NULL, got) : "not run", want,
	    pam_strerror(NULL, want));
	_fail(file, line);
}

/* --- the clock ----------------------------------------------------------- */

static long clock_offset;

void
faketime_preload(void)
{
	const char *old = getenv("LD_PRELOAD");
	char preload[8192];
	glob_t g;

	if (glob("/usr/lib/*/faketime/libfaketime.so.1", 0, NULL, &g) != 0)
		return;		/* clock_faked() will say so */
	/* after the others: ASan's runtime must stay first */
	snprintf(preload, sizeof(preload), "%s%s%s", old != NULL ? old : "",
	    old != NULL && *old != '\0' ? " " : "", g.gl_pathv[0]);
	globfree(&g);
	setenv("LD_PRELOAD", preload, 1);
	setenv("FAKETIME", "+0", 1);
	setenv("FAKETIME_NO_CACHE", "1", 1);
	setenv("FAKETIME_DONT_FAKE_MONOTONIC", "1", 1);
}

static void
clock_set(long offset)
{
	char v[32];

	snprintf(v, sizeof(v), "%+ld", offset);
	setenv("FAKETIME", v, 1);
	clock_offset = offset;
}

int
clock_faked(void)
{
	static int faked = -1;
	time_t before, after;

	if (faked != -1)
		return faked;
	if (getenv("FAKETIME") == NULL)
		return faked = 0;
	before = time(NULL);
	clock_set(clock_offset + 100000);
	after = time(NULL);
	clock_set(clock_offset - 100000);
	faked = after - before >= 99990;
	return faked;
}

void
clock_forward(long seconds)
{
	if (!clock_faked())
		abort();
	clock_set(clock_offset + seconds);
}

void
clock_at_second(int second)
{
	long into = (long)(time(NULL) % IDS_TOTP_STEP);

	clock_forward(((long)second - into + IDS_TOTP_STEP) % IDS_TOTP_STEP);
}
