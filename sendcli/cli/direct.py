"""The commonest one-record reads, run without building the Typer application.

``sendcli show ID``, ``sendcli show ID --format json``, ``sendcli log ID`` and
``sendcli report ID`` (with --template, --format, --output, --redact) are the
commands people run most, and importing typer and building its
commands costs about a fifth of their time (``sendcli --version``, which
scripts run, is answered here too). Written in exactly these plain
forms — with ``--root DIR``/``--root=DIR``/``--debug`` anywhere, and
``SENDCLI_ROOT`` — they are read here and run through the same functions as
the Typer commands (:mod:`sendcli.cli.reading`), with the same messages and
exit codes (:func:`sendcli.cli.running.exit_code_for`). Anything else — help,
another option, a value to be checked, a mistake to be reported — goes to the
Typer application, which says it as it always has.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

#: The --format words ``show`` takes (sendcli.cli.options.TextOrJson).
_SHOW_FORMATS = ("text", "json")
#: The --template words ``report`` takes (sendcli.cli.reports.Template: a test holds them the same).
REPORT_TEMPLATES = ("plan", "review", "parent", "profile", "chronology", "ehc-request", "annual-review", "passport")


def main(argv: list[str] | None = None) -> None:
    """The console script: a plain one-record read runs here, everything else through typer."""
    command = direct_command(sys.argv[1:] if argv is None else list(argv), os.environ)
    if command is None:
        from sendcli.cli.app import main as typer_main

        typer_main(argv)
        return
    run, debug = command
    try:
        try:
            code = _outcome(run, debug)
        finally:
            sys.stdout.flush()
    except BrokenPipeError:
        from sendcli.cli.running import quiet_closed_stdout

        quiet_closed_stdout()
        sys.exit(0)
    sys.exit(code)


def _outcome(run: Callable[[], None], debug: bool) -> int:
    """The exit code of ``run``, its exceptions said as the Typer application says them."""
    try:
        run()
    except KeyboardInterrupt:
        return 130  # as typer ends an interrupted command
    except BaseException as error:  # noqa: BLE001 - the last line of defence, as in the Typer application
        from sendcli.cli.running import exit_code_for

        return exit_code_for(error, debug)
    return 0


def direct_command(args: list[str], environ) -> tuple[Callable[[], None], bool] | None:
    """What to run for ``args`` and whether --debug was given, or None where typer must read them."""
    if "_SENDCLI_COMPLETE" in environ:  # a shell asking typer to complete a word
        return None
    if args == ["--version"]:
        return _version, False
    root: str | None = None
    debug = False
    words: list[str] = []
    tokens = iter(args)
    for token in tokens:
        if token == "--debug":
            debug = True
        elif token == "--root" or token.startswith("--root="):
            value = token.partition("=")[2] if "=" in token else next(tokens, None)
            if root is not None or not _plain_word(value):
                return None
            root = value
        else:
            words.append(token)
    # --root, else SENDCLI_ROOT (an empty one is not set, as click reads it).
    root = root if root is not None else (environ.get("SENDCLI_ROOT") or None)
    if not words:
        return None
    name, rest = words[0], words[1:]
    run = _show(root, rest) if name == "show" else _report(root, rest) if name == "report" else None
    if run is not None:
        return run, debug
    if name == "log" and len(rest) == 1 and _plain_word(rest[0]):
        from sendcli.cli.reading import print_log

        return (lambda: print_log(root, rest[0])), debug
    return None


def _version() -> None:
    from sendcli import __version__

    sys.stdout.write(f"sendcli {__version__}\n")


def _show(root: str | None, rest: list[str]):
    """``show ID [--format text|json]`` (the option before or after the ID), else None."""
    output_format = None
    positional: list[str] = []
    tokens = iter(rest)
    for token in tokens:
        if token == "--format" or token.startswith("--format="):
            value = token.partition("=")[2] if "=" in token else next(tokens, None)
            if output_format is not None or value not in _SHOW_FORMATS:
                return None
            output_format = value
        elif _plain_word(token):
            positional.append(token)
        else:
            return None
    if len(positional) != 1:
        return None
    from sendcli.cli.reading import show_record

    return lambda: show_record(root, positional[0], output_format or "text")


def _report(root: str | None, rest: list[str]):
    """``report ID`` with any of --template, --format, --output and --redact/--no-redact, each once;
    else None (--all and --output-dir are typer's)."""
    from pathlib import Path

    from sendcli.documents.rendering import FORMATS

    allowed = {"--template": REPORT_TEMPLATES, "--format": FORMATS, "--output": None}
    given: dict[str, object] = {}
    positional: list[str] = []
    tokens = iter(rest)
    for token in tokens:
        name, equals, value = token.partition("=")
        if name in allowed:
            value = value if equals else next(tokens, None)
            words = allowed[name]
            if name in given or not (_plain_word(value) if words is None else value in words):
                return None
            given[name] = value
        elif token in ("--redact", "--no-redact"):
            if "--redact" in given:
                return None
            given["--redact"] = token == "--redact"
        elif _plain_word(token):
            positional.append(token)
        else:
            return None
    if len(positional) != 1:
        return None
    from sendcli.cli.reading import report_record, report_start

    record_id, template = positional[0], str(given.get("--template", "plan"))
    output_format = str(given.get("--format", "html"))
    output = Path(str(given["--output"])) if "--output" in given else None
    redact = given.get("--redact")

    def run() -> None:
        book, as_of, redacted = report_start(root, output_format, output, False, redact)  # type: ignore[arg-type]
        report_record(book, as_of, record_id, template, output_format, output, redacted)

    return run


def _plain_word(token: str | None) -> bool:
    """A value click would take as it is: not empty, and not something that looks like an option."""
    return bool(token) and not token.startswith("-")
