"""What the reports show, computed from plain record data (no templates, no I/O).

The per-child templates get the record and the helpers below; the
casebook-wide views (register, provision map, governors' figures) are built
here as plain rows, so every output format shows the same numbers.
"""

from __future__ import annotations

import copy
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sendcli.core import codes
from sendcli.core.dates import parse_iso_date

#: rules.md: "stats never shows a count under 5 (shown as <5)".
SMALL_NUMBER = 5


def plan_cycle(record: dict) -> dict | None:
    """The cycle a plan report shows: the open one, else the latest."""
    cycles = record.get("cycles") or []
    return cycles[-1] if cycles else None


def reviewed_cycle(record: dict) -> dict | None:
    """The latest cycle with a review."""
    return next((c for c in reversed(record.get("cycles") or []) if c.get("review")), None)


def initials(name: str) -> str:
    """'Ava Example' → 'A.E.': what a redacted report calls a child."""
    return "".join(part[0].upper() + "." for part in re.split(r"[\s-]+", name.strip()) if part)


def redact(record: dict) -> dict:
    """A copy with no names, date of birth or contact details (``--redact``).

    The child is shown by initials and ID, people by their role. Free text
    written by staff is kept: it should not name anyone, and the README says so.
    """
    safe = copy.deepcopy(record)
    child = safe.get("child") or {}
    child["name"] = f"{initials(child.get('name', ''))} ({safe.get('id')})"
    child.pop("preferred_name", None)
    child["date_of_birth"] = None
    child.pop("admission_number", None)
    for person in safe.get("people") or []:
        person["name"] = person.get("role", "")
        person.pop("contact", None)
    for item in safe.get("views") or []:
        item.pop("by", None)
    for cycle in safe.get("cycles") or []:
        for entry in (cycle.get("do") or {}).get("log") or []:
            entry.pop("by", None)
    return safe


def weekly_minutes(provision: dict) -> int | None:
    """``minutes_per_week``, else worked out from a frequency like '3 x 20 min weekly'."""
    if isinstance(provision.get("minutes_per_week"), int):
        return provision["minutes_per_week"]
    match = re.search(r"(\d+)\s*x\s*(\d+)\s*min\w*\s*(?:a\s+|per\s+|each\s+)?week", provision.get("frequency") or "",
                      re.IGNORECASE)
    return int(match.group(1)) * int(match.group(2)) if match else None


@dataclass(frozen=True)
class ProvisionRow:
    record: str
    name: str
    cycle: int
    provision: str
    kind: str
    text: str
    staff: str
    frequency: str
    minutes_per_week: int | None
    cost: float | None
    local_offer: str | None


@dataclass(frozen=True)
class Totals:
    label: str
    count: int
    minutes_per_week: int
    cost: float


def provision_rows(records: Iterable[dict]) -> list[ProvisionRow]:
    """Every provision of every open cycle."""
    rows = []
    for record in records:
        cycles = record.get("cycles") or []
        if not cycles or cycles[-1].get("stage") == "closed" or record.get("status") == codes.CLOSED:
            continue
        cycle = cycles[-1]
        for item in (cycle.get("plan") or {}).get("provision") or []:
            rows.append(ProvisionRow(record["id"], record["child"]["name"], cycle["number"], item["id"],
                                     item.get("kind") or "other", item["text"], item.get("staff") or "—",
                                     item.get("frequency") or "", weekly_minutes(item), item.get("cost"),
                                     item.get("local_offer")))
    return sorted(rows, key=lambda r: (r.kind, r.staff, r.record, r.provision))


def totals_by(rows: list[ProvisionRow], key: str) -> list[Totals]:
    groups: dict[str, list[ProvisionRow]] = {}
    for row in rows:
        groups.setdefault(getattr(row, key), []).append(row)
    return [Totals(label, len(group), sum(r.minutes_per_week or 0 for r in group), sum(r.cost or 0 for r in group))
            for label, group in sorted(groups.items())]


def grand_total(rows: list[ProvisionRow]) -> Totals:
    return Totals("total", len(rows), sum(r.minutes_per_week or 0 for r in rows), sum(r.cost or 0 for r in rows))


REGISTER_COLUMNS = ("record", "name", "status", "provision_code", "primary_need", "secondary_needs", "area",
                    "setting", "year_group", "entered", "left")


def register_row(record: dict) -> dict:
    """One row of the SEN register (cli.md: register's CSV columns)."""
    needs = record.get("needs") or {}
    primary = needs.get("primary") or ""
    register = record.get("register") or {}
    return {
        "record": record["id"], "name": record["child"]["name"], "status": record["status"],
        "provision_code": codes.provision_code(record["status"]), "primary_need": primary,
        "secondary_needs": " ".join(needs.get("secondary") or []), "area": codes.area_of_need(primary) or "",
        "setting": record["child"].get("setting", ""), "year_group": record["child"].get("year_group") or "",
        "entered": register.get("entered") or "", "left": register.get("left") or "",
    }


def suppress(count: int) -> int | str:
    """A count for publication: under 5 becomes '<5' (and 0 stays 0: nobody to identify)."""
    return "<5" if 0 < count < SMALL_NUMBER else count


@dataclass(frozen=True)
class Stats:
    """Anonymised counts for the governors' SEN information report: no names, no IDs."""

    as_of: date
    total: int | str
    by_status: dict[str, int | str]
    by_provision_code: dict[str, int | str]
    by_primary_need: dict[str, int | str]
    by_area: dict[str, int | str]
    by_year_group: dict[str, int | str]

    def as_json(self) -> dict:
        return {"as_of": self.as_of.isoformat(), "total": self.total, "by_status": self.by_status,
                "by_provision_code": self.by_provision_code, "by_primary_need": self.by_primary_need,
                "by_area": self.by_area, "by_year_group": self.by_year_group}


def stats(records: Iterable[dict], as_of: date) -> Stats:
    """Counts of children on the register (SEN support or EHC plan), small numbers suppressed."""
    # (status, primary need, year group) of each child counted: records may stream past once.
    current = [(r["status"], (r.get("needs") or {}).get("primary") or "not recorded",
                r["child"].get("year_group") or "not recorded")
               for r in records if r.get("status") in codes.STATUSES_NEEDING_PRIMARY_NEED]

    def counted(values: Iterable[str], order: Iterable[str]) -> dict[str, int | str]:
        counts = Counter(values)
        return {key: suppress(counts[key]) for key in order if counts[key]}

    year_order = [*codes.YEAR_GROUPS, "not recorded"]
    return Stats(
        as_of=as_of,
        total=suppress(len(current)),
        by_status=counted((status for status, _, _ in current), codes.STATUSES),
        by_provision_code=counted((codes.provision_code(status) for status, _, _ in current), ("K", "E")),
        by_primary_need=counted((primary for _, primary, _ in current), [*codes.NEED_CODES, "not recorded"]),
        by_area=counted((codes.area_of_need(primary) or "not recorded" for _, primary, _ in current),
                        [*codes.OUTCOME_AREAS, codes.UNCATEGORISED, "not recorded"]),
        by_year_group=counted((year for _, _, year in current), year_order),
    )


def long_date(value: object) -> str:
    """'2026-12-10' → '10 December 2026' (reports are read by people)."""
    day = value if isinstance(value, date) else parse_iso_date(value)
    return f"{day.day} {day:%B %Y}" if day else ""
