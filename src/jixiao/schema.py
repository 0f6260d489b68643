"""JSON Schema of report.yaml and site.yaml for editors (YAML language server): Chinese keys, Chinese help.

Every key's description is written once, on its model field (model.py, config.py, reporttypes.py), so
the validation, the editor's help and this schema cannot disagree. The schema is made for one project:
its site.yaml's own report types and their extra columns (附加列) are part of it, as `check` knows them.

What the editor shows is shaped here for the YAML language server (the engine of VS Code's YAML extension):
- a number field accepts what `check` accepts — a number, or text that is a plain number ("150") — and
  refuses other text (`十`, `23分`) with check's own words;
- a field that is "text, number or nothing" is one schema with a list of types, not an `anyOf` (the server
  prints an `anyOf`'s branches joined by `||` on hover);
- every key and every kind of mapping has a Chinese title (the server offers a definition's title in
  completion, where pydantic would give the class name: Form, Indicator …);
- an alias (权重 for 分值) is accepted, as check accepts it, but not offered, says what it stands for, and is
  refused beside its official key, as check refuses it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import AliasChoices, BaseModel
from pydantic.json_schema import GenerateJsonSchema

from .config import SiteConfig
from .errors import JixiaoError, describe_os_error
from .model import Report
from .output import write_atomically
from .reporttypes import ReportType
from .validate import _models_in, alias_twice

SCHEMAS = {"report.schema.json": Report, "site.schema.json": SiteConfig}

# What pydantic's lax number parsing accepts as text (Python's int()/Decimal(): spaces around, a sign, digit
# groups joined by _, full-width digits); "1,234.5" and "23分" are refused.
_DIGITS = "[0-9０-９]+(?:_[0-9０-９]+)*"
NUMBER_TEXT = rf"^\s*[+-]?(?:{_DIGITS}(?:\.(?:{_DIGITS})?)?|\.{_DIGITS})(?:[eE][+-]?{_DIGITS})?\s*$"
INTEGER_TEXT = rf"^\s*[+-]?{_DIGITS}(?:\.0*)?\s*$"
NOT_A_NUMBER = "应为数字：去掉数字中的文字和单位（单位写在 度量单位、单位 或指标值里）。"
# The words pydantic reads as true or false, in any case (YAML 1.2 leaves yes/no/on/off as text).
BOOLEAN_TEXT = "^(?:[01tTfFyYnN]|[tT][rR][uU][eE]|[fF][aA][lL][sS][eE]|[yY][eE][sS]|[nN][oO]|[oO][nN]|[oO][fF][fF])$"
NOT_A_BOOLEAN = "应为 true（是）或 false（否）。"

# Each kind of mapping by the name the forms and the manual give it (pydantic would show the class name and
# its English docstring), and what it holds: the help on a name the author chose (a 数据表's, a 报告类型's).
TITLES = {
    "Report": ("报告", "report.yaml：一份报告的类型、标题、单位、年度及其各部分。"),
    "Form": ("项目支出绩效自评表", "一张自评表：项目名称、项目资金、年度总体目标、绩效指标……"),
    "Funds": ("项目资金", "年度资金总额及其中各项来源，预算执行的分值。"),
    "FundRow": ("资金行", "一行资金：名称、年初预算数、全年预算数、全年执行数。"),
    "StatedFunds": ("原表的执行率与得分", "原表印出的执行率、得分（只用于核对）。"),
    "Goal": ("年度总体目标", "预期目标与实际完成情况。"),
    "Indicator": ("三级指标行", "一个三级指标：指标值、实际完成值、分值……"),
    "StatedIndicator": ("原表的得分与完成值", "原表印出的得分、完成值、完成率（用于核对，可用 列 印出）。"),
    "Reference": ("引用", "引用报告中别处的数（数据表.表名.行名.列名），不再重复录入。"),
    "StatedSheet": ("原表的总分与评价等次", "原表印出的总分（得分）、评价等次；评分表没有分值时照此印出。"),
    "StatedForm": ("原表的总分与评价等次", "原表印出的总分、评价等次（只用于核对）。"),
    "ScoreSheet": ("评分表", "绩效评价的评分表：各一级指标的权重与各行指标。"),
    "DataTable": ("数据表", "一张数据表：标题、列、行，以及计算列、合计和图。"),
    "Column": ("数据表的列", "一列：名称、类型、小数位。"),
    "Computed": ("计算列", "由本表的列算出的一列：占比、差额、增长率、比率或公式。"),
    "Chart": ("图", "由数据表画的柱状图或饼状图。"),
    "ScorePart": ("评分部分", "部门整体评分的一部分：名称、分值、得分。"),
    "Attachment": ("附件", "附在本报告之后的本站另一份报告。"),
    "Signature": ("落款", "文末的落款单位和日期。"),
    "SiteConfig": ("站点配置", "site.yaml：站点名称、默认单位、评分规则、本站自己的报告类型……"),
    "ScoringConfig": ("评分规则", "分值、小数位、评价等次和定性等级。"),
    "GradeBound": ("评价等次", "一个评价等次及其下限。"),
    "PdfConfig": ("PDF 设置", "PDF 的正文字号和归档变体。"),
    "TypeSpec": ("报告类型", "本站的一个报告类型变体：基于哪个类型，以及与它不同的各项。"),
}
TYPE_ORDER = ("integer", "number", "string", "boolean", "object", "array", "null")


class ChineseSchema(GenerateJsonSchema):
    """Numbers and true/false as check reads them: the value itself, or text that pydantic's lax mode reads
    as one ("150", "yes"); other text is refused with check's words."""

    def decimal_schema(self, schema: Any) -> dict[str, Any]:
        return self.number_or_text(super().decimal_schema(schema), NUMBER_TEXT)

    def int_schema(self, schema: Any) -> dict[str, Any]:
        return self.number_or_text(super().int_schema(schema), INTEGER_TEXT)

    def bool_schema(self, schema: Any) -> dict[str, Any]:
        return {
            "type": ["boolean", "string"],
            "pattern": BOOLEAN_TEXT,
            "errorMessage": NOT_A_BOOLEAN,
            "patternErrorMessage": NOT_A_BOOLEAN,
        }

    @staticmethod
    def number_or_text(generated: dict[str, Any], pattern: str) -> dict[str, Any]:
        number = generated.get("anyOf", [generated])[0]  # a decimal's number branch carries its bounds
        bounds = {key: value for key, value in number.items() if key != "type"}
        return {
            "type": [number["type"], "string"],
            "pattern": pattern,
            **bounds,
            "errorMessage": NOT_A_NUMBER,
            "patternErrorMessage": NOT_A_NUMBER,
        }


def _all_models(model: type[BaseModel]) -> dict[str, type[BaseModel]]:
    """Every model reachable from `model`, by the name pydantic gives it in $defs (the walk the error hints use)."""
    found = {model.__name__: model}
    for info in model.model_fields.values():
        for inner in _models_in(info.annotation):
            if inner.__name__ not in found:
                found.update(_all_models(inner))
    return found


def merge_branches(node: dict[str, Any]) -> None:
    """`anyOf` of different types (text, number, nothing, a mapping of rows …) → one schema with a list of
    types, at every depth. Where any text is welcome (str | Decimal), the number-text pattern must not narrow
    it. A `$ref` branch cannot merge (a reference and a type would both have to hold)."""
    for child in [node.get("additionalProperties"), node.get("items"), *node.get("anyOf", [])]:
        if isinstance(child, dict):
            merge_branches(child)
    branches = node.get("anyOf")
    if not branches or any("$ref" in branch for branch in branches):
        return
    if {"type": "string"} in branches:
        branches = [
            {k: v for k, v in b.items() if k not in ("pattern", "patternErrorMessage", "errorMessage")}
            for b in branches
        ]
    merged: dict[str, Any] = {}
    for key, value in ((k, v) for branch in branches for k, v in branch.items() if k != "type"):
        if merged.setdefault(key, value) != value:
            return
    del node["anyOf"]
    node.update(merged, type=[kind for kind in TYPE_ORDER if any(kind in schema_types(b) for b in branches)])


def schema_types(schema: dict[str, Any]) -> list[str]:
    """A schema's `type` as a list (JSON Schema allows one name or a list)."""
    kind = schema.get("type", [])
    return [kind] if isinstance(kind, str) else list(kind)


def mark_aliases(schema: dict[str, Any], model: type[BaseModel]) -> None:
    """Accept every key check accepts (pydantic lists only the first of several), but offer only the official
    one; an alias says what it stands for, and is refused beside its official key (check refuses both)."""
    properties = schema.get("properties", {})
    required = schema.get("required", [])
    rules = []
    for info in model.model_fields.values():
        alias = info.validation_alias
        if not isinstance(alias, AliasChoices) or str(alias.choices[0]) not in properties:
            continue
        official, *others = [str(c) for c in alias.choices]
        for other in others:
            kept = {key: value for key, value in properties[official].items() if key != "default"}
            properties[other] = {
                **kept,
                "title": f"{other}（「{official}」的别名）",
                "doNotSuggest": True,
                "description": f"「{official}」的别名（其他表式的叫法），与它只写一个。{kept.get('description', '')}",
            }
        rules += [
            {
                "if": {"required": [official]},
                "then": {"properties": {other: False}, "errorMessage": alias_twice(other, official)},
            }
            for other in others
        ]
        if official in required:
            required.remove(official)
            rules.append({"anyOf": [{"required": [name]} for name in [official, *others]]})
    if rules:
        schema["allOf"] = rules


def describe_in_chinese(name: str, schema: dict[str, Any], model: Any = None) -> None:
    """A Chinese title and description for the mapping (not its English docstring; a part's own model may give
    them, `Located.titled`), a title for each key (the key itself), and types merged, so that hover and
    completion show only Chinese."""
    schema["title"], schema["description"] = TITLES.get(name) or model.titled
    for key, prop in schema.get("properties", {}).items():
        merge_branches(prop)
        prop["title"] = key
        if "default" in prop and prop["default"] is None:  # else completion inserts `键: null` for every such key
            del prop["default"]


def add_project_types(schema: dict[str, Any], types: dict[str, ReportType]) -> None:
    """The project's report types, its own variants included, and their extra columns on indicator rows."""
    schema["properties"]["类型"]["enum"] = list(types)
    columns: dict[str, list[str]] = {}
    for kind in types.values():
        for column in kind.extra_columns:
            columns.setdefault(column, []).append(kind.name)
    indicator = schema["$defs"]["Indicator"]["properties"]
    for column, kinds in columns.items():
        indicator.setdefault(
            column,
            {
                "type": ["string", "number", "null"],
                "title": column,
                "description": f"附加列「{column}」（文字），报告类型 {'、'.join(kinds)} 的指标行才有。",
            },
        )


def build_schema(model: type[BaseModel], types: dict[str, ReportType] | None = None) -> dict[str, Any]:
    """The editor schema of `model`; for Report, `types` are the project's report types (built-in and own)."""
    schema = model.model_json_schema(by_alias=True, mode="validation", schema_generator=ChineseSchema)
    models = _all_models(model)
    for name, sub in [(model.__name__, schema), *schema.get("$defs", {}).items()]:
        describe_in_chinese(name, sub, models[name])
        mark_aliases(sub, models[name])
    if model is Report and types is not None:
        add_project_types(schema, types)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


def write_schemas(project: Path, folder: Path) -> list[Path]:
    """The two schemas of the project at `project` (its site.yaml is read for its own types) into `folder`,
    each replaced atomically (an editor may be reading it)."""
    from .scaffold import project_config

    types = project_config(project).types
    written = [folder / name for name in SCHEMAS]
    try:
        for path, model in zip(written, SCHEMAS.values()):
            text = json.dumps(build_schema(model, types), ensure_ascii=False, indent=2) + "\n"
            write_atomically(path, text.encode("utf-8"))
    except OSError as exc:
        raise JixiaoError(
            f"{folder}: error: 无法写出 schema（{describe_os_error(exc)}）\n"
            "  提示: 检查这个目录能否写入，或用 --out 另选一个目录。"
        ) from None
    return written
