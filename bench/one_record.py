#!/usr/bin/env python3
"""Median wall time of each one-record command, beside bare ``python -c pass``, in one run.

    python bench/one_record.py CASEBOOK_DIR [--repeat 11] [--only show,add-note] [--json]

The casebook is copied to a scratch folder first (the write commands change
records; ``log`` needs git, so the copy is a git repository with one commit),
and the copy is removed at the end. Every command is its own process with
SENDCLI_TODAY set, timed by wall clock; the rounds are interleaved (one run of
each command, then the next round), so a busy moment of a shared machine falls
on every command alike. Bare Python runs in every round too: its median is the
floor no command can go under, and ``over python`` is the command's own cost.

Output: one line a command (label, kind, median, over python, cpu, spread), or with
--json one object a command: ``{"label", "kind", "median", "low", "high",
"cpu", "runs", "failed"}`` and one for ``python -c pass`` (kind ``floor``). ``cpu``
is the median user + system time of the process itself: on a busy machine it
moves less than the wall time, which the bars are set in. Standard
library only; the sendcli and Python of --venv are measured.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_VENV = REPO / ".venv"

#: Records each command can work on (read with the venv's PyYAML): any record; records whose open
#: cycle takes a note (stage do or review); an outcome (assess or plan); an advance (assess, plan, do).
CANDIDATES_SCRIPT = r"""
import json, os, sys, yaml
folder, wanted = sys.argv[1], int(sys.argv[2])
found = {"read": [], "note": [], "outcome": [], "advance": []}
for n in sorted(os.listdir(folder)):
    if not n.endswith(".yaml") or all(len(v) >= wanted for v in found.values()):
        continue
    record = yaml.load(open(os.path.join(folder, n), "rb").read(), Loader=yaml.CSafeLoader)
    if record.get("status") == "closed":
        continue
    cycles = record.get("cycles") or []
    stage = cycles[-1].get("stage") if cycles else None
    kinds = ["read"] + (["note"] if stage in ("do", "review") else [])
    kinds += ["outcome"] if stage in ("assess", "plan") else []
    kinds += ["advance"] if stage in ("assess", "plan", "do") else []
    for kind in kinds:
        if len(found[kind]) < wanted:
            found[kind].append(record["id"])
print(json.dumps(found))
"""

#: label -> (kind, which candidates, the words after `sendcli`, given the target's ID and the round).
COMMANDS = {
    "show": ("read", "read", lambda rid, i: ["show", rid]),
    "show-json": ("read", "read", lambda rid, i: ["show", rid, "--format", "json"]),
    "report": ("read", "read", lambda rid, i: ["report", rid]),
    "log": ("read", "read", lambda rid, i: ["log", rid]),
    "add-note": ("write", "note", lambda rid, i: ["add", "note", rid, "--by", "Test SENCO",
                                                  "--text", f"Bench note {i} (fictional)."]),
    "add-outcome": ("write", "outcome", lambda rid, i: ["add", "outcome", rid, "--area", "cognition-and-learning",
                                                        "--text", f"Bench outcome {i} (fictional)"]),
    "cycle-advance": ("write", "advance", lambda rid, i: ["cycle", "advance", rid]),
    "set": ("write", "read", lambda rid, i: ["set", rid, "needs.summary", f"Bench summary {i} (fictional)"]),
}
#: The second-edition bars: reads and writes.
BARS = {"read": 0.15, "write": 0.20}


def timed(cmd: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (user + system, of that child alone: less moved by other load), exit code."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    return time.perf_counter() - started, usage.ru_utime + usage.ru_stime, os.waitstatus_to_exitcode(status)


def scratch_copy(casebook: Path) -> Path:
    """A copy of the casebook, as a git repository with one commit (for `log`)."""
    folder = Path(tempfile.mkdtemp(prefix="sendcli-one-record-")) / "casebook"
    shutil.copytree(casebook, folder, ignore=shutil.ignore_patterns(".git", ".sendcli"))
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "check": True, "cwd": folder}
    subprocess.run(["git", "init", "-q"], **quiet)
    subprocess.run(["git", "add", "-A"], **quiet)
    subprocess.run(["git", "-c", "user.name=Bench", "-c", "user.email=bench@example.invalid", "commit", "-q",
                    "-m", "bench casebook (fictional)"], **quiet)
    return folder


def median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Median wall time of each one-record command, beside bare Python.")
    parser.add_argument("casebook", type=Path, help="a casebook folder (sendcli.yaml and records/); it is copied")
    parser.add_argument("--repeat", type=int, default=11, help="rounds: processes per command (default 11)")
    parser.add_argument("--only", default=",".join(COMMANDS),
                        help=f"comma-separated labels to measure (default all: {','.join(COMMANDS)})")
    parser.add_argument("--today", default="2026-11-28", help="SENDCLI_TODAY for every run (default 2026-11-28)")
    parser.add_argument("--venv", type=Path, default=DEFAULT_VENV, help=f"the venv with sendcli (default {DEFAULT_VENV})")
    parser.add_argument("--json", action="store_true", help="one JSON object a line instead of the table")
    args = parser.parse_args(argv)
    labels = [label for label in args.only.split(",") if label]
    unknown = [label for label in labels if label not in COMMANDS]
    if unknown:
        parser.error(f"unknown label(s) {', '.join(unknown)}; known: {', '.join(COMMANDS)}")
    source = args.casebook.resolve()
    if not (source / "sendcli.yaml").is_file() or not (source / "records").is_dir():
        parser.error(f"{source} is not a casebook (sendcli.yaml and records/ expected)")

    python = str(args.venv / "bin" / "python")
    sendcli = str(args.venv / "bin" / "sendcli")
    env = dict(os.environ, SENDCLI_TODAY=args.today, NO_COLOR="1")
    env.pop("SENDCLI_ROOT", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # bytecode cached, as an installed sendcli has it
    subprocess.run([python, "-m", "compileall", "-q", str(REPO / "sendcli")], env=env, check=False,
                   stdout=subprocess.DEVNULL)

    casebook = scratch_copy(source)
    try:
        found = json.loads(subprocess.run([python, "-c", CANDIDATES_SCRIPT, str(casebook / "records"),
                                           str(args.repeat)], env=env, capture_output=True, text=True,
                                          check=True).stdout)
        times: dict[str, list[float]] = {"python -c pass": []}
        cpu: dict[str, list[float]] = {"python -c pass": []}
        failed: dict[str, str] = {}
        for label in labels:
            times[label], cpu[label] = [], []
        for round_ in range(args.repeat):
            seconds, cpu_seconds, _ = timed([python, "-c", "pass"], casebook, env)
            times["python -c pass"].append(seconds)
            cpu["python -c pass"].append(cpu_seconds)
            for label in labels:
                kind, candidates, words = COMMANDS[label]
                targets = found[candidates]
                if not targets:
                    failed.setdefault(label, f"no record fits ({candidates})")
                    continue
                # A read or a repeatable write works on the first record; an advance needs a fresh one.
                target = targets[round_ % len(targets)] if label == "cycle-advance" else targets[0]
                seconds, cpu_seconds, code = timed([sendcli, *words(target, round_)], casebook, env)
                if code:
                    failed.setdefault(label, f"exit {code}")
                times[label].append(seconds)
                cpu[label].append(cpu_seconds)
    finally:
        shutil.rmtree(casebook.parent, ignore_errors=True)

    floor = median(times["python -c pass"])
    rows = []
    for label, values in times.items():
        kind = "floor" if label == "python -c pass" else COMMANDS[label][0]
        if not values:
            rows.append({"label": label, "kind": kind, "median": None, "failed": failed.get(label)})
            continue
        rows.append({"label": label, "kind": kind, "median": round(median(values), 4), "low": round(min(values), 4),
                     "high": round(max(values), 4), "cpu": round(median(cpu[label]), 4), "runs": len(values),
                     "failed": failed.get(label)})
    if args.json:
        for row in rows:
            print(json.dumps(row))
        return 0
    print(f"{'command':<16} {'kind':<6} {'median':>8} {'over python':>12} {'cpu':>7}  spread  (load average "
          f"{os.getloadavg()[0]:.1f}, {args.repeat} rounds)")
    for row in rows:
        if row["median"] is None:
            print(f"{row['label']:<16} {row['kind']:<6} {'-':>8} {'-':>12}  {row['failed']}")
            continue
        bar = BARS.get(row["kind"])
        verdict = "" if bar is None else ("  meets" if row["median"] <= bar else f"  MISSES {bar:.2f} s")
        note = f"  FAILED ({row['failed']})" if row["failed"] else ""
        print(f"{row['label']:<16} {row['kind']:<6} {row['median']:>7.3f}s {row['median'] - floor:>11.3f}s "
              f"{row['cpu']:>6.3f}s  "
              f"{row['low']:.3f}-{row['high']:.3f}{verdict}{note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
