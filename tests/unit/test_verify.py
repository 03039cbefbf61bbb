"""`battledecks verify`: every honest record checks, and every way to cheat the draw is caught."""

from __future__ import annotations

import copy
import json
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from battledecks.cli import main
from battledecks.core.commitment import fingerprint_of, secret_path_for
from battledecks.core.draw import committed_choice, draw_key
from battledecks.core.record import read_entries
from battledecks.core.show import Show
from battledecks.core.verify import verify_entries
from tests.builders import build_deck, build_event

Entries = list[dict[str, Any]]


def rewrite(record: Path, change: Callable[[Entries], object]) -> None:
    """Edit a record's log by hand, as someone with a text editor would, keeping it a readable record."""
    entries = read_entries(record)
    change(entries)
    head = [line for line in record.read_text().splitlines() if not line.startswith("  - ")]
    head = [line for line in head if line != "log:"]
    record.write_text("\n".join(head) + "\nlog:\n" + "".join(f"  - {json.dumps(e)}\n" for e in entries))


def flip(hex_text: str) -> str:
    """The same hex text with its first digit changed."""
    return ("1" if hex_text[0] != "1" else "2") + hex_text[1:]


def verify(event: Path, capsys, *extra: str) -> tuple[int, str]:  # noqa: ANN001
    code = main(["verify", str(event), *extra])
    out = capsys.readouterr()
    return code, out.out + out.err


@pytest.fixture
def night(event_dir: Path, seeds, wall) -> Path:  # noqa: ANN001
    """An event drawn honestly: three draws, a veto and its redraw, one draw with the room's numbers."""
    path = build_event(event_dir / "events", name="night", order="listed", topics=["Cats", "Moon", "Owls"])
    show = Show.open(path, seed_source=seeds, clock=wall)
    show.draw_for("Ada", room="6 6 1")
    show.veto("Ada", "slide 4 is blank")
    show.draw_all()
    return path


def draws(record: Path) -> Entries:
    return [e for e in read_entries(record) if e["kind"] == "draw"]


def record_of(event: Path) -> Path:
    return event.with_name(event.stem + ".record.yaml")


# --- an honest record ------------------------------------------------------------------------


def test_an_honest_night_verifies_and_nothing_changes(night: Path, capsys) -> None:  # noqa: ANN001
    folder = night.parent
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.iterdir()}
    code, out = verify(night, capsys)
    assert code == 0, out
    assert out.splitlines()[0] == "verified: 4 draws, 1 veto"
    assert "6 of 6 decks match their files" in out and "room 6 6 1" in out
    assert {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.iterdir()} == before
    # The record alone is a transcript: it verifies on its own, the deck files beside it checked too.
    code, out = verify(record_of(night), capsys)
    assert code == 0 and "6 of 6 decks match" in out
    code, out = verify(night, capsys, "--json")
    data = json.loads(out)
    assert (
        code == 0 and data["verified"] and data["vetoes"] == 1 and [d["chain"] for d in data["draws"]] == [1, 2, 3, 4]
    )
    assert data["deck_files"]["matched"] == 6 and data["problems"] == []


def test_the_published_fingerprint_can_be_checked(night: Path, capsys) -> None:  # noqa: ANN001
    fingerprint = read_entries(record_of(night))[1]["fingerprint"]
    assert verify(night, capsys, "--expect", f"{fingerprint[:4]} {fingerprint[4:8]} {fingerprint[8:12]}")[0] == 0
    assert verify(night, capsys, "--expect", f"SHA256:{fingerprint.upper()}")[0] == 0
    code, out = verify(night, capsys, "--expect", flip(fingerprint)[:12])
    assert code == 1 and "is not the one expected" in out
    with pytest.raises(SystemExit) as usage:
        main(["verify", str(night), "--expect", "not hex"])
    assert usage.value.code == 2


def test_a_record_without_a_commitment_is_one_line_and_exit_1(event_dir: Path, capsys) -> None:  # noqa: ANN001
    path = build_event(event_dir / "events", name="old", order="listed")
    record_of(path).write_text(
        "format: 1\nlog:\n"
        '  - {"at": "2010-04-13T19:00:00+00:00", "kind": "order", "presenters": ["Ada", "Brian", "Chen"], "how": "listed"}\n'
        '  - {"at": "2010-04-13T19:00:01+00:00", "kind": "draw", "presenter": "Ada", "deck": "deck-1", "seed": 5, '
        '"pool": ["deck-0", "deck-1"], "topics": []}\n'
    )
    code, out = verify(path, capsys)
    assert code == 1 and out.count("\n") == 1 and "has no draw commitment" in out and "Traceback" not in out


@pytest.mark.parametrize(
    "text",
    [
        b"\x00\xff garbage",
        b'format: 1\nlog:\n  - {"kind": "commit", "at": "x", "fingerprint": "abc", "content": {}}\n',
        b'format: 1\nlog:\n  - {"kind": "draw", "at": "x", "presenter": "Ada", "deck": "d", "chain": "one"}\n',
        b'format: 1\nlog:\n  - {"kind": "commit", "at": "x", "fingerprint": "' + b"a" * 64 + b'", "content": {}}\n',
    ],
)
def test_a_broken_record_is_one_line_naming_it(event_dir: Path, capsys, text: bytes) -> None:  # noqa: ANN001
    path = build_event(event_dir / "events", name="broken")
    record_of(path).write_bytes(text)
    code, out = verify(path, capsys)
    assert code == 1 and out.count("\n") == 1 and "broken.record.yaml" in out and "Traceback" not in out


def test_an_event_with_no_record_or_a_missing_file_is_one_line(event_dir: Path, capsys) -> None:  # noqa: ANN001
    path = build_event(event_dir / "events", name="fresh")
    code, out = verify(path, capsys)
    assert code == 1 and "no record yet" in out and out.count("\n") == 1
    code, out = verify(event_dir / "events" / "nothing.yaml", capsys)
    assert code == 1 and "no such file" in out


def test_the_real_commands_commit_draw_and_verify(event_dir: Path, capsys) -> None:  # noqa: ANN001
    path = build_event(event_dir / "events", name="cli")
    assert main(["commit", str(path)]) == 0
    said = capsys.readouterr().out
    fingerprint = said.split("sha256:")[1].split()[0]
    assert main(["commit", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["fingerprint"] == fingerprint
    assert main(["draw", str(path), "--room-input", "4, 2 6"]) == 0
    capsys.readouterr()
    assert main(["draw", str(path), "--room-input", "four"]) == 1
    assert "--room-input" in capsys.readouterr().err
    code, out = verify(path, capsys, "--expect", fingerprint[:12])
    assert code == 0 and out.startswith("verified: 3 draws, 0 vetoes")
    assert all(e["room"] == "4 2 6" for e in draws(record_of(path)))


# --- each way to cheat ---------------------------------------------------------------------------


def test_a_re_rolled_draw_is_caught(night: Path, capsys) -> None:  # noqa: ANN001
    record = record_of(night)
    honest = record.read_text()

    # The deck a draw gave, replaced by another from its pool.
    def other_deck(entries: Entries) -> None:
        draw = [e for e in entries if e["kind"] == "draw"][2]
        draw["deck"] = next(d for d in draw["pool"] if d != draw["deck"])

    rewrite(record, other_deck)
    code, out = verify(night, capsys)
    assert code == 1 and "the record says" in out
    # A draw left out of the record and made again with the next value.
    record.write_text(honest)
    rewrite(record, lambda entries: entries.remove([e for e in entries if e["kind"] == "draw"][0]))
    code, out = verify(night, capsys)
    assert code == 1 and "value 1 of the chain never appeared" in out
    # A second draw for the same presenter, the veto that would allow it taken out.
    record.write_text(honest)
    rewrite(record, lambda entries: entries.remove(next(e for e in entries if e["kind"] == "veto")))
    code, out = verify(night, capsys)
    assert code == 1 and "a re-roll" in out


def test_a_changed_seed_is_caught(night: Path, capsys, seeds, wall) -> None:  # noqa: ANN001
    record = record_of(night)
    honest = record.read_text()
    rewrite(
        record,
        lambda entries: [e for e in entries if e["kind"] == "draw"][1].update(
            revealed=flip(draws(record)[1]["revealed"])
        ),
    )
    code, out = verify(night, capsys)
    assert code == 1 and "is not value 2 of the committed chain" in out
    # The chain's secret swapped for another before a draw: the show goes on with a new chain, on the record.
    record.write_text(honest)
    secret = secret_path_for(night)
    text = secret.read_text()
    start = text.index('"secret": "') + len('"secret": "')
    secret.write_text(text[:start] + flip(text[start:]))
    show = Show.open(night, seed_source=seeds, clock=wall)
    show.veto("Brian", "no reason")
    code, out = verify(night, capsys)
    assert code == 1 and "the chain was replaced mid-show" in out


def test_a_deck_changed_or_swapped_after_the_commitment_is_caught(night: Path, capsys) -> None:  # noqa: ANN001
    decks = night.parent.parent / "decks"
    slide = decks / "deck-2" / "slide5.png"
    honest = slide.read_bytes()
    slide.write_bytes((decks / "deck-3" / "slide5.png").read_bytes())
    code, out = verify(night, capsys)
    assert code == 1 and "deck-2: its slide files" in out and "deck-3" not in out.split("commitment")[0]
    slide.write_bytes(honest)
    assert verify(night, capsys)[0] == 0
    (decks / "deck-4").rename(decks / "swap")
    (decks / "deck-5").rename(decks / "deck-4")
    (decks / "swap").rename(decks / "deck-5")
    code, out = verify(night, capsys)
    assert code == 1 and "deck-4: its slide files" in out and "deck-5: its slide files" in out
    # Without the decks folder only the record is checked, and it says so.
    code, out = verify(record_of(night), capsys, "--decks", str(night.parent / "nowhere"))
    assert code == 0 and "deck files: not checked" in out


@pytest.mark.parametrize(
    ("how", "said"),
    [
        ("reordered", "is not in id order"),
        ("padded with a deck already drawn", "already drawn, vetoed or made by the presenter"),
        ("padded with a deck never committed", "never committed"),
        ("short of a deck", "leaves out"),
    ],
)
def test_a_reordered_or_padded_pool_is_caught(night: Path, capsys, how: str, said: str) -> None:  # noqa: ANN001
    def change(entries: Entries) -> None:
        draw = [e for e in entries if e["kind"] == "draw"][3]
        first = next(e for e in entries if e["kind"] == "draw")
        pool = draw["pool"]
        if how == "reordered":
            pool.reverse()
        elif how == "padded with a deck already drawn":
            pool.insert(0, first["deck"])
        elif how == "padded with a deck never committed":
            pool.append("zz-easy-deck")
        else:
            pool.remove(next(d for d in pool if d != draw["deck"]))

    rewrite(record_of(night), change)
    code, out = verify(night, capsys)
    assert code == 1 and said in out


def test_a_commitment_edited_after_the_fact_is_caught(night: Path, capsys) -> None:  # noqa: ANN001
    record = record_of(night)
    honest = record.read_text()
    published = read_entries(record)[1]["fingerprint"]

    def swap_a_deck_hash(entries: Entries) -> None:
        entries[1]["content"]["decks"][0]["hash"] = flip(entries[1]["content"]["decks"][0]["hash"])

    rewrite(record, swap_a_deck_hash)
    code, out = verify(night, capsys)
    assert code == 1 and "the commitment was changed after it was made" in out
    # Edited and given the fingerprint of what it now holds: every draw's key no longer follows, and the
    # fingerprint is not the one published.
    record.write_text(honest)

    def edit_and_refingerprint(entries: Entries) -> None:
        swap_a_deck_hash(entries)
        entries[1]["fingerprint"] = fingerprint_of(entries[1]["content"])

    rewrite(record, edit_and_refingerprint)
    code, out = verify(night, capsys, "--expect", published[:12])
    assert code == 1 and "is not the one expected" in out and "its key is not the one" in out


def test_a_chain_value_used_twice_is_caught(night: Path, capsys) -> None:  # noqa: ANN001
    record = record_of(night)

    def reuse(entries: Entries) -> None:
        # Draw 3 made again with draw 2's value, its key and deck worked out to match: a careful forger.
        commit = entries[1]
        all_draws = [e for e in entries if e["kind"] == "draw"]
        second, third = all_draws[1], all_draws[2]
        third.update(chain=second["chain"], revealed=second["revealed"])
        key = draw_key(bytes.fromhex(third["revealed"]), commit["fingerprint"], third.get("room"), third["presenter"])
        third["key"] = key.hex()
        third["deck"], third["topic"] = committed_choice(third["pool"], third["topics"], key)

    rewrite(record, reuse)
    code, out = verify(night, capsys)
    assert code == 1 and "reuses chain value 2" in out


# --- any record, any single tamper ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def libraries(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    """Decks folders of 2, 4 and 7 decks; in each, deck-0 is made by P0."""
    folders = {}
    for count in (2, 4, 7):
        folder = tmp_path_factory.mktemp(f"decks{count}")
        for i in range(count):
            build_deck(folder / f"deck-{i}", slides=2, **({"authors": ["P0"]} if i == 0 else {}))
        folders[count] = folder
    return folders


STEP = st.tuples(st.sampled_from(["draw", "veto"]), st.integers(0, 9), st.sampled_from([None, None, "1", "4 2 6"]))


def honest_record(decks: Path, presenters: int, topics: int, steps: list[tuple[str, int, str | None]]) -> Entries:
    """A record made by the real show from random draws and vetoes (those the rules allow)."""
    with tempfile.TemporaryDirectory() as folder:
        path = build_event(
            Path(folder),
            name="prop",
            order="listed",
            decks=str(decks),
            slides=2,
            presenters=[f"P{i}" for i in range(presenters)],
            topics=[f"T{i}" for i in range(topics)],
        )
        counter = iter(range(1, 10_000))
        show = Show.open(path, seed_source=lambda: next(counter))
        for action, pick, room in steps:
            name = show.names()[pick % presenters]
            if action == "draw" and show.can_draw(name) is None:
                show.draw_for(name, room=room)
            elif action == "veto" and show.can_veto(name) is None:
                show.veto(name, "", room=room)
        return copy.deepcopy(show.record.entries)


def tampers(entries: Entries) -> list[tuple[str, Callable[[Entries], None]]]:
    """Every single-field change to what the draw depends on, each a function that makes it."""
    made: list[tuple[str, Callable[[Entries], None]]] = []

    def at(index: int, field: str, value: Any) -> tuple[str, Callable[[Entries], None]]:
        def change(log: Entries) -> None:
            log[index][field] = value

        return f"entry {index + 1} {field} = {value!r}", change

    def in_content(
        index: int, what: str, edit: Callable[[dict[str, Any]], None]
    ) -> tuple[str, Callable[[Entries], None]]:
        def change(log: Entries) -> None:
            edit(log[index]["content"])

        return f"entry {index + 1} content: {what}", change

    names = [n for e in entries if e["kind"] == "order" for n in e["presenters"]]
    for index, e in enumerate(entries):
        if e["kind"] == "commit":
            made.append(at(index, "fingerprint", flip(e["fingerprint"])))
            made.append(in_content(index, "head", lambda c: c["chain"].update(head=flip(c["chain"]["head"]))))
            made.append(in_content(index, "length", lambda c: c["chain"].update(length=c["chain"]["length"] + 1)))
            made.append(in_content(index, "presenters", lambda c: c["presenters"].append("Mallory")))
            made.append(in_content(index, "topics", lambda c: c["topics"].append("Zzz")))
            made.append(
                in_content(index, "a deck's hash", lambda c: c["decks"][-1].update(hash=flip(c["decks"][-1]["hash"])))
            )
            made.append(in_content(index, "a deck's authors", lambda c: c["decks"][-1].update(authors=["Mallory"])))
            made.append(
                in_content(
                    index, "a deck more", lambda c: c["decks"].append({"id": "zz", "hash": "0" * 64, "authors": []})
                )
            )
        elif e["kind"] == "draw":
            others = [d for d in e["pool"] if d != e["deck"]] or ["deck-0" if e["deck"] != "deck-0" else "deck-1"]
            made.append(at(index, "deck", others[0]))
            made.append(at(index, "topic", "Zzz"))
            made.append(at(index, "chain", e["chain"] + 1))
            if e["chain"] > 1:
                made.append(at(index, "chain", e["chain"] - 1))
            made.append(at(index, "revealed", flip(e["revealed"])))
            made.append(at(index, "key", flip(e["key"])))
            made.append(at(index, "room", "7" if e.get("room") != "7" else "8"))
            if e.get("room") is not None:
                made.append(at(index, "room", None))
            made.append(at(index, "presenter", next(n for n in [*names, "Mallory"] if n != e["presenter"])))
            made.append(at(index, "round", 2))
            made.append(at(index, "pool", [*e["pool"], "zz"]))
            made.append(at(index, "pool", e["pool"][1:]))
            if len(e["pool"]) > 1:
                made.append(at(index, "pool", e["pool"][::-1]))
            made.append(at(index, "topics", [*e["topics"], "Zzz"]))
            if e["topics"]:
                made.append(at(index, "topics", e["topics"][1:]))
        elif e["kind"] == "veto":
            made.append(at(index, "deck", "zz"))
            made.append(at(index, "presenter", next(n for n in [*names, "Mallory"] if n != e["presenter"])))
    return made


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(
    size=st.sampled_from([2, 4, 7]),
    presenters=st.integers(1, 4),
    topics=st.integers(0, 5),
    steps=st.lists(STEP, min_size=1, max_size=10),
    data=st.data(),
)
def test_verify_accepts_every_honest_record_and_rejects_every_single_tamper(
    libraries: dict[int, Path],
    size: int,
    presenters: int,
    topics: int,
    steps: list,
    data: st.DataObject,
) -> None:
    entries = honest_record(libraries[size], presenters, topics, steps)
    result = verify_entries(entries, decks_folder=libraries[size])
    assert result.ok, result.problems
    assert len(result.draws) == sum(e["kind"] == "draw" for e in entries)
    for what, change in tampers(entries):
        tampered = copy.deepcopy(entries)
        change(tampered)
        assert tampered != entries, what
        assert not verify_entries(tampered).ok, f"not caught: {what}"


def test_verify_never_changes_a_deck_folder(night: Path, capsys) -> None:  # noqa: ANN001
    decks = night.parent.parent / "decks"

    def state() -> dict[Path, tuple[bytes, int]]:
        return {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(decks.rglob("*")) if p.is_file()}

    before = state()
    assert verify(night, capsys, "--json")[0] == 0
    assert state() == before
