"""Where the subcommands print their tables: a terminal's width on a terminal, lines whole elsewhere."""

from __future__ import annotations

import sys
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
