"""Negative numbers on the command line: ``sendcli set ID FIELD -3`` takes -3 as the value (click
would read it as an unknown option), while a real unknown option is still a usage error and the
options of ``set`` still work in any position; the options that take a number (``add outcome
--baseline/--target``, ``add measure``, ``add reading --value``) take a negative one as well."""

import subprocess

import pytest

from conftest import ava_to_plan, snapshot
from sendcli.store.loading import load_yaml

GIT_ENV = {"GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "T", "GIT_COMMITTER_EMAIL": "t@example.org"}
O1 = "cycles[1].plan.outcomes[o1]"


def at(day, **more):
    return {"SENDCLI_TODAY": day, **more}


def outcomes(casebook):
    return load_yaml((casebook / "records" / "ae-16.yaml").read_bytes()).data["cycles"][0]["plan"]["outcomes"]


@pytest.fixture
def measured(casebook, run):
    """Ava's first cycle in stage do from 2026-09-14: o1 measured in months from the expected reading
    age (a baseline of -14, a target of -6), made with negative option values; o2 not measured."""
    ava_to_plan(run)
    for day, args in [("2026-09-13", ["add", "outcome", "ae-16", "--text", "Closes the gap", "--criteria", "Test",
                                      "--measure", "reading age gap", "--unit", "months",
                                      "--baseline", "-14", "--target", "-6"]),
                      ("2026-09-13", ["add", "outcome", "ae-16", "--text", "Join in", "--criteria", "Weekly"]),
                      ("2026-09-13", ["add", "provision", "ae-16", "--text", "Catch-up", "--outcome", "o1"]),
                      ("2026-09-14", ["cycle", "advance", "ae-16", "--review-date", "2026-12-01",
                                      "--agreed-with", "parent"])]:
        result = run(*args, env=at(day))
        assert result.exit_code == 0, (args, result.stderr)
    return casebook


def test_add_outcome_takes_a_negative_baseline_and_target(measured):
    assert outcomes(measured)[0]["measure"] == {"name": "reading age gap", "unit": "months", "baseline": -14,
                                                "baseline_date": "2026-09-13", "target": -6}


def test_add_measure_and_add_reading_take_negative_values(measured, run):
    result = run("add", "measure", "ae-16", "o2", "--measure", "score change", "--baseline", "-2",
                 "--target", "-5", "--lower-is-better", "--date", "2026-10-01", env=at("2026-10-01"))
    assert result.exit_code == 0, result.stderr
    assert outcomes(measured)[1]["measure"] == {"name": "score change", "baseline": -2,
                                                "baseline_date": "2026-10-01", "target": -5,
                                                "lower_is_better": True}
    for outcome, value in (("o1", "-11"), ("o2", "-3.5")):
        result = run("add", "reading", "ae-16", outcome, "--value", value, env=at("2026-10-20"))
        assert result.exit_code == 0, result.stderr
    assert [o["readings"] for o in outcomes(measured)] == [[{"date": "2026-10-20", "value": -11}],
                                                           [{"date": "2026-10-20", "value": -3.5}]]


@pytest.mark.parametrize("args, baseline", [
    ([f"{O1}.measure.baseline", "-3"], -3),
    ([f"{O1}.measure.baseline", "-2.5"], -2.5),
    ([f"{O1}.measure.baseline", "-12", "--no-commit"], -12),
    (["--no-commit", "ae-16", f"{O1}.measure.baseline", "-12"], -12),
    ([f"{O1}.measure.baseline", "--", "-7"], -7),
])
def test_set_takes_a_negative_number_as_the_value_without_dashes(measured, run, args, baseline):
    full = args if args[0] == "--no-commit" else ["ae-16", *args]
    result = run("set", *full, env=at("2026-10-01"))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"ae-16: {O1}.measure.baseline set\n"
    assert outcomes(measured)[0]["measure"]["baseline"] == baseline
    assert run("check", env=at("2026-10-01")).exit_code == 0


def test_set_takes_a_negative_reading_and_adds_and_removes_a_negative_number(measured, run):
    assert run("add", "reading", "ae-16", "o1", "--value", "-11", env=at("2026-10-20")).exit_code == 0
    result = run("set", "ae-16", f"{O1}.readings[1].value", "-10", env=at("2026-10-21"))
    assert result.exit_code == 0, result.stderr
    assert outcomes(measured)[0]["readings"] == [{"date": "2026-10-20", "value": -10}]
    # A list of text takes "-3" as text, from --add VALUE and --add=VALUE alike.
    for option in (["--add", "-3"], ["--remove=-3"]):
        result = run("set", "ae-16", "profile.important_to_me", *option, env=at("2026-10-21"))
        assert result.exit_code == 0, result.stderr
    record = load_yaml((measured / "records" / "ae-16.yaml").read_bytes()).data
    assert "-3" not in (record.get("profile") or {}).get("important_to_me", [])


@pytest.mark.parametrize("args, words", [
    ([f"{O1}.measure.baseline", "--nope"], "No such option: --nope"),
    ([f"{O1}.measure.baseline", "-3", "--nope"], "No such option: --nope"),
    (["--nope", f"{O1}.measure.baseline", "-3"], "No such option: --nope"),
    ([f"{O1}.measure.baseline", "-3", "--comit"], "No such option: --comit"),
    ([f"{O1}.measure.baseline", "-x"], "No such option: -x"),
    ([f"{O1}.measure.baseline", "-3x"], "No such option: -3x"),
    ([f"{O1}.measure.baseline", "--nope=-3"], "No such option: --nope"),
    ([f"{O1}.measure.baseline", "-3", "-4"], "unexpected extra argument"),
])
def test_set_still_refuses_an_unknown_option_as_a_usage_error(measured, run, args, words):
    before = snapshot(measured / "records")
    result = run("set", "ae-16", *args, env=at("2026-10-01"))
    assert result.exit_code == 2, result.stdout + result.stderr
    assert words in result.stderr and "Traceback" not in result.stderr
    assert snapshot(measured / "records") == before


def test_a_misspelt_option_is_offered_the_nearest(measured, run):
    result = run("set", "ae-16", f"{O1}.measure.baseline", "-3", "--comit", env=at("2026-10-01"))
    assert "--commit" in result.stderr.split("No such option: --comit", 1)[1]


def test_a_malformed_negative_number_is_refused_by_the_field(measured, run):
    # "-3." passes the command line as a number would, and the field says why it is not one.
    result = run("set", "ae-16", f"{O1}.measure.baseline", "-3.", env=at("2026-10-01"))
    assert result.exit_code == 2 and "'-3.' is not one" in result.stderr


def test_set_commits_after_a_negative_value(measured, run):
    git = lambda *a: subprocess.run(["git", *a], cwd=measured, capture_output=True, text=True, check=True)
    if not (measured / ".git").exists():
        git("init", "-q")
    git("-c", "user.name=T", "-c", "user.email=t@example.org", "add", ".")
    git("-c", "user.name=T", "-c", "user.email=t@example.org", "commit", "-qm", "start", "--allow-empty")
    result = run("set", "ae-16", f"{O1}.measure.target", "-5", "--commit", env=at("2026-10-01", **GIT_ENV))
    assert result.exit_code == 0, result.stderr
    assert "(committed)" in result.stdout
    assert git("log", "-1", "--format=%s").stdout.strip() == f"ae-16: set {O1}.measure.target"
    assert outcomes(measured)[0]["measure"]["target"] == -5
