"""A record's chronology: every dated event it holds, oldest first.

A chronology answers "what happened, and when" for a subject access request,
a tribunal bundle or a new SENCO. It is built from the record alone by walking
every mapping for dates, so a field added to the format later shows up without
a change here; the table below gives the known ones plain words.

Dates that are plans rather than events (a review date still to come, a
reply-by date) and the date of birth are not events and are left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sendcli.core.dates import parse_iso_date

#: Keys whose dates are not events: deadlines set for later, and the date of birth.
NOT_EVENTS = frozenset({"date_of_birth", "review_date", "reply_by", "next_review", "meeting_planned"})

#: Plain words for a dated key, by its path with list positions left out.
_WORDS: dict[tuple[str, ...], str] = {
    ("created",): "Record created in this casebook",
    ("register", "entered"): "Added to the SEN register",
    ("register", "left"): "Left the SEN register",
    ("views",): "View recorded",
    ("meetings",): "Meeting with the family",
    ("people",): "Person added",
    ("child", "represented_by", "since"): "Represented in decisions",
    ("cycles", "history"): "Cycle moved on",
    ("cycles", "assess", "evidence"): "Evidence recorded",
    ("cycles", "plan", "agreed"): "Plan agreed",
    ("cycles", "plan", "outcomes", "readings"): "Reading taken",
    ("cycles", "plan", "provision", "ended"): "Provision ended",
    ("cycles", "do", "log"): "Note",
    ("cycles", "review"): "Cycle reviewed",
    ("ehc", "requested"): "EHC needs assessment requested",
    ("ehc", "decision"): "Authority's decision on the assessment",
    ("ehc", "not_issued"): "Authority decided not to issue a plan",
    ("ehc", "draft_plan"): "Draft EHC plan issued",
    ("ehc", "final_plan"): "Final EHC plan issued",
    ("ehc", "reviews", "meeting"): "EHC plan annual review meeting",
    ("ehc", "reviews", "report_sent"): "Annual review report sent",
    ("ehc", "reviews", "la_decision"): "Authority's decision after the review",
    ("ehc", "reviews", "amended_plan"): "Amended EHC plan issued",
    ("ehc", "existing_plan", "issued"): "EHC plan issued (before this casebook)",
    ("ehc", "existing_plan", "last_review"): "Last annual review of that plan",
    ("ehc", "phase_transfer", "amended"): "Plan amended for the phase transfer",
    ("ehc", "exceptions"): "Exception to the assessment time limits recorded",
    ("closed",): "Record closed",
    ("closed", "transferred"): "Transfer pack made for the next setting",
}

#: A cycle's moves, in the words of the graduated approach (CoP 6.44).
_STAGE_WORDS = {"assess": "opened (assess)", "plan": "moved to plan", "do": "plan put in place (do)",
                "review": "moved to review", "closed": "closed"}

#: Fields whose words describe the event they sit beside.
_DETAIL_KEYS = ("from", "with", "source", "by", "outcome", "decision", "reason", "to", "value",
                "text", "note", "without_family")


@dataclass(frozen=True)
class Event:
    date: date
    what: str
    detail: str
    where: str  # the dotted path the date came from, so a reader can find it in the file

    def as_json(self) -> dict:
        return {"date": self.date.isoformat(), "what": self.what, "detail": self.detail, "where": self.where}


def chronology(record: dict) -> list[Event]:
    """Every dated event of ``record``, oldest first (events of one day in the file's order)."""
    events: list[Event] = []
    _walk(record, (), (), events)
    return sorted(events, key=lambda event: event.date)  # sorted() is stable: file order within a day


def _walk(node: object, path: tuple[str, ...], where: tuple[object, ...], events: list[Event]) -> None:
    if isinstance(node, dict):
        own = _as_date(node.get("date"))
        if own is not None:
            what = _STAGE_WORDS.get(node.get("stage"), "moved on") if path == ("cycles", "history") else None
            events.append(Event(own, _words(path, where, what), _detail(node, path, where), _dotted(where)))
        for key, value in node.items():
            if key == "date" or key in NOT_EVENTS or not isinstance(key, str):
                continue
            if key == "opened" and path == ("cycles",) and node.get("history"):
                continue  # the history's opening move says it
            day = _as_date(value)
            if day is not None:
                events.append(Event(day, _words((*path, key), (*where, key)), "", _dotted((*where, key))))
            else:
                _walk(value, (*path, key), (*where, key), events)
    elif isinstance(node, list):
        for index, item in enumerate(node):
            _walk(item, path, (*where, index), events)


def _as_date(value: object) -> date | None:
    if isinstance(value, date):
        return value
    return parse_iso_date(value) if isinstance(value, str) and len(value) == 10 else None


def _words(path: tuple[str, ...], where: tuple[object, ...], words: str | None = None) -> str:
    words = words or _WORDS.get(path) or " ".join(part.replace("_", " ") for part in path).capitalize()
    cycle = _cycle_number(where)
    return f"Cycle {cycle}: {words[0].lower()}{words[1:]}" if cycle is not None else words


def _cycle_number(where: tuple[object, ...]) -> int | None:
    if len(where) >= 2 and where[0] == "cycles" and isinstance(where[1], int):
        return where[1] + 1
    return None


def _detail(node: dict, path: tuple[str, ...], where: tuple[object, ...]) -> str:
    parts = []
    for key in _DETAIL_KEYS:
        value = node.get(key)
        if value in (None, "", []):
            continue
        if isinstance(value, list):
            value = ", ".join(str(item) for item in value)
        elif isinstance(value, dict):
            continue
        label = {"from": "from", "with": "with", "source": "from", "by": "by", "to": "to",
                 "without_family": "without the family"}.get(key)
        parts.append(f"{label} {value}" if label else str(value))
    if path == ("cycles", "review"):
        ratings = [f"{item.get('outcome')}: {item.get('rating')}" for item in node.get("progress") or []
                   if isinstance(item, dict)]
        if ratings:
            parts.append("; ".join(ratings))
    return "; ".join(parts)


def _dotted(where: tuple[object, ...]) -> str:
    text = ""
    for part in where:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text
