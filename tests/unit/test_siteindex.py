"""Stage: site-wide outputs — home and year pages, prev/next, 404, sitemap, feed, open data, search index."""

import csv
import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO

from jixiao.cli import main


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site") / "site"
    result = CliRunner().invoke(main, ["build", str(REPO), "--out", str(out), "--no-pdf"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out


def test_home_lists_reports_by_year_with_scores_and_links(site):
    html = (site / "index.html").read_text(encoding="utf-8")
    assert html.index("六安市住房公积金中心") < html.index("泸州市住房公积金管理中心")  # by unit within the year
    assert 'href="2023/liuan-zipingbiao/index.html"' in html and 'href="2023/liuan-zipingbiao/data.json"' in html
    assert 'href="2023/index.html"' in html
    assert '<div id="search">' in html and 'src="pagefind/pagefind-ui.js"' in html


def test_year_page_and_breadcrumbs(site):
    year = (site / "2023/index.html").read_text(encoding="utf-8")
    assert "2023 年度" in year and 'href="../2023/luzhou-xiangmu-zipingbiao/index.html"' in year
    page = (site / "2023/liuan-zipingbiao/index.html").read_text(encoding="utf-8")
    assert '<nav class="breadcrumbs"' in page and 'href="../../2023/index.html"' in page


def test_prev_next_within_the_year(site):
    # 2023 in index order (unit, then type, then title): 六安 自评表; 泸州 部门整体绩效评价报告, 部门决算说明,
    # 项目支出绩效自评报告, 项目支出绩效自评表 (Unicode order of the type names)
    reports = [r for r in json.loads((site / "data/reports.json").read_text(encoding="utf-8")) if r["年度"] == 2023]
    urls = [r["url"] for r in reports]
    first = (site / urls[0]).read_text(encoding="utf-8")
    second = (site / urls[1]).read_text(encoding="utf-8")
    last = (site / urls[-1]).read_text(encoding="utf-8")
    assert f'rel="next" href="../../{urls[1]}"' in first and 'rel="prev"' not in first
    assert f'rel="prev" href="../../{urls[0]}"' in second and f'rel="next" href="../../{urls[2]}"' in second
    assert 'rel="next"' not in last
    # the 2020 report has no neighbour in its year
    assert 'rel="prev"' not in (site / "2020/huaihua-zhuanxiangzijin/index.html").read_text(encoding="utf-8")


def test_not_found_page_and_descriptions(site):
    assert "页面不存在" in (site / "404.html").read_text(encoding="utf-8")
    page = (site / "2023/luzhou-xiangmu-zipingbiao/index.html").read_text(encoding="utf-8")
    assert '<meta name="description" content="住房公积金管理费用等 7 个部门预算项目' in page


def test_sitemap_and_feed(site):
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    reports = sorted((REPO / "content").glob("*/*/report.yaml"))
    years = {p.parent.parent.name for p in reports}
    units = {
        line.split("单位:")[1].strip()
        for p in reports
        for line in p.read_text(encoding="utf-8").splitlines()
        if line.startswith("单位:")
    }
    # home, year pages, reports; the portal's: the unit list, each unit's page, each year's comparison
    assert sitemap.count("<url>") == 1 + len(years) + len(reports) + 1 + len(units) + len(years)
    feed = (site / "feed.xml").read_text(encoding="utf-8")
    assert feed.count("<entry>") == len(reports)
    # entries newest first; dated by 日期 (怀化: 2021-06-21) or the end of the year
    assert feed.index("2023-12-31T00:00:00Z") < feed.index("2021-06-21T00:00:00Z")


def test_open_data(site):
    reports = json.loads((site / "data/reports.json").read_text(encoding="utf-8"))
    assert [r["年度"] for r in reports] == sorted((r["年度"] for r in reports), reverse=True)
    luzhou = next(r for r in reports if r["标题"] == "泸州市住房公积金管理中心2023年度部门预算项目支出绩效自评表")
    assert [p["总分"] for p in luzhou["项目"]] == ["99.48", "99.66", "100", "97.94", "96.92", "100", "98.26"]
    zhengti = next(r for r in reports if r["类型"] == "部门整体绩效评价报告")
    assert (zhengti["总分"], zhengti["评价等次"]) == ("91.40", "优")
    raw = (site / "data/indicators.csv").read_bytes()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:3] == ["年度", "单位", "报告"]
    # 六安: 17 + 22 indicator rows; 泸州: 10 + 11 + 10 + 12 + 14 + 16 + 11 (counted in the seed's seven forms)
    assert len(rows) - 1 == 17 + 22 + 10 + 11 + 10 + 12 + 14 + 16 + 11
    sms = next(r for r in rows if r[7] == "归集、帐户变更短信发送量")
    assert sms[8:13] == ["≥428 万条", "115.55万条", "4", "1.08", "否"]


def test_search_index_is_built_one_bundle_per_year(site):
    years = sorted({p.parent.parent.name for p in (REPO / "content").glob("*/*/report.yaml")}, reverse=True)
    assert (site / "pagefind/bundles.js").read_text(
        encoding="utf-8"
    ) == f"window.JIXIAO_SEARCH = {json.dumps([*years, 'units'])};\n"  # the unit pages' bundle last
    for year in years:
        entry = json.loads((site / f"pagefind/{year}/pagefind-entry.json").read_text(encoding="utf-8"))
        pages = len(list((REPO / "content").glob(f"{year}/*/report.yaml")))
        assert entry["languages"]["zh-cn"]["page_count"] == pages


def test_base_url_makes_links_root_relative(project):
    site_yaml = project / "content/site.yaml"
    site_yaml.write_text(
        site_yaml.read_text(encoding="utf-8") + "base_url: /gjj/xxgk/\n站点网址: https://gjj.example.gov.cn\n",
        encoding="utf-8",
    )
    assert CliRunner().invoke(main, ["build", str(project), "--no-pdf"]).exit_code == 0
    page = (project / "site/2024/demo/index.html").read_text(encoding="utf-8")
    assert 'href="/gjj/xxgk/assets/gongwen.css"' in page and 'href="/gjj/xxgk/index.html"' in page
    assert re.search(r'var base = "/gjj/xxgk/";', page)
    sitemap = (project / "site/sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://gjj.example.gov.cn/gjj/xxgk/2024/demo/index.html</loc>" in sitemap
