"""``init``, ``new`` and ``show``."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Optional

import typer

from sendcli.cli.app import casebook, today
from sendcli.cli.options import TextOrJson, choices, date_option
from sendcli.core import codes
from sendcli.core.dates import age_in_years, parse_iso_date
from sendcli.errors import UsageProblem

#: This module's commands; sendcli.cli.app loads them when one of them runs (quicker start).
app = typer.Typer()

Setting = choices("Setting", codes.SETTINGS)
NewStatus = choices("NewStatus", [s for s in codes.STATUSES if s != codes.CLOSED])


@app.command()
def init(
    folder: Path = typer.Argument(Path("."), metavar="[DIR]", help="Where to create the casebook."),
    name: str = typer.Option(None, "--name", help="The setting's name, for reports. Default: the folder's name."),
) -> None:
    """Create a casebook: sendcli.yaml, records/, local-offer.yaml, a .gitignore and a schema copy for editors.

    sendcli.yaml holds every setting, commented out with its default and a
    line on what it does (term dates in the shape of this school year):
    remove the "#" in front of what you change. Refused (exit 1) where DIR
    already holds sendcli.yaml.

    \b
    Example:
      sendcli init casebook --name "Example Primary"
    """
    from sendcli.store.records import init_casebook

    created = init_casebook(folder, name or folder.resolve().name, today())
    for path in created:
        typer.echo(f"created {path}")
    typer.echo("Next: fill in sendcli.yaml (your term dates, at least), then: "
               "sendcli new ID --name NAME --dob YYYY-MM-DD --need CODE")


def _need_codes(values: list[str] | None) -> list[str]:
    """Census codes for ``--need`` values: codes, DfE labels or the words people use.

    A description ("dyslexia") is accepted and what it was recorded as is said
    on stderr; an unknown word is refused (exit 2) with the nearest codes.
    """
    needs = []
    for value in values or []:
        match = codes.resolve_need(value)
        if match.code is None:
            nearest = ", ".join(f"{code} ({codes.need_label(code).lower()})" for code in match.nearest)
            hint = f"nearest: {nearest}" if nearest else f"codes: {', '.join(codes.NEED_CODES)}"
            raise UsageProblem(f"--need: '{value}' is not a census need code or a description of one; {hint}")
        if match.note:
            from sendcli.documents.output import printable

            typer.echo(f"note: {printable(match.note)}", err=True)
        needs.append(match.code)
    return needs


def _year_group(value: str | None) -> str | None:
    if value is None:
        return None
    normalised = value.strip().upper()
    normalised = normalised[len("YEAR"):].strip() if normalised.startswith("YEAR") else normalised
    if normalised not in codes.YEAR_GROUPS:
        from sendcli.core.nearest import did_you_mean

        bare = normalised.removeprefix("YR").removeprefix("Y").strip()  # "Y5", "Yr 5"
        raise typer.BadParameter(f"'{value}' is not a year group: {', '.join(codes.YEAR_GROUPS)}"
                                 f"{did_you_mean(bare, codes.YEAR_GROUPS)}", param_hint="--year-group")
    return normalised


@app.command()
def new(
    ctx: typer.Context,
    record_id: str = typer.Argument(..., metavar="ID", help="Pseudonymous ID: initials and year, or an "
                                    "admission number (lower case, digits, hyphens)."),
    name: str = typer.Option(..., "--name", help="The child's full name (kept inside the file, never in its name)."),
    dob: str = typer.Option(..., "--dob", metavar="DATE", help="Date of birth, YYYY-MM-DD."),
    setting: Setting = typer.Option("school", "--setting", help="early-years, school or college."),
    year_group: Optional[str] = typer.Option(None, "--year-group", metavar="TEXT",
                                             help="N1, N2, R or 1 to 14."),
    need: Optional[list[str]] = typer.Option(None, "--need", metavar="CODE",
                                             help="DfE census need code (SLCN, ASD, SPLD, ...) or its description "
                                             "(\"dyslexia\", \"Speech, language and communication needs\"); "
                                             "repeat it: the first is the primary need."),
    status: NewStatus = typer.Option("sen-support", "--status", help="sen-support, ehc-plan or monitoring."),
    entered: Optional[str] = typer.Option(None, "--entered", metavar="DATE",
                                          help="When the child joined the SEN register, YYYY-MM-DD. "
                                               "Default: today (for SEN support and EHC plans)."),
    commit: Optional[bool] = typer.Option(None, "--commit/--no-commit", help="Commit the new record alone to git. "
                                          "Default: git.commit in sendcli.yaml, else no."),
) -> None:
    """Create records/ID.yaml for a child, valid from the start (file mode 0600).

    A child on SEN support or with an EHC plan needs a primary need code (use
    NSA where there has been no specialist assessment). The record notes the
    day it was created; --entered gives the day the child joined the SEN
    register, where that was earlier. Never overwrites.

    \b
    Examples:
      sendcli new ab-16 --name "Ava Example" --dob 2016-05-14 --year-group 5 --need SLCN --need SEMH
      sendcli new bc-15 --name "Ben Example" --dob 2015-10-02 --need dyslexia
      sendcli new lp-09 --name "Leo Example" --dob 2009-03-02 --need ASD --entered 2024-09-12
    """
    if not record_id or not _valid_id(record_id):
        raise UsageProblem(f"'{record_id}' is not a valid record ID: lower-case letters, digits and "
                           "hyphens, starting with a letter or digit, at most 63 characters, and not a name "
                           "Windows keeps for a device (con, prn, aux, nul, com1, lpt1...)")
    from sendcli.store.records import NewChild, create_record

    born = date_option(dob, "--dob")
    child = NewChild(record_id=record_id, name=name.strip(), date_of_birth=born, setting=setting.value,
                     year_group=_year_group(year_group), needs=_need_codes(need), status=status.value,
                     entered=date_option(entered, "--entered"))
    from sendcli.store import gitops
    from sendcli.store.updating import wants_commit

    book = casebook(ctx)
    committing = wants_commit(book, commit)
    if committing:
        gitops.require_repository(book.root)
    path = create_record(book, child, today())
    if committing:
        gitops.commit_file(book.root, path, gitops.commit_message(record_id, "new record"))
    typer.echo(f"created {path}{' (committed)' if committing else ''}")


def _valid_id(record_id: str) -> bool:
    from sendcli.core.rules import is_valid_record_id

    return is_valid_record_id(record_id)


@app.command()
def show(
    ctx: typer.Context,
    record_id: str = typer.Argument(..., metavar="ID"),
    output_format: TextOrJson = typer.Option(TextOrJson.text, "--format", help="text or json."),
) -> None:
    """The record at a glance: child, status, needs, open cycle and stage, outcomes, provision.

    \b
    Examples:
      sendcli show ab-16
      sendcli show ab-16 --format json
    """
    from sendcli.store.records import read_record

    as_of = today()
    book = casebook(ctx)
    verdict = read_record(book, record_id, as_of)
    record = verdict.data
    assert isinstance(record, dict)
    warnings = [p for p in verdict.problems if p.severity != "error"]
    from sendcli.core.deadlines import DeadlineSettings, record_deadlines

    settings = DeadlineSettings.from_settings(book.settings)
    deadlines = sorted(record_deadlines(record, settings), key=lambda d: d.due)
    from sendcli.core.reports import contacts, ehc_status

    ehc = ehc_status(record, deadlines)
    if output_format is TextOrJson.json:
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
