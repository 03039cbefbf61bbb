"""Small text helpers shared by the screens."""

from __future__ import annotations

import math

from ..core.show import Show


def duration(seconds: float) -> str:
    """``300`` -> ``5:00``; ``12`` -> ``0:12``."""
    whole = max(0, math.ceil(seconds - 1e-9))
    return f"{whole // 60}:{whole % 60:02d}"


def score_text(show: Show) -> dict[str, str]:
    """Each presenter's total in the round they are in now, as the lineup shows it (empty until scored).

    A presenter in a sudden-death round shows that round's total, not the main round's.
    """
    from ..core.scoring import format_score

    standings = show.standings()
    texts = {}
    for row in standings.rows:
        round_ = show.presenter(row.presenter).round
        total = row.total if round_ == 1 else row.sudden_death.get(round_)
        if total is not None:
            texts[row.presenter] = format_score(total)
    return texts
