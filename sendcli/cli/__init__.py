"""The command line: the only package that imports typer and rich.

Each module defines its own commands; :mod:`sendcli.cli.app` loads a module
only when one of its commands runs (``COMMAND_MODULES``). The commonest
one-record reads run without typer at all (:mod:`sendcli.cli.direct`), so
this package imports the Typer application only when it is asked for.
"""

import sys
import types


def main(argv: list[str] | None = None) -> None:
    """The console script (``sendcli``)."""
    from sendcli.cli.direct import main as run

    run(argv)


class _CommandLine(types.ModuleType):
    """This package, whose ``app`` is the Typer application, imported the first time it is asked for."""

    @property
    def app(self):
        from sendcli.cli.app import app

        return app

    @app.setter
    def app(self, module) -> None:
        # Importing the submodule sendcli.cli.app binds it to this name: ``from sendcli.cli import app``
        # stays the Typer application (the module is sys.modules["sendcli.cli.app"]).
        pass


sys.modules[__name__].__class__ = _CommandLine

__all__ = ["app", "main"]
