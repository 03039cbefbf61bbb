"""Slides made ahead: which are kept, resizes, the worker, broken files, GC policy."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from battledecks.render.detect import GraphicsMode
from battledecks.render.prerender import GcWatch, SlideCache, pause_gc, resume_gc

COLOURS = [(200, 0, 0), (0, 200, 0), (0, 0, 200), (200, 200, 0)]


@pytest.fixture
def deck(tmp_path: Path) -> list[Path]:
    paths = []
    for i, colour in enumerate(COLOURS):
        path = tmp_path / f"{i + 1:02d}.png"
        Image.new("RGB", (320, 180), colour).save(path)
        paths.append(path)
    return paths


def test_prepare_builds_strips_for_the_grid(deck: list[Path]) -> None:
    cache = SlideCache(deck, cells=(32, 9))
    slide = cache.prepare(2)
    assert slide.cells == (32, 9)
    assert slide.image.size == (32, 18)
    assert slide.strips is not None and len(slide.strips) == 9
    assert all(strip.cell_length == 32 for strip in slide.strips)
    assert slide.image.getpixel((16, 9)) == COLOURS[2]
    assert cache.ready(2) is None  # not wanted while slide 1 is current
    assert cache.made_on_demand == 1


def test_keeps_only_current_and_ahead(deck: list[Path]) -> None:
    cache = SlideCache(deck, cells=(16, 5), ahead=1)
    cache.set_current(1)
    assert cache.wanted(1) == [1, 2]
    made = cache.prepare_all()
    assert [s.index for s in made] == [1, 2]
    assert cache.ready(1) is not None and cache.ready(2) is not None
    cache.set_current(2)
    assert cache.ready(1) is None  # let go
    assert cache.ready(2) is not None
    assert cache.wanted(3) == [3]  # last slide: nothing after it


def test_keep_all_orders_upcoming_first(deck: list[Path]) -> None:
    cache = SlideCache(deck, cells=(16, 5), keep_all=True)
    assert cache.wanted(2) == [2, 3, 0, 1]
    cache.prepare_all()
    cache.set_current(3)
    assert all(cache.ready(i) is not None for i in range(4))


def test_resize_drops_old_sizes(deck: list[Path]) -> None:
    cache = SlideCache(deck, cells=(16, 5))
    cache.prepare(0)
    assert cache.resize(16, 5) is False
    assert cache.resize(40, 10) is True
    assert cache.generation == 1
    assert cache.ready(0) is None
    slide = cache.prepare(0)
    assert slide.cells == (40, 10) and len(slide.strips or []) == 10


def test_worker_makes_wanted_slides_off_the_calling_thread(deck: list[Path]) -> None:
    threads: list[str] = []
    done = threading.Event()

    def on_ready(slide: object) -> None:
        threads.append(threading.current_thread().name)
        if len(threads) == 2:
            done.set()

    cache = SlideCache(deck, cells=(16, 5), on_ready=on_ready)
    try:
        future = cache.prefetch(1)
        assert future is not None
        made = future.result(timeout=10)
        assert [s.index for s in made] == [1, 2]
        assert done.wait(5)
        assert all(name.startswith("slides") for name in threads)
        assert cache.prefetch(1) is None  # all ready already
    finally:
        cache.close()


def test_work_for_an_old_size_is_not_kept(deck: list[Path]) -> None:
    cache = SlideCache(deck, cells=(16, 5))
    try:
        gate = threading.Event()
        original = cache._fit

        def slow_fit(gen, index):  # type: ignore[no-untyped-def]
            gate.wait(5)
            return original(gen, index)

        cache._fit = slow_fit  # type: ignore[method-assign]
        future = cache.prefetch(0)
        cache.resize(20, 6)
        gate.set()
        assert future is not None
        future.result(timeout=10)
        assert cache.ready(0) is None
        assert cache.prepare(0).cells == (20, 6)
    finally:
        cache.close()


def test_broken_picture_becomes_a_black_slide_with_the_reason(deck: list[Path], tmp_path: Path) -> None:
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"not a png")
    cache = SlideCache([deck[0], broken], cells=(40, 10))
    slide = cache.prepare(1)
    assert slide.error is not None and slide.error.startswith("broken.png: ")
    assert slide.strips is not None and len(slide.strips) == 10
    assert slide.image.getpixel((0, 0)) == (0, 0, 0)


def test_graphics_modes_fit_to_the_pixel_box(deck: list[Path]) -> None:
    cache = SlideCache(deck, GraphicsMode.KITTY, cells=(40, 10), cell_pixels=(8, 16))
    slide = cache.prepare(0)
    assert slide.strips is None
    # 320x160 screen pixels; a 16:9 slide is 284x160, kept to whole cells
    # (36x10 cells of 8x16: kitty places it over exactly those; the view centres it).
    assert slide.image.size == (288, 160)
    assert slide.image.getpixel((144, 80)) == COLOURS[0]
    assert slide.image_id is not None and slide.payload is not None
    assert slide.payload.startswith(f"\x1b_Ga=t,t=d,f=24,o=z,s=288,v=160,i={slide.image_id},q=2,")
    # Sixel pictures are whole sixel bands (6 pixel rows) and, without tiles, within the terminal's limit.
    sixel = SlideCache(
        deck, GraphicsMode.SIXEL, cells=(40, 10), cell_pixels=(8, 16), sixel_max=(100, 100), sixel_tiles=False
    ).prepare(1)
    assert sixel.image.size == (100, 54) and sixel.image_id is None
    assert sixel.payload is not None and sixel.payload.startswith("\x1bP") and '"1;1;100;54' in sixel.payload


def test_kitty_image_ids_differ_per_slide_and_size(deck: list[Path]) -> None:
    cache = SlideCache(deck, GraphicsMode.KITTY, cells=(40, 10), cell_pixels=(8, 16))
    first = {cache.prepare(i).image_id for i in range(len(deck))}
    cache.resize(30, 10)
    second = {cache.prepare(i).image_id for i in range(len(deck))}
    assert len(first) == len(second) == len(deck) and not first & second


def test_rejects_empty_deck_and_bad_index(deck: list[Path]) -> None:
    with pytest.raises(ValueError):
        SlideCache([])
    with pytest.raises(IndexError):
        SlideCache(deck).prepare(4)


@pytest.fixture
def gc_restored() -> Iterator[None]:
    """The collector as it was before the test, whatever the test leaves."""
    was_enabled = gc.isenabled()
    yield
    gc.unfreeze()
    if was_enabled:
        gc.enable()
    else:
        gc.disable()


def test_gc_pause_and_resume(gc_restored: None) -> None:
    pause_gc()
    assert not gc.isenabled()
    assert gc.get_freeze_count() > 0
    seconds = resume_gc()
    assert gc.isenabled() and gc.get_freeze_count() == 0
    assert seconds >= 0


def test_a_late_resume_ends_only_its_own_pause(gc_restored: None) -> None:
    first = pause_gc()
    second = pause_gc()  # the next talk started before the first one's resume came
    assert resume_gc(first) == 0.0 and not gc.isenabled()
    resume_gc(second)
    assert gc.isenabled() and gc.get_freeze_count() == 0
    gc.disable()
    assert resume_gc(second) == 0.0 and not gc.isenabled(), "a pause is ended once"


def test_gc_watch_records_collections() -> None:
    with GcWatch() as watch:
        gc.collect()
    assert watch.pauses and watch.pauses[-1][0] == 2
    assert watch.longest > 0
    assert watch._callback not in gc.callbacks


@pytest.mark.parametrize("mode", [GraphicsMode.HALFCELL, GraphicsMode.KITTY])
def test_a_slide_given_its_file_later_is_made_again_from_it(deck: list[Path], mode: GraphicsMode) -> None:
    # A screen that gets a talk's slides one at a time starts with a stand-in for each.
    stand_in = deck[0].with_name("stand-in.png")
    Image.new("RGB", (16, 9)).save(stand_in)
    cache = SlideCache([stand_in] * 4, mode, cells=(32, 9), ahead=1)
    before = cache.prepare(1)
    assert before.image.getpixel((before.image.width // 2, before.image.height // 2)) == (0, 0, 0)
    cache.set_current(1)
    assert cache.ready(1) is not None
    cache.replace(1, deck[1])
    assert cache.ready(1) is None, "what was made of the stand-in is let go"
    assert not cache.is_current(before), "a stand-in made before the file came is never shown"
    after = cache.prepare(1)
    assert after.source == deck[1] and cache.is_current(after)
    assert after.image.getpixel((after.image.width // 2, after.image.height // 2)) == COLOURS[1]
    assert cache.ready(1) is after
