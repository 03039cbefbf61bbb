"""Publishing the standings: exports (table, JSON, CSV, Markdown, HTML) and the results card.

Pure functions of :class:`~battledecks.core.scoring.Standings` and the event;
nothing here imports the terminal app.
"""

from ..core.text import visible_lines
from .card import SIZE as CARD_SIZE
from .card import card_image, render_card
from .export import EXPORTERS, results_data, to_csv, to_html, to_json, to_markdown
from .table import results_table, table_text

FORMATS = ("table", "json", "csv", "md", "html")
"""Every ``--format`` the ``results`` command knows."""


def export(standings, event, fmt: str) -> str:  # noqa: ANN001
    """The standings as text in format ``fmt`` (one of :data:`FORMATS`)."""
    if fmt == "table":
        return table_text(standings, event)
    if fmt == "json":
        return EXPORTERS[fmt](standings, event)  # JSON escapes control characters itself
    # A control character from a name is shown as an escape: printed or opened, the file is harmless.
    return visible_lines(EXPORTERS[fmt](standings, event))


__all__ = [
    "CARD_SIZE", "EXPORTERS", "FORMATS", "card_image", "export", "render_card", "results_data",
    "results_table", "table_text", "to_csv", "to_html", "to_json", "to_markdown",
]
