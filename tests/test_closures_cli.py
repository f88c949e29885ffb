"""sendcli.yaml's closures through the CLI: check's error and warning, and school days in due."""

import json


def test_a_closure_that_ends_before_it_starts_is_an_error_with_its_line(casebook, run):
    settings = casebook / "sendcli.yaml"
    settings.write_text(settings.read_text() + "closures:\n  - {from: 2026-10-26, to: 2026-10-30}\n"
                        "  - {from: 2026-12-21, to: 2026-12-01, name: Christmas}\n")
    line = settings.read_text().splitlines().index("  - {from: 2026-12-21, to: 2026-12-01, name: Christmas}") + 1
    result = run("check")
    assert result.exit_code == 1
    assert result.stdout.startswith(f"sendcli.yaml:{line}:28: ")
    assert "error: closures[1].to: the closure ends (2026-12-01) before it starts (2026-12-21) [closures]" \
        in result.stdout
    # The other commands refuse settings with an error, with the same line.
    due = run("due")
    assert due.exit_code == 1 and f"sendcli.yaml:{line}:" in due.stderr and "Traceback" not in due.stderr


def test_no_term_dates_for_this_school_year_is_a_warning(casebook, run):
    result = run("check")
    assert result.exit_code == 0
    assert result.stdout.startswith("sendcli.yaml:")
    assert "warning: no closure falls in the school year 2026-27 (2026-09-01 to 2027-08-31)" in result.stdout
    assert run("check", "--strict").exit_code == 1
    settings = casebook / "sendcli.yaml"
    settings.write_text(settings.read_text() + "closures:\n  - {from: 2026-12-21, to: 2027-01-01}\n")
    assert run("check", "--strict").stdout == ""


def test_file_transfer_skips_the_bank_holidays_when_no_closures_are_set(casebook, run):
    assert run("new", "ae-16", "--name", "Ava Example", "--dob", "2016-05-14", "--need", "SLCN",
               env={"SENDCLI_TODAY": "2026-09-01"}).exit_code == 0
    later = {"SENDCLI_TODAY": "2026-12-18"}
    assert run("close", "ae-16", "--reason", "moved-school", env=later).exit_code == 0
    items = json.loads(run("due", "--all", "--format", "json", "--kind", "file-transfer", env=later).stdout)["items"]
    # 15 school days from Friday 18 December 2026: 25 and 28 December and 1 January are bank holidays.
    assert [(i["record"], i["due"]) for i in items] == [("ae-16", "2027-01-13")]
