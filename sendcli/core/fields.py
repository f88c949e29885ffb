"""One field of a record by its dotted path, for ``sendcli set`` (no files, no clock).

A path names fields with dots and list items in brackets::

    needs.summary
    child.year_group
    profile.important_to_me[2]
    cycles[-1].plan.outcomes[o2].criteria
    cycles[-1].review.progress[o1].text

A list item is named by its position counted from 1 (``cycles[2]`` is the
second cycle, which is cycle 2), by ``-1`` for the last (``-2`` the one
before), or by its ID where items have one (an outcome's or provision's
``id``; a review's progress by the outcome it rates).

Everything is checked in two steps, so that a mistake is told apart from a
refusal (README, "Exit codes"):

- :func:`parse_field` and :func:`convert_value` need only the schema: a name
  the schema does not know, or a value of the wrong shape (a date that is
  not ``YYYY-MM-DD``, a word outside a field's fixed list) is a malformed
  value, exit 2, with the nearest names;
- :func:`set_field` needs the record: an item that is not there (cycle 5 of a
  record with two, outcome ``o9``) or a field the tool keeps itself is a
  refusal, exit 1.

The edge then applies the edit round-trip and checks the whole record again
before anything is written.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import date

from sendcli.core.dates import parse_iso_date
from sendcli.core.workflow import Change, Edit, Refusal

_SEGMENT = re.compile(r"([a-z_][a-z0-9_]*)((?:\[[^\[\]]*\])*)")
_SUBSCRIPT = re.compile(r"\[([^\[\]]*)\]")
_POSITION = re.compile(r"-?\d+")

#: Fields the tool keeps itself, and the command that changes each: the gates
#: of the graduated approach and of the EHC process are in those commands.
KEPT_BY_COMMANDS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("id",), "the record's ID is its file name; it never changes"),
    (("schema_version",), "the format version changes only through a migration"),
    (("created",), "the day the record arrived is written by new and import"),
    (("status",), "the status follows the process: sendcli cycle open, cycle review, ehc existing, "
                  "ehc final, ehc ceased, close"),
    (("cycles", "*", "number"), "cycle numbers are written by sendcli cycle open"),
    (("cycles", "*", "opened"), "a cycle's opening date is written by sendcli cycle open"),
    (("cycles", "*", "stage"), "stages move through sendcli cycle advance and cycle review"),
    (("cycles", "*", "history"), "the history records each move as the tool made it"),
    (("cycles", "*", "from_cycle"), "sendcli cycle review notes the cycle a new one continues"),
    (("cycles", "*", "plan", "outcomes", "*", "carried_from"), "sendcli cycle review notes what it carried over"),
    (("cycles", "*", "plan", "provision", "*", "carried_from"), "sendcli cycle review notes what it carried over"),
    (("cycles", "*", "review", "decision"), "the decision is recorded by sendcli cycle review"),
    (("cycles", "*", "review", "date"), "the review's date is recorded by sendcli cycle review"),
    (("closed",), "sendcli close records why and when a record was closed"),
    (("ehc",), "EHC events are recorded in order through sendcli ehc EVENT"),
)
#: ...except these, which no command writes: the authority's name, and what the setting's
#: annual review report says of a review meeting (who took part, who gave advice, what should
#: change, its recommendation to the authority: CoP 9.176).
FREE_UNDER_KEPT: tuple[tuple[str, ...], ...] = (
    ("ehc", "local_authority"),
    *(("ehc", "reviews", "*", name) for name in ("attendees", "advice_from", "changes", "recommendation")),
)

#: Lists whose items are mappings that a command adds (with their dates and checks).
ADDED_BY_COMMANDS = {
    "people": "sendcli add person", "views": "sendcli add view", "meetings": "sendcli add meeting",
    "evidence": "sendcli add evidence", "log": "sendcli add note", "outcomes": "sendcli add outcome",
    "provision": "sendcli add provision", "cycles": "sendcli cycle open", "progress": "sendcli cycle review",
    "readings": "sendcli add reading",
}


@dataclass(frozen=True)
class Step:
    """One step of a path: a field name, or a list item (by position or ID)."""

    name: str | None = None
    position: int | None = None
    item_id: str | None = None

    def shown(self) -> str:
        if self.name is not None:
            return self.name
        return f"[{self.position if self.position is not None else self.item_id}]"


@dataclass(frozen=True)
class FieldSpec:
    """A path the schema knows, and the schema of what it names."""

    text: str
    steps: tuple[Step, ...]
    schema: dict
    #: The schema of each list named by an item step, by step index (to find items by ID).
    item_keys: dict = field(default_factory=dict)

    @property
    def kind(self) -> str:
        return schema_kind(self.schema)


@dataclass(frozen=True)
class Malformed:
    """A path or value that cannot mean anything: exit 2."""

    message: str


def _definitions(root: dict) -> dict:
    return root.get("$defs") or {}


def resolve(schema: dict, root: dict) -> dict:
    """``schema`` with its ``$ref`` to ``#/$defs/...`` followed (one level, as the record schema uses)."""
    while isinstance(schema, dict) and "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        rest = {key: value for key, value in schema.items() if key != "$ref"}
        schema = {**_definitions(root).get(name, {}), **rest}
    return schema


def _types(schema: dict) -> set[str]:
    kind = schema.get("type")
    if isinstance(kind, list):
        return set(kind)
    if isinstance(kind, str):
        return {kind}
    if "enum" in schema:
        return {"enum"}
    if "const" in schema:
        return {"const"}
    return set()


def schema_kind(schema: dict) -> str:
    """object, array, enum, date, string, integer, number, boolean (null aside)."""
    types = _types(schema) - {"null"}
    if "object" in types:
        return "object"
    if "array" in types:
        return "array"
    if "enum" in schema:
        return "enum"
    if "string" in types:
        return "date" if schema.get("format") == "date" else "string"
    for kind in ("integer", "number", "boolean"):
        if kind in types:
            return kind
    return "other"


def nullable(schema: dict) -> bool:
    return "null" in _types(schema)


def nearest(name: str, names: list[str]) -> list[str]:
    return difflib.get_close_matches(name, names, n=3, cutoff=0.6)


def _unknown_name(name: str, where: str, names: list[str]) -> Malformed:
    close = nearest(name, names)
    place = f"{where}." if where else ""
    hint = f"; did you mean {' or '.join(place + n for n in close)}?" if close else ""
    level = f"{where} has" if where else "a record has"
    return Malformed(f"no field '{place}{name}' in the record format{hint} ({level}: {', '.join(names)})")


def parse_field(text: str, schema: dict) -> FieldSpec | Malformed:
    """The steps of ``text`` and the schema of what it names; an unknown name with the nearest ones."""
    raw = text.strip()
    if not raw:
        return Malformed("give a field, such as needs.summary or child.year_group")
    steps: list[Step] = []
    item_keys: dict[int, str] = {}
    node = schema
    walked = ""
    for part in raw.split("."):
        match = _SEGMENT.fullmatch(part)
        if match is None:
            return Malformed(f"'{raw}' is not a field path: names in lower case joined by dots, list items "
                             "in brackets (cycles[-1].plan.outcomes[o2].criteria)")
        name, subscripts = match.group(1), match.group(2)
        node = resolve(node, schema)
        if schema_kind(node) == "array":
            return Malformed(f"{walked} is a list: name one of its items, such as {walked}[-1]")
        if schema_kind(node) != "object":
            return Malformed(f"{walked} is a single value; it has no field '{name}'")
        properties = node.get("properties") or {}
        if name not in properties:
            return _unknown_name(name, walked, list(properties))
        steps.append(Step(name=name))
        walked = f"{walked}.{name}" if walked else name
        node = resolve(properties[name], schema)
        for subscript in _SUBSCRIPT.findall(subscripts):
            if schema_kind(node) != "array":
                return Malformed(f"{walked} is not a list; it has no item [{subscript}]")
            items = resolve(node.get("items") or {}, schema)
            subscript = subscript.strip()
            if _POSITION.fullmatch(subscript):
                position = int(subscript)
                if position == 0:
                    return Malformed(f"{walked}[0]: list items are counted from 1 (the last is -1)")
                steps.append(Step(position=position))
            else:
                key = _item_key(items)
                if key is None:
                    return Malformed(f"the items of {walked} have no IDs: name one by its position, "
                                     f"such as {walked}[1] or {walked}[-1]")
                if not re.fullmatch(r"[a-z][a-z0-9-]{0,31}", subscript):
                    return Malformed(f"'{subscript}' is not an ID (such as o2 or p1) nor a position")
                item_keys[len(steps)] = key
                steps.append(Step(item_id=subscript))
            walked = f"{walked}[{subscript}]"
            node = items
    return FieldSpec(raw, tuple(steps), resolve(node, schema), item_keys)


def _item_key(items: dict) -> str | None:
    """The key that names a list's items: an ``id``, else the outcome a progress entry rates."""
    properties = items.get("properties") or {}
    return next((key for key in ("id", "outcome") if key in properties), None)


def convert_value(spec: FieldSpec, value: str, adding: bool = False) -> object | Malformed:
    """The typed value for ``spec`` (or for an item of it, ``adding``): text stays text."""
    schema = spec.schema
    where = spec.text
    if adding:
        if spec.kind != "array":
            return Malformed(f"{where} is not a list: set it without --add")
        schema = spec.schema.get("items") or {}
        where = f"an item of {where}"
    kind = schema_kind(schema)
    last = _names(spec)[-1]
    if adding and kind == "object" and last in ADDED_BY_COMMANDS:
        return Malformed(f"{spec.text}: items are added with {ADDED_BY_COMMANDS[last]}")
    if _names(spec)[:2] in (("needs", "primary"), ("needs", "secondary")) and kind == "string":
        return need_code(value, where)
    if kind == "object" or (adding and kind == "array"):
        return Malformed(f"{where} is a group of fields: set one of them "
                         f"({', '.join(f'{spec.text}.{n}' for n in schema.get('properties') or {})})")
    if kind == "array":
        return Malformed(f"{spec.text} is a list: add an item with --add VALUE, change one with "
                         f"{spec.text}[N], or take one out with --remove VALUE")
    if value == "" and nullable(schema):
        return None
    if kind == "date":
        day = parse_iso_date(value)
        if day is None:
            return Malformed(f"{where} is a date: '{value}' is not a date in the form YYYY-MM-DD")
        return day
    if kind == "enum":
        return _choice(value, [v for v in schema["enum"] if v is not None], where)
    # Plain ASCII digits only: Python's int() and float() also read other scripts' digits ("٣" as 3)
    # and "1_0" as 10, a number other than the one the user sees typed.
    if kind == "integer":
        if not re.fullmatch(r"\s*[0-9]+\s*", value):
            return Malformed(f"{where} is a whole number: '{value}' is not one")
        return _within_bounds(int(value), value, schema, where)
    if kind == "number":
        if not re.fullmatch(r"\s*-?[0-9]+(\.[0-9]+)?\s*", value):
            return Malformed(f"{where} is an amount such as 180.00, in digits: '{value}' is not one")
        return _within_bounds(float(value), value, schema, where)
    if kind == "boolean":
        words = {"yes": True, "true": True, "no": False, "false": False}
        if value.strip().lower() not in words:
            return Malformed(f"{where} is yes or no: '{value}' is neither")
        return words[value.strip().lower()]
    return value  # text stays text: "6", "No", "01234 567890"


def _within_bounds(number: int | float, typed: str, schema: dict, where: str) -> int | float | Malformed:
    """The number, where the schema's minimum and maximum allow it (a measure's thousand million
    either way, a week's 10080 minutes): past them it is a malformed value, told before the write."""
    low, high = schema.get("minimum"), schema.get("maximum")
    if low is not None and number < low:
        return Malformed(f"{where} should be at least {low}: '{typed.strip()}' is less")
    if high is not None and number > high:
        return Malformed(f"{where} should be at most {high}: '{typed.strip()}' is more")
    return number


def _names(spec: FieldSpec) -> tuple[str, ...]:
    return tuple(step.name for step in spec.steps if step.name is not None)


@dataclass(frozen=True)
class NeedCode:
    """A census need code found from what was typed, and what to tell the user about it."""

    code: str
    note: str | None = None


def need_code(value: str, where: str) -> NeedCode | Malformed:
    """A need as people type it ("dyslexia", "autism", "SLCN") → its census code (docs/rules.md,
    "Census codes": descriptions map to codes; an unknown word is refused with the nearest codes)."""
    from sendcli.core.codes import resolve_need

    match = resolve_need(value)
    if match.code is None:
        close = f"; nearest: {', '.join(match.nearest)}" if match.nearest else ""
        return Malformed(f"{where}: '{value}' is not a census need code or a description of one{close}")
    return NeedCode(match.code, match.note)


def _choice(value: str, allowed: list, where: str) -> object | Malformed:
    wanted = value.strip()
    if wanted in allowed:
        return wanted
    # Year groups as people write them: "Year 6", "y6", "r".
    words = {str(option).lower(): option for option in allowed}
    simplified = re.sub(r"^(year|yr|y)\s*", "", wanted.lower()) if wanted.lower() not in words else wanted.lower()
    if simplified in words:
        return words[simplified]
    close = nearest(wanted, [str(option) for option in allowed])
    hint = f"; did you mean {' or '.join(close)}?" if close else ""
    return Malformed(f"{where} is one of {', '.join(str(o) for o in allowed)}: '{value}' is not{hint}")


# -- against the record ------------------------------------------------------------------

def _kept(steps: tuple[Step, ...]) -> str | None:
    names = tuple("*" if step.name is None else step.name for step in steps)
    for pattern in FREE_UNDER_KEPT:
        if len(names) >= len(pattern) and all(p in ("*", n) for p, n in zip(pattern, names)):
            return None
    for pattern, why in KEPT_BY_COMMANDS:
        if len(names) >= len(pattern) and all(p in ("*", n) for p, n in zip(pattern, names)):
            return why
    return None


def _locate(record: dict, spec: FieldSpec) -> tuple[tuple, object] | Refusal:
    """The concrete path of ``spec`` in ``record`` (keys and 0-based indexes) and the value there."""
    path: list = []
    shown = ""
    node: object = record
    for index, step in enumerate(spec.steps):
        if step.name is not None:
            path.append(step.name)
            shown = f"{shown}.{step.name}" if shown else step.name
            node = node.get(step.name) if isinstance(node, dict) else None
            continue
        items = node if isinstance(node, list) else []
        if step.position is not None:
            count = len(items)
            if not -count <= step.position <= count:
                have = f"it has {count}" if count else "it is empty"
                return Refusal([f"{shown} has no item {step.position} ({have})"])
            position = step.position - 1 if step.position > 0 else count + step.position
        else:
            key = spec.item_keys[index]
            found = [i for i, item in enumerate(items) if isinstance(item, dict) and item.get(key) == step.item_id]
            if not found:
                ids = [str(item.get(key)) for item in items if isinstance(item, dict)]
                have = f": {', '.join(ids)}" if ids else " (it is empty)"
                return Refusal([f"{shown} has no item '{step.item_id}'{have}"])
            position = found[0]
        path.append(position)
        shown = f"{shown}{step.shown()}"
        node = items[position]
    return tuple(path), node


@dataclass(frozen=True)
class SetRequest:
    """What ``sendcli set`` was asked: one of a value, an item to add, or an item to take out."""

    spec: FieldSpec
    value: object = None
    add: bool = False
    remove: bool = False


def set_field(record: dict, request: SetRequest) -> Change | Refusal:
    """The edit that sets (adds to, takes from) the field; refused where the item is not there,
    or where a command keeps the field."""
    spec = request.spec
    kept = _kept(spec.steps)
    if kept:
        return Refusal([f"{spec.text} is not set by hand: {kept}"])
    located = _locate(record, spec)
    if isinstance(located, Refusal):
        return located
    path, current = located
    if (unmeasured := _unmeasured_outcome(record, path)) is not None:
        return unmeasured
    warnings = _agreed_plan_warning(record, path)
    if request.add:
        if isinstance(current, list) and request.value in current:
            return Refusal([f"{spec.text} already holds '{request.value}'"])
        return Change([Edit(path, request.value, append=True)], f"{spec.text}: added", warnings=warnings)
    if request.remove:
        items = current if isinstance(current, list) else []
        if request.value not in items:
            have = f": {', '.join(map(str, items))}" if items else " (it is empty)"
            return Refusal([f"{spec.text} holds no '{request.value}'{have}"])
        kept_items = [item for item in items if item != request.value]
        return Change([Edit(path, kept_items)], f"{spec.text}: removed", warnings=warnings)
    if current == request.value or (isinstance(request.value, date) and parse_iso_date(current) == request.value):
        return Change([], f"{spec.text}: unchanged", warnings=warnings)
    return Change([Edit(path, request.value)], f"{spec.text} set", warnings=warnings)


def _unmeasured_outcome(record: dict, path: tuple) -> Refusal | None:
    """A field of a measure the outcome does not have: a measure is given whole (a baseline without a
    target measures nothing), by ``sendcli add measure``."""
    if len(path) != 7 or path[0] != "cycles" or path[2:4] != ("plan", "outcomes") or path[5] != "measure":
        return None
    cycles = record.get("cycles") or []
    outcome = cycles[path[1]]["plan"]["outcomes"][path[4]]
    if outcome.get("measure") is not None:
        return None
    cycle = "" if path[1] == len(cycles) - 1 else f" --cycle {cycles[path[1]].get('number')}"
    return Refusal([f"outcome {outcome.get('id')} has no measure to change: give it one whole with sendcli add "
                    f"measure {record.get('id')} {outcome.get('id')} --measure NAME --baseline V --target V"
                    f"{cycle}"])


def _agreed_plan_warning(record: dict, path: tuple) -> list[str]:
    """Outcomes and provision change with the family once a plan is agreed (docs/rules.md: the plan is
    agreed with the family at plan → do): say so, without refusing."""
    if len(path) < 4 or path[0] != "cycles" or path[2] != "plan" or path[3] not in ("outcomes", "provision"):
        return []
    cycles = record.get("cycles") or []
    cycle = cycles[path[1]] if isinstance(path[1], int) and path[1] < len(cycles) else {}
    agreed = (cycle.get("plan") or {}).get("agreed")
    if not agreed:
        return []
    return [f"cycle {cycle.get('number')}'s plan was agreed on {agreed}: tell the family what changed"]
