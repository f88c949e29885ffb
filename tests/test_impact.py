"""sendcli impact: the done-when test (four children, two programmes, two measures in different units,
worked by hand), the period and carried-outcome rules, the groupings, and every format."""

import csv
import io
import json
import textwrap

import pytest

TODAY = {"SENDCLI_TODAY": "2026-11-30"}

SETTINGS = """
staff_rates: {TA: 14.5, teacher: 38}
school_weeks: 39
"""


def record(record_id, name, need, cycles, born="2016-03-01", year="5"):
    return textwrap.dedent(f"""\
        schema_version: 1
        id: {record_id}
        status: sen-support
        child:
          name: {name}
          date_of_birth: {born}
          setting: school
          year_group: "{year}"
        needs:
          primary: {need}
        register:
          entered: 2026-06-01
          left: null
        views:
          - {{date: 2026-06-10, from: child, text: "I like maths"}}
          - {{date: 2026-06-10, from: parent, text: "Doing well at home"}}
        meetings:
          - {{date: 2026-06-12, with: [parent], text: Plan agreed}}
        cycles:
        """) + textwrap.indent(textwrap.dedent(cycles), "  ")


def cycle(number, opened, do, outcomes, provision, closed=None, review="", from_cycle=None):
    history = [f"{{stage: do, date: {do}}}"] if from_cycle else [
        f"{{stage: assess, date: {opened}}}", f"{{stage: plan, date: {opened}}}", f"{{stage: do, date: {do}}}"]
    if closed:
        history += [f"{{stage: review, date: {closed}}}", f"{{stage: closed, date: {closed}}}"]
    lines = [f"- number: {number}", f"  opened: {opened}", f"  stage: {'closed' if closed else 'do'}"]
    if from_cycle:
        lines.append(f"  from_cycle: {from_cycle}")
    lines.append("  history:")
    lines += [f"    - {entry}" for entry in history]
    lines += ["  assess:", "    evidence:", f"      - {{date: {opened}, source: TA, text: Baseline test}}",
              "  plan:", f"    agreed: {do}", "    agreed_with: [parent]", "    review_date: 2027-02-01",
              "    outcomes:"]
    lines += [textwrap.indent(textwrap.dedent(outcome).strip("\n"), "      ") for outcome in outcomes]
    lines.append("    provision:")
    lines += [textwrap.indent(textwrap.dedent(item).strip("\n"), "      ") for item in provision]
    if review:
        lines += [textwrap.indent(textwrap.dedent(review).strip("\n"), "  ")]
    return "\n".join(lines) + "\n"


def reading_age(oid, baseline, target, baseline_date, readings, carried_from=None):
    return measured(oid, "reading age", "months", baseline, target, baseline_date, readings, carried_from)


def incidents(oid, baseline, target, baseline_date, readings):
    return measured(oid, "incidents a week", "incidents", baseline, target, baseline_date, readings, lower=True)


def measured(oid, name, unit, baseline, target, baseline_date, readings, carried_from=None, lower=False):
    text = [f"- id: {oid}", f"  text: Outcome {oid}", "  criteria: Measured each half term", "  measure:",
            f"    name: {name}", f"    unit: {unit}", f"    baseline: {baseline}",
            f"    baseline_date: {baseline_date}", f"    target: {target}"]
    if lower:
        text.append("    lower_is_better: true")
    if readings:
        text.append("  readings:")
        text += [f"    - {{date: {day}, value: {value}}}" for day, value in readings]
    if carried_from:
        text.append(f"  carried_from: \"{carried_from}\"")
    return "\n".join(text)


def reading_catch_up(pid, outcomes, carried_from=None):
    # 90 minutes a week with a TA (£14.50 an hour) for a group of 3, 39 weeks.
    text = [f"- id: {pid}", "  kind: small-group", "  text: Reading catch-up", "  programme: reading-catch-up",
            "  minutes_per_week: 90", "  group_size: 3", "  staff: TA", f"  outcomes: [{', '.join(outcomes)}]"]
    if carried_from:
        text.append(f"  carried_from: \"{carried_from}\"")
    return "\n".join(text)


def talk_boost(pid, outcomes):
    # 60 minutes a week with a teacher (£38 an hour), one to one, 39 weeks.
    return "\n".join([f"- id: {pid}", "  kind: one-to-one", "  text: Calm and talk", "  programme: talk-boost",
                      "  minutes_per_week: 60", "  group_size: 1", "  staff: teacher",
                      f"  outcomes: [{', '.join(outcomes)}]"])


@pytest.fixture
def school(casebook, run):
    with open(casebook / "sendcli.yaml", "a", encoding="utf-8") as settings:
        settings.write(SETTINGS)
    records = {
        # Baseline 84 in July, before the period: the change runs from the first reading in the
        # period (88, 15 Oct) to the latest (91): +3. Not reached (96).
        "ab-16": record("ab-16", "Alfie Example", "SPLD", cycle(
            1, "2026-06-20", "2026-07-01",
            [reading_age("o1", 84, 96, "2026-07-01", [("2026-07-15", 85), ("2026-10-15", 88), ("2026-11-20", 91)])],
            [reading_catch_up("p1", ["o1"])])),
        # Carried from cycle 1 to cycle 2 with its readings; counted once. Baseline 80 on 10 Sept
        # (in the period) to 92: +12, reached (90). Its provision, carried too, is costed once.
        "cd-16": record("cd-16", "Cara Example", "SPLD",
                        cycle(1, "2026-09-01", "2026-09-10",
                              [reading_age("o1", 80, 90, "2026-09-10", [("2026-10-01", 86)])],
                              [reading_catch_up("p1", ["o1"])], closed="2026-10-20",
                              review="""
                                  review:
                                    date: 2026-10-20
                                    attendees: [parent]
                                    progress:
                                      - {outcome: o1, rating: partly-achieved}
                                    decision: continue
                              """)
                        + cycle(2, "2026-10-20", "2026-10-20",
                                [reading_age("o1", 80, 90, "2026-09-10", [("2026-10-01", 86), ("2026-11-20", 92)],
                                             carried_from="1/o1")],
                                [reading_catch_up("p1", ["o1"], carried_from="1/p1")], from_cycle=1)),
        # Two outcomes on two measures: reading age 90 (10 Sept) to 93, +3; incidents 5 to 4, -1
        # (lower is better; target 1 not reached), through talk-boost.
        "ef-15": record("ef-15", "Eli Example", "SEMH", cycle(
            1, "2026-09-01", "2026-09-10",
            [reading_age("o1", 90, 100, "2026-09-10", [("2026-11-02", 93)]),
             incidents("o2", 5, 1, "2026-09-10", [("2026-11-02", 4)])],
            [reading_catch_up("p1", ["o1"]), talk_boost("p2", ["o2"])]), born="2015-03-01", year="6"),
        # Incidents 6 to 2: -4, reached (2).
        "gh-15": record("gh-15", "Gus Example", "SEMH", cycle(
            1, "2026-09-01", "2026-09-10",
            [incidents("o1", 6, 2, "2026-09-10", [("2026-10-05", 4), ("2026-11-16", 2)])],
            [talk_boost("p1", ["o1"])]), born="2015-03-01", year="6"),
    }
    for record_id, text in records.items():
        (casebook / "records" / f"{record_id}.yaml").write_text(text, encoding="utf-8")
    checked = run("check", env=TODAY)
    assert checked.exit_code == 0, checked.stdout + checked.stderr
    return casebook


def impact(run, *args):
    result = run("impact", *args, env=TODAY)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_done_when_four_children_two_programmes_two_measures_worked_by_hand(school, run):
    data = json.loads(impact(run, "--format", "json", "--from", "2026-09-01", "--to", "2026-11-30"))
    assert (data["as_of"], data["from"], data["to"], data["by"]) == ("2026-11-30", "2026-09-01", "2026-11-30",
                                                                      "programme")
    # Reading catch-up: 90 min / 60 x £14.50 x 39 weeks / 3 = £282.75 a child a year; three children.
    # Talk boost: 60 min / 60 x £38 x 39 weeks / 1 = £1,482.00 a child a year; two children.
    assert data["groups"] == [
        {"group": "talk-boost", "children": 2, "outcomes": 2, "measure": "incidents a week", "unit": "incidents",
         "median_change": -2.5, "reached_target": 1, "cost": 2964.0, "cost_per_child": 1482.0,
         "lower_is_better": True, "small_group": True, "uncosted": 0},
        {"group": "reading-catch-up", "children": 3, "outcomes": 3, "measure": "reading age", "unit": "months",
         "median_change": 3, "reached_target": 1, "cost": 848.25, "cost_per_child": 282.75,
         "lower_is_better": False, "small_group": True, "uncosted": 0},
    ]


def test_the_period_decides_which_readings_count(school, run):
    # To 31 October: ab-16 has one reading in the period and its baseline before it (no change);
    # cd-16 80 → 86 (+6); ef-15 has no reading yet; gh-15 6 → 4 (-2).
    data = json.loads(impact(run, "--format", "json", "--from", "2026-09-01", "--to", "2026-10-31"))
    changes = {(g["group"], g["measure"]): (g["children"], g["median_change"], g["reached_target"])
               for g in data["groups"]}
    assert changes == {("reading-catch-up", "reading age"): (1, 6, 0), ("talk-boost", "incidents a week"): (1, -2, 0)}


def test_by_need_kind_and_staff(school, run):
    by_need = json.loads(impact(run, "--format", "json", "--by", "need", "--from", "2026-09-01"))
    assert [(g["group"], g["measure"], g["children"], g["median_change"], g["cost"]) for g in by_need["groups"]] == [
        ("SEMH", "incidents a week", 2, -2.5, 2964.0),
        ("SEMH", "reading age", 1, 3, 282.75),
        ("SPLD", "reading age", 2, 7.5, 565.5),
    ]
    by_kind = json.loads(impact(run, "--format", "json", "--by", "kind", "--from", "2026-09-01"))
    assert [(g["group"], g["outcomes"]) for g in by_kind["groups"]] == [("one-to-one", 2), ("small-group", 3)]
    by_staff = json.loads(impact(run, "--format", "json", "--by", "staff", "--from", "2026-09-01"))
    assert [(g["group"], g["cost_per_child"]) for g in by_staff["groups"]] == [("teacher", 1482.0), ("TA", 282.75)]


def test_text_and_csv_name_no_child(school, run):
    text = impact(run)
    assert "Impact by programme, readings from 2026-09-01 to 2026-11-30" in text
    assert "reading-catch-up" in text and "small group" in text and "848.25" in text
    rows = list(csv.DictReader(io.StringIO(impact(run, "--format", "csv"))))
    assert [(row["group"], row["median_change"], row["cost"]) for row in rows] == [
        ("talk-boost", "-2.5", "2964.0"), ("reading-catch-up", "3", "848.25")]
    for output in (text, impact(run, "--format", "csv"), impact(run, "--format", "json")):
        for child in ("Alfie", "Cara", "Eli", "Gus", "ab-16", "cd-16"):
            assert child not in output


def test_html_draws_the_change_and_names_children_only_when_asked(school, run):
    page = impact(run, "--format", "html")
    assert "<svg" in page and "Median change in reading age (months) by group" in page
    assert "small group" in page and "£848.25" in page
    assert "Alfie" not in page and "ab-16" not in page and "No child is named." in page
    named = impact(run, "--format", "html", "--names")
    assert "Alfie Example, Cara Example, Eli Example" in named
    redacted = impact(run, "--format", "html", "--names", "--redact")
    assert "Alfie" not in redacted and "ab-16, cd-16, ef-15" in redacted


@pytest.mark.parametrize("args, words", [
    (["--names"], "only into the HTML"),
    (["--by", "colour"], "--by"),
    (["--from", "2026-12-01", "--to", "2026-11-01"], "before --from"),
    (["--from", "30/11/2026"], "2026-11-30"),
])
def test_bad_options_are_usage_errors(school, run, args, words):
    result = run("impact", *args, env=TODAY)
    assert result.exit_code == 2
    assert words in result.stderr


def test_no_measured_outcome_says_so(casebook, run):
    assert "No measured outcome has a change in the period" in impact(run)
    assert json.loads(impact(run, "--format", "json"))["groups"] == []


def test_impact_says_the_same_from_view_extracts(school):
    """The summary cache's view extracts keep every field impact reads, carried outcomes included."""
    from datetime import date

    from sendcli.core.costs import CostSettings
    from sendcli.core.impact import impact_groups, impact_json
    from sendcli.core.views import view_extract
    from sendcli.store.loading import load_yaml

    records = [load_yaml(path.read_bytes()).data for path in sorted((school / "records").glob("*.yaml"))]
    settings = CostSettings.from_settings({"staff_rates": {"TA": 14.5, "teacher": 38}})
    for by in ("programme", "kind", "staff", "need"):
        def report(of):
            groups = impact_groups(of, by, date(2026, 9, 1), date(2026, 11, 30), settings)
            return impact_json(groups, date(2026, 11, 30), date(2026, 9, 1), date(2026, 11, 30), by, names=True)

        whole = report(records)
        assert whole["groups"] and report([view_extract(r) for r in records]) == whole
