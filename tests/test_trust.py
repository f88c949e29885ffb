"""Trust (issue 14): a record's log is its own; IDs carry no name; redaction shows the ID
alone; stats cannot be undone by subtraction."""

import subprocess
from datetime import date

import pytest

from sendcli.store.loading import load_yaml


def git(root, *args):
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=True).stdout


@pytest.fixture
def repo(casebook, run):
    git(casebook, "init", "-q")
    git(casebook, "config", "user.name", "Test SENCO")
    git(casebook, "config", "user.email", "senco@example.org")
    assert run("new", "ab-16", "--name", "Ava Example", "--dob", "2016-05-14", "--need", "SLCN").exit_code == 0
    git(casebook, "add", "-A")
    git(casebook, "commit", "-qm", "ab-16: new record")
    return casebook


# -- 14.1 log: this record's commits and no other's ------------------------------------------------

def test_log_never_shows_a_near_identical_siblings_history(repo, run):
    records = repo / "records"
    git(repo, "commit", "-q", "--allow-empty", "-m", "nothing to do with any record")
    (records / "ab-16.yaml").write_text((records / "ab-16.yaml").read_text().replace("SLCN", "SEMH"))
    git(repo, "commit", "-qam", "ab-16: need changed")
    # A sibling made as a copy of ab-16, differing only in its ID: git's copy detection takes it for a copy.
    (records / "cd-16.yaml").write_text((records / "ab-16.yaml").read_text().replace("ab-16", "cd-16"))
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "cd-16: new record")
    result = run("log", "cd-16")
    assert result.exit_code == 0, result.stderr
    assert [line.split("  ")[-1] for line in result.stdout.splitlines()] == ["cd-16: new record"]
    own = [line.split("  ")[-1] for line in run("log", "ab-16").stdout.splitlines()]
    assert own == ["ab-16: need changed", "ab-16: new record"]


def test_log_follows_the_record_through_a_rename(repo, run):
    records = repo / "records"
    (records / "ab-16.yaml").write_text((records / "ab-16.yaml").read_text().replace("SLCN", "MLD"))
    git(repo, "commit", "-qam", "ab-16: need changed")
    text = (records / "ab-16.yaml").read_text().replace("id: ab-16", "id: '001204'")
    git(repo, "mv", "records/ab-16.yaml", "records/001204.yaml")
    (records / "001204.yaml").write_text(text)
    # A sibling added in the same commit must not become part of the story either.
    (records / "ef-15.yaml").write_text(text.replace("'001204'", "ef-15").replace("Ava Example", "Eve Fiction")
                                        .replace("2016-05-14", "2015-06-01"))
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "001204: renamed from ab-16")
    messages = [line.split("  ")[-1] for line in run("log", "001204").stdout.splitlines()]
    assert messages == ["001204: renamed from ab-16", "ab-16: need changed", "ab-16: new record"]
    assert [line.split("  ")[-1] for line in run("log", "ef-15").stdout.splitlines()] == \
        ["001204: renamed from ab-16"]


def test_log_of_an_uncommitted_record_says_so(repo, run):
    assert run("new", "gh-17", "--name", "Gus Madeup", "--dob", "2017-04-04", "--need", "MLD").exit_code == 0
    result = run("log", "gh-17")
    assert result.exit_code == 0 and "has not been committed yet" in result.stderr


# -- 14.3 stats: no suppressed count can be worked out by subtraction ------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from sendcli.core.reports import HIDDEN, stats, suppress_group  # noqa: E402


def test_the_reported_case_can_no_longer_be_undone():
    """Total 9, SEN support 8, EHC plan <5 gave EHC plan = 1."""
    assert suppress_group({"sen-support": 8, "ehc-plan": 1}, 9) == {"sen-support": HIDDEN, "ehc-plan": "<5"}


def test_further_cells_are_hidden_smallest_first_until_they_hide_five():
    counts = {"SLCN": 20, "ASD": 9, "MLD": 6, "SEMH": 1, "PD": 1}
    # 1 + 1 = 2 hidden is not enough; the smallest shown (6) brings it to 8.
    assert suppress_group(counts, 37) == {"SLCN": 20, "ASD": 9, "MLD": HIDDEN, "SEMH": "<5", "PD": "<5"}
    assert suppress_group({"SLCN": 3, "ASD": 4, "MLD": 10}, 17) == {"SLCN": "<5", "ASD": "<5", "MLD": 10}
    assert suppress_group({"SLCN": 12, "ASD": 5}, 17) == {"SLCN": 12, "ASD": 5}


@settings(max_examples=400, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=12))
def test_no_hidden_count_is_recoverable_by_subtraction(cells):
    counts = {f"c{index}": count for index, count in enumerate(cells)}
    total = sum(cells)
    shown = suppress_group(counts, total)
    assert all(shown[key] == count for key, count in counts.items() if isinstance(shown.get(key), int))
    assert all(count >= 5 for count in shown.values() if isinstance(count, int))
    hidden = [key for key, value in shown.items() if not isinstance(value, int)]
    if total < 5:
        return  # the total is itself shown as <5: there is nothing to subtract from
    # A reader knows the total and every shown count: subtraction gives only the sum of the hidden ones.
    assert len(hidden) != 1
    if hidden:
        assert sum(counts[key] for key in hidden) >= 5
        assert total - sum(v for v in shown.values() if isinstance(v, int)) == sum(counts[k] for k in hidden)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["sen-support", "ehc-plan", "monitoring"]),
                          st.sampled_from(["SLCN", "ASD", "MLD", "SEMH", "PD", "VI"]),
                          st.sampled_from(["R", "1", "2", "5", "9"])), max_size=60))
def test_every_group_of_stats_is_safe(children):
    records = [{"id": f"r{n}", "status": status, "needs": {"primary": need}, "child": {"year_group": year}}
               for n, (status, need, year) in enumerate(children)]
    figures = stats(records, date(2026, 11, 28)).as_json()
    counted = sum(1 for status, _, _ in children if status != "monitoring")
    for group in ("by_status", "by_provision_code", "by_primary_need", "by_area", "by_year_group"):
        values = list(figures[group].values())
        hidden = [v for v in values if not isinstance(v, int)]
        if counted >= 5:
            assert len(hidden) != 1, (group, figures[group])


# -- 14.2 IDs are pseudonyms: check warns on an ID that carries a name ---------------------------

from sendcli.core.rules import RuleContext, check_id_carries_no_name  # noqa: E402


@pytest.mark.parametrize("record_id, name, preferred, warned", [
    ("jack-f17", "Jack Fictional", None, True),        # the first name
    ("jf-17", "Jack Fictional", None, False),           # initials and year of birth
    ("fictional-j17", "Jack Fictional", None, True),    # the surname
    ("zoe-t14", "Zoë Testcase", None, True),            # accents folded
    ("bx-15", "Robert Example", "Bob", False),
    ("bob-e15", "Robert Example", "Bob", True),         # the preferred name
    ("ab-ell16", "Ann Bell", None, False),              # a name only across a hyphen is not carried
    ("al-16", "Al Lee", None, False),                   # names under 3 letters are not looked for
    ("001204", "Ava Example", None, False),
])
def test_check_warns_where_an_id_carries_the_childs_name(record_id, name, preferred, warned):
    child = {"name": name, **({"preferred_name": preferred} if preferred else {})}
    findings = list(check_id_carries_no_name({"id": record_id, "child": child}, RuleContext(date(2026, 11, 28))))
    assert bool(findings) == warned
    assert all(f.severity == "warning" and name.split()[0] not in f.message for f in findings)


def test_check_reports_the_named_id_with_its_line(casebook, run):
    assert run("new", "ava-e16", "--name", "Ava Example", "--dob", "2016-05-14", "--need", "SLCN").exit_code == 0
    result = run("check")
    assert result.exit_code == 0  # a warning: the record says what is, the ID is the school's to change
    assert "records/ava-e16.yaml:3:5: warning: id: the ID 'ava-e16' contains the child's name" in result.stdout
    assert run("check", "--strict").exit_code == 1


def test_the_shipped_casebook_has_pseudonymous_ids(run, monkeypatch):
    from conftest import EXAMPLES

    monkeypatch.chdir(EXAMPLES)
    assert run("check", "--strict").exit_code == 0


# -- 14.2 --redact shows the ID and nothing else of the child ----------------------------------------

def test_redact_shows_the_id_alone_even_in_free_text():
    from sendcli.core.reports import redact

    record = {"id": "ab-16", "child": {"name": "Ava Example", "preferred_name": "Ava", "date_of_birth": "2016-05-14",
                                       "admission_number": "001201", "upn": "A12345678901B"},
              "people": [{"name": "Sam Example", "role": "parent", "contact": "sam@example.org"},
                         {"name": "NHS Speech and Language Therapy", "role": "speech-therapist"}],
              "views": [{"from": "parent", "by": "Sam Example", "text": "Ava loves audiobooks; Sam Example agrees."}],
              "cycles": [{"plan": {"outcomes": [{"text": "Ava will read 60 words a minute with Speech and "
                                                         "Language support; she will read aloud"}]}}]}
    safe = redact(record)
    assert safe["child"]["name"] == "ab-16" and safe["child"]["date_of_birth"] is None
    assert not {"preferred_name", "admission_number", "upn"} & set(safe["child"])
    assert safe["views"][0]["text"] == "ab-16 loves audiobooks; parent agrees."
    assert safe["cycles"][0]["plan"]["outcomes"][0]["text"].startswith("ab-16 will read 60 words a minute with "
                                                                        "Speech and Language support")
    assert [p["name"] for p in safe["people"]] == ["parent", "speech-therapist"]
    assert record["child"]["name"] == "Ava Example"  # a copy: the record itself is untouched


@pytest.mark.parametrize("fmt", ["text", "csv", "json", "ics"])
def test_due_redacted_shows_ids_and_no_names(example_casebook, run, fmt):
    result = run("due", "--all", "--redact", "--format", fmt)
    for name in ("Ava", "Kai", "Testington", "Ivy", "Sample", "A.E."):
        assert name not in result.stdout
    assert "ae-16" in result.stdout


def test_an_area_does_not_give_away_a_need_hidden_in_it():
    """Communication and interaction 12 = SLCN 10 + ASD <5 would give ASD = 2."""
    children = [("sen-support", "SLCN", "5")] * 10 + [("sen-support", "ASD", "5")] * 2 + \
        [("sen-support", "MLD", "5")] * 9 + [("sen-support", "SPLD", "5")] * 8
    records = [{"id": f"r{n}", "status": s, "needs": {"primary": need}, "child": {"year_group": y}}
               for n, (s, need, y) in enumerate(children)]
    figures = stats(records, date(2026, 11, 28)).as_json()
    assert figures["by_primary_need"] == {"SLCN": 10, "ASD": "<5", "SPLD": HIDDEN, "MLD": 9}
    assert not isinstance(figures["by_area"]["communication-and-interaction"], int)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["sen-support", "ehc-plan"]),
                          st.sampled_from(["SLCN", "ASD", "MLD", "SPLD", "SEMH", "PD", "VI", "OTH", "NSA"])),
                max_size=80))
def test_no_shown_area_gives_away_a_need(children):
    from sendcli.core.codes import area_of_need

    records = [{"id": f"r{n}", "status": s, "needs": {"primary": need}, "child": {}}
               for n, (s, need) in enumerate(children)]
    figures = stats(records, date(2026, 11, 28)).as_json()
    counts = {need: sum(1 for _, n in children if n == need) for need in figures["by_primary_need"]}
    for area, shown in figures["by_area"].items():
        if not isinstance(shown, int):
            continue
        hidden = [need for need, cell in figures["by_primary_need"].items()
                  if area_of_need(need) == area and not isinstance(cell, int)]
        assert not hidden or (len(hidden) >= 2 and sum(counts[n] for n in hidden) >= 5), (area, figures)


def test_log_in_a_repository_with_no_commit_yet(casebook, run):
    git(casebook, "init", "-q")
    assert run("new", "ab-16", "--name", "Ava Example", "--dob", "2016-05-14", "--need", "SLCN").exit_code == 0
    result = run("log", "ab-16")
    assert result.exit_code == 0 and "has not been committed yet" in result.stderr
    missing = run("log", "zz-01")
    assert missing.exit_code == 1 and "no record 'zz-01'" in missing.stderr and "git log failed" not in missing.stderr
