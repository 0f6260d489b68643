"""The portal (portal.py): a unit's figures over the years with its gap year, a year's comparison of every unit
whose figures link to the report cells, and the site-level CSV. Fixture tests/fixtures/portal: 示例中心 has a
自评表 in 2022 and 2024 (none in 2023) and a 决算说明 in 2022 and 2023; 第二中心 and 第三中心 one 自评表 in 2024."""

import csv
import io
import re
import shutil
from xml.etree import ElementTree

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, REPO, edit

from jixiao.cli import main


@pytest.fixture(scope="module")
def site(portal_site):
    return portal_site


def read_csv(path):
    return list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))


def test_a_units_series_over_three_years_has_its_gap_year(site):
    rows = read_csv(site / "data/units/shilizhongxin.csv")
    assert rows[0] == [
        "年度", "项目", "预算（万元）", "执行数（万元）", "执行率（%）", "总分（分）", "等次",
        "收入总计（万元）", "支出总计（万元）", "报告",
    ]  # fmt: skip
    # 执行率 = 执行数 ÷ 预算: 150 ÷ 200 = 75%, 270 ÷ 300 = 90%; 总分 = 预算执行得分 10 × 执行率 + 指标 90:
    # 7.50 + 90 = 97.50 (a 总分 keeps the form's two places), 9 + 90 = 99; 2023 has no 自评表: a gap (empty), never 0.
    # Typed figures as written (200,
    # 150), computed ones without trailing zeros (docs/figures.md)
    assert rows[1] == [
        "2022",
        "示例项目",
        "200",
        "150",
        "75",
        "97.50",
        "优",
        "",
        "",
        "2022/shili-ziping/index.html",
    ]
    assert rows[2] == ["2023", "示例项目", "", "", "", "", "", "", "", ""]
    assert rows[3] == [
        "2024",
        "示例项目",
        "300",
        "270",
        "90",
        "99",
        "优",
        "",
        "",
        "2024/shili-ziping/index.html",
    ]
    # 决算说明: 收入/支出总计 本年 as typed (2022: 2000.00/1800.00; 2023: 2100.00/1750.00); none in 2024
    assert rows[4][7:9] == ["2000.00", "1800.00"] and rows[5][7:9] == ["2100.00", "1750.00"]
    assert rows[6] == ["2024", "部门决算说明", "", "", "", "", "", "", "", ""]
    page = (site / "units/shilizhongxin/index.html").read_text(encoding="utf-8")
    row_2023 = re.search(r"<tr><td data-sort=\"2023\" class=\"num\">2023</td>(.*?)</tr>", page).group(1)
    assert row_2023.count(">—<") == 5 and "0.00" not in row_2023


def test_a_comparison_cell_links_to_the_report_cell(site):
    page = (site / "2024/units.html").read_text(encoding="utf-8")
    link = re.search(r'<td data-sort="50" class="num"><a href="\.\./([^"#]+)#([^"]+)">50%</a>', page)
    assert link, "第三中心's 执行率 200 ÷ 400 = 50% links to its report"
    report = (site / link.group(1)).read_text(encoding="utf-8")
    assert f'id="{link.group(2)}">50%' in report


def test_the_year_table_holds_every_unit_with_sort_values(site):
    rows = read_csv(site / "data/2024.csv")
    # 执行率: 示例中心 270 ÷ 300 = 90, 第三中心 200 ÷ 400 = 50, 第二中心 95 ÷ 100 = 95 (listing order)
    assert [(r[0], r[4]) for r in rows[1:]] == [("示例中心", "90"), ("第三中心", "50"), ("第二中心", "95")]
    page = (site / "2024/units.html").read_text(encoding="utf-8")
    assert '<table class="portal-table" data-sortable>' in page and "assets/sort-table.js" in page


def test_the_portal_pages_are_linked_and_in_the_sitemap(site):
    assert 'href="units/index.html"' in (site / "index.html").read_text(encoding="utf-8")
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    for path in ("units/index.html", "units/shilizhongxin/index.html", "2024/units.html", "2023/units.html"):
        assert f"<loc>/{path}</loc>" in sitemap


def test_a_changed_report_remakes_only_its_units_and_its_years_portal_pages():
    """After a save of 第二中心's 2024 report the preview remakes the portal pages of 2024 and 第二中心 only
    (and the unit list); portal.portal_pages with what phases.publish_listing passes."""
    from types import SimpleNamespace as Fake

    from jixiao.portal import PortalWork, portal_pages

    def page(year, unit, key):
        return Fake(year=year, key=key, entry=Fake(单位=unit, url=f"{key}/index.html"), figures=[])

    pages = [
        page(2024, "第二中心", "2024/dier"),
        page(2024, "示例中心", "2024/shili"),
        page(2022, "示例中心", "2022/shili"),
    ]
    site = Fake(config=Fake(default_unit="万元", unit_slugs={}), site_view=None, root=lambda depth: "../" * depth)
    files = portal_pages(site, pages, lambda site, name, context: name.encode(), PortalWork({2024}, {"第二中心"}))
    assert sorted(files) == [
        "2024/units.html", "data/2024.csv", "data/units/dierzhongxin.csv", "units/dierzhongxin/index.html", "units/index.html"
    ]  # fmt: skip


ATOM = "{http://www.w3.org/2005/Atom}"


def test_a_unit_has_its_own_feed_newest_first_linked_from_its_page(site):
    """units/<单位>/feed.xml: the unit's reports only, newest first — 示例中心's 2024 自评 (日期 2025-03-31), its 2023
    决算说明 (no 日期: the end of its year, 2023-12-31), its 2022 决算说明 (2022-12-31; the 2022 自评 is 2023-03-31)."""
    root = ElementTree.fromstring((site / "units/shilizhongxin/feed.xml").read_bytes())  # well-formed XML
    assert root.tag == f"{ATOM}feed" and root.findtext(f"{ATOM}title") == "示例中心 - 三年公开"
    entries = [(e.findtext(f"{ATOM}title"), e.findtext(f"{ATOM}updated")) for e in root.iter(f"{ATOM}entry")]
    assert entries == [
        ("示例中心2024年度项目支出绩效自评", "2025-03-31T00:00:00Z"),
        ("示例中心2023年度部门决算说明", "2023-12-31T00:00:00Z"),
        ("示例中心2022年度项目支出绩效自评", "2023-03-31T00:00:00Z"),
        ("示例中心2022年度部门决算说明", "2022-12-31T00:00:00Z"),
    ]
    assert root.findtext(f"{ATOM}updated") == "2025-03-31T00:00:00Z"
    assert root.find(f"{ATOM}link").get("href") == "/units/shilizhongxin/index.html"
    other = ElementTree.fromstring((site / "units/dierzhongxin/feed.xml").read_bytes())
    assert [e.findtext(f"{ATOM}title") for e in other.iter(f"{ATOM}entry")] == ["第二中心2024年度项目支出绩效自评"]
    page = (site / "units/shilizhongxin/index.html").read_text(encoding="utf-8")
    head = page.split("</head>")[0]
    assert (
        '<link rel="alternate" type="application/atom+xml" title="示例中心 - 三年公开" href="../../units/shilizhongxin/feed.xml">'
        in head
    )
    assert '<a href="../../units/shilizhongxin/feed.xml">订阅本单位的报告（Atom）</a>' in page


def test_the_unit_feeds_and_pages_are_byte_identical_across_two_builds(site, tmp_path):
    again = tmp_path / "p"
    shutil.copytree(FIXTURES / "portal", again)
    result = CliRunner().invoke(main, ["build", str(again), "--no-pdf", "--no-search"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    for slug in ("shilizhongxin", "dierzhongxin", "disanzhongxin"):
        for name in ("feed.xml", "index.html"):  # the page with its charts
            assert (again / f"site/units/{slug}/{name}").read_bytes() == (site / f"units/{slug}/{name}").read_bytes()


def test_units_that_read_alike_get_distinct_slugs_in_name_order():
    """示例中心 and 试例中心 are both shì lì zhōng xīn: by code point 示 (U+793A) comes before 试 (U+8BD5), so 示例中心
    keeps shilizhongxin and 试例中心 takes -2, whatever order they come in. 六安 reads lù ān (pypinyin's phrases).
    A slug site.yaml gives wins: 第二中心 given shilizhongxin pushes 示例中心 to -2 and 试例中心 to -3."""
    from jixiao.portal import slugs_of

    assert slugs_of(("试例中心", "示例中心", "六安市 A/B 中心"), ()) == {
        "六安市 A/B 中心": "luanshi-a-b-zhongxin",
        "示例中心": "shilizhongxin",
        "试例中心": "shilizhongxin-2",
    }
    given = slugs_of(("示例中心", "试例中心", "第二中心"), (("第二中心", "shilizhongxin"),))
    assert given == {"第二中心": "shilizhongxin", "示例中心": "shilizhongxin-2", "试例中心": "shilizhongxin-3"}


def test_a_slug_given_in_site_yaml_names_the_units_page_feed_and_data(tmp_path):
    """单位网址: {示例中心: shili} moves 示例中心's page, feed and CSV to shili; links, sitemap and the feed follow."""
    project = tmp_path / "p"
    shutil.copytree(FIXTURES / "portal", project)
    config = project / "content/site.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "单位网址:\n  示例中心: shili\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(project), "--no-pdf", "--no-search"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    site = project / "site"
    assert sorted(p.name for p in (site / "units").iterdir()) == [
        "dierzhongxin",
        "disanzhongxin",
        "index.html",
        "shili",
    ]
    assert read_csv(site / "data/units/shili.csv")[1][:3] == ["2022", "示例项目", "200"]
    assert '<a href="../units/shili/index.html">示例中心</a>' in (site / "2024/units.html").read_text(encoding="utf-8")
    assert "<loc>/units/shili/index.html</loc>" in (site / "sitemap.xml").read_text(encoding="utf-8")
    feed = ElementTree.fromstring((site / "units/shili/feed.xml").read_bytes())
    assert feed.find(f"{ATOM}link").get("href") == "/units/shili/index.html"
    assert feed.findtext(f"{ATOM}id") == "urn:jixiao:unit:shili"


def test_a_units_chart_draws_each_year_and_leaves_the_gap_year_empty(site):
    """示例中心's 示例项目 chart: bars 预算/执行数 (200/150 in 2022, 300/270 in 2024), lines 执行率 (75%, 90%) and
    总分 (97.50, 99); 2023 has no 自评表, so no bar, a broken line and "—" in both panels — never a zero."""
    page = (site / "units/shilizhongxin/index.html").read_text(encoding="utf-8")
    svg = re.search(r'<figure class="chart portal-chart">\s*(<svg .*?</svg>)', page, re.S).group(1)
    assert svg.startswith('<svg role="img" aria-label="示例项目历年主要数字" ')
    assert "<title>示例项目历年主要数字</title>" in svg
    assert (
        "<desc>2022年: 预算（万元） 200，执行数（万元） 150，执行率（%） 75%，总分（分） 97.50；2023年: 无数据；"
        "2024年: 预算（万元） 300，执行数（万元） 270，执行率（%） 90%，总分（分） 99</desc>"
    ) in svg
    bars = sorted(re.findall(r'id="u[0-9a-f]+-chart-data-(\d-\d)"', svg))
    assert bars == ["0-0", "0-2", "1-0", "1-2"]  # 预算 and 执行数 in 2022 (year 0) and 2024 (year 2) only
    assert sorted(re.findall(r'id="u[0-9a-f]+-chart-gap-(\d-\d)"', svg)) == ["0-1", "1-1"]
    for k in (0, 1):  # 执行率, 总分: two points, no segment across 2023
        path = re.search(rf'chart-line-{k}">\s*<path d="([^"]*)"', svg).group(1)
        assert path.count("M") == 2 and "L" not in path
    for text in ("200", "150", "300", "270", "75%", "90%", "97.50", "99"):
        assert f">{text}</text>" in svg  # each figure labelled as printed, as real text
    assert "<figcaption>示例项目历年主要数字（数字见上表，缺的年度留空）</figcaption>" in page


def portal_inodes(site) -> dict[str, int]:
    """Each portal file's inode: a file linked from the previous output keeps it, a file written anew does not."""
    files = [*site.glob("units/**/*.html"), *site.glob("*/units.html"), *site.glob("data/units/*.csv")]
    files += [p for p in site.glob("data/*.csv") if p.stem.isdigit()]
    return {p.relative_to(site).as_posix(): p.stat().st_ino for p in files}


def rewritten(before: dict[str, int], after: dict[str, int]) -> list[str]:
    return sorted(name for name in after if before.get(name) != after[name])


def test_a_full_build_remakes_only_the_changed_reports_unit_and_year_portal_pages(tmp_path):
    """jixiao build after one edit: 第二中心's 2024 执行数 95 → 96 rewrites its unit's page and CSV and the 2024
    comparison and CSV, and links every other portal file from the previous output; its 执行率 is then
    96 ÷ 100 = 96. Moving the report to a new unit (第四中心) rewrites the list of units too, and both units' pages
    (第二中心 has no report left: its page is gone); a changed template rewrites every portal page."""
    project = tmp_path / "p"
    shutil.copytree(FIXTURES / "portal", project)
    site = project / "site"

    def build():
        result = CliRunner().invoke(main, ["build", str(project), "--no-pdf", "--no-search"], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return portal_inodes(site)

    first = build()
    report = project / "content/2024/dier-ziping/report.yaml"
    edit(report, "全年执行数: 95}", "全年执行数: 96}")
    second = build()
    assert rewritten(first, second) == [
        "2024/units.html", "data/2024.csv", "data/units/dierzhongxin.csv", "units/dierzhongxin/index.html"
    ]  # fmt: skip
    assert [r[4] for r in read_csv(site / "data/2024.csv") if r[0] == "第二中心"] == ["96"]
    edit(report, "单位: 第二中心", "单位: 第四中心")
    third = build()
    assert rewritten(second, third) == [
        "2024/units.html", "data/2024.csv", "data/units/disizhongxin.csv", "units/disizhongxin/index.html",
        "units/index.html",
    ]  # fmt: skip
    assert "units/dierzhongxin/index.html" not in third and not (site / "units/dierzhongxin").exists()
    layouts = project / "layouts"
    layouts.mkdir()
    theme = REPO / "themes/gongwen/units.html"
    (layouts / "units.html").write_text(theme.read_text(encoding="utf-8") + "{# 改过 #}\n", encoding="utf-8")
    assert rewritten(third, build()) == sorted(third)


def test_a_new_homophone_unit_or_a_changed_template_remakes_every_portal_page(tmp_path):
    """portal_work: 示例中心 arriving beside 试例中心 moves 试例中心 from shilizhongxin to shilizhongxin-2 (name order,
    示 U+793A before 试 U+8BD5), so every page linking it is remade; so is everything when the template stamp
    differs. Without either, only the new report's unit and year, and the list of units."""
    from types import SimpleNamespace as Fake

    from jixiao.portal import EVERYTHING, portal_work

    def page(key, unit):
        entry = Fake(单位=unit, as_json=lambda: {"单位": unit})
        return Fake(key=key, year=int(key[:4]), entry=entry, figures=[])

    site = Fake(config=Fake(unit_slugs={}))
    previous = {"2024/a": Fake(entry={"单位": "试例中心"}, figures=[])}
    for name in ("units/shilizhongxin/index.html", "data/units/shilizhongxin.csv"):  # the previous output's
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("", encoding="utf-8")
    homophone = [page("2024/a", "试例中心"), page("2024/b", "示例中心")]
    assert portal_work(site, homophone, previous, "s", "s", tmp_path) is EVERYTHING
    other = [page("2024/a", "试例中心"), page("2024/b", "第二中心")]
    assert portal_work(site, other, previous, "s", "t", tmp_path) is EVERYTHING
    work = portal_work(site, other, previous, "s", "s", tmp_path)
    assert (work.years, work.units, work.unit_list) == ({2024}, {"第二中心"}, True)
