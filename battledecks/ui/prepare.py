"""A drawn PDF deck's slides, drawn into the page cache ahead of its talk, on a worker thread.

When a PDF deck is drawn for a presenter, its pages are drawn into the page
cache (see :func:`~battledecks.core.decks.render_deck`) on a thread, one deck
at a time, while the reveal and the lineup carry on. Nothing of the deck is
shown: the lineup's status line counts the pages for the host ("Preparing the
slides of Ada's deck… 5 of 12"). Decks drawn before the app was opened
(``battledecks draw``) are prepared once the decks folder is checked.

Starting a talk asks :meth:`SlidePreparer.when_ready`: with the pages ready
the stage opens at once; otherwise the lineup says the talk starts when they
are, and it does, the moment the worker is done. The UI thread never draws a
page, and the talk's clock never starts on slides that are not there yet.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from textual.signal import Signal

from ..core.changes import Change
from ..core.decks import Deck, PdfStamp, pdf_stamp, render_deck
from ..core.problems import Problem
from ..core.show import DeckScan, Status

if TYPE_CHECKING:
    from .app import BattledecksApp

CANNOT_DRAW = "Cannot draw this PDF deck"
"""The title of the notice about a PDF deck whose pages cannot be drawn."""

PREPARE_STATUSES = (Status.DRAWN, Status.INTERRUPTED, Status.PRESENTING)
"""Presenters whose deck is still to be shown."""


class _Stopped(Exception):
    """The app is closing: the worker stops between two pages."""


@dataclass
class Prepared:
    """A deck's slides, ready to show (or why they cannot be)."""

    deck: Deck
    stamp: PdfStamp | None
    """The PDF's stamp (see :func:`~battledecks.core.decks.pdf_stamp`) before its pages were drawn."""
    files: list[Path] = field(default_factory=list)
    """The slide picture files, in order."""
    problems: list[Problem] = field(default_factory=list)
    """The deck's errors, checked again after drawing (as a talk's start checks any deck)."""
    error: str | None = None
    """Why the pages cannot be drawn (the PDF is named)."""


@dataclass(frozen=True)
class Progress:
    """How far the preparation of one presenter's deck has come, for the host's status line."""

    presenter: str
    done: int
    total: int
    finished: bool = False
    error: str | None = None
    waited: bool = False
    """A talk's start waited for these slides (and takes the outcome from here)."""


class SlidePreparer:
    """Draws drawn PDF decks' pages on a worker thread, one deck at a time, and tells who waits for them."""

    def __init__(self, app: BattledecksApp) -> None:
        self.app = app
        self.progress: Signal[Progress] = Signal(app, "slides_prepared")
        """Pages drawn so far of the deck being prepared; ``finished`` once it is done (or failed)."""
        self._ready: dict[str, Prepared] = {}
        """By deck id."""
        self._queue: deque[tuple[str, Deck]] = deque()
        self._running: str | None = None
        """The deck id being drawn."""
        self._waiters: dict[str, list[Callable[[Prepared], None]]] = {}
        self._stopped = False

    def start(self) -> None:
        """Follow the show: prepare every PDF deck drawn from now on, and those already drawn once the decks are checked."""
        self.app.changed.subscribe(self.app, self._on_change)
        self.app.decks_scanned.subscribe(self.app, self._on_scan)
        if self.app.show.scan.finished:
            self.prepare_drawn()

    def stop(self) -> None:
        """The app is closing: a worker stops at its next page (its half-drawn folder is removed)."""
        self._stopped = True
        self._queue.clear()

    @property
    def busy(self) -> bool:
        """Whether a deck is being prepared or waits its turn."""
        return self._running is not None or bool(self._queue)

    def _on_change(self, change: Change) -> None:
        if change.kind == "draw" and change.presenter is not None:
            self.prepare(change.presenter, change.round)

    def _on_scan(self, scan: DeckScan) -> None:
        if scan.finished:
            self.prepare_drawn()

    def prepare_drawn(self) -> None:
        """Prepare the decks of everyone holding one that is still to be shown, in presenting order."""
        for presenter in self.app.show.lineup():
            if presenter.deck is not None and presenter.status in PREPARE_STATUSES:
                self.prepare(presenter.name, presenter.round)

    def ready(self, deck: Deck) -> Prepared | None:
        """The deck's prepared slides if they are still those of its PDF as it is now."""
        prepared = self._ready.get(deck.id)
        if prepared is None or prepared.deck != deck or prepared.stamp is None or prepared.stamp != pdf_stamp(deck):
            return None
        return prepared

    def prepare(self, presenter: str, round: int = 1, *, first: bool = False) -> None:
        """Draw ``presenter``'s deck's pages on the worker unless they are ready, queued or being drawn."""
        deck = self.app.show.deck_of(presenter, round)
        if deck is None or deck.pdf is None or self._stopped or self.ready(deck) is not None:
            return
        queued = [job for job in self._queue if job[1].id == deck.id]
        if self._running == deck.id and not queued:
            return
        if queued:
            if not first:
                return
            self._queue.remove(queued[0])
        if first:
            self._queue.appendleft((presenter, deck))
        else:
            self._queue.append((presenter, deck))
        self._next()

    def when_ready(self, presenter: str, round: int, then: Callable[[Prepared], None]) -> bool:
        """Call ``then`` with the deck's slides once they are ready: now (True) or, later, from the UI thread (False).

        A PDF deck not yet prepared goes to the front of the queue. An image
        deck is always ready: its slides are its files.
        """
        deck = self.app.show.deck_of(presenter, round)
        if deck is None:
            return False
        if deck.pdf is None:
            then(Prepared(deck, None, list(deck.slides)))
            return True
        prepared = self.ready(deck)
        if prepared is not None:
            then(prepared)
            return True
        self._waiters.setdefault(deck.id, []).append(then)
        self.prepare(presenter, round, first=True)
        return False

    def waiting(self, presenter: str, round: int) -> bool:
        """Whether something (a talk's start) waits for this presenter's deck."""
        deck = self.app.show.deck_of(presenter, round)
        return deck is not None and bool(self._waiters.get(deck.id))

    # --- the worker ----------------------------------------------------------

    def _next(self) -> None:
        if self._running is not None or not self._queue or self._stopped:
            return
        presenter, deck = self._queue.popleft()
        if self.ready(deck) is not None:
            self._finish(presenter, self._ready[deck.id])
            return
        self._running = deck.id
        self.progress.publish(Progress(presenter, 0, deck.slide_count))
        self.app.run_worker(
            partial(self._work, presenter, deck),
            thread=True,
            name=f"slides of {deck.id}",
            group="slides",
            exit_on_error=False,
        )

    def _work(self, presenter: str, deck: Deck) -> None:
        """Worker thread: draw the pages, check the deck again, hand the outcome to the UI thread."""
        prepared = Prepared(deck, pdf_stamp(deck))

        def told(done: int, total: int) -> None:
            if self._stopped:
                raise _Stopped
            self.app._from_worker(self.progress.publish, Progress(presenter, done, total))

        try:
            prepared.files = render_deck(deck, on_page=told)
            prepared.problems = self.app.show.verify(deck)
        except _Stopped:
            return
        except Exception as error:  # noqa: BLE001 - a PDF that cannot be drawn: the host is told, the show goes on
            prepared.error = str(error)
        self.app._from_worker(self._finish, presenter, prepared)

    def _finish(self, presenter: str, prepared: Prepared) -> None:
        """UI thread: keep the outcome, tell the host and whoever waits, start the next deck."""
        deck_id = prepared.deck.id
        if self._running == deck_id:
            self._running = None
        self._ready[deck_id] = prepared
        waiters = self._waiters.pop(deck_id, [])
        self.progress.publish(
            Progress(
                presenter,
                len(prepared.files),
                prepared.deck.slide_count,
                finished=True,
                error=prepared.error,
                waited=bool(waiters),
            )
        )
        for then in waiters:
            then(prepared)
        self._next()
