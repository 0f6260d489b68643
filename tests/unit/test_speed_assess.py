"""The seventh wave's cuts to computing and checking a report (bench/HISTORY.md, 「Seventh wave」, helper assess):
each keeps what was computed, indexed and reported."""

from __future__ import annotations

import random
import re
from decimal import Decimal
from typing import Any

import pytest
from conftest import REPO, assess_in_site

from jixiao import compute, phrasing, values
from jixiao.assess import Assessment
from jixiao.audit import (
    Scope,
    Text,
    audit_report,
    check_money_units,
    check_years,
    collect_texts,
    markdown_paragraphs,
)
from jixiao.errors import Location
from jixiao.library import read_site
from jixiao.parts.indicators.compute import UNSTATED, as_written, assess_indicator
from jixiao.parts.indicators.model import Reference
from jixiao.quantity import format_number, parse_actual, parse_target
from jixiao.site import open_site
from jixiao.values import Money, Number, Rate, Score


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


def test_a_rows_score_is_a_named_tuple_of_the_rules_figures():
    # ≥100 with 96 done, 分值 10: share 96 ÷ 100 = 0.96, 得分 10 × 0.96 = 9.60, not met.
    result = compute.score_indicator(parse_target("≥100"), parse_actual("96"), Decimal(10), compute.Rules(), 2023)
    assert isinstance(result, tuple)  # made by the named tuple, not a frozen dataclass's four setattr calls
    assert result == compute.IndicatorScore(Decimal("9.60"), Decimal("0.96"), False, "正向: 分值 × 96 ÷ 100")
    assert (result.score, result.share, result.met, result.basis) == tuple(result)


def test_a_written_target_and_actual_are_read_as_written_once_and_a_reference_still_reads_its_figure():
    site = open_site(REPO)
    source = read_site(site).source("2023/liuan-zipingbiao")
    item = next(row for group in source.report.forms[0].indicators.values() for rows in group.values() for row in rows)
    run = Assessment(site.config.rules_for(source.report.kind))
    row, _ = assess_indicator(run, item, 2023, False, "自评表.0.指标.0", _no_lookup)
    assert row.written == as_written(item.target) == "≥2 个"  # the target as written
    assert row.actual == "2个"  # the actual as the form prints it (its number, then the target's unit)
    read: list[str] = []
    referring = item.model_copy(update={"actual": Reference.model_validate({"引用": "数据.办件量"})})
    row, _ = assess_indicator(
        run, referring, 2023, False, "自评表.0.指标.0", lambda path: read.append(path) or (Decimal("17"), "")
    )
    assert read == ["数据.办件量"]  # a reference has no text of its own: its figure is read
    assert row.actual == "17个"
    assert row.score.origin.inputs[1].path == "自评表.0.指标.0.实际完成值"


def test_a_figure_is_printed_as_written_by_decimals_own_format_without_its_python_format(monkeypatch):
    # the printed forms docs/figures.md gives: no exponent, no trailing zeros beyond the integer part
    figures = [Money("1836.70"), Score("9.60"), Rate("100.00"), Number("8"), Decimal("1E+3"), Decimal("-0.50")]
    expected = ["1836.7", "9.6", "100", "8", "1000", "-0.5"]
    assert [format_number(value) for value in figures] == expected
    monkeypatch.setattr(values._Figure, "__format__", lambda self, spec: pytest.fail("a Python __format__ call"))
    assert [format_number(value) for value in figures] == expected


# LEFTOVERS before it opened each alternative with the character it needs (bench/HISTORY.md, 「Seventh wave」)
_LEFTOVERS_BEFORE = re.compile(
    r"（?根据实际情况(?:去留|填写|删减)）?|此处(?:填写|输入|删除)[^。；，\n]*|请(?:在此)?填写[^。；，\n]*|"
    r"(?<![A-Za-z])(?:XX+|xx+)(?![A-Za-z])|×{2,}|＊{2,}|\[待填\]|【待[填补]】"
)


def test_leftovers_finds_what_it_found_before_in_every_text_of_the_repository_and_in_made_up_ones():
    def found(pattern: re.Pattern[str], text: str) -> list[tuple[tuple[int, int], str]]:
        return [(match.span(), match.group(0)) for match in pattern.finditer(text)]

    texts = [
        path.read_text(encoding="utf-8") for path in (REPO / "content").rglob("*") if path.suffix in (".md", ".yaml")
    ]
    # every piece of the pattern, next to letters, digits, punctuation and line ends, in a fixed random order
    pieces = ["（", "）", "根据实际情况", "去留", "填写", "删减", "此处", "输入", "删除", "请", "在此", "X", "x", "A"]
    pieces += ["z", "×", "＊", "[待填]", "【待", "补", "】", "，", "。", "\n", " ", "1", "项目"]
    chance = random.Random(22)
    texts += ["".join(chance.choice(pieces) for _ in range(chance.randint(0, 12))) for _ in range(20000)]
    texts += [
        "此处填写项目名称",
        "（根据实际情况去留）",
        "XX局",
        "AXX",
        "XXa",
        "xxX",
        "请在此填写，下一句",
        "××年",
        "【待补】",
    ]
    assert all(found(phrasing.LEFTOVERS, text) == found(_LEFTOVERS_BEFORE, text) for text in texts)
    assert sum(bool(found(phrasing.LEFTOVERS, text)) for text in texts) > 1000
    # and the engine looks for the characters its alternatives open with alone (its compiled code opens with a set
    # of them: an alternative opening with a repeat, ×{2,}, had it try every alternative at every character)
    assert opens_with_characters(phrasing.LEFTOVERS)


def opens_with_characters(pattern: re.Pattern[str]) -> bool:
    """Whether the regular expression engine searches for `pattern` by the set of characters it opens with."""
    code = re._compiler._code(re._parser.parse(pattern.pattern, pattern.flags), pattern.flags)  # type: ignore[attr-defined]
    return bool(code[2] & re._constants.SRE_INFO_CHARSET)  # type: ignore[attr-defined]


def test_page_debris_is_looked_for_only_in_texts_with_a_dash_a_di_or_a_slash_which_each_match_holds():
    texts = [
        path.read_text(encoding="utf-8") for path in (REPO / "content").rglob("*") if path.suffix in (".md", ".yaml")
    ]
    pieces = ["-", "—", "–", "－", "第", "页", "共", "/", "1", "12", " ", "\n", "，", "项目", "年"]
    chance = random.Random(22)
    texts += ["".join(chance.choice(pieces) for _ in range(chance.randint(0, 12))) for _ in range(20000)]
    matches = [match.group(0) for text in texts for match in phrasing.PAGE_DEBRIS.finditer(text)]
    assert len(matches) > 40 and all(phrasing.PAGE_DEBRIS_MARK.search(match) for match in matches)
    assert opens_with_characters(phrasing.PAGE_DEBRIS_MARK) and not opens_with_characters(phrasing.PAGE_DEBRIS)


def test_the_grade_pattern_is_made_once_and_still_finds_a_grade_named_in_prose():
    assert phrasing.grade_pattern() is phrasing.grade_pattern()
    found = phrasing.grade_pattern().search("项目评价等次为“优秀”。")
    assert found is not None and (found.group("name"), found.group("grade")) == ("评价等次", "优秀")


# the year patterns before each opened with its first digit (bench/HISTORY.md, 「Seventh wave」)
_BAD_YEAR_BEFORE = re.compile(r"(?<![\d.])(\d{5,})\s*年")
_YEAR_BEFORE = re.compile(r"(?<![\d.\-—~至])((?:19|20)\d{2})\s*年(?!\s*[-—~至])")
_YUAN_BEFORE = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*元")  # and the amounts in 元 (ninth wave)


def test_the_year_and_yuan_patterns_find_what_they_found_before_in_every_text_of_the_repository_and_made_up_ones():
    def found(pattern: re.Pattern[str], text: str) -> list[tuple[tuple[int, int], tuple[str | Any, ...]]]:
        return [(match.span(), match.groups()) for match in pattern.finditer(text)]

    texts = [
        path.read_text(encoding="utf-8") for path in (REPO / "content").rglob("*") if path.suffix in (".md", ".yaml")
    ]
    pieces = [
        "19",
        "20",
        "1",
        "2",
        "0",
        "9",
        "3",
        "2023",
        "20234",
        ".",
        "-",
        "—",
        "~",
        "至",
        "年",
        " ",
        "\n",
        "元",
        "第",
        "元",
        "万",
        "0.5",
    ]
    chance = random.Random(22)
    texts += ["".join(chance.choice(pieces) for _ in range(chance.randint(0, 10))) for _ in range(30000)]
    texts += ["2023年", "20234年", "2019 年至2023年", "1.2023年", "至2030年", "2030年-2035年", "12023年", "1999年"]
    texts += ["2607.82元", "1.5元", "共 300 元", "3.2.100元", "x100元"]
    for now, before in (
        (phrasing.BAD_YEAR, _BAD_YEAR_BEFORE),
        (phrasing.YEAR, _YEAR_BEFORE),
        (phrasing.YUAN, _YUAN_BEFORE),
    ):
        assert all(found(now, text) == found(before, text) for text in texts)
        assert sum(bool(found(now, text)) for text in texts) > 100  # hundreds of the made-up texts hold one


def test_a_text_without_a_digit_is_not_scanned_for_figures_years_amounts_or_page_numbers(monkeypatch):
    site = open_site(REPO)
    source = read_site(site).source("2023/luzhou-zhengti")
    view, _ = assess_in_site(REPO, "2023/luzhou-zhengti")
    texts = [text.text for text in collect_texts(source.report, view.forms, list(markdown_paragraphs(source)))]
    scanned: list[str] = []
    monkeypatch.setattr(phrasing, "PAGE_DEBRIS", _Counted(phrasing.PAGE_DEBRIS, scanned))
    named: list[str] = []  # the texts whose names make a scope's pattern of figure names
    pattern_for = Scope.pattern_for
    monkeypatch.setattr(Scope, "pattern_for", lambda index, texts: named.extend(texts) or pattern_for(index, texts))
    findings = audit_report(source.report, view, source)
    numbered = [text for text in texts if re.search(r"\d", text)]
    assert any(not re.search(r"\d", text) for text in texts)  # the report has texts without a number
    assert sorted(named) == sorted(numbered)  # and only the others were scanned, for page numbers only those with
    assert scanned == [text for text in numbered if phrasing.PAGE_DEBRIS_MARK.search(text)]  # a dash, 第 or a slash
    assert len(scanned) < len(numbered)
    assert [finding.message for finding in findings if finding.rule == "money-unit"] == [
        "金额「2607.82元」以元计，本报告金额以万元计，单位是否应为万元？",
        "金额「2607.85元」以元计，本报告金额以万元计，单位是否应为万元？",
    ]
