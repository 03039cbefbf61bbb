"""Shared fixtures: decks and event files built in ``tmp_path``.

The helpers are plain functions (``make_deck``, ``make_decks``, ``write_event``,
``write_text``) and are also offered as fixtures of the same name, so a test
can take them as arguments without importing this module.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
import yaml
from PIL import Image

OMIT = object()
"""Pass as a key's value to ``write_event`` to leave that key out of the file."""

DEFAULT_EVENT: dict[str, Any] = {
    "name": "Test night",
    "decks": "decks",
    "presenters": ["Ada", "Grace"],
}
"""The smallest valid event, with its decks folder beside the event file."""


def save_slide(path: Path, size: tuple[int, int] = (1280, 720), *, seed: str | None = None, format: str | None = None) -> Path:
    """Write one image whose pixels depend on ``seed`` (default: the path), so no two slides are equal."""
    digest = hashlib.sha256((seed or str(path)).encode()).digest()
    image = Image.new("RGB", size, tuple(digest[:3]))
    # A row of seed-derived pixels makes images differ even when colours collide.
    for x in range(min(size[0], len(digest))):
        image.putpixel((x, 0), (digest[x], digest[-x - 1], x))
    # A block far from the background in every channel: a slide is never "one flat colour",
    # even looked at reduced (a one-pixel row alone can vanish in the reduction).
    w, h = size
    image.paste(tuple(0 if c > 127 else 255 for c in digest[:3]), (w // 4, h // 4, w // 2, h // 2))
    path.parent.mkdir(parents=True, exist_ok=True)
    # Light compression: tests make thousands of slides, and size on disk does not matter.
    options = {"compress_level": 1} if (format or path.suffix.lstrip(".")).upper() == "PNG" else {}
    image.save(path, format=format, **options)
    return path


def make_deck(
    folder: Path,
    n: int = 12,
    size: tuple[int, int] = (1280, 720),
    *,
    suffix: str = ".png",
    **deck_yaml: Any,
) -> Path:
    """Make a deck folder with ``n`` distinct slides ``01.png``... and, given keys, a ``deck.yaml``.

    Returns:
        The deck folder.
    """
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(1, n + 1):
        save_slide(folder / f"{i:02d}{suffix}", size)
    if deck_yaml:
        (folder / "deck.yaml").write_text(yaml.safe_dump(deck_yaml, sort_keys=False), encoding="utf-8")
    return folder


def make_decks(folder: Path, count: int = 4, n: int = 12, size: tuple[int, int] = (1280, 720)) -> list[Path]:
    """Make a decks folder of ``count`` decks ``deck-1``... with ``n`` slides each."""
    return [make_deck(folder / f"deck-{i}", n, size) for i in range(1, count + 1)]


def write_event(path: Path, **keys: Any) -> Path:
    """Write an event file: :data:`DEFAULT_EVENT` updated with ``keys`` (``OMIT`` drops a key)."""
    data = {**DEFAULT_EVENT, **keys}
    data = {k: v for k, v in data.items() if v is not OMIT}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def write_text(path: Path, text: str) -> Path:
    """Write ``text`` as UTF-8, making folders as needed; for files written by hand."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _offer(helper):  # noqa: ANN001, ANN202
    """A fixture of the helper's own name that gives the helper."""

    @pytest.fixture(name=helper.__name__)
    def fixture():  # noqa: ANN202
        return helper

    return fixture


make_deck_fixture = _offer(make_deck)
make_decks_fixture = _offer(make_decks)
write_event_fixture = _offer(write_event)
write_text_fixture = _offer(write_text)
save_slide_fixture = _offer(save_slide)
