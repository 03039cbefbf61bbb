"""Help on ``?``: every key of the screen underneath, and the flow of a show."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from ..widgets.key_footer import KeyFooter
from .base import AppModal

FLOW = """\
[b]Running a show[/b]
1. [b]Lineup[/b]: the presenters in presenting order. Select one and press Enter: it always does
   the next step for them (draw, stage, scores). a adds a late presenter, x removes one, u and n
   move them up and down.
2. [b]Draw[/b]: a fair random pick of an unseen deck (and topic). v (veto) sets a broken deck
   aside and draws again.
3. [b]Stage[/b]: 3-2-1, then the slides advance on their own. Space pauses and resumes; Escape
   aborts (the presenter starts again later on the same deck); K skips a broken slide. Time!
   rings the bell.
4. [b]Scores[/b]: each judge's score per criterion and the audience score. Changes are kept as
   corrections. F1 is help there, since ? would be typed.
5. [b]Standings[/b] (t): the ranking, then r reveals the winner and the fan favourite, and c saves
   the results card. S runs a sudden death when a tie for first needs one.
Everything is saved to the record beside the event file as it happens; reopen the event to resume.
"""


class HelpScreen(AppModal[None]):
    """Lists the keys of the screen it was opened from."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 100; max-width: 95%; height: auto; max-height: 90%;
        border: thick $accent; background: $surface; padding: 0 1;
    }
    """
    BINDINGS = [Binding("escape,question_mark,q", "close", "Close", key_display="esc")]

    def __init__(self, under: Screen) -> None:
        super().__init__()
        self.under = under

    def compose(self) -> ComposeResult:
        keys = []
        # The keys the screen underneath answers now (its own and its focused widget's);
        # the app's own keys are the two lines added below.
        for active in self.under.active_bindings.values():
            b = active.binding
            if active.node is self.app or not (b.description and b.show):
                continue
            display = b.key_display or self.app.get_key_display(b)
            keys.append(f"  [b]{display:>10}[/b]  {b.description}")
        seen: list[str] = []
        for line in keys:
            if line not in seen:
                seen.append(line)
        with VerticalScroll():
            yield Static(f"[b]Keys on this screen[/b]\n" + "\n".join(seen) + "\n  [b]         ?[/b]  This help\n  [b]    ctrl+q[/b]  Quit (everything is saved)\n\n" + FLOW)
        yield KeyFooter()

    def action_close(self) -> None:
        self.dismiss(None)
