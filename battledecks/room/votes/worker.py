"""The vote processes seen from the host's app: a vote store whose votes are taken elsewhere.

:class:`VoteWorker` starts :mod:`battledecks.room.votes.intake` (two
processes, one on a one-core machine) and stands in for the
:class:`~battledecks.room.votes.store.VoteStore` the desk drives (both are a
:class:`~battledecks.room.votes.desk.VoteBackend`): the host's
commands (open, close) go to each vote process in turn and wait for its
answer, and the open vote's count, as the database has it, comes back as
votes are committed. The vote processes accept the connections on the
room's port and hand the room server the ones that are not votes
(:mod:`battledecks.room.handover`). They write the vote database, each in
its own transactions.

If a vote process dies, it is started again with the vote as the app knows
it (the open round keeps every vote committed); with none running, the room
server listens on the port itself and answers votes "send it again" (503).
"""

from __future__ import annotations

import json
import os
import queue
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .desk import recorded_votes, scale_of
from .intake import plain, result_of
from .store import Result, Round, Scale, VoteError, votes_path_for

if TYPE_CHECKING:
    from battledecks.core.show import Show

START_TIMEOUT = 30.0
"""Seconds the vote process may take to start (a cold start on a busy laptop takes about one)."""

COMMAND_TIMEOUT = 10.0
"""Seconds a host's command waits for the vote process."""

STOP_TIMEOUT = 5.0
"""Seconds the vote process has to finish its requests and exit once the app closes it."""

RESTARTS = 5
"""Restarts allowed within :data:`RESTART_WINDOW` seconds before the vote process is left stopped."""

RESTART_WINDOW = 60.0

_GONE = object()


def processes_supported() -> bool:
    """Whether this system hands connections between processes as the vote processes need (Linux:
    Unix sequenced-packet sockets passing descriptors). Elsewhere the app serves the votes itself."""
    return sys.platform.startswith("linux") and hasattr(socket, "send_fds") and hasattr(socket, "SOCK_SEQPACKET")


def vote_processes() -> int:
    """How many vote processes to run: one a core, two at most (the host's app needs its share)."""
    return max(1, min(2, os.cpu_count() or 1))


class _Intake:
    """One vote process: its control socket, its reader thread, the answers to the commands sent to it."""

    def __init__(self, proc: subprocess.Popen[bytes], control: socket.socket, channel: socket.socket, stream: Any) -> None:
        self.proc = proc
        self.control = control
        self.channel = channel
        self.stream = stream
        self.alive = True
        self.replies: queue.SimpleQueue[object] = queue.SimpleQueue()
        self.reader: threading.Thread | None = None


class VoteWorker:
    """The vote store of an event, its votes taken by processes of their own (see the module's text)."""

    def __init__(
        self,
        event_path: Path,
        scale: Scale,
        event_name: str,
        *,
        open_round: Round | None = None,
        closed: list[int] | None = None,
        last: Result | None = None,
        phone_url: str | None = None,
        listening: socket.socket | None = None,
        door: Callable[[socket.socket, bool], None] | None = None,
        processes: int | None = None,
    ) -> None:
        self.event_path = event_path
        self.listening = listening
        """The room's port, for the vote processes to accept its connections on (None: they take none)."""
        self.door = door
        """Told ``(channel, True)`` when a vote process starts taking the connections (it hands over the
        ones that are not votes on ``channel``), ``(channel, False)`` when it stops (the room server's ``door``)."""
        self.processes = processes or vote_processes()
        self.path = votes_path_for(event_path)
        self.scale = scale
        self.event_name = event_name
        self.phone_url = phone_url
        self.code = ""
        """The room code (known once started)."""
        self.listeners: list[Callable[[Result], None]] = []
        """Told (on a reader thread) the open vote's count as votes are committed."""
        self.restarts: list[float] = []
        """When a vote process was started again after it died."""
        self._open = open_round
        self._closed = list(closed or [])
        self._last = last
        self._step: tuple[int, int] | None = None
        self._tally: Result | None = None
        self._tally_mark = -1
        """The open vote's total of votes taken (changes included) when :attr:`_tally` was counted."""
        self._tally_lock = threading.Lock()
        self._commands = threading.RLock()
        self._next_id = 0
        self._intakes: list[_Intake | None] = [None] * self.processes
        self._stopping = False

    # --- life ------------------------------------------------------------------

    def start(self) -> None:
        """Start the vote processes and wait until they take votes.

        Raises:
            VoteError: one did not start (the vote database cannot be opened, say), in one line.
        """
        with self._commands:
            try:
                for place in range(self.processes):
                    self._launch(place)
            except BaseException:
                self.close()
                raise

    def _launch(self, place: int) -> None:
        control, control_there = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        channel, channel_there = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        listening = self.listening
        fds = [control_there.fileno(), channel_there.fileno(), listening.fileno() if listening is not None else -1]
        try:
            proc = subprocess.Popen(
                [sys.executable, "-m", "battledecks.room.votes.intake", *map(str, fds)],
                pass_fds=[fd for fd in fds if fd >= 0],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                start_new_session=True,  # the terminal's signals are the host's app's, not the vote process's
            )
        except OSError as error:
            control.close()
            channel.close()
            raise VoteError(f"{self.path}: cannot start the vote process: {error.strerror or error}") from None
        finally:
            control_there.close()
            channel_there.close()
        start = {
            "event": str(self.event_path), "scale": [self.scale.low, self.scale.high, self.scale.step], "name": self.event_name,
            "phone_url": self.phone_url, "open": [self._open.id, self._open.presenter, self._open.turn] if self._open else None,
            "closed": self._closed if place == 0 else [], "last": plain(self._last), "step": list(self._step) if self._step else None,
        }
        try:
            control.settimeout(START_TIMEOUT)
            control.sendall(json.dumps(start).encode() + b"\n")
            stream = control.makefile("rb")
            line = stream.readline()
            ready: dict[str, Any] = json.loads(line) if line else {"event": "failed", "error": "it stopped as it started"}
        except (OSError, ValueError) as error:
            ready = {"event": "failed", "error": f"no answer ({error})"}
        if ready.get("event") != "ready":
            control.close()
            channel.close()
            _end(proc)
            error_text = str(ready.get("error", ""))
            raise VoteError(error_text if error_text.startswith(str(self.path)) else f"{self.path}: the vote process did not start: {error_text}")
        control.settimeout(None)
        channel.setblocking(False)
        if place == self.processes - 1:
            self._closed = []
        self.code = ready["code"]
        self._take_tally(ready.get("tally"), int(ready.get("mark", -1)))
        intake = _Intake(proc, control, channel, stream)
        self._intakes[place] = intake
        if self.door is not None:
            self.door(channel, True)
        else:
            channel.close()
        intake.reader = threading.Thread(target=self._read, args=(place, intake), name=f"votes-reader-{place}", daemon=True)
        intake.reader.start()

    def close(self) -> None:
        """Stop the vote processes: each finishes its requests, commits every vote it acknowledged and exits."""
        self._stopping = True
        intakes = [i for i in self._intakes if i is not None]
        for intake in intakes:
            intake.alive = False
            try:
                intake.control.shutdown(socket.SHUT_WR)
            except OSError:
                pass
        for intake in intakes:
            _end(intake.proc)
            intake.control.close()
            if intake.reader is not None and intake.reader is not threading.current_thread():
                intake.reader.join(STOP_TIMEOUT)

    @property
    def last(self) -> Result | None:
        """The vote closed last."""
        return self._last

    @property
    def pids(self) -> list[int]:
        """The vote processes running now."""
        return [i.proc.pid for i in self._intakes if i is not None and i.alive]

    @property
    def alive(self) -> bool:
        """Whether a vote process takes connections now."""
        return any(i is not None and i.alive for i in self._intakes)

    # --- what the desk asks of a store -----------------------------------------------

    @property
    def open_round(self) -> Round | None:
        return self._open

    def tally(self) -> Result | None:
        """The open vote's count as the vote processes last said, or None when no vote is open."""
        current, tally = self._open, self._tally
        if current is None:
            return None
        if tally is None or tally.id != current.id:
            return Result(current.id, current.presenter, current.turn, 0, None, True)
        return tally

    def open(self, round_id: int, presenter: str, turn: int = 1, step: tuple[int, int] | None = None) -> Result:
        """Open (or reopen) a round in every vote process."""
        message = {"op": "open", "round": round_id, "presenter": presenter, "turn": turn, "step": list(step) if step else None}
        with self._commands:
            result = self._result(self._to_all(message))
            with self._tally_lock:
                self._open, self._step, self._tally, self._tally_mark = Round(round_id, presenter, turn), step, result, -1
        return result

    def close_round(self) -> Result:
        """Close the open round in every vote process; the result is the last one's, which has every vote."""
        with self._commands:
            result = self._result(self._to_all({"op": "close"}))
            with self._tally_lock:
                self._open, self._step, self._tally, self._last = None, None, None, result
        return result

    def results(self) -> list[Result]:
        answer = self._to_one({"op": "results"})
        assert isinstance(answer, list)
        return [r for r in (result_of(a) for a in answer) if r is not None]

    @staticmethod
    def _result(answer: object) -> Result:
        result = result_of(answer) if isinstance(answer, dict) else None
        if result is None:
            raise VoteError(f"the vote process answered {answer!r}")
        return result

    def _to_all(self, message: dict[str, Any]) -> object:
        """Send a command to every vote process in turn; the last one's answer."""
        intakes = [i for i in self._intakes if i is not None and i.alive]
        if not intakes:
            raise VoteError(f"{self.path}: the vote process is not running: try again in a moment")
        answer: object = None
        for intake in intakes:
            answer = self._command(intake, message)
        return answer

    def _to_one(self, message: dict[str, Any]) -> object:
        intake = next((i for i in self._intakes if i is not None and i.alive), None)
        if intake is None:
            raise VoteError(f"{self.path}: the vote process is not running: try again in a moment")
        return self._command(intake, message)

    def _command(self, intake: _Intake, message: dict[str, Any]) -> object:
        with self._commands:
            self._next_id += 1
            message = {**message, "id": self._next_id}
            try:
                intake.control.sendall(json.dumps(message).encode() + b"\n")
            except OSError as error:
                raise VoteError(f"{self.path}: the vote process did not take the command: {error.strerror or error}") from None
            deadline = time.monotonic() + COMMAND_TIMEOUT
            while True:
                try:
                    reply = intake.replies.get(timeout=max(0.0, deadline - time.monotonic()))
                except queue.Empty:
                    raise VoteError(f"{self.path}: the vote process did not answer in {COMMAND_TIMEOUT:g} s") from None
                if reply is _GONE:
                    raise VoteError(f"{self.path}: the vote process stopped: try again in a moment")
                assert isinstance(reply, dict)
                if reply.get("id") != message["id"]:
                    continue  # the answer to a command that timed out
                if "error" in reply:
                    raise VoteError(str(reply["error"]))
                return reply.get("ok")

    # --- the reader threads ---------------------------------------------------------

    def _read(self, place: int, intake: _Intake) -> None:
        """A vote process's messages, until it ends; then start it again unless the app is stopping them."""
        try:
            for line in intake.stream:
                message = json.loads(line)
                if message.get("event") == "tally":
                    self._take_tally(message["tally"], message.get("mark", -1))
                else:
                    intake.replies.put(message)
        except (OSError, ValueError):
            pass
        intake.alive = False
        intake.replies.put(_GONE)
        if self._stopping:
            return
        if self.door is not None:
            self.door(intake.channel, False)
        _end(intake.proc)
        intake.control.close()
        self._restart(place)

    def _take_tally(self, data: dict[str, Any] | None, mark: int = -1) -> None:
        """A count from a vote process: the newest of them (the most votes taken) is the open vote's."""
        tally = result_of(data)
        with self._tally_lock:
            current = self._open
            if tally is None or current is None or tally.id != current.id or (self._tally_mark >= mark >= 0):
                return
            self._tally, self._tally_mark = tally, mark
        for listener in list(self.listeners):
            try:
                listener(tally)
            except Exception:  # noqa: BLE001 - a listener never stops the count
                pass

    def _restart(self, place: int) -> None:
        now = time.monotonic()
        self.restarts = [t for t in self.restarts if now - t < RESTART_WINDOW]
        if len(self.restarts) >= RESTARTS:
            return  # it keeps dying: phones are told to send again, the host's commands say it is not running
        self.restarts.append(now)
        with self._commands:
            if self._stopping:
                return
            try:
                self._launch(place)
            except VoteError:
                pass


def _end(proc: subprocess.Popen[bytes]) -> None:
    try:
        proc.wait(STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def worker_for_show(
    show: Show, phone_url: str | None, listening: socket.socket | None = None, door: Callable[[socket.socket, bool], None] | None = None,
) -> VoteWorker | None:
    """Started vote processes for a show whose event votes by phone (None otherwise), in step with its record.

    Raises:
        VoteError: a vote process did not start.
    """
    if show.event.scoring.audience_vote != "phones":
        return None
    recorded = recorded_votes(show)
    worker = VoteWorker(
        show.event.path, scale_of(show), show.event.name,
        open_round=recorded.open_round, closed=recorded.closed, last=recorded.last,
        phone_url=phone_url, listening=listening, door=door,
    )
    worker.start()
    return worker


__all__ = ["VoteWorker", "processes_supported", "vote_processes", "worker_for_show"]
