"""The reading layer against hostile files: no crash, hang, blow-up or leak from one bad file.

Issue 19, items 1 (nesting that crashed the fast parser; a dead worker that
hung ``due``), 2 (aliases past the memory bound), 3 (quadratic locating),
5 (flow indicators the fast path let through), 9 and 20 (the schema's
patterns), 16 (a FIFO), 17 (a symlinked record), 18 (a damaged cache column);
issue 14, item 12 (a tab: every tab line, and the rest said unchecked).

The files live in ``tests/data/hostile/`` (each with its ``# verdict:`` line)
or are made by ``tests/data/hostile/reading_hazards.py``.
"""

from __future__ import annotations

import faulthandler
import importlib.util
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from conftest import REPO, snapshot
from sendcli.store import summaries
from sendcli.store.checking import Target, check_record_bytes, read_bytes
from sendcli.core.deadlines import DeadlineSettings
from sendcli.store.fastload import fast_load
from sendcli.store.loading import MAX_PROBLEMS_LISTED, load_yaml, may_nest_deeper_than
from sendcli.store.schemas import date_field_names

HOSTILE = REPO / "tests" / "data" / "hostile"
TODAY = "2026-11-28"


def _module(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


hazards = _module(HOSTILE / "reading_hazards.py", "reading_hazards")
STORED = hazards.stored_verdicts(HOSTILE)
#: Ours among the stored files (other slices add theirs to the same folder).
OURS_STORED = ["deep-compact-nesting", "flow-indicator-text", "trailing-newline-admission",
               "control-character-name", "tab-indented-lines"]


def _hostile_file(name: str, records: Path) -> str:
    """Put hostile file ``name`` (stored or made) into ``records``; its file name."""
    if name in hazards.MAKERS:
        return hazards.MAKERS[name](records)
    shutil.copy(HOSTILE / f"{name}.yaml", records / f"{name}.yaml")
    return f"{name}.yaml"


def test_our_stored_files_say_their_verdict():
    assert set(OURS_STORED) <= set(STORED)


# -- every command that reads a record ------------------------------------------------------

#: (arguments, expected exit code): each must refuse or report the hostile record, never crash.
READERS = [
    (["check"], 1), (["check", "--format", "json"], 1), (["due"], 1), (["due", "--format", "csv"], 1),
    (["show", "{id}"], 1), (["report", "{id}"], 1), (["transfer", "{id}", "--output", "../pack"], 1),
    (["register"], 1), (["provision-map"], 1), (["stats"], 1),
]


@pytest.mark.parametrize("name", [*OURS_STORED, *hazards.MAKERS])
def test_each_hostile_file_gets_its_verdict_from_every_reading_command(casebook, run, name):
    rule, words = STORED.get(name) or hazards.VERDICTS[name]
    shutil.copy(sorted((REPO / "examples" / "records").glob("*.yaml"))[0], casebook / "records")
    file_name = _hostile_file(name, casebook / "records")
    record_id = file_name[:-5]
    before = snapshot(casebook)

    checked = run("check", "--format", "json")
    assert checked.exit_code == 1
    mine = [p for p in json.loads(checked.stdout)["problems"] if p["path"] == f"records/{file_name}"]
    first_error = next(p for p in mine if p["severity"] == "error")
    assert first_error["rule"] == rule and words in first_error["message"], first_error

    for args, code in READERS:
        result = run(*[a.format(id=record_id) for a in args])
        said = result.stdout + result.stderr
        assert result.exit_code == code, (args, result.stderr)
        assert "Traceback" not in said and "internal error" not in said, args
        assert record_id in said, args  # reported, never skipped silently
        assert hazards.SECRET not in said and "SECRET" not in said, args
        assert len(said) < 200_000, args  # nothing expanded into the output
    assert {k: v for k, v in snapshot(casebook).items() if not k.startswith(".sendcli")} == \
            {k: v for k, v in before.items() if not k.startswith(".sendcli")}


# -- a casebook of 250 records with one hostile file: bounded time and memory -----------------

def _generate(folder: Path, n: int) -> None:
    generate = _module(REPO / "bench" / "generate.py", "bench_generate")
    assert generate.main([str(folder), "--n", str(n), "--seed", "5"]) == 0


@pytest.fixture(scope="module")
def records_250(tmp_path_factory):
    root = tmp_path_factory.mktemp("cb250") / "cb"
    _generate(root, 250)
    return root


#: A small parent for the measured command. ``ru_maxrss`` counts the pages a child holds between
#: fork and exec, so a child forked straight from a large test process (pytest after a thousand
#: tests: 300 MB) would be charged with pytest's memory. This parent is a bare Python: it forks
#: and execs sendcli, waits for it with wait4, and writes its peak (with the workers it waited
#: for) to the file named in its first argument.
_MEASURING_PARENT = """
import os, sys
report, argv = sys.argv[1], sys.argv[2:]
pid = os.fork()
if pid == 0:
    os.execv(argv[0], argv)
_, status, usage = os.wait4(pid, 0)
with open(report, "w") as handle:
    handle.write(str(usage.ru_maxrss))
sys.exit(os.waitstatus_to_exitcode(status))
"""


def measured(args: list[str], cwd: Path, timeout: float = 180) -> tuple[int, str, str, float]:
    """Run ``sendcli ARGS`` in a child process: (exit code, stdout, stderr, peak RSS in MB).

    Peak memory is the command's own ``ru_maxrss`` (with any workers it waited for), from wait4
    in a small parent of its own (:data:`_MEASURING_PARENT`).
    """
    out, err, peak = cwd / ".out.txt", cwd / ".err.txt", cwd / ".peak.txt"
    env = {**os.environ, "SENDCLI_TODAY": TODAY, "NO_COLOR": "1", "COLUMNS": "100"}
    env.pop("SENDCLI_ROOT", None)
    with out.open("wb") as stdout, err.open("wb") as stderr:
        child = subprocess.Popen([sys.executable, "-c", _MEASURING_PARENT, str(peak), sys.executable, "-m",
                                  "sendcli", *args], cwd=cwd, env=env, stdout=stdout, stderr=stderr,
                                 stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        child.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, 9)
        child.wait()
        pytest.fail(f"sendcli {' '.join(args)} did not finish within {timeout} s")
    texts = out.read_text(errors="replace"), err.read_text(errors="replace")
    peak_kb = int(peak.read_text())
    for path in (out, err, peak):
        path.unlink()
    return child.returncode, *texts, peak_kb / 1024


@pytest.mark.parametrize("name", ["deep-compact-nesting", "alias-expansion", "duplicate-keys-many", "fifo-record",
                                  "symlinked-record"])
def test_a_casebook_wide_command_over_250_records_and_one_hostile_file_finishes(records_250, tmp_path, name):
    root = tmp_path / "cb"
    shutil.copytree(records_250, root, symlinks=True)
    file_name = _hostile_file(name, root / "records")
    for args in (["due"], ["check"]):
        code, stdout, stderr, peak_mb = measured(args, root)
        assert code == 1, (args, stderr[-2000:])
        assert f"records/{file_name}" in stdout + stderr
        assert "Traceback" not in stderr and "internal error" not in stderr
        assert peak_mb < 200, f"{args}: {peak_mb:.0f} MB"
    assert "checked 251 records: 250 valid" in stderr


def test_check_and_due_stay_under_200_mb_on_every_hostile_file(casebook):
    """All of tests/data/hostile/ (every slice's files) and the made ones, in one casebook."""
    for path in sorted(HOSTILE.glob("*.yaml")):
        shutil.copy(path, casebook / "records" / path.name)
    for name in hazards.MAKERS:
        _hostile_file(name, casebook / "records")
    count = len(list((casebook / "records").iterdir()))
    for args in (["check"], ["due"], ["check", "--no-cache"]):
        code, stdout, stderr, peak_mb = measured(args, casebook)
        assert code == 1 and "Traceback" not in stderr
        assert peak_mb < 200, f"{args}: {peak_mb:.0f} MB"
    assert f"checked {count} records: 0 valid" in stderr


# -- item 1: nesting bounded before the fast parser; a dead worker ------------------------------

def test_deep_nesting_never_reaches_the_fast_parser():
    """In a child process: were the bound gone, yaml-rs would take the process down with it."""
    script = ("from sendcli.store.fastload import fast_load\n"
              "for text in ['- ' * 12000 + 'x', 'a:\\n' + '- ' * 20000 + 'x', '? ' * 12000 + 'x',\n"
              "             'a: ' + '[' * 100000 + ']' * 100000 + '\\n', 'a: ' + '{' * 1000000 + '\\n']:\n"
              "    assert fast_load(text, frozenset()) is None\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr.decode()[-500:]


@pytest.mark.parametrize("text, levels, deeper", [
    ("a: 1\n", 64, False),
    ("- " * 40 + "x\n", 64, True),          # 40 levels need 80 columns: past 64 // 2
    ("- " * 10 + "x\n", 64, False),
    ("- " * 20 + "x\n", 64, True),           # 20 levels in 40 columns: may be past 64 (the bound is loose)
    ("a:\n" + " " * 40 + "b: 1\n", 64, True),
    ("a: >\n  text\n", 64, False),
])
def test_the_nesting_scan(text, levels, deeper):
    assert may_nest_deeper_than(text, levels) is deeper


def _depth(node, depth=1) -> int:
    children = [v for pair in node.value for v in pair] if node.id == "mapping" else \
        node.value if node.id == "sequence" else []
    return max([depth, *(_depth(child, depth + 1) for child in children)])


@pytest.mark.parametrize("seed", range(40))
def test_the_nesting_scan_never_underestimates(seed):
    """Random block documents: when the scan says 'not deeper than L', the real depth is at most L."""
    import random

    import yaml

    rng = random.Random(seed)
    lines, indent = [], 0
    for _ in range(rng.randint(1, 40)):
        lead = rng.choice(["- ", "- - ", "? ", ""])
        if lead.startswith("?"):
            lines.append(" " * indent + lead + "k")
            lines.append(" " * indent + ": v")
            continue
        if lead:
            lines.append(" " * indent + lead + "x")
        else:
            lines.append(" " * indent + f"k{len(lines)}:")
            indent += rng.choice([1, 2])
            lines.append(" " * indent + "- v")
    text = "\n".join(lines) + "\n"
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return
    depth = _depth(root) if root is not None else 0
    for levels in (4, 8, 16, 32, 64):
        if not may_nest_deeper_than(text, levels):
            assert depth <= levels, (text, depth, levels)


def _book_targets(root: Path) -> list[Target]:
    return [Target(path, f"records/{path.name}") for path in sorted((root / "records").iterdir())]


def _scan(root: Path) -> list:
    return list(summaries.scan(root, _book_targets(root), date.fromisoformat(TODAY), DeadlineSettings(),
                               use_cache=False))


@pytest.fixture
def small_book(tmp_path):
    root = tmp_path / "cb"
    _generate(root, 12)
    return root


def test_a_worker_that_dies_costs_one_file_not_the_run(small_book, monkeypatch):
    expected = _scan(small_book)  # in this process
    victim = expected[5].path
    original = summaries._read

    def crashing(item):
        if item[1] == victim:
            faulthandler.disable()  # pytest's would print this process's stack
            os.kill(os.getpid(), signal.SIGSEGV)  # what the deep file did to yaml-rs
        return original(item)

    monkeypatch.setattr(summaries, "_read", crashing)
    monkeypatch.setattr(summaries, "PARALLEL_MIN", 2)
    monkeypatch.setattr(summaries, "_cores", lambda: 2)
    got = _scan(small_book)
    assert [s.path for s in got] == [s.path for s in expected]
    for before, after in zip(expected, got):
        if after.path == victim:
            assert after.has_errors and after.deadlines is None
            assert "crashed the process reading it (signal 11)" in after.problems[0].message
        else:
            assert after == before


def test_a_worker_that_falls_silent_is_stopped(small_book, monkeypatch):
    expected = _scan(small_book)
    victim = expected[2].path
    original = summaries._read

    def stalling(item):
        if item[1] == victim:
            time.sleep(600)
        return original(item)

    monkeypatch.setattr(summaries, "_read", stalling)
    monkeypatch.setattr(summaries, "PARALLEL_MIN", 2)
    monkeypatch.setattr(summaries, "_cores", lambda: 2)
    monkeypatch.setattr(summaries, "WORKER_SILENCE_S", 1.0)
    got = _scan(small_book)
    assert [s.path for s in got] == [s.path for s in expected]
    stalled = next(s for s in got if s.path == victim)
    assert "took more than 1 s" in stalled.problems[0].message
    assert [s for s in got if s.path != victim] == [s for s in expected if s.path != victim]


def test_a_lost_file_is_not_kept_in_the_cache(small_book, monkeypatch):
    monkeypatch.setattr(summaries, "RACY_NS", 0)
    victim = "records/" + sorted(p.name for p in (small_book / "records").iterdir())[3]
    original = summaries._read
    monkeypatch.setattr(summaries, "_read", lambda item: summaries._lost("lost") if item[1] == victim
                        else original(item))
    list(summaries.scan(small_book, _book_targets(small_book), date.fromisoformat(TODAY), DeadlineSettings()))
    monkeypatch.setattr(summaries, "_read", original)
    again = list(summaries.scan(small_book, _book_targets(small_book), date.fromisoformat(TODAY),
                                DeadlineSettings()))
    assert not next(s for s in again if s.path == victim).has_errors  # read afresh, not "lost" from the cache


# -- item 2: aliases bounded by the bytes they expand to ----------------------------------------

def test_aliases_are_bounded_by_what_they_expand_to_and_reported_at_the_alias():
    long_text = "x" * 20_000
    within = f"a: &t {long_text}\nb: *t\n"
    assert load_yaml(within.encode()).ok  # one alias: the document is twice the file, at most
    beyond = f"a: &t {long_text}\nb:\n" + "  - *t\n" * 5
    loaded = load_yaml(beyond.encode())
    assert loaded.data is None and len(loaded.located) == 1
    assert loaded.located[0].line == 4 and "alias bomb" in loaded.located[0].message  # the 2nd alias


def test_the_fast_path_never_sees_an_alias():
    assert fast_load("a: &t text\nb: *t\n", date_field_names()) is None
    assert fast_load("a: [? &t x, ? *t]\n", date_field_names()) is None


# -- item 3: many problems in one file ----------------------------------------------------------

GOLDEN = (REPO / "tests" / "data" / "golden" / "bea-t17.yaml").read_text().replace("id: bea-t17", "id: bt-17")


def test_many_problems_are_listed_to_a_bound_then_counted():
    # 2,999 duplicate keys (the unknown field 'note' is the same place, so not reported again)
    raw = (GOLDEN + "note: again\n" * 3000).encode()
    problems = check_record_bytes(raw, "bt-17.yaml", date(2026, 11, 28), "bt-17").problems
    assert len(problems) == MAX_PROBLEMS_LISTED + 1
    last = problems[-1]
    assert last.severity == "error" and last.rule == "more"
    assert f"and {2999 - MAX_PROBLEMS_LISTED:,} more problems" in last.message
    assert [p.line for p in problems] == sorted(p.line for p in problems)


def test_the_last_line_is_a_warning_when_only_warnings_are_left_out():
    from sendcli.store.checking import Problem, capped

    problems = [Problem("x", line, 1, "error" if line < 3 else "warning", "r", "", "m") for line in range(1, 9)]
    assert [p.severity for p in capped(problems, 3)] == ["error", "error", "warning", "warning"]
    assert capped(problems, 3)[-1].message.startswith("... and 5 more problems")
    assert capped(problems, 7) == problems  # one more than the bound is listed, not counted


def test_each_duplicate_key_is_reported_at_its_own_line():
    loaded_problems = check_record_bytes(b"schema_version: 1\nid: x\na: 1\na: 2\na: 3\n", "x.yaml",
                                         date(2026, 11, 28), "x").problems
    duplicates = [p for p in loaded_problems if "duplicate key" in p.message]
    assert [(p.line, p.column) for p in duplicates] == [(4, 1), (5, 1)]


def test_a_few_problems_are_all_listed():
    raw = (GOLDEN + "note: again\n" * (MAX_PROBLEMS_LISTED + 1)).encode()
    problems = check_record_bytes(raw, "bt-17.yaml", date(2026, 11, 28), "bt-17").problems
    assert len(problems) == MAX_PROBLEMS_LISTED and not any(p.rule == "more" for p in problems)


# -- item 5: flow indicators ----------------------------------------------------------------------

@pytest.mark.parametrize("value", [">90% of days", "|x", ">- x", "|+", "?x", ":x", ">"])
def test_a_flow_indicator_starting_a_value_goes_to_the_precise_reader(value):
    for text in (f"views:\n  - {{date: 2026-01-05, from: child, text: {value}}}\n", f"a: [{value}]\n",
                 f"a: {{b: {value}}}\n"):
        assert fast_load(text, date_field_names()) is None, text
        quick = check_record_bytes(text.encode(), "x.yaml", date(2026, 11, 28), "x")
        precise = check_record_bytes(text.encode(), "x.yaml", date(2026, 11, 28), "x", fast=False)
        assert quick.problems == precise.problems


def test_the_tool_s_own_layout_with_a_flow_indicator_is_refused_not_crashed_later(casebook, run):
    shutil.copy(HOSTILE / "flow-indicator-text.yaml", casebook / "records")
    assert run("check").exit_code == 1
    result = run("add", "view", "flow-indicator-text", "--from", "child", "--text", "Hello")
    assert result.exit_code == 1 and "YAML syntax" in result.stderr


# -- items 16 and 17: only regular files, never through a link --------------------------------------

def test_read_bytes_reads_only_regular_files(tmp_path):
    secret = tmp_path / "outside.txt"
    secret.write_text(hazards.SECRET)
    os.symlink(secret, tmp_path / "link.yaml")
    os.symlink(tmp_path / "gone", tmp_path / "dangling.yaml")
    os.mkfifo(tmp_path / "pipe.yaml")
    (tmp_path / "folder.yaml").mkdir()
    assert "symbolic link" in read_bytes(tmp_path / "link.yaml")
    assert "symbolic link" in read_bytes(tmp_path / "dangling.yaml")
    assert "named pipe" in read_bytes(tmp_path / "pipe.yaml")
    assert "folder" in read_bytes(tmp_path / "folder.yaml")
    assert "device" in read_bytes(Path("/dev/null"))
    assert read_bytes(tmp_path / "link.yaml", follow_links=True) == hazards.SECRET.encode()
    for name in ("link.yaml", "dangling.yaml", "pipe.yaml"):
        assert "SECRET" not in read_bytes(tmp_path / name)


def test_a_symlinked_record_is_refused_by_name_and_shows_nothing_of_its_target(casebook, run):
    name = hazards.symlinked_record(casebook / "records")
    for args in (["show", name[:-5]], ["check"], ["due"], ["add", "view", name[:-5], "--from", "child",
                                                            "--text", "x"]):
        result = run(*args)
        assert result.exit_code == 1, args
        assert "SECRET" not in result.stdout + result.stderr
        assert "link" in result.stdout + result.stderr


# -- item 18: every cache column checked ----------------------------------------------------------

CORRUPTIONS = {
    "deadline-date": "UPDATE summaries SET deadlines = replace(deadlines, '\"2026-', '\"not-a-date-')",
    "deadline-shape": "UPDATE summaries SET deadlines = '[[1, 2, 3, 4, 5, 6]]'",
    "deadlines-not-a-list": "UPDATE summaries SET deadlines = '{\"a\": 1}'",
    "problem-line": "UPDATE summaries SET problems = '[[\"x\", 1, \"error\", \"r\", \"\", \"m\", \"\"]]'",
    "problem-severity": "UPDATE summaries SET problems = '[[1, 1, \"fatal\", \"r\", \"\", \"m\", \"\"]]'",
    "checked-on": "UPDATE summaries SET checked_on = 'garbage'",
    "settled-from": "UPDATE summaries SET settled_from = 5, checked_on = '2026-01-01'",
    "size-as-text": "UPDATE summaries SET size = 'big'",
}


@pytest.mark.parametrize("corruption", CORRUPTIONS)
def test_a_damaged_cache_column_is_a_miss_not_a_crash(small_book, run, monkeypatch, corruption):
    monkeypatch.chdir(small_book)
    monkeypatch.setattr(summaries, "RACY_NS", 0)
    cold = run("due", "--all", "--no-cache")
    assert run("due", "--all").exit_code == cold.exit_code  # fills the cache
    with sqlite3.connect(small_book / ".sendcli" / "summaries.sqlite") as connection:
        connection.execute(CORRUPTIONS[corruption])
    for args in (["due", "--all"], ["due", "--all"], ["check"]):
        result = run(*args)
        again = run(*args, "--no-cache")
        assert (result.exit_code, result.stdout, result.stderr) == (again.exit_code, again.stdout, again.stderr)


# -- items 9 and 20: the schema's patterns, the same for both validators ----------------------------

def _patterns() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for schema in ("record", "config", "local-offer"):
        def walk(node, schema=schema):
            if isinstance(node, dict):
                if isinstance(node.get("pattern"), str):
                    found.setdefault(node["pattern"], set()).add(schema)
                for value in node.values():
                    walk(value)
            elif isinstance(node, list):
                for value in node:
                    walk(value)
        walk(json.loads((REPO / "schemas" / f"{schema}.schema.json").read_text()))
    return found


#: A value each pattern takes, and whether a line break at its end is allowed (only in long text).
SAMPLES = {
    "^[a-z0-9][a-z0-9-]{0,62}(?!\\n)$": ("ava-b16", False),
    "^[a-z][a-z0-9]*(-[a-z0-9]+)*(?!\\n)$": ("class-teacher", False),
    "^[a-z][a-z0-9-]{0,31}(?!\\n)$": ("o1", False),
    "^https?://[^\\u0000-\\u0020\\u007f-\\u009f]+(?!\\n)$": ("https://example.org/offer", False),
    "^[A-Za-z0-9-]{1,20}(?!\\n)$": ("EX1604", False),
    "^[1-9][0-9]*/[a-z][a-z0-9-]{0,31}(?!\\n)$": ("2/o1", False),
    "^[A-Z][0-9]{11}[0-9A-Z](?!\\n)$": ("A12345678901B", False),
    "^[^@\\s\\u0000-\\u001f\\u007f-\\u009f]+@[^@\\s\\u0000-\\u001f\\u007f-\\u009f]+(?!\\n)$":
        ("senco@school.example", False),
    "^[^\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f]*(?!\\n)$": ("Reads with a ruler.\tWell.", True),
    "^[^\\u0000-\\u001f\\u007f-\\u009f]*(?!\\n)$": ("Test Child", False),
}


def _both_validators(pattern: str):
    import jsonschema
    import jsonschema_rs

    schema = {"type": "string", "pattern": pattern}
    slow, fast = jsonschema.Draft202012Validator(schema), jsonschema_rs.Draft202012Validator(schema)
    return lambda value: (slow.is_valid(value), fast.is_valid(value))


def test_every_pattern_of_every_schema_is_sampled():
    new = set(_patterns()) - set(SAMPLES)
    assert not new, (f"new schema patterns {sorted(new)}: end each with (?!\\n)$ rather than $ (Python's $ also "
                     "matches before a final line break), keep control characters out, and add a sample here")
    assert not set(SAMPLES) - set(_patterns())


@pytest.mark.parametrize("pattern", SAMPLES)
def test_both_validators_agree_on_a_trailing_line_break(pattern):
    sample, break_allowed = SAMPLES[pattern]
    valid = _both_validators(pattern)
    assert valid(sample) == (True, True)
    assert valid(sample + "\n") == (break_allowed, break_allowed)
    assert valid(sample + "\r") == (False, False)


@pytest.mark.parametrize("character", ["\x00", "\x07", "\x1b", "\r", "\x7f", "\x85", "\x9b"])
def test_text_and_names_refuse_control_characters_in_both_validators(character):
    text = _both_validators("^[^\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f]*(?!\\n)$")
    line = _both_validators("^[^\\u0000-\\u001f\\u007f-\\u009f]*(?!\\n)$")
    assert text(f"a{character}b") == (False, False)
    assert line(f"a{character}b") == (False, False)
    assert text("two\nlines\tand a tab") == (True, True)
    assert line("two\nlines") == (False, False)


def test_a_record_with_a_control_character_gets_the_same_verdict_either_way():
    for raw in ((HOSTILE / "control-character-name.yaml").read_bytes(),
                (HOSTILE / "trailing-newline-admission.yaml").read_bytes()):
        quick = check_record_bytes(raw, "x.yaml", date(2026, 11, 28), None)
        precise = check_record_bytes(raw, "x.yaml", date(2026, 11, 28), None, fast=False)
        assert quick.problems == precise.problems and quick.has_errors


# -- issue 14, item 12: a tab ----------------------------------------------------------------------

def test_every_tab_indented_line_is_reported_and_the_rest_said_unchecked():
    problems = check_record_bytes((HOSTILE / "tab-indented-lines.yaml").read_bytes(), "x.yaml",
                                  date(2026, 11, 28), "tab-indented-lines").problems
    assert [(p.line, p.column) for p in problems] == [(11, 1), (22, 1)]
    assert "the rest of the file is not checked" in problems[0].message
    assert "here too" in problems[1].message


def test_any_syntax_error_says_the_rest_was_not_checked():
    problems = check_record_bytes(b"a: [1, 2\nb: 3\n", "x.yaml", date(2026, 11, 28), "x").problems
    assert len(problems) == 1 and "the rest of the file is not checked" in problems[0].message


def test_the_flow_indicator_screen_is_the_lazy_regex_in_one_pass():
    """Same verdict as the regex it replaced (which took quadratic time on unclosed brackets)."""
    import random
    import re

    from sendcli.store.fastload import _flow_indicator_node

    reference = re.compile(r"[\[{](?:[^\]}]*?[\[{,:\s])?[?>|:@`%]")
    rng = random.Random(19)
    for _ in range(20_000):
        text = "".join(rng.choice("[]{}a ,:?>|@`%\n") for _ in range(rng.randint(0, 24)))
        assert _flow_indicator_node(text) == bool(reference.search(text)), repr(text)
