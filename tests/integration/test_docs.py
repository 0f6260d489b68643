"""The manual (docs/) stays true: it builds with `mkdocs build --strict` (a broken link or anchor fails), and every
complete report it shows builds with jixiao.

A complete example is a fence whose info string names its file, ```yaml title="report.yaml"```, followed on the
same page by the fences of its sections (```markdown title="01-概况.md"```) up to the next report.yaml; the docs'
hook finds them (docs/hooks/reference.py) and docs/architecture.md, "The manual", explains the convention."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, load_manual_hook

DOCS = REPO / "docs"


HOOK = load_manual_hook()
find_examples, Example = HOOK.find_examples, HOOK.Example


def build_example(example: Example, root: Path, cli) -> object:
    """A new site with only this example as its report; `check --strict` on it."""
    assert cli("new", "site", root).exit_code == 0
    HOOK.place_examples([example], root)
    return cli("check", "--strict", root)


def test_the_manual_shows_complete_reports():
    """The convention is in use: a page that stops marking its examples would silently stop testing them."""
    pages = {example.where.split(":")[0] for example in find_examples()}
    assert {"first-report.md", "self-evaluation.md", "evaluation.md", "final-accounts.md", "tables.md"} <= pages


@pytest.mark.parametrize("example", find_examples(), ids=lambda example: example.where)
def test_doc_example_builds(example, tmp_path, cli):
    result = build_example(example, tmp_path / "site", cli)
    assert result.exit_code == 0, f"{example.where}:\n{result.output}"
    assert "错误 0，警告 0" in result.output


def test_a_broken_example_fails(tmp_path, cli):
    """The check above can fail: an example with a misspelt key is refused with its message."""
    example = find_examples()[0]
    broken = Example(
        example.where, {**example.files, "report.yaml": example.files["report.yaml"].replace("标题:", "题目:", 1)}
    )
    result = build_example(broken, tmp_path / "site", cli)
    assert result.exit_code == 1
    assert "未知的键「题目」" in result.output


@pytest.mark.slow
def test_manual_builds_strict(tmp_path):
    """`mkdocs build --strict`: any broken link, anchor or page left out of the nav fails."""
    out = tmp_path / "docs"
    run = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert run.returncode == 0, run.stderr
    assert "写第一份报告" in (out / "first-report.html").read_text(encoding="utf-8")
    assert "stated-differs" in (out / "reference/rules.html").read_text(encoding="utf-8")


def test_key_reference_lists_every_schema_key():
    """Every key the editor schema knows, of every model, is a row of the generated key reference."""
    from jixiao.config import SiteConfig
    from jixiao.model import Report
    from jixiao.schema import build_schema

    listed = set(re.findall(r"^\| `(?:[^`]*\.)?([^`.\[\]]+)(?:\[\])*` \|", HOOK.keys_markdown(), re.M))
    for model in (Report, SiteConfig):
        schema = build_schema(model)
        keys = {key for node in [schema, *schema["$defs"].values()] for key in node.get("properties", {})}
        assert keys - listed == set(), model.__name__


def test_self_evaluation_lists_every_indicator_column():
    """A new user learns the words of 指标列 from self-evaluation.md; the schema accepts each of Column, so the
    page must name each (评分依据 was missing, and only the error message listed it)."""
    from typing import get_args

    from jixiao.parts.indicators.model import Column

    page = (DOCS / "self-evaluation.md").read_text(encoding="utf-8")
    sentence = page.split("要把它们印在绩效指标表中", 1)[1].split("不写时就是正式表式的列", 1)[0]
    assert [word for word in get_args(Column) if f"`{word}`" not in sentence] == []
