"""Strict YAML reading: plain data only, with the line of every key kept.

Organizers write event files and ``deck.yaml`` by hand, so every error must
point at a line. PyYAML's safe loader already refuses tags that build
objects; on top of it, aliases are refused (they let a tiny file expand to
gigabytes) and so are explicit tags, which plain data never needs.
"""

from __future__ import annotations

import errno
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import ConstructorError
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.reader import ReaderError

from .problems import BattledecksError

MAX_BYTES = 1_000_000
"""Larger files are refused: no event or deck file comes close."""

_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:map",
}

_STR = "tag:yaml.org,2002:str"
# PyYAML resolves a bare ``=`` or ``<<`` to tags no safe constructor knows;
# in plain data they are just text (``<<`` then fails as an unknown key).
_AS_TEXT = {"tag:yaml.org,2002:value", "tag:yaml.org,2002:merge"}

Lines = dict[tuple[Any, ...], int]
"""Line (1-based) of each key or list item, by its path in the document."""


class YamlFileError(BattledecksError):
    """A YAML file that cannot be read as plain data."""

    def __init__(self, path: Path, message: str, line: int | None = None) -> None:
        self.path = path
        self.line = line
        self.reason = message
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {message}")


class _StrictLoader(yaml.SafeLoader):
    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        if self.check_event(AliasEvent):
            event = self.peek_event()
            raise yaml.MarkedYAMLError(problem="aliases (*name) are not allowed", problem_mark=event.start_mark)
        node = Composer.compose_node(self, parent, index)
        if isinstance(node, ScalarNode) and node.tag in _AS_TEXT:
            node.tag = _STR
        if node is not None and node.tag not in _PLAIN_TAGS:
            raise yaml.MarkedYAMLError(
                problem=f"the tag {node.tag} is not allowed: write plain data",
                problem_mark=node.start_mark,
            )
        if isinstance(node, MappingNode):
            _refuse_duplicate_keys(node)
        return node

    def construct_yaml_timestamp(self, node: ScalarNode):  # noqa: ANN201
        # A date like 2010-13-45 matches the pattern but is no date; keep its line.
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as error:
            raise ConstructorError(
                problem=f"{node.value!r} is not a valid date ({error})", problem_mark=node.start_mark
            ) from None


_StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", _StrictLoader.construct_yaml_timestamp)


def _refuse_duplicate_keys(node: MappingNode) -> None:
    # PyYAML keeps the last of two equal keys; a hand-written file that says a
    # thing twice is a mistake, and the first value would be silently lost.
    first: dict[tuple[str, str], int] = {}
    for key_node, _ in node.value:
        if not isinstance(key_node, ScalarNode):
            continue
        seen = first.setdefault((key_node.tag, key_node.value), key_node.start_mark.line + 1)
        if seen != key_node.start_mark.line + 1:
            raise yaml.MarkedYAMLError(
                problem=f"duplicate key {key_node.value!r} (first on line {seen})",
                problem_mark=key_node.start_mark,
            )


def _lines(node: Node, path: tuple[Any, ...], lines: Lines) -> None:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, ScalarNode) else None
            lines[path + (key,)] = key_node.start_mark.line + 1
            _lines(value_node, path + (key,), lines)
            lines[path + (key,)] = key_node.start_mark.line + 1
    elif isinstance(node, SequenceNode):
        for index, item in enumerate(node.value):
            _lines(item, path + (index,), lines)


def load_yaml(path: Path) -> tuple[Any, Lines]:
    """Read ``path`` as plain YAML data.

    Returns:
        The data and the line of every key and list item.

    Raises:
        YamlFileError: unreadable file, bad YAML, aliases or tags.
    """
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise YamlFileError(path, f"file is {size:,} bytes; the limit is {MAX_BYTES:,}")
        text = path.read_bytes().decode("utf-8")
    except YamlFileError:
        raise
    except UnicodeDecodeError:
        raise YamlFileError(path, "not UTF-8 text") from None
    except IsADirectoryError:
        raise YamlFileError(path, "is a folder, not a YAML file") from None
    except FileNotFoundError:
        raise YamlFileError(path, "no such file") from None
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise YamlFileError(path, "symbolic link loop") from None
        raise YamlFileError(path, f"cannot read: {error.strerror or error}") from None
    try:
        loader = _StrictLoader(text)
    except ReaderError as error:
        # Raised before parsing starts, for control characters; point at their line.
        line = text.count("\n", 0, max(error.position, 0)) + 1
        raise YamlFileError(path, f"invalid YAML: {error.reason} (character #x{error.character:04x})", line) from None
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        at = mark.line + 1 if mark else None
        problem = ", ".join(t for t in (error.context, error.problem) if t) or "invalid YAML"
        raise YamlFileError(path, f"invalid YAML: {problem}", at) from None
    except yaml.YAMLError as error:
        raise YamlFileError(path, f"invalid YAML: {error}") from None
    except (ValueError, TypeError, RecursionError) as error:
        raise YamlFileError(path, f"invalid YAML: {error}") from None
    finally:
        loader.dispose()
    lines: Lines = {}
    _lines(node, (), lines)
    return data, lines
