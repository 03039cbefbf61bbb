"""What the subcommands print besides their results: tables at the right width, and the first run's progress."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

PIPE_WIDTH = 100_000
"""Width of a table through a pipe or into a file: as wide as its longest line, nothing wrapped."""


def stdout_console() -> Console:
    """Rich on stdout: wrapped to the terminal on a terminal; through a pipe (`history | cat`) every line
    as long as it is, so no name, title or deck id is split at 80 columns."""
    from rich.console import Console

    if sys.stdout.isatty():
        return Console(highlight=False)
    return Console(highlight=False, width=PIPE_WIDTH)


def first_run_progress() -> Callable[[int, int], None]:
    """Says on stderr, at once, that a first run paints the demo's sample decks, and counts them."""
    terminal = sys.stderr.isatty()

    def said(done: int, total: int) -> None:
        text = f"battledecks: first run: painting the demo's {total} sample decks, once only… {done} of {total}"
        if terminal:
            # One line, counted in place; the app's screen follows.
            print("\r" + text, end="\n" if done == total else "", file=sys.stderr, flush=True)
        elif done in (0, total):
            print(text, file=sys.stderr, flush=True)

    return said
