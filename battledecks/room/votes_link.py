"""The address a phone opens to vote, and its QR code for a browser (the terminal's is in :mod:`.votes_qr`)."""

from __future__ import annotations

import io

import segno

QUIET = 4
"""The quiet zone the QR standard asks for, in modules."""


def vote_url(base: str, code: str) -> str:
    """The address a phone opens: ``base`` is the server's ``http://host:port``."""
    return f"{base.rstrip('/')}/vote?c={code}"


def qr_svg(url: str, *, scale: int = 8) -> str:
    """The code as an SVG file, black on white with its quiet zone, for a web page."""
    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(
        out, kind="svg", scale=scale, border=QUIET, dark="#000", light="#fff", xmldecl=False, svgns=True,
    )
    return out.getvalue().decode("utf-8")
