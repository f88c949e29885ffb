"""``sendcli edit`` after a refused save: the kept copy is offered back, and problems name its lines."""

from __future__ import annotations

import sys
import textwrap

import pytest

from conftest import snapshot
from sendcli.store.loading import load_yaml


def data(casebook, record_id):
    return load_yaml((casebook / "records" / f"{record_id}.yaml").read_bytes()).data


@pytest.fixture
def ava(casebook, run):
    assert run("new", "ae-16", "--name", "Ava Example", "--dob", "2016-05-14", "--need", "SLCN",
               env={"SENDCLI_TODAY": "2026-09-01"}).exit_code == 0
    return casebook


def editor(tmp_path, *replacements):
    """An editor that makes each (old, new) replacement in the file it is given."""
    script = tmp_path / f"editor-{abs(hash(replacements))}.py"
    script.write_text(textwrap.dedent(f"""\
        import sys
        path = sys.argv[1]
        text = open(path).read()
        for old, new in {list(replacements)!r}:
            text = text.replace(old, new)
        open(path, "w").write(text)
        """))
    return {"EDITOR": f"{sys.executable} {script}", "VISUAL": ""}


def kept_copies(casebook):
    return sorted((casebook / ".sendcli" / "edit").glob("*.yaml"))


@pytest.fixture
def refused(ava, run, tmp_path):
    """A save refused: the name changed (wanted) and the setting broken (the mistake)."""
    result = run("edit", "ae-16", env=editor(tmp_path, ("name: Ava Example", "name: Ava Edited"),
                                              ("setting: school", "setting: home")))
    assert result.exit_code == 1 and "offers to resume it" in result.stderr
    [copy] = kept_copies(ava)
    return copy


def test_the_problems_of_a_refused_save_name_the_copy_and_its_lines(ava, refused, run, tmp_path):
    result = run("edit", "ae-16", "--resume", env=editor(tmp_path, ("setting: home", "setting: hme")))
    name = f".sendcli/edit/{refused.name}"
    assert result.exit_code == 1
    assert f"{name}:9:12: error: child.setting: 'hme'" in result.stderr
    assert "records/ae-16.yaml:" not in result.stderr


def test_resume_edits_the_kept_copy_and_saves_the_earlier_work(ava, refused, run, tmp_path):
    # Only the mistake is fixed this time: the name changed in the first session is kept.
    result = run("edit", "ae-16", "--resume", env=editor(tmp_path, ("setting: home", "setting: school")))
    assert result.exit_code == 0, result.stderr
    assert data(ava, "ae-16")["child"]["name"] == "Ava Edited"
    assert not list((ava / ".sendcli" / "edit").iterdir()), "nothing is left behind once saved"


def test_at_a_terminal_the_kept_copy_is_offered(ava, refused, run, tmp_path, monkeypatch):
    monkeypatch.setattr("sendcli.cli.history._interactive", lambda: True)
    result = run("edit", "ae-16", env=editor(tmp_path, ("setting: home", "setting: school")), input="y\n")
    assert result.exit_code == 0, result.stderr
    assert "Resume editing it?" in result.stderr and f".sendcli/edit/{refused.name}" in result.stderr
    assert data(ava, "ae-16")["child"]["name"] == "Ava Edited"


def test_declining_the_offer_starts_from_the_record(ava, refused, run, tmp_path, monkeypatch):
    monkeypatch.setattr("sendcli.cli.history._interactive", lambda: True)
    result = run("edit", "ae-16", env=editor(tmp_path, ("name: Ava Example", "name: Ava Fresh")), input="n\n")
    assert result.exit_code == 0, result.stderr
    assert data(ava, "ae-16")["child"]["name"] == "Ava Fresh"
    assert refused.exists(), "the declined copy stays, to be resumed or deleted later"


def test_without_a_terminal_it_starts_from_the_record_and_says_so(ava, refused, run, tmp_path):
    result = run("edit", "ae-16", env=editor(tmp_path, ("name: Ava Example", "name: Ava Fresh")))
    assert result.exit_code == 0
    assert f"kept at .sendcli/edit/{refused.name}" in result.stderr and "--resume" in result.stderr
    assert data(ava, "ae-16")["child"]["name"] == "Ava Fresh"


def test_a_copy_made_from_an_older_record_is_never_resumed(ava, refused, run, tmp_path):
    assert run("add", "view", "ae-16", "--from", "child", "--text", "Since then").exit_code == 0
    before = snapshot(ava / "records")
    result = run("edit", "ae-16", "--resume", env=editor(tmp_path, ("setting: home", "setting: school")))
    assert result.exit_code == 1 and "has changed since" in result.stderr
    assert snapshot(ava / "records") == before and refused.exists()
    # Without --resume: the record as it is now, and a word about the old copy.
    result = run("edit", "ae-16", env=editor(tmp_path, ("name: Ava Example", "name: Ava Now")))
    assert result.exit_code == 0 and "older version" in result.stderr
    record = data(ava, "ae-16")
    assert record["child"]["name"] == "Ava Now" and record["views"][-1]["text"] == "Since then"


def test_resume_without_a_kept_copy_is_refused(ava, run, tmp_path):
    result = run("edit", "ae-16", "--resume", env=editor(tmp_path, ("a", "a")))
    assert result.exit_code == 1 and "no kept copy" in result.stderr


def test_an_editor_that_fails_keeps_the_copy_to_resume(ava, run, tmp_path):
    script = tmp_path / "fails.py"
    script.write_text("import sys\nopen(sys.argv[1], 'a').write('# half done\\n')\nsys.exit(3)\n")
    result = run("edit", "ae-16", env={"EDITOR": f"{sys.executable} {script}", "VISUAL": ""})
    assert result.exit_code == 1 and "offers to resume it" in result.stderr
    [copy] = kept_copies(ava)
    assert copy.read_text().endswith("# half done\n")
    result = run("edit", "ae-16", "--resume", env=editor(tmp_path, ("name: Ava Example", "name: Ava Done")))
    assert result.exit_code == 0
    text = (ava / "records" / "ae-16.yaml").read_text()
    assert "# half done" in text and "Ava Done" in text


def test_a_kept_copy_of_another_record_is_not_offered(ava, refused, run, tmp_path):
    assert run("new", "ae-1", "--name", "Al Example", "--dob", "2016-05-14", "--need", "SLCN").exit_code == 0
    result = run("edit", "ae-1", "--resume", env=editor(tmp_path, ("a", "a")))
    assert result.exit_code == 1 and "no kept copy" in result.stderr
