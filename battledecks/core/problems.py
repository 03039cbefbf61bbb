"""Problems found in the organizer's files, reported one clear line each."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path


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
        return f"{self.path}:{self.line}" if self.line else str(self.path)

    def __str__(self) -> str:
        key = f"{self.key}: " if self.key else ""
        return f"{self.where}: {key}{self.message}"

    def as_dict(self) -> dict[str, object]:
        return {
            "path": str(self.path),
            "line": self.line,
            "key": self.key,
            "severity": self.severity.value,
            "message": self.message,
        }


class BattledecksError(Exception):
    """An error the user can fix; its text is one line that names the file."""


class ProblemsError(BattledecksError):
    """A file with one or more errors in it."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        errors = [p for p in problems if p.is_error] or problems
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        super().__init__(f"{errors[0]}{more}")
