"""Hostile input through every command, crashes mid-write, permissions and round-trip properties
(quality.md: "Bad input", "Reliability", "Security and privacy")."""

import os
import random
import signal
import stat
import subprocess
import sys
import time
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import REPO, snapshot
from sendcli.store.checking import check_record_bytes
from sendcli.core.workflow import Edit
from sendcli.store.loading import load_yaml
from sendcli.store.writing import apply_edits

DATA = REPO / "tests" / "data"
HOSTILE = sorted((DATA / "hostile").glob("*.yaml")) + [
    p for p in sorted((DATA / "broken").glob("*.yaml")) if b"# expect:" in p.read_bytes()[:400]]

#: Every command that reads a record, with the arguments it needs; each must refuse a hostile one.
READERS = [
    ["show", "{id}"], ["show", "{id}", "--format", "json"],
    ["add", "view", "{id}", "--from", "child", "--text", "Hi"],
    ["add", "meeting", "{id}", "--with", "parent", "--text", "Hi"],
    ["add", "outcome", "{id}", "--text", "Hi"],
    ["cycle", "open", "{id}"], ["cycle", "advance", "{id}"],
    ["cycle", "review", "{id}", "--decision", "continue"],
    ["ehc", "request", "{id}"], ["close", "{id}", "--reason", "moved-school"],
    ["report", "{id}"], ["report", "{id}", "--template", "parent", "--format", "md"],
    ["transfer", "{id}", "--output", "pack"],
]


def test_the_hostile_corpus_is_there():
    assert len(HOSTILE) >= 60


@pytest.mark.parametrize("path", HOSTILE, ids=[f"{p.parent.name}/{p.name}" for p in HOSTILE])
def test_every_command_refuses_hostile_input_cleanly(casebook, run, path):
    record_id = path.stem
    target = casebook / "records" / path.name
    target.write_bytes(path.read_bytes())
    before = snapshot(casebook)
    check = run("check")
    assert check.exit_code == 1 and f"records/{path.name}:" in check.stdout
    due = run("due", "--format", "json")
    assert due.exit_code == 1 and f"unreadable: records/{path.name}:" in due.stderr
    for args in READERS:
        result = run(*[a.format(id=record_id) for a in args])
        assert result.exit_code == 1, (args, result.stderr)
        assert "Traceback" not in result.stdout + result.stderr
        assert result.stderr.startswith("sendcli: ")
    edit = run("edit", record_id, env={"EDITOR": "true", "VISUAL": ""})  # editing is how a bad record is fixed
    assert edit.exit_code == 0 and "no changes" in edit.stdout
    assert {k: v for k, v in snapshot(casebook).items() if not k.startswith(".sendcli")} == \
        {k: v for k, v in before.items() if not k.startswith(".sendcli")}


@pytest.mark.parametrize("value", ["../x", "x/y", "Ava", "ava.yaml", "-x", "a" * 64, ".", "..", "%2e%2e"])
def test_ids_that_could_name_another_path_are_refused(casebook, run, value):
    for args in (["show", value], ["add", "view", value, "--from", "child", "--text", "x"], ["log", value],
                 ["edit", value], ["new", value, "--name", "X", "--dob", "2016-01-01", "--need", "SLCN"]):
        result = run(*args)
        assert result.exit_code == 2, args
        # "-x" reads as an unknown option: a usage error before any ID is looked at.
        assert value == "-x" or "not a valid record ID" in result.stderr, args


# -- crashes ------------------------------------------------------------------------------------

def test_a_writer_killed_at_random_moments_leaves_a_valid_record(casebook, run):
    assert run("new", "ae-16", "--name", "Ava Example", "--dob", "2016-05-14", "--need", "SLCN").exit_code == 0
    path = casebook / "records" / "ae-16.yaml"
    env = {**os.environ, "SENDCLI_TODAY": "2026-11-28"}
    rng = random.Random(7)
    views = 0
    for attempt in range(24):
        writer = subprocess.Popen([sys.executable, "-m", "sendcli", "--root", str(casebook), "add", "view",
                                   "ae-16", "--from", "parent", "--text", f"view {attempt}"], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.05, 0.6))
        writer.send_signal(signal.SIGKILL)
        writer.wait()
        raw = path.read_bytes()
        verdict = check_record_bytes(raw, "x", date(2026, 11, 28), "ae-16")
        assert verdict.problems == [], f"attempt {attempt}: the record is damaged"
        now = len(verdict.data["views"])
        assert now in (views, views + 1), "a write was half done, or done twice"
        views = now
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not [p for p in path.parent.iterdir() if p.name != "ae-16.yaml" and not p.name.startswith(".")]
    started = time.monotonic()
    assert run("add", "view", "ae-16", "--from", "child", "--text", "after", env={"SENDCLI_LOCK_TIMEOUT": "5"}
               ).exit_code == 0
    assert time.monotonic() - started < 5  # no stale lock to wait out


def test_temp_files_of_killed_writers_are_not_mistaken_for_records(casebook, run):
    (casebook / "records" / ".ae-16.yaml.abc123.tmp").write_text("half a record")
    assert run("check").exit_code == 0


# -- permissions -----------------------------------------------------------------------------------

def test_files_private_whatever_the_umask(tmp_path, run, monkeypatch):
    old = os.umask(0)
    try:
        assert run("init", str(tmp_path / "cb")).exit_code == 0
        monkeypatch.chdir(tmp_path / "cb")
        assert run("new", "ae-16", "--name", "Ava", "--dob", "2016-05-14", "--need", "SLCN").exit_code == 0
        assert run("cycle", "open", "ae-16").exit_code == 0
        assert run("edit", "ae-16", env={"EDITOR": f"{sys.executable} -c pass", "VISUAL": ""}).exit_code == 0
    finally:
        os.umask(old)
    for path in (tmp_path / "cb").rglob("*"):
        expected = 0o700 if path.is_dir() else 0o600
        assert stat.S_IMODE(path.stat().st_mode) == expected, path


def test_lock_files_hold_nothing(casebook, run):
    assert run("new", "ae-16", "--name", "Ava Example", "--dob", "2016-05-14", "--need", "SLCN").exit_code == 0
    assert run("add", "view", "ae-16", "--from", "child", "--text", "Secret words").exit_code == 0
    for path in (casebook / ".sendcli").rglob("*"):
        if path.is_file():
            assert path.read_bytes() == b"", path


# -- properties ----------------------------------------------------------------------------------

GOLDEN = (DATA / "golden" / "bea-t17.yaml").read_text()
LINES = GOLDEN.splitlines()
#: Lines that can take an end-of-line comment: not inside the folded text, not already commented.
COMMENTABLE = [i for i, line in enumerate(LINES) if line.strip() and "#" not in line
               and not line.startswith("    ") or (line.startswith("    ") and ":" in line and "#" not in line
                                                   and not LINES[i - 1].rstrip().endswith((">-", "to")))]
COMMENTABLE = [i for i in COMMENTABLE if not LINES[i].strip().startswith(("Slow", "follow"))]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(COMMENTABLE), st.text(alphabet="abcdefghij klmnop-", min_size=1, max_size=20),
                       max_size=8),
       st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40))
def test_a_write_keeps_every_comment_and_value_it_did_not_mean_to_change(comments, view_text):
    lines = list(LINES)
    for index, comment in comments.items():
        lines[index] = f"{lines[index]}  # {comment.strip() or 'x'}"
    before = "\n".join(lines) + "\n"
    original = load_yaml(before.encode())
    assert original.ok, "the fixture with comments must itself be valid"
    view = {"date": date(2026, 9, 20), "from": "child", "text": view_text}
    after = apply_edits(before, [Edit(("views",), view, append=True)])
    reread = load_yaml(after.encode())
    assert reread.ok
    expected = dict(original.data)
    expected["views"] = [*original.data["views"], {**view, "date": "2026-09-20"}]
    assert reread.data == expected
    for index, comment in comments.items():
        assert f"# {comment.strip() or 'x'}" in after
    kept = [line for line in after.splitlines() if "2026-09-20, from: child" not in line]
    assert kept == before.splitlines()  # every other line byte for byte


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400) | st.text(alphabet=st.sampled_from(list("ab: -[]{}&*!|>'\"#\n?,.01yYnN~%@`\t")),
                                         max_size=200).map(str.encode))
def test_the_whole_check_never_raises_on_arbitrary_input(raw):
    verdict = check_record_bytes(raw, "x.yaml", date(2026, 11, 28), "x")
    for problem in verdict.problems:
        assert problem.line >= 1 and problem.column >= 1 and problem.message


def _records_like():
    """Arbitrary edits of a valid record's values: the rules and schema see every shape and still never raise."""
    base = load_yaml((DATA / "golden" / "bea-t17.yaml").read_bytes()).data
    keys = ["status", "child", "needs", "register", "views", "cycles", "closed", "id"]
    values = st.none() | st.booleans() | st.integers() | st.text(max_size=10) | st.lists(st.text(max_size=5)) \
        | st.dictionaries(st.text(max_size=5), st.text(max_size=5))
    return st.dictionaries(st.sampled_from(keys), values, max_size=4).map(lambda change: {**base, **change})


@settings(max_examples=200, deadline=None)
@given(_records_like())
def test_check_never_raises_on_a_record_of_any_shape(document):
    from sendcli.store.writing import dump_yaml

    try:
        text = dump_yaml(document)
    except Exception:  # noqa: BLE001 - hypothesis may build what YAML cannot write; not our question
        return
    check_record_bytes(text.encode(), "bea-t17.yaml", date(2026, 11, 28), "bea-t17")
