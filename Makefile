# SPDX-License-Identifier: GPL-2.0
# vqwatch: one binary, built into build/ (x86-64) or build/arm64/.
#   make            build build/vqwatch (static; STATIC=0 for a dynamic build)
#   make ARCH=arm64 cross-build build/arm64/vqwatch (static) with Debian's
#                   aarch64-linux-gnu-gcc and the arm64 libraries (make deps-arm64)
#   make deps       install build and test dependencies with apt-get (the
#                   arm64 cross build's too: the VM suite has arm64 guests)
#   make deps-arm64 only what make ARCH=arm64 needs
#   make run        deps + build + run the main job on this machine (audit, trace)
#   make test       deps + build + every test suite (unit, cli, bpf, vm)
#   make install    install the binary, man page, completion, systemd units,
#                   Prometheus rules and the reference pages (docs/*.md except
#                   bench.md) under PREFIX (/usr/local), DESTDIR for staging
#   make uninstall  remove what make install installed
#   make clean      leave the tree as cloned

# ARCH: x86 or arm64, the build host's unless given (make ARCH=arm64).  The
# x86 binary stays in build/; any other architecture's goes to build/ARCH/.
HOST_ARCH  := $(shell uname -m | sed 's/x86_64/x86/;s/aarch64/arm64/')
ARCH       := $(HOST_ARCH)
ifeq ($(filter $(ARCH),x86 arm64),)
$(error vqwatch builds for ARCH=x86 or ARCH=arm64, not '$(ARCH)')
endif
OUTPUT     := $(if $(filter x86,$(ARCH)),build,build/$(ARCH))
CC         ?= gcc
# Cross build for arm64 from another host: Debian's cross compiler, the
# libraries that are Multi-Arch: same installed as :arm64 packages (they sit in
# /usr/lib/aarch64-linux-gnu, where the cross compiler looks), and
# libevent-dev:arm64, which is not co-installable with the amd64 one that the
# x86 build needs (installing it removes libevent-dev:amd64), unpacked with
# dpkg -x into ARM64_ROOT instead.  make deps-arm64 sets all of that up.
ARM64_ROOT ?= /var/cache/vqwatch-cross/arm64
ifeq ($(ARCH)-$(filter arm64,$(HOST_ARCH)),arm64-)
CROSS_COMPILE ?= aarch64-linux-gnu-
ifeq ($(origin CC),default)
CC         := $(CROSS_COMPILE)gcc
endif
CROSS_CFLAGS  := -I$(ARM64_ROOT)/usr/include
CROSS_LDFLAGS := -L$(ARM64_ROOT)/usr/lib/aarch64-linux-gnu
endif
CLANG      ?= clang
BPFTOOL    ?= bpftool
LLVM_STRIP ?= llvm-strip
STRIP      ?= $(CROSS_COMPILE)strip
STATIC     ?= 1
WERROR     ?= 1
# vmlinux.h is committed per architecture (as bcc's libbpf-tools do), so the
# build does not depend on the build host's kernel.  x86: generated from a
# 6.18 kernel with every virtio driver built in (all the types the programs
# read are there).  arm64: from /sys/kernel/btf of a QEMU -M virt guest
# booting Debian's linux-image-6.12.118+deb12-cloud-arm64-unsigned
# 6.12.118-1~deb12u1: vmlinux (virtio core, ring and PCI built in) plus the
# types of the virtio modules (balloon, blk, mmio, net, rng) from their BTF;
# provenance in the header's first comment; `make vmlinux-update-arm64`
# regenerates it.  CO-RE relocates each field access at load time, so each
# serves 6.1 and 6.12 guests too.  `make vmlinux-update VMLINUX_BTF=FILE`
# regenerates the build host's architecture's from one BTF file.
VMLINUX_H  := include/vmlinux/$(ARCH)/vmlinux.h
VMLINUX_BTF ?= /sys/kernel/btf/vmlinux
VERSION    := $(shell cat VERSION)

WARN       := -Wall -Wextra $(if $(filter 1,$(WERROR)),-Werror)
CFLAGS     ?= -O2 -g
# Hardening: _FORTIFY_SOURCE needs optimisation (a -O0 build leaves it out).
FORTIFY    := $(if $(filter -O0,$(CFLAGS)),,-D_FORTIFY_SOURCE=2)
ALL_CFLAGS := $(CFLAGS) $(WARN) $(FORTIFY) -std=gnu11 -D_GNU_SOURCE -Iinclude -Isrc -I$(OUTPUT)$(if $(CROSS_CFLAGS), $(CROSS_CFLAGS)) \
	      -DVQWATCH_VERSION='"$(VERSION)"'
# BPF_PROG() declares a ctx parameter that programs need not use.  -mcpu=v3:
# compare-and-swap (the hot paths' array slots; kernels 5.12+).
BPF_CFLAGS := -g -O2 -target bpf -mcpu=v3 -D__TARGET_ARCH_$(ARCH) $(WARN) -Wno-unused-parameter \
	      -Iinclude -Iinclude/vmlinux/$(ARCH)
ifeq ($(STATIC),1)
# -static-pie: one static binary that is still position-independent (ASLR
# for the loader too); Debian's gcc compiles PIE code by default, its static
# libraries included.
LDFLAGS_ALL := -static-pie $(LDFLAGS)$(if $(CROSS_LDFLAGS), $(CROSS_LDFLAGS))
# --web.config.file (docs/hacking.md "Build choices"): libevent_openssl,
# OpenSSL 3 (libssl, libcrypto) for TLS, libyaml for the file, libxcrypt
# (libcrypt) for bcrypt.
LIBS        := -l:libbpf.a -l:libelf.a -l:libz.a -l:libevent_openssl.a -l:libevent_extra.a \
	       -l:libevent_core.a -l:libinih.a -l:libssl.a -l:libcrypto.a -l:libyaml.a -l:libcrypt.a
else
LDFLAGS_ALL := $(LDFLAGS)$(if $(CROSS_LDFLAGS), $(CROSS_LDFLAGS))
LIBS        := -lbpf -lelf -lz -levent_openssl -levent_extra -levent_core -linih -lssl -lcrypto \
	       -lyaml -lcrypt
endif

# Pure logic: linked into the binary and into the unit tests.
CORE_SRCS  := src/virtio_tables.c src/vmm_tables.c src/vmm_detect.c src/layout.c src/findings.c src/model.c \
	      src/feature_mask.c src/hist.c src/json.c src/report_json.c src/report_text.c src/report_prom.c src/sysfs.c \
	      src/pci_cfg.c src/devread.c src/filter.c src/window.c src/gzip.c src/listen.c \
	      src/sd_listen.c src/ring_watch.c src/interrupts.c src/vvq_layout.c
CMD_SRCS   := src/cmd_common.c src/cmd_layout.c src/cmd_audit.c src/cmd_trace.c src/cmd_metrics.c src/rebind.c \
	      src/main.c src/collect.c src/process.c src/textfile.c src/cmd_daemon.c src/http.c src/log.c src/sd_notify.c \
	      src/config.c src/tls.c
# The web configuration's pure logic (parse and check, basic auth): in the
# binary and the unit tests, which link their libraries (WEB_LIBS) for it.
WEB_SRCS   := src/webconfig.c src/basic_auth.c
WEB_LIBS   := -lyaml -lcrypt -lcrypto
# The BPF session: the only code that includes the skeletons.
SESSION_SRCS := src/session.c src/bpf_source.c
APP_SRCS   := $(CORE_SRCS) $(WEB_SRCS) $(CMD_SRCS) $(SESSION_SRCS)
BPF_PROGS  := irq ring queues traffic
# traffic_percpu: bpf/traffic.bpf.c built for kernels without BPF
# compare-and-swap (before 5.12), whose verifier refuses an object holding
# one even where it is never reached; the same maps and programs, loaded
# through the traffic skeleton (session.c).
SKELS      := $(patsubst %,$(OUTPUT)/%.skel.h,$(BPF_PROGS) traffic_percpu)
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

# The arm64 header from a booted arm64 guest (QEMU, Debian's newest 6.12
# cloud-arm64 kernel): vmlinux and the virtio modules' BTF, with its
# provenance in the header's first comment.
.PHONY: vmlinux-update-arm64
vmlinux-update-arm64:
	tests/vm/vmlinux-btf arm64

# Debug info stripped before embedding (BTF stays: CO-RE needs it).
$(OUTPUT)/%.bpf.o: bpf/%.bpf.c $(wildcard bpf/*.bpf.h include/*.h) $(VMLINUX_H) | $(OUTPUT)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@.tmp
	$(LLVM_STRIP) -g $@.tmp -o $@
	rm -f $@.tmp

$(OUTPUT)/traffic_percpu.bpf.o: bpf/traffic.bpf.c $(wildcard bpf/*.bpf.h include/*.h) $(VMLINUX_H) | $(OUTPUT)
	$(CLANG) $(BPF_CFLAGS) -DVQ_PERCPU_SLOTS -c $< -o $@.tmp
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

ifneq ($(CROSS_CFLAGS),)
# Without the arm64 libevent headers, the host's (x86) ones would be used.
$(APP_OBJS): | $(ARM64_ROOT)/.ready
$(ARM64_ROOT)/.ready:
	@echo "vqwatch: make ARCH=arm64 needs the arm64 libraries (libevent-dev:arm64 in $(ARM64_ROOT)): run make deps-arm64" >&2; exit 1
endif

include tests/tests.mk

# Debian packages for building and for every test suite; one apt-get update.
DEPS := clang llvm bpftool libbpf-dev libelf-dev zlib1g-dev libzstd-dev make gcc pkg-config \
	libcmocka-dev jq valgrind prometheus libevent-dev libinih-dev curl \
	qemu-system-x86 busybox-static cpio xz-utils kmod iproute2 util-linux linux-libc-dev python3 gcc-12 pahole \
	groff-base man-db systemd strace libssl-dev libyaml-dev libcrypt-dev openssl apache2-utils
# The arm64 cross build (make ARCH=arm64): the cross compiler (it brings
# aarch64-linux-gnu-gcc-12, which also builds the VM suite's test modules for
# arm64 guests) and the arm64 libraries, through multiarch (dpkg
# --add-architecture arm64); libevent-dev:arm64 is unpacked into ARM64_ROOT
# (see ARM64_ROOT above).  The VM suite's arm64 guests need qemu-system-arm.
ARM64_DEPS := gcc-aarch64-linux-gnu libbpf-dev:arm64 libelf-dev:arm64 zlib1g-dev:arm64 \
	libzstd-dev:arm64 libinih-dev:arm64 libssl-dev:arm64 libyaml-dev:arm64 libcrypt-dev:arm64
VM_ARM64_DEPS := qemu-system-arm

# $(call apt_install,PACKAGES,WHO): install those not installed, saying which;
# adds the arm64 architecture to dpkg first when a PACKAGE is :arm64.
define apt_install
missing=$$(for p in $(1); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
if [ -n "$$missing" ]; then \
	case " $$missing " in *:arm64\ *) \
		if ! dpkg --print-foreign-architectures | grep -qx arm64; then \
			echo "$(2): dpkg --add-architecture arm64 (for the arm64 libraries of the cross build)"; \
			dpkg --add-architecture arm64 || exit 1; \
		fi ;; \
	esac; \
	echo "$(2): installing:" $$missing; \
	apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing || exit 1; \
else echo "$(2): all packages present"; fi
endef

# libevent-dev:arm64, unpacked (never installed) into ARM64_ROOT; redone when
# apt's candidate version changes.
define arm64_root
ver=$$(apt-cache policy libevent-dev:arm64 | sed -n 's/^ *Candidate: //p'); \
if [ -z "$$ver" ] || [ "$$ver" = "(none)" ]; then echo "$(1): apt has no libevent-dev:arm64" >&2; exit 1; fi; \
if [ "$$(cat $(ARM64_ROOT)/.ready 2>/dev/null)" = "libevent-dev:arm64=$$ver" ]; then \
	echo "$(1): $(ARM64_ROOT) has libevent-dev:arm64 $$ver"; \
else \
	echo "$(1): unpacking libevent-dev:arm64 $$ver into $(ARM64_ROOT) (dpkg -x; not co-installable with libevent-dev:amd64)"; \
	rm -rf $(ARM64_ROOT) && mkdir -p $(ARM64_ROOT)/deb && \
	(cd $(ARM64_ROOT)/deb && apt-get download -q -o APT::Sandbox::User=root "libevent-dev:arm64=$$ver") && \
	dpkg -x $(ARM64_ROOT)/deb/libevent-dev_*_arm64.deb $(ARM64_ROOT) && \
	echo "libevent-dev:arm64=$$ver" > $(ARM64_ROOT)/.ready || exit 1; \
fi
endef

.PHONY: deps-arm64
deps:
	@$(call apt_install,$(DEPS) $(ARM64_DEPS) $(VM_ARM64_DEPS),make deps)
	@$(call arm64_root,make deps)
deps-arm64:
	@$(call apt_install,$(ARM64_DEPS),make deps-arm64)
	@$(call arm64_root,make deps-arm64)

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
# The daemon's configuration, which the unit names: /etc whatever PREFIX is
# (the unit must find it at boot); installed only where none is, and
# uninstalled only while it is as shipped.
SYSCONFDIR  ?= /etc
CONFIG      := $(SYSCONFDIR)/vqwatch/vqwatch.conf
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
	install -m 0755 -s --strip-program=$(STRIP) $(OUTPUT)/vqwatch $(DESTDIR)$(SBINDIR)/vqwatch
	sed -e 's|/usr/local/share/doc/vqwatch|@DOCDIR@|g' -e 's|/usr/local/lib/systemd/system|$(UNITDIR)|g' \
		-e 's|/usr/local/share|$(DATADIR)|g' -e 's|@DOCDIR@|$(DOCDIR)|g' \
		docs/vqwatch.8 > $(DESTDIR)$(MANDIR)/man8/vqwatch.8
	install -m 0644 deploy/bash-completion/vqwatch $(DESTDIR)$(BASHCOMPDIR)/vqwatch
	sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@CONFIG@|$(CONFIG)|g' deploy/systemd/vqwatch.service.in \
		> $(DESTDIR)$(UNITDIR)/vqwatch.service
	install -d $(DESTDIR)$(SYSCONFDIR)/vqwatch
	@if [ -e $(DESTDIR)$(CONFIG) ]; then echo "kept $(DESTDIR)$(CONFIG) (not overwritten)"; \
	else install -m 0644 deploy/config/vqwatch.conf $(DESTDIR)$(CONFIG) && \
		echo "installed $(DESTDIR)$(CONFIG) (every key commented out, at its default)"; fi
	install -m 0644 deploy/systemd/vqwatch.socket $(DESTDIR)$(UNITDIR)/vqwatch.socket
	chmod 0644 $(DESTDIR)$(MANDIR)/man8/vqwatch.8 $(DESTDIR)$(UNITDIR)/vqwatch.service
	$(if $(SHARE_FILES),install -m 0644 $(SHARE_FILES) $(DESTDIR)$(DATADIR)/vqwatch/)
	install -m 0644 $(DOC_FILES) $(DESTDIR)$(DOCDIR)/
	@echo "installed; to run the daemon at boot: systemctl daemon-reload && systemctl enable --now vqwatch"
	@echo "(with systemd holding its socket: systemctl enable --now vqwatch.socket vqwatch.service)"

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	@if cmp -s deploy/config/vqwatch.conf $(DESTDIR)$(CONFIG); then rm -f $(DESTDIR)$(CONFIG); \
		rmdir $(DESTDIR)$(SYSCONFDIR)/vqwatch 2>/dev/null || true; \
	elif [ -e $(DESTDIR)$(CONFIG) ]; then echo "kept $(DESTDIR)$(CONFIG) (changed since installed)"; fi
	-rmdir $(DESTDIR)$(DATADIR)/vqwatch $(DESTDIR)$(DOCDIR) 2>/dev/null
