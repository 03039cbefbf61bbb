"""L on the lineup: what the room can reach, and the link that makes a browser the projector."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static

from ..widgets.key_footer import KeyFooter
from .base import AppModal


class RoomLinkScreen(AppModal[None]):
    """The projector's link (``/stage?k=KEY``), whether a projector follows, and what the network reaches.

    The link is shown only here, on the host's asking: whoever has it can
    make their screen the projector, so it stays off the lineup, which the
    room sees when the host's laptop is the projector.
    """

    DEFAULT_CSS = """
    RoomLinkScreen { align: center middle; }
    RoomLinkScreen > Vertical {
        width: 90; max-width: 95%; height: auto;
        border: thick $accent; background: $surface; padding: 1 2;
    }
    RoomLinkScreen Static { width: 100%; height: auto; margin-bottom: 1; }
    RoomLinkScreen #link { text-style: bold; color: $accent; }
    RoomLinkScreen #exposure { color: $warning; }
    """
    BINDINGS = [
        Binding("escape,enter,L", "close", "Close", key_display="esc"),
        Binding("c", "copy", "Copy the link"),
    ]

    def compose(self) -> ComposeResult:
        app = self.app
        link = app.projector_url
        with Vertical():
            if link is not None:
                yield Static("The projector's link: open it in the projector's browser", classes="title")
                yield Static(link, id="link", markup=False)
                yield Static(
                    "That browser becomes the projector: the stage here then keeps a console for you (the next slide, "
                    "who is next). On this machine, battledecks screen with the event file is the projector without a "
                    "link. Anyone who sees the link can do the same: keep it off the projected screen.",
                    markup=False,
                )
            else:
                yield Static(
                    "No projector can be authorised: the event's screen key could not be written.", markup=False
                )
            yield Static("", id="projectors", markup=False)
            yield Static(
                f"Everyone else who opens {app.audience_url} sees what the room sees, as it happens: never this "
                "console, a title before you reveal it, a slide before its time or the standings before you put "
                "them on the projector; and no screen of theirs changes what this terminal shows.",
                markup=False,
            )
            if app.room_exposure:
                yield Static(app.room_exposure, id="exposure", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.watch(self.app, "projectors", self._projectors)

    def _projectors(self, count: int) -> None:
        text = (
            "A projector follows the show now."
            if count == 1
            else (f"{count} projectors follow the show now." if count else "No projector follows the show now.")
        )
        self.query_one("#projectors", Static).update(text)

    def action_copy(self) -> None:
        if self.app.projector_url is not None:
            self.app.copy_to_clipboard(self.app.projector_url)
            self.notify("The projector's link is copied (where the terminal allows it).", timeout=4)

    def action_close(self) -> None:
        self.dismiss(None)
