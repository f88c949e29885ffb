"""check warns where year_group does not fit the date of birth (more than one year out)."""

from datetime import date

import pytest

from sendcli.core.codes import YEAR_GROUPS
from sendcli.core.rules import RuleContext, check_year_group_fits_age, cross_field_findings, expected_year_group

ON = date(2026, 11, 28)  # school year 2026-27


@pytest.mark.parametrize("born, expected", [
    # Reception in the school year in which the child turns 5.
    (date(2021, 9, 1), "R"),       # oldest of the 2021-22 school year of birth: turns 5 on 1 September 2026
    (date(2022, 8, 31), "R"),      # youngest of it: turns 5 on 31 August 2027, still in Reception
    (date(2022, 9, 1), "N2"),
    (date(2023, 9, 1), "N1"),
    (date(2016, 5, 14), "6"),
    (date(2015, 8, 31), "7"),      # the boundary: 31 August and 1 September are a year apart
    (date(2015, 9, 1), "6"),
    (date(2011, 2, 28), "11"),
    (date(2008, 3, 1), "14"),
])
def test_expected_year_group_by_the_school_year_of_birth(born, expected):
    assert YEAR_GROUPS[expected_year_group(born, ON)] == expected


def test_expected_year_group_moves_on_1_september():
    born = date(2016, 5, 14)
    assert YEAR_GROUPS[expected_year_group(born, date(2026, 8, 31))] == "5"
    assert YEAR_GROUPS[expected_year_group(born, date(2026, 9, 1))] == "6"


def findings(year_group, born, on=ON):
    record = {"child": {"year_group": year_group, "date_of_birth": born}}
    return list(check_year_group_fits_age(record, RuleContext(today=on)))


@pytest.mark.parametrize("year_group, warned", [
    ("4", True), ("5", False), ("6", False), ("7", False), ("8", True), ("R", True), ("14", True),
])
def test_one_year_either_way_fits_more_is_a_warning(year_group, warned):
    found = findings(year_group, "2016-05-14")
    assert bool(found) == warned
    if warned:
        assert found[0].pointer == ("child", "year_group") and found[0].severity == "warning"
        assert f"year group {year_group} does not fit the date of birth" in found[0].message
        assert "school year 2026-27 a child born then is in Year 6" in found[0].message


@pytest.mark.parametrize("year_group, born, warned", [
    ("N1", "2023-09-01", False), ("N2", "2023-09-01", False), ("R", "2023-09-01", True),
    ("N1", "2024-09-01", False),        # a two-year-old in N1: one year early
    ("N1", "2025-09-01", True),         # a one-year-old: not yet of nursery age
    ("14", "2004-01-01", False),        # a 22-year-old at college stays in Year 14
    ("13", "2004-01-01", False),
    ("12", "2004-01-01", True),
])
def test_the_ends_of_the_list(year_group, born, warned):
    assert bool(findings(year_group, born)) == warned


def test_a_child_not_yet_of_nursery_age_is_said_so():
    assert "not yet of nursery age" in findings("N2", "2026-01-01")[0].message


@pytest.mark.parametrize("year_group, born", [(None, "2016-05-14"), ("6", None), ("Year 6", "2016-05-14"),
                                               ("6", "2016-02-30"), (6, "2016-05-14")])
def test_nothing_to_compare_is_left_to_the_schema(year_group, born):
    assert findings(year_group, born) == []


def test_the_rule_is_registered():
    record = {"child": {"year_group": "R", "date_of_birth": "2016-05-14"}}
    assert any(f.rule == "year_group" for f in cross_field_findings(record, RuleContext(today=ON)))


def test_check_warns_and_the_cache_follows_the_school_year(casebook, run, monkeypatch):
    from sendcli.store import summaries

    monkeypatch.setattr(summaries, "RACY_NS", 0)  # files written by the test are summarised at once
    assert run("new", "ae-16", "--name", "Ava Example", "--dob", "2016-05-14", "--need", "SLCN",
               "--year-group", "5", env={"SENDCLI_TODAY": "2026-09-01"}).exit_code == 0
    assert "year_group" not in run("check", env={"SENDCLI_TODAY": "2027-08-31"}).stdout
    assert (casebook / ".sendcli" / "summaries.sqlite").exists()
    # Two school years on, the record still says Year 5: the cached summary of 31 August is not reused.
    later = run("check", env={"SENDCLI_TODAY": "2027-09-01"})
    assert later.exit_code == 0
    assert "warning: child.year_group: year group 5 does not fit the date of birth" in later.stdout
    assert "a child born then is in Year 7" in later.stdout
