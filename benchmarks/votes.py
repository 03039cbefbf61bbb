"""Thousands of phones vote at once against the running app: nothing acknowledged is lost, answers come fast, slides keep time.

Run: python benchmarks/votes.py [--phones 10000] [--window 10] [--kill-after VOTES]
                                [--no-baseline] [--json FILE]

The app runs for real: ``battledecks run EVENT --serve 127.0.0.1:PORT`` in a
pseudo-terminal of its own (80x24, half-cell slides, every byte it writes read
and time-stamped here), with an audience screen following the show (a client
of ``/events``, so the host's stage is the console). The host's keys open the
vote: the first presenter has presented; the benchmark presses Up, Enter (her
scores), F2 (open the phones' vote), Escape, Down, Enter, k (keep the vote open):
the next talk starts, one slide a second. A few slides later N simulated phones, each at a random
moment of the window, open a connection, load /vote (getting their cookie) and
post a vote on it (one in ten changes its mind and votes again), each from a
loopback address of its own (127.1.0.1, 127.1.0.2, ...: the app counts at most
a few phones per address, as phones in a room each have their own). Every phone is
made and waiting before the window opens, so each arrives at its moment. Phones speak
HTTP/1.1 over bare asyncio protocols on uvloop, with this process's garbage
collector off during the load, so the load generator is cheap enough to share
the two cores with the app and its own pauses are not counted as the server's.
The server's CPU is the app's and its vote processes'.

It prints votes accepted, refused by reason (and a few bad votes of every kind
sent by hand), lost (acknowledged but not in the vote database: the goal is
0), p50/p99/max latency of the page and of the vote, the slide timing of the
host's stage (from each slide's due time to its number reaching the terminal)
before and during the load, and the load average. Unless --no-baseline, the
same phones first run against bare aiohttp (the same page and a fixed answer,
nothing checked or stored) in the same run, and the app's figures are also
given as ratios to it: on a shared machine the absolute figures say as much
about the other processes as about the votes.

--kill-after V SIGKILLs the app once V votes have been acknowledged and
starts it again at once; phones that got no answer try again once it is back
(as a person presses Vote again). It reports how many votes acknowledged
before the kill the database lacks (goal 0), what the database held at the
kill, and the open vote's count the restarted app first shows the audience.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from battledecks.room.votes.intake import run  # noqa: E402
from harness.phoning import (  # noqa: E402
    HOST,
    AppInPty,
    Phone,
    build_voting_event,
    cookie_of,
    free_port,
    http,
    loopback_source,
    pct,
    phone_run,
    process_cpu,
    stored_votes,
    tree_cpu,
    wait_port,
)

IDLE_SLIDES = 3
"""Slides of the talk shown before the phones start: the slide timing without load."""
PERIOD = 1.0
"""Seconds a slide."""
LEAD = 1.0
"""Seconds between making the baseline's phones and opening its window: making 10,000 phones takes
a core for a few tenths of a second, and the phones due in that time would otherwise all arrive at once."""


# --- the baseline: bare aiohttp in a child process ------------------------------------------------


def serve_bare(port: int) -> None:
    """aiohttp answering the phones' requests with the same page and a fixed answer, storing nothing."""
    from aiohttp import web

    from battledecks.room.votes.desk import VoteDesk
    from battledecks.room.votes.store import Scale, VoteStore
    from battledecks.room.votes.views import render_page

    folder = Path(tempfile.mkdtemp(prefix="bd-bare-"))
    store = VoteStore.for_event(folder / "bare.yaml", Scale(1, 10))
    desk = VoteDesk(store, "Battledecks! Benchmark")
    desk.open("Ada Lovelace")
    page = render_page(desk, code=store.code)
    answer = json.dumps(
        {"ok": True, "message": "Your vote counted: 5 for Ada Lovelace.", "reason": None, "state": desk.state()}
    )

    async def bare_page(request: web.Request) -> web.Response:
        response = web.Response(text=page, content_type="text/html")
        response.set_cookie("bdvote", store.token(), httponly=True, samesite="Strict", path="/vote")
        return response

    async def bare_vote(request: web.Request) -> web.Response:
        await request.post()
        return web.Response(text=answer, content_type="application/json")

    async def main() -> None:
        app = web.Application(client_max_size=64 * 1024)
        app.router.add_get("/vote", bare_page)
        app.router.add_post("/vote", bare_vote)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, HOST, port, backlog=4096, reuse_address=True).start()
        stop = asyncio.Event()
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
        print(f"ready {store.code}", flush=True)
        await stop.wait()
        await runner.cleanup()

    asyncio.run(main())
    store.close()
    shutil.rmtree(folder, ignore_errors=True)


# --- the runs ------------------------------------------------------------------------------------


@contextlib.contextmanager
def no_gc() -> Iterator[None]:
    """The phones' own collector off during the load: its pauses would be counted as the server's latency."""
    gc.collect()
    gc.freeze()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.unfreeze()


def make_phones(args: argparse.Namespace) -> list[Phone]:
    rng = random.Random(args.seed)
    return [
        Phone(
            rng.uniform(0, args.window),
            rng.randint(1, 10),
            rng.randint(1, 10) if rng.random() < 0.1 else None,
            source=loopback_source(n),
        )
        for n in range(args.phones)
    ]


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def load() -> str:
    return "load average " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def latency(phones: list[Phone]) -> dict[str, Any]:
    page = [p.page_ms for p in phones if p.page_ms is not None]
    vote = [ms for p in phones for ms in p.vote_ms]
    refused: dict[str, int] = {}
    for p in phones:
        for r in p.refused:
            refused[r] = refused.get(r, 0) + 1
    return {
        "accepted": sum(len(p.acked) for p in phones),
        "phones_counted": sum(1 for p in phones if p.acked),
        "refused": refused,
        "failed_requests": sum(p.failed for p in phones),
        "failures": {e: sum(p.errors.count(e) for p in phones) for e in sorted({e for p in phones for e in p.errors})},
        "page_ms": {"p50": pct(page, 0.5), "p99": pct(page, 0.99), "max": max(page, default=float("nan"))},
        "vote_ms": {"p50": pct(vote, 0.5), "p99": pct(vote, 0.99), "max": max(vote, default=float("nan"))},
    }


async def run_bare(args: argparse.Namespace) -> dict[str, Any]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, __file__, "serve-bare", str(port)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().split()
        if not line or line[0] != "ready":
            raise SystemExit("the baseline server did not start")
        code = line[1]
        phones = make_phones(args)
        t0 = time.monotonic() + LEAD
        with no_gc():
            tasks = [asyncio.ensure_future(phone_run(p, port, code, t0)) for p in phones]
            await asyncio.sleep(max(0.0, t0 - time.monotonic()))
            load_before, cpu, mine = load(), process_cpu(proc.pid), own_cpu()
            await asyncio.gather(*tasks)
        out = {
            "server": "bare aiohttp",
            "load_s": round(time.monotonic() - t0, 2),
            "load_before": load_before,
            "load_after": load(),
            "server_cpu_s": round(process_cpu(proc.pid) - cpu, 2),
            "phones_cpu_s": round(own_cpu() - mine, 2),
        }
        out.update(latency(phones))
        return out
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class Audience:
    """An audience screen of the app: follows /events and keeps the latest state."""

    def __init__(self, port: int) -> None:
        from battledecks.room.follow import Follower

        self.state: dict[str, Any] = {}
        self.messages = 0
        self.first_after: list[dict[str, Any]] = []
        """The first state of each connection (a restarted app sends its whole state first)."""
        self.follower = Follower(lambda: f"http://{HOST}:{port}/", self._take, self._status, retry=0.05)
        self._fresh = False
        self.task = asyncio.ensure_future(self.follower.run())

    def _status(self, connected: bool) -> None:
        self._fresh = connected

    def _take(self, message: dict[str, Any]) -> None:
        self.state = message.get("state") or self.state
        self.messages += 1
        if self._fresh:
            self.first_after.append(self.state)
            self._fresh = False

    async def until(self, test: Any, what: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while not test(self.state):
            if time.monotonic() > deadline:
                raise SystemExit(f"the audience screen never saw {what}")
            await asyncio.sleep(0.05)

    async def stop(self) -> None:
        self.task.cancel()
        try:
            await self.task
        except asyncio.CancelledError:
            pass


async def open_vote_and_start_talk(app: AppInPty, audience: Audience) -> tuple[str, dict[str, Any]]:
    """The host's keys: Ada's scores, F2 (the vote), back, Brian's talk. The room code and the talk's schedule."""
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, app.wait_text, "Enter: put Brian on stage.")
    await audience.until(lambda s: bool(s), "the show")
    await loop.run_in_executor(None, app.press, "up")
    await loop.run_in_executor(None, app.wait_text, "Enter: enter the scores for Ada.")
    await loop.run_in_executor(None, app.press, "enter")
    await loop.run_in_executor(None, app.wait_text, "F2 opens the phones' vote on Ada")
    await loop.run_in_executor(None, app.press, "f2")
    await audience.until(lambda s: (s.get("vote") or {}).get("open"), "the vote open")
    code = audience.state["vote"]["code"]
    await loop.run_in_executor(None, app.press, "escape")
    await asyncio.sleep(0.5)
    await loop.run_in_executor(None, app.press, "down")
    await loop.run_in_executor(None, app.wait_text, "Enter: put Brian on stage.")
    await loop.run_in_executor(None, app.press, "enter")
    # The vote on Ada is still open: the host keeps it open for Brian's talk, so the room votes during a talk.
    await loop.run_in_executor(None, app.wait_text, "Phones are still voting on Ada")
    await loop.run_in_executor(None, app.press, "k")
    await audience.until(lambda s: (s.get("talk") or {}).get("presenter") == "Brian", "Brian's talk")
    return code, audience.state["talk"]["schedule"]


def slide_lateness(app: AppInPty, schedule: dict[str, Any], start: float, end: float) -> dict[str, Any]:
    """Each slide's lateness (ms) from its due time to its number on the host's terminal, idle and during the load."""
    first = float(schedule["started_at"]) + float(schedule["countdown"])
    period = float(schedule["seconds"]) / int(schedule["slides"])
    idle, loaded, missing = [], [], []
    for n in range(1, int(schedule["slides"]) + 1):
        due = first + (n - 1) * period
        if due > end:
            break
        seen = app.slide_seen.get(n)
        if seen is None:
            missing.append(n)
            continue
        (idle if due < start else loaded).append((seen - due) * 1000)
    f = lambda v: {"n": len(v), "p50": pct(v, 0.5), "max": max(v, default=float("nan"))}  # noqa: E731
    return {"idle": f(idle), "load": f(loaded), "missing": missing}


async def bad_votes(port: int, code: str) -> dict[str, str]:
    """One vote of each kind the app must refuse, sent by hand."""
    out: dict[str, str] = {}
    reader, writer = await asyncio.open_connection(HOST, port)
    try:
        _, headers, _ = await http(reader, writer, "GET", f"/vote?c={code}")
        cookie = cookie_of(headers)
        assert cookie
        phone, round_id, mac = cookie.split(".")
        cases = {
            "out of range (11)": (cookie, f"score=11&code={code}"),
            "malformed score": (cookie, f"score=lots&code={code}"),
            "no token": (None, f"score=5&code={code}"),
            "wrong room code": (cookie, "score=5&code=ZZZZ"),
            "forged token": (f"{phone}.{round_id}.{mac[:-4]}AAAA", f"score=5&code={code}"),
            "token edited to another round": (f"{phone}.0.{mac}", f"score=5&code={code}"),
        }
        for name, (token, body) in cases.items():
            status, _, data = await http(reader, writer, "POST", "/vote", token, body.encode(), accept_json=True)
            out[name] = f"{status} {json.loads(data)['reason']}"
        status, _, data = await http(
            reader,
            writer,
            "POST",
            "/vote",
            cookie,
            f"score=5&code={code}".encode(),
            accept_json=True,
            origin=f"http://{HOST}:{port + 1}",
        )
        out["from another page (another port's origin)"] = f"{status} {json.loads(data)['reason']}"
    finally:
        writer.close()
    return out


async def run_app(args: argparse.Namespace) -> dict[str, Any]:
    from battledecks.core.show import Show
    from battledecks.room.votes.store import votes_path_for
    from harness.building import present

    folder = Path(tempfile.mkdtemp(prefix="bd-votes-"))
    slides = IDLE_SLIDES + int(args.window / PERIOD) + 8
    event = build_voting_event(folder, slides=slides, period=PERIOD)
    show = Show.open(event)
    show.draw_all()
    present(show, "Ada")
    del show
    port = free_port()
    app = AppInPty(event, port, slides=slides).start()
    apps = [app]
    audience = Audience(port)
    try:
        await wait_port(port)
        code, schedule = await open_vote_and_start_talk(app, audience)
        first_slide = float(schedule["started_at"]) + float(schedule["countdown"])
        t0 = first_slide + IDLE_SLIDES * PERIOD + 0.5
        phones = make_phones(args)
        back = asyncio.Event() if args.kill_after is not None else None
        with no_gc():
            tasks = [
                asyncio.ensure_future(phone_run(p, port, code, t0, back, tries=2 if back is None else 4))
                for p in phones
            ]
            await asyncio.sleep(max(0.0, t0 - time.monotonic()))
            load_before, cpu, mine = load(), tree_cpu(app.proc.pid), own_cpu()
            kill: dict[str, Any] | None = None
            if args.kill_after is not None:
                while sum(len(p.acked) for p in phones) < args.kill_after and not all(t.done() for t in tasks):
                    await asyncio.sleep(0.005)
                killed_at = time.monotonic()
                cpu_killed = tree_cpu(app.proc.pid) - cpu
                app.kill()
                acked_before = {p.phone_id for p in phones if any(when < killed_at for _, when in p.acked)}
                in_db_at_kill = len(stored_votes(votes_path_for(event), 1))
                began = time.monotonic()
                app = AppInPty(event, port, slides=slides).start()
                apps.append(app)
                await wait_port(port)
                restart_s = time.monotonic() - began
                cpu = tree_cpu(app.proc.pid) - cpu_killed
                connections = len(audience.first_after)
                await audience.until(lambda s: len(audience.first_after) > connections, "the restarted app")
                restored = (audience.first_after[-1].get("vote") or {}).get("count")
                assert back is not None
                back.set()
                kill = {
                    "at_s": round(killed_at - t0, 2),
                    "restart_s": round(restart_s, 2),
                    "acked_before_kill": len(acked_before),
                    "in_db_at_kill": in_db_at_kill,
                    "count_after_restart": restored,
                }
            await asyncio.gather(*tasks)
        load_end = time.monotonic()
        out: dict[str, Any] = {
            "server": "the app (battledecks run --serve)",
            "load_s": round(load_end - t0, 2),
            "load_before": load_before,
            "load_after": load(),
            "server_cpu_s": round(tree_cpu(app.proc.pid) - cpu, 2),
            "phones_cpu_s": round(own_cpu() - mine, 2),
        }
        out.update(latency(phones))
        bad = await bad_votes(port, code)
        stored = stored_votes(votes_path_for(event), 1)
        acked_last = {p.phone_id: p.acked[-1][0] for p in phones if p.acked}
        out.update(
            {
                "in_db": len(stored),
                "lost": sum(1 for pid in acked_last if pid not in stored),
                "stale": sum(1 for pid, v in acked_last.items() if pid in stored and stored[pid] != v),
                "phones_without_vote": sum(1 for p in phones if not p.acked),
                "slides": slide_lateness(apps[0], schedule, t0, killed_at if kill else load_end),
                "audience_messages": audience.messages,
                "bad_votes": bad,
            }
        )
        if kill is not None:
            kill["lost"] = sum(1 for pid in acked_before if pid not in stored)
            out["kill"] = kill
        return out
    finally:
        await audience.stop()
        for a in apps:
            a.stop()
        shutil.rmtree(folder, ignore_errors=True)  # the event, its record, its decks and its vote database


def report(r: dict[str, Any]) -> None:
    f = lambda d: f"p50 {d['p50']:.1f} ms, p99 {d['p99']:.1f} ms, max {d['max']:.1f} ms"  # noqa: E731
    print(
        f"server: {r['server']}; the load took {r['load_s']} s ({r['load_before']} before, {r['load_after']} after); "
        f"server CPU {r['server_cpu_s']} s, the phones' CPU {r['phones_cpu_s']} s"
    )
    print(
        f"votes accepted: {r['accepted']} from {r['phones_counted']} phones"
        + (f"; in the database: {r['in_db']} phones" if "in_db" in r else "")
    )
    print(f"refused by reason: {r['refused'] or 'none'}; failed requests: {r['failed_requests']} {r['failures'] or ''}")
    if "lost" in r:
        print(
            f"lost (acknowledged, not in the database): {r['lost']}; stored value not the last acknowledged: {r['stale']}; "
            f"phones with no vote counted: {r['phones_without_vote']}"
        )
    print(f"page load: {f(r['page_ms'])}")
    print(f"vote (post to 'counted'): {f(r['vote_ms'])}")
    if "slides" in r:
        s = r["slides"]
        g = lambda d: f"{d['n']} slides, lateness p50 {d['p50']:.0f} ms, max {d['max']:.0f} ms"  # noqa: E731
        print(
            f"host's slides (due to on the terminal), before the load: {g(s['idle'])}; during: {g(s['load'])}"
            + (f"; never shown: {s['missing']}" if s["missing"] else "")
        )
        print(f"audience screen messages: {r['audience_messages']}")
    for name, answer in r.get("bad_votes", {}).items():
        print(f"  by hand, {name}: {answer}")
    if "kill" in r:
        k = r["kill"]
        print(
            f"SIGKILL {k['at_s']} s into the window, the app back in {k['restart_s']} s: {k['acked_before_kill']} phones' votes "
            f"acknowledged before the kill, {k['lost']} of them lost; the database held {k['in_db_at_kill']} phones' votes at the kill; "
            f"the restarted app's first count: {k['count_after_restart']} (phones arriving after it came back can add to it)"
        )


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "serve-bare":
        serve_bare(int(sys.argv[2]))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--phones", type=int, default=10_000)
    parser.add_argument("--window", type=float, default=10.0, help="seconds over which the phones arrive")
    parser.add_argument(
        "--kill-after",
        type=int,
        default=None,
        metavar="VOTES",
        help="SIGKILL the app once this many votes are acknowledged, and restart it",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--no-baseline", action="store_true", help="skip the bare aiohttp baseline")
    args = parser.parse_args()
    results: dict[str, Any] = {}
    print(f"{args.phones} phones in a {args.window:g} s window")
    if not args.no_baseline:
        print("== baseline: bare aiohttp, the same requests, nothing stored ==")
        results["baseline"] = run(
            run_bare(args)
        )  # the phones on uvloop: a cheaper load generator leaves the cores to the server
        report(results["baseline"])
        print()
    print("== the app: battledecks run EVENT --serve, the host on stage, an audience screen following ==")
    results["app"] = run(run_app(args))
    report(results["app"])
    if "baseline" in results:
        b, v = results["baseline"], results["app"]
        print()
        print(
            f"ratio to the baseline: vote p50 x{v['vote_ms']['p50'] / b['vote_ms']['p50']:.2f}, "
            f"p99 x{v['vote_ms']['p99'] / b['vote_ms']['p99']:.2f}; load time x{v['load_s'] / b['load_s']:.2f}; "
            f"server CPU x{v['server_cpu_s'] / b['server_cpu_s']:.2f}"
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
