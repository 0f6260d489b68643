"""MkDocs hook: the manual's reference pages, generated from the code at build time so they cannot drift.

reference/keys.md lists every key of report.yaml and site.yaml with its Chinese description, walked from the very
schema `jixiao schema` writes (jixiao.schema.build_schema, itself made from the pydantic models that validate).
reference/rules.md lists every audit rule with its hint (jixiao.findings.RULE_HINTS) beside the hand-written
description and example of docs/hooks/rules.yaml; a rule on one side only fails the build.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import yaml
from mkdocs.structure.files import File

from jixiao.config import SiteConfig
from jixiao.findings import RULE_HINTS
from jixiao.model import Report
from jixiao.schema import build_schema

HERE = Path(__file__).parent
KINDS = {"string": "文字", "number": "数字", "integer": "整数", "boolean": "是/否", "array": "列表",
         "object": "映射", "null": "空"}


def describe_kind(node: dict[str, Any]) -> str:
    """The value's kind in words: 文字, 数字, 列表 … (several joined by 或)."""
    options = node.get("anyOf") or node.get("oneOf") or [node]
    kinds = []
    for option in options:
        kind = "映射" if "$ref" in option else KINDS.get(option.get("type", ""), "")
        if kind and kind not in kinds:
            kinds.append(kind)
    return " 或 ".join(kinds)


def resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    return schema["$defs"][node["$ref"].rsplit("/", 1)[1]] if "$ref" in node else node


def inner_objects(schema: dict[str, Any], node: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """The mappings a value holds, with the suffix their keys take in a path: itself, a list's items ([]),
    a mapping's values by name (.<名称>)."""
    for option in node.get("anyOf") or node.get("oneOf") or [node]:
        if "$ref" in option:
            yield "", resolve(schema, option)
        elif option.get("type") == "array" and isinstance(option.get("items"), dict):
            yield from ((f"[]{suffix}", found) for suffix, found in inner_objects(schema, option["items"]))
        elif isinstance(option.get("additionalProperties"), dict):
            yield from ((f".<名称>{suffix}", found)
                        for suffix, found in inner_objects(schema, option["additionalProperties"]))


def walk_keys(schema: dict[str, Any], node: dict[str, Any], prefix: str = "",
              seen: tuple[int, ...] = ()) -> Iterator[tuple[str, str, str, bool]]:
    """Every key under `node` as (path, kind, description, required), depth first, in the schema's order."""
    required = set(node.get("required", []))
    for name, prop in node.get("properties", {}).items():
        path = f"{prefix}.{name}" if prefix else name
        yield path, describe_kind(prop), prop.get("description", ""), name in required
        for suffix, inner in inner_objects(schema, prop):
            if id(inner) not in seen:
                yield from walk_keys(schema, inner, path + suffix, seen + (id(inner),))


def keys_markdown() -> str:
    parts = ["# report.yaml 与 site.yaml 的键\n",
             "本页在生成手册时由 jixiao 的数据模型自动生成（与 `jixiao schema` 写出的编辑器 schema 同源），"
             "所以与核对时的规则一致。路径中 `[]` 表示列表中的每一项，`<名称>` 表示由你命名的项（如数据表名）。\n"]
    for title, model in (("report.yaml", Report), ("site.yaml", SiteConfig)):
        schema = build_schema(model)
        parts += [f"\n## {title}\n", "| 键 | 值 | 必填 | 说明 |", "|---|---|---|---|"]
        for path, kind, description, required in walk_keys(schema, schema):
            text = " ".join(description.split()).replace("|", "\\|")
            parts.append(f"| `{path}` | {kind} | {'是' if required else ''} | {text} |")
    return "\n".join(parts) + "\n"


def rules_markdown() -> str:
    written = yaml.safe_load((HERE / "rules.yaml").read_text(encoding="utf-8"))
    if set(written) != set(RULE_HINTS):
        raise ValueError(f"docs/hooks/rules.yaml and RULE_HINTS differ: {sorted(set(written) ^ set(RULE_HINTS))}")
    parts = ["# 核对规则\n",
             "`jixiao check` 的每条核对规则。规则名和提示由代码生成，说明和例子（每个都见于真实报告）为手写。"
             "怎样确认一条结果，见[核对与说明](../audit.md)。\n",
             "| 规则 | 报告什么 | 例子 | 提示 |", "|---|---|---|---|"]
    for rule, hint in RULE_HINTS.items():
        parts.append(f"| `{rule}` | {written[rule]['说明']} | {written[rule]['例子']} | {hint} |")
    return "\n".join(parts) + "\n"


PAGES = {"reference/keys.md": keys_markdown, "reference/rules.md": rules_markdown}


def on_files(files, config):
    """Add the generated pages to the manual before MkDocs reads its pages."""
    for uri, make in PAGES.items():
        files.append(File.generated(config, uri, content=make()))
    return files
