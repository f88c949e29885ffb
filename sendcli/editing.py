"""``sendcli edit``: edit a private copy, check it, and only then replace the record.

Like ``crontab -e`` and ``visudo``: the editor never touches the record
itself. An invalid copy is shown with its problems and never saved; the
user may edit again or abandon (abandon when there is no terminal).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sendcli.casebook import (
    CACHE_DIR, Casebook, ensure_private_dir, read_private_file, refuse_linked_records_dir, remove_stale_temp_files,
    write_atomic,
)
from sendcli.checking import RECORDS_DIR, Problem, check_record_bytes
from sendcli.core.findings import ERROR
from sendcli.errors import SendcliError
from sendcli.locking import record_lock
from sendcli.updating import lock_timeout


class EditAbandoned(SendcliError):
    pass


@dataclass(frozen=True)
class EditResult:
    changed: bool
    path: Path


def edit_record(casebook: Casebook, record_id: str, today: date, run_editor: Callable[[Path], int],
                again: Callable[[list[Problem]], bool], commit: bool = False) -> EditResult:
    """Run the edit session. ``run_editor`` edits a file and returns its exit status;
    ``again`` is shown the problems of an invalid copy and says whether to edit again."""
    from sendcli import gitops

    path = casebook.existing_record_path(record_id)
    if path.is_symlink():
        raise SendcliError(f"{RECORDS_DIR}/{path.name} is a symbolic link; sendcli does not write through links")
    if commit:
        gitops.require_repository(casebook.root)
    original = path.read_bytes()
    work = casebook.root / CACHE_DIR / "edit"
    ensure_private_dir(work)
    handle, name = tempfile.mkstemp(prefix=f"{record_id}.", suffix=".yaml", dir=work)
    os.close(handle)
    copy = Path(name)
    write_atomic(copy, original)
    display = f"{RECORDS_DIR}/{path.name}"
    while True:
        status = run_editor(copy)
        if status != 0:
            raise EditAbandoned(f"the editor exited with status {status}; nothing saved (your copy: {copy})")
        edited = read_private_file(copy)
        if edited == original:
            copy.unlink()
            return EditResult(False, path)
        verdict = check_record_bytes(edited, display, today, record_id, casebook.local_offer_ids)
        problems = [p for p in verdict.problems if p.severity == ERROR]
        if not problems:
            break
        if not again(problems):
            raise EditAbandoned(f"not saved: the edited record has {len(problems)} "
                                f"problem{'s' * (len(problems) != 1)}; your copy is kept at {copy}")
    with record_lock(casebook.root / CACHE_DIR / "locks", record_id, lock_timeout(casebook)):
        if path.read_bytes() != original:
            raise EditAbandoned(f"{display} was changed by someone else while you were editing; nothing saved. "
                                f"Your copy is kept at {copy}")
        refuse_linked_records_dir(casebook)
        remove_stale_temp_files(path)  # left by a writer killed in its window; we hold the lock
        write_atomic(path, edited)
        if commit:
            gitops.commit_file(casebook.root, path, gitops.commit_message(record_id, "edited by hand"))
    copy.unlink()
    return EditResult(True, path)
