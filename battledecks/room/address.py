"""Where the room server of an event listens, in a small file beside its record.

``battledecks run EVENT --serve`` writes ``.<event>.audience.json`` next to
the event file (atomically) and removes it on exit, so ``battledecks screen
EVENT`` on the same machine finds the server without being told the port.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from ..core.atomic import atomic_write


def address_file(event_path: Path) -> Path:
    return event_path.with_name(f".{event_path.stem}.audience.json")


def write_address(event_path: Path, url: str) -> Path:
    path = address_file(event_path)
    atomic_write(path, json.dumps({"url": url, "pid": os.getpid()}) + "\n")
    return path


def remove_address(event_path: Path) -> None:
    """Remove the file if this process wrote it."""
    path = address_file(event_path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("pid") == os.getpid():
            path.unlink()
    except (OSError, ValueError, AttributeError):
        pass


def read_address(event_path: Path) -> str | None:
    """The server's URL, or None while no app serves the event."""
    try:
        data = json.loads(address_file(event_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("url"), str):
        return None
    pid = data.get("pid")
    if isinstance(pid, int):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None  # left behind by an app that was killed
        except PermissionError:
            pass
    return data["url"]
