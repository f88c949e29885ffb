"""Trust (issue 14): a record's log is its own; IDs carry no name; redaction shows the ID
alone; stats cannot be undone by subtraction."""

import subprocess

import pytest

from sendcli.loading import load_yaml


def git(root, *args):
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=True).stdout


@pytest.fixture
def repo(casebook, run):
    git(casebook, "init", "-q")
    git(casebook, "config", "user.name", "Test SENCO")
    git(casebook, "config", "user.email", "senco@example.org")
    assert run("new", "ab-16", "--name", "Ava Example", "--dob", "2016-05-14", "--need", "SLCN").exit_code == 0
    git(casebook, "add", "-A")
    git(casebook, "commit", "-qm", "ab-16: new record")
    return casebook


# -- 14.1 log: this record's commits and no other's ------------------------------------------------

def test_log_never_shows_a_near_identical_siblings_history(repo, run):
    records = repo / "records"
    git(repo, "commit", "-q", "--allow-empty", "-m", "nothing to do with any record")
    (records / "ab-16.yaml").write_text((records / "ab-16.yaml").read_text().replace("SLCN", "SEMH"))
    git(repo, "commit", "-qam", "ab-16: need changed")
    # A sibling made as a copy of ab-16, differing only in its ID: git's copy detection takes it for a copy.
    (records / "cd-16.yaml").write_text((records / "ab-16.yaml").read_text().replace("ab-16", "cd-16"))
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "cd-16: new record")
    result = run("log", "cd-16")
    assert result.exit_code == 0, result.stderr
    assert [line.split("  ")[-1] for line in result.stdout.splitlines()] == ["cd-16: new record"]
    own = [line.split("  ")[-1] for line in run("log", "ab-16").stdout.splitlines()]
    assert own == ["ab-16: need changed", "ab-16: new record"]


def test_log_follows_the_record_through_a_rename(repo, run):
    records = repo / "records"
    (records / "ab-16.yaml").write_text((records / "ab-16.yaml").read_text().replace("SLCN", "MLD"))
    git(repo, "commit", "-qam", "ab-16: need changed")
    text = (records / "ab-16.yaml").read_text().replace("id: ab-16", "id: '001204'")
    git(repo, "mv", "records/ab-16.yaml", "records/001204.yaml")
    (records / "001204.yaml").write_text(text)
    # A sibling added in the same commit must not become part of the story either.
    (records / "ef-15.yaml").write_text(text.replace("'001204'", "ef-15").replace("Ava Example", "Eve Fiction")
                                        .replace("2016-05-14", "2015-06-01"))
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "001204: renamed from ab-16")
    messages = [line.split("  ")[-1] for line in run("log", "001204").stdout.splitlines()]
    assert messages == ["001204: renamed from ab-16", "ab-16: need changed", "ab-16: new record"]
    assert [line.split("  ")[-1] for line in run("log", "ef-15").stdout.splitlines()] == \
        ["001204: renamed from ab-16"]


def test_log_of_an_uncommitted_record_says_so(repo, run):
    assert run("new", "gh-17", "--name", "Gus Madeup", "--dob", "2017-04-04", "--need", "MLD").exit_code == 0
    result = run("log", "gh-17")
    assert result.exit_code == 0 and "has not been committed yet" in result.stderr
