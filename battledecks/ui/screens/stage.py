"""The stage: the slide, the countdown and the slide number, nothing else.

Timing comes from :class:`~battledecks.core.clock.TalkClock` alone. The
screen arms one timer for the clock's next change and, whenever anything
wakes it (that timer, a slow watchdog, a key), asks the clock where the talk
is and shows that. A late or lost wake-up therefore shows the right slide
the moment the loop runs again; it never skips or repeats one.
"""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Horizontal
from textual.widgets import Digits, Label, ProgressBar, Static

from ...core.changes import Change
from ...core.clock import ClockState, Phase, TalkClock
from ...core.decks import Deck, slide_files
from ...core.pdf import PdfError
from ...core.show import TALK_STEPS
from ..deadline import DeadlineTimer
from ..format import duration
from ..widgets.slide_view import SlideView
from .dialogs import ConfirmScreen
from ..widgets.key_footer import KeyFooter
from .base import AppScreen

LATE_NOTE = 0.25
"""A slide shown this many seconds after its due time is noted in the record."""

WATCHDOG = 0.5
"""Seconds between safety wake-ups, in case a timer is ever lost."""

TIME_UP_ART = "\n".join(
    [
        "█████ ███ █   █ █████  █",
        "  █    █  ██ ██ █      █",
        "  █    █  █ █ █ ████   █",
        "  █    █  █   █ █       ",
        "  █   ███ █   █ █████  █",
    ]
)


class StageScreen(AppScreen[str]):
    """One talk on stage. Dismisses with ``"ended"`` or ``"aborted"``."""

    DEFAULT_CSS = """
    StageScreen { background: black; layers: base overlay; }
    StageScreen #slide-area { height: 1fr; background: black; }
    StageScreen SlideView { width: 100%; height: 100%; }
    StageScreen #curtain {
        layer: overlay; width: 100%; height: 100%; background: black;
        align: center middle; content-align: center middle;
    }
    StageScreen #curtain.-hidden { display: none; }
    StageScreen #curtain Digits { width: auto; color: $warning; }
    StageScreen #curtain Static { width: auto; height: auto; color: $warning; text-style: bold; }
    StageScreen #bar { height: 3; background: black; padding: 0 1; }
    StageScreen #bar Digits { width: auto; min-width: 10; color: $text; }
    StageScreen #bar Digits.-low { color: $error; }
    StageScreen #slide-no { width: auto; height: 3; content-align: center middle; padding: 0 2; text-style: bold; color: $text; }
    StageScreen #state { width: auto; height: 3; content-align: center middle; padding: 0 1; color: $warning; text-style: bold; }
    StageScreen ProgressBar { width: 1fr; height: 3; padding: 1 0 0 1; }
    StageScreen ProgressBar Bar { width: 1fr; }
    StageScreen Footer { background: black; }
    """

    BINDINGS = [
        Binding("space", "pause", "Pause/Resume"),
        Binding("escape", "abort", "Abort talk"),
        Binding("K", "skip", "Skip broken slide", key_display="K"),
        Binding("enter", "done", "Scores"),
        Binding("escape", "leave", "Lineup"),
    ]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # During the talk only the talk's keys; after Time! only the way out.
        if action in ("pause", "abort", "skip"):
            return not self.finished
        if action in ("done", "leave"):
            return self.finished
        return True

    def __init__(self, presenter: str, round: int = 1) -> None:
        super().__init__()
        self.presenter = presenter
        self.round = round
        self.clock: TalkClock | None = None
        self.shown_slide = -1
        """The slide on screen (0-based), -1 before the first."""
        self.finished = False
        self._deadline: DeadlineTimer | None = None

    def compose(self) -> ComposeResult:
        deck = self.app.show.deck_of(self.presenter, self.round)
        assert deck is not None
        with Container(id="slide-area"):
            yield SlideView(self._slide_files(deck), mode=self.app.graphics, covered=True, id="slide")
            with Container(id="curtain"):
                yield Digits("", id="count")
                yield Static("", id="art")
        with Horizontal(id="bar"):
            yield Digits(duration(self.app.show.event.seconds), id="remaining")
            yield Label("", id="slide-no")
            yield Label("", id="state")
            yield ProgressBar(total=self.app.show.event.seconds, show_eta=False, show_percentage=False, id="progress")
        yield KeyFooter()

    def _slide_files(self, deck: Deck) -> list[Path]:
        """The deck's pictures; a PDF deck's pages are drawn now unless cached."""
        try:
            return slide_files(deck)
        except PdfError as error:
            # Each slide then says it cannot be shown; the host can skip or abort.
            self.app.notify(str(error), title="Cannot draw this PDF deck", severity="error", timeout=30)
            return [deck.path] * max(1, deck.slide_count)

    def on_mount(self) -> None:
        self._gc_pause()
        self._deadline = DeadlineTimer(self, self.app.monotonic, self.tick)
        now = self.app.monotonic()
        self.clock = self.app.show.start_talk(self.presenter, now, self.round)
        self.app.changed.subscribe(self, self._on_change)
        self.set_interval(WATCHDOG, self.tick)
        self.tick()

    def on_unmount(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
        self._gc_resume()

    # --- the loop ----------------------------------------------------------

    def _on_change(self, change: Change) -> None:
        # A pause, resume or skip moved the schedule: show where the talk is now.
        if change.kind in TALK_STEPS and change.presenter == self.presenter:
            self.tick()

    def tick(self) -> None:
        """Show where the talk is now and arm the timer for the next change."""
        clock = self.clock
        if clock is None or self.finished:
            return
        now = self.app.monotonic()
        state = clock.state(now)
        try:
            if state.phase is Phase.TALK and state.slide != self.shown_slide:
                self._change_slide(state, now)
            self._show_state(state)
        finally:
            # Even when drawing failed (a bug, reported by the app), the talk keeps its time and its record.
            if state.phase is Phase.TIME_UP:
                self._time_up(now)
            elif self._deadline is not None:
                self._deadline.arm(clock.next_change(now))

    def _change_slide(self, state: ClockState, now: float) -> None:
        assert self.clock is not None
        previous = self.shown_slide
        due = self.clock.due_at(state.slide)
        late = now - due
        self.shown_slide = state.slide
        if previous == -1:
            self.query_one("#curtain").add_class("-hidden")
        self.query_one(SlideView).show(state.slide)
        self._paint_now()
        if state.slide > previous + 1 and previous >= 0 or late > LATE_NOTE:
            # A stall: the clock has moved on, so the show does too, and says so.
            self.app.show.note_catch_up(now, shown=previous + 1, slide=state.slide + 1, late=late)

    def _paint_now(self) -> None:
        """Write the new slide to the terminal now, not at the next frame.

        Textual paints dirty widgets on a 60 Hz beat, which would add up to
        17 ms to a slide change; a slide is due to the millisecond.
        """
        # Textual's own frame callback, handed the slide as the widget to redraw.
        dirty = getattr(self, "_dirty_widgets", None)
        paint = getattr(self, "_on_timer_update", None)
        if isinstance(dirty, set) and callable(paint):
            dirty.add(self.query_one(SlideView))
            paint()

    def _show_state(self, state: ClockState) -> None:
        remaining = self.query_one("#remaining", Digits)
        slides = state.slides
        if state.phase is Phase.COUNTDOWN:
            self.query_one("#count", Digits).update(str(max(1, int(-(-state.countdown_remaining // 1)))))
            remaining.update(duration(state.talk_remaining))
            self.query_one("#slide-no", Label).update(f"get ready · {slides} slides")
        elif state.phase is Phase.TALK:
            remaining.update(duration(state.talk_remaining))
            remaining.set_class(state.talk_remaining <= 30, "-low")
            self.query_one("#slide-no", Label).update(f"{state.slide + 1}/{slides}")
            self.query_one(ProgressBar).update(progress=state.elapsed)
        self.query_one("#state", Label).update("PAUSED" if state.paused else "")

    def _time_up(self, now: float) -> None:
        if self.finished:
            return
        self.finished = True
        assert self.clock is not None
        if self._deadline is not None:
            self._deadline.cancel()
        self.app.show.end_talk(now)
        self.query_one("#remaining", Digits).update("0:00")
        self.query_one(ProgressBar).update(progress=self.app.show.event.seconds)
        curtain = self.query_one("#curtain")
        curtain.remove_class("-hidden")
        self.query_one("#count", Digits).display = False
        self.query_one("#art", Static).update(TIME_UP_ART)
        self.query_one("#slide-no", Label).update("Time! · Enter: scores")
        self.app.bell()
        self.refresh_bindings()
        self._gc_resume()

    # --- keys --------------------------------------------------------------

    def action_pause(self) -> None:
        if self.clock is None or self.finished:
            return
        now = self.app.monotonic()
        show = self.app.show
        if self.clock.paused:
            show.resume_talk(now)
        elif show.pause_talk(now) and self._deadline is not None:
            self._deadline.cancel()

    def action_abort(self) -> None:
        if self.clock is None:
            return
        if self.finished:
            self.dismiss("ended")
            return
        paused_here = self.app.show.pause_talk(self.app.monotonic())

        def answer(yes: bool | None) -> None:
            assert self.clock is not None
            if yes:
                self.finished = True
                self.app.show.abort_talk(self.app.monotonic(), reason="aborted by the host")
                self.dismiss("aborted")
                return
            if paused_here:
                self.app.show.resume_talk(self.app.monotonic())

        self.app.push_screen(
            ConfirmScreen(
                f"Abort {self.presenter}'s talk? They start again later on the same deck.",
                yes="Abort talk",
                no="Keep going",
            ),
            answer,
        )

    def action_skip(self) -> None:
        if self.clock is None or self.finished:
            return

        def answer(yes: bool | None) -> None:
            if not yes or self.clock is None or self.finished:
                return
            self.app.show.skip_slide(self.app.monotonic())

        self.app.push_screen(
            ConfirmScreen(f"Skip slide {self.shown_slide + 1}? The talk ends sooner by what is left of it.", yes="Skip slide"),
            answer,
        )

    def action_done(self) -> None:
        if self.finished:
            self.dismiss("ended")

    def action_leave(self) -> None:
        if self.finished:
            self.dismiss("time-up")

    # --- garbage collection -------------------------------------------------

    def _gc_pause(self) -> None:
        try:
            from ...render.prerender import pause_gc
        except ImportError:
            return
        pause_gc()

    def _gc_resume(self) -> None:
        try:
            from ...render.prerender import resume_gc
        except ImportError:
            return
        resume_gc()
