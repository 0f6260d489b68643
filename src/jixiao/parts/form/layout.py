"""The 项目支出绩效自评表 and the tables an author can place from it: the whole form (a head table of 项目, 资金,
目标 and the indicator table, printed together), its 预算执行情况, its 绩效指标评分表, and the report's
自评结果汇总 of all its forms."""

from __future__ import annotations

from ...document.blocks import Break, Cell, Group, Row, Section, Table, Text, runs
from ...views import ReportView
from ..cells import blank_or_figure, column_labels, empty, figure, label, lines, text
from ..indicators.layout import (
    column_heads,
    indicator_sections,
    indicator_table,
    points_cells,
    words_row,
)
from ..indicators.model import FORM_COLUMNS
from .view import FormView, FundRowView, FundsView

FUND_COLUMNS = ("年初预算数", "全年预算数", "全年执行数")
FORM_HEADS = {"指标值": "年度指标值"}  # the official form's word for its target column
# the form's texts after its 总分, each a row of its own when written
CLOSING_TEXTS = (("评价结论", "conclusion"), ("存在问题", "problems"), ("改进措施", "measures"))


def lay_out_form(form: FormView, year: int, unit: str) -> Group:
    """The standard 项目支出绩效自评表: the head table and the indicator table, whose header rows repeat on every
    printed page."""
    return Group((head_table(form, year, unit), form_indicators(form)))


def head_table(form: FormView, year: int, unit: str) -> Table:
    """项目名称, 主管部门 and 实施单位; the 项目资金 rows; the 执行说明; the 年度总体目标; the 过程概述."""
    funds = form.funds
    head = Section(
        (
            Row(
                (
                    label("项目名称"),
                    text(form.project, Text(f"（{form.code}）", "code") if form.code else None, colspan=7),
                )
            ),
            Row(
                (
                    label("主管部门"),
                    text(form.department, colspan=3),
                    label("实施单位"),
                    text(form.implementer, colspan=3),
                )
            ),
        ),
        classes=("head",),
    )
    money = Section(
        (
            Row(
                (
                    label("项目资金", Break(), f"（{unit}）", scope="rowgroup", rowspan=len(funds.parts) + 2),
                    empty(),
                    *column_labels((*FUND_COLUMNS, "分值", "执行率", "得分")).cells,
                )
            ),
            Row(
                (
                    label(funds.total.name),
                    *amount_cells(funds.total),
                    figure(funds.points),
                    figure(funds.rate, "rate", funds.stated.rate),
                    figure(funds.score, stated=funds.stated.score),
                )
            ),
            *(
                Row((part_label(index, part), *amount_cells(part), figure(None), empty(), empty()))
                for index, part in enumerate(funds.parts)
            ),
        ),
        classes=("funds",),
    )
    goal = Section(
        (
            Row(
                (
                    label("年度总体目标", scope="rowgroup", rowspan=2),
                    label("预期目标", scope="col", colspan=4),
                    label("实际完成情况", scope="col", colspan=3),
                )
            ),
            Row((lines(form.goal.expected, 4), lines(form.goal.achieved, 3))),
        ),
        classes=("goal",),
    )
    return Table(
        (
            head,
            money,
            *text_section("执行说明", funds.reason, 7),
            goal,
            *text_section("项目实施内容及过程概述", form.process, 7),
        ),
        ("form",),
        caption=(Text("项目支出绩效自评表"), Break(), Text(f"（{year} 年度）", "small")),
        columns=("c-label", "c-name", *("" for _ in range(6))),
    )


def text_section(name: str, value: str | None, width: int) -> tuple[Section, ...]:
    """A labelled text of the form in a section of its own, when written."""
    return (Section((Row((label(name), lines(value, width))),)),) if value else ()


def indicator_columns(form: FormView) -> tuple[str, ...]:
    """What the form's indicator rows print after 三级指标: its 指标列 (a stated 完成率 or actual beside the
    computed ones), else the official form's columns."""
    return tuple(form.columns or FORM_COLUMNS)


def form_indicators(form: FormView) -> Table:
    """The form's indicator part: 绩效指标 rows, then the 总分 with its 等次, the closing texts and the signers."""
    extra, columns = form.extra_columns, indicator_columns(form)
    width = 3 + len(columns) + len(extra)
    head = (
        Row((label("绩效指标", scope="colgroup", colspan=width, classes=("part",)),)),
        column_labels((*column_heads(columns, FORM_HEADS), *extra)),
    )
    cells = points_cells(
        columns,
        len(extra),
        label("总分"),
        figure(form.points),
        figure(form.total, stated=form.stated.total),
        text(f"评价等次：{form.grade}", kind="grade"),
    )
    total = Row(cells) if cells else words_row(f"总分 {form.total}，评价等次：{form.grade}", width)
    closing = tuple(
        Row((label(name), lines(getattr(form, field), width - 1)))
        for name, field in CLOSING_TEXTS
        if getattr(form, field)
    )
    return indicator_table(
        indicator_sections(form.groups, form.project, extra, columns=columns),
        head,
        Section((total, *closing, *signers_row(form, width)), classes=("total",)),
        ("form", "form-indicators"),
        extra,
        columns=columns,
    )


def signers_row(form: FormView, width: int) -> tuple[Row, ...]:
    """The 项目负责人 and 财务负责人 under the form, when either is named."""
    if not (form.project_lead or form.finance_lead):
        return ()
    lead = f"项目负责人：{form.project_lead}" if form.project_lead else ""
    finance = f"财务负责人：{form.finance_lead}" if form.finance_lead else ""
    return (Row((text(f"{lead}　　{finance}", colspan=width, classes=("signers",)),), ("signers-row",)),)


def amount_cells(row: FundRowView) -> tuple[Cell, ...]:
    """The three amounts of a 项目资金 row (blank where the form leaves them empty)."""
    return tuple(blank_or_figure(value) for value in (row.initial, row.budget, row.executed))


def part_label(index: int, part: FundRowView) -> Cell:
    """The label of a 其中 row, the first introduced by 其中："""
    return label("其中：" if index == 0 else None, part.name)


def lay_out_budget(form: FormView, unit: str) -> Table:
    """预算执行情况: the 项目资金 rows with their 执行率 and the budget's 分值 and 得分, and the reason."""
    funds: FundsView = form.funds
    head = column_labels((f"资金（{unit}）", *FUND_COLUMNS, "执行率", "分值", "得分"))
    rows = [
        Row(
            (
                label(funds.total.name),
                *amount_cells(funds.total),
                figure(funds.rate, "rate", funds.stated.rate),
                figure(funds.points),
                figure(funds.score, stated=funds.stated.score),
            )
        ),
        *(
            Row(
                (
                    part_label(index, part),
                    *amount_cells(part),
                    blank_or_figure(part.rate, "rate"),
                    figure(None),
                    empty(),
                )
            )
            for index, part in enumerate(funds.parts)
        ),
        *((Row((label("原因"), lines(funds.reason, 6))),) if funds.reason else ()),
    ]
    return Table(
        (Section((head,), "head"), Section(tuple(rows))),
        ("budget",),
        caption=runs(f"{form.project} 预算执行情况（", funds.points, "分）"),
    )


def lay_out_indicators(form: FormView) -> Table:
    """绩效指标评分表: the form's indicator rows with their 合计."""
    extra, columns = form.extra_columns, indicator_columns(form)
    cells = points_cells(
        columns, len(extra), label("合计"), figure(form.indicator_points), figure(form.indicator_score), empty()
    )
    words = f"合计 分值 {form.indicator_points}，得分 {form.indicator_score}"
    total = (Row(cells) if cells else words_row(words, 3 + len(columns) + len(extra)))._replace(classes=("total",))
    return indicator_table(
        indicator_sections(form.groups, form.project, extra, columns=columns),
        (column_labels((*column_heads(columns, FORM_HEADS), *extra)),),
        Section((total,)),
        ("indicators",),
        extra,
        caption=runs(f"{form.project} 绩效指标评分表（", form.indicator_points, "分）"),
        columns=columns,
    )


def lay_out_summary(report: ReportView, unit: str) -> Table:
    """自评结果汇总: one row per form, with its 执行率, scores and 等次."""
    head = column_labels(
        (
            "序号",
            "项目名称",
            f"全年预算数（{unit}）",
            f"全年执行数（{unit}）",
            "执行率",
            "预算执行得分",
            "指标得分",
            "总分",
            "评价等次",
        )
    )
    rows = tuple(
        Row(
            (
                text(str(number), kind="count", classes=("num",)),
                label(form.project),
                figure(form.funds.total.budget, "amount"),
                figure(form.funds.total.executed, "amount"),
                figure(form.rate, "rate", form.funds.stated.rate),
                figure(form.budget_score, stated=form.funds.stated.score),
                figure(form.indicator_score),
                figure(form.total, stated=form.stated.total),
                text(form.grade, kind="grade"),
            )
        )
        for number, form in enumerate(report.forms, 1)
    )
    return Table(
        (Section((head,), "head"), Section(rows)), ("summary",), caption=runs(f"{report.year} 年度项目支出绩效自评结果")
    )
