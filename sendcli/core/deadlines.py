"""Deadlines (the README's "Deadlines"): what is due, for whom, by when.

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
#: The only clocks an EHC exception explains: the assessment's (Regs 5(4), 10(4), 13(3)).
#: Reviews, phase transfer and amendments have no exceptions.
EXCEPTION_KINDS = frozenset({"ehc-advice", "ehc-decision", "ehc-issue-decision", "ehc-final-plan"})
EXCEPTION_REASONS = codes.EHC_EXCEPTION_REASONS


@dataclass(frozen=True)
class DeadlineSettings:
    """The settings of ``sendcli.yaml`` that deadlines read, with their defaults."""

    due_soon_days: int = 14
    plan_within_days: int = 42
    parent_meeting_interval_days: int = 122
    retention_years: int = 31
    under_five_review_months: int = 6
    #: After the transfer pack was made the file has gone to the next school, which keeps it.
    keep_after_transfer_days: int = 30
    #: Year groups a child leaves for another phase next September (Regs 18(1)).
    phase_transfer_year_groups: tuple[str, ...] = ("N2", "6", "11")
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
            keep_after_transfer_days=settings.get("keep_after_transfer_days", defaults.keep_after_transfer_days),
            phase_transfer_year_groups=tuple(settings.get("phase_transfer_year_groups",
                                                          defaults.phase_transfer_year_groups)),
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
    """The ``count``-th school day after ``start``: see :func:`sendcli.core.dates.school_days_after`."""
    from sendcli.core.dates import school_days_after as counted_in_school_days

    return counted_in_school_days(start, count, closures)


def record_deadlines(record: dict, settings: DeadlineSettings) -> list[Deadline]:
    """Every deadline of one record, whatever its status."""
    record_id = record["id"]
    name = record["child"]["name"]
    found = [Deadline(record_id, name, kind, due, detail) for kind, due, detail in _raw_deadlines(record, settings)]
    return _with_exceptions(record, found)


def _raw_deadlines(record: dict, settings: DeadlineSettings) -> Iterator[tuple[str, date, str]]:
    status = record.get("status")
    born = _date(record["child"]["date_of_birth"])
    if status == codes.CLOSED:
        # From closure on, only the file's hand-over and its retention apply.
        yield from _closed_deadlines(record, settings, born)
        return
    yield from _cycle_deadlines(record, settings)
    yield from _parents_informed(record)
    if status == codes.SEN_SUPPORT and record["child"].get("setting", "school") == "school":
        # CoP 6.65: meeting parents at least three times a year is a school's duty, not a
        # nursery's or a college's.
        yield from _parent_meeting(record, settings)
    yield from _ehc_request_after_review(record)
    yield from _ehc_deadlines(record, settings, born)


def _closed_deadlines(record: dict, settings: DeadlineSettings, born: date | None) -> Iterator[tuple[str, date, str]]:
    closed = record.get("closed") or {}
    closed_on = _date(closed.get("date"))
    reason, _legacy = codes.read_close_reason(closed.get("reason"))
    transferred = _date(closed.get("transferred"))
    if reason == codes.MOVED_SCHOOL and closed_on and not transferred:
        due = school_days_after(closed_on, 15, settings.closures)
        yield ("file-transfer", due, "send the record to the new school within 15 school days "
               "(Education (Pupil Information) (England) Regs 2005, reg 9)")
    if transferred:
        # The file went to the next school, which keeps it: this copy is kept only briefly.
        yield ("retention", add_days(transferred, settings.keep_after_transfer_days),
               f"the file went to the next school on {_long(transferred)}: destroy this copy "
               f"{settings.keep_after_transfer_days} days on (IRMS toolkit)")
    elif born:
        yield ("retention", add_months(born, 12 * settings.retention_years),
               f"retention ends {settings.retention_years} years after birth: destroy the record "
               "(IRMS toolkit)")


def _cycle_closed_on(cycle: dict) -> date | None:
    """The day a closed cycle ended: its last stage move, else its review."""
    moves = [d for entry in cycle.get("history") or [] if (d := _date(entry.get("date")))]
    if moves:
        return max(moves)
    return _date((cycle.get("review") or {}).get("date"))


def _cycle_deadlines(record: dict, settings: DeadlineSettings) -> Iterator[tuple[str, date, str]]:
    cycles = record.get("cycles") or []
    if not cycles or cycles[-1].get("stage") == "closed":
        if record.get("status") == codes.SEN_SUPPORT:
            yield from _plan_without_cycle(record, settings, cycles[-1] if cycles else None)
        return
    cycle = cycles[-1]
    number, stage = cycle["number"], cycle["stage"]
    if stage in ("do", "review"):
        review_date = _date((cycle.get("plan") or {}).get("review_date"))
        if review_date:  # CoP 6.48, 6.54
            yield "review", review_date, f"SEN support review, cycle {number}"
    elif record.get("status") == codes.SEN_SUPPORT:
        opened = _date(cycle.get("opened"))
        if opened:
            yield ("plan", add_days(opened, settings.plan_within_days),
                   f"agree the plan of cycle {number} (opened {_long(opened)}; now in {stage})")


def _joined(record: dict) -> date | None:
    """The later of ``register.entered`` and the record's ``created``: clocks start no earlier."""
    days = [d for d in (_date((record.get("register") or {}).get("entered")), _date(record.get("created"))) if d]
    return max(days, default=None)


def _plan_without_cycle(record: dict, settings: DeadlineSettings, last: dict | None) -> Iterator[tuple[str, date, str]]:
    """A child on SEN support always has a current plan: none is open, so one is due."""
    closed_on = _cycle_closed_on(last) if last else None
    if closed_on:
        since = f"cycle {last.get('number')} closed on {_long(closed_on)}"  # type: ignore[union-attr]
        start = closed_on
    else:
        start = _joined(record)  # type: ignore[assignment]
        if start is None:
            return
        since = f"on SEN support since {_long(start)}"
    yield ("plan", add_days(start, settings.plan_within_days),
           f"open a cycle and agree a plan: no plan is running ({since})")


def _family_roles(record: dict, on: date | None = None) -> frozenset[str]:
    """Who counts as the family on ``on``: parents, carers, the young person, and the role that
    represents a young person who lacks capacity, from its ``since`` date (CoP 8.14-8.15)."""
    represented_by = (record.get("child") or {}).get("represented_by")
    if not isinstance(represented_by, dict) or not isinstance(represented_by.get("role"), str):
        return FAMILY
    since = _date(represented_by.get("since"))
    if since is not None and (on is None or on < since):
        return FAMILY
    return FAMILY | {represented_by["role"]}


def family_contacts(record: dict) -> list[date]:
    """Meetings with the family, plans agreed with them, reviews they attended (CoP 6.65)."""
    contacts = [(_date(m.get("date")), m.get("with")) for m in record.get("meetings") or []]
    for cycle in record.get("cycles") or []:
        plan = cycle.get("plan") or {}
        contacts.append((_date(plan.get("agreed")), plan.get("agreed_with")))
        review = cycle.get("review") or {}
        contacts.append((_date(review.get("date")), review.get("attendees")))
    return [day for day, who in contacts if day and _family_roles(record, day) & set(who or [])]


def _parent_meeting(record: dict, settings: DeadlineSettings) -> Iterator[tuple[str, date, str]]:
    contacts = family_contacts(record)
    if contacts:
        last = max(contacts)
        detail = f"meet the family (last met {_long(last)}; CoP 6.65: at least three times a year)"
    else:
        joined = _joined(record)
        if joined is None:
            return
        last = joined
        entered = _date((record.get("register") or {}).get("entered"))
        since = (f"joining the register on {_long(last)}" if entered == last
                 else f"the record was made in this casebook on {_long(last)}")
        detail = f"meet the family (no meeting recorded since {since}; CoP 6.65)"
    yield "parent-meeting", add_days(last, settings.parent_meeting_interval_days), detail


def _parents_informed(record: dict) -> Iterator[tuple[str, date, str]]:
    """CFA s.68; CoP 6.43: parents must be told that SEN provision is made for their child. A plan
    put into action without the family leaves that duty open until a contact is recorded."""
    met = [d for m in record.get("meetings") or []
           if (d := _date(m.get("date"))) and _family_roles(record, d) & set(m.get("with") or [])]
    unanswered = [(moved, cycle.get("number")) for cycle in record.get("cycles") or []
                  for entry in cycle.get("history") or []
                  if entry.get("stage") == "do" and entry.get("without_family") and (moved := _date(entry.get("date")))
                  and not any(day >= moved for day in met)]
    if unanswered:
        # One duty, answered by one contact: the earliest move without the family dates it.
        moved, number = min(unanswered, key=lambda item: item[0])
        later = f" (and {len(unanswered) - 1} later)" if len(unanswered) > 1 else ""
        yield ("parents-informed", moved,
               f"tell the family that SEN provision is being made: the plan of cycle {number} started on "
               f"{_long(moved)} without them{later} (CFA s.68; CoP 6.43)")


def _ehc_request_after_review(record: dict) -> Iterator[tuple[str, date, str]]:
    """A review that decided to request an EHC needs assessment: the request is the next step."""
    decided = [d for cycle in record.get("cycles") or []
               if (cycle.get("review") or {}).get("decision") == "request-ehc-assessment"
               and (d := _date(cycle["review"].get("date")))]
    if not decided:
        return
    reviewed = max(decided)
    ehc = record.get("ehc") or {}
    requests = [_date(ehc.get("requested")), *(_date(a.get("requested")) for a in ehc.get("earlier_assessments") or [])]
    if any(day and day >= reviewed for day in requests):
        return
    yield ("ehc-request", add_days(reviewed, 14),
           f"request the EHC needs assessment the review of {_long(reviewed)} decided on")


def plan_date(ehc: dict) -> date | None:
    """The issue date of the plan in force: the final plan, else a plan made before the casebook
    (its last review, else its issue date); the later where both are recorded."""
    existing = ehc.get("existing_plan") or {}
    days = [d for d in (_date(ehc.get("final_plan")),
                        _date(existing.get("last_review")) or _date(existing.get("issued"))) if d]
    return max(days, default=None)


def review_period_start(ehc: dict) -> date | None:
    """The start of the current 12-month review period (CFA s.44(1)): the plan's issue date, then
    each review: its meeting, and once the authority's decision after it is recorded, that decision."""
    start = plan_date(ehc)
    if start is None:
        return None
    for review in ehc.get("reviews") or []:
        completed = _date((review.get("la_decision") or {}).get("date")) or _date(review.get("meeting"))
        if completed and completed > start:
            start = completed
    return start


def review_period_end(start: date) -> date:
    """The last day of the 12 months starting with ``start``: the day before the anniversary;
    for a period starting on 29 February, 28 February."""
    if (start.month, start.day) == (2, 29):
        return date(start.year + 1, 2, 28)
    return add_months(start, 12) - timedelta(days=1)


#: The review meeting comes this long before the period ends, so the authority can decide within it
#: (Regs 20(10): 4 weeks after the meeting; CoP 9.169).
ANNUAL_REVIEW_LEAD_DAYS = 28


def _assessment_deadlines(ehc: dict) -> Iterator[tuple[str, date, str]]:
    requested = _date(ehc.get("requested"))
    advice_asked = _date(ehc.get("advice_requested"))
    if advice_asked and not ehc.get("advice_given"):
        yield ("ehc-advice", add_days(advice_asked, 42),
               f"send the setting's advice for the EHC needs assessment: 6 weeks from the authority's "
               f"request of {_long(advice_asked)} (Regs 8)")
    if not requested:
        return
    decision = ehc.get("decision") or {}
    if not decision:
        yield ("ehc-decision", add_days(requested, 42),
               f"the local authority decides whether to assess: 6 weeks from the request of {_long(requested)} "
               "(Regs 4, 5(1))")
    final = _date(ehc.get("final_plan"))
    if final and final >= requested:
        return
    if decision.get("outcome") == "not-assess" or ehc.get("not_issued"):
        return
    if decision.get("outcome") == "assess" and not ehc.get("draft_plan"):
        yield ("ehc-issue-decision", add_days(requested, 112),
               f"the local authority decides whether to issue a plan: 16 weeks from the request of "
               f"{_long(requested)} (Regs 10(1))")
    yield ("ehc-final-plan", add_days(requested, 140),
           f"the final EHC plan: 20 weeks from the request of {_long(requested)} (Regs 13(2))")


def _ehc_deadlines(record: dict, settings: DeadlineSettings, born: date | None) -> Iterator[tuple[str, date, str]]:
    ehc = record.get("ehc") or {}
    if not ehc:
        return
    yield from _assessment_deadlines(ehc)
    for consultation in ehc.get("consultations") or []:
        reply_by = _date(consultation.get("reply_by"))
        if reply_by and not consultation.get("replied"):
            asked = _date(consultation.get("date")) or reply_by
            yield ("ehc-consultation", reply_by,
                   f"reply to the local authority's consultation of {_long(asked)} on naming the setting in the "
                   "plan (CFA s.39)")
    start = review_period_start(ehc)
    if record.get("status") == codes.EHC_PLAN and start:
        end = review_period_end(start)
        due = end - timedelta(days=ANNUAL_REVIEW_LEAD_DAYS)
        yield ("ehc-annual-review", due,
               f"hold the annual review meeting by {_long(due)}: the 12 months from {_long(start)} end on "
               f"{_long(end)}, and the authority decides within them (CFA s.44; CoP 9.166, 9.169; Regs 20(10))")
        if born is not None and age_in_years(born, start) < 5:
            # In addition to the annual review, never instead of it.
            early = add_months(start, settings.under_five_review_months)
            yield ("ehc-early-review", early,
                   f"consider reviewing the plan of a child under 5, {settings.under_five_review_months} months "
                   f"from {_long(start)} (CoP 9.178: consider a review every 3 to 6 months)")
    for planned in ehc.get("planned_reviews") or []:
        meeting = _date(planned.get("meeting"))
        if meeting and not planned.get("notice_sent"):
            yield ("ehc-review-notice", meeting - timedelta(days=14),
                   f"invite to the review meeting of {_long(meeting)} and circulate the advice gathered for it, "
                   "2 weeks before (Regs 20(3), 20(4))")
    ceased = _date((ehc.get("ceased") or {}).get("date"))
    for review in ehc.get("reviews") or []:
        yield from _review_deadlines(review, ceased)
    yield from _phase_transfer(record, settings, ehc, born)


def _review_deadlines(review: dict, ceased: date | None) -> Iterator[tuple[str, date, str]]:
    meeting = _date(review.get("meeting"))
    if meeting is None:
        return
    if not review.get("report_sent"):
        yield ("ehc-review-report", add_days(meeting, 14),
               f"send the report of the review meeting of {_long(meeting)} (Regs 20(7))")
    la_decision = review.get("la_decision") or {}
    decided = _date(la_decision.get("date"))
    if not la_decision:
        yield ("ehc-la-decision", add_days(meeting, 28),
               f"the local authority's decision after the review of {_long(meeting)} (Regs 20(10))")
    elif la_decision.get("outcome") == "amend" and not review.get("amended_plan") and decided:
        yield ("ehc-amended-plan", add_days(decided, 56),
               f"the amended plan: 8 weeks from the authority's decision of {_long(decided)} to amend, after "
               f"the review of {_long(meeting)} (Regs 22; R (L, M, P) v Devon CC [2022])")
    elif la_decision.get("outcome") == "cease" and decided and not (ceased and ceased >= decided):
        yield ("ehc-cease", add_months(decided, 2),
               f"the plan stays in force until the 2 months to appeal the decision of {_long(decided)} to cease "
               "it have passed (CFA s.45; First-tier Tribunal (HESC) Rules 2008 r.20): then record "
               "'ehc ceased', or the appeal")


def transfer_summer(date_of_birth: date, year_group: str) -> int | None:
    """The year whose September follows the school year in which a child born on ``date_of_birth``
    is in ``year_group`` (their cohort: reception is the school year in which they turn 5)."""
    reception_starts = date_of_birth.year + 4 + (1 if date_of_birth.month >= 9 else 0)
    offsets = {"N1": -2, "N2": -1, "R": 0}
    if year_group in offsets:
        offset = offsets[year_group]
    elif year_group.isdigit():
        offset = int(year_group)
    else:
        return None
    return reception_starts + offset + 1


def _is_post_16(year_group: str) -> bool:
    return year_group.isdigit() and int(year_group) >= 11


def _phase_transfer(record: dict, settings: DeadlineSettings, ehc: dict,
                    born: date | None) -> Iterator[tuple[str, date, str]]:
    """Regs 18(1); CoP 9.179: the plan is amended, naming the next school, before a phase transfer."""
    if record.get("status") != codes.EHC_PLAN:
        return
    transfer = ehc.get("phase_transfer") or {}
    year_group = (record.get("child") or {}).get("year_group")
    by_year_group = None
    if year_group in settings.phase_transfer_year_groups and born is not None:
        by_year_group = transfer_summer(born, year_group)
    # A recorded transfer answers its own September only: a child whose year group points to a later
    # transfer (Year 6 after a recorded move at the end of the nursery years) has that one ahead too.
    if transfer and not (by_year_group is not None and by_year_group > transfer["year"]):
        if transfer.get("amended"):
            return
        year, post_16 = transfer["year"], transfer.get("to") == "post-16"
        why = ""
    elif by_year_group is not None:
        year, post_16 = by_year_group, _is_post_16(year_group)
        why = (f"year {year_group}, by the date of birth; record the transfer with 'ehc transfer' if it is "
               "another year; ")
    else:
        return
    # "By 15 February" (31 March for a move to post-16): the day before is the last day.
    if post_16:
        yield ("phase-transfer", date(year, 3, 30),
               f"amend the plan before 31 March {year} for the move to post-16 in September {year} "
               f"({why}Regs 18(1); CoP 9.179)")
    else:
        yield ("phase-transfer", date(year, 2, 14),
               f"amend the plan before 15 February {year} for the move of school in September {year} "
               f"({why}Regs 18(1); CoP 9.179)")


def _with_exceptions(record: dict, deadlines: list[Deadline]) -> list[Deadline]:
    """Regs 5(4), 10(4), 13(3): a recorded exception explains a delay of the assessment during which
    it was recorded; it never hides the item."""
    ehc = record.get("ehc") or {}
    exceptions = ehc.get("exceptions") or []
    requested = _date(ehc.get("requested"))
    if not exceptions or requested is None:
        return deadlines
    current = [e for e in exceptions if (d := _date(e.get("date"))) and d >= requested]
    explained = []
    for item in deadlines:
        notes = [_exception_text(e) for e in current if item.kind in exception_kinds(e)]
        explained.append(Deadline(item.record, item.name, item.kind, item.due, item.detail,
                                  "; ".join(notes) if notes else None))
    return explained


def exception_kinds(exception: dict) -> frozenset[str]:
    """The clocks one exception explains: the assessment's, or those of them its ``applies_to`` names
    (a first-edition record may name others there: they are ignored)."""
    named = exception.get("applies_to")
    return EXCEPTION_KINDS & frozenset(named) if named else EXCEPTION_KINDS


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


#: A closure exception: the setting closed for at least 4 weeks (Regs 5(4), 10(4), 13(3)).
CLOSURE_MIN_DAYS = 28


def closure_exception_problems(exception: dict) -> list[str] | None:
    """Why a ``school-closure`` exception's dates do not fit the regulations (empty: they fit; None:
    its dates are not all recorded, as in a first-edition record, so it cannot be judged).

    The setting was closed for a continuous period of 4 weeks or more, and the authority asked it
    for advice in the window that begins a week before the closure and ends a week before the day
    it reopened (Regs 5(4), 10(4), 13(3)).
    """
    def day(key: str) -> date | None:  # a date as read from a file, or as a command is about to write it
        value = exception.get(key)
        return value if isinstance(value, date) else _date(value)

    first, last, asked = day("from"), day("to"), day("advice_requested")
    if first is None or last is None or asked is None:
        return None
    if last < first:
        return [f"the closure ends ({last}) before it starts ({first})"]
    problems = []
    if (last - first).days + 1 < CLOSURE_MIN_DAYS:
        problems.append(f"the closure from {first} to {last} is {(last - first).days + 1} days: an exception "
                        "needs the setting closed for 4 weeks or more (Regs 5(4), 10(4), 13(3))")
    window_start, window_end = first - timedelta(days=7), last + timedelta(days=1) - timedelta(days=7)
    if not window_start <= asked <= window_end:
        problems.append(f"the advice was requested on {asked}, outside the window from {window_start} to "
                        f"{window_end} (a week before the closure to a week before the setting reopened; "
                        "Regs 5(4), 10(4), 13(3))")
    return problems
