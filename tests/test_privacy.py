"""What a data protection officer needs: subject access export, purge at the end of retention, sealed packs."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import sqlite3
import subprocess
import tarfile
from datetime import date
from pathlib import Path

import pytest

from sendcli.core.chronology import chronology
from tests.conftest import snapshot

pyrage = pytest.importorskip("pyrage")

GIT_ENV = {"GIT_AUTHOR_NAME": "Ms Keyworker", "GIT_AUTHOR_EMAIL": "keyworker@school.invalid",
           "GIT_COMMITTER_NAME": "Ms Keyworker", "GIT_COMMITTER_EMAIL": "keyworker@school.invalid"}


def git(root: Path, *args: str) -> str:
    import os

    result = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=True,
                            env={**os.environ, **GIT_ENV})
    return result.stdout


def committed_casebook(casebook: Path, run) -> Path:
    """Two near-identical children (siblings' records copied from one another), each committed."""
    git(casebook, "init", "-q")
    for record_id, name in (("tw-16", "Tess Twinexample"), ("tx-16", "Toby Twinexample")):
        assert run("new", record_id, "--name", name, "--dob", "2016-03-01", "--need", "SLCN").exit_code == 0
        assert run("add", "view", record_id, "--from", "parent", "--text", f"{name.split()[0]} loves trains",
                   "--by", "Mr Staffname", "--date", "2026-10-01").exit_code == 0
        assert run("add", "meeting", record_id, "--with", "parent", "--text", "Autumn meeting",
                   "--date", "2026-10-02").exit_code == 0
    git(casebook, "add", "-A")
    git(casebook, "commit", "-qm", "two records")
    assert run("add", "note", "tw-16", "--text", "x", env={}).exit_code in (0, 1)  # no open cycle: either is fine
    assert run("cycle", "open", "tw-16", "--date", "2026-10-05", "--commit", env=GIT_ENV).exit_code == 0
    return casebook


# -- chronology ---------------------------------------------------------------------------------------

def test_chronology_is_every_dated_event_oldest_first():
    record = {
        "id": "ab-16", "created": "2026-09-01",
        "child": {"name": "A B", "date_of_birth": "2016-01-01"},
        "register": {"entered": "2026-09-01", "left": None},
        "views": [{"date": "2026-09-20", "from": "parent", "text": "Second"},
                  {"date": "2026-09-10", "from": "child", "text": "First"}],
        "cycles": [{"number": 1, "opened": "2026-09-05",
                    "history": [{"stage": "assess", "date": "2026-09-05"},
                                {"stage": "do", "date": "2026-09-30", "without_family": "no reply"}],
                    "plan": {"agreed": "2026-09-30", "review_date": "2026-12-10"}}],
        "ehc": {"requested": "2026-09-15", "decision": {"date": "2026-10-20", "outcome": "assess"}},
        "closed": None,
    }
    events = chronology(record)
    days = [event.date for event in events]
    assert days == sorted(days)
    assert date(2016, 1, 1) not in days, "the date of birth is not an event"
    assert date(2026, 12, 10) not in days, "a review date still to come is not an event"
    whats = [event.what for event in events]
    assert whats.count("Cycle 1: opened (assess)") == 1, "a cycle's opening is told once"
    assert "EHC needs assessment requested" in whats
    decision = next(event for event in events if event.where == "ehc.decision")
    assert decision.detail == "assess"
    moved = next(event for event in events if event.where == "cycles[0].history[1]")
    assert "without the family no reply" in moved.detail
    first, second = [event for event in events if event.where.startswith("views")]
    assert (first.detail, second.detail) == ("from child; First", "from parent; Second")


# -- export ------------------------------------------------------------------------------------------------

def test_export_holds_the_child_and_nothing_of_any_other(casebook, run, tmp_path):
    committed_casebook(casebook, run)
    out = tmp_path / "sar"
    result = run("export", "tw-16", "--output", str(out))
    assert result.exit_code == 0, result.stderr
    names = sorted(path.name for path in out.iterdir())
    assert "tw-16.yaml" in names and "tw-16.chronology.html" in names and "tw-16.history.txt" in names
    assert "tw-16.deadlines.json" in names and "tw-16.profile.html" in names and "manifest.json" in names
    assert "tw-16.ehc-request.html" in names, "every report that applies to the record's state"
    assert (out / "tw-16.yaml").read_bytes() == (casebook / "records" / "tw-16.yaml").read_bytes()
    assert oct(out.stat().st_mode & 0o777) == "0o700"
    assert all(oct(path.stat().st_mode & 0o777) == "0o600" for path in out.iterdir())
    for path in out.iterdir():
        text = path.read_text(encoding="utf-8")
        assert "tx-16" not in text and "Toby" not in text, f"{path.name} tells of another child"
    history = (out / "tw-16.history.txt").read_text(encoding="utf-8")
    assert "two records" in history and "tw-16: " in history and "+id: tw-16" in history
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["files"]:
        assert hashlib.sha256((out / entry["name"]).read_bytes()).hexdigest() == entry["sha256"]
    assert {entry["name"] for entry in manifest["files"]} == set(names) - {"manifest.json"}
    chronology_text = (out / "tw-16.chronology.md").read_text(encoding="utf-8")
    assert "Tess loves trains" in chronology_text and "Autumn meeting" in chronology_text
    deadlines = json.loads((out / "tw-16.deadlines.json").read_text(encoding="utf-8"))
    shown = json.loads(run("due", "--all", "--format", "json").stdout)
    assert {item["kind"] for item in deadlines["deadlines"]} == \
        {item["kind"] for item in shown["items"] if item["record"] == "tw-16"}


def test_export_can_leave_staff_names_out(casebook, run, tmp_path):
    committed_casebook(casebook, run)
    path = casebook / "records" / "tw-16.yaml"
    path.write_text(path.read_text().replace("people: []", "people:\n  - {name: Mrs Teachername, role: class-teacher}"))
    assert "Mrs Teachername" in path.read_text()
    git(casebook, "commit", "-qam", "tw-16: person added")
    out = tmp_path / "sar"
    assert run("export", "tw-16", "--redact-staff", "--output", str(out)).exit_code == 0
    everything = "".join(path.read_text(encoding="utf-8") for path in out.iterdir())
    assert "Mr Staffname" not in everything and "Ms Keyworker" not in everything
    assert "Mrs Teachername" not in everything
    assert "Tess Twinexample" in everything, "the child is still named for the child's own request"


def test_export_refuses_a_folder_in_use_and_works_outside_git(casebook, run, tmp_path):
    assert run("new", "ab-16", "--name", "Alex Example", "--dob", "2016-03-01", "--need", "NSA").exit_code == 0
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "keep.txt").write_text("mine")
    result = run("export", "ab-16", "--output", str(busy))
    assert result.exit_code == 1 and "not empty" in result.stderr
    assert sorted(path.name for path in busy.iterdir()) == ["keep.txt"]
    out = tmp_path / "plain"
    result = run("export", "ab-16", "--output", str(out))
    assert result.exit_code == 0
    assert "not a git repository" in result.stderr
    assert not (out / "ab-16.history.txt").exists()


# -- sealed packs -----------------------------------------------------------------------------------------

@pytest.fixture
def keys(tmp_path):
    made = {}
    for who in ("school", "stranger"):
        identity = pyrage.x25519.Identity.generate()
        path = tmp_path / f"{who}.key"
        path.write_text(f"# created for a test\n{identity}\n")
        made[who] = (path, str(identity.to_public()))
    return made


def test_a_sealed_export_holds_no_plaintext_and_opens_to_its_manifest(casebook, run, tmp_path, keys):
    committed_casebook(casebook, run)
    sealed = tmp_path / "tw-16.age"
    result = run("export", "tw-16", "--encrypt-to", keys["school"][1], "--output", str(sealed))
    assert result.exit_code == 0, result.stderr
    data = sealed.read_bytes()
    assert data.startswith(b"age-encryption.org/v1")
    for plain in (b"Tess", b"Twinexample", b"loves trains", b"SLCN", b"2016-03-01"):
        assert plain not in data
    assert oct(sealed.stat().st_mode & 0o777) == "0o600"
    opened = tmp_path / "opened"
    result = run("decrypt", str(sealed), "--identity", str(keys["school"][0]), "--output", str(opened))
    assert result.exit_code == 0, result.stderr
    manifest = json.loads((opened / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["files"]:
        assert hashlib.sha256((opened / entry["name"]).read_bytes()).hexdigest() == entry["sha256"]
    assert (opened / "tw-16.yaml").read_bytes() == (casebook / "records" / "tw-16.yaml").read_bytes()


def test_a_wrong_key_a_truncated_or_a_tampered_pack_is_refused_and_writes_nothing(casebook, run, tmp_path, keys):
    committed_casebook(casebook, run)
    sealed = tmp_path / "tw-16.age"
    assert run("export", "tw-16", "--encrypt-to", keys["school"][1], "--output", str(sealed)).exit_code == 0
    data = sealed.read_bytes()
    truncated = tmp_path / "truncated.age"
    truncated.write_bytes(data[: len(data) // 2])
    tampered = tmp_path / "tampered.age"
    tampered.write_bytes(data[:-40] + bytes([data[-40] ^ 1]) + data[-39:])
    attempts = [(sealed, keys["stranger"][0]), (truncated, keys["school"][0]), (tampered, keys["school"][0])]
    for pack, identity in attempts:
        out = tmp_path / f"out-{pack.stem}-{identity.stem}"
        result = run("decrypt", str(pack), "--identity", str(identity), "--output", str(out))
        assert result.exit_code == 1, (pack, result.stderr)
        assert "cannot be opened" in result.stderr and "Traceback" not in result.stderr
        assert not out.exists()


def test_a_pack_that_does_not_match_its_manifest_is_refused(tmp_path, run, keys):
    from sendcli.exchange.sealing import read_recipients, seal

    recipients = read_recipients([keys["school"][1]])
    manifest = {"files": [{"name": "ab-16.yaml", "sha256": hashlib.sha256(b"original").hexdigest()}]}
    bad = tmp_path / "bad.age"
    bad.write_bytes(seal({"ab-16.yaml": b"changed", "manifest.json": json.dumps(manifest).encode()}, recipients))
    out = tmp_path / "out"
    result = run("decrypt", str(bad), "--identity", str(keys["school"][0]), "--output", str(out))
    assert result.exit_code == 1 and "does not match its manifest" in result.stderr
    assert not out.exists()
    # A pack built by hand with a path that climbs out of the folder.
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        member = tarfile.TarInfo("../escape.txt")
        member.size = 1
        archive.addfile(member, io.BytesIO(b"x"))
    climbing = tmp_path / "climb.age"
    climbing.write_bytes(pyrage.encrypt(buffer.getvalue(), recipients))
    result = run("decrypt", str(climbing), "--identity", str(keys["school"][0]), "--output", str(out))
    assert result.exit_code == 1 and not (tmp_path / "escape.txt").exists() and not out.exists()


@pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="ssh-keygen is not installed")
def test_ssh_keys_seal_and_open_a_pack(casebook, run, tmp_path):
    committed_casebook(casebook, run)
    key = tmp_path / "id_ed25519"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
    sealed = tmp_path / "tw-16.age"
    assert run("export", "tw-16", "--encrypt-to", f"{key}.pub", "--output", str(sealed)).exit_code == 0
    out = tmp_path / "out"
    assert run("decrypt", str(sealed), "--identity", str(key), "--output", str(out)).exit_code == 0
    assert (out / "tw-16.yaml").exists()


def test_a_recipient_that_is_not_a_key_is_a_usage_error(casebook, run, tmp_path):
    assert run("new", "ab-16", "--name", "Alex Example", "--dob", "2016-03-01", "--need", "NSA").exit_code == 0
    result = run("export", "ab-16", "--encrypt-to", "age1notakey", "--output", str(tmp_path / "x.age"))
    assert result.exit_code == 2 and "not an age public key" in result.stderr
    assert not (tmp_path / "x.age").exists()


# -- purge ---------------------------------------------------------------------------------------------------

LONG_AFTER = {"SENDCLI_TODAY": "2048-06-01"}  # date of birth 2016-03-01 + 31 years has passed


def closed_committed(casebook: Path, run) -> Path:
    committed_casebook(casebook, run)
    assert run("close", "tw-16", "--reason", "no-longer-needed",
               "--commit", env=GIT_ENV).exit_code == 0
    return casebook


def test_purge_before_the_retention_date_is_refused_and_changes_nothing(casebook, run):
    closed_committed(casebook, run)
    before, head = snapshot(casebook), git(casebook, "rev-parse", "HEAD")
    result = run("purge", "tw-16", "--yes")
    assert result.exit_code == 1 and "2047-03-01" in result.stderr
    result = run("purge", "tx-16", "--yes", env=LONG_AFTER)
    assert result.exit_code == 1 and "closed" in result.stderr
    assert snapshot(casebook) == before and git(casebook, "rev-parse", "HEAD") == head
    assert not (casebook / "purged.log").exists()


def test_purge_asks_first_and_refuses_without_a_terminal(casebook, run):
    closed_committed(casebook, run)
    before = snapshot(casebook)
    result = run("purge", "tw-16", env=LONG_AFTER)
    assert result.exit_code == 1 and "--yes" in result.stderr
    assert snapshot(casebook) == before


def test_purge_removes_the_record_its_cache_rows_and_lock_and_logs_it(casebook, run):
    closed_committed(casebook, run)
    import time

    time.sleep(2.1)  # the cache keeps only files quiet for 2 s (a file being written may change again)
    assert run("check", env=LONG_AFTER).exit_code in (0, 1)  # fills the summary cache
    cached = sqlite3.connect(casebook / ".sendcli" / "summaries.sqlite").execute(
        "SELECT path FROM summaries").fetchall()
    assert ("records/tw-16.yaml",) in cached
    (casebook / ".sendcli" / "locks").mkdir(parents=True, exist_ok=True)
    (casebook / ".sendcli" / "locks" / "tw-16.lock").touch()
    result = run("purge", "tw-16", "--yes", env={**LONG_AFTER, **GIT_ENV})
    assert result.exit_code == 0, result.stderr
    assert not (casebook / "records" / "tw-16.yaml").exists()
    assert not (casebook / ".sendcli" / "locks" / "tw-16.lock").exists()
    rows = sqlite3.connect(casebook / ".sendcli" / "summaries.sqlite").execute(
        "SELECT path FROM summaries").fetchall()
    assert rows and not any("tw-16" in row[0] for row in rows)
    log = (casebook / "purged.log").read_text(encoding="utf-8").splitlines()
    assert log[-1].split("\t")[:2] == ["tw-16", "2048-06-01"]
    assert "Tess" not in (casebook / "purged.log").read_text(encoding="utf-8")
    assert git(casebook, "log", "-1", "--format=%s") == "tw-16: purged (retention)\n"
    assert git(casebook, "status", "--porcelain", "--untracked-files=no") == ""
    assert "--history" in result.stderr, "the user is told that older commits still hold it"
    assert git(casebook, "log", "--all", "--format=%H", "--", "records/tw-16.yaml").strip()


def test_purge_history_leaves_no_commit_holding_the_record(casebook, run):
    closed_committed(casebook, run)
    blob = git(casebook, "rev-parse", "HEAD:records/tw-16.yaml").strip()
    result = run("purge", "tw-16", "--history", "--yes", env={**LONG_AFTER, **GIT_ENV})
    assert result.exit_code == 0, result.stderr
    assert "force-push" in result.stderr and "clone afresh" in result.stderr
    for commit in git(casebook, "rev-list", "--all").split():
        assert "records/tw-16.yaml" not in git(casebook, "ls-tree", "-r", "--name-only", commit)
    assert "tx-16" in git(casebook, "ls-tree", "-r", "--name-only", "HEAD"), "the sibling's record is untouched"
    gone = subprocess.run(["git", "-C", str(casebook), "cat-file", "-e", blob], capture_output=True)
    assert gone.returncode != 0, "the record's old content is still in the object store"
    assert "tw-16" in (casebook / "purged.log").read_text(encoding="utf-8")


def test_purge_history_refuses_uncommitted_work_and_a_missing_filter_repo(casebook, run, monkeypatch):
    closed_committed(casebook, run)
    (casebook / "records" / "tx-16.yaml").write_text(
        (casebook / "records" / "tx-16.yaml").read_text() + "# a change not yet committed\n")
    before = snapshot(casebook)
    result = run("purge", "tw-16", "--history", "--yes", env=LONG_AFTER)
    assert result.exit_code == 1 and "commit or stash" in result.stderr
    assert snapshot(casebook) == before
    monkeypatch.setattr("sendcli.store.purging.FILTER_REPO", "git-filter-repo-not-installed")
    monkeypatch.setattr("sendcli.store.purging.shutil.which", lambda name: None)
    result = run("purge", "tw-16", "--history", "--yes", env=LONG_AFTER)
    assert result.exit_code == 1 and "pip install git-filter-repo" in result.stderr
    assert snapshot(casebook) == before


def test_purge_works_outside_git(casebook, run):
    assert run("new", "ab-16", "--name", "Alex Example", "--dob", "2016-03-01", "--need", "NSA").exit_code == 0
    assert run("close", "ab-16", "--reason", "other").exit_code == 0
    result = run("purge", "ab-16", "--yes", env=LONG_AFTER)
    assert result.exit_code == 0, result.stderr
    assert not (casebook / "records" / "ab-16.yaml").exists()
    assert (casebook / "purged.log").read_text().splitlines()[-1].startswith("ab-16\t2048-06-01\t")


def test_the_dpia_names_only_tests_that_exist():
    import ast
    import re

    from tests.conftest import REPO

    text = (REPO / "docs" / "dpia.md").read_text(encoding="utf-8")
    named = re.findall(r"`(tests/[\w/]+\.py)::(\w+)`", text)
    assert len(named) >= 10
    for path, test in named:
        tree = ast.parse((REPO / path).read_text(encoding="utf-8"))
        defined = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
        assert test in defined, f"docs/dpia.md names {path}::{test}, which does not exist"
    assert "../shared" not in text and "rules.md" not in text


def test_a_sealed_transfer_pack_opens_to_the_same_files_and_records_the_transfer(casebook, run, tmp_path, keys):
    committed_casebook(casebook, run)
    sealed = tmp_path / "tw-16.age"
    result = run("transfer", "tw-16", "--encrypt-to", keys["school"][1], "--encrypt-to", keys["stranger"][1],
                 "--output", str(sealed))
    assert result.exit_code == 0, result.stderr
    assert b"Twinexample" not in sealed.read_bytes()
    assert sorted(path.name for path in tmp_path.iterdir() if path.name.startswith("tw-16")) == ["tw-16.age"]
    for who in ("school", "stranger"):  # each recipient can open it
        out = tmp_path / f"opened-{who}"
        assert run("decrypt", str(sealed), "--identity", str(keys[who][0]), "--output", str(out)).exit_code == 0
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        assert {entry["name"] for entry in manifest["files"]} >= {"tw-16.yaml", "tw-16.profile.html"}
    again = run("transfer", "tw-16", "--encrypt-to", keys["school"][1], "--output", str(sealed))
    assert again.exit_code == 1 and "already exists" in again.stderr


# -- redaction by default ------------------------------------------------------------------------------

def test_redact_true_in_settings_makes_redaction_the_default(example_casebook, run):
    config = example_casebook / "sendcli.yaml"
    names = ["Ava Example"]
    plain = run("due", "--all", "--format", "json")
    assert any(name in plain.stdout for name in names)
    config.write_text(config.read_text(encoding="utf-8") + "redact: true\n", encoding="utf-8")
    assert run("check", "sendcli.yaml").exit_code == 0
    for output in ("text", "json", "csv", "ics"):
        shown = run("due", "--all", "--format", output)
        assert shown.exit_code in (0, 1)
        assert not any(name in shown.stdout for name in names), output
        assert "retention" not in shown.stdout
    for command in (("report", "ae-16"), ("report", "ae-16", "--template", "parent", "--format", "md"),
                    ("register",), ("provision-map",)):
        shown = run(*command)
        assert shown.exit_code == 0, (command, shown.stderr)
        assert "Ava Example" not in shown.stdout and "Ava" not in shown.stdout, command
    unredacted = run("due", "--all", "--format", "json", "--no-redact")
    assert "Ava Example" in unredacted.stdout
    assert "Ava Example" in run("register", "--no-redact").stdout
