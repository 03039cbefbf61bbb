"""Big text on screen: a word, a countdown or a title drawn as large as the widget.

The text is drawn from the bundled DejaVu Sans Bold with half cells (see
``battledecks.render.bigtext``), in the widget's CSS ``color`` on its
``background``, so it is smooth and large in any terminal. When the widget is
too small for legible big letters it shows the text as ordinary bold text
instead.

Rendering is cached per (text, size, colours): updating a countdown once a
second, or showing a text again, costs a dictionary lookup after the first
time; ``warm`` makes a text ahead of time.
"""

from __future__ import annotations

from rich.text import Text
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

from battledecks.render import bigtext
from battledecks.render.halfcell import EIGHT_BIT, TRUECOLOR

_UNSET: object = object()


class BigText(Widget):
    """``text`` filling the widget, as big as it fits.

    Args:
        text: What to show. "\\n" forces a line break.
        max_lines: Most lines to split a text without breaks into (a deck
            title: 3; a countdown or a word: 1).
        fit_as: Size the text as if it were this string, so a changing text
            keeps one size (a countdown: "00:00" or "0:00").
        bold: DejaVu Sans Bold (default) or regular.
        align: "left", "center" or "right" for each line.
        min_size: Smallest font size in pixels drawn big; below it the
            widget shows ordinary terminal text.

    Style it with CSS: ``color`` is the letters' colour and ``background``
    the colour around them; ``width``/``height`` decide how big it is.
    """

    DEFAULT_CSS = """
    BigText {
        width: 1fr;
        height: 1fr;
        text-style: bold;
        content-align: center middle;
    }
    """

    def __init__(
        self,
        text: str = "",
        *,
        max_lines: int = 1,
        fit_as: str | None = None,
        bold: bool = True,
        align: str = "center",
        min_size: int = bigtext.MIN_SIZE,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        if align not in bigtext.ALIGNS:
            raise ValueError(f"align must be one of {', '.join(bigtext.ALIGNS)}, got {align!r}")
        self._text = text
        self.max_lines = max_lines
        self._fit_as = fit_as
        self.bold = bold
        self.align = align
        self.min_size = min_size
        self._lines: tuple[Strip, ...] | None = None

    @property
    def text(self) -> str:
        """The text showing."""
        return self._text

    @property
    def fit_as(self) -> str | None:
        """The string the text is sized as, if any."""
        return self._fit_as

    def update(self, text: str, *, fit_as: str | object | None = _UNSET) -> None:
        """Show ``text`` (and size it as ``fit_as``, if given); does nothing when nothing changed."""
        changed = text != self._text
        if fit_as is not _UNSET and fit_as != self._fit_as:
            self._fit_as = fit_as  # type: ignore[assignment]
            changed = True
        if changed:
            self._text = text
            self.refresh(layout=False)

    def _options(self) -> dict[str, object]:
        """Arguments for ``bigtext.strips`` at the current size and colours."""
        _, _, background, color = self.colors
        color_system = TRUECOLOR if self.app.console.color_system == "truecolor" else EIGHT_BIT
        return {
            "fg": (background + color).rgb,
            "bg": background.rgb,
            "color_system": color_system,
            "max_lines": self.max_lines,
            "bold": self.bold,
            "fit_as": self._fit_as,
            "align": self.align,
        }

    def _legible(self, text: str) -> bool:
        return bigtext.legible(
            text,
            (self.content_size.width, self.content_size.height),
            max_lines=self.max_lines,
            bold=self.bold,
            fit_as=self._fit_as,
            min_size=self.min_size,
        )

    @property
    def is_big(self) -> bool:
        """Whether the text is drawn big now (False: too small, shown as ordinary text)."""
        return self._legible(self._text)

    def strips_for(self, text: str) -> tuple[Strip, ...] | None:
        """The strips ``text`` is drawn with at the current size and colours; None when too small to draw big."""
        if not self._legible(text):
            return None
        return bigtext.strips(text, tuple(self.content_size), **self._options())  # type: ignore[arg-type]

    def warm(self, text: str) -> None:
        """Make ``text`` now, so showing it later costs a lookup (a countdown's next second)."""
        if self.is_mounted and self.content_size.area:
            self.strips_for(text)

    def render(self) -> Text:
        """The text as ordinary terminal text, for a widget too small to draw it big (its "\\n" breaks kept)."""
        lines = (" ".join(line.split()) for line in self._text.split("\n"))
        return Text("\n".join(lines), justify=self.align)  # type: ignore[arg-type]

    def render_lines(self, crop: Region) -> list[Strip]:
        self._lines = self.strips_for(self._text) if self.content_size.area else None
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        lines = self._lines
        if lines is None:
            return super().render_line(y)
        if 0 <= y < len(lines):
            return lines[y]
        return Strip.blank(self.content_size.width)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self.refresh()
