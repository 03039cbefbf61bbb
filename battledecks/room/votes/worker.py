"""The vote processes seen from the host's app: a vote store whose votes are taken elsewhere.

:class:`VoteWorker` starts :mod:`battledecks.room.votes.intake` (two
processes, one on a one-core machine) and stands in for the
:class:`~battledecks.room.votes.store.VoteStore` the desk drives (both are a
:class:`~battledecks.room.votes.desk.VoteBackend`). The vote processes accept
the connections on the room's port and hand the room server the ones that
are not votes (:mod:`battledecks.room.handover`). They write the vote
database, each in its own transactions; the open vote's count, as the
database has it, comes back as votes are committed.

The host's commands reach every vote process, and a standby vote store in
the app's own process (:attr:`VoteWorker.standby`), so that they agree on
the open round whatever fails:

- **open**: one writes the round in the database; then each of the others
  takes it up (a read). If the write fails, nothing has changed anywhere.
- **close**: each stops taking votes and commits those it took (pause); one
  closes the round in the database, with every vote acknowledged; then the
  others drop it. If any step before the database's fails (the database is
  locked, a vote process does not answer), every one takes votes again,
  the host is told, and F2 closes it later.

A vote process that fails a step, or does not answer, is ended and started
again with the round as the app knows it. A vote process that dies is
started again for as long as the app runs, at once the first time and then
after a wait that doubles (up to :data:`RESTART_BACKOFF_MAX`) while it
keeps dying. While none runs, the room server listens on the port itself
and the standby store takes the votes.
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

from .desk import VoteDesk, recorded_votes, scale_of
from .intake import plain, result_of
from .store import PER_ADDRESS, Crowd, Result, Round, Scale, VoteError, VoteStore, votes_path_for

if TYPE_CHECKING:
    from battledecks.core.show import Show

START_TIMEOUT = 30.0
"""Seconds the vote process may take to start (a cold start on a busy laptop takes about one)."""

COMMAND_TIMEOUT = 10.0
"""Seconds a host's command waits for the vote process."""

STOP_TIMEOUT = 5.0
"""Seconds the vote process has to finish its requests and exit once the app closes it."""

RESTART_BACKOFF = 0.1
"""Seconds before a vote process that keeps dying is started again; the wait doubles with each death
within :data:`RESTART_WINDOW` (the first death in it is restarted at once)."""

RESTART_BACKOFF_MAX = 10.0

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

    def __init__(
        self, proc: subprocess.Popen[bytes], control: socket.socket, channel: socket.socket, stream: Any
    ) -> None:
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
        per_address: int = PER_ADDRESS,
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
        self.per_address = per_address
        self.event_name = event_name
        self.phone_url = phone_url
        self.code = ""
        """The room code (known once started)."""
        self.listeners: list[Callable[[Result], None]] = []
        """Told (on a reader thread) the open vote's count as votes are committed."""
        self.crowd_listeners: list[Callable[[Crowd], None]] = []
        """Told (on a reader thread) when the phones of a network address reach the limit in the open vote."""
        self.restarts: list[float] = []
        """When a vote process was started again after it died."""
        self.standby: VoteStore | None = None
        """The vote store in the app's own process: it takes the votes the room server is sent while no vote
        process runs, and follows every round command meanwhile."""
        self.standby_desk: VoteDesk | None = None
        """What the phones see of the vote through the room server (the standby's)."""
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
        self._deaths: list[list[float]] = [[] for _ in range(self.processes)]
        """Each place's vote process's deaths within :data:`RESTART_WINDOW`."""
        self._stopping = False
        self._stopped = threading.Event()
        """Set when the app closes the vote processes: a restart waiting out its backoff gives up."""

    # --- life ------------------------------------------------------------------

    def start(self) -> None:
        """Start the vote processes and wait until they take votes; open the standby store.

        Raises:
            VoteError: one did not start (the vote database cannot be opened, say), in one line.
        """
        with self._commands:
            try:
                for place in range(self.processes):
                    self._launch(place)
                self._open_standby()
            except BaseException:
                self.close()
                raise

    def _open_standby(self) -> None:
        standby = VoteStore.for_event(self.event_path, self.scale, per_address=self.per_address)
        try:
            standby.sync(self._open)
            desk = VoteDesk(standby, self.event_name)
        except BaseException:
            standby.close()
            raise
        desk.phone_url = self.phone_url
        desk.last = self._last
        desk.step = self._step if self._open else None
        standby.listeners.append(self._standby_counted)
        standby.crowd_listeners.append(self._crowded)
        self.standby, self.standby_desk = standby, desk

    def _launch(self, place: int) -> None:
        control, control_there = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        channel, channel_there = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        listening = self.listening
        fds = [control_there.fileno(), channel_there.fileno(), listening.fileno() if listening is not None else -1]
        try:
            proc = subprocess.Popen(
                [sys.executable, "-m", "battledecks.room.votes.intake", *map(str, fds)],
                pass_fds=[fd for fd in fds if fd >= 0],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
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
            "event": str(self.event_path),
            "scale": [self.scale.low, self.scale.high, self.scale.step],
            "name": self.event_name,
            "phone_url": self.phone_url,
            "open": [self._open.id, self._open.presenter, self._open.turn] if self._open else None,
            "closed": self._closed if place == 0 else [],
            "last": plain(self._last),
            "step": list(self._step) if self._step else None,
            "per_address": self.per_address,
        }
        try:
            control.settimeout(START_TIMEOUT)
            control.sendall(json.dumps(start).encode() + b"\n")
            stream = control.makefile("rb")
            line = stream.readline()
            ready: dict[str, Any] = (
                json.loads(line) if line else {"event": "failed", "error": "it stopped as it started"}
            )
        except (OSError, ValueError) as error:
            ready = {"event": "failed", "error": f"no answer ({error})"}
        if ready.get("event") != "ready":
            control.close()
            channel.close()
            _end(proc)
            error_text = str(ready.get("error", ""))
            raise VoteError(
                error_text
                if error_text.startswith(str(self.path))
                else f"{self.path}: the vote process did not start: {error_text}"
            )
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
        intake.reader = threading.Thread(
            target=self._read, args=(place, intake), name=f"votes-reader-{place}", daemon=True
        )
        intake.reader.start()

    def close(self) -> None:
        """Stop the vote processes: each finishes its requests, commits every vote it acknowledged and exits."""
        self._stopping = True
        self._stopped.set()
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
        if self.standby is not None:
            self.standby.close()

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
        """Open (or reopen) a round: one vote process writes it, then every other one takes it up.

        Raises:
            VoteError: it could not be written; it is open nowhere.
        """
        message = {"round": round_id, "presenter": presenter, "turn": turn, "step": list(step) if step else None}
        with self._commands:
            first, *others = self._parts()
            try:
                result = self._result(first.run({**message, "op": "open"}))
            except _Unanswered:
                self._drop(first)  # it may open the round yet: started again, it follows the app (no vote open)
                raise
            with self._tally_lock:
                self._open, self._step, self._tally, self._tally_mark = (
                    Round(round_id, presenter, turn),
                    step,
                    result,
                    -1,
                )
            for part in others:
                try:
                    part.run({**message, "op": "opened"})
                except VoteError:
                    self._drop(part)  # started again, it takes up the round as the app knows it
        return result

    def close_round(self) -> Result:
        """Close the open round in every vote process, or in none.

        Each stops taking votes and commits those it took; then one closes the round in the database (the
        result has every vote acknowledged); then the others drop it.

        Raises:
            VoteError: the round could not be closed: it is still open, and takes votes again, everywhere.
        """
        with self._commands:
            current = self._open
            if current is None:
                raise VoteError("no vote is open")
            parts = self._parts()
            paused: list[_Part] = []
            try:
                for part in parts:
                    part.run({"op": "pause"})
                    paused.append(part)
                result = self._result(parts[-1].run({"op": "close"}))
            except VoteError as error:
                for part in paused:
                    if isinstance(error, _Unanswered) and part is parts[-1] and len(paused) == len(parts):
                        self._drop(
                            part
                        )  # it did not answer the close: started again, it takes votes for the open round
                        continue
                    try:
                        part.run({"op": "resume"})
                    except VoteError:
                        self._drop(part)
                if len(paused) < len(parts):
                    self._drop(parts[len(paused)])  # the one that failed to stop: started again, it follows the app
                raise VoteError(
                    f"the vote on {current.presenter} is still open (it could not be closed: {error}): F2 tries again"
                ) from None
            with self._tally_lock:
                self._open, self._step, self._tally, self._last = None, None, None, result
            for part in parts[:-1]:
                try:
                    part.run({"op": "closed", "result": plain(result)})
                except VoteError:
                    self._drop(part)
        return result

    def results(self) -> list[Result]:
        answer = self._parts()[0].run({"op": "results"})
        assert isinstance(answer, list)
        return [r for r in (result_of(a) if isinstance(a, dict) else a for a in answer) if isinstance(r, Result)]

    @staticmethod
    def _result(answer: object) -> Result:
        result = answer if isinstance(answer, Result) else result_of(answer) if isinstance(answer, dict) else None
        if result is None:
            raise VoteError(f"the vote process answered {answer!r}")
        return result

    def _parts(self) -> list[_Part]:
        """Who takes part in a round command: every vote process running, and the standby store.

        Raises:
            VoteError: none (the standby could not be opened, and no vote process runs).
        """
        parts: list[_Part] = [_Remote(self, i) for i in self._intakes if i is not None and i.alive]
        if self.standby is not None and self.standby_desk is not None:
            parts.append(_Local(self.standby, self.standby_desk))
        if not parts:
            raise VoteError(f"{self.path}: the vote process is not running: try again in a moment")
        return parts

    def _drop(self, part: _Part) -> None:
        """A vote process that failed a step: end it; it is started again with the round as the app knows it."""
        if isinstance(part, _Remote):
            part.intake.alive = False
            try:
                part.intake.proc.kill()
            except OSError:
                pass

    def _command(self, intake: _Intake, message: dict[str, Any]) -> object:
        with self._commands:
            self._next_id += 1
            message = {**message, "id": self._next_id}
            try:
                intake.control.sendall(json.dumps(message).encode() + b"\n")
            except OSError as error:
                raise VoteError(
                    f"{self.path}: the vote process did not take the command: {error.strerror or error}"
                ) from None
            deadline = time.monotonic() + COMMAND_TIMEOUT
            while True:
                try:
                    reply = intake.replies.get(timeout=max(0.0, deadline - time.monotonic()))
                except queue.Empty:
                    raise _Unanswered(
                        f"{self.path}: the vote process did not answer in {COMMAND_TIMEOUT:g} s"
                    ) from None
                if reply is _GONE:
                    raise _Unanswered(f"{self.path}: the vote process stopped: try again in a moment")
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
                event = message.get("event")
                if event == "tally":
                    self._take_tally(message["tally"], message.get("mark", -1))
                elif event == "crowd":
                    self._crowded(Crowd(**message["crowd"]))
                else:
                    intake.replies.put(message)
        except (OSError, ValueError, TypeError):
            pass
        intake.alive = False
        intake.replies.put(_GONE)
        if self._stopping:
            return
        if self.door is not None:
            self.door(intake.channel, False)
        _end(intake.proc)
        intake.control.close()
        if not self.alive and self.standby is not None:
            try:
                tally = self.standby.reload()  # the standby takes the votes now: it counts from every vote so far
            except VoteError:
                tally = None
            if tally is not None:
                self._standby_counted(tally)
        self._restart(place)

    def _take_tally(self, data: dict[str, Any] | None, mark: int = -1) -> None:
        """A count from a vote process: the newest of them (the most votes taken) is the open vote's."""
        self._take_result(result_of(data), mark)

    def _take_result(self, tally: Result | None, mark: int = -1) -> None:
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

    def _standby_counted(self, tally: Result) -> None:
        """The standby's count (on its writer thread): while no vote process runs, the open vote's."""
        if not self.alive:
            self._take_result(tally)

    def _crowded(self, crowd: Crowd) -> None:
        for listener in list(self.crowd_listeners):
            try:
                listener(crowd)
            except Exception:  # noqa: BLE001 - a listener never stops the votes
                pass

    def _restart(self, place: int) -> None:
        """Start the vote process of ``place`` again, for as long as the app runs: at once after its first death
        within :data:`RESTART_WINDOW`, then after a wait that doubles with each death."""
        now = time.monotonic()
        deaths = self._deaths[place] = [t for t in self._deaths[place] if now - t < RESTART_WINDOW] + [now]
        wait = 0.0 if len(deaths) == 1 else min(RESTART_BACKOFF * 2 ** (len(deaths) - 2), RESTART_BACKOFF_MAX)
        while not self._stopping:
            if wait and self._stopped.wait(wait):
                return
            with self._commands:
                if self._stopping:
                    return
                self.restarts.append(time.monotonic())
                try:
                    self._launch(place)
                    return
                except VoteError:
                    pass  # the vote database cannot be opened now, say: the standby takes the votes meanwhile
            wait = min(max(wait * 2, RESTART_BACKOFF), RESTART_BACKOFF_MAX)


class _Unanswered(VoteError):
    """A vote process did not answer a command (it stopped, or hangs): its state is unknown."""


class _Part:
    """One taker of the votes in a round command: a vote process, or the standby store."""

    def run(self, message: dict[str, Any]) -> object:
        raise NotImplementedError


class _Remote(_Part):
    def __init__(self, worker: VoteWorker, intake: _Intake) -> None:
        self.worker = worker
        self.intake = intake

    def run(self, message: dict[str, Any]) -> object:
        return self.worker._command(self.intake, message)


class _Local(_Part):
    """The standby store in the app's process, taking the same commands as a vote process (:mod:`.intake`)."""

    def __init__(self, store: VoteStore, desk: VoteDesk) -> None:
        self.store = store
        self.desk = desk

    def run(self, message: dict[str, Any]) -> object:
        op, store, desk = message["op"], self.store, self.desk
        step = message.get("step")
        if op == "open":
            return desk.open(
                message["presenter"],
                message["turn"],
                round_id=message["round"],
                step=(step[0], step[1]) if step else None,
            )
        if op == "opened":
            result = store.opened(message["round"], message["presenter"], message["turn"])
            desk.mark_open((step[0], step[1]) if step else None)
            return result
        if op == "pause":
            store.pause()
            return None
        if op == "resume":
            store.resume()
            return None
        if op == "close":
            return desk.close()
        if op == "closed":
            store.forget()
            desk.mark_closed(result_of(message.get("result")))
            return None
        if op == "results":
            return store.results()
        raise VoteError(f"the standby vote store does not know the command {op!r}")


def _end(proc: subprocess.Popen[bytes]) -> None:
    try:
        proc.wait(STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def worker_for_show(
    show: Show,
    phone_url: str | None,
    listening: socket.socket | None = None,
    door: Callable[[socket.socket, bool], None] | None = None,
) -> VoteWorker | None:
    """Started vote processes for a show whose event votes by phone (None otherwise), in step with its record.

    Raises:
        VoteError: a vote process did not start.
    """
    if show.event.scoring.audience_vote != "phones":
        return None
    recorded = recorded_votes(show)
    worker = VoteWorker(
        show.event.path,
        scale_of(show),
        show.event.name,
        open_round=recorded.open_round,
        closed=recorded.closed,
        last=recorded.last,
        phone_url=phone_url,
        listening=listening,
        door=door,
        per_address=show.event.scoring.phones_per_address,
    )
    worker.start()
    return worker


__all__ = ["VoteWorker", "processes_supported", "vote_processes", "worker_for_show"]
