"""Property tests: the event loader, the record loader, the talk clock and the scoring, on generated input.

Whatever the files hold, loading them either works or reports problems (never
another exception), and what loads can be shown (standings computed). The
clock never runs backwards; the scoring ranks by total, whatever the order of
the lineup.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from battledecks.core.clock import Phase, TalkClock
from battledecks.core.event import Criterion, Event, Scoring, parse_event, read_event
from battledecks.core.problems import Problem, ProblemsError
from battledecks.core.record import EventRecord
from battledecks.core.scoring import Scorecard, Standings

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# --- the event loader ----------------------------------------------------------

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.dates(),
)
data = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)),
    max_leaves=20,
)
KEYS = [
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
]
events = st.dictionaries(st.sampled_from(KEYS + ["typo"]), data, max_size=8) | data


@SETTINGS
@given(value=events)
def test_any_event_data_gives_an_event_or_problems(tmp_path: Path, value: object) -> None:
    (tmp_path / "decks").mkdir(exist_ok=True)
    event, problems = parse_event(tmp_path / "ev.yaml", value, {})
    assert all(isinstance(p, Problem) for p in problems)
    if event is None:
        assert any(p.is_error for p in problems)
    else:
        assert not any(p.is_error for p in problems)
        assert event.name.strip() and event.presenters and event.seconds > 0 and event.slides >= 1
        assert event.scoring.low < event.scoring.high


@SETTINGS
@given(raw=st.binary(max_size=300) | st.text(max_size=300).map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_any_event_file_bytes_give_an_event_or_problems(tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "ev.yaml"
    path.write_bytes(raw)
    event, problems = read_event(path)
    assert event is not None or problems


# --- the record loader ---------------------------------------------------------

KINDS = [
    "order",
    "add",
    "remove",
    "move",
    "draw",
    "veto",
    "talk-start",
    "talk-end",
    "abort",
    "talk-interrupted",
    "score",
    "correction",
    "pause",
    "resume",
    "skip",
    "catch-up",
    "note",
    "reveal",
    "vote-open",
    "vote-close",
    "commit",
    "explode",
]
NAMES = st.sampled_from(["Ada", "Brian", "Zed", "", "Ada\x1b[2J"])
field_values = st.one_of(
    NAMES,
    st.none(),
    st.integers(-3, 12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.lists(NAMES, max_size=3),
    st.sampled_from(["Judy", "Style", "deck-0", "standings"]),
)
entries = st.fixed_dictionaries(
    {"at": st.just("2010-04-13T19:00:00+00:00"), "kind": st.sampled_from(KINDS)},
    optional=dict.fromkeys(
        (
            "presenter",
            "presenters",
            "position",
            "round",
            "deck",
            "title",
            "topic",
            "seed",
            "judge",
            "criterion",
            "value",
            "previous",
            "vote",
            "votes",
            "mean",
            "stage",
            "reason",
        ),
        field_values,
    ),
)
ORDER = {"at": "2010-04-13T19:00:00+00:00", "kind": "order", "presenters": ["Ada", "Brian"], "how": "listed"}


def _event(tmp_path: Path) -> Event:
    (tmp_path / "decks").mkdir(exist_ok=True)
    scoring = Scoring(judges=("Judy",), criteria=(Criterion("Style"),))
    return Event(
        path=tmp_path / "ev.yaml", name="Props", decks=tmp_path / "decks", presenters=("Ada", "Brian"), scoring=scoring
    )


@SETTINGS
@given(log=st.lists(entries, max_size=8), first=st.booleans())
# A wildcard added before the order was set: refused, not a presenter missing from the standings.
@example(log=[{"at": "2010-04-13T19:00:00+00:00", "kind": "add", "presenter": "Judy"}], first=False)
def test_any_record_loads_and_shows_or_is_refused_with_problems(tmp_path: Path, log: list[dict], first: bool) -> None:
    event = _event(tmp_path)
    lines = [ORDER, *log] if first else log
    text = "format: 1\nlog:\n" + "".join(f"  - {json.dumps(e)}\n" for e in lines) if lines else "format: 1\nlog: []\n"
    event.record_path.write_text(text, encoding="utf-8")
    try:
        record = EventRecord.load(event, save=False)
    except ProblemsError as error:
        assert error.problems and str(error)
        return
    # A record that loads can be shown: its standings are computed without error.
    standings = Standings.from_record(record)
    assert set(record.order) <= {row.presenter for row in standings.rows}


@SETTINGS
@given(raw=st.binary(max_size=400))
def test_any_record_bytes_load_or_are_refused(tmp_path: Path, raw: bytes) -> None:
    event = _event(tmp_path)
    event.record_path.write_bytes(b"format: 1\nlog:\n" + raw)
    try:
        EventRecord.load(event, save=False)
    except ProblemsError as error:
        assert error.problems


# --- the clock -----------------------------------------------------------------

steps = st.lists(st.tuples(st.sampled_from(["pause", "resume", "skip", "wait"]), st.floats(0, 30)), max_size=20)


@SETTINGS
@given(slides=st.integers(1, 20), seconds=st.floats(1, 600), countdown=st.floats(0, 5), plan=steps)
def test_the_clock_never_goes_back(
    slides: int, seconds: float, countdown: float, plan: list[tuple[str, float]]
) -> None:
    clock = TalkClock(slides, seconds, countdown)
    now = 100.0
    clock.start(now)
    order = [Phase.COUNTDOWN, Phase.TALK, Phase.TIME_UP]
    last = clock.state(now)
    for action, gap in plan:
        now += gap
        if action == "pause":
            clock.pause(now)
        elif action == "resume":
            clock.resume(now)
        elif action == "skip":
            clock.skip_slide(now)
        state = clock.state(now)
        assert order.index(state.phase) >= order.index(last.phase)
        assert state.slide >= last.slide and 0 <= state.slide < slides
        assert state.elapsed >= last.elapsed - 1e-9
        assert 0 <= state.progress <= 1 and state.talk_remaining >= -1e-9
        following = clock.next_change(now)
        if following is not None:
            assert following > now - 1e-9 and not state.paused
        last = state
    # However it went, the talk ends: no later than its length, its countdown and its pauses.
    if clock.paused:
        clock.resume(now)
    end = now + seconds + countdown + 1
    assert clock.state(end).phase is Phase.TIME_UP


# --- the scoring ---------------------------------------------------------------

score = st.integers(1, 10)
cards = st.lists(
    st.tuples(
        st.dictionaries(st.sampled_from(["J1", "J2"]), st.dictionaries(st.sampled_from(["Style", "Fit"]), score)),
        st.none() | score,
    ),
    min_size=1,
    max_size=6,
)


@SETTINGS
@given(given_cards=cards, tiebreak=st.sampled_from(["none", "audience"]), data=st.data())
def test_ranks_follow_totals_whatever_the_lineup_order(given_cards: list, tiebreak: str, data: st.DataObject) -> None:
    scoring = Scoring(judges=("J1", "J2"), criteria=(Criterion("Style"), Criterion("Fit", 2.0)), tiebreak=tiebreak)
    made = [Scorecard(f"P{i}", scores, audience, status="scored") for i, (scores, audience) in enumerate(given_cards)]
    standings = Standings.compute(scoring, made)
    shuffled = Standings.compute(scoring, data.draw(st.permutations(made)))
    assert {r.presenter: (r.rank, r.total) for r in standings.rows} == {
        r.presenter: (r.rank, r.total) for r in shuffled.rows
    }
    ranked = [r for r in standings.rows if r.rank is not None]
    for row in ranked:
        assert row.total is not None and 3 <= row.total <= 30  # 1..10 on Style, twice that on Fit
        beaten_by = [o for o in ranked if o.total is not None and o.total > row.total + 1e-9]
        if tiebreak == "none":
            assert row.rank == len(beaten_by) + 1
        else:
            assert row.rank >= len(beaten_by) + 1
    assert all(r.rank is None for r in standings.rows if r.total is None)
    if ranked:
        assert min(r.rank for r in ranked) == 1
        assert not math.isnan(sum(r.total for r in ranked))
