"""Option values shared by commands: closed lists of words, formats and dates."""

from __future__ import annotations

from datetime import date
from enum import Enum

import typer

from sendcli.core.dates import parse_iso_date


def choices(name: str, values) -> type[Enum]:
    """An option's closed list of words (from core.codes) as the Enum typer offers."""
    return Enum(name, {value.replace("-", "_"): value for value in values}, type=str)


class TextOrJson(str, Enum):
    text = "text"
    json = "json"


def date_option(value: str | None, name: str) -> date | None:
    """A ``YYYY-MM-DD`` option: anything else is a usage error (exit 2)."""
    if value is None:
        return None
    parsed = parse_iso_date(value)
    if parsed is None:
        looks_like_a_date = len(value) == 10 and value[4] == "-" and value[7] == "-"
        reason = "is not a real date" if looks_like_a_date else "is not a date in the form YYYY-MM-DD"
        raise typer.BadParameter(f"'{value}' {reason}", param_hint=name)
    return parsed
