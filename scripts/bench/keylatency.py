#!/usr/bin/env python3
"""Key-to-screen latency of a full-screen program, measured in a pty.

Runs COMMAND on a fresh pseudo-terminal, waits for a text, plays setup
steps (send keys, wait for a text), then types a marker character COUNT
times and measures, for each, the time from writing it to the pty until
the program has written it back to the screen. The marker (default "¤")
must not appear in anything else the program draws.

    keylatency.py --ready "Print forever" --step "enter=This exact command" \\
        --step "enter=1 running" --step "n=Ctrl-S save" -- ./incident-cockpit open ...

Prints one JSON object (median, p95, max in ms) and a summary line.
Stdlib only, Linux only.
"""

import argparse
import json
import os
import pty
import select
import signal
import statistics
import struct
import sys
import time
import fcntl
import termios

KEYS = {"enter": b"\r", "esc": b"\x1b", "tab": b"\t", "space": b" "}


def key_bytes(k):
    if k in KEYS:
        return KEYS[k]
    if k.startswith("ctrl-") and len(k) == 6:
        return bytes([ord(k[5].lower()) - 96])
    return k.encode()


class Pty:
    def __init__(self, cmd, cols, rows, env):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.environ["TERM"] = "xterm-256color"
            os.environ.update(env)
            os.execvp(cmd[0], cmd)
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.seen = b""

    def read(self, timeout):
        r, _, _ = select.select([self.fd], [], [], timeout)
        if not r:
            return b""
        try:
            data = os.read(self.fd, 1 << 16)
        except OSError:
            return b""
        # Keep a tail only: a flood writes a lot.
        self.seen = (self.seen + data)[-(1 << 16):]
        return data

    def wait_for(self, text, timeout=15.0):
        want = text.encode()
        self.seen = b""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            self.read(0.05)
            if want in self.seen:
                return True
        raise SystemExit(f"keylatency: {text!r} not seen within {timeout}s")

    def send(self, data):
        os.write(self.fd, data)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cols", type=int, default=120)
    ap.add_argument("--rows", type=int, default=40)
    ap.add_argument("--ready", required=True, help="text on screen before the setup steps")
    ap.add_argument("--step", action="append", default=[], help="KEY=TEXT: send KEY, wait for TEXT")
    ap.add_argument("--settle", type=float, default=1.0, help="seconds to wait after the setup")
    ap.add_argument("--marker", default="¤")
    ap.add_argument("--count", type=int, default=50)
    ap.add_argument("--gap", type=float, default=0.1, help="seconds between two keys")
    ap.add_argument("--env", action="append", default=[], help="K=V")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    if not cmd:
        ap.error("no command")
    env = dict(e.split("=", 1) for e in a.env)
    p = Pty(cmd, a.cols, a.rows, env)
    try:
        p.wait_for(a.ready)
        for step in a.step:
            k, _, text = step.partition("=")
            p.send(key_bytes(k))
            p.wait_for(text)
        end = time.monotonic() + a.settle
        while time.monotonic() < end:
            p.read(0.05)
        marker = a.marker.encode()
        lat = []
        for _ in range(a.count):
            # Drain what is pending, so the clock starts with the key.
            while p.read(0):
                pass
            p.seen = b""
            t0 = time.monotonic()
            p.send(marker)
            while marker not in p.seen:
                if time.monotonic() - t0 > 5:
                    raise SystemExit("keylatency: the key was not drawn within 5 s")
                p.read(0.5)
            lat.append((time.monotonic() - t0) * 1000)
            end = time.monotonic() + a.gap
            while time.monotonic() < end:
                p.read(0.01)
    finally:
        try:
            os.killpg(os.getpgid(p.pid), signal.SIGTERM)
        except OSError:
            pass
        os.waitpid(p.pid, 0)
    lat.sort()
    out = {
        "count": len(lat),
        "median_ms": round(statistics.median(lat), 2),
        "p95_ms": round(lat[int(0.95 * (len(lat) - 1))], 2),
        "max_ms": round(lat[-1], 2),
    }
    print(json.dumps(out))
    print(
        f"key to screen over {out['count']} keys: median {out['median_ms']} ms, "
        f"p95 {out['p95_ms']} ms, max {out['max_ms']} ms",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
