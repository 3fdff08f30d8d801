#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The README's offline examples, run: every `$ vqwatch layout ...` or
`$ vqwatch help ...` line in an indented block is run with the built binary
first on PATH (through bash, so pipes to jq work), and what it prints
(stdout and stderr) must be the lines under it, up to the next `$ ` line or
the end of the block.  An expected line ending in "..." matches any line
that starts with what comes before it.  Live commands (audit, trace, ...)
depend on the machine and are not run.

  examples.py PATH/TO/vqwatch FILE.md...
"""
import os
import subprocess
import sys

OFFLINE = ("vqwatch layout", "vqwatch help")


def examples(lines):
    """(line number, command, expected lines) of each offline example."""
    i = 0
    while i < len(lines):
        line = lines[i]
        if not (line.startswith("    $ ") and line[6:].startswith(OFFLINE)):
            i += 1
            continue
        start = i + 1
        cmd = line[6:]
        while cmd.endswith("\\") and i + 1 < len(lines):
            i += 1
            cmd = cmd[:-1] + " " + lines[i].strip()
        i += 1
        out = []
        while i < len(lines) and (lines[i].startswith("    ") or not lines[i].strip()):
            if lines[i].startswith("    $ "):
                break
            out.append(lines[i][4:])
            i += 1
        while out and not out[-1].strip():
            out.pop()
        yield start, cmd, out


def matches(want, got):
    if want.endswith("..."):
        return got.startswith(want[:-3])
    return want == got


def main():
    binary, pages = os.path.realpath(sys.argv[1]), sys.argv[2:]
    env = dict(os.environ, PATH=os.path.dirname(binary) + ":" + os.environ["PATH"])
    failed = n = 0
    for page in pages:
        with open(page) as f:
            lines = f.read().split("\n")
        for start, cmd, want in examples(lines):
            n += 1
            run = subprocess.run(["bash", "-c", cmd.replace("vqwatch ", os.path.basename(binary) + " ", 1)],
                                 env=env, capture_output=True, text=True)
            got = (run.stdout + run.stderr).rstrip("\n").split("\n")
            if len(got) != len(want) or not all(matches(w, g) for w, g in zip(want, got)):
                failed += 1
                print(f"{page}:{start}: `{cmd}` printed something else:")
                for k in range(max(len(want), len(got))):
                    w = want[k] if k < len(want) else "(nothing)"
                    g = got[k] if k < len(got) else "(nothing)"
                    if not matches(w, g):
                        print(f"  page:   {w}\n  binary: {g}")
                        break
    if not n:
        print(f"no offline example found in {' '.join(pages)}")
        return 1
    print(f"{n} examples, {failed} differ")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
