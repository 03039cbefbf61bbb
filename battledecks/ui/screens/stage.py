"""The stage: the slide, and under it the countdown, the slide number and who presents, nothing else.

Timing comes from :class:`~battledecks.core.clock.TalkClock` alone. The
screen arms one timer for the clock's next change and, whenever anything
wakes it (that timer, a slow watchdog, a key), asks the clock where the talk
is and shows that. A late or lost wake-up therefore shows the right slide
the moment the loop runs again; it never skips or repeats one.
"""

from __future__ import annotations

import re
from functools import partial
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Horizontal, Vertical
from textual.widgets import Label, ProgressBar

from ...core.changes import Change
from ...core.clock import ClockState, Phase, TalkClock
from ...core.decks import Deck, slide_files
from ...core.pdf import PdfError
from ...core.show import TALK_STEPS, Status
from ...render.detect import GraphicsMode
from ..deadline import DeadlineTimer
from ..prepare import CANNOT_DRAW
from ..format import duration
from ...render import bigtext
from ...textual_private import paint_now
from ..widgets.big_text import BigText
from ..widgets.slide_view import SlideView
from .help import active_keys
from .dialogs import ConfirmScreen
from ..widgets.key_footer import KeyFooter
from .base import AppScreen

LATE_NOTE = 0.25
"""A slide shown this many seconds after its due time is noted in the record."""

WATCHDOG = 0.5
"""Seconds between safety wake-ups, in case a timer is ever lost."""

BAR_SHARE = 6
"""The bar with the countdown is at least this share of the screen's height (a sixth)."""

BAR_MIN = 5
"""Rows of the bar however small the terminal: digits with strokes thick enough for any terminal."""

CLOCK_FACE = "0:00"
"""The countdown is sized as this, so it keeps one size from 5:00 down to 0:00."""

NUMBER_MIN_SIZE = 8
"""Smallest font size (pixels) the slide number is drawn big at: digits stay clear smaller than letters."""

NAME_SHARE = 4
"""The presenter's name keeps at least this share of the bar's width (a quarter)..."""

NAME_MIN = 12
"""...and at least this many columns, enough for a name in ordinary text."""


def unshowable(deck: Deck) -> list[Path]:
    """Stand-ins for the slides of a deck that cannot be drawn: each then says it cannot be shown."""
    return [deck.path] * max(1, deck.slide_count)


def bar_rows(height: int) -> int:
    """Rows of the bar for a screen ``height`` rows high: a sixth of it, rounded up."""
    return max(BAR_MIN, -(-height // BAR_SHARE))


TIME_UP_CONSOLE = "Time's up: the talk is over · Enter: scores"
"""The console's line about the slides once the talk's time is up."""


def number_face(slides: int) -> str:
    """What the slide number is sized as ("00/00" for 12 slides), so it keeps one size through a talk."""
    return re.sub("[0-9]", "0", f"{slides}/{slides}")


def bar_widths(cols: int, rows: int, slides: int) -> tuple[int, int]:
    """Columns of the countdown and of the slide number in a bar ``rows`` high across ``cols``.

    Each is as wide as its big digits need at the bar's full height, so the
    slide number reads as far as the countdown. Where that would leave the
    presenter's name less than its share of the width (``NAME_SHARE``,
    ``NAME_MIN``), both shrink alike: smaller digits, still big at 80x24.
    """
    height = 2 * rows
    clock = bigtext.layout(CLOCK_FACE, (max(1, cols), height)).widths[0] + 2
    number = bigtext.layout(number_face(slides), (max(1, cols), height)).widths[0] + 2
    room = cols - 2 - max(NAME_MIN, cols // NAME_SHARE)  # the bar's padding, the name
    if clock + number > room > 0:
        clock, number = clock * room // (clock + number), number * room // (clock + number)
    return clock, number


class StageScreen(AppScreen[str]):
    """One talk on stage. Dismisses with ``"ended"`` or ``"aborted"``.

    What the room reads is drawn big (see :class:`BigText`): the 3-2-1, the
    countdown (a sixth of the screen's height), ``PAUSED`` and ``Time!``.
    Every question asked over the stage (help, skip, abort, quit) pauses the
    talk while it is open, recorded, and covers the slide only dimmed.
    """

    DEFAULT_CSS = """
    StageScreen { background: black; layers: base overlay; }
    StageScreen #main { height: 1fr; }
    StageScreen #slide-area { height: 1fr; background: black; }
    StageScreen #slide-area SlideView { width: 100%; height: 100%; }
    StageScreen #console { display: none; width: 40%; height: 100%; padding: 0 1; background: $panel; }
    StageScreen.-console #console { display: block; }
    StageScreen #console Label { width: 100%; padding: 1 0 0 0; }
    StageScreen #console #preview { width: 100%; height: 1fr; margin: 1 0 0 0; }
    StageScreen #console-room { color: $text-muted; }
    StageScreen #curtain {
        layer: overlay; width: 100%; height: 100%; background: black;
        align: center middle; content-align: center middle;
    }
    StageScreen #curtain.-hidden { display: none; }
    StageScreen #curtain BigText { width: 100%; height: 100%; color: $warning; background: black; }
    StageScreen #bar { height: 4; background: black; padding: 0 1; }
    StageScreen #bar BigText { height: 100%; background: black; }
    StageScreen #remaining { width: 27; color: $text; }
    StageScreen #remaining.-low { color: $error; }
    StageScreen #slide-no { width: 27; color: $text; }
    StageScreen #state { width: 1fr; margin-right: 1; color: $warning; display: none; }
    StageScreen.-paused #state { display: block; }
    StageScreen #track { width: 1fr; height: 100%; }
    StageScreen.-paused #track { display: none; }
    StageScreen.-paused #slide-no { display: none; }
    StageScreen #bar #who { height: 1fr; color: $text; }
    StageScreen #track-line { height: 1; }
    StageScreen #caption { width: 2fr; height: 1; padding: 0 1; color: $text-muted; text-wrap: nowrap; text-overflow: ellipsis; }
    StageScreen ProgressBar { width: 1fr; height: 1; padding: 0 0 0 1; }
    StageScreen ProgressBar Bar { width: 1fr; }
    StageScreen Footer { background: black; }
    """

    BINDINGS = [
        Binding("space", "pause", "Pause/Resume"),
        Binding("escape", "abort", "Abort talk"),
        Binding("K", "skip", "Skip broken slide", key_display="K"),
        Binding(
            "p",
            "console(True)",
            "Console",
            tooltip="The room watches another screen: show the next slide and who is next here",
        ),
        Binding(
            "p", "console(False)", "Room view", tooltip="The room sees this screen: the slide and the countdown only"
        ),
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("enter", "done", "Scores"),
        Binding("escape", "leave", "Lineup"),
    ]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # During the talk only the talk's keys; after Time! only the way out.
        if action in ("pause", "abort", "skip"):
            return not self.finished
        if action in ("done", "leave"):
            return self.finished
        if action == "console":
            return parameters != (self.app.console_layout,)
        return True

    def __init__(self, presenter: str, round: int = 1, files: list[Path] | None = None) -> None:
        """``files``: the slide pictures, ready (see :class:`~battledecks.ui.prepare.SlidePreparer`);
        without them an image deck's files are taken and a PDF deck's pages drawn now, unless cached."""
        super().__init__()
        self.presenter = presenter
        self.round = round
        self._files = files
        self.clock: TalkClock | None = None
        self.shown_slide = -1
        """The slide on screen (0-based), -1 before the first."""
        self.finished = False
        self._deadline: DeadlineTimer | None = None
        self._gc_paused: int | None = None
        """The garbage collector's pause for this talk, until it is ended."""

    def compose(self) -> ComposeResult:
        deck = self.app.show.deck_of(self.presenter, self.round)
        assert deck is not None
        files = self._files or self._slide_files(deck)
        with Horizontal(id="main"):
            with Container(id="slide-area"):
                yield SlideView(files, mode=self.app.graphics, covered=True, id="slide")
                with Container(id="curtain"):
                    yield BigText("", fit_as="0", id="count")
            # For the host only, when the room watches another screen (the host's choice, or an authorised projector).
            with Vertical(id="console"):
                yield Label("The room watches the projector; p: this screen is the room's.", id="console-room")
                yield Label("", id="console-next-slide")
                yield SlideView(
                    files, mode=GraphicsMode.HALFCELL, index=min(1, len(files) - 1), covered=True, id="preview"
                )
                yield Label("", id="console-next-up", markup=False)
                if (desk := self.app.votes) is not None:
                    from ..widgets.open_vote import OpenVoteLine  # the vote modules load only when the room votes

                    # Votes still taken for someone else during this talk: the host sees it here.
                    yield OpenVoteLine(desk, " · F2 on the lineup closes it", id="console-vote")
        slides = self.app.show.event.slides
        with Horizontal(id="bar"):
            yield BigText(duration(self.app.show.event.seconds), fit_as=CLOCK_FACE, id="remaining")
            yield BigText("", fit_as=number_face(slides), min_size=NUMBER_MIN_SIZE, id="slide-no")
            yield BigText("PAUSED", id="state")
            with Vertical(id="track"):
                yield BigText(self.presenter, max_lines=2, id="who")
                with Horizontal(id="track-line"):
                    yield Label("", id="caption")
                    yield ProgressBar(
                        total=self.app.show.event.seconds, show_eta=False, show_percentage=False, id="progress"
                    )
        yield KeyFooter()

    def on_resize(self) -> None:
        self._fit_bar()

    def _fit_bar(self) -> None:
        """The bar takes a sixth of the screen; the countdown and the slide number are as wide as their
        big digits need, the presenter's name has the rest (see ``bar_widths``)."""
        rows = bar_rows(self.size.height)
        bar = self.query_one("#bar")
        if bar.styles.height is None or bar.styles.height.value != rows:
            bar.styles.height = rows
        clock, number = bar_widths(self.size.width, rows, self.app.show.event.slides)
        self.query_one("#remaining", BigText).styles.width = clock
        self.query_one("#slide-no", BigText).styles.width = number

    def _slide_files(self, deck: Deck) -> list[Path]:
        """The deck's pictures; a PDF deck's pages are drawn now unless cached."""
        try:
            return slide_files(deck)
        except PdfError as error:
            # Each slide then says it cannot be shown; the host can skip or abort.
            self.app.notify(str(error), title=CANNOT_DRAW, severity="error", timeout=30)
            return unshowable(deck)

    def on_mount(self) -> None:
        self._fit_bar()
        self.watch(self.app, "projectors", self._layout_changed)
        self.watch(self.app, "second_screen", self._layout_changed)
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
        view = self.query_one("#slide", SlideView)
        if not view.show(state.slide):
            # Written to the terminal now, not at the next 60 Hz frame (up to 17 ms later): a slide is due to the millisecond.
            paint_now(self, view)
        if self.has_class("-console"):
            self.call_after_refresh(self._show_next_slide, state.slide)
        if state.slide > previous + 1 and previous >= 0 or late > LATE_NOTE:
            # A stall: the clock has moved on, so the show does too, and says so.
            self.app.show.note_catch_up(now, shown=previous + 1, slide=state.slide + 1, late=late)

    # --- the host's console, when the room has its own screen ---------------

    def _layout_changed(self, _: object = None) -> None:
        """The console shows only by the host's choice (``p``, ``--second-screen``) or with an authorised
        projector following: never because an anonymous screen connected."""
        console = self.app.console_layout
        self.set_class(console, "-console")
        if console:
            self.query_one("#console-next-up", Label).update(self._next_up())
            self._show_next_slide(max(0, self.shown_slide))
            if self.clock is not None and not self.finished:
                self._console_state(self.clock.state(self.app.monotonic()))
        self.refresh_bindings()

    def action_console(self, on: bool) -> None:
        """The host says whether the room watches another screen (kept for the rest of the run)."""
        self.app.second_screen = on

    def _next_up(self) -> str:
        """Who presents after this talk."""
        show = self.app.show
        names = show.names()
        if self.presenter in names:
            at = names.index(self.presenter)
            names = names[at + 1 :] + names[:at]
        for name in names:
            if show.status(name) in (Status.WAITING, Status.DRAWN, Status.INTERRUPTED):
                return f"Next up: {name}"
        return "Last talk of the event"

    def _show_next_slide(self, slide: int) -> None:
        """The slide after ``slide`` in the console, small."""
        preview = self.query_one("#preview", SlideView)
        after = slide + 1 if self.shown_slide >= 0 else slide
        if after < self.app.show.event.slides:
            preview.display = True
            preview.show(after)
        else:
            preview.display = False

    def _console_state(self, state: ClockState) -> None:
        label = self.query_one("#console-next-slide", Label)
        if self.finished:
            label.update(TIME_UP_CONSOLE)
        elif state.phase is Phase.COUNTDOWN:
            label.update(f"First slide in {duration(state.countdown_remaining)}")
        elif state.phase is Phase.TALK:
            if state.slide + 1 < state.slides:
                label.update(f"Next: slide {state.slide + 2}/{state.slides} in {duration(state.slide_remaining)}")
            else:
                label.update(f"Last slide · {duration(state.talk_remaining)} left")

    def _show_state(self, state: ClockState) -> None:
        if self.has_class("-console"):
            self._console_state(state)
        remaining = self.query_one("#remaining", BigText)
        slides = state.slides
        if state.phase is Phase.COUNTDOWN:
            self.query_one("#count", BigText).update(str(max(1, int(-(-state.countdown_remaining // 1)))))
            remaining.update(duration(state.talk_remaining))
            self.query_one("#caption", Label).update(f"{slides} slides")
        elif state.phase is Phase.TALK:
            remaining.update(duration(state.talk_remaining))
            remaining.set_class(state.talk_remaining <= 30, "-low")
            self.query_one("#slide-no", BigText).update(f"{state.slide + 1}/{slides}")
            self.query_one("#caption", Label).update(f"slide {state.slide + 1}/{slides}")
            self.query_one(ProgressBar).update(progress=state.elapsed)
        self.set_class(state.paused, "-paused")

    def _time_up(self, now: float) -> None:
        if self.finished:
            return
        self.finished = True
        assert self.clock is not None
        if self._deadline is not None:
            self._deadline.cancel()
        self.app.show.end_talk(now)
        self.query_one("#remaining", BigText).update("0:00")
        self.query_one(ProgressBar).update(progress=self.app.show.event.seconds)
        self.remove_class("-paused")
        # The slide's picture goes: in kitty it would lie over Time!.
        self.query_one("#slide", SlideView).cover()
        curtain = self.query_one("#curtain")
        curtain.remove_class("-hidden")
        self.query_one("#count", BigText).update("Time!", fit_as=None)
        self.query_one("#caption", Label).update("Time! Enter: scores")
        self.query_one("#console-next-slide", Label).update(TIME_UP_CONSOLE)
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
        paused_here = self.app.pause_for_question()

        def answer(yes: bool | None) -> None:
            if yes and not self.finished:
                self.finished = True
                self.app.show.abort_talk(self.app.monotonic(), reason="aborted by the host")
                self.dismiss("aborted")
                return
            self.app.resume_after_question(paused_here)

        self.app.push_screen(
            ConfirmScreen(
                f"Abort {self.presenter}'s talk? They start again later on the same deck. The talk is paused meanwhile.",
                yes="Abort talk",
                no="Keep going",
            ),
            answer,
        )

    def action_skip(self) -> None:
        """Ask before skipping the slide showing now; the talk waits, paused, for the answer."""
        if self.clock is None or self.finished:
            return
        state = self.clock.state(self.app.monotonic())
        if state.phase is not Phase.TALK:
            self.notify("No slide is showing yet.", severity="warning")
            return
        slide = state.slide
        paused_here = self.app.pause_for_question()

        def answer(yes: bool | None) -> None:
            if self.clock is None or self.finished:
                return
            if not yes:
                self.app.resume_after_question(paused_here)
                return
            self._skip(slide, stay_paused=not paused_here)

        self.app.push_screen(
            ConfirmScreen(
                f"Skip slide {slide + 1}? The talk ends sooner by what is left of it. The talk is paused meanwhile.",
                yes=f"Skip slide {slide + 1}",
                no="Keep it",
            ),
            answer,
        )

    def _skip(self, slide: int, *, stay_paused: bool) -> None:
        """Skip ``slide`` (0-based), which the talk is paused on, and go on (or stay paused)."""
        assert self.clock is not None
        show = self.app.show
        now = self.app.monotonic()
        if self.clock.state(now).slide != slide:
            return  # the talk moved on meanwhile: nothing to skip any more
        show.resume_talk(now)
        show.skip_slide(now)
        if stay_paused:
            show.pause_talk(now)

    def action_help(self) -> None:
        """Help over the stage: the talk pauses while it is open (recorded) and goes on when it closes."""
        from .help import HelpScreen

        keys = active_keys(self)
        paused_here = self.app.pause_for_question()
        self.app.push_screen(HelpScreen(self, keys), lambda _: self.app.resume_after_question(paused_here))

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
        self._gc_paused = pause_gc()

    def _gc_resume(self) -> None:
        """Collect once the talk's end has reached the audience screens: a full collection holds the
        interpreter lock for tens of milliseconds, which would hold up the room server's thread."""
        paused, self._gc_paused = self._gc_paused, None
        if paused is None:
            return
        try:
            from ...render.prerender import resume_gc
        except ImportError:
            return
        self.app.after_news(partial(resume_gc, paused))
