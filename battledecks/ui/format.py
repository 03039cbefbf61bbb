"""Small text helpers shared by the screens."""

from __future__ import annotations

import math

from ..core.show import Show


def duration(seconds: float) -> str:
    """``300`` -> ``5:00``; ``12`` -> ``0:12``."""
    whole = max(0, math.ceil(seconds - 1e-9))
    return f"{whole // 60}:{whole % 60:02d}"


def score_text(show: Show) -> dict[str, str]:
    """Each presenter's total as shown in the lineup (empty until scored)."""
    from ..core.scoring import format_score

    standings = show.standings()
    return {row.presenter: format_score(row.total) for row in standings.rows if row.total is not None}
