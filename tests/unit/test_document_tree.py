"""Stage: the document tree — a 自评表 and an evaluation's 评分表 laid out once, in Python (jixiao.parts), and
written by the theme's block templates, which a site can override for every table at once.

Fixtures: tests/fixtures/minimal (one 自评表, demo; edited below where a test needs a note or an empty group)
and tests/fixtures/model (pingjia: an evaluation's 评分表).
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from conftest import FIXTURES, REPO, assess_in_site, edit, write

from jixiao.directives import TABLES
from jixiao.document.blocks import Fig, Table, Text, printed_sections
from jixiao.parts.registry import LAYOUTS

DEMO = "content/2024/demo/report.yaml"


def demo_form(project, *edits: tuple[str, str]):
    """The demo's 自评表 laid out, after the given edits of its report.yaml."""
    for old, new in edits:
        edit(project / DEMO, old, new)
    view, _ = assess_in_site(project, "2024/demo")
    return LAYOUTS["自评表"](view.forms[0], view.year, "万元")


# the demo's 产出指标 with a note under 办件量, an empty 质量指标 between its two 二级指标, and an empty 效益指标
NOTED = ("偏差原因分析及改进措施: 需求少于预期}", "偏差原因分析及改进措施: 需求少于预期, 说明: 按系统统计}")
EMPTY_SECOND = ("        成本指标:", "        质量指标:\n        成本指标:")
EMPTY_FIRST = ("      满意度指标:\n", "      效益指标:\n      满意度指标:\n")


def test_a_first_level_label_spans_its_rows_and_their_notes(project):
    head, indicators = demo_form(project, NOTED, EMPTY_SECOND, EMPTY_FIRST).blocks
    assert [s.part for s in indicators.sections] == ["head", "body", "body", "body", "foot", "body"]
    output = indicators.sections[1]
    assert output.classes == ("group",)
    # 产出指标: 办件量 and its note row (数量指标), the empty 质量指标 row, 运行成本 (成本指标) — 4 rows
    rows = output.rows
    assert len(rows) == 4
    first, second = rows[0].cells[:2]
    assert (first.text, first.rowspan, first.scope, first.repeat) == ("产出指标", 4, "rowgroup", True)
    assert (second.text, second.rowspan) == ("数量指标", 2)  # 办件量 and its note
    assert [c.text for c in rows[0].cells[2:]] == ["办件量", "≥100 件", "80件", "30", "24", "需求少于预期"]
    # 80 of ≥100 is not met; a row with a note is kept with it
    assert rows[0].classes == ("keep-next", "unmet") and rows[0].print_id == "ind-示例项目-1-1-1"
    note = rows[1].cells
    assert (len(note), note[0].text, note[0].colspan, rows[1].classes) == (1, "说明：按系统统计", 6, ("note-row",))
    empty = rows[2].cells
    assert (empty[0].text, empty[0].rowspan) == ("质量指标", 1) and [c.text for c in empty[1:]] == [""] * 6
    assert rows[2].print_id == "ind-示例项目-1-2-1-cont"
    assert (rows[3].cells[0].text, rows[3].cells[0].rowspan, rows[3].print_id) == (
        "成本指标",
        1,
        "ind-示例项目-1-3-1-cont",
    )
    # 效益指标 without 二级指标: one row, its label not merged, an empty cell across the other 7 columns
    (alone,) = indicators.sections[2].rows
    assert [(c.text, c.scope, c.colspan, c.repeat) for c in alone.cells] == [
        ("效益指标", "rowgroup", 1, False),
        ("", None, 7, False),
    ]
    assert indicators.sections[4].print_only and indicators.sections[4].classes == ("rule",)
    assert indicators.repeat_labels and indicators.columns[0] == "c-l1" and len(indicators.columns) == 8


def test_in_print_each_row_carries_its_group_labels(project):
    _, indicators = demo_form(project, NOTED, EMPTY_SECOND).blocks
    rows = printed_sections(indicators, pdf=True)[1].rows
    labels = [[(c.text, c.classes) for c in row.cells[:2]] for row in rows]
    assert labels == [
        [("产出指标", ("label", "open")), ("数量指标", ("label", "open"))],
        [("产出指标", ("label", "cont", "open")), ("数量指标", ("label", "cont"))],  # the note row closes 数量指标
        [("产出指标", ("label", "cont", "open")), ("质量指标", ("label",))],
        [("产出指标", ("label", "cont")), ("成本指标", ("label",))],
    ]
    assert rows[1].cells[0].content == (Text("产出指标", "repeat"),)  # a hidden copy, shown at a page top
    assert len(printed_sections(indicators, pdf=False)) == len(indicators.sections) - 1  # no rule on screen


def test_every_figure_of_the_form_is_a_figure_run(project):
    head, indicators = demo_form(project).blocks
    funds = (
        head.sections[1].rows[1].cells
    )  # 年度资金总额: 200 200 150 (as written), 分值 10, 执行率 150 ÷ 200 = 75.00% (printed 75%), 得分 10 × 75% = 7.50
    assert [c.kind for c in funds[1:]] == ["amount", "amount", "amount", "score", "rate", "score"]
    assert all(isinstance(c.content[0], Fig) for c in funds[1:])
    assert [c.text for c in funds[1:]] == ["200", "200", "150", "10", "75%", "7.50"]
    total = indicators.sections[-1].rows[0].cells  # 总分 of 100: 10 × 75% = 7.50, 办件量 30 × 80 ÷ 100 = 24,
    # 运行成本 30 × (1 − (60 − 50) ÷ 50) = 24, 按时完成 良 = 80% of 30 = 24: 79.50
    assert [(c.kind, c.text) for c in total[1:]] == [("score", "100"), ("score", "79.50"), ("grade", "评价等次：中")]
    assert isinstance(total[1].content[0], Fig) and total[1].content[0].value == Decimal(100)


def test_the_score_sheet_prints_each_level_with_its_weight_as_a_figure():
    view, _ = assess_in_site(FIXTURES / "model", "2024/pingjia")
    sheet: Table = LAYOUTS["评分表"](view)
    levels = sheet.sections[-1].rows
    # the report type 绩效评价报告 weighs 决策, 过程, 产出, 效益 at 20, 20, 30, 30 (the fixture's comment)
    assert [row.cells[0].text for row in levels] == [
        "决策（权重 20）",
        "过程（权重 20）",
        "产出（权重 30）",
        "效益（权重 30）",
        "总分",
    ]
    assert [run for run in levels[0].cells[0].content if isinstance(run, Fig)] == [Fig(Decimal(20))]


def test_a_row_the_evaluator_scored_has_no_target_and_no_actual():
    view, _ = assess_in_site(FIXTURES / "model", "2024/pingjia")
    first = LAYOUTS["评分表"](view).sections[1].rows[0]
    # 立项依据充分性: 分值 5, 得分 5 with its 评分标准, no 指标值 nor 实际完成值 (they printed as "None")
    assert [c.text for c in first.cells[2:]] == ["立项依据充分性", "", "", "5", "5", "立项依据充分得满分"]


def test_every_placeable_table_has_a_layout():
    assert set(TABLES) <= set(LAYOUTS)


def test_a_site_block_template_changes_every_table_of_the_page(project, cli):
    write(
        project / "layouts/blocks/table.html",
        '<table class="mine" data-part="{{ node.classes | join(\' \') }}">{{ node.width }}</table>\n',
    )
    cli("build", project, "--no-pdf")
    page = (project / "site/2024/demo/index.html").read_text(encoding="utf-8")
    # the demo prints its 自评汇总, its 预算执行情况 (placed in 01-概况.md) and its 自评表 (head and indicators)
    assert re.findall(r'<table class="mine" data-part="([^"]*)">(\d+)</table>', page) == [
        ("summary", "9"),
        ("budget", "7"),
        ("form", "8"),
        ("form form-indicators", "8"),
    ]
    assert page.count("<table") == 4


def test_every_figure_of_a_form_goes_through_the_sites_fig_macro(project, cli):
    write(
        project / "layouts/macros.html",
        '{% macro fig(value, stated=none) %}<b class="mine">{{ value }}</b>{% endmacro %}\n',
    )
    cli("build", project, "--no-pdf")
    page = (project / "site/2024/demo/index.html").read_text(encoding="utf-8")
    # the 预算执行情况 row: 200 200 150, 执行率 75%, 分值 10, 得分 7.50 (see above)
    assert (
        '<td class="num"><b class="mine">200</b></td><td class="num"><b class="mine">200</b></td>'
        '<td class="num"><b class="mine">150</b></td><td class="num"><b class="mine">75%</b></td>'
        '<td class="num"><b class="mine">10</b></td><td class="num"><b class="mine">7.50</b></td>'
    ) in page
    # 总分 79.50 of 100 in the form, and in the 自评汇总
    assert page.count('<b class="mine">79.50</b>') == 2


def test_a_score_sheet_note_is_printed_under_it_and_published(tmp_path, cli):
    """评分表.说明 — a field added to the 评分表 in its own folder (parts/score_sheet: model, view, compute, layout)."""
    import json
    import shutil

    project = tmp_path / "model"
    shutil.copytree(FIXTURES / "model", project)
    edit(
        project / "content/2024/pingjia/report.yaml",
        "评分表:\n",
        "评分表:\n  说明: 评分由第三方评价组按财预〔2020〕10号给出。\n",
    )
    view, _ = assess_in_site(project, "2024/pingjia")
    assert LAYOUTS["评分表"](view).note == "评分由第三方评价组按财预〔2020〕10号给出。"
    assert cli("build", project, "--no-pdf").exit_code == 0
    page = (project / "site/2024/pingjia/index.html").read_text(encoding="utf-8")
    assert re.search(r'</table>\n<p class="table-note">说明：评分由第三方评价组按财预〔2020〕10号给出。</p>', page)
    data = json.loads((project / "site/2024/pingjia/data.json").read_text(encoding="utf-8"))
    assert data["报告"]["评分表"]["说明"] == "评分由第三方评价组按财预〔2020〕10号给出。"


def test_figures_with_their_units_are_kept_on_one_line():
    from jixiao.document.html import keep_figures

    assert keep_figures("财政拨款8万元及自有资金") == '财政拨款<span class="nobr">8万元</span>及自有资金'
    assert keep_figures("≥90%") == '<span class="nobr">≥90%</span>'
    # 0.55 × 8 + 2 = 6.4 em: wider than a form's figure column (5 em), so its unit may go to the next line
    assert keep_figures("≤236.417万元") == '<span class="nobr">≤236.417</span><span class="nobr">万元</span>'
    assert keep_figures("<b>共3个</b>") == '&lt;b&gt;共<span class="nobr">3个</span>&lt;/b&gt;'
    assert keep_figures("表1 评价组成员") == "表1 评价组成员"
    assert keep_figures("按季度完成") == "按季度完成"


def test_a_sections_rows_carry_their_print_id_only_in_print(project):
    """write_rows writes each <tr> of a section (its print id in print, its classes) for blocks/table.html."""
    from jixiao.site import open_site

    _, indicators = demo_form(project, NOTED).blocks
    env = open_site(project).env
    template = env.from_string("{% for s in printed_sections(node, pdf) %}{{ write_rows(s) }}{% endfor %}")
    screen = template.render(node=indicators, pdf=False, anchor_prefix="p1-")
    printed = template.render(node=indicators, pdf=True, anchor_prefix="p1-")
    # the 办件量 row: not met and followed by its note, so kept with it; in print it is the group's first row
    assert '    <tr class="keep-next unmet"><th scope="rowgroup"' in screen
    assert '    <tr id="p1-ind-示例项目-1-1-1" class="keep-next unmet"><th' in printed
    assert 'id="p1-' not in screen
    assert screen.count("<tr") == sum(len(s.rows) for s in printed_sections(indicators, pdf=False))


def test_a_theme_writing_each_row_itself_gets_the_cells_write_rows_writes(project):
    """docs/layout.md: a table.html may loop over a section's rows and call write_cells(row) for each."""
    from jixiao.site import open_site

    env = open_site(project).env
    by_row = env.from_string(
        "{% for s in printed_sections(node, pdf) %}{% for row in s.rows %}<tr>{{ write_cells(row) }}</tr>\n"
        "{% endfor %}{% endfor %}"
    )
    by_section = env.from_string("{% for s in printed_sections(node, pdf) %}{{ write_rows(s) }}{% endfor %}")
    _, indicators = demo_form(project, NOTED).blocks
    cells = re.compile(r"<tr[^>]*>(.*)</tr>")
    for pdf in (False, True):
        names = {"node": indicators, "pdf": pdf, "anchor_prefix": "p1-"}
        written = cells.findall(by_row.render(**names))
        assert written == cells.findall(by_section.render(**names))
        assert len(written) == sum(len(s.rows) for s in printed_sections(indicators, pdf=pdf))
    assert '<th scope="rowgroup"' in by_row.render(node=indicators, pdf=False)


# blocks/table.html's loop over a table's sections before write_sections wrote them (bench/HISTORY.md, seventh wave):
# what a theme's own table.html may still do
LOOPED_SECTIONS = (
    "{% for s in printed_sections(node, pdf) %}\n"
    '  <{{ "thead" if s.part == "head" else "tfoot" if s.part == "foot" else "tbody" }}'
    "{% if s.classes %} class=\"{{ s.classes | join(' ') }}\"{% endif %}>\n"
    '{{ write_rows(s) }}  </{{ "thead" if s.part == "head" else "tfoot" if s.part == "foot" else "tbody" }}>\n'
    "{% endfor %}\n"
)


def test_a_tables_sections_are_written_as_the_themes_loop_over_them_wrote_them(project):
    from jixiao.site import open_site

    env = open_site(project).env
    looped, written = env.from_string(LOOPED_SECTIONS), env.from_string("{{ write_sections(node) }}")
    head, indicators = demo_form(project, NOTED).blocks
    for table in (head, indicators):
        for pdf in (False, True):
            names = {"node": table, "pdf": pdf, "anchor_prefix": "p1-"}
            assert written.render(**names) == looped.render(**names)
    screen = written.render(node=indicators, pdf=False)
    # the header rows, a 一级指标 per tbody with its class; in print only, the closing rule's tfoot
    assert screen.startswith("  <thead>\n    <tr>") and '  <tbody class="group">\n    <tr' in screen
    assert "<tfoot" not in screen
    assert '  <tfoot class="rule">\n    <tr><td colspan="' in written.render(node=indicators, pdf=True)


def test_a_sites_table_html_looping_over_the_sections_itself_is_used(project, cli):
    write(
        project / "layouts/blocks/table.html",
        '<table class="mine">\n' + LOOPED_SECTIONS + "</table>\n",
    )
    assert cli("build", project, "--no-pdf").exit_code == 0
    page = (project / "site/2024/demo/index.html").read_text(encoding="utf-8")
    assert page.count('<table class="mine">') == 4 and page.count("<table") == 4
    assert '<table class="mine">\n  <thead>\n    <tr>' in page and '  <tbody class="group">\n    <tr' in page


def test_a_labelled_groups_first_row_keeps_every_field_but_its_cells():
    # with_label makes the first row again from its fields, not by `_replace` (bench/HISTORY.md, seventh wave): a
    # field Row gains must be carried there too.
    from jixiao.document.blocks import Row
    from jixiao.parts import cells
    from jixiao.parts.indicators.layout import with_label

    row = Row((cells.text("办件量"),), ("keep-next", "unmet"), "ind-1-1-1")
    first, second = with_label([row, Row((cells.text("运行成本"),))], "产出指标")
    assert [c.text for c in first.cells] == ["产出指标", "办件量"] and first.cells[0].rowspan == 2
    assert all(getattr(first, name) == getattr(row, name) for name in Row._fields if name != "cells")
    assert second.cells[0].text == "运行成本"


def recorded_renders(monkeypatch, folder, prefixes: tuple[str, ...]) -> list[tuple]:
    """The arguments of each `TemplateRun.render` of a layout named with one of `prefixes` while every report of
    the site at `folder` is built."""
    from jixiao.library import read_site
    from jixiao.page import build_report
    from jixiao.render import TemplateRun
    from jixiao.site import open_site

    renders, render = [], TemplateRun.render

    def recorded(self, env, name, names, where):
        if name.startswith(prefixes):
            renders.append((env, name, names, where))
        return render(self, env, name, names, where)

    with monkeypatch.context() as patched:
        patched.setattr(TemplateRun, "render", recorded)
        site = open_site(folder)
        library = read_site(site)
        for key in library.bundles:
            build_report(site, library, library.model(), key)
    return renders


def assert_written_as_the_templates_print(monkeypatch, renders, writers: str, written: dict, built_in: str) -> None:
    """Each render, on screen and in print, prints the same with html.<writers> = `written` as with html.<built_in>
    emptied (every layout rendered by its template), and records the same layouts as used."""
    from jixiao.document import html
    from jixiao.render import TemplateRun

    for env, name, names, where in renders:
        for pdf in (False, True):
            by_python, by_templates = TemplateRun(), TemplateRun()
            with monkeypatch.context() as patched:
                patched.setattr(html, writers, written)
                printed = by_python.render(env, name, {**names, "pdf": pdf}, where)
            with monkeypatch.context() as patched:
                patched.setattr(html, built_in, {})
                assert by_templates.render(env, name, {**names, "pdf": pdf}, where) == printed
            assert by_python.used == by_templates.used


def test_the_blocks_written_in_python_print_what_the_built_in_templates_print(monkeypatch):
    # A block whose template is the built-in theme's own is written by html.BLOCK_WRITERS (bench/HISTORY.md, eighth
    # wave): every page of the repository, on screen and in print, as the templates print it, the same templates
    # recorded as used.
    from jixiao.document import html

    pages = recorded_renders(monkeypatch, REPO, ("report/",))
    written = []
    writers = {
        kind: lambda *args, w=w: written.append(args[1].kind) or w(*args) for kind, w in html.BLOCK_WRITERS.items()
    }
    assert_written_as_the_templates_print(monkeypatch, pages, "BLOCK_WRITERS", writers, "BUILT_IN_BLOCKS")
    assert len(pages) >= 6 and set(written) >= {"division", "heading", "paragraph", "placement", "group", "table"}


@pytest.mark.parametrize(
    ("folder", "unplaced"),
    [(REPO, "tables/evaluation.html"), (FIXTURES / "model", "tables/scores.html")],
    ids=["repository", "model"],
)
def test_the_tables_written_in_python_print_what_the_built_in_templates_print(monkeypatch, folder, unplaced):
    # A built-in tables/*.html is written by html.TABLE_WRITERS (bench/HISTORY.md, eleventh wave): every page and
    # every table its text places (`::表格`), and each form of a page by the form's own three tables and a part by
    # tables/part.html, on screen and in print, print what the templates print, the same templates recorded as used.
    from jixiao.document import html

    renders = recorded_renders(monkeypatch, folder, ("report/", "tables/"))
    for env, name, names, where in [*renders]:
        if name.startswith("report/"):
            for form in names["report"].forms:
                for table in ("tables/form.html", "tables/budget.html", "tables/indicators.html"):
                    renders.append((env, table, {**names, "form": form}, where))
            renders.append((env, "tables/part.html", {**names, "part": "评分"}, where))
    written = []
    writers = {name: lambda c, name=name, w=w: written.append(name) or w(c) for name, w in html.TABLE_WRITERS.items()}
    assert_written_as_the_templates_print(monkeypatch, renders, "TABLE_WRITERS", writers, "BUILT_IN_TABLES")
    assert set(written) == set(html.TABLE_WRITERS) - {unplaced}


def test_a_sites_own_table_templates_are_rendered_where_the_body_and_the_text_place_them(project, cli):
    # tables/*.html is written in Python only while it is the built-in theme's own: the demo's body places its
    # 自评表 (tables/form.html), its text its 预算执行情况 (`::表格`, tables/budget.html)
    write(project / "layouts/tables/form.html", '<div class="mine">{{ form.项目名称 }}</div>\n')
    write(project / "layouts/tables/budget.html", '<div class="mine budget">{{ site.默认单位 }}</div>\n')
    assert cli("build", project, "--no-pdf").exit_code == 0
    page = (project / "site/2024/demo/index.html").read_text(encoding="utf-8")
    assert page.count('<div class="mine">') == 1 and page.count('<div class="mine budget">万元</div>') == 1
    assert page.count("<table") == 1  # the 自评结果汇总's, by the built-in tables/summary.html


def test_a_sites_runs_html_writes_the_captions_of_the_built_in_table_html(project, cli):
    # blocks/table.html is written in Python only while the `show` it imports is the built-in one too
    write(
        project / "layouts/blocks/runs.html",
        "{% macro show(content) -%}<i>{{ write_runs(content) }}</i>{%- endmacro %}\n",
    )
    assert cli("build", project, "--no-pdf").exit_code == 0
    page = (project / "site/2024/demo/index.html").read_text(encoding="utf-8")
    assert page.count("<caption><i>") == page.count("<caption>") == 3 and "<caption><i>项目支出绩效自评表<br>" in page


def test_a_page_written_by_the_built_in_blocks_is_built_again_when_a_site_adds_its_own(project, cli):
    # A block jixiao writes itself is never compiled (render.compile_templates), but the page still records its
    # file as used: a site that adds its own heading.html, or its own fig macro, changes the page's key.
    assert cli("build", project, "--no-pdf").exit_code == 0
    write(
        project / "layouts/blocks/heading.html",
        '<h{{ node.level }} class="mine">{{ node.html | safe }}</h{{ node.level }}>\n',
    )
    assert "（重建 1，沿用 0）" in cli("build", project, "--no-pdf").output
    page = (project / "site/2024/demo/index.html").read_text(encoding="utf-8")
    assert '<h2 class="mine">' in page and '<h2 id="' not in page
    write(
        project / "layouts/macros.html",
        '{% macro fig(value, stated=none) %}<b class="mine">{{ value }}</b>{% endmacro %}\n',
    )
    assert "（重建 1，沿用 0）" in cli("build", project, "--no-pdf").output
    assert '<b class="mine">79.50</b>' in (project / "site/2024/demo/index.html").read_text(encoding="utf-8")
