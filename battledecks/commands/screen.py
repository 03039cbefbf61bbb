"""Show the audience screen: what the room sees of a show run with ``battledecks run EVENT --serve``.

Give the event file (the running app is found through the small file it
writes beside the record, which also holds the event's screen key: this
screen is then the host's projector) or the address the host's app shows
(like http://127.0.0.1:8750/, 127.0.0.1:8750 or 8750 for this machine, or
the projector's link with its key, http://HOST:PORT/stage?k=KEY). It shows only the show, never the host's
console; it waits for the host and reconnects by itself. Press q to close it.
"""

from __future__ import annotations

import argparse
from pathlib import Path

NAME = "screen"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "target",
        nargs="?",
        default=None,
        help="event file, or the host's address: a URL, HOST:PORT or PORT (default: the demo event)",
    )
    parser.add_argument(
        "--graphics",
        choices=("auto", "kitty", "sixel", "halfcell"),
        default="auto",
        help="how slides are drawn (default: auto-detect)",
    )


def run(args: argparse.Namespace) -> int:
    from ..core.problems import BattledecksError
    from ..demo import demo_event_path
    from ..render.detect import detect_graphics
    from ..room.address import read_address, read_screen_key
    from ..ui.audience.app import AudienceApp
    from ._output import first_run_progress

    target: str | None = args.target
    key: str | None = None
    if target is not None and not target.startswith(("http://", "https://")) and _address(target):
        # The address given to `run --serve`: HOST:PORT, or a bare PORT on this machine.
        from ..room.server import parse_address

        host, port = parse_address(target)
        target = f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"
    if target is not None and target.startswith(("http://", "https://")):
        url, key = _base_and_key(target)

        def locate() -> str | None:
            return url

        def screen_key() -> str | None:
            return key
    else:
        event_path = Path(target) if target else demo_event_path(first_run_progress())
        if not event_path.is_file():
            raise BattledecksError(
                f"{event_path}: no such event file (or give the host's address, like http://127.0.0.1:8750/ or 8750)"
            )

        def locate() -> str | None:
            return read_address(event_path)

        def screen_key() -> str | None:
            return read_screen_key(event_path)

    app = AudienceApp(locate, graphics=detect_graphics(args.graphics), screen_key=screen_key)
    app.run()
    return 0


def _base_and_key(target: str) -> tuple[str, str | None]:
    """``http://HOST:PORT/`` and the screen key of an address the host gave (``/stage?k=KEY`` or the bare address)."""
    from urllib.parse import parse_qs, urlsplit, urlunsplit

    parts = urlsplit(target)
    key = parse_qs(parts.query).get("k", [None])[0]
    path = parts.path
    if path.endswith("/stage"):
        path = path[: -len("stage")]
    if not path.endswith("/"):
        path += "/"
    return urlunsplit((parts.scheme, parts.netloc, path, "", "")), key


def _address(target: str) -> bool:
    """Whether ``target`` reads as ``HOST:PORT`` or ``PORT`` rather than an event file."""
    if Path(target).exists():
        return False
    host, sep, port = target.rpartition(":")
    return target.isdigit() or (bool(sep) and port.isdigit() and "/" not in host)
