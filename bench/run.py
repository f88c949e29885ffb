#!/usr/bin/env python3
"""Measure sendcli against its speed bars (bench/README.md), in one run.

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


@dataclass
class Median:
    """A command run as several processes: the median wall time, the spread, the first failure."""

    seconds: float
    low: float
    high: float
    runs: int
    failed: Run | None

    @property
    def spread(self) -> str:
        return f"{self.low:.3f}-{self.high:.3f} s over {self.runs}"


def median_of(times: int, make_cmd, cwd: Path, env: dict[str, str]) -> Median:
    """``make_cmd(i)`` for i in range(times), each its own process (a write may need a fresh target each time)."""
    runs = [run(make_cmd(i), cwd, env) for i in range(times)]
    seconds = sorted(r.seconds for r in runs)
    middle = seconds[len(seconds) // 2] if len(seconds) % 2 else sum(seconds[len(seconds) // 2 - 1:][:2]) / 2
    return Median(middle, seconds[0], seconds[-1], len(runs), next((r for r in runs if r.returncode), None))


#: Records the one-record commands can work on, found with the sendcli venv's PyYAML (run.py itself
#: stays standard library only): any record to read, records whose open cycle can take a note (stage
#: do or review), records with an open cycle in stage assess, plan or do (advance moves it on), and
#: measured outcomes of an open cycle that can take a reading today ("ID:OUTCOME:VALUE", the value
#: the measure's baseline). Prints four lines.
CANDIDATES_SCRIPT = r"""
import os, sys, yaml
folder, wanted = sys.argv[1], int(sys.argv[2])
found = {"read": [], "note": [], "advance": [], "reading": []}
for n in sorted(os.listdir(folder)):
    if not n.endswith(".yaml") or all(len(v) >= wanted for v in found.values()):
        continue
    record = yaml.load(open(os.path.join(folder, n), "rb").read(), Loader=yaml.CSafeLoader)
    cycles = record.get("cycles") or []
    stage = cycles[-1].get("stage") if cycles else None
    kinds = ["read"] + (["note"] if stage in ("do", "review") else [])
    kinds += ["advance"] if stage in ("assess", "plan", "do") else []
    for kind in kinds:
        if len(found[kind]) < wanted:
            found[kind].append(record["id"])
    measured = [o for o in ((cycles[-1].get("plan") or {}).get("outcomes") or []) if o.get("measure")]
    if stage in ("do", "review") and record.get("status") != "closed" and measured and len(found["reading"]) < wanted:
        found["reading"].append(f"{record['id']}:{measured[0]['id']}:{measured[0]['measure']['baseline']}")
for kind in ("read", "note", "advance", "reading"):
    print(" ".join(found[kind]))
"""


def has_command(sendcli: str, words: list[str], cwd: Path, env: dict[str, str]) -> bool:
    """Whether this sendcli has the command (its --help exits 0)."""
    return run([sendcli, *words, "--help"], cwd, env).returncode == 0


def sample_casebook(casebook: Path, names: list[str], count: int) -> Path:
    """A scratch casebook with the first ``count`` records (same sendcli.yaml), for the per-record renderers."""
    folder = Path(tempfile.mkdtemp(prefix=f"sendcli-bench-{count}-"))
    (folder / "records").mkdir()
    shutil.copy2(casebook / "sendcli.yaml", folder / "sendcli.yaml")
    for name in names[:count]:
        shutil.copy2(casebook / "records" / name, folder / "records" / name)
    return folder


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
    parser = argparse.ArgumentParser(description="Speed figures against the bars of bench/README.md for one casebook, in one run.")
    parser.add_argument("casebook", type=Path, help="a casebook folder (sendcli.yaml and records/)")
    parser.add_argument("--skip-peer", action="store_true", help="do not run check-jsonschema")
    parser.add_argument("--today", default="2026-11-28", help="SENDCLI_TODAY for every run (default 2026-11-28)")
    parser.add_argument("--venv", type=Path, default=DEFAULT_VENV,
                        help=f"the venv with sendcli and PyYAML (default {DEFAULT_VENV})")
    parser.add_argument("--peer-sample", type=int, default=1000,
                        help="run check-jsonschema over this many records and scale its time to the casebook "
                             "(0: all of them; default 1000: it takes about 50 ms a record)")
    parser.add_argument("--repeat", type=int, default=7,
                        help="processes per one-record command and per warm figure; the median is shown (default 7)")
    parser.add_argument("--cold-runs", type=int, default=3,
                        help="cold checks (the cache deleted before each); the median is shown (default 3)")
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
    # As installed for a user: bytecode cached. Without it every run compiles sendcli's modules from
    # source again (about 50 ms), which a user never pays twice.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run([python, "-m", "compileall", "-q", str(REPO / "sendcli")], env=env, check=False,
                   stdout=subprocess.DEVNULL)

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
            sampled = names if not args.peer_sample or args.peer_sample >= n else names[:args.peer_sample]
            parts = batches([f"records/{name}" for name in sampled], limit)
            seconds, rc, rss, errs = 0.0, 0, 0.0, ""
            for part in parts:
                r = run([str(exe), "--schemafile", str(SCHEMA), *part], casebook, env, capture_stdout=True)
                seconds += r.seconds
                rc = rc or r.returncode
                rss = max(rss, r.max_rss_mb)
                errs = errs or (last_line(r.stdout) if r.returncode else "")
            scale = n / len(sampled)
            peer = Run(seconds * scale, rc, rss, "", errs)
            peer_note = f"{len(parts)} batch{'es' * (len(parts) > 1)}, exit {rc}" + (f": {errs}" if rc else "")
            if scale != 1:
                peer_note += (f"; run over the first {len(sampled):,} records ({seconds:.2f} s) and scaled "
                              f"x{scale:.1f} to {n:,}")

    # -- sendcli over the casebook ------------------------------------------------------------
    cache = casebook / ".sendcli"

    def drop_cache() -> None:
        if cache.is_dir() and not cache.is_symlink():
            shutil.rmtree(cache)
        elif cache.exists() or cache.is_symlink():
            cache.unlink()

    colds: list[Run] = []
    for attempt in range(args.cold_runs):
        step(f"cold sendcli check ({attempt + 1} of {args.cold_runs})")
        drop_cache()
        colds.append(run([sendcli, "check"], casebook, env))
    cold = sorted(colds, key=lambda r: r.seconds)[len(colds) // 2]
    step("warm sendcli check")
    warm = median_of(args.repeat, lambda i: [sendcli, "check"], casebook, env)
    warm_rss = run([sendcli, "check"], casebook, env).max_rss_mb
    step("sendcli due (first run after check)")
    due_first = run([sendcli, "due"], casebook, env)
    step("warm sendcli due")
    due_warm = median_of(args.repeat, lambda i: [sendcli, "due"], casebook, env)
    # check keeps no view extracts (a cold check pays nothing for them): the first view after it
    # reads every record once to make them; every view after that finds them.
    view_first = None
    if has_command(sendcli, ["provision-map"], casebook, env):
        step("sendcli provision-map (first view after check)")
        view_first = run([sendcli, "provision-map"], casebook, env)
    over_casebook: list[tuple[str, Median | None]] = []
    for words in (["impact"], ["provision-map"], ["stats"], ["register"]):
        label = f"warm sendcli {' '.join(words)}"
        if not has_command(sendcli, words, casebook, env):
            over_casebook.append((label, None))
            continue
        step(label)
        over_casebook.append((label, median_of(args.repeat, lambda i, w=words: [sendcli, *w], casebook, env)))
    step("startup (median of the repeats)")
    version = median_of(args.repeat, lambda i: [sendcli, "--version"], casebook, env)
    bare = median_of(args.repeat, lambda i: [python, "-c", "pass"], casebook, env)
    startup = version.seconds

    # -- one-record commands -------------------------------------------------------------------
    step("one-record commands")
    found = run([python, "-c", CANDIDATES_SCRIPT, str(records_dir), str(args.repeat)], casebook, env,
                capture_stdout=True)
    lines = (found.stdout.splitlines() + ["", "", "", ""])[:4]
    reads, notes_ok, advances, measured = (line.split() for line in lines)
    one_record: list[tuple[str, str, Median | None, str]] = []  # label, read/write/file, figure, why skipped
    # On a copy of the casebook (its own files and every record; no cache): the writes change the
    # copy, never the casebook measured, so every run of the bench finds the same records.
    work = Path(tempfile.mkdtemp(prefix="sendcli-bench-one-"))
    shutil.copytree(casebook, work / "casebook", ignore=shutil.ignore_patterns(".sendcli", ".git"), symlinks=True)
    work_book = work / "casebook"
    outputs = work / "out"

    def one(label: str, kind: str, targets: list[str], make_cmd, words: list[str], needs: str = "") -> None:
        """``words``: the command, to see it is in this version (and its help says ``needs``)."""
        if len(targets) < args.repeat:
            one_record.append((label, kind, None, f"fewer than {args.repeat} records it applies to"))
            return
        helped = run([sendcli, *words, "--help"], work_book, env, capture_stdout=True)
        if helped.returncode != 0 or needs not in helped.stdout:
            one_record.append((label, kind, None, f"`sendcli {' '.join(words)}{' --format ' + needs if needs else ''}`"
                                                  " is not in this version"))
            return
        step(label)
        one_record.append((label, kind, median_of(args.repeat, lambda i: make_cmd(targets[i]), work_book, env), ""))

    try:
        same = reads[:1] * args.repeat
        one("show ID", "read", same, lambda rid: [sendcli, "show", rid], ["show"])
        one("report ID (html)", "read", same, lambda rid: [sendcli, "report", rid], ["report"])
        one("add note ID", "write", notes_ok,
            lambda rid: [sendcli, "add", "note", rid, "--by", "Test SENCO", "--text", "Bench note (fictional)."],
            ["add", "note"])
        one("add reading ID OUTCOME", "write", measured,
            lambda item: [sendcli, "add", "reading", *item.split(":")[:2], "--value", item.split(":")[2],
                          "--by", "TA"], ["add", "reading"])
        one("set ID needs.summary", "write", same,
            lambda rid: [sendcli, "set", rid, "needs.summary", f"Bench summary (fictional) {time.monotonic_ns()}"],
            ["set"])
        one("cycle advance ID", "write", advances, lambda rid: [sendcli, "cycle", "advance", rid],
            ["cycle", "advance"])
        one("report ID (pdf)", "file", notes_ok,
            lambda rid: [sendcli, "report", rid, "--format", "pdf", "--output", str(outputs / f"{rid}.pdf")],
            ["report"], "pdf")
        one("export ID", "file", reads,
            lambda rid: [sendcli, "export", rid, "--output", str(outputs / f"export-{rid}")], ["export"])
        one("pack ehc-request ID", "file", notes_ok,
            lambda rid: [sendcli, "pack", "ehc-request", rid, "--output", str(outputs / f"pack-{rid}")],
            ["pack", "ehc-request"])
    finally:
        shutil.rmtree(work, ignore_errors=True)

    # -- renderers over a sample ------------------------------------------------------------------
    renders: list[tuple[str, int, Run | None, str, float]] = []
    # A Word document is a zip of XML parts, filled and compressed for each child: its bar is wider.
    for label, count, words, bar in (("report --all (html)", 500, ["report", "--all"], 10.0),
                                     ("report --all (docx)", 500, ["report", "--all", "--format", "docx"], 30.0),
                                     ("passports", 300, ["passports"], 10.0)):
        if not has_command(sendcli, words[:1], casebook, env):
            renders.append((label, count, None, f"`sendcli {words[0]}` is not in this version", bar))
            continue
        sample = sample_casebook(casebook, names, count)
        try:
            out_dir = sample / "out"
            step(f"{label} for {min(count, n)} records")
            cmd = [sendcli, *words, "--output-dir", str(out_dir)] if words[0] == "report" else [sendcli, *words]
            renders.append((label, min(count, n), run(cmd, sample, env), "", bar))
        finally:
            shutil.rmtree(sample, ignore_errors=True)

    step("parse floor, second of two")
    measured = measure_floor()
    floor_last = measured[0] if measured else floor_first
    # The lower of the two: the stricter bar, and less exposed to a busy machine.
    floor = min(floor_first, floor_last)

    # -- the table ------------------------------------------------------------------------------
    rows: list[tuple[str, ...]] = []

    def ratio(seconds: float) -> str:
        return f"{seconds / floor:.2f}x" if floor > 0 else "-"

    def verdict(ok: bool | None) -> str:
        return "-" if ok is None else ("met" if ok else "NOT MET")

    rows.append(("parse floor (CSafeLoader loop)", f"{floor:.2f} s", "1.00x",
                 f"{floor / max(n, 1) * 1000:.2f} ms/record", "-", "-"))
    if peer is not None:
        speedup = peer.seconds / cold.seconds if cold.seconds else 0.0
        rows.append(("check-jsonschema (peer)", f"{peer.seconds:.2f} s", ratio(peer.seconds),
                     f"cold check >= 20x faster (is {speedup:.1f}x)", verdict(speedup >= 20), verdict(speedup >= 6)))
    else:
        rows.append(("check-jsonschema (peer)", "skipped", "-", "cold check >= 20x faster",
                     "-" if args.skip_peer else "not run", "-"))
    rows.append(("cold sendcli check", f"{cold.seconds:.2f} s", ratio(cold.seconds),
                 f"<= 0.5x floor ({0.5 * floor:.2f} s)", verdict(cold.seconds <= 0.5 * floor),
                 verdict(cold.seconds <= floor)))
    warm_bar, first_bar = startup + 0.05 * floor, startup + 0.15 * floor
    for label, figure in (("warm sendcli check", warm), ("warm sendcli due", due_warm), *over_casebook):
        if figure is None:
            rows.append((label, "skipped", "-", "the command is not in this version", "-", "-"))
            continue
        rows.append((label, f"{figure.seconds:.2f} s", ratio(figure.seconds),
                     f"<= startup + 0.05x floor ({warm_bar:.2f} s)", verdict(figure.seconds <= warm_bar),
                     verdict(figure.seconds <= first_bar)))
    rows.append(("sendcli due, first after check", f"{due_first.seconds:.2f} s", ratio(due_first.seconds),
                 "(for information)", "-", "-"))
    if view_first is not None:
        rows.append(("provision-map, first view after check", f"{view_first.seconds:.2f} s",
                     ratio(view_first.seconds), "(for information: makes the view extracts)", "-", "-"))
    for label, kind, figure, why in one_record:
        bar = {"read": 0.15, "write": 0.20}.get(kind)
        wording = f"median <= {bar:.2f} s ({kind})" if bar else "median (for information: writes files)"
        if figure is None:
            rows.append((label, "skipped", "-", wording, "-", "-"))
            continue
        rows.append((label, f"{figure.seconds:.3f} s", "-", wording, verdict(figure.seconds <= bar) if bar else "-",
                     "-"))
    for label, count, r, why, bar in renders:
        if r is None:
            rows.append((f"{label}, {count} records", "skipped", "-", f"<= {bar:g} s", "-", "-"))
            continue
        rows.append((f"{label}, {count} records", f"{r.seconds:.2f} s", "-", f"<= {bar:g} s",
                     verdict(r.seconds <= bar), "-"))
    rows.append(("startup: sendcli --version", f"{version.seconds:.3f} s", "-",
                 f"<= python -c pass + 0.15 s (is +{version.seconds - bare.seconds:.3f} s)",
                 verdict(version.seconds - bare.seconds <= 0.15), verdict(version.seconds - bare.seconds <= 0.15)))
    rows.append(("startup: python -c pass", f"{bare.seconds:.3f} s", "-", "(baseline)", "-", "-"))
    rows.append(("peak RSS, cold check", f"{cold.max_rss_mb:.0f} MB", "-",
                 "<= 200 MB at 25,000 records", verdict(cold.max_rss_mb <= 200), verdict(cold.max_rss_mb <= 200)))
    rows.append(("peak RSS, warm check", f"{warm_rss:.0f} MB", "-", "(for information)", "-", "-"))
    rows.append(("peak RSS, parse floor", f"{floor_run.max_rss_mb:.0f} MB", "-", "(for information)", "-", "-"))

    headers = ("figure", "measured", "x floor", "bar (second edition)", "2nd ed.", "1st ed.")
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]

    def line(cells) -> str:
        return "  ".join(c.ljust(w) if i in (0, 3, 4) else c.rjust(w) if i in (1, 2) else c
                         for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

    print(line(headers))
    print(line(["-" * w for w in widths]))
    for r in rows:
        print(line(r))

    notes = []
    for label, r in (*((f"cold check (run {i + 1})", c) for i, c in enumerate(colds)), ("due (first)", due_first),
                     *((("first view", view_first),) if view_first is not None else ())):
        if r.returncode != 0:
            notes.append(f"{label}: exit {r.returncode}: {last_line(r.stderr)}")
    for label, figure in (("warm check", warm), ("warm due", due_warm), ("--version", version), *over_casebook,
                          *((label, figure) for label, _, figure, _ in one_record)):
        if figure is not None and figure.failed is not None:
            notes.append(f"{label}: exit {figure.failed.returncode}: {last_line(figure.failed.stderr)}")
    for label, count, r, why, _bar in renders:
        if r is not None and r.returncode:
            notes.append(f"{label}: exit {r.returncode}: {last_line(r.stderr)}")
        if why:
            notes.append(f"{label}: skipped, {why}")
    for label, _, figure, why in one_record:
        if why:
            notes.append(f"{label}: skipped, {why}")
    notes.append(f"parse floor: {floor_first:.2f} s at the start, {floor_last:.2f} s at the end; the lower is used")
    if peer_note:
        notes.append(f"check-jsonschema: {peer_note}")
    notes.append(f"cold check: median of {len(colds)} runs ({', '.join(f'{c.seconds:.2f}' for c in colds)} s); "
                 f"it said: {last_line(cold.stderr)}")
    spreads = [("warm check", warm), ("warm due", due_warm), ("--version", version),
               *((label, figure) for label, figure in over_casebook if figure is not None),
               *((label, figure) for label, _, figure, _ in one_record if figure is not None)]
    notes.append("medians of " + "; ".join(f"{label} {figure.spread}" for label, figure in spreads))
    if n < 25000:
        notes.append(f"the memory bar is for 25,000 records; this casebook has {n:,} "
                     f"(a streaming check stays flat as N grows)")
    notes.append(f"load average at the end: {os.getloadavg()[0]:.1f}")
    print()
    for note in notes:
        print(f"note: {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
