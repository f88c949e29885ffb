"""Exceptions that carry their exit code (README, "Exit codes").

The CLI maps each to its message and code in one place; anything else that
escapes is a bug (exit 3) and is reported without its message, which could
hold a record's content.
"""

from __future__ import annotations


class SendcliError(Exception):
    """Refused, or problems found: exit 1. The message is for the user."""

    exit_code = 1

    def __init__(self, message: str, details: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        #: Further lines (one per problem or unmet requirement).
        self.details = details or []


class UsageProblem(SendcliError):
    """A malformed value on the command line or in the environment: exit 2."""

    exit_code = 2


class RecordNotFound(SendcliError):
    pass


class InvalidRecord(SendcliError):
    pass


class CasebookNotFound(SendcliError):
    pass
