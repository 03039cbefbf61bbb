"""Every command on every case of the hostile corpus (tests/hostile.py).

Each command must exit with the expected code and a clear message (no
traceback, no raw control character) and, when it fails, change no file.
A command that succeeds may write only what it is for: draw the record
(its lock, and its draw's secret), sheet and import their output.
"""

from __future__ import annotations

import os
import re
import shutil
import traceback
from pathlib import Path

import pytest

from battledecks.cli import main
from battledecks.core.commitment import secret_path_for
from battledecks.core.event import record_path_for
from tests.hostile import CASES, COMMANDS, SLIDES, Case, Outcome, World, make_world

RAW = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

_templates: dict[str, World] = {}


def _world(case: Case, factory: pytest.TempPathFactory, tmp_path: Path) -> World:
    """A fresh copy of the case's world (built once per case, copied per command)."""
    if case.name not in _templates:
        template = make_world(factory.mktemp(f"hostile-{case.name}"))
        case.build(template)
        _templates[case.name] = template
    template = _templates[case.name]
    root = tmp_path / "world"
    # Hard links: quick even for the 50 MB event file; a command that wrote into one would show in the snapshot.
    shutil.copytree(template.root, root, symlinks=True, copy_function=os.link)
    return template.moved(root)


def _argv(command: str, world: World, out: Path) -> list[str]:
    return {
        "check": ["check", str(world.event)],
        "draw": ["draw", str(world.event)],
        "results": ["results", "--format", "md", str(world.event)],
        "history": ["history", str(world.event.parent)],
        "sheet": ["sheet", str(world.sheet_deck), "--out", str(out / "sheet.png"), "--yes"],
        "import": ["import", str(world.source), "--into", str(out / "imported"), "--slides", str(SLIDES)],
    }[command]


def _snapshot(root: Path) -> dict[str, tuple[object, ...]]:
    """Every file's identity, size and time, and its bytes when it is small."""
    files: dict[str, tuple[object, ...]] = {}
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink():
            st = path.stat()
            content = path.read_bytes() if st.st_size < 1_000_000 else b""
            files[str(path)] = (st.st_ino, st.st_size, st.st_mtime_ns, content)
    return files


def _outputs(command: str, world: World) -> set[str]:
    """Files a successful command may write under the world."""
    if command == "draw":
        # The record, its lock, and the secret of the draw's hash chain (the draw is committed first).
        return {
            str(record_path_for(world.event)),
            str(world.event.with_name(f".{world.event.stem}.lock")),
            str(secret_path_for(world.event)),
        }
    return set()


SYSTEM = {("pptx-junk", "import")}
"""Cases whose command starts a system program: importing a .pptx starts LibreOffice."""

PARAMS = []
for _case in CASES:
    for _command in COMMANDS:
        outcome = _case.expect.get(_command, Outcome(0))
        marks = [pytest.mark.xfail(strict=True, reason=outcome.defect)] if outcome.defect else []
        if (_case.name, _command) in SYSTEM:
            marks.append(pytest.mark.system)
        PARAMS.append(pytest.param(_case, _command, outcome, id=f"{_case.name}-{_command}", marks=marks))


@pytest.mark.parametrize(("case", "command", "outcome"), PARAMS)
def test_hostile_input(
    case: Case,
    command: str,
    outcome: Outcome,
    tmp_path_factory: pytest.TempPathFactory,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", "400")  # one problem a line, so a message can be matched whole
    world = _world(case, tmp_path_factory, tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    before = _snapshot(world.root)
    capsys.readouterr()
    try:
        code = main(_argv(command, world, out))
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else 1
    except Exception:  # noqa: BLE001 - what the user would see as a traceback
        pytest.fail(f"{case.name}: battledecks {command} raised:\n{traceback.format_exc()}")
    captured = capsys.readouterr()
    output = captured.out + captured.err
    assert "Traceback" not in output, output
    assert not RAW.search(output), f"raw control character in: {output!r}"
    assert code == outcome.code, f"exit {code}, expected {outcome.code}:\n{output}"
    if outcome.says:
        assert re.search(outcome.says, output, re.IGNORECASE | re.DOTALL), f"expected /{outcome.says}/ in:\n{output}"
    after = _snapshot(world.root)
    allowed = _outputs(command, world) if code == 0 else set()
    changed = {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)} - allowed
    assert not changed, f"battledecks {command} changed {sorted(changed)}"
    if code != 0:
        assert not any(out.iterdir()), f"a failed {command} left {sorted(p.name for p in out.iterdir())}"
