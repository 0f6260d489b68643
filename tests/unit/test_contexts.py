"""The typed template contexts (jixiao/contexts.py): every name the theme's templates read is declared there with a
Chinese description, the generated theme reference lists them, and `placed` answers both its typed queries and the
old `in` test."""

from __future__ import annotations

import dataclasses
import importlib.util
import re

import pytest
from conftest import REPO
from jinja2 import meta, nodes
from jinja2.exceptions import SecurityError, UndefinedError

from jixiao import contexts
from jixiao.render import BUILTIN_THEMES, DEFAULT_THEME, create_environment

THEME = BUILTIN_THEMES / DEFAULT_THEME


def theme_templates() -> list[str]:
    return sorted(p.relative_to(THEME).as_posix() for p in THEME.rglob("*") if p.suffix in (".html", ".xml"))


def names_read(source: str) -> set[str]:
    """The names a template reads from its context: Jinja's undeclared variables, less the names the template sets
    itself (`{% set %}`, which find_undeclared_variables reports when read inside a scoped block) and the
    environment's globals."""
    env = create_environment([THEME], None)
    tree = env.parse(source)
    targets = [node.target for node in tree.find_all((nodes.Assign, nodes.AssignBlock))]
    assigned = {
        name.name
        for target in targets
        for name in [target, *target.find_all(nodes.Name)]
        if isinstance(name, nodes.Name)
    }
    return meta.find_undeclared_variables(tree) - assigned - set(env.globals) - set(contexts.GLOBALS)


def test_every_template_of_the_theme_has_a_declared_context():
    assert sorted(contexts.TEMPLATES) == theme_templates()


@pytest.mark.parametrize("name", theme_templates())
def test_every_name_a_theme_template_reads_is_a_field_of_its_context(name):
    declared = (
        {f.name for f in dataclasses.fields(contexts.TEMPLATES[name])}
        if contexts.TEMPLATES[name] is not contexts.Context
        else set()
    )
    undeclared = names_read((THEME / name).read_text(encoding="utf-8")) - declared
    assert not undeclared, f"{name} reads {sorted(undeclared)}, not declared in {contexts.TEMPLATES[name].__name__}"


def test_a_name_missing_from_the_context_is_found():
    """The check above is not vacuous: a template reading a name no context declares is caught."""
    assert names_read("{% set x = 1 %}{% set a, b = 1, 2 %}{{ x }}{{ b }}{{ site.站点名称 }}{{ 未声明的名称 }}") == {
        "site",
        "未声明的名称",
    }


def context_classes() -> list[type]:
    return [
        kind
        for kind in vars(contexts).values()
        if isinstance(kind, type) and dataclasses.is_dataclass(kind) and kind.__module__ == contexts.__name__
    ]


@pytest.mark.parametrize("kind", context_classes(), ids=lambda kind: kind.__name__)
def test_every_field_is_described_in_chinese(kind):
    docs = contexts.field_docs(kind)
    for field in dataclasses.fields(kind):
        assert re.search(r"[\u4e00-\u9fff]", docs.get(field.name, "")), f"{kind.__name__}.{field.name}"


def test_the_theme_reference_lists_every_template_and_field():
    spec = importlib.util.spec_from_file_location("docs_theme_hook", REPO / "docs/hooks/theme.py")
    hook = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hook)
    page = hook.theme_markdown()
    for name in theme_templates():
        if contexts.TEMPLATES[name] is not contexts.Context:
            assert f"`{name}`" in page
    assert "| `placed` | [Placed](#placed) | 正文已经放置的内容，见 Placed。 |" in page
    assert "| `neighbours` | [Neighbours](#neighbours) | 同年度的上一篇和下一篇，见 Neighbours。 |" in page
    assert "- `placed.table(name)`: 数据表「name」已由 ::表格[name] 放置。" in page


def test_placed_answers_typed_queries_and_the_old_in_test():
    placed = contexts.Placed()
    placed.place_table("支出结构")
    placed.place_chart("收入结构")
    placed.add("评分表")
    placed.add("示例项目")  # a 自评表 placed by its 项目名称
    assert placed.table("支出结构") and not placed.chart("支出结构") and placed.chart("收入结构")
    assert placed.block("评分表") and placed.form("示例项目") and not placed.table("收入结构")
    assert "表:支出结构" in placed and "图:收入结构" in placed and "评分表" in placed and "表:收入结构" not in placed


def test_a_layout_can_query_placed_but_not_change_it():
    env = create_environment([THEME], None)
    placed = contexts.Placed()
    placed.place_table("支出结构")
    template = env.from_string('{{ placed.table("支出结构") }} {{ "表:支出结构" in placed }} {{ "评分表" in placed }}')
    assert template.render(placed=placed) == "True True False"
    with pytest.raises(SecurityError):
        env.from_string('{{ placed.add("评分表") }}').render(placed=placed)
    assert "评分表" not in placed


def test_a_layout_reads_a_records_fields_by_name_or_key_and_nothing_else():
    """An entry was a dict: `e.标题`, `e["单位"]` and the filters that read items still work; its methods and
    Python's internals are not fields, so a layout cannot reach them."""
    env = create_environment([THEME], None)
    entry = contexts.ReportEntry(
        "标题甲",
        "单位甲",
        "部门决算说明",
        None,
        None,
        None,
        None,
        2023,
        0,
        [],
        "2023/a/index.html",
        "2023/a/data.json",
        None,
    )
    template = env.from_string(
        '{{ e.标题 }} {{ e["单位"] }} {{ [e] | selectattr("年度", "equalto", 2023) | map(attribute="url") | join }}'
    )
    assert template.render(e=entry) == "标题甲 单位甲 2023/a/index.html"
    for name in ("as_json", "__class__", "__dict__"):
        with pytest.raises(UndefinedError):
            env.from_string(f"{{{{ e.{name} }}}}").render(e=entry)
