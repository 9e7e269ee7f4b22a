#!/bin/bash
# Integration test of `idportal reissue` (TAP): output (human and --json),
# what it writes to the directory, the deadline (end of the next calendar
# day in the site's zone, with the clock moved by libfaketime, never by
# sleeping), logins through pam_idportal.so with the new password and after
# the deadline, admin-chosen passwords, --mail, and the ways it must refuse.
#
# Uses the shared directory of run-tests (env IDPORTAL_CONF, IDS_ENV_DIR,
# IDS_LDAPI_URI, IDS_BASE, IDPORTAL, IDS_BUILD_DIR, ...). Everything it
# makes has an ID starting with "reis" and is deleted at the end. Needs
# root, ldap-utils, pamtester, pam_wrapper and faketime.
set -uo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
build=${IDS_BUILD_DIR:-$top/build}
idportal=${IDPORTAL:-$build/idportal}
module=$build/pam_idportal.so
multiarch=$(gcc -print-multiarch 2> /dev/null || echo x86_64-linux-gnu)
libfaketime=/usr/lib/$multiarch/faketime/libfaketime.so.1
export PATH=$PATH:/usr/sbin:/sbin

# check, not, bail, and the counters n and fails
. "$(dirname "${BASH_SOURCE[0]}")/../tap.sh"
for v in IDPORTAL_CONF IDS_ENV_DIR IDS_LDAPI_URI IDS_BASE; do
	[ -n "${!v:-}" ] || bail "$v is not set (run from tests/run-tests)"
done
[ -x "$idportal" ] || bail "no idportal CLI at $idportal"
[ -r "$module" ] || bail "no PAM module at $module"
[ -r "$libfaketime" ] || bail "no $libfaketime (package faketime)"

conf=$IDPORTAL_CONF
base=$IDS_BASE
people=ou=people,$base
admins_dn=cn=idportal-admins,ou=groups,$base
mail_dir=$IDS_ENV_DIR/mail
admin=reisadm01
admin_dn=uid=$admin,$people

umask 077
work=$(mktemp -d "${TMPDIR:-/tmp}/reissue-test.XXXXXX") || exit 1
made=()		# DNs to delete at the end, children before parents
sent=()		# messages of the fake sendmail caused here (n.eml)
cleanup() {
	local i m
	for m in "${sent[@]}"; do
		rm -f -- "$mail_dir/$m" "$mail_dir/${m%.eml}.args"
	done
	for ((i = ${#made[@]} - 1; i >= 0; i--)); do
		LDAPNOINIT=1 ldapdelete -Q -Y EXTERNAL -H "$IDS_LDAPI_URI" \
		    -r "${made[i]}" > /dev/null 2>&1
	done
	LDAPNOINIT=1 ldapmodify -Q -Y EXTERNAL -H "$IDS_LDAPI_URI" \
	    > /dev/null 2>&1 <<EOF
dn: $admins_dn
changetype: modify
delete: member
member: $admin_dn
EOF
	rm -rf -- "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

# check_faked: a check of a PAM login under libfaketime; skipped in an ASan
# build, where libfaketime and the ASan runtime together hang pamtester
check_faked() {
	if [ -n "$asan_rt" ]; then
		n=$((n + 1))
		echo "ok $n # SKIP $1 (libfaketime + ASan hang pamtester)"
		return
	fi
	check "$@"
}

# --- the directory, as root over ldapi ---------------------------------------
# ldapi, search, value_of, attr_is, attr_absent, ldif_in
. "$(dirname "${BASH_SOURCE[0]}")/../ldapi.sh"
has_entry() {	# has_entry DN
	search "$1" base 1.1 > /dev/null 2>&1
}

uidn=$((62000 + RANDOM % 3000))
# mk_user ID [ATTR: VALUE LINES...]: an active individual user under
# ou=people, removed at the end.
mk_user() {
	local id=$1 dn=uid=$1,$people
	shift
	uidn=$((uidn + 1))
	if has_entry "$dn"; then	# left over from an interrupted run
		ldapi ldapdelete -r "$dn" > /dev/null 2>&1
	fi
	{
		cat <<EOF
dn: $dn
objectClass: inetOrgPerson
objectClass: posixAccount
objectClass: idpUser
uid: $id
cn: Reissue Test $id
sn: $id
uidNumber: $uidn
gidNumber: $uidn
homeDirectory: /home/$id
loginShell: /bin/bash
idpUserType: individual
idpState: active
EOF
		local line
		for line in "$@"; do
			printf '%s\n' "$line"
		done
	} | ldif_in -a
	made+=("$dn")
}
mk_state() {	# mk_state ID FAILURES: cn=state with idpPasswordFailures
	ldif_in -a <<EOF
dn: cn=state,uid=$1,$people
objectClass: idpUserState
cn: state
idpPasswordFailures: $2
idpTotpFailures: 0
idpTotpLastStep: 0
EOF
}
set_failures() {	# set_failures ID N
	ldif_in <<EOF
dn: cn=state,uid=$1,$people
changetype: modify
replace: idpPasswordFailures
idpPasswordFailures: $2
EOF
}
set_password() {	# set_password ID PASSWORD: a permanent one
	ldapi ldappasswd -s "$2" "uid=$1,$people" > /dev/null ||
	    bail "ldappasswd for $1 failed"
}
# binds ID PASSWORD: a simple bind as the user (StartTLS) succeeds
binds() {
	printf '%s' "$2" > "$work/bind.pw"
	LDAPTLS_CACERT=$IDS_CA_FILE LDAPTLS_REQCERT=demand ldapwhoami -ZZ -x \
	    -H "$IDS_URI" -D "uid=$1,$people" -y "$work/bind.pw"
}

# --- the CLI -----------------------------------------------------------------
asan_rt=
# grep reads it all: with -q, ldd could die of SIGPIPE and pipefail
# would then call an ASan build a plain one
if ldd "$idportal" "$module" 2> /dev/null | grep libasan > /dev/null; then
	asan_rt=$(gcc -print-file-name=libasan.so)
fi
export ASAN_OPTIONS=detect_leaks=0
# cli [--at 'YYYY-MM-DD hh:mm:ss' (UTC)] ARGS...: the CLI with output in
# $work/out and $work/err, exit status in $rc. --at freezes its clock there.
cli() {
	local pre=()
	if [ "$1" = --at ]; then
		pre=(env TZ=UTC "FAKETIME=$2" FAKETIME_DONT_FAKE_MONOTONIC=1
		    "LD_PRELOAD=${asan_rt:+$asan_rt }$libfaketime")
		shift 2
	fi
	rc=0
	timeout 60 "${pre[@]}" "$idportal" "$@" < /dev/null > "$work/out" \
	    2> "$work/err" || rc=$?
}
as_admin=(--as "$admin" --as-pw-file "$work/admin.pw")

exit_is() {	# exit_is WANT
	[ "$rc" -eq "$1" ] || {
		echo "exit $rc, want $1; stderr:"
		cat "$work/err"
		return 1
	}
}
exit_not_0() {
	[ "$rc" -ne 0 ] || { echo "exit 0; stdout:"; cat "$work/out"; return 1; }
}
err_lines_are() {	# err_lines_are N: N stderr lines, all "idportal: "
	local lines
	lines=$(wc -l < "$work/err")
	if [ "$lines" -ne "$1" ] || grep -qv '^idportal: ' "$work/err"; then
		echo "want $1 line(s) starting 'idportal: ', got:"
		cat "$work/err"
		return 1
	fi
}
one_error_line() {
	err_lines_are 1
}
has_all() {	# has_all FILE FIXED-STRING...: every string is in FILE
	local f=$1 s
	shift
	for s in "$@"; do
		grep -qF -- "$s" "$f" ||
		    { echo "no '$s' in:"; cat "$f"; return 1; }
	done
}
err_has() {
	has_all "$work/err" "$@"
}
out_has() {
	has_all "$work/out" "$@"
}
json_value() {	# json_value KEY: a string value of the --json output
	sed -n "s/.*\"$1\":\"\([^\"\\\\]*\)\".*/\1/p" "$work/out"
}
json_literal() {	# json_literal KEY: a true/false/null/number value
	sed -n "s/.*\"$1\":\([a-z0-9]*\)[,}].*/\1/p" "$work/out"
}
is_json_object() {	# one line, {...}, with exactly the keys given
	local keys
	if [ "$(wc -l < "$work/out")" -ne 1 ] ||
	    ! grep -qx '{.*}' "$work/out"; then
		echo "not one JSON object line:"
		cat "$work/out"
		return 1
	fi
	keys=$(grep -o '"[a-z_]*":' "$work/out" | tr -d '":' | sort | xargs)
	[ "$keys" = "$(printf '%s\n' "$@" | sort | xargs)" ] ||
	    { echo "keys '$keys', want '$*'"; return 1; }
}
matches() {	# matches ERE STRING
	grep -Eqx -- "$1" <<< "$2" || { echo "'$2' does not match $1"; return 1; }
}
equals() {	# equals GOT WANT
	[ "$1" = "$2" ] || { echo "got '$1', want '$2'"; return 1; }
}
occurs_once() {	# occurs_once STRING FILE
	local c
	c=$(grep -oF -- "$1" "$2" | wc -l)
	[ "$c" -eq 1 ] || { echo "'$1' occurs $c times in:"; cat "$2"; return 1; }
}
# The printed password of the human output: the indented line.
human_password() {
	sed -n 's/^    \([^ ].*\)$/\1/p' "$work/out" | head -n 1
}

# The end of the next calendar day in Asia/Tokyo, now (no DST there).
tokyo_deadline_now() {
	local today
	today=$(TZ=Asia/Tokyo date +%F)
	date -u -d "@$(TZ=Asia/Tokyo date -d "$today + 2 days" +%s)" \
	    +%Y%m%d%H%M%SZ
}
tokyo_tomorrow() {
	TZ=Asia/Tokyo date -d "$(TZ=Asia/Tokyo date +%F) + 1 day" +%F
}
one_of() {	# one_of GOT WANT1 WANT2
	[ "$1" = "$2" ] || [ "$1" = "$3" ] ||
	    { echo "got '$1', want '$2' or '$3'"; return 1; }
}
# GeneralizedTime (UTC) -> "YYYY-MM-DD hh:mm:ss" (UTC), shifted by SECONDS
gentime_plus() {
	local g=$1 s
	s=$(date -u -d "${g:0:4}-${g:4:2}-${g:6:2} ${g:8:2}:${g:10:2}:${g:12:2}Z" +%s)
	date -u -d "@$((s + $2))" '+%F %T'
}

# --- logins through the module (pamtester under pam_wrapper) ------------------
pam_dir=$work/pam.d
mkdir -p "$pam_dir"
printf '%s\n' "auth required $module config=$conf" \
    "account required $module config=$conf" > "$pam_dir/idportal-reissue"
# pam_login [--at 'YYYY-MM-DD hh:mm:ss' (UTC)] USER PASSWORD: output of
# pamtester authenticate acct_mgmt (PAM_ERROR_MSG text included).
pam_login() {
	local pre=() preload=libpam_wrapper.so
	if [ "$1" = --at ]; then
		# not run in an ASan build: it would hang (check_faked skips
		# the checks of it)
		[ -z "$asan_rt" ] || return 0
		pre=(env TZ=UTC "FAKETIME=$2" FAKETIME_DONT_FAKE_MONOTONIC=1)
		preload="$libfaketime $preload"
		shift 2
	fi
	[ -z "$asan_rt" ] || preload="$asan_rt $preload"
	printf '%s\n' "$2" | timeout 60 "${pre[@]}" env LD_PRELOAD="$preload" \
	    PAM_WRAPPER=1 PAM_WRAPPER_SERVICE_DIR="$pam_dir" \
	    pamtester -v idportal-reissue "$1" authenticate acct_mgmt 2>&1 |
	    grep -v '^PWRAP_'
}
authenticated() {
	grep -q 'successfully authenticated' "$work/pam.out" ||
	    { echo "not authenticated:"; cat "$work/pam.out"; return 1; }
}
not_authenticated() {
	not grep -q 'successfully authenticated' "$work/pam.out" ||
	    { echo "authenticated:"; cat "$work/pam.out"; return 1; }
}
must_change() {
	grep -q 'Authentication token is no longer valid; new one required' \
	    "$work/pam.out" || { echo "no forced change:"; cat "$work/pam.out"
	    return 1; }
}
account_ok() {
	grep -q 'account management done' "$work/pam.out" ||
	    { echo "account not ok:"; cat "$work/pam.out"; return 1; }
}
says_expired() {
	grep -q 'temporary password has expired' "$work/pam.out" ||
	    { echo "no 'temporary password has expired' in:"
	    cat "$work/pam.out"; return 1; }
}

mails() {	# mails: the messages saved by the fake sendmail, sorted
	local f
	for f in "$mail_dir"/*.eml; do
		[ -e "$f" ] && printf '%s\n' "${f##*/}"
	done | sort
}
new_mail() {	# new_mail: the messages not in $work/mails.before
	local m
	mails > "$work/mails.after"
	comm -13 "$work/mails.before" "$work/mails.after" > "$work/mails.new"
	while read -r m; do
		sent+=("$m")
	done < "$work/mails.new"
	cat "$work/mails.new"
}
no_new_mail() {
	new_mail > /dev/null
	[ ! -s "$work/mails.new" ] ||
	    { echo "new messages:"; cat "$work/mails.new"; return 1; }
}

# --- fixtures ----------------------------------------------------------------
head -c 18 /dev/urandom | base64 | tr -d '\n/+=' > "$work/admin.pw"
chmod 600 "$work/admin.pw"
mk_user "$admin" "idpRole: admin"
ldapi ldappasswd -T "$work/admin.pw" "$admin_dn" > /dev/null ||
    bail "ldappasswd for $admin failed"
mk_state "$admin" 0
ldif_in <<EOF
dn: $admins_dn
changetype: modify
add: member
member: $admin_dn
EOF

old_pw=Quartz-Harbor-5127-Lantern
mk_user reisusr01 "mail: reisusr01@example.org"
mk_state reisusr01 3
set_password reisusr01 "$old_pw"
mk_user reisusr02			# no mail, no state entry
mk_user reisusr03			# the deadline through PAM
mk_user reisusr04			# passwords of the admin's choice
mk_user reisusr05 "mail:: $(printf 'victim@example.org\nBcc: evil@example.org' |
    base64 -w0)"
mk_user reisusr06			# a normal user, not an admin
normal_pw=Velvet-Otter-Mango-8841
set_password reisusr06 "$normal_pw"
mk_user reisusr07			# the service account may not reissue
perm_pw=Cobalt-Fjord-Pepper-3390
set_password reisusr07 "$perm_pw"
mk_state reisusr07 0
mk_user reisusr08			# deadlines with the clock moved
mk_user reisusr09 "mail: victim@example.org, evil@example.org"

check "fixture: $admin binds with its password" \
    binds "$admin" "$(cat "$work/admin.pw")"
check "fixture: reisusr01 binds with its permanent password" \
    binds reisusr01 "$old_pw"
check "fixture: reisusr01 has idpPasswordFailures 3" \
    attr_is "cn=state,uid=reisusr01,$people" idpPasswordFailures 3

# --- as an admin, human output -----------------------------------------------
day_before=$(tokyo_tomorrow)
dl_before=$(tokyo_deadline_now)
cli "${as_admin[@]}" reissue reisusr01
dl_after=$(tokyo_deadline_now)
day_after=$(tokyo_tomorrow)
pw1=$(human_password)
check "reissue as an admin exits 0" exit_is 0
check "... with nothing on stderr" test ! -s "$work/err"
check "... says whose password it is, shown once" \
    out_has "Temporary password for reisusr01 (shown once)"
check "... the password is 10 letters and digits" \
    matches '[A-Za-z0-9]{10}' "$pw1"
check "... printed exactly once" occurs_once "$pw1" "$work/out"
check "... and the last valid day (tomorrow in Asia/Tokyo)" grep -Eq \
    "Valid until the end of ($day_before|$day_after) \\(Asia/Tokyo\\)" \
    "$work/out"
check "the entry has idpTempPassword TRUE" \
    attr_is "uid=reisusr01,$people" idpTempPassword TRUE
check "... and idpTempPasswordDeadline the end of the next day" one_of \
    "$(value_of "uid=reisusr01,$people" idpTempPasswordDeadline)" \
    "$dl_before" "$dl_after"
check "cn=state idpPasswordFailures is back to 0" \
    attr_is "cn=state,uid=reisusr01,$people" idpPasswordFailures 0
check "the new password binds" binds reisusr01 "$pw1"
check "the old permanent password no longer binds" \
    not binds reisusr01 "$old_pw"

# --- --json ------------------------------------------------------------------
set_failures reisusr01 3
dl_before=$(tokyo_deadline_now)
cli --json "${as_admin[@]}" reissue reisusr01
dl_after=$(tokyo_deadline_now)
pw2=$(json_value temporary_password)
dl2=$(json_value deadline)
check "--json reissue exits 0, nothing on stderr" exit_is 0
check "... stderr empty" test ! -s "$work/err"
check "... one JSON object with keys id, temporary_password, deadline, mailed" \
    is_json_object id temporary_password deadline mailed
check "... id is reisusr01" equals "$(json_value id)" reisusr01
check "... temporary_password is 10 letters and digits" \
    matches '[A-Za-z0-9]{10}' "$pw2"
check "... a new one each time" not equals "$pw2" "$pw1"
check "... deadline is a UTC GeneralizedTime" matches '[0-9]{14}Z' "$dl2"
check "... the end of the next day in Asia/Tokyo" \
    one_of "$dl2" "$dl_before" "$dl_after"
check "... mailed is false" equals "$(json_literal mailed)" false
check "the entry's idpTempPasswordDeadline is the JSON deadline" \
    attr_is "uid=reisusr01,$people" idpTempPasswordDeadline "$dl2"
check "... idpTempPassword TRUE" \
    attr_is "uid=reisusr01,$people" idpTempPassword TRUE
check "idpPasswordFailures 3 -> 0" \
    attr_is "cn=state,uid=reisusr01,$people" idpPasswordFailures 0
pam_login reisusr01 "$pw2" > "$work/pam.out"
check "PAM: the temporary password authenticates" authenticated
check "... and account says a new password is required" must_change
pam_login reisusr01 "$old_pw" > "$work/pam.out"
check "PAM: the old permanent password is refused" not_authenticated
pam_login reisusr01 "$pw1" > "$work/pam.out"
check "PAM: the previous temporary password is refused" not_authenticated

# --- temp_password_length ----------------------------------------------------
{ grep -v '^temp_password_length' "$conf"; echo 'temp_password_length = 16'; } \
    > "$work/len16.conf"
cli --config "$work/len16.conf" --json "${as_admin[@]}" reissue reisusr01
pw16=$(json_value temporary_password)
check "temp_password_length = 16: exit 0" exit_is 0
check "... the password is 16 letters and digits" \
    matches '[A-Za-z0-9]{16}' "$pw16"
check "... and binds" binds reisusr01 "$pw16"

# --- a user without a state entry --------------------------------------------
check "fixture: reisusr02 has no state entry" \
    not has_entry "cn=state,uid=reisusr02,$people"
cli --json "${as_admin[@]}" reissue reisusr02
check "reissue for a user without cn=state exits 0" exit_is 0
check "... the state entry was made" \
    has_entry "cn=state,uid=reisusr02,$people"
check "... with idpPasswordFailures 0" \
    attr_is "cn=state,uid=reisusr02,$people" idpPasswordFailures 0
check "... and the password binds" \
    binds reisusr02 "$(json_value temporary_password)"

# --- the deadline, with the clock moved ---------------------------------------
u8=uid=reisusr08,$people
# deadline_at 'UTC TIME' [CONFIG] WANT DESCRIPTION
deadline_at() {
	local at=$1 cf=$2 want=$3 desc=$4 got
	cli --at "$at" --config "$cf" --json "${as_admin[@]}" reissue reisusr08
	got=$(json_value deadline)
	check "$desc: exit 0" exit_is 0
	check "... deadline $want" equals "$got" "$want"
	check "... stored as idpTempPasswordDeadline" \
	    attr_is "$u8" idpTempPasswordDeadline "$want"
}
sed 's|^timezone = .*|timezone = UTC|' "$conf" > "$work/utc.conf"
sed 's|^timezone = .*|timezone = America/New_York|' "$conf" > "$work/ny.conf"
sed 's|^timezone = .*|timezone = Europe/Berlin|' "$conf" > "$work/berlin.conf"
check "fixture: the shared config says timezone = Asia/Tokyo" \
    grep -qx 'timezone = Asia/Tokyo' "$conf"

deadline_at '2026-11-23 14:59:59' "$conf" 20261124150000Z \
    "Tokyo, issued 23:59:59 JST (14:59:59Z)"
deadline_at '2026-11-23 15:00:00' "$conf" 20261125150000Z \
    "Tokyo, issued 00:00:00 JST the next day (15:00:00Z)"
cli --at '2026-11-23 14:59:59' "${as_admin[@]}" reissue reisusr08
check "human output at 23:59:59 JST: valid until the end of 2026-11-24" \
    out_has "Valid until the end of 2026-11-24 (Asia/Tokyo)"
cli --at '2026-11-23 15:00:00' "${as_admin[@]}" reissue reisusr08
check "human output at 00:00 JST: valid until the end of 2026-11-25" \
    out_has "Valid until the end of 2026-11-25 (Asia/Tokyo)"
deadline_at '2026-11-23 14:59:59' "$work/utc.conf" 20261125000000Z \
    "timezone = UTC, issued 2026-11-23 14:59:59Z"
deadline_at '2026-11-23 23:59:59' "$work/utc.conf" 20261125000000Z \
    "timezone = UTC, issued 2026-11-23 23:59:59Z"
# Spring forward in New York: 2026-03-08 02:00 EST -> 03:00 EDT.
deadline_at '2026-03-07 17:00:00' "$work/ny.conf" 20260309040000Z \
    "America/New_York, issued 2026-03-07 12:00 EST, across spring-forward"
cli --at '2026-03-07 17:00:00' --config "$work/ny.conf" "${as_admin[@]}" \
    reissue reisusr08
check "... human output: valid until the end of 2026-03-08" \
    out_has "Valid until the end of 2026-03-08 (America/New_York)"
deadline_at '2026-03-08 04:59:59' "$work/ny.conf" 20260309040000Z \
    "America/New_York, issued 2026-03-07 23:59:59 EST"
deadline_at '2026-03-08 05:00:00' "$work/ny.conf" 20260310040000Z \
    "America/New_York, issued 2026-03-08 00:00 EST, the short day itself"
# Fall back in Berlin: 2026-10-25 03:00 CEST -> 02:00 CET.
deadline_at '2026-10-24 10:00:00' "$work/berlin.conf" 20261025230000Z \
    "Europe/Berlin, issued 2026-10-24 12:00 CEST, across fall-back"
deadline_at '2026-10-23 21:59:59' "$work/berlin.conf" 20261024220000Z \
    "Europe/Berlin, issued 2026-10-23 23:59:59 CEST"
deadline_at '2026-10-24 22:00:00' "$work/berlin.conf" 20261026230000Z \
    "Europe/Berlin, issued 2026-10-25 00:00 CEST, the long day itself"

# --- the deadline through PAM ------------------------------------------------
cli --json "${as_admin[@]}" reissue reisusr03
pw3=$(json_value temporary_password)
dl3=$(json_value deadline)
check "reissue reisusr03 exits 0 with a deadline" matches '[0-9]{14}Z' "$dl3"
before=$(gentime_plus "$dl3" -1)
at=$(gentime_plus "$dl3" 0)
pam_login --at "$before" reisusr03 "$pw3" > "$work/pam.out"
check_faked "PAM one second before the deadline ($before UTC): authenticated" \
    authenticated
check_faked "... and a new password required" must_change
pam_login --at "$at" reisusr03 "$pw3" > "$work/pam.out"
check_faked "PAM at the deadline ($at UTC): the temporary password is refused" \
    not_authenticated
check_faked "... saying the temporary password has expired" says_expired
pam_login --at "$at" reisusr03 "not-$pw3" > "$work/pam.out"
check_faked "PAM at the deadline, wrong password: refused" not_authenticated
check_faked "... with the same 'expired' message" says_expired
pam_login --at "$(gentime_plus "$dl3" 86400)" reisusr03 "$pw3" \
    > "$work/pam.out"
check_faked "PAM a day after the deadline: refused, 'expired'" says_expired
# A reissue after expiry gives a fresh deadline from then.
cli --at "$(gentime_plus "$dl3" 3600)" --json "${as_admin[@]}" \
    reissue reisusr03
pw3b=$(json_value temporary_password)
dl3b=$(json_value deadline)
check "a reissue after the deadline exits 0" exit_is 0
# issued 01:00 JST the day after the old deadline's date began: its end of
# next day is two days after the old deadline
check "... with a deadline two days after the old one" \
    equals "$dl3b" "$(date -u -d "$(gentime_plus "$dl3" 172800)Z" \
    +%Y%m%d%H%M%SZ)"
pam_login --at "$(gentime_plus "$dl3" 3600)" reisusr03 "$pw3b" \
    > "$work/pam.out"
check_faked "... and its password is accepted then" authenticated
check_faked "... to be changed" must_change

# --- a password of the admin's choice -----------------------------------------
chosen=Marble-Tundra-Falcon-6620
cli "${as_admin[@]}" reissue reisusr04 --password "$chosen"
check "--password STRONG exits 0" exit_is 0
check "... warns on stderr (one line) about the command line" \
    err_lines_are 1
check "... the warning mentions the command line / ps" \
    grep -Eqi 'command line|argv|ps\)' "$work/err"
check "... prints that password once" occurs_once "$chosen" "$work/out"
check "... the entry is flagged temporary" \
    attr_is "uid=reisusr04,$people" idpTempPassword TRUE
pam_login reisusr04 "$chosen" > "$work/pam.out"
check "PAM: the chosen password authenticates" authenticated
check "... and must be changed" must_change

cli "${as_admin[@]}" reissue reisusr04 --password 'Password2026!'
check "--password 'Password2026!' exits 2" exit_is 2
check "... two stderr lines: the argv warning and the error" err_lines_are 2
check "... saying 'password refused' and why" \
    err_has "password refused" "common password"
check "... and the previous password still binds" binds reisusr04 "$chosen"
check "... 'Password2026!' does not" not binds reisusr04 'Password2026!'

cli "${as_admin[@]}" reissue reisusr04 --password weakpass
check "--password weakpass exits 2" exit_is 2
check "... two stderr lines: the argv warning and the error" err_lines_are 2
check "... saying 'password refused'" err_has "password refused"
check "... weakpass was not set" not binds reisusr04 weakpass

chosen2=Saffron-Glacier-Bishop-4417
printf '%s\n' "$chosen2" > "$work/chosen.pw"
chmod 600 "$work/chosen.pw"
cli --json "${as_admin[@]}" reissue reisusr04 --password-file "$work/chosen.pw"
check "--password-file (0600 root) exits 0" exit_is 0
check "... without any warning" test ! -s "$work/err"
check "... JSON temporary_password is the file's password" \
    equals "$(json_value temporary_password)" "$chosen2"
check "... which binds" binds reisusr04 "$chosen2"

chosen3=Hazel-Quiver-Anvil-7153
printf '%s\n' "$chosen3" > "$work/open.pw"
chmod 644 "$work/open.pw"
cli "${as_admin[@]}" reissue reisusr04 --password-file "$work/open.pw"
check "--password-file with mode 0644 is refused" exit_not_0
check "... one stderr line" one_error_line
check "... naming the mode" err_has "mode 0644"
check "... the password was not set" not binds reisusr04 "$chosen3"
check "... the previous one still binds" binds reisusr04 "$chosen2"

cli "${as_admin[@]}" reissue reisusr04 --password "$chosen3" \
    --password-file "$work/chosen.pw"
check "--password and --password-file together exit 2" exit_is 2
check "... one stderr line (usage)" one_error_line
check "... nothing changed" not binds reisusr04 "$chosen3"

# --- refusals ----------------------------------------------------------------
cli "${as_admin[@]}" reissue reisnone99
check "an unknown user exits 3" exit_is 3
check "... one stderr line starting 'idportal: '" one_error_line
check "... naming the ID" err_has reisnone99

search "uid=reisusr07,$people" base idpTempPassword idpTempPasswordDeadline \
    > "$work/u7.before"
cli reissue reisusr07
check "without --as (the service account) exits 4" exit_is 4
check "... one stderr line" one_error_line
check "... saying the directory refused" err_has "directory"
search "uid=reisusr07,$people" base idpTempPassword idpTempPasswordDeadline \
    > "$work/u7.after"
check "... the user's entry is left as it was (no idpTempPassword)" \
    diff "$work/u7.before" "$work/u7.after"
pam_login reisusr07 "$perm_pw" > "$work/pam.out"
check "... the user's permanent password still logs in" authenticated
check "... without being forced to change it" account_ok
pam_login --at "$(date -u -d '+3 days' '+%F %T')" reisusr07 "$perm_pw" \
    > "$work/pam.out"
check_faked "... and still in three days (not 'expired')" authenticated

# reisusr08 has a temporary password (the deadline tests above): a refused
# reissue must leave its flag and deadline as they were.
search "$u8" base idpTempPassword idpTempPasswordDeadline > "$work/u8.before"
cli reissue reisusr08
check "without --as, a user with a temporary password: exit 4" exit_is 4
search "$u8" base idpTempPassword idpTempPasswordDeadline > "$work/u8.after"
check "... its flag and deadline are left as they were" \
    diff "$work/u8.before" "$work/u8.after"

printf 'not-the-password\n' > "$work/wrong.pw"
chmod 600 "$work/wrong.pw"
cli --as "$admin" --as-pw-file "$work/wrong.pw" reissue reisusr07
check "--as with a wrong admin password exits 4" exit_is 4
check "... one stderr line" one_error_line
check "... not showing the password" not grep -qF not-the-password "$work/err"

printf '%s\n' "$normal_pw" > "$work/normal.pw"
chmod 600 "$work/normal.pw"
search "uid=reisusr02,$people" base idpTempPassword idpTempPasswordDeadline \
    > "$work/u2.before"
cli --as reisusr06 --as-pw-file "$work/normal.pw" reissue reisusr02
check "--as a user who is not an admin exits 4" exit_is 4
check "... one stderr line" one_error_line
search "uid=reisusr02,$people" base idpTempPassword idpTempPasswordDeadline \
    > "$work/u2.after"
check "... the target entry is unchanged" diff "$work/u2.before" "$work/u2.after"

# --- --mail ------------------------------------------------------------------
mails > "$work/mails.before"
cli --json "${as_admin[@]}" reissue reisusr01 --mail
pwm=$(json_value temporary_password)
check "--mail for a user with a mail address exits 0" exit_is 0
check "... \"mailed\":true" equals "$(json_literal mailed)" true
new_mail > "$work/new"
msg=$mail_dir/$(head -n 1 "$work/new")
check "... one new message" test "$(wc -l < "$work/new")" -eq 1
check "... To: the user's address" grep -qx 'To: reisusr01@example.org' "$msg"
check "... with a Subject" grep -Eq '^Subject: .+' "$msg"
check "... the password in the body" \
    grep -qF -- "$pwm" <(sed '1,/^$/d' "$msg")
check "... which binds" binds reisusr01 "$pwm"

mails > "$work/mails.before"
cli "${as_admin[@]}" reissue reisusr01 --mail
new_mail > /dev/null
check "--mail, human output: exit 0 and 'Sent to' the address" \
    out_has "Sent to reisusr01@example.org"

mails > "$work/mails.before"
cli "${as_admin[@]}" reissue reisusr02 --mail
pw2m=$(human_password)
check "--mail for a user without mail exits non-zero" exit_not_0
check "... one stderr line" one_error_line
check "... saying there is no mail address" err_has "no mail address"
check "... the password is still printed, once" \
    matches '[A-Za-z0-9]{10}' "$pw2m"
check "... once" occurs_once "$pw2m" "$work/out"
check "... and it is the one set" binds reisusr02 "$pw2m"
check "... no message was written" no_new_mail

check "fixture: reisusr05's mail holds a newline" \
    grep -q '^mail:: ' <(search "uid=reisusr05,$people" base mail)
mails > "$work/mails.before"
cli "${as_admin[@]}" reissue reisusr05 --mail
check "--mail to 'victim@example.org\\nBcc: evil@example.org' is refused" \
    exit_not_0
check "... one stderr line" one_error_line
check "... no message was written" no_new_mail
check "... evil@example.org was not mailed" \
    not grep -rqs 'evil@example.org' "$mail_dir"
check "... the password is still printed once" \
    occurs_once "$(human_password)" "$work/out"

mails > "$work/mails.before"
cli --json "${as_admin[@]}" reissue reisusr09 --mail
check "--mail to 'victim@example.org, evil@example.org' is refused" \
    exit_not_0
check "... one stderr line" one_error_line
check "... \"mailed\":false" equals "$(json_literal mailed)" false
check "... no message was written" no_new_mail

# --- an unreachable directory ------------------------------------------------
# A closed port: nothing listens on 127.0.0.1:1 (checked).
if (exec 3<> /dev/tcp/127.0.0.1/1) 2> /dev/null; then
	bail "something listens on 127.0.0.1:1"
fi
sed 's|^uri = .*|uri = ldap://127.0.0.1:1|' "$conf" > "$work/dead.conf"
cli --config "$work/dead.conf" "${as_admin[@]}" reissue reisusr01
check "a dead uri exits 6" exit_is 6
check "... one stderr line starting 'idportal: '" one_error_line

echo "1..$n"
[ "$fails" -eq 0 ]
