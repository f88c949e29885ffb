"""Every deadline kind of rules.md, table-driven: due dates, boundaries, answering events, exceptions."""

from datetime import date

import pytest
from hypothesis import given, strategies as st

from sendcli.core.deadlines import DeadlineSettings, record_deadlines, school_days_after, select

SETTINGS = DeadlineSettings()
TODAY = date(2026, 11, 28)


def base(**changes):
    record = {
        "schema_version": 1, "id": "ae-16", "status": "sen-support",
        "child": {"name": "Ava Example", "date_of_birth": "2016-05-14", "setting": "school"},
        "needs": {"primary": "SLCN", "secondary": []},
        "register": {"entered": "2026-01-10", "left": None},
        "views": [], "meetings": [], "cycles": [], "closed": None,
    }
    record.update(changes)
    return record


def dues(record, settings=SETTINGS):
    return {(d.kind, d.due.isoformat()) for d in record_deadlines(record, settings)}


def kinds(record, settings=SETTINGS):
    return {d.kind for d in record_deadlines(record, settings)}


def cycle(stage, opened="2026-09-10", review_date="2026-12-10", **extra):
    return {"number": 1, "opened": opened, "stage": stage, "history": [{"stage": "assess", "date": opened}],
            "plan": {"review_date": review_date}, **extra}


def ehc(**fields):
    section = {"requested": None, "decision": None, "draft_plan": None, "final_plan": None, "reviews": [],
               "phase_transfer": None, "exceptions": []}
    section.update(fields)
    return section


# -- one row per rule of the table: (record changes, kind, due) -----------------------------------

CASES = [
    # review: the plan's review date, while the cycle is in do or review.
    ("review in do", dict(cycles=[cycle("do")]), "review", "2026-12-10"),
    ("review in review", dict(cycles=[cycle("review", review_date="2027-02-28")]), "review", "2027-02-28"),
    # plan: opened + 42 days while still in assess or plan.
    ("plan in assess", dict(cycles=[cycle("assess", opened="2026-01-10")]), "plan", "2026-02-21"),
    ("plan across a month end", dict(cycles=[cycle("plan", opened="2026-01-31")]), "plan", "2026-03-14"),
    ("plan across 29 February", dict(cycles=[cycle("plan", opened="2028-02-01")]), "plan", "2028-03-14"),
    # parent-meeting: last family contact + 122 days; from register.entered when there is none.
    ("parent meeting from entry", {}, "parent-meeting", "2026-05-12"),
    ("parent meeting from a meeting", dict(meetings=[{"date": "2026-10-01", "with": ["parent"], "text": "x"}]),
     "parent-meeting", "2027-01-31"),
    ("young person's own meeting counts", dict(meetings=[{"date": "2026-10-01", "with": ["young-person"]}]),
     "parent-meeting", "2027-01-31"),
    ("plan agreed with the family counts", dict(cycles=[{**cycle("do"), "plan": {
        "agreed": "2026-10-05", "agreed_with": ["carer"], "review_date": "2026-12-10"}}]),
     "parent-meeting", "2027-02-04"),
    ("review attended counts", dict(cycles=[{**cycle("closed"), "review": {
        "date": "2026-11-01", "attendees": ["parent"], "decision": "continue"}}]), "parent-meeting", "2027-03-03"),
    # ehc-decision: requested + 6 weeks (rules.md's own example).
    ("ehc decision", dict(ehc=ehc(requested="2026-01-10")), "ehc-decision", "2026-02-21"),
    ("ehc decision over 29 Feb", dict(ehc=ehc(requested="2028-01-20")), "ehc-decision", "2028-03-02"),
    # ehc-final-plan: requested + 20 weeks.
    ("ehc final plan", dict(ehc=ehc(requested="2026-01-10")), "ehc-final-plan", "2026-05-30"),
    ("final plan clock runs on after decision",
     dict(ehc=ehc(requested="2026-01-10", decision={"date": "2026-02-01", "outcome": "assess"})),
     "ehc-final-plan", "2026-05-30"),
    # ehc-annual-review: latest of final plan and review meetings + 12 months, + 6 for under fives.
    ("annual review from final plan", dict(status="ehc-plan", ehc=ehc(final_plan="2026-05-20")),
     "ehc-annual-review", "2027-05-20"),
    ("annual review from 29 Feb", dict(status="ehc-plan", ehc=ehc(final_plan="2024-02-29")),
     "ehc-annual-review", "2025-02-28"),
    ("annual review from the last meeting", dict(status="ehc-plan", ehc=ehc(final_plan="2025-05-20", reviews=[
        {"meeting": "2026-05-10", "report_sent": "2026-05-20", "la_decision": {"date": "2026-06-01",
                                                                                "outcome": "maintain"}}])),
     "ehc-annual-review", "2027-05-10"),
    ("under five: six months", dict(status="ehc-plan", child={"name": "Ivy", "date_of_birth": "2023-06-11",
                                                               "setting": "early-years"},
                                    ehc=ehc(final_plan="2026-08-31")), "ehc-annual-review", "2027-02-28"),
    ("five on the base date: twelve months", dict(status="ehc-plan", child={
        "name": "Ivy", "date_of_birth": "2021-08-31", "setting": "school"}, ehc=ehc(final_plan="2026-08-31")),
     "ehc-annual-review", "2027-08-31"),
    # after a review meeting: report +2 weeks, LA decision +4 weeks, amended plan +12 weeks.
    ("review report", dict(status="ehc-plan", ehc=ehc(final_plan="2025-05-20", reviews=[{"meeting": "2026-05-10"}])),
     "ehc-review-report", "2026-05-24"),
    ("la decision", dict(status="ehc-plan", ehc=ehc(final_plan="2025-05-20", reviews=[{"meeting": "2026-05-10"}])),
     "ehc-la-decision", "2026-06-07"),
    ("amended plan", dict(status="ehc-plan", ehc=ehc(final_plan="2025-05-20", reviews=[{
        "meeting": "2026-05-10", "report_sent": "2026-05-20", "la_decision": {"date": "2026-06-01",
                                                                              "outcome": "amend"}}])),
     "ehc-amended-plan", "2026-08-02"),
    # phase transfer: 15 February of the year; 31 March for post-16.
    ("phase transfer to school", dict(status="ehc-plan", ehc=ehc(final_plan="2025-05-20", phase_transfer={
        "year": 2027, "to": "school", "amended": None})), "phase-transfer", "2027-02-15"),
    ("phase transfer to post-16", dict(status="ehc-plan", ehc=ehc(final_plan="2025-05-20", phase_transfer={
        "year": 2027, "to": "post-16", "amended": None})), "phase-transfer", "2027-03-31"),
    # closed records: file transfer (15 school days) and retention (birth + 31 years).
    ("file transfer", dict(status="closed", closed={"date": "2026-07-17", "reason": "moved", "transferred": None}),
     "file-transfer", "2026-08-07"),
    ("retention", dict(status="closed", closed={"date": "2026-07-17", "reason": "left school"}),
     "retention", "2047-05-14"),
    ("retention from 29 Feb", dict(status="closed", child={"name": "Leap", "date_of_birth": "2016-02-29",
                                                           "setting": "school"},
                                   closed={"date": "2026-07-17", "reason": "left"}), "retention", "2047-02-28"),
]


@pytest.mark.parametrize("changes, kind, due", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_kind_falls_due_as_the_rules_say(changes, kind, due):
    assert (kind, due) in dues(base(**changes))


# -- the events that answer them ------------------------------------------------------------------

ANSWERED = [
    ("review answered by the review", dict(cycles=[cycle("closed")]), "review"),
    ("plan answered by reaching do", dict(cycles=[cycle("do")]), "plan"),
    ("parent meeting not for EHC plans", dict(status="ehc-plan", ehc=ehc(final_plan="2026-01-01")), "parent-meeting"),
    ("parent meeting not for monitoring", dict(status="monitoring", needs={"primary": None}), "parent-meeting"),
    ("decision answered", dict(ehc=ehc(requested="2026-01-10", decision={"date": "2026-02-10", "outcome": "assess"})),
     "ehc-decision"),
    ("final plan answered", dict(status="ehc-plan", ehc=ehc(requested="2026-01-10", final_plan="2026-05-01",
                                                              decision={"date": "2026-02-10", "outcome": "assess"})),
     "ehc-final-plan"),
    ("final plan ended by not-assess", dict(ehc=ehc(requested="2026-01-10", decision={
        "date": "2026-02-10", "outcome": "not-assess"})), "ehc-final-plan"),
    ("final plan ended by not-issue", dict(ehc=ehc(requested="2026-01-10", not_issued="2026-04-01", decision={
        "date": "2026-02-10", "outcome": "assess"})), "ehc-final-plan"),
    ("annual review needs status ehc-plan", dict(ehc=ehc(final_plan="2026-05-20")), "ehc-annual-review"),
    ("report answered", dict(status="ehc-plan", ehc=ehc(final_plan="2025-05-20", reviews=[
        {"meeting": "2026-05-10", "report_sent": "2026-05-20"}])), "ehc-review-report"),
    ("la decision answered", dict(status="ehc-plan", ehc=ehc(final_plan="2025-05-20", reviews=[
        {"meeting": "2026-05-10", "la_decision": {"date": "2026-06-01", "outcome": "maintain"}}])), "ehc-la-decision"),
    ("no amended plan due when maintained", dict(status="ehc-plan", ehc=ehc(final_plan="2025-05-20", reviews=[
        {"meeting": "2026-05-10", "la_decision": {"date": "2026-06-01", "outcome": "maintain"}}])), "ehc-amended-plan"),
    ("amended plan answered", dict(status="ehc-plan", ehc=ehc(final_plan="2025-05-20", reviews=[
        {"meeting": "2026-05-10", "la_decision": {"date": "2026-06-01", "outcome": "amend"},
         "amended_plan": "2026-07-01"}])), "ehc-amended-plan"),
    ("phase transfer answered", dict(status="ehc-plan", ehc=ehc(final_plan="2025-05-20", phase_transfer={
        "year": 2027, "to": "school", "amended": "2027-01-20"})), "phase-transfer"),
    ("file transfer answered", dict(status="closed", closed={"date": "2026-07-17", "reason": "moved",
                                                             "transferred": "2026-07-20"}), "file-transfer"),
    ("file transfer only when moved", dict(status="closed", closed={"date": "2026-07-17", "reason": "left"}),
     "file-transfer"),
    ("a closed record has only its retention", dict(status="closed", closed={"date": "2026-07-17", "reason": "x"},
                                                    cycles=[cycle("closed")], ehc=ehc(requested="2026-01-10")),
     "ehc-decision"),
]


@pytest.mark.parametrize("changes, kind", [c[1:] for c in ANSWERED], ids=[c[0] for c in ANSWERED])
def test_the_answering_event_removes_the_item(changes, kind):
    assert kind not in kinds(base(**changes))


def test_settings_change_the_intervals():
    settings = DeadlineSettings(plan_within_days=28, parent_meeting_interval_days=90, retention_years=25,
                                under_five_review_months=4)
    assert ("plan", "2026-02-07") in dues(base(cycles=[cycle("assess", opened="2026-01-10")]), settings)
    assert ("parent-meeting", "2026-04-10") in dues(base(), settings)
    assert ("retention", "2041-05-14") in dues(base(status="closed", closed={"date": "2026-01-01", "reason": "x"}),
                                               settings)
    young = dict(status="ehc-plan", child={"name": "I", "date_of_birth": "2023-06-11", "setting": "early-years"},
                 ehc=ehc(final_plan="2026-08-31"))
    assert ("ehc-annual-review", "2026-12-31") in dues(base(**young), settings)


def test_settings_from_sendcli_yaml():
    settings = DeadlineSettings.from_settings({"due_soon_days": 7, "closures": [{"from": "2026-12-21",
                                                                                 "to": "2027-01-01"}]})
    assert settings.due_soon_days == 7 and settings.plan_within_days == 42
    assert settings.closures == ((date(2026, 12, 21), date(2027, 1, 1)),)


# -- exceptions explain, never hide ---------------------------------------------------------------

def test_an_exception_explains_a_late_item_and_keeps_its_status():
    record = base(ehc=ehc(requested="2026-01-10", exceptions=[
        {"date": "2026-02-01", "reason": "absence-from-area", "note": "Family abroad"}]))
    [item] = [d for d in record_deadlines(record, SETTINGS) if d.kind == "ehc-decision"]
    assert item.exception.startswith("the child or family was away from the area") and "Family abroad" in item.exception
    assert item.status(TODAY, 14) == "overdue"
    assert select([item], TODAY, 14) == [item]
    others = [d for d in record_deadlines(record, SETTINGS) if d.kind == "parent-meeting"]
    assert others[0].exception is None


def test_an_exception_can_name_the_kinds_it_explains():
    record = base(status="ehc-plan", ehc=ehc(final_plan="2025-05-20", reviews=[{"meeting": "2026-05-10"}], exceptions=[
        {"date": "2026-05-20", "reason": "school-closure", "applies_to": ["ehc-review-report"]}]))
    explained = {d.kind: d.exception for d in record_deadlines(record, SETTINGS)}
    assert explained["ehc-review-report"] and explained["ehc-la-decision"] is None


# -- status, selection and order -------------------------------------------------------------------

def test_status_boundaries():
    [item] = [d for d in record_deadlines(base(cycles=[cycle("do", review_date="2026-12-12")]), SETTINGS)
              if d.kind == "review"]
    assert (item.status(date(2026, 12, 13), 14), item.days_left(date(2026, 12, 13))) == ("overdue", -1)
    assert item.status(date(2026, 12, 12), 14) == "due-soon"
    assert item.status(date(2026, 11, 28), 14) == "due-soon"
    assert item.status(date(2026, 11, 27), 14) == "upcoming"


def test_select_sorts_by_due_date_then_record_and_filters():
    met = [{"date": "2026-11-01", "with": ["parent"], "text": "x"}]
    a = record_deadlines(base(id="zed-16", meetings=met, cycles=[cycle("do", review_date="2026-11-20")]), SETTINGS)
    b = record_deadlines(base(id="abe-16", meetings=met, cycles=[cycle("do", review_date="2026-11-20")]), SETTINGS)
    shown = select(a + b, TODAY, 14)
    assert [(d.record, d.kind) for d in shown] == [("abe-16", "review"), ("zed-16", "review")]
    assert all(d.kind == "parent-meeting" for d in select(a + b, TODAY, 14, True, ["parent-meeting"]))
    assert len(select(a + b, TODAY, 14, include_upcoming=True)) == 4


# -- school days ---------------------------------------------------------------------------------

@pytest.mark.parametrize("start, count, closures, expected", [
    ("2026-07-17", 15, [], "2026-08-07"),                       # Friday + 15 school days
    ("2026-07-18", 1, [], "2026-07-20"),                        # from a Saturday: Monday
    ("2026-12-18", 15, [("2026-12-21", "2027-01-01")], "2027-01-22"),   # over the Christmas closure
    ("2026-10-23", 5, [("2026-10-26", "2026-10-30")], "2026-11-06"),    # half term
    ("2026-10-23", 1, [("2026-10-26", "2026-10-26")], "2026-10-27"),    # a one-day closure (INSET)
])
def test_school_days(start, count, closures, expected):
    ranges = [(date.fromisoformat(a), date.fromisoformat(b)) for a, b in closures]
    assert school_days_after(date.fromisoformat(start), count, ranges).isoformat() == expected


@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 1, 1)), st.integers(1, 40))
def test_school_days_agree_with_counting_weekdays(start, count):
    end = school_days_after(start, count)
    weekdays = sum(1 for n in range(1, (end - start).days + 1)
                   if date.fromordinal(start.toordinal() + n).weekday() < 5)
    assert weekdays == count and end.weekday() < 5
