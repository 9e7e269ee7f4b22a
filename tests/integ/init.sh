#!/bin/bash
# Integration test of `idportal init` (TAP): an empty directory, a second
# run, and the ways it must refuse without leaving anything half-made.
# Starts its own empty directories (SLAPD_ENV_INIT=no tests/slapd-env) and
# ignores the shared one run-tests provides. Needs root, slapd, ldap-utils,
# pamtester, pam_wrapper and the built CLI and module (env IDPORTAL and
# IDS_BUILD_DIR, default build/).
set -uo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
slapd_env=$top/tests/slapd-env
build=${IDS_BUILD_DIR:-$top/build}
idportal=${IDPORTAL:-$build/idportal}
module=$build/pam_idportal.so
base=dc=init,dc=test
manager_dn=cn=admin,$base
svc_dn=cn=idportal-host,ou=services,$base
admin=alice01
admin_dn=uid=$admin,ou=people,$base
export PATH=$PATH:/usr/sbin:/sbin
unset IDPORTAL_CONF	# every run below names its config

work=$(mktemp -d "${TMPDIR:-/tmp}/init-test.XXXXXX") || exit 1
envs=()
cleanup() {
	local d
	for d in "${envs[@]}"; do
		"$slapd_env" stop "$d" 2> /dev/null
	done
	rm -rf -- "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

# check, not, bail, and the counters n and fails
. "$(dirname "${BASH_SOURCE[0]}")/../tap.sh"

# An empty directory (no base entry, no init) in $work/NAME.
start_env() {
	local dir=$work/$1
	SLAPD_ENV_INIT=no SLAPD_ENV_BASE=$base \
	    "$slapd_env" start "$dir" > /dev/null 2> "$work/$1.start.err" || {
		sed 's/^/# /' "$work/$1.start.err"
		bail "slapd-env start $1 failed"
	}
	envs+=("$dir")
}
ldapi() {	# ldapi DIR: the env's ldapi:// URI
	sed -n "s/^export IDS_LDAPI_URI='\(.*\)'$/\1/p" "$1/env"
}
ldap_uri() {	# ldap_uri DIR: the env's ldap://127.0.0.1:PORT
	sed -n "s/^export IDS_URI='\(.*\)'$/\1/p" "$1/env"
}

# idportal_init DIR CONF [--json] [ARGS...]: run init as the manager (its
# password from $pw_file, default DIR/manager.secret), output in $work/out
# and $work/err, exit status in $rc.
idportal_init() {
	local dir=$1 conf=$2 json=()
	shift 2
	if [ "${1:-}" = --json ]; then
		json=(--json)
		shift
	fi
	rc=0
	timeout 60 "$idportal" --config "$conf" "${json[@]}" init \
	    --bind-dn "$manager_dn" \
	    --bind-pw-file "${pw_file:-$dir/manager.secret}" \
	    "$@" < /dev/null > "$work/out" 2> "$work/err" || rc=$?
}

# Root over ldapi sees everything; DNs come back one per line, unwrapped.
search() {	# search DIR BASE SCOPE [ATTRS...]
	local dir=$1 b=$2 scope=$3
	shift 3
	LDAPNOINIT=1 ldapsearch -LLL -o ldif-wrap=no -Q -Y EXTERNAL \
	    -H "$(ldapi "$dir")" -b "$b" -s "$scope" "$@"
}
has_entry() {	# has_entry DIR DN
	search "$1" "$2" base 1.1 > /dev/null
}
attr_is() {	# attr_is DIR DN ATTR VALUE: ATTR has exactly this one value
	local got
	got=$(search "$1" "$2" base "$3" | grep -i "^$3:") || {
		echo "$2: no $3"
		return 1
	}
	[ "$got" = "$3: $4" ] ||
	    { echo "$2: got '$got', want '$3: $4'"; return 1; }
}
is_empty() {	# is_empty DIR: not even the base entry
	local out
	out=$(search "$1" "$base" base 1.1 2>&1)
	[ $? -eq 32 ] || { echo "the base entry exists: $out"; return 1; }
}
dump() {	# dump DIR: every entry with every operational attribute
	slapcat -F "$1/slapd.d" -b "$base" 2> /dev/null
}
dns() {	# dns DIR: sorted DNs under the base (nothing if empty)
	search "$1" "$base" sub 1.1 2> /dev/null | sed -n 's/^dn: //p' | sort
}

exit_is() {	# exit_is WANT
	[ "$rc" -eq "$1" ] || {
		echo "exit $rc, want $1; stderr:"
		cat "$work/err"
		return 1
	}
}
one_error_line() {	# one_error_line: stderr is one "idportal: " line
	[ "$(wc -l < "$work/err")" -eq 1 ] && grep -q '^idportal: ' "$work/err"
}
has_all() {	# has_all FILE FIXED-STRING...: every string is in FILE
	local f=$1 s
	shift
	for s in "$@"; do
		grep -qF -- "$s" "$f" ||
		    { echo "no '$s' in:"; cat "$f"; return 1; }
	done
}
err_has() {	# err_has FIXED-STRING...: all on stderr
	has_all "$work/err" "$@"
}
out_has() {	# out_has FIXED-STRING...: all on stdout
	has_all "$work/out" "$@"
}
json_value() {	# json_value KEY: a string value of the --json output
	sed -n "s/.*\"$1\":\"\([^\"\\\\]*\)\".*/\1/p" "$work/out"
}
mode_owner_is() {	# mode_owner_is MODE OWNER FILE
	local got
	got=$(stat -c '%a %U' -- "$3") || return 1
	[ "$got" = "$1 $2" ] || { echo "$3: $got, want $1 $2"; return 1; }
}

# The end of the next calendar day in Asia/Tokyo (no DST there), as the
# UTC GeneralizedTime init stores: midnight two days after today, local.
deadline_for_today() {
	local today
	today=$(TZ=Asia/Tokyo date +%F)
	date -u -d "@$(TZ=Asia/Tokyo date -d "$today + 2 days" +%s)" \
	    +%Y%m%d%H%M%SZ
}
# The deadline computed just before and just after init: the same value
# unless the run straddled midnight in Tokyo.
is_expected_deadline() {	# is_expected_deadline VALUE
	[ "$1" = "$deadline_before" ] || [ "$1" = "$deadline_after" ] || {
		echo "got '$1', want '$deadline_before'"
		return 1
	}
}
value_of() {	# value_of DIR DN ATTR: the (first) value
	search "$1" "$2" base "$3" | sed -n "s/^$3: //p" | head -n 1
}
# The admin's uidNumber was handed out by the counter.
uid_below_counter() {
	local uidn next
	uidn=$(value_of "$a" "$admin_dn" uidNumber)
	next=$(value_of "$a" "$counter_dn" idpNextUidNumber)
	echo "uidNumber '$uidn', idpNextUidNumber '$next'"
	[[ $uidn =~ ^[0-9]+$ && $next =~ ^[0-9]+$ ]] && [ "$uidn" -lt "$next" ]
}

whoami_as() {	# whoami_as DIR DN PWFILE: StartTLS + simple bind
	LDAPTLS_CACERT=$1/ca.crt LDAPTLS_REQCERT=demand ldapwhoami -ZZ -x \
	    -H "$(ldap_uri "$1")" -D "$2" -y "$3"
}

# Log in through the built module with pamtester under pam_wrapper (the
# host's /etc/pam.d is never read): answers PASSWORD to the prompt.
pam_dir=$work/pam.d
pam_login() {	# pam_login DIR USER PASSWORD
	local preload=libpam_wrapper.so asan
	mkdir -p "$pam_dir"
	printf '%s\n' "auth required $module config=$1/idportal.conf" \
	    "account required $module config=$1/idportal.conf" \
	    > "$pam_dir/idportal-init"
	# An ASan-built module needs the runtime loaded first.
	if ldd "$module" 2> /dev/null | grep libasan > /dev/null; then
		asan=$(gcc -print-file-name=libasan.so)
		preload="$asan $preload"
	fi
	printf '%s\n' "$3" | ASAN_OPTIONS=detect_leaks=0 \
	    LD_PRELOAD=$preload PAM_WRAPPER=1 \
	    PAM_WRAPPER_SERVICE_DIR=$pam_dir \
	    pamtester -v idportal-init "$2" authenticate acct_mgmt 2>&1 |
	    grep -v '^PWRAP_'
}

[ -x "$idportal" ] || bail "no idportal CLI at $idportal"
[ -r "$module" ] || bail "no PAM module at $module"

# --- an empty directory ------------------------------------------------------
start_env a
a=$work/a
check "the new directory is empty" is_empty "$a"
deadline_before=$(deadline_for_today)
idportal_init "$a" "$a/idportal.conf" --json --admin "$admin"
deadline_after=$(deadline_for_today)
check "init on an empty directory exits 0" exit_is 0
check "... and prints nothing on stderr" test ! -s "$work/err"
check "--json says changed, bind_pw_file written" \
    out_has '"changed":true' '"bind_pw_file_written":true'
tmp_pw=$(json_value temporary_password)
check "--json has a temporary_password of 10 letters and digits" \
    grep -Eq '^[A-Za-z0-9]{10}$' <<< "$tmp_pw"
printf '%s' "$tmp_pw" > "$work/admin.pw"

check "the base entry" has_entry "$a" "$base"
for ou in people services groups counters; do
	check "ou=$ou" has_entry "$a" "ou=$ou,$base"
done
counter_dn=cn=uidnumber,ou=counters,$base
check "the uid counter, with idpNextUidNumber" \
    grep -Eqx '[0-9]+' <<< "$(value_of "$a" "$counter_dn" idpNextUidNumber)"
check "the unknown-logins counter, at 0" attr_is "$a" \
    "cn=unknown-logins,ou=counters,$base" idpPasswordFailures 0
check "the service account at bind_dn" has_entry "$a" "$svc_dn"
check "the admin, uid=$admin,ou=people" has_entry "$a" "$admin_dn"
check "... uid is exactly $admin" attr_is "$a" "$admin_dn" uid "$admin"
check "... has a temporary password" \
    attr_is "$a" "$admin_dn" idpTempPassword TRUE
check "... valid to the end of the next day in Asia/Tokyo" \
    is_expected_deadline \
    "$(value_of "$a" "$admin_dn" idpTempPasswordDeadline)"
check "--json deadline is the same instant" \
    is_expected_deadline "$(json_value deadline)"
check "... uidNumber from the counter, below its next value" \
    uid_below_counter
state_dn=cn=state,$admin_dn
check "the admin's state entry" has_entry "$a" "$state_dn"
for attr in idpPasswordFailures idpTotpFailures idpTotpLastStep; do
	check "... $attr is 0" attr_is "$a" "$state_dn" "$attr" 0
done
check "cn=idportal-admins has the admin as member" attr_is "$a" \
    "cn=idportal-admins,ou=groups,$base" member "$admin_dn"
check "bind_pw_file was made 0600 root" \
    mode_owner_is 600 root "$a/bind.secret"
check "the service account binds with bind_pw_file (StartTLS)" \
    whoami_as "$a" "$svc_dn" "$a/bind.secret"
check "the admin binds with the temporary password" \
    whoami_as "$a" "$admin_dn" "$work/admin.pw"
pam_login "$a" "$admin" "$tmp_pw" > "$work/pam.out"
check "the admin's temporary password authenticates through PAM" \
    grep -q 'successfully authenticated' "$work/pam.out"
check "... and account says a new password is required" grep -q \
    'Authentication token is no longer valid; new one required' \
    "$work/pam.out"
pam_login "$a" "$admin" "not-$tmp_pw" > "$work/pam.out"
check "a wrong password does not authenticate" \
    not grep -q 'successfully authenticated' "$work/pam.out"

# --- twice -------------------------------------------------------------------
dump "$a" > "$work/dump1"
check "the dump is not empty" grep -q "^dn: $admin_dn" "$work/dump1"
cp "$a/bind.secret" "$work/bind.secret1"
idportal_init "$a" "$a/idportal.conf" --admin "$admin"
check "init again exits 0" exit_is 0
check "... and says nothing changed" out_has "nothing changed"
check "... prints no password" not grep -qF -- "$tmp_pw" "$work/out"
idportal_init "$a" "$a/idportal.conf" --json --admin "$admin"
check "init a third time (--json) exits 0" exit_is 0
check "... with \"changed\":false and no temporary password" out_has \
    '"changed":false' '"temporary_password":null' \
    '"bind_pw_file_written":false'
dump "$a" > "$work/dump2"
check "a full dump (entryCSN, timestamps) is byte-identical" \
    cmp "$work/dump1" "$work/dump2"
check "bind_pw_file is unchanged" cmp "$work/bind.secret1" "$a/bind.secret"
check "the temporary password still binds" \
    whoami_as "$a" "$admin_dn" "$work/admin.pw"

# --- refusals: nothing half-made ---------------------------------------------
start_env b
b=$work/b
printf 'not-the-password' > "$work/wrong.pw"
chmod 600 "$work/wrong.pw"
pw_file=$work/wrong.pw idportal_init "$b" "$b/idportal.conf" --admin "$admin"
check "a wrong manager password exits 4" exit_is 4
check "... with one stderr line starting 'idportal: '" one_error_line
check "... that does not show the password" \
    not grep -qF not-the-password "$work/err"
check "... and the directory is still empty" is_empty "$b"
check "... and no bind_pw_file was written" test ! -e "$b/bind.secret"

# A closed port: nothing listens on 127.0.0.1:1 (checked).
if (exec 3<> /dev/tcp/127.0.0.1/1) 2> /dev/null; then
	bail "something listens on 127.0.0.1:1"
fi
sed 's|^uri = .*|uri = ldap://127.0.0.1:1|' "$b/idportal.conf" \
    > "$work/dead.conf"
idportal_init "$b" "$work/dead.conf" --admin "$admin"
check "a dead uri exits 6" exit_is 6
check "... every stderr line starts 'idportal: '" \
    not grep -qv '^idportal: ' "$work/err"
check "... the error names the uri" err_has "ldap://127.0.0.1:1"
check "... and no bind_pw_file was written" test ! -e "$b/bind.secret"

cp "$b/idportal.conf" "$work/unknown.conf"
echo 'colour = blue' >> "$work/unknown.conf"
line=$(wc -l < "$work/unknown.conf")
idportal_init "$b" "$work/unknown.conf" --admin "$admin"
check "a config with an unknown key exits 1" exit_is 1
check "... one stderr line" one_error_line
check "... naming file:line and the key" \
    err_has "$work/unknown.conf:$line: colour"
check "... and the directory is still empty" is_empty "$b"

for id in ab 'Ａlice01' 'alice_01' 'abcdefghijklmnopqrstu'; do
	idportal_init "$b" "$b/idportal.conf" --admin "$id"
	check "admin ID '$id' exits 2" exit_is 2
	check "... with one stderr line" one_error_line
	case $id in
	Ａ*) check "... naming the full-width character" err_has "'Ａ'" ;;
	esac
done
check "bad IDs created nothing" is_empty "$b"
check "... and wrote no bind_pw_file" test ! -e "$b/bind.secret"

printf 'some-old-secret' > "$b/bind.secret"
chmod 644 "$b/bind.secret"
idportal_init "$b" "$b/idportal.conf" --admin "$admin"
check "bind_pw_file with mode 0644 is refused (exit 1)" exit_is 1
check "... one stderr line" one_error_line
check "... naming the file and the mode" \
    err_has "$b/bind.secret is mode 0644"
check "... the directory is still empty" is_empty "$b"
check "... the file is left as it was" mode_owner_is 644 root "$b/bind.secret"
check "... with its content" grep -qx some-old-secret "$b/bind.secret"
rm -f "$b/bind.secret"

# After all that, init still works here (human output this time).
day1=$(TZ=Asia/Tokyo date -d tomorrow +%F)
idportal_init "$b" "$b/idportal.conf" --admin "$admin"
day2=$(TZ=Asia/Tokyo date -d tomorrow +%F)
check "then init succeeds (exit 0)" exit_is 0
check "... listing what it created" \
    out_has "created $base" "created $admin_dn" "created $svc_dn"
check "... saying where the service password went" \
    out_has "$b/bind.secret (0600)"
check "... and the last valid day of the temporary password" grep -Eq \
    "Valid until the end of ($day1|$day2) \\(Asia/Tokyo\\)" "$work/out"
tmp_pw_b=$(sed -n '/temporary password/{n;n;s/^ *//p;}' "$work/out")
printf '%s' "$tmp_pw_b" > "$work/admin-b.pw"
check "... the printed temporary password binds" \
    whoami_as "$b" "$admin_dn" "$work/admin-b.pw"

# --- an existing service account but no bind_pw_file -------------------------
start_env c
c=$work/c
LDAPNOINIT=1 ldapadd -Q -Y EXTERNAL -H "$(ldapi "$c")" > "$work/add.out" \
    2>&1 <<EOF || { sed 's/^/# /' "$work/add.out"; bail "ldapadd failed"; }
dn: $base
objectClass: dcObject
objectClass: organization
dc: init
o: init

dn: ou=services,$base
objectClass: organizationalUnit
ou: services

dn: $svc_dn
objectClass: applicationProcess
objectClass: simpleSecurityObject
cn: idportal-host
userPassword: made-by-someone-else
EOF
dns "$c" > "$work/dns1"
dump "$c" > "$work/dump1"
idportal_init "$c" "$c/idportal.conf" --admin "$admin"
check "service account present, bind_pw_file missing: exit 5" exit_is 5
check "... one stderr line" one_error_line
check "... naming bind_dn and the missing file" \
    err_has "$svc_dn" "$c/bind.secret" missing
check "... no bind_pw_file was written" test ! -e "$c/bind.secret"
dns "$c" > "$work/dns2"
check "... no entry was added" diff "$work/dns1" "$work/dns2"
dump "$c" > "$work/dump2"
check "... nothing changed (full dump)" cmp "$work/dump1" "$work/dump2"
# The remedy the message gives: a new password, written to the file.
head -c 18 /dev/urandom | base64 | tr -d '\n/+=' > "$c/bind.secret"
chmod 600 "$c/bind.secret"
LDAPNOINIT=1 ldappasswd -Q -Y EXTERNAL -H "$(ldapi "$c")" \
    -T "$c/bind.secret" "$svc_dn" > /dev/null 2>&1
idportal_init "$c" "$c/idportal.conf" --admin "$admin"
check "with the password restored, init completes (exit 0)" exit_is 0
check "... keeping that password" \
    whoami_as "$c" "$svc_dn" "$c/bind.secret"

echo "1..$n"
[ "$fails" -eq 0 ]
