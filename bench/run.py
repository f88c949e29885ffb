#!/usr/bin/env python3
"""Measure sendcli against the speed bars of quality.md, in one run.

    python bench/run.py CASEBOOK_DIR [--skip-peer]

Every figure is a separate subprocess run with SENDCLI_TODAY set (default
2026-11-28), timed by wall clock, its peak memory read from ``os.wait4``'s
rusage of that very child. Each time is shown as seconds and as a ratio to the
**parse floor**: a bare loop of PyYAML's ``CSafeLoader`` over the same files,
measured in the same run. Nothing here fails when a bar is missed: the table
says so. Standard library only; the parse floor runs under the sendcli venv's
Python (which has PyYAML), check-jsonschema in its own venv (--peer-venv,
created with pip if missing; never the sendcli venv).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_VENV = REPO / ".venv"
SCHEMA = REPO / "schemas" / "record.schema.json"
PEER_VENV = Path("/tmp/bench-venv")

#: The bare parse loop, run in a subprocess; prints the loop's own seconds.
FLOOR_SCRIPT = r"""
import os, sys, time, yaml
folder = sys.argv[1]
names = sorted(n for n in os.listdir(folder) if n.endswith(".yaml"))
started = time.perf_counter()
for n in names:
    f = os.path.join(folder, n)
    yaml.load(open(f, 'rb').read(), Loader=yaml.CSafeLoader)
print(time.perf_counter() - started)
"""


@dataclass
class Run:
    seconds: float
    returncode: int
    max_rss_mb: float
    stdout: str
    stderr: str


def run(cmd: list[str], cwd: Path, env: dict[str, str], capture_stdout: bool = False) -> Run:
    """Run one command; wall time and that child's own peak RSS (os.wait4)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                                stdout=out if capture_stdout else subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace") if capture_stdout else ""
        stderr = err.read().decode("utf-8", "replace")
    # ru_maxrss is in KiB on Linux (bytes on macOS).
    rss = usage.ru_maxrss / 1024 if sys.platform != "darwin" else usage.ru_maxrss / 1_048_576
    return Run(seconds, proc.returncode, rss, stdout, stderr)


def best_of(times: int, cmd: list[str], cwd: Path, env: dict[str, str]) -> Run:
    return min((run(cmd, cwd, env) for _ in range(times)), key=lambda r: r.seconds)


def last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:100] if lines else ""


def ensure_peer(venv: Path) -> Path | None:
    """check-jsonschema in its own venv, installed with pip if missing."""
    exe = venv / "bin" / "check-jsonschema"
    if exe.exists():
        return exe
    print(f"installing check-jsonschema into {venv} (never into the sendcli venv) ...", file=sys.stderr)
    try:
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "check-jsonschema"], check=True)
    except (OSError, subprocess.CalledProcessError) as error:
        print(f"could not install check-jsonschema ({error}); run: python3 -m venv {venv} && "
              f"{venv}/bin/pip install check-jsonschema", file=sys.stderr)
        return None
    return exe if exe.exists() else None


def batches(paths: list[str], limit: int) -> list[list[str]]:
    """Split a file list so no command line passes ``limit`` bytes."""
    out: list[list[str]] = [[]]
    size = 0
    for path in paths:
        if out[-1] and size + len(path) + 1 > limit:
            out.append([])
            size = 0
        out[-1].append(path)
        size += len(path) + 1
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Speed figures of quality.md for one casebook, in one run.")
    parser.add_argument("casebook", type=Path, help="a casebook folder (sendcli.yaml and records/)")
    parser.add_argument("--skip-peer", action="store_true", help="do not run check-jsonschema")
    parser.add_argument("--today", default="2026-11-28", help="SENDCLI_TODAY for every run (default 2026-11-28)")
    parser.add_argument("--venv", type=Path, default=DEFAULT_VENV,
                        help=f"the venv with sendcli and PyYAML (default {DEFAULT_VENV})")
    parser.add_argument("--peer-venv", type=Path, default=PEER_VENV,
                        help=f"a separate venv for check-jsonschema (default {PEER_VENV})")
    args = parser.parse_args(argv)

    casebook = args.casebook.resolve()
    records_dir = casebook / "records"
    if not (casebook / "sendcli.yaml").is_file() or not records_dir.is_dir():
        parser.error(f"{casebook} is not a casebook (sendcli.yaml and records/ expected)")
    python = str(args.venv / "bin" / "python")
    sendcli = str(args.venv / "bin" / "sendcli")
    env = dict(os.environ, SENDCLI_TODAY=args.today)
    env.pop("SENDCLI_ROOT", None)

    names = sorted(n for n in os.listdir(records_dir) if n.endswith(".yaml"))
    total_bytes = 0
    for name in names:  # read everything once: every run below finds the files in the page cache
        with open(records_dir / name, "rb") as handle:
            total_bytes += len(handle.read())
    n = len(names)
    print(f"casebook {casebook}: {n} records, {total_bytes / 1e6:.1f} MB, "
          f"{total_bytes / max(n, 1) / 1024:.1f} KB average")
    print(f"machine: {os.cpu_count()} CPUs, {platform.system()} {platform.release()}, "
          f"Python {platform.python_version()}; SENDCLI_TODAY={args.today}; "
          f"load average {os.getloadavg()[0]:.1f}\n", flush=True)

    def step(label: str) -> None:
        print(f"  ... {label}", file=sys.stderr, flush=True)

    # -- the parse floor --------------------------------------------------------------
    def measure_floor() -> tuple[float, Run] | None:
        r = run([python, "-c", FLOOR_SCRIPT, str(records_dir)], casebook, env, capture_stdout=True)
        try:
            return float(r.stdout.strip()), r
        except ValueError:
            print(f"the parse floor failed: {last_line(r.stderr)}", file=sys.stderr)
            return None

    step("parse floor (CSafeLoader loop), first of two")
    measured = measure_floor()
    if measured is None:
        return 2
    floor_first, floor_run = measured

    # -- the peer -------------------------------------------------------------------------
    peer: Run | None = None
    peer_note = ""
    if not args.skip_peer:
        exe = ensure_peer(args.peer_venv)
        if exe is None:
            peer_note = "not installed"
        else:
            step("check-jsonschema")
            limit = min(os.sysconf("SC_ARG_MAX") // 4, 1_000_000) if hasattr(os, "sysconf") else 100_000
            parts = batches([f"records/{name}" for name in names], limit)
            seconds, rc, rss, errs = 0.0, 0, 0.0, ""
            for part in parts:
                r = run([str(exe), "--schemafile", str(SCHEMA), *part], casebook, env, capture_stdout=True)
                seconds += r.seconds
                rc = rc or r.returncode
                rss = max(rss, r.max_rss_mb)
                errs = errs or (last_line(r.stdout) if r.returncode else "")
            peer = Run(seconds, rc, rss, "", errs)
            peer_note = f"{len(parts)} batch{'es' * (len(parts) > 1)}, exit {rc}" + (f": {errs}" if rc else "")

    # -- sendcli ------------------------------------------------------------------------------
    cache = casebook / ".sendcli"
    if cache.is_dir() and not cache.is_symlink():
        shutil.rmtree(cache)
    elif cache.exists() or cache.is_symlink():
        cache.unlink()
    step("cold sendcli check")
    cold = run([sendcli, "check"], casebook, env)
    step("warm sendcli check")
    warm = run([sendcli, "check"], casebook, env)
    step("sendcli due (first run after check)")
    due_first = run([sendcli, "due"], casebook, env)
    step("warm sendcli due")
    due_warm = run([sendcli, "due"], casebook, env)
    step("startup (best of 5)")
    version = best_of(5, [sendcli, "--version"], casebook, env)
    bare = best_of(5, [python, "-c", "pass"], casebook, env)
    startup = version.seconds
    step("parse floor, second of two")
    measured = measure_floor()
    floor_last = measured[0] if measured else floor_first
    # The lower of the two: the stricter bar, and less exposed to a busy machine.
    floor = min(floor_first, floor_last)

    # -- the table ------------------------------------------------------------------------------
    rows: list[tuple[str, str, str, str, str]] = []

    def ratio(seconds: float) -> str:
        return f"{seconds / floor:.2f}x" if floor > 0 else "-"

    def verdict(ok: bool | None) -> str:
        return "-" if ok is None else ("met" if ok else "NOT MET")

    def note_rc(r: Run, ok_codes: tuple[int, ...] = (0,)) -> str:
        return "" if r.returncode in ok_codes else f"  [exit {r.returncode}: {last_line(r.stderr)}]"

    rows.append(("parse floor (CSafeLoader loop)", f"{floor:.2f} s", "1.00x",
                 f"{floor / max(n, 1) * 1000:.2f} ms/record", "-"))
    if peer is not None:
        speedup = peer.seconds / cold.seconds if cold.seconds else 0.0
        rows.append(("check-jsonschema (peer)", f"{peer.seconds:.2f} s", ratio(peer.seconds),
                     f"cold check >= 6x faster (is {speedup:.1f}x)", verdict(speedup >= 6)))
    else:
        rows.append(("check-jsonschema (peer)", "skipped", "-", "cold check >= 6x faster",
                     "-" if args.skip_peer else "not run"))
    rows.append(("cold sendcli check", f"{cold.seconds:.2f} s", ratio(cold.seconds),
                 f"<= 1.0x floor ({floor:.2f} s)", verdict(cold.seconds <= floor)))
    warm_bar = startup + 0.15 * floor
    rows.append(("warm sendcli check", f"{warm.seconds:.2f} s", ratio(warm.seconds),
                 f"<= startup + 0.15x floor ({warm_bar:.2f} s)", verdict(warm.seconds <= warm_bar)))
    rows.append(("sendcli due, first after check", f"{due_first.seconds:.2f} s", ratio(due_first.seconds),
                 "(for information)", "-"))
    rows.append(("warm sendcli due", f"{due_warm.seconds:.2f} s", ratio(due_warm.seconds),
                 f"<= startup + 0.15x floor ({warm_bar:.2f} s)", verdict(due_warm.seconds <= warm_bar)))
    rows.append(("startup: sendcli --version", f"{version.seconds:.3f} s", "-",
                 f"<= python -c pass + 0.15 s (is +{version.seconds - bare.seconds:.3f} s)",
                 verdict(version.seconds - bare.seconds <= 0.15)))
    rows.append(("startup: python -c pass", f"{bare.seconds:.3f} s", "-", "(baseline)", "-"))
    rows.append(("peak RSS, cold check", f"{cold.max_rss_mb:.0f} MB", "-",
                 "<= 200 MB at 25,000 records", verdict(cold.max_rss_mb <= 200)))
    rows.append(("peak RSS, warm check", f"{warm.max_rss_mb:.0f} MB", "-", "(for information)", "-"))
    rows.append(("peak RSS, parse floor", f"{floor_run.max_rss_mb:.0f} MB", "-", "(for information)", "-"))

    headers = ("figure", "measured", "x floor", "bar (quality.md)", "result")
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]

    def line(cells) -> str:
        return "  ".join(c.ljust(w) if i in (0, 3) else c.rjust(w) if i in (1, 2) else c
                         for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

    print(line(headers))
    print(line(["-" * w for w in widths]))
    for r in rows:
        print(line(r))

    notes = []
    for label, r in (("cold check", cold), ("warm check", warm), ("due (first)", due_first), ("due (warm)", due_warm),
                     ("--version", version)):
        if r.returncode != 0:
            notes.append(f"{label}: exit {r.returncode}: {last_line(r.stderr)}")
    notes.append(f"parse floor: {floor_first:.2f} s at the start, {floor_last:.2f} s at the end; the lower is used")
    if peer_note:
        notes.append(f"check-jsonschema: {peer_note}")
    notes.append(f"cold check said: {last_line(cold.stderr)}")
    if n < 25000:
        notes.append(f"the memory bar is for 25,000 records; this casebook has {n:,} "
                     f"(a streaming check stays flat as N grows)")
    print()
    for note in notes:
        print(f"note: {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
