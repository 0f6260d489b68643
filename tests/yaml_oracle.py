"""The YAML builder as it was before the faster walk (issue 22), kept as the oracle the new one is compared with.

`tests/unit/test_yaml_oracle.py` parses every YAML file and front matter of the repository, and every input of the
golden cases, with both and requires the same values, types, Decimal exponents, positions and error messages. This
copy is frozen: jixiao does not use it; it only shows that the faster path gives exactly what this one gave.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from jixiao.chars import describe, edge_space
from jixiao.errors import Location, SourceError
from jixiao.yamlsource import SourceList, SourceMap, _syntax_error, refuse_invisible

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_NODES = 200_000  # values per file after alias expansion; the largest real report has about 5,000
MAX_INTEGER_DIGITS = 15
MAX_DECIMALS = 10

_STR, _INT, _FLOAT, _BOOL, _NULL, _MAP, _SEQ, _MERGE = (
    "tag:yaml.org,2002:" + name for name in ("str", "int", "float", "bool", "null", "map", "seq", "merge")
)
# YAML 1.2 core schema (https://yaml.org/spec/1.2.2/#1023-core-schema)
_CORE = [
    (re.compile(r"^(?:~|null|Null|NULL|)$"), _NULL),
    (re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), _BOOL),
    (re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"), _INT),
    (
        re.compile(
            r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$"
        ),
        _FLOAT,
    ),
]
_FIRST_CHARS = set("~nNtTfF0123456789+-.")
_PLAIN_NUMBER = re.compile(r"^[-+]?[0-9]+(?:\.[0-9]+)?$")
_TAG_NAMES = {_STR: "str", _INT: "int", _FLOAT: "float", _BOOL: "bool", _NULL: "null", _MAP: "map", _SEQ: "seq"}


class _CoreLoader(_Loader):  # type: ignore[misc, valid-type]
    """libyaml's parser and composer, with tag resolution left to the builder.

    libyaml asks `resolve` for the tag of every node without an explicit one; a Python method there
    costs a call per scalar. `slice` is a C callable that takes the same three arguments: the node
    then carries slice(kind, value, (plain, quoted)) instead of a tag, which tells the builder to
    resolve it itself, by YAML 1.2's core schema, only where the scalar is plain and could be a
    number, a bool or null.
    """

    resolve = slice


def _resolve_plain(value: str) -> str:
    """The YAML 1.2 core-schema tag of a plain scalar."""
    if not value or value[0] in _FIRST_CHARS:
        for pattern, tag in _CORE:
            if pattern.match(value):
                return tag
    return _MERGE if value == "<<" else _STR


class _Builder:
    """Walks one composed node tree into SourceMap / SourceList / scalars, counting every value."""

    def __init__(self, path: Path | None, line_offset: int):
        self.path = path
        self.line_offset = line_offset
        self.count = 0
        self.open: set[int] = set()  # the collections being built, from the root down to here

    def position(self, node: Node) -> tuple[int, int]:
        mark = node.start_mark
        return mark.line + 1 + self.line_offset, mark.column + 1

    def where(self, node: Node) -> Location:
        return Location(self.path, *self.position(node))

    def fail(self, node: Node, message: str, hint: str) -> SourceError:
        return SourceError(self.where(node), message, hint=hint, rule="yaml")

    def build(self, node: Node) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise self.fail(
                node,
                f"YAML 展开后超过 {MAX_NODES} 个值（别名 * 引用层层展开）",
                "不要用锚点和别名（&名称 / *名称）层层套用；直接写出数据。",
            )
        kind = node.__class__
        if kind is ScalarNode:
            return self.scalar(node)
        if kind is MappingNode:
            return self.mapping(node)
        self.check_collection_tag(node, _SEQ)
        self.enter(node)
        result = SourceList(self.build(child) for child in node.value)
        self.open.discard(id(node))
        result.path, result.start = self.path, self.position(node)
        result.positions = [self.position(child) for child in node.value]
        return result

    def enter(self, node: Node) -> None:
        """A collection holding an alias of itself (`a: &x [*x]`) would expand forever: libyaml composes such a
        node as its own child, so meeting a node again below itself is the error, at the anchor's line."""
        if id(node) in self.open:
            raise self.fail(
                node,
                "别名（*名称）引用了包含它自己的锚点（&名称），会无限展开",
                "别名只能引用别处写完的内容：把 *名称 移出它的锚点所标记的列表或映射。",
            )
        self.open.add(id(node))

    def mapping(self, node: MappingNode) -> SourceMap:
        self.check_collection_tag(node, _MAP)
        self.enter(node)
        result = SourceMap()
        positions: dict[Any, tuple[int, int]] = {}
        result.path, result.start, result.positions = self.path, self.position(node), positions
        merged: dict[Any, tuple[int, int]] = {}
        for key_node, value_node in node.value:
            key = self.key(key_node)
            if key is None:
                self.merge(result, merged, value_node)
                continue
            if key in result and key not in merged:
                raise self.fail(
                    key_node,
                    f"键「{key}」重复（第一次出现在第 {positions[key][0]} 行）",
                    "删除或合并重复的键；YAML 中同一层的键必须唯一。",
                )
            if merged:
                merged.pop(key, None)
            result[key] = self.build(value_node)
            positions[key] = self.position(key_node)
        self.open.discard(id(node))
        return result

    def merge(self, result: SourceMap, merged: dict[Any, tuple[int, int]], node: Node) -> None:
        """`<<: *base` (or a list of them): keys not written explicitly come from the merged maps."""
        sources = node.value if isinstance(node, SequenceNode) else [node]
        for source in sources:
            if not isinstance(source, MappingNode):
                raise self.fail(
                    source, "「<<」合并的只能是键值映射（*锚点名）", "写成 <<: *名称，名称指向一个「键: 值」映射。"
                )
            for key, value in self.mapping(source).items():
                if key not in result or key in merged:
                    result[key] = value
                    result.positions[key] = merged[key] = self.position(source)

    def key(self, node: Node) -> str | None:
        """A mapping key as text; None for the merge key `<<`."""
        if node.__class__ is not ScalarNode:
            raise self.fail(node, "键必须是一段文字，这里是列表或映射", "把键写成普通文字，例如 名称: 值。")
        tag = node.tag
        if tag.__class__ is slice:
            if tag.step[0] and node.value == "<<":
                return None
        elif tag not in _TAG_NAMES:
            self.refuse_tag(node)
        space = edge_space(node.value)
        if space is not None:
            raise self.fail(
                node,
                f"键「{node.value.strip()}」的前后有{describe(space)}（多半是用作缩进的全角空格）",
                "删去它：缩进只用半角空格，键的前后不留空格。",
            )
        return node.value

    def check_collection_tag(self, node: Node, expected: str) -> None:
        if node.tag.__class__ is not slice and node.tag != expected:
            self.refuse_tag(node)

    def refuse_tag(self, node: Node) -> None:
        raise self.fail(
            node,
            f"不支持的 YAML 标签「{str(node.tag).replace('tag:yaml.org,2002:', '!!')}」",
            "去掉标签（以 ! 开头的部分），直接写值。",
        )

    def scalar(self, node: ScalarNode) -> Any:
        tag, text = node.tag, node.value
        if tag.__class__ is slice:
            if not tag.step[0]:  # quoted or block: text
                return text
            tag = _resolve_plain(text)
            if tag is _STR:
                return text
        elif tag not in _TAG_NAMES:
            self.refuse_tag(node)
        if tag == _NULL:
            return None
        if tag == _BOOL:
            return text.lower() == "true"
        if tag in (_INT, _FLOAT):
            return self.number(node, text, tag)
        if tag == _MERGE:
            raise self.fail(node, "「<<」只能作为键（合并映射），不能作为值", "去掉「<<」，或给它加引号。")
        return text

    def number(self, node: ScalarNode, text: str, tag: str) -> int | Decimal:
        """Plain decimal numbers only, of a size a report can hold; anything else is an error here."""
        if not _PLAIN_NUMBER.match(text):
            raise self.fail(
                node,
                f"数字「{text}」的写法不被接受（科学计数法、八进制、十六进制、无穷大都不行）",
                "写成普通小数，例如 1200 或 0.0035；不是数字的内容请加引号。",
            )
        digits, _, decimals = text.lstrip("+-").partition(".")
        if len(digits.lstrip("0")) > MAX_INTEGER_DIGITS or len(decimals) > MAX_DECIMALS:
            raise self.fail(
                node,
                f"数字「{text}」过长（最多 {MAX_INTEGER_DIGITS} 位整数、{MAX_DECIMALS} 位小数）",
                "检查是否多写了数字；编码、证件号等文字请加引号。",
            )
        return int(text) if tag == _INT else Decimal(text)


def parse_yaml(text: str, path: Path | None, line_offset: int = 0) -> Any:
    """Parse YAML text; every problem becomes one SourceError at its line (shifted by `line_offset`
    when the YAML is part of a larger file, such as a Markdown section's front matter)."""
    refuse_invisible(text, path, line_offset)
    loader = _CoreLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(exc, text, path, line_offset) from None
    except yaml.YAMLError:
        raise SourceError(
            Location(path, 1 + line_offset), "YAML 无法读取", hint="检查文件是否完整、是否为文本文件。", rule="yaml"
        ) from None
    finally:
        loader.dispose()
    if node is None:
        return None
    return _Builder(path, line_offset).build(node)
