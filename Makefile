# exportgate: build, test, demo, install.
#
#   make                build/exportgate
#   make check          every test (unit and shell), under the sanitizers
#                       too when SANITIZE=address,undefined
#   make demo           scan a synthetic repository, then push through the gate
#   make install        PREFIX=/usr/local DESTDIR=

PREFIX ?= /usr/local
DESTDIR ?=
BINDIR = $(PREFIX)/bin
DATADIR = $(PREFIX)/share/exportgate
MANDIR = $(PREFIX)/share/man/man1

CC ?= cc
PKGS = libgit2 libpcre2-8 yaml-0.1 jansson libcrypto zlib liblzma
VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)
DESCRIBE := $(shell git describe --always --dirty 2>/dev/null || echo unknown)

WARN = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wformat=2 -Wvla -Wwrite-strings
CFLAGS ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) \
	-Iscanner -Ihook -Ibuild \
	-DEG_VERSION='"$(VERSION)"' -DEG_DESCRIBE='"$(DESCRIBE)"'
LDLIBS_ALL = -lbz2 -lpthread

ifneq ($(SANITIZE),)
ALL_CFLAGS += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer
LDFLAGS += -fsanitize=$(SANITIZE)
endif

# Missing build dependencies are installed first (Debian/Ubuntu/Fedora).
DEPS_OK := $(shell pkg-config --exists $(PKGS) cmocka 2>/dev/null && \
		    test -r /usr/include/bzlib.h && echo yes)
ifneq ($(DEPS_OK),yes)
$(info exportgate: build dependencies missing, running ./install.sh --deps)
DEPS_RUN := $(shell ./install.sh --deps >&2 && echo ok)
endif

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CMOCKA_LIBS := $(shell pkg-config --libs cmocka 2>/dev/null || echo -lcmocka)

CLI_SRC = scanner/main.c $(wildcard scanner/cmd_*.c)
CLI_OBJ = $(patsubst scanner/%.c,build/scanner/%.o,$(CLI_SRC))
LIB_SRC = $(filter-out $(CLI_SRC),$(wildcard scanner/*.c))
LIB_OBJ = $(patsubst scanner/%.c,build/scanner/%.o,$(LIB_SRC)) \
	build/builtin_packs.o
HOOK_SRC = $(wildcard hook/*.c)
HOOK_OBJ = $(patsubst hook/%.c,build/hook/%.o,$(HOOK_SRC))
UNIT_SRC = $(wildcard tests/unit/test_*.c)
UNIT_BIN = $(patsubst tests/unit/%.c,build/tests/%,$(UNIT_SRC))
PACKS = $(wildcard patterns/*.yml)
HEADERS = $(wildcard scanner/*.h hook/*.h)

all: build/exportgate

# --version names the commit it was built from: rebuild main.o when it moves.
$(shell mkdir -p build && (echo '$(DESCRIBE)' | cmp -s - build/describe || \
	echo '$(DESCRIBE)' > build/describe))
build/scanner/main.o: build/describe

build/scanner/%.o: scanner/%.c $(HEADERS) | build/scanner
	$(CC) $(ALL_CFLAGS) $(PKG_CFLAGS) -c -o $@ $<

build/hook/%.o: hook/%.c $(HEADERS) | build/hook
	$(CC) $(ALL_CFLAGS) $(PKG_CFLAGS) -c -o $@ $<

build/builtin_packs.c: $(PACKS) scanner/embed.sh | build
	sh scanner/embed.sh $(PACKS) > $@.tmp && mv $@.tmp $@

build/builtin_packs.o: build/builtin_packs.c scanner/sigset.h
	$(CC) $(ALL_CFLAGS) $(PKG_CFLAGS) -c -o $@ $<

build/libexportgate.a: $(LIB_OBJ)
	rm -f $@ && ar rcs $@ $^

build/libeghook.a: $(HOOK_OBJ)
	rm -f $@ && ar rcs $@ $^

build/exportgate: $(CLI_OBJ) build/libeghook.a build/libexportgate.a
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) $(LDLIBS_ALL)

build/tests/%: tests/unit/%.c build/libeghook.a build/libexportgate.a | build/tests
	$(CC) $(ALL_CFLAGS) $(PKG_CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) \
		$(CMOCKA_LIBS) $(LDLIBS_ALL)

build build/scanner build/hook build/tests:
	mkdir -p $@

unit: $(UNIT_BIN)

check: build/exportgate $(UNIT_BIN)
	sh tests/run.sh $(UNIT_BIN)

demo: build/exportgate
	sh tests/demo.sh

style:
	clang-format --dry-run --Werror scanner/*.[ch] hook/*.[ch] tests/unit/*.c

# The hook scripts are installed with EXPORTGATE_BIN set to where the binary
# goes ($(BINDIR), without DESTDIR, which only stages the files); install.sh
# sets it again when it copies them into a repository.
install: build/exportgate
	install -d "$(DESTDIR)$(BINDIR)" "$(DESTDIR)$(DATADIR)/patterns" \
		"$(DESTDIR)$(DATADIR)/hook" "$(DESTDIR)$(MANDIR)"
	install -m 755 build/exportgate "$(DESTDIR)$(BINDIR)/exportgate"
	install -m 644 $(PACKS) "$(DESTDIR)$(DATADIR)/patterns/"
	for h in pre-receive pre-push; do \
		sed "s|^EXPORTGATE_BIN=.*|EXPORTGATE_BIN='$(BINDIR)/exportgate'|" \
			hook/$$h > "$(DESTDIR)$(DATADIR)/hook/$$h" && \
		chmod 755 "$(DESTDIR)$(DATADIR)/hook/$$h" || exit 1; \
	done
	install -m 644 docs/exportgate.1 "$(DESTDIR)$(MANDIR)/exportgate.1"

uninstall:
	rm -f "$(DESTDIR)$(BINDIR)/exportgate" "$(DESTDIR)$(MANDIR)/exportgate.1"
	rm -rf "$(DESTDIR)$(DATADIR)"

clean:
	rm -rf build tests/tmp

.PHONY: all unit check demo style install uninstall clean
.SECONDARY:

# --- fuzzing (fuzz/) ---------------------------------------------------------
#   make fuzz [FUZZ_SECONDS=60] [FUZZ_TARGETS="policy match"]
# builds each fuzz/fuzz_<name>.c with clang's libFuzzer, ASan and UBSan, seeds
# a corpus from the fixtures (fuzz/seed.sh), runs each target FUZZ_SECONDS
# and fails on any crash, leak or sanitizer report (fuzz/run.sh).
FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang
FUZZ_TARGETS ?= $(patsubst fuzz/fuzz_%.c,%,$(wildcard fuzz/fuzz_*.c))
FUZZ_CFLAGS = -std=c11 -D_GNU_SOURCE $(filter-out -Werror,$(WARN)) -g -O1 \
	-fno-omit-frame-pointer -fno-sanitize-recover=all \
	-Iscanner -Ihook -Ibuild \
	-DEG_VERSION='"$(VERSION)"' -DEG_DESCRIBE='"$(DESCRIBE)"'
FUZZ_LIB_OBJ = $(patsubst %.c,build/fuzz/obj/%.o,$(LIB_SRC) $(HOOK_SRC) \
	build/builtin_packs.c)

build/fuzz/obj/%.o: %.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link,address,undefined \
		$(PKG_CFLAGS) -c -o $@ $<

build/fuzz/libexportgate-fuzz.a: $(FUZZ_LIB_OBJ)
	rm -f $@ && ar rcs $@ $^

build/fuzz/fuzz_%: fuzz/fuzz_%.c build/fuzz/libexportgate-fuzz.a $(HEADERS)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer,address,undefined \
		$(PKG_CFLAGS) -o $@ $< build/fuzz/libexportgate-fuzz.a \
		$(PKG_LIBS) $(LDLIBS_ALL)

fuzz-build: $(patsubst %,build/fuzz/fuzz_%,$(FUZZ_TARGETS))

fuzz: fuzz-build
	sh fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

.PHONY: fuzz fuzz-build
