"""Reading a school's SEN register, as its MIS exports it, into new records (pure).

A layout maps our fields to column headers. Headers are compared ignoring
case, spaces and punctuation, so "Date of Birth", "DOB" and "date_of_birth"
all name the date of birth. Every bad row is reported with its row number
(the header is row 1) and column; status and needs come from the census codes
(codes, or the descriptions MIS exports write: "Speech, Language and
Communication Needs" is SLCN), legacy codes mapped with a warning.

A cell that starts like a spreadsheet formula (``=``, ``+``, ``-``, ``@``) is
refused with its row and column, never carried into a record: opened in a
spreadsheet again, it would run. A lone ``-`` (an export's "none") is empty.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sendcli.core import codes
from sendcli.core.dates import parse_iso_date
from sendcli.core.newrecord import new_record
from sendcli.core.rules import is_valid_record_id

FIELDS = ("admission_number", "upn", "surname", "forename", "name", "date_of_birth", "year_group", "status",
          "primary_need", "secondary_need", "start_date", "plan_date")

#: Header spellings of the usual exports, by field (compared normalised).
ALIASES: dict[str, tuple[str, ...]] = {
    "admission_number": ("adno", "admission number", "admission no", "admissions number"),
    "upn": ("upn", "unique pupil number"),
    "surname": ("legal surname", "surname", "last name", "family name", "preferred surname"),
    "forename": ("forename", "legal forename", "first name", "preferred forename", "given name"),
    # One column "Surname, Forename", as SIMS and Arbor reports write it; or a plain full name.
    "name": ("name", "pupil name", "full name", "pupil", "surname forename", "legal surname legal forename",
             "name surname forename", "pupil surname forename", "student name", "learner name"),
    "date_of_birth": ("date of birth", "dob", "birth date"),
    "year_group": ("year", "nc year", "year group", "nc year actual", "curriculum year"),
    "status": ("sen status", "sen provision", "sen", "sen provision type", "sen stage"),
    "primary_need": ("primary need", "sen type rank 1", "sen type 1", "primary sen type", "sen need 1"),
    "secondary_need": ("secondary need", "sen type rank 2", "sen type 2", "secondary sen type", "sen need 2"),
    "start_date": ("start date", "sen start date", "date on register", "entry date", "sen start"),
    # The date of an EHC plan made before the casebook (E pupils): where the annual review clock starts.
    "plan_date": ("ehc plan date", "ehcp date", "plan date", "date of plan", "ehc plan issued", "plan issued",
                  "ehcp issue date", "ehc plan issue date", "date ehc plan issued", "ehcp start date",
                  "ehc plan start date", "statement date"),
}

#: Columns a preset takes when the file has them, and does without otherwise.
OPTIONAL_PRESET_FIELDS = frozenset({"upn", "plan_date"})

#: Named layouts: the exact headers of common exports (``--preset``).
PRESETS: dict[str, dict[str, str]] = {
    "sims": {"admission_number": "Adno", "upn": "UPN", "surname": "Legal Surname", "forename": "Legal Forename",
             "date_of_birth": "DOB", "year_group": "Year", "status": "SEN Status", "primary_need": "Primary Need",
             "secondary_need": "Secondary Need", "start_date": "Start Date", "plan_date": "EHC Plan Date"},
    "arbor": {"upn": "UPN", "surname": "Last Name", "forename": "First Name", "date_of_birth": "Date of Birth",
              "year_group": "Year Group", "status": "SEN Status", "primary_need": "Primary Need",
              "secondary_need": "Secondary Need", "start_date": "SEN Start Date", "plan_date": "EHCP Date"},
    "census": {"upn": "UPN", "surname": "Surname", "forename": "Forename", "date_of_birth": "DOB",
               "year_group": "NC Year Actual", "status": "SEN Provision", "primary_need": "SEN Type Rank 1",
               "secondary_need": "SEN Type Rank 2", "start_date": "Start Date"},
}

STATUS_CODES = {"K": codes.SEN_SUPPORT, "E": codes.EHC_PLAN, "N": codes.MONITORING,
                "SEN SUPPORT": codes.SEN_SUPPORT, "EHC PLAN": codes.EHC_PLAN, "EHCP": codes.EHC_PLAN,
                "EDUCATION HEALTH AND CARE PLAN": codes.EHC_PLAN, "MONITORING": codes.MONITORING,
                "K SEN SUPPORT": codes.SEN_SUPPORT, "E EHC PLAN": codes.EHC_PLAN,
                "E EDUCATION HEALTH AND CARE PLAN": codes.EHC_PLAN, "N NO SPECIAL EDUCATIONAL NEED": codes.MONITORING}
#: Codes from before the 2014 reforms: School Action, School Action Plus, Statement.
LEGACY_STATUS = {"A": codes.SEN_SUPPORT, "P": codes.SEN_SUPPORT, "S": codes.EHC_PLAN,
                 "SCHOOL ACTION": codes.SEN_SUPPORT, "SCHOOL ACTION PLUS": codes.SEN_SUPPORT,
                 "STATEMENT": codes.EHC_PLAN}
EXCEL_EPOCH = date(1899, 12, 30)
#: A unique pupil number: a letter, 11 digits, and a check letter or digit.
UPN = re.compile(r"[A-Z][0-9]{11}[0-9A-Z]")
#: What a spreadsheet reads as a formula at the start of a cell (OWASP, "CSV injection").
FORMULA_START = ("=", "+", "-", "@")


def status_key(text: str) -> str:
    """"SEN Support", "E - Education, Health and Care Plan": upper case, words only."""
    return " ".join(re.sub(r"[^A-Z0-9]+", " ", text.upper()).split())


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
    #: The unique pupil number: kept in the record (``child.upn``), never in an ID or a file name.
    upn: str | None = None
    #: The date an existing EHC plan was issued (E pupils): ``ehc.existing_plan.issued``.
    plan_date: date | None = None


def match_layout(headers: list[str], preset: str | None = None, mapping: dict[str, str] | None = None) -> Layout | str:
    """The layout of the file, or a message saying which required column is missing.

    Two columns with the same header (ignoring case and punctuation) are
    refused: which of them holds the field cannot be known, and taking the
    last would silently drop the other.
    """
    positions: dict[str, list[int]] = {}
    for position, header in enumerate(headers, start=1):
        if normalise(header):
            positions.setdefault(normalise(header), []).append(position)
    repeated = [f"'{headers[where[0] - 1]}' (columns {', '.join(map(str, where))})"
                for where in positions.values() if len(where) > 1]
    if repeated:
        return f"the header row names a column more than once: {'; '.join(repeated)}; rename or remove the copies"
    present = {normalise(h): h for h in headers}
    if mapping is not None:
        columns, name = dict(mapping), "the --map file"
    elif preset is not None:
        columns = {f: h for f, h in PRESETS[preset].items()
                   if f not in OPTIONAL_PRESET_FIELDS or normalise(h) in present}
        name = f"preset '{preset}'"
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
        absent.append("the pupil's name (Legal Surname and Forename, or Name as 'Surname, Forename')")
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

    def raw(field_name: str) -> str:
        return (values.get(column[field_name]) or "").strip() if field_name in column else ""

    for field_name in column:
        text = raw(field_name)
        if text.startswith(FORMULA_START) and text not in ("-", "--"):
            shown = text if len(text) <= 30 else text[:27] + "..."
            problems.append(RowProblem(row_number, column[field_name], f"{shown!r} starts with '{text[0]}', "
                                       "which a spreadsheet runs as a formula: it is not carried into a "
                                       "record; correct the cell in the export"))
    refused = {p.column for p in problems}

    def cell(field_name: str) -> str:
        text = raw(field_name)
        return "" if text in ("-", "--") or column.get(field_name) in refused else text

    def problem(field_name: str, message: str) -> None:
        problems.append(RowProblem(row_number, column.get(field_name, field_name), message))

    if "name" in column:
        whole = cell("name")
        if "," in whole:  # "Surname, Forename", as MIS reports write one name column
            surname, _, forename = whole.partition(",")
            whole = f"{forename} {surname}"
        name = " ".join(whole.split())
    else:
        name = " ".join(f"{cell('forename')} {cell('surname')}".split())
    if not name and not refused & {column.get("name"), column.get("surname"), column.get("forename")}:
        problem("name" if "name" in column else "surname", "the pupil's name is missing")

    born_text = cell("date_of_birth")
    born = parse_date(born_text)
    if born is None:
        if column["date_of_birth"] not in refused:
            problem("date_of_birth", f"'{born_text}' is not a date (DD/MM/YYYY or YYYY-MM-DD)" if born_text
                    else "the date of birth is missing")
    elif born > today:
        problem("date_of_birth", f"the date of birth {born_text} is in the future")

    status_text = status_key(cell("status"))
    status = STATUS_CODES.get(status_text)
    if status is None and status_text in LEGACY_STATUS:
        status = LEGACY_STATUS[status_text]
        warnings.append(RowProblem(row_number, column["status"], f"legacy SEN code '{cell('status')}' "
                                   f"(before 2014) taken as {status}; check it", "warning"))
    if status is None and column["status"] not in refused:
        problem("status", f"'{cell('status')}' is not an SEN status: K (SEN support), E (EHC plan) or N"
                if status_text else "the SEN status is missing")

    needs = []
    for field_name in ("primary_need", "secondary_need"):
        text = cell(field_name)
        if not text:
            continue
        match = codes.resolve_need(text)
        if match.code is None:
            nearest = f"; nearest: {', '.join(match.nearest)}" if match.nearest else ""
            problem(field_name, f"'{text}' is not a census need code or description ({', '.join(codes.NEED_CODES)}){nearest}")
            continue
        if match.note:
            warnings.append(RowProblem(row_number, column[field_name], match.note, "warning"))
        if match.code not in needs:
            needs.append(match.code)
    if status in codes.STATUSES_NEEDING_PRIMARY_NEED and not needs and not any(
            p.column == column.get("primary_need") for p in problems):
        problem("primary_need", "a pupil on SEN support or with an EHC plan needs a primary need code "
                "(NSA where there has been no specialist assessment)")

    year_group = None
    if cell("year_group"):
        year_group = parse_year_group(cell("year_group"))
        if year_group is None:
            problem("year_group", f"'{cell('year_group')}' is not a year group (N1, N2, R, 1 to 14)")

    start = _optional_date(cell("start_date"), "start_date", "start date", today, problem)
    plan_date = _optional_date(cell("plan_date"), "plan_date", "plan date", today, problem)
    if plan_date is not None and status is not None and status != codes.EHC_PLAN:
        warnings.append(RowProblem(row_number, column["plan_date"], f"a plan date, but the SEN status is "
                                   f"{status}, not E (EHC plan): the plan date is not imported", "warning"))
        plan_date = None

    upn = cell("upn").upper() or None
    if upn is not None and not UPN.fullmatch(upn):
        problem("upn", f"'{cell('upn')}' is not a UPN (a letter, 11 digits and a check letter or digit)")

    if problems:
        return None, problems + warnings
    return Pupil(row_number, name, born, status, year_group, needs, cell("admission_number") or None, start,  # type: ignore[arg-type]
                 upn, plan_date), warnings


def _optional_date(text: str, field_name: str, what: str, today: date, problem) -> date | None:
    if not text:
        return None
    day = parse_date(text)
    if day is None:
        problem(field_name, f"'{text}' is not a date (DD/MM/YYYY or YYYY-MM-DD)")
    elif day > today:
        problem(field_name, f"the {what} {text} is in the future")
        return None
    return day


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def pseudonymous_id(pupil: Pupil, taken: set[str]) -> str:
    """From the admission number, else initials and year of birth (``ae-16``); unique.

    IDs are pseudonyms: they travel in file names, git history and calendar
    feeds, so never a name, and never the UPN (a national identifier).
    """
    if pupil.admission_number:
        base = re.sub(r"[^a-z0-9]+", "-", _ascii(pupil.admission_number)).strip("-")[:50] or "pupil"
        base = base if re.match(r"[a-z0-9]", base) else f"p{base}"
    else:
        parts = [re.sub(r"[^a-z]", "", _ascii(part)) for part in pupil.name.split()]
        letters = "".join(part[0] for part in (parts[0], parts[-1]) if part) if parts else ""
        if len(parts) == 1:
            letters = letters[:1]
        base = f"{letters or 'p'}-{pupil.date_of_birth:%y}"
    candidate, suffix = base, 2
    while candidate in taken or not is_valid_record_id(candidate):  # con, nul...: names Windows reserves
        candidate, suffix = f"{base}-{suffix}", suffix + 1
    taken.add(candidate)
    return candidate


def name_key(name: str) -> str:
    """A name as matching compares it: accents, case and spacing ignored."""
    return " ".join(_ascii(name).split())


def import_record(pupil: Pupil, record_id: str, today: date) -> dict:
    """The new record for one pupil, in the layout of a new record.

    ``created`` is today: clocks that run from the register date start no
    earlier than the day the record arrived. An E pupil's plan date becomes
    ``ehc.existing_plan.issued`` (a plan made before this casebook).
    """
    child: dict = {"name": pupil.name, "date_of_birth": pupil.date_of_birth,
                   "setting": "early-years" if pupil.year_group in ("N1", "N2") else "school"}
    if pupil.year_group is not None:
        child["year_group"] = pupil.year_group
    if pupil.admission_number is not None:
        child["admission_number"] = pupil.admission_number
    if pupil.upn is not None:
        child["upn"] = pupil.upn
    ehc = {"existing_plan": {"issued": pupil.plan_date}} if pupil.plan_date is not None else None
    return new_record(record_id, today, status=pupil.status, child=child, needs=pupil.needs,
                      entered=pupil.start_date, ehc=ehc)


#: Which column a problem of the built record belongs to, by the field it is found at.
FIELD_OF_POINTER = {("child", "name"): "name", ("child", "date_of_birth"): "date_of_birth",
                    ("child", "admission_number"): "admission_number", ("child", "upn"): "upn",
                    ("child", "year_group"): "year_group", ("status",): "status", ("needs",): "primary_need",
                    ("register",): "start_date", ("ehc",): "plan_date", ("id",): "admission_number"}


def column_of(pointer: tuple, layout: Layout) -> str:
    """The header of the column a finding at ``pointer`` came from, or "the row"."""
    for length in (2, 1):
        field_name = FIELD_OF_POINTER.get(tuple(pointer[:length]))
        if field_name == "name" and "name" not in layout.columns:
            field_name = "surname"
        if field_name is not None and field_name in layout.columns:
            return layout.columns[field_name]
    return "the row"
