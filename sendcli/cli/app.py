"""The Typer application, its global options, and the one place errors become exit codes."""

from __future__ import annotations

import errno
import importlib
import os
import sys
from collections.abc import MutableMapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import typer
from typer.core import TyperGroup

from sendcli import __version__
from sendcli.errors import SendcliError

if TYPE_CHECKING:  # the casebook edge loads YAML and schemas: only for commands that need it
    from sendcli.casebook import Casebook

INTERNAL_ERROR = 3

#: Click's own exceptions (usage errors, --help's exit), which click reports
#: itself. Typer re-exports click or, from 0.2x, ships its own copy of it:
#: reach both through Typer's public names.
_CLICK_EXCEPTION = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException")
_CLICK_SIGNALS = (typer.Exit, typer.Abort, _CLICK_EXCEPTION, BrokenPipeError)


#: Every command, and the module of sendcli.cli defining it, in the order --help lists them.
#: A command's module is imported, and its options built, only when it runs (or for
#: --help): startup stays within 0.15 s of bare Python (quality.md).
COMMAND_MODULES = {
    "check": "check", "init": "records", "new": "records", "show": "records", "close": "workflow",
    "edit": "history", "log": "history", "due": "deadlines", "report": "reports", "register": "reports",
    "provision-map": "reports", "stats": "reports", "import": "adoption", "transfer": "adoption",
    "cycle": "workflow", "add": "workflow", "set": "fields", "ehc": "deadlines",
    "export": "privacy", "purge": "privacy", "decrypt": "privacy",
}


class _Commands(MutableMapping):
    """The root group's commands, each loaded from its module the first time it is asked for."""

    def __init__(self) -> None:
        self._loaded: dict = {}

    def __getitem__(self, name: str):
        if name not in self._loaded:
            if name not in COMMAND_MODULES:
                raise KeyError(name)
            module = importlib.import_module(f"sendcli.cli.{COMMAND_MODULES[name]}")
            self._loaded.update(_module_group(module).commands)
        return self._loaded[name]

    def __setitem__(self, name: str, command) -> None:
        self._loaded[name] = command

    def __delitem__(self, name: str) -> None:
        del self._loaded[name]

    def __iter__(self):
        return iter(dict.fromkeys([*COMMAND_MODULES, *self._loaded]))

    def __len__(self) -> int:
        return len(set(COMMAND_MODULES) | set(self._loaded))


def _module_group(module):
    import typer.main

    return typer.main.get_group(module.app)


#: What the machine, not the program, gets wrong: a read-only or full disk, a file-size limit
#: (``ulimit -f``), a permission, a path that is not there or not a folder. Each ends in a clear
#: message and exit 1, like any other refusal; only other OS errors are bugs (exit 3).
ORDINARY_OS_ERRORS = frozenset(getattr(errno, name) for name in (
    "EACCES", "EPERM", "EROFS", "ENOSPC", "EDQUOT", "EFBIG", "ENAMETOOLONG", "ENOENT", "ENOTDIR", "EISDIR",
    "ELOOP", "EEXIST", "EBUSY", "ETXTBSY", "EMFILE", "ENFILE", "EIO", "ENXIO", "ENODEV", "EXDEV", "ENOTEMPTY",
    "EINVAL", "ESTALE", "EOVERFLOW") if hasattr(errno, name))

_OS_ERROR_HINTS = {
    "ENOSPC": "the disk is full: free some space and run it again",
    "EDQUOT": "the disk quota is used up: free some space and run it again",
    "EFBIG": "the file would pass the size limit for files (ulimit -f)",
    "EROFS": "the file system is read-only",
    "EACCES": "permission denied: check the owner and mode of the file and its folder",
    "EPERM": "not permitted: check the owner and mode of the file and its folder",
}


def os_error_message(error: OSError) -> str:
    """``PATH: the OS's words (a hint)``: what failed, where, and what to do; never a file's content."""
    from sendcli.output import printable

    code = errno.errorcode.get(error.errno or 0, "")
    words = error.strerror or code or "operating-system error"
    hint = _OS_ERROR_HINTS.get(code)
    places = [str(name) for name in (error.filename, error.filename2) if name not in (None, "")]
    where = " -> ".join(printable(place) for place in places)
    return f"{where + ': ' if where else ''}{words}{f'; {hint}' if hint else ''}"


class SendcliGroup(TyperGroup):
    """Maps every exception to its exit code (cli.md, "Exit codes"); loads commands when needed.

    A :class:`SendcliError` prints its message (and detail lines) to stderr.
    Anything else is a bug: one short line naming only the exception's type —
    its message could hold a child's data — and a hint to rerun with --debug.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        commands = _Commands()
        commands.update(self.commands)
        self.commands = commands

    def list_commands(self, ctx: typer.Context) -> list[str]:
        return list(self.commands)

    def invoke(self, ctx: typer.Context):
        try:
            return super().invoke(ctx)
        except _CLICK_SIGNALS:
            raise
        except SendcliError as error:
            print_error(error.message, error.details)
            raise typer.Exit(error.exit_code) from None
        except OSError as error:
            if error.errno not in ORDINARY_OS_ERRORS:
                self._internal_error(ctx, error)
            print_error(os_error_message(error))  # the path and the OS's words; never a file's content
            raise typer.Exit(1) from None
        except Exception as error:  # noqa: BLE001 - the last line of defence
            self._internal_error(ctx, error)

    @staticmethod
    def _internal_error(ctx: typer.Context, error: Exception) -> NoReturn:
        """A bug: one short line naming only the exception's type (exit 3); --debug: the traceback."""
        if ctx.params.get("debug"):
            import traceback

            traceback.print_exc()
        else:
            sys.stderr.write(f"sendcli: internal error ({type(error).__name__}); this is a bug. "
                             "Rerun with --debug for the traceback.\n")
        raise typer.Exit(INTERNAL_ERROR) from None


app = typer.Typer(
    cls=SendcliGroup,
    name="sendcli",
    help="Keep SEN records as YAML in git, and run the SEND Code of Practice's graduated approach "
         "(Assess, Plan, Do, Review) from the terminal.\n\n\b\nExamples:\n  sendcli init casebook --name \"Example "
         "Primary\"\n  sendcli new ae-16 --name \"Ava Example\" --dob 2016-05-14 --need SLCN\n  sendcli check\n"
         "  sendcli due",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Rich tracebacks print local variables: a child's record must never reach a cron mail.
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@dataclass
class Options:
    root: str | None
    debug: bool


def _version(value: bool) -> None:
    if value:
        typer.echo(f"sendcli {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    root: str = typer.Option(None, "--root", envvar="SENDCLI_ROOT", metavar="DIR",
                             help="The casebook folder. Default: the nearest folder, from here upward, "
                                  "holding sendcli.yaml."),
    debug: bool = typer.Option(False, "--debug", help="On an internal error, show the full traceback."),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Show the version and exit."),
) -> None:
    """Dates: SENDCLI_TODAY=YYYY-MM-DD sets the date taken as today, for cron and tests."""
    ctx.obj = Options(root=root, debug=debug)


def options(ctx: typer.Context) -> Options:
    return ctx.find_object(Options) or Options(root=None, debug=False)


def casebook(ctx: typer.Context) -> Casebook:
    from sendcli.casebook import open_casebook

    return open_casebook(options(ctx).root, Path.cwd())


def today() -> date:
    """The date every command works from: SENDCLI_TODAY, else the system clock."""
    from sendcli.casebook import parse_today

    return parse_today(os.environ.get("SENDCLI_TODAY"), date.today())


def print_error(message: str, details: list[str] | None = None) -> None:
    """Diagnostics go to stderr, plainly: they may be read in a cron mail, so each stays one line
    (control characters from a file or a value shown escaped)."""
    from sendcli.output import printable

    sys.stderr.write(f"sendcli: {printable(message)}\n")
    for line in details or []:
        sys.stderr.write(f"  {printable(line)}\n")


def main(argv: list[str] | None = None) -> None:
    """The console script."""
    app(args=argv, prog_name="sendcli")
