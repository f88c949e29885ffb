"""Hostile files of the reading layer too big, or too strange, to keep in git: made on demand.

Issue 19 (items 1, 2, 3, 16, 17): each maker writes one file into a casebook's
``records/`` folder and returns its name; :data:`VERDICTS` says what ``check``
must report of it (the rule, and words of the message). The small ones live
beside this script as ``*.yaml`` files, each with a ``# verdict: RULE: words``
line at its top.

Run it to write them all into a folder: ``python reading_hazards.py FOLDER``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "bea-t17.yaml"
#: What a file outside the casebook holds, that no message may ever show (item 17).
SECRET = "root:SECRET-HASH-NEVER-SHOWN:19000:0:99999:7:::"


def _record(record_id: str) -> str:
    return GOLDEN.read_text().replace("id: bea-t17", f"id: {record_id}", 1)


def alias_expansion(records: Path) -> str:
    """A 148 KB record, valid once expanded: one 100 KB text and 10,000 aliases to it.

    It cost 1 GB in check and due (the fast path's parser copies every alias);
    refused now at the alias that crosses the bound, before any parser copies it.
    """
    name = "alias-expansion.yaml"
    folded = "  summary: >-\n    Slow, effortful reading; finds it hard to\n    follow long spoken instructions.\n"
    text = _record("alias-expansion").replace(folded, f"  summary: &long \"{'Slow reading. ' * 7300}\"\n", 1)
    text += "profile:\n  important_to_me:\n" + "    - *long\n" * 10_000
    (records / name).write_text(text)
    return name


def duplicate_keys(records: Path) -> str:
    """20,000 duplicate keys: 26 s to locate before (quadratic), listed to 50 now."""
    name = "duplicate-keys-many.yaml"
    (records / name).write_text(_record("duplicate-keys-many") + "note: again\n" * 20_000)
    return name


def symlinked_record(records: Path) -> str:
    """A record that is a link to a file outside the casebook (``/etc/shadow`` in the report)."""
    name = "symlinked-record.yaml"
    outside = records.parent.parent / "outside-the-casebook.txt"
    outside.write_text(SECRET + "\n")
    os.symlink(outside, records / name)
    return name


def fifo_record(records: Path) -> str:
    """A named pipe where a record should be: reading it waited for ever."""
    name = "fifo-record.yaml"
    os.mkfifo(records / name)
    return name


MAKERS = {"alias-expansion": alias_expansion, "duplicate-keys-many": duplicate_keys,
          "symlinked-record": symlinked_record, "fifo-record": fifo_record}

#: name -> (rule, words of the first problem ``check`` reports)
VERDICTS = {
    "alias-expansion": ("yaml", "alias bomb"),
    "duplicate-keys-many": ("yaml", "duplicate key"),
    "symlinked-record": ("file", "symbolic link"),
    "fifo-record": ("file", "named pipe"),
}


def stored_verdicts(folder: Path) -> dict[str, tuple[str, str]]:
    """The ``# verdict: RULE: words`` line of each stored hostile file that has one."""
    found = {}
    for path in sorted(folder.glob("*.yaml")):
        head = path.read_bytes()[:400].decode("utf-8", "replace")
        for line in head.splitlines():
            if line.startswith("# verdict: "):
                rule, _, words = line[len("# verdict: "):].partition(": ")
                found[path.stem] = (rule, words)
    return found


if __name__ == "__main__":
    target = Path(sys.argv[1]) / "records"
    target.mkdir(parents=True, exist_ok=True)
    for make in MAKERS.values():
        print(make(target))
