"""Kill a scripted event at many instants and check that nothing acknowledged is lost.

A child process (forked, so it starts in a millisecond) opens an event
through the core :class:`~battledecks.core.show.Show`, the way the app does
(lock, open, mark interrupted talks), and plays a script: draw, talk (start,
pause, resume, end), scores, a correction, a late presenter. After every
command returns it writes an ack line with the entries it added to a pipe.
The parent SIGKILLs it, either at a chosen step inside the record's atomic
write (the child announces each step and waits for a go: after the temporary
file is made, half-written, written, fsynced, renamed) or after a random
delay. After each kill the parent reopens the event and checks that the record
reads and replays and that every acknowledged entry is in it, in its place;
the next child resumes the event from there. A finished event is checked
whole and a new one begins.

Used by ``tests/unit/test_kill_anywhere.py`` and ``benchmarks/kill.py``.
"""

from __future__ import annotations

import json
import os
import random
import select
import shutil
import signal
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from battledecks.core import atomic
from battledecks.core.event import load_event, record_path_for
from battledecks.core.problems import BattledecksError
from battledecks.core.record import EventRecord, Status
from battledecks.core.show import Show
from battledecks.core.text import json_text
from harness.building import build_decks, build_event

PRESENTERS = ["Ada", "Brian", "Chen"]
LATE = "Zed"
"""Added once the first talk is scored."""
JUDGES = ["Judy"]
CRITERIA = ["Style", "Humour"]
TALK_SECONDS = 30

WRITE_STEPS = ("made", "half-written", "written", "fsynced", "renamed", "folder synced")
"""Where a paused child stops inside an atomic write, in order."""


def build_kill_event(folder: Path, decks: Path) -> Path:
    """A small event: three presenters (and one added late), one judge, two criteria, the audience."""
    return build_event(
        folder,
        "kill",
        title="Kill night",
        decks=str(decks),
        presenters=PRESENTERS,
        order="listed",
        slides=3,
        seconds=TALK_SECONDS,
        countdown=0,
        scoring={"judges": JUDGES, "criteria": CRITERIA, "audience": True},
    )


# --- the script -----------------------------------------------------------


def _since_last_start(record: EventRecord, name: str) -> list[str]:
    kinds: list[str] = []
    for entry in record.entries:
        if entry.get("presenter") != name:
            continue
        if entry["kind"] == "talk-start":
            kinds = []
        kinds.append(entry["kind"])
    return kinds


class FakeTime:
    """Monotonic time for the script's talks: one second a command, a jump at the end of a talk."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self, by: float = 1.0) -> float:
        self.now += by
        return self.now


def next_step(show: Show, time_: FakeTime) -> Callable[[], object] | None:
    """The next command of the script for the event as it stands; None when the script is done."""
    names = show.names()
    if not show.has(LATE) and any(show.status(n) is Status.SCORED for n in names):
        return lambda: show.add_presenter(LATE)
    for name in names:
        status = show.status(name)
        if status is Status.WAITING:
            return lambda: show.draw_for(name)
        if status in (Status.DRAWN, Status.INTERRUPTED):
            return lambda: show.start_talk(name, time_())
        if status is Status.PRESENTING:
            kinds = _since_last_start(show.record, name)
            if "pause" not in kinds:
                return lambda: show.pause_talk(time_())
            if "resume" not in kinds:
                return lambda: show.resume_talk(time_())
            return lambda: show.end_talk(time_(TALK_SECONDS * 10))
        turn = show.record.presenters[name].latest
        if status is Status.PRESENTED:
            for value, (judge, criterion) in enumerate(((j, c) for j in JUDGES for c in CRITERIA), start=5):
                if (judge, criterion) not in turn.scores:
                    return lambda j=judge, c=criterion, v=value: show.score(name, j, c, v)
            return lambda: show.score(name, None, None, 8)
        if status is Status.SCORED and not show.corrections(name):
            return lambda: show.score(name, JUDGES[0], CRITERIA[0], 9)
    return None


def script_done(record: EventRecord) -> list[str]:
    """What a finished script should have left in the record, that it has not."""
    missing = []
    for name in [*PRESENTERS, LATE]:
        if name not in record.presenters:
            missing.append(f"{name} is not in the lineup")
        elif record.status(name) is not Status.SCORED:
            missing.append(f"{name} is {record.status(name).value}, not scored")
        elif not record.corrections(name):
            missing.append(f"{name} has no correction")
    return missing


# --- the child ------------------------------------------------------------


class _Pipe:
    def __init__(self, out_fd: int, go_fd: int, pause: bool) -> None:
        self.out_fd, self.go_fd, self.pause = out_fd, go_fd, pause

    def send(self, line: str) -> None:
        data = (line + "\n").encode("utf-8")
        while data:
            data = data[os.write(self.out_fd, data) :]

    def at(self, step: str) -> None:
        """Announce a step inside a write and, when pausing, wait for the go (or the kill)."""
        if self.pause:
            self.send(f"AT {step}")
            os.read(self.go_fd, 1)


def _hook_writes(pipe: _Pipe) -> None:
    """Make the record's atomic write announce its steps (this process only: it is the child)."""
    real_mkstemp, real_fdopen, real_fsync, real_replace = atomic.tempfile.mkstemp, os.fdopen, os.fsync, os.replace

    class HalfWriter:
        def __init__(self, handle: Any) -> None:
            self.handle = handle

        def __enter__(self) -> HalfWriter:
            return self

        def __exit__(self, *exc: object) -> None:
            self.handle.close()

        def write(self, data: bytes) -> int:
            half = len(data) // 2
            self.handle.write(data[:half])
            self.handle.flush()
            pipe.at("half-written")
            self.handle.write(data[half:])
            self.handle.flush()
            pipe.at("written")
            return len(data)

        def __getattr__(self, name: str) -> Any:
            return getattr(self.handle, name)

    def mkstemp(*args: Any, **kwargs: Any) -> tuple[int, str]:
        made = real_mkstemp(*args, **kwargs)
        pipe.at("made")
        return made

    def fsync(fd: int) -> None:
        real_fsync(fd)
        pipe.at("folder synced" if os.path.isdir(f"/proc/self/fd/{fd}") else "fsynced")

    def replace(src: Any, dst: Any) -> None:
        real_replace(src, dst)
        pipe.at("renamed")

    atomic.tempfile.mkstemp = mkstemp  # type: ignore[assignment]
    os.fdopen = lambda *a, **k: HalfWriter(real_fdopen(*a, **k))  # type: ignore[assignment]
    os.fsync = fsync  # type: ignore[assignment]
    os.replace = replace  # type: ignore[assignment]


def _child(event_path: Path, pipe: _Pipe) -> int:
    _hook_writes(pipe)
    lock = Show.lock_for(event_path)
    lock.acquire(str(event_path))
    # A record on disk was acknowledged by an earlier child; without one, the order Show.open sets is new.
    existed = record_path_for(event_path).exists()
    left = len(atomic.stale_temps(record_path_for(event_path)))
    show = Show.open(event_path)
    pipe.send(f"TEMPS {left} {len(atomic.stale_temps(record_path_for(event_path)))}")
    known = len(show.record.entries) if existed else 0
    show.mark_interrupted()

    def ack() -> None:
        nonlocal known
        for index in range(known, len(show.record.entries)):
            pipe.send(f"ACK {index} {json_text(show.record.entries[index])}")
        known = len(show.record.entries)

    ack()
    time_ = FakeTime()
    while (step := next_step(show, time_)) is not None:
        step()
        ack()
    pipe.send("DONE")
    return 0


@dataclass
class Life:
    """What one child did before it was killed (or finished)."""

    acks: dict[int, dict[str, Any]] = field(default_factory=dict)
    steps_seen: list[str] = field(default_factory=list)
    killed_at: str = ""
    done: bool = False
    error: str = ""
    temps_found: int = 0
    """Temporary files of the record an earlier kill left, found when this child opened the event."""
    temps_kept: int = 0
    """Of those, how many were still there once the event was open (goal: 0)."""


def _live(event_path: Path, rng: random.Random) -> Life:
    """Fork a child on the event and kill it at a random instant (or let it finish)."""
    out_r, out_w = os.pipe()
    go_r, go_w = os.pipe()
    pause = rng.random() < 0.75
    # Up to ten writes in: a child makes some progress before it dies, so the script moves on.
    target = rng.randint(1, 10 * len(WRITE_STEPS)) if pause else 0
    delay = rng.uniform(0.0, 0.08)
    pid = os.fork()
    if pid == 0:  # the child: never returns into the caller
        code = 1
        try:
            os.close(out_r)
            os.close(go_w)
            code = _child(event_path, _Pipe(out_w, go_r, pause))
        except BaseException:  # noqa: BLE001 - reported to the parent, which counts it
            try:
                os.write(out_w, ("ERR " + json.dumps(traceback.format_exc()) + "\n").encode())
            except OSError:
                pass
        finally:
            os._exit(code)
    os.close(out_w)
    os.close(go_r)
    life = Life()
    buffer = b""
    deadline = time.monotonic() + delay
    killed = False

    def handle(line: str) -> None:
        nonlocal killed
        kind, _, rest = line.partition(" ")
        if kind == "ACK":
            index, _, text = rest.partition(" ")
            life.acks[int(index)] = json.loads(text)
        elif kind == "AT":
            life.steps_seen.append(rest)
            if not killed and len(life.steps_seen) == target:
                os.kill(pid, signal.SIGKILL)
                killed = True
                life.killed_at = f"inside the write, {rest}"
            elif not killed:
                os.write(go_w, b"g")
        elif kind == "TEMPS":
            found, kept = rest.split()
            life.temps_found, life.temps_kept = int(found), int(kept)
        elif kind == "DONE":
            life.done = True
        elif kind == "ERR":
            life.error = json.loads(rest)

    try:
        while True:
            timeout = None if pause or killed else max(0.0, deadline - time.monotonic())
            ready, _, _ = select.select([out_r], [], [], timeout)
            if not ready:
                os.kill(pid, signal.SIGKILL)
                killed = True
                life.killed_at = f"after {delay * 1000:.1f} ms"
                continue
            chunk = os.read(out_r, 65536)
            if not chunk:
                break
            buffer += chunk
            *lines, buffer = buffer.split(b"\n")
            for line in lines:
                handle(line.decode("utf-8"))
    finally:
        os.close(out_r)
        os.close(go_w)
        _, status = os.waitpid(pid, 0)
    if not killed and not life.done and not life.error:
        life.error = f"child ended on its own with status {status}"
    return life


# --- the parent -----------------------------------------------------------


@dataclass
class KillReport:
    tried: int = 0
    """Kills made."""
    lost: int = 0
    """Kills after which something acknowledged was missing, or the record did not read, or the event did not resume."""
    inside_writes: int = 0
    """Kills made at a step inside the record's write."""
    events: int = 0
    """Events the script finished (each checked whole)."""
    acked: int = 0
    """Entries acknowledged in all."""
    temps_found: int = 0
    """Temporary files of the record that kills left behind, found when the event was opened again."""
    temps_kept: int = 0
    """Of those, how many opening the event did not remove (goal: 0)."""
    failures: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.tried} kill points tried ({self.inside_writes} inside the record's write, the rest at random "
            f"instants), {self.lost} lost anything; {self.events} events finished, {self.acked} entries acknowledged; "
            f"{self.temps_found} temporary files left by kills, {self.temps_kept} still there after reopening"
        )


def _verify(event_path: Path, acks: dict[int, dict[str, Any]]) -> list[str]:
    """Problems with the record after a kill: unreadable, or an acknowledged entry missing or changed."""
    try:
        record = EventRecord.load(load_event(event_path), save=False)
    except BattledecksError as error:
        return [f"record does not read: {error}"]
    problems = []
    for index, entry in sorted(acks.items()):
        if index >= len(record.entries):
            problems.append(f"acknowledged entry {index} ({entry['kind']}) is missing")
        elif record.entries[index] != entry:
            problems.append(f"entry {index} is {record.entries[index]}, acknowledged as {entry}")
    return problems


def run_kills(workdir: Path, kills: int, seed: int = 0, log: Callable[[str], None] | None = None) -> KillReport:
    """Kill scripted events ``kills`` times in ``workdir``; return what was tried and lost."""
    # The suite fails a test that runs this without the slow marker (tests/tiers.py).
    sys.audit("battledecks.tests.slow", "the kill harness")
    rng = random.Random(seed)
    report = KillReport()
    decks = workdir / "decks"
    build_decks(decks, 6, slides=3, size=(16, 9))  # shared by every event of the run
    event_dir = workdir / f"event-{report.events}"
    event_path = build_kill_event(event_dir, decks)
    # Check the slides once here: every child starts with the answers (it is forked from this process).
    Show.open(event_path, save=False)
    acks: dict[int, dict[str, Any]] = {}
    while report.tried < kills:
        life = _live(event_path, rng)
        acks.update(life.acks)
        report.acked += len(life.acks)
        report.temps_found += life.temps_found
        report.temps_kept += life.temps_kept
        problems = _verify(event_path, acks)
        if life.error:
            problems.append(f"the event did not resume: {life.error.strip().splitlines()[-1]}")
        if life.killed_at:
            report.tried += 1
            report.inside_writes += life.killed_at.startswith("inside")
        if life.done:
            record = EventRecord.load(load_event(event_path), save=False)
            problems += script_done(record)
        if problems:
            report.lost += 1
            report.failures.append(f"{event_path} killed {life.killed_at or 'never'}: " + "; ".join(problems))
            if log:
                log(report.failures[-1])
        if life.done or problems:
            report.events += life.done
            shutil.rmtree(event_dir, ignore_errors=True)
            event_dir = workdir / f"event-{report.events}-{report.tried}"
            event_path = build_kill_event(event_dir, decks)
            acks = {}
    return report
