"""``impact``: what the provision achieved for the children it served, and what it cost."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from sendcli.cli.app import today
from sendcli.cli.reports import NO_CACHE, OUTPUT_HELP, REDACT, TableFormat, _casebook_report
from sendcli.errors import UsageProblem

#: This module's commands; sendcli.cli.app loads them when one of them runs (quicker start).
app = typer.Typer()


class By(str, Enum):
    programme = "programme"
    kind = "kind"
    staff = "staff"
    need = "need"


@app.command()
def impact(ctx: typer.Context,
           by: By = typer.Option(By.programme, "--by", help="Group by the provision's programme, kind or staff, "
                                                          "or by the child's primary need."),
           period_from: Optional[str] = typer.Option(
               None, "--from", metavar="DATE",
               help="The period's first day. Default: 1 September of the school year of --to."),
           period_to: Optional[str] = typer.Option(None, "--to", metavar="DATE",
                                                   help="The period's last day. Default: today."),
           output_format: TableFormat = typer.Option(TableFormat.text, "--format", help="text, csv, json or html."),
           output: Optional[Path] = typer.Option(None, "--output", metavar="FILE", help=OUTPUT_HELP),
           names: bool = typer.Option(False, "--names", help="HTML only: list the children of each group by name "
                                                            "(by record ID under --redact)."),
           redact: Optional[bool] = REDACT, no_cache: bool = NO_CACHE) -> None:
    """What each intervention achieved, for how many children, at what cost.

    For each group (a value of --by, with one measure and unit: units never
    mix): the children and the measured outcomes, the median change from the
    baseline (or, where the baseline is before the period, the first reading
    in it) to the latest reading in the period, in the measure's own unit (a
    fall is negative: progress where lower_is_better), how many reached their
    target, the yearly cost of the provision behind them (GBP a school year,
    as provision-map's yearly_cost, each provision once) and the cost per
    child. An outcome belongs to a group through the provision that names it
    and ran in the period (--by need: through the child's primary need); a
    carried outcome counts once, with its history across cycles. A group of
    fewer than 5 children is marked small_group. No output names a child,
    except the HTML with --names; under --redact, the adults named in a
    group's staff or programme are shown by their role, as in provision-map.
    A measured outcome that changed but that no provision running in the
    period names is in no group of programme, kind or staff: the report
    counts such outcomes and says how to link one at its cycle's stage
    (sendcli add provision ... --outcome OID while the cycle is at assess
    or plan; once it is at do or later, sendcli set ID
    "cycles[N].plan.provision[PID].outcomes" --add OID).

    JSON: {"as_of", "from", "to", "by", "groups": [{"group", "children",
    "outcomes", "measure", "unit", "median_change", "reached_target", "cost",
    "cost_per_child", "lower_is_better", "small_group", "uncosted"}],
    "unserved"}, where group is null for provision without the programme
    (or Local Offer service), staff or primary need grouped by (an empty
    cell in CSV, "—" in text and HTML); cost adds each provision's yearly
    cost to the penny, as provision-map shows it; uncosted counts the
    provision that could not be costed (no cost, no staff rate); unserved
    counts the measured outcomes that no group counts.

    \b
    Examples:
      sendcli impact
      sendcli impact --by kind --from 2026-09-01 --to 2026-12-18 --format csv > autumn.csv
      sendcli impact --format html --output impact.html
    """
    from sendcli.cli.options import date_option
    from sendcli.documents.impact import impact_report

    first = date_option(period_from, "--from")
    last = date_option(period_to, "--to")
    if first is not None and last is not None and last < first:
        raise UsageProblem(f"--to {last} is before --from {first}: the period ends before it starts")
    if first is not None and last is None and first > today():
        raise UsageProblem(f"--from {first} is after today ({today()}); give --to as well")
    if names and output_format is not TableFormat.html:
        raise typer.BadParameter("names go only into the HTML (--format html), for the school's own use",
                                 param_hint="--names")
    had_unreadable = _casebook_report(
        ctx, lambda book, as_of, records, redacted: impact_report(book, records, output_format.value, as_of,
                                                                  by.value, first, last, names, redacted),
        output, redact, no_cache)
    if had_unreadable:
        raise typer.Exit(1)
