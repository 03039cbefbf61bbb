"""Real-world files that used to break a command: each case made here with Pillow, pypdfium2 and zipfile."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from battledecks.cli import main
from battledecks.core import images
from battledecks.core.checks import check_image, check_paths
from battledecks.core.record import read_entries
from tests.builders import build_deck, build_event
from tests.file_builders import (
    bmp_with_empty_alpha,
    jpeg_with_bad_exif,
    jpeg_with_bad_mpo_header,
    jpeg_with_truncated_exif_dpi,
)

BAD_NAME = os.fsdecode(b"caf\xe9-deck")
"""A folder name that is not valid UTF-8, as unzipping a Windows archive on Linux can make."""


# --- 1. folder names that are not UTF-8 -------------------------------------------


@pytest.fixture
def event_with_a_bad_name(event_dir: Path) -> Path:
    build_deck(event_dir / "decks" / BAD_NAME)
    return build_event(event_dir / "events")


def test_check_reports_a_deck_folder_whose_name_is_not_utf8(
    event_with_a_bad_name: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = check_paths([event_with_a_bad_name.parent.parent / "decks"])
    bad = [p for p in report.problems if p.is_error]
    assert len(bad) == 1 and "not valid UTF-8" in bad[0].message
    assert str(bad[0]).encode("utf-8")  # printable: the odd byte is shown as \xe9
    assert "caf\\xe9-deck" in str(bad[0])
    assert main(["check", str(event_with_a_bad_name)]) == 1
    out = capsys.readouterr().out
    assert "not valid UTF-8" in out and "Traceback" not in out
    assert main(["check", str(event_with_a_bad_name), "--json"]) == 1
    problems = json.loads(capsys.readouterr().out)["problems"]
    assert any("caf\\xe9-deck" in p["path"] for p in problems)


def test_a_deck_folder_whose_name_is_not_utf8_never_breaks_a_draw(
    event_with_a_bad_name: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for _ in range(2):  # every draw, not just the first
        assert main(["draw", str(event_with_a_bad_name), "--json"]) == 0
        drawn = json.loads(capsys.readouterr().out)
        assert all(p["deck"] and p["deck"] != BAD_NAME for p in drawn["presenters"])
    entries = read_entries(event_with_a_bad_name.with_name("test.record.yaml"))
    draws = [e for e in entries if e["kind"] == "draw"]
    assert len(draws) == 3 and all(BAD_NAME not in e["pool"] for e in draws)


def test_a_record_that_cannot_be_encoded_is_a_record_error_not_a_crash(
    event_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from battledecks.core import record as record_module
    from battledecks.core.event import load_event
    from battledecks.core.record import EventRecord, RecordError

    record = EventRecord.load(load_event(build_event(event_dir / "events")))

    def write_as_utf8(path: Path, text: str, **mode: int) -> None:
        text.encode("utf-8")  # what writing does: text it cannot encode fails here
        raise AssertionError("the text should not have been encodable")

    monkeypatch.setattr(record_module, "atomic_write", write_as_utf8)
    monkeypatch.setattr(record_module, "_dump", lambda entries, event: f"note: {BAD_NAME}\n")
    with pytest.raises(RecordError, match="cannot save the record: 'utf-8' codec can't encode"):
        record.save()
    assert record.unsaved


def test_an_unexpected_error_is_one_line_and_never_exits_0(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from battledecks.commands import check as check_command

    def bug(args: object) -> int:
        raise TypeError("a bug " + BAD_NAME)

    monkeypatch.setattr(check_command, "run", bug)
    monkeypatch.delenv("BATTLEDECKS_TRACEBACK", raising=False)
    assert main(["check", str(tmp_path)]) == 70
    err = capsys.readouterr().err
    assert "unexpected error (TypeError: a bug caf" in err and "Traceback" not in err


# --- 3. transparency on white, everywhere -----------------------------------------

DARK = (20, 20, 60)
WHITE = (255, 255, 255)


def _palette_png(path: Path) -> Path:
    """Dark content on a transparent background, as a palette PNG (index 0 transparent)."""
    image = Image.new("P", (640, 360), 0)
    image.putpalette([0, 0, 0, *DARK] + [0, 0, 0] * 254)
    image.paste(1, (200, 100, 440, 260))
    image.save(path, transparency=0)
    return path


def _rgba_png(path: Path) -> Path:
    image = Image.new("RGBA", (640, 360), (0, 0, 0, 0))
    image.paste((*DARK, 255), (200, 100, 440, 260))
    image.save(path)
    return path


def _bmp_with_empty_alpha(path: Path) -> Path:
    image = Image.new("RGB", (640, 360), (240, 240, 200))
    image.paste(DARK, (200, 100, 440, 260))
    return bmp_with_empty_alpha(path, image)


TRANSPARENT = {
    "palette.png": (_palette_png, WHITE),
    "rgba.png": (_rgba_png, WHITE),
    "empty-alpha.bmp": (_bmp_with_empty_alpha, (240, 240, 200)),
}
"""Each awkward slide: how to make it, and the colour its background must show as."""


def _close(a: tuple[int, ...], b: tuple[int, ...], by: int = 12) -> bool:
    return all(abs(x - y) <= by for x, y in zip(a, b))


@pytest.mark.parametrize("name", list(TRANSPARENT))
def test_transparency_shows_on_white_on_stage(tmp_path: Path, name: str) -> None:
    from battledecks.render.fit import fit_path, load_slide

    make, background = TRANSPARENT[name]
    path = make(tmp_path / name)
    slide = load_slide(path)
    assert _close(slide.getpixel((20, 20)), background) and _close(slide.getpixel((320, 180)), DARK)
    fitted = fit_path(path, (64, 36))
    assert _close(fitted.getpixel((2, 2)), background) and _close(fitted.getpixel((32, 18)), DARK)


@pytest.mark.parametrize("name", list(TRANSPARENT))
def test_transparency_shows_on_white_in_import_and_sheet(
    tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    make, background = TRANSPARENT[name]
    source = tmp_path / "src"
    source.mkdir()
    make(source / name)
    assert main(["import", str(source), "--into", str(tmp_path / "decks"), "--slides", "1"]) == 0
    (kept,) = [p for p in (tmp_path / "decks" / "src").iterdir() if p.name.startswith("slide")]
    with Image.open(kept) as image:
        assert _close(image.getpixel((20, 20)), background) and _close(image.getpixel((320, 180)), DARK)
    sheet = tmp_path / "sheet.png"
    assert main(["sheet", str(source), "--out", str(sheet), "--yes"]) == 0
    from battledecks.generate._sheet import sheet_layout

    (box,) = sheet_layout(1, columns=4, thumb_width=400).thumbs
    with Image.open(sheet) as image:
        x0, y0, x1, y1 = box
        assert _close(image.getpixel((x0 + (x1 - x0) // 2, y0 + (y1 - y0) // 2)), DARK)
        assert _close(image.getpixel((x0 + (x1 - x0) // 2, y0 + 5)), background)


def test_check_warns_about_a_slide_that_is_one_flat_colour_on_white(tmp_path: Path) -> None:
    blank = tmp_path / "blank.png"
    Image.new("RGBA", (1280, 720), (0, 0, 0, 0)).save(blank)  # all transparent: white on stage
    ok = _rgba_png(tmp_path / "ok.png")
    problems = check_paths([blank, ok]).problems
    assert [(p.path.name, p.message) for p in problems] == [
        ("blank.png", "one flat colour (transparent parts shown on white): blank on stage?")
    ]


# --- 4. import: every step that touches a user's file is guarded --------------------


def _one_bit_png_with_trns(path: Path) -> Path:
    image = Image.new("1", (640, 360), 1)
    image.paste(0, (200, 100, 440, 260))
    image.save(path, transparency=1)
    return path


def _content() -> Image.Image:
    image = Image.new("RGB", (1280, 720), (240, 240, 200))
    image.paste(DARK, (200, 100, 440, 260))
    return image


AWKWARD = {
    "one-bit-trns.png": (_one_bit_png_with_trns, (0, 0, 0)),
    "bad-exif.jpg": (lambda p: jpeg_with_bad_exif(p, _content()), DARK),
    "truncated-exif-dpi.jpg": (lambda p: jpeg_with_truncated_exif_dpi(p, _content()), DARK),
    "bad-mpo-header.jpg": (lambda p: jpeg_with_bad_mpo_header(p, _content()), DARK),
}
"""Each picture that used to break a command: how to make it, and the colour of its content."""


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The installed command in a process of its own: what the organizer sees, warnings and all."""
    env = {**os.environ, "PYTHONWARNINGS": "default", "XDG_CACHE_HOME": str(cwd / "cache")}
    return subprocess.run(
        [sys.executable, "-m", "battledecks", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("name", list(AWKWARD))
def test_awkward_images_import_check_and_sheet_without_a_traceback_or_raw_warning(tmp_path: Path, name: str) -> None:
    source = tmp_path / "src"
    source.mkdir()
    make, content = AWKWARD[name]
    make(source / name)
    for args in (
        ["check", "src", "--slides", "1"],
        ["import", "src", "--into", "decks", "--slides", "1"],
        ["sheet", "src", "--out", "sheet.png", "--yes"],
    ):
        result = _run(*args, cwd=tmp_path)
        said = result.stdout + result.stderr
        assert "Traceback" not in said and "Warning" not in said and "warnings.warn" not in said, said
        assert result.returncode == 0, said
    assert (tmp_path / "sheet.png").is_file()
    (kept,) = [p for p in (tmp_path / "decks" / "src").iterdir() if p.name.startswith("slide")]
    with Image.open(kept) as image:
        assert _close(image.getpixel((320, 180)), content)


def test_check_says_what_pillow_warned_about_in_its_own_words(tmp_path: Path) -> None:
    path = jpeg_with_bad_mpo_header(tmp_path / "mpo.jpg", _content())
    problems = check_paths([path]).problems
    assert problems and not any(p.is_error for p in problems)
    assert all(p.message.startswith("odd image data: ") for p in problems)
    assert any("Image appears to be a malformed MPO file" in p.message for p in problems)


def test_a_damaged_picture_in_import_names_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "src"
    source.mkdir()
    data = io.BytesIO()
    _content().save(data, format="PNG")
    (source / "cut.png").write_bytes(data.getvalue()[: len(data.getvalue()) // 2])
    assert main(["import", str(source), "--into", str(tmp_path / "decks")]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"battledecks: {source / 'cut.png'}: damaged image") and "Traceback" not in err
    assert not (tmp_path / "decks").exists()


# --- 5. size limits before decoding, in every path; big pictures decoded small ------


def test_a_folder_with_a_file_too_large_for_a_slide_is_refused_unread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(images, "MAX_FILE_BYTES", 1_000_000)
    source = tmp_path / "src"
    source.mkdir()
    with (source / "junk.png").open("wb") as file:
        file.truncate(3_000_000)  # a sparse file of zeros
    opened: list[object] = []
    real_open = Image.open
    monkeypatch.setattr(Image, "open", lambda *a, **k: opened.append(a) or real_open(*a, **k))
    assert main(["import", str(source), "--into", str(tmp_path / "decks")]) == 1
    assert f"{source / 'junk.png'}: file is 3 MB: too large for a slide" in capsys.readouterr().err
    assert main(["sheet", str(source), "--out", str(tmp_path / "s.png"), "--yes"]) == 1
    assert "junk.png: file is 3 MB: too large for a slide" in capsys.readouterr().err
    assert opened == []


def test_a_zip_member_too_large_for_a_slide_is_refused_unopened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(images, "MAX_FILE_BYTES", 1_000_000)
    source = tmp_path / "bomb.zip"
    with zipfile.ZipFile(source, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("slide1.png", bytes(3_000_000))
    assert source.stat().st_size < 100_000
    assert main(["import", str(source), "--into", str(tmp_path / "decks")]) == 1
    err = capsys.readouterr().err
    assert "slide1.png: file is 3 MB: too large for a slide" in err and "refused unopened" in err


def test_a_zip_member_larger_than_it_says_stops_at_what_it_says(tmp_path: Path) -> None:
    from battledecks.core.importing import ImportFailed
    from battledecks.core.importing.archive import _unpack

    source = tmp_path / "a.zip"
    with zipfile.ZipFile(source, "w") as archive:
        archive.writestr("slide1.png", bytes(50_000))
    with zipfile.ZipFile(source) as archive, pytest.raises(ImportFailed, match="larger than the zip says"):
        _unpack(archive, archive.getinfo("slide1.png"), tmp_path / "spool", 10_000, "a.zip: slide1.png")
    assert (tmp_path / "spool").stat().st_size <= 10_000


def test_a_large_picture_is_decoded_at_the_size_needed(tmp_path: Path) -> None:
    path = tmp_path / "big.png"
    Image.new("RGB", (5000, 3000), (10, 120, 200)).save(path, compress_level=1)
    loaded = images.load_image(path, need=(1920, 1080))
    assert loaded.size == (2500, 1500)  # halved at once, still at least what is needed
    # Fitted into 240×135 it is 225×135: shrunk by 22, the most that keeps it at least that large.
    assert images.load_image(path, need=(240, 135)).size == (228, 137)
    with pytest.raises(images.ImageRefused, match="over 50 megapixels"):
        with images.open_image(_huge_png_header(tmp_path / "huge.png")):
            pass


def _huge_png_header(path: Path) -> Path:
    """A PNG that says it is 10000×6000 (60 megapixels) and holds almost nothing."""
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", 10_000, 6_000, 8, 2, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 100)) + chunk(b"IEND", b"")
    )
    return path


# --- 9. small things: EXIF turn, empty files ------------------------------------------


def test_aspect_ratio_is_checked_as_the_slide_is_shown_after_exif_rotation(tmp_path: Path) -> None:
    path = tmp_path / "turned.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6  # stored 720×1280, shown turned a quarter: 1280×720
    _content().transpose(Image.Transpose.ROTATE_90).save(path, exif=exif)
    assert check_paths([path]).problems == []
    assert check_image(path).size == (1280, 720)


def test_a_zero_byte_picture_is_called_empty(tmp_path: Path) -> None:
    (tmp_path / "empty.png").write_bytes(b"")
    (problem,) = check_paths([tmp_path / "empty.png"]).problems
    assert problem.is_error and problem.message == "empty file (0 bytes)"


# --- 2. PDF pages drawn ahead of time, off the UI thread --------------------------


def _pdf_with_blank_pages(path: Path) -> Path:
    """Four pages; pages 2 and 4 are blank (white), as a damaged PDF's can render."""
    from tests.pdf_builders import page_image

    pages = [page_image(1), Image.new("RGB", (640, 360), WHITE), page_image(3), Image.new("RGB", (640, 360), WHITE)]
    path.parent.mkdir(parents=True, exist_ok=True)
    pages[0].save(path, format="PDF", save_all=True, append_images=pages[1:], resolution=72.0)
    return path


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "cache-home"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    return home


def test_a_pdf_deck_is_drawn_ahead_of_time_on_a_worker_thread(tmp_path: Path, cache_home: Path) -> None:
    import threading

    from battledecks.core.decks import load_deck, render_deck, rendered, slide_files
    from tests.pdf_builders import make_pdf

    deck = load_deck(make_pdf(tmp_path / "decks" / "talk.pdf", pages=5))
    assert not rendered(deck)
    heard: list[tuple[int, int, str]] = []
    result: list[list[Path]] = []
    worker = threading.Thread(
        target=lambda: result.append(
            render_deck(deck, on_page=lambda d, n: heard.append((d, n, threading.current_thread().name)))
        ),
        name="pdf-worker",
    )
    worker.start()
    worker.join(timeout=60)
    assert [(d, n) for d, n, _ in heard] == [(1, 5), (2, 5), (3, 5), (4, 5), (5, 5)]
    assert {name for *_, name in heard} == {"pdf-worker"}
    assert rendered(deck)
    assert slide_files(deck) == result[0] and all(p.is_file() for p in result[0])
    assert all(cache_home in p.parents for p in result[0])
    again: list[tuple[int, int]] = []
    assert render_deck(deck, on_page=lambda d, n: again.append((d, n))) == result[0]
    assert again == []  # nothing drawn twice


def test_a_progress_callback_that_raises_stops_the_drawing_and_leaves_no_half_cache(
    tmp_path: Path, cache_home: Path
) -> None:
    from battledecks.core.decks import load_deck, render_deck, rendered
    from tests.pdf_builders import make_pdf

    deck = load_deck(make_pdf(tmp_path / "decks" / "talk.pdf", pages=4))

    def stop(done: int, pages: int) -> None:
        if done == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        render_deck(deck, on_page=stop)
    assert not rendered(deck)
    leftovers = [p for p in (cache_home / "battledecks" / "pdf").rglob("*") if p.is_file()]
    assert leftovers == []


def test_check_render_warms_the_page_cache_and_warns_about_blank_pages(
    tmp_path: Path, cache_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from battledecks.core.decks import load_deck, rendered

    pdf = _pdf_with_blank_pages(tmp_path / "decks" / "talk.pdf")
    assert main(["check", str(tmp_path / "decks"), "--slides", "4"]) == 0
    assert "blank" not in capsys.readouterr().out  # a plain check draws no page
    assert not rendered(load_deck(pdf))
    assert main(["check", str(tmp_path / "decks"), "--slides", "4", "--render", "--json"]) == 0
    problems = json.loads(capsys.readouterr().out)["problems"]
    assert [(Path(p["path"]).name, p["severity"], p["message"]) for p in problems] == [
        ("talk.pdf", "warning", "2 pages (2, 4): blank (one flat colour) when drawn")
    ]
    assert rendered(load_deck(pdf))


# --- 6. blank pages and empty presentations ---------------------------------------


def test_import_says_which_pdf_pages_came_out_blank(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pdf = _pdf_with_blank_pages(tmp_path / "talk.pdf")
    assert main(["import", str(pdf), "--into", str(tmp_path / "decks"), "--slides", "4"]) == 0
    out = capsys.readouterr().out
    assert f"  {pdf}: pages 2, 4 are blank (one flat colour): check the source" in out.splitlines()


def test_a_presentation_with_no_slides_is_refused_before_libreoffice(tmp_path: Path) -> None:
    from pptx import Presentation

    from battledecks.core.importing import ImportFailed, import_decks

    source = tmp_path / "empty.pptx"
    Presentation().save(source)
    never = tmp_path / "never-run"  # LibreOffice is not even started
    with pytest.raises(ImportFailed, match=r"empty\.pptx: the presentation has no slides"):
        import_decks([source], tmp_path / "decks", soffice=str(never))
    assert not (tmp_path / "decks").exists()


# --- 7. .pptm and .ppsx are PowerPoint too ----------------------------------------


@pytest.mark.system
@pytest.mark.parametrize("suffix", [".pptm", ".ppsx"])
def test_pptm_and_ppsx_are_imported_like_pptx(tmp_path: Path, suffix: str, capsys: pytest.CaptureFixture[str]) -> None:
    from battledecks.core import importing
    from tests.file_builders import make_pptx

    source = make_pptx(tmp_path / f"talk{suffix}", ["One", "Two"])
    assert importing.source_kind(source) == "office"
    code = main(["import", str(source), "--into", str(tmp_path / "decks"), "--slides", "2"])
    out, err = capsys.readouterr()
    if importing.find_soffice() is None:
        assert code == 1 and f"importing {suffix} files needs LibreOffice" in err
        return
    assert code == 0, err
    assert f"imported {tmp_path / 'decks' / 'talk'}" in out and "2 slides" in out


def test_checking_a_pdf_deck_opens_it_once_and_draws_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cache_home: Path
) -> None:
    from battledecks.core import pdf
    from battledecks.core.checks import failing_deck_ids
    from battledecks.core.decks import load_decks
    from tests.pdf_builders import make_pdf

    make_pdf(tmp_path / "decks" / "long.pdf", pages=40, size=(160, 90))
    opened: list[Path] = []
    real_open = pdf._open
    monkeypatch.setattr(pdf, "_open", lambda path: opened.append(path) or real_open(path))
    assert check_paths([tmp_path / "decks"], slides=40).errors == 0
    assert len(opened) == 1
    opened.clear()
    decks = load_decks(tmp_path / "decks")  # what the show does: list, then leave out failing decks
    assert failing_deck_ids(decks, 40) == set()
    assert len(opened) == 1
    assert not pdf.default_cache_dir().exists(), "no page is drawn"


def test_shrinking_in_bands_gives_what_one_reduce_gives(tmp_path: Path) -> None:
    from PIL import ImageDraw

    image = Image.new("RGBA", (1203, 2411), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    for i in range(0, 2411, 37):
        draw.line((0, i, 1203, 2411 - i), fill=(i % 256, 90, 200, 40 + i % 200), width=3)
    banded = images._reduce_in_bands(image, 7)
    assert banded.size == image.reduce(7).size and banded.tobytes() == image.reduce(7).tobytes()


def test_a_large_picture_turned_by_exif_is_decoded_small_and_upright(tmp_path: Path) -> None:
    path = tmp_path / "turned.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6
    stored = Image.new("RGB", (2000, 4000), (200, 200, 200))
    stored.paste((0, 0, 0), (0, 0, 2000, 400))  # a band along the stored top: on the shown right
    stored.save(path, exif=exif, quality=90)
    loaded = images.load_image(path, need=(400, 200))
    assert loaded.width > loaded.height and loaded.width >= 400 and loaded.height >= 200
    assert loaded.getpixel((loaded.width - 2, loaded.height // 2))[0] < 40
    assert loaded.getpixel((2, loaded.height // 2))[0] > 160
