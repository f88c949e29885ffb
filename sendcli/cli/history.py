"""``edit`` and ``log``: hand edits that are checked before they land, and git as the audit trail."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Optional

import typer

from sendcli.cli.app import casebook, options, today
from sendcli.cli.workflow import COMMIT, RECORD_ID
from sendcli.errors import SendcliError

#: This module's commands; sendcli.cli.app loads them when one of them runs (quicker start).
app = typer.Typer()


def _interactive() -> bool:
    """Whether someone is at a terminal to answer "edit again?"."""
    return sys.stdin.isatty()


def _editor_command() -> list[str]:
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if not editor:
        raise SendcliError("no editor: set VISUAL or EDITOR (for example: export EDITOR=nano)")
    try:
        return shlex.split(editor)
    except ValueError:
        raise SendcliError(f"VISUAL or EDITOR cannot be read as a command ({editor!r}): check its quotes") from None


@app.command()
def edit(ctx: typer.Context, record_id: str = RECORD_ID, commit: Optional[bool] = COMMIT,
         resume: Optional[bool] = typer.Option(
             None, "--resume/--fresh",
             help="A copy kept from an edit that was not saved: edit it again (--resume) or start from the "
                  "record (--fresh). Default: ask at a terminal, else start from the record.")) -> None:
    """Edit a record in $VISUAL or $EDITOR, safely.

    You edit a private copy. On save it is checked: an invalid copy is shown
    with its problems (at the copy's lines) and never replaces the record;
    edit again or abandon (without a terminal, it is abandoned). An abandoned
    copy is kept: the next edit of the record offers to resume it.

    \b
    Examples:
      EDITOR=nano sendcli edit ae-16
      sendcli edit ae-16 --resume     # carry on with the copy a refused save kept
    """
    from sendcli.store.editing import KeptCopy, edit_record, kept_copy

    book = casebook(ctx)
    book.existing_record_path(record_id)  # a bad ID or unknown record before anything else
    command = _editor_command()
    interactive = _interactive()
    earlier = kept_copy(book, record_id)
    if resume and earlier is None:
        raise SendcliError(f"there is no kept copy of {record_id} to resume; run: sendcli edit {record_id}")
    if resume and not earlier.record_unchanged:
        raise SendcliError(f"the copy kept at {earlier.display} was made from an older version of {record_id}: "
                           "the record has changed since, so it is not resumed. Run sendcli edit "
                           f"{record_id} --fresh, and copy from it what you need")

    def run_editor(path: Path) -> int:
        try:
            return subprocess.run([*command, str(path)], check=False).returncode
        except FileNotFoundError:
            raise SendcliError(f"the editor '{command[0]}' was not found; check VISUAL or EDITOR") from None

    from sendcli.documents.output import printable
    from sendcli.store.records import describe
    from sendcli.store.updating import wants_commit

    def again(problems) -> bool:
        for problem in problems:
            sys.stderr.write(printable(describe(problem)) + "\n")
        return interactive and typer.confirm("The record is not valid. Edit it again?", default=True,
                                             err=True)

    def offer(kept: KeptCopy) -> bool:
        if resume is not None:
            return resume
        if not interactive:
            sys.stderr.write(f"sendcli: starting from the record; a copy from an edit that was not saved is "
                             f"kept at {kept.display} (sendcli edit {record_id} --resume edits it)\n")
            return False
        return typer.confirm(f"A copy of {record_id} from an edit that was not saved is kept at {kept.display}. "
                             "Resume editing it?", default=True, err=True)

    if earlier is not None and not earlier.record_unchanged and resume is None:
        sys.stderr.write(f"sendcli: the copy kept at {earlier.display} was made from an older version of the "
                         "record; starting from the record as it is now\n")
    result = edit_record(book, record_id, today(), run_editor, again, commit=wants_commit(book, commit),
                         resume=offer)
    typer.echo(f"{record_id}: saved" if result.changed else f"{record_id}: no changes")


@app.command()
def log(ctx: typer.Context, record_id: str = RECORD_ID) -> None:
    """The record's history from git: date, author and message, newest first.

    \b
    Example:
      sendcli log ae-16
    """
    from sendcli.cli.reading import print_log

    print_log(options(ctx).root, record_id)
