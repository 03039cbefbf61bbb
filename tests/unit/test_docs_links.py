"""The README, CONTRIBUTING.md and the guides in docs/ hold together.

Every relative link leads to a file that exists, and every ``#anchor`` names a
heading of its target as GitHub makes it into an id. The README stays short,
its commands table names every subcommand and option, its test command is the
one ``.ci/run`` runs, and the event file reference names every key the event
file knows, its example loading as a valid event.
"""

from __future__ import annotations

import argparse
import importlib
import re
from pathlib import Path
from urllib.parse import unquote

import pytest

from battledecks.cli import COMMANDS
from battledecks.core import event as event_module
from battledecks.core.event import load_event

ROOT = Path(__file__).resolve().parents[2]
GUIDES = ("host", "organizers", "room", "event-file", "scoring", "performance", "architecture")
DOCUMENTS = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").glob("*.md"))]

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_INLINE_CODE = re.compile(r"(`+)(.+?)\1")
_LINK = re.compile(
    r"!?\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\(\s*<?([^()\s<>]*(?:\([^()\s]*\)[^()\s<>]*)*)>?(?:\s+\"[^\"]*\")?\s*\)"
)
_HTML_ANCHOR = re.compile(r"<a\s+(?:name|id)=\"([^\"]+)\"", re.IGNORECASE)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def prose(text: str) -> list[tuple[int, str]]:
    """The lines of a Markdown text outside fenced code blocks, numbered from 1."""
    lines: list[tuple[int, str]] = []
    fence: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        match = _FENCE.match(line)
        if fence is None and match:
            fence = match.group(1)
        elif fence is not None and match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
            fence = None
        elif fence is None:
            lines.append((number, line))
    return lines


def slug(heading: str) -> str:
    """The id GitHub gives a heading: its text, lowercase, punctuation dropped, spaces as hyphens."""
    text = _LINK.sub(lambda m: m.group(1), heading)
    text = _INLINE_CODE.sub(lambda m: m.group(2), text)
    text = re.sub(r"<[^>]+>", "", text)
    text = text.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """Every anchor a link may name in ``path``: its headings' ids (a repeated one numbered -1, -2, ...)."""
    found: set[str] = set()
    seen: dict[str, int] = {}
    for _, line in prose(path.read_text(encoding="utf-8")):
        found.update(_HTML_ANCHOR.findall(line))
        match = _HEADING.match(line)
        if not match:
            continue
        base = slug(match.group(1))
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return found


def links(path: Path) -> list[tuple[int, str]]:
    """The link targets in ``path`` outside code, with their line numbers."""
    found: list[tuple[int, str]] = []
    for number, line in prose(path.read_text(encoding="utf-8")):
        line = _INLINE_CODE.sub("", line)
        found.extend((number, m.group(2)) for m in _LINK.finditer(line))
    return found


def broken_links(path: Path, root: Path = ROOT) -> list[str]:
    """Each relative link in ``path`` that leads nowhere, as ``file:line: target: why``."""
    broken: list[str] = []
    for number, target in links(path):
        if not target or _SCHEME.match(target) or target.startswith("//"):
            continue
        file_part, _, anchor = target.partition("#")
        if not file_part:
            goal = path
        elif file_part.startswith("/"):
            goal = root / unquote(file_part.lstrip("/"))
        else:
            goal = path.parent / unquote(file_part)
        where = f"{path.name}:{number}: {target}"
        if not goal.exists():
            broken.append(f"{where}: no such file")
        elif anchor and goal.suffix == ".md" and unquote(anchor) not in anchors(goal):
            broken.append(f"{where}: no heading #{anchor} in {goal.name}")
        elif anchor and goal.is_dir():
            broken.append(f"{where}: a folder has no anchors")
    return broken


def test_the_guides_are_there() -> None:
    assert (ROOT / "CONTRIBUTING.md").is_file()
    for guide in GUIDES:
        assert (ROOT / "docs" / f"{guide}.md").is_file(), guide
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    linked = {target for _, target in links(ROOT / "README.md")}
    for guide in GUIDES:
        assert f"docs/{guide}.md" in linked, f"the README does not link docs/{guide}.md"
    assert "CONTRIBUTING.md" in linked
    assert readme.count("\n") <= 200, "the README is for users: at most 200 lines, the rest goes in docs/"


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_and_anchor_resolves(document: Path) -> None:
    assert broken_links(document) == []


def test_a_broken_link_or_anchor_is_found(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "other.md").write_text("# Other\n\n## The `screen` command: a room's view\n", encoding="utf-8")
    (tmp_path / "pic.png").write_bytes(b"")
    page = tmp_path / "page.md"
    page.write_text(
        "# Page\n"
        "\n"
        "## Two words\n"
        "\n"
        "## Two words\n"
        "\n"
        "Fine: [here](#two-words), [again](#two-words-1), [there](docs/other.md),\n"
        "[a heading there](docs/other.md#the-screen-command-a-rooms-view), ![a picture](pic.png),\n"
        "[the web](https://example.com/missing.md), [a folder](docs/), [root](/docs/other.md).\n"
        "Not links: `[in code](missing-in-code.md)`, and in a block:\n"
        "\n"
        "```md\n"
        "[fenced](missing-fenced.md)\n"
        "```\n"
        "\n"
        "Broken: [gone](missing.md), [no such heading](#three-words),\n"
        "[no heading there](docs/other.md#nowhere), ![no picture](docs/pic.png).\n",
        encoding="utf-8",
    )
    assert broken_links(page, root=tmp_path) == [
        "page.md:16: missing.md: no such file",
        "page.md:16: #three-words: no heading #three-words in page.md",
        "page.md:17: docs/other.md#nowhere: no heading #nowhere in other.md",
        "page.md:17: docs/pic.png: no such file",
    ]


@pytest.mark.parametrize(
    ("heading", "expected"),
    [
        ("The host's night", "the-hosts-night"),
        ("`/stage` in a browser", "stage-in-a-browser"),
        ("After a crash or a kill: the record", "after-a-crash-or-a-kill-the-record"),
        ("Pause, skip and abort", "pause-skip-and-abort"),
        ("The room: the audience stream and the phones' votes", "the-room-the-audience-stream-and-the-phones-votes"),
        ("Vet a deck without spoiling it", "vet-a-deck-without-spoiling-it"),
        ("Time, randomness and paths come from the edges", "time-randomness-and-paths-come-from-the-edges"),
        ("snake_case and [a link](x.md)", "snake_case-and-a-link"),
    ],
)
def test_anchors_are_made_as_github_makes_them(heading: str, expected: str) -> None:
    assert slug(heading) == expected


def _commands_table() -> dict[str, str]:
    """The README's commands table: each subcommand's row (its usage and what it does)."""
    rows: dict[str, str] = {}
    for _, line in prose((ROOT / "README.md").read_text(encoding="utf-8")):
        match = re.match(r"\| `battledecks (\w+)", line)
        if match:
            rows[match.group(1)] = line
    return rows


@pytest.mark.parametrize("command", list(COMMANDS))
def test_the_commands_table_names_every_subcommand_and_option(command: str) -> None:
    row = _commands_table().get(command)
    assert row is not None, f"the README's commands table has no row for `battledecks {command}`"
    parser = argparse.ArgumentParser()
    importlib.import_module(f"battledecks.commands.{command.replace('import', 'import_')}").add_arguments(parser)
    options = {o for a in parser._actions for o in a.option_strings if o.startswith("--") and o != "--help"}
    missing = sorted(o for o in options if not re.search(re.escape(o) + r"\b", row))
    assert missing == [], f"`battledecks {command}` options missing from the README's row: {missing}"


def test_the_readme_gives_the_test_command_that_ci_runs() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    command = next(line for line in ci if line.startswith("python3 -m venv .venv"))
    assert command in (ROOT / "README.md").read_text(encoding="utf-8").splitlines()


def test_the_event_file_reference_names_every_key_and_value() -> None:
    text = (ROOT / "docs" / "event-file.md").read_text(encoding="utf-8")
    keys = event_module._TOP_KEYS | event_module._SCORING_KEYS | event_module._CRITERION_KEYS | {"vote", "when"}
    values = (
        *event_module.ORDERS,
        *event_module.TIEBREAKS,
        *event_module.VOTES,
        *event_module.VOTE_WHEN,
        *event_module.GRAPHICS,
    )
    missing = sorted(k for k in keys if f"`{k}`" not in text and f"{k}:" not in text)
    assert "decks" in keys and "tiebreak" in keys and "weight" in keys
    assert missing == [], f"keys missing from docs/event-file.md: {missing}"
    missing = sorted(v for v in values if not re.search(rf"(?<![\w-]){re.escape(v)}(?![\w-])", text))
    assert missing == [], f"values missing from docs/event-file.md: {missing}"


def test_the_event_file_references_example_is_a_valid_event(tmp_path: Path) -> None:
    text = (ROOT / "docs" / "event-file.md").read_text(encoding="utf-8")
    example = re.search(r"```yaml\n(.*?)```", text, re.DOTALL)
    assert example is not None
    (tmp_path / "decks").mkdir()
    (tmp_path / "events").mkdir()
    path = tmp_path / "events" / "example.yaml"
    path.write_text(example.group(1), encoding="utf-8")
    event = load_event(path)
    assert (event.slides, event.seconds, event.countdown, event.order, event.graphics) == (12, 300, 3, "random", "auto")
    assert event.scoring.tiebreak == "none" and event.scoring.audience


def test_the_readme_console_examples_name_real_commands() -> None:
    for _, line in prose((ROOT / "README.md").read_text(encoding="utf-8")):
        for found in re.findall(r"`(battledecks [^`]*)`", line):
            words = found.split()
            if len(words) > 1 and words[1][0] not in "-[":
                assert words[1] in COMMANDS, f"the README names `{found}`: no such command"
