"""PDF decks: reading page counts and sizes, rendering pages to pictures.

A PDF is one slide per page. Reading one (:func:`read_pdf`) opens it and
reads its page count, page sizes and title without drawing a page, so
listing and checking decks never renders anything. Rendering
(:func:`render_pages`) fits each page in :data:`RENDER_SIZE`, the largest
picture a slide ever needs; :func:`cached_pages` keeps the rendered pages in
a per-user cache so a deck is drawn once, not on every show.

PDFium, behind pypdfium2, must not be called from two threads at once: every
call here holds :data:`_PDFIUM`.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Generator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, cast

from .problems import BattledecksError

if TYPE_CHECKING:
    from PIL import Image

PDF_SUFFIX = ".pdf"

RENDER_SIZE = (1920, 1080)
"""Pages are drawn to fit this box, aspect kept: a projector never shows more."""

MAX_PAGES = 500
"""More pages than this is no slide deck; refused before drawing any."""

CACHE_JPEG_QUALITY = 95
"""Cached pages are JPEG at this quality with full colour resolution: indistinguishable
on stage, and written in a tenth of the time of a PNG, as they may be made just before a talk."""

_PDFIUM = threading.RLock()

_WRITERS: dict[Path, threading.Lock] = {}
"""One lock per cache folder being drawn: in this process a PDF's pages are drawn by one thread at a time."""
_WRITERS_LOCK = threading.Lock()


def _writer(target: Path) -> threading.Lock:
    with _WRITERS_LOCK:
        return _WRITERS.setdefault(target, threading.Lock())


# PDFium's load error codes (FPDF_ERR_*) in the organizer's words.
_LOAD_ERRORS = {
    2: "cannot read the file",
    3: "not a PDF, or a damaged one",
    4: "encrypted (needs a password): save it again without a password",
    5: "encrypted with an unsupported security handler: save it again without a password",
    6: "damaged page in the PDF",
}


class PdfError(BattledecksError):
    """A PDF that cannot be read or drawn; the text names the file."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


@dataclass(frozen=True)
class PdfInfo:
    """What a PDF holds, read without drawing any page."""

    pages: int
    page_sizes: tuple[tuple[float, float], ...]
    """Width and height of each page in points, as shown (rotation applied)."""
    title: str | None
    """The document's own title, when it has a non-empty one."""


def is_pdf_file(path: Path) -> bool:
    """A visible file name ending in ``.pdf`` (any case)."""
    return is_pdf_name(path.name)


def is_pdf_name(name: str) -> bool:
    """:func:`is_pdf_file` of a bare file name."""
    return not name.startswith(".") and name.lower().endswith(PDF_SUFFIX) and len(name) > len(PDF_SUFFIX)


def _open(path: Path):  # noqa: ANN202 - pypdfium2 is imported lazily
    """Open ``path`` with PDFium (call with :data:`_PDFIUM` held)."""
    import pypdfium2 as pdfium

    try:
        if not path.is_file():
            raise PdfError(path, "no such file" if not path.exists() else "not a file")
        return pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as error:
        code = getattr(error, "err_code", None)
        reason = _LOAD_ERRORS.get(code, "not a PDF, or a damaged one") if isinstance(code, int) else None
        raise PdfError(path, reason or "not a PDF, or a damaged one") from None
    except OSError as error:
        raise PdfError(path, f"cannot read: {error.strerror or error}") from None


def _title(doc) -> str | None:  # noqa: ANN001
    try:
        title = doc.get_metadata_value("Title")
    except Exception:  # noqa: BLE001 - a broken info dictionary only loses the title
        return None
    title = " ".join(str(title or "").split())
    return title or None


def read_pdf(path: Path) -> PdfInfo:
    """Page count, page sizes and title of a PDF, without drawing a page.

    Raises:
        PdfError: missing, unreadable, encrypted or damaged, or with no pages.
    """
    with _PDFIUM:
        doc = _open(path)
        try:
            pages = len(doc)
            if pages > MAX_PAGES:
                raise PdfError(path, f"has {pages} pages: too many for a slide deck (at most {MAX_PAGES})")
            try:
                sizes = tuple(tuple(doc.get_page_size(i)) for i in range(pages))
            except Exception as error:  # noqa: BLE001 - PDFium fails on damaged page trees in many ways
                raise PdfError(path, f"damaged page in the PDF: {error}") from None
            title = _title(doc)
        finally:
            doc.close()
    if pages == 0:
        raise PdfError(path, "has no pages")
    return PdfInfo(pages, cast("tuple[tuple[float, float], ...]", sizes), title)


def fit_scale(page: tuple[float, float], box: tuple[int, int]) -> float:
    """The scale that makes a page of ``page`` points just fit ``box`` pixels."""
    width, height = page
    return min(box[0] / width, box[1] / height)


def render_pages(path: Path, size: tuple[int, int] = RENDER_SIZE) -> Generator[Image.Image, None, None]:
    """Draw each page of a PDF, in order, fitted to ``size`` with its aspect kept.

    Pages are drawn one at a time as they are asked for, so a caller can show
    progress and stop at any page.

    Raises:
        PdfError: the PDF cannot be opened, or a page cannot be drawn (named by number).
    """
    with _PDFIUM:
        doc = _open(path)
    try:
        with _PDFIUM:
            count = len(doc)
        if count == 0:
            raise PdfError(path, "has no pages")
        if count > MAX_PAGES:
            raise PdfError(path, f"has {count} pages: too many for a slide deck (at most {MAX_PAGES})")
        for index in range(count):
            with _PDFIUM:
                image = _render(doc, path, index, size)
            yield image
    finally:
        with _PDFIUM:
            doc.close()


def _render(doc, path: Path, index: int, size: tuple[int, int]) -> Image.Image:  # noqa: ANN001
    try:
        page = doc[index]
        try:
            width, height = page.get_size()
            if width <= 0 or height <= 0:
                raise PdfError(path, f"page {index + 1} has no size")
            bitmap = page.render(scale=fit_scale((width, height), size), rev_byteorder=True)
            # A copy: the bitmap's memory goes when PDFium closes the page.
            image = bitmap.to_pil().convert("RGB").copy()
        finally:
            page.close()
    except PdfError:
        raise
    except Exception as error:  # noqa: BLE001 - PDFium fails on damaged pages in many ways
        raise PdfError(path, f"page {index + 1} cannot be drawn: {error}") from None
    if image.width > size[0] or image.height > size[1]:
        # Rounding can overshoot the box by a pixel.
        from PIL import Image

        image.thumbnail(size, Image.Resampling.LANCZOS)
    return image


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes, read in pieces (a PDF for its page cache, a slide to find it twice)."""
    import hashlib  # OpenSSL: only once a file is digested

    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def default_cache_dir() -> Path:
    """Where rendered PDF pages are kept: the user's cache folder (``$XDG_CACHE_HOME/battledecks/pdf``
    or ``~/.cache/battledecks/pdf`` on Linux), as :mod:`platformdirs` finds it."""
    import platformdirs

    return Path(platformdirs.user_cache_dir("battledecks", appauthor=False)) / "pdf"


def page_file_name(index: int, pages: int) -> str:
    """``page01.jpg``: the name of a cached page (0-based index), sorting in page order."""
    return f"page{index + 1:0{max(2, len(str(pages)))}d}.jpg"


def cached_pages(
    path: Path,
    cache_dir: Path,
    *,
    pages: int | None = None,
    on_page: Callable[[int, int], None] | None = None,
    draw: bool = True,
) -> list[Path] | None:
    """The pages of a PDF as picture files, drawn once into ``cache_dir``.

    The pages go to ``cache_dir/<sha256 of the PDF>/``, drawn first into a
    hidden folder beside it that is renamed into place only when every page
    is there: a cache folder is always complete, and a changed PDF gets a new one.

    A complete folder is never replaced or removed, so a reader (the stage, the
    audience screen's server) never loses a page it was given. In this process
    one thread at a time draws a PDF: a second caller waits for the first and
    then takes its pages. Another process drawing the same PDF at once keeps
    the folder that was renamed into place first. Only an incomplete folder (a
    page deleted by hand) is replaced, by renaming it aside first.

    Args:
        path: the PDF.
        cache_dir: the cache (see :func:`default_cache_dir`).
        pages: the page count if known (saves opening the PDF when cached).
        on_page: called with (pages done, pages) after each page is drawn; an
            exception it raises stops the drawing (the half-made folder is removed).
        draw: False to only look: None is returned when the pages are not all cached yet.

    Safe to call from a worker thread: PDFium is held one page at a time, so
    another thread can read a PDF between two pages.

    Raises:
        PdfError: the PDF cannot be read or drawn, or the cache cannot be written.
    """
    try:
        digest = file_digest(path)
    except OSError as error:
        raise PdfError(path, f"cannot read: {error.strerror or error}") from None
    target = cache_dir / digest
    if pages is None:
        pages = read_pdf(path).pages
    names = [page_file_name(i, pages) for i in range(pages)]
    if all((target / name).is_file() for name in names):
        return [target / name for name in names]
    if not draw:
        return None
    with _writer(target):
        # Another thread may have drawn it while this one waited.
        if all((target / name).is_file() for name in names):
            return [target / name for name in names]
        _draw_into(path, cache_dir, target, names, on_page)
    return [target / name for name in names]


def _draw_into(
    path: Path, cache_dir: Path, target: Path, names: list[str], on_page: Callable[[int, int], None] | None
) -> None:
    """Draw every page into a hidden folder, then put it in place as ``target`` (see :func:`cached_pages`)."""
    pages = len(names)
    digest = target.name
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{digest[:16]}-", dir=cache_dir))
    except OSError as error:
        raise PdfError(cache_dir, f"cannot write the page cache: {error.strerror or error}") from None
    try:
        done = 0
        with closing(render_pages(path)) as images:
            for index, image in enumerate(images):
                if index >= pages:
                    raise PdfError(path, "changed while its pages were being drawn")
                image.save(work / names[index], format="JPEG", quality=CACHE_JPEG_QUALITY, subsampling=0)
                done += 1
                if on_page is not None:
                    on_page(done, pages)
        if done != pages:
            raise PdfError(path, "changed while its pages were being drawn")
        _put_in_place(work, target, names)
    except OSError as error:
        raise PdfError(cache_dir, f"cannot write the page cache: {error.strerror or error}") from None
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _put_in_place(work: Path, target: Path, names: list[str]) -> None:
    """Rename the drawn folder ``work`` to ``target``; a complete ``target`` is kept as it is.

    An incomplete ``target`` is renamed aside (then deleted) before ``work``
    takes its name: nobody was given pages from it, and no folder is ever
    emptied in place.
    """
    for _ in range(3):
        try:
            os.rename(work, target)
            return
        except OSError:
            if all((target / name).is_file() for name in names):
                return  # another process finished the same PDF first; theirs is as good
            if not target.is_dir():
                raise
        aside = Path(tempfile.mkdtemp(prefix=f".{target.name[:16]}-old-", dir=target.parent))
        try:
            os.rename(target, aside / target.name)
        except FileNotFoundError:
            pass  # gone meanwhile: try again
        finally:
            shutil.rmtree(aside, ignore_errors=True)
    os.rename(work, target)
