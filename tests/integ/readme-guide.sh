#!/bin/bash
# Runs the README's "Setting up a directory" guide (TAP), so that it cannot
# rot: the ```sh blocks after `<!-- guide: setup -->` and `<!-- guide:
# login -->`, one ok/not ok per command (commands are separated by blank
# lines), against a slapd that looks like a fresh Debian 12 one
# (SLAPD_ENV_BARE=yes tests/slapd-env: no idportal schema or ACLs, suffix
# dc=example,dc=org, only its base entry).
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
# `idportal init` gets a terminal (script) and the manager password is typed
# at its prompt. Needs root, slapd, ldap-utils, pamtester, util-linux.
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

# The commands of one guide block, with the server name substituted.
guide_block() {	# guide_block NAME
	awk -v mark="<!-- guide: $1 -->" '
		$0 == mark { want = 1; next }
		want && $0 == "```sh" { inside = 1; want = 0; next }
		inside && $0 == "```" { exit }
		inside { print }
		want && $0 != "" { exit }' "$readme" |
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

# run_step STEP: one command of the guide, as root in a clean environment,
# output in $work/step.out. `idportal init` (without --bind-pw-file) gets a
# terminal, and the manager password once it asks; its output is kept in
# $work/init.out.
run_step() {
	local step=$1 i rc=0
	if commands_of "$step" | grep -q 'idportal init' &&
	    ! commands_of "$step" | grep -q -- --bind-pw-file; then
		rm -f "$work/typescript"
		{
			for ((i = 0; i < 200; i++)); do
				grep -q 'password: ' "$work/typescript" \
				    2> /dev/null && break
				sleep 0.05
			done
			# It prints the prompt, then turns echo off and
			# flushes the input: give it that moment.
			sleep 0.2
			printf '%s\n' "$manager_pw"
		} | (cd "$work/cwd" && "${root_env[@]}" script -qfec \
		    "bash -e -o pipefail $step" "$work/typescript" 2>&1) |
		    tr -d '\r' > "$work/step.out" || rc=$?
		cp "$work/step.out" "$work/init.out"
	else
		(cd "$work/cwd" && "${root_env[@]}" bash -e -o pipefail \
		    "$step") < /dev/null > "$work/step.out" 2>&1 || rc=$?
	fi
	cat "$work/step.out"	# shown by check if it failed
	return "$rc"
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
