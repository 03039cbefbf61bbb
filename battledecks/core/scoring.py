"""Standings: from the scores on the judges' sheets to ranks and awards.

The rules, in the order they apply to one talk:

* A judge's total is the weighted sum of their criteria: the sum of
  ``weight * score``.
* The judges' total is the mean of the judge totals of the judges who scored
  the talk. A judge with no score at all for a talk was absent and does not
  pull the mean down; a judge with only some criteria scored is left out of
  the mean and flagged, so the host sees the missing sheet.
* With no judges the audience score is the total. With an audience weight
  ``W`` above 0 the total is ``judges' total + W * audience``; otherwise the
  total is the judges' total and the audience score decides a separate fan
  favourite award.
* Talks with a total are ranked by it, highest first; equal totals share a
  rank (1, 2, 2, 4). Talks without a total are listed after, unranked.
* A tie for first place is broken as the event says: ``none`` (a shared
  win), ``audience`` (the better audience score wins) or ``sudden-death``
  (the tied presenters each present one more deck, round 2, 3, ...; that
  round's totals decide).

Scores are added as exact fractions of their decimal values, so 7.5 + 8.5
ties 8 + 8 and 0.1 + 0.2 ties 0.3. Standings are derived, never stored: they
follow the scores as they are entered and corrected.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from .event import Scoring
from .words import format_score as format_score  # said here too: scores are formatted once, in words

if TYPE_CHECKING:
    from .record import EventRecord, Turn


def exact(value: float) -> Fraction:
    """``value`` as the exact fraction of its shortest decimal form (0.1 is 1/10)."""
    if isinstance(value, int):
        return Fraction(value)
    return Fraction(repr(float(value)))


@dataclass(frozen=True)
class Scorecard:
    """One presenter's turn as scored: what each judge gave on each criterion, and the audience."""

    presenter: str
    scores: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    """Judge -> criterion -> score."""
    audience: float | None = None
    round: int = 1
    """1 for the main round; 2, 3, ... for sudden death."""
    deck: str | None = None
    """Deck id."""
    deck_title: str | None = None
    topic: str | None = None
    status: str = "waiting"
    """Where the presenter is in the show (a :class:`~battledecks.core.record.Status` value)."""
    audience_votes: int | None = None
    """How many phones voted for the audience score, when it came from a vote."""

    @classmethod
    def from_turn(cls, presenter: str, turn: Turn, status: str) -> Scorecard:
        scores: dict[str, dict[str, float]] = {}
        for (judge, criterion), value in turn.scores.items():
            scores.setdefault(judge, {})[criterion] = value
        return cls(
            presenter,
            scores,
            turn.audience,
            turn.round,
            deck=turn.deck,
            deck_title=turn.deck_title,
            topic=turn.topic,
            status=status,
            audience_votes=turn.audience_votes,
        )


@dataclass(frozen=True)
class _Tally:
    """The sums for one scorecard under one scoring scheme."""

    judge_totals: dict[str, Fraction | None]
    absent: tuple[str, ...]
    incomplete: tuple[str, ...]
    judges_total: Fraction | None
    audience: Fraction | None
    total: Fraction | None


def _tally(scoring: Scoring, card: Scorecard) -> _Tally:
    judge_totals: dict[str, Fraction | None] = {}
    absent: list[str] = []
    incomplete: list[str] = []
    for judge in scoring.judges:
        given = card.scores.get(judge, {})
        values = [given.get(c.name) for c in scoring.criteria]
        if all(v is None for v in values):
            absent.append(judge)
            judge_totals[judge] = None
        elif any(v is None for v in values):
            incomplete.append(judge)
            judge_totals[judge] = None
        else:
            judge_totals[judge] = sum(
                (exact(c.weight) * exact(v) for c, v in zip(scoring.criteria, values) if v is not None), Fraction(0)
            )
    counted = [t for t in judge_totals.values() if t is not None]
    judges_total = sum(counted, Fraction(0)) / len(counted) if counted else None
    audience = exact(card.audience) if scoring.audience and card.audience is not None else None
    if not scoring.judges:
        total = audience
    elif scoring.audience_weight > 0:
        both = judges_total is not None and audience is not None
        total = judges_total + exact(scoring.audience_weight) * audience if both else None  # type: ignore[operator]
    else:
        total = judges_total
    return _Tally(judge_totals, tuple(absent), tuple(incomplete), judges_total, audience, total)


def _float(value: Fraction | None) -> float | None:
    return None if value is None else float(value)


def _ranks(keys: Mapping[str, Any]) -> dict[str, int]:
    """Standard competition ranks (1, 2, 2, 4) of names by key, the larger key first."""
    return {name: 1 + sum(1 for other in keys.values() if other > key) for name, key in keys.items()}


@dataclass(frozen=True)
class StandingRow:
    """One presenter's line in the standings."""

    presenter: str
    deck: str | None
    """Deck id of the main round."""
    deck_title: str | None
    topic: str | None
    status: str
    """Where the presenter is in the show (main round)."""
    scores: Mapping[str, Mapping[str, float]]
    """Judge -> criterion -> score, for the event's judges and criteria, as entered."""
    judge_totals: Mapping[str, float | None]
    """Each judge's weighted sum; None where the judge was absent or left criteria out."""
    judges_total: float | None
    """Mean of the judge totals that are complete."""
    audience: float | None
    total: float | None
    """What the ranking is by; None until the talk has one."""
    rank: int | None
    """1 is the winner; None while unranked."""
    tied: bool
    """Shares its rank with another presenter."""
    absent_judges: tuple[str, ...] = ()
    """Judges who gave no score at all for this talk."""
    incomplete_judges: tuple[str, ...] = ()
    """Judges who scored only some criteria: left out of the mean until they finish."""
    sudden_death: Mapping[int, float | None] = field(default_factory=dict)
    """Round -> total, for the sudden-death rounds this presenter was in."""
    exact_total: Fraction | None = field(default=None, repr=False, compare=False)
    """``total`` as an exact fraction, for comparing."""
    audience_votes: int | None = None
    """How many phones voted for the audience score, when it came from a vote."""

    @property
    def ranked(self) -> bool:
        return self.rank is not None

    @property
    def display_deck(self) -> str:
        """The deck's title, else its id, else ""."""
        return self.deck_title or self.deck or ""


@dataclass(frozen=True)
class SuddenDeath:
    """A sudden-death round still to be presented."""

    round: int
    """The round to draw, present and score (2 for the first sudden death)."""
    presenters: tuple[str, ...]
    """Who presents in it, in lineup order."""


@dataclass(frozen=True)
class Awards:
    """Who won what."""

    winners: tuple[str, ...] = ()
    """Everyone ranked first: one name, or several for a shared win or a sudden death still to come."""
    decided_by: str = ""
    """How first place was settled: "total" (outright), "audience" or "sudden-death"
    (tie broken), "shared" (the tie stands), "pending" (sudden death to come), "" (no one ranked)."""
    runners_up: tuple[tuple[int, str], ...] = ()
    """(rank, presenter) for the rest of the podium: ranks 2 and 3."""
    fan_favourites: tuple[str, ...] = ()
    """Best audience score, when it is a separate award; ties share it."""
    fan_score: float | None = None
    """The fan favourites' audience score."""


@dataclass(frozen=True)
class Standings:
    """Every presenter's scores, total and rank, and the awards."""

    scoring: Scoring
    rows: tuple[StandingRow, ...]
    """Ranked presenters by rank (ties in lineup order), then the unranked in lineup order."""
    awards: Awards
    sudden_death: SuddenDeath | None = None
    """The sudden-death round to run next, if a tie for first is waiting for one."""

    @property
    def needs_sudden_death(self) -> list[str]:
        """Presenters who must present in round ``sudden_death.round``; empty if none."""
        return list(self.sudden_death.presenters) if self.sudden_death else []

    @property
    def ranked(self) -> list[StandingRow]:
        return [r for r in self.rows if r.ranked]

    @property
    def unranked(self) -> list[StandingRow]:
        return [r for r in self.rows if not r.ranked]

    def row(self, presenter: str) -> StandingRow:
        for row in self.rows:
            if row.presenter == presenter:
                return row
        raise KeyError(presenter)

    @property
    def fan_favourite_award(self) -> bool:
        """Whether the audience score is its own award (judges decide, audience not blended in)."""
        return _separate_audience(self.scoring)

    # --- building ---------------------------------------------------------

    @classmethod
    def compute(cls, scoring: Scoring, cards: Iterable[Scorecard]) -> Standings:
        """Standings from scorecards: round 1 cards give the lineup (in order), later rounds sudden death.

        Raises:
            ValueError: a presenter has two cards for the same round.
        """
        main: dict[str, Scorecard] = {}
        later: dict[int, dict[str, Scorecard]] = {}
        for card in cards:
            bucket = main if card.round == 1 else later.setdefault(card.round, {})
            if card.presenter in bucket:
                raise ValueError(f"two scorecards for {card.presenter} in round {card.round}")
            bucket[card.presenter] = card
        lineup = list(main)
        tallies = {name: _tally(scoring, card) for name, card in main.items()}
        totals = {n: t.total for n, t in tallies.items() if t.total is not None}
        ranks = _ranks(totals)

        first = [n for n in lineup if ranks.get(n) == 1]
        decided_by = "total" if len(first) == 1 else ""
        sudden: SuddenDeath | None = None
        round_totals: dict[str, dict[int, Fraction | None]] = {}
        if len(first) > 1:
            keys: dict[str, Any]
            if scoring.tiebreak == "audience":
                keys = {n: _audience_key(tallies[n].audience) for n in first}
            elif scoring.tiebreak == "sudden-death":
                keys, sudden, round_totals = _sudden_death(scoring, first, later)
            else:
                keys = dict.fromkeys(first, 0)
            ranks.update(_ranks(keys))
            winners = [n for n in first if ranks[n] == 1]
            if sudden is not None:
                decided_by = "pending"
            elif len(winners) == 1:
                decided_by = scoring.tiebreak
            else:
                decided_by = "shared"

        position = {name: index for index, name in enumerate(lineup)}

        def sort_key(name: str) -> tuple[int, int]:
            return (ranks.get(name, len(lineup) + 1), position[name])

        sharing = Counter(ranks.values())
        rows = tuple(
            _row(scoring, main[n], tallies[n], ranks.get(n), sharing[ranks.get(n, 0)] > 1, round_totals.get(n, {}))
            for n in sorted(lineup, key=sort_key)
        )
        return cls(scoring, rows, _awards(scoring, rows, decided_by), sudden)

    @classmethod
    def from_record(cls, record: EventRecord) -> Standings:
        """The standings of an event as its record stands; presenters not yet in it are unscored."""
        names = record.order if record.ordered else list(record.event.presenters)
        cards: list[Scorecard] = []
        for name in names:
            state = record.presenters.get(name)
            turns = state.turns if state else {}
            if 1 not in turns:
                cards.append(Scorecard(name))
            cards.extend(Scorecard.from_turn(name, turns[n], record.status(name, n).value) for n in sorted(turns))
        return cls.compute(record.event.scoring, cards)


def _audience_key(audience: Fraction | None) -> tuple[int, Fraction]:
    # A missing audience score loses to any given one.
    return (0, Fraction(0)) if audience is None else (1, audience)


def _sudden_death(
    scoring: Scoring, tied: list[str], later: Mapping[int, Mapping[str, Scorecard]]
) -> tuple[dict[str, object], SuddenDeath | None, dict[str, dict[int, Fraction | None]]]:
    """Play the recorded sudden-death rounds among ``tied``.

    Returns each tied presenter's key (the round they went out in, then their
    total in it: later and higher is better), the round still to come if the
    tie is not broken, and each one's round totals.
    """
    keys: dict[str, object] = {}
    totals: dict[str, dict[int, Fraction | None]] = {n: {} for n in tied}
    alive = list(tied)
    number = 2
    while True:
        cards = later.get(number, {})
        round_total = {n: _tally(scoring, cards[n]).total if n in cards else None for n in alive}
        for n in alive:
            if n in cards:
                totals[n][number] = round_total[n]
        if any(t is None for t in round_total.values()):
            for n in alive:
                keys[n] = (number, 0, Fraction(0))
            return keys, SuddenDeath(number, tuple(alive)), totals
        best = max(round_total.values())  # type: ignore[type-var]
        for n in alive:
            keys[n] = (number, 1, round_total[n])
        alive = [n for n in alive if round_total[n] == best]
        if len(alive) == 1:
            return keys, None, totals
        number += 1


def _row(
    scoring: Scoring,
    card: Scorecard,
    tally: _Tally,
    rank: int | None,
    tied: bool,
    round_totals: Mapping[int, Fraction | None],
) -> StandingRow:
    scores = {
        judge: {c.name: card.scores[judge][c.name] for c in scoring.criteria if c.name in card.scores.get(judge, {})}
        for judge in scoring.judges
    }
    return StandingRow(
        presenter=card.presenter,
        deck=card.deck,
        deck_title=card.deck_title,
        topic=card.topic,
        status=card.status,
        scores=scores,
        judge_totals={j: _float(t) for j, t in tally.judge_totals.items()},
        judges_total=_float(tally.judges_total),
        audience=_float(tally.audience),
        total=_float(tally.total),
        rank=rank,
        tied=tied,
        absent_judges=tally.absent,
        incomplete_judges=tally.incomplete,
        sudden_death={r: _float(t) for r, t in round_totals.items()},
        exact_total=tally.total,
        audience_votes=card.audience_votes if tally.audience is not None else None,
    )


def _separate_audience(scoring: Scoring) -> bool:
    return bool(scoring.judges) and scoring.audience and scoring.audience_weight <= 0


def _awards(scoring: Scoring, rows: Sequence[StandingRow], decided_by: str) -> Awards:
    winners = tuple(r.presenter for r in rows if r.rank == 1)
    runners_up = tuple((r.rank, r.presenter) for r in rows if r.rank in (2, 3))
    fans: tuple[str, ...] = ()
    fan_score = None
    if _separate_audience(scoring):
        heard = [r for r in rows if r.audience is not None]
        if heard:
            fan_score = max(r.audience for r in heard)  # type: ignore[type-var]
            fans = tuple(r.presenter for r in heard if r.audience == fan_score)
    return Awards(winners, decided_by, runners_up, fans, fan_score)
