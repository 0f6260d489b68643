"""What an indicator row's 指标值 or 实际完成值 may refer to instead of typing a figure again: a data table's cell
(`数据表.表名.行名.列名`, 行名 合计 for the total row) or a named figure (`数据.名称`). The one home of references
for both parts with indicator rows.

An evaluation's 评分表 is computed after the data tables and reads their views. A 自评表 is computed before them,
since a data table may read the forms (`自评表.项目.全年执行数`): its rows read the cells of the tables computed
without the forms, and a cell that reads a form, itself or through the cells it reads, is refused as circular
rather than read half-computed. Either way the row gets the cell's very figure (with its origin), so the page
prints that value and the 完成率 is computed from it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from typing import TYPE_CHECKING, Any, NoReturn

from ...formula import FormulaError
from ...values import Money, Rate
from ..figures.view import FigureView

if TYPE_CHECKING:
    from ...assess import Assessment, Inputs
    from ...model import Report
    from ..data_table.view import TableView

# a reference's path → the figure it names and its unit (KeyError, with the reason, when there is none)
Lookup = Callable[[str], tuple[Any, str]]

REFERENCE_HINT = (
    "写成 {引用: 数据表.表名.行名.列名}（行名可为 合计），表名、行名、列名与 数据表 中的一致；"
    "或 {引用: 数据.名称}，名称与 数据 中的一致。"
)
CIRCULAR_HINT = (
    "自评表先于数据表计算，而这个单元格要用自评表的数（公式中的 自评表.项目.…）："
    "在指标中直接写出这个数，或引用不读自评表的单元格、数据 中的命名数字。"
)
# what a data table's formula meets when it reads a form before the forms are computed (never shown: the cells
# that meet it are the ones a form may not refer to)
READS_FORMS = "自评表尚未计算"


class Circular(Exception):
    """A reference to a figure that is computed from the very form that refers to it."""


def figure_lookup(tables: Mapping[str, TableView], figures: Mapping[str, Any]) -> Lookup:
    """Read `数据表.表名.行名.列名` (行名 合计: the table's total row) or `数据.名称` (a named figure) as (figure,
    unit): the figure prints as the table or the 数据 prints it (15.00, 96.4%, 2.86), with the table's unit for
    an amount (none for a rate or a count) or the named figure's own unit."""

    def lookup(path: str) -> tuple[Any, str]:
        source, _, rest = path.partition(".")
        if source == "数据":
            return named_figure(figures, rest)
        if source != "数据表":
            raise KeyError(f"「{source}」不是可引用的来源，可用 数据表、数据")
        parts = rest.split(".")
        if len(parts) != 3:
            raise KeyError("应为 数据表.表名.行名.列名")
        name, row_name, column = parts
        table = tables.get(name)
        if table is None:
            raise KeyError(f"没有数据表「{name}」")
        row = table.total if row_name == "合计" else next((r for r in table.rows if r.name == row_name), None)
        if row is None and row_name == "合计":  # the doc's 行名可为 合计 holds only for a table that adds one
            raise KeyError(f"数据表「{name}」没有合计行，表上写 合计: true 才有")
        if row is None or column not in row.values:
            raise KeyError(f"数据表「{name}」没有{'行「' + row_name + '」' if row is None else '列「' + column + '」'}")
        figure = row.values[column]
        if figure is None:
            raise KeyError(f"「{row_name}」的「{column}」是空的")
        if isinstance(figure, str):
            raise KeyError(f"「{row_name}」的「{column}」是文字，不是数")
        return figure, "" if isinstance(figure, Rate) else table.unit or "" if isinstance(figure, Money) else ""

    return lookup


def named_figure(figures: Mapping[str, Any], name: str) -> tuple[Any, str]:
    """A named figure of 数据 as (its number with its origin, its unit); a list of names or a range is not one
    figure a target or an actual can be."""
    figure = figures.get(name)
    if figure is None:
        raise KeyError(f"数据中没有「{name}」" + (f"，可用: {'、'.join(figures)}" if figures else ""))
    if not isinstance(figure, FigureView) or figure.high is not None:
        raise KeyError(f"数据「{name}」是{'名单' if not isinstance(figure, FigureView) else '区间'}，不是一个数")
    return figure.value, figure.unit or ""


def form_lookup(run: Assessment, report: Report, inputs: Inputs, figures: Mapping[str, Any]) -> Lookup:
    """What a 自评表's rows may refer to: named figures, and the cells of the data tables that do not read the
    forms (the tables are computed once, on the first reference to one of them); a cell that does is Circular."""

    @cache
    def tables() -> tuple[Mapping[str, TableView], frozenset[str]]:
        return tables_without_forms(run, report, inputs)

    def lookup(path: str) -> tuple[Any, str]:
        if not path.startswith("数据表."):
            return figure_lookup({}, figures)(path)
        views, reading = tables()
        if path in reading:
            raise Circular(path)
        return figure_lookup(views, figures)(path)

    return lookup


def tables_without_forms(
    run: Assessment, report: Report, inputs: Inputs
) -> tuple[dict[str, TableView], frozenset[str]]:
    """The report's data tables computed before its forms, and the paths of the cells that read a form (through
    any cell they read). Their errors and findings are the data-table part's to report, once, after the forms."""
    from ..data_table.compute import assess_tables  # the data tables import the forms' views

    views, _, errors = assess_tables(
        report,
        run.rules,
        inputs.previous,
        inputs.default_unit,
        FormsNotComputed(),
        inputs.placed_tables,
        inputs.placed_charts,
        run.scope,
    )
    return views, frozenset(error.key for error in errors if error.message == READS_FORMS and error.key)


class FormsNotComputed:
    """The forms as a data table's formula sees them before they are computed: any reading of them fails, so
    each cell computed from a form is known (its error is READS_FORMS)."""

    def refuse(self, *_: Any) -> NoReturn:
        raise FormulaError(READS_FORMS)

    __iter__ = __getitem__ = __contains__ = get = refuse
