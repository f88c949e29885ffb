"""Writing records as YAML: the layout of docs/record.md, and text that stays text.

ruamel.yaml's round-trip mode keeps a file's comments, key order and quoting
through a write (docs/record.md, "Your file stays yours");
PyYAML would drop them. ruamel speaks YAML 1.2, where ``no`` is plain text,
so every string a YAML 1.1 reader would take for something else is written
in double quotes: the file means the same thing to every reader.
"""

from __future__ import annotations

import io
import re
from functools import lru_cache



from sendcli.store.scalars import STR, needs_quotes


class NewText(str):
    """Text the tool is writing (as opposed to text already in the file)."""


class Measurement(float):
    """A measure's number the tool is writing (a baseline, a target, a reading): 90.5, never 90.50."""


#: Fields that hold a measure's numbers rather than money.
MEASUREMENT_KEYS = frozenset({"baseline", "target", "value"})


#: Text written without quotes: letters, digits, spaces and gentle punctuation,
#: safe in block and flow context alike for every YAML reader. Anything else
#: (a ``?``, ``:``, ``#``, comma, bracket, quote...) is written double-quoted:
#: YAML 1.2 writers and 1.1 readers disagree on the corners of plain scalars.
_PLAIN_SAFE = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._/()+-]*(?<![ ])")


@lru_cache(maxsize=1)
def _record_representer():
    """ruamel.yaml's round-trip representer, with docs/record.md's conventions for what the tool writes."""
    from ruamel.yaml.representer import RoundTripRepresenter

    class RecordRepresenter(RoundTripRepresenter):
        def ignore_aliases(self, data: object) -> bool:
            return True  # no anchors for repeated values

    def represent_new_text(representer, text: str):
        plain = _PLAIN_SAFE.fullmatch(text) is not None and not needs_quotes(text)
        return representer.represent_scalar(STR, str(text), style=None if plain else '"')

    def represent_none(representer, _):
        return representer.represent_scalar("tag:yaml.org,2002:null", "null")

    def represent_float(representer, number: float):
        # Money (the only other decimals in a record): pounds and pence, 180.00.
        text = f"{number:.2f}" if round(number, 2) == number else repr(number)
        return representer.represent_scalar("tag:yaml.org,2002:float", text)

    def represent_measurement(representer, number: float):
        return representer.represent_scalar("tag:yaml.org,2002:float", repr(float(number)))

    # Only text the tool writes is re-styled; the file's own scalars keep theirs.
    RecordRepresenter.add_representer(NewText, represent_new_text)
    RecordRepresenter.add_representer(float, represent_float)
    RecordRepresenter.add_representer(Measurement, represent_measurement)
    RecordRepresenter.add_representer(type(None), represent_none)
    return RecordRepresenter


def _new_handler(mapping: int = 2, sequence: int = 4, offset: int = 2):
    """A ruamel.yaml round-trip instance; indentation is per file, so each write gets its own."""
    from ruamel.yaml import YAML

    handler = YAML(typ="rt")
    handler.Representer = _record_representer()
    handler.indent(mapping=mapping, sequence=sequence, offset=offset)
    handler.preserve_quotes = True
    handler.width = 1 << 30  # never fold a long line
    return handler


@lru_cache(maxsize=1)
def round_trip_yaml():
    """For new files: the layout of docs/record.md (mappings 2, sequences 4, dashes at 2)."""
    return _new_handler()


def dump_yaml(data: object, header: str | None = None) -> str:
    stream = io.StringIO()
    if header:
        stream.write(header + "\n")
    round_trip_yaml().dump(_as_new(data), stream)
    return stream.getvalue()


def _as_new(value):
    if isinstance(value, dict):
        return {key: _as_new(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_as_new(item) for item in value]
    return NewText(value) if type(value) is str else value





# -- round-trip edits -------------------------------------------------------------------

#: docs/record.md's key order: a key the tool adds goes where the layout puts it,
#: before the first existing key that the layout puts after it.
KEY_ORDER = {key: position for position, key in enumerate([
    "schema_version", "id", "created", "status", "child", "needs", "register", "people", "views", "meetings", "profile",
    "cycles", "ehc", "closed",
    "number", "opened", "stage", "history", "assess", "plan", "do", "review",
    "evidence", "summary",
    "agreed", "agreed_with", "review_date", "outcomes", "provision", "log",
    "date", "attendees", "progress", "decision", "next_steps",
    "entered", "left", "transferred",
    "meeting", "report_sent", "la_decision", "amended_plan",
])}
#: Mappings whose keys overlap others' (a cycle's review has a decision too).
KEY_ORDER_IN = {"ehc": {key: position for position, key in enumerate([
    "local_authority", "requested", "advice_requested", "advice_given", "decision", "not_issued", "draft_plan",
    "consultations", "final_plan", "planned_reviews", "reviews", "ceased", "existing_plan", "phase_transfer",
    "exceptions", "earlier_assessments"])},
    # An annual review meeting: what the setting's report says comes after the events.
    "reviews": {key: position for position, key in enumerate([
        "meeting", "report_sent", "la_decision", "amended_plan", "attendees", "advice_from", "changes",
        "recommendation"])}}

#: Lists whose items docs/record.md writes one per line in flow style.
FLOW_ITEM_LISTS = frozenset({"history", "views", "meetings", "evidence", "log", "progress", "people", "readings"})

_MAPPING_KEY_ALONE = re.compile(r"^( *)[A-Za-z_][\w-]*:[ \t]*(#.*)?$")
_MAPPING_KEY = re.compile(r"^( *)[A-Za-z_][\w-]*:")


def _guess_mapping_indent(text: str) -> int:
    lines = text.splitlines()
    for index, line in enumerate(lines[:-1]):
        parent = _MAPPING_KEY_ALONE.match(line)
        child = _MAPPING_KEY.match(lines[index + 1])
        if parent and child and len(child.group(1)) > len(parent.group(1)):
            return len(child.group(1)) - len(parent.group(1))
    return 2


def _guess_sequence_indent(text: str) -> tuple[int | None, int | None]:
    """(sequence indent, dash offset) of the first block sequence item, as ruamel's ``load_yaml_guess_indent``
    guesses them, from the text alone: that function also loads the whole document, which the edit loads
    again anyway (a second round-trip parse, most of a write command's time)."""
    key_indent = 0
    for line in text.splitlines():
        stripped = line.rstrip()
        if stripped.lstrip().startswith("- "):
            dash = len(stripped) - len(stripped.lstrip(" "))
            after = dash + 1
            while after < len(stripped) and stripped[after] == " ":
                after += 1
            if stripped[after:after + 1] == "#":  # a comment after the dash: look further
                continue
            return after - key_indent, dash - key_indent
        if stripped.endswith(":"):
            key_indent = len(line) - len(line.lstrip(" "))
    return None, None


def _round_trip_for(text: str):
    """A ruamel instance indenting as ``text`` does, so untouched lines stay byte-identical."""
    sequence_indent, dash_offset = _guess_sequence_indent(text)
    mapping_indent = _guess_mapping_indent(text)
    if sequence_indent is None or dash_offset is None:
        sequence_indent, dash_offset = mapping_indent + 2, mapping_indent
    return _new_handler(mapping_indent, sequence_indent, dash_offset)


_DOCUMENT_START = re.compile(r"\A((?:[ \t]*(?:#[^\n]*)?\n)*---[ \t]*(?:#[^\n]*)?\n)")
_DOCUMENT_END = re.compile(r"(\n\.\.\.[ \t]*(?:#[^\n]*)?\n(?:[ \t]*(?:#[^\n]*)?\n)*)\Z")


def apply_edits(text: str, edits) -> str:
    """Apply the core's edits to the YAML ``text``, keeping everything else as it was.

    What ruamel.yaml does not keep by itself is set aside and put back: a byte
    order mark, Windows line endings, and the lines around the document
    markers (``---`` with the comments above it, a closing ``...``).
    """
    bom = text.startswith("\ufeff")
    text = text.lstrip("\ufeff")
    crlf = "\r\n" in text
    text = text.replace("\r\n", "\n")
    head = _DOCUMENT_START.match(text)
    prefix = head.group(1) if head else ""
    tail = _DOCUMENT_END.search(text[len(prefix):])
    suffix = tail.group(1)[1:] if tail else ""
    body = text[len(prefix):len(text) - len(suffix)] if suffix else text[len(prefix):]
    handler = _round_trip_for(body)
    edited = _edited_in_place(body, edits, handler)
    if edited is None:
        edited = _round_trip(handler, body, edits)
    result = prefix + edited + suffix
    if crlf:
        result = result.replace("\n", "\r\n")
    return ("\ufeff" if bom else "") + result


def _round_trip(handler, text: str, edits) -> str:
    """``text`` loaded round-trip, edited, and written out again whole."""
    document = handler.load(text)
    for edit in edits:
        _apply(document, edit)
    stream = io.StringIO()
    handler.dump(document, stream)
    return stream.getvalue()


# -- the same edit, round-tripping only the part it touches -------------------------------
#
# ruamel.yaml's round-trip reader and writer are pure Python: a 12 KB record takes
# about 50 ms to load and 30 ms to write again, most of a write command's time. An
# edit touches one top-level field (``status``) or one item of a top-level list
# (the open cycle, ``cycles[2]``), and ruamel writes each top-level field, and each
# item of a block list, from that part of the file alone. So only that part is
# round-tripped, as a document of its own, and put back in its place; the other
# lines are the file's own bytes, as a whole round trip keeps them. Anything out
# of the ordinary (a key the edit adds at the top level, anchors, tags, a key not
# written plainly, a line this reading cannot place) goes the whole way round
# (tests/test_writing_narrow.py checks both ways give the same bytes).

#: A top-level key, written plainly, at the start of a line.
_TOP_LEVEL_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*):(?:[ ]|\n|\Z)")
#: What ties one part of a file to another (an anchor, an alias) or asks for a tag
#: or a merge: a part read alone could mean something else. Each can only start a
#: node (after a space, a line's start or ``[{,:``); a "!" ending a sentence cannot.
_NOT_ALONE = re.compile(r"(?:^|[\s\[{,:])[&*!]|<<|\t")


def _edited_in_place(text: str, edits, handler) -> str | None:
    """``text`` with ``edits`` applied by round-tripping only the parts they touch; None: go the whole way."""
    if not edits or not text.endswith("\n") or _NOT_ALONE.search(text):
        return None
    lines = text.splitlines(keepends=True)
    blocks = _top_level_blocks(lines)
    if blocks is None:
        return None
    by_key: dict[str, list] = {}
    for edit in edits:
        if not edit.path or not isinstance(edit.path[0], str) or edit.path[0] not in blocks:
            return None
        by_key.setdefault(edit.path[0], []).append(edit)
    replacements: list[tuple[int, int, str]] = []
    try:
        for key, key_edits in by_key.items():
            start, end = blocks[key]
            part = _list_item_part(lines, key, start, end, key_edits)
            if part is not None:
                item_start, item_end, item_edits = part
                written = _round_trip(handler, f"{key}:\n" + "".join(lines[item_start:item_end]), item_edits)
                if not written.startswith(f"{key}:\n"):
                    return None
                replacements.append((item_start, item_end, written[len(key) + 2:]))
            else:
                replacements.append((start, end, _round_trip(handler, "".join(lines[start:end]), key_edits)))
    except Exception:  # noqa: BLE001 - a part that cannot be read alone: the whole file is round-tripped
        return None
    for start, end, written in sorted(replacements, reverse=True):
        lines[start:end] = [written]
    return "".join(lines)


def _top_level_blocks(lines: list[str]) -> dict[str, tuple[int, int]] | None:
    """Each top-level key's lines, [start, end): from its line to the next top-level key's.

    Comment and blank lines belong to the part above them, as ruamel.yaml keeps
    them. None for any line at the left margin that is not a plain key, a comment
    or blank, and for a key written twice.
    """
    starts: list[tuple[str, int]] = []
    for number, line in enumerate(lines):
        if line[0] in " #\n":
            continue
        match = _TOP_LEVEL_KEY.match(line)
        if match is None:
            return None
        starts.append((match.group(1), number))
    blocks: dict[str, tuple[int, int]] = {}
    for position, (key, start) in enumerate(starts):
        if key in blocks:
            return None
        blocks[key] = (start, starts[position + 1][1] if position + 1 < len(starts) else len(lines))
    return blocks


def _list_item_part(lines: list[str], key: str, start: int, end: int, edits):
    """Where every edit is inside one item of the block list under ``key`` (``cycles[2].stage``): that
    item's lines and the edits as paths into a list of that item alone. None otherwise."""
    index = edits[0].path[1] if len(edits[0].path) > 2 else None
    if type(index) is not int or index < 0 or lines[start] != f"{key}:\n":
        return None
    if any(len(edit.path) < 3 or edit.path[1] != index or type(edit.path[1]) is not int for edit in edits):
        return None
    dash = None
    items: list[int] = []
    for number in range(start + 1, end):
        line = lines[number]
        stripped = line.lstrip(" ")
        if stripped[:1] in ("#", "\n", ""):
            continue
        indent = len(line) - len(stripped)
        if dash is None:
            if not stripped.startswith("- "):
                return None
            dash = indent
        if indent < dash:
            return None
        if indent == dash:
            if not stripped.startswith("- "):
                return None
            items.append(number)
    if index >= len(items):
        return None
    item_end = items[index + 1] if index + 1 < len(items) else end
    return items[index], item_end, [type(edit)(path=(key, 0, *edit.path[2:]), value=edit.value, append=edit.append)
                                    for edit in edits]


def _apply(document, edit) -> None:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    node = document
    context = None  # the key of the mapping being edited
    for key in edit.path[:-1]:
        if isinstance(node, list):
            node = node[key]
            continue
        if node.get(key) is None:
            _insert(node, key, CommentedMap(), context)
        node, context = node[key], key
    last = edit.path[-1]
    if not edit.append:
        if isinstance(node, list):
            node[last] = to_yaml_value(edit.value, last)
        elif last in node:
            node[last] = to_yaml_value(edit.value, last)
        else:
            _insert(node, last, to_yaml_value(edit.value, last), context)
        return
    sequence = node.get(last)
    scalar_item = not isinstance(edit.value, (dict, list))
    if sequence is None:
        sequence = CommentedSeq()
        if scalar_item:
            sequence.fa.set_flow_style()  # a new list of plain values: agreed_with: [parent, child]
        _insert(node, last, sequence, context)
    if not sequence and not scalar_item:
        sequence.fa.set_block_style()  # `views: []` becomes a block list once it has items
    sibling = sequence[-1] if sequence else None
    flow = sibling.fa.flow_style() if isinstance(sibling, CommentedMap) else last in FLOW_ITEM_LISTS
    sequence.append(to_yaml_value(edit.value, last, flow_items=flow, item=True))


def _insert(mapping, key: str, value, context: str | None = None) -> None:
    order = KEY_ORDER_IN.get(context, KEY_ORDER)
    rank = order.get(key)
    if rank is not None:
        for position, existing in enumerate(mapping):
            if order.get(existing, -1) > rank:
                mapping.insert(position, key, value)
                return
    _append_key(mapping, key, value)


def _append_key(mapping, key: str, value) -> None:
    """Add ``key`` at the end of ``mapping``, below the comment lines that end it.

    ruamel keeps the comment lines after a mapping's last entry (often a note
    about what comes next in the file) with that entry: a key added after it
    would be written below those lines, as if it belonged to the mapping
    further out. The lines move to the new last entry, so they stay where they
    were in the file.
    """
    last = next(reversed(list(mapping)), None)
    mapping[key] = value
    # Only below a one-line entry, and onto one: a block list or mapping would have the lines
    # written between its key and its items.
    one_line = not hasattr(value, "fa") or value.fa.flow_style()
    if last is None or hasattr(mapping[last], "ca") or last not in mapping.ca.items or not one_line:
        return
    comments = mapping.ca.items[last]
    if len(comments) > 2 and comments[2] is not None:
        mapping.ca.items[key] = [None, None, comments[2], None]
        comments[2] = None


def to_yaml_value(value, key, flow_items: bool | None = None, item: bool = False):
    """Plain data from the core as ruamel nodes in docs/record.md's layout.

    Lists of plain values are written in flow style (``agreed_with: [parent,
    child]``); lists of mappings one item per line, flow style for the
    kinds docs/record.md writes that way.
    """
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(value, dict):
        mapping = CommentedMap()
        for child_key, child_value in value.items():
            mapping[child_key] = to_yaml_value(child_value, child_key)
        if item and flow_items:
            mapping.fa.set_flow_style()
        return mapping
    if isinstance(value, list):
        sequence = CommentedSeq()
        scalars = all(not isinstance(v, (dict, list)) for v in value)
        for child in value:
            sequence.append(to_yaml_value(child, key, flow_items=key in FLOW_ITEM_LISTS, item=True))
        if scalars:
            sequence.fa.set_flow_style()
        else:
            sequence.fa.set_block_style()
        return sequence
    if type(value) is float and key in MEASUREMENT_KEYS:
        return int(value) if value.is_integer() else Measurement(value)  # 100, as typed; 90.5
    return NewText(value) if type(value) is str else value
