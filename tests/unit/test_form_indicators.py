"""A 自评表's indicator rows written the way the documents are (issue 20, points 2 and 4 for a form): a target or
an actual that refers to a named figure or a data-table cell instead of typing it again, and the document's
stated 完成率 and actual printed as columns of the form's indicator table.

Fixture: tests/fixtures/minimal, a one-form 自评表 whose rows are 办件量 ≥100 件 / 80 件 (30 分), 运行成本
≤50 万元 / 60 万元 (30 分) and a qualitative row; each expected figure has its hand computation next to it.
"""

import json
import re
from pathlib import Path

import pytest
from conftest import FIXTURES, assess_in_site, edit

from jixiao.parts.registry import LAYOUTS
from jixiao.provenance import origin_of

REPORT = "content/2024/demo/report.yaml"
COSTS = """数据表:
  成本:
    标题: 运行成本
    列: [预算数, 决算数]
    行:
      - {名称: 运行费, 预算数: 50, 决算数: 60}
  执行:
    标题: 预算执行
    列: [金额]
    合计: true
    行:
      - {名称: 执行数, 公式: 自评表.示例项目.全年执行数}
      - {名称: 结余, 金额: 50}
自评表:"""
COST_ROW = "{三级指标: 运行成本, 指标值: ≤50 万元, 实际完成值: 60 万元,"
COUNT_ROW = "{三级指标: 办件量, 指标值: ≥100 件, 实际完成值: 80 件,"


def with_costs(project: Path, target: str, actual: str) -> None:
    """The data tables 成本 (typed cells) and 执行 (a row read from the form), and 运行成本 referring to cells."""
    edit(project / REPORT, "自评表:", COSTS)
    edit(project / REPORT, COST_ROW, f"{{三级指标: 运行成本, 指标性质: ≤, 指标值: {target}, 实际完成值: {actual},")


def failing(project: Path, cli) -> str:
    result = cli("build", project, "--no-pdf", "--no-search")
    assert result.exit_code == 1, result.output
    return result.stderr


def page_text(project: Path) -> str:
    """The built page's words: tags and the figures' explanations dropped."""
    page = (project / "site/2024/demo/index.html").read_text(encoding="utf-8")
    page = re.sub(r'<span class="why".*?</span>\s*</span>', "", page, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


# 4. one figure, one place


def test_a_forms_target_and_actual_may_be_data_table_cells(project, cli):
    with_costs(project, "{引用: 数据表.成本.运行费.预算数}", "{引用: 数据表.成本.运行费.决算数}")
    view, findings = assess_in_site(project, "2024/demo")
    row = view.forms[0].rows["运行成本"]
    # the cells as the table prints them (typed: 50 and 60 万元); hand: 60 ÷ 50 = 120 %;
    # ≤: 30 × (1 − (60 − 50) ÷ 50) = 24, as with the typed ≤50 万元 / 60 万元
    assert (row.target, row.actual, str(row.completion), str(row.score), row.met) == (
        "≤50万元",
        "60万元",
        "120%",
        "24",
        False,
    )
    # the 完成率 is computed from the cells themselves: its inputs are the cells' origins, not a second typing
    inputs = [origin.path for origin in origin_of(row.completion).inputs]
    assert inputs == ["数据表.成本.行.0.决算数", "数据表.成本.行.0.预算数"]
    assert inputs == [origin_of(view.tables["成本"].rows["运行费"][c]).path for c in ("决算数", "预算数")]
    # the data table that reads the form is still computed from it, after it: 150 (the form's 全年执行数) + 50
    assert str(view.tables["执行"].total["金额"]) == "200"
    assert not [f for f in findings if f.rule == "reference"]
    assert cli("build", project, "--no-pdf", "--no-search").exit_code == 0
    assert "运行成本 ≤50万元 60万元 30 24 设备涨价" in page_text(project)
    data = json.loads((project / "site/2024/demo/data.json").read_text(encoding="utf-8"))
    printed = next(r for r in data["报告"]["自评表"][0]["指标"] if r["三级指标"] == "运行成本")
    assert (printed["指标值"], printed["实际完成值"], printed["完成率"]) == ("50万元", "60万元", "120%")
    # data.json's 来源: the 完成率 is taken from the cells, each with its own line
    sources = data["来源"]
    assert sources["自评表.0.指标.1.完成率"]["取自"] == ["数据表.成本.行.0.决算数", "数据表.成本.行.0.预算数"]
    assert sources["数据表.成本.行.0.决算数"]["位置"] == "content/2024/demo/report.yaml:11"


def test_a_forms_target_and_actual_may_be_named_figures(project):
    edit(project / REPORT, "自评表:", "数据:\n  办件目标: 100件\n  办件数: 80件\n自评表:")
    edit(
        project / REPORT,
        COUNT_ROW,
        "{三级指标: 办件量, 指标性质: ≥, 指标值: {引用: 数据.办件目标}, 实际完成值: {引用: 数据.办件数},",
    )
    view, _ = assess_in_site(project, "2024/demo")
    row = view.forms[0].rows["办件量"]
    # hand: 80 ÷ 100 = 80 %; ≥: 30 × 80 ÷ 100 = 24
    assert (row.target, row.actual, str(row.completion), str(row.score)) == ("≥100件", "80件", "80%", "24")
    assert [origin.path for origin in origin_of(row.completion).inputs] == ["数据.办件数", "数据.办件目标"]


def test_a_wrong_unit_of_a_referred_figure_says_where_it_was_written(project, cli):
    """The unit is wrong in 数据, not on the row the error points at: the message names the figure to correct."""
    edit(project / REPORT, "自评表:", "数据:\n  办件目标: 100件\n  办件数: 80万元\n自评表:")
    edit(
        project / REPORT,
        COUNT_ROW,
        "{三级指标: 办件量, 指标性质: ≥, 指标值: {引用: 数据.办件目标}, 实际完成值: {引用: 数据.办件数},",
    )
    stderr = failing(project, cli)
    assert (
        "完成值单位「万元」与指标值「≥100件」的单位「件」不一致，不能评分"
        "（指标值取自 数据.办件目标，完成值取自 数据.办件数） [unit-mismatch]" in stderr
    )


def test_a_reference_to_a_missing_cell_names_what_is_missing(project, cli):
    with_costs(project, "{引用: 数据表.成本.运行费.预算数}", "{引用: 数据表.成本.运行.决算数}")
    stderr = failing(project, cli)
    assert (
        "实际完成值: 「运行成本」引用的「数据表.成本.运行.决算数」不存在（数据表「成本」没有行「运行」） [reference]"
        in stderr
    )
    assert "提示: 写成 {引用: 数据表.表名.行名.列名}" in stderr


def test_a_reference_to_the_total_of_a_table_without_one_says_how_to_add_it(project, cli):
    """成本 has no 合计: true, so 数据表.成本.合计.决算数 names no cell; the message says why, not only 没有行."""
    with_costs(project, "{引用: 数据表.成本.运行费.预算数}", "{引用: 数据表.成本.合计.决算数}")
    stderr = failing(project, cli)
    assert (
        "引用的「数据表.成本.合计.决算数」不存在（数据表「成本」没有合计行，表上写 合计: true 才有） [reference]"
        in stderr
    )


@pytest.mark.parametrize("cell", ["数据表.执行.执行数.金额", "数据表.执行.合计.金额"])
def test_a_reference_to_a_cell_computed_from_the_form_is_circular(project, cli, cell):
    """执行.执行数 reads the form's 全年执行数, and 执行's 合计 reads 执行数: neither can be the form's figure; the
    error is at the reference, with what to do, and the data table's own figures are not reported."""
    with_costs(project, "50", f"{{引用: {cell}}}")
    stderr = failing(project, cli)
    assert (
        f"实际完成值: 「运行成本」引用的「{cell}」由自评表的数算出，自评表不能再引用它（循环引用） [reference]"
        in stderr
    )
    assert "提示: 自评表先于数据表计算，而这个单元格要用自评表的数" in stderr
    assert "自评表尚未计算" not in stderr
    assert stderr.count("error:") == 1


def test_a_reference_to_something_else_is_refused(project, cli):
    edit(project / REPORT, COUNT_ROW, "{三级指标: 办件量, 指标值: ≥100 件, 实际完成值: {引用: 自评表.示例项目.执行率},")
    stderr = failing(project, cli)
    assert (
        "「办件量」引用的「自评表.示例项目.执行率」不存在（「自评表」不是可引用的来源，可用 数据表、数据） [reference]"
        in stderr
    )


# 2. a stated 完成率 and actual shown in the form's indicator table

COLUMNS = "    指标列: [指标值, 实际完成值, 完成率, 原表完成率, 原表实际完成值, 分值, 得分, 偏差原因]\n    绩效指标:"
STATED = "实际完成值: 80 件, 原表: {完成率: 80.00%, 实际完成值: 80件},"


def starts(row) -> list[tuple[str, int]]:
    """Each cell of a footer row (no label of a row above spans it) with the column it starts at."""
    at, found = 0, []
    for cell in row.cells:
        found.append((cell.text, at))
        at += cell.colspan
    return found


def test_a_forms_indicator_table_prints_the_columns_its_author_chooses(project, cli):
    edit(project / REPORT, "    绩效指标:", COLUMNS)
    edit(project / REPORT, "实际完成值: 80 件,", STATED)
    assert cli("build", project, "--no-pdf", "--no-search", "--strict").exit_code == 0
    text = page_text(project)
    heads = "年度指标值 实际完成值 完成率 完成率（原表） 实际完成值（原表） 分值 得分 偏差原因分析及改进措施"
    assert heads in text
    # hand: 80 ÷ 100 = 80 %, printed as the 原表 prints it (80.00%); ≥: 30 × 80 ÷ 100 = 24
    assert "办件量 ≥100 件 80件 80.00% 80.00% 80件 30 24 需求少于预期" in text
    # a row without 原表 leaves those cells blank: 运行成本 60 ÷ 50 = 120 %; ≤: 30 × (1 − 10 ÷ 50) = 24;
    # a qualitative row has no 完成率 (—): 良 is 80 % of 30 = 24
    assert "运行成本 ≤50 万元 60万元 120% 30 24 设备涨价" in text
    assert "按时完成 按季度完成 良 — 30 24 个别季度延迟 总分 100 79.50 评价等次：中" in text


def test_the_forms_total_stays_under_its_points_and_score_columns(project):
    from jixiao.parts.form.layout import form_indicators, lay_out_indicators

    edit(project / REPORT, "    绩效指标:", COLUMNS)
    view, _ = assess_in_site(project, "2024/demo")
    form = view.forms[0]
    # 分值 is the 6th column after 三级指标: the levels and 5 columns before it, so it starts at column 3 + 5 = 8;
    # hand: 总分 = 7.50 (10 × 150 ÷ 200) + 24 + 24 + 24 (良: 30 × 80 %) = 79.50, 中 (60 ≤ 79.50 < 80)
    total = form_indicators(form).sections[-1].rows[0]
    assert starts(total) == [("总分", 0), ("100", 8), ("79.50", 9), ("评价等次：中", 10)]
    assert sum(cell.colspan for cell in total.cells) == 3 + 8
    indicators = lay_out_indicators(form).sections[-1].rows[0]
    assert starts(indicators) == [("合计", 0), ("90", 8), ("72", 9), ("", 10)]


def test_without_points_and_score_side_by_side_the_total_is_a_line(project):
    from jixiao.parts.form.layout import form_indicators

    edit(project / REPORT, "    绩效指标:", "    指标列: [指标值, 实际完成值, 得分, 完成率]\n    绩效指标:")
    view, _ = assess_in_site(project, "2024/demo")
    total = form_indicators(view.forms[0]).sections[-1].rows[0]
    assert starts(total) == [("总分 79.50，评价等次：中", 0)] and total.cells[0].colspan == 3 + 4


def test_a_forms_stated_completion_is_compared(project, cli):
    # hand: 80 ÷ 100 = 80 %, against 81% stated at no decimals: a finding
    edit(project / REPORT, "实际完成值: 80 件,", "实际完成值: 80 件, 原表: {完成率: 81%},")
    result = cli("check", project)
    assert "办件量 完成率: 原表为 81%，按规则计算为 80% [stated-differs]" in result.output + result.stderr


def test_the_score_sheets_level_totals_stand_under_its_points_and_score():
    """Before, the 评分表's 分值 and 得分 totals stood one column to the left, under 实际完成值 and 分值."""
    view, _ = assess_in_site(FIXTURES / "model", "2024/pingjia")
    sheet = LAYOUTS["评分表"](view)
    heads = [cell.text for cell in sheet.sections[0].rows[0].cells]
    assert heads.index("分值") == 5
    # the model fixture's 决策 weighs 20 (its report type) and scores 17.50; 总分 95.98, 优 (≥ 90)
    rows = sheet.sections[-1].rows
    assert starts(rows[0]) == [("决策（权重 20）", 0), ("20", 5), ("17.50", 6), ("", 7)]
    assert starts(rows[-1]) == [("总分", 0), ("100", 5), ("95.98", 6), ("评价等次：优", 7)]
