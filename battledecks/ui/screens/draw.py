"""The draw reveal: a moment of suspense, then the deck (and topic)."""

from __future__ import annotations

import random

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.markup import escape
from textual.widgets import Label, Static

from ...core.draw import Draw
from ..widgets.big_text import BigText
from ..widgets.key_footer import KeyFooter
from .base import AppModal

SUSPENSE_STEPS = 14
"""Titles flashed before the reveal; each a little slower than the last."""


def flash_delay(step: int) -> float:
    """Seconds the ``step``-th title stays up (1-based): slower towards the end, like a wheel coming to rest."""
    return 0.04 + 0.004 * step**1.6


SUSPENSE_SECONDS = sum(flash_delay(step) for step in range(1, SUSPENSE_STEPS + 1))
"""How long the titles flash before the reveal (about 2.2 s); the audience screens wait as long."""


class DrawScreen(AppModal[None]):
    """Shows the outcome of a draw the show has already recorded.

    The flashing titles are for the room only: the deck was drawn (and saved)
    before this screen opened, so quitting mid-suspense changes nothing.
    """

    DEFAULT_CSS = """
    DrawScreen { align: center middle; }
    DrawScreen > Vertical {
        width: 90%; height: auto;
        border: thick $accent; background: $surface; padding: 1 2;
    }
    DrawScreen #who { text-align: center; width: 100%; color: $text-muted; }
    DrawScreen #deck { width: 100%; height: 3; color: $text; background: $surface; }
    DrawScreen #deck.-revealed { color: $success; }
    DrawScreen #topic { text-align: center; width: 100%; height: auto; }
    DrawScreen #audit { text-align: center; width: 100%; color: $text-muted; }
    """
    BINDINGS = [
        Binding("enter,escape", "close", "Done"),
        Binding("space", "reveal", "Reveal now"),
        Binding("question_mark", "app.help", "Help", key_display="?"),
    ]

    TITLE_SHARE = 3
    """The title's box is this share of the screen's height (a third), the same for every title."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "reveal":
            return not self.revealed
        return True

    def __init__(self, presenter: str, result: Draw, *, suspense: bool = True) -> None:
        super().__init__()
        self.presenter = presenter
        self.result = result
        self.suspense = suspense
        self.revealed = False
        self._started = False
        self._step = 0
        self._titles = self._decoys()

    def _decoys(self) -> list[str]:
        """Titles to flash: only decks that were in this draw's pool (titles only, never slides)."""
        show = self.app.show if self.is_attached else None
        decks = show.decks if show else {}
        titles = [decks[deck].title for deck in self.result.pool if deck in decks] or [self.result.deck.title]
        rng = random.Random()
        return [rng.choice(titles) for _ in range(SUSPENSE_STEPS)]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"Drawing a deck for {self.presenter}…", id="who", markup=False)
            yield BigText("", max_lines=3, id="deck")
            yield Static("", id="topic")
            pool = len(self.result.pool)
            yield Label(f"draw seed {self.result.seed} · {pool} deck{'s' * (pool != 1)} in the pool", id="audit")
        yield KeyFooter()

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        """One box for every title, long or short, so it never jumps while titles flash."""
        self.query_one("#deck", BigText).styles.height = max(3, self.size.height // self.TITLE_SHARE)

    def on_mount(self) -> None:
        self._fit()
        self._titles = self._decoys()

    def on_screen_resume(self) -> None:
        # The suspense starts when this draw is on top: several draws at once (a sudden death) are
        # revealed one after the other, each as the host's screen shows it, the room's with it.
        if self._started:
            return
        self._started = True
        if self.suspense:
            self._flash()
        else:
            self.action_reveal()

    def _flash(self) -> None:
        if self.revealed:
            return
        if self._step >= len(self._titles):
            self.action_reveal()
            return
        self.query_one("#deck", BigText).update(self._titles[self._step])
        self._step += 1
        self.set_timer(flash_delay(self._step), self._flash)

    def action_reveal(self) -> None:
        if self.revealed:
            return
        self.revealed = True
        for revealed in self.app.draw_revealed:  # the audience screens reveal it with the host
            revealed(self.presenter)
        deck = self.query_one("#deck", BigText)
        deck.update(self.result.deck.title)
        deck.add_class("-revealed")
        self.refresh_bindings()
        self.query_one("#who", Label).update(f"{self.presenter} will present")
        if self.result.topic:
            self.query_one("#topic", Static).update(f"on the topic: [b]{escape(self.result.topic)}[/b]")

    def action_close(self) -> None:
        if not self.revealed:
            self.action_reveal()
            return
        self.dismiss(None)
