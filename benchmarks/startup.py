"""How long a host waits for the lineup, with libraries of 8, 100 and 1,000 decks.

Run: python benchmarks/startup.py [--sizes 8,100,1000] [--runs 3] [--json FILE]

For each library size it builds a decks folder of copies of the sample decks
(hard links, each copy a deck folder of its own with its own name), and
measures, in one run:

* first frame: from starting the command in a tmux pane to the lineup's
  first presenter on screen, for ``battledecks run`` and for a minimal
  Textual app (a header, a two-row DataTable, a footer) started the same
  way; cold (an empty check cache) and warm (the cache of the run before);
* a draw: ``Show.open`` and one ``draw_for`` in this process, with the
  decks folder scanned (the draw's own time is what the host waits for
  after pressing Enter);
* ``battledecks check`` of the whole library: the first run with an empty
  cache and the second, with the ratio.

Targets: first frame at most 1.3x the minimal app plus 50 ms at every size,
cold and warm; a draw under 100 ms at 1,000 decks; a second check of an
unchanged 1,000-deck library at least 10x faster than the first.

It prints a table of every figure with its ratio to the minimal app's first
frame measured in the same run, and the machine's load average when it was
taken (on a loaded machine every figure grows; the ratios less so).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SESSION = "battledecks-startup"
PRESENTERS = ["Ada Lovelace", "Grace Hopper", "Alan Turing", "Edsger Dijkstra"]

MINIMAL_APP = """
from textual.app import App
from textual.widgets import DataTable, Footer, Header

class Minimal(App):
    def compose(self):
        yield Header()
        yield DataTable()
        yield Footer()

    def on_mount(self):
        table = self.query_one(DataTable)
        table.add_columns("#", "Presenter", "Status")
        table.add_row("1", "Ada Lovelace", "waiting")
        table.add_row("2", "Grace Hopper", "waiting")

Minimal().run()
"""


def build_library(root: Path, count: int) -> Path:
    """A decks folder of ``count`` decks: the sample decks copied under new names (hard links)."""
    samples = sorted(p for p in (REPO / "decks").iterdir() if p.is_dir() and not p.name.startswith("."))
    library = root / f"decks-{count}"
    library.mkdir()
    for index in range(count):
        source = samples[index % len(samples)]
        target = library / f"{source.name}-{index:04d}"
        target.mkdir()
        for file in source.iterdir():
            if file.is_file():
                try:
                    os.link(file, target / file.name)
                except OSError:
                    shutil.copy2(file, target / file.name)
    return library


def write_event(root: Path, library: Path, count: int) -> Path:
    folder = root / f"events-{count}"
    folder.mkdir()
    event = folder / "startup.yaml"
    names = ", ".join(PRESENTERS)
    event.write_text(
        f"name: Startup {count}\ndecks: {library}\norder: listed\npresenters: [{names}]\nscoring:\n  judges: [J]\n",
        encoding="utf-8",
    )
    return event


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], check=True, capture_output=True, text=True).stdout


def first_frame(command: list[str], marker: str, env: dict[str, str], timeout: float = 120.0) -> float:
    """Seconds from starting ``command`` in a fresh tmux pane to ``marker`` on screen."""
    subprocess.run(["tmux", "kill-session", "-t", SESSION], capture_output=True)
    tmux("new-session", "-d", "-s", SESSION, "-x", "160", "-y", "45", "sh")
    try:
        env_words = [f"{k}={v}" for k, v in env.items()]
        line = " ".join(["env", *env_words, *(_quote(c) for c in command)])
        # The pane is ready for input once the shell has drawn its prompt.
        deadline = time.monotonic() + 10
        while not tmux("capture-pane", "-p", "-t", SESSION).strip() and time.monotonic() < deadline:
            time.sleep(0.01)
        start = time.monotonic()
        tmux("send-keys", "-t", SESSION, line, "Enter")
        deadline = start + timeout
        while True:
            screen = tmux("capture-pane", "-p", "-t", SESSION)
            if marker in screen and line not in screen.splitlines()[-1]:
                return time.monotonic() - start
            if time.monotonic() > deadline:
                raise SystemExit(f"{marker!r} never appeared:\n{screen}")
            time.sleep(0.005)
    finally:
        subprocess.run(["tmux", "kill-session", "-t", SESSION], capture_output=True)


def _quote(word: str) -> str:
    return "'" + word.replace("'", "'\\''") + "'"


def timed(command: list[str], env: dict[str, str]) -> float:
    start = time.monotonic()
    subprocess.run(command, env={**os.environ, **env}, capture_output=True, check=False)
    return time.monotonic() - start


def draw_time(event: Path, env: dict[str, str]) -> tuple[float, float]:
    """(open + scan, one draw) in seconds, in a fresh process with the given cache."""
    code = (
        "import time, sys\n"
        "from pathlib import Path\n"
        "from battledecks.core.show import Show\n"
        "t0 = time.perf_counter()\n"
        "show = Show.open(Path(sys.argv[1]), save=False)\n"
        "wait = getattr(show, 'wait_for_decks', None)\n"
        "wait and wait()\n"
        "t1 = time.perf_counter()\n"
        "name = show.next_up()\n"
        "show.draw_for(name)\n"
        "t2 = time.perf_counter()\n"
        "print(t1 - t0, t2 - t1)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(event)],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return float(out[0]), float(out[1])


def load() -> float:
    """The machine's 1-minute load average now: every figure is printed with it."""
    return os.getloadavg()[0]


def first_frames(
    runs: int, minimal: list[str], run_cmd: list[str], env: dict[str, str], cache: Path
) -> dict[str, tuple[float, float]]:
    """Medians (seconds, load average) of the minimal app's and battledecks' first frames, cold and warm.

    The three are measured in turn within each run, so a change of load
    on the machine weighs on all of them alike.
    """
    values: dict[str, list[float]] = {"minimal_app": [], "first_frame_cold": [], "first_frame_warm": []}
    loads: list[float] = []
    for _ in range(runs):
        values["minimal_app"].append(first_frame(minimal, "Grace Hopper", env))
        shutil.rmtree(cache, ignore_errors=True)
        values["first_frame_cold"].append(first_frame(run_cmd, "Grace Hopper", env))
        values["first_frame_warm"].append(first_frame(run_cmd, "Grace Hopper", env))
        loads.append(load())
    return {name: (statistics.median(v), statistics.median(loads)) for name, v in values.items()}


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds >= 0.01 else f"{seconds * 1000:.1f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="8,100,1000")
    parser.add_argument("--runs", type=int, default=3, help="first-frame runs per case (the median is reported)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        print("tmux is needed for the first-frame figures", file=sys.stderr)
        return 2
    battledecks = str(Path(sys.executable).with_name("battledecks"))
    results: dict[str, dict[str, float]] = {}
    rows: list[tuple[str, str, str, str, str]] = []
    met = True
    with tempfile.TemporaryDirectory(prefix="bd-startup-") as tmp:
        root = Path(tmp)
        minimal = root / "minimal.py"
        minimal.write_text(MINIMAL_APP, encoding="utf-8")
        for count in (int(s) for s in args.sizes.split(",")):
            library = build_library(root, count)
            event = write_event(root, library, count)
            cache = root / f"cache-{count}"
            env = {"XDG_CACHE_HOME": str(cache), "TERM": "xterm-256color"}
            figures: dict[str, float] = {}

            run_cmd = [battledecks, "run", str(event), "--graphics", "halfcell"]
            frames = first_frames(args.runs, [sys.executable, str(minimal)], run_cmd, env, cache)
            for name, (seconds, at) in frames.items():
                figures[f"{name}_s"], figures[f"{name}_load"] = seconds, at
            base = figures["minimal_app_s"]
            limit = 1.3 * base + 0.05
            rows.append(
                (
                    f"{count}",
                    "minimal Textual app, first frame",
                    ms(base),
                    "1.00x",
                    f"{figures['minimal_app_load']:.1f}",
                )
            )
            for name, label in (("first_frame_cold", "first frame, cold"), ("first_frame_warm", "first frame, warm")):
                seconds = figures[f"{name}_s"]
                ok = seconds <= limit
                met &= ok
                rows.append(
                    (
                        f"{count}",
                        f"battledecks {label} (limit {ms(limit)}: {'met' if ok else 'NOT met'})",
                        ms(seconds),
                        f"{seconds / base:.2f}x",
                        f"{figures[f'{name}_load']:.1f}",
                    )
                )

            shutil.rmtree(cache, ignore_errors=True)
            figures["check_first_s"] = timed([battledecks, "check", str(library)], env)
            figures["check_first_load"] = load()
            figures["check_second_s"] = timed([battledecks, "check", str(library)], env)
            figures["check_second_load"] = load()
            ratio = figures["check_first_s"] / max(figures["check_second_s"], 1e-9)
            figures["check_ratio"] = ratio
            figures["open_and_scan_s"], figures["draw_s"] = draw_time(event, env)
            figures["draw_load"] = load()
            rows.append(
                (
                    f"{count}",
                    "check, first (empty cache)",
                    ms(figures["check_first_s"]),
                    f"{figures['check_first_s'] / base:.2f}x",
                    f"{figures['check_first_load']:.1f}",
                )
            )
            check_ok = count < 1000 or ratio >= 10
            rows.append(
                (
                    f"{count}",
                    f"check, second: {ratio:.1f}x quicker than the first"
                    + ("" if count < 1000 else f" (target 10x: {'met' if check_ok else 'NOT met'})"),
                    ms(figures["check_second_s"]),
                    f"{figures['check_second_s'] / base:.2f}x",
                    f"{figures['check_second_load']:.1f}",
                )
            )
            draw_ok = count < 1000 or figures["draw_s"] < 0.1
            rows.append(
                (
                    f"{count}",
                    "open and scan (warm cache), in-process",
                    ms(figures["open_and_scan_s"]),
                    f"{figures['open_and_scan_s'] / base:.2f}x",
                    f"{figures['draw_load']:.1f}",
                )
            )
            rows.append(
                (
                    f"{count}",
                    "one draw" + ("" if count < 1000 else f" (target 100 ms: {'met' if draw_ok else 'NOT met'})"),
                    ms(figures["draw_s"]),
                    f"{figures['draw_s'] / base:.3f}x",
                    f"{figures['draw_load']:.1f}",
                )
            )
            met &= check_ok and draw_ok
            for row in rows[-7:]:
                print(" | ".join(row), flush=True)
            results[str(count)] = figures
    print()
    print("| decks | figure | time | vs minimal app | load average |")
    print("| --- | --- | --- | --- | --- |")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print(f"\ntargets met: {'yes' if met else 'no'}")
    summary = json.dumps(results, indent=2)
    print(summary)
    if args.json:
        args.json.write_text(summary + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
