"""Changing a record safely: lock, check, change, check again, write atomically, commit.

Every write command runs through :func:`update_record`:

1. take the record's lock (concurrent writers wait their turn);
2. read and check it: a record with errors is refused, to be fixed first;
3. ask the core for the change (a refusal lists every unmet requirement);
4. apply it to the file round-trip, keeping comments and layout;
5. check the new text exactly as it will be written: invalid → refused;
6. write it atomically, mode 0600; with --commit, commit that file alone.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sendcli.store.casebook import (
    CACHE_DIR, Casebook, ensure_gitignored, refuse_linked_records_dir, remove_stale_temp_files, write_atomic,
)
from sendcli.store.checking import RECORDS_DIR, check_record_bytes, read_bytes
from sendcli.core.findings import ERROR
from sendcli.core.workflow import Change, Outcome, Refusal
from sendcli.errors import InvalidRecord, SendcliError, UsageProblem
from sendcli.store.locking import DEFAULT_TIMEOUT_SECONDS, record_lock
from sendcli.store.records import describe


class StepRefused(SendcliError):
    """A gate not met: every unmet requirement, one per line (exit 1)."""


@dataclass(frozen=True)
class Written:
    path: Path
    change: Change
    committed: bool


def lock_timeout(casebook: Casebook) -> float:
    """``SENDCLI_LOCK_TIMEOUT`` (seconds), else ``lock_timeout_seconds`` in settings, else 30."""
    value = os.environ.get("SENDCLI_LOCK_TIMEOUT")
    if value:
        try:
            return max(0.0, float(value))
        except ValueError:
            raise UsageProblem(f"SENDCLI_LOCK_TIMEOUT={value!r} is not a number of seconds") from None
    return float(casebook.settings.get("lock_timeout_seconds", DEFAULT_TIMEOUT_SECONDS))


def wants_commit(casebook: Casebook, commit_option: bool | None) -> bool:
    if commit_option is not None:
        return commit_option
    return bool((casebook.settings.get("git") or {}).get("commit", False))


def update_record(casebook: Casebook, record_id: str, step: Callable[[dict], Outcome], today: date,
                  what: str, commit: bool = False) -> Written:
    """Run one write command on one record; refuse without changing anything."""
    from sendcli.store.writing import apply_edits
    from sendcli.store import gitops

    path = casebook.existing_record_path(record_id)
    refuse_linked_records_dir(casebook)
    if path.is_symlink():
        raise SendcliError(f"{RECORDS_DIR}/{path.name} is a symbolic link; sendcli does not write through links")
    if commit:
        gitops.require_repository(casebook.root)
    display = f"{RECORDS_DIR}/{path.name}"
    services = casebook.local_offer_ids
    with record_lock(casebook.root / CACHE_DIR / "locks", record_id, lock_timeout(casebook)):
        raw = read_bytes(path)
        if isinstance(raw, str):
            raise InvalidRecord(f"{display}: {raw}")
        before = check_record_bytes(raw, display, today, record_id, services)
        _refuse_errors(before.problems, f"record '{record_id}' has problems; fix them first (sendcli check)")
        outcome = step(before.data)  # type: ignore[arg-type]
        if isinstance(outcome, Refusal):
            when = " yet" if could_become_possible(outcome) else ""
            raise StepRefused(f"{record_id}: cannot {what}{when}:", [f"- {reason}" for reason in outcome.reasons])
        text = apply_edits(raw.decode("utf-8"), outcome.edits)
        after = check_record_bytes(text.encode("utf-8"), display, today, record_id, services)
        _refuse_errors(after.problems, f"{record_id}: refused: the change would make the record invalid",
                       with_place=False)  # the changed file was never written: its lines mean nothing
        remove_stale_temp_files(path)  # left by a writer killed in its window; we hold the lock
        ensure_gitignored(casebook.root)
        write_atomic(path, text.encode("utf-8"))
        if commit:
            # The ID and the kind of change only: free text (a reason, a view) never enters git
            # history, where no purge of the record's file would reach it.
            gitops.commit_file(casebook.root, path, gitops.commit_message(record_id, what))
    return Written(path, outcome, commit)


#: Reasons no later step can change: the thing is done, or the record is closed.
_FOR_GOOD = re.compile(r"\balready\b|\brecord is closed\b|\bno longer\b|\bunknown\b")


def could_become_possible(refusal: Refusal) -> bool:
    """Whether the refused step may become possible later ("cannot ... yet"), or never will.

    "yet" promises that meeting the reasons opens the way (evidence to add, a
    view to record); a step refused because it was already done, or because
    the record is closed, is refused for good and says so.
    """
    if refusal.final:
        return False
    # One reason that holds for good is enough: meeting the others would not open the way.
    return not any(_FOR_GOOD.search(reason) for reason in refusal.reasons)


def _refuse_errors(problems, message: str, with_place: bool = True) -> None:
    errors = [p for p in problems if p.severity == ERROR]
    if errors:
        raise InvalidRecord(message, [describe(p, with_place=with_place) for p in errors])
