"""Data tables of documents (决算说明, 评价报告 …): rows in, every computed figure out, like a spreadsheet.

A table declares its number columns (列: 金额, 数量 or 比率), text columns (文字列) and computed
columns (计算: 占比, 差额, 增长率, 比率, or a 公式 over the row's columns). A cell's value is, in
this order: a cell formula of its row (`公式: {节约率: 节约 ÷ 预算}`), the figure written, the row's
formula over other rows (`公式: 业务收入 - 业务支出`), the sum of its parts (rows whose 上级 it
is), or — for 上年 — last year's report's figure, converted to this table's unit. Formulas may
read rows, columns, other tables (`表.行.列`) and the report's forms (`自评表.项目.全年执行数`).
Cells are computed on demand, each once, so tables may refer to each other in any order; a
cycle is an error. Checks: parts against a whole that is written (parts-sum), printed figures
against computed ones (stated-differs), unknown rows, parents and names (with did-you-mean).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ... import compute, formula
from ...errors import Location, SourceError, did_you_mean
from ...findings import Finding, acknowledged
from ...located import CHECK_NOTE, CheckNote, number_as_text
from ...model import Report
from ...phrasing import FORM_FIGURE_PATHS
from ...provenance import Typed, computed, traced
from ...quantity import format_number, parse_unit
from ...validate import not_text
from ...values import Money, Number, Rate, as_computed, decimals_of
from ...yamlsource import SourceList, SourceMap
from ..form.view import Forms
from .model import RESERVED_ROW_KEYS, Column, Computed, DataTable, reads_last_year
from .units import UNIT_COLUMNS, cell_units, column_units
from .view import ChartView, DataRowView, Rows, TableView

ROW_HINT = "写成 - {名称: 收入总计, 本年: 2607.85}。"
FORMULA_HINT = "公式写成 业务收入 - 业务支出、节约 ÷ 预算、(本年 - 上年) ÷ 上年；名称中含运算符或空格时用「」括起。"
TOTAL = "合计"

if TYPE_CHECKING:
    from ...assess import Assessment, Inputs


@dataclass(frozen=True)
class PreviousTable:
    """A table of the same name in last year's report of the same unit and type: its unit and figures."""

    key: str  # the report it comes from, 年度/slug
    unit: str | None
    rows: dict[str, dict[str, Decimal]]


@dataclass
class Row:
    """One row as written: its values, text, formulas and where it stands."""

    name: str
    where: Location
    source: Any
    given: dict[str, Decimal] = field(default_factory=dict)
    text: dict[str, str | None] = field(default_factory=dict)
    parent: str | None = None
    row_formula: formula.Node | None = None
    cell_formulas: dict[str, formula.Node] = field(default_factory=dict)
    stated: dict[str, Decimal] = field(default_factory=dict)
    note: str | None = None
    check_note: CheckNote = None
    counted: bool = True  # in the 合计
    format: str | None = None  # 比率 for a row that is a share of another (节约率 = 节约 ÷ 预算)
    from_previous: set[str] = field(default_factory=set)
    same_money: list[str] = field(default_factory=list)  # 同一笔钱: rows of other tables holding the same money
    aliases: list[str] = field(default_factory=list)  # 别名: the other names the document's prose gives the row
    unit: str | None = None  # 度量单位: the row's own unit (its text column, or a key of the row)

    def locate(self, key: str) -> Location:
        return self.source.locate(key) if isinstance(self.source, SourceMap) else self.where


@dataclass
class Table:
    """A table being computed: its declaration, rows and the kind and decimals of each column."""

    name: str
    model: DataTable
    unit: str | None
    rows: list[Row]
    kinds: dict[str, str]  # number and computed columns → 金额 / 数量 / 比率
    places: dict[str, int]
    fixed: dict[str, bool]  # columns printed with all their 小数位 (固定小数位)
    formulas: dict[str, formula.Node]  # of computed 公式 columns

    def __post_init__(self) -> None:
        self.by_name = {row.name: row for row in self.rows}
        self.computed = {item.name: item for item in self.model.computed}
        self.children: dict[str, list[Row]] = {}
        for row in self.rows:
            if row.parent:
                self.children.setdefault(row.parent, []).append(row)

    @property
    def columns(self) -> list[str]:
        return [*self.model.number_columns, *self.computed]


@dataclass(frozen=True, slots=True)
class Recipe:
    """How a cell was computed, for its provenance: the rule in words, and how to write the arithmetic from the
    printed figures it read (in the order it read them)."""

    rule: str
    arithmetic: Callable[[list[str]], str]


Ref = tuple[str, str, str] | Decimal  # a cell (table, row or 合计, column), or a form's figure a formula read


class TableAssessment:
    """Computes the tables of one report: every cell on demand, once, with errors and findings collected."""

    def __init__(
        self,
        report: Report,
        rules: compute.Rules,
        previous: dict[str, PreviousTable],
        default_unit: str,
        forms: Forms,
        scope: str = "",
    ):
        self.report = report
        self.rules = rules
        self.previous = previous
        self.default_unit = default_unit
        self.forms = forms
        self.errors: list[SourceError] = []
        self.findings: list[Finding] = []
        self.tables: dict[str, Table] = {}
        self.memo: dict[tuple[str, str, str], Decimal | None] = {}
        self.visiting: set[tuple[str, str, str]] = set()
        self.reported: set[tuple[str, str, str]] = set()
        # provenance: what each cell read while it was computed, how, and the cells as printed figures
        self.reading: list[list[Ref]] = []
        self.reads: dict[tuple[str, str, str], list[Ref]] = {}
        self.recipes: dict[tuple[str, str, str], Recipe] = {}
        self.typed: dict[tuple[str, str, str], Decimal | None] = {}
        self.scope = scope

    def error(self, where: Location, message: str, key: str, hint: str, rule: str = "formula") -> None:
        self.errors.append(SourceError(where, message, key=key, rule=rule, hint=hint))

    # reading ---------------------------------------------------------------------------------------

    def read(self, name: str, model: DataTable) -> Table:
        unit = model.unit if model.unit is not None else self.default_unit
        if model.unit is None and set(UNIT_COLUMNS) & set(model.all_text_columns):
            unit = None  # each row says its unit (度量单位): the site's default is none of theirs
        money = _is_money(unit)
        kinds, places, fixed = {}, {}, {}
        for column in model.columns:
            spec = column if isinstance(column, Column) else None
            label = spec.name if spec else column
            if spec and spec.kind == "文字":
                continue
            own = _is_money(spec.unit) if spec and spec.unit else money  # a column of 万人 in a table of 万元
            kinds[label] = spec.kind if spec and spec.kind else ("金额" if own else "数量")
            places[label] = (
                spec.places if spec and spec.places is not None else (model.places if model.places is not None else 2)
            )
            fixed[label] = _fixed(spec, model)
        for item in model.computed:
            kinds[item.name] = _computed_kind(item, kinds)
            fixed[item.name] = _fixed(item, model)
            places[item.name] = (
                item.places
                if item.places is not None
                else (
                    self.rules.places
                    if kinds[item.name] == "比率"
                    else places.get(item.columns[0] if item.columns else "", 2)
                )
            )
        formulas = {}
        for item in model.computed:
            if item.kind == "公式":
                try:
                    formulas[item.name] = formula.parse(item.formula or "")
                except formula.FormulaError as exc:
                    self.error(item.locate("公式"), str(exc), f"数据表.{name}.计算.{item.name}", FORMULA_HINT)
        table = Table(name, model, unit, self.read_rows(name, model), kinds, places, fixed, formulas)
        self.check_parents(table)
        return table

    def read_rows(self, name: str, model: DataTable) -> list[Row]:
        """Check each row's keys, numbers and formulas; problems are reported at the row's line."""
        numbers, texts = model.number_columns, model.all_text_columns
        known = set(RESERVED_ROW_KEYS) | set(numbers) | set(texts) | {model.first_column} | set(UNIT_COLUMNS)
        source_rows = model.source_map.get("行") if model.source_map is not None else None
        rows = []
        for index, raw in enumerate(source_rows if isinstance(source_rows, list) else model.rows):
            where = (
                raw.locate()
                if isinstance(raw, SourceMap)
                else (source_rows.locate(index) if isinstance(source_rows, SourceList) else model.locate("行"))
            )
            key = f"数据表.{name}.行[{index}]"
            label = row_label_key(model, raw)
            if label is None:
                first = model.first_column
                named, hint = (
                    ("", ROW_HINT)
                    if first == "项目"
                    else (f"（或「{first}」）", f"写成 - {{{first}: 这一行的名称, …}}。")
                )
                self.error(where, f"每一行应为「键: 值」映射，且有「名称」{named}", key, hint, "schema")
                continue
            if not isinstance(raw, dict):  # a bare name: a row of a list of names
                rows.append(Row(str(raw), where, raw, text=dict.fromkeys(texts)))
                continue
            row = Row("", where, raw, counted=raw.get("计入合计") is not False)
            row.name = self.text(row, label, key) or ""
            row.parent, row.note, row.format = (self.text(row, k, key) for k in ("上级", "说明", "格式"))
            row.check_note = self.check_note(row, key)
            row.same_money, row.aliases = (self.names(row, k, key) for k in ("同一笔钱", "别名"))
            if row.format not in (None, "金额", "数量", "比率"):
                self.error(
                    row.locate("格式"), f"格式「{row.format}」无效", key, "格式 可为 金额、数量 或 比率。", "schema"
                )
                row.format = None
            for column in raw:
                if column not in known:
                    self.error(
                        row.locate(column),
                        f"未知的键「{column}」",
                        key,
                        did_you_mean(str(column), [*numbers, *texts, *RESERVED_ROW_KEYS], n=2),
                        "schema",
                    )
            for column in numbers:
                value = self.number(raw.get(column), row.locate(column), f"{key}.{column}")
                if value is not None:
                    row.given[column] = value
            written = [*texts, *(c for c in UNIT_COLUMNS if c in raw and c not in texts)]  # 度量单位 without a column
            row.text = {column: self.text(row, column, key) for column in written}
            row.unit = next((row.text[c] for c in UNIT_COLUMNS if row.text.get(c)), None)
            self.read_formula(row, raw.get("公式"), numbers, key)
            row.stated = self.stated_figures(raw.get("原表"), row.locate("原表"), key)
            rows.append(row)
        return rows

    def text(self, row: Row, column: str, key: str) -> str | None:
        """A text cell of a row: text, or a number kept as written (名称: 2023); true/false, a list or a mapping is
        an error, never printed as "True"."""
        value = number_as_text(row.source.get(column))
        if value is None or isinstance(value, str):
            return value
        message, hint = not_text(value)
        self.error(row.locate(column), message, f"{key}.{column}", hint, "schema")
        return None

    def names(self, row: Row, column: str, key: str) -> list[str]:
        """A row key holding one name or a list of them (同一笔钱, 别名)."""
        value = row.source.get(column)
        if value is None:
            return []
        if isinstance(value, str):
            return [value]
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            return list(value)
        self.error(
            row.locate(column),
            f"{column} 应为文字或文字的列表",
            f"{key}.{column}",
            f"写成 {column}: [名称一, 名称二]。",
            "schema",
        )
        return []

    def check_links(self) -> None:
        """同一笔钱 names a row of another table (表名.行名) the audit compares this row with, column by column: a
        link to no row, or to a table with no number column in common, would silently compare nothing."""
        rows = [f"{name}.{row.name}" for name, table in self.tables.items() for row in table.rows]
        for table in self.tables.values():
            for row in table.rows:
                for link in row.same_money:
                    other_name, _, row_name = link.partition(".")
                    other = self.tables.get(other_name)
                    key = f"数据表.{table.name}.行.{row.name}.同一笔钱"
                    if other is None or row_name not in other.by_name or other is table:
                        hint = did_you_mean(link, [r for r in rows if not r.startswith(f"{table.name}.")], n=2)
                        self.error(
                            row.locate("同一笔钱"),
                            f"同一笔钱「{link}」不是本报告另一张数据表的行",
                            key,
                            hint or "写成 同一笔钱: 表名.行名（表名是 数据表 下的名称）。",
                            "input",
                        )
                    elif not set(table.model.number_columns) & set(other.model.number_columns):
                        self.error(
                            row.locate("同一笔钱"),
                            f"同一笔钱「{link}」: 两张表没有同名的数字列，无从比较",
                            key,
                            f"两张表要有同名的数字列（本表: {'、'.join(table.model.number_columns)}）。",
                            "input",
                        )

    def check_note(self, row: Row, key: str) -> CheckNote:
        """A row's 核对说明: the findings it acknowledges ({规则 「原文」: 原因}), or the old free text."""
        value = row.source.get(CHECK_NOTE)
        if isinstance(value, dict) and all(isinstance(reason, str) for reason in value.values()):
            return value
        return self.text(row, CHECK_NOTE, key)

    def read_formula(self, row: Row, written: Any, numbers: list[str], key: str) -> None:
        """公式 of a row: a string computes every number column from other rows; a mapping computes cells."""
        if written is None:
            return
        where = row.locate("公式")
        try:
            if isinstance(written, dict):
                for column, text in written.items():
                    if column not in numbers:
                        self.error(
                            where,
                            f"公式中的列「{column}」不是本表的数字列",
                            f"{key}.公式",
                            did_you_mean(str(column), numbers, n=2),
                        )
                    elif column in row.given:
                        self.error(
                            where,
                            f"「{row.name}」的「{column}」既写了数又写了公式",
                            f"{key}.公式",
                            "保留一个：写数，或写公式让它计算。",
                        )
                    else:
                        row.cell_formulas[column] = formula.parse(str(text))
            else:
                row.row_formula = formula.parse(str(written))
        except formula.FormulaError as exc:
            self.error(where, str(exc), f"{key}.公式", FORMULA_HINT)

    def number(self, value: Any, where: Location, key: str) -> Decimal | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
            self.error(
                where, f"应为数字，这里是「{value}」", key, "去掉数字中的文字和单位（单位写在表的 单位 里）。", "schema"
            )
            return None
        return Decimal(value)

    def stated_figures(self, stated: Any, where: Location, key: str) -> dict[str, Decimal]:
        """原表 values of a row: numbers, optionally written with %."""
        if stated is None:
            return {}
        if not isinstance(stated, dict):
            self.error(
                where, "原表 应为「列名: 原文数字」映射", f"{key}.原表", "写成 原表: {完成率: 106.89}。", "schema"
            )
            return {}
        figures = {}
        for column, printed in stated.items():
            text = str(printed).strip().rstrip("%％")
            value = self.number(
                Decimal(text) if re.fullmatch(r"-?\d+(\.\d+)?", text) else printed, where, f"{key}.原表.{column}"
            )
            if value is not None:
                figures[str(column)] = value
        return figures

    def check_parents(self, table: Table) -> None:
        for row in table.rows:
            if row.parent is not None and row.parent not in table.by_name:
                self.error(
                    row.locate("上级"),
                    f"上级「{row.parent}」不是本表的行",
                    f"数据表.{table.name}.行.{row.name}.上级",
                    did_you_mean(row.parent, [r.name for r in table.rows if r is not row], n=2),
                    "input",
                )
                row.parent = None

    def fill_from_previous_year(self, table: Table) -> None:
        """An empty 上年 figure comes from the previous year's report of the same unit (its 本年 figure),
        converted from that table's unit to this one's."""
        earlier = self.previous.get(table.name)
        if earlier is None:
            return
        factor = self.unit_factor(table, earlier)
        if factor is None:
            return
        for item in table.model.computed:
            if not reads_last_year(item):  # the site model's rule, which also links last year's report
                continue
            current, base = item.columns
            for row in table.rows:
                value = earlier.rows.get(row.name, {}).get(current)
                if base not in row.given and base not in row.cell_formulas and value is not None:
                    row.given[base] = (
                        value if factor == 1 else Decimal(format_number(value * factor))
                    )  # 2000, not 2000.0000
                    row.from_previous.add(base)
                    converted = "" if factor == 1 else f" × {format_number(factor)}"
                    self.recipes[(table.name, row.name, base)] = Recipe(
                        f"{base}取自上年报告 {earlier.key} 同名表中「{row.name}」的{current}",
                        lambda _, v=value, c=converted: f"{format_number(v)}{c}",
                    )

    def unit_factor(self, table: Table, earlier: PreviousTable) -> Decimal | None:
        """How many of this table's units one unit of last year's table is (万元 → 元: 10000)."""
        theirs_text = earlier.unit if earlier.unit is not None else self.default_unit
        if theirs_text == table.unit:
            return Decimal(1)
        mine, theirs = parse_unit(table.unit), parse_unit(theirs_text)
        if mine is None or theirs is None or mine.dimension != theirs.dimension:
            model = table.model
            self.error(
                model.locate("单位") if model.wrote("单位") else model.locate(),
                f"上年数取自 {earlier.key} 的「{table.name}」，其单位「{theirs_text or '无'}」与本表的"
                f"「{table.unit or '无'}」无法换算",
                f"数据表.{table.name}.单位",
                "让两年的表使用可换算的单位（元、万元、亿元），或在本表中直接写出上年数。",
                "input",
            )
            return None
        return theirs.scale / mine.scale

    # computing -------------------------------------------------------------------------------------

    def value(self, table: Table, row: Row | None, column: str) -> Decimal | None:
        """A cell's value, computed once; `row` None is the table's 合计."""
        key = (table.name, row.name if row else TOTAL, column)
        if self.reading:
            self.reading[-1].append(key)
        if key in self.memo:
            return self.memo[key]
        if key in self.visiting:
            raise formula.FormulaError(f"「{table.name}」的「{key[1]}」{column} 在公式中循环引用了自己")
        self.visiting.add(key)
        self.reading.append([])
        try:
            result = self.total(table, column) if row is None else self.cell(table, row, column)
        finally:
            self.visiting.discard(key)
            self.reads[key] = list(dict.fromkeys(self.reading.pop()))
        self.memo[key] = result
        return result

    def cell(self, table: Table, row: Row, column: str) -> Decimal | None:
        if column in table.computed:
            return self.computed(table, row, table.computed[column])
        if column in row.cell_formulas:
            return self.formula_value(table, row, column, row.cell_formulas[column], cell=True, label=column)
        if column in row.given:
            return row.given[column]
        if row.row_formula is not None:
            return self.formula_value(table, row, column, row.row_formula, cell=False, label=row.name)
        parts = table.children.get(row.name)
        if parts:
            self.recipes[(table.name, row.name, column)] = Recipe(f"{row.name} = 其下各项之和", " + ".join)
            values = [v for v in (self.value(table, part, column) for part in parts) if v is not None]
            return sum(values, Decimal(0)) if values else None
        return None

    def computed(self, table: Table, row: Row | None, item: Computed) -> Decimal | None:
        places = table.places[item.name]
        if item.kind == "占比":  # a blank figure (a report carried forward with --from) has no share
            parent = row.parent if row is not None else None
            siblings = [r for r in table.rows if r.parent == parent and r.row_formula is None and r.format != "比率"]
            filled = [r for r in siblings if self.value(table, r, item.columns[0]) is not None]
            if row is None:
                self.recipes[(table.name, TOTAL, item.name)] = Recipe(f"合计的{item.name}为 100%", lambda _: "100")
                return compute.round_half_up(compute.HUNDRED, places) if filled else None
            if row not in filled:
                return None
            values = [self.value(table, r, item.columns[0]) for r in filled]
            inputs: list[Ref] = [(table.name, r.name, item.columns[0]) for r in filled]
            for index, (sibling, share) in enumerate(zip(filled, compute.balanced_shares(values, places))):
                key = (table.name, sibling.name, item.name)
                self.memo[key], self.reads[key] = share, inputs
                self.recipes[key] = share_recipe(item.name, item.columns[0], index)
            return self.memo[(table.name, row.name, item.name)]
        if item.kind == "公式":
            node = table.formulas.get(item.name)
            return None if node is None else self.formula_value(table, row, item.name, node, cell=True, label=item.name)
        first, second = (self.value(table, row, c) for c in item.columns)
        self.recipes[(table.name, row.name if row else TOTAL, item.name)] = pair_recipe(item)
        return _pair(item.kind, first, second, places)

    def formula_value(
        self, table: Table, row: Row | None, column: str, node: formula.Node, cell: bool, label: str
    ) -> Decimal | None:
        """A formula's value in this cell; × and ÷ are rounded to the column's decimals (rates to the rules')."""
        read: dict[str, int] = {}  # each name's place among the cell's reads, for writing out its arithmetic

        def value_of(name: str) -> Decimal | None:
            before = len(self.reading[-1]) if self.reading else 0
            value = self.resolve(table, row, column, name, cell)
            if self.reading and len(self.reading[-1]) > before and name not in read:
                read[name] = list(dict.fromkeys(self.reading[-1])).index(self.reading[-1][before])
            return value

        self.recipes[(table.name, row.name if row else TOTAL, column)] = Recipe(
            f"{label} = {formula.show(node, str)}", lambda texts: formula.show(node, lambda n: texts[read[n]])
        )
        try:
            result = formula.evaluate(node, value_of)
        except formula.ZeroDivisor:
            return None
        except formula.FormulaError as exc:
            if exc.where is None:
                exc.where = self.formula_place(table, row, column, cell)
            raise
        if result is None or not formula.uses_division_or_product(node):
            return result
        if self.kind(table, row, column) == "比率":
            return compute.round_half_up(result * compute.HUNDRED, self.rules.places)
        return compute.round_half_up(result, max(table.places.get(column, 2), _decimals_read(node, value_of)))

    def formula_place(self, table: Table, row: Row | None, column: str, cell: bool) -> Location:
        """Where the formula computing this cell is written: the 计算 item, or the row's 公式."""
        if cell and column in table.computed:
            return table.computed[column].locate("公式")
        return row.locate("公式") if row is not None else table.model.locate()

    def kind(self, table: Table, row: Row | None, column: str) -> str:
        """How a cell prints: the row's 格式 for its number columns, else the column's kind."""
        if row is not None and row.format and column in table.model.number_columns:
            return row.format
        return table.kinds[column]

    def resolve(self, table: Table, row: Row | None, column: str, name: str, cell: bool) -> Decimal | None:
        """What a name in a formula means here: a column of this row (cell formulas), a row of this table
        (in this column), `行.列`, `表.行.列`, `表.合计.列` or `自评表.项目.数`."""
        parts = name.split(".")
        if len(parts) == 1:
            if cell and name in table.columns:
                return self.value(table, row, name)
            if name in table.by_name:
                return self.value(table, table.by_name[name], column)
            if name == TOTAL:
                return self.value(table, None, column)
            raise formula.FormulaError(
                f"公式中的「{name}」既不是本表的列，也不是本表的行；"
                f"{did_you_mean(name, [*table.columns, *table.by_name], n=2)}"
            )
        if parts[0] == "自评表" and len(parts) == 3:
            return self.form_figure(parts[1], parts[2])
        if len(parts) == 2:
            if parts[0] in table.by_name or parts[0] == TOTAL:
                return self.other_cell(table, parts[0], parts[1])
            if parts[0] in self.tables:
                return self.other_cell(self.tables[parts[0]], parts[1], column)
        if len(parts) == 3 and parts[0] in self.tables:
            return self.other_cell(self.tables[parts[0]], parts[1], parts[2])
        raise formula.FormulaError(
            f"公式中的「{name}」无法识别；写成 行名、行名.列名 或 表名.行名.列名"
            f"（{did_you_mean(parts[0], [*self.tables, *table.by_name], n=2)}）"
        )

    def other_cell(self, table: Table, row_name: str, column: str) -> Decimal | None:
        if column not in table.columns:
            raise formula.FormulaError(
                f"表「{table.name}」没有列「{column}」；{did_you_mean(column, table.columns, n=2)}"
            )
        if row_name == TOTAL:
            return self.value(table, None, column)
        if row_name not in table.by_name:
            raise formula.FormulaError(
                f"表「{table.name}」没有行「{row_name}」；{did_you_mean(row_name, list(table.by_name), n=2)}"
            )
        return self.value(table, table.by_name[row_name], column)

    def form_figure(self, project: str, figure: str) -> Decimal | None:
        names = [form.project for form in self.forms]
        if project not in names:
            raise formula.FormulaError(f"没有名为「{project}」的自评表；{did_you_mean(project, names, n=2)}")
        if figure not in FORM_FIGURE_PATHS:
            raise formula.FormulaError(
                f"自评表的「{figure}」不能用于公式；{did_you_mean(figure, list(FORM_FIGURE_PATHS), n=2)}"
            )
        value: Any = self.forms[project]
        for attribute in FORM_FIGURE_PATHS[figure].split("."):
            value = getattr(value, attribute)
        if value is not None and self.reading:
            self.reading[-1].append(value)  # the form's figure itself, with its own origin
        return None if value is None else Decimal(value)

    def total(self, table: Table, column: str) -> Decimal | None:
        """合计: the top-level rows (a row derived from other rows of the table would count them twice)."""
        if column in table.computed:
            return self.computed(table, None, table.computed[column])
        if table.kinds.get(column) == "比率":
            return None
        counted = [
            row
            for row in table.rows
            if not row.parent and row.counted and row.format != "比率" and not _derived(row, table)
        ]
        self.recipes[(table.name, TOTAL, column)] = Recipe(
            "合计 = 各项之和（不含其下各项与由本表各行算出的行）", " + ".join
        )
        values = [v for v in (self.value(table, row, column) for row in counted) if v is not None]
        return sum(values, Decimal(0)) if values else None

    def evaluate_cell(self, table: Table, row: Row | None, column: str) -> Decimal | None:
        """A cell for the view; a formula problem is reported once at the row's 公式 (or the table)."""
        try:
            return self.value(table, row, column)
        except formula.FormulaError as exc:
            key = (table.name, row.name if row else TOTAL, column)
            if key not in self.reported:
                self.reported.add(key)
                where = exc.where or self.formula_place(table, row, column, cell=True)
                self.error(where, str(exc), f"数据表.{table.name}.{key[1]}.{column}", FORMULA_HINT)
            return None

    # checking --------------------------------------------------------------------------------------

    def check_parts(self, table: Table) -> None:
        """A row whose figure is written must equal the sum of its parts, in every number column."""
        for parent in table.rows:
            parts = table.children.get(parent.name)
            if not parts:
                continue
            for column in table.model.number_columns:
                if column not in parent.given:
                    continue
                values = [v for v in (self.evaluate_cell(table, part, column) for part in parts) if v is not None]
                whole = sum(values, Decimal(0))
                if values and whole != parent.given[column]:
                    self.findings.append(
                        acknowledged(
                            parent.where,
                            parent.check_note,
                            "parts-sum",
                            f"{table.model.title}「{parent.name}」{column} "
                            f"{format_number(parent.given[column])}，其中各项合计 {format_number(whole)}",
                        )
                    )

    def check_stated(self, table: Table, figures: dict[str, dict[str, Decimal | None]]) -> None:
        """Printed figures (原表) against the computed ones, row by row and for the 合计."""
        for row in table.rows:
            for column, printed in row.stated.items():
                key = f"数据表.{table.name}.行.{row.name}.原表"
                if column not in table.kinds:
                    self.error(
                        row.locate("原表"),
                        f"原表中的「{column}」不是本表的列",
                        key,
                        did_you_mean(column, list(table.kinds), n=2),
                        "input",
                    )
                    continue
                if column in row.given:
                    self.error(
                        row.locate("原表"),
                        f"原表给了「{column}」，但这个数是直接填写的，没有计算结果可以核对",
                        key,
                        "删除 原表 中的这一项；原文印的数就写在该列。只有计算出来的数（合计、比率、公式）才能写 原表。",
                        "input",
                    )
                    continue
                value = figures[row.name].get(column)
                if value is not None and printed != Decimal(value):
                    self.findings.append(
                        acknowledged(
                            row.where,
                            row.check_note,
                            "stated-differs",
                            f"{table.model.title}「{row.name}」{column}: 原表为 {printed}，按数据计算为 {value}",
                        )
                    )
        for column, printed in (table.model.stated or {}).items():
            value = figures.get(TOTAL, {}).get(column)
            if value is not None and printed != value:
                self.findings.append(
                    acknowledged(
                        table.model.locate("原表"),
                        table.model.check_note,
                        "stated-differs",
                        f"{table.model.title} 合计 {column}: 原表为 {format_number(printed)}，"
                        f"按数据计算为 {format_number(value)}",
                    )
                )

    def check_count(self, table: Table) -> None:
        """数量, the count of rows the document prints (下设 6 个科室), against the rows the table lists."""
        model = table.model
        if model.count is not None and model.count != len(table.rows):
            self.findings.append(
                acknowledged(
                    model.locate("数量"),
                    model.check_note,
                    "stated-differs",
                    f"{model.title}: 原文印出 {model.count} 个，表中列了 {len(table.rows)} 行",
                )
            )

    # the view --------------------------------------------------------------------------------------

    def with_units(self, table: Table, row: Row | None, figures: dict[str, Decimal | None]) -> dict[str, Any]:
        """A row's figures, each printing its own unit where it is not the table's (units.py)."""
        units = cell_units(table.unit, column_units(table.model), row.unit if row else None, table.kinds)
        return {c: _in_unit(v, units[c]) if c in units and v is not None else v for c, v in figures.items()}

    def figures(self, table: Table, row: Row | None) -> dict[str, Decimal | None]:
        return {column: self.figure(table, row, column) for column in table.columns}

    def figure(self, table: Table, row: Row | None, column: str) -> Decimal | None:
        """A cell as printed (Money, Rate or Number), with its origin: written at its line, or computed by its
        recipe from the cells it read, each a figure with its own origin."""
        key = (table.name, row.name if row else TOTAL, column)
        if key in self.typed:
            return self.typed[key]
        kind = self.kind(table, row, column)
        places = self.rules.places if kind == "比率" else table.places[column]
        raw = self.evaluate_cell(table, row, column)
        recipe = self.recipes.get(key)
        stated = (
            row.stated.get(column)
            if row is not None
            else table.model.stated.get(column)
            if table.model.stated
            else None
        )
        if raw is not None and recipe is not None and (row is None or column not in row.from_previous):
            raw = as_computed(raw, stated)  # last year's figure is a typed one, printed as written
        value = _typed(kind, raw, places, table.fixed[column])
        self.typed[key] = value
        if value is None:
            return None
        path = f"数据表.{table.name}.{'合计' if row is None else f'行.{table.rows.index(row)}'}.{column}"
        if recipe is None:
            assert row is not None  # a 合计 is always computed
            return traced(value, Typed(path, column, str(value), row.locate(column), column, self.scope))
        inputs = [self.referred(ref) for ref in self.reads.get(key, [])]
        texts = [f"{Decimal(i):f}" if isinstance(i, Rate) else str(i) for i in inputs]  # a formula reads 50, not 50%
        return traced(
            value,
            computed(
                path, value, recipe.rule, recipe.arithmetic(texts), inputs, self.scope, stated, f"{key[1]} {column}"
            ),
        )

    def referred(self, ref: Ref) -> Decimal | None:
        """A cell a formula read, as a printed figure (a form's figure is one already)."""
        if not isinstance(ref, tuple):
            return ref
        table = self.tables[ref[0]]
        return self.figure(table, table.by_name.get(ref[1]) if ref[1] != TOTAL else None, ref[2])

    def view(self, table: Table, number: str | None, chart_number: str | None) -> TableView:
        figures = {row.name: self.figures(table, row) for row in table.rows}
        if table.model.total:
            figures[TOTAL] = self.figures(table, None)
        self.check_parts(table)
        self.check_stated(table, figures)
        self.check_count(table)
        model = table.model
        rows = Rows(
            DataRowView.make(
                name=row.name,
                values={**self.with_units(table, row, figures[row.name]), **row.text},
                parent=row.parent,
                formula=_formula_text(row.source),
                note=row.note,
                stated=row.stated,
                from_previous=bool(row.from_previous),
                where=row.where,
                check_note=row.check_note,
                same_money=row.same_money,
                aliases=row.aliases,
            )
            for row in table.rows
        )
        total = (
            DataRowView.make(
                name=TOTAL,
                values={**self.with_units(table, None, figures[TOTAL]), **{c: None for c in model.all_text_columns}},
                parent=None,
                formula=None,
                note=None,
                stated={},
                from_previous=False,
            )
            if model.total
            else None
        )
        chart = (
            ChartView.wrap(model.chart, title=model.chart.title or model.title, number=chart_number or "")
            if model.chart
            else None
        )
        return TableView.wrap(
            model,
            name=table.name,
            unit=table.unit,
            number=number or "",
            first_column=model.first_column,
            columns=tuple(table.columns),
            text_columns=tuple(model.all_text_columns),
            column_units=column_units(model),
            rows=rows,
            total=total,
            chart=chart,
        )


def _is_money(unit: str | None) -> bool:
    parsed = parse_unit(unit)
    return parsed is not None and parsed.base == "元" and not parsed.per


def _in_unit(value: Decimal, unit: str) -> Decimal:
    """A figure printing its own unit; an amount whose unit is not money (6 台 in a table of 万元) is a count."""
    if isinstance(value, Money) and not _is_money(unit):
        count = Number(value)
        count.origin = value.origin
        value = count
    return value.with_unit(unit)


def _fixed(spec: Column | Computed | None, model: DataTable) -> bool:
    """固定小数位 of a column, else of its table: pad every figure of the column to its 小数位."""
    return spec.fixed if spec is not None and spec.fixed is not None else model.fixed


def _computed_kind(item: Computed, kinds: dict[str, str]) -> str:
    if item.kind in ("占比", "增长率", "比率"):
        return "比率"
    if item.kind == "公式":
        return item.format or "金额"
    return kinds.get(item.columns[0], "金额")


def _typed(kind: str, value: Decimal | None, places: int, fixed: bool) -> Decimal | None:
    if value is None:
        return None
    if kind == "比率":
        return Rate(value, places if fixed else 0)
    return Money(value, places, fixed) if kind == "金额" else Number(value)


def _formula_text(source: Any) -> str | None:
    written = source.get("公式") if isinstance(source, dict) else None
    if written is None:
        return None
    return "；".join(f"{k} = {v}" for k, v in written.items()) if isinstance(written, dict) else str(written)


def _derived(row: Row, table: Table) -> bool:
    """A row computed from other rows of its own table (增值收益 = 业务收入 − 业务支出)."""
    return row.row_formula is not None and all(n in table.by_name for n in formula.names(row.row_formula))


def _decimals_read(node: formula.Node, value_of: Any) -> int:
    """The most decimals among the figures a formula reads: a product keeps the precision of its inputs."""
    found = [value_of(name) for name in formula.names(node)]
    return max((decimals_of(v) for v in found if isinstance(v, Decimal)), default=0)


def share_recipe(name: str, column: str, index: int) -> Recipe:
    """占比 of a row among its siblings: its figure ÷ their sum, rounded so the shares add up to 100."""
    return Recipe(
        f"{name} = 本行{column} ÷ 同级各行{column}之和（四舍五入，使各项合计为 100%，尾差计入最大项）",
        lambda texts: f"{texts[index]} ÷ ({' + '.join(texts)})",
    )


def pair_recipe(item: Computed) -> Recipe:
    """差额, 增长率 or 比率 of two columns of a row."""
    a, b = item.columns
    if item.kind == "差额":
        return Recipe(f"{item.name} = {a} − {b}", lambda t: f"{t[0]} − {t[1]}")
    if item.kind == "增长率":
        return Recipe(f"{item.name} = ({a} − {b}) ÷ {b}", lambda t: f"({t[0]} − {t[1]}) ÷ {t[1]}")
    return Recipe(f"{item.name} = {a} ÷ {b}", lambda t: f"{t[0]} ÷ {t[1]}")


def _pair(kind: str, a: Decimal | None, b: Decimal | None, places: int) -> Decimal | None:
    if kind == "比率":
        return compute.ratio_percent(a, b, places)
    if kind == "增长率":
        return compute.growth_rate(a, b, places)
    return None if a is None or b is None else a - b


def row_label_key(model: DataTable, raw: Any) -> str | None:
    """The key that names a row: 名称, or the 首列's own name (姓名); "" for a bare name in a table without columns
    (a list of names: 行: [张三, 李四]); None when the row has neither."""
    if isinstance(raw, dict):
        return next((k for k in ("名称", model.first_column) if raw.get(k) is not None), None)
    bare = isinstance(raw, (str, int, Decimal)) and not isinstance(raw, bool)
    return "" if bare and not model.number_columns and not model.all_text_columns else None


def placement_order(names: list[str], placed: list[str], visible: dict[str, bool]) -> list[str]:
    """Tables in the order a reader meets them: placed in the text first, then the appended ones."""
    order = [name for name in dict.fromkeys(placed) if name in names]
    return order + [name for name in names if name not in order and visible[name]]


def assess_part(run: Assessment, report: Report, inputs: Inputs, done: dict[str, Any]) -> dict[str, Any]:
    """The report's data tables (which may read its forms, computed before them), numbered, with their charts."""
    tables, findings, errors = assess_tables(
        report,
        run.rules,
        inputs.previous,
        inputs.default_unit,
        done["forms"],
        inputs.placed_tables,
        inputs.placed_charts,
        run.scope,
    )
    run.errors += errors
    run.findings += findings
    return {
        "tables": tables,
        "table_numbers": {n: t.number for n, t in tables.items() if t.number},
        "chart_numbers": {n: t.chart.number for n, t in tables.items() if t.chart and t.chart.number},
    }


def assess_tables(
    report: Report,
    rules: compute.Rules,
    previous: dict[str, PreviousTable],
    default_unit: str,
    forms: Forms,
    placed_tables: list[str],
    placed_charts: list[str],
    scope: str = "",
) -> tuple[dict[str, TableView], list[Finding], list[SourceError]]:
    """Compute every data table; returns views by name (numbered in reading order), findings and errors."""
    run = TableAssessment(report, rules, previous, default_unit, forms, scope)
    for name, model in report.tables.items():
        run.tables[name] = run.read(name, model)
        run.fill_from_previous_year(run.tables[name])
    run.check_links()
    visible = {name: model.visible for name, model in report.tables.items()}
    numbered = [
        name for name in placement_order(list(report.tables), placed_tables, visible) if report.tables[name].numbered
    ]
    numbers = {name: f"表{i}" for i, name in enumerate(numbered, 1)}
    charted = [name for name, model in report.tables.items() if model.chart]
    chart_order = placement_order(
        charted, [n for n in placed_charts if n in charted], {n: visible[n] for n in charted}
    ) + [n for n in charted if not visible[n] and n not in placed_charts]
    chart_numbers = {name: f"图{i}" for i, name in enumerate(chart_order, 1)}
    views = {name: run.view(table, numbers.get(name), chart_numbers.get(name)) for name, table in run.tables.items()}
    return views, run.findings, run.errors


def previous_figures(report: Report, key: str) -> dict[str, PreviousTable]:
    """This report's tables as next year's report reads them: unit and the written figures by row."""
    found = {}
    for name, table in report.tables.items():
        rows = {}
        for raw in table.rows:
            label = row_label_key(table, raw)
            if label:
                rows[str(raw[label])] = {
                    c: Decimal(v)
                    for c, v in raw.items()
                    if c in table.number_columns and isinstance(v, (int, Decimal)) and not isinstance(v, bool)
                }
        found[name] = PreviousTable(key, table.unit, rows)
    return found
