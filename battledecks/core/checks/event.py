"""Checking an event: its file, its decks folder with the event's slide count, and the supply.

The supply is whether there is enough to draw from: decks that check, have
the right slide count, are not retired and were not shown at an earlier event
(unless the event reuses decks), at least one per presenter, with each
presenter able to get a deck they did not make; and one topic per presenter
when the event has topics.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..decks import Deck
from ..draw import why_not
from ..event import Event, parse_event, read_event
from ..problems import Problem, Severity, shown_path
from ..problems import error as _error
from ..record import shown_at_other_events
from ..words import plural as _plural
from ..yamlfile import Lines, YamlFileError, load_yaml
from .decks import FolderCheck, check_decks_folder
from .slides import SameImages


@dataclass(frozen=True)
class EventSummary:
    """Whether an event has enough to draw from."""

    path: Path
    decks: Path
    slides: int
    presenters: int | None
    """None when the presenters could not be read."""
    available: int
    """Decks that may be drawn: they check, have the right slide count, are not retired or seen."""
    shown_before: int
    """Decks left out because they were shown at an earlier event."""
    topics: int
    enough: bool | None
    """None when the presenters could not be read, so there is nothing to compare."""

    def describe(self) -> str:
        text = f"{_plural(self.available, 'deck')} available to draw"
        if self.shown_before:
            text += f" ({self.shown_before} more shown at earlier events)"
        if self.presenters is not None:
            text += f" for {_plural(self.presenters, 'presenter')}"
        if self.topics:
            text += f", {_plural(self.topics, 'topic')}"
        if self.enough is None:
            return f"{text} (presenters not counted: the event file has errors)"
        return f"{text}: {'enough' if self.enough else 'not enough'}"

    def as_dict(self) -> dict[str, object]:
        return {
            "path": shown_path(self.path),
            "decks": shown_path(self.decks),
            "slides": self.slides,
            "presenters": self.presenters,
            "available": self.available,
            "shown_before": self.shown_before,
            "topics": self.topics,
            "enough": self.enough,
            "summary": self.describe(),
        }


def _shown(path: Path) -> Path:
    """``path`` relative to the working folder when it is inside it: shorter to read."""
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


def _most_served(presenters: Sequence[str], decks: Sequence[Deck]) -> int:
    """How many presenters can each get a different deck they did not make (a matching)."""
    holder: dict[str, str] = {}

    def assign(presenter: str, tried: set[str]) -> bool:
        for deck in decks:
            if deck.id in tried or presenter.casefold() in {a.casefold() for a in deck.authors}:
                continue
            tried.add(deck.id)
            if deck.id not in holder or assign(holder[deck.id], tried):
                holder[deck.id] = presenter
                return True
        return False

    return sum(assign(p, set()) for p in presenters)


def _usable_event(path: Path, data: Any, lines: Lines) -> tuple[Event | None, bool]:
    """An event good enough to check its decks, even when other keys have errors.

    Returns the event and whether its presenters are the real ones.
    """
    if not isinstance(data, dict):
        return None, False
    part = {k: data[k] for k in ("decks", "slides", "presenters", "topics") if k in data}
    part["name"] = "check"
    attempts = [part, {k: v for k, v in part.items() if k != "topics"}]
    attempts.append({**attempts[1], "presenters": ["?"]})
    for index, attempt in enumerate(attempts):
        event, _ = parse_event(path, attempt, lines)
        if event is not None:
            return event, index < 2
    return None, False


def check_event(path: Path) -> tuple[list[Problem], EventSummary | None]:
    """Check an event file, its decks folder with the event's slide count, and the supply.

    Returns:
        Every problem, and the supply summary when the decks folder could be checked.
    """
    problems, summary, _ = check_event_file(path, SameImages())
    return problems, summary


def check_event_file(
    path: Path, same_images: SameImages
) -> tuple[list[Problem], EventSummary | None, FolderCheck | None]:
    event, problems = read_event(path)
    try:
        data, lines = load_yaml(path)
    except YamlFileError:
        return problems, None, None
    real_presenters = True
    if event is None:
        event, real_presenters = _usable_event(path, data, lines)
        if event is None:
            return problems, None, None
    folder = check_decks_folder(_shown(event.decks), event.slides, same_images=same_images)
    problems.extend(folder.problems)
    shown: set[str] = set()
    if not event.reuse:
        shown, record_problems = shown_at_other_events(path)
        # An unreadable record of another event must not stop this one.
        problems.extend(replace(p, severity=Severity.WARNING) for p in record_problems)
    fine = [d.deck for d in folder.decks if d.deck is not None]
    failing = set(folder.failing)

    def drawable(deck: Deck, shown_before: set[str]) -> bool:
        return (
            why_not(deck, presenter="", slides=event.slides, taken=set(), shown_before=shown_before, failing=failing)
            is None
        )

    available = [d for d in fine if drawable(d, shown)]
    left_out = sum(1 for d in fine if drawable(d, set())) - len(available)
    presenters = len(event.presenters) if real_presenters else None
    enough = None if presenters is None else True
    if presenters is not None:
        line = lines.get(("presenters",))
        served = _most_served(event.presenters, available)
        if len(available) < presenters:
            enough = False
            problems.append(
                _error(
                    path,
                    f"{_plural(len(available), 'deck')} available to draw for {_plural(presenters, 'presenter')}",
                    line=line,
                    key="presenters",
                )
            )
        elif served < presenters:
            enough = False
            problems.append(
                _error(
                    path,
                    f"presenters made too many of the decks: only {served} of {presenters} "
                    "can each draw a deck they did not make",
                    line=line,
                    key="presenters",
                )
            )
        if event.topics and len(event.topics) < presenters:
            enough = False
            problems.append(
                _error(
                    path,
                    f"{_plural(len(event.topics), 'topic')} for {_plural(presenters, 'presenter')}: "
                    "each presenter draws one",
                    line=lines.get(("topics",)),
                    key="topics",
                )
            )
    summary = EventSummary(
        path, event.decks, event.slides, presenters, len(available), left_out, len(event.topics), enough
    )
    return problems, summary, folder
