"""Stage: units per row (issue 19 point 3) — a 度量单位 text column is each row's real unit, for the audit and
data.json, converted within a dimension (亿元/万元/元, 万人/人, 万笔/笔); a figure whose unit is not its table's prints
it, in prose and where nothing in the table says it; counts of a table's rows are checked (point 4). Invented
stand-ins of the shapes the issue names: a 度量单位 column of 亿元/万人/万笔/个 rows, a column of 万人 in a 万元 table, a
row of 个 in a 万元 table, and a table of names that prose counts."""

import json
import re
import shutil

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, assess_in_site, built_manual_example, edit, page_text

from jixiao.cli import main
from jixiao.directives import unit_typed_again
from jixiao.parts.data_table.units import by_column

REPORT = "content/2023/juesuan/report.yaml"
SECTION = "content/2023/juesuan/01-说明.md"
# invented stand-ins: a table of mixed units, as the 泸州 example's 度量单位 column
TABLE = """  业务指标:
    标题: 主要业务指标
    列: [本年]
    文字列: [度量单位]
    行:
      - {名称: 增值收益, 本年: 2.86, 度量单位: 亿元}
      - {名称: 缴存职工, 本年: 28.28, 度量单位: 万人}
      - {名称: 提取笔数, 本年: 10.5, 度量单位: 万笔}
      - {名称: 服务网点, 本年: 12, 度量单位: 个}
  网点经费:
    标题: 网点经费
    单位: 万元
    列: [金额, {名称: 服务人数, 单位: 万人}]
    行:
      - {名称: 城区网点, 金额: 120.5, 服务人数: 20}
      - {名称: 自助终端, 金额: 6, 度量单位: 个}
  内设科室:
    标题: 内设科室
    行: [综合科, 财务科, 归集科, 信贷科, 稽核科]
"""


@pytest.fixture
def project(tmp_path):
    target = tmp_path / "p"
    shutil.copytree(FIXTURES / "two-years", target)
    report = target / REPORT
    report.write_text(report.read_text(encoding="utf-8") + TABLE, encoding="utf-8")
    return target


def narrative(project, prose: str) -> list[str]:
    path = project / SECTION
    path.write_text(path.read_text(encoding="utf-8") + "\n" + prose + "\n", encoding="utf-8")
    output = CliRunner().invoke(main, ["check", str(project)]).output
    return [line for line in output.splitlines() if "[narrative-number]" in line]


@pytest.mark.parametrize(
    "right, wrong",
    [
        ("增值收益2.86亿元。", "增值收益2.96亿元。"),
        ("增值收益28600万元。", "增值收益28000万元。"),  # hand: 2.86 亿元 × 10⁸ ÷ 10⁴ = 28600 万元
        ("缴存职工282800人。", "缴存职工280000人。"),  # hand: 28.28 万人 × 10⁴ = 282800 人
        ("提取笔数105000笔。", "提取笔数150000笔。"),  # hand: 10.5 万笔 × 10⁴ = 105000 笔
    ],
)
def test_a_rows_own_unit_is_compared_and_converted(project, right, wrong):
    assert narrative(project, right) == []
    found = narrative(project, wrong)
    assert len(found) == 1 and f"文中写「{wrong.rstrip('。')}」" in found[0]


def test_data_json_does_not_give_rows_with_their_own_unit_the_sites_default(project):
    assert CliRunner().invoke(main, ["build", str(project), "--no-pdf", "--no-search"]).exit_code == 0
    data = json.loads((project / "site/2023/juesuan/data.json").read_text(encoding="utf-8"))
    table = data["报告"]["数据表"]["业务指标"]
    assert table["单位"] is None  # before: 万元, the site's default, for a table of 亿元, 万人 and 万笔
    assert [(row["本年"], row["度量单位"]) for row in table["行"]] == [
        ("2.86", "亿元"),
        ("28.28", "万人"),
        ("10.5", "万笔"),
        ("12", "个"),
    ]


def write(project, prose: str) -> None:
    path = project / SECTION
    path.write_text(path.read_text(encoding="utf-8") + "\n" + prose + "\n", encoding="utf-8")


def check(project, rule: str) -> list[str]:
    output = CliRunner().invoke(main, ["check", str(project)]).output
    return [line for line in output.splitlines() if f"[{rule}]" in line]


def built(project) -> str:
    result = CliRunner().invoke(main, ["build", str(project), "--no-pdf", "--no-search", "--no-office"])
    assert result.exit_code == 0, result.output
    return (project / "site/2023/juesuan/index.html").read_text(encoding="utf-8")


def table_html(page: str, title: str) -> str:
    """The table titled `title`, from its heading (and the unit printed above it) or its caption on."""
    return re.search(rf"<(?:h2|caption)[^>]*>表\d+ {title}.*?</table>", page, re.S).group(0)


def cells(table: str) -> list[str]:
    return [re.sub(r"<[^>]+>|\s", "", c) for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", table, re.S)]


def test_prose_prints_a_figure_with_its_own_unit_and_值_the_bare_number(project):
    """Before: 2.86, 28.28, 12, 20 and 6 with no unit, so the prose had to type 亿元, 万人, 个 itself (and a 万人 figure
    typed 万元 went unnoticed)."""
    write(
        project,
        "增值收益{{ 数据表.业务指标.行.增值收益.本年 }}，缴存职工{{ 数据表.业务指标.行.缴存职工.本年 }}，"
        "服务网点{{ 数据表.业务指标.行.服务网点.本年 }}；城区网点服务{{ 数据表.网点经费.行.城区网点.服务人数 }}，"
        "经费{{ 数据表.网点经费.行.城区网点.金额 }}万元，自助终端{{ 数据表.网点经费.行.自助终端.金额 }}。"
        "增值收益为 {{ 数据表.业务指标.行.增值收益.本年.值 }} 亿元，即{{ 数据表.业务指标.行.增值收益.本年.值 * 10000 }}万元。",
    )
    text = page_text(built(project).encode("utf-8"))
    assert "增值收益2.86亿元，缴存职工28.28万人，服务网点12个；城区网点服务20万人，经费120.5万元，自助终端6个。" in text
    assert (
        "增值收益为 2.86 亿元，即28600.00万元。" in text
    )  # hand: 2.86 × 10000 = 28600.00 (a product keeps its places)


def test_a_unit_typed_again_after_a_figure_that_prints_its_own_is_a_warning(project):
    """Prose written when the figure printed no unit (缴存职工{{ … }}万人) now prints 28.28万人万人; before this check
    it went unnoticed (a new user's pass found 28.28万人人 with 0 warnings). A word that goes on (人均) is not a
    unit typed again, nor is a figure that prints no unit of its own (经费 120.5, the table's 万元)."""
    write(
        project,
        "缴存职工{{ 数据表.业务指标.行.缴存职工.本年 }}万人，增值收益{{ 数据表.业务指标.行.增值收益.本年 }}元；"
        "城区网点服务{{ 数据表.网点经费.行.城区网点.服务人数 }}人均衡，经费{{ 数据表.网点经费.行.城区网点.金额 }}万元。",
    )
    found = check(project, "unit-twice")
    assert [line.split(": warning: ")[1] for line in found] == [
        "「28.28万人」已带单位，其后又写了「万人」，会印成「28.28万人万人」 [unit-twice]",
        "「2.86亿元」已带单位，其后又写了「元」，会印成「2.86亿元元」 [unit-twice]",
    ]
    assert all(line.startswith(f"{SECTION}:") for line in found)


def test_a_cell_prints_its_unit_only_where_the_header_or_a_unit_column_does_not(project):
    page = built(project)
    # a 度量单位 column says each row's unit: the cells stay bare
    assert cells(table_html(page, "主要业务指标"))[3:] == [
        "增值收益",
        "2.86",
        "亿元",
        "缴存职工",
        "28.28",
        "万人",
        "提取笔数",
        "10.5",
        "万笔",
        "服务网点",
        "12",
        "个",
    ]
    # a column's own unit goes into its header; a row's own unit (个) into its cells, which nothing else labels
    table = table_html(page, "网点经费")
    assert cells(table) == ["项目", "金额", "服务人数（万人）", "城区网点", "120.5", "20", "自助终端", "6个", "—"]
    assert "单位：万元" in table  # the 金额 column is the table's


def test_the_audit_compares_prose_with_a_cells_own_unit(project):
    """A wrong figure typed in prose is flagged in the cell's unit (converted within its dimension); before, the 万人
    column of a 万元 table was money and 个 an unknown key of the row."""
    write(
        project, "城区网点为20万人。城区网点为200000人。自助终端6个。增值收益28600万元。"
    )  # hand: 20 万人 = 200000 人
    assert check(project, "narrative-number") == []
    write(project, "城区网点为25万人。自助终端8个。增值收益3.86亿元。")
    found = check(project, "narrative-number")
    assert len(found) == 3, found
    assert "文中写「城区网点为25万人」，按数据为 服务人数 20；" in found[0]
    assert "文中写「自助终端8个」" in found[1] and "{{ 数据表.网点经费.行.自助终端.金额 }}" in found[1]
    assert "文中写「增值收益3.86亿元」，按数据为 本年 2.86" in found[2]


def test_a_row_gives_each_column_its_unit_as_the_document_writes_them():
    assert by_column("指标值 %，完成值 ‰", ["指标值", "完成值"]) == {"指标值": "%", "完成值": "‰"}
    assert by_column("万人", ["指标值", "完成值"]) == {"指标值": "万人", "完成值": "万人"}
    assert by_column("人/月", ["完成值"]) == {"完成值": "人/月"}


def test_a_count_in_prose_is_compared_with_the_rows_of_the_table_it_counts(project):
    write(project, "中心下设综合科等5个科室。")
    assert check(project, "narrative-number") == []
    write(project, "中心下设综合科等6个科室。")
    found = check(project, "narrative-number")
    assert len(found) == 1, found
    assert "文中写「6个科室」，数据表「内设科室」列了 5 行；可改写为 {{ 数据表.内设科室.行 | length }}" in found[0]


def test_the_suggested_count_prints_the_number_of_rows(project):
    write(project, "中心下设{{ 数据表.内设科室.行 | length }}个科室。")
    assert "中心下设5个科室。" in page_text(built(project).encode("utf-8"))


@pytest.mark.parametrize("stated, expected", [(5, []), (6, ["内设科室: 原文印出 6 个，表中列了 5 行"])])
def test_a_table_may_state_the_count_the_document_prints(project, stated, expected):
    report = project / REPORT
    text = report.read_text(encoding="utf-8").replace(
        "    标题: 内设科室\n", f"    标题: 内设科室\n    数量: {stated}\n"
    )
    report.write_text(text, encoding="utf-8")
    found = check(project, "stated-differs")
    assert [line.split(": warning: ")[-1].split(" [")[0] for line in found if "内设科室" in line] == expected


def test_the_manuals_units_example_prints_as_it_says(tmp_path):
    """docs/figures.md 「单位」: each figure with its own unit in prose, .值 bare, the cells as the page describes."""
    page = built_manual_example("figures.md", 1, tmp_path / "site").read_text(encoding="utf-8")
    assert (
        "2024年实现增值收益2.86亿元，缴存职工28.28万人，服务网点12个，个贷逾期率0.22‰。城区网点服务20万人，"
        "经费120.5万元；另有自助终端6台。全年28.28万名职工缴存。"
    ) in re.sub(r"\n", "", page_text(page.encode("utf-8")))
    table = table_html(page, "网点经费")
    assert cells(table)[:3] == ["项目", "金额", "服务人数（万人）"] and "单位：万元" in table
    assert cells(table)[-3:] == ["自助终端", "6台", "—"]


def test_the_manuals_count_example_prints_the_rows_it_counts(tmp_path):
    """docs/tables.md 「数行数」: the sentence it prints; its 数量 and the count agree (test_docs: no warning)."""
    page = built_manual_example("tables.md", 1, tmp_path / "site").read_text(encoding="utf-8")
    assert "中心下设综合科、财务科、归集科、信贷科、稽核科5个科室。" in page_text(page.encode("utf-8"))


def test_an_indicator_that_refers_to_a_cell_of_its_own_unit_prints_the_unit_once(tmp_path):
    """A 评分表 row's target and actual read from a 万人 row: 12万人 once, its parts 12 and 万人 (a guard: the figure
    now prints its unit, which the row must not add again)."""
    project = tmp_path / "unscored"
    shutil.copytree(FIXTURES / "unscored", project)
    report = project / "content/2024/pingjia/report.yaml"
    covered = "    列: [目标, 实际]\n    文字列: [度量单位]\n    行: [{名称: 缴存职工, 目标: 12, 实际: 12.6, 度量单位: 万人}]\n"
    edit(report, "数据表:\n  成本:", f"数据表:\n  覆盖:\n    标题: 覆盖\n    显示: false\n{covered}  成本:")
    edit(
        report,
        "{三级指标: 覆盖缴存职工人数, 指标值: ≥12万人, 实际完成值: 12.6万人,",
        "{三级指标: 覆盖缴存职工人数, 指标性质: ≥, 指标值: {引用: 数据表.覆盖.缴存职工.目标}, "
        "实际完成值: {引用: 数据表.覆盖.缴存职工.实际},",
    )
    view, findings = assess_in_site(project, "2024/pingjia")
    row = view.score_sheet.rows["覆盖缴存职工人数"]
    # hand: 12.6 ÷ 12 = 105 %, printed as the document's 原表 105.00%
    assert (row.target, row.actual, str(row.completion), row.met) == ("≥12万人", "12.6万人", "105.00%", True)
    # the target's parts as data.json publishes them: the bare number and its unit
    assert (str(row.target_value), row.unit, str(row.actual_value), row.actual_unit) == ("12", "万人", "12.6", "万人")
    assert not findings


@pytest.mark.parametrize(
    "printed, following, typed",
    [
        ("96.4%", "%，", "%"),  # a rate prints its %
        ("≥25万条", "万条。", "万条"),  # a target as written, typed again after {{ 指标值 }}
        ("2.86亿元", "元，", "元"),
        ("35万人", "人均缴存", None),  # a word goes on: 人均
        ("120.5", "万元", None),  # a figure in its table's unit prints none of its own
        ("良", "好", None),
    ],
)
def test_the_unit_typed_again_is_the_figures_own(printed, following, typed):
    assert unit_typed_again(printed, following) == typed


def test_a_word_goes_on_after_a_unit_as_the_cjk_class_says():
    """The character after a unit's base is compared with the ends of [\u4e00-\u9fff], not matched by that class
    (whose compiling walks its 20,992 characters): the same answer for every character of the BMP, and at the end."""
    cjk = re.compile(r"[\u4e00-\u9fff]")
    for code in range(0x10000):
        after = "人" + chr(code)
        assert unit_typed_again("35万人", after) == (None if cjk.match(chr(code)) else "人"), hex(code)
    assert unit_typed_again("35万人", "人") == "人"
