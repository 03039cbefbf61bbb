"""The footer every screen uses: every key of the screen, compact enough for 80 columns."""

from __future__ import annotations

from textual.widgets import Footer


class KeyFooter(Footer):
    """A compact footer without the command palette key."""

    def __init__(self) -> None:
        super().__init__(compact=True, show_command_palette=False)
