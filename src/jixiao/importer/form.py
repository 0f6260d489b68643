"""The 项目支出绩效自评表 of a grid, found by its words rather than by cell addresses: the layout of 财预〔2020〕10号
附件 and its variants (forms on several sheets or one below another, blank and notes rows, labels merged over
their group or written once above it, 调整后预算数 for 全年预算数, 权重 for 分值 …).

What a form prints that jixiao computes (执行率, 得分, 总分, 评价等次) is kept under 原表, never as input, so
`jixiao check` lists the old form's slips; the 得分 of a row is the rule's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..quantity import Comparison, Quantity, TargetSyntaxError, parse_actual, parse_target
from .workbook import Grid, Value, fail

# header words, each with the variants provinces print
FUND_COLUMNS = {
    "年初预算数": ("年初预算数",),
    "全年预算数": ("全年预算数", "调整后预算数"),
    "全年执行数": ("全年执行数", "预算执行数"),
    "分值": ("分值", "权重"),
    "执行率": ("执行率",),
    "得分": ("得分",),
}
INDICATOR_COLUMNS = {
    "一级指标": ("一级指标",),
    "二级指标": ("二级指标",),
    "三级指标": ("三级指标",),
    "指标性质": ("指标性质",),
    "指标值": ("年度指标值", "指标值"),
    "度量单位": ("度量单位",),
    "实际完成值": ("实际完成值", "完成值", "全年实际完成值"),
    "分值": ("分值", "权重"),
    "得分": ("得分",),
    "偏差原因分析及改进措施": ("偏差原因分析及改进措施", "偏差原因", "未完成原因分析"),
}
REQUIRED = ("三级指标", "指标值", "实际完成值", "分值")
LABELS = {
    "项目名称",
    "项目编码",
    "主管部门",
    "实施单位",
    "年度总体目标",
    "预期目标",
    "实际完成情况",
    "执行说明",
    "项目实施内容及过程概述",
    "评价结论",
    "存在问题",
    "改进措施",
}
CLOSING = ("评价结论", "存在问题", "改进措施")
CODE = re.compile(r"^(.*?)\s*[（(]([0-9A-Za-z-]+)[）)]$")
GRADE = re.compile(r"(优|良|中|差)")
LEADS = re.compile(r"项目负责人[:：]\s*(\S*)\s*(?:财务负责人[:：]\s*(\S*))?|财务负责人[:：]\s*(\S*)")
YEAR = re.compile(r"(\d{4})\s*年度")
NO_AMOUNT = {"—", "-", "/", "－", "——"}


@dataclass
class Span:
    """The rows of one form on a sheet: from its 项目名称 up to the next form's."""

    grid: Grid
    first: int
    end: int

    def find(self, *words: str, start: int | None = None) -> tuple[int, int] | None:
        """The first cell of the form (from row `start`) whose text is one of `words`."""
        for row in range(self.first if start is None else start, self.end):
            for column, value in self.grid.row(row):
                if value.key in words:
                    return row, column
        return None

    def right_of(self, row: int, column: int) -> Value | None:
        """The value written right of a label (the next cell of the row that is not another label)."""
        for other, value in self.grid.row(row):
            if other > column and self.grid.merged.get((row, other)) != self.grid.merged.get((row, column), ()):
                return None if value.key in LABELS else value
        return None


def find_forms(grid: Grid) -> list[Span]:
    """The forms of a sheet: each 项目名称 that an indicator header (一级指标) follows before the next one."""
    starts = [row for row in range(grid.rows) if any(v.key.startswith("项目名称") for _, v in grid.row(row)[:2])]
    spans = [Span(grid, first, end) for first, end in zip(starts, [*starts[1:], grid.rows])]
    return [span for span in spans if span.find("一级指标")]


def read_form(span: Span) -> dict[str, Any]:
    """One form as report.yaml's 自评表 entry."""
    form: dict[str, Any] = {**project_name(span)}
    for key in ("主管部门", "实施单位"):
        found = span.find(key)
        value = span.right_of(*found) if found else None
        if value is not None:
            form[key] = value.text
    form["项目资金"] = read_funds(span)
    form["年度总体目标"] = read_goal(span)
    process = labelled(span, "项目实施内容及过程概述")
    if process:
        form["项目实施内容及过程概述"] = process
    tree, total_row = read_indicators(span)
    form["绩效指标"] = tree
    stated = read_total(span, total_row)
    for key in CLOSING:
        text = labelled(span, key, start=total_row)
        if text:
            form[key] = text
    form.update(read_leads(span, total_row))
    if stated:
        form["原表"] = stated
    return form


def project_name(span: Span) -> dict[str, str]:
    """项目名称 (and 项目编码, written after it in brackets or in a cell of its own)."""
    column, value = next((c, v) for c, v in span.grid.row(span.first) if v.key.startswith("项目名称"))
    inline = re.sub(r"^项目名称[:：]?", "", value.text.strip()).strip()
    written = span.right_of(span.first, column)
    name = inline or (written.text if written else "")
    if not name:
        raise fail(
            span.grid.where(span.first, column), "自评表没有填写项目名称", "在「项目名称」右侧的单元格填上项目名称。"
        )
    out = {"项目名称": name}
    code = CODE.match(name)
    if code:
        out = {"项目名称": code.group(1), "项目编码": code.group(2)}
    found = span.find("项目编码")
    if found and span.right_of(*found):
        out["项目编码"] = span.right_of(*found).text
    return out


def labelled(span: Span, label: str, start: int | None = None) -> str | None:
    found = span.find(label, start=start)
    value = span.right_of(*found) if found else None
    return value.text if value else None


def header_columns(span: Span, row: int, words: dict[str, tuple[str, ...]]) -> dict[str, int]:
    """Which column each header word of a header row heads (the first, where a merged header repeats)."""
    columns: dict[str, int] = {}
    for column, value in span.grid.row(row):
        for name, variants in words.items():
            if name not in columns and value.key in variants:
                columns[name] = column
    return columns


def read_funds(span: Span) -> dict[str, Any]:
    """项目资金: the header of amounts, then the 年度资金总额 row and its 其中 rows."""
    found = span.find("年初预算数", "全年预算数", "调整后预算数")
    if found is None:
        raise fail(
            span.grid.where(span.first, 0),
            "自评表中找不到项目资金的表头（年初预算数、全年预算数、全年执行数）",
            "按原表式保留项目资金的表头行再导入。",
        )
    head = found[0]
    columns = header_columns(span, head, FUND_COLUMNS)
    first_amount = min(columns[k] for k in ("年初预算数", "全年预算数", "全年执行数") if k in columns)
    funds: dict[str, Any] = {}
    parts = []
    for row in range(head + 1, span.end):
        name = fund_row_name(span, row, first_amount)
        if name is None:
            break
        amounts = {
            key: amount(span, row, columns[key]) for key in ("年初预算数", "全年预算数", "全年执行数") if key in columns
        }
        written = {k: v for k, v in amounts.items() if v is not None}
        if "年度资金总额" not in funds:  # the first row is the total, whatever the form calls it (总额, 合计)
            funds["年度资金总额"] = {**({} if name == "年度资金总额" else {"名称": name}), **written}
            if "分值" in columns and amount(span, row, columns["分值"]) is not None:
                funds["分值"] = amount(span, row, columns["分值"])
            stated = {
                key: figure
                for key in ("执行率", "得分")
                if key in columns and (figure := stated_value(span, row, columns[key], key == "执行率")) is not None
            }
            if stated:
                funds["原表"] = stated
        else:
            parts.append({"名称": name, **written})
    if "年度资金总额" not in funds:
        raise fail(
            span.grid.where(head, first_amount),
            "项目资金表头下找不到「年度资金总额」一行",
            "保留原表的「年度资金总额」一行再导入。",
        )
    if parts:
        funds["其中"] = parts
    reason = labelled(span, "执行说明")
    if reason:
        funds["原因"] = reason
    return funds


def fund_row_name(span: Span, row: int, first_amount: int) -> str | None:
    """The name of a 项目资金 row (其中：当年财政拨款 → 当年财政拨款), None where the rows of amounts end."""
    names = [v for c, v in span.grid.row(row) if c < first_amount and not v.key.startswith("项目资金")]
    if not names or any(v.key in LABELS or v.key.startswith("绩效指标") for v in names):
        return None
    return re.sub(r"^其中[:：]?", "", names[-1].text.strip()).strip() or None


def amount(span: Span, row: int, column: int) -> Decimal | None:
    """An amount or a 分值 (blank and — leave it unwritten); a text that is not a number is an error."""
    value = span.grid.at(row, column)
    if value is None or value.key in NO_AMOUNT:
        return None
    if value.number is None or value.percent:
        raise fail(
            span.grid.where(row, column), f"这里应是一个数，读到的是「{value.text}」", "填写数字（如 82.19），或留空。"
        )
    return value.number


def stated_value(span: Span, row: int, column: int, rate: bool) -> str | Decimal | None:
    """A figure the form prints that jixiao computes (执行率 as 100%, a 得分), for 原表."""
    value = span.grid.at(row, column)
    if value is None or value.key in NO_AMOUNT:
        return None
    if value.number is None:
        raise fail(span.grid.where(row, column), f"这里应是一个数，读到的是「{value.text}」", "填写数字，或留空。")
    return f"{value.number:f}%" if rate else value.number


def read_goal(span: Span) -> dict[str, str]:
    """年度总体目标: 预期目标 and 实际完成情况 under their headers (or the text right of the label)."""
    goal: dict[str, str] = {}
    for key in ("预期目标", "实际完成情况"):
        found = span.find(key)
        below = span.grid.at(found[0] + 1, found[1]) if found else None
        if below is not None and below.key not in LABELS:
            goal[key] = below.text
    if "预期目标" not in goal:
        found = span.find("年度总体目标")
        value = span.right_of(*found) if found else None
        if value is None:
            where = span.grid.where(*(found or (span.first, 0)))
            raise fail(where, "自评表中找不到年度总体目标的预期目标", "在「预期目标」下方填写年度总体目标。")
        goal["预期目标"] = value.text
    return goal


def read_indicators(span: Span) -> tuple[dict[str, Any], int]:
    """绩效指标: 一级 → 二级 → rows, up to the 总分 row (whose index is returned)."""
    head, _ = span.find("一级指标")
    columns = header_columns(span, head, INDICATOR_COLUMNS)
    for key in REQUIRED:
        if key not in columns:
            merged = sorted(
                first for (row, column), first in span.grid.merged.items() if row == head and first[1] != column
            )
            raise fail(
                span.grid.where(*(merged[0] if merged else (head, 0))),
                f"绩效指标的表头中找不到「{INDICATOR_COLUMNS[key][0]}」列"
                + ("（这一格与右边的表头合并了）" if merged else ""),
                "表头应有 一级指标、二级指标、三级指标、年度指标值、实际完成值、分值、得分 各列（合并单元格不要跨过表头）。",
            )
    tree: dict[str, Any] = {}
    level1 = level2 = None
    last: dict[str, Any] | None = None
    for row in range(head + 1, span.end):
        cells = span.grid.row(row)
        if not cells:
            continue
        if cells[0][1].key.startswith(("总分", "合计")):
            return tree, row
        name = text_at(span, row, columns["三级指标"])
        if name and name.startswith(("说明：", "说明:")) and last is not None:
            last["说明"] = name[3:].strip()
            continue
        if cells[0][1].key.startswith(("注:", "备注")):
            continue
        level1 = text_at(span, row, columns.get("一级指标")) or level1
        fresh = text_at(span, row, columns.get("二级指标"))
        level2 = (
            fresh if fresh is not None else (level2 if text_at(span, row, columns.get("一级指标")) is None else None)
        )
        if level1 is None:
            raise fail(
                span.grid.where(row, columns["三级指标"]),
                "这一行指标没有一级指标",
                "填上一级指标（可合并单元格跨过其各行）。",
            )
        group = tree.setdefault(level1, None)
        if level2 is None:
            continue
        tree[level1] = group = group or {}
        rows = group.setdefault(level2, None)
        if not name:
            continue
        last = indicator_row(span, row, columns, name)
        group[level2] = [*(rows or []), last]
    raise fail(span.grid.where(head, 0), "绩效指标下找不到「总分」一行", "保留原表的「总分」一行再导入。")


def text_at(span: Span, row: int, column: int | None) -> str | None:
    value = span.grid.at(row, column) if column is not None else None
    return value.text if value is not None else None


def indicator_row(span: Span, row: int, columns: dict[str, int], name: str) -> dict[str, Any]:
    """A 三级指标 row; its printed 得分 under 原表."""
    item: dict[str, Any] = {"三级指标": name}
    for key in ("指标性质", "指标值", "度量单位", "实际完成值"):
        text = text_at(span, row, columns.get(key))
        if text is not None:
            item[key] = text
    if "实际完成值" in item and "指标值" in item:
        item["实际完成值"] = bare_actual(item)
    points = amount(span, row, columns["分值"])
    if points is None:
        raise fail(span.grid.where(row, columns["分值"]), f"指标「{name}」没有分值", "填上这一行的分值（权重）。")
    item["分值"] = points
    score = stated_value(span, row, columns["得分"], False) if "得分" in columns else None
    if score is not None:
        item["原表"] = {"得分": score}
    reason = text_at(span, row, columns.get("偏差原因分析及改进措施"))
    if reason:
        item["偏差原因分析及改进措施"] = reason
    return item


def read_total(span: Span, row: int) -> dict[str, Any]:
    """The 总分 the form prints (the last number of its row) and its 评价等次, for 原表."""
    stated: dict[str, Any] = {}
    numbers = [v.number for _, v in span.grid.row(row) if v.number is not None]
    if numbers:
        stated["总分"] = numbers[-1]
    texts = [v.text for _, v in span.grid.row(row) if v.number is None] + [labelled(span, "评价等次", row) or ""]
    grade = grade_in(texts)
    if grade:
        stated["评价等次"] = grade
    return stated


def grade_in(texts: list[str]) -> str | None:
    """The 等次 among the texts of the 总分 row: a cell that is only 优/良/中/差, or says 等次：优."""
    for text in texts:
        found = GRADE.search(text)
        if found and ("等" in text or len(text.strip()) == 1):
            return found.group(1)
    return None


def read_leads(span: Span, start: int) -> dict[str, str]:
    """项目负责人 and 财务负责人, written under the form."""
    for row in range(start, span.end):
        for _, value in span.grid.row(row):
            found = LEADS.search(value.text)
            if found:
                lead, finance = found.group(1), found.group(2) or found.group(3)
                return {k: v for k, v in (("项目负责人", lead), ("财务负责人", finance)) if v}
    return {}


def year_of(grids: list[Grid]) -> int | None:
    """The year a form names in its title (（2023年度）), if any."""
    for grid in grids:
        for value in grid.cells.values():
            found = YEAR.search(value.key)
            if found:
                return int(found.group(1))
    return None


def bare_actual(item: dict[str, Any]) -> str:
    """The actual value as jixiao scores it. A form prints a bare number with its target's unit (≤12月 → 12月,
    as jixiao's own page does); where the unit makes the actual read as something else (12月, a month), the
    number alone is what was meant."""
    target_text, actual_text = item["指标值"], item["实际完成值"]
    try:
        target = parse_target(target_text, item.get("指标性质"), item.get("度量单位"))
        actual = parse_actual(actual_text)
    except TargetSyntaxError:
        return actual_text
    unit = target.quantity.unit if isinstance(target, Comparison) else None
    if unit is None or isinstance(actual, Quantity) or not actual_text.endswith(unit.text):
        return actual_text
    return actual_text.removesuffix(unit.text).strip()
