"""The standings as a Rich table for the terminal (and as plain text for ``--format table --out``)."""

from __future__ import annotations

import io

from rich import box
from rich.console import Console, Group, RenderableType
from rich.cells import cell_len
from rich.table import Table
from rich.text import Text

from ..core.event import Event
from ..core.scoring import Standings, StandingRow, format_score
from ..core.text import visible
from ._words import award_lines, criterion_label, event_date, rank_text, row_note, rule_text


DETAIL, SUMS, MEANS = "detail", "sums", "means"
"""How much of the judges' scoring the table shows, from most to least: every
score, each judge's sum, or only the judges' mean. The terminal's width decides."""


def _text(value: str, style: str = "") -> Text:
    """Text from the event's files, with any control character escaped (and no markup read)."""
    return Text(visible(value), style=style)


def _judge_cell(row: StandingRow, judge: str, criteria: list[str], level: str) -> str:
    """``7 · 8 · 9 = 33`` (``–`` for a missing criterion), or just the sum."""
    given = row.scores[judge]
    total = format_score(row.judge_totals[judge])
    if not given or level != DETAIL:
        return total
    sheet = " · ".join(format_score(given[c]) if c in given else "–" for c in criteria)
    return f"{sheet} = {total}" if total else sheet


def _needed_width(table: Table) -> int:
    """Columns the table needs with its no-wrap columns whole and the others at their minimum."""
    needed = len(table.columns) + 1  # the space between columns and at both edges
    for column in table.columns:
        if column.no_wrap:
            cells = [cell_len(str(c)) for c in column.cells]
            width = max([cell_len(str(column.header)), *cells])
        else:
            width = column.min_width or 1
        needed += width + 2  # padding
    return needed


def _table(standings: Standings, event: Event, level: str) -> Table:
    scoring = standings.scoring
    criteria = [c.name for c in scoring.criteria]
    rows = standings.rows
    topics = any(r.topic for r in rows)
    judges = scoring.judges if level != MEANS else ()
    title = event.name + (f"  {event_date(event)}" if event.date else "")
    # Names go in as Text: a "[" in a name must not be read as Rich markup.
    table = Table(title=_text(title), title_style="bold", header_style="bold", box=box.SIMPLE_HEAD)
    table.add_column("Rank", justify="right", no_wrap=True)
    # Names are what people look for: never cut them.
    table.add_column("Presenter", min_width=min(24, max((cell_len(r.presenter) for r in rows), default=0)))
    table.add_column("Deck", min_width=12)
    if topics:
        table.add_column("Topic", min_width=12)
    cells = {j: [_judge_cell(r, j, criteria, level) for r in rows] for j in judges}
    for judge in judges:
        table.add_column(_text(judge), justify="right", no_wrap=True)
    if scoring.judges:
        table.add_column("Judges", justify="right", no_wrap=True)
    if scoring.audience:
        table.add_column("Audience", justify="right", no_wrap=True)
    table.add_column("Total", justify="right", style="bold", no_wrap=True)
    for index, row in enumerate(rows):
        line = [rank_text(row), row.presenter, row.display_deck]
        if topics:
            line.append(row.topic or "")
        line += [cells[judge][index] for judge in judges]
        if scoring.judges:
            line.append(format_score(row.judges_total))
        if scoring.audience:
            line.append(format_score(row.audience))
        line.append(format_score(row.total))
        table.add_row(*map(_text, line), style="bold yellow" if row.rank == 1 else ("dim" if row.rank is None else None))
    if level == DETAIL and scoring.judges:
        table.caption = _text("Judge columns: " + " · ".join(criterion_label(c) for c in scoring.criteria) + " = sum")
    elif scoring.judges:
        table.caption = Text("Every judge's score: a wider terminal, or --format md or html")
    return table


def results_table(standings: Standings, event: Event, console: Console | None = None) -> RenderableType:
    """Title, standings, notes on missing scores, awards and the scoring rule.

    The judges' columns show every score when the table fits ``console``'s
    width, else each judge's sum, else only the judges' mean.
    """
    levels = [DETAIL, SUMS, MEANS] if standings.scoring.judges else [MEANS]
    for level in levels:
        table = _table(standings, event, level)
        if console is None or _needed_width(table) <= console.width:
            break
    parts: list[RenderableType] = [table]
    for row in standings.rows:
        note = row_note(row)
        if note:
            parts.append(Text.assemble(_text(f"{row.presenter}: ", "dim bold"), _text(note, "dim")))
    for label, text in award_lines(standings):
        parts.append(Text.assemble((f"{label}: ", "bold"), _text(text)))
    parts.append(_text(rule_text(standings.scoring), "dim"))
    return Group(*parts)


def table_text(standings: Standings, event: Event, width: int = 160) -> str:
    """The table as plain text, ``width`` columns wide, for writing to a file."""
    console = Console(file=io.StringIO(), width=width, color_system=None, force_terminal=False, record=True)
    console.print(results_table(standings, event, console))
    return "\n".join(line.rstrip() for line in console.export_text().splitlines()) + "\n"
