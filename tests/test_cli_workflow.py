"""The graduated approach through the CLI: a whole cycle, refusals that change nothing,
golden diffs on a hand-commented record, git, edit, locks and concurrent writers."""

import difflib
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import textwrap
import time

import pytest

from conftest import REPO, snapshot
from sendcli.store.checking import check_record_file
from sendcli.store.loading import load_yaml

GOLDEN = REPO / "tests" / "data" / "golden" / "bea-t17.yaml"


def data(casebook, record_id):
    return load_yaml((casebook / "records" / f"{record_id}.yaml").read_bytes()).data


@pytest.fixture
def ava(casebook, run):
    assert run("new", "ae-16", "--name", "Ava Example", "--dob", "2016-05-14", "--need", "SLCN",
               env={"SENDCLI_TODAY": "2026-09-01"}).exit_code == 0
    return casebook


def at(day):
    return {"SENDCLI_TODAY": day}


def test_a_whole_cycle_from_the_cli_alone(ava, run):
    steps = [
        ("2026-09-10", ["cycle", "open", "ae-16"]),
        ("2026-09-12", ["add", "evidence", "ae-16", "--source", "class-teacher", "--text", "Baseline 4/10"]),
        ("2026-09-15", ["add", "view", "ae-16", "--from", "child", "--how", "drawing", "--text", "I like dogs"]),
        ("2026-09-16", ["add", "view", "ae-16", "--from", "parent", "--text", "She worries in groups"]),
        ("2026-09-20", ["cycle", "advance", "ae-16"]),
        ("2026-09-20", ["add", "outcome", "ae-16", "--area", "communication-and-interaction",
                        "--text", "By December Ava will say /g/", "--criteria", "4 of 5 sessions"]),
        ("2026-09-20", ["add", "outcome", "ae-16", "--text", "Speak in a group", "--criteria", "Twice a week"]),
        ("2026-09-21", ["add", "provision", "ae-16", "--kind", "small-group", "--text", "Talk Boost",
                        "--frequency", "3 x 20 min weekly", "--minutes-per-week", "60", "--staff", "TA",
                        "--cost", "180", "--outcome", "o1", "--outcome", "o2"]),
        ("2026-09-30", ["cycle", "advance", "ae-16", "--review-date", "2026-12-10", "--agreed-with", "parent",
                        "--agreed-with", "child"]),
        ("2026-10-14", ["add", "note", "ae-16", "--by", "TA", "--text", "Used her talk card"]),
        ("2026-10-20", ["add", "meeting", "ae-16", "--with", "parent", "--text", "Half-term check"]),
        ("2026-12-10", ["cycle", "advance", "ae-16"]),
        ("2026-12-10", ["cycle", "review", "ae-16", "--decision", "continue", "--progress", "o1=achieved",
                        "--progress", "o2=partly-achieved", "--attendee", "parent", "--attendee", "child",
                        "--next-review", "2027-03-18"]),
    ]
    printed = []
    for day, args in steps:
        result = run(*args, env=at(day))
        assert result.exit_code == 0, (args, result.stderr)
        printed.append(result.stdout.strip())
    assert printed[5:8] == ["o1", "o2", "p1"]
    record = data(ava, "ae-16")
    first, second = record["cycles"]
    assert [h["stage"] for h in first["history"]] == ["assess", "plan", "do", "review", "closed"]
    assert first["review"] == {"date": "2026-12-10", "attendees": ["parent", "child"], "decision": "continue",
                               "progress": [{"outcome": "o1", "rating": "achieved"},
                                            {"outcome": "o2", "rating": "partly-achieved"}]}
    assert second["stage"] == "do" and second["from_cycle"] == 1 and second["opened"] == "2026-12-10"
    assert second["plan"]["outcomes"] == [
        {"id": "o1", "text": "Speak in a group", "criteria": "Twice a week", "carried_from": "1/o2"}]
    assert second["plan"]["provision"][0]["outcomes"] == ["o1"]
    assert check_record_file(ava / "records" / "ae-16.yaml", "x", __import__("datetime").date(2027, 1, 6)).problems == []


def test_cycle_open_carry_forward_still_copies_outcomes_not_achieved(ava, run):
    for day, args in [("2026-09-10", ["cycle", "open", "ae-16"]),
                      ("2026-09-12", ["add", "evidence", "ae-16", "--source", "TA", "--text", "Baseline"]),
                      ("2026-09-12", ["add", "view", "ae-16", "--from", "child", "--text", "Dogs"]),
                      ("2026-09-12", ["add", "view", "ae-16", "--from", "parent", "--text", "Worries"]),
                      ("2026-09-13", ["cycle", "advance", "ae-16"]),
                      ("2026-09-13", ["add", "outcome", "ae-16", "--text", "Say /g/", "--criteria", "4 of 5"]),
                      ("2026-09-13", ["add", "provision", "ae-16", "--text", "Talk Boost", "--outcome", "o1"]),
                      ("2026-09-14", ["cycle", "advance", "ae-16", "--review-date", "2026-12-01",
                                      "--agreed-with", "parent"]),
                      ("2026-12-01", ["cycle", "review", "ae-16", "--decision", "exit", "--progress",
                                      "o1=partly-achieved", "--attendee", "parent"]),
                      ("2027-01-06", ["cycle", "open", "ae-16", "--carry-forward"])]:
        assert run(*args, env=at(day)).exit_code == 0, args
    second = data(ava, "ae-16")["cycles"][1]
    assert second["stage"] == "assess" and second["plan"]["outcomes"] == [
        {"id": "o1", "text": "Say /g/", "criteria": "4 of 5", "carried_from": "1/o1"}]



def plan_running(ava, run, agreed=("--agreed-with", "parent")):
    """Ava's first cycle, agreed and running (stage do) from 2026-09-14, review due 2026-12-01."""
    for day, args in [("2026-09-10", ["cycle", "open", "ae-16"]),
                      ("2026-09-12", ["add", "evidence", "ae-16", "--source", "TA", "--text", "Baseline"]),
                      ("2026-09-12", ["add", "view", "ae-16", "--from", "child", "--text", "Dogs"]),
                      ("2026-09-12", ["add", "view", "ae-16", "--from", "parent", "--text", "Worries"]),
                      ("2026-09-13", ["cycle", "advance", "ae-16"]),
                      ("2026-09-13", ["add", "outcome", "ae-16", "--text", "Say /g/", "--criteria", "4 of 5"]),
                      ("2026-09-13", ["add", "outcome", "ae-16", "--text", "Join in", "--criteria", "Weekly"]),
                      ("2026-09-13", ["add", "provision", "ae-16", "--text", "Talk Boost", "--outcome", "o1",
                                      "--minutes-per-week", "60"]),
                      ("2026-09-13", ["add", "provision", "ae-16", "--text", "Lunch club", "--outcome", "o2"]),
                      ("2026-09-14", ["cycle", "advance", "ae-16", "--review-date", "2026-12-01", *agreed])]:
        assert run(*args, env=at(day)).exit_code == 0, args


def test_one_review_from_do_records_everything_and_the_plan_goes_on(ava, run):
    plan_running(ava, run)
    result = run("cycle", "review", "ae-16", "--decision", "continue", "--progress", "o1=partly-achieved",
                 "--progress", "o2=not-achieved", "--comment", "o1=Says /g/ in 3 of 5 sessions",
                 "--next-steps", "Practise at home too", "--end", "p2", "--next-review", "2027-03-01",
                 "--attendee", "parent", "--attendee", "senco", env=at("2026-12-01"))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ("ae-16: cycle 1 reviewed (continue) and closed; cycle 2 opened in do with 2 outcomes "
                             "and 1 provision carried over, review 2027-03-01\n")
    first, second = data(ava, "ae-16")["cycles"]
    assert [h["stage"] for h in first["history"]] == ["assess", "plan", "do", "review", "closed"]
    assert first["review"]["progress"][0] == {"outcome": "o1", "rating": "partly-achieved",
                                              "text": "Says /g/ in 3 of 5 sessions"}
    assert first["review"]["next_steps"] == "Practise at home too"
    assert first["plan"]["provision"][1]["ended"] == "2026-12-01"
    assert second["from_cycle"] == 1 and second["stage"] == "do"
    assert second["plan"]["provision"] == [{"id": "p1", "text": "Talk Boost", "minutes_per_week": 60,
                                            "outcomes": ["o1"], "carried_from": "1/p1"}]
    assert run("check", env=at("2026-12-01")).exit_code == 0
    due = json.loads(run("due", "--all", "--format", "json", env=at("2026-12-01")).stdout)
    reviews = [item for item in due["items"] if item["kind"] == "review"]
    assert [(item["record"], item["due"]) for item in reviews] == [("ae-16", "2027-03-01")]


def test_a_refused_review_names_every_requirement_and_the_way_past_the_family_gate(ava, run):
    plan_running(ava, run)
    before = snapshot(ava / "records")
    result = run("cycle", "review", "ae-16", "--decision", "continue", "--progress", "o1=achieved",
                 "--attendee", "senco", env=at("2026-12-01"))
    assert result.exit_code == 1
    lines = result.stderr.splitlines()[1:]
    assert len(lines) == 3 and all(line.startswith("  - ") for line in lines)
    assert "outcome o2 has no rating" in lines[0]
    assert 'took no part' in lines[1] and lines[1].endswith('--without-family "REASON"')
    assert "--next-review DATE" in lines[2]
    assert snapshot(ava / "records") == before


def test_without_family_goes_into_the_history_with_a_warning(ava, run):
    plan_running(ava, run, agreed=("--agreed-with", "child", "--without-family", "three letters, no reply"))
    cycle = data(ava, "ae-16")["cycles"][0]
    assert cycle["history"][-1] == {"stage": "do", "date": "2026-09-14", "without_family": "three letters, no reply"}
    result = run("cycle", "review", "ae-16", "--decision", "revise", "--progress", "o1=achieved",
                 "--progress", "o2=achieved", "--attendee", "child", "--without-family", "in hospital",
                 env=at("2026-12-01"))
    assert result.exit_code == 0, result.stderr
    assert "warning: the review goes ahead without the family (in hospital)" in result.stderr
    assert "CFA s.68" in result.stderr
    first, second = data(ava, "ae-16")["cycles"]
    assert first["history"][-1]["without_family"] == "in hospital" and second["stage"] == "plan"


@pytest.mark.parametrize("args, words", [
    (["--without-family", " "], "give the reason"),
    (["--comment", "o1"], "OUTCOME=TEXT"),
    (["--comment", "o1=a", "--comment", "o1=b"], "two comments"),
    (["--next-review", "2027-13-01"], "--next-review"),
    (["--next-steps", ""], "next steps"),
])
def test_malformed_review_options_are_usage_errors(ava, run, args, words):
    plan_running(ava, run)
    before = snapshot(ava / "records")
    result = run("cycle", "review", "ae-16", "--decision", "revise", "--progress", "o1=achieved",
                 "--progress", "o2=achieved", "--attendee", "parent", *args, env=at("2026-12-01"))
    assert result.exit_code == 2 and words in result.stderr, result.stderr
    assert snapshot(ava / "records") == before


LOCAL_OFFER = """services:
  - {id: community-slt, name: Example Community Speech and Language Therapy, provider: Example NHS Trust}
  - {id: autism-outreach, name: Autism Outreach Team, provider: Example LA}
"""


def test_provision_from_the_local_offer_names_a_service_it_lists(ava, run):
    assert run("cycle", "open", "ae-16", env=at("2026-09-10")).exit_code == 0
    assert run("add", "outcome", "ae-16", "--text", "Say /g/", env=at("2026-09-10")).exit_code == 0
    unchecked = run("add", "provision", "ae-16", "--text", "SALT", "--local-offer", "community-slt",
                    "--outcome", "o1", env=at("2026-09-10"))
    assert unchecked.exit_code == 0 and "no local-offer.yaml" in unchecked.stderr
    (ava / "local-offer.yaml").write_text(LOCAL_OFFER)
    before = snapshot(ava / "records")
    refused = run("add", "provision", "ae-16", "--text", "SALT", "--local-offer", "slt", env=at("2026-09-10"))
    assert refused.exit_code == 1
    assert "'slt' is not a service of local-offer.yaml (its services: autism-outreach, community-slt)" \
        in refused.stderr
    assert snapshot(ava / "records") == before
    added = run("add", "provision", "ae-16", "--kind", "specialist", "--text", "Outreach visits",
                "--local-offer", "autism-outreach", "--minutes-per-week", "30", "--outcome", "o1",
                env=at("2026-09-10"))
    assert added.exit_code == 0 and added.stdout == "p2\n" and added.stderr.startswith("ae-16: cycle 1")
    assert data(ava, "ae-16")["cycles"][0]["plan"]["provision"][1] == {
        "id": "p2", "kind": "specialist", "text": "Outreach visits", "minutes_per_week": 30, "outcomes": ["o1"],
        "local_offer": "autism-outreach"}


def test_add_person_keeps_people_without_hand_editing(ava, run):
    result = run("add", "person", "ae-16", "--name", "Sam Example", "--role", "parent",
                 "--parental-responsibility", "--contact", "07700 900123")
    assert result.exit_code == 0 and result.stdout == "ae-16: parent added to people\n"
    assert "Sam" not in result.stdout
    assert run("add", "person", "ae-16", "--name", "Ms Patel", "--role", "class-teacher").exit_code == 0
    assert data(ava, "ae-16")["people"] == [
        {"name": "Sam Example", "role": "parent", "parental_responsibility": True, "contact": "07700 900123"},
        {"name": "Ms Patel", "role": "class-teacher"}]
    text = (ava / "records" / "ae-16.yaml").read_text()
    assert "  - {name: Sam Example, role: parent, parental_responsibility: true, contact: 07700 900123}" in text
    before = snapshot(ava / "records")
    again = run("add", "person", "ae-16", "--name", "sam example", "--role", "parent")
    assert again.exit_code == 1 and "already listed" in again.stderr
    for args, code in ((["--name", "X", "--role", "Mum"], 2), (["--name", " ", "--role", "carer"], 2),
                       (["--role", "carer"], 2)):
        assert run("add", "person", "ae-16", *args).exit_code == code, args
    assert snapshot(ava / "records") == before
    assert run("check").exit_code == 0

def test_a_refused_gate_lists_every_requirement_and_changes_nothing(ava, run):
    assert run("cycle", "open", "ae-16", env=at("2026-09-10")).exit_code == 0
    before = snapshot(ava / "records")
    result = run("cycle", "advance", "ae-16", env=at("2026-09-20"))
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0] == "sendcli: ae-16: cannot advance the cycle yet:"
    assert len(lines) == 4 and all(line.startswith("  - ") for line in lines[1:])
    assert "CoP 6.45" in result.stderr
    assert snapshot(ava / "records") == before


@pytest.mark.parametrize("args, code, words", [
    (["cycle", "open", "ae-16", "--date", "2026-12-01"], 1, "in the future"),
    (["cycle", "open", "ae-16", "--date", "2026-02-30"], 2, "not a real date"),
    (["cycle", "open", "nobody"], 1, "no record 'nobody'"),
    (["cycle", "open", "../x"], 2, "not a valid record ID"),
    (["cycle", "review", "ae-16", "--decision", "maybe"], 2, "maybe"),
    (["cycle", "review", "ae-16", "--decision", "continue", "--progress", "o1=great"], 2, "OUTCOME=RATING"),
    (["cycle", "advance", "ae-16"], 1, "no open cycle"),
    (["add", "view", "ae-16", "--from", "teacher", "--text", "x"], 2, "teacher"),
    (["add", "view", "ae-16", "--from", "child", "--text", ""], 1, "would make the record invalid"),
    (["add", "meeting", "ae-16", "--with", "Mum", "--text", "x"], 2, "not a role"),
    (["add", "provision", "ae-16", "--text", "x", "--cost", "-3"], 2, "--cost"),
    (["add", "outcome", "ae-16", "--text", "x"], 1, "no open cycle"),
])
def test_bad_steps_are_refused_and_write_nothing(ava, run, args, code, words):
    before = snapshot(ava / "records")
    result = run(*args, env=at("2026-11-28"))
    assert result.exit_code == code, result.stderr
    assert words in result.stderr and "Traceback" not in result.stderr
    assert snapshot(ava / "records") == before


def test_a_record_with_errors_must_be_fixed_first(ava, run):
    path = ava / "records" / "ae-16.yaml"
    path.write_text(path.read_text().replace("setting: school", "setting: home"))
    before = path.read_bytes()
    result = run("add", "view", "ae-16", "--from", "child", "--text", "Hi")
    assert result.exit_code == 1 and "fix them first" in result.stderr and "records/ae-16.yaml:" in result.stderr
    assert path.read_bytes() == before


def test_writes_keep_the_file_private(ava, run):
    path = ava / "records" / "ae-16.yaml"
    os.chmod(path, 0o644)
    assert run("add", "view", "ae-16", "--from", "child", "--text", "Hi").exit_code == 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not [p for p in (ava / "records").iterdir() if p.name.startswith(".")]  # no temp files left


def test_a_symlinked_record_is_never_written_through(ava, run, tmp_path):
    outside = tmp_path / "outside.yaml"
    record = ava / "records" / "ae-16.yaml"
    shutil.move(record, outside)
    record.symlink_to(outside)
    before = outside.read_bytes()
    result = run("add", "view", "ae-16", "--from", "child", "--text", "Hi")
    assert result.exit_code == 1 and "symbolic link" in result.stderr
    assert outside.read_bytes() == before


def test_exit_decision_and_close(ava, run):
    for day, args in [("2026-09-10", ["cycle", "open", "ae-16"]),
                      ("2026-09-11", ["close", "ae-16", "--reason", "moved-school"])]:
        assert run(*args, env=at(day)).exit_code == 0
    record = data(ava, "ae-16")
    assert record["status"] == "closed" and record["closed"]["reason"] == "moved-school"
    assert record["cycles"][0]["history"][-1] == {"stage": "closed", "date": "2026-09-11",
                                                  "note": "record closed: moved-school"}
    assert run("cycle", "open", "ae-16").exit_code == 1


# -- golden diffs: only the lines that change -----------------------------------------------

def changed_lines(before: str, after: str) -> list[str]:
    return [line.rstrip("\n") for line in difflib.unified_diff(before.splitlines(True), after.splitlines(True), n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


GOLDEN_STEPS = [
    (["cycle", "advance", "bea-t17"], [
        "-    stage: assess", "+    stage: plan",
        "+      - {stage: plan, date: 2026-09-20}"]),
    (["add", "provision", "bea-t17", "--kind", "learning-programme", "--text", "Precision teaching",
      "--frequency", "daily 10 min", "--minutes-per-week", "50", "--staff", "TA", "--cost", "250", "--outcome", "o1"], [
        "+      provision:", "+        - id: p1", "+          kind: learning-programme",
        "+          text: Precision teaching", "+          frequency: daily 10 min", "+          minutes_per_week: 50",
        "+          staff: TA", "+          cost: 250.00", "+          outcomes: [o1]"]),
    (["cycle", "advance", "bea-t17", "--review-date", "2026-12-15", "--agreed-with", "parent",
      "--agreed-with", "child"], [
        "-    stage: plan", "+    stage: do", "+      - {stage: do, date: 2026-09-20}",
        "+      agreed: 2026-09-20", "+      agreed_with: [parent, child]", "+      review_date: 2026-12-15"]),
    (["add", "view", "bea-t17", "--from", "child", "--text", "No"], [
        '+  - {date: 2026-09-20, from: child, text: "No"}']),
    (["add", "meeting", "bea-t17", "--with", "parent", "--text", "Plan agreed"], [
        "-meetings: []", "+meetings:", "+  - {date: 2026-09-20, with: [parent], text: Plan agreed}"]),
    (["add", "note", "bea-t17", "--by", "TA", "--text", "Good start"], [
        "+    do:", "+      log:", "+        - {date: 2026-09-20, by: TA, text: Good start}"]),
]


def test_each_write_changes_only_its_own_lines(casebook, run):
    path = casebook / "records" / "bea-t17.yaml"
    shutil.copy(GOLDEN, path)
    for args, expected in GOLDEN_STEPS:
        before = path.read_text()
        result = run(*args, env=at("2026-09-20"))
        assert result.exit_code == 0, result.stderr
        assert changed_lines(before, path.read_text()) == expected, args
    text = path.read_text()
    for comment in ("Hand-kept comments like these", "# on the register since Year 1", "# single quotes, kept as written",
                    "# at the reading corner", "# Mum rang the office", "# Outcomes drafted", "# still with us"):
        assert comment in text
    assert "name: 'Bea Testcase'" in text and "  summary: >-\n    Slow, effortful" in text


FLUSH_LAYOUT = """\
schema_version: 1
id: cy-t15
status: sen-support
child:
    name: Cy Testcase
    date_of_birth: 2015-06-01
    setting: school
needs:
    primary: MLD
    secondary: []
register:
    entered: 2024-09-10
    left: null
views:
- date: 2026-09-14
  from: child
  text: I like maths
meetings: []
cycles: []
closed: null
"""


def test_a_file_laid_out_differently_keeps_its_own_indentation(casebook, run):
    # Four-space mappings, sequences flush with their key, block-style items.
    path = casebook / "records" / "cy-t15.yaml"
    path.write_text(FLUSH_LAYOUT)
    assert run("check", "records/cy-t15.yaml").exit_code == 0
    assert run("add", "view", "cy-t15", "--from", "parent", "--text", "Hi", env=at("2026-09-20")).exit_code == 0
    assert changed_lines(FLUSH_LAYOUT, path.read_text()) == [
        "+- date: 2026-09-20", "+  from: parent", "+  text: Hi"]


# -- git ------------------------------------------------------------------------------------

def git(root, *args):
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=True).stdout


@pytest.fixture
def repo(ava):
    git(ava, "init", "-q")
    git(ava, "config", "user.name", "Test SENCO")
    git(ava, "config", "user.email", "senco@example.org")
    git(ava, "add", "-A")
    git(ava, "commit", "-qm", "casebook")
    return ava


def test_commit_commits_that_record_alone(repo, run):
    (repo / "notes.txt").write_text("staged, not to be committed")
    git(repo, "add", "notes.txt")
    result = run("cycle", "open", "ae-16", "--commit", env=at("2026-09-10"))
    assert result.exit_code == 0 and "(committed)" in result.stdout
    assert git(repo, "log", "-1", "--format=%s") == "ae-16: open a cycle\n"
    assert git(repo, "show", "--name-only", "--format=", "HEAD") == "records/ae-16.yaml\n"
    assert git(repo, "diff", "--cached", "--name-only") == "notes.txt\n"


def test_git_commit_setting_and_log(repo, run):
    settings = repo / "sendcli.yaml"
    settings.write_text(settings.read_text() + "git:\n  commit: true\n")
    assert run("cycle", "open", "ae-16", env=at("2026-09-10")).exit_code == 0
    assert run("add", "view", "ae-16", "--from", "child", "--text", "Hi", "--no-commit",
               env=at("2026-09-11")).exit_code == 0
    assert git(repo, "log", "-1", "--format=%s") == "ae-16: open a cycle\n"
    result = run("log", "ae-16")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == 2 and lines[0].endswith("  Test SENCO  ae-16: open a cycle")
    assert lines[1].endswith("casebook")


def test_commit_outside_a_repository_is_refused_before_writing(ava, run):
    before = snapshot(ava / "records")
    result = run("cycle", "open", "ae-16", "--commit", env=at("2026-09-10"))
    assert result.exit_code == 1 and "not in a git repository" in result.stderr
    assert snapshot(ava / "records") == before
    assert run("log", "ae-16").exit_code == 1


# -- edit -----------------------------------------------------------------------------------

def editor(tmp_path, old, new, exit_code=0):
    script = tmp_path / f"editor-{abs(hash((old, new)))}.py"
    script.write_text(textwrap.dedent(f"""\
        import sys
        path = sys.argv[1]
        text = open(path).read()
        open(path, "w").write(text.replace({old!r}, {new!r}))
        sys.exit({exit_code})
        """))
    return {"EDITOR": f"{sys.executable} {script}", "VISUAL": ""}


def test_edit_saves_a_valid_copy(ava, run, tmp_path):
    result = run("edit", "ae-16", env=editor(tmp_path, "name: Ava Example", "name: Ava Example-Sample"))
    assert result.exit_code == 0 and "saved" in result.stdout
    assert data(ava, "ae-16")["child"]["name"] == "Ava Example-Sample"
    assert not list((ava / ".sendcli" / "edit").iterdir())


def test_edit_never_saves_an_invalid_copy(ava, run, tmp_path):
    before = snapshot(ava / "records")
    result = run("edit", "ae-16", env=editor(tmp_path, "setting: school", "setting: home"))
    assert result.exit_code == 1
    # The problem is named at the line of the copy the user has open, not the record's.
    [kept] = (ava / ".sendcli" / "edit").glob("*.yaml")
    assert f".sendcli/edit/{kept.name}:9:12: error: child.setting" in result.stderr
    assert "records/ae-16.yaml:" not in result.stderr and "not saved" in result.stderr
    assert snapshot(ava / "records") == before
    assert "setting: home" in kept.read_text() and stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert stat.S_IMODE((ava / ".sendcli").stat().st_mode) == 0o700


def test_edit_again_until_valid(ava, run, tmp_path, monkeypatch):
    # First save invalid, then fixed on the second round.
    script = tmp_path / "twice.py"
    script.write_text(textwrap.dedent("""\
        import sys, pathlib
        path = pathlib.Path(sys.argv[1]); counter = path.with_suffix(".count")
        round = int(counter.read_text()) + 1 if counter.exists() else 1
        counter.write_text(str(round))
        text = path.read_text()
        text = text.replace("setting: school", "setting: home") if round == 1 else text.replace("setting: home", "setting: school")
        path.write_text(text.replace("name: Ava Example", "name: Ava Edited"))
        """))
    monkeypatch.setattr("sendcli.cli.history._interactive", lambda: True)
    result = run("edit", "ae-16", env={"EDITOR": f"{sys.executable} {script}"}, input="y\n")
    assert result.exit_code == 0, result.stderr
    assert data(ava, "ae-16")["child"]["name"] == "Ava Edited"


@pytest.mark.parametrize("env, words", [
    ({"EDITOR": "", "VISUAL": ""}, "set VISUAL or EDITOR"),
    ({"EDITOR": "no-such-editor-anywhere", "VISUAL": ""}, "was not found"),
])
def test_edit_without_a_usable_editor(ava, run, env, words):
    result = run("edit", "ae-16", env=env)
    assert result.exit_code == 1 and words in result.stderr


def test_edit_refuses_when_the_record_changed_meanwhile(ava, run, tmp_path):
    script = tmp_path / "race.py"
    script.write_text(textwrap.dedent(f"""\
        import subprocess, sys, os
        path = sys.argv[1]
        open(path, "a").write("")
        text = open(path).read().replace("name: Ava Example", "name: Ava Mine")
        open(path, "w").write(text)
        env = dict(os.environ, EDITOR="")
        subprocess.run([sys.executable, "-m", "sendcli", "add", "view", "ae-16", "--from", "child",
                        "--text", "Theirs"], check=True, cwd={str(ava)!r}, env=env)
        """))
    result = run("edit", "ae-16", env={"EDITOR": f"{sys.executable} {script}"})
    assert result.exit_code == 1 and "changed by someone else" in result.stderr
    record = data(ava, "ae-16")
    assert record["child"]["name"] == "Ava Example" and record["views"][-1]["text"] == "Theirs"


# -- locks and concurrent writers --------------------------------------------------------------

def cli(root, *args, env=None):
    environment = {**os.environ, "SENDCLI_TODAY": "2026-11-28", **(env or {})}
    return subprocess.Popen([sys.executable, "-m", "sendcli", "--root", str(root), *args], env=environment,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_twenty_four_concurrent_writers_lose_nothing(ava, run):
    for record_id in ("bo-16", "cy-16"):
        assert run("new", record_id, "--name", "Test Child", "--dob", "2016-01-01", "--need", "MLD").exit_code == 0
    writers = [cli(ava, "add", "view", record_id, "--from", "parent", "--text", f"view {n}")
               for n in range(24) for record_id in (("ae-16",) if n % 3 else ("ae-16", "bo-16", "cy-16"))]
    results = [(w.wait(timeout=120), w.stderr.read()) for w in writers]
    assert all(code == 0 for code, _ in results), results
    texts = sorted(v["text"] for v in data(ava, "ae-16")["views"])
    assert texts == sorted(f"view {n}" for n in range(24))
    assert len(data(ava, "bo-16")["views"]) == len(data(ava, "cy-16")["views"]) == 8


def test_a_writer_waits_for_the_lock_then_gives_up_clearly(ava):
    from sendcli.store.locking import record_lock

    path = ava / "records" / "ae-16.yaml"
    before = path.read_bytes()
    with record_lock(ava / ".sendcli" / "locks", "ae-16"):
        writer = cli(ava, "add", "view", "ae-16", "--from", "child", "--text", "Hi",
                     env={"SENDCLI_LOCK_TIMEOUT": "0.5"})
        code = writer.wait(timeout=60)
    assert code == 1 and "stayed locked for 0.5 seconds" in writer.stderr.read()
    assert path.read_bytes() == before


def test_a_lock_left_by_a_killed_process_does_not_block(ava):
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""\
        import sys, time
        from pathlib import Path
        from sendcli.store.locking import record_lock
        with record_lock(Path({str(ava / '.sendcli' / 'locks')!r}), "ae-16"):
            print("locked", flush=True)
            time.sleep(60)
        """)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "locked"
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    started = time.monotonic()
    writer = cli(ava, "add", "view", "ae-16", "--from", "child", "--text", "after the crash",
                 env={"SENDCLI_LOCK_TIMEOUT": "5"})
    assert writer.wait(timeout=60) == 0
    assert time.monotonic() - started < 5  # it did not wait out the bound
    assert data(ava, "ae-16")["views"][-1]["text"] == "after the crash"


@pytest.mark.parametrize("dress", ["crlf", "bom", "markers", "long-line"])
def test_what_ruamel_would_drop_is_kept(casebook, run, dress):
    text = GOLDEN.read_text()
    if dress == "markers":
        text = "# Bea's record\n---\n" + text + "...\n# end of record\n"
    if dress == "long-line":
        text = text.replace("summary: Decoding is the main barrier.", "summary: " + ("Decoding is hard. " * 300).strip())
    raw = text.encode()
    if dress == "crlf":
        raw = text.replace("\n", "\r\n").encode()
    if dress == "bom":
        raw = b"\xef\xbb\xbf" + raw
    path = casebook / "records" / "bea-t17.yaml"
    path.write_bytes(raw)
    assert run("check", "records/bea-t17.yaml").exit_code == 0
    assert run("add", "view", "bea-t17", "--from", "child", "--text", "Hi", env=at("2026-09-20")).exit_code == 0
    after = path.read_bytes()
    newline = b"\r\n" if dress == "crlf" else b"\n"
    added = b"  - {date: 2026-09-20, from: child, text: Hi}" + newline
    assert after.replace(added, b"", 1) == raw


def test_a_deputys_view_can_be_recorded(ava, run):
    result = run("add", "view", "ae-16", "--from", "deputy", "--text", "He is happiest with a routine")
    assert result.exit_code == 0, result.stderr
    assert data(ava, "ae-16")["views"][-1]["from"] == "deputy"
    assert run("check").exit_code == 0
