"""The vote process seen from the host's app: a vote store whose votes are taken elsewhere.

:class:`VoteWorker` starts :mod:`battledecks.room.votes_intake` and stands
in for the :class:`~battledecks.room.votes.VoteStore` the desk drives: the
host's commands (open, close) go to the vote process and wait for its
answer, and the open vote's count comes back as votes are committed. The
vote process accepts the connections on the room's port and hands the room
server the ones that are not votes (:mod:`battledecks.room.handover`). Both
processes open the same vote database; only the vote process writes to it
while it runs.

If the vote process dies, the room server listens on the port again at
once (votes are answered "send it again", 503), and the vote process is
started again with the vote as the app knows it (the open round keeps every
vote committed).
"""

from __future__ import annotations

import dataclasses
import json
import queue
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .votes import Result, Round, Scale, VoteError, load_secret, room_code, secret_path_for, votes_path_for
from .votes_intake import result_of
from .votes_qr import qr_svg, vote_url
from .votes_web import VoteDesk, follow_votes, phone_base

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


class VoteWorker:
    """The vote store of an event, in a process of its own (see the module's text)."""

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
        door: Callable[[socket.socket | None], None] | None = None,
    ) -> None:
        self.event_path = event_path
        self.listening = listening
        """The room's port, for the vote process to accept its connections on (None: it takes none)."""
        self.door = door
        """Told the channel on which the vote process hands over the connections that are not votes
        when it starts taking them, and None when it stops (the room server's ``door_changed``)."""
        self.path = votes_path_for(event_path)
        self.scale = scale
        self.event_name = event_name
        self.phone_url = phone_url
        self.code = ""
        """The room code (known once started)."""
        self.listeners: list[Callable[[Result], None]] = []
        """Told (on the worker's reader thread) the open vote's count as votes are committed."""
        self.restarts: list[float] = []
        """When the vote process was started again after it died."""
        self._open = open_round
        self._closed = list(closed or [])
        self._last = last
        self._step: tuple[int, int] | None = None
        self._tally: Result | None = None
        self._commands = threading.Lock()
        self._replies: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._next_id = 0
        self._proc: subprocess.Popen[bytes] | None = None
        self._control: socket.socket | None = None
        self._alive = False
        self._stopping = False
        self._reader: threading.Thread | None = None

    # --- life ------------------------------------------------------------------

    def start(self) -> None:
        """Start the vote process and wait until it takes votes.

        Raises:
            VoteError: it did not start (the vote database cannot be opened, say), in one line.
        """
        with self._commands:
            self._launch()

    def _launch(self) -> None:
        control, control_there = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        channel, channel_there = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        listening = self.listening
        fds = [control_there.fileno(), channel_there.fileno(), listening.fileno() if listening is not None else -1]
        try:
            proc = subprocess.Popen(
                [sys.executable, "-m", "battledecks.room.votes_intake", *map(str, fds)],
                pass_fds=[fd for fd in fds if fd >= 0],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=open("/tmp/p16/worker.err", "ab"),
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
            "closed": self._closed, "last": _plain(self._last), "step": list(self._step) if self._step else None,
        }
        try:
            control.settimeout(START_TIMEOUT)
            control.sendall(json.dumps(start).encode() + b"\n")
            stream = control.makefile("rb")
            line = stream.readline()
            ready = json.loads(line) if line else {"event": "failed", "error": "it stopped as it started"}
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
        self.code = ready["code"]
        self._tally = result_of(ready.get("tally"))
        self._closed = []
        self._proc, self._control = proc, control
        self._alive = True
        if self.door is not None:
            self.door(channel)
        else:
            channel.close()
        self._reader = threading.Thread(target=self._read, args=(stream, proc), name="votes-reader", daemon=True)
        self._reader.start()

    def close(self) -> None:
        """Stop the vote process: it finishes its requests, commits every vote it acknowledged and exits."""
        self._stopping = True
        self._alive = False
        control, proc = self._control, self._proc
        if control is not None:
            try:
                control.shutdown(socket.SHUT_WR)
            except OSError:
                pass
        if proc is not None:
            _end(proc)
        if control is not None:
            control.close()
        if self._reader is not None and self._reader is not threading.current_thread():
            self._reader.join(STOP_TIMEOUT)

    @property
    def last(self) -> Result | None:
        """The vote closed last."""
        return self._last

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    @property
    def alive(self) -> bool:
        """Whether the vote process takes connections now."""
        return self._alive

    # --- what the desk asks of a store -----------------------------------------------

    @property
    def open_round(self) -> Round | None:
        return self._open

    def tally(self) -> Result | None:
        """The open vote's count as the vote process last said, or None when no vote is open."""
        current, tally = self._open, self._tally
        if current is None:
            return None
        if tally is None or tally.id != current.id:
            return Result(current.id, current.presenter, current.turn, 0, None, True)
        return tally

    def open(self, round_id: int, presenter: str, turn: int = 1, step: tuple[int, int] | None = None) -> Result:
        result = self._result(self._command({"op": "open", "round": round_id, "presenter": presenter, "turn": turn,
                                             "step": list(step) if step else None}))
        self._open, self._step, self._tally = Round(round_id, presenter, turn), step, result
        return result

    def close_round(self) -> Result:
        result = self._result(self._command({"op": "close"}))
        self._open, self._step, self._tally, self._last = None, None, None, result
        return result

    def results(self) -> list[Result]:
        answer = self._command({"op": "results"})
        assert isinstance(answer, list)
        return [r for r in (result_of(a) for a in answer) if r is not None]

    def refusals(self) -> dict[str, int]:
        answer = self._command({"op": "refusals"})
        assert isinstance(answer, dict)
        return answer

    @staticmethod
    def _result(answer: object) -> Result:
        result = result_of(answer) if isinstance(answer, dict) else None
        if result is None:
            raise VoteError(f"the vote process answered {answer!r}")
        return result

    def _command(self, message: dict[str, Any]) -> object:
        with self._commands:
            control = self._control
            if not self._alive or control is None:
                raise VoteError(f"{self.path}: the vote process is not running: try again in a moment")
            self._next_id += 1
            message["id"] = self._next_id
            try:
                control.sendall(json.dumps(message).encode() + b"\n")
            except OSError as error:
                raise VoteError(f"{self.path}: the vote process did not take the command: {error.strerror or error}") from None
            deadline = time.monotonic() + COMMAND_TIMEOUT
            while True:
                try:
                    reply = self._replies.get(timeout=max(0.0, deadline - time.monotonic()))
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

    # --- the reader thread ---------------------------------------------------------

    def _read(self, stream: Any, proc: subprocess.Popen[bytes]) -> None:
        """The vote process's messages, until it ends; then start it again unless the app is stopping it."""
        try:
            for line in stream:
                message = json.loads(line)
                if message.get("event") == "tally":
                    self._counted(result_of(message["tally"]))
                else:
                    self._replies.put(message)
        except (OSError, ValueError):
            pass
        self._alive = False
        self._replies.put(_GONE)
        if self._stopping:
            return
        if self.door is not None:
            self.door(None)
        _end(proc)
        self._restart()

    def _counted(self, tally: Result | None) -> None:
        current = self._open
        if tally is None or current is None or tally.id != current.id:
            return
        self._tally = tally
        for listener in list(self.listeners):
            try:
                listener(tally)
            except Exception:  # noqa: BLE001 - a listener never stops the count
                pass

    def _restart(self) -> None:
        now = time.monotonic()
        self.restarts = [t for t in self.restarts if now - t < RESTART_WINDOW]
        if len(self.restarts) >= RESTARTS:
            return  # it keeps dying: phones are told to send again, the host's commands say it is not running
        self.restarts.append(now)
        with self._commands:
            if self._control is not None:
                self._control.close()
            if self._stopping:
                return
            try:
                self._launch()
            except VoteError:
                pass
        if self._alive and self._tally is not None:
            self._counted(self._tally)


def _plain(result: Result | None) -> dict[str, Any] | None:
    return dataclasses.asdict(result) if result else None


def _end(proc: subprocess.Popen[bytes]) -> None:
    try:
        proc.wait(STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def worker_for_show(
    show: Show, phone_url: str | None, listening: socket.socket | None = None, door: Callable[[socket.socket | None], None] | None = None,
) -> VoteWorker | None:
    """A started vote process for a show whose event votes by phone (None otherwise), in step with its record.

    Raises:
        VoteError: the vote process did not start.
    """
    event = show.event
    scoring = event.scoring
    if scoring.audience_vote != "phones":
        return None
    current = show.current_vote
    rounds = show.vote_rounds()
    closed_rounds = [v for v in rounds if not v.open and v.votes is not None]
    last = closed_rounds[-1] if closed_rounds else None
    worker = VoteWorker(
        event.path, Scale(scoring.low, scoring.high, scoring.step), event.name,
        open_round=Round(current.id, current.presenter, current.round) if current else None,
        closed=[v.id for v in rounds if not v.open],
        last=Result(last.id, last.presenter, last.round, last.votes or 0, last.mean) if last else None,
        phone_url=phone_url, listening=listening, door=door,
    )
    worker.start()
    return worker


class WorkerDesk(VoteDesk):
    """The host's vote desk when the votes are taken by the vote process: the open vote's place goes with it."""

    store: VoteWorker  # type: ignore[assignment]

    def _open_in_store(self, round_id: int, presenter: str, turn: int, step: tuple[int, int] | None) -> Result:
        return self.store.open(round_id, presenter, turn, step)


async def elsewhere_or_later(request: web.Request) -> web.StreamResponse:
    """A vote request on a connection the room server serves: ask again on a new one (the vote process's),
    or, while the vote process is starting again, "send it again"."""
    worker = request.app[WORKER_KEY]
    if worker.alive:
        response = web.Response(status=307, headers={"Location": str(request.rel_url), "Cache-Control": "no-store"})
        response.force_close()
        return response
    message = "Voting is starting again: send your vote again in a moment."
    if "application/json" in request.headers.get("Accept", ""):
        body = json.dumps({"ok": False, "message": message, "reason": "unsaved"})
        return web.Response(status=503, text=body, content_type="application/json", headers={"Retry-After": "1", "Cache-Control": "no-store"})
    return web.Response(status=503, text=message, headers={"Retry-After": "1", "Cache-Control": "no-store"})


async def qr_here(request: web.Request) -> web.StreamResponse:
    """The QR code for the stage page's connection (it is the room server's, not the vote process's)."""
    worker = request.app[WORKER_KEY]
    if not worker.phone_url:
        raise web.HTTPNotFound()
    return web.Response(text=qr_svg(worker.phone_url), content_type="image/svg+xml", headers={"Cache-Control": "no-store"})


WORKER_KEY: web.AppKey[VoteWorker] = web.AppKey("vote_worker")


def attach_vote_worker(server: Any, show: Show, app: Any) -> WorkerDesk | None:
    """Take phone votes in a process of their own when the event votes by phone; the desk, or None.

    The vote process takes the connections on the room's port (and hands the
    room server its own), the audience screens follow the vote, and the app
    gets the desk.
    Call in the app's running loop, before the server starts; close the
    desk's store when the app ends.

    Raises:
        VoteError: the vote process did not start.
    """
    if show.event.scoring.audience_vote != "phones":
        return None
    secret = load_secret(secret_path_for(show.event.path))
    worker = worker_for_show(show, vote_url(phone_base(server.url), room_code(secret)), server.sock, server.door_changed)
    assert worker is not None
    try:
        desk = WorkerDesk(
            worker, show.event.name,  # type: ignore[arg-type]
            opener=lambda presenter, turn: show.open_vote(presenter, turn).id,
            closer=lambda result: show.close_vote(result.count, result.mean),
        )
    except BaseException:
        worker.close()
        raise
    desk.phone_url = worker.phone_url
    desk.last = worker.last

    def routes(web_app: web.Application) -> None:
        web_app[WORKER_KEY] = worker
        web_app.router.add_get("/vote", elsewhere_or_later)
        web_app.router.add_post("/vote", elsewhere_or_later)
        web_app.router.add_get("/vote/state", elsewhere_or_later)
        web_app.router.add_get("/vote/qr.svg", qr_here)

    server.routes.append(routes)
    follow_votes(server, desk, app)
    return desk


__all__ = ["VoteWorker", "WorkerDesk", "attach_vote_worker", "worker_for_show"]
