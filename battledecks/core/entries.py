"""What a record's log entry may hold: checked when a record is read.

A record is written by battledecks, but it is a text file a host may edit
(or a disk may damage). An entry whose fields have the wrong kind of value (a
score of ``"ten"``, a presenter that is a list, a score of infinity) would
replay without complaint and fail later, when the standings are computed, as
a traceback. Reading the record refuses it at once, naming the entry.
"""

from __future__ import annotations

import math
from typing import Any

from .text import control_problem_in


def _text(value: Any) -> bool:
    return isinstance(value, str)


def _optional_text(value: Any) -> bool:
    return value is None or isinstance(value, str)


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _optional_whole(value: Any) -> bool:
    return value is None or _whole(value)


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _optional_number(value: Any) -> bool:
    return value is None or _number(value)


def _round(value: Any) -> bool:
    return _whole(value) and value >= 1


def _position(value: Any) -> bool:
    return _whole(value) and value >= 0


def _names(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _hex(value: Any) -> bool:
    return isinstance(value, str) and len(value) == 64 and all(c in "0123456789abcdef" for c in value)


FIELDS = {
    "at": (_text, "a time stamp"),
    "kind": (_text, "a text"),
    "presenter": (_text, "a name"),
    "presenters": (_names, "a list of names"),
    "position": (_position, "a whole number from 0"),
    "round": (_round, "a whole number from 1"),
    "deck": (_text, "a deck id"),
    "title": (_optional_text, "a text"),
    "topic": (_optional_text, "a text"),
    "seed": (_optional_whole, "a whole number"),
    "pool": (_names, "a list of deck ids"),
    "topics": (_names, "a list of topics"),
    "reason": (_optional_text, "a text"),
    "judge": (_optional_text, "a name"),
    "criterion": (_optional_text, "a name"),
    "value": (_optional_number, "a number"),
    "previous": (_optional_number, "a number"),
    "mono": (_number, "a number"),
    "stage": (_text, "a text"),
    "vote": (_round, "a whole number from 1"),
    "votes": (lambda v: v is None or (_whole(v) and v >= 0), "a whole number from 0"),
    "mean": (_optional_number, "a number"),
    "chain": (_round, "a whole number from 1"),
    "revealed": (_hex, "64 hex digits"),
    "key": (_hex, "64 hex digits"),
    "room": (_optional_text, "a text"),
    "fingerprint": (_hex, "64 hex digits"),
    "content": (lambda v: isinstance(v, dict), "a mapping"),
}
"""Field -> (test, what it must be). Fields not listed are kept for the audit trail, unchecked."""


def entry_problem(entry: dict[str, Any]) -> str | None:
    """What is wrong with one log entry's fields, or None."""
    for name, value in entry.items():
        rule = FIELDS.get(name)
        if rule is not None and not rule[0](value):
            return f"{name} must be {rule[1]}, not {value!r}"[:200]
    why = control_problem_in(entry)
    return f"log entry: {why}" if why else None
