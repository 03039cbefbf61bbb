"""The draw's commitment: the hash chain, the committed choice, and a show that commits before its first draw."""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections import Counter
from pathlib import Path

import pytest

from battledecks.core.commitment import (
    Commitment,
    chain_head,
    chain_value,
    content_hash_of,
    fingerprint_of,
    is_chain_value,
    normal_fingerprint,
    secret_path_for,
    short_fingerprint,
)
from battledecks.core.draw import committed_choice, draw_key, pick_index, room_input
from battledecks.core.record import RecordError, read_entries
from battledecks.core.show import Show
from battledecks.core.verify import verify_entries
from tests.builders import build_deck, build_event, present


def open_show(path: Path, seeds, wall, **kw) -> Show:  # noqa: ANN001
    return Show.open(path, seed_source=seeds, clock=wall, **kw)


@pytest.fixture
def event_path(event_dir: Path) -> Path:
    return build_event(event_dir / "events", name="night", order="listed")


# --- the chain ---------------------------------------------------------------------------


def test_each_value_hashes_back_to_the_head_and_to_the_value_before_it() -> None:
    secret = bytes(range(32))
    head = chain_head(secret, 10)
    values = [chain_value(secret, 10, i) for i in range(1, 11)]
    assert values[-1] == secret  # the last value is the secret end itself
    for index, value in enumerate(values, start=1):
        assert is_chain_value(value, index, head)
        assert not is_chain_value(value, index + 1, head) and not is_chain_value(value, index - 1, head)
        before = values[index - 2] if index > 1 else head
        assert hashlib.sha256(value).digest() == before
    assert len(set(values)) == 10
    with pytest.raises(ValueError):
        chain_value(secret, 10, 11)


# --- the committed choice -------------------------------------------------------------------


def test_the_committed_choice_is_uniform_over_the_pool() -> None:
    trials = 14_000
    pool = [f"d{i}" for i in range(7)]  # not a power of two: rejection sampling is what keeps it fair
    counts = Counter(committed_choice(pool, [], hashlib.sha256(b"%d" % n).digest())[0] for n in range(trials))
    assert set(counts) == set(pool)
    expected = trials / len(pool)
    chi2 = sum((c - expected) ** 2 / expected for c in counts.values())
    # 6 degrees of freedom: p = 0.001 at 22.5. A biased pick lands far above.
    assert chi2 < 22.5, counts


def test_a_pick_rejects_the_numbers_that_would_favour_low_indexes() -> None:
    # A size just above 2**63: about half of all 8-byte numbers fall above the last whole multiple and are
    # thrown away; what is kept is below the size, and the same key always gives the same index.
    size = 2**63 + 1
    picks = [pick_index(hashlib.sha256(b"%d" % n).digest(), "deck", size) for n in range(200)]
    assert all(0 <= p < size for p in picks)
    assert picks == [pick_index(hashlib.sha256(b"%d" % n).digest(), "deck", size) for n in range(200)]
    with pytest.raises(ValueError):
        pick_index(b"k" * 32, "deck", 0)


def test_the_choice_ignores_the_pool_s_order_and_depends_on_every_input() -> None:
    value, fingerprint = hashlib.sha256(b"v").digest(), hashlib.sha256(b"f").hexdigest()
    pool = [f"deck-{i}" for i in range(10)]
    key = draw_key(value, fingerprint, None, "Ada")
    assert committed_choice(pool, ["b", "a"], key) == committed_choice(pool[::-1], ["a", "b"], key)
    others = {
        "room": draw_key(value, fingerprint, "4 2 6", "Ada"),
        "presenter": draw_key(value, fingerprint, None, "Brian"),
        "round": draw_key(value, fingerprint, None, "Ada", 2),
        "value": draw_key(hashlib.sha256(b"w").digest(), fingerprint, None, "Ada"),
        "fingerprint": draw_key(value, hashlib.sha256(b"g").hexdigest(), None, "Ada"),
    }
    assert len({key, *others.values()}) == 6


@pytest.mark.parametrize(
    ("typed", "mixed"),
    [
        ("4 2 6", "4 2 6"),
        (" 4, 2;06 ", "4 2 6"),
        ("", None),
        ("   ", None),
        (None, None),
        ("17", "17"),
    ],
)
def test_the_room_s_numbers_are_written_one_way(typed: str | None, mixed: str | None) -> None:
    assert room_input(typed) == mixed


@pytest.mark.parametrize("typed", ["four", "4 2 six", "4.5", "-3", "٣", "1" * 201])
def test_anything_but_numbers_from_the_room_is_refused(typed: str) -> None:
    with pytest.raises(ValueError):
        room_input(typed)


# --- fingerprints and deck hashes --------------------------------------------------------------


def test_a_deck_s_hash_follows_its_slides_not_its_deck_file(tmp_path: Path) -> None:
    deck = build_deck(tmp_path / "d", slides=3, title="One")
    first = content_hash_of(deck)
    (deck / "deck.yaml").write_text("title: Another\n")
    (deck / "notes.txt").write_text("not a slide")
    assert content_hash_of(deck) == first
    (deck / "slide2.png").write_bytes((deck / "slide2.png").read_bytes() + b"\0")
    changed = content_hash_of(deck)
    assert changed != first
    (deck / "slide2.png").rename(deck / "slide9.png")
    assert content_hash_of(deck) not in (first, changed)


def test_a_fingerprint_is_the_sha256_of_canonical_json() -> None:
    content = {"b": [1, "é"], "a": None}
    assert fingerprint_of(content) == hashlib.sha256(b'{"a":null,"b":[1,"\\u00e9"]}').hexdigest()
    assert short_fingerprint("3f2a91c0b7e4" + "0" * 52) == "3f2a 91c0 b7e4"
    assert normal_fingerprint(" SHA256:3F2A 91C0 b7e4 ") == "3f2a91c0b7e4"


def test_a_commitment_that_cannot_be_read_says_why() -> None:
    good = {
        "what": "battledecks draw commitment",
        "rules": {"version": 1},
        "presenters": [],
        "topics": [],
        "decks": [],
        "chain": {"head": "0" * 64, "length": 4},
    }
    assert Commitment.from_entry({"fingerprint": "1" * 64, "content": good}).length == 4
    for broken, said in (
        ({**good, "rules": {"version": 99}}, "version 99"),
        ({**good, "chain": {"head": "zz", "length": 4}}, "chain"),
        ({**good, "decks": [{"id": "d", "hash": "short"}]}, "committed deck"),
        ({**good, "what": "a shopping list"}, "shopping list"),
        ({**good, "chain": {"head": "0" * 64, "length": 10**9}}, "length from 1 to"),
    ):
        with pytest.raises(ValueError, match=said):
            Commitment.from_entry({"fingerprint": "1" * 64, "content": broken})


# --- a show -----------------------------------------------------------------------------


def test_opening_an_event_commits_its_draw_once_before_any_draw(event_path: Path, seeds, wall) -> None:  # noqa: ANN001
    show = open_show(event_path, seeds, wall)
    entries = read_entries(show.record.path)
    assert [e["kind"] for e in entries] == ["order", "commit"]
    commitment = show.commitment
    assert commitment is not None and commitment.fingerprint == entries[1]["fingerprint"] == fingerprint_of(
        entries[1]["content"]
    )
    assert commitment.presenters == ("Ada", "Brian", "Chen") and commitment.length >= 4 * 3
    assert [d.id for d in commitment.decks] == [f"deck-{i}" for i in range(6)]
    assert all(d.hash == content_hash_of(event_path.parent.parent / "decks" / d.id) for d in commitment.decks)
    again = open_show(event_path, seeds, wall)
    assert again.commitment == commitment and len(again.record.entries) == 2


def test_the_secret_stays_in_its_own_private_file(event_path: Path, seeds, wall) -> None:  # noqa: ANN001
    show = open_show(event_path, seeds, wall)
    show.draw_all()
    secret_file = secret_path_for(event_path)
    assert stat.S_IMODE(os.stat(secret_file).st_mode) == 0o600
    secret = json.loads("".join(line for line in secret_file.read_text().splitlines() if not line.startswith("#")))[
        "chains"
    ][0]["secret"]
    assert secret not in show.record.path.read_text()
    assert secret not in json.dumps(show.snapshot())
    # What the record reveals is values 1 to 3, each checkable against the committed head, the rest unknown.
    draws = [e for e in read_entries(show.record.path) if e["kind"] == "draw"]
    assert [e["chain"] for e in draws] == [1, 2, 3]
    head = bytes.fromhex(show.commitment.head)
    assert all(is_chain_value(bytes.fromhex(e["revealed"]), e["chain"], head) for e in draws)


def test_draws_vetoes_and_sudden_death_reveal_value_after_value_and_verify(event_dir: Path, seeds, wall) -> None:  # noqa: ANN001
    path = build_event(
        event_dir / "events",
        name="tie",
        order="listed",
        topics=["Cats", "Moon", "Owls", "Tax", "Zoo"],
        scoring={"judges": ["J1"], "tiebreak": "sudden-death"},
    )
    show = open_show(path, seeds, wall)
    first = show.draw_for("Ada", room="3 1 4")
    again = show.veto("Ada", "blank slide 4")
    assert again is not None and again.topic == first.topic and again.chain == first.chain + 1
    for name, score in (("Ada", 8), ("Brian", 8), ("Chen", 6)):
        if show.presenter(name).deck is None:
            show.draw_for(name)
        present(show, name)
        show.score(name, "J1", "Overall", score)
    round_, drawn = show.sudden_death()
    assert round_ == 2 and len(drawn) == 2
    draws = [e for e in show.record.entries if e["kind"] == "draw"]
    assert [e["chain"] for e in draws] == [1, 2, 3, 4, 5, 6]
    assert draws[0]["room"] == "3 1 4" and "room" not in draws[1]
    result = verify_entries(show.record.entries, decks_folder=show.event.decks)
    assert result.ok, result.problems
    assert (len(result.draws), result.vetoes, result.decks_matched) == (6, 1, 6)
    assert show.audit() == []


def test_decks_added_after_the_commitment_wait_until_no_committed_deck_is_left(event_dir: Path, seeds, wall) -> None:  # noqa: ANN001
    path = build_event(event_dir / "events", name="late", order="listed", presenters=[f"P{i}" for i in range(6)])
    show = open_show(path, seeds, wall)
    build_deck(event_dir / "decks" / "deck-late")
    assert {d.id for d in show.uncommitted()} == set()  # not read until a draw looks at the folder again
    show.draw_all()
    assert "deck-late" not in {e["deck"] for e in show.record.entries if e["kind"] == "draw"}
    assert [d.id for d in show.uncommitted()] == ["deck-late"] and show.supply().decks == 1
    name = show.add_presenter("Wanda")
    drawn = show.draw_for(name)
    assert drawn.deck.id == "deck-late" and drawn.chain == 1
    extension = show.record.commitments[-1]
    assert extension.extends == show.commitment.fingerprint and [d.id for d in extension.decks] == ["deck-late"]
    result = verify_entries(show.record.entries, decks_folder=event_dir / "decks")
    assert result.ok, result.problems
    assert len(result.extensions) == 1 and "Wanda" in result.extensions[0]


def test_a_chain_used_up_is_extended_on_the_record(event_path: Path, seeds, wall, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr("battledecks.core.show.chain_length", lambda presenters: 2)
    show = open_show(event_path, seeds, wall)
    show.draw_for("Ada")
    show.veto("Ada", "one")  # value 2: the last
    third = show.veto("Ada", "two")
    assert third is not None and third.chain == 1 and len(show.record.commitments) == 2
    result = verify_entries(show.record.entries)
    assert result.ok, result.problems
    assert result.extensions == ["the chain's 2 values were used up"]


def test_a_committed_deck_gone_from_the_folder_is_still_drawn_and_vetoed_on_the_record(
    event_path: Path, seeds, wall
) -> None:  # noqa: ANN001
    import shutil

    show = open_show(event_path, seeds, wall)
    for deck in show.commitment.decks[1:]:
        shutil.rmtree(event_path.parent.parent / "decks" / deck.id)
    drawn = dict(zip(show.names(), show.draw_all()))
    assert {d.deck.id for d in drawn.values()} <= {d.id for d in show.commitment.decks}
    name, gone = next((n, d) for n, d in drawn.items() if d.deck.id != "deck-0")  # two of the three at least
    assert "is no longer in" in (show.can_start(name) or "")  # it cannot go on stage: the host vetoes it
    show.veto(name, "gone from the folder")
    result = verify_entries(show.record.entries, decks_folder=event_path.parent.parent / "decks")
    assert result.ok and result.decks_matched == 1 and len(result.decks_missing) == 5 and result.vetoes == 1


def test_a_deck_changed_after_the_commitment_cannot_start_its_talk(event_path: Path, seeds, wall) -> None:  # noqa: ANN001
    show = open_show(event_path, seeds, wall)
    deck = show.draw_for("Ada").deck
    assert show.verify_deck("Ada") == []
    slide = deck.slides[3]
    slide.write_bytes(next(d for d in show.decks.values() if d.id != deck.id).slides[3].read_bytes())
    problems = show.verify_deck("Ada")
    assert problems and "changed after the draw was committed" in problems[0].message


def test_a_record_from_before_commitments_still_loads_and_draws_the_old_way(event_path: Path, seeds, wall) -> None:  # noqa: ANN001
    record = event_path.with_name("night.record.yaml")
    pool = [f"deck-{i}" for i in range(6)]
    old = [
        {
            "at": "2010-04-13T19:00:00+00:00",
            "kind": "order",
            "presenters": ["Ada", "Brian", "Chen"],
            "how": "listed",
            "seed": None,
        },
        {
            "at": "2010-04-13T19:00:01+00:00",
            "kind": "draw",
            "presenter": "Ada",
            "deck": "deck-3",
            "title": "deck-3",
            "topic": None,
            "seed": 7,
            "pool": pool,
            "topics": [],
        },
    ]
    from battledecks.core.draw import replay

    old[1]["deck"] = replay(pool, [], 7)[0]
    record.write_text("format: 1\nlog:\n" + "".join(f"  - {json.dumps(e)}\n" for e in old))
    show = open_show(event_path, seeds, wall)
    assert show.commitment is None and not show.needs_commitment()
    drawn = show.draw_for("Brian")
    assert drawn.chain is None and drawn.seed is not None
    assert show.audit() == []
    with pytest.raises(RecordError, match="not committed in advance"):
        show.draw_for("Chen", room="4 2")
    assert not verify_entries(show.record.entries).committed
    assert not secret_path_for(event_path).exists()


def test_a_read_only_show_commits_nothing_to_disk(event_path: Path, seeds, wall) -> None:  # noqa: ANN001
    show = open_show(event_path, seeds, wall, save=False)
    show.ensure_order()
    show.draw_for("Ada")
    assert show.commitment is not None
    assert not show.record.path.exists() and not secret_path_for(event_path).exists()


def test_a_damaged_secret_lets_the_show_go_on_and_verify_says_so(event_path: Path, seeds, wall) -> None:  # noqa: ANN001
    show = open_show(event_path, seeds, wall)
    show.draw_for("Ada")
    secret_path_for(event_path).write_text("not a secret\n")
    later = open_show(event_path, seeds, wall)
    drawn = later.draw_for("Brian")
    assert drawn.chain == 1 and later.record.commitments[-1].cause == "secret missing"
    result = verify_entries(later.record.entries)
    assert not result.ok and any("replaced mid-show" in p for p in result.problems)
