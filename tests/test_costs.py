"""What provision costs in a school year (sendcli.core.costs), the costed provision map in every
format, the cost settings of sendcli.yaml and `add provision --programme --group-size`.

Every expected amount is worked by hand in the comment beside it."""

import csv
import io
import json
from datetime import date
from decimal import Decimal

import pytest

from conftest import snapshot

from sendcli.core.costs import (
    CostSettings, above_threshold, planned_days, programme_of, staff_rate, yearly_cost,
)
from sendcli.core.reports import children_costs, grand_total, provision_rows

RATES = CostSettings.from_settings({"staff_rates": {"TA": 14.5, "teacher": 38}})
#: A cycle agreed on 30 September with its review on 10 December: 71 days.
CYCLE = {"number": 1, "opened": "2026-09-10", "stage": "do",
         "history": [{"stage": "assess", "date": "2026-09-10"}, {"stage": "do", "date": "2026-10-01"}],
         "plan": {"agreed": "2026-09-30", "review_date": "2026-12-10"}}


@pytest.mark.parametrize("provision, settings, expected", [
    # 60 min a week = 1 hour x £14.50 x 39 weeks = £565.50.
    ({"minutes_per_week": 60, "staff": "TA"}, RATES, 565.50),
    # The same shared by 4: 565.50 / 4 = 141.375, to the penny half up: £141.38.
    ({"minutes_per_week": 60, "staff": "TA", "group_size": 4}, RATES, 141.38),
    # The README's example: 50 min x 14.5 x 39 / 60 = 471.25, shared by 4 = 117.8125: £117.81.
    ({"minutes_per_week": 50, "staff": "TA", "group_size": 4}, RATES, 117.81),
    # 50 min x 14.5 x 39 / 60 = 471.25, shared by 3 = 157.0833...: £157.08.
    ({"minutes_per_week": 50, "staff": "TA", "group_size": 3}, RATES, 157.08),
    # 45 / 60 x 14.5 x 39 = 424.125 exactly: half up gives £424.13 (rounding half to even would give .12).
    ({"minutes_per_week": 45, "staff": "TA"}, RATES, 424.13),
    # Minutes from the frequency: 3 x 20 = 60 min of a teacher: 38 x 39 = £1,482.00.
    ({"frequency": "3 x 20 min weekly", "staff": "teacher"}, RATES, 1482.00),
    # A school year of 38 weeks: 14.5 x 38 = £551.00.
    ({"minutes_per_week": 60, "staff": "TA"},
     CostSettings.from_settings({"staff_rates": {"TA": 14.5}, "school_weeks": 38}), 551.00),
    # Case and spacing aside, and a whole word of a longer staff text.
    ({"minutes_per_week": 60, "staff": "ta"}, RATES, 565.50),
    ({"minutes_per_week": 60, "staff": "Year 3  TA (Mrs Example)"}, RATES, 565.50),
    # Two adults for the session: (38 + 14.5) x 39 = £2,047.50.
    ({"minutes_per_week": 60, "staff": "Teacher and TA"}, RATES, 2047.50),
    # Part of a word is not the word.
    ({"minutes_per_week": 60, "staff": "TAs"}, RATES, None),
    ({"minutes_per_week": 60, "staff": "Tamsin"}, RATES, None),
    # No rate for the staff, no staff, no rates at all, no minutes: not costed.
    ({"minutes_per_week": 60, "staff": "SENCO"}, RATES, None),
    ({"minutes_per_week": 60}, RATES, None),
    ({"minutes_per_week": 60, "staff": "TA"}, CostSettings(), None),
    ({"staff": "TA", "frequency": "daily"}, RATES, None),
    # No time at all costs nothing, whoever gives it.
    ({"minutes_per_week": 0, "staff": "all staff"}, RATES, 0.0),
    # A cost for the cycle: 180 x 365 / 71 days = 925.352...: £925.35, whatever the minutes and rates.
    ({"cost": 180, "minutes_per_week": 60, "staff": "TA"}, RATES, 925.35),
    ({"cost": 180.0}, CostSettings(), 925.35),
    ({"cost": 0}, RATES, 0.0),
])
def test_yearly_cost(provision, settings, expected):
    assert yearly_cost(provision, CYCLE, settings) == expected


@pytest.mark.parametrize("plan, history, days", [
    ({"agreed": "2026-09-30", "review_date": "2026-12-10"}, [], 71),
    # Not agreed: from the move to do (1 October): 70 days.
    ({"agreed": None, "review_date": "2026-12-10"}, [{"stage": "do", "date": "2026-10-01"}], 70),
    # Nor in do yet: from the day it opened (10 September): 91 days.
    ({"review_date": "2026-12-10"}, [{"stage": "assess", "date": "2026-09-10"}], 91),
    ({"agreed": "2026-09-30", "review_date": None}, [], None),
    ({"agreed": "2026-12-10", "review_date": "2026-12-10"}, [], None),
])
def test_a_cycles_planned_length(plan, history, days):
    assert planned_days({"opened": "2026-09-10", "history": history, "plan": plan}) == days


def test_a_cost_is_scaled_by_the_planned_length_it_was_set_for():
    # Not agreed, in do from 1 October, review 10 December: 180 x 365 / 70 = 938.571...: £938.57.
    cycle = {**CYCLE, "plan": {"agreed": None, "review_date": "2026-12-10"}}
    assert yearly_cost({"cost": 180}, cycle, RATES) == 938.57
    # No review date: a cost for a cycle of unknown length cannot be made a yearly one.
    assert yearly_cost({"cost": 180}, {**CYCLE, "plan": {"agreed": "2026-09-30"}}, RATES) is None


def test_a_longer_staff_phrase_is_matched_before_the_word_in_it():
    rates = CostSettings.from_settings({"staff_rates": {"teacher": 38, "Class Teacher": 40}}).staff_rates
    assert staff_rate("class teacher", rates) == Decimal(40)
    assert staff_rate("Year 2 class teacher", rates) == Decimal(40)
    assert staff_rate("subject teacher", rates) == Decimal(38)


def test_settings_have_defaults():
    settings = CostSettings.from_settings({})
    assert (settings.school_weeks, settings.notional_threshold, dict(settings.staff_rates)) == (39, 6000, {})


@pytest.mark.parametrize("amount, above", [(6000, False), (6000.004, False), (6000.01, True), (12000, True)])
def test_the_threshold_is_passed_only_above_it(amount, above):
    assert above_threshold(amount, CostSettings()) is above


def test_the_programme_defaults_to_the_local_offer_service():
    assert programme_of({"programme": "Talk Boost", "local_offer": "talk-boost"}) == "Talk Boost"
    assert programme_of({"local_offer": "talk-boost"}) == "talk-boost"
    assert programme_of({"text": "Reading ruler"}) is None


# -- the provision map's rows and children ----------------------------------------------------------

def _record(record_id, name, *provision):
    cycle = {**CYCLE, "plan": {**CYCLE["plan"], "provision": list(provision)}}
    return {"id": record_id, "child": {"name": name}, "cycles": [cycle]}


TWO_CHILDREN = [
    # 5 hours a week of a TA: 5 x 14.5 x 39 = 2,827.50; 2 hours of a teacher: 2 x 38 x 39 = 2,964.00;
    # a cost of 180 for 71 days = 925.35. Total 6,716.85: above £6,000.
    _record("ab-16", "Ann Example",
            {"id": "p1", "text": "One-to-one support", "minutes_per_week": 300, "staff": "TA"},
            {"id": "p2", "text": "Specialist teaching", "minutes_per_week": 120, "staff": "teacher",
             "programme": "Precision teaching"},
            {"id": "p3", "text": "Speech therapy", "cost": 180, "local_offer": "community-slt"}),
    # 60 min of a TA shared by 4: 141.38; a reading ruler: not costed. Total 141.38.
    _record("cd-17", "Cal Example",
            {"id": "p1", "text": "Phonics group", "minutes_per_week": 60, "staff": "TA", "group_size": 4},
            {"id": "p2", "text": "Reading ruler", "staff": "class teacher"}),
]


def test_each_row_and_each_child_is_costed_for_a_year():
    rows = provision_rows(TWO_CHILDREN, date(2026, 10, 1), date(2026, 11, 30), RATES)
    costed = {(r.record, r.provision): (r.yearly_cost, r.programme, r.group_size) for r in rows}
    assert costed == {("ab-16", "p1"): (2827.50, None, None), ("ab-16", "p2"): (2964.00, "Precision teaching", None),
                      ("ab-16", "p3"): (925.35, "community-slt", None), ("cd-17", "p1"): (141.38, None, 4),
                      ("cd-17", "p2"): (None, None, None)}
    children = children_costs(rows, RATES)
    assert [(c.record, c.name, c.yearly_cost, c.above_threshold, c.uncosted) for c in children] == [
        ("ab-16", "Ann Example", 6716.85, True, 0), ("cd-17", "Cal Example", 141.38, False, 1)]
    assert grand_total(rows).yearly_cost == 6858.23  # 6,716.85 + 141.38


def test_a_lower_threshold_marks_more_children():
    rows = provision_rows(TWO_CHILDREN, date(2026, 10, 1), date(2026, 11, 30), RATES)
    low = CostSettings.from_settings({"staff_rates": {"TA": 14.5, "teacher": 38}, "notional_threshold": 100})
    assert [c.above_threshold for c in children_costs(rows, low)] == [True, True]


# -- through the CLI ------------------------------------------------------------------------------

SETTINGS = "staff_rates: {TA: 14.5, teacher: 38}\nschool_weeks: 39\nnotional_threshold: 6000\n"


def at(day):
    return {"SENDCLI_TODAY": day}


@pytest.fixture
def costed(casebook, run):
    """Two children in do since 1 October, with the provision of TWO_CHILDREN added from the CLI."""
    with (casebook / "sendcli.yaml").open("a", encoding="utf-8") as settings:
        settings.write(SETTINGS)
    provision = {
        "ab-16": [["--text", "One-to-one support", "--minutes-per-week", "300", "--staff", "TA"],
                  ["--text", "Specialist teaching", "--minutes-per-week", "120", "--staff", "teacher",
                   "--programme", "Precision teaching"],
                  ["--text", "Speech therapy", "--cost", "180"]],
        "cd-17": [["--text", "Phonics group", "--minutes-per-week", "60", "--staff", "TA", "--group-size", "4",
                   "--kind", "small-group"],
                  ["--text", "Reading ruler", "--staff", "class teacher"]],
    }
    for record_id, name in (("ab-16", "Ann Example"), ("cd-17", "Cal Example")):
        steps = [("2026-09-01", ["new", record_id, "--name", name, "--dob", "2016-05-14", "--need", "SLCN"]),
                 ("2026-09-10", ["cycle", "open", record_id]),
                 ("2026-09-12", ["add", "evidence", record_id, "--source", "class-teacher", "--text", "Reads 4/10"]),
                 ("2026-09-15", ["add", "view", record_id, "--from", "child", "--text", "I like dogs"]),
                 ("2026-09-16", ["add", "view", record_id, "--from", "parent", "--text", "Worries in groups"]),
                 ("2026-09-20", ["cycle", "advance", record_id]),
                 ("2026-09-20", ["add", "outcome", record_id, "--text", "Reads 40 words", "--criteria", "Weekly"])]
        steps += [("2026-09-21", ["add", "provision", record_id, *options, "--outcome", "o1"])
                  for options in provision[record_id]]
        steps.append(("2026-09-30", ["cycle", "advance", record_id, "--review-date", "2026-12-10",
                                     "--agreed-with", "parent"]))
        for day, args in steps:
            result = run(*args, env=at(day))
            assert result.exit_code == 0, (args, result.stderr)
    return casebook


def test_add_provision_keeps_the_programme_and_group_size(costed):
    from sendcli.store.loading import load_yaml

    record = load_yaml((costed / "records" / "cd-17.yaml").read_bytes()).data
    phonics = record["cycles"][0]["plan"]["provision"][0]
    assert (phonics["group_size"], phonics.get("programme")) == (4, None)
    record = load_yaml((costed / "records" / "ab-16.yaml").read_bytes()).data
    assert record["cycles"][0]["plan"]["provision"][1]["programme"] == "Precision teaching"


@pytest.mark.parametrize("args, words", [
    (["--group-size", "0"], "--group-size"),
    (["--group-size", "two"], "--group-size"),
    (["--programme", "  "], "--programme"),
    (["--programme", "Talk\nBoost"], "--programme"),
])
def test_a_bad_programme_or_group_size_is_a_usage_error(costed, run, args, words):
    before = snapshot(costed)
    result = run("add", "provision", "ab-16", "--text", "Group", *args, env=at("2026-09-21"))
    assert result.exit_code == 2 and words in result.stderr
    assert snapshot(costed) == before


def test_provision_map_json_has_yearly_costs_and_children(costed, run):
    data = json.loads(run("provision-map", "--format", "json", env=at("2026-11-28")).stdout)
    rows = {(r["record"], r["text"]): r["yearly_cost"] for r in data["provision"]}
    assert rows == {("ab-16", "One-to-one support"): 2827.50, ("ab-16", "Specialist teaching"): 2964.00,
                    ("ab-16", "Speech therapy"): 925.35, ("cd-17", "Phonics group"): 141.38,
                    ("cd-17", "Reading ruler"): None}
    assert data["children"] == [
        {"record": "ab-16", "name": "Ann Example", "yearly_cost": 6716.85, "above_threshold": True, "uncosted": 0},
        {"record": "cd-17", "name": "Cal Example", "yearly_cost": 141.38, "above_threshold": False, "uncosted": 1}]
    assert data["total"]["yearly_cost"] == 6858.23
    assert (data["school_weeks"], data["notional_threshold"], data["staff_rates"]) == (
        39, 6000, {"TA": 14.5, "teacher": 38})


def test_provision_map_csv_has_yearly_costs_and_a_children_view(costed, run):
    rows = list(csv.DictReader(io.StringIO(run("provision-map", "--format", "csv", env=at("2026-11-28")).stdout)))
    assert {(r["record"], r["text"]): r["yearly_cost"] for r in rows}[("cd-17", "Phonics group")] == "141.38"
    assert {(r["record"], r["text"]): r["group_size"] for r in rows}[("cd-17", "Phonics group")] == "4"
    children = run("provision-map", "--children", "--format", "csv", env=at("2026-11-28")).stdout
    assert children == ("record,name,yearly_cost,above_threshold,uncosted\n"
                        "ab-16,Ann Example,6716.85,yes,0\ncd-17,Cal Example,141.38,no,1\n")
    redacted = run("provision-map", "--children", "--format", "csv", "--redact", env=at("2026-11-28")).stdout
    assert "Example" not in redacted and "ab-16,ab-16,6716.85,yes,0" in redacted


def test_provision_map_text_shows_each_child_against_the_threshold(costed, run):
    text = run("provision-map", env=at("2026-11-28")).stdout
    assert "by child (notional threshold 6000.00 a year)" in text
    lines = [line.split() for line in text.splitlines()]
    assert ["ab-16", "Ann", "Example", "6716.85", "yes", "0"] in lines
    assert ["cd-17", "Cal", "Example", "141.38", "no", "1"] in lines
    assert ["total", "5", "480", "180.00", "6858.23"] in lines
    assert "TA: £14.50 an hour; teacher: £38.00 an hour" in text and "39 school weeks" in text
    only = run("provision-map", "--children", env=at("2026-11-28")).stdout
    assert "Ann Example" in only and "One-to-one support" not in only


def test_provision_map_html_is_a_costed_map_to_attach_to_a_request(costed, run):
    html = run("provision-map", "--format", "html", env=at("2026-11-28")).stdout
    assert "<h1>Costed provision map</h1>" in html and "Test Academy (fictional)" in html
    assert "1 October 2026" not in html and "1 September 2026" in html and "28 November 2026" in html
    assert "£6,716.85" in html and "above the threshold" in html and "£6,000.00 a year" in html
    assert "£141.38" in html and "not costed" in html and "£6,858.23" in html
    assert "How costs were worked out" in html and "teacher: £38.00 an hour" in html
    assert "a group of 4" in html and "programme: Precision teaching" in html
    redacted = run("provision-map", "--format", "html", "--redact", env=at("2026-11-28")).stdout
    assert "Ann Example" not in redacted and "£6,716.85" in redacted


@pytest.mark.parametrize("setting, words", [
    ("staff_rates: {TA: -3}\n", "staff_rates"),
    ("staff_rates: {TA: lots}\n", "staff_rates"),
    ("staff_rates: [TA, 14.5]\n", "staff_rates"),
    ("school_weeks: 0\n", "school_weeks"),
    ("school_weeks: 39.5\n", "school_weeks"),
    ("notional_threshold: -1\n", "notional_threshold"),
])
def test_a_bad_cost_setting_is_an_error_with_its_line(casebook, run, setting, words):
    settings = casebook / "sendcli.yaml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(text + setting, encoding="utf-8")
    line = text.count("\n") + 1
    result = run("check")
    assert result.exit_code == 1
    assert f"sendcli.yaml:{line}" in result.stdout + result.stderr and words in result.stdout + result.stderr


@pytest.mark.parametrize("field, value, words", [
    ("group_size", "0", "group_size"),
    ("group_size", "2.5", "group_size"),
    ("programme", '"Talk\\nBoost"', "programme"),
])
def test_check_refuses_a_group_of_none_or_a_programme_of_two_lines(example_casebook, run, field, value, words):
    path = example_casebook / "records" / "ae-16.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    at_line = next(i for i, line in enumerate(lines) if line.strip() == "minutes_per_week: 40")
    lines.insert(at_line + 1, f"          {field}: {value}\n")
    path.write_text("".join(lines), encoding="utf-8")
    result = run("check", "records/ae-16.yaml")
    assert result.exit_code == 1
    assert f"records/ae-16.yaml:{at_line + 2}:" in result.stdout and words in result.stdout


def test_a_group_and_a_programme_pass_check(example_casebook, run):
    path = example_casebook / "records" / "ae-16.yaml"
    text = path.read_text(encoding="utf-8").replace(
        "          minutes_per_week: 40\n",
        "          minutes_per_week: 40\n          group_size: 3\n          programme: Speech sounds\n", 1)
    path.write_text(text, encoding="utf-8")
    assert run("check", "records/ae-16.yaml").exit_code == 0
