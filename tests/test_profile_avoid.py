"""The one-page profile shows ``profile.what_to_avoid`` as the passport does ("Please avoid", after
how best to support me) in every format, and only where the record has something in it."""

import pytest

from test_docx import docx_report, structure
from test_pdf import needs_engine, pages_text

AVOID = ["Asking me to read aloud without warning.", "Correcting my speech in front of other children."]


def profile(run, record_id, fmt):
    result = run("report", record_id, "--template", "profile", "--format", fmt)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_the_profile_says_what_to_avoid_after_how_to_support_me(example_casebook, run):
    markdown = profile(run, "ae-16", "md")
    assert markdown.endswith("## Please avoid\n\n" + "".join(f"- {line}\n" for line in AVOID))
    assert markdown.index("## How best to support me") < markdown.index("## Please avoid")
    page = profile(run, "ae-16", "html")
    assert ("<h2>Please avoid</h2>\n<ul><li>Asking me to read aloud without warning.</li><li>Correcting my speech "
            "in front of other children.</li></ul>") in page
    assert page.index("How best to support me") < page.index("Please avoid") < page.index("</main>")
    code, data, stderr = docx_report("ae-16", "--template", "profile", "--format", "docx")
    assert code == 0, stderr
    word = structure(data)
    assert "[Heading 1] Please avoid\n" + "".join(f"[List Bullet] {line}\n" for line in AVOID) in word
    assert word.index("How best to support me") < word.index("Please avoid")


def test_the_passport_uses_the_same_heading(example_casebook, run):
    passport = run("report", "ae-16", "--template", "passport", "--format", "md").stdout
    assert "## Please avoid\n\n" + "".join(f"- {line}\n" for line in AVOID) in passport


@pytest.mark.parametrize("emptied", [False, True])
def test_without_anything_to_avoid_the_profile_has_no_such_heading(example_casebook, run, emptied):
    if emptied:  # the list is there but empty
        for line in AVOID:
            assert run("set", "ae-16", "profile.what_to_avoid", "--remove", line).exit_code == 0
        record_id = "ae-16"
    else:  # Leo's record has no what_to_avoid
        record_id = "lp-09"
        assert "what_to_avoid" not in (example_casebook / "records" / "lp-09.yaml").read_text()
    for fmt in ("md", "html"):
        shown = profile(run, record_id, fmt)
        assert "How best to support me" in shown and "Please avoid" not in shown
    code, data, stderr = docx_report(record_id, "--template", "profile", "--format", "docx")
    assert code == 0, stderr
    word = structure(data)
    assert "How best to support me" in word and "Please avoid" not in word and "{%" not in word


@needs_engine
def test_a_profile_with_more_to_avoid_still_fits_one_page(example_casebook, run, tmp_path):
    for line in ("Sudden changes to the timetable without a warning first.",
                 "Being rushed to answer in front of the whole class."):
        assert run("set", "ae-16", "profile.what_to_avoid", "--add", line).exit_code == 0
    target = tmp_path / "ae-16.profile.pdf"
    result = run("report", "ae-16", "--template", "profile", "--format", "pdf", "--output", str(target))
    assert result.exit_code == 0, result.stderr
    pages = pages_text(target.read_bytes())
    assert len(pages) == 1
    assert "Please avoid" in pages[0] and "Being rushed" in " ".join(pages[0].split())
