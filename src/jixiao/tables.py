"""Data tables of documents (决算说明, 专项资金绩效评价报告 …): rows in, every computed figure out.

A table declares its number columns (列), text columns (文字列) and computed columns (计算:
占比, 差额, 增长率, 比率). Rows may be parts of another row (上级), or be a formula of other
rows (公式: 业务收入 - 业务支出). A base figure the author leaves empty (上年 …) is taken from the
previous year's report of the same unit in the site. Checks: parts against their whole
(parts-sum), printed figures against the computed ones (stated-differs).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from . import compute
from .errors import Location, SourceError
from .findings import Finding, acknowledged
from .model import DataTable, Report, ScorePart
from .quantity import format_number
from .values import Money, NamedList, Rate, Score
from .yamlsource import SourceMap

ROW_KEYS = {"名称", "上级", "公式", "原表", "说明"}
_FORMULA_RE = re.compile(r"\s*([+\-−])?\s*([^+\-−]+)")
PREVIOUS = {"上年", "上年决算", "上年数"}


class Rows(NamedList):
    """Rows of a table, also indexable by 名称 (行["收入总计"], 行.收入总计 in expressions)."""

    name_key = "名称"


class TableView(dict):
    """A table in the view; besides its keys it can count and list rows by a text column."""

    def 计数(self, column: str, value: str) -> int:
        return sum(1 for row in self["行"] if str(row.get(column)) == value)

    def 名单(self, column: str, value: str) -> list[str]:
        return [row["名称"] for row in self["行"] if str(row.get(column)) == value]


def _figure(kind: str, value: Decimal | None) -> Decimal | None:
    if value is None:
        return None
    return Rate(value) if kind in ("占比", "增长率", "比率") else Money(value)


class TableAssessment:
    """Collects errors and findings while the tables of one report are computed."""

    def __init__(self, report: Report, rules: compute.Rules, previous: dict[str, Any]):
        self.report = report
        self.rules = rules
        self.previous = previous
        self.errors: list[SourceError] = []
        self.findings: list[Finding] = []

    def finding(self, where: Location, note: str | None, rule: str, message: str) -> None:
        self.findings.append(acknowledged(where, note, rule, message))

    def read_rows(self, name: str, table: DataTable) -> list[dict[str, Any]]:
        """Check each row's keys and numbers; report problems at the row's line."""
        known = ROW_KEYS | set(table.columns) | set(table.text_columns)
        rows = []
        # pydantic copies mappings into plain dicts; the loaded rows still know their lines
        source_rows = table._source.get("行") if table._source is not None else None
        for index, raw in enumerate(source_rows if isinstance(source_rows, list) else table.rows):
            where = raw.locate() if isinstance(raw, SourceMap) else table.locate("行")
            locate = raw.locate if isinstance(raw, SourceMap) else (lambda _key=None: where)
            if "名称" not in raw:
                self.errors.append(SourceError(where, "缺少必填项「名称」", key=f"数据表.{name}.行[{index}]",
                                               rule="schema"))
                continue
            row: dict[str, Any] = {"名称": str(raw["名称"]), "_where": where, "_source": raw}
            for key, value in raw.items():
                if key not in known:
                    self.errors.append(SourceError(locate(key), f"未知的键「{key}」", key=f"数据表.{name}.行[{index}]",
                                                   hint=f"列: {'、'.join(table.columns)}；文字列: "
                                                        f"{'、'.join(table.text_columns) or '（无）'}", rule="schema"))
            for column in table.columns:
                value = raw.get(column)
                if value is not None and not isinstance(value, (int, Decimal)) or isinstance(value, bool):
                    self.errors.append(SourceError(locate(column), f"应为数字，这里是「{value}」",
                                                   key=f"数据表.{name}.行[{index}].{column}", rule="schema"))
                    value = None
                row[column] = Decimal(value) if value is not None else None
            for column in table.text_columns:
                row[column] = None if raw.get(column) is None else str(raw[column])
            row.update({"上级": raw.get("上级"), "公式": raw.get("公式"), "说明": raw.get("说明"),
                        "原表": dict(raw.get("原表") or {})})
            rows.append(row)
        return rows

    def fill_from_previous_year(self, name: str, table: DataTable, rows: list[dict[str, Any]]) -> None:
        """An empty 上年 figure comes from the previous year's report of the same unit (its 本年 figure)."""
        earlier = self.previous.get(name, {})
        for item in table.computed:
            if item.kind not in ("差额", "增长率") or item.columns[1] not in PREVIOUS:
                continue
            current, base = item.columns
            for row in rows:
                if row.get(base) is None and earlier.get(row["名称"], {}).get(current) is not None:
                    row[base] = Decimal(earlier[row["名称"]][current])
                    row["_from_previous"] = True

    def apply_formulas(self, name: str, table: DataTable, rows: list[dict[str, Any]]) -> None:
        """公式 rows: their numbers are sums and differences of the named rows, column by column."""
        by_name = {row["名称"]: row for row in rows}
        for row in rows:
            if not row["公式"]:
                continue
            terms = []
            for sign, term in _FORMULA_RE.findall(str(row["公式"])):
                term = term.strip()
                if term not in by_name:
                    self.errors.append(SourceError(row["_source"].locate("公式") if isinstance(row["_source"], SourceMap)
                                                   else row["_where"], f"公式中的「{term}」不是本表的行",
                                                   key=f"数据表.{name}.行.{row['名称']}.公式", rule="input"))
                    return
                terms.append((-1 if sign in ("-", "−") else 1, by_name[term]))
            for column in table.columns:
                values = [part[column] for _, part in terms]
                row[column] = None if any(v is None for v in values) else \
                    sum((s * v for (s, _), v in zip(terms, values)), Decimal(0))

    def compute_columns(self, table: DataTable, rows: list[dict[str, Any]]) -> None:
        places = self.rules.places
        for item in table.computed:
            if item.kind == "占比":
                for siblings in _sibling_groups(rows):
                    values = [row[item.columns[0]] or Decimal(0) for row in siblings]
                    for row, share in zip(siblings, compute.balanced_shares(values, places)):
                        row[item.name] = share
                continue
            for row in rows:
                row[item.name] = _pair(item.kind, row.get(item.columns[0]), row.get(item.columns[1]), places)

    def total_row(self, table: DataTable, rows: list[dict[str, Any]]) -> dict[str, Any]:
        top = [row for row in rows if not row["上级"] and not row["公式"]]
        total: dict[str, Any] = {"名称": "合计"}
        for column in table.columns:
            values = [row[column] for row in top if row[column] is not None]
            total[column] = sum(values, Decimal(0)) if values else None
        for item in table.computed:
            total[item.name] = compute.HUNDRED if item.kind == "占比" else \
                _pair(item.kind, total.get(item.columns[0]), total.get(item.columns[1]), self.rules.places)
        return total

    def check_parts(self, name: str, table: DataTable, rows: list[dict[str, Any]]) -> None:
        """A row with parts (上级) must equal the sum of its parts, in every number column."""
        for parent in rows:
            parts = [row for row in rows if row["上级"] == parent["名称"]]
            if not parts:
                continue
            for column in table.columns:
                values = [row[column] for row in parts if row[column] is not None]
                if parent[column] is None or not values:
                    continue
                whole = sum(values, Decimal(0))
                if whole != parent[column]:
                    self.finding(parent["_where"], parent["说明"], "parts-sum",
                                 f"{table.title}「{parent['名称']}」{column} {format_number(parent[column])}，"
                                 f"其中各项合计 {format_number(whole)}")

    def check_stated(self, name: str, table: DataTable, rows: list[dict[str, Any]], total: dict | None) -> None:
        """Printed figures (原表) against the computed ones, row by row and for the 合计."""
        for row in rows:
            for column, printed in row["原表"].items():
                value = row.get(column)
                if value is not None and Decimal(str(printed).rstrip("%")) != Decimal(value):
                    self.finding(row["_where"], row["说明"], "stated-differs",
                                 f"{table.title}「{row['名称']}」{column}: 原表为 {printed}，按数据计算为 "
                                 f"{_figure(_kind_of(table, column), value)}")
        for column, printed in (table.stated or {}).items():
            value = (total or {}).get(column)
            if value is not None and printed != value:
                self.finding(table.locate("原表"), table.note, "stated-differs",
                             f"{table.title} 合计 {column}: 原表为 {format_number(printed)}，按数据计算为 "
                             f"{format_number(value)}")


def _sibling_groups(rows: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Shares are taken among rows of the same 上级 (top-level rows together); formula rows stand apart."""
    groups: dict[Any, list[dict[str, Any]]] = {}
    for row in rows:
        if not row["公式"]:
            groups.setdefault(row["上级"], []).append(row)
    return list(groups.values())


def _pair(kind: str, a: Decimal | None, b: Decimal | None, places: int) -> Decimal | None:
    if kind == "比率":
        return compute.ratio_percent(a, b, places)
    if kind == "增长率":
        return compute.growth_rate(a, b, places)
    return None if a is None or b is None else a - b


def _kind_of(table: DataTable, column: str) -> str:
    return next((item.kind for item in table.computed if item.name == column), "金额")


def view_row(table: DataTable, row: dict[str, Any]) -> dict[str, Any]:
    """A row as templates and expressions see it: typed figures, no bookkeeping keys."""
    out: dict[str, Any] = {"名称": row["名称"]}
    for column in table.columns:
        out[column] = _figure("金额", row.get(column))
    for item in table.computed:
        out[item.name] = _figure(item.kind, row.get(item.name))
    for column in table.text_columns:
        out[column] = row.get(column)
    out.update({"上级": row.get("上级"), "公式": row.get("公式"), "说明": row.get("说明"),
                "原表": row.get("原表", {}), "取自上年报告": bool(row.get("_from_previous"))})
    return out


def assess_tables(report: Report, rules: compute.Rules,
                  previous: dict[str, Any]) -> tuple[dict[str, Any], list[Finding], list[SourceError]]:
    """Compute every data table; returns views by name (with 表号/图号), findings and errors."""
    run = TableAssessment(report, rules, previous)
    views: dict[str, Any] = {}
    table_no = chart_no = 0
    for name, table in report.tables.items():
        rows = run.read_rows(name, table)
        run.fill_from_previous_year(name, table, rows)
        run.apply_formulas(name, table, rows)
        run.compute_columns(table, rows)
        total = run.total_row(table, rows) if table.total else None
        run.check_parts(name, table, rows)
        run.check_stated(name, table, rows, total)
        table_no += 1
        chart = None
        if table.chart:
            chart_no += 1
            chart = {"类型": table.chart.kind, "标题": table.chart.title or table.title,
                     "列": table.chart.columns, "编号": f"图{chart_no}"}
        views[name] = TableView({
            "名称": name, "标题": table.title, "单位": table.unit, "编号": f"表{table_no}",
            "列": [*table.columns, *(c.name for c in table.computed)], "文字列": table.text_columns,
            "行": Rows(view_row(table, row) for row in rows),
            "合计": view_row(table, total) if total else None, "图": chart, "说明": table.note,
        })
    return views, run.findings, run.errors


def assess_scoring(parts: list[ScorePart], rules: compute.Rules) -> dict[str, Any]:
    """A whole-department score: the parts' scores add up to 总分, graded like any total."""
    total = compute.total([part.score for part in parts])
    return {"评分": [{"名称": p.name, "分值": Score(p.points), "得分": Score(p.score)} for p in parts],
            "满分": Score(compute.total([p.points for p in parts])), "总分": Score(total),
            "评价等次": compute.grade(total, rules)}
