"""The draw reveal: a moment of suspense, then the deck (and topic).

Opened with ``d`` on the lineup, it first asks for numbers the room calls
out (dice, say), which the draw mixes with its chain value: then Enter draws.
"""

from __future__ import annotations

import random

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.markup import escape
from textual.widgets import Input, Label, Static

from ...core.commitment import short_fingerprint
from ...core.draw import Draw
from ...core.problems import BattledecksError
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
    Opened with no draw, it asks for the room's numbers first and draws when
    the host presses Enter (Escape: no draw).
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
    DrawScreen #room { width: 100%; }
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
            return self.result is not None and not self.revealed
        return True

    def __init__(self, presenter: str, result: Draw | None = None, *, suspense: bool = True, round: int = 1) -> None:
        super().__init__()
        self.presenter = presenter
        self.result = result
        """The draw shown; None until the host has typed the room's numbers and pressed Enter."""
        self.round = round
        self.suspense = suspense
        self.revealed = False
        self._started = False
        self._step = 0
        self._titles = self._decoys()

    def _decoys(self) -> list[str]:
        """Titles to flash: only decks that were in this draw's pool (titles only, never slides)."""
        if self.result is None:
            return []
        show = self.app.show if self.is_attached else None
        decks = show.decks if show else {}
        titles = [decks[deck].title for deck in self.result.pool if deck in decks] or [self.result.deck.title]
        rng = random.Random()
        return [rng.choice(titles) for _ in range(SUSPENSE_STEPS)]

    def _audit(self) -> str:
        """The line that says what the draw revealed, for anyone checking it later."""
        result = self.result
        if result is None:
            return (
                "The draw mixes these numbers with the next value of its committed chain. Enter draws; Escape does not."
            )
        pool = len(result.pool)
        decks = f"{pool} deck{'s' * (pool != 1)} in the pool"
        if result.chain is None:
            return f"draw seed {result.seed} · {decks}"
        commitment = self.app.show.commitment if self.is_attached else None
        room = f" · room's numbers {result.room}" if result.room else ""
        committed = f" · commitment {short_fingerprint(commitment.fingerprint)}" if commitment is not None else ""
        return f"chain value {result.chain}{room} · {decks}{committed}"

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"Drawing a deck for {self.presenter}…", id="who", markup=False)
            if self.result is None:
                yield Input(placeholder="numbers the room calls out, e.g. 4 2 6 (or none)", id="room")
            yield BigText("", max_lines=3, id="deck")
            yield Static("", id="topic")
            yield Label(self._audit(), id="audit")
        yield KeyFooter()

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        """One box for every title, long or short, so it never jumps while titles flash."""
        self.query_one("#deck", BigText).styles.height = max(3, self.size.height // self.TITLE_SHARE)

    def on_mount(self) -> None:
        self._fit()
        if self.result is None:
            self.query_one("#who", Label).update(f"A deck for {self.presenter}: the room's numbers first")
            self.query_one("#room", Input).focus()

    def on_screen_resume(self) -> None:
        # The suspense starts when this draw is on top: several draws at once (a sudden death) are
        # revealed one after the other, each as the host's screen shows it, the room's with it.
        # A draw that waits for the room's numbers starts once they are in.
        if self.result is not None:
            self._start()

    def _start(self) -> None:
        if self._started:
            return
        self._started = True
        self._titles = self._decoys()
        self.query_one("#audit", Label).update(self._audit())
        if self.suspense:
            self._flash()
        else:
            self.action_reveal()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.result is not None:
            return
        try:
            self.result = self.app.show.draw_for(self.presenter, self.round, room=event.value)
        except BattledecksError as error:
            self.notify(str(error), severity="error", timeout=8)
            if not event.value.strip() or self.app.show.can_draw(self.presenter, self.round):
                self.dismiss(None)  # nothing to draw: back to the lineup, which says why
            return
        self.query_one("#room", Input).remove()
        self.query_one("#who", Label).update(f"Drawing a deck for {self.presenter}…")
        self.refresh_bindings()
        self._start()

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
        if self.revealed or self.result is None:
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
        if self.result is None:
            self.dismiss(None)  # no numbers, no draw
            return
        if not self.revealed:
            self.action_reveal()
            return
        self.dismiss(None)
