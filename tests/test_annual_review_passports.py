"""The annual review report of an EHC plan, the passport, and ``sendcli passports``: golden files,
which review the report is for, what a passport must never show, and the class set."""

import json
import os
import re
from datetime import date

import pytest

from conftest import REPO
from sendcli.core.annual_review import annual_review

GOLDEN = REPO / "tests" / "data" / "golden" / "reports"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"  # UPDATE_GOLDEN=1 pytest tests/test_annual_review_passports.py


def golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.write_text(text)
    assert path.exists(), f"no golden file {path.name}: run UPDATE_GOLDEN=1 pytest {__file__}"
    assert text == path.read_text(), f"{name} differs from its golden file"


# Riley: a meeting held, its report not sent yet, with what the meeting said recorded on it;
# Kai: every report sent, the next review not planned yet: what is not recorded says so.
# Ava: a passport with a plan running; Kai: with an EHC plan; Mia: monitoring, no plan running.
PER_CHILD = [(record, template, fmt) for record, template in (
    ("rm-15", "annual-review"), ("kt-12", "annual-review"), ("ae-16", "passport"), ("kt-12", "passport"),
    ("md-19", "passport")) for fmt in ("html", "md")]


@pytest.mark.parametrize("record_id, template, fmt", PER_CHILD)
def test_report_matches_its_golden_file(example_casebook, run, record_id, template, fmt):
    result = run("report", record_id, "--template", template, "--format", fmt)
    assert result.exit_code == 0, result.stderr
    golden(f"{record_id}.{template}.{fmt}", result.stdout)


@pytest.mark.parametrize("args, name", [((), "casebook.passports.html"),
                                        (("--year-group", "5"), "year-5.passports.html")])
def test_passports_match_their_golden_file(example_casebook, run, tmp_path, args, name):
    out = tmp_path / "passports.html"
    result = run("passports", *args, "--output", str(out))
    assert result.exit_code == 0, result.stderr
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    golden(name, out.read_text())


# -- the annual review report ---------------------------------------------------------------------------

def test_the_annual_review_report_holds_what_the_meeting_recorded(example_casebook, run):
    text = run("report", "rm-15", "--template", "annual-review", "--format", "md").stdout
    assert "annual review meeting held on **17 November 2026**" in text
    assert "It covers 9 December 2025 to 17 November 2026" in text  # from the last decision to the meeting
    assert "**Amend the EHC plan.**" in text
    assert "Taking part in the meeting: parent, child, class-teacher, senco, secondary-senco." in text
    assert "Advice and information from: class-teacher, Educational psychologist, Example Academy SENCO." in text
    assert "Name Example Academy in section I" in text
    assert "I visited Example Academy and it was OK." in text  # the child's view in the period
    assert "Enhanced transition" in text  # provision that ran in the period


def test_what_is_not_recorded_yet_says_so(example_casebook, run):
    text = run("report", "kt-12", "--template", "annual-review", "--format", "md").stdout
    assert "no meeting is recorded or planned yet; it is due by **26 January 2027**" in text
    assert "## Recommendation to the local authority\n\nNot recorded yet." in text
    assert "Taking part in the meeting: not recorded yet." in text
    assert "## What should change in the plan\n\nNot recorded yet." in text


def test_the_authority_s_decision_shows_beside_the_recommendation(example_casebook, run):
    path = example_casebook / "records" / "rm-15.yaml"
    path.write_text(path.read_text().replace("""      report_sent: null
      la_decision: null
      amended_plan: null
      attendees""", """      report_sent: 2026-11-20
      la_decision: {date: 2026-11-25, outcome: amend}
      amended_plan: null
      attendees"""))
    result = run("report", "rm-15", "--template", "annual-review", "--format", "md")
    assert result.exit_code == 0, result.stderr
    # Every report sent and no meeting planned: the next review is the one in hand.
    assert "no meeting is recorded or planned yet; it is due by" in result.stdout
    assert "It covers 25 November 2026 to 28 November 2026" in result.stdout


@pytest.mark.parametrize("record_id", ["ae-16", "md-19", "lp-09"])
def test_a_record_without_an_ehc_plan_is_refused_saying_why(example_casebook, run, record_id):
    result = run("report", record_id, "--template", "annual-review")
    assert result.exit_code == 1
    assert "no EHC plan is recorded" in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""


def test_report_all_skips_records_without_a_plan_and_says_so(example_casebook, run, tmp_path):
    result = run("report", "--all", "--template", "annual-review", "--output-dir", str(tmp_path / "out"))
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["kt-12.annual-review.html",
                                                                    "rm-15.annual-review.html"]
    assert result.stderr.count("skipped:") == 7


def test_the_redacted_annual_review_names_no_one(example_casebook, run):
    text = run("report", "rm-15", "--template", "annual-review", "--redact").stdout
    assert "Riley" not in text and "Mockington" not in text and "rm-15" in text


def _ehc_record(**ehc) -> dict:
    return {"id": "zz-15", "status": "ehc-plan", "child": {"name": "Zed Example", "date_of_birth": "2015-01-01"},
            "ehc": {"final_plan": "2025-03-01", **ehc}}


def test_the_review_in_hand_is_the_earliest_meeting_without_its_report():
    review = annual_review(_ehc_record(reviews=[
        {"meeting": "2026-02-10", "report_sent": None, "la_decision": None},
        {"meeting": "2027-02-01", "report_sent": None, "la_decision": None}]), date(2027, 2, 5))
    assert (review.meeting, review.held, review.period_from, review.period_to) == (
        date(2026, 2, 10), True, date(2025, 3, 1), date(2026, 2, 10))


def test_a_planned_meeting_is_in_hand_once_the_last_report_is_sent():
    record = _ehc_record(reviews=[{"meeting": "2026-02-10", "report_sent": "2026-02-20",
                                   "la_decision": {"date": "2026-03-01", "outcome": "maintain"}}],
                         planned_reviews=[{"meeting": "2026-01-20"}, {"meeting": "2027-02-03"}])
    review = annual_review(record, date(2026, 12, 1))
    assert (review.meeting, review.held, review.due_by) == (date(2027, 2, 3), False, None)
    assert (review.period_from, review.period_to) == (date(2026, 3, 1), date(2026, 12, 1))


def test_with_nothing_planned_the_next_review_is_due_four_weeks_before_the_period_ends():
    review = annual_review(_ehc_record(), date(2025, 10, 1))
    assert (review.meeting, review.held) == (None, False)
    assert review.due_by == date(2026, 2, 28) - __import__("datetime").timedelta(days=28)
    assert (review.period_from, review.period_to) == (date(2025, 3, 1), date(2025, 10, 1))


def test_a_plan_without_a_date_still_gets_a_report_of_the_last_twelve_months():
    record = {**_ehc_record(), "ehc": {}}
    review = annual_review(record, date(2026, 11, 28))
    assert review.plan_date is None and review.due_by is None
    assert (review.period_from, review.period_to) == (date(2025, 11, 29), date(2026, 11, 28))


def test_progress_shows_each_outcome_with_its_rating_and_measured_readings():
    record = _ehc_record(reviews=[{"meeting": "2026-02-10"}])
    record["cycles"] = [{
        "number": 1, "opened": "2025-09-01", "stage": "closed",
        "history": [{"stage": "assess", "date": "2025-09-01"}, {"stage": "do", "date": "2025-09-20"},
                    {"stage": "closed", "date": "2025-12-10"}],
        "plan": {"outcomes": [
            {"id": "o1", "text": "Read 20 words", "measure": {"name": "words read", "baseline": 5, "target": 20,
                                                             "unit": "words", "baseline_date": "2025-09-10"},
             "readings": [{"date": "2025-11-01", "value": 12}, {"date": "2025-10-01", "value": 8},
                          {"date": "2026-03-01", "value": 25}]},
            {"id": "o2", "text": "Ask for help"}]},
        "review": {"date": "2025-12-10", "decision": "continue", "next_steps": "Keep going",
                   "progress": [{"outcome": "o1", "rating": "partly-achieved", "text": "12 of 20"}]}}]
    review = annual_review(record, date(2026, 3, 5))
    first, second = review.outcomes
    assert (first.rating, first.comment, first.baseline, first.latest, first.latest_date, first.target,
            first.unit) == ("partly-achieved", "12 of 20", 5, 12, "2025-11-01", 20, "words")  # not the March one
    assert (second.rating, second.measure, second.latest) == (None, None, None)
    assert [r["next_steps"] for r in review.cycle_reviews] == ["Keep going"]


def test_measured_readings_render_in_the_report(example_casebook, run):
    path = example_casebook / "records" / "rm-15.yaml"
    text = path.read_text()
    text = text.replace("""          text: By February, Riley will use his calm-down plan""", """          measure: {name: minutes back to learning, baseline: 25, baseline_date: 2026-09-20, target: 10, unit: min,
                    lower_is_better: true}
          readings:
            - {date: 2026-10-01, value: 18}
            - {date: 2026-11-10, value: 12.5}
          text: By February, Riley will use his calm-down plan""", 1)
    path.write_text(text)
    checked = run("check", "records/rm-15.yaml")
    assert checked.exit_code == 0, checked.stdout
    out = run("report", "rm-15", "--template", "annual-review", "--format", "md").stdout
    assert "minutes back to learning: from 25 to 12.5 (10 November 2026); target 10 min" in out
    html = run("report", "rm-15", "--template", "annual-review").stdout
    assert html.count("<svg") == 1 and 'role="img"' in html  # the measure drawn, up to the meeting


def test_the_meeting_s_report_fields_are_set_by_hand_but_its_events_are_not(example_casebook, run):
    assert run("set", "kt-12", "ehc.reviews[-1].recommendation", "maintain").exit_code == 0
    assert run("set", "kt-12", "ehc.reviews[-1].attendees", "--add", "parent").exit_code == 0
    text = (example_casebook / "records" / "kt-12.yaml").read_text()
    # After the events, in the layout's order; the comment that ended the meeting's entry stays where it was.
    assert re.search(r"amended_plan: 2026-04-17\n +attendees: \[parent\]\n +recommendation: maintain\n"
                     r"  # post-16 transfer review .*\n  phase_transfer: null\n", text)
    assert run("set", "kt-12", "ehc.reviews[-1].recommendation", "keep").exit_code == 2
    refused = run("set", "kt-12", "ehc.reviews[-1].la_decision.outcome", "cease")
    assert refused.exit_code == 1 and "sendcli ehc" in refused.stderr
    assert run("check", "records/kt-12.yaml").exit_code == 0


# -- the passport ---------------------------------------------------------------------------------------

RECORDS = ["ae-16", "is-23", "kt-12", "lp-09", "md-19", "ot-18", "rb-17", "rm-15", "ts-20"]


def _never_in_a_passport(record_text: str) -> list[str]:
    """The date of birth in every form a report writes it, and the free-text needs summary (where
    a diagnosis or health detail is written)."""
    born = re.search(r"date_of_birth: (\d{4})-(\d{2})-(\d{2})", record_text)
    day = date(int(born[1]), int(born[2]), int(born[3]))
    summary = re.search(r"^  summary: (.+)$", record_text, re.M)
    forbidden = [re.escape(day.isoformat()), re.escape(f"{day.day} {day:%B %Y}"), r"\bborn\b", "date of birth",
                 r"\baged? \d", r"\byears? old\b", r"\bdiagnos", r"\bmedica"]
    return forbidden + ([re.escape(summary[1].strip()[:40])] if summary else [])


def _visible(html: str) -> str:
    """The text a reader sees (no style sheet), in lower case."""
    return re.sub(r"<[^>]+>", " ", re.sub(r"<style>.*?</style>", "", html, flags=re.S)).lower()


@pytest.mark.parametrize("record_id", RECORDS)
@pytest.mark.parametrize("fmt", ["html", "md"])
def test_a_passport_never_shows_the_date_of_birth_or_health_detail(example_casebook, run, record_id, fmt):
    record_text = (example_casebook / "records" / f"{record_id}.yaml").read_text()
    result = run("report", record_id, "--template", "passport", "--format", fmt)
    assert result.exit_code == 0, result.stderr
    shown = _visible(result.stdout)
    for pattern in _never_in_a_passport(record_text):
        assert not re.search(pattern.lower(), shown), f"{pattern!r} in the passport of {record_id}"


def test_the_class_set_never_shows_a_date_of_birth_or_a_needs_summary(example_casebook, run, tmp_path):
    out = tmp_path / "all.html"
    assert run("passports", "--output", str(out)).exit_code == 0
    shown = _visible(out.read_text())
    for record_id in RECORDS:
        for pattern in _never_in_a_passport((example_casebook / "records" / f"{record_id}.yaml").read_text()):
            assert not re.search(pattern.lower(), shown), f"{pattern!r} of {record_id} in the passports"


def test_the_passport_tells_needs_in_plain_words_and_what_to_avoid(example_casebook, run):
    text = run("report", "kt-12", "--template", "passport", "--format", "md").stdout
    assert "Autistic" not in text and "ASD" not in text  # the need in words, never its label
    assert "Saying what I mean, understanding what people say" in text
    assert "Surprise changes to the room" in text  # profile.what_to_avoid
    assert "Meet-and-greet with a key adult" in text  # the running plan's provision helps
    assert "By February, Kai will start written tasks" in text  # what he is working on


def test_record_text_in_a_passport_is_data_never_markup(example_casebook, run):
    path = example_casebook / "records" / "ae-16.yaml"
    path.write_text(path.read_text().replace("    - Asking me to read aloud without warning.",
                                             "    - \"<script>alert(1)</script> *shouting* {{ 7*7 }}\"", 1))
    html = run("report", "ae-16", "--template", "passport").stdout
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "{{ 7*7 }}" in html
    md = run("report", "ae-16", "--template", "passport", "--format", "md").stdout
    assert r"\<script\>alert(1)\</script\> \*shouting\*" in md


def test_a_closed_record_gets_no_passport(example_casebook, run):
    assert run("close", "ae-16", "--reason", "moved-school", "--date", "2026-11-20").exit_code == 0
    result = run("report", "ae-16", "--template", "passport")
    assert result.exit_code == 1 and "no passport is made" in result.stderr


# -- sendcli passports ----------------------------------------------------------------------------------

def _names(html: str) -> list[str]:
    return re.findall(r'<article class="passport">\s*<div class="passport-head">\s*<h1>([^<]*)</h1>', html)


def test_passports_are_open_records_in_year_group_order_one_a_page(example_casebook, run, tmp_path):
    assert run("close", "rb-17", "--reason", "moved-school", "--date", "2026-11-20").exit_code == 0
    out = tmp_path / "all.html"
    result = run("passports", "--output", str(out))
    assert result.exit_code == 0, result.stderr
    html = out.read_text()
    # N2, 2, 3, 3, 5, 6, 9, 12 (year 3 by surname: Demo, Testcase): Rosa (closed) is left out.
    assert _names(html) == ["Ivy", "Theo", "Mia", "Omar", "Ava", "Riley", "Kai", "Leo"]
    assert ".passport { break-after: page; }" in html and html.count("<!DOCTYPE html>") == 1


def test_passports_for_chosen_year_groups(example_casebook, run, tmp_path):
    out = tmp_path / "two.html"
    assert run("passports", "--year-group", "Year 9", "--year-group", "5", "--output", str(out)).exit_code == 0
    assert _names(out.read_text()) == ["Rosa", "Ava", "Kai"]  # year 5 (by surname: Bloggs, Example), then 9
    empty = tmp_path / "none.html"
    assert run("passports", "--year-group", "R", "--output", str(empty)).exit_code == 0
    assert "No open record in year R: no passport to print." in empty.read_text()


def test_passports_refuse_a_year_group_that_is_not_one(example_casebook, run, tmp_path):
    result = run("passports", "--year-group", "15", "--output", str(tmp_path / "x.html"))
    assert result.exit_code == 2 and "is not a year group" in result.stderr
    assert not (tmp_path / "x.html").exists()


def test_redacted_passports_name_no_child(example_casebook, run, tmp_path):
    out = tmp_path / "redacted.html"
    assert run("passports", "--redact", "--output", str(out)).exit_code == 0
    html = out.read_text()
    assert _names(html) and all(re.fullmatch(r"[a-z]{2}-\d{2}", name) for name in _names(html))
    for name in ("Ava", "Kai", "Testington", "Riley", "Example"):
        assert name not in re.sub(r"Example (LA|Academy|Primary)", "", html)


def test_an_unreadable_record_is_reported_and_the_others_still_printed(example_casebook, run, tmp_path):
    (example_casebook / "records" / "zz-99.yaml").write_text("id: zz-99\nstatus: [\n")
    out = tmp_path / "all.html"
    result = run("passports", "--output", str(out))
    assert result.exit_code == 1 and "unreadable: " in result.stderr and "zz-99" in result.stderr
    assert len(_names(out.read_text())) == 9


def test_passports_never_write_over_the_casebook(example_casebook, run):
    before = (example_casebook / "records" / "ae-16.yaml").read_bytes()
    result = run("passports", "--output", str(example_casebook / "records" / "ae-16.yaml"))
    assert result.exit_code != 0 and (example_casebook / "records" / "ae-16.yaml").read_bytes() == before


# -- packs ----------------------------------------------------------------------------------------------

def test_the_transfer_pack_holds_the_passport_and_for_a_plan_the_annual_review(example_casebook, run, tmp_path):
    out = tmp_path / "pack"
    result = run("transfer", "rm-15", "--output", str(out))
    assert result.exit_code == 0, result.stderr
    names = sorted(p.name for p in out.iterdir())
    assert "rm-15.passport.html" in names and "rm-15.annual-review.html" in names
    manifest = json.loads((out / "manifest.json").read_text())
    listed = {entry["name"] for entry in manifest["files"]}
    assert listed == set(names) - {"manifest.json"}
    other = tmp_path / "pack-ava"
    assert run("transfer", "ae-16", "--output", str(other)).exit_code == 0
    assert not (other / "ae-16.annual-review.html").exists() and (other / "ae-16.passport.html").exists()


def test_the_transfer_pack_of_a_closed_record_keeps_its_passport_and_annual_review(example_casebook, run, tmp_path):
    assert run("close", "kt-12", "--reason", "moved-school", "--date", "2026-11-20").exit_code == 0
    out = tmp_path / "pack"
    assert run("transfer", "kt-12", "--output", str(out)).exit_code == 0
    assert (out / "kt-12.passport.html").exists() and (out / "kt-12.annual-review.html").exists()


def test_a_subject_access_export_holds_the_passport_and_annual_review(example_casebook, run, tmp_path):
    out = tmp_path / "export"
    assert run("export", "rm-15", "--output", str(out)).exit_code == 0
    assert (out / "rm-15.passport.html").exists() and (out / "rm-15.annual-review.html").exists()


# -- Word -----------------------------------------------------------------------------------------------

DOCX_GOLDEN = REPO / "tests" / "data" / "golden" / "docx"


def _docx_golden(name: str, data: bytes) -> None:
    from docx_structure import structure

    path = DOCX_GOLDEN / name
    if UPDATE:
        path.write_text(structure(data))
    assert path.exists(), f"no golden file {path.name}: run UPDATE_GOLDEN=1 pytest {__file__}"
    assert structure(data) == path.read_text(), f"{name} differs from its golden file"


@pytest.mark.parametrize("record_id, template", [("rm-15", "annual-review"), ("kt-12", "annual-review"),
                                                 ("kt-12", "passport"), ("md-19", "passport")])
def test_word_reports_match_their_golden_structure(example_casebook, run, tmp_path, record_id, template):
    out = tmp_path / f"{record_id}.docx"
    result = run("report", record_id, "--template", template, "--format", "docx", "--output", str(out))
    assert result.exit_code == 0, result.stderr
    _docx_golden(f"{record_id}.{template}.docx.txt", out.read_bytes())


def test_word_passports_one_a_page_and_no_date_of_birth(example_casebook, run, tmp_path):
    import zipfile

    out = tmp_path / "year5.docx"
    result = run("passports", "--year-group", "5", "--format", "docx", "--output", str(out))
    assert result.exit_code == 0, result.stderr
    _docx_golden("year-5.passports.docx.txt", out.read_bytes())
    with zipfile.ZipFile(out) as document:
        xml = document.read("word/document.xml").decode()
    assert xml.count('w:type="page"') == 1  # two passports: one break between them
    for record_id in ("ae-16", "rb-17"):
        for pattern in _never_in_a_passport((example_casebook / "records" / f"{record_id}.yaml").read_text()):
            assert not re.search(pattern.lower(), re.sub(r"<[^>]+>", " ", xml).lower())


def test_a_casebook_s_own_passport_form_fills_the_word_class_set(example_casebook, run, tmp_path):
    import zipfile

    from docx import Document
    from docx_structure import structure

    form = Document()
    form.add_paragraph("Council pupil passport: {{ child_name }}")
    form.add_paragraph("{{ (record.get('profile') or dict()).get('what_to_avoid', [])|join('; ') }}")
    (example_casebook / "templates").mkdir()
    form.save(example_casebook / "templates" / "passport.docx")
    out = tmp_path / "year5.docx"
    result = run("passports", "--year-group", "5", "--format", "docx", "--output", str(out))
    assert result.exit_code == 0, result.stderr
    text = structure(out.read_bytes())
    assert "Council pupil passport: Rosa" in text and "Council pupil passport: Ava" in text
    assert "Asking me to read aloud without warning." in text
    with zipfile.ZipFile(out) as document:
        assert document.read("word/document.xml").decode().count('w:type="page"') == 1


def test_pdf_passports_one_a4_page_each(example_casebook, run, tmp_path):
    import io

    pypdf = pytest.importorskip("pypdf")
    out = tmp_path / "all.pdf"
    result = run("passports", "--format", "pdf", "--output", str(out))
    if result.exit_code == 1 and "WeasyPrint" in result.stderr:
        pytest.skip("no PDF engine here (pip install 'sendcli[pdf]')")
    assert result.exit_code == 0, result.stderr
    pages = pypdf.PdfReader(io.BytesIO(out.read_bytes())).pages
    names = ["Ivy", "Theo", "Mia", "Omar", "Rosa", "Ava", "Riley", "Kai", "Leo"]
    assert len(pages) == len(names)  # every passport fits its one page
    for page, name in zip(pages, names):
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
        text = page.extract_text()
        assert text.lstrip().startswith(name) and f"for the adults who teach {name}" in text
        assert "Example Primary and Sixth Form (fictional)" in text


def test_binary_passports_are_never_written_to_a_terminal(example_casebook, monkeypatch):
    import sys

    from sendcli.cli.reports import _refuse_binary_to_terminal
    from sendcli.errors import UsageProblem

    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    with pytest.raises(UsageProblem, match="binary file"):
        _refuse_binary_to_terminal("docx")


def test_html_passports_go_to_stdout_without_an_output_file(example_casebook, run):
    result = run("passports", "--year-group", "9")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("<!DOCTYPE html>") and _names(result.stdout) == ["Kai"]
