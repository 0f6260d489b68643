"""Stage: the scoring rules, each against a hand computation written beside it."""

from decimal import Decimal as D

import pytest

from jixiao.compute import (
    Rules,
    ScoringError,
    balanced_shares,
    budget_score,
    check_qualitative_score,
    grade,
    growth_rate,
    ratio_percent,
    round_half_up,
    score_indicator,
    total,
)
from jixiao.quantity import parse_actual, parse_target

RULES = Rules()


def score(target: str, actual: str, points: int | str, **kw) -> D:
    return score_indicator(parse_target(target, **kw), parse_actual(actual), D(points), RULES, 2023).score


def test_round_half_up_not_bankers():
    assert round_half_up(D("8.925")) == D("8.93")  # banker's rounding would give 8.92
    assert round_half_up(D("0.125")) == D("0.13")
    assert round_half_up(D("2.5"), 0) == D("3")


def test_execution_rate_from_the_adjusted_budget():
    # 泸州 信息系统运行维护: 219.20 ÷ 245.80 = 0.891782… → 89.18 %
    assert ratio_percent(D("219.20"), D("245.80")) == D("89.18")
    # 泸州 公积金专项业务经费: 65.27 ÷ 79.00 = 0.826202… → 82.62 %
    assert ratio_percent(D("65.27"), D("79.00")) == D("82.62")
    assert ratio_percent(D("1"), D("0")) is None


def test_budget_score_is_capped_at_full_marks():
    # 10 × 89.18 % = 8.918 → 8.92 (the 泸州 form printed 8.91)
    assert budget_score(D("89.18"), D(10)) == D("8.92")
    # 10 × 94.84 % = 9.484 → 9.48
    assert budget_score(D("94.84"), D(10)) == D("9.48")
    # over-execution never scores above the points: 10 × min(105 %, 100 %) = 10
    assert budget_score(D("105.00"), D(10)) == D("10.00")
    assert budget_score(None, D(10)) == D(0)


def test_positive_indicator_partial():
    # 六安 表1: 4 × 115.55 ÷ 428 = 1.07991 → 1.08
    assert score("≥428 万条", "115.55 万条", 4) == D("1.08")
    # 六安 表2: 2 × 913 ÷ 2000 = 0.913 → 0.91
    assert score("≥2000 户", "913 户", 2) == D("0.91")
    # 六安 表2: 2 × 86 ÷ 300 = 0.5733 → 0.57
    assert score("≥300笔", "86笔", 2) == D("0.57")
    assert score("≥1条", "0条", 2) == D("0.00")


def test_positive_indicator_met_and_over():
    assert score("≥95%", "157.61%", 10) == D("10.00")


def test_negative_indicator():
    assert score("≤12.33万元", "11.07万元", 5) == D("5.00")
    # over the cap by 20 %: 10 × (1 − (60 − 50) ÷ 50) = 8
    assert score("≤50 万元", "60 万元", 10) == D("8.00")
    # three times the cap: 1 − (150 − 50) ÷ 50 = −1 → not below 0
    assert score("≤50 万元", "150 万元", 10) == D("0.00")


def test_negative_indicator_converts_units():
    # 泸州: 个贷逾期率 ≤ 2 % with 0.22‰ (= 0.022 %) → full 5
    assert score("2", "0.22‰", 5, operator="≤", unit="%") == D("5.00")
    # 泸州: 回购贴息贷款额 ≤ 1.1 亿元 with 1.07 (亿元) → full 6
    assert score("1.1", "1.07", 6, operator="≤", unit="亿元") == D("6.00")


def test_equal_indicator():
    # 泸州: 完成信息系统安全等级保护测评 ＝ 1 套, 0.5 → 4 × 0.5 = 2
    assert score("1", "0.5", 4, operator="＝", unit="套") == D("2.00")
    assert score("1", "1", 6, operator="＝", unit="年") == D("6.00")
    # 六安 表1: 管理部年度目标绩效优秀单位 9个, 3个: 4 × 3 ÷ 9 = 1.333 → 1.33
    assert score("9个", "3个", 4) == D("1.33")


def test_qualitative_indicator_by_word():
    assert score("按月发送", "完成", 5) == D("5.00")
    assert score("优", "优", 10, operator="定性") == D("10.00")
    assert score("按季度完成", "良", 30) == D("24.00")  # 30 × 80 %
    assert score("按季度完成", "中", 10) == D("6.00")  # 10 × 60 %
    assert score("按季度完成", "差", 10) == D("0.00")


def test_deadline_indicator():
    assert score("2023年6月", "6月30日", 6) == D("6.00")
    assert score("2023年12月", "12月", 5) == D("5.00")
    assert score("2023年6月", "7月1日", 6) == D("0.00")
    # 六安 表2: 业务技能大赛按时举办 2023年12月, 完成值 0 → 0
    assert score("2023年12月", "0", 2) == D("0.00")


def test_unit_mismatch_is_not_scored():
    # 六安 表1 as printed: ≥216 万条 against 115.54 万元
    with pytest.raises(ScoringError) as info:
        score("≥216 万条", "115.54 万元", 4)
    assert info.value.rule == "unit-mismatch"


def test_number_against_words_is_not_scored():
    with pytest.raises(ScoringError):
        score("≥85%", "6月30日", 3)
    with pytest.raises(ScoringError):
        score("按月发送", "12", 5)
    with pytest.raises(ScoringError, match="等级词"):
        score("按月发送", "差不多", 5)


def test_total_and_grade():
    # 六安 表1: 10 + the 17 row scores of the seed = 92.55
    rows = [D(x) for x in "4 1.08 2.14 4 1.33 5 5 5 5 5 5 10 10 10 3 3 4".split()]
    assert total([D(10), *rows]) == D("92.55")
    assert grade(D("92.55"), RULES) == "优"
    assert grade(D("89.99"), RULES) == "良"
    assert grade(D("80"), RULES) == "良"
    assert grade(D("79.5"), RULES) == "中"
    assert grade(D("59.99"), RULES) == "差"


def test_configured_grades():
    rules = Rules(grades=((D(85), "好"), (D(0), "待改进")))
    assert grade(D("86"), rules) == "好"
    assert grade(D("84.99"), rules) == "待改进"
    # 99.50 is below 优's lower bound of 100: the next band, never 优
    assert grade(D("99.50"), Rules(grades=((D(100), "优"), (D(0), "良")))) == "良"


def test_qualitative_band():
    # 良 (80 %) lies in the 良 band 80 %–90 % of the points: for 10 points, 8 to 9
    assert check_qualitative_score(D("8.5"), D("0.8"), D(10), RULES)
    assert not check_qualitative_score(D("9.5"), D("0.8"), D(10), RULES)
    # 优 (100 %) covers 90 %–100 %
    assert check_qualitative_score(D("9"), D("1"), D(10), RULES)


def test_balanced_shares_put_the_rounding_difference_into_the_largest_item():
    # 泸州 功能分类: 145.23, 49.16, 2413.46 of 2607.85 → 5.5689 → 5.57, 1.8851 → 1.89, 92.5460 → 92.55;
    # 5.57 + 1.89 + 92.55 = 100.01, so the largest gives back 0.01 → 92.54, as the seed prints
    assert balanced_shares([D("145.23"), D("49.16"), D("2413.46")]) == [D("5.57"), D("1.89"), D("92.54")]
    # 泸州 三公: 0, 15.13, 0.24 of 15.37 → 0.00, 98.4385 → 98.44, 1.5615 → 1.56 (already 100.00)
    assert balanced_shares([D("0"), D("15.13"), D("0.24")]) == [D("0.00"), D("98.44"), D("1.56")]
    # 泸州 支出结构: 1964.12 / 643.73 of 2607.85 → 75.3153 → 75.32, 24.6846 → 24.68
    assert balanced_shares([D("1964.12"), D("643.73")]) == [D("75.32"), D("24.68")]
    # a shortfall goes to the largest too: thirds 33.33 × 3 = 99.99 → the first largest gets 33.34
    assert balanced_shares([D(1), D(1), D(1)]) == [D("33.34"), D("33.33"), D("33.33")]
    assert balanced_shares([D(0), D(0)]) == [D(0), D(0)]


def test_growth_and_ratio():
    # 泸州 收入总计 2607.85 against 2599.25 (2607.85 − 8.60): 8.60 ÷ 2599.25 = 0.3309 % → 0.33 %
    assert growth_rate(D("2607.85"), D("2599.25")) == D("0.33")
    # 泸州 三公 15.37 against 14.46: 0.91 ÷ 14.46 = 6.293 % → 6.29 %
    assert growth_rate(D("15.37"), D("14.46")) == D("6.29")
    assert growth_rate(D("1"), D("0")) is None
    # 怀化 缴存额 34.01 ÷ 31.82 = 106.8825 % → 106.88 % (the report prints 106.89 %)
    assert ratio_percent(D("34.01"), D("31.82")) == D("106.88")
    # 怀化 短信 269.72 ÷ 272.84 = 98.856 % → 98.86 %
    assert ratio_percent(D("269.72"), D("272.84")) == D("98.86")


def test_formulas_read_the_operators_a_chinese_input_method_types():
    from jixiao.formula import evaluate, parse

    values = {"本年支出": D("506.00"), "扣除会务员工资费用": D("1.08"), "其他": D("2")}
    # hand: (506.00 － 1.08) ÷ 506.00 = 504.92 ÷ 506 = 0.997865…; 506.00 ＋ 2 = 508.00; 506.00 − 2 = 504.00
    assert evaluate(parse("(本年支出 － 扣除会务员工资费用) ÷ 本年支出"), values.get).quantize(D("0.0001")) == D(
        "0.9979"
    )
    assert evaluate(parse("本年支出 ＋ 其他"), values.get) == D("508.00")
    assert evaluate(parse("本年支出 − 其他"), values.get) == D("504.00")


def test_two_signs_in_a_row_are_a_slip_but_a_negative_factor_is_not():
    from jixiao.formula import FormulaError, evaluate, parse

    with pytest.raises(FormulaError, match="「- -」两个运算符相连"):
        parse("甲 - - 乙")
    with pytest.raises(FormulaError, match="「\\+ -」两个运算符相连"):
        parse("甲 ＋ － 乙")
    # hand: 3 × −1 = −3; −3 + 5 = 2
    assert evaluate(parse("甲 × -1 + 乙"), {"甲": D(3), "乙": D(5)}.get) == D(2)
