"""``sendcli check``'s engine: every problem in every file, each with its place.

Data flows one way: bytes → :func:`~sendcli.store.loading.load_yaml` → schema →
cross-field rules of the core → :class:`Problem` values located by walking
the YAML node tree. Nothing here prints; the CLI formats the problems.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from sendcli.core.findings import ERROR, WARNING, Finding, dotted_path, json_pointer
from sendcli.core.rules import RuleContext, cross_field_findings
from sendcli.store.fastload import fast_load
from sendcli.store.scalars import MAX_PROBLEMS_LISTED, MAX_RECORD_BYTES
from sendcli.store.schemas import (
    CONFIG_SCHEMA, LOCAL_OFFER_SCHEMA, RECORD_SCHEMA, date_field_names, fast_validator, misplaced_date_findings,
    schema_findings,
)

if TYPE_CHECKING:
    from sendcli.store.loading import LoadedDocument

RECORD_SUFFIXES = (".yaml", ".yml")
CONFIG_FILE = "sendcli.yaml"
LOCAL_OFFER_FILE = "local-offer.yaml"
RECORDS_DIR = "records"
#: The casebook's own files, each with its schema.
CASEBOOK_FILES = {CONFIG_FILE: CONFIG_SCHEMA, LOCAL_OFFER_FILE: LOCAL_OFFER_SCHEMA}


@dataclass(frozen=True)
class Problem:
    """A problem at ``path:line:column``, as ``check`` reports it (docs/usage.md)."""

    path: str
    line: int
    column: int
    severity: str
    rule: str
    pointer: str
    message: str
    #: The dotted field (``cycles[0].plan.review_date``); empty for the file as a whole.
    field: str = ""

    def as_json(self) -> dict:
        data = asdict(self)
        del data["field"]
        return data


class Verdict:
    """What ``check`` asks of a file's result: its ``problems``, and whether they hold errors or warnings."""

    problems: list[Problem]

    @property
    def has_errors(self) -> bool:
        return any(p.severity == ERROR for p in self.problems)

    @property
    def has_warnings(self) -> bool:
        return any(p.severity == WARNING for p in self.problems)


@dataclass
class FileCheck(Verdict):
    """One file's verdict, and its data when it could be read."""

    path: str
    problems: list[Problem]
    data: object = None
    #: ``sendcli.yaml`` or ``local-offer.yaml`` rather than a record.
    is_config: bool = False


def read_bytes(path: Path, follow_links: bool = False) -> bytes | str:
    """A file's bytes, or a message saying why they cannot be read.

    Only a regular file is read. A FIFO, a device or a socket is refused
    unopened (reading a FIFO waits for a writer that may never come). A
    symbolic link is refused unless ``follow_links``: a record must be a file
    of the casebook, and a link could show any file of the computer in a
    message. The file is opened with O_NOFOLLOW and O_NONBLOCK, and checked
    again once open, so swapping it for a link or a FIFO between the look and
    the read changes nothing.
    """
    try:
        info = os.stat(path, follow_symlinks=follow_links)
        refusal = _not_a_plain_file(info.st_mode)
        if refusal:
            return refusal
        if info.st_size > MAX_RECORD_BYTES:
            return _too_large(info.st_size)  # refused unread: the loader's bound, applied before the read
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
        if not follow_links:
            flags |= getattr(os, "O_NOFOLLOW", 0)
        descriptor = os.open(path, flags)
        with os.fdopen(descriptor, "rb") as handle:
            info = os.fstat(handle.fileno())
            refusal = _not_a_plain_file(info.st_mode)
            if refusal:
                return refusal
            if info.st_size > MAX_RECORD_BYTES:
                return _too_large(info.st_size)
            return handle.read(MAX_RECORD_BYTES + 1)
    except FileNotFoundError:
        return "the file does not exist"
    except IsADirectoryError:
        return "this is a folder, not a record file"
    except PermissionError:
        return "the file cannot be read (permission denied)"
    except OSError as error:
        if error.errno == errno.ELOOP:  # O_NOFOLLOW met a link put there after the look
            return _not_a_plain_file(stat.S_IFLNK) or ""
        return f"the file cannot be read ({error.strerror or type(error).__name__})"


def _not_a_plain_file(mode: int) -> str | None:
    """Why a file of this kind is not read (None: a regular file)."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISLNK(mode):
        return ("the file is a symbolic link; sendcli reads no record through a link, which could point "
                "outside the casebook: put the record itself here")
    if stat.S_ISDIR(mode):
        return "this is a folder, not a record file"
    kind = ("a named pipe (FIFO)" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode)
            else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not a regular file")
    return f"this is {kind}, not a file; sendcli reads only regular files"


def _too_large(size: int) -> str:
    return (f"the file is {size / 1_048_576:.1f} MB; records larger than "
            f"{MAX_RECORD_BYTES // 1_048_576} MB are refused")


def check_record_bytes(raw: bytes, display_path: str, today: date, file_id: str | None,
                       local_offer_ids: frozenset[str] | None = None, fast: bool = True) -> FileCheck:
    """Check one record's bytes: YAML hazards, schema, then the cross-field rules.

    A clean record is recognised by the fast path (:func:`clean_record_data`);
    anything else, or everything with ``fast=False``, is read the precise way,
    which finds and locates every problem. Both give the same verdict.
    """
    context = RuleContext(today=today, file_id=file_id, local_offer_ids=local_offer_ids)
    if fast:
        data = clean_record_data(raw, context)
        if data is not None:
            return FileCheck(display_path, [], data)
    # The precise reader (PyYAML, about 20 ms to import) only for what the fast path doubts.
    from sendcli.store.loading import load_yaml

    loaded = load_yaml(raw)
    findings = list(loaded.findings)
    if loaded.located or not isinstance(loaded.data, dict):
        return FileCheck(display_path, _locate_all(display_path, loaded, findings))
    findings.extend(_schema_and_date_findings(loaded, findings, RECORD_SCHEMA))
    findings.extend(_rule_findings(loaded.data, context, findings))
    return FileCheck(display_path, _locate_all(display_path, loaded, findings), loaded.data)


def clean_record_data(raw: bytes, context: RuleContext) -> dict | None:
    """The record's data if it has no problem at all, found the fast way; None to read it precisely.

    yaml-rs reads what :func:`~sendcli.store.fastload.fast_load` judges unsuspicious,
    jsonschema-rs validates it, the rules find nothing: then the precise
    reader would have found nothing either. Any doubt returns None.
    """
    data = _fast_valid_data(raw, RECORD_SCHEMA)
    if data is None:
        return None
    try:
        if cross_field_findings(data, context):
            return None
    except Exception:  # noqa: BLE001 - the precise path reports what a rule tripped on
        return None
    return data


def _fast_valid_data(raw: bytes, schema: str) -> dict | None:
    """The file's data when yaml-rs reads it unsuspiciously and jsonschema-rs finds it valid; else None."""
    if len(raw) > MAX_RECORD_BYTES:
        return None
    validate = fast_validator(schema)
    if validate is None:
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    data = fast_load(text[1:] if text.startswith("\ufeff") else text, date_field_names(schema))
    if data is None or not validate.is_valid(data):
        return None
    return data


def check_config_bytes(raw: bytes, display_path: str, schema: str = CONFIG_SCHEMA,
                       today: date | None = None) -> FileCheck:
    """Check one of the casebook's own files (``sendcli.yaml``, ``local-offer.yaml``) against its schema.

    ``sendcli.yaml``'s closures are checked too: a range that ends before it
    starts is an error; given ``today``, no closure in its school year is a warning.
    A clean file is read the fast way, as a record is (every command reads ``sendcli.yaml``).
    """
    data = _clean_config_data(raw, schema, today)
    if data is not None:
        return FileCheck(display_path, [], data, is_config=True)
    from sendcli.store.loading import load_yaml

    loaded = load_yaml(raw)
    findings = list(loaded.findings)
    if loaded.located or not isinstance(loaded.data, dict):
        return FileCheck(display_path, _locate_all(display_path, loaded, findings), is_config=True)
    findings.extend(_schema_and_date_findings(loaded, findings, schema))
    if schema == CONFIG_SCHEMA and not any(f.severity == ERROR for f in findings):
        from sendcli.core.dates import closure_findings

        findings.extend(closure_findings(loaded.data, today))
    return FileCheck(display_path, _locate_all(display_path, loaded, findings), loaded.data, is_config=True)


def _clean_config_data(raw: bytes, schema: str, today: date | None) -> dict | None:
    """The file's data if it has no problem at all, found the fast way (as :func:`clean_record_data`); else None."""
    data = _fast_valid_data(raw, schema)
    if data is None:
        return None
    if schema == CONFIG_SCHEMA:
        from sendcli.core.dates import closure_findings

        try:
            if closure_findings(data, today):
                return None
        except Exception:  # noqa: BLE001 - the precise path reports what the check tripped on
            return None
    return data


def check_record_file(path: Path, display_path: str, today: date,
                      local_offer_ids: frozenset[str] | None = None, fast: bool = True) -> FileCheck:
    raw = read_bytes(path)
    if isinstance(raw, str):
        return FileCheck(display_path, [Problem(display_path, 1, 1, ERROR, "file", "", raw)])
    return check_record_bytes(raw, display_path, today, record_id_of(path), local_offer_ids, fast)


def read_local_offer(root: Path) -> dict[str, dict] | None:
    """The services of the casebook's local-offer.yaml by ID; None where there is none, or it
    cannot be read (its own check reports why)."""
    path = root / LOCAL_OFFER_FILE
    if not path.is_file():
        return None
    raw = read_bytes(path)
    if isinstance(raw, str):
        return None
    checked = check_config_bytes(raw, LOCAL_OFFER_FILE, LOCAL_OFFER_SCHEMA)
    if checked.has_errors:
        return None
    return {service["id"]: service for service in checked.data["services"]}  # type: ignore[index]


def local_offer_ids(root: Path) -> frozenset[str] | None:
    """What a provision's ``local_offer`` may name (None: nothing to resolve against).

    A local-offer.yaml listing no services (as ``init`` writes it, ready to
    fill in) is nothing to resolve against yet, like none at all.
    """
    services = read_local_offer(root)
    return frozenset(services) if services else None


def record_id_of(path: Path) -> str:
    return path.name.rsplit(".", 1)[0]


def _schema_and_date_findings(loaded: LoadedDocument, hazards: list[Finding], schema: str) -> list[Finding]:
    """Schema errors, less those a YAML hazard already explains; then unquoted
    dates where text is expected, where the schema has not said more."""
    found = _without_hazard_duplicates(schema_findings(loaded.data, loaded.root, schema), hazards)
    explained = {f.pointer for f in found}
    found += [f for f in misplaced_date_findings(loaded.data, loaded.timestamps, schema) if f.pointer not in explained]
    return found


def _without_hazard_duplicates(schema: list[Finding], hazards: list[Finding]) -> list[Finding]:
    """A YAML hazard already explains the schema error at the same place."""
    flagged = {f.pointer for f in hazards}
    return [f for f in schema if f.pointer not in flagged]


def _rule_findings(data: dict, context: RuleContext, earlier: list[Finding]) -> list[Finding]:
    try:
        return cross_field_findings(data, context)
    except (TypeError, ValueError, AttributeError, KeyError, IndexError):
        # The rules read defensively; a document odd enough to trip one anyway
        # has schema errors that say what is wrong. Without them, it is a bug.
        if any(f.severity == ERROR for f in earlier):
            return []
        raise


def _locate_all(display_path: str, loaded: LoadedDocument, findings: Iterable[Finding]) -> list[Problem]:
    from sendcli.store.loading import Locator

    problems = [Problem(display_path, item.line, item.column, item.severity, item.rule, "", item.message)
                for item in loaded.located]
    locator = Locator(loaded.root)
    for finding in findings:
        line, column = loaded.places.get(id(finding)) or locator.locate(finding.pointer, finding.at_key)
        problems.append(Problem(display_path, line, column, finding.severity, finding.rule,
                                json_pointer(finding.pointer), finding.message, dotted_path(finding.pointer)))
    problems.sort(key=lambda p: (p.line, p.column))
    return capped(problems)


def capped(problems: list[Problem], limit: int = MAX_PROBLEMS_LISTED) -> list[Problem]:
    """The first ``limit`` problems, then one that says how many more there are.

    That last one is an error if any of those left out is (so the verdict is
    unchanged), and stands at the first left out.
    """
    if len(problems) <= limit + 1:
        return problems
    rest = problems[limit:]
    severity = ERROR if any(p.severity == ERROR for p in rest) else WARNING
    first = rest[0]
    return [*problems[:limit], Problem(first.path, first.line, first.column, severity, "more", "",
                                       f"... and {len(rest):,} more problems in this file, not listed; "
                                       "fix these and check again")]


# -- which files ------------------------------------------------------------------

@dataclass(frozen=True)
class Target:
    """A file to check, with the path to show for it."""

    path: Path
    display: str
    #: For the casebook's own files: the schema to check against (records: None).
    schema: str | None = None
    #: For records in a casebook: the Local Offer services their provision may name.
    local_offer_ids: frozenset[str] | None = None

    @property
    def is_config(self) -> bool:
        return self.schema is not None


def casebook_targets(root: Path, display_prefix: str = "") -> list[Target]:
    """A casebook's own files and every record in its ``records/`` folder."""
    targets = [Target(root / name, display_prefix + name, schema=schema)
               for name, schema in CASEBOOK_FILES.items() if (root / name).exists()]
    services = local_offer_ids(root)
    records = root / RECORDS_DIR
    if records.is_dir():
        for entry in sorted(os.scandir(records), key=lambda e: e.name):
            if entry.name.endswith(RECORD_SUFFIXES) and not entry.name.startswith("."):
                targets.append(Target(Path(entry.path), f"{display_prefix}{RECORDS_DIR}/{entry.name}",
                                      local_offer_ids=services))
    return targets


def path_targets(paths: Iterable[str]) -> Iterator[Target]:
    """Files as given; a casebook folder as a casebook; any other folder searched for YAML."""
    for given in paths:
        path = Path(given)
        if not path.is_dir():
            yield Target(path, given, schema=CASEBOOK_FILES.get(path.name))
            continue
        prefix = "" if given in (".", "./") else given.rstrip("/") + "/"
        if (path / CONFIG_FILE).is_file():
            yield from casebook_targets(path, prefix)
            continue
        for folder, subfolders, files in os.walk(path):
            subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
            for name in sorted(files):
                if name.endswith(RECORD_SUFFIXES) and not name.startswith("."):
                    full = Path(folder) / name
                    yield Target(full, prefix + full.relative_to(path).as_posix())


def check_targets(targets: Iterable[Target], today: date) -> Iterator[FileCheck]:
    """Check each target in turn, streaming: one document in memory at a time."""
    for target in targets:
        if target.schema is not None:
            raw = read_bytes(target.path)
            if isinstance(raw, str):
                yield FileCheck(target.display, [Problem(target.display, 1, 1, ERROR, "file", "", raw)],
                                is_config=True)
            else:
                yield check_config_bytes(raw, target.display, target.schema, today)
        else:
            yield check_record_file(target.path, target.display, today, target.local_offer_ids)
