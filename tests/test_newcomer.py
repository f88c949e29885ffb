"""A newcomer's slips cost one retype: options anywhere, nearest matches, dates, pipes, help at 80 columns."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import TODAY, snapshot
from sendcli.cli.app import COMMAND_MODULES, global_options_first, with_nearest_choice
from sendcli.core.nearest import iso_form_of_day_month_year, nearest

SENDCLI = Path(sys.executable).parent / "sendcli"


# -- --root anywhere ---------------------------------------------------------------------

def test_root_after_the_command_is_read_as_the_casebook(example_casebook, tmp_path, monkeypatch, run):
    monkeypatch.chdir(tmp_path)  # no casebook here: only --root can find it
    before = run("--root", str(example_casebook), "show", "ae-16")
    after = run("show", "ae-16", "--root", str(example_casebook))
    with_equals = run("check", f"--root={example_casebook}")
    assert before.exit_code == after.exit_code == with_equals.exit_code == 0
    assert after.stdout == before.stdout and "ae-16" in after.stdout


def test_root_after_a_subcommand_and_between_its_options(example_casebook, tmp_path, monkeypatch, run):
    monkeypatch.chdir(tmp_path)
    result = run("due", "--all", "--root", str(example_casebook), "--kind", "review")
    assert result.exit_code == 0 and "review" in result.stdout
    result = run("cycle", "open", "nobody", "--root", str(example_casebook))
    assert result.exit_code == 1 and "no record 'nobody'" in result.stderr


def test_global_options_are_moved_before_the_command_and_nothing_else_is():
    commands = set(COMMAND_MODULES)
    assert global_options_first(["show", "ab-16", "--root", "cb"], commands) == ["--root", "cb", "show", "ab-16"]
    assert global_options_first(["--debug", "check", "--root=cb"], commands) == ["--debug", "--root=cb", "check"]
    assert global_options_first(["add", "note", "ab-16", "--debug", "--text", "x"], commands) == [
        "--debug", "add", "note", "ab-16", "--text", "x"]
    # After "--" nothing is an option.
    assert global_options_first(["check", "--", "--root"], commands) == ["check", "--", "--root"]


# -- nearest matches -----------------------------------------------------------------------

def test_an_unknown_record_id_offers_the_nearest(example_casebook, run):
    for command in (["show", "ae-61"], ["cycle", "open", "ae-61"], ["report", "ae-61"]):
        result = run(*command)
        assert result.exit_code == 1, command
        assert "no record 'ae-61'" in result.stderr and "did you mean ae-16?" in result.stderr, command


def test_an_id_like_no_other_gets_no_guess(example_casebook, run):
    result = run("show", "zzzzzz-99")
    assert result.exit_code == 1 and "did you mean" not in result.stderr


def test_an_unknown_option_value_offers_the_nearest_choice(example_casebook, run):
    result = run("due", "--kind", "reveiw")
    assert result.exit_code == 2
    assert "'reveiw' is not one of" in result.stderr and "did you mean review?" in result.stderr
    result = run("new", "ab-16", "--name", "Ab Example", "--dob", "2016-05-14", "--setting", "scool")
    assert result.exit_code == 2 and "did you mean school?" in result.stderr


def test_with_nearest_choice_reads_typer_message():
    message = "Value error, 'colege' is not one of 'early-years', 'school', 'college'."
    assert with_nearest_choice(message) == (
        "'colege' is not one of early-years, school, college; did you mean college?")
    assert with_nearest_choice("something else entirely") == "something else entirely"


@pytest.mark.parametrize("typed, meant", [("15", "5"), ("yr5", "5"), ("Y 6", "6"), ("RR", "R")])
def test_an_unknown_year_group_offers_the_nearest(casebook, run, typed, meant):
    before = snapshot(casebook)
    result = run("new", "ab-16", "--name", "Ab Example", "--dob", "2016-05-14", "--year-group", typed)
    assert result.exit_code == 2 and f"did you mean {meant}?" in result.stderr
    assert snapshot(casebook) == before


def test_nearest_ignores_case_and_refuses_far_guesses():
    assert nearest("AB-61", ["ab-16", "cd-17"]) == "ab-16"
    assert nearest("slcn", ["SLCN", "SEMH"]) == "SLCN"
    assert nearest("qqqq", ["ab-16", "cd-17"]) is None


# -- dates ---------------------------------------------------------------------------------

@pytest.mark.parametrize("typed, iso", [("14/09/2026", "2026-09-14"), ("1/2/2026", "2026-02-01"),
                                        ("14.09.2026", "2026-09-14"), ("14-09-2026", "2026-09-14")])
def test_a_day_month_year_date_is_refused_with_its_iso_form(casebook, run, typed, iso):
    result = run("new", "ab-16", "--name", "Ab Example", "--dob", typed.replace("2026", "2016"))
    assert result.exit_code == 2
    assert f"did you mean {iso.replace('2026', '2016')}?" in result.stderr
    assert not (casebook / "records" / "ab-16.yaml").exists()


def test_an_impossible_day_month_year_date_is_offered_nothing(casebook, run):
    result = run("new", "ab-16", "--name", "Ab Example", "--dob", "31/02/2016")
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.stderr and "did you mean" not in result.stderr
    assert iso_form_of_day_month_year("09/14/2026") is None  # a US date is never guessed into another


def test_sendcli_today_in_day_month_year_form_is_offered_its_iso_form(example_casebook, run):
    result = run("due", env={"SENDCLI_TODAY": "28/11/2026"})
    assert result.exit_code == 2 and "did you mean 2026-11-28?" in result.stderr


def test_a_cycle_date_in_day_month_year_form_changes_nothing(example_casebook, run):
    before = snapshot(example_casebook)
    result = run("add", "note", "ae-16", "--by", "TA", "--text", "x", "--date", "20/11/2026")
    assert result.exit_code == 2 and "did you mean 2026-11-20?" in result.stderr
    assert snapshot(example_casebook) == before


# -- a closed pipe is not an error (the installed console script, as a shell runs it) ---------

def _shell(command: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "SENDCLI_TODAY": TODAY, "PATH": f"{SENDCLI.parent}:{os.environ['PATH']}"}
    env.pop("SENDCLI_ROOT", None)
    # pipefail: the exit status is sendcli's own, not head's.
    return subprocess.run(["bash", "-o", "pipefail", "-c", command], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("command", [
    "sendcli show ae-16 | (sleep 0.3; head -1)",
    "sendcli show ae-16 --format json | (sleep 0.3; head -c 1)",
    "sendcli due --all | (sleep 0.3; head -1)",
    "sendcli --help | (sleep 0.3; head -1)",
])
def test_a_closed_pipe_exits_0_quietly(example_casebook, command):
    assert SENDCLI.exists(), "the console script of the installed package"
    result = _shell(command, example_casebook)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_a_closed_pipe_exits_0_for_many_lines(example_casebook):
    # More than a pipe buffer (64 KiB): the write itself fails, not just the final flush.
    result = _shell("for i in $(seq 40); do echo; done > /dev/null; "
                    "sendcli due --all --format json --within 9999 | (sleep 0.3; head -c 1) && "
                    "sendcli register --format csv | (sleep 0.3; head -c 1)", example_casebook)
    assert result.returncode == 0 and result.stderr == ""


# -- help at 80 columns ------------------------------------------------------------------

def _every_command_path():
    from typer.main import get_command

    from sendcli.cli import app

    def walk(group, path):
        for name in group.list_commands(None):
            command = group.get_command(None, name)
            if hasattr(command, "list_commands"):
                yield from walk(command, (*path, name))
            else:
                yield (*path, name)

    return [(), *walk(get_command(app), ())]


@pytest.mark.parametrize("path", _every_command_path(), ids=lambda p: " ".join(p) or "sendcli")
def test_help_at_80_columns_has_no_bool_metavar_and_no_cut_names(run, path):
    result = run(*path, "--help", env={"COLUMNS": "80"})
    assert result.exit_code == 0
    text = result.stdout
    assert "<bool>" not in text and "<str>" not in text
    usage = text.splitlines()[0]
    assert "[[" not in usage and "......" not in usage, usage
    assert "…" not in text, "a name or value cut short"
    assert "╭" not in text  # no boxes: they cut option names at 80 columns
    command = None
    from typer.main import get_command

    from sendcli.cli import app

    command = get_command(app)
    for name in path:
        command = command.get_command(None, name)
    for param in command.params:
        for option in (*param.opts, *param.secondary_opts):
            if option.startswith("--"):
                assert option in text, f"{option} is not shown whole"
