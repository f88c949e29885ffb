"""The continuity of the format (record.md, "Continuity"): from_cycle, carried_from, ended and
child.represented_by, checked by the schema and the rules on both the fast and the precise path."""

import copy
from datetime import date

import pytest

from sendcli.store.checking import check_record_bytes
from sendcli.store.writing import dump_yaml

TODAY = date(2026, 11, 28)

CYCLE_1 = {
    "number": 1, "opened": "2026-09-10", "stage": "closed",
    "history": [{"stage": "assess", "date": "2026-09-10"}, {"stage": "plan", "date": "2026-09-25"},
                {"stage": "do", "date": "2026-09-30"}, {"stage": "review", "date": "2026-11-20"},
                {"stage": "closed", "date": "2026-11-20"}],
    "plan": {"agreed": "2026-09-30", "agreed_with": ["parent"], "review_date": "2026-11-20",
             "outcomes": [{"id": "o1", "text": "Read", "criteria": "C"}, {"id": "o2", "text": "Write", "criteria": "C"}],
             "provision": [{"id": "p1", "text": "Phonics", "outcomes": ["o1"]},
                           {"id": "p2", "text": "Grip", "outcomes": ["o2"], "ended": "2026-11-20"}]},
    "review": {"date": "2026-11-20", "attendees": ["parent"], "decision": "continue",
               "progress": [{"outcome": "o1", "rating": "partly-achieved", "text": "Reads CVC words"},
                            {"outcome": "o2", "rating": "achieved"}],
               "next_steps": "Keep going"},
}
CYCLE_2 = {
    "number": 2, "opened": "2026-11-20", "stage": "do", "from_cycle": 1,
    "history": [{"stage": "do", "date": "2026-11-20", "note": "opened by the review of cycle 1 (continue)"}],
    "plan": {"agreed": "2026-11-20", "agreed_with": ["parent"], "review_date": "2027-02-20",
             "outcomes": [{"id": "o1", "text": "Read", "criteria": "C", "carried_from": "1/o1"}],
             "provision": [{"id": "p1", "text": "Phonics", "outcomes": ["o1"], "carried_from": "1/p1"}]},
}
RECORD = {
    "schema_version": 1, "id": "rb-17", "status": "sen-support",
    "child": {"name": "Rory Example", "date_of_birth": "2017-03-02", "setting": "school", "year_group": "4"},
    "needs": {"primary": "SPLD"}, "register": {"entered": "2025-09-10", "left": None},
    "cycles": [CYCLE_1, CYCLE_2], "closed": None,
}


def problems(change=None, fast=True):
    record = copy.deepcopy(RECORD)
    if change:
        change(record)
    checked = check_record_bytes(dump_yaml(record).encode(), "records/rb-17.yaml", TODAY, "rb-17", fast=fast)
    return [(p.field, p.severity, p.message) for p in checked.problems]


@pytest.mark.parametrize("fast", [True, False])
def test_a_continued_record_is_valid(fast):
    assert problems(fast=fast) == []


def set_in(path, value):
    def change(record):
        node = record
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
    return change


@pytest.mark.parametrize("path, value", [
    (("cycles", 1, "plan", "outcomes", 0, "carried_from"), 1),  # as the first edition wrote it
    (("child", "represented_by"), None),
    (("child", "represented_by"), {"role": "carer", "since": "2026-01-05", "note": "Lasting power of attorney"}),
    (("child", "represented_by"), {"role": "deputy", "since": "2026-01-05"}),
    (("child", "represented_by"), {"role": "parent"}),  # no since: it counts from the start
])
def test_what_the_first_edition_wrote_and_the_new_fields_are_valid(path, value):
    assert problems(set_in(path, value)) == [] and problems(set_in(path, value), fast=False) == []


@pytest.mark.parametrize("path, value, words", [
    (("cycles", 1, "plan", "outcomes", 0, "carried_from"), "1/o9", "cycle 1 has no outcome 'o9'"),
    (("cycles", 1, "plan", "outcomes", 0, "carried_from"), "2/o1", "does not name an earlier cycle"),
    (("cycles", 1, "plan", "outcomes", 0, "carried_from"), "7/o1", "does not name an earlier cycle"),
    (("cycles", 1, "plan", "outcomes", 0, "carried_from"), 2, "not an earlier cycle"),
    (("cycles", 1, "plan", "outcomes", 0, "carried_from"), "o1", "the cycle and the outcome's ID, like 2/o1"),
    (("cycles", 1, "plan", "provision", 0, "carried_from"), "1/o1", "cycle 1 has no provision 'o1'"),
    (("cycles", 1, "plan", "provision", 0, "carried_from"), 1, "read as a whole number"),
    (("cycles", 1, "from_cycle"), 2, "from_cycle 2 is not an earlier cycle"),
    (("cycles", 0, "plan", "provision", 1, "ended"), "2026-09-01", "before the day the cycle opened"),
    (("cycles", 0, "plan", "provision", 1, "ended"), "2026-02-30", "not a valid date"),
    (("child", "represented_by"), {"role": "friend", "since": "2026-01-05"}, "friend"),
    (("child", "represented_by"), {"since": "2026-01-05"}, "the required field 'role' is missing"),
])
def test_continuity_that_does_not_hold_is_an_error(path, value, words):
    for fast in (True, False):
        found = problems(set_in(path, value), fast=fast)
        assert any(severity == "error" and words in message for _, severity, message in found), found


def test_only_a_cycle_opened_by_a_review_may_start_past_assess():
    def without_origin(record):
        del record["cycles"][1]["from_cycle"]
    assert any("starts with stage assess" in message for _, _, message in problems(without_origin))

    def from_review(record):
        record["cycles"][1]["history"][0]["stage"] = "review"
    assert any("starts in stage do (continue) or plan (revise)" in m for _, _, m in problems(from_review))


def test_an_ended_date_in_the_future_is_a_warning():
    found = problems(set_in(("cycles", 0, "plan", "provision", 1, "ended"), "2026-12-01"))
    assert [(field, severity) for field, severity, _ in found if "future" in _] == [
        ("cycles[0].plan.provision[1].ended", "warning")]
