"""``report --all --output-dir DIR``: the whole set or nothing.

A folder a SENCO sends on or prints must be one run's reports: a template
that fails on a later record, Ctrl-C or a full disk leaves DIR exactly as it
was (same files, same bytes, same mtimes) and no staging folder behind.
"""

from __future__ import annotations

import errno
import os
import signal
import stat
from pathlib import Path

import pytest

from sendcli.documents import output as output_module
from sendcli.documents import reporting
from sendcli.documents.output import OutputRefused, StagedFolder

# The example records in the order report --all meets them (file order).
ORDER = sorted(path.stem for path in (Path(__file__).resolve().parent.parent / "examples" / "records").glob("*.yaml"))


def state(folder: Path) -> dict[str, tuple[bytes, int, int]]:
    """Every entry under ``folder`` with its bytes, mtime and mode: what "unchanged" means here."""
    found = {}
    for path in sorted(folder.rglob("*")):
        info = path.lstat()
        found[str(path.relative_to(folder))] = (path.read_bytes() if path.is_file() else b"", info.st_mtime_ns,
                                                stat.S_IMODE(info.st_mode))
    return found


def listing(folder: Path) -> list[str]:
    return sorted(os.listdir(folder))


@pytest.fixture
def last_run(example_casebook, tmp_path):
    """DIR holding the profiles of an earlier run, each given an old mtime, and a file of the user's own."""
    out = tmp_path / "profiles"
    out.mkdir(mode=0o700)
    for record_id in ORDER:
        path = out / f"{record_id}.profile.html"
        path.write_bytes(b"last run's " + path.name.encode())  # so that a new file would differ
        path.chmod(0o600)
        os.utime(path, ns=(1_600_000_000_000_000_000, 1_600_000_000_000_000_000))
    (out / "notes.txt").write_text("the SENCO's own file\n")
    return out


def count_staged(monkeypatch) -> list[str]:
    staged: list[str] = []
    original = StagedFolder.write

    def write(self, name, data):
        original(self, name, data)
        staged.append(name)

    monkeypatch.setattr(StagedFolder, "write", write)
    return staged


def test_a_template_failing_on_the_third_record_leaves_dir_as_it_was(example_casebook, run, last_run, monkeypatch):
    third = ORDER[2]
    (example_casebook / "templates").mkdir()
    (example_casebook / "templates" / "profile.html.j2").write_text(
        "<p>{{ record.child.name }}</p>{% if record.id == '" + third + "' %}{{ record.child.name.no_such() }}"
        "{% endif %}\n")
    before, beside = state(last_run), listing(last_run.parent)
    staged = count_staged(monkeypatch)

    result = run("report", "--all", "--template", "profile", "--output-dir", str(last_run))

    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert staged == [f"{ORDER[0]}.profile.html", f"{ORDER[1]}.profile.html"]  # it failed mid-run
    assert "templates/profile.html.j2" in result.stderr
    assert f"nothing was written to {last_run}: it is as it was" in result.stderr
    assert "wrote" not in result.stderr
    assert state(last_run) == before
    assert listing(last_run.parent) == beside  # no staging folder left behind


def test_ctrl_c_mid_run_leaves_dir_as_it_was(example_casebook, run, last_run, monkeypatch):
    calls = []
    render = reporting.record_report

    def interrupted_on_the_third(*args, **kwargs):
        calls.append(args[1]["id"])
        if len(calls) == 3:
            raise KeyboardInterrupt
        return render(*args, **kwargs)

    monkeypatch.setattr(reporting, "record_report", interrupted_on_the_third)
    before, beside = state(last_run), listing(last_run.parent)

    result = run("report", "--all", "--template", "profile", "--output-dir", str(last_run))

    assert calls == ORDER[:3]
    assert result.exit_code == 130 and "Traceback" not in result.stderr
    assert "interrupted: nothing was written to" in result.stderr
    assert state(last_run) == before
    assert listing(last_run.parent) == beside


def test_a_full_disk_mid_run_leaves_dir_as_it_was(example_casebook, run, last_run, monkeypatch):
    from sendcli.store import casebook as store

    real = store.write_atomic
    writes = []

    def disk_fills(path, content, **kwargs):
        writes.append(path)
        if len(writes) == 3:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        real(path, content, **kwargs)

    monkeypatch.setattr(store, "write_atomic", disk_fills)
    before, beside = state(last_run), listing(last_run.parent)

    result = run("report", "--all", "--template", "profile", "--output-dir", str(last_run))

    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert "the disk is full" in result.stderr and "nothing was written to" in result.stderr
    assert state(last_run) == before
    assert listing(last_run.parent) == beside


def test_a_failure_into_a_new_folder_makes_no_folder(example_casebook, run, tmp_path, monkeypatch):
    monkeypatch.setattr(reporting, "record_report", lambda *args, **kwargs: (_ for _ in ()).throw(KeyboardInterrupt))
    before = listing(tmp_path)

    result = run("report", "--all", "--output-dir", str(tmp_path / "new" / "deeper" / "plans"))

    assert result.exit_code == 130
    assert listing(tmp_path) == before  # neither the folder nor the parents made for it


def test_success_replaces_the_set_privately_and_keeps_other_files(example_casebook, run, last_run):
    old_names = set(listing(last_run))
    beside = listing(last_run.parent)

    result = run("report", "--all", "--template", "profile", "--output-dir", str(last_run))

    assert result.exit_code == 0, result.stderr
    assert result.stderr == f"wrote {len(ORDER)} reports to {last_run}\n"
    assert set(listing(last_run)) == old_names
    assert (last_run / "notes.txt").read_text() == "the SENCO's own file\n"
    for record_id in ORDER:
        made = last_run / f"{record_id}.profile.html"
        assert made.read_bytes().startswith(b"<!DOCTYPE html>")
        assert stat.S_IMODE(made.stat().st_mode) == 0o600
    assert listing(last_run.parent) == beside


def test_success_into_a_new_folder(example_casebook, run, tmp_path):
    out = tmp_path / "new" / "plans"
    os.umask(0o022)  # what a user's shell has: the tool's own modes must not depend on it

    result = run("report", "--all", "--output-dir", str(out))

    assert result.exit_code == 0, result.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o700 and stat.S_IMODE(out.parent.stat().st_mode) == 0o700
    names = listing(out)
    assert names and all(name.endswith(".plan.html") for name in names)
    assert all(stat.S_IMODE((out / name).stat().st_mode) == 0o600 for name in names)
    assert listing(out.parent) == ["plans"]  # the staging folder became it
    with_single = run("report", "ae-16")
    assert (out / "ae-16.plan.html").read_text() == with_single.stdout  # the same report as one at a time


def test_a_set_with_nothing_to_write_makes_no_folder(casebook, run, tmp_path):
    out = tmp_path / "empty-set"
    result = run("report", "--all", "--output-dir", str(out))
    assert result.exit_code == 0 and result.stderr == f"wrote 0 reports to {out}\n"
    assert not os.path.lexists(out)
    assert listing(tmp_path) == ["casebook"]


def test_unreadable_records_are_named_and_the_others_written(example_casebook, run, tmp_path):
    (example_casebook / "records" / "zz-20.yaml").write_text("id: zz-20\nschema_version: 1\nchild: [\n")
    out = tmp_path / "profiles"

    result = run("report", "--all", "--template", "profile", "--output-dir", str(out))

    assert result.exit_code == 1
    assert "sendcli: unreadable: " in result.stderr and "zz-20.yaml:" in result.stderr
    assert f"wrote {len(ORDER)} reports to {out}" in result.stderr
    assert listing(out) == [f"{record_id}.profile.html" for record_id in ORDER]


def test_a_link_where_a_report_goes_is_refused_before_anything_moves(example_casebook, run, last_run, tmp_path):
    elsewhere = tmp_path / "elsewhere.html"
    elsewhere.write_text("not a report\n")
    target = last_run / f"{ORDER[-1]}.profile.html"
    target.unlink()
    target.symlink_to(elsewhere)
    before, beside = state(last_run), listing(last_run.parent)

    result = run("report", "--all", "--template", "profile", "--output-dir", str(last_run))

    assert result.exit_code == 1 and "is a symbolic link" in result.stderr
    assert "nothing was written" in result.stderr
    assert state(last_run) == before and elsewhere.read_text() == "not a report\n"
    assert listing(last_run.parent) == beside


def test_a_link_into_the_casebook_is_refused(example_casebook, run, tmp_path):
    out = tmp_path / "plans"
    out.mkdir()
    (out / "ae-16.plan.html").symlink_to(example_casebook / "records" / "ae-16.yaml")
    record = (example_casebook / "records" / "ae-16.yaml").read_bytes()

    result = run("report", "--all", "--output-dir", str(out))

    assert result.exit_code == 1 and "refused, it is inside the casebook's records/ folder" in result.stderr
    assert (example_casebook / "records" / "ae-16.yaml").read_bytes() == record
    assert listing(out) == ["ae-16.plan.html"]


@pytest.mark.parametrize("inside", ["records", ".sendcli"])
def test_an_output_folder_inside_the_casebook_is_still_refused(example_casebook, run, inside):
    result = run("report", "--all", "--output-dir", str(example_casebook / inside / "out"))
    assert result.exit_code == 1 and "refused" in result.stderr
    assert not (example_casebook / inside / "out").exists()


def test_a_staged_set_left_uncommitted_is_discarded(tmp_path):
    out = tmp_path / "out"
    with StagedFolder(out, []) as staged:
        staged.write("a.html", b"a")
        assert stat.S_IMODE(staged.staging.stat().st_mode) == 0o700
        assert staged.staging.parent == tmp_path  # beside the folder: the same file system
    assert listing(tmp_path) == []


def test_staged_names_are_plain_file_names(tmp_path):
    with StagedFolder(tmp_path / "out", []) as staged:
        for bad in ("../escape.html", "sub/a.html", "", ".."):
            with pytest.raises(ValueError):
                staged.write(bad, b"x")
    assert listing(tmp_path) == []


def test_a_mount_point_is_staged_inside(tmp_path, monkeypatch):
    out = tmp_path / "usb"
    out.mkdir()
    monkeypatch.setattr(output_module.os.path, "ismount", lambda path: Path(path) == out)
    with StagedFolder(out, []) as staged:
        assert staged.staging.parent == out and staged.staging.name.startswith(".")
        staged.write("a.html", b"a")
        staged.commit()
    assert listing(out) == ["a.html"] and listing(tmp_path) == ["usb"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into any folder")
def test_a_parent_not_ours_is_staged_inside(tmp_path):
    out = tmp_path / "shared" / "plans"
    out.mkdir(parents=True)
    out.parent.chmod(0o500)
    try:
        with StagedFolder(out, []) as staged:
            assert staged.staging.parent == out
            staged.write("a.html", b"a")
            staged.commit()
    finally:
        out.parent.chmod(0o700)
    assert listing(out) == ["a.html"]


def test_a_device_where_a_report_goes_is_refused(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    os.mkfifo(out / "a.html")
    with StagedFolder(out, []) as staged:
        staged.write("a.html", b"a")
        with pytest.raises(OutputRefused, match="neither a file nor a folder"):
            staged.commit()
    assert stat.S_ISFIFO((out / "a.html").lstat().st_mode) and listing(tmp_path) == ["out"]


@pytest.fixture
def ctrl_c_handled():
    """Ctrl-C raising KeyboardInterrupt, as in a terminal, whatever this run inherited (a job
    started in the background by a shell ignores it)."""
    inherited = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, inherited)


def test_ctrl_c_waits_while_the_files_move_in(ctrl_c_handled):
    moved = []
    with pytest.raises(KeyboardInterrupt):
        with output_module._interrupts_held():
            os.kill(os.getpid(), signal.SIGINT)
            moved.append("all of them")  # reached: the interrupt waited
    assert moved == ["all of them"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_ctrl_c_ignored_stays_ignored_while_the_files_move_in():
    inherited = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        with output_module._interrupts_held():
            os.kill(os.getpid(), signal.SIGINT)  # ignored, as before: no KeyboardInterrupt after
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, inherited)


def test_ctrl_c_while_the_set_moves_in_says_the_set_was_written(example_casebook, run, tmp_path, monkeypatch,
                                                                 ctrl_c_handled):
    """Ctrl-C waits for the renames: when it comes then, the new set is all there, and the command
    says so rather than that nothing was written."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "old.txt").write_text("kept")
    real_replace = os.replace
    interrupted = []

    def interrupting(source, target):
        if Path(target).parent == out and not interrupted:  # a rename into DIR, not a staged write
            interrupted.append(target)
            os.kill(os.getpid(), signal.SIGINT)
        return real_replace(source, target)

    monkeypatch.setattr(output_module.os, "replace", interrupting)
    result = run("report", "--all", "--format", "md", "--output-dir", str(out))
    assert interrupted and result.exit_code == 130
    assert "interrupted: the whole set was written to" in result.stderr
    assert "nothing was written" not in result.stderr
    assert len([name for name in os.listdir(out) if name.endswith(".md")]) == 9


def test_a_move_that_fails_part_way_says_how_much_was_moved(tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    real_replace = os.replace
    calls = []

    def failing_second(source, target):
        calls.append(target)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, "No space left on device", str(target))
        return real_replace(source, target)

    staged = StagedFolder(out, [])
    for name in ("a.md", "b.md", "c.md"):
        staged.write(name, name.encode())
    assert staged.state().startswith("nothing was written to")
    monkeypatch.setattr(output_module.os, "replace", failing_second)
    with pytest.raises(OSError):
        staged.commit()
    assert staged.state().startswith("1 of the 3 reports were moved into")
    staged.discard()
