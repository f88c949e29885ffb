"""Date arithmetic the rules share: calendar months, school days, ages and young people."""

from __future__ import annotations

import calendar
import functools
import re
from collections.abc import Iterable
from datetime import date, timedelta

from sendcli.core.findings import WARNING, Finding

#: The shape of a day as records write it (whether or not the day exists).
ISO_DATE_SHAPE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


#: Texts already read as dates (or as no date). The rules read every date of a record several
#: times over, about 280 readings a record, and a casebook's records share a few thousand dates:
#: a look-up here costs a tenth of reading one again. Only texts of a date's length are kept,
#: and only so many: past that bound, dates are read afresh.
_PARSED: dict[str, date | None] = {}
_PARSED_BOUND = 65_536


def parse_iso_date(text: object) -> date | None:
    """``YYYY-MM-DD`` to a date; None for anything else, impossible dates included."""
    if type(text) is str and len(text) == 10:
        try:
            return _PARSED[text]
        except KeyError:
            day = _read_iso_date(text)
            if len(_PARSED) < _PARSED_BOUND:
                _PARSED[text] = day
            return day
    return _read_iso_date(text)


def _read_iso_date(text: object) -> date | None:
    if not isinstance(text, str) or not ISO_DATE_SHAPE.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def add_days(start: date, days: int) -> date:
    return start + timedelta(days=days)


def add_months(start: date, months: int) -> date:
    """The same day ``months`` on, clamped to the month's last day.

    29 Feb + 12 months is 28 Feb; 31 Aug + 6 months is 28 or 29 Feb.
    """
    month_index = start.month - 1 + months
    year = start.year + month_index // 12
    month = month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


def last_friday_of_june(year: int) -> date:
    june_30 = date(year, 6, 30)
    # Monday is 0, Friday is 4.
    return june_30 - timedelta(days=(june_30.weekday() - 4) % 7)


def young_person_from(date_of_birth: date) -> date:
    """The day a child becomes a young person (over compulsory school age).

    Compulsory school age ends at the end of the last Friday of June of the
    school year (1 September - 31 August) in which the child turns 16
    (EA 1996 s.8(3)), so the young person decides from the day after: the
    Saturday (CoP 8.13).
    """
    sixteenth_year = date_of_birth.year + 16
    # Birthdays from 1 September fall in the school year ending the next summer.
    summer = sixteenth_year + 1 if (date_of_birth.month, date_of_birth.day) >= (9, 1) else sixteenth_year
    return last_friday_of_june(summer) + timedelta(days=1)


def is_young_person(date_of_birth: date, on: date) -> bool:
    return on >= young_person_from(date_of_birth)


def age_in_years(date_of_birth: date, on: date) -> int:
    years = on.year - date_of_birth.year
    if (on.month, on.day) < (date_of_birth.month, date_of_birth.day):
        years -= 1
    return years


# -- school days -----------------------------------------------------------------------------------

def school_year_of(day: date) -> tuple[date, date]:
    """The school year (1 September - 31 August) that ``day`` falls in, as (first, last) day."""
    start_year = day.year if day.month >= 9 else day.year - 1
    return date(start_year, 9, 1), date(start_year + 1, 8, 31)


def bank_holidays_in_england(year: int) -> frozenset[date]:
    """England's bank holidays in ``year``, substitute days included, from the ``holidays`` library.

    A maintained library, not a hand-kept list: one-off holidays (a coronation,
    a jubilee) arrive with an upgrade. It is imported here, on first use, never
    at start-up (it takes longer to import than the rest of a command).
    """
    return _bank_holidays(year)


@functools.lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[date]:
    import holidays

    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_school_day(day: date, closures: tuple[tuple[date, date], ...] = ()) -> bool:
    """A weekday, not a bank holiday in England, and outside every closure range (both ends included)."""
    return (day.weekday() < 5 and not any(first <= day <= last for first, last in closures)
            and day not in _bank_holidays(day.year))


def school_days_after(start: date, count: int, closures: Iterable[tuple[date, date]] = ()) -> date:
    """The ``count``-th school day after ``start`` (``start`` itself never counts).

    School days are weekdays that are not bank holidays in England and not in
    the setting's ``closures`` (its holidays and closure days, from sendcli.yaml).
    """
    ranges = tuple(closures)
    day = start
    remaining = count
    # A closure that never ends would make this loop for ever: ten years of days is the bound.
    last_day = start + timedelta(days=3653)
    while remaining > 0 and day < last_day:
        day += timedelta(days=1)
        if is_school_day(day, ranges):
            remaining -= 1
    return day


def closure_findings(settings: dict, today: date | None = None) -> list[Finding]:
    """sendcli.yaml's ``closures``: a range that ends before it starts is an error (its line);
    with ``today``, no closure in the current school year is a warning: the term dates are not
    set, so school days count the holidays as school days.

    Ranges whose dates are not dates are left to the schema's findings.
    """
    findings: list[Finding] = []
    closures = settings.get("closures")
    ranges = [(index, item) for index, item in enumerate(closures)
              if isinstance(item, dict)] if isinstance(closures, list) else []
    in_this_year = False
    first_day, last_day = school_year_of(today) if today else (date.min, date.max)
    for index, item in ranges:
        begins, ends = parse_iso_date(item.get("from")), parse_iso_date(item.get("to"))
        if begins is None or ends is None:
            continue
        if ends < begins:
            findings.append(Finding(("closures", index, "to"), f"the closure ends ({ends}) before it starts "
                                    f"({begins})", "closures"))
        elif begins <= last_day and ends >= first_day:
            in_this_year = True
    if today is not None and not in_this_year:
        findings.append(Finding(("closures",) if "closures" in settings else (),
                                f"no closure falls in the school year {first_day.year}-{last_day.year % 100:02d} "
                                f"({first_day} to {last_day}): set the term dates (holidays as closures: "
                                "{from, to, name}), or school days count the holidays as school days",
                                "closures", WARNING))
    return findings
