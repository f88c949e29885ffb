"""Mends from the review: uncosted groups in the provision map, dates out of range, Word template names."""

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest

from sendcli.core.reports import ProvisionRow, grand_total, school_year_start, totals_by
from tests.conftest import snapshot
from tests.test_docx import docx_report, tagged_form


def row(provision: str, kind: str, staff: str, yearly: float | None) -> ProvisionRow:
    return ProvisionRow("ab-16", "Ava Example", 1, provision, kind, "Something", staff, "", 30, None, None, yearly)


def test_a_group_with_no_costed_row_has_no_yearly_cost_rather_than_zero():
    rows = [row("p1", "specialist", "therapist", None),
            row("p2", "small-group", "TA", 100.10), row("p3", "small-group", "TA", None),
            row("p4", "small-group", "TA", 0.20)]
    groups = {g.label: g for g in totals_by(rows, "kind")}
    assert groups["specialist"].yearly_cost is None and groups["specialist"].uncosted == 1
    # Some rows costed: the sum of those, and how many were not.
    assert groups["small-group"].yearly_cost == 100.30 and groups["small-group"].uncosted == 1
    total = grand_total(rows)
    assert total.yearly_cost == 100.30 and total.uncosted == 2
    # Nothing at all to cost is no unknown: an empty map's total is 0.
    assert grand_total([]).yearly_cost == 0.0 and grand_total([]).uncosted == 0


@pytest.fixture
def outreach_uncosted(example_casebook):
    """kt-12's outreach visit (the only provision by its staff) with no cost: it cannot be costed."""
    path = example_casebook / "records" / "kt-12.yaml"
    text = path.read_text()
    old = ("          minutes_per_week: 0\n          staff: Example LA Autism Outreach Team\n"
           "          cost: 0.00\n")
    assert old in text
    path.write_text(text.replace(old, "          staff: Example LA Autism Outreach Team\n"))
    return example_casebook


def test_the_provision_map_shows_an_uncosted_group_as_unknown_in_every_format(outreach_uncosted, run):
    result = run("provision-map", "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    staff = {g["label"]: g for g in data["by_staff"]}
    assert staff["Example LA Autism Outreach Team"]["yearly_cost"] is None
    assert staff["Example LA Autism Outreach Team"]["uncosted"] == 1
    kind = {g["label"]: g for g in data["by_kind"]}
    # The speech and language therapist's row is costed (at 0): the group's sum is that row's.
    assert kind["specialist"]["yearly_cost"] == 0.0 and kind["specialist"]["uncosted"] == 1
    assert staff["TA"]["uncosted"] == 0 and staff["TA"]["yearly_cost"] > 0
    assert data["total"]["uncosted"] == 2  # with rb-17's

    text = run("provision-map").stdout
    line = next(line for line in text.splitlines() if line.startswith("Example LA Autism Outreach Team"))
    assert line.split()[-1] == "—", line

    html = run("provision-map", "--format", "html").stdout
    assert "<td>Example LA Autism Outreach Team</td>" in html
    group_row = next(line for line in html.splitlines()
                      if line.startswith("<tr><td>Example LA Autism Outreach Team</td>"))
    assert group_row.endswith('<td class="number">—</td><td class="number">1</td></tr>'), group_row

    provision = list(csv.DictReader(io.StringIO(run("provision-map", "--format", "csv").stdout)))
    outreach = next(r for r in provision if r["staff"] == "Example LA Autism Outreach Team")
    assert outreach["yearly_cost"] == ""


@pytest.mark.parametrize("args", [
    ("impact", "--to", "0001-01-01"), ("provision-map", "--to", "0001-01-01"),
    ("provision-map", "--from", "0001-01-01", "--to", "2026-11-28"), ("impact", "--from", "9999-12-31"),
    ("provision-map", "--to", "1899-12-31"),
])
def test_period_dates_far_outside_any_school_year_are_refused_as_usage(example_casebook, run, args):
    result = run(*args)
    assert result.exit_code == 2, (result.exit_code, result.stderr)
    assert "1900" in result.stderr and "2200" in result.stderr and "Traceback" not in result.stderr


def test_dates_in_the_range_are_still_read(example_casebook, run):
    assert run("provision-map", "--from", "1900-01-01", "--to", "2200-12-31").exit_code == 0
    assert run("impact", "--to", "2026-11-28").exit_code == 0


@pytest.mark.parametrize("today", ["0001-03-01", "1899-12-31", "2201-01-01"])
def test_a_today_far_outside_the_range_is_refused_as_usage(example_casebook, run, today):
    result = run("impact", env={"SENDCLI_TODAY": today})
    assert result.exit_code == 2, (result.exit_code, result.stderr)
    assert f"SENDCLI_TODAY={today!r}" in result.stderr and "1900" in result.stderr


def test_the_school_year_of_the_first_days_there_are_does_not_fail():
    assert school_year_start(date(1, 3, 1)) == date(1, 1, 1)
    assert school_year_start(date(1, 9, 2)) == date(1, 9, 1)
    assert school_year_start(date(2026, 3, 1)) == date(2025, 9, 1)


def test_a_word_template_problem_names_the_template_once(example_casebook, tmp_path: Path):
    (example_casebook / "templates").mkdir()
    tagged_form(example_casebook / "templates" / "plan.docx", "{{ record.child.nmae }}")
    before = snapshot(example_casebook)
    target = tmp_path / "a.docx"
    code, data, stderr = docx_report("ae-16", "--format", "docx", "--output", str(target))
    assert code == 1 and "nmae" in stderr, stderr
    assert "templates/plan.docx" in stderr and "templates/templates/" not in stderr, stderr
    assert not target.exists() and data == b"" and snapshot(example_casebook) == before
