"""Stock "photos" made of primitives: landscape, sunset, city at night, and a cat."""

from __future__ import annotations

import math
import random

from PIL import Image, ImageDraw

from ._style import RGB, hls, mix

SCENES = ("landscape", "sunset", "city", "cat")


def _gradient(draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], stops: list[RGB]) -> None:
    """Vertical gradient through evenly spaced colour stops."""
    x0, y0, x1, y1 = box
    rows = max(1, y1 - y0)
    for row in range(rows):
        t = row / max(1, rows - 1) * (len(stops) - 1)
        i = min(int(t), len(stops) - 2)
        draw.line((x0, y0 + row, x1, y0 + row), fill=mix(stops[i], stops[i + 1], t - i))


def _disc(draw: ImageDraw.ImageDraw, x: float, y: float, r: float, fill) -> None:
    draw.ellipse((x - r, y - r, x + r, y + r), fill=fill)


def _ridge(rng: random.Random, w: int, base: float, lo: float, hi: float, steps: int) -> list[tuple[float, float]]:
    """Points of a jagged skyline from left to right."""
    points = []
    for k in range(steps + 1):
        x = -0.05 * w + k * (1.1 * w / steps)
        height = rng.uniform(lo, hi) if k % 2 else rng.uniform(lo * 0.3, lo)
        points.append((x, base - height))
    return points


def _landscape(draw: ImageDraw.ImageDraw, w: int, h: int, rng: random.Random) -> None:
    hue = 0.58 + rng.uniform(-0.03, 0.03)
    horizon = h * rng.uniform(0.5, 0.6)
    _gradient(draw, (0, 0, w, round(horizon) + 2), [hls(hue, 0.5, 0.65), hls(hue - 0.03, 0.82, 0.55)])
    sun_x, sun_y = w * rng.uniform(0.15, 0.85), h * rng.uniform(0.14, 0.26)
    _disc(draw, sun_x, sun_y, h * 0.12, (255, 240, 180, 70))
    _disc(draw, sun_x, sun_y, h * 0.075, (255, 232, 140))
    for _ in range(rng.randint(2, 3)):
        cx, cy, s = w * rng.uniform(0.05, 0.95), h * rng.uniform(0.08, 0.3), h * rng.uniform(0.05, 0.08)
        for dx, dy, r in ((-1.2, 0.2, 0.8), (0, 0, 1.0), (1.1, 0.25, 0.75), (0.5, 0.35, 0.8), (-0.5, 0.4, 0.7)):
            _disc(draw, cx + dx * s, cy + dy * s, r * s, (255, 255, 255, 215))
    far = _ridge(rng, w, horizon, h * 0.2, h * 0.33, rng.randint(5, 8))
    draw.polygon(far + [(w * 1.1, horizon + 2), (-0.1 * w, horizon + 2)], fill=hls(hue + 0.05, 0.62, 0.25))
    near = _ridge(rng, w, horizon, h * 0.08, h * 0.16, rng.randint(6, 10))
    draw.polygon(near + [(w * 1.1, horizon + 2), (-0.1 * w, horizon + 2)], fill=hls(hue + 0.07, 0.45, 0.25))
    grass = rng.uniform(0.24, 0.32)
    draw.rectangle((0, horizon, w, h), fill=hls(grass, 0.42, 0.45))
    phase = rng.uniform(0, math.tau)
    hill = [(x, horizon + h * 0.12 + h * 0.05 * math.sin(x / w * 5 + phase)) for x in range(0, w + 8, 8)]
    draw.polygon(hill + [(w, h), (0, h)], fill=hls(grass + 0.02, 0.34, 0.45))
    if rng.random() < 0.5:
        lx, ly = w * rng.uniform(0.25, 0.75), horizon + h * 0.06
        draw.ellipse((lx - w * 0.16, ly - h * 0.03, lx + w * 0.16, ly + h * 0.04), fill=hls(hue, 0.6, 0.55))
    for _ in range(rng.randint(3, 7)):
        tx = w * rng.uniform(0.03, 0.97)
        base = horizon + h * rng.uniform(0.2, 0.35)
        size = h * rng.uniform(0.1, 0.17)
        draw.rectangle((tx - size * 0.06, base - size * 0.2, tx + size * 0.06, base + size * 0.1), fill=(101, 67, 33))
        green = hls(0.33 + rng.uniform(-0.03, 0.03), 0.24, 0.5)
        for level in range(3):
            top = base - size * (0.55 + level * 0.35)
            half = size * (0.42 - level * 0.09)
            draw.polygon((tx, top - size * 0.3, tx - half, top + size * 0.3, tx + half, top + size * 0.3), fill=green)


def _sunset(draw: ImageDraw.ImageDraw, w: int, h: int, rng: random.Random) -> None:
    shift = rng.uniform(-0.04, 0.04)
    horizon = round(h * rng.uniform(0.55, 0.66))
    stops = [
        hls(0.74 + shift, 0.25, 0.5),
        hls(0.93 + shift, 0.5, 0.6),
        hls(0.05 + shift, 0.6, 0.9),
        hls(0.12, 0.7, 0.95),
    ]
    _gradient(draw, (0, 0, w, horizon + 1), stops)
    sun_x, r = w * rng.uniform(0.3, 0.7), h * rng.uniform(0.13, 0.19)
    _disc(draw, sun_x, horizon, r * 1.5, (255, 210, 120, 60))
    _disc(draw, sun_x, horizon, r, (255, 214, 110))
    _gradient(draw, (0, horizon, w, h), [hls(0.72 + shift, 0.3, 0.45), hls(0.7 + shift, 0.14, 0.5)])
    for k in range(9):
        y = horizon + (k + 1) * (h - horizon) / 11
        half = r * (1.1 - k * 0.1) * rng.uniform(0.8, 1.1)
        draw.line((sun_x - half, y, sun_x + half, y), fill=(255, 200, 110, 170), width=max(1, round(h * 0.012)))
    for _ in range(rng.randint(2, 5)):
        bx, by, s = w * rng.uniform(0.1, 0.9), h * rng.uniform(0.1, 0.35), h * rng.uniform(0.02, 0.035)
        draw.line(
            (bx - s, by - s * 0.5, bx, by, bx + s, by - s * 0.5), fill=(40, 20, 50), width=max(1, round(h * 0.008))
        )
    if rng.random() < 0.6:
        side = rng.choice((0.12, 0.88))
        ix = w * side
        draw.ellipse((ix - w * 0.15, horizon - h * 0.04, ix + w * 0.15, horizon + h * 0.05), fill=(30, 15, 40))
        trunk = [
            (ix + (h * 0.25) * (t / 10) ** 2 * (0.3 if side < 0.5 else -0.3), horizon - h * 0.35 * t / 10)
            for t in range(11)
        ]
        draw.line(trunk, fill=(30, 15, 40), width=max(2, round(h * 0.025)), joint="curve")
        top_x, top_y = trunk[-1]
        for angle in (200, 235, 270, 305, 340):
            a = math.radians(angle)
            end = (top_x + math.cos(a) * h * 0.16, top_y + math.sin(a) * h * 0.07 + h * 0.05)
            mid = (top_x + math.cos(a) * h * 0.08, top_y + math.sin(a) * h * 0.06)
            draw.line((top_x, top_y, *mid, *end), fill=(30, 15, 40), width=max(2, round(h * 0.018)), joint="curve")


def _city(draw: ImageDraw.ImageDraw, w: int, h: int, rng: random.Random) -> None:
    hue = 0.64 + rng.uniform(-0.04, 0.06)
    _gradient(draw, (0, 0, w, h), [hls(hue, 0.07, 0.5), hls(hue + 0.06, 0.22, 0.45), hls(hue + 0.12, 0.35, 0.4)])
    for _ in range(70):
        x, y = rng.uniform(0, w), rng.uniform(0, h * 0.5)
        _disc(draw, x, y, h * rng.uniform(0.002, 0.005), (255, 255, 240, rng.randint(120, 255)))
    mx, my, mr = w * rng.uniform(0.1, 0.9), h * rng.uniform(0.12, 0.22), h * 0.07
    _disc(draw, mx, my, mr * 1.6, (255, 255, 230, 35))
    _disc(draw, mx, my, mr, (245, 243, 220))
    for dx, dy, rr in ((-0.3, -0.2, 0.18), (0.25, 0.3, 0.13), (0.35, -0.3, 0.1)):
        _disc(draw, mx + dx * mr, my + dy * mr, rr * mr, (222, 220, 196))
    lit = hls(0.13 + rng.uniform(-0.02, 0.02), 0.7, 0.9)
    for layer, (lo, hi, light) in enumerate(((0.3, 0.62, 0.2), (0.18, 0.42, 0.12))):
        x = -rng.uniform(0, w * 0.05)
        while x < w:
            bw = w * rng.uniform(0.05, 0.11)
            top = h - h * rng.uniform(lo, hi)
            body = hls(hue + 0.02, light, 0.25)
            draw.rectangle((x, top, x + bw, h), fill=body)
            if layer == 0 and rng.random() < 0.3:
                draw.line((x + bw / 2, top, x + bw / 2, top - h * 0.06), fill=body, width=max(1, round(w * 0.003)))
            cols = max(2, round(bw / (h * 0.03)))
            cell_w = bw / cols
            cell_h = h * 0.04
            y = top + cell_h * 0.6
            while y + cell_h * 0.6 < h:
                for c in range(cols):
                    wx = x + c * cell_w + cell_w * 0.25
                    glow = lit if rng.random() < 0.3 else mix(body, (255, 255, 255), 0.08)
                    draw.rectangle((wx, y, wx + cell_w * 0.5, y + cell_h * 0.5), fill=glow)
                y += cell_h
            x += bw + w * rng.uniform(0.0, 0.015)


def _cat(draw: ImageDraw.ImageDraw, w: int, h: int, rng: random.Random) -> None:
    wall = hls(rng.random(), 0.78, 0.35)
    floor_y = h * 0.8
    draw.rectangle((0, 0, w, floor_y), fill=wall)
    draw.rectangle((0, floor_y, w, h), fill=hls(0.08, 0.35, 0.35))
    cx = w * rng.uniform(0.35, 0.65)
    s = h
    # A bookshelf behind the cat, on the side with more room.
    shelf_x0 = 0.04 * w if cx > w / 2 else cx + 0.3 * s
    shelf_x1 = cx - 0.3 * s if cx > w / 2 else w * 0.96
    if shelf_x1 - shelf_x0 > w * 0.12:
        wood = hls(0.07, 0.3, 0.4)
        draw.rectangle((shelf_x0, h * 0.12, shelf_x1, floor_y), fill=wood)
        for level in range(3):
            y1 = h * 0.12 + (level + 1) * (floor_y - h * 0.12) / 3 - h * 0.02
            y0 = y1 - (floor_y - h * 0.12) / 3 + h * 0.04
            bx = shelf_x0 + w * 0.01
            while bx < shelf_x1 - w * 0.03:
                bw = w * rng.uniform(0.012, 0.025)
                bh = (y1 - y0) * rng.uniform(0.7, 1.0)
                draw.rectangle((bx, y1 - bh, bx + bw, y1), fill=hls(rng.random(), rng.uniform(0.35, 0.6), 0.55))
                bx += bw + w * 0.003
    fur_hue, fur_light, fur_sat = rng.choice(((0.08, 0.55, 0.75), (0.6, 0.55, 0.05), (0.0, 0.13, 0.0), (0.1, 0.9, 0.3)))
    fur = hls(fur_hue, fur_light, fur_sat)
    dark = mix(fur, (0, 0, 0), 0.3) if fur_light > 0.3 else mix(fur, (255, 255, 255), 0.2)
    line_w = max(1, round(s * 0.008))
    # The tail curls up beside the body: the outer half of an ellipse.
    side = rng.choice((-1, 1))
    ax, ay, ar = cx + side * 0.17 * s, floor_y - 0.17 * s, 0.16 * s
    start, end = (270, 90) if side > 0 else (90, 270)
    draw.arc((ax - ar, ay - ar, ax + ar, ay + ar), start=start, end=end, fill=fur, width=round(s * 0.045))
    draw.ellipse((cx - 0.2 * s, floor_y - 0.42 * s, cx + 0.2 * s, floor_y + 0.03 * s), fill=fur)
    for px in (-0.08, 0.08):
        draw.ellipse(
            (cx + px * s - 0.05 * s, floor_y - 0.04 * s, cx + px * s + 0.05 * s, floor_y + 0.03 * s),
            fill=fur,
            outline=dark,
            width=line_w,
        )
    hx, hy, hr = cx, floor_y - 0.47 * s, 0.15 * s
    for side in (-1, 1):
        ear = (hx + side * hr * 0.95, hy - hr * 1.25)
        draw.polygon((hx + side * hr * 0.2, hy - hr * 0.8, *ear, hx + side * hr * 0.95, hy - hr * 0.1), fill=fur)
        draw.polygon(
            (
                hx + side * hr * 0.38,
                hy - hr * 0.72,
                hx + side * hr * 0.85,
                hy - hr * 1.0,
                hx + side * hr * 0.82,
                hy - hr * 0.35,
            ),
            fill=(240, 160, 170),
        )
    _disc(draw, hx, hy, hr, fur)
    if fur_hue == 0.08:
        for k in (-1, 0, 1):
            draw.line(
                (hx + k * hr * 0.22, hy - hr * 0.95, hx + k * hr * 0.18, hy - hr * 0.6), fill=dark, width=line_w * 2
            )
    eye = rng.choice(((120, 200, 90), (230, 200, 60), (90, 170, 230)))
    for side in (-1, 1):
        ex, ey = hx + side * hr * 0.4, hy - hr * 0.1
        draw.ellipse((ex - hr * 0.2, ey - hr * 0.17, ex + hr * 0.2, ey + hr * 0.17), fill=eye)
        draw.ellipse((ex - hr * 0.05, ey - hr * 0.15, ex + hr * 0.05, ey + hr * 0.15), fill=(15, 15, 15))
        _disc(draw, ex + hr * 0.07, ey - hr * 0.07, hr * 0.04, (255, 255, 255))
    nose_y = hy + hr * 0.22
    draw.polygon((hx - hr * 0.1, nose_y, hx + hr * 0.1, nose_y, hx, nose_y + hr * 0.1), fill=(235, 130, 150))
    mouth = (40, 30, 30) if fur_light > 0.3 else (200, 200, 200)
    draw.arc((hx - hr * 0.2, nose_y, hx, nose_y + hr * 0.25), start=0, end=160, fill=mouth, width=line_w)
    draw.arc((hx, nose_y, hx + hr * 0.2, nose_y + hr * 0.25), start=20, end=180, fill=mouth, width=line_w)
    whisker = (250, 250, 250) if fur_light < 0.5 else (60, 50, 50)
    for side in (-1, 1):
        for k in (-1, 0, 1):
            draw.line(
                (hx + side * hr * 0.3, nose_y + hr * 0.12, hx + side * hr * 1.25, nose_y + k * hr * 0.2),
                fill=whisker,
                width=line_w,
            )


_PAINTERS = {"landscape": _landscape, "sunset": _sunset, "city": _city, "cat": _cat}


def paint_scene(kind: str, size: tuple[int, int], rng: random.Random) -> Image.Image:
    """A "photo" of the given kind (one of SCENES) at size, as an RGB image."""
    w, h = max(8, size[0]), max(8, size[1])
    img = Image.new("RGB", (w, h), (128, 128, 128))
    _PAINTERS[kind](ImageDraw.Draw(img, "RGBA"), w, h, rng)
    return img
