"""Publishing the standings: exports (table, JSON, CSV, Markdown, HTML) and the results card.

Pure functions of :class:`~battledecks.core.scoring.Standings` and the event;
nothing here imports the terminal app.
"""

from typing import TYPE_CHECKING

from ..core.text import visible_lines
from .export import EXPORTERS, commitment_line, results_data, to_csv, to_html, to_json, to_markdown
from .table import results_table, table_text

if TYPE_CHECKING:
    from .card import SIZE as CARD_SIZE
    from .card import card_image, render_card

FORMATS = ("table", "json", "csv", "md", "html")
"""Every ``--format`` the ``results`` command knows."""


def export(standings, event, fmt: str, commitment: str | None = None) -> str:  # noqa: ANN001
    """The standings as text in format ``fmt`` (one of :data:`FORMATS`), with the draw's commitment if given."""
    if fmt == "table":
        text = table_text(standings, event)
        return text + (f"{commitment_line(commitment)}\n" if commitment else "")
    if fmt == "json":
        return EXPORTERS[fmt](standings, event, commitment)  # JSON escapes control characters itself
    # A control character from a name is shown as an escape: printed or opened, the file is harmless.
    return visible_lines(EXPORTERS[fmt](standings, event, commitment))


def __getattr__(name: str) -> object:
    """The results card's names, imported on first use: the card needs Pillow and the fonts, the table does not."""
    if name in ("CARD_SIZE", "card_image", "render_card"):
        from . import card

        return getattr(card, "SIZE" if name == "CARD_SIZE" else name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "CARD_SIZE",
    "EXPORTERS",
    "FORMATS",
    "card_image",
    "commitment_line",
    "export",
    "render_card",
    "results_data",
    "results_table",
    "table_text",
    "to_csv",
    "to_html",
    "to_json",
    "to_markdown",
]
