"""Check decks folders, single decks and event files before the night.

Reports every problem at once, one line each, naming the file (and the line
of a YAML file): slides that do not decode or are too large to open safely,
decks with the wrong number of slides, stray files, the same image in two
decks, bad deck.yaml and event files, and whether an event has enough decks
to draw for its presenters. Nothing is written or changed, and no slide is
ever shown. With --render, every PDF deck's pages are drawn into the page
cache (still shown to nobody), so the stage never waits for them, and blank
pages are warned about. Exits 0 when there are no errors (warnings are fine),
1 otherwise.

In a terminal the problems are a table; through a pipe or into a file they
are plain lines, "path:line: severity: problem" as compilers and linters
write them, so grep and editors can read them.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.checks import DEFAULT_SLIDES, CheckReport, check_paths, render_pdf_decks
from ..core.checks import cache as check_cache
from ..core.decks import Deck
from ..core.problems import Problem
from ..core.text import json_text, visible
from ._args import positive

if TYPE_CHECKING:
    from rich.console import Console

NAME = "check"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="+",
        type=Path,
        metavar="PATH",
        help="a decks folder, a deck folder, an event file (.yaml) or a folder of event files",
    )
    parser.add_argument(
        "--slides",
        type=positive,
        metavar="N",
        help=f"slides each deck needs (default {DEFAULT_SLIDES}); an event file's own 'slides' applies to its decks",
    )
    parser.add_argument(
        "--render",
        action="store_true",
        help="also draw every PDF deck's pages into the page cache (nothing is shown), so the stage finds them ready; "
        "blank pages are warned about",
    )
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="decode every slide again, ignoring the results kept from earlier checks (and keep none of this one)",
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")


def _print_table(report: CheckReport, console: Console) -> None:
    # Rich only for a terminal: through a pipe the check prints plain lines and starts quicker.
    from rich.table import Table
    from rich.text import Text

    if report.problems:
        table = Table(show_edge=False, header_style="bold")
        table.add_column("path", overflow="fold")
        table.add_column("line", justify="right")
        table.add_column("severity")
        table.add_column("problem", overflow="fold")
        for p in report.problems:
            style = "bold red" if p.is_error else "yellow"
            message = f"{p.key}: {p.message}" if p.key else p.message
            # Text, not markup: file names may hold [brackets].
            # Escaped: names and paths with control characters must not reach the terminal raw.
            table.add_row(
                Text(visible(p.path)),
                Text(str(p.line or "")),
                Text(p.severity.value, style=style),
                Text(visible(message)),
            )
        console.print(table)
    for event in report.events:
        style = {True: "green", False: "bold red", None: ""}[event.enough]
        console.print(Text.assemble((visible(event.path), ""), ": ", (visible(event.describe()), style)))
    console.print(Text(report.describe(), style="bold red" if not report.ok else "bold green"))


def problem_line(problem: Problem) -> str:
    """``path:line: severity: key: message``, escaped, on one line."""
    key = f"{problem.key}: " if problem.key else ""
    return visible(f"{problem.where}: {problem.severity.value}: {key}{problem.message}")


def _print_lines(report: CheckReport) -> None:
    for problem in report.problems:
        print(problem_line(problem))
    for event in report.events:
        print(visible(f"{event.path}: {event.describe()}"))
    print(report.describe())


@contextmanager
def _page_progress(show: bool) -> Iterator[Callable[[Deck, int, int], None] | None]:
    """A progress bar of pages drawn, on stderr, when it is a terminal; it names decks, never shows a page."""
    if not show:
        yield None
        return
    from rich.console import Console
    from rich.markup import escape
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        transient=True,
        console=Console(stderr=True),
    ) as bar:
        tasks: dict[str, TaskID] = {}

        def update(deck: Deck, done: int, pages: int) -> None:
            if deck.id not in tasks:
                tasks[deck.id] = bar.add_task(escape(f"drawing {visible(deck.id)}"), total=pages)
            bar.update(tasks[deck.id], completed=done)

        yield update


@contextmanager
def _slide_progress(bar: bool) -> Iterator[check_cache.Progress | None]:
    """A bar of the slides being decoded, on stderr when it is a terminal; nothing through a pipe or to a file."""
    if not bar:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(
        TextColumn("checking slides"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        transient=True,
        console=Console(stderr=True),
    ) as progress:
        task = progress.add_task("slides", total=None)

        def update(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        yield update


def run(args: argparse.Namespace) -> int:
    if args.no_cache:
        check_cache.enabled = False
    try:
        with _slide_progress(sys.stderr.isatty() and not args.json) as progress:
            report = check_paths(args.paths, slides=args.slides, progress=progress)
        if args.render:
            with _page_progress(sys.stderr.isatty() and not args.json) as on_page:
                render_pdf_decks(report, on_page=on_page)
    except Exception as error:  # noqa: BLE001 - the check reports problems, never a traceback
        print(f"battledecks check: could not finish: {type(error).__name__}: {visible(error)}", file=sys.stderr)
        return 1
    if args.json:
        print(json_text(report.as_dict(), indent=2))
    elif sys.stdout.isatty():
        from rich.console import Console

        _print_table(report, Console(highlight=False))
    else:
        _print_lines(report)
    return 0 if report.ok else 1
