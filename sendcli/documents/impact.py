"""``sendcli impact`` as text, CSV, JSON or HTML (the numbers come from sendcli.core.impact)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date

from sendcli.core.impact import (ADD_PROVISION, ADD_TO_PROVISION, NOT_IN_PERIOD, NOT_RECORDED, START_PLAN,
                                 OutcomeChange, cost_settings_of, impact_groups, impact_json)
from sendcli.core.reports import redact, school_year_start
from sendcli.documents.reporting import _csv, _page_context, _text_table
from sendcli.documents.rendering import render
from sendcli.store.casebook import Casebook

#: The CSV's columns: the JSON's group fields, in its order (names never: they are for the HTML alone).
IMPACT_COLUMNS = ("group", "measure", "unit", "lower_is_better", "children", "outcomes", "median_change",
                  "reached_target", "cost", "cost_per_child", "small_group", "uncosted")

HOW_TO_READ = ("change: from the baseline (or, where the baseline is before the period, the first reading in it) "
               "to the latest reading in the period, in the measure's own unit: a fall is negative, which is "
               "progress where lower is better; cost: GBP a school year of the provision behind the outcomes")


def impact_report(casebook: Casebook, records: Iterable[dict], output_format: str, today: date, by: str,
                  period_from: date | None = None, period_to: date | None = None, names: bool = False,
                  redacted: bool = False) -> str:
    """The impact of the provision in the period (default: the current school year up to today).
    Only the HTML names children, and only with ``names``; ``redacted``, by record ID alone, and
    the adults in a group's staff or programme by their role, as the provision map shows them."""
    period_to = period_to or today
    if redacted:
        records = (redact(record) for record in records)
    period_from = period_from or school_year_start(period_to)
    unserved: list[OutcomeChange] = []
    groups = impact_groups(records, by, period_from, period_to, cost_settings_of(casebook.settings), unserved)
    data = impact_json(groups, today, period_from, period_to, by, names and output_format == "html", len(unserved))
    if output_format == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if output_format == "csv":
        return _csv(IMPACT_COLUMNS, data["groups"])
    # A group without the field is null in JSON and an empty cell in CSV; a reader sees the dash.
    shown = [{**group, "group": NOT_RECORDED if group["group"] is None else group["group"]}
             for group in data["groups"]]
    note = unserved_note(unserved)
    if output_format == "html":
        return render("impact", "html", {**_page_context(casebook, today), "groups": shown, "by": by,
                                         "period_from": period_from, "period_to": period_to, "names": names,
                                         "unserved": len(unserved), "unserved_note": note}, casebook.root)
    heading = f"Impact by {by}, readings from {period_from.isoformat()} to {period_to.isoformat()}\n"
    if not groups:
        return heading + "\n" + (note or "No measured outcome has a change in the period (sendcli add reading).") + "\n"
    rows = [{**group, "unit": group["unit"] or "",
             "measure": group["measure"] + (" (lower is better)" if group["lower_is_better"] else ""),
             "cost": _money(group["cost"]), "cost_per_child": _money(group["cost_per_child"]),
             "note": "; ".join(part for part in (
                 "small group" if group["small_group"] else "",
                 f"{group['uncosted']} provision not costed" if group["uncosted"] else "") if part)}
            for group in shown]
    table = _text_table(("group", "measure", "unit", "children", "outcomes", "median_change", "reached_target",
                         "cost", "cost_per_child", "note"), rows)
    return f"{heading}({HOW_TO_READ}; a small group has fewer than 5 children)\n\n{table}" + (
        f"\n{note}\n" if note else "")


#: How to link an outcome that no provision running in the period names, by the way its cycle's
#: stage allows (sendcli.core.impact.linking_of): add provision is refused once a plan runs.
HOW_TO_LINK = {
    ADD_PROVISION: "name the outcome in new provision while its cycle is at assess or plan "
                   "(sendcli add provision ID ... --outcome OID)",
    ADD_TO_PROVISION: "add the outcome to a provision's outcomes once its cycle is at do or later "
                      '(sendcli set ID "cycles[N].plan.provision[PID].outcomes" --add OID)',
    START_PLAN: "provision planned for the outcome counts once its cycle moves to do (sendcli cycle advance ID)",
    NOT_IN_PERIOD: "provision that names the outcome but did not run in the period does not count it",
}


def unserved_note(unserved: list[OutcomeChange]) -> str:
    """What the report says of the measured outcomes it leaves out of every group ("" for none),
    with how to link such an outcome to provision at its cycle's stage."""
    count = len(unserved)
    if not count:
        return ""
    outcomes, them = ("1 measured outcome", "it") if count == 1 else (f"{count} measured outcomes", "them")
    ways = [HOW_TO_LINK[way] for way in HOW_TO_LINK if any(change.linking == way for change in unserved)]
    return (f"{outcomes} changed in the period but no provision that ran in it names {them}, so no group "
            f"counts {them}: {'; '.join(ways)}")


def _money(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"
