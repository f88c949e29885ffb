"""The direct path (sendcli.cli.direct): `show ID`, `show ID --format json` and `log ID` run without typer,
and say exactly what the Typer application says: the same output, the same messages, the same exit code."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sendcli.cli.direct import direct_command

#: ``sendcli ARGS`` as the console script runs it (the direct path where it applies), or through the
#: Typer application alone; an optional patch first (PATCH: "module:attribute" made to raise).
RUNNER = """
import os, sys
which, patch, *args = sys.argv[1:]
if patch:
    import importlib
    module, name = patch.split(":")
    def explode(*a, **k):
        raise ValueError("Ava Example, born 2016-05-14")
    setattr(importlib.import_module(module), name, explode)
if which == "direct":
    from sendcli.cli import main
else:
    from sendcli.cli.app import main
main(args)
"""


def git(folder: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=folder, check=True, capture_output=True)


@pytest.fixture
def committed(example_casebook):
    """The example casebook as a git repository with one commit (for `log`)."""
    git(example_casebook, "init", "-q")
    git(example_casebook, "config", "user.name", "Test SENCO")
    git(example_casebook, "config", "user.email", "senco@example.org")
    git(example_casebook, "add", "-A")
    git(example_casebook, "commit", "-qm", "example casebook (fictional)")
    return example_casebook


def both_ways(*args: str, cwd: Path, env: dict | None = None, patch: str = ""):
    """(exit code, stdout, stderr) through the console script and through the Typer application alone."""
    environment = {**os.environ, "SENDCLI_TODAY": "2026-11-28", "NO_COLOR": "1", "COLUMNS": "100"}
    environment.pop("SENDCLI_ROOT", None)
    environment.update(env or {})
    results = []
    for which in ("direct", "typer"):
        ran = subprocess.run([sys.executable, "-c", RUNNER, which, patch, *args], capture_output=True, cwd=cwd,
                             env=environment)
        results.append((ran.returncode, ran.stdout.decode("utf-8", "replace"), ran.stderr.decode("utf-8", "replace")))
    return results


# -- what the direct path takes, and what it leaves to typer ----------------------------------------------

@pytest.mark.parametrize("args", [
    ["show", "ae-16"], ["show", "ae-16", "--format", "json"], ["show", "ae-16", "--format=text"],
    ["show", "--format", "json", "ae-16"], ["--root", "cb", "show", "ae-16"], ["show", "ae-16", "--root=cb"],
    ["--debug", "show", "ae-16"], ["show", "ae-16", "--debug"], ["log", "ae-16"], ["log", "ae-16", "--root", "cb"],
    ["--version"], ["report", "ae-16"], ["report", "--template", "profile", "ae-16", "--format=md"],
    ["report", "ae-16", "--output", "plan.html", "--redact"], ["report", "ae-16", "--no-redact", "--root", "cb"],
    ["report", "ae-16", "--template=annual-review", "--format", "pdf", "--output=x.pdf"],
])
def test_plain_one_record_reads_run_directly(args):
    assert direct_command(args, {}) is not None


@pytest.mark.parametrize("args", [
    [], ["--version", "show"], ["--help"], ["show"], ["show", "-h"], ["show", "ae-16", "--help"], ["show", "ae-16", "rb-17"],
    ["show", "ae-16", "--format", "xml"], ["show", "ae-16", "--format", "JSON"], ["show", "ae-16", "--format"],
    ["show", "ae-16", "--format", "json", "--format", "text"], ["show", "--", "ae-16"], ["show", "-x"],
    ["show", ""], ["show", "ae-16", "--root"], ["--root", "--debug", "show", "ae-16"], ["--root=", "show", "ae-16"],
    ["--root", "a", "--root", "b", "show", "ae-16"], ["show", "ae-16", "--frobnicate"], ["log"],
    ["log", "ae-16", "rb-17"], ["log", "-"], ["check"], ["due"], ["ae-16", "show"], ["report"],
    ["report", "--all", "--output-dir", "out"], ["report", "ae-16", "--all"], ["report", "ae-16", "--output-dir", "x"],
    ["report", "ae-16", "--template", "letter"], ["report", "ae-16", "--format", "HTML"], ["report", "ae-16", "--output"],
    ["report", "ae-16", "--output", "-"], ["report", "ae-16", "--redact", "--no-redact"], ["report", "ae-16", "--redact=1"],
    ["report", "ae-16", "--template", "plan", "--template", "review"], ["report", "ae-16", "rb-17"],
    ["report", "ae-16", "--help"],
])
def test_everything_else_goes_to_typer(args):
    assert direct_command(args, {}) is None


def test_the_direct_path_knows_reports_words_as_typer_does():
    from sendcli.cli.direct import REPORT_TEMPLATES
    from sendcli.cli.reports import ReportFormat, Template
    from sendcli.documents.rendering import FORMATS

    assert REPORT_TEMPLATES == tuple(template.value for template in Template)
    assert FORMATS == tuple(output_format.value for output_format in ReportFormat)


def test_a_shell_completing_a_word_goes_to_typer():
    assert direct_command(["show", "ae-16"], {"_SENDCLI_COMPLETE": "bash_complete"}) is None


def test_root_comes_from_the_option_then_sendcli_root(tmp_path, example_casebook):
    """--root wins over SENDCLI_ROOT; an empty SENDCLI_ROOT is not set (as click reads it)."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for env in ({"SENDCLI_ROOT": str(example_casebook)}, {"SENDCLI_ROOT": ""}):
        direct, typer = both_ways("show", "ae-16", cwd=example_casebook if env["SENDCLI_ROOT"] == "" else elsewhere,
                                  env=env)
        assert direct == typer and direct[0] == 0, env
    direct, typer = both_ways("--root", str(example_casebook), "show", "ae-16", cwd=elsewhere,
                              env={"SENDCLI_ROOT": str(elsewhere)})
    assert direct == typer and direct[0] == 0


# -- the same words, the same codes ------------------------------------------------------------------------

@pytest.mark.parametrize("args", [
    ("show", "ae-16"), ("show", "rb-17"), ("show", "rm-15"), ("show", "ot-18"), ("show", "lp-09"),
    ("show", "ae-16", "--format", "json"), ("show", "--format=json", "rm-15"), ("show", "kt-12", "--format=text"),
    ("--debug", "show", "ts-20"), ("show", "nobody-00"), ("show", "Not An ID"), ("show", "../sendcli"),
    ("log", "ae-16"), ("log", "nobody-00"), ("log", "rb-17", "--debug"), ("--version",),
    ("report", "ae-16"), ("report", "ae-16", "--template", "profile", "--format", "md"),
    ("report", "--redact", "rb-17", "--template=review"), ("report", "rm-15", "--template", "annual-review"),
    ("report", "ae-16", "--template", "annual-review"), ("report", "lp-09", "--template", "chronology"),
    ("report", "ae-16", "--template", "passport", "--format=md", "--no-redact"), ("report", "nobody-00"),
])
def test_the_direct_path_says_what_typer_says(committed, args):
    direct, typer = both_ways(*args, cwd=committed)
    assert direct == typer


def test_every_example_record_shows_the_same_both_ways(committed):
    for path in sorted((committed / "records").glob("*.yaml")):
        for args in (("show", path.stem), ("show", path.stem, "--format", "json")):
            direct, typer = both_ways(*args, cwd=committed)
            assert direct == typer and direct[0] == 0, args


def test_refusals_are_the_same_both_ways(tmp_path, example_casebook):
    """An invalid record, a bad SENDCLI_TODAY, no casebook, an uncommitted record: one message, same exit."""
    record = example_casebook / "records" / "ae-16.yaml"
    record.write_text(re.sub(r"date_of_birth: \S+", "date_of_birth: 2016-02-30", record.read_text(), count=1))
    direct, typer = both_ways("show", "ae-16", cwd=example_casebook)
    assert direct == typer and direct[0] == 1 and "not a valid date" in direct[2]
    direct, typer = both_ways("show", "rb-17", cwd=example_casebook, env={"SENDCLI_TODAY": "28/11/2026"})
    assert direct == typer and direct[0] == 2
    direct, typer = both_ways("log", "rb-17", cwd=example_casebook)  # no git repository here
    assert direct == typer
    outside = tmp_path / "nowhere"
    outside.mkdir()
    direct, typer = both_ways("show", "ae-16", cwd=outside)
    assert direct == typer and direct[0] == 1 and "sendcli.yaml" in direct[2]


def test_every_example_record_reports_the_same_both_ways(committed):
    """Every template of every example record (a refusal too: a closed record's plan, a review not yet
    held), as Markdown, the same both ways."""
    from sendcli.cli.direct import REPORT_TEMPLATES

    for path in sorted((committed / "records").glob("*.yaml")):
        for template in REPORT_TEMPLATES:
            direct, typer = both_ways("report", path.stem, "--template", template, "--format", "md", cwd=committed)
            assert direct == typer, (path.stem, template)


def test_a_pdf_report_is_made_or_refused_the_same_both_ways(example_casebook):
    """A PDF to a pipe (its bytes carry the time they were made), or the same message where WeasyPrint or
    Pango is missing."""
    direct, typer = both_ways("report", "ae-16", "--template", "profile", "--format", "pdf", cwd=example_casebook)
    assert (direct[0], direct[2]) == (typer[0], typer[2])
    assert direct[1].startswith("%PDF") == typer[1].startswith("%PDF") == (direct[0] == 0)


def test_a_report_to_a_file_is_the_same_both_ways(example_casebook):
    made = {}
    for which in ("direct", "typer"):
        output = example_casebook / f"{which}.html"
        ran = subprocess.run([sys.executable, "-c", RUNNER, which, "", "report", "ae-16", "--output", output.name,
                              "--template", "profile"], capture_output=True, text=True, cwd=example_casebook,
                             env={**os.environ, "SENDCLI_TODAY": "2026-11-28"})
        made[which] = (ran.returncode, ran.stdout, ran.stderr.replace(output.name, "FILE"), output.read_bytes(),
                       output.stat().st_mode & 0o777)
    assert made["direct"] == made["typer"] and made["direct"][0] == 0 and made["direct"][4] == 0o600


def test_an_uncommitted_record_is_said_the_same_both_ways(committed):
    shutil.copy(committed / "records" / "ae-16.yaml", committed / "records" / "zz-16.yaml")
    direct, typer = both_ways("log", "zz-16", cwd=committed)
    assert direct == typer and direct[0] == 0 and "has not been committed yet" in direct[2]


@pytest.mark.parametrize("debug", [(), ("--debug",)])
def test_a_bug_is_one_line_without_record_content_both_ways(example_casebook, debug):
    direct, typer = both_ways(*debug, "show", "ae-16", cwd=example_casebook, patch="sendcli.cli.reading:_print_record")
    assert direct[0] == typer[0] == 3
    if debug:
        assert "Traceback" in direct[2] and "Traceback" in typer[2]
        assert direct[2].splitlines()[-1] == typer[2].splitlines()[-1]
    else:
        assert direct == typer
        assert direct[2].strip().count("\n") == 0 and "Ava" not in direct[2]


def test_a_closed_pipe_is_not_an_error(example_casebook):
    """`sendcli show ID | head -1`: exit 0 and nothing on stderr, as through typer."""
    env = {**os.environ, "SENDCLI_TODAY": "2026-11-28", "NO_COLOR": "1"}
    for args in (("show", "ae-16"), ("show", "ae-16", "--format", "json")):
        shown = subprocess.run(f"{sys.executable} -m sendcli {' '.join(args)} | head -c 1", shell=True,
                               capture_output=True, text=True, cwd=example_casebook, env=env)
        assert shown.stderr == "" and len(shown.stdout) == 1, args


# -- what the direct path leaves unloaded -----------------------------------------------------------------

LOADED = """
import sys
from sendcli.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
sys.stderr.write(" ".join(sorted(sys.modules)))
"""


@pytest.mark.parametrize("args", [("show", "ae-16"), ("show", "ae-16", "--format", "json"), ("log", "ae-16"),
                                  ("report", "ae-16")])
def test_the_direct_path_imports_no_typer_and_no_email_package(committed, args):
    """typer and building its commands were about a fifth of a one-record read; email.utils (which
    jsonschema_rs's extension imports for its build date) about a tenth."""
    env = {**os.environ, "SENDCLI_TODAY": "2026-11-28", "NO_COLOR": "1"}
    ran = subprocess.run([sys.executable, "-c", LOADED, *args], capture_output=True, text=True, cwd=committed,
                         env=env, check=True)
    loaded = set(ran.stderr.split())
    assert "jsonschema_rs" in loaded  # the record and sendcli.yaml were validated
    unwanted = {"typer", "click", "email.utils", "tempfile", "pydantic", "ruamel", "rich"}
    if args == ("show", "ae-16"):
        unwanted.discard("rich")  # its boxed text view
    if args[0] == "report":
        unwanted.discard("tempfile")  # jinja2's bytecode cache imports it
    assert not unwanted & loaded
    assert ("jinja2" in loaded) == (args[0] == "report")
    assert not {name for name in loaded if name.startswith(("typer.", "email."))}


# -- jsonschema_rs without the e-mail package ----------------------------------------------------------------

@pytest.mark.parametrize("text", ["Thu, 12 Nov 2026 07:50:16 +0000", "Mon, 1 Jan 2024 00:00:00 +0000",
                                  "Sat, 29 Feb 2028 23:59:59 +0000", "Tue, 30 Nov 2026 23:59:59 +0100",
                                  "Sun, 06 Nov 1994 08:49:37 GMT", "6 Nov 1994 08:49:37 -0000"])
def test_the_build_date_reads_as_email_utils_reads_it(text):
    from email.utils import parsedate_to_datetime

    from sendcli.store.schemas import _build_date

    ours, theirs = _build_date(text), parsedate_to_datetime(text)
    assert (ours, repr(ours)) == (theirs, repr(theirs))


def test_jsonschema_rs_imported_without_email_utils_is_the_same():
    """Its build information (the one thing it reads email.utils for) is what a plain import gives, and
    email.utils imported afterwards is the real module."""
    ours = subprocess.run([sys.executable, "-c",
                           "import sys\nfrom sendcli.store.schemas import fast_validator\n"
                           "assert fast_validator() is not None and 'email.utils' not in sys.modules\n"
                           "import jsonschema_rs, email.utils\n"
                           "assert email.utils.parsedate_to_datetime.__module__ == 'email.utils'\n"
                           "print(repr(jsonschema_rs.jsonschema_rs.__build__))"],
                          capture_output=True, text=True, check=True).stdout
    plain = subprocess.run([sys.executable, "-c", "import jsonschema_rs\n"
                            "print(repr(jsonschema_rs.jsonschema_rs.__build__))"],
                           capture_output=True, text=True, check=True).stdout
    assert ours == plain and "info-time" in ours
