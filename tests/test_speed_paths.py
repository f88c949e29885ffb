"""The shortcuts taken for speed give what the long way gives (issue 18: one-record commands)."""

from __future__ import annotations

from pathlib import Path

import pytest
from ruamel.yaml.util import load_yaml_guess_indent

from sendcli.store.writing import _guess_sequence_indent, apply_edits

REPO = Path(__file__).resolve().parent.parent

LAYOUTS = [
    "a:\n- x\n- y\n",
    "a:\n  - x\n  - y\n",
    "a:\n    -   x\n",
    "top:\n  inner:\n      - x\n",
    "a:\n  - # a comment after the dash\n    x\n  - y\n",
    "a: 1\nb:\n  c: 2\n",
    "a: [1, 2]\n",
    "",
    "list:\n  - {a: 1}\n  - b\n",
]


def _texts():
    records = sorted((REPO / "examples" / "records").glob("*.yaml"))
    records += sorted((REPO / "tests" / "data").rglob("*.yaml"))[:200]
    return [path.read_text(encoding="utf-8", errors="replace") for path in records] + LAYOUTS


@pytest.mark.parametrize("text", _texts())
def test_the_sequence_indent_is_guessed_as_ruamel_guesses_it(text):
    try:
        _, indent, dash = load_yaml_guess_indent(text)
    except Exception:  # noqa: BLE001 - ruamel could not load it; the edit would refuse it the same way
        pytest.skip("not YAML ruamel loads")
    ours = _guess_sequence_indent(text)
    if dash is None:
        assert ours == (None, None)
    else:
        assert ours == (indent, dash)


def test_an_edit_keeps_a_four_space_sequence_layout():
    text = "id: ab-16\nitems:\n    -   one\n    -   two\nname: x\n"
    assert apply_edits(text, []) == text
