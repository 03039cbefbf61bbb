"""Decks of slides and event files made by code, and talks played through the show.

One deck builder (:func:`build_deck`, with :func:`build_decks` for a folder of
them) and one event builder (:func:`build_event`): every deck and event file the
tests and the benchmarks use is made by these, with keyword options.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml
from PIL import Image

PRESENTERS = ("Ada", "Brian", "Chen")
"""The presenters of an event unless it names others."""


def build_slide(
    path: Path,
    size: tuple[int, int] = (64, 36),
    *,
    colour: tuple[int, int, int] | None = None,
    format: str | None = None,
) -> Path:
    """One slide: a colour with a mark in the opposite colour in its bottom-right corner.

    The mark keeps the slide from being one flat colour (``check`` warns about those).
    Without ``colour`` one is drawn from the path, far from mid-grey in every channel,
    so the mark stands out. ``format`` overrides the one the suffix names.
    """
    if colour is None:
        digest = hashlib.sha256(str(path).encode()).digest()
        colour = (_far(digest[0]), _far(digest[1]), _far(digest[2]))
    image = Image.new("RGB", size, colour)
    w, h = size
    image.paste(tuple(255 - c for c in colour), (w - max(1, w // 8), h - max(1, h // 8), w, h))
    path.parent.mkdir(parents=True, exist_ok=True)
    # Light compression: the suite makes thousands of slides, and their size on disk does not matter.
    png = (format or path.suffix.lstrip(".")).upper() == "PNG"
    image.save(path, format=format, **({"compress_level": 1} if png else {}))
    return path


def _far(byte: int) -> int:
    """A channel value in 0-63 or 192-255: its opposite (255 - value) is at least 129 away."""
    return byte // 2 + (128 if byte >= 128 else 0)


def build_deck(
    folder: Path,
    slides: int = 12,
    size: tuple[int, int] = (64, 36),
    *,
    names: str = "slide{n}",
    suffix: str = ".png",
    **meta: object,
) -> Path:
    """A deck folder of ``slides`` slides, each a different colour, and given ``meta``, its ``deck.yaml``.

    Slides are named ``names`` (``{n}`` is the slide's number from 1: ``"{n:02d}"`` gives
    ``01.png``...) with ``suffix``, which also picks the format.

    Returns:
        The deck folder.
    """
    folder.mkdir(parents=True, exist_ok=True)
    base = sum(os.fsencode(folder.name)) % 200
    for n in range(1, slides + 1):
        build_slide(folder / (names.format(n=n) + suffix), size, colour=((base + n * 20) % 256, (n * 37) % 256, base))
    if meta:
        (folder / "deck.yaml").write_text(yaml.safe_dump(meta, allow_unicode=True), encoding="utf-8")
    return folder


def build_decks(
    folder: Path,
    decks: int | Iterable[str] | Mapping[str, str] = 6,
    slides: int = 12,
    size: tuple[int, int] = (64, 36),
    **options: Any,
) -> list[Path]:
    """A decks folder: ``decks`` is how many (``deck-0``, ``deck-1``...), their ids, or their ids and titles.

    ``options`` go to :func:`build_deck` for every deck.
    """
    if isinstance(decks, int):
        decks = [f"deck-{i}" for i in range(decks)]
    titles = decks if isinstance(decks, Mapping) else dict.fromkeys(decks)
    made = []
    for deck_id, title in titles.items():
        meta = {"title": title} if title is not None else {}
        made.append(build_deck(folder / deck_id, slides, size, **meta, **options))
    if not made:
        folder.mkdir(parents=True, exist_ok=True)
    return made


def build_event(folder: Path, name: str = "test", *, title: str = "Test Night", **keys: object) -> Path:
    """An event file ``folder/name.yaml`` named ``title``, with every other key as given.

    ``decks`` defaults to ``../decks`` (an ``events/`` folder beside ``decks/``) and
    ``presenters`` to Ada, Brian and Chen; any other key of the event file (``seconds``,
    ``countdown``, ``order``, ``scoring``...) is written as given, in the order given.
    """
    data: dict[str, object] = {"name": title, "decks": "../decks", "presenters": list(PRESENTERS)}
    data.update(keys)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def present(show: Any, name: str, round: int = 1, at: float = 0.0) -> None:
    """Run ``name``'s whole talk through the show: start at ``at``, end when its time is up."""
    show.start_talk(name, at, round)
    event = show.event
    show.end_talk(at + event.countdown + event.seconds)
