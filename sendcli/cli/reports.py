"""``report``, ``register``, ``provision-map`` and ``stats``."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from sendcli.cli.app import casebook, options, today
from sendcli.cli.reading import refuse_binary_to_terminal as _refuse_binary_to_terminal
from sendcli.cli.reading import write_report as _write
from sendcli.cli.options import REDACT_HELP_TAIL, redaction
from sendcli.documents.rendering import FORMATS
from sendcli.errors import SendcliError, UsageProblem

#: This module's commands; sendcli.cli.app loads them when one of them runs (quicker start).
app = typer.Typer()


class Template(str, Enum):
    plan = "plan"
    review = "review"
    parent = "parent"
    profile = "profile"
    chronology = "chronology"
    ehc_request = "ehc-request"
    annual_review = "annual-review"
    passport = "passport"


#: One choice for each format the renderer knows (sendcli.documents.rendering.FORMATS).
ReportFormat = Enum("ReportFormat", {name: name for name in FORMATS}, type=str)


class TableFormat(str, Enum):
    text = "text"
    csv = "csv"
    json = "json"
    html = "html"


#: What --output promises (sendcli.documents.output.write_output).
OUTPUT_HELP = ("Write to FILE (mode 0600), never over the casebook's own files; a device or named pipe is "
               "written to as a stream.")

REDACT = typer.Option(None, "--redact/--no-redact",
                      help="The child by record ID alone (no name, initials, date of birth or numbers), people by "
                           "role: for output that leaves the school." + REDACT_HELP_TAIL)


@app.command()
def report(
    ctx: typer.Context,
    record_id: Optional[str] = typer.Argument(None, metavar="ID", help="The record (leave out with --all)."),
    template: Template = typer.Option(Template.plan, "--template",
                                      help="plan, review, parent, profile, chronology, ehc-request (the "
                                           "setting's evidence for an EHC needs assessment request), "
                                           "annual-review (the setting's annual review report of an EHC plan) "
                                           "or passport (one page for the adults who teach the child)."),
    output_format: ReportFormat = typer.Option(ReportFormat("html"), "--format",
                                               help="html, md, docx (a Word document: give --output FILE) or "
                                                    "pdf (A4 pages with the school's name and page numbers at "
                                                    "the foot; needs pip install 'sendcli[pdf]')."),
    output: Optional[Path] = typer.Option(None, "--output", metavar="FILE", help=OUTPUT_HELP),
    all_records: bool = typer.Option(False, "--all", help="Every record, one file each, into --output-dir."),
    output_dir: Optional[Path] = typer.Option(None, "--output-dir", metavar="DIR",
                                              help="With --all: the folder for ID.TEMPLATE.FORMAT files, "
                                                   "written all or nothing (see above)."),
    redact: Optional[bool] = REDACT,
) -> None:
    """Render a record through a template: the SEN support plan, the review, a summary for the family,
    a one-page profile, the chronology (every dated event of the record, oldest first), the evidence
    for an EHC needs assessment request, the annual review report of an EHC plan, or a passport.

    Each is written from where the record stands today: the family summary
    reports the latest review and the next review's date; a child with an
    EHC plan gets the setting's support plan alongside it; a closed record
    gets no plan, family summary, request evidence, annual review report or
    passport (exit 1; --all skips it, saying so), while its review, profile
    and chronology still render.

    The annual review report (a record with an EHC plan; any other is
    refused, exit 1) is for the review in hand: the earliest meeting recorded
    with 'sendcli ehc review' whose report is not sent yet, else a meeting
    planned after it, else the next one due. It covers the period since the
    last review: the views, each outcome's progress (and measured readings),
    the provision that ran, what should change, the setting's recommendation
    (maintain, amend or cease), who took part and who gave advice. The last
    four are set on the meeting's entry, e.g. sendcli set rm-15
    'ehc.reviews[-1].recommendation' amend (also attendees, advice_from,
    changes); what is not recorded yet says so.

    HTML is one self-contained, print-ready A4 file. docx is a Word document
    (headings, tables, page numbers), written to --output FILE (or to stdout
    when it is redirected, never to a terminal). A casebook's own
    templates/NAME.FORMAT.j2 overrides the built-in one, and its
    templates/NAME.docx (a council's Word form tagged {{ record.child.name }}
    and so on) the built-in Word template, filled through the same sandbox
    (see the README for the context each template receives).

    --all writes every record's report into --output-dir DIR, all or
    nothing: the reports are made in a private folder beside DIR and moved
    in only when every record has rendered, so that DIR always holds one
    run's set. If a template fails on any record, the disk fills or the run
    is interrupted, DIR is left as it was (exit 1; 130 for Ctrl-C). A record
    with nothing for the template is skipped, and a record sendcli cannot
    read is named (file:line, exit 1); the others are still written. Files
    in DIR that the run does not make are left alone. PDFs for 20 records or
    more are laid out by one worker process per core (at most 4), with the
    same files and messages as one at a time.

    PDF is the HTML (a casebook's own NAME.html.j2 too) laid out as A4
    pages, with the school's name and "Page 1 of 2" at the foot of each
    page, by WeasyPrint, an optional extra (pip install 'sendcli[pdf]',
    with Pango from the system); it reads no file and no URL that a
    template or a record names.

    \b
    Examples:
      sendcli report ae-16 --output ava-plan.html
      sendcli report ae-16 --template parent --format md
      sendcli report ae-16 --template review --format docx --output ae-16-review.docx
      sendcli report ae-16 --template chronology --output ae-16-chronology.html
      sendcli report ae-16 --template profile --format pdf --output ava-profile.pdf
      sendcli report rm-15 --template annual-review --output rm-15-annual-review.html
      sendcli report ae-16 --template passport --output ava-passport.html
      sendcli report --all --template profile --output-dir profiles/
      sendcli report --all --template plan --format docx --output-dir plans/
    """
    from sendcli.cli.reading import report_record, report_start

    book, as_of, redact = report_start(options(ctx).root, output_format.value, output, all_records, redact)
    if all_records:
        if record_id is not None or output is not None:
            raise UsageProblem("--all renders every record into --output-dir; give no ID and no --output")
        if output_dir is None:
            raise UsageProblem("--all needs --output-dir DIR")
        _report_all(book, template.value, output_format.value, output_dir, as_of, redact)
        return
    if record_id is None:
        raise UsageProblem("give a record ID, or --all with --output-dir")
    report_record(book, as_of, record_id, template.value, output_format.value, output, redact)


def _report_all(book, template: str, output_format: str, output_dir: Path, as_of, redact: bool) -> None:
    """``report --all``: every record's report into ``output_dir``, all or nothing.

    The reports are made in a private staging folder beside ``output_dir``
    and moved in only when every readable record has rendered (or was
    skipped, having nothing for this template); a failure on any one (a
    template error, Ctrl-C, a full disk) leaves ``output_dir`` as it was. An
    unreadable record is the casebook's fault, not the run's: it is named
    (file:line), the others are written, and the command exits 1.

    PDFs (20 or more) are made in worker processes, one per core
    (sendcli.documents.batch), in the same order, with the same bytes and
    messages as here.
    """
    from contextlib import closing

    from sendcli.store.casebook import Unreadable, each_record
    from sendcli.store.checking import casebook_targets
    from sendcli.documents.batch import made_in_workers, worker_count
    from sendcli.documents.output import StagedFolder, printable
    from sendcli.documents.reporting import NothingToReport, output_path_for, record_report

    def outcome(record) -> tuple[str, str, bytes]:
        """What one record gives: ``(kind, text, data)``, in this process or a worker."""
        if isinstance(record, Unreadable):
            # Under --redact the diagnostics too leave out what the file says (only the place and the rule).
            return "unreadable", f"{printable(record.path)}:{printable(record.message)}", b""
        try:
            text = record_report(book, record, template, output_format, as_of, redact)
        except NothingToReport as why:
            return "skipped", printable(why.message), b""
        name = output_path_for(output_dir, record["id"], template, output_format).name
        return "report", name, text if isinstance(text, bytes) else text.encode("utf-8")

    total = sum(1 for target in casebook_targets(book.root) if not target.is_config)
    workers = worker_count(output_format, total)
    records = each_record(book.root, as_of, redact)
    if workers:
        outcomes = made_in_workers(records, outcome, workers, name_of=_record_name)
    else:
        outcomes = ((record, outcome(record)) for record in records)
    unreadable = skipped = 0
    with StagedFolder(output_dir, [book.root]) as staged, closing(outcomes):
        try:
            # No progress bar thread while workers are forked (auto_refresh off): a fork copies no thread.
            for _record, (kind, text, data) in _progress(outcomes, f"Rendering {template} reports", total,
                                                         auto_refresh=not workers):
                if kind == "unreadable":
                    sys.stderr.write(f"sendcli: unreadable: {text}\n")
                    unreadable += 1
                elif kind == "skipped":
                    sys.stderr.write(f"sendcli: skipped: {text}\n")
                    skipped += 1
                else:
                    staged.write(text, data)
            staged.commit()
        # Said as it is: nothing moved in (most failures), or the set written when Ctrl-C came
        # while it moved in (it waits for the renames) or the folder's sync failed after them.
        except SendcliError as error:
            error.details.append(staged.state())
            raise
        except OSError as error:
            _stopped_by(error, staged.state())
        except KeyboardInterrupt:
            sys.stderr.write(f"sendcli: interrupted: {staged.state()}\n")
            raise
    written = len(staged.names)
    sys.stderr.write(f"wrote {written} report{'s' * (written != 1)} to {printable(output_dir)}"
                     f"{f'; {skipped} skipped' if skipped else ''}\n")
    if unreadable:
        raise typer.Exit(1)


def _record_name(record) -> str:
    """A record as a message names it: its ID, or an unreadable one's file."""
    from sendcli.store.casebook import Unreadable
    from sendcli.documents.output import printable

    return printable(record.path if isinstance(record, Unreadable) else str(record.get("id")))


def _stopped_by(error: OSError, unchanged: str) -> None:
    """An OS error (a full disk, a folder not ours) as the CLI says it, and that nothing was written;
    one the CLI does not expect is raised again (a bug, exit 3)."""
    from sendcli.cli.app import ORDINARY_OS_ERRORS, os_error_message, print_error

    if error.errno not in ORDINARY_OS_ERRORS:
        raise error
    print_error(os_error_message(error), [unchanged])
    raise typer.Exit(1) from None


def _progress(items, description: str, total: int, auto_refresh: bool = True):
    """A Rich progress bar on a terminal; nothing extra when piped. Without ``auto_refresh`` it is
    redrawn at each item, by this thread (no thread of its own)."""
    if not sys.stderr.isatty():
        yield from items
        return
    from rich.progress import track

    yield from track(items, description=description, total=total, console=None, transient=True,
                     auto_refresh=auto_refresh)


NO_CACHE = typer.Option(False, "--no-cache", help="Read every record afresh: neither use nor update the "
                                                   "summary cache (.sendcli/summaries.sqlite).")


def _casebook_report(ctx: typer.Context, make, output: Path | None, redact: bool | None = False,
                     no_cache: bool = False, kind: str = "view") -> bool:
    """``make(book, today, records)`` over the casebook's readable records, streamed (each report
    keeps only its rows), written to stdout or ``output``; then the unreadable ones on stderr
    (under ``redact`` without what the file says: only the place and the rule). Returns whether
    there were any (exit 1).

    The records are their extracts of ``kind`` (sendcli.core.views: "view", or "provision" for
    the provision map), from the summary cache where a file has not changed since it was read:
    what the views read of each record, no more.
    """
    from sendcli.store.casebook import Unreadable
    from sendcli.store.summaries import view_records
    from sendcli.documents.output import printable

    book = casebook(ctx)
    as_of = today()
    redact = redaction(book.settings, redact)
    unreadable: list[Unreadable] = []
    records = view_records(book.root, as_of, book.settings, unreadable, redact, use_cache=not no_cache, kind=kind)
    import gc

    # The collector paused while the rows pile up: they are no garbage, and each collection would
    # walk all of them again (about a fifth of a warm provision map over 5,000 records).
    gc.disable()
    try:
        text = make(book, as_of, records, redact)
    finally:
        gc.enable()
    _write(text, output, book.root)
    for item in unreadable:
        sys.stderr.write(f"sendcli: unreadable: {printable(item.path)}:{printable(item.message)}\n")
    return bool(unreadable)


@app.command()
def register(ctx: typer.Context,
             output_format: TableFormat = typer.Option(TableFormat.text, "--format", help="text, csv, json or html."),
             output: Optional[Path] = typer.Option(None, "--output", metavar="FILE", help=OUTPUT_HELP),
             redact: Optional[bool] = REDACT, no_cache: bool = NO_CACHE) -> None:
    """The SEN register: one row per record, with the census provision code (K/E/N) and need codes.

    In CSV, a cell starting with =, +, -, @, a tab or a carriage return gets
    a leading ' so that a spreadsheet shows it as text and never runs it as
    a formula.

    \b
    Examples:
      sendcli register
      sendcli register --format csv > register.csv
    """
    from sendcli.documents.reporting import register_report

    had_unreadable = _casebook_report(
        ctx, lambda book, as_of, records, redact: register_report(book, records, output_format.value, as_of, redact),
        output, redact, no_cache)
    if had_unreadable:
        raise typer.Exit(1)


@app.command("provision-map")
def provision_map(ctx: typer.Context,
                  output_format: TableFormat = typer.Option(TableFormat.text, "--format",
                                                            help="text, csv, json or html."),
                  period_from: Optional[str] = typer.Option(
                      None, "--from", metavar="DATE",
                      help="The period's first day. Default: 1 September of the school year of --to."),
                  period_to: Optional[str] = typer.Option(None, "--to", metavar="DATE",
                                                          help="The period's last day. Default: today."),
                  children: bool = typer.Option(
                      False, "--children",
                      help="Text and CSV: one row per child (yearly total, above the notional threshold) "
                           "instead of one per provision. JSON and HTML always hold both."),
                  output: Optional[Path] = typer.Option(None, "--output", metavar="FILE", help=OUTPUT_HELP),
                  redact: Optional[bool] = REDACT, no_cache: bool = NO_CACHE) -> None:
    """Every provision running in a period, with weekly minutes and yearly cost, totalled by kind, staff and child.

    A provision runs from its cycle's move to do until it ended (cycle
    review --end) or its cycle closed; provision carried into the next cycle
    counts once, whichever cycle holds it. The period defaults to the current
    school year (from 1 September) up to today.

    Each provision's yearly_cost is its cost for the cycle scaled to a year
    (365 days over the days from the plan's agreement to its review), else
    minutes a week / 60 x the hourly rate of its staff (staff_rates in
    sendcli.yaml) x school_weeks (default 39) / its group size, to the penny.
    Each child's yearly total is marked when it passes notional_threshold
    (default 6000). The HTML is a costed provision map to attach to an EHC
    needs assessment request.

    In CSV, a cell starting with =, +, -, @, a tab or a carriage return gets
    a leading ' so that a spreadsheet shows it as text and never runs it as
    a formula.

    \b
    Examples:
      sendcli provision-map
      sendcli provision-map --from 2026-09-01 --to 2026-12-18 --format csv > autumn.csv
      sendcli provision-map --format html --output provision-map.html
      sendcli provision-map --children --format csv > children-costs.csv
    """
    from sendcli.cli.options import date_option
    from sendcli.documents.reporting import provision_map_report

    first = date_option(period_from, "--from")
    last = date_option(period_to, "--to")
    if first is not None and last is not None and last < first:
        raise UsageProblem(f"--to {last} is before --from {first}: the period ends before it starts")
    if first is not None and last is None and first > today():
        raise UsageProblem(f"--from {first} is after today ({today()}); give --to as well")
    had_unreadable = _casebook_report(
        ctx, lambda book, as_of, records, redact: provision_map_report(book, records, output_format.value, as_of, redact,
                                                               first, last, children),
        output, redact, no_cache, kind="provision")
    if had_unreadable:
        raise typer.Exit(1)


@app.command()
def stats(ctx: typer.Context,
          output_format: TableFormat = typer.Option(TableFormat.text, "--format", help="text, csv, json or html."),
          output: Optional[Path] = typer.Option(None, "--output", metavar="FILE", help=OUTPUT_HELP),
          no_cache: bool = NO_CACHE) -> None:
    """Anonymised figures for the governors' SEN information report.

    Counts by status, need, area and year group; no names, no IDs; any count
    under 5 is shown as <5.

    In CSV, a cell starting with =, +, -, @, a tab or a carriage return gets
    a leading ' so that a spreadsheet shows it as text and never runs it as
    a formula.

    \b
    Examples:
      sendcli stats
      sendcli stats --format html --output sen-figures.html
    """
    from sendcli.documents.reporting import stats_report

    had_unreadable = _casebook_report(
        ctx, lambda book, as_of, records, _redact: stats_report(book, records, output_format.value, as_of), output,
        no_cache=no_cache)
    if had_unreadable:
        raise typer.Exit(1)





class PassportFormat(str, Enum):
    html = "html"
    pdf = "pdf"
    docx = "docx"


@app.command()
def passports(ctx: typer.Context,
              year_group: Optional[list[str]] = typer.Option(
                  None, "--year-group", metavar="Y",
                  help="Only this year group (N1, N2, R, 1 to 14); give it again for more. Default: every open "
                       "record."),
              output_format: PassportFormat = typer.Option(PassportFormat.html, "--format", help="html, pdf or docx."),
              output: Optional[Path] = typer.Option(
                  None, "--output", metavar="FILE",
                  help=OUTPUT_HELP + " Without it, HTML goes to stdout (docx and pdf only when redirected)."),
              redact: Optional[bool] = REDACT) -> None:
    """One-page passports for a class or year group: for the adults who teach each child.

    Each passport holds what the child is good at, what is important to them,
    what they find hard (in plain words, never a diagnosis), what helps, what
    to avoid (profile.what_to_avoid) and what they are working on now (the open
    cycle's outcomes). No date of birth, no age, no health detail. Open records
    only, in year-group order, then by surname; one file, one passport a page
    when printed. docx is one Word document, a passport a page
    (templates/passports.docx; a casebook's own templates/passport.docx is
    filled for each child instead); pdf is the
    HTML laid out as A4 pages (needs pip install 'sendcli[pdf]').

    \b
    Examples:
      sendcli passports --year-group 5 --output year5-passports.html
      sendcli passports --year-group 5 --year-group 6 --output upper-key-stage-2.html
      sendcli passports --output every-passport.html
      sendcli passports --year-group 5 --format docx --output year5-passports.docx
      sendcli passports --year-group 5 --format pdf --output year5-passports.pdf
    """
    from sendcli.cli.records import _year_group
    from sendcli.documents.reporting import passports_report

    wanted = [_year_group(value) for value in year_group or []]
    if output is None:
        _refuse_binary_to_terminal(output_format.value)
    if output_format is PassportFormat.pdf:
        from sendcli.documents.pdf import require_pdf_engine

        require_pdf_engine()  # what to install, said before any record is read
    from sendcli.store.casebook import Unreadable, readable_records
    from sendcli.documents.output import printable

    book = casebook(ctx)
    as_of = today()
    redact = redaction(book.settings, redact)
    unreadable: list[Unreadable] = []
    # Whole records, not the casebook views' extracts: a passport reads the profile and the plan's text.
    records = readable_records(book.root, as_of, unreadable, redact)
    _write(passports_report(book, records, wanted, as_of, redact, output_format.value), output, book.root)
    for item in unreadable:
        sys.stderr.write(f"sendcli: unreadable: {printable(item.path)}:{printable(item.message)}\n")
    if output is not None:
        sys.stderr.write(f"wrote {printable(output)}\n")
    if unreadable:
        raise typer.Exit(1)
