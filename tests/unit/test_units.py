"""Stage: units per row (issue 19 point 3) — a 度量单位 text column is each row's real unit, for the audit and
data.json, converted within a dimension (亿元/万元/元, 万人/人, 万笔/笔)."""

import json
import shutil

import pytest
from click.testing import CliRunner
from conftest import FIXTURES

from jixiao.cli import main

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
    ]
