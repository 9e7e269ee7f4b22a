#!/bin/bash
# sshd-totp.sh: two-factor logins through a real sshd and pam_idportal.so
# (TAP): enrollment at the first login (QR code, key and URI shown through
# keyboard-interactive, the code computed from the key shown with
# oathtool, recovery codes shown), then password + code, the same code
# again, a wrong code, and a recovery code (once).
#
# Run by tests/run-tests with the slapd-env variables (IDPORTAL_CONF,
# IDS_LDAPI_URI, IDS_BASE, ...) and IDS_BUILD_DIR in the environment.
# Needs root, openssh-server, openssh-client, expect, oathtool.  sshd runs
# in private namespaces (tests/sshd-ns) and the module talks to slapd over
# ldapi, as in tests/integ/sshd.sh (see there why).  SSHD_TEST_KEEP=1 keeps
# the work directory (transcripts, ns/sshd.log, ns/syslog).
# shellcheck disable=SC2317,SC2015 # functions called through "$@"; A && B || fail
set -uo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
self=$top/tests/integ/sshd-totp.sh
login_exp=$top/tests/ssh-login.exp

USER1=sshtotp1
UID1=29201
PW='Totp-Harbor-6150'

# --- inside the namespace: the logins, results to files -------------------
if [ "${1:-}" = --in-ns ]; then
	work=$2
	login() {	# login NAME USER ANSWER...
		local name=$1 rc=0
		shift
		"$login_exp" "$SSHD_PORT" "$@" > "$work/$name.out" 2>&1 ||
		    rc=$?
		echo "$rc" > "$work/$name.rc"
	}
	code_at() {	# code_at SECONDS: the enrolled key's code, now + SECONDS
		oathtool --totp -b "$(cat "$work/key")" \
		    -N "@$(($(date +%s) + $1))"
	}
	: > "$work/ns-ran"
	rc=0
	"$work/enroll.exp" "$SSHD_PORT" "$USER1" "$PW" "$work/key" \
	    > "$work/enroll.out" 2>&1 || rc=$?
	echo "$rc" > "$work/enroll.rc"
	[ -s "$work/key" ] || exit 0
	# The enrollment used this step's code: the next one logs in.
	next=$(code_at 30)
	login code_ok "$USER1" "$PW" "$next"
	login code_again "$USER1" "$PW" "$next"
	# six digits that are no code of the 7 steps around now
	near=" $(for o in -90 -60 -30 0 30 60 90; do code_at "$o"; done |
	    tr '\n' ' ')"
	wrong=$(((10#$next + 500009) % 1000000))
	while [[ $near == *" $(printf '%06d' "$wrong") "* ]]; do
		wrong=$(((wrong + 1) % 1000000))
	done
	login code_wrong "$USER1" "$PW" "$(printf '%06d' "$wrong")"
	recovery=$(tr -d '\r' < "$work/enroll.out" |
	    sed -n 's/^    \([0-9A-Z]\{5\}-[0-9A-Z]\{5\}\)$/\1/p' | head -n 1)
	echo "$recovery" > "$work/recovery"
	login recovery_ok "$USER1" "$PW" "$recovery"
	login recovery_again "$USER1" "$PW" "$recovery"
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
	echo "ok 1 - sshd two-factor logins # SKIP $*"
	echo "1..1"
	exit 0
}
bail() {
	echo "Bail out! $*"
	exit 1
}

[ "$(id -u)" -eq 0 ] || skip_all "needs root"
for t in unshare expect ssh /usr/sbin/sshd ssh-keygen perl oathtool; do
	command -v "$t" > /dev/null ||
	    skip_all "$t not installed (packages: openssh-server" \
	    "openssh-client expect oathtool)"
done
for v in IDPORTAL_CONF IDS_LDAPI_URI IDS_BASE IDS_BUILD_DIR; do
	[ -n "${!v:-}" ] || bail "$v is not set (run through tests/run-tests)"
done
[ -f "$IDS_BUILD_DIR/pam_idportal.so" ] ||
    bail "no $IDS_BUILD_DIR/pam_idportal.so"

work=$(mktemp -d "${TMPDIR:-/tmp}/idportal-sshd-totp.XXXXXX") ||
    bail "mktemp"
chmod 0700 "$work"
people=ou=people,$IDS_BASE
dn=uid=$USER1,$people
ldap() {	# ldap TOOL ARGS...: as root over ldapi
	local tool=$1
	shift
	LDAPNOINIT=1 "$tool" -Q -Y EXTERNAL -H "$IDS_LDAPI_URI" "$@"
}
delete_user() {
	ldap ldapdelete -r "$dn" > /dev/null 2>&1
}
cleanup() {
	delete_user
	if [ "${SSHD_TEST_KEEP:-}" = 1 ]; then
		echo "# kept $work (SSHD_TEST_KEEP=1)"
	else
		rm -rf -- "$work"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

# The module's config: ldapi instead of TCP (as in sshd.sh).
conf=$work/idportal.conf
sed -e '/^[[:space:]]*uri[[:space:]]*=/d' \
    -e '/^[[:space:]]*write_uri[[:space:]]*=/d' \
    -e '/^[[:space:]]*tls[[:space:]]*=/d' "$IDPORTAL_CONF" > "$conf"
printf 'uri = %s\ntls = none\n' "$IDS_LDAPI_URI" >> "$conf"
chmod 0600 "$conf"

# The user, with two-factor turned on but no authenticator yet (what
# `idportal totp enable` leaves): the next login enrolls.
add_user() {
	printf '%s\n' "dn: $dn" "objectClass: inetOrgPerson" \
	    "objectClass: posixAccount" "objectClass: idpUser" "uid: $USER1" \
	    "cn: sshd totp test" "sn: $USER1" "uidNumber: $UID1" \
	    "gidNumber: $UID1" "homeDirectory: /tmp" "loginShell: /bin/sh" \
	    "idpUserType: individual" "idpState: active" "" \
	    "dn: cn=state,$dn" "objectClass: idpUserState" "cn: state" \
	    "idpPasswordFailures: 0" "idpTotpFailures: 0" \
	    "idpTotpLastStep: 0" "idpTotpState: pending" |
	    ldap ldapadd > /dev/null || return 1
	ldap ldappasswd -s "$PW" "$dn"
}
delete_user
check "add $USER1 with two-factor pending" add_user

# The enrolling login: answers the password, reads the key the module
# shows, answers the code of that key (oathtool), keeps the transcript.
cat > "$work/enroll.exp" <<'EOF'
#!/usr/bin/expect -f
# enroll.exp PORT USER PASSWORD KEYFILE
lassign $argv port user pw keyfile
set hostkey [list -o StrictHostKeyChecking=yes \
    -o UserKnownHostsFile=$env(SSHD_KNOWN_HOSTS)]
log_user 1
match_max 100000
set timeout 20
spawn -noecho ssh -F /dev/null -T -p $port {*}$hostkey \
    -o GlobalKnownHostsFile=/dev/null \
    -o PreferredAuthentications=keyboard-interactive \
    -o NumberOfPasswordPrompts=1 -o PubkeyAuthentication=no \
    -o GSSAPIAuthentication=no -o IdentityAgent=none -o BatchMode=no \
    $user@127.0.0.1 {echo LOGGED-IN-AS-$(id -un)}
set key ""
set logged_in no
set why ""
expect {
	-re {Or add this key by hand: ([A-Z2-7]+)\r?\n} {
		set key $expect_out(1,string)
		set f [open $keyfile w]
		puts $f $key
		close $f
		exp_continue
	}
	-re {Password: $} {
		send -- "$pw\r"
		exp_continue
	}
	-re {Verification code: $} {
		if {$key eq ""} {
			set why "code asked before any key was shown"
		} else {
			send -- "[exec oathtool --totp -b $key]\r"
			exp_continue
		}
	}
	-re {LOGGED-IN-AS-([^\r\n]*)\r?\n} {
		if {$expect_out(1,string) eq $user} {
			set logged_in yes
		}
		exp_continue
	}
	eof {}
	timeout { set why "timed out" }
}
if {$why ne ""} {
	puts "\nenroll.exp: $why"
	catch {exec kill -TERM [exp_pid]}
	catch {close}
}
catch {wait}
set shown [expr {$key ne {} ? {yes} : {no}}]
puts "enroll.exp: user=$user logged_in=$logged_in key_shown=$shown"
exit [expr {$logged_in eq "yes" ? 0 : 1}]
EOF
chmod 0700 "$work/enroll.exp"

preload=
if readelf -d "$IDS_BUILD_DIR/pam_idportal.so" 2> /dev/null |
    grep 'NEEDED.*libasan' > /dev/null; then
	preload=$(gcc -print-file-name=libasan.so)
	export ASAN_OPTIONS=detect_leaks=0:log_path=$work/asan
	export UBSAN_OPTIONS=print_stacktrace=1:log_path=$work/asan
fi

ns=$work/ns
rc=0
"$top/tests/sshd-ns" run --user "$USER1:$UID1" --config "$conf" \
    --module "$IDS_BUILD_DIR/pam_idportal.so" \
    ${preload:+--preload "$preload"} \
    "$ns" -- "$self" --in-ns "$work" > "$work/sshd-ns.out" 2>&1 || rc=$?
if [ "$rc" -eq 0 ] && [ -e "$work/ns-ran" ]; then
	tap OK "sshd runs in a private mount+net+pid namespace"
else
	tap FAIL "sshd runs in a private mount+net+pid namespace (exit $rc)"
	comment "$work/sshd-ns.out"
fi

transcript() {	# transcript NAME
	tr -d '\r' < "$work/$1.out" 2> /dev/null
}
rc_of() {
	cat "$work/$1.rc" 2> /dev/null || echo missing
}
logged_in() {	# logged_in NAME
	[ "$(rc_of "$1")" = 0 ] &&
	    grep -q "^LOGGED-IN-AS-$USER1"$'\r'"\?$" "$work/$1.out" ||
	    { transcript "$1"; return 1; }
}
refused() {	# refused NAME
	[ "$(rc_of "$1")" = 1 ] &&
	    grep -q "logged_in=no " "$work/$1.out" &&
	    grep -q 'Permission denied' "$work/$1.out" ||
	    { transcript "$1"; return 1; }
}
shows() {	# shows NAME TEXT
	grep -qF -- "$2" "$work/$1.out" || { transcript "$1"; return 1; }
}
prompts_in_order() {	# prompts_in_order NAME PROMPT...
	local name=$1 p rest
	shift
	rest=$(transcript "$name")
	for p in "$@"; do
		case $rest in
		*"$p"*) rest=${rest#*"$p"} ;;
		*) echo "no \"$p\" (after the previous prompts)"; return 1 ;;
		esac
	done
}
recovery_lines() {	# recovery_lines NAME: how many "    XXXXX-XXXXX"
	local c='[0-9A-HJKMNP-TV-Z]'	# Crockford's base32
	transcript "$1" | grep -cE "^    $c{5}-$c{5}\$"
}
qr_lines() {
	transcript "$1" | grep -cE '^[ ▀▄█]{20,}$'
}
key=$(cat "$work/key" 2> /dev/null)

echo "# transcript of the enrolling login:"
comment "$work/enroll.out"
check "enrollment at the first login: logged in" logged_in enroll
check "... told two-factor must be set up" \
    shows enroll "Two-factor authentication must be set up"
check "... shown a QR code ($(qr_lines enroll) lines)" \
    test "$(qr_lines enroll)" -ge 10
key_and_uri_shown() {
	[ -n "$key" ] && shows enroll \
	    "otpauth://totp/idportal:$USER1?secret=$key&issuer=idportal"
}
check "... shown the key and the otpauth URI" key_and_uri_shown
check "... asked Password:, then Verification code: after the key" \
    prompts_in_order enroll "Password: " "Or add this key by hand: " \
    "Verification code: "
check "... shown 10 recovery codes ($(recovery_lines enroll))" \
    test "$(recovery_lines enroll)" -eq 10
state_active() {
	ldap ldapsearch -LLL -b "cn=state,$dn" -s base idpTotpState |
	    grep -qx 'idpTotpState: active'
}
check "... the directory has the authenticator active" state_active
check "password + next code: logged in" logged_in code_ok
check "... asked Password: then Verification code:" \
    grep -q "^ssh-login.exp: user=$USER1 logged_in=yes prompts=2 " \
    "$work/code_ok.out"
check "the same code again: refused" refused code_again
check "a wrong code: refused" refused code_wrong
check "a recovery code: logged in" logged_in recovery_ok
check "the same recovery code again: refused" refused recovery_again

no_secret() {
	local f s
	for f in "$ns/sshd.log" "$ns/syslog"; do
		[ -e "$f" ] || { echo "no $f"; return 1; }
		for s in "$PW" "$key" "$(cat "$work/recovery" 2> /dev/null)"; do
			[ -n "$s" ] || continue
			! grep -qF -- "$s" "$f" ||
			    { echo "a secret is in $f"; return 1; }
		done
	done
}
check "no password, key or recovery code in sshd's log or syslog" no_secret
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
    'BEGIN { printf "# sshd-totp.sh took %.1f s\n", a - b }'
[ "$fails" -eq 0 ]
