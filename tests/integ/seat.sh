#!/bin/bash
# Integration test of `idportal seat add|list|link|unlink` and of the seat
# rule of the PAM account step (TAP), against the real slapd with the
# shipped ACLs: a seat swap end to end (the old user refused at account,
# the new one let in, through pam_idportal.so under pam_wrapper), a taken
# seat (exit 5 naming the holder), the org's seat limit, an org admin
# outside their org (exit 4), individual users, seat_required = none and
# all, allow_groups, a disabled org.
#
# Uses the shared directory of run-tests. Everything it makes has an ID,
# org or group name starting with "seat" and is deleted at the end.
set -uo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
build=${IDS_BUILD_DIR:-$top/build}
idportal=${IDPORTAL:-$build/idportal}
module=$build/pam_idportal.so
export PATH=$PATH:/usr/sbin:/sbin

umask 077
work=$(mktemp -d "${TMPDIR:-/tmp}/seat-test.XXXXXX") || exit 1
# check, not, bail, and the counters n and fails
. "$(dirname "${BASH_SOURCE[0]}")/../tap.sh"
# ldapi, search, value_of, attr_is, attr_absent, ldif_in
. "$(dirname "${BASH_SOURCE[0]}")/../ldapi.sh"
# cli, exit_is, refused, out_has, out_lacks, pam_service, pam_login, ...
. "$(dirname "${BASH_SOURCE[0]}")/../cli.sh"
for v in IDPORTAL_CONF IDS_LDAPI_URI IDS_BASE; do
	[ -n "${!v:-}" ] || bail "$v is not set (run from tests/run-tests)"
done
[ -x "$idportal" ] || bail "no idportal CLI at $idportal"
[ -r "$module" ] || bail "no PAM module at $module"
command -v pamtester > /dev/null || bail "pamtester is not installed"

conf=$IDPORTAL_CONF
base=$IDS_BASE
people=ou=people,$base
admins_dn=cn=idportal-admins,ou=groups,$base
admin=seatadm01
admin_dn=uid=$admin,$people
org1=seatorg1
org2=seatorg2
pw=Seat-Test-Pass-42

sweep() {
	local dn
	ldapi ldapsearch -LLL -o ldif-wrap=no -b "$base" \
	    '(|(uid=seat*)(o=seat*)(cn=seat*))' 1.1 2> /dev/null |
	    sed -n 's/^dn: //p' | while read -r dn; do
		ldapi ldapdelete -r "$dn" > /dev/null 2>&1
	done
}
cleanup() {
	sweep
	ldapi ldapmodify > /dev/null 2>&1 <<EOF
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

user() {	# user ID PARENT TYPE [ROLE]: LDIF of one user
	printf 'dn: uid=%s,%s\nobjectClass: inetOrgPerson\n' "$1" "$2"
	printf 'objectClass: posixAccount\nobjectClass: idpUser\nuid: %s\n' "$1"
	printf 'cn: %s\nsn: %s\nuidNumber: %d\ngidNumber: %d\n' "$1" "$1" \
	    "$((62000 + RANDOM % 3000))" "$((62000 + RANDOM % 3000))"
	printf 'homeDirectory: /home/%s\nloginShell: /bin/bash\n' "$1"
	printf 'idpUserType: %s\nidpState: active\n' "$3"
	[ -z "${4:-}" ] || printf 'idpRole: %s\n' "$4"
	echo
}

as_admin=(--as "$admin" --as-pw-file "$work/pw")
as_oa=(--as seatoa01 --as-pw-file "$work/pw")
linked_is() {	# linked_is CODE ORG WANT-DN (empty: free)
	local got
	got=$(value_of "idpSeatCode=$1,ou=seats,o=$2,$base" idpLinkedUser)
	[ "$got" = "$3" ] || { echo "idpLinkedUser '$got', want '$3'"; return 1; }
}

# --- logins through the module (pamtester under pam_wrapper) ------------------
mkconf() {	# mkconf NAME LINES...: the run's config with these settings
	local f=$work/$1.conf
	shift
	grep -v -e '^[[:space:]]*seat_required' -e '^[[:space:]]*allow_groups' \
	    "$conf" > "$f"
	printf '%s\n' "$@" >> "$f"
}
service() {	# service NAME CONF
	pam_service "idportal-$1" "$2"
}
login() {	# login SERVICE USER: pamtester output in $work/pam.out
	pam_login "idportal-$1" "$2" "$pw" > "$work/pam.out"
	return 0
}
let_in() {	# let_in SERVICE USER
	login "$1" "$2"
	grep -q 'successfully authenticated' "$work/pam.out" &&
	    grep -q 'account management done' "$work/pam.out" ||
	    { cat "$work/pam.out"; return 1; }
}
no_seat() {	# no_seat SERVICE USER: password right, account refused
	login "$1" "$2"
	grep -q 'successfully authenticated' "$work/pam.out" &&
	    grep -q 'Permission denied' "$work/pam.out" &&
	    grep -q 'not linked to a license seat' "$work/pam.out" &&
	    not grep -q 'account management done' "$work/pam.out" ||
	    { cat "$work/pam.out"; return 1; }
}
service seat "$conf"
mkconf none "seat_required = none"
service seatnone "$work/none.conf"
mkconf all "seat_required = all"
service seatall "$work/all.conf"
mkconf allow "allow_groups = seatother seatallow"
service seatallow "$work/allow.conf"

# --- fixtures ----------------------------------------------------------------
sweep		# left over from an interrupted run
printf '%s' "$pw" > "$work/pw"
user "$admin" "$people" individual admin | ldif_in -a
ldif_in <<EOF
dn: $admins_dn
changetype: modify
add: member
member: $admin_dn
EOF
ldapi ldappasswd -s "$pw" "$admin_dn" > /dev/null || bail "passwd $admin"
cli "${as_admin[@]}" org add "$org1" --seats 2
exit_is 0 || bail "org add $org1"
cli "${as_admin[@]}" org add "$org2" --seats 1
exit_is 0 || bail "org add $org2"
o1=ou=people,o=$org1,$base
{
	user seatoa01 "$o1" corporate orgadmin
	user seatold1 "$o1" corporate
	user seatnew1 "$o1" corporate
	user seatlim1 "$o1" corporate
	user seatnos1 "$o1" corporate
	user seatgrp1 "$o1" group
	user seatoth1 "ou=people,o=$org2,$base" corporate
	user seatind1 "$people" individual
	printf 'dn: cn=seatallow,ou=groups,%s\nobjectClass: posixGroup\n' "$base"
	printf 'cn: seatallow\ngidNumber: 64999\nmemberUid: seatnos1\n\n'
} | ldif_in -a
for u in seatoa01 seatold1 seatnew1 seatlim1 seatnos1 seatgrp1; do
	ldapi ldappasswd -s "$pw" "uid=$u,$o1" > /dev/null || bail "passwd $u"
done
ldapi ldappasswd -s "$pw" "uid=seatind1,$people" > /dev/null ||
    bail "passwd seatind1"

# --- seat add ----------------------------------------------------------------
cli "${as_admin[@]}" seat add "$org1" S1A
check "seat add: exit 0" eval 'exit_is 0 && out_has "Added seat S1A"'
check "seat add: the entry is there, free" eval \
    '[ "$(value_of "idpSeatCode=S1A,ou=seats,o=$org1,$base" idpSeatCode)" = S1A ]'
cli "${as_admin[@]}" seat add "$org1" S1B
cli "${as_admin[@]}" seat add "$org1" S1C
cli "${as_admin[@]}" --json seat add "$org2" S2A
check "seat add --json: one seat object" out_has '{"code":"S2A","org":"seatorg2"' \
    '"linked_user":null,"linked_id":null}'
cli "${as_admin[@]}" seat add "$org1" S1A
check "seat add again: exit 5" refused 5 "already exists"
cli "${as_oa[@]}" seat add "$org1" S1D
check "seat add by an org admin: exit 4" refused 4 "does not let seatoa01"
cli "${as_admin[@]}" seat add "$org1" 'bad,code'
check "seat add, a bad code: exit 2" refused 2 "seat code"

# --- link, list ---------------------------------------------------------------
cli "${as_oa[@]}" seat link S1A seatold1
check "org admin links a seat of their org: exit 0" eval \
    'exit_is 0 && out_has "Linked seat S1A to seatold1"'
check "... idpLinkedUser is the user's DN" linked_is S1A "$org1" "uid=seatold1,$o1"
cli "${as_oa[@]}" seat link S1A seatnew1
check "linking a taken seat: exit 5 naming the holder" refused 5 \
    "seat S1A is taken by seatold1"
check "... the seat still holds the old user" linked_is S1A "$org1" "uid=seatold1,$o1"
cli "${as_oa[@]}" seat link S1B seatold1
check "a user who holds a seat gets no second: exit 5" refused 5 \
    "seatold1 already holds seat S1A"
cli "${as_oa[@]}" seat link S1Z seatold1
check "an unknown seat: exit 3" refused 3 "no seat S1Z"
cli "${as_oa[@]}" seat link S1B seatnone
check "an unknown user: exit 3" refused 3 "no user seatnone"
cli "${as_oa[@]}" seat link S2A seatoth1
check "org admin, a seat of another org: exit 4" refused 4 \
    "does not let seatoa01 link seat S2A"
check "... the seat is still free" linked_is S2A "$org2" ""
cli "${as_admin[@]}" seat link S2A seatoth1
check "top-level admin links any org's seat" exit_is 0
cli "${as_oa[@]}" seat unlink S2A
check "org admin, unlinking another org's seat: exit 4" refused 4 \
    "does not let seatoa01 unlink seat S2A"
check "... still linked" linked_is S2A "$org2" "uid=seatoth1,ou=people,o=$org2,$base"
cli "${as_oa[@]}" seat list
check "seat list as the org admin: their org's seats" eval \
    'exit_is 0 && out_has S1A S1B S1C seatold1 && out_lacks S2A'
cli "${as_admin[@]}" --json seat list
check "seat list --json as the top-level admin: every org" out_has \
    '{"seats":[' '"code":"S2A","org":"seatorg2"' \
    "\"linked_user\":\"uid=seatold1,$o1\",\"linked_id\":\"seatold1\"}"
cli "${as_admin[@]}" seat list "$org2"
check "seat list ORG: that org only" eval 'out_has S2A && out_lacks S1A'

# --- the seat limit (seatorg1: 2) --------------------------------------------------
cli "${as_oa[@]}" seat link S1B seatlim1
check "second seat of a limit of 2: exit 0" exit_is 0
cli "${as_oa[@]}" seat link S1C seatgrp1
check "a third link over the seat limit: refused (exit 5)" refused 5 \
    "seat limit"
check "... the seat stays free" linked_is S1C "$org1" ""
cli "${as_oa[@]}" seat unlink S1B
check "unlink frees a seat: exit 0" eval \
    'exit_is 0 && out_has "Unlinked seatlim1 from seat S1B"'
check "... idpLinkedUser gone" linked_is S1B "$org1" ""
cli "${as_oa[@]}" seat unlink S1B
check "unlinking a free seat: exit 0, says so" eval \
    'exit_is 0 && out_has "is free"'

# --- the seat swap, end to end ------------------------------------------------------
check "PAM: the linked user logs in" let_in seat seatold1
check "PAM: a corporate user without a seat: refused at account" \
    no_seat seat seatnew1
cli "${as_oa[@]}" seat unlink S1A
check "swap: unlink the leaving user" exit_is 0
cli "${as_oa[@]}" --json seat link S1A seatnew1
check "swap: link the new user's ID (--json)" eval \
    'exit_is 0 && out_has "\"linked_id\":\"seatnew1\""'
check "swap: the seat holds the new user" linked_is S1A "$org1" "uid=seatnew1,$o1"
check "PAM: after the swap the old user is refused (PAM_PERM_DENIED)" \
    no_seat seat seatold1
check "PAM: after the swap the new user logs in" let_in seat seatnew1
check "PAM: an individual user needs no seat" let_in seat seatind1
check "PAM: a group user without a seat: refused" no_seat seat seatgrp1

# --- seat_required, allow_groups, org state --------------------------------------
check "seat_required = none: a corporate user without a seat logs in" \
    let_in seatnone seatnos1
check "seat_required = all: an individual user without a seat is refused" \
    no_seat seatall seatind1
check "seat_required = all: a linked user logs in" let_in seatall seatnew1
check "allow_groups: a member logs in without a seat" let_in seatallow seatnos1
check "allow_groups: a non-member without a seat is still refused" \
    no_seat seatallow seatold1
ldif_in <<EOF
dn: o=$org1,$base
changetype: modify
replace: idpState
idpState: disabled
EOF
check "a seat of a disabled org does not count" no_seat seat seatnew1
ldif_in <<EOF
dn: o=$org1,$base
changetype: modify
replace: idpState
idpState: active
EOF
check "... and counts again once the org is active" let_in seat seatnew1

echo "1..$n"
[ "$fails" -eq 0 ]
