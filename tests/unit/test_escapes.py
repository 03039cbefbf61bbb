"""Control characters and terminal escape sequences in names never reach the terminal raw.

Names with control characters are refused where they are read (event file,
deck.yaml, record); whatever is printed from a file (file names, PDF titles)
is escaped.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from battledecks.cli import main
from battledecks.core.event import Event, load_event
from battledecks.core.problems import ProblemsError
from battledecks.core.record import EventRecord, RecordError
from battledecks.core.scoring import Standings
from battledecks.core.show import Show
from battledecks.core.text import control_problem, json_text, visible, visible_lines
from battledecks.results import FORMATS, export
from tests.builders import build_deck, build_decks, build_event

EVIL_EVENT = "Evil \x1b]0;pwned\x07\x1b[2J"
EVIL_PRESENTER = "Ann \x1b[31mred"

RAW = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""Control characters other than tab and newline: none may be printed."""


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p): (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.rglob("*") if p.is_file()}


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out + err


@pytest.fixture
def evil_event(tmp_path: Path) -> Path:
    build_decks(tmp_path / "decks", 4)
    return build_event(tmp_path / "events", "evil", title=EVIL_EVENT, presenters=[EVIL_PRESENTER, "Bob"])


def test_the_event_file_holds_escapes_as_yaml_writes_them(evil_event: Path) -> None:
    # The file is plain YAML: the escapes are written as \e and \a inside quotes.
    assert "\x1b" not in evil_event.read_text(encoding="utf-8")
    assert yaml.safe_load(evil_event.read_text(encoding="utf-8"))["name"] == EVIL_EVENT


def test_event_with_escape_sequences_in_names_is_refused_with_one_line_per_name(evil_event: Path) -> None:
    with pytest.raises(ProblemsError) as caught:
        load_event(evil_event)
    problems = [p for p in caught.value.problems if p.is_error]
    assert {p.key for p in problems} == {"name", "presenters[0]"}
    for problem in problems:
        assert "control characters" in problem.message
        assert problem.line is not None
        assert not RAW.search(str(problem))


@pytest.mark.parametrize(
    "argv",
    [
        ["check", "{event}"],
        ["draw", "{event}"],
        ["draw", "--json", "{event}"],
        ["results", "{event}"],
        ["results", "--format", "md", "{event}"],
        ["results", "--format", "html", "{event}"],
        ["results", "--format", "csv", "{event}"],
        ["results", "--json", "{event}"],
        ["check", "--json", "{event}"],
    ],
)
def test_no_command_prints_the_escapes_and_none_writes_anything(
    evil_event: Path, argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    before = _snapshot(evil_event.parent.parent)
    code, output = _run([a.format(event=evil_event) for a in argv], capsys)
    assert code == 1
    assert "control characters" in output
    assert not RAW.search(output), output
    assert "\\x1b" in output  # the character is named, escaped
    assert _snapshot(evil_event.parent.parent) == before


def test_history_leaves_out_an_event_with_escapes_and_prints_none(
    evil_event: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (evil_event.parent / "evil.record.yaml").write_text("format: 1\nlog: []\n", encoding="utf-8")
    code, output = _run(["history", str(evil_event.parent)], capsys)
    assert code == 0
    assert "left out" in output and "control characters" in output
    assert not RAW.search(output), output


def test_a_record_edited_to_hold_an_escape_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for i in range(4):
        build_deck(tmp_path / "decks" / f"deck-{i}")
    event = build_event(tmp_path / "events", order="listed")
    assert main(["draw", str(event)]) == 0
    record = event.with_name("test.record.yaml")
    text = record.read_text(encoding="utf-8")
    # A hand edit: JSON's \u001b is a valid escape in the record's quoted lines.
    record.write_text(text.replace('"presenter": "Ada"', '"presenter": "Ada\\u001b[2J"', 1), encoding="utf-8")
    capsys.readouterr()
    before = _snapshot(tmp_path)
    for argv in (["results", str(event)], ["draw", str(event)], ["results", "--format", "md", str(event)]):
        code, output = _run(argv, capsys)
        assert code == 1
        assert "test.record.yaml" in output and "control characters" in output
        assert not RAW.search(output), output
    assert _snapshot(tmp_path) == before


def test_deck_yaml_title_with_an_escape_fails_the_deck_and_check_prints_it_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    build_deck(tmp_path / "decks" / "bad", title="Deck \x1b]0;owned\x07", authors=["Eve \x9b31m"])
    build_deck(tmp_path / "decks" / "good", notes="two\nlines\tand a tab")
    code, output = _run(["check", "--slides", "12", str(tmp_path / "decks")], capsys)
    assert code == 1
    assert output.count("control characters") == 2  # title and authors; the notes' newline and tab are fine
    assert not RAW.search(output), output


def test_a_deck_folder_named_with_an_escape_is_never_drawn_and_printed_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    build_deck(tmp_path / "decks" / "evil\x1b[2J")
    build_deck(tmp_path / "decks" / "fine")
    event = build_event(tmp_path / "events", presenters=["Ada"])
    code, output = _run(["check", str(event)], capsys)
    assert "\\x1b[2J" in output and "rename" in output
    assert not RAW.search(output), output
    code, output = _run(["draw", "--json", str(event)], capsys)
    assert code == 0
    assert json.loads(output)["presenters"][0]["deck"] == "fine"


def test_a_late_presenter_with_an_escape_in_the_name_is_refused(tmp_path: Path) -> None:
    build_deck(tmp_path / "decks" / "d")
    show = Show.open(build_event(tmp_path / "events"), save=False)
    with pytest.raises(RecordError, match="control characters"):
        show.add_presenter("Mallory \x1b[8m")


def test_every_results_format_escapes_names_that_bypass_the_files(tmp_path: Path) -> None:
    # An Event made in code, not read from a file: the exports still print no control character.
    build_deck(tmp_path / "decks" / "d")
    path = build_event(tmp_path / "events")
    event = Event(path=path, name=EVIL_EVENT, decks=tmp_path / "decks", presenters=(EVIL_PRESENTER, "Bob"))
    record = EventRecord(event, [{"at": "x", "kind": "order", "presenters": [EVIL_PRESENTER, "Bob"]}], save=False)
    standings = Standings.from_record(record)
    for fmt in FORMATS:
        text = export(standings, event, fmt)
        assert not RAW.search(text), fmt
    assert json.loads(export(standings, event, "json"))["event"] == EVIL_EVENT  # JSON keeps the text exact


def test_visible_escapes_controls_and_undecodable_bytes() -> None:
    assert visible("a\x1b[2Jb\x07") == "a\\x1b[2Jb\\x07"
    assert visible("caf\udce9") == "caf\\xe9"  # a byte that was not UTF-8, as os.fsdecode keeps it
    assert visible("tab\there\n") == "tab\\there\\n"
    assert visible_lines("one\ntwo\x9b") == "one\ntwo\\x9b"
    assert visible("Zoë — ünïcode ✓") == "Zoë — ünïcode ✓"
    assert visible("caf\udce9").encode("utf-8")


def test_control_problem_names_the_characters() -> None:
    assert control_problem("plain name") is None
    assert control_problem("two\nlines", allow="\n") is None
    why = control_problem("bad\x1b\x07\x1b")
    assert why is not None and "\\x1b, \\x07" in why


@pytest.mark.parametrize("text", ["Ann\u2028Bob", "C1 \x85 next line", "\ufeffBOM", "caf\udce9", "\x9b31m"])
def test_json_text_lines_read_back_the_same_through_yaml(text: str) -> None:
    line = json_text({"name": text})
    assert line.isascii() or "\u2028" not in line
    assert yaml.safe_load(f"log:\n  - {line}\n")["log"][0]["name"] == text
