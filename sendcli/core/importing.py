"""Reading a school's SEN register, as its MIS exports it, into new records (pure).

A layout maps our fields to column headers. Headers are compared ignoring
case, spaces and punctuation, so "Date of Birth", "DOB" and "date_of_birth"
all name the date of birth. Every bad row is reported with its row number
(the header is row 1) and column; status and needs come from the census codes
(rules.md), legacy codes mapped with a warning.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sendcli.core import codes
from sendcli.core.dates import parse_iso_date
from sendcli.core.rules import is_valid_record_id

FIELDS = ("admission_number", "upn", "surname", "forename", "name", "date_of_birth", "year_group", "status",
          "primary_need", "secondary_need", "start_date")

#: Header spellings of the usual exports, by field (compared normalised).
ALIASES: dict[str, tuple[str, ...]] = {
    "admission_number": ("adno", "admission number", "admission no", "admissions number"),
    "upn": ("upn", "unique pupil number"),
    "surname": ("legal surname", "surname", "last name", "family name", "preferred surname"),
    "forename": ("forename", "legal forename", "first name", "preferred forename", "given name"),
    "name": ("name", "pupil name", "full name", "pupil"),
    "date_of_birth": ("date of birth", "dob", "birth date"),
    "year_group": ("year", "nc year", "year group", "nc year actual", "curriculum year"),
    "status": ("sen status", "sen provision", "sen", "sen provision type", "sen stage"),
    "primary_need": ("primary need", "sen type rank 1", "sen type 1", "primary sen type", "sen need 1"),
    "secondary_need": ("secondary need", "sen type rank 2", "sen type 2", "secondary sen type", "sen need 2"),
    "start_date": ("start date", "sen start date", "date on register", "entry date", "sen start"),
}

#: Named layouts: the exact headers of common exports (``--preset``).
PRESETS: dict[str, dict[str, str]] = {
    "sims": {"admission_number": "Adno", "surname": "Legal Surname", "forename": "Legal Forename",
             "date_of_birth": "DOB", "year_group": "Year", "status": "SEN Status", "primary_need": "Primary Need",
             "secondary_need": "Secondary Need", "start_date": "Start Date"},
    "arbor": {"upn": "UPN", "surname": "Last Name", "forename": "First Name", "date_of_birth": "Date of Birth",
              "year_group": "Year Group", "status": "SEN Status", "primary_need": "Primary Need",
              "secondary_need": "Secondary Need", "start_date": "SEN Start Date"},
    "census": {"upn": "UPN", "surname": "Surname", "forename": "Forename", "date_of_birth": "DOB",
               "year_group": "NC Year Actual", "status": "SEN Provision", "primary_need": "SEN Type Rank 1",
               "secondary_need": "SEN Type Rank 2", "start_date": "Start Date"},
}

STATUS_CODES = {"K": codes.SEN_SUPPORT, "E": codes.EHC_PLAN, "N": codes.MONITORING,
                "SEN SUPPORT": codes.SEN_SUPPORT, "EHC PLAN": codes.EHC_PLAN, "EHCP": codes.EHC_PLAN,
                "MONITORING": codes.MONITORING}
#: Codes from before the 2014 reforms: School Action, School Action Plus, Statement.
LEGACY_STATUS = {"A": codes.SEN_SUPPORT, "P": codes.SEN_SUPPORT, "S": codes.EHC_PLAN,
                 "SCHOOL ACTION": codes.SEN_SUPPORT, "SCHOOL ACTION PLUS": codes.SEN_SUPPORT,
                 "STATEMENT": codes.EHC_PLAN}
EXCEL_EPOCH = date(1899, 12, 30)


def normalise(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", header.lower())


@dataclass(frozen=True)
class Layout:
    """Which column holds which field."""

    name: str
    columns: dict[str, str]  # field -> header as written in the file


@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str
    message: str
    severity: str = "error"


@dataclass
class Pupil:
    """One good row, ready to become a record."""

    row: int
    name: str
    date_of_birth: date
    status: str
    year_group: str | None = None
    needs: list[str] = field(default_factory=list)
    admission_number: str | None = None
    start_date: date | None = None
    #: The unique pupil number: kept in the record, never in an ID (it is a personal identifier).
    upn: str | None = None

    @property
    def number(self) -> str | None:
        """What the record keeps as ``child.admission_number``."""
        return self.admission_number or self.upn


def match_layout(headers: list[str], preset: str | None = None, mapping: dict[str, str] | None = None) -> Layout | str:
    """The layout of the file, or a message saying which required column is missing."""
    present = {normalise(h): h for h in headers}
    if mapping is not None:
        columns, name = dict(mapping), "the --map file"
    elif preset is not None:
        columns, name = dict(PRESETS[preset]), f"preset '{preset}'"
    else:
        columns = {}
        for field_name, aliases in ALIASES.items():
            for alias in aliases:
                if normalise(alias) in present:
                    columns[field_name] = present[normalise(alias)]
                    break
        name = _closest_preset(columns)
    missing = [f"{field_name} ('{header}')" for field_name, header in columns.items()
               if normalise(header) not in present]
    if missing:
        return f"{name} names columns the file does not have: {', '.join(missing)}"
    columns = {f: present[normalise(h)] for f, h in columns.items()}
    absent = []
    if "date_of_birth" not in columns:
        absent.append("date of birth (Date of Birth, DOB)")
    if "status" not in columns:
        absent.append("SEN status (SEN Status, SEN Provision: K/E/N)")
    if "name" not in columns and not {"surname", "forename"} <= set(columns):
        absent.append("the pupil's name (Legal Surname and Forename, or Name)")
    if absent:
        return f"no column for {', and no column for '.join(absent)}; found: {', '.join(headers)}"
    return Layout(name, columns)


def _closest_preset(columns: dict[str, str]) -> str:
    scores = {name: sum(1 for f, h in preset.items() if normalise(columns.get(f, "")) == normalise(h))
              for name, preset in PRESETS.items()}
    best = max(scores, key=lambda name: scores[name])
    return f"the {best} layout" if scores[best] >= 5 else "the columns matched by their headers"


def parse_date(text: str) -> date | None:
    """``YYYY-MM-DD``, the UK ``DD/MM/YYYY`` spreadsheets write, ``14-May-2016``, or an Excel serial number."""
    text = text.strip()
    if (iso := parse_iso_date(text)) is not None:
        return iso
    if re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}", text):
        day, month, year = (int(part) for part in text.split("/"))
        try:
            return date(year, month, day)
        except ValueError:
            return None
    for pattern in ("%d-%b-%Y", "%d %b %Y", "%d %B %Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            pass
    if re.fullmatch(r"\d{5}", text) and 20000 <= int(text) <= 80000:  # Excel's day count since 1899-12-30
        return EXCEL_EPOCH + timedelta(days=int(text))
    return None


def parse_year_group(text: str) -> str | None:
    value = text.strip().upper()
    value = re.sub(r"^(YEAR|YR|Y|NC YEAR)\s*", "", value)
    value = {"RECEPTION": "R", "NURSERY 1": "N1", "NURSERY 2": "N2"}.get(value, value)
    value = value.lstrip("0") or value
    return value if value in codes.YEAR_GROUPS else None


def parse_row(row_number: int, values: dict[str, str], layout: Layout, today: date) -> tuple[Pupil | None, list[RowProblem]]:
    """One data row: a pupil, or the row's problems (every one, each with its column)."""
    problems: list[RowProblem] = []
    warnings: list[RowProblem] = []
    column = layout.columns

    def cell(field_name: str) -> str:
        return (values.get(column[field_name]) or "").strip() if field_name in column else ""

    def problem(field_name: str, message: str) -> None:
        problems.append(RowProblem(row_number, column.get(field_name, field_name), message))

    if "name" in column:
        name = " ".join(cell("name").split())
    else:
        name = " ".join(f"{cell('forename')} {cell('surname')}".split())
    if not name:
        problem("name" if "name" in column else "surname", "the pupil's name is missing")

    born_text = cell("date_of_birth")
    born = parse_date(born_text)
    if born is None:
        problem("date_of_birth", f"'{born_text}' is not a date (DD/MM/YYYY or YYYY-MM-DD)" if born_text
                else "the date of birth is missing")
    elif born > today:
        problem("date_of_birth", f"the date of birth {born_text} is in the future")

    status_text = cell("status").upper()
    status = STATUS_CODES.get(status_text)
    if status is None and status_text in LEGACY_STATUS:
        status = LEGACY_STATUS[status_text]
        warnings.append(RowProblem(row_number, column["status"], f"legacy SEN code '{cell('status')}' "
                                   f"(before 2014) taken as {status}; check it", "warning"))
    if status is None:
        problem("status", f"'{cell('status')}' is not an SEN status: K (SEN support), E (EHC plan) or N"
                if status_text else "the SEN status is missing")

    needs = []
    for field_name in ("primary_need", "secondary_need"):
        text = cell(field_name).upper()
        if not text:
            continue
        if text not in codes.NEEDS_BY_CODE:
            problem(field_name, f"'{cell(field_name)}' is not a census need code ({', '.join(codes.NEED_CODES)})")
        elif text not in needs:
            needs.append(text)
    if status in codes.STATUSES_NEEDING_PRIMARY_NEED and not needs and not any(
            p.column == column.get("primary_need") for p in problems):
        problem("primary_need", "a pupil on SEN support or with an EHC plan needs a primary need code "
                "(NSA where there has been no specialist assessment)")

    year_group = None
    if cell("year_group"):
        year_group = parse_year_group(cell("year_group"))
        if year_group is None:
            problem("year_group", f"'{cell('year_group')}' is not a year group (N1, N2, R, 1 to 14)")

    start = None
    if cell("start_date"):
        start = parse_date(cell("start_date"))
        if start is None:
            problem("start_date", f"'{cell('start_date')}' is not a date (DD/MM/YYYY or YYYY-MM-DD)")
        elif start > today:
            problem("start_date", f"the start date {cell('start_date')} is in the future")

    if problems:
        return None, problems + warnings
    return Pupil(row_number, name, born, status, year_group, needs, cell("admission_number") or None, start,  # type: ignore[arg-type]
                 cell("upn") or None), warnings


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def pseudonymous_id(pupil: Pupil, taken: set[str]) -> str:
    """From the admission number, else first name, surname initial and birth year (``ae-16``); unique.

    Never from the UPN: a national identifier does not belong in file names or git history.
    """
    if pupil.admission_number:
        base = re.sub(r"[^a-z0-9]+", "-", _ascii(pupil.admission_number)).strip("-")[:50] or "pupil"
        base = base if re.match(r"[a-z0-9]", base) else f"p{base}"
    else:
        parts = [re.sub(r"[^a-z0-9]", "", _ascii(part)) for part in pupil.name.split()]
        parts = [p for p in parts if p] or ["pupil"]
        initial = parts[-1][0] if len(parts) > 1 else ""
        base = f"{parts[0][:20]}-{initial}{pupil.date_of_birth:%y}"
    candidate, suffix = base, 2
    while candidate in taken or not is_valid_record_id(candidate):  # con, nul...: names Windows reserves
        candidate, suffix = f"{base}-{suffix}", suffix + 1
    taken.add(candidate)
    return candidate


def same_pupil(pupil: Pupil, record: dict) -> bool:
    """Already in the casebook: the same admission number, or the same name and date of birth."""
    child = record.get("child") or {}
    if pupil.number and child.get("admission_number") == pupil.number:
        return True
    return (_ascii(" ".join(child.get("name", "").split())) == _ascii(pupil.name)
            and child.get("date_of_birth") == pupil.date_of_birth.isoformat())
