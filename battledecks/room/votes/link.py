"""The address a phone opens to vote: the room server's, as the room's network reaches it, with the room code."""

from __future__ import annotations

import socket
from urllib.parse import urlsplit


def phone_base(server_url: str) -> str:
    """The server's address as a phone on the room's network reaches it.

    A server on every interface (0.0.0.0 or ::) is given this machine's
    address on its default route (found without sending anything).
    """
    parts = urlsplit(server_url)
    host = parts.hostname or ""
    if host in ("0.0.0.0", "::"):
        family = socket.AF_INET6 if host == "::" else socket.AF_INET
        probe = ("2001:db8::1", 9) if host == "::" else ("192.0.2.1", 9)
        try:
            with socket.socket(family, socket.SOCK_DGRAM) as s:
                s.connect(probe)
                host = s.getsockname()[0]
        except OSError:
            host = socket.gethostname()
    if ":" in host:
        host = f"[{host}]"
    return f"{parts.scheme}://{host}:{parts.port}"


def vote_url(base: str, code: str) -> str:
    """The address a phone opens: ``base`` is the server's ``http://host:port``."""
    return f"{base.rstrip('/')}/vote?c={code}"
