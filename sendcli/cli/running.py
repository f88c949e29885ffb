"""What every command shares at run time, without typer: today's date, the casebook, and how an
exception becomes a message and an exit code.

Both ways a command runs use it: the Typer application (:mod:`sendcli.cli.app`) and the direct
path of the commonest one-record reads (:mod:`sendcli.cli.direct`), which never imports typer.
"""

from __future__ import annotations

import errno
import os
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from sendcli.errors import SendcliError

if TYPE_CHECKING:  # the casebook edge loads YAML and schemas: only for commands that need it
    from sendcli.store.casebook import Casebook

INTERNAL_ERROR = 3

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
    from sendcli.documents.output import printable

    code = errno.errorcode.get(error.errno or 0, "")
    words = error.strerror or code or "operating-system error"
    hint = _OS_ERROR_HINTS.get(code)
    places = [str(name) for name in (error.filename, error.filename2) if name not in (None, "")]
    where = " -> ".join(printable(place) for place in places)
    return f"{where + ': ' if where else ''}{words}{f'; {hint}' if hint else ''}"


def casebook_at(root: str | None) -> Casebook:
    """The casebook at ``root`` (--root or SENDCLI_ROOT), else the nearest one from here upward."""
    from sendcli.store.casebook import open_casebook

    return open_casebook(root, Path.cwd())


def redaction(settings: dict, option: bool | None) -> bool:
    """``--redact``/``--no-redact`` as given, else the casebook's ``redact`` setting (default off)."""
    return bool(settings.get("redact", False)) if option is None else option


def today() -> date:
    """The date every command works from: SENDCLI_TODAY, else the system clock."""
    from sendcli.store.casebook import parse_today

    return parse_today(os.environ.get("SENDCLI_TODAY"), date.today())


def print_error(message: str, details: list[str] | None = None) -> None:
    """Diagnostics go to stderr, plainly: they may be read in a cron mail, so each stays one line
    (control characters from a file or a value shown escaped)."""
    from sendcli.documents.output import printable

    sys.stderr.write(f"sendcli: {printable(message)}\n")
    for line in details or []:
        sys.stderr.write(f"  {printable(line)}\n")


def exit_code_for(error: BaseException, debug: bool) -> int:
    """The exit code a command's exception ends the run with, once what went wrong is said (0 done,
    1 refused, 3 a bug); a SystemExit that is not a closed pipe goes on as it is.

    A :class:`SendcliError` prints its message (and detail lines) to stderr.
    Anything else is a bug: one short line naming only the exception's type —
    its message could hold a child's data — and a hint to rerun with --debug
    (which shows the traceback).
    """
    if isinstance(error, BrokenPipeError):
        # The reader went away (`sendcli show ID | head -1`): not an error.
        quiet_closed_stdout()
        return 0
    if isinstance(error, SystemExit):
        # rich's Console meets a closed pipe by pointing stdout at /dev/null and
        # exiting 1; no command of sendcli exits that way itself.
        if stdout_is_devnull():
            return 0
        raise error
    if isinstance(error, SendcliError):
        print_error(error.message, error.details)
        return error.exit_code
    if isinstance(error, OSError) and error.errno in ORDINARY_OS_ERRORS:
        print_error(os_error_message(error))  # the path and the OS's words; never a file's content
        return 1
    if debug:
        import traceback

        traceback.print_exception(error)
    else:
        sys.stderr.write(f"sendcli: internal error ({type(error).__name__}); this is a bug. "
                         "Rerun with --debug for the traceback.\n")
    return INTERNAL_ERROR


def stdout_is_devnull() -> bool:
    try:
        return os.path.samestat(os.fstat(sys.stdout.fileno()), os.stat(os.devnull))
    except (OSError, ValueError):
        return False


def quiet_closed_stdout() -> None:
    """Point stdout at /dev/null, so that flushing what is left at exit raises nothing."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass
