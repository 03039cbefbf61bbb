"""Real screens for benchmarks: a virtual X display, terminal windows on it, a host in tmux, a browser.

Shared by the benchmarks that look at what the room sees (``legibility.py``).
Everything waits for a condition with a deadline; a missing program is
reported by ``missing`` so a benchmark can leave that path out with a clear
line instead of failing.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from io import BytesIO
from pathlib import Path
from typing import TypeVar

from PIL import Image

SCREEN = (1920, 1080)
"""The virtual display: a 1080p projector."""

T = TypeVar("T")


def missing(*programs: str) -> list[str]:
    """The programs of ``programs`` that are not installed."""
    return [name for name in programs if shutil.which(name) is None]


def wait_for(condition: Callable[[], T | None], timeout: float, what: str, interval: float = 0.2) -> T:
    """Poll ``condition`` until it returns something truthy; raise TimeoutError after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        found = condition()
        if found:
            return found
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(interval)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def virtual_display(size: tuple[int, int] = SCREEN) -> Iterator[str]:
    """An Xvfb display for the duration; yields its name (":N")."""
    read_fd, write_fd = os.pipe()
    process = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", f"{size[0]}x{size[1]}x24", "-nolisten", "tcp"],
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    try:
        number = b""
        deadline = time.monotonic() + 30
        while not number.endswith(b"\n") and time.monotonic() < deadline:
            chunk = os.read(read_fd, 16)
            if not chunk:
                break
            number += chunk
        if not number.strip():
            raise RuntimeError("Xvfb did not start")
        yield f":{number.decode().strip()}"
    finally:
        os.close(read_fd)
        process.terminate()
        process.wait(10)


def clean_env(**extra: str) -> dict[str, str]:
    """This environment without the terminal it runs in (a terminal started here says what it is itself)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TMUX", "KITTY", "TERM", "COLORTERM", "STY", "TEXTUAL_"))
    }
    env.update(extra)
    return env


class Window:
    """A program with a window on the display (a terminal running a command)."""

    def __init__(self, display: str, argv: list[str], cwd: Path, **env: str) -> None:
        self.display = display
        self.env = clean_env(DISPLAY=display, LIBGL_ALWAYS_SOFTWARE="1", **env)
        # On a busy display xterm now and then exits at once, before it shows a window: once more, then.
        for attempt in (1, 2):
            self.process = subprocess.Popen(
                argv, cwd=cwd, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            try:
                self.window = wait_for(self._find, 60, f"the window of {argv[0]}")
                break
            except RuntimeError:
                if attempt == 2:
                    raise
        # Typed keys go to the focused window.
        subprocess.run(["xdotool", "windowfocus", "--sync", self.window], env=self.env, timeout=30, check=False)

    def _find(self) -> str | None:
        if self.process.poll() is not None:
            raise RuntimeError(f"the window's program exited with {self.process.returncode}")
        found = subprocess.run(
            ["xdotool", "search", "--onlyvisible", "--pid", str(self.process.pid)],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=30,
        )
        ids = found.stdout.split()
        return ids[-1] if ids else None

    def screenshot(self) -> Image.Image:
        """The whole screen as it is now."""
        return screenshot(self.display, self.env)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


def screenshot(display: str, env: dict[str, str] | None = None) -> Image.Image:
    """The whole X screen (ImageMagick's ``import``)."""
    shot = subprocess.run(
        ["import", "-display", display, "-window", "root", "png:-"], env=env, capture_output=True, timeout=60
    )
    if shot.returncode != 0:
        raise RuntimeError(f"import failed: {shot.stderr.decode(errors='replace')}")
    return Image.open(BytesIO(shot.stdout)).convert("RGB")


class Tmux:
    """A command in a detached tmux session of its own: keys in, screen text out."""

    def __init__(self, argv: list[str], size: tuple[int, int], cwd: Path) -> None:
        self.socket = f"battledecks-bench-{uuid.uuid4().hex[:8]}"
        shell = " ".join(f"'{part}'" for part in argv) + "; sleep 30"
        subprocess.run(
            [
                "tmux",
                "-L",
                self.socket,
                "-f",
                "/dev/null",
                "new-session",
                "-d",
                "-s",
                "host",
                "-x",
                str(size[0]),
                "-y",
                str(size[1]),
                shell,
            ],
            check=True,
            cwd=cwd,
            env={**clean_env(), "TERM": "xterm-256color"},
        )

    def screen(self) -> str:
        return subprocess.run(
            ["tmux", "-L", self.socket, "capture-pane", "-p", "-t", "host"], capture_output=True, text=True, check=False
        ).stdout

    def keys(self, *keys: str) -> None:
        for key in keys:
            subprocess.run(["tmux", "-L", self.socket, "send-keys", "-t", "host", key], check=True)

    def wait_for(self, text: str, timeout: float = 30) -> str:
        def shown() -> str | None:
            screen = self.screen()
            return screen if text in screen else None

        return wait_for(shown, timeout, repr(text))

    def press(self, key: str, then: str, timeout: float = 30) -> str:
        """Send ``key`` until ``then`` is on screen (a key typed while a screen changes can be lost)."""
        deadline = time.monotonic() + timeout
        while True:
            self.keys(key)
            try:
                return self.wait_for(then, min(5.0, max(0.5, deadline - time.monotonic())))
            except TimeoutError:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{then!r} never came after {key}; the screen was:\n{self.screen()}") from None

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], check=False, capture_output=True)


def slide_box(shot: Image.Image, bright: int = 90) -> tuple[int, int, int, int] | None:
    """Bounding box of a light slide on a black screen, or None.

    The slide's columns are the longest run of columns that are mostly
    bright, its rows the longest run of rows mostly bright across those
    columns: the big digits of a bar under the slide, thin borders and a
    cursor do not count.
    """
    grey = shot.convert("L").point(lambda v: 255 if v > bright else 0)
    columns = grey.resize((grey.width, 1), Image.Resampling.BOX).tobytes()
    left, right = _longest_run([v > 0.4 * 255 for v in columns])
    if right - left < shot.width // 8:
        return None
    band = grey.crop((left, 0, right, grey.height))
    rows = band.resize((1, band.height), Image.Resampling.BOX).tobytes()
    top, bottom = _longest_run([v > 0.6 * 255 for v in rows])
    if bottom - top < shot.height // 8:
        return None
    return left, top, right, bottom


def _longest_run(flags: list[bool], gap: int = 3) -> tuple[int, int]:
    best = (0, 0)
    start = end = -(10**9)
    for i, flag in enumerate(flags):
        if not flag:
            continue
        if i - end > gap:
            start = i
        end = i + 1
        if end - start > best[1] - best[0]:
            best = (start, end)
    return best
