"""Date arithmetic of rules.md, checked against plain reference computations."""

from datetime import date, timedelta

import pytest
from hypothesis import given, strategies as st

from sendcli.core.dates import add_months, age_in_years, is_young_person, parse_iso_date, young_person_from


@pytest.mark.parametrize("text, expected", [
    ("2026-09-10", date(2026, 9, 10)),
    ("2024-02-29", date(2024, 2, 29)),
    ("2026-02-29", None),      # not a leap year
    ("2016-02-30", None),
    ("2016-5-14", None),       # record.md: ISO dates, YYYY-MM-DD
    ("14/05/2016", None),
    ("", None),
    (None, None),
    (20160514, None),
    ("２０１６-05-14", None),  # full-width digits are not ASCII digits
])
def test_parse_iso_date(text, expected):
    assert parse_iso_date(text) == expected


@pytest.mark.parametrize("start, months, expected", [
    (date(2026, 1, 10), 6, date(2026, 7, 10)),
    (date(2024, 2, 29), 12, date(2025, 2, 28)),   # rules.md: 29 Feb + 12 months -> 28 Feb
    (date(2025, 8, 31), 6, date(2026, 2, 28)),    # 31 Aug + 6 months -> 28 Feb
    (date(2023, 8, 31), 6, date(2024, 2, 29)),    # ... or 29 Feb in a leap year
    (date(2026, 10, 31), 1, date(2026, 11, 30)),
    (date(2026, 12, 15), 1, date(2027, 1, 15)),
    (date(2026, 12, 31), 14, date(2028, 2, 29)),
])
def test_add_months_clamps_to_month_end(start, months, expected):
    assert add_months(start, months) == expected


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31)), st.integers(0, 48))
def test_add_months_agrees_with_a_plain_reference(start, months):
    # Reference: walk forward month by month from the first, then clamp the day.
    year, month = start.year, start.month
    for _ in range(months):
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    last_day = ((date(year + (month == 12), month % 12 + 1, 1)) - timedelta(days=1)).day
    assert add_months(start, months) == date(year, month, min(start.day, last_day))


@pytest.mark.parametrize("born, becomes_young_person", [
    # Summer-born: turns 16 on 31 Aug 2026, young person from the last Friday of June 2026,
    # before the 16th birthday (rules.md, "People and ages").
    (date(2010, 8, 31), date(2026, 6, 26)),
    # Autumn-born: turns 16 on 1 Sep 2026, in the school year ending summer 2027.
    (date(2010, 9, 1), date(2027, 6, 25)),
    (date(2010, 1, 15), date(2026, 6, 26)),
    (date(2008, 2, 29), date(2024, 6, 28)),
])
def test_young_person_from_last_friday_of_june(born, becomes_young_person):
    assert young_person_from(born) == becomes_young_person
    assert becomes_young_person.weekday() == 4 and becomes_young_person.month == 6
    assert not is_young_person(born, becomes_young_person - timedelta(days=1))
    assert is_young_person(born, becomes_young_person)


def test_summer_born_fifteen_year_old_is_a_young_person_but_autumn_born_sixteen_is_not():
    on = date(2026, 7, 1)
    assert age_in_years(date(2010, 8, 20), on) == 15 and is_young_person(date(2010, 8, 20), on)
    assert age_in_years(date(2009, 9, 20), date(2026, 1, 5)) == 16
    assert not is_young_person(date(2010, 9, 20), date(2027, 1, 5))


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31)))
def test_young_person_day_is_in_the_school_year_they_turn_sixteen(born):
    day = young_person_from(born)
    sixteenth = date(born.year + 16, born.month, 28 if (born.month, born.day) == (2, 29) else born.day)
    school_year_start = date(sixteenth.year if sixteenth.month >= 9 else sixteenth.year - 1, 9, 1)
    assert school_year_start < day < date(school_year_start.year + 1, 9, 1)
    assert day.month == 6 and day.weekday() == 4 and day + timedelta(days=7) > date(day.year, 6, 30)
