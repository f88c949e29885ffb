"""The one-pass screen (sendcli/store/screening.py) against the several passes it replaced: the same verdict.

``OLD_SCREEN`` below is a frozen copy of the screen ``fast_load`` ran before
yaml-rs saw a text (sendcli/store/fastload.py as the first edition left it):
its regular expressions and helpers, verbatim. The new screen must say
"suspicious" of exactly the texts the old one did, over every corpus we have
(hostile, broken and example files, generated records), over generated text
dense in the characters the screen looks at, and over real records with a
hazard put in anywhere.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from sendcli.store import fastload, screening
from sendcli.store.scalars import FAST_PATH_DEPTH, may_nest_deeper_than
from sendcli.store.schemas import date_field_names
from test_fastload import TRICKY, agrees_with_precise, generated_records, yaml_documents

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
DATE_KEYS = date_field_names()

# -- the old screen, frozen ------------------------------------------------------------------

_OLD_UNUSUAL_CHARACTER = re.compile(
    "[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")
_OLD_NODE_HAZARD = re.compile(
    r"[\s:\[{,](?:[-+]?(?:0[0-9A-Za-z_]|[0-9][0-9.]*[_eE]|\.[0-9A-Za-z])|[&*][^\s,\[\]{}]|!)")
_OLD_LINE_LEAD = re.compile(r"[ ]*(?:[-?][ ]+)*", re.ASCII)
_OLD_FLOW_INDICATOR_NODE_START = re.compile(r"[\[{,:\s][?>|:@`%]")


def _old_flow_indicator_node(text: str) -> bool:
    inside, searched = False, 0
    for match in _OLD_FLOW_INDICATOR_NODE_START.finditer(text):
        end = match.start() + 1
        last = max(text.rfind("[", searched, end), text.rfind("{", searched, end),
                   text.rfind("]", searched, end), text.rfind("}", searched, end))
        if last >= 0:
            inside = text[last] in "[{"
        searched = match.end()
        if inside:
            return True
    return False


def _old_at_node_start(text: str, where: int) -> bool:
    if text[where] in ":[{,":
        return True
    line_start = text.rfind("\n", 0, where + 1) + 1
    if _OLD_LINE_LEAD.fullmatch(text, line_start, where + 1):
        return True
    before = text[line_start:where].rstrip(" ")
    return before[-1:] in (":", "[", "{", ",", "?", "-")


def OLD_SCREEN(text: str) -> bool:
    """True where the first edition's ``fast_load`` answered None before parsing."""
    if _OLD_UNUSUAL_CHARACTER.search(text) or "<<" in text or text.startswith("%") \
            or "\n%" in text or not text.endswith("\n") or _old_flow_indicator_node(text):
        return True
    lined = "\n" + text
    for match in _OLD_NODE_HAZARD.finditer(lined):
        if _old_at_node_start(lined, match.start()):
            return True
    return may_nest_deeper_than(text, FAST_PATH_DEPTH)


def same_verdict(text: str) -> None:
    assert screening.suspicious(text) == OLD_SCREEN(text), repr(text[:300])


# -- corpora ---------------------------------------------------------------------------------

def _corpus_texts() -> list[tuple[str, str]]:
    files = [*sorted((REPO / "examples").rglob("*.yaml")), *sorted(DATA.rglob("*.yaml")),
             *sorted(DATA.rglob("*.yml"))]
    texts = []
    for path in files:
        if not path.is_file() or path.is_symlink():
            continue
        raw = path.read_bytes()
        name = str(path.relative_to(REPO))
        # Undecodable files never reach the screen as UTF-8; read as Latin-1 they are a wealth of odd characters.
        texts.append((name, raw.decode("utf-8") if _decodes(raw) else raw.decode("latin-1")))
    return texts


def _decodes(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


CORPUS = _corpus_texts()


def test_the_corpus_is_there():
    names = {name for name, _ in CORPUS}
    assert len(CORPUS) > 60
    assert any("hostile" in name for name in names) and any("broken" in name for name in names)
    assert any(screening.suspicious(text) for _, text in CORPUS)
    assert not all(screening.suspicious(text) for _, text in CORPUS)


@pytest.mark.parametrize("name,text", CORPUS, ids=[name for name, _ in CORPUS])
def test_every_corpus_file_gets_the_old_verdict(name, text):
    for variant in (text, text + "\n", text.rstrip("\n") + "\n", text.rstrip("\n"), "\ufeff" + text,
                    text.replace("\n", "\r\n"), text.replace("\n", "\n  ")):
        same_verdict(variant)


def test_the_hostile_files_made_by_the_hazard_makers_get_the_old_verdict(tmp_path):
    from test_hardening_reading import hazards

    for make in (hazards.alias_expansion, hazards.duplicate_keys):
        name = make(tmp_path)
        same_verdict((tmp_path / name).read_text("utf-8"))


def test_generated_records_are_all_clean_to_both():
    for raw in generated_records(300, seed=3):
        text = raw.decode()
        assert not OLD_SCREEN(text)
        assert not screening.suspicious(text)


@pytest.mark.parametrize("word", TRICKY)
def test_each_tricky_scalar_in_every_place_gets_the_old_verdict(word):
    for template in ("a: {}\n", "- {}\n", "a: [{}]\n", "a: {{b: {}}}\n", "a: [x, {}]\n", "a:\n  {}\n",
                     "a: text {}\n", "{}: a\n", "? {}\n", "a: -{}\n", "a: [-{}]\n", "a:  {}\n", "{}\n"):
        same_verdict(template.format(word))


#: Hazards, each at a place where a node starts, and look-alikes where none does.
SNIPPETS = ["&a x", "*a", "!!str 5", "!x", "0123", "-0123", "+.5", ".5", ".inf", "1e3", "1_000", "1.5e3", "0x1F",
            "<<: {}", "{?}", "[>x]", "{:0}", "[|x]", "{b: >-}", "[@x]", "[`x]", "[%x]", "\t", "\x00", "\x7f",
            "\x85", "\u2028", "\ufeff", "\xa0", "\u3000", "\u2000-x", "\xa00123", "é&a", "%YAML 1.1",
            "Parent 0000", "x & y", "great!", "5 x 10 min", "2026-04-01", "0.00", "10e", "x.5", "a-0",
            "it's 100%", "a > b", "a | b", "mail@example.org", "? x", "- - - x", " " * 120 + "x"]


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 10**6), st.lists(st.tuples(st.sampled_from(SNIPPETS), st.integers(0, 10**6),
                                                 st.sampled_from(["", " ", "\n", ": ", "- ", "[", "{", ", ", "x"])),
                                       max_size=3))
def test_a_record_with_hazards_put_anywhere_gets_the_old_verdict(seed, inserts):
    text = _record(seed % 40)
    for snippet, where, before in inserts:
        at = where % (len(text) + 1)
        text = text[:at] + before + snippet + text[at:]
    same_verdict(text)


_RECORDS: dict[int, str] = {}


def _record(index: int) -> str:
    if index not in _RECORDS:
        _RECORDS.update(enumerate(raw.decode() for raw in generated_records(40, seed=17)))
    return _RECORDS[index]


#: Every character any pattern of the screen names, and neighbours of each (and a few beyond ASCII).
NOISE = list(" \n\r\t\x0b\x0c\x1c\x00\x7f:[]{},?>|@`%&*!-+0123456789.eE_xyab<#'\"~=/\\") + [
    "\xa0", "\x85", "\u2028", "\u2000", "\u3000", "\u202f", "é", "ŵ", "\ufeff", "\U0001f600", "\ud800"]


@settings(max_examples=1500, deadline=None)
@given(st.text(alphabet=st.sampled_from(NOISE), max_size=60))
def test_noise_gets_the_old_verdict(text):
    same_verdict(text)
    same_verdict(text + "\n")
    same_verdict("a: " + text + "\n")


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(yaml_documents())
def test_generated_yaml_gets_the_old_verdict(text):
    same_verdict(text)
    agrees_with_precise(text)


def test_long_texts_get_the_old_verdict_beyond_the_kept_masks():
    """Texts longer than the masks kept (a record never is, but a 5 MB file may be) get masks of their own."""
    clean = "".join(f"k{i}: text {i}\n" for i in range(120_000))  # ~1.6 MB
    assert len(clean.encode()) > screening._KEPT_MASK_BYTES
    same_verdict(clean)
    assert not screening.suspicious(clean)
    for hazard in ("z: &a x\n", "z: 0123\n", "z: [?]\n", "z: \x01\n"):
        for text in (clean + hazard, hazard + clean, clean[:800_000] + hazard + clean[800_000:]):
            assert screening.suspicious(text) and OLD_SCREEN(text), hazard
    small = "a: &x 1\n"  # the masks kept still serve a short text afterwards
    assert screening.suspicious(small) and not screening.suspicious("a: 1\n")


def _old_fast_load(text: str) -> dict | None:
    """:func:`sendcli.store.fastload.fast_load` as it was, screening with the old passes."""
    if fastload.yaml_rs is None or OLD_SCREEN(text):
        return None
    try:
        data = fastload.yaml_rs.loads(text, parse_datetime=False)
    except Exception:  # noqa: BLE001
        return None
    return data if type(data) is dict and fastload._all_plain(data, DATE_KEYS) else None


def test_fast_load_gives_what_it_gave_with_the_old_screen():
    """Same data, or None, as the fast reader screening pass by pass, over every corpus."""
    texts = [text for _, text in CORPUS] + [raw.decode() for raw in generated_records(80, seed=5)]
    texts += [f"a: {word}\n" for word in TRICKY]
    assert any(_old_fast_load(text) is not None for text in texts)  # not trivially: many are read
    for text in texts:
        assert fastload.fast_load(text, DATE_KEYS) == _old_fast_load(text), text[:200]


def test_check_reads_clean_records_through_the_new_screen(monkeypatch):
    """``check``'s fast path asks the one-pass screen (and no other) before yaml-rs reads a record."""
    from datetime import date

    from sendcli.store import checking

    asked = []
    real = screening.suspicious
    monkeypatch.setattr(screening, "suspicious", lambda text: asked.append(text) or real(text))
    raw = generated_records(1, seed=9)[0]
    result = checking.check_record_bytes(raw, "b000000.yaml", date(2026, 11, 28), "b000000")
    assert result.problems == [] and result.data is not None
    assert asked == [raw.decode()]


def test_random_hazards_in_real_records_seeded():
    """A fixed sweep besides hypothesis's: each snippet at 60 random places of a real record."""
    chooser = random.Random(20261130)
    for snippet in SNIPPETS:
        for _ in range(60):
            text = _record(chooser.randrange(40))
            at = chooser.randrange(len(text) + 1)
            lead = chooser.choice(["", " ", "\n", ": ", "- ", "[", "{", ", "])
            same_verdict(text[:at] + lead + snippet + text[at:])
