#!/bin/bash
# Integration test of tests/slapd-env itself (TAP). Needs root, slapd,
# ldap-utils, openssl and the idportal CLI (env IDPORTAL, default
# build/idportal). Run from anywhere; cleans up after itself.
# shellcheck disable=SC2016 # the sh -c scripts expand their own $1
set -uo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
slapd_env=$top/tests/slapd-env
work=$(mktemp -d "${TMPDIR:-/tmp}/slapd-env-test.XXXXXX") || exit 1
a=$work/a
b=$work/b

cleanup() {
	"$slapd_env" stop "$a" 2> /dev/null
	"$slapd_env" stop "$b" 2> /dev/null
	rm -rf -- "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

n=0
fails=0
check() {	# check DESCRIPTION COMMAND...: ok if COMMAND succeeds
	local desc=$1
	shift
	n=$((n + 1))
	if "$@" > "$work/out" 2>&1; then
		echo "ok $n - $desc"
	else
		fails=$((fails + 1))
		echo "not ok $n - $desc"
		sed 's/^/# /' "$work/out"
	fi
}
bail() {
	echo "Bail out! $*"
	exit 1
}

# Values of one environment, read from its env file in a subshell.
envval() {	# envval DIR NAME
	# shellcheck source=/dev/null
	(. "$1/env" && eval "printf '%s' \"\${$2}\"")
}

# Is PID a live (non-zombie) process whose command line mentions DIR?
slapd_alive() {
	local pid=$1 dir=$2 state
	[ -r "/proc/$pid/status" ] || return 1
	state=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' \
	    "/proc/$pid/status" 2> /dev/null) || return 1
	[ "$state" != Z ] || return 1
	tr '\0' '\n' < "/proc/$pid/cmdline" 2> /dev/null | grep -qF -- "$dir"
}

whoami_tls() {	# whoami_tls DIR CA_FILE: StartTLS + bind as the manager
	LDAPTLS_CACERT=$2 LDAPTLS_REQCERT=demand ldapwhoami -ZZ -x \
	    -H "$(envval "$1" IDS_URI)" -D "$(envval "$1" IDS_MANAGER_DN)" \
	    -y "$(envval "$1" IDS_MANAGER_PW_FILE)"
}

not() {
	! "$@"
}

mode_is() {	# mode_is MODE FILE...
	local want=$1 f m
	shift
	for f in "$@"; do
		m=$(stat -c %a -- "$f") || return 1
		[ "$m" = "$want" ] || { echo "$f: mode $m, want $want"; return 1; }
	done
}

conf_has() {	# conf_has DIR KEY VALUE
	grep -qxF -- "$2 = $3" "$1/idportal.conf" ||
	    { echo "no '$2 = $3' in $1/idportal.conf"; return 1; }
}

# --- one environment -------------------------------------------------------
if "$slapd_env" start "$a" > "$work/a.out" 2> "$work/a.err"; then
	echo "ok $((n += 1)) - start makes an environment"
else
	echo "not ok $((n += 1)) - start makes an environment"
	sed 's/^/# /' "$work/a.err"
	bail "slapd-env start failed"
fi
check "stdout is the same as DIR/env" cmp "$work/a.out" "$a/env"
check "DIR/env is valid sh and sets every variable" sh -c '
	. "$1/env" &&
	for v in IDPORTAL_CONF IDS_ENV_DIR IDS_URI IDS_LDAPI_URI IDS_PORT \
	    IDS_BASE IDS_MANAGER_DN IDS_MANAGER_PW_FILE IDS_CA_FILE \
	    IDS_OTHER_CA_FILE IDS_ADMIN_ID IDS_ADMIN_PW_FILE IDS_SLAPD_PID; do
		eval "[ -n \"\${$v:-}\" ]" || { echo "$v unset"; exit 1; }
	done' sh "$a"
pid_a=$(envval "$a" IDS_SLAPD_PID)
port_a=$(envval "$a" IDS_PORT)
check "IDS_SLAPD_PID is the running slapd of DIR" slapd_alive "$pid_a" "$a"
check "StartTLS with the test CA, manager bind" whoami_tls "$a" "$a/ca.crt"
check "StartTLS with another CA is refused" \
    not whoami_tls "$a" "$(envval "$a" IDS_OTHER_CA_FILE)"
check "root over ldapi is the peercred identity" sh -c '
	LDAPNOINIT=1 ldapwhoami -Q -Y EXTERNAL -H "$1" | grep -qix \
	    "dn:gidNumber=$(id -g)+uidNumber=$(id -u),cn=peercred,cn=external,cn=auth"
	' sh "$(envval "$a" IDS_LDAPI_URI)"
check "DIR is mode 0700" mode_is 700 "$a"
check "secrets and config are mode 0600" mode_is 600 "$a/manager.secret" \
    "$a/totp.key" "$a/idportal.conf" "$a/admin.password" "$a/bind.secret" \
    "$a/server.key" "$a/env"
check "totp.key is 32 bytes" test "$(stat -c %s "$a/totp.key")" -eq 32
check "manager.secret is non-empty, no newline" sh -c \
    '[ -s "$1" ] && [ "$(wc -l < "$1")" -eq 0 ]' sh "$a/manager.secret"
check "admin.password is non-empty" test -s "$a/admin.password"
check "the admin binds with the temporary password" sh -c '
	. "$1/env" &&
	LDAPTLS_CACERT=$IDS_CA_FILE ldapwhoami -ZZ -x -H "$IDS_URI" \
	    -D "uid=$IDS_ADMIN_ID,ou=people,$IDS_BASE" -y "$IDS_ADMIN_PW_FILE"
	' sh "$a"
check "idportal.conf names this server and DIR" eval '
	conf_has "$a" uri "ldap://127.0.0.1:$port_a" &&
	conf_has "$a" base "$(envval "$a" IDS_BASE)" &&
	conf_has "$a" bind_pw_file "$a/bind.secret" &&
	conf_has "$a" tls starttls &&
	conf_has "$a" tls_ca_file "$a/ca.crt" &&
	conf_has "$a" totp_key_file "$a/totp.key" &&
	conf_has "$a" mail_command "$a/fake-sendmail"'
check "fake-sendmail keeps each message" sh -c '
	printf "Subject: one\n\nx\n" | "$1/fake-sendmail" -t -i &&
	printf "Subject: two\n\ny\n" | "$1/fake-sendmail" -t -i &&
	grep -q "Subject: one" "$1/mail/1.eml" &&
	grep -q "Subject: two" "$1/mail/2.eml"' sh "$a"
check "start refuses a non-empty DIR" not "$slapd_env" start "$a"
check "... and leaves it running" whoami_tls "$a" "$a/ca.crt"

# --- a second one beside it -----------------------------------------------
check "a second environment starts" "$slapd_env" start "$b"
port_b=$(envval "$b" IDS_PORT 2> /dev/null)
pid_b=$(envval "$b" IDS_SLAPD_PID 2> /dev/null)
check "the two use different ports" test "$port_a" != "$port_b"
check "the two use different sockets" test \
    "$(envval "$a" IDS_LDAPI_URI)" != "$(envval "$b" IDS_LDAPI_URI)"
check "the first still answers" whoami_tls "$a" "$a/ca.crt"
check "the second answers" whoami_tls "$b" "$b/ca.crt"
check "the second's CA does not vouch for the first" \
    not whoami_tls "$a" "$b/ca.crt"

# --- stop -----------------------------------------------------------------
check "stop the first" "$slapd_env" stop "$a"
check "its slapd is gone" not slapd_alive "$pid_a" "$a"
check "its DIR is gone" not test -e "$a"
check "the second still answers" whoami_tls "$b" "$b/ca.crt"
check "stop again is harmless" "$slapd_env" stop "$a"
check "stop the second" "$slapd_env" stop "$b"
check "its slapd is gone" not slapd_alive "${pid_b:-0}" "$b"
check "its DIR is gone" not test -e "$b"
mkdir "$work/other" && : > "$work/other/keep"
check "stop refuses a directory slapd-env did not make" \
    not "$slapd_env" stop "$work/other"
check "... and leaves it alone" test -e "$work/other/keep"

echo "1..$n"
[ "$fails" -eq 0 ]
