"""The setting's evidence for an EHC needs assessment request: the ehc-request report and its pack."""

from __future__ import annotations

import csv
import hashlib
import io
import json

import pytest


def test_the_report_tells_the_graduated_approach_so_far(example_casebook, run):
    result = run("report", "ae-16", "--template", "ehc-request", "--format", "md")
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    assert "Speech, language and communication needs" in text
    assert "### Cycle 1: 12 January 2026 to 8 July 2026" in text
    assert "| o1 |" in text and "**Partly achieved**" in text and "**Achieved**" in text
    # Its cost for the cycle, and for a year: £220 for the 161 days from 28 January to 8 July
    # (the plan's agreement to its review) is 220 x 365 / 161 = £498.76.
    assert "| 40 | £220.00 | £498.76 | o1 |" in text, "provision with its time, cost and yearly cost"
    # The cycle still running: £90 for the 51 days from 30 September to 20 November is £644.12 a year.
    assert "(TA, 30 minutes a week): £644.12 a year" in text
    assert "Decision at the review: Continue" in text
    assert "### Cycle 2, running since 10 September 2026" in text
    assert "(TA, 60 minutes a week): £1,288.24 a year\n" in text  # 180 x 365 / 51 days
    assert "Example NHS Speech and Language Therapy (speech-therapist)" in text
    assert "Evidence in the record comes from: class-teacher, speech-therapist, TA." in text
    html = run("report", "ae-16", "--template", "ehc-request").stdout
    assert "<h3>Cycle 1: 12 January 2026 to 8 July 2026</h3>" in html


def test_what_is_not_recorded_yet_says_so(casebook, run):
    assert run("new", "ab-16", "--name", "Alex Example", "--dob", "2016-03-01", "--need", "NSA").exit_code == 0
    text = run("report", "ab-16", "--template", "ehc-request", "--format", "md").stdout
    assert "No cycle has been reviewed yet." in text and "No views are recorded yet." in text
    assert "No summary of needs is recorded yet." in text


def test_a_closed_record_gets_no_request(casebook, run, tmp_path):
    assert run("new", "ab-16", "--name", "Alex Example", "--dob", "2016-03-01", "--need", "NSA").exit_code == 0
    assert run("close", "ab-16", "--reason", "other").exit_code == 0
    assert run("report", "ab-16", "--template", "ehc-request").exit_code == 1
    result = run("pack", "ehc-request", "ab-16", "--output", str(tmp_path / "pack"))
    assert result.exit_code == 1 and "closed" in result.stderr
    assert not (tmp_path / "pack").exists()


def test_the_pack_holds_each_reviewed_cycle_the_chronology_and_the_provision_history(example_casebook, run, tmp_path):
    out = tmp_path / "request"
    result = run("pack", "ehc-request", "ae-16", "--output", str(out))
    assert result.exit_code == 0, result.stderr
    names = sorted(path.name for path in out.iterdir())
    assert names == ["ae-16.chronology.html", "ae-16.cycle-1.plan.html", "ae-16.cycle-1.review.html",
                     "ae-16.ehc-request.html", "ae-16.provision-history.csv", "manifest.json"]
    assert oct(out.stat().st_mode & 0o777) == "0o700"
    assert all(oct(path.stat().st_mode & 0o777) == "0o600" for path in out.iterdir())
    plan = (out / "ae-16.cycle-1.plan.html").read_text(encoding="utf-8")
    assert "Cycle 1, opened 12 January 2026" in plan and "at the start of words in sentences" in plan
    assert "therapist&#39;s school programme" not in plan, "cycle 2's provision is not in cycle 1's plan"
    rows = list(csv.DictReader(io.StringIO((out / "ae-16.provision-history.csv").read_text(encoding="utf-8"))))
    assert [(row["cycle"], row["provision"]) for row in rows] == [("1", "p1"), ("1", "p2"), ("2", "p1"), ("2", "p2"),
                                                                  ("2", "p3")]
    assert rows[0]["started"] == "2026-01-28" and rows[0]["ended"] == "2026-07-08" and rows[0]["cost"] == "220.0"
    assert rows[0]["yearly_cost"] == "498.76"  # 220 x 365 / 161 days, as in the report
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert {entry["name"] for entry in manifest["files"]} == set(names) - {"manifest.json"}
    for entry in manifest["files"]:
        assert hashlib.sha256((out / entry["name"]).read_bytes()).hexdigest() == entry["sha256"]
    again = run("pack", "ehc-request", "ae-16", "--output", str(out))
    assert again.exit_code == 1 and "not empty" in again.stderr


def test_the_pack_can_be_sealed_for_the_authority(example_casebook, run, tmp_path):
    pyrage = pytest.importorskip("pyrage")
    identity = pyrage.x25519.Identity.generate()
    key = tmp_path / "la.key"
    key.write_text(f"{identity}\n")
    sealed = tmp_path / "request.age"
    result = run("pack", "ehc-request", "ae-16", "--encrypt-to", str(identity.to_public()), "--output", str(sealed))
    assert result.exit_code == 0, result.stderr
    assert b"Ava" not in sealed.read_bytes()
    opened = tmp_path / "opened"
    assert run("decrypt", str(sealed), "--identity", str(key), "--output", str(opened)).exit_code == 0
    assert (opened / "ae-16.ehc-request.html").exists()
