"""Mends from a read-through of the second edition: each case failed before its fix."""

from __future__ import annotations

import json

import pytest

DOB_2016 = ("--dob", "2016-03-01")


@pytest.fixture
def assessed(casebook, run):
    """A child mid-assessment with an exception whose note holds health detail and a name."""
    assert run("new", "pq-16", "--name", "Pia Quinnexample", *DOB_2016, "--need", "SLCN").exit_code == 0
    assert run("ehc", "request", "pq-16", "--date", "2026-09-01").exit_code == 0
    result = run("ehc", "exception", "pq-16", "--reason", "personal-circumstances",
                 "--note", "Pia Quinnexample was in hospital", "--date", "2026-09-20")
    assert result.exit_code == 0, result.stderr
    return casebook


@pytest.mark.parametrize("output", ["text", "json", "csv", "ics"])
def test_redacted_due_leaves_an_exceptions_note_out(assessed, run, output):
    shown = run("due", "--all", "--format", output)
    assert "in hospital" in shown.stdout.replace("\r\n ", ""), "unredacted, the note explains the delay"
    redacted = run("due", "--all", "--redact", "--format", output)
    unfolded = redacted.stdout.replace("\r\n ", "")  # ICS folds long lines
    assert "hospital" not in unfolded and "Quinnexample" not in unfolded and "Pia" not in unfolded
    assert "personal circumstances" in unfolded, "the reason is still given"


def test_report_of_an_unreadable_record_under_redact_quotes_nothing_of_it(casebook, run):
    assert run("new", "ab-16", "--name", "Alex Example", *DOB_2016, "--need", "NSA").exit_code == 0
    path = casebook / "records" / "ab-16.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("date_of_birth: 2016-03-01",
                                                             "date_of_birth: '2016-03-01x'"), encoding="utf-8")
    plain = run("report", "ab-16")
    assert plain.exit_code == 1 and "2016-03-01x" in plain.stderr
    redacted = run("report", "ab-16", "--redact")
    assert redacted.exit_code == 1
    assert "2016-03-01x" not in redacted.stderr and "records/ab-16.yaml:" in redacted.stderr


def test_a_transfer_recorded_years_ago_does_not_hide_the_next_one(casebook, run):
    """Regs 18(1): a Year 6 child whose move into reception was recorded still needs the plan
    amended before the move to secondary school."""
    assert run("new", "yr-15", "--name", "Yan Example", "--dob", "2015-10-10", "--need", "ASD",
               "--year-group", "6", "--status", "ehc-plan").exit_code == 0
    assert run("ehc", "existing", "yr-15", "--issued", "2020-01-06").exit_code == 0
    assert run("ehc", "transfer", "yr-15", "--year", "2020", "--to", "school", "--date", "2020-01-07").exit_code == 0
    assert run("ehc", "transfer-amended", "yr-15", "--date", "2020-02-03").exit_code == 0
    items = json.loads(run("due", "--all", "--format", "json", "--kind", "phase-transfer").stdout)["items"]
    assert [(item["record"], item["due"]) for item in items] == [("yr-15", "2027-02-14")]


def test_a_transfer_may_be_recorded_before_an_existing_plans_last_review(casebook, run):
    assert run("new", "zs-15", "--name", "Zed Example", "--dob", "2015-01-10", "--need", "ASD",
               "--year-group", "6", "--status", "ehc-plan").exit_code == 0
    assert run("ehc", "existing", "zs-15", "--issued", "2025-01-01", "--last-review", "2026-04-01").exit_code == 0
    result = run("ehc", "transfer", "zs-15", "--year", "2027", "--to", "school", "--date", "2025-06-01")
    assert result.exit_code == 0, result.stderr
    refused = run("ehc", "transfer-amended", "zs-15", "--date", "2024-12-31")
    assert refused.exit_code == 1 and "2025-01-01" in refused.stderr


def test_a_letter_after_a_review_without_the_family_does_not_say_we_decided_together(casebook, run):
    steps = [
        ("new", "wf-16", "--name", "Wren Example", *DOB_2016, "--need", "SPLD", "--year-group", "5"),
        ("cycle", "open", "wf-16", "--date", "2026-09-01"),
        ("add", "evidence", "wf-16", "--source", "class-teacher", "--text", "Reading age 7", "--date", "2026-09-02"),
        ("add", "view", "wf-16", "--from", "child", "--text", "Reading is hard", "--date", "2026-09-02"),
        ("cycle", "advance", "wf-16", "--date", "2026-09-03", "--without-family", "invited twice, no reply"),
        ("add", "outcome", "wf-16", "--text", "Read 40 words a minute", "--criteria", "timed", "--date", "2026-09-03"),
        ("add", "provision", "wf-16", "--text", "Daily reading", "--outcome", "o1", "--date", "2026-09-03"),
        ("cycle", "advance", "wf-16", "--date", "2026-09-04", "--review-date", "2026-11-20",
         "--without-family", "invited twice, no reply"),
        ("cycle", "review", "wf-16", "--date", "2026-11-20", "--decision", "continue", "--progress",
         "o1=partly-achieved", "--next-review", "2027-02-20", "--without-family", "did not come"),
    ]
    for step in steps:
        result = run(*step)
        assert result.exit_code == 0, (step, result.stderr)
    for output in ("md", "html"):
        letter = run("report", "wf-16", "--template", "parent", "--format", output).stdout
        assert "We decided" in letter and "decided together" not in letter, output


def test_a_representative_can_be_recorded_field_by_field_with_set(casebook, run):
    assert run("new", "gh-09", "--name", "Gus Example", "--dob", "2009-03-01", "--need", "PMLD",
               "--setting", "college", "--year-group", "12").exit_code == 0
    assert run("set", "gh-09", "child.represented_by.role", "deputy").exit_code == 0
    assert run("set", "gh-09", "child.represented_by.since", "2026-01-05").exit_code == 0
    assert run("check").exit_code == 0
    text = (casebook / "records" / "gh-09.yaml").read_text(encoding="utf-8")
    assert "role: deputy" in text and "since: 2026-01-05" in text
