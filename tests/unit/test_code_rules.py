"""The code's own rules, checked: the layering (import-linter), lint (ruff), and private Textual use in one module."""

from __future__ import annotations

import ast
import importlib
import os
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
import rich
import textual

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
        (
            "core/decks.py",
            "from ..generate import slugify",
            "battledecks.core is not allowed to import battledecks.generate",
        ),
        ("core/checks/slides.py", "import rich", "battledecks.core is not allowed to import rich"),
        ("core/importing/office.py", "import textual", "battledecks.core is not allowed to import textual"),
        (
            "core/record.py",
            "from .checks import check_paths",
            "battledecks.core.record is not allowed to import battledecks.core.checks",
        ),
        (
            "core/show.py",
            "from .importing import import_decks",
            "battledecks.core.show is not allowed to import battledecks.core.importing",
        ),
        (
            "core/show.py",
            "from .checks.cache import warm",
            "battledecks.core.show is not allowed to import battledecks.core.checks",
        ),
        (
            "core/importing/plan.py",
            "from ..checks import DEFAULT_SLIDES",
            "battledecks.core.importing is not allowed to import battledecks.core.checks",
        ),
        ("render/fit.py", "import battledecks.ui", "battledecks.render is not allowed to import battledecks.ui"),
        (
            "results/table.py",
            "import battledecks.ui.app",
            "battledecks.results is not allowed to import battledecks.ui",
        ),
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
        [_tool("ruff"), "check", "--no-cache", "battledecks", "tests", "benchmarks", "harness", "tools"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_code_is_formatted_by_ruff_format() -> None:
    result = subprocess.run(
        [_tool("ruff"), "format", "--check", "--no-cache", "battledecks", "tests", "benchmarks", "harness", "tools"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, "run `ruff format`:\n" + result.stdout + result.stderr


# --- private Textual and Rich names: only in battledecks/textual_private.py ------------------------

PRIVATE_HOME = ROOT / "battledecks" / "textual_private.py"
"""The one module allowed to use private Textual and Rich names (its docstring lists them)."""

_ATTRIBUTE_CALLS = {"getattr", "setattr", "hasattr", "delattr"}


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _defined_in_class(node: ast.ClassDef) -> set[str]:
    """Private names a class defines: its methods and class attributes, and what its methods set on ``self``."""
    names: set[str] = set()
    for item in node.body:
        if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names.add(item.name)
            names.update(
                found.attr
                for found in ast.walk(item)
                if isinstance(found, ast.Attribute)
                and isinstance(found.ctx, ast.Store)
                and isinstance(found.value, ast.Name)
                and found.value.id == "self"
            )
        elif isinstance(item, ast.Assign):
            names.update(target.id for target in item.targets if isinstance(target, ast.Name))
        elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
            names.add(item.target.id)
    return {name for name in names if _private(name)}


def _classes(tree: ast.Module) -> list[tuple[str, ast.ClassDef]]:
    """Every class of a module with its qualified name (classes in functions are not reachable; none are skipped here)."""
    found: list[tuple[str, ast.ClassDef]] = []

    def visit(body: list[ast.stmt], prefix: str) -> None:
        for node in body:
            if isinstance(node, ast.ClassDef):
                found.append((prefix + node.name, node))
                visit(node.body, f"{prefix}{node.name}.")

    visit(tree.body, "")
    return found


@cache
def _library_private_names() -> tuple[dict[tuple[str, str], set[str]], set[str]]:
    """Textual's and Rich's private names: by (module, class), and all of them (module-level ones too)."""
    by_class: dict[tuple[str, str], set[str]] = {}
    every: set[str] = set()
    for package in (textual, rich):
        folder = Path(package.__file__).parent
        for path in folder.rglob("*.py"):
            module = ".".join(path.relative_to(folder.parent).with_suffix("").parts).removesuffix(".__init__")
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for qualname, node in _classes(tree):
                by_class[(module, qualname)] = _defined_in_class(node)
                every |= by_class[(module, qualname)]
            for node in tree.body:
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and _private(node.name):
                    every.add(node.name)
                elif isinstance(node, ast.Assign):
                    every.update(t.id for t in node.targets if isinstance(t, ast.Name) and _private(t.id))
    return by_class, every


def _own_private_names(paths: list[Path]) -> set[str]:
    """Private names battledecks defines itself (a ``report._add`` is its own, whatever Textual has)."""
    names: set[str] = set()
    for path in paths:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for _qualname, node in _classes(tree):
            names |= _defined_in_class(node)
        names.update(node.name for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)))
    return {name for name in names if _private(name)}


def _is_self(node: ast.expr) -> bool:
    """``self``, ``cls`` or ``super()``: the class's own attributes, or those it inherits."""
    if isinstance(node, ast.Name):
        return node.id in ("self", "cls")
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "super"


def private_uses(source: str, namespace: dict[str, object], own: set[str]) -> list[str]:
    """Uses of private Textual or Rich names in ``source``, a module whose globals are ``namespace``.

    Caught: importing a private module or name of either; ``thing._name`` and
    ``getattr(thing, "_name")`` for a private name either defines and
    battledecks does not; and in a class that derives from one of theirs,
    ``self._name``, ``super()._name``, a method or class attribute whose
    private name a Textual or Rich class of its MRO defines (overriding or
    reaching into it).
    """
    by_class, every = _library_private_names()
    tree = ast.parse(source)
    found: list[str] = []

    def spot(node: ast.AST, what: str) -> None:
        found.append(f"line {getattr(node, 'lineno', '?')}: {what}")

    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            base = node.module if isinstance(node, ast.ImportFrom) and node.module else ""
            for alias in node.names:
                dotted = f"{base}.{alias.name}" if base else alias.name
                if dotted.split(".")[0] in ("textual", "rich") and any(_private(part) for part in dotted.split(".")):
                    spot(node, f"imports {dotted}")
        elif isinstance(node, ast.Attribute) and _private(node.attr) and not _is_self(node.value):
            if node.attr in every and node.attr not in own:
                spot(node, ast.unparse(node))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _ATTRIBUTE_CALLS:
            name = node.args[1] if len(node.args) > 1 else None
            if isinstance(name, ast.Constant) and isinstance(name.value, str) and _private(name.value):
                if not _is_self(node.args[0]) and name.value in every and name.value not in own:
                    spot(node, ast.unparse(node))
    for qualname, node in _classes(tree):
        cls: object = namespace.get(qualname.split(".")[0])
        for part in qualname.split(".")[1:]:
            cls = getattr(cls, part, None)
        if not isinstance(cls, type):
            continue
        theirs: set[str] = set()
        for base in cls.__mro__:
            theirs |= by_class.get((base.__module__, base.__qualname__), set())
        if not theirs:
            continue
        uses = _defined_in_class(node)
        for found_node in ast.walk(node):
            if isinstance(found_node, ast.Attribute) and _is_self(found_node.value):
                uses.add(found_node.attr)
            elif (
                isinstance(found_node, ast.Call)
                and isinstance(found_node.func, ast.Name)
                and found_node.func.id in _ATTRIBUTE_CALLS
            ):
                if (
                    len(found_node.args) > 1
                    and _is_self(found_node.args[0])
                    and isinstance(found_node.args[1], ast.Constant)
                ):
                    uses.add(str(found_node.args[1].value))
        for name in sorted(uses & theirs):
            spot(node, f"{qualname} uses {name}, private to its Textual or Rich base")
    return found


def _modules() -> list[tuple[Path, str]]:
    return [
        (path, ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"))
        for path in sorted((ROOT / "battledecks").rglob("*.py"))
        if path.name != "__main__.py"  # it runs the program when imported
    ]


def test_private_textual_and_rich_names_are_used_only_in_textual_private() -> None:
    modules = [(path, name) for path, name in _modules() if path != PRIVATE_HOME]
    own = _own_private_names([path for path, _name in modules])
    found = {
        str(path.relative_to(ROOT)): uses
        for path, name in modules
        if (uses := private_uses(path.read_text(encoding="utf-8"), vars(importlib.import_module(name)), own))
    }
    assert not found, f"private Textual or Rich names outside battledecks/textual_private.py (move them there): {found}"


@pytest.mark.parametrize(
    "source",
    [
        "from textual._context import active_app",
        "from textual.widgets._header import HeaderTitle",
        "import rich._loop",
        "from textual.widgets import _header",
        "def driver(app):\n    return app._driver",
        "def paint(screen):\n    screen._dirty_widgets.add(screen)",
        "def paint(screen):\n    return getattr(screen, '_on_timer_update', None)",
        "def prime(strip):\n    strip._render_cache = ''",
        "from textual.app import App\nclass A(App):\n    def _handle_exception(self, error):\n        pass",
        "from textual.app import App\nclass A(App):\n    def quitting(self):\n        return self._exit",
        "from textual.widgets import Footer\nclass F(Footer):\n    def ready(self):\n        return getattr(self, '_bindings_ready')",
        "from textual.widget import Widget\nclass W(Widget):\n    class Inner(Widget):\n        def _on_mount(self, event):\n            pass",
    ],
)
def test_a_private_use_is_caught(source: str) -> None:
    namespace: dict[str, object] = {}
    exec(compile(source, "<planted>", "exec"), namespace)  # noqa: S102 - the test's own fixed snippets
    assert private_uses(source, namespace, own={"_add"}), source


@pytest.mark.parametrize(
    "source",
    [
        "def count(report):\n    report._add([])",  # battledecks' own private name, though Textual has one too
        "class Plain:\n    def __init__(self):\n        self._driver = None",  # not a Textual class
        "from textual.widget import Widget\nclass W(Widget):\n    def __init__(self):\n        super().__init__()\n        self._mine = 1",
        "from textual.widgets import Header\nclass H(Header):\n    def on_mount(self, event):\n        event.prevent_default()",
    ],
)
def test_a_public_use_or_an_own_name_is_not_caught(source: str) -> None:
    namespace: dict[str, object] = {}
    exec(compile(source, "<planted>", "exec"), namespace)  # noqa: S102 - the test's own fixed snippets
    assert private_uses(source, namespace, own={"_add"}) == [], source
