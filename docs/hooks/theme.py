"""MkDocs hook: reference/theme.md, the context every template of the theme receives, generated at build time from
jixiao.contexts (the typed contexts the build hands to the templates), so the page cannot drift from the code.
tests/test_contexts.py checks the other side: every name the theme's templates read is declared there.
"""

from __future__ import annotations

import dataclasses
import inspect
import re

from jixiao import contexts

# The objects a field may hold that this page describes, in the order they are described.
OBJECTS = [
    contexts.SiteInfo,
    contexts.ReportEntry,
    contexts.ProjectEntry,
    contexts.Neighbours,
    contexts.Neighbour,
    contexts.Section,
    contexts.Attachment,
    contexts.PageFinding,
    contexts.PortalTable,
    contexts.PortalCell,
]
VIEWS = {"ReportView": "报告", "FormView": "自评表", "TableView": "数据表"}  # described in reference/names.md
WORDS = {
    "str": "文字",
    "int": "整数",
    "bool": "是/否",
    "list[PortalCell]": "[PortalCell](#portalcell) 的列表（一行）",
    "Block": "版块（表格、图，或正文的节、标题、段落等，见[版式与主题](../layout.md)）",
    "Document": "文档树（见[版式与主题](../layout.md#正文的块)）",
}


def describe_type(annotation: str) -> str:
    """A field's type in the reader's words, with links to the objects described on this page."""
    optional = annotation.endswith(" | None")
    core = annotation.removesuffix(" | None")
    listed = re.fullmatch(r"list\[(.+)\]", core)
    inner = listed[1] if listed else core
    if inner in VIEWS:
        word = f"[{VIEWS[inner]}](names.md)"
    elif inner == "Placed":
        word = "[Placed](#placed)"
    elif inner in WORDS:
        word = WORDS[inner]
    else:
        word = f"[{inner}](#{inner.lower()})"
    return f"{word} 的列表" if listed else word + ("，可为空" if optional else "")


def field_rows(kind: type) -> list[str]:
    docs = contexts.field_docs(kind)
    rows = ["| 名称 | 类型 | 说明 |", "|---|---|---|"]
    rows += [f"| `{f.name}` | {describe_type(str(f.type))} | {docs[f.name]} |" for f in dataclasses.fields(kind)]
    return rows


def theme_markdown() -> str:
    parts = [
        "# 模板的上下文\n",
        "主题的每个模板收到哪些名称，每个名称的类型和含义。本页在生成手册时由 jixiao 的代码"
        "（`jixiao.contexts`）生成，与构建交给模板的对象是同一份声明。"
        "自己的版式（`layouts/` 中的同名文件）收到的名称与所覆盖的模板相同；"
        "报告类型自己的版式 `report/<类型>.html` 与 `report/default.html` 相同。"
        "怎样覆盖模板，见[版式与主题](../layout.md)。\n",
        '映射写成 `x.名称`，也可写 `x["名称"]`。`报告`、`自评表`、`数据表` 的内容见[表达式可用的名称](names.md)。\n',
    ]
    parts += ["\n## 各模板的上下文\n"]
    by_context: dict[type, list[str]] = {}
    for template, kind in contexts.TEMPLATES.items():
        by_context.setdefault(kind, []).append(template)
    for kind, templates in by_context.items():
        if kind is contexts.Context:
            continue  # macros.html: only macros, which receive their arguments
        parts += [
            f"\n### {kind.__name__}\n",
            inspect.getdoc(kind) or "",
            "",
            "模板: " + "、".join(f"`{name}`" for name in templates),
            "",
            *field_rows(kind),
        ]
    parts += ["\n### 全局函数\n", "每个模板都可调用：\n"]
    parts += [f"- `{name}`: {text}" for name, text in contexts.GLOBALS.items()]
    parts += ["\n## 对象\n"]
    for kind in OBJECTS:
        parts += [f"\n### {kind.__name__}\n", inspect.getdoc(kind) or "", "", *field_rows(kind)]
    parts += ["\n### Placed\n", inspect.getdoc(contexts.Placed) or "", ""]
    for name in ("table", "chart", "form", "block"):
        method = getattr(contexts.Placed, name)
        arguments = ", ".join(list(inspect.signature(method).parameters)[1:])
        parts.append(f"- `placed.{name}({arguments})`: {inspect.getdoc(method)}")
    return "\n".join(parts) + "\n"


def on_files(files, config):
    """Add reference/theme.md to the manual before MkDocs reads its pages."""
    from mkdocs.structure.files import File  # here, so tests can use this module without MkDocs

    files.append(File.generated(config, "reference/theme.md", content=theme_markdown()))
    return files
