"""battledecks generate: reproducible from the seed, varied across seeds, and leaves nothing half-made."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

import battledecks.generate
from battledecks.cli import main
from tests.builders import build_deck


def files(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` by its path inside it, with its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_same_seed_gives_the_same_files_and_other_seeds_other_decks(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    args = ["generate", "--count", "2", "--slides", "3", "--seed"]
    assert main([*args, "2010", "--into", str(tmp_path / "a")]) == 0
    out = capsys.readouterr().out
    assert main([*args, "2010", "--into", str(tmp_path / "b")]) == 0
    capsys.readouterr()
    assert main([*args, "2011", "--into", str(tmp_path / "c")]) == 0
    capsys.readouterr()
    a, b, c = (files(tmp_path / name) for name in "abc")
    assert len(a) == 2 * 4  # three slides and a deck.yaml each
    assert a == b
    decks_a = sorted(p.name for p in (tmp_path / "a").iterdir())
    decks_c = sorted(p.name for p in (tmp_path / "c").iterdir())
    assert decks_a != decks_c
    assert not set(a.values()) & set(c.values())
    lines = out.splitlines()
    assert sorted(re.sub(r": '.*', 3 slides$", "", line) for line in lines[:2]) == [
        f"made {tmp_path / 'a' / n}" for n in decks_a
    ]
    assert lines[2] == f"2 decks made in {tmp_path / 'a'} with seed 2010"


def test_without_a_seed_one_is_drawn_and_printed_to_make_the_set_again(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    assert main(["generate", "--into", str(tmp_path / "a"), "--count", "1", "--slides", "2"]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    seed = re.fullmatch(r"seed (\d+) \(give --seed \1 to make the same decks again\)", first)
    assert seed is not None
    assert main(["generate", "--into", str(tmp_path / "b"), "--count", "1", "--slides", "2", "--seed", seed[1]]) == 0
    assert files(tmp_path / "a") == files(tmp_path / "b")


def test_generated_decks_pass_check_and_keep_their_theme(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    decks = tmp_path / "decks"
    build_deck(decks / "mine", slides=3, size=(1280, 720))
    before = files(decks / "mine")
    assert (
        main(["generate", "--into", str(decks), "--count", "2", "--slides", "3", "--seed", "5", "--theme", "tech"]) == 0
    )
    capsys.readouterr()
    new = [p for p in decks.iterdir() if p.name != "mine"]
    assert len(new) == 2
    for deck in new:
        assert "tech" in yaml.safe_load((deck / "deck.yaml").read_text())["tags"]
    assert files(decks / "mine") == before
    assert main(["check", str(decks), "--slides", "3"]) == 0
    assert "0 errors" in capsys.readouterr().out


def test_an_interrupted_run_takes_away_the_decks_it_made(tmp_path: Path, capsys, monkeypatch) -> None:  # noqa: ANN001
    decks = tmp_path / "decks"
    build_deck(decks / "mine", slides=3)
    before = files(decks)
    real = battledecks.generate.generate_deck

    def one_then_stop(into: Path, **kw: object) -> list[Path]:
        real(into / "first", seed=1, slides=2, size=(320, 180))
        (into / "second").mkdir()
        (into / "second" / "slide01.png").write_bytes(b"half")
        raise KeyboardInterrupt

    monkeypatch.setattr(battledecks.generate, "generate_decks", one_then_stop)
    assert main(["generate", "--into", str(decks), "--count", "3", "--seed", "1"]) == 130
    assert files(decks) == before
    assert sorted(p.name for p in decks.iterdir()) == ["mine"]
    # Into a folder it made itself, it takes the folder away too.
    assert main(["generate", "--into", str(tmp_path / "new" / "decks"), "--count", "3", "--seed", "1"]) == 130
    assert not (tmp_path / "new").exists()


@pytest.mark.parametrize(
    ("args", "code", "said"),
    [
        (["--count", "0"], 2, "must be at least 1, not 0"),
        (["--count", "1", "--slides", "1"], 1, "--slides: a generated deck needs at least 2 slides"),
        (["--count", "1", "--seed", "-3"], 2, "must be 0 or more, not -3"),
        (["--count", "1", "--theme", "poetry"], 2, "invalid choice: 'poetry'"),
    ],
)
def test_bad_options_are_refused(tmp_path: Path, capsys, args, code, said) -> None:  # noqa: ANN001
    try:
        result = main(["generate", "--into", str(tmp_path / "decks"), *args])
    except SystemExit as exit:
        result = exit.code
    assert result == code
    assert said in capsys.readouterr().err
    assert not (tmp_path / "decks").exists()


def test_into_a_file_is_refused(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    (tmp_path / "decks").write_text("a file")
    assert main(["generate", "--into", str(tmp_path / "decks"), "--count", "1"]) == 1
    assert capsys.readouterr().err == f"battledecks: {tmp_path / 'decks'}: not a folder\n"
