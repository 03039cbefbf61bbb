"""The audience's votes: rounds the host opens and closes, one vote per phone, nothing lost.

Votes are kept in SQLite (WAL mode) beside the event's record, in
``<event>.votes.sqlite``. A vote is committed before the phone is told it
counted: one writer thread takes the votes waiting in its queue, writes them
in one transaction, commits (``synchronous=FULL``: the write-ahead log is on
disk) and only then acknowledges each of them. Under load that is one commit
for many votes (group commit, at most one every :data:`COMMIT_EVERY`); a lone
vote is committed at once.

A phone is known by a signed token in a cookie: ``<phone>.<round>.<mac>``,
where the MAC is HMAC-SHA256 of ``<phone>.<round>`` under a secret made
once per event (``<event>.votes.key``, created atomically, mode 0600). The
token is issued for the round open when the page is loaded; a phone votes
once per round and may change its vote until the round closes (the last
vote counts). Everything else is refused, with a message for the phone, and
counted by reason (:data:`REASONS`).

A token costs nothing to make, so a laptop that drops its cookie could be a
new phone at every request: the phones that count in a round are limited per
network address (:data:`PER_ADDRESS`, the event's
``scoring.audience.phones-per-address``). Each vote keeps the address it came
from; the writer admits a phone new to the round only while fewer phones of
its address have voted in it, checked and written in one transaction, so the
limit holds across the vote processes that share the database. A vote from
one more phone is refused (``crowded``) and counted per address
(:data:`Crowd`), and the host is told once an address reaches the limit.

Rounds follow the record: the host's commands write ``vote-open`` and
``vote-close`` entries through the show, and the store opens and closes the
same round ids here. :meth:`VoteStore.sync` puts the store in line with the
record when the event is opened again (an open round keeps its votes), and
:meth:`VoteStore.results` gives every round's result from the database, so
the record's results can be rebuilt from it.
"""

from __future__ import annotations

import asyncio
import base64
import collections
import concurrent.futures
import functools
import hashlib
import hmac
import ipaddress
import math
import os
import queue
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from battledecks.core.atomic import fsync_dir
from battledecks.core.problems import BattledecksError
from battledecks.core.words import format_vote

SECRET_BYTES = 32
CODE_LETTERS = "ACDEFHJKLMNPRTUVWXY"
"""Room code letters: no look-alikes (B/8, G/6, I/1, O/0, Q, S/5, Z/2)."""
CODE_LENGTH = 4

REASONS = {
    "closed": "Voting is not open right now: wait for the host to open it.",
    "room-code": "Wrong room code: scan the code on the screen again.",
    "range": "That score is not on the scale.",
    "malformed": "That vote could not be read: pick a score and send it again.",
    "replay": "That vote was for an earlier round.",
    "forged": "This phone's voting token is not valid: reload the page.",
    "rate": "Too many votes from this phone: wait a moment and send it again.",
    "crowded": "As many phones as may vote from one network address already have: this vote does not count.",
    "cross-site": "That vote did not come from the vote page: open the page from the code on the screen and vote there.",
}
"""Why a vote is refused, and what the phone is told (the server adds details such as the scale)."""


PER_ADDRESS = 4
"""Phones counted per network address in one round, unless the event says otherwise: a few phones of one
household behind one router. A venue whose phones reach the laptop through one address (NAT) sets more."""


class VoteError(BattledecksError):
    """The vote store cannot be opened or a round command breaks the rules."""


@functools.lru_cache(maxsize=4096)
def address_of(remote: str) -> str:
    """The network address a phone's votes count against: an IPv4 address as it is, an IPv6 one by its /64
    (a device makes itself new addresses in its network's /64 at will), "" when none is known."""
    try:
        ip = ipaddress.ip_address(remote.split("%", 1)[0])
    except ValueError:
        return remote[:64]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def create_private(path: Path) -> None:
    """Make ``path`` readable by its owner only (creating it empty if it is missing), and any write-ahead
    log and shared-memory file of SQLite's beside it: SQLite makes those with the database's mode."""
    try:
        os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
        for one in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            if one.exists() and one.stat().st_mode & 0o077:
                os.chmod(one, 0o600)
    except OSError as error:
        raise VoteError(f"{path}: cannot open the vote database: {error.strerror or error}") from None


def set_aside(db_path: Path, now: float | None = None, key_path: Path | None = None) -> list[tuple[Path, Path]]:
    """Move a vote database and its write-ahead log and shared-memory file aside, named with the time, so
    the next start makes a fresh one; returns (from, to) for each file moved (none: there was none).

    The moved files keep their names' ends (``-wal``, ``-shm``), so SQLite opens the set-aside database
    with its log as it was. A vote key at ``key_path`` that cannot be read, or is not a key, goes aside too
    (a good one stays: the room code stays the same).

    Raises:
        VoteError: a file cannot be moved (one line naming it).
    """
    stamp = time.strftime("%Y-%m-%d-%H%M%S", time.localtime(now))
    base = db_path.name.removesuffix(".sqlite")
    target = db_path.with_name(f"{base}-aside-{stamp}.sqlite")
    n = 1
    while target.exists():
        n += 1
        target = db_path.with_name(f"{base}-aside-{stamp}-{n}.sqlite")
    moved: list[tuple[Path, Path]] = []
    for end in ("", "-wal", "-shm"):
        source = db_path.with_name(db_path.name + end)
        if not source.exists():
            continue
        destination = target.with_name(target.name + end)
        try:
            os.rename(source, destination)
        except OSError as error:
            raise VoteError(f"{source}: cannot move it aside: {error.strerror or error}") from None
        moved.append((source, destination))
    if key_path is not None and _damaged_key(key_path):
        destination = target.with_name(target.name.removesuffix(".sqlite") + ".key")
        try:
            os.rename(key_path, destination)
        except OSError as error:
            raise VoteError(f"{key_path}: cannot move it aside: {error.strerror or error}") from None
        moved.append((key_path, destination))
    if moved:
        fsync_dir(db_path.parent)
    return moved


def _damaged_key(path: Path) -> bool:
    try:
        return len(path.read_bytes()) != SECRET_BYTES
    except FileNotFoundError:
        return False
    except OSError:
        return True


def votes_path_for(event_path: Path) -> Path:
    """``events/demo.yaml`` keeps its votes in ``events/demo.votes.sqlite``."""
    return event_path.with_name(event_path.stem + ".votes.sqlite")


def secret_path_for(event_path: Path) -> Path:
    return event_path.with_name(event_path.stem + ".votes.key")


def load_secret(path: Path) -> bytes:
    """The event's vote secret, made on first use: random, written whole, readable by its owner only.

    The key is written to a private temporary file and linked into place, so
    another process never reads a half-written key, and two processes
    creating it at once end up sharing the one that was linked first.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        data = b""
        fd, tmp = _private_temp(path)
        try:
            os.write(fd, secrets.token_bytes(SECRET_BYTES))
            os.fsync(fd)
            os.close(fd)
            try:
                os.link(tmp, path)
                fsync_dir(path.parent)
            except FileExistsError:
                pass
        finally:
            os.unlink(tmp)
        data = path.read_bytes()
    except OSError as error:
        raise VoteError(f"{path}: cannot read the vote key: {error.strerror or error}") from None
    if len(data) != SECRET_BYTES:
        raise VoteError(
            f"{path}: the vote key is damaged ({len(data)} bytes, not {SECRET_BYTES}): move it away to make a new one"
        )
    return data


def room_code(secret: bytes) -> str:
    """The event's short room code, shown beside the QR code and carried in the address it gives."""
    return "".join(
        CODE_LETTERS[b % len(CODE_LETTERS)] for b in hmac.digest(secret, b"room code", "sha256")[:CODE_LENGTH]
    )


def _private_temp(path: Path) -> tuple[int, str]:
    while True:
        tmp = str(path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp"))
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), tmp
        except FileExistsError:
            continue
        except OSError as error:
            raise VoteError(f"{path}: cannot make the vote key: {error.strerror or error}") from None


class _RandomIds:
    """New phones' ids: 12 random bytes each, read from the system a few hundred ids at a time (a read
    gives up the interpreter lock, and under load waits to take it back)."""

    BATCH = 256

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pool = b""
        self._next = 0

    def new(self) -> str:
        with self._lock:
            if self._next >= len(self._pool):
                self._pool, self._next = secrets.token_bytes(12 * self.BATCH), 0
            taken = self._pool[self._next : self._next + 12]
            self._next += 12
        return _b64(taken)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


@dataclass(frozen=True)
class Scale:
    """The event's scale: votes are ``low``, ``low + step``, ... ``high``."""

    low: float
    high: float
    step: float = 1

    def parse(self, text: object) -> float | str | None:
        """The vote in ``text``: a float on the scale, ``"range"`` off it, or None if unreadable."""
        if isinstance(text, bool) or not isinstance(text, (str, int, float)):
            return None
        try:
            value = float(text.strip() if isinstance(text, str) else text)
        except ValueError:
            return None
        if not math.isfinite(value) or (isinstance(text, str) and len(text) > 20):
            return None
        if not self.low <= value <= self.high:
            return "range"
        steps = (value - self.low) / self.step
        if not math.isclose(steps, round(steps), abs_tol=1e-9):
            return "range"
        return float(self.low + round(steps) * self.step)

    def choices(self) -> list[float]:
        n = round((self.high - self.low) / self.step)
        return [self.low + i * self.step for i in range(n + 1)]

    def describe(self) -> str:
        text = f"from {_num(self.low)} to {_num(self.high)}"
        return text if self.step == 1 else f"{text} in steps of {_num(self.step)}"


def _num(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class Round:
    """One voting round: the votes on one presenter's talk."""

    id: int
    presenter: str
    turn: int = 1
    """The presenter's round in the show (1, or 2 and up in sudden death)."""


@dataclass(frozen=True)
class Result:
    """A round's outcome: how many phones voted and their mean; once closed, how their votes spread."""

    id: int
    presenter: str
    turn: int
    count: int
    mean: float | None
    open: bool = False
    spread: tuple[tuple[float, int], ...] = ()
    """(score, phones that gave it) for each score given, lowest first: only a closed round's, read from
    the database at close. An open round's count carries none, so nothing can show it before the host
    closes the vote."""

    def __post_init__(self) -> None:
        # Carried as JSON between the vote processes and the app: lists come back as tuples.
        object.__setattr__(self, "spread", tuple((float(value), int(times)) for value, times in self.spread))

    def describe(self) -> str:
        return format_vote(self.mean, self.count)


@dataclass(frozen=True)
class Accepted:
    round: Round
    value: float
    changed: bool
    """The phone had voted in this round before; this vote replaces it."""


@dataclass(frozen=True)
class Refused:
    reason: str
    """One of :data:`REASONS`."""
    message: str


@dataclass(frozen=True)
class Crowd:
    """A network address whose phones reached the limit in a round."""

    round: int
    address: str
    phones: int
    """Phones (tokens) whose votes count in the round from this address."""
    votes: int
    """Votes they sent (a change of mind included)."""
    refused: int = 0
    """Votes refused from more phones of this address."""
    limit: int = PER_ADDRESS


Outcome = Accepted | Refused


@dataclass
class _Bucket:
    tokens: float
    at: float


@dataclass
class RateLimit:
    """A token bucket per client: ``burst`` at once, then ``rate`` a second."""

    rate: float = 1.0
    burst: float = 5.0
    clock: Callable[[], float] = time.monotonic
    _buckets: dict[str, _Bucket] = field(default_factory=dict)

    def allow(self, client: str) -> bool:
        now = self.clock()
        bucket = self._buckets.get(client)
        if bucket is None:
            if len(self._buckets) > 100_000:
                self._forget(now)
            bucket = self._buckets[client] = _Bucket(self.burst, now)
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.at) * self.rate)
        bucket.at = now
        if bucket.tokens < 1:
            return False
        bucket.tokens -= 1
        return True

    def _forget(self, now: float) -> None:
        full = (self.burst / self.rate) if self.rate > 0 else math.inf
        for key in [k for k, b in self._buckets.items() if now - b.at > full]:
            del self._buckets[key]


_SCHEMA = """
CREATE TABLE IF NOT EXISTS rounds (
    id INTEGER PRIMARY KEY,
    presenter TEXT NOT NULL,
    turn INTEGER NOT NULL DEFAULT 1,
    opened_at REAL NOT NULL,
    closed_at REAL
);
CREATE TABLE IF NOT EXISTS votes (
    round INTEGER NOT NULL REFERENCES rounds(id),
    phone TEXT NOT NULL,
    value REAL NOT NULL,
    at REAL NOT NULL,
    times INTEGER NOT NULL DEFAULT 1,
    address TEXT NOT NULL DEFAULT '',
    rate_tokens REAL,
    rate_at REAL,
    PRIMARY KEY (round, phone)
);
CREATE TABLE IF NOT EXISTS refusals (
    reason TEXT PRIMARY KEY,
    count INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS crowds (
    round INTEGER NOT NULL,
    address TEXT NOT NULL,
    refused INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (round, address)
);
"""

_SCHEMA_AFTER = "CREATE INDEX IF NOT EXISTS votes_by_address ON votes (round, address);"
"""Made once the votes table has its address (a database from before per-address limits gains the column first)."""


@dataclass
class _Vote:
    round: int
    phone: str
    value: float
    at: float
    address: str
    rate_at: float
    """When it was checked, on the rate limit's clock (for the phone's bucket in the database)."""
    future: concurrent.futures.Future[Outcome] | asyncio.Future[Outcome]
    accepted: Accepted
    loop: asyncio.AbstractEventLoop | None = None
    """Set for an asyncio future: it is settled on its loop, one wake-up per batch."""


@dataclass
class _Command:
    run: Callable[[sqlite3.Connection], object]
    future: concurrent.futures.Future[object]
    write: bool = True
    """Run in a write transaction (False: only reads, or changes the writer's own state)."""


_STOP = object()


class VoteStore:
    """The votes of one event: the rounds, every phone's last vote, the refusals.

    Casting a vote (:meth:`submit`, :meth:`cast`) checks it at once on the
    caller's thread and hands accepted votes to the writer thread; the
    returned future completes only after the vote is committed. Round
    commands are run by the writer thread too, after every vote queued
    before them.
    """

    def __init__(
        self,
        db_path: Path,
        secret: bytes,
        scale: Scale,
        *,
        group: bool = True,
        rate: RateLimit | None = None,
        clock: Callable[[], float] = time.time,
        per_address: int = PER_ADDRESS,
    ) -> None:
        self.path = db_path
        self.scale = scale
        self.per_address = per_address
        """Phones counted per network address in a round (see the module's text)."""
        self.crowd_listeners: list[Callable[[Crowd], None]] = []
        """Told (on the writer thread) when a commit of this store's brings an address to the limit."""
        self.group = group
        """Commit every vote waiting in one transaction (False: one commit per vote)."""
        self.rate = rate or RateLimit()
        self.clock = clock
        self._signer = hmac.new(secret, digestmod=hashlib.sha256)
        """HMAC-SHA256 keyed once: each token's MAC is a copy of it. (``hmac.digest`` gives up the
        interpreter lock for even a short message, and under load waits to take it back.)"""
        self._phone_ids = _RandomIds()
        self.code = room_code(secret)
        """The short room code shown beside the QR code; it is in the URL the code gives."""
        self.refused: dict[str, int] = {}
        """Refusals by reason, over the life of the event."""
        self.accepted = 0
        """Votes committed since the store was made."""
        self.listeners: list[Callable[[Result], None]] = []
        """Told (on the writer thread) the open round's tally after each commit that changed it."""
        self._lock = threading.Lock()
        self._open: Round | None = None
        self._tally = _Tally()
        """The open round's committed votes."""
        self._refusals_unsaved: dict[str, int] = {}
        self._crowds_unsaved: collections.Counter[tuple[int, str]] = collections.Counter()
        """Votes refused before reaching the writer as from one more phone of an address: (round, address) -> votes."""
        self._queue: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._writer_open: int | None = None
        """The open round as the writer thread sees it, in queue order."""
        self._paused: Round | None = None
        """The open round while it takes no votes: being closed in every vote process (see :meth:`pause`)."""
        self._full: set[str] = set()
        """Addresses known to have reached the limit in the open round (a page for a new phone from one says so)."""
        create_private(db_path)
        try:
            self._db = sqlite3.connect(db_path, timeout=2, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.executescript(_SCHEMA)
            columns = {row[1] for row in self._db.execute("PRAGMA table_info(votes)")}
            for name, kind in (("address", "TEXT NOT NULL DEFAULT ''"), ("rate_tokens", "REAL"), ("rate_at", "REAL")):
                if name not in columns:  # a database from before: its votes gain the column
                    self._db.execute(f"ALTER TABLE votes ADD COLUMN {name} {kind}")
            self._db.execute(_SCHEMA_AFTER)
            self._db.execute(
                "PRAGMA busy_timeout = 0"
            )  # another vote process writing: _begin waits, in finer steps than SQLite's
            self.refused = dict(self._db.execute("SELECT reason, count FROM refusals").fetchall())
            row = self._db.execute(
                "SELECT id, presenter, turn FROM rounds WHERE closed_at IS NULL ORDER BY id DESC"
            ).fetchone()
            if row:
                self._open = Round(*row)
                self._writer_open = row[0]
                self._tally = _Tally(
                    self._db.execute("SELECT phone, value FROM votes WHERE round = ?", (row[0],)).fetchall()
                )
        except sqlite3.Error as error:
            try:
                self._db.close()
            except (AttributeError, sqlite3.Error):
                pass
            raise VoteError(f"{db_path}: cannot open the vote database: {error}") from None
        self._writer = threading.Thread(target=self._write_loop, name="votes-writer", daemon=True)
        self._writer.start()
        self._closed = False

    @classmethod
    def for_event(cls, event_path: Path, scale: Scale, **options: Any) -> VoteStore:
        """The store beside an event file (made on first use)."""
        return cls(votes_path_for(event_path), load_secret(secret_path_for(event_path)), scale, **options)

    def close(self) -> None:
        """Write what is queued and close the database."""
        if self._closed:
            return
        self._closed = True
        self._queue.put(_STOP)
        self._writer.join()
        self._db.close()

    def __enter__(self) -> VoteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- tokens ------------------------------------------------------------

    def _mac(self, phone: str, round_id: int) -> str:
        mac = self._signer.copy()
        mac.update(f"{phone}.{round_id}".encode())
        return _b64(mac.digest()[:18])

    def token(self, previous: str | None = None) -> str:
        """A token for the round open now (0: none), for the phone that holds ``previous`` if it is genuine."""
        phone = self.phone_of(previous) or self._phone_ids.new()
        round_id = self._open.id if self._open else 0
        return f"{phone}.{round_id}.{self._mac(phone, round_id)}"

    def phone_of(self, token: str | None) -> str | None:
        """The phone a genuine token names, else None."""
        parsed = self._parse(token)
        return parsed[0] if isinstance(parsed, tuple) else None

    def _parse(self, token: str | None) -> tuple[str, int] | str:
        if not token or len(token) > 100:
            return "malformed"
        parts = token.split(".")
        if len(parts) != 3 or not parts[1].isdigit() or not parts[0] or len(parts[1]) > 9:
            return "malformed"
        phone, round_text, mac = parts
        round_id = int(round_text)
        if not hmac.compare_digest(mac.encode(), self._mac(phone, round_id).encode()):
            return "forged"
        return phone, round_id

    def token_round(self, token: str | None) -> int | None:
        parsed = self._parse(token)
        return parsed[1] if isinstance(parsed, tuple) else None

    # --- state ---------------------------------------------------------------

    @property
    def open_round(self) -> Round | None:
        return self._open

    def tally(self) -> Result | None:
        """The open round's committed votes, or None when no round is open."""
        with self._lock:
            current = self._open
            if current is None:
                return None
            return self._tally.result(current)

    def refusals(self) -> dict[str, int]:
        """Refusals by reason over the life of the event."""
        with self._lock:
            return dict(self.refused)

    def full(self, remote: str) -> bool:
        """Whether phones from ``remote``'s address are known to have reached the limit in the open round
        (as far as this store has seen: another vote process's votes count once one of its own meets them)."""
        return bool(self._full) and address_of(remote) in self._full

    # --- votes -------------------------------------------------------------

    def refuse(self, reason: str, message: str | None = None) -> Refused:
        with self._lock:
            self.refused[reason] = self.refused.get(reason, 0) + 1
            self._refusals_unsaved[reason] = self._refusals_unsaved.get(reason, 0) + 1
        return Refused(reason, message or REASONS[reason])

    def check(self, token: str | None, value: object, code: object, client: str) -> Refused | tuple[Round, str, float]:
        """Whether a vote may be counted: the refusal, or (round, phone, value)."""
        if self._closed:
            return self.refuse("closed")
        parsed = self._parse(token)
        if isinstance(parsed, str):
            if not self.rate.allow("client:" + client):
                return self.refuse("rate")
            current = self._open
            if not token and current is not None and self.full(client):
                with self._lock:  # counted for its address with the next commit
                    self._crowds_unsaved[(current.id, address_of(client))] += 1
                return self.refuse("crowded")  # a phone from a full address, given no token
            if parsed == "malformed" and not token:
                return self.refuse("malformed", "This phone has no voting token: reload the page (cookies must be on).")
            return self.refuse(parsed)
        phone, round_id = parsed
        if not self.rate.allow(phone):
            return self.refuse("rate")
        current = self._open
        if current is None:
            return self.refuse("closed")
        if not isinstance(code, str) or not hmac.compare_digest(code.strip().upper().encode(), self.code.encode()):
            return self.refuse("room-code")
        if round_id != current.id:
            return self.refuse("replay", f"That vote was for an earlier round: voting is now on {current.presenter}.")
        parsed_value = self.scale.parse(value)
        if parsed_value is None:
            return self.refuse("malformed")
        if parsed_value == "range":
            return self.refuse("range", f"Scores are {self.scale.describe()}.")
        assert isinstance(parsed_value, float)
        return current, phone, parsed_value

    def submit(
        self, token: str | None, value: object, code: object, client: str = ""
    ) -> concurrent.futures.Future[Outcome]:
        """Check a vote and, if it may count, queue it; the future gives the outcome once it is committed."""
        future: concurrent.futures.Future[Outcome] = concurrent.futures.Future()
        self._enqueue(future, token, value, code, client)
        return future

    def submit_async(self, token: str | None, value: object, code: object, client: str = "") -> asyncio.Future[Outcome]:
        """:meth:`submit` for a coroutine on the running loop: await the future for the outcome after the commit.

        The writer settles all the futures of one commit with a single call
        into the loop, so a thousand votes in one commit wake the loop once.
        """
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Outcome] = loop.create_future()
        self._enqueue(future, token, value, code, client, loop)
        return future

    def _enqueue(
        self,
        future: Any,
        token: str | None,
        value: object,
        code: object,
        client: str,
        loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        """Settle ``future`` at once with a refusal, or queue the vote for the writer, which settles it after the commit."""
        checked = self.check(token, value, code, client)
        if isinstance(checked, Refused):
            future.set_result(checked)
            return
        current, phone, number = checked
        with self._lock:
            changed = phone in self._tally
        vote = _Vote(
            current.id,
            phone,
            number,
            self.clock(),
            address_of(client),
            self.rate.clock(),
            future,
            Accepted(current, number, changed),
            loop,
        )
        self._queue.put(vote)

    def cast(self, token: str | None, value: object, code: object, client: str = "", timeout: float = 10) -> Outcome:
        """:meth:`submit` and wait for the commit."""
        return self.submit(token, value, code, client).result(timeout)

    # --- rounds --------------------------------------------------------------

    def _command(
        self, run: Callable[[sqlite3.Connection], object], timeout: float = 10, *, write: bool = True
    ) -> object:
        if self._closed:
            raise VoteError(f"{self.path}: the vote store is closed")
        future: concurrent.futures.Future[object] = concurrent.futures.Future()
        self._queue.put(_Command(run, future, write))
        try:
            return future.result(timeout)
        except concurrent.futures.TimeoutError:
            raise VoteError(f"{self.path}: the vote database did not answer in {timeout:g} s") from None

    def open(self, round_id: int, presenter: str, turn: int = 1, step: tuple[int, int] | None = None) -> Result:
        """Open round ``round_id`` (or reopen it, keeping its votes); returns its tally.

        ``step`` (the vote's place in the vote on every presenter at the end) is the desk's to show: the
        store takes it only so that it and the vote processes (:class:`~.worker.VoteWorker`) answer the
        same commands (:class:`~.desk.VoteBackend`).
        """
        current = self._open or self._paused
        if current is not None and current.id != round_id:
            raise VoteError(f"voting on {current.presenter} is still open: close it first")
        new = Round(round_id, presenter, turn)

        def run(db: sqlite3.Connection) -> _Tally:
            row = db.execute("SELECT presenter, turn FROM rounds WHERE id = ?", (round_id,)).fetchone()
            if row is None:
                db.execute(
                    "INSERT INTO rounds (id, presenter, turn, opened_at) VALUES (?, ?, ?, ?)",
                    (round_id, presenter, turn, self.clock()),
                )
            elif tuple(row) != (presenter, turn):
                raise VoteError(
                    f"{self.path}: vote round {round_id} was on {row[0]}, not {presenter}: the vote database belongs to another record"
                )
            else:
                db.execute("UPDATE rounds SET closed_at = NULL WHERE id = ?", (round_id,))
            self._writer_open = round_id
            return _Tally(db.execute("SELECT phone, value FROM votes WHERE round = ?", (round_id,)).fetchall())

        tally = self._command(run)
        assert isinstance(tally, _Tally)
        with self._lock:
            self._tally = tally
            self._open, self._paused = new, None
            self._full = set()
            return tally.result(new)

    def opened(self, round_id: int, presenter: str, turn: int = 1) -> Result:
        """Take votes for round ``round_id``, which another vote process has opened in the database; its tally.

        Only reads the database: the second step of opening a round in every vote process, once the first
        has written it (:meth:`open`).
        """
        new = Round(round_id, presenter, turn)

        def run(db: sqlite3.Connection) -> _Tally:
            self._writer_open = round_id
            return _Tally(db.execute("SELECT phone, value FROM votes WHERE round = ?", (round_id,)).fetchall())

        tally = self._command(run, write=False)
        assert isinstance(tally, _Tally)
        with self._lock:
            self._tally = tally
            self._open, self._paused = new, None
            self._full = set()
            return tally.result(new)

    def pause(self) -> Round:
        """Stop taking votes for the open round, and commit every vote taken for it: the first step of closing
        it in every vote process, so that the one which closes it in the database counts every vote
        acknowledged. :meth:`resume` takes votes again (closing failed); :meth:`close_round` closes it.

        Raises:
            VoteError: no vote is open.
        """
        with self._lock:
            current = self._open or self._paused
            if current is None:
                raise VoteError("no vote is open")
            self._open, self._paused = None, current  # votes checked from now on are refused

        def stop(_: sqlite3.Connection) -> None:
            self._writer_open = None  # every vote queued before is committed by now

        self._command(stop, write=False)
        return current

    def resume(self) -> None:
        """Take votes again for the round :meth:`pause` stopped (it could not be closed everywhere)."""
        paused = self._paused
        if paused is None:
            return

        def again(_: sqlite3.Connection) -> None:
            self._writer_open = paused.id

        self._command(again, write=False)
        with self._lock:
            if self._paused is paused:
                self._open, self._paused = paused, None

    def forget(self) -> None:
        """The round :meth:`pause` stopped was closed in the database by another vote process: it is closed here too."""
        with self._lock:
            self._paused = None
            self._tally = _Tally()
            self._full = set()

    def close_round(self, round_id: int | None = None) -> Result:
        """Stop taking votes, commit those already taken, close the round; returns its result.

        If the database refuses (another process holds it too long, say), the round stays open and takes
        votes again, and the error is raised.
        """
        with self._lock:
            current = self._open or self._paused
            if current is None or (round_id is not None and current.id != round_id):
                raise VoteError("no vote is open" if current is None else f"vote round {round_id} is not the open one")
            self._open, self._paused = (
                None,
                current,
            )  # votes checked from now on are refused; those queued are committed first

        def run(db: sqlite3.Connection) -> Result:
            db.execute("UPDATE rounds SET closed_at = ? WHERE id = ?", (self.clock(), current.id))
            self._writer_open = None
            return _result_of(db, current.id)

        try:
            result = self._command(run)
        except BaseException:
            self.resume()
            raise
        assert isinstance(result, Result)
        self.forget()
        return result

    def reload(self) -> Result | None:
        """Count the open round again from the database (every vote process's votes): its tally."""
        current = self._open

        def run(db: sqlite3.Connection) -> _Tally | None:
            if current is None:
                return None
            return _Tally(db.execute("SELECT phone, value FROM votes WHERE round = ?", (current.id,)).fetchall())

        tally = self._command(run, write=False)
        with self._lock:
            if current is None or self._open is not current or not isinstance(tally, _Tally):
                return None
            self._tally = tally
            return tally.result(current)

    def sync(self, open_round: Round | None, closed: list[int] = ()) -> None:  # type: ignore[assignment]
        """Follow the record: ``open_round`` is open (or none is), ``closed`` ids are closed.

        After a crash the record and the database can disagree by one step
        (a round opened in the record and not yet here, or closed here and not
        yet in the record); the record wins and no vote is dropped.
        """
        current = self._open or self._paused
        if current is not None and (open_round is None or current.id != open_round.id):
            self.close_round(current.id)
        if open_round is not None and (self._open is None or self._open.id != open_round.id):
            self.open(open_round.id, open_round.presenter, open_round.turn)
        for round_id in closed:
            if open_round is not None and round_id == open_round.id:
                continue
            self._command(functools.partial(self._close_at, round_id=round_id))

    def _close_at(self, db: sqlite3.Connection, round_id: int) -> object:
        return db.execute("UPDATE rounds SET closed_at = coalesce(closed_at, ?) WHERE id = ?", (self.clock(), round_id))

    def results(self) -> list[Result]:
        """Every round's result, from the database alone (to rebuild or check the record's)."""

        def run(db: sqlite3.Connection) -> list[Result]:
            rows = db.execute("SELECT id FROM rounds ORDER BY id").fetchall()
            return [_result_of(db, r[0]) for r in rows]

        out = self._command(run)
        assert isinstance(out, list)
        return out

    def count_in_db(self, round_id: int) -> int:
        out = self._command(
            lambda db: db.execute("SELECT count(*) FROM votes WHERE round = ?", (round_id,)).fetchone()[0]
        )
        assert isinstance(out, int)
        return out

    # --- the writer thread ----------------------------------------------------

    def _write_loop(self) -> None:
        db = self._db
        stop = False
        last = 0.0
        while not stop:
            item = self._queue.get()
            if self.group and isinstance(item, _Vote):
                wait = last + COMMIT_EVERY - time.monotonic()
                if wait > 0:  # votes arriving fast: the next commit takes all that come meanwhile
                    time.sleep(wait)
                last = time.monotonic()
            batch: list[_Vote] = []
            commands: list[_Command] = []
            while True:
                if item is _STOP:
                    stop = True
                elif isinstance(item, _Vote):
                    batch.append(item)
                elif isinstance(item, _Command):
                    commands.append(item)
                    break  # a command sees every vote queued before it committed
                if stop or not self.group or len(batch) >= 2000:
                    break
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
            if batch or self._refusals_unsaved or self._crowds_unsaved:
                self._commit_votes(db, batch)
            for command in commands:
                try:
                    if not command.write:
                        command.future.set_result(command.run(db))
                        continue
                    _begin(db)
                    out = command.run(db)
                    db.execute("COMMIT")
                except BaseException as error:  # noqa: BLE001 - handed to the caller
                    if db.in_transaction:
                        db.execute("ROLLBACK")
                    command.future.set_exception(
                        error if isinstance(error, VoteError) else VoteError(f"{self.path}: {error}")
                    )
                else:
                    command.future.set_result(out)

    def _commit_votes(self, db: sqlite3.Connection, batch: list[_Vote]) -> None:
        late = [v for v in batch if v.round != self._writer_open]
        if late:  # checked while open, reached the writer after the round closed (another thread closed it)
            batch = [v for v in batch if v.round == self._writer_open]
            _settle([(v, self.refuse("closed")) for v in late])
        written: list[tuple[list[_Vote], list[tuple[str, int]]]] = []
        crowded: list[_Vote] = []
        crowds: list[Crowd] = []
        refusals: dict[str, int] = {}
        per_address: collections.Counter[tuple[int, str]] = collections.Counter()
        reached: list[str] = []
        taken = batch
        try:
            _begin(db)
            if batch:
                batch, crowded, reached = self._admit(db, batch)
                for start in range(0, len(batch), ROWS_A_STATEMENT):
                    rows = batch[start : start + ROWS_A_STATEMENT]
                    stored = db.execute(
                        _insert_votes(len(rows), self.rate.rate, self.rate.burst),
                        [
                            x
                            for v in rows
                            for x in (v.round, v.phone, v.value, v.at, v.address, self.rate.burst - 1, v.rate_at)
                        ],
                    ).fetchall()
                    written.append((rows, stored))
            with self._lock:
                refusals, self._refusals_unsaved = self._refusals_unsaved, {}
                per_address, self._crowds_unsaved = self._crowds_unsaved, collections.Counter()
            per_address.update((v.round, v.address) for v in crowded)
            if per_address:
                db.executemany(
                    "INSERT INTO crowds (round, address, refused) VALUES (?, ?, ?)"
                    " ON CONFLICT (round, address) DO UPDATE SET refused = refused + excluded.refused",
                    [(round_id, address, n) for (round_id, address), n in per_address.items()],
                )
            crowds = [_crowd_of(db, taken[0].round, address, self.per_address) for address in reached]
            if crowded:
                refusals = {**refusals, "crowded": refusals.get("crowded", 0) + len(crowded)}
            if refusals:
                db.executemany(
                    "INSERT INTO refusals (reason, count) VALUES (?, ?) ON CONFLICT (reason) DO UPDATE SET count = count + excluded.count",
                    list(refusals.items()),
                )
            db.execute("COMMIT")
        except sqlite3.Error as error:
            if db.in_transaction:
                db.execute("ROLLBACK")
            with self._lock:
                for reason, n in refusals.items():
                    if reason == "crowded":
                        n -= len(
                            crowded
                        )  # those votes are not refused: they were not saved, and the phones are told so
                    if n:
                        self._refusals_unsaved[reason] = self._refusals_unsaved.get(reason, 0) + n
                per_address.subtract((v.round, v.address) for v in crowded)
                self._crowds_unsaved.update(+per_address)
            failure = VoteError(f"{self.path}: the vote was not saved: {error}")
            _settle([(v, failure) for v in taken])
            return
        outcomes = [outcome for rows, stored in written for outcome in _as_stored(rows, stored)]
        batch = [vote for vote, outcome in outcomes if isinstance(outcome, Accepted)]
        too_fast = len(outcomes) - len(batch)
        with self._lock:
            current = self._open
            for vote in batch:
                if current is not None and vote.round == current.id:
                    self._tally.put(vote.phone, vote.value)
            self.accepted += len(batch)
            if too_fast:  # written with the next commit
                self.refused["rate"] = self.refused.get("rate", 0) + too_fast
                self._refusals_unsaved["rate"] = self._refusals_unsaved.get("rate", 0) + too_fast
            if crowded:
                self.refused["crowded"] = self.refused.get("crowded", 0) + len(crowded)
                if current is not None and crowded[0].round == current.id:
                    self._full.update(v.address for v in crowded)
            if crowds and current is not None and crowds[0].round == current.id:
                self._full.update(c.address for c in crowds)
            tally = self._tally.result(current) if current and self.listeners else None
        if crowded:
            refusal = Refused(
                "crowded",
                f"{self.per_address} phones from your network address have voted in this round, "
                "as many as may: this phone's vote does not count. Phones sharing one connection? Tell the host.",
            )
            _settle([(v, refusal) for v in crowded])
        _settle(list(outcomes))
        if batch and tally is not None:
            for listener in list(self.listeners):
                try:
                    listener(tally)
                except Exception:  # noqa: BLE001 - a listener never stops the votes
                    pass
        for crowd in crowds:
            for crowd_listener in list(self.crowd_listeners):
                try:
                    crowd_listener(crowd)
                except Exception:  # noqa: BLE001 - a listener never stops the votes
                    pass

    def _admit(self, db: sqlite3.Connection, batch: list[_Vote]) -> tuple[list[_Vote], list[_Vote], list[str]]:
        """Which votes of ``batch`` (all for the open round) count: those of phones already in the round, and
        of new phones while their address has fewer than the limit; the rest are refused. Returns (admitted,
        refused, addresses this batch brings to the limit). In the write transaction: every vote process
        writes under the same lock, so no two of them admit the same address's last place."""
        known = self._tally  # phones this store has committed in the round: in the database already
        unknown: dict[str, set[str]] = {}
        for vote in batch:
            if vote.address and vote.phone not in known:
                unknown.setdefault(vote.address, set()).add(vote.phone)
        if not unknown:
            return batch, [], []
        round_id = batch[0].round
        counts: dict[str, int] = {}
        for chunk in _chunks(list(unknown)):
            counts.update(
                db.execute(
                    f"SELECT address, count(*) FROM votes WHERE round = ? AND address IN ({','.join('?' * len(chunk))}) GROUP BY address",
                    (round_id, *chunk),
                ).fetchall()
            )
        # Only near the limit does it matter whether a phone is new (another vote process may have taken its vote).
        near = [
            phone
            for address, phones in unknown.items()
            if counts.get(address, 0) + len(phones) >= self.per_address
            for phone in phones
        ]
        existing: set[str] = set()
        for chunk in _chunks(near):
            existing.update(
                r[0]
                for r in db.execute(
                    f"SELECT phone FROM votes WHERE round = ? AND phone IN ({','.join('?' * len(chunk))})",
                    (round_id, *chunk),
                )
            )
        admitted: list[_Vote] = []
        refused: list[_Vote] = []
        reached: list[str] = []
        for vote in batch:
            if not vote.address or vote.phone in known or vote.phone in existing:
                admitted.append(vote)
                continue
            n = counts.get(vote.address, 0)
            if n >= self.per_address:
                refused.append(vote)
                continue
            counts[vote.address] = n + 1
            existing.add(vote.phone)
            admitted.append(vote)
            if n + 1 == self.per_address:
                reached.append(vote.address)
        return admitted, refused, reached


def _chunks(items: list[str], size: int = 500) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _crowd_of(db: sqlite3.Connection, round_id: int, address: str, limit: int) -> Crowd:
    phones, votes = db.execute(
        "SELECT count(*), total(times) FROM votes WHERE round = ? AND address = ?", (round_id, address)
    ).fetchone()
    row = db.execute("SELECT refused FROM crowds WHERE round = ? AND address = ?", (round_id, address)).fetchone()
    return Crowd(round_id, address, phones, int(votes), row[0] if row else 0, limit)


COMMIT_EVERY = 0.004
"""Seconds from one commit of votes to the next at the soonest. A vote after a quiet moment is
committed at once; while a room votes, each commit (and its wait for the disk) takes the votes of
these milliseconds together, so the two vote processes commit less often and wait less for each other."""

LOCK_WAIT = 2.0
"""Seconds a write waits for another vote process to finish its own."""


def _begin(db: sqlite3.Connection, wait: float = LOCK_WAIT) -> None:
    """Start a write, waiting while another process writes (in steps of a fraction of a millisecond:
    SQLite's own waits grow to 100 ms, which a vote would wait on top of its commit)."""
    deadline = time.monotonic() + wait
    pause = 0.0001
    while True:
        try:
            db.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as error:
            if ("locked" not in str(error) and "busy" not in str(error)) or time.monotonic() > deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.002)


ROWS_A_STATEMENT = 200
"""Votes inserted by one statement: the database is entered (and the interpreter lock given up and
taken back) once for them all, not once a vote."""


@functools.lru_cache(maxsize=16)
def _insert_votes(rows: int, rate: float, burst: float) -> str:
    """Insert ``rows`` votes (the later of two from one phone wins, as rows are taken in order), giving
    each phone's votes so far in the round (where SQLite can say: 3.35 and later).

    A phone's token bucket (``rate`` a second, ``burst`` at once) is kept in its row too, so the rate
    limit holds across the vote processes: a change of vote the bucket cannot pay for is not written, and
    no row comes back for it.
    """
    limited = _RETURNING and math.isfinite(rate) and math.isfinite(burst)
    tokens = f"min({burst!r}, coalesce(rate_tokens, {burst!r}) + max(0, excluded.rate_at - coalesce(rate_at, excluded.rate_at)) * {rate!r})"
    return (
        "INSERT INTO votes (round, phone, value, at, address, rate_tokens, rate_at) VALUES "
        + ",".join(["(?, ?, ?, ?, ?, ?, ?)"] * rows)
        + " ON CONFLICT (round, phone) DO UPDATE SET value = excluded.value, at = excluded.at, times = times + 1"
        + (f", rate_tokens = {tokens} - 1, rate_at = excluded.rate_at WHERE {tokens} >= 1" if limited else "")
        + (" RETURNING phone, times" if _RETURNING else "")
    )


_RETURNING = sqlite3.sqlite_version_info >= (3, 35, 0)


def _as_stored(votes: list[_Vote], stored: list[tuple[str, int]]) -> list[tuple[_Vote, Outcome]]:
    """Each vote's outcome, saying whether it changed the phone's vote as the database has it (a vote
    taken by another vote process included); a vote the database did not write (its phone's bucket was
    empty) is refused. Without the database's word, as the vote was checked."""
    times: dict[str, list[int]] = {}
    for phone, count in stored:
        times.setdefault(phone, []).append(count)
    for counts in times.values():
        counts.sort(reverse=True)  # one phone twice in a statement: its first vote is the lower count
    out: list[tuple[_Vote, Outcome]] = []
    for vote in votes:
        left = times.get(vote.phone)
        if left:
            out.append((vote, Accepted(vote.accepted.round, vote.value, left.pop() > 1)))
        else:
            out.append((vote, _TOO_FAST if _RETURNING else vote.accepted))
    return out


_TOO_FAST = Refused("rate", REASONS["rate"])


def _settle(outcomes: list[tuple[_Vote, Outcome | BaseException]]) -> None:
    """Complete the votes' futures: threads' at once, each loop's in one call on that loop."""
    by_loop: dict[asyncio.AbstractEventLoop, list[tuple[_Vote, Outcome | BaseException]]] = {}
    for vote, outcome in outcomes:
        if vote.loop is None:
            future = vote.future
            assert isinstance(future, concurrent.futures.Future)
            if isinstance(outcome, BaseException):
                future.set_exception(outcome)
            else:
                future.set_result(outcome)
        else:
            by_loop.setdefault(vote.loop, []).append((vote, outcome))
    for loop, items in by_loop.items():
        try:
            loop.call_soon_threadsafe(_settle_here, items)
        except RuntimeError:
            pass  # the loop is closed: nobody is waiting any more


def _settle_here(items: list[tuple[_Vote, Outcome | BaseException]]) -> None:
    for vote, outcome in items:
        future = vote.future
        if future.done():
            continue  # the phone went away
        if isinstance(outcome, BaseException):
            future.set_exception(outcome)
        else:
            future.set_result(outcome)


@dataclass(frozen=True)
class AddressVotes:
    """The phones of one network address in one round."""

    address: str
    phones: int
    """Phones (tokens) whose votes count."""
    votes: int
    """Votes they sent (a change of mind included)."""
    refused: int
    """Votes refused from more phones of the address, over the limit."""


def read_results(db_path: Path) -> tuple[list[Result], dict[str, int]]:
    """Every round's result and the refusals by reason, read from a vote database without changing it.

    Raises:
        VoteError: the database is missing, unreadable or not a vote database (one line naming it).
    """
    results, refused, _ = read_votes(db_path)
    return results, refused


def read_votes(db_path: Path) -> tuple[list[Result], dict[str, int], dict[int, list[AddressVotes]]]:
    """:func:`read_results`, and each round's phones and votes per network address (most phones first).

    Raises:
        VoteError: the database is missing, unreadable or not a vote database (one line naming it).
    """
    if not db_path.is_file():
        raise VoteError(f"{db_path}: no vote database (the phones have not voted at this event)")
    # With no write-ahead log beside it nobody has the database open: read it as it is, creating no -wal or -shm.
    wal = db_path.with_name(db_path.name + "-wal").exists()
    try:
        db = sqlite3.connect(db_path.absolute().as_uri() + ("?mode=ro" if wal else "?immutable=1"), uri=True, timeout=2)
    except sqlite3.Error as error:
        raise VoteError(f"{db_path}: cannot open the vote database: {error}") from None
    try:
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not {"rounds", "votes"} <= tables:
            raise VoteError(f"{db_path}: not a vote database (no rounds or votes table)")
        results = [_result_of(db, r[0]) for r in db.execute("SELECT id FROM rounds ORDER BY id").fetchall()]
        refused = dict(db.execute("SELECT reason, count FROM refusals").fetchall()) if "refusals" in tables else {}
        addresses: dict[int, list[AddressVotes]] = {}
        if "address" in {row[1] for row in db.execute("PRAGMA table_info(votes)")}:
            crowds: dict[tuple[int, str], int] = {}
            if "crowds" in tables:
                crowds = {(r, a): n for r, a, n in db.execute("SELECT round, address, refused FROM crowds")}
            counted = db.execute(
                "SELECT round, address, count(*), total(times) FROM votes GROUP BY round, address"
            ).fetchall()
            for round_id, address, phones, votes in counted:
                addresses.setdefault(round_id, []).append(
                    AddressVotes(address, phones, int(votes), crowds.pop((round_id, address), 0))
                )
            for (round_id, address), n in crowds.items():
                addresses.setdefault(round_id, []).append(AddressVotes(address, 0, 0, n))
            for listed in addresses.values():
                listed.sort(key=lambda a: (-a.phones, -a.refused, a.address))
    except sqlite3.Error as error:
        raise VoteError(f"{db_path}: the vote database is damaged: {error}") from None
    finally:
        db.close()
    return results, refused, addresses


def _result_of(db: sqlite3.Connection, round_id: int) -> Result:
    presenter, turn, closed_at = db.execute(
        "SELECT presenter, turn, closed_at FROM rounds WHERE id = ?", (round_id,)
    ).fetchone()
    values = [r[0] for r in db.execute("SELECT value FROM votes WHERE round = ?", (round_id,))]
    return _result(Round(round_id, presenter, turn), values, open=closed_at is None)


class _Tally:
    """The open round's committed votes: phone -> vote, and how many phones gave each value, so that
    the mean after a commit costs the scale's few values, not the room's thousands of phones."""

    def __init__(self, votes: Iterable[tuple[str, float]] = ()) -> None:
        self._votes: dict[str, float] = {}
        self._values: collections.Counter[float] = collections.Counter()
        for phone, value in votes:
            self.put(phone, value)

    def __contains__(self, phone: object) -> bool:
        return phone in self._votes

    def put(self, phone: str, value: float) -> None:
        old = self._votes.get(phone)
        if old is not None:
            self._values[old] -= 1
            if not self._values[old]:
                del self._values[old]
        self._votes[phone] = value
        self._values[value] += 1

    def result(self, r: Round) -> Result:
        n = len(self._votes)
        mean = math.fsum(value * times for value, times in self._values.items()) / n if n else None
        return Result(r.id, r.presenter, r.turn, n, mean, True)


def _result(r: Round, given: Iterable[float], *, open: bool) -> Result:
    values = list(given)
    mean = math.fsum(values) / len(values) if values else None
    spread = () if open else tuple(sorted(collections.Counter(values).items()))
    return Result(r.id, r.presenter, r.turn, len(values), mean, open, spread)
