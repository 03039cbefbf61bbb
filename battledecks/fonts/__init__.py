"""The font of every picture battledecks draws: DejaVu Sans, shipped inside the package.

DejaVu Sans covers Latin-1, Latin Extended-A and B, Greek and Cyrillic, so
names such as "Zoë O'Brien-Ñúñez" keep their accents on the results card, the
generated decks and the big text on stage, on every machine alike. The fonts'
licence (Bitstream Vera, DejaVu changes in the public domain) is
``LICENSE-DejaVu.txt`` beside them.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

FOLDER = Path(__file__).resolve().parent
REGULAR = FOLDER / "DejaVuSans.ttf"
BOLD = FOLDER / "DejaVuSans-Bold.ttf"

_MISSING = "\u4e00"
"""A character DejaVu Sans has no glyph for (CJK): it draws as the font's empty box."""


@lru_cache(maxsize=512)
def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    """DejaVu Sans (or Sans Bold) at ``size`` pixels; cached, since loading parses the file.

    Raises:
        RuntimeError: Pillow was built without FreeType.
    """
    try:
        return ImageFont.truetype(str(BOLD if bold else REGULAR), max(1, int(size)))
    except ImportError as exc:  # pragma: no cover - every wheel of Pillow has FreeType
        raise RuntimeError("Pillow was built without FreeType, which drawing text needs") from exc


def _mask(char: str, bold: bool) -> tuple[tuple[int, int], bytes]:
    mask = font(32, bold).getmask(char)
    return mask.size, bytes(mask)


@lru_cache(maxsize=4096)
def has_glyph(char: str, bold: bool = False) -> bool:
    """Whether the font draws ``char`` itself rather than its box for a missing glyph."""
    if char.isspace():
        return True
    return _mask(char, bold) != _mask(_MISSING, bold)


def missing(text: str, bold: bool = False) -> str:
    """The characters of ``text`` the font has no glyph for, each once, in order."""
    seen: dict[str, None] = {}
    for char in text:
        if char not in seen and not has_glyph(char, bold):
            seen[char] = None
    return "".join(seen)


def drawable(text: str, bold: bool = False) -> str:
    """``text`` in characters the font draws: accents kept ("Zoë"), a character it lacks
    folded to one it has (its letter without the mark) or "?", never an empty box."""
    out = []
    for char in text:
        if has_glyph(char, bold):
            out.append(char)
            continue
        if unicodedata.combining(char):
            continue
        folded = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
        out.append(folded if folded and all(has_glyph(c, bold) for c in folded) else "?")
    return "".join(out)
