"""Startup stays light (quality.md: within 0.15 s of bare Python): `sendcli --version`
imports no command module and none of the heavy libraries. Timings live in bench/."""

from __future__ import annotations

import subprocess
import sys

from sendcli.cli.app import COMMAND_MODULES, app

PROBE = """
import sys
from sendcli.cli import main
try:
    main(["--version"])
except SystemExit:
    pass
print(" ".join(sorted(sys.modules)))
"""


def test_version_loads_no_command_and_no_heavy_library():
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True).stdout
    version, modules = out.splitlines()[0], set(out.splitlines()[-1].split())
    assert version.startswith("sendcli ")
    assert not {f"sendcli.cli.{m}" for m in COMMAND_MODULES.values()} & modules
    for heavy in ("yaml", "jsonschema", "jinja2", "rich", "ruamel", "yaml_rs", "jsonschema_rs", "pydantic",
                  "sendcli.core.workflow", "sendcli.checking"):
        assert heavy not in modules, heavy


def test_every_command_is_found_in_the_module_named_for_it():
    import importlib

    import typer.main

    for name, module in COMMAND_MODULES.items():
        group = typer.main.get_group(importlib.import_module(f"sendcli.cli.{module}").app)
        assert name in group.commands, name
        assert set(group.commands) <= set(COMMAND_MODULES), f"{module} defines a command --help would not list"
    assert list(typer.main.get_command(app).list_commands(None)) == list(COMMAND_MODULES)


def test_the_import_layouts_the_cli_offers_are_the_ones_import_knows():
    from sendcli.core import codes
    from sendcli.core.importing import PRESETS

    assert codes.IMPORT_PRESETS == tuple(PRESETS)
