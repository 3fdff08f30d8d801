# SPDX-License-Identifier: GPL-2.0
# Test suites, included by the top-level Makefile.
#   unit  tests/unit/test_*.c: cmocka, pure logic, built with ASan + UBSan;
#         and tests/caps/test_*.c: the session's hook table against the BPF
#         objects it names, opened (never loaded: no privileges needed)
#   cli   tests/cli/run: the binary's exit codes, text and JSON (jq), on
#         fixtures; then once more under valgrind
#   ship  tests/ship/run: what make install ships: man page and bash
#         completion in sync with the option tables, man rendering, install
#         and uninstall, systemd-analyze verify on the unit, sd_notify
#   prom  tests/prom/run: `vqwatch metrics` through promtool check metrics
#         (natively as root with BPF, unprivileged, on fixtures)
#   daemon tests/daemon/run: `vqwatch daemon` on loopback: HTTP (curl), a
#         real Prometheus scraping it, hostile clients, bad configuration,
#         textfile, signals, devices leaving
#         then tests/dashboard/run: deploy/grafana/vqwatch.json's structure
#         (jq) and every panel's query through a real Prometheus scraping the
#         daemon natively and a saved guest scrape
#   bpf   tests/bpf/test_*.c: the BPF session on this machine's kernel (root),
#         and tests/bpf/trace-native: `vqwatch trace` as a user runs it
#   vm    tests/vm/run: QEMU guests on Debian 6.1 and 6.12 cloud kernels, x86-64
#         and arm64 (the arm64 binary is cross-built for those)

TEST_OUT    := $(OUTPUT)/tests
SAN_FLAGS   := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
UNIT_CFLAGS := -O1 -g $(WARN) -std=gnu11 -D_GNU_SOURCE -Iinclude -Isrc -I$(OUTPUT) \
	       -DVQWATCH_VERSION='"$(VERSION)"' $(SAN_FLAGS)
UNIT_TESTS  := $(patsubst tests/unit/%.c,$(TEST_OUT)/%,$(wildcard tests/unit/test_*.c))
BPF_TESTS   := $(patsubst tests/bpf/%.c,$(TEST_OUT)/%,$(wildcard tests/bpf/test_*.c))
TABLE_TESTS := $(patsubst tests/caps/%.c,$(TEST_OUT)/%,$(wildcard tests/caps/test_*.c))

$(TEST_OUT):
	mkdir -p $@

# Each unit test links the pure core, sanitized, with cmocka.
$(TEST_OUT)/test_%: tests/unit/test_%.c $(CORE_SRCS) $(WEB_SRCS) $(wildcard src/*.h include/*.h) | $(TEST_OUT)
	$(CC) $(UNIT_CFLAGS) $< $(CORE_SRCS) $(WEB_SRCS) -lcmocka -lz $(WEB_LIBS) -o $@

# The hook table's tests link the session and the skeletons too, sanitized:
# they only open the embedded objects, so they run unprivileged, first.
$(TEST_OUT)/test_%: tests/caps/test_%.c $(SESSION_SRCS) $(CORE_SRCS) $(SKELS) $(wildcard src/*.h include/*.h) | $(TEST_OUT)
	$(CC) $(UNIT_CFLAGS) $< $(SESSION_SRCS) $(CORE_SRCS) -lcmocka -lbpf -lelf -lz -o $@

# BPF tests link the session and the skeletons (dynamic: they run on the host).
$(TEST_OUT)/test_%: tests/bpf/test_%.c $(SESSION_SRCS) $(CORE_SRCS) $(SKELS) | $(TEST_OUT)
	$(CC) $(ALL_CFLAGS) $< $(SESSION_SRCS) $(CORE_SRCS) -lbpf -lelf -lz -o $@

# Every suite runs; the target fails if any did.
# The same BPF tests, static, for the busybox guests of the VM suite.
$(TEST_OUT)/%.static: tests/bpf/%.c $(SESSION_SRCS) $(CORE_SRCS) $(SKELS) | $(TEST_OUT)
	$(CC) $(ALL_CFLAGS) -static $< $(SESSION_SRCS) $(CORE_SRCS) -l:libbpf.a -l:libelf.a -l:libz.a -o $@

test-unit: $(UNIT_TESTS) $(TABLE_TESTS)
	@rc=0; for t in $(UNIT_TESTS) $(TABLE_TESTS); do echo "== $$t"; $$t || rc=1; done; exit $$rc

test-cli: $(OUTPUT)/vqwatch
	tests/cli/run $(OUTPUT)/vqwatch
	VALGRIND=1 tests/cli/run $(OUTPUT)/vqwatch
	tests/cli/selftest $(OUTPUT)/vqwatch

.PHONY: test-ship
test-ship: $(OUTPUT)/vqwatch
	tests/ship/run $(OUTPUT)/vqwatch

.PHONY: test-prom
test-prom: $(OUTPUT)/vqwatch
	tests/prom/run $(OUTPUT)/vqwatch

.PHONY: test-daemon
test-daemon: $(OUTPUT)/vqwatch
	tests/daemon/run $(OUTPUT)/vqwatch
	tests/dashboard/run $(OUTPUT)/vqwatch

test-bpf: $(BPF_TESTS) $(OUTPUT)/vqwatch
	@rc=0; for t in $(BPF_TESTS); do echo "== $$t"; $$t || rc=1; done; \
	echo "== tests/bpf/trace-native"; tests/bpf/trace-native $(OUTPUT)/vqwatch || rc=1; \
	echo "== tests/bpf/devread-native"; tests/bpf/devread-native $(OUTPUT)/vqwatch || rc=1; \
	echo "== tests/bpf/pin-native"; tests/bpf/pin-native $(OUTPUT)/vqwatch || rc=1; exit $$rc

# First prove that the harness fails broken scenarios, then run the real ones.
# Scenarios with arm64 guests ("arches") need the arm64 build too: it is made
# (make ARCH=arm64, into build/arm64/) only when some scenario has one.
VM_ARM64 := $(shell jq -s 'map(.arches // []) | flatten | index("arm64") != null' tests/vm/scenarios/*.json 2>/dev/null)
VM_ARM64_BIN := build/arm64/vqwatch
.PHONY: vm-arm64-bin
vm-arm64-bin:
	$(MAKE) ARCH=arm64 all
test-vm: $(OUTPUT)/vqwatch $(BPF_TESTS:=.static) $(if $(filter true,$(VM_ARM64)),vm-arm64-bin)
	VQWATCH_BIN=$(OUTPUT)/vqwatch tests/vm/run --self-test
	VQWATCH_BIN=$(OUTPUT)/vqwatch VQWATCH_GUEST_BINS="$(BPF_TESTS:=.static)" \
		$(if $(filter true,$(VM_ARM64)),VQWATCH_BIN_ARM64=$(VM_ARM64_BIN) )tests/vm/run

# make bench: a benchmark, not a test (see tests/bench/vq-bench); natively,
# then in 6.1 and 6.12 guests.  The empty baseline programs never ship in vqwatch.
BENCH_HOOKS := $(TEST_OUT)/bench_hooks
$(BENCH_HOOKS): tests/bench/bench_hooks.c $(OUTPUT)/bench.skel.h | $(TEST_OUT)
	$(CC) $(ALL_CFLAGS) $< -lbpf -lelf -lz -o $@
$(BENCH_HOOKS).static: tests/bench/bench_hooks.c $(OUTPUT)/bench.skel.h | $(TEST_OUT)
	$(CC) $(ALL_CFLAGS) -static $< -l:libbpf.a -l:libelf.a -l:libz.a -o $@

# The peer, a libbpf port of bcc's virtiostat (tests/bench/virtiostat.bpf.c):
# built only here, for make bench, never in vqwatch nor make test.
VIRTIOSTAT := $(TEST_OUT)/virtiostat
$(OUTPUT)/virtiostat.bpf.o: tests/bench/virtiostat.bpf.c tests/bench/virtiostat.h $(VMLINUX_H) | $(OUTPUT)
	$(CLANG) $(BPF_CFLAGS) -Itests/bench -c $< -o $@.tmp
	$(LLVM_STRIP) -g $@.tmp -o $@
	rm -f $@.tmp
$(VIRTIOSTAT): tests/bench/virtiostat.c tests/bench/virtiostat.h $(OUTPUT)/virtiostat.skel.h | $(TEST_OUT)
	$(CC) $(ALL_CFLAGS) -Itests/bench $< -lbpf -lelf -lz -o $@
$(VIRTIOSTAT).static: tests/bench/virtiostat.c tests/bench/virtiostat.h $(OUTPUT)/virtiostat.skel.h | $(TEST_OUT)
	$(CC) $(ALL_CFLAGS) -Itests/bench -static $< -l:libbpf.a -l:libelf.a -l:libz.a -o $@

.PHONY: bench
bench: $(OUTPUT)/vqwatch $(BENCH_HOOKS) $(BENCH_HOOKS).static $(VIRTIOSTAT) $(VIRTIOSTAT).static
	tests/bench/vq-bench $(OUTPUT)/vqwatch $(BENCH_HOOKS) /var/tmp/vqwatch-bench.img 20000 $(VIRTIOSTAT)
	rm -f /var/tmp/vqwatch-bench.img
	$(MAKE) bench-daemon
	VQWATCH_BIN=$(OUTPUT)/vqwatch VQWATCH_GUEST_BINS="$(BENCH_HOOKS).static $(VIRTIOSTAT).static tests/bench/vq-bench" \
		tests/vm/run -v tests/bench/guest-blk.json

# make bench-daemon: the daemon with 1,000 queues natively (render time,
# RSS, idle CPU; see tests/bench/daemon-bench), about 2.5 minutes.
FILL_PINS := $(TEST_OUT)/fill_pins
$(FILL_PINS): tests/bench/fill_pins.c $(wildcard include/*.h) | $(TEST_OUT)
	$(CC) $(ALL_CFLAGS) $< -lbpf -lelf -lz -o $@

.PHONY: bench-daemon
bench-daemon: $(OUTPUT)/vqwatch $(FILL_PINS)
	tests/bench/daemon-bench $(OUTPUT)/vqwatch $(FILL_PINS) 1000 60 50

# Dependencies first, then every suite; stops at the first failing suite.
test: deps
	$(MAKE) all
	$(MAKE) test-unit
	$(MAKE) test-cli
	$(MAKE) test-ship
	$(MAKE) test-prom
	$(MAKE) test-daemon
	$(MAKE) test-bpf
	$(MAKE) test-vm
