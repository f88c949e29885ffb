"""docs/usage.md, generated from the commands themselves so that it cannot drift.

``python -m sendcli.cli.usage > docs/usage.md`` (``make docs``); a test fails
when the file differs from what this prints.
"""

from __future__ import annotations

import sys

import typer


def _commands(group, path: tuple[str, ...] = ()):
    for name in group.list_commands(None):
        command = group.get_command(None, name)
        if command is None or getattr(command, "hidden", False):
            continue
        if hasattr(command, "list_commands"):
            yield from _commands(command, (*path, name))
        else:
            yield (*path, name), command


def _clean(text: str) -> str:
    """The command's help as Markdown: its examples as a shell code block."""
    out: list[str] = []
    in_example = False
    for line in (text or "").strip().splitlines():
        if line.strip() == "\b":
            continue
        if line.strip() in ("Example:", "Examples:"):
            out += [line.strip(), "", "```sh"]
            in_example = True
            continue
        if in_example and not line.startswith("  "):
            out.append("```")
            in_example = False
        out.append(line[2:] if in_example else line)
    if in_example:
        out.append("```")
    return "\n".join(out)


def _option_row(param) -> str:
    names = ", ".join(f"`{opt}`" for opt in (*param.opts, *param.secondary_opts))
    text = (param.help or "").replace("|", "\\|").replace("\n", " ")
    return f"| {names} | {text} |"


def render(app: typer.Typer) -> str:
    root = typer.main.get_command(app)
    out = ["# sendcli command reference", "",
           "Generated from `sendcli --help` by `make docs`; a test fails when it is out of date.", ""]
    global_options = [p for p in root.params if p.param_type_name == "option" and p.opts[0] != "--help"]
    out += ["## Global options", "", "| option | meaning |", "|---|---|"]
    out += [_option_row(p) for p in global_options] + [""]
    for path, command in _commands(root):
        arguments = " ".join((p.metavar or p.name.upper()) for p in command.params
                             if p.param_type_name == "argument")
        out += [f"## `sendcli {' '.join(path)}`", "", f"Usage: `sendcli {' '.join(path)} [OPTIONS] {arguments}`".rstrip(),
                "", _clean(command.help), ""]
        options = [p for p in command.params if p.param_type_name == "option" and "--help" not in p.opts]
        if options:
            out += ["| option | meaning |", "|---|---|"] + [_option_row(p) for p in options] + [""]
    return "\n".join(out).rstrip() + "\n"


if __name__ == "__main__":
    from sendcli.cli import app

    sys.stdout.write(render(app))
