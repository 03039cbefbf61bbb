"""The draw reveal: a moment of suspense, then the deck (and topic)."""

from __future__ import annotations

import random

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Label, Static

from ...core.draw import Draw
from ..widgets.key_footer import KeyFooter
from .base import AppModal

SUSPENSE_STEPS = 14
"""Titles flashed before the reveal; each a little slower than the last."""


class DrawScreen(AppModal[None]):
    """Shows the outcome of a draw the show has already recorded.

    The flashing titles are for the room only: the deck was drawn (and saved)
    before this screen opened, so quitting mid-suspense changes nothing.
    """

    DEFAULT_CSS = """
    DrawScreen { align: center middle; }
    DrawScreen > Vertical {
        width: 70; max-width: 95%; height: auto;
        border: thick $accent; background: $surface; padding: 1 2;
    }
    DrawScreen #who { text-align: center; width: 100%; color: $text-muted; }
    DrawScreen #deck { text-align: center; width: 100%; text-style: bold; height: 3; content-align: center middle; }
    DrawScreen #deck.-revealed { color: $success; background: $boost; }
    DrawScreen #topic { text-align: center; width: 100%; height: auto; }
    DrawScreen #audit { text-align: center; width: 100%; color: $text-muted; }
    """
    BINDINGS = [
        Binding("enter,escape", "close", "Done"),
        Binding("space", "reveal", "Reveal now"),
    ]

    def __init__(self, presenter: str, result: Draw, *, suspense: bool = True) -> None:
        super().__init__()
        self.presenter = presenter
        self.result = result
        self.suspense = suspense
        self.revealed = False
        self._step = 0
        self._titles = self._decoys()

    def _decoys(self) -> list[str]:
        # Titles only, never slides: the presenter must not see the deck early.
        show = self.app.show if self.is_attached else None
        titles = [d.title for d in (show.decks.values() if show else [])] or [self.result.deck.title]
        rng = random.Random()
        return [rng.choice(titles) for _ in range(SUSPENSE_STEPS)]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"Drawing a deck for {self.presenter}…", id="who")
            yield Static("", id="deck")
            yield Static("", id="topic")
            yield Label(f"draw seed {self.result.seed} · {len(self.result.pool)} decks in the pool", id="audit")
        yield KeyFooter()

    def on_mount(self) -> None:
        self._titles = self._decoys()
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
        self.query_one("#deck", Static).update(self._titles[self._step])
        self._step += 1
        # Slow down towards the end, like a wheel coming to rest.
        self.set_timer(0.04 + 0.004 * self._step**1.6, self._flash)

    def action_reveal(self) -> None:
        if self.revealed:
            return
        self.revealed = True
        deck = self.query_one("#deck", Static)
        deck.update(self.result.deck.title)
        deck.add_class("-revealed")
        self.query_one("#who", Label).update(f"{self.presenter} will present")
        if self.result.topic:
            self.query_one("#topic", Static).update(f"on the topic: [b]{self.result.topic}[/b]")

    def action_close(self) -> None:
        if not self.revealed:
            self.action_reveal()
            return
        self.dismiss(None)
