"""Measured outcomes: add outcome --measure, add reading, carried readings, check's reading rules,
the review's suggested rating, and the series across cycles (sendcli.core.measures)."""

from datetime import date

import pytest

from sendcli.core import measures
from sendcli.core.findings import ERROR, WARNING
from sendcli.core.rules import RuleContext, check_readings, cross_field_findings, settled_from
from sendcli.store.checking import check_record_file
from sendcli.store.loading import load_yaml
from tests.conftest import ava_to_plan


def data(casebook, record_id="ae-16"):
    return load_yaml((casebook / "records" / f"{record_id}.yaml").read_bytes()).data


def at(day):
    return {"SENDCLI_TODAY": day}


@pytest.fixture
def ava(casebook, run):
    """Ava's first cycle in stage plan from 2026-09-13 (evidence and views recorded)."""
    ava_to_plan(run)
    return casebook


READING_AGE = ["--measure", "reading age", "--unit", "months", "--baseline", "84", "--target", "96"]


def measured_plan(ava, run):
    """o1 measured (reading age 84 → 96 months), o2 not; the plan running from 2026-09-14."""
    for day, args in [
            ("2026-09-13", ["add", "outcome", "ae-16", "--text", "Reads at her age", "--criteria", "Salford test",
                            *READING_AGE]),
            ("2026-09-13", ["add", "outcome", "ae-16", "--text", "Join in", "--criteria", "Weekly"]),
            ("2026-09-13", ["add", "provision", "ae-16", "--text", "Reading catch-up", "--outcome", "o1",
                            "--outcome", "o2"]),
            ("2026-09-14", ["cycle", "advance", "ae-16", "--review-date", "2026-12-01", "--agreed-with", "parent"])]:
        result = run(*args, env=at(day))
        assert result.exit_code == 0, (args, result.stderr)


def test_add_outcome_with_a_measure_dates_its_baseline_with_the_outcome(ava, run):
    result = run("add", "outcome", "ae-16", "--text", "Reads at her age", *READING_AGE, env=at("2026-09-13"))
    assert result.exit_code == 0, result.stderr
    outcome = data(ava)["cycles"][0]["plan"]["outcomes"][0]
    assert outcome["measure"] == {"name": "reading age", "unit": "months", "baseline": 84,
                                  "baseline_date": "2026-09-13", "target": 96}
    text = (ava / "records" / "ae-16.yaml").read_text()
    assert "baseline: 84\n" in text and "target: 96\n" in text  # whole numbers stay whole
    result = run("add", "outcome", "ae-16", "--text", "Fewer incidents", "--measure", "incidents a week",
                 "--baseline", "5", "--target", "1", "--lower-is-better", "--date", "2026-09-12", env=at("2026-09-13"))
    assert result.exit_code == 0, result.stderr
    second = data(ava)["cycles"][0]["plan"]["outcomes"][1]
    assert second["measure"] == {"name": "incidents a week", "baseline": 5, "baseline_date": "2026-09-12",
                                 "target": 1, "lower_is_better": True}


@pytest.mark.parametrize("args, words", [
    (["--measure", "reading age", "--baseline", "84"], "give --target"),
    (["--baseline", "84", "--target", "96"], "give --measure"),
    (["--unit", "months"], "--unit"),
    (["--lower-is-better"], "--lower-is-better"),
    (["--measure", "reading age", "--baseline", "eighty", "--target", "96"], "--baseline"),
    (["--measure", "reading age", "--baseline", "nan", "--target", "96"], "not a number"),
    (["--measure", "reading age", "--baseline", "84", "--target", "inf"], "not a number"),
    (["--measure", " ", "--baseline", "84", "--target", "96"], "in words"),
])
def test_a_half_measure_or_a_non_number_is_a_usage_error(ava, run, args, words):
    before = (ava / "records" / "ae-16.yaml").read_bytes()
    result = run("add", "outcome", "ae-16", "--text", "Reads", *args, env=at("2026-09-13"))
    assert result.exit_code == 2
    assert words in result.stderr
    assert (ava / "records" / "ae-16.yaml").read_bytes() == before


def test_a_target_the_wrong_way_is_recorded_with_a_warning(ava, run):
    result = run("add", "outcome", "ae-16", "--text", "Calmer", "--measure", "incidents a week",
                 "--baseline", "5", "--target", "1", env=at("2026-09-13"))
    assert result.exit_code == 0
    assert "--lower-is-better" in result.stderr and "below the baseline" in result.stderr


def test_readings_are_added_in_flow_style_and_the_record_stays_valid(ava, run):
    measured_plan(ava, run)
    result = run("add", "reading", "ae-16", "o1", "--value", "88", "--by", "TA", "--note", "Salford form B",
                 "--date", "2026-10-20", env=at("2026-11-01"))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "ae-16: cycle 1: reading for outcome o1 added\n"
    assert run("add", "reading", "ae-16", "o1", "--value", "90.5", env=at("2026-11-20")).exit_code == 0
    outcome = data(ava)["cycles"][0]["plan"]["outcomes"][0]
    assert outcome["readings"] == [{"date": "2026-10-20", "value": 88, "by": "TA", "note": "Salford form B"},
                                   {"date": "2026-11-20", "value": 90.5}]
    text = (ava / "records" / "ae-16.yaml").read_text()
    assert "- {date: 2026-10-20, value: 88, by: TA, note: Salford form B}" in text
    assert "- {date: 2026-11-20, value: 90.5}" in text  # a measure's number, not money (90.50)
    assert run("check", env=at("2026-11-20")).exit_code == 0


@pytest.mark.parametrize("args, code, words", [
    (["o2", "--value", "3"], 1, "outcome o2 of cycle 1 has no measure"),
    (["o9", "--value", "3"], 1, "'o9' is not an outcome of cycle 1"),
    (["o1", "--value", "88", "--date", "2026-09-01"], 1, "before the measure's baseline (2026-09-13)"),
    (["o1", "--value", "88", "--date", "2026-12-01"], 1, "in the future"),
    (["o1", "--value", "88", "--cycle", "4"], 1, "there is no cycle 4"),
    (["o1", "--value", "lots"], 2, "--value"),
    (["o1", "--value", "nan"], 2, "not a number"),
    (["o1"], 2, "--value"),
])
def test_bad_readings_are_refused_and_write_nothing(ava, run, args, code, words):
    measured_plan(ava, run)
    before = (ava / "records" / "ae-16.yaml").read_bytes()
    result = run("add", "reading", "ae-16", *args, env=at("2026-11-01"))
    assert result.exit_code == code, result.stderr
    assert words in result.stderr
    assert (ava / "records" / "ae-16.yaml").read_bytes() == before


def test_a_reading_far_off_the_scale_is_recorded_with_a_warning(ava, run):
    measured_plan(ava, run)
    result = run("add", "reading", "ae-16", "o1", "--value", "880", env=at("2026-11-01"))
    assert result.exit_code == 0
    assert "far outside the scale of reading age" in result.stderr
    checked = run("check", env=at("2026-11-01"))
    assert checked.exit_code == 0 and "far outside" in checked.stdout + checked.stderr


def review(run, *ratings, day="2026-12-01"):
    return run("cycle", "review", "ae-16", "--decision", "continue", *ratings, "--next-review", "2027-03-01",
               "--attendee", "parent", env=at(day))


def test_the_review_suggests_a_rating_from_the_readings_and_never_imposes_it(ava, run):
    measured_plan(ava, run)
    assert run("add", "reading", "ae-16", "o1", "--value", "90", "--date", "2026-11-20",
               env=at("2026-11-20")).exit_code == 0
    refused = review(run, "--progress", "o2=achieved")
    assert refused.exit_code == 1
    assert ("its readings suggest --progress o1=partly-achieved (reading age: baseline 84, latest 90 months "
            "(2026-11-20), target 96), but the rating is yours") in refused.stderr
    result = review(run, "--progress", "o1=not-achieved", "--progress", "o2=partly-achieved")
    assert result.exit_code == 0, result.stderr
    assert "outcome o1 is rated not-achieved; its readings suggest partly-achieved" in result.stderr
    first = data(ava)["cycles"][0]
    assert first["review"]["progress"][0] == {"outcome": "o1", "rating": "not-achieved"}


def test_a_rating_that_agrees_with_the_readings_says_nothing_more(ava, run):
    measured_plan(ava, run)
    assert run("add", "reading", "ae-16", "o1", "--value", "97", env=at("2026-11-20")).exit_code == 0
    result = review(run, "--progress", "o1=achieved", "--progress", "o2=partly-achieved")
    assert result.exit_code == 0
    assert "suggest" not in result.stderr


def test_carried_outcomes_keep_measure_and_readings_and_the_series_runs_across_cycles(ava, run):
    measured_plan(ava, run)
    assert run("add", "reading", "ae-16", "o1", "--value", "88", "--date", "2026-10-20",
               env=at("2026-10-20")).exit_code == 0
    assert review(run, "--progress", "o1=partly-achieved", "--progress", "o2=achieved").exit_code == 0
    # Taken before the review, entered after it: it belongs to cycle 1.
    assert run("add", "reading", "ae-16", "o1", "--value", "89", "--date", "2026-11-28", "--cycle", "1",
               env=at("2026-12-02")).exit_code == 0
    assert run("add", "reading", "ae-16", "o1", "--value", "92", "--date", "2027-01-20",
               env=at("2027-01-20")).exit_code == 0
    record = data(ava)
    first, second = record["cycles"]
    carried = second["plan"]["outcomes"][0]
    assert carried["carried_from"] == "1/o1"
    assert carried["measure"] == first["plan"]["outcomes"][0]["measure"]
    assert [r["value"] for r in carried["readings"]] == [88, 92]
    series = measures.outcome_series(record, carried)
    assert series.measure.baseline == 84 and series.measure.baseline_date == date(2026, 9, 13)
    assert [(r.day, r.value) for r in series.readings] == [
        (date(2026, 10, 20), 88), (date(2026, 11, 28), 89), (date(2027, 1, 20), 92)]
    assert run("check", env=at("2027-01-20")).exit_code == 0


# -- the core ---------------------------------------------------------------------------------

def record_with(outcomes, cycles_before=()):
    return {"id": "ae-16", "child": {"date_of_birth": "2016-05-14"},
            "cycles": [*cycles_before, {"number": len(cycles_before) + 1, "plan": {"outcomes": outcomes}}]}


MEASURE = {"name": "reading age", "unit": "months", "baseline": 84, "baseline_date": "2026-09-13", "target": 96}


def reading_findings(outcome, today=date(2026, 11, 30)):
    return [(f.pointer[-2:], f.severity, f.message) for f in check_readings(record_with([outcome]),
                                                                            RuleContext(today))]


def test_check_readings_errors_and_warnings_with_their_place():
    outcome = {"id": "o1", "text": "Reads", "measure": MEASURE, "readings": [
        {"date": "2026-09-01", "value": 85}, {"date": "2026-12-05", "value": 86},
        {"date": "2026-10-01", "value": 60}, {"date": "2026-10-02", "value": 120.5},
        {"date": "2026-10-03", "value": 72}, {"date": "2026-10-04", "value": 108}]}
    found = reading_findings(outcome)
    assert found == [
        ((0, "date"), ERROR, "reading of 2026-09-01 is before the measure's baseline (2026-09-13)"),
        ((1, "date"), ERROR, "reading of 2026-12-05 is in the future (today is 2026-11-30); record a reading once "
                             "it is taken"),
        ((2, "value"), WARNING, "reading 60 is far outside the scale of reading age (baseline 84, target 96; "
                                "expected 72 to 108): a slip?"),
        ((3, "value"), WARNING, "reading 120.5 is far outside the scale of reading age (baseline 84, target 96; "
                                "expected 72 to 108): a slip?"),
    ]


def test_readings_without_a_measure_are_an_error():
    found = reading_findings({"id": "o1", "text": "Reads", "readings": [{"date": "2026-10-01", "value": 3}]})
    assert found == [((0, "readings"), ERROR, "outcome o1 has readings but no measure: give it a measure (name, "
                                              "baseline, baseline_date, target) or remove them")]


def test_a_reading_in_the_future_keeps_the_cache_from_settling_early():
    outcome = {"id": "o1", "text": "Reads", "measure": MEASURE, "readings": [{"date": "2027-02-01", "value": 90}]}
    assert settled_from(record_with([outcome])) == date(2027, 2, 1)


def test_the_series_takes_the_first_baseline_the_latest_target_and_each_reading_once():
    first = {"id": "o2", "text": "Reads", "measure": MEASURE, "readings": [{"date": "2026-10-01", "value": 88}]}
    later = {"id": "o1", "text": "Reads", "carried_from": "1/o2",
             "measure": {**MEASURE, "baseline": 88, "baseline_date": "2026-12-01", "target": 100},
             "readings": [{"date": "2026-10-01", "value": 88}, {"date": "2027-01-10", "value": 93}]}
    record = record_with([later], [{"number": 1, "plan": {"outcomes": [first]}}])
    series = measures.outcome_series(record, later)
    assert (series.measure.baseline, series.measure.baseline_date, series.measure.target) == (
        84, date(2026, 9, 13), 100)
    assert [r.value for r in series.readings] == [88, 93]


def test_another_scale_earlier_in_the_chain_is_not_part_of_the_series():
    first = {"id": "o1", "text": "Reads", "measure": {**MEASURE, "name": "words a minute", "unit": "words"},
             "readings": [{"date": "2026-10-01", "value": 40}]}
    later = {"id": "o1", "text": "Reads", "carried_from": "1/o1",
             "measure": {**MEASURE, "baseline_date": "2026-12-01"}}
    record = record_with([later], [{"number": 1, "plan": {"outcomes": [first]}}])
    series = measures.outcome_series(record, later)
    assert series.measure.baseline_date == date(2026, 12, 1) and series.readings == ()


@pytest.mark.parametrize("lower, baseline, target, value, rating", [
    (False, 84, 96, 96, "achieved"), (False, 84, 96, 99, "achieved"), (False, 84, 96, 90, "partly-achieved"),
    (False, 84, 96, 84, "not-achieved"), (False, 84, 96, 80, "not-achieved"),
    (True, 5, 1, 1, "achieved"), (True, 5, 1, 3, "partly-achieved"), (True, 5, 1, 6, "not-achieved"),
])
def test_the_suggested_rating_respects_the_measures_direction(lower, baseline, target, value, rating):
    measure = measures.Measure("m", None, baseline, date(2026, 9, 1), target, lower)
    series = measures.Series(measure, (measures.Reading(date(2026, 10, 1), value),))
    assert measures.suggest_rating(series).rating == rating
    assert measures.suggest_rating(series, date(2026, 9, 30)) is None  # no reading by then


def test_a_broken_measure_is_a_schema_error_with_its_line(ava, run):
    assert run("add", "outcome", "ae-16", "--text", "Reads", *READING_AGE, env=at("2026-09-13")).exit_code == 0
    path = ava / "records" / "ae-16.yaml"
    lines = path.read_text().splitlines(keepends=True)
    target = next(n for n, line in enumerate(lines) if line.strip() == "target: 96")
    dated = next(n for n, line in enumerate(lines) if line.strip().startswith("baseline_date:"))
    measure = next(n for n, line in enumerate(lines) if line.strip() == "measure:") + 1
    lines[target] = lines[target].replace("96", "true")
    path.write_text("".join(line for n, line in enumerate(lines) if n != dated))
    problems = check_record_file(path, "ae-16.yaml", date(2026, 11, 30)).problems
    # 1-based lines; the target's moved up one with the line taken out above it.
    assert {(p.line, p.severity) for p in problems} == {(measure, "error"), (target, "error")}
    assert any("baseline_date" in p.message for p in problems)
    assert any("expected a number" in p.message for p in problems)


def test_show_gives_a_measured_outcomes_baseline_latest_reading_and_target(ava, run):
    measured_plan(ava, run)
    assert run("add", "reading", "ae-16", "o1", "--value", "90", "--date", "2026-11-01",
               env=at("2026-11-01")).exit_code == 0
    shown = run("show", "ae-16", env=at("2026-11-02"))
    assert shown.exit_code == 0
    assert "reading age (months)" in shown.stdout
    assert "84 → 90 (1 Nov 2026) → target 96" in shown.stdout


def test_redaction_leaves_out_who_took_a_reading():
    from sendcli.core.reports import redact

    outcome = {"id": "o1", "text": "Ava reads", "measure": MEASURE,
               "readings": [{"date": "2026-10-01", "value": 88, "by": "Mr Sampleford", "note": "Ava read well"}]}
    record = {**record_with([outcome]), "child": {"name": "Ava Example", "date_of_birth": "2016-05-14"}}
    shown = redact(record)["cycles"][0]["plan"]["outcomes"][0]["readings"]
    assert shown == [{"date": "2026-10-01", "value": 88, "note": "ae-16 read well"}]


def test_set_changes_a_measure_and_a_reading_and_points_new_readings_to_add_reading(ava, run):
    measured_plan(ava, run)
    assert run("add", "reading", "ae-16", "o1", "--value", "89", env=at("2026-11-01")).exit_code == 0
    assert run("set", "ae-16", "cycles[-1].plan.outcomes[o1].measure.target", "100",
               env=at("2026-11-01")).exit_code == 0
    assert run("set", "ae-16", "cycles[-1].plan.outcomes[o1].readings[1].value", "87.5",
               env=at("2026-11-01")).exit_code == 0
    text = (ava / "records" / "ae-16.yaml").read_text()
    assert "target: 100\n" in text and "- {date: 2026-11-01, value: 87.5}" in text
    future = run("set", "ae-16", "cycles[-1].plan.outcomes[o1].readings[1].date", "2026-12-01", env=at("2026-11-01"))
    assert future.exit_code == 1 and "in the future" in future.stderr
    added = run("set", "ae-16", "cycles[-1].plan.outcomes[o1].readings", "--add", "90", env=at("2026-11-01"))
    assert added.exit_code == 2 and "added with sendcli add reading" in added.stderr
