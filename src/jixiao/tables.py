"""Data tables of documents (决算说明, 专项资金绩效评价报告 …): rows in, every computed figure out.

A table declares its number columns (列), text columns (文字列) and computed columns (计算:
占比, 差额, 增长率, 比率). Rows may be parts of another row (上级), or be a formula of other
rows (公式: 业务收入 - 业务支出). A base figure the author leaves empty (上年 …) is taken from the
previous year's report of the same unit and type in the site, converted to this table's unit
(library.py finds that report). Checks: parts against their whole (parts-sum), printed
figures against the computed ones (stated-differs).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from . import compute
from .errors import Location, SourceError
from .findings import Finding, acknowledged
from .model import RESERVED_ROW_KEYS, DataTable, Report, ScorePart
from .quantity import format_number, parse_unit
from .values import Money, Rate, Score
from .views import ChartView, DataRowView, Rows, ScorePartView, TableView
from .yamlsource import SourceMap

ROW_KEYS = set(RESERVED_ROW_KEYS)
_FORMULA_RE = re.compile(r"\s*([+\-−])?\s*([^+\-−]+)")
PREVIOUS = {"上年", "上年决算", "上年数"}


@dataclass(frozen=True)
class PreviousTable:
    """A table of the same name in last year's report of the same unit and type: its unit and figures."""

    key: str  # the report it comes from, 年度/slug
    unit: str | None
    rows: dict[str, dict[str, Decimal]]


def _figure(kind: str, value: Decimal | None) -> Decimal | None:
    if value is None:
        return None
    return Rate(value) if kind in ("占比", "增长率", "比率") else Money(value)


class TableAssessment:
    """Collects errors and findings while the tables of one report are computed."""

    def __init__(self, report: Report, rules: compute.Rules, previous: dict[str, PreviousTable]):
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
            key = f"数据表.{name}.行[{index}]"
            if not isinstance(raw, dict) or "名称" not in raw:
                self.errors.append(SourceError(where, "每一行应为「键: 值」映射，且有「名称」", key=key, rule="schema",
                                               hint="写成 - {名称: 收入总计, 本年: 2607.85}。"))
                continue
            row: dict[str, Any] = {"名称": str(raw["名称"]), "_where": where, "_source": raw}
            for column in raw:
                if column not in known:
                    self.errors.append(SourceError(locate(column), f"未知的键「{column}」", key=key, rule="schema",
                                                   hint=f"列: {'、'.join(table.columns)}；文字列: "
                                                        f"{'、'.join(table.text_columns) or '（无）'}"))
            for column in table.columns:
                row[column] = self.number(raw.get(column), locate(column), f"{key}.{column}")
            for column in table.text_columns:
                row[column] = None if raw.get(column) is None else str(raw[column])
            stated = raw.get("原表") or {}
            if not isinstance(stated, dict):
                self.errors.append(SourceError(locate("原表"), "原表 应为「列名: 原文数字」映射", key=f"{key}.原表",
                                               rule="schema", hint="写成 原表: {完成率: 106.89}。"))
                stated = {}
            row.update({"上级": raw.get("上级"), "公式": raw.get("公式"), "说明": raw.get("说明"),
                        "原表": self.stated_figures(stated, locate("原表"), key)})
            rows.append(row)
        return rows

    def number(self, value: Any, where: Location, key: str) -> Decimal | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
            self.errors.append(SourceError(where, f"应为数字，这里是「{value}」", key=key, rule="schema",
                                           hint="去掉数字中的文字和单位（单位写在表的 单位 里）。"))
            return None
        return Decimal(value)

    def stated_figures(self, stated: dict[str, Any], where: Location, key: str) -> dict[str, Decimal]:
        """原表 values of a row: numbers, optionally written with %."""
        figures = {}
        for column, printed in stated.items():
            text = str(printed).strip().rstrip("%％")
            value = self.number(Decimal(text) if re.fullmatch(r"-?\d+(\.\d+)?", text) else printed, where,
                                f"{key}.原表.{column}")
            if value is not None:
                figures[column] = value
        return figures

    def fill_from_previous_year(self, name: str, table: DataTable, rows: list[dict[str, Any]]) -> None:
        """An empty 上年 figure comes from the previous year's report of the same unit (its 本年 figure),
        converted from that table's unit to this one's."""
        earlier = self.previous.get(name)
        if earlier is None:
            return
        factor = self.unit_factor(name, table, earlier)
        if factor is None:
            return
        for item in table.computed:
            if item.kind not in ("差额", "增长率") or item.columns[1] not in PREVIOUS:
                continue
            current, base = item.columns
            for row in rows:
                value = earlier.rows.get(row["名称"], {}).get(current)
                if row.get(base) is None and value is not None:
                    row[base] = value * factor
                    row["_from_previous"] = True

    def unit_factor(self, name: str, table: DataTable, earlier: PreviousTable) -> Decimal | None:
        """How many of this table's units one unit of last year's table is (万元 → 元: 10000)."""
        if earlier.unit == table.unit:
            return Decimal(1)
        mine, theirs = parse_unit(table.unit), parse_unit(earlier.unit)
        if mine is None or theirs is None or mine.dimension != theirs.dimension:
            self.errors.append(SourceError(
                table.locate("单位") if table._source and "单位" in table._source else table.locate(),
                f"上年数取自 {earlier.key} 的「{name}」，其单位「{earlier.unit or '无'}」与本表的「{table.unit or '无'}」无法换算",
                key=f"数据表.{name}.单位", rule="input",
                hint="让两年的表使用可换算的单位（元、万元、亿元），或在本表中直接写出上年数。"))
            return None
        return theirs.scale / mine.scale

    def apply_formulas(self, name: str, table: DataTable, rows: list[dict[str, Any]]) -> None:
        """公式 rows: their numbers are sums and differences of the named rows, column by column."""
        by_name = {row["名称"]: row for row in rows}
        for row in rows:
            if not row["公式"]:
                continue
            where = row["_source"].locate("公式") if isinstance(row["_source"], SourceMap) else row["_where"]
            terms = []
            for sign, term in _FORMULA_RE.findall(str(row["公式"])):
                term = term.strip()
                if term == row["名称"] or term not in by_name:
                    message = f"公式引用了本行自己「{term}」" if term == row["名称"] else f"公式中的「{term}」不是本表的行"
                    self.errors.append(SourceError(where, message, key=f"数据表.{name}.行.{row['名称']}.公式",
                                                   rule="input", hint=f"可用的行: {'、'.join(by_name)}"))
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
                if value is not None and printed != Decimal(value):
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


def view_row(table: DataTable, row: dict[str, Any]) -> DataRowView:
    """A row as templates and expressions see it: typed figures, no bookkeeping keys."""
    values: dict[str, Any] = {column: _figure("金额", row.get(column)) for column in table.columns}
    values.update({item.name: _figure(item.kind, row.get(item.name)) for item in table.computed})
    values.update({column: row.get(column) for column in table.text_columns})
    return DataRowView.make(name=row["名称"], values=values, parent=row.get("上级"), formula=row.get("公式"),
                            note=row.get("说明"), stated=row.get("原表", {}),
                            from_previous=bool(row.get("_from_previous")))


def assess_tables(report: Report, rules: compute.Rules,
                  previous: dict[str, PreviousTable]) -> tuple[dict[str, TableView], list[Finding], list[SourceError]]:
    """Compute every data table; returns views by name (with 表号/图号), findings and errors."""
    run = TableAssessment(report, rules, previous)
    views: dict[str, TableView] = {}
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
            chart = ChartView.make(kind=table.chart.kind, title=table.chart.title or table.title,
                                   columns=tuple(table.chart.columns), number=f"图{chart_no}")
        views[name] = TableView.make(
            name=name, title=table.title, unit=table.unit, number=f"表{table_no}",
            columns=(*table.columns, *(c.name for c in table.computed)), text_columns=tuple(table.text_columns),
            rows=Rows(view_row(table, row) for row in rows),
            total=view_row(table, total) if total else None, chart=chart, note=table.note)
    return views, run.findings, run.errors


def assess_scoring(parts: list[ScorePart], rules: compute.Rules) -> dict[str, Any]:
    """A whole-department score: the parts' scores add up to 总分, graded like any total."""
    total = compute.total([part.score for part in parts])
    return {"scores": tuple(ScorePartView.make(name=p.name, points=Score(p.points), score=Score(p.score))
                            for p in parts),
            "full_marks": Score(compute.total([p.points for p in parts])), "total": Score(total),
            "grade": compute.grade(total, rules)}


def previous_figures(report: Report, key: str) -> dict[str, PreviousTable]:
    """This report's tables as next year's report reads them: unit and the written figures by row."""
    found = {}
    for name, table in report.tables.items():
        rows = {}
        for raw in table.rows:
            if isinstance(raw, dict) and "名称" in raw:
                rows[str(raw["名称"])] = {c: Decimal(v) for c, v in raw.items()
                                        if c in table.columns and isinstance(v, (int, Decimal)) and not isinstance(v, bool)}
        found[name] = PreviousTable(key, table.unit, rows)
    return found
