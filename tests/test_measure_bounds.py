"""Measure numbers are bounded: a baseline, target or reading of at most a thousand million either
way, in plain ASCII digits, and at most 10080 minutes a week (the minutes in a week).

Past the bound a value is refused where it is typed (exit 2, nothing written); a hand-edited record
holding one is a schema error of `check` with its line, and `report` refuses it cleanly (exit 1),
never an internal error; the charts draw no picture of a number they cannot place.
"""

from __future__ import annotations

import json
import math
from datetime import date

import pytest

from conftest import snapshot
from sendcli.core.measures import Measure, Reading, Series
from sendcli.documents.charts import change_chart, measure_chart

OMAR = "records/ot-18.yaml"
OUTCOME = "cycles[-1].plan.outcomes[o1]"

TOO_BIG = ["1e30", "99999999999999999999999999", "1000000000.5", "-1000000001", "1e3", "nan", "inf",
           "٣", "１２", "1_0", "0x10", ""]


@pytest.mark.parametrize("value", TOO_BIG)
def test_a_reading_out_of_bounds_or_not_in_plain_digits_is_refused_and_nothing_written(example_casebook, run, value):
    before = snapshot(example_casebook)
    result = run("add", "reading", "ot-18", "o1", "--value", value)
    assert result.exit_code == 2, result.stderr
    assert "--value" in result.stderr and "Traceback" not in result.stderr
    assert snapshot(example_casebook) == before


def test_the_refusal_says_the_bound(example_casebook, run):
    result = run("add", "reading", "ot-18", "o1", "--value", "99999999999999999999999999")
    assert "from -1000000000 to 1000000000" in result.stderr
    assert "plain digits" in run("add", "reading", "ot-18", "o1", "--value", "1e30").stderr


@pytest.mark.parametrize("value, written", [("1000000000", "1000000000"), ("-1000000000", "-1000000000"),
                                            ("85", "85"), ("85.5", "85.5"), (" 86 ", "86")])
def test_a_reading_within_the_bound_is_written_as_typed(example_casebook, run, value, written):
    result = run("add", "reading", "ot-18", "o1", "--value", value)
    assert result.exit_code == 0, result.stderr
    assert f"value: {written}}}" in (example_casebook / OMAR).read_text()


@pytest.mark.parametrize("option", ["--baseline", "--target"])
@pytest.mark.parametrize("value", ["1e30", "99999999999999999999999999", "٣"])
def test_add_measure_and_add_outcome_bound_the_baseline_and_target(example_casebook, run, option, value):
    numbers = {"--baseline": "5", "--target": "1", option: value}
    before = snapshot(example_casebook)
    measure = ["--measure", "incidents a week", *[part for pair in numbers.items() for part in pair]]
    for args in (["add", "measure", "ot-18", "o1", *measure], ["add", "outcome", "ot-18", "--text", "x", *measure]):
        result = run(*args)
        assert result.exit_code == 2 and option in result.stderr, (args, result.stderr)
    assert snapshot(example_casebook) == before


def test_minutes_a_week_are_at_most_the_minutes_in_a_week(casebook, run):
    assert run("new", "ae-16", "--name", "Ava Example", "--dob", "2016-05-14", "--need", "SpLD",
               env={"SENDCLI_TODAY": "2026-09-01"}).exit_code == 0
    assert run("cycle", "open", "ae-16", env={"SENDCLI_TODAY": "2026-09-10"}).exit_code == 0
    before = snapshot(casebook)
    for minutes in ("99999999999999999999999", "10081"):
        result = run("add", "provision", "ae-16", "--text", "Catch-up", "--minutes-per-week", minutes,
                     env={"SENDCLI_TODAY": "2026-09-10"})
        assert result.exit_code == 2 and "--minutes-per-week" in result.stderr, result.stderr
    assert snapshot(casebook) == before
    result = run("add", "provision", "ae-16", "--text", "Catch-up", "--minutes-per-week", "10080",
                 env={"SENDCLI_TODAY": "2026-09-10"})
    assert result.exit_code == 0, result.stderr


@pytest.mark.parametrize("field, value, words", [
    (f"{OUTCOME}.measure.target", "٣", "digits"),
    (f"{OUTCOME}.measure.target", "１２", "digits"),
    (f"{OUTCOME}.measure.target", "99999999999999999999999999", "at most 1000000000"),
    (f"{OUTCOME}.measure.baseline", "-1000000001", "at least -1000000000"),
    ("cycles[-1].plan.provision[p1].minutes_per_week", "٣", "whole number"),
    ("cycles[-1].plan.provision[p1].minutes_per_week", "10081", "at most 10080"),
])
def test_set_takes_plain_digits_within_the_schema_bounds(example_casebook, run, field, value, words):
    before = snapshot(example_casebook)
    result = run("set", "ot-18", "--", field, value)
    assert result.exit_code == 2 and words in result.stderr, result.stderr
    assert snapshot(example_casebook) == before


@pytest.mark.parametrize("field, value, line", [
    (f"{OUTCOME}.measure.target", "95", "target: 95\n"),
    (f"{OUTCOME}.measure.baseline", "-3", "baseline: -3\n"),
    ("cycles[-1].plan.provision[p1].minutes_per_week", "10080", "minutes_per_week: 10080\n"),
])
def test_set_still_takes_numbers_within_the_bounds(example_casebook, run, field, value, line):
    result = run("set", "ot-18", "--", field, value)
    assert result.exit_code == 0, result.stderr
    assert line in (example_casebook / OMAR).read_text()


@pytest.mark.parametrize("old, new", [
    ("value: 84, by: TA", "value: 1.0e+30, by: TA"),
    ("value: 84, by: TA", "value: 1000000000000000019884624838656, by: TA"),
    ("baseline: 78\n", "baseline: -2.5e+12\n"),
    ("target: 90\n", "target: 99999999999999999999999999\n"),
])
def test_a_hand_edited_record_past_the_bound_is_an_error_of_check_and_report_refuses_it(example_casebook, run,
                                                                                        old, new):
    path = example_casebook / OMAR
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    line = text[:text.index(old)].count("\n") + 1
    checked = run("check", OMAR)
    assert checked.exit_code == 1
    assert f"{OMAR}:{line}:" in checked.stdout and "[schema]" in checked.stdout, checked.stdout
    assert "should be at" in checked.stdout
    cached = run("check")  # the whole casebook, through the summary cache and the fast validator
    assert cached.exit_code == 1 and f"{OMAR}:{line}:" in cached.stdout
    for template in ("plan", "review", "parent"):
        reported = run("report", "ot-18", "--template", template)
        assert reported.exit_code == 1, (template, reported.stderr)
        assert "internal error" not in reported.stderr and f"{OMAR}:{line}:" in reported.stderr


# -- the charts, given numbers they cannot place (a caller that did not check the record) ---------------------

def _series(baseline=84, target=96, value=86):
    """A series as a caller might hand one over, unchecked (outcome_series itself drops such readings)."""
    return Series(Measure("reading age", "months", baseline, date(2026, 9, 30), target),
                  (Reading(date(2026, 10, 14), value),))


@pytest.mark.parametrize("numbers", [{"value": 1e30}, {"value": math.inf}, {"value": math.nan},
                                     {"baseline": -1e30}, {"target": 10 ** 26}, {"target": -math.inf},
                                     {"value": 1e308}, {"value": 1_000_000_000.5}])
def test_a_measure_chart_of_a_number_it_cannot_place_gives_the_table_without_a_picture(numbers):
    html = measure_chart(_series(**numbers), "o1", until=date(2026, 11, 28))
    assert "<svg" not in html and "<table" in html and "<figure" in html
    assert "The numbers" in html


def test_a_measure_chart_within_the_bound_still_draws():
    html = measure_chart(_series(value=1e9, baseline=-1e9), "o1")
    assert "<svg" in html


@pytest.mark.parametrize("change", [1e30, math.inf, math.nan, -1e300])
def test_a_change_chart_leaves_a_group_it_cannot_place_to_the_table(change):
    groups = [{"group": "Phonics", "measure": "reading age", "unit": "months", "median_change": change,
               "children": 1, "outcomes": 1, "reached_target": 0},
              {"group": "Paired reading", "measure": "reading age", "unit": "months", "median_change": 4,
               "children": 2, "outcomes": 2, "reached_target": 1}]
    html = change_chart(groups)
    assert "<svg" in html and "Phonics" in html
    assert html.count("<rect") < 10 ** 4
    only_bad = change_chart(groups[:1])
    assert "<svg" not in only_bad and "Phonics" in only_bad


def test_json_of_a_bounded_measure_is_plain_json(example_casebook, run):
    assert run("add", "reading", "ot-18", "o1", "--value", "1000000000").exit_code == 0
    shown = run("show", "ot-18", "--format", "json")
    if shown.exit_code == 0:
        json.loads(shown.stdout, parse_constant=lambda name: pytest.fail(f"{name} in JSON"))
