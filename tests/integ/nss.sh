#!/bin/bash
# NSS end to end (TAP): users and groups added to the run's slapd,
# `idportal sync --once` into a private cache file, then names resolved by
# the built libnss_idportal.so.2 through nss_wrapper (getent, id) and
# through glibc's own dispatch in a private mount namespace with a
# bind-mounted nsswitch.conf.  A disabled or deleted user is gone after the
# next sync; a failed sync leaves the cache alone; a process that forks and
# threads keeps resolving while the cache is replaced 100 times.
set -uo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
build=${IDS_BUILD_DIR:-$top/build}
idportal=${IDPORTAL:-$build/idportal}
module=$build/libnss_idportal.so.2
: "${IDS_LDAPI_URI:?run through tests/run-tests}" "${IDS_BASE:?}" \
    "${IDPORTAL_CONF:?}"
base=$IDS_BASE

work=$(mktemp -d /tmp/nss-test.XXXXXX) || exit 1
reader_pid=
cleanup() {
	[ -z "$reader_pid" ] || kill "$reader_pid" 2>/dev/null
	ldapdelete -c -Q -Y EXTERNAL -H "$IDS_LDAPI_URI" -r "o=nssorg1,$base" \
	    "uid=nssuser2,ou=people,$base" "uid=nssdup01,ou=people,$base" \
	    "uid=nsspend1,ou=people,$base" "uid=nssbad01,ou=people,$base" \
	    "cn=nssgrp1,ou=groups,$base" >/dev/null 2>&1
	rm -rf -- "$work"
}
trap cleanup EXIT

n=0
check() {	# check DESCRIPTION COMMAND...
	local desc=$1
	shift
	n=$((n + 1))
	if "$@" > "$work/out" 2>&1; then
		echo "ok $n - $desc"
	else
		echo "not ok $n - $desc"
		sed 's/^/# /' "$work/out"
	fi
}

# The config with the cache in $work; the module reads the same file.
cache=$work/cache
conf=$work/idportal.conf
grep -v '^cache_file' "$IDPORTAL_CONF" > "$conf"
echo "cache_file = $cache" >> "$conf"
chmod 600 "$conf"
export IDPORTAL_CACHE=$cache

# nss_wrapper: small passwd/group files, then our module.
printf 'root:x:0:0:root:/root:/bin/bash\nlocalusr:x:500:500::/:/bin/sh\n' \
    > "$work/passwd"
printf 'root:x:0:\nlocalusr:x:500:\n' > "$work/group"
preload=libnss_wrapper.so
asan=
if [ "${SANITIZE:-}" = 1 ]; then
	# an ASan-built module needs the ASan runtime first, and no
	# RTLD_DEEPBIND (nss_wrapper's default) next to it
	asan=$(gcc -print-file-name=libasan.so)
	preload="$asan $preload"
	export NSS_WRAPPER_DISABLE_DEEPBIND=1 ASAN_OPTIONS=detect_leaks=0
fi
nw() {		# nw COMMAND...: run with NSS answered by files + idportal
	LD_PRELOAD="$preload" NSS_WRAPPER_PASSWD="$work/passwd" \
	    NSS_WRAPPER_GROUP="$work/group" \
	    NSS_WRAPPER_MODULE_SO_PATH="$module" \
	    NSS_WRAPPER_MODULE_FN_PREFIX=idportal "$@"
}
sync_once() {	# sync_once [ARGS...]: exit code of `idportal sync --once`
	"$idportal" --config "$conf" sync --once "$@" > "$work/sync.out" \
	    2> "$work/sync.err"
}
is() {		# is WANT COMMAND...: COMMAND prints exactly WANT
	local got
	got=$("${@:2}" 2>&1)
	[ "$got" = "$1" ] || { echo "got:  $got"; echo "want: $1"; return 1; }
}
absent() {	# absent KEY: getent passwd KEY finds nothing (exit 2)
	local rc=0
	nw getent passwd "$1" || rc=$?
	[ "$rc" -eq 2 ]
}

user() {	# user ID PARENT UIDNUMBER GIDNUMBER STATE [EXTRA-LDIF]
	printf 'dn: uid=%s,%s\nobjectClass: inetOrgPerson\n' "$1" "$2"
	printf 'objectClass: posixAccount\nobjectClass: idpUser\nuid: %s\n' "$1"
	printf 'cn: %s\nsn: %s\nuidNumber: %s\ngidNumber: %s\n' "$1" "$1" \
	    "$3" "$4"
	printf 'homeDirectory: /home/%s\nidpState: %s\n' "$1" "$5"
	[ -z "${6:-}" ] || printf '%s\n' "$6"
	echo
}
people=ou=people,o=nssorg1,$base
{
	printf 'dn: o=nssorg1,%s\nobjectClass: organization\no: nssorg1\n\n' \
	    "$base"
	printf 'dn: %s\nobjectClass: organizationalUnit\nou: people\n\n' \
	    "$people"
	# the org's own group: cn=<org>,o=<org>; members come from the org
	printf 'dn: cn=nssorg1,o=nssorg1,%s\nobjectClass: posixGroup\n' "$base"
	printf 'cn: nssorg1\ngidNumber: 41000\n\n'
	user nssuser1 "$people" 41001 41001 active \
	    "$(printf 'gecos: NSS User One\nloginShell: /bin/bash')"
	user nssuser3 "$people" 41003 41003 disabled
	user nssdup01 "$people" 41005 41005 active
	user nssuser2 "ou=people,$base" 41002 41100 active \
	    'displayName: Second User'
	user nsspend1 "ou=people,$base" 41004 41004 pending
	user nssdup01 "ou=people,$base" 41006 41006 active
	user nssbad01 "ou=people,$base" 0 41007 active
	printf 'dn: cn=nssgrp1,ou=groups,%s\nobjectClass: posixGroup\n' "$base"
	printf 'cn: nssgrp1\ngidNumber: 41100\nmemberUid: nssuser1\n'
	printf 'memberUid: nssuser3\nmemberUid: localusr\n\n'
} > "$work/fixture.ldif"
ldapadd -Q -Y EXTERNAL -H "$IDS_LDAPI_URI" -f "$work/fixture.ldif" \
    > "$work/out" 2>&1 || { echo "Bail out! fixture"; cat "$work/out"; exit 1; }

ldapmod() {	# ldapmod DN ATTR VALUE: replace one attribute, as root
	printf 'dn: %s\nchangetype: modify\nreplace: %s\n%s: %s\n' "$1" "$2" \
	    "$2" "$3" | ldapmodify -Q -Y EXTERNAL -H "$IDS_LDAPI_URI" >/dev/null
}
inode() {
	stat -c %i "$cache"
}

# --- the module itself ---
needed_ok() {	# only libc (and the sanitizers' runtimes) is linked in
	local needed
	needed=$(readelf -d "$module" |
	    sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' |
	    grep -Ev '^(libc\.so\.6|libasan\.so\..*|libubsan\.so\..*)$')
	[ -z "$needed" ] || { echo "also needs: $needed"; return 1; }
}
check "libnss_idportal.so.2 needs nothing but libc (no libldap)" needed_ok
exports_ok() {
	local other
	other=$(nm -D --defined-only "$module" | awk '{ print $3 }' |
	    grep -v '^_nss_idportal_')
	[ -z "$other" ] || { echo "also exports: $other"; return 1; }
}
check "... and exports only _nss_idportal_* functions" exports_ok

# --- first sync ---
check "sync --once writes the cache" sync_once
check "... and tells what it wrote" grep -q "^$cache: [0-9]* users" \
    "$work/sync.out"
check "... a uidNumber of 0 is left out with a warning" \
    grep -q "uid=nssbad01.*uidNumber" "$work/sync.err"
check "... so are both entries claiming one name" \
    grep -q "uid=nssdup01.*same name" "$work/sync.err"
check "cache is a root-owned 0644 file" \
    is "644 0" stat -c '%a %u' "$cache"
check "getent passwd NAME" \
    is "nssuser1:x:41001:41001:NSS User One:/home/nssuser1:/bin/bash" \
    nw getent passwd nssuser1
check "getent passwd UID (gecos from displayName, no shell)" \
    is "nssuser2:x:41002:41100:Second User:/home/nssuser2:" \
    nw getent passwd 41002
check "names are case-sensitive" absent NSSUSER1
check "a disabled user is not there" absent nssuser3
check "a pending user is not there" absent nsspend1
check "a user with uidNumber 0 is not there" absent nssbad01
check "... and uid 0 is still root, from files" \
    is "root:x:0:0:root:/root:/bin/bash" nw getent passwd 0
check "two entries with one name: neither is there" absent nssdup01
check "getent group NAME: memberUid less disabled users" \
    is "nssgrp1:x:41100:localusr,nssuser1" nw getent group nssgrp1
check "the org's group holds its active users" \
    is "nssorg1:x:41000:nssuser1" nw getent group 41000
groups_of() {	# groups_of NAME: `id -G NAME`, sorted
	"${@:2}" id -G "$1" | tr ' ' '\n' | sort -n | tr '\n' ' '
}
check "id NAME: primary group and both groups" \
    is "41000 41001 41100 " groups_of nssuser1 nw
check "id NAME: a files user in a directory group" \
    sh -c "$(declare -f nw); preload='$preload' work='$work' \
    module='$module'; nw id -G localusr | grep -qw 41100"
check "getent passwd enumerates directory users after files" \
    sh -c "$(declare -f nw); preload='$preload' work='$work' \
    module='$module'; nw getent passwd | grep -q '^nssuser2:' &&
    nw getent passwd | head -1 | grep -q '^root:'"
check "getent group enumerates the groups" \
    sh -c "$(declare -f nw); preload='$preload' work='$work' \
    module='$module'; nw getent group | grep -q '^nssorg1:x:41000:'"
check "paged search, 2 entries a page: the same cache" \
    sh -c "$(declare -f sync_once); idportal='$idportal' conf='$conf' \
    work='$work'; cp '$work/sync.out' '$work/sync.1' && sync_once \
    --page-size 2 && cmp '$work/sync.1' '$work/sync.out'"

# --- glibc's own dispatch, private mount namespace ---
printf 'passwd: files idportal\ngroup: files idportal\n' > "$work/nsswitch"
mkdir "$work/lib" && cp "$module" "$work/lib/"
glibc() {	# glibc COMMAND...: in a namespace where nsswitch names us
	unshare --mount sh -c 'mount --bind "$1" /etc/nsswitch.conf &&
	    shift && exec env LD_LIBRARY_PATH="$0" LD_PRELOAD="$ASAN" "$@"' \
	    "$work/lib" "$work/nsswitch" "$@"
}
export ASAN=$asan
if glibc true 2>/dev/null; then
	check "glibc dispatch: getent passwd NAME" \
	    is "nssuser1:x:41001:41001:NSS User One:/home/nssuser1:/bin/bash" \
	    glibc getent passwd nssuser1
	check "glibc dispatch: id NAME (initgroups)" \
	    is "41000 41001 41100 " groups_of nssuser1 glibc
else
	n=$((n + 1)); echo "ok $n # SKIP unshare --mount not permitted here"
	n=$((n + 1)); echo "ok $n # SKIP unshare --mount not permitted here"
fi

# --- changes arrive with the next sync ---
ldapmod "uid=nssuser1,$people" idpState disabled
check "disabled in the directory: still cached until the next sync" \
    nw getent passwd nssuser1
check "... sync" sync_once
check "... then gone" absent nssuser1
check "... from the org's group too" \
    is "nssorg1:x:41000:" nw getent group nssorg1
check "... and from memberUid groups" \
    is "nssgrp1:x:41100:localusr" nw getent group nssgrp1
ldapdelete -Q -Y EXTERNAL -H "$IDS_LDAPI_URI" "uid=nssuser2,ou=people,$base"
check "deleted in the directory, synced: gone" \
    sh -c "$(declare -f sync_once absent nw); idportal='$idportal' \
    conf='$conf' work='$work' preload='$preload' module='$module'; \
    sync_once && absent nssuser2 && absent 41002"
ldapmod "uid=nssuser1,$people" idpState active
check "enabled again, synced: back" \
    sh -c "$(declare -f sync_once nw); idportal='$idportal' conf='$conf' \
    work='$work' preload='$preload' module='$module'; sync_once && \
    nw getent passwd nssuser1 >/dev/null"

# --- a failed sync keeps the good cache ---
before=$(inode)
sed 's|^uri = .*|uri = ldap://127.0.0.1:1|' "$conf" > "$work/down.conf"
chmod 600 "$work/down.conf"
down() {
	local rc=0
	"$idportal" --config "$work/down.conf" sync --once || rc=$?
	[ "$rc" -eq 6 ] || { echo "exit $rc, want 6"; return 1; }
}
check "directory unreachable: exit 6" down
check "... the cache is the same file" is "$before" inode
printf 'not-the-password' > "$work/wrong.secret"
chmod 600 "$work/wrong.secret"
sed "s|^bind_pw_file = .*|bind_pw_file = $work/wrong.secret|" "$conf" \
    > "$work/wrong.conf"
chmod 600 "$work/wrong.conf"
refused() {
	local rc=0
	"$idportal" --config "$work/wrong.conf" sync --once || rc=$?
	[ "$rc" -eq 4 ] || { echo "exit $rc, want 4"; return 1; }
}
check "bind refused: exit 4" refused
check "... the cache is the same file, and answers" \
    sh -c "[ \"\$(stat -c %i '$cache')\" = '$before' ] && \
    $(declare -f nw); preload='$preload' work='$work' module='$module'; \
    nw getent passwd nssuser1 >/dev/null"
check "usage: sync without --once: exit 2" \
    sh -c "'$idportal' --config '$conf' sync; [ \$? -eq 2 ]"

# --- replaced 100 times under a forking, threaded reader ---
"$build/tests/nss-reader" "$module" nssuser1 41001 41100 "$work/stop" \
    > "$work/reader.out" 2>&1 &
reader_pid=$!
replace100() {
	local i
	for i in $(seq 100); do
		sync_once || { cat "$work/sync.err"; return 1; }
	done
}
check "cache replaced 100 times by sync --once" replace100
touch "$work/stop"
reader() {
	local rc=0
	wait "$reader_pid" || rc=$?
	reader_pid=
	cat "$work/reader.out"
	[ "$rc" -eq 0 ]
}
check "... a process that forked and threaded meanwhile never missed" \
    reader
sed 's/^/# /' "$work/reader.out"
# Groups planted outside idportal's places, or with a system gid, never
# reach the hosts: a posixGroup at cn=...,ou=people (where a state entry
# could be replaced by one) and one in ou=groups with gid 27 (sudo).
ldapadd -Q -Y EXTERNAL -H "$IDS_LDAPI_URI" > /dev/null <<LDIF
dn: cn=nssplant1,ou=people,$base
objectClass: posixGroup
cn: nssplant1
gidNumber: 41900
memberUid: nssuser1

dn: cn=nssplant2,ou=groups,$base
objectClass: posixGroup
cn: nssplant2
gidNumber: 27
memberUid: nssuser1
LDIF
not() {
	! "$@"
}
check "sync --once with planted groups" sync_once
check "a posixGroup outside ou=groups / o=ORG is not served" \
    not nw getent group nssplant1
check "a posixGroup with a system gid (27) is not served" \
    not nw getent group 27
not_in_sudo() {	# nssuser1 resolves, and 27 is not among its groups
	local gids
	gids=$(nw id -G nssuser1) && [ -n "$gids" ] &&
	    ! tr ' ' '\n' <<< "$gids" | grep -qx 27
}
check "... and the user is not made a member of it" not_in_sudo
ldapdelete -Q -Y EXTERNAL -H "$IDS_LDAPI_URI" \
    "cn=nssplant1,ou=people,$base" "cn=nssplant2,ou=groups,$base"
echo "1..$n"
