#!/usr/bin/env python3
"""Every command against every kind of bad input, with the release binary.

Usage: Tools/hostile-sweep.py VITALS_BIN WORKDIR

Each case runs with a 20 s limit and is judged handled when vitals exits with a documented
code (64, 65, 66, 73, 75, 78), says what is wrong (an `error:` line, or validate's problems),
and leaves the outputs that were there as they were. A crash (a signal, or exit 70/132/134), a hang, exit 0 on bad input,
or a changed output counts as not handled. Prints one line per case and a summary table.
"""
import hashlib
import os
import shutil
import stat
import subprocess
import sys

BIN, WORK = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
shutil.rmtree(WORK, ignore_errors=True)
os.makedirs(WORK)
os.chdir(WORK)


def run(args, timeout=20):
    """Exit code (or "hang") and what vitals said: standard error, then standard output (validate reports there)."""
    try:
        p = subprocess.run([BIN] + args, capture_output=True, text=True, timeout=timeout)
        return p.returncode, p.stderr + p.stdout
    except subprocess.TimeoutExpired:
        return "hang", ""


def digest(path):
    if not os.path.exists(path):
        return None
    if os.path.isfile(path):
        return hashlib.sha256(open(path, "rb").read()).hexdigest()
    out = {}
    for d, _, files in os.walk(path):
        for f in files:
            full = os.path.join(d, f)
            out[os.path.relpath(full, path)] = hashlib.sha256(open(full, "rb").read()).hexdigest()
    return out


# A good book, models and scores to protect.
assert run(["simulate", "--out", "book", "--accounts", "150", "--seed", "3"])[0] == 0
for task in ["churn", "overrun"]:
    code, err = run(["train", "book", "--config", f"{ROOT}/Training/{task}.yaml", "--until", "2025-06-30", "--out", f"{task}.json", "-q"])
    assert code == 0, err
assert run(["score", "book", "--model", "churn.json", "--out", "scores", "-q"])[0] == 0

# Bad things to put where an input belongs.
def make(kind, path):
    if os.path.lexists(path):
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path)
        else:
            os.remove(path)
    if kind == "absent":
        return
    if kind == "directory":
        os.makedirs(path)
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "char device":
        os.symlink("/dev/zero", path)
    elif kind == "dangling link":
        os.symlink(path + ".nowhere", path)
    elif kind == "link loop":
        os.symlink(path, path)
    elif kind == "empty file":
        open(path, "w").close()
    elif kind == "binary noise":
        open(path, "wb").write(os.urandom(200_000))
    elif kind == "huge sparse file":
        with open(path, "wb") as f:
            f.truncate(3 << 30)
    elif kind == "text garbage":
        open(path, "w").write("not,what,you,expect\n\x1b[2J,=1+1,\"open quote\n")


KINDS = ["absent", "directory", "fifo", "char device", "dangling link", "link loop", "empty file", "binary noise", "huge sparse file",
         "text garbage"]
rows = []


def case(label, kind, args, protected, allowed=(64, 65, 66, 73, 75, 78)):
    before = {p: digest(p) for p in protected}
    code, err = run(args)
    after = {p: digest(p) for p in protected}
    changed = [p for p in protected if before[p] != after[p]]
    said = "error" in err.lower() or "problem" in err.lower()
    handled = code in allowed and said and not changed
    verdict = "handled" if handled else "NOT HANDLED"
    rows.append((label, kind, code, verdict))
    print(f"{verdict:12} {label:44} {kind:17} exit {code}  {err.strip().splitlines()[0][:110] if err.strip() else ''}"
          + (f"  changed: {changed}" if changed else ""))


for kind in KINDS:
    # A signals file: copy the book, put the bad thing in place of one file.
    for name in ["accounts.csv", "usage.csv", "tickets.csv", "timesheets.csv"]:
        shutil.rmtree("bad-book", ignore_errors=True)
        shutil.copytree("book", "bad-book")
        make(kind, f"bad-book/{name}")
        if kind == "absent" and name != "accounts.csv":
            continue  # an optional file may be absent
        case(f"validate, {name}", kind, ["validate", "bad-book", "-q"], [])
        case(f"score, {name}", kind, ["score", "bad-book", "--model", "churn.json" if name != "timesheets.csv" else "overrun.json", "--out", "scores", "-q"],
             ["scores"])
    # The signals directory itself.
    make(kind, "bad-dir")
    case("validate, the directory", kind, ["validate", "bad-dir", "-q"], [])
    # A model.
    make(kind, "bad-model.json")
    for command in [["score", "book", "--out", "scores"], ["at-risk", "book"], ["explain", "book", "--account", "A000002"],
                    ["evaluate", "book", "--from", "2025-07-01"]]:
        case(f"{command[0]}, --model", kind, command[:2] + ["--model", "bad-model.json"] + command[2:] + ["-q"], ["scores"])
    # A config.
    make(kind, "bad.yaml")
    case("train, --config", kind, ["train", "book", "--config", "bad.yaml", "--out", "never.json", "-q"], ["churn.json"])
    case("markov, --config", kind, ["markov", "book", "--config", "bad.yaml", "-q"], [])
    # A table.
    make(kind, "bad.csv")
    case("train --table", kind, ["train", "--table", "bad.csv", "--label", "x", "--out", "never.json", "-q"], [])
    # A history.
    make(kind, "bad.sqlite")
    if kind != "absent":
        case("score, --history", kind, ["score", "book", "--model", "churn.json", "--out", "scores", "--history", "bad.sqlite", "-q"], ["scores"])
    case("history, --history", kind, ["history", "--history", "bad.sqlite", "--account", "A000002"], [])
    case("at-risk, --history", kind, ["at-risk", "book", "--model", "churn.json", "--history", "bad.sqlite", "-q"], [])

handled = sum(1 for r in rows if r[3] == "handled")
print(f"\n{len(rows)} cases, {handled} handled, {len(rows) - handled} not handled")
sys.exit(0 if handled == len(rows) else 1)
