"""The JSON Schemas: where they live, one validator each per run, and their errors.

Schema errors become :class:`~sendcli.core.findings.Finding` values with
messages written for a SENCO rather than jsonschema's, which print the whole
offending value (a record's content) and name schema keywords.
"""

from __future__ import annotations

import difflib
import json
import re
import sys
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from sendcli.core.dates import parse_iso_date
from sendcli.core.findings import Finding, Pointer

if TYPE_CHECKING:
    from jsonschema.protocols import Validator
    from yaml.nodes import Node

RECORD_SCHEMA = "record.schema.json"
CONFIG_SCHEMA = "config.schema.json"
LOCAL_OFFER_SCHEMA = "local-offer.schema.json"

_PACKAGE_DIR = Path(__file__).resolve().parents[1]  # sendcli/, above this room


def resource_dir(name: str) -> Path:
    """``schemas`` or ``templates``: inside the installed package, else the source tree.

    The wheel carries them as package data (pyproject's force-include); an
    editable install or a checkout finds them beside the package.
    """
    for candidate in (_PACKAGE_DIR / name, _PACKAGE_DIR.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"sendcli's {name} folder is missing from the installation")


def schema_path(name: str = RECORD_SCHEMA) -> Path:
    return resource_dir("schemas") / name


@lru_cache(maxsize=None)
def load_schema(name: str = RECORD_SCHEMA) -> dict:
    return json.loads(schema_path(name).read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def validator(name: str = RECORD_SCHEMA) -> Validator:
    """Built once per run: building costs far more than validating one record."""
    from jsonschema import Draft202012Validator, FormatChecker

    formats = FormatChecker(formats=())
    formats.checks("date")(_is_date_if_text)
    return Draft202012Validator(_inline_refs(load_schema(name)), format_checker=formats)


@lru_cache(maxsize=None)
def fast_validator(name: str = RECORD_SCHEMA):
    """jsonschema-rs over the same (inlined) schema and the same date check: a
    hundredth of jsonschema's time (bench/README.md). It only says *whether* a
    document is valid; the messages of an invalid one come from :func:`validator`.
    None where jsonschema-rs is not installed."""
    try:
        jsonschema_rs = _import_jsonschema_rs()
    except ImportError:  # pragma: no cover - no wheel for this platform: jsonschema alone
        return None
    return jsonschema_rs.Draft202012Validator(
        _inline_refs(load_schema(name)), validate_formats=True,
        formats={"date": _is_date_if_text})


def _import_jsonschema_rs():
    """jsonschema_rs, imported without the standard library's e-mail package.

    Its extension reads its own build date with email.utils.parsedate_to_datetime
    when it is imported (for ``jsonschema_rs.jsonschema_rs.__build__``), and
    email.utils brings socket, random, calendar, locale and the MIME encoders:
    about a tenth of a one-record command's time. That date is in one fixed
    form, which :func:`_build_date` reads alone; any other text goes to the real
    function. Where email.utils is already imported, it is used as it is.
    """
    if "email.utils" in sys.modules:
        import jsonschema_rs

        return jsonschema_rs
    import email
    import types

    stand_in = types.ModuleType("email.utils")
    stand_in.parsedate_to_datetime = _build_date  # type: ignore[attr-defined]
    sys.modules["email.utils"] = stand_in
    try:
        import jsonschema_rs
    finally:
        if sys.modules.get("email.utils") is stand_in:
            del sys.modules["email.utils"]
        if getattr(email, "utils", None) is stand_in:
            del email.utils
    return jsonschema_rs


#: ``Thu, 12 Nov 2026 07:50:16 +0000``: RFC 2822, as the build date is written.
_BUILD_DATE = re.compile(r"[A-Z][a-z]{2}, (\d{1,2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) \+0000")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _build_date(text: str) -> datetime:
    """email.utils.parsedate_to_datetime for a UTC date in RFC 2822 form (the same datetime); the
    real function for anything else."""
    match = _BUILD_DATE.fullmatch(text) if isinstance(text, str) else None
    if match is None or match[2] not in _MONTHS:
        sys.modules.pop("email.utils", None)  # the stand-in, while jsonschema_rs is imported
        from email.utils import parsedate_to_datetime

        return parsedate_to_datetime(text)
    day, month, year, hour, minute, second = match.groups()
    return datetime(int(year), _MONTHS.index(month) + 1, int(day), int(hour), int(minute), int(second),
                    tzinfo=timezone(timedelta(0)))


def _is_date_if_text(value: object) -> bool:
    """The ``date`` format, for both validators: text must be a real YYYY-MM-DD date (other
    types are the ``type`` keyword's business)."""
    return not isinstance(value, str) or parse_iso_date(value) is not None


def _inline_refs(schema: dict) -> dict:
    """The schema with each local ``$ref`` replaced by what it names.

    Resolving ``$ref`` through jsonschema's referencing library took three
    quarters of validation time (bench/); our ``$defs`` are not recursive,
    so they can be written in place once.
    """
    definitions = schema.get("$defs", {})

    def inline(node: object) -> object:
        if isinstance(node, dict):
            reference = node.get("$ref")
            if isinstance(reference, str) and reference.startswith("#/$defs/") and len(node) <= 2:
                target = dict(definitions[reference.rsplit("/", 1)[-1]])
                target.update({k: v for k, v in node.items() if k != "$ref"})
                return inline(target)
            return {key: inline(value) for key, value in node.items() if key != "$defs"}
        if isinstance(node, list):
            return [inline(item) for item in node]
        return node

    return inline(schema)  # type: ignore[return-value]


@lru_cache(maxsize=None)
def date_field_names(name: str = RECORD_SCHEMA) -> frozenset[str]:
    """Every field name that holds a date somewhere in the schema."""
    schema = load_schema(name)
    found: set[str] = set()

    def is_date(sub: dict) -> bool:
        if "$ref" in sub:
            sub = schema["$defs"][sub["$ref"].rsplit("/", 1)[-1]]
        return sub.get("format") == "date"

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key, sub in (node.get("properties") or {}).items():
                if isinstance(sub, dict) and is_date(sub):
                    found.add(key)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    return frozenset(found)


def misplaced_date_findings(document: object, timestamps: list[Pointer], name: str = RECORD_SCHEMA) -> list[Finding]:
    """An unquoted date where text is expected: YAML 1.1 readers see a date object there."""
    dates = date_field_names(name)
    findings = []
    for pointer in timestamps:
        if pointer and pointer[-1] in dates:
            continue
        value = document
        for part in pointer:
            value = value[part]  # the builder recorded this path in this very document
        findings.append(Finding(pointer, f"'{value}' is read as a date by YAML 1.1 readers; put it in quotes "
                                f"(\"{value}\") if you mean the text", "yaml"))
    return findings


def schema_findings(document: object, root: Node | None, name: str = RECORD_SCHEMA) -> list[Finding]:
    """Every schema error in ``document``, as findings with plain-English messages."""
    fast = fast_validator(name)
    if fast is not None and fast.is_valid(document):
        return []  # the common case, a hundred times cheaper; jsonschema explains the rest
    findings: dict[tuple, Finding] = {}
    for error in validator(name).iter_errors(document):
        for finding in _explain(error, root):
            # ``required`` fails once per missing field, each naming them all.
            findings.setdefault((finding.pointer, finding.message), finding)
    return list(findings.values())


# -- messages ---------------------------------------------------------------------

#: ``$defs.text`` and ``$defs.line`` (issue: control characters in a name forged lines of
#: output). A pattern ending in ``(?!\\n)$`` means the end of the text for every
#: validator: Python's ``$`` alone also matches before a final line break.
TEXT_PATTERN = "^[^\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f]*(?!\\n)$"
LINE_PATTERN = "^[^\\u0000-\\u001f\\u007f-\\u009f]*(?!\\n)$"

_PATTERN_HINTS = {
    "^[a-z0-9][a-z0-9-]{0,62}(?!\\n)$": "a record ID is lower-case letters, digits and hyphens (e.g. ab-16)",
    "^[a-z][a-z0-9]*(-[a-z0-9]+)*(?!\\n)$": "a role is lower-case words joined by hyphens (e.g. class-teacher)",
    "^[a-z][a-z0-9-]{0,31}(?!\\n)$": "an item ID is lower-case, like o1 or p2",
    "^https?://[^\\u0000-\\u0020\\u007f-\\u009f]+(?!\\n)$": "a link starts with https:// and holds no space",
    "^[A-Za-z0-9-]{1,20}(?!\\n)$": "letters, digits and hyphens, at most 20",
    "^[1-9][0-9]*/[a-z][a-z0-9-]{0,31}(?!\\n)$": "the cycle and the outcome's ID, like 2/o1",
    "^[A-Z][0-9]{11}[0-9A-Z](?!\\n)$": "a UPN is a capital letter, 11 digits and a check letter or digit",
    "^[^@\\s\\u0000-\\u001f\\u007f-\\u009f]+@[^@\\s\\u0000-\\u001f\\u007f-\\u009f]+(?!\\n)$":
        "an email address, like senco@school.example",
    TEXT_PATTERN: "text may hold line breaks and tabs but no other control character (such as ESC or NUL); "
                  "retype it, or delete the invisible character",
    LINE_PATTERN: "this is one line of text: no line break, tab or other control character",
}

#: Unknown keys of one mapping given a "did you mean" hint (difflib costs ~0.1 ms a key).
_HINTED_KEYS = 100

_TYPE_WORDS = {"string": "text", "integer": "a whole number", "number": "a number", "boolean": "true or false",
               "object": "a mapping of fields", "array": "a list", "null": "empty (null)"}


def _describe(value: object) -> str:
    """A short description of a value: never the whole of a mapping or list."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, (int, float)):
        return str(value)
    text = str(value)
    return repr(text if len(text) <= 60 else text[:57] + "...")


def _expected(schema_type: object) -> str:
    types = schema_type if isinstance(schema_type, list) else [schema_type]
    return " or ".join(_TYPE_WORDS.get(t, str(t)) for t in types)


def _explain(error, root: Node | None) -> list[Finding]:
    pointer: Pointer = tuple(error.absolute_path)
    keyword = error.validator
    value = error.instance

    if keyword == "additionalProperties" and isinstance(value, dict):
        known = list(error.schema.get("properties", {}))
        listing = f"; known fields here: {', '.join(known)}"
        findings = []
        for key in value:
            if key in known:
                continue
            # A near match is sought for the first few only: a file of thousands of
            # unknown keys is listed no further than that (checking.capped).
            close = difflib.get_close_matches(str(key), known, n=1) if len(findings) < _HINTED_KEYS else None
            hint = f" (did you mean '{close[0]}'?)" if close else listing
            findings.append(Finding((*pointer, key), f"unknown field '{key}'{hint}", "schema", at_key=True))
        return findings
    if keyword == "required":
        missing = error.validator_value
        absent = [name for name in missing if isinstance(value, dict) and name not in value]
        return [Finding((*pointer, name), f"the required field '{name}' is missing", "schema") for name in absent]
    if keyword == "type":
        return [Finding(pointer, _type_message(value, error.validator_value, root, pointer), "schema")]
    if keyword == "format":
        if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
            message = f"'{value}' is not a valid date"
        else:
            message = f"{_describe(value)} is not a date in the form YYYY-MM-DD"
        return [Finding(pointer, message, "schema")]
    if keyword == "enum":
        if all(isinstance(c, str) for c in error.validator_value) and not isinstance(value, str):
            return [Finding(pointer, _type_message(value, "string", root, pointer), "schema")]
        choices = [str(c) for c in error.validator_value]
        close = difflib.get_close_matches(str(value), choices, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        return [Finding(pointer, f"{_describe(value)} is not one of: {', '.join(choices)}{hint}", "schema")]
    if keyword == "const":
        return [Finding(pointer, f"{_describe(value)} should be {error.validator_value}", "schema")]
    if keyword == "pattern":
        hint = _PATTERN_HINTS.get(error.validator_value, f"it should match {error.validator_value}")
        return [Finding(pointer, f"{_describe(value)} is not valid: {hint}", "schema")]
    if keyword == "minLength":
        return [Finding(pointer, "must not be empty", "schema")]
    if keyword in ("minimum", "maximum"):
        word = "at least" if keyword == "minimum" else "at most"
        return [Finding(pointer, f"{_describe(value)} should be {word} {error.validator_value}", "schema")]
    return [Finding(pointer, f"{_describe(value)} is not valid here ({keyword})", "schema")]


def _type_message(value: object, wanted: object, root: Node | None, pointer: Pointer) -> str:
    from sendcli.store.loading import scalar_source

    expected = _expected(wanted)
    node = scalar_source(root, pointer)
    wants_text = wanted == "string" or (isinstance(wanted, list) and "string" in wanted)
    if node is not None and not node.style and wants_text:
        written = node.value
        if value is None:
            if written in ("", "~"):
                return f"no value is given; expected {expected}"
            return (f"'{written}' is read as empty (null) by YAML; put it in quotes (\"{written}\") "
                    "if you mean the text")
        return (f"{written} is read as {_TYPE_WORDS.get(_json_type(value), 'a value')} by YAML; "
                f"put it in quotes (\"{written}\") if you mean the text")
    return f"expected {expected}, found {_describe(value)}"


def _json_type(value: object) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    return "string"
