/* bench_auth.c: time pam_authenticate through the real pam_idportal.so
 * against the slapd of tests/slapd-env, for a right password, a wrong
 * password and an unknown user.  Prints median and p99 per case, so the
 * "unknown user looks like a wrong password" promise can be read off.
 * Not a test: it asserts nothing.
 *   bench_auth CONFDIR SERVICE USER PASSWORD ROUNDS */
#include <security/pam_appl.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int
answer(int n, const struct pam_message **msg, struct pam_response **resp,
    void *pw)
{
	struct pam_response *r;
	int i;

	if ((r = calloc((size_t)n, sizeof(*r))) == NULL)
		return PAM_BUF_ERR;
	for (i = 0; i < n; i++)
		if (msg[i]->msg_style == PAM_PROMPT_ECHO_OFF)
			r[i].resp = strdup(pw);
	*resp = r;
	return PAM_SUCCESS;
}

static double
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* One round: pam_start, authenticate, pam_end, like one sshd login. */
static double
one(const char *confdir, const char *service, const char *user,
    const char *pw, int want)
{
	struct pam_conv conv = { answer, (void *)pw };
	pam_handle_t *h = NULL;
	double t0 = now_us();
	int rc;

	rc = pam_start_confdir(service, user, &conv, confdir, &h);
	if (rc == PAM_SUCCESS)
		rc = pam_authenticate(h, PAM_SILENT);
	pam_end(h, rc);
	if (rc != want) {
		fprintf(stderr, "bench_auth: %s: got %d, want %d\n", user, rc,
		    want);
		exit(1);
	}
	return now_us() - t0;
}

int
main(int argc, char **argv)
{
	const char *label[] = { "right password", "wrong password",
	    "unknown user" };
	double *t[3];
	int rounds, i, c;

	if (argc != 6 || (rounds = atoi(argv[5])) < 10) {
		fprintf(stderr, "usage: bench_auth CONFDIR SERVICE USER "
		    "PASSWORD ROUNDS(>=10)\n");
		return 2;
	}
	for (c = 0; c < 3; c++)
		if ((t[c] = calloc((size_t)rounds, sizeof(double))) == NULL)
			return 1;
	/* interleave the cases so drift of the machine hits all alike */
	for (i = 0; i < rounds; i++) {
		t[0][i] = one(argv[1], argv[2], argv[3], argv[4], PAM_SUCCESS);
		t[1][i] = one(argv[1], argv[2], argv[3], "wrong-Password-1",
		    PAM_AUTH_ERR);
		t[2][i] = one(argv[1], argv[2], "nosuchuser1", argv[4],
		    PAM_AUTH_ERR);
	}
	printf("%-16s %8s %10s %10s\n", "pam_authenticate", "rounds",
	    "median_us", "p99_us");
	for (c = 0; c < 3; c++) {
		qsort(t[c], (size_t)rounds, sizeof(double), cmp);
		printf("%-16s %8d %10.0f %10.0f\n", label[c], rounds,
		    t[c][rounds / 2], t[c][rounds * 99 / 100]);
		free(t[c]);
	}
	return 0;
}
