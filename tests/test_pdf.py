"""report --format pdf: every template's PDF opens, is A4, has no blank page, carries the page
number and the school's name at the foot of each page; the profile fits one page; golden text and
page counts; nothing is fetched; a missing WeasyPrint or Pango is one clear line, never a traceback."""

from __future__ import annotations

import base64
import io
import os
import re
import shutil
import stat
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from urllib.parse import quote

import pytest
from typer.testing import CliRunner

from conftest import EXAMPLES, REPO, TODAY
from sendcli.cli import app
from sendcli.cli.reports import Template

pypdf = pytest.importorskip("pypdf", reason="make install installs the test extra, which holds pypdf")


def _engine_missing() -> str | None:
    from sendcli.documents.pdf import PdfUnavailable, require_pdf_engine

    try:
        require_pdf_engine()
    except PdfUnavailable as missing:
        return missing.message
    return None


#: The tests that make PDFs need WeasyPrint and Pango (make install; .ci/run installs Pango). Without
#: them they are skipped on a developer's machine, saying what to install, and fail in CI.
needs_engine = pytest.mark.skipif(_engine_missing() is not None and not os.environ.get("CI"),
                                  reason=str(_engine_missing()))

GOLDEN = REPO / "tests" / "data" / "golden" / "pdf"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"  # UPDATE_GOLDEN=1 pytest tests/test_pdf.py, then review the diff
SCHOOL = "Example Primary and Sixth Form (fictional)"
#: A4 in PDF points (210 x 297 mm), to the nearest point.
A4 = (595, 842)
TEMPLATES = [template.value for template in Template]


def sendcli(root: Path, *args: str, env: dict | None = None):
    result = CliRunner().invoke(app, ["--root", str(root), *args],
                                env={"SENDCLI_TODAY": TODAY, "NO_COLOR": "1", **(env or {})}, prog_name="sendcli")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() or "" for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


@pytest.fixture(scope="module")
def every_pdf(tmp_path_factory) -> dict[str, bytes]:
    """Every template for every example record it fits (report --all --format pdf), once for the module."""
    root = tmp_path_factory.mktemp("pdf") / "examples"
    shutil.copytree(EXAMPLES, root)
    out = root.parent / "out"
    for template in TEMPLATES:
        result = sendcli(root, "report", "--all", "--template", template, "--format", "pdf", "--output-dir", str(out))
        assert result.exit_code == 0, result.stderr
    return {path.name: path.read_bytes() for path in sorted(out.glob("*.pdf"))}


@needs_engine
def test_every_template_makes_pdfs(every_pdf):
    for template in TEMPLATES:
        assert [name for name in every_pdf if name.split(".")[1] == template], f"no PDF of {template}"
    assert len(every_pdf) >= 30


@needs_engine
def test_every_pdf_opens_and_every_page_is_a4(every_pdf):
    for name, pdf in every_pdf.items():
        assert pdf.startswith(b"%PDF-"), name
        reader = pypdf.PdfReader(io.BytesIO(pdf))
        assert len(reader.pages) >= 1, name
        for page in reader.pages:
            assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == A4, name


@needs_engine
def test_no_page_is_blank_and_each_foot_has_the_page_number_and_the_school(every_pdf):
    for name, pdf in every_pdf.items():
        pages = pages_text(pdf)
        for number, text in enumerate(pages, start=1):
            # The footer alone is not a page: some of the report itself is on each one.
            body = text.replace(SCHOOL, "").replace(f"Page {number} of {len(pages)}", "")
            assert len(body.split()) >= 5, f"{name}: page {number} is blank"
            assert f"Page {number} of {len(pages)}" in text, f"{name}: page {number} has no page number"
            assert SCHOOL in text, f"{name}: page {number} does not name the school"


@needs_engine
def test_the_profile_fits_one_page_for_every_example_record(every_pdf):
    profiles = {name: pdf for name, pdf in every_pdf.items() if name.endswith(".profile.pdf")}
    assert len(profiles) == len(list((EXAMPLES / "records").glob("*.yaml")))
    for name, pdf in profiles.items():
        assert len(pages_text(pdf)) == 1, f"{name} runs over one page"


@needs_engine
def test_the_passport_fits_one_page_once_it_is_built(every_pdf):
    passports = {name: pdf for name, pdf in every_pdf.items() if name.endswith(".passport.pdf")}
    if "passport" not in TEMPLATES:
        pytest.skip("the passport template is not built yet")
    assert passports
    for name, pdf in passports.items():
        assert len(pages_text(pdf)) == 1, f"{name} runs over one page"


def _golden_text(pdf: bytes) -> str:
    """The page count and each page's words (whitespace as one space: line breaks follow the fonts)."""
    pages = pages_text(pdf)
    return f"pages: {len(pages)}\n" + "".join(
        f"--- page {number}\n{' '.join(text.split())}\n" for number, text in enumerate(pages, start=1))


GOLDEN_PDFS = [f"ae-16.{template}.pdf" for template in ("plan", "review", "parent", "profile", "chronology",
                                                         "ehc-request")] + ["lp-09.parent.pdf", "ts-20.review.pdf"]


@needs_engine
@pytest.mark.parametrize("name", GOLDEN_PDFS)
def test_pdf_text_and_page_count_match_the_golden_file(every_pdf, name):
    path = GOLDEN / name.replace(".pdf", ".txt")
    text = _golden_text(every_pdf[name])
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    assert path.exists(), f"no golden file {path.name}: run UPDATE_GOLDEN=1 pytest {__file__}"
    assert text == path.read_text(), f"{name} differs from its golden file"


@needs_engine
def test_one_report_to_a_private_file_and_the_pdf_piped(example_casebook, run, tmp_path):
    target = tmp_path / "ava-profile.pdf"
    result = run("report", "ae-16", "--template", "profile", "--format", "pdf", "--output", str(target))
    assert result.exit_code == 0 and "wrote" in result.stderr
    assert target.read_bytes().startswith(b"%PDF-")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    piped = subprocess.run([sys.executable, "-m", "sendcli", "report", "ae-16", "--format", "pdf"],
                           capture_output=True, cwd=example_casebook, env={**os.environ, "SENDCLI_TODAY": TODAY})
    assert piped.returncode == 0, piped.stderr
    assert piped.stdout.startswith(b"%PDF-") and piped.stdout.rstrip().endswith(b"%%EOF")
    assert len(pages_text(piped.stdout)) >= 1


@needs_engine
def test_all_into_a_folder_privately_and_closed_records_skipped(example_casebook, run, tmp_path):
    out = tmp_path / "plans"
    result = run("report", "--all", "--format", "pdf", "--output-dir", str(out))
    assert result.exit_code == 0, result.stderr
    written = sorted(path.name for path in out.iterdir())
    assert written and all(re.fullmatch(r"[a-z0-9-]+\.plan\.pdf", name) for name in written)
    assert all(stat.S_IMODE((out / name).stat().st_mode) == 0o600 for name in written)
    assert f"wrote {len(written)} reports" in result.stderr


@needs_engine
def test_redacted_pdf_names_no_one(example_casebook, run, tmp_path):
    target = tmp_path / "redacted.pdf"
    assert run("report", "ae-16", "--format", "pdf", "--redact", "--output", str(target)).exit_code == 0
    text = " ".join(" ".join(page.split()) for page in pages_text(target.read_bytes()))
    for private in ("Ava Example", "Sam Example", "19 October 2016"):
        assert private not in text
    assert "ae-16" in text


@needs_engine
def test_the_school_name_is_css_escaped_in_the_page_footer(example_casebook, run, tmp_path):
    settings = example_casebook / "sendcli.yaml"
    hostile = 'St Quote\'s "} body { display: none } </style><b>x'
    settings.write_text(settings.read_text().replace(f"name: {SCHOOL}", "name: '" + hostile.replace("'", "''") + "'"))
    target = tmp_path / "plan.pdf"
    assert run("report", "ae-16", "--format", "pdf", "--output", str(target)).exit_code == 0
    pages = pages_text(target.read_bytes())
    assert "Ava" in pages[0]  # the body still shows
    assert all(hostile in " ".join(text.split()) for text in pages)  # the whole name, as text, in each foot


# -- nothing is fetched -------------------------------------------------------------------------

#: A 1x1 PNG: inline (data:) it is drawn; from a file or a server it must never be read.
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")


@pytest.fixture
def web_server():
    """A local HTTP server that records every request made to it."""
    requests: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the standard library's name
            requests.append(self.path)
            body = b"body::before { content: 'FETCHED-FROM-THE-NETWORK'; }" if self.path.endswith(".css") else PNG
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", requests
    server.shutdown()
    server.server_close()


@needs_engine
def test_a_template_can_make_the_pdf_read_no_file_and_no_url(example_casebook, run, tmp_path, web_server):
    url, requests = web_server
    secret = tmp_path / "secret.css"
    secret.write_text("body::before { content: 'READ-FROM-A-FILE'; }")
    picture = tmp_path / "picture.png"
    picture.write_bytes(PNG)
    inline = "data:image/png;base64," + base64.b64encode(PNG).decode()
    # An inline SVG image that itself links a file: the file is still never read.
    svg_linking_a_file = quote(f'<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20">'
                               f'<image href="{picture.as_uri()}" width="20" height="20"/></svg>')
    (example_casebook / "templates").mkdir()
    (example_casebook / "templates" / "profile.html.j2").write_text(f"""<!DOCTYPE html>
<html><head><title>t</title>
<link rel="stylesheet" href="{secret.as_uri()}">
<link rel="stylesheet" href="{url}/style.css">
<style>@import url("{secret.as_uri()}"); @font-face {{ font-family: x; src: url("{url}/font.woff"); }}</style>
</head><body>
<p>Profile of {{{{ record.id }}}}</p>
<img src="{picture.as_uri()}"><img src="file:///etc/passwd"><img src="{url}/picture.png">
<object data="{url}/object.png"></object><embed src="{picture.as_uri()}">
<a rel="attachment" href="file:///etc/hostname">attachment</a>
<svg width="20" height="20"><image href="{picture.as_uri()}" width="20" height="20"/>
<image href="{url}/svg-picture.png" width="20" height="20"/><use href="{secret.as_uri()}#x"/></svg>
<img src="data:image/svg+xml,{svg_linking_a_file}">
<img src="{inline}" alt="inline">
</body></html>
""")
    target = tmp_path / "profile.pdf"
    result = run("report", "ae-16", "--template", "profile", "--format", "pdf", "--output", str(target))
    assert result.exit_code == 0, result.stderr
    pdf = target.read_bytes()
    text = " ".join(pages_text(pdf))
    assert "Profile of ae-16" in text
    assert "READ-FROM-A-FILE" not in text and "FETCHED-FROM-THE-NETWORK" not in text
    assert requests == []
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert sum(len(page.images) for page in reader.pages) == 1  # the data: image alone
    assert not reader.attachments  # no file attached
    assert b"root:" not in pdf


@needs_engine
def test_record_text_naming_a_file_or_a_url_is_text_in_the_pdf(example_casebook, run, tmp_path, web_server):
    url, requests = web_server
    record = example_casebook / "records" / "ae-16.yaml"
    hostile = f'<img src="file:///etc/passwd"><img src="{url}/x.png">'
    record.write_text(record.read_text().replace("Drawing comics at wet play.",
                                                 "'" + hostile.replace("'", "''") + "'", 1))
    assert hostile.replace("'", "''") in record.read_text()
    target = tmp_path / "profile.pdf"
    assert run("report", "ae-16", "--template", "profile", "--format", "pdf", "--output", str(target)).exit_code == 0
    reader = pypdf.PdfReader(io.BytesIO(target.read_bytes()))
    assert "passwd" in " ".join(pages_text(target.read_bytes()))  # shown as the text it is
    assert sum(len(page.images) for page in reader.pages) == 0
    assert requests == []


@needs_engine
def test_the_fetcher_reads_data_urls_and_refuses_every_other():
    from sendcli.documents.pdf import _engine

    _, fetcher = _engine()
    assert fetcher().fetch("data:text/plain;base64,aGk=").read() == b"hi"
    for refused in ("file:///etc/passwd", "http://127.0.0.1/", "https://example.org/", "ftp://example.org/x",
                    "FILE:///etc/passwd", "javascript:alert(1)"):
        with pytest.raises(ValueError):
            fetcher().fetch(refused)


# -- bounds and failures: one line, exit 1, nothing written --------------------------------------

@needs_engine
def test_a_pdf_past_its_page_bound_is_refused(example_casebook, run, tmp_path, monkeypatch):
    from sendcli.documents import pdf

    monkeypatch.setattr(pdf, "PDF_MAX_PAGES", 1)
    target = tmp_path / "chronology.pdf"
    result = run("report", "ae-16", "--template", "chronology", "--format", "pdf", "--output", str(target))
    assert result.exit_code == 1 and "more than 1 pages" in result.stderr and "Traceback" not in result.stderr
    assert not target.exists()


@needs_engine
def test_a_pdf_past_its_size_bound_is_refused(example_casebook, run, tmp_path, monkeypatch):
    from sendcli.documents import pdf

    monkeypatch.setattr(pdf, "PDF_MAX_BYTES", 1000)
    target = tmp_path / "plan.pdf"
    result = run("report", "ae-16", "--format", "pdf", "--output", str(target))
    assert result.exit_code == 1 and "the PDF was refused" in result.stderr
    assert not target.exists()


def test_a_layout_the_engine_cannot_make_is_one_line_naming_no_text(example_casebook, run, tmp_path, monkeypatch):
    from sendcli.documents import pdf

    class Failing:
        def __init__(self, **_):
            pass

        def render(self):
            raise AssertionError("the record's text Ava Example")

    monkeypatch.setattr(pdf, "_engine", lambda: (Failing, object))
    target = tmp_path / "plan.pdf"
    result = run("report", "ae-16", "--format", "pdf", "--output", str(target))
    assert result.exit_code == 1 and "AssertionError" in result.stderr and "--format html" in result.stderr
    assert "Ava" not in result.stderr and not target.exists()


MISSING = {
    "WeasyPrint not installed": "sys.modules['weasyprint'] = None",
    "Pango missing": """
class NoPango:
    def find_spec(self, name, path=None, target=None):
        if name == 'weasyprint':
            raise OSError("cannot load library 'libpango-1.0-0': No such file or directory")
sys.meta_path.insert(0, NoPango())""",
}


@pytest.mark.parametrize("case", MISSING, ids=list(MISSING))
@pytest.mark.parametrize("args", [("report", "ae-16"), ("report", "--all", "--output-dir", "out")],
                         ids=["one", "all"])
def test_without_weasyprint_or_pango_one_line_names_the_install_step(example_casebook, case, args):
    probe = f"import sys\n{MISSING[case]}\nfrom sendcli.cli import main\nmain(sys.argv[1:])\n"
    result = subprocess.run([sys.executable, "-c", probe, *args, "--format", "pdf"], capture_output=True, text=True,
                            cwd=example_casebook, env={**os.environ, "SENDCLI_TODAY": TODAY})
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "pip install 'sendcli[pdf]'" in result.stderr and "libpango-1.0-0" in result.stderr
    assert result.stdout == "" and not (example_casebook / "out").exists()


def test_html_and_markdown_reports_never_load_weasyprint(example_casebook):
    probe = ("import sys\nfrom sendcli.cli import main\ntry:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
             "sys.stderr.write(' '.join(sorted(sys.modules)))\n")
    for fmt in ("html", "md"):
        result = subprocess.run([sys.executable, "-c", probe, "report", "ae-16", "--format", fmt, "--output",
                                 f"plan.{fmt}"], capture_output=True, text=True, cwd=example_casebook,
                                env={**os.environ, "SENDCLI_TODAY": TODAY})
        modules = set(result.stderr.split())
        assert "sendcli.documents.rendering" in modules
        assert not {name.split(".")[0] for name in modules} & {"weasyprint", "pydyf", "tinycss2", "cffi"}


@needs_engine
@pytest.mark.parametrize("template", ["plan", "review", "parent"])
def test_charts_of_measured_outcomes_are_drawn_in_the_pdf(example_casebook, run, template):
    """The inline SVG charts of measured outcomes (sendcli.documents.charts) come through WeasyPrint
    as drawings, with their numbers' table as text, on A4 pages: Omar's reading age (ot-18 in the
    example casebook, made by commands), and for the review, his plan reviewed on 5 February."""
    from sendcli.core.dates import parse_iso_date
    from sendcli.documents.reporting import record_report
    from sendcli.store.casebook import open_casebook
    from sendcli.store.records import read_record

    day = TODAY
    if template == "review":
        day = "2027-02-05"
        reviewed = run("cycle", "review", "ot-18", "--decision", "continue", "--progress", "o1=partly-achieved",
                       "--next-review", "2027-05-14", "--attendee", "parent", env={"SENDCLI_TODAY": day})
        assert reviewed.exit_code == 0, reviewed.stderr
    book = open_casebook(None, example_casebook)
    today = parse_iso_date(day)
    pdf = record_report(book, read_record(book, "ot-18", today).data, template, "pdf", today)
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
    assert "reading age" in text and "20 November 2026" in text  # the chart's title and its numbers' table
    assert all((round(float(page.mediabox.width)), round(float(page.mediabox.height))) == A4 for page in reader.pages)
    # A chart is vector drawing: its polyline of readings becomes path operators in the page's content.
    assert any(b" l\n" in page.get_contents().get_data() or b" l " in page.get_contents().get_data()
               for page in reader.pages)


# -- the same print CSS in a browser (make browser-test: Debian's chromium and poppler-utils) --------

@pytest.mark.browser
@pytest.mark.parametrize("template", ["plan", "profile"])
def test_a_browsers_print_gives_the_same_a4_pages_and_footer(example_casebook, run, tmp_path, template):
    """Chromium prints the report's HTML on A4 with the same foot as the PDF: the print CSS is one."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if chromium is None:
        pytest.fail("make browser-test needs chromium (apt-get install chromium)")
    html, printed = tmp_path / f"ae-16.{template}.html", tmp_path / "printed.pdf"
    assert run("report", "ae-16", "--template", template, "--output", str(html)).exit_code == 0
    subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-extensions",
                    f"--user-data-dir={tmp_path / 'profile'}", "--no-pdf-header-footer", f"--print-to-pdf={printed}",
                    html.as_uri()], check=True, capture_output=True, timeout=120)
    reader = pypdf.PdfReader(io.BytesIO(printed.read_bytes()))
    for number, page in enumerate(reader.pages, start=1):
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == A4
        text = page.extract_text() or ""
        assert f"Page {number} of {len(reader.pages)}" in text and SCHOOL in text
    if template == "profile":
        assert len(reader.pages) == 1
