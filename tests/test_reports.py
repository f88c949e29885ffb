"""Reports: golden files for every template and format, escaping, the sandbox, overrides,
redaction, and the casebook-wide views."""

import csv
import io
import json
import os
import re
import stat
from datetime import date

import pytest

from conftest import REPO
from sendcli.core.reports import stats, suppress, weekly_minutes

GOLDEN = REPO / "tests" / "data" / "golden" / "reports"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"  # UPDATE_GOLDEN=1 pytest tests/test_reports.py, then review the diff

# Ava: every template; Leo: a young person (the summary speaks to him); Theo: three cycles, the last reviewed.
PER_CHILD = [(record, template, fmt) for record, templates in (
    ("ae-16", ("plan", "review", "parent", "profile", "chronology")), ("lp-09", ("plan", "parent", "profile")),
    ("ts-20", ("review",))) for template in templates for fmt in ("html", "md")]
CASEBOOK_WIDE = [(view, fmt) for view in ("register", "provision-map", "stats") for fmt in ("text", "csv", "json", "html")]


def golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    assert path.exists(), f"no golden file {path.name}: run UPDATE_GOLDEN=1 pytest {__file__}"
    assert text == path.read_text(), f"{name} differs from its golden file"


@pytest.mark.parametrize("record_id, template, fmt", PER_CHILD)
def test_per_child_report_matches_its_golden_file(example_casebook, run, record_id, template, fmt):
    result = run("report", record_id, "--template", template, "--format", fmt)
    assert result.exit_code == 0, result.stderr
    golden(f"{record_id}.{template}.{fmt}", result.stdout)


@pytest.mark.parametrize("view, fmt", CASEBOOK_WIDE)
def test_casebook_view_matches_its_golden_file(example_casebook, run, view, fmt):
    result = run(view, "--format", fmt)
    assert result.exit_code == 0, result.stderr
    golden(f"casebook.{view}.{fmt.replace('text', 'txt')}", result.stdout)


def test_html_is_self_contained_print_ready_and_british(example_casebook, run):
    html = run("report", "kt-12").stdout
    assert html.startswith("<!DOCTYPE html>") and '<html lang="en-GB">' in html
    assert "@page { size: A4;" in html and "<style>" in html
    assert not re.search(r"<(script|link|img)\b", html)
    assert "7 September 2026" in html  # dates as people write them
    assert "<table>" in html and '<th scope="col">' in html and "<h1>" in html and "<h2>" in html


HOSTILE_NAME = "<script>alert('x')</script> {{ 7*7 }}"


@pytest.fixture
def hostile_record(example_casebook):
    path = example_casebook / "records" / "ae-16.yaml"
    text = path.read_text()
    text = text.replace("name: Ava Example", f'name: "{HOSTILE_NAME}"', 1)
    text = text.replace("preferred_name: Ava", 'preferred_name: "{{ 7*7 }} <b>Ava</b>"', 1)
    path.write_text(text)
    return example_casebook


@pytest.mark.parametrize("template", ["plan", "review", "parent", "profile"])
def test_record_text_is_data_never_markup_or_template_code_in_html(hostile_record, run, template):
    html = run("report", "ae-16", "--template", template).stdout
    assert "<script>" not in html and "<b>Ava" not in html
    assert "{{ 7*7 }}" in html and "49" not in re.sub(r"\d{3,}|\d+(st|nd|rd|th)|\d+ ?(min|x)", "", html)
    assert "&lt;script&gt;" in html or "&lt;b&gt;Ava" in html


@pytest.mark.parametrize("template", ["plan", "review", "parent", "profile"])
def test_record_text_is_escaped_in_markdown(hostile_record, run, template):
    md = run("report", "ae-16", "--template", template, "--format", "md").stdout
    assert "<script>" not in md and "<b>" not in md
    assert "\\<" in md and "{{ 7\\*7 }}" in md


def test_a_casebook_template_overrides_the_built_in_one(example_casebook, run):
    (example_casebook / "templates").mkdir()
    (example_casebook / "templates" / "plan.md.j2").write_text(
        "Plan for {{ record.id }} ({{ record.child.name }}), {{ today|long_date }}: {{ cycle.stage }}\n")
    assert run("report", "ae-16", "--format", "md").stdout == "Plan for ae-16 (Ava Example), 28 November 2026: do\n"
    assert "<!DOCTYPE html>" in run("report", "ae-16").stdout  # other formats keep the built-in


@pytest.mark.parametrize("body, words", [
    ("{{ record.child.nmae }}", "nmae"),
    ("{{ record.__class__.__mro__ }}", "templates/plan.md.j2"),
    ("{{ ''.__class__.__subclasses__() }}", "templates/plan.md.j2"),
    ("{% for x in %}", "templates/plan.md.j2:1:"),
])
def test_bad_or_hostile_casebook_templates_are_refused_cleanly(example_casebook, run, body, words):
    (example_casebook / "templates").mkdir()
    (example_casebook / "templates" / "plan.md.j2").write_text(body + "\n")
    result = run("report", "ae-16", "--format", "md")
    assert result.exit_code == 1 and words in result.stderr and "Traceback" not in result.stderr
    assert "object" not in result.stdout


PRIVATE = ["Ava Example", "Sam Example", "19 October 2016", "2016-10-19"]


@pytest.mark.parametrize("template, fmt", [(t, f) for t in ("plan", "review", "parent", "profile") for f in ("html", "md")])
def test_redact_leaves_out_names_dates_of_birth_and_contacts(example_casebook, run, template, fmt):
    text = run("report", "ae-16", "--template", template, "--format", fmt, "--redact").stdout
    for secret in PRIVATE:
        assert secret not in text
    # The ID and nothing else of the child: no initials, no first name (even in staff's free text).
    assert "A.E." not in text and not re.search(r"\bAva\b", text)
    if template in ("plan", "review"):
        assert "ae-16" in text


@pytest.mark.parametrize("view", ["register", "provision-map"])
def test_casebook_views_redact_names(example_casebook, run, view):
    text = run(view, "--format", "csv", "--redact").stdout
    for name in ("Ava Example", "Kai Testington", "Ivy Sample"):
        assert name not in text


def test_all_records_into_a_folder_privately(example_casebook, run, tmp_path):
    out = tmp_path / "reports"
    result = run("report", "--all", "--template", "review", "--output-dir", str(out))
    assert result.exit_code == 0
    names = sorted(p.name for p in out.iterdir())
    assert "ae-16.review.html" in names and "is-23.review.html" not in names  # Ivy has no review yet
    assert "skipped: is-23: no review is recorded yet" in result.stderr
    assert result.stdout == ""  # nothing extra when piped
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in out.iterdir())


@pytest.mark.parametrize("args, code", [
    (["report"], 2), (["report", "--all"], 2), (["report", "ae-16", "--all", "--output-dir", "x"], 2),
    (["report", "ae-16", "--template", "letter"], 2), (["report", "nobody"], 1),
    (["report", "is-23", "--template", "review"], 1), (["stats", "--format", "pdf"], 2),
])
def test_report_refusals(example_casebook, run, args, code):
    result = run(*args)
    assert result.exit_code == code and "Traceback" not in result.stderr


def test_register_csv_columns_are_the_contract(example_casebook, run):
    rows = list(csv.DictReader(io.StringIO(run("register", "--format", "csv").stdout)))
    assert list(rows[0]) == ["record", "name", "status", "provision_code", "primary_need", "secondary_needs", "area",
                             "setting", "year_group", "entered", "left"]
    by_id = {row["record"]: row for row in rows}
    assert by_id["kt-12"]["provision_code"] == "E" and by_id["ae-16"]["provision_code"] == "K"
    assert by_id["md-19"]["provision_code"] == "N" and by_id["ae-16"]["secondary_needs"] == "SEMH"


def test_provision_map_totals(example_casebook, run):
    data = json.loads(run("provision-map", "--format", "json").stdout)
    rows = data["provision"]
    assert data["total"]["count"] == len(rows)
    assert data["total"]["minutes_per_week"] == sum(r["minutes_per_week"] or 0 for r in rows)
    assert abs(data["total"]["cost"] - sum(r["cost"] or 0 for r in rows)) < 0.001
    assert sum(group["count"] for group in data["by_kind"]) == len(rows)
    assert sum(group["cost"] for group in data["by_staff"]) == pytest.approx(data["total"]["cost"])


def test_stats_show_no_names_no_ids_and_suppress_small_numbers(example_casebook, run):
    for fmt in ("text", "csv", "json", "html"):
        text = run("stats", "--format", fmt).stdout
        for secret in ("ae-16", "kt-12", "Ava", "Kai", "Testington"):
            assert secret not in text
    data = json.loads(run("stats", "--format", "json").stdout)
    assert data["total"] == 8 and data["by_primary_need"]["SLCN"] == "<5"


def test_stats_counts_and_suppression():
    record = lambda n, status, need, year: {"id": f"r{n}", "status": status, "needs": {"primary": need},
                                            "child": {"name": "X", "year_group": year}}
    records = [record(n, "sen-support", "SLCN", "5") for n in range(7)] + [record(9, "ehc-plan", "ASD", "5"),
                                                                         record(10, "monitoring", None, "3")]
    figures = stats(records, date(2026, 11, 28)).as_json()
    # 7 shown beside a hidden 1 would give the 1 away (8 - 7): the 7 is hidden too.
    assert figures["total"] == 8 and figures["by_primary_need"] == {"SLCN": "x", "ASD": "<5"}
    assert figures["by_year_group"] == {"5": 8} and figures["by_provision_code"] == {"K": "x", "E": "<5"}
    assert [suppress(n) for n in (0, 1, 4, 5, 12)] == [0, "<5", "<5", 5, 12]


@pytest.mark.parametrize("provision, minutes", [
    ({"minutes_per_week": 60, "frequency": "daily"}, 60), ({"frequency": "3 x 20 min weekly"}, 60),
    ({"frequency": "2 x 30 minutes a week"}, 60), ({"frequency": "daily"}, None), ({}, None),
])
def test_weekly_minutes(provision, minutes):
    assert weekly_minutes(provision) == minutes


def test_a_local_offer_service_used_twice_is_listed_once(example_casebook, run):
    path = example_casebook / "records" / "kt-12.yaml"
    text = path.read_text().replace("          outcomes: [o3]\n", "          outcomes: [o3]\n          local_offer: autism-outreach\n", 1)
    path.write_text(text)
    assert run("check").exit_code == 0
    assert run("report", "kt-12", "--template", "parent", "--format", "md").stdout.count("- Autism Outreach Team: https") == 1


def test_chronology_report_is_every_dated_event_oldest_first(example_casebook, run):
    from sendcli.core.chronology import chronology
    from sendcli.store.loading import load_yaml

    record = load_yaml((example_casebook / "records" / "ae-16.yaml").read_bytes()).data
    events = chronology(record)
    assert len(events) > 3
    text = run("report", "ae-16", "--template", "chronology", "--format", "md").stdout
    rows = [line for line in text.splitlines() if line.startswith("| ") and not line.startswith("| Date")]
    assert len(rows) == len(events) and f"{len(events)} events" in text
    assert [row.split(" | ")[1] for row in rows] == [event.what for event in events]


def test_chronology_report_under_redact_names_no_one(example_casebook, run):
    result = run("report", "ae-16", "--template", "chronology", "--format", "md", "--redact")
    assert result.exit_code == 0, result.stderr
    assert "Ava" not in result.stdout and "Example" not in result.stdout and "ae-16" in result.stdout
