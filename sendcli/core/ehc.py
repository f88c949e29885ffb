"""EHC needs assessment and plan events (``sendcli ehc``; the README's "The EHC timeline").

Each event is a pure step like those of :mod:`sendcli.core.workflow`: it
returns the edits that record it, or a refusal when it comes out of order (no
decision before a request, no final plan before a decision to assess and a
draft, no review report before a review meeting). What another body did late
is recorded as it happened, with a warning naming the duty.
"""

from __future__ import annotations

from datetime import date, timedelta

from sendcli.core import codes
from sendcli.core.dates import parse_iso_date
from sendcli.core.deadlines import EXCEPTION_REASONS, closure_exception_problems, plan_date
from sendcli.core.workflow import Change, Edit, Outcome, Refusal

EVENTS = codes.EHC_EVENTS
DECISION_OUTCOMES = codes.EHC_DECISION_OUTCOMES
LA_OUTCOMES = codes.EHC_LA_OUTCOMES
TRANSFER_TO = codes.EHC_TRANSFER_TO
CEASED_TO = codes.EHC_CEASED_TO
#: The family's time to comment on a draft plan before it is finalised (Regs 13(1)).
FAMILY_COMMENT_DAYS = 15
#: What a new assessment moves into ``earlier_assessments`` when it starts.
ASSESSMENT_FIELDS = ("requested", "advice_requested", "advice_given", "decision", "not_issued", "draft_plan")
#: How a refusal names what an item already has.
ANSWER_WORDS = {"report_sent": "report", "la_decision": "local authority's decision", "notice_sent": "notice",
                "replied": "reply"}


def _refuse_dates(on: date, today: date, earliest: date | None, what: str) -> list[str]:
    reasons = []
    if on > today:
        reasons.append(f"the date {on} is in the future (today is {today})")
    if earliest is not None and on < earliest:
        reasons.append(f"the date {on} is before {what} ({earliest})")
    return reasons


def _dated(on: date, today: date, earliest: date | None, what: str, change: Change) -> Outcome:
    reasons = _refuse_dates(on, today, earliest, what)
    return Refusal(reasons) if reasons else change


def _waiting(items: list, key: str, chosen: date | None, field: str, what: str) -> tuple[int, dict] | Refusal:
    """The item of ``items`` an answer is for: the one whose ``key`` is ``chosen``, else the earliest
    still waiting for ``field``."""
    indexed = [(i, item) for i, item in enumerate(items) if isinstance(item, dict)]
    if chosen is not None:
        for index, item in indexed:
            if parse_iso_date(item.get(key)) == chosen:
                return index, item
        known = ", ".join(str(item.get(key)) for _, item in indexed) or "none"
        return Refusal([f"no {what} on {chosen} is recorded (recorded: {known})"])
    waiting = sorted(((parse_iso_date(item.get(key)) or date.max, index, item) for index, item in indexed
                      if not item.get(field)), key=lambda found: found[:2])
    if not waiting:
        answer = ANSWER_WORDS.get(field, field.replace("_", " "))
        return Refusal([f"every {what} recorded already has its {answer}"], final=True)
    return waiting[0][1], waiting[0][2]


def record_event(record: dict, event: str, on: date, today: date, *, outcome: str | None = None,
                 year: int | None = None, to: str | None = None, reason: str | None = None,
                 note: str | None = None, local_authority: str | None = None, issued: date | None = None,
                 last_review: date | None = None, authority: str | None = None, reference: str | None = None,
                 reply_by: date | None = None, meeting: date | None = None, closed_from: date | None = None,
                 closed_to: date | None = None, advice_requested: date | None = None) -> Outcome:
    """Record one EHC event dated ``on``."""
    ehc = record.get("ehc") or {}
    if record.get("status") == codes.CLOSED:
        return Refusal(["the record is closed: EHC events are no longer recorded on it"], final=True)
    if event == "existing":
        return _existing(ehc, on, today, issued, last_review, authority, reference)
    if event == "request":
        return _request(ehc, on, today, local_authority)
    if event in ("advice-requested", "advice-given"):
        return _advice(ehc, event, on, today)
    if event in ("consulted", "consultation-reply"):
        return _consultation(ehc, event, on, today, reply_by)
    if event == "exception":
        return _exception(ehc, on, today, reason, note, closed_from, closed_to, advice_requested)
    if event in ("decision", "not-issue", "draft", "final"):
        return _assessment(ehc, event, on, today, outcome)
    plan = plan_date(ehc)
    if event in ("review", "review-planned", "transfer") and plan is None:
        return Refusal(["there is no EHC plan to review or amend: record the final plan ('sendcli ehc final') "
                        "or a plan made before the casebook ('sendcli ehc existing')"])
    if event in ("review-planned", "review-notice-sent", "review"):
        return _review_meeting(ehc, event, on, today, meeting, plan)
    if event in ("report", "la-decision", "amended", "ceased"):
        return _after_review(ehc, event, on, today, outcome, meeting, to)
    if event in ("transfer", "transfer-amended"):
        return _transfer(ehc, event, on, today, year, to, first_issued(ehc))
    return Refusal([f"unknown EHC event '{event}'"])


def _existing(ehc: dict, on: date, today: date, issued: date | None, last_review: date | None,
              authority: str | None, reference: str | None) -> Outcome:
    """A plan made before the casebook, or by another authority: its annual review runs from it."""
    if issued is None:
        return Refusal(["give the plan's issue date: --issued YYYY-MM-DD"])
    if ehc.get("existing_plan"):
        return Refusal([f"a plan made before the casebook is already recorded (issued "
                        f"{ehc['existing_plan'].get('issued')}): change it with 'sendcli edit'"], final=True)
    if final := parse_iso_date(ehc.get("final_plan")):
        return Refusal([f"the final plan of {final} is already recorded: its annual review runs from it"], final=True)
    reasons = _refuse_dates(issued, today, None, "")
    if on > today:
        reasons.append(f"the date {on} is in the future (today is {today})")
    if last_review is not None:
        reasons += _refuse_dates(last_review, today, issued, "the plan's issue date")
    if reasons:
        return Refusal(reasons)
    plan = {"issued": issued, "last_review": last_review, "authority": authority, "reference": reference}
    return Change([Edit(("ehc", "existing_plan"), plan), Edit(("status",), codes.EHC_PLAN)],
                  f"EHC plan issued {issued} recorded; status ehc-plan")


def _request(ehc: dict, on: date, today: date, local_authority: str | None) -> Outcome:
    requested = parse_iso_date(ehc.get("requested"))
    decision = ehc.get("decision") or {}
    edits: list[Edit] = []
    summary = "EHC needs assessment requested"
    if requested:
        if not (decision.get("outcome") == "not-assess" or ehc.get("not_issued")):
            return Refusal([f"an EHC needs assessment was already requested on {requested}"], final=True)
        # A new request after a decision not to assess or not to issue starts a new assessment;
        # the earlier one stays in the record.
        ended = decision.get("date") or ehc.get("not_issued")
        reasons = _refuse_dates(on, today, parse_iso_date(ended), "the end of the last assessment")
        if reasons:
            return Refusal(reasons)
        earlier = {key: ehc[key] for key in ASSESSMENT_FIELDS if ehc.get(key)}
        edits.append(Edit(("ehc", "earlier_assessments"), earlier, append=True))
        edits += [Edit(("ehc", key), None) for key in ASSESSMENT_FIELDS if key in ehc and key != "requested"]
        edits.append(Edit(("ehc", "requested"), on))
        return Change(edits, summary + "; a new assessment starts (the earlier one stays in the record)")
    reasons = _refuse_dates(on, today, None, "")
    if reasons:
        return Refusal(reasons)
    if not ehc:
        section: dict = {}
        if local_authority:
            section["local_authority"] = local_authority
        section.update({"requested": on, "decision": None, "draft_plan": None, "final_plan": None,
                        "reviews": [], "phase_transfer": None, "exceptions": []})
        return Change([Edit(("ehc",), section)], summary)
    if local_authority and not ehc.get("local_authority"):
        edits.append(Edit(("ehc", "local_authority"), local_authority))
    return Change([*edits, Edit(("ehc", "requested"), on)], summary)


def _advice(ehc: dict, event: str, on: date, today: date) -> Outcome:
    asked = parse_iso_date(ehc.get("advice_requested"))
    if event == "advice-requested":
        if asked:
            return Refusal([f"the authority's request for advice of {asked} is already recorded"], final=True)
        return _dated(on, today, None, "", Change([Edit(("ehc", "advice_requested"), on)],
                                                 "the authority asked the setting for advice (due in 6 weeks, "
                                                 "Regs 8)"))
    if not asked:
        return Refusal(["no request for advice is recorded: 'sendcli ehc advice-requested' first"])
    if given := parse_iso_date(ehc.get("advice_given")):
        return Refusal([f"the setting's advice was already given on {given}"], final=True)
    return _dated(on, today, asked, "the request for advice",
                  Change([Edit(("ehc", "advice_given"), on)], "the setting's advice sent to the authority"))


def _consultation(ehc: dict, event: str, on: date, today: date, reply_by: date | None) -> Outcome:
    if event == "consulted":
        if reply_by is None:
            return Refusal(["give the date the authority wants a reply by: --reply-by YYYY-MM-DD"])
        reasons = _refuse_dates(on, today, None, "")
        if reply_by < on:
            reasons.append(f"the reply-by date {reply_by} is before the consultation ({on})")
        if reasons:
            return Refusal(reasons)
        return Change([Edit(("ehc", "consultations"), {"date": on, "reply_by": reply_by, "replied": None},
                            append=True)], f"the authority consulted the setting; reply by {reply_by} (CFA s.39)")
    found = _waiting(ehc.get("consultations") or [], "date", None, "replied", "consultation")
    if isinstance(found, Refusal):
        if not ehc.get("consultations"):
            return Refusal(["no consultation is recorded: 'sendcli ehc consulted --reply-by DATE' first"])
        return found
    index, consultation = found
    return _dated(on, today, parse_iso_date(consultation.get("date")), "the consultation",
                  Change([Edit(("ehc", "consultations", index, "replied"), on)], "the setting replied to "
                         f"the consultation of {consultation.get('date')}"))


def _exception(ehc: dict, on: date, today: date, reason: str | None, note: str | None, closed_from: date | None,
               closed_to: date | None, advice_requested: date | None) -> Outcome:
    requested = parse_iso_date(ehc.get("requested"))
    if not requested:
        return Refusal(["no EHC needs assessment request is recorded: an exception explains its delays"])
    if reason not in EXCEPTION_REASONS:
        return Refusal([f"the reason must be one of {', '.join(EXCEPTION_REASONS)}"])
    reasons = _refuse_dates(on, today, requested, "the request")
    item: dict = {"date": on, "reason": reason}
    if note:
        item["note"] = note
    for key, value in (("from", closed_from), ("to", closed_to), ("advice_requested", advice_requested)):
        if value is not None:
            item[key] = value
    if reason == "school-closure":
        problems = closure_exception_problems(item)
        if problems is None:
            reasons.append("a closure exception needs the closure's dates and the day the authority asked "
                           "for advice: --from DATE --to DATE --advice-requested DATE (Regs 5(4), 10(4), 13(3))")
        else:
            reasons += problems
    if reasons:
        return Refusal(reasons)
    return Change([Edit(("ehc", "exceptions"), item, append=True)], f"EHC exception recorded ({reason})")


def _assessment(ehc: dict, event: str, on: date, today: date, outcome: str | None) -> Outcome:
    requested = parse_iso_date(ehc.get("requested"))
    decision = ehc.get("decision") or {}
    decided = parse_iso_date(decision.get("date"))
    draft = parse_iso_date(ehc.get("draft_plan"))
    final = parse_iso_date(ehc.get("final_plan"))
    if event == "decision":
        if not requested:
            return Refusal(["no request is recorded: record it first with 'sendcli ehc request'"])
        if decision:
            return Refusal([f"the decision was already recorded ({decision.get('outcome')}, {decided})"], final=True)
        return _dated(on, today, requested, "the request",
                      Change([Edit(("ehc", "decision"), {"date": on, "outcome": outcome})], f"EHC decision: {outcome}"))
    if decision.get("outcome") != "assess":
        return Refusal(["there is no decision to assess: record it with 'sendcli ehc decision --outcome assess'"])
    if final and requested and final >= requested:
        return Refusal([f"the final plan was already issued on {final}"], final=True)
    if ehc.get("not_issued"):
        return Refusal([f"the local authority decided on {ehc['not_issued']} not to issue a plan"], final=True)
    if event == "not-issue":
        return _dated(on, today, decided, "the decision to assess",
                      Change([Edit(("ehc", "not_issued"), on)], "EHC: the local authority will not issue a plan"))
    if event == "draft":
        if draft:
            return Refusal([f"the draft plan was already issued on {draft}"], final=True)
        return _dated(on, today, decided, "the decision to assess",
                      Change([Edit(("ehc", "draft_plan"), on)], "EHC draft plan issued"))
    if not draft:
        return Refusal(["no draft plan is recorded: a final plan follows the draft ('sendcli ehc draft')"])
    warnings = []
    if on < draft + timedelta(days=FAMILY_COMMENT_DAYS):
        warnings.append(f"the final plan came {(on - draft).days} days after the draft of {draft}: the family "
                        f"has {FAMILY_COMMENT_DAYS} days to comment and ask for a school (Regs 13(1))")
    return _dated(on, today, draft, "the draft plan",
                  Change([Edit(("ehc", "final_plan"), on), Edit(("status",), codes.EHC_PLAN)],
                         "EHC plan finalised; status ehc-plan", warnings=warnings))


def _review_meeting(ehc: dict, event: str, on: date, today: date, meeting: date | None, plan: date | None) -> Outcome:
    if event == "review-planned":
        if meeting is None:
            return Refusal(["give the meeting's date: --meeting YYYY-MM-DD"])
        reasons = _refuse_dates(on, today, None, "")
        reasons += [] if plan is None or meeting >= plan else [f"the meeting {meeting} is before the plan ({plan})"]
        if reasons:
            return Refusal(reasons)
        notice = meeting - timedelta(days=14)
        return Change([Edit(("ehc", "planned_reviews"), {"meeting": meeting, "notice_sent": None}, append=True)],
                      f"EHC review meeting planned for {meeting}: invitations and advice out by {notice} "
                      "(Regs 20(3), 20(4))")
    if event == "review-notice-sent":
        planned = ehc.get("planned_reviews") or []
        if not planned:
            return Refusal(["no review meeting is planned: 'sendcli ehc review-planned --meeting DATE' first"])
        found = _waiting(planned, "meeting", meeting, "notice_sent", "planned review meeting")
        if isinstance(found, Refusal):
            return found
        index, item = found
        summary = f"invitations and advice sent for the review of {item.get('meeting')}"
        edit = Edit(("ehc", "planned_reviews", index, "notice_sent"), on)
        return _dated(on, today, None, "", Change([edit], summary))
    reviews = ehc.get("reviews") or []
    meetings = [d for r in reviews if isinstance(r, dict) and (d := parse_iso_date(r.get("meeting")))]
    earliest = max(meetings) if meetings else plan
    reasons = _refuse_dates(on, today, earliest, "the last review meeting" if meetings else "the plan")
    if reasons:
        return Refusal(reasons)
    item = {"meeting": on, "report_sent": None, "la_decision": None, "amended_plan": None}
    return Change([Edit(("ehc", "reviews"), item, append=True)], "EHC annual review meeting held")


def _after_review(ehc: dict, event: str, on: date, today: date, outcome: str | None, meeting: date | None,
                  to: str | None) -> Outcome:
    reviews = ehc.get("reviews") or []
    if not reviews:
        return Refusal(["no annual review meeting is recorded: 'sendcli ehc review' first"])
    if event == "report":
        found = _waiting(reviews, "meeting", meeting, "report_sent", "review meeting")
    elif event == "la-decision":
        found = _waiting(reviews, "meeting", meeting, "la_decision", "review meeting")
    else:
        wanted = "amend" if event == "amended" else "cease"
        candidates = [(i, r) for i, r in enumerate(reviews) if isinstance(r, dict)
                      and (r.get("la_decision") or {}).get("outcome") == wanted
                      and (meeting is None or parse_iso_date(r.get("meeting")) == meeting)]
        if not candidates:
            return Refusal([f"the local authority has not decided to {wanted} the plan after a review"])
        found = candidates[-1] if event == "ceased" else next(
            ((i, r) for i, r in candidates if not r.get("amended_plan")), candidates[-1])
    if isinstance(found, Refusal):
        return found
    index, review = found
    held = parse_iso_date(review.get("meeting"))
    base = ("ehc", "reviews", index)
    if event == "report":
        if review.get("report_sent"):
            return Refusal([f"the report of the review of {held} was already sent ({review['report_sent']})"],
                           final=True)
        return _dated(on, today, held, "the review meeting",
                      Change([Edit((*base, "report_sent"), on)], f"EHC review report sent (meeting of {held})"))
    if event == "la-decision":
        if review.get("la_decision"):
            return Refusal([f"the local authority's decision on the review of {held} is already recorded"], final=True)
        summary = f"EHC review decision: {outcome} (meeting of {held})"
        if outcome == "cease":
            # CFA s.45: the plan stays in force through the 2 months to appeal, or until an appeal is decided.
            summary += "; the plan stays in force until 'sendcli ehc ceased'"
        return _dated(on, today, held, "the review meeting",
                      Change([Edit((*base, "la_decision"), {"date": on, "outcome": outcome})], summary))
    decided = parse_iso_date((review.get("la_decision") or {}).get("date"))
    if event == "amended":
        if review.get("amended_plan"):
            return Refusal([f"the amended plan was already issued ({review['amended_plan']})"], final=True)
        return _dated(on, today, decided, "the decision to amend",
                      Change([Edit((*base, "amended_plan"), on)], "EHC amended plan issued"))
    if ceased := (ehc.get("ceased") or {}).get("date"):
        return Refusal([f"the plan already ceased on {ceased}"], final=True)
    status = to or codes.SEN_SUPPORT
    return _dated(on, today, decided, "the decision to cease",
                  Change([Edit(("ehc", "ceased"), {"date": on, "to": status}), Edit(("status",), status)],
                         f"the EHC plan has ceased; status {status}"))


def first_issued(ehc: dict) -> date | None:
    """When the plan in force was first issued: a transfer may be recorded on any day since, even
    before the last annual review of a plan made before the casebook."""
    existing = ehc.get("existing_plan") or {}
    return parse_iso_date(ehc.get("final_plan")) or parse_iso_date(existing.get("issued"))


def _transfer(ehc: dict, event: str, on: date, today: date, year: int | None, to: str | None,
              plan: date | None) -> Outcome:
    if event == "transfer":
        if year is None or to not in TRANSFER_TO:
            return Refusal(["give --year YYYY and --to school or post-16"])
        return _dated(on, today, plan, "the plan", Change([Edit(("ehc", "phase_transfer"),
                                                                {"year": year, "to": to, "amended": None})],
                                                          f"EHC phase transfer to {to} in {year}"))
    transfer = ehc.get("phase_transfer") or {}
    if not transfer:
        return Refusal(["no phase transfer is recorded: 'sendcli ehc transfer --year YYYY --to ...' first"])
    if transfer.get("amended"):
        return Refusal([f"the plan was already amended for the transfer ({transfer['amended']})"], final=True)
    return _dated(on, today, plan, "the plan", Change([Edit(("ehc", "phase_transfer", "amended"), on)],
                                                      "EHC plan amended for the phase transfer"))
