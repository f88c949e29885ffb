"""Pictures of progress: the charts of measured outcomes and of the impact report's groups.

Inline SVG with a title, a description and the numbers as a table; the same bytes for the same
input (golden files); every text of the record escaped; drawn in the plan, the review and the
family summary; and no chart library loaded for a record without a measured outcome.
"""

from __future__ import annotations

import copy
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import date

import pytest

from conftest import REPO, TODAY
from sendcli.core.measures import outcome_series
from sendcli.documents.charts import change_chart, measure_chart

GOLDEN = REPO / "tests" / "data" / "golden" / "charts"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"  # UPDATE_GOLDEN=1 pytest tests/test_charts.py, then look at them
SVG = "{http://www.w3.org/2000/svg}"


def golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    assert path.exists(), f"no golden file {path.name}: run UPDATE_GOLDEN=1 pytest {__file__}"
    assert text == path.read_text(), f"{name} differs from its golden file"


def measured(text: str = "By July, Ava reads at her age.", name: str = "reading age", unit: str | None = "months",
             readings=((("2026-10-14", 86), ("2026-11-02", 88), ("2026-11-20", 90))), **more) -> dict:
    outcome = {"id": "o1", "text": text,
               "measure": {"name": name, "baseline": 84, "baseline_date": "2026-09-30", "target": 96, **more},
               "readings": [{"date": day, "value": value, "by": "TA"} for day, value in readings]}
    if unit is not None:
        outcome["measure"]["unit"] = unit
    return outcome


def record_with(*outcomes_by_cycle: list[dict]) -> dict:
    return {"id": "ts-99", "cycles": [{"number": n, "plan": {"outcomes": outcomes}}
                                      for n, outcomes in enumerate(outcomes_by_cycle, start=1)]}


def svg_of(html: str) -> ET.Element:
    [svg] = re.findall(r"<svg .*?</svg>", html, re.S)
    return ET.fromstring(svg)


# -- one measured outcome ---------------------------------------------------------------------------

def test_a_measured_outcome_is_an_accessible_inline_svg_with_its_numbers_as_a_table():
    outcome = measured()
    html = measure_chart(outcome_series(record_with([outcome]), outcome), "o1")
    svg = svg_of(html)
    assert svg.get("role") == "img" and svg.get("viewBox") == "0 0 640 250"
    title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
    assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert title.text == "o1: reading age" and '<figcaption style="font-weight:bold">o1: reading age<' in html
    assert desc.text == ("reading age: baseline 84 months on 30 September 2026; 3 readings, the latest 90 months on "
                         "20 November 2026; target 96 months (higher is better).")
    # The target as a dashed line, the readings as a line with a dot each, the baseline as its own dot.
    paths = svg.findall(f".//{SVG}path")
    assert [p.get("stroke") for p in paths] == ["#00703c", "#1d70b8"] and paths[0].get("stroke-dasharray")
    assert len(re.findall(r"[ML] ", paths[1].get("d"))) == 4  # baseline and three readings
    dots = svg.findall(f".//{SVG}circle")
    assert [d.get("fill") for d in dots] == ["#1d70b8"] * 4 + ["#0b0c0c"]
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert "months" in texts and "Sep 2026" in texts and "Nov" in texts  # the unit on the axis
    assert "Target 96 months" in texts and "Baseline 84 months" in texts
    # The numbers for a screen reader, and for print.
    rows = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td><td class=\"number\">(.*?)</td></tr>", html)
    assert rows == [("Baseline", "30 September 2026", "84"), ("Reading", "14 October 2026", "86"),
                    ("Reading", "2 November 2026", "88"), ("Reading", "20 November 2026", "90"), ("Target", "", "96")]
    assert "<caption" in html and "The numbers (higher is better)" in html
    assert not re.search(r"<(script|image|use|foreignObject|a)\b|href=|on\w+=", html)


def test_the_same_outcome_gives_the_same_bytes():
    outcome = measured()
    series = outcome_series(record_with([outcome]), outcome)
    assert measure_chart(series, "o1") == measure_chart(copy.deepcopy(series), "o1")
    golden("measure.html", measure_chart(series, "o1"))


def test_up_to_a_date_leaves_out_later_readings():
    outcome = measured()
    html = measure_chart(outcome_series(record_with([outcome]), outcome), "o1", until=date(2026, 11, 2))
    assert "20 November 2026" not in html and "the latest 88 months on 2 November 2026" in html
    assert len(svg_of(html).findall(f".//{SVG}circle")) == 3 + 1  # the line from the baseline, and the baseline


@pytest.mark.parametrize("readings, words", [
    ((), "no readings yet"),
    ((("2026-09-30", 84),), "1 reading, the latest 84 months on 30 September 2026"),
])
def test_an_outcome_with_no_reading_or_one_on_the_baseline_day_still_draws(readings, words):
    outcome = measured(readings=readings)
    html = measure_chart(outcome_series(record_with([outcome]), outcome), "o1")
    assert words in svg_of(html).find(f"{SVG}desc").text


def test_a_flat_measure_and_a_lower_is_better_one_draw():
    outcome = measured(name="incidents", unit="a week", readings=(("2026-10-07", 4), ("2026-11-04", 2)),
                       lower_is_better=True)
    outcome["measure"].update(baseline=4, target=4)
    html = measure_chart(outcome_series(record_with([outcome]), outcome), "o2")
    assert "(lower is better)" in html and "target 4 a week" in html


def test_a_series_runs_across_the_cycles_that_carried_the_outcome():
    first = measured(readings=(("2026-10-14", 86),))
    later = measured(readings=(("2027-01-20", 91),))
    later.update(id="o3", carried_from="1/o1")
    later["measure"].update(baseline=86, baseline_date="2027-01-10", target=100)
    series = outcome_series(record_with([first], [later]), later)
    assert (series.measure.baseline, series.measure.baseline_date, series.measure.target) == (84, date(2026, 9, 30), 100)
    assert [(r.day, r.value) for r in series.readings] == [(date(2026, 10, 14), 86), (date(2027, 1, 20), 91)]
    html = measure_chart(series, "o3")
    assert "Jan 2027" in [t.text for t in svg_of(html).iter(f"{SVG}text")]


def test_an_outcome_without_a_measure_has_no_series():
    assert outcome_series(record_with([{"id": "o1", "text": "x"}]), {"id": "o1", "text": "x"}) is None


HOSTILE = "<script>alert('x')</script> & \"quotes\" ]]>"


def test_record_text_in_a_chart_is_escaped():
    outcome = measured(text=HOSTILE, name=f"score {HOSTILE}", unit=f"pts {HOSTILE}")
    html = measure_chart(outcome_series(record_with([outcome]), outcome), HOSTILE)
    assert "<script>" not in html and "&lt;script&gt;" in html and "&amp;" in html
    svg = svg_of(html)  # still well-formed XML, the text whole
    assert svg.find(f"{SVG}title").text == f"{HOSTILE}: score {HOSTILE}"
    assert f"pts {HOSTILE}"[:31] + "…" in [t.text for t in svg.iter(f"{SVG}text")]  # the unit on the axis
    assert '<th scope="col" class="number">pts &lt;script&gt;alert(&#x27;x&#x27;)' in html


# -- the median change per group ----------------------------------------------------------------------

GROUPS = [
    {"group": "Reading Recovery", "children": 3, "outcomes": 3, "measure": "reading age", "unit": "months",
     "median_change": 4.5, "reached_target": 1, "cost": 1200.0, "cost_per_child": 400.0},
    {"group": "Toe by Toe", "children": 2, "outcomes": 2, "measure": "reading age", "unit": "months",
     "median_change": -1, "reached_target": 0, "cost": 300.0, "cost_per_child": 150.0},
    {"group": "Lego therapy", "children": 2, "outcomes": 2, "measure": "incidents", "unit": "a week",
     "median_change": -2, "reached_target": 1, "cost": 0.0, "cost_per_child": 0.0},
    {"group": "Nurture group", "children": 1, "outcomes": 1, "measure": "incidents", "unit": "a week",
     "median_change": None, "reached_target": 0, "cost": 0.0, "cost_per_child": 0.0},
]


def test_change_chart_draws_one_bar_chart_per_measure_and_unit():
    html = change_chart(GROUPS)
    assert html.count("<figure") == 2 and html.count("<svg") == 2
    reading, incidents = re.findall(r"<svg .*?</svg>", html, re.S)
    reading, incidents = ET.fromstring(reading), ET.fromstring(incidents)
    assert reading.find(f"{SVG}title").text == "Median change in reading age (months) by group"
    assert reading.find(f"{SVG}desc").text.endswith("Reading Recovery: 4.5 months; Toe by Toe: -1 months.")
    bars = reading.findall(f".//{SVG}rect[@fill='#1d70b8']")
    assert len(bars) == 2
    widths = sorted(float(bar.get("width")) for bar in bars)
    assert widths[1] == pytest.approx(4.5 * widths[0], rel=1e-6)  # bars to scale, from zero either way
    assert len(incidents.findall(f".//{SVG}rect[@fill='#1d70b8']")) == 1  # no reading yet: in the table only
    assert "<td>Nurture group</td><td class=\"number\">1</td><td class=\"number\">1</td>" \
           "<td class=\"number\">no reading</td>" in html
    assert change_chart(GROUPS) == html
    golden("change.html", html)


def test_change_chart_escapes_group_names_and_shortens_long_ones_beside_the_bars():
    groups = [dict(GROUPS[0], group=HOSTILE), dict(GROUPS[1], group="A programme with a very long name indeed")]
    html = change_chart(groups)
    assert "<script>" not in html and "<td>&lt;script&gt;" in html
    labels = [t.text for t in svg_of(html).iter(f"{SVG}text")]
    assert "A programme with a very lon…" in labels and "A programme with a very long name indeed" in html


# -- in the reports, from records the commands made ---------------------------------------------------
# Omar (ot-18 in examples/) has a reading age measured over the autumn term, made by commands.

def on(run, day: str, *args: str):
    result = run(*args, env={"SENDCLI_TODAY": day})
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.fixture
def reviewed_omar(example_casebook, run):
    """Omar's plan reviewed on 5 February (continue: o1 carried), then a reading in the new cycle."""
    on(run, "2027-02-05", "cycle", "review", "ot-18", "--decision", "continue", "--progress", "o1=partly-achieved",
       "--comment", "o1=84 months in November: on the way", "--next-review", "2027-05-14",
       "--attendee", "parent", "--attendee", "child")
    on(run, "2027-02-19", "add", "reading", "ot-18", "o1", "--value", "86", "--by", "TA")
    return example_casebook


@pytest.mark.parametrize("template, fmt", [(t, f) for t in ("plan", "parent") for f in ("html", "md")])
def test_a_plan_and_a_family_summary_with_a_measured_outcome_match_their_golden_files(example_casebook, run,
                                                                                         template, fmt):
    text = on(run, TODAY, "report", "ot-18", "--template", template, "--format", fmt)
    golden(f"ot-18.{template}.{fmt}", text)
    if fmt == "html":
        [chart] = re.findall(r"<svg .*?</svg>", text, re.S)
        assert svg_of(text).find(f"{SVG}desc").text == (
            "reading age: baseline 78 months on 14 September 2026; 4 readings, the latest 84 months on "
            "20 November 2026; target 90 months (higher is better).")
    else:
        assert "<svg" not in text


def test_the_markdown_gives_the_numbers_as_text(example_casebook, run):
    plan = on(run, TODAY, "report", "ot-18", "--format", "md")
    assert ("- o1, reading age: baseline 78 months (14 September 2026); latest 84 months (20 November 2026); "
            "target 90 months.") in plan
    parent = on(run, TODAY, "report", "ot-18", "--template", "parent", "--format", "md")
    assert ("We measure this by reading age. When we started, on 14 September 2026, it was 78 months; on "
            "20 November 2026 it was 84 months. We are aiming for 90 months.") in parent


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_the_review_draws_the_outcome_up_to_the_review(reviewed_omar, run, fmt):
    text = on(run, "2027-02-19", "report", "ot-18", "--template", "review", "--format", fmt)
    golden(f"ot-18.review.{fmt}", text)
    assert "20 November 2026" in text and "86 months" not in text  # the later reading is not in it
    if fmt == "html":
        assert len(re.findall(r"<svg ", text)) == 1


def test_the_next_plan_draws_the_whole_series_from_the_first_baseline(reviewed_omar, run):
    html = on(run, "2027-02-19", "report", "ot-18")
    desc = svg_of(html).find(f"{SVG}desc").text
    assert desc.startswith("reading age: baseline 78 months on 14 September 2026; 5 readings, the latest 86 months "
                           "on 19 February 2027")
    assert {"Sep 2026", "Jan 2027"} <= {t.text for t in svg_of(html).iter(f"{SVG}text")}


def test_a_report_without_a_measured_outcome_is_as_it_was(example_casebook, run):
    html = on(run, TODAY, "report", "is-23")
    assert "<svg" not in html and "measured outcomes" not in html


def test_measured_reports_escape_record_text(example_casebook, run):
    on(run, "2026-11-02", "new", "zz-18", "--name", "Test Hostile", "--dob", "2018-01-01", "--year-group", "3",
       "--need", "SPLD")
    on(run, "2026-11-02", "cycle", "open", "zz-18")
    on(run, "2026-11-02", "add", "evidence", "zz-18", "--source", "TA", "--text", "x")
    for who in ("child", "parent"):
        on(run, "2026-11-02", "add", "view", "zz-18", "--from", who, "--text", "x")
    on(run, "2026-11-02", "cycle", "advance", "zz-18")
    on(run, "2026-11-02", "add", "outcome", "zz-18", "--text", HOSTILE, "--measure", f"score {HOSTILE}",
       "--unit", "&<b>", "--baseline", "1", "--target", "5")
    on(run, TODAY, "add", "reading", "zz-18", "o1", "--value", "3", "--date", "2026-11-20")
    for template in ("plan", "parent"):
        html = on(run, TODAY, "report", "zz-18", "--template", template)
        assert "<script>" not in html and "<b>" not in html and "&lt;script&gt;" in html
        ET.fromstring(re.search(r"<svg .*?</svg>", html, re.S).group(0))  # well-formed, whatever the text
        md = on(run, TODAY, "report", "zz-18", "--template", template, "--format", "md")
        assert "<script>" not in md and "\\<script\\>" in md and "\\&\\<b\\>" in md


def test_a_casebook_template_can_draw_the_charts(example_casebook, run):
    (example_casebook / "templates").mkdir()
    (example_casebook / "templates" / "plan.html.j2").write_text(
        "{% for outcome in cycle.plan.outcomes|measured %}{{ outcome_chart(record, outcome, today) }}{% endfor %}"
        "{{ change_chart(groups) if groups is defined else '' }}|{{ outcome_measure(record, cycle.plan.outcomes[0])"
        ".latest }}\n")
    text = on(run, TODAY, "report", "ot-18")
    assert text.count("<svg ") == 1 and text.endswith("|84 months\n")


STARTUP_PROBE = """
import sys
from datetime import date
from pathlib import Path
from sendcli.store.casebook import open_casebook
from sendcli.store.records import read_record
from sendcli.documents.reporting import record_report
book = open_casebook(None, Path(sys.argv[1]))
today = date(2026, 11, 28)
for record_id in ("ae-16", "kt-12", "lp-09", "is-23"):
    for template in ("plan", "parent"):
        record_report(book, read_record(book, record_id, today).data, template, "html", today)
print(sorted(name for name in sys.modules if name.split(".")[0] in ("leather", "xml")
             or name == "sendcli.documents.charts"))
"""


def test_reports_without_a_measured_outcome_load_no_chart_library(example_casebook):
    ran = subprocess.run([sys.executable, "-c", STARTUP_PROBE, str(example_casebook)], capture_output=True,
                         text=True, check=True)
    assert ran.stdout.strip() == "[]"
