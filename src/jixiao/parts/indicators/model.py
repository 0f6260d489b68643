"""The input model of indicator rows (三级指标) under 一级 and 二级指标, shared by the 自评表 and the 评分表."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AliasChoices, Field, ValidationInfo, model_validator

from ...located import CheckNote, Located, check_note, keep_source, number_as_text
from ...yamlsource import SourceMap


class Reference(Located):
    """A figure that lives elsewhere: `{引用: 数据表.成本.培训费.决算数}` — a data-table cell (表名.行名.列名) — or
    `{引用: 数据.归集额}` — a named figure — read where the report has it so the same figure is never typed twice.
    The first word names the kind of source."""

    path: str = Field(
        alias="引用", description="引用的数：数据表.表名.行名.列名（行名可为 合计），或 数据.名称（命名数字）。"
    )


class StatedIndicator(Located):
    score: Decimal | None = Field(None, alias="得分", description="原表印出的得分（只用于核对）。")
    actual: str | Decimal | None = Field(
        None, validation_alias=AliasChoices("实际完成值", "完成值"), description="原表印出的完成值（只用于核对）。"
    )
    completion: str | Decimal | None = Field(
        None,
        alias="完成率",
        description="原表印出的完成率，例如 96.40% 或 100%（与计算的完成率核对；可用 列 印出）。",
    )


class Indicator(Located):
    """A 三级指标 row of a 自评表 or of an evaluation's 评分表.

    The target is compact (`≥428 万条`) or split (指标性质/指标值/度量单位); with an actual value the
    row is scored by the rules. An evaluation row without a target carries the evaluator's 得分
    (with its 评分标准 or 理由). A report type may declare extra columns (附加列), which rows then
    accept as text.
    """

    name: str = Field(alias="三级指标", description="三级指标名称。")
    operator: str | None = Field(
        None, alias="指标性质", description="指标性质：≥（正向）、≤（反向）、＝（等于）或 定性；也可直接写在指标值里。"
    )
    # 指标值 and 实际完成值 take the first branch that accepts the value (text, number, 引用), which is what the smart
    # union chose for every value YAML gives; the smart union tried every branch, so a number went through the 引用
    # model's Python validator, which raised (some 120 numbers a pair of reports)
    target: str | Decimal | Reference | None = Field(
        None,
        validation_alias=AliasChoices("指标值", "年度指标值"),
        union_mode="left_to_right",
        description="年度指标值，例如 ≥428 万条、≤0.06元/条、100%、2023年12月、按月发送；"
        "或 {引用: 数据表.表名.行名.列名}、{引用: 数据.名称}，取数据表或 数据 中的那个数。",
    )
    unit: str | None = Field(None, alias="度量单位", description="指标值的单位（与 指标性质 分开填写时）。")
    actual: str | Decimal | Reference | None = Field(
        None,
        validation_alias=AliasChoices("实际完成值", "完成值"),
        union_mode="left_to_right",
        description="实际完成值，例如 115.55 万条、0.22‰、完成、6月30日；或 {引用: 数据表.表名.行名.列名}、{引用: 数据.名称}。",
    )
    # None when not written (an unscored 评分表; a form's row without it is an error of the computation), but a
    # written null is refused like any value that is not a number
    points: Decimal = Field(  # type: ignore[assignment]
        None,
        validation_alias=AliasChoices("分值", "权重"),
        ge=0,
        description="分值（权重）。评价报告的评分表可以整表不写分值：只列指标、判断达标与否，不计总分。",
    )
    score: Decimal | None = Field(
        None,
        alias="得分",
        ge=0,
        description="得分：定性指标的自评得分（须在等级区间内并写 理由），或评价报告中评价人给的得分；其余由规则计算。",
    )
    score_reason: str | None = Field(
        None, validation_alias=AliasChoices("理由", "评分依据"), description="得分的理由（评分依据）。"
    )
    standard: str | None = Field(None, alias="评分标准", description="评分标准（评价报告）。")
    deviation: str | None = Field(
        None,
        validation_alias=AliasChoices("偏差原因分析及改进措施", "偏差原因", "未完成原因分析", "扣分原因"),
        description="偏差原因分析及改进措施（未完全达标时必填；评价报告中为扣分原因）。",
    )
    stated: StatedIndicator | None = Field(None, alias="原表", description="原表印出的得分、完成值。")
    note: str | None = Field(None, alias="说明", description="印在该行的说明文字。")
    check_note: CheckNote = check_note("对核对提示的说明（不印出）。")
    extras: dict[str, str] = Field(
        default_factory=dict, alias="附加", description="报告类型声明的附加列（由各列名直接写在行中）。"
    )

    @model_validator(mode="wrap")
    @classmethod
    def _keep_source(cls, data: Any, handler: Any, info: ValidationInfo) -> Any:
        """Keys of the report type's extra columns (附加列) are kept as text under `extras`, and the map as written (not
        the copy without them) is kept as `Located._keep_source` keeps it: this validator replaces that one, so that
        a row, the most numerous object of a report, is validated with one call into Python, not two."""
        columns = (info.context or {}).get("extra_columns")
        if columns and isinstance(data, SourceMap) and any(c in data for c in columns):
            rest = SourceMap({k: v for k, v in data.items() if k not in columns})
            rest.path, rest.start, rest.positions = data.path, data.start, data.positions
            rest["附加"] = {c: number_as_text(data[c]) for c in columns if c in data and data[c] is not None}
            obj = handler(rest)
        else:
            obj = handler(data)
        return keep_source(obj, data)


# 一级指标 → 二级指标 → rows; an empty 二级指标 prints an empty row, as the forms do. The descriptions are the
# editor's help on a 一级指标's and a 二级指标's own name.
SecondLevel = Annotated[
    list[Indicator] | None, Field(description="二级指标（如 数量指标、项目立项）：其下为三级指标各行。")
]


FirstLevel = Annotated[
    dict[str, SecondLevel] | None,
    Field(description="一级指标（自评表如 产出指标、效益指标；评分表如 决策、过程）：其下为各二级指标。"),
]


IndicatorTree = dict[str, FirstLevel]


# The columns an indicator table may print after 三级指标, by the words an author writes in a 评分表's 列 or a
# 自评表's 指标列, and the defaults: a form's (its last the 偏差原因分析及改进措施), a scored 评分表's (its last the
# 评分依据) and an unscored 评分表's.
Column = Literal[
    "指标值",
    "实际完成值",
    "完成率",
    "原表完成率",
    "原表实际完成值",
    "达标情况",
    "分值",
    "得分",
    "评分依据",
    "偏差原因",
]
FORM_COLUMNS: tuple[Column, ...] = ("指标值", "实际完成值", "分值", "得分", "偏差原因")
SCORED_COLUMNS: tuple[Column, ...] = ("指标值", "实际完成值", "分值", "得分", "评分依据")
UNSCORED_COLUMNS: tuple[Column, ...] = ("指标值", "实际完成值", "完成率", "达标情况")
