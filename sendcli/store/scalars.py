"""What both YAML readers share, without importing either: bounds, tags, and which plain text is not text.

The precise reader (:mod:`sendcli.store.loading`, PyYAML) and the fast one
(:mod:`sendcli.store.fastload`, yaml-rs) agree on the bounds of a record and
on which words, written unquoted, YAML 1.1 reads as something other than
text (``no``, ``on``, ``1:30``, ``0123``). Importing PyYAML costs about 20 ms,
as much as a one-record command's own work, and a clean record never needs
it: so the judgment lives here, with YAML 1.1's own rules for plain scalars
(PyYAML's ``Resolver``, copied rule for rule; tests/test_loading.py checks
the copy against PyYAML's table).
"""

from __future__ import annotations

import re

#: a record larger than a sane bound (5 MB) is refused unread.
MAX_RECORD_BYTES = 5 * 1024 * 1024
#: Block nesting deeper than this is no record; it also keeps the parser's
#: recursion far from the interpreter's limit.
MAX_DEPTH = 64
#: The fast reader (yaml-rs) recurses once per level of nesting and overflows
#: its stack (a segfault, not an error) near 12,000 levels; past this bound a
#: file goes to the precise reader, whose parser (libyaml) stops at 1,000.
FAST_PATH_DEPTH = 200
#: Problems listed per file: past this, one line says how many more there are
#: (a file of 20,000 duplicate keys is one mistake repeated, not 20,000 to read).
MAX_PROBLEMS_LISTED = 50

_TAG = "tag:yaml.org,2002:"
STR, NULL, BOOL, INT, FLOAT = _TAG + "str", _TAG + "null", _TAG + "bool", _TAG + "int", _TAG + "float"
TIMESTAMP, MAP, SEQ, MERGE, VALUE = _TAG + "timestamp", _TAG + "map", _TAG + "seq", _TAG + "merge", _TAG + "value"

#: Plain text that PyYAML keeps as a string but other readers do not: the
#: YAML 1.1 booleans y/n, and YAML 1.2 integers (``07700900123``: not octal
#: to 1.1, so text; a number to 1.2), octals and exponent-only floats.
READ_OTHERWISE_ELSEWHERE = re.compile(
    r"[yYnN]|0o[0-7]+|[-+]?[0-9]+|[-+]?[0-9]+[eE][-+]?[0-9]+|[-+]?[0-9]*\.[0-9]+[eE][-+]?[0-9]+|=")
#: Line breaks in YAML 1.1 but not 1.2: unquoted or single-quoted, a 1.1
#: reader folds them into spaces; double quotes escape them.
LINE_BREAKS_1_1 = re.compile("[\x85\u2028\u2029]")

#: YAML 1.1's implicit types of a plain scalar, in the order PyYAML's
#: ``Resolver`` tries them: (tag, pattern, the first characters it applies to).
#: The patterns are PyYAML's own, verbatim (``$`` and all).
IMPLICIT_RESOLVERS: tuple[tuple[str, re.Pattern, tuple[str, ...]], ...] = (
    (BOOL, re.compile(r'''^(?:yes|Yes|YES|no|No|NO
                    |true|True|TRUE|false|False|FALSE
                    |on|On|ON|off|Off|OFF)$''', re.X), tuple("yYnNtTfFoO")),
    (FLOAT, re.compile(r'''^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?
                    |\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?
                    |[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*
                    |[-+]?\.(?:inf|Inf|INF)
                    |\.(?:nan|NaN|NAN))$''', re.X), tuple("-+0123456789.")),
    (INT, re.compile(r'''^(?:[-+]?0b[0-1_]+
                    |[-+]?0[0-7_]+
                    |[-+]?(?:0|[1-9][0-9_]*)
                    |[-+]?0x[0-9a-fA-F_]+
                    |[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$''', re.X), tuple("-+0123456789")),
    (MERGE, re.compile(r'^(?:<<)$'), ("<",)),
    (NULL, re.compile(r'''^(?: ~
                    |null|Null|NULL
                    | )$''', re.X), ("~", "n", "N", "")),
    (TIMESTAMP, re.compile(r'''^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]
                    |[0-9][0-9][0-9][0-9] -[0-9][0-9]? -[0-9][0-9]?
                     (?:[Tt]|[ \t]+)[0-9][0-9]?
                     :[0-9][0-9] :[0-9][0-9] (?:\.[0-9]*)?
                     (?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$''', re.X), tuple("0123456789")),
    (VALUE, re.compile(r'^(?:=)$'), ("=",)),
    (_TAG + "yaml", re.compile(r'^(?:!|&|\*)$'), tuple("!&*")),
)
#: First character -> the (tag, pattern) pairs tried, in order.
_RESOLVERS_BY_FIRST: dict[str, list[tuple[str, re.Pattern]]] = {}
for _tag, _pattern, _firsts in IMPLICIT_RESOLVERS:
    for _first in _firsts:
        _RESOLVERS_BY_FIRST.setdefault(_first, []).append((_tag, _pattern))


def plain_scalar_tag(text: str) -> str:
    """The tag YAML 1.1 (PyYAML) gives ``text`` written as a plain scalar: :data:`STR` when it stays text."""
    for tag, pattern in _RESOLVERS_BY_FIRST.get(text[:1], ()):
        if pattern.match(text):
            return tag
    return STR


def needs_quotes(text: str) -> bool:
    """Whether plain ``text`` would be read as anything but that text.

    True for what YAML 1.1 resolves to a non-string (``no``, ``Null``,
    ``0123``, ``1:30``, ``2016-05-14``) and for what other readers would
    (``y``, ``0o17``, ``1e3``): such text must be written in quotes.
    """
    if READ_OTHERWISE_ELSEWHERE.fullmatch(text) or LINE_BREAKS_1_1.search(text):
        return True
    return plain_scalar_tag(text) != STR


# -- nesting, bounded before any parser that recurses --------------------------------

#: ``levels // 2`` columns of indentation and ``- ``, ``? ``, ``: `` at a line's start.
_DEEP_LINE_START: dict[int, re.Pattern] = {}


def may_nest_deeper_than(text: str, levels: int) -> bool:
    """Whether the block nesting of ``text`` could exceed ``levels``: one linear scan.

    An upper bound, not the depth: every block level starts at least one
    column right of its parent's (a list under a key may share the key's
    column, so at most two levels a column), and only indentation and the
    indicators ``- ``, ``? ``, ``: `` can stand before a node at the start of
    a line. So a file whose lines all start with fewer than ``levels // 2``
    of those characters nests no deeper. (Flow nesting, ``[[[...``, the
    parsers bound themselves: yaml-rs at 256 levels, libyaml at 1,000.)
    """
    pattern = _DEEP_LINE_START.get(levels)
    if pattern is None:
        pattern = _DEEP_LINE_START[levels] = re.compile("\n[ ?:-]{%d}" % max(1, levels // 2 - 1))
    return pattern.search(text) is not None or pattern.match("\n" + text[: levels]) is not None
