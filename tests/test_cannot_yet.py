"""\"cannot ... yet\" only where the step can become possible later."""

from __future__ import annotations

import pytest

from sendcli.core.workflow import Refusal
from sendcli.store.updating import could_become_possible


@pytest.fixture
def ava(casebook, run):
    assert run("new", "ab-16", "--name", "Ava Example", "--dob", "2016-05-14", "--need", "SLCN",
               env={"SENDCLI_TODAY": "2026-09-01"}).exit_code == 0
    return casebook


def test_a_gate_not_yet_met_says_yet(ava, run):
    assert run("cycle", "open", "ab-16").exit_code == 0
    result = run("cycle", "advance", "ab-16")
    assert result.exit_code == 1 and "cannot advance the cycle yet:" in result.stderr


def test_a_step_already_done_never_says_yet(ava, run):
    assert run("close", "ab-16", "--reason", "moved-school").exit_code == 0
    result = run("close", "ab-16", "--reason", "moved-school")
    assert result.exit_code == 1 and "already closed" in result.stderr
    assert " yet" not in result.stderr
    result = run("cycle", "open", "ab-16")
    assert result.exit_code == 1 and "record is closed" in result.stderr and " yet" not in result.stderr


def test_could_become_possible():
    assert could_become_possible(Refusal(["no evidence is recorded in this cycle's assessment"]))
    assert not could_become_possible(Refusal(["the decision was already recorded (assess, 2026-02-14)"]))
    assert not could_become_possible(Refusal(["anything at all"], final=True))
    # One reason that holds for good is enough: meeting the others would not open the way.
    assert not could_become_possible(Refusal(["the draft plan was already issued", "no view from a parent"]))
