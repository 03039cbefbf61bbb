"""Whole decks: choosing slide kinds, painting them, writing slide files and deck.yaml."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

import yaml
from PIL import Image

from ..core.words import slugify
from ._canvas import Canvas
from ._slides import MIDDLE, PAINTERS
from ._style import Style, make_style
from ._words import Words

THEMES = ("library", "tech", "science")
MIN_SIZE = (128, 72)


# Decks this close together in a set never share a background kind and a hue.
_LOOK_WINDOW = 30
_HUE_APART = 1 / 12


def _start(seed: int, theme: str) -> tuple[random.Random, Words, str, Style]:
    """The first draws of a deck: its random source, words, title and style."""
    # A string seed is hashed the same way on every run and platform.
    rng = random.Random(f"battledecks:{theme}:{seed}")
    words = Words(theme, rng)
    title = words.title()
    style = make_style(rng, words.of("conferences"))
    return rng, words, title, style


def _check(theme: str, slides: int, size: tuple[int, int]) -> None:
    if theme not in THEMES:
        raise ValueError(f"unknown theme {theme!r}; choose one of {', '.join(THEMES)}")
    if not isinstance(slides, int) or slides < 2:
        raise ValueError(f"a deck needs at least 2 slides (a title and an ending), not {slides!r}")
    if len(size) != 2 or not all(isinstance(v, int) for v in size) or size[0] < MIN_SIZE[0] or size[1] < MIN_SIZE[1]:
        raise ValueError(f"slide size must be two whole numbers of at least {MIN_SIZE[0]}x{MIN_SIZE[1]}, not {size!r}")


def _plan(rng: random.Random, slides: int) -> list[str]:
    """Slide kinds in order: the title, a shuffled middle without neighbours alike, the ending."""
    middle: list[str] = []
    pool: list[str] = []
    while len(middle) < slides - 2:
        if not pool:
            pool = list(MIDDLE)
            rng.shuffle(pool)
            if middle and pool[0] == middle[-1]:
                pool[0], pool[-1] = pool[-1], pool[0]
        middle.append(pool.pop(0))
    return ["title", *middle, "ending"]


def _save_png(img: Image.Image, path: Path) -> None:
    """Saves a palette PNG with no metadata, so equal pixels give equal bytes."""
    small = img.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    small.save(path, format="PNG", optimize=True)


def deck_title(seed: int, theme: str = "library") -> str:
    """The title generate_deck gives the deck of this seed and theme, without painting it."""
    _check(theme, 2, MIN_SIZE)
    return _start(seed, theme)[2]


def generate_deck(
    folder: Path,
    *,
    seed: int,
    theme: str = "library",
    slides: int = 12,
    size: tuple[int, int] = (1280, 720),
) -> str:
    """Paints one deck into folder: slide01.png ... and deck.yaml.

    Args:
        folder: where the deck goes; it must not exist yet, or be empty.
        seed: the same seed (and theme, count and size) gives byte-identical files.
        theme: one of THEMES.
        slides: how many slides; the first is the title, the last an ending.
        size: slide width and height in pixels.

    Returns:
        The deck's title.

    Raises:
        FileExistsError: folder exists and holds something.
        ValueError: an unknown theme, too few slides or a size too small.
    """
    _check(theme, slides, size)
    folder = Path(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise FileExistsError(f"{folder}: already exists and is not an empty folder")
    rng, words, title, style = _start(seed, theme)
    plan = _plan(rng, slides)
    folder.mkdir(parents=True, exist_ok=True)
    digits = max(2, len(str(slides)))
    for number, kind in enumerate(plan, 1):
        canvas = Canvas(size, style, words, rng, number=number, total=slides, title=title)
        canvas.decorate()
        if PAINTERS[kind](canvas) is not False:
            canvas.footer()
        _save_png(canvas.finish(), folder / f"slide{number:0{digits}d}.png")
    meta = {
        "title": title,
        "authors": ["battledecks generator"],
        "tags": [theme, "generated"],
        "notes": f"generated with seed {seed}",
    }
    (folder / "deck.yaml").write_text(
        yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=1000), encoding="utf-8"
    )
    return title


def _unique(slug: str, taken: set[str]) -> str:
    name, n = slug, 2
    while name in taken:
        name, n = f"{slug}-{n}", n + 1
    return name


def _look(seed: int, theme: str) -> tuple[str, float]:
    palette = _start(seed, theme)[3].palette
    return palette.mode, palette.hue


def _alike(a: tuple[str, float], b: tuple[str, float]) -> bool:
    hue_gap = abs(a[1] - b[1]) % 1.0
    return a[0] == b[0] and min(hue_gap, 1 - hue_gap) < _HUE_APART


def _themes(count: int, theme: str | None) -> list[str]:
    return [theme if theme is not None else THEMES[i % len(THEMES)] for i in range(count)]


def deck_seeds(seed: int, count: int, theme: str | None = None) -> list[int]:
    """The seeds generate_decks gives its decks, in order.

    Deck i takes the first of random.Random(f"{seed}:{i}"), then f"{seed}:{i}:1", ...
    whose background kind and hue are unlike those of the decks just before it,
    so that a set never shows two decks that look alike.
    """
    seeds: list[int] = []
    looks: list[tuple[str, float]] = []
    for i, deck_theme in enumerate(_themes(count, theme)):
        for attempt in range(200):
            name = f"{seed}:{i}" if attempt == 0 else f"{seed}:{i}:{attempt}"
            candidate = random.Random(name).randrange(2**32)
            look = _look(candidate, deck_theme)
            if not any(_alike(look, other) for other in looks[-_LOOK_WINDOW:]):
                break
        seeds.append(candidate)
        looks.append(look)
    return seeds


def generate_decks(
    into: Path,
    *,
    count: int,
    seed: int,
    theme: str | None = None,
    slides: int = 12,
    size: tuple[int, int] = (1280, 720),
    progress: Callable[[int, int], None] | None = None,
) -> list[Path]:
    """Paints count decks into folders of into named after their titles.

    Args:
        into: the decks folder; created if missing. Folders already in it are left alone
            and never reused: a clashing name gets a -2, -3, ... suffix.
        count: how many decks.
        seed: the whole set follows from it; deck i gets deck_seeds(seed, count, theme)[i].
        theme: one of THEMES for every deck, or None to take them in turn.
        slides: slides per deck.
        size: slide width and height in pixels.
        progress: told (decks painted, count) after each deck.

    Returns:
        The new deck folders, in order.
    """
    if not isinstance(count, int) or count < 0:
        raise ValueError(f"count must be a whole number of at least 0, not {count!r}")
    for t in THEMES if theme is None else (theme,):
        _check(t, slides, size)
    into = Path(into)
    into.mkdir(parents=True, exist_ok=True)
    # Lowercased, so names stay distinct on case-insensitive file systems too.
    taken = {p.name.lower() for p in into.iterdir()}
    made = []
    for deck_theme, seed_i in zip(_themes(count, theme), deck_seeds(seed, count, theme)):
        name = _unique(slugify(deck_title(seed_i, deck_theme)), taken)
        taken.add(name)
        folder = into / name
        generate_deck(folder, seed=seed_i, theme=deck_theme, slides=slides, size=size)
        made.append(folder)
        if progress is not None:
            progress(len(made), count)
    return made
