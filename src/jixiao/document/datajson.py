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

import functools
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter
from pydantic_core import SchemaSerializer, to_json

from ..acknowledgements import LEAVES
from ..findings import Finding
from ..located import CHECK_NOTE
from ..parts.indicators.view import ROWS_APART, IndicatorView
from ..provenance import sources

ROWS_MARK = to_json(ROWS_APART)  # the mark as JSON text, quoted


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
    then those to JSON walked every figure twice), but for the lists of indicator rows, written apart (`with_rows`):
    a form holds each row twice, and a row is the costliest item of the view to write (some 30 K instructions)."""
    audit = {"审核": [f.as_published(root) for f in findings]} if findings is not None else {}
    data = {
        "报告": view,
        "来源": sources(view, root),
        "原始数据": without_check_notes(raw),
        **audit,
        **({"办公文档": office_files} if office_files else {}),
    }
    exclude = {"报告": view.unpublished()}
    apart: list[list[Any]] = []
    pieces = to_json(data, by_alias=True, exclude=exclude, context=apart).split(ROWS_MARK)
    if len(pieces) != len(apart) + 1:  # a text of the report holds the mark itself: every list written in place
        return to_json(data, by_alias=True, exclude=exclude) + b"\n"
    return with_rows(pieces, apart) + b"\n"


def with_rows(pieces: list[bytes], apart: list[list[Any]]) -> bytes:
    """The JSON text written around the lists of rows (`pieces`, split at each list's mark) joined with each list's
    JSON text, in the order the lists were met (`apart`), each row's text written once however many lists hold it."""
    write = rows_writer().to_json
    texts: dict[int, bytes] = {}
    joined = [pieces[0]]
    for rows, piece in zip(apart, pieces[1:]):
        items = []
        for row in rows:
            text = texts.get(id(row))
            if text is None:
                text = texts[id(row)] = write([row], by_alias=True)[1:-1]  # a list of one, less its brackets
            items.append(text)
        joined += (b"[" + b",".join(items) + b"]", piece)
    return b"".join(joined)


@functools.cache
def rows_writer() -> SchemaSerializer:
    """The serializer of a plain list of indicator rows, which writes a row as its list's item: a row's own serializer
    called alone costs some 20 K instructions more than the row written in a list. Made on first use, as the views'
    serializers are (an unchanged build writes no data.json)."""
    return TypeAdapter(list[IndicatorView]).serializer


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
