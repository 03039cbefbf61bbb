"""The page cache while a stage reads it: a complete folder is never replaced, and a PDF is drawn once at a time."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest

from battledecks.core import pdf as pdf_module
from battledecks.core.pdf import cached_pages
from tests.pdf_builders import make_pdf


def test_a_complete_folder_another_writer_put_in_place_is_kept_as_it_is(tmp_path: Path) -> None:
    pdf = make_pdf(tmp_path / "talk.pdf", pages=4)
    done_elsewhere = cached_pages(pdf, tmp_path / "other-cache")
    cache = tmp_path / "cache"
    seen: dict[str, int] = {}

    def another_writer_finishes_first(done: int, pages: int) -> None:
        if done == 1:
            # Another process puts the whole deck in place; the stage starts reading it.
            shutil.copytree(done_elsewhere[0].parent, cache / done_elsewhere[0].parent.name)
            seen.update({p.name: p.stat().st_ino for p in (cache / done_elsewhere[0].parent.name).iterdir()})

    files = cached_pages(pdf, cache, on_page=another_writer_finishes_first)
    # The pages the stage was reading are those files still: nothing replaced or emptied them.
    assert {p.name: p.stat().st_ino for p in files} == seen
    assert [p.name for p in cache.iterdir()] == [files[0].parent.name], "nothing hidden is left"


def test_an_incomplete_folder_is_replaced_whole(tmp_path: Path) -> None:
    pdf = make_pdf(tmp_path / "talk.pdf", pages=4)
    cache = tmp_path / "cache"
    files = cached_pages(pdf, cache)
    files[2].unlink()  # a page deleted by hand
    again = cached_pages(pdf, cache)
    assert again == files and all(p.is_file() for p in again)
    assert [p.name for p in cache.iterdir()] == [files[0].parent.name], "nothing hidden is left"


def test_two_threads_asking_at_once_draw_each_page_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pdf = make_pdf(tmp_path / "talk.pdf", pages=6)
    draw_page = pdf_module._render
    drawn: list[int] = []
    first_page = threading.Event()
    go_on = threading.Event()

    def counted(doc, path, index, size):  # noqa: ANN001, ANN202
        drawn.append(index)
        if index == 0:
            first_page.set()
            go_on.wait(timeout=30)  # the second thread asks while the first is drawing
        return draw_page(doc, path, index, size)

    monkeypatch.setattr(pdf_module, "_render", counted)
    cache = tmp_path / "cache"
    results: dict[str, list[Path]] = {}
    first = threading.Thread(target=lambda: results.setdefault("first", cached_pages(pdf, cache)))
    second = threading.Thread(target=lambda: results.setdefault("second", cached_pages(pdf, cache)))
    first.start()
    assert first_page.wait(timeout=30)
    second.start()
    go_on.set()
    first.join(timeout=60)
    second.join(timeout=60)
    assert results["first"] == results["second"] and all(p.is_file() for p in results["first"])
    assert sorted(drawn) == list(range(6)), "the second waited for the first and took its pages"
