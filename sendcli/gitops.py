"""git as the casebook's audit trail: commit one record, read one record's history."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from sendcli.errors import SendcliError


class GitProblem(SendcliError):
    pass


def _git(root: Path, *args: str) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise GitProblem("git is not installed, or not on the PATH") from None


def require_repository(root: Path, hint: str = "run 'git init' there, or leave out --commit") -> None:
    result = _git(root, "rev-parse", "--is-inside-work-tree")
    if result.returncode != 0 or result.stdout.strip() != "true":
        raise GitProblem(f"{root} is not in a git repository ({hint})")


def commit_file(root: Path, path: Path, message: str) -> None:
    """Commit ``path`` alone: whatever else is staged stays staged and uncommitted."""
    top = Path(_git(root, "rev-parse", "--show-toplevel").stdout.strip()).resolve()
    relative = path.resolve().relative_to(top).as_posix()
    result = _git(top, "add", "--", relative)
    if result.returncode == 0:
        result = _git(top, "commit", "--quiet", "--only", "-m", message, "--", relative)
    if result.returncode != 0:
        reason = " ".join((result.stderr or result.stdout).strip().splitlines()[:1])
        raise GitProblem(f"the record was saved, but git could not commit it: {reason}")


@dataclass(frozen=True)
class LogEntry:
    date: str
    author: str
    message: str


def file_history(root: Path, path: Path) -> list[LogEntry]:
    """``git log`` of one file, newest first, following renames."""
    require_repository(root, "run 'git init' there and commit the casebook to keep its history")
    result = _git(root, "log", "--follow", "--date=short", "--format=%ad%x1f%an%x1f%s", "--",
                  str(path.resolve()))
    if result.returncode != 0:
        raise GitProblem(f"git log failed: {result.stderr.strip().splitlines()[:1]}")
    return [LogEntry(*line.split("\x1f", 2)) for line in result.stdout.splitlines() if line.count("\x1f") == 2]
