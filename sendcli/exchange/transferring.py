"""``sendcli transfer``: the record and its reports, for the child's next school or college.

Education (Pupil Information) (England) Regulations 2005, reg 9: the file
goes to the new school within 15 school days of the child leaving. The pack
holds the record file, the rendered plan, review, profile and passport (and
the annual review report where the child has an EHC plan), and a manifest
with a SHA-256 of each file, so the receiving school can check nothing was
changed on the way.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sendcli.store.casebook import Casebook, ensure_private_dir, write_atomic
from sendcli.core import codes
from sendcli.core.workflow import mark_transferred
from sendcli.errors import SendcliError
from sendcli.documents.output import check_output_folder, printable, refuse_protected
from sendcli.store.records import read_record
from sendcli.documents.reporting import NothingToReport, record_report
from sendcli.store.updating import update_record


def pack_templates(record: dict) -> tuple[str, ...]:
    """The reports a transfer pack holds: the plan, the review and the profile; the passport, so
    that the adults who teach the child at the next school know from the first day what helps;
    and, for a child with an EHC plan, the annual review report (the plan goes with the child)."""
    from sendcli.core.deadlines import plan_date

    ehc = record.get("ehc") or {}
    with_plan = plan_date(ehc) is not None and not ehc.get("ceased")
    return ("plan", "review", "profile", "passport", *(("annual-review",) if with_plan else ()))


@dataclass(frozen=True)
class Pack:
    folder: Path
    files: list[str]
    notes: list[str]
    transferred: bool


def make_pack(book: Casebook, record_id: str, folder: Path, today: date, commit: bool = False,
              recipients: list | None = None) -> Pack:
    """Write the pack into ``folder`` (0700, files 0600); never overwrite a file already there.

    With ``recipients`` (age or SSH public keys), ``folder`` names one encrypted file instead, and
    nothing unencrypted is written (:mod:`sendcli.exchange.sealing`).
    """
    record = read_record(book, record_id, today).data
    assert isinstance(record, dict)
    contents: dict[str, bytes] = {f"{record_id}.yaml": book.existing_record_path(record_id).read_bytes()}
    notes = []
    for template in pack_templates(record):
        try:
            contents[f"{record_id}.{template}.html"] = record_report(book, record, template, "html", today,
                                                                      archive=True).encode()
        except NothingToReport as why:
            notes.append(why.message)
    if recipients:
        refuse_protected(folder, [book.root], "--output")  # one sealed file, not a folder
    else:
        check_output_folder(folder, [book.root], "--output")
    # lexists: a dangling link is a name taken too (it would stop the manifest, the last file, being written).
    clashes = [name for name in [*contents, "manifest.json"] if os.path.lexists(folder / name)] \
        if not recipients else []
    if clashes:
        raise SendcliError(f"{printable(folder)} already holds {', '.join(clashes)}; give an empty or new folder")
    manifest = {
        "record": record_id,
        "made": today.isoformat(),
        "from": book.settings.get("name", ""),
        "files": [{"name": name, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
                  for name, data in contents.items()],
        "notes": notes,
    }
    contents["manifest.json"] = (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode()
    if recipients:
        from sendcli.exchange.exporting import write_sealed
        from sendcli.exchange.sealing import seal

        write_sealed(folder, seal(contents, recipients))
    else:
        _write_pack(folder, contents)
    closed = record.get("closed") or {}
    transferred = False
    if record.get("status") == codes.CLOSED and not closed.get("transferred"):
        update_record(book, record_id, lambda current: mark_transferred(current, today), today,
                      "record the transfer", commit=commit)
        transferred = True
    return Pack(folder, list(contents), notes, transferred)


def _write_pack(folder: Path, contents: dict[str, bytes]) -> None:
    """Write every file of the pack, or none: a failure part-way (a full disk, a name taken
    meanwhile) removes what this run wrote, and the folder if this run made it, so that the
    next run starts clean instead of finding half a pack without its manifest."""
    made = [parent for parent in (folder, *folder.parents) if not os.path.lexists(parent)]
    written: list[Path] = []
    try:
        ensure_private_dir(folder)
        for name, data in contents.items():
            write_atomic(folder / name, data, exclusive=True)
            written.append(folder / name)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        for parent in made:  # innermost first; only if still empty
            try:
                parent.rmdir()
            except OSError:
                break
        raise
