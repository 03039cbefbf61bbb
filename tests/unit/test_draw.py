"""The draw rules, its fairness, and replaying recorded draws."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from battledecks.core.decks import Deck
from battledecks.core.draw import draw, eligible_decks, replay, why_not


def deck(i: int, *, slides: int = 12, authors: tuple[str, ...] = (), retired: bool = False) -> Deck:
    return Deck(
        id=f"d{i:02d}",
        path=Path(f"/decks/d{i:02d}"),
        title=f"Deck {i}",
        slides=tuple(Path(f"s{n}.png") for n in range(slides)),
        authors=authors,
        retired=retired,
    )


def test_each_rule_excludes_its_deck() -> None:
    decks = [
        deck(0),
        deck(1, retired=True),
        deck(2, authors=("Ada Lovelace",)),
        deck(3),  # taken
        deck(4),  # shown before
        deck(5),  # fails check
        deck(6, slides=11),
    ]
    rules = dict(presenter="ada lovelace", slides=12, taken={"d03"}, shown_before={"d04"}, failing={"d05"})
    assert [d.id for d in eligible_decks(decks, **rules)] == ["d00"]
    assert why_not(decks[1], **rules) == "retired"
    assert why_not(decks[2], **rules) == "made by the presenter"
    assert why_not(decks[3], **rules) == "already drawn at this event"
    assert why_not(decks[4], **rules) == "shown at an earlier event"
    assert why_not(decks[5], **rules) == "fails check"
    assert why_not(decks[6], **rules) == "has 11 slides, not 12"


def test_empty_pool_is_an_error() -> None:
    with pytest.raises(ValueError):
        draw([], [], 1)


def test_same_seed_same_deck_whatever_the_pool_order() -> None:
    pool = [deck(i) for i in range(10)]
    shuffled = pool[:]
    random.Random(3).shuffle(shuffled)
    for seed in range(50):
        assert draw(pool, ["a", "b"], seed) == draw(shuffled, ["b", "a"], seed)


def test_replay_matches_draw() -> None:
    pool = [deck(i) for i in range(7)]
    topics = ["Cats", "Budgets", "Moon"]
    for seed in range(200):
        result = draw(pool, topics, seed)
        assert replay(result.pool, result.topics, seed) == (result.deck.id, result.topic)


def test_every_eligible_deck_about_equally_likely() -> None:
    pool = [deck(i) for i in range(8)]
    trials = 16_000
    counts = Counter(draw(pool, [], seed).deck.id for seed in range(trials))
    assert set(counts) == {d.id for d in pool}
    expected = trials / len(pool)
    chi2 = sum((c - expected) ** 2 / expected for c in counts.values())
    # 7 degrees of freedom: p = 0.001 at 24.3. A biased draw lands far above.
    assert chi2 < 24.3, counts


decks_st = st.lists(
    st.builds(
        lambda i, slides, authored, retired: (i, slides, authored, retired),
        st.integers(0, 30),
        st.sampled_from([11, 12, 12, 12]),
        st.booleans(),
        st.booleans(),
    ),
    max_size=20,
    unique_by=lambda t: t[0],
)


@settings(max_examples=200)
@given(
    specs=decks_st,
    taken=st.sets(st.integers(0, 30)),
    shown=st.sets(st.integers(0, 30)),
    failing=st.sets(st.integers(0, 30)),
    seed=st.integers(0, 2**63 - 1),
)
def test_never_a_seen_drawn_authored_or_retired_deck(specs, taken, shown, failing, seed) -> None:  # noqa: ANN001
    decks = [deck(i, slides=s, authors=("Ada",) if a else (), retired=r) for i, s, a, r in specs]
    ids = lambda nums: {f"d{n:02d}" for n in nums}  # noqa: E731
    rules = dict(presenter="Ada", slides=12, taken=ids(taken), shown_before=ids(shown), failing=ids(failing))
    pool = eligible_decks(decks, **rules)
    allowed = {
        d.id
        for d in decks
        if not d.retired
        and len(d.slides) == 12
        and "Ada" not in d.authors
        and d.id not in rules["taken"] | rules["shown_before"] | rules["failing"]
    }
    assert {d.id for d in pool} == allowed
    if pool:
        assert draw(pool, [], seed).deck.id in allowed


@settings(max_examples=50)
@given(n=st.integers(1, 12))
def test_every_allowed_deck_can_be_drawn(n: int) -> None:
    pool = [deck(i) for i in range(n)]
    seen = {draw(pool, [], seed).deck.id for seed in range(40 * n)}
    assert seen == {d.id for d in pool}


def test_one_slide_is_said_in_the_singular(tmp_path) -> None:  # noqa: ANN001
    from battledecks.core.checks import check_deck
    from battledecks.core.decks import load_deck
    from battledecks.core.draw import why_not
    from tests.builders import build_deck

    deck = load_deck(build_deck(tmp_path / "one", slides=1))
    assert [p.message for p in check_deck(deck, 12)][0] == "has 1 slide, needs 12"
    assert (
        why_not(deck, presenter="Ada", slides=12, taken=set(), shown_before=set(), failing=set())
        == "has 1 slide, not 12"
    )
