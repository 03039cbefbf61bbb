"""The drawing surface of one slide: design units, fitted text, headline, footer, decoration."""

from __future__ import annotations

import math
import random

from PIL import Image, ImageDraw

from ._style import RGB, Style, ink_on, mix
from ._text import draw_fitted, fit
from ._words import Words

# Slides are painted at twice their size and reduced, which smooths every edge.
SUPERSAMPLE = 2

Box = tuple[float, float, float, float]


class Canvas:
    """One slide being painted.

    Sizes given to its methods are design pixels: pixels of a 1280x720 slide,
    scaled to the actual (supersampled) canvas, so layouts work at any size.
    """

    def __init__(
        self,
        size: tuple[int, int],
        style: Style,
        words: Words,
        rng: random.Random,
        *,
        number: int,
        total: int,
        title: str,
    ) -> None:
        self.W, self.H = size[0] * SUPERSAMPLE, size[1] * SUPERSAMPLE
        self.style = style
        self.p = style.palette
        self.words = words
        self.rng = rng
        self.number = number
        self.total = total
        self.title = title
        self.u = min(self.W / 1280, self.H / 720)
        self.m = round(style.margin * 1280 * self.u)
        self.img = Image.new("RGB", (self.W, self.H), self.p.bg)
        # An RGBA draw on an RGB image blends translucent fills.
        self.draw = ImageDraw.Draw(self.img, "RGBA")
        has_footer = style.footer is not None or style.slide_numbers
        self.footer_top = self.H - self.m * 0.55 - self.px(22) if has_footer else self.H - self.m * 0.6
        self.bottom = self.footer_top - self.px(14) if has_footer else self.H - self.m * 0.75

    # -- units ---------------------------------------------------------------

    def px(self, design: float) -> int:
        """Design pixels to canvas pixels (at least 1)."""
        return max(1, round(design * self.u))

    def lw(self, design: float) -> int:
        """A stroke width, thickened or thinned by the deck's style."""
        return self.px(design * self.style.line_width)

    def full(self) -> Box:
        """The slide inside its margins, above the footer."""
        return (self.m, self.m * 0.75, self.W - self.m, self.bottom)

    # -- drawing helpers -----------------------------------------------------

    def text(
        self,
        text: str,
        box: Box,
        *,
        size: float,
        min_size: float | None = None,
        fill: RGB | None = None,
        bold: bool = False,
        align: str = "left",
        valign: str = "top",
        spacing: float = 1.2,
        max_lines: int | None = None,
        draw: ImageDraw.ImageDraw | None = None,
    ) -> tuple[int, int, int, int]:
        """Draws text as large as fits box, up to size; returns the area it covers.

        draw, when given, paints on another image (a photo print, say) in this slide's units.
        """
        x0, y0, x1, y1 = box
        laid = fit(
            text,
            max(1.0, x1 - x0),
            max(1.0, y1 - y0),
            max_size=self.px(size),
            min_size=self.px(min_size if min_size is not None else max(14.0, size * 0.4)),
            bold=bold,
            spacing=spacing,
            max_lines=max_lines,
        )
        target = draw if draw is not None else self.draw
        return draw_fitted(target, laid, box, fill if fill is not None else self.p.text, align=align, valign=valign)

    def rotated_text(self, text: str, box: Box, *, size: float, fill: RGB, bold: bool = False) -> None:
        """Text read bottom to top, centred in a tall box (for a vertical axis)."""
        x0, y0, x1, y1 = box
        across, along = max(1, round(x1 - x0)), max(1, round(y1 - y0))
        laid = fit(text, along, across, max_size=self.px(size), min_size=self.px(12), bold=bold, max_lines=1)
        mask = Image.new("L", (along, across), 0)
        draw_fitted(ImageDraw.Draw(mask), laid, (0, 0, along, across), 255, align="center", valign="middle")
        mask = mask.rotate(90, expand=True)
        self.img.paste(Image.new("RGB", mask.size, fill), (round(x0), round(y0)), mask)

    def series(self, i: int) -> RGB:
        """Colour of the i-th data series: the accents, then darker or lighter variants."""
        n = len(self.p.accents)
        if i < n:
            return self.p.accents[i]
        return mix(self.p.accents[i % n], self.p.text, 0.35)

    def rect(self, box: Box, *, fill=None, outline=None, width: int = 0, radius: float | None = None) -> None:
        """A box, rounded as the deck's style says."""
        x0, y0, x1, y1 = box
        design = self.style.radius if radius is None else radius
        r = min(design * self.u, (x1 - x0) / 2, (y1 - y0) / 2)
        if r >= 1:
            self.draw.rounded_rectangle(box, radius=r, fill=fill, outline=outline, width=width)
        else:
            self.draw.rectangle(box, fill=fill, outline=outline, width=width)

    def accent(self, i: int) -> RGB:
        """The deck's i-th accent colour (cycling)."""
        return self.p.accents[i % len(self.p.accents)]

    def arrow(self, start: tuple[float, float], end: tuple[float, float], fill: RGB, width: int) -> None:
        """A straight arrow with a filled head at end."""
        (x0, y0), (x1, y1) = start, end
        angle = math.atan2(y1 - y0, x1 - x0)
        head = width * 3.2
        base = (x1 - head * math.cos(angle), y1 - head * math.sin(angle))
        self.draw.line((x0, y0, *base), fill=fill, width=width)
        spread = head * 0.6
        left = (base[0] + spread * math.sin(angle), base[1] - spread * math.cos(angle))
        right = (base[0] - spread * math.sin(angle), base[1] + spread * math.cos(angle))
        self.draw.polygon((x1, y1, *left, *right), fill=fill)

    # -- frame of every slide -----------------------------------------------

    def decorate(self) -> None:
        """The deck's background decoration, faint enough to sit behind content."""
        kind = self.style.decor
        faint = self.p.faint
        corner = self.style.decor_corner
        sx = 1 if corner in (0, 3) else -1  # 0 top-left, 1 top-right, 2 bottom-right, 3 bottom-left
        sy = 1 if corner in (0, 1) else -1
        cx = 0 if sx == 1 else self.W
        cy = 0 if sy == 1 else self.H
        if kind == "dots":
            step = self.px(22)
            for i in range(7):
                for j in range(7 - i):
                    x, y = cx + sx * (step * (i + 0.8)), cy + sy * (step * (j + 0.8))
                    r = self.px(3.2)
                    self.draw.ellipse((x - r, y - r, x + r, y + r), fill=mix(faint, self.p.accents[1], 0.35))
        elif kind == "circles":
            for k, (radius, off) in enumerate(((300, 40), (180, 260), (90, 430))):
                r = self.px(radius)
                x, y = cx + sx * self.px(off), cy + sy * self.px(off * 0.35)
                self.draw.ellipse((x - r, y - r, x + r, y + r), fill=mix(self.p.bg, self.accent(k), 0.09))
        elif kind == "stripes":
            width = self.px(9)
            for k in range(6):
                d = self.px(120 + k * 30)
                self.draw.line((cx + sx * d, cy, cx, cy + sy * d), fill=faint, width=width)
        elif kind == "corner":
            d = self.px(210)
            self.draw.polygon((cx, cy, cx + sx * d, cy, cx, cy + sy * d), fill=faint)
            d2 = self.px(120)
            self.draw.polygon((cx, cy, cx + sx * d2, cy, cx, cy + sy * d2), fill=mix(faint, self.p.accents[0], 0.25))
        elif kind == "frame":
            inset = self.px(14)
            self.draw.rectangle(
                (inset, inset, self.W - inset, self.H - inset),
                outline=mix(self.p.bg, self.p.accents[0], 0.5),
                width=self.lw(3),
            )
        elif kind == "blob":
            r = self.px(300)
            x, y = cx + sx * self.px(20), cy + sy * self.px(10)
            tint = 0.06 if self.p.dark else 0.1
            self.draw.ellipse((x - r, y - r * 0.8, x + r, y + r * 0.8), fill=mix(self.p.bg, self.p.accents[2], tint))
        elif kind == "grid":
            step = self.px(40)
            colour = mix(self.p.bg, self.p.text, 0.045)
            for x in range(0, self.W, step):
                self.draw.line((x, 0, x, self.H), fill=colour, width=self.px(1))
            for y in range(0, self.H, step):
                self.draw.line((0, y, self.W, y), fill=colour, width=self.px(1))

    def headline(self, text: str) -> Box:
        """Draws the slide's headline in the deck's header style; returns the content box below it."""
        s = self.style
        if s.uppercase_headlines:
            text = text.upper()
        top = self.m * 0.7
        height = self.px(s.headline_size * 1.5)
        x0, x1 = self.m, self.W - self.m
        header = s.header
        if header == "bar" and s.title_align == "center":
            header = "rule"
        colour = self.p.text
        bottom = top + height
        if header == "band":
            # A slimmer band than the margins would give: it should frame the headline, not eat the slide.
            top *= 0.6
            bottom = top * 2 + height
            self.draw.rectangle((0, 0, self.W, bottom), fill=self.p.accents[0])
            colour = ink_on(self.p.accents[0], light=(255, 255, 255), dark=(18, 18, 22))
        elif header == "bar":
            self.rect(
                (x0, top + self.px(6), x0 + self.lw(10), top + height - self.px(6)), fill=self.p.accents[0], radius=0
            )
            x0 += self.px(32)
        elif header == "plain":
            colour = self.p.accents[0]
        covered = self.text(
            text,
            (x0, top, x1, top + height),
            size=s.headline_size,
            min_size=26,
            bold=s.bold_headlines,
            align=s.title_align,
            valign="middle",
            max_lines=2,
            fill=colour,
        )
        if header == "rule":
            y = bottom + self.px(8)
            self.draw.line((self.m, y, self.W - self.m, y), fill=self.p.accents[0], width=self.lw(3))
            bottom = y
        elif header == "short-rule":
            y = covered[3] + self.px(14)
            length = self.px(140)
            start = x0 if s.title_align == "left" else (self.W - length) / 2
            self.draw.line((start, y, start + length, y), fill=self.p.accents[0], width=self.lw(7))
            bottom = max(bottom, y)
        return (self.m, bottom + self.px(26), self.W - self.m, self.bottom)

    def footer(self) -> None:
        """Conference name and slide number along the bottom, as the style says."""
        s = self.style
        box = (self.m, self.footer_top, self.W - self.m, self.footer_top + self.px(22))
        if s.footer:
            self.text(
                s.footer,
                (box[0], box[1], box[0] + (box[2] - box[0]) * 0.6, box[3]),
                size=17,
                min_size=10,
                fill=self.p.muted,
            )
        if s.slide_numbers:
            self.text(f"{self.number} / {self.total}", box, size=17, min_size=10, fill=self.p.muted, align="right")

    def finish(self) -> Image.Image:
        """The painted slide at its real size."""
        return self.img.reduce(SUPERSAMPLE)
