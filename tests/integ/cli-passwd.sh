#!/bin/bash
# `idportal passwd ID` at a terminal (driven by expect), TAP: the current
# password, the new one twice, the strength rule, and what the directory
# keeps afterwards.  Uses the run's slapd-env.
set -uo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
build=${IDS_BUILD_DIR:-$top/build}
idportal=${IDPORTAL:-$build/idportal}
: "${IDS_LDAPI_URI:?run through tests/run-tests}" "${IDS_BASE:?}"
: "${IDS_URI:?}" "${IDS_CA_FILE:?}"
old=Old-Pass-Cactus-41
new=New-Pass-Glacier-93

work=$(mktemp -d /tmp/cli-passwd.XXXXXX) || exit 1
trap 'ldapdelete -Q -Y EXTERNAL -H "$IDS_LDAPI_URI" -r \
    "uid=clipw001,ou=people,$IDS_BASE" >/dev/null 2>&1; rm -rf -- "$work"' EXIT

# check, not, bail, and the counters n and fails
. "$(dirname "${BASH_SOURCE[0]}")/../tap.sh"

ldapadd -Q -Y EXTERNAL -H "$IDS_LDAPI_URI" >/dev/null <<LDIF
dn: uid=clipw001,ou=people,$IDS_BASE
objectClass: inetOrgPerson
objectClass: posixAccount
objectClass: idpUser
uid: clipw001
cn: clipw001
sn: clipw001
uidNumber: 45001
gidNumber: 45001
homeDirectory: /home/clipw001
idpState: active
idpTempPassword: TRUE
idpTempPasswordDeadline: 20991231000000Z
LDIF
ldappasswd -Q -Y EXTERNAL -H "$IDS_LDAPI_URI" -s "$old" \
    "uid=clipw001,ou=people,$IDS_BASE"

said() {	# said TEXT: the last session printed it
	grep -q -- "$1" "$work/session"
}

# session CURRENT NEW RETYPE WANT_EXIT: one run of `idportal passwd`, its
# terminal kept in $work/session
session() {
	expect -f - "$idportal" "$1" "$2" "$3" "$4" <<'EXP' | tee "$work/session"
set timeout 20
lassign $argv prog cur new again want
spawn $prog passwd clipw001
expect "Current password: " { send "$cur\r" } timeout { exit 2 }
expect "New password: " { send "$new\r" } timeout { exit 2 }
expect "Retype new password: " { send "$again\r" } timeout { exit 2 }
expect eof
set rc [lindex [wait] 3]
if {$rc != $want} { puts "exit $rc, want $want"; exit 1 }
EXP
	return "${PIPESTATUS[0]}"
}
binds() {	# binds PASSWORD: the user can bind with it
	LDAPTLS_CACERT=$IDS_CA_FILE ldapwhoami -ZZ -x -H "$IDS_URI" \
	    -D "uid=clipw001,ou=people,$IDS_BASE" -w "$1"
}
temp_flag() {
	ldapsearch -LLL -Q -Y EXTERNAL -H "$IDS_LDAPI_URI" \
	    -b "uid=clipw001,ou=people,$IDS_BASE" idpTempPassword |
	    grep -q 'idpTempPassword: TRUE'
}

check "mismatched new passwords: exit 2" session "$old" "$new" "${new}x" 2
check "... saying they do not match" said "do not match"
check "... nothing changed" binds "$old"
check "weak new password: exit 2" session "$old" password1 password1 2
check "... with the reason" said "password refused: "
check "... never echoing it" not said "refused: .*password1"
check "wrong current password: exit 4" session "wrong-$old" "$new" "$new" 4
check "... nothing changed" binds "$old"
check "right current password: exit 0" session "$old" "$new" "$new" 0
check "... the new password binds" binds "$new"
check "... the old one does not" not binds "$old"
check "... and it is no longer temporary" not temp_flag
echo "1..$n"
