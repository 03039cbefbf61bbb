"""Exports tell the phone vote's count: results, JSON, CSV, Markdown and the card's fan favourite line."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from battledecks.core.show import Show
from battledecks.results._words import audience_text
from battledecks.results.card import card_image
from battledecks.results.export import to_csv, to_json, to_markdown
from battledecks.results.table import table_text
from tests.builders import build_event, present


def voted_show(event_dir: Path, seeds, wall) -> Show:  # noqa: ANN001
    path = build_event(event_dir / "events", order="listed", scoring={"judges": ["J1"], "audience": {"vote": "phones"}})
    show = Show.open(path, seed_source=seeds, clock=wall)
    show.draw_all()
    for name, judge, count, mean in (("Ada", 7, 212, 8.4361), ("Brian", 9, 1, 6.0)):
        present(show, name)
        show.score(name, "J1", "Overall", judge)
        show.open_vote(name)
        show.close_vote(count, mean)
    present(show, "Chen")
    show.score("Chen", "J1", "Overall", 5)
    show.score("Chen", None, None, 4)  # typed by the host: no count
    return show


def test_audience_text() -> None:
    assert audience_text(8.44, 212) == "8.44 from 212 votes"
    # One rounding everywhere: the note says what the standings and the record say (6.875 is kept as 6.88).
    assert audience_text(6.875, 8) == "6.88 from 8 votes"
    assert audience_text(6, 1) == "6 from 1 vote"
    assert audience_text(9, None) == "9"
    assert audience_text(None, None) == ""


def test_results_say_how_many_phones_voted(event_dir: Path, seeds, wall) -> None:  # noqa: ANN001
    show = voted_show(event_dir, seeds, wall)
    standings = show.standings()
    text = table_text(standings, show.event)
    assert "Ada: audience: 8.44 from 212 votes" in text
    assert "Brian: audience: 6 from 1 vote" in text
    assert "Chen: audience" not in text
    assert "Fan favourite: Ada (audience 8.44 from 212 votes)" in text
    data = json.loads(to_json(standings, show.event))
    assert {p["name"]: p["audience_votes"] for p in data["presenters"]} == {"Ada": 212, "Brian": 1, "Chen": None}
    rows = list(csv.DictReader(io.StringIO(to_csv(standings, show.event))))
    assert {r["presenter"]: (r["audience"], r["audience votes"]) for r in rows} == {
        "Ada": ("8.44", "212"),
        "Brian": ("6", "1"),
        "Chen": ("4", ""),
    }
    assert "audience: 8.44 from 212 votes" in to_markdown(standings, show.event)


def test_the_card_names_the_count(event_dir: Path, seeds, wall, monkeypatch) -> None:  # noqa: ANN001
    show = voted_show(event_dir, seeds, wall)
    said: list[str] = []
    import battledecks.results.card as card

    real = card._fit

    def spy(draw, text, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        said.append(text)
        return real(draw, text, *args, **kwargs)

    monkeypatch.setattr(card, "_fit", spy)
    card_image(show.standings(), show.event)
    assert any("Fan favourite: Ada (audience 8.44 from 212 votes)" in t for t in said)


def test_a_vote_mean_reads_the_same_in_the_standings_the_note_and_the_hosts_message(
    event_dir: Path, seeds, wall
) -> None:  # noqa: ANN001
    from battledecks.room.votes.store import Result

    path = build_event(event_dir / "events", order="listed", scoring={"judges": ["J1"], "audience": {"vote": "phones"}})
    show = Show.open(path, seed_source=seeds, clock=wall)
    show.draw_all()
    present(show, "Ada")
    show.open_vote("Ada")
    show.close_vote(8, 6.875)  # seven 7s and a 6
    standings = show.standings()
    text = table_text(standings, show.event)
    audience_cells = [line for line in text.splitlines() if "Ada" in line and "6.88" in line]
    assert audience_cells, text  # the standings' audience column
    assert "Ada: audience: 6.88 from 8 votes" in text  # the note under the table
    assert "6.9" not in text.replace("6.88", "")
    assert "audience: 6.88 from 8 votes" in to_markdown(standings, show.event)
    # The host's message as the vote closes.
    assert Result(1, "Ada", 1, 8, 6.875).describe() == "6.88 from 8 votes"
