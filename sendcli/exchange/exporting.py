"""``sendcli export``: everything the casebook holds about one child, for a subject access request.

UK GDPR Art. 15 gives the child, or a parent acting for them, a right to a copy
of their personal data; the Education (Pupil Information) (England)
Regulations 2005 give parents access to the educational record. The export
holds the record file, every report that applies to its state, the
chronology, what `due` says about the child, and (in a git repository) the
record's history with each version's changes, plus a manifest of SHA-256s.
It holds nothing about any other child: reports are rendered from this record
alone, and the history is of this record's file alone, never of a file git
thinks it was copied from.

``--redact-staff`` leaves staff names out (people who are not family, the
``by`` of notes and views, the authors of commits, the SENCO's name), where
the school's policy withholds third parties' names from a disclosure.
"""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sendcli.store.casebook import Casebook, ensure_private_dir, local_offer_services, write_atomic
from sendcli.documents.output import refuse_protected
from sendcli.core.chronology import chronology
from sendcli.core.deadlines import DeadlineSettings, record_deadlines
from sendcli.errors import SendcliError

MANIFEST = "manifest.json"
#: Roles of the family: everyone else in ``people`` is a member of staff or a professional.
FAMILY_ROLES = frozenset({"parent", "carer", "young-person", "child", "deputy"})
STAFF = "staff"
#: The per-child templates an export renders; one that does not apply to the record's state says so.
TEMPLATES = ("plan", "review", "parent", "profile", "ehc-request", "passport", "annual-review")


@dataclass(frozen=True)
class Export:
    files: dict[str, bytes]
    notes: list[str]


def build_export(book: Casebook, record_id: str, today: date, *, redact_staff: bool = False) -> Export:
    """The export's files in memory (``manifest.json`` last): nothing is written here."""
    from sendcli.store import gitops
    from sendcli.store.records import read_record
    from sendcli.documents.reporting import NothingToReport, record_report
    from sendcli.store.writing import dump_yaml

    path = book.existing_record_path(record_id)
    record = read_record(book, record_id, today).data
    assert isinstance(record, dict)
    settings = dict(book.settings)
    files: dict[str, bytes] = {}
    notes: list[str] = []
    staff_names: set[str] = set()
    if redact_staff:
        staff_names = names_of_staff(record)
        record = without_staff_names(record)
        settings.pop("senco", None)
        files[f"{record_id}.yaml"] = dump_yaml(record).encode("utf-8")
        notes.append("staff names are left out (--redact-staff); the record file is re-written without them")
    else:
        files[f"{record_id}.yaml"] = path.read_bytes()
    shown_book = Casebook(book.root, settings)
    for template in TEMPLATES:
        try:
            files[f"{record_id}.{template}.html"] = record_report(shown_book, record, template, "html",
                                                                 today, archive=True).encode("utf-8")
        except NothingToReport as why:
            notes.append(why.message)
    events = chronology(record)
    files[f"{record_id}.chronology.html"] = render_chronology(shown_book, record, events, "html", today)
    files[f"{record_id}.chronology.md"] = render_chronology(shown_book, record, events, "md", today)
    deadlines = record_deadlines(record, DeadlineSettings.from_settings(settings))
    files[f"{record_id}.deadlines.json"] = _json({
        "as_of": today.isoformat(),
        "deadlines": [{"kind": item.kind, "due": item.due.isoformat(), "days_left": item.days_left(today),
                       "detail": item.detail} for item in deadlines]})
    history = gitops.record_history_text(book.root, path, author=STAFF if redact_staff else None)
    if history is None:
        notes.append("the casebook is not a git repository: no history of the record is kept")
    else:
        for name in sorted(staff_names, key=len, reverse=True):  # the old versions hold them too
            history = history.replace(name, STAFF)
        files[f"{record_id}.history.txt"] = history.encode("utf-8")
    files[MANIFEST] = manifest(record_id, book.settings.get("name", ""), today, files, notes,
                               purpose="export for a subject access request", redact_staff=redact_staff)
    return Export(files, notes)


def render_chronology(book: Casebook, record: dict, events, output_format: str, today: date) -> bytes:
    from sendcli.documents.rendering import record_context, render

    context = record_context(record, today, book.settings, local_offer_services(book.root))
    context["events"] = events
    return render("chronology", output_format, context, book.root).encode("utf-8")


def manifest(record_id: str, setting: str, today: date, files: dict[str, bytes], notes: list[str],
             **more) -> bytes:
    return _json({
        "record": record_id,
        "made": today.isoformat(),
        "from": setting,
        **more,
        "files": [{"name": name, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
                  for name, data in files.items() if name != MANIFEST],
        "notes": notes,
    })


def _json(value: object) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def names_of_staff(record: dict) -> set[str]:
    """Every staff name the record holds: people who are not family, and who wrote notes and views."""
    names = {str(person["name"]) for person in record.get("people") or []
             if isinstance(person, dict) and person.get("role") not in FAMILY_ROLES and person.get("name")}
    found: list[str] = []
    _collect_by(record, found)
    return {name for name in names | set(found) if len(name) >= 3}


def _collect_by(node: object, found: list[str]) -> None:
    if isinstance(node, dict):
        if isinstance(node.get("by"), str) and node["by"] not in FAMILY_ROLES:
            found.append(node["by"])
        for value in node.values():
            _collect_by(value, found)
    elif isinstance(node, list):
        for item in node:
            _collect_by(item, found)


def without_staff_names(record: dict) -> dict:
    """A copy of ``record`` with every member of staff's name replaced by their role (or "staff")."""
    shown = copy.deepcopy(record)
    for person in shown.get("people") or []:
        if isinstance(person, dict) and person.get("role") not in FAMILY_ROLES:
            person["name"] = str(person.get("role") or STAFF)
            person.pop("contact", None)
    _replace_by(shown)
    return shown


def _replace_by(node: object) -> None:
    if isinstance(node, dict):
        if isinstance(node.get("by"), str) and node["by"] not in FAMILY_ROLES:
            node["by"] = STAFF
        for value in node.values():
            _replace_by(value)
    elif isinstance(node, list):
        for item in node:
            _replace_by(item)


def write_folder(folder: Path, files: dict[str, bytes]) -> None:
    """Write ``files`` into a new or empty ``folder`` (0700; files 0600): never over anything there,
    nor inside a casebook's own files (records/, .sendcli/)."""
    refuse_protected(folder, [], "--output")
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise SendcliError(f"{folder} is not a folder; give a new or empty folder")
    if folder.is_dir() and any(folder.iterdir()):
        raise SendcliError(f"{folder} is not empty; give a new or empty folder")
    ensure_private_dir(folder)
    for name, data in files.items():
        write_atomic(folder / name, data, exclusive=True)


def write_sealed(target: Path, sealed: bytes) -> None:
    """Write one encrypted pack to ``target``, a new file (0600), never among a casebook's own files."""
    refuse_protected(target, [], "--output")
    if target.exists() or target.is_symlink():
        raise SendcliError(f"{target} already exists; give a new file name for the encrypted pack")
    if not target.parent.is_dir():
        raise SendcliError(f"{target.parent} is not a folder")
    write_atomic(target, sealed, exclusive=True)
