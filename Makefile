# SPDX-License-Identifier: GPL-2.0
# vqwatch: one binary, built into build/.
#   make            build build/vqwatch (static; STATIC=0 for a dynamic build)
#   make deps       install build and test dependencies with apt-get
#   make run        deps + build + run the main job on this machine (audit, trace)
#   make test       deps + build + every test suite (unit, cli, bpf, vm)
#   make install    install the binary, man page, completion, systemd units,
#                   Prometheus rules and the reference pages (docs/*.md except
#                   bench.md) under PREFIX (/usr/local), DESTDIR for staging
#   make uninstall  remove what make install installed
#   make clean      leave the tree as cloned

OUTPUT     := build
ARCH       := $(shell uname -m | sed 's/x86_64/x86/;s/aarch64/arm64/')
CC         ?= gcc
CLANG      ?= clang
BPFTOOL    ?= bpftool
LLVM_STRIP ?= llvm-strip
STATIC     ?= 1
WERROR     ?= 1
# vmlinux.h is committed per architecture (as bcc's libbpf-tools do), so the
# build does not depend on the build host's kernel.  It was generated from a
# 6.18 kernel with every virtio driver built in (all the types the programs
# read are there); CO-RE relocates each field access at load time, so it
# serves 6.1 and 6.12 guests too.  `make vmlinux-update VMLINUX_BTF=FILE`
# regenerates it.
VMLINUX_H  := include/vmlinux/$(ARCH)/vmlinux.h
VMLINUX_BTF ?= /sys/kernel/btf/vmlinux
VERSION    := $(shell cat VERSION)

WARN       := -Wall -Wextra $(if $(filter 1,$(WERROR)),-Werror)
CFLAGS     ?= -O2 -g
ALL_CFLAGS := $(CFLAGS) $(WARN) -std=gnu11 -D_GNU_SOURCE -Iinclude -Isrc -I$(OUTPUT) \
	      -DVQWATCH_VERSION='"$(VERSION)"'
# BPF_PROG() declares a ctx parameter that programs need not use.  -mcpu=v3:
# compare-and-swap (the hot paths' array slots; kernels 5.12+).
BPF_CFLAGS := -g -O2 -target bpf -mcpu=v3 -D__TARGET_ARCH_$(ARCH) $(WARN) -Wno-unused-parameter \
	      -Iinclude -Iinclude/vmlinux/$(ARCH)
ifeq ($(STATIC),1)
LDFLAGS_ALL := -static $(LDFLAGS)
LIBS        := -l:libbpf.a -l:libelf.a -l:libz.a -l:libevent_extra.a -l:libevent_core.a -l:libinih.a
else
LDFLAGS_ALL := $(LDFLAGS)
LIBS        := -lbpf -lelf -lz -levent_extra -levent_core -linih
endif

# Pure logic: linked into the binary and into the unit tests.
CORE_SRCS  := src/virtio_tables.c src/layout.c src/findings.c src/model.c \
	      src/feature_mask.c src/hist.c src/json.c src/report_json.c src/report_text.c src/report_prom.c src/sysfs.c \
	      src/pci_cfg.c src/devread.c src/filter.c src/window.c src/listen.c src/sd_listen.c
CMD_SRCS   := src/cmd_common.c src/cmd_layout.c src/cmd_audit.c src/cmd_trace.c src/cmd_metrics.c src/rebind.c \
	      src/main.c src/collect.c src/textfile.c src/cmd_daemon.c src/http.c src/log.c src/sd_notify.c \
	      src/config.c
# The BPF session: the only code that includes the skeletons.
SESSION_SRCS := src/session.c src/bpf_source.c
APP_SRCS   := $(CORE_SRCS) $(CMD_SRCS) $(SESSION_SRCS)
BPF_PROGS  := irq ring queues traffic
SKELS      := $(patsubst %,$(OUTPUT)/%.skel.h,$(BPF_PROGS))
APP_OBJS   := $(patsubst src/%.c,$(OUTPUT)/%.o,$(APP_SRCS))

# Sub-makes (make test) stay quiet about directories, so that each suite's
# summary line closes its output.
MAKEFLAGS  += --no-print-directory

.DELETE_ON_ERROR:
.SECONDARY:
.PHONY: all deps run test test-unit test-cli test-bpf test-vm clean vmlinux-update

all: $(OUTPUT)/vqwatch

$(OUTPUT):
	mkdir -p $@

vmlinux-update:
	@test -r $(VMLINUX_BTF) || { echo "vqwatch: $(VMLINUX_BTF) not readable: set VMLINUX_BTF=FILE" >&2; exit 1; }
	$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c > $(VMLINUX_H)

# Debug info stripped before embedding (BTF stays: CO-RE needs it).
$(OUTPUT)/%.bpf.o: bpf/%.bpf.c $(wildcard bpf/*.bpf.h include/*.h) $(VMLINUX_H) | $(OUTPUT)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@.tmp
	$(LLVM_STRIP) -g $@.tmp -o $@
	rm -f $@.tmp

$(OUTPUT)/%.skel.h: $(OUTPUT)/%.bpf.o
	$(BPFTOOL) gen skeleton $< > $@

# Only the session's objects need clang, bpftool and the skeletons.
$(patsubst src/%.c,$(OUTPUT)/%.o,$(SESSION_SRCS)): $(SKELS)

$(OUTPUT)/%.o: src/%.c $(wildcard src/*.h include/*.h) | $(OUTPUT)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(OUTPUT)/vqwatch: $(APP_OBJS)
	$(CC) $(LDFLAGS_ALL) $^ $(LIBS) -o $@

include tests/tests.mk

# Debian packages for building and for every test suite; one apt-get update.
DEPS := clang llvm bpftool libbpf-dev libelf-dev zlib1g-dev libzstd-dev make gcc pkg-config \
	libcmocka-dev jq valgrind prometheus libevent-dev libinih-dev curl \
	qemu-system-x86 busybox-static cpio xz-utils kmod iproute2 util-linux linux-libc-dev python3 gcc-12 pahole \
	groff-base man-db systemd
deps:
	@missing=$$(for p in $(DEPS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "make deps: installing:" $$missing; \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing; \
	else echo "make deps: all packages present"; fi

# The main job: what this guest's devices and queues are (audit, no BPF),
# then five seconds of what they do (trace: BPF, needs root).
run: deps
	$(MAKE) all
	./$(OUTPUT)/vqwatch audit
	./$(OUTPUT)/vqwatch trace --duration 5s

clean:
	rm -rf $(OUTPUT)

# Installation.  The service unit names the binary by its installed path
# (vqwatch.socket goes as it is); systemd reads units from
# $(PREFIX)/lib/systemd/system for /usr/local and /usr.
PREFIX      ?= /usr/local
SBINDIR     ?= $(PREFIX)/sbin
DATADIR     ?= $(PREFIX)/share
MANDIR      ?= $(DATADIR)/man
BASHCOMPDIR ?= $(DATADIR)/bash-completion/completions
UNITDIR     ?= $(PREFIX)/lib/systemd/system
# The reference pages the man page names (JSON, metrics, findings, exit
# codes); they link only to each other, so they read the same installed.
DOCDIR      ?= $(DATADIR)/doc/vqwatch
DOC_FILES   := docs/json.md docs/metrics.md docs/findings.md docs/exit-codes.md
# Alert rules (not their promtool tests) and dashboards, to $(DATADIR)/vqwatch.
SHARE_FILES := $(filter-out %.test.yml,$(wildcard deploy/prometheus/*.yml)) \
	       $(wildcard deploy/grafana/*.json)
INSTALLED   := $(SBINDIR)/vqwatch $(MANDIR)/man8/vqwatch.8 $(BASHCOMPDIR)/vqwatch \
	       $(UNITDIR)/vqwatch.service $(UNITDIR)/vqwatch.socket $(addprefix $(DATADIR)/vqwatch/,$(notdir $(SHARE_FILES))) \
	       $(addprefix $(DOCDIR)/,$(notdir $(DOC_FILES)))

.PHONY: install uninstall
install: $(OUTPUT)/vqwatch
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(BASHCOMPDIR) \
		$(DESTDIR)$(UNITDIR) $(DESTDIR)$(DATADIR)/vqwatch $(DESTDIR)$(DOCDIR)
	install -m 0755 $(OUTPUT)/vqwatch $(DESTDIR)$(SBINDIR)/vqwatch
	sed -e 's|/usr/local/share/doc/vqwatch|@DOCDIR@|g' -e 's|/usr/local/lib/systemd/system|$(UNITDIR)|g' \
		-e 's|/usr/local/share|$(DATADIR)|g' -e 's|@DOCDIR@|$(DOCDIR)|g' \
		docs/vqwatch.8 > $(DESTDIR)$(MANDIR)/man8/vqwatch.8
	install -m 0644 deploy/bash-completion/vqwatch $(DESTDIR)$(BASHCOMPDIR)/vqwatch
	sed 's|@SBINDIR@|$(SBINDIR)|g' deploy/systemd/vqwatch.service.in > $(DESTDIR)$(UNITDIR)/vqwatch.service
	install -m 0644 deploy/systemd/vqwatch.socket $(DESTDIR)$(UNITDIR)/vqwatch.socket
	chmod 0644 $(DESTDIR)$(MANDIR)/man8/vqwatch.8 $(DESTDIR)$(UNITDIR)/vqwatch.service
	$(if $(SHARE_FILES),install -m 0644 $(SHARE_FILES) $(DESTDIR)$(DATADIR)/vqwatch/)
	install -m 0644 $(DOC_FILES) $(DESTDIR)$(DOCDIR)/
	@echo "installed; to run the daemon at boot: systemctl daemon-reload && systemctl enable --now vqwatch"
	@echo "(with systemd holding its socket: systemctl enable --now vqwatch.socket vqwatch.service)"

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	-rmdir $(DESTDIR)$(DATADIR)/vqwatch $(DESTDIR)$(DOCDIR) 2>/dev/null
