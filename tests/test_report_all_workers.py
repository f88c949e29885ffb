"""``report --all`` for PDF and Word in worker processes: the same files, bytes and messages as one
process, the same all-or-nothing rule, bounded workers, and no worker left behind."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import time
import zipfile
from pathlib import Path

import pytest

from sendcli.documents import batch, reporting
from sendcli.documents.batch import WorkerLost, made_in_workers, worker_count
from sendcli.documents.output import StagedFolder
from sendcli.errors import SendcliError, UsageProblem

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers are forked on Linux only")

ORDER = sorted(path.stem for path in (Path(__file__).resolve().parent.parent / "examples" / "records").glob("*.yaml"))


@pytest.fixture
def two_workers(monkeypatch):
    """Workers for any format and any number of records, two of them, whatever this machine's cores."""
    monkeypatch.setattr(batch, "PARALLEL_FORMATS", frozenset({"pdf", "docx", "html", "md"}))
    monkeypatch.setattr(batch, "PARALLEL_MIN", {"pdf": 1, "docx": 1, "html": 1, "md": 1})
    monkeypatch.setattr(batch, "_cores", lambda: 2)


@pytest.fixture
def one_process(monkeypatch):
    monkeypatch.setattr(batch, "PARALLEL_FORMATS", frozenset())


def parts(path: Path):
    """A file's content: a Word document part by part (its zip entries carry the time they were made)."""
    if path.suffix == ".docx":
        with zipfile.ZipFile(path) as archive:
            return [(info.filename, archive.read(info)) for info in archive.infolist()]
    return path.read_bytes()


def made(folder: Path) -> dict:
    return {path.name: parts(path) for path in sorted(folder.iterdir())}


def no_worker_left() -> bool:
    deadline = time.monotonic() + 5
    while multiprocessing.active_children() and time.monotonic() < deadline:
        time.sleep(0.05)
    return not multiprocessing.active_children()


def spy_on_workers(monkeypatch) -> list[int]:
    """The process ids that made each report (a file of them, since workers are other processes)."""
    pids: list[int] = []
    render = reporting.record_report
    read, write = os.pipe()

    def record_pid(*args, **kwargs):
        os.write(write, f"{os.getpid()}\n".encode())
        return render(*args, **kwargs)

    monkeypatch.setattr(reporting, "record_report", record_pid)

    def collect() -> list[int]:
        os.close(write)
        with os.fdopen(read) as stream:
            pids.extend(int(line) for line in stream)
        return pids

    return collect


@pytest.mark.parametrize("template, fmt", [("plan", "docx"), ("review", "docx"), ("profile", "html"),
                                           ("plan", "md")])
def test_workers_make_what_one_process_makes(example_casebook, run, tmp_path, monkeypatch, template, fmt):
    monkeypatch.setattr(batch, "PARALLEL_FORMATS", frozenset())
    alone = run("report", "--all", "--template", template, "--format", fmt, "--output-dir", str(tmp_path / "alone"))
    monkeypatch.undo()
    monkeypatch.chdir(example_casebook)
    monkeypatch.setattr(batch, "PARALLEL_FORMATS", frozenset({fmt}))
    monkeypatch.setattr(batch, "PARALLEL_MIN", {fmt: 1})
    monkeypatch.setattr(batch, "_cores", lambda: 2)
    collect = spy_on_workers(monkeypatch)

    together = run("report", "--all", "--template", template, "--format", fmt, "--output-dir",
                   str(tmp_path / "together"))

    pids = collect()
    assert together.exit_code == alone.exit_code == 0
    # The same messages in the same order, and the same files, byte for byte (a Word document part by part).
    assert together.stderr.replace("together", "alone") == alone.stderr
    assert made(tmp_path / "together") == made(tmp_path / "alone") and made(tmp_path / "alone")
    assert os.getpid() not in pids and len(set(pids)) == 2  # made by the two workers
    assert no_worker_left()


def test_pdfs_from_workers_are_those_of_one_process(example_casebook, run, tmp_path, monkeypatch, two_workers):
    pytest.importorskip("weasyprint")
    from sendcli.documents.pdf import PdfUnavailable, require_pdf_engine

    try:
        require_pdf_engine()
    except PdfUnavailable:
        pytest.skip("Pango is not installed")
    together = run("report", "--all", "--template", "profile", "--format", "pdf", "--output-dir", str(tmp_path / "w"))
    monkeypatch.setattr(batch, "PARALLEL_FORMATS", frozenset())
    alone = run("report", "--all", "--template", "profile", "--format", "pdf", "--output-dir", str(tmp_path / "a"))
    assert together.exit_code == alone.exit_code == 0
    assert together.stderr.replace(str(tmp_path / "w"), "D") == alone.stderr.replace(str(tmp_path / "a"), "D")
    assert made(tmp_path / "w") == made(tmp_path / "a") and len(made(tmp_path / "a")) == len(ORDER)


@pytest.fixture
def last_run(example_casebook, tmp_path):
    out = tmp_path / "plans"
    out.mkdir(mode=0o700)
    for record_id in ORDER:
        (out / f"{record_id}.plan.docx").write_bytes(b"last run's")
        os.utime(out / f"{record_id}.plan.docx", ns=(1_600_000_000_000_000_000, 1_600_000_000_000_000_000))
    return out


def state(folder: Path) -> dict:
    return {path.name: (path.read_bytes(), path.stat().st_mtime_ns) for path in sorted(folder.iterdir())}


def test_a_failure_in_a_worker_leaves_dir_as_it_was(example_casebook, run, last_run, two_workers):
    (example_casebook / "templates").mkdir()
    (example_casebook / "templates" / "plan.md.j2").write_text(
        "{{ record.child.name }}{% if record.id == '" + ORDER[4] + "' %}{{ record.no_such_field }}{% endif %}\n")
    before, beside = state(last_run), sorted(os.listdir(last_run.parent))

    result = run("report", "--all", "--format", "md", "--output-dir", str(last_run))

    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert "templates/plan.md.j2" in result.stderr and "nothing was written to" in result.stderr
    assert state(last_run) == before and sorted(os.listdir(last_run.parent)) == beside
    assert no_worker_left()


def test_ctrl_c_with_workers_running_leaves_dir_as_it_was(example_casebook, run, last_run, two_workers,
                                                          monkeypatch):
    staged = []
    original = StagedFolder.write

    def interrupted(self, name, data):
        staged.append(name)
        if len(staged) == 3:
            raise KeyboardInterrupt
        original(self, name, data)

    monkeypatch.setattr(StagedFolder, "write", interrupted)
    before, beside = state(last_run), sorted(os.listdir(last_run.parent))

    result = run("report", "--all", "--format", "docx", "--output-dir", str(last_run))

    assert result.exit_code == 130 and "interrupted: nothing was written to" in result.stderr
    assert state(last_run) == before and sorted(os.listdir(last_run.parent)) == beside
    assert no_worker_left()


def test_a_worker_killed_mid_report_stops_the_run_cleanly(example_casebook, run, last_run, two_workers,
                                                          monkeypatch):
    render = reporting.record_report
    victim = ORDER[3]

    def killed_on_the_victim(casebook, record, *args, **kwargs):
        if record["id"] == victim:
            os.kill(os.getpid(), signal.SIGKILL)  # as the kernel does to a process out of memory
        return render(casebook, record, *args, **kwargs)

    monkeypatch.setattr(reporting, "record_report", killed_on_the_victim)
    before = state(last_run)

    result = run("report", "--all", "--format", "docx", "--output-dir", str(last_run))

    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert f"sendcli: {victim}: the process making its report was stopped by signal 9 (out of memory?)" \
        in result.stderr
    assert "nothing was written to" in result.stderr
    assert state(last_run) == before
    assert no_worker_left()


# -- the worker pool itself -----------------------------------------------------------------------

def square_and_pid(number: int) -> tuple[int, int]:
    return number * number, os.getpid()


def test_results_come_in_order_from_fresh_workers():
    results = list(made_in_workers(range(30), square_and_pid, workers=2, tasks_per_worker=4))
    assert [item for item, _ in results] == list(range(30))
    assert [value for _, (value, _pid) in results] == [n * n for n in range(30)]
    pids = {pid for _, (_value, pid) in results}
    assert os.getpid() not in pids
    assert len(pids) >= 8  # 30 reports, at most 4 each: memory given back by fresh workers
    assert no_worker_left()


def refuse_the_fifth(number: int) -> int:
    if number == 5:
        raise UsageProblem("five is refused", ["a detail line"])
    if number == 7:
        raise ValueError("never reached: the fifth stops the run")
    return number


def test_an_error_is_raised_at_its_item_after_the_ones_before():
    seen = []
    with pytest.raises(UsageProblem) as raised:
        for item, value in made_in_workers(range(20), refuse_the_fifth, workers=2):
            seen.append(value)
    assert seen == [0, 1, 2, 3, 4]
    assert raised.value.message == "five is refused" and raised.value.details == ["a detail line"]
    assert raised.value.exit_code == 2
    assert no_worker_left()


class Awkward(SendcliError):
    """A refusal whose constructor takes other arguments: it does not pickle as itself."""

    def __init__(self, record_id: str, why: str) -> None:
        super().__init__(f"{record_id}: {why}")


def refuse_awkwardly(number: int) -> int:
    raise Awkward("ab-16", "refused")


def fail_like_a_bug(number: int) -> int:
    raise KeyError("a record's text")


def test_a_refusal_that_does_not_pickle_stays_a_refusal():
    with pytest.raises(SendcliError, match="ab-16: refused") as raised:
        list(made_in_workers(range(3), refuse_awkwardly, workers=2))
    assert raised.value.exit_code == 1


def test_a_bug_in_a_worker_is_a_bug_here():
    with pytest.raises(KeyError):
        list(made_in_workers(range(3), fail_like_a_bug, workers=2))


def sleep_on_the_second(number: int) -> int:
    if number == 1:
        time.sleep(30)
    return number


def test_a_silent_worker_is_stopped(monkeypatch):
    monkeypatch.setattr(batch, "WORKER_SILENCE_S", 0.5)
    with pytest.raises(WorkerLost, match="item 1: the process making its report sent nothing for 0 s"):
        list(made_in_workers(range(4), sleep_on_the_second, workers=2, name_of=lambda n: f"item {n}"))
    assert no_worker_left()


def test_stopping_early_ends_the_workers():
    results = made_in_workers(range(100), square_and_pid, workers=2)
    assert next(results)[0] == 0
    results.close()
    assert no_worker_left()


def test_workers_only_where_they_pay(monkeypatch):
    monkeypatch.setattr(batch, "_cores", lambda: 2)
    assert worker_count("html", 500) == 0 and worker_count("md", 500) == 0
    assert worker_count("pdf", batch.PARALLEL_MIN["pdf"]) == 2 and worker_count("pdf", 2) == 0
    assert worker_count("docx", 500) == 0  # measured: no gain for a Word document
    monkeypatch.setattr(batch, "_cores", lambda: 64)
    assert worker_count("pdf", 500) == batch.MAX_WORKERS  # WeasyPrint's memory times the workers: bounded
    monkeypatch.setattr(batch, "_cores", lambda: 1)
    assert worker_count("pdf", 500) == 0
    monkeypatch.setattr(batch.sys, "platform", "darwin")
    monkeypatch.setattr(batch, "_cores", lambda: 8)
    assert worker_count("pdf", 500) == 0


def die_on_the_second(number: int) -> int:
    if number == 1:
        time.sleep(0.1)
        os.kill(os.getpid(), signal.SIGKILL)
    return number


def test_a_worker_that_dies_before_it_is_sent_more_is_lost_not_a_closed_pipe():
    """The parent writes each report while the worker dies: its next send meets a closed pipe, which
    is the worker lost (named), never a BrokenPipeError (the CLI took that for a closed stdout and
    ended with exit 0, saying nothing)."""
    with pytest.raises(WorkerLost, match="item 1: the process making its report was stopped by signal 9"):
        for _item, _value in made_in_workers(range(10), die_on_the_second, workers=1, name_of=lambda n: f"item {n}"):
            time.sleep(0.3)  # as writing a staged file takes a while
    assert no_worker_left()


def echo_large(text: str) -> bytes:
    return text.encode() * 2  # a report larger than the record, as a PDF is


def _large_round_trip() -> None:
    items = [f"{n:04d}" + "x" * 600_000 for n in range(6)]
    got = [value for _item, value in made_in_workers(items, echo_large, workers=2)]
    assert got == [item.encode() * 2 for item in items]


def test_large_records_and_large_reports_pass_without_both_sides_waiting_on_each_other():
    """A record sent ahead larger than a pipe holds would block this process while the worker blocks
    sending its report back: large ones go to an idle worker only. Run in a child process, so that a
    regression is a failure here rather than a suite that never ends."""
    context = multiprocessing.get_context("fork")
    child = context.Process(target=_large_round_trip)
    child.start()
    child.join(60)
    if child.is_alive():
        child.kill()
        child.join()
        pytest.fail("the round trip of large records and reports did not end")
    assert child.exitcode == 0


def test_a_lost_worker_names_an_unreadable_record_by_its_file():
    from sendcli.cli.reports import _record_name
    from sendcli.store.casebook import Unreadable

    assert _record_name(Unreadable("records/zz-10.yaml", "3:1: bad")) == "records/zz-10.yaml"
    assert _record_name({"id": "ab-16"}) == "ab-16"
