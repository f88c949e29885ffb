"""``sendcli show`` says where the record stands: EHC status, cycle and stage, contacts, deadlines."""

import json


def test_show_gives_the_ehc_status_line_and_contacts(example_casebook, run):
    result = run("show", "kt-12")
    assert result.exit_code == 0, result.stderr
    text = " ".join(result.stdout.split())
    assert ("EHC: requested 20 September 2024 · decision assess (25 October 2024) · final plan 3 February 2025 · "
            "last reviewed 29 January 2026 · next annual review by 26 January 2027") in text
    assert "Alex Testington (parent, parental responsibility): alex.testington@example.org" in text
    assert "Next deadlines:" in text and "ehc-annual-review" in text


def test_show_json_carries_the_ehc_status_and_contacts(example_casebook, run):
    data = json.loads(run("show", "kt-12", "--format", "json").stdout)
    assert data["ehc"] == {"requested": "2024-09-20", "decision": "assess", "decision_date": "2024-10-25",
                           "plan_date": "2025-02-03", "plan_kind": "final plan", "last_review": "2026-01-29",
                           "next_review": "2027-01-26"}
    assert {"name": "Alex Testington", "role": "parent", "contact": "alex.testington@example.org",
            "parental_responsibility": True} in data["contacts"]
    assert json.loads(run("show", "ae-16", "--format", "json").stdout)["ehc"] is None


def test_show_a_record_between_cycles_says_how_the_last_one_ended(example_casebook, run):
    text = " ".join(run("show", "md-19").stdout.split())
    assert "No open cycle (1 closed; cycle 1 reviewed 20 March 2026: exit)." in text
    assert "EHC:" not in text


def test_show_an_open_cycle_gives_its_stage_and_review_date(example_casebook, run):
    text = " ".join(run("show", "ae-16").stdout.split())
    assert "Cycle 2: stage do" in text and "review date" in text


def test_show_a_plan_made_before_the_casebook(casebook, run):
    assert run("new", "cd-14", "--name", "Cal Demo", "--dob", "2014-03-03", "--need", "ASD").exit_code == 0
    assert run("ehc", "existing", "cd-14", "--issued", "2023-06-01", "--last-review", "2026-06-10").exit_code == 0
    text = " ".join(run("show", "cd-14").stdout.split())
    assert "EHC: existing plan 1 June 2023 · last reviewed 10 June 2026 · next annual review by" in text


def test_show_prints_emoji_codes_in_a_record_as_the_text_they_are(example_casebook, run):
    """Text from a record is data: ":smile:" stays those seven characters, as "[bold]" does."""
    assert run("set", "ae-16", "needs.summary", "Says :smile: and [bold]hi[/bold] at drop-off").exit_code == 0
    text = run("show", "ae-16").stdout
    assert "Says :smile: and [bold]hi[/bold] at drop-off" in text and "\U0001f604" not in text
