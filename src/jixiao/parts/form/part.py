"""The 自评表 as a part of a report: its key in report.yaml and data.json, its computation, audit rules and tables."""

from __future__ import annotations

from pydantic import Field

from ...view import alias
from .. import Part
from .model import Form
from .view import Forms

PART = Part(
    "自评表",
    __package__,
    fields={
        "forms": (list[Form], Field(default_factory=list, alias="自评表", description="一张或多张项目支出绩效自评表。"))
    },
    views={"forms": (Forms, alias("自评表"))},
    compute="compute:assess_forms",
    needs=("figures",),
    audit="audit:audit_forms",
    layouts={
        "自评表": "layout:lay_out_form",
        "预算执行情况": "layout:lay_out_budget",
        "绩效指标评分表": "layout:lay_out_indicators",
        "自评汇总": "layout:lay_out_summary",
    },
    tables={
        "自评表": "tables/form.html",
        "预算执行情况": "tables/budget.html",
        "绩效指标评分表": "tables/indicators.html",
        "自评汇总": "tables/summary.html",
    },
    place="place:place_table",
    requirable=("自评表",),
)
