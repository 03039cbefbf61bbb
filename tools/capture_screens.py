"""Capture the app's real screens for the guides in docs/, through tmux.

Run: python tools/capture_screens.py [--size 100x30]

Copies the demo event (short talks, so the capture is quick) to a temporary
folder, runs ``battledecks run`` in a tmux session of the given size, walks
through lineup, draw, stage, scores and standings with send-keys, and writes
what capture-pane returns to ``docs/screens/NAME.txt``; the stage is also
turned into a picture (``docs/screens/stage.png``, two pixels per half-cell
block, as a terminal shows them).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image
from rich.style import Style
from rich.text import Text

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screens"
SESSION = "battledecks-screens"


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], check=True, capture_output=True, text=True).stdout


def capture(ansi: bool = False) -> str:
    return tmux("capture-pane", "-p", *(["-e"] if ansi else []), "-t", SESSION)


def keys(*names: str, wait: float = 0.4) -> None:
    for name in names:
        tmux("send-keys", "-t", SESSION, name)
        time.sleep(0.15)
    time.sleep(wait)


def wait_for(text: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while text not in capture():
        if time.monotonic() > deadline:
            raise SystemExit(f"{text!r} never appeared:\n{capture()}")
        time.sleep(0.1)


def ansi_to_png(lines: list[str], out: Path, scale: int = 8) -> None:
    """Paint a capture: each cell two pixels (top and bottom half), each a ``scale`` square."""
    width = max(len(Text.from_ansi(line).plain) for line in lines)
    image = Image.new("RGB", (width * scale, len(lines) * 2 * scale))
    pixels = image.load()
    for y, line in enumerate(lines):
        text = Text.from_ansi(line)
        styles: list[Style] = [Style() for _ in text.plain]
        for span in text.spans:
            style = Style.parse(span.style) if isinstance(span.style, str) else span.style
            for i in range(span.start, min(span.end, len(styles))):
                styles[i] += style
        for x, char in enumerate(text.plain):
            style = styles[x]
            fg = style.color.get_truecolor() if style.color and not style.color.is_default else (200, 200, 200)
            bg = style.bgcolor.get_truecolor() if style.bgcolor and not style.bgcolor.is_default else (0, 0, 0)
            fg, bg = tuple(fg), tuple(bg)
            if char == "▀":
                top, bottom = fg, bg
            elif char == "▄":
                top, bottom = bg, fg
            elif char in " ":
                top = bottom = bg
            elif char == "█":
                top = bottom = fg
            else:  # text: halfway between its ink and its paper
                top = bottom = tuple((a + b) // 2 for a, b in zip(fg, bg))
            for dy in range(scale):
                for dx in range(scale):
                    pixels[x * scale + dx, y * 2 * scale + dy] = top
                    pixels[x * scale + dx, y * 2 * scale + scale + dy] = bottom
    image.save(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="100x30", help="terminal size, COLSxROWS")
    args = parser.parse_args()
    cols, rows = args.size.split("x")
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        events = Path(tmp) / "events"
        events.mkdir()
        text = (ROOT / "events" / "demo.yaml").read_text()
        text = text.replace("decks: ../decks", f"decks: {ROOT / 'decks'}").replace("seconds: 300", "seconds: 24")
        text = text.replace("order: random", "order: listed")
        (events / "demo.yaml").write_text(text)
        command = f"TERM=xterm-256color COLORTERM=truecolor {sys.executable} -m battledecks run {events / 'demo.yaml'}"
        subprocess.run(["tmux", "kill-session", "-t", SESSION], capture_output=True)
        tmux("new-session", "-d", "-s", SESSION, "-x", cols, "-y", rows, command + "; sleep 60")
        try:
            # The lineup once the decks are checked and the footer is drawn.
            wait_for("unseen decks")
            wait_for("? Help")
            (OUT / "lineup.txt").write_text(capture())
            keys("Enter")
            wait_for("Done")
            time.sleep(3.5)  # the draw's suspense, then its title
            (OUT / "draw.txt").write_text(capture())
            keys("Enter")
            wait_for("put Janie Hermann on stage")
            keys("Enter")
            wait_for("Start (y)")
            keys("y")
            wait_for("1/12")
            time.sleep(1)
            lines = capture(ansi=True).splitlines()
            ansi_to_png(lines, OUT / "stage.png")
            (OUT / "stage.txt").write_text(capture())
            wait_for("Time!", timeout=40)
            keys("Enter", wait=0.8)
            wait_for("Scores for")
            for value in ("7", "8", "9", "6", "7", "8", "8", "8", "9", "9"):
                keys(value, wait=0.3)
                keys("Enter", wait=0.5)
            time.sleep(0.5)
            (OUT / "scores.txt").write_text(capture())
            keys("Escape", wait=0.8)
            wait_for("Next step")
            keys("t")
            wait_for("r Reveal")
            time.sleep(0.5)
            (OUT / "standings.txt").write_text(capture())
            keys("Escape", "q", "y")
        finally:
            subprocess.run(["tmux", "kill-session", "-t", SESSION], capture_output=True)
    for path in sorted(OUT.iterdir()):
        print(path.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
