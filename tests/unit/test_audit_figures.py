"""Stage: the figures the audit compares prose with are the figures the page prints (jixiao.audit, the document
tree of jixiao.document).

A figure is computed once, with its provenance, and both the tree (a `Fig` run of a table) and the audit's
index hold that same value; the audit also knows figures no table prints (an indicator's 完成率, a named figure
of 数据) because prose may state them. So every audit figure the page prints must be the printed one: same
provenance path, same value."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from decimal import Decimal
from functools import partial

import pytest
from conftest import form_figures, report_outputs
from test_audit import SECTION, append
from test_datajson import printed_figures
from test_document_report import KEYS  # the reports of content/

from jixiao import phrasing
from jixiao.audit import (
    Figure,
    FigureIndex,
    FormIndex,
    _equal,
    collect_texts,
    core_name,
    markdown_paragraphs,
    near_name,
    report_figures,
)
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


@pytest.fixture(scope="module")
def sources():
    from conftest import REPO

    from jixiao.library import read_site
    from jixiao.site import open_site

    library = read_site(open_site(REPO))
    return {key: library.source(key) for key in KEYS}


def matches(pattern, text: str) -> list[tuple]:
    return (
        [(m.span(), m.group("name"), m.group("number"), m.group("unit")) for m in pattern.finditer(text)]
        if pattern
        else []
    )


@pytest.mark.parametrize("key", KEYS)
def test_a_scope_searched_with_the_names_its_texts_hold_finds_what_all_its_names_find(built, sources, key):
    """A form's index extends the report's (built once per report, not per form), and the texts of a scope are
    searched with the pattern of only the names they could hold: every text of the six reports gives the same
    matches (where, which name, number and unit) as the pattern of all the names of its scope, as before."""
    view, unit, source = built[key].view, built[key].unit, sources[key]
    report_index = FigureIndex(report_figures(view) + named_figures(view.figures, Figure))
    indexes = {id(form): FormIndex(form, i, unit, report_index) for i, form in enumerate(view.forms)}
    texts = list(collect_texts(source.report, view.forms, list(markdown_paragraphs(source))))
    found = 0
    for index in (report_index, *indexes.values()):
        names = sorted(indexed_names(index))
        if not names:
            continue
        scope = [t.text for t in texts if (indexes[id(t.form)] if t.form is not None else report_index) is index]
        # and prose naming every figure, by its name and by a near one (项目 inside it), for the matches to compare
        scope += ["，".join(f"{name[:1]}项目{name[1:]}为{i}.5万元" for i, name in enumerate(names))]
        scope += ["。".join(f"{name}达到{i}%" for i, name in enumerate(names))]
        everything = phrasing.figure_pattern(names, near_name)
        pattern = index.pattern_for(scope)
        for text in scope:
            assert matches(pattern, text) == matches(everything, text)
            found += len(matches(everything, text))
    assert found
    assert report_index.figures == report_figures(view) + named_figures(view.figures, Figure)  # left as it was


def indexed_names(index) -> set[str]:
    """Every name an index files (under the first character of its core): a form's, the report's and its groups'."""
    if isinstance(index, FormIndex):
        by_firsts = [index.base.by_first, *(names.by_first for names, _ in index.groups)]
    else:
        by_firsts = [index.by_first]
    return {name for by_first in by_firsts for names in by_first.values() for name in names}


# How each kind of figure is written in prose, for `alike`: in its unit, and in another of its dimension.
WRITTEN_UNITS = {"rate": ("%",), "score": ("分", None), "money": ("万元", "亿元", "元"), "count": (None, "万人")}


def assert_answers_alike(lazy: FormIndex, flat: FigureIndex, texts: list[str]) -> None:
    """`lazy` answers every question the audit asks of a scope as `flat` does: the figures prose names by each name
    and near name (in order), the figures equal to each value of each kind (in order), the names texts could hold."""
    names = {name for figure in flat.figures for name in (figure.name, *figure.aliases)}
    assert indexed_names(lazy) == indexed_names(flat) == {name for name in names if core_name(name)}
    for written in sorted(names | {core_name(name) for name in names} | {f"{n[:1]}项目{n[1:]}" for n in names}):
        assert lazy.named(written) == flat.named(written), written
    for kind, value in sorted({(figure.kind, Decimal(figure.value)) for figure in flat.figures}):
        for unit in WRITTEN_UNITS[kind]:
            for decrease in (False, True):
                equal = partial(_equal, written=value, unit=unit, decrease=decrease)
                assert lazy.alike(kind, equal) == flat.alike(kind, equal), (kind, value, unit)
    for text in texts:
        assert set(lazy.held(text)) == set(flat.held(text)), text
        assert lazy.pattern_for([text]) == flat.pattern_for([text])


@pytest.mark.parametrize("key", KEYS)
def test_a_forms_index_answers_as_the_index_of_the_reports_figures_and_all_its_own_made_at_once(built, sources, key):
    """A form's index makes its figures only when prose names them or a finding looks for their number (FormIndex),
    from groups whose names are indexed once per process; it answers as the index of the report's figures, then all
    the form's, made and indexed at once (as every form's index was before), for each form of the six reports."""
    view, unit, source = built[key].view, built[key].unit, sources[key]
    report_index = FigureIndex(report_figures(view) + named_figures(view.figures, Figure))
    texts = [text.text for text in collect_texts(source.report, view.forms, list(markdown_paragraphs(source)))]
    for number, form in enumerate(view.forms):
        lazy = FormIndex(form, number, unit, report_index)
        flat = FigureIndex(report_index.figures + form_figures(form, number, unit))
        names = sorted(indexed_names(flat))
        prose = ["，".join(f"{name[:1]}项目{name[1:]}为{i}.5万元" for i, name in enumerate(names)), *names]
        assert_answers_alike(lazy, flat, texts + prose)


def test_a_forms_index_holds_the_reports_figures_first_then_its_own(built):
    """A form's index over a report's table cells (决算's) answers as the index of both lists of figures."""
    tables, forms = built["2023/luzhou-juesuan"], built["2023/luzhou-xiangmu-zipingbiao"]
    shared = FigureIndex(report_figures(tables.view) + named_figures(tables.view.figures, Figure))
    own = form_figures(forms.view.forms[0], 0, forms.unit)
    assert shared.figures and own
    lazy, flat = FormIndex(forms.view.forms[0], 0, forms.unit, shared), FigureIndex(shared.figures + own)
    assert_answers_alike(lazy, flat, sorted(indexed_names(flat)))


def test_the_near_name_patterns_of_a_reports_figures_are_made_once(built):
    """near_name is cached: the same names recur in the patterns of a report's scopes and of other reports, so a
    second pattern of the same names spells from the cache, and a cached pattern is the one it computes."""
    view, unit = built["2023/luzhou-xiangmu-zipingbiao"].view, built["2023/luzhou-xiangmu-zipingbiao"].unit
    names = [figure.name for figure in form_figures(view.forms[0], 0, unit)]
    near_name.cache_clear()
    first = phrasing.figure_pattern(names, near_name)
    assert phrasing.figure_pattern(names, near_name).pattern == first.pattern
    assert near_name.cache_info().hits >= len(set(names))
    assert all(near_name(name) == near_name.__wrapped__(name) for name in names)


def test_the_expression_a_row_score_finding_suggests_prints_the_score(project, cli):
    append(
        project, SECTION, '办件量得分{{ 自评表[0].指标["办件量"].得分 }}分，分值{{ 自评表[0].指标["办件量"].分值 }}分。'
    )
    result = cli("build", project, "--no-pdf")
    assert result.exit_code == 0, result.output
    assert "办件量得分24分，分值30分。" in re.sub(
        r"<[^>]+>", "", (project / "site/2024/demo/index.html").read_text("utf-8")
    )


def test_a_scopes_pattern_is_the_same_whatever_the_hash_seed():
    """Names of the same length were tried in the order of a set, which changes with the hash seed of the process
    (phrasing.figure_pattern): each build could compile another pattern (three processes, seeds 1, 2 and 3)."""
    names = "frozenset(['预算执行率', '项目完成率', '资金到位率', '群众满意度'])"
    code = f"from jixiao.audit import names_pattern; print(names_pattern({names}).pattern)"
    patterns = {
        subprocess.run(
            [sys.executable, "-c", code], env={**os.environ, "PYTHONHASHSEED": seed}, capture_output=True, text=True
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert (
        len(patterns) == 1 and "(?P<name>群众满意度|资金到位率|项目完成率|预算执行率)" in patterns.pop()
    )  # text order


def test_a_forms_figures_are_each_of_its_own_and_each_phrasing_of_each_row_as_named_tuples_phrasings_remembered(
    built,
):
    """form_figures makes its figures as tuples in C, group by group, and remembers how a row's name is phrased: the
    figures are the Figure named tuples the form and its rows give, name by name, in the same order as before."""
    from jixiao.audit import phrased

    form, unit = built["2023/luzhou-xiangmu-zipingbiao"].view.forms[0], built["2023/luzhou-xiangmu-zipingbiao"].unit
    expected = []
    for names, path, kind in phrasing.FORM_FIGURES:  # the form's own: each under each of its names
        value = form
        for attribute in path.split("."):
            value = getattr(value, attribute)
        label = next(name for name, at in phrasing.FORM_FIGURE_PATHS.items() if at == path)
        written = "自评表[0]." + (f"项目资金.年度资金总额.{label}" if path.startswith("funds.") else label)
        expected += [
            Figure(name, value, kind, unit if kind == "money" else None, label, form.project, written)
            for name in names
            if value is not None
        ]
    for row in form.rows:  # what each row gave: its 完成率 (and a 实际完成值 in %) under five phrasings, then 分值
        where = f'自评表[0].指标["{row.name}"]'  # and 得分 under two each
        rates = [(row.completion, "完成率")] if row.completion is not None else []
        if rates and row.actual.strip().endswith("%"):
            rates.append((Decimal(row.actual.strip()[:-1]), "实际完成值"))
        expected += [
            Figure(p.format(row.name), value, "rate", None, label, row.name, f"{where}.{label}")
            for value, label in rates
            for p in ("{}", "{}完成率", "{}的完成率", "{}达成率", "{}达成")
        ]
        for value, label in ((row.points, "分值"), (row.score, "得分")):
            expected += [
                Figure(p.format(row.name, label), value, "score", None, label, row.name, f"{where}.{label}")
                for p in ("{}{}", "{}的{}")
                if value is not None
            ]
    phrased.cache_clear()
    found = form_figures(form, 0, unit)
    assert found == expected and all(type(figure) is Figure for figure in found)
    assert any(figure.label == "实际完成值" for figure in found)  # this form has a row stated in %
    assert any(figure.kind == "money" for figure in found)  # and its own amounts
    assert found[0].aliases == () and found[0].shown() == str(found[0].value)  # a Figure's defaults and methods
    first = phrased.cache_info()
    assert first.misses == len({row.name for row in form.rows})  # one call a row: all its phrasings at once
    form_figures(form, 0, unit)
    again = phrased.cache_info()
    assert again.misses == first.misses and again.hits - first.hits >= first.misses  # all remembered
