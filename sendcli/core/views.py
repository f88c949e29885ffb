"""What the casebook-wide views read of a record: its *view extract*.

``register``, ``provision-map``, ``stats`` and ``impact`` read a few fields
of every record. The summary cache (``sendcli.store.summaries``) keeps each record's
extract beside its problems, so a warm view reads a few hundred bytes of
JSON a record instead of parsing and checking the whole file again. The
views' own functions (``sendcli.core.reports``, ``sendcli.core.impact``) run unchanged on extracts:
an extract is the record with everything the views never read left out,
in the record's own shape.

:data:`VIEW_FIELDS` lists, in one place, every field any view reads. A view
that comes to read another field must add it here: ``tests/test_views.py``
runs every view on whole records and on their extracts and compares.

An extract depends on the record alone, never on the settings or the day:
settings (rates, the setting's name) are applied when a view runs, so
changing them needs no record read again.
"""

from __future__ import annotations

from typing import Any

#: The whole value of a field, as the record has it.
WHOLE = True

#: Every field a casebook-wide view reads (``sendcli.core.reports``): a mapping names the fields
#: kept of a mapping; a one-item list, the fields kept of each item of a list.
VIEW_FIELDS: dict[str, Any] = {
    "id": WHOLE,
    "status": WHOLE,
    # register and provision-map rows; redaction replaces the child's names in provision text.
    "child": {"name": WHOLE, "preferred_name": WHOLE, "year_group": WHOLE, "setting": WHOLE},
    "needs": {"primary": WHOLE, "secondary": WHOLE},
    "register": {"entered": WHOLE, "left": WHOLE},
    # Redaction shows people by role, and replaces their names in provision text by it.
    "people": [{"name": WHOLE, "role": WHOLE}],
    # provision-map: when each provision ran (the cycle's moves to do and closed), the provision itself,
    # and the cycle's planned length, which costs a provision's cycle cost to a year (core.costs).
    # impact: each outcome's measure and readings, and the outcome it was carried from (core.measures).
    "cycles": [{"number": WHOLE, "stage": WHOLE, "opened": WHOLE, "history": [{"date": WHOLE, "stage": WHOLE}],
                "plan": {"provision": WHOLE, "agreed": WHOLE, "review_date": WHOLE,
                         "outcomes": [{"id": WHOLE, "carried_from": WHOLE, "measure": WHOLE,
                                       "readings": WHOLE}]}}],
}


def view_extract(record: dict) -> dict:
    """The fields of ``record`` that :data:`VIEW_FIELDS` lists, in the record's shape; fields the
    record leaves out stay out (a view sees them missing, as in the record)."""
    return _project(record, VIEW_FIELDS)


def _project(value: Any, spec: Any) -> Any:
    if spec is WHOLE:
        return value
    if isinstance(spec, dict):
        if not isinstance(value, dict):
            return value  # not the shape the views expect: kept whole, for them to see as it is
        return {key: _project(value[key], inner) for key, inner in spec.items() if key in value}
    if not isinstance(value, list):
        return value
    return [_project(item, spec[0]) for item in value]


#: What ``provision-map`` reads of a record besides its provision: who the child is (the rows'
#: names, and the names ``--redact`` replaces in the provision's text) and the adults named.
PROVISION_FIELDS: dict[str, Any] = {
    "id": WHOLE,
    "child": {"name": WHOLE, "preferred_name": WHOLE},
    "people": [{"name": WHOLE, "role": WHOLE}],
}


def provision_extract(record: dict) -> dict:
    """What ``provision-map`` reads of ``record``: :data:`PROVISION_FIELDS` and each provision that
    ran, with the days it ran, worked out once (:func:`sendcli.core.reports.provision_entries`).

    A few hundred bytes a record where the view extract is a few thousand: the provision map of a
    large casebook decodes a third as much, and parses no dates at all."""
    from sendcli.core.reports import PROVISION_ENTRIES, provision_entries

    return {**_project(record, PROVISION_FIELDS), PROVISION_ENTRIES: provision_entries(record)}
