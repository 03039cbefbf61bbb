"""``battledecks results``: what it prints and writes, its exit codes, and that it changes nothing else."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from PIL import Image
from tests.builders import build_decks, build_event
from tests.scoring_builders import SCORED, play

from battledecks.cli import main

SCORING = {"judges": ["Ann", "Bob"], "criteria": ["Style", {"name": "Fit", "weight": 2}], "tiebreak": "audience"}


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` with its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def event(tmp_path: Path) -> Path:
    build_decks(tmp_path / "decks", {f"d{i}": f"Deck {i}" for i in range(1, 5)})
    path = build_event(
        tmp_path, "night", title="Night", decks="decks", presenters=["Amy", "Ben", "Cat"], scoring=SCORING, **SCORED
    )
    play(
        path,
        {
            # Amy: (7 + 2*8 + 9 + 2*9) / 2 = 25; Ben: 8 + 2*7 = 22 (Bob absent).
            "Amy": {
                "scores": {("Ann", "Style"): 7, ("Ann", "Fit"): 8, ("Bob", "Style"): 9, ("Bob", "Fit"): 9},
                "audience": 6,
            },
            "Ben": {"scores": {("Ann", "Style"): 8, ("Ann", "Fit"): 7}, "audience": 9},
        },
    )
    return path


def test_table_by_default_and_nothing_changes(event: Path, capsys):
    before = snapshot(event.parent)
    assert main(["results", str(event)]) == 0
    out = capsys.readouterr().out
    assert "Winner: Amy" in out
    assert "Fan favourite: Ben (audience 9)" in out
    assert snapshot(event.parent) == before


def test_json_flag_and_format_json_agree(event: Path, capsys):
    assert main(["results", str(event), "--json"]) == 0
    flag = capsys.readouterr().out
    assert main(["results", str(event), "--format", "json"]) == 0
    assert capsys.readouterr().out == flag
    data = json.loads(flag)
    assert [(p["name"], p["total"], p["rank"]) for p in data["presenters"]] == [
        ("Amy", 25, 1),
        ("Ben", 22, 2),
        ("Cat", None, None),
    ]
    assert data["presenters"][0]["scores"] == {"Ann": {"Style": 7, "Fit": 8}, "Bob": {"Style": 9, "Fit": 9}}


def test_csv_to_stdout_is_plain_csv(event: Path, capsys):
    assert main(["results", str(event), "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["presenter"] for r in rows] == ["Amy", "Ben", "Cat"]


def test_out_writes_the_format_its_ending_names(event: Path, tmp_path: Path, capsys):
    out = tmp_path / "published" / "night.html"
    out.parent.mkdir()
    before = snapshot(event.parent)
    assert main(["results", str(event), "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert capsys.readouterr().err == f"Wrote html results to {out}\n"
    after = snapshot(event.parent)
    del after["published/night.html"]
    assert after == before


def test_out_with_an_unknown_ending_writes_the_table(event: Path, tmp_path: Path):
    out = tmp_path / "night.txt"
    assert main(["results", str(event), "--out", str(out)]) == 0
    assert "Winner: Amy" in out.read_text(encoding="utf-8")


def test_card_is_written_beside_the_table(event: Path, tmp_path: Path, capsys):
    card = tmp_path / "card.png"
    assert main(["results", str(event), "--card", str(card)]) == 0
    with Image.open(card) as image:
        assert image.size == (1920, 1080)
    captured = capsys.readouterr()
    assert "Winner: Amy" in captured.out and "card.png" in captured.err


@pytest.mark.parametrize("name", ["card.gif", "card", "card.png.txt"])
def test_a_card_name_with_another_ending_is_a_usage_error(event: Path, tmp_path: Path, capsys, name):
    before = snapshot(tmp_path)
    with pytest.raises(SystemExit) as caught:
        main(["results", str(event), "--card", str(tmp_path / name)])
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert name in err and ".png, .jpg, .jpeg" in err and "Traceback" not in err
    assert snapshot(tmp_path) == before


def test_a_jpg_card_is_jpeg(event: Path, tmp_path: Path, capsys):
    assert main(["results", str(event), "--card", str(tmp_path / "results.jpg")]) == 0
    with Image.open(tmp_path / "results.jpg") as image:
        assert image.format == "JPEG"


@pytest.mark.parametrize("flag", ["--out", "--card"])
def test_a_target_in_a_missing_folder_is_one_line_and_exit_1(event: Path, tmp_path: Path, capsys, flag):
    before = snapshot(tmp_path)
    target = tmp_path / "nowhere" / "file.png"
    assert main(["results", str(event), flag, str(target)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(target) in err[0] and "does not exist" in err[0]
    assert snapshot(tmp_path) == before


def test_a_folder_as_target_is_refused(event: Path, tmp_path: Path, capsys):
    assert main(["results", str(event), "--out", str(tmp_path)]) == 1
    assert "is a folder" in capsys.readouterr().err


@pytest.mark.parametrize("own", ["night.yaml", "night.record.yaml"])
def test_the_event_s_own_files_are_never_a_target(event: Path, capsys, own):
    before = snapshot(event.parent)
    assert main(["results", str(event), "--out", str(event.with_name(own))]) == 1
    assert "is the event's own file" in capsys.readouterr().err
    assert snapshot(event.parent) == before


def test_out_and_card_may_not_be_one_file(event: Path, tmp_path: Path, capsys):
    target = str(tmp_path / "same.png")
    assert main(["results", str(event), "--out", target, "--card", target]) == 1
    assert "same file" in capsys.readouterr().err
    assert not (tmp_path / "same.png").exists()


def test_a_missing_event_file_is_one_line_and_exit_1(tmp_path: Path, capsys):
    assert main(["results", str(tmp_path / "nope.yaml")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "nope.yaml" in err[0]
    assert list(tmp_path.iterdir()) == []


def test_an_unreadable_record_is_one_line_and_exit_1(event: Path, capsys):
    record = event.with_name("night.record.yaml")
    record.write_text("format: 1\nlog: [{kind: 7}]\n", encoding="utf-8")
    before = snapshot(event.parent)
    assert main(["results", str(event)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "night.record.yaml" in err[0]
    assert snapshot(event.parent) == before


def test_conflicting_formats_are_refused(event: Path, capsys):
    assert main(["results", str(event), "--json", "--format", "csv"]) == 1
    assert "--json" in capsys.readouterr().err


def test_an_event_with_no_record_lists_everyone_unscored_and_creates_nothing(tmp_path: Path, capsys):
    build_decks(tmp_path / "decks", {"d1": "Deck 1"})
    path = build_event(
        tmp_path, "soon", title="Soon", decks="decks", presenters=["Amy", "Ben"], scoring=SCORING, **SCORED
    )
    before = snapshot(tmp_path)
    assert main(["results", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [(p["name"], p["status"], p["rank"]) for p in data["presenters"]] == [
        ("Amy", "waiting", None),
        ("Ben", "waiting", None),
    ]
    assert data["awards"]["winners"] == []
    assert snapshot(tmp_path) == before
    assert not path.with_name("soon.record.yaml").exists()


def test_every_export_carries_the_draw_s_commitment(event: Path, tmp_path: Path, capsys):
    from battledecks.core.record import read_entries

    fingerprint = next(
        e["fingerprint"] for e in read_entries(event.with_name("night.record.yaml")) if e["kind"] == "commit"
    )
    assert main(["results", str(event), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["draw_commitment"] == fingerprint
    assert main(["results", str(event), "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {row["draw commitment"] for row in rows} == {f"sha256:{fingerprint}"}
    for fmt in ("md", "html", "table"):
        assert main(["results", str(event), "--format", fmt]) == 0
        out = capsys.readouterr().out
        assert f"sha256:{fingerprint}" in out and "battledecks verify" in out, fmt


def test_an_event_without_a_commitment_exports_none(tmp_path: Path, capsys):
    (tmp_path / "decks").mkdir()
    path = build_event(
        tmp_path, "bare", title="Bare", decks="decks", presenters=["Amy"], scoring=SCORING, **SCORED
    )  # never opened: no record, no commitment
    assert main(["results", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["draw_commitment"] is None
    assert main(["results", str(path), "--format", "csv"]) == 0
    assert "draw commitment" not in capsys.readouterr().out
