"""Reading a record's bytes into data, safely, with every hazard located.

docs/record.md's rules of the format, enforced here before any other code sees the
document:

- Safe loading only. libyaml (PyYAML's C parser) composes the node tree; we
  construct the values ourselves from the nodes, so no tag beyond the core
  schema is ever constructed (``!!python/...`` is refused, not run).
- Duplicate keys are errors (parsers silently keep the last: lost data).
- Aliases are allowed only while the document they expand to stays no larger
  than the file itself: an alias bomb is refused after reading at most as
  many nodes as the file has bytes.
- Strings stay strings: a plain scalar that YAML 1.1 readers take for a
  boolean or a number in an unusual notation (``no``, ``on``, ``1:30``,
  ``0123``, ``y``) is an error with its line, whatever our parser made of it.
- Dates stay the text the user wrote (``2026-09-10``); the schema checks
  them, so an impossible date is reported rather than crashing a parser.

Everything found is returned as values: :class:`Located` problems for the
file as a whole, and :class:`~sendcli.core.findings.Finding` values, located
by their pointer, for values inside the document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from sendcli.core.findings import ERROR, Finding, Pointer

try:  # libyaml's C parser: ~10x faster than the pure-Python one.
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

from sendcli.store.scalars import (  # noqa: F401 - shared with the fast reader; named here as ever
    BOOL, FAST_PATH_DEPTH, FLOAT, INT, MAP, MAX_DEPTH, MAX_PROBLEMS_LISTED, MAX_RECORD_BYTES, MERGE, NULL, SEQ, STR,
    TIMESTAMP, VALUE, _TAG, may_nest_deeper_than, needs_quotes,
)
from sendcli.store.scalars import READ_OTHERWISE_ELSEWHERE as _READ_OTHERWISE_ELSEWHERE

_SCALAR_TAGS = frozenset({STR, NULL, BOOL, INT, FLOAT, TIMESTAMP, VALUE})

_PLAIN_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_DECIMAL_INT = re.compile(r"[-+]?(0|[1-9][0-9]*)")
_DECIMAL_FLOAT = re.compile(r"[-+]?[0-9]+\.[0-9]*([eE][-+]?[0-9]+)?")


@dataclass(frozen=True)
class Located:
    """A problem with the file itself, at a known place (no document path)."""

    line: int
    column: int
    message: str
    rule: str
    severity: str = ERROR


@dataclass
class LoadedDocument:
    """What :func:`load_yaml` read: the data, its node tree and what was wrong."""

    data: object = None
    root: Node | None = None
    #: Problems with the file as such: encoding, syntax, size, tabs.
    located: list[Located] = field(default_factory=list)
    #: Problems at a place in the document: duplicate keys, tags, YAML 1.1 values.
    findings: list[Finding] = field(default_factory=list)
    #: Where an unquoted date stands (YAML 1.1 readers see a date object there).
    timestamps: list[Pointer] = field(default_factory=list)
    #: Findings whose place is known without walking the pointer, by ``id`` of the
    #: finding: each duplicate key at its own line (a pointer names only the last).
    places: dict[int, tuple[int, int]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.located and not any(f.severity == ERROR for f in self.findings)


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """The C loader; only its composer is used (values are built by :class:`_Builder`)."""


def load_yaml(raw: bytes) -> LoadedDocument:
    """Read one YAML file's bytes. Never raises for bad input."""
    result = LoadedDocument()
    if len(raw) > MAX_RECORD_BYTES:
        result.located.append(Located(1, 1, f"the file is {len(raw) / 1_048_576:.1f} MB; "
                                      f"records larger than {MAX_RECORD_BYTES // 1_048_576} MB are refused", "file"))
        return result
    text = _decode(raw, result)
    if text is None:
        return result
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        result.located.extend(_syntax_problems(error, text))
        return result
    except yaml.reader.ReaderError as error:  # a character YAML does not allow, without a mark
        offset = min(error.position, len(text))
        line = text.count("\n", 0, offset) + 1
        column = offset - (text.rfind("\n", 0, offset) + 1) + 1
        result.located.append(Located(line, column, f"the file holds the control character 0x{error.character:02x}, "
                                      "which YAML does not allow; delete it (it is usually invisible)", "file"))
        return result
    except yaml.YAMLError as error:
        result.located.append(Located(1, 1, f"YAML syntax: {type(error).__name__}", "yaml"))
        return result
    except RecursionError:
        result.located.append(Located(1, 1, "the YAML is nested too deeply to be a record", "yaml"))
        return result
    if root is None:
        result.located.append(Located(1, 1, "the file is empty: a record is a mapping of fields "
                                      "(schema_version, id, status, ...)", "file"))
        return result
    result.root = root
    # The budget is in characters of the built document: every node costs one
    # and every scalar its length. Without aliases a document never exceeds
    # twice its text (each node takes at least a character of it, and a
    # scalar's value is never longer than how it is written), so only an alias
    # that multiplies text can exhaust it: refused before anything downstream
    # (a validator, a report) copies it out.
    builder = _Builder(budget=2 * len(text) + 64)
    try:
        result.data = builder.build(root, ())
    except _Unreadable as stop:
        # The document cannot be built whole: report it like a syntax error,
        # at the alias that caused it, and check nothing else.
        line, column = _alias_position(text, root, stop.pointer, builder.first_seen, stop.at_alias)
        result.located.append(Located(line, column, stop.message, "yaml"))
        result.data = None
        return result
    result.findings.extend(builder.findings)
    result.timestamps = builder.timestamps
    result.places = builder.places
    if not isinstance(root, MappingNode) and not builder.findings:
        kind = "a list" if isinstance(root, SequenceNode) else "a single value"
        result.findings.append(Finding((), f"the file holds {kind}; a record is a mapping of fields "
                                       "(schema_version, id, status, ...)", "yaml"))
    return result


#: Said of a syntax error: the parser stops there, so nothing after it is known.
REST_NOT_CHECKED = "; the rest of the file is not checked until this is fixed"
_TAB_INDENTED = re.compile(r"^ *\t", re.MULTILINE)


def _syntax_problems(error: yaml.MarkedYAMLError, text: str) -> list[Located]:
    """The syntax error, and where the cause is a tab, every other line indented with one too."""
    first = _syntax_problem(error, text)
    if first.rule != "tab":
        return [first]
    others = [Located(line, 1, "a tab is used for indentation here too", "yaml")
              for line in (text.count("\n", 0, m.start()) + 1 for m in _TAB_INDENTED.finditer(text))
              if line != first.line]
    return [Located(first.line, first.column, first.message, "yaml"), *others]


def _syntax_problem(error: yaml.MarkedYAMLError, text: str) -> Located:
    mark = error.problem_mark or error.context_mark
    problem = error.problem or error.context or "the YAML could not be read"
    lines = text.splitlines()
    line_text = lines[mark.line] if mark and mark.line < len(lines) else ""
    if "\t" in line_text[: len(line_text) - len(line_text.lstrip())]:
        # rule "tab" only until _syntax_problems has seen it: it reports a YAML problem.
        return Located(mark.line + 1, 1, "a tab is used for indentation; YAML indents with spaces only"
                       + REST_NOT_CHECKED, "tab")
    context = error.context or ""
    if context.startswith(("while parsing a flow sequence", "while parsing a flow mapping")) \
            and error.context_mark is not None:
        # An unclosed [ or {: the place it opened is where the fix goes.
        opened = error.context_mark
        what = "[ list" if "sequence" in context else "{ mapping"
        return Located(opened.line + 1, opened.column + 1, f"YAML syntax: the {what} opened here is not "
                       f"closed properly ({problem}, line {mark.line + 1})" + REST_NOT_CHECKED, "yaml")
    message = f"{problem} ({context})" if context and error.problem else problem
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    return Located(line, column, f"YAML syntax: {message}" + REST_NOT_CHECKED, "yaml")


def _decode(raw: bytes, result: LoadedDocument) -> str | None:
    if not raw.strip():
        result.located.append(Located(1, 1, "the file is empty: a record is a mapping of fields "
                                      "(schema_version, id, status, ...)", "file"))
        return None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        result.located.append(Located(1, 1, "the file is saved as UTF-16; save it as UTF-8", "file"))
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        result.located.append(Located(line, column, f"byte 0x{raw[error.start]:02x} is not UTF-8 text; "
                                      "save the file as UTF-8", "file"))
        return None
    if text.startswith("\ufeff"):  # a byte order mark some Windows editors add
        text = text[1:]
    if "\x00" in text:
        offset = text.index("\x00")
        line = text.count("\n", 0, offset) + 1
        result.located.append(Located(line, offset - text.rfind("\n", 0, offset), "the file holds a NUL byte: "
                                      "it is not a text file", "file"))
        return None
    return text


class _Unreadable(Exception):
    """The document cannot be built: an alias bomb, a recursive alias, absurd nesting."""

    def __init__(self, pointer: Pointer, message: str, at_alias: bool) -> None:
        super().__init__(message)
        self.pointer, self.message, self.at_alias = pointer, message, at_alias


class _Builder:
    """Builds Python values from a composed node tree, finding hazards on the way."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.findings: list[Finding] = []
        #: Where each node was first built: a node met again elsewhere is met through an alias.
        self.first_seen: dict[int, Pointer] = {}
        self.timestamps: list[Pointer] = []
        self.places: dict[int, tuple[int, int]] = {}
        self._open: set[int] = set()

    def build(self, node: Node, pointer: Pointer) -> object:
        self.budget -= 1 + len(node.value) if isinstance(node, ScalarNode) else 1
        if self.budget < 0:
            raise _Unreadable(pointer, "anchors and aliases (& and *) expand this file far beyond its size "
                              "(an alias bomb); write the values out", at_alias=True)
        if len(pointer) > MAX_DEPTH:
            raise _Unreadable(pointer, f"the YAML is nested more than {MAX_DEPTH} levels deep", at_alias=False)
        self.first_seen.setdefault(id(node), pointer)
        if isinstance(node, ScalarNode):
            return self._scalar(node, pointer)
        if id(node) in self._open:
            raise _Unreadable(pointer, "an alias refers to the mapping or list that contains it", at_alias=True)
        self._open.add(id(node))
        try:
            if isinstance(node, SequenceNode):
                self._check_tag(node, SEQ, pointer)
                return [self.build(item, (*pointer, index)) for index, item in enumerate(node.value)]
            self._check_tag(node, MAP, pointer)
            return self._mapping(node, pointer)
        finally:
            self._open.discard(id(node))

    def _check_tag(self, node: Node, expected: str, pointer: Pointer) -> bool:
        if node.tag == expected:
            return True
        self.findings.append(Finding(pointer, f"the YAML tag '{_short_tag(node.tag)}' is not allowed: records "
                                     "hold only text, numbers, dates, lists and mappings", "yaml"))
        return False

    def _mapping(self, node: MappingNode, pointer: Pointer) -> dict:
        mapping: dict = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag == MERGE:
                self.findings.append(Finding((*pointer, key_node.value), "merge keys (<<) are not allowed in "
                                             "records; write the fields out", "yaml", at_key=True))
                continue
            if not isinstance(key_node, ScalarNode) or key_node.tag not in (STR, INT, BOOL, NULL, FLOAT, TIMESTAMP):
                self.findings.append(Finding(pointer, "a key must be plain text", "yaml"))
                continue
            key = key_node.value
            self.budget -= 1 + len(key)
            if key_node.tag != STR:
                self.findings.append(Finding((*pointer, key), f"the key '{key}' is read as a "
                                             f"{_kind(key_node.tag)}; keys are lower-case text", "yaml",
                                             at_key=True))
            if key in mapping:
                duplicate = Finding((*pointer, key), f"duplicate key '{key}' (first at line "
                                    f"{first_line[key]}); YAML would keep only the last one", "yaml", at_key=True)
                self.findings.append(duplicate)
                self.places[id(duplicate)] = _position(key_node)
                # Keep the first: the finding points at the second, which is the one to remove.
                continue
            first_line[key] = key_node.start_mark.line + 1
            mapping[key] = self.build(value_node, (*pointer, key))
        return mapping

    def _scalar(self, node: ScalarNode, pointer: Pointer) -> object:
        tag, text = node.tag, node.value
        if tag not in _SCALAR_TAGS:
            self._check_tag(node, STR, pointer)
            return text
        plain = not node.style  # libyaml gives "" for plain scalars, PyYAML None
        if tag in (STR, VALUE, TIMESTAMP):
            # Timestamps stay text: the schema's date format checks them, and the
            # checker flags those standing where text is expected.
            if tag == TIMESTAMP:
                self.timestamps.append(pointer)
            elif plain and tag == VALUE:  # a lone '=': PyYAML's own safe_load cannot read it
                self._ambiguous(pointer, text, "is a YAML 1.1 'value' key that other readers refuse")
            elif plain and tag == STR and _READ_OTHERWISE_ELSEWHERE.fullmatch(text):
                why = ("means true or false to YAML 1.1 readers" if text in "yYnN"
                       else "is read as a number by YAML 1.2 readers")
                self._ambiguous(pointer, text, why)
            return text
        if tag == NULL:
            return None
        if tag == BOOL:
            if text in _PLAIN_BOOLS:
                return _PLAIN_BOOLS[text]
            self._ambiguous(pointer, text, "means true or false to YAML 1.1 readers and plain text to others")
            return text.lower() in ("yes", "on", "y")
        if tag == INT:
            if _DECIMAL_INT.fullmatch(text):
                return int(text)
            self._ambiguous(pointer, text, "is read as a number in an unusual notation (octal, sexagesimal "
                            "or hexadecimal) by YAML 1.1 readers")
            return text
        # FLOAT
        if _DECIMAL_FLOAT.fullmatch(text):
            return float(text)
        self._ambiguous(pointer, text, "is read as an unusual number (infinity, not-a-number or "
                        "sexagesimal) by YAML 1.1 readers")
        return text

    def _ambiguous(self, pointer: Pointer, text: str, why: str) -> None:
        self.findings.append(Finding(pointer, f"'{text}' {why}; put it in quotes (\"{text}\") if you mean the "
                                     "text, or write the value plainly", "yaml"))


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_TAG):] if tag.startswith(_TAG) else tag


def _kind(tag: str) -> str:
    return {INT: "number", FLOAT: "number", BOOL: "boolean", NULL: "null", TIMESTAMP: "date"}.get(tag, "value")


def _alias_position(text: str, root: Node, pointer: Pointer, first_seen: dict[int, Pointer],
                    at_alias: bool) -> tuple[int, int]:
    """Where the alias behind an unreadable document stands in the text.

    An alias shares its anchor's node, so the node tree cannot tell where the
    alias itself is written: find the outermost place on ``pointer`` reached
    through an alias, then the parser event at that place.
    """
    target = pointer
    if at_alias:
        node: Node | None = root
        for depth, part in enumerate(pointer, start=1):
            node = _child(node, part)
            if node is None:
                break
            if first_seen.get(id(node)) != pointer[:depth]:
                target = pointer[:depth]
                break
    return _event_position(text, target) or locate(root, pointer)


def _child(node: Node | None, part: object) -> Node | None:
    if isinstance(node, MappingNode):
        return next((v for k, v in node.value if isinstance(k, ScalarNode) and k.value == part), None)
    if isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
        return node.value[part]
    return None


def _event_position(text: str, target: Pointer) -> tuple[int, int] | None:
    """1-based position of the parser event (an alias included) at ``target``."""
    frames: list[list] = []  # [is_sequence, index or key, expecting_a_key]
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            frames.pop()
            _advance(frames)
            continue
        if not isinstance(event, yaml.NodeEvent):
            continue
        if frames and not frames[-1][0] and frames[-1][2]:
            frames[-1][1] = getattr(event, "value", None)
            frames[-1][2] = False
            if isinstance(event, yaml.CollectionStartEvent):
                frames.append([isinstance(event, yaml.SequenceStartEvent), 0, True])
            continue
        if tuple(frame[1] for frame in frames) == target:
            return event.start_mark.line + 1, event.start_mark.column + 1
        if isinstance(event, yaml.CollectionStartEvent):
            frames.append([isinstance(event, yaml.SequenceStartEvent), 0, True])
        else:
            _advance(frames)
    return None


def _advance(frames: list[list]) -> None:
    if frames:
        if frames[-1][0]:
            frames[-1][1] += 1
        else:
            frames[-1][2] = True


# -- locating a pointer in the node tree -------------------------------------------

def locate(root: Node | None, pointer: Pointer, at_key: bool = False) -> tuple[int, int]:
    """1-based line and column of the value at ``pointer`` in the node tree.

    Walks the composed tree along the pointer. Where the path ends at a value,
    its position; with ``at_key``, the key's; where the path leaves the tree (a
    missing field), the key of the deepest mapping reached, else its start.
    (For many findings in one file, :class:`Locator` does the same in linear time.)
    """
    return Locator(root).locate(pointer, at_key)


class Locator:
    """:func:`locate` for every finding of one file, each mapping's keys indexed once.

    Walking a mapping's keys for each finding cost quadratic time: 20,000
    duplicate keys took 26 s. Each mapping met is indexed on first use.
    """

    def __init__(self, root: Node | None) -> None:
        self.root = root
        #: id of a mapping node -> key -> (first key node, its value, last key node of that name).
        self._keys: dict[int, dict[object, tuple[Node, Node, Node]]] = {}

    def _index(self, node: MappingNode) -> dict[object, tuple[Node, Node, Node]]:
        index = self._keys.get(id(node))
        if index is None:
            index = {}
            for key_node, value_node in node.value:
                if isinstance(key_node, ScalarNode):
                    known = index.get(key_node.value)
                    index[key_node.value] = (known[0], known[1], key_node) if known else \
                        (key_node, value_node, key_node)
            self._keys[id(node)] = index
        return index

    def locate(self, pointer: Pointer, at_key: bool = False) -> tuple[int, int]:
        if self.root is None:
            return 1, 1
        node: Node = self.root
        owning_key: Node | None = None
        last = len(pointer) - 1
        for index, part in enumerate(pointer):
            child: Node | None = None
            key_node: Node | None = None
            if isinstance(node, MappingNode):
                found = self._index(node).get(part)
                if found is not None:
                    # The last part with at_key: a duplicate key is reported at its last appearance.
                    key_node = found[2] if index == last and at_key else found[0]
                    child = found[1]
            elif isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
                child = node.value[part]
            if child is None:
                return _position(owning_key or node)
            if index == last and at_key and key_node is not None:
                return _position(key_node)
            node, owning_key = child, key_node
        return _position(node)


def _position(node: Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def scalar_source(root: Node | None, pointer: Pointer) -> ScalarNode | None:
    """The scalar node at ``pointer``, for messages that quote what the user wrote."""
    node = root
    for part in pointer:
        if isinstance(node, MappingNode):
            node = next((v for k, v in node.value if isinstance(k, ScalarNode) and k.value == part), None)
        elif isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            node = node.value[part]
        else:
            return None
    return node if isinstance(node, ScalarNode) else None
