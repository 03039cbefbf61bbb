"""A hostile room against the running app: whatever strangers do to the port, the show keeps time.

Run: python benchmarks/hostile_room.py [--seconds 60] [--attacks stage-heads,vote-heads,...]
                                       [--phones 200] [--baseline-each] [--json FILE]

The app runs for real: ``battledecks run EVENT --serve 127.0.0.1:PORT`` under
``ulimit -n 1024`` (soft and hard: the app cannot raise it), in a
pseudo-terminal of its own (80x24, half-cell slides; every byte it writes is
read and time-stamped here, so the host's slide lateness is measured in the
host's own terminal, as benchmarks/votes.py does). The host's keys open the
phones' vote on the first presenter and start the second's talk (two slides a
second). A few slides in, one attack runs for --seconds (default 60) from a
process of its own, past the talk's Time! (so its end is written to the
record under attack), then stops by itself; meanwhile --phones legitimate
phones (each from its own loopback address) load /vote and vote, at random
moments of the attack, and a projector follows /events as ``battledecks
screen`` does, from the host's own machine. The attacks, in turn, after a run
without one (the baseline):

- ``stage-heads``: 2,000 connections sending a request head for /stage by
  halves (``GET /st``, then a header line every 5 s), reconnecting when closed;
- ``vote-heads``: the same, 2,000 of them to /vote;
- ``idle-events``: 2,000 /events streams held open and never used, reconnecting
  a second after a refusal;
- ``cookie-flood``: 8 connections asking /vote/state for a fresh token and
  voting with it, as fast as they can, without ever keeping a cookie;
- ``malformed``: 64 connections sending broken requests (garbage, TLS, huge or
  endless header lines, bad lengths, bad chunks, NUL bytes...), each the next
  one as soon as the server answers or closes.

Half of each attack's connections come from one address (127.9.9.9), half
from as many addresses of 127.0.0.0/8 (127.1.0.1 on). The attacker's process
runs at nice 10, as machines of their own would not take the host's cores
(and so as any other busy process on a shared machine).

With --baseline-each a run without attack comes before every attack, and
each attack is set against its own (on a busy machine the load drifts
between runs). For each attack it prints: the host's slide lateness during the attack (p50
/ p99 / max) and its p99 against the baseline's; whether every record entry
was saved (the vote opened, the talk's start and its end at Time!, all on
disk, and no "not saved" on the console); the projector's longest time
without the show; the phones' votes accepted and their p99; and the
connections the attacker opened, how many the server closed (at once, or
after how long), how many it answered and how many were still open at the
end; and the CPU the app used during the attack (its main thread: the host's
screen and slide timer; its other threads: the room server's among them; its
vote processes), a figure the machine's load stretches less than lateness. Targets: slide lateness p99 within 50 ms of the baseline, 0 record
entries lost, the projector never without the show for more than 2 s, the
phones' vote p99 under 500 ms, half-sent heads closed within 10 s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from hosting import (  # noqa: E402
    HOST,
    AppInPty,
    Phone,
    Projector,
    app_cpu,
    build_voting_event,
    cookie_in,
    first_talk_given,
    free_port,
    load,
    open_vote_and_start_talk,
    pct,
    phone_run,
    slide_lateness,
    vote_request,
    wait_port,
)

ATTACKS = ("stage-heads", "vote-heads", "idle-events", "cookie-flood", "malformed")
PERIOD = 0.5
"""Seconds a slide: two samples of the host's lateness a second."""
IDLE_SLIDES = 4
"""Slides of the talk shown before the attack starts."""
AFTER_TIME = 3.0
"""Seconds the attack goes on after the talk's Time!: its end is written to the record under attack."""
OPEN_FILES = 1024
"""The app's open-file limit, soft and hard, as ``ulimit -n 1024`` sets it."""
ONE_ADDRESS = "127.9.9.9"
SLOTS = 2000
"""Connections held at once by the attacks on heads and streams."""
FLOODERS = 8
"""Connections of the cookie-dropping flood (one laptop's worth)."""
MALFORMERS = 64
"""Connections of the malformed flood: broken requests that the server gives up on only at a deadline keep
a connection each for seconds, so it takes many to keep up a flood."""
MOST_CONNECTIONS = 200_000
"""Connections one attack opens at most, however long it runs."""
HEAD_LINE_EVERY = 5.0
LIMIT_NOTE = 20.0
"""Seconds the console's note about the open-file limit stays up."""


def stranger(n: int) -> str:
    """The ``n``-th address of the spread half (127.1.0.1 on)."""
    n += 1
    return f"127.{1 + n // 65024}.{n // 254 % 256}.{1 + n % 254}"


def source_of(slot: int) -> str:
    return ONE_ADDRESS if slot % 2 == 0 else stranger(slot)


# --- the attacker (a process of its own) -----------------------------------------------------------------


class Tally:
    """What the attacker saw of the server: when it closed each connection, what it answered."""

    def __init__(self, began: float) -> None:
        self.began = began
        self.opened = 0
        self.connect_failed = 0
        self.closed_after: list[float] = []
        """Seconds from connecting to the server closing the connection."""
        self.closed_at: list[float] = []
        """Seconds into the attack when the server closed a connection."""
        self.answers: Counter[str] = Counter()
        self.open_at_end: list[float] = []
        """Ages (s) of the connections still open when the attack stopped."""
        self.requests = 0
        self.accepted = 0

    def closed(self, opened: float) -> None:
        now = time.monotonic()
        self.closed_after.append(now - opened)
        self.closed_at.append(now - self.began)

    def summary(self) -> dict[str, Any]:
        after = self.closed_after
        buckets = Counter(min(int(at // 5) * 5, 10_000) for at in self.closed_at)
        return {
            "opened": self.opened,
            "connect_failed": self.connect_failed,
            "closed_by_server": len(after),
            "closed_at_once": sum(1 for a in after if a < 0.1),
            "closed_after_p50": pct(after, 0.5),
            "closed_after_p99": pct(after, 0.99),
            "closed_after_max": max(after, default=float("nan")),
            "closed_per_5s": dict(sorted(buckets.items())),
            "answers": dict(self.answers),
            "open_at_end": len(self.open_at_end),
            "open_at_end_over_10s": sum(1 for a in self.open_at_end if a > 10),
            "requests": self.requests,
            "accepted_votes": self.accepted,
        }


async def _read_until_closed(reader: asyncio.StreamReader, deadline: float) -> bool:
    """Read and drop until the server closes (True) or ``deadline`` (False)."""
    try:
        async with asyncio.timeout(max(0.0, deadline - time.monotonic())):
            while await reader.read(65536):
                pass
    except TimeoutError:
        return False
    except OSError:
        pass
    return True


async def _connect(source: str, port: int, tally: Tally) -> tuple[asyncio.StreamReader, asyncio.StreamWriter] | None:
    if tally.opened >= MOST_CONNECTIONS:
        return None
    tally.opened += 1
    try:
        return await asyncio.wait_for(asyncio.open_connection(HOST, port, local_addr=(source, 0)), 5)
    except (OSError, TimeoutError):
        tally.connect_failed += 1
        return None


async def half_sent_heads(slot: int, port: int, first: bytes, end: float, tally: Tally) -> None:
    """One slot: a head sent by halves, a header line every few seconds; again when the server closes it."""
    while time.monotonic() < end:
        pair = await _connect(source_of(slot), port, tally)
        if pair is None:
            await asyncio.sleep(1.0)
            continue
        reader, writer = pair
        opened = time.monotonic()
        writer.write(first)
        n = 0
        while True:
            line_due = min(end, time.monotonic() + HEAD_LINE_EVERY)
            if await _read_until_closed(reader, line_due):
                tally.closed(opened)
                break
            if time.monotonic() >= end:
                tally.open_at_end.append(time.monotonic() - opened)
                break
            n += 1
            writer.write(f"X-Slow-{n}: {'y' * 20}\r\n".encode())
        writer.close()
        await asyncio.sleep(0.1)


async def idle_stream(slot: int, port: int, end: float, tally: Tally) -> None:
    """One slot: an /events stream held and never used; a second after a refusal, again."""
    while time.monotonic() < end:
        pair = await _connect(source_of(slot), port, tally)
        if pair is None:
            await asyncio.sleep(1.0)
            continue
        reader, writer = pair
        opened = time.monotonic()
        writer.write(f"GET /events HTTP/1.1\r\nHost: {HOST}:{port}\r\nAccept: text/event-stream\r\n\r\n".encode())
        try:
            async with asyncio.timeout(max(0.1, end - time.monotonic())):
                line = await reader.readline()
        except (TimeoutError, OSError):
            line = b""
        status = line.split()[1].decode() if len(line.split()) > 1 else "closed"
        tally.answers[status] += 1
        if await _read_until_closed(reader, end if status == "200" else min(end, time.monotonic() + 0.2)):
            tally.closed(opened)
        elif time.monotonic() >= end:
            tally.open_at_end.append(time.monotonic() - opened)
        writer.close()
        await asyncio.sleep(1.0)


async def cookie_flood(slot: int, port: int, code: str, end: float, tally: Tally) -> None:
    """One connection asking for a fresh token and voting with it, again and again, never keeping a cookie."""
    rng = random.Random(slot)
    while time.monotonic() < end:
        pair = await _connect(source_of(slot), port, tally)
        if pair is None:
            await asyncio.sleep(0.5)
            continue
        reader, writer = pair
        opened = time.monotonic()
        try:
            while time.monotonic() < end:
                status, head, _ = await _request(
                    reader, writer, f"GET /vote/state HTTP/1.1\r\nHost: {HOST}:{port}\r\n\r\n".encode()
                )
                tally.requests += 1
                tally.answers[str(status)] += 1
                cookie = cookie_in(head)
                status, _, body = await _request(reader, writer, vote_request(port, code, cookie, rng.randint(1, 10)))
                tally.requests += 1
                tally.answers[str(status)] += 1
                try:
                    tally.accepted += bool(json.loads(body).get("ok"))
                except ValueError:
                    pass
                if "connection: close" in head.lower():
                    break
            else:
                tally.open_at_end.append(time.monotonic() - opened)
        except (OSError, asyncio.IncompleteReadError, ValueError, TimeoutError):
            tally.closed(opened)
        writer.close()


async def _request(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, data: bytes) -> tuple[int, str, bytes]:
    writer.write(data)
    async with asyncio.timeout(10):
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
        length = 0
        for line in head.split("\r\n"):
            if line.lower().startswith("content-length:"):
                length = int(line.split(":", 1)[1])
        body = await reader.readexactly(length)
    return int(head.split(" ", 2)[1]), head, body


def malformed_requests(port: int) -> list[bytes]:
    host = f"Host: {HOST}:{port}\r\n"
    return [
        os.urandom(300),
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + os.urandom(200),  # a TLS hello
        b"GET / HTTP/9.9\r\n" + host.encode() + b"\r\n",
        b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\n\r\n",
        b"GET /stage HTTP/1.1\r\n" + b"".join(f"X-{n}: {n}\r\n".encode() for n in range(100)) + b"\r\n",
        b"GET /stage HTTP/1.1\r\nX-Long: " + b"z" * 20_000 + b"\r\n\r\n",
        b"G\x00T /stage HTTP/1.1\r\n\r\n",
        b"POST /vote HTTP/1.1\r\n" + host.encode() + b"Content-Length: -1\r\n\r\n",
        b"POST /vote HTTP/1.1\r\n" + host.encode() + b"Transfer-Encoding: chunked\r\n\r\nzz\r\nscore=5\r\n0\r\n\r\n",
        b"POST /vote HTTP/1.1\r\n"
        + host.encode()
        + b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        b"POST /vote HTTP/1.1\r\n" + host.encode() + b"Content-Length: 99999999\r\n\r\nscore=5",
        b"GET /events HTTP/1.1\r\n" + host.encode() + b"Host: evil\r\n\r\n",
        b"GET /vote/%zz%00/../../etc/passwd HTTP/1.1\r\n" + host.encode() + b"\r\n",
        b"GET /slides/../../../etc/passwd/1 HTTP/1.1\r\n" + host.encode() + b"\r\n",
        b"\r\n\r\n\r\n",
        b"GET /stage\r\n",  # HTTP/0.9 style, no end
    ]


async def malformed_flood(slot: int, port: int, end: float, tally: Tally) -> None:
    """One connection after another, each with a broken request, as fast as the server answers or closes."""
    requests = malformed_requests(port)
    rng = random.Random(slot)
    while time.monotonic() < end:
        pair = await _connect(source_of(slot), port, tally)
        if pair is None:
            await asyncio.sleep(0.5)
            continue
        reader, writer = pair
        opened = time.monotonic()
        writer.write(rng.choice(requests))
        tally.requests += 1
        try:
            async with asyncio.timeout(min(12.0, max(0.1, end - time.monotonic()))):
                line = await reader.readline()
        except (TimeoutError, OSError):
            line = b""
        status = line.split()[1].decode("latin-1") if len(line.split()) > 1 else "none"
        tally.answers[status] += 1
        if status != "none":
            pass  # answered: the next broken request at once, on a new connection
        elif await _read_until_closed(reader, min(end, time.monotonic() + 12)):
            tally.closed(opened)  # never answered: how long until the server gave up on it
        else:
            tally.open_at_end.append(time.monotonic() - opened)
        writer.close()


async def attack(kind: str, port: int, code: str, start: float, seconds: float, out: Path) -> None:
    await asyncio.sleep(max(0.0, start - time.monotonic()))
    end = start + seconds
    tally = Tally(start)
    if kind == "stage-heads":
        work = [half_sent_heads(n, port, b"GET /st", end, tally) for n in range(SLOTS)]
    elif kind == "vote-heads":
        work = [
            half_sent_heads(n, port, f"GET /vote?c={code} HTTP/1.1\r\nHost: {HOST}:{port}\r\n".encode(), end, tally)
            for n in range(SLOTS)
        ]
    elif kind == "idle-events":
        work = [idle_stream(n, port, end, tally) for n in range(SLOTS)]
    elif kind == "cookie-flood":
        work = [cookie_flood(n, port, code, end, tally) for n in range(FLOODERS)]
    elif kind == "malformed":
        work = [malformed_flood(n, port, end, tally) for n in range(MALFORMERS)]
    else:
        raise SystemExit(f"no attack {kind!r}")
    await asyncio.wait_for(asyncio.gather(*work), seconds + 30)  # stops by itself
    out.write_text(json.dumps(tally.summary()))


# --- one run -----------------------------------------------------------------------------------------


async def run_one(kind: str, args: argparse.Namespace) -> dict[str, Any]:
    from battledecks.core.event import record_path_for

    folder = Path(tempfile.mkdtemp(prefix="bd-hostile-"))
    slides = max(IDLE_SLIDES + 2, math.ceil((IDLE_SLIDES * PERIOD + 0.5 + args.seconds - AFTER_TIME) / PERIOD))
    event = build_voting_event(folder, slides=slides, period=PERIOD)
    first_talk_given(event)
    port = free_port()
    app = AppInPty(event, port, slides=slides, open_files=(OPEN_FILES, OPEN_FILES)).start()
    room = Projector(port)
    attacker: subprocess.Popen[bytes] | None = None
    out = folder / "attack.json"
    try:
        await wait_port(port)
        # The console says the open-file limit stays low (a note of 20 s over the stage's corner, where the
        # slide number is): the talk starts once it has gone, as a host would have read it first.
        if await asyncio.to_thread(app.shows, "Open files", 15):
            await asyncio.sleep(LIMIT_NOTE)
        code, schedule = await open_vote_and_start_talk(app, room)
        first = float(schedule["started_at"]) + float(schedule["countdown"])
        t0 = first + IDLE_SLIDES * PERIOD + 0.5
        t1 = t0 + args.seconds
        talk_end = first + slides * PERIOD  # Time!, a few seconds before the attack ends
        load_before = load()
        if kind != "none":
            attacker = subprocess.Popen(
                [
                    "nice",
                    "-n",
                    "10",
                    sys.executable,
                    __file__,
                    "--as-attacker",
                    kind,
                    str(port),
                    code,
                    repr(t0),
                    repr(args.seconds),
                    str(out),
                ],
            )
        assert app.proc is not None
        await asyncio.sleep(max(0.0, t0 - time.monotonic()))
        cpu_before = app_cpu(app.proc.pid)
        rng = random.Random(args.seed)
        phones = [
            Phone(rng.uniform(0, args.seconds), rng.randint(1, 10), source=f"127.200.{n // 250}.{1 + n % 250}")
            for n in range(args.phones)
        ]
        await asyncio.gather(*(phone_run(p, port, code, t0) for p in phones))
        await asyncio.sleep(max(0.0, t1 - time.monotonic()))
        cpu_after = app_cpu(app.proc.pid)
        if attacker is not None:
            await asyncio.to_thread(attacker.wait, 60)
        await asyncio.sleep(1.0)  # the app's record as the attack left it
        load_after = load()
        entries = _record_entries(record_path_for(event))
        wanted = {("vote-open", "Ada"), ("talk-start", "Brian"), ("talk-end", "Brian")}
        saved = {(e.get("kind"), e.get("presenter")) for e in entries}
        vote = [ms for p in phones for ms in p.vote_ms]
        result: dict[str, Any] = {
            "attack": kind,
            "load_before": load_before,
            "load_after": load_after,
            "slides": slide_lateness(app, schedule, t0, talk_end),
            "cpu_s": {part: round(cpu_after[part] - cpu_before[part], 2) for part in cpu_after},
            "record_lost": sorted(f"{k} {p}" for k, p in wanted - saved),
            "console_file_errors": len(app.everything),
            "projector_gap_s": room.longest_gap(t0, t1),
            "phones": len(phones),
            "phones_accepted": sum(1 for p in phones if p.acked),
            "phones_refused": dict(Counter(r for p in phones for r in p.refused)),
            "phones_failed": dict(Counter(e for p in phones for e in p.errors)),
            "vote_p50_ms": pct(vote, 0.5),
            "vote_p99_ms": pct(vote, 0.99),
            "vote_max_ms": max(vote, default=float("nan")),
        }
        if attacker is not None:
            result["attacker"] = (
                json.loads(out.read_text()) if out.exists() else {"error": "the attacker wrote nothing"}
            )
        return result
    finally:
        if attacker is not None and attacker.poll() is None:
            attacker.kill()
            attacker.wait()
        await room.stop()
        app.stop()
        shutil.rmtree(folder, ignore_errors=True)


def _record_entries(path: Path) -> list[dict[str, Any]]:
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return []
    entries = data.get("log") if isinstance(data, dict) else None
    return [e for e in entries or [] if isinstance(e, dict)]


# --- the report ------------------------------------------------------------------------------------------


def report(results: list[dict[str, Any]]) -> None:
    base: dict[str, Any] | None = None
    print()
    print(
        "| attack | slide lateness p50 / p99 / max (ms) | p99 vs none | record lost | projector longest gap | "
        "phones voted, vote p99 | attacker: opened / closed by server (at once) / closed after p50, max / open at end | "
        "app CPU: host's thread / other threads / vote processes | load after |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for r in results:
        s = r["slides"]
        if r["attack"] == "none":
            base = r  # each attack is set against the run without attack before it
        delta = f"{s['p99'] - base['slides']['p99']:+.0f} ms" if base is not None and r is not base else "-"
        lost = (
            "0"
            if not r["record_lost"] and not r["console_file_errors"]
            else f"{r['record_lost']} {r['console_file_errors']} errors"
        )
        a = r.get("attacker")
        if a is None:
            attack = "-"
        elif "error" in a:
            attack = a["error"]
        else:
            attack = (
                f"{a['opened']} / {a['closed_by_server']} ({a['closed_at_once']}) / {a['closed_after_p50']:.1f} s, "
                f"{a['closed_after_max']:.1f} s / {a['open_at_end']}"
            )
        print(
            f"| {r['attack']} | {s['p50']:.0f} / {s['p99']:.0f} / {s['max']:.0f} | {delta} | {lost} | {r['projector_gap_s']:.2f} s | "
            f"{r['phones_accepted']}/{r['phones']}, {r['vote_p99_ms']:.0f} ms | {attack} | "
            f"{r['cpu_s']['main']:.1f} / {r['cpu_s']['threads']:.1f} / {r['cpu_s']['vote_processes']:.1f} s | {r['load_after'].split(' ', 2)[2]} |"
        )
    print()
    for r in results:
        a = r.get("attacker") or {}
        print(
            f"{r['attack']}: slides missing {r['slides']['missing'] or 'none'}; phones refused {r['phones_refused'] or 'none'}, "
            f"failed {r['phones_failed'] or 'none'}; vote p50 {r['vote_p50_ms']:.0f} ms, max {r['vote_max_ms']:.0f} ms"
            + (
                f"; attacker answers {a.get('answers')}, requests {a.get('requests')}, votes accepted {a.get('accepted_votes')}, "
                f"closed per 5 s {a.get('closed_per_5s')}, connect failures {a.get('connect_failed')}, "
                f"open at end over 10 s {a.get('open_at_end_over_10s')}"
                if a
                else ""
            )
        )


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--as-attacker":
        kind, port, code, start, seconds, out = sys.argv[2:8]
        asyncio.run(attack(kind, int(port), code, float(start), float(seconds), Path(out)))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="how long each attack lasts (default 60)")
    parser.add_argument(
        "--attacks", default=",".join(ATTACKS), help=f"which attacks, in turn (default all: {','.join(ATTACKS)})"
    )
    parser.add_argument(
        "--phones", type=int, default=200, help="legitimate phones voting during each attack (default 200)"
    )
    parser.add_argument(
        "--baseline-each",
        action="store_true",
        help="a run without attack before every attack, each attack set against its own (on a busy machine)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    attacks = [k for k in args.attacks.split(",") if k]
    for kind in attacks:
        if kind not in ATTACKS:
            raise SystemExit(f"no attack {kind!r}: the attacks are {', '.join(ATTACKS)}")
    kinds = [k for a in attacks for k in ("none", a)] if args.baseline_each else ["none", *attacks]
    print(
        f"each attack {args.seconds:g} s, the app under ulimit -n {OPEN_FILES}, {args.phones} phones, on {os.cpu_count()} CPUs; {load()}"
    )
    results = []
    for kind in kinds:
        result = asyncio.run(run_one(kind, args))
        results.append(result)
        print(f"{kind}: done ({result['load_after']})", flush=True)
    report(results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
