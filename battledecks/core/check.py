"""Checking decks and event files before the night: every problem, one line each.

A check reads and never writes: images are read into memory and decoded from
there, and nothing is cached on disk. It never shows a slide either: it only
reports what is wrong with one. Every failure, whatever raised it, becomes a
:class:`Problem` naming the file, so one bad file never hides the rest.

What is checked:

* a slide must decode as a PNG, JPEG, GIF, WebP or BMP image, whatever its
  name says, in full (a truncated file is caught), and be at most
  :data:`MAX_MEGAPIXELS`, so a decompression bomb is refused before decoding;
* small slides and slides far from 4:3..16:9 are warned about;
* the same image in two places is warned about;
* a deck must have the event's number of slides; stray files are warned about;
* a PDF deck must open (not encrypted or damaged) and have the right page
  count; pages far from 4:3..16:9 are warned about. Its pages are never drawn;
* an event file must be valid, its decks must check, and there must be enough
  drawable decks (and topics) for its presenters.

The draw uses :func:`failing_deck_ids`, so a deck that fails here is never drawn.
"""

from __future__ import annotations

import errno
import hashlib
import io
import os
import stat
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from PIL import Image, UnidentifiedImageError

from .decks import (
    DECK_FILE,
    Deck,
    DeckError,
    deck_id,
    is_hidden,
    is_slide_file,
    load_deck,
    load_pdf_deck,
    natural_key,
    read_deck_file,
)
from .draw import why_not
from .event import Event, is_record_file, parse_event, read_event
from .pdf import PdfError, is_pdf_file, read_pdf
from .problems import Problem, Severity
from .record import shown_at_other_events
from .yamlfile import Lines, YamlFileError, load_yaml

DEFAULT_SLIDES = 12
"""Slides a deck needs when no event says otherwise."""
MAX_MEGAPIXELS = 50
"""Larger images are refused unopened: a slide never needs more."""
MAX_FILE_BYTES = 200_000_000
"""Larger files are refused unread."""
MIN_WIDTH, MIN_HEIGHT = 640, 360
"""Smaller slides are warned about: they look blurry on a projector."""
MIN_RATIO, MAX_RATIO = 1.2, 2.0
"""Width / height outside this range is warned about: 4:3 is 1.33, 16:9 is 1.78."""

_FORMATS = ("PNG", "JPEG", "GIF", "WEBP", "BMP")
_FORMAT_NAMES = "PNG, JPEG, GIF, WebP or BMP"
_EVENT_SUFFIXES = (".yaml", ".yml")


def _error(path: Path, message: str, **kw: Any) -> Problem:
    return Problem(path, message, Severity.ERROR, **kw)


def _warning(path: Path, message: str, **kw: Any) -> Problem:
    return Problem(path, message, Severity.WARNING, **kw)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def os_problem(path: Path, error: OSError, what: str = "read") -> Problem:
    """Turn an operating-system error about ``path`` into one clear problem."""
    if error.errno == errno.ELOOP:
        return _error(path, "symbolic link loop")
    if error.errno in (errno.ENOENT, errno.ENOTDIR):
        if os.path.islink(path):
            try:
                target = os.readlink(path)
            except OSError:
                target = "?"
            return _error(path, f"broken symbolic link (points to {target}, which does not exist)")
        return _error(path, "no such file or folder")
    if error.errno in (errno.EACCES, errno.EPERM):
        return _error(path, f"cannot {what}: permission denied")
    return _error(path, f"cannot {what}: {error.strerror or error}")


# --- slides ----------------------------------------------------------------


@dataclass(frozen=True)
class SlideCheck:
    """What checking one slide image found."""

    path: Path
    problems: tuple[Problem, ...]
    digest: str | None = None
    """SHA-256 of the file's bytes, when they could be read: finds the same image twice."""
    size: tuple[int, int] | None = None
    """Width and height in pixels, when the image could be opened."""

    @property
    def ok(self) -> bool:
        return not any(p.is_error for p in self.problems)


# Keyed by the file's identity and stat, so a changed file is checked again.
_slide_cache: dict[tuple[object, ...], SlideCheck] = {}


def check_image(path: Path) -> SlideCheck:
    """Check one slide file: readable, a real image, safe to open, decodes in full.

    Results are kept for the life of the process, keyed by the file's size
    and modification time, so checking the same decks again is quick.
    """
    try:
        st = os.stat(path)
    except OSError as error:
        return SlideCheck(path, (os_problem(path, error),))
    key = (os.path.abspath(path), st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)
    cached = _slide_cache.get(key)
    if cached is not None:
        return cached if cached.path == path else replace(
            cached, path=path, problems=tuple(replace(p, path=path) for p in cached.problems)
        )
    result = _check_image(path, st.st_size)
    # Only stable answers are kept: a read error may be gone next time.
    if result.digest is not None:
        _slide_cache[key] = result
    return result


def _check_image(path: Path, size: int) -> SlideCheck:
    if size > MAX_FILE_BYTES:
        return SlideCheck(path, (_error(path, f"file is {size / 1e6:,.0f} MB: too large for a slide"),))
    try:
        with path.open("rb") as file:
            data = file.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        return SlideCheck(path, (os_problem(path, error),))
    digest = hashlib.sha256(data).hexdigest()
    try:
        problems, dims = _decode(path, data)
    except Exception as error:  # noqa: BLE001 - a decoder failing in any way is a damaged image
        problems, dims = [_error(path, f"damaged image: {error}")], None
    return SlideCheck(path, tuple(problems), digest, dims)


def _decode(path: Path, data: bytes) -> tuple[list[Problem], tuple[int, int] | None]:
    limit = MAX_MEGAPIXELS * 1_000_000
    too_large = f"too large to open safely (over {MAX_MEGAPIXELS} megapixels)"
    with warnings.catch_warnings():
        # Pillow only warns below twice its own limit; a bomb is an error here.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=_FORMATS) as image:
                width, height = image.size
                if width * height > limit:
                    return [_error(path, f"{width}×{height} is {width * height / 1e6:,.0f} megapixels: {too_large}")], None
                image.verify()
            # verify() leaves the image unusable and misses truncated JPEGs: decode for real,
            # at 1/8 scale where the format allows it (JPEG), to keep this quick.
            with Image.open(io.BytesIO(data), formats=_FORMATS) as image:
                image.draft(None, (max(1, width // 8), max(1, height // 8)))
                image.load()
                animated = bool(getattr(image, "is_animated", False))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            return [_error(path, too_large)], None
        except UnidentifiedImageError:
            return [_error(path, f"not a {_FORMAT_NAMES} image, whatever its name says")], None
        except Exception as error:  # noqa: BLE001 - Pillow raises many kinds for damaged data
            reason = str(error) or type(error).__name__
            return [_error(path, f"damaged image (truncated or corrupt): {reason}")], None
    problems: list[Problem] = []
    if width < MIN_WIDTH or height < MIN_HEIGHT:
        problems.append(_warning(
            path, f"small image {width}×{height} (under {MIN_WIDTH}×{MIN_HEIGHT}): will look blurry on a big screen"
        ))
    ratio = width / height
    if not MIN_RATIO <= ratio <= MAX_RATIO:
        problems.append(_warning(
            path, f"aspect ratio {width}×{height} ({ratio:.2f}:1) is far from 4:3..16:9: will be letterboxed"
        ))
    if animated:
        problems.append(_warning(path, "animated: only the first frame is shown"))
    return problems, (width, height)


class SameImages:
    """Finds the same image bytes in two places: share one across a whole check."""

    def __init__(self) -> None:
        self._first: dict[str, tuple[str, Path]] = {}

    def problems(self, slides: Iterable[SlideCheck]) -> list[Problem]:
        found = []
        for slide in slides:
            if slide.digest is None:
                continue
            real = os.path.realpath(slide.path)
            first = self._first.setdefault(slide.digest, (real, slide.path))
            if first[0] != real:
                found.append(_warning(slide.path, f"same image as {first[1]}"))
        return found


# --- decks -----------------------------------------------------------------


@dataclass(frozen=True)
class DeckCheck:
    """What checking one deck folder found."""

    path: Path
    deck: Deck | None
    """The deck as read; None when its folder could not be listed."""
    problems: tuple[Problem, ...]
    slides: tuple[SlideCheck, ...] = ()

    @property
    def id(self) -> str:
        return deck_id(self.path)

    @property
    def ok(self) -> bool:
        return self.deck is not None and not any(p.is_error for p in self.problems)


def _scan(folder: Path) -> list[os.DirEntry[str]]:
    """Visible entries of ``folder`` in natural order."""
    with os.scandir(folder) as entries:
        visible = [e for e in entries if not e.name.startswith(".")]
    return sorted(visible, key=lambda e: natural_key(e.name))


def _entry_kind(entry: os.DirEntry[str]) -> tuple[str, Problem | None]:
    """``"dir"``, ``"file"`` or ``"bad"`` (with the problem), following symbolic links.

    A link that loops or points nowhere is neither file nor folder: it is bad.
    """
    try:
        mode = os.stat(entry.path).st_mode
    except OSError as error:
        return "bad", os_problem(Path(entry.path), error)
    return ("dir" if stat.S_ISDIR(mode) else "file"), None


def _slide_count_problem(folder: Path, count: int, slides: int | None) -> Problem | None:
    if count == 0:
        needs = f", needs {slides}" if slides else ""
        return _error(folder, f"has no slides{needs}")
    if slides is not None and count != slides:
        return _error(folder, f"has {count} slides, needs {slides}")
    return None


def _pdf_deck_check(path: Path, slides: int | None) -> DeckCheck:
    """Check a PDF deck from its page count and page sizes; no page is drawn."""
    deck = load_pdf_deck(path)
    if not deck.ok:
        return DeckCheck(path, deck, deck.problems)
    try:
        info = read_pdf(path)
    except PdfError as error:
        return DeckCheck(path, deck, (_error(path, error.reason),))
    problems: list[Problem] = []
    count = _slide_count_problem(path, info.pages, slides)
    if count is not None:
        problems.append(count)
    odd: dict[str, list[int]] = {}
    for number, (width, height) in enumerate(info.page_sizes, 1):
        ratio = width / height if height > 0 else 0.0
        if not MIN_RATIO <= ratio <= MAX_RATIO:
            odd.setdefault(f"{width:.0f}×{height:.0f} pt ({ratio:.2f}:1)", []).append(number)
    for size, numbers in odd.items():
        which = f"page {numbers[0]}" if len(numbers) == 1 else (
            "every page" if len(numbers) == info.pages else f"{len(numbers)} pages ({', '.join(map(str, numbers[:3]))}"
            + (f" and {len(numbers) - 3} more)" if len(numbers) > 3 else ")")
        )
        problems.append(_warning(path, f"{which}: aspect ratio {size} is far from 4:3..16:9: will be letterboxed"))
    return DeckCheck(path, deck, tuple(problems))


def _deck_check(folder: Path, slides: int | None) -> DeckCheck:
    if is_pdf_file(folder) and os.path.isfile(folder):
        return _pdf_deck_check(folder, slides)
    try:
        entries = _scan(folder)
    except OSError as error:
        return DeckCheck(folder, None, (os_problem(folder, error, "read deck folder"),))
    problems: list[Problem] = []
    for entry in entries:
        path = Path(entry.path)
        if entry.name == DECK_FILE:
            continue  # read, and any problem with it reported, by load_deck
        kind, problem = _entry_kind(entry)
        if problem is not None:
            problems.append(problem)
        elif kind == "dir":
            problems.append(_warning(path, "folder inside a deck: ignored"))
        elif entry.name.casefold() in ("deck.yaml", "deck.yml"):
            problems.append(_warning(path, f"ignored: the deck's file must be named {DECK_FILE}"))
        elif not is_slide_file(path):
            problems.append(_warning(path, "not a slide image: ignored"))
    try:
        deck = load_deck(folder)
    except DeckError as error:
        return DeckCheck(folder, None, (_error(folder, str(error).removeprefix(f"{folder}: ")),))
    problems.extend(deck.problems)
    checked = tuple(check_image(p) for p in deck.slides)
    problems.extend(_grouped(folder, checked))
    count = _slide_count_problem(folder, len(deck.slides), slides)
    if count is not None:
        problems.insert(0, count)
    return DeckCheck(folder, deck, tuple(problems), checked)


def _grouped(folder: Path, slides: Sequence[SlideCheck]) -> list[Problem]:
    """The slides' problems, with a warning shared by several slides said once for the deck."""
    by_message: dict[str, list[Path]] = {}
    for slide in slides:
        for p in slide.problems:
            if not p.is_error:
                by_message.setdefault(p.message, []).append(slide.path)
    problems: list[Problem] = []
    said: set[str] = set()
    for slide in slides:
        for p in slide.problems:
            paths = by_message.get(p.message, [])
            if p.is_error or len(paths) == 1:
                problems.append(p)
            elif p.message not in said:
                said.add(p.message)
                names = ", ".join(q.name for q in paths[:3]) + (f" and {len(paths) - 3} more" if len(paths) > 3 else "")
                problems.append(_warning(folder, f"{len(paths)} slides ({names}): {p.message}"))
    return problems


def check_deck(deck: Deck | Path, slides: int | None = DEFAULT_SLIDES) -> list[Problem]:
    """Every problem with one deck: its folder, ``deck.yaml``, slide count and each slide.

    Args:
        deck: a loaded deck or a deck folder.
        slides: how many slides it must have; None to accept any number but none.
    """
    folder = deck.path if isinstance(deck, Deck) else deck
    try:
        return list(_deck_check(folder, slides).problems)
    except Exception as error:  # noqa: BLE001 - one deck never stops the check
        return [_error(folder, f"cannot check deck: {error}")]


def failing_deck_ids(decks: Iterable[Deck], slides: int) -> set[str]:
    """Ids of the decks with at least one error: these are never drawn."""
    return {d.id for d in decks if any(p.is_error for p in check_deck(d, slides))}


@dataclass(frozen=True)
class FolderCheck:
    """What checking a decks folder found."""

    path: Path
    decks: tuple[DeckCheck, ...]
    problems: tuple[Problem, ...]
    """Every problem: the folder's own, each deck's, and images found twice."""

    @property
    def failing(self) -> frozenset[str]:
        """Ids of decks with errors."""
        return frozenset(d.id for d in self.decks if not d.ok)


def check_decks_folder(
    folder: Path, slides: int | None = DEFAULT_SLIDES, *, same_images: SameImages | None = None
) -> FolderCheck:
    """Check every deck folder in a decks folder.

    Args:
        folder: the decks folder.
        slides: how many slides each deck must have.
        same_images: shared across calls to find an image repeated between folders.
    """
    same_images = same_images or SameImages()
    try:
        entries = _scan(folder)
    except OSError as error:
        return FolderCheck(folder, (), (os_problem(folder, error, "read decks folder"),))
    problems: list[Problem] = []
    decks: list[DeckCheck] = []
    # A folder and a PDF with the same id: the folder is the deck (as load_decks does).
    taken = {e.name for e in entries if _entry_kind(e)[0] == "dir"}
    for entry in entries:
        path = Path(entry.path)
        kind, problem = _entry_kind(entry)
        if kind == "file" and is_pdf_file(path):
            if path.stem in taken:
                problems.append(_warning(path, f"ignored: another deck has the id {path.stem!r}"))
                continue
            taken.add(path.stem)
            kind = "dir"
        if kind == "dir":
            try:
                deck = _deck_check(path, slides)
            except Exception as error:  # noqa: BLE001 - one deck never stops the check
                deck = DeckCheck(path, None, (_error(path, f"cannot check deck: {error}"),))
            decks.append(deck)
            problems.extend(deck.problems)
            problems.extend(same_images.problems(deck.slides))
        elif problem is not None:
            problems.append(problem)
        else:
            problems.append(_warning(path, "not a deck folder: ignored"))
    if not decks and not any(p.is_error for p in problems):
        problems.append(_error(folder, "no deck folders in it"))
    return FolderCheck(folder, tuple(decks), tuple(problems))


# --- events ----------------------------------------------------------------


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
            "path": str(self.path),
            "decks": str(self.decks),
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
    problems, summary, _ = _check_event(path, SameImages())
    return problems, summary


def _check_event(path: Path, same_images: SameImages) -> tuple[list[Problem], EventSummary | None, FolderCheck | None]:
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
    kw: dict[str, Any] = {"presenter": "", "slides": event.slides, "taken": set(), "failing": set(folder.failing)}
    available = [d for d in fine if why_not(d, shown_before=shown, **kw) is None]
    left_out = sum(1 for d in fine if why_not(d, shown_before=set(), **kw) is None) - len(available)
    presenters = len(event.presenters) if real_presenters else None
    enough = None if presenters is None else True
    if presenters is not None:
        line = lines.get(("presenters",))
        served = _most_served(event.presenters, available)
        if len(available) < presenters:
            enough = False
            problems.append(_error(
                path, f"{_plural(len(available), 'deck')} available to draw for {_plural(presenters, 'presenter')}",
                line=line, key="presenters",
            ))
        elif served < presenters:
            enough = False
            problems.append(_error(
                path, f"presenters made too many of the decks: only {served} of {presenters} "
                "can each draw a deck they did not make", line=line, key="presenters",
            ))
        if event.topics and len(event.topics) < presenters:
            enough = False
            problems.append(_error(
                path, f"{_plural(len(event.topics), 'topic')} for {_plural(presenters, 'presenter')}: "
                "each presenter draws one", line=lines.get(("topics",)), key="topics",
            ))
    summary = EventSummary(path, event.decks, event.slides, presenters, len(available), left_out, len(event.topics), enough)
    return problems, summary, folder


# --- any path ----------------------------------------------------------------


@dataclass
class CheckReport:
    """Everything one check found."""

    problems: list[Problem] = field(default_factory=list)
    events: list[EventSummary] = field(default_factory=list)
    decks: set[str] = field(default_factory=set)
    """Deck folders checked (real paths)."""
    slides: set[str] = field(default_factory=set)
    """Slide files checked (real paths)."""
    _said: set[tuple[object, ...]] = field(default_factory=set, repr=False)

    @property
    def errors(self) -> int:
        return sum(1 for p in self.problems if p.is_error)

    @property
    def warnings(self) -> int:
        return len(self.problems) - self.errors

    @property
    def ok(self) -> bool:
        return self.errors == 0

    def describe(self) -> str:
        """``3 errors, 2 warnings in 9 decks (108 slides)``."""
        text = f"{_plural(self.errors, 'error')}, {_plural(self.warnings, 'warning')} in {_plural(len(self.decks), 'deck')}"
        text += f" ({_plural(len(self.slides), 'slide')})"
        if self.events:
            text += f" and {_plural(len(self.events), 'event')}"
        return text

    def as_dict(self) -> dict[str, object]:
        return {
            "problems": [p.as_dict() for p in self.problems],
            "summary": {
                "errors": self.errors,
                "warnings": self.warnings,
                "decks": len(self.decks),
                "slides": len(self.slides),
                "events": len(self.events),
                "text": self.describe(),
            },
            "events": [e.as_dict() for e in self.events],
        }

    def _add(self, problems: Iterable[Problem]) -> None:
        # The same folder may be reached twice (given, and as an event's decks)
        # by different paths: say each problem once.
        for problem in problems:
            same = (os.path.realpath(problem.path), problem.line, problem.key, problem.severity, problem.message)
            if same not in self._said:
                self._said.add(same)
                self.problems.append(problem)

    def _count(self, decks: Iterable[DeckCheck]) -> None:
        for deck in decks:
            real = os.path.realpath(deck.path)
            self.decks.add(real)
            self.slides.update(os.path.realpath(s.path) for s in deck.slides)
            if deck.deck is not None and deck.deck.pdf is not None:
                self.slides.update(f"{real}#page{n}" for n in range(1, deck.deck.pdf_pages + 1))


def _looks_like_deck(names: list[str]) -> bool:
    return DECK_FILE in names or any(is_slide_file(Path(n)) for n in names)


def _is_deck_folder(entry: os.DirEntry[str]) -> bool:
    try:
        return _looks_like_deck([e.name for e in _scan(Path(entry.path))])
    except OSError:
        return False


def _folder_kind(folder: Path, entries: list[os.DirEntry[str]]) -> str:
    """``deck``, ``decks``, ``events`` or ``nothing``, from what the folder holds."""
    names = [e.name for e in entries]
    subfolders = [e for e in entries if _entry_kind(e)[0] == "dir"]
    if DECK_FILE in names:
        return "deck"
    if any(is_slide_file(Path(n)) for n in names):
        # Stray images beside deck folders do not make a decks folder a deck.
        for sub in subfolders:
            try:
                if _looks_like_deck([e.name for e in _scan(Path(sub.path))]):
                    return "decks"
            except OSError:
                continue
        return "deck"
    if any(n.lower().endswith(_EVENT_SUFFIXES) and not is_record_file(Path(n)) for n in names) and not any(
        is_pdf_file(Path(n)) for n in names
    ) and not any(_is_deck_folder(sub) for sub in subfolders):
        # An events folder: its subfolders (a rehearsal copy, a record's backup) are not decks.
        return "events"
    if subfolders or any(is_pdf_file(Path(n)) for n in names):
        return "decks"
    if any(n.lower().endswith(_EVENT_SUFFIXES) for n in names):
        return "events"
    return "nothing"


def _check_one(path: Path, report: CheckReport, slides: int | None, same_images: SameImages) -> None:
    try:
        is_dir = os.path.isdir(path)
        os.stat(path)
    except OSError as error:
        report._add([os_problem(path, error)])
        return
    if not is_dir:
        _check_file(path, report, slides, same_images)
        return
    try:
        entries = _scan(path)
    except OSError as error:
        report._add([os_problem(path, error, "read folder")])
        return
    kind = _folder_kind(path, entries)
    if kind == "deck":
        deck = _deck_check(path, slides if slides is not None else DEFAULT_SLIDES)
        report._count([deck])
        report._add(deck.problems)
        report._add(same_images.problems(deck.slides))
    elif kind == "decks":
        folder = check_decks_folder(path, slides if slides is not None else DEFAULT_SLIDES, same_images=same_images)
        report._count(folder.decks)
        report._add(folder.problems)
    elif kind == "events":
        for entry in entries:
            if entry.name.lower().endswith(_EVENT_SUFFIXES) and not is_record_file(Path(entry.name)):
                _check_file(Path(entry.path), report, slides, same_images)
    elif not entries:
        report._add([_error(path, "nothing to check: empty folder")])
    else:
        report._add([_error(path, "nothing to check: no slides, deck folders or event files in it")])


def _check_file(path: Path, report: CheckReport, slides: int | None, same_images: SameImages) -> None:
    name = path.name.lower()
    if name == DECK_FILE:
        report._add(read_deck_file(path)[1])
    elif is_record_file(path):
        report._add([_warning(path, "an event's record, not an event file: skipped")])
    elif name.endswith(_EVENT_SUFFIXES):
        problems, summary, folder = _check_event(path, same_images)
        report._add(problems)
        if summary is not None:
            report.events.append(summary)
        if folder is not None:
            report._count(folder.decks)
    elif is_pdf_file(path):
        deck = _pdf_deck_check(path, slides if slides is not None else DEFAULT_SLIDES)
        report._count([deck])
        report._add(deck.problems)
    elif is_slide_file(path):
        slide = check_image(path)
        report.slides.add(os.path.realpath(path))
        report._add(slide.problems)
        report._add(same_images.problems([slide]))
    else:
        report._add([_error(path, "not an event file (.yaml), a slide, a deck or a decks folder")])


def check_paths(paths: Sequence[Path], *, slides: int | None = None) -> CheckReport:
    """Check decks folders, deck folders, slides and event files; report every problem.

    What a path is comes from what it holds: a ``.yaml`` file is an event
    file; a folder with slide images or a ``deck.yaml`` is a deck; a folder of
    folders is a decks folder; a folder of ``.yaml`` files is checked event by event.

    Args:
        paths: what to check.
        slides: slides each deck needs, for decks not checked as part of an event
            (whose own ``slides`` applies); None for :data:`DEFAULT_SLIDES`.
    """
    report = CheckReport()
    same_images = SameImages()
    for path in paths:
        try:
            _check_one(Path(path), report, slides, same_images)
        except Exception as error:  # noqa: BLE001 - one path never stops the check
            report._add([_error(Path(path), f"cannot check: {type(error).__name__}: {error}")])
    return report
