"""Argument types shared by the subcommands, and the event file they are given."""

from __future__ import annotations

import argparse
import shlex
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..core.event import Event


def whole_number(minimum: int) -> Callable[[str], int]:
    """An argparse type: a whole number of at least ``minimum`` (bad values exit 2 with the reason)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
        if value < minimum:
            bound = "0 or more" if minimum == 0 else f"at least {minimum}"
            raise argparse.ArgumentTypeError(f"must be {bound}, not {value}")
        return value

    return parse


positive = whole_number(1)
"""1, 2, 3, ...: counts of slides and decks."""


def load_event_file(path: Path) -> Event:
    """The event file a command was given; with several errors in it, the one said names them all.

    Raises:
        BattledecksError: the file's first error, how many more there are and how to see every one
            (`battledecks check EVENT`, which lists them all).
    """
    from ..core.event import load_event
    from ..core.problems import BattledecksError, ProblemsError

    try:
        return load_event(path)
    except ProblemsError as error:
        errors = [p for p in error.problems if p.is_error]
        if len(errors) < 2:
            raise
        raise BattledecksError(
            f"{errors[0]} (and {len(errors) - 1} more: `battledecks check {shlex.quote(str(path))}` lists all {len(errors)})"
        ) from None
