#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Run one QEMU guest for the vqwatch VM harness (tests/vm/run).

Owns the guest's serial console (QEMU `-serial stdio` on pipes) and QMP (a unix
socket).  Reads the guest's markers, performs the scenario's host actions at
their time, and assembles everything into WORK/doc.json for jq assertions.
Standard library only, so that Debian's /usr/bin/python3 is enough.

Guest -> host markers, one per line on the console (written by guest/init):
  @@VQ-INIT ...@@                       /init started
  @@VQ-BEGIN kind name@@ ... @@VQ-END kind name rc=N@@
                                        a captured output (kind: text|json|b64tar)
  @@VQ-SYNC name@@                      guest waits: the host runs actions with
                                        "on": name, then writes "@@go name" back
  @@VQ-STEP-FAIL n: step@@              a guest step failed (guest then stops)
  @@VQ-DONE rc=N@@                      all steps done, guest powers off

Usage: vmrun.py --work DIR --timeout S [--verbose] --kernel K --scenario NAME
                --actions FILE -- QEMU-ARGV...
Exit: 0 when the guest ran every step and every action succeeded; 1 otherwise,
with the reason in WORK/error (one line per problem).
"""
import argparse
import base64
import io
import json
import os
import re
import selectors
import signal
import socket
import subprocess
import sys
import tarfile
import time

MARK = re.compile(r"@@VQ-([A-Z-]+)(?: ([^@]*))?@@")


class Failure(Exception):
    pass


class QMP:
    """Minimal synchronous QMP client; events are kept for wait_event()."""

    def __init__(self, path, deadline):
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.sock.connect(path)
                break
            except OSError:
                self.sock.close()
                if time.monotonic() > deadline:
                    raise Failure("cannot connect to QMP socket %s" % path)
                time.sleep(0.05)
        self.buf = b""
        self.events = []
        self.next_id = 0
        self._read()  # greeting
        self.cmd("qmp_capabilities")

    def _read(self, timeout=60.0):
        end = time.monotonic() + timeout
        while b"\n" not in self.buf:
            left = end - time.monotonic()
            if left <= 0:
                raise Failure("QMP: no answer within %.0fs" % timeout)
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                continue
            except OSError as e:
                raise Failure("QMP: %s (QEMU exited?)" % e)
            if not chunk:
                raise Failure("QMP: connection closed (QEMU exited?)")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def cmd(self, execute, arguments=None):
        self.next_id += 1
        msg = {"execute": execute, "id": self.next_id}
        if arguments:
            msg["arguments"] = arguments
        self.sock.sendall(json.dumps(msg).encode() + b"\n")
        while True:
            reply = self._read()
            if "event" in reply:
                self.events.append(reply)
                continue
            if reply.get("id") != self.next_id:
                continue
            if "error" in reply:
                raise Failure("QMP %s %s: %s" % (execute, json.dumps(arguments or {}),
                                                 reply["error"].get("desc")))
            return reply.get("return")

    def wait_event(self, name, match, timeout):
        end = time.monotonic() + timeout
        while True:
            for ev in self.events:
                if ev["event"] == name and all(ev.get("data", {}).get(k) == v
                                               for k, v in match.items()):
                    self.events.remove(ev)
                    return ev
            left = end - time.monotonic()
            if left <= 0:
                raise Failure("QMP: no %s %s within %.0fs" % (name, match, timeout))
            try:
                ev = self._read(timeout=left)
            except Failure:
                continue
            if "event" in ev:
                self.events.append(ev)


def feature_bits():
    """Feature name -> bit number, from the system's Linux uapi headers
    (linux-libc-dev), so that QEMU's decoded feature names can be turned back
    into the masks the guest shows in sysfs."""
    bits = {"VHOST_USER_F_PROTOCOL_FEATURES": 30}  # vhost-user spec; no uapi header
    alias = {}
    inc = "/usr/include/linux"
    for fn in sorted(os.listdir(inc)):
        if not (fn.startswith("virtio_") or fn.startswith("vhost")):
            continue
        with open(os.path.join(inc, fn), errors="replace") as f:
            for m in re.finditer(r"^#define\s+(\w+_F_\w+)\s+(\w+)", f.read(), re.M):
                if m.group(2).isdigit():
                    bits.setdefault(m.group(1), int(m.group(2)))
                else:
                    alias[m.group(1)] = m.group(2)
    for k, v in alias.items():
        if v in bits:
            bits.setdefault(k, bits[v])
    return bits


FEATURE_BITS = None


def features_mask(decoded):
    """QMP's decoded features {dev-features, transports, unknown-dev-features}
    -> ("0x...", [names not found in the headers])."""
    global FEATURE_BITS
    if FEATURE_BITS is None:
        FEATURE_BITS = feature_bits()
    mask = int(decoded.get("unknown-dev-features", 0))
    unmapped = []
    for key in ("transports", "dev-features"):
        for text in decoded.get(key, []):
            name = text.split(":", 1)[0].strip()
            if name in FEATURE_BITS:
                mask |= 1 << FEATURE_BITS[name]
            else:
                unmapped.append(name)
    return "0x%016x" % mask, unmapped


def oracle(qmp):
    """QEMU's own view of every virtio device: status and each queue's indexes.
    host_features (offered) and guest_features (negotiated) are added as hex
    masks next to QEMU's decoded lists."""
    devs = []
    for d in qmp.cmd("x-query-virtio"):
        st = qmp.cmd("x-query-virtio-status", {"path": d["path"]})
        unmapped = []
        for key in ("host-features", "guest-features"):
            if key in st:
                mask, missing = features_mask(st[key])
                st[key.replace("-", "_")] = mask
                unmapped += missing
        st["unmapped_features"] = sorted(set(unmapped))
        queues = []
        for q in range(st.get("num-vqs", 0)):
            queues.append(qmp.cmd("x-query-virtio-queue-status",
                                  {"path": d["path"], "queue": q}))
        devs.append({"path": d["path"], "name": d["name"], "status": st,
                     "queues": queues})
    return devs


class Run:
    def __init__(self, args, qemu_argv):
        self.a = args
        self.qemu_argv = qemu_argv
        self.errors = []
        self.doc = {"scenario": args.scenario, "kernel": args.kernel,
                    "rc": {}, "qmp": {}, "host": []}
        with open(args.actions) as f:
            self.actions = json.load(f)
        self.pending_after = sorted((a for a in self.actions if "after" in a),
                                    key=lambda a: a["after"])
        self.log = open(os.path.join(args.work, "serial.log"), "w")
        self.capture = None  # (kind, name, [lines]) while inside BEGIN/END
        self.done = None
        self.qmp = None
        self.synced = set()

    # -- host actions -------------------------------------------------------
    def act(self, a):
        do = a["do"]
        t0 = time.monotonic()
        if do == "balloon":
            self.qmp.cmd("balloon", {"value": int(a["mib"]) * 1024 * 1024})
        elif do == "device_add":
            self.qmp.cmd("device_add", a["args"])
        elif do == "device_del":
            self.qmp.cmd("device_del", {"id": a["id"]})
            if a.get("wait", True):
                # The guest must release the device (ACPI hotplug): wait for it.
                self.qmp.wait_event("DEVICE_DELETED", {"device": a["id"]},
                                    a.get("timeout", 60))
        elif do == "set_link":
            self.qmp.cmd("set_link", {"name": a["name"], "up": bool(a["up"])})
        elif do == "oracle":
            self.doc["qmp"][a.get("as", "oracle")] = oracle(self.qmp)
        elif do == "qmp":
            ret = self.qmp.cmd(a["execute"], a.get("arguments"))
            if "as" in a:
                self.doc["qmp"][a["as"]] = ret
        elif do == "read_file":
            # A file a QEMU backend wrote in the work dir (e.g. a chardev file).
            with open(os.path.join(self.a.work, a["path"]), errors="replace") as f:
                self.doc.setdefault("files", {})[a.get("as", a["path"])] = f.read()
        elif do == "sleep":
            time.sleep(float(a["s"]))
        else:
            raise Failure("unknown host action %r" % do)
        self.doc["host"].append({"do": do, "at": round(time.monotonic() - self.t_start, 2),
                                 "took": round(time.monotonic() - t0, 2)})
        self.say("[host] %s done" % json.dumps(a))

    def say(self, line):
        self.log.write(line + "\n")
        if self.a.verbose:
            print(line, flush=True)

    # -- serial console -----------------------------------------------------
    def on_line(self, line):
        line = line.rstrip("\r")
        m = MARK.search(line)
        # base64 payloads would bury the log (and its tail shown on failure).
        if not (self.capture is not None and self.capture[0] == "b64tar" and not m):
            self.log.write(line + "\n")
            if self.a.verbose:
                print(line, flush=True)
        if self.capture is not None:
            if m and m.group(1) == "END":
                self.end_capture(m.group(2) or "")
            elif not (m and m.group(1) == "BEGIN"):
                self.capture[2].append(line)
            return
        if "Kernel panic" in line:
            raise Failure("kernel panic: " + line.strip())
        if not m:
            return
        kind, rest = m.group(1), (m.group(2) or "")
        if kind == "BEGIN":
            k, name = rest.split(None, 1)
            self.capture = (k, name, [])
        elif kind == "SYNC":
            self.synced.add(rest)
            for a in self.actions:
                if a.get("on") == rest:
                    self.act(a)
            # Answer on the console: the guest's `read` returns.
            self.qemu.stdin.write(("@@go %s\n" % rest).encode())
            self.qemu.stdin.flush()
        elif kind == "STEP-FAIL":
            self.errors.append("guest step failed: " + rest)
        elif kind == "DONE":
            self.done = rest
            self.done_at = time.monotonic()

    def end_capture(self, rest):
        kind, name, lines = self.capture
        self.capture = None
        m = re.match(r"(\S+) (\S+) rc=(\d+)", rest)
        if not m or (m.group(1), m.group(2)) != (kind, name):
            raise Failure("garbled capture end marker: %r" % rest)
        rc = int(m.group(3))
        self.doc["rc"][name] = rc
        text = "\n".join(lines) + ("\n" if lines else "")
        outdir = os.path.join(self.a.work, "out")
        os.makedirs(outdir, exist_ok=True)
        with open(os.path.join(outdir, name), "w") as f:
            f.write(text)
        if kind == "json":
            try:
                self.doc[name] = json.loads(text)
            except ValueError as e:
                self.doc[name] = None
                self.errors.append("output %r is not valid JSON (%s)" % (name, e))
        elif kind == "b64tar":
            dest = os.path.join(self.a.work, "files", name)
            os.makedirs(dest, exist_ok=True)
            try:
                data = base64.b64decode("".join(lines), validate=False)
                with tarfile.open(fileobj=io.BytesIO(data)) as t:
                    for member in t.getmembers():
                        # The guest is ours, but keep extraction inside dest anyway.
                        if member.name.startswith("/") or ".." in member.name.split("/"):
                            raise Failure("unsafe path in tar %r: %s" % (name, member.name))
                    t.extractall(dest)
                    self.doc[name] = sorted(t.getnames())
            except (ValueError, tarfile.TarError) as e:
                self.errors.append("output %r: cannot decode tar (%s)" % (name, e))
        else:
            self.doc[name] = text
        if rc != 0:
            self.errors.append("guest command %r exited with rc=%d" % (name, rc))

    # -- main loop ----------------------------------------------------------
    def run(self):
        qmp_path = os.path.join(self.a.work, "qmp.sock")
        stderr = open(os.path.join(self.a.work, "qemu.stderr"), "w")
        self.t_start = time.monotonic()
        deadline = self.t_start + self.a.timeout
        self.qemu = subprocess.Popen(self.qemu_argv, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=stderr,
                                     preexec_fn=die_with_parent)
        try:
            self.qmp = QMP(qmp_path, time.monotonic() + 30)
            sel = selectors.DefaultSelector()
            sel.register(self.qemu.stdout, selectors.EVENT_READ)
            pending = b""
            eof = False
            while not eof:
                now = time.monotonic()
                if now > deadline:
                    raise Failure("timeout after %ds" % self.a.timeout)
                if self.done is not None and now > self.done_at + 20:
                    # Steps are done but the guest did not power off: not a
                    # test failure, the results are in.  Stop QEMU ourselves.
                    self.say("[host] guest did not power off within 20s of DONE: killing QEMU")
                    self.qemu.kill()
                while self.pending_after and now - self.t_start >= self.pending_after[0]["after"]:
                    self.act(self.pending_after.pop(0))
                for _key, _ev in sel.select(timeout=0.2):
                    chunk = os.read(self.qemu.stdout.fileno(), 65536)
                    if not chunk:
                        eof = True
                        break
                    pending += chunk
                    while b"\n" in pending:
                        line, pending = pending.split(b"\n", 1)
                        self.on_line(line.decode("utf-8", "replace"))
            if pending:
                self.on_line(pending.decode("utf-8", "replace"))
            self.qemu.wait(timeout=30)
            if self.done is None:
                self.errors.append("guest stopped before finishing its steps "
                                   "(no @@VQ-DONE@@; QEMU exit status %s)" % self.qemu.returncode)
            elif self.done != "rc=0":
                self.errors.append("guest finished with " + self.done)
            for a in self.pending_after:
                self.errors.append("host action never ran: %s" % json.dumps(a))
            for a in self.actions:
                if "on" in a and a["on"] not in self.synced:
                    self.errors.append("host action never ran (no sync %r): %s"
                                       % (a["on"], json.dumps(a)))
        except Failure as e:
            self.errors.append(str(e))
        except Exception as e:  # a harness bug must fail the run, not hide it
            self.errors.append("harness error: %r" % e)
        finally:
            if self.qemu.poll() is None:
                self.qemu.kill()
                self.qemu.wait()
            self.log.close()
        self.doc["elapsed"] = round(time.monotonic() - self.t_start, 2)
        with open(os.path.join(self.a.work, "doc.json"), "w") as f:
            json.dump(self.doc, f, indent=1)
        with open(os.path.join(self.a.work, "error"), "w") as f:
            f.write("".join(e + "\n" for e in self.errors))
        return 1 if self.errors else 0


def die_with_parent():
    """In QEMU's child process: SIGKILL it if this runner dies, however it dies."""
    try:
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def on_signal(signum, _frame):
    # Turn SIGTERM/SIGHUP into an exception so that `finally` stops QEMU.
    raise Failure("interrupted by signal %d" % signum)


def main():
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    p = argparse.ArgumentParser()
    p.add_argument("--work", required=True)
    p.add_argument("--timeout", type=float, required=True)
    p.add_argument("--verbose", action="store_true")
    p.add_argument("--kernel", required=True)
    p.add_argument("--scenario", required=True)
    p.add_argument("--actions", required=True)
    p.add_argument("qemu", nargs=argparse.REMAINDER)
    a = p.parse_args()
    argv = a.qemu[1:] if a.qemu and a.qemu[0] == "--" else a.qemu
    if not argv:
        p.error("no QEMU command line")
    sys.exit(Run(a, argv).run())


if __name__ == "__main__":
    main()
