"""Strict YAML reading: plain data only, with the line of every key kept.

Organizers write event files and ``deck.yaml`` by hand, so every error must
point at a line. PyYAML's safe loader already refuses tags that build
objects; on top of it, aliases are refused (they let a tiny file expand to
gigabytes) and so are explicit tags, which plain data never needs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

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
    def compose_node(self, parent: Node | None, index: Any) -> Node | None:  # type: ignore[override]
        if self.check_event(AliasEvent):
            event = self.peek_event()
            raise yaml.MarkedYAMLError(
                problem="aliases (*name) are not allowed", problem_mark=event.start_mark
            )
        node = Composer.compose_node(self, parent, index)
        if node is not None and node.tag not in _PLAIN_TAGS:
            raise yaml.MarkedYAMLError(
                problem=f"the tag {node.tag} is not allowed: write plain data",
                problem_mark=node.start_mark,
            )
        return node


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
        raise YamlFileError(path, f"cannot read: {error.strerror or error}") from None
    loader = _StrictLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        problem = error.problem or error.context or "invalid YAML"
        raise YamlFileError(path, f"invalid YAML: {problem}", line) from None
    except yaml.YAMLError as error:
        raise YamlFileError(path, f"invalid YAML: {error}") from None
    except (ValueError, TypeError, RecursionError) as error:
        raise YamlFileError(path, f"invalid YAML: {error}") from None
    finally:
        loader.dispose()
    lines: Lines = {}
    _lines(node, (), lines)
    return data, lines
