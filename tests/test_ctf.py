"""The Common Transfer File import: a corpus of fictional CTFs of two versions, what each makes, and
the hostile or broken files refused with nothing written."""

from __future__ import annotations

import pytest

from conftest import REPO, snapshot
from sendcli.store.loading import load_yaml

CTF = REPO / "tests" / "data" / "ctf"


def records(root) -> dict[str, dict]:
    return {path.stem: load_yaml(path.read_bytes()).data for path in sorted((root / "records").glob("*.yaml"))}


def test_version_18_file_makes_a_record_for_each_pupil_with_sen_history(casebook, run):
    result = run("import", str(CTF / "ctf-v18.xml"), "--format", "ctf")
    assert result.exit_code == 0, result.stderr
    made = records(casebook)
    assert sorted(made) == ["js-15", "ke-15"]
    kit = made["ke-15"]
    # Ranked needs: rank 1 is the primary need, whatever the file's order.
    assert kit["status"] == "sen-support" and kit["needs"] == {"primary": "SPLD", "secondary": ["SEMH"]}
    assert kit["register"]["entered"] == "2023-09-06" and kit["created"] == "2026-11-28"
    assert kit["child"]["upn"] == "A999000000011" and kit["child"]["year_group"] == "6"
    jo = made["js-15"]
    # The latest provision decides: K then E is an EHC plan; on the register since the K began.
    assert jo["status"] == "ehc-plan" and jo["needs"]["primary"] == "ASD"
    assert jo["register"]["entered"] == "2021-01-11"
    assert jo["ehc"]["existing_plan"]["issued"] == "2024-03-04"
    assert "version 18.0" in result.stderr
    assert "pupil 3: not imported: no SEN history" in result.stderr
    assert "the EHC plan's date is taken from the start of the E provision" in result.stderr
    assert "2 created, 0 skipped, 0 bad" in result.stderr
    assert run("check").exit_code == 0


def test_version_24_file_n_is_monitoring_and_the_admission_number_is_the_id(casebook, run):
    result = run("import", str(CTF / "ctf-v24.xml"), "--format", "ctf")
    assert result.exit_code == 0, result.stderr
    made = records(casebook)
    assert sorted(made) == ["7001", "am-14"]
    remy = made["7001"]
    # The latest provision is N: watched, not on the register, keeping the need it had.
    assert remy["status"] == "monitoring" and remy["register"]["entered"] is None
    assert remy["needs"]["primary"] == "SLCN" and remy["child"]["admission_number"] == "7001"
    ada = made["am-14"]
    # Back on SEN support after an N: on the register from the latest K, not the first.
    assert ada["status"] == "sen-support" and ada["register"]["entered"] == "2025-09-08"
    assert ada["needs"]["primary"] == "NSA"
    assert "version 24.0" in result.stderr


def test_the_upn_is_kept_in_the_record_never_in_an_id_or_file_name(casebook, run):
    run("import", str(CTF / "ctf-v18.xml"), "--format", "ctf")
    for path in (casebook / "records").glob("*.yaml"):
        assert "A999" not in path.name and "A999" in path.read_text()


def test_reimporting_creates_nothing_twice_and_keeps_what_the_senco_wrote(casebook, run):
    assert run("import", str(CTF / "ctf-v18.xml"), "--format", "ctf").exit_code == 0
    path = casebook / "records" / "ke-15.yaml"
    path.write_text(path.read_text().replace("primary: SPLD", "primary: SPLD  # confirmed by the SENCO"))
    before = snapshot(casebook)
    again = run("import", str(CTF / "ctf-v18.xml"), "--format", "ctf")
    assert again.exit_code == 0 and "0 created, 2 skipped" in again.stderr
    # Matched by name and date of birth when the file has no UPN for the pupil.
    no_upn = run("import", str(CTF / "reimport-no-upn.xml"), "--format", "ctf")
    assert no_upn.exit_code == 0 and "0 created, 2 skipped" in no_upn.stderr
    assert "already in the casebook as ke-15" in no_upn.stderr
    assert snapshot(casebook) == before


def test_a_pupil_already_imported_from_the_csv_is_matched_by_upn(casebook, run, tmp_path):
    csv = tmp_path / "register.csv"
    csv.write_text("Adno,UPN,Legal Surname,Legal Forename,DOB,SEN Status,Primary Need\n"
                   "5001,A999000000022,Sampleton,Joseph,02/10/2015,K,ASD\n")
    assert run("import", str(csv)).exit_code == 0
    result = run("import", str(CTF / "ctf-v18.xml"), "--format", "ctf")
    assert "already in the casebook as 5001" in result.stderr and sorted(records(casebook)) == ["5001", "ke-15"]


def test_dry_run_writes_nothing(casebook, run):
    before = snapshot(casebook)
    result = run("import", str(CTF / "ctf-v18.xml"), "--format", "ctf", "--dry-run")
    assert result.exit_code == 0 and "would create" in result.stdout and "ke-15" in result.stdout
    assert snapshot(casebook) == before


def test_an_xml_file_is_read_as_a_ctf_without_format(casebook, run):
    assert run("import", str(CTF / "ctf-v24.xml")).exit_code == 0
    assert sorted(records(casebook)) == ["7001", "am-14"]


def test_commit_makes_one_commit_of_the_new_records(casebook, run):
    import subprocess

    subprocess.run(["git", "init", "-q"], cwd=casebook, check=True)
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q",
                    "--allow-empty", "-m", "start"], cwd=casebook, check=True)
    result = run("import", str(CTF / "ctf-v18.xml"), "--format", "ctf", "--commit",
                 env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
                      "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"})
    assert result.exit_code == 0, result.stderr
    log = subprocess.run(["git", "log", "--name-only", "--format=%s", "-1"], cwd=casebook, capture_output=True,
                         text=True, check=True).stdout
    assert "Common Transfer File" in log and "records/ke-15.yaml" in log and "records/js-15.yaml" in log


@pytest.mark.parametrize("name, words", [
    ("billion-laughs.xml", "DOCTYPE"),
    ("external-entity.xml", "DOCTYPE"),
    ("doctype.xml", "DOCTYPE"),
    ("not-a-ctf.xml", "not a Common Transfer File"),
    ("truncated.xml", "not well-formed XML"),
])
def test_hostile_or_broken_files_are_refused_cleanly_and_nothing_is_written(casebook, run, name, words):
    before = snapshot(casebook)
    result = run("import", str(CTF / name), "--format", "ctf")
    assert result.exit_code == 1 and words in result.stderr
    assert "Traceback" not in result.stderr and "root:" not in result.stderr  # no file's content echoed
    assert len(result.stderr.strip().splitlines()) == 1
    assert snapshot(casebook) == before


def test_the_truncated_file_is_refused_with_its_line(casebook, run):
    result = run("import", str(CTF / "truncated.xml"), "--format", "ctf")
    assert "truncated.xml:" in result.stderr and result.stderr.split("truncated.xml:")[1].split(":")[0].isdigit()


def test_a_file_over_the_size_bound_is_refused_unread(casebook, run, monkeypatch):
    from sendcli.exchange import ctf

    monkeypatch.setattr(ctf, "MAX_CTF_BYTES", 1000)
    before = snapshot(casebook)
    result = run("import", str(CTF / "ctf-v18.xml"), "--format", "ctf")
    assert result.exit_code == 1 and "larger than" in result.stderr and snapshot(casebook) == before


def test_entity_expansion_is_refused_even_without_the_doctype_check():
    import defusedxml
    from defusedxml.ElementTree import fromstring

    with pytest.raises(defusedxml.EntitiesForbidden):
        fromstring((CTF / "billion-laughs.xml").read_bytes(), forbid_dtd=False)


def test_map_or_preset_with_a_ctf_is_a_usage_error(casebook, run):
    result = run("import", str(CTF / "ctf-v18.xml"), "--format", "ctf", "--preset", "sims")
    assert result.exit_code == 2


# -- the pure mapping -----------------------------------------------------------------------------

def test_bad_pupils_are_reported_with_their_position_and_element():
    from datetime import date

    from sendcli.core.ctf import CtfNeed, CtfProvision, CtfPupil, pupil_of

    found = CtfPupil(4, upn="not-a-upn", surname="Example", forename="Zed", date_of_birth="2015-02-30",
                     has_sen_history=True, provisions=[CtfProvision("2024-01-01", "X")],
                     needs=[CtfNeed("WIZARDRY", "1")])
    pupil, problems = pupil_of(found, date(2026, 11, 28))
    assert pupil is None
    assert {(p.row, p.column) for p in problems} == {(4, "UPN"), (4, "DOB"), (4, "SENprovision"), (4, "NeedType")}


def test_a_legacy_statement_code_is_an_ehc_plan_with_a_warning():
    from datetime import date

    from sendcli.core.ctf import CtfNeed, CtfProvision, CtfPupil, pupil_of

    found = CtfPupil(1, surname="Example", forename="Lee", date_of_birth="2012-05-01", has_sen_history=True,
                     provisions=[CtfProvision("2013-09-01", "S")], needs=[CtfNeed("MLD", "1")])
    pupil, problems = pupil_of(found, date(2026, 11, 28))
    assert pupil.status == "ehc-plan" and pupil.plan_date == date(2013, 9, 1)
    assert any("legacy SEN code 'S'" in p.message for p in problems)
