"""``import`` (a school's SEN register from its MIS, or a Common Transfer File) and ``transfer`` (a pack for the next setting)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import typer

from sendcli.cli.app import casebook, today
from sendcli.cli.options import ENCRYPT_TO, choices, recipients_of
from sendcli.cli.workflow import COMMIT, RECORD_ID
from sendcli.core import codes

#: This module's commands; sendcli.cli.app loads them when one of them runs (quicker start).
app = typer.Typer()

Preset = choices("Preset", codes.IMPORT_PRESETS)
ImportFormat = choices("ImportFormat", ("csv", "ctf"))


@app.command("import")
def import_register(
    ctx: typer.Context,
    csv_file: Path = typer.Argument(..., metavar="FILE", help="The SEN register exported from the MIS as CSV, "
                                                              "or a Common Transfer File (.xml)."),
    input_format: Optional[ImportFormat] = typer.Option(
        None, "--format", help="csv, or ctf (a DfE Common Transfer File); a .xml file is read as ctf."),
    map_file: Optional[Path] = typer.Option(None, "--map", metavar="FILE",
                                            help="A YAML file mapping fields to your column headers."),
    preset: Optional[Preset] = typer.Option(None, "--preset", help="A known export layout."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Show what would be created and every bad row; "
                                                          "write nothing."),
    all_or_nothing: bool = typer.Option(False, "--all-or-nothing",
                                        help="Write nothing if any row is bad (default: import the good rows)."),
    commit: Optional[bool] = COMMIT,
) -> None:
    """Create records from a school's SEN register exported as CSV, or from a Common Transfer File.

    The header row is matched against the usual export layouts (Adno, UPN,
    Legal Surname and Legal Forename, or one Name column as "Surname,
    Forename"; Date of Birth or DOB; Year; SEN Status or SEN Provision K/E/N;
    Primary Need or SEN Type Rank 1; Secondary Need; Start Date; EHC Plan
    Date), ignoring case and spaces; or give --preset or --map. Needs as
    census codes or as the MIS writes them ("Speech, Language and
    Communication Needs" is SLCN). Dates as YYYY-MM-DD or DD/MM/YYYY. UTF-8
    (with or without BOM), Windows-1252, or Excel's UTF-16 "Unicode Text"
    (tab-separated); at most 64 MB.

    IDs are pseudonyms: the admission number, else initials and year of
    birth (ae-16); never a name, never the UPN (kept as child.upn). Each
    record gets created: today, so its clocks start on the day it arrived.
    An E pupil's plan date becomes ehc.existing_plan.issued.

    Every row is checked as its record would be before anything is written;
    each bad row is reported with its row number and column (exit 1). A cell
    starting with =, +, - or @ (a spreadsheet formula) is refused, never
    carried into a record. A pupil already named by a record file, readable
    or not, is skipped, never duplicated or overwritten. --commit makes one
    commit of the new records.

    With --format ctf (a DfE Common Transfer File for pupils joining the
    school): each pupil with an SEN history gets a record, its status from
    the latest provision (E: ehc-plan, K: sen-support, N: monitoring), its
    needs by rank (rank 1 is the primary need), on the register from the
    start of the current provision. A pupil without SEN history is reported,
    not imported. Pupils are matched as for CSV (admission number, UPN, then
    name and date of birth). A file with a DOCTYPE or entities, over 100 MB,
    not well-formed or not a CTF is refused, nothing written.

    \b
    Examples:
      sendcli import sen-register.csv --dry-run
      sendcli import sen-register.csv --commit
      sendcli import export.csv --map columns.yaml --all-or-nothing
      sendcli import new-pupils.xml --format ctf --dry-run
    """
    from sendcli.exchange.importing import commit_import, plan_import, read_mapping, write_plan
    from sendcli.store.updating import wants_commit

    if map_file is not None and preset is not None:
        raise typer.BadParameter("give --map or --preset, not both", param_hint="--map")
    book = casebook(ctx)
    as_of = today()
    mapping = read_mapping(map_file) if map_file is not None else None
    committing = wants_commit(book, commit) and not dry_run
    if committing:
        from sendcli.store.gitops import require_repository

        require_repository(book.root)  # refused before anything is written
    ctf = (input_format.value == "ctf") if input_format is not None else csv_file.suffix.lower() == ".xml"
    from sendcli.documents.output import printable

    # Every cell, header and file name shown escaped: a CSV cannot forge a line of the output or a mail.
    shown = printable(csv_file)
    if ctf:
        if map_file is not None or preset is not None:
            raise typer.BadParameter("--map and --preset are for CSV files; a Common Transfer File has one layout",
                                     param_hint="--format")
        from sendcli.exchange.ctf import plan_ctf_import

        plan = plan_ctf_import(book, csv_file, as_of)
        unit, part = "pupil", "element"
        sys.stderr.write(f"{shown}: {printable(plan.layout.name)}, {plan.pupils} pupil(s)\n")
    else:
        plan = plan_import(book, csv_file, as_of, preset.value if preset else None, mapping)
        unit, part = "row", "column"
        sys.stderr.write(f"{shown}: {plan.encoding}, read with {printable(plan.layout.name)}\n")
    for problem in sorted(plan.problems + plan.warnings, key=lambda p: p.row):
        sys.stderr.write(f"{shown}: {unit} {problem.row}, {part} '{printable(problem.column)}': "
                         f"{problem.severity}: {printable(problem.message)}\n")
    for row, reason in plan.skipped:
        sys.stderr.write(f"{shown}: {unit} {row}: skipped: {printable(reason)}\n")
    for row in getattr(plan, "without_sen", []):
        sys.stderr.write(f"{shown}: {unit} {row}: not imported: no SEN history in the file\n")
    write = not dry_run and not (all_or_nothing and plan.problems)
    verb = "create" if write else "would create"
    lines = []
    for record_id, pupil in plan.to_create:
        needs = " ".join(pupil.needs) or "-"
        lines.append(printable(f"{verb:<12}  {unit} {pupil.row:<5}  {record_id:<20}  {pupil.status:<11}  {needs:<10}  "
                               f"{pupil.year_group or '-':<3}  {pupil.name}"))
    if lines:
        typer.echo("\n".join(lines))
    if write:
        written = write_plan(book, plan, as_of)
        if committing:
            commit_import(book, written, "a Common Transfer File" if ctf else "the SEN register")
    bad_rows = len({p.row for p in plan.problems})
    summary = (f"{len(plan.to_create)} {'created' if write else 'to create'}, {len(plan.skipped)} skipped, "
               f"{bad_rows} bad {unit}(s)")
    if all_or_nothing and plan.problems:
        summary += "; nothing written (--all-or-nothing)"
    elif write and committing and plan.to_create:
        summary += "; committed"
    sys.stderr.write(summary + "\n")
    if plan.problems:
        raise typer.Exit(1)


@app.command()
def transfer(ctx: typer.Context, record_id: str = RECORD_ID,
             output: Path = typer.Option(..., "--output", metavar="DIR",
                                         help="The folder for the pack (with --encrypt-to, the encrypted file)."),
             encrypt_to: Optional[List[str]] = ENCRYPT_TO,
             commit: Optional[bool] = COMMIT) -> None:
    """A transfer pack for the child's next school or college.

    The record file, its rendered plan, review, profile and passport (and,
    with an EHC plan, the annual review report), and manifest.json
    with a SHA-256 of each file. For a record closed with --reason moved, this
    meets the file-transfer deadline (15 school days): closed.transferred is
    set to today.

    \b
    Examples:
      sendcli transfer ae-16 --output transfer/ae-16
      sendcli transfer ae-16 --encrypt-to age1... --output transfer/ae-16.age
    """
    from sendcli.exchange.transferring import make_pack
    from sendcli.store.updating import wants_commit

    book = casebook(ctx)
    recipients = recipients_of(encrypt_to)
    pack = make_pack(book, record_id, output, today(), commit=wants_commit(book, commit), recipients=recipients)
    from sendcli.documents.output import printable

    if recipients:
        typer.echo(printable(pack.folder))
        sys.stderr.write(f"{record_id}: pack sealed for {len(recipients)} recipient(s); "
                         "open it with sendcli decrypt\n")
    for name in pack.files if not recipients else []:
        typer.echo(printable(pack.folder / name))
    for note in pack.notes:
        sys.stderr.write(f"sendcli: note: {printable(note)}\n")
    if pack.transferred:
        sys.stderr.write(f"{record_id}: transfer recorded; the file-transfer deadline is met\n")
