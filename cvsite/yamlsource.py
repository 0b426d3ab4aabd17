"""Safe YAML loading that remembers where every value came from.

PyYAML's safe constructor forgets line numbers, so we compose the node graph
ourselves and build plain Python values from it while recording the position
of each key and value. Building by hand also lets us bound the work: an alias
bomb (a few lines that expand to billions of nodes) or absurd nesting is
refused quickly instead of exhausting memory.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from cvsite.errors import CvsiteError, Problem

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_NODES = 2_000_000
MAX_DEPTH = 64

Loc = tuple[str | int, ...]


@dataclass
class YamlDocument:
    """A loaded YAML document: its data and the (line, column) of every path."""

    file: str
    data: Any
    positions: dict[Loc, tuple[int, int]] = field(default_factory=dict)

    def where(self, loc: Loc) -> tuple[int, int]:
        """Position of `loc`, or of its nearest ancestor that has one."""
        loc = tuple(loc)
        while loc not in self.positions and loc:
            loc = loc[:-1]
        return self.positions.get(loc, (1, 1))

    def problem(self, loc: Loc, path: str, message: str) -> Problem:
        line, column = self.where(loc)
        return Problem(self.file, line, column, path, message)


class _ScalarLoader(yaml.SafeLoader):
    """Safe loader whose timestamps stay strings: we parse partial dates ourselves."""


_ScalarLoader.add_constructor(
    "tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node)
)


class _Builder:
    def __init__(self, loader: _ScalarLoader) -> None:
        self.loader = loader
        self.positions: dict[Loc, tuple[int, int]] = {}
        self.count = 0

    def build(self, node: yaml.Node, loc: Loc, depth: int) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise _Refused(node, "document expands to too many values (YAML alias bomb?)")
        if depth > MAX_DEPTH:
            raise _Refused(node, f"nesting deeper than {MAX_DEPTH} levels")
        self.positions.setdefault(loc, _mark(node))
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, loc, depth)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(child, (*loc, i), depth + 1) for i, child in enumerate(node.value)]
        return self.loader.construct_object(node, deep=True)

    def _mapping(self, node: yaml.MappingNode, loc: Loc, depth: int) -> dict[Any, Any]:
        self.loader.flatten_mapping(node)
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = self.build(key_node, (*loc, "<key>"), depth + 1)
            if not isinstance(key, (str, int, float, bool)) or key is None:
                raise _Refused(key_node, "mapping keys must be plain text")
            if key in result:
                raise _Refused(key_node, f"duplicate key '{key}'")
            result[key] = self.build(value_node, (*loc, str(key)), depth + 1)
            self.positions[(*loc, str(key))] = _mark(key_node)
        return result


class _Refused(Exception):
    def __init__(self, node: yaml.Node, message: str) -> None:
        self.node = node
        self.message = message


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def load_yaml(path: Path, display: str | None = None) -> YamlDocument:
    """Load one YAML file or raise CvsiteError naming the file, line and cause."""
    name = display or str(path)
    text = read_text(path, name)
    return parse_yaml(text, name)


def read_text(path: Path, name: str, limit: int = MAX_FILE_BYTES) -> str:
    """Read a UTF-8 text file, turning every way it can fail into a clear message."""

    def fail(message: str) -> CvsiteError:
        return CvsiteError([Problem(name, 1, 1, "", message)])

    if path.is_dir():
        raise fail("is a directory, expected a file")
    if not path.exists():
        raise fail("file not found")
    try:
        size = path.stat().st_size
        if size > limit:
            raise fail(f"file is {size / 1e6:.1f} MB; the limit is {limit / 1e6:.0f} MB")
        raw = path.read_bytes()
    except OSError as exc:
        raise fail(f"cannot read file: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise CvsiteError(
            [Problem(name, line, 1, "", "file is not valid UTF-8 text (save it as UTF-8)")]
        ) from None
    if "\x00" in text:
        raise fail("file contains NUL bytes; is it a binary file?")
    return text


def parse_yaml(text: str, name: str) -> YamlDocument:
    loader = _ScalarLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise CvsiteError([Problem(name, 1, 1, "", "file is empty")])
        builder = _Builder(loader)
        data = builder.build(node, (), 0)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        reason = exc.problem or exc.context or "invalid YAML"
        raise CvsiteError([Problem(name, line, column, "", f"invalid YAML: {reason}")]) from None
    except yaml.YAMLError as exc:
        raise CvsiteError([Problem(name, 1, 1, "", f"invalid YAML: {exc}")]) from None
    except _Refused as exc:
        line, column = _mark(exc.node)
        raise CvsiteError([Problem(name, line, column, "", exc.message)]) from None
    except RecursionError:
        raise CvsiteError([Problem(name, 1, 1, "", "nesting is too deep")]) from None
    finally:
        loader.dispose()
    return YamlDocument(name, data, builder.positions)
