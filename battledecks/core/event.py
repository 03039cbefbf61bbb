"""The event file: who presents, which decks, how long, how it is scored.

Validation is strict: an unknown key is an error (a typo must not be silently
ignored), and every problem in the file is reported at once, each with its
key and line.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .problems import Problem, ProblemsError
from .text import control_problem
from .yamlfile import Lines, YamlFileError, load_yaml

ORDERS = ("random", "listed")
TIEBREAKS = ("none", "audience", "sudden-death")
VOTES = ("phones",)
"""How the audience may vote: ``phones`` (scan the room's QR code, vote on the /vote page)."""
VOTE_WHEN = ("each-talk", "at-end")
PHONES_PER_ADDRESS = 4
"""Phones whose votes count per network address in one vote, unless the event says otherwise."""
MAX_PHONES_PER_ADDRESS = 100_000
GRAPHICS = ("auto", "kitty", "sixel", "halfcell")


@dataclass(frozen=True)
class Criterion:
    """One line of the judges' rubric."""

    name: str
    weight: float = 1.0
    """How much this criterion counts in a judge's weighted sum."""


@dataclass(frozen=True)
class Scoring:
    """How talks are scored."""

    low: float = 1
    """Lowest score a judge may give."""
    high: float = 10
    """Highest score a judge may give."""
    step: float = 1
    """Scores are multiples of this above ``low`` (1 for whole points, 0.5 for halves)."""
    judges: tuple[str, ...] = ()
    """Judges' names; none means the audience score alone decides."""
    criteria: tuple[Criterion, ...] = (Criterion("Overall"),)
    """The rubric each judge scores."""
    audience: bool = True
    """Whether an audience score is recorded (fan favourite)."""
    audience_weight: float = 0.0
    """Above 0, the audience score is blended into the total with this weight."""
    tiebreak: str = "none"
    """How a tie for the win is broken: none | audience | sudden-death."""
    audience_vote: str | None = None
    """``"phones"``: the audience score is the mean of the room's votes from their phones."""
    audience_when: str = "each-talk"
    """When the room votes: after each talk, or on every presenter at the end."""
    phones_per_address: int = PHONES_PER_ADDRESS
    """Phones whose votes count per network address in one vote (``phones-per-address``): more where the
    room's phones reach the laptop through one shared address (NAT)."""

    def valid_score(self, value: float) -> bool:
        """Whether ``value`` is on the scale and a whole number of steps."""
        if not (self.low <= value <= self.high):
            return False
        steps = (value - self.low) / self.step
        return math.isclose(steps, round(steps), abs_tol=1e-9)


@dataclass(frozen=True)
class Event:
    """One Battledecks event, as the organizer wrote it."""

    path: Path
    """The event file."""
    name: str
    decks: Path
    """The folder of deck folders (absolute)."""
    presenters: tuple[str, ...]
    date: dt.date | None = None
    slides: int = 12
    """Slides in every deck."""
    seconds: float = 300
    """Length of one talk."""
    countdown: float = 3
    """Seconds of 3-2-1 before the first slide; 0 for none."""
    order: str = "random"
    """Presenting order: random (drawn once, recorded) or listed."""
    reuse: bool = False
    """Whether decks shown at earlier events may be drawn again."""
    topics: tuple[str, ...] = ()
    """If any, each presenter also draws one unseen topic."""
    scoring: Scoring = field(default_factory=Scoring)
    graphics: str = "auto"
    """How slides are drawn: auto | kitty | sixel | halfcell."""

    @property
    def period(self) -> float:
        """Seconds each slide is shown."""
        return self.seconds / self.slides

    @property
    def record_path(self) -> Path:
        """Where the event's record is kept: beside the event file."""
        return record_path_for(self.path)


def record_path_for(event_path: Path) -> Path:
    """``events/demo.yaml`` keeps its record in ``events/demo.record.yaml``."""
    return event_path.with_name(event_path.stem + ".record.yaml")


def is_record_file(path: Path) -> bool:
    return path.name.endswith(".record.yaml")


_TOP_KEYS = {
    "name",
    "date",
    "decks",
    "slides",
    "seconds",
    "countdown",
    "order",
    "reuse",
    "presenters",
    "topics",
    "scoring",
    "graphics",
}
_SCORING_KEYS = {"scale", "judges", "criteria", "audience", "tiebreak"}
_CRITERION_KEYS = {"name", "weight"}


class _Reader:
    """Collects problems while reading one event file."""

    def __init__(self, path: Path, lines: Lines) -> None:
        self.path = path
        self.lines = lines
        self.problems: list[Problem] = []

    def problem(self, keys: tuple[Any, ...], message: str) -> None:
        line = None
        for depth in range(len(keys), -1, -1):
            line = self.lines.get(keys[:depth])
            if line is not None:
                break
        key = "".join(f"[{k}]" if isinstance(k, int) else (f".{k}" if i else str(k)) for i, k in enumerate(keys))
        self.problems.append(Problem(self.path, message, line=line, key=key or None))

    def unknown_keys(self, data: dict[Any, Any], known: set[str], keys: tuple[Any, ...]) -> None:
        for key in data:
            if key not in known:
                self.problem(keys + (key,), f"unknown key (known keys: {', '.join(sorted(known))})")

    def text(self, value: Any, keys: tuple[Any, ...], what: str = "a non-empty text") -> str | None:
        if isinstance(value, bool) or value is None or isinstance(value, (dict, list)):
            self.problem(keys, f"must be {what}")
            return None
        text = str(value).strip()
        if not text:
            self.problem(keys, "must not be empty")
            return None
        why = control_problem(text)
        if why:
            # Printed as it is, an escape sequence would retitle or clear the host's terminal.
            self.problem(keys, why)
            return None
        return text

    def number(self, value: Any, keys: tuple[Any, ...], *, integer: bool = False) -> float | None:
        kinds = (int,) if integer else (int, float)
        if isinstance(value, bool) or not isinstance(value, kinds) or not math.isfinite(value):
            self.problem(keys, "must be a whole number" if integer else "must be a number")
            return None
        return value

    def boolean(self, value: Any, keys: tuple[Any, ...]) -> bool | None:
        if not isinstance(value, bool):
            self.problem(keys, "must be true or false")
            return None
        return value

    def names(self, value: Any, keys: tuple[Any, ...], what: str) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            self.problem(keys, f"must be a list of {what}")
            return ()
        names: list[str] = []
        seen: dict[str, int] = {}
        for index, item in enumerate(value):
            name = self.text(item, keys + (index,), f"a {what[:-1]} (text)")
            if name is None:
                continue
            folded = name.casefold()
            if folded in seen:
                self.problem(keys + (index,), f"duplicate {what[:-1]} {name!r} (also item {seen[folded] + 1})")
                continue
            seen[folded] = index
            names.append(name)
        return tuple(names)


def _read_scoring(r: _Reader, data: Any) -> Scoring:
    keys: tuple[Any, ...] = ("scoring",)
    if data is None:
        return Scoring()
    if not isinstance(data, dict):
        r.problem(keys, "must be a mapping (scale, judges, criteria, audience, tiebreak)")
        return Scoring()
    r.unknown_keys(data, _SCORING_KEYS, keys)
    out: dict[str, Any] = {}
    if "scale" in data:
        scale = data["scale"]
        k = keys + ("scale",)
        if not isinstance(scale, list) or len(scale) not in (2, 3):
            r.problem(k, "must be [lowest, highest] or [lowest, highest, step]")
        else:
            read = [r.number(v, k + (i,)) for i, v in enumerate(scale)]
            nums = [n for n in read if n is not None]
            if len(nums) == len(read):
                low, high = nums[0], nums[1]
                step = nums[2] if len(nums) == 3 else 1
                if low >= high:
                    r.problem(k, f"lowest score {low:g} must be below highest {high:g}")
                elif step <= 0:
                    r.problem(k, f"step {step:g} must be above 0")
                elif not math.isclose((high - low) / step, round((high - low) / step), abs_tol=1e-9):
                    r.problem(k, f"step {step:g} does not divide the range {low:g} to {high:g}")
                else:
                    out.update(low=low, high=high, step=step)
    if "judges" in data:
        out["judges"] = r.names(data["judges"], keys + ("judges",), "judges")
    if "criteria" in data:
        k = keys + ("criteria",)
        value = data["criteria"]
        if not isinstance(value, list) or not value:
            r.problem(k, "must be a non-empty list of {name, weight}")
        else:
            criteria: list[Criterion] = []
            seen: set[str] = set()
            for index, item in enumerate(value):
                ik = k + (index,)
                if isinstance(item, str):
                    item = {"name": item}
                if not isinstance(item, dict):
                    r.problem(ik, "must be a name or {name: ..., weight: ...}")
                    continue
                r.unknown_keys(item, _CRITERION_KEYS, ik)
                if "name" not in item:
                    r.problem(ik, "needs a name")
                    continue
                name = r.text(item["name"], ik + ("name",))
                weight = r.number(item.get("weight", 1), ik + ("weight",))
                if weight is not None and weight <= 0:
                    r.problem(ik + ("weight",), "must be above 0")
                    weight = None
                if name is None or weight is None:
                    continue
                if name.casefold() in seen:
                    r.problem(ik + ("name",), f"duplicate criterion {name!r}")
                    continue
                seen.add(name.casefold())
                criteria.append(Criterion(name, float(weight)))
            if criteria:
                out["criteria"] = tuple(criteria)
    if "audience" in data:
        k = keys + ("audience",)
        value = data["audience"]
        if isinstance(value, bool):
            out["audience"] = value
        elif isinstance(value, dict):
            r.unknown_keys(value, {"weight", "vote", "when", "phones-per-address"}, k)
            weight = r.number(value.get("weight"), k + ("weight",)) if "weight" in value else None
            out["audience"] = True
            if "vote" in value:
                if value["vote"] not in VOTES:
                    r.problem(k + ("vote",), f"must be one of {', '.join(VOTES)}")
                else:
                    out["audience_vote"] = value["vote"]
            if "when" in value:
                if value["when"] not in VOTE_WHEN:
                    r.problem(k + ("when",), f"must be one of {', '.join(VOTE_WHEN)}")
                elif "vote" not in value:
                    r.problem(k + ("when",), "only applies with vote: phones")
                else:
                    out["audience_when"] = value["when"]
            if "phones-per-address" in value:
                pk = k + ("phones-per-address",)
                n = r.number(value["phones-per-address"], pk, integer=True)
                if n is None:
                    pass
                elif not 1 <= n <= MAX_PHONES_PER_ADDRESS:
                    r.problem(pk, f"must be from 1 to {MAX_PHONES_PER_ADDRESS:,}, not {n}")
                elif "vote" not in value:
                    r.problem(pk, "only applies with vote: phones")
                else:
                    out["phones_per_address"] = int(n)
            if "weight" not in value and "vote" not in value:
                r.problem(k, "needs a weight or a vote, e.g. {weight: 1} or {vote: phones}")
            elif "weight" not in value:
                pass
            elif weight is not None and weight <= 0:
                r.problem(k + ("weight",), "must be above 0")
            elif weight is not None:
                out.update(audience=True, audience_weight=float(weight))
        else:
            r.problem(k, "must be true, false or {weight: W, vote: phones, when: each-talk | at-end}")
    if "tiebreak" in data:
        value = data["tiebreak"]
        if value not in TIEBREAKS:
            r.problem(keys + ("tiebreak",), f"must be one of {', '.join(TIEBREAKS)}")
        else:
            out["tiebreak"] = value
    scoring = Scoring(**out)
    if scoring.tiebreak == "audience" and not scoring.audience:
        r.problem(keys + ("tiebreak",), "audience cannot break a tie when audience is false")
    if not scoring.judges and not scoring.audience:
        r.problem(keys, "no judges and no audience score: nothing would decide the winner")
    return scoring


def parse_event(path: Path, data: Any, lines: Lines) -> tuple[Event | None, list[Problem]]:
    """Validate event data read from ``path``; return the event (if usable) and every problem."""
    r = _Reader(path, lines)
    if not isinstance(data, dict):
        r.problem((), "must be a mapping of keys (name, decks, presenters, ...)")
        return None, r.problems
    r.unknown_keys(data, _TOP_KEYS, ())
    fields: dict[str, Any] = {}

    for key in ("name", "decks", "presenters"):
        if key not in data:
            r.problem((), f"missing required key {key!r}")
    if "name" in data:
        fields["name"] = r.text(data["name"], ("name",))
    if "date" in data and data["date"] is not None:
        value = data["date"]
        if isinstance(value, dt.datetime):
            fields["date"] = value.date()
        elif isinstance(value, dt.date):
            fields["date"] = value
        else:
            r.problem(("date",), "must be a date like 2010-04-13")
    if "decks" in data:
        text = r.text(data["decks"], ("decks",), "a folder path")
        if text is not None:
            folder = path.parent / text
            try:
                folder = (path.parent / Path(text).expanduser()).resolve()
                if not folder.exists():
                    r.problem(("decks",), f"decks folder {folder} does not exist")
                elif not folder.is_dir():
                    r.problem(("decks",), f"{folder} is not a folder")
                else:
                    fields["decks"] = folder
            except (OSError, RuntimeError) as error:
                # A symlink loop (RuntimeError from resolve) or a folder we may not look into.
                reason = getattr(error, "strerror", None) or "symbolic link loop"
                r.problem(("decks",), f"cannot open decks folder {folder}: {reason}")
    if "slides" in data:
        n = r.number(data["slides"], ("slides",), integer=True)
        if n is not None and n < 1:
            r.problem(("slides",), f"must be at least 1, not {n}")
        elif n is not None:
            fields["slides"] = int(n)
    for key in ("seconds", "countdown"):
        if key in data:
            n = r.number(data[key], (key,))
            if n is not None and key == "seconds" and n <= 0:
                r.problem((key,), f"must be above 0, not {n:g}")
            elif n is not None and n < 0:
                r.problem((key,), f"must be 0 or more, not {n:g}")
            elif n is not None:
                fields[key] = float(n)
    if "order" in data:
        if data["order"] not in ORDERS:
            r.problem(("order",), f"must be one of {', '.join(ORDERS)}")
        else:
            fields["order"] = data["order"]
    if "reuse" in data:
        value = r.boolean(data["reuse"], ("reuse",))
        if value is not None:
            fields["reuse"] = value
    if "graphics" in data:
        if data["graphics"] not in GRAPHICS:
            r.problem(("graphics",), f"must be one of {', '.join(GRAPHICS)}")
        else:
            fields["graphics"] = data["graphics"]
    if "presenters" in data:
        presenters = r.names(data["presenters"], ("presenters",), "presenters")
        if data["presenters"] is None or data["presenters"] == []:
            r.problem(("presenters",), "must list at least one presenter")
        fields["presenters"] = presenters
    if "topics" in data:
        fields["topics"] = r.names(data["topics"], ("topics",), "topics")
    fields["scoring"] = _read_scoring(r, data.get("scoring"))

    if r.problems or any(fields.get(k) is None for k in ("name", "decks", "presenters")):
        return None, r.problems
    return Event(path=path, **fields), r.problems


def read_event(path: Path) -> tuple[Event | None, list[Problem]]:
    """Read and validate an event file, collecting every problem."""
    try:
        data, lines = load_yaml(path)
    except YamlFileError as error:
        return None, [Problem(path, error.reason, line=error.line)]
    if data is None:
        return None, [Problem(path, "is empty: an event needs name, decks and presenters")]
    return parse_event(path, data, lines)


def load_event(path: Path) -> Event:
    """Read an event file.

    Raises:
        ProblemsError: the file has errors; its text names the first one.
    """
    event, problems = read_event(path)
    if event is None:
        raise ProblemsError(problems)
    return event
