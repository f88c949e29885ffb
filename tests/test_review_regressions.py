"""Regressions from the code review: each once a defect, each now a test."""

import json
import subprocess

import pytest

from conftest import snapshot
from sendcli.store.loading import load_yaml


def test_show_lists_the_next_deadlines(example_casebook, run):
    text = run("show", "ae-16").stdout
    assert "Next deadlines:" in text and "2026-11-20  -8  overdue   review" in text
    data = json.loads(run("show", "ae-16", "--format", "json").stdout)
    assert data["deadlines"][0] == {"kind": "review", "due": "2026-11-20", "days_left": -8, "status": "overdue",
                                    "detail": "SEN support review, cycle 2"}


def test_add_outcome_and_provision_take_a_date(casebook, run):
    assert run("new", "nsa-16", "--name", "N Example", "--dob", "2016-01-01", "--need", "NSA").exit_code == 0
    assert run("cycle", "open", "nsa-16", "--date", "2026-11-01").exit_code == 0
    assert run("add", "outcome", "nsa-16", "--text", "t", "--date", "2026-11-20").exit_code == 0
    assert run("add", "outcome", "nsa-16", "--text", "t", "--date", "2026-10-01").exit_code == 1
    assert run("add", "provision", "nsa-16", "--text", "p", "--outcome", "o1", "--date", "2026-12-01").exit_code == 1


def test_nsa_child_can_be_closed(casebook, run):
    assert run("new", "nsa-16", "--name", "N Example", "--dob", "2016-01-01", "--need", "NSA").exit_code == 0
    assert run("close", "nsa-16", "--reason", "moved-school").exit_code == 0


def test_new_can_commit(casebook, run):
    subprocess.run(["git", "-C", str(casebook), "init", "-q"], check=True)
    subprocess.run(["git", "-C", str(casebook), "-c", "user.name=T", "-c", "user.email=t@example.org", "commit",
                    "-q", "--allow-empty", "-m", "start"], check=True)
    result = run("new", "c1-16", "--name", "C Example", "--dob", "2016-01-01", "--need", "MLD", "--commit",
                 env={"GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "T",
                      "GIT_COMMITTER_EMAIL": "t@example.org"})
    assert result.exit_code == 0 and "(committed)" in result.stdout
    log = subprocess.run(["git", "-C", str(casebook), "log", "-1", "--format=%s"], capture_output=True, text=True)
    assert log.stdout == "c1-16: new record\n"


@pytest.mark.parametrize("setup", ["file", "records-file"])
def test_init_where_a_file_is_in_the_way(tmp_path, run, setup):
    target = tmp_path / "cb"
    if setup == "file":
        target.write_text("x")
    else:
        target.mkdir()
        (target / "records").write_text("x")
    result = run("init", str(target))
    assert result.exit_code == 1 and "is a file" in result.stderr


def test_an_editor_setting_with_bad_quotes(example_casebook, run):
    result = run("edit", "ae-16", env={"EDITOR": '"vi', "VISUAL": ""})
    assert result.exit_code == 1 and "check its quotes" in result.stderr


@pytest.mark.parametrize("value", ["inf", "nan", "-inf"])
def test_cost_must_be_an_amount(example_casebook, run, value):
    assert run("add", "provision", "is-23", "--text", "x", "--cost", value).exit_code == 2


def test_ehc_transfer_date_is_checked(example_casebook, run):
    assert run("ehc", "transfer", "rm-15", "--year", "2028", "--to", "school", "--date",
               "2030-01-01").exit_code == 1


@pytest.mark.parametrize("value", ["=", "1.0e5", ".5e3"])
def test_more_values_other_readers_read_otherwise(value):
    loaded = load_yaml(f"text: {value}\n".encode())
    assert [f.rule for f in loaded.findings] == ["yaml"]


def test_log_outside_git_does_not_mention_commit(example_casebook, run):
    result = run("log", "ae-16")
    assert result.exit_code == 1 and "--commit" not in result.stderr


def test_a_refused_change_quotes_no_line_numbers_of_an_unwritten_file(example_casebook, run):
    before = snapshot(example_casebook / "records")
    result = run("add", "view", "ae-16", "--from", "child", "--text", "")
    assert result.exit_code == 1 and "records/ae-16.yaml:" not in result.stderr
    assert snapshot(example_casebook / "records") == before
