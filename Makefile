# SPDX-License-Identifier: GPL-2.0
# vqwatch: one binary, built into build/.
#   make            build build/vqwatch (static; STATIC=0 for a dynamic build)
#   make deps       install build and test dependencies with apt-get
#   make run        deps + build + run the main job on this machine
#   make test       deps + build + every test suite (unit, cli, bpf, vm)
#   make clean      leave the tree as cloned

OUTPUT     := build
ARCH       := $(shell uname -m | sed 's/x86_64/x86/;s/aarch64/arm64/')
CC         ?= gcc
CLANG      ?= clang
BPFTOOL    ?= bpftool
STATIC     ?= 1
WERROR     ?= 1
# BTF that vmlinux.h is generated from.  CO-RE relocates field accesses at
# load time, so a header from this kernel serves 6.1 and 6.12 guests too.
VMLINUX_BTF ?= /sys/kernel/btf/vmlinux
VERSION    := $(shell cat VERSION)

WARN       := -Wall -Wextra $(if $(filter 1,$(WERROR)),-Werror)
CFLAGS     ?= -O2 -g
ALL_CFLAGS := $(CFLAGS) $(WARN) -std=gnu11 -D_GNU_SOURCE -Iinclude -Isrc -I$(OUTPUT) \
	      -DVQWATCH_VERSION='"$(VERSION)"'
# BPF_PROG() declares a ctx parameter that programs need not use.
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) $(WARN) -Wno-unused-parameter \
	      -Iinclude -I$(OUTPUT)
ifeq ($(STATIC),1)
LDFLAGS_ALL := -static $(LDFLAGS)
LIBS        := -l:libbpf.a -l:libelf.a -l:libz.a
else
LDFLAGS_ALL := $(LDFLAGS)
LIBS        := -lbpf -lelf -lz
endif

# Pure logic: linked into the binary and into the unit tests.
CORE_SRCS  := src/virtio_tables.c src/layout.c src/findings.c src/model.c \
	      src/feature_mask.c src/json.c src/report_json.c src/report_text.c src/sysfs.c
CMD_SRCS   := src/cmd_common.c src/cmd_layout.c src/cmd_audit.c src/main.c
# The BPF session; exercised by tests/bpf until `trace` uses it.
SESSION_SRCS := src/session.c
APP_SRCS   := $(CORE_SRCS) $(CMD_SRCS)
BPF_PROGS  := irq
SKELS      := $(patsubst %,$(OUTPUT)/%.skel.h,$(BPF_PROGS))
APP_OBJS   := $(patsubst src/%.c,$(OUTPUT)/%.o,$(APP_SRCS))

# Sub-makes (make test) stay quiet about directories, so that each suite's
# summary line closes its output.
MAKEFLAGS  += --no-print-directory

.DELETE_ON_ERROR:
.SECONDARY:
.PHONY: all deps run test test-unit test-cli test-bpf test-vm clean

all: $(OUTPUT)/vqwatch

$(OUTPUT):
	mkdir -p $@

$(OUTPUT)/vmlinux.h: | $(OUTPUT)
	@test -r $(VMLINUX_BTF) || { echo "vqwatch: $(VMLINUX_BTF) not readable: this kernel has no BTF; set VMLINUX_BTF=FILE" >&2; exit 1; }
	$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c > $@

$(OUTPUT)/%.bpf.o: bpf/%.bpf.c $(wildcard bpf/*.bpf.h include/*.h) $(OUTPUT)/vmlinux.h | $(OUTPUT)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(OUTPUT)/%.skel.h: $(OUTPUT)/%.bpf.o
	$(BPFTOOL) gen skeleton $< > $@

$(OUTPUT)/%.o: src/%.c $(wildcard src/*.h include/*.h) $(SKELS) | $(OUTPUT)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(OUTPUT)/vqwatch: $(APP_OBJS)
	$(CC) $(LDFLAGS_ALL) $^ $(LIBS) -o $@

include tests/tests.mk

# Debian packages for building and for every test suite; one apt-get update.
DEPS := clang llvm bpftool libbpf-dev libelf-dev zlib1g-dev libzstd-dev make gcc pkg-config \
	libcmocka-dev jq valgrind prometheus \
	qemu-system-x86 busybox-static cpio xz-utils kmod iproute2 util-linux linux-libc-dev python3
deps:
	@missing=$$(for p in $(DEPS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "make deps: installing:" $$missing; \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing; \
	else echo "make deps: all packages present"; fi

run: deps
	$(MAKE) all
	./$(OUTPUT)/vqwatch audit

clean:
	rm -rf $(OUTPUT)
