"""The screen of a record's text before the fast reader parses it, in one pass over its bytes.

:func:`sendcli.store.fastload.fast_load` reads a clean record with yaml-rs,
but only after screening the raw text: anything yaml-rs and PyYAML might read
differently, and anything hostile to yaml-rs (aliases, which it copies out;
deep nesting, on which it overflows its stack), goes to the precise reader
instead (the list is in fastload's own account). That screen made several
regular-expression passes over the text, ~0.5 ms for a 9 KB record: more than
yaml-rs took to parse it. A cold ``check`` of a casebook pays it for every
record.

:func:`suspicious` gives the very same verdict for a fraction of the cost.
Almost every hazard the screen looks for is a pair (or a triple) of adjacent
characters: a delimiter followed by ``&``, ``!``, ``0``, ``?``, ``:``..., a
digit followed by ``e``. So each byte is mapped to a byte of flags by one
``bytes.translate``, the whole text becomes one integer, and a shift and an
AND find every adjacent pair of flags at once (a few microseconds). A pair
found is only a reason to look closer: the old screen's own test (a regex and
its context) then decides. A clean record has almost none, so almost every
record is judged without a regex pass at all.

The verdicts are the old screen's, exactly: tests/test_screening.py keeps a
copy of it and compares the two over every hostile, broken and example file,
generated records, and generated text full of the pairs that matter.

:func:`sendcli.store.fastload.fast_load` (``check``, and every command that
reads one record) asks :func:`suspicious` before yaml-rs reads a text. The old
passes are kept below only for what the flags cannot judge (whitespace beyond
ASCII).
"""

from __future__ import annotations

import re

from sendcli.store.fastload import _NODE_HAZARD, _UNUSUAL_CHARACTER, _at_node_start, _flow_indicator_node
from sendcli.store.scalars import FAST_PATH_DEPTH, may_nest_deeper_than

#: Any character Python's regular expressions take for ``\s``.
_WHITESPACE = re.compile(r"\s")

# -- the flags of each byte -------------------------------------------------------------
# Each names a set of characters that one position of a hazard may hold; a byte's flags are
# the sets it belongs to. Bytes from 0x80 up (parts of characters beyond ASCII) have none: the
# non-ASCII characters are judged apart (:func:`_non_ascii_verdict`). Eight flags fill a byte,
# so two more sets are marked by combinations no character otherwise has: a space is a
# delimiter and a word character (a false alarm at worst: ``: 0 x`` is looked at closer);
# an unusual character, a delimiter and a sign.

#: A delimiter, after which a node may start (``[\s:\[{,]``, the unusual characters aside).
_DELIMITER = 1 << 0
#: What may follow a delimiter to start a node inside a flow collection (``[?>|:@`%]``).
_FLOW_INDICATOR = 1 << 1
#: What may start a number with a leading zero or dot (``0123``, ``.5``, ``.inf``).
_ZERO_OR_DOT = 1 << 2
#: A sign, which such a number may have between the delimiter and its first digit.
_SIGN = 1 << 3
#: What starts an anchor, an alias or a tag.
_ANCHOR_OR_TAG = 1 << 4
#: What may follow a leading zero or dot in such a number (``[0-9A-Za-z_]``).
_WORD = 1 << 5
#: A digit or a dot, which may stand right before an exponent or an underscore of a number.
_DIGIT_OR_DOT = 1 << 6
#: An exponent or an underscore (``1e3``, ``1_000``).
_EXPONENT = 1 << 7
#: A space: a delimiter, but one that starts a node only after indentation, "- ", "? " or an indicator.
_SPACE = _DELIMITER | _WORD
#: An ASCII character fastload's ``_UNUSUAL_CHARACTER`` refuses: a control character, a tab, DEL.
_UNUSUAL = _DELIMITER | _SIGN

_MEMBERS = {
    _DELIMITER: "\n\r:[{,",
    _FLOW_INDICATOR: "?>|:@`%",
    _ZERO_OR_DOT: "0.",
    _SIGN: "-+",
    _ANCHOR_OR_TAG: "&*!",
    _WORD: "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_",
    _DIGIT_OR_DOT: "0123456789.",
    _EXPONENT: "_eE",
    _SPACE: " ",
    _UNUSUAL: "".join(map(chr, [*range(0x00, 0x0A), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])),
}


def _flag_table() -> bytes:
    table = bytearray(256)
    for flag, members in _MEMBERS.items():
        for character in members:
            table[ord(character)] |= flag
    return bytes(table)


_FLAGS = _flag_table()
_ASCII = bytes(range(0x80))

#: Masks are kept for texts up to this many bytes (a longer text, never a record, gets its own).
_KEPT_MASK_BYTES = 1024 * 1024
#: The flags masked (each alone, in every byte).
_MASKED = (_DELIMITER, _FLOW_INDICATOR, _SIGN, _DIGIT_OR_DOT)
#: The masks kept: how many bytes they cover, then one for each of ``_MASKED``.
_kept: tuple[int, ...] = (0, 0, 0, 0, 0)


def _mask(flag: int, length: int) -> int:
    """``flag`` in each of ``length`` bytes, as one integer (little-endian like the text's)."""
    return int.from_bytes(bytes((flag,)) * length, "little")


def _masks_for(length: int) -> tuple[int, ...]:
    """The masks of ``_MASKED`` covering ``length`` bytes (an AND costs only the shorter integer's
    length, so longer masks serve shorter texts)."""
    global _kept
    if length > _kept[0]:
        cover = length if length > _KEPT_MASK_BYTES else max(16 * 1024, 1 << (length - 1).bit_length())
        masks = (cover, *(_mask(flag, cover) for flag in _MASKED))
        if cover <= _KEPT_MASK_BYTES:
            _kept = masks
        return masks[1:]
    return _kept[1:]


def suspicious(text: str) -> bool:
    """Whether the fast reader must leave ``text`` to the precise one, before any parse.

    True for: a character YAML or the precise reader treat specially (tabs,
    control characters, Unicode line separators, byte order marks inside the
    text); a merge key (``<<``), a directive (``%`` at a line's start), no
    final line break; a node inside a flow collection starting with an
    indicator (``{?}``, ``[>x]``, ``{:0}``); an anchor, an alias, a tag or a
    number written other than plainly (``0123``, ``1_000``, ``1e3``, ``.5``)
    where a node starts; nesting deeper than the fast reader's bound.
    """
    if not text.endswith("\n") or text.startswith("%"):
        return True
    # The delimiter before the first node: the node hazards are looked for as if a line break came first.
    encoded = ("\n" + text).encode("utf-8", "surrogatepass")
    if not text.isascii():
        verdict = _non_ascii_verdict(text, encoded)
        if verdict is not None:
            return verdict
    if b"<" in encoded and "<<" in text:
        return True
    if b"%" in encoded and "\n%" in text:
        return True
    flags = int.from_bytes(encoded.translate(_FLAGS), "little")
    delimiter_mask, indicator_mask, sign_mask, digit_mask = _masks_for(len(encoded))
    # Byte i of the text is byte i of ``flags``: shifting left by 8 bits moves each byte's flags onto
    # the next byte, by 8 + k a flag k places up too; an AND then keeps the pairs of adjacent flags.
    delimiters = flags & delimiter_mask
    if (delimiters << 3) & flags:  # a delimiter and a sign at once: an unusual character
        return True
    spaces = ((delimiters << 5) & flags) >> 5  # a delimiter and a word character at once: a space
    if (delimiters << 9) & flags and _flow_indicator_node(text):  # a delimiter, then a flow indicator
        return True
    # Where a node may start: after any delimiter but a space, and after a space that follows a
    # delimiter (another space, a line break, a colon...), an indicator or a sign (a superset of
    # what the old screen's ``_at_node_start`` allows: it still judges every pair found).
    after_these = delimiters | ((flags & indicator_mask) >> 1) | ((flags & sign_mask) >> 3)
    node_starts = (delimiters ^ spaces) | (spaces & (after_these << 8))
    anchors = (node_starts << 12) & flags  # then &, * or !
    leading_zeros = (((node_starts << 10) & flags) << 11) & flags  # then 0 or a dot, then a word character (or space)
    signed = (((node_starts << 11) & flags) << 7) & flags  # then a sign, then 0 or a dot
    exponents = ((flags & digit_mask) << 9) & flags  # a digit or a dot, then e, E or _
    if (anchors or leading_zeros or signed or exponents) and _node_hazard(text):
        return True
    return may_nest_deeper_than(text, FAST_PATH_DEPTH)


def _non_ascii_verdict(text: str, encoded: bytes) -> bool | None:
    """True for an unusual character beyond ASCII; None when the pairs may be judged on the bytes.

    The characters beyond ASCII are read apart (deleting ASCII leaves whole
    characters). None of them is a delimiter, an indicator or a digit to the
    screen's patterns, except whitespace (``\\s`` takes in the no-break space
    and its kin): a text holding any goes through the old passes whole.
    """
    beyond = encoded.translate(None, _ASCII).decode("utf-8", "surrogatepass")
    if _UNUSUAL_CHARACTER.search(beyond):
        return True
    if _WHITESPACE.search(beyond):
        return _screened_the_slow_way(text)
    return None


def _screened_the_slow_way(text: str) -> bool:
    """The old screen, pass by pass (for what the flags cannot judge)."""
    if _UNUSUAL_CHARACTER.search(text) or "<<" in text or text.startswith("%") or "\n%" in text \
            or not text.endswith("\n") or _flow_indicator_node(text) or _node_hazard(text):
        return True
    return may_nest_deeper_than(text, FAST_PATH_DEPTH)




def _node_hazard(text: str) -> bool:
    """An anchor, an alias, a tag or a number written other than plainly, where a node starts."""
    lined = "\n" + text
    for match in _NODE_HAZARD.finditer(lined):
        if _at_node_start(lined, match.start()):
            return True
    return False
