"""A deck's look: colour palette and layout jitter, drawn from the deck's random source."""

from __future__ import annotations

import colorsys
import random
from dataclasses import dataclass

RGB = tuple[int, int, int]


def hls(h: float, lightness: float, s: float) -> RGB:
    """Colour from hue (turns, wraps), lightness and saturation (0..1)."""
    r, g, b = colorsys.hls_to_rgb(h % 1.0, min(1.0, max(0.0, lightness)), min(1.0, max(0.0, s)))
    return round(r * 255), round(g * 255), round(b * 255)


def mix(a: RGB, b: RGB, t: float) -> RGB:
    """The colour t of the way from a to b."""
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b))  # type: ignore[return-value]


def luminance(c: RGB) -> float:
    """WCAG relative luminance."""

    def channel(value: int) -> float:
        v = value / 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in c)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: RGB, b: RGB) -> float:
    """WCAG contrast ratio, 1 to 21."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def ink_on(background: RGB, light: RGB = (255, 255, 255), dark: RGB = (20, 20, 24)) -> RGB:
    """Whichever of light or dark reads better on background."""
    return light if contrast(background, light) >= contrast(background, dark) else dark


def _readable(colour_at, lightness: float, background: RGB, want: float, step: float) -> RGB:
    """Moves lightness by step until the colour reaches contrast want on background."""
    colour = colour_at(lightness)
    for _ in range(40):
        if contrast(colour, background) >= want:
            break
        lightness += step
        colour = colour_at(lightness)
    return colour


@dataclass(frozen=True)
class Palette:
    """The colours of one deck."""

    bg: RGB
    panel: RGB  # boxes and plot areas, a step away from bg
    text: RGB
    muted: RGB  # captions, axes
    faint: RGB  # gridlines and background decoration
    accents: tuple[RGB, ...]
    dark: bool
    mode: str  # light, paper, pastel, dark or bold
    hue: float  # the base hue the accents turn around, 0..1


_SCHEMES = {
    "analogous": (0.0, 0.08, -0.08, 0.16, -0.16),
    "complementary": (0.0, 0.5, 0.06, 0.56, -0.06),
    "triadic": (0.0, 0.333, 0.667, 0.1, 0.433),
    "split": (0.0, 0.42, 0.58, 0.08, 0.5),
    "tetradic": (0.0, 0.25, 0.5, 0.75, 0.12),
    "rainbow": (0.0, 0.17, 0.34, 0.51, 0.68),
}


def make_palette(rng: random.Random) -> Palette:
    """A fresh palette: light, paper, pastel, dark or bold background, with five accents."""
    hue = rng.random()
    offsets = list(_SCHEMES[rng.choice(sorted(_SCHEMES))])
    first, rest = offsets[0], offsets[1:]
    rng.shuffle(rest)
    offsets = [first, *rest]
    mode = rng.choices(("light", "paper", "pastel", "dark", "bold"), weights=(3, 2, 2, 3, 2))[0]
    if mode == "light":
        bg = hls(hue + rng.uniform(-0.05, 0.05), rng.uniform(0.95, 0.985), rng.uniform(0.1, 0.5))
    elif mode == "pastel":
        bg = hls(hue + rng.choice((0.0, 0.5, 0.33)), rng.uniform(0.87, 0.91), rng.uniform(0.35, 0.6))
    elif mode == "paper":
        bg = hls(rng.uniform(0.08, 0.15), rng.uniform(0.89, 0.93), rng.uniform(0.3, 0.55))
    elif mode == "dark":
        bg = hls(hue + 0.5, rng.uniform(0.07, 0.13), rng.uniform(0.1, 0.35))
    else:
        # Deep yellows turn to mud once darkened for contrast: take the opposite hue instead.
        bg_hue = (hue + 0.5) % 1.0
        if 0.04 <= bg_hue <= 0.24:
            bg_hue += 0.5
        bg = hls(bg_hue, rng.uniform(0.2, 0.28), rng.uniform(0.45, 0.7))
    dark = mode in ("dark", "bold")
    if dark:
        text = hls(hue, rng.uniform(0.94, 0.98), rng.uniform(0.1, 0.4))
    else:
        text = hls(hue, rng.uniform(0.1, 0.18), rng.uniform(0.2, 0.45))
    # Body text must read easily (WCAG AAA, 7:1): darken a bright "bold" background until it does.
    for _ in range(40):
        if contrast(text, bg) >= 7:
            break
        bg = mix(bg, (0, 0, 0), 0.06) if dark else mix(bg, (255, 255, 255), 0.1)
    saturation = rng.uniform(0.55, 0.85)
    accents = []
    for offset in offsets:
        h = hue + offset
        s = saturation * rng.uniform(0.85, 1.1)
        if dark:
            colour = _readable(lambda li, h=h, s=s: hls(h, li, s), rng.uniform(0.55, 0.68), bg, 3.0, 0.02)
        else:
            colour = _readable(lambda li, h=h, s=s: hls(h, li, s), rng.uniform(0.4, 0.55), bg, 3.0, -0.02)
        accents.append(colour)
    if dark:
        panel = mix(bg, (255, 255, 255), rng.uniform(0.06, 0.1))
    else:
        panel = mix(bg, (255, 255, 255), 0.6) if mode == "paper" else mix(bg, text, rng.uniform(0.04, 0.07))
    muted = mix(text, bg, 0.35)
    faint = mix(bg, accents[0], 0.12 if not dark else 0.18)
    return Palette(bg, panel, text, muted, faint, tuple(accents), dark, mode, hue)


HEADERS = ("band", "rule", "bar", "plain", "short-rule")
DECORS = ("dots", "circles", "stripes", "corner", "frame", "none", "blob", "grid")
BULLETS = ("dot", "square", "dash", "triangle", "ring")
TITLE_LAYOUTS = ("center", "left-panel", "bottom-band", "left", "framed")


@dataclass(frozen=True)
class Style:
    """Layout jitter for one deck, so that decks in a set look unlike each other."""

    palette: Palette
    margin: float  # fraction of slide width
    title_align: str  # "left" or "center" for headlines
    header: str  # one of HEADERS
    decor: str  # one of DECORS
    decor_corner: int  # 0..3, where the decoration sits
    radius: float  # corner rounding of boxes, in design pixels
    bullet: str  # one of BULLETS
    title_layout: str  # one of TITLE_LAYOUTS
    headline_size: int  # design pixels
    bold_headlines: bool
    line_width: float  # multiplier for strokes
    footer: str | None  # conference name in the footer, or None
    slide_numbers: bool
    uppercase_headlines: bool


def make_style(rng: random.Random, conference: str) -> Style:
    """A random style with its own palette."""
    palette = make_palette(rng)
    return Style(
        palette=palette,
        margin=rng.uniform(0.05, 0.08),
        title_align=rng.choice(("left", "left", "center")),
        header=rng.choice(HEADERS),
        decor=rng.choice(DECORS),
        decor_corner=rng.randrange(4),
        radius=rng.choice((0, 0, 8, 16, 28)),
        bullet=rng.choice(BULLETS),
        title_layout=rng.choice(TITLE_LAYOUTS),
        headline_size=rng.randint(46, 58),
        bold_headlines=rng.random() < 0.6,
        line_width=rng.uniform(0.8, 1.6),
        footer=conference if rng.random() < 0.6 else None,
        slide_numbers=rng.random() < 0.7,
        uppercase_headlines=rng.random() < 0.2,
    )
