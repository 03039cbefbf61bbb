"""Atomic file writes and the one-app-per-event lock.

A record is replaced, never rewritten in place: the new text goes to a
temporary file in the same folder, is flushed and fsynced, then renamed over
the old one, and the folder is fsynced so the rename itself survives a power
cut. Killed at any instant, the file is either the old one or the new one.
"""

from __future__ import annotations

import fcntl
import os
import re
import tempfile
from pathlib import Path

from .problems import BattledecksError

TEMP_SUFFIX = ".tmp"


def _temp_prefix(path: Path) -> str:
    """The start of the names of ``path``'s temporary files: ``.NAME.``."""
    return f".{path.name}."


PRIVATE = 0o600
"""The mode of files only the host may read: the record (judges' scores before the reveal), the screen key."""


def atomic_write(path: Path, data: bytes | str, *, mode: int | None = None) -> None:
    """Replace ``path`` with ``data`` atomically.

    Args:
        mode: The file's mode (say :data:`PRIVATE`; the temporary file is
            0600 while it is written, so private data is never readable by
            others, not even for a moment). None: an existing file keeps its
            mode, a new one is 0644.
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    folder = path.parent
    fd, tmp = tempfile.mkstemp(prefix=_temp_prefix(path), suffix=TEMP_SUFFIX, dir=folder)
    try:
        # mkstemp makes the file 0600; a file for everyone to read is opened up only once it is whole.
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        elif path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    fsync_dir(folder)


def stale_temps(path: Path) -> list[Path]:
    """Temporary files :func:`atomic_write` left beside ``path`` when killed mid-write.

    Only names it makes for ``path`` itself (``.NAME.`` and eight random
    characters, then ``.tmp``), never anything else in the folder.
    """
    # mkstemp's random part: eight characters of [a-z0-9_].
    pattern = re.compile(re.escape(_temp_prefix(path)) + r"[a-z0-9_]{8}" + re.escape(TEMP_SUFFIX))
    try:
        names = os.listdir(path.parent)
    except OSError:
        return []
    return sorted(path.parent / name for name in names if pattern.fullmatch(name) and (path.parent / name).is_file())


def remove_stale_temps(path: Path) -> list[Path]:
    """Delete :func:`stale_temps` of ``path``; returns those removed.

    Call it only as the one writer of ``path`` (an app holding the event's
    lock): another live writer's temporary file would go too.
    """
    removed = []
    for temp in stale_temps(path):
        try:
            temp.unlink()
        except OSError:
            continue  # left for next time: a leftover never stops the show
        removed.append(temp)
    return removed


def fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable (best effort: not every file system allows it)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class EventLockedError(BattledecksError):
    """Another battledecks has the event open."""


class EventLock:
    """An advisory lock held while an app has an event open for writing.

    The kernel drops it when the process dies, so a crash never leaves an
    event locked.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        """The lock file (beside the event file)."""
        self._fd: int | None = None

    def acquire(self, what: str) -> None:
        """Take the lock or raise :class:`EventLockedError` naming ``what``."""
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as error:
            raise EventLockedError(f"{self.path}: cannot create lock file: {error.strerror}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            try:
                holder = os.read(fd, 64).decode("ascii", "replace").strip()
            finally:
                os.close(fd)
            who = f" (process {holder})" if holder else ""
            raise EventLockedError(
                f"{what} is already open in another battledecks{who}; close it there first"
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
            finally:
                os.close(self._fd)
                self._fd = None

    @property
    def held(self) -> bool:
        return self._fd is not None
