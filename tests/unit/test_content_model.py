"""Stage: the content model — exact amounts, spreadsheet tables, evaluation reports, report types as data.

Fixture: tests/fixtures/model (an evaluation report, a report of computing tables, a province's variant of
the 自评表). Every expected figure is a hand computation written next to it.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import FIXTURES, assess_in_site

from jixiao.cli import main

MODEL = FIXTURES / "model"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    project = tmp_path_factory.mktemp("model") / "project"
    shutil.copytree(MODEL, project)  # a build writes its cache into the project
    out = project / "site"
    result = run("build", project, "--no-pdf", "--no-search", "--strict")
    assert result.exit_code == 0, result.output + result.stderr
    return out


def table(built: Path, key: str, name: str) -> dict:
    return json.loads((built / key / "data.json").read_text(encoding="utf-8"))["报告"]["数据表"][name]


def cell(table_data: dict, row: str, column: str) -> str:
    return next(r[column] for r in table_data["行"] if r["名称"] == row)


def test_amounts_keep_the_decimals_they_were_written_with(built):
    contracts = table(built, "2024/biaoge", "合同支付")
    assert [r["金额"] for r in contracts["行"]] == ["310.735989", "1.119689", "12.5"]  # typed: as written
    # hand: 310.735989 + 1.119689 + 12.5 = 324.355678 (a sum keeps the precision of its inputs)
    assert contracts["合计"]["金额"] == "324.355678"


def test_formulas_with_rows_other_tables_and_a_share_of_one_row_in_another(built):
    saving = table(built, "2024/biaoge", "资金节约")
    # hand: 324.355678 − 310.735989 + 175.12 = 188.739689; 200 − 188.739689 = 11.260311;
    #       11.260311 ÷ 200 = 0.056301555 → 5.63 % (computed figures are exact, with no trailing zeros)
    assert cell(saving, "实际支付", "金额") == "188.739689"
    assert cell(saving, "节约", "金额") == "11.260311"
    assert cell(saving, "节约率", "金额") == "5.63%"


def test_computed_columns_multiply_and_divide(built):
    prices = table(built, "2024/biaoge", "单价")
    # hand: 24.084 ÷ 428 = 0.056271… → 0.0563 (小数位 4); 24.084 × 10000 ÷ 428 = 562.7102… → 562.710 (the 3
    #       decimals 24.084 was written with), printed 562.71 (no trailing zeros); 3.6 × 10000 ÷ 12 = 3000.00 → 3000;
    #       3.6 ÷ 12 = 0.3000 → 0.3
    assert (cell(prices, "短信", "单价"), cell(prices, "短信", "每万条成本")) == ("0.0563", "562.71")
    assert (cell(prices, "语音", "单价"), cell(prices, "语音", "每万条成本")) == ("0.3", "3000")
    assert cell(prices, "短信", "数量") == "428"  # a count prints as an integer, not 428.00


def test_text_tables_hidden_tables_and_counts(built):
    page = (built / "2024/biaoge/index.html").read_text(encoding="utf-8")
    assert "中心内设 3 个科室" in page  # three rows of the hidden table, counted in prose
    assert "内设科室" not in page  # the hidden table is computed but never printed
    assert "评价工作组成员" in page and "资料核查" in page  # a table of text only
    data = json.loads((built / "2024/biaoge/data.json").read_text(encoding="utf-8"))["报告"]
    # numbered in reading order: 资金节约 is placed in the text, the others are appended after it
    assert data["表号"] == {"资金节约": "表1", "合同支付": "表2", "单价": "表3", "评价组": "表4"}


def test_evaluation_report_scores_by_level_weights(built):
    data = json.loads((built / "2024/pingjia/data.json").read_text(encoding="utf-8"))["报告"]
    sheet = data["评分表"]
    # hand: 决策 5 + 4 + 5 + 3.5 = 17.50; 过程 5 + 5 × 93.7 ÷ 95 (4.93) + 5 + 4.5 = 19.43;
    #       产出 10 × 401.5 ÷ 428 (9.38) + 10 + 10 = 29.38; 效益 15 + 15 × 88 ÷ 90 (14.67) = 29.67
    assert [(ln["一级指标"], ln["权重"], ln["得分"]) for ln in sheet["一级指标"]] == [
        ("决策", "20", "17.50"),
        ("过程", "20", "19.43"),
        ("产出", "30", "29.38"),
        ("效益", "30", "29.67"),
    ]
    # hand: 17.50 + 19.43 + 29.38 + 29.67 = 95.98 → 优
    assert (sheet["总分"], sheet["评价等次"], data["总分"], data["评价等次"]) == ("95.98", "优", "95.98", "优")
    page = (built / "2024/pingjia/index.html").read_text(encoding="utf-8")
    # 完成率 of a quantitative row by its name: 401.5 ÷ 428 = 0.93808 → 93.81 %
    assert "短信数量完成率为93.81%" in page
    assert "未见事前绩效评估报告" in page  # the evaluator's reason is printed with the score
    index = (built / "index.html").read_text(encoding="utf-8")
    assert "短信服务项目绩效评价，总分 95.98 分，等次优。" in index  # 摘要 expressions are evaluated


def test_weights_that_do_not_match_their_rows_are_a_finding(tmp_path):
    project = tmp_path / "model"
    shutil.copytree(MODEL, project)
    report = project / "content/2024/pingjia/report.yaml"
    report.write_text(
        report.read_text(encoding="utf-8").replace(
            "评分表:\n", "评分表:\n  权重: {决策: 25, 过程: 20, 产出: 30, 效益: 25}\n"
        ),
        encoding="utf-8",
    )
    output = run("check", project).output
    assert "评分表「决策」的三级指标分值合计 20，权重为 25 [weights]" in output


def test_a_province_variant_adds_a_column_and_its_own_weights(built):
    data = json.loads((built / "2024/sichuan/data.json").read_text(encoding="utf-8"))["报告"]
    form = data["自评表"][0]
    # hand: 150 ÷ 200 = 75.00 %, 20 × 75 % = 15; 30 × 80 ÷ 100 = 24; 20 × (1 − (60 − 50) ÷ 50) = 16;
    #       良 → 30 × 80 % = 24; 15 + 24 + 16 + 24 = 79 → 中
    assert (form["预算执行得分"], form["总分"], form["评价等次"]) == ("15", "79", "中")
    assert form["指标"][0]["附加"] == {"佐证材料": "办件台账"}
    page = (built / "2024/sichuan/index.html").read_text(encoding="utf-8")
    assert '<th scope="col">佐证材料</th>' in page and "<td>办件台账</td>" in page


@pytest.mark.slow
def test_a_province_variant_prints_its_column_in_the_pdf(tmp_path):
    project = Path(shutil.copytree(MODEL, tmp_path / "project"))
    out = project / "site"
    assert run("build", project, "--no-search").exit_code == 0
    text = subprocess.run(
        ["pdftotext", "-layout", str(out / "2024/sichuan/sichuan.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "佐证材料" in text and "办件台账" in text and "季度报告" in text


def test_an_indicator_is_addressable_by_name(project):
    view, _ = assess_in_site(project, "2024/demo")
    # hand: 80 件 ÷ 100 件 = 80.00 %, printed 80% (a computed figure has no trailing zeros)
    assert str(view.forms[0].rows["办件量"].completion) == "80%"


BUILTIN_TYPES = [
    "项目支出绩效自评表",
    "项目支出绩效自评报告",
    "绩效评价报告",
    "专项资金绩效评价报告",
    "部门整体绩效评价报告",
    "部门决算说明",
    "四川省项目支出绩效自评表",
]


@pytest.mark.parametrize("kind", BUILTIN_TYPES)
def test_new_report_of_every_type_builds_strictly(tmp_path, kind):
    project = tmp_path / "p"
    shutil.copytree(MODEL, project)
    shutil.rmtree(project / "content/2024")
    result = run("new", "report", "--project", project, "--type", kind, "--year", "2025", "--unit", "另一中心")
    assert result.exit_code == 0, result.output + result.stderr
    bundle = next((project / "content/2025").iterdir())
    sections = sorted(p.name for p in bundle.glob("*.md"))
    assert sections and sections[0].startswith("01-")
    built = run("build", project, "--no-pdf", "--no-search", "--strict")
    assert built.exit_code == 0, built.output + built.stderr


def test_new_report_starts_with_the_sections_of_its_type(tmp_path):
    project = tmp_path / "p"
    shutil.copytree(MODEL, project)
    run("new", "report", "--project", project, "--type", "项目支出绩效自评表", "--year", "2025", "--unit", "x")
    run("new", "report", "--project", project, "--type", "部门决算说明", "--year", "2025", "--unit", "x")
    assert sorted(p.name for p in (project / "content/2025/zipingbiao").glob("*.md")) == [
        "01-概况.md",
        "02-资金使用.md",
        "03-绩效情况.md",
        "04-问题与建议.md",
    ]
    assert sorted(p.name for p in (project / "content/2025/juesuan").glob("*.md")) == [
        "01-部门概况.md",
        "02-部门决算情况说明.md",
        "03-名词解释.md",
    ]


def test_carrying_a_final_accounts_report_forward_clears_every_figure(tmp_path):
    project = tmp_path / "two"
    shutil.copytree(FIXTURES / "two-years", project)
    result = run("new", "report", "--project", project, "--year", "2024", "--from", "2023/juesuan")
    assert result.exit_code == 0, result.output + result.stderr
    data = yaml.safe_load((project / "content/2024/juesuan/report.yaml").read_text(encoding="utf-8"))
    rows = [row for t in data["数据表"].values() for row in t["行"]]
    assert rows and all(set(row) <= {"名称", "上级", "公式", "格式", "计入合计"} for row in rows)  # no figure left
    # what is left to fill in is listed where the prose states it (it once printed "收入总计None万元")
    result = run("check", project)
    assert result.exit_code == 1
    assert (
        "content/2024/juesuan/01-说明.md:3: error: ::段落[变动]要用到的数字尚未填写: 数据表「收支总计」的 "
        "收入总计「本年」、支出总计「本年」 [input]"
    ) in result.output
    assert "content/2024/juesuan/01-说明.md:5: error: ::图[收支总计]要用到的数字尚未填写" in result.output
    report = project / "content/2024/juesuan/report.yaml"
    report.write_text(
        report.read_text(encoding="utf-8")
        .replace("{名称: 收入总计}", "{名称: 收入总计, 本年: 2200.00}")
        .replace("{名称: 支出总计}", "{名称: 支出总计, 本年: 1800.00}"),
        encoding="utf-8",
    )
    result = run("build", project, "--no-pdf", "--no-search")
    assert result.exit_code == 0, result.output
    page = (project / "site/2024/juesuan/index.html").read_text(encoding="utf-8")
    assert "各项尚未填写，不绘制饼状图。" in page and "None" not in page
    # the 支出结构 table is placed on its own: a blank 金额 is shown as "—", and it has no share (not 0.00%)
    assert '<th scope="row">基本支出</th><td class="num">—</td><td class="num">—</td>' in page
    # last year's 本年 figures come back as this year's 上年, from the 2023 report itself
    total = table(project / "site", "2024/juesuan", "收支总计")
    assert (cell(total, "收入总计", "上年"), cell(total, "收入总计", "本年")) == ("2100.00", "2200.00")


def test_the_default_unit_is_used_where_amounts_are_labelled(tmp_path):
    project = tmp_path / "two"
    shutil.copytree(FIXTURES / "two-years", project)
    (project / "content/site.yaml").write_text("站点名称: 两年决算\n默认单位: 元\n", encoding="utf-8")
    assert run("build", project, "--no-pdf", "--no-search").exit_code == 0
    page = (project / "site/2023/juesuan/index.html").read_text(encoding="utf-8")
    assert "单位：元" in page and "万元" not in page.split("名词解释")[0]


def test_an_acknowledgement_is_never_printed_but_a_note_is(tmp_path):
    project = tmp_path / "two"
    shutil.copytree(FIXTURES / "two-years", project)
    report = project / "content/2023/juesuan/report.yaml"
    report.write_text(
        report.read_text(encoding="utf-8").replace(
            "{名称: 基本支出, 金额: 1000.00}", "{名称: 基本支出, 金额: 1000.00, 说明: 人员经费增加, 核对说明: 照录原文}"
        ),
        encoding="utf-8",
    )
    (project / "content/2023/juesuan/01-说明.md").write_text("::段落[完成预算]{表=支出结构}\n", encoding="utf-8")
    assert run("build", project, "--no-pdf", "--no-search").exit_code == 0
    page = (project / "site/2023/juesuan/index.html").read_text(encoding="utf-8")
    assert "人员经费增加" in page and "照录原文" not in page


def test_a_form_without_a_key_its_type_requires_is_a_finding(project):
    report = project / "content/2024/demo/report.yaml"
    report.write_text(report.read_text(encoding="utf-8").replace("    主管部门: 示例主管部门\n", ""), encoding="utf-8")
    output = run("check", project).output
    assert "项目支出绩效自评表的表单要求填写「主管部门」，这里没有 [missing-field]" in output
    assert "错误 0" in output


def test_placing_a_table_twice_is_an_error(tmp_path):
    project = tmp_path / "model"
    shutil.copytree(MODEL, project)
    section = project / "content/2024/biaoge/01-概况.md"
    section.write_text(section.read_text(encoding="utf-8") + "\n::表格[资金节约]\n", encoding="utf-8")
    output = run("check", project).output
    assert "表格「资金节约」已在前文放置过一次" in output and "{{ 表号.资金节约 }}" in output


def test_a_parent_left_empty_is_the_sum_of_its_parts(tmp_path):
    project = tmp_path / "two"
    shutil.copytree(FIXTURES / "two-years", project)
    report = project / "content/2023/juesuan/report.yaml"
    report.write_text(
        report.read_text(encoding="utf-8").replace(
            "      - {名称: 其他支出, 金额: 250.00}",
            "      - {名称: 其他支出}\n      - {名称: 培训, 上级: 其他支出, 金额: 100.005}\n"
            "      - {名称: 会议, 上级: 其他支出, 金额: 149.995}",
        ),
        encoding="utf-8",
    )
    assert run("build", project, "--no-pdf", "--no-search").exit_code == 0
    structure = table(project / "site", "2023/juesuan", "支出结构")
    # hand: 100.005 + 149.995 = 250.000; the 合计 counts the parent once: 1000 + 500 + 250 = 1750.000, printed
    #       250 and 1750 (a computed figure has no trailing zeros)
    assert cell(structure, "其他支出", "金额") == "250"
    assert structure["合计"]["金额"] == "1750"
