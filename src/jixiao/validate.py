"""Turn pydantic's validation errors into SourceErrors at the right file:line, in Chinese.

Models use the official Chinese terms as aliases; pydantic reports the alias path
(`自评表, 0, 绩效指标, …`), which `yamlsource.locate` maps back to a line.
"""

from __future__ import annotations

import difflib
import typing
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .errors import ErrorGroup, Location, SourceError
from .yamlsource import SourceList, SourceMap, locate

M = TypeVar("M", bound=BaseModel)

_NUMBER_ERRORS = {"decimal_parsing", "decimal_type", "int_parsing", "int_type", "float_parsing",
                  "int_from_float", "decimal_max_places", "finite_number"}


def format_key_path(loc: tuple[Any, ...]) -> str:
    """`('自评表', 0, '分值')` → `自评表[0].分值`."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else ("." if text else "") + str(part)
    return text


def _clean_loc(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """Drop pydantic's union-branch markers so the path follows the YAML keys."""
    return tuple(p for p in loc if not (isinstance(p, str) and (
        p in ("str", "decimal", "int", "list[...]") or p.startswith(("function-", "union[", "decimal-", "dict[")))))


def _aliases(info: Any) -> list[str]:
    alias = info.validation_alias
    if isinstance(alias, str):
        return [alias]
    if alias is not None and hasattr(alias, "choices"):
        return [str(c) for c in alias.choices]
    return [info.alias] if info.alias else []


def _allowed_keys(model: type[BaseModel]) -> list[str]:
    return [name for info in model.model_fields.values() for name in _aliases(info)]


def _describe(error: dict[str, Any], loc: tuple[Any, ...]) -> tuple[str, str | None]:
    kind = error["type"]
    value = error.get("input")
    if kind == "missing":
        return f"缺少必填项「{loc[-1]}」", "在此处补上该键。"
    if kind == "extra_forbidden":
        return f"未知的键「{loc[-1]}」", "删除该键，或检查拼写。"
    if kind in _NUMBER_ERRORS:
        return f"应为数字，这里是「{value}」", "去掉数字中的文字和单位（单位写在 度量单位 或指标值里）。"
    if kind in ("string_type",):
        return f"应为文字，这里是「{value}」", None
    if kind in ("list_type",):
        return "应为列表（每项以 “- ” 开头）", None
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return "应为键值映射（“键: 值”）", None
    if kind == "literal_error":
        return f"取值「{value}」无效，应为 {error.get('ctx', {}).get('expected', '')}", None
    if kind in ("date_from_datetime_parsing", "date_parsing", "date_type"):
        return f"应为日期（如 2024-06-21），这里是「{value}」", None
    if kind == "value_error":
        return str(error.get("ctx", {}).get("error", error["msg"])), None
    return error["msg"], None


def validate_model(model: type[M], data: Any, path: Path) -> M:
    """Validate loaded YAML into `model`; every problem becomes one SourceError with file:line."""
    if not isinstance(data, SourceMap):
        where = data.locate() if isinstance(data, SourceList) else Location(path, 1)
        raise SourceError(where, "文件内容应为键值映射（“键: 值”），这里是空的或是别的类型")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = []
        for error in exc.errors(include_url=False):
            loc = _clean_loc(tuple(error["loc"]))
            message, hint = _describe(error, loc)
            if error["type"] == "extra_forbidden":
                hint = _suggest_key(model, loc) or hint
            errors.append(SourceError(locate(data, loc), message, key=format_key_path(loc), hint=hint,
                                      rule="schema"))
        raise (errors[0] if len(errors) == 1 else ErrorGroup(errors)) from None


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


def _suggest_key(model: type[BaseModel], loc: tuple[Any, ...]) -> str | None:
    """Find the sub-model the unknown key sits in and suggest the nearest allowed key."""
    current: type[BaseModel] | None = model
    for part in loc[:-1]:
        if current is None:
            return None
        if not isinstance(part, int):
            current = _field_model(current, part)
    if current is None:
        return None
    allowed = _allowed_keys(current)
    close = difflib.get_close_matches(str(loc[-1]), allowed, n=1, cutoff=0.3)
    listing = f"可用的键: {'、'.join(allowed)}"
    return f"是否想写「{close[0]}」？{listing}" if close else listing
