"""Measured outcomes: a measure's baseline, target and dated readings, across the cycles that carry it.

An outcome may carry a ``measure`` (a reading age in months, a standardised
score, incidents a week) with a baseline, the date of the baseline and a
target, and a list of ``readings``. A review that carries an outcome on
copies its measure and readings, so a measure's history runs across cycles:
:func:`outcome_series` gathers it along the ``carried_from`` chain.

Everything here is pure: records are plain data as the checker read them
(dates as ``YYYY-MM-DD`` text), and ``today`` or a period's ends are
arguments. The impact report, the charts and the review's suggested rating
all read a measure through this module.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date

from sendcli.core.dates import parse_iso_date

ACHIEVED, PARTLY, NOT_ACHIEVED = "achieved", "partly-achieved", "not-achieved"

_CARRIED_FROM = re.compile(r"([1-9][0-9]*)/([a-z][a-z0-9-]{0,31})")


@dataclass(frozen=True)
class Reading:
    day: date
    value: float
    by: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Measure:
    name: str
    unit: str | None
    baseline: float
    baseline_date: date
    target: float
    lower_is_better: bool = False

    @property
    def direction(self) -> int:
        """+1 where a higher value is better, -1 where lower is (incidents a week)."""
        return -1 if self.lower_is_better else 1

    def better_by(self, start: float, end: float) -> float:
        """How far ``end`` is better than ``start``, in the measure's unit: positive is better."""
        return (end - start) * self.direction

    def reached(self, value: float) -> bool:
        return self.better_by(self.target, value) >= 0


@dataclass(frozen=True)
class Series:
    """One measured outcome's whole history: the baseline of the first outcome of its chain, the
    target of the latest, and every reading of the chain once, in date order."""

    measure: Measure
    readings: tuple[Reading, ...]

    def latest(self, until: date | None = None) -> Reading | None:
        """The last reading dated on or before ``until`` (any date, where None)."""
        found = [r for r in self.readings if until is None or r.day <= until]
        return found[-1] if found else None


def _number(value: object) -> float | None:
    """A finite number (YAML's int or float, never a boolean), else None."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None


def measure_of(outcome: dict) -> Measure | None:
    """The outcome's measure, or None where it has none (or one the checker reports as broken)."""
    raw = outcome.get("measure") if isinstance(outcome, dict) else None
    if not isinstance(raw, dict):
        return None
    name, unit = raw.get("name"), raw.get("unit")
    baseline, target = _number(raw.get("baseline")), _number(raw.get("target"))
    baseline_date = parse_iso_date(raw.get("baseline_date"))
    if not isinstance(name, str) or baseline is None or target is None or baseline_date is None:
        return None
    return Measure(name, unit if isinstance(unit, str) else None, baseline, baseline_date, target,
                   raw.get("lower_is_better") is True)


def readings_of(outcome: dict) -> list[Reading]:
    """The outcome's own readings that have a date and a number, in date order (stable)."""
    found = []
    raw = outcome.get("readings") if isinstance(outcome, dict) else None
    for item in raw if isinstance(raw, list) else []:
        if not isinstance(item, dict):
            continue
        day, value = parse_iso_date(item.get("date")), _number(item.get("value"))
        if day is None or value is None:
            continue
        by, note = item.get("by"), item.get("note")
        found.append(Reading(day, value, by if isinstance(by, str) else None, note if isinstance(note, str) else None))
    return sorted(found, key=lambda reading: reading.day)


def _outcome_in(record: dict, cycle_number: int, outcome_id: str) -> dict | None:
    for cycle in record.get("cycles") or []:
        if isinstance(cycle, dict) and cycle.get("number") == cycle_number:
            for outcome in (cycle.get("plan") or {}).get("outcomes") or []:
                if isinstance(outcome, dict) and outcome.get("id") == outcome_id:
                    return outcome
    return None


def carried_chain(record: dict, outcome: dict) -> list[dict]:
    """The outcome and those it was carried from, oldest first (a broken or looping link ends it)."""
    chain = [outcome]
    seen = {id(outcome)}
    while True:
        link = chain[0].get("carried_from")
        match = _CARRIED_FROM.fullmatch(link) if isinstance(link, str) else None
        earlier = _outcome_in(record, int(match.group(1)), match.group(2)) if match else None
        if earlier is None or id(earlier) in seen:
            return chain
        seen.add(id(earlier))
        chain.insert(0, earlier)


def outcome_series(record: dict, outcome: dict, chain: list[dict] | None = None) -> Series | None:
    """The measure's history across the cycles that carried the outcome (None: no measure).

    The measure as the outcome now holds it (its name, unit, target and direction); the baseline
    of the first outcome of the chain with the same measure (name and unit), so the change runs
    from where the child started; the readings of every such outcome, by date. A day's readings
    come from the newest copy that holds a reading of that day: a carried copy holds the earlier
    cycle's readings, so a slip corrected in the current cycle replaces the earlier copy's reading
    rather than standing beside it; an earlier copy's readings count for the days no newer copy
    holds. An earlier outcome measured on another scale is not part of this series.
    """
    current = measure_of(outcome)
    if current is None:
        return None
    # ``chain``: carried_chain(record, outcome), where the caller has it already.
    chain = carried_chain(record, outcome) if chain is None else chain
    measured = [(item, measure_of(item)) for item in chain]  # each read once
    same = [(item, m) for item, m in measured if m is not None and (m.name, m.unit) == (current.name, current.unit)]
    first = same[0][1] or current
    measure = Measure(current.name, current.unit, first.baseline, first.baseline_date, current.target,
                      current.lower_is_better)
    readings: list[Reading] = []
    held: set[date] = set()
    for item, _ in reversed(same):  # newest first
        own = readings_of(item)
        readings += [reading for reading in dict.fromkeys(own) if reading.day not in held]
        held.update(reading.day for reading in own)
    return Series(measure, tuple(sorted(readings, key=lambda reading: reading.day)))


# -- a review's suggested rating -----------------------------------------------------------

@dataclass(frozen=True)
class Suggestion:
    rating: str
    measure: Measure
    latest: Reading

    def numbers(self) -> str:
        """``reading age: baseline 84, latest 90 months (2026-11-01), target 96``."""
        unit = f" {self.measure.unit}" if self.measure.unit else ""
        lower = ", lower is better" if self.measure.lower_is_better else ""
        return (f"{self.measure.name}: baseline {number_text(self.measure.baseline)}, latest "
                f"{number_text(self.latest.value)}{unit} ({self.latest.day}), target "
                f"{number_text(self.measure.target)}{lower}")


def suggest_rating(series: Series, until: date | None = None) -> Suggestion | None:
    """What the readings say of the target, for the review to weigh (never to impose).

    The latest reading up to ``until``: at or past the target is ``achieved``; better than the
    baseline but short of the target is ``partly-achieved``; no better than the baseline is
    ``not-achieved`` ("better" in the measure's direction). None without a reading.
    """
    latest = series.latest(until)
    if latest is None:
        return None
    measure = series.measure
    if measure.reached(latest.value):
        rating = ACHIEVED
    elif measure.better_by(measure.baseline, latest.value) > 0:
        rating = PARTLY
    else:
        rating = NOT_ACHIEVED
    return Suggestion(rating, measure, latest)


# -- readings far outside the scale ----------------------------------------------------------

def plausible_range(measure: Measure) -> tuple[float, float]:
    """The span from baseline to target, widened by its own width on each side.

    A reading outside it is most likely a slip (840 for 84, a score on another scale) and
    ``check`` warns. Where baseline and target are equal, the width is the baseline's size (at
    least 1).
    """
    low, high = sorted((measure.baseline, measure.target))
    width = (high - low) or max(abs(measure.baseline), 1.0)
    return low - width, high + width


def number_text(value: float) -> str:
    """84.0 as ``84``, 7.25 as ``7.25``: a measure's numbers as a person writes them."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def as_written(value: float) -> int | float:
    """A whole number stays whole in the file (``84``, not ``84.00``)."""
    return int(value) if float(value).is_integer() else value
