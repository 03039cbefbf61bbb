"""The results card: a 1920x1080 podium picture to post after the show.

Drawn with DejaVu Sans, shipped in ``battledecks/fonts``, so the card looks
the same on every machine and names keep their accents ("Zoë O'Brien-Ñúñez").
Written as PNG or JPEG, whichever the file name's ending says.
"""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from .. import fonts
from ..core.atomic import atomic_write
from ..core.event import Event
from ..core.problems import BattledecksError
from ..core.scoring import Standings, StandingRow
from ._words import DECIDED, event_date, fan_line, winner_label

SIZE = (1920, 1080)

_BACK_TOP = (18, 24, 44)
_BACK_BOTTOM = (34, 46, 84)
_WHITE = (246, 247, 251)
_MUTED = (160, 172, 200)
_ACCENT = (255, 196, 61)
_PLACES = {
    1: ((233, 178, 40), (255, 214, 102)),
    2: ((150, 162, 180), (205, 214, 228)),
    3: ((176, 104, 58), (222, 150, 104)),
}
"""Rank -> (block colour, top-edge highlight): gold, silver, bronze."""

_FLOOR = 910
"""Bottom of the podium blocks."""
_BLOCKS = {2: (250, 240), 1: (740, 340), 3: (1230, 170)}
"""Rank -> (left edge, height) of its podium block; every block is 440 wide."""
_BLOCK_WIDTH = 440


CARD_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG"}
"""File endings the card can be written as, and the picture format each means."""


def card_format(path: Path) -> str:
    """The picture format ``path``'s ending names ("PNG" or "JPEG").

    Raises:
        BattledecksError: Any other ending (the bytes would not match the name).
    """
    fmt = CARD_FORMATS.get(path.suffix.lower())
    if fmt is None:
        endings = ", ".join(CARD_FORMATS)
        raise BattledecksError(f"{path}: the results card is written as {endings}; give a name ending in one of them")
    return fmt


def _font(size: int) -> ImageFont.FreeTypeFont:
    return fonts.font(size)


def _fit(
    draw: ImageDraw.ImageDraw, text: str, width: int, size: int, smallest: int
) -> tuple[str, ImageFont.FreeTypeFont]:
    """The largest font from ``size`` down to ``smallest`` that fits ``text`` in ``width``; cut with … if none does."""
    text = fonts.drawable(text)
    for s in range(size, smallest - 1, -2):
        font = _font(s)
        if draw.textlength(text, font=font) <= width:
            return text, font
    font = _font(smallest)
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text.rstrip() + "…", font


def _fit_lines(
    draw: ImageDraw.ImageDraw, text: str, width: int, size: int, smallest: int, wrap_below: float
) -> tuple[list[str], ImageFont.FreeTypeFont]:
    """Like :func:`_fit`, but at sizes up to ``wrap_below`` a long name may break onto two lines instead."""
    text = fonts.drawable(text)
    words = text.split(" ")
    for s in range(size, smallest - 1, -2):
        font = _font(s)
        if draw.textlength(text, font=font) <= width:
            return [text], font
        if len(words) > 1 and s <= wrap_below:
            # The break that makes the longer of the two lines shortest.
            splits = [(" ".join(words[:i]), " ".join(words[i:])) for i in range(1, len(words))]
            pair = min(splits, key=lambda p: max(draw.textlength(line, font=font) for line in p))
            if all(draw.textlength(line, font=font) <= width for line in pair):
                return list(pair), font
    line, font = _fit(draw, text, width, smallest, smallest)
    return [line], font


def _centred(
    draw: ImageDraw.ImageDraw,
    centre_x: int,
    y: int,
    text: str,
    font: ImageFont.FreeTypeFont,
    fill: tuple[int, int, int],
    bold: bool = False,
) -> None:
    draw.text(
        (centre_x, y),
        text,
        font=font,
        fill=fill,
        anchor="ma",
        stroke_width=max(1, font.size // 40) if bold else 0,
        stroke_fill=fill,
    )


def _background() -> Image.Image:
    top = Image.new("RGB", (1, 2), _BACK_TOP)
    top.putpixel((0, 1), _BACK_BOTTOM)
    return top.resize(SIZE, Image.Resampling.BILINEAR)


def _draw_place(draw: ImageDraw.ImageDraw, rank: int, rows: list[StandingRow], headline: str) -> None:
    left, height = _BLOCKS[rank]
    top = _FLOOR - height
    centre = left + _BLOCK_WIDTH // 2
    colour, edge = _PLACES[rank]
    if not rows:
        colour = edge = (58, 68, 100)
    # The block runs under the floor strip, so only its top corners show rounded.
    draw.rounded_rectangle((left, top, left + _BLOCK_WIDTH, _FLOOR + 40), radius=18, fill=edge)
    draw.rounded_rectangle((left, top + 12, left + _BLOCK_WIDTH, _FLOOR + 40), radius=12, fill=colour)
    ink = (255, 255, 255, 235) if rows else _MUTED
    draw.text(
        (centre, (top + 12 + _FLOOR) // 2),
        str(rank),
        font=_font(150 if rank == 1 else 120),
        anchor="mm",
        fill=ink,
        stroke_width=3,
        stroke_fill=ink,
    )
    if not rows:
        return
    shown = rows[:5]
    name_size = (64 if rank == 1 else 52) if len(shown) == 1 else (48 if rank == 1 else 40) - 6 * max(0, len(shown) - 3)
    room = _BLOCK_WIDTH + 40
    wrap_below = int(name_size * 0.8)  # shrink a little before breaking a name, not a lot
    # Names that share a place share a size: the smallest any of them needs.
    size = int(min(_fit_lines(draw, row.presenter, room, name_size, 26, wrap_below)[1].size for row in shown))
    # (text, font, colour, bold, space below) from the top down, stacked to end just above the block.
    lines = []
    for row in shown:
        parts, font = _fit_lines(draw, row.presenter, room, size, 26, wrap_below)
        lines += [(part, font, _WHITE, True, 4 if i < len(parts) - 1 else 14) for i, part in enumerate(parts)]
    if len(shown) == 1 and shown[0].display_deck:
        lines.append((*_fit(draw, f"“{shown[0].display_deck}”", room, 32, 22), _MUTED, False, 14))
    if len(rows) > len(shown):
        lines.append((f"and {len(rows) - len(shown)} more", _font(30), _MUTED, False, 14))
    y = int(top - 24 - sum(font.size + gap for _, font, _, _, gap in lines))
    _centred(draw, centre, y - 46, headline.upper(), _font(30), _ACCENT if rank == 1 else _MUTED)
    for text, font, colour, bold, gap in lines:
        _centred(draw, centre, y, text, font, colour, bold=bold)
        y += int(font.size) + gap


def card_image(standings: Standings, event: Event) -> Image.Image:
    """The podium card as an image (see :func:`render_card`)."""
    image = _background()
    draw = ImageDraw.Draw(image, "RGBA")
    width = SIZE[0]
    draw.rectangle((0, 0, width, 10), fill=_ACCENT)

    title, font = _fit(draw, event.name, width - 200, 96, 40)
    _centred(draw, width // 2, 70, title, font, _WHITE, bold=True)
    date = event_date(event)
    subtitle = f"Results  ·  {date}" if date else "Results"
    _centred(draw, width // 2, 190, subtitle.upper(), _font(36), _MUTED)

    rows = standings.ranked
    awards = standings.awards
    if not rows:
        _centred(draw, width // 2, 480, "No scores yet", _font(72), _MUTED)
    else:
        headline = {1: winner_label(awards), 2: "Second", 3: "Third"}
        for rank in (2, 3, 1):
            _draw_place(draw, rank, [r for r in rows if r.rank == rank], headline[rank])

    # The strip along the floor: how first was settled and the fan favourite.
    draw.rectangle((0, _FLOOR, width, SIZE[1]), fill=(12, 16, 30))
    notes = []
    if standings.sudden_death:
        notes.append(f"Sudden death to come: round {standings.sudden_death.round}")
    elif awards.decided_by in ("audience", "sudden-death", "shared"):
        notes.append(DECIDED[awards.decided_by].capitalize())
    fans = fan_line(awards, standings.rows)
    if fans:
        notes.append(": ".join(fans))
    if notes:
        text, font = _fit(draw, "   ·   ".join(notes), width - 160, 48, 26)
        _centred(draw, width // 2, _FLOOR + 60, text, font, _WHITE)
    return image


def render_card(standings: Standings, event: Event, out: Path) -> None:
    """Write the 1920x1080 results card to ``out`` (atomically), as PNG or JPEG by its ending.

    Raises:
        BattledecksError: ``out`` has another ending, or cannot be written.
    """
    fmt = card_format(out)
    buffer = io.BytesIO()
    image = card_image(standings, event)
    if fmt == "JPEG":
        image.save(buffer, format="JPEG", quality=92, optimize=True)
    else:
        image.save(buffer, format="PNG", optimize=True)
    try:
        atomic_write(out, buffer.getvalue())
    except OSError as error:
        raise BattledecksError(f"{out}: cannot write the results card: {error.strerror or error}") from None
