"""Stage: the figures the audit compares prose with are the figures the page prints (jixiao.audit, the document
tree of jixiao.document).

A figure is computed once, with its provenance, and both the tree (a `Fig` run of a table) and the audit's
index hold that same value; the audit also knows figures no table prints (an indicator's 完成率, a named figure
of 数据) because prose may state them. So every audit figure the page prints must be the printed one: same
provenance path, same value."""

from __future__ import annotations

import re

import pytest
from conftest import report_outputs
from test_audit import SECTION, append
from test_datajson import printed_figures
from test_document_report import KEYS  # the reports of content/

from jixiao.audit import Figure, FigureIndex, form_figures, near_name, report_figures
from jixiao.parts.figures.audit import named_figures
from jixiao.provenance import origin_of


@pytest.fixture(scope="module")
def built():
    return {key: report for key, (_, report) in report_outputs(KEYS).items()}


def audit_figures(view, unit: str) -> list[Figure]:
    """The audit's figures of a report: its own and its tables', its named ones, each form's."""
    forms = [figure for index, form in enumerate(view.forms) for figure in form_figures(form, index, unit)]
    return report_figures(view) + named_figures(view.figures, Figure) + forms


@pytest.mark.parametrize("key", KEYS)
def test_every_figure_the_audit_compares_and_the_page_prints_is_the_printed_one(built, key):
    report = built[key]
    printed = {
        origin_of(run.value).path: run.value
        for run in printed_figures(report.tree)
        if run.value is not None and origin_of(run.value) is not None
    }
    compared = [(figure, origin_of(figure.value)) for figure in audit_figures(report.view, report.unit)]
    shared = [(figure, origin) for figure, origin in compared if origin is not None and origin.path in printed]
    assert shared, "the audit compares no figure the page prints"
    for figure, origin in shared:
        assert figure.value == printed[origin.path], (figure.name, origin.path)


@pytest.mark.parametrize("key", KEYS)
def test_a_form_index_built_on_the_reports_is_the_index_of_all_its_figures(built, key):
    """A form's FigureIndex extends the report's (built once per report, not per form): the same figures in the same
    order, the same lookup by core name and the same pattern as an index of the report's and the form's figures."""
    view, unit = built[key].view, built[key].unit
    shared = report_figures(view) + named_figures(view.figures, Figure)
    report_index = FigureIndex(shared)
    for number, form in enumerate(view.forms):
        own = form_figures(form, number, unit)
        extended, flat = FigureIndex(own, report_index), FigureIndex(shared + own)
        assert extended.figures == flat.figures
        assert extended.by_name == flat.by_name
        assert extended.names == flat.names
        assert extended.pattern.pattern == flat.pattern.pattern
    assert report_index.figures == shared  # the report's own index is left as it was


def test_the_near_name_patterns_of_a_reports_figures_are_made_once(built):
    """near_name is cached: the report's figures stand in every form's index, and the same indicator names recur,
    so the second form index of a report spells from the cache, and a cached pattern is the one it computes."""
    view, unit = built["2023/luzhou-xiangmu-zipingbiao"].view, built["2023/luzhou-xiangmu-zipingbiao"].unit
    near_name.cache_clear()
    report_index = FigureIndex(report_figures(view) + named_figures(view.figures, Figure))
    FigureIndex(form_figures(view.forms[0], 0, unit), report_index)
    FigureIndex(form_figures(view.forms[0], 0, unit), report_index)
    assert near_name.cache_info().hits >= len(
        set(report_index.names + [f.name for f in form_figures(view.forms[0], 0, unit)])
    )
    assert all(near_name(name) == near_name.__wrapped__(name) for name in report_index.names)


def test_the_expression_a_row_score_finding_suggests_prints_the_score(project, cli):
    append(
        project, SECTION, '办件量得分{{ 自评表[0].指标["办件量"].得分 }}分，分值{{ 自评表[0].指标["办件量"].分值 }}分。'
    )
    result = cli("build", project, "--no-pdf")
    assert result.exit_code == 0, result.output
    assert "办件量得分24分，分值30分。" in re.sub(
        r"<[^>]+>", "", (project / "site/2024/demo/index.html").read_text("utf-8")
    )
