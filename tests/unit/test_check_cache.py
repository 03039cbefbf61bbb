"""The check cache: an unchanged library is re-checked without decoding, a change is always noticed."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from battledecks.core.checks import cache as check_cache
from battledecks.core.checks import check_paths
from battledecks.core.checks import slides as check_slides
from battledecks.core.record import RecordError
from battledecks.core.show import Show
from tests.builders import build_deck, build_event


@pytest.fixture
def decoded(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[Path]:
    """Every slide decoded in this process from now on; a fresh cache file and an empty memory."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(check_slides, "_slide_cache", {})
    monkeypatch.setattr(check_cache, "_loaded", set())
    # One by one, so the spy sees each decode in order.
    monkeypatch.setattr(check_cache, "PARALLEL_FROM", 10**9)
    seen: list[Path] = []
    real = check_slides._check_image

    def spy(path: Path, size: int) -> check_slides.SlideCheck:
        seen.append(path)
        return real(path, size)

    monkeypatch.setattr(check_slides, "_check_image", spy)
    return seen


def forget_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    """As a new process: only the cache file is left."""
    monkeypatch.setattr(check_slides, "_slide_cache", {})
    monkeypatch.setattr(check_cache, "_loaded", set())


def library(root: Path, count: int = 3) -> Path:
    for i in range(count):
        build_deck(root / "decks" / f"deck-{i}")
    return root / "decks"


def test_second_check_decodes_nothing(tmp_path: Path, decoded: list[Path], monkeypatch: pytest.MonkeyPatch) -> None:
    decks = library(tmp_path)
    first = check_paths([decks])
    assert first.ok and len(decoded) == 36
    assert check_cache.cache_file().exists()
    forget_memory(monkeypatch)
    decoded.clear()
    second = check_paths([decks])
    assert decoded == []
    assert [p.as_dict() for p in second.problems] == [p.as_dict() for p in first.problems]
    assert second.describe() == first.describe()


def test_changed_added_removed_and_broken_files_are_noticed(
    tmp_path: Path, decoded: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    decks = library(tmp_path)
    assert check_paths([decks]).ok
    forget_memory(monkeypatch)
    decoded.clear()
    changed = decks / "deck-0" / "slide3.png"
    shutil.copy(decks / "deck-1" / "slide5.png", changed)  # other bytes: same image as in deck-1
    (decks / "deck-1" / "slide12.png").unlink()  # removed: 11 slides
    broken = decks / "deck-2" / "slide1.png"
    broken.write_bytes(broken.read_bytes()[:40])  # truncated
    build_deck(decks / "deck-new")  # added
    report = check_paths([decks])
    assert sorted(p.name for p in decoded if p.parent.name != "deck-new") == ["slide1.png", "slide3.png"]
    assert sum(1 for p in decoded if p.parent.name == "deck-new") == 12
    text = "\n".join(str(p) for p in report.problems)
    assert "deck-1: has 11 slides, needs 12" in text
    assert f"{broken}" in text and report.errors >= 2
    assert f"{changed}: same image as" in text or "same image as" in text
    assert "4 decks" in report.describe()


def test_no_cache_decodes_everything_and_keeps_nothing(
    tmp_path: Path, decoded: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    decks = library(tmp_path, 1)
    check_paths([decks])
    forget_memory(monkeypatch)
    decoded.clear()
    monkeypatch.setattr(check_cache, "enabled", False)
    before = check_cache.cache_file().read_bytes()
    check_paths([decks])
    assert len(decoded) == 12
    assert check_cache.cache_file().read_bytes() == before


def test_a_decks_folder_given_and_reached_again_by_an_event_is_decoded_once(
    tmp_path: Path, decoded: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`check decks events/x.yaml --no-cache`: the event's decks are the folder given (as ../decks)."""
    decks = library(tmp_path)
    event = build_event(tmp_path / "events")
    monkeypatch.setattr(check_cache, "enabled", False)
    report = check_paths([decks, event, decks / "deck-1"])
    assert report.ok and len(report.slides) == 36
    assert len(decoded) == 36 and report.decoded == 36
    assert len({os.path.realpath(path) for path in decoded}) == 36


def test_the_check_command_through_a_pipe_counts_each_slide_once_and_prints_no_progress(tmp_path: Path) -> None:
    import subprocess
    import sys

    library(tmp_path)
    event = build_event(tmp_path / "events")
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    result = subprocess.run(
        [sys.executable, "-m", "battledecks", "check", "decks", "events/test.yaml", "--no-cache"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # no "N of M slides decoded" lines into a pipe or a log
    assert result.stdout.splitlines()[-1].endswith(" in 3 decks (36 slides) and 1 event")
    assert event.exists()


def test_a_damaged_cache_file_is_ignored(tmp_path: Path, decoded: list[Path], monkeypatch: pytest.MonkeyPatch) -> None:
    decks = library(tmp_path, 1)
    check_cache.cache_file().parent.mkdir(parents=True)
    check_cache.cache_file().write_text('{"format": 1, "slides": [[1, 2], "nonsense"]', encoding="utf-8")
    assert check_paths([decks]).ok
    assert len(decoded) == 12
    data = json.loads(check_cache.cache_file().read_text(encoding="utf-8"))
    assert data["format"] == 1 and len(data["slides"]) == 12


def test_slides_are_checked_on_every_core(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(check_slides, "_slide_cache", {})
    monkeypatch.setattr(check_cache, "_loaded", set())
    decks = library(tmp_path, 3)
    told: list[tuple[int, int]] = []
    slides = check_cache.slides_of(sorted(decks.iterdir()))
    assert check_cache.warm(slides, workers=2, progress=lambda d, t: told.append((d, t))) == 36
    assert told[0] == (0, 36) and told[-1] == (36, 36)
    assert all(check_slides.known(p) for p in slides)
    # Already known: nothing more to do.
    assert check_cache.warm(slides, workers=2) == 0


def test_the_show_opens_before_its_decks_are_checked(event_dir: Path, seeds, wall) -> None:  # noqa: ANN001
    event = build_event(event_dir / "events", name="night")
    show = Show.open(event, seed_source=seeds, clock=wall, scan=False)
    assert not show.scan.finished and show.decks == {}
    with pytest.raises(RecordError, match="still being checked"):
        show.draw_for("Ada")
    seen = []
    scan = show.scan_decks(seen.append)
    assert scan.finished and scan.decks == 6 and len(show.decks) == 6
    assert seen[-1].finished and "6 decks checked" == seen[-1].describe()
    assert show.draw_for("Ada").deck.id in show.decks


def test_the_drawn_deck_is_decoded_again_whatever_the_cache_says(event_dir: Path, seeds, wall) -> None:  # noqa: ANN001
    event = build_event(event_dir / "events", name="night")
    show = Show.open(event, seed_source=seeds, clock=wall)
    deck = show.decks[show.draw_for("Ada").deck.id]
    slide = deck.slides[4]
    st = slide.stat()
    data = slide.read_bytes()
    # Damaged in place with the same size and time: the cache cannot tell.
    slide.write_bytes(data[:60] + bytes(len(data) - 60))
    os.utime(slide, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert check_slides.check_image(slide).ok
    broken = show.verify_deck("Ada")
    assert broken and str(slide) in str(broken[0])


def test_the_check_command_notices_a_changed_an_added_and_a_broken_deck(tmp_path: Path) -> None:
    """Two runs of ``battledecks check``, each a process of its own, with the library changed between them."""
    import subprocess
    import sys

    from PIL import Image

    decks = library(tmp_path)
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}

    def check() -> tuple[dict, list[str]]:
        result = subprocess.run(
            [sys.executable, "-m", "battledecks", "check", str(decks), "--json"],
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
        )
        assert result.stderr == ""  # through a pipe: no progress lines
        report = json.loads(result.stdout)
        return report, report["summary"]["decoded"]

    first, decoded = check()
    assert first["summary"]["errors"] == 0 and first["summary"]["decks"] == 3
    assert decoded == 36

    changed = decks / "deck-0" / "slide3.png"
    Image.new("RGB", (64, 36), (200, 30, 30)).save(changed)  # now one flat colour
    build_deck(decks / "deck-added", slides=11)  # one slide short
    broken = decks / "deck-2" / "slide1.png"
    broken.write_bytes(broken.read_bytes()[:40])  # truncated

    second, decoded = check()
    # Only what changed is decoded again: the changed and the broken slide, and the added deck's 11.
    assert decoded == 13
    said = [(p["path"], p["severity"], p["message"]) for p in second["problems"]]
    new = [
        entry for entry in said if entry not in {(p["path"], p["severity"], p["message"]) for p in first["problems"]}
    ]
    assert any(path == str(changed) and "one flat colour" in message for path, _, message in new), new
    assert any(
        path == str(decks / "deck-added") and severity == "error" and "has 11 slides, needs 12" in message
        for path, severity, message in new
    ), new
    assert any(path == str(broken) and severity == "error" for path, severity, _ in new), new
    assert second["summary"]["decks"] == 4 and second["summary"]["errors"] == 2


def test_checking_an_unchanged_library_loads_no_image_decoder(tmp_path: Path) -> None:
    """A second check through a pipe decodes nothing and prints plain lines: Pillow and Rich stay unloaded."""
    import subprocess
    import sys

    decks = library(tmp_path, 1)
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    command = [sys.executable, "-X", "importtime", "-m", "battledecks", "check", str(decks)]
    runs = [subprocess.run(command, capture_output=True, text=True, env=env, timeout=300) for _ in range(2)]
    loaded = [
        {line.rsplit("|", 1)[-1].strip() for line in run.stderr.splitlines() if line.startswith("import time:")}
        for run in runs
    ]
    assert "PIL.Image" in loaded[0]  # the first check decodes: the probe sees imports
    assert runs[1].stdout == runs[0].stdout
    assert sorted(m for m in loaded[1] if m.split(".")[0] in ("PIL", "rich")) == []


def test_deck_files_are_parsed_again_only_when_changed(
    tmp_path: Path, decoded: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from battledecks.core import decks as decks_module

    monkeypatch.setattr(decks_module, "_deck_files", {})
    folder = tmp_path / "decks"
    for i in range(3):
        build_deck(folder / f"deck-{i}", title=f"Deck {i}", authors=["Ada"])
    parsed: list[Path] = []
    real = decks_module.load_yaml

    def spy(path: Path):  # noqa: ANN202
        parsed.append(path)
        return real(path)

    monkeypatch.setattr(decks_module, "load_yaml", spy)
    first = check_paths([folder])
    assert first.ok and len(parsed) == 3
    forget_memory(monkeypatch)
    monkeypatch.setattr(decks_module, "_deck_files", {})  # a new process: only the cache file is left
    parsed.clear()
    changed = folder / "deck-1" / "deck.yaml"
    changed.write_text("title: Deck 1\nauthor: Ada\n", encoding="utf-8")  # a misspelt key
    second = check_paths([folder])
    assert parsed == [changed]
    said = [(p.key, p.message) for p in second.problems if p.path == changed]
    assert said == [("author", "unknown key (known keys: authors, notes, retired, tags, title)")]
    assert {d.title for d in map(decks_module.load_deck, sorted(folder.iterdir()))} == {"Deck 0", "Deck 1", "Deck 2"}
