#!/bin/bash
# Integration test of `idportal invite`, `register` and `lookup-id` (TAP),
# against the real slapd with the shipped ACLs, mail through tests/slapd-env's
# fake sendmail (each message saved as DIR/mail/N.eml): the pending entry
# and what it keeps (the hash, never the code), the mail, search --pending,
# invite -> register -> login through pam_idportal.so, the refusals (used,
# expired, mistyped and unknown codes, weak passwords, taken and bad IDs,
# the host account instead of the portal, an org admin outside their org,
# a mail command that fails, header injection), and lookup-id's neutral
# answer.
#
# Uses the shared directory of run-tests (env IDPORTAL_CONF, IDS_PORTAL_CONF,
# IDS_ENV_DIR, IDS_LDAPI_URI, IDS_BASE, IDPORTAL, IDS_BUILD_DIR).  Everything
# it makes has an ID, uid or org starting with "invt" (or "invite-" for
# pending entries with an @invt.example address) and is deleted at the end.
# Needs root, ldap-utils, pamtester, pam_wrapper and faketime.
set -uo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
build=${IDS_BUILD_DIR:-$top/build}
idportal=${IDPORTAL:-$build/idportal}
module=$build/pam_idportal.so
export PATH=$PATH:/usr/sbin:/sbin

umask 077
work=$(mktemp -d "${TMPDIR:-/tmp}/invite-test.XXXXXX") || exit 1
# check, not, bail, and the counters n and fails
. "$(dirname "${BASH_SOURCE[0]}")/../tap.sh"
# ldapi, search, value_of, attr_is, attr_absent, ldif_in
. "$(dirname "${BASH_SOURCE[0]}")/../ldapi.sh"
# cli, exit_is, refused, out_has, is_json_object, json_q, pam_login, ...
. "$(dirname "${BASH_SOURCE[0]}")/../cli.sh"
for v in IDPORTAL_CONF IDS_PORTAL_CONF IDS_ENV_DIR IDS_LDAPI_URI IDS_BASE; do
	[ -n "${!v:-}" ] || bail "$v is not set (run from tests/run-tests)"
done
[ -x "$idportal" ] || bail "no idportal CLI at $idportal"
[ -r "$module" ] || bail "no PAM module at $module"

conf=$IDPORTAL_CONF
portal=$IDS_PORTAL_CONF
base=$IDS_BASE
people=ou=people,$base
admins_dn=cn=idportal-admins,ou=groups,$base
admin=invtadm01
admin_dn=uid=$admin,$people
org1=invtorg1
org2=invtorg2
maildir=$IDS_ENV_DIR/mail

sweep() {	# everything of this test, wherever it is
	local dn
	ldapi ldapsearch -LLL -o ldif-wrap=no -b "$base" \
	    '(|(uid=invt*)(o=invt*)(mail=*@invt.example))' 1.1 2> /dev/null |
	    sed -n 's/^dn: //p' | sort -r | while read -r dn; do
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

as_admin=(--as "$admin" --as-pw-file "$work/admin.pw")
as_oa=(--as invtoa001 --as-pw-file "$work/oa.pw")

# --- mail -------------------------------------------------------------------------
mail_count() {
	find "$maildir" -name '*.eml' | wc -l
}
last_mail() {	# the newest message's file
	ls -t "$maildir"/*.eml | head -n 1
}
code_in() {	# code_in FILE: the registration code in a message
	sed -n 's/^ *\([0-9A-Z]\{5\}\(-[0-9A-Z]\{5\}\)\{4\}\)$/\1/p' "$1" |
	    head -n 1
}
pending_of() {	# pending_of EMAIL: DNs of pending entries for EMAIL
	search "$base" sub "(&(mail=$1)(idpState=pending))" 1.1 |
	    sed -n 's/^dn: //p'
}

# --- fixtures -----------------------------------------------------------------
sweep
head -c 18 /dev/urandom | base64 | tr -d '\n/+=' > "$work/admin.pw"
head -c 18 /dev/urandom | base64 | tr -d '\n/+=' > "$work/oa.pw"
printf '%s' 'Violet-Tractor-Sings-42' > "$work/good.pw"
printf '%s' 'password1' > "$work/weak.pw"
uidn=$((64000 + RANDOM % 300))
ldif_in -a <<EOF
dn: $admin_dn
objectClass: inetOrgPerson
objectClass: posixAccount
objectClass: idpUser
uid: $admin
cn: $admin
sn: $admin
uidNumber: $uidn
gidNumber: $uidn
homeDirectory: /home/$admin
idpUserType: individual
idpState: active
EOF
set_password "$admin_dn" "$work/admin.pw"
ldif_in <<EOF
dn: $admins_dn
changetype: modify
add: member
member: $admin_dn
EOF
cli "${as_admin[@]}" org add "$org1" --seats 5
exit_is 0 || bail "org add $org1 failed: $(cat "$work/err")"
cli "${as_admin[@]}" org add "$org2" --seats 5
exit_is 0 || bail "org add $org2 failed: $(cat "$work/err")"
cli "${as_admin[@]}" user add invtoa001 --type corporate --org "$org1" \
    --name "Org Admin" --email oa@invt.example --role orgadmin
exit_is 0 || bail "user add invtoa001 failed: $(cat "$work/err")"
set_password "uid=invtoa001,ou=people,o=$org1,$base" "$work/oa.pw"
pam_service idportal-invt "$conf"

# --- invite ---------------------------------------------------------------------
before=$(mail_count)
cli "${as_admin[@]}" invite alice@invt.example --org "$org1" --role member
check "invite: exit 0, says where and until when" eval \
    'exit_is 0 && out_has "Invited alice@invt.example to $org1" "role member" "(Asia/Tokyo)"'
check "invite: one message mailed" equals "$(mail_count)" $((before + 1))
msg=$(last_mail)
code=$(code_in "$msg")
check "invite: the message is to the invitee and holds a code" eval \
    '[ -n "$code" ] && has_all "$msg" "To: alice@invt.example" "Subject: Your invitation" "idportal register $code"'
check "invite: the code is not printed" out_lacks "$code"
pend=$(pending_of alice@invt.example)
check "invite: one pending entry under ou=people,o=$org1" eval \
    '[ "$(printf "%s\n" "$pend" | grep -c "ou=people,o=$org1,$base\$")" -eq 1 ]'
check "invite: pending, corporate, role member, no posixAccount" eval \
    'attr_is "$pend" idpState pending && attr_is "$pend" idpUserType corporate && attr_is "$pend" idpRole member && ! search "$pend" base objectClass | grep -qi posixAccount'
check "invite: the directory keeps a SHA-256 hash, not the code" eval \
    'h=$(value_of "$pend" idpInviteTokenHash); [[ $h =~ ^[0-9a-f]{64}$ ]] && ! search "$pend" base "*" | grep -qF "$code"'
check "invite: idpInviteDeadline about 7 days ahead" eval \
    'd=$(value_of "$pend" idpInviteDeadline); s=$(date -u -d "${d:0:8} ${d:8:2}:${d:10:2}:${d:12:2}" +%s); [ $((s - $(date +%s))) -gt $((7 * 86400 - 120)) ] && [ $((s - $(date +%s))) -le $((7 * 86400)) ]'

cli "${as_admin[@]}" --json invite carol@invt.example
check "invite --json individual: exit 0, keys" eval \
    'exit_is 0 && is_json_object email org type role expires pending_dn && json_valid'
check "invite --json: type individual, org null, under ou=people,<base>" \
    equals "$(json_q '(j["type"], j["org"], j["pending_dn"].split(",", 1)[1])')" \
    "('individual', None, '$people')"
carol_code=$(code_in "$(last_mail)")

cli "${as_admin[@]}" user search invt.example
check "user search hides pending invitations" eval \
    'exit_is 0 && out_lacks alice@invt.example'
cli "${as_admin[@]}" user search invt.example --pending
check "user search --pending shows them" eval \
    'exit_is 0 && out_has alice@invt.example carol@invt.example'

# --- invite refusals ------------------------------------------------------------
cli "${as_admin[@]}" invite 'x@invt.example
Bcc: victim@example.org'
check "invite: a line break in the address is exit 2" refused 2 "--email"
cli "${as_admin[@]}" invite nobody@invt.example --org invtnone
check "invite: unknown org is exit 3" refused 3 "no organization invtnone"
cli "${as_admin[@]}" invite dave@invt.example --type corporate
check "invite: corporate without --org is exit 2" refused 2 "--org"
before=$(mail_count)
cli "${as_oa[@]}" invite eve@invt.example --org "$org2"
check "org admin inviting to another org: exit 4" refused 4 \
    "does not let invtoa001 invite users to $org2"
check "... no pending entry, no mail" eval \
    '[ -z "$(pending_of eve@invt.example)" ] && [ "$(mail_count)" -eq "$before" ]'
cli "${as_oa[@]}" invite eve@invt.example --org "$org1" --role orgadmin
check "org admin inviting an org admin: exit 4 (the ACLs say no)" \
    refused 4 "does not let invtoa001"
cli "${as_oa[@]}" invite frank@invt.example --org "$org1"
check "org admin inviting to their own org: exit 0" exit_is 0
frank_code=$(code_in "$(last_mail)")
sed "s|^mail_command = .*|mail_command = /bin/false|" "$conf" > "$work/nomail.conf"
cli --config "$work/nomail.conf" "${as_admin[@]}" invite gina@invt.example
check "invite: a mail command that fails is exit 1, says so" refused 1 \
    "could not mail the invitation" "nothing was kept"
check "... and no pending entry is left" equals \
    "$(pending_of gina@invt.example)" ""

# --- register ------------------------------------------------------------------
reg() {	# reg CONF CODE ID [NAME [PWFILE]]
	cli --config "$1" register "$2" --id "$3" --name "${4:-Alice Liddell}" \
	    --password-file "${5:-$work/good.pw}"
}
reg "$conf" "$code" invtalice1
check "register as a host (not the portal): exit 4" refused 4 \
    "does not let"
check "... nothing added, the code still pending" eval \
    'no_entry "uid=invtalice1,ou=people,o=$org1,$base" && [ -n "$(value_of "$pend" idpInviteTokenHash)" ]'
reg "$portal" ABCDE-12345 invtalice1
check "register: not a code is exit 2" refused 2 "not a registration code"
reg "$portal" ABCDE-FGHJK-MNPQR-STVWX-YZ012 invtalice1
check "register: an unknown code is exit 3" refused 3 \
    "unknown or was already used"
reg "$portal" "$code" invtalice1 "Alice Liddell" "$work/weak.pw"
check "register: a weak password is exit 2, says why" refused 2 \
    "password refused"
reg "$portal" "$code" "invtａlice"
check "register: a full-width letter in the ID is exit 2, named" \
    refused 2 "ID invtａlice refused"
reg "$portal" "$code" invtoa001
check "register: a taken ID is exit 5" refused 5 "already taken"
reg "$portal" "$code" INVTOA001
check "register: the same ID in another case is exit 5" refused 5 \
    "already taken"
check "... after all these, nothing was added and the code is still there" \
    eval 'no_entry "uid=invtalice1,ou=people,o=$org1,$base" && [ -n "$(value_of "$pend" idpInviteTokenHash)" ]'

cli --config "$portal" --json register "$(printf '%s' "$code" |
    tr 'A-Z' 'a-z' | tr -d -)" --id invtalice1 --name "Alice Liddell" \
    --password-file "$work/good.pw"
check "register (code typed in lower case, no dashes): exit 0, keys" eval \
    'exit_is 0 && is_json_object id org type role'
check "register --json: values" equals \
    "$(json_q '(j["id"], j["org"], j["type"], j["role"])')" \
    "('invtalice1', '$org1', 'corporate', 'member')"
alice=uid=invtalice1,ou=people,o=$org1,$base
check "register: the user, in the invitation's org, active, with mail" eval \
    'attr_is "$alice" idpState active && attr_is "$alice" mail alice@invt.example && attr_is "$alice" displayName "Alice Liddell" && attr_is "$alice" idpRole member'
check "register: posixAccount with a uidNumber, home, cn=state" eval \
    'search "$alice" base objectClass | grep -qi posixAccount && [ -n "$(value_of "$alice" uidNumber)" ] && attr_is "$alice" homeDirectory /home/invtalice1 && has_entry "cn=state,$alice"'
check "register: the pending entry is gone" no_entry "$pend"
pam_login idportal-invt invtalice1 "$(cat "$work/good.pw")" > "$work/pam.out"
check "PAM: the chosen password authenticates; no seat yet, so no login" \
    has_all "$work/pam.out" "successfully authenticated" \
    "not linked to a license seat"
cli "${as_admin[@]}" seat add "$org1" INVTSEAT1
exit_is 0 || bail "seat add failed: $(cat "$work/err")"
cli "${as_oa[@]}" seat link INVTSEAT1 invtalice1
check "the org admin links the new user to a seat: exit 0" exit_is 0
pam_login idportal-invt invtalice1 "$(cat "$work/good.pw")" > "$work/pam.out"
check "PAM: now the new user logs in" has_all "$work/pam.out" \
    "successfully authenticated" "account management done"
check "PAM: a wrong password is refused" eval \
    '! pam_login idportal-invt invtalice1 wrong-password | grep -q "successfully authenticated"'
reg "$portal" "$code" invtalice2
check "register: the same code again is exit 3" refused 3 \
    "unknown or was already used"
check "... and added nobody" no_entry "uid=invtalice2,ou=people,o=$org1,$base"

# Two registrations with one code, at once: one wins.
for i in 1 2 3 4; do
	( ASAN_OPTIONS=detect_leaks=0 timeout 60 "$idportal" --config "$portal" \
	    register "$frank_code" --id "invtfrank$i" --name Frank \
	    --password-file "$work/good.pw" < /dev/null > /dev/null 2>&1
	echo $? > "$work/race.$i" ) &
done
wait
check "4 registrations with one code at once: exactly one exit 0" equals \
    "$(cat "$work"/race.? | grep -c '^0$')" 1
check "... and exactly one user made" equals "$(search "$base" sub \
    '(uid=invtfrank*)' 1.1 | grep -c '^dn: ')" 1

reg "$portal" "$carol_code" invtcarol1 "Carol"
check "register of an individual invitation: under ou=people,<base>" eval \
    'exit_is 0 && attr_is "uid=invtcarol1,$people" idpUserType individual'

# Expired: the clock moved past the deadline (libfaketime), not the entry.
cli "${as_admin[@]}" invite henry@invt.example --org "$org1"
henry_code=$(code_in "$(last_mail)")
cli --at "+8d" --config "$portal" register "$henry_code" --id invthenry1 \
    --name Henry --password-file "$work/good.pw"
check "register 8 days later: exit 4, expired, says to ask again" \
    refused 4 "expired at" "ask for a new one"
check "... nothing added" no_entry "uid=invthenry1,ou=people,o=$org1,$base"
cli --at "+6d" --config "$portal" register "$henry_code" --id invthenry1 \
    --name Henry --password-file "$work/good.pw"
check "register 6 days later: still fine" exit_is 0

# --- lookup-id ---------------------------------------------------------------------
before=$(mail_count)
cli --config "$portal" lookup-id ALICE@invt.example
known_out=$(cat "$work/out")
check "lookup-id: exit 0, the neutral answer" eval \
    'exit_is 0 && out_has "If IDs are registered to ALICE@invt.example"'
check "lookup-id: one message, to the address as registered, with the ID" \
    eval '[ "$(mail_count)" -eq $((before + 1)) ] && has_all "$(last_mail)" "To: alice@invt.example" "invtalice1"'
check "lookup-id: no other user's ID in it" eval \
    '! grep -q invtcarol1 "$(last_mail)"'
before=$(mail_count)
cli --config "$portal" lookup-id nobody@invt.example
check "lookup-id of an unknown address: the same answer, exit 0" eval \
    'exit_is 0 && equals "$(sed s/nobody/ALICE/ "$work/out")" "$known_out"'
check "... and no mail" equals "$(mail_count)" "$before"
cli "${as_admin[@]}" invite ivy@invt.example
before=$(mail_count)
cli --config "$portal" lookup-id ivy@invt.example
check "lookup-id never lists a pending invitation (no mail for one)" \
    eval 'exit_is 0 && [ "$(mail_count)" -eq "$before" ]'
cli --json lookup-id nobody@invt.example
check "lookup-id --json: keys" eval \
    'exit_is 0 && is_json_object email answer'
cli lookup-id 'a@b.c
Bcc: x@y.z'
check "lookup-id: a line break in the address is exit 2" refused 2 \
    "--email"

echo "1..$n"
[ "$fails" -eq 0 ]
