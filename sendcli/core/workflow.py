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
#: agreed they change only through ``edit`` or the next cycle (docs/rules.md).
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
    #: Things worth saying that do not stop the step (docs/rules.md: do → review).
    warnings: list[str] = field(default_factory=list)


@dataclass
class Refusal:
    reasons: list[str]
    #: True where nothing done later can make the step possible (already recorded, record
    #: closed): the message then says "cannot", never "cannot ... yet".
    final: bool = False


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


def representative(record: dict, on: date) -> str | None:
    """The role that decides for a young person who lacks capacity (CoP 8.14-8.15), from its ``since``
    date: ``child.represented_by.role``, else None."""
    represented_by = (record.get("child") or {}).get("represented_by")
    if not isinstance(represented_by, dict) or not represented_by.get("role"):
        return None
    since = parse_iso_date(represented_by.get("since"))
    return represented_by["role"] if since is None or since <= on else None


def family_roles(record: dict, on: date) -> frozenset[str]:
    """Who speaks for the family on ``on``: the young person from the day after the last Friday of
    June of the school year they turn 16 (CoP 8.13), or the role that represents a young person who
    lacks capacity (CoP 8.14-8.15); before then a parent or carer."""
    if not is_young_person(_date_of_birth(record), on):
        return PARENT_ROLES
    speaking_for = representative(record, on)
    return frozenset({YOUNG_PERSON, speaking_for} if speaking_for else {YOUNG_PERSON})


def _family_words(record: dict, on: date) -> str:
    if not is_young_person(_date_of_birth(record), on):
        return "a parent or carer"
    speaking_for = representative(record, on)
    return f"the young person or their representative ({speaking_for})" if speaking_for else "the young person"


def _family_role_hint(record: dict, on: date) -> str:
    """The word to suggest for --agreed-with / --attendee / --from."""
    family = family_roles(record, on)
    return "parent" if family == PARENT_ROLES else YOUNG_PERSON


#: Added to each unmet family requirement: the gate is a *should* of the Code
#: (docs/rules.md, "When the family cannot be reached").
WITHOUT_FAMILY_HINT = '; or, where the family cannot be reached: --without-family "REASON"'


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
    """Start a new cycle in stage assess (docs/rules.md, "The graduated approach": cycle open)."""
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
    carried: list[dict] = []
    if carry_forward:
        ratings = {p.get("outcome"): p.get("rating") for p in (cycles[-1].get("review") or {}).get("progress") or []}
        carried, _ = _carried_outcomes(cycles[-1], ratings)
    if carried:
        cycle["plan"] = {"outcomes": carried}
    edits = [Edit(("cycles",), cycle, append=True)]
    summary = f"cycle {number} opened"
    if carried:
        summary += f", {len(carried)} outcome{'s' * (len(carried) != 1)} carried forward"
    if record.get("status") == codes.MONITORING:
        # A child on the monitoring list goes onto SEN support (docs/rules.md, "The graduated approach": cycle open).
        edits.append(Edit(("status",), codes.SEN_SUPPORT))
        register = record.get("register") or {}
        if not register.get("entered"):  # docs/rules.md: set if empty
            edits.append(Edit(("register", "entered"), on))
        if register.get("left"):  # back on the register
            edits.append(Edit(("register", "left"), None))
        summary += "; now on SEN support"
    return Change(edits, summary)


# -- family gates ---------------------------------------------------------------------------

def _family_gate(unmet_family: list[str], without_family: str | None, what: str) -> tuple[list[str], list[str], str | None]:
    """A family gate is a *should* of the Code (CoP 6.45, 6.48, 6.54): unmet, it refuses with the way
    past it; passed with ``--without-family``, the reason is kept and the command warns, because the
    school must still tell the parents that SEN provision is being made (CFA s.68; CoP 6.43).

    Returns (requirements still unmet, warnings, the reason to write into the history entry)."""
    if not unmet_family:
        if without_family is not None:
            return [], [f"--without-family is not needed: the family took part in {what}; the reason is "
                        "not recorded"], None
        return [], [], None
    if without_family is None:
        return [reason + WITHOUT_FAMILY_HINT for reason in unmet_family], [], None
    warnings = [f"{what} goes ahead without the family ({without_family}): record a meeting or letter with "
                "them as soon as you can; the school must tell the parents that SEN provision is being made "
                "for their child (CFA s.68; CoP 6.43)"]
    return [], warnings, without_family


# -- cycle advance --------------------------------------------------------------------------

def advance_cycle(record: dict, on: date, today: date, review_date: date | None = None,
                  agreed_with: tuple[str, ...] = (), without_family: str | None = None) -> Outcome:
    """Move the open cycle one stage on, through its gate (docs/rules.md, "The graduated approach")."""
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
    passed_without_family = None
    if stage != "plan" and (review_date is not None or agreed_with):
        reasons.append(f"--review-date and --agreed-with belong to the move plan → do; cycle {cycle['number']} "
                       f"is in {stage} (to change a review date, use sendcli edit)")
    if stage == "assess":
        next_stage = "plan"
        unmet, unmet_family = _assess_to_plan_unmet(record, cycle, on)
        still, warnings, passed_without_family = _family_gate(unmet_family, without_family, "the assessment")
        reasons += unmet + still
    elif stage == "plan":
        next_stage = "do"
        unmet, unmet_family, edits = _plan_to_do(record, cycle, base, on, review_date, agreed_with)
        still, warnings, passed_without_family = _family_gate(unmet_family, without_family, "the plan")
        reasons += unmet + still
    else:
        next_stage = "review"
        if without_family is not None:
            warnings.append("--without-family is not needed: the move do → review has no family gate; "
                            "the reason is not recorded")
        planned = parse_iso_date((cycle.get("plan") or {}).get("review_date"))
        if planned and planned > on:
            warnings.append(f"the review date {planned} is still ahead: reviewing early")
    if reasons:
        return Refusal(reasons)
    edits.append(Edit((*base, "stage"), next_stage))
    entry: dict = {"stage": next_stage, "date": on}
    if passed_without_family:
        entry["without_family"] = passed_without_family
    edits.append(Edit((*base, "history"), entry, append=True))
    summary = f"cycle {cycle['number']} {stage} → {next_stage}"
    if passed_without_family:
        summary += " (without the family)"
    return Change(edits, summary, warnings=warnings)


def _assess_to_plan_unmet(record: dict, cycle: dict, on: date) -> tuple[list[str], list[str]]:
    """CoP 6.45: the assessment draws on evidence and the views of the pupil and parents.

    Returns (unmet requirements, unmet family requirements: those ``--without-family`` may pass)."""
    opened = parse_iso_date(cycle["opened"]) or date.min
    unmet, unmet_family = [], []
    evidence = [item for item in (cycle.get("assess") or {}).get("evidence") or []
                if (parse_iso_date(item.get("date")) or date.max) <= on]
    if not evidence:
        unmet.append("no evidence is recorded in this cycle's assessment (CoP 6.45): "
                     f"sendcli add evidence {record['id']} --source ... --text ...")
    if is_young_person(_date_of_birth(record), on):
        # The young person's own view is the family's view (CoP 8.13), or their representative's.
        if not _views_since(record, opened, family_roles(record, on), on):
            unmet_family.append(f"no view from {_family_words(record, on)} since the cycle opened on {opened} "
                                f"(CoP 6.45): sendcli add view {record['id']} --from {YOUNG_PERSON} --text ...")
        return unmet, unmet_family
    if not _views_since(record, opened, PUPIL_VIEW_SOURCES, on):
        unmet.append(f"no view from the child's own perspective since the cycle opened on {opened} (CoP 6.45): "
                     f"sendcli add view {record['id']} --from child --text ...")
    if not _views_since(record, opened, PARENT_ROLES, on):
        unmet_family.append(f"no view from a parent or carer since the cycle opened on {opened} (CoP 6.45): "
                            f"sendcli add view {record['id']} --from parent --text ...")
    return unmet, unmet_family


def _plan_to_do(record: dict, cycle: dict, base: tuple, on: date, review_date: date | None,
                agreed_with: tuple[str, ...]) -> tuple[list[str], list[str], list[Edit]]:
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
    unmet_family = []
    if not family & set(already + added):
        unmet_family.append(f"the plan is not agreed with {_family_words(record, on)} (CoP 6.43, 6.48): give "
                            f"--agreed-with {_family_role_hint(record, on)}")
    edits = [Edit((*base, "plan", "agreed"), on)]
    # Append new roles one by one: the list the user wrote (and its comments) stays as it is.
    edits += [Edit((*base, "plan", "agreed_with"), who, append=True) for who in added]
    if review_date is not None and review_date != parse_iso_date(plan.get("review_date")):
        edits.append(Edit((*base, "plan", "review_date"), review_date))
    return unmet, unmet_family, edits


# -- cycle review -----------------------------------------------------------------------------

#: Decisions that open the next cycle, and the stage it opens in (docs/rules.md, "What a review decides").
NEXT_CYCLE_STAGE = {"continue": "do", "request-ehc-assessment": "do", "revise": "plan"}


def review_cycle(record: dict, on: date, today: date, decision: str, progress: dict[str, str],
                 attendees: tuple[str, ...] = (), comments: dict[str, str] | None = None,
                 next_steps: str | None = None, ended: tuple[str, ...] = (), next_review: date | None = None,
                 without_family: str | None = None) -> Outcome:
    """Record the review and close the cycle (CoP 6.54-6.56); open the next one as the decision says.

    From stage ``do`` the review moves the cycle through ``review`` in the same step: one meeting,
    one command (``sendcli cycle review --help``).
    """
    comments = comments or {}
    found = _needs_open_cycle(record, "record a review", ("do", "review"))
    if isinstance(found, Refusal):
        return found
    index, cycle = found
    from_do = cycle["stage"] == "do"
    reasons = _check_step_date(record, on, today, cycle)
    plan = cycle.get("plan") or {}
    outcome_ids = [o.get("id") for o in plan.get("outcomes") or []]
    for option, named in (("--progress", progress), ("--comment", comments)):
        for outcome_id in named:
            if outcome_id not in outcome_ids:
                reasons.append(f"{option}: '{outcome_id}' is not an outcome of cycle {cycle['number']} "
                               f"(its outcomes: {', '.join(outcome_ids) or 'none'})")
    suggested = suggested_ratings(record, plan, on)
    for outcome_id in outcome_ids:
        if outcome_id not in progress:
            hint = ""
            if (suggestion := suggested.get(outcome_id)) is not None:
                hint = (f"; its readings suggest --progress {outcome_id}={suggestion.rating} "
                        f"({suggestion.numbers()}), but the rating is yours")
            reasons.append(f"outcome {outcome_id} has no rating: give --progress {outcome_id}=achieved, "
                           f"partly-achieved or not-achieved (CoP 6.54){hint}")
    provision = plan.get("provision") or []
    provision_ids = [item.get("id") for item in provision]
    for provision_id in dict.fromkeys(ended):
        if provision_id not in provision_ids:
            reasons.append(f"--end: '{provision_id}' is not provision of cycle {cycle['number']} "
                           f"(its provision: {', '.join(provision_ids) or 'none'})")
        elif (item := provision[provision_ids.index(provision_id)]).get("ended"):
            reasons.append(f"--end: provision {provision_id} already ended on {item['ended']}")
    history = cycle.get("history") or [{}]
    last_move = parse_iso_date(history[-1].get("date"))
    if from_do:
        entered_review = on
        if last_move and on < last_move:
            reasons.append(f"the date {on} is before the cycle's last move ({last_move})")
    else:
        entered_review = max((parse_iso_date(h.get("date")) or date.min for h in history
                              if h.get("stage") == "review"), default=on)
        if on < entered_review:
            reasons.append(f"the date {on} is before the cycle entered review ({entered_review})")
    family = family_roles(record, on)
    family_views = _views_since(record, entered_review, family, on)
    unmet_family = []
    if not family & set(attendees) and not family_views:
        unmet_family.append(f"{_family_words(record, on)} took no part: give --attendee "
                            f"{_family_role_hint(record, on)}, or record their view on or after {entered_review} "
                            "(CoP 6.54)")
    still, warnings, passed_without_family = _family_gate(unmet_family, without_family, "the review")
    reasons += still
    if decision == "exit" and record.get("status") == codes.EHC_PLAN:
        reasons.append("an EHC plan ends only when the local authority ceases it (sendcli ehc la-decision "
                       "--outcome cease); choose continue or revise for this cycle")
    if decision in ("continue", "request-ehc-assessment") and next_review is None:
        reasons.append(f"--decision {decision} opens the next cycle with the same plan: give its review date "
                       "with --next-review DATE (CoP 6.48: \"a clear date for review\")")
    if decision in ("continue", "request-ehc-assessment") and outcome_ids \
            and all(progress.get(oid) == "achieved" for oid in outcome_ids):
        reasons.append(f"every outcome is achieved, so no plan is left to go on: choose --decision revise "
                       "(to set new outcomes) or exit")
    if next_review is not None and decision == "exit":
        reasons.append("--next-review belongs to a decision that opens the next cycle (continue, revise, "
                       "request-ehc-assessment), not to exit")
    elif next_review is not None and next_review <= on:
        reasons.append(f"the next review date {next_review} must come after this review ({on})")
    if reasons:
        return Refusal(reasons)

    base = ("cycles", index)
    edits: list[Edit] = []
    for outcome_id, suggestion in suggested.items():
        if progress.get(outcome_id) != suggestion.rating:
            warnings.append(f"outcome {outcome_id} is rated {progress.get(outcome_id)}; its readings suggest "
                            f"{suggestion.rating} ({suggestion.numbers()}): your rating is the one recorded")
    if from_do:
        planned = parse_iso_date(plan.get("review_date"))
        if planned and planned > on:
            warnings.insert(0, f"the review date {planned} is still ahead: reviewing early")
        edits += [Edit((*base, "stage"), "review"),
                  Edit((*base, "history"), {"stage": "review", "date": on}, append=True)]
    review: dict = {"date": on}
    if attendees:
        review["attendees"] = list(dict.fromkeys(attendees))
    review["progress"] = [{"outcome": oid, "rating": progress[oid],
                           **({"text": comments[oid]} if oid in comments else {})} for oid in outcome_ids]
    review["decision"] = decision
    if next_steps:
        review["next_steps"] = next_steps
    edits.append(Edit((*base, "review"), review))
    edits += [Edit((*base, "plan", "provision", provision_ids.index(pid), "ended"), on)
              for pid in dict.fromkeys(ended)]
    closing: dict = {"stage": "closed", "date": on}
    if passed_without_family:
        closing["without_family"] = passed_without_family
    edits += [Edit((*base, "stage"), "closed"), Edit((*base, "history"), closing, append=True)]
    summary = f"cycle {cycle['number']} reviewed ({decision}) and closed"
    if decision == "exit":
        # Off SEN support: back to the monitoring list, register exit date set.
        edits += [Edit(("status",), codes.MONITORING), Edit(("register", "left"), on)]
        summary += "; off SEN support"
    if decision in NEXT_CYCLE_STAGE:
        # CoP 6.55-6.56: the next steps are decided at the review, with the pupil and parents; so the
        # plan that goes on is agreed on the review's date by those who took part in it.
        took_part = list(dict.fromkeys([*attendees, *(view["from"] for view in family_views)]))
        next_cycle, carry_warnings = _next_cycle(record, cycle, on, decision, next_review, took_part,
                                                 passed_without_family, set(ended), progress)
        warnings += carry_warnings
        edits.append(Edit(("cycles",), next_cycle, append=True))
        carried = (len((next_cycle.get("plan") or {}).get("outcomes") or []),
                   len((next_cycle.get("plan") or {}).get("provision") or []))
        summary += (f"; cycle {next_cycle['number']} opened in {next_cycle['stage']} with "
                    f"{_count(carried[0], 'outcome')} and {_count(carried[1], 'provision')} carried over")
        if next_review is not None:
            summary += f", review {next_review}"
    return Change(edits, summary, warnings=warnings)


def suggested_ratings(record: dict, plan: dict, on: date) -> dict:
    """For each measured outcome of ``plan`` with a reading by ``on``: the rating its readings suggest
    against its target (:func:`sendcli.core.measures.suggest_rating`). The rating is the review's
    judgement, made with the family (CoP 6.54): the readings inform it and never replace it."""
    from sendcli.core import measures

    found = {}
    for outcome in plan.get("outcomes") or []:
        series = measures.outcome_series(record, outcome)
        if series is not None and (suggestion := measures.suggest_rating(series, on)) is not None:
            found[outcome.get("id")] = suggestion
    return found


def _count(number: int, noun: str) -> str:
    plural = noun if noun == "provision" or number == 1 else noun + "s"
    return f"{number} {plural}"


def _carried_outcomes(cycle: dict, ratings: dict[str, str]) -> tuple[list[dict], dict[str, str]]:
    """The outcomes not achieved, as copies with new IDs noting where they came from ("2/o1"): every
    other field (criteria, area, a measure and its readings) goes with them. Also the map old → new ID."""
    def dated(mapping: dict, key: str) -> dict:
        """A copy of ``mapping`` with its ISO date text at ``key`` as a date (other text as it is)."""
        day = parse_iso_date(mapping.get(key))
        return {**mapping, key: day} if day is not None else dict(mapping)

    carried, renamed = [], {}
    for outcome in (cycle.get("plan") or {}).get("outcomes") or []:
        if ratings.get(outcome.get("id")) == "achieved":
            continue
        new_id = f"o{len(carried) + 1}"
        renamed[outcome.get("id")] = new_id
        copy = {"id": new_id, **{key: value for key, value in outcome.items() if key not in ("id", "carried_from")}}
        # The loaded record holds its dates as text; written back as text they would be quoted
        # ("2026-09-14") where the original has plain dates. The copy holds them as dates, and
        # holds its own measure and readings, not the earlier cycle's.
        if isinstance(outcome.get("measure"), dict):
            copy["measure"] = dated(outcome["measure"], "baseline_date")
        if isinstance(outcome.get("readings"), list):
            copy["readings"] = [dated(reading, "date") if isinstance(reading, dict) else reading
                                for reading in outcome["readings"]]
        copy["carried_from"] = f"{cycle['number']}/{outcome.get('id')}"
        carried.append(copy)
    return carried, renamed


def _next_cycle(record: dict, cycle: dict, on: date, decision: str, next_review: date | None,
                took_part: list[str], without_family: str | None, ended: set[str],
                ratings: dict[str, str]) -> tuple[dict, list[str]]:
    """The cycle a review's decision opens on the review's date (docs/rules.md, "What a review decides"):
    outcomes not achieved and provision not ended carried over, nothing retyped."""
    number = len(record.get("cycles") or []) + 1
    stage = NEXT_CYCLE_STAGE[decision]
    outcomes, renamed = _carried_outcomes(cycle, ratings)
    warnings = []
    provision = []
    for item in (cycle.get("plan") or {}).get("provision") or []:
        if item.get("id") in ended or item.get("ended"):
            continue
        copy = {"id": f"p{len(provision) + 1}",
                **{key: value for key, value in item.items() if key not in ("id", "carried_from", "ended")}}
        if "outcomes" in item:
            serves = [renamed[ref] for ref in item.get("outcomes") or [] if ref in renamed]
            if serves:
                copy["outcomes"] = serves
            else:
                del copy["outcomes"]
                warnings.append(f"provision {item.get('id')} served only outcomes now achieved; it goes on as "
                                f"{copy['id']} tied to no outcome (end it at a review with --end, or tie it "
                                "to an outcome)")
        copy["carried_from"] = f"{cycle['number']}/{item.get('id')}"
        provision.append(copy)
    entry: dict = {"stage": stage, "date": on,
                   "note": f"opened by the review of cycle {cycle['number']} ({decision})"}
    if without_family and stage == "do":
        entry["without_family"] = without_family
    plan: dict = {}
    if stage == "do":
        plan["agreed"] = on
        if took_part:
            plan["agreed_with"] = took_part
    if next_review is not None:
        plan["review_date"] = next_review
    if outcomes:
        plan["outcomes"] = outcomes
    if provision:
        plan["provision"] = provision
    new_cycle: dict = {"number": number, "opened": on, "stage": stage, "from_cycle": cycle["number"],
                       "history": [entry]}
    if plan:
        new_cycle["plan"] = plan
    return new_cycle, warnings


# -- close ------------------------------------------------------------------------------------

def close_record(record: dict, on: date, today: date, reason: str, to: str | None = None,
                 note: str | None = None) -> Outcome:
    """The child has left or the record is finished (``sendcli close --help``; docs/rules.md, "When a child leaves").

    ``reason`` is one of :data:`codes.CLOSE_REASONS`; ``moved-school`` starts the
    statutory file transfer (Education (Pupil Information) (England) Regs 2005,
    reg 9). ``to`` names where the child went, ``note`` says anything else; both
    are free text, so they stay in the record and never reach the commit message.
    """
    reasons = []
    if record.get("status") == codes.CLOSED:
        reasons.append("the record is already closed")
    if on > today:
        reasons.append(f"the date {on} is in the future (today is {today})")
    if reason not in codes.CLOSE_REASONS:
        reasons.append(f"give a reason from the list: --reason {'|'.join(codes.CLOSE_REASONS)}")
    index = open_cycle_index(record)
    if index is not None:
        history = record["cycles"][index].get("history") or [{}]
        last_move = parse_iso_date(history[-1].get("date"))
        if last_move and on < last_move:
            reasons.append(f"the date {on} is before the open cycle's last move ({last_move})")
    if reasons:
        return Refusal(reasons)
    closure: dict = {"date": on, "reason": reason}
    for key, value in (("to", to), ("note", note)):
        if value is not None and value.strip():
            closure[key] = value.strip()
    closure["transferred"] = None
    edits = [Edit(("status",), codes.CLOSED), Edit(("closed",), closure)]
    if not (record.get("register") or {}).get("left") and (record.get("register") or {}).get("entered"):
        edits.append(Edit(("register", "left"), on))
    summary = f"record closed ({reason})"
    warnings = []
    if reason == codes.MOVED_SCHOOL:
        # The file must follow the child within 15 school days (Education (Pupil
        # Information) (England) Regs 2005, reg 9): `due` shows the file-transfer item.
        where = "" if "to" in closure else " (name the new school with --to)"
        warnings.append(f"the file must go to the new school within 15 school days{where}: "
                        "make the pack with sendcli transfer")
    if index is not None:
        base = ("cycles", index)
        edits += [Edit((*base, "stage"), "closed"),
                  Edit((*base, "history"), {"stage": "closed", "date": on, "note": f"record closed: {reason}"},
                       append=True)]
        summary += f"; cycle {record['cycles'][index]['number']} closed with it"
    return Change(edits, summary, warnings=warnings)


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


@dataclass(frozen=True)
class NewMeasure:
    """A measure for a new outcome: its baseline is dated with the outcome (``add outcome --date``)."""

    name: str
    baseline: float
    target: float
    unit: str | None = None
    lower_is_better: bool = False


def add_outcome(record: dict, text: str, criteria: str | None = None, area: str | None = None,
                on: date | None = None, today: date | None = None, measure: NewMeasure | None = None) -> Outcome:
    # An outcome's only date is its measure's baseline date, but a wrong date is refused either way.
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
    warnings = []
    if measure is not None:
        item["measure"], warnings = _measure_item(measure, on or today)
    return Change([Edit(("cycles", index, "plan", "outcomes"), item, append=True)],
                  f"cycle {cycle['number']}: outcome {outcome_id} added", created_id=outcome_id,
                  warnings=warnings)


def _measure_item(measure: NewMeasure, baseline_date: date | None) -> tuple[dict, list[str]]:
    """The record's form of a new measure, and what is worth saying about it: ``add outcome
    --measure`` and ``add measure`` both write a measure through this one function."""
    from sendcli.core.measures import as_written, number_text

    item = {"name": measure.name, **({"unit": measure.unit} if measure.unit else {}),
            "baseline": as_written(measure.baseline), "baseline_date": baseline_date,
            "target": as_written(measure.target),
            **({"lower_is_better": True} if measure.lower_is_better else {})}
    # Recorded as given (the SENCO knows the scale); only a target that is no step at all, or a
    # step the other way, is worth a word.
    warnings = []
    if measure.target == measure.baseline:
        warnings.append(f"the target equals the baseline ({number_text(measure.baseline)}): the outcome "
                        "counts as reached from its first reading")
    elif measure.target < measure.baseline and not measure.lower_is_better:
        warnings.append(f"the target {number_text(measure.target)} is below the baseline "
                        f"{number_text(measure.baseline)}: if lower is better here (incidents a week), "
                        "give --lower-is-better")
    elif measure.target > measure.baseline and measure.lower_is_better:
        warnings.append(f"the target {number_text(measure.target)} is above the baseline "
                        f"{number_text(measure.baseline)}, but --lower-is-better says lower is better: "
                        "check the target")
    return item, warnings


def _measured_outcome_of(record: dict, outcome_id: str, cycle_number: int | None, what: str):
    """The outcome ``outcome_id`` of the open cycle, else of the latest, or of cycle ``cycle_number``:
    ``(cycle index, cycle, outcome position, outcome)``, or a Refusal naming what is there."""
    cycles = [cycle for cycle in record.get("cycles") or [] if isinstance(cycle, dict)]
    if not cycles:
        return Refusal([f"there is no cycle, so no outcome to {what}; start one with: sendcli cycle open "
                        f"{record['id']}"])
    if cycle_number is None:
        index = len(cycles) - 1
    else:
        numbers = [cycle.get("number") for cycle in cycles]
        if cycle_number not in numbers:
            return Refusal([f"there is no cycle {cycle_number} (cycles: "
                            f"{', '.join(str(n) for n in numbers)})"], final=True)
        index = numbers.index(cycle_number)
    cycle = cycles[index]
    outcomes = (cycle.get("plan") or {}).get("outcomes") or []
    ids = [outcome.get("id") for outcome in outcomes]
    if outcome_id not in ids:
        return Refusal([f"'{outcome_id}' is not an outcome of cycle {cycle['number']} (its outcomes: "
                        f"{', '.join(ids) or 'none'})"], final=True)
    position = ids.index(outcome_id)
    return index, cycle, position, outcomes[position]


def add_measure(record: dict, outcome_id: str, measure: NewMeasure, on: date, today: date,
                cycle_number: int | None = None) -> Outcome:
    """Give an outcome already in a plan a measure (docs/rules.md, "Measured outcomes"): a SENCO who
    starts measuring mid-term. Any stage, like a reading; the baseline is dated ``on``. An outcome
    that has a measure keeps it: one number of it is changed with ``sendcli set``."""
    found = _measured_outcome_of(record, outcome_id, cycle_number, "measure")
    if isinstance(found, Refusal):
        return found
    index, cycle, position, outcome = found
    if outcome.get("measure") is not None:
        # ``set`` counts list items from 1, the last being -1.
        place = "-1" if index == len(record["cycles"]) - 1 else str(index + 1)
        return Refusal([f"outcome {outcome_id} of cycle {cycle['number']} already has a measure; change one "
                        f"number of it with: sendcli set {record['id']} "
                        f"cycles[{place}].plan.outcomes[{outcome_id}].measure.target VALUE"], final=True)
    if on > today:
        return Refusal([f"the date {on} is in the future (today is {today})"])
    item, warnings = _measure_item(measure, on)
    return Change([Edit(("cycles", index, "plan", "outcomes", position, "measure"), item)],
                  f"cycle {cycle['number']}: outcome {outcome_id} measured", warnings=warnings)


def add_reading(record: dict, outcome_id: str, value: float, on: date, today: date, by: str | None = None,
                note: str | None = None, cycle_number: int | None = None) -> Outcome:
    """A dated measurement of a measured outcome (docs/rules.md, "Measured outcomes").

    The outcome is one of the open cycle's, or, where no cycle is open, of the latest; ``cycle_number``
    names another cycle (a reading taken before a review and entered after it). Any stage: a
    baseline re-test while planning, progress checks while the provision runs, the exit reading.
    """
    from sendcli.core import measures

    found = _measured_outcome_of(record, outcome_id, cycle_number, "measure")
    if isinstance(found, Refusal):
        return found
    index, cycle, position, outcome = found
    measure = measures.measure_of(outcome)
    if measure is None:
        return Refusal([f"outcome {outcome_id} of cycle {cycle['number']} has no measure, so it takes no "
                        "readings: give it one with sendcli add measure "
                        f"{record['id']} {outcome_id} --measure NAME --baseline V --target V"], final=True)
    reasons = []
    if on > today:
        reasons.append(f"the date {on} is in the future (today is {today})")
    if on < measure.baseline_date:
        reasons.append(f"the date {on} is before the measure's baseline ({measure.baseline_date})")
    if reasons:
        return Refusal(reasons)
    item: dict = {"date": on, "value": measures.as_written(value)}
    if by:
        item["by"] = by
    if note:
        item["note"] = note
    warnings = []
    low, high = measures.plausible_range(measure)
    if not low <= value <= high:
        warnings.append(f"{measures.number_text(value)} is far outside the scale of {measure.name} (baseline "
                        f"{measures.number_text(measure.baseline)}, target {measures.number_text(measure.target)})"
                        ": recorded; check it is not a slip")
    return Change([Edit(("cycles", index, "plan", "outcomes", position, "readings"), item, append=True)],
                  f"cycle {cycle['number']}: reading for outcome {outcome_id} added", warnings=warnings)


def add_provision(record: dict, text: str, kind: str | None = None, frequency: str | None = None,
                  minutes_per_week: int | None = None, staff: str | None = None, cost: float | None = None,
                  outcomes: tuple[str, ...] = (), on: date | None = None, today: date | None = None,
                  local_offer: str | None = None, services: frozenset[str] | None = None,
                  programme: str | None = None, group_size: int | None = None) -> Outcome:
    """Provision for the plan being made; ``local_offer`` names a service of the casebook's
    local-offer.yaml (``services``: its IDs, None where there is no such file); ``programme`` names
    the intervention and ``group_size`` the children sharing its sessions (sendcli.core.costs)."""
    found = _open_cycle_on(record, "add provision to", on, today, PLANNING_STAGES)
    if isinstance(found, Refusal):
        return found
    index, cycle = found
    plan = cycle.get("plan") or {}
    known = [o.get("id") for o in plan.get("outcomes") or []]
    reasons = [f"'{ref}' is not an outcome of cycle {cycle['number']} (its outcomes: "
               f"{', '.join(known) or 'none yet'})" for ref in outcomes if ref not in known]
    warnings = []
    if local_offer is not None and services is not None and local_offer not in services:
        reasons.append(f"'{local_offer}' is not a service of local-offer.yaml (its services: "
                       f"{', '.join(sorted(services)) or 'none'})")
    elif local_offer is not None and services is None:
        warnings.append(f"no local-offer.yaml services are listed in the casebook yet, so the service "
                        f"'{local_offer}' is not checked")
    if reasons:
        return Refusal(reasons)
    provision_id = _next_id("p", plan.get("provision") or [])
    item: dict = {"id": provision_id}
    for key, value in (("kind", kind), ("text", text), ("frequency", frequency),
                       ("minutes_per_week", minutes_per_week), ("staff", staff), ("programme", programme),
                       ("group_size", group_size), ("cost", cost)):
        if value is not None:
            item[key] = value
    if outcomes:
        item["outcomes"] = list(dict.fromkeys(outcomes))
    if local_offer is not None:
        item["local_offer"] = local_offer
    return Change([Edit(("cycles", index, "plan", "provision"), item, append=True)],
                  f"cycle {cycle['number']}: provision {provision_id} added", created_id=provision_id,
                  warnings=warnings)


def add_person(record: dict, name: str, role: str, contact: str | None = None,
               parental_responsibility: bool = False) -> Outcome:
    """Someone involved with the child (docs/record.md, ``people``): family, staff, professionals."""
    for person in record.get("people") or []:
        if str(person.get("name", "")).casefold() == name.casefold() and person.get("role") == role:
            return Refusal([f"this {role} is already listed in people under that name"], final=True)
    person: dict = {"name": name, "role": role}
    if parental_responsibility:
        person["parental_responsibility"] = True
    if contact:
        person["contact"] = contact
    # The summary names the role, never the person: it becomes a git commit message.
    return Change([Edit(("people",), person, append=True)], f"{role} added to people")


def _after_agreement_hint(record: dict) -> list[str]:
    index = open_cycle_index(record)
    if index is not None and record["cycles"][index]["stage"] not in PLANNING_STAGES:
        return ["once the plan is agreed, outcomes and provision change only through 'sendcli edit' "
                "or the next cycle (an outcome already in the plan gets a measure with 'sendcli add measure')"]
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
        return Refusal(["only a closed record records its transfer (sendcli close ID --reason moved-school)"])
    if closed.get("transferred"):
        return Refusal([f"the record was already transferred on {closed['transferred']}"], final=True)
    return Change([Edit(("closed", "transferred"), on)], "transfer pack made; file-transfer done")
