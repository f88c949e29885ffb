"""The provision map of a period: every provision running in it, whichever cycle holds it."""

import json
from datetime import date

import pytest

from sendcli.core.reports import provision_rows, running_span, school_year_start


def cycle(number, stage, moves, provision, **more):
    return {"number": number, "opened": moves[0][1], "stage": stage,
            "history": [{"stage": s, "date": d} for s, d in moves], "plan": {"provision": provision}, **more}


FIRST = cycle(1, "closed", [("assess", "2026-09-02"), ("plan", "2026-09-10"), ("do", "2026-09-14"),
                            ("review", "2026-12-01"), ("closed", "2026-12-01")],
              [{"id": "p1", "text": "Phonics", "minutes_per_week": 60},
               {"id": "p2", "text": "Grip", "minutes_per_week": 20, "ended": "2026-10-20"},
               {"id": "p3", "text": "Lunch club", "minutes_per_week": 30}])
SECOND = cycle(2, "do", [("do", "2026-12-01")],
               [{"id": "p1", "text": "Phonics", "minutes_per_week": 60, "carried_from": "1/p1"},
                {"id": "p2", "text": "Lunch club", "minutes_per_week": 30, "carried_from": "1/p3", "ended": "2027-02-01"}],
               from_cycle=1)
PLANNING = cycle(3, "plan", [("assess", "2026-10-01"), ("plan", "2026-10-05")], [{"id": "p1", "text": "Not yet"}])


def child(*cycles, record_id="rb-17"):
    return {"id": record_id, "child": {"name": "Rory Example"}, "cycles": list(cycles)}


def listed(records, start, end):
    return [(r.record, r.cycle, r.provision) for r in
            sorted(provision_rows(records, date.fromisoformat(start), date.fromisoformat(end)),
                   key=lambda r: (r.record, r.cycle, r.provision))]


def test_a_provision_runs_from_the_move_to_do_to_its_end_or_its_cycles_close():
    assert running_span(FIRST, FIRST["plan"]["provision"][0]) == (date(2026, 9, 14), date(2026, 12, 1))
    assert running_span(FIRST, FIRST["plan"]["provision"][1]) == (date(2026, 9, 14), date(2026, 10, 20))
    assert running_span(SECOND, SECOND["plan"]["provision"][0]) == (date(2026, 12, 1), None)
    assert running_span(PLANNING, PLANNING["plan"]["provision"][0]) is None


@pytest.mark.parametrize("start, end, expected", [
    # Before it began, and the day before the move to do.
    ("2026-09-01", "2026-09-13", []),
    # The first day it ran.
    ("2026-09-14", "2026-09-14", [(1, "p1"), (1, "p2"), (1, "p3")]),
    # After the grip provision ended (20 October) and before the review.
    ("2026-10-21", "2026-11-30", [(1, "p1"), (1, "p3")]),
    # The day it ended still counts.
    ("2026-10-20", "2026-10-20", [(1, "p1"), (1, "p2"), (1, "p3")]),
    # Across the review: carried provision counts once, as the later cycle holds it.
    ("2026-11-01", "2026-12-31", [(2, "p1"), (2, "p2")]),
    # The whole year.
    ("2026-09-01", "2027-07-31", [(1, "p2"), (2, "p1"), (2, "p2")]),
    # After the lunch club ended in cycle 2.
    ("2027-02-02", "2027-03-01", [(2, "p1")]),
])
def test_the_period_decides_what_is_listed(start, end, expected):
    rows = listed([child(FIRST, SECOND, PLANNING)], start, end)
    assert rows == [("rb-17", number, provision) for number, provision in expected]


def test_a_closed_record_counts_for_the_time_its_provision_ran():
    closed = {**child(FIRST, record_id="zz-15"), "status": "closed"}
    assert listed([closed], "2026-11-01", "2026-11-30") == [("zz-15", 1, "p1"), ("zz-15", 1, "p3")]
    assert listed([closed], "2026-12-02", "2026-12-31") == []


@pytest.mark.parametrize("today, start", [
    (date(2026, 11, 28), date(2026, 9, 1)), (date(2026, 9, 1), date(2026, 9, 1)),
    (date(2026, 8, 31), date(2025, 9, 1)), (date(2027, 1, 1), date(2026, 9, 1))])
def test_the_default_period_starts_on_1_september_of_the_school_year(today, start):
    assert school_year_start(today) == start


def test_provision_map_command_takes_a_period(example_casebook, run):
    default = json.loads(run("provision-map", "--format", "json").stdout)
    assert (default["as_of"], default["from"], default["to"]) == ("2026-11-28", "2026-09-01", "2026-11-28")
    # Every child with provision in the period has a yearly total; the example sets no staff rates, so
    # a provision without a cost (and without minutes) is left uncosted rather than counted as nothing.
    assert {c["record"] for c in default["children"]} == {row["record"] for row in default["provision"]}
    assert all(row["yearly_cost"] is None for row in default["provision"] if row["cost"] is None)
    assert list(default["provision"][0]) == ["record", "name", "cycle", "provision", "kind", "text", "staff",
                                             "frequency", "minutes_per_week", "cost", "local_offer", "yearly_cost",
                                             "programme", "group_size"]
    last_year = json.loads(run("provision-map", "--format", "json", "--from", "2025-09-01", "--to",
                               "2026-07-20").stdout)
    assert (last_year["from"], last_year["to"]) == ("2025-09-01", "2026-07-20")
    assert {row["record"] for row in last_year["provision"]} != {row["record"] for row in default["provision"]}
    only_to = json.loads(run("provision-map", "--format", "json", "--to", "2026-07-20").stdout)
    assert only_to["from"] == "2025-09-01"
    text = run("provision-map", "--from", "2026-10-01").stdout
    assert text.startswith("Provision running from 2026-10-01 to 2026-11-28\n")


@pytest.mark.parametrize("args, words", [
    (["--from", "2026-11-01", "--to", "2026-10-01"], "ends before it starts"),
    (["--from", "2026-13-01"], "not a real date"),
    (["--from", "2026-12-01"], "after today"),
])
def test_a_period_that_cannot_be_is_a_usage_error(example_casebook, run, args, words):
    result = run("provision-map", *args)
    assert result.exit_code == 2 and words in result.stderr and result.stdout == ""
