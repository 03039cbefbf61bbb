"""Crowds on loopback: connections from many source addresses of 127.0.0.0/8, half-sent heads, idle streams.

Linux routes all of 127.0.0.0/8 to the loopback interface, so a test can
open connections that come from as many addresses as a room of strangers
would, and stay on this machine. Every crowd here is bounded in count and
time.

``python -m tests.crowds serve EVENT LIMIT [--votes]`` serves an event's room
in a process whose open-file limit is LIMIT (soft and hard), and takes
commands on its standard input, one a line (``state``, ``write``, ``quit``),
answering each with a line of JSON: a room server (with its vote processes,
with ``--votes``) that strangers can fill while the test checks that the
show's own files still open.

Used by ``tests/room/test_room_gate.py`` and ``tests/room/test_room_crowds.py``.
"""

from __future__ import annotations

import asyncio
import json
import resource
import sys
import time
import types
from pathlib import Path
from typing import Any

HOST = "127.0.0.1"


def stranger(n: int) -> str:
    """The ``n``-th stranger's address (127.1.0.1 on): never the host's own 127.0.0.1."""
    n += 1
    return f"127.{1 + n // 65024}.{n // 254 % 256}.{1 + n % 254}"


async def connect(port: int, source: str | None = None) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """A connection to the room's port on this machine, from ``source`` (an address of 127.0.0.0/8) if given."""
    return await asyncio.open_connection(HOST, port, local_addr=(source, 0) if source else None)


async def closed_after(reader: asyncio.StreamReader, timeout: float) -> float | None:
    """Seconds until the server closes the connection (reading and dropping what it sends), or None if it stays open."""
    began = time.monotonic()
    try:
        async with asyncio.timeout(timeout):
            while await reader.read(65536):
                pass
    except TimeoutError:
        return None
    except OSError:
        pass  # reset: closed all the same
    return time.monotonic() - began


async def answer(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes, timeout: float = 20
) -> int:
    """Send ``request`` and read the status of the answer (0: the connection closed instead)."""
    writer.write(request)
    try:
        async with asyncio.timeout(timeout):
            line = await reader.readline()
    except (OSError, asyncio.IncompleteReadError):
        return 0
    parts = line.split()
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0


def get(path: str) -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\n\r\n".encode()


def voting_show(event_dir: Path, seeds: Any, wall: Any) -> Any:
    """A show voting by phone in ``event_dir`` (with its decks), its first presenter's talk given."""
    from battledecks.core.show import Show
    from tests.builders import build_event, present

    path = build_event(
        event_dir / "events", name="votes", order="listed", scoring={"judges": ["J1"], "audience": {"vote": "phones"}}
    )
    show = Show.open(path, seed_source=seeds, clock=wall)
    show.draw_all()
    present(show, "Ada")
    return show


# --- the server under a low limit (its own process) -----------------------------------------


def serve(event: Path, limit: int, votes: bool) -> None:
    resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit))
    asyncio.run(_serve(event, votes))


async def _serve(event: Path, votes: bool) -> None:
    from battledecks.core.show import Show
    from battledecks.room.server import RoomServer, listen

    show = Show.open(event)
    show.draw_all()
    options: dict[str, Any] = {}
    try:
        from battledecks.room.gate import GateRules, open_descriptors

        # Long deadlines: the crowd holds its connections for as long as the test needs them.
        options["gate"] = GateRules(head_timeout=60, keepalive=60, body_timeout=60)
    except ImportError:  # the server as it was before it had a gate
        open_descriptors = None  # type: ignore[assignment]
    server = RoomServer(show, listen(HOST, 0), **options)
    desk = None
    if votes:
        from battledecks.room.votes import attach

        desk = attach(server, show, types.SimpleNamespace(votes=None, after_first_frame=[], notify=print))
    await server.start()
    say({"url": server.url, "limit": resource.getrlimit(resource.RLIMIT_NOFILE)[0]})
    presenters = iter(show.event.presenters)
    try:
        while line := (await asyncio.to_thread(sys.stdin.readline)).strip():
            if line == "state":
                gate = getattr(server, "gate", None)
                say(
                    {
                        "held": gate.held if gate else None,
                        "closed": dict(gate.closed) if gate else {},
                        "fds": open_descriptors() if open_descriptors else None,
                        "streams": server.clients,
                    }
                )
            elif line == "write":
                say(_write(show, next(presenters)))
            elif line == "quit":
                break
    finally:
        await server.stop()
        if desk is not None:
            desk.store.close()


def _write(show: Any, name: str) -> dict[str, Any]:
    """A talk written to the record (two saves), and a slide of its deck read."""
    from battledecks.core.decks import slide_files
    from battledecks.core.problems import BattledecksError
    from tests.builders import present

    try:
        present(show, name, at=time.monotonic())
        deck = show.deck_of(name)
        data = slide_files(deck)[0].read_bytes()
    except (OSError, BattledecksError) as error:
        return {"ok": False, "error": f"{type(error).__name__}: {error}"}
    return {"ok": True, "slide_bytes": len(data)}


def say(message: dict[str, Any]) -> None:
    print(json.dumps(message), flush=True)


if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "serve":
        serve(Path(sys.argv[2]), int(sys.argv[3]), "--votes" in sys.argv[4:])
    else:
        raise SystemExit("usage: python -m tests.crowds serve EVENT LIMIT [--votes]")
