"""The cross-field and census rules, one at a time, on inline records."""

import copy
from datetime import date

import pytest

from sendcli.core.findings import ERROR, WARNING, dotted_path, json_pointer
from sendcli.core.rules import RuleContext, cross_field_findings, is_valid_record_id

TODAY = date(2026, 11, 28)

VALID = {
    "schema_version": 1, "id": "ae-16", "status": "sen-support",
    "child": {"name": "Ava Example", "date_of_birth": "2016-05-14", "setting": "school", "year_group": "5"},
    "needs": {"primary": "SLCN", "secondary": ["SEMH"]},
    "register": {"entered": "2024-09-12", "left": None},
    "views": [{"date": "2026-09-18", "from": "child", "text": "I like stories."}],
    "meetings": [{"date": "2026-09-20", "with": ["parent"], "text": "Planning"}],
    "cycles": [{
        "number": 1, "opened": "2026-09-10", "stage": "do",
        "history": [{"stage": "assess", "date": "2026-09-10"}, {"stage": "plan", "date": "2026-09-25"},
                    {"stage": "do", "date": "2026-09-30"}],
        "assess": {"evidence": [{"date": "2026-09-12", "source": "class-teacher", "text": "Obs."}]},
        "plan": {"agreed": "2026-09-30", "agreed_with": ["parent"], "review_date": "2026-12-10",
                 "outcomes": [{"id": "o1", "area": "communication-and-interaction", "text": "T", "criteria": "C"}],
                 "provision": [{"id": "p1", "kind": "small-group", "text": "Talk Boost", "outcomes": ["o1"]}]},
        "do": {"log": [{"date": "2026-10-14", "by": "TA", "text": "Good session"}]},
    }],
    "closed": None,
}


def findings_for(change=None, file_id="ae-16", today=TODAY):
    record = copy.deepcopy(VALID)
    if change:
        change(record)
    return [(dotted_path(f.pointer), f.rule, f.severity) for f in
            cross_field_findings(record, RuleContext(today=today, file_id=file_id))]


def test_valid_record_has_no_findings():
    assert findings_for() == []


def cycle(record):
    return record["cycles"][0]


@pytest.mark.parametrize("change, expected", [
    (lambda r: r.update(id="ava-x"), ("id", "id", ERROR)),
    (lambda r: r["needs"].update(primary="XYZ"), ("needs.primary", "census", ERROR)),
    (lambda r: r["needs"].update(primary=None), ("needs.primary", "census", ERROR)),
    (lambda r: r["needs"].update(secondary=["SLCN"]), ("needs.secondary[0]", "census", ERROR)),
    (lambda r: r["needs"].update(secondary=["SEMH", "SEMH"]), ("needs.secondary[1]", "census", ERROR)),
    (lambda r: r["needs"].update(secondary=["ZZZ"]), ("needs.secondary[0]", "census", ERROR)),
    (lambda r: r.update(status="ehc-plan", needs={"primary": "NSA"}), ("needs.primary", "census", ERROR)),
    (lambda r: r.update(status="ehc-plan", needs={"primary": "NSA"}, ehc={"final_plan": "2025-01-01"}),
     ("needs.primary", "census", ERROR)),
    (lambda r: cycle(r)["plan"]["outcomes"][0].update(area="maths"),
     ("cycles[0].plan.outcomes[0].area", "census", ERROR)),
    (lambda r: r.update(status="closed"), ("closed", "status", ERROR)),
    (lambda r: r.update(closed={"date": "2026-10-01", "reason": "moved"}), ("closed", "status", ERROR)),
    (lambda r: cycle(r).update(number=2), ("cycles[0].number", "cycles", ERROR)),
    (lambda r: cycle(r).update(stage="review"), ("cycles[0].stage", "cycles", ERROR)),
    (lambda r: cycle(r)["history"][0].update(date="2026-09-11"), ("cycles[0].history[0].date", "cycles", ERROR)),
    (lambda r: cycle(r)["history"][1].update(stage="do"), ("cycles[0].history[1].stage", "cycles", ERROR)),
    (lambda r: cycle(r)["plan"]["provision"][0].update(outcomes=["o9"]),
     ("cycles[0].plan.provision[0].outcomes[0]", "references", ERROR)),
    (lambda r: cycle(r)["plan"]["outcomes"].append({"id": "o1", "text": "again"}),
     ("cycles[0].plan.outcomes[1].id", "references", ERROR)),
    (lambda r: cycle(r)["plan"]["provision"].append({"id": "p1", "text": "again"}),
     ("cycles[0].plan.provision[1].id", "references", ERROR)),
    (lambda r: cycle(r).update(review={"date": "2026-12-10", "decision": "continue",
                                       "progress": [{"outcome": "o7", "rating": "achieved"}]}),
     ("cycles[0].review.progress[0].outcome", "references", ERROR)),
    (lambda r: r["child"].update(date_of_birth="2030-01-01"), ("child.date_of_birth", "dates", ERROR)),
    (lambda r: r["register"].update(left="2024-01-01"), ("register.left", "dates", ERROR)),
    (lambda r: cycle(r)["do"]["log"][0].update(date="2026-09-01"), ("cycles[0].do.log[0].date", "dates", ERROR)),
    (lambda r: cycle(r)["plan"].update(review_date="2026-09-30"), ("cycles[0].plan.review_date", "dates", ERROR)),
    (lambda r: cycle(r)["assess"]["evidence"][0].update(date="2026-09-09"),
     ("cycles[0].assess.evidence[0].date", "dates", ERROR)),
    (lambda r: r["views"][0].update(date="2015-01-01"), ("views[0].date", "dates", ERROR)),
    (lambda r: r["meetings"][0].update(date="2026-12-01"), ("meetings[0].date", "dates", WARNING)),
    (lambda r: r.update(ehc={"requested": "2026-05-01", "final_plan": "2026-04-01"}), ("ehc.final_plan", "dates", ERROR)),
    (lambda r: r.update(ehc={"requested": "2026-05-01", "decision": {"date": "2026-04-01", "outcome": "assess"}}),
     ("ehc.decision.date", "dates", ERROR)),
    (lambda r: r.update(status="ehc-plan", ehc={"requested": "2026-01-01"}), ("status", "census", WARNING)),
])
def test_each_rule_fires_where_it_should(change, expected):
    assert expected in findings_for(change)


@pytest.mark.parametrize("status, closed", [("monitoring", None), ("closed", {"date": "2026-10-01", "reason": "moved"})])
def test_nsa_stays_valid_after_a_child_leaves_sen_support(status, closed):
    def left(record):
        record.update(status=status, needs={"primary": "NSA", "secondary": []}, closed=closed)
        if status == "closed":
            cycle(record)["stage"] = "closed"
            cycle(record)["history"].append({"stage": "closed", "date": "2026-10-01"})
    assert not [f for f in findings_for(left) if f[1] == "census"]


def test_two_open_cycles_the_earlier_is_flagged():
    def two_open(record):
        second = copy.deepcopy(cycle(record))
        second["number"] = 2
        record["cycles"].append(second)
    found = findings_for(two_open)
    assert ("cycles[0].stage", "cycles", ERROR) in found


def test_every_problem_is_reported_not_just_the_first():
    def many(record):
        record["needs"]["primary"] = "XYZ"
        record["child"]["date_of_birth"] = "2030-01-01"
        cycle(record)["plan"]["provision"][0]["outcomes"] = ["o9"]
    rules = {rule for _, rule, _ in findings_for(many)}
    assert {"census", "dates", "references"} <= rules


def test_rules_tolerate_a_document_of_the_wrong_shape():
    # The schema reports these; the rules must not crash on them.
    odd = {"id": 5, "status": [], "child": "x", "needs": {"secondary": "SLCN"}, "cycles": {"a": 1},
           "ehc": ["x"], "register": None, "views": [1, None, "x"]}
    cross_field_findings(odd, RuleContext(today=TODAY, file_id="odd"))


@pytest.mark.parametrize("text, valid", [
    ("ava-b", True), ("0123", True), ("a" * 63, True), ("a" * 64, False), ("Ava", False), ("-ava", False),
    ("../ava", False), ("ava/b", False), ("ava.b", False), ("", False), ("ava b", False), ("ava\n", False),
])
def test_record_id_pattern(text, valid):
    assert is_valid_record_id(text) is valid


def test_pointers_render_as_json_pointer_and_dotted_path():
    pointer = ("cycles", 0, "plan", "a/b~c")
    assert json_pointer(pointer) == "/cycles/0/plan/a~1b~0c"
    assert dotted_path(pointer) == "cycles[0].plan.a/b~c"



from hypothesis import given, settings, strategies as st  # noqa: E402

_KEYS = st.sampled_from(
    ["id", "status", "child", "needs", "primary", "secondary", "cycles", "plan", "outcomes", "provision",
     "history", "stage", "date", "opened", "number", "ehc", "reviews", "register", "closed", "review",
     "progress", "outcome", "date_of_birth", "views", "meetings", "decision", "requested", "final_plan"])
_SCALARS = (st.none() | st.booleans() | st.integers() | st.text(max_size=12)
            | st.sampled_from(["2026-01-01", "2030-02-30", "closed", "assess", "SLCN", "NSA", "o1", "ehc-plan"]))
_DOCUMENTS = st.dictionaries(_KEYS, st.recursive(
    _SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_KEYS, inner, max_size=6),
    max_leaves=40), max_size=10)


@settings(max_examples=300, deadline=None)
@given(_DOCUMENTS)
def test_rules_never_raise_whatever_the_shape(document):
    for finding in cross_field_findings(document, RuleContext(today=TODAY, file_id="x")):
        assert finding.severity in (ERROR, WARNING)


# -- the dates three rules share, listed once per check ------------------------------------

def _records_with_dates_out_of_order() -> list[dict]:
    """Generated records, and copies with dates before the birth, in the future and implausible."""
    import importlib.util
    from pathlib import Path

    import yaml_rs

    repo = Path(__file__).resolve().parent.parent
    spec = importlib.util.spec_from_file_location("bench_generate", repo / "bench" / "generate.py")
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    # Dates as text, as the rules meet them in a checked record.
    records = [yaml_rs.loads(generate.make_record(i, 23, TODAY.toordinal()), parse_datetime=False) for i in range(40)]
    odd = []
    for index, record in enumerate(records[:20]):
        changed = copy.deepcopy(record)
        changed["child"]["date_of_birth"] = ["2027-01-01", "2026-06-01", "1800-01-01", "9999-12-31"][index % 4]
        for view in changed.get("views", [])[:1]:
            view["date"] = "2027-03-01" if index % 2 else "1850-01-01"
        odd.append(changed)
    return [*records, *odd, copy.deepcopy(VALID)]


def test_the_rules_find_the_same_with_the_dates_listed_once_as_each_alone():
    """Each rule run by itself (the dates listed afresh) finds what cross_field_findings finds."""
    from sendcli.core.rules import RULES

    records = _records_with_dates_out_of_order()
    found_any = False
    for record in records:
        context = RuleContext(today=TODAY, file_id=record["id"])
        alone = [finding for rule in RULES for finding in rule(record, context)]
        together = cross_field_findings(record, context)
        assert together == alone
        found_any = found_any or any(f.rule == "dates" for f in together)
    assert found_any


def test_the_recorded_events_are_listed_once_per_check_and_not_kept_after(monkeypatch):
    from sendcli.core import rules

    listed = []
    real = rules._recorded_events
    monkeypatch.setattr(rules, "_recorded_events", lambda record: listed.append(record["id"]) or real(record))
    first, second = copy.deepcopy(VALID), copy.deepcopy(VALID)
    second["id"] = "be-16"
    cross_field_findings(first, RuleContext(today=TODAY, file_id="ae-16"))
    cross_field_findings(second, RuleContext(today=TODAY, file_id="be-16"))
    assert listed == ["ae-16", "be-16"]
    assert rules._being_checked is None
    # Changed after its check, a record's dates are listed afresh: nothing was kept.
    second["views"][0]["date"] = "2027-01-01"
    assert any(f.rule == "dates" for f in cross_field_findings(second, RuleContext(today=TODAY, file_id="be-16")))


def test_nothing_is_kept_after_a_rule_fails(monkeypatch):
    from sendcli.core import rules

    def failing(record, context):
        raise KeyError("a rule tripped")

    monkeypatch.setattr(rules, "RULES", (rules.check_dates_are_plausible, failing))
    with pytest.raises(KeyError):
        cross_field_findings(copy.deepcopy(VALID), RuleContext(today=TODAY, file_id="ae-16"))
    assert rules._being_checked is None
