"""Spreadsheet formulas of data tables: + − × ÷ and parentheses over names, in exact decimals.

A formula is written the way a document states it: `业务收入 - 业务支出`, `节约 ÷ 预算`,
`(本年 - 上年) ÷ 上年`, `项目资金.合计.本年支出 + 实际支出.以前年度项目支出.金额`. Names are row
names, column names, or dotted references into other tables; what a name means is decided by
the caller (parts/data_table/compute.py), which resolves each name to a number. A name that contains an
operator or a space is written in 「」.

Parsing is separate from evaluation so that every formula can be checked, and its names
listed for dependency order and did-you-mean, before anything is computed. Evaluation is pure
Decimal arithmetic: no Python eval, no floats.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, DivisionByZero, InvalidOperation
from typing import Any

_TOKEN_RE = re.compile(
    r"\s*(?:(?P<number>\d+(?:\.\d+)?)(?![\w\u4e00-\u9fff])|(?P<quoted>「[^」]+」)|"
    r"(?P<op>[-+−－＋×÷*/()（）])|(?P<name>[^\s\-+−－＋×÷*/()（）「」]+))"
)
# Chinese input methods type the full-width ＋ and － (U+FF0B, U+FF0D); typesetting uses − (U+2212).
_OPERATORS = {"+": "+", "＋": "+", "-": "-", "−": "-", "－": "-", "×": "*", "*": "*", "÷": "/", "/": "/"}
MAX_LENGTH = 500


class FormulaError(ValueError):
    """A formula that cannot be read or computed; the caller adds file:line and a hint.

    `where` is set by the innermost formula the error passed through, so a cycle or an unknown name is
    reported at the formula that names it, not at a cell that merely depends on it."""

    where: Any = None


class ZeroDivisor(FormulaError):
    """A division by zero: the cell stays empty, as a 比率 with no base does."""


@dataclass(frozen=True)
class Number:
    value: Decimal


@dataclass(frozen=True)
class Name:
    text: str


@dataclass(frozen=True)
class Operation:
    operator: str  # + - * /
    left: Node
    right: Node


@dataclass(frozen=True)
class Negative:
    operand: Node


Node = Number | Name | Operation | Negative


def tokenize(text: str) -> list[tuple[str, str]]:
    if len(text) > MAX_LENGTH:
        raise FormulaError(f"公式过长（超过 {MAX_LENGTH} 个字符）")
    tokens, position = [], 0
    text = text.strip()
    while position < len(text):
        match = _TOKEN_RE.match(text, position)
        if match is None or match.end() == position:
            raise FormulaError(f"公式「{text}」在「{text[position : position + 10]}」处无法读取")
        kind = match.lastgroup
        value = match.group(kind)
        if kind == "quoted":
            kind, value = "name", value[1:-1]
        elif kind == "op":
            value = {"（": "(", "）": ")"}.get(value, _OPERATORS.get(value, value))
        tokens.append((kind, value))
        position = match.end()
    return tokens


class _Parser:
    """Recursive descent: sum := product ((+|-) product)*; product := unary ((*|/) unary)*."""

    def __init__(self, text: str):
        self.text = text
        self.tokens = tokenize(text)
        self.index = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise FormulaError(f"公式「{self.text}」不完整（结尾缺少数或名称）")
        self.index += 1
        return token

    def parse(self) -> Node:
        if not self.tokens:
            raise FormulaError("公式为空")
        node = self.sum(0)
        if self.peek() is not None:
            raise FormulaError(f"公式「{self.text}」在「{self.peek()[1]}」处多了内容（是否缺少运算符？）")
        return node

    def sum(self, depth: int) -> Node:
        node = self.product(depth)
        while (token := self.peek()) is not None and token[1] in ("+", "-"):
            self.take()
            following = self.peek()
            if following is not None and following[1] in ("+", "-"):  # 甲 - - 乙 would add: a slip, not a sign
                raise FormulaError(
                    f"公式「{self.text}」中「{token[1]} {following[1]}」两个运算符相连（是否多写了一个？）"
                )
            node = Operation(token[1], node, self.product(depth))
        return node

    def product(self, depth: int) -> Node:
        node = self.unary(depth)
        while (token := self.peek()) is not None and token[1] in ("*", "/"):
            self.take()
            node = Operation(token[1], node, self.unary(depth))
        return node

    def unary(self, depth: int) -> Node:
        if depth > 30:
            raise FormulaError("公式的括号嵌套过深")
        kind, value = self.take()
        if value == "-":
            return Negative(self.unary(depth + 1))
        if value == "(":
            node = self.sum(depth + 1)
            if self.peek() is None or self.take()[1] != ")":
                raise FormulaError(f"公式「{self.text}」的括号没有闭合")
            return node
        if kind == "number":
            return Number(Decimal(value))
        if kind == "name":
            return Name(value)
        raise FormulaError(f"公式「{self.text}」中「{value}」的位置不对")


def parse(text: str) -> Node:
    """Read a formula; a mistake raises FormulaError naming where it is."""
    return _Parser(str(text)).parse()


def names(node: Node) -> list[str]:
    """Every name a formula reads, in order (each once)."""
    if isinstance(node, Name):
        return [node.text]
    if isinstance(node, Operation):
        return list(dict.fromkeys(names(node.left) + names(node.right)))
    if isinstance(node, Negative):
        return names(node.operand)
    return []


def uses_division_or_product(node: Node) -> bool:
    if isinstance(node, Operation):
        return node.operator in "*/" or uses_division_or_product(node.left) or uses_division_or_product(node.right)
    if isinstance(node, Negative):
        return uses_division_or_product(node.operand)
    return False


def evaluate(node: Node, value_of: Callable[[str], Decimal | None]) -> Decimal | None:
    """The formula's value; None when a name it reads has no value (an empty cell). Division by zero
    raises ZeroDivisor."""
    if isinstance(node, Number):
        return node.value
    if isinstance(node, Name):
        return value_of(node.text)
    if isinstance(node, Negative):
        inner = evaluate(node.operand, value_of)
        return None if inner is None else -inner
    left, right = evaluate(node.left, value_of), evaluate(node.right, value_of)
    if left is None or right is None:
        return None
    if node.operator == "+":
        return left + right
    if node.operator == "-":
        return left - right
    if node.operator == "*":
        return left * right
    if right == 0:
        raise ZeroDivisor("除数为 0")
    try:
        return left / right
    except (DivisionByZero, InvalidOperation):
        raise ZeroDivisor("除数为 0") from None


_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2}
_SIGNS = {"+": "+", "-": "−", "*": "×", "/": "÷"}


def show(node: Node, text_of: Callable[[str], str]) -> str:
    """The formula written out the way documents print it (节约 ÷ 预算), each name replaced by `text_of(name)`:
    the names themselves for the rule, the printed figures for its arithmetic (12.50 ÷ 250.00)."""
    if isinstance(node, Number):
        return f"{node.value:f}"
    if isinstance(node, Name):
        return text_of(node.text)
    if isinstance(node, Negative):
        return f"−{_operand(node.operand, 3, text_of)}"
    level = _PRECEDENCE[node.operator]
    right = _operand(node.right, level + (node.operator in "-/"), text_of)
    return f"{_operand(node.left, level, text_of)} {_SIGNS[node.operator]} {right}"


def _operand(node: Node, level: int, text_of: Callable[[str], str]) -> str:
    text = show(node, text_of)
    return f"({text})" if isinstance(node, Operation) and _PRECEDENCE[node.operator] < level else text
