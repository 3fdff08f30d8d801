#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Hostile clients against a running `vqwatch daemon`, bounded in count and
time, while an honest client keeps asking for /metrics.

    tests/daemon/hostile.py HOST PORT PID [--quick]

--quick leaves out "slow" (it waits for the daemon's 10 s header deadline).

Cases (each prints "ok NAME" or "FAIL NAME: why"; exit 1 if any failed):
  flood      300 connections opened and left silent (more than the daemon's
             128): /metrics still answers 200, and the daemon's open sockets
             return to what they were once the flood is closed
  slow       5 clients that send half a request line and stall, 3 that send
             one header byte per second: /metrics still answers while they
             wait; each is disconnected by the daemon within 15 s
  oversized  a request with 16 KiB of headers: answered 413 (or closed),
             never 200; /metrics still answers
  garbage    a line that is not HTTP, and a request whose body is larger than
             the limit: not a 200; /metrics still answers
"""
import os
import socket
import sys
import time

HOST, PORT, PID = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
failed = []


def result(name, why):
    if why:
        failed.append(name)
        print(f"FAIL {name}: {why}")
    else:
        print(f"ok   {name}")


def connect(timeout=5.0):
    s = socket.create_connection((HOST, PORT), timeout=timeout)
    return s


def get(path="/metrics", timeout=5.0):
    """One honest GET; returns (status, body) or (None, error text)."""
    try:
        with connect(timeout) as s:
            s.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
            data = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        return int(head.split(b" ", 2)[1]), body
    except (OSError, IndexError, ValueError) as e:
        return None, str(e)


def honest_ok():
    status, body = get()
    return status == 200 and b"vqwatch_build_info" in body


def daemon_sockets():
    n = 0
    for fd in os.listdir(f"/proc/{PID}/fd"):
        try:
            if os.readlink(f"/proc/{PID}/fd/{fd}").startswith("socket:"):
                n += 1
        except OSError:
            pass
    return n


def wait_closed(sock, deadline):
    """True when the peer closed (EOF or reset) before the deadline."""
    sock.settimeout(0.5)
    while time.monotonic() < deadline:
        try:
            if sock.recv(4096) == b"":
                return True
        except socket.timeout:
            continue
        except OSError:
            return True
    return False


def read_status(sock, timeout=5.0):
    sock.settimeout(timeout)
    data = b""
    try:
        while b"\r\n" not in data:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
    except OSError:
        pass
    try:
        return int(data.split(b" ", 2)[1])
    except (IndexError, ValueError):
        return None  # closed without a status line


def t_flood():
    why = ""
    before = daemon_sockets()
    flood = []
    try:
        for _ in range(300):
            flood.append(connect())
    except OSError as e:
        why += f"could only open {len(flood)} connections ({e}); "
    time.sleep(0.5)
    if not honest_ok():
        why += "GET /metrics failed during the flood; "
    for s in flood:
        s.close()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and daemon_sockets() > before:
        time.sleep(0.2)
    if daemon_sockets() > before:
        why += f"the daemon holds {daemon_sockets()} sockets after the flood, {before} before; "
    result("flood", why)


def t_oversized():
    why = ""
    with connect() as s:
        try:
            s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n" +
                      b"".join(b"X-Pad-%d: %s\r\n" % (i, b"a" * 1000) for i in range(16)) + b"\r\n")
        except OSError:
            pass  # closed mid-send: refused, good
        status = read_status(s)
    if status == 200:
        why += "16 KiB of headers answered 200; "
    if not honest_ok():
        why += "GET /metrics failed after; "
    result(f"oversized (status {status})", why)


def t_garbage():
    why = ""
    with connect() as s:
        s.sendall(b"\x16\x03\x01 not http at all\r\n\r\n")
        status = read_status(s)
    if status == 200:
        why += "garbage answered 200; "
    with connect() as s:
        try:
            s.sendall(b"POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n" + b"a" * 65536)
        except OSError:
            pass
        status2 = read_status(s)
    if status2 == 200:
        why += "a 1 MB body answered 200; "
    if not honest_ok():
        why += "GET /metrics failed after; "
    result(f"garbage (status {status}, big body {status2})", why)


def t_slow():
    why = ""
    stalled = [connect() for _ in range(5)]
    for s in stalled:
        s.sendall(b"GET /metri")
    drips = [connect() for _ in range(3)]
    start = time.monotonic()
    deadline = start + 15
    open_drips = list(drips)
    while time.monotonic() < start + 3:
        for s in list(open_drips):
            try:
                s.sendall(b"G" if time.monotonic() - start < 1 else b"x")
            except OSError:
                open_drips.remove(s)
        time.sleep(1)
    if not honest_ok():
        why += "GET /metrics failed while slow clients waited; "
    # keep dripping, and watch every one of them get closed
    while open_drips and time.monotonic() < deadline:
        for s in list(open_drips):
            try:
                s.sendall(b"x")
            except OSError:
                open_drips.remove(s)
        time.sleep(1)
    if open_drips:
        why += f"{len(open_drips)} dripping clients still open after 15 s; "
    still = sum(1 for s in stalled if not wait_closed(s, deadline))
    if still:
        why += f"{still} stalled clients still open after 15 s; "
    for s in stalled + drips:
        s.close()
    result(f"slow (all closed after {time.monotonic() - start:.0f} s)", why)


t_flood()
t_oversized()
t_garbage()
if "--quick" not in sys.argv[4:]:
    t_slow()
sys.exit(1 if failed else 0)
