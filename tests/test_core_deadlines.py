"""Every deadline kind, table-driven: due dates, boundaries, answering events, exceptions."""

from datetime import date, timedelta

import pytest
from hypothesis import given, strategies as st

from sendcli.core.deadlines import KINDS, DeadlineSettings, record_deadlines, school_days_after, select

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
# Each kind: an ordinary day, a month end, 29 February; the dates were worked out by hand.

def plan_of(final="2025-05-20", **fields):
    return dict(status="ehc-plan", ehc=ehc(final_plan=final, **fields))


def review(meeting, decided=None, outcome="maintain", **fields):
    return {"meeting": meeting, "report_sent": None,
            "la_decision": {"date": decided, "outcome": outcome} if decided else None, **fields}


def closed_cycle(closed_on, opened="2026-01-05", decision="exit", reviewed=None):
    return {**cycle("closed", opened=opened), "history": [{"stage": "assess", "date": opened},
                                                          {"stage": "closed", "date": closed_on}],
            "review": {"date": reviewed or closed_on, "attendees": [], "decision": decision}}


def moved_without_family(on):
    return {**cycle("do", opened="2026-01-05", review_date="2029-01-01"), "history": [
        {"stage": "assess", "date": "2026-01-05"}, {"stage": "plan", "date": "2026-01-06"},
        {"stage": "do", "date": on, "without_family": "invited three times, no reply"}]}


def child(dob, setting="school", year_group=None):
    found = {"name": "Ivy Example", "date_of_birth": dob, "setting": setting}
    if year_group:
        found["year_group"] = year_group
    return found


CASES = [
    # review: the plan's review date, while the cycle is in do or review.
    ("review in do", dict(cycles=[cycle("do")]), "review", "2026-12-10"),
    ("review at a month end", dict(cycles=[cycle("review", review_date="2027-02-28")]), "review", "2027-02-28"),
    ("review on 29 Feb", dict(cycles=[cycle("do", review_date="2028-02-29")]), "review", "2028-02-29"),
    # plan: opened + 42 days while still in assess or plan.
    ("plan in assess", dict(cycles=[cycle("assess", opened="2026-01-10")]), "plan", "2026-02-21"),
    ("plan across a month end", dict(cycles=[cycle("plan", opened="2026-01-31")]), "plan", "2026-03-14"),
    ("plan across 29 February", dict(cycles=[cycle("plan", opened="2028-02-01")]), "plan", "2028-03-14"),
    # plan with no open cycle: the last cycle's close, else the later of entered and created.
    ("plan after a closed cycle", dict(cycles=[closed_cycle("2026-07-20")]), "plan", "2026-08-31"),
    ("plan after a cycle closed at a month end", dict(cycles=[closed_cycle("2026-01-31", opened="2026-01-02")]),
     "plan", "2026-03-14"),
    ("plan after a cycle closed on 29 Feb", dict(cycles=[closed_cycle("2028-02-29")]), "plan", "2028-04-11"),
    ("plan with no cycle: from created", dict(created="2026-03-01"), "plan", "2026-04-12"),
    ("plan with no cycle: from entered", dict(created="2025-12-01"), "plan", "2026-02-21"),
    # parents-informed: the move to do made without the family, due that day.
    ("parents informed", dict(cycles=[moved_without_family("2026-10-05")]), "parents-informed", "2026-10-05"),
    ("parents informed at a month end", dict(cycles=[moved_without_family("2026-10-31")]), "parents-informed",
     "2026-10-31"),
    ("parents informed on 29 Feb", dict(cycles=[moved_without_family("2028-02-29")]), "parents-informed",
     "2028-02-29"),
    # parent-meeting: last family contact + 122 days; with none, the later of entered and created.
    ("parent meeting from entry", {}, "parent-meeting", "2026-05-12"),
    ("parent meeting from created", dict(created="2026-02-01"), "parent-meeting", "2026-06-03"),
    ("parent meeting from a meeting", dict(meetings=[{"date": "2026-10-01", "with": ["parent"], "text": "x"}]),
     "parent-meeting", "2027-01-31"),
    ("parent meeting from a month end", dict(meetings=[{"date": "2026-10-31", "with": ["carer"]}]),
     "parent-meeting", "2027-03-02"),
    ("parent meeting from 29 Feb", dict(meetings=[{"date": "2028-02-29", "with": ["parent"]}]),
     "parent-meeting", "2028-06-30"),
    ("young person's own meeting counts", dict(meetings=[{"date": "2026-10-01", "with": ["young-person"]}]),
     "parent-meeting", "2027-01-31"),
    ("a representative's meeting counts", dict(
        child={**child("2008-05-14"), "represented_by": {"role": "deputy", "since": "2026-01-01"}},
        meetings=[{"date": "2026-10-01", "with": ["deputy"]}]), "parent-meeting", "2027-01-31"),
    ("plan agreed with the family counts", dict(cycles=[{**cycle("do"), "plan": {
        "agreed": "2026-10-05", "agreed_with": ["carer"], "review_date": "2026-12-10"}}]),
     "parent-meeting", "2027-02-04"),
    ("review attended counts", dict(cycles=[{**cycle("closed"), "review": {
        "date": "2026-11-01", "attendees": ["parent"], "decision": "continue"}}]), "parent-meeting", "2027-03-03"),
    # ehc-request: a review that decided to request an assessment + 14 days.
    ("ehc request", dict(cycles=[closed_cycle("2026-11-02", decision="request-ehc-assessment")]),
     "ehc-request", "2026-11-16"),
    ("ehc request at a month end", dict(cycles=[closed_cycle("2026-01-31", decision="request-ehc-assessment")]),
     "ehc-request", "2026-02-14"),
    ("ehc request on 29 Feb", dict(cycles=[closed_cycle("2028-02-29", decision="request-ehc-assessment")]),
     "ehc-request", "2028-03-14"),
    # ehc-advice: the authority's request for advice + 6 weeks.
    ("ehc advice", dict(ehc=ehc(advice_requested="2026-11-09")), "ehc-advice", "2026-12-21"),
    ("ehc advice at a month end", dict(ehc=ehc(advice_requested="2026-01-31")), "ehc-advice", "2026-03-14"),
    ("ehc advice on 29 Feb", dict(ehc=ehc(advice_requested="2028-02-29")), "ehc-advice", "2028-04-11"),
    # ehc-decision: requested + 6 weeks (the README's example).
    ("ehc decision", dict(ehc=ehc(requested="2026-01-10")), "ehc-decision", "2026-02-21"),
    ("ehc decision at a month end", dict(ehc=ehc(requested="2026-08-31")), "ehc-decision", "2026-10-12"),
    ("ehc decision over 29 Feb", dict(ehc=ehc(requested="2028-01-20")), "ehc-decision", "2028-03-02"),
    # ehc-issue-decision: decided to assess; requested + 16 weeks.
    ("ehc issue decision", dict(ehc=ehc(requested="2026-01-10", decision={"date": "2026-02-01", "outcome": "assess"})),
     "ehc-issue-decision", "2026-05-02"),
    ("ehc issue decision at a month end", dict(ehc=ehc(requested="2026-10-31", decision={
        "date": "2026-11-20", "outcome": "assess"})), "ehc-issue-decision", "2027-02-20"),
    ("ehc issue decision on 29 Feb", dict(ehc=ehc(requested="2028-02-29", decision={
        "date": "2028-03-20", "outcome": "assess"})), "ehc-issue-decision", "2028-06-20"),
    # ehc-final-plan: requested + 20 weeks.
    ("ehc final plan", dict(ehc=ehc(requested="2026-01-10")), "ehc-final-plan", "2026-05-30"),
    ("final plan clock runs on after decision",
     dict(ehc=ehc(requested="2026-01-10", decision={"date": "2026-02-01", "outcome": "assess"})),
     "ehc-final-plan", "2026-05-30"),
    ("ehc final plan at a month end", dict(ehc=ehc(requested="2026-10-31")), "ehc-final-plan", "2027-03-20"),
    ("ehc final plan on 29 Feb", dict(ehc=ehc(requested="2028-02-29")), "ehc-final-plan", "2028-07-18"),
    # ehc-consultation: the reply-by date.
    ("ehc consultation", dict(ehc=ehc(consultations=[{"date": "2027-01-27", "reply_by": "2027-02-10"}])),
     "ehc-consultation", "2027-02-10"),
    ("ehc consultation at a month end", dict(ehc=ehc(consultations=[{"date": "2027-01-17", "reply_by": "2027-01-31",
                                                                      "replied": None}])),
     "ehc-consultation", "2027-01-31"),
    ("ehc consultation on 29 Feb", dict(ehc=ehc(consultations=[{"date": "2028-02-15", "reply_by": "2028-02-29"}])),
     "ehc-consultation", "2028-02-29"),
    # ehc-annual-review: the 12 months end the day before the anniversary; the meeting 28 days before.
    ("annual review from final plan", plan_of("2026-05-20"), "ehc-annual-review", "2027-04-21"),
    ("annual review from a month end", plan_of("2026-03-31"), "ehc-annual-review", "2027-03-02"),
    ("annual review from 29 Feb", plan_of("2024-02-29"), "ehc-annual-review", "2025-01-31"),
    ("annual review period ending on 29 Feb", plan_of("2027-03-01"), "ehc-annual-review", "2028-02-01"),
    ("annual review from 1 March", plan_of("2025-03-01"), "ehc-annual-review", "2026-01-31"),
    ("annual review from the meeting while the decision waits", plan_of(reviews=[review("2026-05-10")]),
     "ehc-annual-review", "2027-04-11"),
    ("annual review from the authority's decision", plan_of(reviews=[review("2026-05-10", "2026-06-01")]),
     "ehc-annual-review", "2027-05-03"),
    ("annual review of an existing plan", dict(status="ehc-plan", ehc={"existing_plan": {
        "issued": "2025-02-03", "last_review": None, "authority": "Example LA", "reference": None}}),
     "ehc-annual-review", "2026-01-05"),
    ("annual review of an existing plan's last review", dict(status="ehc-plan", ehc={"existing_plan": {
        "issued": "2025-02-03", "last_review": "2025-12-10"}}), "ehc-annual-review", "2026-11-11"),
    # ehc-early-review: under 5 on the base date, base + 6 months, beside the annual item.
    ("under five: six months", dict(child=child("2023-06-11", "early-years"), **plan_of("2026-08-31")),
     "ehc-early-review", "2027-02-28"),
    ("under five keeps the annual review", dict(child=child("2023-06-11", "early-years"), **plan_of("2026-08-31")),
     "ehc-annual-review", "2027-08-02"),
    ("under five: ordinary day", dict(child=child("2023-06-11", "early-years"), **plan_of("2026-05-20")),
     "ehc-early-review", "2026-11-20"),
    ("under five: a day short of 5 on the base date", dict(child=child("2021-09-01"), **plan_of("2026-08-31")),
     "ehc-early-review", "2027-02-28"),
    ("under five from 29 Feb", dict(child=child("2025-01-01", "early-years"), **plan_of("2028-02-29")),
     "ehc-early-review", "2028-08-29"),
    # ehc-review-notice: a planned meeting - 2 weeks.
    ("review notice", plan_of(planned_reviews=[{"meeting": "2027-01-20", "notice_sent": None}]),
     "ehc-review-notice", "2027-01-06"),
    ("review notice at a month end", plan_of(planned_reviews=[{"meeting": "2027-03-14"}]),
     "ehc-review-notice", "2027-02-28"),
    ("review notice on 29 Feb", plan_of(planned_reviews=[{"meeting": "2028-03-14"}]), "ehc-review-notice",
     "2028-02-29"),
    # after a review meeting: report + 2 weeks, LA decision + 4 weeks.
    ("review report", plan_of(reviews=[{"meeting": "2026-05-10"}]), "ehc-review-report", "2026-05-24"),
    ("review report at a month end", plan_of(reviews=[{"meeting": "2026-01-31"}]), "ehc-review-report", "2026-02-14"),
    ("review report over 29 Feb", plan_of(reviews=[{"meeting": "2028-02-20"}]), "ehc-review-report", "2028-03-05"),
    ("la decision", plan_of(reviews=[{"meeting": "2026-05-10"}]), "ehc-la-decision", "2026-06-07"),
    ("la decision at a month end", plan_of(reviews=[{"meeting": "2026-01-31"}]), "ehc-la-decision", "2026-02-28"),
    ("la decision on 29 Feb", plan_of(reviews=[{"meeting": "2028-02-01"}]), "ehc-la-decision", "2028-02-29"),
    # ehc-amended-plan: the authority's decision to amend + 8 weeks.
    ("amended plan", plan_of(reviews=[review("2026-05-10", "2026-06-01", "amend")]), "ehc-amended-plan",
     "2026-07-27"),
    ("amended plan at a month end", plan_of(reviews=[review("2026-01-10", "2026-01-31", "amend")]),
     "ehc-amended-plan", "2026-03-28"),
    ("amended plan from 29 Feb", plan_of(reviews=[review("2028-02-10", "2028-02-29", "amend")]),
     "ehc-amended-plan", "2028-04-25"),
    # ehc-cease: the decision to cease + 2 months; the plan stays in force.
    ("cease", plan_of(reviews=[review("2026-05-10", "2026-06-01", "cease")]), "ehc-cease", "2026-08-01"),
    ("cease at a month end", plan_of(reviews=[review("2026-12-01", "2026-12-31", "cease")]), "ehc-cease",
     "2027-02-28"),
    ("cease into 29 Feb", plan_of(reviews=[review("2027-12-01", "2027-12-29", "cease")]), "ehc-cease", "2028-02-29"),
    ("cease from 29 Feb", plan_of(reviews=[review("2028-02-01", "2028-02-29", "cease")]), "ehc-cease", "2028-04-29"),
    # phase transfer: the day before 15 February; the day before 31 March for post-16.
    ("phase transfer to school", plan_of(phase_transfer={"year": 2027, "to": "school", "amended": None}),
     "phase-transfer", "2027-02-14"),
    ("phase transfer to post-16", plan_of(phase_transfer={"year": 2027, "to": "post-16", "amended": None}),
     "phase-transfer", "2027-03-30"),
    ("phase transfer in a leap year", plan_of(phase_transfer={"year": 2028, "to": "post-16", "amended": None}),
     "phase-transfer", "2028-03-30"),
    ("year 6 without a transfer recorded", dict(child=child("2015-12-09", year_group="6"), **plan_of()),
     "phase-transfer", "2027-02-14"),
    ("year 6 born 31 August", dict(child=child("2016-08-31", year_group="6"), **plan_of()),
     "phase-transfer", "2027-02-14"),
    ("year 6 born 1 September", dict(child=child("2016-09-01", year_group="6"), **plan_of()),
     "phase-transfer", "2028-02-14"),
    ("year 6 born 29 Feb", dict(child=child("2016-02-29", year_group="6"), **plan_of()),
     "phase-transfer", "2027-02-14"),
    ("year 11 to post-16", dict(child=child("2011-03-01", year_group="11"), **plan_of()),
     "phase-transfer", "2027-03-30"),
    ("nursery to reception", dict(child=child("2022-10-01", "early-years", "N2"), **plan_of()),
     "phase-transfer", "2027-02-14"),
    # closed records: file transfer (15 school days) and retention.
    ("file transfer", dict(status="closed", closed={"date": "2026-07-17", "reason": "moved-school",
                                                    "transferred": None}), "file-transfer", "2026-08-07"),
    ("file transfer of a first-edition 'moved'", dict(status="closed", closed={"date": "2026-07-17",
                                                                               "reason": "moved"}),
     "file-transfer", "2026-08-07"),
    ("file transfer at a month end", dict(status="closed", closed={"date": "2026-10-30", "reason": "moved-school"}),
     "file-transfer", "2026-11-20"),
    ("file transfer from 29 Feb", dict(status="closed", closed={"date": "2028-02-29", "reason": "moved-school"}),
     "file-transfer", "2028-03-21"),
    ("retention", dict(status="closed", closed={"date": "2026-07-17", "reason": "left school"}),
     "retention", "2047-05-14"),
    ("retention from 29 Feb", dict(status="closed", child=child("2016-02-29"),
                                   closed={"date": "2026-07-17", "reason": "left"}), "retention", "2047-02-28"),
    ("retention at a month end", dict(status="closed", child=child("2016-01-31"),
                                      closed={"date": "2026-07-17", "reason": "other"}), "retention", "2047-01-31"),
    ("retention after a transfer", dict(status="closed", closed={"date": "2026-07-17", "reason": "moved-school",
                                                                 "transferred": "2026-07-20"}),
     "retention", "2026-08-19"),
    ("retention after a transfer at a month end", dict(status="closed", closed={
        "date": "2026-01-20", "reason": "moved-school", "transferred": "2026-01-31"}), "retention", "2026-03-02"),
    ("retention after a transfer on 29 Feb", dict(status="closed", closed={
        "date": "2028-02-28", "reason": "moved-school", "transferred": "2028-02-29"}), "retention", "2028-03-30"),
]


@pytest.mark.parametrize("changes, kind, due", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_kind_falls_due_as_the_rules_say(changes, kind, due):
    assert (kind, due) in dues(base(**changes))


@pytest.mark.parametrize("changes, kind, due", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_kind_on_each_side_of_its_due_day(changes, kind, due):
    [item] = [d for d in record_deadlines(base(**changes), SETTINGS) if (d.kind, d.due.isoformat()) == (kind, due)]
    day = date.fromisoformat(due)
    assert (item.days_left(day), item.status(day, 14)) == (0, "due-soon")
    assert (item.days_left(day + timedelta(days=1)), item.status(day + timedelta(days=1), 14)) == (-1, "overdue")
    assert item.status(day - timedelta(days=14), 14) == "due-soon"
    assert item.status(day - timedelta(days=15), 14) == "upcoming"


def test_every_kind_of_the_table_is_tested():
    assert {c[2] for c in CASES} == set(KINDS)


# -- the events that answer them ------------------------------------------------------------------

ANSWERED = [
    ("review answered by the review", dict(cycles=[cycle("closed")]), "review"),
    ("plan answered by reaching do", dict(cycles=[cycle("do")]), "plan"),
    ("no plan item off SEN support", dict(status="monitoring", needs={"primary": None}), "plan"),
    ("no plan item for an EHC plan", plan_of(), "plan"),
    ("parents informed by a meeting that day", dict(cycles=[moved_without_family("2026-10-05")], meetings=[
        {"date": "2026-10-05", "with": ["parent"]}]), "parents-informed"),
    ("parents not informed by a meeting the day before", dict(cycles=[moved_without_family("2026-10-05")], meetings=[
        {"date": "2026-10-04", "with": ["parent"]}]), None),
    ("parents informed only where the family was left out", dict(cycles=[cycle("do")]), "parents-informed"),
    ("parent meeting not for EHC plans", dict(status="ehc-plan", ehc=ehc(final_plan="2026-01-01")), "parent-meeting"),
    ("parent meeting not for monitoring", dict(status="monitoring", needs={"primary": None}), "parent-meeting"),
    ("parent meeting not for early years", dict(child=child("2022-05-14", "early-years")), "parent-meeting"),
    ("parent meeting not for college", dict(child=child("2008-05-14", "college")), "parent-meeting"),
    ("ehc request answered on the review's day", dict(
        cycles=[closed_cycle("2026-11-02", decision="request-ehc-assessment")], ehc=ehc(requested="2026-11-02")),
     "ehc-request"),
    ("ehc request not answered by an older request", dict(
        cycles=[closed_cycle("2026-11-02", decision="request-ehc-assessment")], ehc=ehc(requested="2026-11-01")),
     None),
    ("no ehc request after another decision", dict(cycles=[closed_cycle("2026-11-02", decision="continue")]),
     "ehc-request"),
    ("advice answered", dict(ehc=ehc(advice_requested="2026-11-09", advice_given="2026-12-01")), "ehc-advice"),
    ("decision answered", dict(ehc=ehc(requested="2026-01-10", decision={"date": "2026-02-10", "outcome": "assess"})),
     "ehc-decision"),
    ("no issue decision before a decision to assess", dict(ehc=ehc(requested="2026-01-10")), "ehc-issue-decision"),
    ("issue decision answered by the draft", dict(ehc=ehc(requested="2026-01-10", draft_plan="2026-04-01", decision={
        "date": "2026-02-10", "outcome": "assess"})), "ehc-issue-decision"),
    ("issue decision answered by not-issue", dict(ehc=ehc(requested="2026-01-10", not_issued="2026-04-01", decision={
        "date": "2026-02-10", "outcome": "assess"})), "ehc-issue-decision"),
    ("final plan answered", dict(status="ehc-plan", ehc=ehc(requested="2026-01-10", final_plan="2026-05-01",
                                                              decision={"date": "2026-02-10", "outcome": "assess"})),
     "ehc-final-plan"),
    ("final plan ended by not-assess", dict(ehc=ehc(requested="2026-01-10", decision={
        "date": "2026-02-10", "outcome": "not-assess"})), "ehc-final-plan"),
    ("final plan ended by not-issue", dict(ehc=ehc(requested="2026-01-10", not_issued="2026-04-01", decision={
        "date": "2026-02-10", "outcome": "assess"})), "ehc-final-plan"),
    ("consultation answered", dict(ehc=ehc(consultations=[{"date": "2027-01-27", "reply_by": "2027-02-10",
                                                            "replied": "2027-02-03"}])), "ehc-consultation"),
    ("annual review needs status ehc-plan", dict(ehc=ehc(final_plan="2026-05-20")), "ehc-annual-review"),
    ("no early review at 5 on the base date", dict(child=child("2021-08-31"), **plan_of("2026-08-31")),
     "ehc-early-review"),
    ("review notice answered", plan_of(planned_reviews=[{"meeting": "2027-01-20", "notice_sent": "2027-01-05"}]),
     "ehc-review-notice"),
    ("report answered", plan_of(reviews=[{"meeting": "2026-05-10", "report_sent": "2026-05-20"}]),
     "ehc-review-report"),
    ("la decision answered", plan_of(reviews=[review("2026-05-10", "2026-06-01")]), "ehc-la-decision"),
    ("no amended plan due when maintained", plan_of(reviews=[review("2026-05-10", "2026-06-01")]), "ehc-amended-plan"),
    ("amended plan answered", plan_of(reviews=[review("2026-05-10", "2026-06-01", "amend",
                                                      amended_plan="2026-07-01")]), "ehc-amended-plan"),
    ("cease answered by ceased", dict(status="sen-support", ehc=ehc(final_plan="2025-05-20", reviews=[
        review("2026-05-10", "2026-06-01", "cease")], ceased={"date": "2026-08-02", "to": "sen-support"})),
     "ehc-cease"),
    ("phase transfer answered", plan_of(phase_transfer={"year": 2027, "to": "school", "amended": "2027-01-20"}),
     "phase-transfer"),
    ("a recorded transfer stands for the year group", dict(child=child("2015-12-09", year_group="6"), **plan_of(
        phase_transfer={"year": 2027, "to": "school", "amended": "2027-01-20"})), "phase-transfer"),
    ("year 5 is no transfer year", dict(child=child("2016-12-09", year_group="5"), **plan_of()), "phase-transfer"),
    ("a year group needs a plan", dict(child=child("2015-12-09", year_group="6")), "phase-transfer"),
    ("file transfer answered", dict(status="closed", closed={"date": "2026-07-17", "reason": "moved-school",
                                                             "transferred": "2026-07-20"}), "file-transfer"),
    ("file transfer only when moved", dict(status="closed", closed={"date": "2026-07-17", "reason": "left"}),
     "file-transfer"),
    ("no file transfer for a move abroad", dict(status="closed", closed={"date": "2026-07-17",
                                                                         "reason": "moved-abroad"}), "file-transfer"),
    ("a closed record has only its retention", dict(status="closed", closed={"date": "2026-07-17", "reason": "x"},
                                                    cycles=[cycle("closed")], ehc=ehc(requested="2026-01-10")),
     "ehc-decision"),
]


@pytest.mark.parametrize("changes, kind", [c[1:] for c in ANSWERED], ids=[c[0] for c in ANSWERED])
def test_the_answering_event_removes_the_item(changes, kind):
    found = kinds(base(**changes))
    if kind is None:  # the boundary case on the other side: the item stays
        assert found & {"parents-informed", "ehc-request"}
    else:
        assert kind not in found


def test_the_annual_review_detail_names_both_dates():
    [item] = [d for d in record_deadlines(base(**plan_of("2026-05-20")), SETTINGS) if d.kind == "ehc-annual-review"]
    assert "21 April 2027" in item.detail and "19 May 2027" in item.detail
    assert "CFA s.44" in item.detail and "CoP 9.166, 9.169" in item.detail


def test_no_misquoted_citations():
    """Issue 12, 16: "12 weeks (Regs 22)", "every 6 months (CoP 9.178)", "CoP 9.166" alone."""
    record = base(child=child("2023-06-11", "early-years"), **plan_of("2026-08-31", reviews=[
        review("2026-05-10", "2026-06-01", "amend")]))
    details = " | ".join(d.detail for d in record_deadlines(record, SETTINGS))
    assert "12 weeks" not in details and "every 6 months" not in details
    assert "within 12 months (CoP 9.166)" not in details
    assert "8 weeks" in details and "Regs 22" in details and "CoP 9.178" in details


def test_a_new_assessment_has_its_own_clocks():
    record = base(ehc=ehc(requested="2026-09-01", earlier_assessments=[
        {"requested": "2026-01-10", "decision": {"date": "2026-02-10", "outcome": "not-assess"}}]))
    assert {("ehc-decision", "2026-10-13"), ("ehc-final-plan", "2027-01-19")} <= dues(record)


def test_year_groups_come_from_the_settings():
    record = base(child=child("2016-12-09", year_group="5"), **plan_of())
    assert "phase-transfer" not in kinds(record)
    assert ("phase-transfer", "2027-02-14") in dues(record, DeadlineSettings(phase_transfer_year_groups=("5",)))


def test_settings_change_the_intervals():
    settings = DeadlineSettings(plan_within_days=28, parent_meeting_interval_days=90, retention_years=25,
                                under_five_review_months=4)
    assert ("plan", "2026-02-07") in dues(base(cycles=[cycle("assess", opened="2026-01-10")]), settings)
    assert ("parent-meeting", "2026-04-10") in dues(base(), settings)
    assert ("retention", "2041-05-14") in dues(base(status="closed", closed={"date": "2026-01-01", "reason": "x"}),
                                               settings)
    young = dict(status="ehc-plan", child={"name": "I", "date_of_birth": "2023-06-11", "setting": "early-years"},
                 ehc=ehc(final_plan="2026-08-31"))
    assert ("ehc-early-review", "2026-12-31") in dues(base(**young), settings)
    transferred = dict(status="closed", closed={"date": "2026-07-17", "reason": "moved-school",
                                                "transferred": "2026-07-20"})
    assert ("retention", "2026-07-27") in dues(base(**transferred), DeadlineSettings(keep_after_transfer_days=7))


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


def test_an_exception_explains_only_the_assessment_clocks():
    record = base(status="ehc-plan", ehc=ehc(requested="2026-01-10", advice_requested="2026-02-01", decision={
        "date": "2026-02-10", "outcome": "assess"}, reviews=[{"meeting": "2026-05-10"}], exceptions=[
        {"date": "2026-02-20", "reason": "personal-circumstances"}]))
    explained = {d.kind: d.exception for d in record_deadlines(record, SETTINGS)}
    assert explained["ehc-advice"] and explained["ehc-issue-decision"] and explained["ehc-final-plan"]
    assert explained["ehc-review-report"] is None and explained["ehc-la-decision"] is None


def test_a_first_edition_applies_to_naming_other_kinds_is_ignored():
    record = base(status="ehc-plan", ehc=ehc(requested="2026-01-10", final_plan="2025-05-20", reviews=[
        {"meeting": "2026-05-10"}], exceptions=[{"date": "2026-05-20", "reason": "school-closure",
                                                 "applies_to": ["ehc-review-report", "ehc-decision"]}]))
    explained = {d.kind: d.exception for d in record_deadlines(record, SETTINGS)}
    assert explained["ehc-review-report"] is None and explained["ehc-decision"]


def test_an_exception_of_an_earlier_assessment_explains_nothing_now():
    record = base(ehc=ehc(requested="2026-09-01", exceptions=[{"date": "2026-02-01", "reason": "absence-from-area"}],
                          earlier_assessments=[{"requested": "2026-01-10", "decision": {
                              "date": "2026-03-01", "outcome": "not-assess"}}]))
    assert all(d.exception is None for d in record_deadlines(record, SETTINGS))


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
def test_school_days_agree_with_counting_weekdays_that_are_not_bank_holidays(start, count):
    from sendcli.core.dates import bank_holidays_in_england

    end = school_days_after(start, count)
    days = [date.fromordinal(start.toordinal() + n) for n in range(1, (end - start).days + 1)]
    weekdays = sum(1 for day in days if day.weekday() < 5 and day not in bank_holidays_in_england(day.year))
    assert weekdays == count and end.weekday() < 5 and end not in bank_holidays_in_england(end.year)
