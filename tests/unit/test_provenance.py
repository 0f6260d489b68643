"""Stage: every figure knows where it came from — report.yaml → the page's explanation → data.json's 来源.

Figures are those of tests/fixtures (minimal: the 示例项目 form; two-years: the 支出结构 table), each
computed by hand next to the assertion."""

import html
import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, edit

from jixiao.provenance import path_digest

DEMO = "content/2024/demo/report.yaml"


def fig_id(path: str) -> str:
    return f"f-{path_digest(path)}"


def popover_text(page: str, path: str) -> str:
    """The text of the explanation the button after the figure at `path` opens (tags dropped)."""
    match = re.search(
        rf'<span class="why" id="{fig_id(path)}\.why" popover data-pagefind-ignore>(.*?)</span></span>'
        r"(?:</td>|<)",
        page,
    )
    assert match, f"no explanation for {path}"
    return html.unescape(re.sub(r"<[^>]+>", " ", match.group(1)))


def links_of(page: str, path: str) -> list[str]:
    match = re.search(rf'id="{fig_id(path)}\.why".*?</span></span>', page)
    return re.findall(r'href="#([^"]+)"', match.group(0))


def build(cli, project: Path, *flags: str) -> tuple[str, dict]:
    """The demo report's page and data.json."""
    result = cli("build", project, "--no-pdf", *flags)
    assert result.exit_code == 0, result.output
    report = project / "site/2024/demo"
    return (report / "index.html").read_text(encoding="utf-8"), json.loads(
        (report / "data.json").read_text(encoding="utf-8")
    )


@pytest.fixture
def demo(project, cli) -> tuple[str, dict, Path]:
    page, data = build(cli, project)
    return page, data, project


def test_a_rate_walks_from_its_line_in_report_yaml_to_the_page_and_data_json(demo):
    page, data, project = demo
    sources = data["来源"]
    # report.yaml line 11: 年度资金总额: {年初预算数: 200, 全年预算数: 200, 全年执行数: 150}
    line = (project / DEMO).read_text(encoding="utf-8").splitlines().index(
        "      年度资金总额: {年初预算数: 200, 全年预算数: 200, 全年执行数: 150}"
    ) + 1
    assert line == 11
    executed = sources["自评表.0.项目资金.年度资金总额.全年执行数"]
    assert executed == {"值": "150", "位置": f"{DEMO}:11", "键": "全年执行数"}
    # hand: 150 ÷ 200 = 0.75 → 75.00 %, printed 75%
    rate = sources["自评表.0.项目资金.执行率"]
    assert rate == {
        "值": "75%",
        "规则": "执行率 = 全年执行数 ÷ 全年预算数",
        "算式": "150 ÷ 200 = 75%",
        "取自": ["自评表.0.项目资金.年度资金总额.全年执行数", "自评表.0.项目资金.年度资金总额.全年预算数"],
    }
    assert data["报告"]["自评表"][0]["项目资金"]["执行率"] == "75%"
    # the page: the figure, a button naming it, and the explanation with links to the cells it came from
    assert (
        f'<span class="fig" id="{fig_id("自评表.0.项目资金.执行率")}">75%</span><button type="button" '
        f'class="why-open" popovertarget="{fig_id("自评表.0.项目资金.执行率")}.why" aria-label="执行率 75% 的算式">'
        in page
    )
    text = popover_text(page, "自评表.0.项目资金.执行率")
    assert "执行率 = 全年执行数 ÷ 全年预算数" in text and "150 ÷ 200 = 75%" in text
    targets = links_of(page, "自评表.0.项目资金.执行率")
    assert targets == [
        fig_id("自评表.0.项目资金.年度资金总额.全年执行数"),
        fig_id("自评表.0.项目资金.年度资金总额.全年预算数"),
    ]
    assert f'<span class="fig" id="{targets[0]}">150</span>' in page  # the typed cell the link lands on
    # the 核对说明 is never published, in 来源 either
    assert "核对说明" not in json.dumps(data["来源"], ensure_ascii=False)


def test_a_total_is_explained_by_the_row_scores_and_the_budget_score_each_explained(demo):
    page, data, _ = demo
    sources = data["来源"]
    # hand: 预算执行得分 10 × 75 % = 7.50; rows 30 × 80/100 = 24, 30 × (1 − 10/50) = 24, 良 → 30 × 80 % = 24
    assert sources["自评表.0.项目资金.得分"]["算式"] == "10 × 75% = 7.50"
    assert sources["自评表.0.指标.0.得分"]["算式"] == "30 × 80 ÷ 100 = 24"
    assert sources["自评表.0.指标.1.得分"]["算式"] == "30 × (1 − (60 − 50) ÷ 50) = 24"
    assert sources["自评表.0.指标.2.得分"]["算式"] == "30 × 80% = 24"
    total = sources["自评表.0.总分"]
    parts = ["自评表.0.项目资金.得分", "自评表.0.指标.0.得分", "自评表.0.指标.1.得分", "自评表.0.指标.2.得分"]
    assert total["规则"] == "总分 = 预算执行得分 + 各三级指标得分之和"
    assert total["算式"] == "7.50 + 24 + 24 + 24 = 79.50" and total["取自"] == parts
    assert sources["自评表.0.评价等次"]["算式"] == "79.50 ≥ 60 → 中"
    text = popover_text(page, "自评表.0.总分")
    assert "7.50 + 24 + 24 + 24 = 79.50" in text and "预算执行得分 7.50" in text
    assert links_of(page, "自评表.0.总分") == [fig_id(p) for p in parts]
    for path in parts:  # every input is on the page with its id and its own explanation
        assert f'id="{fig_id(path)}"' in page
        assert popover_text(page, path)
    # a prose figure is explained after its paragraph; the sentence reads as written
    assert "预算执行率为 75%，总分 79.50 分，等次为中" in page
    assert 'aria-label="本段数字 75%、79.50、中 的算式"' in page


def test_a_data_table_explains_a_sum_of_parts_and_a_share(tmp_path, cli):
    project = tmp_path / "proj"
    shutil.copytree(FIXTURES / "two-years", project)
    edit(
        project / "content/2023/juesuan/report.yaml",
        "      - {名称: 基本支出, 金额: 1000.00}\n",
        "      - {名称: 基本支出}\n      - {名称: 人员经费, 上级: 基本支出, 金额: 800.00}\n"
        "      - {名称: 公用经费, 上级: 基本支出, 金额: 200.00}\n",
    )
    result = cli("build", project, "--no-pdf")
    assert result.exit_code == 0, result.output
    site = project / "site/2023/juesuan"
    sources = json.loads((site / "data.json").read_text(encoding="utf-8"))["来源"]
    page = (site / "index.html").read_text(encoding="utf-8")
    # hand: 基本支出 = 800.00 + 200.00 = 1000.00 (rows 1 and 2 are its parts)
    parent = sources["数据表.支出结构.行.0.金额"]
    assert parent["规则"] == "基本支出 = 其下各项之和" and parent["算式"] == "800.00 + 200.00 = 1000"
    assert parent["取自"] == ["数据表.支出结构.行.1.金额", "数据表.支出结构.行.2.金额"]
    # hand: 1000 ÷ (1000 + 500 + 250) = 0.571428… → 57.14 %
    share = sources["数据表.支出结构.行.0.占比"]
    assert share["算式"] == "1000 ÷ (1000 + 500.00 + 250.00) = 57.14%"  # the sum 1000.00 prints 1000
    assert share["取自"] == ["数据表.支出结构.行.0.金额", "数据表.支出结构.行.3.金额", "数据表.支出结构.行.4.金额"]
    # hand: 800 ÷ (800 + 200) = 80.00 %, among the parts of 基本支出
    assert sources["数据表.支出结构.行.1.占比"]["算式"] == "800.00 ÷ (800.00 + 200.00) = 80%"
    assert sources["数据表.支出结构.合计.金额"]["算式"] == "1000 + 500.00 + 250.00 = 1750"
    assert sources["数据表.支出结构.行.1.金额"]["位置"].startswith("content/2023/juesuan/report.yaml:")
    assert "1000 ÷ (1000 + 500.00 + 250.00) = 57.14%" in popover_text(page, "数据表.支出结构.行.0.占比")
    assert "800.00 + 200.00 = 1000" in popover_text(page, "数据表.支出结构.行.0.金额")


def test_building_twice_gives_the_same_explanations_and_sources(project, cli):
    first = build(cli, project)
    second = build(cli, project, "--clean")
    assert first == second and "来源" in first[1]


def test_every_link_of_an_explanation_lands_on_a_figure_the_page_prints(demo):
    """分值合计 is 指标分值 + the budget's 分值, but a 自评表 page prints the form, whose total row shows 分值合计, and
    not the 绩效指标评分表 that prints 指标分值: that input is named, unlinked, rather than linked to nothing."""
    page, data, _ = demo
    ids = set(re.findall(r' id="([^"]+)"', page))
    links = re.findall(r'<a href="#([^"]+)">', page)
    assert links and all(target in ids for target in links)
    assert "自评表.0.指标分值" in data["来源"]["自评表.0.分值合计"]["取自"]
    assert fig_id("自评表.0.指标分值") not in ids
    assert "指标分值 90" in popover_text(page, "自评表.0.分值合计")


def test_a_figures_page_id_is_worked_out_once_and_kept_on_its_origin(monkeypatch):
    # A page asks for a figure's id where it prints it and again where an explanation links it (bench/HISTORY.md,
    # eleventh wave): the id is kept on the origin, made of the scope and the path it was made with.
    import hashlib

    from jixiao import provenance
    from jixiao.errors import Location
    from jixiao.provenance import Computed, Typed, anchor

    digested, digest = [], provenance.path_digest.__wrapped__
    monkeypatch.setattr(provenance, "path_digest", lambda path: digested.append(path) or digest(path))
    typed = Typed("自评表.0.项目资金.执行率", "执行率", "96.40%", Location(None), "执行率", scope="a1-")
    computed = Computed("自评表.0.总分", "总分", "79.50", "各项得分之和", "10 + 69.50 = 79.50", (typed,))
    ids = [
        f"{scope}f-{hashlib.blake2b(o.path.encode(), digest_size=6).hexdigest()}"
        for scope, o in (("a1-", typed), ("", computed))
    ]
    assert [anchor(o) for o in (typed, computed, typed, computed)] == ids * 2
    assert digested == [typed.path, computed.path]
