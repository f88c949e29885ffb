"""``show``, ``log`` and ``report ID``, the one-record reads, as plain functions: the Typer commands call them, and
so does the direct path (:mod:`sendcli.cli.direct`), which runs them without building the Typer
application. Nothing here imports typer.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

from sendcli.cli.running import casebook_at, redaction, today
from sendcli.core import codes
from sendcli.core.dates import age_in_years, parse_iso_date
from sendcli.errors import SendcliError


def show_record(root: str | None, record_id: str, output_format: str) -> None:
    """``sendcli show ID [--format text|json]`` in the casebook at ``root`` (None: the nearest)."""
    from sendcli.store.records import read_record

    as_of = today()
    book = casebook_at(root)
    verdict = read_record(book, record_id, as_of)
    record = verdict.data
    assert isinstance(record, dict)
    warnings = [p for p in verdict.problems if p.severity != "error"]
    from sendcli.core.deadlines import DeadlineSettings, record_deadlines

    settings = DeadlineSettings.from_settings(book.settings)
    deadlines = sorted(record_deadlines(record, settings), key=lambda d: d.due)
    from sendcli.core.reports import contacts, ehc_status

    ehc = ehc_status(record, deadlines)
    if output_format == "json":
        open_cycle = _open_cycle(record)
        json.dump({"record": record,
                   "provision_code": codes.provision_code(record["status"]),
                   "open_cycle": open_cycle.get("number") if open_cycle else None,
                   "stage": open_cycle.get("stage") if open_cycle else None,
                   "ehc": ehc.as_json() if ehc else None,
                   "contacts": contacts(record),
                   "deadlines": [{"kind": d.kind, "due": d.due.isoformat(), "days_left": d.days_left(as_of),
                                  "status": d.status(as_of, settings.due_soon_days), "detail": d.detail,
                                  **({"exception": d.exception} if d.exception else {})} for d in deadlines],
                   "warnings": [p.as_json() for p in warnings]},
                  sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return
    _print_record(record, as_of, [f"{p.field}: {p.message}" for p in warnings], ehc.line() if ehc else None)
    if deadlines:
        from sendcli.documents.output import printable

        print("Next deadlines:")
        for item in deadlines[:5]:
            status = item.status(as_of, settings.due_soon_days)
            print(f"  {item.due.isoformat()}  {item.days_left(as_of):+d}  {status:<8}  {item.kind}: "
                  f"{printable(item.detail)}")


def print_log(root: str | None, record_id: str) -> None:
    """``sendcli log ID``: the record's history from git, newest first."""
    from sendcli.store.checking import RECORDS_DIR
    from sendcli.store.gitops import file_history

    book = casebook_at(root)
    path = book.record_path(record_id)
    entries = file_history(book.root, path)
    if not entries:
        if not path.exists():
            raise SendcliError(f"no record '{record_id}', and none in git history")
        sys.stderr.write(f"{RECORDS_DIR}/{path.name} has not been committed yet\n")
        return
    from sendcli.documents.output import printable

    # Authors and messages are whatever was committed, by anyone: shown escaped, one line each.
    width = max(len(printable(entry.author)) for entry in entries)
    for entry in entries:
        sys.stdout.write(f"{printable(entry.date)}  {printable(entry.author):<{width}}  {printable(entry.message)}\n")
        sys.stdout.flush()  # a line at a time, as typer.echo wrote it


def report_start(root: str | None, output_format: str, output: Path | None, all_records: bool,
                 redact: bool | None):
    """What ``sendcli report`` works from: the casebook, today, and whether to redact (--redact or
    --no-redact, else the casebook's setting); a PDF's engine is checked before anything is read."""
    book = casebook_at(root)
    as_of = today()
    redact = redaction(book.settings, redact)
    if output_format == "pdf":
        if output is None and not all_records:
            refuse_binary_to_terminal(output_format)
        from sendcli.documents.pdf import require_pdf_engine

        require_pdf_engine()  # what to install, said once before any report is read
    return book, as_of, redact


def report_record(book, as_of: date, record_id: str, template: str, output_format: str, output: Path | None,
                  redact: bool) -> None:
    """``sendcli report ID``: one record through a template, to stdout or privately to ``output``."""
    from sendcli.store.records import read_record
    from sendcli.documents.reporting import record_report

    if output is None:
        refuse_binary_to_terminal(output_format)
    record = read_record(book, record_id, as_of, redact=redact).data
    text = record_report(book, record, template, output_format, as_of, redact)  # type: ignore[arg-type]
    write_report(text, output, book.root)
    if output is not None:
        from sendcli.documents.output import printable

        sys.stderr.write(f"wrote {printable(output)}\n")


def write_report(text: str | bytes, output: Path | None, root: Path) -> None:
    """To stdout, or privately to a file (0600: a report holds personal data).

    Never over the casebook's own files, never replacing a device or a pipe
    (written to as a stream), never "into" a folder (sendcli.documents.output).
    A Word document or a PDF (bytes) goes to stdout only when stdout is a file or a pipe
    (:func:`refuse_binary_to_terminal`).
    """
    if output is None:
        if isinstance(text, bytes):
            sys.stdout.flush()
            sys.stdout.buffer.write(text)
            sys.stdout.buffer.flush()
        else:
            sys.stdout.write(text)
        return
    from sendcli.documents.output import write_output

    write_output(output, text if isinstance(text, bytes) else text.encode("utf-8"), [root])


def refuse_binary_to_terminal(output_format: str) -> None:
    """A Word document (a zip) or a PDF: on a terminal it is noise that can repaint the screen. Refused
    before anything is rendered (exit 2), naming the two ways that work."""
    from sendcli.documents.rendering import BINARY_FORMATS
    from sendcli.errors import UsageProblem

    if output_format in BINARY_FORMATS and sys.stdout.isatty():
        raise UsageProblem(f"--format {output_format} makes a binary file, not text for the terminal: give "
                           f"--output FILE.{output_format} (or redirect: > FILE.{output_format})")


def _open_cycle(record: dict) -> dict | None:
    cycles = record.get("cycles") or []
    return cycles[-1] if cycles and cycles[-1].get("stage") != "closed" else None


def _long(value: object) -> str:
    day = parse_iso_date(value)
    return f"{day.day} {day:%B %Y}" if day else "—"


def _measure_line(record: dict, outcome: dict) -> str:
    """``reading age (months)``, then ``84 → 90 (1 Nov 2026) → target 96``: where the child started,
    the latest reading across the cycles that carried the outcome, and the target."""
    from sendcli.core.measures import number_text, outcome_series

    series = outcome_series(record, outcome)
    if series is None:
        return "—"
    measure = series.measure
    unit = f" ({measure.unit})" if measure.unit else ""
    latest = series.latest()
    now = f" → {number_text(latest.value)} ({latest.day.day} {latest.day:%b %Y})" if latest else ", no reading yet"
    lower = ", lower is better" if measure.lower_is_better else ""
    return (f"{measure.name}{unit}{lower}\n{number_text(measure.baseline)}{now} → target "
            f"{number_text(measure.target)}")


def _print_record(record: dict, as_of: date, warnings: list[str], ehc_line: str | None = None) -> None:
    from rich.console import Console
    from rich.markup import escape as escape_markup
    from rich.table import Table

    from sendcli.documents.output import printable

    def escape(text: object, keep_newlines: bool = False) -> str:
        """Neither Rich markup nor a control character (an escape sequence, a carriage return) from a record
        reaches the terminal as anything but visible text."""
        return escape_markup(printable(text, keep_newlines))

    # emoji=False: ":smile:" in a record is text, as markup is (and rich then needs no emoji table, ~2 ms).
    console = Console(highlight=False, emoji=False)
    child = record["child"]
    status = record["status"]
    name = escape(child["name"])
    preferred = f" ({escape(child['preferred_name'])})" if child.get("preferred_name") else ""
    console.print(f"[bold]{name}[/bold]{preferred}  [dim]{escape(record['id'])}[/dim]")
    born = parse_iso_date(child["date_of_birth"])
    year = f", year {child['year_group']}" if child.get("year_group") else ""
    console.print(f"Born {_long(child['date_of_birth'])} (age {age_in_years(born, as_of)}) · "
                  f"{child['setting']}{year}")
    register = record.get("register") or {}
    on_register = f" · on the register since {_long(register['entered'])}" if register.get("entered") else ""
    console.print(f"Status: [bold]{status}[/bold] (census {codes.provision_code(status)}){on_register}")

    if ehc_line:
        console.print(f"EHC: {escape(ehc_line)}")
    closed = record.get("closed") or {}
    if closed:
        to = f" to {escape(closed['to'])}" if closed.get("to") else ""
        console.print(f"Closed {_long(closed.get('date'))}: {escape(str(closed.get('reason')))}{to}")

    needs = record.get("needs") or {}
    if needs.get("primary"):
        parts = [f"{needs['primary']} {codes.need_label(needs['primary'])} (primary)"]
        parts += [f"{code} {codes.need_label(code)}" for code in needs.get("secondary") or []]
        console.print("Needs: " + "; ".join(parts))
    if needs.get("summary"):
        console.print(f"  {escape(needs['summary'], keep_newlines=True)}")
    from sendcli.core.reports import contacts

    people = contacts(record)
    if people:
        console.print("Contacts:")
        for person in people:
            reach = f": {escape(person['contact'])}" if person["contact"] else ""
            responsibility = ", parental responsibility" if person["parental_responsibility"] else ""
            console.print(f"  {escape(person['name'])} ({person['role']}{responsibility}){reach}")

    cycle = _open_cycle(record)
    cycles = record.get("cycles") or []
    if cycle is None:
        last_review = (cycles[-1].get("review") or {}) if cycles else {}
        reviewed = (f"; cycle {cycles[-1]['number']} reviewed {_long(last_review['date'])}: "
                    f"{last_review.get('decision')}") if last_review.get("date") else ""
        count = f" ({len(cycles)} closed{reviewed})" if cycles else ""
        console.print(f"No open cycle{count}.")
    else:
        plan = cycle.get("plan") or {}
        review = f" · review date {_long(plan['review_date'])}" if plan.get("review_date") else ""
        console.print(f"[bold]Cycle {cycle['number']}[/bold]: stage [bold]{cycle['stage']}[/bold], "
                      f"opened {_long(cycle['opened'])}{review}")
        if plan.get("outcomes"):
            measured = {outcome["id"]: _measure_line(record, outcome) for outcome in plan["outcomes"]
                        if outcome.get("measure")}
            columns = ["id", "outcome", "success criteria", *(["measure"] if measured else [])]
            table = Table(*columns, title="Outcomes", title_justify="left")
            for outcome in plan["outcomes"]:
                row = [escape(outcome["id"]), escape(outcome["text"], True),
                       escape(outcome.get("criteria") or "—", True)]
                if measured:
                    row.append(escape(measured.get(outcome["id"], "—"), True))
                table.add_row(*row)
            console.print(table)
        if plan.get("provision"):
            table = Table("id", "provision", "how often, by whom", "serves", title="Provision",
                          title_justify="left")
            for item in plan["provision"]:
                kind = f"\n[dim]{item['kind']}[/dim]" if item.get("kind") else ""
                who = "\n".join(escape(item[key]) for key in ("frequency", "staff") if item.get(key))
                table.add_row(escape(item["id"]), escape(item["text"], True) + kind, who,
                              escape(" ".join(item.get("outcomes") or [])))
            console.print(table)
    views, meetings = record.get("views") or [], record.get("meetings") or []
    if views or meetings:
        latest_view = f" (latest {_long(views[-1]['date'])})" if views else ""
        latest_meeting = f" (latest {_long(meetings[-1]['date'])})" if meetings else ""
        console.print(f"Views: {len(views)}{latest_view} · meetings with the family: "
                      f"{len(meetings)}{latest_meeting}")
    for warning in warnings:
        console.print(f"[yellow]warning[/yellow]: {escape(warning)}")
