"""Every per-child report in every state a record passes through, built with the commands:
planned, in do, just reviewed, closed, and with an EHC plan. Golden files hold what a family
or a colleague would read; the checks below say what each state must and must never say."""

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import EXAMPLES, REPO
from sendcli.cli import app

GOLDEN = REPO / "tests" / "data" / "golden" / "states"
TEMPLATES = ("plan", "review", "parent", "profile", "chronology")


def sendcli(root: Path, today: str, *args: str):
    result = CliRunner().invoke(app, ["--root", str(root), *args], env={"SENDCLI_TODAY": today, "NO_COLOR": "1"},
                                prog_name="sendcli")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def step(root: Path, today: str, *args: str) -> None:
    result = sendcli(root, today, *args)
    assert result.exit_code == 0, f"{args}: {result.stderr}"


def start_cycle(root: Path, record: str) -> None:
    """A cycle from assess to an agreed plan: the graduated approach through its commands."""
    step(root, "2026-09-07", "cycle", "open", record, "--date", "2026-09-07")
    step(root, "2026-09-08", "add", "evidence", record, "--source", "class-teacher",
         "--text", "Avoids reading aloud; 3 of 10 high-frequency words read correctly", "--date", "2026-09-08")
    step(root, "2026-09-09", "add", "view", record, "--from", "child", "--text", "I like stories when someone reads them",
         "--how", "talk with the TA", "--date", "2026-09-09")
    step(root, "2026-09-10", "add", "view", record, "--from", "parent", "--text", "Reading at home ends in tears",
         "--date", "2026-09-10")
    step(root, "2026-09-14", "cycle", "advance", record, "--date", "2026-09-14")
    step(root, "2026-09-15", "add", "outcome", record, "--text", "By December Alex will read 10 high-frequency words",
         "--criteria", "10 of 10 read correctly on 3 days running", "--area", "cognition-and-learning")
    step(root, "2026-09-15", "add", "outcome", record, "--text", "By December Alex will read aloud in a group of three",
         "--criteria", "Reads a sentence aloud in 3 of 4 group sessions", "--area", "communication-and-interaction")
    step(root, "2026-09-15", "add", "provision", record, "--text", "Precision teaching of high-frequency words",
         "--frequency", "5 x 10 min weekly", "--staff", "TA", "--outcome", "o1", "--kind", "one-to-one",
         "--minutes-per-week", "50")
    step(root, "2026-09-15", "add", "provision", record, "--text", "Speech and language outreach advice",
         "--frequency", "termly", "--staff", "Community SLT", "--outcome", "o2", "--kind", "specialist",
         "--local-offer", "community-slt")


def agree_plan(root: Path, record: str) -> None:
    step(root, "2026-09-21", "cycle", "advance", record, "--date", "2026-09-21", "--review-date", "2026-12-10",
         "--agreed-with", "parent", "--agreed-with", "child")


def review(root: Path, record: str) -> None:
    step(root, "2026-12-10", "cycle", "review", record, "--date", "2026-12-10", "--decision", "continue",
         "--progress", "o1=achieved", "--progress", "o2=partly-achieved",
         "--comment", "o2=Reads aloud to the TA, not yet in the group", "--end", "p1",
         "--next-steps", "Keep the group reading; share the word list with home", "--next-review", "2027-03-18",
         "--attendee", "parent", "--attendee", "child")


def casebook(tmp: Path) -> Path:
    root = tmp / "casebook"
    assert sendcli(root, "2026-09-01", "init", str(root), "--name", "Test Academy (fictional)").exit_code == 0
    shutil.copy(EXAMPLES / "local-offer.yaml", root / "local-offer.yaml")
    with (root / "sendcli.yaml").open("a") as settings:
        settings.write("local_authority: Example LA\nlocal_offer_url: https://example.org/local-offer\n"
                       "senco: {name: Ms Example, email: senco@example.org, phone: \"01234 567890\"}\n")
    step(root, "2026-09-01", "new", "ab-16", "--name", "Alex Sampleworth", "--dob", "2016-05-14", "--year-group", "5",
         "--need", "dyslexia", "--entered", "2025-09-10")
    step(root, "2026-09-02", "set", "ab-16", "profile.like_and_admire", "--add", "Funny and kind")
    step(root, "2026-09-02", "set", "ab-16", "profile.how_to_support_me", "--add", "Give me time to answer")
    return root


def build(tmp: Path, state: str) -> tuple[Path, str]:
    """A casebook holding ab-16 in ``state``, and the day its reports are made."""
    root = casebook(tmp)
    if state == "ehc-plan":
        step(root, "2026-09-01", "ehc", "request", "ab-16", "--date", "2026-01-10")
        step(root, "2026-09-01", "ehc", "decision", "ab-16", "--outcome", "assess", "--date", "2026-02-14")
        step(root, "2026-09-01", "ehc", "draft", "ab-16", "--date", "2026-04-20")
        step(root, "2026-09-01", "ehc", "final", "ab-16", "--date", "2026-05-20")
    start_cycle(root, "ab-16")
    if state == "planned":
        return root, "2026-09-16"
    agree_plan(root, "ab-16")
    if state in ("do", "ehc-plan"):
        return root, "2026-10-15"
    review(root, "ab-16")
    if state == "reviewed":
        return root, "2026-12-12"
    step(root, "2027-01-10", "close", "ab-16", "--reason", "moved-school", "--date", "2027-01-10")
    return root, "2027-01-12"


STATES = ("planned", "do", "reviewed", "closed", "ehc-plan")


@pytest.fixture(scope="module")
def states(tmp_path_factory):
    return {state: build(tmp_path_factory.mktemp(state), state) for state in STATES}


def report(states, state: str, template: str, fmt: str = "md"):
    root, today = states[state]
    return sendcli(root, today, "report", "ab-16", "--template", template, "--format", fmt)


CASES = [(state, template, fmt) for state in STATES for template in TEMPLATES for fmt in ("md", "html")
         if not (state == "closed" and template in ("plan", "parent"))
         and not (state in ("planned", "do", "ehc-plan") and template == "review")]


@pytest.mark.parametrize("state, template, fmt", CASES)
def test_each_report_in_each_state_matches_its_golden_file(states, state, template, fmt):
    import os

    result = report(states, state, template, fmt)
    assert result.exit_code == 0, result.stderr
    path = GOLDEN / f"{state}.{template}.{fmt}"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(result.stdout)
    assert path.exists(), f"no golden file {path.name}: run UPDATE_GOLDEN=1 pytest {__file__}"
    assert result.stdout == path.read_text(), f"{path.name} differs from its golden file"


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("template", TEMPLATES)
def test_no_report_says_stage_closed_or_gives_a_past_review_date_as_the_next(states, state, template):
    result = report(states, state, template)
    text = result.stdout
    assert "stage closed" not in text and "stage **closed**" not in text
    if state == "reviewed" and template in ("parent", "plan"):
        assert "10 December 2026**." not in text.split("What happens next")[-1]
        assert "**18 March 2027**" in text


def test_before_a_review_the_summary_says_what_is_planned(states):
    text = report(states, "planned", "parent").stdout
    assert "## What we plan to work on" in text and "We will agree these goals with your family" in text
    assert "What the review" not in text
    text = report(states, "do", "parent").stdout
    assert "## What we are working on" in text and "**10 December 2026**" in text


def test_after_a_review_the_summary_says_what_it_found_and_what_happens_next(states):
    text = report(states, "reviewed", "parent").stdout
    assert "## What the review on 10 December 2026 found" in text
    assert "read 10 high-frequency words: **achieved**" in text
    assert "Reads aloud to the TA, not yet in the group" in text
    assert "carry on with the plan" in text and "share the word list with home" in text
    assert "We will look at how things are going together on **18 March 2027**" in text
    # the ended provision is not in the carried plan's help
    assert "Precision teaching" not in text.split("## How we help")[1].split("##")[0]


def test_a_closed_record_gets_no_plan_or_letter_but_keeps_review_and_profile(states):
    for template in ("plan", "parent"):
        result = report(states, "closed", template)
        assert result.exit_code == 1 and "closed on 2027-01-10" in result.stderr and result.stdout == ""
    for template in ("review", "profile"):
        assert report(states, "closed", template).exit_code == 0


def test_report_all_skips_a_closed_record_saying_so(states, tmp_path):
    root, today = states["closed"]
    result = sendcli(root, today, "report", "--all", "--template", "parent", "--output-dir", str(tmp_path / "out"))
    assert result.exit_code == 0
    assert "skipped: ab-16: the record was closed" in result.stderr
    assert not (tmp_path / "out" / "ab-16.parent.html").exists()


def test_a_transfer_pack_still_holds_the_closed_records_plan(states, tmp_path):
    root, today = states["closed"]
    shutil.copytree(root, tmp_path / "copy")
    result = sendcli(tmp_path / "copy", today, "transfer", "ab-16", "--output", str(tmp_path / "pack"))
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "pack" / "ab-16.plan.html").exists() and (tmp_path / "pack" / "ab-16.review.html").exists()


def test_a_child_with_an_ehc_plan_gets_the_settings_plan_alongside_it(states):
    for fmt in ("md", "html"):
        plan = report(states, "ehc-plan", "plan", fmt).stdout
        assert "SEN support plan" not in plan and "Support plan alongside the EHC plan" in plan
        assert "does not replace or change the EHC plan" in plan and "20 May 2026" in plan
    letter = report(states, "ehc-plan", "parent").stdout
    assert "has an Education, Health and Care (EHC) plan, dated 20 May 2026" in letter
    assert "annual review is due by" in letter


def test_letters_name_the_senco_from_the_settings(states):
    assert "Ms Example is our SENCO" in report(states, "do", "parent").stdout
    assert "senco@example.org, 01234 567890" in report(states, "do", "parent").stdout
    assert "ask for the SENCO" not in report(states, "do", "parent", "html").stdout


def test_outcome_ids_printed_where_provision_names_them_and_links_show_their_url(states):
    md = report(states, "do", "plan").stdout
    assert "| o1 | By December Alex will read 10 high-frequency words |" in md
    assert "| TA | o1 |" in md
    html = report(states, "do", "plan", "html").stdout
    assert '<td class="id">o1</td>' in html and 'a[href^="http"]::after { content: " (" attr(href) ")"; }' in html


def test_the_markdown_summary_has_every_section_of_the_html(states):
    import re

    for state in ("planned", "do", "reviewed", "ehc-plan"):
        html_sections = re.findall(r"<h2>(.*?)</h2>", report(states, state, "parent", "html").stdout)
        md_sections = re.findall(r"^## (.*)$", report(states, state, "parent", "md").stdout, re.MULTILINE)
        assert [s.replace("&#39;", "'") for s in html_sections] == md_sections, state


@pytest.mark.parametrize("template", TEMPLATES)
def test_redacted_reports_show_nothing_of_the_child_but_the_id(states, template):
    state = "do" if template == "plan" else "reviewed"
    root, today = states[state]
    for fmt in ("md", "html"):
        text = sendcli(root, today, "report", "ab-16", "--template", template, "--format", fmt, "--redact").stdout
        assert "ab-16" in text
        for secret in ("Alex", "Sampleworth", "A.S.", "14 May 2016", "2016-05-14"):
            assert secret not in text, (template, fmt, secret)


def test_the_senco_in_the_settings_is_checked(casebook, run):
    settings = casebook / "sendcli.yaml"
    settings.write_text(settings.read_text() + "senco: {name: Ms Example, email: not-an-address}\n")
    result = run("check")
    assert result.exit_code == 1 and "senco" in result.stdout + result.stderr
