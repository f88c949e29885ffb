"""``sendcli set``: any field by its dotted path, checked before anything is written;
``new --entered`` and ``created``."""

import subprocess

import pytest

from conftest import snapshot
from sendcli.core import fields
from sendcli.store.loading import load_yaml
from sendcli.store.schemas import load_schema

AVA = "records/ae-16.yaml"


def data(root, path=AVA):
    return load_yaml((root / path).read_bytes()).data


def changed_lines(before: str, after: str) -> list[tuple[str, str]]:
    old, new = before.splitlines(), after.splitlines()
    assert len(old) == len(new), "a set changes lines, it does not add or drop them"
    return [(a, b) for a, b in zip(old, new) if a != b]


@pytest.mark.parametrize("field, value, line", [
    ("needs.summary", "Anxious in large groups; speech sounds", '  summary: "Anxious in large groups; speech sounds"'),
    ("child.year_group", "6", '  year_group: "6"'),
    ("child.year_group", "Year 6", '  year_group: "6"'),
    ("child.preferred_name", "No", '  preferred_name: "No"'),
    ("register.entered", "2025-09-03", "  entered: 2025-09-03"),
    ("cycles[-1].plan.outcomes[o2].criteria", "Seen in 4 of 5 sessions",
     "          criteria: Seen in 4 of 5 sessions"),
    ("cycles[2].plan.outcomes[o1].text", "By July Ava will say /g/ words",
     "          text: By July Ava will say /g/ words"),
    ("people[1].contact", "01234 567890",
     '  - {name: Sam Example, role: parent, parental_responsibility: true, contact: "01234 567890"}'),
    ("cycles[-1].plan.provision[p1].minutes_per_week", "45", "          minutes_per_week: 45"),
])
def test_set_changes_one_line_and_keeps_text_as_text(example_casebook, run, field, value, line):
    before = (example_casebook / AVA).read_text()
    result = run("set", "ae-16", field, value)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"ae-16: {field} set\n"
    changes = changed_lines(before, (example_casebook / AVA).read_text())
    assert len(changes) == 1 and changes[0][1] == line
    assert run("check", AVA).exit_code == 0


def test_set_keeps_comments_and_reads_back_as_typed(example_casebook, run):
    path = example_casebook / AVA
    path.write_text(path.read_text().replace("needs:\n", "needs:  # census codes\n", 1))
    assert run("set", "ae-16", "child.year_group", "6").exit_code == 0
    assert "needs:  # census codes\n" in path.read_text()
    assert data(example_casebook)["child"]["year_group"] == "6"


def test_add_appends_to_a_list_creating_it_where_needed(casebook, run):
    assert run("new", "ab-16", "--name", "Ava Example", "--dob", "2016-05-14", "--need", "SLCN").exit_code == 0
    for line in ("My dog, Biscuit", "No", "Lego club"):
        result = run("set", "ab-16", "profile.important_to_me", "--add", line)
        assert result.exit_code == 0, result.stderr
    assert run("set", "ab-16", "profile.how_to_support_me", "--add", "Show me, then let me try").exit_code == 0
    record = data(casebook, "records/ab-16.yaml")
    assert record["profile"] == {"important_to_me": ["My dog, Biscuit", "No", "Lego club"],
                                 "how_to_support_me": ["Show me, then let me try"]}
    assert run("set", "ab-16", "profile.important_to_me[2]", "Football").exit_code == 0
    assert run("set", "ab-16", "profile.important_to_me", "--remove", "Lego club").exit_code == 0
    assert data(casebook, "records/ab-16.yaml")["profile"]["important_to_me"] == ["My dog, Biscuit", "Football"]
    assert run("check").exit_code == 0


def test_set_a_review_comment_and_next_steps_of_a_reviewed_cycle(example_casebook, run):
    assert run("set", "ts-20", "cycles[-2].review.progress[o1].text", "Now asks for help").exit_code == 0
    assert run("set", "ts-20", "cycles[-2].review.next_steps", "Share the strategies with Year 3").exit_code == 0
    review = data(example_casebook, "records/ts-20.yaml")["cycles"][-2]["review"]
    assert review["next_steps"] == "Share the strategies with Year 3"
    assert next(p for p in review["progress"] if p["outcome"] == "o1")["text"] == "Now asks for help"


def test_an_agreed_plan_changed_by_set_warns_to_tell_the_family(example_casebook, run):
    result = run("set", "ae-16", "cycles[-1].plan.outcomes[o2].criteria", "Seen in 4 of 5 sessions")
    assert result.exit_code == 0 and "agreed on 2026-09-30: tell the family" in result.stderr


@pytest.mark.parametrize("args, code, words", [
    (["needs.sumary", "x"], 2, "did you mean needs.summary"),
    (["child.yeargroup", "6"], 2, "did you mean child.year_group"),
    (["profle.important_to_me", "--add", "x"], 2, "did you mean profile"),
    (["cycles[-1].plan.outcomes[o2].critera", "x"], 2, "did you mean cycles[-1].plan.outcomes[o2].criteria"),
    (["cycles.plan", "x"], 2, "cycles is a list"),
    (["cycles[0].opened", "2026-01-01"], 2, "counted from 1"),
    (["profile.important_to_me[o1]", "x"], 2, "have no IDs"),
    (["child", "x"], 2, "group of fields"),
    (["needs.secondary", "SEMH"], 2, "--add VALUE"),
    (["register.entered", "12/09/2024"], 2, "YYYY-MM-DD"),
    (["child.setting", "primary"], 2, "early-years, school, college"),
    (["cycles[-1].plan.provision[p1].minutes_per_week", "an hour"], 2, "whole number"),
    (["views", "--add", "x"], 2, "sendcli add view"),
    (["needs.summary"], 2, "exactly one of"),
    (["needs.summary", "x", "--add", "y"], 2, "exactly one of"),
    (["cycles[5].plan.review_date", "2026-12-01"], 1, "cycles has no item 5 (it has 2)"),
    (["cycles[-1].plan.outcomes[o9].text", "x"], 1, "no item 'o9': o1, o2"),
    (["status", "closed"], 1, "sendcli cycle open"),
    (["cycles[-1].stage", "review"], 1, "cycle advance"),
    (["ehc.final_plan", "2026-01-01"], 1, "sendcli ehc EVENT"),
    (["id", "ax-16"], 1, "file name"),
    (["cycles[-1].from_cycle", "1"], 1, "sendcli cycle review"),
    (["cycles[-1].plan.outcomes[o1].carried_from", "1/o1"], 1, "sendcli cycle review"),
    (["child.name", ""], 1, "invalid"),
    (["child.date_of_birth", "2030-01-01"], 1, "invalid"),
    (["profile.important_to_me", "--remove", "Not there"], 1, "holds no 'Not there'"),
])
def test_set_refusals_change_nothing(example_casebook, run, args, code, words):
    before = snapshot(example_casebook / "records")
    result = run("set", "ae-16", *args)
    assert result.exit_code == code, result.stderr
    assert words in result.stderr and "Traceback" not in result.stderr
    assert snapshot(example_casebook / "records") == before


def test_needs_are_taken_as_people_type_them(example_casebook, run):
    result = run("set", "ae-16", "needs.secondary", "--add", "dyslexia")
    assert result.exit_code == 0, result.stderr
    assert "SPLD" in result.stderr  # what was understood
    assert run("set", "ae-16", "needs.primary", "autism").exit_code == 0
    needs = data(example_casebook)["needs"]
    assert needs["primary"] == "ASD" and needs["secondary"][-1] == "SPLD"
    result = run("set", "ae-16", "needs.primary", "sleepy")
    assert result.exit_code == 2 and "not a census need code" in result.stderr
    assert run("set", "ae-16", "needs.secondary", "--remove", "spld").exit_code == 0
    assert "SPLD" not in data(example_casebook)["needs"]["secondary"]


def test_set_the_same_value_writes_nothing(example_casebook, run):
    before = snapshot(example_casebook / "records")
    result = run("set", "ae-16", "child.year_group", "5")
    assert result.exit_code == 0 and "nothing changed" in result.stdout
    assert snapshot(example_casebook / "records") == before


def test_set_refuses_an_unknown_record(example_casebook, run):
    assert run("set", "nobody", "needs.summary", "x").exit_code == 1


def test_set_commits_the_record_alone(example_casebook, run):
    git = lambda *a: subprocess.run(["git", *a], cwd=example_casebook, capture_output=True, text=True, check=True)
    git("init", "-q")
    git("-c", "user.name=T", "-c", "user.email=t@example.org", "add", ".")
    git("-c", "user.name=T", "-c", "user.email=t@example.org", "commit", "-qm", "start")
    result = run("set", "ae-16", "needs.summary", "Speech sounds", "--commit",
                 env={"GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@example.org",
                      "GIT_COMMITTER_NAME": "T", "GIT_COMMITTER_EMAIL": "t@example.org"})
    assert result.exit_code == 0, result.stderr
    assert "(committed)" in result.stdout
    assert git("log", "-1", "--format=%s").stdout.strip() == "ae-16: set needs.summary"  # the kind of change, never the value
    assert git("status", "--porcelain", "--", "records").stdout == ""


# -- the core, without files ----------------------------------------------------------------

def test_paths_name_items_by_position_from_one_by_minus_one_or_by_id():
    schema = load_schema()
    record = {"cycles": [{"number": 1, "plan": {"outcomes": [{"id": "o1", "text": "a"}]}},
                         {"number": 2, "plan": {"outcomes": [{"id": "o1", "text": "b"}, {"id": "o2", "text": "c"}]}}]}
    for text, path in [("cycles[1].plan.outcomes[o1].text", ("cycles", 0, "plan", "outcomes", 0, "text")),
                       ("cycles[-1].plan.outcomes[o2].text", ("cycles", 1, "plan", "outcomes", 1, "text")),
                       ("cycles[2].plan.outcomes[-1].text", ("cycles", 1, "plan", "outcomes", 1, "text"))]:
        spec = fields.parse_field(text, schema)
        change = fields.set_field(record, fields.SetRequest(spec, "new"))
        assert [edit.path for edit in change.edits] == [path]


def test_values_follow_the_schema():
    schema = load_schema()
    convert = lambda field, value: fields.convert_value(fields.parse_field(field, schema), value)
    assert convert("child.year_group", "6") == "6"
    assert convert("register.left", "") is None
    assert str(convert("register.entered", "2026-09-01")) == "2026-09-01"
    assert convert("people[1].parental_responsibility", "yes") is True
    assert convert("cycles[-1].plan.provision[p1].cost", "180.00") == 180.0
    assert convert("needs.summary", "0123") == "0123"
    assert isinstance(convert("register.entered", "2026-02-30"), fields.Malformed)


# -- new --------------------------------------------------------------------------------------

def test_new_writes_created_and_the_register_date_given(casebook, run):
    result = run("new", "ab-16", "--name", "Ava Example", "--dob", "2016-05-14", "--need", "SLCN",
                 "--entered", "2024-09-12")
    assert result.exit_code == 0, result.stderr
    record = data(casebook, "records/ab-16.yaml")
    assert str(record["created"]) == "2026-11-28" and str(record["register"]["entered"]) == "2024-09-12"


@pytest.mark.parametrize("args, code", [
    (["--entered", "2027-01-01"], 1), (["--entered", "2010-01-01"], 1), (["--entered", "12/09/2024"], 2),
    (["--entered", "2024-09-12", "--status", "monitoring"], 1),
])
def test_new_refuses_a_register_date_that_cannot_be(casebook, run, args, code):
    result = run("new", "ab-16", "--name", "Ava Example", "--dob", "2016-05-14", "--need", "SLCN", *args)
    assert result.exit_code == code and not (casebook / "records" / "ab-16.yaml").exists()


def test_a_provisions_local_offer_service_is_set_and_resolved(example_casebook, run):
    assert run("set", "ae-16", "cycles[-1].plan.provision[p1].local_offer", "community-slt").exit_code == 0
    provision = data(example_casebook)["cycles"][-1]["plan"]["provision"][0]
    assert provision["local_offer"] == "community-slt"
    before = snapshot(example_casebook / "records")
    result = run("set", "ae-16", "cycles[-1].plan.provision[p1].local_offer", "no-such-service")
    assert result.exit_code == 1 and "no-such-service" in result.stderr
    assert snapshot(example_casebook / "records") == before
