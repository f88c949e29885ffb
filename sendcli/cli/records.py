"""``init``, ``new`` and ``show``."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from sendcli.cli.app import casebook, options, today
from sendcli.cli.options import TextOrJson, choices, date_option
from sendcli.core import codes
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
    from sendcli.cli.reading import show_record

    show_record(options(ctx).root, record_id, output_format.value)
