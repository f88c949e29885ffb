"""What the setting's annual review report of an EHC plan holds (no files, no clock).

The report (CoP 9.176) is written for the review in hand:

1. the earliest review meeting recorded (``sendcli ehc review``) whose report
   has not been sent yet (the report is due within 2 weeks of the meeting,
   Regs 20(7));
2. else a meeting planned after the last one held (``ehc review-planned``);
3. else the next review, not planned yet: the meeting due 4 weeks before the
   12-month period ends (CFA s.44(1); CoP 9.169).

The period the report covers runs from the start of the 12-month period that
review closes (the plan's issue date, or the previous review's decision,
else its meeting) to the meeting, or to today where the meeting is still
ahead. Everything else is read from that period of the record: the views,
the setting's cycles with their outcomes and ratings, the provision that
ran, and what the review meeting's entry says (who attended, who gave
advice, what should change, the setting's recommendation). What is not
recorded stays empty, and the report says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sendcli.core.dates import add_months, parse_iso_date
from sendcli.core.deadlines import ANNUAL_REVIEW_LEAD_DAYS, plan_date, review_period_end, review_period_start
from sendcli.core.measures import outcome_series
from sendcli.core.reports import ProvisionRow, provision_rows

#: The setting's recommendation to the authority, as the review's report words it.
RECOMMENDATIONS = ("maintain", "amend", "cease")

#: Views by who gave them: the child's (or young person's) own, then the family's.
CHILD_VOICES = frozenset({"child", "young-person"})
FAMILY_VOICES = frozenset({"parent", "carer", "deputy"})


@dataclass(frozen=True)
class OutcomeProgress:
    """One outcome of a cycle in the period, with its rating where the cycle was reviewed in it."""

    cycle: int
    id: str
    text: str
    area: str | None
    criteria: str | None
    rating: str | None
    comment: str | None
    #: The outcome as the record holds it (for a template's chart of its measure).
    source: dict = field(default_factory=dict, repr=False, compare=False)
    #: A measured outcome (``measure``): its baseline, the latest reading by the period's end, its target.
    measure: str | None = None
    unit: str | None = None
    baseline: float | None = None
    latest: float | None = None
    latest_date: str | None = None
    target: float | None = None


@dataclass(frozen=True)
class AnnualReview:
    """The review in hand and what the record holds about its period."""

    #: The issue date of the plan in force (None: not recorded).
    plan_date: date | None
    #: The meeting's date: held, or planned; None when no meeting is recorded or planned yet.
    meeting: date | None
    held: bool
    #: With no meeting recorded or planned: the date by which it is due.
    due_by: date | None
    period_from: date
    period_to: date
    #: The review's entry in ``ehc.reviews`` (empty where the meeting is not held yet).
    entry: dict = field(default_factory=dict)
    child_views: list[dict] = field(default_factory=list)
    family_views: list[dict] = field(default_factory=list)
    other_views: list[dict] = field(default_factory=list)
    outcomes: list[OutcomeProgress] = field(default_factory=list)
    provision: list[ProvisionRow] = field(default_factory=list)
    #: The setting's reviews (SEN support cycles) in the period: their decisions and next steps.
    cycle_reviews: list[dict] = field(default_factory=list)
    attendees: list[str] = field(default_factory=list)
    advice_from: list[str] = field(default_factory=list)
    changes: str | None = None
    recommendation: str | None = None
    #: The authority's decision after the meeting ({date, outcome}), once recorded.
    la_decision: dict | None = None
    amended_plan: str | None = None


def _held_reviews(ehc: dict) -> list[dict]:
    reviews = [r for r in ehc.get("reviews") or [] if isinstance(r, dict) and parse_iso_date(r.get("meeting"))]
    return sorted(reviews, key=lambda r: parse_iso_date(r["meeting"]))


def _review_in_hand(ehc: dict, today: date) -> tuple[dict | None, date | None, bool, date, date | None]:
    """(entry, meeting, held, period start, due by) of the review the report is for. With no plan
    date recorded (a first-edition record), the period is the 12 months up to today."""
    held = _held_reviews(ehc)
    start_of_plan = plan_date(ehc) or add_months(today, -12) + timedelta(days=1)
    for index, review in enumerate(held):
        if not review.get("report_sent"):
            earlier = {**ehc, "reviews": held[:index]}
            return review, parse_iso_date(review["meeting"]), True, review_period_start(earlier) or start_of_plan, None
    last_held = parse_iso_date(held[-1]["meeting"]) if held else None
    planned = sorted(day for item in ehc.get("planned_reviews") or [] if isinstance(item, dict)
                     and (day := parse_iso_date(item.get("meeting"))) and (last_held is None or day > last_held))
    start = review_period_start(ehc) or start_of_plan
    if planned:
        return None, planned[0], False, start, None
    due = review_period_end(start) - timedelta(days=ANNUAL_REVIEW_LEAD_DAYS) if plan_date(ehc) else None
    return None, None, False, start, due


def _cycle_span(cycle: dict) -> tuple[date | None, date | None]:
    opened = parse_iso_date(cycle.get("opened"))
    if cycle.get("stage") != "closed":
        return opened, None
    closed = [parse_iso_date(entry.get("date")) for entry in cycle.get("history") or []
              if isinstance(entry, dict) and entry.get("stage") == "closed"]
    reviewed = parse_iso_date((cycle.get("review") or {}).get("date"))
    ends = [day for day in (*closed, reviewed) if day]
    return opened, max(ends) if ends else opened


def _progress(record: dict, cycle: dict, outcome: dict, period_to: date) -> OutcomeProgress:
    review = cycle.get("review") or {}
    reviewed = parse_iso_date(review.get("date"))
    rated = {item.get("outcome"): item for item in review.get("progress") or [] if isinstance(item, dict)} \
        if reviewed and reviewed <= period_to else {}
    rating = rated.get(outcome.get("id")) or {}
    # A measure's whole history, across the cycles that carried the outcome on (core.measures).
    series = outcome_series(record, outcome)
    latest = series.latest(period_to) if series else None
    return OutcomeProgress(
        cycle=cycle.get("number"), id=str(outcome.get("id")), text=outcome.get("text") or "",
        area=outcome.get("area"), criteria=outcome.get("criteria"), rating=rating.get("rating"),
        comment=rating.get("text"), source=outcome,
        measure=series.measure.name if series else None, unit=series.measure.unit if series else None,
        baseline=series.measure.baseline if series else None, latest=latest.value if latest else None,
        latest_date=latest.day.isoformat() if latest else None, target=series.measure.target if series else None)


def _in(day: object, first: date, last: date) -> bool:
    parsed = parse_iso_date(day)
    return parsed is not None and first <= parsed <= last


def annual_review(record: dict, today: date) -> AnnualReview:
    """The review in hand of a record's EHC plan."""
    ehc = record.get("ehc") or {}
    entry, meeting, held, period_from, due = _review_in_hand(ehc, today)
    entry = entry or {}
    period_to = meeting if held and meeting else today
    period_from = min(period_from, period_to)

    views = sorted((v for v in record.get("views") or [] if isinstance(v, dict)
                    and _in(v.get("date"), period_from, period_to)), key=lambda v: str(v.get("date")))
    cycles = []
    for cycle in record.get("cycles") or []:
        opened, ended = _cycle_span(cycle)
        if opened and opened <= period_to and (ended is None or ended >= period_from):
            cycles.append(cycle)
    outcomes = [_progress(record, cycle, outcome, period_to) for cycle in cycles
                for outcome in (cycle.get("plan") or {}).get("outcomes") or [] if isinstance(outcome, dict)]
    cycle_reviews = [{"cycle": cycle.get("number"), **cycle["review"]} for cycle in cycles
                     if isinstance(cycle.get("review"), dict) and _in(cycle["review"].get("date"), period_from,
                                                                      period_to)]

    attendees = [str(who) for who in entry.get("attendees") or []]
    if not attendees and meeting is not None and held:
        # The setting's own review held on the day of the meeting: the same people took part.
        for review in cycle_reviews:
            if parse_iso_date(review.get("date")) == meeting:
                attendees = [str(who) for who in review.get("attendees") or []]
    advice = [str(who) for who in entry.get("advice_from") or []]
    if not advice:
        sources = [str(item.get("source")) for cycle in cycles
                   for item in (cycle.get("assess") or {}).get("evidence") or []
                   if isinstance(item, dict) and item.get("source") and _in(item.get("date"), period_from, period_to)]
        advice = list(dict.fromkeys(sources))
    return AnnualReview(
        plan_date=plan_date(ehc), meeting=meeting, held=held, due_by=due, period_from=period_from, period_to=period_to, entry=entry,
        child_views=[v for v in views if v.get("from") in CHILD_VOICES],
        family_views=[v for v in views if v.get("from") in FAMILY_VOICES],
        other_views=[v for v in views if v.get("from") not in CHILD_VOICES | FAMILY_VOICES],
        outcomes=outcomes, provision=provision_rows([record], period_from, period_to),
        cycle_reviews=cycle_reviews, attendees=attendees, advice_from=advice,
        changes=entry.get("changes") or None,
        recommendation=entry.get("recommendation") if entry.get("recommendation") in RECOMMENDATIONS else None,
        la_decision=entry.get("la_decision") if isinstance(entry.get("la_decision"), dict) else None,
        amended_plan=str(entry["amended_plan"]) if entry.get("amended_plan") else None)
