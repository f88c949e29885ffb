"""The SEN part of a DfE Common Transfer File, as pupils ready to become records (pure).

A CTF holds, for each pupil, an SEN history: provision entries (a census
provision code with its start date) and ranked need types (NeedTypeRank 1 is
the primary need). The edge (``sendcli.exchange.ctf``) reads the XML into
:class:`CtfPupil` values; here they become :class:`sendcli.core.importing.Pupil`
values, the same the CSV import makes, so both imports build, identify and
match records with the same functions.

Status comes from the latest provision, as the census codes map it (docs/rules.md,
"Census codes"): E is ``ehc-plan``, K is ``sen-support``. N ("no special
educational need") is ``monitoring``: the census maps ``monitoring`` to N, and
a pupil who had SEN provision at the last school is one a SENCO keeps an eye
on; the record keeps the needs it had (a record that left SEN support keeps
the code it had) and has no register date. A pupil with no SEN history at all
is reported, not imported: nothing says they have special educational needs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sendcli.core import codes
from sendcli.core.importing import LEGACY_STATUS, UPN, Pupil, RowProblem, parse_date, parse_year_group


@dataclass(frozen=True)
class CtfProvision:
    start_date: str
    code: str


@dataclass(frozen=True)
class CtfNeed:
    need_type: str
    rank: str


@dataclass
class CtfPupil:
    """One <Pupil> of the file, as text: nothing is judged until :func:`pupil_of`."""

    position: int  # 1 for the first <Pupil> of the file
    upn: str = ""
    surname: str = ""
    forename: str = ""
    date_of_birth: str = ""
    year_group: str = ""
    admission_number: str = ""
    has_sen_history: bool = False
    provisions: list[CtfProvision] = field(default_factory=list)
    needs: list[CtfNeed] = field(default_factory=list)


CTF_STATUS = {"E": codes.EHC_PLAN, "K": codes.SEN_SUPPORT, "N": codes.MONITORING}


def pupil_of(found: CtfPupil, today: date) -> tuple[Pupil | None, list[RowProblem]]:
    """The pupil to import, or ``None`` with every problem (errors, and warnings worth reading).

    Problems carry the pupil's position in the file as their row and the
    element they came from as their column.
    """
    problems: list[RowProblem] = []
    warnings: list[RowProblem] = []
    where = found.position

    def problem(element: str, message: str) -> None:
        problems.append(RowProblem(where, element, message))

    name = " ".join(f"{found.forename} {found.surname}".split())
    if not name:
        problem("Surname", "the pupil's name is missing (Forename, Surname)")
    born = parse_date(found.date_of_birth) if found.date_of_birth else None
    if born is None:
        problem("DOB", f"'{found.date_of_birth}' is not a date (YYYY-MM-DD)" if found.date_of_birth
                else "the date of birth is missing")
    elif born > today:
        problem("DOB", f"the date of birth {found.date_of_birth} is in the future")

    dated = []
    for provision in found.provisions:
        start = parse_date(provision.start_date) if provision.start_date else None
        if start is None:
            problem("StartDate", f"the SEN provision '{provision.code}' has "
                    + (f"a start date '{provision.start_date}' that is not a date" if provision.start_date
                       else "no start date"))
            continue
        if start > today:
            problem("StartDate", f"the SEN provision '{provision.code}' starts in the future ({start})")
            continue
        dated.append((start, provision.code.strip().upper()))
    dated.sort(key=lambda entry: entry[0])  # the file's order is not promised; the latest start is the current one

    status = None
    if dated:
        latest_code = dated[-1][1]
        status = CTF_STATUS.get(latest_code)
        if status is None and latest_code in LEGACY_STATUS:
            status = LEGACY_STATUS[latest_code]
            warnings.append(RowProblem(where, "SENprovision", f"legacy SEN code '{latest_code}' (before 2014) "
                                       f"taken as {status}; check it", "warning"))
        if status is None:
            problem("SENprovision", f"'{latest_code}' is not an SEN provision code: K (SEN support), "
                    "E (EHC plan) or N")
    elif not any(p.column == "StartDate" for p in problems):
        problem("SENprovision", "the SEN history has no provision (SENprovision with its StartDate)")

    ranked = []
    for need in found.needs:
        rank = need.rank.strip()
        if not rank.isdigit():
            problem("NeedTypeRank", f"'{need.rank}' is not a rank (1 for the primary need, 2, ...)")
            continue
        ranked.append((int(rank), need.need_type.strip()))
    ranked.sort(key=lambda entry: entry[0])
    needs: list[str] = []
    for _, text in ranked:
        match = codes.resolve_need(text)
        if match.code is None:
            nearest = f"; nearest: {', '.join(match.nearest)}" if match.nearest else ""
            problem("NeedType", f"'{text}' is not a census need code ({', '.join(codes.NEED_CODES)}){nearest}")
            continue
        if match.code not in needs:
            needs.append(match.code)
    if ranked and ranked[0][0] != 1:
        warnings.append(RowProblem(where, "NeedTypeRank", f"no need is ranked 1; the best ranked "
                                   f"({ranked[0][1]}, rank {ranked[0][0]}) is taken as the primary need", "warning"))
    if status in codes.STATUSES_NEEDING_PRIMARY_NEED and not needs and not any(
            p.column == "NeedType" for p in problems):
        problem("NeedType", "a pupil on SEN support or with an EHC plan needs a ranked need type "
                "(NSA where there has been no specialist assessment)")

    year_group = None
    if found.year_group:
        year_group = parse_year_group(found.year_group)
        if year_group is None:
            problem("NCyearActual", f"'{found.year_group}' is not a year group (N1, N2, R, 1 to 14)")

    upn = found.upn.strip().upper() or None
    if upn is not None and not UPN.fullmatch(upn):
        problem("UPN", f"'{found.upn}' is not a UPN (a letter, 11 digits and a check letter or digit)")

    if problems:
        return None, problems + warnings
    entered = _current_run_start(dated) if status in codes.STATUSES_NEEDING_PRIMARY_NEED else None
    plan_date = None
    if status == codes.EHC_PLAN:
        # The EHC plan's date is not in the CTF; the start of the E provision is when the plan began.
        plan_date = next(start for start, code in reversed(dated) if code in ("E", "S"))
        warnings.append(RowProblem(where, "SENprovision", f"the EHC plan's date is taken from the start of the E "
                                   f"provision ({plan_date}); check it against the plan", "warning"))
    return Pupil(where, name, born, status, year_group, needs, found.admission_number.strip() or None,  # type: ignore[arg-type]
                 entered, upn, plan_date), warnings


def _current_run_start(dated: list[tuple[date, str]]) -> date:
    """When the pupil last went onto the register: the first start of the latest run without an N."""
    start = dated[-1][0]
    for day, code in reversed(dated):
        if code == "N":
            break
        start = day
    return start
