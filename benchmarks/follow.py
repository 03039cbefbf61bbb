"""How exactly the room follows the host: slide changes and pauses on loopback.

Run: python benchmarks/follow.py [--clients N] [--clients-nice N] [--slides N] [--seconds S] [--json FILE]

The host (a Show with its room server, and a slide timer like the stage's:
battledecks.ui.deadline.DeadlineTimer in a Textual app) runs a talk (60
slides of half a second by default, for more samples than a real 12) with
a pause, a resume, a skip and an abort, twice: once alone, once followed by
a terminal audience screen (``battledecks screen``'s app, in its own
process, headless) and N browser-like clients (default 300, in one more
process, each a stream of /events like /stage's; that process runs at
nice 10, as browsers would be on machines of their own). A client notes
when each frame's last byte arrived and reads only its head: a browser's
parsing is done on its own machine, and 300 of them parsing in one
process here would measure that process, not the server.

Printed, one figure per line, then a JSON summary:

* the host's slide lateness (shown - due) p50 / p99 / max, alone and with followers;
* the terminal follower's slide lateness against the host's deadlines (target p99 <= 10 ms),
  and where it comes from: how late its event loop woke the slide timer (asked 15 ms early),
  and how late the timer's own last wait ended;
* the slide a skip brings, late from the skip (a skip is not scheduled: it is the time
  for the news to arrive);
* how long pause / resume / skip / abort took to reach the terminal follower and the N clients,
  from the moment the host's show emitted the change (target: within 50 ms), and how
  long the host's command itself took (its record written and synced first);
* what the server costs: each batch of writes to the streams (on the server's own thread),
  each state encoded (once for every stream, on the host's loop), and how long after the
  host's change each pause/resume/skip/abort was written to the last stream;
* the load average before and after, since the figures depend on it.

All processes are on one machine, so they share the monotonic clock.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PIL import Image  # noqa: E402
from textual.app import App  # noqa: E402

from battledecks.core.show import Show  # noqa: E402
from battledecks.render.prerender import pause_gc, resume_gc  # noqa: E402
from battledecks.room.server import FAN_OUT, RoomServer, listen  # noqa: E402
from battledecks.ui.app import at_once  # noqa: E402
from battledecks.ui.deadline import DeadlineTimer  # noqa: E402


def percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {"n": 0, "p50": float("nan"), "p99": float("nan"), "max": float("nan")}
    ordered = sorted(values)
    p99 = ordered[min(len(ordered) - 1, int(round(0.99 * (len(ordered) - 1))))]
    return {"n": len(values), "p50": statistics.median(ordered), "p99": p99, "max": ordered[-1]}


def line(label: str, figures: dict[str, float]) -> str:
    return (
        f"{label:<52} p50 {figures['p50'] * 1000:7.2f} ms  p99 {figures['p99'] * 1000:7.2f} ms  "
        f"max {figures['max'] * 1000:7.2f} ms  (n={figures['n']})"
    )


def make_event(folder: Path, seconds: float, slides: int) -> Path:
    for d in range(2):
        deck = folder / "decks" / f"deck-{d}"
        deck.mkdir(parents=True)
        for n in range(1, slides + 1):
            Image.new("RGB", (1280, 720), (n * 20 % 256, 40 * d, 90)).save(deck / f"slide{n}.png")
    events = folder / "events"
    events.mkdir()
    path = events / "bench.yaml"
    path.write_text(
        f"name: Follow benchmark\ndecks: ../decks\npresenters: [Ada, Brian]\norder: listed\n"
        f"slides: {slides}\nseconds: {seconds}\ncountdown: 3\n",
        encoding="utf-8",
    )
    return path


class HostStage(App[None]):
    """The host's talk: the stage's deadline timer, the show's talk commands, no drawing."""

    def __init__(self, show: Show, presenter: str, after_news: Callable[[Callable[[], object]], None]) -> None:
        super().__init__()
        self.show = show
        self.after_news = after_news
        """As the app's: runs a callback once the latest change has reached the audience screens."""
        self.presenter = presenter
        self.lateness: list[float] = []
        """Slide lateness at scheduled deadlines (not the slide a skip brings)."""
        self.after_skip: list[float] = []
        self.commands: list[float] = []
        """Seconds each pause/resume/skip/abort took the show (its record written and synced)."""
        self.skipped_to: int | None = None
        self.clock = None
        self.shown = -1
        self.done = asyncio.Event()
        self.steps: list[tuple[str, float]] = []

    def on_mount(self) -> None:
        self.paused = pause_gc()  # as the stage does for the length of a talk
        self.timer = DeadlineTimer(self, time.monotonic, self.tick)
        self.clock = self.show.start_talk(self.presenter, time.monotonic())
        period = self.clock.period
        start = self.clock.started_at + self.clock.countdown
        # A pause of one second in the middle of the talk's first third, a skip in its second third,
        # and an abort three slides before its end (in a short talk, a slide after the skip).
        third = self.clock.slides // 3
        self.set_timer(start + (third + 0.5) * period - time.monotonic(), self.pause)
        self.set_timer(start + (third + 0.5) * period + 1.0 - time.monotonic(), self.resume)
        self.set_timer(start + (2 * third + 0.5) * period + 1.0 - time.monotonic(), self.skip)
        abort_at = max(self.clock.slides - 3.5, 2 * third + 1.5)
        self.set_timer(start + abort_at * period + 1.0 - time.monotonic(), self.abort)
        self.tick()

    def tick(self) -> None:
        now = time.monotonic()
        state = self.clock.state(now)
        if state.phase.value == "talk" and state.slide != self.shown:
            self.shown = state.slide
            late = now - self.clock.due_at(state.slide)
            (self.after_skip if state.slide == self.skipped_to else self.lateness).append(late)
        if state.phase.value == "time-up":
            self.show.end_talk(now)
            self.after_news(self._collect)
            return
        self.timer.arm(self.clock.next_change(now))

    def _command(self, command) -> None:  # noqa: ANN001
        began = time.monotonic()
        command(began)
        self.commands.append(time.monotonic() - began)

    def pause(self) -> None:
        self._command(self.show.pause_talk)
        self.timer.cancel()

    def resume(self) -> None:
        self._command(self.show.resume_talk)
        self.tick()

    def skip(self) -> None:
        self.skipped_to = self.shown + 1
        self._command(self.show.skip_slide)
        self.tick()

    def abort(self) -> None:
        if self.done.is_set():
            return
        self._command(self.show.abort_talk)
        self.timer.cancel()
        self.after_news(self._collect)

    def _collect(self) -> None:
        # As the stage does: the collection holds the interpreter lock, so it waits for the news to be out.
        resume_gc(self.paused)
        self.done.set()


async def host_talk(
    show: Show, presenter: str, after_news: Callable[[Callable[[], object]], None] = at_once
) -> HostStage:
    show.draw_for(presenter)
    app = HostStage(show, presenter, after_news)
    async with app.run_test(headless=True):
        await asyncio.wait_for(app.done.wait(), 600)
    return app


# --- the followers (their own processes) ---------------------------------------------


def trace_deadlines() -> list[tuple[float, float, float]]:
    """Record each deadline the follower's timer fires for: (due, event loop's wake-up late, done waiting late).

    The timer asks the event loop to wake it ``EARLY`` before the deadline,
    then waits out the rest itself: a slide is late either because the loop
    woke more than that late, or because the last wait overshot.
    """
    from battledecks.ui import deadline

    fired: list[tuple[float, float, float]] = []
    arm, fire = deadline.DeadlineTimer.arm, deadline.DeadlineTimer._fire

    def traced_arm(self: deadline.DeadlineTimer, due: float | None) -> None:
        if due != self.due and due is not None:
            self._asked = max(self.monotonic() + deadline.MIN_DELAY, due - deadline.EARLY)  # type: ignore[attr-defined]
        arm(self, due)

    def traced_fire(self: deadline.DeadlineTimer) -> None:
        woke = self.monotonic()
        wait = self._wait_until

        def timed_wait(until: float) -> None:
            wait(until)
            fired.append((until, woke - self._asked, self.monotonic() - until))  # type: ignore[attr-defined]

        self._wait_until = timed_wait  # type: ignore[method-assign]
        try:
            fire(self)
        finally:
            del self._wait_until

    deadline.DeadlineTimer.arm = traced_arm  # type: ignore[method-assign]
    deadline.DeadlineTimer._fire = traced_fire  # type: ignore[method-assign]
    return fired


async def terminal_follower(url: str, out: Path) -> None:
    fired = trace_deadlines()
    from battledecks.ui.audience.app import AudienceApp

    app = AudienceApp(lambda: url)
    delivery: list[float] = []
    take = app.follower.on_message

    def timed(message: dict) -> None:  # type: ignore[type-arg]
        if message.get("kind") in NEWS_KINDS:
            delivery.append(time.monotonic() - message["now"])
        take(message)

    app.follower.on_message = timed
    async with app.run_test(headless=True, size=(120, 40)):
        while True:
            await asyncio.sleep(0.05)
            state = app.state or {}
            talk = state.get("talk") or {}
            if talk.get("presenter") == FOLLOWED and talk.get("ended"):
                break
    dues = {due for _, _, due in app.slide_log}
    timer = [(woke, waited) for due, woke, waited in fired if any(abs(due - d) < 1e-6 for d in dues)]
    out.write_text(
        json.dumps(
            {
                "slides": [[s, shown - due] for s, shown, due in app.slide_log],
                "delivery": delivery,
                "timer": timer,
            }
        )
    )


NEWS_KINDS = ("pause", "resume", "skip", "abort")
"""The talk's unscheduled changes, timed from the host's change to each follower."""
FOLLOWED = "Brian"
"""The presenter whose talk the followers follow."""
_NEWS = re.compile(rb'"kind":"(pause|resume|skip|abort)","now":([0-9.eE+-]+)')


class _SseClient(asyncio.Protocol):
    """A stand-in for one browser's /stage stream: it notes when each whole frame arrived.

    A browser parses the frame on a phone or laptop of its own; here all N
    share one process, so each frame is only looked at as bytes: the time
    it arrived is taken when its last byte is read, before anything else is
    done with it, and only the head (kind, host's time) is read from it.
    """

    def __init__(self, request: bytes, delays: list[tuple[str, float]], done: asyncio.Future[None]) -> None:
        self.request = request
        self.delays = delays
        self.done = done
        self.buffer = b""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        transport.write(self.request)  # type: ignore[attr-defined]
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        arrived = time.monotonic()
        self.buffer += data
        end = self.buffer.rfind(b"\n\n")
        if end < 0:
            return
        whole, self.buffer = self.buffer[: end + 2], self.buffer[end + 2 :]
        for match in _NEWS.finditer(whole):
            self.delays.append((match.group(1).decode(), arrived - float(match.group(2))))
            if match.group(1) == b"abort":
                # Closed a second later: closing 300 streams as the news arrives would hold up the others' reading.
                asyncio.get_running_loop().call_later(1.0, self.transport.close)

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.done.done():
            self.done.set_result(None)


async def sse_clients(url: str, count: int, out: Path) -> None:
    """``count`` streams of /events, each read to the abort: when pause, resume, skip and abort arrived."""
    delays: list[tuple[str, float]] = []
    address = url.split("//", 1)[1].rstrip("/")
    host, _, port = address.rpartition(":")
    request = f"GET /events HTTP/1.1\r\nHost: {address}\r\nAccept: text/event-stream\r\n\r\n".encode()
    loop = asyncio.get_running_loop()
    finished = []
    for _ in range(count):
        done: asyncio.Future[None] = loop.create_future()
        await loop.create_connection(lambda done=done: _SseClient(request, delays, done), host, int(port))
        finished.append(done)
    await asyncio.gather(*finished)
    out.write_text(json.dumps({"delays": delays, "connected": count}))


# --- the run -----------------------------------------------------------------------


def time_the_server(server: RoomServer) -> tuple[list[float], list[float], list[float]]:
    """Time what the server does: each batch of writes to the streams (its thread), each state
    encoded (once for all, the host's loop), and for each pause/resume/skip/abort, the time from the
    host's change to its frame written to the last stream (the server's part of the delivery)."""
    batches: list[float] = []
    encodes: list[float] = []
    written: list[float] = []
    pending: list[float] = []
    broadcast, send_some, capture = server._broadcast, server._send_some, server._capture
    call_waiting = server._call_waiting

    def timed_broadcast(frame: bytes, version: int = 0) -> None:
        news = _NEWS.search(frame)
        if news:
            pending.append(float(news.group(2)))
        broadcast(frame, version)

    ended: list[float] = []

    def timed_call_waiting() -> None:
        # The outbox is empty: the frame is written to every stream. Noted before what waited for it
        # (the host's collection after a talk) is handed to the host's loop and takes the interpreter lock.
        ended.append(time.perf_counter())
        done = time.monotonic()
        written.extend(done - now for now in pending)
        pending.clear()
        call_waiting()

    def timed_send_some() -> None:
        ended.clear()
        began = time.perf_counter()
        send_some()
        batches.append((ended[0] if ended else time.perf_counter()) - began)

    def timed_capture():  # type: ignore[no-untyped-def]
        began = time.perf_counter()
        captured = capture()
        encodes.append(time.perf_counter() - began)
        return captured

    server._broadcast = timed_broadcast  # type: ignore[method-assign]
    server._send_some = timed_send_some  # type: ignore[method-assign]
    server._capture = timed_capture  # type: ignore[method-assign]
    server._call_waiting = timed_call_waiting  # type: ignore[method-assign]
    return batches, encodes, written


async def run(args: argparse.Namespace) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="bd-follow-") as folder:
        return await run_in(args, Path(folder))


async def run_in(args: argparse.Namespace, folder: Path) -> dict[str, object]:
    load_before = os.getloadavg()
    event = make_event(folder, args.seconds, args.slides)
    show = Show.open(event)
    alone = await host_talk(show, "Ada")

    server = RoomServer(show, listen("127.0.0.1", 0))
    fan_out, encode, written = time_the_server(server)
    await server.start()
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    follower_out, clients_out = folder / "follower.json", folder / "clients.json"
    procs = [
        await asyncio.create_subprocess_exec(
            sys.executable, __file__, "--as-follower", server.url, str(follower_out), env=env
        ),
        await asyncio.create_subprocess_exec(
            sys.executable,
            __file__,
            "--as-clients",
            server.url,
            str(clients_out),
            "--clients",
            str(args.clients),
            "--clients-nice",
            str(args.clients_nice),
            env=env,
        ),
    ]
    deadline = time.monotonic() + 60
    while server.clients < args.clients + 1:
        if time.monotonic() > deadline:
            raise SystemExit(f"only {server.clients} of {args.clients + 1} followers connected")
        await asyncio.sleep(0.05)
    followed = await host_talk(show, FOLLOWED, server.after_sent)
    for proc in procs:
        await asyncio.wait_for(proc.wait(), 60)
    await server.stop()
    follower = json.loads(follower_out.read_text())
    clients = json.loads(clients_out.read_text())
    skip = followed.skipped_to
    return {
        "clients": args.clients,
        "load_average": load_before,
        "host_alone": percentiles(alone.lateness),
        "host_followed": percentiles(followed.lateness),
        "terminal_follower": percentiles([late for slide, late in follower["slides"] if slide != skip]),
        "after_skip": {
            "host": followed.after_skip,
            "follower": [late for slide, late in follower["slides"] if slide == skip],
        },
        "follower_loop_wake": percentiles([woke for woke, _ in follower["timer"]]),
        "follower_after_wait": percentiles([waited for _, waited in follower["timer"]]),
        "follower_delivery": percentiles(follower["delivery"]),
        "client_delivery": percentiles([delay for _, delay in clients["delays"]]),
        "client_delivery_by_kind": {
            kind: percentiles([delay for k, delay in clients["delays"] if k == kind]) for kind in NEWS_KINDS
        },
        "clients_connected": clients["connected"],
        "host_commands": percentiles(alone.commands + followed.commands),
        "fan_out_batches": percentiles(fan_out),
        "encode_message": percentiles(encode),
        "server_written": percentiles(written),
        "load_average_after": os.getloadavg(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=300, help="browser-like SSE clients (default 300)")
    parser.add_argument(
        "--slides", type=int, default=60, help="slides in each talk (default 60: more samples than a real 12)"
    )
    parser.add_argument(
        "--seconds", type=float, default=30.0, help="length of each talk (default 30: half a second a slide)"
    )
    parser.add_argument(
        "--clients-nice",
        type=int,
        default=10,
        help="niceness of the clients' process (default 10: they yield the CPU to the host, as browsers on "
        "machines of their own would, and to any other busy process)",
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--as-follower", nargs=2, metavar=("URL", "OUT"), help=argparse.SUPPRESS)
    parser.add_argument("--as-clients", nargs=2, metavar=("URL", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.as_follower:
        asyncio.run(terminal_follower(args.as_follower[0], Path(args.as_follower[1])))
        return
    if args.as_clients:
        # Stand-ins for browsers on other machines: they yield the CPU to the host and the screen.
        os.nice(args.clients_nice)
        asyncio.run(sse_clients(args.as_clients[0], args.clients, Path(args.as_clients[1])))
        return
    figures = asyncio.run(run(args))
    print(f"load average before: {' '.join(f'{x:.2f}' for x in figures['load_average'])} on {os.cpu_count()} CPUs")  # type: ignore[union-attr]
    print(line("host slide lateness, alone", figures["host_alone"]))  # type: ignore[arg-type]
    print(line(f"host slide lateness, with {args.clients + 1} followers", figures["host_followed"]))  # type: ignore[arg-type]
    print(line("terminal follower lateness vs host deadlines", figures["terminal_follower"]))  # type: ignore[arg-type]
    print(line("  of which: its event loop woke late (asked 15 ms early)", figures["follower_loop_wake"]))  # type: ignore[arg-type]
    print(line("  of which: done waiting, late from the deadline", figures["follower_after_wait"]))  # type: ignore[arg-type]
    after = figures["after_skip"]
    print(
        f"{'slide after a skip, late from the skip':<52} host {after['host'][0] * 1000:.2f} ms, "  # type: ignore[index]
        f"follower {after['follower'][0] * 1000:.2f} ms"
    )  # type: ignore[index]
    print(line("pause/resume/skip/abort reaching the terminal follower", figures["follower_delivery"]))  # type: ignore[arg-type]
    print(line(f"pause/resume/skip/abort reaching {args.clients} SSE clients", figures["client_delivery"]))  # type: ignore[arg-type]
    for kind, by_kind in figures["client_delivery_by_kind"].items():  # type: ignore[union-attr]
        print(line(f"  of which: {kind}", by_kind))
    print(line("host's pause/resume/skip/abort (record written, synced)", figures["host_commands"]))  # type: ignore[arg-type]
    print(line(f"server's thread writing one frame to {FAN_OUT} streams", figures["fan_out_batches"]))  # type: ignore[arg-type]
    print(line("host's loop encoding the state (once for all streams)", figures["encode_message"]))  # type: ignore[arg-type]
    print(line("pause/resume/skip/abort written to the last stream", figures["server_written"]))  # type: ignore[arg-type]
    print(f"clients connected: {figures['clients_connected']} of {args.clients}")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in figures['load_average_after'])}")  # type: ignore[union-attr]
    print(json.dumps(figures))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
