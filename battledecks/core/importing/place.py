"""Importing decks: PDFs, PowerPoint and OpenDocument files, folders and zips of images.

Each source becomes a deck folder of normalized slides (``slide01.png`` ...,
at most :data:`MAX_SIZE`, aspect kept, never enlarged; a photo-like slide is
kept as a high-quality JPEG when that is much smaller) and a ``deck.yaml``.

Nothing half-made ever shows in the decks folder: every deck is built in a
hidden folder inside it (hidden folders are not decks), and only when every
source has been built are they renamed into place. A failure or an interrupt
removes the hidden folders; a process killed outright may leave one, which
nothing reads.

PowerPoint and OpenDocument files are first turned into a PDF by LibreOffice
(``soffice --headless --convert-to pdf``), with a user profile of its own so
that imports can run side by side.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import signal
import subprocess
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

import yaml
from PIL import Image

from ..atomic import fsync_dir
from ..decks import DECK_FILE, IMAGE_SUFFIXES, is_hidden, is_slide_file, natural_key, read_deck_file
from ..images import FORMAT_NAMES, MAX_PIXELS, ImageRefused, flat_colour, load_image, too_large_file
from ..pdf import PdfError, is_pdf_file, read_pdf, render_pages
from ..problems import BattledecksError, shown_path
from ..words import plural, slugify, some_names

MAX_SIZE = (1920, 1080)
"""Largest slide kept: larger ones are scaled down to fit, aspect kept; smaller ones are left as they are."""

OFFICE_SUFFIXES = frozenset({".pptx", ".pptm", ".ppt", ".ppsx", ".ppsm", ".pps", ".odp"})
"""Presentation files LibreOffice converts (macros in .pptm are never run: only the slides are drawn)."""

ZIP_SUFFIX = ".zip"

MAX_ZIP_MEMBERS = 2000
"""A zip listing more entries than this is refused unopened."""
MAX_ZIP_BYTES = 1_000_000_000
"""A zip whose images would unpack to more than this is refused unopened (a zip bomb)."""
MAX_IMAGE_PIXELS = MAX_PIXELS
"""An image larger than this is refused before it is decoded (a decompression bomb)."""

JPEG_QUALITY = 92
JPEG_GAIN = 0.5
"""A photo-like slide is kept as JPEG only when that is at most this fraction of the PNG."""
_PHOTO_COLOURS = 4096
"""A slide with more distinct colours than this (at thumbnail size) looks like a photo."""

CONVERT_TIMEOUT = 300.0
"""Seconds LibreOffice may take to convert one file."""

INSTALL_LIBREOFFICE = (
    "install LibreOffice (Debian/Ubuntu: apt-get install libreoffice-impress; "
    "macOS: brew install --cask libreoffice), or export the slides as a PDF and import that"
)

_IMAGE_NAMES = FORMAT_NAMES

Progress = Callable[[str, int, int | None], None]
"""Told (what is being done, slides done, slides in all or None while unknown)."""


class ImportFailed(BattledecksError):
    """A source that cannot be imported; the text names the file and the reason."""


@dataclass(frozen=True)
class Source:
    """One thing to import, and the deck it becomes."""

    path: Path
    kind: str
    """``pdf``, ``office``, ``zip`` or ``folder``."""
    id: str
    """The new deck's id: its folder name in the decks folder."""


@dataclass
class Built:
    """A deck built in its hidden folder, not yet in place."""

    source: Source
    work: Path
    title: str
    slides: int
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Imported:
    """A deck that is now in the decks folder."""

    id: str
    path: Path
    title: str
    slides: int
    source: Path
    replaced: bool
    notes: tuple[str, ...] = ()
    """Things worth saying about the source: files skipped and why."""


def slug(name: str) -> str:
    """A deck id from a file name: lowercase ASCII words joined by hyphens."""
    return slugify(name)


def title_from_name(name: str) -> str:
    """A readable title from a file name without its ending: underscores become spaces."""
    return " ".join(name.replace("_", " ").split()) or name


def source_kind(path: Path) -> str:
    """What a source is, from what it is on disk and its name.

    Raises:
        ImportFailed: it does not exist, or is no kind of deck.
    """
    try:
        if path.is_dir():
            return "folder"
        if not path.exists():
            raise ImportFailed(f"{path}: no such file or folder")
        if not path.is_file():
            raise ImportFailed(f"{path}: not a file or a folder")
    except OSError as error:
        raise ImportFailed(f"{path}: cannot read: {error.strerror or error}") from None
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return "pdf"
    if suffix in OFFICE_SUFFIXES:
        return "office"
    if suffix == ZIP_SUFFIX:
        return "zip"
    raise ImportFailed(
        f"{path}: cannot import {f'a {suffix} file' if suffix else 'a file with no ending'}: give a PDF, a PowerPoint or "
        "OpenDocument file (.pptx, .pptm, .ppsx, .ppt, .odp), a zip or a folder of images"
    )


def check_id(deck_id: str) -> str:
    """A deck id given by hand, if it can be a folder name in a decks folder.

    Raises:
        ImportFailed: it cannot.
    """
    if not deck_id.strip() or deck_id != deck_id.strip():
        raise ImportFailed(f"deck id {deck_id!r}: must not be empty or start or end with spaces")
    if "/" in deck_id or "\\" in deck_id or "\0" in deck_id or deck_id in (".", ".."):
        raise ImportFailed(f"deck id {deck_id!r}: must be a plain folder name")
    if deck_id.startswith("."):
        raise ImportFailed(f"deck id {deck_id!r}: must not start with a dot (hidden folders are not decks)")
    if len(deck_id.encode()) > 200:
        raise ImportFailed(f"deck id {deck_id!r}: too long")
    return deck_id


def plan(sources: Sequence[Path], into: Path, *, deck_id: str | None = None, replace: bool = False) -> list[Source]:
    """What each source is and which deck it becomes, refusing before anything is written.

    Raises:
        ImportFailed: a source is missing or of no known kind, two sources would
            make the same deck, or a deck is already there (without ``replace``).
    """
    if not sources:
        raise ImportFailed("nothing to import")
    if deck_id is not None and len(sources) > 1:
        raise ImportFailed("--id names one deck: give one source with it")
    planned: list[Source] = []
    for path in sources:
        kind = source_kind(path)
        if deck_id is not None:
            new_id = check_id(deck_id)
        else:
            new_id = slug(path.resolve().name if kind == "folder" else path.stem)
        planned.append(Source(path, kind, new_id))
    seen: dict[str, Path] = {}
    for source in planned:
        if source.id in seen:
            raise ImportFailed(
                f"{source.path}: would be deck {source.id!r}, like {seen[source.id]}: import them one at a time with --id"
            )
        seen[source.id] = source.path
        _refuse_existing(source, into, replace)
    return planned


def _refuse_existing(source: Source, into: Path, replace: bool) -> None:
    target = into / source.id
    if into.is_dir():
        for entry in into.iterdir():
            if is_pdf_file(entry) and entry.stem == source.id and entry.is_file():
                raise ImportFailed(
                    f"{entry}: already deck {source.id!r} in {into}: give {source.path} another --id, "
                    "or move that PDF out of the decks folder"
                )
    if target.is_symlink() or target.exists():
        if not target.is_dir() or target.is_symlink():
            raise ImportFailed(f"{target}: is in the way and is not a deck folder: move it or give another --id")
        if not replace:
            raise ImportFailed(f"{target}: deck {source.id!r} is already there: add --replace to replace it, or give another --id")


# --- slides -------------------------------------------------------------------


def normalize(image: Image.Image) -> Image.Image:
    """A slide picture ready to keep: RGB, shrunk to fit :data:`MAX_SIZE` if larger."""
    if image.width > MAX_SIZE[0] or image.height > MAX_SIZE[1]:
        image.thumbnail(MAX_SIZE, Image.Resampling.LANCZOS)
    return image


def _photo_like(image: Image.Image) -> bool:
    small = image.copy()
    small.thumbnail((320, 320))
    return small.getcolors(maxcolors=_PHOTO_COLOURS) is None


def encode(image: Image.Image) -> tuple[bytes, str]:
    """The bytes to keep for a normalized slide and their file ending (``.png`` or ``.jpg``).

    PNG keeps text and drawings sharp; a photo-like slide is kept as JPEG
    (quality 92, full colour resolution) when that is much smaller.
    """
    png = png_bytes(image)
    if _photo_like(image):
        jpeg = io.BytesIO()
        image.save(jpeg, format="JPEG", quality=JPEG_QUALITY, subsampling=0, optimize=True)
        if jpeg.tell() <= len(png) * JPEG_GAIN:
            return jpeg.getvalue(), ".jpg"
    return png, ".png"


def png_bytes(image: Image.Image) -> bytes:
    """``image`` as a PNG file's bytes."""
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=6)
    return out.getvalue()


def read_slide(source: Path | IO[bytes], name: str) -> Image.Image:
    """Decode one slide picture safely (see :mod:`battledecks.core.images`) at the size kept.

    Raises:
        ImportFailed: not an image, damaged, empty or too large to open safely; the text starts with ``name``.
    """
    try:
        return load_image(source, need=MAX_SIZE)
    except ImageRefused as refusal:
        raise ImportFailed(f"{name}: {refusal.reason}") from None
    except OSError as error:
        raise ImportFailed(f"{name}: cannot read: {error.strerror or error}") from None


class _Writer:
    """Writes one deck's slides, in order, into its hidden folder."""

    def __init__(self, work: Path, total: int, what: str, progress: Progress | None) -> None:
        self.work = work
        self.total = total
        self.what = what
        self.progress = progress
        self.done = 0
        self.digits = max(2, len(str(total)))
        self.blank: list[str] = []
        """Names of slides that are one flat colour."""

    def add(self, image: Image.Image, name: str, label: str) -> None:
        """Keep one slide; ``name`` says where it came from in an error, ``label`` in a note."""
        try:
            image = normalize(image)
            if flat_colour(image):
                self.blank.append(label)
            data, suffix = encode(image)
        except Exception as error:  # noqa: BLE001 - Pillow fails on odd pictures in many ways
            raise ImportFailed(f"{name}: cannot be kept as a slide: {error or type(error).__name__}") from None
        path = self.work / f"slide{self.done + 1:0{self.digits}d}{suffix}"
        with path.open("wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        self.done += 1
        if self.progress is not None:
            self.progress(self.what, self.done, self.total)

    def blank_note(self, what: str, notes: list[str]) -> None:
        """Add a note naming the slides that came out blank (one flat colour), if any."""
        if self.blank:
            one = len(self.blank) == 1
            notes.append(f"{what}{'' if one else 's'} {some_names(self.blank)} {'is' if one else 'are'} "
                         "blank (one flat colour): check the source")


def _pdf_slides(pdf: Path, work: Path, what: str, progress: Progress | None, shown_as: Path,
                notes: list[str]) -> tuple[int, str | None]:
    """Draw each page of ``pdf`` as a slide; returns the count and the PDF's own title."""
    try:
        info = read_pdf(pdf)
        writer = _Writer(work, info.pages, what, progress)
        with closing(render_pages(pdf, MAX_SIZE)) as pages:
            for number, page in enumerate(pages, 1):
                writer.add(page, f"{shown_as}: page {number}", str(number))
    except PdfError as error:
        raise ImportFailed(f"{shown_as}: {error.reason}") from None
    writer.blank_note("page", notes)
    return writer.done, info.title


_SLIDE_LISTS = {
    # Office Open XML: the presentation part lists each slide as <p:sldId .../>.
    "ppt/presentation.xml": re.compile(rb"<(?:\w+:)?sldId\b"),
    # OpenDocument: each slide is a <draw:page ...> in the content.
    "content.xml": re.compile(rb"<(?:\w+:)?page\b"),
}
_MAX_LIST_BYTES = 50_000_000
"""A slide list larger than this is not read (it is no presentation made by hand)."""


def refuse_empty_presentation(path: Path) -> None:
    """Refuse a presentation that has no slides, before LibreOffice makes one blank page of it.

    Reads the slide list of a zipped presentation (.pptx, .pptm, .ppsx, .odp);
    an older binary file (.ppt) is left to LibreOffice.

    Raises:
        ImportFailed: the presentation lists no slides.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            for part, pattern in _SLIDE_LISTS.items():
                try:
                    info = archive.getinfo(part)
                except KeyError:
                    continue
                if info.file_size > _MAX_LIST_BYTES:
                    return
                if pattern.search(archive.read(info)) is None:
                    raise ImportFailed(f"{path}: the presentation has no slides")
                return
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, RuntimeError, NotImplementedError, EOFError):
        return  # not a zipped presentation (or a damaged one): LibreOffice says what it makes of it


def find_soffice() -> str | None:
    """LibreOffice's command, if it is installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_pdf(path: Path, out_dir: Path, *, soffice: str | None = None, timeout: float = CONVERT_TIMEOUT) -> Path:
    """Turn a presentation into a PDF in ``out_dir`` with LibreOffice.

    LibreOffice runs headless with a fresh user profile in ``out_dir``, so two
    conversions never share (or lock) one. It is stopped, with every process it
    started, after ``timeout`` seconds or on an interrupt.

    Raises:
        ImportFailed: LibreOffice is not installed, fails, or takes too long.
    """
    command = soffice or find_soffice()
    if command is None:
        raise ImportFailed(f"{path}: importing {path.suffix} files needs LibreOffice, which is not installed: {INSTALL_LIBREOFFICE}")
    profile = out_dir / "profile"
    converted = out_dir / "pdf"
    converted.mkdir(parents=True, exist_ok=True)
    # A plain copy: LibreOffice's output is named after its input, and a name like "-x.pptx" would read as an option.
    local = out_dir / f"slides{path.suffix.lower()}"
    try:
        shutil.copyfile(path, local)
    except OSError as error:
        raise ImportFailed(f"{path}: cannot read: {error.strerror or error}") from None
    args = [
        command, f"-env:UserInstallation={profile.resolve().as_uri()}", "--headless", "--norestore",
        "--convert-to", "pdf", "--outdir", str(converted), str(local),
    ]
    try:
        process = subprocess.Popen(
            args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
        )
    except OSError as error:
        raise ImportFailed(f"{path}: cannot run LibreOffice ({command}): {error.strerror or error}") from None
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _stop(process)
        raise ImportFailed(f"{path}: LibreOffice took more than {timeout:.0f} s to convert it") from None
    except BaseException:
        _stop(process)
        raise
    result = converted / "slides.pdf"
    if process.returncode != 0 or not result.is_file():
        said = [line.strip() for line in (err + out).decode("utf-8", "replace").splitlines() if line.strip()]
        said = [line for line in said if "javaldx" not in line]
        reason = said[-1] if said else f"exit status {process.returncode}"
        raise ImportFailed(f"{path}: LibreOffice could not convert it: {reason}")
    return result


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Kill a LibreOffice run and the processes it started."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    process.wait()


def _not_slides(names: Sequence[str]) -> str:
    if len(names) == 1:
        return f"skipped 1 file that is not a slide image ({names[0]})"
    return f"skipped {len(names)} files that are not slide images ({some_names(names)})"


def _zip_members(path: Path, archive: zipfile.ZipFile, notes: list[str]) -> list[zipfile.ZipInfo]:
    infos = archive.infolist()
    if len(infos) > MAX_ZIP_MEMBERS:
        raise ImportFailed(f"{path}: lists {len(infos)} files, more than {MAX_ZIP_MEMBERS}: refused unopened")
    images: list[zipfile.ZipInfo] = []
    unsafe: list[str] = []
    other: list[str] = []
    for info in infos:
        if info.is_dir():
            continue
        name = info.filename.replace("\\", "/")
        parts = PurePosixPath(name).parts
        if name.startswith("/") or ".." in parts or (parts and ":" in parts[0]):
            unsafe.append(info.filename)
        elif any(p.startswith(".") or p == "__MACOSX" for p in parts):
            continue
        elif PurePosixPath(name).suffix.lower() in IMAGE_SUFFIXES:
            images.append(info)
        else:
            other.append(info.filename)
    if unsafe:
        notes.append(f"skipped {plural(len(unsafe), 'entry', 'entries')} with an unsafe path ({some_names(unsafe)})")
    if other:
        notes.append(_not_slides(other))
    if not images:
        raise ImportFailed(f"{path}: no slide images in it ({_IMAGE_NAMES})")
    for info in images:
        refused = too_large_file(info.file_size)
        if refused is not None:
            raise ImportFailed(f"{path}: {info.filename}: {refused}: refused unopened")
    total = sum(info.file_size for info in images)
    if total > MAX_ZIP_BYTES:
        raise ImportFailed(f"{path}: its images would unpack to {total / 1e6:,.0f} MB, more than {MAX_ZIP_BYTES / 1e6:,.0f} MB: refused")
    return sorted(images, key=lambda i: natural_key(i.filename))


def _zip_slides(path: Path, work: Path, what: str, progress: Progress | None, notes: list[str]) -> int:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError):
        raise ImportFailed(f"{path}: not a zip file, or a damaged one") from None
    except OSError as error:
        raise ImportFailed(f"{path}: cannot read: {error.strerror or error}") from None
    with archive:
        members = _zip_members(path, archive, notes)
        writer = _Writer(work, len(members), what, progress)
        budget = MAX_ZIP_BYTES
        spool = work / ".member"
        for info in members:
            name = f"{path}: {info.filename}"
            # Never more than the zip says, and never more than the budget: a lying zip stops here.
            size = _unpack(archive, info, spool, min(info.file_size, budget), name)
            budget -= size
            try:
                writer.add(read_slide(spool, name), name, info.filename)
            finally:
                spool.unlink(missing_ok=True)
        writer.blank_note("slide", notes)
    return writer.done


def _unpack(archive: zipfile.ZipFile, info: zipfile.ZipInfo, spool: Path, limit: int, name: str) -> int:
    """Copy one member to ``spool`` in pieces, stopping past ``limit`` bytes; returns its size."""
    size = 0
    try:
        with archive.open(info) as member, spool.open("wb") as out:
            while block := member.read(min(1 << 20, limit + 1 - size)):
                size += len(block)
                if size > limit:
                    raise ImportFailed(f"{name}: larger than the zip says: refused")
                out.write(block)
    except RuntimeError:
        raise ImportFailed(f"{name}: password protected") from None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as error:
        raise ImportFailed(f"{name}: damaged in the zip: {error}") from None
    return size


def _folder_slides(path: Path, work: Path, what: str, progress: Progress | None, notes: list[str]) -> int:
    try:
        entries = sorted((p for p in path.iterdir() if not is_hidden(p)), key=lambda p: natural_key(p.name))
    except OSError as error:
        raise ImportFailed(f"{path}: cannot read folder: {error.strerror or error}") from None
    slides = [p for p in entries if is_slide_file(p) and p.is_file()]
    other = [p.name for p in entries if p not in slides and p.name != DECK_FILE]
    if other:
        notes.append(_not_slides(other))
    if not slides:
        raise ImportFailed(f"{path}: no slide images in it ({_IMAGE_NAMES})")
    writer = _Writer(work, len(slides), what, progress)
    for slide in slides:
        writer.add(read_slide(slide, shown_path(slide)), shown_path(slide), shown_path(slide.name))
    writer.blank_note("slide", notes)
    return writer.done


def _folder_meta(path: Path) -> dict[str, object]:
    """The fields of a source folder's own ``deck.yaml``, when it has a valid one."""
    meta = path / DECK_FILE
    if not meta.is_file():
        return {}
    fields, problems = read_deck_file(meta)
    if any(p.is_error for p in problems):
        raise ImportFailed(f"{problems[0]}")
    return fields


# --- decks --------------------------------------------------------------------


def build(source: Source, into: Path, *, progress: Progress | None = None, soffice: str | None = None,
          timeout: float = CONVERT_TIMEOUT) -> Built:
    """Build one deck's slides in a hidden folder inside ``into``; its ``deck.yaml`` is written by :func:`finish`.

    On any failure or interrupt the hidden folder is removed before the error goes on.
    """
    work = Path(tempfile.mkdtemp(prefix=f".import-{source.id[:40]}-", dir=into))
    try:
        built = Built(source, work, title=title_from_name(source.path.stem), slides=0)
        what = source.path.name
        if source.kind == "pdf":
            built.slides, pdf_title = _pdf_slides(source.path, work, what, progress, source.path, built.notes)
            built.title = pdf_title or built.title
        elif source.kind == "office":
            refuse_empty_presentation(source.path)
            if progress is not None:
                progress(f"{what} (LibreOffice)", 0, None)
            with tempfile.TemporaryDirectory(prefix="battledecks-office-") as scratch:
                pdf = convert_to_pdf(source.path, Path(scratch), soffice=soffice, timeout=timeout)
                built.slides, pdf_title = _pdf_slides(pdf, work, what, progress, source.path, built.notes)
            # LibreOffice's title is the presentation's own, when it has one.
            built.title = pdf_title if pdf_title and pdf_title != "slides" else built.title
        elif source.kind == "zip":
            built.slides = _zip_slides(source.path, work, what, progress, built.notes)
        else:
            built.title = title_from_name(source.path.resolve().name)
            built.slides = _folder_slides(source.path, work, what, progress, built.notes)
        return built
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise


def _deck_yaml(built: Built, title: str | None, authors: Sequence[str]) -> tuple[str, str]:
    """The new deck's ``deck.yaml`` text and its title."""
    meta: dict[str, Any] = {}
    if built.source.kind == "folder":
        meta.update(_folder_meta(built.source.path))
    meta["title"] = title or meta.get("title") or built.title
    if authors:
        meta["authors"] = list(authors)
    meta.setdefault("notes", f"imported from {built.source.path.name}")
    order = ("title", "authors", "tags", "notes", "retired")
    fields = {k: list(v) if isinstance(v := meta[k], tuple) else v for k in order if k in meta and meta[k] not in ((), [], "")}
    return yaml.safe_dump(fields, sort_keys=False, allow_unicode=True, width=1000), str(fields["title"])


def _place(built: Built, into: Path, replace: bool) -> Path | None:
    """Rename a built deck into place.

    Returns:
        The hidden folder the deck it replaced was moved to (None if it replaced
        none): removed by the caller once every deck is in place, or moved back.
    """
    target = into / built.source.id
    if not (target.exists() or target.is_symlink()):
        os.rename(built.work, target)
        return None
    if not replace:
        raise ImportFailed(f"{target}: deck {built.source.id!r} appeared meanwhile: add --replace to replace it")
    old = Path(tempfile.mkdtemp(prefix=f".replaced-{built.source.id[:40]}-", dir=into))
    os.rename(target, old / "deck")
    try:
        os.rename(built.work, target)
    except BaseException:
        os.rename(old / "deck", target)
        shutil.rmtree(old, ignore_errors=True)
        raise
    return old


def _put_back(placed: Sequence[tuple[Built, Path | None]], into: Path) -> None:
    """Undo :func:`_place` for decks already in place, newest first."""
    for deck, old in reversed(placed):
        target = into / deck.source.id
        shutil.rmtree(target, ignore_errors=True)
        if old is not None:
            try:
                os.rename(old / "deck", target)
            except OSError:
                pass
            shutil.rmtree(old, ignore_errors=True)


def import_decks(
    sources: Sequence[Path],
    into: Path,
    *,
    deck_id: str | None = None,
    title: str | None = None,
    authors: Iterable[str] = (),
    replace: bool = False,
    progress: Progress | None = None,
    soffice: str | None = None,
    timeout: float = CONVERT_TIMEOUT,
) -> list[Imported]:
    """Import each source as a deck in ``into``: all of them, or none.

    Args:
        sources: PDFs, presentations, zips and folders of images.
        into: the decks folder; made if missing (and removed again if the import fails).
        deck_id: the new deck's id (one source only); default: a slug of the source's name.
        title: the new deck's title (one source only); default: the PDF's or
            presentation's own title, a source folder's ``deck.yaml`` title, or the file name.
        authors: who made the deck(s).
        replace: replace decks with the same id.
        progress: told of each slide written.
        soffice: LibreOffice's command; default: found on PATH.
        timeout: seconds LibreOffice may take per file.

    Raises:
        ImportFailed: a source cannot be imported; the decks folder is as it was.
    """
    if title is not None and len(sources) > 1:
        raise ImportFailed("--title names one deck: give one source with it")
    if title is not None and not title.strip():
        raise ImportFailed("--title must not be empty")
    authors = [a.strip() for a in authors]
    if any(not a for a in authors):
        raise ImportFailed("--author must not be empty")
    if into.exists() and not into.is_dir():
        raise ImportFailed(f"{into}: not a folder")
    planned = plan(sources, into, deck_id=deck_id, replace=replace)
    # The outermost folder this import makes, to take away again if it fails.
    made = next((p for p in reversed([into, *into.parents]) if not p.exists()), None)
    try:
        into.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ImportFailed(f"{into}: cannot make the decks folder: {error.strerror or error}") from None
    built: list[Built] = []
    titles: list[str] = []
    placed: list[tuple[Built, Path | None]] = []
    try:
        for source in planned:
            built.append(build(source, into, progress=progress, soffice=soffice, timeout=timeout))
        for deck in built:
            text, deck_title = _deck_yaml(deck, title, authors)
            titles.append(deck_title)
            with (deck.work / DECK_FILE).open("w", encoding="utf-8") as file:
                file.write(text)
                file.flush()
                os.fsync(file.fileno())
            os.chmod(deck.work, 0o755)  # mkdtemp makes it private; a deck folder is not
        for deck in built:
            placed.append((deck, _place(deck, into, replace)))
    except BaseException as error:
        _put_back(placed, into)
        for deck in built:
            shutil.rmtree(deck.work, ignore_errors=True)
        if made is not None:
            shutil.rmtree(made, ignore_errors=True)
        if isinstance(error, OSError):
            raise ImportFailed(f"{into}: cannot write: {error.strerror or error}") from None
        raise
    for _, old in placed:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    fsync_dir(into)
    return [
        Imported(deck.source.id, into / deck.source.id, deck_title, deck.slides, deck.source.path, old is not None,
                 tuple(deck.notes))
        for (deck, old), deck_title in zip(placed, titles)
    ]

