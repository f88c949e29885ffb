"""What provision costs in a school year: pure arithmetic on a provision, its cycle and the settings.

A provision is costed in one of two ways (docs/settings.md, "Costs"):

- it has a ``cost``: GBP for its cycle, scaled to a year by the cycle's planned
  length (the day the plan was agreed, else the day the cycle moved to do, else
  the day it opened, to its review date): ``cost x 365 / days``. The planned
  length, not the days it actually ran: the cost was set for the plan, and a
  provision that stopped early still had its cycle's cost;
- else from its time: ``minutes a week / 60 x the staff rate x school weeks /
  group size``, where the staff rate is the GBP an hour of ``staff_rates`` whose
  word the provision's ``staff`` names.

Money is worked in Decimal and rounded to the penny (half up) once, at the end,
so that a sum of costs never drifts by floating-point fractions.

Fields read: provision ``cost``, ``minutes_per_week`` (else ``frequency``),
``staff``, ``group_size``, ``programme``, ``local_offer``; cycle ``opened``,
``history``, ``plan.agreed``, ``plan.review_date``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sendcli.core.dates import parse_iso_date

PENNY = Decimal("0.01")
#: Days in a year, for scaling a cycle's cost: a cycle's dates include its holidays, as a year's do.
DAYS_IN_YEAR = 365
_WEEKLY = re.compile(r"(\d+)\s*x\s*(\d+)\s*min\w*\s*(?:a\s+|per\s+|each\s+)?week", re.IGNORECASE)


@dataclass(frozen=True)
class CostSettings:
    """The settings of ``sendcli.yaml`` that costs read, with their defaults."""

    #: GBP an hour by staff word, as sendcli.yaml spells it: ``{"TA": Decimal("14.5")}``.
    staff_rates: Mapping[str, Decimal] = field(default_factory=dict)
    #: Weeks a year the school is open: the weeks time-costed provision runs.
    school_weeks: int = 39
    #: The first £6,000 of additional support a mainstream school meets from its notional SEN budget.
    notional_threshold: Decimal = Decimal(6000)
    #: staff text → its rate, filled as provision is costed: a casebook names the same few staff
    #: thousands of times.
    _rate_by_staff: dict = field(default_factory=dict, compare=False, repr=False)

    def rate_for(self, staff: object) -> Decimal | None:
        """:func:`staff_rate` of ``staff`` under these rates."""
        if not isinstance(staff, str):
            return None
        try:
            return self._rate_by_staff[staff]
        except KeyError:
            rate = self._rate_by_staff[staff] = staff_rate(staff, self.staff_rates)
            return rate

    @classmethod
    def from_settings(cls, settings: Mapping) -> CostSettings:
        defaults = cls()
        rates = settings.get("staff_rates") or {}
        return cls(
            staff_rates={str(word): Decimal(str(rate)) for word, rate in rates.items()},
            school_weeks=settings.get("school_weeks", defaults.school_weeks),
            notional_threshold=Decimal(str(settings.get("notional_threshold", defaults.notional_threshold))),
        )


def _folded(words: str) -> str:
    return " ".join(str(words).casefold().split())


def pence(amount: Decimal) -> Decimal:
    """Rounded to the penny, half up (£0.005 is £0.01), as money is rounded on paper."""
    return amount.quantize(PENNY, rounding=ROUND_HALF_UP)


def as_money(amount: Decimal | None) -> float | None:
    """A Decimal amount as a JSON number of pounds and pence (None stays None)."""
    return None if amount is None else float(pence(amount))


def weekly_minutes(provision: Mapping) -> int | None:
    """``minutes_per_week``, else worked out from a frequency like '3 x 20 min weekly'."""
    minutes = provision.get("minutes_per_week")
    if isinstance(minutes, int) and not isinstance(minutes, bool):
        return minutes
    match = _WEEKLY.search(provision.get("frequency") or "")
    return int(match.group(1)) * int(match.group(2)) if match else None


def programme_of(provision: Mapping) -> str | None:
    """The intervention a provision is: its ``programme``, else its Local Offer service's ID."""
    return provision.get("programme") or provision.get("local_offer") or None


def staff_rate(staff: str | None, rates: Mapping[str, Decimal]) -> Decimal | None:
    """The hourly rate of the staff a provision names, matched as a SENCO reads it: case and spacing
    aside, a rate word matches the whole ``staff`` text ("TA") or a whole word or phrase in it
    ("Year 3 TA", "teaching assistant (Mrs Example)"), never part of a word ("TA" is not in
    "TAs" or "Tamsin"). Where the text names several rate words ("teacher and TA"), each adult is
    there for the session and the rates add up; a longer rate word is matched before the words in
    it ("class teacher" before "teacher"). None when no rate word is named."""
    if not staff or not rates:
        return None
    text = _folded(staff)
    folded = {_folded(word): rate for word, rate in rates.items()}
    whole = folded.get(text)
    if whole is not None:
        return whole
    total, found = Decimal(0), False
    for word in sorted(folded, key=len, reverse=True):
        pattern = re.compile(rf"(?<!\w){re.escape(word)}(?!\w)")
        if pattern.search(text):
            total += folded[word]
            found = True
            text = pattern.sub(" ", text)  # the words of a matched phrase are not matched again
    return total if found else None


def planned_days(cycle: Mapping) -> int | None:
    """The days a cycle was planned to run: from the day its plan was agreed (else its move to do,
    else the day it opened) to its review date; None without a review date after that day."""
    plan = cycle.get("plan") or {}
    review = parse_iso_date(plan.get("review_date"))
    if review is None:
        return None
    start = parse_iso_date(plan.get("agreed"))
    if start is None:
        start = next((parse_iso_date(move.get("date")) for move in cycle.get("history") or []
                      if move.get("stage") == "do" and parse_iso_date(move.get("date")) is not None), None)
    if start is None:
        start = parse_iso_date(cycle.get("opened"))
    if start is None or review <= start:
        return None
    return (review - start).days


def _number(value: object) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    amount = Decimal(str(value))
    return amount if amount.is_finite() and amount >= 0 else None


#: Not given: worked out from the provision or its cycle.
_ASK: object = object()


def yearly_cost_exact(provision: Mapping, cycle: Mapping, settings: CostSettings, *,
                      minutes: object = _ASK, days: object = _ASK) -> Decimal | None:
    """:func:`yearly_cost` unrounded, for sums that round once. ``minutes`` (the provision's
    :func:`weekly_minutes`) and ``days`` (its cycle's :func:`planned_days`) may be given where the
    caller has them already."""
    if provision.get("cost") is not None:
        cost = _number(provision.get("cost"))
        cycle_days = planned_days(cycle) if days is _ASK else days
        if cost is None or not isinstance(cycle_days, int):
            return None
        return cost * DAYS_IN_YEAR / cycle_days
    weekly = weekly_minutes(provision) if minutes is _ASK else minutes
    if not isinstance(weekly, int):
        return None
    if weekly == 0:
        return Decimal(0)
    rate = settings.rate_for(provision.get("staff"))
    if rate is None:
        return None
    group = provision.get("group_size")
    group_size = group if isinstance(group, int) and not isinstance(group, bool) and group >= 1 else 1
    return Decimal(weekly) / 60 * rate * settings.school_weeks / group_size


def yearly_cost(provision: Mapping, cycle: Mapping, settings: CostSettings, *,
                minutes: object = _ASK, days: object = _ASK) -> float | None:
    """GBP for a school year, rounded to the penny; None when it cannot be costed (a ``cost`` whose
    cycle has no planned length; no minutes; no rate for its staff)."""
    return as_money(yearly_cost_exact(provision, cycle, settings, minutes=minutes, days=days))


def total(amounts: Iterable[Decimal | None]) -> Decimal:
    """The sum of the amounts that are known."""
    return sum((amount for amount in amounts if amount is not None), Decimal(0))


def above_threshold(yearly_total: Decimal | float, settings: CostSettings) -> bool:
    """Whether a child's yearly total passes the notional threshold: the point past which a
    mainstream school may ask the local authority for top-up funding."""
    amount = yearly_total if isinstance(yearly_total, Decimal) else Decimal(round(yearly_total * 100)) / 100
    return pence(amount) > settings.notional_threshold
