#!/bin/bash
# sshd.sh: end-to-end logins through a real sshd and pam_idportal.so (TAP).
#
# Run by tests/run-tests with the slapd-env variables (IDPORTAL_CONF,
# IDS_LDAPI_URI, IDS_BASE, ...) and IDS_BUILD_DIR in the environment.
# Needs root, openssh-server, openssh-client, expect.
#
# sshd runs in private mount+net+pid namespaces (tests/sshd-ns), so it
# cannot reach slapd's TCP port on the host's loopback.  The module instead
# talks to slapd over its ldapi:// socket, a file the namespace still sees:
# the test uses a copy of IDPORTAL_CONF with `uri = $IDS_LDAPI_URI` and
# `tls = none` (allowed for ldapi://), and keeps the service bind_dn, so the
# module binds exactly as it would over TCP and the same ACLs apply.
#
# Users: sshperm1 (permanent password), sshtemp1 (temporary password, must
# change it at login), sshghost1 (in /etc/passwd, not in the directory),
# nosuchuser9 (nowhere).  Each login is tests/ssh-login.exp; its transcript
# is kept in the work directory and the interesting ones are printed as
# TAP comments.  SSHD_TEST_KEEP=1 keeps the work directory (transcripts,
# ns/sshd.log, ns/syslog) for a look afterwards.
# shellcheck disable=SC2317,SC2015 # functions called through "$@"; A && B || fail
set -uo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
self=$top/tests/integ/sshd.sh
login_exp=$top/tests/ssh-login.exp

PERM_PW='Perm-Quartz-7429'
TEMP_PW='Tmp-4kq9-Wx2z'
NEW_PW='Gl4cier-Orbit-Tandem'
WRONG_PW='Perm-Quartz-7430'

# --- inside the namespace: only the logins, results to files ---------------
if [ "${1:-}" = --in-ns ]; then
	work=$2
	login() {	# login NAME USER ANSWER...
		local name=$1 rc=0
		shift
		"$login_exp" "$SSHD_PORT" "$@" > "$work/$name.out" 2>&1 ||
		    rc=$?
		echo "$rc" > "$work/$name.rc"
	}
	: > "$work/ns-ran"
	login perm_ok sshperm1 "$PERM_PW"
	login perm_bad sshperm1 "$WRONG_PW"
	login ghost sshghost1 "$PERM_PW"
	login nouser nosuchuser9 "$PERM_PW"
	login temp_change sshtemp1 "$TEMP_PW" "$NEW_PW" "$NEW_PW"
	login temp_old sshtemp1 "$TEMP_PW"
	login temp_new sshtemp1 "$NEW_PW"
	exit 0
fi

# --- outside ------------------------------------------------------------------
n=0
fails=0
t0=$(date +%s.%N)

tap() {	# tap OK|FAIL DESCRIPTION
	n=$((n + 1))
	if [ "$1" = OK ]; then
		echo "ok $n - $2"
	else
		fails=$((fails + 1))
		echo "not ok $n - $2"
	fi
}
check() {	# check DESCRIPTION COMMAND...: ok if COMMAND succeeds
	local desc=$1
	shift
	if "$@" > "$work/check.out" 2>&1; then
		tap OK "$desc"
	else
		tap FAIL "$desc"
		sed 's/^/# /' "$work/check.out"
	fi
}
comment() {	# comment FILE: print FILE as TAP comments, without CRs
	tr -d '\r' < "$1" | sed 's/^/# /'
}
skip_all() {
	echo "ok 1 - sshd end-to-end logins # SKIP $*"
	echo "1..1"
	exit 0
}
bail() {
	echo "Bail out! $*"
	exit 1
}

[ "$(id -u)" -eq 0 ] || skip_all "needs root"
for t in unshare expect ssh /usr/sbin/sshd ssh-keygen perl; do
	command -v "$t" > /dev/null ||
	    skip_all "$t not installed (packages: openssh-server openssh-client expect)"
done
for v in IDPORTAL_CONF IDS_LDAPI_URI IDS_BASE IDS_BUILD_DIR; do
	[ -n "${!v:-}" ] || bail "$v is not set (run through tests/run-tests)"
done
[ -f "$IDS_BUILD_DIR/pam_idportal.so" ] ||
    bail "no $IDS_BUILD_DIR/pam_idportal.so"

work=$(mktemp -d "${TMPDIR:-/tmp}/idportal-sshd.XXXXXX") || bail "mktemp"
chmod 0700 "$work"
people=ou=people,$IDS_BASE
ldap() {	# ldap TOOL ARGS...: as root over ldapi (manage, like tests/demo)
	local tool=$1
	shift
	LDAPNOINIT=1 "$tool" -Q -Y EXTERNAL -H "$IDS_LDAPI_URI" "$@"
}
delete_users() {
	local u
	for u in sshperm1 sshtemp1; do
		ldap ldapdelete -r "uid=$u,$people" > /dev/null 2>&1
	done
}
cleanup() {
	delete_users
	if [ "${SSHD_TEST_KEEP:-}" = 1 ]; then
		echo "# kept $work (SSHD_TEST_KEEP=1)"
	else
		rm -rf -- "$work"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

# The module's config: ldapi instead of TCP (see the top of this file).
conf=$work/idportal.conf
sed -e '/^[[:space:]]*uri[[:space:]]*=/d' \
    -e '/^[[:space:]]*write_uri[[:space:]]*=/d' \
    -e '/^[[:space:]]*tls[[:space:]]*=/d' "$IDPORTAL_CONF" > "$conf"
printf 'uri = %s\ntls = none\n' "$IDS_LDAPI_URI" >> "$conf"
chmod 0600 "$conf"

# add_user ID UIDNUMBER PASSWORD [temp]: like tests/demo, plus the
# per-login state entry with its counters at 0 (as `idportal` makes users).
add_user() {
	local id=$1 uidn=$2 pw=$3 temp=${4:-}
	{
		printf '%s\n' "dn: uid=$id,$people" \
		    "objectClass: inetOrgPerson" "objectClass: posixAccount" \
		    "objectClass: idpUser" "uid: $id" "cn: sshd test $id" \
		    "sn: $id" "uidNumber: $uidn" "gidNumber: $uidn" \
		    "homeDirectory: /tmp" "loginShell: /bin/sh" \
		    "idpUserType: individual" "idpState: active"
		if [ "$temp" = temp ]; then
			printf '%s\n' "idpTempPassword: TRUE" \
			    "idpTempPasswordDeadline: 20991231000000Z"
		fi
		printf '%s\n' "" "dn: cn=state,uid=$id,$people" \
		    "objectClass: idpUserState" "cn: state" \
		    "idpPasswordFailures: 0" "idpTotpFailures: 0" \
		    "idpTotpLastStep: 0" "idpTotpState: none"
	} | ldap ldapadd || return 1
	ldap ldappasswd -s "$pw" "uid=$id,$people"
}

delete_users
check "add sshperm1 with a permanent password" \
    add_user sshperm1 29101 "$PERM_PW"
check "add sshtemp1 with a temporary password" \
    add_user sshtemp1 29102 "$TEMP_PW" temp

preload=
if readelf -d "$IDS_BUILD_DIR/pam_idportal.so" 2> /dev/null |
    grep 'NEEDED.*libasan' > /dev/null; then
	# SANITIZE=1 build: sshd must load ASan first; sshd's own exits
	# are not ours to leak-check.
	preload=$(gcc -print-file-name=libasan.so)
	export ASAN_OPTIONS=detect_leaks=0:log_path=$work/asan
	export UBSAN_OPTIONS=print_stacktrace=1:log_path=$work/asan
fi

ns=$work/ns
rc=0
"$top/tests/sshd-ns" run --user sshperm1:29101 --user sshtemp1:29102 \
    --user sshghost1:29103 --config "$conf" \
    --module "$IDS_BUILD_DIR/pam_idportal.so" \
    ${preload:+--preload "$preload"} \
    "$ns" -- "$self" --in-ns "$work" > "$work/sshd-ns.out" 2>&1 || rc=$?
if [ "$rc" -eq 0 ] && [ -e "$work/ns-ran" ]; then
	tap OK "sshd runs in a private mount+net+pid namespace"
else
	tap FAIL "sshd runs in a private mount+net+pid namespace (exit $rc)"
	comment "$work/sshd-ns.out"
fi

transcript() {	# transcript NAME: that login's transcript, for check's output
	tr -d '\r' < "$work/$1.out" 2> /dev/null
}
rc_of() {	# rc_of NAME: exit status of ssh-login.exp for that login
	cat "$work/$1.rc" 2> /dev/null || echo missing
}
logged_in() {	# logged_in NAME USER
	[ "$(rc_of "$1")" = 0 ] &&
	    grep -q "^LOGGED-IN-AS-$2"$'\r'"\?$" "$work/$1.out"
}
refused() {	# refused NAME USER
	[ "$(rc_of "$1")" = 1 ] &&
	    grep -q "^ssh-login.exp: user=$2 logged_in=no " "$work/$1.out" &&
	    grep -q 'Permission denied' "$work/$1.out" || {
		transcript "$1"
		return 1
	}
}
shows() {	# shows NAME TEXT: the transcript has TEXT
	grep -qF -- "$2" "$work/$1.out" || {
		transcript "$1"
		return 1
	}
}
# A transcript as the user sees it, with the user's name taken out.
normalized() {	# normalized NAME USER
	tr -d '\r' < "$work/$1.out" | sed -e "s/$2/USER/g" \
	    -e '/^ssh-login.exp: /d'
}
same_look() {	# same_look NAME1 USER1 NAME2 USER2
	diff <(normalized "$1" "$2") <(normalized "$3" "$4")
}
prompts_in_order() {	# prompts_in_order NAME PROMPT...: in this order
	local name=$1 text
	shift
	text=$(tr -d '\r' < "$work/$name.out")
	local p rest=$text
	for p in "$@"; do
		case $rest in
		*"$p"*) rest=${rest#*"$p"} ;;
		*) echo "no \"$p\" (after the previous prompts)"; return 1 ;;
		esac
	done
}

check "right password: logged in" logged_in perm_ok sshperm1
check "... after one \"Password: \" prompt" \
    grep -q "^ssh-login.exp: user=sshperm1 logged_in=yes prompts=1 " \
    "$work/perm_ok.out"
check "wrong password: refused" refused perm_bad sshperm1
check "user in /etc/passwd but not in the directory: refused" \
    refused ghost sshghost1
check "user unknown everywhere: refused" refused nouser nosuchuser9
check "unknown user and wrong password look the same" eval \
    'same_look perm_bad sshperm1 ghost sshghost1 &&
    same_look perm_bad sshperm1 nouser nosuchuser9'

# Forced change of a temporary password.
{
	echo "forced-change login: ssh-login.exp PORT sshtemp1 TEMP NEW NEW"
	tr -d '\r' < "$work/temp_change.out" 2> /dev/null
} > "$work/forced-change.transcript"
echo "# transcript of the forced-change login" \
    "($work/forced-change.transcript):"
comment "$work/forced-change.transcript"
check "temporary password: logged in after the forced change" \
    logged_in temp_change sshtemp1
check "... told the password is temporary and must be changed" \
    shows temp_change "temporary password"
check "... asked Password:, New password:, Retype new password:" \
    prompts_in_order temp_change "Password: " "New password: " \
    "Retype new password: "
not_temporary() {	# the entry is there and idpTempPassword is not TRUE
	local out
	out=$(ldap ldapsearch -LLL -b "uid=sshtemp1,$people" -s base \
	    '(objectClass=*)' uid idpTempPassword) || return 1
	echo "$out"
	grep -q '^uid: sshtemp1$' <<< "$out" &&
	    ! grep -qi '^idpTempPassword: TRUE' <<< "$out"
}
check "... the directory no longer marks the password temporary" \
    not_temporary
# Refused at its password prompt, not sent to change it once more.
refused_outright() {	# refused_outright NAME USER
	refused "$1" "$2" || return 1
	grep -q "^ssh-login.exp: user=$2 logged_in=no prompts=1 " \
	    "$work/$1.out" && ! grep -q "temporary password" "$work/$1.out" ||
	    { transcript "$1"; return 1; }
}
check "the temporary password is refused afterwards" \
    refused_outright temp_old sshtemp1
check "the new password logs in" logged_in temp_new sshtemp1
check "... without another change" \
    grep -q "^ssh-login.exp: user=sshtemp1 logged_in=yes prompts=1 " \
    "$work/temp_new.out"

# Logs: sshd's own and the module's syslog lines, never a password.
no_secret() {
	local pw f
	for f in "$ns/sshd.log" "$ns/syslog"; do
		[ -e "$f" ] || { echo "no $f"; return 1; }
		for pw in "$PERM_PW" "$TEMP_PW" "$NEW_PW" "$WRONG_PW"; do
			! grep -qF -- "$pw" "$f" ||
			    { echo "a password is in $f"; return 1; }
		done
	done
}
check "no password in sshd's log or the module's syslog lines" no_secret
if [ -n "$preload" ]; then
	no_asan_report() {
		local f clean=yes
		for f in "$work"/asan.*; do
			[ -e "$f" ] || continue
			cat "$f"
			clean=no
		done
		[ "$clean" = yes ]
	}
	check "no sanitizer report from sshd with the module" no_asan_report
fi
if [ -s "$ns/syslog" ]; then
	echo "# syslog lines (from /dev/log in the namespace):"
	comment "$ns/syslog"
fi
if [ "$fails" -gt 0 ] && [ -e "$ns/sshd.log" ]; then
	echo "# sshd log:"
	comment "$ns/sshd.log"
fi

echo "1..$n"
awk -v a="$(date +%s.%N)" -v b="$t0" \
    'BEGIN { printf "# sshd.sh took %.1f s\n", a - b }'
[ "$fails" -eq 0 ]
