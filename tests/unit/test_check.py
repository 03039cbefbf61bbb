"""``battledecks check``: a corpus of broken decks and event files, each problem said once."""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import struct
import sys
import zlib
from pathlib import Path

import pytest
import yaml
from PIL import Image, ImageFile

from battledecks.cli import main
from battledecks.core.checks import (
    MAX_MEGAPIXELS,
    check_deck,
    check_decks_folder,
    check_event,
    check_image,
    check_paths,
    failing_deck_ids,
)
from battledecks.core.checks import decks as check_decks_module
from battledecks.core.decks import load_decks
from battledecks.core.problems import Problem, Severity
from battledecks.core.record import FORMAT
from tests.builders import build_deck, build_event, build_slide

ERROR, WARNING = Severity.ERROR, Severity.WARNING

QUICK = (640, 360)
"""The smallest slide that draws no warning: quicker to make and to check than 1280×720."""


# This file's decks, made by the one deck builder: slides named 01.png, 02.png... at the quick size.


@pytest.fixture
def make_deck():  # noqa: ANN201
    def make(folder: Path, n: int = 12, size: tuple[int, int] = QUICK, **kw):  # noqa: ANN003, ANN202
        return build_deck(folder, n, size, names="{n:02d}", **kw)

    return make


@pytest.fixture
def make_decks(make_deck):  # noqa: ANN001, ANN201
    def make(folder: Path, count: int = 4, n: int = 12, size: tuple[int, int] = QUICK):  # noqa: ANN202
        return [make_deck(folder / f"deck-{i}", n, size) for i in range(1, count + 1)]

    return make


@pytest.fixture
def save_slide():  # noqa: ANN201
    def save(path: Path, size: tuple[int, int] = (1280, 720), *, format: str | None = None) -> Path:
        return build_slide(path, size, format=format)

    return save


@pytest.fixture
def write_event():  # noqa: ANN201
    """An event file at the path given, its decks folder beside it, with two presenters unless keys say otherwise."""

    def write(path: Path, **keys: object) -> Path:
        return build_event(path.parent, path.stem, **({"decks": "decks", "presenters": ["Ada", "Grace"]} | keys))

    return write


@pytest.fixture
def write_text():  # noqa: ANN201
    def write(path: Path, text: str) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return write


def said(problems: list[Problem]) -> list[tuple[str, Severity, str]]:
    """Each problem as (file name, severity, message): what a test compares."""
    return [(p.path.name, p.severity, p.message) for p in problems]


def one(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0]


def png_header(width: int, height: int) -> bytes:
    """A PNG that claims ``width``×``height`` but holds almost no data: a decompression bomb's header."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    """Bytes and modification time of every file below ``root`` (links not followed)."""
    found = {}
    for folder, _, files in os.walk(root):
        for name in files:
            path = os.path.join(folder, name)
            if not os.path.islink(path):
                found[path] = (Path(path).read_bytes(), os.stat(path).st_mtime_ns)
    return found


# --- good decks ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("suffix", "size"),
    [(".png", (1280, 720)), (".jpg", (1024, 768)), (".gif", (640, 360)), (".webp", (800, 450)), (".bmp", (800, 600))],
)
def test_good_deck_in_every_format_has_no_problems(
    tmp_path: Path, suffix: str, size: tuple[int, int], make_deck
) -> None:
    deck = make_deck(tmp_path / "good", 3, size, suffix=suffix, title="Good", authors=["Ada"])
    assert check_deck(deck, 3) == []


def test_image_with_the_wrong_ending_is_fine_if_it_decodes(tmp_path: Path, make_deck, save_slide) -> None:
    deck = make_deck(tmp_path / "d", 12)
    save_slide(deck / "05.png", format="JPEG")
    assert check_deck(deck) == []


# --- slide count -------------------------------------------------------------------


def test_deck_with_too_few_slides(tmp_path: Path, make_deck) -> None:
    deck = make_deck(tmp_path / "short", 11)
    problem = one(check_deck(deck, 12))
    assert (problem.path, problem.severity, problem.message) == (deck, ERROR, "has 11 slides, needs 12")


def test_slide_count_follows_the_number_asked_for(tmp_path: Path, make_deck) -> None:
    deck = make_deck(tmp_path / "d", 10)
    assert check_deck(deck, 10) == []
    assert said(check_deck(deck, 12)) == [("d", ERROR, "has 10 slides, needs 12")]


def test_deck_with_no_slides(tmp_path: Path, write_text) -> None:
    deck = tmp_path / "empty"
    write_text(deck / "deck.yaml", "title: Nothing yet\n")
    assert said(check_deck(deck, 12)) == [("empty", ERROR, "has no slides, needs 12")]


# --- slides that are not good images ---------------------------------------------


def test_file_that_is_not_an_image(tmp_path: Path, make_deck) -> None:
    deck = make_deck(tmp_path / "d", 12)
    (deck / "03.png").write_text("I am a slide, honest")
    assert said(check_deck(deck)) == [
        ("03.png", ERROR, "not a PNG, JPEG, GIF, WebP or BMP image, whatever its name says")
    ]


def test_image_in_a_format_slides_may_not_use(tmp_path: Path, make_deck, save_slide) -> None:
    deck = make_deck(tmp_path / "d", 12)
    save_slide(deck / "03.png", format="TIFF")
    assert said(check_deck(deck)) == [
        ("03.png", ERROR, "not a PNG, JPEG, GIF, WebP or BMP image, whatever its name says")
    ]


@pytest.mark.parametrize("suffix", [".png", ".jpg"])
def test_truncated_image(tmp_path: Path, suffix: str, make_deck) -> None:
    deck = make_deck(tmp_path / "d", 12)
    slide = deck / f"03{suffix}"
    (deck / "03.png").unlink()
    # Noise, so the file is big enough that half of it is clearly cut short.
    Image.effect_noise((1280, 720), 64).convert("RGB").save(slide)
    slide.write_bytes(slide.read_bytes()[: slide.stat().st_size // 2])
    problem = one(check_deck(deck))
    assert (problem.path, problem.severity) == (slide, ERROR)
    assert problem.message.startswith("damaged image (truncated or corrupt): ")


@pytest.mark.parametrize(("width", "height"), [(8000, 7000), (20000, 20000)])
def test_decompression_bomb_is_refused_without_decoding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, width: int, height: int
) -> None:
    slide = tmp_path / "bomb.png"
    slide.write_bytes(png_header(width, height))

    def no_decoding(self: ImageFile.ImageFile) -> None:
        raise AssertionError("a bomb must never be decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    problem = one(list(check_image(slide).problems))
    assert problem.severity is ERROR
    assert problem.message.endswith(f"too large to open safely (over {MAX_MEGAPIXELS} megapixels)")
    if width * height < 89_000_000:  # under Pillow's own limit, the check knows the size
        assert problem.message.startswith("8000×7000 is 56 megapixels: ")


def test_small_slides_are_warned_about_once_for_the_deck(tmp_path: Path, make_deck) -> None:
    deck = make_deck(tmp_path / "tiny", 12, (320, 180))
    problem = one(check_deck(deck))
    assert (problem.path, problem.severity) == (deck, WARNING)
    assert problem.message == (
        "12 slides (01.png, 02.png, 03.png and 9 more): "
        "small image 320×180 (under 640×360): will look blurry on a big screen"
    )


def test_one_small_slide_is_warned_about_by_name(tmp_path: Path, make_deck, save_slide) -> None:
    deck = make_deck(tmp_path / "d", 12)
    save_slide(deck / "07.png", (640, 359))
    assert said(check_deck(deck)) == [
        ("07.png", WARNING, "small image 640×359 (under 640×360): will look blurry on a big screen")
    ]


@pytest.mark.parametrize(("size", "ratio"), [((1000, 1000), "1.00"), ((720, 1280), "0.56"), ((2400, 800), "3.00")])
def test_odd_aspect_ratio_will_be_letterboxed(
    tmp_path: Path, size: tuple[int, int], ratio: str, make_deck, save_slide
) -> None:
    deck = make_deck(tmp_path / "d", 12)
    save_slide(deck / "02.png", size)
    problems = [p for p in check_deck(deck) if "aspect" in p.message]
    assert said(problems) == [
        ("02.png", WARNING, f"aspect ratio {size[0]}×{size[1]} ({ratio}:1) is far from 4:3..16:9: will be letterboxed")
    ]


@pytest.mark.parametrize("size", [(1024, 768), (1280, 720), (1280, 800), (1500, 750)])
def test_usual_aspect_ratios_are_fine(tmp_path: Path, size: tuple[int, int], make_deck) -> None:
    assert check_deck(make_deck(tmp_path / "d", 2, size), 2) == []


def test_animated_gif_shows_its_first_frame(tmp_path: Path, make_deck) -> None:
    deck = make_deck(tmp_path / "d", 12)
    (deck / "04.png").unlink()
    frames = [Image.new("RGB", (1280, 720), colour) for colour in ("red", "blue")]
    for frame in frames:
        frame.paste("white", (100, 100, 400, 200))  # not one flat colour
    frames[0].save(deck / "04.gif", save_all=True, append_images=frames[1:])
    assert said(check_deck(deck)) == [("04.gif", WARNING, "animated: only the first frame is shown")]


# --- the folder around the slides -------------------------------------------------


def test_stray_files_and_folders_in_a_deck_are_ignored_with_a_warning(tmp_path: Path, make_deck, write_text) -> None:
    deck = make_deck(tmp_path / "d", 12)
    write_text(deck / "notes.txt", "speaker notes")
    write_text(deck / ".DS_Store", "hidden files are nobody's business")
    write_text(deck / "deck.yml", "title: x\n")
    (deck / "drafts").mkdir()
    assert said(check_deck(deck)) == [
        ("deck.yml", WARNING, "ignored: the deck's file must be named deck.yaml"),
        ("drafts", WARNING, "folder inside a deck: ignored"),
        ("notes.txt", WARNING, "not a slide image: ignored"),
    ]


def test_bad_deck_yaml_is_reported_with_its_line(tmp_path: Path, make_deck, write_text) -> None:
    deck = make_deck(tmp_path / "d", 12)
    write_text(deck / "deck.yaml", "title: Cats\nretired: soon\n")
    problem = one(check_deck(deck))
    assert (problem.path, problem.line, problem.key, problem.message) == (
        deck / "deck.yaml",
        2,
        "retired",
        "must be true or false",
    )


def test_symlink_loop_and_broken_link_in_a_deck(tmp_path: Path, make_deck) -> None:
    deck = make_deck(tmp_path / "d", 12)
    os.symlink(deck / "13.png", deck / "14.png")
    os.symlink(deck / "14.png", deck / "13.png")
    os.symlink(tmp_path / "gone.png", deck / "15.png")
    assert said(check_deck(deck)) == [
        ("13.png", ERROR, "symbolic link loop"),
        ("14.png", ERROR, "symbolic link loop"),
        ("15.png", ERROR, f"broken symbolic link (points to {tmp_path / 'gone.png'}, which does not exist)"),
    ]


def test_deck_yaml_that_is_a_symlink_loop_is_said_once(tmp_path: Path, make_deck) -> None:
    deck = make_deck(tmp_path / "d", 12)
    os.symlink(deck / "other.yaml", deck / "deck.yaml")
    os.symlink(deck / "deck.yaml", deck / "other.yaml")
    assert said(check_deck(deck)) == [
        ("other.yaml", ERROR, "symbolic link loop"),
        ("deck.yaml", ERROR, "symbolic link loop"),
    ]


def test_unreadable_slide(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_deck) -> None:
    # Tests run as root, who can read anything: refuse the read itself.
    deck = make_deck(tmp_path / "d", 12)
    refused: list[Path] = []
    real_open = Path.open

    def open_or_refuse(self: Path, *args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        if self.name == "05.png":
            refused.append(self)
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", open_or_refuse)
    assert said(check_deck(deck)) == [("05.png", ERROR, "cannot read: permission denied")]
    assert refused == [deck / "05.png"]


def refuse_listing(monkeypatch: pytest.MonkeyPatch, folder: Path) -> list[str]:
    refused: list[str] = []
    real_scandir = os.scandir

    def scandir_or_refuse(path):  # noqa: ANN001, ANN202
        if os.fspath(path) == os.fspath(folder):
            refused.append(os.fspath(path))
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(check_decks_module.os, "scandir", scandir_or_refuse)
    return refused


def test_unreadable_deck_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_decks) -> None:
    make_decks(tmp_path / "decks", 2)
    refused = refuse_listing(monkeypatch, tmp_path / "decks" / "deck-2")
    result = check_decks_folder(tmp_path / "decks")
    assert said(list(result.problems)) == [("deck-2", ERROR, "cannot read deck folder: permission denied")]
    assert result.failing == {"deck-2"}
    assert refused


def test_unreadable_path_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_decks) -> None:
    make_decks(tmp_path / "decks", 1)
    refused = refuse_listing(monkeypatch, tmp_path / "decks")
    assert said(check_paths([tmp_path / "decks"]).problems) == [
        ("decks", ERROR, "cannot read folder: permission denied")
    ]
    assert refused


# --- decks folders ------------------------------------------------------------------


def test_same_image_in_two_decks(tmp_path: Path, make_decks) -> None:
    decks = make_decks(tmp_path / "decks", 3)
    shutil.copy(decks[0] / "04.png", decks[2] / "09.png")
    result = check_decks_folder(tmp_path / "decks")
    problem = one(list(result.problems))
    assert (problem.path, problem.severity) == (decks[2] / "09.png", WARNING)
    assert problem.message == f"same image as {decks[0] / '04.png'}"
    assert result.failing == frozenset()


def test_decks_folder_reports_every_deck_and_stray_entry(tmp_path: Path, make_deck, make_decks, write_text) -> None:
    folder = tmp_path / "decks"
    make_decks(folder, 2)
    make_deck(folder / "short", 3)
    (folder / "empty").mkdir()
    write_text(folder / "list.txt", "which decks are which")
    os.symlink(folder / "loop-b", folder / "loop-a")
    os.symlink(folder / "loop-a", folder / "loop-b")
    result = check_decks_folder(folder, 12)
    assert said(list(result.problems)) == [
        ("empty", ERROR, "has no slides, needs 12"),
        ("list.txt", WARNING, "not a deck folder: ignored"),
        ("loop-a", ERROR, "symbolic link loop"),
        ("loop-b", ERROR, "symbolic link loop"),
        ("short", ERROR, "has 3 slides, needs 12"),
    ]
    assert result.failing == {"empty", "short"}
    assert [d.id for d in result.decks] == ["deck-1", "deck-2", "empty", "short"]


def test_decks_folder_without_decks(tmp_path: Path, write_text) -> None:
    write_text(tmp_path / "decks" / "README.md", "decks go here")
    problems = check_decks_folder(tmp_path / "decks").problems
    assert said(list(problems)) == [
        ("README.md", WARNING, "not a deck folder: ignored"),
        ("decks", ERROR, "no deck folders in it"),
    ]


def test_failing_deck_ids_is_what_the_draw_leaves_out(tmp_path: Path, make_deck, make_decks) -> None:
    folder = tmp_path / "decks"
    make_decks(folder, 3)
    (folder / "deck-2" / "01.png").write_bytes(b"not an image")
    make_deck(folder / "tiny", 12, (320, 180))  # warnings only: may still be drawn
    assert failing_deck_ids(load_decks(folder), 12) == {"deck-2"}
    assert failing_deck_ids(load_decks(folder), 11) == {"deck-1", "deck-2", "deck-3", "tiny"}


def test_slide_results_are_reused_until_the_file_changes(tmp_path: Path, save_slide) -> None:
    slide = save_slide(tmp_path / "s.png")
    first = check_image(slide)
    assert check_image(slide) is first
    slide.write_bytes(b"changed")
    os.utime(slide, ns=(1, 1))
    assert not check_image(slide).ok


# --- paths of every kind ---------------------------------------------------------------


def test_what_a_path_is_comes_from_what_it_holds(tmp_path: Path, make_deck, make_decks, write_event) -> None:
    deck = make_deck(tmp_path / "one-deck", 10)
    make_decks(tmp_path / "decks", 2, 10)
    event = write_event(tmp_path / "events" / "night.yaml", decks="../decks", slides=10)
    report = check_paths([deck, tmp_path / "decks", event, tmp_path / "events"], slides=10)
    assert report.problems == []
    assert len(report.decks) == 3 and len(report.slides) == 30
    # The events folder holds the same event again: it is checked twice, summarised twice.
    assert [e.path for e in report.events] == [event, event]


def test_loose_deck_needs_twelve_slides_unless_told(tmp_path: Path, make_deck) -> None:
    deck = make_deck(tmp_path / "d", 10)
    assert said(check_paths([deck]).problems) == [("d", ERROR, "has 10 slides, needs 12")]
    assert check_paths([deck], slides=10).problems == []


def test_stray_images_beside_deck_folders_do_not_make_a_deck(tmp_path: Path, make_decks, save_slide) -> None:
    folder = tmp_path / "decks"
    make_decks(folder, 2)
    save_slide(folder / "cover.png")
    report = check_paths([folder])
    assert said(report.problems) == [("cover.png", WARNING, "not a deck folder: ignored")]
    assert len(report.decks) == 2


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.mkdir(), "nothing to check: empty folder"),
        (
            lambda p: (p.mkdir(), (p / "todo.txt").write_text("make decks")),
            "nothing to check: no slides, deck folders or event files in it",
        ),
        (lambda p: None, "no such file or folder"),
        (lambda p: p.write_text("plain text"), "not an event file (.yaml), a slide, a deck or a decks folder"),
    ],
)
def test_paths_with_nothing_to_check(tmp_path: Path, make, message: str) -> None:  # noqa: ANN001
    path = tmp_path / "target"
    make(path)
    assert said(check_paths([path]).problems) == [("target", ERROR, message)]


def test_symlink_loop_given_as_a_path(tmp_path: Path) -> None:
    os.symlink(tmp_path / "b", tmp_path / "a")
    os.symlink(tmp_path / "a", tmp_path / "b")
    assert said(check_paths([tmp_path / "a"]).problems) == [("a", ERROR, "symbolic link loop")]


def test_single_slide_and_deck_yaml_can_be_checked_alone(tmp_path: Path, save_slide, write_text) -> None:
    slide = save_slide(tmp_path / "s.png", (300, 300))
    deck_file = write_text(tmp_path / "deck.yaml", "title: x\ncolour: red\n")
    report = check_paths([slide, deck_file])
    assert [(p.path.name, p.line, p.key) for p in report.problems] == [
        ("s.png", None, None),
        ("s.png", None, None),
        ("deck.yaml", 2, "colour"),
    ]


def test_record_file_is_skipped(tmp_path: Path, write_text) -> None:
    record = write_text(tmp_path / "night.record.yaml", "format: 1\nlog: []\n")
    assert said(check_paths([record]).problems) == [
        ("night.record.yaml", WARNING, "an event's record, not an event file: skipped")
    ]


def test_a_crash_in_one_deck_is_a_problem_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_decks
) -> None:
    make_decks(tmp_path / "decks", 2)

    def explode(path: Path):  # noqa: ANN202
        raise RuntimeError("decoder fell over")

    monkeypatch.setattr(check_decks_module, "check_image", explode)
    report = check_paths([tmp_path / "decks"])
    assert said(report.problems) == [
        ("deck-1", ERROR, "cannot check deck: decoder fell over"),
        ("deck-2", ERROR, "cannot check deck: decoder fell over"),
    ]


# --- events ---------------------------------------------------------------------------


def test_event_checks_its_decks_with_its_own_slide_count(tmp_path: Path, make_decks, write_event) -> None:
    make_decks(tmp_path / "decks", 3, 10)
    event = write_event(tmp_path / "night.yaml", slides=12)
    problems, summary = check_event(event)
    assert [(p.path.name, p.message) for p in problems] == [
        ("deck-1", "has 10 slides, needs 12"),
        ("deck-2", "has 10 slides, needs 12"),
        ("deck-3", "has 10 slides, needs 12"),
        ("night.yaml", "0 decks available to draw for 2 presenters"),
    ]
    assert problems[-1].key == "presenters" and problems[-1].line == 3
    assert summary is not None and not summary.enough
    assert summary.describe() == "0 decks available to draw for 2 presenters: not enough"


def test_event_with_enough_decks(tmp_path: Path, make_decks, write_event) -> None:
    make_decks(tmp_path / "decks", 3)
    problems, summary = check_event(write_event(tmp_path / "night.yaml", presenters=["Ada", "Grace", "Alan"]))
    assert problems == []
    assert summary is not None and summary.enough
    assert summary.describe() == "3 decks available to draw for 3 presenters: enough"


def test_retired_and_failing_decks_are_not_available(tmp_path: Path, make_deck, make_decks, write_event) -> None:
    make_decks(tmp_path / "decks", 2)
    make_deck(tmp_path / "decks" / "old", 12, retired=True)
    make_deck(tmp_path / "decks" / "short", 11)
    problems, summary = check_event(write_event(tmp_path / "night.yaml", presenters=["A", "B", "C"]))
    assert summary is not None and summary.available == 2
    assert [p.message for p in problems] == ["has 11 slides, needs 12", "2 decks available to draw for 3 presenters"]


def test_presenters_who_made_the_decks_cannot_all_draw(tmp_path: Path, make_deck, write_event) -> None:
    make_deck(tmp_path / "decks" / "a", authors=["Ada"])
    make_deck(tmp_path / "decks" / "b", authors=["ada"])
    problems, summary = check_event(write_event(tmp_path / "night.yaml", presenters=["Ada", "Grace"]))
    problem = one(problems)
    assert (problem.key, problem.line) == ("presenters", 3)
    assert (
        problem.message == "presenters made too many of the decks: only 1 of 2 can each draw a deck they did not make"
    )
    assert summary is not None and not summary.enough


def test_too_few_topics(tmp_path: Path, make_decks, write_event) -> None:
    make_decks(tmp_path / "decks", 3)
    problems, summary = check_event(write_event(tmp_path / "night.yaml", presenters=["A", "B", "C"], topics=["Cats"]))
    problem = one(problems)
    assert (problem.key, problem.line, problem.message) == (
        "topics",
        7,
        "1 topic for 3 presenters: each presenter draws one",
    )
    assert (
        summary is not None and summary.describe() == "3 decks available to draw for 3 presenters, 1 topic: not enough"
    )


def test_decks_shown_at_earlier_events_are_not_available(tmp_path: Path, make_decks, write_event, write_text) -> None:
    make_decks(tmp_path / "decks", 3)
    entry = {"kind": "talk-start", "presenter": "X", "deck": "deck-2", "at": "2010-04-13T20:00:00"}
    write_text(tmp_path / "before.record.yaml", yaml.safe_dump({"format": FORMAT, "log": [entry]}))
    problems, summary = check_event(write_event(tmp_path / "night.yaml"))
    assert problems == []
    assert summary is not None and (summary.available, summary.shown_before) == (2, 1)
    assert summary.describe() == "2 decks available to draw (1 more shown at earlier events) for 2 presenters: enough"
    _, again = check_event(write_event(tmp_path / "again.yaml", reuse=True))
    assert again is not None and again.available == 3


def test_event_with_errors_still_has_its_decks_checked(tmp_path: Path, make_decks, write_event) -> None:
    make_decks(tmp_path / "decks", 1, 11)
    event = write_event(tmp_path / "night.yaml", slides=11, seconds=-5, presenters=["A", "a"])
    problems, summary = check_event(event)
    assert [(p.path.name, p.key, p.line, p.message) for p in problems] == [
        ("night.yaml", "seconds", 7, "must be above 0, not -5"),
        ("night.yaml", "presenters[1]", 5, "duplicate presenter 'a' (also item 1)"),
    ]
    assert summary is not None and summary.presenters is None and summary.available == 1
    assert summary.describe() == "1 deck available to draw (presenters not counted: the event file has errors)"


def test_event_whose_decks_folder_is_missing(tmp_path: Path, write_event) -> None:
    event = write_event(tmp_path / "night.yaml", decks="nowhere")
    problems, summary = check_event(event)
    assert [(p.key, p.line) for p in problems] == [("decks", 2)]
    assert summary is None


def test_unreadable_event_file(tmp_path: Path, write_text) -> None:
    event = write_text(tmp_path / "night.yaml", "name: [\n")
    problem = one(check_paths([event]).problems)
    assert (problem.path, problem.line) == (event, 2)
    assert problem.message.startswith("invalid YAML: ")


# --- the command ---------------------------------------------------------------------------


@pytest.fixture
def corpus(tmp_path: Path, make_deck, make_decks, write_event, write_text) -> Path:
    """A decks folder with one of everything that can go wrong, and an event using it."""
    decks = tmp_path / "decks"
    make_decks(decks, 3)
    broken = make_deck(decks / "broken", 12)
    (broken / "02.png").write_text("no image here")
    write_text(broken / "deck.yaml", "title: Broken\nauthor: Ada\n")
    make_deck(decks / "short", 5)
    tiny = make_deck(decks / "tiny", 12, (320, 180))
    shutil.copy(decks / "deck-1" / "01.png", tiny / "12.png")
    write_text(decks / "deck-3" / "notes.txt", "x")
    write_event(tmp_path / "night.yaml", presenters=["A", "B", "C", "D", "E"])
    return tmp_path


def test_command_reports_every_problem_and_exits_1(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(corpus)
    assert main(["check", str(corpus / "decks"), str(corpus / "night.yaml"), "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert [(Path(p["path"]).name, p["severity"], p["line"]) for p in out["problems"]] == [
        ("deck.yaml", "error", 2),
        ("02.png", "error", None),
        ("notes.txt", "warning", None),
        ("short", "error", None),
        ("tiny", "warning", None),
        ("12.png", "warning", None),
        ("night.yaml", "error", 3),
    ]
    assert out["summary"] == {
        "errors": 4,
        "warnings": 3,
        "decks": 6,
        "slides": 65,
        "events": 1,
        "decoded": 65,
        "text": "4 errors, 3 warnings in 6 decks (65 slides) and 1 event",
    }
    [event] = out["events"]
    assert (event["available"], event["presenters"], event["enough"]) == (4, 5, False)
    assert snapshot(corpus) == before


def test_command_prints_a_table_and_the_summary_in_a_terminal(
    corpus: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "240")
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    assert main(["check", str(corpus / "night.yaml")]) == 1
    captured = capsys.readouterr()
    lines = re.sub(r"\x1b\[[0-9;]*m", "", captured.out).splitlines()
    assert any(
        "02.png" in line and "error" in line and "not a PNG, JPEG, GIF, WebP or BMP image" in line for line in lines
    )
    assert any("deck.yaml" in line and "│    2 │" in line and "author: unknown key" in line for line in lines)
    assert f"{corpus / 'night.yaml'}: 4 decks available to draw for 5 presenters: not enough" in lines
    assert lines[-1] == "4 errors, 3 warnings in 6 decks (65 slides) and 1 event"
    assert "Traceback" not in captured.out + captured.err


def test_command_through_a_pipe_prints_one_problem_per_line(
    corpus: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")  # a narrow pipe must not wrap or cut a path
    assert main(["check", str(corpus / "night.yaml")]) == 1
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    deck_yaml = [line for line in lines if "deck.yaml" in line and "author" in line]
    assert len(deck_yaml) == 1
    assert re.fullmatch(r".+/deck\.yaml:2: (error|warning): author: unknown key.*", deck_yaml[0]), deck_yaml[0]
    image = next(line for line in lines if "02.png" in line)
    assert re.fullmatch(r".+/02\.png: error: .*not a PNG, JPEG, GIF, WebP or BMP image.*", image), image
    assert f"{corpus / 'night.yaml'}: 4 decks available to draw for 5 presenters: not enough" in lines
    assert lines[-1] == "4 errors, 3 warnings in 6 decks (65 slides) and 1 event"
    assert not any("│" in line or "─" in line for line in lines)


def test_command_exits_0_with_warnings_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], make_decks, write_text
) -> None:
    make_decks(tmp_path / "decks", 2)
    write_text(tmp_path / "decks" / "deck-1" / "notes.txt", "x")
    assert main(["check", str(tmp_path / "decks")]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "0 errors, 1 warning in 2 decks (24 slides)"


def test_command_with_slides_option(tmp_path: Path, capsys: pytest.CaptureFixture[str], make_deck) -> None:
    deck = make_deck(tmp_path / "d", 10)
    assert main(["check", str(deck)]) == 1
    assert main(["check", str(deck), "--slides", "10"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "0 errors, 0 warnings in 1 deck (10 slides)"


@pytest.mark.parametrize(
    "argv", [["check"], ["check", "x", "--slides", "0"], ["check", "x", "--slides", "many"], ["check", "--colour", "x"]]
)
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 2
    assert "usage: battledecks" in capsys.readouterr().err


def test_command_never_prints_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(paths, *, slides=None, progress=None):  # noqa: ANN001, ANN202
        raise MemoryError("out of memory")

    monkeypatch.setattr("battledecks.commands.check.check_paths", explode)
    assert main(["check", str(tmp_path)]) == 1
    captured = capsys.readouterr()
    assert captured.err == "battledecks check: could not finish: MemoryError: out of memory\n"
    assert "Traceback" not in captured.out + captured.err
