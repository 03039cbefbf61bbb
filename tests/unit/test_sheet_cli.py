"""battledecks sheet: a contact sheet only after a warning that it spoils the deck, written whole or not at all."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from battledecks.cli import main
from battledecks.generate import render_contact_sheet
from tests.builders import build_deck
from tests.pdf_builders import make_pdf, page_image


class Terminal(io.StringIO):
    """Standard input that is a terminal, with the answer already typed."""

    def isatty(self) -> bool:
        return True


@pytest.fixture(autouse=True)
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "cache-home"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    return home


@pytest.fixture
def deck(tmp_path: Path) -> Path:
    return build_deck(tmp_path / "decks" / "cats", slides=5, size=(640, 360), title="Cats in Space")


def test_with_yes_the_sheet_is_the_decks_contact_sheet(tmp_path: Path, deck: Path, capsys) -> None:  # noqa: ANN001
    out = tmp_path / "sheets" / "cats.png"
    assert main(["sheet", str(deck), "--out", str(out), "--yes"]) == 0
    assert capsys.readouterr().out == (
        f"wrote {out}: 5 slides of 'Cats in Space'; whoever sees it must not present this deck\n"
    )
    expected = tmp_path / "expected.png"
    render_contact_sheet(sorted(deck.glob("*.png")), expected, title="Cats in Space (cats)")
    with Image.open(out) as made, Image.open(expected) as wanted:
        assert made.format == "PNG"
        assert made.tobytes() == wanted.tobytes()
    # Nothing else is written beside it.
    assert [p.name for p in out.parent.iterdir()] == ["cats.png"]


def test_a_pdf_deck_gets_a_sheet_of_its_pages(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    pdf = make_pdf(tmp_path / "decks" / "budget.pdf", 3, title="Budget")
    out = tmp_path / "budget.jpg"
    assert main(["sheet", str(pdf), "--out", str(out), "--yes", "--columns", "3"]) == 0
    with Image.open(out) as sheet:
        assert sheet.format == "JPEG"
        # Three thumbnails side by side: page 2's colour shows in the middle of the sheet.
        middle = sheet.convert("RGB").getpixel((sheet.width // 2, sheet.height * 3 // 4))
    assert all(abs(a - b) <= 12 for a, b in zip(middle, page_image(2).getpixel((1, 1))))


def test_without_a_terminal_and_without_yes_nothing_is_made(tmp_path: Path, deck: Path, capsys, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))
    out = tmp_path / "cats.png"
    assert main(["sheet", str(deck), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert err == (
        f"battledecks: {deck}: a contact sheet spoils the deck for anyone who sees it, and there is no terminal "
        "to ask: add --yes to make it anyway\n"
    )
    assert not out.exists()


@pytest.mark.parametrize(
    ("answer", "made"), [("y\n", True), ("yes\n", True), ("\n", False), ("n\n", False), ("", False)]
)
def test_at_a_terminal_it_asks_first(tmp_path: Path, deck: Path, capsys, monkeypatch, answer, made) -> None:  # noqa: ANN001
    monkeypatch.setattr("sys.stdin", Terminal(answer))
    out = tmp_path / "cats.png"
    assert main(["sheet", str(deck), "--out", str(out)]) == (0 if made else 1)
    said = capsys.readouterr()
    assert (
        "The sheet shows all 5 slides of 'Cats in Space' (cats). Whoever sees it can no longer present this deck."
        in said.out
    )
    assert "Make it? [y/N]" in said.out
    assert out.exists() is made
    if not made:
        assert said.err == "battledecks: no sheet made\n"


def test_a_failed_sheet_leaves_the_old_one(tmp_path: Path, deck: Path, capsys) -> None:  # noqa: ANN001
    out = tmp_path / "cats.png"
    out.write_bytes(b"the old sheet")
    (deck / "slide3.png").write_bytes(b"not an image")
    assert main(["sheet", str(deck), "--out", str(out), "--yes"]) == 1
    assert "slide3.png: not a PNG, JPEG, GIF, WebP or BMP image" in capsys.readouterr().err
    assert out.read_bytes() == b"the old sheet"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cats.png", "decks"]


@pytest.mark.parametrize(
    ("deck_arg", "out_arg", "said"),
    [
        ("missing", "s.png", "missing: no such deck folder or PDF"),
        ("notes.txt", "s.png", "notes.txt: not a deck: give a deck folder or a PDF"),
        ("decks/cats", "s.txt", "s.txt: cannot tell the picture format from its name: end it in .png or .jpg"),
        (
            "decks/cats",
            "decks/cats/sheet.png",
            "decks/cats/sheet.png: inside the deck it would become one of its slides: write it elsewhere",
        ),
        ("empty", "s.png", "empty: has no slides"),
        ("locked.pdf", "s.png", "locked.pdf: not a PDF, or a damaged one"),
    ],
)
def test_bad_decks_and_outputs_are_refused(
    tmp_path: Path, deck: Path, capsys, monkeypatch, deck_arg, out_arg, said
) -> None:  # noqa: ANN001
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.txt").write_text("hi")
    (tmp_path / "empty").mkdir()
    (tmp_path / "locked.pdf").write_bytes(b"garbage")
    assert main(["sheet", deck_arg, "--out", out_arg, "--yes"]) == 1
    err = capsys.readouterr().err
    assert err == f"battledecks: {said}\n"
    assert not Path(out_arg).exists()
