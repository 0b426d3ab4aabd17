"""Safe YAML loading that remembers where every value came from.

PyYAML's safe constructor forgets line numbers, so we compose the node graph
ourselves and build plain Python values from it while recording the position
of each key and value. Building by hand also lets us bound the work: an alias
bomb (a few lines that expand to billions of nodes) or absurd nesting is
refused quickly instead of exhausting memory.

Parsing uses libyaml's C parser when PyYAML has it (ten times faster than the
pure-Python one, so a 10 MB profile loads in seconds), but nodes are always
composed in Python from its events: libyaml's own composer recurses in C and
would crash the interpreter on `[[[[…` a hundred thousand deep, while ours
counts the depth and refuses at MAX_DEPTH with the line at fault.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import Resolver
from yaml.scanner import Scanner

from cvsite.errors import CvsiteError, Problem

try:
    from yaml.cyaml import CParser
except ImportError:  # PyYAML built without libyaml
    CParser = None

MAX_FILE_BYTES = 16 * 1024 * 1024
"""A CV is tens of kilobytes; a profile with thousands of items is a few megabytes."""
MAX_NODES = 2_000_000
"""Values a document may expand to (aliases counted at every use): a 16 MB file of items."""
MAX_DEPTH = 64
MERGE_TAG = "tag:yaml.org,2002:merge"
MAP_TAG = "tag:yaml.org,2002:map"
SEQ_TAG = "tag:yaml.org,2002:seq"

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


class _BoundedComposer(Composer):
    """PyYAML's composer, refusing nesting deeper than MAX_DEPTH before it recurses further."""

    depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        if self.depth >= MAX_DEPTH:
            raise yaml.composer.ComposerError(
                None, None, f"nesting deeper than {MAX_DEPTH} levels", self.peek_event().start_mark
            )
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


class _PyLoader(Reader, Scanner, Parser, _BoundedComposer, SafeConstructor, Resolver):
    """The pure-Python parser, for a PyYAML built without libyaml."""

    def __init__(self, text: str) -> None:
        Reader.__init__(self, text)
        Scanner.__init__(self)
        Parser.__init__(self)
        _BoundedComposer.__init__(self)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)

    def fetch_flow_collection_start(self, token_class: type) -> None:
        """Refuse `[[[[...` early: PyYAML's scanner slows down quadratically with flow depth."""
        if self.flow_level >= MAX_DEPTH:
            raise yaml.scanner.ScannerError(
                None, None, f"nesting deeper than {MAX_DEPTH} levels", self.get_mark()
            )
        super().fetch_flow_collection_start(token_class)


_ScalarLoader: type = _PyLoader
if CParser is not None:

    class _CLoader(_BoundedComposer, CParser, SafeConstructor, Resolver):  # type: ignore[misc]
        """libyaml's parser (events only) under our bounded Python composer."""

        def __init__(self, text: str) -> None:
            CParser.__init__(self, text)
            _BoundedComposer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)

    _ScalarLoader = _CLoader

for _loader in dict.fromkeys((_PyLoader, _ScalarLoader)):
    # Timestamps stay strings: we parse partial dates ourselves.
    _loader.add_constructor(
        "tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node)
    )


class _Builder:
    """Turns composed nodes into plain values, recording positions and bounding the work."""

    def __init__(self, loader: SafeConstructor) -> None:
        self.loader = loader
        self.positions: dict[Loc, tuple[int, int]] = {}
        self.sizes: dict[int, int] = {}

    def measure(self, node: yaml.Node, depth: int = 0) -> int:
        """How many values `node` expands to, counting every alias use.

        Memoised per node, so a billion-laughs document is measured (and refused)
        in microseconds, before anything is built.
        """
        if depth > MAX_DEPTH:
            raise _Refused(node, f"nesting deeper than {MAX_DEPTH} levels (or an alias that contains itself)")
        if id(node) in self.sizes:
            return self.sizes[id(node)]
        size = 1
        if isinstance(node, yaml.MappingNode):
            size += sum(self.measure(k, depth + 1) + self.measure(v, depth + 1) for k, v in node.value)
        elif isinstance(node, yaml.SequenceNode):
            size += sum(self.measure(child, depth + 1) for child in node.value)
        if size > MAX_NODES:
            raise _Refused(node, f"document expands to more than {MAX_NODES} values (a YAML alias bomb?)")
        self.sizes[id(node)] = size
        return size

    def build(self, node: yaml.Node, loc: Loc, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise _Refused(node, f"nesting deeper than {MAX_DEPTH} levels")
        self.positions.setdefault(loc, _mark(node))
        if not isinstance(node, yaml.ScalarNode) and node.tag not in (MAP_TAG, SEQ_TAG):
            # Scalars go through the safe constructor, which refuses unknown tags; lists and
            # mappings are built here, so `!!python/object/apply` or `!!set` must be refused here.
            raise _Refused(node, f"YAML tag '{node.tag}' is not allowed here; write plain values")
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, loc, depth)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(child, (*loc, i), depth + 1) for i, child in enumerate(node.value)]
        try:
            return self.loader.construct_object(node, deep=True)
        except (ValueError, OverflowError) as exc:  # e.g. an integer with 5000 digits
            raise _Refused(node, f"cannot read this value: {str(exc).split(';')[0]}") from None

    def _mapping(self, node: yaml.MappingNode, loc: Loc, depth: int) -> dict[str, Any]:
        """Merge keys (`<<: *base`) first, then the explicit keys, which win over merged ones."""
        merged: dict[str, Any] = {}
        result: dict[str, Any] = {}
        marks: dict[Loc, tuple[int, int]] = {}
        for key_node, value_node in node.value:
            if key_node.tag == MERGE_TAG:
                for source in self._merge_sources(key_node, value_node):
                    for key, value in self._mapping(source, loc, depth + 1).items():
                        merged.setdefault(key, value)
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                raise _Refused(key_node, "mapping keys must be plain text")
            key = str(key_node.value)
            if key in result:
                raise _Refused(key_node, f"duplicate key '{key}'")
            result[key] = self.build(value_node, (*loc, key), depth + 1)
            marks[(*loc, key)] = _mark(key_node)
        self.positions.update(marks)
        return {**merged, **result}

    @staticmethod
    def _merge_sources(key: yaml.Node, value: yaml.Node) -> list[yaml.MappingNode]:
        """`<<: *a` or `<<: [*a, *b]`; earlier mappings take precedence, as YAML specifies."""
        sources = value.value if isinstance(value, yaml.SequenceNode) else [value]
        if not all(isinstance(source, yaml.MappingNode) for source in sources):
            raise _Refused(key, "'<<' (merge) takes a mapping or a list of mappings")
        return sources


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
    if not path.is_file():  # a FIFO or device would block or never end
        raise fail("is not a regular file")
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
    """Parse YAML text into a YamlDocument, or raise CvsiteError with the line at fault."""
    try:
        loader = _ScalarLoader(text)
    except yaml.reader.ReaderError as exc:
        raise CvsiteError([_reader_problem(exc, text, name)]) from None
    try:
        node = loader.get_single_node()
        if node is None:
            raise CvsiteError([Problem(name, 1, 1, "", "file is empty")])
        builder = _Builder(loader)
        builder.measure(node)
        data = builder.build(node, (), 0)
    except yaml.reader.ReaderError as exc:  # libyaml reads lazily, so it reports here
        raise CvsiteError([_reader_problem(exc, text, name)]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        if "nesting depth" in str(exc.problem):  # newer libyaml refuses deep nesting itself
            deep = f"nesting deeper than {MAX_DEPTH} levels"
            raise CvsiteError([Problem(name, line, column, "", deep)]) from None
        raise CvsiteError([_syntax_problem(exc, text, name, line, column)]) from None
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


@cache
def _hints() -> dict[str, str]:
    return dict(yaml.safe_load((resources.files("cvsite") / "data" / "yaml_hints.yaml").read_text("utf-8")))


def _syntax_problem(exc: yaml.MarkedYAMLError, text: str, name: str, line: int, column: int) -> Problem:
    """A syntax error as a Problem: the likely cause in words, then the parser's, with the line
    at fault and a caret under the column."""
    said = _name_the_character(exc.problem or exc.context or "invalid YAML", text, line, column)
    lines = text.split("\n")
    context = exc.context_mark.line + 1 if exc.context_mark else line
    hint = _likely_cause(said, exc.context or "", lines, line, column, context)
    if hint and exc.context_mark and any(c in (exc.context or "") for c in ("quoted scalar", "simple key")):
        line, column = context, exc.context_mark.column + 1  # where the quote or the line starts
    message = f"invalid YAML: {hint} (the parser says: {said})" if hint else f"invalid YAML: {said}"
    return Problem(name, line, column, "", message, excerpt=_excerpt(lines, line, column))


def _likely_cause(said: str, context: str, lines: list[str], line: int, column: int,
                  context_line: int) -> str | None:
    """Name what usually causes each of the parser's complaints, in the user's terms."""
    hints = _hints()
    row = lines[line - 1] if 0 < line <= len(lines) else ""
    if "tab" in said or "\t" in row[:column]:
        return hints["tab"]
    if "end of stream" in said and "quoted scalar" in context:
        opening = lines[context_line - 1] if 0 < context_line <= len(lines) else ""
        quote = "'" if opening.count("'") % 2 else '"'
        return hints["unclosed_quote"].format(quote=f"{quote}")
    if "mapping values are not allowed" in said:
        key, sep, value = row.partition(": ")
        if sep and len(key) + 1 < column - 1:  # an earlier `key: ` on the same line
            quoted = value.strip().replace('"', '\\"')
            return hints["colon_in_value"].format(example=f'{key.strip()}: "{quoted}"')
        return hints["deeper_than_key"]
    if "expected '-' indicator" in said or "expected key" in said or "expected <block end>" in said:
        return hints["indentation"].format(line=context_line)
    if "could not find expected ':'" in said:
        return hints["not_key_value"]
    if "expected ',' or ']'" in said or "expected ',' or '}'" in said:
        bracket = "[" if "]" in said else "{"
        return hints["unclosed_bracket"].format(bracket=bracket, line=context_line)
    return None


def _excerpt(lines: list[str], line: int, column: int) -> str | None:
    if not 0 < line <= len(lines) or not lines[line - 1].strip():
        return None
    row = lines[line - 1].rstrip("\r").replace("\t", " ")
    return f"{row}\n{' ' * (column - 1)}^"


def _name_the_character(reason: str, text: str, line: int, column: int) -> str:
    """libyaml says "found character that cannot start any token"; say which (a tab, mostly)."""
    if reason != "found character that cannot start any token":
        return reason
    lines = text.split("\n")
    row = lines[line - 1] if 0 < line <= len(lines) else ""
    char = row[column - 1] if 0 < column <= len(row) else ""
    return f"found character {char!r} that cannot start any token" if char else reason


def _reader_problem(exc: yaml.reader.ReaderError, text: str, name: str) -> Problem:
    """A control character, reported with a character offset (libyaml: a UTF-8 byte offset)."""
    offset = exc.position
    if CParser is not None and _ScalarLoader is not _PyLoader:
        offset = len(text.encode("utf-8")[:offset].decode("utf-8", "ignore"))
    before = text[:offset]
    line = before.count("\n") + 1
    column = offset - (before.rfind("\n") + 1) + 1
    char = f"U+{exc.character:04X}" if isinstance(exc.character, int) else repr(exc.character)
    return Problem(name, line, column, "", f"invalid character {char}: {exc.reason}")
