"""Decks: a folder of slide images with an optional ``deck.yaml``.

The slides are the image files in the folder, in natural order of their
names (``slide2.png`` before ``slide10.png``); hidden files are ignored. The
deck id is the folder name. Reading a deck never opens its images: listing a
deck must not show its contents to anyone, and checking images is the job of
:mod:`battledecks.core.check`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .problems import BattledecksError, Problem
from .yamlfile import YamlFileError, load_yaml

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp"})
"""File endings that count as slides."""

DECK_FILE = "deck.yaml"

_DECK_KEYS = {"title", "authors", "tags", "notes", "retired"}


def natural_key(name: str) -> tuple[object, ...]:
    """Sort key that orders embedded numbers by value: ``2`` before ``10``."""
    parts = re.split(r"(\d+)", name.casefold())
    return tuple((0, int(p), p) if p.isdigit() else (1, 0, p) for p in parts if p)


def is_hidden(path: Path) -> bool:
    return path.name.startswith(".")


def is_slide_file(path: Path) -> bool:
    return not is_hidden(path) and path.suffix.lower() in IMAGE_SUFFIXES


@dataclass(frozen=True)
class Deck:
    """One deck of slides a presenter can be handed."""

    id: str
    """The folder name; unique within a decks folder."""
    path: Path
    """The deck folder."""
    title: str
    """From ``deck.yaml``, else the folder name."""
    slides: tuple[Path, ...]
    """Slide images in showing order."""
    authors: tuple[str, ...] = ()
    """Who made the deck; they are never handed their own deck."""
    tags: tuple[str, ...] = ()
    notes: str = ""
    retired: bool = False
    """A retired deck is never drawn."""
    problems: tuple[Problem, ...] = field(default=(), compare=False)
    """What was wrong with ``deck.yaml``, if anything."""

    @property
    def ok(self) -> bool:
        return not any(p.is_error for p in self.problems)


class DeckError(BattledecksError):
    """A deck that cannot be read."""


def list_slides(folder: Path) -> tuple[Path, ...]:
    """The slide files of a deck folder, in natural order."""
    files = [p for p in folder.iterdir() if is_slide_file(p) and p.is_file()]
    return tuple(sorted(files, key=lambda p: natural_key(p.name)))


def _str_list(value: object, key: str, path: Path, line: int | None, problems: list[Problem]) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        problems.append(Problem(path, "must be a list of non-empty names", line=line, key=key))
        return ()
    return tuple(v.strip() for v in value)


def read_deck_file(path: Path) -> tuple[dict[str, object], list[Problem]]:
    """Read and validate a ``deck.yaml``; return the fields and any problems."""
    problems: list[Problem] = []
    try:
        data, lines = load_yaml(path)
    except YamlFileError as error:
        return {}, [Problem(path, error.reason, line=error.line)]
    if data is None:
        return {}, []
    if not isinstance(data, dict):
        return {}, [Problem(path, "must be a mapping of keys (title, authors, tags, notes, retired)", line=1)]
    fields: dict[str, object] = {}
    for key, value in data.items():
        line = lines.get((key,))
        if key not in _DECK_KEYS:
            known = ", ".join(sorted(_DECK_KEYS))
            problems.append(Problem(path, f"unknown key (known keys: {known})", line=line, key=str(key)))
        elif key == "title":
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, (str, int, float)) or not str(value).strip():
                problems.append(Problem(path, "must be a non-empty text", line=line, key=key))
            else:
                fields["title"] = str(value).strip()
        elif key in ("authors", "tags"):
            fields[key] = _str_list(value, key, path, line, problems)
        elif key == "notes":
            if value is not None and not isinstance(value, str):
                problems.append(Problem(path, "must be text", line=line, key=key))
            else:
                fields["notes"] = value or ""
        elif key == "retired":
            if not isinstance(value, bool):
                problems.append(Problem(path, "must be true or false", line=line, key=key))
            else:
                fields["retired"] = value
    return fields, problems


def load_deck(folder: Path) -> Deck:
    """Read one deck folder (its ``deck.yaml`` and the names of its slides).

    Raises:
        DeckError: the folder cannot be listed.
    """
    try:
        slides = list_slides(folder)
    except OSError as error:
        raise DeckError(f"{folder}: cannot read deck folder: {error.strerror or error}") from None
    meta_path = folder / DECK_FILE
    fields: dict[str, object] = {}
    problems: list[Problem] = []
    if meta_path.exists() or meta_path.is_symlink():
        fields, problems = read_deck_file(meta_path)
    return Deck(
        id=folder.name,
        path=folder,
        title=str(fields.get("title") or folder.name),
        slides=slides,
        authors=tuple(fields.get("authors", ())),  # type: ignore[arg-type]
        tags=tuple(fields.get("tags", ())),  # type: ignore[arg-type]
        notes=str(fields.get("notes", "")),
        retired=bool(fields.get("retired", False)),
        problems=tuple(problems),
    )


def deck_folders(decks_dir: Path) -> list[Path]:
    """The deck folders in a decks folder, in natural order (hidden ones skipped)."""
    entries = [p for p in decks_dir.iterdir() if p.is_dir() and not is_hidden(p)]
    return sorted(entries, key=lambda p: natural_key(p.name))


def load_decks(decks_dir: Path) -> list[Deck]:
    """Every readable deck in a decks folder; unreadable ones are skipped.

    Raises:
        DeckError: the decks folder itself cannot be listed.
    """
    try:
        folders = deck_folders(decks_dir)
    except OSError as error:
        raise DeckError(f"{decks_dir}: cannot read decks folder: {error.strerror or error}") from None
    decks = []
    for folder in folders:
        try:
            decks.append(load_deck(folder))
        except DeckError:
            continue
    return decks
