"""The casebook on disk: finding it, its settings, its records' paths, safe writes.

A casebook is a folder holding ``sendcli.yaml`` and ``records/``.
Files are written atomically and privately: a temp file in the same folder,
fsync, rename into place, fsync the folder; 0600 files in 0700 folders
whatever the umask (docs/rules.md, "Data protection").
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sendcli.store.checking import (
    CONFIG_FILE, Problem, RECORDS_DIR, casebook_targets, check_config_bytes, check_targets, local_offer_ids, read_bytes,
    read_local_offer,
)
from sendcli.core.findings import ERROR
from sendcli.core.rules import is_valid_record_id
from sendcli.errors import CasebookNotFound, InvalidRecord, RecordNotFound, SendcliError, UsageProblem

FILE_MODE = 0o600
DIR_MODE = 0o700
CACHE_DIR = ".sendcli"
SCHEMA_COPY = Path("schemas") / "record.schema.json"
#: The first line of every record the tool writes: editors that speak the
#: YAML language server complete and validate against the casebook's copy.
SCHEMA_COMMENT = "# yaml-language-server: $schema=../schemas/record.schema.json"

_ISO = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)

#: The years a date given on the command line (or as SENDCLI_TODAY) may fall in. Records are of
#: children at school now: a year far outside these is a slip of the keyboard, and a school year
#: or a deadline worked out from it could fall before year 1 or after 9999.
FIRST_YEAR, LAST_YEAR = 1900, 2200


def outside_years(day: date) -> str | None:
    """Why ``day`` is refused as too far back or ahead (None where it is within the years read)."""
    if FIRST_YEAR <= day.year <= LAST_YEAR:
        return None
    return f"is outside the years {FIRST_YEAR} to {LAST_YEAR}"


def parse_today(value: str | None, system_today: date) -> date:
    """``SENDCLI_TODAY`` if set (a malformed one, or one outside the years read, is a usage error),
    else the system date."""
    if value is None or value == "":
        return system_today
    if _ISO.fullmatch(value):
        try:
            day = date.fromisoformat(value)
        except ValueError:
            pass
        else:
            why = outside_years(day)
            if why:
                raise UsageProblem(f"SENDCLI_TODAY={value!r} {why}")
            return day
    from sendcli.core.nearest import iso_form_of_day_month_year

    iso = iso_form_of_day_month_year(value)
    offer = f"; did you mean {iso}?" if iso else ""
    raise UsageProblem(f"SENDCLI_TODAY={value!r} is not a date in the form YYYY-MM-DD{offer}")


@dataclass(frozen=True)
class Casebook:
    root: Path
    settings: dict

    @property
    def records_dir(self) -> Path:
        return self.root / RECORDS_DIR

    @property
    def local_offer_ids(self) -> frozenset[str] | None:
        return local_offer_ids(self.root)

    def record_path(self, record_id: str) -> Path:
        """``records/ID.yaml``; an ID that could name any other path is refused."""
        if not is_valid_record_id(record_id):
            raise UsageProblem(f"'{record_id}' is not a valid record ID: lower-case letters, digits "
                               "and hyphens, starting with a letter or digit, at most 63 characters, and not a "
                               "name Windows keeps for a device (con, prn, aux, nul, com1, lpt1...)")
        return self.records_dir / f"{record_id}.yaml"

    def existing_record_path(self, record_id: str) -> Path:
        path = self.record_path(record_id)
        if not path.is_file():
            from sendcli.core.nearest import did_you_mean

            known = (entry.stem for entry in self.records_dir.glob("*.yaml"))
            raise RecordNotFound(f"no record '{record_id}' in {self.records_dir}{did_you_mean(record_id, known)}")
        return path


@dataclass(frozen=True)
class Unreadable:
    """A record with errors: reported, never skipped silently (``sendcli due --help``)."""

    path: str
    message: str


def each_record(root: Path, today: date, redact: bool = False) -> Iterator[dict | Unreadable]:
    """Every record of the casebook in turn: its data when it checks without errors, else why not.

    Streamed, one document in memory at a time: memory stays flat however many records (bench/README.md).
    """
    for result in check_targets([t for t in casebook_targets(root) if not t.is_config], today):
        if result.has_errors:
            yield Unreadable(result.path, unreadable_message(result.problems, redact))
        else:
            yield result.data  # type: ignore[misc]


def unreadable_message(problems: list[Problem], redact: bool = False) -> str:
    """Why a record with errors is left out: its first error, at its place.

    With ``redact``, only the place and the rule: the message itself may quote
    the record's content.
    """
    first = next(p for p in problems if p.severity == ERROR)
    detail = (f"a [{first.rule}] error; run sendcli check" if redact
              else f"{first.field + ': ' if first.field else ''}{first.message}")
    return f"{first.line}:{first.column}: {detail}"


def readable_records(root: Path, today: date, unreadable: list[Unreadable],
                     redact: bool = False) -> Iterator[dict]:
    """The records without errors, streamed; the others are appended to ``unreadable`` as they pass.

    For the casebook-wide reports, which keep only a row or a count of each
    record: never every document at once.
    """
    for item in each_record(root, today, redact):
        if isinstance(item, Unreadable):
            unreadable.append(item)
        else:
            yield item


def local_offer_services(root: Path) -> dict[str, dict]:
    """The services of local-offer.yaml by ID (empty where there is none or it has errors)."""
    return read_local_offer(root) or {}


def find_root(explicit: str | None, start: Path) -> Path:
    """``--root`` / ``SENDCLI_ROOT``, else the nearest folder upward holding sendcli.yaml."""
    if explicit:
        root = Path(explicit)
        if not (root / CONFIG_FILE).is_file():
            raise CasebookNotFound(f"{explicit} is not a casebook (no {CONFIG_FILE}); "
                                   "create one with: sendcli init")
        return root
    for folder in (start, *start.parents):
        if (folder / CONFIG_FILE).is_file():
            return folder
    raise CasebookNotFound(f"no casebook here: no {CONFIG_FILE} in {start} or any folder above it "
                           "(create one with 'sendcli init', or give --root)")


def open_casebook(explicit_root: str | None, start: Path) -> Casebook:
    root = find_root(explicit_root, start)
    return Casebook(root, load_settings(root))


def load_settings(root: Path) -> dict:
    """``sendcli.yaml``, validated; invalid settings are refused with their lines."""
    path = root / CONFIG_FILE
    raw = read_bytes(path)
    if isinstance(raw, str):
        raise SendcliError(f"{path}: {raw}")
    checked = check_config_bytes(raw, str(path))
    if checked.has_errors:
        raise InvalidRecord(f"{path} has problems", [
            f"{p.path}:{p.line}:{p.column}: {p.severity}: {p.field + ': ' if p.field else ''}{p.message}"
            for p in checked.problems])
    return checked.data if isinstance(checked.data, dict) else {}


# -- writing ----------------------------------------------------------------------

def ensure_private_dir(path: Path) -> None:
    """Create ``path`` and any missing parents as 0700, whatever the umask.

    Folders that already exist are left as they are: they are the user's.
    Inside the tool's private ``.sendcli`` folder, though, every existing part
    must be a real folder: a ``.sendcli`` committed as a symbolic link (or a
    file) would put the tool's locks, cache and edit copies where whoever
    committed it chose, so it is refused.
    """
    _refuse_linked_private_parts(path)
    missing = []
    for folder in (path, *path.parents):
        if folder.is_dir():
            break
        missing.append(folder)
    for folder in reversed(missing):
        folder.mkdir(mode=DIR_MODE, exist_ok=True)
        os.chmod(folder, DIR_MODE)  # mkdir's mode is filtered by the umask


class UnsafeFolder(SendcliError):
    """A folder the tool writes into that is a symbolic link or not a folder: exit 1."""


def _refuse_linked_private_parts(path: Path) -> None:
    if CACHE_DIR not in path.parts:
        return
    for folder in (path, *path.parents):
        if folder.is_symlink() or (os.path.lexists(folder) and not folder.is_dir()):
            what = "a symbolic link" if folder.is_symlink() else "not a folder"
            raise UnsafeFolder(f"{folder} is {what}; sendcli keeps its locks, cache and edit copies in a "
                               f"private {CACHE_DIR} folder of its own. Remove it (and from git, if it was "
                               "committed), then run the command again; nothing was written")
        if folder.name == CACHE_DIR:
            return


def refuse_linked_records_dir(casebook: Casebook) -> None:
    """Records are written only into a real ``records/`` folder of the casebook.

    A ``records`` that is a symbolic link would send every write (and its
    temp files) to wherever the link points, outside the casebook's control.
    """
    folder = casebook.records_dir
    if folder.is_symlink():
        raise UnsafeFolder(f"{RECORDS_DIR}/ is a symbolic link; sendcli writes records only into a real "
                           f"{RECORDS_DIR}/ folder of the casebook (replace the link with the folder itself); "
                           "nothing was written")


#: The temp files of :func:`write_atomic`: ``.NAME.XXXXXXXX.tmp`` beside the file.
def temp_file_pattern(name: str) -> str:
    return f".{name}.*.tmp"


def stray_temp_files(folder: Path) -> list[Path]:
    """Temp files that a write killed in its window left in ``folder`` (each a full copy of a record)."""
    return sorted(path for path in folder.glob(".*.tmp") if path.is_file() and not path.is_symlink())


def remove_stale_temp_files(path: Path) -> None:
    """Remove the temp files an interrupted write of ``path`` left behind.

    Only under the record's lock: no other writer of this record can then be
    between its temp file and its rename, so every one found is stale.
    """
    for stale in path.parent.glob(temp_file_pattern(path.name)):
        if stale.is_file() or stale.is_symlink():
            stale.unlink(missing_ok=True)


#: What git must never take from a casebook: the tool's private folder (as a folder, a file or a
#: link: ``.sendcli/`` would match only a folder) and the temp files of interrupted writes.
GITIGNORE_LINES = (CACHE_DIR, f"{RECORDS_DIR}/.*.tmp")
#: The first edition's line: a .gitignore holding it was made by the tool, and is brought up to date.
_FIRST_EDITION_GITIGNORE_LINE = f"{CACHE_DIR}/"


def ensure_gitignored(root: Path, create: bool = False) -> Path | None:
    """Add :data:`GITIGNORE_LINES` to the casebook's ``.gitignore`` where missing, keeping the rest.

    ``init`` creates the file (``create``); a write brings one made by the
    first edition up to date, and leaves a casebook without one as it is.
    Returns the path when it wrote it.
    """
    gitignore = root / ".gitignore"
    if gitignore.is_symlink():
        return None  # the user's arrangement; never written through
    try:
        existing = gitignore.read_text(encoding="utf-8") if gitignore.is_file() else None
    except (OSError, UnicodeDecodeError):
        return None
    if existing is None and not create:
        return None
    lines = (existing or "").splitlines()
    if existing is not None and not create and _FIRST_EDITION_GITIGNORE_LINE not in lines \
            and CACHE_DIR not in lines:
        return None  # a .gitignore the tool never wrote to
    missing = [line for line in GITIGNORE_LINES if line not in lines]
    if not missing:
        return None
    text = existing or ""
    separator = "" if not text or text.endswith("\n") else "\n"
    header = "" if text else "# sendcli's own cache and locks, and temp files of interrupted writes: never committed\n"
    write_atomic(gitignore, f"{text}{separator}{header}{''.join(line + chr(10) for line in missing)}".encode())
    return gitignore


def write_atomic(path: Path, content: bytes, *, exclusive: bool = False) -> None:
    """Replace ``path`` with ``content``: the old file or the new, never a mix.

    With ``exclusive``, refuse (FileExistsError) where the file already exists,
    atomically: the temp file is hard-linked into place, which fails if the
    name is taken. Never writes through a symlink. An OS error (a full disk,
    a read-only folder, a file-size limit) carries the path it was about.
    """
    import tempfile  # here, not at the top: with shutil, random and the compressors it is a few ms a read pays

    folder = path.parent
    if path.is_symlink():
        raise SendcliError(f"{path} is a symbolic link; sendcli does not write through links")
    handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        os.fchmod(handle, FILE_MODE)
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        if exclusive:
            os.link(temp_name, path)
            os.unlink(temp_name)
        else:
            os.replace(temp_name, path)
    except OSError as error:
        _remove_quietly(temp_name)
        if error.filename is None:  # a write or fsync: say which file it was for
            raise type(error)(error.errno, error.strerror, str(path)) from None
        raise
    except BaseException:
        _remove_quietly(temp_name)
        raise
    fsync_dir(folder)


def read_private_file(path: Path) -> bytes:
    """The bytes of one of the tool's own private files, never through a symbolic link (O_NOFOLLOW)."""
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(descriptor, "rb") as stream:
        return stream.read()


def _remove_quietly(name: str) -> None:
    try:
        if os.path.lexists(name):
            os.unlink(name)
    except OSError:
        pass  # the write's own error is the one to report


def fsync_dir(folder: Path) -> None:
    """The renames and new names in ``folder`` made durable: after a crash it still holds them."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
