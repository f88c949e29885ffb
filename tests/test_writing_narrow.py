"""A write round-trips only the part of the record it touches (sendcli.store.writing): the bytes
written are exactly those of a round trip of the whole file, whatever the file's layout."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sendcli.core.workflow import Edit
from sendcli.store import writing
from sendcli.store.loading import load_yaml
from sendcli.store.writing import _edited_in_place, _round_trip_for, apply_edits

REPO = Path(__file__).resolve().parents[1]

#: Files written in every way a person might: comments, blank lines, a comment after a key, lists
#: in flow style, block scalars, an empty list, an item that is not the last, trailing comments.
LAYOUTS = {
    "plain": """\
schema_version: 1
id: ab-16
status: sen-support
needs:
  primary: SLCN
  summary: Finds it hard to follow long instructions.
views: []
cycles:
  - number: 1
    opened: 2026-01-10
    stage: closed
    history: [{stage: assess, date: 2026-01-10}]
  - number: 2
    opened: 2026-09-10
    stage: do
    do:
      log:
        - {date: 2026-10-01, by: Test SENCO, text: Started well.}
closed: null
""",
    "comments and blank lines": """\
# yaml-language-server: $schema=../schemas/record.schema.json
schema_version: 1
id: ab-16   # her initials
status: sen-support

# What we know
needs:
  primary: SLCN  # speech
  summary: |
    Finds it hard to follow long instructions.
    Likes visual timetables.

views:
  - date: 2026-09-01
    from: parent
    text: She enjoys school.
  # more to come
cycles:
  # the first cycle
  - number: 1
    opened: 2026-01-10
    stage: closed

  - number: 2   # this one
    opened: 2026-09-10
    stage: do
    do:
      log:
        - date: 2026-10-01
          by: Test SENCO
          text: Started well.
        # end of log
# trailing remark
closed: null
# the end

""",
    "indented four": """\
schema_version: 1
id: ab-16
status: sen-support
needs:
    primary: SLCN
cycles:
-   number: 1
    opened: 2026-01-10
    stage: do
    do:
        log:
        -   {date: 2026-10-01, by: Test SENCO, text: Started well.}
""",
    "key line with a comment": """\
schema_version: 1
status: sen-support
cycles:   # all of them
  - number: 1
    stage: do
    do: {log: []}
""",
    "anchors": """\
schema_version: 1
status: &s sen-support
cycles:
  - number: 1
    stage: do
    note: *s
""",
    "quoted top-level key": """\
schema_version: 1
"status": sen-support
cycles:
  - number: 1
    stage: do
""",
    "punctuation that is no anchor or tag": """\
schema_version: 1
status: sen-support
views:
  - {date: 2026-09-27, from: child, text: "I can do my number bonds now!"}
  - {date: 2026-09-28, from: parent, text: "Maths & reading * 2, then <3"}
cycles:
  - number: 1
    stage: do
    do: {log: [{date: 2026-10-01, by: Test SENCO, text: Great work!}]}
""",
    "last line without a break": "schema_version: 1\nstatus: sen-support\ncycles:\n  - number: 1\n    stage: do",
}

EDITS = {
    "set a top-level field": [Edit(("status",), "ehc-plan")],
    "set a nested field": [Edit(("needs", "summary"), "A new summary: 5 * 3 & more")],
    "add a field the file lacks, at the top": [Edit(("register",), {"entered": "2026-11-28", "left": None})],
    "append to a top-level list": [Edit(("views",), {"date": "2026-11-28", "from": "parent", "text": "Fine."},
                                        append=True)],
    "append inside the last item": [Edit(("cycles", 1, "do", "log"),
                                         {"date": "2026-11-28", "by": "Test SENCO", "text": "no"}, append=True)],
    "set inside the first item": [Edit(("cycles", 0, "stage"), "review")],
    "inside an item and at the top": [Edit(("cycles", 0, "stage"), "review"), Edit(("status",), "monitoring"),
                                      Edit(("cycles", 0, "history"), {"stage": "review", "date": "2026-11-28"},
                                           append=True)],
    "two items of one list": [Edit(("cycles", 0, "stage"), "closed"), Edit(("cycles", 1, "stage"), "review")],
    "append an item": [Edit(("cycles",), {"number": 3, "opened": "2026-11-28", "stage": "assess"}, append=True)],
    "an item past the end": [Edit(("cycles", 5, "stage"), "review")],
}


def whole_way(text: str, edits) -> str:
    """What apply_edits wrote before it learnt to narrow: the whole file round-tripped."""
    original = writing._edited_in_place
    writing._edited_in_place = lambda *args: None
    try:
        return apply_edits(text, edits)
    finally:
        writing._edited_in_place = original


def outcome(function, text: str, edits):
    try:
        return function(text, edits)
    except Exception as error:  # noqa: BLE001 - both ways must fail alike too
        return type(error).__name__


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("change", EDITS)
def test_narrow_edits_write_the_bytes_a_whole_round_trip_writes(layout, change):
    text, edits = LAYOUTS[layout], EDITS[change]
    assert outcome(apply_edits, text, edits) == outcome(whole_way, text, edits)


def test_an_ordinary_edit_is_narrowed_and_an_odd_one_is_not():
    """The fast way is taken where it should be (else this file would test nothing)."""
    plain = LAYOUTS["plain"]
    handler = _round_trip_for(plain)
    assert _edited_in_place(plain, EDITS["append inside the last item"], handler) is not None
    assert _edited_in_place(plain, EDITS["inside an item and at the top"], handler) is not None
    for layout in ("anchors", "quoted top-level key", "last line without a break"):
        assert _edited_in_place(LAYOUTS[layout], EDITS["set inside the first item"],
                                _round_trip_for(LAYOUTS[layout])) is None, layout
    assert _edited_in_place(plain, EDITS["add a field the file lacks, at the top"], handler) is None
    # "now!" ends a sentence; "Maths & reading" could be an anchor as far as a glance can tell.
    punctuated = LAYOUTS["punctuation that is no anchor or tag"]
    assert _edited_in_place(punctuated.replace("Maths & reading * 2", "Maths and reading"),
                            EDITS["set inside the first item"], _round_trip_for(punctuated)) is not None
    assert _edited_in_place(punctuated, EDITS["set inside the first item"], _round_trip_for(punctuated)) is None


def test_narrowing_only_reads_the_part_it_edits(monkeypatch):
    """The item edited is loaded alone: the rest of the file never reaches ruamel."""
    seen: list[str] = []
    original = writing._round_trip

    def recording(handler, text, edits):
        seen.append(text)
        return original(handler, text, edits)

    monkeypatch.setattr(writing, "_round_trip", recording)
    apply_edits(LAYOUTS["plain"], EDITS["append inside the last item"])
    assert len(seen) == 1 and seen[0].startswith("cycles:\n  - number: 2\n") and "number: 1" not in seen[0]


def _generated_records(tmp_path: Path, count: int) -> list[Path]:
    subprocess.run([sys.executable, str(REPO / "bench" / "generate.py"), str(tmp_path / "cb"), "--n", str(count),
                    "--seed", "7"], check=True, capture_output=True)
    return sorted((tmp_path / "cb" / "records").glob("*.yaml"))


def test_every_kind_of_edit_on_realistic_records_writes_the_same_bytes(tmp_path):
    """Records of every shape (the bench's generator, the example casebook), each given the edits
    the commands make: to the open cycle, the first cycle, the EHC section, a top-level field."""
    paths = _generated_records(tmp_path, 60) + sorted((REPO / "examples" / "records").glob("*.yaml"))
    narrowed = 0
    for path in paths:
        text = path.read_text(encoding="utf-8")
        data = load_yaml(text.encode()).data
        last = len(data.get("cycles") or []) - 1
        changes = [EDITS["set a top-level field"], EDITS["set a nested field"], EDITS["append to a top-level list"]]
        if last >= 0:
            changes += [
                [Edit(("cycles", last, "do", "log"), {"date": "2026-11-28", "by": "Test SENCO", "text": "Note."},
                      append=True)],
                [Edit(("cycles", last, "stage"), "review"),
                 Edit(("cycles", last, "history"), {"stage": "review", "date": "2026-11-28"}, append=True)],
                [Edit(("cycles", 0, "plan", "outcomes"), {"id": "o9", "text": "Reads 20 words"}, append=True)],
            ]
        if data.get("ehc"):
            changes.append([Edit(("ehc", "decision"), {"date": "2026-11-28", "outcome": "assess"})])
        for edits in changes:
            assert outcome(apply_edits, text, edits) == outcome(whole_way, text, edits), (path.name, edits)
            narrowed += _edited_in_place(text, edits, _round_trip_for(text)) is not None
    assert narrowed > len(paths)  # most edits of most records take the narrow way
