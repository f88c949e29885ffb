"""The cycle's gates (rules.md), each requirement refused and then met, on inline records."""

import copy
from datetime import date

import pytest

from sendcli.core import workflow
from sendcli.core.workflow import Change, Edit, Refusal

TODAY = date(2026, 11, 28)
OPENED = "2026-09-10"


def record(**changes):
    base = {
        "schema_version": 1, "id": "ae-16", "status": "sen-support",
        "child": {"name": "Ava Example", "date_of_birth": "2016-05-14", "setting": "school"},
        "needs": {"primary": "SLCN", "secondary": []},
        "register": {"entered": "2024-09-12", "left": None},
        "views": [], "meetings": [], "cycles": [], "closed": None,
    }
    base.update(changes)
    return base


def cycle_in(stage, **parts):
    history = [{"stage": "assess", "date": OPENED}]
    for name, day in (("plan", "2026-09-20"), ("do", "2026-09-30"), ("review", "2026-11-20")):
        if workflow.codes.STAGES.index(stage) >= workflow.codes.STAGES.index(name):
            history.append({"stage": name, "date": day})
    return {"number": 1, "opened": OPENED, "stage": stage, "history": history, **parts}


def apply(data, change):
    """Apply a Change to plain data, as the edge applies it to the file."""
    data = copy.deepcopy(data)
    for edit in change.edits:
        node = data
        for key in edit.path[:-1]:
            if isinstance(node, dict) and node.get(key) is None:
                node[key] = {}
            node = node[key]
        if edit.append:
            node.setdefault(edit.path[-1], []).append(edit.value) if isinstance(node, dict) else None
        else:
            node[edit.path[-1]] = edit.value
    return data


def reasons(outcome):
    assert isinstance(outcome, Refusal), outcome
    return "\n".join(outcome.reasons)


# -- cycle open ----------------------------------------------------------------------

def test_open_starts_a_cycle_in_assess_with_its_history():
    change = workflow.open_cycle(record(), date(2026, 9, 10), TODAY)
    assert isinstance(change, Change)
    cycle = apply(record(), change)["cycles"][0]
    assert cycle == {"number": 1, "opened": date(2026, 9, 10), "stage": "assess",
                     "history": [{"stage": "assess", "date": date(2026, 9, 10)}]}


def test_open_refused_while_a_cycle_is_open_or_the_record_is_closed():
    assert "still open" in reasons(workflow.open_cycle(record(cycles=[cycle_in("do")]), TODAY, TODAY))
    closed = record(status="closed", closed={"date": "2026-10-01", "reason": "moved"})
    assert "record is closed" in reasons(workflow.open_cycle(closed, TODAY, TODAY))


def test_open_refuses_future_dates_and_dates_before_the_previous_cycle_ended():
    assert "in the future" in reasons(workflow.open_cycle(record(), date(2026, 12, 1), TODAY))
    previous = cycle_in("closed")
    assert "before the previous cycle ended" in reasons(
        workflow.open_cycle(record(cycles=[previous]), date(2026, 11, 1), TODAY))


def test_open_on_monitoring_record_puts_the_child_on_sen_support():
    monitoring = record(status="monitoring", register={"entered": "2024-09-12", "left": "2026-03-20"})
    data = apply(monitoring, workflow.open_cycle(monitoring, TODAY, TODAY))
    assert data["status"] == "sen-support"
    assert data["register"] == {"entered": "2024-09-12", "left": None}  # rules.md: entered set only if empty
    never = record(status="monitoring", register={"entered": None, "left": None})
    assert apply(never, workflow.open_cycle(never, TODAY, TODAY))["register"]["entered"] == TODAY


def test_carry_forward_copies_outcomes_not_achieved():
    previous = cycle_in("closed", plan={"outcomes": [
        {"id": "o1", "area": "cognition-and-learning", "text": "Read", "criteria": "C1"},
        {"id": "o2", "text": "Write", "criteria": "C2"},
        {"id": "o3", "text": "Count"}]},
        review={"date": "2026-11-20", "decision": "continue", "progress": [
            {"outcome": "o1", "rating": "partly-achieved"}, {"outcome": "o2", "rating": "achieved"},
            {"outcome": "o3", "rating": "not-achieved"}]})
    data = apply(record(cycles=[previous]), workflow.open_cycle(record(cycles=[previous]), TODAY, TODAY, True))
    assert data["cycles"][1]["plan"]["outcomes"] == [
        {"id": "o1", "area": "cognition-and-learning", "text": "Read", "criteria": "C1", "carried_from": "1/o1"},
        {"id": "o2", "text": "Count", "carried_from": "1/o3"}]
    assert "earlier cycle" in reasons(workflow.open_cycle(record(), TODAY, TODAY, True))


# -- assess -> plan --------------------------------------------------------------------

EVIDENCE = {"evidence": [{"date": "2026-09-12", "source": "class-teacher", "text": "Obs"}]}
CHILD_VIEW = {"date": "2026-09-15", "from": "child", "text": "I like dogs"}
PARENT_VIEW = {"date": "2026-09-16", "from": "parent", "text": "Anxious"}


@pytest.mark.parametrize("missing, words", [
    ("evidence", "no evidence"), ("child", "child's own"), ("parent", "parent or carer")])
def test_assess_to_plan_needs_evidence_and_the_views_of_child_and_parent(missing, words):
    views = [v for v, name in ((CHILD_VIEW, "child"), (PARENT_VIEW, "parent")) if name != missing]
    cycle = cycle_in("assess", assess={} if missing == "evidence" else EVIDENCE)
    refused = workflow.advance_cycle(record(views=views, cycles=[cycle]), TODAY, TODAY)
    assert words in reasons(refused) and len(refused.reasons) == 1
    met = record(views=[CHILD_VIEW, PARENT_VIEW], cycles=[cycle_in("assess", assess=EVIDENCE)])
    assert isinstance(workflow.advance_cycle(met, TODAY, TODAY), Change)


def test_views_from_before_the_cycle_opened_do_not_count():
    old = [{**CHILD_VIEW, "date": "2026-09-01"}, {**PARENT_VIEW, "date": "2026-09-09"}]
    refused = workflow.advance_cycle(record(views=old, cycles=[cycle_in("assess", assess=EVIDENCE)]), TODAY, TODAY)
    assert len(refused.reasons) == 2


def test_every_unmet_requirement_is_listed_at_once():
    refused = workflow.advance_cycle(record(cycles=[cycle_in("assess")]), TODAY, TODAY)
    assert len(refused.reasons) == 3


def test_a_young_persons_own_view_replaces_the_parents():
    # Born 2010-08-31: a young person from 26 June 2026, before the 16th birthday.
    young = {"name": "Leo", "date_of_birth": "2010-08-31", "setting": "college"}
    own_view = {"date": "2026-09-15", "from": "young-person", "text": "I want to drive"}
    data = record(child=young, views=[own_view], cycles=[cycle_in("assess", assess=EVIDENCE)])
    assert isinstance(workflow.advance_cycle(data, TODAY, TODAY), Change)
    # An autumn-born 16-year-old is still a child until June: the parent's view is needed.
    child = {"name": "Mo", "date_of_birth": "2010-09-01", "setting": "school"}
    data = record(child=child, views=[{**own_view, "from": "child"}], cycles=[cycle_in("assess", assess=EVIDENCE)])
    assert "parent or carer" in reasons(workflow.advance_cycle(data, TODAY, TODAY))


# -- plan -> do --------------------------------------------------------------------------

GOOD_PLAN = {"outcomes": [{"id": "o1", "text": "Say /g/", "criteria": "4 of 5"}],
             "provision": [{"id": "p1", "text": "Talk Boost", "outcomes": ["o1"]}]}


def plan_to_do(plan, review_date=date(2027, 2, 10), agreed=("parent",), child=None):
    data = record(cycles=[cycle_in("plan", plan=plan)], **({"child": child} if child else {}))
    return workflow.advance_cycle(data, TODAY, TODAY, review_date, agreed)


@pytest.mark.parametrize("plan, kwargs, words", [
    ({**GOOD_PLAN, "outcomes": []}, {}, "no outcomes"),
    ({**GOOD_PLAN, "outcomes": [{"id": "o1", "text": "Say /g/"}]}, {}, "no success criteria"),
    ({**GOOD_PLAN, "provision": []}, {}, "no provision"),
    ({**GOOD_PLAN, "provision": [{"id": "p1", "text": "TB"}]}, {}, "not tied to an outcome"),
    (GOOD_PLAN, {"review_date": None}, "no date for review"),
    (GOOD_PLAN, {"review_date": TODAY}, "must come after"),
    (GOOD_PLAN, {"agreed": ("class-teacher", "senco")}, "not agreed with a parent or carer"),
])
def test_plan_to_do_gate(plan, kwargs, words):
    assert words in reasons(plan_to_do(plan, **kwargs))


def test_plan_to_do_records_agreement_and_review_date():
    data = apply(record(cycles=[cycle_in("plan", plan=GOOD_PLAN)]), plan_to_do(GOOD_PLAN, agreed=("parent", "child")))
    plan = data["cycles"][0]["plan"]
    assert (plan["agreed"], plan["agreed_with"], plan["review_date"]) == (TODAY, ["parent", "child"], date(2027, 2, 10))
    assert data["cycles"][0]["stage"] == "do" and data["cycles"][0]["history"][-1] == {"stage": "do", "date": TODAY}


def test_a_young_person_agrees_their_own_plan():
    young = {"name": "Leo", "date_of_birth": "2009-10-03", "setting": "college"}
    assert "not agreed with the young person" in reasons(plan_to_do(GOOD_PLAN, agreed=("parent",), child=young))
    assert isinstance(plan_to_do(GOOD_PLAN, agreed=("young-person",), child=young), Change)


# -- do -> review, review ---------------------------------------------------------------------

def test_do_to_review_is_always_allowed_but_warns_when_early():
    plan = {**GOOD_PLAN, "agreed": "2026-09-30", "review_date": "2026-12-10"}
    change = workflow.advance_cycle(record(cycles=[cycle_in("do", plan=plan)]), TODAY, TODAY)
    assert isinstance(change, Change) and "still ahead" in change.warnings[0]


def reviewable(**kwargs):
    plan = {**GOOD_PLAN, "outcomes": [{"id": "o1", "text": "A", "criteria": "C"}, {"id": "o2", "text": "B", "criteria": "C"}]}
    return record(cycles=[cycle_in("review", plan=plan)], **kwargs)


def test_review_needs_a_rating_for_every_outcome_and_the_family():
    refused = workflow.review_cycle(reviewable(), TODAY, TODAY, "continue", {"o1": "achieved", "o9": "achieved"})
    text = reasons(refused)
    assert "outcome o2 has no rating" in text and "'o9' is not an outcome" in text and "took no part" in text
    change = workflow.review_cycle(reviewable(), TODAY, TODAY, "continue",
                                   {"o1": "achieved", "o2": "not-achieved"}, ("parent", "child"),
                                   next_review=date(2027, 3, 1))
    cycle = apply(reviewable(), change)["cycles"][0]
    assert cycle["stage"] == "closed" and cycle["review"]["decision"] == "continue"
    assert [p["rating"] for p in cycle["review"]["progress"]] == ["achieved", "not-achieved"]


def test_a_family_view_since_the_review_began_counts_as_taking_part():
    view = {"date": "2026-11-21", "from": "carer", "text": "Happy"}
    change = workflow.review_cycle(reviewable(views=[view]), TODAY, TODAY, "revise",
                                   {"o1": "achieved", "o2": "achieved"})
    assert isinstance(change, Change)
    early = {**view, "date": "2026-11-19"}
    assert "took no part" in reasons(workflow.review_cycle(
        reviewable(views=[early]), TODAY, TODAY, "revise", {"o1": "achieved", "o2": "achieved"}))


def test_review_only_in_stage_do_or_review():
    assert "only in stage do or review" in reasons(workflow.review_cycle(
        record(cycles=[cycle_in("plan", plan=GOOD_PLAN)]), TODAY, TODAY, "revise", {"o1": "achieved"}, ("parent",)))


def test_exit_takes_the_child_off_sen_support():
    change = workflow.review_cycle(reviewable(), TODAY, TODAY, "exit", {"o1": "achieved", "o2": "achieved"},
                                   ("parent",))
    data = apply(reviewable(), change)
    assert data["status"] == "monitoring" and data["register"]["left"] == TODAY


# -- close, add ---------------------------------------------------------------------------------

def test_close_closes_the_open_cycle_with_a_note():
    data = apply(record(cycles=[cycle_in("do")]), workflow.close_record(record(cycles=[cycle_in("do")]), TODAY,
                                                                        TODAY, "moved-school"))
    assert data["status"] == "closed"
    assert data["closed"] == {"date": TODAY, "reason": "moved-school", "transferred": None}
    assert data["cycles"][0]["history"][-1] == {"stage": "closed", "date": TODAY,
                                                "note": "record closed: moved-school"}
    assert "already closed" in reasons(workflow.close_record({**data, "status": "closed"}, TODAY, TODAY, "other"))


def test_outcomes_and_provision_only_while_planning_with_fresh_ids():
    planning = record(cycles=[cycle_in("plan", plan=GOOD_PLAN)])
    assert workflow.add_outcome(planning, "New").created_id == "o2"
    assert workflow.add_provision(planning, "More", outcomes=("o1",)).created_id == "p2"
    assert "'o7' is not an outcome" in reasons(workflow.add_provision(planning, "More", outcomes=("o7",)))
    doing = record(cycles=[cycle_in("do", plan=GOOD_PLAN)])
    assert "only through 'sendcli edit'" in reasons(workflow.add_outcome(doing, "Late"))
    assert "no open cycle" in reasons(workflow.add_outcome(record(), "None"))


def test_notes_only_once_the_plan_runs_and_never_before_the_cycle():
    assert "stage do or review" in reasons(workflow.add_note(record(cycles=[cycle_in("plan")]), TODAY, TODAY, "n"))
    doing = record(cycles=[cycle_in("do")])
    assert isinstance(workflow.add_note(doing, TODAY, TODAY, "n"), Change)
    assert "before cycle 1 opened" in reasons(workflow.add_note(doing, date(2026, 9, 1), TODAY, "n"))
    assert "before cycle 1 opened" in reasons(workflow.add_evidence(doing, date(2026, 9, 1), TODAY, "TA", "e"))


def test_views_and_meetings_are_dated_and_never_in_the_future():
    change = workflow.add_meeting(record(), TODAY, TODAY, ("parent", "parent"), "Chat")
    assert change.edits == [Edit(("meetings",), {"date": TODAY, "with": ["parent"], "text": "Chat"}, append=True)]
    assert "in the future" in reasons(workflow.add_view(record(), date(2026, 12, 1), TODAY, "child", "Hi"))


def test_exit_is_refused_for_an_ehc_plan():
    data = reviewable(status="ehc-plan", ehc={"final_plan": "2025-01-01"})
    refused = workflow.review_cycle(data, TODAY, TODAY, "exit", {"o1": "achieved", "o2": "achieved"}, ("parent",))
    assert "local authority ceases it" in reasons(refused)


def test_a_backdated_step_does_not_count_what_came_later():
    late = [{**CHILD_VIEW, "date": "2026-11-20"}, {**PARENT_VIEW, "date": "2026-11-20"}]
    cycle = cycle_in("assess", assess={"evidence": [{"date": "2026-11-20", "source": "TA", "text": "x"}]})
    refused = workflow.advance_cycle(record(views=late, cycles=[cycle]), date(2026, 10, 5), TODAY)
    assert len(refused.reasons) == 3
    assert isinstance(workflow.advance_cycle(record(views=late, cycles=[cycle]), date(2026, 11, 21), TODAY), Change)


def test_review_date_and_agreement_belong_to_plan_to_do():
    doing = record(cycles=[cycle_in("do", plan=GOOD_PLAN)])
    assert "belong to the move plan" in reasons(workflow.advance_cycle(doing, TODAY, TODAY, date(2027, 1, 15)))


def test_new_roles_are_appended_and_an_unchanged_review_date_is_left_alone():
    plan = {**GOOD_PLAN, "agreed_with": ["parent"], "review_date": "2027-02-10"}
    change = workflow.advance_cycle(record(cycles=[cycle_in("plan", plan=plan)]), TODAY, TODAY, None,
                                    ("parent", "child"))
    paths = [(e.path[-1], e.value, e.append) for e in change.edits]
    assert ("agreed_with", "child", True) in paths and ("agreed_with", "parent", True) not in paths
    assert not any(p[0] == "review_date" for p in paths)


def test_a_review_cannot_be_dated_before_the_cycle_entered_review():
    refused = workflow.review_cycle(reviewable(), date(2026, 11, 19), TODAY, "continue",
                                    {"o1": "achieved", "o2": "achieved"}, ("parent",))
    assert "before the cycle entered review" in reasons(refused)


# -- one meeting, one command; the review's decision opens the next cycle ------------------------

RUNNING_PLAN = {"agreed": "2026-09-30", "agreed_with": ["parent", "child"], "review_date": "2026-11-25",
                "outcomes": [{"id": "o1", "area": "cognition-and-learning", "text": "Read", "criteria": "C1"},
                             {"id": "o2", "text": "Write", "criteria": "C2"},
                             {"id": "o3", "text": "Count", "criteria": "C3"}],
                "provision": [{"id": "p1", "kind": "small-group", "text": "Phonics", "minutes_per_week": 60,
                               "staff": "TA", "outcomes": ["o1", "o2"], "local_offer": "talk-boost"},
                              {"id": "p2", "text": "Maths club", "outcomes": ["o3"]},
                              {"id": "p3", "text": "Pencil grip", "outcomes": ["o2"]}]}
RATED = {"o1": "partly-achieved", "o2": "not-achieved", "o3": "achieved"}


def running(**kwargs):
    return record(cycles=[cycle_in("do", plan=copy.deepcopy(RUNNING_PLAN))], **kwargs)


def test_a_review_from_do_moves_through_review_in_the_same_step():
    change = workflow.review_cycle(running(), TODAY, TODAY, "exit", RATED, ("parent",))
    cycle = apply(running(), change)["cycles"][0]
    assert [h["stage"] for h in cycle["history"]][-2:] == ["review", "closed"]
    assert cycle["history"][-2:] == [{"stage": "review", "date": TODAY}, {"stage": "closed", "date": TODAY}]
    early = workflow.review_cycle(running(), date(2026, 11, 20), TODAY, "exit", RATED, ("parent",))
    assert "still ahead" in early.warnings[0]
    assert "before the cycle's last move" in reasons(
        workflow.review_cycle(running(), date(2026, 9, 29), TODAY, "exit", RATED, ("parent",)))


def test_comments_and_next_steps_are_kept_with_the_review():
    change = workflow.review_cycle(running(), TODAY, TODAY, "exit", RATED, ("parent",),
                                   comments={"o2": "Writes a sentence with help"}, next_steps="Keep the grip")
    review = apply(running(), change)["cycles"][0]["review"]
    assert review["progress"][1] == {"outcome": "o2", "rating": "not-achieved", "text": "Writes a sentence with help"}
    assert "text" not in review["progress"][0] and review["next_steps"] == "Keep the grip"
    assert "--comment: 'o9' is not an outcome" in reasons(
        workflow.review_cycle(running(), TODAY, TODAY, "exit", RATED, ("parent",), comments={"o9": "x"}))


def test_continue_opens_the_next_cycle_in_do_with_the_carry_over():
    change = workflow.review_cycle(running(), TODAY, TODAY, "continue", RATED, ("parent", "child"),
                                   ended=("p3",), next_review=date(2027, 3, 18))
    assert isinstance(change, Change)
    data = apply(running(), change)
    first, second = data["cycles"]
    assert first["stage"] == "closed" and first["plan"]["provision"][2]["ended"] == TODAY
    assert "ended" not in first["plan"]["provision"][0]
    assert second["number"] == 2 and second["from_cycle"] == 1 and second["opened"] == TODAY
    assert second["stage"] == "do"
    assert second["history"] == [{"stage": "do", "date": TODAY, "note": "opened by the review of cycle 1 (continue)"}]
    plan = second["plan"]
    assert (plan["agreed"], plan["agreed_with"], plan["review_date"]) == (TODAY, ["parent", "child"],
                                                                          date(2027, 3, 18))
    # Outcomes not achieved, as whole copies with new IDs; o3 was achieved.
    assert plan["outcomes"] == [
        {"id": "o1", "area": "cognition-and-learning", "text": "Read", "criteria": "C1", "carried_from": "1/o1"},
        {"id": "o2", "text": "Write", "criteria": "C2", "carried_from": "1/o2"}]
    # Provision not ended goes on, tied to the carried outcomes' new IDs; p2 served only o3 (achieved).
    assert plan["provision"] == [
        {"id": "p1", "kind": "small-group", "text": "Phonics", "minutes_per_week": 60, "staff": "TA",
         "outcomes": ["o1", "o2"], "local_offer": "talk-boost", "carried_from": "1/p1"},
        {"id": "p2", "text": "Maths club", "carried_from": "1/p2"}]
    assert any("p2 served only outcomes now achieved" in warning for warning in change.warnings)
    assert "cycle 2 opened in do with 2 outcomes and 2 provision carried over" in change.summary


def test_carried_items_keep_every_field_and_a_carried_item_is_carried_again():
    plan = copy.deepcopy(RUNNING_PLAN)
    plan["outcomes"][0].update({"measure": "reading age", "carried_from": 1})
    data = record(cycles=[cycle_in("do", plan=plan)])
    second = apply(data, workflow.review_cycle(data, TODAY, TODAY, "continue", RATED, ("parent",),
                                               next_review=date(2027, 3, 18)))["cycles"][1]
    assert second["plan"]["outcomes"][0] == {"id": "o1", "area": "cognition-and-learning", "text": "Read",
                                             "criteria": "C1", "measure": "reading age", "carried_from": "1/o1"}


def test_continue_needs_a_next_review_after_the_review():
    text = reasons(workflow.review_cycle(running(), TODAY, TODAY, "continue", RATED, ("parent",)))
    assert "--next-review DATE" in text
    assert "must come after this review" in reasons(workflow.review_cycle(
        running(), TODAY, TODAY, "continue", RATED, ("parent",), next_review=TODAY))
    assert "not to exit" in reasons(workflow.review_cycle(
        running(), TODAY, TODAY, "exit", RATED, ("parent",), next_review=date(2027, 3, 1)))
    achieved = dict.fromkeys(RATED, "achieved")
    assert "choose --decision revise" in reasons(workflow.review_cycle(
        running(), TODAY, TODAY, "continue", achieved, ("parent",), next_review=date(2027, 3, 1)))


def test_revise_opens_the_next_cycle_in_plan_to_be_agreed_again():
    data = apply(running(), workflow.review_cycle(running(), TODAY, TODAY, "revise", RATED, ("parent",)))
    second = data["cycles"][1]
    assert second["stage"] == "plan" and second["history"][0]["stage"] == "plan"
    assert "agreed" not in second["plan"] and "review_date" not in second["plan"]
    assert [o["carried_from"] for o in second["plan"]["outcomes"]] == ["1/o1", "1/o2"]
    # Outcomes and provision can be added and changed again: it is being planned.
    assert workflow.add_outcome(data, "New").created_id == "o3"
    agreed = workflow.advance_cycle(data, TODAY, TODAY, date(2027, 3, 1), ("parent",))
    assert "provision p2 is not tied to an outcome" in reasons(agreed)


def test_request_ehc_assessment_goes_on_like_continue():
    data = apply(running(), workflow.review_cycle(running(), TODAY, TODAY, "request-ehc-assessment", RATED,
                                                  ("parent",), next_review=date(2027, 3, 18)))
    assert data["cycles"][0]["review"]["decision"] == "request-ehc-assessment"
    assert data["cycles"][1]["stage"] == "do" and data["status"] == "sen-support"


def test_end_names_provision_of_the_cycle_not_yet_ended():
    assert "--end: 'p9' is not provision of cycle 1" in reasons(
        workflow.review_cycle(running(), TODAY, TODAY, "exit", RATED, ("parent",), ended=("p9",)))
    plan = copy.deepcopy(RUNNING_PLAN)
    plan["provision"][0]["ended"] = "2026-10-01"
    data = record(cycles=[cycle_in("do", plan=plan)])
    assert "already ended on 2026-10-01" in reasons(
        workflow.review_cycle(data, TODAY, TODAY, "exit", RATED, ("parent",), ended=("p1",)))
    # Provision ended earlier is not carried over either.
    second = apply(data, workflow.review_cycle(data, TODAY, TODAY, "continue", RATED, ("parent",),
                                               next_review=date(2027, 3, 1)))["cycles"][1]
    assert [p["carried_from"] for p in second["plan"]["provision"]] == ["1/p2", "1/p3"]


# -- family gates: a should of the Code, passed with a reason -----------------------------------

def test_without_family_passes_the_parents_view_but_not_the_childs():
    child_only = [{"date": "2026-09-15", "from": "child", "text": "I like dogs"}]
    refused = workflow.advance_cycle(record(cycles=[cycle_in("assess", assess=EVIDENCE)]), TODAY, TODAY)
    text = reasons(refused)
    assert 'parent or carer since the cycle opened on 2026-09-10 (CoP 6.45): sendcli add view ae-16 --from ' \
           'parent --text ...; or, where the family cannot be reached: --without-family "REASON"' in text
    assert "child's own perspective" in text and text.count("--without-family") == 1
    still = workflow.advance_cycle(record(cycles=[cycle_in("assess", assess=EVIDENCE)]), TODAY, TODAY,
                                   without_family="no reply to three letters")
    assert "child's own perspective" in reasons(still) and "parent or carer" not in reasons(still)
    data = record(views=child_only, cycles=[cycle_in("assess", assess=EVIDENCE)])
    change = workflow.advance_cycle(data, TODAY, TODAY, without_family="no reply to three letters")
    assert apply(data, change)["cycles"][0]["history"][-1] == {
        "stage": "plan", "date": TODAY, "without_family": "no reply to three letters"}
    assert "without the family (no reply to three letters)" in change.warnings[0]
    assert "CFA s.68; CoP 6.43" in change.warnings[0]


def test_without_family_passes_the_agreement_of_the_plan_and_nothing_else():
    change = plan_to_do(GOOD_PLAN, agreed=("child",))
    assert "--without-family" in reasons(change)
    data = record(cycles=[cycle_in("plan", plan=GOOD_PLAN)])
    passed = workflow.advance_cycle(data, TODAY, TODAY, date(2027, 2, 10), ("child",), "moved away, no contact")
    entry = apply(data, passed)["cycles"][0]["history"][-1]
    assert entry == {"stage": "do", "date": TODAY, "without_family": "moved away, no contact"}
    no_review = workflow.advance_cycle(data, TODAY, TODAY, None, ("child",), "moved away, no contact")
    assert "no date for review" in reasons(no_review) and "not agreed" not in reasons(no_review)


def test_without_family_is_not_recorded_where_the_family_took_part():
    data = record(cycles=[cycle_in("plan", plan=GOOD_PLAN)])
    change = workflow.advance_cycle(data, TODAY, TODAY, date(2027, 2, 10), ("parent",), "no reply")
    assert "without_family" not in apply(data, change)["cycles"][0]["history"][-1]
    assert "not needed" in change.warnings[0]


def test_without_family_passes_the_familys_part_in_the_review():
    refused = workflow.review_cycle(running(), TODAY, TODAY, "continue", RATED, ("class-teacher",),
                                    next_review=date(2027, 3, 18))
    assert "took no part" in reasons(refused) and "--without-family" in reasons(refused)
    change = workflow.review_cycle(running(), TODAY, TODAY, "continue", RATED, ("class-teacher",),
                                   next_review=date(2027, 3, 18), without_family="in hospital")
    first, second = apply(running(), change)["cycles"]
    assert first["history"][-1] == {"stage": "closed", "date": TODAY, "without_family": "in hospital"}
    # The plan goes on without the family's agreement: the parents must still be told (CFA s.68).
    assert second["history"][0]["without_family"] == "in hospital"
    assert second["plan"]["agreed_with"] == ["class-teacher"]


def test_a_representative_decides_for_a_young_person_who_lacks_capacity():
    young = {"name": "Leo", "date_of_birth": "2009-10-03", "setting": "college",
             "represented_by": {"role": "deputy", "since": "2026-01-05", "note": "Court of Protection order"}}
    assert isinstance(plan_to_do(GOOD_PLAN, agreed=("deputy",), child=young), Change)
    assert "the young person or their representative (deputy)" in reasons(
        plan_to_do(GOOD_PLAN, agreed=("parent",), child=young))
    later = {**young, "represented_by": {"role": "parent", "since": "2027-01-05"}}
    assert "not agreed with the young person" in reasons(plan_to_do(GOOD_PLAN, agreed=("parent",), child=later))
    # A child (before the end of compulsory school age) is represented by a parent or carer anyway.
    assert workflow.family_roles(record(), TODAY) == workflow.PARENT_ROLES
    data = record(child=young, views=[{"date": "2026-11-21", "from": "parent", "text": "Happy"}])
    assert workflow.family_roles(data, TODAY) == {"young-person", "deputy"}
    parent_rep = {**young, "represented_by": {"role": "parent", "since": "2026-01-05"}}
    data = record(child=parent_rep, views=[{"date": "2026-09-15", "from": "parent", "text": "He likes buses"}],
                  cycles=[cycle_in("assess", assess=EVIDENCE)])
    assert isinstance(workflow.advance_cycle(data, TODAY, TODAY), Change)


def test_a_deputys_view_counts_for_a_young_person_they_represent_and_no_one_elses():
    young = {"name": "Leo", "date_of_birth": "2009-10-03", "setting": "college",
             "represented_by": {"role": "deputy", "since": "2026-01-05"}}
    deputy_view = {"date": "2026-09-15", "from": "deputy", "text": "He is happiest with a routine"}
    data = record(child=young, views=[deputy_view], cycles=[cycle_in("assess", assess=EVIDENCE)])
    assert isinstance(workflow.advance_cycle(data, TODAY, TODAY), Change)
    unrepresented = {key: value for key, value in young.items() if key != "represented_by"}
    data = record(child=unrepresented, views=[deputy_view], cycles=[cycle_in("assess", assess=EVIDENCE)])
    assert "no view from the young person since" in reasons(workflow.advance_cycle(data, TODAY, TODAY))
