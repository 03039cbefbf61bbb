"""PDF sources: each page drawn as a slide (and the PDF's own title kept)."""

from __future__ import annotations

from contextlib import closing
from pathlib import Path

from ..pdf import PdfError, read_pdf, render_pages
from .slides import MAX_SIZE, ImportFailed, Options, Progress, Slides, SlideWriter


def pdf_slides(pdf: Path, work: Path, what: str, progress: Progress | None, shown_as: Path) -> Slides:
    """Draw each page of ``pdf`` as a slide, with the PDF's own title; errors name ``shown_as``."""
    notes: list[str] = []
    try:
        info = read_pdf(pdf)
        writer = SlideWriter(work, info.pages, what, progress)
        with closing(render_pages(pdf, MAX_SIZE)) as pages:
            for number, page in enumerate(pages, 1):
                writer.add(page, f"{shown_as}: page {number}", str(number))
    except PdfError as error:
        raise ImportFailed(f"{shown_as}: {error.reason}") from None
    writer.blank_note("page", notes)
    return Slides(writer.done, info.title, notes)


def read(path: Path, work: Path, options: Options) -> Slides:
    """A PDF's pages as slides (a :class:`~.slides.Reader`)."""
    return pdf_slides(path, work, path.name, options.progress, path)
