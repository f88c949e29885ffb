"""The skeleton of a new record, whoever makes it (pure).

`sendcli new`, the CSV import and the Common Transfer File import all start a
child's file from this one shape, so a record looks the same however it came
into the casebook, and a field added to new records is added once.
"""

from __future__ import annotations

from datetime import date

from sendcli.core import codes


def new_record(record_id: str, today: date, *, status: str, child: dict, needs: list[str],
               entered: date | None = None, ehc: dict | None = None) -> dict:
    """A new record in the layout of docs/record.md, keys in their written order.

    ``created`` is today. A child on the SEN register (SEN support or an EHC
    plan) entered it on ``entered``, else today; any other status is not on it.
    """
    on_register = status in codes.STATUSES_NEEDING_PRIMARY_NEED
    record: dict = {
        "schema_version": 1,
        "id": record_id,
        "created": today,
        "status": status,
        "child": child,
        "needs": {"primary": needs[0] if needs else None, "secondary": list(needs[1:])},
        "register": {"entered": (entered or today) if on_register else None, "left": None},
        "people": [],
        "views": [],
        "meetings": [],
        "cycles": [],
    }
    if ehc is not None:
        record["ehc"] = ehc
    record["closed"] = None
    return record
