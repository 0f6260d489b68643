"""Stage: a report printed like the original (issue 20, point 8), on the page — tests/fixtures/print: a third-party
项目绩效评价报告 (its score sheet unpublished) and a narrative 自评报告 titled with its type's name. The printed
PDF and the browser are checked in test_layout.py."""

import csv
import io
import re
import shutil

import pytest
from conftest import FIXTURES, run_jixiao


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("print") / "site"
    result = run_jixiao("build", FIXTURES / "print", "--out", out, "--no-pdf", "--strict")
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def page(site, key: str) -> str:
    return (site / key / "index.html").read_text(encoding="utf-8")


def test_numbered_paragraphs_are_paragraphs_with_their_numbers(site):
    html = page(site, "2024/pingjia")
    assert "<ol" not in html.split('<article class="report">')[1]
    assert "<p>4. 项目由示例市住房公积金管理中心实施，信息科负责日常管理。" in html
    assert "<p>1.为全市缴存职工新增数据" in html


def test_a_title_that_is_the_type_name_is_printed_once(site):
    html = page(site, "2024/ziping")
    header = re.search(r'<header class="report-header">(.*?)</header>', html, re.S)[1]
    assert header.count("项目支出绩效自评报告") == 1, header
    assert "示例市住房公积金管理中心 · 2024 年度</p>" in header
    home = (site / "index.html").read_text(encoding="utf-8")
    item = re.search(r'<li>\s*<a class="report-title" href="2024/ziping/index.html">(.*?)</li>', home, re.S)[1]
    assert item.count("项目支出绩效自评报告") == 1, item
    other = page(site, "2024/pingjia")  # a title that is not the type name keeps the type in the kicker
    assert "2024 年度 · 绩效评价报告</p>" in other


def test_the_score_sheet_says_met_in_the_documents_words(site):
    """Each rule-scored row: 26万条 ≥ 25万条 达到, 230 ≤ 236.417 达到, 85% < 90% 未达到, 95% ≥ 90% 达到."""
    html = page(site, "2024/pingjia")
    assert not re.search(r"<td>[正反]向: ", html)  # the rule stays in the explanation of the score
    reasons = re.findall(r"<td>(达到|未达到)</td></tr>", html)
    assert reasons == ["达到", "达到", "未达到", "达到"]


def test_figures_with_units_do_not_break_in_a_cell(site):
    html = page(site, "2024/pingjia")
    # too wide for a printed form's column (5 em): the number kept whole, its unit may go below it
    assert '<td><span class="nobr">≤236.417</span><span class="nobr">万元</span></td>' in html
    assert '<td>预算执行数为<span class="nobr">8万元</span>以上的合同支付</td>' in page(site, "2024/ziping")


def test_indicators_csv_lists_an_evaluations_score_sheet(site):
    raw = (site / "data/indicators.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(raw)))
    evaluation = [r for r in rows if r[3] == "绩效评价报告"]
    # 线上办理率 85% against ≥90%: 25 × 85 ÷ 90 = 23.611… → 23.61, not met
    assert ["效益", "社会效益", "线上办理率", "≥90%", "85%", "25", "23.61", "否"] == evaluation[2][5:]
    assert [r[7] for r in evaluation] == ["新增数据条数", "项目成本", "线上办理率", "服务对象满意度"]


# Tables as documents have them (issue 20, point 7)


def captions(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<caption>(.*?)</caption>", html)]


def test_a_text_table_has_its_own_first_header_and_rows_without_名称(site):
    html = page(site, "2024/pingjia")
    assert '<tr><th scope="col">姓名</th><th scope="col">单位</th><th scope="col">分工</th></tr>' in html
    assert '<tr><th scope="row">李四</th><td>示例会计师事务所</td><td>财务评价</td></tr>' in html
    csv_file = site / "2024/pingjia/表格/表1-评价组成员.csv"
    assert csv_file.read_text(encoding="utf-8-sig").splitlines()[:2] == ["姓名,单位,分工", "张三,示例大学,组长"]


def test_captions_number_only_numbered_tables_and_state_a_unit_only_for_amounts(site):
    """评价组成员 (text only) has no unit; 咨询专家 (编号: false) no number and so does not take 表2; 项目投资 does."""
    assert captions(page(site, "2024/pingjia"))[:3] == ["表1 评价组成员", "咨询专家", "表2 项目投资（单位：万元）"]


def test_a_list_of_names_needs_no_column(site):
    html = page(site, "2024/pingjia")
    table = re.search(r"<caption>咨询专家</caption>(.*?)</table>", html, re.S)[1]
    assert re.findall(r"<th [^>]*>([^<]*)</th>", table) == ["姓名", "王五", "赵六"]


def test_the_score_sheet_is_printed_where_the_author_places_it(site):
    """Placed in section 二 after its paragraphs, and not appended again at the end of the report."""
    html = page(site, "2024/pingjia")
    assert html.count("绩效评价指标评分表</caption>") == 1
    assert html.index("4.服务对象满意度95%") < html.index("绩效评价指标评分表</caption>")


def test_a_score_sheet_not_published_is_not_printed(tmp_path):
    project = tmp_path / "print"
    shutil.copytree(FIXTURES / "print", project)
    report = project / "content/2024/pingjia/report.yaml"
    report.write_text(report.read_text(encoding="utf-8").replace("评分表:\n", "评分表:\n  显示: false\n"), "utf-8")
    section = project / "content/2024/pingjia/02-绩效情况.md"
    section.write_text(section.read_text(encoding="utf-8").replace("::表格[评分表]", ""), encoding="utf-8")
    result = run_jixiao("build", project, "--out", tmp_path / "site", "--no-pdf", "--strict")
    assert result.returncode == 0, result.stdout + result.stderr
    html = page(tmp_path / "site", "2024/pingjia")
    assert "绩效评价指标评分表" not in html
    assert "线上办理率</th>" not in html
