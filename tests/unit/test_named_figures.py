"""Stage: named figures (数据, parts/figures) — issue 19 point 2.

The fixture tests/fixtures/named-figures is a 自评报告 with no tables: its eleven figures in nine units (亿元, 万元,
万人, 万名, 万笔, 家, 个, 户, %) and a list of names are named once in report.yaml (invented stand-ins)."""

import json
import shutil
from dataclasses import astuple
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES

from jixiao.cli import main
from jixiao.parts.figures.model import read_figure

SECTION = "content/2024/baogao/01-概况.md"


@pytest.fixture
def project(tmp_path) -> Path:
    target = tmp_path / "p"
    shutil.copytree(FIXTURES / "named-figures", target)
    return target


def invoke(*args: str):
    return CliRunner().invoke(main, [*map(str, args)], catch_exceptions=False)


def findings(project: Path) -> list[str]:
    return [line for line in invoke("check", project).output.splitlines() if "[narrative-number]" in line]


def append(project: Path, text: str) -> None:
    path = project / SECTION
    path.write_text(path.read_text(encoding="utf-8") + "\n" + text + "\n", encoding="utf-8")


def test_named_figures_print_as_written_with_no_table(project):
    result = invoke("build", project, "--no-pdf", "--no-search", "--strict")
    assert result.exit_code == 0, result.output
    page = (project / "site/2024/baogao/index.html").read_text(encoding="utf-8")
    for sentence in (
        "2024年，中心实现增值收益2.86亿元，项目资金6500余万元。缴存职工28.28万人，新开户职工1.2万名，提取笔数10.5万笔。",
        "缴存单位410余家，服务网点近20个，受益家庭1235户，个贷率74.42%，贷款利率上浮20%—40%。",
        # a list of names, no dummy column; 6 names counted by | length
        "中心下设综合部、财务部、稽核部、资金核算部、业务指导部、科技信息部等 6 个科室。",
        "增值收益的数为 2.86，单位为亿元。",  # the bare number and its unit
    ):
        assert sentence in page, sentence
    assert "<table" not in page.split("<main")[1]  # no hidden or dummy table


def test_each_named_figure_is_in_data_json_with_its_unit_and_qualifier(project):
    assert invoke("build", project, "--no-pdf", "--no-search").exit_code == 0
    data = json.loads((project / "site/2024/baogao/data.json").read_text(encoding="utf-8"))
    named = data["报告"]["数据"]
    assert named["项目资金"] == {"原文": "6500余万元", "值": "6500", "上限": None, "单位": "万元", "修饰": "余"}
    assert named["服务网点"]["修饰"] == "近" and named["增值收益"]["单位"] == "亿元"
    assert (named["贷款利率上浮"]["值"], named["贷款利率上浮"]["上限"], named["贷款利率上浮"]["单位"]) == (
        "20",
        "40",
        "%",
    )
    assert named["内设科室"][0] == "综合部" and len(named["内设科室"]) == 6
    assert data["来源"]["数据.增值收益"]["位置"].startswith("content/2024/baogao/report.yaml:")


# One typed figure per unit: right (no finding) and wrong (flagged, with the expression to use).
TYPED = [
    ("增值收益2.86亿元。", "增值收益2.96亿元。", "数据.增值收益"),
    ("增值收益28600万元。", "增值收益28000万元。", "数据.增值收益"),  # 2.86亿元 = 28600万元 (× 10⁴)
    ("项目资金6500余万元。", "项目资金6800余万元。", "数据.项目资金"),
    ("缴存职工28.28万人。", "缴存职工28.82万人。", "数据.缴存职工"),
    ("新开户职工1.2万名。", "新开户职工1.5万名。", "数据.新开户职工"),
    ("提取笔数10.5万笔。", "提取笔数15万笔。", "数据.提取笔数"),
    ("缴存单位410余家。", "缴存单位401余家。", "数据.缴存单位"),
    ("服务网点20个。", "服务网点22个。", "数据.服务网点"),
    ("受益家庭1235户。", "受益家庭1253户。", "数据.受益家庭"),
    ("个贷率74.42%。", "个贷率74.24%。", "数据.个贷率"),
]


@pytest.mark.parametrize("right, wrong, expression", TYPED, ids=[w for _, w, _ in TYPED])
def test_a_figure_typed_in_prose_is_compared_with_the_named_one(project, right, wrong, expression):
    append(project, right)
    assert findings(project) == []
    append(project, wrong)
    found = findings(project)
    assert len(found) == 1 and f"文中写「{wrong.rstrip('。')}」" in found[0] and f"{{{{ {expression} }}}}" in found[0]


def test_a_figure_that_is_not_a_number_and_unit_is_an_error_at_its_line(project):
    report = project / "content/2024/baogao/report.yaml"
    report.write_text(report.read_text(encoding="utf-8").replace("1235户", "一千多户"), encoding="utf-8")
    result = invoke("check", project)
    assert result.exit_code == 1
    assert (
        "content/2024/baogao/report.yaml:14:3: error: 数据.受益家庭" in result.output
        and "「一千多户」不是一个数字加单位" in result.output
    )
    assert "提示" in result.output and "Traceback" not in result.output


def test_compact_figures_are_read_into_number_unit_and_qualifier():
    assert astuple(read_figure("近20项"))[1:] == (20, None, "项", "近")
    assert astuple(read_figure("20%—40%"))[1:] == (20, 40, "%", None)
    assert astuple(read_figure("50万元以上"))[1:] == (50, None, "万元", "以上")


def test_a_count_typed_in_prose_is_compared_with_the_list_it_counts(project):
    """Issue 19 point 4: "下设…等 6 个科室" against the 6 names of 内设科室 (right: no finding; 5: flagged)."""
    append(project, "中心内设 6 个科室。")
    assert findings(project) == []
    append(project, "中心内设 5 个科室。")
    found = findings(project)
    assert len(found) == 1 and "文中写「5 个科室」，名单「内设科室」列了 6 个" in found[0]
    assert "{{ 数据.内设科室 | length }}" in found[0]


def test_a_list_may_record_the_count_the_document_prints(project):
    report = project / "content/2024/baogao/report.yaml"
    names = "[综合部, 财务部, 稽核部, 资金核算部, 业务指导部, 科技信息部]"
    for stated, expected in ((6, []), (7, ["内设科室: 原文印出 7 个，名单列了 6 个"])):
        text = report.read_text(encoding="utf-8")
        text = text.replace(f"内设科室: {names}", f"内设科室: {{名单: {names}, 数量: {stated}}}")
        text = text.replace("数量: 6}", f"数量: {stated}}}")
        report.write_text(text, encoding="utf-8")
        output = invoke("check", project).output
        found = [line for line in output.splitlines() if "[stated-differs]" in line]
        assert [e for e in expected if any(e in line for line in found)] == expected and len(found) == len(expected)
