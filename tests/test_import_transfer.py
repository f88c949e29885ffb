"""Adoption: importing an MIS export of the SEN register; a transfer pack when a child moves on."""

import hashlib
import json
import stat

import pytest

from conftest import REPO, snapshot
from sendcli.loading import load_yaml

IMPORTS = REPO / "tests" / "data" / "import"


def record(casebook, record_id):
    return load_yaml((casebook / "records" / f"{record_id}.yaml").read_bytes()).data


@pytest.mark.parametrize("fixture, expected", [
    ("sims-bom.csv", {"001201": ("Ava Example", "2016-05-14", "sen-support", "SLCN", ["SEMH"], "5", "2024-09-12"),
                      "001202": ("Ben Sample", "2015-03-02", "ehc-plan", "ASD", [], "6", "2022-10-01"),
                      "001203": ("Cara Placeholder", "2019-07-30", "sen-support", "NSA", [], "R", "2026-01-15")}),
    ("arbor-cp1252.csv", {"zt-14": ("Zoë Testcase", "2014-11-03", "sen-support", "SPLD", [], "7", "2025-09-05"),
                          "om-13": ("Ollie Mockworth", "2013-01-21", "ehc-plan", "SEMH", ["SLCN"], "8",
                                        "2021-10-10")}),
    ("census-legacy.csv", {"ad-16": ("Ali Dummy", "2016-05-10", "sen-support", "MLD", [], "4", "2022-09-04"),
                           "bs-14": ("Bea Sampleton", "2014-09-18", "ehc-plan", "PD", ["VI"], "6", "2017-09-22"),
                           "cf-17": ("Cy Fictional", "2017-03-06", "monitoring", None, [], "3", None)}),
])
def test_each_export_imports_as_expected(casebook, run, fixture, expected):
    result = run("import", str(IMPORTS / fixture))
    assert result.exit_code == 0, result.stderr
    assert sorted(p.stem for p in (casebook / "records").glob("*.yaml")) == sorted(expected)
    for record_id, (name, born, status, primary, secondary, year, entered) in expected.items():
        data = record(casebook, record_id)
        assert (data["child"]["name"], data["child"]["date_of_birth"], data["status"]) == (name, born, status)
        assert (data["needs"]["primary"], data["needs"]["secondary"], data["child"]["year_group"]) == \
            (primary, secondary, year)
        assert data["register"]["entered"] == entered
        assert stat.S_IMODE((casebook / "records" / f"{record_id}.yaml").stat().st_mode) == 0o600
    assert run("check").exit_code == 0


def test_the_upn_is_kept_but_never_in_an_id(casebook, run):
    assert run("import", str(IMPORTS / "arbor-cp1252.csv")).exit_code == 0
    child = record(casebook, "zt-14")["child"]
    assert child["upn"] == "A123456789012" and "admission_number" not in child
    assert not any("123456789012" in p.name for p in (casebook / "records").iterdir())


def test_the_layout_taken_is_said(casebook, run):
    assert "read with the sims layout" in run("import", str(IMPORTS / "sims-bom.csv"), "--dry-run").stderr
    assert "Windows-1252" in run("import", str(IMPORTS / "arbor-cp1252.csv"), "--dry-run").stderr


def test_legacy_codes_are_mapped_with_a_warning(casebook, run):
    result = run("import", str(IMPORTS / "census-legacy.csv"))
    assert "row 2, column 'SEN Provision': warning: legacy SEN code 'A'" in result.stderr
    assert "row 3, column 'SEN Provision': warning: legacy SEN code 'S'" in result.stderr


def test_bad_rows_are_reported_by_row_and_column_and_good_rows_imported(casebook, run):
    result = run("import", str(IMPORTS / "bad-rows.csv"))
    assert result.exit_code == 1
    for line in ("row 3, column 'DOB': error: '31/02/2016' is not a date",
                 "row 4, column 'Primary Need': error: 'XYZ' is not a census need code",
                 "row 5, column 'Legal Surname': error: the pupil's name is missing",
                 "row 6, column 'SEN Status': error: the SEN status is missing",
                 "row 7, column 'DOB': error: the date of birth 01/03/2030 is in the future"):
        assert line in result.stderr
    assert sorted(p.stem for p in (casebook / "records").glob("*.yaml")) == ["002001", "002007"]


def test_all_or_nothing_writes_nothing_when_a_row_is_bad(casebook, run):
    before = snapshot(casebook)
    result = run("import", str(IMPORTS / "bad-rows.csv"), "--all-or-nothing")
    assert result.exit_code == 1 and "nothing written" in result.stderr
    assert snapshot(casebook) == before


def test_dry_run_shows_the_table_and_writes_nothing(casebook, run):
    before = snapshot(casebook)
    result = run("import", str(IMPORTS / "sims-bom.csv"), "--dry-run")
    assert result.exit_code == 0 and result.stdout.count("would create") == 3
    assert snapshot(casebook) == before


def test_duplicates_and_pupils_already_there_are_skipped_and_reruns_create_nothing(example_casebook, run):
    result = run("import", str(IMPORTS / "duplicates.csv"))
    assert result.exit_code == 0
    assert "row 3: skipped: the same pupil as row 2" in result.stderr
    assert "row 4: skipped: already in the casebook as ae-16" in result.stderr
    before = snapshot(example_casebook)
    again = run("import", str(IMPORTS / "duplicates.csv"))
    assert again.exit_code == 0 and "0 created, 4 skipped" in again.stderr
    assert snapshot(example_casebook) == before


def test_any_layout_through_a_map(casebook, run):
    result = run("import", str(IMPORTS / "custom.csv"), "--map", str(IMPORTS / "custom-map.yaml"))
    assert result.exit_code == 0, result.stderr
    assert record(casebook, "hm-18")["status"] == "ehc-plan"
    assert record(casebook, "gm-17")["child"]["year_group"] == "3"


@pytest.mark.parametrize("args, code, words", [
    (["sims-bom.csv", "--preset", "arbor"], 1, "preset 'arbor' names columns the file does not have"),
    (["custom.csv"], 1, "no column for date of birth"),
    (["sims-bom.csv", "--preset", "mis9000"], 2, "mis9000"),
    (["nothing-here.csv"], 1, "does not exist"),
    (["sims-bom.csv", "--map", "custom-map.yaml", "--preset", "sims"], 2, "not both"),
])
def test_import_refusals(casebook, run, args, code, words):
    result = run("import", *[str(IMPORTS / a) if a.endswith((".csv", ".yaml")) else a for a in args])
    assert result.exit_code == code and words in result.stderr and "Traceback" not in result.stderr


def test_a_bad_map_file_is_a_usage_error(casebook, run, tmp_path):
    bad = tmp_path / "map.yaml"
    bad.write_text("naem: Pupil\n")
    result = run("import", str(IMPORTS / "custom.csv"), "--map", str(bad))
    assert result.exit_code == 2 and "unknown field(s) naem" in result.stderr


def test_an_empty_csv(casebook, run, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("\n\n")
    assert run("import", str(empty)).exit_code == 1


# -- transfer ------------------------------------------------------------------------------------

def test_transfer_pack_with_a_manifest_that_checks_out(example_casebook, run, tmp_path):
    assert run("close", "ae-16", "--reason", "moved", env={"SENDCLI_TODAY": "2026-11-20"}).exit_code == 0
    due = json.loads(run("due", "--all", "--format", "json").stdout)["items"]
    assert any(i["record"] == "ae-16" and i["kind"] == "file-transfer" for i in due)
    out = tmp_path / "pack"
    result = run("transfer", "ae-16", "--output", str(out))
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["ae-16.plan.html", "ae-16.profile.html",
                                                     "ae-16.review.html", "ae-16.yaml", "manifest.json"]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["record"] == "ae-16" and manifest["made"] == "2026-11-28"
    for entry in manifest["files"]:
        data = (out / entry["name"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"] and len(data) == entry["bytes"]
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in out.iterdir())
    assert record(example_casebook, "ae-16")["closed"]["transferred"] == "2026-11-28"
    due = json.loads(run("due", "--all", "--format", "json").stdout)["items"]
    assert not any(i["kind"] == "file-transfer" for i in due)


def test_transfer_never_overwrites_and_notes_what_is_missing(example_casebook, run, tmp_path):
    out = tmp_path / "pack"
    result = run("transfer", "is-23", "--output", str(out))
    assert result.exit_code == 0 and "no review is recorded yet" in result.stderr
    assert "is-23.review.html" not in [p.name for p in out.iterdir()]
    assert json.loads((out / "manifest.json").read_text())["notes"]
    before = snapshot(out)
    again = run("transfer", "is-23", "--output", str(out))
    assert again.exit_code == 1 and "already holds" in again.stderr
    assert snapshot(out) == before


def test_file_transfer_deadline_counts_school_days_around_closures(example_casebook, run):
    settings = example_casebook / "sendcli.yaml"
    settings.write_text(settings.read_text() + "closures:\n  - {from: 2026-12-21, to: 2027-01-01, name: Christmas}\n")
    assert run("close", "kt-12", "--reason", "moved", env={"SENDCLI_TODAY": "2026-12-18"}).exit_code == 0
    items = json.loads(run("due", "--all", "--format", "json", "--kind", "file-transfer",
                           env={"SENDCLI_TODAY": "2026-12-18"}).stdout)["items"]
    assert [(i["record"], i["due"]) for i in items] == [("kt-12", "2027-01-22")]


def test_a_broken_map_file_is_refused_with_its_line(casebook, run, tmp_path):
    bad = tmp_path / "map.yaml"
    bad.write_text("name: Pupil\nname: Born\n")
    result = run("import", str(IMPORTS / "custom.csv"), "--map", str(bad))
    assert result.exit_code == 2 and f"{bad}:2:1: duplicate key 'name'" in result.stderr
