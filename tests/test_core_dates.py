"""Date arithmetic of the deadlines and ages, checked against plain reference computations."""

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
    assert parse_iso_date(text) == expected  # read again: from what was kept, the same answer


def _reference_date(text: str) -> date | None:
    """The reading without anything kept: ten characters, ASCII digits and dashes, a real day."""
    if len(text) != 10 or not text.isascii() or text[4] != "-" or text[7] != "-" \
            or not (text[:4] + text[5:7] + text[8:]).isdigit():
        return None
    try:
        return date(int(text[:4]), int(text[5:7]), int(text[8:]))
    except ValueError:
        return None


@given(st.one_of(st.dates().map(date.isoformat),
                 st.text(alphabet="0123456789-x\n", min_size=8, max_size=12),
                 st.builds("{:04d}-{:02d}-{:02d}".format, st.integers(0, 9999), st.integers(0, 99),
                           st.integers(0, 99))))
def test_parse_iso_date_twice_agrees_with_a_plain_reading(text):
    assert parse_iso_date(text) == _reference_date(text)
    assert parse_iso_date(text) == _reference_date(text)


def test_what_parse_iso_date_keeps_is_bounded(monkeypatch):
    """Texts of a date's length only, and no more than the bound; past it, still the right answers."""
    from sendcli.core import dates

    monkeypatch.setattr(dates, "_PARSED", {})
    monkeypatch.setattr(dates, "_PARSED_BOUND", 3)
    assert parse_iso_date("x" * 1_000) is None and dates._PARSED == {}
    days = [date(2026, 1, 1) + timedelta(days=i) for i in range(6)]
    assert [parse_iso_date(day.isoformat()) for day in days] == days
    assert len(dates._PARSED) == 3
    assert [parse_iso_date(day.isoformat()) for day in days] == days


@pytest.mark.parametrize("start, months, expected", [
    (date(2026, 1, 10), 6, date(2026, 7, 10)),
    (date(2024, 2, 29), 12, date(2025, 2, 28)),   # 29 Feb + 12 months -> 28 Feb
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


@pytest.mark.parametrize("born, last_school_day, becomes_young_person", [
    # Summer-born: turns 16 on 31 Aug 2026; compulsory school age ends at the end of Friday
    # 26 June 2026 (EA 1996 s.8(3)), a young person from Saturday 27 June, before the birthday.
    (date(2010, 8, 31), date(2026, 6, 26), date(2026, 6, 27)),
    # Autumn-born: turns 16 on 1 Sep 2026, in the school year ending summer 2027.
    (date(2010, 9, 1), date(2027, 6, 25), date(2027, 6, 26)),
    (date(2010, 1, 15), date(2026, 6, 26), date(2026, 6, 27)),
    (date(2008, 2, 29), date(2024, 6, 28), date(2024, 6, 29)),
    # June 30 itself a Friday (2028): the last Friday is the 30th, the young person from 1 July.
    (date(2012, 3, 3), date(2028, 6, 30), date(2028, 7, 1)),
    # Born on the last day of a school year / the first of the next.
    (date(2011, 8, 31), date(2027, 6, 25), date(2027, 6, 26)),
    (date(2011, 9, 1), date(2028, 6, 30), date(2028, 7, 1)),
])
def test_young_person_from_the_day_after_the_last_friday_of_june(born, last_school_day, becomes_young_person):
    assert young_person_from(born) == becomes_young_person
    assert last_school_day.weekday() == 4 and becomes_young_person.weekday() == 5
    assert becomes_young_person == last_school_day + timedelta(days=1)
    # The boundary days: still a child all through the last Friday, a young person the day after.
    assert not is_young_person(born, last_school_day - timedelta(days=1))
    assert not is_young_person(born, last_school_day)
    assert is_young_person(born, becomes_young_person)
    assert is_young_person(born, becomes_young_person + timedelta(days=1))


def test_summer_born_fifteen_year_old_is_a_young_person_but_autumn_born_sixteen_is_not():
    on = date(2026, 6, 27)
    assert age_in_years(date(2010, 8, 20), on) == 15 and is_young_person(date(2010, 8, 20), on)
    assert age_in_years(date(2009, 9, 20), date(2026, 1, 5)) == 16
    assert not is_young_person(date(2010, 9, 20), date(2027, 1, 5))


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31)))
def test_young_person_day_is_in_the_school_year_they_turn_sixteen(born):
    day = young_person_from(born)
    sixteenth = date(born.year + 16, born.month, 28 if (born.month, born.day) == (2, 29) else born.day)
    school_year_start = date(sixteenth.year if sixteenth.month >= 9 else sixteenth.year - 1, 9, 1)
    assert school_year_start < day < date(school_year_start.year + 1, 9, 1)
    # The Saturday after the last Friday of June: that Friday is in June, the next one is not.
    friday = day - timedelta(days=1)
    assert day.weekday() == 5 and friday.month == 6 and friday + timedelta(days=7) > date(day.year, 6, 30)


def test_on_the_last_friday_of_june_the_parents_still_decide_and_the_young_person_from_the_saturday():
    from sendcli.core.workflow import family_roles

    record = {"child": {"date_of_birth": "2010-08-31"}}
    assert "young-person" not in family_roles(record, date(2026, 6, 26))
    assert family_roles(record, date(2026, 6, 27)) == frozenset({"young-person"})


# -- school days (bank holidays in England and the setting's closures) ----------------------------

from sendcli.core.dates import (  # noqa: E402
    bank_holidays_in_england, closure_findings, is_school_day, school_days_after, school_year_of,
)


@pytest.mark.parametrize("day", ["2026-12-25", "2026-12-28", "2027-01-01", "2027-03-26", "2027-03-29",
                                 "2027-05-03", "2027-05-31", "2027-08-30", "2026-08-31", "2026-05-04"])
def test_bank_holidays_in_england_are_not_school_days(day):
    holiday = date.fromisoformat(day)
    assert holiday.weekday() < 5
    assert holiday in bank_holidays_in_england(holiday.year)
    assert not is_school_day(holiday)


def test_scottish_only_holidays_are_school_days_in_england():
    # 2 January and St Andrew's Day (30 November 2026, a Monday) are bank holidays in Scotland only.
    assert is_school_day(date(2026, 11, 30))
    assert is_school_day(date(2029, 1, 2))


@pytest.mark.parametrize("start, count, closures, expected", [
    # Friday 24 Aug 2026 + 5: the late summer bank holiday (Monday 31 August) is skipped.
    ("2026-08-24", 5, [], "2026-09-01"),
    # Over Christmas without closures set: the 25th, 28th (Boxing Day observed) and 1 January are skipped.
    ("2026-12-18", 15, [], "2027-01-13"),
    # Over Easter 2027: Good Friday 26 March and Easter Monday 29 March.
    ("2027-03-24", 3, [], "2027-03-31"),
    # The boundary days: the school day before a bank holiday, and the count ending on the day after it.
    ("2027-05-28", 1, [], "2027-06-01"),
    ("2027-05-27", 1, [], "2027-05-28"),
    # A closure and a bank holiday together: counted once.
    ("2027-03-26", 1, [("2027-03-29", "2027-04-09")], "2027-04-12"),
    # A closure that ends before it starts closes nothing (check reports it as an error).
    ("2026-10-23", 1, [("2026-10-30", "2026-10-26")], "2026-10-26"),
])
def test_school_days_skip_bank_holidays_and_closures(start, count, closures, expected):
    ranges = [(date.fromisoformat(a), date.fromisoformat(b)) for a, b in closures]
    assert school_days_after(date.fromisoformat(start), count, ranges).isoformat() == expected


def test_the_deadlines_module_counts_school_days_the_same_way():
    from sendcli.core import deadlines

    assert deadlines.school_days_after(date(2026, 8, 24), 5) == date(2026, 9, 1)


@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31)), st.integers(0, 30))
def test_the_day_found_is_a_school_day_with_count_school_days_up_to_it(start, count):
    end = school_days_after(start, count)
    days = [start + timedelta(days=n) for n in range(1, (end - start).days + 1)]
    assert sum(1 for day in days if is_school_day(day)) == count
    assert count == 0 or is_school_day(end)


@pytest.mark.parametrize("day, first, last", [
    (date(2026, 9, 1), date(2026, 9, 1), date(2027, 8, 31)),
    (date(2026, 8, 31), date(2025, 9, 1), date(2026, 8, 31)),
    (date(2027, 1, 5), date(2026, 9, 1), date(2027, 8, 31)),
])
def test_school_year_of(day, first, last):
    assert school_year_of(day) == (first, last)


def closures(*ranges):
    return {"closures": [{"from": a, "to": b} for a, b in ranges]}


def test_a_closure_that_ends_before_it_starts_is_an_error_at_its_to():
    findings = closure_findings(closures(("2026-10-26", "2026-10-30"), ("2026-12-21", "2026-12-01")))
    assert [(f.pointer, f.severity) for f in findings] == [(("closures", 1, "to"), "error")]
    assert "ends (2026-12-01) before it starts (2026-12-21)" in findings[0].message


@pytest.mark.parametrize("settings, today, warned", [
    ({}, date(2026, 11, 28), True),
    (closures(), date(2026, 11, 28), True),
    (closures(("2025-12-22", "2026-01-02")), date(2026, 11, 28), True),      # last year's only
    (closures(("2026-10-26", "2026-10-30")), date(2026, 11, 28), False),
    (closures(("2026-07-22", "2026-09-02")), date(2026, 11, 28), False),     # runs into this year
    (closures(("2027-08-31", "2027-08-31")), date(2026, 9, 1), False),       # the year's last day
    (closures(("2026-10-26", "2026-10-30")), date(2027, 9, 1), True),        # a new school year
    (closures(("2026-10-30", "2026-10-26")), date(2026, 11, 28), True),      # reversed: not a closure
])
def test_no_closure_in_the_current_school_year_is_a_warning(settings, today, warned):
    found = [f for f in closure_findings(settings, today) if f.severity == "warning"]
    assert bool(found) == warned
    if warned:
        assert "term dates" in found[0].message and f"school year {school_year_of(today)[0].year}-" in found[0].message


def test_without_today_only_the_error_is_checked():
    assert closure_findings({}) == []


def test_the_holidays_library_loads_only_when_school_days_are_counted():
    import subprocess
    import sys

    probe = ("import sys; from datetime import date; import sendcli.core.dates as d, sendcli.core.deadlines; "
             "print('holidays' in sys.modules); d.school_days_after(date(2026, 12, 18), 1); "
             "print('holidays' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "True"]
