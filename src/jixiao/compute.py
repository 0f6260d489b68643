"""The heart: pure functions over Decimals for rates, scores, totals and grades.

No I/O, no formatting, no model objects: every function takes numbers or parsed
targets and returns numbers, so each rule can be tested against a hand computation.
Rounding is 四舍五入 (ROUND_HALF_UP) everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import NamedTuple

from .quantity import (
    OPERATOR_NAMES,
    Actual,
    Comparison,
    DateValue,
    Deadline,
    Qualitative,
    Quantity,
    Target,
    Word,
    convert,
)

HUNDRED = Decimal(100)
ZERO = Decimal(0)
ONE = Decimal(1)


@dataclass(frozen=True)
class Rules:
    """Scoring rules; site.yaml may change each one (defaults: DESIGN.md, 财预〔2020〕10号)."""

    budget_points: Decimal = Decimal(10)
    indicator_points: Decimal = Decimal(90)
    places: int = 2
    # (lower bound of the total, grade), highest first.
    grades: tuple[tuple[Decimal, str], ...] = (
        (Decimal(90), "优"),
        (Decimal(80), "良"),
        (Decimal(60), "中"),
        (Decimal(0), "差"),
    )
    # Words an author writes as the actual value of a qualitative indicator → share of the points.
    words: dict[str, Decimal] = field(
        default_factory=lambda: {
            "优": ONE,
            "优秀": ONE,
            "完成": ONE,
            "已完成": ONE,
            "达成": ONE,
            "已达成": ONE,
            "达到": ONE,
            "是": ONE,
            "良": Decimal("0.8"),
            "良好": Decimal("0.8"),
            "中": Decimal("0.6"),
            "一般": Decimal("0.6"),
            "合格": Decimal("0.6"),
            "差": ZERO,
            "未完成": ZERO,
            "否": ZERO,
            "0": ZERO,
        }
    )


class ScoringError(ValueError):
    """The figures cannot be scored honestly (a unit mismatch, words against a number…)."""

    def __init__(self, message: str, rule: str):
        super().__init__(message)
        self.rule = rule


class IndicatorScore(NamedTuple):
    """A row's score by its rule (a named tuple: made for every row, several times faster than a frozen dataclass)."""

    score: Decimal
    share: Decimal  # of the points, 0..1, before rounding
    met: bool
    basis: str  # the rule applied, in words, shown beside the figure


def round_half_up(value: Decimal, places: int = 2) -> Decimal:
    """四舍五入 to `places` decimals."""
    return value.quantize(quantum(places), ROUND_HALF_UP)


@lru_cache(maxsize=64)
def quantum(places: int) -> Decimal:
    """The unit of the last of `places` decimals (2 → 0.01), made once: every rate and score is rounded to one."""
    return Decimal(1).scaleb(-places)


def ratio_percent(part: Decimal | None, whole: Decimal | None, places: int = 2) -> Decimal | None:
    """part ÷ whole in percent (94.84), rounded: 预算执行率, 完成预算, 完成率, 达标率 …; None without a base."""
    if whole is None or part is None or whole == 0:
        return None
    return round_half_up(part / whole * HUNDRED, places)


def completion_rate(target: Target, actual: Actual, places: int = 2) -> Decimal | None:
    """完成率 of a quantitative indicator: 实际完成值 ÷ 指标值 in percent (in the target's unit); None for
    dates, words and targets of 0."""
    if not isinstance(target, Comparison) or not isinstance(actual, Quantity):
        return None
    value = convert(actual, target.quantity.unit)
    return ratio_percent(value, target.quantity.value, places)


def growth_rate(current: Decimal | None, previous: Decimal | None, places: int = 2) -> Decimal | None:
    """增长率 against the previous year, in percent; None when the previous figure is missing or zero."""
    if current is None or previous is None or previous == 0:
        return None
    return round_half_up((current - previous) / previous * HUNDRED, places)


def balanced_shares(values: list[Decimal], places: int = 2) -> list[Decimal]:
    """占比 of each value in percent, rounded, adding up to exactly 100.

    The rounding difference goes into the largest item, as the published documents do
    (泸州: 5.57 + 1.89 + 92.55 = 100.01 → 92.54).
    """
    whole = sum(values, ZERO)
    if whole == 0:
        return [round_half_up(ZERO, places) for _ in values]
    shares = [round_half_up(value / whole * HUNDRED, places) for value in values]
    difference = HUNDRED - sum(shares, ZERO)
    if difference:
        largest = max(range(len(values)), key=lambda i: values[i])
        shares[largest] += difference
    return shares


def budget_score(rate_percent: Decimal | None, points: Decimal, places: int = 2) -> Decimal:
    """预算执行得分 = 分值 × min(执行率, 100 %), from the printed (rounded) rate, as the forms do."""
    if rate_percent is None:
        return ZERO
    return round_half_up(points * min(rate_percent, HUNDRED) / HUNDRED, places)


def grade(total: Decimal, rules: Rules) -> str:
    """评价等次 of a total score: the first grade whose lower bound it reaches."""
    return grade_band_of(total, rules)[1]


def grade_band_of(total: Decimal, rules: Rules) -> tuple[Decimal, str]:
    """The lower bound a total reaches and its grade (92.55 → (90, 优)), for saying why a grade was given."""
    for bound, name in rules.grades:
        if total >= bound:
            return bound, name
    return rules.grades[-1]


def grade_band(word_share: Decimal, rules: Rules) -> tuple[Decimal, Decimal]:
    """The share band (low, high) a qualitative grade covers, taken from the 等次 thresholds."""
    percent = word_share * HUNDRED
    upper = HUNDRED
    for bound, _ in rules.grades:
        if percent >= bound:
            return bound / HUNDRED, upper / HUNDRED
        upper = bound
    return ZERO, upper / HUNDRED


def total(scores: list[Decimal]) -> Decimal:
    """总分 = the sum of the rounded row scores (never re-rounded from raw shares)."""
    return sum(scores, ZERO)


def score_indicator(
    target: Target, actual: Actual, points: Decimal, rules: Rules, year: int | None = None
) -> IndicatorScore:
    """Score one indicator row by the rule its target implies (正向/反向/等于/定性/时效)."""
    if isinstance(actual, Word):
        return _score_word(actual, points, rules)
    if isinstance(target, Comparison):
        if not isinstance(actual, Quantity):
            raise ScoringError(f"完成值「{actual}」不是数量，无法与指标值「{target}」比较", "value-kind")
        return _score_comparison(target, actual, points, rules)
    if isinstance(target, Deadline):
        return _score_deadline(target, actual, points, rules, year)
    return _score_qualitative(target, actual, points, rules)


def _finish(points: Decimal, share: Decimal, met: bool, basis: str, rules: Rules) -> IndicatorScore:
    return IndicatorScore(round_half_up(points * share, rules.places), share, met, basis)


def _score_word(actual: Word, points: Decimal, rules: Rules) -> IndicatorScore:
    share = rules.words.get(actual.text.strip())
    if share is None:
        known = "、".join(rules.words)
        raise ScoringError(f"完成值「{actual}」不是可评分的等级词（可用: {known}）", "unknown-word")
    return _finish(points, share, share == ONE, f"定性「{actual}」→ {share * HUNDRED:.0f}%", rules)


def _score_comparison(target: Comparison, actual: Quantity, points: Decimal, rules: Rules) -> IndicatorScore:
    wanted = target.quantity
    value = convert(actual, wanted.unit)
    if value is None:
        raise ScoringError(
            f"完成值单位「{actual.unit.text if actual.unit else ''}」与指标值「{target}」的单位"
            f"「{wanted.unit.text if wanted.unit else ''}」不一致，不能评分",
            "unit-mismatch",
        )
    goal = wanted.value
    op = target.operator
    if op in ("≥", ">", "＝"):
        met = value >= goal if op != ">" else value > goal
        share = ONE if met or goal == 0 else max(min(value / goal, ONE), ZERO)
        if op == "＝":
            met = value == goal or share == ONE
        rule = OPERATOR_NAMES[op]  # 正向 or 等于, the target's direction (a literal dict was made at every row)
        basis = f"{rule}: 达标" if share == ONE else f"{rule}: 分值 × {value.normalize():f} ÷ {goal.normalize():f}"
        return _finish(points, share, met, basis, rules)
    met = value <= goal if op == "≤" else value < goal
    if met:
        return _finish(points, ONE, True, "反向: 达标", rules)
    if goal == 0:
        return _finish(points, ZERO, False, "反向: 指标值为 0 而超出", rules)
    share = max(ONE - (value - goal) / goal, ZERO)
    return _finish(
        points,
        share,
        False,
        f"反向: 分值 × (1 − ({value.normalize():f} − {goal.normalize():f}) ÷ {goal.normalize():f})",
        rules,
    )


def _score_deadline(
    target: Deadline, actual: Actual, points: Decimal, rules: Rules, year: int | None
) -> IndicatorScore:
    if isinstance(actual, Quantity) and actual.value == 0 and actual.unit is None:
        return _finish(points, ZERO, False, "时效: 未完成（0）", rules)
    if not isinstance(actual, DateValue):
        raise ScoringError(f"完成值「{actual}」应为日期（如 12月、6月30日）或 完成/未完成", "value-kind")
    deadline_year = target.year or year or 0
    done = ((actual.year or deadline_year), actual.month, actual.day or 0)
    limit = (deadline_year, target.month, target.day or 31)
    met = done <= limit
    return _finish(points, ONE if met else ZERO, met, "时效: 按期完成" if met else "时效: 逾期", rules)


def _score_qualitative(target: Qualitative, actual: Actual, points: Decimal, rules: Rules) -> IndicatorScore:
    if isinstance(actual, Quantity) and actual.value == 0:
        return _finish(points, ZERO, False, "定性: 未完成（0）", rules)
    raise ScoringError(f"定性指标「{target}」的完成值「{actual}」应为等级词（完成、优、良、中、差…）", "value-kind")


def check_qualitative_score(given: Decimal, word_share: Decimal, points: Decimal, rules: Rules) -> bool:
    """Whether an author's own 得分 for a qualitative row lies inside its grade's band."""
    low, high = grade_band(word_share, rules)
    return points * low <= given <= points * high
