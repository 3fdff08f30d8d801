#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Keep vqwatch's man page, bash completion and help in sync with the
option tables the binary parses (as bpftool's test_bpftool_synctypes.py
does for bpftool's docs and completion).

  tests/ship/sync.py ROOT BIN

The truth is the source: the commands of main.c's table, each command's
getopt_long table (long names, whether each takes a value) and optstring
(short forms), and the global options main.c's dispatch compares.  Checked
against them:
  man    docs/vqwatch.8: each ".SS vqwatch CMD" subsection's .TP options,
         long and short, exactly; each ".SY" synopsis block's options
         (all but --help), exactly; the global options under OPTIONS;
         a subsection per command, nothing more
  compl  deploy/bash-completion/vqwatch, run in bash: what it offers after
         "vqwatch CMD -" (exactly the long options), after each option that
         takes a value (no option names), after "vqwatch -" and "vqwatch ";
         the values of --mode and --fail-on against the binary's own lists
  help   `vqwatch help CMD` names every long option but --help
One line per check, "ok" or "FAIL: why"; exit 1 if any failed.
"""
import os
import re
import subprocess
import sys

ROOT, BIN = sys.argv[1], os.path.realpath(sys.argv[2])
results = []


def check(name, ok, why=""):
    results.append(ok)
    print(f"{'ok  ' if ok else 'FAIL'} {name}" + ("" if ok else f": {why}"))


def diff(have, want):
    """'missing ..., extra ...' between two sets."""
    parts = []
    if want - have:
        parts.append("missing " + " ".join(sorted(want - have)))
    if have - want:
        parts.append("extra " + " ".join(sorted(have - want)))
    return "; ".join(parts)


def read(path):
    with open(os.path.join(ROOT, path), encoding="utf-8") as f:
        return f.read()


# ---- the truth: the sources ----

main_c = read("src/main.c")
commands = re.findall(r'\{\s*"([a-z]+)",\s*(cmd_[a-z_]+),\s*help_[a-z_]+,', main_c)
if not commands:
    sys.exit("sync: no command table found in src/main.c")
dispatch = main_c[main_c.index("static int dispatch("):]
dispatch = dispatch[:dispatch.index("\n}\n")]
global_opts = set(o for o in re.findall(r'strcmp\(argv\[i\], "(-[^"]+)"\)', dispatch))

sources = {f: read(os.path.join("src", f)) for f in os.listdir(os.path.join(ROOT, "src"))
           if f.endswith(".c")}
tables = {}	# cmd -> {"long": {name: takes_value}, "short": {letter: takes_value}}
for cmd, fn in commands:
    files = [f for f, s in sources.items() if re.search(rf"^int {fn}\(", s, re.M)]
    if len(files) != 1:
        sys.exit(f"sync: {fn} is defined in {files or 'no file'}: expected one file")
    src = sources[files[0]]
    opt_tables = re.findall(r"struct option \w+\[\] = \{(.*?)\n\s*\};", src, re.S)
    optstrings = re.findall(r'getopt_long\(argc, argv, "([^"]*)"', src)
    if len(opt_tables) != 1 or len(optstrings) != 1:
        sys.exit(f"sync: {files[0]}: expected one option table and one getopt_long call, "
                 f"found {len(opt_tables)} and {len(optstrings)}: teach tests/ship/sync.py")
    longs = {name: kind != "no_argument" for name, kind in
             re.findall(r'\{\s*"([a-z0-9.-]+)",\s*(\w+_argument)', opt_tables[0])}
    shorts = {}
    spec = optstrings[0].lstrip(":+-")
    for i, c in enumerate(spec):
        if c != ":":
            shorts[c] = i + 1 < len(spec) and spec[i + 1] == ":"
    tables[cmd] = {"long": longs, "short": shorts}

# ---- the man page ----

man = read("docs/vqwatch.8")


def roff_opts(text):
    """Long and short option names in roff text (\\- is a hyphen)."""
    plain = text.replace("\\-", "-")
    longs = set(re.findall(r"(?<![\w-])--([a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*)", plain))
    shorts = set(re.findall(r"(?<![\w-])-([A-Za-z])(?![\w-])", plain))
    return longs, shorts


def tp_items(section):
    """The lines right after each .TP of a section."""
    lines = section.split("\n")
    return [lines[i + 1] for i, l in enumerate(lines[:-1]) if l.strip() == ".TP"]


def sections(text, macro):
    """{title: body} for each `macro TITLE` up to the next .SS or .SH."""
    out = {}
    for m in re.finditer(rf"^{re.escape(macro)} (.+)$", text, re.M):
        end = re.compile(r"^\.SH " if macro == ".SH" else r"^\.S[SH] ", re.M).search(text, m.end())
        out[m.group(1).strip().strip('"')] = text[m.end():end.start() if end else len(text)]
    return out


sh = sections(man, ".SH")
ss = sections(sh.get("COMMANDS", ""), ".SS")
man_cmds = {t.split()[1] for t in ss if t.startswith("vqwatch ")}
check("man: a subsection per command", man_cmds == {c for c, _ in commands} | {"help"},
      diff(man_cmds, {c for c, _ in commands} | {"help"}))

synopses = {}
for m in re.finditer(r'^\.SY "?vqwatch ([a-z]+)"?\n(.*?)^\.YS', man, re.M | re.S):
    synopses[m.group(1)] = m.group(2)

for cmd, _ in commands:
    want_long = set(tables[cmd]["long"])
    want_short = set(tables[cmd]["short"])
    body = ss.get(f"vqwatch {cmd}", "")
    have_long, have_short = set(), set()
    for item in tp_items(body):
        l, s = roff_opts(item)
        have_long |= l
        have_short |= s
    check(f"man: {cmd}: long options", have_long == want_long, diff(have_long, want_long))
    check(f"man: {cmd}: short options", have_short == want_short, diff(have_short, want_short))
    # an option that takes a value shows one (.BI "... " VALUE), a flag none
    bad = []
    for item in tp_items(body):
        l, _ = roff_opts(item)
        for name in l & want_long:
            if tables[cmd]["long"][name] != item.startswith(".BI"):
                bad.append(name)
    check(f"man: {cmd}: values shown for exactly the options that take one", not bad,
          "wrong for " + " ".join(sorted(bad)))
    syn_long, _ = roff_opts(synopses.get(cmd, ""))
    check(f"man: {cmd}: synopsis", syn_long == want_long - {"help"},
          diff(syn_long, want_long - {"help"}))

have_long, have_short = set(), set()
for item in tp_items(sh.get("OPTIONS", "")):
    l, s = roff_opts(item)
    have_long |= {"--" + x for x in l}
    have_short |= {"-" + x for x in s}
check("man: global options", have_long | have_short == global_opts,
      diff(have_long | have_short, global_opts))

# ---- the completion, run in bash ----

COMPLETE = r'''
source "$1"; shift
comp() { COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=(); _vqwatch
         printf '%s\n' "${COMPREPLY[@]}"; }
comp "$@"
'''


def complete(*words):
    out = subprocess.run(["bash", "-c", COMPLETE, "complete",
                          os.path.join(ROOT, "deploy/bash-completion/vqwatch"), BIN, *words],
                         capture_output=True, text=True, check=False)
    if out.returncode or out.stderr:
        return {"<bash failed: " + (out.stderr.strip() or str(out.returncode)) + ">"}
    return set(w for w in out.stdout.split("\n") if w)


want = {c for c, _ in commands} | {"help"}
have = complete("")
check("completion: commands", have == want, diff(have, want))
have = complete("-")
check("completion: global options", have == global_opts, diff(have, global_opts))
for cmd, _ in commands:
    want = {"--" + n for n in tables[cmd]["long"]}
    have = complete(cmd, "-")
    check(f"completion: {cmd}: options", have == want, diff(have, want))
    wrong = []
    for name, takes in sorted(tables[cmd]["long"].items()):
        after = complete(cmd, "--" + name, "-")
        if takes and any(w.startswith("--") for w in after):
            wrong.append(f"--{name} (offers options where its value goes)")
        if not takes and after != want:
            wrong.append(f"--{name} (no options after this flag)")
    check(f"completion: {cmd}: which options take a value", not wrong, "; ".join(wrong))


def listed(args, pattern):
    """The words of a list the binary prints in an error: 'a, b or c'."""
    p = subprocess.run([BIN, *args], capture_output=True, text=True, check=False)
    m = re.search(pattern, p.stderr)
    return set(re.split(r",\s*|\s+or\s+", m.group(1).strip())) if m else {"<no list in: " + p.stderr.strip() + ">"}


for cmd in [c for c, _ in commands if "mode" in tables[c]["long"]]:
    want = listed([cmd, "--mode", "?"], r"expected (.*)$")
    have = complete(cmd, "--mode", "")
    check(f"completion: {cmd} --mode values", have == want, diff(have, want))
for cmd in [c for c, _ in commands if "fail-on" in tables[c]["long"]]:
    want = listed([cmd, "--fail-on", "?"], r"expected (.*)$")
    have = complete(cmd, "--fail-on", "")
    check(f"completion: {cmd} --fail-on values", have == want, diff(have, want))
want = listed(["layout", "--type", "?"], r"known types: (.*)$")
have = complete("layout", "--type", "")
check("completion: --type values", have == want and "balloon" in have, diff(have, want))
have = complete("layout", "--type", "=", "bal")	# bash splits --type=bal so
check("completion: --type=VALUE", have == {"balloon"}, f"got {sorted(have)}")
have = complete("help", "")
check("completion: help COMMAND", have == {c for c, _ in commands},
      diff(have, {c for c, _ in commands}))

# ---- help ----

for cmd, _ in commands:
    p = subprocess.run([BIN, "help", cmd], capture_output=True, text=True, check=False)
    have = set(re.findall(r"(?<![\w-])--([a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*)", p.stdout))
    want = set(tables[cmd]["long"]) - {"help"}
    check(f"help: {cmd} names every option", p.returncode == 0 and want <= have,
          f"exit {p.returncode}; " + diff(have & want, want))

print(f"sync: {len(results)} checks, {results.count(False)} failed")
sys.exit(0 if all(results) else 1)
