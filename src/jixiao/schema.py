"""JSON Schema of report.yaml and site.yaml for editors (YAML language server): Chinese keys, Chinese help.

Every key's description is written once, on its model field (model.py, config.py, reporttypes.py), so
the validation, the editor's help and this schema cannot disagree.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import AliasChoices, BaseModel

from .config import SiteConfig
from .model import Report
from .reporttypes import builtin_specs

SCHEMAS = {"report.schema.json": Report, "site.schema.json": SiteConfig}


def _all_models(model: type[BaseModel]) -> dict[str, type[BaseModel]]:
    """Every model reachable from `model`, by the name pydantic gives it in $defs."""
    from .validate import _models_in  # the same walk the error hints use

    found = {model.__name__: model}
    for info in model.model_fields.values():
        for inner in _models_in(info.annotation):
            if inner.__name__ not in found:
                found.update(_all_models(inner))
    return found


def _add_alias_choices(schema: dict[str, Any], model: type[BaseModel]) -> None:
    """Pydantic lists only the first of several accepted keys; editors must accept them all."""
    properties = schema.get("properties", {})
    required = schema.get("required", [])
    alternatives = []
    for info in model.model_fields.values():
        alias = info.validation_alias
        if isinstance(alias, AliasChoices):
            names = [str(c) for c in alias.choices]
            for other in names[1:]:
                if names[0] in properties:
                    properties[other] = dict(properties[names[0]])
            if names[0] in required:
                required.remove(names[0])
                alternatives.append({"anyOf": [{"required": [name]} for name in names]})
    if alternatives:
        schema["allOf"] = alternatives


def _describe(schema: dict[str, Any]) -> None:
    """Keep the Chinese descriptions; drop the English titles pydantic derives from attribute names."""
    schema.pop("title", None)
    for prop in schema.get("properties", {}).values():
        prop.pop("title", None)


def build_schema(model: type[BaseModel]) -> dict[str, Any]:
    schema = model.model_json_schema(by_alias=True, mode="validation")
    models = _all_models(model)
    for name, sub in [(model.__name__, schema), *schema.get("$defs", {}).items()]:
        if name in models:
            _add_alias_choices(sub, models[name])
        _describe(sub)
    if model is Report:
        schema["properties"]["类型"]["examples"] = list(builtin_specs())
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


def write_schemas(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, model in SCHEMAS.items():
        path = folder / name
        path.write_text(json.dumps(build_schema(model), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        written.append(path)
    return written
