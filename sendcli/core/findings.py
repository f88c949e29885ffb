"""Problems found in a record, as values (never raised for bad user data)."""

from __future__ import annotations

from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"

Pointer = tuple[object, ...]


@dataclass(frozen=True)
class Finding:
    """One problem in a record, located by its path in the document.

    ``pointer`` holds mapping keys (str) and list indices (int). The I/O edge
    turns it into ``file:line:column`` by walking the YAML node tree.
    ``at_key`` points at the key itself rather than its value (an unknown or
    duplicate key).
    """

    pointer: Pointer
    message: str
    rule: str
    severity: str = ERROR
    at_key: bool = False


def json_pointer(pointer: Pointer) -> str:
    """RFC 6901: ``("child", "date_of_birth")`` → ``/child/date_of_birth``."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in pointer)


def dotted_path(pointer: Pointer) -> str:
    """The field as a SENCO reads it: ``cycles[0].plan.review_date``."""
    text = ""
    for part in pointer:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text
