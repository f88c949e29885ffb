"""The command line: the only package that imports typer and rich."""

from sendcli.cli.app import app, main
from sendcli.cli import check as _check  # noqa: F401  (registers its command)
from sendcli.cli import records as _records  # noqa: F401
from sendcli.cli import workflow as _workflow  # noqa: F401
from sendcli.cli import history as _history  # noqa: F401
from sendcli.cli import deadlines as _deadlines  # noqa: F401
from sendcli.cli import reports as _reports  # noqa: F401
from sendcli.cli import adoption as _adoption  # noqa: F401

__all__ = ["app", "main"]
