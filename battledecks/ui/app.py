"""The battledecks app: the host's console and the stage, in one terminal."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from textual.notifications import SeverityLevel
from textual.binding import Binding
from textual.reactive import reactive
from textual.signal import Signal

from ..core.changes import Change
from ..core.show import DeckScan, Show
from ..render.detect import GraphicsMode
from ..textual_private import ErrorHookApp
from .prepare import SlidePreparer
from .screens.lineup import LineupScreen
from .survive import BugKeeper, arm, errors_log_for

if TYPE_CHECKING:
    from ..room.votes import VoteDesk  # the vote modules load only when the room votes by phone

Monotonic = Callable[[], float]


def at_once(callback: Callable[[], object]) -> None:
    """Call ``callback`` now: the app's ``after_news`` when no audience screen follows the show."""
    callback()


class BattledecksApp(ErrorHookApp[None]):
    """Runs one event: lineup, draw, stage, scores, standings."""

    CSS_PATH = Path(__file__).parent / "app.tcss"
    TITLE = "battledecks"
    ENABLE_COMMAND_PALETTE = False
    projectors: reactive[int] = reactive(0)
    """Authorised projectors following the show (``run --serve``, screens opened with the event's screen key):
    while one follows, the stage keeps a console for the host. Anonymous screens are not counted."""
    second_screen: reactive[bool | None] = reactive(None)
    """The host's choice: True, the room watches another screen (``run --second-screen``, or ``p`` on the
    stage), so the stage keeps a console; False, the room sees this one; None, not chosen (a console while
    an authorised projector follows)."""
    BINDINGS = [
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("ctrl+q", "ask_quit", "Quit", show=False, priority=True),
    ]

    def __init__(
        self,
        show: Show,
        *,
        graphics: GraphicsMode = GraphicsMode.HALFCELL,
        monotonic: Monotonic = time.monotonic,
    ) -> None:
        super().__init__()
        self.show = show
        """The event being run: every screen reads it and sends it commands."""
        self.graphics = graphics
        """How slides are drawn in this terminal."""
        self.monotonic = monotonic
        """The clock talks run on; tests may pass their own."""
        self.sub_title = show.event.name
        self.audience_url: str | None = None
        """Where the audience screen is served (``run --serve``), or None."""
        self.projector_url: str | None = None
        """The link that makes a browser the projector (``/stage?k=KEY``), or None when not serving."""
        self.room_exposure: str | None = None
        """What the network can reach, when the room is served on an address other machines reach."""
        self.votes: VoteDesk | None = None
        """The room's vote from their phones when served and the event votes by phone (``room.votes.attach`` sets it)."""
        self.after_news: Callable[[Callable[[], object]], None] = at_once
        """Calls a callback once the show's latest change has reached the audience screens (``run --serve``
        waits for the room server's writing; otherwise at once): long work then never holds the news up."""
        self.draw_revealed: list[Callable[[str], None]] = []
        """Called with the presenter's name when a draw's title is revealed on the host's screen (its suspense over or cut short)."""
        self.changed: Signal[Change] = Signal(self, "changed")
        """Every change to the show, as the core's feed emits it: screens subscribe instead of being told."""
        self._unsubscribe = show.changes.subscribe(self.changed.publish)
        self.decks_scanned: Signal[DeckScan] = Signal(self, "decks_scanned")
        """How far the check of the decks folder has come; the lineup shows it and a waiting draw starts when it ends."""
        self.after_first_frame: list[Callable[[], object]] = []
        """Called once the lineup is first on screen (``run`` turns the garbage collector back on)."""
        self.bug_keeper = BugKeeper(errors_log_for(show.event.path), self._bug_notice)
        """Logs and announces the app's own errors once the show has started: they never end it."""
        self.slides = SlidePreparer(self)
        """Draws a drawn PDF deck's pages into the page cache on a worker, ahead of its talk."""

    @property
    def console_layout(self) -> bool:
        """Whether the stage keeps a console for the host: only by the host's choice, or an authorised projector."""
        return self.second_screen if self.second_screen is not None else self.projectors > 0

    def get_default_screen(self) -> LineupScreen:
        # The lineup is the first screen, composed with the app: its first frame is the app's first.
        return LineupScreen()

    def on_unmount(self) -> None:
        self.slides.stop()
        self._unsubscribe()

    def on_mount(self) -> None:
        self.show.on_save_error(self._save_failed)
        self.title = self.show.event.name
        self.sub_title = "battledecks"
        interrupted = self.show.mark_interrupted()
        self.slides.start()
        self.call_after_refresh(self._after_first_frame)
        for name in interrupted:
            self.notify(
                f"{name}'s talk was on stage when battledecks stopped. Select them and press Enter to restart it.",
                title="Talk interrupted",
                severity="warning",
                timeout=12,
            )
        for problem in self.show.warnings:
            self.notify(str(problem), title="Record not read", severity="warning", timeout=12)
        arm(self, self.bug_keeper)

    def _after_first_frame(self) -> None:
        """Once the lineup is on screen: what its first frame did not need (the check would compete with it)."""
        if not self.show.scan.finished:
            self.run_worker(self._scan_decks, thread=True, name="decks", group="decks")
        for callback in self.after_first_frame:
            callback()

    def keep_running_after(self, error: Exception) -> bool:
        # An error a timer or callback let out would end the app. Not mid-show (unless the app is quitting anyway).
        if self.bug_keeper.armed and self.return_code is None:
            self.bug_keeper.report(error, where="a timer or callback")
            return True
        return False

    def _bug_notice(self, text: str) -> None:
        self.notify(text, title="Bug (the show goes on)", severity="error", timeout=15)

    def _scan_decks(self) -> None:
        """Worker thread: check the decks folder while the lineup is on screen."""
        last = 0.0

        def told(scan: DeckScan) -> None:
            nonlocal last
            now = time.monotonic()
            if scan.finished or now - last >= 0.1:
                last = now
                self._from_worker(self.decks_scanned.publish, scan)

        try:
            self.show.scan_decks(told)
        except Exception as error:  # noqa: BLE001 - the show goes on; the host is told
            self._from_worker(
                self.notify,
                f"{error}",
                title="Decks not checked",
                severity="error",
                timeout=20,
            )
            return
        self._from_worker(self._commit)

    def _commit(self) -> None:
        """Commit the draw once the decks are checked (and hashed, on the worker), before anyone draws.

        A record older than commitments, with draws in it already, is left as it is.
        """
        from ..core.problems import BattledecksError

        try:
            self.show.ensure_commitment()
        except BattledecksError as error:
            self.notify(
                f"{error}. The first draw tries again.", title="Draw not committed", severity="error", timeout=20
            )

    def _from_worker(self, callback: Callable[..., object], *args: object, **kwargs: object) -> None:
        try:
            self.call_from_thread(callback, *args, **kwargs)
        except RuntimeError:
            pass  # the app has stopped meanwhile

    def _save_failed(self, error: Exception) -> None:
        # The show goes on: everything stays in memory and is written with the next change that saves.
        self.notify(
            f"{error}. The show goes on; everything is kept and saved with the next change once the disk is fixed.",
            title="Record not saved",
            severity="error",
            timeout=20,
        )

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """A notification, always as plain text: names and titles from the event's files show as they are
        (``Cleo [b]x[/b]`` is not markup). Screens' and widgets' ``notify`` come here too, so ``markup`` is
        never honoured."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "help":
            return bool(getattr(self.screen, "HELP_ON_QUESTION_MARK", True))
        return True

    def action_help(self) -> None:
        from .screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    # --- questions during a talk ----------------------------------------------

    def pause_for_question(self) -> bool:
        """Pause the talk on stage while the host is asked something; True if this paused it (recorded).

        Whatever covers the stage, the talk's time does not run on behind it.
        """
        talk = self.show.talk
        if talk is None or not talk.running:
            return False
        return self.show.pause_talk(self.monotonic())

    def resume_after_question(self, paused_here: bool) -> None:
        """Resume the talk :meth:`pause_for_question` paused, if it did and the talk is still on."""
        talk = self.show.talk
        if paused_here and talk is not None and talk.running:
            self.show.resume_talk(self.monotonic())

    def action_ask_quit(self) -> None:
        """Quit after asking, with the talk on stage paused while asking; a second ctrl+q quits."""
        from .screens.dialogs import ConfirmScreen

        if isinstance(self.screen, ConfirmScreen) and self.screen.purpose == "quit":
            self.exit()
            return
        paused_here = self.pause_for_question()

        def answer(yes: bool | None) -> None:
            if yes:
                self.exit()
            else:
                self.resume_after_question(paused_here)

        question = "Quit battledecks? Everything is saved; open the event again to go on."
        if not self.show.save_again():
            unsaved = self.show.unsaved_count()
            question = (
                f"The record still cannot be saved: {unsaved} change{'s' * (unsaved != 1)} only in memory. Quit? "
                "They are then written, with the whole record, to a file beside it (or in your home folder), "
                "and the terminal says where."
            )
        if paused_here:
            question = "The talk is paused. " + question
        self.push_screen(ConfirmScreen(question, yes="Quit", purpose="quit"), answer)


def create_app(
    event_path: Path,
    *,
    graphics: GraphicsMode = GraphicsMode.HALFCELL,
    monotonic: Monotonic = time.monotonic,
    show: Show | None = None,
) -> BattledecksApp:
    """Build the app for the CLI and the tests alike."""
    return BattledecksApp(show or Show.open(event_path, scan=False), graphics=graphics, monotonic=monotonic)
