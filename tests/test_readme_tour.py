"""The README's tour, run as written: every command of its marked blocks, in a fresh folder.

A newcomer types the tour's commands in order after ``make demo``; so does
this test, through the installed ``sendcli`` console script (the one ``make
install`` puts in ``.venv/bin``, which ``. .venv/bin/activate`` puts on the
PATH), never ``python -m``. The tour's blocks are the ``sh`` blocks of
README.md that follow a ``<!-- tour -->`` line; they run one after the other
in one shell, so ``cd`` carries on as it does for the reader.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO

TOUR_MARK = "<!-- tour -->"
SENDCLI = Path(sys.executable).parent / "sendcli"


def tour_blocks(readme: str) -> list[str]:
    """The ``sh`` blocks that follow a tour mark, in order."""
    blocks = re.findall(rf"^{re.escape(TOUR_MARK)}\n```sh\n(.*?)^```$", readme, re.MULTILINE | re.DOTALL)
    return [block for block in blocks if block.strip()]


def tour_commands(readme: str) -> list[str]:
    """Every command of the tour, continuation lines joined, comments and blank lines left out."""
    commands = []
    for block in tour_blocks(readme):
        for line in re.sub(r"\\\n\s*", "", block).splitlines():
            command = re.sub(r"\s+#\s.*$", "", line).strip()
            if command and not command.startswith("#"):
                commands.append(command)
    return commands


def test_the_readme_marks_a_tour_that_starts_from_nothing():
    commands = tour_commands((REPO / "README.md").read_text(encoding="utf-8"))
    assert len(commands) >= 10, "the tour's blocks are marked with <!-- tour --> before ```sh"
    # The tour fixes its own date, so that its review dates stay ahead of "today" for good.
    assert re.fullmatch(r"export SENDCLI_TODAY=\d{4}-\d{2}-\d{2}", commands[0])
    assert commands[1].startswith("sendcli init"), "the tour starts by making a casebook"
    assert all("python -m" not in command for command in commands)


def test_make_demo_ends_by_saying_how_to_run_sendcli():
    recipe = (REPO / "Makefile").read_text(encoding="utf-8").split("\ndemo:", 1)[1].split("\n\n", 1)[0]
    said = "\n".join(re.findall(r'@echo "(.*)"', recipe))
    assert ". .venv/bin/activate" in said and "pipx install ." in said and "command not found" in said
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert ". .venv/bin/activate" in readme and "pipx install ." in readme


def test_tour_extraction_joins_continuations_and_drops_comments():
    readme = ("text\n<!-- tour -->\n```sh\nsendcli a   # first\n# a note\nsendcli b \\\n    --x 1\n```\n"
              "```sh\nsendcli not-the-tour\n```\n")
    assert tour_commands(readme) == ["sendcli a", "sendcli b --x 1"]


@pytest.fixture
def fresh_folder(tmp_path):
    folder = tmp_path / "newcomer"
    folder.mkdir()
    return folder


def test_every_command_of_the_readme_tour_works_as_written(fresh_folder, tmp_path):
    assert SENDCLI.is_file(), "the installed console script (make install)"
    commands = tour_commands((REPO / "README.md").read_text(encoding="utf-8"))
    home = tmp_path / "home"
    home.mkdir()
    env = {
        "PATH": f"{SENDCLI.parent}:/usr/bin:/bin",
        "HOME": str(home), "LANG": "C.UTF-8", "NO_COLOR": "1",  # the tour sets SENDCLI_TODAY itself
        # git commit needs a name; a newcomer's git has one.
        "GIT_AUTHOR_NAME": "Test SENCO", "GIT_AUTHOR_EMAIL": "senco@example.org",
        "GIT_COMMITTER_NAME": "Test SENCO", "GIT_COMMITTER_EMAIL": "senco@example.org",
        "GIT_CONFIG_GLOBAL": str(home / ".gitconfig"), "GIT_CONFIG_NOSYSTEM": "1",
    }
    # One shell for the whole tour, so that `cd casebook` carries on as it does for the reader;
    # each step announces itself on stderr, and the first that fails stops the tour.
    steps = [f"echo {_MARK}{position} >&2\n{command}" for position, command in enumerate(commands, start=1)]
    result = subprocess.run(["bash", "-c", "\n".join(["set -e -o pipefail", *steps])], cwd=fresh_folder,
                            env=env, capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        failed = int(re.findall(rf"^{_MARK}(\d+)$", result.stderr, re.MULTILINE)[-1])
        said = result.stderr.rsplit(f"{_MARK}{failed}\n", 1)[-1].strip()
        pytest.fail(f"the README tour fails at step {failed} of {len(commands)} (exit {result.returncode}):\n"
                    f"  $ {commands[failed - 1]}\n  {said}")
    assert re.findall(rf"^{_MARK}(\d+)$", result.stderr, re.MULTILINE)[-1] == str(len(commands))


_MARK = "=== tour step "
