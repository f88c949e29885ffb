"""Output that is safe to hand on: where a file may be written, and text that cannot act.

Four guards, each used by every command that needs it:

- :func:`write_output` writes ``--output`` files: never over the casebook's
  own files (its records, settings, local offer or private ``.sendcli/``
  folder, however the path is spelt or linked), never replacing a device
  node or a named pipe (those are written to as streams, as a shell
  redirection would), never "into" a folder;
- :class:`StagedFolder` writes a set of files into an ``--output-dir`` all or
  nothing: each into a private staging folder first, moved in only when the
  whole set is made;
- :func:`csv_cell` neutralises spreadsheet formulas in every CSV the tool
  writes (OWASP, "CSV injection": a cell starting ``=``, ``+``, ``-``, ``@``,
  a tab or a carriage return gets a leading ``'``);
- :func:`printable` shows control characters (terminal escape sequences,
  carriage returns, newlines) as visible escapes in every human-readable
  line, so that no text from a file can repaint a terminal or forge a line
  of a report or a cron mail.
"""

from __future__ import annotations

import csv
import io
import os
import stat
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sendcli.errors import SendcliError

#: The casebook's own files and folders, which no report may replace or land in.
PROTECTED_FILES = ("sendcli.yaml", "local-offer.yaml")
PROTECTED_FOLDERS = ("records", ".sendcli")


class OutputRefused(SendcliError):
    """An output path the tool will not write to: exit 1, nothing written."""


def _casebooks_around(resolved: Path, roots: Iterable[Path]) -> set[Path]:
    """The casebook in use, and any casebook the path lies in (a folder above it holding sendcli.yaml)."""
    found = {Path(os.path.realpath(root)) for root in roots}
    for folder in resolved.parents:
        if (folder / PROTECTED_FILES[0]).is_file():
            found.add(folder)
    return found


def protected_reason(target: Path, roots: Iterable[Path] = ()) -> str | None:
    """Why ``target`` (symlinks followed) is one of a casebook's own files, or None."""
    resolved = Path(os.path.realpath(target))
    for root in _casebooks_around(resolved, roots):
        for name in PROTECTED_FILES:
            if resolved == root / name:
                return f"it is the casebook's {name}"
        for name in PROTECTED_FOLDERS:
            folder = root / name
            if resolved == folder:
                return f"it is the casebook's {name}/ folder"
            if folder in resolved.parents:
                return f"it is inside the casebook's {name}/ folder"
    return None


def refuse_protected(target: Path, roots: Iterable[Path], option: str) -> None:
    reason = protected_reason(target, roots)
    if reason is not None:
        raise OutputRefused(f"{option} {printable(str(target))}: refused, {reason}; "
                            "write reports elsewhere (nothing was written)")


def check_output_folder(folder: Path, roots: Iterable[Path], option: str = "--output-dir") -> None:
    """Refuse an output folder inside the casebook's own files, or a path that is not a folder."""
    refuse_protected(folder, roots, option)
    if os.path.lexists(folder) and not folder.is_dir():
        raise OutputRefused(f"{option} {printable(str(folder))}: not a folder; give a new or existing folder")


def write_output(target: Path, data: bytes, roots: Iterable[Path] = (), option: str = "--output") -> None:
    """Write a report to ``target``, privately (0600) and atomically when it is a file.

    A character device (``/dev/null``, a terminal) or a named pipe is written
    to as a stream and never replaced; a folder, a socket or a block device is
    refused, as is any path that is one of the casebook's own files.
    """
    from sendcli.store.casebook import ensure_private_dir, write_atomic

    refuse_protected(target, roots, option)
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        mode = None  # a new file (or a dangling link, which write_atomic refuses)
    except NotADirectoryError:
        raise OutputRefused(f"{option} {printable(str(target))}: a part of the path is a file, not a folder") \
            from None
    if mode is not None and stat.S_ISDIR(mode):
        raise OutputRefused(f"{option} {printable(str(target))}: is a folder; give a file name")
    if mode is not None and (stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)):
        _stream_to(target, data)
        return
    if mode is not None and not stat.S_ISREG(mode):
        raise OutputRefused(f"{option} {printable(str(target))}: neither a file nor a device; nothing written")
    ensure_private_dir(target.parent)
    write_atomic(target, data)


def _stream_to(target: Path, data: bytes) -> None:
    """Write to a device or pipe as ``>`` would: no create, no truncate, no rename."""
    descriptor = os.open(target, os.O_WRONLY | getattr(os, "O_NOCTTY", 0))
    try:
        view = memoryview(data)
        while view:
            written = os.write(descriptor, view)
            view = view[written:]
    finally:
        os.close(descriptor)


# -- a set of files, all or nothing ------------------------------------------------------------------

class StagedFolder:
    """A set of files for an output folder, written all or nothing.

    A folder of reports that a school sends on or prints must be one run's
    set: never some files new and some left from the last run because a
    template failed on a later record, the run was interrupted or the disk
    filled. So each file is written first into a private staging folder
    (0700; files 0600, fsynced) beside the output folder, on the same file
    system; :meth:`commit` moves them in, by renames, only once every file is
    made, and :meth:`discard` (or leaving a ``with`` block without
    committing) removes the staging folder and leaves the output folder as it
    was. A new output folder is the staging folder renamed; into one that
    exists, each file replaces its namesake (other files there stay).

    The output folder is checked first (:func:`check_output_folder`), and
    every file's place again before anything is moved: never one of the
    casebook's own files, never through a link, never over a folder, device
    or pipe. Where the folder beside cannot be written (the parent is not
    ours) or the output folder is a mount point, the staging folder is a
    hidden one inside the output folder instead.
    """

    def __init__(self, folder: Path, roots: Iterable[Path], option: str = "--output-dir") -> None:
        self.folder = folder
        self.roots = list(roots)
        self.option = option
        check_output_folder(folder, self.roots, option)
        self._home = Path(os.path.realpath(folder))
        self._made_parents: list[Path] = []
        self.names: list[str] = []
        #: How many of :attr:`names` are in the output folder already (what a failure leaves there).
        self.moved = 0
        self.staging = self._make_staging()

    def _make_staging(self) -> Path:
        import tempfile

        exists = self._home.is_dir()
        inside = exists and os.path.ismount(self._home)  # the folder beside would be another file system
        if not inside:
            self._make_parents(self._home.parent)
            try:
                staging = tempfile.mkdtemp(prefix=f".{self._home.name}.sendcli-", dir=self._home.parent)
            except PermissionError:
                if not exists:
                    self._remove_made_parents()
                    raise
                inside = True
        if inside:
            staging = tempfile.mkdtemp(prefix=".sendcli-staging-", dir=self._home)
        os.chmod(staging, 0o700)  # mkdtemp's mode is 0700 already; said, whatever the platform
        return Path(staging)

    def _make_parents(self, folder: Path) -> None:
        """The output folder's missing parents, 0700 as any folder the tool makes; removed again by
        :meth:`discard`."""
        from sendcli.store.casebook import ensure_private_dir

        missing = [part for part in (folder, *folder.parents) if not os.path.lexists(part)]
        ensure_private_dir(folder)
        self._made_parents = missing  # deepest first

    def _remove_made_parents(self) -> None:
        for folder in self._made_parents:
            try:
                folder.rmdir()
            except OSError:
                break  # no longer empty: something else put a file there
        self._made_parents = []

    def write(self, name: str, data: bytes) -> None:
        """Stage one file of the set (``name``, a plain file name)."""
        from sendcli.store.casebook import write_atomic

        if not name or name != Path(name).name or name in (".", ".."):
            raise ValueError(f"not a plain file name: {name!r}")  # a bug: names are made from record IDs
        write_atomic(self.staging / name, data)
        self.names.append(name)

    def commit(self) -> None:
        """Move every staged file into the output folder; refused (nothing moved) when any place is unsafe.

        A set with no file leaves the output folder as it was (not even made).
        """
        from sendcli.store.casebook import fsync_dir

        if not self.names:
            self.discard()
            return
        if self.staging.parent != self._home and not os.path.lexists(self._home):
            # A new folder: the staging folder becomes it, in one rename.
            for name in self.names:
                refuse_protected(self._home / name, self.roots, self.option)
            with _interrupts_held():
                os.rename(self.staging, self._home)
                self._made_parents = []
                self.moved = len(self.names)
            fsync_dir(self._home.parent)
            return
        for name in self.names:
            self._check_place(self._home / name)
        with _interrupts_held():
            for name in self.names:
                os.replace(self.staging / name, self._home / name)
                self.moved += 1
        fsync_dir(self._home)
        self.discard()

    def state(self) -> str:
        """What the output folder holds of the set now, in words, for a run that stopped."""
        shown = printable(str(self.folder))
        if not self.moved:
            return f"nothing was written to {shown}: it is as it was"
        if self.moved == len(self.names):
            return f"the whole set was written to {shown} before it stopped"
        return (f"{self.moved} of the {len(self.names)} reports were moved into {shown} before it stopped "
                "(the others there are from before): run it again")

    def _check_place(self, target: Path) -> None:
        refuse_protected(target, self.roots, self.option)
        try:
            mode = os.lstat(target).st_mode
        except FileNotFoundError:
            return
        if not stat.S_ISREG(mode):
            what = "a symbolic link" if stat.S_ISLNK(mode) else "a folder" if stat.S_ISDIR(mode) else \
                "neither a file nor a folder"
            raise OutputRefused(f"{self.option} {printable(str(self.folder))}: {printable(target.name)} there is "
                                f"{what}, which a report would replace; move it away (nothing was written)")

    def discard(self) -> None:
        """Remove the staging folder (and any parent made for it): the output folder is as it was."""
        import shutil

        shutil.rmtree(self.staging, ignore_errors=True)
        self._remove_made_parents()

    def __enter__(self) -> "StagedFolder":
        return self

    def __exit__(self, *exc_info) -> None:
        if os.path.lexists(self.staging):
            self.discard()


@contextmanager
def _interrupts_held() -> Iterator[None]:
    """Ctrl-C waits while the staged files are moved in (a few renames): a set half moved in is what
    staging exists to prevent. The interrupt is raised once they are all in."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread() or signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        yield  # no signal handler here; or Ctrl-C is ignored already (a job started in the background)
        return
    caught: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda number, _frame: caught.append(number))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous if previous is not None else signal.default_int_handler)
        if caught:
            raise KeyboardInterrupt


# -- CSV ------------------------------------------------------------------------------------------

#: OWASP's list: a spreadsheet reads a cell starting with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """A CSV cell that a spreadsheet will show as text, never run as a formula.

    Numbers stay numbers (``-3`` is a number to every spreadsheet); text
    starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a
    leading ``'``, and control characters other than a newline are shown
    escaped, so a cell cannot forge a row of a mail that carries the file.
    """
    if value is None:
        return ""
    if not isinstance(value, str):
        return value
    if value.startswith(_FORMULA_START):
        value = "'" + value
    return value.translate(_CSV_ESCAPES)


def csv_text(columns: Iterable[str], rows: Iterable[Iterable[object]]) -> str:
    """The header and rows as CSV (``\\n`` line ends), every cell through :func:`csv_cell`."""
    stream = io.StringIO()
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow([csv_cell(column) for column in columns])
    writer.writerows([csv_cell(cell) for cell in row] for row in rows)
    return stream.getvalue()


# -- human-readable text ----------------------------------------------------------------------------

def _escape_table(keep: str = "") -> dict[int, str]:
    named = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
    controls = [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0),
                # Bidirectional overrides and isolates reorder what a terminal shows ("Trojan source"),
                # and the Unicode line and paragraph separators end a line in some viewers.
                *range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x2028, 0x2029]
    table = {}
    for code in controls:
        character = chr(code)
        if character in keep:
            continue
        table[code] = named.get(character) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
    return table


_ESCAPES = _escape_table()
_ESCAPES_KEEP_NEWLINES = _escape_table(keep="\n")
_CSV_ESCAPES = _escape_table(keep="\n")


def printable(text: object, keep_newlines: bool = False) -> str:
    """``text`` with every control character shown as an escape (``\\x1b``, ``\\n``).

    For every line a person reads (a terminal, a cron mail): text from a
    record, a file name or a CSV cell can then never move the cursor, change
    the title, clear the screen or start a line of its own. With
    ``keep_newlines``, a multi-line text keeps its line breaks.
    """
    return str(text).translate(_ESCAPES_KEEP_NEWLINES if keep_newlines else _ESCAPES)
