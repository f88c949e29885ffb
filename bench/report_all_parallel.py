"""``report --all`` in one process against worker processes: time, CPU, memory, and the same files.

    .venv/bin/python bench/generate.py /tmp/cb300 --n 300 --seed 1
    .venv/bin/python bench/report_all_parallel.py /tmp/cb300 --format pdf --template plan

Each run is a fresh ``sendcli report --all`` process (at a fixed date) into a
new folder; "one process" is the same command with the worker pool turned off
(sendcli.documents.batch.PARALLEL_FORMATS emptied), which no user can do. It
prints, for each: wall seconds, CPU seconds (the command and its workers),
the largest resident memory of any one process, and then whether the two
folders hold the same files: PDFs byte for byte, Word documents part by part
(a .docx is a zip whose entries carry the time they were written).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

RUN = """
import sys
import sendcli.documents.batch as batch
if sys.argv[1] == "serial":
    batch.PARALLEL_FORMATS = frozenset()
elif sys.argv[1] == "forced":  # workers for any format and any number of records: to measure them
    batch.PARALLEL_FORMATS = frozenset({"pdf", "docx", "html", "md"})
    batch.PARALLEL_MIN = {}
from sendcli.cli.app import main
main(sys.argv[2:])
"""


#: Each run measured from a process of its own: RUSAGE_CHILDREN's ru_maxrss is the largest
#: process ever waited for, so one measuring process would carry the first run's into the second.
MEASURE = """
import json, resource, subprocess, sys
result = subprocess.run(sys.argv[1:], capture_output=True, text=True)
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"rc": result.returncode, "stderr": result.stderr, "cpu": usage.ru_utime + usage.ru_stime,
                  "rss_mb": usage.ru_maxrss / 1024}))
"""


def run(mode: str, casebook: Path, template: str, output_format: str, out: Path) -> dict:
    import json

    start = time.perf_counter()
    measured = subprocess.run([sys.executable, "-c", MEASURE, sys.executable, "-c", RUN, mode, "report", "--all",
                               "--template", template, "--format", output_format, "--output-dir", str(out)],
                              cwd=casebook, env={**os.environ, "SENDCLI_TODAY": "2026-11-28"},
                              capture_output=True, text=True, check=True)
    wall = time.perf_counter() - start
    figures = json.loads(measured.stdout)
    if figures["rc"] != 0:
        sys.exit(f"{mode}: exit {figures['rc']}: {figures['stderr'][-500:]}")
    return {"wall": wall, "cpu": figures["cpu"], "rss_mb": figures["rss_mb"],
            "stderr": figures["stderr"].replace(str(out), "DIR")}


def contents(path: Path) -> object:
    if path.suffix == ".docx":
        with zipfile.ZipFile(path) as archive:
            return [(info.filename, archive.read(info)) for info in archive.infolist()]
    return path.read_bytes()


def same_files(first: Path, second: Path) -> bool:
    names = sorted(os.listdir(first))
    return names == sorted(os.listdir(second)) and all(contents(first / n) == contents(second / n) for n in names)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("casebook", type=Path)
    parser.add_argument("--format", default="pdf", choices=["pdf", "docx", "html"])
    parser.add_argument("--template", default="plan")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each mode, alternating; the best is shown")
    parser.add_argument("--force-workers", action="store_true",
                        help="workers whatever the format and the number of records (as sendcli would not)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="report-all-bench-") as scratch:
        best: dict[str, dict] = {}
        for attempt in range(args.repeat):
            for mode in ("serial", "workers"):
                out = Path(scratch) / f"{mode}-{attempt}"
                how = "forced" if mode == "workers" and args.force_workers else mode
                figures = run(how, args.casebook.resolve(), args.template, args.format, out)
                if mode not in best or figures["wall"] < best[mode]["wall"]:
                    best[mode] = {**figures, "out": out}
        for mode, figures in best.items():
            print(f"{mode:8} {figures['wall']:7.2f} s wall  {figures['cpu']:7.2f} s CPU  "
                  f"{figures['rss_mb']:6.0f} MB largest process  ({figures['stderr'].strip().splitlines()[-1]})")
        print(f"load average before the last run: {os.getloadavg()[0]:.1f}")
        print("same files, same bytes:", same_files(best["serial"]["out"], best["workers"]["out"]),
              "; same messages:", best["serial"]["stderr"] == best["workers"]["stderr"])


if __name__ == "__main__":
    main()
