"""Startup stays light (bench/README.md: within 0.15 s of bare Python): `sendcli --version`
imports no command module and none of the heavy libraries. Timings live in bench/."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

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
                  "holidays", "sendcli.core.workflow", "sendcli.store.checking", "weasyprint", "pypdf"):
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


#: Runs ``sendcli ARGS`` in a fresh interpreter and prints the modules it loaded on its last line.
COMMAND_PROBE = """
import os, sys
from sendcli.cli import main
try:
    main(sys.argv[1:])
except SystemExit as exit:
    code = exit.code
else:
    code = 0
sys.stdout.flush()
os.write(1, ("\\n" + str(code) + " " + " ".join(sorted(sys.modules)) + "\\n").encode())
"""


def modules_loaded_by(*args: str, cwd) -> set[str]:
    env = {**os.environ, "SENDCLI_TODAY": "2026-11-28", "NO_COLOR": "1"}
    env.pop("SENDCLI_ROOT", None)
    out = subprocess.run([sys.executable, "-c", COMMAND_PROBE, *args], capture_output=True, text=True, check=True,
                         cwd=cwd, env=env).stdout
    code, *modules = out.splitlines()[-1].split()
    assert code in ("0", "None"), out
    return set(modules)


def top_level(modules: set[str]) -> set[str]:
    return {name.split(".")[0] for name in modules}


def test_show_loads_no_pydantic_and_no_command_module(example_casebook):
    """A one-record read stays within 0.15 s (bench/README.md): typer's pydantic layer (about 60 ms) never
    loads, and `show ID` runs directly (sendcli.cli.direct), with no command module."""
    loaded = modules_loaded_by("show", "ae-16", cwd=example_casebook)
    assert "sendcli.cli.reading" in loaded
    assert not top_level(loaded) & {"pydantic", "pydantic_core", "jinja2", "jsonschema", "ruamel", "openpyxl"}
    assert not {f"sendcli.cli.{m}" for m in COMMAND_MODULES.values()} & loaded
    assert "typer._adapters" not in loaded


def test_show_as_json_loads_no_rich(example_casebook):
    """Plain output needs no rich (about 35 ms to import): only the boxed text view of `show` uses it."""
    loaded = modules_loaded_by("show", "ae-16", "--format", "json", cwd=example_casebook)
    assert not top_level(loaded) & {"rich", "pydantic"}


def test_version_loads_no_pydantic():
    loaded = modules_loaded_by("--version", cwd=".")
    assert not top_level(loaded) & {"pydantic", "pydantic_core", "rich"}


def _every_parameter():
    import importlib

    import typer.main

    params = list(typer.main.get_command(app).params)
    for module in sorted(set(COMMAND_MODULES.values())):
        stack = [typer.main.get_group(importlib.import_module(f"sendcli.cli.{module}").app)]
        while stack:
            command = stack.pop()
            params += [(param) for param in command.params]
            stack += list((getattr(command, "commands", None) or {}).values())
    return params


def _sample_values(annotation):
    from enum import Enum

    if annotation is str:
        return ["text", "", "  spaced  ", "ünïcode"]
    if annotation is bool:
        return [True, False]
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return [*(member.value for member in annotation), *annotation]
    if getattr(annotation, "__origin__", None) is list:
        return [(value,) for value in _sample_values(annotation.__args__[0])] + [()]
    return []


def test_the_light_coercion_gives_what_typers_own_gives():
    """Every option's plain values come out of :func:`light_coercion` exactly as typer's pydantic layer makes
    them (same value, same type), so skipping that layer changes nothing a command sees."""
    from typer._coercion import build_runtime_param

    from sendcli.cli.app import light_coercion

    checked = 0
    for param in _every_parameter():
        descriptor = getattr(param, "type_descriptor", None)
        if descriptor is None:
            continue
        param._runtime_param = None
        light_coercion(param)
        light = param._runtime_param
        assert light is not None, param.name
        own = build_runtime_param(descriptor)
        for value in _sample_values(descriptor.annotation):
            if param.multiple or param.nargs == -1:
                if not isinstance(value, tuple):
                    continue
            elif isinstance(value, tuple):
                continue
            ours, theirs = light.coerce(value, param, None), own.coerce(value, param, None)
            assert (ours, type(ours)) == (theirs, type(theirs)), (param.name, value)
            checked += 1
    assert checked > 200


def test_a_value_the_light_coercion_cannot_read_gets_typers_own_message(example_casebook):
    """A wrong choice or a number that is not one still meets typer's checks and messages (exit 2)."""
    env = {**os.environ, "SENDCLI_TODAY": "2026-11-28"}
    wrong_choice = subprocess.run([sys.executable, "-m", "sendcli", "show", "ae-16", "--format", "jsn"],
                                  capture_output=True, text=True, cwd=example_casebook, env=env)
    assert wrong_choice.returncode == 2
    assert "'jsn' is not one of text, json; did you mean json?" in wrong_choice.stderr
    out_of_range = subprocess.run([sys.executable, "-m", "sendcli", "ehc", "transfer", "kt-12", "--year", "1999",
                                   "--to", "school"], capture_output=True, text=True, cwd=example_casebook, env=env)
    assert out_of_range.returncode == 2
    assert "--year" in out_of_range.stderr and "greater than or equal to 2000" in out_of_range.stderr
    not_a_number = subprocess.run([sys.executable, "-m", "sendcli", "ehc", "transfer", "kt-12", "--year", "soon",
                                   "--to", "school"], capture_output=True, text=True, cwd=example_casebook, env=env)
    assert not_a_number.returncode == 2 and "--year" in not_a_number.stderr


#: Libraries no one-record command needs: the precise YAML reader and the jsonschema messages (only for a
#: file with a problem), templates, typer's pydantic layer, and what the renderers and importers bring.
NOT_FOR_ONE_RECORD = {"yaml", "jsonschema", "jinja2", "pydantic", "pydantic_core", "matplotlib", "docxtpl", "docx",
                      "weasyprint", "openpyxl", "lxml", "defusedxml", "cryptography", "holidays"}


def test_show_of_a_clean_record_loads_no_precise_reader_and_no_renderer(example_casebook):
    """`show` of a clean record reads it, sendcli.yaml and local-offer.yaml the fast way: PyYAML (about
    20 ms) and jsonschema load only for a file with a problem, whose messages they write."""
    loaded = modules_loaded_by("show", "ae-16", cwd=example_casebook)
    assert not top_level(loaded) & NOT_FOR_ONE_RECORD
    assert "sendcli.store.loading" not in loaded


def test_show_as_json_loads_nothing_for_display(example_casebook):
    loaded = modules_loaded_by("show", "ae-16", "--format", "json", cwd=example_casebook)
    assert not top_level(loaded) & (NOT_FOR_ONE_RECORD | {"rich", "ruamel"})


@pytest.mark.parametrize("command", [
    ("add", "note", "ae-16", "--by", "Test SENCO", "--text", "Worked with a partner today."),
    ("set", "ae-16", "needs.summary", "Finds long instructions hard (fictional)."),
    ("cycle", "advance", "ae-16"),
])
def test_a_write_loads_only_the_round_trip_writer(example_casebook, command):
    """A write loads ruamel.yaml (its round trip keeps the file's comments and layout) and nothing for
    display: no rich, no templates, no precise reader for a clean record."""
    loaded = modules_loaded_by(*command, cwd=example_casebook)
    assert "ruamel" in top_level(loaded)
    assert not top_level(loaded) & (NOT_FOR_ONE_RECORD | {"rich"})
    assert "sendcli.store.loading" not in loaded


def test_the_new_commands_leave_the_start_up_of_the_others_alone(example_casebook):
    """`--version` and `show` load no command module (they run directly), and no library only another
    command needs (impact, passports, DOCX/PDF rendering, packs, export)."""
    for args in (("--version",), ("show", "ae-16")):
        loaded = modules_loaded_by(*args, cwd=example_casebook)
        assert not {f"sendcli.cli.{m}" for m in COMMAND_MODULES.values()} & loaded, args
        assert not top_level(loaded) & (NOT_FOR_ONE_RECORD | {"sqlite3", "ruamel"}), args
        assert not {m for m in loaded if m.startswith(("sendcli.documents.rendering", "sendcli.documents.reporting",
                                                       "sendcli.exchange"))}, args


#: Runs ``sendcli ARGS`` and prints the names of the commands typer built on its last line.
BUILT_PROBE = """
import os, sys
import typer.main
built = []
build = typer.main.get_command_from_info
def counted(command_info, **kwargs):
    command = build(command_info, **kwargs)
    built.append(command.name)
    return command
typer.main.get_command_from_info = counted
from sendcli.cli.app import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
sys.stdout.flush()
os.write(1, ("\\n" + " ".join(built) + "\\n").encode())
"""


@pytest.mark.parametrize("args, built", [
    (("add", "note", "ae-16", "--by", "Test SENCO", "--text", "Worked with a partner today."), ["note"]),
    (("cycle", "advance", "ae-16"), ["advance"]),
    (("ehc", "request", "ts-20", "--date", "2026-10-02"), ["request"]),
    (("set", "ae-16", "needs.summary", "Finds long instructions hard (fictional)."), ["set"]),
    (("close", "--help"), ["close"]),
])
def test_a_command_builds_its_own_typer_command_alone(example_casebook, args, built):
    """Typer reads a command's signature and makes each option when it builds it: a write builds only the
    command it runs, not the dozen others of its module (workflow's all took about 8 ms)."""
    env = {**os.environ, "SENDCLI_TODAY": "2026-11-28", "NO_COLOR": "1"}
    out = subprocess.run([sys.executable, "-c", BUILT_PROBE, *args], capture_output=True, text=True,
                         cwd=example_casebook, env=env, check=True).stdout
    assert out.splitlines()[-1].split() == built


def test_a_groups_help_still_lists_every_command(example_casebook):
    from typer.testing import CliRunner

    result = CliRunner().invoke(app, ["add", "--help"], env={"NO_COLOR": "1", "COLUMNS": "100"})
    assert result.exit_code == 0
    listed = [line.split()[0] for line in result.output.split("Commands:")[1].splitlines() if line.strip()]
    import typer.main

    from sendcli.cli import workflow

    assert listed == list(typer.main.get_group(workflow.app).commands["add"].commands)
