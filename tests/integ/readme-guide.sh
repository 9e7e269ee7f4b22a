#!/bin/bash
# Runs the README's guides (TAP), so that they cannot rot: "Setting up a
# directory" (the ```sh blocks after `<!-- guide: setup -->` and `<!--
# guide: login -->`), then the walk-through of "Administering users" (every
# block after `<!-- guide: admin -->`, in order), one ok/not ok per command
# (commands are separated by blank lines), against a slapd that looks like a
# fresh Debian 12 one (SLAPD_ENV_BARE=yes tests/slapd-env: no idportal
# schema or ACLs, suffix dc=example,dc=org, only its base entry). Checks of
# the directory follow the steps that change it. GUIDE_DEBUG=1 shows the
# output of every step.
#
# The commands run as a root shell with a clean environment, inside
# `unshare --mount`, where overlay mounts make /etc, /usr, /root and
# /run/slapd private copies: the guide writes /etc/idportal and
# /etc/pam.d/sshd for real, the test installs the built CLI, module and
# packaging files where `make install` puts them, adds the test CA to
# /etc/ssl/certs/ca-certificates.crt (the guide's prerequisites) and points
# /run/slapd/ldapi (ldapi:/// on Debian) at the test slapd. Nothing outside
# the namespace changes; the last test checks that against the host.
#
# The one substitution: the guide's server name ldap.example.org becomes
# 127.0.0.1:PORT of the test slapd (its certificate is for 127.0.0.1).
# A command that asks for passwords gets a terminal (script) and they are
# typed at its prompts (answers_of); pamtester reads the user's password
# from its input. Needs root, slapd, ldap-utils, pamtester, util-linux.
set -uo pipefail

self=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)/$(basename "$0")
top=$(cd "$(dirname "$self")/../.." && pwd -P)
readme=$top/README.md
base=dc=example,dc=org
admin=alice01
# What a root login shell on Debian has; nothing from the caller's.
root_env=(env -i HOME=/root LOGNAME=root USER=root SHELL=/bin/bash
    TERM=dumb PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin)

# check, not, bail, and the counters n and fails
. "$(dirname "${BASH_SOURCE[0]}")/../tap.sh"

# What the guide may touch on the host, to compare before and after.
fingerprint() {
	local p ma
	ma=$(gcc -print-multiarch 2> /dev/null || echo x86_64-linux-gnu)
	for p in /etc/pam.d /etc/idportal /etc/ssl/certs/ca-certificates.crt \
	    /etc/passwd /etc/shadow /usr/share/idportal /usr/sbin/idportal \
	    "/lib/$ma/security/pam_idportal.so" /run/slapd \
	    /root/olcAccess-before-idportal.ldif \
	    /root/pam.d-sshd-before-idportal; do
		if [ -e "$p" ] || [ -L "$p" ]; then
			find "$p" -printf '%p %y %m %s %T@\n' | sort
			find "$p" -type f -exec sha256sum {} + | sort
		else
			echo "$p absent"
		fi
	done
}

# --- outside: run the rest in a private mount namespace, then check the host
if [ "${1:-}" != --inside ]; then
	work=$(mktemp -d /tmp/readme-guide.XXXXXX) || exit 1
	trap 'rm -rf -- "$work"' EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM HUP
	fingerprint > "$work/host.before"
	unshare --mount --propagation private "$self" --inside "$work"
	n=$(cat "$work/count" 2> /dev/null || echo 0)
	fails=$(cat "$work/fails" 2> /dev/null || echo 0)
	check "the steps in the mount namespace ran (unshare needs root)" \
	    test -s "$work/count"
	fingerprint > "$work/host.after"
	check "the host's /etc, /usr, /root and /run/slapd are as before" \
	    diff "$work/host.before" "$work/host.after"
	echo "1..$n"
	[ "$fails" -eq 0 ]
	exit
fi

# --- inside the namespace ----------------------------------------------------
work=$2
build=${IDS_BUILD_DIR:-$top/build}
idportal=${IDPORTAL:-$build/idportal}
module=$build/pam_idportal.so
env_dir=$work/env

# Private copies of the host's directories: writes land in $work/ov.
overlay() {	# overlay DIR
	local d=$work/ov/${1//\//_}
	mkdir -p "$d/upper" "$d/work" &&
	    mount -t overlay overlay \
	    -o "lowerdir=$1,upperdir=$d/upper,workdir=$d/work" "$1"
}
root_ldap() {	# root_ldap TOOL ARGS...: as root over ldapi:///
	local tool=$1
	shift
	"$tool" -Q -Y EXTERNAL -H ldapi:/// "$@"
}
ldapi_is_test_slapd() {
	root_ldap ldapwhoami | grep -qx \
	    "dn:gidNumber=0+uidNumber=0,cn=peercred,cn=external,cn=auth" &&
	    root_ldap ldapsearch -LLL -b "$base" -s base 1.1 &&
	    [ "$(readlink /run/slapd/ldapi)" = "$env_dir/ldapi" ]
}
has_idportal_schema() {
	root_ldap ldapsearch -LLL -b cn=schema,cn=config -s one cn |
	    grep -qi idportal
}
acls_loaded() {
	root_ldap ldapsearch -LLL -o ldif-wrap=no \
	    -b 'olcDatabase={1}mdb,cn=config' -s base olcAccess |
	    grep -q "cn=idportal-admins,ou=groups,$base"
}
stat_is() {	# stat_is FORMAT WANT FILE
	local got
	got=$(stat -c "$1" -- "$3") || return 1
	[ "$got" = "$2" ] || { echo "$3: '$got', want '$2'"; return 1; }
}
# StartTLS and a simple bind, trusting the system's CAs (so the test CA).
whoami_as() {	# whoami_as DN PWFILE
	"${root_env[@]}" ldapwhoami -ZZ -x -H "ldap://127.0.0.1:$port" \
	    -D "$1" -y "$2"
}

# The commands of the guide blocks NAME, in order, with the server name
# substituted.
guide_block() {	# guide_block NAME
	awk -v mark="<!-- guide: $1 -->" '
		$0 == mark { want = 1; next }
		want && $0 == "```sh" { inside = 1; want = 0; next }
		inside && $0 == "```" { inside = 0; print ""; next }
		inside { print }
		want && $0 != "" { want = 0 }' "$readme" |
	    sed "s/ldap\.example\.org/127.0.0.1:$port/g"
}
# The block's commands, one file per paragraph: $work/step.NAME.1, ...
split_block() {	# split_block NAME
	awk -v out="$work/step.$1." '
		NF == 0 { fresh = 0; next }
		!fresh { i++; fresh = 1 }
		{ print > (out i) }' "$work/block.$1"
}
commands_of() {	# commands_of STEP: its lines but the comments
	sed '/^[[:space:]]*#/d' "$1"
}
describe() {	# describe STEP: its comment's first sentence, or first line
	local desc
	desc=$(sed -n 's/^# *//p' "$1" | tr '\n' ' ' |
	    sed 's/\. .*//; s/[. ]*$//')
	[ -n "$desc" ] || desc=$(head -n 1 "$1")
	printf '%s' "$desc"
}

# The passwords the test knows: $work/pw.ID is ID's current one (the
# temporary one printed by init or reissue, then the one chosen with
# `idportal passwd`); new_pw ID is the one typed at `idportal passwd ID`.
pw_of() {	# pw_of ID
	cat "$work/pw.$1" 2> /dev/null
}
new_pw() {	# new_pw ID: strong, without the ID in it
	printf 'Quiet-Harbor-%s-Lantern' "$(printf '%s' "$1" | cksum |
	    cut -c 1-6)"
}
# What is typed at the terminal for STEP, a line per prompt: the manager
# password for `idportal init` (without --bind-pw-file), the current
# password and the new one twice for `idportal passwd ID`, ID's password
# for `read ... 'Password for ID: '` and for `--as ID` without
# --as-pw-file. Nothing: the step gets no terminal.
answers_of() {	# answers_of STEP
	local cmds id
	cmds=$(commands_of "$1")
	if grep -q 'idportal init' <<< "$cmds" &&
	    ! grep -q -- --bind-pw-file <<< "$cmds"; then
		printf '%s\n' "$manager_pw"
	elif id=$(sed -n 's/.*idportal passwd \([A-Za-z0-9]*\).*/\1/p' \
	    <<< "$cmds") && [ -n "$id" ]; then
		printf '%s\n' "$(pw_of "$id")" "$(new_pw "$id")" \
		    "$(new_pw "$id")"
	elif id=$(sed -n "s/.*read .*'Password for \([A-Za-z0-9]*\): '.*/\1/p" \
	    <<< "$cmds") && [ -n "$id" ]; then
		printf '%s\n' "$(pw_of "$id")"
	elif id=$(sed -n 's/.*idportal --as \([A-Za-z0-9]*\) .*/\1/p' \
	    <<< "$cmds") && [ -n "$id" ] &&
	    ! grep -q -- --as-pw-file <<< "$cmds"; then
		printf '%s\n' "$(pw_of "$id")"
	fi
}
# The answer the guide says to expect: the first "..." of the comment.
expect_of() {	# expect_of STEP
	sed -n 's/^[[:space:]]*#[^"]*"\([^"]*\)".*/\1/p' "$1" | head -n 1
}
squeeze() {	# squeeze: runs of blanks as one space
	tr -s ' \t' '  '
}

# run_step STEP: one command of the guide, as root in a clean environment,
# output in $work/step.out. A step that asks for passwords gets a terminal
# (script), and each answer once its prompt is there (answers_of); the
# output of `idportal init` is kept in $work/init.out. pamtester reads the
# user's password from its input. When the comment quotes an answer
# (expect_of), the step passes if the output has it, whatever the exit code.
run_step() {
	local step=$1 i k rc=0 expect id
	local -a answers
	mapfile -t answers < <(answers_of "$step")
	if [ "${#answers[@]}" -gt 0 ]; then
		rm -f "$work/typescript"
		{
			for ((k = 0; k < ${#answers[@]}; k++)); do
				for ((i = 0; i < 200; i++)); do
					[ "$(grep -o 'assword[^:]*: ' \
					    "$work/typescript" 2> /dev/null |
					    wc -l)" -gt "$k" ] && break
					sleep 0.05
				done
				# It prints the prompt, then turns echo off
				# (init also flushes the input): give it that
				# moment.
				sleep 0.2
				printf '%s\n' "${answers[k]}"
			done
		} | (cd "$work/cwd" && "${root_env[@]}" script -qfec \
		    "bash -e -o pipefail $step" "$work/typescript" 2>&1) |
		    tr -d '\r' > "$work/step.out" || rc=$?
		if commands_of "$step" | grep -q 'idportal init'; then
			cp "$work/step.out" "$work/init.out"
		fi
	elif id=$(commands_of "$step" |
	    sed -n 's/^pamtester [^ ]* \([A-Za-z0-9]*\) .*/\1/p') &&
	    [ -n "$id" ]; then
		pw_of "$id" | (cd "$work/cwd" && "${root_env[@]}" \
		    "${preload[@]}" bash -e -o pipefail "$step") \
		    > "$work/step.out" 2>&1 || rc=$?
	else
		(cd "$work/cwd" && "${root_env[@]}" bash -e -o pipefail \
		    "$step") < /dev/null > "$work/step.out" 2>&1 || rc=$?
	fi
	cat "$work/step.out"	# shown by check if it failed
	expect=$(expect_of "$step")
	if [ -n "$expect" ]; then
		squeeze < "$work/step.out" |
		    grep -qF -- "$(squeeze <<< "$expect")"
		return
	fi
	return "$rc"
}
# What the test learns from a step that passed: a temporary password that
# reissue printed, a password chosen with `idportal passwd`.
learn() {	# learn STEP
	local cmds id
	cmds=$(commands_of "$1")
	if id=$(sed -n 's/.*idportal .*reissue \([A-Za-z0-9]*\).*/\1/p' \
	    <<< "$cmds") && [ -n "$id" ]; then
		grep -A 2 "^Temporary password for $id (shown once):" \
		    "$work/step.out" | tail -n 1 | tr -d ' \n' > "$work/pw.$id"
	elif id=$(sed -n 's/.*idportal passwd \([A-Za-z0-9]*\).*/\1/p' \
	    <<< "$cmds") && [ -n "$id" ] &&
	    grep -qx "Password changed for $id." "$work/step.out"; then
		new_pw "$id" > "$work/pw.$id"
	fi
}
# One TAP line per command.
run_block() {	# run_block NAME
	local i step
	guide_block "$1" > "$work/block.$1"
	check "README has a \"guide: $1\" block" test -s "$work/block.$1"
	split_block "$1"
	for ((i = 1; ; i++)); do
		step=$work/step.$1.$i
		[ -e "$step" ] || break
		check "guide $1, $i: $(describe "$step")" run_step "$step"
		learn "$step"
		[ -z "${GUIDE_DEBUG:-}" ] || sed "s/^/#   /" "$work/step.out"
		declare -F "after_$1" > /dev/null && "after_$1" "$step"
	done
}

# login PASSWORD COMMAND...: COMMAND as root, PASSWORD on its stdin;
# output in $work/login.out.
login() {
	local pw=$1
	shift
	printf '%s\n' "$pw" | (cd "$work/cwd" &&
	    "${root_env[@]}" "${preload[@]}" "$@") > "$work/login.out" 2>&1
}
says() {	# says TEXT: the last login printed TEXT
	grep -qF -- "$1" "$work/login.out" || {
		cat "$work/login.out"
		return 1
	}
}

cleanup() {
	"$top/tests/slapd-env" stop "$env_dir" 2> /dev/null
	echo "$n" > "$work/count"
	echo "$fails" > "$work/fails"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

SLAPD_ENV_BARE=yes SLAPD_ENV_BASE=$base "$top/tests/slapd-env" start \
    "$env_dir" > /dev/null 2> "$work/start.err" || {
	sed 's/^/# /' "$work/start.err"
	bail "slapd-env start failed"
}
port=$(sed -n "s/^export IDS_PORT='\(.*\)'$/\1/p" "$env_dir/env")
manager_pw=$(cat "$env_dir/manager.secret")

ldapi_dir=/run/slapd
[ -d "$ldapi_dir" ] || ldapi_dir=/run
for d in /etc /usr /root "$ldapi_dir"; do
	overlay "$d" || bail "cannot mount an overlay on $d"
done
# What `make install` would have put there (see the Makefile's install).
ma=$(gcc -print-multiarch 2> /dev/null || echo x86_64-linux-gnu)
if ! { install -m 0755 "$idportal" /usr/sbin/idportal &&
    install -d /usr/share/idportal "/lib/$ma/security" &&
    install -m 0644 "$module" "/lib/$ma/security/pam_idportal.so" &&
    install -m 0644 "$top/packaging/schema/idportal.ldif" \
    "$top/packaging/schema/idportal.schema" \
    "$top/packaging/slapd/idportal-acl.ldif" /usr/share/idportal/; }; then
	bail "cannot install into the overlay"
fi
# The guide's prerequisites: the server's CA is trusted, ldapi:/// is it.
cat "$env_dir/ca.crt" >> /etc/ssl/certs/ca-certificates.crt
mkdir -p /run/slapd
ln -sfn "$env_dir/ldapi" /run/slapd/ldapi
# An ASan-built module needs the runtime loaded first in pamtester, and
# libcrypt with it: ASan's crypt() interceptor finds the real one only if
# it is there at start (pam_unix would jump to address 0).
preload=()
if ldd "$module" 2> /dev/null | grep libasan > /dev/null; then
	preload=(LD_PRELOAD="$(gcc -print-file-name=libasan.so) libcrypt.so.1"
	    ASAN_OPTIONS=detect_leaks=0)
fi
mkdir -p "$work/cwd"

check "ldapi:/// is the test slapd, root is its peercred identity" \
    ldapi_is_test_slapd
check "it has no idportal schema yet" not has_idportal_schema
check "sshd's PAM file is there to edit (package openssh-server)" \
    test -f /etc/pam.d/sshd

run_block setup
tmp_pw=$(grep -A 2 'temporary password' "$work/init.out" 2> /dev/null |
    tail -n 1 | tr -d ' ')
printf '%s' "$tmp_pw" > "$work/admin.pw"
printf '%s' "$tmp_pw" > "$work/pw.$admin"

check "the config the guide wrote names the test server" \
    grep -qx "uri = ldap://127.0.0.1:$port" /etc/idportal/idportal.conf
check "bind_pw_file is 0600 root" \
    stat_is '%a %U' '600 root' /etc/idportal/bind.secret
check "totp.key is 32 bytes, 0600 root" \
    stat_is '%a %U %s' '600 root 32' /etc/idportal/totp.key
check "it has the idportal schema now" has_idportal_schema
check "the ACLs are loaded on olcDatabase={1}mdb" acls_loaded
check "the old ACLs were kept in /root" \
    grep -q 'olcAccess:' /root/olcAccess-before-idportal.ldif
check "the service account binds with bind_pw_file" \
    whoami_as "cn=idportal-host,ou=services,$base" /etc/idportal/bind.secret
check "init printed a temporary password" \
    grep -Eqx '[A-Za-z0-9]{8,32}' <<< "$tmp_pw"
check "$admin binds with it" whoami_as "uid=$admin,ou=people,$base" \
    "$work/admin.pw"

# The login block, with the temporary password typed in.
guide_block login > "$work/block.login"
check "README has a \"guide: login\" block" grep -q pamtester \
    "$work/block.login"
login "$tmp_pw" bash -e "$work/block.login"
check "guide login: the temporary password authenticates" \
    says 'successfully authenticated'
check "... and must be changed first" \
    says 'Authentication token is no longer valid; new one required'
login "not-$tmp_pw" bash -e "$work/block.login"
check "a wrong password is refused" says 'Authentication failure'

# A local account, in the namespace's /etc/passwd and /etc/shadow only.
echo 'idplocal1:x:79999:79999::/nonexistent:/usr/sbin/nologin' >> /etc/passwd
echo "idplocal1:$(openssl passwd -6 Local-pw-1):19000:0:99999:7:::" \
    >> /etc/shadow
login Local-pw-1 pamtester sshd idplocal1 authenticate acct_mgmt
check "a local account still logs in through pam_unix" \
    says 'account management done'

# --- Administering users: the walk-through, then what it should have done
user_dn() {	# user_dn ID: as the directory has it
	root_ldap ldapsearch -LLL -o ldif-wrap=no -b "$base" "(uid=$1)" 1.1 |
	    sed -n 's/^dn: //p'
}
attr_of() {	# attr_of DN ATTR: its values, one a line
	root_ldap ldapsearch -LLL -o ldif-wrap=no -b "$1" -s base "$2" |
	    sed -n "s/^$2: //p"
}
is() {		# is WANT COMMAND...: COMMAND prints WANT
	local want=$1 got
	shift
	got=$("$@")
	[ "$got" = "$want" ] || { echo "got '$got', want '$want'"; return 1; }
}
seat_dn=idpSeatCode=SEAT0001,ou=seats,o=acme,$base
binds() {	# binds ID: with the password the test knows
	whoami_as "$(user_dn "$1")" "$work/pw.$1"
}
# Checks after some steps of the walk-through, by what the step ran.
after_admin() {	# after_admin STEP
	local cmds
	cmds=$(commands_of "$1")
	case $cmds in
	*"idportal passwd "*)
		local id=${cmds##*idportal passwd }
		check "... $id binds with the new password" binds "$id"
		check "... which is not temporary" not grep -qi true \
		    <(attr_of "$(user_dn "$id")" idpTempPassword) ;;
	*"/root/alice01.pw"*"read "*)
		check "... /root/alice01.pw is 0600 root" \
		    stat_is '%a %U' '600 root' /root/alice01.pw
		check "... and holds the new password" cmp -s \
		    <(printf '%s\n' "$(pw_of alice01)") /root/alice01.pw ;;
	*"org add acme --seats 2"*)
		check "... o=acme has 2 seats" \
		    is 2 attr_of "o=acme,$base" idpSeatLimit ;;
	*"user add "*)
		local id=${cmds#*user add }
		id=${id%% *}
		check "... $id is under o=acme" \
		    is "uid=$id,ou=people,o=acme,$base" user_dn "$id" ;;
	*" reissue "*)
		local id=${cmds##* reissue }
		check "... the temporary password of $id binds" binds "$id"
		check "... and is flagged temporary" is TRUE \
		    attr_of "$(user_dn "$id")" idpTempPassword ;;
	*"seat add acme SEAT0001"*)
		check "... the seat is there, free" is "" \
		    attr_of "$seat_dn" idpLinkedUser ;;
	*"seat link SEAT0001 "*)
		local id=${cmds##* }
		check "... SEAT0001 is linked to $id" is "$(user_dn "$id")" \
		    attr_of "$seat_dn" idpLinkedUser ;;
	*"seat unlink SEAT0001"*)
		check "... SEAT0001 is free" is "" \
		    attr_of "$seat_dn" idpLinkedUser ;;
	esac
}

run_block admin

# The seat swap, once more through pamtester and the messages users see.
login "$(pw_of bob00001)" pamtester sshd bob00001 authenticate acct_mgmt
check "after the swap bob00001 is refused ..." \
    says 'pamtester: Permission denied'
check "... and told why" says \
    'Your account is not linked to a license seat. Contact your administrator.'
login "$(pw_of dave0001)" pamtester sshd dave0001 authenticate acct_mgmt
check "dave0001 is let in to change his temporary password" \
    says 'Authentication token is no longer valid; new one required'
check "carol001 is an org admin of acme" is orgadmin \
    attr_of "uid=carol001,ou=people,o=acme,$base" idpRole
