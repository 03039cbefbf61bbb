"""A vote process: the phones' requests, served and counted beside the host's app, not inside it.

A room of phones voting at once is more work for Python than the host's
console, the slides' timer and the audience screens together. Served in the
app's process they would share one interpreter lock with the stage; here
they have processes (and cores) of their own: the app
(:class:`battledecks.room.votes.worker.VoteWorker`) starts two, or one on a
one-core machine, each with three sockets:

- the **control** socket: JSON lines. The app's first line says which event
  and where its votes stand; this process answers ``{"event": "ready"}``
  with the room code, then takes the host's commands, answers each in
  order, and tells the app the open vote's count in the database (every
  vote process's votes) as votes are committed (``{"event": "tally"}``, at
  most four times a second), and when one of its commits brings a network
  address to the limit of phones (``{"event": "crowd"}``). A round is
  opened in the database by one vote process (``open``) and taken up by
  the others (``opened``); it is closed in every one or in none: each
  stops taking votes and commits those taken (``pause``), one closes it in
  the database (``close``), and the others then drop it (``closed``) or,
  if that failed, take votes again (``resume``); see
  :class:`battledecks.room.votes.worker.VoteWorker`. When the app closes
  it, or dies, this process lets go of the port, finishes the requests it
  has, commits every vote it acknowledged and exits.
- the **listening** socket: the port the room knows. The vote processes
  accept its connections (through the gate of :mod:`battledecks.room.gate`:
  heads and bodies within seconds, a share per address, descriptors kept
  for the vote database) and serve the votes with the same aiohttp routes
  and vote store (:mod:`battledecks.room.votes.routes`,
  :mod:`battledecks.room.votes.store`) as in one process; every other connection
  goes to the room server.
- the **handover** socket: where those other connections go (see
  :mod:`battledecks.room.handover`).

Run: ``python -m battledecks.room.votes.intake CONTROL_FD HANDOVER_FD LISTENING_FD``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import gc
import json
import os
import socket
import sqlite3
import sys
import threading
from pathlib import Path
from typing import Any

from aiohttp import web

from ..gate import LINGER, Gate, GateRules, Porter, body_deadline, raise_file_limit
from ..handover import Sender, route_votes
from ..headers import guard
from .desk import VoteDesk
from .routes import add_vote_process_routes
from .store import PER_ADDRESS, Crowd, Result, Round, Scale, VoteError, VoteStore
from .views import MAX_BODY

SWITCH_INTERVAL = 0.0005
"""Seconds a thread holds the interpreter lock when another wants it (Python's default is 0.005): the
vote writer, back from the database with a commit, hands its acknowledgements to the requests
without waiting behind them."""

NICENESS = 5
"""How much nicer than the host's app a vote process is: when both want a core (a room flooding the port with
votes), the host's slide timer gets it first, and the votes wait milliseconds."""

TALLY_EVERY = 0.25
"""Seconds between the counts sent to the app while votes arrive. Each is a query over the open
vote's rows (every vote process's), so not more often than a person reading the count needs."""


def result_of(data: dict[str, Any] | None) -> Result | None:
    return Result(**data) if data else None


def plain(value: object) -> object:
    """A command's answer as JSON can carry it."""
    if isinstance(value, Result):
        return dataclasses.asdict(value)
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


class Intake:
    """The vote process's state: the store, the desk the pages read, the app at the end of the control socket."""

    def __init__(self, start: dict[str, Any], writer: asyncio.StreamWriter) -> None:
        scale = Scale(*start["scale"])
        self.store = VoteStore.for_event(
            Path(start["event"]), scale, per_address=int(start.get("per_address", PER_ADDRESS))
        )
        try:
            current = start.get("open")
            self.store.sync(Round(*current) if current else None, closed=list(start.get("closed", [])))
        except BaseException:
            self.store.close()
            raise
        self.desk = VoteDesk(self.store, start["name"])
        self.desk.phone_url = start.get("phone_url")
        self.desk.last = result_of(start.get("last"))
        step = start.get("step")
        self.desk.step = (step[0], step[1]) if step and self.store.open_round else None
        self.writer = writer
        self._reading = sqlite3.connect(self.store.path, timeout=2, isolation_level=None, check_same_thread=False)
        """For the open vote's count as the database has it: every vote process's votes. Read on a thread
        of its own while votes arrive (a scan of the open vote's rows: milliseconds the loop goes on meanwhile)."""
        self._reading_lock = threading.Lock()
        self.loop = asyncio.get_running_loop()
        self._tally_due = False
        self._counting: asyncio.Task[None] | None = None
        self.store.listeners.append(self._counted)
        self.store.crowd_listeners.append(self._crowded)

    def send(self, message: dict[str, Any]) -> None:
        if not self.writer.is_closing():
            self.writer.write(json.dumps(message, separators=(",", ":")).encode() + b"\n")

    def ready(self) -> dict[str, Any]:
        return {"event": "ready", "code": self.store.code, **self.counted()}

    def counted(self) -> dict[str, Any]:
        """The open vote's count in the database, and the votes taken for it (``mark``: it only goes up)."""
        current = self.store.open_round
        if current is None:
            return {"tally": None, "mark": -1}
        try:
            with self._reading_lock:
                count, total, mark = self._reading.execute(
                    "SELECT count(*), total(value), total(times) FROM votes WHERE round = ?", (current.id,)
                ).fetchone()
        except sqlite3.Error:
            return {"tally": None, "mark": -1}
        tally = Result(current.id, current.presenter, current.turn, count, total / count if count else None, True)
        return {"tally": plain(tally), "mark": int(mark)}

    def close(self) -> None:
        with self._reading_lock:
            self._reading.close()

    # --- the count, for the app ---------------------------------------------------

    def _counted(self, _: Result) -> None:  # on the store's writer thread
        if not self._tally_due:
            self._tally_due = True
            try:
                self.loop.call_soon_threadsafe(self.loop.call_later, TALLY_EVERY, self._send_tally)
            except RuntimeError:
                pass  # the loop has ended

    def _crowded(self, crowd: Crowd) -> None:  # on the store's writer thread
        try:
            self.loop.call_soon_threadsafe(self.send, {"event": "crowd", "crowd": dataclasses.asdict(crowd)})
        except RuntimeError:
            pass  # the loop has ended

    def _send_tally(self) -> None:
        self._tally_due = False
        self._counting = self.loop.create_task(self._send_count())

    async def _send_count(self) -> None:
        counted = await asyncio.to_thread(self.counted)
        if counted["tally"] is not None:
            self.send({"event": "tally", **counted})

    # --- the host's commands ---------------------------------------------------

    def command(self, message: dict[str, Any]) -> object:
        """Run one of the app's commands (on a thread of its own, as the host's commands are run)."""
        op = message.get("op")
        desk, store = self.desk, self.store
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
        raise VoteError(f"the vote process does not know the command {op!r}")


async def serve(control: socket.socket, channel: socket.socket, listening: socket.socket | None) -> None:
    sys.setswitchinterval(SWITCH_INTERVAL)
    reader, writer = await asyncio.open_unix_connection(sock=control)
    line = await reader.readline()
    if not line:
        return
    start = json.loads(line)
    try:
        intake = Intake(start, writer)
    except VoteError as error:
        writer.write(json.dumps({"event": "failed", "error": str(error)}).encode() + b"\n")
        await writer.drain()
        return
    rules = GateRules()
    app = web.Application(client_max_size=MAX_BODY, middlewares=[body_deadline(rules.body_timeout)])
    guard(app)
    add_vote_process_routes(app, intake.desk)
    runner = web.AppRunner(
        app,
        handle_signals=False,
        access_log=None,
        shutdown_timeout=1.0,
        keepalive_timeout=rules.keepalive,
        lingering_time=LINGER,
        max_line_size=4096,
        max_field_size=4096,
        max_headers=32,
    )
    await runner.setup()
    serve_here = runner.server
    assert serve_here is not None
    room = Sender(channel)
    gate = Gate(rules)
    route = route_votes(room.give)
    door = None if listening is None else gate.listen(listening, lambda: Porter(gate, serve_here, route))
    gc.collect()
    gc.freeze()  # what was made to start with is never collected: each collection under load walks only new objects
    intake.send(intake.ready())
    try:
        while line := await reader.readline():
            message = json.loads(line)
            try:
                answer: dict[str, Any] = {"ok": plain(await asyncio.to_thread(intake.command, message))}
            except VoteError as error:
                answer = {"error": str(error)}
            answer["id"] = message.get("id")
            intake.send(answer)
    finally:
        if door is not None:
            door()  # first of all: the app (started again, perhaps) listens on the port from now on
        gate.close()
        room.close()
        await runner.cleanup()  # the requests under way end (their votes are committed before they are acknowledged)
        intake.store.close()
        intake.close()
        writer.close()


def run(main: Any) -> Any:
    """Run ``main`` on uvloop's loop where it is installed (the same requests for about a fifth less CPU), else asyncio's."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(main)
    return uvloop.run(main)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    raise_file_limit()  # the app raised it already, as far as the system lets it
    try:
        os.nice(NICENESS)
    except OSError:
        pass  # the system does not let it: it runs as the app does
    control = socket.socket(fileno=int(args[0]))
    channel = socket.socket(fileno=int(args[1]))
    channel.setblocking(False)
    listening = socket.socket(fileno=int(args[2])) if int(args[2]) >= 0 else None
    if listening is not None:
        listening.setblocking(False)
    try:
        run(serve(control, channel, listening))
    except (KeyboardInterrupt, BrokenPipeError, ConnectionResetError):
        pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
