"""MkDocs hook: the manual's reference pages, generated from the code at build time so they cannot drift.

reference/keys.md lists every key of report.yaml and site.yaml with its Chinese description, walked from the very
schema `jixiao schema` writes (jixiao.schema.build_schema, itself made from the pydantic models that validate).
reference/names.md lists every name an expression can use, read from the data.json of the manual's own complete
examples, built with jixiao. reference/rules.md lists every audit rule with its hint (jixiao.findings.RULE_HINTS)
beside the hand-written description and example of docs/hooks/rules.yaml; a rule on one side only fails the build.
reference/errors.md lists every error rule found in the code (error_rules) with the meaning written in
docs/hooks/errors.yaml and, as its example, the exact output of a golden case (tests/golden/), which the tests compare
with what jixiao prints, so the example cannot drift either.

The complete examples are found here (find_examples) and tests/integration/test_docs.py builds each of them with the same code.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from jixiao.config import SiteConfig
from jixiao.findings import RULE_HINTS
from jixiao.model import Report
from jixiao.reporttypes import builtin_specs
from jixiao.schema import build_schema, schema_types

HERE = Path(__file__).parent
DOCS = HERE.parent
SOURCE = DOCS.parent / "src/jixiao"
GOLDEN = DOCS.parent / "tests/golden"
# Where the code names an error's rule: SourceError(..., rule="yaml") or a default `rule: str = "formula"`, and the
# scoring errors of compute.py, ScoringError(message, "value-kind").
RULE_NAMES = [
    re.compile(r'\brule\s*(?::\s*str\s*)?=\s*"([a-z][a-z-]*)"'),
    re.compile(r'ScoringError\(.*?,\s*"([a-z][a-z-]*)",?\s*\)', re.S),  # the formatter may end the call with a comma
]
FENCE = re.compile(r'^```\w+ title="(?P<name>[^"]+)"\n(?P<body>.*?)^```$', re.M | re.S)


@dataclass
class Example:
    """One complete report of the manual: where it starts, and its files by name."""

    where: str
    files: dict[str, str] = field(default_factory=dict)

    @property
    def report(self) -> dict[str, Any]:
        return yaml.safe_load(self.files["report.yaml"])


def find_examples(docs: Path = DOCS) -> list[Example]:
    """Every complete report in docs/*.md, in page order: a ```yaml title="report.yaml"``` fence and the titled
    fences after it on the same page, up to the next report.yaml."""
    examples: list[Example] = []
    for page in sorted(docs.rglob("*.md")):
        text = page.read_text(encoding="utf-8")
        current = None
        for match in FENCE.finditer(text):
            if match["name"] == "report.yaml":
                current = Example(f"{page.relative_to(docs)}:{text.count(chr(10), 0, match.start()) + 1}")
                examples.append(current)
            if current is not None:
                current.files[match["name"]] = match["body"]
    return examples


def place_examples(examples: list[Example], root: Path) -> list[Path]:
    """Make the examples the reports of the site at `root` (made by `jixiao new site`), replacing its own."""
    for bundle in (root / "content").glob("*/*/"):
        shutil.rmtree(bundle)
    bundles = []
    for number, example in enumerate(examples, 1):
        bundle = root / "content" / str(example.report["年度"]) / f"doc-example-{number}"
        bundle.mkdir(parents=True)
        for name, body in example.files.items():
            (bundle / name).write_text(body, encoding="utf-8")
        bundles.append(bundle)
    return bundles


KINDS = {
    "string": "文字",
    "number": "数字",
    "integer": "整数",
    "boolean": "是/否",
    "array": "列表",
    "object": "映射",
    "null": "空",
}


def describe_kind(node: dict[str, Any]) -> str:
    """The value's kind in words: 文字, 数字, 列表 … (several joined by 或). A number or true/false that may be
    written as text of one (its text has a pattern) is a 数字 or a 是/否."""
    options = node.get("anyOf") or node.get("oneOf") or [node]
    kinds = []
    for option in options:
        types = ["object"] if "$ref" in option else schema_types(option)
        if "pattern" in option and {"number", "integer", "boolean"} & set(types):
            types.remove("string")
        kinds += [KINDS[kind] for kind in types if KINDS[kind] not in kinds]
    return " 或 ".join(kinds)


def resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    return schema["$defs"][node["$ref"].rsplit("/", 1)[1]] if "$ref" in node else node


def inner_objects(schema: dict[str, Any], node: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """The mappings a value holds, with the suffix their keys take in a path: itself, a list's items ([]),
    a mapping's values by name (.<名称>)."""
    for option in node.get("anyOf") or node.get("oneOf") or [node]:
        if "$ref" in option:
            yield "", resolve(schema, option)
        elif "array" in schema_types(option) and isinstance(option.get("items"), dict):
            yield from ((f"[]{suffix}", found) for suffix, found in inner_objects(schema, option["items"]))
        elif isinstance(option.get("additionalProperties"), dict):
            yield from (
                (f".<名称>{suffix}", found) for suffix, found in inner_objects(schema, option["additionalProperties"])
            )


def walk_keys(
    schema: dict[str, Any], node: dict[str, Any], prefix: str = "", seen: tuple[int, ...] = ()
) -> Iterator[tuple[str, str, str, bool]]:
    """Every key under `node` as (path, kind, description, required), depth first, in the schema's order."""
    required = set(node.get("required", []))
    for name, prop in node.get("properties", {}).items():
        path = f"{prefix}.{name}" if prefix else name
        yield path, describe_kind(prop), prop.get("description", ""), name in required
        for suffix, inner in inner_objects(schema, prop):
            if id(inner) not in seen:
                yield from walk_keys(schema, inner, path + suffix, seen + (id(inner),))


def keys_markdown() -> str:
    parts = [
        "# report.yaml 与 site.yaml 的键\n",
        "本页在生成手册时由 jixiao 的数据模型自动生成（与 `jixiao schema` 写出的编辑器 schema 同源），"
        "所以与核对时的规则一致。路径中 `[]` 表示列表中的每一项，`<名称>` 表示由你命名的项（如数据表名）。\n",
    ]
    for title, model in (("report.yaml", Report), ("site.yaml", SiteConfig)):
        schema = build_schema(model)
        parts += [f"\n## {title}\n", "| 键 | 值 | 必填 | 说明 |", "|---|---|---|---|"]
        for path, kind, description, required in walk_keys(schema, schema):
            text = " ".join(description.split()).replace("|", "\\|")
            parts.append(f"| `{path}` | {kind} | {'是' if required else ''} | {text} |")
    return "\n".join(parts) + "\n"


def build_examples(examples: list[Example]) -> list[dict[str, Any]]:
    """The data.json of each example, built together into one site by jixiao (HTML only). A build error names
    the example's file and line and fails the manual's build."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "site"
        for args in (["new", "site", str(root)], None, ["build", "--no-pdf", "--no-search", str(root)]):
            if args is None:
                bundles = place_examples(examples, root)
                continue
            run = subprocess.run([sys.executable, "-m", "jixiao", *args], capture_output=True, text=True)
            if run.returncode != 0:
                raise ValueError(f"the manual's examples do not build:\n{run.stdout}{run.stderr}")
        return [
            json.loads((root / "site" / bundle.relative_to(root / "content") / "data.json").read_text(encoding="utf-8"))
            for bundle in bundles
        ]


def describe_value(value: Any) -> str:
    """What kind of value a name holds, as data.json shows it: money and rates are exact decimal strings."""
    if isinstance(value, bool):
        return "是/否"
    if isinstance(value, int):
        return "整数"
    if isinstance(value, str):
        return (
            "比率"
            if re.fullmatch(r"-?\d+(\.\d+)?%", value)
            else "数字"
            if re.fullmatch(r"-?\d+(\.\d+)?", value)
            else "文字"
        )
    return {type(None): "空", list: "列表", dict: "映射"}[type(value)]


def walk_names(value: Any, path: str = "") -> Iterator[tuple[str, str, str]]:
    """Every name under `value` as (path, kind, example); a list by its first item."""
    if isinstance(value, dict):
        for key, inner in value.items():
            inner_path = f"{path}.{key}" if path else key
            shown = (
                f"共 {len(inner)} 项"
                if isinstance(inner, (list, dict))
                else "—"
                if inner is None
                else json.dumps(inner, ensure_ascii=False)
            )
            yield inner_path, describe_value(inner), shown if len(shown) <= 40 else shown[:39] + "…"
            yield from walk_names(inner, inner_path)
    elif isinstance(value, list) and value:
        yield from walk_names(value[0], f"{path}[0]")


def names_markdown() -> str:
    firsts = {}
    for example in find_examples():
        firsts.setdefault(example.report["类型"], example)
    order = list(builtin_specs())  # the built-in types in their own order: 自评表 first
    firsts = dict(sorted(firsts.items(), key=lambda item: order.index(item[0]) if item[0] in order else len(order)))
    parts = [
        "# 表达式可用的名称\n",
        "正文的 `{{ }}` 表达式和版式可以读取的名称，与每份报告 data.json 中 `报告` 部分的名称相同。"
        "本页在生成手册时，把本手册中每种报告类型的第一个完整例子用 jixiao 生成一遍，从它的 data.json 读出，"
        '所以名称和例子都是真实的。`[0]` 表示列表的第一项（也可以写名称，如 `自评表["示例项目"]`、'
        "`数据表.三公经费.行.公务接待费`）；数据表名、行名来自例子，换成你自己的。"
        "金额和比率是精确的十进制数，写在引号中；“空”表示例子中没有填写这一项。"
        "报告在 report.yaml 的 `简称` 中起的名字（见[计数与命名](../evaluation.md#计数与命名)）也可以用。\n",
    ]
    for (kind, example), data in zip(firsts.items(), build_examples(list(firsts.values()))):
        page = example.where.split(":")[0]
        title = (DOCS / page).read_text(encoding="utf-8").splitlines()[0].lstrip("# ")
        parts += [f"\n## {kind}\n", f"例子见[{title}](../{page})。\n", "| 名称 | 值 | 例子 |", "|---|---|---|"]
        parts += [
            f"| `{path}` | {value_kind} | {shown.replace('|', chr(92) + '|')} |"
            for path, value_kind, shown in walk_names(data["报告"])
        ]
    return "\n".join(parts + methods_markdown()) + "\n"


# What each helper of a view (template_methods) is called with and gives, in the manual's words; a helper missing
# here fails the manual's build, so none goes unlisted.
METHODS = {
    "计数": ('数据表.表名.计数("列", "值")', '文字列为该值的行数，例如 `{{ 数据表.评价组.计数("职务", "科长") }}`'),
    "名单": ('数据表.表名.名单("列", "值")', '文字列为该值的各行名称（列表，用 `\\| join("、")` 连成文字）'),
    "显示": ("评分表.显示", "评分表是否印出（`显示: false` 时为假：原文的评分表未公开，正文仍可引用其中的指标）"),
}


def methods_markdown() -> list[str]:
    """The helpers a view offers besides its data (template_methods), which data.json cannot show."""
    names = sorted({name for view in all_views() for name in view.template_methods})
    missing = [name for name in names if name not in METHODS]
    if missing:
        raise SystemExit(f"docs/hooks/reference.py: METHODS lacks {missing}")
    rows = [f"| `{METHODS[name][0]}` | {METHODS[name][1]} |" for name in names]
    return ["\n## 函数\n", "这些名称不是数据，而是可以调用的函数。\n", "| 写法 | 值 |", "|---|---|", *rows]


def all_views() -> list[type]:
    """Every view class of jixiao, by name (the parts' views are imported with the report's)."""
    import jixiao.views  # noqa: F401  (imports every part's view)
    from jixiao.view import View

    found, todo = [], [View]
    while todo:
        view = todo.pop()
        todo += view.__subclasses__()
        if view.template_methods and view not in found:
            found.append(view)
    return sorted(found, key=lambda view: view.__name__)


def rules_markdown() -> str:
    written = yaml.safe_load((HERE / "rules.yaml").read_text(encoding="utf-8"))
    if set(written) != set(RULE_HINTS):
        raise ValueError(f"docs/hooks/rules.yaml and RULE_HINTS differ: {sorted(set(written) ^ set(RULE_HINTS))}")
    parts = [
        "# 核对规则\n",
        "`jixiao check` 的每条核对规则。规则名和提示由代码生成，说明和例子（取自真实报告，没有的写“—”）为手写。"
        "怎样确认一条结果，见[核对与说明](../audit.md)。\n",
        "| 规则 | 报告什么 | 例子 | 提示 |",
        "|---|---|---|---|",
    ]
    for rule, hint in RULE_HINTS.items():
        parts.append(f"| `{rule}` | {written[rule]['说明']} | {written[rule]['例子']} | {hint} |")
    return "\n".join(parts) + "\n"


def error_rules(source: Path = SOURCE) -> set[str]:
    """Every error rule the code gives (the name in square brackets at the end of an error's first line)."""
    return {
        match.group(1)
        for path in source.rglob("*.py")
        for pattern in RULE_NAMES
        for match in pattern.finditer(path.read_text(encoding="utf-8"))
    }


def golden_error(case: str, rule: str) -> tuple[str, str]:
    """The command of a golden case's first run and the error of `rule` it prints (its head line, the source line,
    the 提示), as the case file holds it."""
    run = yaml.safe_load((GOLDEN / f"{case}.yaml").read_text(encoding="utf-8"))["runs"][0]
    lines = (run.get("stderr", "") + run.get("stdout", "")).splitlines()
    heads = [i for i, line in enumerate(lines) if ": error: " in line and line.endswith(f" [{rule}]")]
    if not heads:
        raise ValueError(f"tests/golden/{case}.yaml has no error [{rule}]")
    end = next((i for i in range(heads[0] + 1, len(lines)) if not lines[i].startswith(" ")), len(lines))
    return run["command"], "\n".join(lines[heads[0] : end])


def errors_markdown() -> str:
    written = yaml.safe_load((HERE / "errors.yaml").read_text(encoding="utf-8"))
    if set(written) != error_rules():
        raise ValueError(
            f"docs/hooks/errors.yaml and the code's error rules differ: {sorted(set(written) ^ error_rules())}"
        )
    parts = [
        "# 错误规则\n",
        "每条错误消息第一行末尾的方括号中是它的规则名，如 `[yaml]`。下面是每条规则的含义和一个例子；"
        "错误的格式和常见的消息见[常见错误](../errors.md)。规则名由代码生成，例子是测试用例"
        "（`tests/golden/` 中的一个文件）的原样输出，测试逐字比较它与 jixiao 的实际输出。\n",
    ]
    for rule, entry in written.items():
        command, error = golden_error(entry["例子"], rule)
        parts += [
            f"## {rule}\n",
            f"{entry['说明']}\n",
            f"例子（`tests/golden/{entry['例子']}.yaml`，在项目文件夹中运行 `jixiao {command}`）：\n",
            "```",
            error,
            "```\n",
        ]
    return "\n".join(parts)


PAGES = {
    "reference/keys.md": keys_markdown,
    "reference/names.md": names_markdown,
    "reference/rules.md": rules_markdown,
    "reference/errors.md": errors_markdown,
}


def on_files(files, config):
    """Add the generated pages to the manual before MkDocs reads its pages."""
    from mkdocs.structure.files import File  # here, so test_docs.py can use this module without MkDocs

    for uri, make in PAGES.items():
        files.append(File.generated(config, uri, content=make()))
    return files
