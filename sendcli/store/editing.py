"""``sendcli edit``: edit a private copy, check it, and only then replace the record.

Like ``crontab -e`` and ``visudo``: the editor never touches the record
itself. An invalid copy is shown with its problems and never saved; the
user may edit again or abandon (abandon when there is no terminal). An
abandoned copy is kept, with the record as it was when the copy was made,
so the next ``sendcli edit`` of the same record can resume it instead of
starting again from the record.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sendcli.store.casebook import (
    CACHE_DIR, Casebook, ensure_private_dir, read_private_file, refuse_linked_records_dir, remove_stale_temp_files,
    write_atomic,
)
from sendcli.store.checking import RECORDS_DIR, Problem, check_record_bytes
from sendcli.core.findings import ERROR
from sendcli.errors import SendcliError
from sendcli.store.locking import record_lock
from sendcli.store.updating import lock_timeout

EDIT_DIR = Path(CACHE_DIR) / "edit"
#: Next to a kept copy: the record's bytes when the copy was made, to tell whether it moved on since.
BASE_SUFFIX = ".base"


class EditAbandoned(SendcliError):
    pass


@dataclass(frozen=True)
class EditResult:
    changed: bool
    path: Path


@dataclass(frozen=True)
class KeptCopy:
    """A copy left by an edit that was not saved, and whether the record is still as it was then."""

    path: Path
    display: str
    record_unchanged: bool


def kept_copy(casebook: Casebook, record_id: str) -> KeptCopy | None:
    """The newest copy of ``record_id`` kept by an edit that was not saved, if any."""
    folder = casebook.root / EDIT_DIR
    if not folder.is_dir():
        return None
    kept = [copy for copy in folder.glob(f"{record_id}.*.yaml")
            if copy.name.count(".") == 2 and copy.with_name(copy.name + BASE_SUFFIX).is_file()]
    if not kept:
        return None
    newest = max(kept, key=lambda copy: copy.stat().st_mtime)
    record = casebook.existing_record_path(record_id)
    base = newest.with_name(newest.name + BASE_SUFFIX).read_bytes()
    return KeptCopy(newest, _display(casebook, newest), record.read_bytes() == base)


def _display(casebook: Casebook, copy: Path) -> str:
    return str(copy.relative_to(casebook.root))


def edit_record(casebook: Casebook, record_id: str, today: date, run_editor: Callable[[Path], int],
                again: Callable[[list[Problem]], bool], commit: bool = False,
                resume: Callable[[KeptCopy], bool] = lambda kept: False) -> EditResult:
    """Run the edit session. ``run_editor`` edits a file and returns its exit status;
    ``again`` is shown the problems of an invalid copy and says whether to edit again;
    ``resume`` is shown a copy kept from an earlier session and says whether to edit it
    rather than a fresh copy of the record."""
    from sendcli.store import gitops

    path = casebook.existing_record_path(record_id)
    if path.is_symlink():
        raise SendcliError(f"{RECORDS_DIR}/{path.name} is a symbolic link; sendcli does not write through links")
    if commit:
        gitops.require_repository(casebook.root)
    original = path.read_bytes()
    work = casebook.root / EDIT_DIR
    ensure_private_dir(work)

    earlier = kept_copy(casebook, record_id)
    if earlier is not None and earlier.record_unchanged and resume(earlier):
        copy = earlier.path
        copy.with_name(copy.name + BASE_SUFFIX).unlink()  # in use again: no longer a kept copy
    else:
        handle, name = tempfile.mkstemp(prefix=f"{record_id}.", suffix=".yaml", dir=work)
        os.close(handle)
        copy = Path(name)
        write_atomic(copy, original)
    # Problems are reported at the copy's lines, in the file the user has open.
    display = _display(casebook, copy)

    def keep(message: str) -> EditAbandoned:
        write_atomic(copy.with_name(copy.name + BASE_SUFFIX), original)
        return EditAbandoned(f"{message}; your copy is kept at {display} "
                             f"(sendcli edit {record_id} offers to resume it)")

    while True:
        status = run_editor(copy)
        if status != 0:
            raise keep(f"the editor exited with status {status}; nothing saved")
        edited = read_private_file(copy)
        if edited == original:
            copy.unlink()
            return EditResult(False, path)
        verdict = check_record_bytes(edited, display, today, record_id, casebook.local_offer_ids)
        problems = [p for p in verdict.problems if p.severity == ERROR]
        if not problems:
            break
        if not again(problems):
            raise keep(f"not saved: the edited record has {len(problems)} problem{'s' * (len(problems) != 1)}")
    with record_lock(casebook.root / CACHE_DIR / "locks", record_id, lock_timeout(casebook)):
        if path.read_bytes() != original:
            raise EditAbandoned(f"{RECORDS_DIR}/{path.name} was changed by someone else while you were editing; "
                                f"nothing saved. Your copy is kept at {display}")
        refuse_linked_records_dir(casebook)
        remove_stale_temp_files(path)  # left by a writer killed in its window; we hold the lock
        write_atomic(path, edited)
        if commit:
            gitops.commit_file(casebook.root, path, gitops.commit_message(record_id, "edited by hand"))
    copy.unlink()
    return EditResult(True, path)
