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
from battledecks.room.votes import attach
from battledecks.room.votes.store import VoteError, _begin
from battledecks.room.votes.worker import VoteWorker
from harness.phoning import HOST, cookie_of, http, loopback_source
from tests.scoring_builders import voting_show
from tests.waiting import until

pytestmark = pytest.mark.system  # the vote processes


@pytest.fixture
async def served(event_dir: Path, seeds, wall, listeners):  # noqa: ANN001, ANN201
    show = voting_show(event_dir, seeds, wall)
    server = RoomServer(show, listen(HOST, 0))
    told: list[tuple[str, dict[str, Any]]] = []
    app = types.SimpleNamespace(votes=None, after_first_frame=[], notify=lambda text, **kw: told.append((text, kw)))
    desk = attach(server, show, app)
    assert desk is not None and app.votes is desk
    await server.start()
    try:
        yield types.SimpleNamespace(
            show=show,
            server=server,
            desk=desk,
            worker=desk.store,
            room=listeners(lambda: server.url),
            told=told,
        )
    finally:
        await server.stop()
        desk.store.close()


async def _get(
    port: int, *paths: str, cookie: str | None = None, source: str | None = None
) -> list[tuple[int, dict[str, str], bytes]]:
    """Several requests on one kept-alive connection (from the loopback address ``source``, if given)."""
    reader, writer = await asyncio.open_connection(HOST, port, local_addr=(source, 0) if source else None)
    try:
        return [await http(reader, writer, "GET", path, cookie) for path in paths]
    finally:
        writer.close()


def _port(server: RoomServer) -> int:
    return int(server.url.rsplit(":", 1)[1].strip("/"))


def _phone() -> aiohttp.ClientSession:
    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))  # cookies from an IP address


async def _vote(phone: aiohttp.ClientSession, url: str, code: str, score: int) -> dict:
    headers = {"Accept": "application/json", "Origin": url.rstrip("/")}  # as the vote page sends it
    async with phone.post(url + "vote", data={"score": str(score), "code": code}, headers=headers) as r:
        return await r.json()


async def test_the_port_serves_votes_from_the_vote_processes_and_the_rest_from_the_room_server(served) -> None:  # noqa: ANN001
    worker: VoteWorker = served.worker
    server: RoomServer = served.server
    assert len(worker.pids) == 2 and os.getpid() not in worker.pids
    port = _port(server)
    ((status, headers, body),) = await _get(port, "/snapshot")
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
    assert (
        first[0] == 200
        and second[0] == 307
        and second[1]["location"] == "/stage"
        and second[1]["connection"] == "close"
    )
    first, second = await _get(port, "/snapshot", "/vote?c=XY")
    assert (
        first[0] == 200
        and second[0] == 307
        and second[1]["location"] == "/vote?c=XY"
        and second[1]["connection"] == "close"
    )
    ((status, _, svg),) = await _get(port, "/vote/qr.svg")
    assert status == 200 and svg.startswith(b"<svg")
    _, (status, _, svg_here) = await _get(port, "/stage", "/vote/qr.svg")  # the stage page's own connection
    assert status == 200 and svg_here == svg
    result = served.desk.close()
    assert (result.count, result.mean) == (1, 8)
    assert served.show.presenter("Ada").audience == 8


async def _post(port: int, cookie: str | None, code: str, score: int, source: str | None = None) -> dict:
    """One vote on a new connection of its own (from the loopback address ``source``, if given)."""
    reader, writer = await asyncio.open_connection(HOST, port, local_addr=(source, 0) if source else None)
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
        ((status, headers, _),) = await _get(port, f"/vote?c={worker.code}", source=loopback_source(n))
        cookie = cookie_of(headers)
        assert status == 200 and cookie
        for score in (3, 1 + n % 10):
            answer = await _post(port, cookie, worker.code, score, source=loopback_source(n))
            assert answer["ok"], answer
        last.append(1 + n % 10)
    await until(lambda: worker.tally() is not None and worker.tally().count == 12, what="the count of twelve phones")
    result = served.desk.close()
    assert result.count == 12 and result.mean == pytest.approx(sum(last) / 12)
    # How the votes spread comes from the vote process that closed the round, into the record and to the room.
    spread = sorted((float(score), last.count(score)) for score in set(last))
    assert list(result.spread) == spread and served.show.vote_rounds()[-1].spread == spread
    closed = (await served.room.wait_kind("vote-close"))["state"]["voted"]
    assert [bar["count"] for bar in closed["bars"]] == [last.count(score) for score in range(1, 11)]


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
                ((status, _, _),) = await _get(port, "/snapshot")
            except (ConnectionError, asyncio.IncompleteReadError):
                continue
            assert status == 200
            await asyncio.sleep(0.01)
        assert len(worker.restarts) == 2
        ((status, _, _),) = await _get(port, "/snapshot")
        assert status == 200
        # The open vote kept its vote, and takes more.
        assert (await _vote(phone, server.url, worker.code, 10))["ok"]
    async with _phone() as other:
        async with other.get(server.url + f"vote?c={worker.code}") as r:
            assert r.status == 200
        assert (await _vote(other, server.url, worker.code, 4))["ok"]
    result = served.desk.close()
    assert (result.count, result.mean) == (2, 7)


async def _when_none_runs(worker: VoteWorker, monkeypatch: pytest.MonkeyPatch) -> None:
    """Kill every vote process, and have every start again fail (the system refuses new processes, say)."""
    import battledecks.room.votes.worker as votes_worker

    def refused(place: int) -> None:
        raise votes_worker.VoteError("cannot start the vote process: Resource temporarily unavailable")

    monkeypatch.setattr(worker, "_launch", refused)
    for pid in worker.pids:
        os.kill(pid, signal.SIGKILL)
    await until(lambda: not worker.alive, what="the vote processes to be gone")


async def _listening(port: int, path: str, source: str | None = None) -> tuple[int, dict[str, str], bytes]:
    for _ in range(500):  # until the room server listens again
        try:
            (answer,) = await _get(port, path, source=source)
            return answer
        except OSError:
            await asyncio.sleep(0.02)
    raise AssertionError("the room server never listened on the port")


async def test_while_no_vote_process_runs_the_app_takes_the_votes_itself(
    served, monkeypatch: pytest.MonkeyPatch
) -> None:  # noqa: ANN001
    worker: VoteWorker = served.worker
    port = _port(served.server)
    served.desk.open("Ada")
    ((status, headers, _),) = await _get(port, f"/vote?c={worker.code}", source=loopback_source(1))
    first = cookie_of(headers)
    assert status == 200 and (await _post(port, first, worker.code, 4, source=loopback_source(1)))["ok"]
    await _when_none_runs(worker, monkeypatch)
    status, headers, page = await _listening(port, f"/vote?c={worker.code}", source=loopback_source(2))
    assert status == 200 and b"Vote for Ada" in page
    second = cookie_of(headers)
    answer = await _post(port, second, worker.code, 9, source=loopback_source(2))
    assert answer["ok"] and answer["message"] == "Your vote counted: 9 for Ada.", answer
    answer = await _post(port, first, worker.code, 5, source=loopback_source(1))
    assert answer["ok"] and answer["message"] == "Your vote changed to 5 for Ada.", answer
    await until(lambda: worker.tally() is not None and worker.tally().count == 2, what="the count of both phones")
    await until(lambda: len(worker.restarts) >= 3, what="starts tried again")  # and tried again, and again
    assert not worker.alive
    result = served.desk.close()  # F2 works with no vote process
    assert (result.count, result.mean) == (2, 7)
    assert served.show.presenter("Ada").audience == 7


async def test_a_vote_process_is_started_again_however_often_it_dies(served, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    import battledecks.room.votes.worker as votes_worker

    monkeypatch.setattr(votes_worker, "RESTART_BACKOFF", 0.01)
    worker: VoteWorker = served.worker
    served.desk.open("Ada")
    deaths = 7  # more than the five restarts a minute it used to be given
    for _ in range(deaths):
        victim = worker.pids[0]
        os.kill(victim, signal.SIGKILL)
        await until(
            lambda victim=victim: victim not in worker.pids and len(worker.pids) == 2,
            timeout=60,
            what="the vote process started again",
        )
    assert len(worker.restarts) == deaths
    port = _port(served.server)
    for n in range(4):  # both processes take votes (a new connection each: the two share them out)
        ((status, headers, _),) = await _get(port, f"/vote?c={worker.code}", source=loopback_source(n))
        assert (
            status == 200 and (await _post(port, cookie_of(headers), worker.code, 6, source=loopback_source(n)))["ok"]
        )
    assert served.desk.close().count == 4


async def test_one_address_dropping_its_cookie_counts_at_most_its_limit_of_phones(served) -> None:  # noqa: ANN001
    """The attack: one laptop, several connections at once, a new token from every request, a vote with each.
    Bounded: 8 connections of 25 tries each, on loopback."""
    worker: VoteWorker = served.worker
    port = _port(served.server)
    served.desk.open("Ada")
    answers: list[dict[str, Any]] = []

    async def connection() -> None:
        reader, writer = await asyncio.open_connection(HOST, port)
        try:
            for _ in range(25):
                status, headers, _ = await http(
                    reader, writer, "GET", "/vote/state?since=-1"
                )  # no cookie sent: a new phone
                if headers.get("connection") == "close":
                    writer.close()
                    reader, writer = await asyncio.open_connection(HOST, port)
                    continue
                body = f"score=10&code={worker.code}".encode()
                status, headers, data = await http(
                    reader, writer, "POST", "/vote", cookie_of(headers), body, accept_json=True
                )
                answers.append(json.loads(data))
                if headers.get("connection") == "close":
                    writer.close()
                    reader, writer = await asyncio.open_connection(HOST, port)
        finally:
            writer.close()

    await asyncio.wait_for(asyncio.gather(*(connection() for _ in range(8))), 120)
    assert len(answers) >= 150 and sum(a["ok"] for a in answers) == 4, {a["reason"] for a in answers}
    assert {a["reason"] for a in answers if not a["ok"]} <= {"crowded", "rate"}  # too many phones, then too fast
    with sqlite3.connect(worker.path.absolute().as_uri() + "?mode=ro", uri=True) as db:
        assert db.execute("SELECT address, count(*) FROM votes WHERE round = 1 GROUP BY address").fetchall() == [
            ("127.0.0.1", 4)
        ]
    db.close()
    # The host is told once, with the address's phones (tokens) and votes.
    await until(lambda: served.told, what="the host told of the address at the limit")
    await asyncio.sleep(0.3)
    ((text, options),) = served.told
    assert text.startswith(
        "127.0.0.1 reached the limit of 4 phones in the vote on Ada: 4 phones (tokens) and 4 votes from it."
    )
    assert "phones-per-address" in text and options["severity"] == "warning"
    # Another phone of the room, on its own address, still votes; the count is the four and it.
    ((status, headers, _),) = await _get(port, f"/vote?c={worker.code}", source=loopback_source(9))
    assert (await _post(port, cookie_of(headers), worker.code, 5, source=loopback_source(9)))["ok"]
    assert served.desk.close().count == 5


VOTE_PATHS = [
    "/vote",
    "/vote?c=AB",
    "/vote/",
    "/vote/x",
    "/vote/state",
    "/vote/state/x",
    "/vote/qr.svg",
    "/vote/qr.svg/x",
    "/vote/../stage",
    "/vote/%2e%2e/stage",
    "/vote//vote",
    "/votes",
    "/vote%2Fx",
]


async def _follow(port: int, method: str, path: str) -> tuple[int, list[tuple[int, dict[str, str]]]]:
    """Send ``method path`` on a new connection and follow redirects (each on a new connection) for at most 5 hops:
    the hops taken, and every answer's status and headers."""
    answers: list[tuple[int, dict[str, str]]] = []
    for hop in range(6):
        reader, writer = await asyncio.open_connection(HOST, port)
        try:
            body = b"score=5&code=XXXX" if method in ("POST", "PUT") else b""
            writer.write(
                f"{method} {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nContent-Length: {len(body)}\r\n\r\n".encode()
                + body
            )
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 30)  # the answer's head is all it takes
        finally:
            writer.close()
        status_line, *lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split()[1])
        headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines if ":" in line)}
        answers.append((status, headers))
        if status not in (301, 302, 303, 307, 308):
            return hop, answers
        path = headers["location"]
    return hop, answers


def _guarded(headers: dict[str, str]) -> bool:
    return headers.get("x-content-type-options") == "nosniff" and (
        "frame-ancestors 'none'" in headers.get("content-security-policy", "")
        or headers.get("x-frame-options") == "DENY"
    )


async def _every_vote_path_ends_soon_with_the_headers(port: int) -> None:
    for method in ("GET", "POST", "HEAD", "PUT"):
        for path in VOTE_PATHS:
            hops, answers = await _follow(port, method, path)
            assert hops <= 2, (method, path, answers)
            for status, headers in answers:
                assert _guarded(headers), (method, path, status, headers)


async def test_no_vote_path_redirects_for_ever_and_every_answer_carries_the_security_headers(
    served,
    monkeypatch: pytest.MonkeyPatch,  # noqa: ANN001
) -> None:
    port = _port(served.server)
    served.desk.open("Ada")
    await _every_vote_path_ends_soon_with_the_headers(port)
    # The room server's own answers, errors and redirects included, and a kept-alive connection's redirect.
    for path in ("/", "/stage", "/snapshot", "/nope", "/slides/x/1", "/static/x.js", "/vote/qr.svg"):
        ((status, headers, _),) = await _get(port, path)
        assert _guarded(headers), (path, status, headers)
    first, second = await _get(port, "/snapshot", "/vote")
    assert second[0] == 307 and _guarded(second[1])
    # The app taking the votes itself, no vote process running: the same.
    await _when_none_runs(served.worker, monkeypatch)
    await _listening(port, "/snapshot")
    await _every_vote_path_ends_soon_with_the_headers(port)


async def test_a_close_a_vote_process_cannot_take_leaves_the_vote_open_everywhere_and_f2_later_closes_it(
    served,
    monkeypatch: pytest.MonkeyPatch,  # noqa: ANN001
) -> None:
    import battledecks.room.votes.worker as votes_worker

    worker: VoteWorker = served.worker
    port = _port(served.server)
    served.desk.open("Ada")
    for n in range(4):
        ((status, headers, _),) = await _get(port, f"/vote?c={worker.code}", source=loopback_source(n))
        assert (await _post(port, cookie_of(headers), worker.code, 2 + n, source=loopback_source(n)))["ok"]
    monkeypatch.setattr(votes_worker, "COMMAND_TIMEOUT", 1.0)
    stuck = worker.pids[-1]
    os.kill(stuck, signal.SIGSTOP)  # a vote process that does not answer the host's close
    try:
        with pytest.raises(VoteError, match="the vote on Ada is still open"):
            served.desk.close()
    finally:
        try:
            os.kill(stuck, signal.SIGCONT)
        except ProcessLookupError:
            pass
    assert worker.open_round is not None and served.show.current_vote is not None  # open for the host, the record
    await until(
        lambda: stuck not in worker.pids and len(worker.pids) == 2, timeout=60, what="the stuck process started again"
    )
    # Every vote process takes votes (new connections: both get some), and no phone is told voting closed.
    for n in range(4, 10):
        ((status, headers, _),) = await _get(port, f"/vote?c={worker.code}", source=loopback_source(n))
        answer = await _post(port, cookie_of(headers), worker.code, 8, source=loopback_source(n))
        assert answer["ok"], answer
    result = served.desk.close()  # a later F2
    assert (result.count, result.mean) == (10, pytest.approx((2 + 3 + 4 + 5 + 6 * 8) / 10))
    assert served.show.presenter("Ada").audience == round((2 + 3 + 4 + 5 + 6 * 8) / 10, 2)
    served.desk.open("Ada")  # and it opens again, everywhere
    assert served.desk.close().count == 10


async def test_a_close_the_database_refuses_leaves_the_vote_open_and_f2_later_closes_it(served) -> None:  # noqa: ANN001
    worker: VoteWorker = served.worker
    port = _port(served.server)
    served.desk.open("Ada")
    ((status, headers, _),) = await _get(port, f"/vote?c={worker.code}", source=loopback_source(1))
    assert (await _post(port, cookie_of(headers), worker.code, 3, source=loopback_source(1)))["ok"]
    holder = sqlite3.connect(worker.path, isolation_level=None, timeout=0)
    holder.execute("BEGIN EXCLUSIVE")  # the vote database locked while the host closes
    try:
        with pytest.raises(VoteError, match="the vote on Ada is still open"):
            await asyncio.to_thread(served.desk.close)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert worker.open_round is not None and served.show.current_vote is not None
    for n in range(2, 8):
        ((status, headers, _),) = await _get(port, f"/vote?c={worker.code}", source=loopback_source(n))
        answer = await _post(port, cookie_of(headers), worker.code, 9, source=loopback_source(n))
        assert answer["ok"], answer
    result = served.desk.close()
    assert (result.count, result.mean) == (7, pytest.approx((3 + 6 * 9) / 7))


async def test_an_open_the_database_refuses_opens_nowhere_and_f2_later_opens_it(served) -> None:  # noqa: ANN001
    worker: VoteWorker = served.worker
    holder = sqlite3.connect(worker.path, isolation_level=None, timeout=0)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(VoteError):
            await asyncio.to_thread(served.desk.open, "Ada")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert worker.open_round is None
    port = _port(served.server)
    ((status, headers, _),) = await _get(port, f"/vote?c={worker.code}", source=loopback_source(1))
    assert (await _post(port, cookie_of(headers), worker.code, 3, source=loopback_source(1)))["reason"] == "closed"
    opened = served.desk.open("Ada")  # F2 again: the round the record opened, opened everywhere now
    assert opened.id == 1 and [v.id for v in served.show.vote_rounds()] == [1]
    for n in range(2, 6):
        ((status, headers, _),) = await _get(port, f"/vote?c={worker.code}", source=loopback_source(n))
        assert (await _post(port, cookie_of(headers), worker.code, 6, source=loopback_source(n)))["ok"]
    assert served.desk.close().count == 4


@pytest.mark.parametrize("damage", ["corrupt", "locked", "a folder"])
async def test_a_vote_database_that_cannot_be_opened_turns_phone_voting_off_not_the_show(
    event_dir: Path,
    seeds,
    wall,
    damage: str,  # noqa: ANN001
) -> None:
    from battledecks.room.votes.store import votes_path_for

    show = voting_show(event_dir, seeds, wall)
    db = votes_path_for(show.event.path)
    holder = None
    if damage == "corrupt":
        db.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    elif damage == "locked":
        holder = sqlite3.connect(db, isolation_level=None)
        holder.execute("CREATE TABLE other (x)")
        holder.execute("BEGIN EXCLUSIVE")
    else:
        db.mkdir()
    server = RoomServer(show, listen(HOST, 0))
    told: list[tuple[str, dict[str, Any]]] = []
    app = types.SimpleNamespace(votes=None, after_first_frame=[], notify=lambda text, **kw: told.append((text, kw)))
    try:
        assert attach(server, show, app) is None and app.votes is None
        for callback in app.after_first_frame:
            callback()
        ((text, options),) = told
        assert text.startswith("Phone voting is off: ") and str(db) in text
        assert f"battledecks votes {show.event.path} --set-aside" in text and options["severity"] == "error"
        await server.start()
        try:
            port = _port(server)
            ((status, headers, body),) = await _get(port, "/vote?c=ABCD")
            assert status == 503 and b"Voting by phone is off" in body and _guarded(headers)
            ((status, _, body),) = await _get(port, "/snapshot")
            assert status == 200 and json.loads(body)["state"]["vote"] is None
        finally:
            await server.stop()
    finally:
        if holder is not None:
            holder.close()


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
    from battledecks.room.votes.worker import worker_for_show

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
    ((status, headers, _),) = await _get(port, f"/vote?c={desk.store.code}")
    assert status == 200
    assert (await _post(port, cookie_of(headers), desk.store.code, 9))["ok"]
    assert desk.close().count == 1


async def test_where_processes_cannot_hand_connections_over_the_app_serves_the_votes_itself(
    event_dir: Path,
    seeds,
    wall,
    monkeypatch: pytest.MonkeyPatch,  # noqa: ANN001
) -> None:
    import battledecks.room.votes.worker as votes_worker
    from battledecks.room.votes.store import VoteStore

    monkeypatch.setattr(votes_worker, "processes_supported", lambda: False)
    show = voting_show(event_dir, seeds, wall)
    server = RoomServer(show, listen(HOST, 0))
    desk = attach(server, show, types.SimpleNamespace(votes=None))
    assert desk is not None and isinstance(desk.store, VoteStore)
    await server.start()
    try:
        await _one_vote_in_the_app(server, desk)
    finally:
        await server.stop()
        desk.store.close()


async def test_when_the_vote_processes_cannot_start_the_app_takes_the_votes_and_says_so(
    event_dir: Path,
    seeds,
    wall,
    monkeypatch: pytest.MonkeyPatch,  # noqa: ANN001
) -> None:
    import errno
    import subprocess

    import battledecks.room.votes.worker as votes_worker
    from battledecks.room.votes.store import VoteStore

    def refused(*args: object, **kwargs: object) -> subprocess.Popen[bytes]:
        raise OSError(errno.EAGAIN, "Resource temporarily unavailable")

    monkeypatch.setattr(votes_worker.subprocess, "Popen", refused)
    show = voting_show(event_dir, seeds, wall)
    server = RoomServer(show, listen(HOST, 0))
    told: list[tuple[str, dict[str, object]]] = []
    app = types.SimpleNamespace(votes=None, after_first_frame=[], notify=lambda text, **kw: told.append((text, kw)))
    desk = attach(server, show, app)
    assert desk is not None and isinstance(desk.store, VoteStore) and app.votes is desk
    await server.start()
    try:
        await _one_vote_in_the_app(server, desk)
        for callback in app.after_first_frame:
            callback()
        ((text, options),) = told
        assert "the app takes the phones' votes itself" in text and "Resource temporarily unavailable" in text
        assert options["severity"] == "warning"
    finally:
        await server.stop()
        desk.store.close()
