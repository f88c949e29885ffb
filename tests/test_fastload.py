"""The fast path against the precise one: never a different verdict.

``fast_load`` may answer only when the precise reader would give exactly the
same data with no finding at all (sendcli/store/fastload.py). These tests hold it to
that over every corpus we have and over generated YAML full of what YAML 1.1
and 1.2 read differently; and ``check`` gives identical problems whichever
path a file takes.
"""

from __future__ import annotations

import importlib.util
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from sendcli.store.checking import check_record_bytes, record_id_of
from sendcli.store.fastload import fast_load
from sendcli.store.loading import load_yaml
from sendcli.store.schemas import date_field_names

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
TODAY = date(2026, 11, 28)
DATE_KEYS = date_field_names()


def _generator():
    spec = importlib.util.spec_from_file_location("bench_generate", REPO / "bench" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def generated_records(n: int, seed: int = 7) -> list[bytes]:
    make = _generator().make_record
    return [make(i, seed, TODAY.toordinal()).encode() for i in range(n)]


def corpus() -> list[tuple[str, bytes]]:
    files = [*sorted((REPO / "examples" / "records").glob("*.yaml")),
             *sorted((DATA / "broken").glob("*.yaml")), *sorted((DATA / "hostile").glob("*"))]
    return [(path.name, path.read_bytes()) for path in files if path.is_file()]


def agrees_with_precise(text: str) -> None:
    """The contract: data from the fast reader is the precise reader's, with nothing found."""
    fast = fast_load(text, DATE_KEYS)
    if fast is None:
        return
    precise = load_yaml(text.encode("utf-8"))
    assert not precise.located, text
    assert not precise.findings, text
    assert precise.data == fast, text
    # An unquoted date stands only where a date belongs (else: the misplaced-date error).
    assert all(pointer and pointer[-1] in DATE_KEYS for pointer in precise.timestamps), text


def test_generated_records_all_take_the_fast_path_with_the_precise_data():
    for raw in generated_records(120):
        text = raw.decode()
        fast = fast_load(text, DATE_KEYS)
        assert fast is not None
        assert fast == load_yaml(raw).data


@pytest.mark.parametrize("name,raw", corpus(), ids=[name for name, _ in corpus()])
def test_every_corpus_file_gives_the_same_problems_either_way(name, raw):
    quick = check_record_bytes(raw, name, TODAY, record_id_of(Path(name)))
    precise = check_record_bytes(raw, name, TODAY, record_id_of(Path(name)), fast=False)
    assert quick.problems == precise.problems
    assert quick.data == precise.data


def test_generated_records_give_the_same_verdict_either_way():
    for index, raw in enumerate(generated_records(60, seed=11)):
        name = f"b{index:06d}.yaml"
        quick = check_record_bytes(raw, name, TODAY, name[:-5])
        precise = check_record_bytes(raw, name, TODAY, name[:-5], fast=False)
        assert quick.problems == precise.problems == []
        assert quick.data == precise.data


@pytest.mark.parametrize("text", [
    "a: no", "a: y", "a: On", "a: 1:30", "a: 0123", "a: 07700900123", "a: 1_000", "a: 1e3", "a: .5",
    "a: .inf", "a: 0x1F", "a: 0o17", "a: =", "a: 2026-01-05", "a: &x 1\nb: *x", "a: !!str 5",
    "<<: {a: 1}", "a:\n  - 0123", "a: {text: >90% of days}", "a: [|x]", "a: {b: >-}", "a: {b: ?x}",
    "a: [:x]", "a: [? &t x, ? *t]", "a: >\n", "a: |\n\n", "- >\n", "a: |\n  x", "- " * 300 + "x", "a: [1, 0123]", "a: {b: 0123}", "a:\n   010", "a: 1\n\tb: 2",
    "a: b\n---\nc: d", "- a", "yes: 1", "1: a", "a: x\u2028y", "%YAML 1.1\n---\na: b",
])
def test_what_yaml_readers_disagree_on_goes_to_the_precise_reader(text):
    assert fast_load(text, DATE_KEYS) is None


@pytest.mark.parametrize("text,data", [
    ("a: Test Child 0042", {"a": "Test Child 0042"}),          # digits inside text are text
    ("a: great work!", {"a": "great work!"}),                # so is a ! inside text
    ('a: "5"', {"a": "5"}),                                  # quoted: yaml-rs would have read 5 unquoted
    ('a: "no"', None),                                       # can't tell quoted from not: precise decides
    ("date_of_birth: 2016-05-14", {"date_of_birth": "2016-05-14"}),
    ("note: 2016-05-14", None),                              # an unquoted date where text belongs
    ("a: 5\nb: -1.5", {"a": 5, "b": -1.5}),
])
def test_what_the_fast_reader_lets_through(text, data):
    assert fast_load(text + "\n", DATE_KEYS) == data


# -- generated YAML: scalars YAML 1.1 and 1.2 read differently, in every style --------------

TRICKY = ["no", "No", "yes", "y", "Y", "n", "on", "off", "true", "True", "tRue", "null", "Null", "~", "",
          "0", "-0", "+5", "5", "05", "0123", "07700900123", "1_000", "1e3", "1.5e3", "1.5e+3", "1.", ".5",
          ".inf", "-.inf", ".nan", "0x1F", "0o17", "0b101", "1:30", "190:20:30", "=", "<<", "2026-01-05",
          "2026-1-5", "2026-02-30", "2026-01-05 10:00", "Test Child 0042", "o1", "TA", "N1", "x", "a b",
          "1.5", "-12", "3 x 10 min", "it's", "#hash", "x # y", "a: b", "- x", "@x", "`x", "%x", "!x",
          "&x", "*x", "[x]", "{x}", "x, y", "tab\there", "\u00e9t\u00e9", "line\u2028sep", "nel\x85x",
          # block and flow indicators starting a value: text to yaml-rs in a flow mapping, an error to PyYAML
          ">90% of days", ">", "|", ">-", "|+", "|x", "?x", "? x", ":x", ": x", "-x", "- x", "? &a x"]
KEYS = ["a", "note", "date_of_birth", "opened", "yes", "1", "on", "Name", "y"]


def _scalar(value: str) -> st.SearchStrategy[str]:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return st.sampled_from([value, f'"{escaped}"', "'" + value.replace("'", "''") + "'"])


@st.composite
def yaml_documents(draw) -> str:
    lines = []
    for key in draw(st.lists(st.sampled_from(KEYS), min_size=1, max_size=5)):
        key_text = draw(_scalar(key))
        style = draw(st.sampled_from(["inline", "next", "block-list", "flow-list", "flow-map"]))
        values = [draw(st.sampled_from(TRICKY).flatmap(_scalar)) for _ in range(draw(st.integers(1, 3)))]
        if style == "inline":
            lines.append(f"{key_text}: {values[0]}")
        elif style == "next":
            lines.append(f"{key_text}:\n  {values[0]}")
        elif style == "block-list":
            lines.append(f"{key_text}:\n" + "\n".join(f"  - {v}" for v in values))
        elif style == "flow-list":
            lines.append(f"{key_text}: [{', '.join(values)}]")
        else:
            inner = ", ".join(f"{draw(st.sampled_from(KEYS))}: {v}" for v in values)
            lines.append(f"{key_text}: {{{inner}}}")
    return "\n".join(lines) + "\n"


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(yaml_documents())
def test_generated_yaml_never_fools_the_fast_reader(text):
    agrees_with_precise(text)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab: -[]{}&*!|>'\"#\n?,.01yYnN~%@`\t5e_x")), max_size=80))
def test_yaml_like_noise_never_fools_the_fast_reader(text):
    agrees_with_precise(text)
    agrees_with_precise(text + "\n")


def test_the_unusual_characters_are_the_complement_of_yamls_printable_ones():
    """The screen names the characters it refuses (a class of the allowed ones, up to U+10FFFF, took about
    6 ms to compile at every start); it refuses exactly those outside YAML's printable set as the fast
    reader allows it: line feed, carriage return, ASCII, U+00A0 to U+FFFD less the Unicode line separators
    and byte order marks, and every astral character."""
    import re

    from sendcli.store.fastload import _UNUSUAL_CHARACTER

    allowed = re.compile("[\n\r\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
    everything = "".join(map(chr, range(0x110000)))
    assert [c for c in everything if bool(_UNUSUAL_CHARACTER.match(c)) == bool(allowed.match(c))] == []


def test_a_clean_settings_file_is_read_the_fast_way_with_the_precise_verdict(tmp_path):
    """sendcli.yaml is read by every command: a clean one takes the fast way (no PyYAML), with the data
    and the (empty) verdict of the precise way; one with a problem still gets the precise way's."""
    from sendcli.store import checking
    from sendcli.store.settings_template import settings_text

    clean = settings_text('"Example Primary"', TODAY).encode()
    fast = checking.check_config_bytes(clean, "sendcli.yaml")  # as every command reads it: no date
    assert checking._clean_config_data(clean, checking.CONFIG_SCHEMA, None) is not None
    assert fast.problems == [] and fast.data == load_yaml(clean).data
    # With a date (`check`), no closure in this school year is a warning: the precise way says where.
    assert checking._clean_config_data(clean, checking.CONFIG_SCHEMA, TODAY) is None
    dated = checking.check_config_bytes(clean, "sendcli.yaml", today=TODAY)
    assert [p.rule for p in dated.problems] == ["closures"] and not dated.has_errors
    backwards = clean + b"closures:\n  - {from: 2026-12-20, to: 2026-12-01, name: Backwards}\n"
    assert checking._clean_config_data(backwards, checking.CONFIG_SCHEMA, None) is None
    assert checking.check_config_bytes(backwards, "sendcli.yaml").has_errors
