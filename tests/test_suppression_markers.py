"""Secondary suppression against a reader who knows what each marker means: '<5' is 1 to 4, 'x' 5 or more."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from sendcli.core.reports import HIDDEN, suppress_group


def feasible_values(markers: list[str], total: int) -> list[set[int]]:
    """For each hidden cell, every value it could take given the markers and the hidden sum."""
    ranges = [range(1, 5) if marker == "<5" else range(5, total + 1) for marker in markers]
    found: list[set[int]] = [set() for _ in markers]

    def walk(index: int, left: int, chosen: list[int]) -> None:
        if index == len(ranges):
            if left == 0:
                for position, value in enumerate(chosen):
                    found[position].add(value)
            return
        for value in ranges[index]:
            if value > left:
                break
            walk(index + 1, left - value, [*chosen, value])

    walk(0, total, [])
    return found


def test_the_read_through_case_hides_a_third_cell():
    """10 SLCN, 1 ASD, 5 MLD: with ASD '<5' and MLD 'x' hiding 6, ASD = 1 and MLD = 5 follow."""
    shown = suppress_group({"SLCN": 10, "ASD": 1, "MLD": 5}, 16)
    assert shown == {"SLCN": HIDDEN, "ASD": "<5", "MLD": HIDDEN}
    assert all(len(values) >= 2 for values in feasible_values(["x", "<5", "x"], 16))


def test_two_fours_are_not_both_hidden_alone():
    """'<5' and '<5' hiding 8 can only be 4 and 4."""
    shown = suppress_group({"SLCN": 4, "ASD": 4, "MLD": 9}, 17)
    assert shown["MLD"] == HIDDEN


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=14), min_size=2, max_size=5))
def test_no_hidden_count_can_be_worked_out_from_the_markers(cells):
    counts = {f"c{index}": count for index, count in enumerate(cells)}
    total = sum(cells)
    shown = suppress_group(counts, total)
    hidden = [key for key, value in shown.items() if not isinstance(value, int)]
    if total < 5 or not hidden or len(hidden) == len(cells):
        return  # nothing to subtract from, nothing hidden, or every cell hidden (then only the total is known)
    markers = [shown[key] for key in hidden]
    left = total - sum(value for value in shown.values() if isinstance(value, int))
    for key, values in zip(hidden, feasible_values(markers, left)):
        assert counts[key] in values
        assert len(values) >= 2, (counts, shown, key, values)
