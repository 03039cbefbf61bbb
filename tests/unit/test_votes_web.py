"""The /vote page and its JSON: a real aiohttp server on loopback, votes from a client with cookies."""

from __future__ import annotations

import asyncio
import re
import sqlite3
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from battledecks.room.votes.desk import VoteDesk
from battledecks.room.votes.routes import add_vote_routes
from battledecks.room.votes.store import AddressVotes, RateLimit, Scale, VoteStore, read_votes
from battledecks.room.votes.views import COOKIE, render_page

NAME = "Ada <b>&</b> Co"


@pytest.fixture
async def setup(tmp_path: Path):
    store = VoteStore.for_event(tmp_path / "night.yaml", Scale(1, 10), rate=RateLimit(rate=100, burst=100))
    desk = VoteDesk(store, "Night <script>")
    app = web.Application()
    add_vote_routes(app, desk)
    client = TestClient(TestServer(app, host="127.0.0.1"))
    await client.start_server()
    client.session.headers["Origin"] = str(client.make_url("/")).rstrip("/")  # as the page itself sends its votes
    yield client, desk, store
    await client.close()
    store.close()


def set_cookie(client: TestClient, value: str) -> None:
    jar = client.session.cookie_jar
    jar.clear()
    jar.update_cookies({COOKIE: value}, client.make_url("/vote"))


def cookie(client: TestClient) -> str:
    return client.session.cookie_jar.filter_cookies(client.make_url("/vote"))[COOKIE].value


def db_count(store: VoteStore) -> int:
    with sqlite3.connect(store.path) as db:
        return db.execute("SELECT count(*) FROM votes").fetchone()[0]


async def test_before_voting_opens_the_page_says_so(setup) -> None:
    client, desk, store = setup
    r = await client.get("/vote")
    text = await r.text()
    assert r.status == 200
    assert "Voting is not open yet" in text
    assert "Night &lt;script&gt;" in text and "<script>" not in text.split("<script>")[0][-20:]
    assert re.search(r'<form id="vote"[^>]* hidden>', text), "no form while voting is closed"
    assert COOKIE in r.cookies


async def test_a_phone_votes_with_the_plain_form(setup) -> None:
    client, desk, store = setup
    desk.open(NAME)
    page = await (await client.get(f"/vote?c={store.code}")).text()
    assert "Vote for Ada &lt;b&gt;&amp;&lt;/b&gt; Co" in page
    assert f'<input type="hidden" name="code" value="{store.code}">' in page
    assert page.count('name="score"') == 10
    r = await client.post("/vote", data={"score": "7", "code": store.code, "round": "1"})
    text = await r.text()
    assert r.status == 200 and "Your vote counted: 7 for Ada &lt;b&gt;" in text
    assert 'value="7" required checked' in text
    r = await client.post("/vote", data={"score": "9", "code": store.code})
    assert "Your vote changed to 9" in await r.text()
    assert db_count(store) == 1
    assert desk.close().mean == 9


async def test_without_the_code_in_the_link_the_page_asks_for_it(setup) -> None:
    client, desk, store = setup
    desk.open("Ada")
    page = await (await client.get("/vote")).text()
    assert '<input id="code" name="code" required' in page
    r = await client.post("/vote", data={"score": "5", "code": "XXXX"}, headers={"Accept": "application/json"})
    assert r.status == 403
    body = await r.json()
    assert body["reason"] == "room-code" and not body["ok"]


async def test_refusals_over_http(setup) -> None:
    client, desk, store = setup
    desk.open("Ada")
    await client.get("/vote")
    json_ = {"Accept": "application/json"}

    async def vote(score: str, code: str | None = None) -> tuple[int, dict]:
        r = await client.post("/vote", data={"score": score, "code": code or store.code}, headers=json_)
        return r.status, await r.json()

    assert (await vote("11"))[0] == 422 and (await vote("11"))[1]["reason"] == "range"
    assert (await vote("x"))[1]["reason"] == "malformed"
    # A forged cookie.
    set_cookie(client, cookie(client)[:-3] + "abc")
    status, body = await vote("5")
    assert (status, body["reason"]) == (403, "forged")
    # The answer gave a fresh genuine token: this phone can vote now.
    status, body = await vote("5")
    assert (status, body["ok"]) == (200, True)
    # The round closes; the old token is refused; a new round makes it a replay.
    desk.close()
    status, body = await vote("6")
    assert (status, body["reason"]) == (409, "closed")
    old = cookie(client)
    desk.open("Grace")
    set_cookie(client, old)
    status, body = await vote("6")
    assert (status, body["reason"]) == (409, "replay")
    assert "now on Grace" in body["message"]
    assert store.refusals() == {"range": 2, "malformed": 1, "forged": 1, "closed": 1, "replay": 1}


async def test_an_oversized_vote_is_refused(setup) -> None:
    client, desk, store = setup
    desk.open("Ada")
    await client.get("/vote")
    r = await client.post(
        "/vote", data={"score": "5", "code": store.code, "pad": "x" * 5000}, headers={"Accept": "application/json"}
    )
    assert r.status == 422 and (await r.json())["reason"] == "malformed"


async def test_the_page_follows_the_rounds_by_long_polling(setup) -> None:
    client, desk, store = setup
    first = await (await client.get("/vote/state?since=-1")).json()
    assert first["open"] is False and first["version"] == 0
    waiting = asyncio.ensure_future(client.get(f"/vote/state?since={first['version']}"))
    await asyncio.sleep(0)
    assert not waiting.done()
    desk.open("Ada")
    state = await (await asyncio.wait_for(waiting, 10)).json()
    assert state["open"] is True and state["presenter"] == "Ada" and state["version"] == 1
    # The state request gave this phone a token for the new round.
    r = await client.post("/vote", data={"score": "4", "code": store.code}, headers={"Accept": "application/json"})
    assert (await r.json())["ok"] is True


def test_a_wide_scale_is_a_number_field(tmp_path: Path) -> None:
    with VoteStore.for_event(tmp_path / "e.yaml", Scale(0, 100)) as store:
        page = render_page(VoteDesk(store, "E"))
        assert 'type="number" name="score"' in page and 'min="0" max="100" step="1"' in page


async def test_a_vote_from_another_page_is_refused(setup) -> None:
    """A page served elsewhere (another port of the same laptop, say) cannot make a phone vote: only the vote page's own origin."""
    client, desk, store = setup
    desk.open("Ada")
    await client.get("/vote")
    own = str(client.make_url("/")).rstrip("/")
    host, port = client.server.host, client.server.port

    async def vote(score: str, **headers: str) -> tuple[int, dict]:
        r = await client.post(
            "/vote", data={"score": score, "code": store.code}, headers={"Accept": "application/json", **headers}
        )
        return r.status, await r.json()

    status, body = await vote("9")
    assert (status, body["ok"]) == (200, True)
    for hostile in (f"http://{host}:{port + 1}", "http://evil.example", "null", f"https://{host}:{port}", "not a url"):
        status, body = await vote("1", Origin=hostile)
        assert (status, body["reason"]) == (403, "cross-site"), hostile
        assert "did not come from the vote page" in body["message"]
    client.session.headers.pop("Origin")
    assert (await vote("1"))[1]["reason"] == "cross-site"  # neither Origin nor Referer: not from the page
    assert (await vote("1", Referer=f"http://{host}:{port + 1}/vote"))[1]["reason"] == "cross-site"
    status, body = await vote("8", Referer=f"{own}/vote?c={store.code}")  # a browser that sends only the Referer
    assert (status, body["ok"]) == (200, True)
    assert store.refusals()["cross-site"] == 7
    assert desk.close().mean == 8


async def test_the_phones_cookie_is_http_only_and_same_site_strict(setup) -> None:
    client, desk, store = setup
    desk.open("Ada")
    r = await client.get("/vote")
    (line,) = r.headers.getall("Set-Cookie")
    assert line.startswith(f"{COOKIE}=") and "; HttpOnly;" in line and line.endswith("; SameSite=Strict")
    assert "frame-ancestors 'none'" in r.headers["Content-Security-Policy"]


@pytest.mark.parametrize("path", ["/vote/", "/vote/x", "/vote/state/x", "/vote/../vote/x", "/vote/qr.svg/x"])
async def test_any_other_vote_path_is_not_found(setup, path: str) -> None:
    client, desk, store = setup
    for method in ("GET", "POST", "HEAD"):
        r = await client.request(method, path, allow_redirects=False)
        assert r.status in (404, 405), (method, path, r.status)


async def test_a_new_phone_from_an_address_at_the_limit_is_told_so_and_given_no_token(setup) -> None:
    client, desk, store = setup
    desk.open("Ada")
    for _ in range(4):  # four phones from this address (a laptop dropping its cookie)
        client.session.cookie_jar.clear()
        await client.get("/vote")
        r = await client.post("/vote", data={"score": "10", "code": store.code}, headers={"Accept": "application/json"})
        assert (await r.json())["ok"]
    client.session.cookie_jar.clear()
    await client.get("/vote")  # a fifth: refused when it votes, the store learns the address is full
    r = await client.post("/vote", data={"score": "10", "code": store.code}, headers={"Accept": "application/json"})
    body = await r.json()
    assert (r.status, body["reason"]) == (403, "crowded") and "does not count" in body["message"]
    client.session.cookie_jar.clear()
    r = await client.get(f"/vote?c={store.code}")
    page = await r.text()
    assert r.status == 200 and "As many phones as may vote from one network address already have" in page
    assert "Set-Cookie" not in r.headers
    r = await client.post("/vote", data={"score": "10", "code": store.code}, headers={"Accept": "application/json"})
    assert (await r.json())["reason"] == "crowded"
    assert db_count(store) == 4 and desk.close().count == 4
    _, _, addresses = read_votes(store.path)
    assert addresses[1] == [AddressVotes("127.0.0.1", 4, 4, 2)]  # both refusals counted for the address
