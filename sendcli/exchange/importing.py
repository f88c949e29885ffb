"""``sendcli import``: a school's SEN register, exported as CSV, into new records.

Reads UTF-8 (with or without a byte order mark), Windows-1252 and the UTF-16
of Excel's "Unicode Text" (tab-separated), the encodings spreadsheets save in.
Every row is checked at plan time as its record would be (schema and rules),
so ``--dry-run`` and ``--all-or-nothing`` know every bad row before anything
is written. Never overwrites: a pupil already named by a record file of the
casebook, readable or not, is reported as skipped, so running the same import
twice creates nothing new. Planning is linear in the rows and the records:
each is looked up in an index, never compared with all the others.
"""

from __future__ import annotations

import csv
import io
import os
import re
import stat
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sendcli.store.casebook import Casebook
from sendcli.store.checking import RECORDS_DIR, read_bytes
from sendcli.core.importing import (
    FIELDS, Layout, Pupil, RowProblem, column_of, import_record, match_layout, name_key, parse_row,
    pseudonymous_id,
)
from sendcli.errors import SendcliError, UsageProblem
from sendcli.store.loading import load_yaml, locate

#: The largest CSV read: its own bound, not a record's. A register of 16,000 pupils
#: with every column is about 2 MB; 64 MB leaves room for any school's export
#: (and Excel's UTF-16 doubles the bytes) while refusing a runaway file unread.
MAX_CSV_BYTES = 64 * 1_048_576


@dataclass
class ImportPlan:
    layout: Layout
    encoding: str
    to_create: list[tuple[str, Pupil]] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)
    #: The record of each row to create, checked (record ID -> data).
    records: dict[str, dict] = field(default_factory=dict)


def read_csv_bytes(path: Path) -> bytes:
    """The CSV's bytes: a regular file within :data:`MAX_CSV_BYTES`, else a clear refusal."""
    return read_bounded_file(path, MAX_CSV_BYTES, "CSV file", "export the SEN register to a CSV file")


def read_bounded_file(path: Path, limit: int, kind: str, how_to_make_one: str) -> bytes:
    """A file handed to an import: a regular file within ``limit`` bytes, else a clear refusal naming ``kind``."""
    try:
        with path.open("rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise SendcliError(f"{path} is not a regular file; {how_to_make_one}")
            if info.st_size > limit:
                raise SendcliError(f"{path} is {info.st_size / 1_048_576:.1f} MB; {kind}s larger than "
                                   f"{limit // 1_048_576} MB are refused")
            raw = handle.read(limit + 1)
    except FileNotFoundError:
        raise SendcliError(f"{path}: the file does not exist") from None
    except IsADirectoryError:
        raise SendcliError(f"{path} is a folder, not a {kind}") from None
    except PermissionError:
        raise SendcliError(f"{path}: the file cannot be read (permission denied)") from None
    except OSError as error:
        raise SendcliError(f"{path}: the file cannot be read ({error.strerror or type(error).__name__})") from None
    if len(raw) > limit:  # grew while being read
        raise SendcliError(f"{path}: {kind}s larger than {limit // 1_048_576} MB are refused")
    return raw


def decode(raw: bytes) -> tuple[str, str]:
    """The text and the encoding it was in: UTF-16 (Excel's "Unicode Text"), UTF-8 (BOM or not),
    else Windows-1252."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16le(raw):
        try:
            return raw.decode("utf-16" if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-16-le"), "UTF-16"
        except UnicodeDecodeError:
            raise SendcliError("the CSV starts as UTF-16 text but is not; save it again as 'CSV UTF-8'") from None
    try:
        return raw.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        raise SendcliError("the CSV is neither UTF-8, UTF-16 nor Windows-1252 text; save it as 'CSV UTF-8'") from None


def _looks_utf16le(raw: bytes) -> bool:
    """UTF-16 without its byte order mark: ASCII headers leave every second byte zero."""
    head = raw[:64]
    return len(head) >= 8 and head[1::2].count(0) == len(head[1::2]) and head[0::2].count(0) == 0


def delimiter_of(header_line: str) -> str:
    """The delimiter the header row uses most, outside quotes: tab, comma or semicolon.

    csv.Sniffer guesses from a sample of whole rows and can take the comma of
    "Surname, Forename" in a tab-separated file for the delimiter.
    """
    counts = {"\t": 0, ",": 0, ";": 0}
    quoted = False
    for character in header_line:
        if character == '"':
            quoted = not quoted
        elif not quoted and character in counts:
            counts[character] += 1
    best = max(counts, key=lambda delimiter: counts[delimiter])  # ties: tab, then comma
    return best if counts[best] else ","


def read_mapping(path: Path) -> dict[str, str]:
    """``--map FILE``: a YAML mapping of our field names to the file's column headers."""
    raw = read_bytes(path, follow_links=True)  # --map: a file the user names, not one of the casebook
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
    """What the import would do, every row checked; nothing is written."""
    text, encoding = decode(read_csv_bytes(csv_path))
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter_of(first_line))
    rows: list[tuple[int, list[str]]] = []
    try:
        for row in reader:
            if any(cell.strip() for cell in row):  # blank lines, as spreadsheets leave at the end, are not rows
                rows.append((reader.line_num, row))  # the physical line: the header is row 1
    except csv.Error as error:  # a cell over the csv module's 128 KiB, a NUL byte: not a register export
        raise SendcliError(f"{csv_path} cannot be read as CSV (row {reader.line_num}: {error}); export the SEN "
                           "register from the MIS as CSV") from None
    if not rows:
        raise SendcliError(f"{csv_path} is empty: export the SEN register with its header row")
    headers = [cell.strip() for cell in rows[0][1]]
    layout = match_layout(headers, preset, mapping)
    if isinstance(layout, str):
        raise SendcliError(f"{csv_path}: {layout}")
    plan = ImportPlan(layout, encoding)

    known = PupilIndex.of_casebook(book)
    taken = set(known.ids)
    this_file = PupilIndex()
    for row_number, row in rows[1:]:
        _plan_row(plan, row_number, dict(zip(headers, row)), known, this_file, taken, today)
    return plan


def _plan_row(plan: ImportPlan, row_number: int, values: dict[str, str], known: PupilIndex,
              this_file: PupilIndex, taken: set[str], today: date) -> None:
    pupil, found = parse_row(row_number, values, plan.layout, today)
    plan.problems += [p for p in found if p.severity == "error"]
    plan.warnings += [p for p in found if p.severity != "error"]
    if pupil is None:
        return
    already = known.find(pupil)
    if already is not None:
        plan.skipped.append((row_number, f"already in the casebook as {already} ({RECORDS_DIR}/{already}.yaml)"))
        return
    twin = this_file.find(pupil)
    if twin is not None:
        plan.skipped.append((row_number, f"the same pupil as row {twin}"))
        return
    record_id = pseudonymous_id(pupil, taken)
    record = import_record(pupil, record_id, today)
    errors = record_problems(record, today)
    if errors:
        # The record would not pass check: the row is bad, reported now rather than half-way through a write.
        plan.problems += [RowProblem(row_number, column_of(pointer, plan.layout), message)
                          for pointer, message in errors]
        taken.discard(record_id)
        return
    this_file.add(pupil, str(row_number))
    plan.to_create.append((record_id, pupil))
    plan.records[record_id] = record


def record_problems(record: dict, today: date) -> list[tuple[tuple, str]]:
    """The errors ``check`` would find in the record (schema and rules), as (field, message)."""
    from sendcli.core.findings import ERROR
    from sendcli.core.rules import RuleContext, cross_field_findings
    from sendcli.store.schemas import RECORD_SCHEMA, fast_validator, schema_findings

    data = _as_loaded(record)
    context = RuleContext(today=today, file_id=record["id"])
    validate = fast_validator(RECORD_SCHEMA)
    if validate is not None and validate.is_valid(data):
        findings = cross_field_findings(data, context)
    else:
        findings = schema_findings(data, None, RECORD_SCHEMA)
        findings += cross_field_findings(data, context) if not findings else []
    return [(f.pointer, f.message) for f in findings if f.severity == ERROR]


def _as_loaded(value: object) -> object:
    """The record as check reads it back from YAML: dates as YYYY-MM-DD text."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _as_loaded(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [_as_loaded(inner) for inner in value]
    return value


class PupilIndex:
    """Who is already there: by admission number, by UPN, and by name and date of birth."""

    def __init__(self) -> None:
        self.by_number: dict[str, str] = {}
        self.by_name: dict[tuple[str, str], str] = {}
        self.ids: list[str] = []

    def add(self, pupil: Pupil, where: str) -> None:
        self._add(where, pupil.admission_number, pupil.upn, pupil.name, pupil.date_of_birth.isoformat())

    def _add(self, where: str, admission_number: str | None, upn: str | None, name: str | None,
             born: str | None) -> None:
        for number in (admission_number, upn):
            if number:
                self.by_number.setdefault(number.strip().upper(), where)
        if name and born:
            self.by_name.setdefault((name_key(name), born), where)

    def find(self, pupil: Pupil) -> str | None:
        for number in (pupil.admission_number, pupil.upn):
            if number and number.strip().upper() in self.by_number:
                return self.by_number[number.strip().upper()]
        return self.by_name.get((name_key(pupil.name), pupil.date_of_birth.isoformat()))

    @classmethod
    def of_casebook(cls, book: Casebook) -> PupilIndex:
        """Every record file of the casebook, readable or not: a record with an error
        still names its pupil, and importing them again would make a duplicate."""
        index = cls()
        if not book.records_dir.is_dir():
            return index
        for path in sorted(book.records_dir.glob("*.yaml")):
            record_id = path.name[:-len(".yaml")]
            index.ids.append(record_id)
            try:
                if not stat.S_ISREG(path.lstat().st_mode):
                    continue  # a FIFO or a symlink is read by nothing (check reports it)
            except OSError:
                continue
            raw = read_bytes(path)
            if isinstance(raw, bytes):
                index._add(record_id, *child_fields(raw.decode("utf-8", "replace")))
        return index


_CHILD_FLOW = re.compile(r"^child:[ \t]*\{([^}\n]*)\}", re.MULTILINE)
_FIELD_LINE = re.compile(r"([ \t]+)([a-z_]+):(.*)")  # no backtracking: a hostile line stays linear


def child_fields(text: str) -> tuple[str | None, str | None, str | None, str | None]:
    """(admission number, UPN, name, date of birth) of a record's text, read leniently.

    Not through a YAML parser: the record may be the one that is broken (a tab,
    a bad indent, a hostile nesting), and it still names its pupil. One pass
    over the lines of the ``child:`` block (or its flow mapping).
    """
    fields: dict[str, str] = {}
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if re.match(r"child:[ \t]*(#.*)?$", line)), None)
    if start is not None:
        indent = None
        for line in lines[start + 1:]:
            if line.strip() == "" or line.lstrip().startswith("#"):
                continue
            if not line[:1].isspace():
                break  # the next top-level key
            match = _FIELD_LINE.match(line)
            if match is None:
                continue
            indent = match.group(1) if indent is None else indent
            if match.group(1) == indent:
                fields.setdefault(match.group(2), match.group(3).strip())
    else:
        flow = _CHILD_FLOW.search(text)
        for key, value in re.findall(r"(?:^|,)\s*([a-z_]+):\s*([^,]*)", flow.group(1) if flow else ""):
            fields.setdefault(key, value)

    def value(key: str) -> str | None:
        found = re.split(r"[ \t]#", fields.get(key, ""), maxsplit=1)[0].strip().strip("\"'").strip()
        return found or None

    return value("admission_number"), value("upn"), value("name"), value("date_of_birth")


def write_plan(book: Casebook, plan: ImportPlan, today: date) -> list[Path]:
    """Create the planned records, each checked again as it is written, never overwriting."""
    from sendcli.store.casebook import ensure_private_dir, write_atomic
    from sendcli.store.checking import check_record_bytes
    from sendcli.store.casebook import SCHEMA_COMMENT
    from sendcli.store.records import refuse_if_invalid
    from sendcli.store.writing import dump_yaml

    ensure_private_dir(book.records_dir)
    written = []
    for record_id, _ in plan.to_create:
        path = book.record_path(record_id)
        text = dump_yaml(_quoted(plan.records[record_id]), header=SCHEMA_COMMENT)
        verdict = check_record_bytes(text.encode(), f"{RECORDS_DIR}/{path.name}", today, record_id)
        refuse_if_invalid(verdict, f"the new record {record_id} would not be valid")
        try:
            write_atomic(path, text.encode("utf-8"), exclusive=True)
        except FileExistsError:
            raise SendcliError(f"record '{record_id}' appeared while importing; sendcli never overwrites a "
                               "record") from None
        written.append(path)
    return written


def _quoted(record: dict) -> dict:
    """Year group and admission number as quoted text, as ``new`` writes them ("5" stays a string)."""
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    child = dict(record["child"])
    for key in ("year_group", "admission_number", "upn"):
        if key in child:
            child[key] = DoubleQuotedScalarString(child[key])
    return {**record, "child": child}


def commit_import(book: Casebook, paths: list[Path], source: str = "the SEN register") -> None:
    """One commit holding every record the import created, and nothing else staged."""
    from sendcli.store.gitops import GitProblem, _git

    if not paths:
        return
    top = Path(_git(book.root, "rev-parse", "--show-toplevel").stdout.strip()).resolve()
    relative = [path.resolve().relative_to(top).as_posix() for path in paths]
    message = f"import: {len(paths)} record(s) created from {source}"
    result = _git(top, "add", "--", *relative)
    if result.returncode == 0:
        result = _git(top, "commit", "--quiet", "--only", "-m", message, "--", *relative)
    if result.returncode != 0:
        reason = " ".join((result.stderr or result.stdout).strip().splitlines()[:1])
        raise GitProblem(f"the records were created, but git could not commit them: {reason}")
