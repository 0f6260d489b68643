"""Evaluation reports written the way the documents are (issue 20, points 1–5): indicators listed without points,
stated 完成率, targets as parts, a figure in one place, counting and naming.

Fixture: tests/fixtures/unscored, a third-party 项目绩效评价报告 whose score sheet is an unpublished annex: 20
indicators with target, actual and 完成率, no 分值, and the document's 得分 100. The figures are invented
stand-ins; each expected value has its hand computation next to it.
"""

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, assess_in_site, edit

from jixiao.cli import main
from jixiao.provenance import origin_of

UNSCORED = FIXTURES / "unscored"
REPORT = "content/2024/pingjia/report.yaml"
SECTION = "content/2024/pingjia/01-评价结论.md"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    target = tmp_path / "unscored"
    shutil.copytree(UNSCORED, target)
    return target


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    project = tmp_path_factory.mktemp("unscored") / "project"
    shutil.copytree(UNSCORED, project)
    result = run("build", project, "--no-pdf", "--no-search", "--strict")
    assert result.exit_code == 0, result.output + result.stderr
    return project / "site"


def page_text(built: Path, key: str = "2024/pingjia") -> str:
    """The page's words: tags and the figures' explanations dropped."""
    page = (built / key / "index.html").read_text(encoding="utf-8")
    page = re.sub(r'<span class="why".*?</span>\s*</span>', "", page, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def sheet_data(built: Path) -> dict:
    return json.loads((built / "2024/pingjia/data.json").read_text(encoding="utf-8"))["报告"]


def row(data: dict, name: str) -> dict:
    return next(r for r in data["评分表"]["指标"] if r["三级指标"] == name)


def failing(project: Path) -> str:
    result = run("build", project, "--no-pdf", "--no-search")
    assert result.exit_code == 1, result.output
    return result.stderr


# 1. unscored indicator tables


def test_an_evaluation_lists_its_indicators_without_points_and_shows_the_stated_score(built):
    """Before: every row had to have 分值 (the build failed), and a 总分 was computed from invented points."""
    data = sheet_data(built)
    assert (data["评分表"]["满分"], data["评分表"]["总分"], data["评分表"]["评价等次"]) == (None, None, None)
    assert data["总分"] == "100" and data["评价等次"] == "优"  # as the document states (原表: 得分 100, 优)
    text = page_text(built)
    assert "经评价，该项目得分 100 分，评价等次为“优”。" in text
    # the table: met or not in the document's words, the stated score as stated, no column of points
    assert "培训场次 ≥4场 3场 75% 未达到" in text  # hand: 3 ÷ 4 = 75 % (computed: no trailing zeros)
    assert "评价得分 100，评价等次：优" in text
    assert "分值" not in text and "评价指标评分表" not in text
    # the home page shows the stated score
    assert "总分 100（优）" in page_text(built, ".")


def test_no_grade_is_made_from_nothing(project):
    """A document that states its 得分 but no 等次 gets none: before, 等次 came from a 总分 of invented points."""
    edit(project / REPORT, "原表: {得分: 100, 评价等次: 优}", "原表: {得分: 100}")
    edit(project / SECTION, "，评价等次为“{{ 评价等次 }}”", "")
    assert run("build", project, "--no-pdf", "--no-search").exit_code == 0
    data = sheet_data(project / "site")
    assert data["总分"] == "100" and "评价等次" not in data  # data.json has a report's 等次 only where it has one
    listing = page_text(project / "site", ".")
    assert "总分 100 " in listing and "总分 100（" not in listing
    assert "评价得分 100 " in page_text(project / "site")


def test_points_on_some_rows_only_are_refused(project):
    edit(
        project / REPORT, "{三级指标: 月度发送批次, 指标值: ≥12次,", "{三级指标: 月度发送批次, 分值: 5, 指标值: ≥12次,"
    )
    stderr = failing(project)
    assert "「短信发送量」没有分值，而评分表的其他指标有分值 [schema]" in stderr
    assert "提示: 评分表的指标要么都写 分值，要么都不写（不打分，只判断是否达标）。" in stderr


def test_a_score_without_points_is_refused(project):
    edit(project / REPORT, "实际完成值: 12次}", "实际完成值: 12次, 得分: 5}")
    stderr = failing(project)
    assert "「月度发送批次」没有分值，却写了得分 [schema]" in stderr


# 2. stated 完成率 and stated actuals


def test_a_stated_completion_is_compared_at_its_printed_precision(project):
    # hand: 99.12 ÷ 98 = 101.142857 % → 101.1 at the stated one decimal, against 101.4 stated: a finding;
    #       96.4 ÷ 95 = 101.473684 % → 101.5, as stated (投诉处理及时率): none
    edit(project / REPORT, "原表: {完成率: 101.14%}", "原表: {完成率: 101.4%}")
    result = run("check", project)
    assert "发送成功率 完成率: 原表为 101.4%，按规则计算为 101.1% [stated-differs]" in result.output + result.stderr
    assert "投诉处理及时率" not in result.output + result.stderr


def test_stated_completion_and_actual_are_printed_where_the_author_asks(project):
    edit(
        project / REPORT,
        "  原表: {得分: 100, 评价等次: 优}",
        "  原表: {得分: 100, 评价等次: 优}\n  列: [指标值, 实际完成值, 原表实际完成值, 完成率, 原表完成率, 达标情况]",
    )
    edit(project / REPORT, "实际完成值: 12次}", "实际完成值: 12次, 原表: {实际完成值: 12次, 完成率: 100%}}")
    assert run("build", project, "--no-pdf", "--no-search").exit_code == 0
    text = page_text(project / "site")
    assert "实际完成值（原表） 完成率 完成率（原表） 是否达到" in text
    assert "月度发送批次 ≥12次 12次 12次 100% 100% 达到" in text  # hand: 12 ÷ 12 = 100 %, as 原表 prints it
    assert "短信发送量 ≥25万条 25.8万条 103.20% 103.20% 达到" in text  # 原表: {完成率: 103.20%}, no stated actual


# 3. targets as parts


def test_compact_and_split_targets_give_the_same_parts_and_nothing_is_inserted(built):
    data = sheet_data(built)
    split, compact = row(data, "短信发送量"), row(data, "覆盖缴存职工人数")  # ≥ / 25 / 万条 against ≥12万人
    parts = ("目标值", "单位", "方向", "实际值", "实际单位")
    assert [split[k] for k in parts] == ["25", "万条", "正向", "25.8", "万条"]
    assert [compact[k] for k in parts] == ["12", "万人", "正向", "12.6", "万人"]
    assert (split["目标"], compact["目标"]) == ("≥25万条", "≥12万人")
    # as written: the split 指标值 is the number alone, so {{ 指标值 }}{{ 度量单位 }} prints the unit once
    assert (split["指标值"], split["度量单位"], compact["指标值"], compact["度量单位"]) == (
        "25",
        "万条",
        "≥12万人",
        None,
    )
    # a plain target stays plain (before: ＝14个, ＝100%%)
    assert (row(data, "服务网点数")["目标"], row(data, "信息准确率")["目标"]) == ("14个", "100%")
    assert row(data, "服务网点数")["方向"] == "等于"
    text = page_text(built)
    assert "预期指标是25万条，实际完成25.8万条，完成率103.20%；" in text
    assert "服务网点数目标为14个。" in text and "＝" not in text


# 4. one figure, one place


def test_a_target_and_an_actual_may_be_data_table_cells(project):
    view, findings = assess_in_site(project, "2024/pingjia")
    fee = view.score_sheet.rows["短信服务费"]
    # the cells of 成本 as its table prints them (as written): 15 and 14.28 万元; hand: 14.28 ÷ 15 = 95.2 %
    assert (fee.target, fee.actual, str(fee.completion), fee.met) == ("≤15万元", "14.28万元", "95.2%", True)
    # the 完成率 is computed from the table's very cells: its inputs are theirs, not a second typing
    inputs = [origin.path for origin in origin_of(fee.completion).inputs]
    cells = [origin_of(view.tables["成本"].rows["短信服务费"][c]).path for c in ("决算数", "预算数")]
    assert inputs == cells
    assert not findings


def test_a_target_and_an_actual_may_be_named_figures(project):
    # 数据: the prose states the coverage target and its actual once; the row refers to them
    edit(project / REPORT, "数据表:\n  成本:", "数据:\n  覆盖目标: 12万人\n  覆盖人数: 12.6万人\n数据表:\n  成本:")
    edit(
        project / REPORT,
        "{三级指标: 覆盖缴存职工人数, 指标值: ≥12万人, 实际完成值: 12.6万人,",
        "{三级指标: 覆盖缴存职工人数, 指标性质: ≥, 指标值: {引用: 数据.覆盖目标}, 实际完成值: {引用: 数据.覆盖人数},",
    )
    view, findings = assess_in_site(project, "2024/pingjia")
    row = view.score_sheet.rows["覆盖缴存职工人数"]
    # hand: 12.6 ÷ 12 = 105 %, printed as the document's 原表 105.00%
    assert (row.target, row.actual, str(row.completion), row.met) == ("≥12万人", "12.6万人", "105.00%", True)
    inputs = [origin.path for origin in origin_of(row.completion).inputs]
    assert inputs == ["数据.覆盖人数", "数据.覆盖目标"]  # the named figures themselves, not a second typing
    assert not findings


def test_a_reference_to_a_list_of_names_is_refused(project):
    edit(project / REPORT, "数据表:\n  成本:", "数据:\n  网点: [一网点, 二网点]\n数据表:\n  成本:")
    edit(
        project / REPORT,
        "指标值: 14, 度量单位: 个, 实际完成值: 14个",
        "指标值: 14, 度量单位: 个, 实际完成值: {引用: 数据.网点}",
    )
    stderr = failing(project)
    assert "「服务网点数」引用的「数据.网点」不存在（数据「网点」是名单，不是一个数） [reference]" in stderr


def test_a_reference_to_a_cell_that_does_not_exist_names_it(project):
    edit(project / REPORT, "数据表.成本.平台运维费.预算数", "数据表.成本.平台运维.预算数")
    stderr = failing(project)
    assert (
        "「平台运维费」引用的「数据表.成本.平台运维.预算数」不存在（数据表「成本」没有行「平台运维」） [reference]"
        in stderr
    )
    assert "提示: 写成 {引用: 数据表.表名.行名.列名}" in stderr


# 5. count and name


def test_groups_count_their_rows_and_prose_names_values_once(built):
    data = sheet_data(built)["评分表"]
    # hand: 20 rows; not met: 培训场次 (3 < 4 场) and 单位经办人满意度 (88 % < 90 %)
    assert (data["指标数"], data["达标数"], data["未达标数"]) == (20, 18, 2)
    assert data["未达标指标"] == ["培训场次", "单位经办人满意度"]
    output = next(level for level in data["一级指标"] if level["一级指标"] == "产出")
    assert (output["指标数"], output["达标数"]) == (14, 13)  # hand: 5 数量 + 4 质量 + 2 时效 + 3 成本; 培训场次 not met
    text = page_text(built)
    assert (
        "数量指标共计5个，完成4个。" in text
    )  # {{ 数量.指标数 }} with 简称 数量: 评分表.一级指标["产出"].二级指标["数量指标"]
    assert "全部 20 个指标中，达到 18 个，未达到 2 个（培训场次、单位经办人满意度）。" in text


def test_a_short_name_may_not_hide_a_name_of_the_report(project):
    edit(project / REPORT, "  短信: 评分表", "  总分: 评分表")
    stderr = failing(project)
    assert "简称.总分: 简称「总分」与报告已有的名称重名 [expression]" in stderr
