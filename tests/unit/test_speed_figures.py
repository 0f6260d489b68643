"""Printing and publishing figures with less repeated work (issue 22, bench/HISTORY.md): data.json's 来源 and 报告
and the page's explanations are made faster and give the same values — checked by what is done, never by timing
it. The demo's figures are those of tests/fixtures/minimal (its 自评表: three indicators, a total of 79.50)."""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from conftest import FIXTURES, REPO, assess_in_site, every_figure
from pydantic import BaseModel, TypeAdapter
from pydantic_core import to_json

import jixiao.document.datajson
import jixiao.explain
import jixiao.provenance
from jixiao.assess import Assessment
from jixiao.build import build_site
from jixiao.document.datajson import without_check_notes, write_data_json
from jixiao.errors import Location
from jixiao.library import read_site
from jixiao.parts.form.model import Funds
from jixiao.parts.form.view import Forms
from jixiao.parts.indicators.view import (
    ROWS_APART,
    Groups,
    GroupView,
    IndicatorRows,
    Subgroups,
    SubgroupView,
    count_rows,
)
from jixiao.provenance import Computed, Typed, origin_of, path_digest, sources, written_at
from jixiao.site import open_site
from jixiao.values import Score

DEMO = "2024/demo"


def sources_by_figure(figures: list[Any], root: Any) -> dict[str, dict[str, Any]]:
    """来源 as it was made before one walk found the figures and described their origins: the list of figures
    first, then each one's origin and its inputs, depth first, each path described by the origin first met."""
    chosen: dict[str, Any] = {}
    stack = [origin_of(figure) for figure in reversed(figures)]
    while stack:
        origin = stack.pop()
        if origin.path not in chosen:
            chosen[origin.path] = origin
            stack.extend(reversed(getattr(origin, "inputs", ())))
    return {path: sources([chosen[path]], root)[path] for path in sorted(chosen)}


def test_a_view_held_twice_is_described_once_by_the_origins_the_full_walk_meets_first(project):
    view, _ = assess_in_site(project, DEMO)
    form = view.自评表[0]
    row = form.rows[0]
    # the first indicator row is in the form's 指标 and in its group (一级 → 二级 → rows): one view, held twice
    assert any(held is row for group in form.groups for subgroup in group.subgroups for held in subgroup.rows)
    assert origin_of(row.score).path == "自评表.0.指标.0.得分"
    assert [id(f) for f in every_figure(view)].count(id(row.score)) == 2
    # every figure the full walk finds, each path described by the same origin, in the same order
    assert list(sources(view, project).items()) == list(sources_by_figure(every_figure(view), project).items())


@pytest.mark.parametrize("key", ["2023/luzhou-xiangmu-zipingbiao", "2023/liuan-zipingbiao"])
def test_the_sources_of_a_seed_report_are_those_of_every_figure_described_one_by_one(key):
    view, _ = assess_in_site(REPO, key)
    described = sources(view, REPO)
    assert len(described) > 200
    assert list(described.items()) == list(sources_by_figure(every_figure(view), REPO).items())


def test_a_path_met_twice_is_described_by_the_origin_met_first_with_its_inputs_before_the_next_figure(tmp_path):
    """The walk collects the origins it meets and one loop describes them (`describe_each`): an origin's inputs are
    still described before the next origin met, so a path two origins hold is described by the first to reach it."""
    yaml = tmp_path / "report.yaml"
    read = Typed("指标值", "指标值", "1", Location(yaml, 3), "指标值")
    retyped = Typed("指标值", "指标值", "2", Location(yaml, 9), "指标值")  # the same path, another origin
    score = Computed("得分", "得分", "5", "得分 = 指标值 × 5", "1 × 5 = 5", (read,))
    # a list is walked from its end: the origin met first is the last one
    assert sources([retyped, score], tmp_path)["指标值"] == {"值": "1", "位置": "report.yaml:3", "键": "指标值"}
    assert sources([score, retyped], tmp_path)["指标值"] == {"值": "2", "位置": "report.yaml:9", "键": "指标值"}


def test_each_typed_origin_is_located_in_its_own_file_however_its_path_objects_are_shared(tmp_path):
    """A file's project-relative name is remembered by the identity of its path object: an equal path held by
    another object is named again (the same name), another file by its own name, no file as <input>."""
    first, again, other = tmp_path / "a" / "report.yaml", tmp_path / "a" / "report.yaml", tmp_path / "b" / "r.yaml"
    assert first == again and first is not again
    files = (first, again, other, None, first)
    origins = [Typed(f"x.{i}", "x", "1", Location(path, i + 1), "x") for i, path in enumerate(files)]
    described = sources(origins, tmp_path)
    assert [entry["位置"] for entry in described.values()] == [
        "a/report.yaml:1",
        "a/report.yaml:2",
        "b/r.yaml:3",
        "<input>:4",
        "a/report.yaml:5",
    ]


def test_a_type_the_walk_has_not_met_is_learnt_on_first_sight_and_its_figures_found(tmp_path):
    """`sources` reads each value's kind from a plain dict (the interpreter's fast path for dicts) and learns a
    type it does not know yet when the look-up fails: a new figure type, a new container, a type that holds none."""

    class Fresh(Decimal):
        origin = None

    class Holder:
        pass

    figure = Fresh("3")
    figure.origin = Typed("新.值", "值", "3", Location(tmp_path / "report.yaml", 7), "值")
    assert not {Fresh, Holder, frozenset} & set(jixiao.provenance._KINDS)
    described = sources({"数": figure, "空": Holder(), "集": frozenset({1})}, tmp_path)
    assert described == {"新.值": {"值": "3", "位置": "report.yaml:7", "键": "值"}}
    kinds = jixiao.provenance._KINDS
    assert (kinds[Fresh], kinds[Holder], kinds[frozenset]) == (jixiao.provenance._FIGURE, 0, 0)


def test_data_json_writes_the_view_in_one_pass_with_the_same_report(project, monkeypatch):
    view, _ = assess_in_site(project, DEMO)
    # what 报告 was: the view dumped to JSON values, less the report figures that do not apply to a one-form report
    assert view.unpublished() == {"full_marks", "score_sheet"}
    dumped = view.model_dump(mode="json", by_alias=True, exclude={"full_marks", "score_sheet"})
    assert dumped["总分"] == "79.50" and "满分" not in dumped  # 7.50 + 24 + 24 + 24; a form has no 满分

    def dumped_again(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the view is dumped to Python values before it is written")

    monkeypatch.setattr(BaseModel, "model_dump", dumped_again)
    data = json.loads(write_data_json(view, {}, project))
    assert data["报告"] == dumped


def test_a_page_digests_each_figures_path_and_escapes_each_text_once_with_the_same_result(project):
    path_digest.cache_clear()
    jixiao.explain._escape.cache_clear()
    build_site(project, jobs=1, search=False)
    page = (project / "site/2024/demo/index.html").read_text(encoding="utf-8")
    # in use: the page asks for a figure's id where it prints it and where an explanation links it (the 总分 79.50
    # links 预算执行's 得分 7.50 and three indicators' 得分 24), once digested and kept on the origin
    # (provenance.anchor; the digests are remembered for the next report's origins, of the same paths), and prints
    # the same names and numbers again
    assert path_digest.cache_info().hits == 0 < path_digest.cache_info().misses
    assert jixiao.explain._escape.cache_info().hits > 0
    # the same result: every figure id on the page is BLAKE2b of a path data.json's 来源 describes
    data = json.loads((project / "site/2024/demo/data.json").read_text(encoding="utf-8"))
    digests = {hashlib.blake2b(path.encode("utf-8"), digest_size=6).hexdigest() for path in data["来源"]}
    ids = set(re.findall(r' id="f-([0-9a-f]{12})"', page))
    assert ids and ids <= digests
    assert path_digest("自评表.0.总分") == hashlib.blake2b("自评表.0.总分".encode(), digest_size=6).hexdigest()
    for text in ("<b>&甲\"乙'", "7.50 + 24 + 24 + 24 = 79.50"):  # asked for twice: the second time remembered
        assert jixiao.explain._escape(text) == jixiao.explain._escape(text) == html.escape(text, quote=True)


def test_a_typed_figure_is_located_from_its_source_map_without_pydantics_private_lookup(project, monkeypatch):
    funds = read_site(open_site(project)).source(DEMO).report.forms[0].funds
    expected = funds.locate("分值")
    assert (expected.line, expected.column) == (12, 7)  # report.yaml: 分值: 10 under 项目资金
    asked: list[str] = []
    lookup = BaseModel.__getattr__

    def watched(model: BaseModel, name: str) -> Any:
        asked.append(name)
        return lookup(model, name)

    monkeypatch.setattr(BaseModel, "__getattr__", watched)
    origin = written_at(funds, "自评表.0.项目资金.分值", Score(10), "", "分值", "权重")
    assert "_source" not in asked
    assert (origin.where, origin.key, origin.name, origin.text) == (expected, "分值", "分值", "10")
    # and so are a finding's positions: the model's own, and its first key the author wrote
    assert funds.locate("分值") == expected and funds.wrote("分值") and not funds.wrote("权重")
    assert Assessment(None, "").where(funds, "权重", "分值") == expected
    assert "_source" not in asked
    # written under its other name (权重), and in a model made in Python, not read from report.yaml
    assert written_at(funds, "自评表.0.项目资金.权重", Score(10), "", "权重").where == funds.locate()
    assert written_at(Funds.model_construct(), "项目资金.分值", Score(10), "", "分值").where == Location(None)


def test_a_model_read_from_report_yaml_keeps_its_source_map_without_pydantics_setattr(project, monkeypatch):
    # every object of a report keeps the map it was validated from; pydantic's __setattr__ (its checks, then the
    # private values) was called for each
    set_names: list[str] = []
    setattr_ = BaseModel.__setattr__

    def watched(model: BaseModel, name: str, value: Any) -> None:
        set_names.append(name)
        setattr_(model, name, value)

    monkeypatch.setattr(BaseModel, "__setattr__", watched)
    funds = read_site(open_site(project)).source(DEMO).report.forms[0].funds
    assert "_source" not in set_names
    assert funds.source_map is not None and funds.source_map["分值"] == 10
    assert (funds.locate("分值").line, funds.locate().path.name) == (12, "report.yaml")
    plain = Funds.model_validate({**funds.source_map})  # the same keys, not read from YAML: no position
    assert plain.source_map is None and plain.locate("分值") == Location(None)


@pytest.mark.parametrize("key", ["2023/luzhou-xiangmu-zipingbiao", "2023/liuan-zipingbiao"])
def test_data_json_writes_a_views_named_lists_by_their_items_view_as_pydantic_inferred_them(key):
    # A named list (自评表, 指标, 二级指标, a table's 行) was an arbitrary type to pydantic, which looked up what it and
    # each item was before writing it (bench/HISTORY.md): each declares its items' view, and is written by its schema.
    view, _ = assess_in_site(REPO, key)
    form = view.自评表[0]
    lists = [view.自评表, form.rows, *(group.subgroups for group in form.groups)]
    lists += [subgroup.rows for group in form.groups for subgroup in group.subgroups]
    for named in lists:
        assert type(named).item is not None and all(type(item) is type(named).item for item in named)
        schema = TypeAdapter(type(named)).core_schema
        schema = schema["schema"] if schema["type"] == "definitions" else schema  # the item view's own, referred to
        assert schema["type"] == "function-after", type(named)  # validated (never, in a build) into its own class
        schema = schema["schema"]
        assert schema["type"] == "list" and schema["items_schema"]["type"] != "any", type(named)
        assert type(TypeAdapter(type(named)).validate_python(list(named))) is type(named)
        assert TypeAdapter(type(named)).dump_json(named, by_alias=True) == to_json(list(named), by_alias=True)


def data_json_in_place(view: Any, raw: Any, root: Any) -> bytes:
    """data.json as pydantic writes it with every list of indicator rows in its place: each row written wherever it is
    held, as data.json was written before its rows were written apart."""
    data = {"报告": view, "来源": sources(view, root), "原始数据": without_check_notes(raw)}
    return to_json(data, by_alias=True, exclude={"报告": view.unpublished()}) + b"\n"


def row_lists(value: Any) -> Iterator[IndicatorRows]:
    """Every list of indicator rows under a view (in views, lists, tuples and maps)."""
    if isinstance(value, IndicatorRows):
        yield value
    elif isinstance(value, BaseModel):
        for item in value.__dict__.values():
            yield from row_lists(item)
    elif isinstance(value, (list, tuple, dict)):
        for item in value.values() if isinstance(value, dict) else value:
            yield from row_lists(item)


def watch_rows_written(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The rows data.json writes apart, one item each time one is written."""
    written: list[Any] = []
    writer = jixiao.document.datajson.rows_writer()

    class Watched:
        def to_json(self, rows: list[Any], **options: Any) -> bytes:
            written.extend(rows)
            return writer.to_json(rows, **options)

    monkeypatch.setattr(jixiao.document.datajson, "rows_writer", Watched)
    return written


@pytest.mark.parametrize(
    ("project", "key"),
    [
        (REPO, "2023/luzhou-xiangmu-zipingbiao"),
        (REPO, "2023/liuan-zipingbiao"),
        (FIXTURES / "model", "2024/pingjia"),  # an evaluation's 评分表
        (FIXTURES / "unscored", "2024/pingjia"),
    ],
)
def test_data_json_writes_each_indicator_row_once_and_the_bytes_pydantic_wrote_in_place(project, key, monkeypatch):
    # A form or a 评分表 holds each row in 指标 and in its 二级指标 (bench/HISTORY.md): data.json writes a row's JSON
    # text once and puts it in every list that holds it, the same bytes as pydantic writing each list where it is.
    view, _ = assess_in_site(project, key)
    raw = read_site(open_site(project)).source(key).raw
    held = [row for rows in row_lists(view) for row in rows]
    written = watch_rows_written(monkeypatch)
    assert write_data_json(view, raw, project) == data_json_in_place(view, raw, project)
    assert sorted(map(id, written)) == sorted({id(row) for row in held})
    assert len(held) == 2 * len(written) > 0  # each row held twice, written once


def test_rows_held_in_any_lists_or_none_and_a_text_holding_the_mark_are_written_as_in_place(project, monkeypatch):
    view, _ = assess_in_site(project, DEMO)
    raw = read_site(open_site(project)).source(DEMO).raw
    form = view.自评表[0]
    empty = SubgroupView.make(name="空", rows=IndicatorRows(), **count_rows([]))
    subgroups = Subgroups([empty, *(subgroup for group in form.groups for subgroup in group.subgroups)])
    group = GroupView.make(name="全部", subgroups=subgroups, **count_rows(form.rows))
    forms = [
        form,
        form.model_copy(update={"groups": Groups()}),  # its rows in 指标 alone
        form.model_copy(update={"groups": Groups([group]), "rows": IndicatorRows(reversed(form.rows))}),
        form.model_copy(update={"groups": Groups(), "rows": IndicatorRows()}),
    ]
    made_up = view.model_copy(update={"forms": Forms(forms)})
    written = watch_rows_written(monkeypatch)
    assert write_data_json(made_up, raw, project) == data_json_in_place(made_up, raw, project)
    assert sorted(map(id, written)) == sorted(map(id, form.rows))
    published = json.loads(write_data_json(made_up, raw, project))["报告"]["自评表"]
    assert published[2]["绩效指标"][0]["二级指标"][0]["三级指标"] == []
    assert published[2]["指标"] == published[0]["指标"][::-1] and published[3]["指标"] == []
    # a text of the report holding the mark data.json writes in place of a list: every list written in place
    with_mark = {**raw, "说明": ROWS_APART, ROWS_APART: [ROWS_APART]}
    written.clear()
    assert write_data_json(made_up, with_mark, project) == data_json_in_place(made_up, with_mark, project)
    assert json.loads(write_data_json(made_up, with_mark, project))["原始数据"]["说明"] == ROWS_APART
    assert not written
