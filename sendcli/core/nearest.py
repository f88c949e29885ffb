"""What a mistyped word or a date in the wrong form was probably meant to be.

Pure: messages offer the nearest match ("no record 'ab-61'; did you mean
ab-16?") so a slip costs one retype, never a search through the help.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

#: How alike a word and a candidate must be (difflib's ratio) to be offered.
CLOSE_ENOUGH = 0.6

_DAY_MONTH_YEAR = re.compile(r"(?P<day>\d{1,2})[/.-](?P<month>\d{1,2})[/.-](?P<year>\d{4})", re.ASCII)


def nearest(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate closest to ``word`` (ignoring case), or None when none is close enough."""
    import difflib

    by_lower: dict[str, str] = {}
    for candidate in candidates:
        by_lower.setdefault(candidate.lower(), candidate)
    lowered = word.lower()
    if lowered in by_lower:
        return by_lower[lowered]
    found = difflib.get_close_matches(lowered, list(by_lower), n=1, cutoff=CLOSE_ENOUGH)
    return by_lower[found[0]] if found else None


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """``"; did you mean X?"`` for the nearest candidate, else nothing."""
    guess = nearest(word, candidates)
    return f"; did you mean {guess}?" if guess is not None else ""


def iso_form_of_day_month_year(text: str) -> str | None:
    """``14/09/2026`` (the UK order spreadsheets write) as ``2026-09-14``, if it is a real date."""
    match = _DAY_MONTH_YEAR.fullmatch(text.strip())
    if not match:
        return None
    try:
        return date(int(match["year"]), int(match["month"]), int(match["day"])).isoformat()
    except ValueError:
        return None
