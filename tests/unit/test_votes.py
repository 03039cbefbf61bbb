"""The vote store: rounds, one vote per phone, refusals by reason, nothing acknowledged is lost."""

from __future__ import annotations

import math
import os
import random
import signal
import sqlite3
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from battledecks.room.votes.store import (
    COMMIT_EVERY,
    Accepted,
    AddressVotes,
    Crowd,
    RateLimit,
    Refused,
    Round,
    Scale,
    VoteError,
    VoteStore,
    address_of,
    load_secret,
    read_votes,
    secret_path_for,
    votes_path_for,
)

TEN = Scale(1, 10)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def store(tmp_path: Path):
    s = VoteStore.for_event(tmp_path / "night.yaml", TEN, rate=RateLimit(rate=100, burst=100))
    yield s
    s.close()


def db_votes(path: Path, round_id: int) -> dict[str, float]:
    with sqlite3.connect(path) as db:
        return dict(db.execute("SELECT phone, value FROM votes WHERE round = ?", (round_id,)).fetchall())


# --- the secret -----------------------------------------------------------------


def test_secret_is_made_once_private_and_kept(tmp_path: Path) -> None:
    path = secret_path_for(tmp_path / "night.yaml")
    assert path.name == "night.votes.key"
    first = load_secret(path)
    assert len(first) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_secret(path) == first
    assert [p.name for p in tmp_path.iterdir()] == ["night.votes.key"], "no temporary file is left behind"


def test_secret_made_by_many_threads_at_once_is_one_secret(tmp_path: Path) -> None:
    path = tmp_path / "e.votes.key"
    got: list[bytes] = []
    threads = [threading.Thread(target=lambda: got.append(load_secret(path))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(got)) == 1 and path.read_bytes() == got[0]


def test_damaged_secret_is_a_clear_error_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "e.votes.key"
    path.write_bytes(b"short")
    with pytest.raises(VoteError, match=r"e\.votes\.key: the vote key is damaged"):
        load_secret(path)
    assert path.read_bytes() == b"short"


def test_files_sit_beside_the_event(tmp_path: Path, store: VoteStore) -> None:
    assert store.path == votes_path_for(tmp_path / "night.yaml") == tmp_path / "night.votes.sqlite"
    with sqlite3.connect(store.path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


# --- the scale ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7", 7.0),
        (" 10 ", 10.0),
        ("1", 1.0),
        (8, 8.0),
        ("0", "range"),
        ("11", "range"),
        ("7.5", "range"),
        ("", None),
        ("seven", None),
        ("nan", None),
        ("inf", None),
        (None, None),
        (True, None),
        ("1" * 30, None),
    ],
)
def test_scale_reads_votes(text: object, expected: object) -> None:
    assert TEN.parse(text) == expected


def test_half_steps() -> None:
    halves = Scale(1, 5, 0.5)
    assert halves.parse("4.5") == 4.5 and halves.parse("4.25") == "range"
    assert halves.choices() == [1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5]
    assert halves.describe() == "from 1 to 5 in steps of 0.5"


# --- voting ---------------------------------------------------------------------------


def test_a_phone_votes_and_its_last_vote_counts(store: VoteStore) -> None:
    store.open(1, "Ada")
    token = store.token()
    first = store.cast(token, "6", store.code)
    assert isinstance(first, Accepted) and first.value == 6 and not first.changed
    again = store.cast(token, "9", store.code.lower())
    assert isinstance(again, Accepted) and again.changed
    other = store.cast(store.token(), "4", store.code)
    assert isinstance(other, Accepted)
    tally = store.tally()
    assert tally is not None and tally.count == 2 and tally.mean == 6.5
    result = store.close_round(1)
    assert (result.count, result.mean, result.open) == (2, 6.5, False)
    assert result.describe() == "6.5 from 2 votes"
    assert sorted(db_votes(store.path, 1).values()) == [4.0, 9.0]


@pytest.mark.parametrize(
    ("reason", "vote"),
    [
        ("room-code", lambda s, t: s.cast(t, "5", "ZZZZ")),
        ("room-code", lambda s, t: s.cast(t, "5", None)),
        ("range", lambda s, t: s.cast(t, "11", s.code)),
        ("range", lambda s, t: s.cast(t, "5.5", s.code)),
        ("malformed", lambda s, t: s.cast(t, "five", s.code)),
        ("malformed", lambda s, t: s.cast(None, "5", s.code)),
        ("malformed", lambda s, t: s.cast("garbage", "5", s.code)),
        ("forged", lambda s, t: s.cast(t[:-2] + ("AA" if not t.endswith("AA") else "BB"), "5", s.code)),
        ("forged", lambda s, t: s.cast(t.replace(".1.", ".2.", 1), "5", s.code)),
    ],
)
def test_bad_votes_are_refused_and_counted_by_reason(store: VoteStore, reason: str, vote) -> None:
    store.open(1, "Ada")
    token = store.token()
    outcome = vote(store, token)
    assert isinstance(outcome, Refused) and outcome.reason == reason, outcome
    assert outcome.message
    assert store.refusals() == {reason: 1}
    assert store.tally().count == 0


def test_out_of_range_message_names_the_scale(store: VoteStore) -> None:
    store.open(1, "Ada")
    outcome = store.cast(store.token(), "0", store.code)
    assert isinstance(outcome, Refused) and outcome.message == "Scores are from 1 to 10."


def test_no_vote_outside_an_open_round(store: VoteStore) -> None:
    early = store.token()
    assert store.cast(early, "5", store.code).reason == "closed"
    store.open(1, "Ada")
    token = store.token()
    store.close_round()
    outcome = store.cast(token, "5", store.code)
    assert isinstance(outcome, Refused) and outcome.reason == "closed"
    assert store.refusals() == {"closed": 2}


def test_a_token_from_another_round_is_a_replay(store: VoteStore) -> None:
    store.open(1, "Ada")
    old = store.token()
    assert isinstance(store.cast(old, "8", store.code), Accepted)
    store.close_round()
    store.open(2, "Grace")
    outcome = store.cast(old, "8", store.code)
    assert isinstance(outcome, Refused) and outcome.reason == "replay"
    assert "now on Grace" in outcome.message
    # The same phone, given a token for this round, votes.
    fresh = store.token(old)
    assert store.phone_of(fresh) == store.phone_of(old)
    assert isinstance(store.cast(fresh, "8", store.code), Accepted)


def test_a_forged_token_does_not_lend_its_phone(store: VoteStore) -> None:
    store.open(1, "Ada")
    genuine = store.token()
    forged = genuine[:-1] + ("A" if genuine[-1] != "A" else "B")
    assert store.phone_of(forged) is None
    assert store.phone_of(store.token(forged)) != store.phone_of(genuine)


def test_tokens_do_not_verify_under_another_events_key(tmp_path: Path) -> None:
    with VoteStore.for_event(tmp_path / "a.yaml", TEN) as a, VoteStore.for_event(tmp_path / "b.yaml", TEN) as b:
        a.open(1, "Ada")
        b.open(1, "Ada")
        assert a.code != b.code or a.token() != b.token()
        outcome = b.cast(a.token(), "5", b.code)
        assert isinstance(outcome, Refused) and outcome.reason == "forged"


def test_one_phone_is_rate_limited(tmp_path: Path) -> None:
    clock = FakeClock()
    with VoteStore.for_event(tmp_path / "e.yaml", TEN, rate=RateLimit(rate=1, burst=3, clock=clock)) as store:
        store.open(1, "Ada")
        phone, other = store.token(), store.token()
        outcomes = [store.cast(phone, "5", store.code) for _ in range(4)]
        assert [type(o).__name__ for o in outcomes] == ["Accepted"] * 3 + ["Refused"]
        assert outcomes[-1].reason == "rate"
        assert isinstance(store.cast(other, "5", store.code), Accepted), "another phone is not slowed down"
        clock.now += 1.0
        assert isinstance(store.cast(phone, "6", store.code), Accepted)
        # A client sending garbage is limited by its address.
        bad = [store.cast("x", "5", store.code, client="10.0.0.9") for _ in range(4)]
        assert [o.reason for o in bad] == ["malformed"] * 3 + ["rate"]


# --- rounds --------------------------------------------------------------------------------


def test_reopening_a_round_keeps_its_votes(store: VoteStore) -> None:
    store.open(1, "Ada")
    token = store.token()
    store.cast(token, "3", store.code)
    store.close_round()
    again = store.open(1, "Ada")
    assert again.count == 1 and again.mean == 3
    store.cast(token, "7", store.code)
    assert store.close_round().mean == 7


def test_only_one_round_open_at_a_time(store: VoteStore) -> None:
    store.open(1, "Ada")
    with pytest.raises(VoteError, match="voting on Ada is still open"):
        store.open(2, "Grace")
    store.close_round()
    with pytest.raises(VoteError, match="no vote is open"):
        store.close_round()


def test_a_database_from_another_record_is_refused(store: VoteStore) -> None:
    store.open(1, "Ada")
    store.close_round()
    with pytest.raises(VoteError, match="round 1 was on Ada, not Grace"):
        store.open(1, "Grace")
    assert store.open_round is None


def test_reopening_the_event_restores_the_open_round(tmp_path: Path) -> None:
    event = tmp_path / "night.yaml"
    with VoteStore.for_event(event, TEN) as store:
        store.open(1, "Ada")
        store.cast(store.token(), "5", store.code)
        store.close_round()
        store.open(2, "Grace")
        tokens = [store.token() for _ in range(3)]
        for t, v in zip(tokens, ("8", "9", "10")):
            store.cast(t, v, store.code)
        store.cast("nonsense", "1", store.code)
    with VoteStore.for_event(event, TEN) as store:
        assert store.open_round == Round(2, "Grace")
        tally = store.tally()
        assert (tally.count, tally.mean) == (3, 9)
        assert store.refusals() == {"malformed": 1}
        # The phones' cookies still work: same key, same round.
        assert store.cast(tokens[0], "10", store.code).changed
        assert store.tally().mean == pytest.approx(29 / 3)


def test_results_rebuilt_from_the_database(store: VoteStore) -> None:
    store.open(1, "Ada")
    for v in ("4", "6"):
        store.cast(store.token(), v, store.code)
    store.close_round()
    store.open(2, "Grace", turn=2)
    store.cast(store.token(), "9", store.code)
    results = store.results()
    assert [(r.id, r.presenter, r.turn, r.count, r.mean, r.open) for r in results] == [
        (1, "Ada", 1, 2, 5.0, False),
        (2, "Grace", 2, 1, 9.0, True),
    ]


def test_sync_follows_the_record(store: VoteStore) -> None:
    store.open(1, "Ada")
    store.cast(store.token(), "5", store.code)
    # The record says round 1 was closed and round 2 is open (the app died between the two writes).
    store.sync(Round(2, "Grace"), closed=[1])
    assert store.open_round == Round(2, "Grace")
    assert [(r.id, r.open, r.count) for r in store.results()] == [(1, False, 1), (2, True, 0)]
    store.sync(None, closed=[1, 2])
    assert store.open_round is None
    # The record says round 2 is open again: reopened with its votes.
    store.sync(Round(1, "Ada"), closed=[2])
    assert store.tally().count == 1


def test_votes_cast_during_a_close_are_counted_or_refused_never_lost(tmp_path: Path) -> None:
    with VoteStore.for_event(tmp_path / "e.yaml", TEN, rate=RateLimit(rate=1e6, burst=1e6)) as store:
        store.open(1, "Ada")
        acked: list[str] = []
        lock = threading.Lock()

        def phones() -> None:
            for _ in range(300):
                token = store.token()
                outcome = store.cast(token, "7", store.code)
                if isinstance(outcome, Accepted):
                    with lock:
                        acked.append(store.phone_of(token))

        threads = [threading.Thread(target=phones) for _ in range(4)]
        for t in threads:
            t.start()
        deadline = time.monotonic() + 10
        while len(acked) < 100 and time.monotonic() < deadline:
            time.sleep(0.001)
        result = store.close_round()
        for t in threads:
            t.join()
        in_db = db_votes(store.path, 1)
        assert set(acked) <= set(in_db)
        assert result.count == len(in_db) == len(acked)
        assert store.refusals().get("closed", 0) == 1200 - len(acked)


@pytest.mark.parametrize("group", [True, False])
def test_many_phones_at_once(tmp_path: Path, group: bool) -> None:
    with VoteStore.for_event(tmp_path / "e.yaml", TEN, group=group) as store:
        store.open(1, "Ada")
        futures = [store.submit(store.token(), str(1 + i % 10), store.code) for i in range(500)]
        outcomes = [f.result(30) for f in futures]
        assert all(isinstance(o, Accepted) for o in outcomes)
        assert store.tally().count == 500 == len(db_votes(store.path, 1))
        assert store.tally().mean == 5.5


def test_the_live_count_follows_changed_votes_as_the_database_has_them(tmp_path: Path) -> None:
    half = Scale(0, 5, 0.5)
    rng = random.Random(7)
    with VoteStore.for_event(tmp_path / "e.yaml", half, rate=RateLimit(rate=1000, burst=1000)) as store:
        store.open(1, "Ada")
        tokens = [store.token() for _ in range(40)]
        for _ in range(300):  # phones changing their minds, some back to their first vote
            assert isinstance(store.cast(rng.choice(tokens), str(rng.randint(0, 10) / 2), store.code), Accepted)
        stored = db_votes(store.path, 1)
        live = store.tally()
        assert live.count == len(stored) and live.mean == math.fsum(stored.values()) / len(stored)
        (closed,) = [r for r in store.results() if r.id == 1]
        assert (closed.count, closed.mean) == (live.count, live.mean)


def test_a_changed_vote_is_told_so_whichever_store_took_the_first(tmp_path: Path) -> None:
    """Two vote processes' stores on one database: a phone's second vote is a change wherever it lands."""
    event, fast = tmp_path / "e.yaml", RateLimit(rate=100, burst=100)
    with VoteStore.for_event(event, TEN, rate=fast) as one, VoteStore.for_event(event, TEN, rate=fast) as other:
        one.open(1, "Ada")
        other.open(1, "Ada")
        phone = one.token()
        told = [store.cast(phone, value, store.code) for store, value in ((one, "8"), (other, "9"), (one, "7"))]
        assert [(o.value, o.changed) for o in told if isinstance(o, Accepted)] == [(8, False), (9, True), (7, True)]
        twice = one.token()  # two votes from one phone, most likely in one commit
        futures = [one.submit(twice, value, one.code) for value in ("3", "4")]
        outcomes = [f.result(10) for f in futures]
        assert [(o.value, o.changed) for o in outcomes if isinstance(o, Accepted)] == [(3, False), (4, True)]
        fresh = other.cast(other.token(), "5", other.code)
        assert isinstance(fresh, Accepted) and not fresh.changed
        assert sorted(db_votes(one.path, 1).values()) == [4, 5, 7]


def test_votes_arriving_fast_share_commits(store: VoteStore) -> None:
    store.open(1, "Ada")
    commits: list[int] = []
    commit = store._commit_votes

    def counted(db: sqlite3.Connection, batch: list) -> None:
        commits.append(len(batch))
        commit(db, batch)

    store._commit_votes = counted  # type: ignore[method-assign]
    began = time.monotonic()
    futures = []
    for _ in range(200):
        futures.append(store.submit(store.token(), "5", store.code))
        time.sleep(0.0005)
    assert all(isinstance(f.result(30), Accepted) for f in futures)
    took = time.monotonic() - began
    assert sum(commits) == 200 == len(db_votes(store.path, 1))
    assert len(commits) <= took / COMMIT_EVERY + 1 and max(commits) > 1


def test_listeners_hear_the_live_count(store: VoteStore) -> None:
    heard = []
    store.listeners.append(heard.append)
    store.open(1, "Ada")
    store.cast(store.token(), "2", store.code)
    store.cast(store.token(), "4", store.code)
    assert [(r.count, r.mean) for r in heard] == [(1, 2), (2, 3)]


def test_a_failing_write_is_not_acknowledged(tmp_path: Path) -> None:
    with VoteStore.for_event(tmp_path / "e.yaml", TEN) as store:
        store.open(1, "Ada")
        with sqlite3.connect(store.path) as other:
            other.execute("PRAGMA busy_timeout = 0")
            other.execute("BEGIN EXCLUSIVE")  # another writer holds the database
            future = store.submit(store.token(), "5", store.code)
            with pytest.raises(VoteError, match="the vote was not saved"):
                future.result(30)
            other.rollback()
        assert isinstance(store.cast(store.token(), "5", store.code), Accepted)


# --- one vote per phone, not per cookie --------------------------------------------------------


def test_a_network_address_counts_at_most_its_limit_of_phones_a_round(tmp_path: Path) -> None:
    with VoteStore.for_event(tmp_path / "e.yaml", TEN, rate=RateLimit(rate=100, burst=100), per_address=3) as store:
        crowds = []
        store.crowd_listeners.append(crowds.append)
        store.open(1, "Ada")
        phones = [store.token() for _ in range(5)]  # one laptop dropping its cookie: a new phone each time
        told = [store.cast(phone, "10", store.code, "10.0.0.7") for phone in phones]
        assert [type(o).__name__ for o in told] == ["Accepted"] * 3 + ["Refused"] * 2
        assert told[3].reason == "crowded" and "3 phones from your network address have voted" in told[3].message
        assert isinstance(
            store.cast(phones[0], "2", store.code, "10.0.0.7"), Accepted
        )  # a counted phone changes its mind
        assert isinstance(store.cast(phones[4], "2", store.code, "10.0.0.7"), Refused)
        assert store.full("10.0.0.7") and not store.full("10.0.0.8")
        assert isinstance(store.cast(store.token(), "1", store.code, "10.0.0.8"), Accepted)  # its neighbour is not
        assert len(db_votes(store.path, 1)) == 4 and store.refusals()["crowded"] == 3
        assert crowds == [Crowd(1, "10.0.0.7", 3, 3, 0, 3)]  # told once, as it reached the limit
        result = store.close_round()
        assert (result.count, result.mean) == (4, (2 + 10 + 10 + 1) / 4)
        store.open(2, "Brian")  # a new round: as many again
        assert [type(store.cast(store.token(), "5", store.code, "10.0.0.7")).__name__ for _ in range(4)] == [
            "Accepted"
        ] * 3 + ["Refused"]
    # The refusals per address are kept for `battledecks votes`.
    _, refused, addresses = read_votes(votes_path_for(tmp_path / "e.yaml"))
    assert refused["crowded"] == 4
    assert addresses[1] == [AddressVotes("10.0.0.7", 3, 4, 3), AddressVotes("10.0.0.8", 1, 1, 0)]


def test_the_limit_holds_across_stores_sharing_the_database(tmp_path: Path) -> None:
    """Two vote processes' stores, one address voting through both at once with new phones: the limit holds."""
    event, fast = tmp_path / "e.yaml", RateLimit(rate=1e6, burst=1e6)
    with VoteStore.for_event(event, TEN, rate=fast) as one, VoteStore.for_event(event, TEN, rate=fast) as other:
        one.open(1, "Ada")
        other.opened(1, "Ada")
        outcomes: list[object] = []

        def flood(store: VoteStore) -> None:
            futures = [store.submit(store.token(), "10", store.code, "192.168.1.50") for _ in range(150)]
            outcomes.extend(f.result(30) for f in futures)

        threads = [threading.Thread(target=flood, args=(store,)) for store in (one, other, one, other)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sum(isinstance(o, Accepted) for o in outcomes) == 4
        assert sum(isinstance(o, Refused) and o.reason == "crowded" for o in outcomes) == 596
        assert len(db_votes(one.path, 1)) == 4


def test_a_phone_counted_by_one_store_is_not_a_new_phone_to_the_other(tmp_path: Path) -> None:
    event, fast = tmp_path / "e.yaml", RateLimit(rate=100, burst=100)
    with (
        VoteStore.for_event(event, TEN, rate=fast, per_address=2) as one,
        VoteStore.for_event(event, TEN, rate=fast, per_address=2) as other,
    ):
        crowds: list[Crowd] = []
        one.crowd_listeners.append(crowds.append)
        other.crowd_listeners.append(crowds.append)
        one.open(1, "Ada")
        other.opened(1, "Ada")
        x = one.token()
        assert isinstance(one.cast(x, "5", one.code, "10.0.0.7"), Accepted)
        changed = other.cast(x, "6", other.code, "10.0.0.7")  # its change of mind reaches the other store
        assert isinstance(changed, Accepted) and changed.changed
        assert crowds == [] and not other.full("10.0.0.7")  # still one phone from the address, not two
        assert isinstance(other.cast(other.token(), "7", other.code, "10.0.0.7"), Accepted)
        assert crowds == [Crowd(1, "10.0.0.7", 2, 3, 0, 2)]
        assert isinstance(one.cast(one.token(), "8", one.code, "10.0.0.7"), Refused)
        assert sorted(db_votes(one.path, 1).values()) == [6, 7]


def test_one_phones_rate_limit_holds_across_stores_sharing_the_database(tmp_path: Path) -> None:
    """A phone sending its votes through both vote processes at once is slowed down as through one."""
    clock = FakeClock()
    event = tmp_path / "e.yaml"
    with (
        VoteStore.for_event(event, TEN, rate=RateLimit(rate=1, burst=3, clock=clock)) as one,
        VoteStore.for_event(event, TEN, rate=RateLimit(rate=1, burst=3, clock=clock)) as other,
    ):
        one.open(1, "Ada")
        other.opened(1, "Ada")
        phone = one.token()
        told = [store.cast(phone, str(n), store.code) for n, store in zip(range(2, 10), [one, other] * 4)]
        assert [type(o).__name__ for o in told] == ["Accepted"] * 3 + ["Refused"] * 5  # each store alone would take 3
        assert {o.reason for o in told if isinstance(o, Refused)} == {"rate"}
        assert db_votes(one.path, 1) == {one.phone_of(phone): 4.0}  # the last vote taken counts
        clock.now += 1.0  # a second later: one more
        assert [type(store.cast(phone, "9", store.code)).__name__ for store in (other, one)] == ["Accepted", "Refused"]


@pytest.mark.parametrize(
    ("remote", "address"),
    [
        ("192.168.1.7", "192.168.1.7"),
        ("::ffff:192.168.1.7", "192.168.1.7"),
        ("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64"),
        ("2001:db8:1:2::1", "2001:db8:1:2::/64"),  # one phone's new private addresses are one network address
        ("fe80::1%eth0", "fe80::/64"),
        ("", ""),
    ],
)
def test_a_phones_network_address(remote: str, address: str) -> None:
    assert address_of(remote) == address


def test_the_vote_database_and_its_log_are_private(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        with VoteStore.for_event(tmp_path / "e.yaml", TEN) as store:
            store.open(1, "Ada")
            store.cast(store.token(), "5", store.code)
            files = [
                store.path,
                store.path.with_name(store.path.name + "-wal"),
                store.path.with_name(store.path.name + "-shm"),
            ]
            assert {f.name: stat.S_IMODE(f.stat().st_mode) for f in files} == {f.name: 0o600 for f in files}
    finally:
        os.umask(old)


def test_a_vote_database_from_before_the_limit_is_taken_up(tmp_path: Path) -> None:
    path = votes_path_for(tmp_path / "e.yaml")
    with sqlite3.connect(path) as db:
        db.executescript(
            "CREATE TABLE rounds (id INTEGER PRIMARY KEY, presenter TEXT NOT NULL, turn INTEGER NOT NULL DEFAULT 1,"
            " opened_at REAL NOT NULL, closed_at REAL);"
            "CREATE TABLE votes (round INTEGER NOT NULL, phone TEXT NOT NULL, value REAL NOT NULL, at REAL NOT NULL,"
            " times INTEGER NOT NULL DEFAULT 1, PRIMARY KEY (round, phone));"
            "INSERT INTO rounds VALUES (1, 'Ada', 1, 0, NULL); INSERT INTO votes VALUES (1, 'old', 6, 0, 1);"
        )
    db.close()
    os.chmod(path, 0o644)
    with VoteStore.for_event(tmp_path / "e.yaml", TEN, per_address=1) as store:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert store.tally() is not None and store.tally().count == 1
        assert isinstance(store.cast(store.token(), "8", store.code, "10.0.0.1"), Accepted)
        assert isinstance(store.cast(store.token(), "8", store.code, "10.0.0.1"), Refused)
        assert store.close_round().count == 2


# --- closing in every store or in none ----------------------------------------------------------


def test_a_close_the_database_refuses_leaves_the_round_open_and_taking_votes(tmp_path: Path) -> None:
    event = tmp_path / "e.yaml"
    with VoteStore.for_event(event, TEN) as one, VoteStore.for_event(event, TEN) as other:
        one.open(1, "Ada")
        other.opened(1, "Ada")
        assert isinstance(one.cast(one.token(), "4", one.code), Accepted)
        one.pause()
        other.pause()
        assert isinstance(one.cast(one.token(), "4", one.code), Refused)  # paused: no vote slips in
        with sqlite3.connect(one.path, isolation_level=None) as holder:
            holder.execute("BEGIN EXCLUSIVE")  # another process holds the database as the host closes
            with pytest.raises(VoteError):
                other.close_round()
            holder.execute("ROLLBACK")
        holder.close()
        one.resume()
        assert one.open_round == other.open_round == Round(1, "Ada")
        assert isinstance(other.cast(other.token(), "10", other.code), Accepted)
        assert isinstance(one.cast(one.token(), "7", one.code), Accepted)
        one.pause()
        result = other.close_round()  # later, F2 again: every vote acknowledged is counted
        one.forget()
        assert (result.count, result.mean) == (3, 7) and one.open_round is None and other.open_round is None


# --- a crash --------------------------------------------------------------------------------

_VOTER = """
import sys
from pathlib import Path
from battledecks.room.votes.store import RateLimit, Scale, VoteStore
store = VoteStore.for_event(Path(sys.argv[1]), Scale(1, 10), rate=RateLimit(rate=1e9, burst=1e9))
if store.open_round is None:
    store.open(1, "Ada")
print("open", flush=True)
i = 0
while True:
    pending = []
    for _ in range(50):
        token = store.token()
        pending.append((store.phone_of(token), store.submit(token, str(1 + i % 10), store.code)))
        i += 1
    for phone, future in pending:
        if type(future.result()).__name__ == "Accepted":
            print("ack", phone, flush=True)
"""


def test_a_killed_app_loses_no_acknowledged_vote(tmp_path: Path) -> None:
    event = tmp_path / "night.yaml"
    proc = subprocess.Popen(
        [sys.executable, "-c", _VOTER, str(event)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    acked: list[str] = []
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "open"
        while len(acked) < 2000:
            line = proc.stdout.readline()
            assert line, "the voter stopped by itself"
            acked.append(line.split()[1])
        os.kill(proc.pid, signal.SIGKILL)
        rest = proc.stdout.read()  # acks printed before the kill landed
        acked += [line.split()[1] for line in rest.splitlines() if line.startswith("ack ")]
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    in_db = db_votes(votes_path_for(event), 1)
    lost = set(acked) - set(in_db)
    assert not lost, f"{len(lost)} acknowledged votes lost"
    # Reopened, the round is open with every vote that was written.
    with VoteStore.for_event(event, TEN) as store:
        assert store.open_round == Round(1, "Ada")
        assert store.tally().count == len(in_db) >= len(acked)


def test_phones_get_ids_of_their_own(store: VoteStore) -> None:
    store.open(1, "Ada")
    ids = [store.phone_of(store.token()) for _ in range(1000)]  # several batches of the id pool
    assert len(set(ids)) == 1000 and all(i and len(i) == 16 for i in ids)
