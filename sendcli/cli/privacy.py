"""What a data protection officer asks for: ``export`` (subject access), ``purge`` (destruction), ``decrypt``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import typer

from sendcli.cli.app import casebook, today
from sendcli.cli.options import ENCRYPT_TO, recipients_of
from sendcli.cli.workflow import RECORD_ID

#: This module's commands; sendcli.cli.app loads them when one of them runs (quicker start).
app = typer.Typer()



@app.command()
def export(ctx: typer.Context, record_id: str = RECORD_ID,
           output: Path = typer.Option(..., "--output", metavar="DIR",
                                       help="A new or empty folder for the export (or, with --encrypt-to, "
                                            "the encrypted file to write)."),
           redact_staff: bool = typer.Option(False, "--redact-staff",
                                             help="Leave staff names out (people who are not family, who wrote "
                                                  "notes and views, git authors, the SENCO's name)."),
           encrypt_to: Optional[List[str]] = ENCRYPT_TO) -> None:
    """Everything the casebook holds about one child, for a subject access request.

    The record file, every report that applies to it, the chronology (every
    dated event), its deadlines, and, in a git repository, the record's history
    with each version's changes; with manifest.json, a SHA-256 of each file.
    Nothing about any other child. Files 0600 in a 0700 folder.

    \b
    Examples:
      sendcli export ae-16 --output sar/ae-16
      sendcli export ae-16 --redact-staff --output sar/ae-16
      sendcli export ae-16 --encrypt-to age1qyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqs3290gq --output ae-16.age
    """
    from sendcli.exchange.exporting import build_export, write_folder, write_sealed
    from sendcli.documents.output import printable

    book = casebook(ctx)
    recipients = recipients_of(encrypt_to)
    made = build_export(book, record_id, today(), redact_staff=redact_staff)
    if recipients:
        from sendcli.exchange.sealing import seal

        write_sealed(output, seal(made.files, recipients))
        typer.echo(str(output))
        sys.stderr.write(f"{record_id}: export sealed for {len(recipients)} recipient(s); "
                         f"open it with sendcli decrypt\n")
    else:
        write_folder(output, made.files)
        for name in made.files:
            typer.echo(str(output / name))
    for note in made.notes:
        sys.stderr.write(f"sendcli: note: {printable(note)}\n")


@app.command()
def purge(ctx: typer.Context, record_id: str = RECORD_ID,
          history: bool = typer.Option(False, "--history",
                                       help="Also rewrite every git commit so that none holds the record "
                                            "(git-filter-repo)."),
          yes: bool = typer.Option(False, "--yes", help="Do not ask for confirmation (for scripts).")) -> None:
    """Destroy a closed record whose retention period has ended.

    Refused unless the record is closed and its retention date (date of birth
    + 31 years, or 30 days after its transfer pack was made) has come. Removes
    the file, its cache rows and lock, adds a line to purged.log (ID, date,
    who; no names) and commits "ID: purged (retention)". --history removes it
    from every commit too; then the school's remote must be force-pushed and
    every other clone and backup replaced (the command says how).

    \b
    Examples:
      sendcli purge ae-16
      sendcli purge ae-16 --history --yes
    """
    from sendcli.store.purging import filter_repo_command, purge as purge_record, retention_due

    book = casebook(ctx)
    on = today()
    ended = retention_due(book, record_id, on)
    if history:
        filter_repo_command()  # named before anything is asked or changed
    if not yes:
        if not sys.stdin.isatty():
            from sendcli.errors import SendcliError

            raise SendcliError(f"{record_id}: purge destroys the record; confirm with --yes when not at a terminal")
        what = "the record and every trace of it in git history" if history else "the record"
        if not typer.confirm(f"Destroy {what} of {record_id} (retention ended {ended.isoformat()})?"):
            sys.stderr.write("sendcli: nothing was changed\n")
            raise typer.Exit(1)
    done = purge_record(book, record_id, on, history=history)
    sys.stderr.write(f"{record_id}: purged (retention ended {ended.isoformat()}); logged in purged.log"
                     f"{' and committed' if done.committed else ''}\n")
    if done.history_rewritten:
        sys.stderr.write(
            "Every commit of this repository has been rewritten without the record. Now:\n"
            "  1. git-filter-repo removed the 'origin' remote: add the school's remote again (git remote add "
            "origin URL)\n"
            "     and force-push every branch and tag (git push --force --all && git push --force --tags).\n"
            "  2. Every other clone (colleagues' laptops, a server) still holds the record: delete each one and "
            "clone afresh.\n"
            "  3. Backups of the repository hold it until they expire: note the purge in the backup log.\n")
    elif history is False and done.committed:
        sys.stderr.write("Earlier commits still hold the record: run sendcli purge with --history to remove "
                         "it from them (the README's data protection section says what follows).\n")


@app.command()
def decrypt(ctx: typer.Context,
            file: Path = typer.Argument(..., metavar="FILE", help="The encrypted pack (.age)."),
            identity: Path = typer.Option(..., "--identity", metavar="KEY",
                                          help="Your age identity file (AGE-SECRET-KEY-1...) or SSH private key."),
            output: Path = typer.Option(..., "--output", metavar="DIR", help="A new or empty folder.")) -> None:
    """Open an encrypted pack (from transfer or export --encrypt-to) and check its manifest.

    Nothing is written unless every file matches the SHA-256 of the pack's
    manifest; a wrong key, a truncated or a tampered file is refused. No
    casebook is needed.

    \b
    Example:
      sendcli decrypt ae-16.age --identity ~/.config/sendcli/key.txt --output received/ae-16
    """
    from sendcli.errors import SendcliError
    from sendcli.exchange.exporting import write_folder
    from sendcli.exchange.sealing import open_sealed, read_identity

    try:
        sealed = file.read_bytes()
    except OSError as error:
        raise SendcliError(f"{file}: cannot be read ({error.strerror})") from None
    files = open_sealed(sealed, read_identity(identity), str(file))
    write_folder(output, files)
    for name in files:
        typer.echo(str(output / name))
    sys.stderr.write(f"{file}: opened; {len(files) - 1} file(s) match the manifest\n")
