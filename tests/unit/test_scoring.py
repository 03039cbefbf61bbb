"""Standings from scores: every scoring mode and tie case, with totals worked out by hand.

``tests/builders.py`` and ``tests/scoring_builders.py`` build real events with records through the
:class:`Show` API for these tests and the export, history and CLI tests.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from battledecks.core.event import Criterion, Scoring
from battledecks.core.record import EventRecord
from battledecks.core.scoring import Scorecard, Standings, exact, format_score
from battledecks.core.show import Show

from tests.builders import build_decks, build_event, present
from tests.scoring_builders import SCORED, play


def sheet(**by_criterion: float) -> dict[str, float]:
    return dict(by_criterion)


# --- small pure helpers -------------------------------------------------------


def test_exact_reads_the_decimal_value():
    assert exact(0.1) + exact(0.2) == exact(0.3)
    assert exact(7.5) == Fraction(15, 2)
    assert exact(3) == 3


@pytest.mark.parametrize(
    ("value", "text"), [(33.333333, "33.33"), (28.0, "28"), (7.5, "7.5"), (None, ""), (-0.001, "0"), (9.999, "10")]
)
def test_format_score(value, text):
    assert format_score(value) == text


# --- one talk's total -----------------------------------------------------------

WEIGHTED = Scoring(judges=("Ann", "Bob"), criteria=(Criterion("Style"), Criterion("Fit", 2)))


def test_judge_total_is_the_weighted_sum_and_the_judges_total_their_mean():
    # Ann: 7 + 2*8 = 23; Bob: 6 + 2*9 = 24; mean 23.5.
    card = Scorecard("P", {"Ann": sheet(Style=7, Fit=8), "Bob": sheet(Style=6, Fit=9)}, audience=5)
    row = Standings.compute(WEIGHTED, [card]).row("P")
    assert row.judge_totals == {"Ann": 23, "Bob": 24}
    assert row.judges_total == 23.5
    assert row.total == 23.5  # the audience score is not blended in (weight 0)
    assert row.audience == 5
    assert row.scores == {"Ann": {"Style": 7, "Fit": 8}, "Bob": {"Style": 6, "Fit": 9}}


def test_an_absent_judge_does_not_pull_the_mean_down():
    # Only Ann scored: 7 + 2*8 = 23; Bob's missing sheet is not a zero.
    card = Scorecard("P", {"Ann": sheet(Style=7, Fit=8)})
    row = Standings.compute(WEIGHTED, [card]).row("P")
    assert row.total == 23
    assert row.absent_judges == ("Bob",)
    assert row.incomplete_judges == ()
    assert row.judge_totals["Bob"] is None


def test_a_judge_with_criteria_missing_is_left_out_and_flagged():
    # Bob gave Style only: his sheet is incomplete, so the total is Ann's 23 alone.
    card = Scorecard("P", {"Ann": sheet(Style=7, Fit=8), "Bob": sheet(Style=10)})
    row = Standings.compute(WEIGHTED, [card]).row("P")
    assert row.total == 23
    assert row.incomplete_judges == ("Bob",)
    assert row.absent_judges == ()
    assert row.scores["Bob"] == {"Style": 10}


def test_scores_from_someone_not_on_the_panel_are_ignored():
    card = Scorecard("P", {"Ann": sheet(Style=7, Fit=8), "Zed": sheet(Style=1, Fit=1)})
    row = Standings.compute(WEIGHTED, [card]).row("P")
    assert row.total == 23
    assert set(row.scores) == {"Ann", "Bob"}


def test_half_points_tie_exactly():
    # 7.5 + 8.5 and 8 + 8 are both 16: a tie, not a float near-miss.
    scoring = Scoring(judges=("Ann",), criteria=(Criterion("Style"), Criterion("Humour")), step=0.5)
    standings = Standings.compute(
        scoring,
        [
            Scorecard("P1", {"Ann": sheet(Style=7.5, Humour=8.5)}),
            Scorecard("P2", {"Ann": sheet(Style=8, Humour=8)}),
        ],
    )
    assert [(r.presenter, r.rank, r.tied) for r in standings.rows] == [("P1", 1, True), ("P2", 1, True)]


def test_tenths_tie_exactly_where_floats_would_not():
    assert 0.1 + 0.2 != 0.3
    scoring = Scoring(judges=("Ann",), criteria=(Criterion("A"), Criterion("B")), low=0, high=1, step=0.1)
    standings = Standings.compute(
        scoring,
        [
            Scorecard("P1", {"Ann": sheet(A=0.1, B=0.2)}),
            Scorecard("P2", {"Ann": sheet(A=0.3, B=0.0)}),
        ],
    )
    assert standings.row("P1").tied and standings.row("P1").rank == standings.row("P2").rank == 1


def test_thirds_from_a_three_judge_mean_tie_exactly():
    # (8 + 8 + 9) / 3 = 25/3 and (9 + 9 + 7) / 3 = 25/3.
    scoring = Scoring(judges=("A", "B", "C"))
    standings = Standings.compute(
        scoring,
        [
            Scorecard("P1", {"A": {"Overall": 8}, "B": {"Overall": 8}, "C": {"Overall": 9}}),
            Scorecard("P2", {"A": {"Overall": 9}, "B": {"Overall": 9}, "C": {"Overall": 7}}),
        ],
    )
    assert standings.row("P1").exact_total == Fraction(25, 3)
    assert standings.row("P1").tied and standings.row("P2").rank == 1


# --- audience: separate award, blended, or the only score ---------------------------


def test_separate_audience_score_is_the_fan_favourite_and_not_in_the_total():
    scoring = Scoring(judges=("Ann",), audience=True)
    standings = Standings.compute(
        scoring,
        [
            Scorecard("P1", {"Ann": {"Overall": 9}}, audience=4),
            Scorecard("P2", {"Ann": {"Overall": 7}}, audience=10),
            Scorecard("P3", {"Ann": {"Overall": 8}}, audience=10),
        ],
    )
    assert [(r.presenter, r.total, r.rank) for r in standings.rows] == [("P1", 9, 1), ("P3", 8, 2), ("P2", 7, 3)]
    assert standings.awards.winners == ("P1",)
    assert standings.awards.fan_favourites == ("P3", "P2")  # shared, in standings order
    assert standings.awards.fan_score == 10
    assert standings.fan_favourite_award


def test_blended_audience_adds_weight_times_audience():
    # total = judges' total + 0.5 * audience: P1 20 + 0.5*4 = 22, P2 18 + 0.5*10 = 23.
    scoring = Scoring(judges=("Ann", "Bob"), audience=True, audience_weight=0.5)
    standings = Standings.compute(
        scoring,
        [
            Scorecard("P1", {"Ann": {"Overall": 19}, "Bob": {"Overall": 21}}, audience=4),
            Scorecard("P2", {"Ann": {"Overall": 18}, "Bob": {"Overall": 18}}, audience=10),
        ],
    )
    assert standings.row("P1").judges_total == 20 and standings.row("P1").total == 22
    assert standings.row("P2").total == 23
    assert standings.awards.winners == ("P2",)
    assert standings.awards.fan_favourites == ()  # the audience already counts in the total
    assert not standings.fan_favourite_award


def test_blended_total_waits_for_the_audience_score():
    scoring = Scoring(judges=("Ann",), audience=True, audience_weight=1)
    standings = Standings.compute(scoring, [Scorecard("P1", {"Ann": {"Overall": 8}})])
    row = standings.row("P1")
    assert row.judges_total == 8 and row.total is None and row.rank is None


def test_no_judges_the_audience_score_is_the_total():
    scoring = Scoring(judges=(), audience=True)
    standings = Standings.compute(
        scoring,
        [
            Scorecard("P1", audience=6),
            Scorecard("P2", audience=9.5),
            Scorecard("P3"),
        ],
    )
    assert [(r.presenter, r.total, r.rank) for r in standings.rows] == [
        ("P2", 9.5, 1),
        ("P1", 6, 2),
        ("P3", None, None),
    ]
    assert standings.row("P2").judges_total is None
    assert standings.awards.fan_favourites == ()  # no separate award: the audience decides the win


def test_audience_off_ignores_an_audience_score():
    scoring = Scoring(judges=("Ann",), audience=False)
    standings = Standings.compute(scoring, [Scorecard("P1", {"Ann": {"Overall": 5}}, audience=9)])
    assert standings.row("P1").audience is None
    assert standings.awards.fan_favourites == ()


# --- ranks ------------------------------------------------------------------------


def test_shared_ranks_skip_the_places_they_take_and_unscored_come_last():
    scoring = Scoring(judges=("Ann",))
    standings = Standings.compute(
        scoring,
        [
            Scorecard("Waits"),
            Scorecard("D", {"Ann": {"Overall": 5}}),
            Scorecard("B", {"Ann": {"Overall": 8}}),
            Scorecard("A", {"Ann": {"Overall": 10}}),
            Scorecard("C", {"Ann": {"Overall": 8}}),
        ],
    )
    assert [(r.presenter, r.rank, r.tied) for r in standings.rows] == [
        ("A", 1, False),
        ("B", 2, True),
        ("C", 2, True),
        ("D", 4, False),
        ("Waits", None, False),
    ]
    assert [r.presenter for r in standings.unranked] == ["Waits"]
    assert standings.awards.winners == ("A",)
    assert standings.awards.decided_by == "total"
    assert standings.awards.runners_up == ((2, "B"), (2, "C"))


def test_nobody_scored_means_no_winner():
    standings = Standings.compute(Scoring(judges=("Ann",)), [Scorecard("A"), Scorecard("B")])
    assert standings.ranked == []
    assert standings.awards.winners == () and standings.awards.decided_by == ""
    assert [r.presenter for r in standings.rows] == ["A", "B"]


def test_two_cards_for_one_round_are_refused():
    with pytest.raises(ValueError, match="two scorecards for A in round 1"):
        Standings.compute(Scoring(judges=("Ann",)), [Scorecard("A"), Scorecard("A")])


# --- tie-breaks for first place ---------------------------------------------------------


def tied_pair(audience: tuple[float | None, float | None] = (6, 9)) -> list[Scorecard]:
    return [
        Scorecard("P1", {"Ann": {"Overall": 8}}, audience=audience[0]),
        Scorecard("P2", {"Ann": {"Overall": 8}}, audience=audience[1]),
        Scorecard("P3", {"Ann": {"Overall": 5}}, audience=10),
    ]


def test_tiebreak_none_shares_the_win():
    standings = Standings.compute(Scoring(judges=("Ann",), tiebreak="none"), tied_pair())
    assert standings.awards.winners == ("P1", "P2")
    assert standings.awards.decided_by == "shared"
    assert [(r.presenter, r.rank) for r in standings.rows] == [("P1", 1), ("P2", 1), ("P3", 3)]
    assert standings.awards.runners_up == ((3, "P3"),)


def test_tiebreak_audience_better_audience_wins():
    standings = Standings.compute(Scoring(judges=("Ann",), tiebreak="audience"), tied_pair())
    assert standings.awards.winners == ("P2",)
    assert standings.awards.decided_by == "audience"
    assert [(r.presenter, r.rank, r.tied) for r in standings.rows] == [
        ("P2", 1, False),
        ("P1", 2, False),
        ("P3", 3, False),
    ]
    # The fan favourite is still its own award: P3 had the best audience score.
    assert standings.awards.fan_favourites == ("P3",)


def test_tiebreak_audience_equal_audience_stays_shared():
    standings = Standings.compute(Scoring(judges=("Ann",), tiebreak="audience"), tied_pair((7, 7)))
    assert standings.awards.winners == ("P1", "P2")
    assert standings.awards.decided_by == "shared"


def test_tiebreak_audience_a_missing_audience_score_loses():
    standings = Standings.compute(Scoring(judges=("Ann",), tiebreak="audience"), tied_pair((None, 1)))
    assert standings.awards.winners == ("P2",)


def test_tiebreak_audience_orders_a_three_way_tie():
    scoring = Scoring(judges=("Ann",), tiebreak="audience")
    standings = Standings.compute(
        scoring,
        [
            Scorecard("A", {"Ann": {"Overall": 8}}, audience=9),
            Scorecard("B", {"Ann": {"Overall": 8}}, audience=9),
            Scorecard("C", {"Ann": {"Overall": 8}}, audience=7),
        ],
    )
    assert [(r.presenter, r.rank, r.tied) for r in standings.rows] == [("A", 1, True), ("B", 1, True), ("C", 3, False)]
    assert standings.awards.decided_by == "shared"


SUDDEN = Scoring(judges=("Ann",), tiebreak="sudden-death")


def test_sudden_death_is_asked_for_with_the_round_to_draw():
    standings = Standings.compute(SUDDEN, tied_pair())
    assert standings.needs_sudden_death == ["P1", "P2"]
    assert standings.sudden_death is not None and standings.sudden_death.round == 2
    assert standings.awards.decided_by == "pending"
    assert standings.awards.winners == ("P1", "P2")


def test_sudden_death_waits_for_every_tied_presenter():
    cards = tied_pair() + [Scorecard("P1", {"Ann": {"Overall": 9}}, round=2)]
    standings = Standings.compute(SUDDEN, cards)
    assert standings.needs_sudden_death == ["P1", "P2"]
    assert standings.row("P1").sudden_death == {2: 9}


def test_sudden_death_round_two_decides():
    cards = tied_pair() + [
        Scorecard("P2", {"Ann": {"Overall": 6}}, round=2),
        Scorecard("P1", {"Ann": {"Overall": 7}}, round=2),
    ]
    standings = Standings.compute(SUDDEN, cards)
    assert standings.needs_sudden_death == []
    assert standings.sudden_death is None
    assert standings.awards.winners == ("P1",)
    assert standings.awards.decided_by == "sudden-death"
    assert [(r.presenter, r.rank) for r in standings.rows] == [("P1", 1), ("P2", 2), ("P3", 3)]
    # The main-round total stays what it was: the sudden death only breaks the tie.
    assert standings.row("P1").total == 8 and standings.row("P1").sudden_death == {2: 7}


def test_sudden_death_tied_again_goes_to_round_three():
    cards = tied_pair() + [
        Scorecard("P1", {"Ann": {"Overall": 7}}, round=2),
        Scorecard("P2", {"Ann": {"Overall": 7}}, round=2),
    ]
    standings = Standings.compute(SUDDEN, cards)
    assert standings.sudden_death is not None and standings.sudden_death.round == 3
    assert standings.needs_sudden_death == ["P1", "P2"]
    decided = Standings.compute(
        SUDDEN,
        cards
        + [
            Scorecard("P1", {"Ann": {"Overall": 4}}, round=3),
            Scorecard("P2", {"Ann": {"Overall": 5}}, round=3),
        ],
    )
    assert decided.awards.winners == ("P2",)
    assert decided.row("P1").sudden_death == {2: 7, 3: 4}


def test_sudden_death_three_way_puts_the_first_out_third():
    cards = [Scorecard(n, {"Ann": {"Overall": 8}}) for n in ("A", "B", "C")] + [
        Scorecard("A", {"Ann": {"Overall": 6}}, round=2),
        Scorecard("B", {"Ann": {"Overall": 6}}, round=2),
        Scorecard("C", {"Ann": {"Overall": 3}}, round=2),
    ]
    standings = Standings.compute(SUDDEN, cards)
    assert standings.needs_sudden_death == ["A", "B"]
    assert standings.sudden_death.round == 3
    assert [(r.presenter, r.rank, r.tied) for r in standings.rows] == [("A", 1, True), ("B", 1, True), ("C", 3, False)]


def test_no_tie_means_no_sudden_death():
    cards = [Scorecard("A", {"Ann": {"Overall": 9}}), Scorecard("B", {"Ann": {"Overall": 8}})]
    assert Standings.compute(SUDDEN, cards).needs_sudden_death == []


# --- from a real record ---------------------------------------------------------------


SUDDEN_DEATH = {
    "scale": [1, 10, 0.5],
    "judges": ["Ann", "Bob"],
    "criteria": [{"name": "Style", "weight": 1}, {"name": "Fit", "weight": 2}],
    "audience": True,
    "tiebreak": "sudden-death",
}


@pytest.fixture
def tied_event(tmp_path: Path) -> Path:
    build_decks(tmp_path / "decks", {f"d{i}": f"Deck {i}" for i in range(1, 7)})
    return build_event(
        tmp_path,
        "night",
        title="Night",
        decks="decks",
        presenters=["Cleo", "Dev", "Eve"],
        scoring=SUDDEN_DEATH,
        **SCORED,
    )


def test_from_record_reads_every_round(tied_event: Path):
    # Cleo: Ann 7.5 + 2*8 = 23.5, Bob 8 + 2*8 = 24 -> 23.75; Dev: Ann 8 + 2*8 = 24, Bob 7.5 + 2*8 = 23.5 -> 23.75.
    both = {("Ann", "Style"): 7.5, ("Ann", "Fit"): 8, ("Bob", "Style"): 8, ("Bob", "Fit"): 8}
    swapped = {("Ann", "Style"): 8, ("Ann", "Fit"): 8, ("Bob", "Style"): 7.5, ("Bob", "Fit"): 8}
    show = play(tied_event, {"Cleo": {"scores": both, "audience": 7}, "Dev": {"scores": swapped, "audience": 9}})
    standings = Standings.from_record(show.record)
    assert standings.row("Cleo").total == 23.75 == standings.row("Dev").total
    assert standings.needs_sudden_death == ["Cleo", "Dev"]
    assert standings.row("Eve").status == "waiting" and standings.row("Eve").rank is None
    assert standings.row("Cleo").status == "scored"
    assert standings.row("Cleo").deck_title == show.record.presenters["Cleo"].main.deck_title

    # Round 2 through the same API the app uses.
    one = {("Ann", "Style"): 5, ("Ann", "Fit"): 5, ("Bob", "Style"): 5, ("Bob", "Fit"): 5}
    round2 = {("Ann", "Style"): 6, ("Ann", "Fit"): 5, ("Bob", "Style"): 5, ("Bob", "Fit"): 5}
    for name, scores in (("Cleo", one), ("Dev", round2)):
        show.draw_for(name, 2)
        present(show, name, 2)
        for (judge, criterion), value in scores.items():
            show.score(name, judge, criterion, value, round=2)
    reloaded = EventRecord.load(show.event, save=False)
    decided = Standings.from_record(reloaded)
    assert decided.awards.winners == ("Dev",)
    assert decided.awards.decided_by == "sudden-death"
    assert decided.row("Dev").sudden_death == {2: 15.5}  # (6 + 10 + 5 + 10) / 2
    # The main-round deck stays the one shown in the row.
    assert decided.row("Dev").deck == reloaded.presenters["Dev"].main.deck


def test_from_record_without_a_record_lists_everyone_unscored(tied_event: Path):
    from battledecks.core.event import load_event

    record = EventRecord.load(load_event(tied_event), save=False)
    standings = Standings.from_record(record)
    assert [(r.presenter, r.rank, r.status) for r in standings.rows] == [
        ("Cleo", None, "waiting"),
        ("Dev", None, "waiting"),
        ("Eve", None, "waiting"),
    ]
    assert not record.path.exists()
