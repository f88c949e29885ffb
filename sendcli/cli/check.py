"""``sendcli check``: every problem in every file, compiler style or JSON."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer

from typing import TYPE_CHECKING

from sendcli.cli.app import options, today
from sendcli.cli.options import TextOrJson

#: This module's commands; sendcli.cli.app loads them when one of them runs (quicker start).
app = typer.Typer()

if TYPE_CHECKING:
    from sendcli.store.checking import Problem


def format_problem(problem: Problem) -> str:
    """``records/ava-b.yaml:14:7: error: child.date_of_birth: '2016-02-30' is not a valid date [schema]``.

    One line whatever the file holds: control characters in a path, key or
    quoted value are shown escaped, so no file can forge a line (or a
    "checked 7 records: 7 valid") of the output.
    """
    from sendcli.documents.output import printable

    field = f"{problem.field}: " if problem.field else ""
    return printable(f"{problem.path}:{problem.line}:{problem.column}: {problem.severity}: "
                     f"{field}{problem.message} [{problem.rule}]")


@app.command()
def check(
    ctx: typer.Context,
    paths: Optional[list[str]] = typer.Argument(None, metavar="[PATH]...",
                                                help="Record files or folders. Default: the whole casebook."),
    output_format: TextOrJson = typer.Option(TextOrJson.text, "--format", help="text (one line per problem) "
                                             "or json (one object)."),
    strict: bool = typer.Option(False, "--strict", help="Warnings count as problems too (exit 1)."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Read every record afresh: neither use nor update "
                                  "the summary cache in .sendcli/."),
) -> None:
    """Validate records: YAML hazards, the schema, and the cross-field and census rules.

    Every problem in every file is reported, compiler style, with the line and
    column of the offending value; a summary goes to stderr. Exit 1 if any
    error (with --strict, any warning too).

    Checking the whole casebook keeps a summary of each record in
    .sendcli/summaries.sqlite, so the next run reads again only the files that
    changed; the results are always those of a full read (--no-cache: read all).

    \b
    Examples:
      sendcli check                      # the whole casebook
      sendcli check records/ava-b.yaml   # one file; no casebook needed
      sendcli check --format json examples/
    """
    from sendcli.store.casebook import find_root
    from sendcli.store.checking import check_targets, path_targets
    from sendcli.core.findings import ERROR
    from sendcli.store.summaries import check_casebook

    as_of = today()
    strays: list[Problem] = []
    if paths:
        results = check_targets(list(path_targets(paths)), as_of)
    else:
        root = find_root(options(ctx).root, Path.cwd())
        results = check_casebook(root, as_of, use_cache=not no_cache)
        strays = _stray_temp_files(root)

    checked = valid = 0
    problems: list[Problem] = []
    counts = {"errors": 0, "warnings": 0}

    def emit(problem: Problem) -> None:
        counts["errors" if problem.severity == ERROR else "warnings"] += 1
        if output_format is TextOrJson.text:
            typer.echo(format_problem(problem))
        else:
            problems.append(problem)

    failed = strict and bool(strays)
    for result in results:
        bad = result.has_errors or (strict and result.has_warnings)
        failed = failed or bad
        if not result.is_config:
            checked += 1
            valid += not bad
        for problem in result.problems:
            emit(problem)
    for problem in strays:
        emit(problem)
    errors, warnings = counts["errors"], counts["warnings"]

    if output_format is TextOrJson.json:
        json.dump({"checked": checked, "valid": valid, "problems": [p.as_json() for p in problems]},
                  sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
    sys.stderr.write(_summary(checked, valid, errors, warnings) + "\n")
    if failed:
        raise typer.Exit(1)


def _stray_temp_files(root: Path) -> list[Problem]:
    """A warning for each temp file a write killed in its window left in records/ (a full copy of
    a record, outside the record's own file): the next write of that record removes it."""
    from sendcli.store.casebook import stray_temp_files
    from sendcli.store.checking import RECORDS_DIR, Problem
    from sendcli.core.findings import WARNING

    return [Problem(f"{RECORDS_DIR}/{path.name}", 1, 1, WARNING, "temp-file", "",
                    "a temp file left by an interrupted write, holding a copy of a record: the next write of "
                    "that record removes it, or delete it yourself")
            for path in stray_temp_files(root / RECORDS_DIR)]


def _summary(checked: int, valid: int, errors: int, warnings: int) -> str:
    records = "record" if checked == 1 else "records"
    text = f"checked {checked} {records}: {valid} valid"
    if errors or warnings:
        text += f"; {errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
    return text
