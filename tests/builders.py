"""Builders for test data: small decks and event files."""

from __future__ import annotations

import os
from pathlib import Path

import yaml
from PIL import Image


def build_deck(folder: Path, slides: int = 12, size: tuple[int, int] = (64, 36), **meta: object) -> Path:
    """A deck folder of slides, each a different colour with a mark in one corner."""
    folder.mkdir(parents=True)
    base = sum(os.fsencode(folder.name)) % 200
    for n in range(1, slides + 1):
        colour = ((base + n * 20) % 256, (n * 37) % 256, base)
        image = Image.new("RGB", size, colour)
        # A mark in the bottom-right corner, so no slide is one flat colour (check warns about those).
        w, h = size
        image.paste(tuple(255 - c for c in colour), (w - max(1, w // 8), h - max(1, h // 8), w, h))
        image.save(folder / f"slide{n}.png")
    if meta:
        (folder / "deck.yaml").write_text(yaml.safe_dump(meta), encoding="utf-8")
    return folder


def build_event(folder: Path, name: str = "test", **keys: object) -> Path:
    """An event file in ``folder`` (decks default to ``../decks``)."""
    data: dict[str, object] = {"name": "Test Night", "decks": "../decks", "presenters": ["Ada", "Brian", "Chen"]}
    data.update(keys)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def present(show, name: str, round: int = 1, at: float = 0.0) -> None:  # noqa: ANN001
    """Run ``name``'s whole talk through the show: start at ``at``, end when its time is up."""
    show.start_talk(name, at, round)
    event = show.event
    show.end_talk(at + event.countdown + event.seconds)
