"""Exports of the standings, compared field by field with a record made through the real API."""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PIL import Image
from tests.builders import build_decks, build_event
from tests.scoring_builders import SCORED, play

from battledecks.core.event import Event, load_event
from battledecks.core.record import EventRecord
from battledecks.core.scoring import Standings, format_score
from battledecks.results import (
    CARD_SIZE,
    card_image,
    export,
    render_card,
    results_data,
    table_text,
    to_csv,
    to_html,
    to_markdown,
)

SCORING = {
    "scale": [1, 10, 0.5],
    "judges": ["Jessamyn West", "Stephen Abram"],
    "criteria": [{"name": "Style", "weight": 1}, {"name": "Fit to the slides", "weight": 2}],
    "audience": True,
    "tiebreak": "audience",
}

TRICKY = 'Zoë <b>Ångström</b> & "Co" | 1'
"""A name with HTML, quotes, a Markdown pipe and non-ASCII letters."""


def scores(ann_style, ann_fit, bob_style=None, bob_fit=None):
    given = {("Jessamyn West", "Style"): ann_style, ("Jessamyn West", "Fit to the slides"): ann_fit}
    if bob_style is not None:
        given[("Stephen Abram", "Style")] = bob_style
    if bob_fit is not None:
        given[("Stephen Abram", "Fit to the slides")] = bob_fit
    return given


@pytest.fixture
def night(tmp_path: Path) -> tuple[Event, EventRecord, Standings]:
    """Four presenters: a clear winner, a tie for second, an absent judge, one not yet on stage."""
    build_decks(tmp_path / "decks", {f"deck{i}": f"Deck <{i}> & more" for i in range(1, 7)})
    path = build_event(
        tmp_path,
        "night",
        title="Library Night <2024>",
        decks="decks",
        presenters=["Amy", TRICKY, "Cy", "Dee"],
        topics=["Owls", "Tax law", "Moss", "Trains"],
        scoring=SCORING,
        **SCORED,
    )
    play(
        path,
        {
            # Amy: (8 + 2*9 + 9 + 2*9) / 2 = 26.5
            "Amy": {"scores": scores(8, 9, 9, 9), "audience": 7},
            # Tricky: (7.5 + 2*8 + 8 + 2*8) / 2 = 23.75
            TRICKY: {"scores": scores(7.5, 8, 8, 8), "audience": 9.5},
            # Cy: Stephen Abram absent, so Jessamyn West alone: 7.5 + 2*8.5 = 24.5
            "Cy": {"scores": scores(7.5, 8.5), "audience": 6},
        },
    )
    event = load_event(path)
    record = EventRecord.load(event, save=False)
    return event, record, Standings.from_record(record)


def test_the_night_adds_up(night):
    _, _, standings = night
    assert [(r.presenter, r.total, r.rank) for r in standings.rows] == [
        ("Amy", 26.5, 1),
        ("Cy", 24.5, 2),
        (TRICKY, 23.75, 3),
        ("Dee", None, None),
    ]


def test_json_matches_the_record_field_by_field(night):
    event, record, standings = night
    data = json.loads(export(standings, event, "json"))
    assert data["event"] == "Library Night <2024>"
    assert data["date"] == "2010-04-13"
    assert [p["name"] for p in data["presenters"]] == [r.presenter for r in standings.rows]
    for item in data["presenters"]:
        turn = record.presenters[item["name"]].main
        row = standings.row(item["name"])
        assert item["deck"] == turn.deck_title
        assert item["deck_id"] == turn.deck
        assert item["topic"] == turn.topic
        assert item["status"] == record.status(item["name"]).value
        assert item["audience"] == turn.audience
        flat = {(j, c): v for j, given in item["scores"].items() for c, v in given.items()}
        assert flat == turn.scores
        assert item["total"] == row.total and item["rank"] == row.rank
    assert data["awards"]["winners"] == ["Amy"]
    assert data["awards"]["runners_up"] == [{"name": "Cy", "rank": 2}, {"name": TRICKY, "rank": 3}]
    assert data["awards"]["fan_favourites"] == [TRICKY]
    assert data["awards"]["fan_score"] == 9.5
    assert data["presenters"][1]["absent_judges"] == ["Stephen Abram"]
    assert data["sudden_death"] is None


def test_csv_parses_back_to_the_standings(night):
    event, record, standings = night
    rows = list(csv.DictReader(io.StringIO(to_csv(standings, event))))
    assert [r["presenter"] for r in rows] == [r.presenter for r in standings.rows]
    for line in rows:
        row = standings.row(line["presenter"])
        turn = record.presenters[row.presenter].main
        assert line["rank"] == ("" if row.rank is None else str(row.rank))
        assert line["deck"] == (turn.deck_title or "")
        assert line["topic"] == (turn.topic or "")
        for (judge, criterion), value in turn.scores.items():
            assert float(line[f"{judge}: {criterion}"]) == value
        assert line["total"] == format_score(row.total, 6)
        assert line["audience"] == format_score(turn.audience, 6)
    assert rows[0]["awards"] == "winner"
    assert rows[2]["awards"] == "runner-up; fan favourite"
    assert rows[1]["Stephen Abram: Style"] == ""  # absent judge: an empty cell, not 0


def test_csv_keeps_thirds_to_six_places(tmp_path: Path):
    from battledecks.core.event import Scoring
    from battledecks.core.scoring import Scorecard

    scoring = Scoring(judges=("A", "B", "C"))
    event = Event(path=tmp_path / "e.yaml", name="E", decks=tmp_path, presenters=("P",), scoring=scoring)
    standings = Standings.compute(
        scoring, [Scorecard("P", {"A": {"Overall": 8}, "B": {"Overall": 8}, "C": {"Overall": 9}})]
    )
    line = next(csv.DictReader(io.StringIO(to_csv(standings, event))))
    assert line["total"] == "8.333333"


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.extend(attrs)

    def handle_data(self, data):
        self.text.append(data)


def test_html_escapes_names_and_stands_alone(night):
    event, _, standings = night
    page = to_html(standings, event)
    assert "<b>Ångström</b>" not in page
    assert "Zoë &lt;b&gt;Ångström&lt;/b&gt; &amp; &quot;Co&quot; | 1" in page
    assert "Library Night &lt;2024&gt;" in page
    parsed = _Collector()
    parsed.feed(page)
    # The only tags are the page's own: nothing from a name became markup.
    assert "b" not in parsed.tags
    assert TRICKY in "".join(parsed.text)
    # No external assets: no links, scripts, images or imports.
    assert not {"link", "script", "img", "iframe"} & set(parsed.tags)
    assert not any(name in ("src", "href") for name, _ in parsed.attrs)
    assert not re.search(r"https?://|@import|url\(", page)


def test_html_shows_every_score_and_the_awards(night):
    event, record, standings = night
    parsed = _Collector()
    parsed.feed(to_html(standings, event))
    text = " ".join(t.strip() for t in parsed.text if t.strip())
    assert "Winner Amy" in text
    assert "Fan favourite " + TRICKY + " (audience 9.5)" in text
    for name, state in record.presenters.items():
        if state.main.deck_title:
            assert state.main.deck_title in text
            assert state.main.topic in text
    assert "Fit to the slides ×2" in text


def test_markdown_escapes_pipes_and_lists_every_presenter(night):
    event, _, standings = night
    md = to_markdown(standings, event)
    # Markdown punctuation and HTML in a name are escaped: it shows as typed and makes no markup.
    assert 'Zoë \\<b\\>Ångström\\</b\\> \\& "Co" \\| 1' in md
    assert "<b>" not in md
    table = [line for line in md.splitlines() if line.startswith("| ") and "Presenter" not in line]
    standings_rows = table[: len(standings.rows)]
    # Every row has the header's number of cells once escaped pipes are discounted.
    cells = {len(re.split(r"(?<!\\)\|", line)) for line in standings_rows}
    assert len(cells) == 1
    assert "- **Winner:** Amy" in md
    assert "### Amy: Deck \\<" in md


def test_table_text_names_the_winner(night):
    event, _, standings = night
    text = table_text(standings, event)
    assert "Winner: Amy" in text
    assert "Library Night <2024>" in text
    assert "absent: Stephen Abram" in text


def test_standings_with_nobody_in_them_still_export(night):
    event, _, standings = night
    empty = Standings.compute(standings.scoring, [])
    for fmt in ("table", "json", "md", "html"):
        assert "Library Night" in export(empty, event, fmt)
    assert list(csv.DictReader(io.StringIO(export(empty, event, "csv")))) == []


def test_results_data_reports_a_pending_sudden_death(tmp_path: Path):
    build_decks(tmp_path / "decks", {f"d{i}": f"D{i}" for i in range(1, 4)})
    path = build_event(
        tmp_path,
        "sd",
        title="SD",
        decks="decks",
        presenters=["A", "B"],
        scoring={"judges": ["J"], "tiebreak": "sudden-death"},
        **SCORED,
    )
    play(
        path,
        {"A": {"scores": {("J", "Overall"): 7}, "audience": 1}, "B": {"scores": {("J", "Overall"): 7}, "audience": 2}},
    )
    event = load_event(path)
    standings = Standings.from_record(EventRecord.load(event, save=False))
    data = results_data(standings, event)
    assert data["sudden_death"] == {"round": 2, "presenters": ["A", "B"]}
    assert data["awards"]["decided_by"] == "pending"
    assert "Sudden death: round 2: A and B each present one more deck" in table_text(standings, event)


# --- the card -------------------------------------------------------------------------


def test_card_is_a_1920x1080_png(night, tmp_path: Path):
    event, _, standings = night
    out = tmp_path / "card.png"
    render_card(standings, event, out)
    with Image.open(out) as image:
        assert image.format == "PNG"
        assert image.size == CARD_SIZE == (1920, 1080)


def test_card_draws_the_podium_only_for_ranked_places(night):
    event, _, standings = night
    gold = (233, 178, 40)
    scored = card_image(standings, event)
    # The winner's block is gold at its middle; with no scores there is no block.
    assert scored.getpixel((960, 860)) == gold
    empty = Standings.compute(standings.scoring, [])
    assert card_image(empty, event).getpixel((960, 860)) != gold


def test_card_fits_long_names(night):
    from dataclasses import replace

    event, _, standings = night
    long = replace(
        event, name="The Extraordinarily Long Annual Inter-Library Battledecks Championship Final Evening " * 2
    )
    # The title is shrunk or cut to fit: the outer 60 px of the title band stay background.
    band = (0, 60, 60, 180)
    assert card_image(standings, long).crop(band).tobytes() == card_image(standings, event).crop(band).tobytes()


def test_card_keeps_accents_and_spells_only_what_the_font_lacks():
    from battledecks.fonts import drawable as _drawable

    assert _drawable("Zoë Ångström-Æsir ß Łódź O'Brien-Ñúñez") == "Zoë Ångström-Æsir ß Łódź O'Brien-Ñúñez"
    assert _drawable("Plain ASCII “quoted” …") == "Plain ASCII “quoted” …"
    assert _drawable("東京") == "??"


def test_card_draws_an_accented_winner_with_its_accents(tmp_path: Path):
    from battledecks import fonts
    from battledecks.core.scoring import Scorecard

    (tmp_path / "decks").mkdir()
    event = load_event(
        build_event(tmp_path, "n", title="Night", decks="decks", presenters=["X"], scoring={"judges": ["A"]}, **SCORED)
    )
    scoring = event.scoring

    def card(name: str) -> Image.Image:
        return card_image(Standings.compute(scoring, [Scorecard(name, {"A": {"Overall": 9}})]), event)

    accented, plain = "Zoë O'Brien-Ñúñez", "Zoe O'Brien-Nunez"
    assert fonts.missing(accented) == "" and fonts.missing(accented, bold=True) == ""
    # The winner's name stands above the gold block: its accents change what is drawn there.
    band = (700, 300, 1220, 560)
    assert card(accented).crop(band).tobytes() != card(plain).crop(band).tobytes()
    # And a character the font lacks is not drawn as if it had it.
    assert card("Zoë 東").crop(band).tobytes() == card("Zoë ?").crop(band).tobytes()


@pytest.mark.parametrize(("name", "fmt"), [("card.jpg", "JPEG"), ("card.JPEG", "JPEG"), ("card.png", "PNG")])
def test_card_is_written_in_the_format_its_name_says(night, tmp_path: Path, name: str, fmt: str):
    event, _, standings = night
    out = tmp_path / name
    render_card(standings, event, out)
    with Image.open(out) as image:
        assert image.format == fmt and image.size == CARD_SIZE


def test_card_with_another_ending_is_refused_and_nothing_written(night, tmp_path: Path):
    from battledecks.core.problems import BattledecksError

    event, _, standings = night
    with pytest.raises(BattledecksError, match=r"card\.gif: .*\.png, \.jpg, \.jpeg"):
        render_card(standings, event, tmp_path / "card.gif")
    assert not (tmp_path / "card.gif").exists()


def test_the_scoring_guide_says_what_the_card_does_with_names():
    """docs/scoring.md's examples of names on the card ("`Zoë` stays `Zoë`") are what the card draws."""
    import re

    from battledecks.fonts import drawable

    guide = (Path(__file__).resolve().parents[2] / "docs" / "scoring.md").read_text(encoding="utf-8")
    card = guide[guide.index("The card is drawn with") :]
    card = card[: card.index("\n\n")]
    examples = re.findall(r"`([^`]+)` (?:stays|is written) `([^`]+)`", card)
    assert len(examples) >= 2, card
    for typed, on_card in examples:
        assert drawable(typed) == on_card and drawable(typed, bold=True) == on_card, (typed, on_card)
