"""The draw: a fair, auditable pick of an unseen deck (and topic).

A draw takes the eligible decks sorted by id and picks one, every deck
equally likely, in a way anyone can replay:

- a *committed* draw (every event since draws were committed in advance, see
  :mod:`.commitment`) picks with :func:`committed_choice`: the next value of
  the event's hash chain, mixed with the room's numbers if the host typed
  any (HKDF-SHA256), gives bytes from which an index below the pool's size is
  taken by rejection sampling. Nothing but SHA-256 and HMAC is needed to
  replay it, in any language;
- an older record's draws used ``random.Random(seed)`` with a seed from the
  edge (the operating system's entropy in the app, a fixed number in tests):
  :func:`draw` and :func:`replay` still do exactly that.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .decks import Deck
from .words import plural


@dataclass(frozen=True)
class Draw:
    """The outcome of one draw."""

    deck: Deck
    topic: str | None
    seed: int | None
    """The seed of an uncommitted draw (an older record's); None for a committed draw."""
    pool: tuple[str, ...]
    """Ids of every deck that could have been drawn, in the order the seed picks from."""
    topics: tuple[str, ...]
    """Topics that could have been drawn."""
    chain: int | None = None
    """Which value of the committed chain the draw used (1 for the first), or None for an uncommitted draw."""
    revealed: str | None = None
    """That value, in hex: revealed by the draw, checkable against the commitment."""
    room: str | None = None
    """The numbers the room called out, as mixed in (see :func:`room_input`), if any."""
    key: str | None = None
    """The key the draw picked with (:func:`draw_key`), in hex: recorded so a checker can test each step."""


def why_not(
    deck: Deck, *, presenter: str, slides: int, taken: set[str], shown_before: set[str], failing: set[str]
) -> str | None:
    """Why ``deck`` may not be drawn for ``presenter``, or None if it may."""
    if deck.retired:
        return "retired"
    if deck.id in failing or not deck.ok:
        return "fails check"
    if deck.slide_count != slides:
        return f"has {plural(deck.slide_count, 'slide')}, not {slides}"
    if deck.id in taken:
        return "already drawn at this event"
    if deck.id in shown_before:
        return "shown at an earlier event"
    if presenter.casefold() in {a.casefold() for a in deck.authors}:
        return "made by the presenter"
    return None


def eligible_decks(
    decks: Iterable[Deck],
    *,
    presenter: str,
    slides: int,
    taken: set[str],
    shown_before: set[str],
    failing: set[str],
) -> list[Deck]:
    """Decks that may be drawn for ``presenter``, sorted by id."""
    ok = [
        d
        for d in decks
        if why_not(d, presenter=presenter, slides=slides, taken=taken, shown_before=shown_before, failing=failing)
        is None
    ]
    return sorted(ok, key=lambda d: d.id)


def draw(pool: Sequence[Deck], topics: Sequence[str], seed: int) -> Draw:
    """Pick a deck (and a topic, if any are given) with ``seed``.

    Raises:
        ValueError: the pool is empty.
    """
    if not pool:
        raise ValueError("no deck left to draw")
    decks = sorted(pool, key=lambda d: d.id)
    topic_pool = tuple(sorted(topics))
    rng = random.Random(seed)
    deck = rng.choice(decks)
    topic = rng.choice(topic_pool) if topic_pool else None
    return Draw(deck, topic, seed, tuple(d.id for d in decks), topic_pool)


def replay(pool_ids: Sequence[str], topics: Sequence[str], seed: int) -> tuple[str, str | None]:
    """The deck id and topic a recorded draw must have given: for audits."""
    rng = random.Random(seed)
    deck = rng.choice(sorted(pool_ids))
    topic = rng.choice(sorted(topics)) if topics else None
    return deck, topic


# --- committed draws -------------------------------------------------------------

ROOM_INPUT_LIMIT = 200
"""Longest room input, in characters: a few dice or a few numbers called out, not an essay."""


def room_input(text: str | None) -> str | None:
    """The room's numbers as they are mixed into a draw: whole numbers, one space between them.

    ``" 4, 2  06"`` gives ``"4 2 6"``; nothing (or only spaces) gives None.

    Raises:
        ValueError: anything but numbers and separators, with the reason to show.
    """
    if text is None or not text.strip():
        return None
    if len(text) > ROOM_INPUT_LIMIT:
        raise ValueError(f"the room's numbers are at most {ROOM_INPUT_LIMIT} characters")
    parts = [p for p in re.split(r"[\s,;]+", text.strip()) if p]
    if not all(p.isascii() and p.isdigit() for p in parts):
        raise ValueError("the room's numbers are whole numbers only, e.g. 4 2 6")
    return " ".join(str(int(p)) for p in parts)


def _hkdf_extract(salt: bytes, material: bytes) -> bytes:
    """HKDF-Extract (RFC 5869) with SHA-256."""
    import hashlib  # on first use: the lineup's first frame does without it
    import hmac

    return hmac.new(salt, material, hashlib.sha256).digest()


def _hkdf_expand(key: bytes, info: bytes, length: int = 32) -> bytes:
    """HKDF-Expand (RFC 5869) with SHA-256."""
    import hashlib
    import hmac

    out, block, counter = b"", b"", 1
    while len(out) < length:
        block = hmac.new(key, block + info + bytes([counter]), hashlib.sha256).digest()
        out += block
        counter += 1
    return out[:length]


def draw_key(revealed: bytes, fingerprint: str, room: str | None, presenter: str, round: int = 1) -> bytes:
    """The key a committed draw picks with: HKDF-Extract with SHA-256, the commitment's fingerprint as
    salt, and the chain value followed by ``{"presenter":…,"room":…,"round":…}`` (canonical JSON) as input.

    Neither the chain value alone (the host's) nor the room's numbers alone
    decide the draw: both go in. The fingerprint ties it to one event, and the
    presenter and round to one draw, so a record that says the deck went to
    someone else does not check.
    """
    said = json.dumps({"presenter": presenter, "room": room, "round": round}, sort_keys=True, separators=(",", ":"))
    return _hkdf_extract(bytes.fromhex(fingerprint), revealed + said.encode("ascii"))


def pick_index(key: bytes, label: str, size: int) -> int:
    """A number from 0 to ``size - 1``, every one equally likely, from ``key``.

    Takes 8 bytes of HKDF-Expand(key, "battledecks draw 1 LABEL ATTEMPT") as a
    big-endian number and keeps it (modulo ``size``) only if it is below the
    largest multiple of ``size`` under 2**64; otherwise tries the next
    attempt. Rejection keeps every index exactly equally likely.
    """
    if size < 1:
        raise ValueError("nothing to pick from")
    span = 1 << 64
    limit = span - span % size
    attempt = 0
    while True:
        number = int.from_bytes(_hkdf_expand(key, f"battledecks draw 1 {label} {attempt}".encode("ascii"), 8), "big")
        if number < limit:
            return number % size
        attempt += 1


def committed_choice(pool_ids: Sequence[str], topics: Sequence[str], key: bytes) -> tuple[str, str | None]:
    """The deck id (and topic) a committed draw gives: the pool and topics are taken in sorted order."""
    if not pool_ids:
        raise ValueError("no deck left to draw")
    decks = sorted(pool_ids)
    deck = decks[pick_index(key, "deck", len(decks))]
    topic_pool = sorted(topics)
    topic = topic_pool[pick_index(key, "topic", len(topic_pool))] if topic_pool else None
    return deck, topic


def draw_committed(
    pool: Sequence[Deck],
    topics: Sequence[str],
    *,
    chain: int,
    revealed: bytes,
    fingerprint: str,
    room: str | None,
    presenter: str,
    round: int = 1,
) -> Draw:
    """Pick a deck (and topic) for ``presenter`` with chain value number ``chain`` and the room's numbers.

    Raises:
        ValueError: the pool is empty.
    """
    if not pool:
        raise ValueError("no deck left to draw")
    decks = sorted(pool, key=lambda d: d.id)
    by_id = {d.id: d for d in decks}
    key = draw_key(revealed, fingerprint, room, presenter, round)
    deck_id, topic = committed_choice(list(by_id), topics, key)
    return Draw(
        by_id[deck_id],
        topic,
        None,
        tuple(d.id for d in decks),
        tuple(sorted(topics)),
        chain=chain,
        revealed=revealed.hex(),
        room=room,
        key=key.hex(),
    )
