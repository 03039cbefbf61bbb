"""The code's own rules, checked: the layering (import-linter) and lint (ruff), with the project's configuration."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    found = BIN / name
    if not found.exists():
        found_on_path = shutil.which(name)
        assert found_on_path, f"{name} is not installed: pip install -e '.[test]'"
        return found_on_path
    return str(found)


def _lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [_tool("lint-imports"), "--no-cache"], cwd=root, env=env, capture_output=True, text=True, timeout=300
    )


def test_the_layering_contracts_are_kept() -> None:
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.fixture
def copy_of_the_code(tmp_path: Path) -> Path:
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    shutil.copytree(ROOT / "battledecks", tmp_path / "battledecks", ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        ("core/clock.py", "import textual", "battledecks.core is not allowed to import textual"),
        ("core/decks.py", "from ..generate import slugify", "battledecks.core is not allowed to import battledecks.generate"),
        ("core/checks/slides.py", "import rich", "battledecks.core is not allowed to import rich"),
        ("core/importing/office.py", "import textual", "battledecks.core is not allowed to import textual"),
        ("core/record.py", "from .checks import check_paths", "battledecks.core.record is not allowed to import battledecks.core.checks"),
        ("core/show.py", "from .importing import import_decks", "battledecks.core.show is not allowed to import battledecks.core.importing"),
        ("core/show.py", "from .checks.cache import warm", "battledecks.core.show is not allowed to import battledecks.core.checks"),
        ("core/importing/plan.py", "from ..checks import DEFAULT_SLIDES", "battledecks.core.importing is not allowed to import battledecks.core.checks"),
        ("render/fit.py", "import battledecks.ui", "battledecks.render is not allowed to import battledecks.ui"),
        ("results/table.py", "import battledecks.ui.app", "battledecks.results is not allowed to import battledecks.ui"),
        ("room/__init__.py", "import battledecks.ui", "battledecks.room"),
        ("room/votes/qr.py", "import textual", "battledecks.room is not allowed to import textual"),
    ],
)
def test_a_wrong_import_breaks_a_contract(copy_of_the_code: Path, module: str, line: str, broken: str) -> None:
    path = copy_of_the_code / "battledecks" / module
    path.parent.mkdir(exist_ok=True)
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    path.write_text(f"{text}\n{line}  # noqa\n", encoding="utf-8")
    result = _lint_imports(copy_of_the_code)
    assert result.returncode != 0
    assert broken in result.stdout, result.stdout + result.stderr


def test_ruff_passes_with_the_projects_configuration() -> None:
    result = subprocess.run(
        [_tool("ruff"), "check", "--no-cache", "battledecks", "tests", "benchmarks", "tools"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
