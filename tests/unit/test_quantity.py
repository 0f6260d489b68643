"""Stage: parsing of compact targets, actual values and units."""

from decimal import Decimal

import pytest

from jixiao import quantity
from jixiao.quantity import (
    Comparison,
    DateValue,
    Deadline,
    Qualitative,
    Quantity,
    TargetSyntaxError,
    Word,
    convert,
    parse_actual,
    parse_target,
    parse_unit,
)


@pytest.mark.parametrize(
    "text, op, value, unit",
    [
        ("≥428 万条", "≥", "428", "万条"),
        ("≤0.06元/条", "≤", "0.06", "元/条"),
        ("≥85%", "≥", "85", "%"),
        ("100%", "＝", "100", "%"),
        ("＝1 套", "＝", "1", "套"),
        ("9个", "＝", "9", "个"),
        (">= 2 次", "≥", "2", "次"),
        ("≤5万元/管理部", "≤", "5", "万元/管理部"),
    ],
)
def test_compact_targets(text, op, value, unit):
    target = parse_target(text)
    assert isinstance(target, Comparison)
    assert target.operator == op
    assert target.quantity.value == Decimal(value)
    assert target.quantity.unit.text == unit


def test_separate_fields_as_on_the_luzhou_form():
    target = parse_target("2", operator="≤", unit="%")
    assert target == Comparison("≤", Quantity(Decimal(2), parse_unit("%")))
    assert parse_target("优", operator="定性") == Qualitative("优")


def test_deadline_and_qualitative_targets():
    assert parse_target("2023年12月") == Deadline(2023, 12, None, "2023年12月")
    assert parse_target("按月发送") == Qualitative("按月发送")
    assert parse_target("误差不超过二天") == Qualitative("误差不超过二天")


@pytest.mark.parametrize("text, bad", [("≥ 多 条", "比较符后应为数字"), ("", "为空")])
def test_bad_targets(text, bad):
    with pytest.raises(TargetSyntaxError, match=bad):
        parse_target(text)


def test_bad_operator_field():
    with pytest.raises(TargetSyntaxError, match="指标性质"):
        parse_target("5", operator="大约")


def test_actual_values():
    assert parse_actual("115.55 万条") == Quantity(Decimal("115.55"), parse_unit("万条"))
    assert parse_actual("0.22‰").unit.text == "‰"
    assert parse_actual("6月30日") == DateValue(None, 6, 30, "6月30日")
    assert parse_actual("完成") == Word("完成")
    assert parse_actual("28.28") == Quantity(Decimal("28.28"), None)


def test_unit_conversion_within_a_dimension():
    # 0.22‰ = 0.022 %
    assert convert(parse_actual("0.22‰"), parse_unit("%")) == Decimal("0.022")
    # 1.07 亿元 = 10700 万元
    assert convert(parse_actual("1.07 亿元"), parse_unit("万元")) == Decimal("10700")
    # 2607.82 元 = 0.260782 万元
    assert convert(parse_actual("2607.82元"), parse_unit("万元")) == Decimal("0.260782")
    # 3.07 万次 = 30700 次
    assert convert(parse_actual("3.07 万次"), parse_unit("次")) == Decimal("30700")


def test_units_of_different_dimensions_do_not_convert():
    # 六安 表1: 完成值 115.54 万元 against 指标值 ≥216 万条
    assert convert(parse_actual("115.54 万元"), parse_unit("万条")) is None
    assert convert(parse_actual("3 元/条"), parse_unit("元/次")) is None


def test_amount_read_against_a_per_unit_target():
    # 六安 表1: ≤5万元/管理部 with 完成值 3.59万元 (the form prints the amount per 管理部)
    assert convert(parse_actual("3.59万元"), parse_unit("万元/管理部")) == Decimal("3.59")


def test_a_text_is_parsed_once_per_process_and_a_decimal_by_its_text():
    """parse_target and parse_actual remember what they read (the same targets recur across rows and reports): the
    second call returns the first result, equal to parsing afresh; the key is the stripped text, so 1.0 and 1,
    equal Decimals, stay two targets (14.0 keeps its decimal)."""
    quantity._parse_target.cache_clear()
    quantity._parse_actual.cache_clear()
    first = parse_target("≥428 万条")
    assert parse_target(" ≥428 万条 ") is first
    assert quantity._parse_target.cache_info().hits == 1
    assert first == quantity._parse_target.__wrapped__("≥428 万条", None, None)
    assert parse_actual("115.55万条") is parse_actual("115.55万条")
    assert quantity._parse_actual.cache_info().hits == 1
    assert str(parse_target(Decimal("14.0")).quantity.value) == "14.0"
    assert str(parse_target(Decimal("14")).quantity.value) == "14"
    with pytest.raises(TargetSyntaxError, match="千位分隔符"):  # an error is raised again, not remembered
        parse_target("1,000")
    with pytest.raises(TargetSyntaxError, match="千位分隔符"):
        parse_target("1,000")
