"""The casebook on disk: finding it, its settings, its records' paths, safe writes.

A casebook is a folder holding ``sendcli.yaml`` and ``records/`` (cli.md).
Files are written atomically and privately: a temp file in the same folder,
fsync, rename into place, fsync the folder; 0600 files in 0700 folders
whatever the umask (rules.md, "Data protection").
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sendcli.checking import (
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


def parse_today(value: str | None, system_today: date) -> date:
    """``SENDCLI_TODAY`` if set (a malformed one is a usage error), else the system date."""
    if value is None or value == "":
        return system_today
    if _ISO.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise UsageProblem(f"SENDCLI_TODAY={value!r} is not a date in the form YYYY-MM-DD")


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
                               "and hyphens, starting with a letter or digit, at most 63 characters")
        return self.records_dir / f"{record_id}.yaml"

    def existing_record_path(self, record_id: str) -> Path:
        path = self.record_path(record_id)
        if not path.is_file():
            raise RecordNotFound(f"no record '{record_id}' in {self.records_dir}")
        return path


@dataclass(frozen=True)
class Unreadable:
    """A record with errors: reported, never skipped silently (cli.md, ``due``)."""

    path: str
    message: str


def each_record(root: Path, today: date, redact: bool = False) -> Iterator[dict | Unreadable]:
    """Every record of the casebook in turn: its data when it checks without errors, else why not.

    Streamed, one document in memory at a time (quality.md: never hold every document).
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
    record (quality.md: never hold every document).
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
    """
    missing = []
    for folder in (path, *path.parents):
        if folder.is_dir():
            break
        missing.append(folder)
    for folder in reversed(missing):
        folder.mkdir(mode=DIR_MODE, exist_ok=True)
        os.chmod(folder, DIR_MODE)  # mkdir's mode is filtered by the umask


def write_atomic(path: Path, content: bytes, *, exclusive: bool = False) -> None:
    """Replace ``path`` with ``content``: the old file or the new, never a mix.

    With ``exclusive``, refuse (FileExistsError) where the file already exists,
    atomically: the temp file is hard-linked into place, which fails if the
    name is taken. Never writes through a symlink.
    """
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
    except BaseException:
        if os.path.exists(temp_name):
            os.unlink(temp_name)
        raise
    _fsync_dir(folder)


def _fsync_dir(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
