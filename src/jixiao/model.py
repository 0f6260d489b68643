"""The input model of report.yaml: the report and what every type may hold (附件, 原表, 名词解释); its parts (落款,
自评表, 评分表, 数据表, 评分) are those of the registry (jixiao.parts.registry), each with its model in its folder, and
come between the report's head and its tail. Validation is given the site's report types in its context."""

from __future__ import annotations

import datetime as dt
import difflib
from decimal import Decimal
from typing import Any

from pydantic import Field, ValidationInfo, create_model, field_validator, model_validator

from .located import CheckNote, Located, check_note
from .parts.form.model import StatedForm
from .parts.registry import PARTS


class Attachment(Located):
    """Another report of the site included in this one, in order (附件1 …)."""

    title: str = Field(alias="标题", description="附件的标题，例如 附件1 部门预算绩效评价报告。")
    report: str = Field(
        alias="报告",
        pattern=r"^\d{4}/[a-z0-9][a-z0-9-]*$",
        description="附上的报告：年度/slug，例如 2023/luzhou-zhengti。",
    )


class ReportHead(Located):
    """What every report.yaml begins with, and the checks of the whole report; `Report` adds the parts and the
    tail. Which parts a type needs (自评表, 评分表, …) is the type's declaration (reporttypes.py); validation is
    given the site's types in its context."""

    kind: str = Field(
        alias="类型",
        description="报告类型：项目支出绩效自评表、项目支出绩效自评报告、绩效评价报告、专项资金绩效评价报告、部门整体绩效评价报告、部门决算说明，或 site.yaml 中声明的变体。",
    )
    title: str = Field(alias="标题", description="报告标题（封面与网页标题）。")
    unit: str = Field(alias="单位", description="编报单位。")
    year: int = Field(alias="年度", description="报告所属年度，必须与所在文件夹一致。")
    date: dt.date | None = Field(None, alias="日期", description="报告日期（YYYY-MM-DD），也是 PDF 的创建日期。")
    layout: str | None = Field(None, alias="模板", description="改用的布局模板，例如 report/自定义.html。")
    summary: str | None = Field(None, alias="摘要", description="一句话摘要，显示在首页列表中；可用 {{ }} 表达式。")

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, value: str, info: ValidationInfo) -> str:
        types = (info.context or {}).get("types")
        if types is not None and value not in types:
            close = difflib.get_close_matches(value, list(types), n=1, cutoff=0.3)
            raise ValueError(
                f"报告类型「{value}」未定义{f'，是否想写「{close[0]}」' if close else ''}；"
                f"可用: {'、'.join(types)}（也可在 site.yaml 的 报告类型 中声明自己的变体）"
            )
        return value

    @model_validator(mode="after")
    def _parts_of_the_type(self, info: ValidationInfo) -> ReportHead:
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


# What follows the parts in report.yaml.
TAIL: dict[str, Any] = {
    "stated": (StatedForm | None, Field(None, alias="原表", description="原表印出的总分、评价等次。")),
    "check_note": (CheckNote, check_note("对核对提示的说明（不印出）。")),
    "attachments": (
        list[Attachment],
        Field(default_factory=list, alias="附件", description="附件：本站的其他报告，依次印在本报告之后。"),
    ),
    "glossary": (list[str] | None, Field(None, alias="名词解释", description="选用的名词解释，或 [全部]。")),
    "words": (
        dict[str, Decimal] | None,
        Field(
            None,
            alias="定性等级",
            description="本报告用到的定性完成值的词及其得分比例，例如 {明显改善: 1}；补充站点的 定性等级。",
        ),
    ),
    "aliases": (
        dict[str, str],
        Field(
            default_factory=dict,
            alias="简称",
            description='正文中用的简称：名称 → 表达式，例如 成本: 评分表.指标["单条成本"]（逐行写，不用花括号），正文写 {{ 成本.完成率 }}。',
        ),
    ),
}

Report = create_model(
    "Report",
    __base__=ReportHead,
    __doc__="report.yaml of a bundle: its head, the parts of the registry, then its tail.",
    __module__=__name__,
    **{name: spec for part in PARTS for name, spec in part.fields.items()},
    **TAIL,
)
