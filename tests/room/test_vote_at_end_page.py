"""The /vote page during the vote at the end: it names the presenter and their place, and follows the host's steps."""

from __future__ import annotations

from pathlib import Path

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestServer

from battledecks.core.show import Show
from battledecks.room.votes.desk import desk_for_show
from battledecks.room.votes.host import step_final_vote
from battledecks.room.votes.routes import add_vote_routes
from tests.builders import build_event, present


async def test_a_phone_votes_on_each_presenter_in_turn(event_dir: Path, seeds, wall) -> None:  # noqa: ANN001
    path = build_event(
        event_dir / "events",
        order="listed",
        presenters=["Ada", "Brian"],
        scoring={"audience": {"vote": "phones", "when": "at-end"}},
    )
    show = Show.open(path, seed_source=seeds, clock=wall)
    show.draw_all()
    present(show, "Ada")
    present(show, "Brian", at=400)
    desk = desk_for_show(show)
    app = web.Application()
    add_vote_routes(app, desk)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    base = f"http://127.0.0.1:{server.port}"
    code = desk.store.code
    try:
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True), headers={"Origin": base}) as phone:
            async with phone.get(f"{base}/vote?c={code}") as r:
                assert "Voting is not open yet" in await r.text()
            step_final_vote(desk, show)
            async with phone.get(f"{base}/vote/state?since=0") as r:
                state = await r.json()
            assert state["title"] == "Vote for Ada (1 of 2)" and state["open"]
            async with phone.get(f"{base}/vote?c={code}") as r:
                page = await r.text()
            assert "Vote for Ada (1 of 2)" in page
            async with phone.post(f"{base}/vote", data={"score": "7", "code": code}) as r:
                assert r.status == 200 and "Your vote counted: 7 for Ada." in await r.text()

            step_final_vote(desk, show)  # Ada closed, Brian open
            version = state["version"]
            async with phone.get(f"{base}/vote/state?since={version}") as r:
                state = await r.json()  # the page following by long poll gets Brian's round and a token for it
            assert state["title"] == "Vote for Brian (2 of 2)"
            async with phone.post(
                f"{base}/vote", data={"score": "9", "code": code}, headers={"Accept": "application/json"}
            ) as r:
                answer = await r.json()
            assert answer["ok"] and answer["message"] == "Your vote counted: 9 for Brian."

            step_final_vote(desk, show)  # Brian closed: the end
            async with phone.post(
                f"{base}/vote", data={"score": "9", "code": code}, headers={"Accept": "application/json"}
            ) as r:
                answer = await r.json()
            assert r.status == 409 and answer["reason"] == "closed"
            async with phone.get(f"{base}/vote?c={code}") as r:
                assert "Voting on Brian is closed" in await r.text()
        assert (show.presenter("Ada").audience, show.presenter("Brian").audience) == (7.0, 9.0)
    finally:
        await server.close()
        desk.store.close()
