"""Deadlines (rules.md, "Deadlines"): what is due, for whom, by when.

Pure: every function takes the record (plain data, as checked), the
settings and ``today``. Days are calendar days from the trigger date; "+N
months" is the same day N months on, clamped to the month's end.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from sendcli.core import codes
from sendcli.core.dates import add_days, add_months, age_in_years, parse_iso_date

KINDS: tuple[str, ...] = codes.DEADLINE_KINDS
STATUSES = ("overdue", "due-soon", "upcoming")
FAMILY = frozenset({"parent", "carer", "young-person"})
#: The kinds an EHC exception explains by default: the assessment's time limits
#: (Regs 5(4) for the decision, 10(4) and 13(3) for the plan).
EXCEPTION_KINDS_BY_DEFAULT = frozenset({"ehc-decision", "ehc-final-plan"})
EXCEPTION_REASONS = codes.EHC_EXCEPTION_REASONS


@dataclass(frozen=True)
class DeadlineSettings:
    """The settings of ``sendcli.yaml`` that deadlines read, with their defaults."""

    due_soon_days: int = 14
    plan_within_days: int = 42
    parent_meeting_interval_days: int = 122
    retention_years: int = 31
    under_five_review_months: int = 6
    closures: tuple[tuple[date, date], ...] = field(default_factory=tuple)

    @classmethod
    def from_settings(cls, settings: dict) -> DeadlineSettings:
        defaults = cls()
        closures = tuple((parse_iso_date(c["from"]), parse_iso_date(c["to"])) for c in settings.get("closures") or [])
        return cls(
            due_soon_days=settings.get("due_soon_days", defaults.due_soon_days),
            plan_within_days=settings.get("plan_within_days", defaults.plan_within_days),
            parent_meeting_interval_days=settings.get("parent_meeting_interval_days",
                                                      defaults.parent_meeting_interval_days),
            retention_years=settings.get("retention_years", defaults.retention_years),
            under_five_review_months=settings.get("under_five_review_months", defaults.under_five_review_months),
            closures=closures,  # type: ignore[arg-type]
        )


@dataclass(frozen=True)
class Deadline:
    record: str
    name: str
    kind: str
    due: date
    detail: str
    #: An EHC exception that explains a delay (it never hides the item).
    exception: str | None = None

    def days_left(self, today: date) -> int:
        return (self.due - today).days

    def status(self, today: date, within_days: int) -> str:
        days = self.days_left(today)
        if days < 0:
            return "overdue"
        return "due-soon" if days <= within_days else "upcoming"


def _date(value: object) -> date | None:
    return parse_iso_date(value)


def _long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def school_days_after(start: date, count: int, closures: Iterable[tuple[date, date]] = ()) -> date:
    """The ``count``-th school day after ``start``: weekdays outside the closures."""
    ranges = tuple(closures)
    day = start
    remaining = count
    # A closure that never ends would make this loop for ever: ten years of days is the bound.
    last_day = start + timedelta(days=3653)
    while remaining > 0 and day < last_day:
        day += timedelta(days=1)
        if day.weekday() < 5 and not any(first <= day <= last for first, last in ranges):
            remaining -= 1
    return day


def record_deadlines(record: dict, settings: DeadlineSettings) -> list[Deadline]:
    """Every deadline of one record, whatever its status."""
    record_id = record["id"]
    name = record["child"]["name"]
    found = [Deadline(record_id, name, kind, due, detail) for kind, due, detail in _raw_deadlines(record, settings)]
    return _with_exceptions(record, found)


def _raw_deadlines(record: dict, settings: DeadlineSettings) -> Iterator[tuple[str, date, str]]:
    status = record.get("status")
    closed = record.get("closed") or {}
    born = _date(record["child"]["date_of_birth"])
    if status == codes.CLOSED:
        # From closure on, only the file's hand-over and its retention apply.
        closed_on = _date(closed.get("date"))
        if closed.get("reason", "").strip().lower() == "moved" and closed_on and not closed.get("transferred"):
            due = school_days_after(closed_on, 15, settings.closures)
            yield ("file-transfer", due, "send the record to the new school within 15 school days "
                   "(Education (Pupil Information) (England) Regs 2005, reg 9)")
        if born:
            yield ("retention", add_months(born, 12 * settings.retention_years),
                   f"retention ends {settings.retention_years} years after birth: destroy the record "
                   "(IRMS toolkit)")
        return
    yield from _cycle_deadlines(record, settings)
    if status == codes.SEN_SUPPORT:
        yield from _parent_meeting(record, settings)
    yield from _ehc_deadlines(record, settings, born)


def _cycle_deadlines(record: dict, settings: DeadlineSettings) -> Iterator[tuple[str, date, str]]:
    cycles = record.get("cycles") or []
    if not cycles or cycles[-1].get("stage") == "closed":
        return
    cycle = cycles[-1]
    number, stage = cycle["number"], cycle["stage"]
    if stage in ("do", "review"):
        review_date = _date((cycle.get("plan") or {}).get("review_date"))
        if review_date:  # CoP 6.48, 6.54
            yield "review", review_date, f"SEN support review, cycle {number}"
    else:
        opened = _date(cycle.get("opened"))
        if opened:
            yield ("plan", add_days(opened, settings.plan_within_days),
                   f"agree the plan of cycle {number} (opened {_long(opened)}; now in {stage})")


def family_contacts(record: dict) -> list[date]:
    """Meetings with the family, plans agreed with them, reviews they attended (CoP 6.65)."""
    contacts = [_date(m.get("date")) for m in record.get("meetings") or [] if FAMILY & set(m.get("with") or [])]
    for cycle in record.get("cycles") or []:
        plan = cycle.get("plan") or {}
        if FAMILY & set(plan.get("agreed_with") or []):
            contacts.append(_date(plan.get("agreed")))
        review = cycle.get("review") or {}
        if FAMILY & set(review.get("attendees") or []):
            contacts.append(_date(review.get("date")))
    return [day for day in contacts if day]


def _parent_meeting(record: dict, settings: DeadlineSettings) -> Iterator[tuple[str, date, str]]:
    contacts = family_contacts(record)
    if contacts:
        last = max(contacts)
        detail = f"meet the family (last met {_long(last)}; CoP 6.65: at least three times a year)"
    else:
        last = _date((record.get("register") or {}).get("entered"))
        if last is None:
            return
        detail = f"meet the family (no meeting recorded since joining the register on {_long(last)}; CoP 6.65)"
    yield "parent-meeting", add_days(last, settings.parent_meeting_interval_days), detail


def _ehc_deadlines(record: dict, settings: DeadlineSettings, born: date | None) -> Iterator[tuple[str, date, str]]:
    ehc = record.get("ehc") or {}
    if not ehc:
        return
    requested = _date(ehc.get("requested"))
    decision = ehc.get("decision") or {}
    if requested and not decision:
        yield ("ehc-decision", add_days(requested, 42),
               f"the local authority decides whether to assess: 6 weeks from the request of {_long(requested)} "
               "(Regs 5(1))")
    ended = decision.get("outcome") == "not-assess" or ehc.get("not_issued")
    if requested and not ehc.get("final_plan") and not ended:
        yield ("ehc-final-plan", add_days(requested, 140),
               f"the final EHC plan: 20 weeks from the request of {_long(requested)} (Regs 13(2))")
    final = _date(ehc.get("final_plan"))
    reviews = ehc.get("reviews") or []
    if record.get("status") == codes.EHC_PLAN and final:
        base = max([final, *(d for r in reviews if (d := _date(r.get("meeting"))))])
        under_five = born is not None and age_in_years(born, base) < 5
        months = settings.under_five_review_months if under_five else 12
        why = f"every {months} months for a child under 5 (CoP 9.178)" if under_five else "within 12 months (CoP 9.166)"
        yield "ehc-annual-review", add_months(base, months), f"EHC plan review, {why}; last {_long(base)}"
    for review in reviews:
        meeting = _date(review.get("meeting"))
        if meeting is None:
            continue
        if not review.get("report_sent"):
            yield ("ehc-review-report", add_days(meeting, 14),
                   f"send the report of the review meeting of {_long(meeting)} (Regs 20(7))")
        la_decision = review.get("la_decision") or {}
        if not la_decision:
            yield ("ehc-la-decision", add_days(meeting, 28),
                   f"the local authority's decision after the review of {_long(meeting)} (Regs 20(10))")
        elif la_decision.get("outcome") == "amend" and not review.get("amended_plan"):
            yield ("ehc-amended-plan", add_days(meeting, 84),
                   f"the amended plan after the review of {_long(meeting)}: 12 weeks (Regs 22)")
    transfer = ehc.get("phase_transfer") or {}
    if transfer and not transfer.get("amended"):
        year = transfer["year"]
        if transfer.get("to") == "post-16":
            yield "phase-transfer", date(year, 3, 31), f"amend the plan for the move to post-16 in {year} (Regs 18)"
        else:
            yield "phase-transfer", date(year, 2, 15), f"amend the plan for the move of school in {year} (Regs 18)"


def _with_exceptions(record: dict, deadlines: list[Deadline]) -> list[Deadline]:
    """Regs 5(4), 10(4), 13(3): a recorded exception explains a delay; it never hides it."""
    exceptions = (record.get("ehc") or {}).get("exceptions") or []
    if not exceptions:
        return deadlines
    explained = []
    for item in deadlines:
        notes = [_exception_text(e) for e in exceptions
                 if item.kind in set(e.get("applies_to") or EXCEPTION_KINDS_BY_DEFAULT)]
        explained.append(Deadline(item.record, item.name, item.kind, item.due, item.detail,
                                  "; ".join(notes) if notes else None))
    return explained


def _exception_text(exception: dict) -> str:
    reason = EXCEPTION_REASONS.get(exception.get("reason"), str(exception.get("reason")))
    note = f" ({exception['note']})" if exception.get("note") else ""
    return f"{reason}{note}, recorded {exception.get('date')}"


def select(deadlines: Iterable[Deadline], today: date, within_days: int, include_upcoming: bool = False,
           kinds: Iterable[str] = ()) -> list[Deadline]:
    """What ``sendcli due`` shows, sorted by due date, then record, then kind."""
    wanted = set(kinds)
    shown = [d for d in deadlines
             if (not wanted or d.kind in wanted)
             and (include_upcoming or d.status(today, within_days) != "upcoming")]
    return sorted(shown, key=lambda d: (d.due, d.record, KINDS.index(d.kind)))
