"""What the reports show, computed from plain record data (no templates, no I/O).

The per-child templates get the record and the helpers below; the
casebook-wide views (register, provision map, governors' figures) are built
here as plain rows, so every output format shows the same numbers.
"""

from __future__ import annotations

import copy
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sendcli.core import codes
from sendcli.core.costs import (
    CostSettings, pence, planned_days, programme_of, weekly_minutes, yearly_cost,
)
from sendcli.core.dates import ISO_DATE_SHAPE, parse_iso_date

#: docs/rules.md: "stats never shows a count under 5 (shown as <5)".
SMALL_NUMBER = 5


def plan_cycle(record: dict) -> dict | None:
    """The cycle a plan report shows: the open one, else the latest."""
    cycles = record.get("cycles") or []
    return cycles[-1] if cycles else None


def reviewed_cycle(record: dict) -> dict | None:
    """The latest cycle with a review."""
    return next((c for c in reversed(record.get("cycles") or []) if c.get("review")), None)


@dataclass(frozen=True)
class EhcStatus:
    """Where an EHC needs assessment or plan stands, for ``show`` and the letters."""

    requested: str | None
    decision: str | None
    decision_date: str | None
    #: The plan in force: the final plan's date, else a plan made before the casebook.
    plan_date: str | None
    plan_kind: str | None  # "final plan" | "existing plan"
    #: The next annual review meeting due (the ehc-annual-review deadline), when one is computed.
    next_review: str | None
    #: The latest annual review meeting recorded (or the existing plan's last review).
    last_review: str | None = None

    def as_json(self) -> dict:
        return {"requested": self.requested, "decision": self.decision, "decision_date": self.decision_date,
                "plan_date": self.plan_date, "plan_kind": self.plan_kind, "last_review": self.last_review,
                "next_review": self.next_review}

    def line(self) -> str:
        """'requested 10 January 2026 · assess decided 14 February 2026 · final plan 20 May 2026 · ...'"""
        parts = []
        if self.requested:
            parts.append(f"requested {long_date(self.requested)}")
        if self.decision:
            parts.append(f"decision {self.decision} ({long_date(self.decision_date)})")
        if self.plan_date:
            parts.append(f"{self.plan_kind} {long_date(self.plan_date)}")
        if self.last_review:
            parts.append(f"last reviewed {long_date(self.last_review)}")
        if self.next_review:
            parts.append(f"next annual review by {long_date(self.next_review)}")
        return " · ".join(parts) or "nothing recorded yet"


def ehc_status(record: dict, deadlines: Iterable = ()) -> EhcStatus | None:
    """The EHC status of ``record`` (None where there is no EHC section and no plan);
    ``deadlines`` are the record's computed deadlines, for the next annual review."""
    ehc = record.get("ehc") or {}
    if not ehc and record.get("status") != codes.EHC_PLAN:
        return None
    decision = ehc.get("decision") or {}
    existing = ehc.get("existing_plan") or {}
    plan_date, plan_kind = None, None
    if ehc.get("final_plan"):
        plan_date, plan_kind = str(ehc["final_plan"]), "final plan"
    elif existing.get("issued"):
        plan_date, plan_kind = str(existing["issued"]), "existing plan"
    review = next((d for d in sorted(deadlines, key=lambda d: d.due) if d.kind == "ehc-annual-review"), None)
    meetings = [str(r["meeting"]) for r in ehc.get("reviews") or [] if isinstance(r, dict) and r.get("meeting")]
    if existing.get("last_review"):
        meetings.append(str(existing["last_review"]))
    return EhcStatus(
        requested=str(ehc["requested"]) if ehc.get("requested") else None,
        decision=decision.get("outcome"), decision_date=str(decision["date"]) if decision.get("date") else None,
        plan_date=plan_date, plan_kind=plan_kind, next_review=review.due.isoformat() if review else None,
        last_review=max(meetings) if meetings else None)


def contacts(record: dict) -> list[dict]:
    """The people involved, each with name, role and how to reach them where recorded."""
    return [{"name": p.get("name"), "role": p.get("role"), "contact": p.get("contact"),
             "parental_responsibility": bool(p.get("parental_responsibility"))}
            for p in record.get("people") or []]


#: A cycle's stage in a family's words: a letter never says "stage closed".
STAGE_WORDS = {
    "assess": "finding out what will help",
    "plan": "agreeing the plan",
    "do": "the plan is under way",
    "review": "looking at how the plan went",
    "closed": "reviewed",
}


@dataclass(frozen=True)
class Standing:
    """Where a record stands on ``today``, in the terms a letter needs.

    ``phase`` is ``closed`` (the record is closed), ``monitoring`` (off SEN
    support), ``planning`` (an open cycle in assess or plan), ``in-plan`` (an
    open cycle in do or review) or ``no-plan`` (on SEN support or an EHC plan
    with no open cycle).
    """

    phase: str
    open_cycle: dict | None
    #: The latest cycle with a review, and whether it is the one just behind the
    #: open cycle (or the last cycle, where none is open): what a letter reports.
    last_reviewed: dict | None
    review_is_latest: bool
    #: The open cycle's review date, only when it is today or later: never a past date as the next one.
    next_review: str | None
    #: The open cycle's review date has passed and no review is recorded.
    review_due: bool
    ehc_plan: bool

    @property
    def stage_words(self) -> str:
        return STAGE_WORDS.get((self.open_cycle or {}).get("stage", ""), "")


def standing(record: dict, today: date) -> Standing:
    cycles = record.get("cycles") or []
    open_cycle = cycles[-1] if cycles and cycles[-1].get("stage") != "closed" else None
    last_reviewed = reviewed_cycle(record)
    behind = cycles[-2] if open_cycle is not None and len(cycles) >= 2 else (cycles[-1] if cycles else None)
    review_date = parse_iso_date(((open_cycle or {}).get("plan") or {}).get("review_date"))
    status = record.get("status")
    if status == codes.CLOSED:
        phase = "closed"
    elif open_cycle is not None:
        phase = "planning" if open_cycle.get("stage") in ("assess", "plan") else "in-plan"
    elif status == codes.MONITORING:
        phase = "monitoring"
    else:
        phase = "no-plan"
    return Standing(
        phase=phase, open_cycle=open_cycle, last_reviewed=last_reviewed,
        review_is_latest=last_reviewed is not None and last_reviewed is behind,
        next_review=review_date.isoformat() if review_date and review_date >= today and phase != "closed" else None,
        review_due=bool(review_date and review_date < today and phase == "in-plan"),
        ehc_plan=status == codes.EHC_PLAN)


def initials(name: str) -> str:
    """'Ava Example' → 'A.E.': what a redacted report calls a child."""
    return "".join(part[0].upper() + "." for part in re.split(r"[\s-]+", name.strip()) if part)


def redact(record: dict) -> dict:
    """A copy that shows the child by ID alone, for output that may leave the school (``--redact``).

    IDs are pseudonyms, and a redacted report shows the ID and nothing else of
    the child: no name, no initials (which with a year group can identify a
    child), no date of birth, admission number or UPN. People are shown by
    their role, without contact details. Free text written by staff keeps its
    content, but the child's names in it become the ID and other people's
    names their role ("Ava will read" -> "ab-16 will read"). Names are matched
    as written (capitalised), so a child called Will leaves "will read" alone.
    """
    safe = _copied(record)
    record_id = str(safe.get("id") or "")
    child = safe.get("child") if isinstance(safe.get("child"), dict) else {}
    replacements: list[tuple[str, str]] = []
    for text in (child.get("name"), child.get("preferred_name")):
        if isinstance(text, str):
            replacements.append((text, record_id))
            replacements += [(part, record_id) for part in re.split(r"[\s-]+", text) if len(part) >= 2]
    for person in safe.get("people") or []:
        if isinstance(person, dict) and isinstance(person.get("name"), str):
            role = str(person.get("role") or "someone")
            replacements.append((person["name"], role))  # whole names only: "NHS Speech and Language Therapy"
    child["name"] = record_id
    for key in ("preferred_name", "admission_number", "upn"):
        child.pop(key, None)
    child["date_of_birth"] = None
    if isinstance(child.get("represented_by"), dict):
        child["represented_by"].pop("note", None)
    for person in safe.get("people") or []:
        person["name"] = person.get("role", "")
        person.pop("contact", None)
    for item in safe.get("views") or []:
        item.pop("by", None)
    for cycle in safe.get("cycles") or []:
        for entry in (cycle.get("do") or {}).get("log") or []:
            entry.pop("by", None)
        for outcome in (cycle.get("plan") or {}).get("outcomes") or []:
            readings = outcome.get("readings") if isinstance(outcome, dict) else None
            for reading in readings if isinstance(readings, list) else []:
                if isinstance(reading, dict):
                    reading.pop("by", None)  # who took a reading, as who wrote a log entry
    return _without_names(safe, replacements)


#: The values of a record that nothing changes in place: kept, not copied.
_SCALARS = frozenset({str, int, float, bool, type(None), date})


def _copied(value: object) -> object:
    """A copy of a record's tree of mappings and lists, to change: copy.deepcopy's memo and
    dispatch cost most of a redacted view of thousands of records, and its values are text,
    numbers and days, which nothing changes in place."""
    if isinstance(value, dict):
        return {key: inner if type(inner) in _SCALARS else _copied(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [inner if type(inner) in _SCALARS else _copied(inner) for inner in value]
    if type(value) in _SCALARS:
        return value
    return copy.deepcopy(value)


def _without_names(value: object, replacements: list[tuple[str, str]]) -> object:
    """Every string of ``value`` with each name (whole words, as written; longest first) replaced."""
    if not replacements:
        return value
    first: dict[str, str] = {}
    for name, shown in replacements:  # the child's own names first: a parent's shared surname stays the ID
        first.setdefault(name, shown)
    ordered = sorted(first.items(), key=lambda pair: -len(pair[0]))
    names = [name for name, _ in ordered]
    # Most records name nobody in their texts once the names themselves are replaced: looked for
    # first, as the pattern below would find them (whole words), because compiling that pattern
    # (each record's own) cost more than all the rest of a redacted view of thousands of records.
    if not _names_a_name("\n".join(_strings(value)), names):
        return value
    pattern = re.compile("|".join(rf"(?<!\w){re.escape(name)}(?!\w)" for name in names))
    lookup = dict(ordered)

    def walk(item: object) -> object:
        if isinstance(item, str):
            # A day is never a name: a child called "Test Child 2026" keeps the days of their cycles.
            if ISO_DATE_SHAPE.fullmatch(item):
                return item
            return pattern.sub(lambda match: lookup[match.group(0)], item)
        if isinstance(item, dict):
            return {key: walk(inner) for key, inner in item.items()}
        if isinstance(item, list):
            return [walk(inner) for inner in item]
        return item

    return walk(value)


def _strings(value: object) -> list[str]:
    """Every string in ``value`` (mappings' values and lists' items, all the way down), in no
    particular order."""
    found, waiting = [], [value]
    while waiting:
        item = waiting.pop()
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, dict):
            waiting.extend(item.values())
        elif isinstance(item, list):
            waiting.extend(item)
    return found


def _is_word_character(character: str) -> bool:
    return character.isalnum() or character == "_"  # what \w matches in a str pattern


def _names_a_name(text: str, names: list[str]) -> bool:
    r"""Whether a name occurs in ``text`` as a whole word (no word character just before or after
    it): exactly where ``(?<!\w)name(?!\w)`` would match. A line break between texts joined
    into one is no word character, so it stands for a text's end."""
    for name in names:
        at = text.find(name)
        while at != -1:
            end = at + len(name)
            if ((at == 0 or not _is_word_character(text[at - 1]))
                    and (end == len(text) or not _is_word_character(text[end]))):
                return True
            at = text.find(name, at + 1)
    return False


# Not frozen: a frozen dataclass sets each field through object.__setattr__, which made building
# the rows (one a provision: 80,000 over 25,000 records) six times slower. Nothing changes a row.
@dataclass
class ProvisionRow:
    record: str
    name: str
    cycle: int
    provision: str
    kind: str
    text: str
    staff: str
    frequency: str
    minutes_per_week: int | None
    cost: float | None
    local_offer: str | None
    #: GBP for a school year, to the penny (sendcli.core.costs); None where it cannot be costed.
    yearly_cost: float | None = None
    #: The intervention: its programme, else its Local Offer service.
    programme: str | None = None
    group_size: int | None = None


@dataclass(frozen=True)
class Totals:
    label: str
    count: int
    minutes_per_week: int
    cost: float
    #: The rows' yearly costs that are known, added up; None where the group has rows and none
    #: could be costed (unknown, not nothing).
    yearly_cost: float | None = 0.0
    #: How many of the group's rows could not be costed.
    uncosted: int = 0


@dataclass(frozen=True)
class ChildCost:
    """One child's provision in the period, costed for a year, against the notional threshold."""

    record: str
    name: str
    yearly_cost: float
    above_threshold: bool
    #: How many of the child's rows could not be costed (their yearly_cost is unknown, not 0).
    uncosted: int


def school_year_start(on: date) -> date:
    """1 September of the school year (1 September to 31 August) that holds ``on``; the first day
    there is (1 January of year 1) for a day before any 1 September."""
    if on.month < 9 and on.year == date.min.year:
        return date.min
    return date(on.year if on.month >= 9 else on.year - 1, 9, 1)


def cycle_moves(cycle: dict) -> dict:
    """The day of each stage's first move in the cycle's history (``{"do": date, ...}``)."""
    moves: dict = {}
    for entry in cycle.get("history") or []:
        day = parse_iso_date(entry.get("date"))
        if day is not None:
            moves.setdefault(entry.get("stage"), day)
    return moves


def running_span(cycle: dict, provision: dict, moves: dict | None = None) -> tuple[date, date | None] | None:
    """When a provision runs: from its cycle's move to do until its ``ended`` date or its cycle's
    close (None: still running). None where the cycle never reached do, so nothing ran.
    ``moves``: :func:`cycle_moves` of the cycle, where the caller has them already."""
    moves = cycle_moves(cycle) if moves is None else moves
    return _span(moves.get("do"), _closed_on(cycle, moves), parse_iso_date(provision.get("ended")))


def _closed_on(cycle: dict, moves: dict) -> date | None:
    return moves.get("closed") if cycle.get("stage") == "closed" else None


def _span(start: date | None, closed: date | None, ended: date | None) -> tuple[date, date | None] | None:
    if start is None:
        return None
    ends = [day for day in (ended, closed) if day is not None]
    return start, min(ends) if ends else None


#: The key of a provision extract's entries (sendcli.core.views.provision_extract): a record's
#: top level never has it, so :func:`provision_rows` tells the two apart.
PROVISION_ENTRIES = "provision_entries"


def provision_entries(record: dict) -> list[list]:
    """Each provision of each of ``record``'s cycles that reached do, as a flat list: when it ran and
    what it is, worked out once (whatever period is asked later), for :func:`provision_rows`.

    ``[start, end, cycle, id, kind, text, staff, frequency, minutes_per_week, cost, local_offer,
    programme, group_size, carried_from, planned_days]``: ``start`` and ``end`` are days as
    ordinals (``date.toordinal``; ``end`` None while it runs), as :func:`running_span` gives them;
    ``minutes_per_week`` as :func:`weekly_minutes` works it out; ``planned_days`` of the cycle,
    for a provision with a cost (None otherwise)."""
    entries = []
    for cycle in record.get("cycles") or []:
        provision = (cycle.get("plan") or {}).get("provision")
        if not provision:
            continue
        moves = cycle_moves(cycle)  # once a cycle, not once a provision (running_span)
        start, closed = moves.get("do"), _closed_on(cycle, moves)
        if start is None:
            continue  # the cycle never reached do: nothing of it ran
        days: object = _ASK_DAYS
        for item in provision:
            _, end = _span(start, closed, parse_iso_date(item.get("ended")))
            if item.get("cost") is not None and days is _ASK_DAYS:
                days = planned_days(cycle)
            entries.append([start.toordinal(), end and end.toordinal(), cycle.get("number"), item.get("id"),
                            item.get("kind"), item.get("text"), item.get("staff"), item.get("frequency"),
                            weekly_minutes(item), item.get("cost"), item.get("local_offer"), programme_of(item),
                            item.get("group_size"), item.get("carried_from"),
                            None if item.get("cost") is None else days])
    return entries


_ASK_DAYS = object()


def _cost_of(entry: list, costs: CostSettings, memo: dict) -> float | None:
    """:func:`sendcli.core.costs.yearly_cost` of an entry: a casebook costs the same few kinds of
    provision (minutes, staff, group; or a cost over the same days) thousands of times."""
    _, _, _, _, _, _, staff, _, minutes, cost, _, _, group, _, days = entry
    # What yearly_cost reads, with each value's type (1, 1.0 and True are one key otherwise).
    key = (("cost", type(cost), cost, days) if cost is not None
           else ("time", minutes, type(staff), staff, type(group), group))
    try:
        return memo[key]
    except KeyError:
        amount = memo[key] = yearly_cost({"cost": cost, "staff": staff, "group_size": group}, {}, costs,
                                         minutes=minutes, days=days)
        return amount
    except TypeError:  # a value no key can hold (a list where a number belongs): worked out alone
        return yearly_cost({"cost": cost, "staff": staff, "group_size": group}, {}, costs, minutes=minutes,
                           days=days)


def provision_rows(records: Iterable[dict], period_from: date, period_to: date,
                   costs: CostSettings | None = None) -> list[ProvisionRow]:
    """Every provision running at some time from ``period_from`` to ``period_to`` (both included),
    whichever cycle holds it (docs/record.md, "Cycles"). Provision carried into a later cycle that
    also ran in the period is one provision: it is listed once, as the later cycle holds it, and
    costed as that cycle plans it.

    ``records``: whole records or view extracts, or provision extracts
    (:func:`sendcli.core.views.provision_extract`), whose entries were worked out when the record
    was read (:func:`provision_entries`)."""
    costs = costs or CostSettings()
    first, last = period_from.toordinal(), period_to.toordinal()
    memo: dict[tuple, float | None] = {}
    rows = []
    for record in records:
        entries = record[PROVISION_ENTRIES] if PROVISION_ENTRIES in record else provision_entries(record)
        running = [entry for entry in entries if entry[0] <= last and (entry[1] is None or entry[1] >= first)]
        if not running:
            continue
        carried_on = {entry[13] for entry in running}
        record_id, name = record["id"], record["child"]["name"]
        for entry in running:
            cycle, item = entry[2], entry[3]
            if f"{cycle}/{item}" in carried_on:
                continue
            rows.append(ProvisionRow(record_id, name, cycle, item, entry[4] or "other", entry[5], entry[6] or "—",
                                     entry[7] or "", entry[8], entry[9], entry[10], _cost_of(entry, costs, memo),
                                     entry[11], entry[12]))
    return sorted(rows, key=lambda r: (r.kind, r.staff, r.record, r.provision))


def _totals(label: str, group: list[ProvisionRow]) -> Totals:
    """A group's count, weekly minutes, cycle costs and yearly cost, in one pass over its rows.

    The yearly cost adds the rows' amounts as shown (each to the penny) exactly, in whole pence:
    the total is the sum a reader checks, with no floating-point drift. It is None where there
    are rows and none is costed: a group nobody could cost is unknown, and £0.00 would say it
    costs nothing."""
    minutes, cost, known_pence, known = 0, 0, 0, 0
    for row in group:
        minutes += row.minutes_per_week or 0
        cost += row.cost or 0
        if row.yearly_cost is not None:
            known_pence += round(row.yearly_cost * 100)
            known += 1
    return Totals(label, len(group), minutes, cost, None if group and not known else known_pence / 100,
                  len(group) - known)


def totals_by(rows: list[ProvisionRow], key: str) -> list[Totals]:
    groups: dict[str, list[ProvisionRow]] = {}
    for row in rows:
        groups.setdefault(getattr(row, key), []).append(row)
    return [_totals(label, group) for label, group in sorted(groups.items())]


def grand_total(rows: list[ProvisionRow]) -> Totals:
    return _totals("total", rows)


def pence_of(amount) -> int:
    """An amount of pounds as whole pence."""
    return int(pence(amount) * 100)


def children_costs(rows: Iterable[ProvisionRow], costs: CostSettings | None = None) -> list[ChildCost]:
    """Each child's yearly total over their rows in the period, by record ID: the yearly rate of the
    provision that ran, whether it ran all the period or part of it."""
    costs = costs or CostSettings()
    by_child: dict[str, list[ProvisionRow]] = {}
    for row in rows:
        by_child.setdefault(row.record, []).append(row)
    threshold = pence_of(costs.notional_threshold)
    children = []
    for record_id, group in sorted(by_child.items()):
        known = [round(r.yearly_cost * 100) for r in group if r.yearly_cost is not None]  # whole pence
        amount = sum(known)
        children.append(ChildCost(record_id, group[0].name, amount / 100, amount > threshold,
                                  len(group) - len(known)))
    return children


REGISTER_COLUMNS = ("record", "name", "status", "provision_code", "primary_need", "secondary_needs", "area",
                    "setting", "year_group", "entered", "left")


def register_row(record: dict) -> dict:
    """One row of the SEN register (``sendcli register --help``: its CSV columns)."""
    needs = record.get("needs") or {}
    primary = needs.get("primary") or ""
    register = record.get("register") or {}
    return {
        "record": record["id"], "name": record["child"]["name"], "status": record["status"],
        "provision_code": codes.provision_code(record["status"]), "primary_need": primary,
        "secondary_needs": " ".join(needs.get("secondary") or []), "area": codes.area_of_need(primary) or "",
        "setting": record["child"].get("setting", ""), "year_group": record["child"].get("year_group") or "",
        "entered": register.get("entered") or "", "left": register.get("left") or "",
    }


#: A cell hidden only so that a small count beside it cannot be worked out by subtraction.
HIDDEN = "x"


def suppress(count: int) -> int | str:
    """A count for publication: under 5 becomes '<5' (and 0 stays 0: nobody to identify)."""
    return "<5" if 0 < count < SMALL_NUMBER else count


def suppress_group(counts: dict[str, int], total: int, forced: Iterable[str] = ()) -> dict[str, int | str]:
    """One group of counts (a partition of ``total``) for publication, with secondary suppression.

    Hiding only the counts under 5 lets a reader work one out: total 9, SEN
    support 8, EHC plan <5 gives EHC plan = 1. So wherever a count is hidden,
    further cells of the group are hidden, smallest first, until at least two
    are hidden and together they hide 5 or more: subtraction then gives only
    their sum. Cells of 0 are not shown at all (nobody to identify). Where the
    total is itself under 5 every cell is, and all are hidden already.
    ``forced``: cells another group's suppression needs hidden (shown as x).
    """
    shown: dict[str, int | str] = {key: count for key, count in counts.items() if count}
    hidden = [key for key, count in shown.items() if count < SMALL_NUMBER or key in forced]
    for key in hidden:
        shown[key] = "<5" if counts[key] < SMALL_NUMBER else HIDDEN
    if hidden and total >= SMALL_NUMBER:
        # Smallest first; ties in the group's own order, so the same counts always hide the same cells.
        candidates = sorted((key for key in shown if key not in hidden), key=lambda key: counts[key])
        for key in candidates:
            if len(hidden) >= 2 and _undeducible([counts[k] for k in hidden]):
                break
            hidden.append(key)
            shown[key] = HIDDEN
    return shown


def _undeducible(hidden: list[int]) -> bool:
    """Whether no hidden cell can be worked out from their sum (the total less what is shown) and
    what each marker says: '<5' is 1 to 4, 'x' is 5 or more.

    Besides hiding 5 or more in all, with P cells under 5 and Q of 5 or more hiding S in all: with
    Q = 0, S must not be P (all 1) or 4P (all 4); otherwise S must leave each small cell room for
    two values and each 'x' cell room above 5, which is S >= P + 5Q + 1 (10 SLCN, 1 ASD <5 and
    5 MLD x hide 6 with P = Q = 1: ASD = 1 and MLD = 5 follow, so a third cell is hidden).
    """
    small = sum(1 for count in hidden if count < SMALL_NUMBER)
    large = len(hidden) - small
    total = sum(hidden)
    if total < SMALL_NUMBER:
        return False
    if large == 0:
        return small + 1 <= total <= 4 * small - 1
    return total >= small + SMALL_NUMBER * large + 1


@dataclass(frozen=True)
class Stats:
    """Anonymised counts for the governors' SEN information report: no names, no IDs."""

    as_of: date
    total: int | str
    by_status: dict[str, int | str]
    by_provision_code: dict[str, int | str]
    by_primary_need: dict[str, int | str]
    by_area: dict[str, int | str]
    by_year_group: dict[str, int | str]

    def as_json(self) -> dict:
        return {"as_of": self.as_of.isoformat(), "total": self.total, "by_status": self.by_status,
                "by_provision_code": self.by_provision_code, "by_primary_need": self.by_primary_need,
                "by_area": self.by_area, "by_year_group": self.by_year_group}


def stats(records: Iterable[dict], as_of: date) -> Stats:
    """Counts of children on the register (SEN support or EHC plan), small numbers suppressed.

    Every group (by status, provision code, primary need, area, year group) is a
    partition of the same total, suppressed against it (:func:`suppress_group`);
    an area is also the sum of its needs, so it is hidden where it would give
    one of them away.
    """
    # (status, primary need, year group) of each child counted: records may stream past once.
    current = [(r["status"], (r.get("needs") or {}).get("primary") or "not recorded",
                r["child"].get("year_group") or "not recorded")
               for r in records if r.get("status") in codes.STATUSES_NEEDING_PRIMARY_NEED]

    def counted(values: Iterable[str], order: Iterable[str], forced: Iterable[str] = ()) -> dict[str, int | str]:
        counts = Counter(values)
        return suppress_group({key: counts[key] for key in order if counts[key]}, len(current), forced)

    def area_of(primary: str) -> str:
        return codes.area_of_need(primary) or "not recorded"

    need_counts = Counter(primary for _, primary, _ in current)
    by_need = counted((primary for _, primary, _ in current), [*codes.NEED_CODES, "not recorded"])
    # An area's count is the sum of its needs' counts: shown beside them, it would give away a need hidden
    # alone in it (communication 12, SLCN 10, ASD <5: ASD = 2). Such an area is hidden too.
    exposed = set()
    for area in {area_of(need) for need in by_need}:
        hidden = [need for need, shown in by_need.items() if area_of(need) == area and not isinstance(shown, int)]
        if hidden and (len(hidden) < 2 or sum(need_counts[need] for need in hidden) < SMALL_NUMBER):
            exposed.add(area)
    year_order = [*codes.YEAR_GROUPS, "not recorded"]
    return Stats(
        as_of=as_of,
        total=suppress(len(current)),
        by_status=counted((status for status, _, _ in current), codes.STATUSES),
        by_provision_code=counted((codes.provision_code(status) for status, _, _ in current), ("K", "E")),
        by_primary_need=by_need,
        by_area=counted((area_of(primary) for _, primary, _ in current),
                        [*codes.OUTCOME_AREAS, codes.UNCATEGORISED, "not recorded"], exposed),
        by_year_group=counted((year for _, _, year in current), year_order),
    )


def long_date(value: object) -> str:
    """'2026-12-10' → '10 December 2026' (reports are read by people)."""
    day = value if isinstance(value, date) else parse_iso_date(value)
    return f"{day.day} {day:%B %Y}" if day else ""
