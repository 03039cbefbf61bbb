"""Bytes written to the terminal beside Textual's own frames: sixel and kitty pictures.

Textual 8 has no public call that writes raw bytes to the terminal (its
frames are strips of styled text). Pictures need it, so the one use of
Textual's private driver is here, and ``tests/ui/test_raw_output.py``
fails loudly if Textual renames it or changes what it takes.
"""

from __future__ import annotations

from textual.app import App


def write_raw(app: App[object], data: str) -> int:
    """Write ``data`` to the terminal now, between two of Textual's frames.

    Returns:
        Characters written: 0 when there is no terminal (headless tests
        still have a driver, which writes nowhere) or nothing to write.
    """
    driver = getattr(app, "_driver", None)
    if driver is None or not data:
        return 0
    driver.write(data)
    driver.flush()
    return len(data)
