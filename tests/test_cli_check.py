"""``sendcli check`` through the CLI: the text and JSON contract of cli.md, exit codes, paths."""

import json
import shutil

from conftest import EXAMPLES

BROKEN_DATE = """\
schema_version: 1
id: ab-16
status: sen-support
child:
  name: Ava Brown
  date_of_birth: 2016-02-30
  setting: school
needs:
  primary: SLCN
register:
  entered: 2024-09-12
  left: null
cycles: []
"""


def test_examples_are_valid(run, monkeypatch):
    monkeypatch.chdir(EXAMPLES)
    result = run("check")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr.startswith("checked 9 records: 9 valid")


def test_examples_are_valid_from_outside_and_strict(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run("check", "--strict", str(EXAMPLES)).exit_code == 0


def test_text_output_is_compiler_style(tmp_path, run, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ab-16.yaml").write_text(BROKEN_DATE)
    result = run("check", "ab-16.yaml")
    assert result.exit_code == 1
    assert result.stdout == ("ab-16.yaml:6:18: error: child.date_of_birth: '2016-02-30' is not a valid date "
                             "[schema]\n")
    assert result.stderr == "checked 1 record: 0 valid; 1 error, 0 warnings\n"


def test_json_output_is_the_documented_object(tmp_path, run, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ab-16.yaml").write_text(BROKEN_DATE)
    shutil.copy(EXAMPLES / "records" / "kt-12.yaml", tmp_path / "kt-12.yaml")
    result = run("check", "--format", "json", "ab-16.yaml", "kt-12.yaml")
    assert result.exit_code == 1
    assert json.loads(result.stdout) == {
        "checked": 2, "valid": 1,
        "problems": [{"path": "ab-16.yaml", "line": 6, "column": 18, "severity": "error", "rule": "schema",
                      "pointer": "/child/date_of_birth", "message": "'2016-02-30' is not a valid date"}],
    }


def test_casebook_paths_are_relative_to_the_casebook(example_casebook, run, monkeypatch):
    (example_casebook / "records" / "ab-16.yaml").write_text(BROKEN_DATE)
    monkeypatch.chdir(example_casebook / "records")
    result = run("check")
    assert result.exit_code == 1
    assert result.stdout.startswith("records/ab-16.yaml:6:18: error:")
    assert "checked 10 records: 9 valid" in result.stderr


def test_folder_that_is_not_a_casebook_is_searched(tmp_path, run, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "ab-16.yaml").write_text(BROKEN_DATE)
    (tmp_path / "a" / ".hidden").mkdir()
    (tmp_path / "a" / ".hidden" / "x.yaml").write_text("junk: [")
    result = run("check", "a")
    assert result.stdout.startswith("a/b/ab-16.yaml:6:18:") and ".hidden" not in result.stdout


def test_warnings_count_only_with_strict(tmp_path, run, monkeypatch):
    monkeypatch.chdir(tmp_path)
    record = (EXAMPLES / "records" / "kt-12.yaml").read_text().replace(
        "final_plan: 2025-02-03", "final_plan: null")
    assert "final_plan: null" in record
    (tmp_path / "kt-12.yaml").write_text(record)
    result = run("check", "kt-12.yaml")
    assert result.exit_code == 0 and ": warning: status:" in result.stdout
    assert run("check", "--strict", "kt-12.yaml").exit_code == 1


def test_id_must_match_the_file_name_for_loose_files_too(tmp_path, run, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "someone-else.yaml").write_text(BROKEN_DATE.replace("2016-02-30", "2016-02-03"))
    result = run("check", "someone-else.yaml")
    assert result.exit_code == 1 and "[id]" in result.stdout and "someone-else.yaml:2:5:" in result.stdout


def test_missing_file_is_a_problem_not_a_crash(tmp_path, run, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("check", "nope.yaml")
    assert result.exit_code == 1 and "nope.yaml:1:1: error: the file does not exist [file]" in result.stdout


def test_settings_problems_are_reported_with_their_line(example_casebook, run):
    (example_casebook / "sendcli.yaml").write_text("name: X\ndue_soon_days: fourteen\n")
    result = run("check")
    assert result.exit_code == 1
    assert result.stdout.startswith("sendcli.yaml:2:16: error: due_soon_days: ")
    assert "checked 9 records: 9 valid" in result.stderr


def test_every_file_is_checked_and_every_problem_reported(example_casebook, run):
    records = example_casebook / "records"
    (records / "ab-16.yaml").write_text(BROKEN_DATE.replace("  setting: school\n", "  setting: home\n"))
    (records / "zz-top.yaml").write_text("- a list\n")
    result = run("check", "--format", "json")
    data = json.loads(result.stdout)
    assert data["checked"] == 11 and data["valid"] == 9
    assert [(p["path"], p["line"]) for p in data["problems"]] == [
        ("records/ab-16.yaml", 6), ("records/ab-16.yaml", 7), ("records/zz-top.yaml", 1)]


def test_settings_file_given_by_name_is_checked_as_settings(example_casebook, run):
    # pre-commit passes changed files by name, the settings file among them.
    result = run("check", "sendcli.yaml", "records/ae-16.yaml")
    assert result.exit_code == 0 and "checked 1 record: 1 valid" in result.stderr
    (example_casebook / "sendcli.yaml").write_text("name: X\nbogus: 1\n")
    assert run("check", "sendcli.yaml").stdout.startswith("sendcli.yaml:2:1: error: bogus: unknown field")


def test_pre_commit_hook_runs_check_on_records_and_settings():
    import yaml
    [hook] = yaml.safe_load((EXAMPLES.parent / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "sendcli-check" and hook["entry"] == "sendcli check"
    import re
    assert re.search(hook["files"], "records/ae-16.yaml") and re.search(hook["files"], "sendcli.yaml")
    assert not re.search(hook["files"], "notes/minutes.yaml")


def test_local_offer_is_checked_and_provision_names_resolve(example_casebook, run):
    assert run("check").exit_code == 0
    record = example_casebook / "records" / "kt-12.yaml"
    record.write_text(record.read_text().replace("local_offer: autism-outreach", "local_offer: autism-outreech"))
    result = run("check")
    assert result.exit_code == 1
    assert "local_offer: 'autism-outreech' is not a service of local-offer.yaml" in result.stdout
    assert "[references]" in result.stdout
    (example_casebook / "local-offer.yaml").write_text("services:\n  - {id: autism-outreech, nme: X}\n")
    result = run("check")
    assert "local-offer.yaml:2:27: error: services[0].nme: unknown field 'nme' (did you mean 'name'?)" in result.stdout
    # While local-offer.yaml itself is broken, names are not resolved (no cascade of errors).
    assert "kt-12" not in result.stdout


def test_without_a_local_offer_file_names_are_not_resolved(example_casebook, run):
    (example_casebook / "local-offer.yaml").unlink()
    assert run("check").exit_code == 0
