"""``check``'s EHC rules of the second edition, on inline records, and first-edition records as they are."""

import copy
from datetime import date

import pytest

from sendcli.store.checking import check_record_bytes
from sendcli.core.findings import ERROR, WARNING, dotted_path
from sendcli.core.rules import RuleContext, cross_field_findings
from sendcli.store.writing import dump_yaml

TODAY = date(2026, 11, 28)

PLAN = {
    "schema_version": 1, "id": "ke-12", "status": "ehc-plan",
    "child": {"name": "Kai Example", "date_of_birth": "2012-11-30", "setting": "school", "year_group": "9"},
    "needs": {"primary": "ASD", "secondary": []},
    "register": {"entered": "2020-09-10", "left": None},
    "views": [], "meetings": [], "cycles": [],
    "ehc": {"requested": "2024-07-12", "decision": {"date": "2024-08-16", "outcome": "assess"},
            "draft_plan": "2024-10-25", "final_plan": "2024-11-22", "reviews": [], "phase_transfer": None,
            "exceptions": []},
    "closed": None,
}


def findings(change):
    record = copy.deepcopy(PLAN)
    change(record)
    return [(dotted_path(f.pointer), f.severity, f.message) for f in
            cross_field_findings(record, RuleContext(today=TODAY, file_id="ke-12"))]


def test_an_existing_plan_is_a_plan_date():
    def existing(record):
        record["ehc"] = {"existing_plan": {"issued": "2025-02-03", "last_review": None}}
    assert findings(existing) == []

    def none(record):
        record["ehc"] = {"existing_plan": None}
    [(where, severity, message)] = findings(none)
    assert (where, severity) == ("status", WARNING) and "no plan date" in message and "ehc existing" in message


@pytest.mark.parametrize("field, value, where", [
    ("existing_plan", {"issued": "2026-12-01"}, "ehc.existing_plan.issued"),
    ("advice_given", "2026-12-01", "ehc.advice_given"),
    ("consultations", [{"date": "2026-12-01", "reply_by": "2026-12-15"}], "ehc.consultations[0].date"),
    ("ceased", {"date": "2026-12-01", "to": "sen-support"}, "ehc.ceased.date"),
])
def test_an_ehc_event_in_the_future_is_a_warning(field, value, where):
    def future(record):
        record["ehc"][field] = value
    assert (where, WARNING) in [(w, s) for w, s, _ in findings(future)]


def test_dates_planned_ahead_are_not_warned_about():
    def planned(record):
        record["ehc"]["planned_reviews"] = [{"meeting": "2027-01-20", "notice_sent": None}]
        record["ehc"]["consultations"] = [{"date": "2026-11-20", "reply_by": "2026-12-15", "replied": None}]
    assert findings(planned) == []


def test_a_final_plan_within_15_days_of_the_draft_is_a_warning():
    def quick(record):
        record["ehc"]["final_plan"] = "2024-11-08"
    [(where, severity, message)] = findings(quick)
    assert (where, severity) == ("ehc.final_plan", WARNING) and "14 days" in message and "Regs 13(1)" in message

    def fifteen(record):
        record["ehc"]["final_plan"] = "2024-11-09"
    assert findings(fifteen) == []


def test_applies_to_naming_other_kinds_is_ignored_with_a_warning():
    def first_edition(record):
        record["ehc"]["exceptions"] = [{"date": "2024-08-01", "reason": "absence-from-area",
                                        "applies_to": ["ehc-decision", "ehc-review-report"]}]
    [(where, severity, message)] = findings(first_edition)
    assert (where, severity) == ("ehc.exceptions[0].applies_to", WARNING) and "ehc-review-report" in message


@pytest.mark.parametrize("closure, severity", [
    ({"from": "2024-07-22", "to": "2024-09-02", "advice_requested": "2024-07-16"}, None),
    ({"from": "2024-07-22", "to": "2024-08-17", "advice_requested": "2024-07-20"}, ERROR),
    ({"from": "2024-07-22", "to": "2024-09-02", "advice_requested": "2024-08-28"}, ERROR),
    ({}, WARNING),  # a first-edition closure exception: its dates were never asked for
])
def test_a_closure_exception_is_checked_against_its_dates(closure, severity):
    def closed(record):
        record["ehc"]["exceptions"] = [{"date": "2024-07-20", "reason": "school-closure", **closure}]
    found = [s for w, s, _ in findings(closed) if w == "ehc.exceptions[0]"]
    assert found == ([severity] if severity else [])


def test_a_first_edition_record_still_passes_check():
    record = copy.deepcopy(PLAN)
    record["ehc"]["exceptions"] = [{"date": "2024-08-01", "reason": "school-closure", "note": "Summer",
                                    "applies_to": ["ehc-final-plan", "phase-transfer"]}]
    record["closed"] = None
    checked = check_record_bytes(dump_yaml(record).encode(), "records/ke-12.yaml", TODAY, "ke-12")
    assert not checked.has_errors, checked.problems
    assert checked.has_warnings


@pytest.mark.parametrize("field, value, where", [
    ("advice_requested", "2026-03-01", "ehc.advice_given"),
    ("existing_plan", {"issued": "2025-02-03", "last_review": "2025-01-03"}, "ehc.existing_plan.last_review"),
    ("consultations", [{"date": "2026-03-01", "reply_by": "2026-02-20", "replied": None}],
     "ehc.consultations[0].reply_by"),
])
def test_ehc_steps_out_of_order_in_a_file_are_errors(field, value, where):
    def out_of_order(record):
        record["ehc"]["advice_given"] = "2026-02-01"
        record["ehc"][field] = value
    assert (where, ERROR) in [(w, s) for w, s, _ in findings(out_of_order)]
