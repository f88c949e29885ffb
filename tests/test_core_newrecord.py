"""One skeleton for every new record: `new`, the CSV import and the CTF import."""

from datetime import date

from sendcli.core.importing import Pupil, import_record
from sendcli.core.newrecord import new_record

TODAY = date(2026, 11, 30)


def test_keys_in_the_written_order_and_the_register_rule():
    record = new_record("tc-16", TODAY, status="sen-support", child={"name": "Test Child"}, needs=["SPLD", "SLCN"])
    assert list(record) == ["schema_version", "id", "created", "status", "child", "needs", "register", "people",
                            "views", "meetings", "cycles", "closed"]
    assert record["needs"] == {"primary": "SPLD", "secondary": ["SLCN"]}
    assert record["register"] == {"entered": TODAY, "left": None}


def test_a_child_not_on_the_register_has_no_entry_date_even_when_given_one():
    record = new_record("tc-16", TODAY, status="monitoring", child={}, needs=[], entered=date(2026, 9, 1))
    assert record["register"]["entered"] is None
    assert record["needs"] == {"primary": None, "secondary": []}


def test_an_ehc_section_goes_before_closed():
    record = new_record("tc-16", TODAY, status="ehc-plan", child={}, needs=["ASD"], entered=date(2026, 9, 1),
                        ehc={"existing_plan": {"issued": date(2025, 3, 1)}})
    assert list(record)[-2:] == ["ehc", "closed"]
    assert record["register"]["entered"] == date(2026, 9, 1)


def test_the_import_builds_on_the_same_skeleton():
    pupil = Pupil(row=2, name="Test Child", date_of_birth=date(2016, 5, 1), status="ehc-plan", year_group="5",
                  needs=["ASD"], start_date=date(2026, 9, 1), plan_date=date(2025, 3, 1))
    imported = import_record(pupil, "tc-16", TODAY)
    built = new_record("tc-16", TODAY, status="ehc-plan", child=imported["child"], needs=["ASD"],
                       entered=date(2026, 9, 1), ehc={"existing_plan": {"issued": date(2025, 3, 1)}})
    assert imported == built
    assert list(imported) == list(built)
