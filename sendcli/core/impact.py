"""``sendcli impact``: what each intervention achieved for the children it served, and what it cost.

Pure: a function of record dicts (as the checker read them), the cost settings and the period. It
reads, of each record: ``id``, ``child.name`` (only for a list of names asked for in HTML),
``needs.primary``; of each cycle: ``number``, ``stage``, ``opened``, ``history`` (its moves to do
and to closed), ``plan.agreed`` and ``plan.review_date``; of each outcome: ``id``,
``carried_from``, ``measure``, ``readings``; of each provision: ``id``, ``kind``, ``staff``,
``programme``, ``local_offer``, ``outcomes``, ``ended``, ``carried_from`` and what
:mod:`sendcli.core.costs` reads to cost it (``cost``, ``minutes_per_week``, ``frequency``,
``group_size``). The summary cache keeps those fields of each record (``sendcli.core.views``,
``VIEW_FIELDS``) and runs this module on them.

The rules (docs/rules.md, "Evidence of impact"):

- A measured outcome counts once, however many cycles carried it (the latest of its chain
  stands for it, with the history of the whole chain: :func:`sendcli.core.measures.outcome_series`).
- Its change in the period runs from the baseline, where the baseline is dated in the period,
  else from the first reading in the period, to the latest reading in the period, in the
  measure's own unit and direction (a fall in incidents a week is a negative change; the group
  says ``lower_is_better``). An outcome with nothing to compare in the period (no reading in it,
  or one reading and the baseline before the period) has no change and is not counted.
- It belongs to a group through the provision that names it in ``outcomes:`` and ran in the
  period (its programme, kind or staff), or through the child's primary need. An outcome served
  by two programmes counts in both.
- One group is one value of ``--by`` with one measure (name, unit, direction): units never mix.
- An outcome with a change that no provision running in the period names is in no group of
  programme, kind or staff: it is counted apart (``unserved``), so that the report can say so,
  with the way to link it at its cycle's stage (:func:`linking_of`).
- Cost: the yearly cost (GBP a school year, as the provision map's ``yearly_cost``) of the
  group's provision that served a counted outcome, each provision once, not pro-rata to the
  period; the amounts are added as the provision map shows them, each to the penny, so that the
  two reports give the same total for the same provision. ``cost_per_child`` divides it by the
  group's children.
- A provision (or a record, by need) without the field it is grouped by is in a group of its own
  whose ``group`` is None (null in JSON, an empty cell in CSV; text and HTML show
  :data:`NOT_RECORDED`), apart from a programme whose name is that dash.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from sendcli.core.measures import Measure, Reading, as_written, carried_chain, outcome_series
from sendcli.core.reports import SMALL_NUMBER, cycle_moves, running_span

GROUPINGS = ("programme", "kind", "staff", "need")
#: What text and HTML show as the group of a provision or a record without the field it is grouped
#: by (its ``group`` is None: null in JSON, an empty cell in CSV).
NOT_RECORDED = "—"

#: How an outcome that no provision running in the period names comes to be counted
#: (:func:`linking_of`): a provision naming it added while its cycle is at assess or plan; its ID
#: added to a provision's outcomes once the plan runs (add provision is refused then); where a
#: provision names it already, the plan started (provision runs from the cycle's move to do), or
#: nothing to do: that provision did not run in the period.
ADD_PROVISION, ADD_TO_PROVISION = "add-provision", "add-to-provision"
START_PLAN, NOT_IN_PERIOD = "start-plan", "not-in-period"


@dataclass(frozen=True)
class OutcomeChange:
    """One measured outcome's change over the period."""

    record_id: str
    name: str
    outcome_id: str
    measure: Measure
    start: float
    start_date: date
    latest: Reading
    #: Where no provision running in the period names it: how to link it (ADD_PROVISION, ...).
    linking: str | None = None

    @property
    def change(self) -> float:
        """The latest reading less the start, in the measure's unit (a fall is negative)."""
        return self.latest.value - self.start

    @property
    def reached(self) -> bool:
        return self.measure.reached(self.latest.value)


@dataclass
class Group:
    #: The value of ``--by``; None where the provision (by need: the record) does not record it.
    group: str | None
    measure: str
    unit: str | None
    lower_is_better: bool
    changes: list[OutcomeChange] = field(default_factory=list)
    #: The provision behind the group's outcomes, each once: (record, "cycle/ID") → yearly cost (None: not costed).
    costs: dict[tuple[str, str], Decimal | None] = field(default_factory=dict)

    @property
    def children(self) -> list[tuple[str, str]]:
        """(record ID, name) of each child, once, in order of record ID."""
        return sorted({(change.record_id, change.name) for change in self.changes})

    def as_json(self, names: bool = False) -> dict:
        from sendcli.core.costs import as_money, pence

        children = len(self.children)
        # Each provision's amount to the penny, as the provision map shows it, then added: the same
        # provision totals the same in both reports (three of £157.0833... are £471.24, not £471.25).
        known = [pence(amount) for amount in self.costs.values() if amount is not None]
        cost = sum(known, Decimal(0)) if known else None
        data = {
            "group": self.group, "children": children, "outcomes": len(self.changes), "measure": self.measure,
            "unit": self.unit, "median_change": _tidy(statistics.median(c.change for c in self.changes)),
            "reached_target": sum(c.reached for c in self.changes),
            "cost": as_money(cost), "cost_per_child": as_money(pence(cost / children)) if cost is not None else None,
            "lower_is_better": self.lower_is_better, "small_group": children < SMALL_NUMBER,
            "uncosted": sum(amount is None for amount in self.costs.values()),
        }
        if names:
            data["names"] = [name for _, name in self.children]
        return data


def _tidy(value: float) -> int | float:
    """A change as a person writes it: 6, not 6.0; 2.2, not 2.1999999999999997."""
    return as_written(round(value, 2))


def _folded(text: str | None) -> str | None:
    return " ".join(text.casefold().split()) if isinstance(text, str) else None


@dataclass(frozen=True)
class _Served:
    """An outcome change with the provision that served it in the period."""

    change: OutcomeChange
    #: ("cycle/ID" of the provision as its latest running copy, that provision, its cycle).
    provision: tuple[tuple[str, dict, dict], ...]


def period_change(record_id: str, name: str, outcome_id: str, series, period_from: date,
                  period_to: date) -> OutcomeChange | None:
    """The outcome's change in the period (module docstring), None where nothing compares."""
    measure = series.measure
    within = [reading for reading in series.readings if period_from <= reading.day <= period_to]
    if not within:
        return None
    if period_from <= measure.baseline_date <= period_to:
        start, start_date = measure.baseline, measure.baseline_date
    elif len(within) > 1:
        start, start_date = within[0].value, within[0].day
    else:
        return None
    return OutcomeChange(record_id, name, outcome_id, measure, start, start_date, within[-1])


def _running_provision(record: dict, period_from: date, period_to: date) -> dict[str, tuple[str, dict, dict]]:
    """Each provision that ran in the period, by "cycle/ID", mapped to its latest running copy
    (provision carried into a later cycle is one provision, as in the provision map)."""
    running: dict[str, tuple[dict, dict]] = {}
    for cycle in record.get("cycles") or []:
        provision = (cycle.get("plan") or {}).get("provision")
        if not provision:
            continue
        moves = cycle_moves(cycle)  # once a cycle, not once a provision
        for item in provision:
            span = running_span(cycle, item, moves)
            if span is not None and span[0] <= period_to and (span[1] is None or span[1] >= period_from):
                running[f"{cycle.get('number')}/{item.get('id')}"] = (cycle, item)
    carried_into = {item.get("carried_from"): key for key, (_, item) in running.items()
                    if item.get("carried_from") in running}
    latest: dict[str, tuple[str, dict, dict]] = {}
    for key in running:
        seen, last = {key}, key
        while last in carried_into and carried_into[last] not in seen:
            last = carried_into[last]
            seen.add(last)
        cycle, item = running[last]
        latest[key] = (last, item, cycle)
    return latest


def _served_changes(record: dict, period_from: date, period_to: date) -> Iterator[_Served]:
    record_id = str(record.get("id"))
    name = str((record.get("child") or {}).get("name") or record_id)
    cycle_of: dict[int, dict] = {}
    outcomes: list[tuple[dict, dict]] = []
    for cycle in record.get("cycles") or []:
        for outcome in (cycle.get("plan") or {}).get("outcomes") or []:
            cycle_of[id(outcome)] = cycle
            outcomes.append((cycle, outcome))
    carried_on = {outcome.get("carried_from") for _, outcome in outcomes}
    provision = None
    first_day, last_day = period_from.isoformat(), period_to.isoformat()
    for cycle, outcome in outcomes:
        if not isinstance(outcome.get("measure"), dict):
            continue  # not measured: no series (measures.measure_of)
        if f"{cycle.get('number')}/{outcome.get('id')}" in carried_on:
            continue  # a later cycle carries it: counted there, with its whole history
        chain = carried_chain(record, outcome)
        if not _read_between(chain, first_day, last_day):
            continue  # no reading in the period, so no change (period_change): the series is not built
        series = outcome_series(record, outcome, chain)
        if series is None:
            continue
        change = period_change(record_id, name, str(outcome.get("id")), series, period_from, period_to)
        if change is None:
            continue
        if provision is None:
            provision = _running_provision(record, period_from, period_to)
        serving: dict[str, tuple[str, dict, dict]] = {}
        named = False
        for link in chain:
            link_cycle = cycle_of.get(id(link))
            if link_cycle is None:
                continue
            for item in (link_cycle.get("plan") or {}).get("provision") or []:
                if link.get("id") not in (item.get("outcomes") or []):
                    continue
                named = True
                key = f"{link_cycle.get('number')}/{item.get('id')}"
                if key in provision:
                    latest = provision[key]
                    serving[latest[0]] = latest
        if not serving:
            change = replace(change, linking=linking_of(cycle.get("stage"), named))
        yield _Served(change, tuple(serving.values()))


def _read_between(chain: list[dict], first_day: str, last_day: str) -> bool:
    """Whether an outcome of ``chain`` may hold a reading dated from ``first_day`` to ``last_day``
    (ISO days): compared as text, which orders well-formed days as days. A reading whose date is
    no day is never counted (measures.readings_of), so a text in the range is only a maybe; a
    chain with none has no reading in the period, whatever the series would make of it."""
    for outcome in chain:
        readings = outcome.get("readings")
        for reading in readings if isinstance(readings, list) else ():
            day = reading.get("date") if isinstance(reading, dict) else None
            if type(day) is str and first_day <= day <= last_day:
                return True
    return False


def linking_of(stage: str | None, named: bool) -> str:
    """How an outcome that no provision running in the period names comes to be counted, by the
    stage of its cycle and whether some provision names it (see :data:`ADD_PROVISION`)."""
    from sendcli.core.workflow import PLANNING_STAGES

    if stage in PLANNING_STAGES:
        return START_PLAN if named else ADD_PROVISION
    return NOT_IN_PERIOD if named else ADD_TO_PROVISION


def group_value(by: str, record: dict, item: dict) -> str | None:
    """The group a provision puts an outcome in (``need``: the child's primary need); None where
    the field is not recorded."""
    if by == "need":
        return (record.get("needs") or {}).get("primary") or None
    if by == "programme":
        from sendcli.core.costs import programme_of

        return programme_of(item) or None
    if by == "kind":
        return item.get("kind") or "other"
    return item.get("staff") or None


def impact_groups(records: Iterable[dict], by: str, period_from: date, period_to: date,
                  cost_settings, unserved: list[OutcomeChange] | None = None) -> list[Group]:
    """The groups of the impact report, streamed over ``records`` (each record read once).

    ``cost_settings``: a :class:`sendcli.core.costs.CostSettings`. ``unserved``, where given,
    gets each outcome change that no group takes (no provision running in the period names it;
    never by need).
    """
    from sendcli.core.costs import yearly_cost_exact

    if by not in GROUPINGS:
        raise ValueError(f"by must be one of {', '.join(GROUPINGS)}")
    groups: dict[tuple, Group] = {}
    for record in records:
        for served in _served_changes(record, period_from, period_to):
            measure = served.change.measure
            members: dict[str, list[tuple[str, dict, dict]]] = {}
            if by == "need":
                members[group_value(by, record, {})] = list(served.provision)
            for entry in served.provision if by != "need" else ():
                members.setdefault(group_value(by, record, entry[1]), []).append(entry)
            if not members and unserved is not None:
                unserved.append(served.change)
            for value, provision in members.items():
                key = (value, _folded(measure.name), _folded(measure.unit), measure.lower_is_better)
                group = groups.get(key)
                if group is None:
                    group = groups[key] = Group(value, measure.name, measure.unit, measure.lower_is_better)
                group.changes.append(served.change)
                for provision_key, item, cycle in provision:
                    group.costs[(served.change.record_id, provision_key)] = yearly_cost_exact(item, cycle,
                                                                                             cost_settings)
    return sorted(groups.values(), key=lambda g: (_folded(g.measure) or "", _folded(g.unit) or "",
                                                  g.lower_is_better, g.group is None, (g.group or "").casefold()))


def impact_json(groups: list[Group], as_of: date, period_from: date, period_to: date, by: str,
                names: bool = False, unserved: int = 0) -> dict:
    """The report as the JSON contract gives it (``sendcli impact --help``); ``unserved``: how many
    outcomes with a change no provision running in the period names."""
    return {"as_of": as_of.isoformat(), "from": period_from.isoformat(), "to": period_to.isoformat(), "by": by,
            "groups": [group.as_json(names) for group in groups], "unserved": unserved}


def cost_settings_of(settings: Mapping):
    from sendcli.core.costs import CostSettings

    return CostSettings.from_settings(settings)
