# Shared build rules for Hull's C services. A service's Makefile sets
#   PROG     the program it ships (installed to /usr/bin or /usr/lib/hull)
#   SRCS     its sources, main.c included
#   PKGS     pkg-config modules it links against
#   TESTS    unit tests: test-<module>.c, each linked with SRCS minus main.c
#   FUZZERS  libFuzzer targets: fuzz-<parser>.c, corpus in fuzz/<name>/
# and then includes this file. Output goes to $(O) (default: build/<service> at the top).
#
#   make            the hardened program
#   make tests      unit tests, hardened build           ($(O)/tests/)
#   make asan       program and unit tests with ASan+UBSan ($(O)/asan/)
#   make fuzz       libFuzzer targets (clang)             ($(O)/fuzz/)
#   make test-hooks the program with -DHULL_TEST_HOOKS     ($(O)/test-hooks/): for QEMU tests
#                   that must stop a run at a chosen point; never installed in an image
#   make install DESTDIR=<root>   the program into an image tree ($(BINDIR))
#
# ./build.sh test runs every binary in $(O)/tests and $(O)/asan/tests with the service's
# source folder as the working directory (a non-zero exit is a failure), and every fuzzer for
# a bounded time on its seed corpus fuzz/<fuzzer-name>/.

TOP     := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/..)
SVC     := $(notdir $(CURDIR))
O       ?= $(TOP)/build/services/$(SVC)
LIBHULL := $(TOP)/packages/libhull
LIBSRCS := $(filter-out $(LIBHULL)/test-%.c $(LIBHULL)/fuzz-%.c,$(wildcard $(LIBHULL)/*.c))
VERSION ?= $(shell cat $(TOP)/VERSION 2>/dev/null || echo 0)

CC      ?= cc
CLANG   ?= clang
PKGCFLAGS := $(if $(PKGS),$(shell pkg-config --cflags $(PKGS)))
PKGLIBS   := $(if $(PKGS),$(shell pkg-config --libs $(PKGS)))

WARN    := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wformat-security -Wvla \
           -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter \
           -Wimplicit-fallthrough -Wnull-dereference
HARDEN  := -U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=3 -fstack-protector-strong \
           -fstack-clash-protection -fcf-protection -fPIE
LDHARD  := -pie -Wl,-z,relro,-z,now,-z,noexecstack -Wl,--as-needed
BASE    := -std=gnu11 -D_GNU_SOURCE -DHULL_VERSION='"$(VERSION)"' -I$(LIBHULL) $(PKGCFLAGS) $(EXTRA_CFLAGS)
CFLAGS_HARD := -O2 -g $(WARN) $(HARDEN) $(BASE)
CFLAGS_SAN  := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
               -fno-sanitize-recover=all $(WARN) $(BASE)
CFLAGS_FUZZ := -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
               -DHULL_FUZZING $(BASE)

LIB_NOMAIN := $(filter-out main.c,$(SRCS)) $(LIBSRCS)

.PHONY: all tests asan fuzz test-hooks clean install
all: $(if $(PROG),$(O)/$(PROG))
tests: $(addprefix $(O)/tests/,$(TESTS))
asan: $(if $(PROG),$(O)/asan/$(PROG)) $(addprefix $(O)/asan/tests/,$(TESTS))
fuzz: $(addprefix $(O)/fuzz/,$(FUZZERS))
test-hooks: $(if $(PROG),$(O)/test-hooks/$(PROG))

HDRS := $(wildcard *.h) $(wildcard $(LIBHULL)/hull/*.h)

$(O)/$(PROG): $(SRCS) $(LIBSRCS) $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_HARD) -o $@ $(SRCS) $(LIBSRCS) $(LDHARD) $(PKGLIBS) $(EXTRA_LIBS)

$(O)/tests/%: %.c $(LIB_NOMAIN) $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_HARD) -o $@ $< $(LIB_NOMAIN) $(LDHARD) $(PKGLIBS) $(EXTRA_LIBS)

$(O)/test-hooks/$(PROG): $(SRCS) $(LIBSRCS) $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_HARD) -DHULL_TEST_HOOKS -o $@ $(SRCS) $(LIBSRCS) $(LDHARD) $(PKGLIBS) $(EXTRA_LIBS)

$(O)/asan/$(PROG): $(SRCS) $(LIBSRCS) $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_SAN) -o $@ $(SRCS) $(LIBSRCS) $(PKGLIBS) $(EXTRA_LIBS)

$(O)/asan/tests/%: %.c $(LIB_NOMAIN) $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_SAN) -o $@ $< $(LIB_NOMAIN) $(PKGLIBS) $(EXTRA_LIBS)

$(O)/fuzz/%: %.c $(LIB_NOMAIN) $(HDRS)
	@mkdir -p $(@D)
	$(CLANG) $(CFLAGS_FUZZ) -o $@ $< $(LIB_NOMAIN) $(PKGLIBS) $(EXTRA_LIBS)

# Installs the program into an image tree: make install DESTDIR=<root>. A service that ships
# more (a profile, a policy file) adds recipes to its own install-extra target.
BINDIR ?= /usr/bin
install: all install-extra
	$(if $(PROG),install -D -m 0755 $(O)/$(PROG) $(DESTDIR)$(BINDIR)/$(PROG))
.PHONY: install-extra
install-extra::

clean:
	rm -rf $(O)
