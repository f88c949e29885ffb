"""``sendcli pack KIND ID``: the documents another body asks for, gathered and checked."""

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
pack_app = typer.Typer(help="Packs of documents for another body, with a manifest of SHA-256s.\n\n\b\nExample:\n"
                            "  sendcli pack ehc-request ae-16 --output request/ae-16", no_args_is_help=True)
app.add_typer(pack_app, name="pack")


@pack_app.command("ehc-request")
def ehc_request(ctx: typer.Context, record_id: str = RECORD_ID,
                output: Path = typer.Option(..., "--output", metavar="DIR",
                                            help="A new or empty folder (with --encrypt-to, the encrypted file)."),
                encrypt_to: Optional[List[str]] = ENCRYPT_TO) -> None:
    """The setting's evidence for an EHC needs assessment request, as one pack.

    The ehc-request report (needs, every reviewed cycle with its outcomes,
    progress, provision with time and cost, views, professionals involved),
    each reviewed cycle's plan and review, the chronology, the provision history
    as CSV, and manifest.json with a SHA-256 of each file. Files 0600 in a 0700
    folder, or one encrypted file with --encrypt-to.

    \b
    Examples:
      sendcli pack ehc-request ae-16 --output request/ae-16
      sendcli pack ehc-request ae-16 --encrypt-to age1... --output request/ae-16.age
    """
    from sendcli.exchange.exporting import write_folder, write_sealed
    from sendcli.exchange.packs import ehc_request_pack

    book = casebook(ctx)
    recipients = recipients_of(encrypt_to)
    files = ehc_request_pack(book, record_id, today())
    if recipients:
        from sendcli.exchange.sealing import seal

        write_sealed(output, seal(files, recipients))
        typer.echo(str(output))
        sys.stderr.write(f"{record_id}: pack sealed for {len(recipients)} recipient(s); "
                         "open it with sendcli decrypt\n")
        return
    write_folder(output, files)
    for name in files:
        typer.echo(str(output / name))
