"""``sendcli impact`` as text, CSV, JSON or HTML (the numbers come from sendcli.core.impact)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date

from sendcli.core.impact import cost_settings_of, impact_groups, impact_json
from sendcli.core.reports import school_year_start
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
    Only the HTML names children, and only with ``names``; ``redacted``, by record ID alone."""
    period_to = period_to or today
    if names and redacted:
        records = ({**record, "child": {**(record.get("child") or {}), "name": record.get("id")}}
                   for record in records)
    period_from = period_from or school_year_start(period_to)
    groups = impact_groups(records, by, period_from, period_to, cost_settings_of(casebook.settings))
    data = impact_json(groups, today, period_from, period_to, by, names and output_format == "html")
    if output_format == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if output_format == "csv":
        return _csv(IMPACT_COLUMNS, data["groups"])
    if output_format == "html":
        return render("impact", "html", {**_page_context(casebook, today), "groups": data["groups"], "by": by,
                                         "period_from": period_from, "period_to": period_to, "names": names},
                      casebook.root)
    heading = f"Impact by {by}, readings from {period_from.isoformat()} to {period_to.isoformat()}\n"
    if not groups:
        return heading + "\nNo measured outcome has a change in the period (sendcli add reading).\n"
    rows = [{**group, "unit": group["unit"] or "",
             "measure": group["measure"] + (" (lower is better)" if group["lower_is_better"] else ""),
             "cost": _money(group["cost"]), "cost_per_child": _money(group["cost_per_child"]),
             "note": "; ".join(part for part in (
                 "small group" if group["small_group"] else "",
                 f"{group['uncosted']} provision not costed" if group["uncosted"] else "") if part)}
            for group in data["groups"]]
    table = _text_table(("group", "measure", "unit", "children", "outcomes", "median_change", "reached_target",
                         "cost", "cost_per_child", "note"), rows)
    return f"{heading}({HOW_TO_READ}; a small group has fewer than 5 children)\n\n{table}"


def _money(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"
