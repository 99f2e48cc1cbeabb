# Shared build rules for Hull's C services. A service's Makefile sets
#   PROG         the program it ships (installed to /usr/bin or /usr/lib/hull)
#   SRCS         its sources, main.c (its main) included
#   BUILD_PROGS  programs that run on the build host only (payloads, keys, generators): built
#                beside PROG and used by the image build, never installed into an image
#   <P>_SRCS     the sources of build program P, P.c (its main) included; modules shared with
#                PROG are named in both lists and compiled once
#   BUILD_LIBS   shared objects the build preloads into a host tool (<L>_SRCS their sources,
#                compiled position-independent, without libhull): built and installed beside
#                BUILD_PROGS, never into an image
#   TEST_SRCS    modules only the unit tests and fuzzers link (a simulator, fixtures)
#   PKGS         pkg-config modules it links against
#   TESTS        unit tests: test-<module>.c, each linked with every module of PROG, of the
#                BUILD_PROGS and TEST_SRCS, the mains (main.c, P.c) left out
#   FUZZERS      libFuzzer targets: fuzz-<parser>.c, corpus in fuzz/<name>/, linked like tests
# Every binary links libhull.a (packages/libhull), built once per mode (hardened, asan, fuzz)
# into $(O)/../libhull; each source is compiled once per mode into $(O)/[mode/]obj/.
# and then includes this file. Output goes to $(O) (default: build/<service> at the top).
#
#   make            the hardened program and the build programs
#   make tests      unit tests, hardened build           ($(O)/tests/)
#   make asan       programs and unit tests with ASan+UBSan ($(O)/asan/)
#   make fuzz       libFuzzer targets (clang)             ($(O)/fuzz/)
#   make test-hooks the program with -DHULL_TEST_HOOKS     ($(O)/test-hooks/): for QEMU tests
#                   that must stop a run at a chosen point; never installed in an image
#   make install DESTDIR=<root>   PROG into an image tree ($(BINDIR)); never a build program
#   make install-tools TOOLDIR=<dir>   the build programs into a folder of the build host
#
# ./build.sh test runs every binary in $(O)/tests and $(O)/asan/tests with the service's
# source folder as the working directory (a non-zero exit is a failure), and every fuzzer for
# a bounded time on its seed corpus fuzz/<fuzzer-name>/.

TOP     := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/..)
SVC     := $(notdir $(CURDIR))
O       ?= $(TOP)/build/services/$(SVC)
VERSION ?= $(shell cat $(TOP)/VERSION 2>/dev/null || echo 0)

CC      ?= cc
CLANG   ?= clang
AR      ?= ar
PKGCFLAGS := $(if $(PKGS),$(shell pkg-config --cflags $(PKGS)))
PKGLIBS   := $(if $(PKGS),$(shell pkg-config --libs $(PKGS)))

# libhull is built once per build mode into a static archive beside the service's output folder
# ($(O)/../libhull, the same folder its own Makefile uses), with its own flags whichever
# service asks first; programs, tests and fuzzers link it and take only the objects they use.
LIBHULL      := $(TOP)/packages/libhull
LIBHULL_O    ?= $(abspath $(O)/../libhull)
LIBHULL_PKGS := json-c
LIBHULL_SRCS := $(notdir $(filter-out $(LIBHULL)/test-%.c $(LIBHULL)/fuzz-%.c,$(wildcard $(LIBHULL)/*.c)))
LIBHULL_HDRS := $(wildcard $(LIBHULL)/hull/*.h)
LIBHULL_LIBS := $(shell pkg-config --libs $(LIBHULL_PKGS))

WARN    := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wformat-security -Wvla \
           -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter \
           -Wimplicit-fallthrough -Wnull-dereference
HARDEN  := -U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=3 -fstack-protector-strong \
           -fstack-clash-protection -fcf-protection -fPIE
LDHARD  := -pie -Wl,-z,relro,-z,now,-z,noexecstack -Wl,--as-needed
MODE_HARD := -O2 -g $(WARN) $(HARDEN)
MODE_SAN  := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all $(WARN)
MODE_FUZZ := -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -DHULL_FUZZING
# Paths inside the repository are written relative to it (file names in assertions and debug
# information): the same sources give the same bytes whatever folder they are built in.
REPRO   := -ffile-prefix-map=$(TOP)/=
LIBHULL_BASE := -std=gnu11 -D_GNU_SOURCE $(REPRO) -I$(LIBHULL) $(shell pkg-config --cflags $(LIBHULL_PKGS))
BASE    := -std=gnu11 -D_GNU_SOURCE $(REPRO) -DHULL_VERSION='"$(VERSION)"' -I$(LIBHULL) $(PKGCFLAGS) $(EXTRA_CFLAGS)
CFLAGS_HARD := $(MODE_HARD) $(BASE)
CFLAGS_SAN  := $(MODE_SAN) $(BASE)
CFLAGS_FUZZ := $(MODE_FUZZ) $(BASE)
LDFUZZ      := -fsanitize=fuzzer,address,undefined

# print-NAME: the value of variable NAME (the test runner reads TESTS and FUZZERS this way).
print-%:
	@echo $($*)

.PHONY: all tests asan fuzz test-hooks clean install
all: $(if $(PROG),$(O)/$(PROG)) $(addprefix $(O)/,$(BUILD_PROGS) $(BUILD_LIBS))
tests: $(addprefix $(O)/tests/,$(TESTS))
asan: $(if $(PROG),$(O)/asan/$(PROG)) $(addprefix $(O)/asan/,$(BUILD_PROGS)) $(addprefix $(O)/asan/tests/,$(TESTS))
fuzz: $(addprefix $(O)/fuzz/,$(FUZZERS))
test-hooks: $(if $(PROG),$(O)/test-hooks/$(PROG))

HDRS := $(wildcard *.h) $(LIBHULL_HDRS)
# The makefiles (the service's and this one) are inputs of every object: a change of flags
# compiles again, as a change of source does.
MKFILES := $(MAKEFILE_LIST)

# libhull.a of each mode: hardened (programs, unit tests), asan, fuzz. Compiled from libhull's
# folder whichever service's make builds it first, so its debug information names the same
# compilation directory (packages/libhull) in every build.
$(LIBHULL_O)/obj/%.o: $(LIBHULL)/%.c $(LIBHULL_HDRS) $(TOP)/packages/common.mk
	@mkdir -p $(@D)
	cd $(LIBHULL) && $(CC) $(MODE_HARD) $(LIBHULL_BASE) -c -o $@ $<
$(LIBHULL_O)/asan/obj/%.o: $(LIBHULL)/%.c $(LIBHULL_HDRS) $(TOP)/packages/common.mk
	@mkdir -p $(@D)
	cd $(LIBHULL) && $(CC) $(MODE_SAN) $(LIBHULL_BASE) -c -o $@ $<
$(LIBHULL_O)/fuzz/obj/%.o: $(LIBHULL)/%.c $(LIBHULL_HDRS) $(TOP)/packages/common.mk
	@mkdir -p $(@D)
	cd $(LIBHULL) && $(CLANG) $(MODE_FUZZ) $(LIBHULL_BASE) -c -o $@ $<
$(LIBHULL_O)/libhull.a: $(addprefix $(LIBHULL_O)/obj/,$(LIBHULL_SRCS:.c=.o))
$(LIBHULL_O)/asan/libhull.a: $(addprefix $(LIBHULL_O)/asan/obj/,$(LIBHULL_SRCS:.c=.o))
$(LIBHULL_O)/fuzz/libhull.a: $(addprefix $(LIBHULL_O)/fuzz/obj/,$(LIBHULL_SRCS:.c=.o))
$(LIBHULL_O)/libhull.a $(LIBHULL_O)/asan/libhull.a $(LIBHULL_O)/fuzz/libhull.a:
	@rm -f $@
	$(AR) rcsD $@ $^

# The service's own objects, compiled once per mode; each program links its own, each unit
# test and fuzzer every module of every program, the mains left out.
MAINS       := main.c $(addsuffix .c,$(BUILD_PROGS))
SRCS_NOMAIN := $(filter-out $(MAINS),$(sort $(SRCS) $(foreach p,$(BUILD_PROGS),$($(p)_SRCS)) $(TEST_SRCS)))
$(O)/obj/%.o: %.c $(HDRS) $(MKFILES)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_HARD) -c -o $@ $<
$(O)/pic/obj/%.o: %.c $(HDRS) $(MKFILES)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_HARD) -fPIC -fvisibility=hidden -c -o $@ $<
$(O)/test-hooks/obj/%.o: %.c $(HDRS) $(MKFILES)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_HARD) -DHULL_TEST_HOOKS -c -o $@ $<
$(O)/asan/obj/%.o: %.c $(HDRS) $(MKFILES)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_SAN) -c -o $@ $<
$(O)/fuzz/obj/%.o: %.c $(HDRS) $(MKFILES)
	@mkdir -p $(@D)
	$(CLANG) $(CFLAGS_FUZZ) -c -o $@ $<

# Link lines: objects, then libhull, then the libraries both may use.
LIBS := $(PKGLIBS) $(LIBHULL_LIBS) $(EXTRA_LIBS)

$(O)/$(PROG): $(addprefix $(O)/obj/,$(SRCS:.c=.o)) $(LIBHULL_O)/libhull.a
	$(CC) $(CFLAGS_HARD) -o $@ $^ $(LDHARD) $(LIBS)

$(O)/test-hooks/$(PROG): $(addprefix $(O)/test-hooks/obj/,$(SRCS:.c=.o)) $(LIBHULL_O)/libhull.a
	$(CC) $(CFLAGS_HARD) -o $@ $^ $(LDHARD) $(LIBS)

$(O)/asan/$(PROG): $(addprefix $(O)/asan/obj/,$(SRCS:.c=.o)) $(LIBHULL_O)/asan/libhull.a
	$(CC) $(CFLAGS_SAN) -o $@ $^ $(LIBS)

# A build program: the same flags and libraries as PROG, its own sources.
define build_prog
$(O)/$(1): $$(addprefix $(O)/obj/,$$($(1)_SRCS:.c=.o)) $(LIBHULL_O)/libhull.a
	$$(CC) $$(CFLAGS_HARD) -o $$@ $$^ $$(LDHARD) $$(LIBS)
$(O)/asan/$(1): $$(addprefix $(O)/asan/obj/,$$($(1)_SRCS:.c=.o)) $(LIBHULL_O)/asan/libhull.a
	$$(CC) $$(CFLAGS_SAN) -o $$@ $$^ $$(LIBS)
endef
$(foreach p,$(BUILD_PROGS),$(eval $(call build_prog,$(p))))

# A build library: its own sources, position-independent, the service's libraries.
define build_lib
$(O)/$(1): $$(addprefix $(O)/pic/obj/,$$($(1)_SRCS:.c=.o))
	$$(CC) $$(CFLAGS_HARD) -fPIC -shared -o $$@ $$^ -Wl,-z,relro,-z,now,-z,noexecstack -Wl,--as-needed $$(PKGLIBS)
endef
$(foreach l,$(BUILD_LIBS),$(eval $(call build_lib,$(l))))

$(O)/tests/%: $(O)/obj/%.o $(addprefix $(O)/obj/,$(SRCS_NOMAIN:.c=.o)) $(LIBHULL_O)/libhull.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_HARD) -o $@ $^ $(LDHARD) $(LIBS)

$(O)/asan/tests/%: $(O)/asan/obj/%.o $(addprefix $(O)/asan/obj/,$(SRCS_NOMAIN:.c=.o)) $(LIBHULL_O)/asan/libhull.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_SAN) -o $@ $^ $(LIBS)

$(O)/fuzz/%: $(O)/fuzz/obj/%.o $(addprefix $(O)/fuzz/obj/,$(SRCS_NOMAIN:.c=.o)) $(LIBHULL_O)/fuzz/libhull.a
	@mkdir -p $(@D)
	$(CLANG) $(CFLAGS_FUZZ) -o $@ $^ $(LDFUZZ) $(LIBS)

# A test's or fuzzer's object is an intermediate of its binary: keep it for incremental builds.
.SECONDARY:

# Installs the program into an image tree: make install DESTDIR=<root>. A service that ships
# more (a profile, a policy file) adds recipes to its own install-extra target. BUILD_PROGS
# stay in $(O): the image build runs them from there.
BINDIR ?= /usr/bin
install: all install-extra
	$(if $(PROG),install -D -m 0755 $(O)/$(PROG) $(DESTDIR)$(BINDIR)/$(PROG))
.PHONY: install-extra install-tools
install-extra::

install-tools: $(addprefix $(O)/,$(BUILD_PROGS) $(BUILD_LIBS))
	$(if $(BUILD_PROGS)$(BUILD_LIBS),install -d $(TOOLDIR) && install -m 0755 $^ $(TOOLDIR)/)

clean:
	rm -rf $(O)
