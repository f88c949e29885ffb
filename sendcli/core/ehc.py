"""EHC needs assessment and plan events (rules.md, "EHC events"; cli.md, ``sendcli ehc``).

Each event is a pure step like those of :mod:`sendcli.core.workflow`: it
returns the edits that record it, or a refusal when it comes out of order (no
decision before a request, no final plan before a decision to assess and a
draft, no review report before a review meeting).
"""

from __future__ import annotations

from datetime import date

from sendcli.core import codes
from sendcli.core.dates import parse_iso_date
from sendcli.core.deadlines import EXCEPTION_REASONS
from sendcli.core.workflow import Change, Edit, Outcome, Refusal

EVENTS = codes.EHC_EVENTS
DECISION_OUTCOMES = codes.EHC_DECISION_OUTCOMES
LA_OUTCOMES = codes.EHC_LA_OUTCOMES
TRANSFER_TO = codes.EHC_TRANSFER_TO


def _refuse_dates(on: date, today: date, earliest: date | None, what: str) -> list[str]:
    reasons = []
    if on > today:
        reasons.append(f"the date {on} is in the future (today is {today})")
    if earliest is not None and on < earliest:
        reasons.append(f"the date {on} is before {what} ({earliest})")
    return reasons


def _latest_review(ehc: dict) -> tuple[int, dict] | None:
    reviews = ehc.get("reviews") or []
    return (len(reviews) - 1, reviews[-1]) if reviews else None


def record_event(record: dict, event: str, on: date, today: date, *, outcome: str | None = None,
                 year: int | None = None, to: str | None = None, reason: str | None = None,
                 note: str | None = None, local_authority: str | None = None) -> Outcome:
    """Record one EHC event dated ``on``."""
    ehc = record.get("ehc") or {}
    requested = parse_iso_date(ehc.get("requested"))
    decision = ehc.get("decision") or {}
    decided = parse_iso_date(decision.get("date"))
    draft = parse_iso_date(ehc.get("draft_plan"))
    final = parse_iso_date(ehc.get("final_plan"))

    if record.get("status") == codes.CLOSED:
        return Refusal(["the record is closed: EHC events are no longer recorded on it"])

    if event == "request":
        if requested:
            return Refusal([f"an EHC needs assessment was already requested on {requested}"])
        reasons = _refuse_dates(on, today, None, "")
        if reasons:
            return Refusal(reasons)
        section: dict = {}
        if local_authority:
            section["local_authority"] = local_authority
        section.update({"requested": on, "decision": None, "draft_plan": None, "final_plan": None,
                        "reviews": [], "phase_transfer": None, "exceptions": []})
        edits = [Edit(("ehc",), section)] if not ehc else [Edit(("ehc", "requested"), on)]
        return Change(edits, "EHC needs assessment requested")

    if event == "exception":
        if not requested:
            return Refusal(["no EHC needs assessment request is recorded: an exception explains its delays"])
        if reason not in EXCEPTION_REASONS:
            return Refusal([f"the reason must be one of {', '.join(EXCEPTION_REASONS)}"])
        reasons = _refuse_dates(on, today, requested, "the request")
        if reasons:
            return Refusal(reasons)
        item: dict = {"date": on, "reason": reason}
        if note:
            item["note"] = note
        return Change([Edit(("ehc", "exceptions"), item, append=True)], f"EHC exception recorded ({reason})")

    if event == "decision":
        if not requested:
            return Refusal(["no request is recorded: record it first with 'sendcli ehc request'"])
        if decision:
            return Refusal([f"the decision was already recorded ({decision.get('outcome')}, {decided})"])
        reasons = _refuse_dates(on, today, requested, "the request")
        if reasons:
            return Refusal(reasons)
        return Change([Edit(("ehc", "decision"), {"date": on, "outcome": outcome})],
                      f"EHC decision: {outcome}")

    if event in ("not-issue", "draft", "final"):
        if decision.get("outcome") != "assess":
            return Refusal(["there is no decision to assess: record it with 'sendcli ehc decision --outcome assess'"])
        if final:
            return Refusal([f"the final plan was already issued on {final}"])
        if ehc.get("not_issued"):
            return Refusal([f"the local authority decided on {ehc['not_issued']} not to issue a plan"])
        if event == "not-issue":
            reasons = _refuse_dates(on, today, decided, "the decision to assess")
            return Refusal(reasons) if reasons else Change([Edit(("ehc", "not_issued"), on)],
                                                           "EHC: the local authority will not issue a plan")
        if event == "draft":
            if draft:
                return Refusal([f"the draft plan was already issued on {draft}"])
            reasons = _refuse_dates(on, today, decided, "the decision to assess")
            return Refusal(reasons) if reasons else Change([Edit(("ehc", "draft_plan"), on)], "EHC draft plan issued")
        if not draft:
            return Refusal(["no draft plan is recorded: a final plan follows the draft ('sendcli ehc draft')"])
        reasons = _refuse_dates(on, today, draft, "the draft plan")
        if reasons:
            return Refusal(reasons)
        return Change([Edit(("ehc", "final_plan"), on), Edit(("status",), codes.EHC_PLAN)],
                      "EHC plan finalised; status ehc-plan")

    if event in ("review", "transfer") and not final:
        return Refusal(["there is no final EHC plan to review or amend ('sendcli ehc final')"])

    if event == "review":
        latest = _latest_review(ehc)
        earliest = parse_iso_date(latest[1].get("meeting")) if latest else final
        reasons = _refuse_dates(on, today, earliest, "the last review meeting" if latest else "the final plan")
        if reasons:
            return Refusal(reasons)
        meeting = {"meeting": on, "report_sent": None, "la_decision": None, "amended_plan": None}
        return Change([Edit(("ehc", "reviews"), meeting, append=True)], "EHC annual review meeting held")

    if event in ("report", "la-decision", "amended"):
        latest = _latest_review(ehc)
        if latest is None:
            return Refusal(["no annual review meeting is recorded: 'sendcli ehc review' first"])
        index, review = latest
        meeting = parse_iso_date(review.get("meeting"))
        base = ("ehc", "reviews", index)
        if event == "report":
            if review.get("report_sent"):
                return Refusal([f"the report of the review of {meeting} was already sent ({review['report_sent']})"])
            reasons = _refuse_dates(on, today, meeting, "the review meeting")
            return Refusal(reasons) if reasons else Change([Edit((*base, "report_sent"), on)],
                                                           "EHC review report sent")
        if event == "la-decision":
            if review.get("la_decision"):
                return Refusal([f"the local authority's decision on the review of {meeting} is already recorded"])
            reasons = _refuse_dates(on, today, meeting, "the review meeting")
            if reasons:
                return Refusal(reasons)
            edits = [Edit((*base, "la_decision"), {"date": on, "outcome": outcome})]
            summary = f"EHC review decision: {outcome}"
            if outcome == "cease":
                edits.append(Edit(("status",), codes.SEN_SUPPORT))
                summary += "; the plan ceases, status sen-support"
            return Change(edits, summary)
        la_decision = review.get("la_decision") or {}
        if la_decision.get("outcome") != "amend":
            return Refusal(["the local authority has not decided to amend the plan after the last review"])
        if review.get("amended_plan"):
            return Refusal([f"the amended plan was already issued ({review['amended_plan']})"])
        reasons = _refuse_dates(on, today, parse_iso_date(la_decision.get("date")), "the decision to amend")
        return Refusal(reasons) if reasons else Change([Edit((*base, "amended_plan"), on)], "EHC amended plan issued")

    if event == "transfer":
        if year is None or to not in TRANSFER_TO:
            return Refusal(["give --year YYYY and --to school or post-16"])
        reasons = _refuse_dates(on, today, final, "the final plan")
        if reasons:
            return Refusal(reasons)
        transfer = {"year": year, "to": to, "amended": None}
        return Change([Edit(("ehc", "phase_transfer"), transfer)], f"EHC phase transfer to {to} in {year}")

    if event == "transfer-amended":
        transfer = ehc.get("phase_transfer") or {}
        if not transfer:
            return Refusal(["no phase transfer is recorded: 'sendcli ehc transfer --year YYYY --to ...' first"])
        if transfer.get("amended"):
            return Refusal([f"the plan was already amended for the transfer ({transfer['amended']})"])
        reasons = _refuse_dates(on, today, final, "the final plan")
        return Refusal(reasons) if reasons else Change([Edit(("ehc", "phase_transfer", "amended"), on)],
                                                       "EHC plan amended for the phase transfer")

    return Refusal([f"unknown EHC event '{event}'"])
