"""sendcli impact, mended: adults' names redacted in group labels as the provision map redacts them,
costs added as the provision map adds them (each row to the penny), a missing programme kept apart
from a programme called "—" in JSON and CSV, and measured outcomes no provision names counted."""

import csv
import io
import json
from datetime import date

import pytest

from sendcli.core.impact import ADD_PROVISION, ADD_TO_PROVISION, NOT_IN_PERIOD, START_PLAN, OutcomeChange
from sendcli.core.measures import Measure, Reading
from sendcli.documents.impact import unserved_note

from tests.test_impact import SETTINGS, TODAY, cycle, reading_age, record


def provision(pid, outcomes, *, minutes=90, staff="TA", programme="reading-catch-up", group_size=3):
    lines = [f"- id: {pid}", "  kind: small-group", "  text: Reading catch-up", f"  minutes_per_week: {minutes}",
             f"  group_size: {group_size}", f"  outcomes: [{', '.join(outcomes)}]"]
    if staff is not None:
        lines.insert(3, f"  staff: \"{staff}\"")
    if programme is not None:
        lines.insert(3, f"  programme: \"{programme}\"")
    return "\n".join(lines)


def child(record_id, name, outcome_provision, readings=(("2026-11-02", 93),), outcome="o1"):
    """A child with one reading-age outcome (90 on 10 September, then ``readings``) and ``outcome_provision``."""
    return record(record_id, name, "SPLD", cycle(
        1, "2026-09-01", "2026-09-10", [reading_age(outcome, 90, 100, "2026-09-10", list(readings))],
        outcome_provision))


@pytest.fixture
def casebook_of(casebook, run):
    with open(casebook / "sendcli.yaml", "a", encoding="utf-8") as settings:
        settings.write(SETTINGS)

    def write(records: dict[str, str]):
        for record_id, text in records.items():
            (casebook / "records" / f"{record_id}.yaml").write_text(text, encoding="utf-8")
        checked = run("check", env=TODAY)
        assert checked.exit_code == 0, checked.stdout + checked.stderr
        return casebook

    return write


def impact(run, *args):
    result = run("impact", *args, env=TODAY)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_redact_shows_the_adults_in_staff_and_programme_groups_by_role(casebook_of, run):
    casebook_of({"ab-16": child("ab-16", "Alfie Example", [
        provision("p1", ["o1"], staff="Jo Secretname (TA)", programme="Jo Secretname's reading club")])})
    added = run("add", "person", "ab-16", "--name", "Jo Secretname", "--role", "teacher", env=TODAY)
    assert added.exit_code == 0, added.stderr
    for by, group in (("staff", "teacher (TA)"), ("programme", "teacher's reading club")):
        plain = json.loads(impact(run, "--by", by, "--format", "json"))
        assert [g["group"] for g in plain["groups"]] == [group.replace("teacher", "Jo Secretname")]
        redacted = json.loads(impact(run, "--by", by, "--format", "json", "--redact"))
        assert [g["group"] for g in redacted["groups"]] == [group]
        for output_format in ("text", "csv", "html"):
            shown = impact(run, "--by", by, "--format", output_format, "--redact")
            assert "Secretname" not in shown and group.replace("'", "&#39;" if output_format == "html" else "'") \
                in shown
    # The provision map says the same of the same provision.
    provision_map = run("provision-map", "--format", "json", "--redact", env=TODAY).stdout
    assert "Secretname" not in provision_map
    assert [row["staff"] for row in json.loads(provision_map)["provision"]] == ["teacher (TA)"]
    # --names under --redact still lists the children by record ID.
    page = impact(run, "--by", "staff", "--format", "html", "--names", "--redact")
    assert "ab-16" in page and "Alfie" not in page and "Secretname" not in page


def test_cost_adds_the_rounded_amounts_as_the_provision_map_does(casebook_of, run):
    # 50 minutes a week with a TA (£14.50 an hour), 39 weeks, shared by 3: £157.0833... a year each,
    # shown as £157.08; three of them are £471.24 on paper (unrounded they would be £471.25).
    casebook_of({record_id: child(record_id, name, [provision("p1", ["o1"], minutes=50)])
                 for record_id, name in (("ab-16", "Alfie Example"), ("cd-16", "Cara Example"),
                                         ("ef-16", "Eli Example"))})
    rows = json.loads(run("provision-map", "--format", "json", env=TODAY).stdout)["provision"]
    assert [row["yearly_cost"] for row in rows] == [157.08, 157.08, 157.08]
    mapped = round(sum(round(row["yearly_cost"] * 100) for row in rows) / 100, 2)
    assert mapped == 471.24
    [group] = json.loads(impact(run, "--format", "json"))["groups"]
    assert (group["cost"], group["cost_per_child"]) == (mapped, 157.08)
    [row] = list(csv.DictReader(io.StringIO(impact(run, "--format", "csv"))))
    assert row["cost"] == "471.24"
    assert "471.24" in impact(run) and "471.25" not in impact(run)


def test_a_missing_programme_is_null_in_json_and_empty_in_csv_and_apart_from_one_called_a_dash(casebook_of, run):
    casebook_of({
        "ab-16": child("ab-16", "Alfie Example", [provision("p1", ["o1"], programme=None)]),
        "cd-16": child("cd-16", "Cara Example", [provision("p1", ["o1"], programme="—")]),
    })
    data = json.loads(impact(run, "--format", "json"))
    assert sorted((g["group"] is None, g["group"], g["children"]) for g in data["groups"]) == [
        (False, "—", 1), (True, None, 1)]
    rows = list(csv.DictReader(io.StringIO(impact(run, "--format", "csv"))))
    assert sorted(row["group"] for row in rows) == ["", "—"]
    text = impact(run)
    assert [line.split()[0] for line in text.splitlines() if "reading age" in line] == ["—", "—"]
    assert "None" not in text
    page = impact(run, "--format", "html")
    assert "<td>—</td>" in page and "None" not in page
    # By staff, a provision naming no staff is null too.
    casebook_of({"ab-16": child("ab-16", "Alfie Example", [provision("p1", ["o1"], staff=None)])})
    groups = json.loads(impact(run, "--by", "staff", "--format", "json"))["groups"]
    assert sorted((g["group"] is None, g["group"] or "") for g in groups) == [(False, "TA"), (True, "")]


def test_outcomes_no_provision_names_are_counted_and_said(casebook_of, run):
    casebook_of({
        "ab-16": child("ab-16", "Alfie Example", [provision("p1", [])]),
        "cd-16": child("cd-16", "Cara Example", [provision("p1", [])]),
    })
    for by in ("programme", "kind", "staff"):
        text = impact(run, "--by", by)
        assert "No measured outcome has a change in the period (sendcli add reading)" not in text
        assert "2 measured outcomes changed in the period but no provision that ran in it names them" in text
        # Their cycles are at do: add provision would be refused; the provision's list takes them.
        assert 'sendcli set ID "cycles[N].plan.provision[PID].outcomes" --add OID' in text
        assert "sendcli add provision" not in text
        data = json.loads(impact(run, "--by", by, "--format", "json"))
        assert (data["groups"], data["unserved"]) == ([], 2)
        page = impact(run, "--by", by, "--format", "html")
        assert "2 measured outcomes changed in the period but no provision that ran in it names them" in page
        assert "add reading" not in page
    # By need every outcome has a group: nothing is left out.
    data = json.loads(impact(run, "--by", "need", "--format", "json"))
    assert (len(data["groups"]), data["unserved"]) == (1, 0)
    assert "no provision" not in impact(run, "--by", "need")


def test_unserved_outcomes_are_said_beside_the_groups_too(casebook_of, run):
    casebook_of({
        "ab-16": child("ab-16", "Alfie Example", [provision("p1", ["o1"])]),
        "cd-16": child("cd-16", "Cara Example", [provision("p1", [])]),
    })
    text = impact(run)
    assert "reading-catch-up" in text
    assert "1 measured outcome changed in the period but no provision that ran in it names it" in text
    assert json.loads(impact(run, "--format", "json"))["unserved"] == 1
    assert "1 measured outcome changed in the period" in impact(run, "--format", "html")


def test_nothing_measured_still_says_add_reading(casebook, run):
    text = impact(run)
    assert "No measured outcome has a change in the period (sendcli add reading)" in text
    assert json.loads(impact(run, "--format", "json"))["unserved"] == 0


SET_HINT = 'sendcli set ID "cycles[N].plan.provision[PID].outcomes" --add OID'
ADD_HINT = "sendcli add provision ID ... --outcome OID"


@pytest.mark.parametrize("cache", [[], ["--no-cache"]])
def test_the_hint_for_a_running_plan_sets_the_provision_s_outcomes_and_doing_so_counts_it(casebook_of, run, cache):
    casebook_of({"ab-16": child("ab-16", "Alfie Example", [provision("p1", [])])})
    text = impact(run, *cache)
    assert f"1 measured outcome changed in the period but no provision that ran in it names it, so no group " \
           f"counts it: add the outcome to a provision's outcomes once its cycle is at do or later ({SET_HINT})" in text
    assert "add provision" not in text
    assert SET_HINT.replace('"', "&#34;") in impact(run, "--format", "html", *cache)
    # The cycle is at do: add provision is refused, as the hint knows; the command it gives works.
    assert run("add", "provision", "ab-16", "--text", "Reading catch-up", "--outcome", "o1", env=TODAY).exit_code == 1
    hinted = SET_HINT.replace(" ID ", " ab-16 ").replace("[N]", "[1]").replace("[PID]", "[p1]")
    assert hinted.replace("OID", "o1") == 'sendcli set ab-16 "cycles[1].plan.provision[p1].outcomes" --add o1'
    result = run("set", "ab-16", "cycles[1].plan.provision[p1].outcomes", "--add", "o1", env=TODAY)
    assert result.exit_code == 0, result.stderr
    data = json.loads(impact(run, "--format", "json", *cache))
    assert (len(data["groups"]), data["unserved"]) == (1, 0)
    assert "no provision that ran in it" not in impact(run, *cache)


def test_the_hint_while_the_cycle_is_planned_is_add_provision_then_to_start_the_plan(casebook_of, run):
    casebook_of({})
    for day, args in [("2026-09-01", ["new", "ab-16", "--name", "Alfie Example", "--dob", "2016-03-01",
                                      "--need", "SpLD"]),
                      ("2026-09-10", ["cycle", "open", "ab-16"]),
                      ("2026-09-12", ["add", "evidence", "ab-16", "--source", "TA", "--text", "Baseline"]),
                      ("2026-09-12", ["add", "view", "ab-16", "--from", "child", "--text", "Dogs"]),
                      ("2026-09-12", ["add", "view", "ab-16", "--from", "parent", "--text", "Worries"]),
                      ("2026-09-13", ["cycle", "advance", "ab-16"]),
                      ("2026-09-13", ["add", "outcome", "ab-16", "--text", "Reads at his age", "--criteria", "Test",
                                      "--measure", "reading age", "--unit", "months", "--baseline", "90",
                                      "--target", "100"]),
                      ("2026-10-01", ["add", "reading", "ab-16", "o1", "--value", "93"])]:
        result = run(*args, env={"SENDCLI_TODAY": day})
        assert result.exit_code == 0, (args, result.stderr)
    text = impact(run)
    assert f"so no group counts it: name the outcome in new provision while its cycle is at assess or plan " \
           f"({ADD_HINT})" in text
    assert "sendcli set" not in text
    assert run("add", "provision", "ab-16", "--text", "Reading catch-up", "--programme", "reading-catch-up",
               "--outcome", "o1", env={"SENDCLI_TODAY": "2026-10-02"}).exit_code == 0
    # Named now, but provision runs from the move to do: the note says so, and no command that would be refused.
    text = impact(run)
    assert "so no group counts it: provision planned for the outcome counts once its cycle moves to do " \
           "(sendcli cycle advance ID)" in text
    assert ADD_HINT not in text and SET_HINT not in text
    result = run("cycle", "advance", "ab-16", "--review-date", "2027-02-01", "--agreed-with", "parent",
                 env={"SENDCLI_TODAY": "2026-10-02"})
    assert result.exit_code == 0, result.stderr
    data = json.loads(impact(run, "--format", "json"))
    assert ([g["group"] for g in data["groups"]], data["unserved"]) == (["reading-catch-up"], 0)


def test_provision_that_names_the_outcome_but_ran_before_the_period_is_said_as_such(casebook_of, run):
    casebook_of({"ab-16": child("ab-16", "Alfie Example", [provision("p1", ["o1"]) + "\n  ended: 2026-10-15"],
                                readings=(("2026-11-02", 93), ("2026-11-20", 95)))})
    text = impact(run, "--from", "2026-11-01")
    assert "so no group counts it: provision that names the outcome but did not run in the period does not " \
           "count it" in text
    assert SET_HINT not in text and ADD_HINT not in text
    assert json.loads(impact(run, "--format", "json"))["unserved"] == 0  # from 1 September it ran


def _change(linking):
    measure = Measure("reading age", "months", 90, date(2026, 9, 10), 100, False)
    return OutcomeChange("ab-16", "Alfie Example", "o1", measure, 90, date(2026, 9, 10),
                         Reading(date(2026, 11, 2), 93), linking)


def test_the_note_gives_each_way_that_applies_once_in_a_fixed_order():
    assert unserved_note([]) == ""
    note = unserved_note([_change(way) for way in (NOT_IN_PERIOD, ADD_TO_PROVISION, START_PLAN, ADD_PROVISION,
                                                   ADD_TO_PROVISION)])
    assert note.startswith("5 measured outcomes changed in the period but no provision that ran in it names them, "
                           "so no group counts them: name the outcome in new provision")
    ways = note.split("counts them: ", 1)[1].split("; ")
    assert [way.split()[0] for way in ways] == ["name", "add", "provision", "provision"]
    assert ADD_HINT in ways[0] and SET_HINT in ways[1] and "cycle advance" in ways[2] and "did not run" in ways[3]


def test_the_period_screen_of_readings_counts_only_what_the_series_counts():
    """impact looks for a reading dated in the period before it builds an outcome's series: a date
    that is no day (even one that sorts inside the period as text) or no text is never counted, and a
    reading carried from an earlier cycle's outcome is."""
    from datetime import date

    from sendcli.core.impact import _read_between, _served_changes

    measure = {"name": "reading age", "unit": "months", "baseline": 70, "baseline_date": "2026-01-10", "target": 80}
    earlier = {"id": "o1", "measure": measure, "readings": [{"date": "2026-09-20", "value": 74}]}
    later = {"id": "o1", "carried_from": "1/o1", "measure": measure,
             "readings": [{"date": "2026-10-1x", "value": 99}, {"date": 20261001, "value": 98},
                          {"date": "2026-11-20", "value": 77}]}
    record = {"id": "ab-16", "child": {"name": "Test Child"}, "cycles": [
        {"number": 1, "stage": "closed", "plan": {"outcomes": [earlier]}},
        {"number": 2, "stage": "do", "plan": {"outcomes": [later]}}]}
    assert _read_between([later], "2026-10-01", "2026-10-31")  # a maybe (2026-10-1x), not a day
    changes = [served.change for served in _served_changes(record, date(2026, 10, 1), date(2026, 10, 31))]
    assert changes == []  # nothing real in October
    changes = [served.change for served in _served_changes(record, date(2026, 9, 1), date(2026, 11, 30))]
    assert [(c.start, c.latest.value) for c in changes] == [(74.0, 77.0)]  # from the carried reading
    assert not _read_between([earlier, later], "2026-12-01", "2026-12-31")
