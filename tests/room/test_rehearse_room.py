"""``battledecks rehearse EVENT --serve``: the room rehearsed too (the audience screen, /stage, the QR code and
a phone vote with F2), on throw-away votes, with the real event's files untouched."""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from battledecks.cli import main
from battledecks.room.address import write_address
from battledecks.room.votes.store import Scale, VoteStore, secret_path_for, votes_path_for
from battledecks.ui.app import BattledecksApp
from battledecks.ui.screens.scores import ScoresScreen
from battledecks.ui.widgets.vote_panel import VotePanel
from tests.builders import build_decks, build_event, present
from tests.scoring_builders import play
from tests.waiting import wait_until as until


def fingerprints(folder: Path) -> dict[str, tuple[str, int]]:
    """Every file under ``folder``: its content's hash and its modification time."""
    return {
        str(p.relative_to(folder)): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def voting_night(tmp_path: Path) -> Path:
    """An event voting by phone, half run: a record, its votes' database and key, and an audience file."""
    build_decks(tmp_path / "decks", {f"d{i}": f"Deck {i}" for i in range(1, 6)})
    events = tmp_path / "events"
    events.mkdir()
    path = build_event(
        events,
        "night",
        title="Night",
        presenters=["Amy", "Ben"],
        scoring={"judges": ["Ann"], "audience": {"vote": "phones"}},
        reuse=False,
    )
    play(path, {"Amy": {"scores": {("Ann", "Overall"): 8}}})
    VoteStore.for_event(path, Scale(1, 10, 1)).close()
    write_address(path, "http://127.0.0.1:1/")
    assert votes_path_for(path).is_file() and secret_path_for(path).is_file()
    return path


async def one_phone_votes(url: str, score: str, code: str) -> dict[str, Any]:
    """A phone opens the QR code's address (its cookie) and votes."""
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as phone:
        async with phone.get(url) as page:
            assert page.status == 200 and "Vote for Amy" in await page.text()
        base = url.split("/vote")[0]
        async with phone.post(
            f"{base}/vote", data={"score": score, "code": code}, headers={"Accept": "application/json", "Origin": base}
        ) as r:
            return await r.json()


@pytest.mark.system  # the vote processes
def test_a_rehearsal_of_the_room_votes_on_throw_away_files(voting_night: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = fingerprints(voting_night.parent.parent)
    seen: dict[str, Any] = {}

    async def rehearse_the_room(app: BattledecksApp, **_: object) -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await until(pilot, lambda: type(app.screen).__name__ == "LineupScreen", "the lineup")
            show = app.show
            seen["folder"] = show.event.path.parent
            assert app.audience_url is not None and app.votes is not None
            base = app.audience_url.removesuffix("stage")
            async with aiohttp.ClientSession() as room:
                async with room.get(base + "stage") as page:
                    assert page.status == 200  # /stage, for a browser on the projector
                async with room.get(base + "snapshot") as snapshot:
                    state = json.loads(await snapshot.text())["state"]
                    assert state["event"] == "Night (rehearsal)"
            # A talk (through the show: the keys would take twelve real seconds), then F2 on the scores screen.
            await until(pilot, lambda: show.scan.finished, "the decks checked")
            show.draw_for("Amy")
            present(show, "Amy", at=time.monotonic() - 100)
            app.push_screen(ScoresScreen("Amy"))
            await until(
                pilot, lambda: isinstance(app.screen, ScoresScreen) and app.screen.query(VotePanel), "Amy's scores"
            )
            await pilot.press("f2")
            await until(
                pilot, lambda: app.votes is not None and app.votes.store.open_round is not None, "the vote to open"
            )
            desk = app.votes
            assert desk.phone_url is not None and desk.phone_url.startswith(base + "vote?c=")
            async with aiohttp.ClientSession() as room:
                async with room.get(base + "snapshot") as snapshot:
                    state = json.loads(await snapshot.text())["state"]
                    assert state["stage"] == "vote" and state["vote"]["url"] == desk.phone_url  # the QR code's address
                async with room.get(base + "vote/qr.svg") as qr:
                    assert qr.status == 200 and (await qr.text()).startswith("<svg")
            said = await one_phone_votes(desk.phone_url, "9", desk.store.code)
            assert said["ok"] is True, said
            await until(pilot, lambda: "1 vote" in str(app.screen.query_one(VotePanel).render()), "the vote counted")
            await pilot.press("f2")
            await until(pilot, lambda: show.presenter("Amy").audience == 9, "the vote saved as Amy's audience score")
            seen["votes"] = votes_path_for(show.event.path)
            seen["key"] = secret_path_for(show.event.path)
            assert seen["votes"].is_file() and seen["key"].is_file()
            app.exit()

    monkeypatch.setattr(BattledecksApp, "run_async", rehearse_the_room)
    assert main(["rehearse", str(voting_night), "--serve", "127.0.0.1:0"]) == 0
    assert seen["votes"].parent == seen["folder"] != voting_night.parent, "the rehearsal votes in its own folder"
    assert fingerprints(voting_night.parent.parent) == before, (
        "the real event's record, votes, key and audience file untouched"
    )
    assert not Path(seen["folder"]).exists(), "the rehearsal's copy, votes and key are thrown away"


def test_rehearse_serve_takes_the_event_after_it(voting_night: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[Any] = []
    monkeypatch.setattr("battledecks.commands.run.run", lambda args: seen.append((args.event.name, args.serve)) or 0)
    assert main(["rehearse", "--serve", str(voting_night)]) == 0
    assert main(["rehearse", str(voting_night), "--serve", "127.0.0.1:9001"]) == 0
    assert main(["rehearse", str(voting_night)]) == 0
    assert seen == [("night.yaml", "127.0.0.1:8750"), ("night.yaml", "127.0.0.1:9001"), ("night.yaml", None)]


def test_rehearse_without_an_event_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rehearse"]) == 2
    assert "give the event file to rehearse" in capsys.readouterr().err
