"""``sendcli import``: a school's SEN register, exported as CSV, into new records.

Reads UTF-8 (with or without a byte order mark) and Windows-1252, the two
encodings spreadsheets save in. Never overwrites: a pupil already in the
casebook is reported as skipped, so running the same import twice creates
nothing new.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sendcli.casebook import Casebook, readable_records
from sendcli.checking import read_bytes

from sendcli.core.importing import (
    FIELDS, Layout, Pupil, RowProblem, match_layout, parse_row, pseudonymous_id, same_pupil,
)
from sendcli.errors import SendcliError, UsageProblem
from sendcli.loading import load_yaml, locate
from sendcli.records import NewChild, create_record


@dataclass
class ImportPlan:
    layout: Layout
    encoding: str
    to_create: list[tuple[str, Pupil]] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)


def decode(raw: bytes) -> tuple[str, str]:
    """The text and the encoding it was in: UTF-8 (BOM or not), else Windows-1252."""
    try:
        return raw.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        raise SendcliError("the CSV is neither UTF-8 nor Windows-1252 text; save it as 'CSV UTF-8'") from None


def read_mapping(path: Path) -> dict[str, str]:
    """``--map FILE``: a YAML mapping of our field names to the file's column headers."""
    raw = read_bytes(path)
    if isinstance(raw, str):
        raise UsageProblem(f"--map {path}: {raw}")
    loaded = load_yaml(raw)
    data = loaded.data
    if not loaded.ok:
        first = loaded.located[0] if loaded.located else None
        finding = loaded.findings[0] if loaded.findings else None
        line, column = (first.line, first.column) if first else locate(loaded.root, finding.pointer, finding.at_key)
        message = first.message if first else finding.message
        raise UsageProblem(f"{path}:{line}:{column}: {message}")
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise UsageProblem(f"--map {path}: a YAML mapping of fields to column headers, e.g. 'date_of_birth: Born'")
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        raise UsageProblem(f"--map {path}: unknown field(s) {', '.join(unknown)}; fields are {', '.join(FIELDS)}")
    return data


def plan_import(book: Casebook, csv_path: Path, today: date, preset: str | None = None,
                mapping: dict[str, str] | None = None) -> ImportPlan:
    raw = read_bytes(csv_path)
    if isinstance(raw, str):
        raise SendcliError(f"{csv_path}: {raw}")
    text, encoding = decode(raw)
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t") if sample.strip() else csv.excel
    except csv.Error:
        dialect = csv.excel
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), dialect))
    except csv.Error as error:  # a cell over the csv module's 128 KiB, a NUL byte: not a register export
        raise SendcliError(f"{csv_path} cannot be read as CSV ({error}); export the SEN register "
                           "from the MIS as CSV") from None
    header_index = next((i for i, row in enumerate(rows) if any(cell.strip() for cell in row)), None)
    if header_index is None:
        raise SendcliError(f"{csv_path} is empty: export the SEN register with its header row")
    headers = [cell.strip() for cell in rows[header_index]]
    layout = match_layout(headers, preset, mapping)
    if isinstance(layout, str):
        raise SendcliError(f"{csv_path}: {layout}")
    plan = ImportPlan(layout, encoding)

    # Only what same_pupil compares, of each record already there.
    existing = [{"id": record["id"], "child": {key: record["child"].get(key) for key in
                                               ("name", "admission_number", "date_of_birth")}}
                for record in readable_records(book.root, today, [])]
    taken = {record["id"] for record in existing} | {p.stem for p in book.records_dir.glob("*.yaml")}
    seen: list[Pupil] = []
    for offset, row in enumerate(rows[header_index + 1:], start=header_index + 2):
        if not any(cell.strip() for cell in row):
            continue  # blank lines, as spreadsheets leave at the end
        values = dict(zip(headers, row))
        pupil, found = parse_row(offset, values, layout, today)
        plan.problems += [p for p in found if p.severity == "error"]
        plan.warnings += [p for p in found if p.severity != "error"]
        if pupil is None:
            continue
        already = next((r for r in existing if same_pupil(pupil, r)), None)
        if already is not None:
            plan.skipped.append((offset, f"already in the casebook as {already['id']}"))
            continue
        twin = next((p for p in seen if _same(p, pupil)), None)
        if twin is not None:
            plan.skipped.append((offset, f"the same pupil as row {twin.row}"))
            continue
        seen.append(pupil)
        plan.to_create.append((pseudonymous_id(pupil, taken), pupil))
    return plan


def _same(first: Pupil, second: Pupil) -> bool:
    if first.number and first.number == second.number:
        return True
    return " ".join(first.name.lower().split()) == " ".join(second.name.lower().split()) \
        and first.date_of_birth == second.date_of_birth


def setting_for(year_group: str | None) -> str:
    return "early-years" if year_group in ("N1", "N2") else "school"


def write_plan(book: Casebook, plan: ImportPlan, today: date) -> list[Path]:
    """Create the planned records; each is checked as it is written, never overwriting."""
    written = []
    for record_id, pupil in plan.to_create:
        child = NewChild(record_id=record_id, name=pupil.name, date_of_birth=pupil.date_of_birth,
                         setting=setting_for(pupil.year_group), year_group=pupil.year_group, needs=pupil.needs,
                         status=pupil.status, admission_number=pupil.number, entered=pupil.start_date)
        written.append(create_record(book, child, today))
    return written



