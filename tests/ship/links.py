#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Every link in README.md and docs/*.md stays inside the repository and
resolves, so that a fresh clone has every page a link names.

  tests/ship/links.py ROOT

Checked, outside code blocks and code spans:
  - inline links and images, [text](target) and ![alt](target), and
    reference definitions, [name]: target;
  - a target is a relative path: a URL (http:, mailto:, ...) or an absolute
    path leaves the repository and is refused;
  - the path, taken from the linking file's directory, must stay under ROOT
    and exist; in a git work tree it must also be a file git would commit
    (tracked, or untracked and not ignored: build/ is not in a clone);
  - a #fragment into a Markdown file must name one of its headings, as
    GitHub makes anchors of them (lower case, punctuation dropped, spaces to
    hyphens, -1, -2, ... for repeats).
One line per file, "ok" or "FAIL FILE:LINE: why"; exit 1 if any failed.
"""
import glob
import os
import re
import subprocess
import sys

ROOT = os.path.realpath(sys.argv[1])
INLINE = re.compile(r"!?\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\(\s*(<[^>]*>|[^)\s]+)(?:\s+\"[^\"]*\")?\s*\)")
REFDEF = re.compile(r"^ {0,3}\[([^\]]+)\]:\s*(<[^>]*>|\S+)")
FENCE = re.compile(r"^ {0,3}(```|~~~)")


def prose_lines(text, blank_spans=True):
    """(line number, line) outside fenced and indented code, code spans
    blanked unless blank_spans is false (headings keep theirs)."""
    fence = None
    for n, line in enumerate(text.split("\n"), 1):
        m = FENCE.match(line)
        if fence:
            if m and m.group(1) == fence:
                fence = None
            continue
        if m:
            fence = m.group(1)
            continue
        # an indented code block: 4 spaces or a tab (README's examples)
        if line.startswith("    ") or line.startswith("\t"):
            continue
        yield n, re.sub(r"(`+)(.+?)\1", lambda s: " " * len(s.group(0)), line) if blank_spans else line


def slug(heading, seen):
    s = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # links: their text
    s = s.replace("`", "").strip().lower()
    s = re.sub(r"[^\w\- ]", "", s)
    s = s.replace(" ", "-")
    n = seen.get(s, 0)
    seen[s] = n + 1
    return s if n == 0 else f"{s}-{n}"


def anchors(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    seen, out = {}, set()
    for _, line in prose_lines(text, blank_spans=False):
        m = re.match(r"^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$", line)
        if m:
            out.add(slug(m.group(1), seen))
    return out


def committable():
    """Paths git would put in a clone, or None outside a git work tree."""
    try:
        out = subprocess.run(["git", "-C", ROOT, "ls-files", "-z", "--cached", "--others",
                              "--exclude-standard"], capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    files = {os.path.join(ROOT, p) for p in out.decode().split("\0") if p}
    dirs = set()
    for f in files:
        d = os.path.dirname(f)
        while d.startswith(ROOT) and d not in dirs:
            dirs.add(d)
            d = os.path.dirname(d)
    return files | dirs


def check_link(src, target, known):
    """Why target (from file src) is not fine, or None."""
    if target.startswith("<") and target.endswith(">"):
        target = target[1:-1]
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", target):
        return "a URL leaves the repository (write it as text, or link a file in the repository)"
    path, _, frag = target.partition("#")
    if path.startswith("/"):
        return "an absolute path leaves the repository"
    dest = os.path.realpath(os.path.join(os.path.dirname(src), path)) if path else src
    if dest != ROOT and not dest.startswith(ROOT + os.sep):
        return f"{path} is outside the repository"
    if not os.path.exists(dest):
        return f"{path} does not exist"
    if known is not None and dest not in known:
        return f"{path} is not a file git would commit (ignored?), so a clone lacks it"
    if frag and dest.endswith(".md") and os.path.isfile(dest) and frag not in anchors(dest):
        return f"#{frag}: no such heading in {os.path.relpath(dest, ROOT)}"
    return None


def main():
    files = [os.path.join(ROOT, "README.md")] + sorted(glob.glob(os.path.join(ROOT, "docs", "*.md")))
    known = committable()
    failed = 0
    for src in files:
        rel = os.path.relpath(src, ROOT)
        if not os.path.exists(src):
            print(f"FAIL {rel}: missing")
            failed += 1
            continue
        with open(src, encoding="utf-8") as f:
            text = f.read()
        links = bad = 0
        for n, line in prose_lines(text):
            found = [m.group(2) for m in INLINE.finditer(line)]
            m = REFDEF.match(line)
            if m:
                found.append(m.group(2))
            for target in found:
                links += 1
                why = check_link(src, target, known)
                if why:
                    print(f"FAIL {rel}:{n}: ({target}): {why}")
                    bad += 1
        if not bad:
            print(f"ok   {rel}: {links} links")
        failed += bad
    print(f"links: {len(files)} files, {failed} broken")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
