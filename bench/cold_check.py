#!/usr/bin/env python3
"""Cold ``sendcli check`` against the parse floor, several rounds, optionally against another source tree.

    python bench/cold_check.py CASEBOOK_DIR [--rounds 5] [--before SOURCE_TREE]

Each round runs, one after the other, the parse floor (bench/run.py's bare
``CSafeLoader`` loop over the same files), a cold ``sendcli check`` (the
cache deleted first) of this tree's venv, and, given ``--before``, a cold
check of the sendcli package in that other source tree (a checkout of an
earlier commit, say ``git archive COMMIT | tar -x -C /tmp/before``) run by
the same venv's Python. Interleaving them means a change of load on a shared
machine falls on all of them alike. It prints every round and then the
medians: wall seconds as a ratio to the floor of the same round (the bar),
and CPU seconds (steadier than the wall clock when others share the
machine), with the load average at the start and at the end. Standard library only (it borrows
bench/run.py's runner and floor); nothing fails when a bar is missed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as bench_run  # noqa: E402 - bench/run.py, beside this file

#: Runs sendcli from the source tree given first, whatever the venv has installed.
FROM_TREE = "import sys; sys.path.insert(0, sys.argv.pop(1)); from sendcli.cli import main; sys.exit(main())"


@dataclass
class Timed:
    seconds: float
    #: User and system CPU seconds of the process and the workers it waited for: on a loaded
    #: machine, a steadier measure of the work than the wall clock.
    cpu: float
    returncode: int
    stdout: str
    stderr: str


def timed(cmd: list[str], cwd: Path, env: dict[str, str]) -> Timed:
    """Run one command: its wall time and its CPU time (``os.wait4``'s rusage of that very child)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        return Timed(seconds, usage.ru_utime + usage.ru_stime, os.waitstatus_to_exitcode(status),
                     out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("casebook", type=Path, help="a casebook folder (sendcli.yaml and records/)")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of floor and cold checks (default 5)")
    parser.add_argument("--before", type=Path, help="another source tree whose sendcli to time alike")
    parser.add_argument("--today", default="2026-11-28", help="SENDCLI_TODAY (default 2026-11-28)")
    parser.add_argument("--venv", type=Path, default=bench_run.DEFAULT_VENV, help="the venv with sendcli")
    args = parser.parse_args(argv)

    casebook = args.casebook.resolve()
    records = casebook / "records"
    if not (casebook / "sendcli.yaml").is_file() or not records.is_dir():
        parser.error(f"{casebook} is not a casebook (sendcli.yaml and records/ expected)")
    if args.before and not (args.before / "sendcli" / "__init__.py").is_file():
        parser.error(f"{args.before} holds no sendcli package")
    python = str(args.venv / "bin" / "python")
    env = dict(os.environ, SENDCLI_TODAY=args.today)
    env.pop("SENDCLI_ROOT", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    trees = [bench_run.REPO] + ([args.before.resolve()] if args.before else [])
    for tree in trees:  # bytecode cached, as for a user (bench/run.py does the same)
        subprocess.run([python, "-m", "compileall", "-q", str(tree / "sendcli")], env=env, check=False,
                       stdout=subprocess.DEVNULL)
    names = [n for n in os.listdir(records) if n.endswith(".yaml")]
    for name in names:  # into the page cache
        (records / name).read_bytes()
    contenders = {"this tree": [str(args.venv / "bin" / "sendcli"), "check"]}
    if args.before:
        contenders["before"] = [python, "-c", FROM_TREE, str(args.before.resolve()), "check"]
    load_start = os.getloadavg()
    print(f"{casebook}: {len(names)} records; {os.cpu_count()} CPUs; load average {load_start[0]:.2f} "
          f"{load_start[1]:.2f} {load_start[2]:.2f}", flush=True)

    floors: list[Timed] = []
    results: dict[str, list[Timed]] = {label: [] for label in contenders}
    for round_number in range(args.rounds):
        floor = timed([python, "-c", bench_run.FLOOR_SCRIPT, str(records)], casebook, env)
        floor.seconds = float(floor.stdout.strip())  # the loop's own time, as bench/run.py takes it
        floors.append(floor)
        line = [f"round {round_number + 1}: floor {floor.seconds:.2f} s ({floor.cpu:.2f} s CPU)"]
        for label, command in contenders.items():
            _drop_cache(casebook / ".sendcli")
            result = timed(command, casebook, env)
            if result.returncode:
                print(f"{label}: exit {result.returncode}: {bench_run.last_line(result.stderr)}", file=sys.stderr)
                return 1
            results[label].append(result)
            line.append(f"{label} {result.seconds:.2f} s = {result.seconds / floor.seconds:.2f}x "
                        f"({result.cpu:.2f} s CPU)")
        print("; ".join(line), flush=True)

    load_end = os.getloadavg()
    floor_seconds = statistics.median(f.seconds for f in floors)
    floor_cpu = statistics.median(f.cpu for f in floors)
    print(f"\nmedians of {args.rounds} rounds: floor {floor_seconds:.2f} s, {floor_cpu:.2f} s CPU "
          f"({floor_cpu / len(names) * 1000:.2f} ms CPU/record)")
    for label, runs in results.items():
        wall = statistics.median(r.seconds for r in runs)
        cpu = statistics.median(r.cpu for r in runs)
        ratios = statistics.median(r.seconds / f.seconds for r, f in zip(runs, floors))
        print(f"  cold check, {label}: {wall:.2f} s = {ratios:.2f}x its round's floor (median of the rounds' "
              f"ratios; {min(r.seconds for r in runs):.2f}-{max(r.seconds for r in runs):.2f} s); "
              f"{cpu:.2f} s CPU = {cpu / len(names) * 1000:.2f} ms CPU/record = {cpu / floor_cpu:.2f}x the floor's CPU")
    print(f"load average at the start {load_start[0]:.2f}, at the end {load_end[0]:.2f} "
          f"(1 min; {os.cpu_count()} CPUs)")
    return 0


def _drop_cache(cache: Path) -> None:
    if cache.is_dir() and not cache.is_symlink():
        shutil.rmtree(cache)
    elif cache.exists() or cache.is_symlink():
        cache.unlink()


if __name__ == "__main__":
    sys.exit(main())
