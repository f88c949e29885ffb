"""The writing and output layer under attack (issue 19: output paths, CSV and terminal injection,
redaction, commit messages, private folders, temp files, OS errors, templates, IDs).

Each case of tests/data/hostile/writing/ is set up in a copy of examples/ and run through every
command it concerns, with its expected verdict; the tests below it cover what a case file cannot
say (a named pipe, a full disk, a file-size limit, a read-only folder).
"""

from __future__ import annotations

import csv
import errno
import io
import os
import shutil
import stat
import subprocess
import sys
import threading
import tomllib
from pathlib import Path

import pytest

from conftest import REPO, snapshot
from sendcli.documents import rendering
from sendcli.documents.output import csv_cell, csv_text, printable, protected_reason

CASES = sorted((REPO / "tests" / "data" / "hostile" / "writing").glob("*.toml"))
#: Stands for a CSV cell longer than the csv module's 128 KiB field limit.
LONG_CELL = "@@LONG@@"
#: Control characters that must never reach a person's terminal raw (a newline may; a tab may).
RAW_CONTROLS = [chr(c) for c in (*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F, *range(0x80, 0xA0))]


def _as_list(value) -> list:
    return value if isinstance(value, list) else [] if value is None else [value]


def _git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=True).stdout


def _prepare(root: Path, run, step: dict) -> None:
    if "run" in step:
        result = run(*step["run"])
        # allow_refusal: text the schema may refuse to store (the verdict then holds trivially)
        assert result.exit_code == 0 or (step.get("allow_refusal") and result.exit_code == 1), (step, result.stderr)
    elif "write" in step:
        path = root / step["write"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(step["text"].replace(LONG_CELL, "x" * 140_000).encode("utf-8"))
    elif "symlink" in step:
        link = root / step["symlink"]
        if link.is_dir() and not link.is_symlink():
            shutil.rmtree(link)  # a .sendcli the copied examples brought along
        link.symlink_to(step["to"])
    elif "mkdir" in step:
        (root / step["mkdir"]).mkdir(parents=True, exist_ok=True)
    elif "move" in step:
        shutil.move(root / step["move"], root / step["to"])
    elif step.get("git"):
        _git(root, "init", "-q")
        _git(root, "-c", "user.name=Test SENCO", "-c", "user.email=senco@example.invalid", "add", "-A")
        _git(root, "-c", "user.name=Test SENCO", "-c", "user.email=senco@example.invalid", "commit", "-qm", "casebook")
    else:
        raise AssertionError(f"unknown prepare step {step}")


def _unchanged(root: Path, before: dict[str, bytes]) -> None:
    ours = {k: v for k, v in snapshot(root).items() if not k.startswith(".sendcli")}
    assert ours == {k: v for k, v in before.items() if not k.startswith(".sendcli")}


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_hostile_writing_case(example_casebook, run, monkeypatch, case):
    spec = tomllib.loads(case.read_text(encoding="utf-8"))
    assert spec["item"].startswith("19.") and spec["verdict"], "every case says its item and verdict"
    root = example_casebook
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Test SENCO")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "senco@example.invalid")
    monkeypatch.setenv("GIT_COMMITTER_NAME", "Test SENCO")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "senco@example.invalid")
    if "render_seconds" in spec:
        monkeypatch.setattr(rendering, "RENDER_SECONDS", float(spec["render_seconds"]))
    if "render_memory_mb" in spec:
        monkeypatch.setattr(rendering, "RENDER_MAX_EXTRA_MEMORY", spec["render_memory_mb"] * 1024 * 1024)
    for step in spec.get("prepare", []):
        _prepare(root, run, step)
    for check in spec["run"]:
        before = snapshot(root)
        result = run(*check["args"], env=check.get("env"))
        where = (case.name, check["args"], result.exit_code, result.stderr[-600:])
        assert result.exit_code in _as_list(check["exit"]), where
        assert "Traceback" not in result.stdout + result.stderr and "internal error" not in result.stderr, where
        for text in (result.stdout, result.stderr):
            assert not [c for c in RAW_CONTROLS if c in text], (where, "a raw control character in the output")
        for wanted in _as_list(check.get("stdout_has")):
            assert wanted in result.stdout, (where, wanted)
        for wanted in _as_list(check.get("stderr_has")):
            assert wanted in result.stderr, (where, wanted)
        for unwanted in _as_list(check.get("stdout_lacks")):
            assert unwanted not in result.stdout, (where, unwanted)
        for unwanted in _as_list(check.get("stderr_lacks")):
            assert unwanted not in result.stderr, (where, unwanted)
        if check.get("unchanged"):
            _unchanged(root, before)
        for path in _as_list(check.get("exists")):
            assert os.path.lexists(root / path), (where, path)
        for path in _as_list(check.get("absent")):
            assert not os.path.lexists(root / path), (where, path)
        if check.get("csv_no_formula"):
            rows = list(csv.reader(io.StringIO(result.stdout)))
            assert len(rows) >= 2
            cells = [cell for row in rows for cell in row]
            assert not [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r") or
                        (c.startswith("-") and not c.lstrip("-").isdigit())], where
        for unwanted in _as_list(check.get("git_log_lacks")):
            assert unwanted not in _git(root, "log", "--format=%B"), (where, unwanted)
        if "char_device" in check:
            assert stat.S_ISCHR(os.stat(check["char_device"]).st_mode), where


def test_every_item_of_the_slice_has_a_case():
    items = {tomllib.loads(case.read_text())["item"] for case in CASES}
    assert {"19.4", "19.6", "19.9", "19.10", "19.11", "19.12", "19.13", "19.14", "19.15", "19.17", "19.21",
            "19.22", "19.23"} <= items


# -- output paths (19.4) --------------------------------------------------------------------------

def test_a_named_pipe_is_written_to_as_a_stream_and_stays_a_pipe(example_casebook, run, tmp_path):
    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = run("report", "ae-16", "--output", str(fifo))
    reader.join(timeout=30)
    assert result.exit_code == 0, result.stderr
    assert received and received[0].startswith(b"<!DOCTYPE html>")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_a_new_output_file_is_still_private(example_casebook, run, tmp_path):
    target = tmp_path / "new" / "plan.html"
    assert run("report", "ae-16", "--output", str(target)).exit_code == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert stat.S_IMODE(target.parent.stat().st_mode) == 0o700


def test_a_report_never_lands_in_another_casebook_either(example_casebook, run, tmp_path):
    other = tmp_path / "other"
    assert run("init", str(other)).exit_code == 0
    result = run("register", "--output", str(other / "records" / "x.txt"))
    assert result.exit_code == 1 and "records/ folder" in result.stderr
    assert not (other / "records" / "x.txt").exists()


def test_protected_reason_follows_links(tmp_path):
    (tmp_path / "sendcli.yaml").write_text("name: x\n")
    (tmp_path / "records").mkdir()
    (tmp_path / "innocent.html").symlink_to(tmp_path / "records" / "a.yaml")
    assert protected_reason(tmp_path / "innocent.html") == "it is inside the casebook's records/ folder"
    assert protected_reason(tmp_path / "report.html") is None
    assert protected_reason(tmp_path / "sendcli.yaml") == "it is the casebook's sendcli.yaml"


# -- CSV and terminal (19.6, 19.9) ---------------------------------------------------------------

@pytest.mark.parametrize("value, shown", [
    ("=1+1", "'=1+1"), ("+44 20", "'+44 20"), ("-x", "'-x"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\\tx"),
    ("\rx", "'\\rx"), ("Ava", "Ava"), ("a=b", "a=b"), (-3, -3), (None, ""), ("two\nlines", "two\nlines"),
    ("bell\x07", "bell\\x07"),
])
def test_csv_cells_are_neutralised(value, shown):
    assert csv_cell(value) == shown


def test_csv_text_neutralises_headers_and_cells():
    assert csv_text(["a", "=b"], [["=c", 1]]) == "a,'=b\n'=c,1\n"


@pytest.mark.parametrize("text, shown", [
    ("\x1b[2J", "\\x1b[2J"), ("a\nb", "a\\nb"), ("a\rb", "a\\rb"), ("\x9b31m", "\\x9b31m"),
    ("\u202eevil", "\\u202eevil"), ("Zoë – ok", "Zoë – ok"), ("\x7f", "\\x7f"),
])
def test_printable_escapes_control_characters(text, shown):
    assert printable(text) == shown


def test_printable_can_keep_line_breaks():
    assert printable("a\nb\x1b", keep_newlines=True) == "a\nb\\x1b"


# -- commit messages (19.11) ---------------------------------------------------------------------

WRITES = [
    ["cycle", "open", "{id}"],
    ["add", "outcome", "{id}", "--text", "{free}", "--criteria", "{free}"],
    ["add", "provision", "{id}", "--text", "{free}", "--staff", "{free}", "--frequency", "{free}"],
    ["add", "view", "{id}", "--from", "parent", "--text", "{free}"],
    ["add", "evidence", "{id}", "--source", "{free}", "--text", "{free}"],
    ["add", "note", "{id}", "--text", "{free}", "--by", "{free}"],
    ["add", "meeting", "{id}", "--with", "parent", "--text", "{free}"],
    ["add", "person", "{id}", "--name", "{free}", "--role", "parent", "--contact", "{free}"],
    ["set", "{id}", "needs.summary", "{free}"],
    ["cycle", "advance", "{id}"],
    ["ehc", "request", "{id}"],
    ["close", "{id}", "--reason", "moved-school"],
]


def test_no_write_command_puts_free_text_in_a_commit_message(casebook, run, monkeypatch):
    for name, value in (("NAME", "Test SENCO"), ("EMAIL", "senco@example.invalid")):
        monkeypatch.setenv(f"GIT_AUTHOR_{name}", value)
        monkeypatch.setenv(f"GIT_COMMITTER_{name}", value)
    _git(casebook, "init", "-q")
    free = "Jane Secretname lives at 1 Example Road"
    assert run("new", "ae-16", "--name", free.split(" lives")[0], "--dob", "2016-05-14", "--need", "SLCN",
               "--commit").exit_code == 0
    for args in WRITES:
        result = run(*[a.format(id="ae-16", free=free) for a in args], "--commit")
        assert result.exit_code in (0, 1), (args, result.stderr)
    assert run("edit", "ae-16", "--commit", env={"EDITOR": "sed -i s/Secretname/Othername/", "VISUAL": ""}
               ).exit_code == 0
    messages = _git(casebook, "log", "--format=%B").split("\n\n")
    messages = [m.strip() for m in messages if m.strip()]
    assert len(messages) >= 8
    for message in messages:
        assert message.startswith("ae-16: ") and "\n" not in message, message
        assert "Secretname" not in message and "Example Road" not in message and "Jane" not in message
        assert "moved" not in message


def test_commit_messages_refuse_free_text():
    from sendcli.store.gitops import commit_message

    assert commit_message("ae-16", "add a view") == "ae-16: add a view"
    with pytest.raises(ValueError):
        commit_message("ae-16", "record closed (moved in with Jane Smith)")


# -- private folders, temp files, gitignore (19.12, 19.13) --------------------------------------

def test_init_ignores_the_private_folder_as_a_file_or_link_too(tmp_path, run):
    assert run("init", str(tmp_path / "cb")).exit_code == 0
    subprocess.run(["git", "-C", str(tmp_path / "cb"), "init", "-q"], check=True)
    (tmp_path / "cb" / ".sendcli").symlink_to(tmp_path)
    (tmp_path / "cb" / "records" / ".ae-16.yaml.abc.tmp").write_text("copy")
    status = _git(tmp_path / "cb", "status", "--porcelain", "--untracked-files=all")
    assert ".sendcli" not in status and ".tmp" not in status


def test_the_first_write_brings_a_first_edition_gitignore_up_to_date(casebook, run):
    (casebook / ".gitignore").write_text("*.pdf\n.sendcli/\n")
    assert run("new", "ae-16", "--name", "Ava Example", "--dob", "2016-05-14", "--need", "SLCN").exit_code == 0
    assert (casebook / ".gitignore").read_text() == "*.pdf\n.sendcli/\n.sendcli\nrecords/.*.tmp\n"


def test_a_gitignore_the_tool_never_wrote_is_left_alone(casebook, run):
    (casebook / ".gitignore").write_text("*.pdf\n")
    assert run("new", "ae-16", "--name", "Ava Example", "--dob", "2016-05-14", "--need", "SLCN").exit_code == 0
    assert (casebook / ".gitignore").read_text() == "*.pdf\n"


def test_a_lock_file_planted_as_a_link_is_never_followed(example_casebook, run, tmp_path):
    locks = example_casebook / ".sendcli" / "locks"
    locks.mkdir(parents=True)
    target = tmp_path / "victim"
    (locks / "ae-16.lock").symlink_to(target)
    result = run("add", "view", "ae-16", "--from", "child", "--text", "Hi")
    assert result.exit_code == 1 and "ae-16.lock is a symbolic link" in result.stderr
    assert not target.exists()


# -- OS errors (19.14) ---------------------------------------------------------------------------

def test_a_file_size_limit_ends_in_a_clear_message_and_exit_1(example_casebook, tmp_path):
    import resource

    out = tmp_path / "plan.html"

    def limit():
        resource.setrlimit(resource.RLIMIT_FSIZE, (1024, 1024))

    result = subprocess.run([sys.executable, "-m", "sendcli", "report", "ae-16", "--output", str(out)],
                            capture_output=True, text=True, preexec_fn=limit,
                            env={**os.environ, "SENDCLI_TODAY": "2026-11-28"})
    assert result.returncode == 1, result.stderr
    assert result.stderr.startswith(f"sendcli: {out}: File too large") and "ulimit -f" in result.stderr
    assert not out.exists() and not list(tmp_path.glob(".plan.html.*"))


@pytest.mark.parametrize("code, words", [(errno.ENOSPC, "disk is full"), (errno.EROFS, "read-only"),
                                         (errno.EACCES, "permission denied"), (errno.EDQUOT, "quota")])
def test_a_write_the_disk_refuses_ends_in_a_clear_message_and_exit_1(example_casebook, run, monkeypatch,
                                                                     code, words):
    import sendcli.store.casebook

    def refuse(*args, **kwargs):
        raise OSError(code, os.strerror(code))

    before = snapshot(example_casebook)
    monkeypatch.setattr(sendcli.store.casebook.os, "fsync", refuse)
    result = run("add", "view", "ae-16", "--from", "child", "--text", "Hi")
    assert result.exit_code == 1
    assert result.stderr.startswith("sendcli: ") and "records/ae-16.yaml: " in result.stderr
    assert words in result.stderr
    assert "internal error" not in result.stderr
    _unchanged(example_casebook, before)
    assert not list((example_casebook / "records").glob(".*.tmp"))


def test_transfer_on_a_full_disk_leaves_no_pack_folder(example_casebook, run, monkeypatch, tmp_path):
    import sendcli.store.casebook

    real_fsync = os.fsync
    calls = []

    def fill_up(descriptor):
        calls.append(descriptor)
        if len(calls) == 3:  # the third file of the pack
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_fsync(descriptor)

    monkeypatch.setattr(sendcli.store.casebook.os, "fsync", fill_up)
    pack = tmp_path / "deep" / "pack"
    result = run("transfer", "ae-16", "--output", str(pack))
    assert result.exit_code == 1 and "disk is full" in result.stderr
    assert not (tmp_path / "deep").exists()
    monkeypatch.setattr(sendcli.store.casebook.os, "fsync", real_fsync)
    assert run("transfer", "ae-16", "--output", str(pack)).exit_code == 0  # the rerun is not blocked
    assert (pack / "manifest.json").is_file()


def test_an_unexpected_os_error_is_still_a_bug(example_casebook, run, monkeypatch):
    import sendcli.store.casebook

    def odd(*args, **kwargs):
        raise OSError(errno.ECHILD, os.strerror(errno.ECHILD))

    monkeypatch.setattr(sendcli.store.casebook.os, "fsync", odd)
    result = run("add", "view", "ae-16", "--from", "child", "--text", "Hi")
    assert result.exit_code == 3 and "internal error (ChildProcessError)" in result.stderr


# -- Markdown and templates (19.15, 19.22) -------------------------------------------------------

@pytest.mark.parametrize("text", ["a\r# Heading", "a\r\n# Heading", "a\n# Heading", "a\u2028b"])
def test_markdown_escape_starts_no_line(text):
    escaped = rendering.markdown_escape(text)
    assert "\r" not in escaped and "\n" not in escaped and "# Heading" not in escaped.split(" ", 1)[0]


def test_the_built_in_templates_render_in_the_immutable_sandbox(example_casebook, run):
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    assert isinstance(rendering.environment("html", None), ImmutableSandboxedEnvironment)
    for template in ("plan", "review", "parent", "profile"):
        for fmt in ("html", "md"):
            assert run("report", "ae-16", "--template", template, "--format", fmt).exit_code == 0


def test_a_huge_report_output_is_refused(example_casebook, run, monkeypatch):
    monkeypatch.setattr(rendering, "RENDER_MAX_BYTES", 10_000)
    (example_casebook / "templates").mkdir()
    (example_casebook / "templates" / "plan.md.j2").write_text("{% for i in range(5000) %}{{ i }}{% endfor %}")
    result = run("report", "ae-16", "--format", "md")
    assert result.exit_code == 1 and "output passed" in result.stderr


def test_the_memory_bound_is_lifted_after_rendering(example_casebook, run):
    import resource

    before = resource.getrlimit(resource.RLIMIT_AS)
    assert run("report", "ae-16").exit_code == 0
    assert resource.getrlimit(resource.RLIMIT_AS) == before


# -- IDs (19.23) ---------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["con", "prn", "aux", "nul", "com1", "com9", "lpt1", "lpt9"])
def test_windows_device_names_are_not_record_ids(name):
    from sendcli.core.rules import is_valid_record_id

    assert not is_valid_record_id(name)
    assert is_valid_record_id(f"{name}-a16") and is_valid_record_id(f"{name}x")


def test_import_never_makes_a_windows_device_name_an_id(casebook, run):
    (casebook / "reg.csv").write_text("Adno,Legal Surname,Forename,Date of Birth,SEN Status,Primary Need\n"
                                      "CON,Example,Cy,2015-01-01,K,SLCN\n")
    result = run("import", "reg.csv")
    assert result.exit_code == 0, result.stderr
    assert not (casebook / "records" / "con.yaml").exists()
    assert len(list((casebook / "records").glob("*.yaml"))) == 1



def test_due_lines_and_cells_cannot_forge_a_row_of_a_cron_mail():
    from datetime import date

    from sendcli.core.deadlines import Deadline
    from sendcli.documents.due import DueReport, as_csv, as_text_lines

    forged = "Ava\n2026-01-01  -1  overdue   zz-99 (Nobody)  review  \x1b[8mhidden"
    item = Deadline("ae-16", forged, "review", date(2026, 12, 1), "=cmd|' /C calc'!A0\r", exception="+1\n")
    report = DueReport(date(2026, 11, 28), 14, [item])
    lines = as_text_lines(report)
    assert len(lines) == 1 and "\x1b" not in lines[0] and "\\n2026-01-01" in lines[0]
    rows = list(csv.reader(io.StringIO(as_csv(report))))
    assert len(rows) == 2
    assert rows[1][1].startswith("Ava\n") and "\x1b" not in rows[1][1]  # a quoted cell, never a new row
    assert rows[1][6].startswith("'=cmd") and "\r" not in rows[1][6]


def test_redacted_due_leaves_out_retention_items(example_casebook, run):
    assert run("close", "md-19", "--reason", "left-education").exit_code == 0
    shown = run("due", "--all", "--format", "json").stdout
    assert '"kind": "retention"' in shown
    redacted = run("due", "--all", "--redact", "--format", "json").stdout
    assert '"kind": "retention"' not in redacted and '"items": [' in redacted


def test_show_never_sends_a_record_s_escape_sequences_to_the_terminal(casebook, run):
    name = "Ava \x1b]0;owned\x07\x1b[2J Example"
    created = run("new", "ava-e16", "--name", name, "--dob", "2016-05-14", "--need", "SLCN")
    if created.exit_code != 0:  # the schema may refuse control characters outright: nothing to show then
        assert created.exit_code in (1, 2) and "\x1b" not in created.stderr
        return
    shown = run("show", "ava-e16")
    assert shown.exit_code == 0
    assert "\x1b" not in shown.stdout and "\x07" not in shown.stdout
    assert "\\x1b[2J" in shown.stdout


def test_a_templates_folder_that_links_elsewhere_is_refused(example_casebook, run, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "plan.md.j2").write_text("{{ record.child.name }}\n")
    (example_casebook / "templates").symlink_to(elsewhere)
    result = run("report", "ae-16", "--format", "md")
    assert result.exit_code == 1 and "outside the casebook's templates/ folder" in result.stderr
    assert result.stdout == ""


def test_decrypt_and_export_write_nothing_among_a_casebook_s_own_files(example_casebook):
    from sendcli.exchange.exporting import write_folder, write_sealed
    from sendcli.documents.output import OutputRefused

    with pytest.raises(OutputRefused):
        write_folder(example_casebook / "records" / "received", {"a.txt": b"x"})
    with pytest.raises(OutputRefused):
        write_sealed(example_casebook / ".sendcli" / "pack.age", b"x")
    assert not (example_casebook / "records" / "received").exists()
