"""Cross-field rules of docs/record.md and the census rules of docs/rules.md.

Each rule is one plain function ``(record, context) -> Iterable[Finding]``,
listed in :data:`RULES`: a new rule is one function and one entry. Rules run
on documents that may also have schema errors, so they read the document
through the tolerant accessors below and skip what the schema already
reports (a date that is not a date, a list that is not a list).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from sendcli.core import codes
from sendcli.core.dates import parse_iso_date
from sendcli.core.deadlines import EXCEPTION_KINDS, closure_exception_problems
from sendcli.core.findings import WARNING, Finding, Pointer

#: Record IDs (docs/rules.md, "IDs are pseudonyms"): pseudonymous, lower case, safe as a file name.
RECORD_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")


#: Names Windows reserves for devices, with any extension (``con.yaml`` is the console there): a
#: casebook cloned onto Windows could neither hold nor write such a record.
WINDOWS_RESERVED_NAMES = frozenset({"con", "prn", "aux", "nul", *(f"com{n}" for n in range(10)),
                                    *(f"lpt{n}" for n in range(10))})


def is_valid_record_id(text: str) -> bool:
    return RECORD_ID.fullmatch(text) is not None and text not in WINDOWS_RESERVED_NAMES


@dataclass(frozen=True)
class RuleContext:
    today: date
    #: The record's file name without ``.yaml`` (None where there is no file).
    file_id: str | None = None
    #: The service IDs of the casebook's local-offer.yaml (None: no such file, nothing to resolve).
    local_offer_ids: frozenset[str] | None = None


Rule = Callable[[dict, RuleContext], Iterable[Finding]]


# -- tolerant accessors -------------------------------------------------------

def _mapping(value: object) -> dict:
    return value if isinstance(value, dict) else {}


def _items(value: object) -> list:
    return value if isinstance(value, list) else []


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _date_at(container: object, key: str) -> date | None:
    return parse_iso_date(_mapping(container).get(key))


def _enumerate_mappings(value: object) -> Iterator[tuple[int, dict]]:
    for index, item in enumerate(_items(value)):
        if isinstance(item, dict):
            yield index, item


def _cycles(record: dict) -> Iterator[tuple[int, dict]]:
    return _enumerate_mappings(record.get("cycles"))


def _long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


# -- id -----------------------------------------------------------------------

def check_id_matches_file(record: dict, context: RuleContext) -> Iterator[Finding]:
    """The ``id:`` field equals the file name (docs/record.md, "The parts of a record")."""
    if context.file_id is None:
        return
    if not is_valid_record_id(context.file_id):
        yield Finding(("id",), f"the file name '{context.file_id}.yaml' is not a valid record ID "
                      "(lower-case letters, digits and hyphens, at most 63 characters)", "id")
        return
    record_id = record.get("id")
    if isinstance(record_id, str) and record_id != context.file_id:
        yield Finding(("id",), f"id '{record_id}' does not match the file name "
                      f"'{context.file_id}.yaml'", "id")


def _folded_letters(text: str) -> str:
    """Lower-case ASCII letters only: "Zoë" and "zoe" compare equal, as do "O'Neil" and "oneil"."""
    return re.sub(r"[^a-z]", "", unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower())


def check_id_carries_no_name(record: dict, context: RuleContext) -> Iterator[Finding]:
    """IDs are pseudonyms: an ID travels in file names, git history, cron mail and
    calendar feeds, so it must not carry the child's first name or surname (3 letters or more)."""
    record_id = _text(record.get("id"))
    child = _mapping(record.get("child"))
    if not record_id:
        return
    # Each run of letters on its own: "ab-ell16" does not carry "Bell".
    runs = [run for run in re.split(r"[^a-z]+", record_id.lower()) if run]
    names = " ".join(n for n in (_text(child.get("name")), _text(child.get("preferred_name"))) if n)
    parts = {_folded_letters(part) for part in re.split(r"[\s\-]+", names)}
    if any(len(part) >= 3 and part in run for part in parts for run in runs):
        yield Finding(("id",), f"the ID '{record_id}' contains the child's name; IDs travel in file names, "
                      "git history, cron mail and calendar feeds, so use initials and year of birth "
                      "(e.g. ab-16) or the admission number", "id", WARNING)


# -- census -------------------------------------------------------------------

def check_census_needs(record: dict, context: RuleContext) -> Iterator[Finding]:
    """Census need-type rules (docs/rules.md, "Census codes")."""
    status = _text(record.get("status"))
    needs = _mapping(record.get("needs"))
    primary = needs.get("primary")
    known = ", ".join(codes.NEED_CODES)

    if isinstance(primary, str):
        if primary not in codes.NEEDS_BY_CODE:
            yield Finding(("needs", "primary"), f"'{primary}' is not a census need code ({known})", "census")
        elif primary == codes.NO_SPECIALIST_ASSESSMENT and status == codes.EHC_PLAN:
            # Census: NSA is for SEN support; a child who has left support (monitoring,
            # closed) keeps the code they had, so closing or exiting never needs a new one.
            yield Finding(("needs", "primary"), "NSA (no specialist assessment) is not used with an EHC plan: "
                          "an EHC needs assessment has assessed the type of need (census)", "census")
    elif primary is None and status in codes.STATUSES_NEEDING_PRIMARY_NEED:
        where = ("needs", "primary") if "primary" in needs else ("needs",) if "needs" in record else ("status",)
        yield Finding(where, f"a pupil with status '{status}' needs a primary need type for the "
                      "census; use NSA where there has been no specialist assessment", "census")

    seen: set[str] = set()
    for index, code in enumerate(_items(needs.get("secondary"))):
        if not isinstance(code, str):
            continue
        pointer = ("needs", "secondary", index)
        if code not in codes.NEEDS_BY_CODE:
            yield Finding(pointer, f"'{code}' is not a census need code ({known})", "census")
        elif code == primary:
            yield Finding(pointer, f"'{code}' is already the primary need; the census does not "
                          "repeat it as a secondary need", "census")
        elif code in seen:
            yield Finding(pointer, f"'{code}' is listed twice", "census")
        elif primary is None:
            yield Finding(pointer, "a secondary need is recorded but no primary need", "census")
        seen.add(code)


def check_ehc_plan_has_final_plan(record: dict, context: RuleContext) -> Iterator[Finding]:
    """Status ``ehc-plan`` with no plan date (``ehc.final_plan``, or a plan made before the
    casebook, ``ehc.existing_plan.issued``) cannot get an annual review date."""
    ehc = _mapping(record.get("ehc"))
    if record.get("status") == codes.EHC_PLAN and not ehc.get("final_plan") \
            and not _mapping(ehc.get("existing_plan")).get("issued"):
        yield Finding(("status",), "status is ehc-plan but no plan date is recorded, so no annual review date "
                      "can be worked out: record the plan with 'sendcli ehc existing ID --issued DATE' "
                      "(or ehc.final_plan)", "census", WARNING)


def check_outcome_areas(record: dict, context: RuleContext) -> Iterator[Finding]:
    """An outcome's area is one of the four broad areas of need (CoP 6.28)."""
    for c, cycle in _cycles(record):
        for o, outcome in _enumerate_mappings(_mapping(cycle.get("plan")).get("outcomes")):
            area = outcome.get("area")
            if isinstance(area, str) and area not in codes.OUTCOME_AREAS:
                yield Finding(("cycles", c, "plan", "outcomes", o, "area"),
                              f"'{area}' is not an area of need ({', '.join(codes.OUTCOME_AREAS)})", "census")


def _measured_outcomes(record: dict) -> Iterator[tuple[Pointer, dict]]:
    for c, cycle in _cycles(record):
        for o, outcome in _enumerate_mappings(_mapping(cycle.get("plan")).get("outcomes")):
            yield ("cycles", c, "plan", "outcomes", o), outcome


def _measure_dates(record: dict) -> Iterator[tuple[Pointer, date]]:
    """Each measure's baseline date and each reading's date: days something was measured. Not among a
    cycle's events: a carried outcome keeps the dates of the cycles it came through."""
    for pointer, outcome in _measured_outcomes(record):
        if (day := _date_at(outcome.get("measure"), "baseline_date")) is not None:
            yield (*pointer, "measure", "baseline_date"), day
        for r, reading in _enumerate_mappings(outcome.get("readings")):
            if (day := parse_iso_date(reading.get("date"))) is not None:
                yield (*pointer, "readings", r, "date"), day


def check_readings(record: dict, context: RuleContext) -> Iterator[Finding]:
    """A reading measures an outcome's measure, on a day from its baseline to today; one far outside
    the scale from baseline to target is most likely a slip (docs/rules.md, "Measured outcomes")."""
    from sendcli.core import measures

    for pointer, outcome in _measured_outcomes(record):
        readings = list(_enumerate_mappings(outcome.get("readings")))
        if not readings:
            continue
        raw_measure = outcome.get("measure")
        measure = measures.measure_of(outcome)
        if raw_measure is None:
            yield Finding((*pointer, "readings"), f"outcome {outcome.get('id')} has readings but no measure: "
                          "give it a measure (name, baseline, baseline_date, target) or remove them", "measures")
            continue
        if measure is None:
            continue  # the schema reports what is wrong with the measure
        low, high = measures.plausible_range(measure)
        for r, reading in readings:
            day = parse_iso_date(reading.get("date"))
            if day is not None and day < measure.baseline_date:
                yield Finding((*pointer, "readings", r, "date"), f"reading of {day} is before the measure's "
                              f"baseline ({measure.baseline_date})", "measures")
            if day is not None and day > context.today:
                yield Finding((*pointer, "readings", r, "date"), f"reading of {day} is in the future (today is "
                              f"{context.today}); record a reading once it is taken", "measures")
            value = reading.get("value")
            if isinstance(value, (int, float)) and not isinstance(value, bool) and not low <= value <= high:
                yield Finding((*pointer, "readings", r, "value"),
                              f"reading {measures.number_text(value)} is far outside the scale of "
                              f"{measure.name} (baseline {measures.number_text(measure.baseline)}, target "
                              f"{measures.number_text(measure.target)}; expected {measures.number_text(low)} "
                              f"to {measures.number_text(high)}): a slip?", "measures", WARNING)
        yield from _carried_readings_disagreeing(record, pointer, outcome, (measure.name, measure.unit), readings)


def _carried_readings_disagreeing(record: dict, pointer: Pointer, outcome: dict, scale: tuple[str, str | None],
                                  readings: list[tuple[int, dict]]) -> Iterator[Finding]:
    """A carried outcome's reading of a day whose value differs from the copy it came from. Reports
    use the newer copy's (docs/rules.md, "Measured outcomes"), so one of the two is most likely a
    slip corrected in only one copy; check names both cycles so the record can be made to agree."""
    from sendcli.core import measures

    chain = measures.carried_chain(record, outcome)
    if len(chain) < 2:
        return
    earlier = chain[-2]
    earlier_measure = measures.measure_of(earlier)
    if earlier_measure is None or (earlier_measure.name, earlier_measure.unit) != scale:
        return  # another scale: not the same readings (outcome_series leaves it out too)
    before: dict[date, set[float]] = {}
    for reading in measures.readings_of(earlier):
        before.setdefault(reading.day, set()).add(reading.value)
    here = _mapping(record["cycles"][pointer[1]]).get("number")
    came_from, _, earlier_id = str(outcome.get("carried_from")).partition("/")
    for r, reading in readings:
        day, value = parse_iso_date(reading.get("date")), reading.get("value")
        if day not in before or not isinstance(value, (int, float)) or isinstance(value, bool):
            continue
        if value not in before[day]:
            then = " and ".join(measures.number_text(v) for v in sorted(before[day]))
            yield Finding((*pointer, "readings", r, "value"),
                          f"the reading of {day} is {measures.number_text(value)} here (cycle {here}, outcome "
                          f"{outcome.get('id')}) but {then} in cycle {came_from} (outcome {earlier_id}), which "
                          "it was carried from: reports use this one; correct the other if it is the slip",
                          "measures", WARNING)


# -- status ---------------------------------------------------------------------

def check_status_and_closure(record: dict, context: RuleContext) -> Iterator[Finding]:
    """A closed record says when and why; only a closed record says so."""
    status = _text(record.get("status"))
    closed = record.get("closed")
    if status == codes.CLOSED and not isinstance(closed, dict):
        yield Finding(("closed",) if "closed" in record else ("status",),
                      "status is closed but the record does not say when and why (closed: {date, reason})",
                      "status")
    if status in codes.STATUSES and status != codes.CLOSED and isinstance(closed, dict):
        yield Finding(("closed",), f"the record has a closure but its status is '{status}'", "status")
    if status == codes.CLOSED:
        for c, cycle in _cycles(record):
            if cycle.get("stage") != "closed":
                yield Finding(("cycles", c, "stage"), "the record is closed but this cycle is still open",
                              "status")


# -- cycles ---------------------------------------------------------------------

def check_cycle_sequence(record: dict, context: RuleContext) -> Iterator[Finding]:
    """Cycle numbers run 1, 2, 3...; at most one cycle is open, and it is the last."""
    cycles = list(_cycles(record))
    for position, (c, cycle) in enumerate(cycles):
        number = cycle.get("number")
        if isinstance(number, int) and not isinstance(number, bool) and number != position + 1:
            yield Finding(("cycles", c, "number"), f"cycle number {number} should be {position + 1}: "
                          "cycles are numbered 1, 2, 3... in order", "cycles")
        stage = cycle.get("stage")
        if stage != "closed" and isinstance(stage, str) and position != len(cycles) - 1:
            yield Finding(("cycles", c, "stage"), f"cycle {position + 1} is still open ({stage}) but a later "
                          "cycle exists: only the last cycle may be open", "cycles")


def check_running_cycle_has_a_plan(record: dict, context: RuleContext) -> Iterator[Finding]:
    """A cycle in do or review runs an agreed plan with a date for review (CoP 6.48):
    without one it would drop out of ``sendcli due`` unnoticed."""
    for c, cycle in _cycles(record):
        if cycle.get("stage") in ("do", "review"):
            plan = _mapping(cycle.get("plan"))
            for key, what in (("agreed", "date of agreement"), ("review_date", "review date")):
                if not plan.get(key):
                    yield Finding(("cycles", c, "plan", key) if "plan" in cycle else ("cycles", c, "stage"),
                                  f"cycle {cycle.get('number')} is in stage {cycle['stage']} but its plan has no "
                                  f"{what} (plan.{key})", "cycles")


def check_cycle_history(record: dict, context: RuleContext) -> Iterator[Finding]:
    """The history starts at assess on the opening date and moves one stage at a time."""
    for c, cycle in _cycles(record):
        history = list(_enumerate_mappings(cycle.get("history")))
        if not history:
            continue
        base = ("cycles", c, "history")
        first_index, first = history[0]
        if "from_cycle" in cycle:
            # A review's decision opens the next cycle straight in do (continue) or plan (revise).
            if first.get("stage") not in ("plan", "do"):
                yield Finding((*base, first_index, "stage"), "a cycle opened by a review's decision starts in "
                              "stage do (continue) or plan (revise)", "cycles")
        elif first.get("stage") != "assess":
            yield Finding((*base, first_index, "stage"), "a cycle's history starts with stage assess", "cycles")
        opened = cycle.get("opened")
        if isinstance(opened, str) and first.get("date") != opened:
            yield Finding((*base, first_index, "date"),
                          f"the first history entry should be dated {opened}, the day the cycle opened", "cycles")
        previous_stage = None
        for index, entry in history:
            stage = entry.get("stage")
            if previous_stage in codes.STAGES and stage in codes.STAGES:
                expected = codes.STAGES[codes.STAGES.index(previous_stage) + 1] if previous_stage != "closed" else None
                # ``close`` may end a cycle from any stage; otherwise one stage at a time.
                if stage != expected and stage != "closed" or previous_stage == "closed":
                    yield Finding((*base, index, "stage"),
                                  f"'{stage}' cannot follow '{previous_stage}': stages move assess, plan, "
                                  "do, review, closed", "cycles")
            previous_stage = stage
        last_stage = history[-1][1].get("stage")
        if isinstance(cycle.get("stage"), str) and isinstance(last_stage, str) and cycle["stage"] != last_stage:
            yield Finding(("cycles", c, "stage"), f"stage is '{cycle['stage']}' but the history's last "
                          f"move is to '{last_stage}'", "cycles")


# -- references -----------------------------------------------------------------

def _item_ids(cycle: dict, section: str) -> set[str]:
    return {item["id"] for _, item in _enumerate_mappings(_mapping(cycle.get("plan")).get(section))
            if isinstance(item.get("id"), str)}


def check_continuity(record: dict, context: RuleContext) -> Iterator[Finding]:
    """A cycle opened by a review names an earlier cycle; a carried item names an item of an earlier
    cycle ("2/o1"), or, as the first edition wrote it, an earlier cycle's number (docs/record.md, "Cycles")."""
    cycles = {cycle.get("number"): cycle for _, cycle in _cycles(record) if isinstance(cycle.get("number"), int)}
    for c, cycle in _cycles(record):
        number = cycle.get("number")
        if not isinstance(number, int) or isinstance(number, bool):
            continue
        origin = cycle.get("from_cycle")
        if isinstance(origin, int) and not isinstance(origin, bool) and not (origin < number and origin in cycles):
            yield Finding(("cycles", c, "from_cycle"), f"from_cycle {origin} is not an earlier cycle of this "
                          "record", "references")
        for section, what in (("outcomes", "outcome"), ("provision", "provision")):
            for i, item in _enumerate_mappings(_mapping(cycle.get("plan")).get(section)):
                source = item.get("carried_from")
                pointer = ("cycles", c, "plan", section, i, "carried_from")
                if isinstance(source, int) and not isinstance(source, bool):
                    if not (source < number and source in cycles):
                        yield Finding(pointer, f"carried_from {source} is not an earlier cycle of this record",
                                      "references")
                elif isinstance(source, str) and "/" in source:
                    cycle_text, _, item_id = source.partition("/")
                    earlier = cycles.get(int(cycle_text)) if cycle_text.isdigit() else None
                    if earlier is None or int(cycle_text) >= number:
                        yield Finding(pointer, f"carried_from '{source}' does not name an earlier cycle of this "
                                      "record", "references")
                    elif item_id not in _item_ids(earlier, section):
                        yield Finding(pointer, f"carried_from '{source}': cycle {cycle_text} has no {what} "
                                      f"'{item_id}'", "references")


def check_references(record: dict, context: RuleContext) -> Iterator[Finding]:
    """Outcome and provision IDs are unique in their cycle; references resolve."""
    for c, cycle in _cycles(record):
        plan = _mapping(cycle.get("plan"))
        outcome_ids: set[str] = set()
        for o, outcome in _enumerate_mappings(plan.get("outcomes")):
            oid = outcome.get("id")
            if isinstance(oid, str):
                if oid in outcome_ids:
                    yield Finding(("cycles", c, "plan", "outcomes", o, "id"),
                                  f"outcome id '{oid}' is used twice in this cycle", "references")
                outcome_ids.add(oid)
        provision_ids: set[str] = set()
        for p, provision in _enumerate_mappings(plan.get("provision")):
            pid = provision.get("id")
            if isinstance(pid, str):
                if pid in provision_ids:
                    yield Finding(("cycles", c, "plan", "provision", p, "id"),
                                  f"provision id '{pid}' is used twice in this cycle", "references")
                provision_ids.add(pid)
            for r, ref in enumerate(_items(provision.get("outcomes"))):
                if isinstance(ref, str) and ref not in outcome_ids:
                    yield Finding(("cycles", c, "plan", "provision", p, "outcomes", r),
                                  f"provision {pid or p + 1} serves outcome '{ref}', which is not an "
                                  "outcome of this cycle", "references")
            service = provision.get("local_offer")
            if isinstance(service, str) and context.local_offer_ids is not None \
                    and service not in context.local_offer_ids:
                known = ", ".join(sorted(context.local_offer_ids)) or "none"
                yield Finding(("cycles", c, "plan", "provision", p, "local_offer"),
                              f"'{service}' is not a service of local-offer.yaml (its services: {known})",
                              "references")
        review = _mapping(cycle.get("review"))
        for g, progress in _enumerate_mappings(review.get("progress")):
            ref = progress.get("outcome")
            if isinstance(ref, str) and ref not in outcome_ids:
                yield Finding(("cycles", c, "review", "progress", g, "outcome"),
                              f"progress is rated for outcome '{ref}', which is not an outcome of this cycle",
                              "references")


# -- dates ----------------------------------------------------------------------

def _recorded_events(record: dict) -> Iterator[tuple[Pointer, date]]:
    """Every date on which something happened (as opposed to one planned ahead)."""
    register = _mapping(record.get("register"))
    for key in ("entered", "left"):
        if (day := parse_iso_date(register.get(key))) is not None:
            yield ("register", key), day
    for section in ("views", "meetings"):
        for index, item in _enumerate_mappings(record.get(section)):
            if (day := parse_iso_date(item.get("date"))) is not None:
                yield (section, index, "date"), day
    for c, cycle in _cycles(record):
        for pointer, day in _cycle_events(cycle):
            yield ("cycles", c, *pointer), day
    ehc = _mapping(record.get("ehc"))
    for pointer, day in _ehc_events(ehc):
        yield ("ehc", *pointer), day
    if (day := _date_at(record.get("closed"), "date")) is not None:
        yield ("closed", "date"), day


def _cycle_events(cycle: dict) -> Iterator[tuple[Pointer, date]]:
    if (day := parse_iso_date(cycle.get("opened"))) is not None:
        yield ("opened",), day
    for index, entry in _enumerate_mappings(cycle.get("history")):
        if (day := parse_iso_date(entry.get("date"))) is not None:
            yield ("history", index, "date"), day
    for index, item in _enumerate_mappings(_mapping(cycle.get("assess")).get("evidence")):
        if (day := parse_iso_date(item.get("date"))) is not None:
            yield ("assess", "evidence", index, "date"), day
    if (day := _date_at(cycle.get("plan"), "agreed")) is not None:
        yield ("plan", "agreed"), day
    for index, item in _enumerate_mappings(_mapping(cycle.get("plan")).get("provision")):
        if (day := parse_iso_date(item.get("ended"))) is not None:
            yield ("plan", "provision", index, "ended"), day
    for index, item in _enumerate_mappings(_mapping(cycle.get("do")).get("log")):
        if (day := parse_iso_date(item.get("date"))) is not None:
            yield ("do", "log", index, "date"), day
    if (day := _date_at(cycle.get("review"), "date")) is not None:
        yield ("review", "date"), day


def _ehc_events(ehc: dict) -> Iterator[tuple[Pointer, date]]:
    for key in ("requested", "not_issued", "draft_plan", "final_plan"):
        if (day := parse_iso_date(ehc.get(key))) is not None:
            yield (key,), day
    if (day := _date_at(ehc.get("decision"), "date")) is not None:
        yield ("decision", "date"), day
    for index, review in _enumerate_mappings(ehc.get("reviews")):
        for key in ("meeting", "report_sent", "amended_plan"):
            if (day := parse_iso_date(review.get(key))) is not None:
                yield ("reviews", index, key), day
        if (day := _date_at(review.get("la_decision"), "date")) is not None:
            yield ("reviews", index, "la_decision", "date"), day
    if (day := _date_at(ehc.get("phase_transfer"), "amended")) is not None:
        yield ("phase_transfer", "amended"), day
    for index, exception in _enumerate_mappings(ehc.get("exceptions")):
        for key in ("date", "from", "advice_requested"):
            if (day := parse_iso_date(exception.get(key))) is not None:
                yield ("exceptions", index, key), day
    for key in ("advice_requested", "advice_given"):
        if (day := parse_iso_date(ehc.get(key))) is not None:
            yield (key,), day
    existing = _mapping(ehc.get("existing_plan"))
    for key in ("issued", "last_review"):
        if (day := parse_iso_date(existing.get(key))) is not None:
            yield ("existing_plan", key), day
    for index, consultation in _enumerate_mappings(ehc.get("consultations")):
        for key in ("date", "replied"):  # not reply_by: a date the authority set ahead
            if (day := parse_iso_date(consultation.get(key))) is not None:
                yield ("consultations", index, key), day
    for index, planned in _enumerate_mappings(ehc.get("planned_reviews")):  # not the meeting: planned ahead
        if (day := parse_iso_date(planned.get("notice_sent"))) is not None:
            yield ("planned_reviews", index, "notice_sent"), day
    if (day := _date_at(ehc.get("ceased"), "date")) is not None:
        yield ("ceased", "date"), day
    for index, earlier in _enumerate_mappings(ehc.get("earlier_assessments")):
        for key in ("requested", "advice_requested", "advice_given", "not_issued", "draft_plan"):
            if (day := parse_iso_date(earlier.get(key))) is not None:
                yield ("earlier_assessments", index, key), day
        if (day := _date_at(earlier.get("decision"), "date")) is not None:
            yield ("earlier_assessments", index, "decision", "date"), day


#: Dates outside these years are typing slips (9999-12-31), and would overflow deadline arithmetic.
EARLIEST_YEAR, LATEST_YEAR = 1900, 2200


def check_dates_are_plausible(record: dict, context: RuleContext) -> Iterator[Finding]:
    planned = []
    for c, cycle in _cycles(record):
        if (day := _date_at(cycle.get("plan"), "review_date")) is not None:
            planned.append((("cycles", c, "plan", "review_date"), day))
    born = _date_at(record.get("child"), "date_of_birth")
    everything = [*_events_of(record), *_measures_of(record), *planned,
                  *([(("child", "date_of_birth"), born)] if born else [])]
    for pointer, day in everything:
        if not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
            yield Finding(pointer, f"{day} is not a plausible date (years {EARLIEST_YEAR} to {LATEST_YEAR})", "dates")


def check_date_of_birth(record: dict, context: RuleContext) -> Iterator[Finding]:
    born = _date_at(record.get("child"), "date_of_birth")
    if born is None:
        return
    if born > context.today:
        yield Finding(("child", "date_of_birth"), f"date of birth {born} is in the future "
                      f"(today is {context.today})", "dates")
        return
    for pointer, day in [*_events_of(record), *_measures_of(record)]:
        if day < born:
            yield Finding(pointer, f"{day} is before the date of birth ({born})", "dates")


def check_events_not_in_future(record: dict, context: RuleContext) -> Iterator[Finding]:
    """Something recorded as done cannot have happened after today: most likely a typo."""
    for pointer, day in _events_of(record):
        if day > context.today:
            yield Finding(pointer, f"{day} is in the future (today is {context.today}); "
                          "record events once they have happened", "dates", WARNING)


def _not_before(pointer: Pointer, day: date | None, earliest: date | None, what: str) -> Iterator[Finding]:
    if day is not None and earliest is not None and day < earliest:
        yield Finding(pointer, f"{day} is before {what} ({earliest})", "dates")


def check_register_dates(record: dict, context: RuleContext) -> Iterator[Finding]:
    register = _mapping(record.get("register"))
    entered = parse_iso_date(register.get("entered"))
    yield from _not_before(("register", "left"), parse_iso_date(register.get("left")), entered,
                           "the date they entered the register")


def check_cycle_dates(record: dict, context: RuleContext) -> Iterator[Finding]:
    """Within a cycle nothing happens before it opened, and the plan precedes its review."""
    previous_end: date | None = None
    for c, cycle in _cycles(record):
        base = ("cycles", c)
        opened = parse_iso_date(cycle.get("opened"))
        yield from _not_before((*base, "opened"), opened, previous_end, "the end of the previous cycle")
        last_move: date | None = None
        for pointer, day in _cycle_events(cycle):
            if pointer == ("opened",):
                continue
            yield from _not_before((*base, *pointer), day, opened, "the day the cycle opened")
            if pointer[0] == "history":
                yield from _not_before((*base, *pointer), day, last_move, "the previous stage move")
                last_move = day
        plan = _mapping(cycle.get("plan"))
        agreed = parse_iso_date(plan.get("agreed"))
        review_date = parse_iso_date(plan.get("review_date"))
        if review_date is not None and agreed is not None and review_date <= agreed:
            # CoP 6.48: the plan sets "a clear date for review", after it is agreed.
            yield Finding((*base, "plan", "review_date"),
                          f"the review date {review_date} should come after the plan was agreed ({agreed})",
                          "dates")
        yield from _not_before((*base, "review", "date"), _date_at(cycle.get("review"), "date"), agreed,
                               "the day the plan was agreed")
        previous_end = last_move or opened


def check_ehc_dates(record: dict, context: RuleContext) -> Iterator[Finding]:
    """The EHC steps happen in order."""
    ehc = _mapping(record.get("ehc"))
    if not ehc:
        return
    requested = parse_iso_date(ehc.get("requested"))
    decided = _date_at(ehc.get("decision"), "date")
    draft = parse_iso_date(ehc.get("draft_plan"))
    final = parse_iso_date(ehc.get("final_plan"))
    yield from _not_before(("ehc", "decision", "date"), decided, requested, "the request")
    yield from _not_before(("ehc", "not_issued"), parse_iso_date(ehc.get("not_issued")), decided,
                           "the decision to assess")
    yield from _not_before(("ehc", "draft_plan"), draft, decided or requested, "the decision to assess")
    yield from _not_before(("ehc", "final_plan"), final, draft or decided or requested,
                           "the draft plan" if draft else "the decision to assess")
    for index, review in _enumerate_mappings(ehc.get("reviews")):
        base = ("ehc", "reviews", index)
        meeting = parse_iso_date(review.get("meeting"))
        yield from _not_before((*base, "meeting"), meeting, final, "the final plan")
        yield from _not_before((*base, "report_sent"), parse_iso_date(review.get("report_sent")), meeting,
                               "the review meeting")
        la_decided = _date_at(review.get("la_decision"), "date")
        yield from _not_before((*base, "la_decision", "date"), la_decided, meeting, "the review meeting")
        yield from _not_before((*base, "amended_plan"), parse_iso_date(review.get("amended_plan")),
                               la_decided or meeting, "the local authority's decision")
    yield from _not_before(("ehc", "advice_given"), parse_iso_date(ehc.get("advice_given")),
                           parse_iso_date(ehc.get("advice_requested")), "the request for advice")
    existing = _mapping(ehc.get("existing_plan"))
    yield from _not_before(("ehc", "existing_plan", "last_review"), parse_iso_date(existing.get("last_review")),
                           parse_iso_date(existing.get("issued")), "the plan's issue date")
    for index, consultation in _enumerate_mappings(ehc.get("consultations")):
        asked = parse_iso_date(consultation.get("date"))
        for key in ("reply_by", "replied"):
            yield from _not_before(("ehc", "consultations", index, key), parse_iso_date(consultation.get(key)),
                                   asked, "the consultation")


def check_ehc_plan_follows_comments(record: dict, context: RuleContext) -> Iterator[Finding]:
    """The record says what happened: a final plan less than 15 days after the draft is recorded, with a
    warning naming the family's time to comment (Regs 13(1))."""
    ehc = _mapping(record.get("ehc"))
    draft, final = parse_iso_date(ehc.get("draft_plan")), parse_iso_date(ehc.get("final_plan"))
    if draft is not None and final is not None and draft <= final < draft + timedelta(days=15):
        yield Finding(("ehc", "final_plan"), f"the final plan came {(final - draft).days} days after the draft "
                      f"({draft}): the family has 15 days to comment and ask for a school (Regs 13(1))",
                      "ehc", WARNING)


def check_ehc_exceptions(record: dict, context: RuleContext) -> Iterator[Finding]:
    """Exceptions (Regs 5(4), 10(4), 13(3)) explain only the assessment's clocks; a closure exception's
    dates must fit the regulations."""
    for index, exception in _enumerate_mappings(_mapping(record.get("ehc")).get("exceptions")):
        pointer = ("ehc", "exceptions", index)
        ignored = [k for k in _items(exception.get("applies_to")) if isinstance(k, str) and k not in EXCEPTION_KINDS]
        if ignored:
            yield Finding((*pointer, "applies_to"), f"{', '.join(ignored)}: an exception explains only the "
                          "assessment's time limits (ehc-advice, ehc-decision, ehc-issue-decision, ehc-final-plan); "
                          "reviews, phase transfer and amendments have none, so these are ignored", "ehc", WARNING)
        if exception.get("reason") != "school-closure":
            continue
        problems = closure_exception_problems(exception)
        if problems is None:
            yield Finding(pointer, "a school-closure exception without the closure's dates (from, to) and the day "
                          "advice was requested (advice_requested): whether it fits cannot be checked "
                          "(Regs 5(4), 10(4), 13(3))", "ehc", WARNING)
        for problem in problems or ():
            yield Finding(pointer, problem, "ehc")


def check_closure_date(record: dict, context: RuleContext) -> Iterator[Finding]:
    closed = _mapping(record.get("closed"))
    closed_on = parse_iso_date(closed.get("date"))
    yield from _not_before(("closed", "date"), closed_on, _date_at(record.get("register"), "entered"),
                           "the date they entered the register")
    yield from _not_before(("closed", "transferred"), parse_iso_date(closed.get("transferred")), closed_on,
                           "the day the record was closed")


def check_close_reason(record: dict, context: RuleContext) -> Iterator[Finding]:
    """A closing reason from the list; a first-edition free-text one is read, with a warning.

    ``moved-school`` starts the statutory file transfer (Education (Pupil
    Information) (England) Regs 2005, reg 9), so a reason written as free text
    could hide that duty: it is read through :func:`codes.read_close_reason`
    (``moved`` as ``moved-school``, anything else as ``other``) and the warning
    names the list. The free text itself is not repeated: it may name people.
    """
    reason = _mapping(record.get("closed")).get("reason")
    if not isinstance(reason, str):
        return
    meaning, legacy = codes.read_close_reason(reason)
    if legacy:
        yield Finding(("closed", "reason"), f"a free-text closing reason is read as '{meaning}'; give one of "
                      f"{', '.join(codes.CLOSE_REASONS)} (moved-school starts the file transfer), "
                      "and put the rest in closed.note", "status", WARNING)


def expected_year_group(date_of_birth: date, on: date) -> int:
    """The place in :data:`codes.YEAR_GROUPS` (N1 = 0, N2 = 1, R = 2, Year 1 = 3 ...) of a child
    born on ``date_of_birth``, in the school year of ``on``, going by the school year of birth.

    A child starts Reception in the school year (1 September - 31 August) in
    which they turn 5, so a child born in the school year starting in September
    B is in Reception in the one starting in September B + 5. The result may lie
    outside the list (under N1, past Year 14).
    """
    born_in = date_of_birth.year if date_of_birth.month >= 9 else date_of_birth.year - 1
    now_in = on.year if on.month >= 9 else on.year - 1
    return codes.YEAR_GROUPS.index("R") + (now_in - (born_in + 5))


def check_year_group_fits_age(record: dict, context: RuleContext) -> Iterator[Finding]:
    """A year group more than one year from the one the school year of birth gives is a warning.

    One year either way is normal (a child kept back or moved up a year, a
    record not yet moved on in September); more is most often a typing slip.
    Past Year 14 (college, to 25) the year group stays 14, so 14 is expected there.
    This rule reads ``today`` (the current school year): the summary cache
    keeps the school year in its fingerprint.
    """
    child = _mapping(record.get("child"))
    year_group, born = child.get("year_group"), parse_iso_date(child.get("date_of_birth"))
    if not isinstance(year_group, str) or year_group not in codes.YEAR_GROUPS or born is None:
        return
    expected = min(expected_year_group(born, context.today), len(codes.YEAR_GROUPS) - 1)
    if abs(codes.YEAR_GROUPS.index(year_group) - expected) <= 1:
        return
    start = context.today.year if context.today.month >= 9 else context.today.year - 1
    if expected < 0:
        fits = "is not yet of nursery age"
    else:
        name = codes.YEAR_GROUPS[expected]
        fits = f"is in {'Year ' + name if name.isdigit() else name}"
    yield Finding(("child", "year_group"), f"year group {year_group} does not fit the date of birth: in the "
                  f"school year {start}-{(start + 1) % 100:02d} a child born then {fits} "
                  "(more than one year apart)", "year_group", WARNING)


RULES: tuple[Rule, ...] = (
    check_id_matches_file,
    check_id_carries_no_name,
    check_census_needs,
    check_ehc_plan_has_final_plan,
    check_outcome_areas,
    check_readings,
    check_status_and_closure,
    check_cycle_sequence,
    check_cycle_history,
    check_running_cycle_has_a_plan,
    check_references,
    check_continuity,
    check_dates_are_plausible,
    check_date_of_birth,
    check_events_not_in_future,
    check_register_dates,
    check_cycle_dates,
    check_ehc_dates,
    check_ehc_plan_follows_comments,
    check_ehc_exceptions,
    check_closure_date,
    check_close_reason,
    check_year_group_fits_age,
)


def cross_field_findings(record: dict, context: RuleContext) -> list[Finding]:
    """Every cross-field and census finding for one record, in rule order."""
    global _being_checked
    findings: list[Finding] = []
    outer, _being_checked = _being_checked, _DatesOnce(record)
    try:
        for rule in RULES:
            findings.extend(rule(record, context))
    finally:
        _being_checked = outer
    return findings


class _DatesOnce:
    """The recorded events and measure dates of the record being checked, each listed once.

    Three rules read them all (plausible dates, the date of birth, events in
    the future): listed once for the three, ``check`` spends a third of the
    time it took on them. Kept only while :func:`cross_field_findings` runs,
    and only for that very record (nothing changes it meanwhile).
    """

    __slots__ = ("record", "events", "measures")

    def __init__(self, record: dict) -> None:
        self.record = record
        self.events: list[tuple[Pointer, date]] | None = None
        self.measures: list[tuple[Pointer, date]] | None = None


_being_checked: _DatesOnce | None = None


def _listed_once(record: dict, kind: str, lister) -> list[tuple[Pointer, date]]:
    """``list(lister(record))``, listed once per check of the record and kept as its ``kind``
    (:class:`_DatesOnce`); listed afresh outside a check."""
    kept = _being_checked
    if kept is None or kept.record is not record:
        return list(lister(record))
    listed = getattr(kept, kind)
    if listed is None:
        listed = list(lister(record))
        setattr(kept, kind, listed)
    return listed


def _events_of(record: dict) -> list[tuple[Pointer, date]]:
    """``_recorded_events(record)`` as a list, listed once per check of the record."""
    return _listed_once(record, "events", _recorded_events)


def _measures_of(record: dict) -> list[tuple[Pointer, date]]:
    """``_measure_dates(record)`` as a list, listed once per check of the record."""
    return _listed_once(record, "measures", _measure_dates)


def settled_from(record: dict) -> date | None:
    """The day from which this record's findings no longer depend on today.

    Three rules read ``today``: a date of birth, a recorded event, or a
    reading, after today (:func:`check_date_of_birth`,
    :func:`check_events_not_in_future`, :func:`check_readings`).
    On any day on or after the latest such date none can fire, so every
    check from then on gives the same findings: the summary cache reuses them
    (bench/README.md, "warm check"). None when the record holds no such date.
    """
    born = _date_at(record.get("child"), "date_of_birth")
    days = [day for _, day in [*_recorded_events(record), *_measure_dates(record)]]
    if born is not None:
        days.append(born)
    return max(days, default=None)
