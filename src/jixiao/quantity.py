"""Units, compact targets (`≥428 万条`, `≤0.06元/条`, `0.22‰`, `2023年12月`, `按月发送`) and actual values.

Parsing is separate from scoring so that a target string can be checked on load
(and point at its file:line) long before anything is scored. What parsing returns is immutable (frozen
dataclasses over plain Decimals), so a text is parsed once per process: the same targets and actuals (100%,
≥95%, 完成, 12月) recur across a site's rows, and a report attached to another is computed twice.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache

# Prefixes that scale a counted or monetary unit: 万条 = 10⁴ 条, 亿元 = 10⁸ 元.
_PREFIXES = {"千": Decimal(10) ** 3, "万": Decimal(10) ** 4, "亿": Decimal(10) ** 8}
# Ratio units share one dimension: 1 % = 10 ‰.
_RATIOS = {"%": Decimal("0.01"), "％": Decimal("0.01"), "‰": Decimal("0.001")}
# Units that start with a prefix character but are not scaled by it.
_UNSCALED = {"千克", "千米", "千瓦"}

OPERATORS = {
    "≥": "≥",
    ">=": "≥",
    "＞": ">",
    ">": ">",
    "≤": "≤",
    "<=": "≤",
    "＜": "<",
    "<": "<",
    "＝": "＝",
    "=": "＝",
    "==": "＝",
}
OPERATOR_NAMES = {"≥": "正向", ">": "正向", "≤": "反向", "<": "反向", "＝": "等于"}
QUALITATIVE_WORDS = ("定性",)

_NUMBER = r"[+-]?\d+(?:\.\d+)?"
_TARGET_RE = re.compile(rf"^\s*(≥|>=|＞|>|≤|<=|＜|<|＝|==|=)?\s*({_NUMBER})\s*(\S.*?)?\s*$")
# A number with words before it and a short unit after it (已使用3年, 约 2 年, 累计 12 次), never a verdict word
_WORDED_RE = re.compile(
    rf"^(?!.*(?:未|没有|不))[\u4e00-\u9fff]{{1,6}}\s*(?P<number>{_NUMBER})\s*(?P<unit>[\u4e00-\u9fff%％‰]{{1,3}})\s*$"
)
_DATE_RE = re.compile(r"^\s*(?:(\d{4})\s*年)?\s*(\d{1,2})\s*月\s*(?:(\d{1,2})\s*日)?\s*(?:前|底|末)?\s*$")


@dataclass(frozen=True)
class Unit:
    """A unit as written, split into scale × base (per denominator): 万元/管理部 → 10⁴ × 元 / 管理部."""

    text: str
    base: str
    scale: Decimal
    per: str = ""

    @property
    def dimension(self) -> str:
        return self.base + ("/" + self.per if self.per else "")


@dataclass(frozen=True)
class Quantity:
    value: Decimal
    unit: Unit | None
    words: str | None = field(default=None, compare=False)  # 已使用3年 as written, when words surround the number

    def __str__(self) -> str:
        return self.words or f"{format_number(self.value)}{self.unit.text if self.unit else ''}"


@dataclass(frozen=True)
class Comparison:
    """A numeric target: operator, value, unit."""

    operator: str
    quantity: Quantity

    @property
    def kind(self) -> str:
        return OPERATOR_NAMES[self.operator]

    def __str__(self) -> str:
        return f"{self.operator}{self.quantity}"


@dataclass(frozen=True)
class Deadline:
    """A time target such as 2023年12月: met when done by the end of that month (or day)."""

    year: int | None
    month: int
    day: int | None
    text: str

    kind = "时效"

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Qualitative:
    """A target stated in words (按月发送, 优, 误差不超过二天): scored by the grade of the actual."""

    text: str

    kind = "定性"

    def __str__(self) -> str:
        return self.text


Target = Comparison | Deadline | Qualitative


@dataclass(frozen=True)
class Word:
    """An actual value stated in words: 完成, 优, 良, 未完成 …"""

    text: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class DateValue:
    year: int | None
    month: int
    day: int | None
    text: str

    def __str__(self) -> str:
        return self.text


Actual = Quantity | Word | DateValue


class TargetSyntaxError(ValueError):
    """A target or value that cannot be read; the caller adds file:line."""


def format_number(value: Decimal) -> str:
    """Print a Decimal as written: no exponent, no trailing zeros beyond the integer part. A figure (values.py) is
    printed by Decimal's own format, as its `__format__` would with "f", without a call of it in Python."""
    text = Decimal.__format__(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


@lru_cache(maxsize=1024)
def parse_unit(text: str | None) -> Unit | None:
    """Split a unit into scale, base and per-part; an empty unit is None."""
    if text is None:
        return None
    text = text.strip()
    if not text:
        return None
    if text in _RATIOS:
        return Unit(text, "%", _RATIOS[text] * 100)
    head, _, per = text.partition("/")
    per = per.strip().removeprefix("每")
    scale = Decimal(1)
    base = head.strip()
    if len(base) > 1 and base[0] in _PREFIXES and base not in _UNSCALED:
        scale = _PREFIXES[base[0]]
        base = base[1:]
    return Unit(text, base, scale, per)


def convert(quantity: Quantity, unit: Unit | None) -> Decimal | None:
    """Express a quantity in another unit of the same dimension, or None when they do not match.

    A bare number takes the target's unit (the forms print the unit once, in its own column).
    An amount without a per-part (3.59 万元) is read against a rate target (≤5 万元/管理部)
    as the amount per that unit, because the forms print it that way.
    """
    if quantity.unit is None or unit is None:
        return quantity.value
    have, want = quantity.unit, unit
    if have.base != want.base:
        return None
    if have.per and have.per != want.per:
        return None
    return quantity.value * have.scale / want.scale


_THOUSANDS_RE = re.compile(r"\d[,，]\d{3}(?!\d)")


def check_plain_number(text: str) -> None:
    """1,000 is read by nobody's rules the same way: refuse it with the reason, not as a unit mismatch."""
    if _THOUSANDS_RE.search(text):
        raise TargetSyntaxError(f"「{text}」中的数字用了千位分隔符；请写成不带逗号的数字（如 1,000 写作 1000）")


def check_date(year: int | None, month: int, day: int | None, text: str) -> None:
    """A month of 1–12 and a day that month has (2月30日 does not exist)."""
    if not 1 <= month <= 12:
        raise TargetSyntaxError(f"日期「{text}」无效：月份应为 1–12")
    if day is not None:
        last = calendar.monthrange(year or 2000, month)[1]  # without a year, a leap year: 2月29日 may exist
        if not 1 <= day <= last:
            raise TargetSyntaxError(f"日期「{text}」无效：{month} 月没有 {day} 日")


def parse_number(text: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation:
        raise TargetSyntaxError(f"「{text}」不是数字") from None


def parse_target(text: str, operator: str | None = None, unit: str | None = None) -> Target:
    """Read a compact target, or the separate fields 指标性质 / 指标值 / 度量单位 of the forms.

    Anything that is neither a number nor a month is a qualitative target.
    """
    return _parse_target(str(text).strip(), operator, unit)


@lru_cache(maxsize=4096)
def _parse_target(text: str, operator: str | None, unit: str | None) -> Target:
    """parse_target of a stripped text, remembered (by the text, never by a Decimal: 1.0 == 1)."""
    if not text:
        raise TargetSyntaxError("指标值为空")
    if operator is not None and operator.strip() in QUALITATIVE_WORDS:
        return Qualitative(text)
    check_plain_number(text)
    if operator is not None and operator.strip() not in OPERATORS:
        raise TargetSyntaxError(f"指标性质「{operator}」无法识别（可用 ≥ ≤ ＝ 定性）")
    date = _DATE_RE.match(text)
    if date and operator is None and unit is None:
        year, month, day = (int(g) if g else None for g in date.groups())
        check_date(year, month, day, text)
        return Deadline(year, month, day, text)
    match = _TARGET_RE.match(text)
    if not match:
        if operator is not None:
            raise TargetSyntaxError(f"指标值「{text}」应为数字（指标性质为 {operator}）")
        if re.match(r"^\s*(≥|>=|≤|<=|＝|=|>|<)", text):
            raise TargetSyntaxError(f"指标值「{text}」的比较符后应为数字")
        return Qualitative(text)
    written_op, number, written_unit = match.groups()
    if written_op and operator:
        raise TargetSyntaxError(f"指标值「{text}」与指标性质「{operator}」重复写了比较符")
    if written_unit and unit:
        raise TargetSyntaxError(f"指标值「{text}」已带单位，又给了度量单位「{unit}」")
    op = OPERATORS[(written_op or operator or "＝").strip()]
    return Comparison(op, Quantity(parse_number(number), parse_unit(written_unit or unit)))


def parse_actual(text: str) -> Actual:
    """Read an actual value: a number with an optional unit, a month/day, or words."""
    return _parse_actual(str(text).strip())


@lru_cache(maxsize=4096)
def _parse_actual(text: str) -> Actual:
    """parse_actual of a stripped text, remembered."""
    if not text:
        raise TargetSyntaxError("完成值为空")
    check_plain_number(text)
    date = _DATE_RE.match(text)
    if date:
        year, month, day = (int(g) if g else None for g in date.groups())
        check_date(year, month, day, text)
        return DateValue(year, month, day, text)
    match = _TARGET_RE.match(text)
    if match and not match.group(1):
        _, number, unit = match.groups()
        return Quantity(parse_number(number), parse_unit(unit))
    worded = _WORDED_RE.match(text)
    if worded:  # 已使用3年, 约 2 年: the number with its unit; the words around it are the author's, printed as written
        return Quantity(parse_number(worded.group("number")), parse_unit(worded.group("unit")), text)
    return Word(text)
