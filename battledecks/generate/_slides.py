"""Slide painters: one function per kind of slide, each drawing on a Canvas.

A painter returns False when the slide should carry no footer (full-bleed
photos, the title and the ending), and None otherwise.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from PIL import Image, ImageDraw

from . import _words as W
from ._canvas import Box, Canvas
from ._scenes import SCENES, paint_scene
from ._style import ink_on, mix
from ._text import draw_fitted, fit

# -- numbers -----------------------------------------------------------------


def _nice_axis(top: float, ticks: int = 5) -> tuple[float, float]:
    """A round axis maximum at or above top, and its tick step."""
    top = max(top, 1e-9)
    raw = top / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    step = magnitude * 10
    for m in (1, 2, 2.5, 5, 10):
        if m * magnitude * ticks >= top:
            step = m * magnitude
            break
    return step * math.ceil(top / step - 1e-9), step


def _fmt(value: float, unit: str = "") -> str:
    """A value as a chart would print it."""
    text = f"{value:,.0f}" if abs(value) >= 10 or value == int(value) else f"{value:,.1f}"
    if unit == "$":
        return "$" + text
    return text + unit


def _percentages(rng, n: int) -> list[int]:
    """n whole percentages adding up to 100, largest first."""
    weights = sorted((rng.uniform(1, 10) for _ in range(n)), reverse=True)
    total = sum(weights)
    raw = [w / total * 100 for w in weights]
    out = [int(r) for r in raw]
    for i in sorted(range(n), key=lambda k: raw[k] - out[k], reverse=True)[: 100 - sum(out)]:
        out[i] += 1
    return out


# -- charts ------------------------------------------------------------------


def _value_axis(c: Canvas, plot: Box, axis_max: float, step: float, unit: str, label_w: float) -> None:
    """Horizontal gridlines with their values to the left of plot."""
    x0, y0, x1, y1 = plot
    tick = 0.0
    while tick <= axis_max + 1e-9:
        y = y1 - tick / axis_max * (y1 - y0)
        c.draw.line((x0, y, x1, y), fill=c.p.faint if tick else c.p.muted, width=c.px(2) if tick else c.lw(3))
        c.text(
            _fmt(tick, unit),
            (x0 - label_w, y - c.px(14), x0 - c.px(10), y + c.px(14)),
            size=20,
            min_size=11,
            fill=c.p.muted,
            align="right",
            valign="middle",
        )
        tick += step


def paint_bar(c: Canvas):
    rng, w = c.rng, c.words
    x0, y0, x1, y1 = c.headline(w.headline("bar"))
    n = rng.randint(4, 7)
    labels = w.labels(n)
    unit = rng.choice(("", "%", "$", "k", ""))
    values = [rng.randint(8, 100) for _ in range(n)]
    if unit != "%" and rng.random() < 0.4:
        values[rng.randrange(n)] = round(max(values) * rng.uniform(2.0, 3.5))  # the absurd outlier
    if unit == "$":
        values = [v * 10 for v in values]
    many_colours = rng.random() < 0.4
    highlight = rng.randrange(n) if not many_colours and rng.random() < 0.7 else -1
    if rng.random() < 0.5:
        c.text(
            c.rng.choice(W.SOURCES), (x0, y1 - c.px(24), x1, y1), size=17, min_size=11, fill=c.p.muted, align="right"
        )
        y1 -= c.px(34)
    axis_max, step = (100, 20) if unit == "%" else _nice_axis(max(values) * 1.05)

    def colour(i: int):
        if many_colours:
            return c.series(i)
        return c.accent(1) if i == highlight else c.accent(0)

    if rng.random() < 0.35:  # horizontal bars
        label_w = (x1 - x0) * 0.24
        plot = (x0 + label_w + c.px(14), y0, x1 - c.px(110), y1)
        row = (plot[3] - plot[1]) / n
        thick = row * rng.uniform(0.55, 0.72)
        c.draw.line((plot[0], plot[1], plot[0], plot[3]), fill=c.p.muted, width=c.lw(3))
        for i, (label, value) in enumerate(zip(labels, values)):
            cy = plot[1] + row * (i + 0.5)
            end = plot[0] + value / axis_max * (plot[2] - plot[0])
            c.rect(
                (plot[0], cy - thick / 2, max(plot[0] + c.px(4), end), cy + thick / 2),
                fill=colour(i),
                radius=min(c.style.radius, 10),
            )
            c.text(
                label,
                (x0, cy - row / 2, x0 + label_w, cy + row / 2),
                size=26,
                min_size=13,
                align="right",
                valign="middle",
                max_lines=2,
            )
            c.text(
                _fmt(value, unit),
                (end + c.px(10), cy - row / 2, end + c.px(110), cy + row / 2),
                size=24,
                min_size=12,
                bold=True,
                valign="middle",
                max_lines=1,
            )
        return None
    label_w = c.px(78)
    label_h = c.px(58)
    plot = (x0 + label_w, y0 + c.px(34), x1, y1 - label_h - c.px(10))
    _value_axis(c, plot, axis_max, step, unit, label_w)
    slot = (plot[2] - plot[0]) / n
    bar_w = slot * rng.uniform(0.5, 0.72)
    for i, (label, value) in enumerate(zip(labels, values)):
        cx = plot[0] + slot * (i + 0.5)
        top = plot[3] - value / axis_max * (plot[3] - plot[1])
        c.rect(
            (cx - bar_w / 2, top, cx + bar_w / 2, plot[3] - c.lw(1.5)), fill=colour(i), radius=min(c.style.radius, 10)
        )
        c.text(
            _fmt(value, unit),
            (cx - slot / 2, top - c.px(34), cx + slot / 2, top - c.px(4)),
            size=24,
            min_size=12,
            bold=True,
            align="center",
            valign="bottom",
            max_lines=1,
        )
        c.text(
            label,
            (cx - slot * 0.48, plot[3] + c.px(10), cx + slot * 0.48, plot[3] + c.px(10) + label_h),
            size=24,
            min_size=12,
            align="center",
            max_lines=2,
        )
    return None


def paint_pie(c: Canvas):
    rng, w = c.rng, c.words
    x0, y0, x1, y1 = c.headline(w.headline("pie"))
    n = rng.randint(3, 6)
    labels = w.labels(n)
    shares = _percentages(rng, n)
    note = None
    if rng.random() < 0.25:
        shares[0] += rng.randint(10, 40)
        note = "Totals may exceed 100% due to enthusiasm"
    if note:
        c.text(note, (x0, y1 - c.px(24), x1, y1), size=17, min_size=11, fill=c.p.muted, align="right")
        y1 -= c.px(34)
    r = min((y1 - y0) / 2, (x1 - x0) * 0.24)
    cx, cy = x0 + r + (x1 - x0) * rng.uniform(0.02, 0.1), (y0 + y1) / 2
    explode = rng.randrange(n) if rng.random() < 0.4 else -1
    donut = rng.random() < 0.4
    angle = rng.uniform(0, 360)
    total = sum(shares)
    for i, share in enumerate(shares):
        sweep = share / total * 360
        mid = math.radians(angle + sweep / 2)
        shift = c.px(22) if i == explode else 0
        sx, sy = cx + shift * math.cos(mid), cy + shift * math.sin(mid)
        rr = r - c.px(22)  # room for the exploded slice
        c.draw.pieslice(
            (sx - rr, sy - rr, sx + rr, sy + rr), angle, angle + sweep, fill=c.series(i), outline=c.p.bg, width=c.px(3)
        )
        if sweep >= 24:
            at = rr * (0.78 if donut else 0.64)
            lx, ly = sx + at * math.cos(mid), sy + at * math.sin(mid)
            c.text(
                f"{share}%",
                (lx - c.px(50), ly - c.px(20), lx + c.px(50), ly + c.px(20)),
                size=26,
                min_size=12,
                bold=True,
                fill=ink_on(c.series(i)),
                align="center",
                valign="middle",
                max_lines=1,
            )
        angle += sweep
    if donut:
        inner = (r - c.px(22)) * 0.55
        c.draw.ellipse((cx - inner, cy - inner, cx + inner, cy + inner), fill=c.p.bg)
        centre = rng.choice(("100%", "Vibes", f"{total}%", "Total", "?"))
        c.text(
            centre,
            (cx - inner * 0.7, cy - inner * 0.5, cx + inner * 0.7, cy + inner * 0.5),
            size=44,
            min_size=12,
            bold=True,
            align="center",
            valign="middle",
            max_lines=1,
        )
    lx0 = cx + r + c.px(50)
    row = min(c.px(70), (y1 - y0) / n)
    top = (y0 + y1) / 2 - row * n / 2
    swatch = c.px(26)
    for i, (label, share) in enumerate(zip(labels, shares)):
        ry = top + row * (i + 0.5)
        c.rect((lx0, ry - swatch / 2, lx0 + swatch, ry + swatch / 2), fill=c.series(i), radius=min(c.style.radius, 6))
        c.text(
            f"{share}%",
            (lx0 + swatch + c.px(14), ry - row / 2, lx0 + swatch + c.px(104), ry + row / 2),
            size=28,
            min_size=12,
            bold=True,
            valign="middle",
            max_lines=1,
        )
        c.text(
            label,
            (lx0 + swatch + c.px(110), ry - row / 2, x1, ry + row / 2),
            size=28,
            min_size=12,
            valign="middle",
            max_lines=1,
        )
    return None


def _dashed(c: Canvas, points: list[tuple[float, float]], fill, width: int) -> None:
    dash = c.px(16)
    for (ax, ay), (bx, by) in zip(points, points[1:]):
        length = math.hypot(bx - ax, by - ay)
        steps = max(1, int(length // dash))
        for k in range(0, steps, 2):
            t0, t1 = k / steps, min(1.0, (k + 1) / steps)
            c.draw.line(
                (ax + (bx - ax) * t0, ay + (by - ay) * t0, ax + (bx - ax) * t1, ay + (by - ay) * t1),
                fill=fill,
                width=width,
            )


def paint_line(c: Canvas):
    rng, w = c.rng, c.words
    x0, y0, x1, y1 = c.headline(w.headline("line"))
    n = rng.randint(6, 9)
    style = rng.choice(("years", "quarters", "months"))
    if style == "years":
        first = rng.randint(2012, 2024)
        xs = [str(first + i) for i in range(n)]
    elif style == "quarters":
        year = rng.randint(18, 27)
        xs = [f"Q{(i % 4) + 1} '{year + i // 4}" for i in range(n)]
    else:
        months = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
        start = rng.randrange(12)
        xs = [months[(start + i) % 12] for i in range(n)]
    base, growth = rng.uniform(5, 30), rng.uniform(1.2, 1.55)
    if rng.random() < 0.5:  # hockey stick: flat, then straight up
        ours = [
            base * (1 + rng.uniform(-0.1, 0.1)) if i < n - 3 else base * growth ** ((i - n + 4) * 2.2) for i in range(n)
        ]
    else:
        ours = [base * growth**i * rng.uniform(0.88, 1.1) for i in range(n)]
    theirs = None
    if rng.random() < 0.5:
        theirs = [ours[0] * rng.uniform(0.8, 1.4) * (1 - 0.04 * i) for i in range(n)]
    unit = rng.choice(("", "%", "k", "$"))
    projected = rng.randint(0, 3)
    label_w = c.px(80)
    plot = (x0 + label_w, y0 + c.px(20), x1 - c.px(20), y1 - c.px(44))
    # Headroom above the last point for its note.
    axis_max, step = _nice_axis(max(ours + (theirs or [])) * 1.25)
    _value_axis(c, plot, axis_max, step, unit, label_w)
    slot = (plot[2] - plot[0]) / (n - 1)

    def point(i: int, v: float) -> tuple[float, float]:
        return plot[0] + slot * i, plot[3] - v / axis_max * (plot[3] - plot[1])

    for i, label in enumerate(xs):
        px, _ = point(i, 0)
        c.text(
            label,
            (px - slot / 2, plot[3] + c.px(10), px + slot / 2, plot[3] + c.px(40)),
            size=20,
            min_size=11,
            fill=c.p.muted,
            align="center",
            max_lines=1,
        )
    ours_pts = [point(i, v) for i, v in enumerate(ours)]
    if rng.random() < 0.6:
        fill = (*c.accent(0), 55)
        c.draw.polygon(ours_pts + [(ours_pts[-1][0], plot[3]), (ours_pts[0][0], plot[3])], fill=fill)
    series = [(ours_pts, c.accent(0), "Us")]
    if theirs:
        series.append(
            (
                [point(i, v) for i, v in enumerate(theirs)],
                c.accent(2),
                rng.choice(("Them", "Competitors", "Last year", "Everyone else")),
            )
        )
    width = c.lw(6)
    for pts, col, _ in series:
        solid = pts[: n - projected] if projected else pts
        c.draw.line(solid, fill=col, width=width, joint="curve")
        if projected:
            _dashed(c, pts[n - projected - 1 :], col, width)
        dot = c.px(8)
        for px, py in pts:
            c.draw.ellipse((px - dot, py - dot, px + dot, py + dot), fill=c.p.bg, outline=col, width=c.px(4))
    if theirs:
        lx, ly = plot[0] + c.px(24), plot[1] + c.px(6)
        for k, (_, col, name) in enumerate(series):
            yy = ly + k * c.px(34)
            c.draw.line((lx, yy + c.px(14), lx + c.px(36), yy + c.px(14)), fill=col, width=width)
            c.text(
                name,
                (lx + c.px(48), yy, lx + c.px(260), yy + c.px(30)),
                size=22,
                min_size=11,
                valign="middle",
                max_lines=1,
            )
    ex, ey = ours_pts[-1]
    note = rng.choice(("You are here", "Now!", "Profit!", "To the moon", "Projected", "Nailed it", "Growth!"))
    top = max(y0, ey - c.px(64))
    c.text(
        note,
        (ex - c.px(330), top, ex + c.px(14), max(top + c.px(20), ey - c.px(18))),
        size=30,
        min_size=14,
        bold=True,
        fill=c.accent(1),
        align="right",
        valign="bottom",
        max_lines=1,
    )
    return None


def paint_timeline(c: Canvas):
    rng, w = c.rng, c.words
    x0, y0, x1, y1 = c.headline(w.headline("timeline"))
    n = rng.randint(4, 6)
    events = [w.of("events") for _ in range(n)]
    year = rng.randint(1876, 2005)
    years = []
    for _ in range(n):
        years.append(year)
        year += rng.randint(2, 30)
    line_y = (y0 + y1) / 2
    c.arrow((x0, line_y), (x1, line_y), c.p.muted, c.lw(5))
    slot = (x1 - x0 - c.px(30)) / n
    first_up = rng.random() < 0.5
    marker = rng.choice(("circle", "diamond", "square"))
    for i, (when, event) in enumerate(zip(years, events)):
        cx = x0 + slot * (i + 0.5)
        up = (i % 2 == 0) == first_up
        half = slot * 0.95
        bx0, bx1 = max(x0, cx - half), min(x1, cx + half)
        year_h = c.px(46)
        if up:
            year_box = (bx0, line_y - c.px(34) - year_h, bx1, line_y - c.px(34))
            event_box = (bx0, y0, bx1, year_box[1] - c.px(4))
            c.draw.line((cx, line_y, cx, year_box[3]), fill=c.p.faint, width=c.lw(3))
        else:
            year_box = (bx0, line_y + c.px(34), bx1, line_y + c.px(34) + year_h)
            event_box = (bx0, year_box[3] + c.px(4), bx1, y1)
            c.draw.line((cx, line_y, cx, year_box[1]), fill=c.p.faint, width=c.lw(3))
        c.text(
            str(when),
            year_box,
            size=40,
            min_size=14,
            bold=True,
            fill=c.accent(i),
            align="center",
            valign="bottom" if up else "top",
            max_lines=1,
        )
        c.text(event, event_box, size=29, min_size=13, align="center", valign="bottom" if up else "top", max_lines=3)
        r = c.px(15)
        col = c.accent(i)
        if marker == "circle":
            c.draw.ellipse((cx - r, line_y - r, cx + r, line_y + r), fill=col, outline=c.p.bg, width=c.px(4))
        elif marker == "diamond":
            c.draw.polygon(
                (cx, line_y - r * 1.3, cx + r * 1.3, line_y, cx, line_y + r * 1.3, cx - r * 1.3, line_y), fill=col
            )
        else:
            c.draw.rectangle((cx - r, line_y - r, cx + r, line_y + r), fill=col)
    return None


def paint_venn(c: Canvas):
    rng, w = c.rng, c.words
    x0, y0, x1, y1 = c.headline(w.headline("venn"))
    names = [w.of("stuff"), rng.choice(W.BUZZ), w.of("people")]
    names = [name[0].upper() + name[1:] for name in names]
    rng.shuffle(names)
    centre = rng.choice(W.CENTERS)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    alpha = 95 if not c.p.dark else 120
    if rng.random() < 0.5:
        r = min((y1 - y0) * 0.48, (x1 - x0) * 0.27)
        d = r * 0.62
        centres = [(cx - d, cy), (cx + d, cy)]
        for i, (px, py) in enumerate(centres):
            c.draw.ellipse(
                (px - r, py - r, px + r, py + r), fill=(*c.accent(i), alpha), outline=c.accent(i), width=c.lw(4)
            )
        for i, (px, _) in enumerate(centres):
            lx = px + (-1 if i == 0 else 1) * r * 0.45
            c.text(
                names[i],
                (lx - r * 0.42, cy - r * 0.4, lx + r * 0.42, cy + r * 0.4),
                size=34,
                min_size=13,
                bold=True,
                align="center",
                valign="middle",
                max_lines=3,
            )
        inner = (2 * r - 2 * d) * 0.42
        c.text(
            centre,
            (cx - inner, cy - r * 0.3, cx + inner, cy + r * 0.3),
            size=30,
            min_size=12,
            bold=True,
            align="center",
            valign="middle",
            max_lines=2,
        )
        return None
    r = min((y1 - y0) * 0.34, (x1 - x0) * 0.22)
    d = r * 0.64
    directions = [-90, 30, 150]
    centres = [
        (cx + d * math.cos(math.radians(a)), cy + d * 0.95 * math.sin(math.radians(a)) + r * 0.1) for a in directions
    ]
    for i, (px, py) in enumerate(centres):
        c.draw.ellipse((px - r, py - r, px + r, py + r), fill=(*c.accent(i), alpha), outline=c.accent(i), width=c.lw(4))
    for i, a in enumerate(directions):
        px, py = centres[i]
        lx, ly = px + r * 0.45 * math.cos(math.radians(a)), py + r * 0.45 * math.sin(math.radians(a))
        c.text(
            names[i],
            (lx - r * 0.5, ly - r * 0.28, lx + r * 0.5, ly + r * 0.28),
            size=30,
            min_size=12,
            bold=True,
            align="center",
            valign="middle",
            max_lines=2,
        )
    mid_y = sum(p[1] for p in centres) / 3
    c.text(
        centre,
        (cx - r * 0.3, mid_y - r * 0.2, cx + r * 0.3, mid_y + r * 0.2),
        size=24,
        min_size=10,
        bold=True,
        align="center",
        valign="middle",
        max_lines=2,
    )
    return None


def paint_matrix(c: Canvas):
    rng, w = c.rng, c.words
    x0, y0, x1, y1 = c.headline(w.headline("matrix"))
    x_name, y_name = rng.choice(W.AXES)
    quadrants = rng.sample(W.QUADRANTS, 4)
    axis_room = c.px(56)
    plot_w = min(x1 - x0 - axis_room, (y1 - y0) * 1.9)
    left = x0 + axis_room + (x1 - x0 - axis_room - plot_w) / 2
    plot = (left, y0, left + plot_w, y1 - axis_room)
    px0, py0, px1, py1 = plot
    qw, qh = (px1 - px0) / 2, (py1 - py0) / 2
    for k in range(4):
        qx, qy = px0 + (k % 2) * qw, py0 + (k // 2) * qh
        c.rect((qx + c.px(3), qy + c.px(3), qx + qw - c.px(3), qy + qh - c.px(3)), fill=mix(c.p.bg, c.accent(k), 0.13))
        c.text(
            quadrants[k],
            (qx + c.px(16), qy + c.px(10), qx + qw - c.px(16), qy + qh * 0.25),
            size=26,
            min_size=12,
            bold=True,
            fill=mix(c.p.text, c.accent(k), 0.35),
            max_lines=1,
        )
    c.arrow((px0, py1), (px0, py0 - c.px(6)), c.p.muted, c.lw(4))
    c.arrow((px0, py1), (px1 + c.px(6), py1), c.p.muted, c.lw(4))
    c.text(
        x_name,
        (px0, py1 + c.px(10), px1, py1 + axis_room),
        size=26,
        min_size=12,
        bold=True,
        align="center",
        valign="middle",
        max_lines=1,
    )
    c.text(
        "Low", (px0, py1 + c.px(10), px0 + qw, py1 + axis_room), size=18, min_size=10, fill=c.p.muted, valign="middle"
    )
    c.text(
        "High",
        (px1 - qw, py1 + c.px(10), px1, py1 + axis_room),
        size=18,
        min_size=10,
        fill=c.p.muted,
        align="right",
        valign="middle",
    )
    c.rotated_text(y_name, (px0 - axis_room, py0, px0 - c.px(8), py1), size=26, fill=c.p.text, bold=True)
    # Items sit in a 4x4 grid, below each quadrant's name, one per cell, so labels never collide.
    cells = [(col, row) for row in (1, 3) for col in range(4)]
    chosen = rng.sample(cells, rng.randint(4, 6))
    items = [w.of("labels") for _ in chosen[1:]] + [rng.choice(("Us", "Our Team", "This Talk", "My Cat", "The Plan"))]
    cw, ch = (px1 - px0) / 4, (py1 - py0) / 4
    for k, ((col, row), name) in enumerate(zip(chosen, items)):
        cx0, cy0 = px0 + col * cw, py0 + row * ch
        ours = k == len(items) - 1
        r = c.px(15 if ours else 10)
        dx, dy = cx0 + cw * 0.18, cy0 + ch * 0.5
        c.draw.ellipse((dx - r, dy - r, dx + r, dy + r), fill=c.accent(1) if ours else c.p.text)
        c.text(
            name,
            (dx + r + c.px(10), cy0 + ch * 0.1, cx0 + cw - c.px(6), cy0 + ch * 0.9),
            size=27 if ours else 24,
            min_size=11,
            bold=ours,
            valign="middle",
            max_lines=2,
        )
    return None


def paint_org(c: Canvas):
    rng, w = c.rng, c.words
    x0, y0, x1, y1 = c.headline(w.headline("org"))
    n_mid = rng.randint(2, 4)
    kids = [rng.randint(0, 2) for _ in range(n_mid)]
    if not any(kids):
        kids[rng.randrange(n_mid)] = 2
    most = max(kids)
    h = y1 - y0
    top_h, mid_h = h * 0.19, h * 0.19
    gap = h * 0.1
    top_w = min((x1 - x0) * 0.36, c.px(440))
    cx = (x0 + x1) / 2
    top_box = (cx - top_w / 2, y0, cx + top_w / 2, y0 + top_h)
    c.rect(top_box, fill=c.accent(0))
    c.text(
        rng.choice(W.TOP_ROLES),
        (top_box[0] + c.px(12), top_box[1] + c.px(6), top_box[2] - c.px(12), top_box[3] - c.px(6)),
        size=30,
        min_size=12,
        bold=True,
        fill=ink_on(c.accent(0)),
        align="center",
        valign="middle",
        max_lines=2,
    )
    mid_y = top_box[3] + gap
    col = (x1 - x0) / n_mid
    bus = top_box[3] + gap / 2
    line = c.p.muted
    lw = c.lw(3)
    c.draw.line((cx, top_box[3], cx, bus), fill=line, width=lw)
    c.draw.line((x0 + col / 2, bus, x1 - col / 2, bus), fill=line, width=lw)
    kid_top = mid_y + mid_h + gap * 0.6
    kid_gap = h * 0.04
    kid_h = min(h * 0.16, (y1 - kid_top - kid_gap * (most - 1)) / max(1, most))
    for i in range(n_mid):
        mx = x0 + col * (i + 0.5)
        box = (mx - col * 0.43, mid_y, mx + col * 0.43, mid_y + mid_h)
        c.draw.line((mx, bus, mx, mid_y), fill=line, width=lw)
        colour = c.accent(i + 1)
        c.rect(box, fill=mix(c.p.bg, colour, 0.22), outline=colour, width=c.lw(3))
        c.text(
            w.pick(W.ROLES),
            (box[0] + c.px(10), box[1] + c.px(6), box[2] - c.px(10), box[3] - c.px(6)),
            size=26,
            min_size=11,
            bold=True,
            align="center",
            valign="middle",
            max_lines=2,
        )
        spine = box[0] + col * 0.07
        for k in range(kids[i]):
            ky = kid_top + k * (kid_h + kid_gap)
            kid = (spine + col * 0.07, ky, box[2], ky + kid_h)
            c.draw.line((spine, box[3], spine, ky + kid_h / 2), fill=line, width=lw)
            c.draw.line((spine, ky + kid_h / 2, kid[0], ky + kid_h / 2), fill=line, width=lw)
            c.rect(kid, fill=c.p.panel, outline=mix(c.p.bg, c.p.muted, 0.6), width=c.px(2))
            c.text(
                w.pick(W.ROLES),
                (kid[0] + c.px(8), kid[1] + c.px(4), kid[2] - c.px(8), kid[3] - c.px(4)),
                size=22,
                min_size=10,
                align="center",
                valign="middle",
                max_lines=2,
            )
    return None


# -- words -------------------------------------------------------------------


def _quote_marks(c: Canvas, x: float, top: float, r: float, colour) -> None:
    """A pair of opening quote marks drawn as shapes, r the radius of their dots.

    The bundled font's quote glyph is a pair of thin slashes, which reads badly at poster size.
    """
    for k in range(2):
        cx, cy = x + r * 1.05 + k * r * 2.6, top + r * 2.45
        c.draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=colour)
        tail = (
            (-1.0, 0.05),
            (-1.02, -0.6),
            (-0.75, -1.4),
            (-0.2, -2.05),
            (0.55, -2.45),
            (0.7, -2.2),
            (0.2, -1.7),
            (-0.05, -1.2),
            (0.1, -0.7),
        )
        c.draw.polygon([(cx + dx * r, cy + dy * r) for dx, dy in tail], fill=colour)


def paint_quote(c: Canvas):
    rng, w = c.rng, c.words
    quote, who = w.quote(), rng.choice(W.ATTRIBUTIONS)
    x0, y0, x1, y1 = c.full()
    layout = rng.choice(("left", "center", "panel"))
    mark_colour = c.accent(0)
    if layout == "panel":
        panel_w = c.W * 0.28
        c.draw.rectangle((0, 0, panel_w, c.H), fill=c.accent(0))
        mark_colour = ink_on(c.accent(0))
        r = panel_w * 0.11
        _quote_marks(c, panel_w / 2 - r * 2.3, c.H / 2 - r * 2.2, r, mark_colour)
        box = (panel_w + c.m, y0 + c.px(40), x1, y1 - c.px(100))
        align = "left"
    elif layout == "center":
        r = c.px(26)
        _quote_marks(c, (x0 + x1) / 2 - r * 2.3, y0 + c.px(10), r, mark_colour)
        box = (x0 + c.px(60), y0 + c.px(130), x1 - c.px(60), y1 - c.px(100))
        align = "center"
    else:
        _quote_marks(c, x0, y0 + c.px(20), c.px(24), mark_colour)
        box = (x0 + c.px(120), y0 + c.px(90), x1 - c.px(40), y1 - c.px(100))
        align = "left"
    covered = c.text(
        quote, box, size=76, min_size=26, bold=rng.random() < 0.5, align=align, valign="middle", spacing=1.25
    )
    c.text(
        "- " + who,
        (box[0], covered[3] + c.px(30), box[2], covered[3] + c.px(78)),
        size=30,
        min_size=14,
        fill=c.p.muted,
        align="right" if align == "left" else "center",
        max_lines=1,
    )
    return False if layout == "panel" else None  # the footer would sit on the panel


def _bullet_mark(c: Canvas, kind: str, x: float, y: float, colour, index: int) -> None:
    r = c.px(9)
    if kind == "dot":
        c.draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
    elif kind == "square":
        c.draw.rectangle((x - r, y - r, x + r, y + r), fill=colour)
    elif kind == "dash":
        c.draw.line((x - r * 1.4, y, x + r * 1.4, y), fill=colour, width=c.px(6))
    elif kind == "triangle":
        c.draw.polygon((x - r, y - r * 1.1, x + r * 1.2, y, x - r, y + r * 1.1), fill=colour)
    elif kind == "ring":
        c.draw.ellipse((x - r, y - r, x + r, y + r), outline=colour, width=c.px(4))
    else:  # numbered
        rr = c.px(22)
        c.draw.ellipse((x - rr, y - rr, x + rr, y + rr), fill=colour)
        c.text(
            str(index + 1),
            (x - rr, y - rr, x + rr, y + rr),
            size=26,
            min_size=10,
            bold=True,
            fill=ink_on(colour),
            align="center",
            valign="middle",
            max_lines=1,
        )


def paint_bullets(c: Canvas):
    rng, w = c.rng, c.words
    x0, y0, x1, y1 = c.headline(w.headline("bullets"))
    n = rng.randint(3, 5)
    items = [w.fill(w.pick(W.BULLETS)) for _ in range(n)]
    if rng.random() < 0.35:
        split = x0 + (x1 - x0) * 0.6
        photo = paint_scene(rng.choice(SCENES), (round(x1 - split - c.px(20)), round(y1 - y0)), rng)
        c.img.paste(photo, (round(split + c.px(20)), round(y0)))
        x1 = split
    kind = "number" if rng.random() < 0.25 else c.style.bullet
    indent = c.px(58 if kind == "number" else 44)
    share = min((y1 - y0) / n, c.px(130))
    text_w = x1 - x0 - indent
    # One size for every bullet: the largest at which all of them fit their share.
    size = min(
        fit(item, text_w, share * 0.88, max_size=c.px(44), min_size=c.px(16), max_lines=2).size for item in items
    )
    first = y0 + ((y1 - y0) - share * n) * 0.4
    for i, item in enumerate(items):
        top = first + share * i
        laid = fit(item, text_w, share * 0.88, max_size=size, min_size=size, max_lines=2)
        covered = draw_fitted(c.draw, laid, (x0 + indent, top, x1, top + share), c.p.text, valign="middle")
        first_line = covered[1] + laid.size * 0.55 + laid.stroke
        _bullet_mark(c, kind, x0 + indent * 0.4, first_line, c.accent(i if kind == "number" else 0), i)
    return None


def paint_number(c: Canvas):
    rng, w = c.rng, c.words
    value = rng.choice((rng.randint(3, 97), 42, 99, 110, rng.randint(11, 89)))
    phrase, kicker, source = w.of("numbers"), rng.choice(W.KICKERS), rng.choice(W.SOURCES)
    x0, y0, x1, y1 = c.full()
    big = f"{value}%"
    c.text(
        source,
        (x0, y1 - c.px(26), x1, y1),
        size=18,
        min_size=11,
        fill=c.p.muted,
        align="center" if c.style.title_align == "center" else "left",
        max_lines=1,
    )
    y1 -= c.px(40)
    layout = rng.choice(("stacked", "side", "ring"))
    if layout == "stacked":
        c.text(
            kicker.upper(),
            (x0, y0 + c.px(10), x1, y0 + c.px(50)),
            size=26,
            min_size=12,
            bold=True,
            fill=c.accent(1),
            align="center",
            max_lines=1,
        )
        covered = c.text(
            big,
            (x0, y0 + c.px(60), x1, y0 + (y1 - y0) * 0.66),
            size=300,
            min_size=60,
            bold=True,
            fill=c.accent(0),
            align="center",
            valign="middle",
            max_lines=1,
        )
        c.text(
            phrase,
            (x0 + c.px(60), covered[3] + c.px(24), x1 - c.px(60), y1),
            size=50,
            min_size=20,
            align="center",
            max_lines=2,
        )
        return None
    half = x0 + (x1 - x0) * 0.5
    if layout == "ring":
        r = min((y1 - y0) * 0.45, (half - x0) * 0.45)
        cx, cy = (x0 + half) / 2, (y0 + y1) / 2
        ring = c.px(34)
        c.draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=c.p.faint, width=ring)
        c.draw.arc(
            (cx - r, cy - r, cx + r, cy + r), -90, -90 + 360 * min(value, 100) / 100, fill=c.accent(0), width=ring
        )
        inner = (r - ring) * 0.75
        c.text(
            big,
            (cx - inner, cy - inner * 0.6, cx + inner, cy + inner * 0.6),
            size=140,
            min_size=24,
            bold=True,
            align="center",
            valign="middle",
            max_lines=1,
        )
    else:
        c.text(
            big,
            (x0, y0, half - c.px(20), y1),
            size=280,
            min_size=60,
            bold=True,
            fill=c.accent(0),
            align="center",
            valign="middle",
            max_lines=1,
        )
    # Kicker and phrase as one block, centred beside the number.
    left, kicker_h, gap = half + c.px(30), c.px(40), c.px(16)
    laid = fit(phrase, x1 - left, (y1 - y0) * 0.8 - kicker_h - gap, max_size=c.px(54), min_size=c.px(20), max_lines=4)
    top = (y0 + y1) / 2 - (kicker_h + gap + laid.height) / 2
    c.text(
        kicker.upper(),
        (left, top, x1, top + kicker_h),
        size=26,
        min_size=12,
        bold=True,
        fill=c.accent(1),
        valign="bottom",
        max_lines=1,
    )
    draw_fitted(c.draw, laid, (left, top + kicker_h + gap, x1, y1), c.p.text)
    return None


def paint_process(c: Canvas):
    rng, w = c.rng, c.words
    x0, y0, x1, y1 = c.headline(w.headline("process"))
    steps = list(rng.choice(W.PROCESSES)) if rng.random() < 0.7 else rng.sample(W.VERBS, rng.randint(3, 5))
    n = len(steps)
    tag = rng.choice(("Step {}", "Phase {}", "Week {}", "Q{}", None))
    cy = (y0 + y1) / 2 - c.px(20)
    if rng.random() < 0.55:  # chevrons
        notch, gap = c.px(44), c.px(10)
        cw = (x1 - x0 + (n - 1) * (notch - gap)) / n
        ch = min((y1 - y0) * 0.45, c.px(190))
        for i, step in enumerate(steps):
            left = x0 + i * (cw - notch + gap)
            right = left + cw
            top, bottom = cy - ch / 2, cy + ch / 2
            inset = notch if i else 0
            c.draw.polygon(
                (left, top, right - notch, top, right, cy, right - notch, bottom, left, bottom, left + inset, cy),
                fill=c.series(i),
            )
            c.text(
                step,
                (left + inset + c.px(8), top + c.px(10), right - notch - c.px(4), bottom - c.px(10)),
                size=34,
                min_size=12,
                bold=True,
                fill=ink_on(c.series(i)),
                align="center",
                valign="middle",
                max_lines=3,
            )
            if tag:
                c.text(
                    tag.format(i + 1),
                    (left + inset, bottom + c.px(18), right - notch, bottom + c.px(56)),
                    size=24,
                    min_size=11,
                    fill=c.p.muted,
                    align="center",
                    max_lines=1,
                )
        return None
    slot = (x1 - x0) / n
    r = min(slot * 0.4, (y1 - y0) * 0.32)
    for i, step in enumerate(steps):
        cx = x0 + slot * (i + 0.5)
        c.draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=c.series(i))
        c.text(
            step,
            (cx - r * 0.78, cy - r * 0.6, cx + r * 0.78, cy + r * 0.6),
            size=32,
            min_size=11,
            bold=True,
            fill=ink_on(c.series(i)),
            align="center",
            valign="middle",
            max_lines=3,
        )
        if i < n - 1:
            c.arrow((cx + r + c.px(6), cy), (cx + slot - r - c.px(6), cy), c.p.muted, c.lw(4))
        if tag:
            c.text(
                tag.format(i + 1),
                (cx - slot / 2, cy + r + c.px(16), cx + slot / 2, cy + r + c.px(54)),
                size=24,
                min_size=11,
                fill=c.p.muted,
                align="center",
                max_lines=1,
            )
    return None


def paint_funnel(c: Canvas):
    rng, w = c.rng, c.words
    x0, y0, x1, y1 = c.headline(w.headline("funnel"))
    stages = list(w.funnel())
    if rng.random() < 0.4:
        stages = stages[:4]
    n = len(stages)
    count = rng.choice((10000, 2500, 100000, 640, 5000))
    counts = []
    for _ in range(n):
        counts.append(count)
        count = max(1, round(count * rng.uniform(0.12, 0.55)))
    region_w = (x1 - x0) * 0.66
    left = x0
    gap = c.px(8)
    stage_h = (y1 - y0 - gap * (n - 1)) / n
    narrow = 0.26

    def width_at(t: float) -> float:
        return region_w * (1 - (1 - narrow) * t)

    mid = left + region_w / 2
    for i, (stage, number) in enumerate(zip(stages, counts)):
        top = y0 + i * (stage_h + gap)
        wt, wb = width_at(i / n), width_at((i + 1) / n)
        c.draw.polygon(
            (mid - wt / 2, top, mid + wt / 2, top, mid + wb / 2, top + stage_h, mid - wb / 2, top + stage_h),
            fill=c.series(i),
        )
        c.text(
            stage,
            (mid - wb / 2 + c.px(10), top + c.px(4), mid + wb / 2 - c.px(10), top + stage_h - c.px(4)),
            size=30,
            min_size=11,
            bold=True,
            fill=ink_on(c.series(i)),
            align="center",
            valign="middle",
            max_lines=2,
        )
        ny = top + stage_h / 2
        edge = mid + (wt + wb) / 4
        c.draw.line((edge + c.px(12), ny, left + region_w + c.px(36), ny), fill=c.p.faint, width=c.px(3))
        c.text(
            _fmt(number),
            (left + region_w + c.px(48), top, x1, top + stage_h),
            size=40,
            min_size=14,
            bold=True,
            fill=c.series(i) if not c.p.dark else c.p.text,
            valign="middle",
            max_lines=1,
        )
    return None


def paint_photo(c: Canvas):
    rng, w = c.rng, c.words
    scene = rng.choice(SCENES)
    caption = w.fill(rng.choice(W.CAPTIONS))
    layout = rng.choice(("framed", "full", "print"))
    if layout == "full":
        c.img.paste(paint_scene(scene, (c.W, c.H), rng), (0, 0))
        band = c.px(96)
        c.draw.rectangle((0, c.H - band, c.W, c.H), fill=(0, 0, 0, 150))
        c.text(
            caption,
            (c.m, c.H - band, c.W - c.m, c.H),
            size=36,
            min_size=14,
            fill=(255, 255, 255),
            valign="middle",
            max_lines=2,
        )
        return False
    if layout == "framed":
        x0, y0, x1, y1 = c.headline(w.headline("photo"))
        cap_h = c.px(44)
        frame = (x0, y0, x1, y1 - cap_h - c.px(10))
        c.img.paste(
            paint_scene(scene, (round(frame[2] - frame[0]), round(frame[3] - frame[1])), rng),
            (round(frame[0]), round(frame[1])),
        )
        c.draw.rectangle(frame, outline=c.p.text, width=c.px(3))
        c.text(
            caption,
            (x0, y1 - cap_h, x1, y1),
            size=26,
            min_size=12,
            fill=c.p.muted,
            align=c.style.title_align,
            valign="middle",
            max_lines=1,
        )
        return None
    # A tilted print with a white border and the caption written on it.
    x0, y0, x1, y1 = c.full()
    ph = (y1 - y0) * 0.74
    pw = min(ph * 1.35, (x1 - x0) * 0.8)
    border, foot = c.px(20), c.px(86)
    card = Image.new("RGB", (round(pw + 2 * border), round(ph + border + foot)), (250, 250, 246))
    card.paste(paint_scene(scene, (round(pw), round(ph)), rng), (border, border))
    c.text(
        caption,
        (border, ph + border, card.width - border, card.height),
        size=32,
        min_size=12,
        fill=(40, 40, 48),
        align="center",
        valign="middle",
        max_lines=2,
        draw=ImageDraw.Draw(card),
    )
    angle = rng.uniform(-6, 6)
    mask = Image.new("L", card.size, 255).rotate(angle, expand=True, resample=Image.Resampling.BICUBIC)
    card = card.rotate(angle, expand=True, resample=Image.Resampling.BICUBIC)
    at = (round((c.W - card.width) / 2 + rng.uniform(-1, 1) * c.px(50)), round((y0 + y1 - card.height) / 2))
    shadow = Image.new("RGB", card.size, mix(c.p.bg, (0, 0, 0), 0.35))
    c.img.paste(shadow, (at[0] + c.px(12), at[1] + c.px(14)), mask)
    c.img.paste(card, at, mask)
    return None


# -- bookends ----------------------------------------------------------------


def paint_title(c: Canvas):
    rng, w = c.rng, c.words
    subtitle = w.fill(rng.choice(W.SUBTITLES))
    byline = f"{rng.choice(W.PRESENTERS)}, {rng.choice(W.ROLES)}"
    venue = c.style.footer or w.of("conferences")
    layout = c.style.title_layout
    ink = c.p.text
    sub_ink = c.accent(0)
    if layout == "left-panel":
        panel = c.W * 0.34
        c.draw.rectangle((0, 0, panel, c.H), fill=c.accent(0))
        for _ in range(3):
            r = c.px(rng.uniform(60, 160))
            px, py = rng.uniform(0.15, 0.85) * panel, rng.uniform(0.15, 0.85) * c.H
            c.draw.ellipse((px - r, py - r, px + r, py + r), fill=(*ink_on(c.accent(0)), 40))
        box = (panel + c.m, c.H * 0.18, c.W - c.m, c.H * 0.62)
        align = "left"
    elif layout == "bottom-band":
        band_top = c.H * 0.7
        c.draw.rectangle((0, band_top, c.W, c.H), fill=c.accent(0))
        box = (c.m, c.H * 0.12, c.W - c.m, c.H * 0.5)
        align = c.style.title_align
        ink_band = ink_on(c.accent(0))
        covered = c.text(
            c.title, box, size=92, min_size=36, bold=True, fill=ink, align=align, valign="bottom", spacing=1.12
        )
        c.text(
            subtitle,
            (c.m, covered[3] + c.px(20), c.W - c.m, band_top - c.px(20)),
            size=40,
            min_size=18,
            fill=sub_ink,
            align=align,
            max_lines=2,
        )
        c.text(
            byline,
            (c.m, band_top + c.px(24), c.W - c.m, band_top + c.px(80)),
            size=32,
            min_size=14,
            fill=ink_band,
            align=align,
            valign="middle",
            max_lines=1,
        )
        c.text(
            venue,
            (c.m, band_top + c.px(84), c.W - c.m, c.H - c.px(30)),
            size=26,
            min_size=12,
            fill=ink_band,
            align=align,
            valign="middle",
            max_lines=1,
        )
        return False
    elif layout == "framed":
        inset = c.px(34)
        c.draw.rectangle((inset, inset, c.W - inset, c.H - inset), outline=c.accent(0), width=c.lw(10))
        box = (c.m + inset, c.H * 0.16, c.W - c.m - inset, c.H * 0.6)
        align = "center"
    elif layout == "left":
        c.draw.rectangle((c.m, c.H * 0.2, c.m + c.lw(14), c.H * 0.78), fill=c.accent(0))
        box = (c.m + c.px(46), c.H * 0.18, c.W - c.m, c.H * 0.6)
        align = "left"
    else:
        box = (c.m, c.H * 0.16, c.W - c.m, c.H * 0.6)
        align = "center"
    covered = c.text(
        c.title, box, size=92, min_size=36, bold=True, fill=ink, align=align, valign="bottom", spacing=1.12
    )
    rule_y = covered[3] + c.px(26)
    length = c.px(160)
    start = box[0] if align == "left" else (box[0] + box[2] - length) / 2
    c.draw.line((start, rule_y, start + length, rule_y), fill=c.accent(1), width=c.lw(6))
    sub = c.text(
        subtitle,
        (box[0], rule_y + c.px(22), box[2], rule_y + c.px(80)),
        size=40,
        min_size=18,
        fill=sub_ink,
        align=align,
        max_lines=1,
    )
    c.text(
        byline,
        (box[0], sub[3] + c.px(40), box[2], sub[3] + c.px(84)),
        size=30,
        min_size=14,
        fill=c.p.muted,
        align=align,
        max_lines=1,
    )
    c.text(
        venue,
        (box[0], sub[3] + c.px(86), box[2], sub[3] + c.px(124)),
        size=24,
        min_size=12,
        fill=c.p.muted,
        align=align,
        max_lines=1,
    )
    return False


def paint_ending(c: Canvas):
    rng = c.rng
    big = rng.choice(W.ENDINGS)
    sub = rng.choice(W.ENDING_SUBS)
    handle = rng.choice(W.HANDLES)
    text_box = (c.m, c.H * 0.26, c.W - c.m, c.H * 0.6)
    # Confetti everywhere except where the words go.
    keep_out = (text_box[0] - c.px(20), text_box[1] - c.px(40), text_box[2] + c.px(20), c.H * 0.82)
    for _ in range(rng.randint(25, 60)):
        x, y = rng.uniform(0, c.W), rng.uniform(0, c.H)
        if keep_out[0] < x < keep_out[2] and keep_out[1] < y < keep_out[3]:
            continue
        size = c.px(rng.uniform(6, 16))
        colour = c.accent(rng.randrange(5))
        if rng.random() < 0.5:
            c.draw.ellipse((x - size, y - size, x + size, y + size), fill=colour)
        else:
            a = rng.uniform(0, math.pi)
            dx, dy = math.cos(a) * size * 1.6, math.sin(a) * size * 1.6
            c.draw.line((x - dx, y - dy, x + dx, y + dy), fill=colour, width=c.px(7))
    align = rng.choice(("center", "center", c.style.title_align))
    covered = c.text(
        big,
        text_box,
        size=130,
        min_size=40,
        bold=True,
        fill=c.accent(0) if rng.random() < 0.5 else c.p.text,
        align=align,
        valign="bottom",
        max_lines=2,
    )
    under = c.text(
        sub,
        (c.m, covered[3] + c.px(34), c.W - c.m, covered[3] + c.px(90)),
        size=36,
        min_size=14,
        fill=c.p.muted,
        align=align,
        max_lines=1,
    )
    c.text(
        handle,
        (c.m, under[3] + c.px(20), c.W - c.m, under[3] + c.px(60)),
        size=28,
        min_size=12,
        fill=c.accent(1),
        align=align,
        max_lines=1,
    )
    return False


Painter = Callable[[Canvas], "bool | None"]

PAINTERS: dict[str, Painter] = {
    "title": paint_title,
    "bar": paint_bar,
    "pie": paint_pie,
    "line": paint_line,
    "timeline": paint_timeline,
    "venn": paint_venn,
    "matrix": paint_matrix,
    "org": paint_org,
    "quote": paint_quote,
    "bullets": paint_bullets,
    "photo": paint_photo,
    "number": paint_number,
    "process": paint_process,
    "funnel": paint_funnel,
    "ending": paint_ending,
}

# The kinds that fill the middle of a deck.
MIDDLE = tuple(k for k in PAINTERS if k not in ("title", "ending"))
