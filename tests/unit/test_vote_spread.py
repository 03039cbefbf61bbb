"""The audience screen's chart of a closed vote: a bar per score, its count on top, the scores below."""

from __future__ import annotations

import pytest

from battledecks.ui.widgets.vote_spread import BAR, COUNT, EIGHTHS, NONE, SCORE, spread_chart


def text(lines) -> list[str]:  # noqa: ANN001
    return ["".join(piece.text for piece in line) for line in lines]


@pytest.mark.parametrize("size", [(80, 19), (156, 36), (30, 8)])
def test_bars_are_their_counts_share_of_the_tallest_and_fit(size: tuple[int, int]) -> None:
    width, height = size
    bars = [(str(n), c) for n, c in zip(range(1, 11), [0, 0, 1, 0, 0, 0, 1, 3, 5, 2])]
    lines = spread_chart(bars, width, height)
    shown = text(lines)
    assert len(shown) == height and all(len(line) <= width for line in shown)
    cols = width // len(bars)
    margin = (width - cols * len(bars)) // 2
    rows = height - 2
    for column, (_, count) in enumerate(bars):
        cells = [line[margin + column * cols : margin + (column + 1) * cols] for line in shown[:-1]]
        filled = sum(EIGHTHS.index(c.strip()[0]) for c in cells if c.strip() and c.strip()[0] in EIGHTHS[1:])
        assert filled == (round(8 * rows * count / 5) if count else 0)
        # Its count stands on top of it (a nobody's score: on the baseline), its score under it.
        top = next(i for i, c in enumerate(cells) if c.strip())
        assert cells[top].strip() == str(count)
        assert all(c.strip() and c.strip()[0] in EIGHTHS for c in cells[top + 1 :])
        assert shown[-1][margin + column * cols : margin + (column + 1) * cols].strip() == str(column + 1)
    kinds = {piece.kind for line in lines for piece in line}
    assert {BAR, COUNT, NONE, SCORE} <= kinds


def test_one_vote_shows_and_no_votes_leave_every_bar_empty() -> None:
    lines = text(spread_chart([("1", 1), ("2", 0), ("3", 0)], 30, 10))
    assert sum("█" in line for line in lines) == 8  # the one vote fills the chart
    empty = text(spread_chart([("1", 0), ("2", 0)], 20, 6))
    assert not any(ch in line for line in empty for ch in EIGHTHS[1:])
    assert empty[-2].split() == ["0", "0"] and empty[-1].split() == ["1", "2"]


def test_a_fine_scale_thins_its_scores_never_its_counts() -> None:
    scores = [f"{n / 2:g}" for n in range(21)]  # 0 to 10 in halves: 21 bars
    bars = [(score, 1 + i % 3) for i, score in enumerate(scores)]
    lines = text(spread_chart(bars, 80, 20))
    assert all(len(line) <= 80 for line in lines)
    shown = lines[-1].split()
    assert shown == scores[::2]  # every other score: "7.5" needs more than a 3-column bar
    counts = [token for line in lines[:-1] for token in line.split() if token.isdigit()]
    assert sorted(counts) == sorted(str(count) for _, count in bars)


def test_a_chart_too_small_to_draw_is_empty() -> None:
    assert spread_chart([("1", 3)] * 10, 9, 20) == []
    assert spread_chart([("1", 3)] * 10, 80, 2) == []
    assert spread_chart([], 80, 20) == []
