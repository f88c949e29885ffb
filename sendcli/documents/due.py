"""``sendcli due``'s engine: every deadline of the casebook, and its output formats.

A record with any ``check`` error is *unreadable*: its deadlines are not
computed, and it is reported — never skipped silently.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from sendcli.store.casebook import Unreadable, unreadable_message
from sendcli.store.checking import casebook_targets
from sendcli.core.deadlines import Deadline, DeadlineSettings, select
from sendcli.documents.output import csv_text, printable
from sendcli.store.summaries import scan

#: The deadline whose date gives away the date of birth (left out under --redact).
RETENTION = "retention"

CSV_HEADER = ("record", "name", "kind", "due", "days_left", "status", "detail")


@dataclass
class DueReport:
    as_of: date
    within_days: int
    items: list[Deadline]
    unreadable: list[Unreadable] = field(default_factory=list)
    redact: bool = False

    def status(self, item: Deadline) -> str:
        return item.status(self.as_of, self.within_days)

    def name(self, item: Deadline) -> str:
        """The child's name, or the record ID where the output may leave the school."""
        return item.record if self.redact else item.name


def collect(root: Path, settings: dict, today: date, within_days: int | None = None, include_upcoming: bool = False,
            kinds: tuple[str, ...] = (), redact: bool = False, use_cache: bool = True) -> DueReport:
    """Every record's deadlines (from the summary cache where it holds), and the ones to show."""
    deadline_settings = DeadlineSettings.from_settings(settings)
    window = deadline_settings.due_soon_days if within_days is None else within_days
    found: list[Deadline] = []
    unreadable: list[Unreadable] = []
    records = [target for target in casebook_targets(root) if not target.is_config]
    for summary in scan(root, records, today, deadline_settings, use_cache=use_cache):  # keeps only deadlines
        if summary.has_errors:
            unreadable.append(Unreadable(summary.path, unreadable_message(summary.problems, redact)))
        elif summary.deadlines_failed or summary.deadlines is None:
            # A date the rules accept but the arithmetic cannot reach: reported, never a crashed cron run.
            unreadable.append(Unreadable(summary.path, "its deadlines could not be worked out "
                                         "(a date far in the future?); check its dates"))
        else:
            found.extend(summary.deadlines)
    if redact:
        # UK GDPR data minimisation: a retention date is the date of birth + retention_years, from
        # which the date of birth can be worked out; redacted output leaves those items out.
        found = [item for item in found if item.kind != RETENTION]
        # An exception's note is the SENCO's free text ("in hospital"): health detail, names.
        found = [replace(item, exception=_without_note(item.exception)) if item.exception else item
                 for item in found]
    return DueReport(today, window, select(found, today, window, include_upcoming, kinds), unreadable, redact)


def _without_note(exception: str) -> str:
    """"REASON (NOTE), recorded DATE" as "REASON, recorded DATE" (core.deadlines words it so)."""
    head, recorded = exception.rsplit("), recorded ", 1) if "), recorded " in exception else (exception, None)
    reason = head.split(" (", 1)[0]
    return f"{reason}, recorded {recorded}" if recorded is not None else reason


def item_json(report: DueReport, item: Deadline) -> dict:
    data = {"record": item.record, "name": report.name(item), "kind": item.kind, "due": item.due.isoformat(),
            "days_left": item.days_left(report.as_of), "status": report.status(item), "detail": item.detail}
    if item.exception:
        data["exception"] = item.exception
    return data


def as_json(report: DueReport) -> str:
    return json.dumps({"as_of": report.as_of.isoformat(), "within_days": report.within_days,
                       "items": [item_json(report, item) for item in report.items],
                       "unreadable": [{"path": u.path, "message": u.message} for u in report.unreadable]},
                      ensure_ascii=False, indent=2) + "\n"


def as_csv(report: DueReport) -> str:
    """Formula cells neutralised (sendcli.documents.output.csv_cell): a spreadsheet shows them as text."""
    return csv_text(CSV_HEADER, (
        [item.record, report.name(item), item.kind, item.due.isoformat(), item.days_left(report.as_of),
         report.status(item), item.detail + (f" (exception: {item.exception})" if item.exception else "")]
        for item in report.items))


def as_text_lines(report: DueReport) -> list[str]:
    """Plain aligned lines, for pipes and cron mail; control characters shown escaped, so no
    name or note can forge a line of the mail."""
    rows = []
    for item in report.items:
        who = item.record if report.redact else f"{item.record} ({printable(item.name)})"
        note = f" [exception: {printable(item.exception)}]" if item.exception else ""
        rows.append((item.due.isoformat(), f"{item.days_left(report.as_of):+d}", report.status(item), who,
                     item.kind, printable(item.detail) + note))
    if not rows:
        return []
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    return ["  ".join(cell.ljust(width) for cell, width in zip(row[:5], widths)) + "  " + row[5] for row in rows]


def as_ics(report: DueReport, calendar_name: str = "sendcli deadlines") -> bytes:
    """RFC 5545: one all-day event per item, with a UID stable per record, kind and due date."""
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", "-//sendcli//deadlines//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", calendar_name)
    stamp = datetime(report.as_of.year, report.as_of.month, report.as_of.day, tzinfo=timezone.utc)
    for item in report.items:
        event = Event()
        event.add("uid", f"{item.record}-{item.kind}-{item.due.isoformat()}@sendcli")
        event.add("dtstamp", stamp)
        event.add("dtstart", item.due)
        event.add("dtend", item.due + timedelta(days=1))
        event.add("summary", f"{item.kind}: {report.name(item)}")
        description = item.detail + (f"\nException: {item.exception}" if item.exception else "")
        event.add("description", description)
        event.add("categories", [item.kind])
        calendar.add_component(event)
    return calendar.to_ical()
