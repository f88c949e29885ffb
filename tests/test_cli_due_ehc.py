"""``sendcli due`` over the example casebook and ``sendcli ehc`` events, through the CLI."""

import csv
import io
import json

import pytest

from conftest import snapshot

NAMES = ["Ava Example", "Riley Mockington", "Ivy Sample", "Kai Testington", "Leo Placeholder", "Theo Specimen",
         "Mia Demo"]


def test_default_shows_overdue_and_due_soon_in_date_order(example_casebook, run):
    result = run("due")
    assert result.exit_code == 0 and result.stderr == ""
    lines = result.stdout.splitlines()
    assert [line.split()[:3] for line in lines] == [
        ["2026-11-20", "-8", "overdue"], ["2026-12-01", "+3", "due-soon"], ["2026-12-08", "+10", "due-soon"]]
    assert "ae-16 (Ava Example)" in lines[0] and "review" in lines[0]


def test_nothing_due_prints_nothing_so_cron_sends_no_mail(example_casebook, run):
    result = run("due", "--kind", "retention")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


def test_json_is_the_documented_object(example_casebook, run):
    data = json.loads(run("due", "--format", "json").stdout)
    assert data["as_of"] == "2026-11-28" and data["within_days"] == 14 and data["unreadable"] == []
    assert data["items"][0] == {"record": "ae-16", "name": "Ava Example", "kind": "review", "due": "2026-11-20",
                                "days_left": -8, "status": "overdue", "detail": "SEN support review, cycle 2"}
    statuses = {item["status"] for item in json.loads(run("due", "--all", "--format", "json").stdout)["items"]}
    assert statuses == {"overdue", "due-soon", "upcoming"}


def test_csv_has_the_documented_header(example_casebook, run):
    rows = list(csv.reader(io.StringIO(run("due", "--all", "--format", "csv").stdout)))
    assert rows[0] == ["record", "name", "kind", "due", "days_left", "status", "detail"]
    assert rows[1][:6] == ["ae-16", "Ava Example", "review", "2026-11-20", "-8", "overdue"]
    assert len(rows) > 10


def test_ics_is_an_all_day_calendar_with_stable_uids(example_casebook, run, monkeypatch):
    from icalendar import Calendar
    from typer.testing import CliRunner

    from sendcli.cli import app

    raw = CliRunner().invoke(app, ["due", "--all", "--format", "ics"], env={"SENDCLI_TODAY": "2026-11-28"}).stdout_bytes
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n") and raw.endswith(b"END:VCALENDAR\r\n")
    assert b"\n" not in raw.replace(b"\r\n", b"")
    events = Calendar.from_ical(raw).walk("VEVENT")
    assert len(events) > 10
    first = events[0]
    assert str(first["uid"]) == "ae-16-review-2026-11-20@sendcli"
    assert first["dtstart"].params["VALUE"] == "DATE" and first.decoded("dtstart").isoformat() == "2026-11-20"
    again = CliRunner().invoke(app, ["due", "--all", "--format", "ics"], env={"SENDCLI_TODAY": "2026-11-28"})
    assert again.stdout_bytes == raw  # stable: a calendar subscription does not churn


@pytest.mark.parametrize("output", ["text", "json", "csv", "ics"])
def test_redact_shows_ids_in_place_of_names(example_casebook, run, output):
    result = run("due", "--all", "--redact", "--format", output)
    assert result.exit_code == 0
    for name in NAMES:
        assert name not in result.stdout
    assert "ae-16" in result.stdout


@pytest.mark.parametrize("args, code", [
    (["--fail-on", "overdue"], 1),
    (["--fail-on", "due-soon", "--kind", "ehc-review-report"], 1),
    (["--fail-on", "overdue", "--kind", "ehc-review-report"], 0),
    (["--fail-on", "due-soon", "--kind", "phase-transfer"], 0),
])
def test_fail_on_for_cron(example_casebook, run, args, code):
    assert run("due", *args).exit_code == code


def test_within_widens_the_window(example_casebook, run):
    narrow = run("due", "--format", "json", "--within", "5").stdout
    wide = run("due", "--format", "json", "--within", "20").stdout
    assert len(json.loads(narrow)["items"]) == 2 and len(json.loads(wide)["items"]) == 4


def test_settings_window_is_used(example_casebook, run):
    settings = example_casebook / "sendcli.yaml"
    settings.write_text(settings.read_text().replace("due_soon_days: 14", "due_soon_days: 3"))
    assert json.loads(run("due", "--format", "json").stdout)["within_days"] == 3


def test_an_unreadable_record_is_reported_never_skipped(example_casebook, run):
    (example_casebook / "records" / "zz-bad.yaml").write_text("id: zz-bad\nstatus: [\n")
    result = run("due", "--format", "json")
    assert result.exit_code == 1
    assert "unreadable: records/zz-bad.yaml:" in result.stderr
    data = json.loads(result.stdout)
    assert data["unreadable"][0]["path"] == "records/zz-bad.yaml" and "YAML syntax" in data["unreadable"][0]["message"]
    assert len(data["items"]) == 3  # the others are still reported


@pytest.mark.parametrize("setting", ["due_soon_days: -1", "due_soon_days: soon", "plan_within_days: 0",
                                     "under_five_review_months: 13", "retention_yrs: 31",
                                     "keep_after_transfer_days: -1", "phase_transfer_year_groups: [Y6]",
                                     "phase_transfer_year_groups: 6"])
def test_invalid_settings_are_refused_with_their_line(example_casebook, run, setting):
    settings = example_casebook / "sendcli.yaml"
    settings.write_text(settings.read_text() + setting + "\n")
    result = run("due")
    assert result.exit_code == 1 and "sendcli.yaml:" in result.stderr


@pytest.mark.parametrize("args", [["--kind", "reviews"], ["--format", "xml"], ["--within", "-1"],
                                  ["--fail-on", "late"]])
def test_due_usage_errors(example_casebook, run, args):
    assert run("due", *args).exit_code == 2


# -- ehc events ------------------------------------------------------------------------------------

def kinds_due(run, record_id):
    data = json.loads(run("due", "--all", "--format", "json").stdout)
    return {item["kind"] for item in data["items"] if item["record"] == record_id}


def test_the_ehc_timeline_from_request_to_phase_transfer(casebook, run):
    assert run("new", "eli-t18", "--name", "Eli Testcase", "--dob", "2018-03-01", "--need", "ASD",
               env={"SENDCLI_TODAY": "2025-09-01"}).exit_code == 0
    steps = [
        ("request", [], "2025-10-01", {"ehc-decision", "ehc-final-plan"}),
        ("decision", ["--outcome", "assess"], "2025-11-05", {"ehc-issue-decision", "ehc-final-plan"}),
        ("draft", [], "2026-01-20", {"ehc-final-plan"}),
        ("final", [], "2026-02-10", {"ehc-annual-review"}),
        ("review", [], "2027-01-20", {"ehc-annual-review", "ehc-review-report", "ehc-la-decision"}),
        ("report", [], "2027-01-29", {"ehc-annual-review", "ehc-la-decision"}),
        ("la-decision", ["--outcome", "amend"], "2027-02-10", {"ehc-annual-review", "ehc-amended-plan"}),
        ("amended", [], "2027-03-20", {"ehc-annual-review"}),
        ("transfer", ["--year", "2028", "--to", "school"], "2027-03-21", {"ehc-annual-review", "phase-transfer"}),
        ("transfer-amended", [], "2027-03-22", {"ehc-annual-review"}),
    ]
    for event, options, day, expected in steps:
        result = run("ehc", event, "eli-t18", "--date", day, *options, env={"SENDCLI_TODAY": "2027-03-22"})
        assert result.exit_code == 0, (event, result.stderr)
        assert kinds_due(run, "eli-t18") - {"parent-meeting", "plan"} == expected, event
    record = json.loads(run("show", "eli-t18", "--format", "json").stdout)["record"]
    assert record["status"] == "ehc-plan"
    assert record["ehc"]["reviews"] == [{"meeting": "2027-01-20", "report_sent": "2027-01-29", "la_decision": {
        "date": "2027-02-10", "outcome": "amend"}, "amended_plan": "2027-03-20"}]


@pytest.mark.parametrize("setup, event, words", [
    ([], ["decision", "--outcome", "assess"], "no request"),
    ([], ["final"], "no decision to assess"),
    ([["request"]], ["request"], "already requested"),
    ([["request"]], ["final"], "no decision to assess"),
    ([["request"], ["decision", "--outcome", "assess"]], ["final"], "no draft plan"),
    ([["request"], ["decision", "--outcome", "not-assess"]], ["draft"], "no decision to assess"),
    ([], ["review"], "no EHC plan to review"),
    ([], ["report"], "no annual review meeting"),
    ([], ["transfer-amended"], "no phase transfer"),
    ([["request"]], ["decision", "--outcome", "assess", "--date", "2026-01-01"], "before the request"),
])
def test_events_out_of_order_are_refused(casebook, run, setup, event, words):
    assert run("new", "eli-t18", "--name", "Eli", "--dob", "2018-03-01", "--need", "ASD").exit_code == 0
    for step in setup:
        assert run("ehc", step[0], "eli-t18", *step[1:]).exit_code == 0, step
    before = snapshot(casebook / "records")
    result = run("ehc", event[0], "eli-t18", *event[1:])
    assert result.exit_code == 1 and words in result.stderr
    assert snapshot(casebook / "records") == before


def test_an_exception_shows_on_its_item_and_keeps_it_overdue(casebook, run):
    assert run("new", "eli-t18", "--name", "Eli", "--dob", "2018-03-01", "--need", "ASD").exit_code == 0
    assert run("ehc", "request", "eli-t18", "--date", "2026-09-01").exit_code == 0
    assert run("ehc", "exception", "eli-t18", "--reason", "absence-from-area", "--note",
               "Family abroad 5 weeks").exit_code == 0
    data = json.loads(run("due", "--format", "json").stdout)
    [decision] = [i for i in data["items"] if i["kind"] == "ehc-decision"]
    assert decision["status"] == "overdue" and "Family abroad" in decision["exception"]
    assert run("due", "--fail-on", "overdue").exit_code == 1


# -- review regressions: nothing drops out of due, nothing crashes it ---------------------------------

def test_a_running_cycle_without_a_review_date_is_an_error_not_a_silent_gap(example_casebook, run):
    path = example_casebook / "records" / "is-23.yaml"
    path.write_text(path.read_text().replace("      review_date: 2026-12-08\n", "", 1))
    result = run("check")
    assert result.exit_code == 1 and "its plan has no review date (plan.review_date) [cycles]" in result.stdout
    assert "unreadable: records/is-23.yaml" in run("due").stderr


def test_an_implausible_date_is_an_error_and_never_crashes_due(example_casebook, run):
    path = example_casebook / "records" / "ae-16.yaml"
    path.write_text(path.read_text().replace("entered: ", "entered: 9999-12-30 #", 1))
    assert "not a plausible date" in run("check").stdout
    result = run("due", "--format", "json")
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert len(json.loads(result.stdout)["items"]) >= 2  # the others are still reported


def test_a_closure_that_never_ends_does_not_hang_or_crash(example_casebook, run):
    settings = example_casebook / "sendcli.yaml"
    settings.write_text(settings.read_text().replace("closures:\n", "closures:\n  - {from: 2026-12-01, to: 9999-12-31}\n"))
    assert run("close", "kt-12", "--reason", "moved-school").exit_code == 0
    result = run("due", "--all", "--format", "json")
    assert result.exit_code == 0 and "Traceback" not in result.stderr


def test_redacted_due_names_no_values_of_an_unreadable_record(example_casebook, run):
    path = example_casebook / "records" / "ae-16.yaml"
    path.write_text(path.read_text().replace("role: parent", "role: Sam Vee", 1))
    result = run("due", "--redact", "--format", "json")
    assert "Sam Vee" not in result.stderr + result.stdout and "run sendcli check" in result.stderr


def test_the_new_deadline_settings_are_read_and_empty_the_cache(example_casebook, run):
    """A year group made a transfer year in sendcli.yaml gives its plans the phase-transfer item at once."""
    from sendcli.core.deadlines import DeadlineSettings
    from sendcli.store.summaries import _fingerprint

    before = json.loads(run("due", "--all", "--format", "json").stdout)
    assert not [i for i in before["items"] if i["record"] == "kt-12" and i["kind"] == "phase-transfer"]
    settings = example_casebook / "sendcli.yaml"
    settings.write_text(settings.read_text() + 'phase_transfer_year_groups: ["9"]\nkeep_after_transfer_days: 10\n')
    after = json.loads(run("due", "--all", "--format", "json").stdout)
    # kt-12, born 30 November 2012, is in year 9 in 2026/27 by age: transfer year 2027 (a made-up setting).
    assert [i["due"] for i in after["items"] if i["record"] == "kt-12" and i["kind"] == "phase-transfer"] == \
        ["2027-02-14"]
    assert _fingerprint(None, DeadlineSettings()) != _fingerprint(None, DeadlineSettings(keep_after_transfer_days=10))
    assert _fingerprint(None, DeadlineSettings()) != _fingerprint(
        None, DeadlineSettings(phase_transfer_year_groups=("6",)))
