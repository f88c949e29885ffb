"""The graduated approach: Assess, Plan, Do, Review, and the gates between (CoP 6.44-6.56).

Each step is a pure function of the record (plain data, as the checker read
it), its options and the step's date. It returns a :class:`Change` — edits to
make, described as :class:`Edit` values — or a :class:`Refusal` naming every
unmet requirement, in words a SENCO understands, with the Code's paragraph.
Nothing here reads files or the clock; the edge applies the edits to the
file, keeping its comments and layout.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from sendcli.core import codes
from sendcli.core.dates import is_young_person, parse_iso_date

PARENT_ROLES = frozenset({"parent", "carer"})
YOUNG_PERSON = "young-person"
PUPIL_VIEW_SOURCES = frozenset({"child", YOUNG_PERSON})
RATINGS, DECISIONS, VIEW_SOURCES = codes.RATINGS, codes.DECISIONS, codes.VIEW_SOURCES
#: Outcomes and provision are added while the plan is being made; once it is
#: agreed they change only through ``edit`` or the next cycle (rules.md).
PLANNING_STAGES = ("assess", "plan")


@dataclass(frozen=True)
class Edit:
    """Set ``path`` to ``value``, or append ``value`` to the list at ``path``."""

    path: tuple
    value: object
    append: bool = False


@dataclass
class Change:
    edits: list[Edit]
    #: What changed, for the user and for a git commit message.
    summary: str
    #: The new item's ID (``o1``, ``p2``), printed for scripts.
    created_id: str | None = None
    #: Things worth saying that do not stop the step (rules.md: do → review).
    warnings: list[str] = field(default_factory=list)


@dataclass
class Refusal:
    reasons: list[str]


Outcome = Change | Refusal


# -- reading the record ---------------------------------------------------------------

def open_cycle_index(record: dict) -> int | None:
    cycles = record.get("cycles") or []
    if cycles and cycles[-1].get("stage") != "closed":
        return len(cycles) - 1
    return None


def _date_of_birth(record: dict) -> date:
    born = parse_iso_date(record["child"]["date_of_birth"])
    assert born is not None  # the record was checked before any step
    return born


def family_roles(record: dict, on: date) -> frozenset[str]:
    """Who speaks for the family on ``on``: the young person from the last Friday
    of June of the school year they turn 16, else a parent or carer (CoP 8.13-8.15)."""
    return frozenset({YOUNG_PERSON}) if is_young_person(_date_of_birth(record), on) else PARENT_ROLES


def _family_words(record: dict, on: date) -> str:
    return "the young person" if is_young_person(_date_of_birth(record), on) else "a parent or carer"


def _views_since(record: dict, since: date, sources: frozenset[str], until: date = date.max) -> list[dict]:
    """Views from ``sources`` dated from ``since`` to ``until``: a gate is judged on the date of the step."""
    return [view for view in record.get("views") or []
            if view.get("from") in sources and since <= (parse_iso_date(view.get("date")) or date.min) <= until]


def _next_id(prefix: str, items: list[dict]) -> str:
    numbers = [int(match.group(1)) for item in items
               if (match := re.fullmatch(prefix + r"(\d+)", str(item.get("id", ""))))]
    return f"{prefix}{max(numbers, default=0) + 1}"


def _check_step_date(record: dict, on: date, today: date, cycle: dict | None) -> list[str]:
    """A step's date: not in the future, not before the open cycle began (or the child was born)."""
    problems = []
    if on > today:
        problems.append(f"the date {on} is in the future (today is {today})")
    if cycle is not None:
        opened = parse_iso_date(cycle.get("opened"))
        if opened and on < opened:
            problems.append(f"the date {on} is before cycle {cycle['number']} opened ({opened})")
    elif on < _date_of_birth(record):
        problems.append(f"the date {on} is before the date of birth")
    return problems


def _needs_open_cycle(record: dict, what: str, stages: tuple[str, ...] | None = None) -> tuple[int, dict] | Refusal:
    index = open_cycle_index(record)
    if index is None:
        return Refusal([f"there is no open cycle to {what}; start one with: sendcli cycle open {record['id']}"])
    cycle = record["cycles"][index]
    if stages is not None and cycle["stage"] not in stages:
        return Refusal([f"cycle {cycle['number']} is in stage {cycle['stage']}; this is possible only in "
                        f"stage {' or '.join(stages)}"])
    return index, cycle


def _open_cycle_on(record: dict, what: str, on: date | None, today: date | None,
                   stages: tuple[str, ...] | None = None) -> tuple[int, dict] | Refusal:
    """The open cycle, in one of ``stages``, for a step dated ``on`` (not in the future, not before it opened)."""
    found = _needs_open_cycle(record, what, stages)
    if isinstance(found, Refusal):
        if stages == PLANNING_STAGES:
            found.reasons.extend(_after_agreement_hint(record))
        return found
    if on is not None and today is not None and (reasons := _check_step_date(record, on, today, found[1])):
        return Refusal(reasons)
    return found


# -- cycle open -------------------------------------------------------------------------

def open_cycle(record: dict, on: date, today: date, carry_forward: bool = False) -> Outcome:
    """Start a new cycle in stage assess (rules.md, "cycle open")."""
    reasons = []
    if record.get("status") == codes.CLOSED:
        reasons.append("the record is closed; no new cycle can start")
    cycles = record.get("cycles") or []
    current = open_cycle_index(record)
    if current is not None:
        reasons.append(f"cycle {cycles[current]['number']} is still open (stage {cycles[current]['stage']}); "
                       "review or close it first")
    reasons += _check_step_date(record, on, today, None)
    if cycles:
        last_move = max((parse_iso_date(h.get("date")) or date.min) for h in cycles[-1].get("history") or [{}])
        if on < last_move:
            reasons.append(f"the date {on} is before the previous cycle ended ({last_move})")
    if carry_forward and not cycles:
        reasons.append("--carry-forward needs an earlier cycle to carry outcomes from")
    if reasons:
        return Refusal(reasons)

    number = len(cycles) + 1
    cycle: dict = {"number": number, "opened": on, "stage": "assess", "history": [{"stage": "assess", "date": on}]}
    carried = _unachieved_outcomes(cycles[-1]) if carry_forward else []
    if carried:
        cycle["plan"] = {"outcomes": [
            {"id": f"o{position}", **{key: outcome[key] for key in ("area", "text", "criteria") if key in outcome},
             "carried_from": cycles[-1]["number"]}
            for position, outcome in enumerate(carried, start=1)]}
    edits = [Edit(("cycles",), cycle, append=True)]
    summary = f"cycle {number} opened"
    if carried:
        summary += f", {len(carried)} outcome{'s' * (len(carried) != 1)} carried forward"
    if record.get("status") == codes.MONITORING:
        # A child on the monitoring list goes onto SEN support (rules.md, "cycle open").
        edits.append(Edit(("status",), codes.SEN_SUPPORT))
        register = record.get("register") or {}
        if not register.get("entered"):  # rules.md: set if empty
            edits.append(Edit(("register", "entered"), on))
        if register.get("left"):  # back on the register
            edits.append(Edit(("register", "left"), None))
        summary += "; now on SEN support"
    return Change(edits, summary)


def _unachieved_outcomes(cycle: dict) -> list[dict]:
    ratings = {p.get("outcome"): p.get("rating") for p in (cycle.get("review") or {}).get("progress") or []}
    return [o for o in (cycle.get("plan") or {}).get("outcomes") or [] if ratings.get(o.get("id")) != "achieved"]


# -- cycle advance --------------------------------------------------------------------------

def advance_cycle(record: dict, on: date, today: date, review_date: date | None = None,
                  agreed_with: tuple[str, ...] = ()) -> Outcome:
    """Move the open cycle one stage on, through its gate (rules.md, "The cycle's gates")."""
    found = _needs_open_cycle(record, "advance", ("assess", "plan", "do"))
    if isinstance(found, Refusal):
        if open_cycle_index(record) is not None:
            found.reasons.append(f"record the review with: sendcli cycle review {record['id']} --decision ...")
        return found
    index, cycle = found
    stage = cycle["stage"]
    reasons = _check_step_date(record, on, today, cycle)
    last_move = parse_iso_date((cycle.get("history") or [{}])[-1].get("date"))
    if last_move and on < last_move:
        reasons.append(f"the date {on} is before the cycle's last move ({last_move})")
    base = ("cycles", index)
    edits: list[Edit] = []
    warnings: list[str] = []
    if stage != "plan" and (review_date is not None or agreed_with):
        reasons.append(f"--review-date and --agreed-with belong to the move plan → do; cycle {cycle['number']} "
                       f"is in {stage} (to change a review date, use sendcli edit)")
    if stage == "assess":
        next_stage = "plan"
        reasons += _assess_to_plan_unmet(record, cycle, on)
    elif stage == "plan":
        next_stage = "do"
        unmet, edits = _plan_to_do(record, cycle, base, on, review_date, agreed_with)
        reasons += unmet
    else:
        next_stage = "review"
        planned = parse_iso_date((cycle.get("plan") or {}).get("review_date"))
        if planned and planned > on:
            warnings.append(f"the review date {planned} is still ahead: reviewing early")
    if reasons:
        return Refusal(reasons)
    edits.append(Edit((*base, "stage"), next_stage))
    edits.append(Edit((*base, "history"), {"stage": next_stage, "date": on}, append=True))
    return Change(edits, f"cycle {cycle['number']} {stage} → {next_stage}", warnings=warnings)


def _assess_to_plan_unmet(record: dict, cycle: dict, on: date) -> list[str]:
    """CoP 6.45: the assessment draws on evidence and the views of the pupil and parents."""
    opened = parse_iso_date(cycle["opened"]) or date.min
    unmet = []
    evidence = [item for item in (cycle.get("assess") or {}).get("evidence") or []
                if (parse_iso_date(item.get("date")) or date.max) <= on]
    if not evidence:
        unmet.append("no evidence is recorded in this cycle's assessment (CoP 6.45): "
                     f"sendcli add evidence {record['id']} --source ... --text ...")
    if not _views_since(record, opened, PUPIL_VIEW_SOURCES, on):
        who = "young person's" if is_young_person(_date_of_birth(record), on) else "child's"
        source = YOUNG_PERSON if who == "young person's" else "child"
        unmet.append(f"no view from the {who} own perspective since the cycle opened on {opened} (CoP 6.45): "
                     f"sendcli add view {record['id']} --from {source} --text ...")
    if not is_young_person(_date_of_birth(record), on) and not _views_since(record, opened, PARENT_ROLES, on):
        unmet.append(f"no view from a parent or carer since the cycle opened on {opened} (CoP 6.45): "
                     f"sendcli add view {record['id']} --from parent --text ...")
    return unmet


def _plan_to_do(record: dict, cycle: dict, base: tuple, on: date, review_date: date | None,
                agreed_with: tuple[str, ...]) -> tuple[list[str], list[Edit]]:
    """CoP 6.48: outcomes, provision and a clear date for review, agreed with the family (6.43)."""
    plan = cycle.get("plan") or {}
    outcomes = plan.get("outcomes") or []
    provision = plan.get("provision") or []
    outcome_ids = {o.get("id") for o in outcomes}
    unmet = []
    if not outcomes:
        unmet.append("the plan has no outcomes (CoP 6.48): sendcli add outcome "
                     f"{record['id']} --text ... --criteria ...")
    for outcome in outcomes:
        if not outcome.get("criteria"):
            unmet.append(f"outcome {outcome.get('id')} has no success criteria: how will you know it is met? "
                         "(CoP 6.48)")
    if not provision:
        unmet.append("the plan has no provision (CoP 6.48): sendcli add provision "
                     f"{record['id']} --text ... --outcome o1")
    for item in provision:
        if not any(ref in outcome_ids for ref in item.get("outcomes") or []):
            unmet.append(f"provision {item.get('id')} is not tied to an outcome of this cycle")
    planned = review_date or parse_iso_date(plan.get("review_date"))
    if planned is None:
        unmet.append("there is no date for review (CoP 6.48: \"a clear date for review\"): give --review-date")
    elif planned <= on:
        unmet.append(f"the review date {planned} must come after the plan is agreed ({on})")
    family = family_roles(record, on)
    already = list(plan.get("agreed_with") or [])
    added = [who for who in dict.fromkeys(agreed_with) if who not in already]
    if not family & set(already + added):
        unmet.append(f"the plan is not agreed with {_family_words(record, on)} (CoP 6.43, 6.48): give "
                     f"--agreed-with {sorted(family)[0] if family != PARENT_ROLES else 'parent'}")
    edits = [Edit((*base, "plan", "agreed"), on)]
    # Append new roles one by one: the list the user wrote (and its comments) stays as it is.
    edits += [Edit((*base, "plan", "agreed_with"), who, append=True) for who in added]
    if review_date is not None and review_date != parse_iso_date(plan.get("review_date")):
        edits.append(Edit((*base, "plan", "review_date"), review_date))
    return unmet, edits


# -- cycle review -----------------------------------------------------------------------------

def review_cycle(record: dict, on: date, today: date, decision: str, progress: dict[str, str],
                 attendees: tuple[str, ...] = ()) -> Outcome:
    """Record the review and close the cycle (CoP 6.54-6.56)."""
    found = _needs_open_cycle(record, "record a review", ("review",))
    if isinstance(found, Refusal):
        return found
    index, cycle = found
    reasons = _check_step_date(record, on, today, cycle)
    outcome_ids = [o.get("id") for o in (cycle.get("plan") or {}).get("outcomes") or []]
    for outcome_id in progress:
        if outcome_id not in outcome_ids:
            reasons.append(f"'{outcome_id}' is not an outcome of cycle {cycle['number']} "
                           f"(its outcomes: {', '.join(outcome_ids) or 'none'})")
    for outcome_id in outcome_ids:
        if outcome_id not in progress:
            reasons.append(f"outcome {outcome_id} has no rating: give --progress {outcome_id}=achieved, "
                           "partly-achieved or not-achieved (CoP 6.54)")
    entered_review = max((parse_iso_date(h.get("date")) or date.min for h in cycle.get("history") or []
                          if h.get("stage") == "review"), default=on)
    family = family_roles(record, on)
    if on < entered_review:
        reasons.append(f"the date {on} is before the cycle entered review ({entered_review})")
    if not family & set(attendees) and not _views_since(record, entered_review, family, on):
        reasons.append(f"{_family_words(record, on)} took no part: give --attendee "
                       f"{'young-person' if YOUNG_PERSON in family else 'parent'}, or record their view "
                       f"since {entered_review} (CoP 6.54-6.56)")
    if decision == "exit" and record.get("status") == codes.EHC_PLAN:
        reasons.append("an EHC plan ends only when the local authority ceases it (sendcli ehc la-decision "
                       "--outcome cease); choose continue or revise for this cycle")
    if reasons:
        return Refusal(reasons)
    base = ("cycles", index)
    review: dict = {"date": on}
    if attendees:
        review["attendees"] = list(dict.fromkeys(attendees))
    review["progress"] = [{"outcome": oid, "rating": progress[oid]} for oid in outcome_ids]
    review["decision"] = decision
    edits = [Edit((*base, "review"), review), Edit((*base, "stage"), "closed"),
             Edit((*base, "history"), {"stage": "closed", "date": on}, append=True)]
    summary = f"cycle {cycle['number']} reviewed ({decision}) and closed"
    if decision == "exit":
        # Off SEN support: back to the monitoring list, register exit date set.
        edits += [Edit(("status",), codes.MONITORING), Edit(("register", "left"), on)]
        summary += "; off SEN support"
    return Change(edits, summary)


# -- close ------------------------------------------------------------------------------------

def close_record(record: dict, on: date, today: date, reason: str) -> Outcome:
    """The child has left or the record is finished (cli.md, ``close``)."""
    reasons = []
    if record.get("status") == codes.CLOSED:
        reasons.append("the record is already closed")
    if on > today:
        reasons.append(f"the date {on} is in the future (today is {today})")
    if not reason.strip():
        reasons.append("give a reason (--reason moved, for a child who has left for another setting)")
    index = open_cycle_index(record)
    if index is not None:
        history = record["cycles"][index].get("history") or [{}]
        last_move = parse_iso_date(history[-1].get("date"))
        if last_move and on < last_move:
            reasons.append(f"the date {on} is before the open cycle's last move ({last_move})")
    if reasons:
        return Refusal(reasons)
    edits = [Edit(("status",), codes.CLOSED),
             Edit(("closed",), {"date": on, "reason": reason.strip(), "transferred": None})]
    if not (record.get("register") or {}).get("left") and (record.get("register") or {}).get("entered"):
        edits.append(Edit(("register", "left"), on))
    summary = f"record closed ({reason.strip()})"
    if index is not None:
        base = ("cycles", index)
        edits += [Edit((*base, "stage"), "closed"),
                  Edit((*base, "history"), {"stage": "closed", "date": on, "note": f"record closed: {reason.strip()}"},
                       append=True)]
        summary += f"; cycle {record['cycles'][index]['number']} closed with it"
    return Change(edits, summary)


# -- add --------------------------------------------------------------------------------------

def add_view(record: dict, on: date, today: date, source: str, text: str, by: str | None = None,
             how: str | None = None) -> Outcome:
    """The voice of the child or young person and the family (CoP 6.45)."""
    reasons = _check_step_date(record, on, today, None)
    if reasons:
        return Refusal(reasons)
    view: dict = {"date": on, "from": source}
    if by:
        view["by"] = by
    if how:
        view["how"] = how
    view["text"] = text
    return Change([Edit(("views",), view, append=True)], f"view from {source} added")


def add_meeting(record: dict, on: date, today: date, with_whom: tuple[str, ...], text: str) -> Outcome:
    """A meeting with the family: at least three a year (CoP 6.65)."""
    reasons = _check_step_date(record, on, today, None)
    if reasons:
        return Refusal(reasons)
    meeting = {"date": on, "with": list(dict.fromkeys(with_whom)), "text": text}
    return Change([Edit(("meetings",), meeting, append=True)], f"meeting with {', '.join(meeting['with'])} added")


def add_evidence(record: dict, on: date, today: date, source: str, text: str) -> Outcome:
    found = _open_cycle_on(record, "add evidence to", on, today)
    if isinstance(found, Refusal):
        return found
    index, cycle = found
    item = {"date": on, "source": source, "text": text}
    return Change([Edit(("cycles", index, "assess", "evidence"), item, append=True)],
                  f"cycle {cycle['number']}: evidence from {source} added")


def add_outcome(record: dict, text: str, criteria: str | None = None, area: str | None = None,
                on: date | None = None, today: date | None = None) -> Outcome:
    # Outcomes carry no date in the format, but a wrong one is still refused.
    found = _open_cycle_on(record, "add an outcome to", on, today, PLANNING_STAGES)
    if isinstance(found, Refusal):
        return found
    index, cycle = found
    outcomes = (cycle.get("plan") or {}).get("outcomes") or []
    outcome_id = _next_id("o", outcomes)
    item: dict = {"id": outcome_id}
    if area:
        item["area"] = area
    item["text"] = text
    if criteria:
        item["criteria"] = criteria
    return Change([Edit(("cycles", index, "plan", "outcomes"), item, append=True)],
                  f"cycle {cycle['number']}: outcome {outcome_id} added", created_id=outcome_id)


def add_provision(record: dict, text: str, kind: str | None = None, frequency: str | None = None,
                  minutes_per_week: int | None = None, staff: str | None = None, cost: float | None = None,
                  outcomes: tuple[str, ...] = (), on: date | None = None, today: date | None = None) -> Outcome:
    found = _open_cycle_on(record, "add provision to", on, today, PLANNING_STAGES)
    if isinstance(found, Refusal):
        return found
    index, cycle = found
    plan = cycle.get("plan") or {}
    known = [o.get("id") for o in plan.get("outcomes") or []]
    unknown = [ref for ref in outcomes if ref not in known]
    if unknown:
        return Refusal([f"'{ref}' is not an outcome of cycle {cycle['number']} (its outcomes: "
                        f"{', '.join(known) or 'none yet'})" for ref in unknown])
    provision_id = _next_id("p", plan.get("provision") or [])
    item: dict = {"id": provision_id}
    for key, value in (("kind", kind), ("text", text), ("frequency", frequency),
                       ("minutes_per_week", minutes_per_week), ("staff", staff), ("cost", cost)):
        if value is not None:
            item[key] = value
    if outcomes:
        item["outcomes"] = list(dict.fromkeys(outcomes))
    return Change([Edit(("cycles", index, "plan", "provision"), item, append=True)],
                  f"cycle {cycle['number']}: provision {provision_id} added", created_id=provision_id)


def _after_agreement_hint(record: dict) -> list[str]:
    index = open_cycle_index(record)
    if index is not None and record["cycles"][index]["stage"] not in PLANNING_STAGES:
        return ["once the plan is agreed, outcomes and provision change only through 'sendcli edit' "
                "or the next cycle (rules.md)"]
    return []


def add_note(record: dict, on: date, today: date, text: str, by: str | None = None) -> Outcome:
    """The do log: what happened while the provision ran."""
    found = _open_cycle_on(record, "add a note to", on, today, ("do", "review"))
    if isinstance(found, Refusal):
        return found
    index, cycle = found
    item: dict = {"date": on}
    if by:
        item["by"] = by
    item["text"] = text
    return Change([Edit(("cycles", index, "do", "log"), item, append=True)],
                  f"cycle {cycle['number']}: note added")


# -- transfer ---------------------------------------------------------------------------------

def mark_transferred(record: dict, on: date) -> Outcome:
    """The transfer pack was made: the ``file-transfer`` deadline is met (closed.transferred)."""
    closed = record.get("closed") or {}
    if record.get("status") != codes.CLOSED:
        return Refusal(["only a closed record records its transfer (sendcli close ID --reason moved)"])
    if closed.get("transferred"):
        return Refusal([f"the record was already transferred on {closed['transferred']}"])
    return Change([Edit(("closed", "transferred"), on)], "transfer pack made; file-transfer done")
