"""The stream of changes: one small, serialisable event per record entry.

Every change to an event goes through :class:`~battledecks.core.show.Show`,
which writes one record entry and then emits one :class:`Change` on its
:class:`ChangeFeed`. Screens, the audience screen and the web server listen
to that feed instead of being told by whoever made the change.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)

# Entry fields that a Change carries as its own attributes, not in ``data``.
_OWN = ("kind", "at", "presenter", "round")


@dataclass(frozen=True)
class Change:
    """One record entry, as followers see it."""

    seq: int
    """1-based position of the entry in the record's log."""
    kind: str
    """The entry's kind: order, commit (the draw's commitment, or an extension of it), add, remove, move,
    draw, veto, talk-start, pause, resume, skip, catch-up, talk-end, abort, talk-interrupted, score,
    correction, reveal."""
    at: str
    """The entry's wall time (ISO 8601)."""
    presenter: str | None
    round: int
    """1 for the main round, 2 and up for sudden-death rounds."""
    data: Mapping[str, Any] = field(default_factory=dict)
    """The entry's other fields (JSON values)."""

    @classmethod
    def from_entry(cls, seq: int, entry: Mapping[str, Any]) -> Change:
        """The change for record entry number ``seq`` (1-based)."""
        return cls(
            seq=seq,
            kind=str(entry["kind"]),
            at=str(entry.get("at", "")),
            presenter=entry.get("presenter"),
            round=int(entry.get("round", 1)),
            data={k: v for k, v in entry.items() if k not in _OWN},
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "kind": self.kind,
            "at": self.at,
            "presenter": self.presenter,
            "round": self.round,
            "data": dict(self.data),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Change:
        return cls(
            seq=int(data["seq"]),
            kind=str(data["kind"]),
            at=str(data.get("at", "")),
            presenter=data.get("presenter"),
            round=int(data.get("round", 1)),
            data=dict(data.get("data") or {}),
        )


Subscriber = Callable[[Change], None]


class ChangeFeed:
    """A list of callbacks told of every change, in order.

    A subscriber that raises is logged and skipped: it never stops the other
    subscribers nor the command that made the change.
    """

    def __init__(self) -> None:
        self._subscribers: list[Subscriber] = []

    def subscribe(self, callback: Subscriber) -> Callable[[], None]:
        """Call ``callback`` with every change from now on; returns the way to stop."""
        self._subscribers.append(callback)

        def unsubscribe() -> None:
            if callback in self._subscribers:
                self._subscribers.remove(callback)

        return unsubscribe

    def emit(self, change: Change) -> None:
        for callback in list(self._subscribers):
            try:
                callback(change)
            except Exception:
                log.exception("a subscriber failed on change %s (%s)", change.seq, change.kind)

    def __len__(self) -> int:
        return len(self._subscribers)
