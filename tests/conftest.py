"""Shared fixtures: a CLI runner with stdout and stderr apart, and casebooks to run it in."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sendcli.cli import app

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
TODAY = "2026-11-28"


@dataclass
class Ran:
    exit_code: int
    stdout: str
    stderr: str


@pytest.fixture
def run(monkeypatch):
    """Run ``sendcli ARGS`` in-process, in the current folder, at SENDCLI_TODAY."""
    monkeypatch.delenv("SENDCLI_ROOT", raising=False)

    def invoke(*args: str, env: dict | None = None, input: str | None = None) -> Ran:
        environment = {"SENDCLI_TODAY": TODAY, "NO_COLOR": "1", "COLUMNS": "100"}
        environment.update(env or {})
        result = CliRunner().invoke(app, list(args), env=environment, input=input, prog_name="sendcli")
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return Ran(result.exit_code, result.stdout, result.stderr)

    return invoke


@pytest.fixture
def casebook(tmp_path, monkeypatch, run):
    """An empty casebook made by ``sendcli init``; the current folder is inside it."""
    root = tmp_path / "casebook"
    assert run("init", str(root), "--name", "Test Academy (fictional)").exit_code == 0
    monkeypatch.chdir(root)
    return root


@pytest.fixture
def example_casebook(tmp_path, monkeypatch):
    """A copy of the shipped example casebook; the current folder is its root."""
    root = tmp_path / "examples"
    shutil.copytree(EXAMPLES, root)
    monkeypatch.chdir(root)
    return root


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` and its bytes: to prove a refusal changed nothing."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def ava_to_plan(run) -> None:
    """Ava Example (ae-16, SpLD) made on 2026-09-01, her first cycle opened on 2026-09-10 and moved to
    plan on 2026-09-13 with evidence and the child's and parent's views: the start several tests share."""
    assert run("new", "ae-16", "--name", "Ava Example", "--dob", "2016-05-14", "--need", "SpLD",
               env={"SENDCLI_TODAY": "2026-09-01"}).exit_code == 0
    for day, args in [("2026-09-10", ["cycle", "open", "ae-16"]),
                      ("2026-09-12", ["add", "evidence", "ae-16", "--source", "TA", "--text", "Baseline"]),
                      ("2026-09-12", ["add", "view", "ae-16", "--from", "child", "--text", "Dogs"]),
                      ("2026-09-12", ["add", "view", "ae-16", "--from", "parent", "--text", "Worries"]),
                      ("2026-09-13", ["cycle", "advance", "ae-16"])]:
        result = run(*args, env={"SENDCLI_TODAY": day})
        assert result.exit_code == 0, (args, result.stderr)
