"""The broken-record corpus: every file in ``tests/data/broken`` shows one hazard or
rule violation (``several-problems.yaml`` several), and ``check`` must report each
one at the right place with the right rule, and nothing else.

Each file starts with its expectations, one comment line per problem:

    # expect: LINE:COL RULE            an error the checker must report
    # expect-warning: LINE:COL RULE    a warning it must report

The errors reported must equal the ``expect`` lines exactly. Warnings are compared
only for files that list some. Lines count from 1 and include the comments.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from sendcli.store.checking import check_record_bytes, check_record_file

BROKEN = Path(__file__).resolve().parent / "data" / "broken"
FILES = sorted(BROKEN.glob("*.yaml"))
TODAY = date(2026, 11, 28)
RULES = {"yaml", "file", "schema", "census", "dates", "references", "cycles", "id", "status"}

_EXPECT = re.compile(r"#\s*(expect|expect-warning):\s*(\d+):(\d+)\s+([a-z]+)\s*$")

Expectation = tuple[int, int, str]


def expectations(raw: bytes) -> tuple[set[Expectation], set[Expectation]]:
    """The (line, column, rule) errors and warnings a file's leading comments expect.

    The bytes are decoded as latin-1 only to read the comments: some files are
    deliberately not UTF-8.
    """
    errors: set[Expectation] = set()
    warnings: set[Expectation] = set()
    for line in raw.decode("latin-1").splitlines():
        if not line.startswith("#"):
            break
        match = _EXPECT.match(line)
        if match:
            kind, row, column, rule = match.groups()
            (errors if kind == "expect" else warnings).add((int(row), int(column), rule))
    return errors, warnings


def test_corpus_is_large_enough():
    assert len(FILES) >= 30, f"only {len(FILES)} broken records in {BROKEN}"


@pytest.mark.parametrize("path", [pytest.param(p, id=p.name) for p in FILES])
def test_broken_record_is_reported_where_expected(path: Path):
    raw = path.read_bytes()
    expected_errors, expected_warnings = expectations(raw)
    assert expected_errors or expected_warnings, f"{path.name} has no '# expect:' comment"
    assert {rule for _, _, rule in expected_errors | expected_warnings} <= RULES, "unknown rule in an expectation"

    result = check_record_bytes(raw, path.name, TODAY, path.stem)

    shown = "\n".join(f"  {p.line}:{p.column} {p.severity} {p.rule} {p.pointer}: {p.message}"
                      for p in result.problems) or "  (no problems)"
    errors = {(p.line, p.column, p.rule) for p in result.problems if p.severity == "error"}
    assert errors == expected_errors, f"errors differ from the expectations; the checker said:\n{shown}"
    if expected_warnings:
        warnings = {(p.line, p.column, p.rule) for p in result.problems if p.severity == "warning"}
        assert warnings == expected_warnings, f"warnings differ from the expectations; the checker said:\n{shown}"


def test_cli_reports_every_broken_file_without_a_traceback():
    environment = dict(os.environ, SENDCLI_TODAY="2026-11-28", NO_COLOR="1")
    environment.pop("SENDCLI_ROOT", None)
    ran = subprocess.run([sys.executable, "-m", "sendcli", "check", str(BROKEN)],
                         capture_output=True, text=True, env=environment, timeout=120)
    assert "Traceback" not in ran.stderr, ran.stderr
    assert ran.returncode == 1, (ran.returncode, ran.stderr)
    missing = [p.name for p in FILES if p.name not in ran.stdout]
    assert not missing, f"not mentioned in check's output: {missing}"


def test_empty_file_is_one_file_error():
    result = check_record_bytes(b"", "empty.yaml", TODAY, "empty")
    assert [(p.line, p.column, p.severity, p.rule) for p in result.problems] == [(1, 1, "error", "file")]


def test_empty_file_on_disk_is_one_file_error(tmp_path):
    path = tmp_path / "empty.yaml"
    path.write_bytes(b"")
    result = check_record_file(path, str(path), TODAY)
    assert [(p.line, p.column, p.severity, p.rule) for p in result.problems] == [(1, 1, "error", "file")]


def test_file_over_5_mb_is_refused_unparsed(tmp_path):
    """Just over 5 MB: one ``file`` error, and the content is never parsed.

    The content is a list of 1.3 million items ending in a syntax error: parsing
    it would take seconds and report a ``yaml`` problem. A single ``file``
    problem therefore shows the file was refused before any parsing (no
    timings in unit tests: quality.md).
    """
    size = 5 * 1024 * 1024 + 1
    body = b"- x\n" * (size // 4) + b"[\n"
    path = tmp_path / "huge.yaml"
    path.write_bytes(body[:size - 2] + b"[\n")
    assert path.stat().st_size == size
    result = check_record_file(path, str(path), TODAY)
    assert [(p.line, p.column, p.severity, p.rule) for p in result.problems] == [(1, 1, "error", "file")]
    assert "MB" in result.problems[0].message
