"""Problems found in the organizer's files, reported one clear line each."""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any


def shown_path(path: Path | str) -> str:
    """A path as text that can always be printed: bytes of a name that are not
    valid UTF-8 (kept by Python as surrogates) are shown as ``\\xe9``."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def printable(path: Path | str) -> bool:
    """Whether a path's name is valid UTF-8 (can be written to a record or a report as it is)."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class Severity(str, Enum):
    """How bad a problem is: errors stop an event, warnings only advise."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one file."""

    path: Path
    """The file or folder the problem is in."""
    message: str
    """What is wrong, in the organizer's words."""
    severity: Severity = Severity.ERROR
    """Whether the problem blocks the event."""
    line: int | None = None
    """1-based line in the file, where the parser knows it."""
    key: str | None = None
    """Dotted key in a YAML file (``scoring.scale``), where there is one."""

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    @property
    def where(self) -> str:
        """``file:line`` or just ``file``."""
        path = shown_path(self.path)
        return f"{path}:{self.line}" if self.line else path

    def __str__(self) -> str:
        key = f"{self.key}: " if self.key else ""
        return f"{self.where}: {key}{self.message}"

    def as_dict(self) -> dict[str, object]:
        return {
            "path": shown_path(self.path),
            "line": self.line,
            "key": self.key,
            "severity": self.severity.value,
            "message": self.message,
        }


def error(path: Path, message: str, **kw: Any) -> Problem:
    """A problem that stops the event."""
    return Problem(path, message, Severity.ERROR, **kw)


def warning(path: Path, message: str, **kw: Any) -> Problem:
    """A problem that only advises."""
    return Problem(path, message, Severity.WARNING, **kw)


def os_problem(path: Path, failure: OSError, what: str = "read") -> Problem:
    """Turn an operating-system error about ``path`` into one clear problem."""
    if failure.errno == errno.ELOOP:
        return error(path, "symbolic link loop")
    if failure.errno in (errno.ENOENT, errno.ENOTDIR):
        if os.path.islink(path):
            try:
                target = os.readlink(path)
            except OSError:
                target = "?"
            return error(path, f"broken symbolic link (points to {shown_path(target)}, which does not exist)")
        return error(path, "no such file or folder")
    if failure.errno in (errno.EACCES, errno.EPERM):
        return error(path, f"cannot {what}: permission denied")
    return error(path, f"cannot {what}: {failure.strerror or failure}")


class BattledecksError(Exception):
    """An error the user can fix; its text is one line that names the file."""


class ProblemsError(BattledecksError):
    """A file with one or more errors in it."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        errors = [p for p in problems if p.is_error] or problems
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        super().__init__(f"{errors[0]}{more}")
