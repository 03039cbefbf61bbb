"""battledecks import: PDFs, presentations, zips and folders become decks that pass check, or nothing changes."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
import yaml
from PIL import Image, ImageFilter

from battledecks.cli import main
from battledecks.core import importing
from battledecks.core.decks import load_decks
from battledecks.core.importing import archive as zip_source
from battledecks.core.importing import pdf as pdf_source
from battledecks.core.importing.slides import JPEG_GAIN, png_bytes
from tests.builders import build_deck, build_event
from tests.file_builders import make_pptx
from tests.pdf_builders import make_pdf, page_image, raw_pdf


def snapshot(folder: Path) -> dict[str, str]:
    """Every path below ``folder`` with a hash of its bytes (folders as "dir"): equal means byte-for-byte equal."""
    found = {}
    for root, dirs, files in os.walk(folder):
        for name in dirs:
            found[os.path.relpath(os.path.join(root, name), folder)] = "dir"
        for name in files:
            path = os.path.join(root, name)
            found[os.path.relpath(path, folder)] = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    return found


def slide_names(deck: Path) -> list[str]:
    return sorted(p.name for p in deck.iterdir() if p.name != "deck.yaml")


def meta(deck: Path) -> dict[str, object]:
    return yaml.safe_load((deck / "deck.yaml").read_text(encoding="utf-8"))


def passes_check(deck: Path, slides: int, capsys: pytest.CaptureFixture[str]) -> bool:
    capsys.readouterr()
    code = main(["check", str(deck), "--slides", str(slides)])
    out = capsys.readouterr().out
    return code == 0 and "0 errors, 0 warnings" in out


@pytest.fixture
def decks(tmp_path: Path) -> Path:
    """A decks folder that already holds one deck."""
    folder = tmp_path / "decks"
    build_deck(folder / "old", slides=3, size=(1280, 720), title="Old deck")
    return folder


def test_a_pdf_becomes_a_deck_that_passes_check(tmp_path: Path, decks: Path, capsys) -> None:  # noqa: ANN001
    source = make_pdf(tmp_path / "Quarterly Synergy.pdf", 12, size=(960, 540), title="Synergy in Q3")
    assert main(["import", str(source), "--into", str(decks), "--author", "Ada", "--author", "Grace"]) == 0
    out, err = capsys.readouterr()
    deck = decks / "quarterly-synergy"
    assert out.strip() == f"imported {deck}: 'Synergy in Q3', 12 slides from {source}"
    assert err == ""
    assert slide_names(deck) == [f"slide{n:02d}.png" for n in range(1, 13)]
    assert meta(deck) == {
        "title": "Synergy in Q3",
        "authors": ["Ada", "Grace"],
        "notes": "imported from Quarterly Synergy.pdf",
    }
    with Image.open(deck / "slide01.png") as first, Image.open(deck / "slide02.png") as second:
        # Vector pages are drawn to fill 1920x1080, aspect kept.
        assert first.size == (1920, 1080) and first.mode == "RGB"
        assert first.getpixel((5, 5)) != second.getpixel((5, 5))
    assert passes_check(deck, 12, capsys)
    # No hidden folder is left behind.
    assert sorted(p.name for p in decks.iterdir()) == ["old", "quarterly-synergy"]


def test_a_folder_of_images_is_normalized_and_kept_in_natural_order(tmp_path: Path, decks: Path, capsys) -> None:  # noqa: ANN001
    source = tmp_path / "My_Holiday"
    source.mkdir()
    page_image(1, (4000, 3000)).save(source / "slide1.png")
    page_image(2, (800, 450)).save(source / "slide2.jpg")
    transparent = Image.new("RGBA", (1280, 720), (0, 0, 0, 0))
    transparent.paste((0, 0, 0, 255), (600, 300, 700, 400))  # dark content on a transparent background
    transparent.save(source / "slide10.png")
    page_image(3, (1280, 720)).save(source / "slide3.webp")
    (source / "notes.txt").write_text("not a slide")
    (source / ".DS_Store").write_bytes(b"\0")
    assert main(["import", str(source), "--into", str(decks), "--slides", "4"]) == 0
    out = capsys.readouterr().out
    deck = decks / "my-holiday"
    assert f"imported {deck}: 'My Holiday', 4 slides" in out
    assert f"  {source}: skipped 1 file that is not a slide image (notes.txt)" in out.splitlines()
    sizes = []
    for name in slide_names(deck):
        with Image.open(deck / name) as image:
            sizes.append((name, image.size, image.getpixel((0, 0))))
    assert [s[:2] for s in sizes] == [
        ("slide01.png", (1440, 1080)),  # shrunk to fit, aspect kept
        ("slide02.png", (800, 450)),  # never enlarged
        ("slide03.png", (1280, 720)),  # slide3.webp comes before slide10.png
        ("slide04.png", (1280, 720)),
    ]
    assert sizes[3][2] == (255, 255, 255)  # transparent shows as white
    with Image.open(deck / "slide04.png") as image:
        assert image.getpixel((650, 350)) == (0, 0, 0)
    assert passes_check(deck, 4, capsys)


def test_a_source_folders_deck_yaml_is_kept_and_options_win(tmp_path: Path, decks: Path, capsys) -> None:  # noqa: ANN001
    source = build_deck(tmp_path / "cats", slides=2, size=(1280, 720), title="Cats", tags=["animals"], authors=["Ada"])
    assert (
        main(["import", str(source), "--into", str(decks), "--id", "felines", "--title", "Felines", "--slides", "2"])
        == 0
    )
    assert meta(decks / "felines") == {
        "title": "Felines",
        "authors": ["Ada"],
        "tags": ["animals"],
        "notes": "imported from cats",
    }
    assert passes_check(decks / "felines", 2, capsys)


def test_photo_like_slides_are_kept_as_jpeg_when_much_smaller(tmp_path: Path, decks: Path) -> None:
    source = tmp_path / "photos"
    source.mkdir()
    grey = Image.linear_gradient("L").resize((960, 540)).convert("RGB")
    grain = Image.merge(
        "RGB", [Image.effect_noise((960, 540), 60).filter(ImageFilter.GaussianBlur(2)) for _ in range(3)]
    )
    Image.blend(grain, grey, 0.5).save(source / "1.png")
    page_image(2, (960, 540)).save(source / "2.png")
    assert main(["import", str(source), "--into", str(decks), "--slides", "2"]) == 0
    assert slide_names(decks / "photos") == ["slide01.jpg", "slide02.png"]
    photo = decks / "photos" / "slide01.jpg"
    as_png = len(png_bytes(Image.open(source / "1.png").convert("RGB")))
    assert photo.stat().st_size <= as_png * JPEG_GAIN
    with Image.open(photo) as image:
        assert image.format == "JPEG" and image.size == (960, 540)


def make_zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def png(number: int, size: tuple[int, int] = (1280, 720)) -> bytes:
    return png_bytes(page_image(number, size))


def test_a_zip_is_imported_in_natural_order_with_unsafe_and_stray_entries_skipped(
    tmp_path: Path, decks: Path, capsys
) -> None:  # noqa: ANN001
    source = make_zip(
        tmp_path / "deck.zip",
        {
            "deck/slide10.png": png(10),
            "deck/slide2.png": png(2),
            "deck/slide1.png": png(1),
            "__MACOSX/deck/._slide1.png": b"junk",
            "deck/.hidden.png": b"junk",
            "../../escaped.png": png(99),
            "/abs.png": png(98),
            "deck/readme.txt": b"hello",
        },
    )
    assert main(["import", str(source), "--into", str(decks), "--slides", "3"]) == 0
    out = capsys.readouterr().out
    assert "skipped 2 entries with an unsafe path (../../escaped.png, /abs.png)" in out
    assert "skipped 1 file that is not a slide image (deck/readme.txt)" in out
    deck = decks / "deck"
    assert slide_names(deck) == ["slide01.png", "slide02.png", "slide03.png"]
    for n, number in enumerate((1, 2, 10), 1):
        with Image.open(deck / f"slide{n:02d}.png") as image:
            assert image.getpixel((2, 2)) == page_image(number).getpixel((2, 2))
    # Nothing was written anywhere but the new deck.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["deck.zip", "decks"]
    assert passes_check(deck, 3, capsys)


@pytest.mark.parametrize(
    ("members", "limits", "said"),
    [
        ({"a.txt": b"x"}, {}, "no slide images in it (PNG, JPEG, GIF, WebP or BMP)"),
        ({f"{n}.png": b"x" for n in range(5)}, {"MAX_ZIP_MEMBERS": 4}, "lists 5 files, more than 4: refused unopened"),
        # 30 MB of zeros squeezes into a few kB: refused from the sizes the zip gives, before unpacking.
        (
            {"bomb.png": bytes(30_000_000)},
            {"MAX_ZIP_BYTES": 10_000_000},
            "its images would unpack to 30 MB, more than 10 MB: refused",
        ),
        (
            {"1.png": png(1), "2.png": b"not an image"},
            {},
            "2.png: not a PNG, JPEG, GIF, WebP or BMP image, whatever its name says",
        ),
    ],
)
def test_bad_zips_are_refused_and_leave_nothing(
    tmp_path: Path, decks: Path, capsys, monkeypatch, members, limits, said
) -> None:  # noqa: ANN001
    for name, value in limits.items():
        monkeypatch.setattr(zip_source, name, value)
    source = make_zip(tmp_path / "bad.zip", members)
    before = snapshot(decks)
    assert main(["import", str(source), "--into", str(decks)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"battledecks: {source}") and said in err and err.count("\n") == 1
    assert snapshot(decks) == before


@pytest.mark.parametrize(
    ("name", "make", "said"),
    [
        ("missing.pdf", None, "no such file or folder"),
        ("broken.pdf", lambda p: p.write_bytes(b"%PDF-1.4 nonsense"), "not a PDF, or a damaged one"),
        ("locked.pdf", lambda p: raw_pdf(p, encrypted=True), "encrypted (needs a password)"),
        ("fake.zip", lambda p: p.write_text("not a zip"), "not a zip file, or a damaged one"),
        ("notes.txt", lambda p: p.write_text("hello"), "cannot import a .txt file"),
        ("empty", lambda p: p.mkdir(), "no slide images in it"),
    ],
)
def test_bad_sources_say_what_is_wrong_in_one_line_and_change_nothing(
    tmp_path: Path, decks: Path, capsys, name, make, said
) -> None:  # noqa: ANN001
    source = tmp_path / name
    if make is not None:
        make(source)
    before = snapshot(decks)
    assert main(["import", str(source), "--into", str(decks)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"battledecks: {source}: ") and said in err and err.count("\n") == 1
    assert snapshot(decks) == before


def test_a_failure_on_a_later_slide_or_source_leaves_the_decks_folder_unchanged(
    tmp_path: Path, decks: Path, capsys
) -> None:  # noqa: ANN001
    good = make_pdf(tmp_path / "good.pdf", 3)
    source = tmp_path / "half"
    source.mkdir()
    for n in (1, 2):
        page_image(n).save(source / f"{n}.png")
    (source / "3.png").write_bytes(png(3)[:200])  # truncated
    before = snapshot(decks)
    # The good PDF is built first; the folder then fails on its third slide.
    assert main(["import", str(good), str(source), "--into", str(decks)]) == 1
    err = capsys.readouterr().err
    assert f"{source / '3.png'}: damaged image" in err
    assert snapshot(decks) == before


def test_an_interrupted_import_leaves_the_decks_folder_unchanged(
    tmp_path: Path, decks: Path, capsys, monkeypatch
) -> None:  # noqa: ANN001
    source = make_pdf(tmp_path / "long.pdf", 6)
    real = pdf_source.render_pages

    def interrupted(path, size):  # noqa: ANN001, ANN202
        for number, page in enumerate(real(path, size), 1):
            if number == 4:
                raise KeyboardInterrupt
            yield page

    monkeypatch.setattr(pdf_source, "render_pages", interrupted)
    before = snapshot(decks)
    assert main(["import", str(source), "--into", str(decks)]) == 130
    assert capsys.readouterr().err == "battledecks: interrupted\n"
    assert snapshot(decks) == before


def test_a_failed_import_into_a_new_folder_does_not_make_it(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    (tmp_path / "broken.pdf").write_bytes(b"junk")
    assert main(["import", str(tmp_path / "broken.pdf"), "--into", str(tmp_path / "new" / "decks")]) == 1
    assert not (tmp_path / "new").exists()


def test_an_existing_deck_is_replaced_only_with_replace(tmp_path: Path, decks: Path, capsys) -> None:  # noqa: ANN001
    source = make_pdf(tmp_path / "new.pdf", 4)
    before = snapshot(decks)
    assert main(["import", str(source), "--into", str(decks), "--id", "old"]) == 1
    err = capsys.readouterr().err
    assert (
        err
        == f"battledecks: {decks / 'old'}: deck 'old' is already there: add --replace to replace it, or give another --id\n"
    )
    assert snapshot(decks) == before

    assert (
        main(
            [
                "import",
                str(source),
                "--into",
                str(decks),
                "--id",
                "old",
                "--title",
                "New deck",
                "--replace",
                "--slides",
                "4",
            ]
        )
        == 0
    )
    assert capsys.readouterr().out.startswith(f"replaced {decks / 'old'}: 'New deck', 4 slides")
    assert slide_names(decks / "old") == ["slide01.png", "slide02.png", "slide03.png", "slide04.png"]
    assert meta(decks / "old")["title"] == "New deck"
    assert sorted(p.name for p in decks.iterdir()) == ["old"]


def test_a_pdf_deck_with_the_same_id_is_never_overwritten(tmp_path: Path, decks: Path, capsys) -> None:  # noqa: ANN001
    make_pdf(decks / "talk.pdf", 2)
    source = make_pdf(tmp_path / "talk.pdf", 2)
    before = snapshot(decks)
    assert main(["import", str(source), "--into", str(decks), "--replace"]) == 1
    assert f"{decks / 'talk.pdf'}: already deck 'talk'" in capsys.readouterr().err
    assert snapshot(decks) == before


def test_slide_count_is_said_against_the_event_or_slides(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    (tmp_path / "decks").mkdir()
    event = build_event(tmp_path / "events", slides=5)
    source = make_pdf(tmp_path / "three.pdf", 3)
    # With --event and no --into, the deck goes to the event's decks folder.
    assert main(["import", str(source), "--event", str(event)]) == 0
    _out, err = capsys.readouterr()
    assert (tmp_path / "decks" / "three").is_dir()
    assert err == f"warning: three has 3 slides; {event} needs 5\n"
    assert main(["import", str(source), "--into", str(tmp_path / "more"), "--slides", "3"]) == 0
    assert capsys.readouterr().err == ""
    assert main(["import", str(source), "--into", str(tmp_path / "others")]) == 0
    assert capsys.readouterr().err == "warning: three has 3 slides; a deck needs 12\n"


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["a.pdf", "b.pdf", "--id", "x"], "--id names one deck: give one source with it"),
        (["a.pdf", "b.pdf", "--title", "X"], "--title names one deck: give one source with it"),
        (["a.pdf", "--id", ".hidden"], "must not start with a dot"),
        (["a.pdf", "--id", "a/b"], "must be a plain folder name"),
        (["a.pdf", "sub/a.pdf"], "would be deck 'a', like"),
    ],
)
def test_options_that_cannot_work_are_refused(tmp_path: Path, decks: Path, capsys, monkeypatch, args, said) -> None:  # noqa: ANN001
    monkeypatch.chdir(tmp_path)
    make_pdf(tmp_path / "a.pdf", 2)
    make_pdf(tmp_path / "b.pdf", 2)
    make_pdf(tmp_path / "sub" / "a.pdf", 2)
    before = snapshot(decks)
    assert main(["import", *args, "--into", str(decks)]) == 1
    assert said in capsys.readouterr().err
    assert snapshot(decks) == before


@pytest.mark.system
def test_a_pptx_is_converted_by_libreoffice(tmp_path: Path, decks: Path, capsys) -> None:  # noqa: ANN001
    source = make_pptx(tmp_path / "Team Offsite.pptx", ["Welcome", "Our Values", "Any questions?"])
    code = main(["import", str(source), "--into", str(decks), "--slides", "3"])
    out, err = capsys.readouterr()
    if importing.find_soffice() is None:
        # Without LibreOffice the one line says how to get it.
        assert code == 1
        assert err.startswith(f"battledecks: {source}: importing .pptx files needs LibreOffice, which is not installed")
        assert "apt-get install libreoffice-impress" in err and "brew install --cask libreoffice" in err
        assert not (decks / "team-offsite").exists()
        return
    assert code == 0, err
    deck = decks / "team-offsite"
    assert out.startswith(f"imported {deck}: 'Team Offsite', 3 slides")
    assert slide_names(deck) == ["slide01.png", "slide02.png", "slide03.png"]
    with Image.open(deck / "slide01.png") as first:
        assert first.size == (1920, 1080)
        # Black title text on the default white slide: both are there.
        colours = {colour for _, colour in first.convert("L").getcolors(1 << 16)}
        assert 255 in colours and min(colours) < 64
    assert passes_check(deck, 3, capsys)


def test_without_libreoffice_the_message_says_how_to_install_it(
    tmp_path: Path, decks: Path, capsys, monkeypatch
) -> None:  # noqa: ANN001
    monkeypatch.setenv("PATH", str(tmp_path / "empty-path"))
    source = tmp_path / "talk.odp"
    source.write_bytes(b"not really")
    before = snapshot(decks)
    assert main(["import", str(source), "--into", str(decks)]) == 1
    err = capsys.readouterr().err
    assert err == (
        f"battledecks: {source}: importing .odp files needs LibreOffice, which is not installed: install LibreOffice "
        "(Debian/Ubuntu: apt-get install libreoffice-impress; macOS: brew install --cask libreoffice), "
        "or export the slides as a PDF and import that\n"
    )
    assert snapshot(decks) == before


def test_libreoffice_failing_is_said_in_one_line(tmp_path: Path, decks: Path, capsys) -> None:  # noqa: ANN001
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\necho 'Error: source file could not be loaded' >&2\nexit 1\n")
    fake.chmod(0o755)
    source = tmp_path / "broken.pptx"
    source.write_bytes(b"PK not really")
    with pytest.raises(
        importing.ImportFailed, match="LibreOffice could not convert it: Error: source file could not be loaded"
    ):
        importing.import_decks([source], decks, soffice=str(fake))
    slow = tmp_path / "slow-soffice"
    slow.write_text("#!/bin/sh\nsleep 30\n")
    slow.chmod(0o755)
    started = time.monotonic()
    with pytest.raises(importing.ImportFailed, match="LibreOffice took more than 0 s"):
        importing.import_decks([source], decks, soffice=str(slow), timeout=0.3)
    assert time.monotonic() - started < 10
    assert sorted(p.name for p in decks.iterdir()) == ["old"]


def run_import_then_kill(tmp_path: Path, decks: Path, sig: int) -> subprocess.CompletedProcess[str] | int:
    """Start a long import in its own process and send ``sig`` once it has written a slide."""
    # Small pages are quick to make; each is still drawn at 1920x1080, so the import takes seconds.
    source = make_pdf(tmp_path / "long.pdf", 60, size=(160, 90))
    process = subprocess.Popen(
        [sys.executable, "-m", "battledecks", "import", str(source), "--into", str(decks)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if any(p.name.startswith(".import-") and any(p.iterdir()) for p in decks.iterdir()):
            break
        assert process.poll() is None, process.communicate()
        time.sleep(0.02)
    process.send_signal(sig)
    process.communicate(timeout=30)
    return process.returncode


def test_a_killed_import_leaves_the_decks_folder_unchanged(tmp_path: Path, decks: Path) -> None:
    before = snapshot(decks)
    assert run_import_then_kill(tmp_path, decks, signal.SIGTERM) == 130
    assert snapshot(decks) == before


def test_an_import_killed_outright_leaves_only_a_hidden_folder_nothing_reads(
    tmp_path: Path, decks: Path, capsys
) -> None:  # noqa: ANN001
    run_import_then_kill(tmp_path, decks, signal.SIGKILL)
    left = [p.name for p in decks.iterdir() if p.name != "old"]
    assert len(left) == 1 and left[0].startswith(".import-long-")
    assert [d.id for d in load_decks(decks)] == ["old"]
    capsys.readouterr()
    assert main(["check", str(decks), "--slides", "3"]) == 0
    assert "0 errors, 0 warnings in 1 deck (3 slides)" in capsys.readouterr().out
    shutil.rmtree(decks / left[0])
