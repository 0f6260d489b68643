"""YAML that remembers where every key and item came from.

PyYAML drops source positions after parsing; validation errors must name file:line,
so mappings and sequences are built as `SourceMap` / `SourceList`, which carry the
line and column of each key and item. Floats become `Decimal` straight from their
text (never through a binary float), and duplicate keys are errors instead of
PyYAML's silent last-one-wins.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from .errors import Location, SourceError

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class SourceMap(dict):
    """A dict that knows the file and the position of itself and of each key."""

    path: Path | None
    start: tuple[int, int]
    positions: dict[Any, tuple[int, int]]

    def locate(self, key: Any = None) -> Location:
        line, col = self.positions.get(key, self.start) if key is not None else self.start
        return Location(self.path, line, col)


class SourceList(list):
    """A list that knows the file and the position of itself and of each item."""

    path: Path | None
    start: tuple[int, int]
    positions: list[tuple[int, int]]

    def locate(self, index: Any = None) -> Location:
        if isinstance(index, int) and 0 <= index < len(self.positions):
            line, col = self.positions[index]
        else:
            line, col = self.start
        return Location(self.path, line, col)


def _position(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    source_path: Path | None = None


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> SourceMap:
    loader.flatten_mapping(node)
    result = SourceMap()
    result.path = loader.source_path
    result.start = _position(node)
    result.positions = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            first = result.positions[key]
            raise SourceError(
                Location(loader.source_path, *_position(key_node)),
                f"键「{key}」重复（第一次出现在第 {first[0]} 行）",
                hint="删除或合并重复的键；YAML 中同一层的键必须唯一。", rule="yaml",
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.positions[key] = _position(key_node)
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> SourceList:
    result = SourceList(loader.construct_object(child, deep=True) for child in node.value)
    result.path = loader.source_path
    result.start = _position(node)
    result.positions = [_position(child) for child in node.value]
    return result


def _construct_decimal(loader: _Loader, node: yaml.ScalarNode) -> Decimal | str:
    text = str(loader.construct_scalar(node)).replace("_", "")
    try:
        return Decimal(text)
    except InvalidOperation:
        return text


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
_Loader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)


def _construct_timestamp(loader: _Loader, node: yaml.ScalarNode) -> object:
    """A date YAML recognises but cannot build (2025-13-01) stays text, so validation names its line."""
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except ValueError:
        return str(node.value)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


def parse_yaml(text: str, path: Path | None) -> Any:
    """Parse YAML text; syntax errors become a SourceError at the offending line."""
    loader = _Loader(text)
    loader.source_path = path
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        problem = exc.problem or str(exc)
        if mark and _char_at(text, mark.line, mark.column) == "\t":
            problem = "YAML 不允许用制表符（Tab）缩进，请改用空格"
        raise SourceError(Location(path, line, col), f"YAML 语法错误: {problem}",
                          hint="检查缩进（只用空格）、冒号后的空格和引号是否成对。", rule="yaml") from None
    except yaml.YAMLError as exc:
        raise SourceError(Location(path), f"YAML 无法读取: {exc}") from None
    finally:
        loader.dispose()


def _char_at(text: str, line: int, column: int) -> str:
    lines = text.splitlines()
    return lines[line][column:column + 1] if line < len(lines) else ""


def read_yaml(path: Path) -> Any:
    """Read a UTF-8 YAML file; an unreadable or non-UTF-8 file is a SourceError."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise SourceError(Location(path), f"文件不是 UTF-8 编码（第 {exc.start} 字节）",
                          hint="用 UTF-8 保存该文件。") from None
    except OSError as exc:
        raise SourceError(Location(path), f"无法读取文件: {exc.strerror}") from None
    return parse_yaml(text, path)


def locate(data: Any, loc: tuple[Any, ...]) -> Location:
    """Find the deepest position along a key path (as pydantic reports it) in loaded data."""
    best = data.locate() if isinstance(data, (SourceMap, SourceList)) else Location(None)
    node = data
    for part in loc:
        if isinstance(node, SourceMap) and part in node:
            best = node.locate(part)
            node = node[part]
        elif isinstance(node, SourceList) and isinstance(part, int) and 0 <= part < len(node):
            best = node.locate(part)
            node = node[part]
        else:
            break
    return best
