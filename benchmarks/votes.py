"""Thousands of phones vote at once: nothing acknowledged is lost, answers come fast, the host's timers keep time.

Run: python benchmarks/votes.py [--phones 10000] [--window 10] [--commit group|each]
                                [--kill-at SECONDS] [--json FILE]

A vote server runs in its own process on 127.0.0.1 (the same aiohttp
application, vote store and /vote page as the app's show server), with a
timer firing every 0.25 s in its event loop the way the stage's slide timer
does, to show what the load does to the host's slide timing. Then N
simulated phones, each starting at a random moment of the window, open a
connection, load /vote (getting their cookie) and post one vote; one in ten
changes its mind and votes again. A follower long-polls /vote/state the
whole time, as open phones do. Phones speak HTTP/1.1 over raw asyncio
sockets, so the load generator is cheap enough to share the machine.

It prints votes accepted, refused by reason (a few bad votes of every kind
are sent by hand as well), lost (acknowledged but not in the database: the
goal is 0), p50/p99/max latency of the page and of the vote, and the timer's
lateness before and during the load.

--kill-at S kills the server with SIGKILL S seconds into the window and
starts it again at once; phones that got no answer try again once it is
back (as a person would press Vote again). It reports what the database
holds of the votes acknowledged before the kill.

--commit each commits every vote on its own (the slower alternative the
group commit is measured against).

Unless --no-baseline, the same load first runs against bare aiohttp (the
same page and a fixed answer, nothing checked or stored), and the vote
server's figures are also given as ratios to it: on a shared machine the
absolute figures say as much about the other processes as about the votes.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HOST = "127.0.0.1"
TIMER_PERIOD = 0.25


# --- the server (run in a child process) ---------------------------------------------


def serve(event: Path, port: int, timing_out: Path, mode: str) -> None:
    """A vote server on 127.0.0.1:port with a slide-like timer in its loop; writes the timer's lateness at exit.

    ``mode``: ``group`` or ``each`` (how votes are committed), or ``bare``: the
    baseline, aiohttp answering the same requests with the same page and a
    fixed JSON answer, storing nothing.
    """
    from aiohttp import web

    from battledecks.room.votes import RateLimit, Scale, VoteStore
    from battledecks.room.votes_web import VoteDesk, add_vote_routes, render_page

    store = VoteStore.for_event(event, Scale(1, 10), group=mode != "each", rate=RateLimit(rate=1, burst=5))
    desk = VoteDesk(store, "Battledecks! Benchmark")
    if store.open_round is None:
        desk.open("Ada Lovelace")
    page = render_page(desk, code=store.code)
    answer = json.dumps({"ok": True, "message": "Your vote counted: 5 for Ada Lovelace.", "reason": None, "state": desk.state()})

    async def bare_page(request: web.Request) -> web.Response:
        response = web.Response(text=page, content_type="text/html")
        response.set_cookie("bdvote", store.token(), httponly=True, samesite="Lax", path="/vote")
        return response

    async def bare_vote(request: web.Request) -> web.Response:
        await request.post()
        return web.Response(text=answer, content_type="application/json")

    async def bare_state(request: web.Request) -> web.Response:
        await desk.wait(int(request.query.get("since", "-1")), 25)
        return web.json_response(desk.state())

    def bare_routes(app: web.Application) -> None:
        app.router.add_get("/vote", bare_page)
        app.router.add_post("/vote", bare_vote)
        app.router.add_get("/vote/state", bare_state)
    lateness: list[tuple[float, float]] = []

    async def timer() -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + TIMER_PERIOD
        while True:
            fired = asyncio.Event()
            loop.call_at(deadline, fired.set)
            await fired.wait()
            now = loop.time()
            lateness.append((time.time(), (now - deadline) * 1000))
            deadline += TIMER_PERIOD
            if deadline < now:
                deadline = now + TIMER_PERIOD

    async def main() -> None:
        app = web.Application(client_max_size=64 * 1024)
        if mode == "bare":
            bare_routes(app)
        else:
            add_vote_routes(app, desk)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, HOST, port, backlog=4096, reuse_address=True)
        await site.start()
        ticking = asyncio.ensure_future(timer())
        stop = asyncio.Event()
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
        print(f"ready {store.code}", flush=True)
        await stop.wait()
        ticking.cancel()
        await runner.cleanup()

    profile = None
    if os.environ.get("BATTLEDECKS_PROFILE"):
        import cProfile

        profile = cProfile.Profile()
        profile.enable()
    asyncio.run(main())
    if profile is not None:
        profile.disable()
        profile.dump_stats(os.environ["BATTLEDECKS_PROFILE"])
    store.close()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    timing_out.write_text(json.dumps({"lateness": lateness, "refused": store.refusals(), "cpu_s": usage.ru_utime + usage.ru_stime}))


# --- phones ---------------------------------------------------------------------------


class HttpError(Exception):
    pass


async def http(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, method: str, path: str,
               cookie: str | None = None, body: bytes = b"", accept_json: bool = False) -> tuple[int, dict[str, str], bytes]:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}", "User-Agent: phone"]
    if cookie:
        lines.append(f"Cookie: bdvote={cookie}")
    if accept_json:
        lines.append("Accept: application/json")
    if body:
        lines += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
    head = await reader.readuntil(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    status = int(status_line.split()[1])
    headers: dict[str, str] = {}
    for line in header_lines:
        if ":" in line:
            k, v = line.split(":", 1)
            k = k.strip().lower()
            headers[k] = (headers[k] + "\n" + v.strip()) if k in headers else v.strip()
    data = await reader.readexactly(int(headers.get("content-length", "0")))
    return status, headers, data


def cookie_of(headers: dict[str, str]) -> str | None:
    for line in headers.get("set-cookie", "").split("\n"):
        if line.startswith("bdvote="):
            return line.split(";", 1)[0][len("bdvote="):]
    return None


@dataclass
class Phone:
    start: float
    value: int
    second: int | None
    page_ms: float | None = None
    vote_ms: list[float] = field(default_factory=list)
    acked: list[tuple[int, float]] = field(default_factory=list)
    """(value, when) for each vote the server said was counted."""
    refused: list[str] = field(default_factory=list)
    failed: int = 0
    phone_id: str | None = None


async def phone_run(p: Phone, port: int, code: str, t0: float, back: asyncio.Event) -> None:
    await asyncio.sleep(max(0.0, t0 + p.start - time.perf_counter()))
    for attempt in range(2):
        try:
            reader, writer = await asyncio.open_connection(HOST, port)
            try:
                began = time.perf_counter()
                status, headers, _ = await http(reader, writer, "GET", f"/vote?c={code}")
                p.page_ms = (time.perf_counter() - began) * 1000
                cookie = cookie_of(headers)
                p.phone_id = cookie.split(".")[0] if cookie else None
                for value in [p.value] + ([p.second] if p.second is not None else []):
                    body = f"score={value}&code={code}".encode()
                    began = time.perf_counter()
                    status, headers, data = await http(reader, writer, "POST", "/vote", cookie, body, accept_json=True)
                    p.vote_ms.append((time.perf_counter() - began) * 1000)
                    answer = json.loads(data)
                    if answer["ok"]:
                        p.acked.append((value, time.perf_counter()))
                    else:
                        p.refused.append(answer["reason"])
                return
            finally:
                writer.close()
        except (OSError, asyncio.IncompleteReadError, ValueError):
            p.failed += 1
            if attempt == 0:
                await back.wait()


async def follower(port: int, stop: asyncio.Event, seen: list[int]) -> None:
    """An open phone page: long polls /vote/state the whole time."""
    version = -1
    while not stop.is_set():
        try:
            reader, writer = await asyncio.open_connection(HOST, port)
            try:
                while not stop.is_set():
                    task = asyncio.ensure_future(http(reader, writer, "GET", f"/vote/state?since={version}", accept_json=True))
                    done, _ = await asyncio.wait({task, asyncio.ensure_future(stop.wait())}, return_when=asyncio.FIRST_COMPLETED)
                    if task not in done:
                        task.cancel()
                        return
                    status, _, data = task.result()
                    version = json.loads(data)["version"]
                    seen.append(version)
            finally:
                writer.close()
        except (OSError, asyncio.IncompleteReadError):
            await asyncio.sleep(0.1)


async def bad_votes(port: int, code: str) -> dict[str, str]:
    """One vote of each kind the server must refuse, sent by hand."""
    out: dict[str, str] = {}
    reader, writer = await asyncio.open_connection(HOST, port)
    try:
        _, headers, _ = await http(reader, writer, "GET", f"/vote?c={code}")
        cookie = cookie_of(headers)
        assert cookie
        phone, round_id, mac = cookie.split(".")
        cases = {
            "out of range (11)": (cookie, f"score=11&code={code}"),
            "off the step (5.5)": (cookie, f"score=5.5&code={code}"),
            "malformed score": (cookie, f"score=lots&code={code}"),
            "no token": (None, f"score=5&code={code}"),
            "wrong room code": (cookie, "score=5&code=ZZZZ"),
            "forged token": (f"{phone}.{round_id}.{mac[:-4]}AAAA", f"score=5&code={code}"),
            "token edited to another round": (f"{phone}.0.{mac}", f"score=5&code={code}"),
        }
        for name, (token, body) in cases.items():
            status, _, data = await http(reader, writer, "POST", "/vote", token, body.encode(), accept_json=True)
            out[name] = f"{status} {json.loads(data)['reason']}"
    finally:
        writer.close()
    return out


# --- the run ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def start_server(event: Path, port: int, timing: Path, mode: str) -> tuple[subprocess.Popen[str], str]:
    with open(event.with_name("server.log"), "a") as log:
        proc = subprocess.Popen(
            [sys.executable, __file__, "serve", str(event), str(port), str(timing), mode],
            stdout=subprocess.PIPE, stderr=log, text=True,
        )
    assert proc.stdout is not None
    line = proc.stdout.readline().split()
    if not line or line[0] != "ready":
        proc.kill()
        raise SystemExit("the vote server did not start")
    return proc, line[1]


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def run(args: argparse.Namespace, mode: str) -> dict[str, object]:
    servers: list[subprocess.Popen[str]] = []
    try:
        return await _run(args, mode, servers)
    finally:
        for proc in servers:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


async def _run(args: argparse.Namespace, mode: str, servers: list[subprocess.Popen[str]]) -> dict[str, object]:
    folder = Path(tempfile.mkdtemp(prefix="bd-votes-"))
    event = folder / "bench.yaml"
    port = free_port()
    timing = folder / "timing.json"
    proc, code = start_server(event, port, timing, mode)
    servers.append(proc)
    rng = random.Random(args.seed)
    phones = [
        Phone(rng.uniform(0, args.window), rng.randint(1, 10), rng.randint(1, 10) if rng.random() < 0.1 else None)
        for _ in range(args.phones)
    ]
    stop, back = asyncio.Event(), asyncio.Event()
    seen: list[int] = []
    follow = asyncio.ensure_future(follower(port, stop, seen))
    await asyncio.sleep(args.idle)  # the timer's baseline, with no load
    load_start = time.time()
    t0 = time.perf_counter()
    tasks = [asyncio.ensure_future(phone_run(p, port, code, t0, back)) for p in phones]
    killed_at = None
    restart_s = None
    if args.kill_at is not None and mode != "bare":
        await asyncio.sleep(args.kill_at)
        killed_at = time.perf_counter()
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        began = time.perf_counter()
        timing = folder / "timing-after-restart.json"  # the killed server wrote nothing
        proc, code2 = await asyncio.get_running_loop().run_in_executor(None, start_server, event, port, timing, mode)
        restart_s = time.perf_counter() - began
        servers.append(proc)
        assert code2 == code, "the room code survives a restart"
        back.set()
    await asyncio.gather(*tasks)
    load_s = time.perf_counter() - t0
    load_end = time.time()
    bad = await bad_votes(port, code) if mode != "bare" else {}
    stop.set()
    await follow
    proc.send_signal(signal.SIGTERM)
    proc.wait(30)

    # What the database holds.
    with sqlite3.connect(event.with_name("bench.votes.sqlite")) as db:
        stored = dict(db.execute("SELECT phone, value FROM votes WHERE round = 1").fetchall())
    acked_last = {p.phone_id: p.acked[-1][0] for p in phones if p.acked}
    lost = [pid for pid, v in acked_last.items() if pid not in stored]
    changed_lost = [pid for pid, v in acked_last.items() if pid in stored and stored[pid] != v]
    if killed_at is not None:
        acked_before = {p.phone_id for p in phones if any(when < killed_at for _, when in p.acked)}
        lost_in_kill = [pid for pid in acked_before if pid not in stored]
    refused: dict[str, int] = {}
    for p in phones:
        for r in p.refused:
            refused[r] = refused.get(r, 0) + 1
    page = [p.page_ms for p in phones if p.page_ms is not None]
    vote = [ms for p in phones for ms in p.vote_ms]
    served = json.loads(timing.read_text())
    lateness = served["lateness"]
    idle = [ms for at, ms in lateness if at < load_start]
    during = [ms for at, ms in lateness if load_start <= at <= load_end]

    out: dict[str, object] = {
        "phones": args.phones, "window_s": args.window, "server": mode, "load_s": round(load_s, 2),
        "server_cpu_s": round(served["cpu_s"], 2),
        "accepted": sum(len(p.acked) for p in phones),
        "phones_counted": len(acked_last),
        "in_db": len(stored),
        "refused": refused,
        "failed_requests": sum(p.failed for p in phones),
        "phones_without_vote": sum(1 for p in phones if not p.acked),
        "lost": len(lost),
        "stale": len(changed_lost),
        "page_ms": {"p50": pct(page, .5), "p99": pct(page, .99), "max": max(page, default=float("nan"))},
        "vote_ms": {"p50": pct(vote, .5), "p99": pct(vote, .99), "max": max(vote, default=float("nan"))},
        "timer_late_ms": {
            "idle": {"p50": pct(idle, .5), "p99": pct(idle, .99), "max": max(idle, default=float("nan")), "n": len(idle)},
            "load": {"p50": pct(during, .5), "p99": pct(during, .99), "max": max(during, default=float("nan")), "n": len(during)},
        },
        "follower_updates": len(seen),
        "bad_votes": bad,
    }
    if killed_at is not None:
        out["kill"] = {"at_s": args.kill_at, "restart_s": round(restart_s or 0, 2), "acked_before_kill": len(acked_before),
                       "lost": len(lost_in_kill)}
    return out


def report(r: dict[str, object]) -> None:
    f = lambda d: f"p50 {d['p50']:.1f} ms, p99 {d['p99']:.1f} ms, max {d['max']:.1f} ms"  # noqa: E731
    print(f"phones: {r['phones']} in a {r['window_s']} s window, server: {r['server']}; the load took {r['load_s']} s, "
          f"server CPU {r['server_cpu_s']} s")
    print(f"votes accepted: {r['accepted']} from {r['phones_counted']} phones; in the database: {r['in_db']} phones")
    print(f"refused by reason: {r['refused'] or 'none'}")
    print(f"phones with no vote counted: {r['phones_without_vote']}; failed requests: {r['failed_requests']}")
    if r["server"] == "bare":
        print("lost: not measured (the baseline stores nothing)")
    else:
        print(f"lost (acknowledged, not in the database): {r['lost']}; stored value not the last acknowledged: {r['stale']}")
    print(f"page load: {f(r['page_ms'])}")
    print(f"vote (post to 'counted'): {f(r['vote_ms'])}")
    t = r["timer_late_ms"]
    print(f"host's 0.25 s timer lateness idle ({t['idle']['n']} ticks): {f(t['idle'])}")
    print(f"host's 0.25 s timer lateness under load ({t['load']['n']} ticks): {f(t['load'])}")
    print(f"follower long-poll answers: {r['follower_updates']}")
    for name, answer in r["bad_votes"].items():  # type: ignore[union-attr]
        print(f"  by hand, {name}: {answer}")
    if "kill" in r:
        k = r["kill"]
        print(f"kill at {k['at_s']} s, back in {k['restart_s']} s: {k['acked_before_kill']} votes acknowledged before the kill, {k['lost']} of them lost")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "serve":
        serve(Path(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4]), sys.argv[5])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--phones", type=int, default=10_000)
    parser.add_argument("--window", type=float, default=10.0, help="seconds over which the phones arrive")
    parser.add_argument("--commit", choices=("group", "each"), default="group")
    parser.add_argument("--kill-at", type=float, default=None, help="kill and restart the server this many seconds in")
    parser.add_argument("--idle", type=float, default=2.0, help="seconds of timer baseline before the load")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--no-baseline", action="store_true", help="skip the bare aiohttp baseline run")
    args = parser.parse_args()
    results = {}
    if not args.no_baseline:
        print("== baseline: bare aiohttp, same requests, nothing stored ==")
        results["baseline"] = asyncio.run(run(args, "bare"))
        report(results["baseline"])
        print()
    print(f"== votes: {args.commit} commit ==")
    results["votes"] = asyncio.run(run(args, args.commit))
    report(results["votes"])
    if "baseline" in results:
        b, v = results["baseline"], results["votes"]
        print()
        print(f"ratio to the baseline: vote p50 x{v['vote_ms']['p50'] / b['vote_ms']['p50']:.2f}, "
              f"p99 x{v['vote_ms']['p99'] / b['vote_ms']['p99']:.2f}; server CPU x{v['server_cpu_s'] / b['server_cpu_s']:.2f}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
