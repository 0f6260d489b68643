"""The seventh wave's cuts to computing and checking a report (bench/README.md, 「Seventh wave」, helper assess):
each keeps what was computed, indexed and reported."""

from __future__ import annotations

from decimal import Decimal

from jixiao.audit import Figure, FigureIndex


def test_a_figure_index_files_each_name_and_alias_as_before_and_leaves_the_index_it_extends_unchanged():
    # 上缴财政城市维护建设税资金 is filed under its core 上缴城市维护建设税 and its first character 上; its 别名 城建税收入
    # under its own; a form's index adds 项目资金执行率 (core: itself, under 项) to a copy of the report's.
    near = Figure("上缴财政城市维护建设税资金", Decimal("12"), "money", "万元", "本年", "收入", "x", ("城建税收入",))
    exact = Figure("项目资金执行率", Decimal("96"), "rate", None, "执行率", "甲", "y")
    report = FigureIndex([near, exact])
    assert report.by_name == {"上缴城市维护建设税": [near], "城建税收入": [near], "项目资金执行率": [exact]}
    assert report.by_first == {
        "上": {"上缴财政城市维护建设税资金": frozenset("上缴城市维护建设税")},
        "城": {"城建税收入": None},
        "项": {"项目资金执行率": None},
    }
    form = FigureIndex([exact], report)
    assert form.named("项目资金执行率") == [exact, exact]
    assert form.named("城建税收入") == [near]
    assert report.named("项目资金执行率") == [exact]  # the report's own lists were copied, not appended to
    assert list(report.by_first["项"]) == ["项目资金执行率"]
