"""Slide checks kept between runs, and made on every core when there are many.

Checking a slide decodes it in full, which is what makes a check of a big
library slow. A slide's result depends only on its bytes, so it is kept in
the user's cache folder (``checks.json``), keyed by the file's real path,
device, inode, size and modification time: a changed, replaced, added or
removed file is never taken for the one that was checked, and an unchanged
library is re-checked with one ``stat`` per file. What each deck's
``deck.yaml`` says (its fields and problems) is kept the same way, so an
unchanged library's deck files are not parsed again either.

The slides that are not in the cache are checked on one thread per core:
Pillow decodes and hashlib hashes with the interpreter lock released, so a
first check of a big library uses the whole machine. (Threads, not worker
processes: the app checks its decks while Textual holds the terminal and
the standard streams, where starting processes fails.)

The cache is only ever a shortcut: a cache file that cannot be read or
written is ignored, and the drawn deck is decoded in full again before its
talk whatever the cache says (see :meth:`battledecks.core.show.Show.verify_deck`).
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from platformdirs import user_cache_dir

from .. import decks
from ..atomic import atomic_write
from ..decks import DeckFile
from ..problems import Problem, Severity
from . import slides
from .slides import SlideCheck, check_image

FORMAT = 1
"""Version of the cache file; another version is ignored."""

PARALLEL_FROM = 24
"""Fewer unchecked slides than this are checked one by one: starting threads would cost more."""

Progress = Callable[[int, int], None]
"""Told (slides done, slides to check) as the check goes."""

_lock = threading.Lock()
_loaded: set[Path] = set()
_dirty = False
_deck_files_read = 0
"""Deck files known when the cache file was last read or written: more means it is worth writing."""
enabled = True
"""Whether results are read from and written to the cache file (``check --no-cache`` turns it off)."""


def cache_file() -> Path:
    return Path(user_cache_dir("battledecks")) / "checks.json"


def _problems_out(problems: Iterable[Problem]) -> list[list[object]]:
    return [[p.severity.value, p.message, p.line, p.key] for p in problems]


def _problems_in(path: Path, rows: object) -> tuple[Problem, ...]:
    assert isinstance(rows, list)
    return tuple(
        Problem(path, str(message), Severity(severity), line, key_name) for severity, message, line, key_name in rows
    )


def _encode(key: tuple[object, ...], check: SlideCheck) -> list[object]:
    return [list(key), check.digest, list(check.size) if check.size else None, _problems_out(check.problems)]


def _decode(row: list[object]) -> tuple[tuple[object, ...], SlideCheck]:
    key_list, digest, size, problems = row
    assert isinstance(key_list, list)
    key = tuple(key_list)
    path = Path(str(key[0]))
    made = _problems_in(path, problems)
    dims = (int(size[0]), int(size[1])) if isinstance(size, list) else None
    return key, SlideCheck(path, made, str(digest) if digest is not None else None, dims)


def _encode_deck_file(key: tuple[object, ...], said: DeckFile) -> list[object]:
    fields, problems = said
    return [list(key), {k: list(v) if isinstance(v, tuple) else v for k, v in fields.items()}, _problems_out(problems)]


def _decode_deck_file(row: list[object]) -> tuple[tuple[object, ...], DeckFile]:
    key_list, fields, problems = row
    assert isinstance(key_list, list) and isinstance(fields, dict)
    key = tuple(key_list)
    kept = {str(k): tuple(v) if isinstance(v, list) else v for k, v in fields.items()}
    return key, (kept, _problems_in(Path(str(key[0])), problems))


def load(path: Path | None = None) -> int:
    """Read the cache file into this process's slide checks, once; returns how many were read."""
    path = path or cache_file()
    with _lock:
        if not enabled or path in _loaded:
            return 0
        _loaded.add(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return 0
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("slides"), list):
        return 0
    read = 0
    for row in data["slides"]:
        try:
            key, check = _decode(row)
        except (AssertionError, TypeError, ValueError, IndexError):
            continue
        slides.remember(key, check)
        read += 1
    global _deck_files_read
    for row in data.get("deck_files") or ():
        try:
            key, said = _decode_deck_file(row)
        except (AssertionError, TypeError, ValueError, IndexError):
            continue
        decks.remember_deck_file(key, said)
    _deck_files_read = len(decks.remembered_deck_files())
    return read


def save(path: Path | None = None) -> None:
    """Write this process's slide checks to the cache file, if any were made; never fails."""
    global _dirty, _deck_files_read
    deck_files = decks.remembered_deck_files()
    if not enabled or not (_dirty or len(deck_files) != _deck_files_read):
        return
    path = path or cache_file()
    rows = [_encode(key, check) for key, check in slides.remembered() if Path(str(key[0])).exists()]
    deck_rows = [_encode_deck_file(key, said) for key, said in deck_files if Path(str(key[0])).exists()]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(
            {"format": FORMAT, "slides": rows, "deck_files": deck_rows}, ensure_ascii=False, separators=(",", ":")
        )
        atomic_write(path, text)
    except (OSError, ValueError):
        return
    _dirty = False
    _deck_files_read = len(deck_files)


def _check_many(paths: list[Path]) -> list[SlideCheck]:
    """Worker: check a batch of slides."""
    return [check_image(p) for p in paths]


def warm(paths: Iterable[Path], *, workers: int | None = None, progress: Progress | None = None) -> int:
    """Check every slide in ``paths`` not already known, on every core; returns how many were checked.

    Afterwards :func:`~battledecks.core.slides.check_image` answers for
    each of them from memory, so the check that follows is quick.
    """
    global _dirty
    load()
    todo = [p for p in dict.fromkeys(paths) if not slides.known(p)]
    total = len(todo)
    if progress is not None:
        progress(0, total)
    if not todo:
        return 0
    _dirty = True
    workers = workers or os.cpu_count() or 1
    if total < PARALLEL_FROM or workers < 2:
        for done, path in enumerate(todo, 1):
            check_image(path)
            if progress is not None:
                progress(done, total)
        return total
    from concurrent.futures import ThreadPoolExecutor, as_completed

    size = max(1, min(16, total // (workers * 4)))
    batches = [todo[i : i + size] for i in range(0, total, size)]
    done = 0
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="check") as pool:
        futures = {pool.submit(_check_many, batch): batch for batch in batches}
        for future in as_completed(futures):
            future.result()
            done += len(futures[future])
            if progress is not None:
                progress(done, total)
    return total


def slides_of(folders: Sequence[Path]) -> list[Path]:
    """The slide files in deck folders (PDF decks have none to check here)."""
    is_slide_file = decks.is_slide_file
    found: list[Path] = []
    for folder in folders:
        try:
            with os.scandir(folder) as entries:
                found.extend(
                    Path(e.path) for e in entries if not e.name.startswith(".") and is_slide_file(Path(e.path))
                )
        except OSError:
            continue
    return found
