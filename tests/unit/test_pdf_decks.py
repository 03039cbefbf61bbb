"""PDFs dropped into a decks folder are decks: listed, checked, drawn and shown on stage."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PIL import Image

from battledecks.core import pdf as pdf_module
from battledecks.core.checks import check_paths, failing_deck_ids
from battledecks.core.decks import load_deck, load_decks, slide_files
from battledecks.core.draw import why_not
from battledecks.core.pdf import PdfError, cached_pages, read_pdf
from battledecks.core.show import Show
from battledecks.ui.app import create_app
from battledecks.ui.screens.stage import StageScreen
from battledecks.ui.widgets.slide_view import SlideView
from tests.builders import build_deck, build_event
from tests.pdf_builders import make_pdf, raw_pdf
from tests.piloting import FakeClock, draw_and_close, start_talk
from tests.waiting import wait_until


@pytest.fixture(autouse=True)
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Rendered pages go to a cache inside the test's folder, never the user's."""
    home = tmp_path / "cache-home"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    return home


def tree(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file and folder below ``folder`` with its size and modification time."""
    found = {}
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = Path(root) / name
            st = path.stat()
            found[str(path.relative_to(folder))] = (st.st_size if path.is_file() else -1, st.st_mtime_ns)
    return found


def test_a_pdf_in_a_decks_folder_is_a_deck_named_after_its_file(tmp_path: Path) -> None:
    decks = tmp_path / "decks"
    build_deck(decks / "cats")
    make_pdf(decks / "Budget 2031.pdf", 12, title="The Budget of Tomorrow")
    raw_pdf(decks / "untitled.PDF", pages=3)
    (decks / "notes.txt").write_text("not a deck")
    (decks / ".hidden.pdf").write_bytes(b"")
    listed = load_decks(decks)
    assert [d.id for d in listed] == ["Budget 2031", "cats", "untitled"]
    budget, cats, untitled = listed
    assert budget.title == "The Budget of Tomorrow"
    assert (budget.slide_count, budget.slides, budget.pdf) == (12, (), decks / "Budget 2031.pdf")
    assert budget.ok
    assert (untitled.title, untitled.slide_count) == ("untitled", 3)
    assert (cats.slide_count, cats.pdf) == (12, None)


def test_a_folder_and_a_pdf_with_the_same_id_the_folder_is_the_deck(tmp_path: Path) -> None:
    decks = tmp_path / "decks"
    build_deck(decks / "cats", size=(1280, 720))
    make_pdf(decks / "cats.pdf", 3)
    (deck,) = load_decks(decks)
    assert deck.pdf is None and deck.path == decks / "cats"
    report = check_paths([decks])
    assert [(p.path.name, p.message) for p in report.problems] == [
        ("cats.pdf", "ignored: another deck has the id 'cats'")
    ]
    assert report.ok


def test_check_reads_pdf_decks_without_drawing_or_writing(tmp_path: Path, cache_home: Path, monkeypatch) -> None:  # noqa: ANN001
    decks = tmp_path / "decks"
    make_pdf(decks / "good.pdf", 12)
    make_pdf(decks / "short.pdf", 3)
    make_pdf(decks / "tall.pdf", 12, size=(300, 600))
    (decks / "broken.pdf").write_bytes(b"%PDF-1.4 this is not really a PDF")
    raw_pdf(decks / "locked.pdf", pages=12, encrypted=True)
    raw_pdf(decks / "empty.pdf", pages=0)
    before = tree(tmp_path)

    def no_drawing(*args: object, **kwargs: object) -> None:
        raise AssertionError("check drew a page")

    monkeypatch.setattr(pdf_module, "_render", no_drawing)
    report = check_paths([decks])
    said = sorted((p.path.name, p.severity.value, p.message) for p in report.problems)
    assert said == [
        ("broken.pdf", "error", "not a PDF, or a damaged one"),
        ("empty.pdf", "error", "not a PDF, or a damaged one"),
        ("locked.pdf", "error", "encrypted (needs a password): save it again without a password"),
        ("short.pdf", "error", "has 3 slides, needs 12"),
        (
            "tall.pdf",
            "warning",
            "every page: aspect ratio 300×600 pt (0.50:1) is far from 4:3..16:9: will be letterboxed",
        ),
    ]
    assert "6 decks (27 slides)" in report.describe()
    assert tree(tmp_path) == before
    assert not cache_home.exists()
    # A single PDF can be checked on its own, with its own slide count.
    assert check_paths([decks / "short.pdf"], slides=3).ok


def test_the_draw_takes_pdf_decks_like_any_deck(tmp_path: Path) -> None:
    decks = tmp_path / "decks"
    make_pdf(decks / "good.pdf", 12)
    make_pdf(decks / "short.pdf", 5)
    (decks / "broken.pdf").write_bytes(b"garbage")
    loaded = {d.id: d for d in load_decks(decks)}
    failing = failing_deck_ids(loaded.values(), 12)
    assert failing == {"short", "broken"}
    rules = {"presenter": "Ada", "slides": 12, "taken": set(), "shown_before": set(), "failing": failing}
    assert why_not(loaded["good"], **rules) is None
    assert why_not(loaded["short"], **{**rules, "failing": set()}) == "has 5 slides, not 12"
    assert why_not(loaded["broken"], **{**rules, "failing": set()}) == "fails check"


def test_slide_files_draws_a_pdf_once_into_the_cache(tmp_path: Path, cache_home: Path, monkeypatch) -> None:  # noqa: ANN001
    path = make_pdf(tmp_path / "deck.pdf", 4, size=(320, 240))
    deck = load_deck(path)
    files = slide_files(deck)
    digest = pdf_module.file_digest(path)
    assert files == [cache_home / "battledecks" / "pdf" / digest / f"page0{n}.jpg" for n in range(1, 5)]
    with Image.open(files[0]) as first:
        # 4:3 pages fit 1920x1080 by height, aspect kept.
        assert first.size == (1440, 1080)
        # Page 1's colour (pillow stores pages as JPEG: nearly exact).
        assert all(abs(a - b) <= 3 for a, b in zip(first.getpixel((10, 10)), (53, 97, 111)))
    # Nothing hidden is left in the cache, and a second call draws nothing.
    assert sorted(p.name for p in (cache_home / "battledecks" / "pdf").iterdir()) == [digest]
    monkeypatch.setattr(pdf_module, "_render", lambda *a: pytest.fail("drew again"))
    assert slide_files(deck) == files
    # An image deck's slide files are its slides.
    folder = load_deck(build_deck(tmp_path / "cats", 3))
    assert slide_files(folder) == list(folder.slides)


def test_a_changed_pdf_gets_new_pages(tmp_path: Path, cache_home: Path) -> None:
    path = make_pdf(tmp_path / "deck.pdf", 2)
    first = slide_files(load_deck(path))
    make_pdf(path, 3)
    second = slide_files(load_deck(path))
    assert len(second) == 3 and second[0].parent != first[0].parent


def test_a_page_that_fails_to_draw_leaves_no_cache(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    path = make_pdf(tmp_path / "deck.pdf", 3)
    real = pdf_module._render

    def fail_on_page_2(doc, where, index, size):  # noqa: ANN001, ANN202
        if index == 1:
            raise PdfError(where, "page 2 cannot be drawn: broken")
        return real(doc, where, index, size)

    monkeypatch.setattr(pdf_module, "_render", fail_on_page_2)
    cache = tmp_path / "cache"
    with pytest.raises(PdfError, match="page 2 cannot be drawn"):
        cached_pages(path, cache)
    assert list(cache.iterdir()) == []


def test_read_pdf_names_the_problem(tmp_path: Path) -> None:
    with pytest.raises(PdfError, match=r"missing\.pdf: no such file"):
        read_pdf(tmp_path / "missing.pdf")
    (tmp_path / "folder.pdf").mkdir()
    with pytest.raises(PdfError, match=r"folder\.pdf: not a file"):
        read_pdf(tmp_path / "folder.pdf")
    info = read_pdf(raw_pdf(tmp_path / "blank.pdf", pages=2, size=(800, 450)))
    assert (info.pages, info.page_sizes, info.title) == (2, ((800.0, 450.0), (800.0, 450.0)), None)


def pdf_event_app(tmp_path: Path, seeds, wall):  # noqa: ANN001, ANN201
    """The app on a 12-second event whose decks folder holds three 12-page PDFs, with a clock moved by hand."""
    decks = tmp_path / "decks"
    for name in ("alpha", "beta", "gamma"):
        make_pdf(decks / f"{name}.pdf", 12, title=f"Deck {name}")
    event = build_event(tmp_path / "events", name="night", seconds=12, countdown=3, order="listed")
    clock = FakeClock()
    return create_app(event, show=Show.open(event, seed_source=seeds, clock=wall), monotonic=clock), clock


async def test_a_pdf_deck_is_shown_on_stage(tmp_path: Path, cache_home: Path, seeds, wall) -> None:  # noqa: ANN001
    app, clock = pdf_event_app(tmp_path, seeds, wall)
    async with app.run_test(size=(80, 24)) as pilot:
        await draw_and_close(pilot)
        deck = app.show.deck_of("Ada")
        assert deck is not None and deck.pdf is not None
        stage = await start_talk(pilot)
        assert isinstance(stage, StageScreen)
        view = stage.query_one(SlideView)
        pages = sorted((cache_home / "battledecks" / "pdf").glob("*/page*.jpg"))
        assert len(pages) == 12
        assert view.cache is not None and list(view.cache.paths) == pages
        clock.advance(3.0)
        stage.tick()
        await pilot.pause()
        assert view.visible and view.index == 0
        assert view.shown is not None and view.shown.error is None
        clock.advance(2.0)
        stage.tick()
        await pilot.pause()
        assert view.index == 2 and view.shown is not None and view.shown.error is None


async def test_a_pdf_that_cannot_be_drawn_on_stage_is_said_and_does_not_stop_the_show(
    tmp_path: Path, seeds, wall
) -> None:  # noqa: ANN001
    app, clock = pdf_event_app(tmp_path, seeds, wall)
    async with app.run_test(size=(80, 24)) as pilot:
        await draw_and_close(pilot)
        deck = app.show.deck_of("Ada")
        assert deck is not None and deck.pdf is not None
        await wait_until(pilot, lambda: not app.slides.busy, "the drawn deck's slides prepared")
        deck.pdf.write_bytes(b"overwritten after the draw")
        stage = await start_talk(pilot)
        (note,) = [n for n in app._notifications if n.title == "Cannot draw this PDF deck"]
        assert note.title == "Cannot draw this PDF deck" and f"{deck.pdf}: not a PDF, or a damaged one" in note.message
        clock.advance(3.0)
        stage.tick()
        await pilot.pause()
        view = stage.query_one(SlideView)
        # The talk runs on its clock; each slide says it cannot be shown.
        assert view.visible and view.index == 0
        assert view.shown is not None and view.shown.error is not None
