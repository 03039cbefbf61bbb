"""The draw's commitment: everything a draw depends on, fixed and fingerprinted before the first draw.

Before anyone draws, battledecks records a *commitment*: the presenters (and
topics), every deck that may be drawn with a SHA-256 hash of its slide files,
the draw rules and their version, and the head of a secret hash chain. Its
fingerprint is the SHA-256 of that commitment written as canonical JSON; the
lineup, the projector and the results show it, and anyone who noted it can
later check that nothing was changed (``battledecks verify``).

The hash chain: a secret 32-byte value ``s[N]`` is made, then
``s[i-1] = SHA-256(s[i])`` down to ``s[0]``, the *head*, which is committed.
Draw number ``i`` reveals ``s[i]``: anyone checks it by hashing it ``i``
times back to the head, while the values still to come cannot be worked out
from those revealed (that would mean undoing SHA-256). The secret ``s[N]``
stays in a file of its own beside the record (``NAME.draw-secret``, mode
0600), never shown, never in the record.

A commitment may be *extended* later, recorded as such: with a new chain
when the first one is used up (or its secret is lost), and with decks added
to the folder during the show when no committed deck is left for a presenter.
``verify`` says so.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .atomic import atomic_write
from .decks import Deck, list_slides

RULES_VERSION = 1
"""Version of the draw rules below; a commitment names it, and ``verify`` refuses rules it does not know."""

RULES = {
    "version": RULES_VERSION,
    "pool": "the committed decks (and those added by extensions) not yet drawn or vetoed at this event, "
    "nor made by the presenter, sorted by id; topics likewise, or the topic a presenter kept through a veto",
    "value": "each draw, redraw after a veto and sudden-death draw reveals the next value of the chain",
    "key": "HKDF-Extract(SHA-256, salt = the fingerprint's 32 bytes, the value's 32 bytes followed by the canonical "
    "JSON of {presenter, room, round}), room being the room's numbers as written (or null)",
    "choice": "8 bytes of HKDF-Expand(key, 'battledecks draw 1 deck N') for N = 0, 1, ... as a big-endian "
    "number, the first below the largest multiple of the pool's size under 2**64, modulo the pool's size, "
    "indexes the sorted pool; the topic likewise with 'topic'",
}
"""The draw rules, as the commitment states them (see :mod:`.draw` for the code)."""

WHAT = "battledecks draw commitment"
WHAT_EXTENDED = "battledecks draw commitment, extended"

CHAIN_USED_UP = "chain used up"
"""An extension's cause: every value of the chain was revealed; a new chain goes on."""
DECKS_ADDED = "decks added"
"""An extension's cause: no committed deck was left for a presenter; decks added to the folder since join."""
SECRET_MISSING = "secret missing"
"""An extension's cause: the chain's secret was not there to reveal the next value. The draws after it are
not bound to the commitment made before the show, and ``verify`` says so."""

SECRET_BYTES = 32

MAX_CHAIN = 100_000
"""The longest chain read from a record or a secret file: checking a value costs up to that many hashes
(a fraction of a second), so a record edited to claim a longer one cannot keep verify busy for hours."""

SecretSource = Callable[[], bytes]
"""Makes the secret end of a new chain (32 bytes)."""


def _sha256(data: bytes = b"") -> Any:
    """A SHA-256 hash object. hashlib is imported on first use: the lineup's first frame does without it."""
    import hashlib

    return hashlib.sha256(data)


def system_secret() -> bytes:
    """32 bytes from the operating system's entropy."""
    import secrets

    return secrets.token_bytes(SECRET_BYTES)


def secret_from_seeds(seeds: Callable[[], int]) -> SecretSource:
    """Chain secrets made from a seed source: repeatable, for tests and benchmarks only."""
    return lambda: _sha256(f"battledecks chain secret {seeds()}".encode("ascii")).digest()


# --- fingerprints ---------------------------------------------------------------------


def canonical_json(value: Any) -> bytes:
    """``value`` as canonical JSON: keys sorted, no spaces, anything not ASCII as ``\\u`` escapes.

    The same as Python's ``json.dumps(value, sort_keys=True, separators=(",", ":"))``.
    """
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False).encode("ascii")


def fingerprint_of(content: Mapping[str, Any]) -> str:
    """The SHA-256 of the commitment's canonical JSON, in hex."""
    return _sha256(canonical_json(content)).hexdigest()


def short_fingerprint(fingerprint: str) -> str:
    """The first 12 hex digits in groups of four, as the lineup and the projector show it: ``3f2a 91c0 b7e4``."""
    head = fingerprint[:12]
    return " ".join(head[i : i + 4] for i in range(0, len(head), 4))


def normal_fingerprint(text: str) -> str:
    """A fingerprint (or its start) as someone typed it: spaces and a ``sha256:`` prefix dropped, lower case."""
    text = text.strip().lower().removeprefix("sha256:")
    return "".join(text.split())


# --- decks ----------------------------------------------------------------------------


def _file_hash(path: Path) -> str:
    digest = _sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def content_hash_of(path: Path) -> str:
    """The hash of a deck's slide files: a folder's slide pictures, or a PDF deck's file.

    The SHA-256 of the canonical JSON list of ``[file name, SHA-256 of the
    file]`` pairs, sorted by file name: a slide changed, renamed, added,
    removed or reordered gives another hash. (``sha256sum`` of each file
    gives the inner hashes.) ``deck.yaml`` is not part of it.

    Raises:
        OSError: a file cannot be read.
    """
    files = [path] if path.is_file() else list(list_slides(path))
    pairs = sorted([f.name, _file_hash(f)] for f in files)
    return _sha256(canonical_json(pairs)).hexdigest()


def deck_hash(deck: Deck) -> str:
    """:func:`content_hash_of` the deck's folder (or PDF).

    Raises:
        OSError: a file cannot be read.
    """
    return content_hash_of(deck.pdf or deck.path)


@dataclass(frozen=True)
class CommittedDeck:
    """One deck as the commitment fixes it."""

    id: str
    hash: str
    """:func:`content_hash_of` its slide files."""
    authors: tuple[str, ...] = ()
    """Never drawn for them."""

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "hash": self.hash, "authors": list(self.authors)}


# --- the chain ------------------------------------------------------------------------


def chain_length(presenters: int) -> int:
    """Values in a new chain: enough for each presenter's draw, three vetoes and sudden death, and some to spare."""
    return max(64, 4 * presenters + 32)


def hash_times(value: bytes, times: int) -> bytes:
    """SHA-256 applied ``times`` times."""
    for _ in range(times):
        value = _sha256(value).digest()
    return value


def chain_head(secret: bytes, length: int) -> bytes:
    """``s[0]`` of the chain whose secret end is ``s[length] = secret``."""
    return hash_times(secret, length)


def chain_value(secret: bytes, length: int, index: int) -> bytes:
    """``s[index]`` of the chain (1 <= index <= length)."""
    if not 1 <= index <= length:
        raise ValueError(f"a chain of {length} values has no value {index}")
    return hash_times(secret, length - index)


def is_chain_value(value: bytes, index: int, head: bytes) -> bool:
    """Whether ``value`` is ``s[index]`` of the chain with head ``head``: hashing it ``index`` times gives the head."""
    return index >= 1 and hash_times(value, index) == head


# --- the commitment ------------------------------------------------------------------------


def _hex(value: Any, size: int = 64) -> bool:
    return isinstance(value, str) and len(value) == size and all(c in "0123456789abcdef" for c in value)


def _names(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


@dataclass(frozen=True)
class Commitment:
    """A commitment (or an extension of one) as recorded: its content and what it fixes."""

    fingerprint: str
    """As recorded (``verify`` checks it against :attr:`content`)."""
    content: Mapping[str, Any]
    """What was committed, as recorded; its canonical JSON hashes to the fingerprint."""
    decks: tuple[CommittedDeck, ...]
    """The decks it fixes (an extension: the decks it adds), sorted by id."""
    head: str
    """The chain's head ``s[0]``, in hex."""
    length: int
    """Values in the chain."""
    presenters: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    extends: str | None = None
    """For an extension: the fingerprint of the commitment it extends."""
    cause: str | None = None
    """For an extension: :data:`CHAIN_USED_UP`, :data:`DECKS_ADDED` or :data:`SECRET_MISSING`."""
    reason: str | None = None
    """For an extension: why it was made, in words."""

    @property
    def short(self) -> str:
        return short_fingerprint(self.fingerprint)

    @classmethod
    def from_entry(cls, entry: Mapping[str, Any]) -> Commitment:
        """The commitment a record's ``commit`` entry holds.

        Raises:
            ValueError: the entry is not a commitment this battledecks can read, with the reason.
        """
        fingerprint, content = entry.get("fingerprint"), entry.get("content")
        if not isinstance(fingerprint, str) or not _hex(fingerprint):
            raise ValueError("the commitment's fingerprint is not 64 hex digits")
        if not isinstance(content, dict):
            raise ValueError("the commitment has no content")
        rules = content.get("rules")
        if not isinstance(rules, dict) or rules.get("version") != RULES_VERSION:
            version = rules.get("version") if isinstance(rules, dict) else None
            raise ValueError(
                f"the commitment's draw rules are version {version!r}; this battledecks knows {RULES_VERSION}"
            )
        chain = content.get("chain")
        if not (
            isinstance(chain, dict)
            and _hex(chain.get("head"))
            and isinstance(chain.get("length"), int)
            and not isinstance(chain.get("length"), bool)
            and 1 <= chain["length"] <= MAX_CHAIN
        ):
            raise ValueError(
                f"the commitment's chain is not a head of 64 hex digits and a length from 1 to {MAX_CHAIN}"
            )
        raw_decks = content.get("decks")
        if not isinstance(raw_decks, list):
            raise ValueError("the commitment's decks are not a list")
        decks = []
        for item in raw_decks:
            if not (
                isinstance(item, dict)
                and isinstance(item.get("id"), str)
                and _hex(item.get("hash"))
                and _names(item.get("authors", []))
            ):
                raise ValueError("a committed deck is not an id, a hash of 64 hex digits and a list of authors")
            decks.append(CommittedDeck(item["id"], item["hash"], tuple(item.get("authors", []))))
        what = content.get("what")
        if what == WHAT:
            presenters, topics = content.get("presenters"), content.get("topics")
            if (
                not isinstance(presenters, list)
                or not isinstance(topics, list)
                or not _names(presenters)
                or not _names(topics)
            ):
                raise ValueError("the commitment's presenters or topics are not lists of names")
            return cls(
                fingerprint, content, tuple(decks), chain["head"], chain["length"], tuple(presenters), tuple(topics)
            )
        if what == WHAT_EXTENDED:
            extends, reason, cause = content.get("extends"), content.get("reason"), content.get("cause")
            if not isinstance(extends, str) or not _hex(extends):
                raise ValueError("the extension does not name the commitment it extends")
            return cls(
                fingerprint,
                content,
                tuple(decks),
                chain["head"],
                chain["length"],
                extends=extends,
                cause=cause if isinstance(cause, str) else None,
                reason=reason if isinstance(reason, str) else None,
            )
        raise ValueError(f"the commitment says it is {what!r}, not a {WHAT}")


def commitment_content(
    *,
    event: str,
    date: str | None,
    presenters: Sequence[str],
    topics: Sequence[str],
    slides: int,
    decks: Sequence[CommittedDeck],
    head: bytes,
    length: int,
) -> dict[str, Any]:
    """What a new commitment fixes, as JSON values."""
    return {
        "what": WHAT,
        "rules": RULES,
        "event": {"name": event, "date": date},
        "presenters": list(presenters),
        "topics": sorted(topics),
        "slides": slides,
        "decks": [d.to_json() for d in sorted(decks, key=lambda d: d.id)],
        "chain": {"hash": "sha256", "head": head.hex(), "length": length},
    }


def extension_content(
    *, extends: str, cause: str, reason: str, decks: Sequence[CommittedDeck], head: bytes, length: int
) -> dict[str, Any]:
    """What an extension of commitment ``extends`` fixes: a new chain, and decks added to the draw (if any)."""
    return {
        "what": WHAT_EXTENDED,
        "rules": RULES,
        "extends": extends,
        "cause": cause,
        "reason": reason,
        "decks": [d.to_json() for d in sorted(decks, key=lambda d: d.id)],
        "chain": {"hash": "sha256", "head": head.hex(), "length": length},
    }


# --- the secret -------------------------------------------------------------------------


def secret_path_for(event_path: Path) -> Path:
    """``events/demo.yaml`` keeps its chain's secret in ``events/demo.draw-secret``."""
    return event_path.with_name(event_path.stem + ".draw-secret")


_SECRET_NOTE = (
    "# battledecks: the secret end of this event's draw chain. Keep it private until the show is over:\n"
    "# with it anyone can tell the draws to come. Each draw reveals its own value in the record.\n"
)


class ChainSecrets:
    """The secret ends of an event's chains, by head, kept in a 0600 file beside the record.

    Read-only shows (``save=False``) keep new secrets in memory only. A
    missing or unreadable file is no secret: the show then extends the
    commitment with a new chain (recorded) rather than stop.
    """

    def __init__(self, path: Path, *, save: bool = True) -> None:
        self.path = path
        self.save = save
        self._known: dict[str, tuple[bytes, int]] | None = None
        self.problem: str | None = None
        """Why the file could not be read, if it could not (once read)."""

    @property
    def _chains(self) -> dict[str, tuple[bytes, int]]:
        # Read when first needed (the first draw), not when the event opens: nothing before the lineup's first frame.
        if self._known is None:
            self._known = {}
            self._load()
        return self._known

    def _load(self) -> None:
        assert self._known is not None
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return
        except (OSError, UnicodeDecodeError) as error:
            self.problem = f"{self.path}: cannot read: {getattr(error, 'strerror', None) or error}"
            return
        body = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
        try:
            data = json.loads(body)
            for chain in data["chains"]:
                secret, length = bytes.fromhex(chain["secret"]), int(chain["length"])
                if not 1 <= length <= MAX_CHAIN:
                    raise ValueError(length)
                self._known[chain_head(secret, length).hex()] = (secret, length)
        except (ValueError, KeyError, TypeError):
            self.problem = f"{self.path}: is not a battledecks chain secret"

    def add(self, secret: bytes, length: int) -> bytes:
        """Keep a new chain's secret (written to the file before anything is committed); returns its head.

        Raises:
            OSError: the file cannot be written.
        """
        head = chain_head(secret, length)
        chains = {**self._chains, head.hex(): (secret, length)}
        if self.save:
            data = {"chains": [{"secret": s.hex(), "length": n} for s, n in chains.values()]}
            atomic_write(self.path, _SECRET_NOTE + json.dumps(data) + "\n", mode=0o600)
        self._known = chains
        return head

    def value(self, head: str, index: int) -> bytes | None:
        """Value ``index`` of the chain with head ``head``, or None if its secret is not here."""
        known = self._chains.get(head)
        if known is None:
            return None
        secret, length = known
        if not 1 <= index <= length:
            return None
        return chain_value(secret, length, index)

    def __contains__(self, head: object) -> bool:
        return head in self._chains
