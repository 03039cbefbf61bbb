"""battledecks retire: retired: true set and cleared in deck.yaml, everything else kept, broken files left alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from battledecks.cli import main
from battledecks.commands.retire import with_retired
from battledecks.core.decks import load_deck, load_decks
from battledecks.core.draw import why_not
from tests.builders import build_deck
from tests.pdf_builders import make_pdf

COMMENTED = """\
# Made for the 2031 library conference.
title: Cats in Space   # working title
authors:
  - Ada
  - Grace
tags: [animals, space]
notes: |
  Slide 7 is upside down on purpose.
"""


@pytest.fixture
def deck(tmp_path: Path) -> Path:
    folder = build_deck(tmp_path / "decks" / "cats", slides=3)
    (folder / "deck.yaml").write_text(COMMENTED, encoding="utf-8")
    return folder


def rules(slides: int = 3) -> dict[str, object]:
    return {"presenter": "Lin", "slides": slides, "taken": set(), "shown_before": set(), "failing": set()}


def test_retire_adds_one_line_and_undo_takes_it_away(deck: Path, capsys) -> None:  # noqa: ANN001
    assert main(["retire", str(deck)]) == 0
    assert capsys.readouterr().out == "retired cats ('Cats in Space'): it will not be drawn\n"
    assert (deck / "deck.yaml").read_text(encoding="utf-8") == COMMENTED + "retired: true\n"
    (loaded,) = load_decks(deck.parent)
    assert loaded.retired and loaded.authors == ("Ada", "Grace") and loaded.tags == ("animals", "space")
    assert why_not(loaded, **rules()) == "retired"

    assert main(["retire", str(deck), "--undo"]) == 0
    assert capsys.readouterr().out == "cats ('Cats in Space') is back: it can be drawn again\n"
    assert (deck / "deck.yaml").read_text(encoding="utf-8") == COMMENTED
    assert why_not(load_deck(deck), **rules()) is None
    # No temporary file is left beside it.
    assert sorted(p.name for p in deck.iterdir() if not p.name.endswith(".png")) == ["deck.yaml"]


def test_an_existing_retired_line_is_edited_in_place_with_its_comment(deck: Path, capsys) -> None:  # noqa: ANN001
    text = "title: Cats\r\nretired: false  # for now\r\nnotes: hi\r\n"
    (deck / "deck.yaml").write_bytes(text.encode())
    assert main(["retire", str(deck)]) == 0
    assert (deck / "deck.yaml").read_bytes() == b"title: Cats\r\nretired: true  # for now\r\nnotes: hi\r\n"
    assert main(["retire", str(deck), "--undo"]) == 0
    assert (deck / "deck.yaml").read_bytes() == b"title: Cats\r\nnotes: hi\r\n"


def test_a_deck_without_deck_yaml_gets_one(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    folder = build_deck(tmp_path / "plain", slides=2)
    assert main(["retire", str(folder)]) == 0
    assert capsys.readouterr().out == "retired plain: it will not be drawn\n"
    assert (folder / "deck.yaml").read_text() == "retired: true\n"
    assert load_deck(folder).retired


def test_asking_for_what_is_already_so_changes_nothing(deck: Path, capsys) -> None:  # noqa: ANN001
    before = (deck / "deck.yaml").stat().st_mtime_ns
    assert main(["retire", str(deck), "--undo"]) == 0
    assert capsys.readouterr().out == "cats ('Cats in Space') is not retired: nothing to undo; nothing changed\n"
    assert (deck / "deck.yaml").stat().st_mtime_ns == before
    assert main(["retire", str(deck)]) == 0
    capsys.readouterr()
    assert main(["retire", str(deck)]) == 0
    assert capsys.readouterr().out == "cats ('Cats in Space') is already retired; nothing changed\n"


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("title: [unclosed\n", "deck.yaml:2: invalid YAML"),
        ("title: Cats\ncolour: blue\n", "deck.yaml:2: colour: unknown key"),
        ("title: Cats\nretired: maybe\n", "deck.yaml:2: retired: must be true or false"),
        ("- just\n- a list\n", "deck.yaml:1: must be a mapping of keys"),
    ],
)
def test_a_broken_deck_yaml_is_left_alone(deck: Path, capsys, text, said) -> None:  # noqa: ANN001
    (deck / "deck.yaml").write_text(text, encoding="utf-8")
    assert main(["retire", str(deck)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("battledecks: ") and said in err and err.endswith(": fix it first; nothing changed\n")
    assert err.count("\n") == 1
    assert (deck / "deck.yaml").read_text(encoding="utf-8") == text


def test_a_pdf_deck_cannot_be_retired_and_says_what_to_do(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    pdf = make_pdf(tmp_path / "decks" / "talk.pdf", 2)
    assert main(["retire", str(pdf)]) == 1
    assert "a PDF deck has no deck.yaml to mark it retired" in capsys.readouterr().err
    assert sorted(p.name for p in pdf.parent.iterdir()) == ["talk.pdf"]


def test_a_folder_that_is_no_deck_is_refused(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    (tmp_path / "decks").mkdir()
    assert main(["retire", str(tmp_path / "decks")]) == 1
    assert (
        capsys.readouterr().err == f"battledecks: {tmp_path / 'decks'}: not a deck: no slides and no deck.yaml in it\n"
    )
    assert list((tmp_path / "decks").iterdir()) == []


@pytest.mark.parametrize(
    ("text", "data", "line", "retired", "result"),
    [
        # Flow style cannot take a line: written again from its data, keys in order.
        ("{title: Cats, retired: true}\n", {"title": "Cats", "retired": True}, 1, False, "title: Cats\n"),
        ("{title: Cats}\n", {"title": "Cats"}, None, True, "title: Cats\nretired: true\n"),
        # No newline at the end: one is added before the new line.
        ("title: Cats", {"title": "Cats"}, None, True, "title: Cats\nretired: true\n"),
        # An empty file, or one with only comments.
        ("# nothing yet\n", None, None, True, "# nothing yet\nretired: true\n"),
        ("retired: true\n", {"retired": True}, 1, False, ""),
    ],
)
def test_with_retired_keeps_the_file_as_written_where_it_can(text, data, line, retired, result) -> None:  # noqa: ANN001
    assert with_retired(text, data, line, retired) == result


@pytest.mark.parametrize(
    "command", ["retire", "check", "results", "history", "run", "draw", "import", "generate", "sheet"]
)
def test_help_is_plain_words_without_markup(command: str, capsys) -> None:  # noqa: ANN001
    with pytest.raises(SystemExit):
        main([command, "--help"])
    out = capsys.readouterr().out
    assert "``" not in out and ":mod:" not in out and ":func:" not in out
