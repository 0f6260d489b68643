"""Writer: data.json (jixiao.document.datajson) explains every figure as the page does.

The page prints the figures of the document tree (its `Fig` runs) and explains each computed one with the links
to the figures it was computed from; data.json's 来源 must describe each of them, and each figure its entries are
取自, the same way, so a reader of the open data can follow every figure the page explains to where it was
written."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from typing import Any

import pytest
from conftest import report_outputs
from test_document_report import KEYS  # the reports of content/

from jixiao.document.blocks import Fig
from jixiao.provenance import Computed, Origin, Typed, origin_of


@pytest.fixture(scope="module")
def built() -> dict[str, tuple[dict[str, Any], Any]]:
    """Each report's data.json (parsed) and document tree."""
    return {key: (json.loads(files[f"{key}/data.json"]), tree) for key, (files, tree) in report_outputs(KEYS).items()}


def printed_figures(node: Any) -> Iterator[Fig]:
    """Every figure run of a report's own tree (tables, prose); an attachment is another report's, with its own
    data.json."""
    if isinstance(node, Fig):
        yield node
    elif isinstance(node, (tuple, list)):
        for item in node:
            yield from printed_figures(item)
    elif dataclasses.is_dataclass(node) and getattr(node, "kind", None) != "attachment":
        for field in dataclasses.fields(node):
            yield from printed_figures(getattr(node, field.name))


def explained(origin: Origin) -> Iterator[Origin]:
    """The origin and, for a computed figure, every origin its explanation links, at any depth."""
    yield origin
    if isinstance(origin, Computed):
        for item in origin.inputs:
            yield from explained(item)


@pytest.mark.parametrize("key", KEYS)
def test_every_figure_the_page_explains_is_described_alike_in_data_json(built, key):
    data, tree = built[key]
    sources = data["来源"]
    origins = [origin_of(run.value) for run in printed_figures(tree) if run.value is not None]
    followed = {item.path: item for origin in origins if origin is not None for item in explained(origin)}
    assert followed, "the tree prints no figure with its provenance"
    missing = sorted(path for path in followed if path not in sources)
    assert not missing, f"data.json's 来源 does not describe {len(missing)}: {missing[:5]}"
    for path, origin in followed.items():
        entry = sources[path]
        assert entry["值"] == origin.text, path
        if isinstance(origin, Computed):
            assert (entry["规则"], entry["算式"]) == (origin.rule, origin.arithmetic), path
            assert entry["取自"] == [item.path for item in origin.inputs], path
        else:
            assert isinstance(origin, Typed) and entry["键"] == origin.key, path


def test_a_qualitative_score_is_followed_to_the_texts_it_read(built):
    """六安's first form, 质量指标 住房公积金贷款短信发送及时性 (report.yaml line 43: 指标值 误差不超过二天, 实际完成值
    完成, 分值 4): a qualitative 完成 scores the whole 分值, 4 × 100% = 4. Its 得分 was 取自 the two texts, which
    data.json did not describe when the 得分 had already been met as an input of the form's total."""
    sources = built["2023/liuan-zipingbiao"][0]["来源"]
    score = sources["自评表.0.指标.3.得分"]
    assert score["算式"] == "4 × 100% = 4"
    assert score["取自"] == ["自评表.0.指标.3.指标值", "自评表.0.指标.3.实际完成值", "自评表.0.指标.3.分值"]
    where = "content/2023/liuan-zipingbiao/report.yaml:43"
    assert sources["自评表.0.指标.3.指标值"] == {"值": "误差不超过二天", "位置": where, "键": "指标值"}
    assert sources["自评表.0.指标.3.实际完成值"] == {"值": "完成", "位置": where, "键": "实际完成值"}


@pytest.mark.parametrize("key", KEYS)
def test_every_path_an_entry_is_taken_from_is_described(built, key):
    sources = built[key][0]["来源"]
    dangling = sorted({path for entry in sources.values() for path in entry.get("取自", ()) if path not in sources})
    assert not dangling


@pytest.mark.parametrize("key", KEYS)
def test_the_sources_are_listed_in_the_order_of_their_paths(built, key):
    sources = built[key][0]["来源"]
    assert list(sources) == sorted(sources)


def test_a_files_project_relative_name_is_described_once_for_all_the_figures_written_in_it(tmp_path, monkeypatch):
    # 来源 sorts its paths alone and looks each file up once (bench/HISTORY.md, seventh wave): a path's hash is
    # Python code, and a report's few hundred typed figures are written in one or two files.
    from jixiao import provenance
    from jixiao.errors import Location

    described = []
    describe = Location.describe
    monkeypatch.setattr(Location, "describe", lambda self, root: described.append(self.path) or describe(self, root))
    where = tmp_path / "content/2024/a/report.yaml"
    typed = [provenance.Typed(f"数据表.t.行.{n}.本年", "本年", str(n), Location(where, 10 + n), "本年") for n in (2, 1)]
    entries = provenance.sources([*typed, provenance.computed("合计", 3, "行相加", "1 + 2", typed, "")], tmp_path)
    assert list(entries) == ["合计", "数据表.t.行.1.本年", "数据表.t.行.2.本年"]
    assert entries["数据表.t.行.1.本年"] == {"值": "1", "位置": "content/2024/a/report.yaml:11", "键": "本年"}
    assert entries["合计"]["取自"] == ["数据表.t.行.2.本年", "数据表.t.行.1.本年"]
    assert described == [where]
