"""sendcli add measure: an outcome already in a plan (a cycle in do, or carried by a review) gets a
measure by command, mid-term, with the same checks as add outcome --measure."""

import subprocess

import pytest

from sendcli.store.loading import load_yaml
from tests.conftest import ava_to_plan


def at(day):
    return {"SENDCLI_TODAY": day}


def data(casebook, record_id="ae-16"):
    return load_yaml((casebook / "records" / f"{record_id}.yaml").read_bytes()).data


def record_bytes(casebook):
    return (casebook / "records" / "ae-16.yaml").read_bytes()


@pytest.fixture
def running(casebook, run):
    """Ava's first cycle in stage do from 2026-09-14, its outcomes o1 and o2 unmeasured."""
    ava_to_plan(run)
    for day, args in [("2026-09-13", ["add", "outcome", "ae-16", "--text", "Reads at her age", "--criteria", "Test"]),
                      ("2026-09-13", ["add", "outcome", "ae-16", "--text", "Join in", "--criteria", "Weekly"]),
                      ("2026-09-13", ["add", "provision", "ae-16", "--text", "Catch-up", "--outcome", "o1",
                                      "--outcome", "o2"]),
                      ("2026-09-14", ["cycle", "advance", "ae-16", "--review-date", "2026-12-01",
                                      "--agreed-with", "parent"])]:
        result = run(*args, env=at(day))
        assert result.exit_code == 0, (args, result.stderr)
    assert data(casebook)["cycles"][0]["stage"] == "do"
    return casebook


READING_AGE = ["--measure", "reading age", "--unit", "months", "--baseline", "86", "--target", "96"]


def test_an_outcome_of_a_running_plan_gets_a_measure_then_a_reading(running, run):
    refused = run("add", "reading", "ae-16", "o1", "--value", "88", env=at("2026-10-01"))
    assert refused.exit_code == 1 and "sendcli add measure ae-16 o1 --measure NAME" in refused.stderr
    assert "sendcli edit" not in refused.stderr
    result = run("add", "measure", "ae-16", "o1", *READING_AGE, "--date", "2026-10-01", env=at("2026-10-02"))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "ae-16: cycle 1: outcome o1 measured\n" and result.stderr == ""
    assert data(running)["cycles"][0]["plan"]["outcomes"][0]["measure"] == {
        "name": "reading age", "unit": "months", "baseline": 86, "baseline_date": "2026-10-01", "target": 96}
    text = (running / "records" / "ae-16.yaml").read_text()
    assert "text: Reads at her age\n" in text and "baseline: 86\n" in text
    before_baseline = run("add", "reading", "ae-16", "o1", "--value", "87", "--date", "2026-09-30",
                          env=at("2026-10-20"))
    assert before_baseline.exit_code == 1 and "before the measure's baseline (2026-10-01)" in before_baseline.stderr
    assert run("add", "reading", "ae-16", "o1", "--value", "89", env=at("2026-10-20")).exit_code == 0
    assert data(running)["cycles"][0]["plan"]["outcomes"][0]["readings"] == [{"date": "2026-10-20", "value": 89}]
    assert data(running)["cycles"][0]["plan"]["outcomes"][1].get("measure") is None
    assert run("check", env=at("2026-10-20")).exit_code == 0


def test_add_outcome_in_a_running_plan_points_at_add_measure(running, run):
    result = run("add", "outcome", "ae-16", "--text", "Reads", *READING_AGE, env=at("2026-10-01"))
    assert result.exit_code == 1 and "gets a measure with 'sendcli add measure'" in result.stderr


def test_the_baseline_is_dated_today_by_default_and_lower_is_better_is_kept(running, run):
    result = run("add", "measure", "ae-16", "o2", "--measure", "incidents a week", "--baseline", "5",
                 "--target", "1", "--lower-is-better", env=at("2026-11-02"))
    assert result.exit_code == 0, result.stderr
    assert data(running)["cycles"][0]["plan"]["outcomes"][1]["measure"] == {
        "name": "incidents a week", "baseline": 5, "baseline_date": "2026-11-02", "target": 1,
        "lower_is_better": True}


def review(run, day="2026-12-01"):
    return run("cycle", "review", "ae-16", "--decision", "continue", "--progress", "o1=partly-achieved",
               "--progress", "o2=partly-achieved", "--next-review", "2027-03-01", "--attendee", "parent",
               env=at(day))


def test_a_measure_given_mid_term_is_carried_by_the_review(running, run):
    assert run("add", "measure", "ae-16", "o1", *READING_AGE, env=at("2026-10-01")).exit_code == 0
    assert run("add", "reading", "ae-16", "o1", "--value", "90", env=at("2026-11-20")).exit_code == 0
    assert review(run).exit_code == 0
    first, second = data(running)["cycles"]
    carried = second["plan"]["outcomes"][0]
    assert carried["carried_from"] == "1/o1"
    assert carried["measure"] == first["plan"]["outcomes"][0]["measure"]
    assert run("add", "reading", "ae-16", "o1", "--value", "93", env=at("2027-01-20")).exit_code == 0
    assert [r["value"] for r in data(running)["cycles"][1]["plan"]["outcomes"][0]["readings"]] == [90, 93]
    assert run("check", env=at("2027-01-20")).exit_code == 0


def test_a_carried_outcome_without_a_measure_gets_one_in_the_new_cycle_or_the_old_by_cycle(running, run):
    assert review(run).exit_code == 0
    assert run("add", "measure", "ae-16", "o2", "--measure", "sessions joined", "--baseline", "1",
               "--target", "4", env=at("2026-12-03")).exit_code == 0
    first, second = data(running)["cycles"]
    assert second["plan"]["outcomes"][1]["measure"]["baseline_date"] == "2026-12-03"
    assert first["plan"]["outcomes"][1].get("measure") is None
    assert run("add", "measure", "ae-16", "o1", *READING_AGE, "--date", "2026-11-01", "--cycle", "1",
               env=at("2026-12-03")).exit_code == 0
    assert data(running)["cycles"][0]["plan"]["outcomes"][0]["measure"]["baseline_date"] == "2026-11-01"
    again = run("add", "measure", "ae-16", "o1", *READING_AGE, "--cycle", "1", env=at("2026-12-03"))
    assert again.exit_code == 1 and "sendcli set ae-16 cycles[1].plan.outcomes[o1].measure.target" in again.stderr
    assert data(running)["cycles"][1]["plan"]["outcomes"][0].get("measure") is None
    assert run("check", env=at("2026-12-03")).exit_code == 0


def test_an_outcome_with_a_measure_is_refused_naming_set(running, run):
    assert run("add", "measure", "ae-16", "o1", *READING_AGE, env=at("2026-10-01")).exit_code == 0
    before = record_bytes(running)
    result = run("add", "measure", "ae-16", "o1", "--measure", "reading age", "--baseline", "80",
                 "--target", "90", env=at("2026-10-02"))
    assert result.exit_code == 1
    hint = "sendcli set ae-16 cycles[-1].plan.outcomes[o1].measure.target VALUE"
    assert "already has a measure" in result.stderr and hint in result.stderr
    assert record_bytes(running) == before
    # The command it names works.
    assert run("set", "ae-16", "cycles[-1].plan.outcomes[o1].measure.target", "100",
               env=at("2026-10-02")).exit_code == 0
    assert data(running)["cycles"][0]["plan"]["outcomes"][0]["measure"]["target"] == 100


@pytest.mark.parametrize("args, code, words", [
    (["o1", "--measure", "reading age", "--baseline", "84"], 2, "--target"),
    (["o1", "--baseline", "84", "--target", "96"], 2, "--measure"),
    (["o1", "--measure", "reading age", "--baseline", "eighty", "--target", "96"], 2, "--baseline"),
    (["o1", "--measure", "reading age", "--baseline", "nan", "--target", "96"], 2, "not a number"),
    (["o1", "--measure", "reading age", "--baseline", "84", "--target", "inf"], 2, "not a number"),
    (["o1", "--measure", " ", "--baseline", "84", "--target", "96"], 2, "in words"),
    (["o1", *READING_AGE, "--date", "2026-31-01"], 2, "--date"),
    (["o1", *READING_AGE, "--date", "2026-12-01"], 1, "in the future"),
    (["o9", *READING_AGE], 1, "'o9' is not an outcome of cycle 1 (its outcomes: o1, o2)"),
    (["o1", *READING_AGE, "--cycle", "3"], 1, "there is no cycle 3"),
])
def test_bad_measures_are_refused_and_write_nothing(running, run, args, code, words):
    before = record_bytes(running)
    result = run("add", "measure", "ae-16", *args, env=at("2026-11-01"))
    assert result.exit_code == code, result.stderr
    assert words in result.stderr
    assert "Traceback" not in result.stderr
    assert record_bytes(running) == before


def test_a_record_with_no_cycle_is_refused(casebook, run):
    assert run("new", "bc-15", "--name", "Ben Example", "--dob", "2015-03-01", "--need", "SpLD",
               env=at("2026-09-01")).exit_code == 0
    before = (casebook / "records" / "bc-15.yaml").read_bytes()
    result = run("add", "measure", "bc-15", "o1", *READING_AGE, env=at("2026-09-02"))
    assert result.exit_code == 1 and "sendcli cycle open bc-15" in result.stderr
    assert (casebook / "records" / "bc-15.yaml").read_bytes() == before


@pytest.mark.parametrize("baseline, target, extra, words", [
    ("5", "1", [], "below the baseline 5: if lower is better here"),
    ("5", "5", [], "the target equals the baseline (5)"),
    ("1", "5", ["--lower-is-better"], "--lower-is-better says lower is better"),
])
def test_a_target_no_step_or_the_wrong_way_is_written_with_a_warning(running, run, baseline, target, extra,
                                                                     words):
    result = run("add", "measure", "ae-16", "o2", "--measure", "incidents a week", "--baseline", baseline,
                 "--target", target, *extra, env=at("2026-11-01"))
    assert result.exit_code == 0
    assert words in result.stderr
    assert data(running)["cycles"][0]["plan"]["outcomes"][1]["measure"]["target"] == int(target)


def git(root, *args):
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=True).stdout


def test_commit_message_names_the_record_and_the_kind_of_change_only(running, run):
    git(running, "init", "-q")
    git(running, "config", "user.name", "Test SENCO")
    git(running, "config", "user.email", "senco@example.org")
    git(running, "add", "-A")
    git(running, "commit", "-qm", "casebook")
    result = run("add", "measure", "ae-16", "o1", *READING_AGE, "--commit", env=at("2026-10-01"))
    assert result.exit_code == 0 and "(committed)" in result.stdout
    assert git(running, "log", "-1", "--format=%B").strip() == "ae-16: add a measure"
    assert git(running, "show", "--name-only", "--format=", "HEAD") == "records/ae-16.yaml\n"


def test_set_on_an_unmeasured_outcome_points_at_add_measure(running, run):
    before = record_bytes(running)
    result = run("set", "ae-16", "cycles[-1].plan.outcomes[o2].measure.target", "4", env=at("2026-11-01"))
    assert result.exit_code == 1
    assert ("outcome o2 has no measure to change: give it one whole with sendcli add measure ae-16 o2 "
            "--measure NAME --baseline V --target V\n") in result.stderr
    assert record_bytes(running) == before
    assert review(run).exit_code == 0
    result = run("set", "ae-16", "cycles[1].plan.outcomes[o1].measure.baseline", "84", env=at("2026-12-02"))
    assert result.exit_code == 1 and "sendcli add measure ae-16 o1 --measure NAME" in result.stderr
    assert result.stderr.rstrip().endswith("--target V --cycle 1")
