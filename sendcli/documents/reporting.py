"""Reports people read: per child through templates, casebook-wide as rows in any format."""

from __future__ import annotations

import json
from collections.abc import Iterable
from operator import attrgetter
from datetime import date
from pathlib import Path

from sendcli.store.casebook import Casebook, local_offer_services
from sendcli.core import codes
from sendcli.core.costs import DAYS_IN_YEAR, CostSettings
from sendcli.core.views import provision_extract
from sendcli.core.reports import (
    PROVISION_ENTRIES, REGISTER_COLUMNS, children_costs, grand_total, provision_rows, redact, register_row,
    school_year_start, stats, totals_by,
)
from sendcli.errors import SendcliError
from sendcli.documents.output import csv_text, printable
from sendcli.documents.rendering import AREA_WORDS, record_context, render

PROVISION_COLUMNS = ("record", "name", "cycle", "provision", "kind", "text", "staff", "frequency", "minutes_per_week",
                     "cost", "local_offer", "yearly_cost", "programme", "group_size")
#: provision-map --children: one row per child.
CHILDREN_COLUMNS = ("record", "name", "yearly_cost", "above_threshold", "uncosted")



def _fields_of(row) -> dict:
    """A row's fields by name. The rows are flat (text, numbers): ``dataclasses.asdict`` would
    deep-copy every value, a third of a warm provision map's time over thousands of rows."""
    return dict(vars(row))


class NothingToReport(SendcliError):
    pass


#: What a closed record no longer gets: a plan or a letter to the family. Its review, profile
#: and chronology still render, and the transfer pack still holds its last plan.
NOT_FOR_CLOSED = frozenset({"plan", "parent", "ehc-request", "annual-review", "passport"})


def record_report(casebook: Casebook, record: dict, template: str, output_format: str, today: date,
                  redacted: bool = False, archive: bool = False) -> str | bytes:
    """One child's report (text; bytes for a Word document, ``docx``, or a PDF, ``pdf``); refused when the record has nothing for that template yet, or when it
    is closed and the template is a plan or a letter. ``archive``: a copy of what was made, for a
    transfer pack or a subject access export, rather than a document to send."""
    if record.get("status") == codes.CLOSED and template in NOT_FOR_CLOSED and not archive:
        closed = record.get("closed") or {}
        raise NothingToReport(f"{record['id']}: the record was closed on {closed.get('date')} "
                              f"({closed.get('reason')}): no {template} is made for it; the review and profile "
                              "still are, and sendcli transfer makes the pack for the next setting")
    context = record_context(record, today, casebook.settings, local_offer_services(casebook.root), redacted)
    if template == "review" and context["reviewed"] is None:
        raise NothingToReport(f"{record['id']}: no review is recorded yet (sendcli cycle review)")
    if template == "plan" and context["cycle"] is None:
        raise NothingToReport(f"{record['id']}: no cycle has been opened yet (sendcli cycle open)")
    if template == "annual-review":
        from sendcli.core.annual_review import annual_review
        from sendcli.core.deadlines import plan_date

        ehc = record.get("ehc") or {}
        # A closed record's last plan still goes in its transfer pack, unless the plan had ceased.
        has_plan = record.get("status") == codes.EHC_PLAN or (
            archive and plan_date(ehc) is not None and not ehc.get("ceased"))
        if not has_plan:
            raise NothingToReport(f"{record['id']}: no EHC plan is recorded (status {record.get('status')}): the "
                                  "annual review report is of an EHC plan (sendcli ehc final, or ehc existing "
                                  "for a plan made before the casebook)")
        # From the record as shown: under --redact the report carries no name either.
        context["annual"] = annual_review(context["record"], today)
    if template == "chronology":
        from sendcli.core.chronology import chronology

        # From the record as shown: under --redact the events carry no name either.
        context["events"] = chronology(context["record"])
    if output_format == "docx":
        from sendcli.documents.docx import render_docx

        return render_docx(template, context, casebook.root)
    if output_format == "pdf":
        from sendcli.documents.pdf import html_to_pdf

        # The HTML (the casebook's own template first), laid out as A4 pages.
        return html_to_pdf(render(template, "html", context, casebook.root))
    return render(template, output_format, context, casebook.root)


def _page_context(casebook: Casebook, today: date) -> dict:
    return {"today": today, "settings": casebook.settings, "setting_name": casebook.settings.get("name", "")}


def _csv(columns, rows) -> str:
    """Formula cells neutralised (sendcli.documents.output.csv_cell): a spreadsheet shows them as text."""
    return csv_text(columns, ([row.get(column) for column in columns] for row in rows))


def _text_table(columns, rows) -> str:
    """``rows`` (mappings) under ``columns``, each column as wide as its widest cell."""
    return _column_table(columns, [[row.get(column) for row in rows] for column in columns])


def _shown(values: list) -> list[str]:
    # Control characters shown escaped: no cell can move the cursor or start a line of its own.
    cells = [value if type(value) is str else "" if value is None else str(value) for value in values]
    # One look at the whole column: every character printable() escapes is one str.isprintable()
    # refuses, so a column without any is shown as it is (most are: 80,000 cells a column, at
    # 25,000 records).
    return cells if "".join(cells).isprintable() else [printable(cell) for cell in cells]


def _column_table(columns, values_by_column) -> str:
    """A text table from its columns' values, ``values_by_column[i]`` under ``columns[i]``."""
    cells = [_shown(values) for values in values_by_column]
    widths = [max(len(column), max(map(len, column_cells), default=0))
              for column, column_cells in zip(columns, cells)]
    line = "  ".join(f"{{:<{width}}}" for width in widths)
    lines = [line.format(*columns).rstrip()]
    lines += [line.format(*row).rstrip() for row in zip(*cells)]
    return "\n".join(lines) + "\n"


def register_report(casebook: Casebook, records: Iterable[dict], output_format: str, today: date,
                    redacted: bool = False) -> str:
    rows = sorted((register_row(r) for r in records), key=lambda row: row["record"])  # rows, never the records
    if redacted:
        rows = [{**row, "name": row["record"]} for row in rows]
    if output_format == "json":
        return json.dumps({"as_of": today.isoformat(), "records": rows}, ensure_ascii=False, indent=2) + "\n"
    if output_format == "csv":
        return _csv(REGISTER_COLUMNS, rows)
    if output_format == "html":
        return render("register", "html", {**_page_context(casebook, today), "rows": rows}, casebook.root)
    return _text_table(("record", "name", "status", "provision_code", "primary_need", "secondary_needs",
                        "year_group", "entered", "left"), rows)


def costs_explained(costs: CostSettings) -> str:
    """How the yearly costs were worked out, in one paragraph for the reader of the map."""
    rates = "; ".join(f"{word}: £{rate:,.2f} an hour" for word, rate in costs.staff_rates.items())
    return (f"Yearly cost: a provision's cost for its cycle scaled to a year ({DAYS_IN_YEAR} days over the days "
            "from the plan's agreement to its review), else its minutes a week ÷ 60 × the hourly rate of its "
            f"staff × {costs.school_weeks} school weeks ÷ its group size; rounded to the penny. Staff rates: "
            f"{rates or 'none set (staff_rates in sendcli.yaml)'}. A child's yearly total adds up the yearly "
            "costs of their provision in the period; it passes the notional threshold above "
            f"£{costs.notional_threshold:,.2f}. Provision without a cost, minutes or staff rate is not costed "
            "and counted as uncosted.")


def _rows_by_child(rows):
    by_child: dict[str, list] = {}
    for row in rows:
        by_child.setdefault(row.record, []).append(row)
    return by_child


def _amount(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def provision_map_report(casebook: Casebook, records: Iterable[dict], output_format: str, today: date,
                         redacted: bool = False, period_from: date | None = None,
                         period_to: date | None = None, children_only: bool = False) -> str:
    """Every provision running in the period (default: the current school year up to today), each
    costed for a year, and each child's yearly total against the notional threshold.
    ``children_only``: in text and CSV, one row per child rather than per provision."""
    period_to = period_to or today
    period_from = period_from or school_year_start(period_to)
    costs = CostSettings.from_settings(casebook.settings)
    # What the map reads of each record (its provision extract, as the summary cache gives it), so
    # that every caller's records give the same rows, redacted or not.
    records = (record if PROVISION_ENTRIES in record else provision_extract(record) for record in records)
    if redacted:  # the child by ID alone, in the provision's own text too
        records = (redact(record) for record in records)
    rows = provision_rows(records, period_from, period_to, costs)
    if redacted:
        rows = [type(row)(**{**_fields_of(row), "name": row.record}) for row in rows]
    by_kind, by_staff, total = totals_by(rows, "kind"), totals_by(rows, "staff"), grand_total(rows)
    children = children_costs(rows, costs)
    if output_format == "json":
        return json.dumps({"as_of": today.isoformat(), "from": period_from.isoformat(), "to": period_to.isoformat(),
                           "provision": [_fields_of(r) for r in rows], "children": [_fields_of(c) for c in children],
                           "by_kind": [_fields_of(t) for t in by_kind], "by_staff": [_fields_of(t) for t in by_staff],
                           "total": _fields_of(total), "school_weeks": costs.school_weeks,
                           "notional_threshold": float(costs.notional_threshold),
                           "staff_rates": {word: float(rate) for word, rate in costs.staff_rates.items()}},
                          ensure_ascii=False, indent=2) + "\n"
    if output_format == "csv":
        # Amounts with their pence ("180.00"), which every spreadsheet reads as a number.
        if children_only:
            return _csv(CHILDREN_COLUMNS, [{**_fields_of(c), "yearly_cost": _amount(c.yearly_cost),
                                            "above_threshold": "yes" if c.above_threshold else "no"}
                                           for c in children])
        return _csv(PROVISION_COLUMNS, [{**_fields_of(r), "yearly_cost": _amount(r.yearly_cost)} for r in rows])
    if output_format == "html":
        return render("provision-map", "html", {**_page_context(casebook, today), "rows": rows, "by_kind": by_kind,
                                                "by_staff": by_staff, "total": total, "period_from": period_from,
                                                "period_to": period_to, "children": children,
                                                "child_rows": _rows_by_child(rows),
                                                "costs": costs, "costs_explained": costs_explained(costs),
                                                "notional_threshold": float(costs.notional_threshold)},
                      casebook.root)
    child_table = _column_table(("record", "name", "yearly_cost", "above_threshold", "uncosted"),
                                [[c.record for c in children], [c.name for c in children],
                                 [_amount(c.yearly_cost) for c in children],
                                 ["yes" if c.above_threshold else "no" for c in children],
                                 [c.uncosted for c in children]])
    heading = f"Provision running from {period_from.isoformat()} to {period_to.isoformat()}\n\n"
    if children_only:
        return heading + child_table
    columns = ("kind", "staff", "record", "cycle", "provision", "minutes_per_week", "cost", "yearly_cost", "text")
    # Column by column, from the rows themselves: no copy of 80,000 rows as mappings.
    out = [heading, _column_table(columns, [list(map(_amount, map(attrgetter(column), rows))) if column == "yearly_cost"
                                            else list(map(attrgetter(column), rows)) for column in columns])]
    for title, groups in (("by kind", by_kind), ("by staff", by_staff)):
        # A group none of whose rows could be costed shows "—" (unknown), never 0.00.
        table = [{"group": g.label, "count": g.count, "minutes_per_week": g.minutes_per_week,
                  "cost": f"{g.cost:.2f}", "yearly_cost": _amount(g.yearly_cost) or "—"} for g in [*groups, total]]
        out.append(f"\n{title}\n" + _text_table(("group", "count", "minutes_per_week", "cost", "yearly_cost"), table))
    out.append(f"\nby child (notional threshold {costs.notional_threshold:.2f} a year)\n" + child_table)
    out.append("\n" + costs_explained(costs) + "\n")
    return "".join(out)


STAT_LABELS = {**{n.code: f"{n.label} ({n.code})" for n in codes.NEED_TYPES}, **AREA_WORDS,
               codes.UNCATEGORISED: "Uncategorised", "K": "K: SEN support", "E": "E: EHC plan",
               "sen-support": "SEN support", "ehc-plan": "EHC plan"}


def stats_report(casebook: Casebook, records: Iterable[dict], output_format: str, today: date) -> str:
    """Anonymised: no names or IDs anywhere, counts under 5 shown as <5, and x where a count is
    hidden so that a small one cannot be worked out by subtraction."""
    figures = stats(records, today)
    data = figures.as_json()
    if output_format == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    groups = [(name[3:], data[name]) for name in ("by_status", "by_provision_code", "by_primary_need", "by_area",
                                                  "by_year_group")]
    if output_format == "csv":
        rows = [{"group": "total", "key": "all", "count": data["total"]}]
        rows += [{"group": group, "key": key, "count": count} for group, counts in groups for key, count in counts.items()]
        return _csv(("group", "key", "count"), rows)
    if output_format == "html":
        return render("stats", "html", {**_page_context(casebook, today), "stats": figures, "labels": STAT_LABELS},
                      casebook.root)
    out = [f"On SEN support or with an EHC plan: {data['total']} (counts under 5 shown as <5; x: hidden so "
           "that a small count cannot be worked out from the others)\n"]
    for group, counts in groups:
        out.append(f"\nby {group.replace('_', ' ')}\n")
        out += [f"  {STAT_LABELS.get(key, key):<60} {count}\n" for key, count in counts.items()]
    return "".join(out)


def output_path_for(folder: Path, record_id: str, template: str, output_format: str) -> Path:
    return folder / f"{record_id}.{template}.{output_format}"


def _class_order(record: dict) -> tuple:
    """Passports in year-group order (N1, N2, R, 1 ... 14, then none), then by surname and name."""
    child = record["child"]
    year = child.get("year_group")
    position = codes.YEAR_GROUPS.index(year) if year in codes.YEAR_GROUPS else len(codes.YEAR_GROUPS)
    name = str(child.get("name") or "")
    return position, name.split()[-1].casefold() if name.split() else "", name.casefold(), str(record.get("id"))


def passports_report(casebook: Casebook, records: Iterable[dict], year_groups: list[str], today: date,
                     redacted: bool = False, output_format: str = "html") -> str | bytes:
    """One file of passports, one a page in print: every open record, or those of ``year_groups``.
    HTML (text); a Word document (``docx``, bytes: templates/passports.docx, or the casebook's own
    templates/passport.docx filled for each child) or a PDF (``pdf``, bytes: the HTML laid out as
    A4 pages)."""
    from sendcli.documents.rendering import passport_context

    wanted = set(year_groups)
    chosen = [record for record in records if record.get("status") != codes.CLOSED
              and (not wanted or record["child"].get("year_group") in wanted)]
    passports = [passport_context(record, today, redacted) for record in chosen]
    passports.sort(key=lambda passport: _class_order(passport["record"]))
    context = {**_page_context(casebook, today), "passports": passports,
               "year_groups": list(dict.fromkeys(year_groups)), "redacted": redacted}
    if output_format == "docx":
        import os

        from sendcli.documents.docx import render_docx, render_docx_pages

        own = casebook.root / "templates"
        if passports and os.path.lexists(own / "passport.docx") and not os.path.lexists(own / "passports.docx"):
            # The casebook's own passport form (a council's, say), filled for each child, one a page.
            return render_docx_pages("passport", [{**context, **passport} for passport in passports], casebook.root)
        # One template for the whole set: filled once, many times quicker than a document a child.
        return render_docx("passports", context, casebook.root)
    html = render("passports", "html", context, casebook.root)
    if output_format == "pdf":
        from sendcli.documents.pdf import html_to_pdf

        return html_to_pdf(html)
    return html
