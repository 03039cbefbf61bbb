"""The standings as a Rich table for the terminal (and as plain text for ``--format table --out``).

The table fits the width it is drawn at, whatever that is (a terminal, a
widget, a file): the columns that carry the result (rank, presenter, the
judges', audience and total scores) are always whole; the deck and topic
titles give way first, shortened between words with an ellipsis; then the
judges' detail is dropped (each judge's sum, then only their mean).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from rich import box
from rich.cells import cell_len, set_cell_size
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from ..core.event import Event
from ..core.scoring import Standings, StandingRow, format_score
from ..core.text import visible
from ._words import award_lines, criterion_label, event_date, rank_text, row_note, rule_text


DETAIL, SUMS, MEANS = "detail", "sums", "means"
"""How much of the judges' scoring the table shows, from most to least: every
score, each judge's sum, or only the judges' mean. The width decides."""

TITLE_MIN = 12
"""A title column narrower than this drops the judges' detail first, if there is any to drop."""

ELLIPSIS = "…"


def _text(value: str, style: str = "") -> Text:
    """Text from the event's files, with any control character escaped (and no markup read)."""
    return Text(visible(value), style=style)


def shorten(text: str, width: int) -> str:
    """``text`` in at most ``width`` cells: whole words and "…" when it is longer.

    Cuts inside a word only when the first word alone does not fit.
    """
    if cell_len(text) <= width:
        return text
    if width <= 1:
        return ELLIPSIS[:width]
    words = text.split()
    kept = ""
    for word in words:
        trial = f"{kept} {word}" if kept else word
        if cell_len(trial) + 1 > width:
            break
        kept = trial
    if not kept:
        return set_cell_size(text, width - 1).rstrip() + ELLIPSIS
    return kept.rstrip(" ,;:-–—") + ELLIPSIS


def _judge_cell(row: StandingRow, judge: str, criteria: list[str], level: str) -> str:
    """``7 · 8 · 9 = 33`` (``–`` for a missing criterion), or just the sum."""
    given = row.scores[judge]
    total = format_score(row.judge_totals[judge])
    if not given or level != DETAIL:
        return total
    sheet = " · ".join(format_score(given[c]) if c in given else "–" for c in criteria)
    return f"{sheet} = {total}" if total else sheet


@dataclass
class _Column:
    header: str
    cells: list[str]
    kind: str  # "fixed" (never cut), "name" (cut last) or "title" (cut first)
    right: bool = False
    bold: bool = False

    @property
    def natural(self) -> int:
        return max([cell_len(visible(self.header)), *(cell_len(visible(c)) for c in self.cells)])


def _columns(standings: Standings, level: str) -> list[_Column]:
    scoring = standings.scoring
    criteria = [c.name for c in scoring.criteria]
    rows = standings.rows
    columns = [
        _Column("Rank", [rank_text(r) for r in rows], "fixed", right=True),
        _Column("Presenter", [r.presenter for r in rows], "name"),
        _Column("Deck", [r.display_deck for r in rows], "title"),
    ]
    if any(r.topic for r in rows):
        columns.append(_Column("Topic", [r.topic or "" for r in rows], "title"))
    if level != MEANS:
        columns += [
            _Column(j, [_judge_cell(r, j, criteria, level) for r in rows], "fixed", right=True) for j in scoring.judges
        ]
    if scoring.judges:
        columns.append(_Column("Judges", [format_score(r.judges_total) for r in rows], "fixed", right=True))
    if scoring.audience:
        columns.append(_Column("Audience", [format_score(r.audience) for r in rows], "fixed", right=True))
    columns.append(_Column("Total", [format_score(r.total) for r in rows], "fixed", right=True, bold=True))
    return columns


def _frame(count: int) -> int:
    """Cells a table of ``count`` columns spends beside its content: padding, dividers and edges."""
    return 2 * count + count + 1


def _widths(columns: list[_Column], width: int | None) -> list[int] | None:
    """Width of each column in at most ``width`` cells, titles cut first, then names; None if even that is too wide.

    ``width`` None: every column at its natural width.
    """
    natural = [c.natural for c in columns]
    if width is None:
        return natural
    room = width - _frame(len(columns))
    fixed = sum(n for c, n in zip(columns, natural) if c.kind == "fixed")
    names = [n for c, n in zip(columns, natural) if c.kind == "name"]
    titles = [i for i, c in enumerate(columns) if c.kind == "title"]
    spare = room - fixed - sum(names)
    widths = list(natural)
    title_need = sum(natural[i] for i in titles)
    if title_need <= spare:
        return widths
    # Share what is left between the titles, the shorter ones kept whole where possible.
    floors = {i: min(natural[i], cell_len(columns[i].header)) for i in titles}
    if spare >= sum(floors.values()):
        _share(widths, titles, natural, spare)
        return widths
    for i in titles:
        widths[i] = floors[i]
    spare -= sum(floors.values())
    # Names give way too, down to their header.
    name_index = [i for i, c in enumerate(columns) if c.kind == "name"]
    for i in name_index:
        least = cell_len(columns[i].header)
        widths[i] = max(least, min(natural[i], natural[i] + spare))
        spare -= widths[i] - natural[i]
    if spare < 0:
        return None
    return widths


def _share(widths: list[int], titles: list[int], natural: list[int], spare: int) -> None:
    """Give ``spare`` cells to the title columns: each its natural width or an even share, whichever is less."""
    left = list(titles)
    while left:
        share = spare // len(left)
        small = [i for i in left if natural[i] <= share]
        if not small:
            for n, i in enumerate(left):
                widths[i] = share + (1 if n < spare - share * len(left) else 0)
            return
        for i in small:
            widths[i] = natural[i]
            spare -= natural[i]
            left.remove(i)


def _table(standings: Standings, event: Event, level: str, width: int | None) -> Table | None:
    """The table at ``level`` in at most ``width`` cells (None: natural width); None if it cannot fit."""
    scoring = standings.scoring
    columns = _columns(standings, level)
    widths = _widths(columns, width)
    if widths is None:
        return None
    if (
        width is not None
        and level != MEANS
        and any(c.kind == "title" and w < min(TITLE_MIN, c.natural) for c, w in zip(columns, widths))
    ):
        return None
    title = event.name + (f"  {event_date(event)}" if event.date else "")
    table = Table(title=_text(title), title_style="bold", header_style="bold", box=box.SIMPLE_HEAD)
    for column, cells in zip(columns, widths):
        table.add_column(
            _text(column.header),
            justify="right" if column.right else "left",
            no_wrap=True,
            width=cells,
            style="bold" if column.bold else None,
            overflow="ellipsis",
        )
    for index, row in enumerate(standings.rows):
        line = [shorten(visible(c.cells[index]), w) for c, w in zip(columns, widths)]
        style = "bold yellow" if row.rank == 1 else ("dim" if row.rank is None else None)
        table.add_row(*(Text(cell) for cell in line), style=style)
    if level == DETAIL and scoring.judges:
        table.caption = _text("Judge columns: " + " · ".join(criterion_label(c) for c in scoring.criteria) + " = sum")
    elif scoring.judges:
        table.caption = Text("Every judge's score: a wider terminal, or --format md or html")
    return table


def standings_grid(standings: Standings, event: Event, width: int | None) -> Table:
    """The standings table for ``width`` cells (None: every value whole, as wide as that takes).

    The judges' columns show every score when that fits with the titles at
    least ``TITLE_MIN`` wide, else each judge's sum, else only their mean;
    titles then names are shortened between words so the scores never are.
    """
    levels = [DETAIL, SUMS, MEANS] if standings.scoring.judges else [MEANS]
    for level in levels:
        table = _table(standings, event, level, width)
        if table is not None:
            return table
    # Narrower than the scores themselves: Rich squeezes what it must.
    fallback = _table(standings, event, MEANS, None)
    assert fallback is not None
    return fallback


class StandingsTable:
    """A renderable that lays the standings out for the width it is drawn at."""

    def __init__(self, standings: Standings, event: Event, *, whole: bool = False) -> None:
        self.standings = standings
        self.event = event
        self.whole = whole

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield standings_grid(self.standings, self.event, None if self.whole else options.max_width)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        table = standings_grid(self.standings, self.event, None if self.whole else options.max_width)
        return Measurement.get(console, options, table)


def results_table(
    standings: Standings, event: Event, console: Console | None = None, *, whole: bool = False, awards: bool = True
) -> RenderableType:
    """Title, standings, notes on missing scores, awards and the scoring rule.

    The table fits the width it is drawn at (see ``standings_grid``);
    ``whole``: every value in full, however wide. ``console`` is not needed
    (kept for callers that pass one). ``awards=False`` leaves out the winner,
    runners-up and fan favourite lines (standings shown before the reveal).
    """
    parts: list[RenderableType] = [StandingsTable(standings, event, whole=whole)]
    for row in standings.rows:
        note = row_note(row)
        if note:
            parts.append(Text.assemble(_text(f"{row.presenter}: ", "dim bold"), _text(note, "dim")))
    for label, text in award_lines(standings) if awards else []:
        parts.append(Text.assemble((f"{label}: ", "bold"), _text(text)))
    parts.append(_text(rule_text(standings.scoring), "dim"))
    return Group(*parts)


def _export(renderable: RenderableType, width: int, soft_wrap: bool) -> str:
    console = Console(
        file=io.StringIO(), width=width, color_system=None, force_terminal=False, record=True, soft_wrap=soft_wrap
    )
    console.print(renderable)
    return "\n".join(line.rstrip() for line in console.export_text().splitlines()) + "\n"


def table_text(standings: Standings, event: Event, width: int | None = None, *, awards: bool = True) -> str:
    """The standings as plain text: ``width`` columns wide, or (None) every value whole and every note on one line.

    Without a width nothing is ever cut, which is what a file or a pipe needs.
    """
    if width is not None:
        return _export(results_table(standings, event, awards=awards), width, soft_wrap=False)
    table = standings_grid(standings, event, None)
    wide = Console(width=100_000)
    natural = Measurement.get(wide, wide.options, table).maximum
    return _export(results_table(standings, event, whole=True, awards=awards), max(natural, 1), soft_wrap=True)
