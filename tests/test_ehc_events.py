"""``sendcli ehc``: the events of the second edition, through the CLI."""

import json

import pytest

from conftest import snapshot

TODAY = {"SENDCLI_TODAY": "2027-03-22"}


@pytest.fixture
def eli(casebook, run):
    """A fictional pupil on SEN support, born 2018 (not under five, in no transfer year)."""
    assert run("new", "eli-t18", "--name", "Eli Testcase", "--dob", "2018-03-01", "--need", "ASD",
               env={"SENDCLI_TODAY": "2025-09-01"}).exit_code == 0
    return "eli-t18"


def ehc_run(run, *words, env=TODAY):
    result = run("ehc", *words, env=env)
    return result


def ok(run, *words, env=TODAY):
    result = run("ehc", *words, env=env)
    assert result.exit_code == 0, (words, result.stderr)
    return result


def record(run):
    return json.loads(run("show", "eli-t18", "--format", "json", env=TODAY).stdout)["record"]


def items(run, env=TODAY):
    data = json.loads(run("due", "--all", "--format", "json", env=env).stdout)
    return {(i["kind"], i["due"]): i for i in data["items"] if i["record"] == "eli-t18"}


def refused(run, casebook, *words, says, env=TODAY):
    before = snapshot(casebook / "records")
    result = run("ehc", *words, env=env)
    assert result.exit_code == 1 and says in result.stderr, result.stderr
    assert snapshot(casebook / "records") == before


# -- 1: a plan the tool did not create --------------------------------------------------------------

def test_an_existing_plan_gets_its_annual_review(casebook, run, eli):
    ok(run, "existing", eli, "--issued", "2025-02-03", "--last-review", "2026-01-20", "--authority", "Example LA",
       "--reference", "EHC-0001")
    data = record(run)
    assert data["status"] == "ehc-plan"
    assert data["ehc"]["existing_plan"] == {"issued": "2025-02-03", "last_review": "2026-01-20",
                                            "authority": "Example LA", "reference": "EHC-0001"}
    # The 12 months from 20 January 2026 end on 19 January 2027; the meeting is due 28 days before.
    assert ("ehc-annual-review", "2026-12-22") in items(run)
    assert run("check", env=TODAY).exit_code == 0
    # Its review can be recorded, and the period restarts from it.
    ok(run, "review", eli, "--date", "2026-12-15")
    assert ("ehc-annual-review", "2027-11-16") in items(run)


def test_an_existing_plan_alone_needs_only_its_issue_date(casebook, run, eli):
    ok(run, "existing", eli, "--issued", "2025-02-03")
    assert record(run)["ehc"]["existing_plan"] == {"issued": "2025-02-03", "last_review": None, "authority": None,
                                                   "reference": None}
    assert ("ehc-annual-review", "2026-01-05") in items(run)
    assert "no plan date" not in run("check", env=TODAY).stdout


@pytest.mark.parametrize("words, says", [
    (["--issued", "2027-04-01"], "in the future"),
    (["--issued", "2025-02-03", "--last-review", "2025-01-01"], "before the plan's issue date"),
])
def test_an_existing_plan_with_impossible_dates_is_refused(casebook, run, eli, words, says):
    refused(run, casebook, "existing", eli, *words, says=says)


def test_an_existing_plan_date_must_be_a_date(casebook, run, eli):
    assert run("ehc", "existing", eli, "--issued", "2025-02-30", env=TODAY).exit_code == 2


# -- 3: cease keeps the plan through the appeal window ------------------------------------------------

def plan_with_review(run, eli, meeting="2026-11-10"):
    ok(run, "existing", eli, "--issued", "2025-12-01")
    ok(run, "review", eli, "--date", meeting)


def test_a_decision_to_cease_keeps_the_plan_until_it_has_ceased(casebook, run, eli):
    plan_with_review(run, eli)
    ok(run, "la-decision", eli, "--outcome", "cease", "--date", "2026-12-01")
    assert record(run)["status"] == "ehc-plan"
    assert ("ehc-cease", "2027-02-01") in items(run)
    refused(run, casebook, "ceased", eli, "--date", "2026-11-30", says="before the decision to cease")
    ok(run, "ceased", eli, "--date", "2027-02-02", "--to", "monitoring")
    data = record(run)
    assert data["status"] == "monitoring" and data["ehc"]["ceased"] == {"date": "2027-02-02", "to": "monitoring"}
    assert not {kind for kind, _ in items(run)} & {"ehc-cease", "ehc-annual-review"}


def test_ceased_needs_a_decision_to_cease(casebook, run, eli):
    plan_with_review(run, eli)
    ok(run, "la-decision", eli, "--outcome", "maintain", "--date", "2026-12-01")
    refused(run, casebook, "ceased", eli, says="not decided to cease")


# -- 9: overlapping reviews ----------------------------------------------------------------------------

def test_an_earlier_review_can_be_finished_after_a_later_meeting(casebook, run, eli):
    plan_with_review(run, eli, "2026-05-10")
    ok(run, "review", eli, "--date", "2026-11-10")
    # Default: the earliest meeting still waiting.
    ok(run, "report", eli, "--date", "2026-11-12")
    ok(run, "la-decision", eli, "--outcome", "maintain", "--meeting", "2026-11-10", "--date", "2026-11-20")
    ok(run, "la-decision", eli, "--outcome", "amend", "--meeting", "2026-05-10", "--date", "2026-11-21")
    reviews = record(run)["ehc"]["reviews"]
    assert reviews[0]["report_sent"] == "2026-11-12" and reviews[0]["la_decision"]["outcome"] == "amend"
    assert reviews[1]["la_decision"]["outcome"] == "maintain" and reviews[1]["report_sent"] is None
    assert ("ehc-review-report", "2026-11-24") in items(run)
    # The amended plan: 8 weeks from the decision to amend (Regs 22), not 12 from the meeting.
    assert ("ehc-amended-plan", "2027-01-16") in items(run)
    refused(run, casebook, "report", eli, "--meeting", "2026-06-01", says="no review meeting on 2026-06-01")


# -- 10: a new request after not-assess or not-issue ------------------------------------------------------

@pytest.mark.parametrize("ending", [
    [["decision", "--outcome", "not-assess", "--date", "2026-02-10"]],
    [["decision", "--outcome", "assess", "--date", "2026-02-10"], ["not-issue", "--date", "2026-04-20"]],
])
def test_a_new_request_starts_a_new_assessment(casebook, run, eli, ending):
    ok(run, "request", eli, "--date", "2026-01-10")
    for step in ending:
        ok(run, step[0], eli, *step[1:])
    ok(run, "request", eli, "--date", "2026-09-01")
    ehc = record(run)["ehc"]
    assert ehc["requested"] == "2026-09-01" and ehc["decision"] is None and ehc.get("not_issued") is None
    assert ehc["earlier_assessments"][0]["requested"] == "2026-01-10"
    assert {("ehc-decision", "2026-10-13"), ("ehc-final-plan", "2027-01-19")} <= set(items(run))
    assert run("check", env=TODAY).exit_code == 0


def test_a_request_while_an_assessment_runs_is_refused(casebook, run, eli):
    ok(run, "request", eli, "--date", "2026-01-10")
    ok(run, "decision", eli, "--outcome", "assess", "--date", "2026-02-10")
    refused(run, casebook, "request", eli, says="already requested")


# -- 11: exceptions --------------------------------------------------------------------------------------

def test_a_closure_exception_that_fits_is_recorded(casebook, run, eli):
    ok(run, "request", eli, "--date", "2026-07-01")
    ok(run, "exception", eli, "--reason", "school-closure", "--from", "2026-07-22", "--to", "2026-09-02",
       "--advice-requested", "2026-07-16", "--note", "Summer holiday", "--date", "2026-07-20")
    [exception] = record(run)["ehc"]["exceptions"]
    assert exception["from"] == "2026-07-22" and exception["advice_requested"] == "2026-07-16"
    assert items(run)[("ehc-decision", "2026-08-12")]["exception"]
    assert run("check", env=TODAY).exit_code == 0


@pytest.mark.parametrize("dates, says", [
    (["--from", "2026-07-22", "--to", "2026-08-17", "--advice-requested", "2026-07-20"], "27 days"),
    (["--from", "2026-07-22", "--to", "2026-09-02", "--advice-requested", "2026-07-14"], "outside the window"),
    (["--from", "2026-07-22", "--to", "2026-09-02", "--advice-requested", "2026-08-28"], "outside the window"),
    (["--from", "2026-09-02", "--to", "2026-07-22", "--advice-requested", "2026-07-20"], "ends"),
    ([], "needs the closure's dates"),
])
def test_a_closure_exception_whose_dates_do_not_fit_is_refused(casebook, run, eli, dates, says):
    ok(run, "request", eli, "--date", "2026-07-01")
    refused(run, casebook, "exception", eli, "--reason", "school-closure", *dates, "--date", "2026-09-10", says=says)


def test_the_closure_window_edges_are_inside(casebook, run, eli):
    ok(run, "request", eli, "--date", "2026-07-01")
    # A week before the closure, and a week before the day it reopens (3 September).
    for asked in ("2026-07-15", "2026-08-27"):
        ok(run, "exception", eli, "--reason", "school-closure", "--from", "2026-07-22", "--to", "2026-09-02",
           "--advice-requested", asked, "--date", "2026-09-10")


# -- what was missing ------------------------------------------------------------------------------------

def test_advice_for_the_assessment(casebook, run, eli):
    refused(run, casebook, "advice-given", eli, says="no request for advice")
    ok(run, "advice-requested", eli, "--date", "2026-11-09")
    assert ("ehc-advice", "2026-12-21") in items(run)
    refused(run, casebook, "advice-given", eli, "--date", "2026-11-08", says="before the request for advice")
    ok(run, "advice-given", eli, "--date", "2026-12-01")
    assert "ehc-advice" not in {kind for kind, _ in items(run)}


def test_consultation_on_naming_the_setting(casebook, run, eli):
    refused(run, casebook, "consultation-reply", eli, says="no consultation")
    refused(run, casebook, "consulted", eli, "--reply-by", "2027-01-20", "--date", "2027-01-27",
            says="before the consultation")
    ok(run, "consulted", eli, "--reply-by", "2027-02-10", "--date", "2027-01-27")
    assert ("ehc-consultation", "2027-02-10") in items(run)
    ok(run, "consultation-reply", eli, "--date", "2027-02-03")
    assert record(run)["ehc"]["consultations"] == [{"date": "2027-01-27", "reply_by": "2027-02-10",
                                                    "replied": "2027-02-03"}]
    assert "ehc-consultation" not in {kind for kind, _ in items(run)}


def test_a_planned_review_needs_its_notice_two_weeks_before(casebook, run, eli):
    refused(run, casebook, "review-planned", eli, "--meeting", "2027-04-20", says="no EHC plan")
    ok(run, "existing", eli, "--issued", "2026-05-01")
    refused(run, casebook, "review-notice-sent", eli, says="no review meeting is planned")
    ok(run, "review-planned", eli, "--meeting", "2027-04-20")  # a meeting ahead is planned, not refused
    assert ("ehc-review-notice", "2027-04-06") in items(run)
    ok(run, "review-notice-sent", eli, "--date", "2027-03-22")
    assert "ehc-review-notice" not in {kind for kind, _ in items(run)}
    assert run("check", env=TODAY).exit_code == 0


def test_a_final_plan_within_15_days_of_the_draft_is_recorded_with_a_warning(casebook, run, eli):
    ok(run, "request", eli, "--date", "2026-01-10")
    ok(run, "decision", eli, "--outcome", "assess", "--date", "2026-02-10")
    ok(run, "draft", eli, "--date", "2026-04-01")
    result = ok(run, "final", eli, "--date", "2026-04-11")
    assert "10 days after the draft" in result.stderr and "Regs 13(1)" in result.stderr
    assert record(run)["ehc"]["final_plan"] == "2026-04-11"
    checked = run("check", "--format", "json", env=TODAY)
    assert checked.exit_code == 0 and "Regs 13(1)" in checked.stdout


def test_no_warning_at_15_days(casebook, run, eli):
    ok(run, "request", eli, "--date", "2026-01-10")
    ok(run, "decision", eli, "--outcome", "assess", "--date", "2026-02-10")
    ok(run, "draft", eli, "--date", "2026-04-01")
    assert "Regs 13(1)" not in ok(run, "final", eli, "--date", "2026-04-16").stderr


def test_a_review_that_decided_to_request_an_assessment_leaves_the_request_due(casebook, run, eli):
    folder = casebook / "records"
    text = (folder / "eli-t18.yaml").read_text()
    text = text.replace("cycles: []", """cycles:
  - number: 1
    opened: 2026-09-01
    stage: closed
    history:
      - {stage: assess, date: 2026-09-01}
      - {stage: closed, date: 2026-11-02}
    review:
      date: 2026-11-02
      attendees: [parent]
      decision: request-ehc-assessment""")
    (folder / "eli-t18.yaml").write_text(text)
    assert ("ehc-request", "2026-11-16") in items(run)
    ok(run, "request", eli, "--date", "2026-11-10")
    assert "ehc-request" not in {kind for kind, _ in items(run)}


def test_a_plan_started_without_the_family_leaves_parents_informed_due(casebook, run, eli):
    at = {"SENDCLI_TODAY": "2026-10-20"}
    steps = [
        ("cycle", "open", eli, "--date", "2026-09-07"),
        ("add", "evidence", eli, "--source", "class-teacher", "--text", "Observed in class", "--date", "2026-09-10"),
        ("add", "view", eli, "--from", "child", "--text", "I like drawing", "--date", "2026-09-11"),
        ("cycle", "advance", eli, "--date", "2026-09-20", "--without-family", "invited three times, no reply"),
        ("add", "outcome", eli, "--text", "Eli will ask for help", "--criteria", "4 of 5 lessons"),
        ("add", "provision", eli, "--text", "Social story group", "--outcome", "o1"),
        ("cycle", "advance", eli, "--date", "2026-10-01", "--review-date", "2026-12-10", "--agreed-with", "child",
         "--without-family", "invited three times, no reply"),
    ]
    for step in steps:
        result = run(*step, env=at)
        assert result.exit_code == 0, (step, result.stderr)
    assert ("parents-informed", "2026-10-01") in items(run, env=at)
    assert run("add", "meeting", eli, "--with", "parent", "--text", "Told about the plan", "--date", "2026-10-15",
               env=at).exit_code == 0
    assert "parents-informed" not in {kind for kind, _ in items(run, env=at)}


def test_an_answer_with_nothing_waiting_is_refused(casebook, run, eli):
    plan_with_review(run, eli)
    ok(run, "la-decision", eli, "--outcome", "maintain", "--date", "2026-12-01")
    refused(run, casebook, "la-decision", eli, "--outcome", "amend", says="already has its local authority's decision")
    refused(run, casebook, "la-decision", eli, "--outcome", "amend", "--meeting", "2026-11-10",
            says="already recorded")
