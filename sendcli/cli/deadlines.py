"""``sendcli due`` (for cron) and ``sendcli ehc EVENT ID`` (the EHC timeline)."""

from __future__ import annotations

import sys
from enum import Enum
from typing import Optional

import typer
from typer.core import TyperGroup

from sendcli.cli.app import casebook, today
from sendcli.cli.options import choices
from sendcli.cli.workflow import COMMIT, DATE, RECORD_ID, _on, _run
from sendcli.core import codes

#: This module's commands; sendcli.cli.app loads them when one of them runs (quicker start).
app = typer.Typer()

Kind = choices("Kind", codes.DEADLINE_KINDS)


class DueFormat(str, Enum):
    text = "text"
    json = "json"
    csv = "csv"
    ics = "ics"


class FailOn(str, Enum):
    overdue = "overdue"
    due_soon = "due-soon"


@app.command()
def due(
    ctx: typer.Context,
    within: Optional[int] = typer.Option(None, "--within", metavar="DAYS", min=0,
                                         help="The due-soon window. Default: due_soon_days in sendcli.yaml, else 14."),
    show_all: bool = typer.Option(False, "--all", help="Upcoming items too, not only overdue and due soon."),
    kind: Optional[list[Kind]] = typer.Option(None, "--kind", help="Only these kinds (repeat it)."),
    output_format: DueFormat = typer.Option(DueFormat.text, "--format", help="text, json, csv or ics."),
    fail_on: Optional[FailOn] = typer.Option(None, "--fail-on", help="Exit 1 when any item is overdue "
                                             "(due-soon: overdue or due soon). For cron."),
    redact: bool = typer.Option(False, "--redact", help="Record IDs in place of names, for mail that leaves "
                                                        "the school's systems."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Read every record afresh: neither use nor update "
                                  "the summary cache in .sendcli/."),
) -> None:
    """Every deadline across the casebook: overdue and due soon (--all: upcoming too).

    Sorted by due date, then record. Plain text prints nothing at all when
    nothing is due, so cron mails only when there is something to do. A record
    with errors is reported as unreadable on stderr (exit 1); the others are
    still listed.

    Deadlines come from the summary cache that check keeps in .sendcli/: only
    records changed since are read again (--no-cache: read all).

    \b
    Examples:
      sendcli due
      sendcli due --all --format json
      sendcli due --redact --fail-on overdue          # in a crontab
      sendcli due --all --format ics > sen.ics        # a calendar feed
    """
    from sendcli.due import as_csv, as_ics, as_json, as_text_lines, collect

    book = casebook(ctx)
    report = collect(book.root, book.settings, today(), within, show_all,
                     tuple(k.value for k in kind or ()), redact, use_cache=not no_cache)
    for unreadable in report.unreadable:
        sys.stderr.write(f"sendcli: unreadable: {unreadable.path}:{unreadable.message}\n")
    if output_format is DueFormat.json:
        sys.stdout.write(as_json(report))
    elif output_format is DueFormat.csv:
        sys.stdout.write(as_csv(report))
    elif output_format is DueFormat.ics:
        sys.stdout.flush()
        sys.stdout.buffer.write(as_ics(report, book.settings.get("name", "sendcli deadlines")))
        sys.stdout.flush()
    elif report.items:
        if sys.stdout.isatty():
            _print_table(report)
        else:
            sys.stdout.write("".join(line + "\n" for line in as_text_lines(report)))

    statuses = {report.status(item) for item in report.items}
    failing = fail_on is not None and ("overdue" in statuses or
                                       (fail_on is FailOn.due_soon and "due-soon" in statuses))
    if report.unreadable or failing:
        raise typer.Exit(1)


def _print_table(report) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    colours = {"overdue": "bold red", "due-soon": "yellow", "upcoming": "green"}
    table = Table("due", "days", "status", "record", "kind", "detail")
    for item in report.items:
        status = report.status(item)
        who = item.record if report.redact else f"{item.record}\n{escape(item.name)}"
        detail = escape(item.detail) + (f"\n[italic]exception: {escape(item.exception)}[/italic]"
                                        if item.exception else "")
        table.add_row(item.due.isoformat(), f"{item.days_left(report.as_of):+d}",
                      f"[{colours[status]}]{status}[/]", who, item.kind, detail)
    Console(highlight=False).print(table)


# -- ehc ----------------------------------------------------------------------------------

class _TimelineOrder(TyperGroup):
    """``sendcli ehc --help`` lists the events in the order they happen."""

    def list_commands(self, ctx):
        return sorted(super().list_commands(ctx), key=codes.EHC_EVENTS.index)


ehc_app = typer.Typer(cls=_TimelineOrder, no_args_is_help=True,
                      help="The EHC needs assessment and plan: record each event of the statutory timeline."
                           "\n\n\b\nExamples:\n  sendcli ehc request ts-20 --date 2026-10-02\n"
                           "  sendcli ehc decision ts-20 --outcome assess")
app.add_typer(ehc_app, name="ehc")

DecisionOutcome = choices("DecisionOutcome", codes.EHC_DECISION_OUTCOMES)
LaOutcome = choices("LaOutcome", codes.EHC_LA_OUTCOMES)
TransferTo = choices("TransferTo", codes.EHC_TRANSFER_TO)
ExceptionReason = choices("ExceptionReason", codes.EHC_EXCEPTION_REASONS)


def _event(ctx: typer.Context, record_id: str, event: str, when: str | None, commit: bool | None, **options) -> None:
    from sendcli.core import ehc

    on = _on(when)
    settings_la = casebook(ctx).settings.get("local_authority")
    _run(ctx, record_id, f"record the EHC event '{event}'",
         lambda record: ehc.record_event(record, event, on, today(), local_authority=settings_la, **options), commit)


#: Events that need nothing but a date: (what happened, an example), in the order they come.
SIMPLE_EVENTS = {
    "request": ("A request for an EHC needs assessment was made: the 6- and 20-week clocks start.",
               "sendcli ehc request ts-20 --date 2026-10-02"),
    "not-issue": ("After assessing, the local authority decided not to issue a plan.",
                 "sendcli ehc not-issue ts-20 --date 2027-01-20"),
    "draft": ("The draft EHC plan was issued.",
             "sendcli ehc draft ts-20 --date 2027-01-25"),
    "final": ("The final EHC plan was issued (due 20 weeks after the request, Regs 13(2)); status becomes ehc-plan.",
             "sendcli ehc final ts-20 --date 2027-02-15"),
    "review": ("An annual review meeting was held (within 12 months; 6 for under-fives, CoP 9.166, 9.178).",
              "sendcli ehc review kt-12 --date 2027-01-20"),
    "report": ("The report of the last review meeting was sent (within 2 weeks, Regs 20(7)).",
              "sendcli ehc report kt-12 --date 2027-01-29"),
    "amended": ("The amended plan was issued (within 12 weeks of the review meeting, Regs 22).",
               "sendcli ehc amended kt-12 --date 2027-04-01"),
    "transfer-amended": ("The plan was amended for the phase transfer.",
                        "sendcli ehc transfer-amended rm-15 --date 2027-02-01"),
}


def _simple_event(event: str, summary: str, example: str) -> None:
    def command(ctx: typer.Context, record_id: str = RECORD_ID, when: Optional[str] = DATE,
                commit: Optional[bool] = COMMIT) -> None:
        _event(ctx, record_id, event, when, commit)

    command.__doc__ = f"{summary}\n\n\b\nExample:\n  {example}\n"
    ehc_app.command(event)(command)


for _name, (_summary, _example) in SIMPLE_EVENTS.items():
    _simple_event(_name, _summary, _example)


@ehc_app.command("decision")
def ehc_decision(ctx: typer.Context, record_id: str = RECORD_ID,
                 outcome: DecisionOutcome = typer.Option(..., "--outcome", help="assess or not-assess."),
                 when: Optional[str] = DATE, commit: Optional[bool] = COMMIT) -> None:
    """The local authority decided whether to assess (due 6 weeks after the request, Regs 5(1)).

    \b
    Example:
      sendcli ehc decision ts-20 --outcome assess --date 2026-11-06
    """
    _event(ctx, record_id, "decision", when, commit, outcome=outcome.value)


@ehc_app.command("la-decision")
def ehc_la_decision(ctx: typer.Context, record_id: str = RECORD_ID,
                    outcome: LaOutcome = typer.Option(..., "--outcome", help="maintain, amend or cease."),
                    when: Optional[str] = DATE, commit: Optional[bool] = COMMIT) -> None:
    """The local authority decided after the review (within 4 weeks, Regs 20(10)); cease ends the plan.

    \b
    Example:
      sendcli ehc la-decision kt-12 --outcome amend --date 2027-02-10
    """
    _event(ctx, record_id, "la-decision", when, commit, outcome=outcome.value)


@ehc_app.command("transfer")
def ehc_transfer(ctx: typer.Context, record_id: str = RECORD_ID,
                 year: int = typer.Option(..., "--year", min=2000, max=2100, help="The year of the move."),
                 to: TransferTo = typer.Option(..., "--to", help="school or post-16."),
                 when: Optional[str] = DATE, commit: Optional[bool] = COMMIT) -> None:
    """A phase transfer is ahead: the plan must be amended by 15 February (31 March for post-16), Regs 18.

    \b
    Example:
      sendcli ehc transfer rm-15 --year 2027 --to school
    """
    _event(ctx, record_id, "transfer", when, commit, year=year, to=to.value)


@ehc_app.command("exception")
def ehc_exception(ctx: typer.Context, record_id: str = RECORD_ID,
                  reason: ExceptionReason = typer.Option(..., "--reason", help="Why the time limit could not "
                                                         "be met (Regs 5(4), 10(4), 13(3))."),
                  note: Optional[str] = typer.Option(None, "--note", metavar="T", help="What happened."),
                  when: Optional[str] = DATE, commit: Optional[bool] = COMMIT) -> None:
    """Record an exception to the assessment's time limits: it explains a delay, never hides it.

    \b
    Example:
      sendcli ehc exception ts-20 --reason absence-from-area --note "Family abroad 5 weeks"
    """
    _event(ctx, record_id, "exception", when, commit, reason=reason.value, note=note)
