"""Creating casebooks and records, and reading one record for display.

The library behind ``init``, ``new`` and ``show``: the CLI only parses
options and prints. Every write is checked first, exactly as the file will
be read back, and refused with its problems when invalid.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sendcli.store.casebook import (
    SCHEMA_COMMENT, SCHEMA_COPY, Casebook, ensure_gitignored, ensure_private_dir, refuse_linked_records_dir,
    write_atomic,
)
from sendcli.store.checking import (
    CONFIG_FILE, LOCAL_OFFER_FILE, RECORDS_DIR, FileCheck, Problem, check_record_bytes, read_bytes,
)
from sendcli.core import codes
from sendcli.core.newrecord import new_record
from sendcli.core.findings import ERROR
from sendcli.errors import InvalidRecord, SendcliError
from sendcli.store.schemas import schema_path


def init_casebook(folder: Path, name: str, today: date | None = None) -> list[Path]:
    """Create ``sendcli.yaml``, ``records/``, ``.gitignore``, ``local-offer.yaml`` and the schema copy.

    ``sendcli.yaml`` offers every setting, commented out with its default, and
    closures in the shape of the school year holding ``today``; an existing
    ``local-offer.yaml`` is left as it is.
    """
    config = folder / CONFIG_FILE
    if config.exists():
        raise SendcliError(f"{config} already exists: this folder is a casebook already")
    for path in (folder, folder / RECORDS_DIR, folder / SCHEMA_COPY.parent):
        if path.exists() and not path.is_dir():
            raise SendcliError(f"{path} is a file; a casebook needs a folder there")
    ensure_private_dir(folder)
    ensure_private_dir(folder / RECORDS_DIR)
    ensure_private_dir(folder / SCHEMA_COPY.parent)
    write_atomic(folder / SCHEMA_COPY, schema_path().read_bytes())
    created = [folder / RECORDS_DIR, folder / SCHEMA_COPY]

    gitignore = ensure_gitignored(folder, create=True)
    if gitignore is not None:
        created.append(gitignore)

    from sendcli.store.settings_template import LOCAL_OFFER_TEXT, settings_text
    from sendcli.store.writing import dump_yaml

    local_offer = folder / LOCAL_OFFER_FILE
    if not local_offer.exists():
        write_atomic(local_offer, LOCAL_OFFER_TEXT.encode())
        created.append(local_offer)
    # The name goes through the YAML writer so that any text stays text.
    name_yaml = dump_yaml({"name": name}).split(":", 1)[1].strip()
    write_atomic(config, settings_text(name_yaml, today or date.today()).encode(), exclusive=True)
    created.insert(0, config)
    return created


@dataclass
class NewChild:
    """What ``sendcli new`` is told about a child."""

    record_id: str
    name: str
    date_of_birth: date
    setting: str = "school"
    year_group: str | None = None
    needs: list[str] = field(default_factory=list)
    status: str = codes.SEN_SUPPORT
    admission_number: str | None = None
    #: When they joined the SEN register (default: today, for SEN support and EHC plans).
    entered: date | None = None


def new_record_text(child: NewChild, today: date) -> str:
    """The new record in the layout of docs/record.md."""
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    from sendcli.store.writing import dump_yaml

    child_fields: dict = {"name": child.name, "date_of_birth": child.date_of_birth, "setting": child.setting}
    if child.year_group is not None:
        child_fields["year_group"] = DoubleQuotedScalarString(child.year_group)
    if child.admission_number is not None:
        child_fields["admission_number"] = DoubleQuotedScalarString(child.admission_number)
    record = new_record(child.record_id, today, status=child.status, child=child_fields, needs=child.needs,
                        entered=child.entered)
    return dump_yaml(record, header=SCHEMA_COMMENT)


def create_record(casebook: Casebook, child: NewChild, today: date) -> Path:
    """Write ``records/ID.yaml`` for a new child; refuse rather than overwrite or write invalid data."""
    path = casebook.record_path(child.record_id)
    if path.exists() or path.is_symlink():
        raise SendcliError(f"record '{child.record_id}' already exists ({RECORDS_DIR}/{path.name}); "
                           "sendcli never overwrites a record")
    if child.date_of_birth > today:
        raise SendcliError(f"the date of birth {child.date_of_birth} is in the future (today is {today})")
    if child.entered is not None:
        if child.status not in codes.STATUSES_NEEDING_PRIMARY_NEED:
            raise SendcliError(f"a child with status {child.status} is not on the SEN register: "
                               "leave out --entered")
        if child.entered > today:
            raise SendcliError(f"the register date {child.entered} is in the future (today is {today})")
        if child.entered < child.date_of_birth:
            raise SendcliError(f"the register date {child.entered} is before the date of birth")
    text = new_record_text(child, today)
    verdict = check_record_bytes(text.encode(), f"{RECORDS_DIR}/{path.name}", today, child.record_id)
    refuse_if_invalid(verdict, "the new record would not be valid")
    ensure_private_dir(casebook.records_dir)
    refuse_linked_records_dir(casebook)
    ensure_gitignored(casebook.root)
    try:
        write_atomic(path, text.encode("utf-8"), exclusive=True)
    except FileExistsError:
        raise SendcliError(f"record '{child.record_id}' already exists; sendcli never overwrites a record") from None
    return path


def refuse_if_invalid(verdict: FileCheck, message: str) -> None:
    errors = [p for p in verdict.problems if p.severity == ERROR]
    if errors:
        raise InvalidRecord(message, [describe(p, with_place=False) for p in errors])


def describe(problem: Problem, with_place: bool = True) -> str:
    place = f"{problem.path}:{problem.line}:{problem.column}: " if with_place else ""
    field_name = f"{problem.field}: " if problem.field else ""
    return f"{place}{problem.severity}: {field_name}{problem.message} [{problem.rule}]"


def read_record(casebook: Casebook, record_id: str, today: date, redact: bool = False) -> FileCheck:
    """One record, checked; refused (exit 1) with its problems when it has errors.

    With ``redact``, each problem is told by its place and rule only: a message may quote
    what the file says (a name, a date of birth), and redacted output may leave the school.
    """
    path = casebook.existing_record_path(record_id)
    raw = read_bytes(path)
    display = f"{RECORDS_DIR}/{path.name}"
    if isinstance(raw, str):
        raise InvalidRecord(f"{display}: {raw}")
    verdict = check_record_bytes(raw, display, today, record_id, casebook.local_offer_ids)
    errors = [p for p in verdict.problems if p.severity == ERROR]
    if errors:
        details = ([f"{p.path}:{p.line}:{p.column}: {p.severity} [{p.rule}]" for p in errors] if redact
                   else [describe(p) for p in errors])
        raise InvalidRecord(f"record '{record_id}' has problems; fix them first (sendcli check)", details)
    return verdict
