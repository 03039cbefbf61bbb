"""The event file: strict validation, every problem with its key and line."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from battledecks.core.event import Criterion, Scoring, load_event, read_event, record_path_for
from battledecks.core.problems import Problem, ProblemsError

BASE = "name: Test night\ndecks: decks\npresenters: [Ada, Grace]\n"
"""Lines 1-3 of every file below: the three required keys."""


def event_file(tmp_path: Path, text: str) -> Path:
    (tmp_path / "decks").mkdir(exist_ok=True)
    path = tmp_path / "night.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def problems(tmp_path: Path, text: str) -> list[Problem]:
    path = event_file(tmp_path, text)
    event, found = read_event(path)
    if found:
        assert event is None, "an event with errors must not be usable"
    assert all(p.path == path and p.is_error for p in found)
    return found


def only(tmp_path: Path, text: str) -> Problem:
    found = problems(tmp_path, text)
    assert len(found) == 1, [str(p) for p in found]
    return found[0]


def test_defaults(tmp_path: Path) -> None:
    event = load_event(event_file(tmp_path, BASE))
    assert event.name == "Test night"
    assert event.decks == (tmp_path / "decks").resolve()
    assert event.presenters == ("Ada", "Grace")
    assert (event.date, event.slides, event.seconds, event.countdown) == (None, 12, 300, 3)
    assert (event.order, event.reuse, event.topics, event.graphics) == ("random", False, (), "auto")
    assert event.scoring == Scoring()
    assert event.scoring.criteria == (Criterion("Overall", 1.0),)
    assert (event.scoring.low, event.scoring.high, event.scoring.step) == (1, 10, 1)
    assert event.scoring.audience is True and event.scoring.judges == ()
    assert event.period == 25
    assert event.record_path == tmp_path / "night.record.yaml"


FULL = """\
# every key
name: Battledecks! 2010
date: 2010-04-13
decks: ./decks
slides: 10
seconds: 240
countdown: 0
order: listed
reuse: true
graphics: halfcell
presenters:
  - Janie Hermann
  - Angie Manfredi
topics: [Cats, Space]
scoring:
  scale: [0, 5, 0.5]
  judges: [Jessamyn West, Stephen Abram]
  criteria:
    - Style
    - {name: Fit to the slides, weight: 2}
  audience: {weight: 0.5}
  tiebreak: sudden-death
"""


def test_full_valid_file(tmp_path: Path) -> None:
    event, found = read_event(event_file(tmp_path, FULL))
    assert found == []
    assert event is not None
    assert event.date == dt.date(2010, 4, 13)
    assert event.decks == (tmp_path / "decks").resolve()
    assert (event.slides, event.seconds, event.countdown, event.period) == (10, 240.0, 0.0, 24.0)
    assert (event.order, event.reuse, event.graphics) == ("listed", True, "halfcell")
    assert event.presenters == ("Janie Hermann", "Angie Manfredi")
    assert event.topics == ("Cats", "Space")
    s = event.scoring
    assert (s.low, s.high, s.step) == (0, 5, 0.5)
    assert s.judges == ("Jessamyn West", "Stephen Abram")
    assert s.criteria == (Criterion("Style", 1.0), Criterion("Fit to the slides", 2.0))
    assert (s.audience, s.audience_weight, s.tiebreak) == (True, 0.5, "sudden-death")
    assert s.valid_score(4.5) and not s.valid_score(4.25) and not s.valid_score(5.5)


def test_demo_event_is_valid() -> None:
    demo = Path(__file__).parents[2] / "events" / "demo.yaml"
    event, found = read_event(demo)
    assert found == []
    assert event is not None and len(event.presenters) == 4 and event.slides == 12


@pytest.mark.parametrize(
    ("extra", "key", "line", "message"),
    [
        # unknown keys, at the top and inside scoring and criteria
        (
            "slide: 12\n",
            "slide",
            4,
            "unknown key (known keys: countdown, date, decks, graphics, name, "
            "order, presenters, reuse, scoring, seconds, slides, topics)",
        ),
        (
            "scoring:\n  judge: [A]\n",
            "scoring.judge",
            5,
            "unknown key (known keys: audience, criteria, judges, scale, tiebreak)",
        ),
        (
            "scoring:\n  criteria:\n    - {name: Style, wieght: 2}\n",
            "scoring.criteria[0].wieght",
            6,
            "unknown key (known keys: name, weight)",
        ),
        # wrong types
        ("date: someday\n", "date", 4, "must be a date like 2010-04-13"),
        ("slides: twelve\n", "slides", 4, "must be a whole number"),
        ("slides: 12.5\n", "slides", 4, "must be a whole number"),
        ("seconds: soon\n", "seconds", 4, "must be a number"),
        ("seconds: .inf\n", "seconds", 4, "must be a number"),
        ("reuse: sometimes\n", "reuse", 4, "must be true or false"),
        ("order: alphabetical\n", "order", 4, "must be one of random, listed"),
        ("graphics: ascii\n", "graphics", 4, "must be one of auto, kitty, sixel, halfcell"),
        ("topics: Cats\n", "topics", 4, "must be a list of topics"),
        ("scoring: high\n", "scoring", 4, "must be a mapping (scale, judges, criteria, audience, tiebreak)"),
        (
            "scoring:\n  audience: loud\n",
            "scoring.audience",
            5,
            "must be true, false or {weight: W, vote: phones, when: each-talk | at-end}",
        ),
        ("scoring:\n  tiebreak: coin\n", "scoring.tiebreak", 5, "must be one of none, audience, sudden-death"),
        # numbers out of range
        ("slides: 0\n", "slides", 4, "must be at least 1, not 0"),
        ("seconds: 0\n", "seconds", 4, "must be above 0, not 0"),
        ("seconds: -30\n", "seconds", 4, "must be above 0, not -30"),
        ("countdown: -1\n", "countdown", 4, "must be 0 or more, not -1"),
        # scale
        ("scoring:\n  scale: [10, 1]\n", "scoring.scale", 5, "lowest score 10 must be below highest 1"),
        ("scoring:\n  scale: [5, 5]\n", "scoring.scale", 5, "lowest score 5 must be below highest 5"),
        ("scoring:\n  scale: [1]\n", "scoring.scale", 5, "must be [lowest, highest] or [lowest, highest, step]"),
        ("scoring:\n  scale: [1, 10, 0]\n", "scoring.scale", 5, "step 0 must be above 0"),
        ("scoring:\n  scale: [1, 10, 2]\n", "scoring.scale", 5, "step 2 does not divide the range 1 to 10"),
        ("scoring:\n  scale: [1, ten]\n", "scoring.scale[1]", 5, "must be a number"),
        # judges and criteria
        ("scoring:\n  judges:\n    - Ada\n    - ada\n", "scoring.judges[1]", 7, "duplicate judge 'ada' (also item 1)"),
        ("scoring:\n  judges: [Ada, '  ']\n", "scoring.judges[1]", 5, "must not be empty"),
        ("scoring:\n  criteria: []\n", "scoring.criteria", 5, "must be a non-empty list of {name, weight}"),
        (
            "scoring:\n  criteria:\n    - [Style]\n",
            "scoring.criteria[0]",
            6,
            "must be a name or {name: ..., weight: ...}",
        ),
        ("scoring:\n  criteria:\n    - {weight: 2}\n", "scoring.criteria[0]", 6, "needs a name"),
        ("scoring:\n  criteria:\n    - {name: Style, weight: 0}\n", "scoring.criteria[0].weight", 6, "must be above 0"),
        ("scoring:\n  criteria: [Style, style]\n", "scoring.criteria[1].name", 5, "duplicate criterion 'style'"),
        ("scoring:\n  audience: {weight: 0}\n", "scoring.audience.weight", 5, "must be above 0"),
        (
            "scoring:\n  audience: {}\n",
            "scoring.audience",
            5,
            "needs a weight or a vote, e.g. {weight: 1} or {vote: phones}",
        ),
        ("scoring:\n  audience: {vote: hands}\n", "scoring.audience.vote", 5, "must be one of phones"),
        (
            "scoring:\n  audience: {vote: phones, when: later}\n",
            "scoring.audience.when",
            5,
            "must be one of each-talk, at-end",
        ),
        (
            "scoring:\n  audience: {weight: 1, when: at-end}\n",
            "scoring.audience.when",
            5,
            "only applies with vote: phones",
        ),
        (
            "scoring:\n  audience: {vote: phones, phones-per-address: 0}\n",
            "scoring.audience.phones-per-address",
            5,
            "must be from 1 to 100,000, not 0",
        ),
        (
            "scoring:\n  audience: {vote: phones, phones-per-address: many}\n",
            "scoring.audience.phones-per-address",
            5,
            "must be a whole number",
        ),
        (
            "scoring:\n  audience: {vote: phones, phones-per-address: 2.5}\n",
            "scoring.audience.phones-per-address",
            5,
            "must be a whole number",
        ),
        (
            "scoring:\n  audience: {weight: 1, phones-per-address: 20}\n",
            "scoring.audience.phones-per-address",
            5,
            "only applies with vote: phones",
        ),
        (
            "scoring:\n  audience: {vote: phones, per-address: 20}\n",
            "scoring.audience.per-address",
            5,
            "unknown key (known keys: phones-per-address, vote, weight, when)",
        ),
        (
            "scoring:\n  judges: [A]\n  audience: false\n  tiebreak: audience\n",
            "scoring.tiebreak",
            7,
            "audience cannot break a tie when audience is false",
        ),
        (
            "scoring:\n  audience: false\n",
            "scoring",
            4,
            "no judges and no audience score: nothing would decide the winner",
        ),
        # topics
        ("topics:\n  - Cats\n  - Cats\n", "topics[1]", 6, "duplicate topic 'Cats' (also item 1)"),
    ],
)
def test_each_error_names_key_line_and_problem(tmp_path: Path, extra: str, key: str, line: int, message: str) -> None:
    problem = only(tmp_path, BASE + extra)
    assert (problem.key, problem.line, problem.message) == (key, line, message)
    assert str(problem) == f"{tmp_path / 'night.yaml'}:{line}: {key}: {message}"


@pytest.mark.parametrize(
    ("presenters", "key", "line", "message"),
    [
        ("presenters: []\n", "presenters", 3, "must list at least one presenter"),
        ("presenters:\n", "presenters", 3, "must list at least one presenter"),
        ("presenters: Ada\n", "presenters", 3, "must be a list of presenters"),
        ("presenters:\n  - Ada\n  - ''\n", "presenters[1]", 5, "must not be empty"),
        ("presenters:\n  - Ada\n  - {name: Grace}\n", "presenters[1]", 5, "must be a presenter (text)"),
        ("presenters:\n  - Ada\n  - Grace\n  - ADA\n", "presenters[2]", 6, "duplicate presenter 'ADA' (also item 1)"),
    ],
)
def test_presenter_errors(tmp_path: Path, presenters: str, key: str, line: int, message: str) -> None:
    problem = only(tmp_path, "name: Test night\ndecks: decks\n" + presenters)
    assert (problem.key, problem.line, problem.message) == (key, line, message)


@pytest.mark.parametrize(
    ("name", "message"),
    [("''", "must not be empty"), ("[a, b]", "must be a non-empty text"), ("", "must be a non-empty text")],
)
def test_name_errors(tmp_path: Path, name: str, message: str) -> None:
    problem = only(tmp_path, f"decks: decks\npresenters: [Ada]\nname: {name}\n")
    assert (problem.key, problem.line, problem.message) == ("name", 3, message)


def test_missing_required_keys_are_each_reported(tmp_path: Path) -> None:
    found = problems(tmp_path, "slides: 12\n")
    assert [(p.key, p.line, p.message) for p in found] == [
        (None, 1, "missing required key 'name'"),
        (None, 1, "missing required key 'decks'"),
        (None, 1, "missing required key 'presenters'"),
    ]


def test_missing_decks_folder(tmp_path: Path) -> None:
    problem = only(tmp_path, "name: x\npresenters: [Ada]\ndecks: ../nowhere\n")
    missing = (tmp_path / "../nowhere").resolve()
    assert (problem.key, problem.line, problem.message) == ("decks", 3, f"decks folder {missing} does not exist")


def test_decks_that_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "decks.txt").write_text("x")
    problem = only(tmp_path, "name: x\npresenters: [Ada]\ndecks: decks.txt\n")
    assert (problem.key, problem.line) == ("decks", 3)
    assert problem.message == f"{(tmp_path / 'decks.txt').resolve()} is not a folder"


def test_decks_symlink_loop_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    os.symlink(tmp_path / "loop-b", tmp_path / "loop-a")
    os.symlink(tmp_path / "loop-a", tmp_path / "loop-b")
    problem = only(tmp_path, "name: x\npresenters: [Ada]\ndecks: loop-a\n")
    assert (problem.key, problem.line) == ("decks", 3)
    assert problem.message == f"cannot open decks folder {tmp_path / 'loop-a'}: symbolic link loop"


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    found = problems(tmp_path, BASE + "slides: 0\nseconds: -1\ncolour: red\nscoring:\n  scale: [10, 1]\n")
    assert [(p.key, p.line) for p in found] == [("colour", 6), ("slides", 4), ("seconds", 5), ("scoring.scale", 8)]


def test_file_that_is_not_a_mapping(tmp_path: Path) -> None:
    problem = only(tmp_path, "- name: x\n")
    assert (problem.key, problem.line) == (None, 1)
    assert problem.message == "must be a mapping of keys (name, decks, presenters, ...)"


def test_empty_file(tmp_path: Path) -> None:
    problem = only(tmp_path, "# nothing yet\n")
    assert problem.message == "is empty: an event needs name, decks and presenters"


def test_yaml_errors_come_through_with_their_line(tmp_path: Path) -> None:
    problem = only(tmp_path, BASE + "topics: &t [a]\nmore: *t\n")
    assert problem.line == 5
    assert problem.message == "invalid YAML: aliases (*name) are not allowed"


def test_load_event_raises_naming_the_first_error_and_the_count(tmp_path: Path) -> None:
    path = event_file(tmp_path, BASE + "slides: 0\nseconds: 0\n")
    with pytest.raises(ProblemsError) as caught:
        load_event(path)
    assert str(caught.value) == f"{path}:4: slides: must be at least 1, not 0 (and 1 more)"
    assert len(caught.value.problems) == 2


def test_record_lives_beside_the_event_file() -> None:
    assert record_path_for(Path("events/demo.yaml")) == Path("events/demo.record.yaml")


def test_audience_votes_from_phones(tmp_path: Path) -> None:
    s = load_event(
        event_file(tmp_path, BASE + "scoring:\n  audience: {vote: phones, when: at-end, weight: 0.5}\n")
    ).scoring
    assert (s.audience, s.audience_vote, s.audience_when, s.audience_weight) == (True, "phones", "at-end", 0.5)
    plain = load_event(event_file(tmp_path, BASE + "scoring:\n  audience: {vote: phones}\n")).scoring
    assert (plain.audience_vote, plain.audience_when, plain.audience_weight) == ("phones", "each-talk", 0)
    assert load_event(event_file(tmp_path, BASE)).scoring.audience_vote is None


def test_a_venue_whose_phones_share_one_address_counts_more_of_them(tmp_path: Path) -> None:
    assert (
        load_event(event_file(tmp_path, BASE + "scoring:\n  audience: {vote: phones}\n")).scoring.phones_per_address
        == 4
    )
    shared = load_event(
        event_file(tmp_path, BASE + "scoring:\n  audience: {vote: phones, phones-per-address: 300}\n")
    ).scoring
    assert shared.phones_per_address == 300
