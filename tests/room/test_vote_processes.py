"""Votes taken by processes of their own: they accept on the room's port, hand the room server its connections,
count every phone once between them, and are started again when one dies."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sqlite3
import threading
import time
import types
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from battledecks.core.show import Show
from battledecks.room.handover import Sender, for_votes, receive_connections
from battledecks.room.server import RoomServer, listen
from battledecks.room.votes import _begin
from battledecks.room.votes_worker import VoteWorker, attach_vote_worker
from harness.phoning import HOST, cookie_of, http
from tests.scoring_builders import voting_show
from tests.waiting import until

pytestmark = pytest.mark.system  # the vote processes


@pytest.fixture
async def served(event_dir: Path, seeds, wall, listeners):  # noqa: ANN001, ANN201
    show = voting_show(event_dir, seeds, wall)
    server = RoomServer(show, listen(HOST, 0))
    app = types.SimpleNamespace(votes=None)
    desk = attach_vote_worker(server, show, app)
    assert desk is not None and app.votes is desk
    await server.start()
    try:
        yield types.SimpleNamespace(show=show, server=server, desk=desk, worker=desk.store, room=listeners(lambda: server.url))
    finally:
        await server.stop()
        desk.store.close()


async def _get(port: int, *paths: str, cookie: str | None = None) -> list[tuple[int, dict[str, str], bytes]]:
    """Several requests on one kept-alive connection."""
    reader, writer = await asyncio.open_connection(HOST, port)
    try:
        return [await http(reader, writer, "GET", path, cookie) for path in paths]
    finally:
        writer.close()


def _port(server: RoomServer) -> int:
    return int(server.url.rsplit(":", 1)[1].strip("/"))


def _phone() -> aiohttp.ClientSession:
    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))  # cookies from an IP address


async def _vote(phone: aiohttp.ClientSession, url: str, code: str, score: int) -> dict:
    async with phone.post(url + "vote", data={"score": str(score), "code": code}, headers={"Accept": "application/json"}) as r:
        return await r.json()


async def test_the_port_serves_votes_from_the_vote_processes_and_the_rest_from_the_room_server(served) -> None:  # noqa: ANN001
    worker: VoteWorker = served.worker
    server: RoomServer = served.server
    assert len(worker.pids) == 2 and os.getpid() not in worker.pids
    port = _port(server)
    (status, headers, body), = await _get(port, "/snapshot")
    assert status == 200 and b'"vote"' in body
    await until(lambda: served.room.messages, what="the audience stream, handed to the room server")
    served.desk.open("Ada")
    message = await served.room.wait_kind("vote")
    assert message["state"]["vote"]["open"] and message["state"]["vote"]["count"] == 0
    async with _phone() as phone:
        async with phone.get(message["state"]["vote"]["url"]) as r:
            assert r.status == 200 and "Vote for Ada" in await r.text()
        answer = await _vote(phone, server.url, worker.code, 8)
        assert answer["ok"] is True, answer
    counted = await served.room.wait_kind("votes")
    assert counted["state"]["vote"]["count"] == 1
    assert worker.tally() is not None and worker.tally().count == 1
    # A kept-alive connection asks again elsewhere, on a new connection, for the other process's paths.
    first, second = await _get(port, "/vote", "/stage")
    assert first[0] == 200 and second[0] == 307 and second[1]["location"] == "/stage" and second[1]["connection"] == "close"
    first, second = await _get(port, "/snapshot", "/vote?c=XY")
    assert first[0] == 200 and second[0] == 307 and second[1]["location"] == "/vote?c=XY" and second[1]["connection"] == "close"
    (status, _, svg), = await _get(port, "/vote/qr.svg")
    assert status == 200 and svg.startswith(b"<svg")
    _, (status, _, svg_here) = await _get(port, "/stage", "/vote/qr.svg")  # the stage page's own connection
    assert status == 200 and svg_here == svg
    result = served.desk.close()
    assert (result.count, result.mean) == (1, 8)
    assert served.show.presenter("Ada").audience == 8


async def _post(port: int, cookie: str | None, code: str, score: int) -> dict:
    """One vote on a new connection of its own."""
    reader, writer = await asyncio.open_connection(HOST, port)
    try:
        body = f"score={score}&code={code}".encode()
        _, _, data = await http(reader, writer, "POST", "/vote", cookie, body, accept_json=True)
        return json.loads(data)
    finally:
        writer.close()


async def test_each_phone_counts_once_whichever_process_takes_its_votes(served) -> None:  # noqa: ANN001
    worker: VoteWorker = served.worker
    port = _port(served.server)
    served.desk.open("Ada")
    last: list[int] = []
    for n in range(12):  # a new connection for each request: the two processes share them out
        (status, headers, _), = await _get(port, f"/vote?c={worker.code}")
        cookie = cookie_of(headers)
        assert status == 200 and cookie
        for score in (3, 1 + n % 10):
            answer = await _post(port, cookie, worker.code, score)
            assert answer["ok"], answer
        last.append(1 + n % 10)
    await until(lambda: worker.tally() is not None and worker.tally().count == 12, what="the count of twelve phones")
    result = served.desk.close()
    assert result.count == 12 and result.mean == pytest.approx(sum(last) / 12)


async def test_a_vote_process_that_dies_is_started_again_and_the_room_is_served_meanwhile(served) -> None:  # noqa: ANN001
    worker: VoteWorker = served.worker
    server: RoomServer = served.server
    port = _port(server)
    served.desk.open("Ada")
    async with _phone() as phone:
        async with phone.get(server.url + f"vote?c={worker.code}") as r:
            assert r.status == 200
        assert (await _vote(phone, server.url, worker.code, 6))["ok"]
        before = list(worker.pids)
        for pid in before:
            os.kill(pid, signal.SIGKILL)
        # Killed, then started again: the stage page answers all along (the room server listens meanwhile),
        # but for a connection a dying process had just accepted.
        while set(worker.pids) & set(before) or len(worker.pids) < 2:
            try:
                (status, _, _), = await _get(port, "/snapshot")
            except (ConnectionError, asyncio.IncompleteReadError):
                continue
            assert status == 200
            await asyncio.sleep(0.01)
        assert len(worker.restarts) == 2
        (status, _, _), = await _get(port, "/snapshot")
        assert status == 200
        # The open vote kept its vote, and takes more.
        assert (await _vote(phone, server.url, worker.code, 10))["ok"]
    async with _phone() as other:
        async with other.get(server.url + f"vote?c={worker.code}") as r:
            assert r.status == 200
        assert (await _vote(other, server.url, worker.code, 4))["ok"]
    result = served.desk.close()
    assert (result.count, result.mean) == (2, 7)


async def test_a_vote_process_answers_send_again_when_none_runs(served) -> None:  # noqa: ANN001
    worker: VoteWorker = served.worker
    served.desk.open("Ada")
    worker._stopping = True  # noqa: SLF001 - no restart: the moment between a death and the restart, held open
    for pid in worker.pids:
        os.kill(pid, signal.SIGKILL)
    await until(lambda: not worker.alive, what="the vote processes to be gone")
    port = _port(served.server)
    for _ in range(200):  # until the room server listens again
        try:
            (status, _, body), = await _get(port, "/vote")
            break
        except OSError:
            await asyncio.sleep(0.02)
    assert status == 503 and b"send your vote again" in body


def test_a_connection_is_a_vote_once_its_request_line_says_so() -> None:
    assert for_votes(b"GET /vote?c=ABCD HTTP/1.1\r\n") is True
    assert for_votes(b"POST /vote HTTP/1.1\r\n") is True
    assert for_votes(b"GET /vote/state?since=3 HTTP/1.1\r\n") is True
    assert for_votes(b"GET /voters HTTP/1.1\r\n") is False
    assert for_votes(b"GET /events HTTP/1.1\r\n") is False
    assert for_votes(b"GET /vo") is None
    assert for_votes(b"POST /vote") is None
    assert for_votes(b"") is None
    assert for_votes(b"\x16\x03\x01") is False  # TLS: served (and refused) by the room server


async def test_connections_wait_their_turn_when_the_channel_is_full() -> None:
    mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    mine.setblocking(False)
    theirs.setblocking(False)
    sender = Sender(mine)
    pairs = [socket.socketpair() for _ in range(40)]
    try:
        for n, (a, _) in enumerate(pairs):
            assert sender.give(a, f"GET /{n}".encode())
        got: list[bytes] = []
        deadline = time.monotonic() + 10
        while len(got) < 40:
            assert time.monotonic() < deadline, f"only {len(got)} of 40 connections arrived"
            connections, gone = receive_connections(theirs)
            assert not gone
            for sock, head in connections:
                got.append(head)
                n = int(head.split(b"/")[1])
                sock.sendall(b"x")  # the handed socket is the same connection
                assert pairs[n][1].recv(1) == b"x"
                sock.close()
            await asyncio.sleep(0.001)
        assert got == [f"GET /{n}".encode() for n in range(40)]
    finally:
        sender.close()
        theirs.close()
        for a, b in pairs:
            a.close()
            b.close()


def test_a_write_waits_for_another_process_in_small_steps(tmp_path: Path) -> None:
    path = tmp_path / "v.sqlite"
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("PRAGMA journal_mode=WAL")
    holder.execute("CREATE TABLE t (x)")
    waiter = sqlite3.connect(path, isolation_level=None, timeout=0)
    holder.execute("BEGIN IMMEDIATE")
    with pytest.raises(sqlite3.OperationalError):
        _begin(waiter, wait=0.05)
    released = threading.Timer(0.1, lambda: holder.execute("COMMIT"))
    released.start()
    began = time.monotonic()
    _begin(waiter, wait=5)
    waited = time.monotonic() - began
    waiter.execute("INSERT INTO t VALUES (1)")
    waiter.execute("COMMIT")
    released.join()
    assert 0.05 < waited < 4
    holder.close()
    waiter.close()


def test_the_show_shares_its_state_with_the_vote_processes(event_dir: Path, seeds, wall) -> None:  # noqa: ANN001
    """Opened again, the vote processes take up the open vote and its votes as the record has them."""
    show: Show = voting_show(event_dir, seeds, wall)
    from battledecks.room.votes_worker import worker_for_show

    worker = worker_for_show(show, "http://127.0.0.1:1/vote?c=X")
    assert worker is not None
    try:
        opened = show.open_vote("Ada", 1)
        worker.open(opened.id, "Ada", 1)
    finally:
        worker.close()
    again = worker_for_show(show, None)
    assert again is not None
    try:
        assert again.open_round is not None and again.open_round.presenter == "Ada"
        result = again.close_round()
        assert result.presenter == "Ada" and result.count == 0
    finally:
        again.close()


async def _one_vote_in_the_app(server: RoomServer, desk: Any) -> None:
    """The room server in the app's own process takes a phone's page and vote, and the closed vote counts it."""
    desk.open("Ada")
    port = _port(server)
    (status, headers, _), = await _get(port, f"/vote?c={desk.store.code}")
    assert status == 200
    assert (await _post(port, cookie_of(headers), desk.store.code, 9))["ok"]
    assert desk.close().count == 1


async def test_where_processes_cannot_hand_connections_over_the_app_serves_the_votes_itself(
    event_dir: Path, seeds, wall, monkeypatch: pytest.MonkeyPatch,  # noqa: ANN001
) -> None:
    import battledecks.room.votes_worker as votes_worker
    from battledecks.room.votes import VoteStore

    monkeypatch.setattr(votes_worker, "processes_supported", lambda: False)
    show = voting_show(event_dir, seeds, wall)
    server = RoomServer(show, listen(HOST, 0))
    desk = attach_vote_worker(server, show, types.SimpleNamespace(votes=None))
    assert desk is not None and isinstance(desk.store, VoteStore)
    await server.start()
    try:
        await _one_vote_in_the_app(server, desk)
    finally:
        await server.stop()
        desk.store.close()


async def test_when_the_vote_processes_cannot_start_the_app_takes_the_votes_and_says_so(
    event_dir: Path, seeds, wall, monkeypatch: pytest.MonkeyPatch,  # noqa: ANN001
) -> None:
    import errno
    import subprocess

    import battledecks.room.votes_worker as votes_worker
    from battledecks.room.votes import VoteStore

    def refused(*args: object, **kwargs: object) -> subprocess.Popen[bytes]:
        raise OSError(errno.EAGAIN, "Resource temporarily unavailable")

    monkeypatch.setattr(votes_worker.subprocess, "Popen", refused)
    show = voting_show(event_dir, seeds, wall)
    server = RoomServer(show, listen(HOST, 0))
    told: list[tuple[str, dict[str, object]]] = []
    app = types.SimpleNamespace(votes=None, after_first_frame=[], notify=lambda text, **kw: told.append((text, kw)))
    desk = attach_vote_worker(server, show, app)
    assert desk is not None and isinstance(desk.store, VoteStore) and app.votes is desk
    await server.start()
    try:
        await _one_vote_in_the_app(server, desk)
        for callback in app.after_first_frame:
            callback()
        (text, options), = told
        assert "the app takes the phones' votes itself" in text and "Resource temporarily unavailable" in text
        assert options["severity"] == "warning"
    finally:
        await server.stop()
        desk.store.close()
