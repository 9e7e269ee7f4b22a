# idportal: plain make, no autotools.  Outputs go to build/.
#   make                 library, PAM module, CLI
#   make check           unit + integration tests (as root; installs deps)
#   make check SANITIZE=1  the same under ASan + UBSan
#   make check VALGRIND=1  the same under valgrind memcheck
#   make demo            a throwaway slapd and a real login through the module
#   make bench           benchmarks: numbers, not pass/fail
#   make install         DESTDIR, PREFIX honoured

PREFIX	?= /usr
DESTDIR	?=
MULTIARCH != gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu
PAMDIR	?= /lib/$(MULTIARCH)/security
NSSDIR	?= /lib/$(MULTIARCH)
B	?= build

CC	?= cc
CFLAGS	?= -O2 -g
WARN	:= -Wall -Wextra -Werror -Wformat=2 -Wshadow -Wpointer-arith \
	   -Wstrict-prototypes -Wmissing-prototypes
CPPFLAGS += -D_GNU_SOURCE -Ilibidstore
ifeq ($(SANITIZE),1)
CFLAGS	+= -O1 -fsanitize=address,undefined -fno-omit-frame-pointer \
	   -fno-sanitize-recover=undefined
LDFLAGS	+= -fsanitize=address,undefined
endif
ALL_CFLAGS = $(CFLAGS) $(WARN) -fPIC -fvisibility=hidden -std=gnu11
# tinycdb from its static PIC archive: no runtime dependency, and only
# what a program uses is linked in.
CDBLIB	:= -l:libcdb_pic.a
LIBS	:= -lldap -llber -lcrypto -lzxcvbn -loath -lqrencode $(CDBLIB)

LIB_SRC	:= $(wildcard libidstore/*.c)
LIB_OBJ	:= $(LIB_SRC:%.c=$(B)/%.o)
PAM_SRC	:= $(wildcard pam_idportal/*.c)
PAM_OBJ	:= $(PAM_SRC:%.c=$(B)/%.o)
CLI_SRC	:= $(wildcard tools/*.c)
CLI_OBJ	:= $(CLI_SRC:%.c=$(B)/%.o)
NSS_SRC	:= $(wildcard nss_idportal/*.c)
NSS_OBJ	:= $(NSS_SRC:%.c=$(B)/%.o)
# The NSS module holds the cache reader and nothing else of libidstore: no
# libldap, no config parser, no logging in every process on the host.
NSS_LIB_OBJ := $(B)/libidstore/cache.o
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
INTEG_SRC := $(wildcard tests/integ/test_*.c)
INTEG_BIN := $(INTEG_SRC:tests/integ/%.c=$(B)/tests/%)

all: $(B)/libidstore.a $(B)/pam_idportal.so $(B)/idportal \
    $(B)/libnss_idportal.so.2

$(B)/%.o: %.c $(wildcard libidstore/*.h tools/*.h tests/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c $< -o $@

$(B)/libidstore.a: $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

$(B)/pam_idportal.so: $(PAM_OBJ) $(B)/libidstore.a pam_idportal/pam_idportal.map
	$(CC) -shared $(LDFLAGS) -Wl,--version-script=pam_idportal/pam_idportal.map \
	    -Wl,-z,relro,-z,now,-z,defs -o $@ $(PAM_OBJ) $(B)/libidstore.a \
	    $(LIBS) -lpam

$(NSS_OBJ): nss_idportal/nss_idportal.h

# -z nodelete: each thread's mapping is freed by a pthread key destructor
# that lives in the module, so the module must never be unloaded.
$(B)/libnss_idportal.so.2: $(NSS_OBJ) $(NSS_LIB_OBJ) \
    nss_idportal/nss_idportal.map
	$(CC) -shared $(LDFLAGS) \
	    -Wl,--version-script=nss_idportal/nss_idportal.map \
	    -Wl,-soname,libnss_idportal.so.2 \
	    -Wl,-z,relro,-z,now,-z,defs,-z,nodelete -o $@ $(NSS_OBJ) \
	    $(NSS_LIB_OBJ) $(CDBLIB)

$(B)/idportal: $(CLI_OBJ) $(B)/libidstore.a
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(B)/libidstore.a $(LIBS)

$(B)/tests/test_%: tests/unit/test_%.c $(B)/libidstore.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -Wno-missing-prototypes -std=gnu11 \
	    $(LDFLAGS) -o $@ $< $(B)/libidstore.a $(LIBS) -lcmocka

# These load the built NSS module (dlopen) and call it directly.
NSS_TESTS := $(B)/tests/test_nss $(B)/tests/test_nss_damage
$(NSS_TESTS): $(B)/libnss_idportal.so.2 tests/unit/nss_fixture.h
$(NSS_TESTS): CPPFLAGS += -Inss_idportal

# A forking, threaded reader for tests/integ/nss.sh.
$(B)/tests/nss-reader: tests/integ/nss-reader.c nss_idportal/nss_idportal.h
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Inss_idportal $(CFLAGS) $(WARN) -std=gnu11 \
	    $(LDFLAGS) -o $@ $< -lpthread

$(B)/tests/test_%: tests/integ/test_%.c tests/integ/integ.c tests/integ/integ.h \
    $(B)/libidstore.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Itests/integ $(CFLAGS) $(WARN) \
	    -Wno-missing-prototypes -std=gnu11 $(LDFLAGS) -o $@ $< \
	    tests/integ/integ.c $(B)/libidstore.a $(LIBS) -lpamtest -lpam \
	    -lcmocka

$(B)/bench/bench_%: bench/bench_%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -std=gnu11 $(LDFLAGS) -o $@ $< -lpam

tests: all $(UNIT_BIN) $(INTEG_BIN) $(B)/tests/nss-reader

bench: deps
	$(MAKE) all $(B)/bench/bench_auth $(B)/bench/bench_nss
	@bench/run-bench $(B)

deps:
	@tests/install-deps

check: deps
	$(MAKE) tests
	@SANITIZE=$(SANITIZE) VALGRIND=$(VALGRIND) tests/run-tests $(B)

demo: deps
	$(MAKE) all
	@tests/demo $(B)

install: all
	install -d $(DESTDIR)$(PAMDIR) $(DESTDIR)$(NSSDIR) \
	    $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)/etc/idportal \
	    $(DESTDIR)$(PREFIX)/share/idportal
	install -m 0644 $(B)/pam_idportal.so $(DESTDIR)$(PAMDIR)/pam_idportal.so
	install -m 0644 $(B)/libnss_idportal.so.2 \
	    $(DESTDIR)$(NSSDIR)/libnss_idportal.so.2
	install -m 0755 $(B)/idportal $(DESTDIR)$(PREFIX)/sbin/idportal
	install -m 0644 packaging/schema/idportal.ldif \
	    packaging/schema/idportal.schema packaging/slapd/idportal-acl.ldif \
	    $(DESTDIR)$(PREFIX)/share/idportal/

clean:
	rm -rf $(B)

.PHONY: all tests deps check demo bench install clean
