"""The standings as files to publish: JSON, CSV, Markdown and one self-contained HTML page.

Each carries the fingerprint of the draw's commitment when the event has one
(``commitment``), so whoever reads the results can check the draws against it
with ``battledecks verify``.
"""

from __future__ import annotations

import io
import re
from typing import Any

from ..core.event import Event
from ..core.scoring import Standings, format_score
from ..core.text import json_text
from ._words import Column, award_lines, criterion_label, event_date, judge_sum, rule_text, standings_columns

FILE_PLACES = 6
"""Decimals kept for numbers in CSV (a mean of three judges is 1/3s)."""


VERIFY_NOTE = "every draw can be checked against it with: battledecks verify EVENT --expect"


def commitment_line(commitment: str) -> str:
    """The line the Markdown and HTML results end with."""
    return f"Draws committed in advance: sha256:{commitment}; {VERIFY_NOTE} {commitment[:12]}"


def results_data(standings: Standings, event: Event, commitment: str | None = None) -> dict[str, Any]:
    """The standings as plain data (what ``--format json`` prints)."""
    scoring = standings.scoring
    awards = standings.awards
    sd = standings.sudden_death
    return {
        "event": event.name,
        "date": event_date(event) or None,
        "scoring": {
            "scale": [scoring.low, scoring.high, scoring.step],
            "judges": list(scoring.judges),
            "criteria": [{"name": c.name, "weight": c.weight} for c in scoring.criteria],
            "audience": scoring.audience,
            "audience_weight": scoring.audience_weight,
            "tiebreak": scoring.tiebreak,
        },
        "presenters": [
            {
                "name": row.presenter,
                "deck": row.deck_title or row.deck,
                "deck_id": row.deck,
                "topic": row.topic,
                "status": row.status,
                "rank": row.rank,
                "tied": row.tied,
                "total": row.total,
                "judges_total": row.judges_total,
                "audience": row.audience,
                "audience_votes": row.audience_votes,
                "judge_totals": dict(row.judge_totals),
                "scores": {judge: dict(given) for judge, given in row.scores.items()},
                "absent_judges": list(row.absent_judges),
                "incomplete_judges": list(row.incomplete_judges),
                "sudden_death": {str(r): t for r, t in sorted(row.sudden_death.items())},
            }
            for row in standings.rows
        ],
        "awards": {
            "winners": list(awards.winners),
            "decided_by": awards.decided_by or None,
            "runners_up": [{"name": name, "rank": rank} for rank, name in awards.runners_up],
            "fan_favourites": list(awards.fan_favourites),
            "fan_score": awards.fan_score,
        },
        "sudden_death": {"round": sd.round, "presenters": list(sd.presenters)} if sd else None,
        "draw_commitment": commitment,
    }


def to_json(standings: Standings, event: Event, commitment: str | None = None) -> str:
    return json_text(results_data(standings, event, commitment), indent=2) + "\n"


def _awards_of(standings: Standings) -> dict[str, list[str]]:
    """Presenter -> the awards they won, in words."""
    won: dict[str, list[str]] = {}
    awards = standings.awards
    first = "tied for first" if awards.decided_by == "pending" else "winner"
    for name in awards.winners:
        won.setdefault(name, []).append(first)
    for _, name in awards.runners_up:
        won.setdefault(name, []).append("runner-up")
    for name in awards.fan_favourites:
        won.setdefault(name, []).append("fan favourite")
    return won


def to_csv(standings: Standings, event: Event, commitment: str | None = None) -> str:
    """One line a presenter: rank, talk, every judge's score on every criterion, totals, awards."""
    import csv

    scoring = standings.scoring
    num = lambda value: format_score(value, FILE_PLACES)  # noqa: E731
    header = ["rank", "presenter", "deck", "topic", "status"]
    header += [f"{judge}: {c.name}" for judge in scoring.judges for c in scoring.criteria]
    header += [f"{judge}: total" for judge in scoring.judges]
    header += ["judges total", "audience", "total", "tied", "awards", "event", "date"]
    if commitment:
        header.append("draw commitment")
    votes = scoring.audience_vote is not None
    if votes:
        header.insert(header.index("audience") + 1, "audience votes")
    won = _awards_of(standings)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in standings.rows:
        line = ["" if row.rank is None else row.rank, row.presenter, row.display_deck, row.topic or "", row.status]
        line += [num(row.scores[judge].get(c.name)) for judge in scoring.judges for c in scoring.criteria]
        line += [num(row.judge_totals[judge]) for judge in scoring.judges]
        line += [num(row.judges_total), num(row.audience)]
        if votes:
            line.append("" if row.audience_votes is None else row.audience_votes)
        line += [
            num(row.total),
            "yes" if row.tied else "",
            "; ".join(won.get(row.presenter, [])),
            event.name,
            event_date(event),
        ]
        if commitment:
            line.append(f"sha256:{commitment}")
        writer.writerow(line)
    return out.getvalue()


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|&#])")


def _md(text: object) -> str:
    """Text that shows as typed in Markdown, table cells included: no emphasis, links or HTML from a name."""
    return _MD_SPECIAL.sub(r"\\\1", str(text).replace("\n", " "))


def _md_table(header: list[str], rows: list[list[str]], right: set[int]) -> list[str]:
    lines = ["| " + " | ".join(_md(h) for h in header) + " |"]
    lines.append("|" + "|".join("---:" if i in right else "---" for i in range(len(header))) + "|")
    lines += ["| " + " | ".join(_md(c) for c in row) + " |" for row in rows]
    return lines


def to_markdown(standings: Standings, event: Event, commitment: str | None = None) -> str:
    scoring = standings.scoring
    date = event_date(event)
    lines = [f"# {_md(event.name)}", ""]
    if date:
        lines += [f"*{date}*", ""]
    for label, text in award_lines(standings):
        lines.append(f"- **{label}:** {_md(text)}")
    lines.append("")
    columns = standings_columns(standings)
    header = [c.title for c in columns]
    rows = [list(cells) for cells in zip(*(c.cells for c in columns))]
    numeric = {i for i, c in enumerate(columns) if c.numeric}
    lines += ["## Standings", "", *_md_table(header, rows, numeric), ""]
    if scoring.judges:
        lines += ["## Score sheets", ""]
        crit = [criterion_label(c) for c in scoring.criteria]
        for row in standings.rows:
            if not any(row.scores.values()):
                continue
            lines += [f"### {_md(row.presenter)}" + (f": {_md(row.display_deck)}" if row.display_deck else ""), ""]
            sheet = [
                [judge, *(format_score(row.scores[judge].get(c.name)) for c in scoring.criteria), judge_sum(row, judge)]
                for judge in scoring.judges
            ]
            lines += [*_md_table(["Judge", *crit, "Sum"], sheet, set(range(1, len(crit) + 2))), ""]
    lines += [f"*{_md(rule_text(scoring))}*", ""]
    if commitment:
        lines += [f"*{_md(commitment_line(commitment))}*", ""]
    return "\n".join(lines)


_CSS = """
:root { --ink: #1d2433; --muted: #5b6478; --line: #dfe3ea; --paper: #ffffff; --wash: #f4f6f9;
        --gold: #c9971c; --silver: #8b95a5; --bronze: #b0683a; --accent: #2f5fd0; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--wash); color: var(--ink);
       font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1100px; margin: 0 auto; padding: 32px 20px 48px; }
header h1 { margin: 0; font-size: 2.2rem; line-height: 1.2; }
header p { margin: 4px 0 0; color: var(--muted); }
.awards { display: grid; grid-template-columns: repeat(auto-fit, minmax(220px, 1fr)); gap: 14px; margin: 24px 0; }
.award { background: var(--paper); border: 1px solid var(--line); border-top: 6px solid var(--accent);
         border-radius: 10px; padding: 14px 16px; }
.award h2 { margin: 0 0 4px; font-size: .8rem; letter-spacing: .08em; text-transform: uppercase; color: var(--muted); }
.award p { margin: 0; font-size: 1.15rem; font-weight: 600; }
.award.first { border-top-color: var(--gold); } .award.second { border-top-color: var(--silver); }
.award.fans { border-top-color: var(--bronze); }
section { background: var(--paper); border: 1px solid var(--line); border-radius: 10px; padding: 16px 18px; margin: 18px 0; }
section > h2 { margin: 0 0 12px; font-size: 1.25rem; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; }
th, td { padding: 7px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
th { font-size: .85rem; color: var(--muted); font-weight: 600; white-space: nowrap; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.r1 td { background: #fff8e6; } tr.unranked td { color: var(--muted); }
td.total { font-weight: 700; }
.note { color: var(--muted); font-size: .85rem; }
.sheets { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 30rem), 1fr)); gap: 16px; }
.sheet h3 { margin: 0 0 6px; font-size: 1rem; } .sheet h3 span { color: var(--muted); font-weight: 400; }
footer { color: var(--muted); font-size: .9rem; margin-top: 24px; }
"""


def to_html(standings: Standings, event: Event, commitment: str | None = None) -> str:
    """One HTML file with its style inline and no external assets; every name is escaped."""
    import html

    e = lambda text: html.escape(str(text), quote=True)  # noqa: E731
    scoring = standings.scoring
    date = event_date(event)
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(event.name)}: results</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body><main>",
        f"<header><h1>{e(event.name)}</h1>" + (f"<p>{e(date)}</p>" if date else "") + "</header>",
    ]
    lines = award_lines(standings)
    if lines:
        out.append('<div class="awards">')
        for label, text in lines:
            award = {
                "Winner": "first",
                "Winners": "first",
                "Tied for first": "first",
                "Runner-up": "second",
                "Runners-up": "second",
            }.get(label, "fans" if label.startswith("Fan") else "")
            out.append(f'<div class="award {award}"><h2>{e(label)}</h2><p>{e(text)}</p></div>')
        out.append("</div>")

    columns = standings_columns(standings)
    styles = {"Total": "n total", "Notes": "note"}

    def css_class(column: Column) -> str:
        name = styles.get(column.title, "n" if column.numeric else "")
        return f' class="{name}"' if name else ""

    head = "".join(f"<th{css_class(c)}>{e(c.title)}</th>" for c in columns)
    out += ['<section><h2>Standings</h2><div class="scroll"><table>', f"<thead><tr>{head}</tr></thead><tbody>"]
    for index, row in enumerate(standings.rows):
        cls = "unranked" if row.rank is None else f"r{row.rank}"
        cells = "".join(f"<td{css_class(c)}>{e(c.cells[index])}</td>" for c in columns)
        out.append(f'<tr class="{cls}">{cells}</tr>')
    out.append("</tbody></table></div></section>")

    if scoring.judges and any(any(r.scores.values()) for r in standings.rows):
        out.append('<section><h2>Score sheets</h2><div class="sheets">')
        for row in standings.rows:
            if not any(row.scores.values()):
                continue
            deck = f" <span>{e(row.display_deck)}</span>" if row.display_deck else ""
            out.append(f'<div class="sheet"><h3>{e(row.presenter)}{deck}</h3><div class="scroll"><table>')
            out.append(
                "<thead><tr><th>Judge</th>"
                + "".join(f'<th class="n">{e(criterion_label(c))}</th>' for c in scoring.criteria)
                + '<th class="n">Sum</th></tr></thead><tbody>'
            )
            for judge in scoring.judges:
                values = "".join(
                    f'<td class="n">{e(format_score(row.scores[judge].get(c.name)))}</td>' for c in scoring.criteria
                )
                out.append(f'<tr><td>{e(judge)}</td>{values}<td class="n total">{e(judge_sum(row, judge))}</td></tr>')
            out.append("</tbody></table></div></div>")
        out.append("</div></section>")
    committed = f"<p>{e(commitment_line(commitment))}</p>" if commitment else ""
    out += [f"<footer><p>{e(rule_text(scoring))}</p>{committed}</footer>", "</main></body>", "</html>", ""]
    return "\n".join(out)


EXPORTERS = {"json": to_json, "csv": to_csv, "md": to_markdown, "html": to_html}
"""Format name -> function(standings, event, commitment=None) -> text."""
