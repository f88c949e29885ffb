"""Option values shared by commands: closed lists of words, formats and dates."""

from __future__ import annotations

import re
from datetime import date
from enum import Enum

import typer
from typer.core import TyperCommand

from sendcli.cli.running import redaction  # noqa: F401 - the commands' name for it
from sendcli.core.dates import parse_iso_date


def choices(name: str, values) -> type[Enum]:
    """An option's closed list of words (from core.codes) as the Enum typer offers."""
    return Enum(name, {value.replace("-", "_"): value for value in values}, type=str)


class TextOrJson(str, Enum):
    text = "text"
    json = "json"


def date_option(value: str | None, name: str) -> date | None:
    """A ``YYYY-MM-DD`` option, in the years 1900 to 2200: anything else is a usage error (exit 2)."""
    from sendcli.store.casebook import outside_years

    if value is None:
        return None
    parsed = parse_iso_date(value)
    if parsed is None:
        raise typer.BadParameter(why_not_a_date(value), param_hint=name)
    why = outside_years(parsed)
    if why:
        raise typer.BadParameter(f"'{value}' {why}", param_hint=name)
    return parsed


def why_not_a_date(value: str) -> str:
    """Why ``value`` is refused as a date, offering the ISO form of a day/month/year date.

    Only ``YYYY-MM-DD`` is read: ``04/05/2026`` is 4 May in England and 5 April
    in a US spreadsheet, so it is never guessed at silently.
    """
    from sendcli.core.nearest import iso_form_of_day_month_year

    looks_like_a_date = len(value) == 10 and value[4] == "-" and value[7] == "-"
    if looks_like_a_date:
        return f"'{value}' is not a real date"
    iso = iso_form_of_day_month_year(value)
    offer = f"; did you mean {iso}?" if iso else ""
    return f"'{value}' is not a date in the form YYYY-MM-DD{offer}"


REDACT_HELP_TAIL = (" Default: redact in sendcli.yaml (true makes redaction the default for every output "
                    "that may leave the school); --no-redact overrides it.")


#: ``--encrypt-to`` on every command that makes a pack (transfer, export, pack ehc-request).
ENCRYPT_TO = typer.Option(
    None, "--encrypt-to", metavar="RECIPIENT",
    help="Seal the pack for this recipient as one encrypted file (age): an age public key (age1...), an SSH "
         "public key (ssh-ed25519 ..., ssh-rsa ...), or a file of them. Repeat for several recipients. "
         "--output then names the file to write; nothing unencrypted is written.")


def recipients_of(values: list[str] | None) -> list:
    """The keys ``--encrypt-to`` names (none: an empty list, and the sealing library is not loaded)."""
    if not values:
        return []
    from sendcli.exchange.sealing import read_recipients

    return read_recipients(values)


#: A negative number as a person types it: -3, -2.5, -.5.
NEGATIVE_NUMBER = re.compile(r"-(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")


class NegativeNumbersAsArguments(TyperCommand):
    """A command whose arguments may be negative numbers without ``--`` before them.

    Click reads ``-3`` as an unknown short option, so ``sendcli set ID FIELD -3`` (a measure's
    baseline below zero, a lower-is-better reading) was a usage error. Unknown options are let
    through to the arguments here, but only negative numbers: any other word starting with a dash
    before ``--`` that is none of the command's options is still refused as click refuses it
    (exit 2), and the command's options keep working in any position.
    """

    ignore_unknown_options = True

    def parse_args(self, ctx, args: list[str]) -> list[str]:
        unknown = self.unknown_option(ctx, args)
        if unknown is not None:
            ctx.fail(unknown)
        return super().parse_args(ctx, args)

    def unknown_option(self, ctx, args: list[str]) -> str | None:
        """Why ``args`` is refused (the first unknown option, as click words it), None if it is not."""
        from difflib import get_close_matches

        takes_value: dict[str, bool] = {}
        for param in self.get_params(ctx):
            if param.param_type_name == "option":
                for name in (*param.opts, *param.secondary_opts):
                    takes_value[name] = not (param.is_flag or param.count)
        tokens = iter(args)
        for token in tokens:
            if token == "--":
                return None
            if len(token) < 2 or not token.startswith("-") or NEGATIVE_NUMBER.fullmatch(token):
                continue
            name, given_value = (token.split("=", 1)[0], True) if token.startswith("--") and "=" in token \
                else (token, False)
            if name in takes_value:
                if takes_value[name] and not given_value:
                    next(tokens, None)  # the option's value, whatever it looks like (--add -3)
                continue
            close = get_close_matches(name, [known for known in takes_value if known.startswith("--")])
            hint = f" Did you mean {close[0]}?" if len(close) == 1 else (
                f" (Possible options: {', '.join(sorted(close))})" if close else "")
            return f"No such option: {name}{hint}"
        return None
