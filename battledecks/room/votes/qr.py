"""The QR code that takes a phone to /vote: its modules, and the code as SVG for a browser.

The terminal draws the same modules with half cells
(:mod:`battledecks.ui.widgets.vote_code`); nothing here needs Textual.
"""

from __future__ import annotations

import io

import segno

QUIET = 4
"""The quiet zone the QR standard asks for, in modules."""


def qr_matrix(url: str) -> list[list[bool]]:
    """The code's modules, True for dark, without a quiet zone."""
    code = segno.make(url, error="m", micro=False)
    return [[bool(v) for v in row] for row in code.matrix]


def qr_svg(url: str, *, scale: int = 8) -> str:
    """The code as an SVG file, black on white with its quiet zone, for a web page."""
    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(
        out,
        kind="svg",
        scale=scale,
        border=QUIET,
        dark="#000",
        light="#fff",
        xmldecl=False,
        svgns=True,
    )
    return out.getvalue().decode("utf-8")
