"""PowerPoint and OpenDocument sources, turned into a PDF by LibreOffice first.

LibreOffice runs as ``soffice --headless --convert-to pdf``, with a user
profile of its own so that imports can run side by side, and is stopped with
every process it started after :data:`CONVERT_TIMEOUT` seconds or on an
interrupt. The PDF's pages then become the slides (see :mod:`.pdf`).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
import zipfile
from pathlib import Path

from .pdf import pdf_slides
from .slides import ImportFailed, Options, Slides

OFFICE_SUFFIXES = frozenset({".pptx", ".pptm", ".ppt", ".ppsx", ".ppsm", ".pps", ".odp"})
"""Presentation files LibreOffice converts (macros in .pptm are never run: only the slides are drawn)."""

CONVERT_TIMEOUT = 300.0
"""Seconds LibreOffice may take to convert one file."""

INSTALL_LIBREOFFICE = (
    "install LibreOffice (Debian/Ubuntu: apt-get install libreoffice-impress; "
    "macOS: brew install --cask libreoffice), or export the slides as a PDF and import that"
)

_SLIDE_LISTS = {
    # Office Open XML: the presentation part lists each slide as <p:sldId .../>.
    "ppt/presentation.xml": re.compile(rb"<(?:\w+:)?sldId\b"),
    # OpenDocument: each slide is a <draw:page ...> in the content.
    "content.xml": re.compile(rb"<(?:\w+:)?page\b"),
}
_MAX_LIST_BYTES = 50_000_000
"""A slide list larger than this is not read (it is no presentation made by hand)."""


def read(path: Path, work: Path, options: Options) -> Slides:
    """A presentation's slides, drawn from the PDF LibreOffice makes of it (a :class:`~.slides.Reader`)."""
    refuse_empty_presentation(path)
    what = path.name
    if options.progress is not None:
        options.progress(f"{what} (LibreOffice)", 0, None)
    with tempfile.TemporaryDirectory(prefix="battledecks-office-") as scratch:
        pdf = convert_to_pdf(path, Path(scratch), soffice=options.soffice, timeout=options.timeout)
        made = pdf_slides(pdf, work, what, options.progress, path)
    # LibreOffice's title is the presentation's own, when it has one (else the name of the copy it was given).
    if made.title == "slides":
        made.title = None
    return made


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
        raise ImportFailed(
            f"{path}: importing {path.suffix} files needs LibreOffice, which is not installed: {INSTALL_LIBREOFFICE}"
        )
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
        command,
        f"-env:UserInstallation={profile.resolve().as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        "pdf",
        "--outdir",
        str(converted),
        str(local),
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
