"""The talk clock, driven with made-up times: a 5-minute talk in microseconds."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from battledecks.core.clock import Phase, TalkClock


def talk(countdown: float = 3.0, seconds: float = 300, slides: int = 12, start: float = 1000.0) -> TalkClock:
    clock = TalkClock(slides, seconds, countdown)
    clock.start(start)
    return clock


def test_ready_before_start() -> None:
    clock = TalkClock(12, 300, 3)
    state = clock.state(5.0)
    assert state.phase is Phase.READY
    assert clock.next_change(5.0) is None


def test_countdown_then_slides_every_period() -> None:
    clock = talk()
    assert clock.state(1000.0).phase is Phase.COUNTDOWN
    assert clock.state(1002.99).countdown_remaining == pytest.approx(0.01)
    for k in range(12):
        due = 1003.0 + 25 * k
        assert clock.due_at(k) == pytest.approx(due)
        assert clock.state(due).slide == k
        assert clock.state(due).phase is Phase.TALK
        if k:
            assert clock.state(due - 0.001).slide == k - 1
    assert clock.state(1302.999).slide == 11
    end = clock.state(1303.0)
    assert end.phase is Phase.TIME_UP
    assert end.talk_remaining == 0
    assert clock.next_change(1303.0) is None


def test_boundary_belongs_to_next_slide_despite_float_error() -> None:
    clock = talk(countdown=0, seconds=1, slides=12, start=0.0)
    for k in range(1, 12):
        assert clock.state(k / 12).slide == k


def test_next_change_hits_every_countdown_second_and_slide() -> None:
    clock = talk(countdown=3, seconds=12, slides=3, start=0.0)
    now, seen = 0.0, []
    while (nxt := clock.next_change(now)) is not None:
        assert nxt > now
        seen.append(round(nxt, 6))
        now = nxt
    # countdown 3,2,1 -> seconds 1,2,3; then every whole second of the talk to 15.
    assert seen == [float(t) for t in range(1, 16)]


def test_pause_freezes_everything_and_resume_continues_exactly() -> None:
    clock = talk(countdown=0, start=0.0)
    assert clock.pause(40.0)
    frozen = clock.state(40.0)
    later = clock.state(400.0)
    assert later.slide == frozen.slide == 1
    assert later.slide_remaining == pytest.approx(10.0)
    assert later.talk_remaining == pytest.approx(260.0)
    assert later.paused
    assert clock.next_change(400.0) is None
    assert clock.resume(400.0)
    assert clock.state(410.0).slide == 2
    assert clock.state(409.999).slide == 1
    assert clock.due_at(2) == pytest.approx(410.0)
    assert clock.state(400.0 + 260.0).phase is Phase.TIME_UP


def test_pause_at_slide_boundary() -> None:
    clock = talk(countdown=0, start=0.0)
    clock.pause(25.0)
    assert clock.state(99.0).slide == 1
    assert clock.state(99.0).slide_remaining == pytest.approx(25.0)
    clock.resume(100.0)
    assert clock.state(124.999).slide == 1
    assert clock.state(125.0).slide == 2


def test_pause_during_countdown() -> None:
    clock = talk(countdown=3, start=0.0)
    clock.pause(1.5)
    assert clock.state(50.0).phase is Phase.COUNTDOWN
    assert clock.state(50.0).countdown_remaining == pytest.approx(1.5)
    clock.resume(50.0)
    assert clock.state(51.5).phase is Phase.TALK
    assert clock.due_at(0) == pytest.approx(51.5)


def test_long_and_repeated_pauses_add_up() -> None:
    clock = talk(countdown=0, start=0.0)
    t = 0.0
    for _ in range(50):
        t += 2.0
        clock.pause(t)
        t += 3600.0
        clock.resume(t)
    # 100 s of talk run, 50 hours paused.
    state = clock.state(t)
    assert state.elapsed == pytest.approx(100.0)
    assert state.slide == 4
    assert len(clock.pauses) == 50


def test_double_pause_and_resume_are_harmless() -> None:
    clock = talk(countdown=0, start=0.0)
    assert clock.pause(10)
    assert not clock.pause(11)
    assert clock.resume(20)
    assert not clock.resume(21)
    assert clock.state(20).elapsed == pytest.approx(10)


def test_cannot_pause_when_over() -> None:
    clock = talk(countdown=0, start=0.0)
    assert not clock.pause(301.0)


def test_stall_catches_up_to_the_right_slide() -> None:
    clock = talk(countdown=0, start=0.0)
    # Nothing asked the clock for 80 s: it answers for the moment it is asked.
    state = clock.state(80.0)
    assert state.slide == 3
    assert state.slide_remaining == pytest.approx(20.0)
    assert clock.next_change(80.0) == pytest.approx(81.0)


def test_skip_moves_on_and_shortens_the_talk() -> None:
    clock = talk(countdown=0, start=0.0)
    assert clock.skip_slide(30.0) == 1
    state = clock.state(30.0)
    assert state.slide == 2
    assert state.slide_remaining == pytest.approx(25.0)
    assert clock.state(30.0 + 250.0).phase is Phase.TIME_UP
    assert clock.state(30.0 + 249.9).phase is Phase.TALK


def test_skip_is_refused_while_paused_or_in_countdown() -> None:
    clock = talk(countdown=3, start=0.0)
    assert clock.skip_slide(1.0) is None
    clock.pause(10.0)
    assert clock.skip_slide(10.0) is None


def test_abort_and_restart_on_a_new_clock() -> None:
    clock = talk(countdown=0, start=0.0)
    clock.pause(50)
    clock.abort(60)
    assert clock.state(60).phase is Phase.ABORTED
    assert clock.next_change(60) is None
    again = talk(countdown=0, start=100.0)
    assert again.state(100.0).slide == 0
    assert again.state(125.0).slide == 1


def test_last_slide_runs_its_full_period() -> None:
    clock = talk(countdown=0, seconds=12, slides=12, start=0.0)
    assert clock.state(11.0).slide == 11
    assert clock.state(11.999).phase is Phase.TALK
    assert clock.next_change(11.5) == pytest.approx(12.0)
    assert clock.state(12.0).phase is Phase.TIME_UP


def test_start_twice_is_an_error() -> None:
    clock = talk()
    with pytest.raises(RuntimeError):
        clock.start(5.0)


@pytest.mark.parametrize("slides,seconds,countdown", [(0, 300, 0), (12, 0, 0), (12, -1, 0), (12, 300, -1)])
def test_bad_settings_are_refused(slides: int, seconds: float, countdown: float) -> None:
    with pytest.raises(ValueError):
        TalkClock(slides, seconds, countdown)


@given(
    pauses=st.lists(st.tuples(st.floats(0, 400), st.floats(0, 1000)), max_size=8),
    probe=st.floats(0, 2000),
)
def test_shown_time_never_exceeds_wall_time_minus_pauses(pauses: list[tuple[float, float]], probe: float) -> None:
    clock = talk(countdown=3, start=0.0)
    total_paused = 0.0
    t = 0.0
    for gap, length in pauses:
        t += gap
        if clock.pause(t):
            t += length
            clock.resume(t)
            total_paused += length
    now = t + probe
    state = clock.state(now)
    run = min(303.0, now - total_paused)
    if state.phase is Phase.TALK:
        assert state.elapsed == pytest.approx(run - 3.0, abs=1e-6)
        assert state.slide == min(11, int((run - 3.0 + 1e-9) // 25))
    assert 0 <= state.progress <= 1
