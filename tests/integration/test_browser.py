"""Stage: the published site in a real browser (Playwright driving Debian's Chromium), the Nu HTML
Checker over every page, and a crawl of a site served under its base_url. Marked slow."""

import shutil
import subprocess
from html.parser import HTMLParser
from urllib.parse import quote, urljoin, urlparse

import pytest
from click.testing import CliRunner
from conftest import REPO, serve

from jixiao.cli import main

pytestmark = pytest.mark.slow
AXE = REPO / "node_modules/axe-core/axe.min.js"
VNU = REPO / "node_modules/vnu-jar/build/dist/vnu.jar"


@pytest.fixture
def page(browser, served_site):
    """A page that records every request it makes."""
    context = browser.new_context()
    page = context.new_page()
    page.requests = []
    page.on("request", lambda request: page.requests.append(request.url))
    yield page
    context.close()


def own_requests_only(page, base: str) -> None:
    outside = [u for u in page.requests if not (u.startswith(base) or u.startswith(("data:", "blob:")))]
    assert outside == []


def test_home_to_report_to_pdf(page, served_site):
    _, url = served_site
    page.goto(url + "index.html")
    page.get_by_role("link", name="六安市住房公积金中心2023年度项目支出绩效自评").first.click()
    page.wait_for_url("**/2023/liuan-zipingbiao/index.html")
    assert "92.55" in page.inner_text("main")
    pdf_href = page.get_by_role("link", name="PDF 下载").get_attribute("href")
    response = page.request.get(urljoin(page.url, pdf_href))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.body()[:5] == b"%PDF-"
    own_requests_only(page, url)


def search(page, url: str, words: str) -> None:
    page.goto(url)
    page.fill(".pagefind-ui__search-input", words)
    page.wait_for_selector(".pagefind-ui__result-link", timeout=15000)


def test_search_finds_chinese_text(page, served_site):
    _, url = served_site
    search(page, url + "index.html", "短信")
    links = page.eval_on_selector_all(".pagefind-ui__result-link", "els => els.map(e => e.href)")
    assert any("/2023/liuan-zipingbiao/" in link for link in links)
    # results link into the section where the word stands
    sub_links = page.eval_on_selector_all(
        ".pagefind-ui__result-nested .pagefind-ui__result-link", "els => els.map(e => e.href)"
    )
    assert any("#" in link for link in sub_links)
    own_requests_only(page, url)


def test_search_merges_the_index_of_every_year(page, served_site):
    """One pagefind bundle per year, merged in the browser: a 2020 word is found from the 2023-first search."""
    _, url = served_site
    search(page, url + "index.html", "容灾备份")
    links = page.eval_on_selector_all(".pagefind-ui__result-link", "els => els.map(e => e.href)")
    assert any("/2020/huaihua-zhuanxiangzijin/" in link for link in links), links
    own_requests_only(page, url)


def test_search_works_from_a_report_page(page, served_site):
    _, url = served_site
    search(page, url + "2023/luzhou-xiangmu-zipingbiao/index.html", "短信")


def test_wide_table_does_not_widen_a_phone_page(browser, served_site):
    _, url = served_site
    context = browser.new_context(viewport={"width": 375, "height": 800}, device_scale_factor=2, is_mobile=True)
    page = context.new_page()
    page.goto(url + "2023/luzhou-xiangmu-zipingbiao/index.html")
    widths = page.evaluate("[document.documentElement.scrollWidth, document.body.scrollWidth, window.innerWidth]")
    assert widths[0] <= 375 and widths[1] <= 375, widths
    # the indicator table itself is wider and scrolls inside its frame
    assert page.evaluate("document.querySelector('.table-wrap').scrollWidth") > 375
    context.close()


@pytest.mark.parametrize(
    "path", ["index.html", "2023/luzhou-xiangmu-zipingbiao/index.html", "2023/luzhou-juesuan/index.html"]
)
def test_no_serious_accessibility_violations(page, served_site, path):
    _, url = served_site
    page.goto(url + path)
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        "async () => (await axe.run(document)).violations"
        ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length}))"
    )
    serious = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert serious == [], serious


def test_every_page_passes_the_nu_html_checker(served_site):
    out, _ = served_site
    pages = sorted(str(p) for p in out.rglob("*.html") if "pagefind" not in p.parts)
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "text", *pages],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.urls.append(value)


def test_site_under_a_base_url_has_no_broken_link(tmp_path):
    import urllib.request

    project = tmp_path / "proj"
    shutil.copytree(REPO / "content", project / "content")
    site_yaml = project / "content/site.yaml"
    site_yaml.write_text(
        site_yaml.read_text(encoding="utf-8").replace("base_url: /", "base_url: /gjj/xxgk/"), encoding="utf-8"
    )
    assert CliRunner().invoke(main, ["build", str(project)], catch_exceptions=False).exit_code == 0
    server, start = serve(project / "site", "/gjj/xxgk/")
    origin = start[: start.index("/gjj/")]
    seen, queue, checked = set(), [start + "index.html", start + "404.html"], 0
    try:
        while queue:
            url = queue.pop()
            if url in seen:
                continue
            seen.add(url)
            with urllib.request.urlopen(url, timeout=30) as response:
                assert response.status == 200, url
                body = response.read()
                kind = response.headers.get("Content-Type", "")
            checked += 1
            if "html" not in kind:
                continue
            parser = Links()
            parser.feed(body.decode("utf-8"))
            for link in parser.urls:
                target = urljoin(url, link).split("#")[0]
                if urlparse(target).scheme in ("http", "https") and target.startswith(origin):
                    assert target.startswith(start), (url, link)  # nothing escapes the sub-path
                    queue.append(quote(target, safe=":/?&=%"))  # as a browser sends it (units/示例中心/ …)
    finally:
        server.shutdown()
    assert checked > 10
