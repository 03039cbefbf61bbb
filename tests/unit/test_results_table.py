"""The standings table at every width: the result columns stay whole, titles give way between words."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from rich.console import Console
from tests.builders import build_decks, build_event
from tests.scoring_builders import SCORED, play

from battledecks.cli import main
from battledecks.core.event import load_event
from battledecks.core.record import EventRecord
from battledecks.core.scoring import Standings
from battledecks.results.table import results_table, shorten, table_text

JUDGES = ["Jessamyn West", "Stephen Abram", "Sarah Houghton"]
CRITERIA = ["Style", "Humour", "Fit to the slides"]
TITLES = {
    "d1": "The Scalable Centrifuge: Lessons from the Field Station",
    "d2": "Quarterly Synergy Review of Underwater Basket Weaving Initiatives",
    "d3": "Disrupting the Disruptors: A Post-Mortem",
    "d4": "Why Llamas",
    "d5": "Onboarding",
}
TOPICS = ["Why our library needs a zeppelin fleet", "Cats", "The future of the past, revisited"]


def sheet(style: int, humour: int, fit: int) -> dict[tuple[str, str], int]:
    return {(j, c): v for j in JUDGES for c, v in zip(CRITERIA, (style, humour, fit))}


@pytest.fixture(params=[False, True], ids=["no-topics", "topics"])
def night(tmp_path: Path, request) -> tuple[Standings, object, Path]:  # noqa: ANN001
    build_decks(tmp_path / "decks", TITLES)
    scoring = {
        "judges": JUDGES,
        "criteria": ["Style", "Humour", {"name": "Fit to the slides", "weight": 2}],
        "audience": True,
    }
    path = build_event(
        tmp_path,
        "night",
        title="Battledecks! 2010",
        decks="decks",
        presenters=["Janie Hermann", "Angie Manfredi", "Toby Greenwalt"],
        scoring=scoring,
        **({"topics": TOPICS} if request.param else {}),
        **SCORED,
    )
    scores = sheet(7, 8, 7)
    scores[(JUDGES[2], "Fit to the slides")] = 8  # judges 29, 29, 31: mean 29.67
    play(
        path,
        {
            "Janie Hermann": {"scores": scores, "audience": 9},
            "Angie Manfredi": {"scores": sheet(8, 8, 10), "audience": 10},
        },
    )
    event = load_event(path)
    return Standings.from_record(EventRecord.load(event, save=False)), event, path


def rendered(standings: Standings, event, width: int) -> list[str]:  # noqa: ANN001
    console = Console(file=io.StringIO(), width=width, color_system=None, record=True)
    console.print(results_table(standings, event, console))
    return console.export_text().splitlines()


def cells_after(line: str, name: str) -> list[str]:
    """The cells of a table row after the presenter's name, split on runs of 2+ spaces."""
    return [c for c in re.split(r"\s{2,}", line.split(name, 1)[1]) if c]


@pytest.mark.parametrize("width", range(80, 201, 8))
def test_result_columns_stay_whole_at_every_width(night, width: int) -> None:  # noqa: ANN001
    standings, event, _ = night
    lines = rendered(standings, event, width)
    assert all(len(line) <= width for line in lines)
    header = next(line for line in lines if "Rank" in line)
    assert header.split()[-3:] == ["Judges", "Audience", "Total"]
    assert "Presenter" in header
    janie = next(line for line in lines if "Janie Hermann" in line)
    angie = next(line for line in lines if "Angie Manfredi" in line)
    assert janie.split()[-3:] == ["29.67", "9", "29.67"]
    assert angie.split()[-3:] == ["36", "10", "36"]
    assert any("Toby Greenwalt" in line for line in lines)


@pytest.mark.parametrize("width", [80, 100, 120])
def test_titles_give_way_between_words(night, width: int) -> None:  # noqa: ANN001
    standings, event, _ = night
    lines = rendered(standings, event, width)
    start = next(i for i, line in enumerate(lines) if "Rank" in line) + 2
    body = lines[start : start + 3]
    rows = body[:2]
    assert ["Angie Manfredi" in rows[0], "Janie Hermann" in rows[1], body[2].split()] == [
        True,
        True,
        ["Toby", "Greenwalt"],
    ], "each presenter on one line: titles do not wrap"
    titles = list(TITLES.values()) + TOPICS
    shown = [cell for line in rows for cell in cells_after(line, "Hermann" if "Hermann" in line else "Manfredi")]
    cut = [cell for cell in shown if cell.endswith("…")]
    for cell in cut:
        stem = cell[:-1]
        assert any(re.match(re.escape(stem) + r"[,;:]? ", t) for t in titles), f"{cell!r} is cut inside a word"


def test_wide_enough_shows_every_title_whole(night) -> None:  # noqa: ANN001
    standings, event, _ = night
    text = "\n".join(rendered(standings, event, 320))
    for row in standings.rows:
        assert row.display_deck in text
        if row.topic:
            assert row.topic in text


def test_shorten_cuts_between_words() -> None:
    assert shorten("The Scalable Centrifuge: Lessons", 20) == "The Scalable…"
    assert shorten("Why Llamas", 10) == "Why Llamas"
    assert shorten("Onboarding", 6) == "Onboa…", "one word too long for the column is cut, no other way"
    assert shorten("Disrupting the Disruptors", 16) == "Disrupting the…"


def test_piped_results_print_every_value_whole(night, capsys) -> None:  # noqa: ANN001
    standings, event, path = night
    assert main(["results", str(path)]) == 0  # capsys: stdout is not a terminal
    out = capsys.readouterr().out
    janie = next(line for line in out.splitlines() if "Janie Hermann" in line)
    assert "29.67" in janie and janie.split()[-3:] == ["29.67", "9", "29.67"]
    assert "7 · 8 · 8 = 31" in janie, "every judge's score, since nothing limits the width"
    for title in TITLES.values():
        if title in (standings.rows[0].display_deck, standings.rows[1].display_deck):
            assert title in out
    assert "…" not in out
    rule = [line for line in out.splitlines() if line.startswith("Each judge's total")]
    assert len(rule) == 1 and rule[0].endswith("fan favourite."), "notes are whole lines, not wrapped"


def test_table_text_without_width_is_whole_and_with_width_fits(night) -> None:  # noqa: ANN001
    standings, event, _ = night
    whole = table_text(standings, event)
    assert "…" not in whole and "29.67" in whole
    narrow = table_text(standings, event, 80)
    assert all(len(line) <= 80 for line in narrow.splitlines())
    assert "29.67" in narrow
