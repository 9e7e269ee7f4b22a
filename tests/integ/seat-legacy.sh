#!/bin/bash
# Integration test (TAP) of the seat side of withdrawal and of legacy
# logins, against the real slapd with the shipped ACLs:
#   - `user delete` unlinks the user's seats first (--dry-run shows them
#     and changes nothing; --json "unlinked_seats"; the seat is then free
#     to link); an org admin of another org is refused (exit 4) with
#     nothing unlinked or deleted; one who may unlink but not delete gets
#     the seat linked back;
#   - `seat add ORG CODE --legacy-id LID --link-password-file F` and the
#     self-service `seat link CODE ID --legacy-password-file F` as the
#     portal account: the link, the hash gone, idpLegacyId on the user, a
#     PAM login after it; the password once only; a wrong password, an
#     unknown code and a seat without a link password answered alike
#     (exit 4); a linked seat (exit 5, the holder not named); the seat
#     limit; the host account refused by the directory (exit 4); a
#     password file others may read refused.
#
# Uses the shared directory of run-tests. Everything it makes has an ID or
# org name starting with "lgcy" and is deleted at the end.
set -uo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
build=${IDS_BUILD_DIR:-$top/build}
idportal=${IDPORTAL:-$build/idportal}
module=$build/pam_idportal.so
export PATH=$PATH:/usr/sbin:/sbin

umask 077
work=$(mktemp -d "${TMPDIR:-/tmp}/seat-legacy-test.XXXXXX") || exit 1
# check, not, bail, and the counters n and fails
. "$(dirname "${BASH_SOURCE[0]}")/../tap.sh"
# ldapi, search, value_of, attr_is, attr_absent, ldif_in
. "$(dirname "${BASH_SOURCE[0]}")/../ldapi.sh"
# cli, exit_is, refused, out_has, equals, json_q, has_entry, pam_login, ...
. "$(dirname "${BASH_SOURCE[0]}")/../cli.sh"
for v in IDPORTAL_CONF IDS_PORTAL_CONF IDS_LDAPI_URI IDS_BASE; do
	[ -n "${!v:-}" ] || bail "$v is not set (run from tests/run-tests)"
done
[ -x "$idportal" ] || bail "no idportal CLI at $idportal"
[ -r "$module" ] || bail "no PAM module at $module"
command -v pamtester > /dev/null || bail "pamtester is not installed"

conf=$IDPORTAL_CONF
portal=(--config "$IDS_PORTAL_CONF")
host=(--config "$IDPORTAL_CONF")
base=$IDS_BASE
people=ou=people,$base
admins_dn=cn=idportal-admins,ou=groups,$base
admin=lgcyadm01
admin_dn=uid=$admin,$people
org1=lgcyorg1
org2=lgcyorg2
o1=ou=people,o=$org1,$base
o2=ou=people,o=$org2,$base
s1=ou=seats,o=$org1,$base
s2=ou=seats,o=$org2,$base
pw=Lgcy-Test-Pass-42
lpw='0ld Login Pass!'

sweep() {
	local dn
	ldapi ldapsearch -LLL -o ldif-wrap=no -b "$base" \
	    '(|(uid=lgcy*)(o=lgcy*))' 1.1 2> /dev/null |
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
	    "$((66000 + RANDOM % 3000))" "$((66000 + RANDOM % 3000))"
	printf 'homeDirectory: /home/%s\nloginShell: /bin/bash\n' "$1"
	printf 'idpUserType: %s\nidpState: active\n' "$3"
	[ -z "${4:-}" ] || printf 'idpRole: %s\n' "$4"
	echo
}
state() {	# state USER-DN: LDIF of its cn=state
	printf 'dn: cn=state,%s\nobjectClass: idpUserState\ncn: state\n\n' "$1"
}

as_admin=(--as "$admin" --as-pw-file "$work/pw")
as_oa1=(--as lgcyoa01 --as-pw-file "$work/pw")
as_oa2=(--as lgcyoa02 --as-pw-file "$work/pw")
nowhere() {	# nowhere TEXT: not in stdout nor stderr
	not grep -qF -- "$1" "$work/out" "$work/err" ||
	    { cat "$work/out" "$work/err"; return 1; }
}
json_keys() {	# json_keys: the keys of the one-line object, sorted
	[ "$(wc -l < "$work/out")" -eq 1 ] || { cat "$work/out"; return 1; }
	json_q '" ".join(sorted(j))'
}
ssha_of() {	# ssha_of SEAT-DN PASSWORD: its idpLinkPasswordHash is PASSWORD's
	search "$1" base idpLinkPasswordHash | python3 -c '
import base64, hashlib, sys
pw = sys.argv[1].encode()
for l in sys.stdin:
	k, sep, v = l.rstrip("\n").partition(":")
	if k.lower() != "idplinkpasswordhash":
		continue
	v = base64.b64decode(v[2:]).decode() if v.startswith(": ") else v[1:]
	raw = base64.b64decode(v[6:])
	ok = v[:6] == "{SSHA}" and len(raw) > 20 and \
	    hashlib.sha1(pw + raw[20:]).digest() == raw[:20]
	print(v[:6], "matches" if ok else "does not match")
	sys.exit(0 if ok else 1)
print("no idpLinkPasswordHash")
sys.exit(1)' "$2"
}
linked_is() {	# linked_is SEAT-DN WANT-DN (empty: free)
	equals "$(value_of "$1" idpLinkedUser)" "$2"
}

# --- logins through the module (pamtester under pam_wrapper) ------------------
pam_service idportal-lgcy "$conf"
login() {	# login USER: pamtester output in $work/pam.out
	pam_login idportal-lgcy "$1" "$pw" > "$work/pam.out"
	return 0
}
let_in() {	# let_in USER
	login "$1"
	grep -q 'successfully authenticated' "$work/pam.out" &&
	    grep -q 'account management done' "$work/pam.out" ||
	    { cat "$work/pam.out"; return 1; }
}
no_seat() {	# no_seat USER: password right, account refused
	login "$1"
	grep -q 'successfully authenticated' "$work/pam.out" &&
	    grep -q 'not linked to a license seat' "$work/pam.out" &&
	    not grep -q 'account management done' "$work/pam.out" ||
	    { cat "$work/pam.out"; return 1; }
}

# --- fixtures ----------------------------------------------------------------
sweep		# left over from an interrupted run
printf '%s' "$pw" > "$work/pw"
printf '%s\n' "$lpw" > "$work/lpw"
printf '%s' 'Not-The-Pass-1' > "$work/wrong"
printf '%s' "$pw" > "$work/upw"
printf '%s' 'Other-Legacy-2' > "$work/lpw2"
printf '%s' 'Third-Legacy-3' > "$work/lpw3"
user "$admin" "$people" individual admin | ldif_in -a
ldif_in <<EOF
dn: $admins_dn
changetype: modify
add: member
member: $admin_dn
EOF
ldapi ldappasswd -s "$pw" "$admin_dn" > /dev/null || bail "passwd $admin"
cli "${as_admin[@]}" org add "$org1" --seats 5
exit_is 0 || bail "org add $org1"
cli "${as_admin[@]}" org add "$org2" --seats 1
exit_is 0 || bail "org add $org2"
{
	user lgcyoa01 "$o1" corporate orgadmin
	user lgcyoa02 "$o2" corporate orgadmin
	for u in lgcycor1 lgcycor2 lgcycor3 lgcycor4 lgcycor5 lgcycor6; do
		user "$u" "$o1" corporate
	done
	user lgcyoth1 "$o2" corporate
	user lgcyind1 "$people" individual
	state "uid=lgcycor2,$o1"
	state "uid=lgcycor4,$o1"
} | ldif_in -a
for u in lgcyoa01 lgcycor1 lgcycor3 lgcycor5 lgcycor6; do
	ldapi ldappasswd -s "$pw" "uid=$u,$o1" > /dev/null || bail "passwd $u"
done
ldapi ldappasswd -s "$pw" "uid=lgcyoa02,$o2" > /dev/null ||
    bail "passwd lgcyoa02"
for s in L1D L1E; do
	cli "${as_admin[@]}" seat add "$org1" "$s"
	exit_is 0 || bail "seat add $s"
done
cli "${as_oa1[@]}" seat link L1D lgcycor2
exit_is 0 || bail "seat link L1D lgcycor2"
cli "${as_oa1[@]}" seat link L1E lgcycor4
exit_is 0 || bail "seat link L1E lgcycor4"
c2=uid=lgcycor2,$o1

# --- user delete unlinks the user's seats ----------------------------------------
cli "${as_admin[@]}" user delete lgcycor2 --dry-run
check "delete --dry-run: names the seat it would unlink" eval \
    'exit_is 0 && out_has "Would unlink lgcycor2 from seat L1D" \
    "cn=state,$c2" "Nothing was changed"'
check "... and changes nothing: seat linked, user and state there" eval \
    'linked_is "idpSeatCode=L1D,$s1" "$c2" && has_entry "$c2" &&
    has_entry "cn=state,$c2"'
cli "${as_admin[@]}" --json user delete lgcycor2 --dry-run
check "delete --dry-run --json: stable keys, unlinked_seats [L1D]" eval \
    'exit_is 0 && equals "$(json_keys)" "deleted dry_run id unlinked_seats" &&
    equals "$(json_q "j[\"dry_run\"], j[\"unlinked_seats\"] == [\"L1D\"]")" \
    "True True"'
check "... still linked" linked_is "idpSeatCode=L1D,$s1" "$c2"
cli "${as_oa2[@]}" user delete lgcycor2
check "org admin of another org: exit 4, says nothing was deleted" refused 4 \
    "does not let lgcyoa02 unlink seat L1D of lgcycor2" \
    "nothing was deleted"
check "... the seat still holds the user, user and state there" eval \
    'linked_is "idpSeatCode=L1D,$s1" "$c2" && has_entry "$c2" &&
    has_entry "cn=state,$c2"'
cli "${as_oa1[@]}" user delete lgcycor2
check "org admin of the user's org (may unlink, may not delete): exit 4" \
    refused 4 "does not let lgcyoa01 delete lgcycor2" "linked back"
check "... the seat is linked back, the user still there" eval \
    'linked_is "idpSeatCode=L1D,$s1" "$c2" && has_entry "$c2"'
cli "${as_admin[@]}" user delete lgcycor2
check "delete: exit 0, says which seat was freed" eval \
    'exit_is 0 && out_has "Deleted lgcycor2" \
    "Unlinked lgcycor2 from seat L1D; the seat is free to link."'
check "... the user is gone and the seat is free" eval \
    'no_entry "$c2" && no_entry "cn=state,$c2" &&
    linked_is "idpSeatCode=L1D,$s1" ""'
cli "${as_oa1[@]}" seat link L1D lgcycor3
check "... and linkable to another user" eval \
    'exit_is 0 && linked_is "idpSeatCode=L1D,$s1" "uid=lgcycor3,$o1"'
cli "${as_admin[@]}" --json user delete lgcycor4
check "delete --json: unlinked_seats [L1E], dry_run false" eval \
    'exit_is 0 && equals "$(json_keys)" "deleted dry_run id unlinked_seats" &&
    equals "$(json_q "j[\"dry_run\"], j[\"unlinked_seats\"] == [\"L1E\"], len(j[\"deleted\"])")" \
    "False True 2"'
check "... L1E is free" linked_is "idpSeatCode=L1E,$s1" ""
cli "${as_admin[@]}" --json user delete lgcyind1 --dry-run
check "delete of a user without seats: unlinked_seats []" eval \
    'exit_is 0 && equals "$(json_q "j[\"unlinked_seats\"]")" "[]"'

# --- seat add --legacy-id --------------------------------------------------------
L=idpSeatCode=L1L,$s1
cli "${as_admin[@]}" seat add "$org1" L1L --legacy-id OldLogin-77 \
    --link-password-file "$work/lpw"
check "seat add --legacy-id: exit 0, says so" eval \
    'exit_is 0 && out_has "Added seat L1L to $org1 for legacy ID OldLogin-77"'
check "... idpLegacyId and an {SSHA} idpLinkPasswordHash on the seat" eval \
    'attr_is "$L" idpLegacyId OldLogin-77 && ssha_of "$L" "$lpw"'
check "... the password is nowhere in the output" nowhere "$lpw"
cli "${as_admin[@]}" --json seat add "$org1" L1K --legacy-id OldLogin-88 \
    --link-password-file "$work/lpw2"
check "seat add --legacy-id --json: the seat object and legacy_id" eval \
    'exit_is 0 && equals "$(json_keys)" \
    "code dn legacy_id linked_id linked_user org" &&
    equals "$(json_q "j[\"legacy_id\"]")" OldLogin-88'
cli "${as_admin[@]}" seat add "$org2" L2L --legacy-id OldLogin-99 \
    --link-password-file "$work/lpw3"
check "a legacy seat in the second org" exit_is 0
cli "${as_oa1[@]}" seat add "$org1" L1M --legacy-id OldLogin-66 \
    --link-password-file "$work/lpw"
check "seat add --legacy-id by an org admin: exit 4" refused 4 \
    "does not let lgcyoa01 add seats"
cli "${as_admin[@]}" seat add "$org1" L1M --legacy-id 'old login' \
    --link-password-file "$work/lpw"
check "a legacy ID with a space: exit 2, one line" refused 2 \
    'legacy ID "old login": want 1 to 64 ASCII'
cli "${as_admin[@]}" seat add "$org1" L1M --legacy-id OldLogin-66
check "--legacy-id without --link-password-file: exit 2" refused 2 usage
cp "$work/lpw" "$work/lpw644"
chmod 0644 "$work/lpw644"
cli "${as_admin[@]}" seat add "$org1" L1M --legacy-id OldLogin-66 \
    --link-password-file "$work/lpw644"
check "seat add: a link password file others may read is refused" eval \
    '[ "$rc" -ne 0 ] && grep -q "^idportal: .*0644" "$work/err" &&
    no_entry "idpSeatCode=L1M,$s1"'

# --- the legacy link ---------------------------------------------------------------
check "before the link, the corporate user has no seat (PAM)" \
    no_seat lgcycor1
cli "${host[@]}" seat link L1L lgcycor1 --legacy-password-file "$work/lpw" \
    --password-file "$work/upw"
check "the host account (not the portal): exit 4 from the directory" \
    refused 4 "does not let this host's service account link seat L1L"
check "... the seat is still free, its hash still there" eval \
    'linked_is "$L" "" && [ -n "$(search "$L" base idpLinkPasswordHash |
    grep -i "^idpLinkPasswordHash")" ]'
cli "${portal[@]}" seat link L1L lgcycor1 --legacy-password-file "$work/wrong" \
    --password-file "$work/upw"
check "a wrong password: exit 4" refused 4 "not accepted"
cp "$work/err" "$work/err.wrong"
cli "${portal[@]}" seat link L1ZZ lgcycor1 --legacy-password-file "$work/lpw" \
    --password-file "$work/upw"
check "an unknown code: exit 4, the same line" eval \
    'exit_is 4 && cmp "$work/err" "$work/err.wrong"'
cli "${portal[@]}" seat link L1E lgcycor1 --legacy-password-file "$work/lpw" \
    --password-file "$work/upw"
check "a seat without a link password: exit 4, the same line" eval \
    'exit_is 4 && cmp "$work/err" "$work/err.wrong"'
cli "${portal[@]}" seat link L1L lgcycor1 --legacy-password-file \
    "$work/lpw644" \
    --password-file "$work/upw"
check "a password file others may read: refused, nothing linked" eval \
    '[ "$rc" -ne 0 ] && grep -q "^idportal: .*0644" "$work/err" &&
    linked_is "$L" ""'
cli "${portal[@]}" seat link L1L lgcycor3 --legacy-password-file "$work/lpw" \
    --password-file "$work/upw"
check "a user who holds a seat already: exit 5" refused 5 \
    "lgcycor3 already holds a seat"
cli "${portal[@]}" seat link L1L lgcynone1 --legacy-password-file "$work/lpw" \
    --password-file "$work/upw"
check "an unknown personal ID: exit 3" refused 3 "no user lgcynone1"
check "... still free" linked_is "$L" ""
cli "${portal[@]}" seat link L1L lgcycor1 --legacy-password-file "$work/lpw" \
    --password-file "$work/wrong"
check "the right legacy password, the wrong password of the ID: exit 4" \
    refused 4 "the password of lgcycor1 is wrong; seat L1L was not linked"
check "... still free, the hash still there" eval \
    'linked_is "$L" "" && [ -n "$(search "$L" base idpLinkPasswordHash |
    grep -i "^idpLinkPasswordHash")" ]'
cli "${portal[@]}" seat link L1L lgcycor1 --legacy-password-file "$work/lpw" \
    --password-file "$work/upw"
check "legacy link as the portal: exit 0, says what was linked" eval \
    'exit_is 0 && out_has "Linked legacy ID OldLogin-77 (seat L1L) to lgcycor1"'
check "... the password is nowhere in the output" nowhere "$lpw"
check "... the seat holds the user" linked_is "$L" "uid=lgcycor1,$o1"
check "... the link password hash is gone" attr_absent "$L" idpLinkPasswordHash
check "... the user has idpLegacyId" attr_is "uid=lgcycor1,$o1" idpLegacyId \
    OldLogin-77
check "PAM: the corporate user now logs in" let_in lgcycor1
cli "${portal[@]}" seat link L1L lgcycor5 --legacy-password-file "$work/lpw" \
    --password-file "$work/upw"
check "the same password again: refused (single use), the same line" eval \
    'exit_is 4 && cmp "$work/err" "$work/err.wrong"'
check "... still linked to the first user" linked_is "$L" "uid=lgcycor1,$o1"

# a legacy seat an org admin linked by hand: the password is right, but
# the seat is taken
cli "${as_oa1[@]}" seat link L1K lgcycor5
exit_is 0 || bail "seat link L1K lgcycor5"
cli "${portal[@]}" seat link L1K lgcycor6 --legacy-password-file "$work/lpw2" \
    --password-file "$work/upw"
check "a linked legacy seat: exit 5, ask the org admin" refused 5 \
    "seat L1K is already linked; ask your organization's admin"
check "... the holder is not named" nowhere lgcycor5
check "... still the holder's" linked_is "idpSeatCode=L1K,$s1" \
    "uid=lgcycor5,$o1"

# the seat limit (lgcyorg2: 1)
cli "${as_admin[@]}" seat add "$org2" L2A
cli "${as_oa2[@]}" seat link L2A lgcyoth1
exit_is 0 || bail "seat link L2A lgcyoth1"
cli "${portal[@]}" seat link L2L lgcycor6 --legacy-password-file "$work/lpw3" \
    --password-file "$work/upw"
check "legacy link past the org's seat limit: exit 5" refused 5 "seat limit"
check "... the seat stays free, the password unused" eval \
    'linked_is "idpSeatCode=L2L,$s2" "" && [ -n "$(search \
    "idpSeatCode=L2L,$s2" base idpLinkPasswordHash | grep -i "^idpLink")" ]'
cli "${as_oa2[@]}" seat unlink L2A
cli "${portal[@]}" --json seat link L2L lgcycor6 --legacy-password-file \
    "$work/lpw3" \
    --password-file "$work/upw"
check "legacy link --json: the seat object and legacy_id" eval \
    'exit_is 0 && equals "$(json_keys)" \
    "code dn legacy_id linked_id linked_user org" &&
    equals "$(json_q "j[\"linked_id\"], j[\"legacy_id\"], j[\"org\"]")" \
    "lgcycor6 OldLogin-99 $org2"'
check "... the user has idpLegacyId" attr_is "uid=lgcycor6,$o1" idpLegacyId \
    OldLogin-99

echo "1..$n"
[ "$fails" -eq 0 ]
