#!/bin/bash
# Org-admin scope of the shipped ACLs, seen through `idportal reissue` (TAP).
# An org admin (idpRole orgadmin under o=ORG) may reissue for the users of
# their own org only; the directory refuses the rest (exit 4), and the
# top-level admins reissue for org admins.  Uses the run's slapd-env.
set -uo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
build=${IDS_BUILD_DIR:-$top/build}
idportal=${IDPORTAL:-$build/idportal}
: "${IDS_LDAPI_URI:?run through tests/run-tests}" "${IDS_BASE:?}"
base=$IDS_BASE
pw=Scope-Test-Pass-42

work=$(mktemp -d /tmp/orgadmin-test.XXXXXX) || exit 1
cleanup() {
	ldapdelete -Q -Y EXTERNAL -H "$IDS_LDAPI_URI" -r "o=oascope1,$base" \
	    "o=oascope2,$base" "uid=oatop001,ou=people,$base" \
	    "uid=oaadmin1,ou=people,$base" >/dev/null 2>&1
	ldapmodify -Q -Y EXTERNAL -H "$IDS_LDAPI_URI" >/dev/null 2>&1 <<-LDIF
	dn: cn=idportal-admins,ou=groups,$base
	changetype: modify
	delete: member
	member: uid=oaadmin1,ou=people,$base
	LDIF
	rm -rf -- "$work"
}
trap cleanup EXIT

# check, not, bail, and the counters n and fails
. "$(dirname "${BASH_SOURCE[0]}")/../tap.sh"

user() {	# user ID PARENT [ROLE]
	printf 'dn: uid=%s,%s\nobjectClass: inetOrgPerson\n' "$1" "$2"
	printf 'objectClass: posixAccount\nobjectClass: idpUser\nuid: %s\n' "$1"
	printf 'cn: %s\nsn: %s\nuidNumber: 4%04d\ngidNumber: 4%04d\n' "$1" \
	    "$1" "$RANDOM" "$RANDOM"
	printf 'homeDirectory: /home/%s\nidpState: active\n' "$1"
	[ -z "${3:-}" ] || printf 'idpRole: %s\n' "$3"
	echo
}
org() {		# org NAME
	printf 'dn: o=%s,%s\nobjectClass: organization\no: %s\n\n' "$1" \
	    "$base" "$1"
	printf 'dn: ou=people,o=%s,%s\nobjectClass: organizationalUnit\n' \
	    "$1" "$base"
	printf 'ou: people\n\n'
}
{
	org oascope1
	org oascope2
	user oaorgad1 "ou=people,o=oascope1,$base" orgadmin
	user oaorgad2 "ou=people,o=oascope1,$base" orgadmin
	user oamember "ou=people,o=oascope1,$base"
	user oaplain1 "ou=people,o=oascope1,$base"
	user oaother1 "ou=people,o=oascope2,$base"
	user oatop001 "ou=people,$base"
	user oaadmin1 "ou=people,$base" admin
} > "$work/fixture.ldif"
ldapadd -Q -Y EXTERNAL -H "$IDS_LDAPI_URI" -f "$work/fixture.ldif" \
    > "$work/out" 2>&1 || { echo "Bail out! fixture"; cat "$work/out"; exit 1; }
ldapmodify -Q -Y EXTERNAL -H "$IDS_LDAPI_URI" >/dev/null <<LDIF
dn: cn=idportal-admins,ou=groups,$base
changetype: modify
add: member
member: uid=oaadmin1,ou=people,$base
LDIF
for u in "uid=oaorgad1,ou=people,o=oascope1" "uid=oaplain1,ou=people,o=oascope1" \
    "uid=oaadmin1,ou=people"; do
	ldappasswd -Q -Y EXTERNAL -H "$IDS_LDAPI_URI" -s "$pw" "$u,$base"
done
printf '%s' "$pw" > "$work/pw"
chmod 600 "$work/pw"

reissue() {	# reissue AS TARGET WANT_EXIT
	local rc
	"$idportal" --as "$1" --as-pw-file "$work/pw" --json reissue "$2" \
	    > "$work/json" 2> "$work/err"
	rc=$?
	cat "$work/err"
	[ "$rc" -eq "$3" ] || { echo "exit $rc, want $3"; return 1; }
}

check "org admin reissues for a user of their org" \
    reissue oaorgad1 oamember 0
check "... and that user is now marked temporary" \
    sh -c "ldapsearch -LLL -Q -Y EXTERNAL -H '$IDS_LDAPI_URI' \
    -b 'uid=oamember,ou=people,o=oascope1,$base' idpTempPassword |
    grep -q 'idpTempPassword: TRUE'"
check "org admin, user of another org: refused (exit 4)" \
    reissue oaorgad1 oaother1 4
check "... one line saying the directory said no" \
    grep -q "^idportal: the directory does not let oaorgad1" "$work/err"
check "org admin, a top-level user: refused (exit 4)" \
    reissue oaorgad1 oatop001 4
check "org admin, another org admin of the same org: refused (exit 4)" \
    reissue oaorgad1 oaorgad2 4
check "org admin, themselves: refused (exit 4)" \
    reissue oaorgad1 oaorgad1 4
check "... and their own password is unchanged" \
    env LDAPTLS_CACERT="$IDS_CA_FILE" ldapwhoami -x -ZZ -H "$IDS_URI" \
    -D "uid=oaorgad1,ou=people,o=oascope1,$base" -y "$work/pw"
check "a plain user of the org: refused (exit 4)" \
    reissue oaplain1 oamember 4
check "top-level admin reissues for an org admin" \
    reissue oaadmin1 oaorgad2 0
check "top-level admin reissues for any org's user" \
    reissue oaadmin1 oaother1 0

# What an org admin may do to their users' login state, straight at the
# directory (the shipped ACLs), beyond what the commands do.
oa=(-x -ZZ -H "$IDS_URI" -D "uid=oaorgad1,ou=people,o=oascope1,$base"
    -y "$work/pw")
member_state="cn=state,uid=oamember,ou=people,o=oascope1,$base"
ldapadd -Q -Y EXTERNAL -H "$IDS_LDAPI_URI" > /dev/null <<LDIF
dn: $member_state
objectClass: idpUserState
cn: state
idpPasswordFailures: 2
idpTotpFailures: 0
idpTotpLastStep: 0
idpTotpState: active
idpTotpSecret:: c2VhbGVkLXNlY3JldA==
LDIF
export LDAPTLS_CACERT=$IDS_CA_FILE
check "org admin resets a counter of their user" \
    ldapmodify "${oa[@]}" <<< "dn: $member_state
changetype: modify
replace: idpPasswordFailures
idpPasswordFailures: 0"
check "org admin cannot delete their user's state entry" \
    not ldapdelete "${oa[@]}" "$member_state"
check "org admin cannot add an entry under their user" \
    not ldapadd "${oa[@]}" <<< "dn: cn=x,uid=oamember,ou=people,o=oascope1,$base
objectClass: posixGroup
cn: x
gidNumber: 27"
check "org admin cannot change the state entry's objectClass" \
    not ldapmodify "${oa[@]}" <<< "dn: $member_state
changetype: modify
add: objectClass
objectClass: posixGroup
-
add: gidNumber
gidNumber: 27"
secret_seen() {
	ldapsearch -LLL "${oa[@]}" -b "$member_state" -s base idpTotpSecret |
	    grep -qi '^idpTotpSecret'
}
check "org admin cannot read their user's sealed TOTP secret" \
    not secret_seen
check "org admin cannot make a user of their org an org admin" \
    not ldapmodify "${oa[@]}" <<< "dn: uid=oamember,ou=people,o=oascope1,$base
changetype: modify
replace: idpRole
idpRole: orgadmin"
echo "1..$n"
