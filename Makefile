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
LIBS	:= -lldap -llber -lcrypto -lzxcvbn -loath -lqrencode

LIB_SRC	:= $(wildcard libidstore/*.c)
LIB_OBJ	:= $(LIB_SRC:%.c=$(B)/%.o)
PAM_SRC	:= $(wildcard pam_idportal/*.c)
PAM_OBJ	:= $(PAM_SRC:%.c=$(B)/%.o)
CLI_SRC	:= $(wildcard tools/*.c)
CLI_OBJ	:= $(CLI_SRC:%.c=$(B)/%.o)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
INTEG_SRC := $(wildcard tests/integ/test_*.c)
INTEG_BIN := $(INTEG_SRC:tests/integ/%.c=$(B)/tests/%)

all: $(B)/libidstore.a $(B)/pam_idportal.so $(B)/idportal

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

$(B)/idportal: $(CLI_OBJ) $(B)/libidstore.a
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(B)/libidstore.a $(LIBS)

$(B)/tests/test_%: tests/unit/test_%.c $(B)/libidstore.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -Wno-missing-prototypes -std=gnu11 \
	    $(LDFLAGS) -o $@ $< $(B)/libidstore.a $(LIBS) -lcmocka

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

tests: all $(UNIT_BIN) $(INTEG_BIN)

bench: deps
	$(MAKE) all $(B)/bench/bench_auth
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
	install -d $(DESTDIR)$(PAMDIR) $(DESTDIR)$(PREFIX)/sbin \
	    $(DESTDIR)/etc/idportal $(DESTDIR)$(PREFIX)/share/idportal
	install -m 0644 $(B)/pam_idportal.so $(DESTDIR)$(PAMDIR)/pam_idportal.so
	install -m 0755 $(B)/idportal $(DESTDIR)$(PREFIX)/sbin/idportal
	install -m 0644 packaging/schema/idportal.ldif \
	    packaging/schema/idportal.schema packaging/slapd/idportal-acl.ldif \
	    $(DESTDIR)$(PREFIX)/share/idportal/

clean:
	rm -rf $(B)

.PHONY: all tests deps check demo bench install clean
