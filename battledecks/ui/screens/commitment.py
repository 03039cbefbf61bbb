"""The draw's commitment, to photograph: its fingerprint in full and as a QR code (``f`` on the lineup)."""

from __future__ import annotations

from rich.segment import Segment
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Label, Static

from ...core.commitment import short_fingerprint
from ..widgets.key_footer import KeyFooter
from .base import AppModal


def qr_text(fingerprint: str) -> str:
    """What the QR code holds: ``SHA256:`` and the fingerprint, in capitals (a QR code holds those in fewer
    modules than lower case, so it fits a smaller terminal); ``verify --expect`` takes it as it is."""
    return f"SHA256:{fingerprint.upper()}"


def grouped(fingerprint: str) -> str:
    """The fingerprint in four lines of four groups of four hex digits."""
    groups = [fingerprint[i : i + 4] for i in range(0, len(fingerprint), 4)]
    return "\n".join(" ".join(groups[i : i + 4]) for i in range(0, len(groups), 4))


class QrCode(Widget):
    """A QR code of some text, as big as fits (black on white, half cells), centred."""

    DEFAULT_CSS = """
    QrCode { width: 1fr; height: 1fr; }
    """

    def __init__(self, text: str, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.text = text
        self._fitted: tuple[tuple[int, int], object] | None = None

    def _code(self):  # noqa: ANN202
        from ..widgets.vote_code import terminal_code

        size = (self.size.width, self.size.height)
        if self._fitted is None or self._fitted[0] != size:
            self._fitted = (size, terminal_code(self.text, *size))
        return self._fitted[1]

    def render_line(self, y: int) -> Strip:
        width, height = self.size
        code = self._code()
        style = self.rich_style
        if code is None:
            said = "(too small for the QR code: a bigger terminal shows it)"[:width] if y == 0 else ""
            return Strip([Segment(said.ljust(width), style)], width)
        top = max(0, (height - code.height) // 2)
        if not top <= y < top + code.height:
            return Strip.blank(width, style)
        pad = max(0, (width - code.width) // 2)
        strip = code.strips[y - top]
        line = Strip.join([Strip([Segment(" " * pad, style)], pad), strip]) if pad else strip
        right = max(0, width - line.cell_length)
        return Strip.join([line, Strip([Segment(" " * right, style)], right)]) if right else line


class CommitmentScreen(AppModal[None]):
    """The commitment of the event's draw, big, for the room to note or photograph before the first draw."""

    DEFAULT_CSS = """
    CommitmentScreen { align: center middle; }
    CommitmentScreen > Vertical {
        width: 90%; height: 95%;
        border: thick $accent; background: $surface; padding: 0 2;
    }
    CommitmentScreen #head { width: 100%; text-align: center; text-style: bold; }
    CommitmentScreen #fingerprint { width: 100%; height: auto; text-align: center; }
    CommitmentScreen #how { width: 100%; height: auto; text-align: center; color: $text-muted; }
    """
    BINDINGS = [Binding("enter,escape,f", "close", "Close", key_display="esc")]

    def compose(self) -> ComposeResult:
        show = self.app.show
        commitment = show.commitment
        fingerprint = commitment.fingerprint if commitment is not None else ""
        with Vertical():
            yield Label(f"The draw's commitment: {short_fingerprint(fingerprint)}", id="head")
            yield QrCode(qr_text(fingerprint), id="qr")
            yield Static(grouped(fingerprint), id="fingerprint")
            yield Static(
                "Every draw tonight can be checked against it, by anyone: "
                f"battledecks verify {show.event.path.name} --expect {fingerprint[:12]}",
                id="how",
            )
        yield KeyFooter()

    def action_close(self) -> None:
        self.dismiss(None)
