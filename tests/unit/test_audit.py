"""Stage: the audit rules of `jixiao check` on seed-like text — each rule with several phrasings and a
fixture where the figure is right (no finding).

The fixture project (tests/fixtures/minimal) computes: 执行率 150 ÷ 200 = 75.00 %, 预算执行得分 7.5,
rows 24 + 24 + 24 = 72, 总分 79.50, 等次 中. The 两年 fixture: 收入总计 2100.00 万元 (+100.00, +5.00 %).
"""

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES

from jixiao.cli import main

SECTION = "content/2024/demo/01-概况.md"
REPORT = "content/2024/demo/report.yaml"


def check(project: Path) -> list[str]:
    output = CliRunner().invoke(main, ["check", str(project)], catch_exceptions=False).output
    return [line for line in output.splitlines() if "warning:" in line or "note:" in line or "error:" in line]


def append(project: Path, name: str, text: str) -> None:
    path = project / name
    path.write_text(path.read_text(encoding="utf-8") + "\n" + text + "\n", encoding="utf-8")


def replace(project: Path, name: str, old: str, new: str) -> None:
    path = project / name
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def rules(lines: list[str]) -> list[str]:
    return [line.rsplit("[", 1)[1].rstrip("]") for line in lines]


NARRATIVE = [
    # (prose, the finding's words, or None when the figure is right)
    ("项目执行率为99.5%。", "文中写「执行率为99.5%」，按数据为 执行率 75%"),
    ("预算执行率达到 80%。", "文中写「预算执行率达到 80%」"),
    ("该项目自评总分为96.91分。", "文中写「自评总分为96.91分」，按数据为 总分 79.50"),
    ("项目得分为100分。", "文中写「项目得分为100分」"),
    ("评价得分100分。", "文中写「评价得分100分」"),
    ("预算执行得分 8 分。", "文中写「预算执行得分 8 分」"),
    ("全年执行数 160 万元。", "文中写「全年执行数 160 万元」，按数据为 全年执行数 150万元"),
    ("全年执行数 1600000 元。", "文中写「全年执行数 1600000 元」"),  # 160 万元
    ("评价等次为良。", "文中写「评价等次为良」，按规则评价等次为 中"),
    # right figures, in other words and units: no finding
    ("执行率为75%，总分79.5分，评价等次为中。", None),
    ("全年执行数 1500000 元，预算执行率约 75%。", None),
    ("全年预算数200万元。", None),
    # a row's 分值 and 得分, as the form prints them (办件量 30 × 80/100 = 24, 运行成本 30 × (1 − 10/50) = 24), not the
    # 总分: before, 「得分24分」 was read as the 总分 79.50
    ("办件量得分24分，运行成本的得分为24分。", None),
    ("办件量分值30分。", None),
    ("办件量得分20分。", '文中写「办件量得分20分」，按数据为 得分 24；可改写为 {{ 自评表[0].指标["办件量"].得分 }}'),
    (
        "运行成本分值为 40 分。",
        '文中写「运行成本分值为 40 分」，按数据为 分值 30；可改写为 {{ 自评表[0].指标["运行成本"].分值 }}',
    ),
]


@pytest.mark.parametrize("prose, message", NARRATIVE, ids=[p for p, _ in NARRATIVE])
def test_narrative_number(project, prose, message):
    append(project, SECTION, prose)
    found = [line for line in check(project) if "[narrative-number]" in line]
    if message is None:
        assert not found
    else:
        assert len(found) == 1 and message in found[0] and "{{ " in found[0], found


@pytest.fixture
def two_years(tmp_path: Path) -> Path:
    project = tmp_path / "two"
    shutil.copytree(FIXTURES / "two-years", project)
    return project


TABLE_PROSE = [
    ("2023年收入总计2200.00万元。", "文中写「收入总计2200.00万元」，按数据为 本年 2100.00万元、上年 2000.00万元"),
    ("与上年相比，收入总计增加8.70万元。", "文中写「收入总计增加8.70万元」"),
    ("支出总计下降2.8%。", "文中写「支出总计下降2.8%」"),
    ("基本支出1200万元，占比57.14%。", "文中写「基本支出1200万元」"),
    # right: the 本年, the change, the decrease in absolute terms, the share
    ("收入总计2100.00万元，增加100.00万元，增长5.00%；支出总计减少50.00万元，下降2.78%。", None),
    ("基本支出1000万元，占57.14%。", None),
]


@pytest.mark.parametrize("prose, message", TABLE_PROSE, ids=[p for p, _ in TABLE_PROSE])
def test_narrative_number_against_data_tables(two_years, prose, message):
    append(two_years, "content/2023/juesuan/01-说明.md", prose)
    found = [line for line in check(two_years) if "[narrative-number]" in line]
    if message is None:
        assert not found, found
    else:
        assert len(found) == 1 and message in found[0], found


def test_a_whole_projects_figure_given_as_one_lines_is_named(two_years):
    append(two_years, "content/2023/juesuan/01-说明.md", "其中基本支出1750.00万元。")
    found = [line for line in check(two_years) if "[narrative-number]" in line]
    assert len(found) == 1 and "这是支出决算结构「合计」金额的数" in found[0], found


VERDICTS = [
    # (row's 偏差原因 of the met cost row 运行成本 ≤50 万元 when the actual is 40 万元, expected words)
    ("成本未达到预期目标", "文字说「未达到」"),
    ("该指标未完成", "文字说「未完成」"),
    ("成本控制没有完成", "文字说「没有完成」"),
    ("成本控制在预算以内", None),
]


@pytest.mark.parametrize("reason, message", VERDICTS, ids=[r for r, _ in VERDICTS])
def test_verdict_contradicts_on_a_met_row(project, reason, message):
    replace(
        project,
        REPORT,
        "实际完成值: 60 万元, 分值: 30, 偏差原因分析及改进措施: 设备涨价",
        f"实际完成值: 40 万元, 分值: 30, 偏差原因分析及改进措施: {reason}",
    )
    found = [line for line in check(project) if "[verdict-contradicts]" in line]
    if message is None:
        assert not found
    else:
        assert len(found) == 1 and message in found[0] and "该指标已达标" in found[0], found


@pytest.mark.parametrize(
    "prose, message",
    [
        ("办件量指标已完成。", "文字说「已完成」"),  # 80 of ≥100 件: not met
        ("办件量全部完成。", "文字说「全部完成」"),
        ("办件量已达到目标。", "文字说「已达到」"),
        ("办件量未完成，主要因为需求少于预期。", None),
    ],
)
def test_verdict_contradicts_in_prose_naming_an_unmet_indicator(project, prose, message):
    append(project, SECTION, prose)
    found = [line for line in check(project) if "[verdict-contradicts]" in line]
    if message is None:
        assert not found
    else:
        assert len(found) == 1 and message in found[0] and "未达标（得分 24，满分 30）" in found[0], found


def test_cross_total_between_a_form_and_a_table(project):
    replace(
        project,
        REPORT,
        "日期: 2025-03-31\n",
        "日期: 2025-03-31\n数据表:\n  资金:\n    标题: 项目资金\n"
        "    列: [全年预算数, 全年执行数]\n    行:\n      - {名称: 示例项目, 全年预算数: 200, 全年执行数: 155}\n",
    )
    found = [line for line in check(project) if "[cross-total]" in line]
    assert len(found) == 1 and "项目资金「示例项目」全年执行数 155 与自评表的全年执行数 150 不一致" in found[0]


def test_cross_total_between_two_tables(two_years):
    append(
        two_years,
        "content/2023/juesuan/report.yaml",
        "  明细:\n    标题: 支出明细\n    列: [金额]\n    行:\n      - {名称: 基本支出, 金额: 990.00}",
    )
    found = [line for line in check(two_years) if "[cross-total]" in line]
    assert len(found) == 1 and "「基本支出」金额: 支出明细为 990.00，支出决算结构为 1000.00" in found[0]


def test_parts_that_add_up_to_more_than_the_whole_suggest_double_counting(project):
    replace(
        project,
        REPORT,
        "      分值: 10\n",
        "      其中:\n        - {名称: 当年财政拨款, 年初预算数: 200, 全年预算数: 200,"
        " 全年执行数: 150}\n        - {名称: 上年结转资金, 年初预算数: 0, 全年预算数: 0, 全年执行数: 12}\n      分值: 10\n",
    )
    found = [line for line in check(project) if "[parts-sum]" in line]
    assert (
        len(found) == 1 and "全年执行数 其中合计 162 ≠ 总额 150，各项之和超过总额，是否有一项被重复计算？" in found[0]
    )


@pytest.mark.parametrize(
    "prose, finding",
    [
        ("本项目（根据实际情况去留）已完成。", "「（根据实际情况去留）」像是模板中留下的提示文字"),
        ("负责人：XX。", "「XX」像是模板中留下的提示文字"),
        ("联系电话××。", "「××」像是模板中留下的提示文字"),
        ("此处填写项目概况", "「此处填写项目概况」像是模板中留下的提示文字"),
        ("面积 3×5 米，型号 XXL 之外。", None),
    ],
)
def test_leftover(project, prose, finding):
    append(project, SECTION, prose)
    found = [line for line in check(project) if "[leftover]" in line]
    assert (found and finding in found[0]) if finding else not found, found


@pytest.mark.parametrize(
    "prose, finding",
    [
        ("- 13 -", "「- 13 -」像是从 PDF 复制来的页码"),
        ("— 3 —", "「— 3 —」像是从 PDF 复制来的页码"),
        ("正文。第 3 页 共 12 页", "「第 3 页 共 12 页」像是从 PDF 复制来的页码"),
        ("2023-2026年信息系统运维服务。", None),
    ],
)
def test_page_debris(project, prose, finding):
    append(project, SECTION, prose)
    found = [line for line in check(project) if "[page-debris]" in line]
    assert (found and finding in found[0]) if finding else not found, found


@pytest.mark.parametrize(
    "prose, flagged",
    [
        ("全年支出2607.82元。", True),
        ("项目资金3.24。", True),
        ("项目资金 3.24 亿元，结余 5.68 万元。", False),  # a space before the unit is still a unit
        ("全年支出 98 元。", False),
    ],
)
def test_money_unit(project, prose, flagged):
    append(project, SECTION, prose)
    assert bool([line for line in check(project) if "[money-unit]" in line]) is flagged


def test_a_stated_actual_that_differs_from_the_scored_one(project):
    replace(project, REPORT, "实际完成值: 80 件, 分值: 30,", "实际完成值: 80 件, 原表: {实际完成值: 85 件}, 分值: 30,")
    found = [line for line in check(project) if "[stated-differs]" in line]
    assert len(found) == 1 and "办件量 实际完成值: 原表为 85件，计分所用为 80件" in found[0]


def test_every_warning_shows_its_line_and_what_to_do(project):
    append(project, SECTION, "项目执行率为99.5%。")
    output = CliRunner().invoke(main, ["check", str(project)], catch_exceptions=False).output.splitlines()
    index = next(i for i, line in enumerate(output) if "[narrative-number]" in line)
    assert output[index + 1].strip() == "项目执行率为99.5%。"  # the offending line
    assert output[index + 2].startswith("  提示: 把数字换成 {{ }} 表达式")


SERVICE_FEES = ["网厅托管", "驻场人员", "系统优化", "数据接口", "短信服务", "线路租用", "CA 维护", "档案加工"]


def fee_table(key: str, title: str, amounts: list[str]) -> str:
    rows = "".join(f"      - {{名称: {name}, 金额: {amount}}}\n" for name, amount in zip(SERVICE_FEES, amounts))
    return f"  {key}:\n    标题: {title}\n    列: [金额]\n    行:\n{rows}"


def test_same_named_rows_of_this_years_fees_and_last_years_carried_over_fees_are_not_the_same_money(two_years):
    # 8 rows of the same names: this year's fees 10, 11 … 17 and last year's carried-over fees 1, 2 … 8 differ
    # row by row (10 ≠ 1 …), which is no slip: different money. Before: 8 cross-total warnings.
    append(
        two_years,
        "content/2023/juesuan/report.yaml",
        fee_table("服务费", "2023年服务费支出", [str(10 + i) for i in range(8)])
        + fee_table("结转", "上年结转服务费", [str(1 + i) for i in range(8)]),
    )
    assert [line for line in check(two_years) if "[cross-total]" in line] == []


def test_same_named_rows_of_the_same_year_that_differ_are_still_flagged(two_years):
    # the same 8 fees in two tables of this year: 网厅托管 is 10 in one and 12 in the other (12 − 10 = 2), the other
    # seven agree (11 … 17 both) — one warning, each figure printed as written (12, not 12.00)
    # seven agree (11 … 17 both) — one warning
    amounts = [str(10 + i) for i in range(8)]
    append(
        two_years,
        "content/2023/juesuan/report.yaml",
        fee_table("服务费", "2023年服务费支出", amounts) + fee_table("合同", "本年服务合同", ["12", *amounts[1:]]),
    )
    found = [line for line in check(two_years) if "[cross-total]" in line]
    assert len(found) == 1 and "「网厅托管」金额: 本年服务合同为 12，2023年服务费支出为 10" in found[0], found


def with_table(project: Path, table: str) -> None:
    """A data table in the demo report (its figures in 万元, the site's default unit)."""
    replace(project, REPORT, "日期: 2025-03-31\n", f"日期: 2025-03-31\n数据表:\n{table}")


PAYMENTS = (
    "  效益:\n    标题: 效益资金\n    列: [金额]\n    行:\n      - {名称: 上缴城市廉租住房建设补充资金, 金额: 120.50}\n"
)


@pytest.mark.parametrize(
    "prose", ["上缴财政城市廉租住房建设补充资金120.50万元。", "上缴城市廉租住房建设补充120.50万元。"]
)
def test_prose_naming_a_row_by_a_near_name_agrees(project, prose):
    with_table(project, PAYMENTS)
    append(project, SECTION, prose)
    assert rules(check(project)) == []


@pytest.mark.parametrize(
    "prose", ["上缴财政城市廉租住房建设补充资金125.50万元。", "上缴城市廉租住房建设补充125.50万元。"]
)
def test_a_wrong_figure_under_a_near_name_is_found_with_the_name_it_matched(project, prose):
    # the row holds 120.50 万元; 125.50 is 5.00 more — before, the longer or shorter name was not compared at all
    with_table(project, PAYMENTS)
    append(project, SECTION, prose)
    (found,) = [line for line in check(project) if "[narrative-number]" in line]
    assert "按数据为 「上缴城市廉租住房建设补充资金」金额 120.50万元" in found, found
    assert "{{ 数据表.效益.行.上缴城市廉租住房建设补充资金.金额 }}" in found


SPENDING = (
    "  决算:\n    标题: 项目收支\n    列: [预算数, 支出]\n    行:\n      - {名称: 项目支出, 预算数: 300, 支出: 280}\n"
)


def test_the_right_spending_figure_is_not_reported(project):
    with_table(project, SPENDING)
    append(project, SECTION, "项目支出280万元。")
    assert rules(check(project)) == []


def test_a_wrong_spending_figure_is_offered_the_spending_expression(project):
    # 项目支出 285 万元 against the row's 支出 280 (and 预算数 300): the sentence is about 支出, so its expression
    with_table(project, SPENDING)
    append(project, SECTION, "项目支出285万元。")
    (found,) = [line for line in check(project) if "[narrative-number]" in line]
    assert "按数据为 支出 280万元、预算数 300万元" in found, found  # as written
    assert "可改写为 {{ 数据表.决算.行.项目支出.支出 }}" in found


@pytest.mark.parametrize("prose", ["办件量完成率80%。", "办件量的完成率为80.00%。", "办件量达成80%。"])
def test_an_indicators_completion_stated_in_prose_agrees(project, prose):
    # 办件量: 实际 80 件 ÷ 指标值 100 件 = 80.00 %
    append(project, SECTION, prose)
    assert rules(check(project)) == []


@pytest.mark.parametrize(
    "prose, written", [("办件量完成率96.40%。", "办件量完成率96.40%"), ("办件量达成100%。", "办件量达成100%")]
)
def test_a_wrong_completion_stated_in_prose_is_found(project, prose, written):
    # 80 ÷ 100 = 80.00 %, not 96.40 % nor 100 % — before, neither was compared
    append(project, SECTION, prose)
    (found,) = [line for line in check(project) if "[narrative-number]" in line]
    assert f"文中写「{written}」，按数据为 完成率 80%" in found, found  # 80 ÷ 100, computed: no trailing zeros
    assert '可改写为 {{ 自评表[0].指标["办件量"].完成率 }}' in found


def linked_fees(carried: str, link: str = "服务费.网厅托管") -> str:
    """This year's fees and last year's carried-over fees, where 驻场结转 (last year's table, another name) is declared
    the same money as this year's 网厅托管 row."""
    return (
        fee_table("服务费", "2023年服务费支出", [str(10 + i) for i in range(8)])
        + "  结转:\n    标题: 上年结转服务费\n    列: [金额]\n    行:\n"
        + f"      - {{名称: 驻场结转, 金额: {carried}, 同一笔钱: {link}}}\n"
    )


def test_rows_linked_as_the_same_money_that_agree_give_no_finding(two_years):
    # 驻场结转 10 is 网厅托管 10 (the first fee, 10 + 0): the same money, equal — no finding
    append(two_years, "content/2023/juesuan/report.yaml", linked_fees("10"))
    assert [line for line in check(two_years) if "error:" in line or "[cross-total]" in line] == []


def test_rows_linked_as_the_same_money_are_compared_whatever_their_names_and_years(two_years):
    # 驻场结转 13 against 网厅托管 10 (10 + 0): different names, a 上年 table against a 本年 one — before, never compared
    append(two_years, "content/2023/juesuan/report.yaml", linked_fees("13"))
    (found,) = [line for line in check(two_years) if "[cross-total]" in line]
    assert "「驻场结转」金额: 上年结转服务费为 13，同一笔钱2023年服务费支出「网厅托管」为 10" in found, found


def test_a_link_to_no_row_is_an_error_at_its_line(two_years):
    append(two_years, "content/2023/juesuan/report.yaml", linked_fees("10", "服务费.网厅拖管"))
    output = CliRunner().invoke(main, ["check", str(two_years)]).output
    assert "error: 数据表.结转.行.驻场结转.同一笔钱: 同一笔钱「服务费.网厅拖管」不是本报告另一张数据表的行" in output
    assert "提示: 是否想写「服务费.网厅托管」" in output


ALIASED = (
    "  决算:\n    标题: 项目收支\n    列: [预算数, 支出]\n    行:\n"
    "      - {名称: 项目支出, 预算数: 300, 支出: 280, 别名: [项目资金预算安排]}\n"
)


def test_prose_naming_a_row_by_its_alias_agrees(project):
    # the document calls the row 项目支出 "项目资金预算安排"; its 预算数 is 300 万元
    with_table(project, ALIASED)
    append(project, SECTION, "项目资金预算安排300万元。")
    assert rules(check(project)) == []


def test_a_wrong_figure_under_an_alias_is_found_with_the_row_it_matched(project):
    # 项目资金预算安排 320 万元 against the row 项目支出 (预算数 300, 支出 280): 320 is neither — before, the alias was
    # not a near name of 项目支出, so the figure was never compared
    with_table(project, ALIASED)
    append(project, SECTION, "项目资金预算安排320万元。")
    (found,) = [line for line in check(project) if "[narrative-number]" in line]
    assert "文中写「项目资金预算安排320万元」，按数据为 「项目支出」" in found, found
    assert "预算数 300万元" in found


def test_a_link_to_a_table_with_no_column_in_common_is_an_error(two_years):
    # 支出结构 (列 金额) linked to 收支总计 (列 本年, 上年): no number column to compare
    replace(
        two_years,
        "content/2023/juesuan/report.yaml",
        "{名称: 项目支出, 金额: 500.00}",
        "{名称: 项目支出, 金额: 500.00, 同一笔钱: 收支总计.支出总计}",
    )
    output = CliRunner().invoke(main, ["check", str(two_years)]).output
    assert "同一笔钱「收支总计.支出总计」: 两张表没有同名的数字列，无从比较" in output, output
    assert "提示: 两张表要有同名的数字列（本表: 金额）。" in output
