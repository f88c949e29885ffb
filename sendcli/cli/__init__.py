"""The command line: the only package that imports typer and rich.

Each module defines its own commands; :mod:`sendcli.cli.app` loads a module
only when one of its commands runs (``COMMAND_MODULES``).
"""

from sendcli.cli.app import app, main

__all__ = ["app", "main"]
