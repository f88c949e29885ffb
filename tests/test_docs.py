"""Docs can't drift: every command and option of cli.md exists, has help with an
example, and docs/usage.md is what the commands say about themselves."""

import re

import pytest
import typer

from conftest import REPO
from sendcli.cli import app
from sendcli.cli.usage import render

#: The contract, beside the checkout (CI lays ../shared beside its clone too).
CLI_MD = REPO.parent / "shared" / "spec" / "cli.md"
CLI_MD = CLI_MD if CLI_MD.exists() else None
ROOT = typer.main.get_command(app)

#: Commands of cli.md that belong to issues still open; each test flips (strict xfail) once built.
NOT_YET_BUILT: dict[str, int] = {
}


def contract() -> dict[tuple[str, ...], set[str]]:
    """cli.md's commands, each with the options it names."""
    text = CLI_MD.read_text(encoding="utf-8")
    commands: dict[tuple[str, ...], set[str]] = {}
    for signature in re.findall(r"^### `sendcli ([^`]*)`", text, re.MULTILINE):
        words = []
        for word in signature.split():
            if not re.fullmatch(r"[a-z][a-z-]*", word):
                break
            words.append(word)
        if words in (["add"], ["ehc"]):
            continue  # listed below, command by command
        commands[tuple(words)] = set(re.findall(r"--[a-z][a-z-]*", signature))
    for kind, signature, more in re.findall(r"^\| `add (\w+) ID([^`]*)` \|[^|]*\|(.*)\|\s*$", text, re.MULTILINE):
        commands[("add", kind)] = set(re.findall(r"--[a-z][a-z-]*", signature + more))
    events = text.split("EVENT is one of", 1)[1].split("Each records", 1)[0]
    events = re.sub(r"\([^)]*\)", "", events)  # asides such as "(status becomes `ehc-plan`)"
    for event, options in re.findall(r"`([a-z-]+)((?:\s--[a-z-]+\s[^`]*)?)`", events):
        commands[("ehc", event)] = set(re.findall(r"--[a-z][a-z-]*", options)) | {"--date"}
    for name in re.findall(r"`sendcli (register|provision-map|stats)`", text):
        commands[(name,)] = {"--format"}
    # Commands the later sections name in their bullet lists (a signature may wrap onto the next line).
    flat = re.sub(r"\s*\n\s*", " ", text)
    for words, signature in re.findall(
            r"- `((?:sendcli )?(?:add reading|impact|passports|pack ehc-request|export|decrypt))\b([^`]*)`", flat):
        path = tuple(words.removeprefix("sendcli ").split())
        commands[path] = commands.get(path, set()) | set(re.findall(r"--[a-z][a-z-]*", signature))
    commands[("report",)] |= {"--all", "--output-dir"}
    commands[("import",)] |= {"--all-or-nothing"}
    return commands


def find(path: tuple[str, ...]):
    command = ROOT
    for word in path:
        command = command.get_command(None, word) if hasattr(command, "get_command") else None
        if command is None:
            return None
    return command


def cases():
    if CLI_MD is None:
        return []
    return [pytest.param(path, options, id=" ".join(path),
                         marks=[pytest.mark.xfail(strict=True, reason=f"issue {NOT_YET_BUILT[' '.join(path)]}")]
                         if " ".join(path) in NOT_YET_BUILT else [])
            for path, options in sorted(contract().items())]


@pytest.mark.skipif(CLI_MD is None, reason="../shared/spec/cli.md is not beside this checkout")
def test_the_contract_names_the_commands_we_expect():
    names = {" ".join(path) for path in contract()}
    assert {"init", "new", "check", "cycle open", "add provision", "ehc la-decision", "due", "stats"} <= names
    assert len(names) >= 34


@pytest.mark.parametrize("path, options", cases())
def test_every_command_and_option_of_the_contract_exists(path, options):
    command = find(path)
    assert command is not None, f"sendcli {' '.join(path)} does not exist"
    have = {opt for param in command.params for opt in (*getattr(param, "opts", ()),
                                                          *getattr(param, "secondary_opts", ()))}
    write_commands = path[0] in ("cycle", "add", "ehc", "close", "edit")
    wanted = options | ({"--commit"} if write_commands else set())
    assert wanted <= have, f"missing: {sorted(wanted - have)}"
    assert "Example" in (command.help or ""), "its --help has no example"


def test_global_options_exist():
    have = {opt for param in ROOT.params for opt in param.opts}
    assert {"--root", "--debug", "--version"} <= have


def test_docs_usage_is_up_to_date():
    usage = REPO / "docs" / "usage.md"
    assert usage.read_text(encoding="utf-8") == render(app), "docs/usage.md is stale: run make docs"


def test_every_built_command_is_documented_in_the_reference():
    usage = (REPO / "docs" / "usage.md").read_text(encoding="utf-8")
    for path, _ in contract().items() if CLI_MD else []:
        if " ".join(path) not in NOT_YET_BUILT and find(path) is not None:
            assert f"## `sendcli {' '.join(path)}`" in usage
