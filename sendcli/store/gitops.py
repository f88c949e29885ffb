"""git as the casebook's audit trail: commit one record, read one record's history."""

from __future__ import annotations

import os
import re
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


#: What a commit message may say beyond the record's ID: the kind of change, in the tool's own
#: words (and a field's path, for ``set``). Free text (a reason, a view, a name) would enter git
#: history, out of reach of a purge.
_KIND_OF_CHANGE = re.compile(r"[A-Za-z][A-Za-z0-9 '._\[\]-]{0,80}", re.ASCII)


def commit_message(record_id: str, kind_of_change: str) -> str:
    """``ID: kind of change`` (``ava-e16: add a view``), and nothing from the record or the user."""
    if not _KIND_OF_CHANGE.fullmatch(kind_of_change):
        raise ValueError("a commit message names the kind of change in the tool's own words only")
    return f"{record_id}: {kind_of_change}"


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
    """``git log`` of one file, newest first, through its renames but never a copy.

    ``git log --follow`` lets copy detection take a near-identical sibling
    record as this file's origin and list that child's commits here, a
    disclosure in an audit trail or a subject access request. So the history
    is walked by path: the commits that touched the file under its name; where
    the oldest of them added it as a rename (the old file deleted in the same
    commit), the walk goes on under the old name from that commit's parent.
    A sibling that still exists is never a rename's source.
    """
    require_repository(root, "run 'git init' there and commit the casebook to keep its history")
    top = Path(_git(root, "rev-parse", "--show-toplevel").stdout.strip()).resolve()
    try:
        name = path.resolve().relative_to(top).as_posix()
    except ValueError:
        raise GitProblem(f"{path} is outside the git repository at {top}") from None
    entries: list[LogEntry] = []
    if _git(top, "rev-parse", "--verify", "--quiet", "HEAD").returncode != 0:
        return entries  # a repository with no commit yet: nothing has a history
    start = "HEAD"
    seen: set[str] = set()
    while name not in seen:  # a file renamed back and forth ends the walk rather than loop
        seen.add(name)
        result = _git(top, "log", "--date=short", "--format=%H%x1f%ad%x1f%an%x1f%s", start, "--", name)
        if result.returncode != 0:
            raise GitProblem(f"git log failed: {' '.join(result.stderr.strip().splitlines()[:1])}")
        commits = [line.split("\x1f", 3) for line in result.stdout.splitlines() if line.count("\x1f") == 3]
        entries += [LogEntry(date, author, message) for _, date, author, message in commits]
        if not commits:
            break
        oldest = commits[-1][0]
        origin = _renamed_from(top, oldest, name)
        if origin is None:
            break
        name, start = origin, f"{oldest}^"
    return entries


def _renamed_from(top: Path, commit: str, name: str) -> str | None:
    """The file ``commit`` renamed to ``name`` (rename detection only, no copies), if it did."""
    result = _git(top, "diff-tree", "-r", "--root", "-M", "--no-commit-id", "--name-status", "-z", commit)
    fields = result.stdout.split("\0")
    index = 0
    while index < len(fields) - 1:
        status = fields[index]
        if status.startswith("R"):
            old, new = fields[index + 1], fields[index + 2]
            if new == name:
                return old
            index += 3
        else:
            index += 2
    return None


def record_history_text(root: Path, path: Path, author: str | None = None) -> str | None:
    """One record's history with each version's changes, oldest first; None outside a git repository.

    Renames are not followed and copies never looked for: a record's ID is its
    file name, so its history is the history of that one path, and git's copy
    detection would pull in a near-identical sibling record's history. With
    ``author``, that word stands in for every author's name.
    """
    inside = _git(root, "rev-parse", "--is-inside-work-tree")
    if inside.returncode != 0 or inside.stdout.strip() != "true":
        return None
    top = Path(_git(root, "rev-parse", "--show-toplevel").stdout.strip()).resolve()
    relative = path.resolve().relative_to(top).as_posix()
    listed = _git(top, "log", "--reverse", "--no-renames", "--date=iso-strict",
                  "--format=%H%x1f%ad%x1f%an%x1f%s", "--", relative)
    if listed.returncode != 0:
        return None  # a repository with no commit yet
    parts = []
    for line in listed.stdout.splitlines():
        if line.count("\x1f") != 3:
            continue
        commit, when, name, message = line.split("\x1f")
        change = _git(top, "show", "--no-renames", "--no-ext-diff", "--no-color", "--format=", commit,
                      "--", relative).stdout
        parts.append(f"commit {commit}\nDate:   {when}\nAuthor: {author or name}\n\n    {message}\n\n{change}")
    if not parts:
        return "The record's file has not been committed yet.\n"
    return "\n".join(parts)


def is_repository(root: Path) -> bool:
    result = _git(root, "rev-parse", "--is-inside-work-tree")
    return result.returncode == 0 and result.stdout.strip() == "true"


def top_level(root: Path) -> Path:
    return Path(_git(root, "rev-parse", "--show-toplevel").stdout.strip()).resolve()


def has_uncommitted_changes(root: Path) -> bool:
    """Changes to tracked files, staged or not (untracked files survive a history rewrite)."""
    return bool(_git(top_level(root), "status", "--porcelain", "--untracked-files=no").stdout.strip())


def is_tracked(root: Path, path: Path) -> bool:
    top = top_level(root)
    relative = path.resolve().relative_to(top).as_posix()
    return _git(top, "ls-files", "--error-unmatch", "--", relative).returncode == 0


def commit_removal(root: Path, removed: Path | None, log: Path, message: str) -> None:
    """Commit the removal of ``removed`` (if it was tracked) with ``log``, alone."""
    top = top_level(root)
    paths = [log.resolve().relative_to(top).as_posix()]
    if removed is not None:
        gone = Path(os.path.abspath(removed)).relative_to(top).as_posix()
        result = _git(top, "rm", "--quiet", "--cached", "--ignore-unmatch", "--", gone)
        if result.returncode != 0:
            raise GitProblem(f"the record was removed, but git could not stage its removal: "
                             f"{_first_line(result)}")
        paths.append(gone)
    result = _git(top, "add", "--", paths[0])
    if result.returncode == 0:
        result = _git(top, "commit", "--quiet", "--only", "-m", message, "--", *paths)
    if result.returncode != 0:
        raise GitProblem(f"the record was removed, but git could not commit the removal: {_first_line(result)}")


def remove_from_history(root: Path, filter_repo: list[str], relative: str) -> None:
    """Rewrite every commit of the repository without ``relative`` (git-filter-repo), then prune."""
    top = top_level(root)
    try:
        result = subprocess.run([*filter_repo, "--force", "--quiet", "--invert-paths", "--path", relative],
                                cwd=top, capture_output=True, text=True, check=False)
    except OSError as error:
        raise GitProblem(f"git-filter-repo could not be run: {error.strerror}") from None
    if result.returncode != 0:
        raise GitProblem(f"git-filter-repo failed: {_first_line(result)}; the record is removed from the "
                         "working tree and the last commit, but older commits still hold it")
    # filter-repo expires the reflog and repacks; make sure nothing unreachable is left in the object store.
    _git(top, "reflog", "expire", "--expire=now", "--all")
    _git(top, "gc", "--quiet", "--prune=now")


def _first_line(result: subprocess.CompletedProcess) -> str:
    return " ".join((result.stderr or result.stdout or "").strip().splitlines()[:1])
