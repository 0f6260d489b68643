"""Turn pydantic's validation errors into SourceErrors at the right file:line, in Chinese.

Models use the official Chinese terms as aliases; pydantic reports the alias path
(`自评表, 0, 绩效指标, …`), which `yamlsource.locate` maps back to a line.
"""

from __future__ import annotations

import difflib
import re
import typing
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .chars import LOOK_ALIKE_COLONS, describe
from .errors import ErrorGroup, Location, RuleError, SourceError
from .yamlsource import SourceList, SourceMap, locate

M = TypeVar("M", bound=BaseModel)

_NUMBER_ERRORS = {
    "decimal_parsing",
    "decimal_type",
    "int_parsing",
    "int_type",
    "float_parsing",
    "int_from_float",
    "decimal_max_places",
    "finite_number",
}


def format_key_path(loc: tuple[Any, ...]) -> str:
    """`('自评表', 0, '分值')` → `自评表[0].分值`."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else ("." if text else "") + str(part)
    return text


def _clean_loc(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """Drop pydantic's union-branch markers so the path follows the YAML keys."""
    return tuple(
        p
        for p in loc
        if not (
            isinstance(p, str)
            and (
                p in ("str", "decimal", "int", "list[...]")
                or p.startswith(("function-", "union[", "decimal-", "dict["))
            )
        )
    )


def _aliases(info: Any) -> list[str]:
    alias = info.validation_alias
    if isinstance(alias, str):
        return [alias]
    if alias is not None and hasattr(alias, "choices"):
        return [str(c) for c in alias.choices]
    return [info.alias] if info.alias else []


def _allowed_keys(model: type[BaseModel]) -> list[str]:
    return [name for info in model.model_fields.values() for name in _aliases(info)]


def _describe(error: dict[str, Any], loc: tuple[Any, ...]) -> tuple[str, str]:
    """pydantic's error as a Chinese sentence and what to do; no English reaches the author."""
    kind = error["type"]
    value = _shown(error.get("input"))
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return f"缺少必填项「{loc[-1]}」", "在此处补上该键。"
    if kind == "extra_forbidden":
        return f"未知的键「{loc[-1]}」", "删除该键，或检查拼写。"
    if kind in _NUMBER_ERRORS:
        return f"应为数字，这里是「{value}」", "去掉数字中的文字和单位（单位写在 度量单位、单位 或指标值里）。"
    if kind in ("greater_than_equal", "greater_than"):
        return (
            f"应不小于 {ctx.get('ge', ctx.get('gt'))}，这里是「{value}」",
            "金额和分值不能为负数；检查是否多写了负号。",
        )
    if kind in ("less_than_equal", "less_than"):
        return f"应不大于 {ctx.get('le', ctx.get('lt'))}，这里是「{value}」", "检查这个数是否写错。"
    if kind in ("string_type", "string_unicode"):
        return not_text(error.get("input"))
    if kind == "string_pattern_mismatch":
        return f"「{value}」的写法不符合要求", _PATTERN_HINTS.get(str(loc[-1]) if loc else "", "检查这一项的写法。")
    if kind in ("string_too_short", "too_short"):
        return "这里不能为空", "至少写一项。"
    if kind in ("string_too_long", "too_long"):
        return "这里的项数或长度超出限制", "删去多余的部分。"
    if kind in ("list_type", "tuple_type", "set_type", "iterable_type"):
        return "应为列表（每项以 “- ” 开头，或写成 [甲, 乙]）", "把这一项改成列表。"
    if kind in ("dict_type", "model_type", "model_attributes_type", "mapping_type"):
        return "应为键值映射（“键: 值”）", "把这一项改成 键: 值 的形式。"
    if kind in ("bool_type", "bool_parsing"):
        return f"应为 true 或 false，这里是「{value}」", "写 true（是）或 false（否）。"
    if kind == "literal_error" or kind == "enum":
        return f"取值「{value}」无效，应为 {_choices(str(ctx.get('expected', '')))}", "从可用的取值中选一个。"
    if kind.startswith(("date", "datetime")):
        return f"应为日期（如 2024-06-21），这里是「{value}」", "写成 年-月-日，月和日要有效。"
    if kind == "value_error":
        return str(ctx.get("error", "取值无效")), "按提示改正这一项。"
    return f"「{value}」不是这一项可以接受的值", "检查这一项的写法和类型。"


_PATTERN_HINTS = {
    "主题": "主题是一个文件夹名（字母、数字、汉字、- 和 _），不能是路径。",
    "报告": "写成 年度/slug，例如 2023/luzhou-zhengti。",
    "站点网址": "写成 https://www.example.gov.cn 这样的网址。",
    "正文字号": "写成 16pt、12px 或 5.6mm。",
}


_WRITTEN = {None: "（空）", True: "true", False: "false"}


def not_text(value: Any) -> tuple[str, str]:
    """The error of a text field given something else (true, a list …), and what to do: the same words for
    fields pydantic checks and for the cells of data tables, which are read by hand."""
    return f"应为一段文字，这里是「{_shown(value)}」", "写成文字；以数字开头的文字、true/false 这样的词可加引号。"


def _shown(value: Any) -> str:
    """An input value as the author wrote it (YAML's words, not Python's None/True), cut short when long."""
    if isinstance(value, (dict, list)):
        return "（映射）" if isinstance(value, dict) else "（列表）"
    text = _WRITTEN[value] if value is None or isinstance(value, bool) else str(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _choices(expected: str) -> str:
    """pydantic's `'优' or '良'` as 「优」「良」."""
    return "".join(f"「{choice}」" for choice in re.findall(r"'([^']*)'", expected)) or expected


def validate_model(model: type[M], data: Any, path: Path, context: dict[str, Any] | None = None) -> M:
    """Validate loaded YAML into `model`; every problem becomes one SourceError with file:line."""
    if not isinstance(data, SourceMap):
        where = data.locate() if isinstance(data, SourceList) else Location(path, 1)
        raise SourceError(
            where,
            "文件内容应为键值映射（“键: 值”），这里是空的或是别的类型",
            rule="schema",
            hint="文件应以 键: 值 的各行开头，例如 类型: 项目支出绩效自评表。",
        )
    try:
        return model.model_validate(data, context=context)
    except ValidationError as exc:
        errors = []
        for error in exc.errors(include_url=False):
            loc = _clean_loc(tuple(error["loc"]))
            message, hint = _describe(error, loc)
            rule = error.get("ctx", {}).get("error")
            if isinstance(rule, RuleError):  # a rule of the model that knows the key it is about
                loc, hint = loc + rule.at, rule.hint
            if error["type"] == "extra_forbidden":
                message, hint = (
                    _look_alike_key(str(loc[-1]))
                    or _alias_twice(model, loc)
                    or (message, _suggest_key(model, loc) or hint)
                )
            errors.append(SourceError(locate(data, loc), message, key=format_key_path(loc), hint=hint, rule="schema"))
        raise (errors[0] if len(errors) == 1 else ErrorGroup(errors)) from None


def _look_alike_key(key: str) -> tuple[str, str] | None:
    """An unknown key such as 「三级指标：办件量」 is a key, a full-width colon and its value: say so."""
    colon = next((c for c in key if c in LOOK_ALIKE_COLONS), None)
    if colon is None:
        return None
    name, _, value = key.partition(colon)
    return (
        f"未知的键「{key}」：其中的{describe(colon)} 不是 YAML 的冒号",
        f"改成半角冒号加空格：{name.strip()}: {value.strip()}",
    )


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """All pydantic models inside a field annotation such as `dict[str, list[Indicator]] | None`."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found = []
    for arg in typing.get_args(annotation):
        found.extend(_models_in(arg))
    return found


def _field_model(model: type[BaseModel], key: Any) -> type[BaseModel] | None:
    for info in model.model_fields.values():
        names = _aliases(info)
        if key in names:
            inner = _models_in(info.annotation)
            return inner[0] if inner else None
    return model


def _model_at(model: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The sub-model the last key of `loc` sits in."""
    current: type[BaseModel] | None = model
    for part in loc[:-1]:
        if current is None:
            return None
        if not isinstance(part, int):
            current = _field_model(current, part)
    return current


def alias_twice(key: str, other: str) -> str:
    """The words for one field written under two of its names (the editor schema says the same)."""
    return f"「{key}」与「{other}」是同一项（别名），只能写一个"


def _alias_twice(model: type[BaseModel], loc: tuple[Any, ...]) -> tuple[str, str] | None:
    """权重 beside 分值: pydantic takes one name of a field and calls the other an unknown key."""
    current = _model_at(model, loc)
    key = str(loc[-1])
    names = (
        next((n for info in current.model_fields.values() if key in (n := _aliases(info))), None) if current else None
    )
    if not names:
        return None
    return alias_twice(key, next(n for n in names if n != key)), "删去其中一个：两个名称是不同表式对同一项的叫法。"


def _suggest_key(model: type[BaseModel], loc: tuple[Any, ...]) -> str | None:
    """Find the sub-model the unknown key sits in and suggest the nearest allowed key."""
    current = _model_at(model, loc)
    if current is None:
        return None
    allowed = _allowed_keys(current)
    if re.match(r"^\d{3}(\D|$)", str(loc[-1])):
        return "这里的逗号把一个数字断开了：数字不要用千位分隔符（写 1000，不写 1,000）。"
    close = difflib.get_close_matches(str(loc[-1]), allowed, n=1, cutoff=0.3)
    listing = f"可用的键: {'、'.join(allowed)}"
    return f"是否想写「{close[0]}」？{listing}" if close else listing
