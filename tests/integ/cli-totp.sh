#!/bin/bash
# Integration test of `idportal totp enable|enroll|reset|status` and
# `idportal unlock` (TAP): what each writes to the directory, its output
# (human and --json), who the shipped ACLs let do what (the top-level
# admin, an org admin in and outside their org, a user on themselves and on
# someone else), conflicts, and the enrollment at a terminal (driven by
# expect, codes from oathtool), checked end to end with a login through
# pam_idportal.so.
#
# Uses the shared directory of run-tests (env IDPORTAL_CONF, IDS_ENV_DIR,
# IDS_LDAPI_URI, IDS_BASE, IDS_URI, IDS_CA_FILE, IDPORTAL, IDS_BUILD_DIR).
# Everything it makes has an ID starting with "ctot" and is deleted at the
# end. Needs root, ldap-utils, expect, oathtool, pamtester, pam_wrapper.
set -uo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
build=${IDS_BUILD_DIR:-$top/build}
idportal=${IDPORTAL:-$build/idportal}
module=$build/pam_idportal.so
export PATH=$PATH:/usr/sbin:/sbin

# check, not, bail, and the counters n and fails
. "$(dirname "${BASH_SOURCE[0]}")/../tap.sh"
for v in IDPORTAL_CONF IDS_ENV_DIR IDS_LDAPI_URI IDS_BASE IDS_URI \
    IDS_CA_FILE; do
	[ -n "${!v:-}" ] || bail "$v is not set (run from tests/run-tests)"
done
[ -x "$idportal" ] || bail "no idportal CLI at $idportal"
[ -r "$module" ] || bail "no PAM module at $module"
for t in expect oathtool pamtester setsid; do
	command -v "$t" > /dev/null || bail "$t not found"
done

conf=$IDPORTAL_CONF
base=$IDS_BASE
people=ou=people,$base
admins_dn=cn=idportal-admins,ou=groups,$base
admin=ctotadm1
admin_dn=uid=$admin,$people
org1=o=ctotorg1,$base
org2=o=ctotorg2,$base

umask 077
work=$(mktemp -d "${TMPDIR:-/tmp}/cli-totp.XXXXXX") || exit 1
made=()		# DNs to delete at the end (recursively), parents last
cleanup() {
	local i
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


# --- the directory, as root over ldapi ---------------------------------------
ldapi() {	# ldapi TOOL ARGS...
	local tool=$1
	shift
	LDAPNOINIT=1 "$tool" -Q -Y EXTERNAL -H "$IDS_LDAPI_URI" "$@"
}
search() {	# search DN [ATTRS...]: the entry, unwrapped LDIF
	local b=$1
	shift
	ldapi ldapsearch -LLL -o ldif-wrap=no -b "$b" -s base "$@"
}
has_entry() {
	search "$1" 1.1 > /dev/null 2>&1
}
attr_is() {	# attr_is DN ATTR VALUE: ATTR has exactly this one value
	local got
	got=$(search "$1" "$2" | grep -i "^$2:") ||
	    { echo "$1: no $2"; return 1; }
	[ "$got" = "$2: $3" ] ||
	    { echo "$1: got '$got', want '$2: $3'"; return 1; }
}
attr_absent() {	# attr_absent DN ATTR
	local got
	got=$(search "$1" "$2" | grep -i "^$2:") || return 0
	echo "$1 has $got"
	return 1
}
count_of() {	# count_of DN ATTR: how many values
	search "$1" "$2" | grep -ic "^$2:"
}
ldif_in() {	# ldif_in [-a]: ldapmodify the LDIF on stdin as root, or bail
	ldapi ldapmodify "$@" > "$work/ldif.out" 2>&1 ||
	    { sed 's/^/# /' "$work/ldif.out"; bail "ldapmodify $* failed"; }
}
state_dn() {	# state_dn ID: its cn=state DN (the user under $people)
	printf 'cn=state,%s\n' "$(user_dn "$1")"
}
declare -A dns
user_dn() {
	printf '%s\n' "${dns[$1]}"
}

uidn=$((63000 + RANDOM % 3000))
# mk_user ID PARENT [ATTR: VALUE LINES...]: an active individual user
mk_user() {
	local id=$1 dn=uid=$1,$2 line
	shift 2
	uidn=$((uidn + 1))
	! has_entry "$dn" || ldapi ldapdelete -r "$dn" > /dev/null 2>&1
	{
		cat <<EOF
dn: $dn
objectClass: inetOrgPerson
objectClass: posixAccount
objectClass: idpUser
uid: $id
cn: Totp Test $id
sn: $id
uidNumber: $uidn
gidNumber: $uidn
homeDirectory: /home/$id
loginShell: /bin/bash
idpUserType: individual
idpState: active
EOF
		for line in "$@"; do
			printf '%s\n' "$line"
		done
	} | ldif_in -a
	dns[$id]=$dn
	made+=("$dn")
}
mk_org() {	# mk_org NAME
	! has_entry "o=$1,$base" || ldapi ldapdelete -r "o=$1,$base" \
	    > /dev/null 2>&1
	ldif_in -a <<EOF
dn: o=$1,$base
objectClass: organization
o: $1

dn: ou=people,o=$1,$base
objectClass: organizationalUnit
ou: people
EOF
	made+=("o=$1,$base")
}
# set_state ID ATTR VALUE...: replace ATTRs of cn=state (made first)
set_state() {
	local id=$1 dn
	dn=$(state_dn "$1")
	shift
	has_entry "$dn" || ldif_in -a <<EOF
dn: $dn
objectClass: idpUserState
cn: state
idpPasswordFailures: 0
idpTotpFailures: 0
idpTotpLastStep: 0
idpTotpState: none
EOF
	{
		printf 'dn: %s\nchangetype: modify\n' "$dn"
		while [ $# -ge 2 ]; do
			printf 'replace: %s\n%s: %s\n-\n' "$1" "$1" "$2"
			shift 2
		done
	} | ldif_in
}
# Active with a (fake) sealed secret and two recovery hashes, as root.
make_active() {	# make_active ID
	set_state "$1" idpTotpState active idpTotpLastStep 123
	ldif_in <<EOF
dn: $(state_dn "$1")
changetype: modify
replace: idpTotpSecret
idpTotpSecret:: $(head -c 48 /dev/urandom | base64 -w0)
-
replace: idpRecoveryCode
idpRecoveryCode: {PBKDF2-SHA256}1000\$aaaa\$bbbb
idpRecoveryCode: {PBKDF2-SHA256}1000\$cccc\$dddd
EOF
}
binds() {	# binds ID PASSWORD
	printf '%s' "$2" > "$work/bind.pw"
	LDAPTLS_CACERT=$IDS_CA_FILE LDAPTLS_REQCERT=demand ldapwhoami -ZZ -x \
	    -H "$IDS_URI" -D "$(user_dn "$1")" -y "$work/bind.pw"
}

# --- the CLI -----------------------------------------------------------------
asan_rt=
if ldd "$idportal" 2> /dev/null | grep libasan > /dev/null; then
	asan_rt=$(gcc -print-file-name=libasan.so)
fi
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
# cli ARGS...: the CLI without a terminal; stdout in $work/out, stderr in
# $work/err, exit status in $rc.
cli() {
	rc=0
	timeout 60 setsid -w "$idportal" "$@" < /dev/null > "$work/out" \
	    2> "$work/err" || rc=$?
}
pw=Totp-Test-Pass-7731
printf '%s\n' "$pw" > "$work/pw"
as_admin=(--as "$admin" --as-pw-file "$work/pw")
as() {	# as ID: the --as options for that user (password $pw)
	printf '%s\n' --as "$1" --as-pw-file "$work/pw"
}
mapfile -t as_oa1 < <(as ctotoa01)
mapfile -t as_usr1 < <(as ctotusr1)
mapfile -t as_usr2 < <(as ctotusr2)

exit_is() {	# exit_is WANT
	[ "$rc" -eq "$1" ] || {
		echo "exit $rc, want $1; stderr:"
		cat "$work/err"
		return 1
	}
}
no_err() {
	[ ! -s "$work/err" ] || { echo "stderr:"; cat "$work/err"; return 1; }
}
one_error_line() {	# exactly one stderr line, starting "idportal: "
	if [ "$(wc -l < "$work/err")" -ne 1 ] ||
	    grep -qv '^idportal: ' "$work/err"; then
		echo "want one line starting 'idportal: ', got:"
		cat "$work/err"
		return 1
	fi
}
no_output() {
	[ ! -s "$work/out" ] || { echo "stdout:"; cat "$work/out"; return 1; }
}
has_all() {	# has_all FILE FIXED-STRING...
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
is_json_object() {	# is_json_object KEY...: one line, {...}, these keys
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
equals() {	# equals GOT WANT
	[ "$1" = "$2" ] || { echo "got '$1', want '$2'"; return 1; }
}
state_is() {	# state_is ID VALUE: idpTotpState
	attr_is "$(state_dn "$1")" idpTotpState "$2"
}
gentime_plus() {	# gentime_plus GENTIME SECONDS: another GeneralizedTime
	local g=$1 s
	s=$(date -u -d \
	    "${g:0:4}-${g:4:2}-${g:6:2} ${g:8:2}:${g:10:2}:${g:12:2}Z" +%s)
	date -u -d "@$((s + $2))" +%Y%m%d%H%M%SZ
}
snapshot() {	# snapshot ID: cn=state as root, for "unchanged" checks
	search "$(state_dn "$1")" '*' | grep -v -i '^modif\|^entryCSN'
}

# --- fixtures ----------------------------------------------------------------
mk_org ctotorg1
mk_org ctotorg2
mk_user "$admin" "$people" "idpRole: admin"
ldif_in <<EOF
dn: $admins_dn
changetype: modify
add: member
member: $admin_dn
EOF
mk_user ctotoa01 "ou=people,$org1" "idpRole: orgadmin"
mk_user ctotoa02 "ou=people,$org1" "idpRole: orgadmin"
mk_user ctotmem1 "ou=people,$org1"
mk_user ctotmem2 "ou=people,$org1"
mk_user ctototh1 "ou=people,$org2"
for u in ctotusr1 ctotusr2 ctotusr3 ctotusr4 ctotusr5 ctotusr6 ctotusr7 \
    ctotusr8 ctotusr9; do
	mk_user "$u" "$people"
done
for u in "$admin" ctotoa01 ctotusr1 ctotusr2 ctotusr6 ctotusr7 ctotusr8 \
    ctotusr9; do
	ldapi ldappasswd -s "$pw" "$(user_dn "$u")" > /dev/null ||
	    bail "ldappasswd for $u failed"
done
check "fixture: $admin binds" binds "$admin" "$pw"
check "fixture: ctotusr1 has no state entry" \
    not has_entry "$(state_dn ctotusr1)"

# === status ==================================================================
cli "${as_admin[@]}" totp status ctotusr1
check "status as the admin exits 0" exit_is 0
check "... nothing on stderr" no_err
check "... says none, not locked, counters and recovery codes" out_has \
    "User:                ctotusr1" "Two-factor (TOTP):   none" \
    "Locked:              no" "Password failures:   0" \
    "Code failures:       0" "Recovery codes left: 0"
check "... the missing state entry was made" has_entry "$(state_dn ctotusr1)"
check "... with idpTotpState none" state_is ctotusr1 none

make_active ctotusr4
set_state ctotusr4 idpPasswordFailures 3 idpTotpFailures 2
cli --json "${as_admin[@]}" totp status ctotusr4
check "status --json exits 0, nothing on stderr" no_err
check "... one object with the documented keys" is_json_object id \
    totp_state locked lock_time lock_reason lock_until password_failures \
    totp_failures recovery_codes_left
check "... id" equals "$(json_value id)" ctotusr4
check "... totp_state active" equals "$(json_value totp_state)" active
check "... locked false" equals "$(json_literal locked)" false
check "... lock_time null" equals "$(json_literal lock_time)" null
check "... lock_reason null" equals "$(json_literal lock_reason)" null
check "... lock_until null" equals "$(json_literal lock_until)" null
check "... password_failures 3" equals "$(json_literal password_failures)" 3
check "... totp_failures 2" equals "$(json_literal totp_failures)" 2
check "... recovery_codes_left 2" \
    equals "$(json_literal recovery_codes_left)" 2
check "... no secret or hash in the output" \
    not grep -qi 'PBKDF2\|secret' "$work/out"

set_state ctotusr5 idpLockTime 20261124100000Z idpLockReason \
    "too many wrong verification codes" idpTotpFailures 5 \
    idpPasswordFailures 1
cli "${as_admin[@]}" totp status ctotusr5
check "status of a locked user: locked since (site time zone), until unlock" \
    out_has "Locked:              yes, since 2026-11-24 19:00:00 (Asia/Tokyo)$(
    ), until an admin unlocks it; reason: too many wrong verification codes"
check "... code failures 5" out_has "Code failures:       5"
cli --json "${as_admin[@]}" totp status ctotusr5
check "... --json locked true" equals "$(json_literal locked)" true
check "... lock_time" equals "$(json_value lock_time)" 20261124100000Z
check "... lock_reason" \
    equals "$(json_value lock_reason)" "too many wrong verification codes"
check "... lock_until null (lockout_duration 0: until unlocked)" \
    equals "$(json_literal lock_until)" null
{ grep -v '^lockout_duration' "$conf"; echo 'lockout_duration = 600'; } \
    > "$work/dur.conf"
set_state ctotusr3 idpLockTime "$(date -u -d '-60 sec' +%Y%m%d%H%M%SZ)" \
    idpLockReason "too many wrong passwords"
cli --config "$work/dur.conf" --json "${as_admin[@]}" totp status ctotusr3
check "lockout_duration 600, locked a minute ago: locked true" \
    equals "$(json_literal locked)" true
check "... lock_until is lock_time + 600 s" equals "$(json_value lock_until)" \
    "$(gentime_plus "$(json_value lock_time)" 600)"
set_state ctotusr3 idpLockTime 20200101000000Z
cli --config "$work/dur.conf" --json "${as_admin[@]}" totp status ctotusr3
check "lockout_duration 600, locked in 2020: locked false" \
    equals "$(json_literal locked)" false
check "... lock_time still shown" equals "$(json_value lock_time)" \
    20200101000000Z
cli --config "$work/dur.conf" "${as_admin[@]}" totp status ctotusr3
check "... human: the lock has expired" out_has \
    "Locked:              no (a lock of 2020-01-01 09:00:00 (Asia/Tokyo) $(
    )has expired)"
ldif_in <<EOF
dn: $(state_dn ctotusr3)
changetype: modify
delete: idpLockTime
-
delete: idpLockReason
EOF

cli "${as_oa1[@]}" totp status ctotmem1
check "status: org admin, user of their org: exit 0" exit_is 0
cli "${as_oa1[@]}" totp status ctototh1
check "status: org admin, user of another org: exit 4" exit_is 4
check "... one stderr line" one_error_line
check "... saying the directory refused" \
    err_has "the directory does not let ctotoa01"
check "... nothing on stdout" no_output
cli "${as_oa1[@]}" totp status ctotoa02
check "status: org admin, another org admin of the org: exit 4" exit_is 4
check "... one stderr line" one_error_line
cli "${as_usr2[@]}" totp status ctotusr4
check "status: a plain user, someone else: exit 4" exit_is 4
check "... one stderr line" one_error_line
check "... nothing on stdout" no_output
cli "${as_usr1[@]}" totp status ctotusr1
check "status: a user, themselves: exit 0" exit_is 0
cli "${as_admin[@]}" totp status ctotnone9
check "status: unknown user: exit 3" exit_is 3
check "... one stderr line naming it" one_error_line
check "... naming it" err_has ctotnone9
printf 'not-the-password\n' > "$work/wrong.pw"
cli --as "$admin" --as-pw-file "$work/wrong.pw" totp status ctotusr1
check "status: a wrong admin password: exit 4, one line" exit_is 4
check "... one stderr line" one_error_line

# === enable ==================================================================
cli --json "${as_admin[@]}" totp enable ctotusr3
check "enable as the admin: exit 0" exit_is 0
check "... --json id, totp_state, previous_state" \
    is_json_object id totp_state previous_state
check "... totp_state pending" equals "$(json_value totp_state)" pending
check "... previous_state none" equals "$(json_value previous_state)" none
check "... the directory says pending" state_is ctotusr3 pending
snapshot ctotusr3 > "$work/before"
cli "${as_admin[@]}" totp enable ctotusr3
check "enable twice: exit 5" exit_is 5
check "... one stderr line" one_error_line
check "... saying it is already pending" err_has "already pending"
snapshot ctotusr3 > "$work/after"
check "... nothing changed" diff "$work/before" "$work/after"
cli "${as_admin[@]}" totp enable ctotusr4
check "enable when active: exit 5" exit_is 5
check "... one stderr line" one_error_line
check "... saying to use reset" err_has "already active" "totp reset ctotusr4"
check "... still active" state_is ctotusr4 active
cli "${as_admin[@]}" totp enable ctotusr5
check "enable, human output" out_has "Enabled for ctotusr5 (it was none)" \
    "now pending"
cli "${as_oa1[@]}" totp enable ctotmem1
check "enable: org admin, user of their org: exit 0" exit_is 0
check "... pending" state_is ctotmem1 pending
snapshot ctototh1 > "$work/before"
cli "${as_oa1[@]}" totp enable ctototh1
check "enable: org admin, user of another org: exit 4" exit_is 4
check "... one stderr line" one_error_line
snapshot ctototh1 > "$work/after"
check "... nothing changed" diff "$work/before" "$work/after"
cli "${as_oa1[@]}" totp enable ctotoa02
check "enable: org admin, another org admin: exit 4" exit_is 4
check "... one stderr line" one_error_line
cli "${as_usr2[@]}" totp enable ctotusr6
check "enable: a plain user, someone else: exit 4" exit_is 4
check "... one stderr line" one_error_line
check "... still none" state_is ctotusr6 none
cli "${as_admin[@]}" totp enable ctotnone9
check "enable: unknown user: exit 3" exit_is 3
check "... one stderr line" one_error_line
cli totp enable ctotmem2
check "enable without --as (this host's service account): exit 0" exit_is 0

# Self-service: the user, with their own password.
cli --json "${as_usr1[@]}" totp enable ctotusr1
check "enable: a user, themselves: exit 0" exit_is 0
check "... previous_state none" equals "$(json_value previous_state)" none
check "... the directory says pending" state_is ctotusr1 pending
cli "${as_usr1[@]}" totp enable ctotusr1
check "... again: exit 5" exit_is 5
check "... one stderr line" one_error_line
# A state entry from before idpTotpState existed: no value to delete.
ldif_in -a <<EOF
dn: $(state_dn ctotusr9)
objectClass: idpUserState
cn: state
idpPasswordFailures: 0
EOF
cli --json --as ctotusr9 --as-pw-file "$work/pw" totp enable ctotusr9
check "enable: a user, themselves, no idpTotpState yet: exit 0" exit_is 0
check "... previous_state none" equals "$(json_value previous_state)" none
check "... the directory says pending" state_is ctotusr9 pending
make_active ctotusr2
cli "${as_usr2[@]}" totp enable ctotusr2
check "enable: a user, themselves, when active: exit 5" exit_is 5
check "... still active" state_is ctotusr2 active

# === reset ===================================================================
make_active ctotusr4
check "fixture: ctotusr4 has a secret" \
    test "$(count_of "$(state_dn ctotusr4)" idpTotpSecret)" -eq 1
cli --json "${as_admin[@]}" totp reset ctotusr4
check "reset an active user as the admin: exit 0" exit_is 0
check "... --json id, totp_state, previous_state" \
    is_json_object id totp_state previous_state
check "... previous_state active" equals "$(json_value previous_state)" active
check "... totp_state pending" equals "$(json_value totp_state)" pending
check "... the directory says pending" state_is ctotusr4 pending
check "... the secret is gone" attr_absent "$(state_dn ctotusr4)" \
    idpTotpSecret
check "... the recovery codes are gone" attr_absent "$(state_dn ctotusr4)" \
    idpRecoveryCode
check "... last step 0" attr_is "$(state_dn ctotusr4)" idpTotpLastStep 0
cli "${as_admin[@]}" totp reset ctotusr4
check "reset a pending user: exit 0" exit_is 0
check "... human output says what it was" \
    out_has "Reset ctotusr4 (it was pending)"
make_active ctotmem2
cli "${as_oa1[@]}" totp reset ctotmem2
check "reset: org admin, user of their org: exit 0" exit_is 0
check "... pending, secret gone" attr_absent "$(state_dn ctotmem2)" \
    idpTotpSecret
for who in ctototh1 ctotoa02 ctotoa01; do
	make_active "$who"
	snapshot "$who" > "$work/before"
	cli "${as_oa1[@]}" totp reset "$who"
	check "reset: org admin ctotoa01 on $who: exit 4" exit_is 4
	check "... one stderr line" one_error_line
	snapshot "$who" > "$work/after"
	check "... nothing changed (still active, secret kept)" \
	    diff "$work/before" "$work/after"
done
snapshot ctotusr2 > "$work/before"
cli "${as_usr2[@]}" totp reset ctotusr2
check "reset: a user, themselves (2FA off is not theirs to do): exit 4" \
    exit_is 4
check "... one stderr line" one_error_line
snapshot ctotusr2 > "$work/after"
check "... nothing changed" diff "$work/before" "$work/after"
cli "${as_usr1[@]}" totp reset ctotusr2
check "reset: a plain user, someone else: exit 4" exit_is 4
check "... one stderr line" one_error_line
cli "${as_admin[@]}" totp reset ctotnone9
check "reset: unknown user: exit 3" exit_is 3
check "... one stderr line" one_error_line

# === unlock ==================================================================
set_state ctotusr5 idpLockTime 20261124100000Z idpLockReason \
    "too many wrong verification codes" idpTotpFailures 5 \
    idpPasswordFailures 2
cli "${as_admin[@]}" unlock ctotusr5
check "unlock a locked user as the admin: exit 0" exit_is 0
check "... nothing on stderr" no_err
check "... says since when and why it was locked" out_has \
    "Unlocked ctotusr5: it was locked since 2026-11-24 19:00:00 $(
    )(Asia/Tokyo), reason: too many wrong verification codes." \
    "passwords 2, verification codes 5"
check "... idpLockTime gone" attr_absent "$(state_dn ctotusr5)" idpLockTime
check "... idpLockReason gone" attr_absent "$(state_dn ctotusr5)" \
    idpLockReason
check "... idpPasswordFailures 0" \
    attr_is "$(state_dn ctotusr5)" idpPasswordFailures 0
check "... idpTotpFailures 0" attr_is "$(state_dn ctotusr5)" idpTotpFailures 0
check "... two-factor state untouched" state_is ctotusr5 pending
cli "${as_admin[@]}" unlock ctotusr5
check "unlock again: exit 0, says it was not locked" \
    out_has "ctotusr5 was not locked."
set_state ctotusr5 idpLockTime 20261124100000Z \
    idpLockReason "too many wrong passwords" idpPasswordFailures 10
cli --json "${as_admin[@]}" unlock ctotusr5
check "unlock --json: exit 0" exit_is 0
check "... the documented keys" is_json_object id was_locked lock_time \
    lock_reason password_failures_before totp_failures_before
check "... was_locked true" equals "$(json_literal was_locked)" true
check "... lock_time" equals "$(json_value lock_time)" 20261124100000Z
check "... lock_reason" equals "$(json_value lock_reason)" \
    "too many wrong passwords"
check "... password_failures_before 10" \
    equals "$(json_literal password_failures_before)" 10
check "... totp_failures_before 0" \
    equals "$(json_literal totp_failures_before)" 0
cli --json "${as_admin[@]}" unlock ctotusr5
check "unlock --json, not locked: was_locked false, lock_time null" \
    equals "$(json_literal was_locked),$(json_literal lock_time)" false,null
set_state ctotmem1 idpLockTime 20261124100000Z idpLockReason x \
    idpPasswordFailures 10
cli "${as_oa1[@]}" unlock ctotmem1
check "unlock: org admin, user of their org: exit 0" exit_is 0
check "... lock gone" attr_absent "$(state_dn ctotmem1)" idpLockTime
for who in ctototh1 ctotoa02 ctotoa01; do
	set_state "$who" idpLockTime 20261124100000Z idpLockReason x \
	    idpPasswordFailures 10
	cli "${as_oa1[@]}" unlock "$who"
	check "unlock: org admin ctotoa01 on $who: exit 4" exit_is 4
	check "... one stderr line" one_error_line
	check "... still locked" \
	    attr_is "$(state_dn "$who")" idpLockTime 20261124100000Z
	check "... counter kept" \
	    attr_is "$(state_dn "$who")" idpPasswordFailures 10
done
set_state ctotusr2 idpLockTime 20261124100000Z idpLockReason x
cli "${as_usr2[@]}" unlock ctotusr2
check "unlock: a user, themselves: exit 4" exit_is 4
check "... one stderr line" one_error_line
check "... still locked" attr_is "$(state_dn ctotusr2)" idpLockTime \
    20261124100000Z
cli "${as_usr1[@]}" unlock ctotusr2
check "unlock: a plain user, someone else: exit 4" exit_is 4
check "... one stderr line" one_error_line
cli "${as_admin[@]}" unlock ctotnone9
check "unlock: unknown user: exit 3" exit_is 3
check "... one stderr line" one_error_line
cli "${as_admin[@]}" unlock
check "unlock without an ID: exit 2" exit_is 2
check "... one stderr line" one_error_line

# === enroll, at a terminal ===================================================
# enroll_session MODE CLI-ARGS...: `idportal CLI-ARGS` on a terminal driven
# by expect. It reads the key printed after "Or add this key by hand: ",
# answers with oathtool's code (MODE right) or with three codes that are no
# code of the window (MODE wrong). What the terminal showed (stdout
# included) is in $work/session.txt, stderr in $work/err, the key in
# $work/key, the exit status in $rc.
enroll_session() {
	local mode=$1 cmd
	shift
	printf -v cmd '%q ' "$idportal" "$@"
	rc=0
	expect -f - "$mode" "exec $cmd 2> $work/err" "$work/key" \
	    > "$work/session" 2>&1 <<'EXP' || rc=$?
set timeout 30
lassign $argv mode cmd keyfile
spawn -noecho sh -c $cmd
expect {
	-re {Or add this key by hand: ([A-Z2-7]+)} {
		set key $expect_out(1,string)
	}
	timeout { exit 98 }
	eof { catch wait r; exit [lindex $r 3] }
}
set f [open $keyfile w]; puts $f $key; close $f
if {$mode eq "right"} {
	set answers [list [exec oathtool --totp -b $key]]
} else {
	set now [clock seconds]
	set window {}
	foreach off {-90 -60 -30 0 30 60 90} {
		lappend window [exec oathtool --totp -b $key \
		    -N "@[expr {$now + $off}]"]
	}
	set answers {}
	foreach c {000000 111111 222222 333333 444444 555555 666666 777777} {
		if {[lsearch $window $c] < 0} { lappend answers $c }
	}
	set answers [lrange $answers 0 2]
}
set done 0
foreach a $answers {
	if {$done} { break }
	expect {
		"Verification code: " { send "$a\r" }
		timeout { exit 98 }
		eof { set done 1 }
	}
}
if {!$done} { expect { eof {} timeout { exit 98 } } }
catch wait r
exit [lindex $r 3]
EXP
	tr -d '\r' < "$work/session" > "$work/session.txt"
}
shown_codes() {	# the recovery codes on the terminal, one a line
	grep -Eo '^    [0-9A-Z]{5}-[0-9A-Z]{5}$' "$work/session.txt" |
	    sed 's/^ *//'
}
# the raw secret (base32 key -> bytes) as hex, and the stored blob as hex
key_hex() {
	local k
	k=$(cat "$work/key")
	while [ $((${#k} % 8)) -ne 0 ]; do
		k="$k="
	done
	printf '%s' "$k" | base32 -d | od -An -tx1 -v | tr -d ' \n'
}
blob_hex() {	# blob_hex ID
	search "$(state_dn "$1")" idpTotpSecret |
	    sed -n 's/^idpTotpSecret:: //p' | base64 -d | od -An -tx1 -v |
	    tr -d ' \n'
}
secret_sealed() {	# secret_sealed ID: stored, and not the raw secret
	local raw blob
	raw=$(key_hex)
	blob=$(blob_hex "$1")
	[ ${#raw} -eq 40 ] || { echo "key is not 20 bytes: $raw"; return 1; }
	[ -n "$blob" ] || { echo "no idpTotpSecret"; return 1; }
	[[ $blob != *"$raw"* ]] || { echo "the raw secret is in the blob"
	    return 1; }
	if search "$(state_dn "$1")" idpTotpSecret |
	    grep -qF "$(cat "$work/key")"; then
		echo "the key is stored as text"
		return 1
	fi
}
codes_hashed() {	# codes_hashed ID: 10 stored, hashed, none shown as is
	local c stored
	stored=$(search "$(state_dn "$1")" idpRecoveryCode)
	[ "$(grep -c '^idpRecoveryCode: {PBKDF2-SHA256}' <<< "$stored")" \
	    -eq 10 ] || { echo "want 10 PBKDF2 hashes:"; echo "$stored"
	    return 1; }
	for c in $(shown_codes); do
		! grep -qF -- "$c" <<< "$stored" ||
		    { echo "$c stored as is"; return 1; }
	done
}

enroll_session right "${as_admin[@]}" totp enroll ctotusr6
check "enroll as the admin at a terminal: exit 0" exit_is 0
check "... nothing on stderr" no_err
check "... shows a QR code (half blocks)" \
    grep -q '▀\|▄\|█' "$work/session.txt"
check "... the key by hand (base32)" grep -Eq \
    'Or add this key by hand: [A-Z2-7]{32}$' "$work/session.txt"
check "... and the otpauth URI" grep -q \
    "^(otpauth://totp/idportal:ctotusr6?secret=$(cat "$work/key")&" \
    "$work/session.txt"
check "... then 10 recovery codes" test "$(shown_codes | wc -l)" -eq 10
check "... all different" test "$(shown_codes | sort -u | wc -l)" -eq 10
check "the directory says active" state_is ctotusr6 active
check "... with the secret sealed (not the raw key)" secret_sealed ctotusr6
check "... and 10 recovery codes, stored hashed" codes_hashed ctotusr6
check "... no code failures" attr_is "$(state_dn ctotusr6)" idpTotpFailures 0
cli --json "${as_admin[@]}" totp status ctotusr6
check "status: active, 10 recovery codes left" equals \
    "$(json_value totp_state),$(json_literal recovery_codes_left)" active,10

# The enrolled secret is the one a login checks: pam_idportal.so with the
# password and the code of the next step (the enrollment's own step is
# spent; totp_window 1 accepts the next one now, no clock to move).
pam_said() {	# pam_said TEXT: in pamtester's output
	grep -q -- "$1" "$work/pam.out" ||
	    { echo "no '$1' in:"; cat "$work/pam.out"; return 1; }
}
mkdir -p "$work/pam.d"
printf '%s\n' "auth required $module config=$conf" > "$work/pam.d/idportal-ctot"
code=$(oathtool --totp -b "$(cat "$work/key")" -N "@$(($(date +%s) + 30))")
preload=libpam_wrapper.so
[ -z "$asan_rt" ] || preload="$asan_rt $preload"
# (pamtester's own leaks and those of the unloaded module are not ours: an
# LSan report would also drop its unflushed output)
printf '%s\n%s\n' "$pw" "$code" | timeout 60 env LD_PRELOAD="$preload" \
    ASAN_OPTIONS=detect_leaks=0 PAM_WRAPPER=1 \
    PAM_WRAPPER_SERVICE_DIR="$work/pam.d" \
    pamtester -v idportal-ctot ctotusr6 authenticate 2>&1 |
    grep -v '^PWRAP_' > "$work/pam.out"
check "PAM: password + a code from the enrolled key authenticate" \
    pam_said 'successfully authenticated'
check "... which asked for a verification code" pam_said 'Verification code'

cli "${as_admin[@]}" totp enroll ctotusr6
check "enroll when active: exit 5" exit_is 5
check "... one stderr line" one_error_line
check "... saying to reset first" err_has "totp reset ctotusr6"
check "... nothing on stdout (no QR code)" no_output

cli "${as_admin[@]}" totp enroll ctotusr8
check "enroll without a terminal: exit 2" exit_is 2
check "... one stderr line" one_error_line
check "... nothing on stdout" no_output
check "... still none" state_is ctotusr8 none

enroll_session wrong "${as_admin[@]}" totp enroll ctotusr8
check "enroll with three wrong codes: exit 4" exit_is 4
check "... one stderr line" one_error_line
check "... saying nothing changed" err_has "nothing changed"
check "... asked three times" test \
    "$(grep -c 'Verification code: ' "$work/session.txt")" -eq 3
check "... still none" state_is ctotusr8 none
check "... no secret stored" attr_absent "$(state_dn ctotusr8)" idpTotpSecret

enroll_session right --json "${as_admin[@]}" totp enroll ctotusr4
check "enroll --json (a pending user): exit 0" exit_is 0
check "... the QR code and key still on the terminal" \
    grep -q 'Or add this key by hand' "$work/session.txt"
grep '^{' "$work/session.txt" > "$work/out"
check "... one object: id, totp_state, recovery_codes" \
    is_json_object id totp_state recovery_codes
check "... totp_state active" equals "$(json_value totp_state)" active
check "... 10 recovery codes in the array" test "$(grep -Eo \
    '"[0-9A-Z]{5}-[0-9A-Z]{5}"' "$work/out" | sort -u | wc -l)" -eq 10
check "the directory says active" state_is ctotusr4 active

enroll_session right "${as_oa1[@]}" totp enroll ctotmem2
check "enroll: org admin, user of their org: exit 0" exit_is 0
check "... active" state_is ctotmem2 active
cli "${as_admin[@]}" totp reset ctototh1
enroll_session right "${as_oa1[@]}" totp enroll ctototh1
check "enroll: org admin, user of another org: exit 4" exit_is 4
check "... one stderr line" one_error_line
check "... before any key is shown" \
    not grep -q 'Or add this key' "$work/session.txt"
check "... still pending" state_is ctototh1 pending
enroll_session right "${as_usr1[@]}" totp enroll ctotusr8
check "enroll: a plain user, someone else: exit 4" exit_is 4
check "... one stderr line" one_error_line
check "... before any key is shown" \
    not grep -q 'Or add this key' "$work/session.txt"
enroll_session right "${as_admin[@]}" totp enroll ctotnone9
check "enroll: unknown user: exit 3" exit_is 3
check "... one stderr line" one_error_line

# A user enrolling themselves: written as the service after their bind,
# as at login; from none, turned on as them first.
check "fixture: ctotusr7 has no state entry yet" \
    not has_entry "$(state_dn ctotusr7)"
enroll_session right --as ctotusr7 --as-pw-file "$work/pw" totp enroll \
    ctotusr7
check "enroll: a user, themselves, from none: exit 0" exit_is 0
check "... 10 recovery codes shown" test "$(shown_codes | wc -l)" -eq 10
check "... active" state_is ctotusr7 active
check "... sealed secret" secret_sealed ctotusr7
check "... hashed codes" codes_hashed ctotusr7
enroll_session right --as ctotusr1 --as-pw-file "$work/pw" totp enroll \
    ctotusr1
check "enroll: a user, themselves, pending (self-enabled above): exit 0" \
    exit_is 0
check "... active" state_is ctotusr1 active
set_state ctotusr8 idpLockTime 20261124100000Z idpLockReason x
enroll_session right --as ctotusr8 --as-pw-file "$work/pw" totp enroll \
    ctotusr8
check "enroll: a locked user, themselves: exit 4" exit_is 4
check "... one stderr line" one_error_line
check "... saying locked" err_has "locked"
check "... still none" state_is ctotusr8 none
enroll_session right --as ctotusr1 --as-pw-file "$work/pw" totp enroll \
    ctotusr1
check "enroll: a user, themselves, active: exit 5" exit_is 5

# === usage ===================================================================
cli totp
check "totp without a subcommand: exit 2" exit_is 2
check "... one stderr line" one_error_line
cli totp frobnicate ctotusr1
check "totp frobnicate: exit 2" exit_is 2
check "... one stderr line" one_error_line
cli totp status
check "totp status without an ID: exit 2" exit_is 2
check "... one stderr line" one_error_line

echo "1..$n"
[ "$fails" -eq 0 ]
