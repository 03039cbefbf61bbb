"""Where the room server of an event listens, and the event's screen key, in a small file beside its record.

``battledecks run EVENT --serve`` writes ``.<event>.audience.json`` next to
the event file (atomically, mode 0600: only the host's account reads it),
so ``battledecks screen EVENT`` on the same machine finds the server without
being told the port. The file also keeps the event's *screen key*: a screen
that follows with it is the host's projector (the host's stage then keeps a
console beside the slide), and a browser becomes the projector by opening
``/stage?k=KEY``. The key stays the same from one run of the app to the
next, so the projector's browser follows a restarted app without a new
link; on exit the app takes its address out and leaves the key.
"""

from __future__ import annotations

import ipaddress
import json
import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..core.atomic import PRIVATE, atomic_write


def address_file(event_path: Path) -> Path:
    return event_path.with_name(f".{event_path.stem}.audience.json")


def _read(event_path: Path) -> dict[str, Any]:
    try:
        data = json.loads(address_file(event_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _key_of(data: dict[str, Any]) -> str | None:
    key = data.get("key")
    return (
        key
        if isinstance(key, str) and len(key) >= 16 and key.isascii() and key.replace("-", "").replace("_", "").isalnum()
        else None
    )


def screen_key(event_path: Path) -> str:
    """The event's screen key, made (and kept in the file, 0600) the first time.

    Raises:
        OSError: a new key cannot be written beside the event.
    """
    data = _read(event_path)
    key = _key_of(data)
    if key is None:
        key = secrets.token_urlsafe(18)
        atomic_write(address_file(event_path), json.dumps({"key": key}) + "\n", mode=PRIVATE)
    return key


def write_address(event_path: Path, url: str, key: str | None = None) -> Path:
    """Say where this app serves the event (and keep its screen key)."""
    path = address_file(event_path)
    data: dict[str, Any] = {"url": url, "pid": os.getpid()}
    if key is not None:
        data["key"] = key
    atomic_write(path, json.dumps(data) + "\n", mode=PRIVATE)
    return path


def remove_address(event_path: Path) -> None:
    """Take the address out if this process wrote it; the screen key stays for the next run."""
    path = address_file(event_path)
    data = _read(event_path)
    if data.get("pid") != os.getpid():
        return
    key = _key_of(data)
    try:
        if key is None:
            path.unlink()
        else:
            atomic_write(path, json.dumps({"key": key}) + "\n", mode=PRIVATE)
    except OSError:
        pass


def read_address(event_path: Path) -> str | None:
    """The server's URL, or None while no app serves the event."""
    data = _read(event_path)
    if not isinstance(data.get("url"), str):
        return None
    pid = data.get("pid")
    if isinstance(pid, int):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None  # left behind by an app that was killed
        except PermissionError:
            pass
    return str(data["url"])


def read_screen_key(event_path: Path) -> str | None:
    """The event's screen key as the file holds it (None if there is none yet, or it cannot be read)."""
    return _key_of(_read(event_path))


def network_reach(url: str) -> str | None:
    """What other machines can reach of a room served at ``url``, for the host's console; None on loopback.

    Said whenever the server listens on an address the network reaches: every
    address of the machine (0.0.0.0, ::) or any other that is not 127.0.0.0/8 or ::1.
    """
    parts = urlsplit(url)
    host = parts.hostname or ""
    if host == "localhost":
        return None
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if address is not None and address.is_loopback:
        return None
    where = (
        f"every address of this machine, port {parts.port}"
        if address is not None and address.is_unspecified
        else f"{host}:{parts.port}"
    )
    return (
        f"Open to the network ({where}): anyone who reaches it can watch the room's screen (/stage) and, "
        "when the room votes, vote from a phone. Serve on the room's network only."
    )
