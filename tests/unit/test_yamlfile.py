"""Strict YAML reading: plain data only, every error with its file and line."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from battledecks.core import yamlfile
from battledecks.core.yamlfile import YamlFileError, load_yaml


def write(tmp_path: Path, text: str | bytes, name: str = "file.yaml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def refused(path: Path) -> YamlFileError:
    with pytest.raises(YamlFileError) as caught:
        load_yaml(path)
    assert caught.value.path == path
    return caught.value


def test_plain_data_and_the_line_of_every_key_and_item(tmp_path: Path) -> None:
    path = write(tmp_path, "name: Night\n\nscoring:\n  judges:\n    - Ada\n    - Grace\n  scale: [1, 10]\n")
    data, lines = load_yaml(path)
    assert data == {"name": "Night", "scoring": {"judges": ["Ada", "Grace"], "scale": [1, 10]}}
    assert lines[("name",)] == 1
    assert lines[("scoring",)] == 3
    assert lines[("scoring", "judges")] == 4
    assert lines[("scoring", "judges", 0)] == 5
    assert lines[("scoring", "judges", 1)] == 6
    assert lines[("scoring", "scale")] == 7


def test_dates_numbers_and_booleans_are_plain_data(tmp_path: Path) -> None:
    import datetime as dt

    data, _ = load_yaml(write(tmp_path, "date: 2010-04-13\nn: 12\nx: 2.5\nok: true\nnothing: null\n"))
    assert data == {"date": dt.date(2010, 4, 13), "n": 12, "x": 2.5, "ok": True, "nothing": None}


def test_empty_file_is_no_data(tmp_path: Path) -> None:
    assert load_yaml(write(tmp_path, "# only a comment\n")) == (None, {})


def test_alias_is_refused_with_its_line(tmp_path: Path) -> None:
    error = refused(write(tmp_path, "a: &x [1, 2]\nb: *x\n"))
    assert error.line == 2
    assert "aliases (*name) are not allowed" in error.reason
    assert str(error) == f"{tmp_path / 'file.yaml'}:2: invalid YAML: aliases (*name) are not allowed"


def test_billion_laughs_is_refused_at_the_first_alias(tmp_path: Path) -> None:
    text = "a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\n"
    error = refused(write(tmp_path, text))
    assert error.line == 2
    assert "aliases" in error.reason


@pytest.mark.parametrize(
    ("text", "tag"),
    [
        ("a: !!python/object:os.system {}\n", "tag:yaml.org,2002:python/object:os.system"),
        ("a: !!binary aGVsbG8=\n", "tag:yaml.org,2002:binary"),
        ("a: !custom 1\n", "!custom"),
        ("a: !!set {x, y}\n", "tag:yaml.org,2002:set"),
    ],
)
def test_tags_are_refused_with_their_line(tmp_path: Path, text: str, tag: str) -> None:
    error = refused(write(tmp_path, "ok: 1\n" + text))
    assert error.line == 2
    assert error.reason == f"invalid YAML: the tag {tag} is not allowed: write plain data"


def test_bad_yaml_names_the_line(tmp_path: Path) -> None:
    error = refused(write(tmp_path, "name: Night\npresenters: [Ada, Grace\nslides: 12\n"))
    assert error.line == 3
    assert error.reason.startswith("invalid YAML: ")


def test_bad_indentation_names_the_line(tmp_path: Path) -> None:
    error = refused(write(tmp_path, "name: Night\n  slides: 12\n"))
    assert error.line == 2


def test_duplicate_key_is_refused_with_both_lines(tmp_path: Path) -> None:
    error = refused(write(tmp_path, "name: A\nscoring:\n  judges: [X]\n  judges: [Y]\n"))
    assert error.line == 4
    assert error.reason == "invalid YAML: duplicate key 'judges' (first on line 3)"


def test_two_documents_are_refused(tmp_path: Path) -> None:
    error = refused(write(tmp_path, "a: 1\n---\nb: 2\n"))
    assert error.line == 2
    assert error.reason == "invalid YAML: expected a single document in the stream, but found another document"


def test_impossible_date_names_its_line(tmp_path: Path) -> None:
    error = refused(write(tmp_path, "name: x\ndate: 2010-13-45\n"))
    assert error.line == 2
    assert error.reason.startswith("invalid YAML: '2010-13-45' is not a valid date")


def test_control_character_names_its_line(tmp_path: Path) -> None:
    error = refused(write(tmp_path, "name: x\ntitle: a\x01b\n"))
    assert error.line == 2
    assert error.reason == "invalid YAML: special characters are not allowed (character #x0001)"


def test_bare_equals_and_merge_marks_are_text(tmp_path: Path) -> None:
    data, _ = load_yaml(write(tmp_path, "a: =\nb: <<\n<<: 1\n"))
    assert data == {"a": "=", "b": "<<", "<<": 1}


def test_non_utf8_is_refused(tmp_path: Path) -> None:
    error = refused(write(tmp_path, "name: Caf\xe9\n".encode("latin-1")))
    assert error.reason == "not UTF-8 text"
    assert error.line is None


def test_utf8_with_byte_order_mark_is_read(tmp_path: Path) -> None:
    data, _ = load_yaml(write(tmp_path, "\ufeffname: Café\n".encode()))
    assert data == {"name": "Café"}


def test_too_big_is_refused_unread(tmp_path: Path) -> None:
    path = write(tmp_path, "a: " + "x" * yamlfile.MAX_BYTES + "\n")
    error = refused(path)
    assert error.reason == f"file is {path.stat().st_size:,} bytes; the limit is {yamlfile.MAX_BYTES:,}"


def test_missing_file_folder_and_symlink_loop(tmp_path: Path) -> None:
    assert refused(tmp_path / "nope.yaml").reason == "no such file"
    folder = tmp_path / "folder.yaml"
    folder.mkdir()
    assert refused(folder).reason == "is a folder, not a YAML file"
    os.symlink(tmp_path / "b.yaml", tmp_path / "a.yaml")
    os.symlink(tmp_path / "a.yaml", tmp_path / "b.yaml")
    assert refused(tmp_path / "a.yaml").reason == "symbolic link loop"


def test_deep_nesting_is_an_error_not_a_crash(tmp_path: Path) -> None:
    error = refused(write(tmp_path, "a: " + "[" * 5000 + "]" * 5000 + "\n"))
    assert error.reason.startswith("invalid YAML")
