"""``sendcli due`` (for cron) and ``sendcli ehc EVENT ID`` (the EHC timeline)."""

from __future__ import annotations

import sys
from enum import Enum
from typing import Optional

import typer
from typer.core import TyperGroup

from sendcli.cli.app import casebook, today
from sendcli.cli.options import REDACT_HELP_TAIL, choices, date_option, redaction
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
    redact: Optional[bool] = typer.Option(None, "--redact/--no-redact",
                                          help="Record IDs in place of names, for mail that leaves the school's "
                                               "systems; retention items (dated from the date of birth) and what "
                                               "unreadable files say are left out." + REDACT_HELP_TAIL),
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

    In CSV, a cell starting with =, +, -, @, a tab or a carriage return gets
    a leading ' so that a spreadsheet shows it as text and never runs it as
    a formula. In text, control characters are shown escaped (\x1b, \n).

    \b
    Examples:
      sendcli due
      sendcli due --all --format json
      sendcli due --redact --fail-on overdue          # in a crontab
      sendcli due --all --format ics > sen.ics        # a calendar feed
    """
    from sendcli.documents.due import as_csv, as_ics, as_json, as_text_lines, collect

    book = casebook(ctx)
    report = collect(book.root, book.settings, today(), within, show_all,
                     tuple(k.value for k in kind or ()), redaction(book.settings, redact), use_cache=not no_cache)
    from sendcli.documents.output import printable

    for unreadable in report.unreadable:
        sys.stderr.write(f"sendcli: unreadable: {printable(unreadable.path)}:{printable(unreadable.message)}\n")
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

    from sendcli.documents.output import printable

    colours = {"overdue": "bold red", "due-soon": "yellow", "upcoming": "green"}
    table = Table("due", "days", "status", "record", "kind", "detail")
    for item in report.items:
        status = report.status(item)
        who = item.record if report.redact else f"{item.record}\n{escape(printable(item.name))}"
        detail = escape(printable(item.detail)) + (
            f"\n[italic]exception: {escape(printable(item.exception))}[/italic]" if item.exception else "")
        table.add_row(item.due.isoformat(), f"{item.days_left(report.as_of):+d}",
                      f"[{colours[status]}]{status}[/]", who, item.kind, detail)
    Console(highlight=False, emoji=False).print(table)  # ":smile:" in a record is text, never an emoji


# -- ehc ----------------------------------------------------------------------------------

class _TimelineOrder(TyperGroup):
    """``sendcli ehc --help`` lists the events in the order they happen."""

    def list_commands(self, ctx):
        return sorted(super().list_commands(ctx), key=codes.EHC_EVENTS.index)


ehc_app = typer.Typer(cls=_TimelineOrder, no_args_is_help=True,
                      help="The EHC needs assessment and plan: record each event of the statutory timeline."
                           "\n\n\b\nExamples:\n  sendcli ehc request ts-20 --date 2026-10-02\n"
                           "  sendcli ehc decision ts-20 --outcome assess\n"
                           "  sendcli ehc existing kt-12 --issued 2025-02-03 --authority \"Example LA\"")
app.add_typer(ehc_app, name="ehc")

DecisionOutcome = choices("DecisionOutcome", codes.EHC_DECISION_OUTCOMES)
LaOutcome = choices("LaOutcome", codes.EHC_LA_OUTCOMES)
TransferTo = choices("TransferTo", codes.EHC_TRANSFER_TO)
CeasedTo = choices("CeasedTo", codes.EHC_CEASED_TO)
ExceptionReason = choices("ExceptionReason", codes.EHC_EXCEPTION_REASONS)

MEETING = typer.Option(None, "--meeting", metavar="DATE", help="The review meeting it answers, YYYY-MM-DD. "
                       "Default: the earliest meeting still waiting for it.")


def _event(ctx: typer.Context, record_id: str, event: str, when: str | None, commit: bool | None, **options) -> None:
    from sendcli.core import ehc

    on = _on(when)
    settings_la = casebook(ctx).settings.get("local_authority")
    _run(ctx, record_id, f"record the EHC event '{event}'",
         lambda record: ehc.record_event(record, event, on, today(), local_authority=settings_la, **options), commit)


#: Events that need nothing but a date: (what happened, an example), in the order they come.
SIMPLE_EVENTS = {
    "request": ("A request for an EHC needs assessment was made: the 6-, 16- and 20-week clocks start "
                "(Regs 5(1), 10(1), 13(2)). After a decision not to assess or not to issue, a new request "
                "starts a new assessment; the earlier one stays in the record.",
                "sendcli ehc request ts-20 --date 2026-10-02"),
    "advice-requested": ("The local authority asked the setting for its advice for the assessment: due within "
                         "6 weeks (Regs 8).", "sendcli ehc advice-requested ts-20 --date 2026-11-09"),
    "advice-given": ("The setting sent its advice for the assessment.",
                     "sendcli ehc advice-given ts-20 --date 2026-12-04"),
    "not-issue": ("After assessing, the local authority decided not to issue a plan (due 16 weeks after the "
                  "request, Regs 10(1)).", "sendcli ehc not-issue ts-20 --date 2027-01-20"),
    "draft": ("The draft EHC plan was issued: the decision to issue is due 16 weeks after the request "
              "(Regs 10(1)).", "sendcli ehc draft ts-20 --date 2027-01-25"),
    "consultation-reply": ("The setting replied to the authority's consultation on naming it in the plan "
                           "(CFA s.39): answers the earliest consultation still waiting.",
                           "sendcli ehc consultation-reply ts-20 --date 2027-02-05"),
    "final": ("The final EHC plan was issued; status becomes ehc-plan: it is due 20 weeks after the request "
              "(Regs 13(2)). Less than 15 days after the draft it is recorded with a warning: the family has 15 "
              "days to comment (Regs 13(1)).", "sendcli ehc final ts-20 --date 2027-02-15"),
    "review": ("An annual review meeting was held: the 12 months run from the plan's issue date, then from each "
               "review (the authority's decision, else the meeting) and end the day before the anniversary; the "
               "meeting is due 4 weeks before that end (CFA s.44; CoP 9.166, 9.169; Regs 20(10)).",
               "sendcli ehc review kt-12 --date 2027-01-20"),
    "review-notice-sent": ("The invitations to a planned review meeting went out, with the advice gathered for "
                           "it (2 weeks before, Regs 20(3), 20(4)): answers the earliest planned meeting without.",
                           "sendcli ehc review-notice-sent kt-12 --date 2027-01-04"),
    "amended": ("The amended plan was issued (within 8 weeks of the authority's decision to amend, Regs 22; "
                "R (L, M, P) v Devon CC [2022]).", "sendcli ehc amended kt-12 --date 2027-04-01"),
    "transfer-amended": ("The plan was amended for the phase transfer.",
                         "sendcli ehc transfer-amended rm-15 --date 2027-02-01"),
}


def _simple_event(event: str, summary: str, example: str) -> None:
    def command(ctx: typer.Context, record_id: str = RECORD_ID, when: Optional[str] = DATE,
                commit: Optional[bool] = COMMIT) -> None:
        _event(ctx, record_id, event, when, commit)

    first, _, more = summary.partition(": ")
    more = f"\n\n{more[:1].upper()}{more[1:]}" if more else ""
    command.__doc__ = f"{first}.{more}\n\n\b\nExample:\n  {example}\n" if more else \
        f"{summary}\n\n\b\nExample:\n  {example}\n"
    ehc_app.command(event)(command)


for _name, (_summary, _example) in SIMPLE_EVENTS.items():
    _simple_event(_name, _summary, _example)


@ehc_app.command("existing")
def ehc_existing(ctx: typer.Context, record_id: str = RECORD_ID,
                 issued: str = typer.Option(..., "--issued", metavar="DATE", help="The plan's issue date."),
                 last_review: Optional[str] = typer.Option(None, "--last-review", metavar="DATE",
                                                           help="The last annual review, if any."),
                 authority: Optional[str] = typer.Option(None, "--authority", metavar="NAME",
                                                         help="The local authority that maintains it."),
                 reference: Optional[str] = typer.Option(None, "--reference", metavar="REF",
                                                         help="The authority's reference for the plan."),
                 when: Optional[str] = DATE, commit: Optional[bool] = COMMIT) -> None:
    """A plan made before the casebook, or by another authority: status becomes ehc-plan.

    Its annual review runs from the last review, else from the issue date
    (CFA s.44).

    \b
    Example:
      sendcli ehc existing kt-12 --issued 2025-02-03 --last-review 2026-01-20 --authority "Example LA"
    """
    _event(ctx, record_id, "existing", when, commit, issued=date_option(issued, "--issued"),
           last_review=date_option(last_review, "--last-review"), authority=authority, reference=reference)


@ehc_app.command("decision")
def ehc_decision(ctx: typer.Context, record_id: str = RECORD_ID,
                 outcome: DecisionOutcome = typer.Option(..., "--outcome", help="assess or not-assess."),
                 when: Optional[str] = DATE, commit: Optional[bool] = COMMIT) -> None:
    """The local authority decided whether to assess (due 6 weeks after the request, Regs 4, 5(1)).

    \b
    Example:
      sendcli ehc decision ts-20 --outcome assess --date 2026-11-06
    """
    _event(ctx, record_id, "decision", when, commit, outcome=outcome.value)


@ehc_app.command("consulted")
def ehc_consulted(ctx: typer.Context, record_id: str = RECORD_ID,
                  reply_by: str = typer.Option(..., "--reply-by", metavar="DATE",
                                               help="The date the authority wants the reply by."),
                  when: Optional[str] = DATE, commit: Optional[bool] = COMMIT) -> None:
    """The local authority consulted the setting on naming it in the plan (CFA s.39): reply by the date given.

    \b
    Example:
      sendcli ehc consulted ts-20 --reply-by 2027-02-10 --date 2027-01-27
    """
    _event(ctx, record_id, "consulted", when, commit, reply_by=date_option(reply_by, "--reply-by"))


@ehc_app.command("review-planned")
def ehc_review_planned(ctx: typer.Context, record_id: str = RECORD_ID,
                       meeting: str = typer.Option(..., "--meeting", metavar="DATE",
                                                   help="The date of the planned review meeting."),
                       when: Optional[str] = DATE, commit: Optional[bool] = COMMIT) -> None:
    """A review meeting is planned: invitations and advice go out 2 weeks before it (Regs 20(3), 20(4)).

    \b
    Example:
      sendcli ehc review-planned kt-12 --meeting 2027-01-20
    """
    _event(ctx, record_id, "review-planned", when, commit, meeting=date_option(meeting, "--meeting"))


@ehc_app.command("report")
def ehc_report(ctx: typer.Context, record_id: str = RECORD_ID, meeting: Optional[str] = MEETING,
               when: Optional[str] = DATE, commit: Optional[bool] = COMMIT) -> None:
    """The report of a review meeting was sent (within 2 weeks of the meeting, Regs 20(7)).

    \b
    Examples:
      sendcli ehc report kt-12 --date 2027-01-29
      sendcli ehc report kt-12 --meeting 2027-01-20 --date 2027-02-01
    """
    _event(ctx, record_id, "report", when, commit, meeting=date_option(meeting, "--meeting"))


@ehc_app.command("la-decision")
def ehc_la_decision(ctx: typer.Context, record_id: str = RECORD_ID,
                    outcome: LaOutcome = typer.Option(..., "--outcome", help="maintain, amend or cease."),
                    meeting: Optional[str] = MEETING,
                    when: Optional[str] = DATE, commit: Optional[bool] = COMMIT) -> None:
    """The local authority decided after a review (within 4 weeks of the meeting, Regs 20(10)).

    After amend, the amended plan is due within 8 weeks (Regs 22). After cease
    the plan stays in force (status ehc-plan) through the 2 months to appeal
    (CFA s.45): record its end with 'sendcli ehc ceased'.

    \b
    Examples:
      sendcli ehc la-decision kt-12 --outcome amend --date 2027-02-10
      sendcli ehc la-decision kt-12 --outcome maintain --meeting 2027-01-20
    """
    _event(ctx, record_id, "la-decision", when, commit, outcome=outcome.value,
           meeting=date_option(meeting, "--meeting"))


@ehc_app.command("ceased")
def ehc_ceased(ctx: typer.Context, record_id: str = RECORD_ID,
               to: CeasedTo = typer.Option(CeasedTo("sen-support"), "--to",
                                           help="The child's status from now: sen-support or monitoring."),
               when: Optional[str] = DATE, commit: Optional[bool] = COMMIT) -> None:
    """The plan ended after the authority's decision to cease it (and the 2 months to appeal, CFA s.45).

    \b
    Example:
      sendcli ehc ceased kt-12 --date 2027-04-12 --to sen-support
    """
    _event(ctx, record_id, "ceased", when, commit, to=to.value)


@ehc_app.command("transfer")
def ehc_transfer(ctx: typer.Context, record_id: str = RECORD_ID,
                 year: int = typer.Option(..., "--year", min=2000, max=2100, help="The year of the move."),
                 to: TransferTo = typer.Option(..., "--to", help="school or post-16."),
                 when: Optional[str] = DATE, commit: Optional[bool] = COMMIT) -> None:
    """A phase transfer is ahead: the plan is amended before 15 February (31 March for post-16), Regs 18(1).

    A child with a plan in a transfer year group (phase_transfer_year_groups in
    sendcli.yaml, default N2, 6 and 11) gets the item without this; record the
    transfer when it is in another year.

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
                  closed_from: Optional[str] = typer.Option(None, "--from", metavar="DATE",
                                                            help="school-closure: the closure's first day."),
                  closed_to: Optional[str] = typer.Option(None, "--to", metavar="DATE",
                                                          help="school-closure: the closure's last day."),
                  advice_requested: Optional[str] = typer.Option(
                      None, "--advice-requested", metavar="DATE",
                      help="school-closure: the day the authority asked the setting for advice."),
                  when: Optional[str] = DATE, commit: Optional[bool] = COMMIT) -> None:
    """Record an exception to the assessment's time limits: it explains a delay, never hides it.

    It applies to the clocks of the current assessment only (advice, decision,
    decision to issue, final plan); reviews, phase transfer and amendments
    have no exceptions. A school closure must be 4 weeks or more, with the
    request for advice made from a week before it to a week before the
    setting reopened.

    \b
    Examples:
      sendcli ehc exception ts-20 --reason absence-from-area --note "Family abroad 5 weeks"
      sendcli ehc exception ts-20 --reason school-closure --from 2026-07-22 --to 2026-09-02 \\
          --advice-requested 2026-07-20 --note "Summer holiday"
    """
    _event(ctx, record_id, "exception", when, commit, reason=reason.value, note=note,
           closed_from=date_option(closed_from, "--from"), closed_to=date_option(closed_to, "--to"),
           advice_requested=date_option(advice_requested, "--advice-requested"))
