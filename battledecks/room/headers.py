"""Headers every answer to the room carries, errors and redirects included, from every server that answers it.

The room server and the vote processes each call :func:`guard` on their
aiohttp application: no answer may be read as another type than it says
(``nosniff``), and no page of ours may be framed by another site's page
(``frame-ancestors 'none'``, and ``X-Frame-Options`` for browsers that
predate it), where a hidden frame could make a phone's taps vote for
another page.
"""

from __future__ import annotations

from aiohttp import web

ALWAYS = {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY"}

NO_FRAMES = "frame-ancestors 'none'"


async def _add_headers(request: web.Request, response: web.StreamResponse) -> None:
    headers = response.headers
    for name, value in ALWAYS.items():
        headers.setdefault(name, value)
    policy = headers.get("Content-Security-Policy")
    if policy is None:
        headers["Content-Security-Policy"] = NO_FRAMES
    elif "frame-ancestors" not in policy:
        headers["Content-Security-Policy"] = f"{policy}; {NO_FRAMES}"


def guard(app: web.Application) -> None:
    """Give every answer of ``app`` the headers above (those a handler set itself stay)."""
    app.on_response_prepare.append(_add_headers)


__all__ = ["ALWAYS", "NO_FRAMES", "guard"]
