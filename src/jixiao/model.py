"""Typed models of report.yaml, keyed by the official Chinese terms printed on the forms.

A clerk copies a 自评表 field by field; the English attribute names are for the code, the
aliases are the glossary. Models keep a link to their YAML source so that later stages
(scoring, audit) can still point at file:line.

Two kinds of remark: `说明` is prose that is printed (a row's note, a table's footnote);
`核对说明` acknowledges a finding of the audit and is never printed.
"""

from __future__ import annotations

import datetime as dt
import difflib
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationInfo,
    field_validator,
    model_validator,
)

from .errors import Location, RuleError, did_you_mean
from .yamlsource import SourceMap

CHECK_NOTE = "核对说明"


class Located(BaseModel):
    """Base: unknown keys are errors, and each object remembers where it was written."""

    model_config = ConfigDict(extra="forbid", populate_by_name=False, frozen=False)
    _source: SourceMap | None = PrivateAttr(default=None)

    @model_validator(mode="wrap")
    @classmethod
    def _keep_source(cls, data: Any, handler: Any) -> Any:
        obj = handler(data)
        if isinstance(data, SourceMap):
            obj._source = data
        return obj

    def locate(self, key: str | None = None) -> Location:
        """file:line of this object, or of one of its keys (by Chinese name)."""
        if self._source is None:
            return Location(None)
        return self._source.locate(key)

    def wrote(self, key: str) -> bool:
        """Whether the author wrote this key (aliases differ between provinces' forms)."""
        return self._source is not None and key in self._source


def _percent(value: Any) -> Any:
    """Accept a stated rate written as 89.18 or "89.18%"."""
    if isinstance(value, str) and value.strip().endswith(("%", "％")):
        return value.strip()[:-1]
    return value


def _percent_in_schema(schema: dict[str, Any]) -> None:
    """The editor schema (schema.py) accepts what `_percent` accepts: a number's text may end in %."""
    for branch in schema.get("anyOf", [schema]):
        if "pattern" in branch:
            branch["pattern"] = branch["pattern"].removesuffix(r"\s*$") + r"\s*[%％]?\s*$"


def number_as_text(value: Any) -> Any:
    """A number written in a text column stays text (100 → "100"); true/false, lists and mappings are left for
    validation to refuse, so that a boolean is never printed as "True"."""
    return str(value) if isinstance(value, (int, Decimal)) and not isinstance(value, bool) else value


def check_note(description: str = "对核对提示的说明（不印出）；写了它的提示降为“说明”级别。") -> Any:
    return Field(None, alias=CHECK_NOTE, description=description)


class StatedFunds(Located):
    """Figures the source document prints for the budget row (kept to compare, never used)."""

    rate: Decimal | None = Field(None, alias="执行率", description="原表印出的执行率（只用于核对）。",
                                 json_schema_extra=_percent_in_schema)
    score: Decimal | None = Field(None, alias="得分", description="原表印出的预算执行得分（只用于核对）。")

    _strip_percent = field_validator("rate", mode="before")(_percent)


class FundRow(Located):
    """One row of 项目资金 (in the site's unit, 万元 unless 默认单位 says otherwise)."""

    name: str = Field("年度资金总额", alias="名称", description="这一行资金的名称，例如 当年财政拨款。")
    initial: Decimal | None = Field(None, alias="年初预算数", ge=0, description="年初预算数（站点的默认单位，通常为万元）。")
    budget: Decimal | None = Field(None, validation_alias=AliasChoices("全年预算数", "调整后预算数"), ge=0, description="全年预算数，即调整后预算数；执行率以它为分母。")
    executed: Decimal | None = Field(None, validation_alias=AliasChoices("全年执行数", "预算执行数"), ge=0, description="全年执行数。")


class Funds(Located):
    """项目资金: the total row (scored) and its parts (其中)."""

    total: FundRow = Field(alias="年度资金总额", description="年度资金总额一行：年初预算数、全年预算数、全年执行数。")
    parts: list[FundRow] = Field(default_factory=list, alias="其中", description="其中：各项资金来源（当年财政拨款、上年结转资金、其他资金…）。")
    points: Decimal | None = Field(None, validation_alias=AliasChoices("分值", "权重"), ge=0, description="预算执行的分值（权重），默认取评分规则。")
    reason: str | None = Field(None, alias="原因", description="预算执行情况的说明（印在表中）。")
    stated: StatedFunds | None = Field(None, alias="原表", description="原表印出的执行率、得分。")
    check_note: str | None = check_note("对核对提示的说明（不印出）；写了它的提示降为“说明”级别。")


class StatedIndicator(Located):
    score: Decimal | None = Field(None, alias="得分", description="原表印出的得分（只用于核对）。")
    actual: str | Decimal | None = Field(None, validation_alias=AliasChoices("实际完成值", "完成值"), description="原表印出的完成值（只用于核对）。")


class Indicator(Located):
    """A 三级指标 row of a 自评表 or of an evaluation's 评分表.

    The target is compact (`≥428 万条`) or split (指标性质/指标值/度量单位); with an actual value the
    row is scored by the rules. An evaluation row without a target carries the evaluator's 得分
    (with its 评分标准 or 理由). A report type may declare extra columns (附加列), which rows then
    accept as text.
    """

    name: str = Field(alias="三级指标", description="三级指标名称。")
    operator: str | None = Field(None, alias="指标性质", description="指标性质：≥（正向）、≤（反向）、＝（等于）或 定性；也可直接写在指标值里。")
    target: str | Decimal | None = Field(None, validation_alias=AliasChoices("指标值", "年度指标值"), description="年度指标值，例如 ≥428 万条、≤0.06元/条、100%、2023年12月、按月发送。")
    unit: str | None = Field(None, alias="度量单位", description="指标值的单位（与 指标性质 分开填写时）。")
    actual: str | Decimal | None = Field(None, validation_alias=AliasChoices("实际完成值", "完成值"), description="实际完成值，例如 115.55 万条、0.22‰、完成、6月30日。")
    points: Decimal = Field(validation_alias=AliasChoices("分值", "权重"), ge=0, description="分值（权重）。")
    score: Decimal | None = Field(None, alias="得分", ge=0, description="得分：定性指标的自评得分（须在等级区间内并写 理由），或评价报告中评价人给的得分；其余由规则计算。")
    score_reason: str | None = Field(None, validation_alias=AliasChoices("理由", "评分依据"), description="得分的理由（评分依据）。")
    standard: str | None = Field(None, alias="评分标准", description="评分标准（评价报告）。")
    deviation: str | None = Field(None, validation_alias=AliasChoices(
        "偏差原因分析及改进措施", "偏差原因", "未完成原因分析", "扣分原因"),
        description="偏差原因分析及改进措施（未完全达标时必填；评价报告中为扣分原因）。")
    stated: StatedIndicator | None = Field(None, alias="原表", description="原表印出的得分、完成值。")
    note: str | None = Field(None, alias="说明", description="印在该行的说明文字。")
    check_note: str | None = check_note("对核对提示的说明（不印出）。")
    extras: dict[str, str] = Field(default_factory=dict, alias="附加", description="报告类型声明的附加列（由各列名直接写在行中）。")

    @model_validator(mode="wrap")
    @classmethod
    def _extra_columns(cls, data: Any, handler: Any, info: ValidationInfo) -> Any:
        """Keys of the report type's extra columns (附加列) are kept as text under `extras`."""
        columns = (info.context or {}).get("extra_columns", ())
        if not isinstance(data, SourceMap) or not any(c in data for c in columns):
            return handler(data)
        rest = SourceMap({k: v for k, v in data.items() if k not in columns})
        rest.path, rest.start, rest.positions = data.path, data.start, data.positions
        rest["附加"] = {c: number_as_text(data[c]) for c in columns if c in data and data[c] is not None}
        obj = handler(rest)
        obj._source = data
        return obj


class Goal(Located):
    """年度总体目标: expected vs achieved, as two texts (some provinces' forms have no 实际完成情况)."""

    expected: str = Field(alias="预期目标", description="预期目标。")
    achieved: str | None = Field(None, alias="实际完成情况", description="实际完成情况（有的省份表式没有此项）。")
    check_note: str | None = check_note("对核对提示的说明（不印出）。")


class StatedForm(Located):
    total: Decimal | None = Field(None, alias="总分", description="原表印出的总分（只用于核对）。")
    grade: str | None = Field(None, alias="评价等次", description="原表印出的评价等次（只用于核对）。")


# 一级指标 → 二级指标 → rows; an empty 二级指标 prints an empty row, as the forms do. The descriptions are the
# editor's help on a 一级指标's and a 二级指标's own name.
SecondLevel = Annotated[list[Indicator] | None, Field(description="二级指标（如 数量指标、项目立项）：其下为三级指标各行。")]
FirstLevel = Annotated[dict[str, SecondLevel] | None, Field(description="一级指标（自评表如 产出指标、效益指标；评分表如 决策、过程）：其下为各二级指标。")]
IndicatorTree = dict[str, FirstLevel]


class Form(Located):
    """One 项目支出绩效自评表. Keys the official form requires but a real document may lack are
    optional here; the audit reports them where the report type's form requires them."""

    project: str = Field(alias="项目名称", description="项目名称，与原表一致。")
    code: str | None = Field(None, alias="项目编码", description="预算项目编码（可选）。")
    department: str | None = Field(None, alias="主管部门", description="主管部门。")
    implementer: str | None = Field(None, alias="实施单位", description="实施单位。")
    funds: Funds = Field(alias="项目资金", description="项目资金：年度资金总额及其中各项来源。")
    goal: Goal = Field(alias="年度总体目标", description="年度总体目标：预期目标与实际完成情况。")
    process: str | None = Field(None, alias="项目实施内容及过程概述", description="项目实施内容及过程概述。")
    indicators: IndicatorTree = Field(alias="绩效指标", description="绩效指标：一级指标 → 二级指标 → 三级指标各行。")
    conclusion: str | None = Field(None, alias="评价结论", description="评价结论。")
    problems: str | None = Field(None, alias="存在问题", description="存在问题。")
    measures: str | None = Field(None, alias="改进措施", description="改进措施。")
    project_lead: str | None = Field(None, alias="项目负责人", description="项目负责人。")
    finance_lead: str | None = Field(None, alias="财务负责人", description="财务负责人。")
    stated: StatedForm | None = Field(None, alias="原表", description="原表印出的总分、评价等次。")
    check_note: str | None = check_note("对核对提示的说明（不印出）。")


class ScoreSheet(Located):
    """评分表 of an evaluation (财预〔2020〕10号): 一级指标 (决策, 过程, 产出, 效益 …) with weights,
    二级指标 and scored 三级指标 rows; 总分 is the sum of the row scores."""

    weights: dict[str, Decimal] | None = Field(None, alias="权重", description="各一级指标的权重，例如 {决策: 20, 过程: 20, 产出: 30, 效益: 30}；不写则取报告类型的默认权重。")
    indicators: IndicatorTree = Field(alias="指标", description="一级指标 → 二级指标 → 三级指标各行；有指标值和完成值的按规则计分，没有的写评价人给的 得分。")
    stated: StatedForm | None = Field(None, alias="原表", description="原表印出的总分、评价等次。")
    check_note: str | None = check_note("对核对提示的说明（不印出）。")


COLUMN_KINDS = ("金额", "数量", "比率", "文字")


class Column(Located):
    """A column of a data table written out: its kind and how many decimals it prints (at least)."""

    name: str = Field(alias="名称", description="列名。")
    kind: Literal[COLUMN_KINDS] | None = Field(None, alias="类型", description="列的类型：金额（至少两位小数）、数量（按原样，整数印为整数）、比率（印为百分数）或 文字。")  # type: ignore[valid-type]
    places: int | None = Field(None, alias="小数位", ge=0, le=10, description="这一列金额至少印几位小数（写得更多时照写）。")


class Computed(Located):
    """A computed column: 占比 of one column, 差额/增长率/比率 of two, or a 公式 over the row's columns."""

    name: str = Field(alias="名称", description="计算列的名称。")
    kind: Literal["占比", "差额", "增长率", "比率", "公式"] = Field(alias="类型", description="计算方式：占比、差额、增长率、比率，或 公式。")
    columns: list[str] = Field(default_factory=list, alias="列", max_length=2, description="参与计算的列（占比一列，差额/增长率/比率两列）。")
    formula: str | None = Field(None, alias="公式", description="公式（类型为 公式 时）：本行各列的 + − × ÷ 和括号，例如 节约 ÷ 预算。")
    format: Literal["金额", "数量", "比率"] | None = Field(None, alias="格式", description="公式结果的印法：金额、数量 或 比率。")
    places: int | None = Field(None, alias="小数位", ge=0, le=10, description="结果保留的小数位。")

    @model_validator(mode="after")
    def _arity(self) -> Computed:
        if self.kind == "公式":
            if not self.formula:
                raise ValueError(f"计算「{self.name}」(公式) 需要 公式，例如 公式: 节约 ÷ 预算")
            return self
        wanted = 1 if self.kind == "占比" else 2
        if len(self.columns) != wanted:
            raise ValueError(f"计算「{self.name}」({self.kind}) 需要 {wanted} 个列名")
        return self


class Chart(Located):
    """A chart drawn from a data table at build time (SVG)."""

    kind: Literal["柱状图", "饼状图"] = Field(alias="类型", description="图的类型：柱状图 或 饼状图。")
    title: str | None = Field(None, alias="标题", description="图的标题（默认为表的标题）。")
    columns: list[str] = Field(alias="列", min_length=1, description="画入图中的列。")


# Keys every data-table row may have besides its columns; no column may take these names
# (说明 may be a text column: it is the row's printed note either way).
RESERVED_ROW_KEYS = ("名称", "上级", "公式", "格式", "原表", "说明", CHECK_NOTE, "计入合计")


class DataTable(Located):
    """A table of figures or text (决算 totals, structures, project lists, members …) with computed columns.

    Rows are mappings with 名称, a value for each of 列 and 文字列, and optionally 上级 (the row they
    are part of; left empty, a parent is the sum of its parts), 公式 (the whole row from other rows,
    `业务收入 - 业务支出`, or some cells: `{节约率: 节约 ÷ 预算}`), 格式 (比率 for a row that is a share of
    another row), 计入合计 (false keeps a row out of the 合计), 原表, 说明 and 核对说明.
    """

    title: str = Field(alias="标题", description="表的标题。")
    unit: str | None = Field(None, alias="单位", description="表中金额或数量的单位（默认取站点的默认单位）。")
    places: int | None = Field(None, alias="小数位", ge=0, le=10, description="表中金额至少印几位小数（默认 2）。")
    columns: list[str | Column] = Field(default_factory=list, alias="列", description="数字列：列名，或 {名称, 类型, 小数位}。")
    text_columns: list[str] = Field(default_factory=list, alias="文字列", description="文字列。")
    computed: list[Computed] = Field(default_factory=list, alias="计算", description="计算列：占比、差额、增长率、比率、公式。")
    total: bool = Field(False, alias="合计", description="是否加一行合计（上级行只计一次，由本表其他行算出的行不计入）。")
    visible: bool = Field(True, alias="显示", description="false 时只供正文引用，不印出、不编号。")
    rows: list[Any] = Field(alias="行", min_length=1, description="各行：名称、各列的数、上级、公式、格式、原表、说明、核对说明、计入合计。")
    chart: Chart | None = Field(None, alias="图", description="由本表画的图。")
    stated: dict[str, Decimal] | None = Field(None, alias="原表", description="原表印出的合计各列（只用于核对）。")
    note: str | None = Field(None, alias="说明", description="印在表下的说明文字。")
    check_note: str | None = check_note("对核对提示的说明（不印出）。")

    @property
    def number_columns(self) -> list[str]:
        return [c if isinstance(c, str) else c.name for c in self.columns
                if isinstance(c, str) or c.kind != "文字"]

    @property
    def all_text_columns(self) -> list[str]:
        return [*(c.name for c in self.columns if isinstance(c, Column) and c.kind == "文字"), *self.text_columns]

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if isinstance(c, Column) and c.name == name), None)

    @model_validator(mode="after")
    def _known_columns(self) -> DataTable:
        """Computed columns and the chart may only name columns the table has; row keys stay reserved."""
        known = list(self.number_columns)
        if not known and not self.all_text_columns:
            raise ValueError("数据表至少要有一个 列 或 文字列")
        for column in [*known, *(c for c in self.all_text_columns if c != "说明")]:
            if column in RESERVED_ROW_KEYS:
                raise ValueError(f"列名「{column}」是保留的键，请换一个名称")
        for index, item in enumerate(self.computed):
            if item.name in RESERVED_ROW_KEYS or item.name in known or item.name in self.all_text_columns:
                raise ValueError(f"计算列「{item.name}」与已有的列或保留的键（{'、'.join(RESERVED_ROW_KEYS)}）重名")
            missing = [c for c in item.columns if c not in known]
            if missing:
                raise RuleError(f"计算「{item.name}」用到的列「{'、'.join(missing)}」不在本表的 列 中",
                                did_you_mean(missing[0], known), ("计算", index, "列"))
            if item.kind == "占比" and item.columns[0] not in self.number_columns:
                raise ValueError(f"占比「{item.name}」只能取数字列（{'、'.join(self.number_columns)}）")
            known.append(item.name)
        if self.chart:
            missing = [c for c in self.chart.columns if c not in known]
            if missing:
                raise RuleError(f"图用到的列「{'、'.join(missing)}」不在本表中",
                                did_you_mean(missing[0], known) or "本表没有数字列，不能作图。", ("图", "列"))
        return self


class ScorePart(Located):
    """One part of a whole-department score (总体绩效 65 / 项目绩效 35)."""

    name: str = Field(alias="名称", description="评分部分的名称，例如 总体绩效。")
    points: Decimal = Field(alias="分值", ge=0, description="这一部分的分值。")
    score: Decimal = Field(alias="得分", ge=0, description="这一部分的得分。")


class Attachment(Located):
    """Another report of the site included in this one, in order (附件1 …)."""

    title: str = Field(alias="标题", description="附件的标题，例如 附件1 部门预算绩效评价报告。")
    report: str = Field(alias="报告", pattern=r"^\d{4}/[a-z0-9][a-z0-9-]*$", description="附上的报告：年度/slug，例如 2023/luzhou-zhengti。")


class Signature(Located):
    """落款: the issuing unit and date printed at the end of a report."""

    unit: str = Field(alias="单位", description="落款单位。")
    date: dt.date | None = Field(None, alias="日期", description="落款日期（YYYY-MM-DD）。")


class Report(Located):
    """report.yaml of a bundle. Which parts a type needs (自评表, 评分表, …) is the type's declaration
    (reporttypes.py); validation is given the site's types in its context."""

    kind: str = Field(alias="类型", description="报告类型：项目支出绩效自评表、项目支出绩效自评报告、绩效评价报告、专项资金绩效评价报告、部门整体绩效评价报告、部门决算说明，或 site.yaml 中声明的变体。")
    title: str = Field(alias="标题", description="报告标题（封面与网页标题）。")
    unit: str = Field(alias="单位", description="编报单位。")
    year: int = Field(alias="年度", description="报告所属年度，必须与所在文件夹一致。")
    date: dt.date | None = Field(None, alias="日期", description="报告日期（YYYY-MM-DD），也是 PDF 的创建日期。")
    layout: str | None = Field(None, alias="模板", description="改用的布局模板，例如 report/自定义.html。")
    summary: str | None = Field(None, alias="摘要", description="一句话摘要，显示在首页列表中；可用 {{ }} 表达式。")
    signature: Signature | None = Field(None, alias="落款", description="文末落款：单位和日期。")
    forms: list[Form] = Field(default_factory=list, alias="自评表", description="一张或多张项目支出绩效自评表。")
    score_sheet: ScoreSheet | None = Field(None, alias="评分表", description="绩效评价的评分表（一级指标及其权重、二级、三级指标）。")
    tables: dict[str, DataTable] = Field(default_factory=dict, alias="数据表", description="数据表：名称 → 表。")
    scoring: list[ScorePart] | None = Field(None, alias="评分", description="部门整体评分的各部分（名称、分值、得分），相加为总分。")
    stated: StatedForm | None = Field(None, alias="原表", description="原表印出的总分、评价等次。")
    check_note: str | None = check_note("对核对提示的说明（不印出）。")
    attachments: list[Attachment] = Field(default_factory=list, alias="附件", description="附件：本站的其他报告，依次印在本报告之后。")
    glossary: list[str] | None = Field(None, alias="名词解释", description="选用的名词解释，或 [全部]。")

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, value: str, info: ValidationInfo) -> str:
        types = (info.context or {}).get("types")
        if types is not None and value not in types:
            close = difflib.get_close_matches(value, list(types), n=1, cutoff=0.3)
            raise ValueError(f"报告类型「{value}」未定义{f'，是否想写「{close[0]}」' if close else ''}；"
                             f"可用: {'、'.join(types)}（也可在 site.yaml 的 报告类型 中声明自己的变体）")
        return value

    @model_validator(mode="after")
    def _parts_of_the_type(self, info: ValidationInfo) -> Report:
        spec = ((info.context or {}).get("types") or {}).get(self.kind)
        for part in spec.lacks(self) if spec is not None else ():
            raise ValueError(f"{self.kind} 需要 {part}")
        return self

    @field_validator("year")
    @classmethod
    def _plausible_year(cls, value: int) -> int:
        if not 1949 <= value <= 2200:
            raise ValueError(f"年度「{value}」不是合理的年份")
        return value
