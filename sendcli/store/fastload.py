"""The fast reader for the common case: a clean record, read by a Rust YAML parser.

:func:`sendcli.store.loading.load_yaml` is the *precise* reader: libyaml's node
tree, every hazard of docs/record.md found and located. It costs about twice a bare
parse. Most records in a casebook have no hazard at all, and for them the
Rust parser yaml-rs builds the very same data four times faster (bench/README.md,
"Speed").

The contract of :func:`fast_load`, tested by a differential property test
(``tests/test_fastload.py``): it returns data only when the precise reader
would return **exactly that data with no finding at all**; otherwise None, and
the caller reads the file the precise way. So it answers None for anything
suspicious, whether or not it is harmful:

- anything yaml-rs refuses, and a document that is not a mapping;
- a file without a final line break, and an empty block scalar (``a: >``):
  yaml-rs and PyYAML end block scalars differently there;
- characters YAML or the precise reader treat specially: tabs, control
  characters, Unicode line separators, byte order marks inside the text;
- anchors and aliases (``&``, ``*``), tags (``!``), merge keys (``<<``) and
  directives (``%``): the precise reader bounds, refuses or reports them;
- nesting deeper than a record's (:func:`~sendcli.store.loading.may_nest_deeper_than`):
  yaml-rs recurses once per level and a deep enough file overflows its stack
  (a segfault, not an error), so this is judged before yaml-rs sees the text;
- text starting with a character PyYAML refuses at the start of a value in a
  flow mapping or list (``|``, ``>``, ``?``, ``:``): yaml-rs reads
  ``{text: >90%}`` as text, PyYAML as an error;
- a number written other than plainly (``0123``, ``1_000``, ``1e3``,
  ``.5``, ``0x1F``): YAML 1.1 and 1.2 readers disagree on them;
- any text that, unquoted, YAML 1.1 would read as something else (``no``,
  ``on``, ``1:30``, ``~``, ``=``): we cannot see whether it was quoted, so
  the precise reader decides. A date (``2026-09-10``) is let through only as
  the value of a date field: anywhere else, unquoted, it is an error.

Everything is judged conservatively: a false alarm costs a precise read,
never a wrong verdict.
"""

from __future__ import annotations

import re

from sendcli.store.scalars import FAST_PATH_DEPTH, may_nest_deeper_than, needs_quotes

try:
    import yaml_rs
except ImportError:  # pragma: no cover - a platform without a yaml-rs wheel: precise reads only
    yaml_rs = None

#: Characters outside YAML's printable set, tabs, NEL and the Unicode line
#: separators (YAML 1.1 line breaks), and byte order marks inside the text:
#: named as what they are, not as the complement of what is allowed, since a
#: class of the allowed ranges up to U+10FFFF costs about 6 ms to compile at
#: every start (tests/test_fastload.py checks the two agree on every character).
_UNUSUAL_CHARACTER = re.compile(
    "[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")
#: An anchor, an alias or a tag; a number written other than plainly (a
#: leading zero, an underscore, an exponent, a leading dot as in .5, .inf,
#: .nan), on which YAML 1.1 and 1.2 readers disagree. Either matters only at
#: the start of a node; :func:`_at_node_start` tells. (A leading character
#: class lets the regex engine skip ahead: one pass over 8 KB costs ~0.3 ms.)
_NODE_HAZARD = re.compile(
    r"[\s:\[{,](?:[-+]?(?:0[0-9A-Za-z_]|[0-9][0-9.]*[_eE]|\.[0-9A-Za-z])|[&*][^\s,\[\]{}]|!)")
#: What may stand between a line's start and a node: indentation, "- " and "? ".
_LINE_LEAD = re.compile(r"[ ]*(?:[-?][ ]+)*", re.ASCII)
#: The first characters of every plain text YAML 1.1 (or 1.2) reads as other
#: than text; and no such text starting with a letter is longer than "false".
_MAY_NOT_BE_TEXT = frozenset("yYnNtTfFoO~-+.0123456789<=|>?:")
#: Text starting with one of these is a plain scalar yaml-rs accepts in a flow
#: mapping or list and PyYAML refuses (``{text: >90%}``); or it was quoted, or
#: it is a block scalar's first line: the precise reader tells which.
_FLOW_INDICATOR_START = frozenset("|>?:")
_LONGEST_WORD = 5
#: A single word, which standing alone after "a: " is a plain scalar.
_WORD = re.compile(r"[-+.0-9A-Za-z_~]+", re.ASCII)
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
#: Inside a flow collection, a node starting with an indicator (? > | : @ ` %):
#: yaml-rs reads ``{?}``, ``{>}`` or ``{:0}`` as a key, libyaml as an empty key
#: or a syntax error (found by the differential property test).
#: One linear pass (:func:`_flow_indicator_node`): a lazy regex of it cost quadratic time on
#: unclosed brackets (16,000 '[' took 6 s; a 5 MB file, hours).
_FLOW_INDICATOR_NODE_START = re.compile(r"[\[{,:\s][?>|:@`%]")
#: Keys already judged plain (a casebook's keys are the schema's few dozen).
_PLAIN_KEYS: set[str] = set()
#: Short texts already judged ("o1", "TA", "5"): the same few recur in every record.
_SHORT_VERDICTS: dict[str, bool] = {}
_SHORT = 24

available = yaml_rs is not None


def fast_load(text: str, date_keys: frozenset[str]) -> dict | None:
    """The record's data, when the precise reader would give exactly it with no finding; else None.

    ``date_keys``: the field names that hold dates (``schemas.date_field_names``).
    """
    # The screen of the text (sendcli.store.screening, in one pass over its bytes; it builds on
    # this module's tests, so it is imported here rather than above) comes before yaml-rs sees it:
    # yaml-rs materialises aliases (a copy per alias: 1 GB from a 148 KB file) and recurses per
    # level of nesting, so anchors, aliases and deep nesting never reach it.
    from sendcli.store.screening import suspicious

    if yaml_rs is None or suspicious(text):
        return None
    try:
        data = yaml_rs.loads(text, parse_datetime=False)
    except Exception:  # noqa: BLE001 - yaml-rs's own errors; the precise reader explains them
        return None
    if type(data) is not dict:
        return None
    if not _all_plain(data, date_keys):
        return None
    return data


def _flow_indicator_node(text: str) -> bool:
    """Whether a node inside a flow collection starts with an indicator (``{?}``, ``[>x]``, ``{:0}``).

    Inside a collection: the last bracket before it opens one. Each stretch of
    text is searched for brackets once, so one pass whatever the brackets.
    """
    inside, searched = False, 0
    for match in _FLOW_INDICATOR_NODE_START.finditer(text):
        end = match.start() + 1  # the delimiter may itself open the collection: "[?"
        last = max(text.rfind("[", searched, end), text.rfind("{", searched, end),
                   text.rfind("]", searched, end), text.rfind("}", searched, end))
        if last >= 0:
            inside = text[last] in "[{"
        searched = match.end()
        if inside:
            return True
    return False


def _at_node_start(text: str, where: int) -> bool:
    """Whether a node may start just after ``text[where]`` (a space, a line break, ``:[{,``)."""
    if text[where] in ":[{,":
        return True
    line_start = text.rfind("\n", 0, where + 1) + 1
    if _LINE_LEAD.fullmatch(text, line_start, where + 1):
        return True
    before = text[line_start:where].rstrip(" ")
    # "?" and "-" too: an explicit key (``[? &a x]``) or an entry after text on the line.
    return before[-1:] in (":", "[", "{", ",", "?", "-")


def _all_plain(data: dict, date_keys: frozenset[str]) -> bool:
    """Whether every key and text value is plain: none could be a hazard unquoted."""
    stack: list = [data]
    while stack:
        node = stack.pop()
        if type(node) is dict:
            for key, value in node.items():
                if type(key) is not str:
                    return False
                if key not in _PLAIN_KEYS:
                    if not _is_plain_text(key):
                        return False
                    if len(_PLAIN_KEYS) < 4096:
                        _PLAIN_KEYS.add(key)
                kind = type(value)
                if kind is str:
                    if not (key in date_keys and _ISO_DATE.fullmatch(value)) and not _is_plain_text(value):
                        return False
                elif kind is dict or kind is list:
                    stack.append(value)
        else:
            for value in node:
                kind = type(value)
                if kind is str:
                    if not _is_plain_text(value):
                        return False
                elif kind is dict or kind is list:
                    stack.append(value)
    return True


def _is_plain_text(text: str) -> bool:
    """True unless the text, were it written unquoted, could be a hazard to the precise reader.

    Text the precise reader would question (``needs_quotes``) is still plain
    when yaml-rs itself reads that text, unquoted, as a number, a boolean or
    null: having given us text, the file must have had it in quotes (``"5"``).
    (Line separators need no look: written raw, ``_UNUSUAL_CHARACTER`` caught
    them; in the data they can only come from escapes inside double quotes.)
    """
    if text[:1] == "\n" and not text.strip("\n"):
        return False  # an empty block scalar (``a: >``): "\n" to yaml-rs, "" to PyYAML
    if text and (text[0] not in _MAY_NOT_BE_TEXT or (len(text) > _LONGEST_WORD and text[0].isalpha())):
        return True
    if text and text[0] in _FLOW_INDICATOR_START:
        return False
    if len(text) > _SHORT:
        return _judge(text)
    verdict = _SHORT_VERDICTS.get(text)
    if verdict is None:
        verdict = _judge(text)
        if len(_SHORT_VERDICTS) < 65536:
            _SHORT_VERDICTS[text] = verdict
    return verdict


def _judge(text: str) -> bool:
    return not needs_quotes(text) or (bool(_WORD.fullmatch(text)) and _read_unquoted(text) is not str)


def _read_unquoted(word: str) -> type:
    """The type yaml-rs gives ``word`` written plainly as a value."""
    try:
        return type(yaml_rs.loads("a: " + word, parse_datetime=False)["a"])
    except Exception:  # noqa: BLE001
        return str
