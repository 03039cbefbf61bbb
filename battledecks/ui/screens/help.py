"""Help on ``?``: the keys that work now on the screen underneath, and the flow of a show."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Label, Static

from ..widgets.key_footer import KeyFooter
from .base import AppModal

FLOW = (
    "[b]Lineup[/b]: the presenters in presenting order; ↑ and ↓ select one. Enter always does the next "
    "step for them (draw, stage, scores). a adds a late presenter, x removes one, shift+↑ and shift+↓ "
    "move them in the order, z undoes the last move. Serving the room (--serve), L shows what the room "
    "can reach and the projector's link.",
    "[b]Draw[/b]: a fair random pick of an unseen deck (and topic). v (veto) sets a broken deck aside "
    "and draws again. d draws with numbers the room calls out, mixed into the draw. Every draw can be "
    "checked later against the commitment on the lineup (f: in full and as a QR code).",
    "[b]Stage[/b]: 3-2-1, then the slides advance on their own. Space pauses and resumes; Escape aborts "
    "(the presenter starts again later on the same deck); K skips a broken slide. p keeps a console for "
    "you beside a smaller slide (the next slide, who is next) when the room watches another screen. Help "
    "and every question pause the talk. Time! rings the bell.",
    "[b]Scores[/b]: each judge's score per criterion and the audience score. Changes are kept as "
    "corrections. F1 is help there, since ? would be typed.",
    "[b]Standings[/b] (t): the ranking, for you alone, without the winner; p puts it on the projector "
    "(and takes it off); r reveals third, second, then the winner, on the projector too, and c saves the "
    "results card. S draws a sudden death when a tie for first needs one.",
)
"""The steps of a show, one paragraph each (wrapped to the box, whatever its width)."""

SAVED = "Everything is saved to the record beside the event file as it happens; reopen the event to resume."

QUIT = ("ctrl+q", "Quit (asks first; everything is saved)")


def active_keys(screen: Screen) -> list[tuple[str, str]]:
    """(key, description) of every binding shown that works now on ``screen``, in binding order.

    ``Screen.active_bindings`` asks each binding's ``check_action``, so keys
    that do nothing at this moment (the stage's Escape after Time!) are left out.
    """
    app = screen.app
    keys: list[tuple[str, str]] = []
    for active in screen.active_bindings.values():
        binding = active.binding
        if not active.enabled or not binding.show or not binding.description:
            continue
        entry = (binding.key_display or app.get_key_display(binding), binding.description)
        if entry not in keys:
            keys.append(entry)
    if QUIT not in keys:
        keys.append(QUIT)
    return keys


class HelpScreen(AppModal[None]):
    """Lists the keys that work now on the screen it was opened from, and how a show runs."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 100; max-width: 100%; height: auto; max-height: 100%;
        border: thick $accent; background: $surface; padding: 0 1;
    }
    HelpScreen .head { text-style: bold; margin-top: 1; }
    HelpScreen #keys { grid-size: 2; grid-columns: 12 1fr; grid-gutter: 0 1; height: auto; }
    HelpScreen #keys .key { text-style: bold; width: 100%; text-align: right; }
    HelpScreen #keys Label { height: auto; }
    HelpScreen .step { height: auto; }
    HelpScreen .step .n { width: 3; }
    HelpScreen .step Static { width: 1fr; height: auto; }
    HelpScreen #saved { height: auto; margin-top: 1; }
    """
    BINDINGS = [Binding("escape,question_mark,q", "close", "Close", key_display="esc")]

    def __init__(self, under: Screen, keys: list[tuple[str, str]] | None = None) -> None:
        super().__init__()
        self.under = under
        self.keys = active_keys(under) if keys is None else keys
        """(key, description) listed, as they were when help was opened."""

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Label("Keys that work now", classes="head")
            with Grid(id="keys"):
                for key, description in self.keys:
                    yield Label(key, classes="key")
                    yield Label(description)
            yield Label("Running a show", classes="head")
            for number, step in enumerate(FLOW, start=1):
                with Horizontal(classes="step"):
                    yield Label(f"{number}.", classes="n")
                    yield Static(step)
            yield Static(SAVED, id="saved")
        yield KeyFooter()

    @property
    def text(self) -> str:
        """Everything the box says, as plain lines (keys first)."""
        lines = [f"{key} {description}" for key, description in self.keys]
        return "\n".join(lines + list(FLOW) + [SAVED])

    def action_close(self) -> None:
        self.dismiss(None)
