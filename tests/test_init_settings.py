"""``init`` writes settings a SENCO can fill in: every setting there, commented out with its default,
valid as written and valid with every setting switched on."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest

from conftest import REPO, TODAY
from sendcli.store.checking import check_config_bytes
from sendcli.store.schemas import LOCAL_OFFER_SCHEMA

CONFIG_SCHEMA = json.loads((REPO / "schemas" / "config.schema.json").read_text(encoding="utf-8"))


def uncomment_every_setting(text: str) -> str:
    """Remove the "#" in front of every commented-out setting (``#key: value``, ``#  - item``), as the file says."""
    return re.sub(r"^#(?=[^ !\n]|  )", "", text, flags=re.MULTILINE)


def problems(raw: bytes, name: str = "sendcli.yaml") -> list[str]:
    checked = check_config_bytes(raw, name, *([LOCAL_OFFER_SCHEMA] if name == "local-offer.yaml" else []))
    return [f"{p.line}: {p.severity}: {p.field}: {p.message}" for p in checked.problems if p.severity == "error"]


@pytest.fixture
def settings_file(casebook):
    return casebook / "sendcli.yaml"


def test_the_settings_as_written_are_valid(settings_file, run):
    assert problems(settings_file.read_bytes()) == []
    assert run("check").exit_code == 0


def test_every_setting_is_there_commented_out(settings_file):
    text = settings_file.read_text(encoding="utf-8")
    commented = set(re.findall(r"^#([a-z_]+):", text, re.MULTILINE))
    written = set(re.findall(r"^([a-z_]+):", text, re.MULTILINE))
    assert written == {"name"}, "only the name is set; everything else is left to the defaults"
    missing = [key for key in CONFIG_SCHEMA["properties"] if key not in commented | written]
    assert not missing, f"settings of the schema that init's sendcli.yaml does not offer: {missing}"


def test_each_setting_has_a_line_saying_what_it_does(settings_file):
    lines = settings_file.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines):
        if re.match(r"^#?[a-z_]+:", line):
            assert lines[number - 1].startswith("# "), f"no note above {line!r}"


def test_uncommenting_every_setting_gives_valid_settings(settings_file, casebook, run):
    text = uncomment_every_setting(settings_file.read_text(encoding="utf-8"))
    assert not re.search(r"^#(\S|  )", text, re.MULTILINE)
    assert problems(text.encode()) == []
    settings_file.write_text(text, encoding="utf-8")
    result = run("check")
    assert result.exit_code == 0, result.stdout + result.stderr
    # The closures fit this school year: no "term dates not set" warning.
    assert "closures" not in result.stdout


def test_the_defaults_shown_are_the_defaults_used(settings_file, casebook, run):
    from sendcli.core.deadlines import DeadlineSettings

    on = json.loads(json.dumps(_loaded(uncomment_every_setting(settings_file.read_text(encoding="utf-8")))))
    defaults = DeadlineSettings.from_settings({})
    shown = DeadlineSettings.from_settings({key: value for key, value in on.items() if key != "closures"})
    assert shown == defaults


def _loaded(text: str) -> dict:
    checked = check_config_bytes(text.encode(), "sendcli.yaml")
    assert isinstance(checked.data, dict)
    return checked.data


@pytest.mark.parametrize("today, autumn", [("2026-11-28", 2026), ("2027-03-01", 2026), ("2027-09-01", 2027)])
def test_the_closures_have_the_shape_of_this_school_year(tmp_path, run, today, autumn):
    run("init", str(tmp_path / "cb"), env={"SENDCLI_TODAY": today})
    text = uncomment_every_setting((tmp_path / "cb" / "sendcli.yaml").read_text(encoding="utf-8"))
    closures = _loaded(text)["closures"]
    starts = [date.fromisoformat(str(item["from"])) for item in closures]
    assert date(autumn, 9, 1) <= min(starts) and max(starts) < date(autumn + 1, 9, 1)
    names = [item["name"] for item in closures]
    assert names[:2] == ["October half term", "Christmas"] and "Easter" in names
    assert all(date.fromisoformat(str(item["from"])) <= date.fromisoformat(str(item["to"])) for item in closures)
    assert all(start.weekday() == 0 for start, item in zip(starts, closures) if "half term" in item["name"])


def test_the_local_offer_file_is_valid_as_written_and_uncommented(casebook, run):
    path = casebook / "local-offer.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count("\n# ") >= 3, "the file says what it is for"
    assert problems(path.read_bytes(), "local-offer.yaml") == []
    example = uncomment_every_setting(text).replace("services: []", "services:")
    checked = check_config_bytes(example.encode(), "local-offer.yaml", LOCAL_OFFER_SCHEMA)
    assert [p for p in checked.problems if p.severity == "error"] == []
    assert checked.data["services"][0]["id"] == "community-slt"
    path.write_text(example, encoding="utf-8")
    assert run("check").exit_code == 0


def test_init_today_comes_from_sendcli_today(tmp_path, run):
    run("init", str(tmp_path / "cb"), env={"SENDCLI_TODAY": TODAY})
    assert "2026-27 school year" in (tmp_path / "cb" / "sendcli.yaml").read_text(encoding="utf-8")
