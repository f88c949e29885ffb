"""``set``: any field of a record by its dotted path, without opening the YAML."""

from __future__ import annotations

import sys
from typing import Optional

import typer

from sendcli.cli.app import casebook, today
from sendcli.cli.options import NegativeNumbersAsArguments
from sendcli.errors import SendcliError, UsageProblem

#: This module's commands; sendcli.cli.app loads them when one of them runs (quicker start).
app = typer.Typer()


class _Unchanged(Exception):
    """The field already holds the value: nothing to write or commit."""


@app.command("set", cls=NegativeNumbersAsArguments)
def set_command(
    ctx: typer.Context,
    record_id: str = typer.Argument(..., metavar="ID", help="The record's ID."),
    field: str = typer.Argument(..., metavar="FIELD", help="The field's dotted path, such as needs.summary, "
                                "child.year_group or cycles[-1].plan.outcomes[o2].criteria."),
    value: Optional[str] = typer.Argument(None, metavar="[VALUE]", help="The new value (leave out with --add "
                                          "or --remove). Empty (\"\") clears a date that may be empty."),
    add: Optional[str] = typer.Option(None, "--add", metavar="VALUE", help="Add VALUE to the end of the list."),
    remove: Optional[str] = typer.Option(None, "--remove", metavar="VALUE",
                                         help="Take VALUE out of the list."),
    commit: Optional[bool] = typer.Option(None, "--commit/--no-commit", help="Commit the changed record alone to "
                                          "git. Default: git.commit in sendcli.yaml, else no."),
) -> None:
    """Set one field of a record by its dotted path, checked against the record format first.

    List items are named by position counted from 1 (cycles[2] is the second
    cycle), by -1 for the last, or by their ID (outcomes[o2], provision[p1],
    progress[o1]). Text stays text ("6", "No", a phone number); dates are
    YYYY-MM-DD; needs may be typed as codes or descriptions ("dyslexia").
    A negative number is a VALUE like any other (a baseline of -14), with
    no -- before it; the options may come anywhere.
    A name the format does not know, or a malformed value, is a usage error
    (exit 2) naming the nearest fields; an item the record does not have, a
    field a command keeps (status, stages, EHC dates) or a change that would
    make the record invalid is refused (exit 1). Nothing is written then.

    \b
    Examples:
      sendcli set ae-16 needs.summary "Speech sound difficulties; anxious in large groups"
      sendcli set ae-16 child.year_group 6
      sendcli set ae-16 profile.important_to_me --add "My dog, Biscuit"
      sendcli set ae-16 needs.secondary --add "autism"
      sendcli set ae-16 "cycles[-1].plan.outcomes[o2].criteria" "4 of 5 sessions"
      sendcli set ae-16 "cycles[-1].review.progress[o1].text" "Now asks for help"
      sendcli set ae-16 register.entered 2024-09-12
      sendcli set ae-16 "cycles[-1].plan.outcomes[o1].measure.baseline" -14 --commit
    """
    from sendcli.core import fields
    from sendcli.store.schemas import load_schema

    given = [v for v in (value, add, remove) if v is not None]
    if len(given) != 1:
        raise UsageProblem("give exactly one of VALUE, --add VALUE or --remove VALUE")
    spec = fields.parse_field(field, load_schema())
    if isinstance(spec, fields.Malformed):
        raise UsageProblem(spec.message)
    converted = fields.convert_value(spec, given[0], adding=add is not None or remove is not None)
    if isinstance(converted, fields.Malformed):
        raise UsageProblem(converted.message)
    note = None
    if isinstance(converted, fields.NeedCode):
        converted, note = converted.code, converted.note
    request = fields.SetRequest(spec, converted, add=add is not None, remove=remove is not None)

    def step(record: dict):
        outcome = fields.set_field(record, request)
        if isinstance(outcome, fields.Refusal):
            raise SendcliError(f"{record_id}: cannot set {spec.text}: {'; '.join(outcome.reasons)}")
        if not outcome.edits:
            raise _Unchanged
        return outcome

    from sendcli.documents.output import printable
    from sendcli.store.updating import update_record, wants_commit

    book = casebook(ctx)
    if note:
        sys.stderr.write(f"sendcli: {printable(note)}\n")
    try:
        written = update_record(book, record_id, step, today(), f"set {spec.text}",
                                commit=wants_commit(book, commit))
    except _Unchanged:
        typer.echo(f"{record_id}: {spec.text} already holds that; nothing changed")
        return
    for warning in written.change.warnings:
        sys.stderr.write(f"sendcli: warning: {printable(warning)}\n")
    typer.echo(f"{record_id}: {printable(written.change.summary)}{' (committed)' if written.committed else ''}")
