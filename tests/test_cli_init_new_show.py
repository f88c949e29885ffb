"""``init``, ``new`` and ``show`` through the CLI, and the contract every command keeps."""

import json
import os
import re
import stat

import pytest

from conftest import snapshot
from sendcli.store.checking import check_record_file
from sendcli.store.loading import load_yaml


def mode(path):
    return stat.S_IMODE(path.stat().st_mode)


# -- init ---------------------------------------------------------------------------

def test_init_creates_the_casebook_privately(tmp_path, run):
    old_umask = os.umask(0o022)
    try:
        result = run("init", str(tmp_path / "cb"), "--name", "No")
    finally:
        os.umask(old_umask)
    root = tmp_path / "cb"
    assert result.exit_code == 0
    assert sorted(p.name for p in root.iterdir()) == [".gitignore", "local-offer.yaml", "records", "schemas",
                                                      "sendcli.yaml"]
    assert mode(root) == mode(root / "records") == 0o700
    assert mode(root / "sendcli.yaml") == 0o600
    assert {".sendcli", "records/.*.tmp"} <= set((root / ".gitignore").read_text().splitlines())
    assert (root / "schemas" / "record.schema.json").read_text().startswith("{")
    # The name "No" stays text in the settings file.
    assert load_yaml((root / "sendcli.yaml").read_bytes()).data == {"name": "No"}


def test_init_refuses_an_existing_casebook_and_changes_nothing(casebook, run):
    before = snapshot(casebook)
    result = run("init", str(casebook))
    assert result.exit_code == 1
    assert "already" in result.stderr
    assert snapshot(casebook) == before


def test_init_keeps_an_existing_gitignore(tmp_path, run):
    (tmp_path / ".gitignore").write_text("*.pdf")
    assert run("init", str(tmp_path)).exit_code == 0
    assert (tmp_path / ".gitignore").read_text() == "*.pdf\n.sendcli\nrecords/.*.tmp\n"


# -- new ----------------------------------------------------------------------------

def test_new_writes_a_valid_private_record_in_the_documented_layout(casebook, run):
    result = run("new", "ae-16", "--name", "Ava Example", "--dob", "2016-05-14", "--year-group", "5",
                 "--need", "SLCN", "--need", "semh")
    assert result.exit_code == 0, result.stderr
    path = casebook / "records" / "ae-16.yaml"
    assert mode(path) == 0o600
    assert path.read_text() == """\
# yaml-language-server: $schema=../schemas/record.schema.json
schema_version: 1
id: ae-16
created: 2026-11-28
status: sen-support
child:
  name: Ava Example
  date_of_birth: 2016-05-14
  setting: school
  year_group: "5"
needs:
  primary: SLCN
  secondary:
    - SEMH
register:
  entered: 2026-11-28
  left: null
people: []
views: []
meetings: []
cycles: []
closed: null
"""
    assert check_record_file(path, "x", __import__("datetime").date(2026, 11, 28)).problems == []


def test_new_keeps_awkward_names_as_text(casebook, run):
    assert run("new", "nn-16", "--name", "Null", "--dob", "2016-01-01", "--need", "NSA").exit_code == 0
    assert run("new", "no-16", "--name", "No", "--dob", "2016-01-01", "--status", "monitoring").exit_code == 0
    assert load_yaml((casebook / "records/nn-16.yaml").read_bytes()).data["child"]["name"] == "Null"
    assert run("check").exit_code == 0


@pytest.mark.parametrize("args, code, message", [
    (["../evil", "--name", "X", "--dob", "2016-01-01", "--need", "SLCN"], 2, "not a valid record ID"),
    (["Ava", "--name", "X", "--dob", "2016-01-01", "--need", "SLCN"], 2, "not a valid record ID"),
    (["a/b", "--name", "X", "--dob", "2016-01-01", "--need", "SLCN"], 2, "not a valid record ID"),
    (["bo-16", "--name", "X", "--dob", "2016-02-30", "--need", "SLCN"], 2, "not a real date"),
    (["bo-16", "--name", "X", "--dob", "30/01/2016", "--need", "SLCN"], 2, "YYYY-MM-DD"),
    (["bo-16", "--name", "X", "--dob", "2027-01-01", "--need", "SLCN"], 1, "in the future"),
    (["bo-16", "--name", "X", "--dob", "2016-01-01", "--need", "XYZ"], 2, "not a census need code"),
    (["bo-16", "--name", "X", "--dob", "2016-01-01"], 1, "primary need"),
    (["bo-16", "--name", "X", "--dob", "2016-01-01", "--need", "NSA", "--status", "ehc-plan"], 1, "NSA"),
    (["bo-16", "--name", "X", "--dob", "2016-01-01", "--need", "SLCN", "--need", "SLCN"], 1, "already the primary"),
    (["bo-16", "--name", "X", "--dob", "2016-01-01", "--need", "SLCN", "--year-group", "15"], 2, "year group"),
    (["bo-16", "--name", "X", "--dob", "2016-01-01", "--need", "SLCN", "--setting", "home"], 2, "home"),
    (["bo-16", "--name", "", "--dob", "2016-01-01", "--need", "SLCN"], 1, "child.name"),
])
def test_new_refuses_bad_input_and_writes_nothing(casebook, run, args, code, message):
    before = snapshot(casebook)
    result = run("new", *args)
    assert result.exit_code == code, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert snapshot(casebook) == before


def test_new_never_overwrites(casebook, run):
    assert run("new", "ae-16", "--name", "Ava", "--dob", "2016-05-14", "--need", "SLCN").exit_code == 0
    before = snapshot(casebook)
    result = run("new", "ae-16", "--name", "Someone Else", "--dob", "2015-01-01", "--need", "ASD")
    assert result.exit_code == 1 and "already exists" in result.stderr
    assert snapshot(casebook) == before


def test_new_refuses_to_write_through_a_symlink(casebook, run, tmp_path):
    outside = tmp_path / "outside.yaml"
    (casebook / "records" / "ae-16.yaml").symlink_to(outside)
    result = run("new", "ae-16", "--name", "Ava", "--dob", "2016-05-14", "--need", "SLCN")
    assert result.exit_code == 1 and not outside.exists()


# -- finding the casebook -------------------------------------------------------------

def test_casebook_found_upward_from_a_subfolder(casebook, run, monkeypatch):
    monkeypatch.chdir(casebook / "records")
    assert run("new", "ae-16", "--name", "Ava", "--dob", "2016-05-14", "--need", "SLCN").exit_code == 0
    assert (casebook / "records" / "ae-16.yaml").exists()


def test_root_option_and_environment(casebook, run, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    assert run("--root", str(casebook), "new", "ae-16", "--name", "A", "--dob", "2016-05-14",
               "--need", "SLCN").exit_code == 0
    assert run("show", "ae-16", env={"SENDCLI_ROOT": str(casebook)}).exit_code == 0


def test_no_casebook_is_a_clear_refusal(tmp_path, run, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("show", "ae-16")
    assert result.exit_code == 1 and "sendcli init" in result.stderr
    assert run("--root", str(tmp_path), "show", "x").exit_code == 1


def test_invalid_settings_are_refused_with_their_line(casebook, run):
    (casebook / "sendcli.yaml").write_text("name: Test\ndue_soon_day: 14\n")
    result = run("new", "ae-16", "--name", "A", "--dob", "2016-05-14", "--need", "SLCN")
    assert result.exit_code == 1
    assert "sendcli.yaml:2:1" in result.stderr and "due_soon_days" in result.stderr
    assert not (casebook / "records" / "ae-16.yaml").exists()


@pytest.mark.parametrize("value", ["2026-13-01", "tomorrow", "28/11/2026"])
def test_malformed_sendcli_today_is_a_usage_error(casebook, run, value):
    result = run("check", env={"SENDCLI_TODAY": value})
    assert result.exit_code == 2 and "SENDCLI_TODAY" in result.stderr


def test_sendcli_today_decides_what_is_in_the_future(casebook, run):
    args = ["new", "ae-16", "--name", "A", "--dob", "2016-05-14", "--need", "SLCN"]
    assert run(*args, env={"SENDCLI_TODAY": "2016-05-13"}).exit_code == 1
    assert run(*args, env={"SENDCLI_TODAY": "2016-05-14"}).exit_code == 0


# -- show -----------------------------------------------------------------------------

def test_show_text(example_casebook, run):
    result = run("show", "ae-16")
    assert result.exit_code == 0
    out = result.stdout
    assert "Ava Example" in out and "sen-support (census K)" in out
    assert "SLCN" in out and "Cycle 2: stage do" in out and "o1" in out and "p1" in out


def test_show_json(example_casebook, run):
    result = run("show", "kt-12", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["record"]["id"] == "kt-12"
    assert data["provision_code"] == "E" and data["open_cycle"] == 1 and data["stage"] == "do"
    assert data["record"]["child"]["date_of_birth"] == "2012-11-30"


def test_show_escapes_markup_in_names(casebook, run):
    assert run("new", "ma-16", "--name", "[bold]Sam[/bold] <script>", "--dob", "2016-05-14",
               "--need", "SLCN").exit_code == 0
    assert "[bold]Sam[/bold] <script>" in run("show", "ma-16").stdout


def test_show_unknown_record_is_exit_1(casebook, run):
    result = run("show", "nobody")
    assert result.exit_code == 1 and "no record 'nobody'" in result.stderr


def test_show_refuses_an_invalid_record_with_its_problems(example_casebook, run):
    path = example_casebook / "records" / "ae-16.yaml"
    text = path.read_text()
    path.write_text(re.sub(r"date_of_birth: \S+", "date_of_birth: 2016-02-30", text, count=1))
    result = run("show", "ae-16")
    assert result.exit_code == 1
    assert "records/ae-16.yaml:" in result.stderr and "not a valid date" in result.stderr


# -- the contract every command keeps ---------------------------------------------------

def test_internal_error_is_one_line_without_record_content(example_casebook, run, monkeypatch):
    import sendcli.cli.reading as reading

    def explode(*args, **kwargs):
        raise ValueError("Ava Example, born 2016-05-14, SLCN")
    monkeypatch.setattr(reading, "_print_record", explode)
    result = run("show", "ae-16")
    assert result.exit_code == 3
    assert result.stderr.strip().count("\n") == 0
    assert "internal error (ValueError)" in result.stderr and "--debug" in result.stderr
    assert "Ava" not in result.stderr + result.stdout.split("\n")[0] and "Traceback" not in result.stderr

    debug = run("--debug", "show", "ae-16")
    assert debug.exit_code == 3 and "Traceback" in debug.stderr


@pytest.mark.parametrize("args", [["--frobnicate"], ["show"], ["check", "--format", "xml"], ["nosuchcommand"]])
def test_usage_errors_exit_2(casebook, run, args):
    assert run(*args).exit_code == 2


@pytest.mark.parametrize("command", [
    ["init"], ["new"], ["show"], ["check"], ["edit"], ["log"], ["close"],
    ["cycle", "open"], ["cycle", "advance"], ["cycle", "review"],
    ["add", "view"], ["add", "evidence"], ["add", "outcome"], ["add", "provision"], ["add", "note"],
    ["add", "meeting"], ["due"], ["report"], ["register"], ["provision-map"], ["stats"], ["import"], ["transfer"], *[["ehc", event] for event in (
        "request", "decision", "not-issue", "draft", "final", "review", "report", "la-decision", "amended",
        "transfer", "transfer-amended", "exception")]])
def test_every_command_has_help_with_an_example(run, command):
    result = run(*command, "--help")
    assert result.exit_code == 0
    assert "Example" in result.stdout and "sendcli " + " ".join(command) in result.stdout


@pytest.mark.parametrize("group", [[], ["cycle"], ["add"], ["ehc"]])
def test_group_help_has_examples_too(run, group):
    result = run(*group, "--help")
    assert result.exit_code == 0 and "Examples" in result.stdout


def test_version(run):
    result = run("--version")
    assert result.exit_code == 0 and result.stdout.startswith("sendcli ")
