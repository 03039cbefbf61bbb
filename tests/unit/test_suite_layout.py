"""Where test code lives: helpers in helper modules, never in a test module another imports; benchmarks and
the harness apart from the suite."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def imported(path: Path) -> Iterator[tuple[int, str]]:
    """Every module ``path`` imports (``from x import y`` gives x and x.y), with its line."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module
            for alias in node.names:
                yield node.lineno, f"{node.module}.{alias.name}"


def is_test_module(name: str) -> bool:
    """A test module or a conftest: ``tests.ui.test_lineup``, ``tests.room.conftest``."""
    parts = name.split(".")
    return parts[0] == "tests" and any(part.startswith("test_") or part == "conftest" for part in parts[1:])


def offences(folder: str, wrong: Callable[[str], bool]) -> list[str]:
    """Each import under ``folder`` that ``wrong`` says should not be there."""
    found = []
    for path in sorted((ROOT / folder).rglob("*.py")):
        for line, name in imported(path):
            if wrong(name):
                found.append(f"{path.relative_to(ROOT)}:{line} imports {name}")
    return found


def test_no_module_imports_a_test_module_or_a_conftest() -> None:
    # Helpers go in tests/builders.py, tests/piloting.py, tests/tmux.py... and fixtures in a conftest.py,
    # which pytest finds without an import.
    assert offences("tests", is_test_module) == []


def test_the_benchmarks_and_the_harness_import_nothing_from_the_tests() -> None:
    def from_tests(name: str) -> bool:
        return name == "tests" or name.startswith("tests.")

    assert offences("benchmarks", from_tests) == []
    assert offences("harness", from_tests) == []


def test_the_checks_see_such_imports() -> None:
    # The two tests above would pass on a reader that saw nothing: it sees this suite's own imports.
    names = {name for _, name in imported(ROOT / "tests" / "ui" / "test_show_flow.py")}
    assert {"tests.piloting", "tests.piloting.draw_and_close", "battledecks.core.record.Status"} <= names
    for name in ("tests.ui.test_show_flow.draw_and_close", "tests.ui.conftest.FakeClock", "tests.unit.test_import"):
        assert is_test_module(name)
    for name in ("tests.builders.build_event", "tests.piloting", "tests.tmux.Terminal", "battledecks.ui.app"):
        assert not is_test_module(name)
