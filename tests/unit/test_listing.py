"""The site's listings (issue 22, sixth wave): the rows of a report list and of a portal table are written by
jixiao.listing in Python, as the template loops wrote them, and a site's own report-list.html or portal-table.html
is still the one used. Checked by what is called and what is written, never by timing (bench/README.md)."""

from __future__ import annotations

import pytest
from conftest import edit, write

import jixiao.listing
from jixiao.build import build_site
from jixiao.contexts import PortalCell, PortalTable, ProjectEntry, ReportEntry
from jixiao.site import open_site

DEMO = "content/2024/demo/report.yaml"

# The theme's loops as they were before the writers (e00532f), the reference the writers' bytes are compared with.
REPORT_LOOP = """{% for unit, by_unit in entries | groupby("单位") %}
<section class="unit">
  <h3>{{ unit }}</h3>
  <ul class="report-list">
  {% for r in by_unit %}
    <li>
      <a class="report-title" href="{{ root }}{{ r.url }}">{{ r.标题 }}</a>
      {# the type is not repeated under a title that is the type's name (标题: 项目支出绩效自评报告) #}
      {% set meta = [] if r.类型 == r.标题 else [r.类型] %}{% if r.项目数 > 1 %}{% set meta = meta + [r.项目数 ~ " 个项目"] %}{% endif %}{% if r.日期 %}{% set meta = meta + [r.日期 | cn_date] %}{% endif %}
      <span class="meta">{{ meta | join(" · ") }}</span>
      {% if r.总分 is not none %}<span class="score">总分 {{ r.总分 }}{% if r.评价等次 %}（{{ r.评价等次 }}）{% endif %}</span>{% endif %}
      {% if r.摘要 %}<p class="summary">{{ r.摘要 }}</p>{% endif %}
      <p class="links"><a href="{{ root }}{{ r.url }}">网页</a>{% if r.pdf %} · <a href="{{ root }}{{ r.pdf }}">PDF</a>{% endif %} · <a href="{{ root }}{{ r.data }}">数据（JSON）</a></p>
    </li>
  {% endfor %}
  </ul>
</section>
{% endfor %}
"""
PORTAL_LOOP = """  <tbody>
  {% for row in table.rows %}
    <tr>{% for cell in row %}<td{% if cell.sort %} data-sort="{{ cell.sort }}" class="num"{% endif %}>{% if cell.href %}<a href="{{ root }}{{ cell.href }}">{{ cell.text }}</a>{% else %}{{ cell.text }}{% endif %}</td>{% endfor %}</tr>
  {% endfor %}
  </tbody>
"""


def entry(title: str, unit: str, **fields: object) -> ReportEntry:
    values = {
        "标题": title,
        "单位": unit,
        "类型": "项目支出绩效自评表",
        "日期": None,
        "总分": None,
        "评价等次": None,
        "摘要": None,
        "年度": 2023,
        "项目数": 1,
        "项目": [ProjectEntry("甲", None, None, None, None, None)],
        "url": "2023/a/index.html",
        "data": "2023/a/data.json",
        "pdf": None,
        **fields,
    }
    return ReportEntry(**values)


# every branch of an entry: the type shown or not, projects, a date, a score with and without its grade, a summary,
# a PDF, and texts a page must escape
ENTRIES = [
    entry("项目支出绩效自评表", "乙单位"),
    entry(
        "<b>甲</b> & 报告",
        "甲单位 <i>",
        日期="2024-03-01",
        总分="95.50",
        评价等次="优",
        摘要='摘要 "引号" & <br>',
        项目数=7,
        url="2023/a&b/index.html",
        pdf="2023/a/报告.pdf",
    ),
    entry("乙报告", "甲单位 <i>", 总分="80", 项目数=2, 日期="2023-12-31", pdf="2023/b.pdf"),
    entry("丙报告", "乙单位", 总分="", 评价等次="良"),
]


def theme_environment(project):
    """The environment of a site of the built-in theme, with its globals (the writers among them)."""
    return open_site(project).env


def test_a_report_list_is_written_by_pythons_writer_as_the_templates_loop_wrote_it(project, monkeypatch):
    # A sandboxed loop over the home page's 1000 entries took 0.05 s of a one-report build (bench/HISTORY.md).
    env = theme_environment(project)
    expected = env.from_string(REPORT_LOOP).render(entries=ENTRIES, root="../")
    written = []
    item = jixiao.listing.report_item
    monkeypatch.setattr(jixiao.listing, "report_item", lambda r, root: written.append(r) or item(r, root))
    assert env.get_template("report-list.html").render(entries=ENTRIES, root="../") == expected
    assert written == [ENTRIES[0], ENTRIES[3], ENTRIES[1], ENTRIES[2]]  # grouped by unit (乙 U+4E59 before 甲 U+7532)
    assert "&lt;b&gt;甲&lt;/b&gt; &amp; 报告" in expected and "项目支出绩效自评表 · 7 个项目 · 2024年3月1日" in expected


def test_a_portal_tables_rows_are_written_by_pythons_writer_as_the_templates_loop_wrote_them(project, monkeypatch):
    # A year's comparison page of 125 reports has some 900 rows of ten cells (0.04 s in a sandboxed loop).
    env = theme_environment(project)
    written = []
    cell = jixiao.listing.portal_cell
    monkeypatch.setattr(jixiao.listing, "portal_cell", lambda c, root: written.append(c.text) or cell(c, root))
    table = PortalTable(
        "项目支出绩效自评",
        ["单位", "项目", "执行率（%）", "等次"],
        [
            [
                PortalCell("甲 <单位>", "units/jia/index.html", ""),
                PortalCell("项目 & 一", "2023/a/index.html", ""),
                PortalCell("94.84%", "2023/a/index.html#f-1", "94.84"),
                PortalCell("优", None, ""),
            ],
            [
                PortalCell("乙", None, ""),
                PortalCell("—", None, ""),
                PortalCell("—", None, ""),
                PortalCell("'良'", None, ""),
            ],
        ],
    )
    expected = env.from_string(PORTAL_LOOP).render(table=table, root="../")
    page = env.get_template("portal-table.html").render(table=table, root="../")
    assert expected in page
    assert written == ["甲 <单位>", "项目 & 一", "94.84%", "优", "乙", "—", "—", "'良'"]
    assert '<td data-sort="94.84" class="num"><a href="../2023/a/index.html#f-1">94.84%</a></td>' in expected


@pytest.mark.parametrize(
    ("template", "own", "page", "shown"),
    [
        (
            "report-list.html",
            "{% for r in entries %}<p class=own>{{ r.标题 }}</p>{% endfor %}\n",
            "index.html",
            "<p class=own>",
        ),
        (
            "portal-table.html",
            "<table>{% for row in table.rows %}<tr class=own>{% for c in row %}<td>{{ c.text }}</td>{% endfor %}"
            "</tr>{% endfor %}</table>\n",
            "2024/units.html",
            "<tr class=own><td>",
        ),
    ],
)
def test_a_sites_own_list_or_table_template_is_still_the_one_used(
    project, cli, monkeypatch, template, own, page, shown
):
    # The writers are the built-in theme's; a site's template that loops itself is rendered as any template is.
    write(project / "layouts" / template, own)
    called = []
    monkeypatch.setattr(jixiao.listing, "report_item", lambda *args: called.append(args) or "")
    monkeypatch.setattr(jixiao.listing, "portal_cell", lambda *args: called.append(args) or "")
    assert cli("build", project, "--no-pdf").exit_code == 0
    assert shown in (project / "site" / page).read_text(encoding="utf-8")
    kind = ReportEntry if template == "report-list.html" else PortalCell
    assert not [args for args in called if isinstance(args[0], kind)]


def test_the_404_page_is_linked_from_the_previous_output_unless_a_template_changed(project):
    # 404.html shows no report (its context is the site's settings): a build that compared the reports with the
    # previous build's (the templates as they were) takes it as it was, whatever changed in them.
    build_site(project, search=False)
    page = project / "site" / "404.html"
    before = page.stat().st_ino
    edit(project / DEMO, "实际完成值: 80 件", "实际完成值: 90 件")
    assert build_site(project, search=False).rebuilt == 1
    assert page.stat().st_ino == before  # a hard link to the previous output's
    write(project / "layouts" / "search.html", "<p>搜索</p>\n")
    build_site(project, search=False)
    assert page.stat().st_ino != before and "<p>搜索</p>" in page.read_text(encoding="utf-8")
