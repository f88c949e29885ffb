"""Deadline mends from the read-through: one duty shown once, and a start date named for what it is."""

from __future__ import annotations

from datetime import date

from sendcli.core.deadlines import DeadlineSettings, record_deadlines


def record(**more) -> dict:
    base = {"id": "ab-16", "status": "sen-support", "created": "2026-11-01",
            "child": {"name": "Alex Example", "date_of_birth": "2016-03-01", "setting": "school", "year_group": "5"},
            "needs": {"primary": "SPLD"}, "register": {"entered": "2024-09-10", "left": None}, "cycles": []}
    base.update(more)
    return base


def kinds(found, kind):
    return [item for item in found if item.kind == kind]


def test_two_plans_started_without_the_family_make_one_parents_informed_item():
    """CFA s.68: one contact with the family answers the duty, so it is shown once, from the earliest move."""
    cycles = [
        {"number": 1, "opened": "2026-09-01", "stage": "closed",
         "history": [{"stage": "assess", "date": "2026-09-01"},
                     {"stage": "do", "date": "2026-09-10", "without_family": "no reply"},
                     {"stage": "review", "date": "2026-11-20"},
                     {"stage": "closed", "date": "2026-11-20", "without_family": "did not come"}]},
        {"number": 2, "opened": "2026-11-20", "stage": "do", "from_cycle": 1,
         "history": [{"stage": "do", "date": "2026-11-20", "without_family": "did not come"}]},
    ]
    found = kinds(record_deadlines(record(cycles=cycles), DeadlineSettings()), "parents-informed")
    assert [(item.due, "1 later" in item.detail) for item in found] == [(date(2026, 9, 10), True)]
    met = record(cycles=cycles, meetings=[{"date": "2026-11-25", "with": ["parent"], "text": "Phone call"}])
    assert not kinds(record_deadlines(met, DeadlineSettings()), "parents-informed")


def test_the_parent_meeting_clock_names_the_day_the_record_arrived():
    found = kinds(record_deadlines(record(), DeadlineSettings()), "parent-meeting")
    assert len(found) == 1 and "made in this casebook on 1 November 2026" in found[0].detail
    joined = record(created="2024-09-10")
    found = kinds(record_deadlines(joined, DeadlineSettings()), "parent-meeting")
    assert "joining the register on 10 September 2024" in found[0].detail


def test_a_representative_counts_as_family_only_from_the_day_they_represent():
    """CoP 8.14-8.15: a deputy speaks for the young person from their 'since' date, not before."""
    young = record(child={"name": "Gus Example", "date_of_birth": "2008-03-01", "setting": "college",
                          "year_group": "13", "represented_by": {"role": "deputy", "since": "2026-10-01"}},
                   created="2024-09-10")
    before = {**young, "meetings": [{"date": "2026-09-15", "with": ["deputy"], "text": "Before the order"}]}
    after = {**young, "meetings": [{"date": "2026-10-15", "with": ["deputy"], "text": "After the order"}]}
    from sendcli.core.deadlines import family_contacts

    assert family_contacts(before) == []
    assert family_contacts(after) == [date(2026, 10, 15)]
