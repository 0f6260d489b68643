"""The seventh wave's cuts to computing and checking a report (bench/README.md, 「Seventh wave」, helper assess):
each keeps what was computed, indexed and reported."""

from __future__ import annotations

import re
from typing import Any

from conftest import REPO

from jixiao import phrasing
from jixiao.assess import Assessment
from jixiao.audit import Text, check_money_units, check_years
from jixiao.errors import Location
from jixiao.library import read_site
from jixiao.parts.indicators.compute import UNSTATED, assess_indicator
from jixiao.site import open_site


def test_a_row_the_document_printed_nothing_for_shares_one_empty_原表_and_a_printed_row_keeps_its_own():
    # 六安's first row as written (原表: 得分 and 完成率 printed), and the same row without its 原表.
    site = open_site(REPO)
    source = read_site(site).source("2023/liuan-zipingbiao")
    item = next(row for group in source.report.forms[0].indicators.values() for rows in group.values() for row in rows)
    run = Assessment(site.config.rules_for(source.report.kind))
    printed, _ = assess_indicator(run, item, 2023, False, "自评表.0.指标.0", _no_lookup)
    bare, differences = assess_indicator(
        run, item.model_copy(update={"stated": None}), 2023, False, "自评表.0.指标.0", _no_lookup
    )
    again, _ = assess_indicator(
        run, item.model_copy(update={"stated": None}), 2023, False, "自评表.0.指标.1", _no_lookup
    )
    assert bare.stated is UNSTATED and again.stated is UNSTATED
    assert bare.stated.model_dump(by_alias=True) == {"得分": None, "实际完成值": None, "完成率": None}
    assert printed.stated is not UNSTATED
    assert (printed.stated.score, printed.stated.completion) == (item.stated.score, item.stated.completion)
    assert (bare.score, bare.completion, differences) == (printed.score, printed.completion, [])
    assert str(bare.score) == str(bare.score.origin.text)  # the 得分 is the figure its origin printed, made once
    assert run.errors == []


def _no_lookup(path: str) -> tuple[Any, str]:
    raise KeyError(path)


class _Counted:
    """A compiled pattern that counts the texts it scans."""

    def __init__(self, pattern: re.Pattern[str], scanned: list[str]):
        self.pattern, self.scanned = pattern, scanned

    def finditer(self, text: str) -> Any:
        self.scanned.append(text)
        return self.pattern.finditer(text)

    def match(self, text: str) -> Any:
        self.scanned.append(text)
        return self.pattern.match(text)


def test_a_text_without_年_or_元_is_not_scanned_for_years_or_yuan_and_one_with_them_finds_the_same(monkeypatch):
    scanned: list[str] = []
    for name in ("BAD_YEAR", "LEADING_YEAR", "YEAR", "YUAN"):
        monkeypatch.setattr(phrasing, name, _Counted(getattr(phrasing, name), scanned))
    plain = Text("预算执行率96.40%，指标全部完成", Location(None), None, None, leading_year_matters=True)
    assert check_years(plain, 2023) == [] and check_money_units(plain) == []
    assert scanned == []  # neither 年 nor 元: no pattern looked at it
    # 2607.82元 is an amount in 元 (at least 100); 20234年 a malformed year; 2022年 opens the text; 2030年 is later
    dated = Text(
        "2022年全年收入合计2607.82元，20234年完成，2030年再评", Location(None), None, None, leading_year_matters=True
    )
    assert [f.message for f in check_years(dated, 2023)] == [
        "年份「20234年」写法有误",
        "2023 年度报告中的这段文字以「2022年」开头，年份是否有误？",
        "2023 年度报告提到以后的年份「2030年」",
    ]
    assert [f.message for f in check_money_units(dated)] == [
        "金额「2607.82元」以元计，本报告金额以万元计，单位是否应为万元？"
    ]
    assert len(scanned) == 4
