"""``sendcli import FILE.xml --format ctf``: the SEN part of a DfE Common Transfer File.

The file is parsed with defusedxml and refused, unread beyond the refusal, if
it declares a DOCTYPE at all (a CTF has none: entity expansion such as the
"billion laughs" and external entities both need one), is larger than
:data:`MAX_CTF_BYTES`, is not well-formed, or is not a CTF (its root is not
``<CTfile>`` with a header naming the document "Common Transfer File").

Only the SEN part and what identifies the pupil are read: UPN, names, date of
birth, year group, admission number where the file has one, and the SEN
history (provision codes with start dates, ranked need types). The rest of
the file (addresses, contacts, attendance, assessments) is never looked at.
Pupils become records exactly as rows of the CSV import do
(``sendcli.exchange.importing``): the same IDs, the same checks, the same matching of
pupils already in the casebook, the same writing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sendcli.store.casebook import Casebook
from sendcli.store.checking import RECORDS_DIR
from sendcli.core.ctf import CtfNeed, CtfPupil, CtfProvision, pupil_of
from sendcli.core.importing import Layout, RowProblem, import_record, pseudonymous_id
from sendcli.errors import SendcliError
from sendcli.exchange.importing import ImportPlan, PupilIndex, read_bounded_file, record_problems

#: The largest CTF read. A secondary school's intake of 300 pupils with full
#: histories is a few MB; 100 MB refuses a runaway or hostile file unread.
MAX_CTF_BYTES = 100 * 1_048_576


@dataclass
class CtfPlan(ImportPlan):
    """An import plan, plus what only a CTF says: its version, and who has no SEN history."""

    version: str = ""
    without_sen: list[int] = field(default_factory=list)
    pupils: int = 0


def read_ctf_bytes(path: Path) -> bytes:
    """The file's bytes: a regular file within :data:`MAX_CTF_BYTES`, else a clear refusal."""
    return read_bounded_file(path, MAX_CTF_BYTES, "Common Transfer File", "save the Common Transfer File first")


def _local(tag: object) -> str:
    """An element's name without its namespace (``{ns}Pupil`` is ``Pupil``)."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _text(element, name: str) -> str:
    """The text of the first descendant called ``name``, or ""."""
    for inner in element.iter():
        if _local(inner.tag) == name:
            return (inner.text or "").strip()
    return ""


def _child(element, name: str):
    return next((inner for inner in element if _local(inner.tag) == name), None)


def parse_ctf(raw: bytes, shown: str) -> tuple[str, list[CtfPupil]]:
    """The CTF's version and its pupils, or a one-line refusal (exit 1)."""
    import defusedxml
    from defusedxml.ElementTree import ParseError, fromstring

    try:
        root = fromstring(raw, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except defusedxml.DTDForbidden:
        raise SendcliError(f"{shown}: the file declares a DOCTYPE, which a Common Transfer File never has "
                           "(it is how entity expansion and external entities get in): refused") from None
    except (defusedxml.EntitiesForbidden, defusedxml.ExternalReferenceForbidden, defusedxml.NotSupportedError):
        raise SendcliError(f"{shown}: the file declares entities, which a Common Transfer File never has: "
                           "refused") from None
    except ParseError as error:
        line, column = getattr(error, "position", (0, 0))
        reason = str(error).split(":")[0]
        raise SendcliError(f"{shown}:{line}:{column}: not well-formed XML ({reason}); the file may be "
                           "truncated: export the Common Transfer File again") from None
    header = _child(root, "Header")
    if _local(root.tag) != "CTfile" or header is None or _text(header, "DocumentName") != "Common Transfer File":
        raise SendcliError(f"{shown}: not a Common Transfer File (a CTF is a <CTfile> whose <Header> has "
                           f"<DocumentName>Common Transfer File</DocumentName>; this file's root is "
                           f"<{_local(root.tag)[:40]}>)")
    version = _text(header, "CTFversion")
    if not version:
        raise SendcliError(f"{shown}: the CTF header has no <CTFversion>; export the file again")
    data = _child(root, "CTFpupilData")
    pupils = []
    for position, element in enumerate((e for e in (data if data is not None else []) if _local(e.tag) == "Pupil"),
                                       start=1):
        pupils.append(_pupil(element, position))
    return version, pupils


def _pupil(element, position: int) -> CtfPupil:
    found = CtfPupil(position, upn=_text(element, "UPN"), surname=_text(element, "Surname"),
                     forename=_text(element, "Forename"), date_of_birth=_text(element, "DOB"),
                     year_group=_text(element, "NCyearActual"), admission_number=_text(element, "AdmissionNumber"))
    history = next((inner for inner in element.iter() if _local(inner.tag) == "SENhistory"), None)
    if history is None:
        return found
    for inner in history.iter():
        names = {_local(part.tag) for part in inner}
        if "SENprovision" in names:
            found.provisions.append(CtfProvision(_text(inner, "StartDate"), _text(inner, "SENprovision")))
        if "NeedType" in names:
            found.needs.append(CtfNeed(_text(inner, "NeedType"), _text(inner, "NeedTypeRank")))
    found.has_sen_history = bool(found.provisions or found.needs)
    return found


def plan_ctf_import(book: Casebook, path: Path, today: date) -> CtfPlan:
    """What importing the CTF would do, every pupil checked; nothing is written."""
    from sendcli.documents.output import printable

    version, pupils = parse_ctf(read_ctf_bytes(path), printable(path))
    plan = CtfPlan(Layout(f"the Common Transfer File (version {version})", {}), "XML", version=version,
                   pupils=len(pupils))
    known = PupilIndex.of_casebook(book)
    taken = set(known.ids)
    this_file = PupilIndex()
    for found in pupils:
        if not found.has_sen_history:
            plan.without_sen.append(found.position)
            continue
        pupil, problems = pupil_of(found, today)
        plan.problems += [p for p in problems if p.severity == "error"]
        plan.warnings += [p for p in problems if p.severity != "error"]
        if pupil is None:
            continue
        already = known.find(pupil)
        if already is not None:
            # Never overwritten: what the SENCO has written since stays as it is.
            plan.skipped.append((found.position, f"already in the casebook as {already} "
                                                 f"({RECORDS_DIR}/{already}.yaml)"))
            continue
        twin = this_file.find(pupil)
        if twin is not None:
            plan.skipped.append((found.position, f"the same pupil as pupil {twin}"))
            continue
        record_id = pseudonymous_id(pupil, taken)
        record = import_record(pupil, record_id, today)
        errors = record_problems(record, today)
        if errors:
            plan.problems += [RowProblem(found.position, "/".join(map(str, pointer)) or "the record", message)
                              for pointer, message in errors]
            taken.discard(record_id)
            continue
        this_file.add(pupil, str(found.position))
        plan.to_create.append((record_id, pupil))
        plan.records[record_id] = record
    return plan
