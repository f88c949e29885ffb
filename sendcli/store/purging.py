"""``sendcli purge``: destroy a closed record once its retention period has ended.

The IRMS toolkit for schools sets how long a pupil's SEN file is kept (date of
birth + 31 years, or until it has gone to the next school, which then keeps
it); UK GDPR Art. 5(1)(e) says no longer than needed. Deleting the file is not
enough in a git repository: every earlier commit still holds it. ``purge``
removes the file, its cache rows and lock, logs the destruction and commits;
``--history`` then rewrites every commit with git-filter-repo so that none
holds the file.

The destruction log (``purged.log`` beside ``sendcli.yaml``, committed with
the removal) keeps what the toolkit asks of a destruction record: which file
(the ID, a pseudonym), when, and who did it (the operator's login), with no
name of the child.
"""

from __future__ import annotations

import getpass
import os
import shutil
import sqlite3
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sendcli.store.casebook import CACHE_DIR, Casebook
from sendcli.store.checking import RECORDS_DIR
from sendcli.core.deadlines import DeadlineSettings, record_deadlines
from sendcli.errors import SendcliError

PURGE_LOG = "purged.log"
PURGE_LOG_HEADER = "# sendcli destruction log: record ID, date destroyed, by whom (IRMS toolkit for schools)\n"
FILTER_REPO = "git-filter-repo"


class PurgeRefused(SendcliError):
    pass


@dataclass(frozen=True)
class Purged:
    record_id: str
    committed: bool
    history_rewritten: bool


def retention_due(book: Casebook, record_id: str, today: date) -> date:
    """The date the record's retention ended; refused unless closed and that date has come."""
    from sendcli.store.records import read_record

    record = read_record(book, record_id, today).data
    assert isinstance(record, dict)
    if record.get("status") != "closed":
        raise PurgeRefused(f"{record_id}: only a closed record can be purged (its status is "
                           f"{record.get('status')}); close it first with sendcli close")
    items = [item for item in record_deadlines(record, DeadlineSettings.from_settings(book.settings))
             if item.kind == "retention"]
    if not items:
        raise PurgeRefused(f"{record_id}: no retention date can be worked out for this record "
                           "(sendcli check shows why)")
    ends = min(item.due for item in items)
    if ends > today:
        raise PurgeRefused(f"{record_id}: its retention period runs until {ends.isoformat()}; "
                           "it cannot be purged before then")
    return ends


def purge(book: Casebook, record_id: str, today: date, *, history: bool = False, who: str | None = None) -> Purged:
    """Remove the record (and, with ``history``, every trace of it in git). Checks come first."""
    from sendcli.store import gitops

    retention_due(book, record_id, today)
    path = book.existing_record_path(record_id)
    in_git = gitops.is_repository(book.root)
    if history:
        if not in_git:
            raise PurgeRefused("--history rewrites git history, but the casebook is not a git repository")
        tool = filter_repo_command()
        if gitops.has_uncommitted_changes(book.root):
            raise PurgeRefused("--history rewrites every commit and resets the working tree: commit or "
                               "stash every change first (git status shows them)")
    log = book.root / PURGE_LOG
    existing = log.read_text(encoding="utf-8") if log.exists() else PURGE_LOG_HEADER
    operator = who or _operator()
    line = f"{record_id}\t{today.isoformat()}\t{operator}\n"
    from sendcli.store.casebook import write_atomic

    tracked = in_git and gitops.is_tracked(book.root, path)
    path.unlink()
    _forget(book.root, record_id, path.name)
    write_atomic(log, (existing + line).encode("utf-8"))
    committed = False
    if in_git:
        gitops.commit_removal(book.root, path if tracked else None, log, f"{record_id}: purged (retention)")
        committed = True
    rewritten = False
    if history:
        relative = path.resolve().relative_to(gitops.top_level(book.root)).as_posix()
        gitops.remove_from_history(book.root, tool, relative)
        rewritten = True
    return Purged(record_id, committed, rewritten)


def filter_repo_command() -> list[str]:
    """How to run git-filter-repo: beside this Python first (a virtual environment), then on the PATH."""
    beside = Path(sys.executable).parent / FILTER_REPO
    if beside.is_file() and os.access(beside, os.X_OK):
        return [str(beside)]
    found = shutil.which(FILTER_REPO)
    if found:
        return [found]
    raise PurgeRefused("purge --history needs git-filter-repo, which is not installed: "
                       "pip install git-filter-repo (or your system's git-filter-repo package)")


def _operator() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name (a container): say so rather than fail
        return "unknown"


def _forget(root: Path, record_id: str, file_name: str) -> None:
    """Drop the record's lock file and its rows of the summary cache."""
    lock = root / CACHE_DIR / "locks" / f"{record_id}.lock"
    try:
        lock.unlink()
    except FileNotFoundError:
        pass
    cache = root / CACHE_DIR / "summaries.sqlite"
    if not cache.is_file() or cache.is_symlink():
        return
    name = f"{RECORDS_DIR}/{file_name}"
    try:
        connection = sqlite3.connect(cache, timeout=5, isolation_level=None)
        try:
            connection.execute("DELETE FROM summaries WHERE path = ? OR path LIKE ?", (name, f"%/{name}"))
        finally:
            connection.close()
    except sqlite3.Error:
        cache.unlink(missing_ok=True)  # a cache that cannot be changed is rebuilt on the next run
