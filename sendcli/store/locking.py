"""A per-record lock, so that two writers never lose each other's update.

``flock`` locks belong to an open file: the kernel releases them when the
process ends, however it ends, so a writer killed mid-write can never leave a
stale lock behind. Writers wait their turn (30 s by default) and only past
that bound get a clear refusal (the README, "Writes you can trust").
"""

from __future__ import annotations

import errno
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sendcli.errors import SendcliError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]
    import msvcrt

DEFAULT_TIMEOUT_SECONDS = 30.0
_NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)


class RecordBusy(SendcliError):
    pass


@contextmanager
def record_lock(lock_dir: Path, record_id: str, timeout: float = DEFAULT_TIMEOUT_SECONDS) -> Iterator[None]:
    """Hold the lock of ``record_id`` for the duration of the block."""
    from sendcli.store.casebook import ensure_private_dir

    ensure_private_dir(lock_dir)  # refuses a .sendcli that is a link or not a folder
    # O_NOFOLLOW: a lock file planted as a link must not make us create or lock a file elsewhere.
    path = lock_dir / f"{record_id}.lock"
    try:
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT | _NO_FOLLOW, 0o600)
    except OSError as error:
        if error.errno != errno.ELOOP:
            raise
        raise SendcliError(f"{path} is a symbolic link; sendcli never opens its lock files through a link. "
                           "Remove it and run the command again; nothing was written") from None
    try:
        _acquire(descriptor, record_id, timeout)
        try:
            yield
        finally:
            _release(descriptor)
    finally:
        os.close(descriptor)


def _acquire(descriptor: int, record_id: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    pause = 0.005
    while True:
        try:
            if fcntl is not None:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            else:  # pragma: no cover - Windows
                msvcrt.locking(descriptor, msvcrt.LK_NBLCK, 1)
            return
        except OSError:
            if time.monotonic() >= deadline:
                raise RecordBusy(f"record '{record_id}' is being changed by another sendcli and stayed locked "
                                 f"for {timeout:g} seconds; nothing was written. Try again.") from None
            time.sleep(pause)
            pause = min(pause * 2, 0.1)


def _release(descriptor: int) -> None:
    if fcntl is not None:
        fcntl.flock(descriptor, fcntl.LOCK_UN)
    else:  # pragma: no cover - Windows
        os.lseek(descriptor, 0, os.SEEK_SET)
        msvcrt.locking(descriptor, msvcrt.LK_UNLCK, 1)
