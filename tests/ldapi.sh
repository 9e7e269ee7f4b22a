# ldapi.sh: reading and writing the run's directory as root over ldapi
# (tests/slapd-env's IDS_LDAPI_URI), for the shell tests.  Source it after
# tests/tap.sh (ldif_in bails) and with $work set.

ldapi() {	# ldapi TOOL ARGS...: an ldap-utils tool as root over ldapi
	local tool=$1
	shift
	LDAPNOINIT=1 "$tool" -Q -Y EXTERNAL -H "$IDS_LDAPI_URI" "$@"
}

search() {	# search BASE SCOPE [ATTRS...]: unwrapped LDIF
	local b=$1 scope=$2
	shift 2
	ldapi ldapsearch -LLL -o ldif-wrap=no -b "$b" -s "$scope" "$@"
}

value_of() {	# value_of DN ATTR: the (first) value
	search "$1" base "$2" | sed -n "s/^$2: //p" | head -n 1
}

attr_is() {	# attr_is DN ATTR VALUE: ATTR has exactly this one value
	local got
	got=$(search "$1" base "$2" | grep -i "^$2:") || {
		echo "$1: no $2"
		return 1
	}
	[ "$got" = "$2: $3" ] ||
	    { echo "$1: got '$got', want '$2: $3'"; return 1; }
}

attr_absent() {	# attr_absent DN ATTR
	local got
	got=$(search "$1" base "$2" | grep -i "^$2:") || return 0
	echo "$1 has $got"
	return 1
}

ldif_in() {	# ldif_in: ldapadd/ldapmodify the LDIF on stdin, or bail
	ldapi ldapmodify "$@" > "$work/ldif.out" 2>&1 ||
	    { sed 's/^/# /' "$work/ldif.out"; bail "ldapmodify $* failed"; }
}
