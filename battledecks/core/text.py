"""Text from the organizer's files, made safe to store and to print.

Names, titles and file names come from files anyone may have written. A
control character in them (an escape sequence, a bell) would retitle or
clear the host's terminal when printed, and some of them cannot be stored in
the record's YAML. Names and titles with control characters are refused when
the files are read (:func:`control_problem`); whatever reaches the screen or
a file is passed through :func:`visible` (or :func:`json_text`) so that any
that are left, and undecodable bytes from file names, are shown as escapes.
"""

from __future__ import annotations

import json
import re
from typing import Any

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
"""C0 controls, DEL and C1 controls (Unicode category Cc)."""

_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029\ufeff\ufffe\uffff]")
"""What :func:`visible` escapes: controls, lone surrogates (undecodable file-name bytes),
line and paragraph separators, byte-order marks and non-characters."""

_NOT_FOR_YAML = re.compile(r"[\x7f-\x9f\ud800-\udfff\u2028\u2029\ufeff\ufffe\uffff]")
"""What JSON leaves raw and YAML cannot hold as it is in a quoted line (C0 controls JSON escapes itself)."""

_SHORT = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if char in _SHORT:
        return _SHORT[char]
    if 0xDC80 <= code <= 0xDCFF:
        return f"\\x{code - 0xDC00:02x}"  # a byte that was not UTF-8, as os.fsdecode keeps it
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


def visible(text: object, keep: str = "") -> str:
    """``text`` with every control character (bar those in ``keep``) shown as an escape like ``\\x1b``.

    Safe to print to any terminal and to encode as UTF-8: undecodable
    file-name bytes show as ``\\xe9`` too.
    """
    return _UNPRINTABLE.sub(lambda m: m.group() if m.group() in keep else _escape(m), str(text))


def visible_lines(text: str) -> str:
    """Multi-line output (a Markdown or CSV file, a table) escaped except for its line breaks."""
    return visible(text, keep="\n")


def json_text(data: Any, indent: int | None = None) -> str:
    """``json.dumps`` that keeps readable non-ASCII text but escapes controls, surrogates and separators.

    The result is plain JSON, safe to print and to store in a YAML line.
    """
    text = json.dumps(data, indent=indent, ensure_ascii=False)
    return _NOT_FOR_YAML.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def control_characters(text: str, allow: str = "") -> list[str]:
    """The distinct control characters in ``text`` (bar those in ``allow``), in order of appearance."""
    found: list[str] = []
    for char in _CONTROL.findall(text):
        if char not in allow and char not in found:
            found.append(char)
    return found


def control_problem(text: str, allow: str = "") -> str | None:
    """Why ``text`` cannot be a name or title (it holds control characters), or None if it can."""
    found = control_characters(text, allow)
    if not found:
        return None
    shown = ", ".join(visible(c) for c in found)
    return f"must not contain control characters or terminal escape sequences (found {shown})"


def control_problem_in(data: Any) -> str | None:
    """Like :func:`control_problem`, for every text (keys included) in nested lists and mappings."""
    if isinstance(data, str):
        return control_problem(data)
    if isinstance(data, dict):
        items: list[Any] = [*data.keys(), *data.values()]
    elif isinstance(data, (list, tuple)):
        items = list(data)
    else:
        return None
    for item in items:
        why = control_problem_in(item)
        if why:
            return why
    return None
