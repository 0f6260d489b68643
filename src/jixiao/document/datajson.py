"""The data.json writer: a report's open data, next to the page, the CSV, Word and Excel writers.

data.json is the report as data, not as laid out: 报告 is the computed view (every input and computed figure,
under the names of report.yaml), 来源 where each figure came from, 原始数据 the YAML as written. Its figures are
the very values the document tree's `Fig` runs hold, and 来源 is read from the origin each of them carries
(provenance.py), the one the page's explanation of a figure shows (explain.py), so the open data and the page
cannot explain a figure two ways. 来源 describes more than the page prints: the figures a rule reads that no
table shows (an indicator's 完成率, the 指标值 and 实际完成值 a qualitative score reads), so that every path
an entry is 取自 is itself described and a reader can recompute every figure.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic_core import to_json

from ..acknowledgements import LEAVES
from ..findings import Finding
from ..located import CHECK_NOTE
from ..provenance import sources


def write_data_json(
    view: Any,
    raw: Any,
    root: Path,
    findings: list[Finding] | None = None,
    office_files: list[str] | None = None,
) -> bytes:
    """The report's open data: every input and computed figure (报告), where each came from (来源: by its path in
    报告, the rule, the arithmetic and the paths it was computed from, or the file:line it was written at), the
    YAML as written (原始数据), less the 核对说明 (the author's word to the audit, never published). The findings
    (审核) only when given: the site publishes them (公开核对提示), data.json being as public as the page, which
    keeps the audit off. The report's Word and Excel files beside it (办公文档) when the site writes them.
    Written in one pass of pydantic's serializer, the view included (dumping the view to Python values first and
    then those to JSON walked every figure twice)."""
    audit = {"审核": [f.as_published(root) for f in findings]} if findings is not None else {}
    data = {
        "报告": view,
        "来源": sources(view, root),
        "原始数据": without_check_notes(raw),
        **audit,
        **({"办公文档": office_files} if office_files else {}),
    }
    return to_json(data, by_alias=True, exclude={"报告": view.unpublished()}) + b"\n"


def without_check_notes(value: Any) -> Any:
    """The YAML as written, less every 核对说明 key at any depth. Only maps and lists are walked into (copied): a
    text or a number, most of a report.yaml's values, is kept as it is, told by its type alone without a call. A
    map is copied whole in C (`dict`), its note taken out once, and only its maps and lists replaced by copies."""
    if isinstance(value, dict):
        copied = dict(value)
        copied.pop(CHECK_NOTE, None)
        for key, item in copied.items():
            if type(item) not in LEAVES:
                copied[key] = without_check_notes(item)
        return copied
    if isinstance(value, list):
        return [item if type(item) in LEAVES else without_check_notes(item) for item in value]
    return value
