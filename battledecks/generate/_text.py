"""Text that fits its box: wrapping, shrinking and drawing with the bundled font.

Only DejaVu Sans, shipped in ``battledecks/fonts``, is used, so a deck renders
the same on every machine and accented words keep their accents.
"""

from __future__ import annotations

from dataclasses import dataclass

from PIL import ImageDraw, ImageFont

from .. import fonts


def font(size: int) -> ImageFont.FreeTypeFont:
    """DejaVu Sans at a pixel size (cached)."""
    return fonts.font(max(1, int(size)))


def printable(text: str) -> str:
    """Text in characters the font draws (accents kept; anything it lacks folded or "?")."""
    return fonts.drawable(text)


def stroke_for(size: int, bold: bool) -> int:
    """Outline width that fakes a bold weight (the bundled font has one weight)."""
    return round(size / 40) if bold else 0


@dataclass(frozen=True)
class Fitted:
    """Text laid out at one size: the lines to draw and the space they take."""

    size: int
    lines: tuple[str, ...]
    stroke: int
    line_height: int
    width: int
    height: int


def _wrap(text: str, fnt: ImageFont.FreeTypeFont, width: float, stroke: int) -> tuple[list[str], bool]:
    """Greedy word wrap. Returns the lines and whether a word had to be cut."""

    def measure(s: str) -> float:
        return fnt.getlength(s) + 2 * stroke

    lines: list[str] = []
    cut = False
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}" if line else word
            if measure(candidate) <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
            while measure(word) > width and len(word) > 1:
                cut = True
                keep = len(word) - 1
                while keep > 1 and measure(word[:keep]) > width:
                    keep -= 1
                lines.append(word[:keep])
                word = word[keep:]
            line = word
        lines.append(line)
    return lines, cut


def _layout(text: str, size: int, bold: bool, width: float, spacing: float) -> tuple[Fitted, bool]:
    fnt = font(size)
    stroke = stroke_for(size, bold)
    lines, cut = _wrap(text, fnt, width, stroke)
    ascent, descent = fnt.getmetrics()
    line_height = round(size * spacing)
    height = line_height * (len(lines) - 1) + ascent + descent + 2 * stroke
    widest = max((fnt.getlength(line) for line in lines), default=0) + 2 * stroke
    return Fitted(size, tuple(lines), stroke, line_height, round(widest), height), cut


def fit(
    text: str,
    width: float,
    height: float,
    *,
    max_size: int,
    min_size: int = 8,
    bold: bool = False,
    spacing: float = 1.2,
    max_lines: int | None = None,
) -> Fitted:
    """The largest layout of text, from max_size down, that fits width x height.

    Words are only cut when even min_size cannot hold them; lines that still do
    not fit at min_size are dropped and the last kept one ends with an ellipsis.
    """
    text = printable(text)
    min_size = max(1, min(min_size, max_size))
    size = max_size
    while True:
        laid, cut = _layout(text, size, bold, width, spacing)
        too_many = max_lines is not None and len(laid.lines) > max_lines
        if laid.height <= height and not cut and not too_many:
            return _balance(text, laid, bold, spacing)
        if size <= min_size:
            return _truncate(laid, height, max_lines)
        size = max(min_size, min(size - 1, int(size * 0.93)))


def _balance(text: str, laid: Fitted, bold: bool, spacing: float) -> Fitted:
    """The same text in as many lines but as narrow as possible, so no line is left with one short word."""
    if len(laid.lines) < 2:
        return laid
    lo, hi = laid.width / len(laid.lines), float(laid.width)
    best = laid
    for _ in range(10):
        mid = (lo + hi) / 2
        trial, cut = _layout(text, laid.size, bold, mid, spacing)
        if len(trial.lines) == len(laid.lines) and not cut:
            best, hi = trial, mid
        else:
            lo = mid
    return best


def _truncate(laid: Fitted, height: float, max_lines: int | None) -> Fitted:
    fnt = font(laid.size)
    ascent, descent = fnt.getmetrics()
    room = 1 + max(0, int((height - ascent - descent - 2 * laid.stroke) // max(1, laid.line_height)))
    if max_lines is not None:
        room = min(room, max_lines)
    if room >= len(laid.lines):
        return laid
    lines = list(laid.lines[:room])
    lines[-1] = lines[-1].rstrip(" .,;:") + "\u2026"
    new_height = laid.line_height * (room - 1) + ascent + descent + 2 * laid.stroke
    return Fitted(laid.size, tuple(lines), laid.stroke, laid.line_height, laid.width, new_height)


def draw_fitted(
    draw: ImageDraw.ImageDraw,
    laid: Fitted,
    box: tuple[float, float, float, float],
    fill,
    *,
    align: str = "left",
    valign: str = "top",
) -> tuple[int, int, int, int]:
    """Draws laid-out text inside box; returns the box the text covers."""
    x0, y0, x1, y1 = box
    fnt = font(laid.size)
    if valign == "middle":
        top = y0 + (y1 - y0 - laid.height) / 2
    elif valign == "bottom":
        top = y1 - laid.height
    else:
        top = y0
    left_edge = x1
    right_edge = x0
    for i, line in enumerate(laid.lines):
        w = fnt.getlength(line) + 2 * laid.stroke
        if align == "center":
            x = x0 + (x1 - x0 - w) / 2
        elif align == "right":
            x = x1 - w
        else:
            x = x0
        left_edge, right_edge = min(left_edge, x), max(right_edge, x + w)
        draw.text(
            (round(x + laid.stroke), round(top + laid.stroke + i * laid.line_height)),
            line,
            font=fnt,
            fill=fill,
            anchor="la",
            stroke_width=laid.stroke,
            stroke_fill=fill,
        )
    return round(left_edge), round(top), round(right_edge), round(top + laid.height)
