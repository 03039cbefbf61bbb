"""Words shared by every export: labels, award lines, the scoring rule in a sentence."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..core.event import Criterion, Event, Scoring
from ..core.scoring import Awards, Standings, StandingRow, format_score
from ..core.words import format_vote

DECIDED = {
    "total": "",
    "audience": "tie for first broken on the audience score",
    "sudden-death": "tie for first broken by sudden death",
    "shared": "shared win",
    "pending": "sudden death to come",
}
"""How first place was settled, as a note beside the winner."""


def event_date(event: Event) -> str:
    return event.date.isoformat() if event.date else ""


def criterion_label(criterion: Criterion) -> str:
    """``Fit to the slides ×2``; weight 1 is not shown."""
    if criterion.weight == 1:
        return criterion.name
    return f"{criterion.name} ×{format_score(criterion.weight)}"


def names(items: tuple[str, ...] | list[str]) -> str:
    """``A``, ``A and B``, ``A, B and C``."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def winner_label(awards: Awards) -> str:
    if awards.decided_by == "pending":
        return "Tied for first"
    return "Winners" if len(awards.winners) > 1 else "Winner"


def audience_text(value: float | None, votes: int | None) -> str:
    """An audience score for people: "9", or "8.4 from 212 votes" when the room voted by phone."""
    if value is None:
        return ""
    if votes is None:
        return format_score(value)
    return format_vote(value, votes)


def fan_line(awards: Awards, rows: Sequence[StandingRow] = ()) -> tuple[str, str] | None:
    """("Fan favourite", "Angie Manfredi (audience 10)"), or None when there is none.

    Given the rows, a lone fan favourite's phone vote is told with its count ("audience 8.4 from 212 votes").
    """
    if not awards.fan_favourites:
        return None
    label = "Fan favourites" if len(awards.fan_favourites) > 1 else "Fan favourite"
    votes = [r.audience_votes for r in rows if r.presenter in awards.fan_favourites]
    score = (
        audience_text(awards.fan_score, votes[0])
        if len(awards.fan_favourites) == 1 and votes
        else format_score(awards.fan_score)
    )
    return label, f"{names(awards.fan_favourites)} (audience {score})"


def award_lines(standings: Standings) -> list[tuple[str, str]]:
    """(label, text) for each award that has been won: winner, runners-up, fan favourite, sudden death."""
    awards = standings.awards
    lines: list[tuple[str, str]] = []
    if awards.winners:
        note = DECIDED.get(awards.decided_by, "")
        text = names(awards.winners)
        lines.append((winner_label(awards), f"{text} ({note})" if note else text))
    if awards.runners_up:
        text = ", ".join(f"{presenter} ({ordinal(rank)})" for rank, presenter in awards.runners_up)
        lines.append(("Runners-up" if len(awards.runners_up) > 1 else "Runner-up", text))
    fans = fan_line(awards, standings.rows)
    if fans:
        lines.append(fans)
    if standings.sudden_death:
        sd = standings.sudden_death
        lines.append(("Sudden death", f"round {sd.round}: {names(sd.presenters)} each present one more deck"))
    return lines


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def rank_text(row: StandingRow) -> str:
    """``1``, ``=2`` for a shared rank, ``""`` while unranked."""
    if row.rank is None:
        return ""
    return f"={row.rank}" if row.tied else str(row.rank)


def rule_text(scoring: Scoring) -> str:
    """The scoring rule of this event in one or two sentences."""
    if not scoring.judges:
        return "The audience score is the total."
    weights = " + ".join(
        (f"{format_score(c.weight)} × {c.name}" if c.weight != 1 else c.name) for c in scoring.criteria
    )
    text = f"Each judge's total is {weights}; the judges' total is the mean over the judges who scored the talk."
    if scoring.audience and scoring.audience_weight > 0:
        text += f" Total = judges' total + {format_score(scoring.audience_weight)} × audience score."
    elif scoring.audience:
        text += " The audience score decides the fan favourite."
    if scoring.tiebreak == "audience":
        text += " A tie for first is broken by the audience score."
    elif scoring.tiebreak == "sudden-death":
        text += " A tie for first is broken by sudden death: one more deck each."
    return text


def row_note(row: StandingRow) -> str:
    """What is missing from a row's scores, if anything, and how many phones voted for its audience score."""
    notes = []
    if row.audience_votes is not None:
        notes.append(f"audience: {audience_text(row.audience, row.audience_votes)}")
    if row.incomplete_judges:
        notes.append(f"incomplete: {names(row.incomplete_judges)}")
    if row.absent_judges and row.total is not None:
        notes.append(f"absent: {names(row.absent_judges)}")
    if row.sudden_death:
        notes.append(
            "sudden death "
            + ", ".join(f"round {r}: {format_score(t) or '–'}" for r, t in sorted(row.sudden_death.items()))
        )
    return "; ".join(notes)


def judge_sum(row: StandingRow, judge: str) -> str:
    """A judge's weighted sum for a score sheet, or why there is none."""
    if judge in row.absent_judges:
        return "absent"
    if judge in row.incomplete_judges:
        return "incomplete"
    return format_score(row.judge_totals[judge])


@dataclass(frozen=True)
class Column:
    """One column of the standings as published (Markdown and HTML)."""

    title: str
    numeric: bool
    cells: tuple[str, ...]
    """One per row of the standings, in order."""


def standings_columns(standings: Standings) -> list[Column]:
    """Rank, presenter, deck, topic, each judge's sum, judges' mean, audience, total, notes.

    Topic and notes appear only when some row has one.
    """
    scoring = standings.scoring
    rows = standings.rows
    columns = [
        Column("Rank", True, tuple(rank_text(r) for r in rows)),
        Column("Presenter", False, tuple(r.presenter for r in rows)),
        Column("Deck", False, tuple(r.display_deck for r in rows)),
        Column("Topic", False, tuple(r.topic or "" for r in rows)),
    ]
    columns += [Column(j, True, tuple(format_score(r.judge_totals[j]) for r in rows)) for j in scoring.judges]
    if scoring.judges:
        columns.append(Column("Judges", True, tuple(format_score(r.judges_total) for r in rows)))
    if scoring.audience:
        columns.append(Column("Audience", True, tuple(format_score(r.audience) for r in rows)))
    columns.append(Column("Total", True, tuple(format_score(r.total) for r in rows)))
    columns.append(Column("Notes", False, tuple(row_note(r) for r in rows)))
    return [c for c in columns if c.title not in ("Topic", "Notes") or any(c.cells)]
