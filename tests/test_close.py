"""``close``: the closing reasons of the list, --to and --note, and first-edition free-text reasons."""

import subprocess

import pytest

from conftest import snapshot
from sendcli.core import codes, workflow
from sendcli.store.loading import load_yaml


def data(casebook, record_id):
    return load_yaml((casebook / "records" / f"{record_id}.yaml").read_bytes()).data


def git(root, *args):
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=True).stdout


@pytest.fixture
def ava(casebook, run):
    assert run("new", "ae-16", "--name", "Ava Example", "--dob", "2016-05-14", "--need", "SLCN",
               env={"SENDCLI_TODAY": "2026-09-01"}).exit_code == 0
    return casebook


@pytest.mark.parametrize("reason", codes.CLOSE_REASONS)
def test_every_reason_of_the_list_closes_the_record(ava, run, reason):
    result = run("close", "ae-16", "--reason", reason, "--date", "2026-11-20")
    assert result.exit_code == 0, result.stderr
    record = data(ava, "ae-16")
    assert record["status"] == "closed"
    assert record["closed"] == {"date": "2026-11-20", "reason": reason, "transferred": None}
    assert run("check").exit_code == 0


def test_to_and_note_are_written_with_the_reason(ava, run):
    result = run("close", "ae-16", "--reason", "moved-school", "--to", "Example Academy (fictional)",
                 "--note", "Family moved for work", "--date", "2026-11-20")
    assert result.exit_code == 0, result.stderr
    assert data(ava, "ae-16")["closed"] == {"date": "2026-11-20", "reason": "moved-school",
                                              "to": "Example Academy (fictional)",
                                              "note": "Family moved for work", "transferred": None}
    assert "within 15 school days" in result.stderr
    check = run("check", "--strict", "records")
    assert check.exit_code == 0, check.stdout + check.stderr


def test_moved_school_without_to_asks_for_the_new_school(ava, run):
    result = run("close", "ae-16", "--reason", "moved-school")
    assert result.exit_code == 0 and "--to" in result.stderr


def kinds_due(run):
    import json

    result = run("due", "--format", "json")
    assert result.exit_code == 0, result.stderr
    return {(item["record"], item["kind"]) for item in json.loads(result.stdout)["items"]}


def test_moved_school_starts_the_file_transfer_and_other_reasons_do_not(ava, run, casebook):
    assert run("close", "ae-16", "--reason", "moved-school", "--date", "2026-11-20").exit_code == 0
    assert run("new", "bo-15", "--name", "Bo Example", "--dob", "2015-10-02", "--need", "MLD",
               env={"SENDCLI_TODAY": "2026-09-01"}).exit_code == 0
    assert run("close", "bo-15", "--reason", "moved-post-16", "--date", "2026-11-20").exit_code == 0
    due = kinds_due(run)
    assert ("ae-16", "file-transfer") in due
    assert ("bo-15", "file-transfer") not in due


@pytest.mark.parametrize("reason", ["moved", "Moved to another school", "MOVED-SCHOOL ", ""])
def test_a_reason_outside_the_list_is_a_usage_error_and_nothing_changes(ava, run, reason):
    before = snapshot(ava)
    result = run("close", "ae-16", "--reason", reason)
    assert result.exit_code == 2
    assert "moved-school" in result.stderr
    assert snapshot(ava) == before


def test_the_core_refuses_a_reason_outside_the_list():
    record = {"id": "ae-16", "status": "sen-support", "child": {"date_of_birth": "2016-05-14"}}
    from datetime import date

    refused = workflow.close_record(record, date(2026, 11, 20), date(2026, 11, 28), "moved")
    assert isinstance(refused, workflow.Refusal)
    assert "moved-school|moved-post-16" in refused.reasons[0]


def test_the_commit_message_holds_the_id_and_the_kind_of_change_never_the_free_text(ava, run):
    git(ava, "init", "-q")
    git(ava, "config", "user.name", "Test SENCO")
    git(ava, "config", "user.email", "senco@example.org")
    git(ava, "add", "-A")
    git(ava, "commit", "-qm", "casebook")
    result = run("close", "ae-16", "--reason", "moved-school", "--to", "Oakfield Primary (fictional)",
                 "--note", "Mum phoned on Tuesday", "--commit")
    assert result.exit_code == 0, result.stderr
    message = git(ava, "log", "-1", "--format=%B")
    assert message.strip() == "ae-16: close the record"
    assert "Oakfield" not in message and "Mum" not in message


# -- first-edition records ------------------------------------------------------------------

def closed_the_old_way(ava, run, reason):
    assert run("close", "ae-16", "--reason", "other", "--date", "2026-11-20").exit_code == 0
    path = ava / "records" / "ae-16.yaml"
    path.write_text(path.read_text().replace("reason: other", f"reason: {reason}"))
    return path


def test_a_free_text_reason_still_passes_check_with_a_warning_naming_the_list(ava, run):
    closed_the_old_way(ava, run, "went to Oakfield Primary")
    result = run("check")
    assert result.exit_code == 0
    warning = [line for line in result.stdout.splitlines() if "closed.reason" in line]
    assert len(warning) == 1 and "warning:" in warning[0]
    assert "read as 'other'" in warning[0]
    assert ", ".join(codes.CLOSE_REASONS) in warning[0]
    # The free text is not repeated: it may name people.
    assert "Oakfield" not in result.stdout + result.stderr
    assert run("check", "--strict").exit_code == 1


def test_the_first_edition_moved_is_read_as_moved_school_and_keeps_its_file_transfer(ava, run):
    closed_the_old_way(ava, run, "moved")
    result = run("check")
    assert result.exit_code == 0 and "read as 'moved-school'" in result.stdout
    assert ("ae-16", "file-transfer") in kinds_due(run)


def test_a_reason_from_the_list_gives_no_warning(ava, run):
    assert run("close", "ae-16", "--reason", "left-education").exit_code == 0
    assert "closed.reason" not in run("check").stdout
