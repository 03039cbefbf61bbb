"""Decks: slide files in natural order, hidden files ignored, deck.yaml validated."""

from __future__ import annotations

from pathlib import Path

import pytest

from battledecks.core.decks import (
    DeckError,
    deck_folders,
    list_slides,
    load_deck,
    load_decks,
    natural_key,
    read_deck_file,
)
from battledecks.core.problems import Problem


def touch(folder: Path, *names: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).write_bytes(b"")


def test_natural_key_orders_numbers_by_value_and_ignores_case() -> None:
    names = ["slide10.png", "Slide2.png", "slide1.png", "slide2b.png", "intro.png"]
    assert sorted(names, key=natural_key) == ["intro.png", "slide1.png", "Slide2.png", "slide2b.png", "slide10.png"]


def test_slides_are_images_in_natural_order_hidden_and_other_files_ignored(tmp_path: Path) -> None:
    touch(tmp_path, "10.png", "2.JPG", "1.jpeg", "3.gif", "4.webp", "5.bmp", ".hidden.png", "notes.txt", "deck.yaml")
    (tmp_path / "6.png").mkdir()  # a folder with an image's name is not a slide
    names = [p.name for p in list_slides(tmp_path)]
    assert names == ["1.jpeg", "2.JPG", "3.gif", "4.webp", "5.bmp", "10.png"]


def test_deck_without_deck_yaml_is_named_after_its_folder(tmp_path: Path) -> None:
    touch(tmp_path / "cats", "1.png", "2.png")
    deck = load_deck(tmp_path / "cats")
    assert (deck.id, deck.title, deck.authors, deck.tags, deck.notes, deck.retired) == (
        "cats",
        "cats",
        (),
        (),
        "",
        False,
    )
    assert [p.name for p in deck.slides] == ["1.png", "2.png"]
    assert deck.ok


def test_deck_yaml_gives_every_field(tmp_path: Path) -> None:
    folder = tmp_path / "cats"
    touch(folder, "1.png")
    (folder / "deck.yaml").write_text(
        "title: ' Cats in Space '\nauthors: [Ada, Grace]\ntags: [animals]\nnotes: made for 2010\nretired: true\n"
    )
    deck = load_deck(folder)
    assert deck.title == "Cats in Space"
    assert deck.authors == ("Ada", "Grace")
    assert deck.tags == ("animals",)
    assert deck.notes == "made for 2010"
    assert deck.retired is True
    assert deck.problems == ()


def test_single_author_may_be_written_as_text(tmp_path: Path) -> None:
    folder = tmp_path / "d"
    touch(folder, "1.png")
    (folder / "deck.yaml").write_text("authors: Ada\n")
    assert load_deck(folder).authors == ("Ada",)


def problems_of(tmp_path: Path, text: str) -> list[Problem]:
    path = tmp_path / "deck.yaml"
    path.write_text(text, encoding="utf-8")
    _fields, problems = read_deck_file(path)
    assert all(p.path == path for p in problems)
    return problems


@pytest.mark.parametrize(
    ("text", "key", "line", "message"),
    [
        ("title: x\ntitel: y\n", "titel", 2, "unknown key (known keys: authors, notes, retired, tags, title)"),
        ("title: '  '\n", "title", 1, "must be a non-empty text"),
        ("title: [a]\n", "title", 1, "must be a non-empty text"),
        ("title: true\n", "title", 1, "must be a non-empty text"),
        ("title: x\nauthors: {a: 1}\n", "authors", 2, "must be a list of non-empty names"),
        ("authors: [Ada, '']\n", "authors", 1, "must be a list of non-empty names"),
        ("tags: [1, 2]\n", "tags", 1, "must be a list of non-empty names"),
        ("notes: [a]\n", "notes", 1, "must be text"),
        ("title: x\n\nretired: yes please\n", "retired", 3, "must be true or false"),
    ],
)
def test_deck_yaml_errors_name_key_and_line(tmp_path: Path, text: str, key: str, line: int, message: str) -> None:
    [problem] = problems_of(tmp_path, text)
    assert (problem.key, problem.line, problem.message) == (key, line, message)
    assert problem.is_error


def test_deck_yaml_reports_every_problem_at_once(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, "title: ''\nretired: maybe\ncolour: red\n")
    assert [(p.key, p.line) for p in problems] == [("title", 1), ("retired", 2), ("colour", 3)]


def test_deck_yaml_that_is_not_a_mapping(tmp_path: Path) -> None:
    [problem] = problems_of(tmp_path, "- a\n- b\n")
    assert problem.message == "must be a mapping of keys (title, authors, tags, notes, retired)"
    assert problem.line == 1


def test_bad_yaml_in_deck_yaml_is_a_problem_with_its_line(tmp_path: Path) -> None:
    [problem] = problems_of(tmp_path, "title: x\nauthors: [Ada\n")
    assert problem.line == 3
    assert problem.message.startswith("invalid YAML: ")


def test_empty_deck_yaml_is_fine(tmp_path: Path) -> None:
    assert problems_of(tmp_path, "") == []


def test_deck_with_bad_deck_yaml_is_not_ok_and_keeps_good_fields(tmp_path: Path) -> None:
    folder = tmp_path / "d"
    touch(folder, "1.png")
    (folder / "deck.yaml").write_text("title: Good\nretired: 3\n")
    deck = load_deck(folder)
    assert deck.title == "Good"
    assert not deck.ok
    assert [p.key for p in deck.problems] == ["retired"]


def test_unreadable_deck_folder_is_a_deck_error(tmp_path: Path) -> None:
    with pytest.raises(DeckError, match="cannot read deck folder"):
        load_deck(tmp_path / "missing")


def test_decks_folder_lists_visible_folders_in_natural_order(tmp_path: Path) -> None:
    for name in ("deck10", "deck2", ".trash", "Deck1"):
        touch(tmp_path / name, "1.png")
    touch(tmp_path, "README.md")
    assert [p.name for p in deck_folders(tmp_path)] == ["Deck1", "deck2", "deck10"]
    assert [d.id for d in load_decks(tmp_path)] == ["Deck1", "deck2", "deck10"]


def test_missing_decks_folder_is_a_deck_error(tmp_path: Path) -> None:
    with pytest.raises(DeckError, match="cannot read decks folder"):
        load_decks(tmp_path / "missing")
