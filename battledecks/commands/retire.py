"""Retire a deck so it is never drawn again, or bring it back with --undo.

Sets (or, with --undo, removes) the line 'retired: true' in the deck's
deck.yaml, making the file if there is none. Everything else in the file stays as it
was: the other keys, their order and the comments. A deck.yaml with errors
is left alone: fix it first. The file is replaced whole, never half-written.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any

import yaml

from ..core.atomic import atomic_write
from ..core.decks import DECK_FILE, read_deck_file
from ..core.problems import BattledecksError
from ..core.text import visible
from ..core.yamlfile import YamlFileError, load_yaml
from .sheet import open_deck

NAME = "retire"
_SIMPLE = re.compile(r"^retired[ \t]*:[ \t]*(?P<value>[^\s#]+)?[ \t]*(?P<comment>#.*)?$")
"""A ``retired:`` line on its own, with at most a plain value and a comment."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("deck", type=Path, metavar="DECK", help="a deck folder")
    parser.add_argument("--undo", action="store_true", help="bring a retired deck back")


def _parses_to(text: str, expected: dict[str, Any]) -> bool:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return False
    return (data or {}) == expected


def with_retired(text: str, data: dict[str, Any] | None, line: int | None, retired: bool) -> str:
    """``deck.yaml`` text with ``retired: true`` set or removed, changing nothing else.

    The ``retired`` line is edited in place (or added at the end, or taken
    out) when the result reads back as the same keys with only ``retired``
    changed; a file laid out otherwise (flow style, several documents) is
    written again from its data, keys in their order.

    Args:
        text: the file as it is.
        data: the file's data (None for an empty file).
        line: the 1-based line of the ``retired`` key, if it has one.
        retired: whether the deck is to be retired.
    """
    expected = dict(data or {})
    if retired:
        expected["retired"] = True
    else:
        expected.pop("retired", None)
    lines = text.splitlines(keepends=True)
    edited: str | None = None
    if line is not None and 0 < line <= len(lines) and (found := _SIMPLE.match(lines[line - 1].rstrip("\r\n"))):
        ending = lines[line - 1][len(lines[line - 1].rstrip("\r\n")) :]
        if retired:
            comment = f"  {found['comment']}" if found["comment"] else ""
            newline = ending or "\n"
            lines[line - 1] = f"retired: true{comment}{newline}"
        else:
            del lines[line - 1]
        edited = "".join(lines)
    elif line is None and retired:
        edited = text + ("" if not text or text.endswith("\n") else "\n") + "retired: true\n"
    if edited is not None and _parses_to(edited, expected):
        return edited
    return yaml.safe_dump(expected, sort_keys=False, allow_unicode=True, width=1000) if expected else ""


def run(args: argparse.Namespace) -> int:
    deck = open_deck(args.deck)
    if deck.pdf is not None:
        raise BattledecksError(
            f"{deck.path}: a PDF deck has no deck.yaml to mark it retired: move it out of the decks folder, "
            "or import it as a deck folder (battledecks import) and retire that"
        )
    meta = deck.path / DECK_FILE
    exists = meta.exists() or meta.is_symlink()
    if not exists and not deck.slides:
        raise BattledecksError(f"{deck.path}: not a deck: no slides and no {DECK_FILE} in it")
    wanted = not args.undo
    name = f"{deck.id} ({deck.title!r})" if deck.title != deck.id else deck.id
    if deck.retired == wanted and not deck.problems:
        state = "is already retired" if wanted else "is not retired: nothing to undo"
        print(visible(f"{name} {state}; nothing changed"))
        return 0
    if exists:
        _, problems = read_deck_file(meta)
        errors = [p for p in problems if p.is_error]
        if errors:
            more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
            raise BattledecksError(f"{errors[0]}{more}: fix it first; nothing changed")
        try:
            data, lines = load_yaml(meta)
            text = meta.read_bytes().decode("utf-8")  # as it is: line endings kept
        except (YamlFileError, OSError, ValueError) as error:
            raise BattledecksError(f"{meta}: cannot read: {error}") from None
        line = lines.get(("retired",))
    else:
        data, text, line = None, "", None
    target = meta.resolve() if meta.is_symlink() else meta
    try:
        atomic_write(target, with_retired(text, data, line, wanted))
    except OSError as error:
        raise BattledecksError(f"{meta}: cannot write: {error.strerror or error}") from None
    if wanted:
        print(visible(f"retired {name}: it will not be drawn"))
    else:
        print(visible(f"{name} is back: it can be drawn again"))
    return 0
