"""Stage: nothing an author types can run as script. Markup and script vectors go into every printed field, the site
is built and every page opened in Chromium (Playwright) with a handler that records any dialog; none may appear,
and feed.xml and sitemap.xml stay well-formed XML. The files of a bundle too: an SVG with a script and a page of
the author's own are refused, and what is published although it holds markup is opened on its own. Marked slow."""

import shutil
import xml.etree.ElementTree as ElementTree

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, serve

from jixiao.cli import main

pytestmark = pytest.mark.slow
# 站点网址 must be a bare https://host, but a host may carry quotes: an attribute breakout where the config accepts one.
SITE_URL = 'https://x.example"onfocus=alert("站点网址")autofocus="'


def vector(field: str) -> str:
    """Markup that would run script if it reached a page unescaped: in text, in an attribute, in <title>."""
    return (
        f'"><img src=x onerror=alert("{field}")></title><script>alert("{field}")</script>'
        f"<a href=\"javascript:alert('{field}')\">{field}</a>"
    )


def quote(field: str) -> str:
    """The field's vector as a single-quoted YAML scalar."""
    return "'" + vector(field).replace("'", "''") + "'"


FORM_REPORT = f"""类型: 项目支出绩效自评表
标题: {quote("标题")}
单位: {quote("单位")}
年度: 2023
摘要: {quote("摘要")}
自评表:
  - 项目名称: {quote("项目名称")}
    主管部门: {quote("主管部门")}
    实施单位: {quote("实施单位")}
    项目资金:
      年度资金总额: {{年初预算数: 200, 全年预算数: 200, 全年执行数: 150}}
      其中:
        - {{名称: {quote("资金来源")}, 年初预算数: 200, 全年预算数: 200, 全年执行数: 150}}
      分值: 10
      原因: {quote("原因")}
    年度总体目标: {{预期目标: {quote("预期目标")}, 实际完成情况: {quote("实际完成情况")}}}
    绩效指标:
      {quote("一级指标")}:
        {quote("二级指标")}:
          - {{三级指标: {quote("三级指标")}, 指标值: ≥100 件, 实际完成值: 80 件, 分值: 90,
             偏差原因分析及改进措施: {quote("偏差原因")}}}
    评价结论: {quote("评价结论")}
    存在问题: {quote("存在问题")}
落款: {{单位: {quote("落款")}, 日期: 2024-03-31}}
"""
FORM_SECTION = f"""---
标题: {quote("节标题")}
---
{vector("正文")}（单位: {{{{ 单位 }}}}）

## {vector("小标题")}
"""
DOCUMENT = f"""类型: 部门决算说明
标题: {quote("文档标题")}
单位: {quote("文档单位")}
年度: 2023
名词解释: [{quote("名词")}]
数据表:
  {quote("表名")}:
    标题: {quote("表标题")}
    列: [{quote("列名")}]
    文字列: [{quote("文字列名")}]
    计算: [{{名称: {quote("计算列")}, 类型: 占比, 列: [{quote("列名")}]}}]
    合计: true
    行:
      - {{名称: {quote("行名")}, {quote("列名")}: 1000.00, {quote("文字列名")}: {quote("文字")}}}
      - {{名称: 其他支出, {quote("列名")}: 500.00}}
    图: {{类型: 饼状图, 标题: {quote("饼图标题")}, 列: [{quote("列名")}]}}
  收支:
    标题: 收支
    列: [本年, 上年]
    行:
      - {{名称: {quote("柱名")}, 本年: 20.00, 上年: 10.00}}
    图: {{类型: 柱状图, 标题: {quote("柱图标题")}, 列: [上年, 本年]}}
评分: [{{名称: {quote("评分")}, 分值: 100, 得分: 90}}]
附件: [{{标题: {quote("附件标题")}, 报告: 2023/demo}}]
"""
FILES = {
    "content/site.yaml": f"站点名称: {quote('站点名称')}\n站点网址: '{SITE_URL}'\n",
    "content/2023/demo/report.yaml": FORM_REPORT,
    "content/2023/demo/01-概况.md": FORM_SECTION,
    "content/2023/juesuan/report.yaml": DOCUMENT,
    "content/2023/juesuan/01-说明.md": f"# {vector('文档正文标题')}\n\n{vector('文档正文')}\n",
    "layouts/data/名词解释.yaml": f"{quote('名词')}: {quote('解释')}\n",
}
# The fields whose vector must reach a page as text (a table's name is never printed: ids come from 表1, 表2 …).
FIELDS = [
    "站点名称",
    "标题",
    "单位",
    "摘要",
    "项目名称",
    "主管部门",
    "实施单位",
    "资金来源",
    "原因",
    "预期目标",
    "实际完成情况",
    "一级指标",
    "二级指标",
    "三级指标",
    "偏差原因",
    "评价结论",
    "存在问题",
    "落款",
    "节标题",
    "正文",
    "小标题",
    "文档标题",
    "文档单位",
    "名词",
    "解释",
    "表标题",
    "列名",
    "文字列名",
    "计算列",
    "行名",
    "文字",
    "饼图标题",
    "柱名",
    "柱图标题",
    "评分",
    "附件标题",
    "文档正文标题",
    "文档正文",
]


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    project = tmp_path_factory.mktemp("xss") / "proj"
    for name, text in FILES.items():
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(project), "--no-pdf"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    out = project / "site"
    server, url = serve(out)
    yield out, url
    server.shutdown()


def test_no_vector_runs_in_any_page(browser, hostile_site):  # noqa: F811
    out, url = hostile_site
    pages = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html") if "pagefind" not in p.parts)
    assert len(pages) >= 5
    dialogs, texts = [], []
    context = browser.new_context()
    page = context.new_page()
    page.on("dialog", lambda dialog: (dialogs.append(f"{page.url}: {dialog.message}"), dialog.dismiss()))
    for name in pages:
        page.goto(url + name, wait_until="load")
        texts.append(page.evaluate("document.documentElement.textContent"))
        live = page.evaluate("""document.querySelectorAll(
            '[onerror], [onfocus], [onload], [href^="javascript:" i], [src^="javascript:" i]').length""")
        assert live == 0, name
    context.close()
    assert dialogs == []
    printed = "\n".join(texts)
    missing = [field for field in FIELDS if f'alert("{field}")' not in printed]
    assert missing == []  # every vector reached a page, as text


@pytest.mark.parametrize("name", ["feed.xml", "sitemap.xml"])
def test_feed_and_sitemap_stay_well_formed(hostile_site, name):
    out, _ = hostile_site
    root = ElementTree.fromstring((out / name).read_bytes())
    assert SITE_URL.split('"')[0] in ElementTree.tostring(root, encoding="unicode")


def test_the_unit_feeds_stay_well_formed(hostile_site):
    """units/<单位>/feed.xml of the 单位 and the document's 单位, both hostile: their titles are text, not markup."""
    out, _ = hostile_site
    feeds = sorted((out / "units").glob("*/feed.xml"))
    titles = [ElementTree.fromstring(f.read_bytes()).findtext("{http://www.w3.org/2005/Atom}title") for f in feeds]
    assert len(titles) == 2 and all('<script>alert("' in title for title in titles)


# -- files of the bundle -----------------------------------------------------------------------------------------

# What a bundle may hold that a browser would run at the site's address, opened on its own (its link, its URL) …
ACTIVE_FILES = {
    "攻击.svg": '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(\'svg onload\')">'
    '<script>alert("svg script")</script></svg>\n',
    "附件.html": '<p>附件</p><script>alert("html")</script>\n',
}
# … and what it may publish although it holds markup, since a browser shows it as a drawing, text or a broken image.
INERT_FILES = {
    "图.svg": '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><defs><linearGradient id="g">'
    '<stop offset="0" stop-color="#000"/></linearGradient></defs><style>rect { fill: url(#g) }</style>'
    '<rect width="40" height="20"/><text y="15">图</text></svg>\n',
    "说明.txt": '<script>alert("txt")</script>\n',
    "伪装.png": '<script>alert("png")</script>\n',
}
BUNDLE_SECTION = "# 附图\n\n![图](图.svg)\n\n见[说明](说明.txt)、[伪装](伪装.png)。\n"


def open_published(browser, site, names: list[str]) -> list[str]:
    """Open each file of the report's folder in Chromium as a web server serves it; the dialogs that appeared."""
    if not site.exists():
        return []
    server, url = serve(site)
    dialogs = []
    context = browser.new_context()
    page = context.new_page()
    page.on("dialog", lambda dialog: (dialogs.append(f"{page.url}: {dialog.message}"), dialog.dismiss()))
    for name in names:
        page.goto(f"{url}2024/demo/{name}", wait_until="load")
    context.close()
    server.shutdown()
    return dialogs


def test_no_file_of_a_bundle_runs_when_opened(browser, tmp_path):
    project = tmp_path / "proj"
    shutil.copytree(FIXTURES / "minimal", project)
    bundle = project / "content/2024/demo"
    for name, text in {**ACTIVE_FILES, **INERT_FILES}.items():
        (bundle / name).write_text(text, encoding="utf-8")
    (bundle / "02-附图.md").write_text(BUNDLE_SECTION + "[攻击](攻击.svg)、[附件](附件.html)\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(project), "--no-pdf"], catch_exceptions=False)
    assert open_published(browser, project / "site", ["index.html", *ACTIVE_FILES, *INERT_FILES]) == []
    assert result.exit_code == 1
    assert "content/2024/demo/攻击.svg:1:1: error: SVG 图片中有会执行脚本或读取外部资源的内容" in result.output
    assert "content/2024/demo/附件.html: error: 报告文件夹中的「附件.html」不是可以发布的文件类型" in result.output

    for name in ACTIVE_FILES:
        (bundle / name).unlink()
    (bundle / "02-附图.md").write_text(BUNDLE_SECTION, encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(project), "--no-pdf"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert open_published(browser, project / "site", ["index.html", *INERT_FILES]) == []
    assert (project / "site/2024/demo/图.svg").read_text(encoding="utf-8") == INERT_FILES["图.svg"]
