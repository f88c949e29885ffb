"""A carried outcome's readings: the newest copy's reading of a day is the one every report uses (a
slip corrected after a review stays corrected), check names a carried reading that disagrees with
the copy it came from, and a carried copy keeps its dates as dates in the file."""

from sendcli.core import measures
from sendcli.store.loading import load_yaml


def ot18(example_casebook):
    return load_yaml((example_casebook / "records" / "ot-18.yaml").read_bytes()).data


def reviewed_with_a_slip(run):
    """Omar's reading of 27 November typed as 840, the plan reviewed and carried into cycle 2."""
    assert run("add", "reading", "ot-18", "o1", "--value", "840", "--date", "2026-11-27").exit_code == 0
    assert run("cycle", "review", "ot-18", "--decision", "continue", "--progress", "o1=partly-achieved",
               "--next-review", "2027-03-01", "--attendee", "parent").exit_code == 0


def test_a_reading_corrected_in_the_carried_copy_replaces_the_slip_in_the_series(example_casebook, run):
    reviewed_with_a_slip(run)
    assert run("set", "ot-18", "cycles[-1].plan.outcomes[o1].readings[-1].value", "84").exit_code == 0
    record = ot18(example_casebook)
    carried = record["cycles"][-1]["plan"]["outcomes"][0]
    series = measures.outcome_series(record, carried)
    on_the_day = [r.value for r in series.readings if str(r.day) == "2026-11-27"]
    assert on_the_day == [84]
    assert [str(r.day) for r in series.readings] == ["2026-10-02", "2026-10-16", "2026-11-06", "2026-11-20",
                                                     "2026-11-27"]
    report = run("report", "ot-18")
    assert report.exit_code == 0
    assert ">840<" not in report.stdout


def test_an_earlier_copys_readings_count_for_the_days_the_newer_copy_does_not_hold(example_casebook, run):
    reviewed_with_a_slip(run)
    record = ot18(example_casebook)
    carried = record["cycles"][-1]["plan"]["outcomes"][0]
    carried["readings"] = [{"date": "2026-11-27", "value": 85}]
    series = measures.outcome_series(record, carried)
    assert [(str(r.day), r.value) for r in series.readings] == [
        ("2026-10-02", 79), ("2026-10-16", 81), ("2026-11-06", 82), ("2026-11-20", 84), ("2026-11-27", 85)]
    # Seen from the earlier copy, its own readings are the newest it knows.
    first = record["cycles"][0]["plan"]["outcomes"][0]
    assert [r.value for r in measures.outcome_series(record, first).readings][-1] == 840


def test_check_warns_where_a_carried_reading_disagrees_with_the_copy_it_came_from(example_casebook, run):
    reviewed_with_a_slip(run)
    assert run("set", "ot-18", "cycles[-1].plan.outcomes[o1].readings[-1].value", "84").exit_code == 0
    checked = run("check", "records/ot-18.yaml")
    output = checked.stdout + checked.stderr
    lines = [line for line in output.splitlines() if "2026-11-27" in line and "cycle 1" in line]
    assert lines, output
    assert "cycle 2" in lines[0] and "840" in lines[0] and "84" in lines[0]
    assert ":" in lines[0].split(" ")[0]  # file:line


def test_check_is_quiet_where_the_carried_readings_agree(example_casebook, run):
    reviewed_with_a_slip(run)
    checked = run("check", "records/ot-18.yaml")
    assert "carried from" not in (checked.stdout + checked.stderr)


def test_a_carried_outcome_writes_its_dates_unquoted(example_casebook, run):
    reviewed_with_a_slip(run)
    text = (example_casebook / "records" / "ot-18.yaml").read_text()
    carried = text[text.index("carried_from: 1/o1") - 800:text.index("carried_from: 1/o1")]
    assert "baseline_date: 2026-09-14" in carried
    assert "date: 2026-10-02," in carried and "date: 2026-11-27," in carried
    assert '"2026-' not in carried
    first, carried = (cycle["plan"]["outcomes"][0] for cycle in ot18(example_casebook)["cycles"])
    assert carried["measure"] == first["measure"] and carried["readings"] == first["readings"]
