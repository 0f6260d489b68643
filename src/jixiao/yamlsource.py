"""YAML that remembers where every key and item came from, read by YAML 1.2 rules, within limits.

PyYAML drops source positions after parsing; validation errors must name file:line, so
mappings and sequences are built as `SourceMap` / `SourceList`, which carry the line and
column of each key and item. libyaml composes the node tree (in C); one small walk turns it
into values, which is several times faster than PyYAML's generic constructor.

The rules are YAML 1.2's core schema, not PyYAML's 1.1: `1:35` is text (1.1 read it as the
base-60 number 95), `yes`/`no`/`on`/`off` are text, dates stay text for validation to read.
Numbers become exact `Decimal`s straight from their text (never through a binary float) and
must be written plainly: no exponent (`1e30`), no more than 15 integer digits, no `.inf`.
Duplicate keys are errors (a key given explicitly still overrides a merged `<<:` one), keys
are scalars, tags other than the core ones (`!!binary`, `!!python/…`) are refused, and alias
expansion is bounded, so a "billion laughs" file is an error instead of gigabytes.
"""

from __future__ import annotations

import operator
import re
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .chars import INVISIBLE_HINT, describe, edge_space, find_invisible, find_look_alike
from .errors import Location, SourceError, line_column

# libyaml's parser and composer (a C type: `_CoreLoader` adds no instance dictionary to it), or without libyaml
# PyYAML's own in Python, which compose the same nodes
_Parser = yaml.cyaml.CParser if yaml.__with_libyaml__ else yaml.SafeLoader
MAX_NODES = 200_000  # values per file after alias expansion; the largest real report has about 5,000
MAX_INTEGER_DIGITS = 15
MAX_DECIMALS = 10
PARSED: Counter[Path | None] = Counter()  # YAML documents parsed by this process, by file (tests: once per build)

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
_MAYBE_TYPED = _FIRST_CHARS | {"", "<"}  # a plain scalar starting otherwise is text (`<<` is the merge key)
# The values a report writes most, in one match: null, true, false, a whole number, a decimal, of the sizes allowed
# (the sign, zeros before the first digit that counts, then at most 15 digits and 10 decimals). What does not
# match goes through every rule of the core schema and `_Builder.number`, which says what is wrong.
_PLAIN = re.compile(
    rf"(?:(~|null|Null|NULL|)|(true|True|TRUE)|(false|False|FALSE)|([-+]?0*[0-9]{{1,{MAX_INTEGER_DIGITS}}})"
    rf"|([-+]?0*[0-9]{{1,{MAX_INTEGER_DIGITS}}}\.[0-9]{{1,{MAX_DECIMALS}}}))\Z"
)
_PLAIN_VALUES = (None, lambda _: None, lambda _: True, lambda _: False, int, Decimal)  # by the group that matched
# The last character of every plain scalar a rule of the core schema or the merge key `<<` matches (`$` matches
# before a final line break too): a plain scalar ending otherwise is text
_TYPED_ENDS = frozenset("~lLeE0123456789abcdefABCDEF.fFnN<\n")
_PLAIN_NUMBER = re.compile(r"^[-+]?[0-9]+(?:\.[0-9]+)?$")
_TAG_NAMES = {_STR: "str", _INT: "int", _FLOAT: "float", _BOOL: "bool", _NULL: "null", _MAP: "map", _SEQ: "seq"}

# libyaml's problems, in the words an author needs (the English never reaches the user)
_PROBLEMS = [
    ("did not find expected ',' or ']'", "方括号 [ ] 没有闭合，或列表项之间缺少逗号"),
    ("did not find expected ',' or '}'", "花括号 { } 没有闭合，或各项之间缺少逗号"),
    ("mapping values are not allowed", "此处不能出现「键: 值」：检查缩进，或给含「: 」的文字加引号"),
    ("block sequence entries are not allowed", "此处不能开始列表项「- 」：检查缩进"),
    ("found undefined alias", "引用了未定义的锚点（*名称 之前要有 &名称）"),
    ("found duplicate anchor", "锚点（&名称）重复定义"),
    ("found unknown escape character", "双引号中的转义字符无效：改用单引号，或去掉反斜杠"),
    ("found unexpected end of stream", "引号或括号没有闭合，文件就结束了"),
    ("did not find expected '-' indicator", "列表项应以「- 」开头，且缩进一致"),
    ("did not find expected key", "缩进不一致，或此处缺少「键:」"),
    ("could not find expected ':'", "缺少冒号「:」，或一个键写成了多行"),
    ("expected <block end>", "缩进不一致：同一层的键应对齐"),
    ("did not find expected node content", "此处缺少值"),
    ("did not find expected <document start>", "文件中有多余的内容：一个文件只能有一个 YAML 文档"),
    ("expected a single document", "文件中有多个 YAML 文档（---），只能有一个"),
    ("expected alphabetic or numeric character", "锚点或别名的名称只能用字母和数字"),
    ("found a tab character", "YAML 不允许用制表符（Tab）缩进，请改用空格"),
    ("found unexpected ':'", "此处的冒号「:」无法理解：给含冒号的文字加引号"),
    ("found undefined tag handle", "未知的 YAML 标签（以 ! 开头）"),
]


class SourceMap(dict):
    """A dict that knows the file and the position of itself and of each key (in slots: a report has some 230
    collections, and an instance dictionary each cost their making and their memory)."""

    __slots__ = ("path", "start", "positions")
    path: Path | None
    start: tuple[int, int]
    positions: dict[Any, tuple[int, int]]

    def locate(self, key: Any = None) -> Location:
        line, col = self.positions.get(key, self.start) if key is not None else self.start
        return Location(self.path, line, col)


class SourceList(list):
    """A list that knows the file and the position of itself and of each item."""

    __slots__ = ("path", "start", "positions")
    path: Path | None
    start: tuple[int, int]
    positions: list[tuple[int, int]]

    def locate(self, index: Any = None) -> Location:
        if isinstance(index, int) and 0 <= index < len(self.positions):
            line, col = self.positions[index]
        else:
            line, col = self.start
        return Location(self.path, line, col)


class _CoreLoader(_Parser):  # type: ignore[misc, valid-type]
    """libyaml's parser and composer, with tag resolution left to the builder.

    libyaml asks `resolve` for the tag of every node without an explicit one, and calls
    `descend_resolver(parent, index)` / `ascend_resolver()` around every node; Python methods there
    cost three calls per node. C callables taking the same arguments do nothing in Python: `slice`
    for the first, `operator.is_` for the second (a function called without building an object;
    `slice` cost a type's call), `tuple` for the last (PyYAML's path resolvers, which those methods
    serve, are not used). A node then carries slice(kind, value, (plain, quoted)) instead of a tag,
    which tells the builder to resolve it itself, by YAML 1.2's core schema, only where the scalar
    is plain and could be a number, a bool or null.
    """

    __slots__ = ()  # libyaml looks the three hooks up on every node: no instance dictionary to look in first
    resolve = slice
    descend_resolver = operator.is_
    ascend_resolver = tuple


class _OverLimit(Exception):
    """A walk that does not look for a collection holding an alias of itself went over MAX_NODES (`_Builder`)."""


def _resolve_plain(value: str) -> str:
    """The YAML 1.2 core-schema tag of a plain scalar."""
    if not value or value[0] in _FIRST_CHARS:
        for pattern, tag in _CORE:
            if pattern.match(value):
                return tag
    return _MERGE if value == "<<" else _STR


class _Builder:
    """Walks one composed node tree into SourceMap / SourceList / scalars, counting every value.

    This walk is a third of the time parsing takes, so it does little for what a report holds most:
    a key that is text written once is taken in the loop of `mapping` after one test (any other key
    goes through `unusual_key`, which applies every rule), a value that is text is returned by
    `value` without further calls, positions are read once from the marks, the usual whole numbers and
    decimals are told by their characters, the other numbers, bools and nulls by one match (`_PLAIN`),
    and a plain text that starts like a number (`100%`) by its last character (`_TYPED_ENDS`), each text once
    (`typed`: written again, it is taken from there). Everything else goes through `scalar` and `number`, which
    apply every rule. `tests/yaml_oracle.py` keeps the walk this replaced; a
    test requires both to give the same for every YAML file and input of the repository.

    A collection holding an alias of itself (`a: &x [*x]`) would expand forever: libyaml composes such a node as its
    own child, so meeting a node again below itself is the error, at the anchor's line. The first walk does not look
    for it (`open` is None: a set of the collections open, an addition and a removal each, for a rare error). It
    then meets the node again below itself, and again, without end, until MAX_NODES or Python's recursion limit
    stops it: up to the first time it meets the node, it visits the same nodes and applies the same rules as a walk
    that looks, and after, it meets only nodes it has met before. `parse_yaml` then walks again, looking (`checked`),
    which stops at that first time, or names the value that went over MAX_NODES.
    """

    __slots__ = ("path", "line", "count", "open", "typed")

    def __init__(self, path: Path | None, line_offset: int, checked: bool = False):
        self.path = path
        self.line = 1 + line_offset  # libyaml counts lines from 0
        self.count = 0
        # the value of each plain scalar `read_plain` has told apart, by its text: a report writes few numbers many
        # times (a 泸州 and a 六安 report: 581 such scalars, 122 different texts, `5`, `10`, `0.00` …)
        self.typed: dict[str, Any] = {}
        # the collections being built, from the root down to here: the nodes themselves, which hash by identity
        # (no `id` call for each); None: not looked for
        self.open: set[Node] | None = set() if checked else None

    def position(self, node: Node) -> tuple[int, int]:
        mark = node.start_mark
        return mark.line + self.line, mark.column + 1

    def fail(self, node: Node, message: str, hint: str) -> SourceError:
        return SourceError(Location(self.path, *self.position(node)), message, hint=hint, rule="yaml")

    def value(self, node: Node) -> Any:
        """A value, counted first: a text (quoted, or plain and starting with a letter no number, bool or null
        starts with) as it is, anything else built by its rules."""
        self.count += 1
        if self.count > MAX_NODES:  # an alias expanded again and again stops at the value that went over
            if self.open is None:
                raise _OverLimit
            raise self.fail(
                node,
                f"YAML 展开后超过 {MAX_NODES} 个值（别名 * 引用层层展开）",
                "不要用锚点和别名（&名称 / *名称）层层套用；直接写出数据。",
            )
        tag, kind = node.tag, node.__class__
        if kind is ScalarNode:
            if tag.__class__ is slice:
                text = node.value
                # a text starting past ASCII (most of a report's: Chinese) is compared, not sliced: a slice of one
                # character beyond Latin-1 is a new string
                if not tag.step[0] or text >= "\x80" or text[:1] not in _MAYBE_TYPED:
                    return text
                if text in self.typed:
                    return self.typed[text]
            return self.scalar(node)
        if kind is MappingNode:
            return self.mapping(node)
        return self.sequence(node)

    def enter(self, node: Node, opened: set[Node]) -> None:
        """A collection met again below itself is the error (where the walk looks for it); else it is open."""
        if node in opened:
            raise self.fail(
                node,
                "别名（*名称）引用了包含它自己的锚点（&名称），会无限展开",
                "别名只能引用别处写完的内容：把 *名称 移出它的锚点所标记的列表或映射。",
            )
        opened.add(node)

    def sequence(self, node: SequenceNode) -> SourceList:
        if node.tag.__class__ is not slice and node.tag != _SEQ:
            self.refuse_tag(node)
        if (opened := self.open) is not None:
            self.enter(node, opened)
        items = node.value
        result = SourceList()
        append, value, line = result.append, self.value, self.line
        for child in items:
            append(value(child))
        if opened is not None:
            opened.discard(node)
        result.path, result.start = self.path, self.position(node)
        result.positions = [(mark.line + line, mark.column + 1) for mark in [child.start_mark for child in items]]
        return result

    def mapping(self, node: MappingNode) -> SourceMap:
        if node.tag.__class__ is not slice and node.tag != _MAP:
            self.refuse_tag(node)
        if (opened := self.open) is not None:
            self.enter(node, opened)
        result = SourceMap()
        positions: dict[Any, tuple[int, int]] = {}
        result.path, result.start, result.positions = self.path, self.position(node), positions
        merged: dict[Any, tuple[int, int]] = {}
        value, line, intern = self.value, self.line, sys.intern
        for key_node, value_node in node.value:
            key = key_node.value
            # the usual key, plain or quoted text written once, in one test; any other goes through every rule
            if (
                key_node.__class__ is not ScalarNode
                or key_node.tag.__class__ is not slice
                or key == "<<"
                or key in result
                or key.strip() != key  # cheaper than asking edge_space of every key
            ) and self.unusual_key(result, merged, key_node, value_node):
                continue
            # one string for each key however often written (a 泸州 report writes 1,037 keys, 54 of them
            # different): 14 % less memory for a parsed report, and a parked one pickles each key once
            key = intern(key)
            result[key] = value(value_node)
            mark = key_node.start_mark
            positions[key] = mark.line + line, mark.column + 1
        if opened is not None:
            opened.discard(node)
        return result

    def unusual_key(self, result: SourceMap, merged: dict[Any, tuple[int, int]], key_node: Node, node: Node) -> bool:
        """Every rule for a key `mapping` does not take in its loop: not text, tagged, `<<`, written twice, or with
        space around it. True when it was a merge (its value is taken), False when the key is then taken as usual."""
        if key_node.__class__ is not ScalarNode:
            raise self.fail(key_node, "键必须是一段文字，这里是列表或映射", "把键写成普通文字，例如 名称: 值。")
        key, tag = key_node.value, key_node.tag
        if tag.__class__ is slice:
            if key == "<<" and tag.step[0]:
                self.merge(result, merged, node)
                return True
        elif tag not in _TAG_NAMES:
            self.refuse_tag(key_node)
        if key.strip() != key:
            self.refuse_edge_space(key_node)
        if key in result and key not in merged:
            raise self.fail(
                key_node,
                f"键「{key}」重复（第一次出现在第 {result.positions[key][0]} 行）",
                "删除或合并重复的键；YAML 中同一层的键必须唯一。",
            )
        if merged:
            merged.pop(key, None)
        return False

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

    def refuse_edge_space(self, node: ScalarNode) -> None:
        space = edge_space(node.value)
        assert space is not None
        raise self.fail(
            node,
            f"键「{node.value.strip()}」的前后有{describe(space)}（多半是用作缩进的全角空格）",
            "删去它：缩进只用半角空格，键的前后不留空格。",
        )

    def refuse_tag(self, node: Node) -> None:
        raise self.fail(
            node,
            f"不支持的 YAML 标签「{str(node.tag).replace('tag:yaml.org,2002:', '!!')}」",
            "去掉标签（以 ! 开头的部分），直接写值。",
        )

    def scalar(self, node: ScalarNode) -> Any:
        tag, text = node.tag, node.value
        if tag.__class__ is not slice:
            if tag not in _TAG_NAMES:
                self.refuse_tag(node)
            return self.tagged(node, text, tag)
        if not tag.step[0]:  # quoted or block: text
            return text
        typed = self.typed[text] = self.read_plain(node, text)
        return typed

    def read_plain(self, node: ScalarNode, text: str) -> Any:
        """A plain scalar's value, which depends on its text alone (`value` takes it from `typed` when met again)."""
        # the usual numbers, of the sizes allowed, by their characters (a regular expression's match costs
        # twice an int's making): a whole number, then a decimal
        if text.isdigit() and text.isascii() and len(text) <= MAX_INTEGER_DIGITS:
            return int(text)
        whole, _, decimals = text.partition(".")
        if (
            decimals.isdigit()
            and whole.isdigit()
            and text.isascii()
            and len(whole) <= MAX_INTEGER_DIGITS
            and len(decimals) <= MAX_DECIMALS
        ):
            return Decimal(text)
        plain = _PLAIN.match(text)
        if plain is not None:  # the other numbers, bools and nulls, told apart by one match
            return _PLAIN_VALUES[plain.lastindex](text)  # type: ignore[index, misc]
        if text[-1] not in _TYPED_ENDS:  # `100%`, `2016年12月`: text without asking every rule
            return text
        return self.tagged(node, text, _resolve_plain(text))

    def tagged(self, node: ScalarNode, text: str, tag: str) -> Any:
        """A scalar of a core tag, given or resolved."""
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
        if tag != _INT:
            return Decimal(text)
        if decimals:  # `!!int 1.5`: int() would fail with a traceback
            raise self.fail(node, f"「{text}」标为整数（!!int），却有小数", "去掉 !!int 标签，或写成整数。")
        return int(text)


def parse_yaml(text: str, path: Path | None, line_offset: int = 0) -> Any:
    """Parse YAML text; every problem becomes one SourceError at its line (shifted by `line_offset`
    when the YAML is part of a larger file, such as a Markdown section's front matter)."""
    PARSED[path] += 1
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
    try:
        return _Builder(path, line_offset).value(node)
    except (_OverLimit, RecursionError):  # the walk again, looking for a collection holding an alias of itself
        return _Builder(path, line_offset, checked=True).value(node)


def refuse_invisible(text: str, path: Path | None, line_offset: int) -> None:
    """YAML holds names, units and keys: an invisible character there makes two names that print alike differ
    (示例\u200b中心 is not 示例中心), so none is accepted anywhere in a YAML file."""
    at = find_invisible(text)
    if at is not None:
        line, column = line_column(text, at)
        raise SourceError(
            Location(path, line + line_offset, column),
            f"有不可见字符 {describe(text[at])}",
            hint=f"{INVISIBLE_HINT}；名称中的不可见字符会让两个印出来一样的名称被当作不同的名称。",
            rule="input",
        )


def _look_alike_error(text: str, path: Path | None, line_offset: int, mark: yaml.Mark | None) -> SourceError | None:
    """libyaml notices a full-width colon or a no-break space only where the next key fails, a line late and
    without naming it: look for one on the error's line and the line before it."""
    if mark is None:
        return None
    lines = text.splitlines()
    for number in range(max(0, mark.line - 1), min(mark.line + 1, len(lines))):
        found = find_look_alike(lines[number])
        if found is not None:
            column, message = found
            return SourceError(
                Location(path, number + 1 + line_offset, column + 1),
                f"YAML 语法错误: {message}",
                hint="YAML 只认半角的冒号和空格：切换到英文（半角）输入，写成「键: 值」（半角冒号后跟一个半角空格），缩进只用半角空格。",
                rule="yaml",
            )
    return None


def _syntax_error(exc: yaml.MarkedYAMLError, text: str, path: Path | None, line_offset: int) -> SourceError:
    mark = _error_mark(exc)
    look_alike = _look_alike_error(text, path, line_offset, mark)
    if look_alike is not None:
        return look_alike
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 0)
    problem = f"{exc.context or ''} {exc.problem or ''}"
    message = next((words for english, words in _PROBLEMS if english in problem), None)
    if mark and _char_at(text, mark.line, mark.column) == "\t":
        message = "YAML 不允许用制表符（Tab）缩进，请改用空格"
    elif message is None and "cannot start any token" in problem and mark:
        message = f"字符「{_char_at(text, mark.line, mark.column)}」不能出现在值的开头：给这段文字加引号"
    return SourceError(
        Location(path, line + line_offset, col),
        f"YAML 语法错误: {message or '无法解析此处'}",
        hint="检查缩进（只用空格）、冒号后的空格和引号是否成对。",
        rule="yaml",
    )


def _error_mark(exc: yaml.MarkedYAMLError) -> yaml.Mark | None:
    """Where the author must look: libyaml notices an unclosed quote or bracket only on a later line (or at the end
    of the file), so such an error is placed where the quote or bracket was opened."""
    problem, context = exc.problem_mark, exc.context_mark
    opened = (exc.context or "").startswith(("while scanning a quoted scalar", "while parsing a flow"))
    if opened and problem is not None and context is not None and problem.line > context.line:
        return context
    return problem or context


def _char_at(text: str, line: int, column: int) -> str:
    lines = text.splitlines()
    return lines[line][column : column + 1] if line < len(lines) else ""


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


def plain(value: Any) -> Any:
    """Loaded YAML (with source positions) → plain dicts and lists, e.g. to write it out again."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value
