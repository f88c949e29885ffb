"""Date arithmetic the rules share (docs/rules.md, "Deadlines" and "Children and young people")."""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


def parse_iso_date(text: object) -> date | None:
    """``YYYY-MM-DD`` to a date; None for anything else, impossible dates included."""
    if not isinstance(text, str) or not _ISO_DATE.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def add_days(start: date, days: int) -> date:
    return start + timedelta(days=days)


def add_months(start: date, months: int) -> date:
    """The same day ``months`` on, clamped to the month's last day.

    docs/rules.md: 29 Feb + 12 months is 28 Feb; 31 Aug + 6 months is 28 or 29 Feb.
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

    CoP 8.13-8.15 and docs/rules.md: from the last Friday of June of the school
    year (1 September - 31 August) in which they turn 16.
    """
    sixteenth_year = date_of_birth.year + 16
    # Birthdays from 1 September fall in the school year ending the next summer.
    summer = sixteenth_year + 1 if (date_of_birth.month, date_of_birth.day) >= (9, 1) else sixteenth_year
    return last_friday_of_june(summer)


def is_young_person(date_of_birth: date, on: date) -> bool:
    return on >= young_person_from(date_of_birth)


def age_in_years(date_of_birth: date, on: date) -> int:
    years = on.year - date_of_birth.year
    if (on.month, on.day) < (date_of_birth.month, date_of_birth.day):
        years -= 1
    return years
