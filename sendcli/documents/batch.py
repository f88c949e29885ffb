"""Many records' reports at once: PDFs made in worker processes.

``report --all --format pdf`` spends nearly all its time laying out pages
(WeasyPrint, pure Python: about 0.2 s of CPU a report); the casebook is read,
and the files written, in a small part of that. So the PDFs are made by
worker processes, one per core, while this process reads the records, hands
them out and takes the results back in the casebook's order: the files,
their bytes and the messages are those of a run in one process, and all of
it goes through the same all-or-nothing staging
(sendcli.documents.output.StagedFolder).

Measured on a shared 2-core machine over 300 generated records (251 plans,
bench/report_all_parallel.py): PDF 43 s in one process against 28 s with two
workers while the machine was quiet (61 s against 77 s, 40 s against 42 s
while others loaded it). A Word document takes about 25 ms; there the
workers' start and the copying of each record and document between processes
ate the gain (8-13 s either way, neither side ahead from one run to the
next), so Word documents, like HTML and Markdown, are made in this process.

- Workers are forked from this process (WeasyPrint already loaded, nothing to
  import again) and each makes at most :data:`TASKS_PER_WORKER` reports
  before a fresh one takes its place: WeasyPrint's memory grows with every
  document it lays out, and a worker's end gives it all back.
- At most :data:`AHEAD` records per worker are read ahead of the one awaited:
  memory stays bounded whatever the casebook's size.
- Ctrl-C is for this process (workers ignore it); it stops the workers.
- A worker that dies (a crash in a system library, a kill for memory) or
  falls silent stops the run with a message naming the record: nothing is
  written, as for any other failure.
- Only where processes can be forked (Linux); elsewhere, and for few
  records or one core, the reports are made in this process.
"""

from __future__ import annotations

import os
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from sendcli.errors import SendcliError

#: The formats worth a worker: the others (Word 25 ms a report, HTML and Markdown a few
#: ms) cost less than handing the records to workers and the documents back.
PARALLEL_FORMATS = frozenset({"pdf"})
#: Fewer records than this are made in this process: a small set takes a few seconds,
#: and a worker's start costs about what a report does.
PARALLEL_MIN = {"pdf": 20}
#: Reports a worker makes before it ends and a fresh one is forked: WeasyPrint's memory grows
#: about 0.5 MB a PDF (measured), so a worker stays under about 150 MB.
TASKS_PER_WORKER = 100
#: Records handed out per worker ahead of the one whose report is awaited.
AHEAD = 4
#: More workers than this would only multiply WeasyPrint's memory on a big machine.
MAX_WORKERS = 4
#: A worker that holds a record and sends nothing for this long is stopped (a PDF has
#: its own 60 s bound, enforced inside the worker).
WORKER_SILENCE_S = 180.0
#: A record sent ahead (while its worker is still making the one before) at most this large,
#: pickled: a pipe holds about this much unread. A larger one waits until its worker is idle,
#: since this process would block sending it while the worker blocks sending its report back.
SEND_AHEAD_MAX = 32 * 1024


class WorkerLost(SendcliError):
    """A worker died or fell silent while making a report: exit 1, nothing written."""


def worker_count(output_format: str, records: int) -> int:
    """How many worker processes to use for ``records`` reports in ``output_format`` (0: none, this process)."""
    if output_format not in PARALLEL_FORMATS or records < PARALLEL_MIN.get(output_format, 1):
        return 0
    if not sys.platform.startswith("linux"):
        return 0  # forking a process that has loaded Pango is safe on Linux only (macOS: Objective-C runtime)
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        return 0
    cores = _cores()
    return min(cores, MAX_WORKERS, records) if cores >= 2 else 0


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _worker_loop(connection, make: Callable[[Any], Any], tasks: int) -> None:  # pragma: no cover - in the worker
    """A worker: ``make`` each item sent, one ``(index, ok, result)`` sent back for each; end after ``tasks``."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole process group: the parent decides
    for _ in range(tasks):
        try:
            message = connection.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        index, item = message
        try:
            reply = (index, True, make(item))
        except Exception as error:  # noqa: BLE001 - raised again in the parent, which maps it to its exit code
            reply = (index, False, _sendable(error))
        connection.send(reply)


def _sendable(error: Exception) -> Exception:
    """The error as the parent should raise it: itself when it pickles as itself; a refusal
    (SendcliError) that does not, as a plain one with its message, details and exit code; any
    other, a bug of the same name (exit 3, which names only the kind)."""
    import pickle

    try:
        copy = pickle.loads(pickle.dumps(error))
    except Exception:  # noqa: BLE001 - an exception that does not pickle
        copy = None
    if isinstance(error, SendcliError):
        if type(copy) is not type(error):
            copy = SendcliError(error.message)
            copy.exit_code = error.exit_code
        copy.details = list(error.details)
        return copy
    if type(copy) is type(error):
        return copy
    return type(type(error).__name__, (RuntimeError,), {})()


def made_in_workers(items: Iterable[Any], make: Callable[[Any], Any], workers: int,
                    name_of: Callable[[Any], str] = str,
                    tasks_per_worker: int | None = None) -> Iterator[tuple[Any, Any]]:
    """``(item, make(item))`` for each item, in order, ``make`` run in ``workers`` forked processes.

    An exception ``make`` raises is raised here, at its item, once the items
    before it have been yielded (as a loop in one process would). ``name_of``
    names an item in the message when a worker dies making it.
    """
    import multiprocessing
    from multiprocessing.connection import wait

    from multiprocessing.reduction import ForkingPickler

    context = multiprocessing.get_context("fork")
    tasks_per_worker = tasks_per_worker or TASKS_PER_WORKER
    source = iter(items)
    exhausted = False
    pending: dict[int, Any] = {}  # index -> item, handed out or waiting
    waiting: deque[int] = deque()
    results: dict[int, tuple[bool, Any]] = {}
    crew: list[dict] = []
    pickled: dict[int, bytes] = {}  # the next record to send, pickled once
    next_index = awaited = 0

    def hire() -> None:
        ours, theirs = context.Pipe()
        process = context.Process(target=_worker_loop, args=(theirs, make, tasks_per_worker), daemon=True)
        process.start()
        theirs.close()
        crew.append({"process": process, "pipe": ours, "holding": deque(), "left": tasks_per_worker,
                     "heard": time.monotonic()})

    def dismiss(worker: dict, at_once: bool = False) -> None:
        """End a worker: told to stop when it is idle, killed when the run is stopping."""
        crew.remove(worker)
        if not at_once:
            try:
                worker["pipe"].send(None)
            except OSError:
                pass
        worker["pipe"].close()
        if not at_once:
            worker["process"].join(1.0)
        if worker["process"].is_alive():
            worker["process"].kill()
        worker["process"].join()

    def lost(worker: dict, how: str) -> WorkerLost:
        return WorkerLost(f"{name_of(pending[worker['holding'][0]])}: the process making its report {how}; "
                          "run it again, or make this record's report alone (sendcli report ID)")

    def ended(worker: dict) -> WorkerLost:
        worker["process"].join(1.0)
        code = worker["process"].exitcode
        how = f"was stopped by signal {-code}" if code is not None and code < 0 else f"ended (exit code {code})"
        return lost(worker, how + (" (out of memory?)" if code == -9 else ""))

    try:
        while True:
            while not exhausted and len(pending) < workers * AHEAD:
                try:
                    item = next(source)
                except StopIteration:
                    exhausted = True
                    break
                pending[next_index] = item
                waiting.append(next_index)
                next_index += 1
            while awaited in results:
                ok, result = results.pop(awaited)
                item = pending.pop(awaited)
                awaited += 1
                if not ok:
                    raise result
                yield item, result
            if exhausted and not pending:
                return
            for worker in [w for w in crew if not w["holding"] and w["left"] == 0]:
                dismiss(worker)  # its last report made: it ends by itself
            while len(crew) < workers and waiting:
                hire()
            for worker in crew:
                # Two at a time: the next record is there when a worker sends a report back, so it
                # does not wait while this process writes a file.
                while len(worker["holding"]) < 2 and worker["left"] > 0 and waiting:
                    index = waiting[0]
                    if index not in pickled:
                        pickled[index] = ForkingPickler.dumps((index, pending[index]))
                    if worker["holding"] and len(pickled[index]) > SEND_AHEAD_MAX:
                        break  # a large record is sent to an idle worker only (SEND_AHEAD_MAX)
                    waiting.popleft()
                    if not worker["holding"]:
                        worker["heard"] = time.monotonic()
                    worker["holding"].append(index)
                    worker["left"] -= 1
                    try:
                        worker["pipe"].send_bytes(pickled.pop(index))  # as Connection.send would
                    except OSError:  # it ended since it was last heard from (killed for memory, a crash)
                        raise ended(worker) from None
            busy = [w for w in crew if w["holding"]]
            if not busy:
                continue
            ready = wait([w["pipe"] for w in busy] + [w["process"].sentinel for w in busy],
                         timeout=min(5.0, WORKER_SILENCE_S))
            for worker in busy:
                try:
                    while worker["holding"] and worker["pipe"].poll():
                        index, ok, result = worker["pipe"].recv()
                        results[index] = (ok, result)
                        worker["holding"].remove(index)
                        worker["heard"] = time.monotonic()
                except (EOFError, OSError):
                    pass
                if not worker["holding"]:
                    continue
                if worker["process"].sentinel in ready or not worker["process"].is_alive():
                    raise ended(worker)
                if time.monotonic() - worker["heard"] > WORKER_SILENCE_S:
                    raise lost(worker, f"sent nothing for {WORKER_SILENCE_S:.0f} s")
    finally:
        # Done: every worker idle. Else (an error, Ctrl-C, the caller stopped early) no report
        # still being made is wanted.
        for worker in list(crew):
            dismiss(worker, at_once=bool(worker["holding"]))
