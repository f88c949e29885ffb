"""Compiled templates kept between runs, so `report ID` does not compile its template every time.

Jinja compiles a template to Python before it renders it: for the plan, about
25 ms a run, as long as the rest of `report ID`'s own work. The compiled code is
kept in the user's own cache folder (``$XDG_CACHE_HOME/sendcli/templates``,
else ``~/.cache/sendcli/templates``), never in the casebook: a casebook is
shared through git, and compiled code read from a file runs as Python, outside
the sandbox that guards a template. So a cached file is used only when it is a
regular file of the user's own that no one else can write, in a folder that is
the user's own and private (0700); the folder and files are made so, whatever
the umask. Each entry is keyed by the template's name and path, checked against
a checksum of its source (Jinja's own bucket), and named after the
environment's settings, so a changed template, setting, filter or Jinja is
compiled afresh. Nothing of a record is ever in it: only the templates' code.
Where the folder cannot be made or trusted, templates are compiled as before.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

#: A compiled template is a few hundred KB at most; anything larger is not ours.
_LARGEST_ENTRY = 16 * 1024 * 1024


def cache_folder() -> Path | None:
    """The private folder for compiled templates, made if need be; None where it cannot be trusted."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    if not os.path.isabs(base):
        return None
    folder = Path(base) / "sendcli" / "templates"
    try:
        for part in (Path(base), folder.parent, folder):
            if not part.is_dir():
                part.mkdir(mode=0o700)
        info = os.lstat(folder)
        if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
            return None
        if stat.S_IMODE(info.st_mode) != 0o700:
            os.chmod(folder, 0o700)
    except OSError:
        return None
    return folder


def settings_key(environment) -> str:
    """What the compiled code depends on besides the source: the sandbox, the escaping, the whitespace
    rules, the filters and tests it names, and Jinja's version."""
    import jinja2

    finalize = environment.finalize
    described = repr((
        [kind.__name__ for kind in type(environment).__mro__], sorted(getattr(environment, "intercepted_binops", ())),
        environment.autoescape if isinstance(environment.autoescape, bool) else "function",
        environment.trim_blocks, environment.lstrip_blocks, environment.keep_trailing_newline,
        getattr(finalize, "__qualname__", None), environment.block_start_string, environment.variable_start_string,
        environment.comment_start_string, sorted(environment.filters), sorted(environment.tests),
        sorted(environment.extensions), jinja2.__version__,
    ))
    return hashlib.sha256(described.encode()).hexdigest()[:16]


def bytecode_cache(environment):
    """A Jinja bytecode cache for ``environment`` in :func:`cache_folder`; None where there is none."""
    folder = cache_folder()
    if folder is None:
        return None
    from jinja2 import FileSystemBytecodeCache

    class PrivateBytecodeCache(FileSystemBytecodeCache):
        def load_bytecode(self, bucket) -> None:
            flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
            try:
                descriptor = os.open(self._get_cache_filename(bucket), flags)
            except OSError:
                return
            with os.fdopen(descriptor, "rb") as handle:
                info = os.fstat(handle.fileno())
                if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid() \
                        or stat.S_IMODE(info.st_mode) & 0o077 or info.st_size > _LARGEST_ENTRY:
                    return
                try:
                    bucket.load_bytecode(handle)
                except Exception:  # noqa: BLE001 - a damaged entry: compiled afresh (and written again)
                    bucket.reset()

        def dump_bytecode(self, bucket) -> None:
            # A temporary file (mode 0600) renamed into place; a cache that cannot be written is no error.
            try:
                super().dump_bytecode(bucket)
            except OSError:
                pass

    return PrivateBytecodeCache(str(folder), f"{settings_key(environment)}-%s.cache")
