"""Word documents: report --format docx for every template (golden files of text and structure),
record text as text, a council's own tagged form from the casebook, and the sandbox holding for
Word templates as it does for HTML (issue 16)."""

from __future__ import annotations

import io
import os
import pty
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import REPO, TODAY, snapshot
from docx_structure import structure
from sendcli.cli import app
from sendcli.documents import rendering

GOLDEN = REPO / "tests" / "data" / "golden" / "docx"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"  # UPDATE_GOLDEN=1 pytest tests/test_docx.py, then review the diff

# Ava: every template; Leo: a young person (the summary speaks to him); Theo: three cycles, the last reviewed;
# Rosa: an EHC plan (the support plan alongside it); Omar: a reading age measured over a term (its numbers).
PER_CHILD = [(record, template) for record, templates in (
    ("ae-16", ("plan", "review", "parent", "profile", "chronology", "ehc-request")),
    ("lp-09", ("plan", "parent", "profile")), ("ts-20", ("review", "ehc-request")), ("rm-15", ("plan", "parent")),
    ("ot-18", ("plan", "parent")))
    for template in templates]


def docx_report(*args: str, env: dict | None = None) -> tuple[int, bytes, str]:
    """``sendcli report ARGS`` in-process, with stdout as bytes (a Word document is binary)."""
    environment = {"SENDCLI_TODAY": TODAY, "NO_COLOR": "1", "COLUMNS": "100", **(env or {})}
    result = CliRunner().invoke(app, ["report", *args], env=environment, prog_name="sendcli")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout_bytes, result.stderr


def golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    assert path.exists(), f"no golden file {path.name}: run UPDATE_GOLDEN=1 pytest {__file__}"
    assert text == path.read_text(), f"{name} differs from its golden file"


@pytest.mark.parametrize("record_id, template", PER_CHILD)
def test_each_template_as_a_word_document_matches_its_golden_structure(example_casebook, record_id, template):
    code, data, stderr = docx_report(record_id, "--template", template, "--format", "docx")
    assert code == 0, stderr
    assert data[:2] == b"PK"  # a zip: a .docx
    golden(f"{record_id}.{template}.docx.txt", structure(data))


def test_every_built_in_template_has_a_word_template():
    from sendcli.cli.reports import Template

    assert {f"{t.value}.docx" for t in Template} <= {p.name for p in (REPO / "templates").glob("*.docx")}


def test_a_word_report_looks_like_a_document_headings_tables_and_page_numbers(example_casebook):
    text = structure(docx_report("ae-16", "--format", "docx")[1])
    assert "[Title] SEN support plan" in text and "[Heading 1] Outcomes" in text
    assert "[table Table Grid]\n  ID | Outcome | Area | How we will know\n  o1 | By the end of November" in text
    assert "[footer 1] Example Primary and Sixth Form (fictional) · Confidential" in text
    assert "Page {PAGE} of {NUMPAGES}" in text
    assert "{%" not in text and "{{" not in text  # every tag filled, no loop row left behind


def test_the_word_document_is_written_privately_to_output(example_casebook, tmp_path, run):
    target = tmp_path / "out" / "ae-16.review.docx"
    result = run("report", "ae-16", "--template", "review", "--format", "docx", "--output", str(target))
    assert result.exit_code == 0 and result.stdout == "" and "wrote" in result.stderr
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert "[Title] Review of the SEN support plan" in structure(target.read_bytes())


def test_all_records_as_word_documents_into_a_folder(example_casebook, tmp_path, run):
    out = tmp_path / "plans"
    result = run("report", "--all", "--format", "docx", "--output-dir", str(out))
    assert result.exit_code == 0, result.stderr
    names = sorted(p.name for p in out.iterdir())
    assert "ae-16.plan.docx" in names and all(name.endswith(".plan.docx") for name in names)
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in out.iterdir())
    assert "Ava Example" in structure((out / "ae-16.plan.docx").read_bytes())


def test_a_word_document_goes_to_stdout_only_when_it_is_redirected(example_casebook):
    code, data, _ = docx_report("ae-16", "--template", "profile", "--format", "docx")
    assert code == 0 and "[Title] Ava" in structure(data)


def test_a_word_document_is_never_written_to_a_terminal(example_casebook):
    """Under a real terminal: refused before anything is made (exit 2), naming --output."""
    main, secondary = pty.openpty()
    try:
        env = {**os.environ, "SENDCLI_TODAY": TODAY, "NO_COLOR": "1"}
        result = subprocess.run([sys.executable, "-m", "sendcli", "report", "ae-16", "--format", "docx"],
                                stdout=secondary, stderr=subprocess.PIPE, env=env, cwd=example_casebook, timeout=60)
    finally:
        os.close(secondary)
        os.close(main)
    stderr = result.stderr.decode()
    assert result.returncode == 2 and "--output FILE.docx" in stderr and "Traceback" not in stderr


def test_redact_holds_in_word_documents(example_casebook):
    for template in ("plan", "review", "parent", "profile", "chronology"):
        text = structure(docx_report("ae-16", "--template", template, "--format", "docx", "--redact")[1])
        for secret in ("Ava Example", "Ava", "19 October 2016", "Sam Example"):
            assert secret not in text, (template, secret)


# -- record text is text ---------------------------------------------------------------------------

@pytest.fixture
def hostile_record(example_casebook):
    """Ava's preferred name and needs summary full of markup, XML and template code."""
    path = example_casebook / "records" / "ae-16.yaml"
    text = path.read_text()
    text = text.replace("preferred_name: Ava", 'preferred_name: "Ava <b>&amp; {{ 7*7 }}"', 1)
    summary = "  summary: Speech sound disorder"
    assert summary in text
    text = text.replace(summary, '  summary: "<w:p>Ava & \\"Co\\" <b>bold</b> {{ 7*7 }} ]]>\\nsecond line"'
                                 "\n  # was: Speech sound disorder", 1)
    path.write_text(text)
    return example_casebook


@pytest.mark.parametrize("template", ["plan", "parent", "ehc-request"])
def test_record_text_with_markup_comes_out_as_text_in_word(hostile_record, template):
    code, data, stderr = docx_report("ae-16", "--template", template, "--format", "docx")
    assert code == 0, stderr
    text = structure(data)  # python-docx parses it: the document is whole
    assert "Ava <b>&amp; {{ 7*7 }}" in text or template == "ehc-request"
    assert "49" not in text.replace("2049", "")
    if template != "parent":
        assert '<w:p>Ava & "Co" <b>bold</b> {{ 7*7 }} ]]>' in text
    document = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    assert "<b>" not in document and "&lt;b&gt;" in document


def test_a_line_break_in_record_text_is_a_line_break_in_word(hostile_record):
    from docx import Document

    data = docx_report("ae-16", "--format", "docx")[1]
    paragraphs = [p for p in Document(io.BytesIO(data)).paragraphs if "second line" in p.text]
    assert paragraphs and "<w:br/>" in paragraphs[0]._p.xml


def test_characters_xml_cannot_hold_never_reach_the_document():
    """The schema refuses control characters in a record; a casebook's settings or a filter's output
    could still carry one, and one would make the whole document unreadable."""
    assert rendering.xml_text("a\x00b\x01c\x0bd\x0ce\x07f\tg\r\nh\ri") == "abcdef\tg\nh\ni"
    assert rendering.xml_text(3) == 3


# -- a council's own form ----------------------------------------------------------------------------

def council_form(path: Path) -> None:
    """An authority's review form as a council would tag it: a table of labelled cells, a row per
    outcome, the school in a header."""
    from docx import Document

    document = Document()
    document.sections[0].header.paragraphs[0].text = "Example LA: annual review form (fictional)"
    document.add_heading("Annual review: information from the school", level=1)
    table = document.add_table(rows=5, cols=2)
    labels = [("Child's name", "{{ record.child.name }}"), ("Date of birth", "{{ record.child.date_of_birth|long_date }}"),
              ("School", "{{ setting_name }}"), ("Primary need", "{{ record.needs.primary|need_label }}"),
              ("Date completed", "{{ today|long_date }}")]
    for row, (label, value) in zip(table.rows, labels):
        row.cells[0].text, row.cells[1].text = label, value
    document.add_paragraph("Outcomes and progress")
    outcomes = document.add_table(rows=4, cols=3)
    for cell, text in zip(outcomes.rows[0].cells, ("Outcome", "Area", "Criteria")):
        cell.text = text
    outcomes.rows[1].cells[0].text = "{%tr for outcome in cycle.plan.outcomes %}"
    for cell, text in zip(outcomes.rows[2].cells, ("{{ outcome.text }}", "{{ outcome.area|area_label }}",
                                                   "{{ outcome.criteria }}")):
        cell.text = text
    outcomes.rows[3].cells[0].text = "{%tr endfor %}"
    document.save(path)


def test_a_council_form_in_the_casebook_is_filled_for_a_child(example_casebook, tmp_path):
    (example_casebook / "templates").mkdir()
    council_form(example_casebook / "templates" / "review.docx")
    target = tmp_path / "ae-16-council.docx"
    code, _, stderr = docx_report("ae-16", "--template", "review", "--format", "docx", "--output", str(target))
    assert code == 0, stderr
    from docx import Document

    document = Document(io.BytesIO(target.read_bytes()))
    labelled, outcomes = ([[cell.text for cell in row.cells] for row in table.rows] for table in document.tables)
    assert labelled == [["Child's name", "Ava Example"], ["Date of birth", "19 October 2016"],
                        ["School", "Example Primary and Sixth Form (fictional)"],
                        ["Primary need", "Speech, language and communication needs"],
                        ["Date completed", "28 November 2026"]]
    assert outcomes[0] == ["Outcome", "Area", "Criteria"] and len(outcomes) == 3
    assert outcomes[1][0].startswith("By the end of November, Ava will say /g/")
    assert outcomes[1][1] == "Communication and interaction" and outcomes[2][1] == "Social, emotional and mental health"
    assert document.sections[0].header.paragraphs[0].text == "Example LA: annual review form (fictional)"
    # Only the Word template is the casebook's: the HTML and the other Word templates stay built-in.
    assert docx_report("ae-16", "--template", "review")[1].startswith(b"<!DOCTYPE html>")
    assert "[Title] SEN support plan" in structure(docx_report("ae-16", "--format", "docx")[1])


def tagged_form(path: Path, text: str) -> None:
    from docx import Document

    document = Document()
    document.add_paragraph(text)
    document.save(path)


@pytest.mark.parametrize("body, words", [
    ("{{ ''.__class__.__mro__ }}", "unsafe"),
    ("{{ record.__class__.__subclasses__() }}", "templates/plan.docx"),
    ("{{ record.child.nmae }}", "nmae"),
    ("{{ cycler.__init__.__globals__ }}", "templates/plan.docx"),
    ("{% for x in %}", "a tag that cannot be read"),
    ("{{ 'x' * 100000000 }}", "too long to build"),
])
def test_hostile_or_broken_word_templates_are_refused_cleanly(example_casebook, tmp_path, body, words):
    (example_casebook / "templates").mkdir()
    tagged_form(example_casebook / "templates" / "plan.docx", body)
    before = snapshot(example_casebook)
    target = tmp_path / "plan.docx"
    code, data, stderr = docx_report("ae-16", "--format", "docx", "--output", str(target))
    assert code == 1 and words in stderr and "Traceback" not in stderr, stderr
    assert "templates/plan.docx" in stderr and not target.exists() and data == b""
    assert snapshot(example_casebook) == before


def test_a_word_template_that_loops_without_end_is_stopped(example_casebook, tmp_path, monkeypatch):
    monkeypatch.setattr(rendering, "RENDER_SECONDS", 1.0)
    (example_casebook / "templates").mkdir()
    tagged_form(example_casebook / "templates" / "plan.docx",
                "{% for a in range(100000) %}{% for b in range(100000) %}{{ a }}{% endfor %}{% endfor %}")
    code, data, stderr = docx_report("ae-16", "--format", "docx", "--output", str(tmp_path / "plan.docx"))
    assert code == 1 and "templates/plan.docx: refused:" in stderr and "Traceback" not in stderr
    assert not (tmp_path / "plan.docx").exists()


def test_files_that_are_not_word_forms_are_refused(example_casebook, tmp_path):
    folder = example_casebook / "templates"
    folder.mkdir()
    (folder / "plan.docx").write_text("not a zip")
    code, _, stderr = docx_report("ae-16", "--format", "docx", "--output", str(tmp_path / "a.docx"))
    assert code == 1 and "not a Word document" in stderr
    # A zip bomb: parts claiming far more than a form holds are refused before anything is unpacked.
    with zipfile.ZipFile(folder / "plan.docx", "w", zipfile.ZIP_DEFLATED) as bomb:
        bomb.writestr("word/document.xml", b"0" * (65 * 1024 * 1024))
    code, _, stderr = docx_report("ae-16", "--format", "docx", "--output", str(tmp_path / "a.docx"))
    assert code == 1 and "refused: it would unpack" in stderr
    # A zip that is not a Word document.
    with zipfile.ZipFile(folder / "plan.docx", "w") as other:
        other.writestr("hello.txt", "hello")
    code, _, stderr = docx_report("ae-16", "--format", "docx", "--output", str(tmp_path / "a.docx"))
    assert code == 1 and "no word/document.xml" in stderr
    assert not (tmp_path / "a.docx").exists()


def test_a_word_template_linking_outside_the_casebook_is_refused(example_casebook, tmp_path):
    outside = tmp_path / "elsewhere.docx"
    tagged_form(outside, "{{ record.child.name }}")
    (example_casebook / "templates").mkdir()
    (example_casebook / "templates" / "plan.docx").symlink_to(outside)
    code, _, stderr = docx_report("ae-16", "--format", "docx", "--output", str(tmp_path / "a.docx"))
    assert code == 1 and "leads outside the casebook's templates/ folder" in stderr


def test_a_word_template_that_breaks_its_own_xml_is_refused(example_casebook, tmp_path):
    """A loop that opens in one table row's cell and closes in another's leaves XML Word cannot read."""
    from docx import Document

    document = Document()
    document.sections[0].footer.paragraphs[0].text = "{% if true %}"
    document.add_paragraph("{{ record.id }}")
    (example_casebook / "templates").mkdir()
    document.save(example_casebook / "templates" / "plan.docx")
    code, _, stderr = docx_report("ae-16", "--format", "docx", "--output", str(tmp_path / "a.docx"))
    assert code == 1 and "templates/plan.docx" in stderr and "Traceback" not in stderr


# -- the built-in templates: made by the script, shipped, loaded only when used ------------------------

def test_the_committed_word_templates_are_what_the_build_script_makes():
    sys.path.insert(0, str(REPO / "tools"))
    try:
        import docx_templates
    finally:
        sys.path.remove(str(REPO / "tools"))
    made = docx_templates.built()
    for name, data in made.items():
        committed = (REPO / "templates" / name).read_bytes()
        assert committed == data, f"templates/{name} differs: run .venv/bin/python tools/docx_templates.py"
    assert made["plan.docx"] == docx_templates.built()["plan.docx"]  # the same bytes every time


PROBE = """
import sys
from sendcli.cli import main
for args in (["--version"], ["--root", sys.argv[1], "report", "ae-16", "--format", "md"]):
    try:
        main(args)
    except SystemExit:
        pass
print(" ".join(sorted(sys.modules)))
"""


def test_word_libraries_are_loaded_only_for_a_word_document(example_casebook):
    out = subprocess.run([sys.executable, "-c", PROBE, str(example_casebook)], capture_output=True, text=True,
                         check=True, env={**os.environ, "SENDCLI_TODAY": TODAY}).stdout
    modules = set(out.splitlines()[-1].split())
    assert "sendcli.documents.rendering" in modules  # the Markdown report did run
    assert not {"docxtpl", "docx", "lxml", "sendcli.documents.docx"} & modules


def test_measured_outcomes_give_their_numbers_in_word_as_in_markdown(casebook, run):
    """The charts are HTML's; Word gives the numbers as text, as Markdown does."""
    steps = [("2026-09-01", ["new", "ae-16", "--name", "Ava Example", "--dob", "2016-05-14", "--need", "SpLD"]),
             ("2026-09-10", ["cycle", "open", "ae-16"]),
             ("2026-09-12", ["add", "evidence", "ae-16", "--source", "TA", "--text", "Baseline"]),
             ("2026-09-12", ["add", "view", "ae-16", "--from", "child", "--text", "Dogs"]),
             ("2026-09-12", ["add", "view", "ae-16", "--from", "parent", "--text", "Worries"]),
             ("2026-09-13", ["cycle", "advance", "ae-16"]),
             ("2026-09-13", ["add", "outcome", "ae-16", "--text", "Reads at her age", "--criteria", "Salford test",
                             "--measure", "reading age", "--unit", "months", "--baseline", "84", "--target", "96"]),
             ("2026-09-13", ["add", "provision", "ae-16", "--text", "Reading catch-up", "--outcome", "o1"]),
             ("2026-09-14", ["cycle", "advance", "ae-16", "--review-date", "2026-12-01", "--agreed-with", "parent"]),
             ("2026-11-02", ["add", "reading", "ae-16", "o1", "--value", "89", "--by", "TA"])]
    for day, args in steps:
        assert run(*args, env={"SENDCLI_TODAY": day}).exit_code == 0, args
    env = {"SENDCLI_TODAY": "2026-11-20"}
    markdown = run("report", "ae-16", "--format", "md", env=env).stdout
    [line] = [line for line in markdown.splitlines() if line.startswith("- o1, ")]
    plan = structure(docx_report("ae-16", "--format", "docx", env=env)[1])
    assert "[Normal] Progress so far on the measured outcomes:" in plan
    assert f"[List Bullet] {line[2:]}" in plan.replace("\\", "")
    family = structure(docx_report("ae-16", "--template", "parent", "--format", "docx", env=env)[1])
    assert ("We measure this by reading age. When we started, on 13 September 2026, it was 84 months; "
            "on 2 November 2026 it was 89 months. We are aiming for 96 months.") in family


def test_a_set_of_children_in_one_word_document_one_a_page(example_casebook):
    """render_docx_pages: what passports --format docx builds on (a profile here)."""
    from datetime import date

    from docx import Document

    from sendcli.documents.docx import render_docx_pages
    from sendcli.documents.rendering import record_context
    from sendcli.store.casebook import local_offer_services, open_casebook
    from sendcli.store.loading import load_yaml

    book = open_casebook(None, example_casebook)
    contexts = [record_context(load_yaml((example_casebook / "records" / f"{rid}.yaml").read_bytes()).data,
                               date(2026, 11, 28), book.settings, local_offer_services(book.root))
                for rid in ("ae-16", "lp-09", "kt-12")]
    data = render_docx_pages("profile", contexts, book.root)
    text = structure(data)
    titles = [line for line in text.splitlines() if line.startswith("[Title]")]
    assert titles == ["[Title] Ava", "[Title] Leo", "[Title] Kai"]
    document = Document(io.BytesIO(data))
    assert document.element.body.xml.count('w:type="page"') == 2
    assert document.element.body[-1].tag.endswith("sectPr")  # the page settings stay last
    assert text.count("[footer") == 1


def test_a_word_template_whose_output_passes_the_bound_is_refused(example_casebook, tmp_path, monkeypatch):
    monkeypatch.setattr(rendering, "RENDER_MAX_BYTES", 200_000)
    (example_casebook / "templates").mkdir()
    tagged_form(example_casebook / "templates" / "plan.docx",
                "{% for a in range(1000) %}{% for b in range(100) %}{{ record.id }}{% endfor %}{% endfor %}")
    code, _, stderr = docx_report("ae-16", "--format", "docx", "--output", str(tmp_path / "plan.docx"))
    assert code == 1 and "templates/plan.docx: refused: its output passed" in stderr
    assert not (tmp_path / "plan.docx").exists()
