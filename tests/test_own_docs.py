"""The project documents itself: docs/rules.md and docs/record.md stay true to the code and schema,
and nothing a user reads points at a file they do not have."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from conftest import REPO

DOCS = REPO / "docs"
RULES = DOCS / "rules.md"
RECORD = DOCS / "record.md"


def _backticked(text: str) -> set[str]:
    return set(re.findall(r"`([^`\n]+)`", text))


def test_every_deadline_kind_is_in_the_rules_table_with_its_source():
    from sendcli.core.deadlines import KINDS

    rows = {match[0]: match[1] for match in re.findall(r"^\| `([a-z0-9-]+)` \|(.*)\|$",
                                                          RULES.read_text(encoding="utf-8"), re.MULTILINE)}
    missing = [kind for kind in KINDS if kind not in rows]
    assert not missing, f"deadline kinds missing from docs/rules.md's table: {missing}"
    for kind in KINDS:
        source = rows[kind].rsplit("|", 1)[-1].strip()
        assert source, f"{kind}: the table gives no source"


def test_every_top_level_record_field_is_described():
    schema = json.loads((REPO / "schemas" / "record.schema.json").read_text(encoding="utf-8"))
    described = _backticked(RECORD.read_text(encoding="utf-8"))
    missing = [field for field in schema["properties"] if field not in described]
    assert not missing, f"record fields missing from docs/record.md: {missing}"


def test_every_field_of_child_and_cycles_is_described():
    schema = json.loads((REPO / "schemas" / "record.schema.json").read_text(encoding="utf-8"))
    text = RECORD.read_text(encoding="utf-8")
    child = schema["properties"]["child"]["properties"]
    assert not [name for name in child if name not in text], "a child field is missing from docs/record.md"


def test_every_provision_kind_and_need_code_is_documented():
    from sendcli.core import codes

    record_words = _backticked(RECORD.read_text(encoding="utf-8"))
    rules_words = _backticked(RULES.read_text(encoding="utf-8"))
    schema = json.loads((REPO / "schemas" / "record.schema.json").read_text(encoding="utf-8"))
    [kinds] = [enum for enum in _enums(schema) if "small-group" in enum]
    assert not [kind for kind in kinds if kind not in record_words]
    assert not [code for code in codes.NEED_CODES if code not in rules_words]


def _enums(node):
    if isinstance(node, dict):
        if isinstance(node.get("enum"), list):
            yield node["enum"]
        for value in node.values():
            yield from _enums(value)
    elif isinstance(node, list):
        for value in node:
            yield from _enums(value)


def test_every_closing_reason_is_documented():
    from sendcli.core import codes

    reasons = codes.CLOSE_REASONS
    words = _backticked(RULES.read_text(encoding="utf-8"))
    assert not [reason for reason in reasons if reason not in words]


def test_the_docs_link_to_each_other_and_exist():
    for page in (RULES, RECORD):
        for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", page.read_text(encoding="utf-8")):
            if not target.startswith("http"):
                assert (page.parent / target).is_file(), f"{page.name} links to a missing {target}"
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "docs/rules.md" in readme and "docs/record.md" in readme


# -- nothing points at a file the user does not have ------------------------------------------

#: The design documents the project was built from: they are not shipped.
_ELSEWHERE = re.compile(r"shared/|spec/|\bcli\.md\b|\bquality\.md\b")
#: rules.md and record.md exist only as docs/rules.md and docs/record.md.
_BARE_DOC = re.compile(r"(?<![\w/])(?:rules|record)\.md\b")


def _user_facing_files():
    yield REPO / "README.md"
    yield from sorted(DOCS.glob("*.md"))
    yield from sorted((REPO / "schemas").glob("*.json"))
    yield from sorted(p for p in (REPO / "templates").rglob("*") if p.is_file())
    yield from sorted(p for p in (REPO / "sendcli").rglob("*") if p.is_file() and p.suffix in (".j2", ".json"))


def _text_of(path: Path) -> str:
    """A file's text; a Word template's is the XML of its parts (what a user sees in Word)."""
    if path.suffix == ".docx":
        import zipfile

        with zipfile.ZipFile(path) as document:
            return "\n".join(document.read(name).decode("utf-8") for name in document.namelist()
                             if name.endswith(".xml"))
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", list(_user_facing_files()), ids=lambda p: str(p.relative_to(REPO)))
def test_no_document_points_at_a_file_users_do_not_have(path):
    text = _text_of(path)
    for number, line in enumerate(text.splitlines(), start=1):
        assert not _ELSEWHERE.search(line), f"{path.relative_to(REPO)}:{number}: {line.strip()}"
        # Inside docs/, a link from one page to its neighbour is fine: [rules.md](rules.md).
        bare = [m for m in _BARE_DOC.finditer(line)
                if not (path.parent == DOCS and line[max(0, m.start() - 1)] in "[(")]
        assert not bare, f"{path.relative_to(REPO)}:{number}: {line.strip()}"


def _strings_users_can_read(path: Path):
    """Every string constant of a module except docstrings: messages, help, templates."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            yield node.lineno, node.value


def test_no_message_or_help_points_at_a_file_users_do_not_have():
    found = []
    for path in sorted((REPO / "sendcli").rglob("*.py")):
        for line, text in _strings_users_can_read(path):
            if _ELSEWHERE.search(text) or _BARE_DOC.search(text):
                found.append(f"{path.relative_to(REPO)}:{line}: {text.strip()[:80]}")
    assert not found, "messages cite the law or docs/, never a design file:\n" + "\n".join(found)


def test_command_help_points_at_no_design_file(run):
    from sendcli.cli.usage import render
    from sendcli.cli import app

    usage = render(app)
    assert not _ELSEWHERE.search(usage) and not _BARE_DOC.search(usage)


def _command_paths() -> set[tuple[str, ...]]:
    from typer.main import get_command

    from sendcli.cli import app

    paths: set[tuple[str, ...]] = set()

    def walk(group, path):
        for name in group.list_commands(None):
            command = group.get_command(None, name)
            paths.add((*path, name))
            if hasattr(command, "list_commands"):
                walk(command, (*path, name))

    walk(get_command(app), ())
    return paths


@pytest.mark.parametrize("page", [RULES, RECORD], ids=lambda p: p.name)
def test_every_command_the_docs_name_exists(page):
    """The docs promise only what the tool does: each command they name is one of sendcli's."""
    paths = _command_paths()
    named = set()
    for quoted in re.findall(r"`([^`\n]+)`", page.read_text(encoding="utf-8")):
        words = quoted.removeprefix("sendcli ").split()
        if words and words[0] in {"cycle", "ehc", "add"} and len(words) > 1 and words[1].islower():
            named.add(tuple(words[:2]))
        elif quoted.startswith("sendcli ") and words:
            named.add((words[0],))
    assert named, "the docs name commands"
    missing = sorted(" ".join(path) for path in named - paths)
    assert not missing, f"{page.name} names commands sendcli does not have: {missing}"


def test_no_comment_in_the_code_points_at_a_design_file():
    """Comments cite the law, the project's own docs (docs/rules.md, docs/record.md) or the README."""
    found = []
    for path in sorted((REPO / "sendcli").rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if _ELSEWHERE.search(line) or _BARE_DOC.search(line):
                found.append(f"{path.relative_to(REPO)}:{number}: {line.strip()[:90]}")
    assert not found, "\n".join(found)
