"""``battledecks screen``: the room's view of a show, for a terminal on the projector.

A second, read-only app. It follows the host's room server (see
:mod:`battledecks.room`) and shows only the show: between talks the event
and who is next, a draw as a reveal, the 3-2-1, the slide filling the
screen with the time left and n/12, PAUSED, Time!, the phones' vote (and,
for a while once the host closes it, how the votes spread), and the
standings when the host reveals them. It has no key that changes anything.

Slide changes are computed here from the talk's schedule with the same
talk clock as the host's stage, and fired by the same deadline timer, so
the room's slide changes when the host's does. The server gives a slide
only once the one before it shows (the room never has one early), so each
is fetched then, and made ready to show while the one before it is up.

Started with the event's screen key (``battledecks screen EVENT`` reads it
beside the record), this screen is the host's projector: the host's stage
then keeps a console for the host.
"""

from __future__ import annotations

import asyncio
import mimetypes
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aiohttp
from PIL import Image
from rich.table import Table
from rich.text import Text
from rich.markup import escape
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Container, Horizontal, Vertical
from textual.widgets import ContentSwitcher, Label, Static

from ...core.clock import Phase, TalkClock
from ...render.detect import GraphicsMode
from ...render.prerender import pause_gc, resume_gc
from ...room.follow import RETRY, Follower
from ...room.schedule import clock_from
from ...textual_private import paint_now
from ..widgets.vote_code import VoteCode
from ..widgets.vote_spread import VoteSpread
from ..deadline import DeadlineTimer
from ..format import duration
from ..widgets.big_text import BigText
from ..screens.stage import CLOCK_FACE, NUMBER_MIN_SIZE, bar_rows, bar_widths, number_face
from ..widgets.slide_view import SlideView

TIME_UP_SHOWN = 10.0
"""Seconds Time! stays up after a talk ends, before the room sees who is next."""

ABORT_SHOWN = 4.0
"""Seconds "Talk stopped" stays up."""

TALK_SWITCH_INTERVAL = 0.001
"""Seconds a thread may hold the GIL while another waits for it, during a talk (Python's default is 0.005)."""

WATCHDOG = 0.5
"""Seconds between safety wake-ups, in case a timer is ever lost."""

ROWS_MIN_SIZE = 8
"""Smallest font size (pixels) the standings' rows are drawn big at: below it they are ordinary text lines.
Lower than a single word's (``bigtext.MIN_SIZE``): a row's rank and total help read its name."""

PLACES = {3: "third", 2: "second"}

HEADING_SIZE = "Second place"
"""The standings' headings are sized as this, so "Third place", "Second place" and "The winner is" keep one size."""


def standings_view(standings: dict[str, Any]) -> tuple[str, str, list[str]]:
    """(heading, names, rows) the room sees of the results the host has revealed.

    During the reveal ("third", "second", "winner") the names are the place
    just revealed, drawn big, and the rows are the podium revealed so far; the
    whole table ("standings") is rows only. A row is "2  Brian Okafor  7.88".
    """
    show = str(standings.get("show"))
    rows = [row for row in standings.get("rows") or [] if isinstance(row, dict)]

    def line(row: dict[str, Any]) -> str:
        return f"{row.get('rank')}{'=' if row.get('tied') else ''}  {row.get('presenter')}  {row.get('total')}"

    def held(rank: int) -> list[str]:
        return [str(row.get("presenter")) for row in rows if row.get("rank") == rank]

    if show in ("third", "second"):
        rank = 3 if show == "third" else 2
        names = held(rank)
        heading = f"Joint {PLACES[rank]}" if len(names) > 1 else f"{PLACES[rank].capitalize()} place"
        before = [line(row) for row in rows if isinstance(row.get("rank"), int) and row["rank"] > rank]
        return heading, " & ".join(names), before
    if show == "winner":
        podium = [line(row) for row in rows if isinstance(row.get("rank"), int) and row["rank"] <= 3]
        tied = [str(name) for name in standings.get("sudden_death") or []]
        winners = [str(name) for name in standings.get("winners") or []]
        if tied:
            return "Tied for first: sudden death decides!", " & ".join(tied), podium
        return ("Joint winners" if len(winners) > 1 else "The winner is"), " & ".join(winners), podium
    return "Standings", "", [line(row) for row in rows]


class TalkView(Vertical):
    """The slide above a bar a sixth of the screen high, as on the host's stage."""

    slides = 12
    """Slides in the talk showing: the slide number is sized for as many."""

    def on_resize(self) -> None:
        self.fit_bar()

    def fit_bar(self) -> None:
        """The countdown and the slide number as wide as their big digits need; the name has the rest."""
        rows = bar_rows(self.size.height)
        self.query_one("#bar").styles.height = rows
        clock, number = bar_widths(self.size.width, rows, self.slides)
        self.query_one("#remaining", BigText).styles.width = clock
        self.query_one("#slide-no", BigText).styles.width = number


class AudienceApp(App[None]):
    """Follows one show; every view is read-only."""

    TITLE = "battledecks"
    ENABLE_COMMAND_PALETTE = False
    CSS = """
    Screen { background: black; layers: base overlay; }
    ContentSwitcher { width: 100%; height: 100%; }
    .view { width: 100%; height: 100%; align: center middle; background: black; }
    .view Static { width: 100%; height: auto; text-align: center; }
    .big { text-style: bold; color: $text; }
    .muted { color: $text-muted; }
    .title { text-style: bold; color: $warning; padding: 1 2; }
    #talk { width: 100%; height: 100%; background: black; }
    #slide-area { width: 100%; height: 1fr; background: black; layers: base overlay; }
    #slides { width: 100%; height: 100%; }
    #slides SlideView { width: 100%; height: 100%; }
    #curtain {
        layer: overlay; width: 100%; height: 100%; background: black;
        align: center middle; content-align: center middle;
    }
    #curtain.-hidden { display: none; }
    #curtain BigText { width: 100%; height: 1fr; color: $warning; background: black; }
    #next-name { width: 100%; height: 40%; color: $text; background: black; }
    #reveal-title { width: 100%; height: 50%; color: $warning; background: black; }
    #bar { height: 5; background: black; padding: 0 1; }
    #bar BigText { height: 100%; background: black; }
    #remaining { width: 27; color: $text; }
    #remaining.-low { color: $error; }
    #slide-no { width: 27; color: $text; }
    #who-area { width: 1fr; height: 100%; }
    #bar #paused { height: 1fr; color: $warning; display: none; }
    #bar #paused.-on { display: block; }
    #bar #who { height: 1fr; color: $text; }
    #caption { width: 100%; height: 1; padding: 0 1; color: $text-muted; text-wrap: nowrap; text-overflow: ellipsis; }
    #standings-head { width: 100%; height: 3; color: $text-muted; background: black; }
    #standings-name { width: 100%; height: 1fr; color: $warning; background: black; }
    #standings-rows { width: 100%; height: 1fr; padding: 0 2; color: $text; background: black; }
    #fan { color: $warning; text-style: bold; }
    """
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", show=False, priority=True), Binding("q", "quit", "Quit", show=False)]

    def __init__(
        self,
        locate: Callable[[], str | None],
        *,
        graphics: GraphicsMode = GraphicsMode.HALFCELL,
        monotonic: Callable[[], float] = time.monotonic,
        retry: float = RETRY,
        screen_key: Callable[[], str | None] | None = None,
    ) -> None:
        super().__init__()
        self.graphics = graphics
        self.follower = Follower(
            locate, self._message, self._status, retry=retry, monotonic=monotonic, screen_key=screen_key
        )
        self.state: dict[str, Any] | None = None
        """The last state from the host; None while the host is not reachable."""
        self.clock: TalkClock | None = None
        """The talk on stage, rebuilt from its schedule (host monotonic time)."""
        self.view = "waiting"
        self.shown_slide = -1
        """The slide on screen (0-based), -1 before the first of a talk."""
        self.slide_log: list[tuple[int, float, float]] = []
        """(slide, host time shown, host time due) for each slide change."""
        self._talk_key: tuple[Any, ...] | None = None
        self._slides_ready: tuple[Any, ...] | None = None
        self._belled: tuple[Any, ...] | None = None
        self._title = ""
        """The deck title of the talk showing, said under the presenter's name."""
        self._folder = tempfile.TemporaryDirectory(prefix="battledecks-screen-")
        self._slide_shown = asyncio.Event()
        """Set when a slide shows: the next one may be fetched now."""
        self._deadline: DeadlineTimer | None = None
        self._gc_paused = False
        self._switch_interval = sys.getswitchinterval()

    # --- layout --------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with ContentSwitcher(initial="waiting"):
            with Vertical(id="waiting", classes="view"):
                yield Static("waiting for the host", classes="big")
                yield Static("", id="waiting-where", classes="muted", markup=False)
            with Vertical(id="idle", classes="view"):
                yield Static("", id="event-name", classes="muted", markup=False)
                yield Static("", id="next-label")
                yield BigText("", max_lines=2, id="next-name")
                yield Static("", id="commitment", classes="muted")
            with Vertical(id="reveal", classes="view"):
                yield Static("", id="reveal-for", markup=False)
                yield BigText("", max_lines=3, id="reveal-title")
                yield Static("", id="reveal-topic", markup=False)
                yield Static("", id="reveal-room", classes="muted", markup=False)
            with TalkView(id="talk"):
                with Container(id="slide-area"):
                    yield Container(id="slides")
                    with Vertical(id="curtain"):
                        yield BigText("", fit_as="0", id="count")
                        yield BigText("", max_lines=2, id="curtain-text")
                with Horizontal(id="bar"):
                    yield BigText("", fit_as=CLOCK_FACE, id="remaining")
                    yield BigText("", fit_as=number_face(TalkView.slides), min_size=NUMBER_MIN_SIZE, id="slide-no")
                    with Vertical(id="who-area"):
                        yield BigText("PAUSED", id="paused")
                        yield BigText("", max_lines=2, id="who")
                        yield Label("", id="caption", markup=False)
            with Vertical(id="vote", classes="view"):
                yield VoteCode(id="vote-code")
            with Vertical(id="voted", classes="view"):
                yield VoteSpread(id="vote-spread")
            with Vertical(id="standings", classes="view"):
                yield BigText("", fit_as=HEADING_SIZE, id="standings-head")
                yield BigText("", max_lines=2, id="standings-name")
                yield BigText("", align="left", min_size=ROWS_MIN_SIZE, id="standings-rows")
                yield Static("", id="fan")

    def on_mount(self) -> None:
        self._deadline = DeadlineTimer(self, self.follower.host_now, self.render_state)
        self.set_interval(WATCHDOG, self.render_state)
        self.run_worker(self.follower.run(), name="follow", exit_on_error=False)
        self.render_state()

    def on_unmount(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
        if self._gc_paused:
            resume_gc()
            self._gc_paused = False
            sys.setswitchinterval(self._switch_interval)
        self._folder.cleanup()

    # --- the stream -------------------------------------------------------------------

    def _status(self, connected: bool) -> None:
        if not connected:
            self.state = None
            self.render_state()

    def _message(self, message: dict[str, Any]) -> None:
        state = message.get("state")
        if not isinstance(state, dict):
            return
        self.state = state
        talk = state.get("talk")
        self.clock = None
        if isinstance(talk, dict):
            try:
                self.clock = clock_from(talk["schedule"])
            except (KeyError, ValueError):
                self.clock = None
        self.render_state()

    # --- what to show ---------------------------------------------------------------

    def _show(self, view: str) -> None:
        if view != "talk":
            self._drop_slides(fetch_again=True)
        if view != self.view:
            self.view = view
            self.query_one(ContentSwitcher).current = view

    def render_state(self) -> None:
        """Show what the room should see now, and arm the timer for the next change."""
        if not self.is_running or self._deadline is None:
            return
        due: float | None = None
        state = self.state
        now = self.follower.host_now()
        if state is None:
            self.query_one("#waiting-where", Static).update(self.follower.url or "")
            self._show("waiting")
        else:
            due = self._render(state, now)
        self._deadline.arm(due)
        self._collect_between_talks(now)

    def _collect_between_talks(self, now: float) -> None:
        """No garbage collection while a talk runs (as on the host's stage); all of it between talks."""
        talking = (
            self.view == "talk"
            and self.clock is not None
            and self.clock.state(now).phase in (Phase.COUNTDOWN, Phase.TALK)
        )
        if talking and not self._gc_paused:
            pause_gc()
            self._gc_paused = True
            # The slides are made on a worker thread: the timer's thread gets the GIL back within 1 ms, not 5.
            self._switch_interval = sys.getswitchinterval()
            sys.setswitchinterval(TALK_SWITCH_INTERVAL)
        elif not talking and self._gc_paused:
            resume_gc()
            self._gc_paused = False
            sys.setswitchinterval(self._switch_interval)

    def _render(self, state: dict[str, Any], now: float) -> float | None:
        stage = state.get("stage")
        talk = state.get("talk")
        vote = state.get("vote")
        # The host's latest step: a vote shows until it closes or the show moves on (a draw, a talk, the standings).
        if stage == "vote" and isinstance(vote, dict) and vote.get("open"):
            self.query_one(VoteCode).show_vote(vote)
            self._show("vote")
            return None
        voted = state.get("voted")
        if stage == "voted" and isinstance(voted, dict):
            # The vote just closed: how it spread, for a while (counted from the close), then who is next.
            until = float(voted.get("at") or 0.0) + float(voted.get("shown") or 0.0)
            if now < until:
                self.query_one(VoteSpread).show_voted(voted)
                self._show("voted")
                return until
        if stage == "talk" and isinstance(talk, dict) and self.clock is not None:
            shown, due = self._render_talk(talk, self.clock, now)
            if shown:
                return due
        reveal = state.get("reveal")
        if stage == "reveal" and isinstance(reveal, dict):
            return self._render_reveal(reveal, now)
        standings = state.get("standings")
        if stage == "standings" and isinstance(standings, dict):
            self._render_standings(standings)
            return None
        self.query_one("#event-name", Static).update(str(state.get("event") or ""))
        following = state.get("next")
        self.query_one("#next-label", Static).update("Next up" if following else "")
        self.query_one("#next-name", BigText).update(str(following or ""))
        commitment = state.get("commitment")
        # Noted (or photographed) by the room before the first draw: every draw can be checked against it later.
        self.query_one("#commitment", Static).update(
            f"Draw commitment: {commitment}" if isinstance(commitment, str) else ""
        )
        self._show("idle")
        return None

    def _render_reveal(self, reveal: dict[str, Any], now: float) -> float | None:
        self.query_one("#reveal-for", Static).update(f"A deck for {reveal.get('presenter', '')}")
        until = float(reveal.get("at", 0.0)) + float(reveal.get("suspense", 0.0))
        title, topic = self.query_one("#reveal-title", BigText), self.query_one("#reveal-topic", Static)
        room = reveal.get("room")
        self.query_one("#reveal-room", Static).update(
            f"with the room's numbers {room}" if isinstance(room, str) else ""
        )
        self._show("reveal")
        # The title comes when the host's screen reveals it: suspense until then, however long it takes.
        if now < until or reveal.get("revealed") is False:
            dots = "." * (1 + int(abs(until - now) * 4) % 3)
            title.update(dots)
            topic.update("")
            return min(until, now + 0.25) if now < until else now + 0.25
        title.update(str(reveal.get("title") or ""))
        topic.update(f"Topic: {reveal['topic']}" if reveal.get("topic") else "")
        return None

    def _render_standings(self, standings: dict[str, Any]) -> None:
        """The reveal's place and its names, big, over the places revealed before it; or the whole table ("standings")."""
        head, names, rows = standings_view(standings)
        fans = standings.get("fan_favourites") or []
        announced = standings.get("show") == "winner"
        self.query_one("#standings-head", BigText).update(head)
        self.query_one("#standings-name", BigText).update(names)
        self.query_one("#standings-rows", BigText).update("\n".join(rows))
        fan = self.query_one("#fan", Static)
        fan.update(escape("Fan favourite: " + " & ".join(fans)) if fans and announced else "")
        self._fit_standings()
        self._show("standings")

    def _fit_standings(self) -> None:
        """The heading a sixth of the screen, the names most of the rest, the rows what is left."""
        name, rows = self.query_one("#standings-name", BigText), self.query_one("#standings-rows", BigText)
        height = self.size.height
        self.query_one("#standings-head", BigText).styles.height = max(1, height // 6)
        name.display, rows.display = bool(name.text), bool(rows.text)
        if name.text and rows.text:
            name.styles.height, rows.styles.height = "3fr", "2fr"
        else:
            name.styles.height = rows.styles.height = "1fr"

    def on_resize(self) -> None:
        if self.view == "standings":
            self._fit_standings()

    def _render_talk(self, talk: dict[str, Any], clock: TalkClock, now: float) -> tuple[bool, float | None]:
        """Show the talk; returns (whether it is shown, next change)."""
        key = (talk.get("presenter"), talk.get("round"), clock.started_at)
        if key != self._talk_key:
            self._new_talk(key, talk, clock)
        state = clock.state(now)
        ended = talk.get("ended")
        curtain = self.query_one("#curtain")
        if state.phase is Phase.ABORTED or (isinstance(ended, dict) and ended.get("how") != "time"):
            since = float(ended["at"]) if isinstance(ended, dict) else now
            if now - since > ABORT_SHOWN:
                return False, None
            self._drop_slides()
            self._curtain("", "Talk stopped")
            self._paused(False)
            self._bar("", "Talk stopped")
            self._show("talk")
            return True, since + ABORT_SHOWN
        if state.phase is Phase.TIME_UP:
            end = clock.due_at(clock.slides)
            if now - end > TIME_UP_SHOWN:
                return False, None
            self._drop_slides()
            self._curtain("", "Time!")
            self.query_one("#remaining", BigText).update("0:00")
            self._paused(False)
            self._bar("", "Time!")
            if self._belled != key:
                self._belled = key
                self.bell()
            self._show("talk")
            return True, end + TIME_UP_SHOWN
        self._show("talk")
        remaining = self.query_one("#remaining", BigText)
        remaining.update(duration(state.talk_remaining))
        remaining.set_class(state.talk_remaining <= 30, "-low")
        self._paused(state.paused)
        paused = "paused · " if state.paused else ""
        if state.phase is Phase.COUNTDOWN:
            self._curtain(str(max(1, int(-(-state.countdown_remaining // 1)))), "")
            self._bar("", f"{paused}{state.slides} slides")
        elif state.phase is Phase.TALK:
            number = f"{state.slide + 1}/{state.slides}"
            # What matters first: a narrow bar cuts the end off.
            self._bar(number, f"{paused}slide {number}" + (f" · {self._title}" if self._title else ""))
            if state.slide != self.shown_slide:
                self._change_slide(state.slide, clock, now)
            if self._slides_ready == key:
                curtain.add_class("-hidden")
        return True, clock.next_change(now)

    def _paused(self, paused: bool) -> None:
        """A big PAUSED in the bar, where the slide number and the presenter's name were."""
        self.query_one("#paused", BigText).set_class(paused, "-on")
        self.query_one("#who", BigText).display = not paused
        self.query_one("#slide-no", BigText).display = not paused

    def _bar(self, number: str, caption: str) -> None:
        """The slide number beside the countdown, big, and the line under the presenter's name."""
        self.query_one("#slide-no", BigText).update(number)
        self.query_one("#caption", Label).update(caption)

    def _curtain(self, count: str, text: str) -> None:
        self.query_one("#curtain").remove_class("-hidden")
        number, words = self.query_one("#count", BigText), self.query_one("#curtain-text", BigText)
        number.display, words.display = bool(count), bool(text)
        number.update(count)
        words.update(text)

    def _change_slide(self, slide: int, clock: TalkClock, now: float) -> None:
        self.shown_slide = slide
        self._slide_shown.set()
        self.slide_log.append((slide, now, clock.due_at(slide)))
        views = self.query("#slides SlideView").results(SlideView)
        for view in views:
            view.show(slide)
            self.query_one("#curtain").add_class("-hidden")
            paint_now(self.screen, view)

    # --- slides ------------------------------------------------------------------------

    def _drop_slides(self, fetch_again: bool = False) -> None:
        """Take the talk's slides off the screen once the room no longer sees them.

        Hiding is not enough: a kitty picture stays above the text until its
        view is removed (which deletes it in the terminal). ``fetch_again``:
        the talk may still be on (the host was lost), so a later state puts
        its slides back.
        """
        slides = self.query_one("#slides")
        if slides.children:
            slides.remove_children()
            self._slides_ready = None
            if fetch_again:
                self._talk_key = None

    def _new_talk(self, key: tuple[Any, ...], talk: dict[str, Any], clock: TalkClock) -> None:
        self._talk_key = key
        self._slides_ready = None
        self.shown_slide = -1
        self.query_one("#slides").remove_children()
        self.query_one("#who", BigText).update(str(talk.get("presenter") or ""))
        self._title = str(talk.get("title") or "")
        view = self.query_one(TalkView)
        view.slides = clock.slides
        self.query_one("#slide-no", BigText).update("", fit_as=number_face(clock.slides))
        view.fit_bar()
        if talk.get("ended") is None and talk.get("deck") and self.follower.url:
            self.run_worker(
                self._fetch(key, self.follower.url, str(talk["deck"]), clock.slides),
                group="slides",
                exclusive=True,
                exit_on_error=False,
            )

    async def _fetch(self, key: tuple[Any, ...], url: str, deck: str, count: int) -> None:
        """Fetch the talk's slides as the room may have them: the first during the 3-2-1, each next one
        once the one before it shows. They go into one view, covered until the first is due; a slide not
        here yet is a black stand-in."""
        folder = Path(self._folder.name) / f"talk-{len(self.slide_log)}-{time.monotonic_ns()}"
        folder.mkdir()
        stand_in = folder / "stand-in.png"
        Image.new("RGB", (16, 9)).save(stand_in)
        base = f"{url.rstrip('/')}/slides/{quote(deck, safe='')}"
        view: SlideView | None = None
        got: set[int] = set()

        def current() -> bool:
            talk = (self.state or {}).get("talk")
            return key == self._talk_key and isinstance(talk, dict) and talk.get("ended") is None

        async def one(session: aiohttp.ClientSession, number: int) -> Path | None:
            async with session.get(f"{base}/{number}") as response:
                if response.status != 200:
                    return None
                suffix = mimetypes.guess_extension(response.content_type or "") or ".img"
                path = folder / f"{number:02d}{suffix}"
                path.write_bytes(await response.read())
                return path

        try:
            async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as session:
                while current() and len(got) < count:
                    self._slide_shown.clear()
                    showing = self.shown_slide + 1  # 1-based; 0 during the 3-2-1
                    missing = False
                    for number in (showing, showing + 1):
                        if not 1 <= number <= count or number in got:
                            continue
                        path = await one(session, number)
                        if not current():
                            return  # another talk since, or this one is over: the room no longer sees its slides
                        if path is None:
                            missing = True  # not yet (this screen's clock is ahead of the host's by a hair)
                            continue
                        got.add(number)
                        if view is None:
                            view = SlideView(
                                [stand_in] * count,
                                mode=self.graphics,
                                index=max(0, self.shown_slide),
                                covered=self.shown_slide < 0,
                            )
                            await self.query_one("#slides").mount(view)
                        view.replace(number - 1, path)
                        if self._slides_ready != key and number == max(1, self.shown_slide + 1):
                            # The slide due first is here (a screen joining mid-talk: the one showing).
                            self._slides_ready = key
                            if self.shown_slide >= 0:
                                view.show(self.shown_slide)
                            self.render_state()
                    try:
                        await asyncio.wait_for(self._slide_shown.wait(), RETRY if missing else None)
                    except TimeoutError:
                        pass
        except (aiohttp.ClientError, asyncio.TimeoutError, OSError):
            return  # the host went away; the next state starts again
