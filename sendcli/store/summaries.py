"""What ``check`` and ``due`` need of each record, and the cache that keeps it.

A *summary* is a record's problems and, when it has no error, its deadlines
and (for the casebook-wide views) its *view extract*: the fields ``register``,
``provision-map`` and ``stats`` read (:mod:`sendcli.core.views`). Reading a
record costs about a millisecond; a summary from the cache, a few
microseconds. So a casebook is scanned once, and afterwards only the files
that changed are read again (bench/README.md: warm ``check``, ``due`` and the
views within startup + 0.05 x the parse floor).

An extract is made only by a run that wants it (a view): ``check`` and
``due`` leave it out, so a cold ``check`` pays nothing for it. A view finding
a row without one reads that file again and stores the row with it. Beside
the view extract each row keeps the record's *provision extract*
(:func:`sendcli.core.views.provision_extract`), all that ``provision-map``
reads, a third of the size. Each extract is stored as JSON with a checksum of
it, its file's path and its kind: a damaged one (or another file's, or the
other kind) is a miss.

The cache is ``.sendcli/summaries.sqlite`` in the casebook (0600 in a 0700
folder: it holds names and problems, which quote records; git ignores it).
It is used only when all of this holds, else the file is read afresh:

- the whole cache was made by this very tool, schema, Local Offer and
  deadline settings (a fingerprint of them all; any change empties it);
- the file's size, mtime_ns, ctime_ns and inode are what they were when it
  was read, and it had been quiet for :data:`RACY_NS` before (a file written
  twice within one clock tick keeps its mtime; git has the same rule);
- the summary still holds today: only two rules read today, and only while a
  date in the record lies ahead of it (:func:`sendcli.core.rules.settled_from`);
  a third, the year-group rule, reads only the school year, which is in the
  fingerprint.

Anything wrong with the cache (unreadable, another format, a damaged entry)
makes it rebuilt, silently; if it cannot be written at all (a read-only
casebook), the scan runs without it. Results are always those of a cold run.

Misses are read by worker processes, one per core, when there are enough of
them to pay for the workers' start.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sendcli.store.checking import Problem, Target, Verdict
from sendcli.core.dates import parse_iso_date
from sendcli.core.deadlines import Deadline, DeadlineSettings
from sendcli.core.findings import ERROR, WARNING

try:
    from msgspec.json import decode as _fast_decode
except ImportError:  # pragma: no cover - a dependency; json gives the same values
    _fast_decode = json.loads

CACHE_FILE = "summaries.sqlite"
#: Bump when what a summary holds, or how it is stored, changes.
CACHE_FORMAT = 3
#: A file changed less than this long before it was read may change again
#: unseen within the same timestamp tick: its summary is not kept.
RACY_NS = 2_000_000_000
#: Fewer misses than this are read in this process: workers cost ~50 ms to start.
PARALLEL_MIN = 200
#: Rows written per transaction.
BATCH = 500
#: Extracts fetched per query (at most this many held at once).
EXTRACT_BATCH = 400
#: The extracts a scan can give (``want_extract``), by name: the column each is stored in.
EXTRACT_COLUMNS = {"view": "extract", "provision": "provision"}


@dataclass(frozen=True)
class Summary(Verdict):
    """One record's problems and (without errors) its deadlines, as ``check`` and ``due`` use them."""

    path: str
    problems: list[Problem]
    #: None when the record has errors (``due`` reports it unreadable instead).
    deadlines: list[Deadline] | None = None
    #: True when the deadlines could not be worked out (a date too far ahead for the arithmetic).
    deadlines_failed: bool = False
    is_config: bool = False
    #: The record's extract of the kind the scan wanted (:data:`EXTRACT_COLUMNS`: the view extract,
    #: :func:`sendcli.core.views.view_extract`, or the provision extract), when the record has no
    #: error; else None.
    extract: dict | None = None


# -- summarising one record (in this process or a worker) ----------------------------

@dataclass(frozen=True)
class _Job:
    today: date
    settings: DeadlineSettings
    local_offer_ids: frozenset[str] | None
    fast: bool
    #: Whether to make each record's extracts too (both kinds: the row keeps both).
    extracts: bool = False


_job: _Job | None = None


def _start_worker(job: _Job) -> None:
    global _job
    _job = job


def _read(item: tuple[str, str]) -> tuple:
    """Read one record afresh: ``(problems, deadlines, failed, settled_from, extract, provision)`` as
    stored values (``extract`` and ``provision`` the JSON of its view and provision extracts, None
    unless the job wants extracts and there is no error)."""
    from sendcli.store.checking import check_record_file
    from sendcli.core.deadlines import record_deadlines
    from sendcli.core.rules import settled_from

    assert _job is not None
    path, display = item
    result = check_record_file(Path(path), display, _job.today, _job.local_offer_ids, _job.fast)
    problems = [[p.line, p.column, p.severity, p.rule, p.pointer, p.message, p.field] for p in result.problems]
    deadlines: list | None = None
    failed = False
    if not result.has_errors and isinstance(result.data, dict):
        try:
            deadlines = [[d.record, d.name, d.kind, d.due.isoformat(), d.detail, d.exception]
                         for d in record_deadlines(result.data, _job.settings)]
        except (OverflowError, ValueError):
            failed = True
    settled = ""  # no rule read today (the file could not be read as a record)
    if isinstance(result.data, dict):
        try:
            day = settled_from(result.data)
            settled = day.isoformat() if day else ""
        except Exception:  # noqa: BLE001 - an odd document: keep its summary for today only
            settled = _TODAY_ONLY
    extract = provision = None
    if _job.extracts and not result.has_errors and isinstance(result.data, dict):
        from sendcli.core.views import provision_extract, view_extract

        extract = json.dumps(view_extract(result.data), ensure_ascii=False, separators=(",", ":"))
        provision = json.dumps(provision_extract(result.data), ensure_ascii=False, separators=(",", ":"))
    return problems, deadlines, failed, settled, extract, provision


_TODAY_ONLY = "today-only"


def _sealed(text: str, relative: str) -> str:
    """An extract's JSON as stored for the file at ``relative``: a checksum of both, a space, the JSON
    (a damaged extract, or another file's, does not match)."""
    return f"{_checksum(text, relative)} {text}"


def _seal_key(relative: str, kind: str) -> str:
    """What an extract of ``kind`` (:data:`EXTRACT_COLUMNS`) is sealed with besides its text: its
    file, and its kind, so that the one is never taken for the other."""
    return relative if kind == "view" else f"{relative}\0{kind}"


def _checksum(text: str, relative: str) -> str:
    return hashlib.blake2b(f"{relative}\0{text}".encode(), digest_size=16).hexdigest()


def _unsealed(stored: object, relative: str) -> dict | None:
    """The extract of a stored value, or None where it is not one :func:`_sealed` made for this file."""
    if type(stored) is not str:
        return None
    checksum, _, text = stored.partition(" ")
    if _checksum(text, relative) != checksum:
        return None
    return _extract(text)


def _extract(text: str) -> dict | None:
    extract = _loads(text)
    return extract if type(extract) is dict else None


def _loads(text: str) -> object:
    """``json.loads(text)``: by msgspec, a third quicker over the extracts a warm view decodes (the
    same values, integers of any size included); by json where msgspec refuses what json reads
    (NaN, a lone surrogate, a number past a float's range), so that the values are json's always."""
    try:
        return _fast_decode(text)
    except ValueError:  # msgspec.DecodeError
        return json.loads(text)


def _summary(display: str, problems: list, deadlines: list | None, failed: bool,
             extract: dict | None = None) -> Summary:
    return Summary(display, [Problem(display, line, column, severity, rule, pointer, message, field)
                             for line, column, severity, rule, pointer, message, field in problems],
                   None if deadlines is None else [
                       Deadline(record, name, kind, date.fromisoformat(due), detail, exception)
                       for record, name, kind, due, detail, exception in deadlines],
                   failed, extract=extract)


# -- the scan ---------------------------------------------------------------------------------

def check_casebook(root: Path, today: date, use_cache: bool = True) -> Iterator:
    """``sendcli check`` of a whole casebook: its own files as they are, its records from the cache
    where it holds (and their deadlines kept for ``due``)."""
    from sendcli.store.checking import CONFIG_FILE, casebook_targets, check_targets

    targets = casebook_targets(root)
    settings = None
    for target, result in zip([t for t in targets if t.is_config],
                              check_targets([t for t in targets if t.is_config], today)):
        if target.path.name == CONFIG_FILE and not result.has_errors and isinstance(result.data, dict):
            settings = DeadlineSettings.from_settings(result.data)
        yield result
    # Settings with errors are reported above, with their lines; the records are checked all the
    # same, without the cache (their deadlines would be worked out with the wrong settings).
    yield from scan(root, [t for t in targets if not t.is_config], today, settings or DeadlineSettings(),
                    use_cache=use_cache and settings is not None, want_deadlines=False)


def scan(root: Path, targets: list[Target], today: date, settings: DeadlineSettings, *,
         use_cache: bool = True, want_deadlines: bool = True, fast: bool = True,
         want_extract: str | None = None) -> Iterator[Summary]:
    """A summary of each record target in turn, from the cache where it still holds
    (``want_extract``: with each readable record's extract of that kind, :data:`EXTRACT_COLUMNS`)."""
    local_offer = targets[0].local_offer_ids if targets else None
    want_extracts = want_extract is not None
    column = EXTRACT_COLUMNS[want_extract] if want_extract is not None else None
    job = _Job(today, settings, local_offer, fast, want_extracts)
    cache = (_Cache.open(root, _fingerprint(local_offer, settings, today), want_deadlines, column)
             if use_cache else None)
    index = cache.rows if cache else {}

    # (path, display, place in the cache, stat key, stored row if it still holds)
    plan: list[tuple[str, str, str, tuple | None, tuple | None]] = []
    misses: list[tuple[str, str]] = []
    prefix = os.path.join(str(root), "")
    started = time.time_ns()
    for target in targets:
        path = str(target.path)
        relative = path[len(prefix):] if path.startswith(prefix) else path
        key = _stat_key(path)
        entry = index.get(relative)
        if key is None or entry is None or tuple(entry[:4]) != key or not _still_holds(entry, today):
            entry = None
            misses.append((path, target.display))
        plan.append((path, target.display, relative, key, entry))
    index.clear()

    results = _read_all(misses, job)
    # The extracts of the hits, fetched a batch at a time as the scan reaches them (never all
    # at once: at 25,000 records they are about 90 MB of text).
    extracts = _Extracts(cache, [(relative, key) for _, _, relative, key, entry in plan
                                 if entry is not None and entry[9]], column) if cache and column else None
    try:
        pending: list[tuple] = []
        for path, display, relative, key, entry in plan:
            if entry is not None:
                if extracts is not None:
                    entry = (*entry[:9], extracts.take(relative))
                stored = _decoded(entry, want_deadlines, want_extracts,
                                  _seal_key(relative, want_extract) if want_extract else relative)
                if stored is not None:
                    yield _summary(display, *stored)
                    continue
                _start_worker(job)
                read = _read((path, display))  # a damaged row: read afresh, and store again
            else:
                read = next(results)
            problems, deadlines, failed, settled, extract, provision = read
            wanted = provision if want_extract == "provision" else extract
            # From the stored text, as a warm run has it: cold and warm runs see the same extract.
            yield _summary(display, problems, deadlines, failed, _extract(wanted) if wanted else None)
            if cache and key is not None and settled is not None and max(key[1], key[2]) < started - RACY_NS:
                pending.append((relative, *key, today.isoformat(), settled, json.dumps(problems),
                                None if deadlines is None else json.dumps(deadlines), int(failed),
                                extract and _sealed(extract, relative),
                                provision and _sealed(provision, _seal_key(relative, "provision"))))
                if len(pending) >= BATCH:
                    cache.store(pending)
                    pending = []
        if cache:
            cache.store(pending)
            cache.forget_all_but({relative for _, _, relative, _, _ in plan})
    finally:
        results.close()
        if cache:
            cache.close()


def view_records(root: Path, today: date, settings: dict, unreadable: list, redact: bool = False,
                 use_cache: bool = True, kind: str = "view") -> Iterator[dict]:
    """The view extract of each record without errors, streamed, from the cache where it holds;
    the others appended to ``unreadable`` as they pass (as
    :func:`sendcli.store.casebook.readable_records` gives whole records, and the views treat them).
    ``kind="provision"``: the provision extract instead (all ``provision-map`` reads).

    ``settings``: the casebook's (valid) settings; the deadline settings among them are part of
    the cache's fingerprint, as for ``check`` and ``due``.
    """
    from sendcli.store.casebook import Unreadable, unreadable_message
    from sendcli.store.checking import casebook_targets

    targets = [target for target in casebook_targets(root) if not target.is_config]
    for summary in scan(root, targets, today, DeadlineSettings.from_settings(settings), use_cache=use_cache,
                        want_deadlines=False, want_extract=kind):
        if summary.has_errors:
            unreadable.append(Unreadable(summary.path, unreadable_message(summary.problems, redact)))
        else:
            assert summary.extract is not None  # every record without errors has one when wanted
            yield summary.extract


def _decoded(entry: tuple, want_deadlines: bool, want_extracts: bool = False, relative: str = "") -> tuple | None:
    """``(problems, deadlines, failed, extract)`` of a stored row; None if it cannot be read back.

    Every column is checked for what :func:`_summary` and the commands make of it (a
    date that is no date once made every ``due`` end in an internal error; an extract
    against its checksum): a row with anything else is a miss, and the file is read
    again. So is a row without the extract a view wants (stored by ``check``).
    """
    try:
        problems = [] if entry[6] == "[]" else _loads(entry[6])  # most records: no problem
        deadlines = _loads(entry[7]) if want_deadlines and entry[7] is not None else None
        if not isinstance(problems, list) or not all(map(_is_stored_problem, problems)):
            return None
        if want_deadlines and deadlines is None and not entry[8] and not _has_errors(problems):
            return None  # a record without errors always has its deadlines stored
        if deadlines is not None and not (isinstance(deadlines, list) and all(map(_is_stored_deadline, deadlines))):
            return None
        extract = None
        if want_extracts and not _has_errors(problems):
            extract = _unsealed(entry[9], relative)
            if extract is None:
                return None
        return problems, deadlines, bool(entry[8]), extract
    except (TypeError, ValueError, IndexError, RecursionError):
        return None


def _is_stored_problem(item: object) -> bool:
    """``[line, column, severity, rule, pointer, message, field]``, as :func:`_read` stores it."""
    return (type(item) is list and len(item) == 7 and type(item[0]) is int and type(item[1]) is int
            and item[0] >= 1 and item[1] >= 1 and item[2] in (ERROR, WARNING)
            and all(type(part) is str for part in item[3:]))


def _is_stored_deadline(item: object) -> bool:
    """``[record, name, kind, due, detail, exception]``, ``due`` a real date, as :func:`_read` stores it."""
    return (type(item) is list and len(item) == 6 and all(type(part) is str for part in item[:5])
            and (item[5] is None or type(item[5]) is str) and _is_day(item[3]))


def _is_day(value: object) -> bool:
    return parse_iso_date(value) is not None


def _read_all(misses: list[tuple[str, str]], job: _Job) -> Iterator[tuple]:
    """Read the misses in order: in worker processes when there are enough of them."""
    workers = _cores()
    if len(misses) < PARALLEL_MIN or workers < 2:
        _start_worker(job)
        for item in misses:
            yield _read(item)
        return
    yield from _read_in_workers(misses, job, workers)


#: A worker that has sent nothing for this long while holding work is stopped, and
#: the file it was reading is reported instead (a record takes milliseconds).
WORKER_SILENCE_S = 120.0


def _worker_loop(connection, job: _Job) -> None:  # pragma: no cover - runs in the worker process
    """A worker: read each batch of ``(index, (path, display))`` sent, one result sent back per file."""
    _start_worker(job)
    while True:
        try:
            batch = connection.recv()
        except EOFError:
            return
        if batch is None:
            return
        for index, item in batch:
            try:
                connection.send((index, _read(item)))
            except Exception as error:  # noqa: BLE001 - a bug: raised again in the parent, as exit 3
                connection.send((index, error))


def _lost(message: str) -> tuple:
    """The result for a file whose reader died or stalled: an error, never stored in the cache."""
    return [[1, 1, ERROR, "file", "", message, ""]], None, False, None, None, None


def _read_in_workers(misses: list[tuple[str, str]], job: _Job, workers: int) -> Iterator[tuple]:
    """Read the misses in worker processes, yielding results in order; survive a worker that dies.

    Each worker is sent a batch at a time and answers file by file, so when
    one dies (a parser crashing on a hostile file: a segfault, a kill for
    memory) or falls silent, the file it was reading is known. That file is
    reported unreadable, the rest of its batch goes to a new worker, and the
    run goes on. (``multiprocessing.Pool.imap`` waited for ever on a dead worker.)
    """
    import multiprocessing
    from collections import deque
    from multiprocessing.connection import wait

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    size = max(1, min(64, len(misses) // (workers * 8)))
    todo = deque(range(len(misses)))
    done: dict[int, tuple] = {}
    # Results may run ahead of the one awaited by at most this many (a bound on memory).
    window = size * workers * 4
    crew: list[dict] = []

    def hire() -> dict:
        ours, theirs = context.Pipe()
        process = context.Process(target=_worker_loop, args=(theirs, job), daemon=True)
        process.start()
        theirs.close()
        worker = {"process": process, "pipe": ours, "holding": deque(), "heard": time.monotonic()}
        crew.append(worker)
        return worker

    def dismiss(worker: dict, why: str | None) -> None:
        crew.remove(worker)
        if why is not None and worker["holding"]:
            culprit = worker["holding"].popleft()
            done[culprit] = _lost(why)
        todo.extendleft(reversed(worker["holding"]))  # the rest of its batch, first in line again
        worker["holding"].clear()
        try:
            worker["pipe"].close()
        finally:
            if why is None:
                worker["process"].join(1.0)  # told to stop: it ends by itself at once
            if worker["process"].is_alive():
                worker["process"].kill()
            worker["process"].join()

    def dispatch() -> None:
        for worker in list(crew):
            if worker["holding"] or not todo or todo[0] >= awaited + window:
                continue
            batch = []
            while todo and len(batch) < size and todo[0] < awaited + window:
                batch.append(todo.popleft())
            worker["holding"].extend(batch)
            worker["heard"] = time.monotonic()
            try:
                worker["pipe"].send([(index, misses[index]) for index in batch])
            except OSError:
                dismiss(worker, "reading this file stopped the process reading it")

    awaited = 0
    try:
        for _ in range(workers):
            hire()
        while awaited < len(misses):
            if awaited in done:
                result = done.pop(awaited)
                if isinstance(result, BaseException):
                    raise result
                yield result
                awaited += 1
                continue
            while len(crew) < workers:
                hire()
            dispatch()
            busy = [w for w in crew if w["holding"]]
            ready = wait([w["pipe"] for w in busy] + [w["process"].sentinel for w in busy], timeout=5.0)
            now = time.monotonic()
            for worker in busy:
                if worker not in crew:
                    continue
                try:
                    while worker["pipe"].poll():
                        index, result = worker["pipe"].recv()
                        done[index] = result
                        worker["holding"].remove(index)
                        worker["heard"] = now
                except (EOFError, OSError):
                    pass
                if worker["process"].sentinel in ready and not worker["process"].is_alive():
                    code = worker["process"].exitcode
                    how = f"signal {-code}" if code is not None and code < 0 else f"exit code {code}"
                    dismiss(worker, "reading this file crashed the process reading it "
                                    f"({how}); the file is not a record sendcli can read")
                elif worker["holding"] and now - worker["heard"] > WORKER_SILENCE_S:
                    dismiss(worker, f"reading this file took more than {WORKER_SILENCE_S:.0f} s; "
                                    "the file is not a record sendcli can read")
    finally:
        for worker in list(crew):
            try:
                worker["pipe"].send(None)
            except OSError:
                pass
            dismiss(worker, None)


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _stat_key(path: str) -> tuple[int, int, int, int] | None:
    try:
        info = os.lstat(path)  # a link is judged as the link (it is refused), never by its target
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino


def _still_holds(entry: tuple, today: date) -> bool:
    """Whether a summary made on ``checked_on`` is still today's (see :func:`settled_from`)."""
    checked_on, settled = entry[4], entry[5]
    if not _is_day(checked_on) or not (settled in ("", _TODAY_ONLY) or _is_day(settled)):
        return False  # a damaged row: read the file again
    if checked_on == today.isoformat():
        return True
    if settled == _TODAY_ONLY:
        return False
    # Settled when it was made, and still: no date of the record lies ahead of either day.
    return not settled or (settled <= checked_on and settled <= today.isoformat())


def _fingerprint(local_offer: frozenset[str] | None, settings: DeadlineSettings, today: date | None = None) -> str:
    """Everything a summary depends on besides the file: the tool, the schema, the settings,
    the bank holidays (the holidays library's version) and the school year (the year-group rule)."""
    import importlib.util

    import sendcli
    from sendcli.store.schemas import RECORD_SCHEMA, schema_path

    digest = hashlib.sha256()
    digest.update(f"{CACHE_FORMAT}\0{sendcli.__version__}\0".encode())
    package = Path(sendcli.__file__).resolve().parent
    for folder, subfolders, files in os.walk(package):  # the code itself, for a checkout or an upgrade
        subfolders[:] = sorted(d for d in subfolders if d != "__pycache__")
        for name in sorted(files):
            if name.endswith(".py"):
                info = os.stat(os.path.join(folder, name))
                digest.update(f"{os.path.join(folder, name)}\0{info.st_size}\0{info.st_mtime_ns}\0".encode())
    digest.update(schema_path(RECORD_SCHEMA).read_bytes())
    digest.update(repr(sorted(local_offer) if local_offer is not None else None).encode())
    digest.update(repr(settings).encode())
    # School days skip England's bank holidays as the installed holidays library knows them;
    # an upgrade may add one. find_spec locates the package without importing it (start-up).
    spec = importlib.util.find_spec("holidays")
    if spec is not None and spec.origin:
        info = os.stat(spec.origin)
        digest.update(f"{spec.origin}\0{info.st_size}\0{info.st_mtime_ns}\0".encode())
    # check_year_group_fits_age reads the school year of today: a new one empties the cache.
    if today is not None:
        digest.update(f"school year {today.year if today.month >= 9 else today.year - 1}".encode())
    return digest.hexdigest()


# -- the cache file ----------------------------------------------------------------------------

_TABLES = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS summaries (
    path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, ctime_ns INTEGER, inode INTEGER,
    checked_on TEXT, settled_from TEXT, problems TEXT, deadlines TEXT, deadlines_failed INTEGER, extract TEXT,
    provision TEXT);
"""

_GITIGNORE = b"# Made by sendcli: its cache and locks, never to be committed.\n*\n"
_COLUMNS = ("path", "size", "mtime_ns", "ctime_ns", "inode", "checked_on", "settled_from", "problems", "deadlines",
            "deadlines_failed", "extract", "provision")


class _Cache:
    """``.sendcli/summaries.sqlite``: one row per record file."""

    def __init__(self, connection) -> None:
        self.connection = connection
        self.writable = True
        #: Every row by path, as :meth:`_read_rows` gives them (emptied once the scan has planned).
        self.rows: dict[str, tuple] = {}
        #: The paths of those rows (what :meth:`forget_all_but` may drop).
        self.known: set[str] = set()

    @classmethod
    def open(cls, root: Path, fingerprint: str, want_deadlines: bool, extract_column: str | None = None) -> _Cache | None:
        """The casebook's cache with its rows read (:attr:`rows`), emptied unless made with this
        fingerprint; rebuilt if any of it cannot be read; None if it cannot be had."""
        try:
            import sqlite3
        except ImportError:  # pragma: no cover - a Python built without sqlite3
            return None
        from sendcli.store.casebook import CACHE_DIR, UnsafeFolder, ensure_private_dir, write_atomic

        folder = root / CACHE_DIR
        path = folder / CACHE_FILE
        for attempt in range(2):
            try:
                ensure_private_dir(folder)
                if not (folder / ".gitignore").exists():  # a casebook not made by `sendcli init` too
                    write_atomic(folder / ".gitignore", _GITIGNORE)
                os.close(os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600))
                os.chmod(path, 0o600)
                connection = sqlite3.connect(path, timeout=2, isolation_level=None)
                try:
                    connection.executescript(_TABLES)
                    columns = tuple(row[1] for row in connection.execute("PRAGMA table_info(summaries)"))
                    if columns != _COLUMNS:  # another format: start again
                        connection.executescript("DROP TABLE summaries; DELETE FROM meta;" + _TABLES)
                    found = connection.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone()
                    if found is None or found[0] != fingerprint:
                        connection.execute("BEGIN IMMEDIATE")
                        connection.execute("DELETE FROM summaries")
                        connection.execute("INSERT OR REPLACE INTO meta VALUES ('fingerprint', ?)", (fingerprint,))
                        connection.execute("COMMIT")
                    cache = cls(connection)
                    cache.rows = cache._read_rows(want_deadlines, extract_column)  # a damaged page shows here
                    cache.known = set(cache.rows)
                    return cache
                except BaseException:
                    connection.close()
                    raise
            except sqlite3.OperationalError:
                return None  # locked by another run past the timeout, or a read-only casebook: go without
            except UnsafeFolder:
                return None  # .sendcli is a link or a file: never written through, nor removed; go without
            except (sqlite3.DatabaseError, OSError):
                if attempt == 0:
                    _remove(path)  # not a cache this tool can read: rebuild it
        return None

    def _read_rows(self, want_deadlines: bool, extract_column: str | None = None) -> dict[str, tuple]:
        """Every row by path: ``(size, mtime_ns, ctime_ns, inode, checked_on, settled_from, problems,
        deadlines, deadlines_failed, has_extract)``, the deadlines only if wanted (else None); the
        extracts themselves are fetched as the scan reaches them (:class:`_Extracts`). One query:
        a row a query cost more than the rest of a warm run."""
        rows = self.connection.execute(
            "SELECT path, size, mtime_ns, ctime_ns, inode, checked_on, settled_from, problems, "
            f"{'deadlines' if want_deadlines else 'NULL'}, deadlines_failed, "
            f"{f'{extract_column} IS NOT NULL' if extract_column else '0'} FROM summaries")
        return {row[0]: row[1:] for row in rows}

    def store(self, rows: list[tuple]) -> None:
        if not rows or not self.writable:
            return
        import sqlite3

        try:
            self.connection.execute("BEGIN IMMEDIATE")
            self.connection.executemany("INSERT OR REPLACE INTO summaries VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", rows)
            self.connection.execute("COMMIT")
        except sqlite3.Error:
            self.writable = False  # another run holds it, or the disk is full: go on without
            try:
                self.connection.execute("ROLLBACK")
            except sqlite3.Error:
                pass

    def forget_all_but(self, keep: set[str]) -> None:
        """Drop the rows of files no longer in the casebook."""
        if not self.writable:
            return
        import sqlite3

        try:
            gone = [(path,) for path in self.known - keep]
            if gone:
                self.connection.execute("BEGIN IMMEDIATE")
                self.connection.executemany("DELETE FROM summaries WHERE path = ?", gone)
                self.connection.execute("COMMIT")
        except sqlite3.Error:
            pass

    def close(self) -> None:
        try:
            self.connection.close()
        except Exception:  # noqa: BLE001 - closing a cache must never fail a run
            pass


class _Extracts:
    """The stored extracts of ``wanted`` (``(path, stat key)`` in the scan's order), fetched
    :data:`EXTRACT_BATCH` at a time, each only while its row still has the stat key planned with."""

    def __init__(self, cache: _Cache, wanted: list[tuple[str, tuple | None]], column: str = "extract") -> None:
        self.cache, self.wanted, self.next, self.fetched = cache, wanted, 0, {}
        if column not in EXTRACT_COLUMNS.values():
            raise ValueError(f"no extract column {column!r}")  # a name put into the query's text
        self.column = column

    def take(self, path: str) -> str | None:
        if path not in self.fetched and self.next < len(self.wanted):
            self._fetch()
        return self.fetched.pop(path, None)

    def _fetch(self) -> None:
        import sqlite3

        batch = self.wanted[self.next:self.next + EXTRACT_BATCH]
        self.next += len(batch)
        keys = dict(batch)
        try:
            rows = self.cache.connection.execute(
                f"SELECT path, size, mtime_ns, ctime_ns, inode, {self.column} FROM summaries WHERE path IN "
                f"({','.join('?' * len(batch))})", [path for path, _ in batch]).fetchall()
        except sqlite3.Error:
            return  # a damaged page: these files are read again
        for path, *key, extract in rows:
            if tuple(key) == keys.get(path):
                self.fetched[path] = extract


def _has_errors(problems: list) -> bool:
    return any(problem[2] == ERROR for problem in problems)


def _remove(path: Path) -> None:
    for stale in (path, path.with_name(path.name + "-journal")):
        try:
            stale.unlink()
        except OSError:
            pass
