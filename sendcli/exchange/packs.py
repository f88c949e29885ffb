"""``sendcli pack ehc-request``: the setting's evidence for an EHC needs assessment request.

Local authorities ask a setting that requests an EHC needs assessment for the
evidence of its graduated approach: the plans it made and how each was
reviewed, what was provided and at what cost, the views of the child and
family, and who else was involved (CFA s.36; SEND Regulations 2014, reg 4). The
pack gathers the `ehc-request` report, every reviewed cycle's plan and review,
the chronology and the provision history as CSV, with a manifest of SHA-256s
as a transfer pack has, in a folder or sealed for its recipients.
"""

from __future__ import annotations


from datetime import date

from sendcli.store.casebook import Casebook
from sendcli.core import codes
from sendcli.core.chronology import chronology
from sendcli.errors import SendcliError
from sendcli.exchange.exporting import MANIFEST, manifest, render_chronology

PROVISION_HISTORY_COLUMNS = ("cycle", "provision", "kind", "text", "staff", "frequency", "minutes_per_week",
                             "cost", "outcomes", "started", "ended", "local_offer", "carried_from", "yearly_cost",
                             "programme", "group_size")


def ehc_request_pack(book: Casebook, record_id: str, today: date) -> dict[str, bytes]:
    """The pack's files in memory, manifest last: nothing is written here."""
    from sendcli.store.records import read_record
    from sendcli.documents.reporting import record_report

    record = read_record(book, record_id, today).data
    assert isinstance(record, dict)
    if record.get("status") == codes.CLOSED:
        raise SendcliError(f"{record_id}: the record is closed: no EHC needs assessment request is made for it")
    files: dict[str, bytes] = {
        f"{record_id}.ehc-request.html": record_report(book, record, "ehc-request", "html", today).encode("utf-8"),
    }
    notes: list[str] = []
    cycles = record.get("cycles") or []
    for index, cycle in enumerate(cycles):
        if not cycle.get("review"):
            continue
        # The record as it stood when this cycle was reviewed: its plan and review are the latest.
        as_then = {**record, "cycles": cycles[: index + 1]}
        number = cycle.get("number", index + 1)
        for template in ("plan", "review"):
            files[f"{record_id}.cycle-{number}.{template}.html"] = record_report(
                book, as_then, template, "html", today, archive=True).encode("utf-8")
    if not any(cycle.get("review") for cycle in cycles):
        notes.append("no cycle has been reviewed yet: the pack holds no reviewed plan")
    files[f"{record_id}.chronology.html"] = render_chronology(book, record, chronology(record), "html", today)
    files[f"{record_id}.provision-history.csv"] = provision_history_csv(record, book.settings)
    files[MANIFEST] = manifest(record_id, book.settings.get("name", ""), today, files, notes,
                               purpose="evidence for an EHC needs assessment request")
    return files


def provision_history_csv(record: dict, settings: dict | None = None) -> bytes:
    """Every provision of every cycle, oldest first, with when it started and ended, its cost and its
    cost for a school year (sendcli.core.costs, from the casebook's ``settings``)."""
    from sendcli.core.costs import CostSettings, yearly_cost
    from sendcli.documents.output import csv_text

    costs = CostSettings.from_settings(settings or {})
    rows = []
    for cycle in record.get("cycles") or []:
        started = next((entry.get("date") for entry in cycle.get("history") or [] if entry.get("stage") == "do"),
                       None)
        closed = next((entry.get("date") for entry in cycle.get("history") or []
                       if entry.get("stage") == "closed"), None)
        for item in (cycle.get("plan") or {}).get("provision") or []:
            rows.append([cycle.get("number"), item.get("id"), item.get("kind"), item.get("text"), item.get("staff"),
                         item.get("frequency"), item.get("minutes_per_week"), item.get("cost"),
                         " ".join(item.get("outcomes") or []), started, item.get("ended") or closed,
                         item.get("local_offer"), item.get("carried_from"), _pence(yearly_cost(item, cycle, costs)),
                         item.get("programme"), item.get("group_size")])
    text = csv_text(PROVISION_HISTORY_COLUMNS, ([_cell(value) for value in row] for row in rows))
    return text.encode("utf-8")


def _pence(amount: float | None) -> str | None:
    return None if amount is None else f"{amount:.2f}"


def _cell(value: object) -> object:
    return "" if value is None else (value.isoformat() if isinstance(value, date) else value)



