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

from jixiao.audit import Figure, form_figures, report_figures
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


def test_the_expression_a_row_score_finding_suggests_prints_the_score(project, cli):
    append(
        project, SECTION, '办件量得分{{ 自评表[0].指标["办件量"].得分 }}分，分值{{ 自评表[0].指标["办件量"].分值 }}分。'
    )
    result = cli("build", project, "--no-pdf")
    assert result.exit_code == 0, result.output
    assert "办件量得分24分，分值30分。" in re.sub(
        r"<[^>]+>", "", (project / "site/2024/demo/index.html").read_text("utf-8")
    )
