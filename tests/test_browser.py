"""Every HTML report through a real headless Chromium, to PDF and PNG (make browser-test).

Kept out of ``make test`` for users without Chromium (marker ``browser``); .ci/run
installs Debian's chromium and poppler-utils and runs it.
"""

import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--hide-scrollbars"]

REPORTS = [("ae-16", "plan"), ("ae-16", "review"), ("ae-16", "parent"), ("ae-16", "profile"),
           ("kt-12", "plan"), ("kt-12", "profile"), ("lp-09", "parent"), ("lp-09", "profile"),
           ("is-23", "profile"), ("ts-20", "review")]
VIEWS = ["register", "provision-map", "stats"]


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if CHROMIUM is None or shutil.which("pdfinfo") is None:
        pytest.fail("make browser-test needs chromium and poppler-utils (apt-get install chromium poppler-utils)")
    return tmp_path_factory.mktemp("chromium-profile")


def chromium(profile: Path, *args: str) -> None:
    subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args], check=True, capture_output=True,
                   timeout=120)


def pdf_pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def ink_fraction_of_pdf_page(pdf: Path, page: int, tmp: Path) -> float:
    """The share of a rendered page's pixels that are not white (a plain PGM, parsed here)."""
    base = tmp / f"page{page}"
    subprocess.run(["pdftoppm", "-gray", "-r", "40", "-f", str(page), "-l", str(page), str(pdf), str(base)],
                   check=True, capture_output=True)
    [pgm] = tmp.glob(f"page{page}*.pgm")
    data = pgm.read_bytes()
    header, pixels = data.split(b"\n", 3)[:3], data.split(b"\n", 3)[3]
    assert header[0] == b"P5"
    return sum(1 for value in pixels if value < 200) / len(pixels)


def png_is_not_blank(png: Path) -> bool:
    """Chromium's screenshot has varied pixels: its filtered scanlines are not all zero."""
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    position, idat = 8, b""
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        if kind == b"IDAT":
            idat += data[position + 8:position + 8 + length]
        position += 12 + length
    raw = zlib.decompress(idat)
    return sum(1 for byte in raw if byte not in (0, 255)) / len(raw) > 0.001


@pytest.mark.parametrize("record_id, template", REPORTS, ids=[f"{r}-{t}" for r, t in REPORTS])
def test_report_prints_and_shows(browser, example_casebook, run, tmp_path, record_id, template):
    html = tmp_path / f"{record_id}.{template}.html"
    assert run("report", record_id, "--template", template, "--output", str(html)).exit_code == 0
    pdf, png = tmp_path / "out.pdf", tmp_path / "out.png"
    chromium(browser, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", html.as_uri())
    chromium(browser, "--window-size=1240,1754", f"--screenshot={png}", html.as_uri())
    pages = pdf_pages(pdf)
    if template == "profile":
        assert pages == 1, "a one-page profile must fit on one A4 page"
    assert 1 <= pages <= 4
    text = pdf_text(pdf)
    title = {"plan": "SEN support plan", "review": "Review of the SEN support plan", "parent": "How we are helping",
             "profile": "One-page profile"}[template]
    if record_id == "kt-12" and template == "plan":  # an EHC plan: the setting's plan sits alongside it
        title = "Support plan alongside the EHC plan"
        assert "SEN support plan" not in text
    assert title in text
    if template == "parent":  # a printed link shows where it goes
        assert "(https://example.org/local-offer)" in text.replace("\n", " ")
    for page in range(1, pages + 1):
        assert ink_fraction_of_pdf_page(pdf, page, tmp_path) > 0.002, f"page {page} is blank"
    assert png_is_not_blank(png)


@pytest.mark.parametrize("view", VIEWS)
def test_casebook_view_prints(browser, example_casebook, run, tmp_path, view):
    html = tmp_path / f"{view}.html"
    assert run(view, "--format", "html", "--output", str(html)).exit_code == 0
    pdf = tmp_path / "out.pdf"
    chromium(browser, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", html.as_uri())
    assert pdf_pages(pdf) >= 1
    assert ink_fraction_of_pdf_page(pdf, 1, tmp_path) > 0.002
    if view == "register":  # landscape A4, and no ID broken over two lines
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        width, height = next(line.split()[2:5:2] for line in info.splitlines() if line.startswith("Page size:"))
        assert float(width) > float(height)
        text = pdf_text(pdf)
        for record_id in ("ae-16", "is-23", "kt-12", "lp-09", "md-19", "rm-15", "ts-20"):
            assert record_id in text


# -- charts: drawn, not a blank box ---------------------------------------------------------------

CHARTED = Path(__file__).parent / "data" / "golden" / "charts"
READING_BLUE, TARGET_GREEN, BASELINE_INK = (0x1D, 0x70, 0xB8), (0x00, 0x70, 0x3C), (0x0B, 0x0C, 0x0C)


def png_rows(png: Path) -> list[list[tuple[int, int, int]]]:
    """The RGB pixels of an 8-bit, non-interlaced PNG (Chromium's screenshots), row by row."""
    data = png.read_bytes()
    position, idat, header = 8, b"", None
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        chunk = data[position + 8:position + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            idat += chunk
        position += 12 + length
    width, height, depth, colour_type, _, _, interlace = header
    assert depth == 8 and interlace == 0 and colour_type in (2, 6)
    channels = 3 if colour_type == 2 else 4
    stride, raw, rows, previous = width * channels, zlib.decompress(idat), [], bytearray(width * channels)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            left = line[x - channels] if x >= channels else 0
            up, corner = previous[x], previous[x - channels] if x >= channels else 0
            if kind == 1:
                line[x] = (line[x] + left) & 0xFF
            elif kind == 2:
                line[x] = (line[x] + up) & 0xFF
            elif kind == 3:
                line[x] = (line[x] + (left + up) // 2) & 0xFF
            elif kind == 4:
                guess = left + up - corner
                near = min((abs(guess - left), 0, left), (abs(guess - up), 1, up), (abs(guess - corner), 2, corner))
                line[x] = (line[x] + near[2]) & 0xFF
        rows.append([tuple(line[x:x + 3]) for x in range(0, stride, channels)])
        previous = line
    return rows


def near(pixel: tuple[int, int, int], colour: tuple[int, int, int]) -> bool:
    return all(abs(a - b) <= 30 for a, b in zip(pixel, colour))


def runs(row: list[tuple[int, int, int]], colour: tuple[int, int, int]) -> int:
    """How many separate stretches of ``colour`` a row has (a dashed line has many; a rule has one)."""
    count, inside = 0, False
    for pixel in row:
        hit = near(pixel, colour)
        count += hit and not inside
        inside = hit
    return count


@pytest.mark.parametrize("template, charts", [("plan", 1), ("review", 1), ("parent", 1)])
def test_charts_show_in_the_browser_and_in_print(browser, tmp_path, template, charts):
    """Each chart's dashed target line, and under it the readings' line and the baseline's dot."""
    html = CHARTED / f"ot-18.{template}.html"
    png, pdf = tmp_path / "out.png", tmp_path / "out.pdf"
    chromium(browser, "--window-size=1240,3000", f"--screenshot={png}", html.as_uri())
    rows = png_rows(png)
    dashed = [y for y, row in enumerate(rows) if runs(row, TARGET_GREEN) >= 15]
    starts = [y for y in dashed if y - 1 not in dashed]
    assert len(starts) >= charts, f"{len(starts)} dashed target lines for {charts} charts"
    # A chart is under each target line, in the chart's box: about 200 px high, readings in blue
    # (not a rule across the page: fewer than 300 such pixels a row), and the baseline's dark dot.
    for top in starts[:charts]:
        box = rows[max(0, top - 170):top + 200]
        blue = sum(sum(near(p, READING_BLUE) for p in row) for row in box
                   if sum(near(p, READING_BLUE) for p in row) < 300)
        ink = sum(sum(near(p, BASELINE_INK) for p in row) for row in box)
        assert blue > 150, f"no readings' line near the target line at y={top}"
        assert ink > 20, f"no baseline dot near the target line at y={top}"
    chromium(browser, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", html.as_uri())
    assert "The numbers" in pdf_text(pdf)  # the table beside each chart prints too
    subprocess.run(["pdftoppm", "-png", "-r", "100", "-f", "1", "-l", "2", str(pdf), str(tmp_path / "page")],
                   check=True, capture_output=True)
    printed = [row for page in sorted(tmp_path.glob("page*.png")) for row in png_rows(page)]
    assert any(runs(row, TARGET_GREEN) >= 15 for row in printed), "no target line in print"
