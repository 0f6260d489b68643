"""Stage: errors beyond one bad input (issue 9). The corpus of bad inputs itself — each one's exact message, and
what every error owes the author — is in tests/golden/, run by tests/integration/test_golden.py. Here: several errors of one
file reported together, one error for cells that depend on each other, a refused expression that leaves the site
as it was, a table name that never reaches the page as markup, and a mistyped command line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, edit

from jixiao.cli import main

SECTION = "content/2024/demo/01-概况.md"
DOC = "content/2023/juesuan/report.yaml"  # the two-years fixture: a 部门决算说明 with data tables and charts
DOC_TEXT = "content/2023/juesuan/01-说明.md"


def copy_fixture(name: str, tmp_path: Path) -> Path:
    target = tmp_path / "proj"
    shutil.copytree(FIXTURES / name, target)
    return target


def run_command(command: str, project: Path) -> tuple[int, str]:
    """`build` (its errors on stderr) or `check` in-process; a traceback would raise out of here."""
    args = [command, str(project), *(["--no-pdf", "--no-search"] if command == "build" else [])]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    return result.exit_code, result.stderr if command == "build" else result.output


def test_check_prints_the_hint_of_an_error(project):
    edit(project / SECTION, "{{ 总分 }}", "{{ 总份 }}")
    code, output = run_command("check", project)
    assert code == 1 and "提示: 是否想写「总分」" in output


def test_a_formula_that_several_cells_depend_on_fails_once(tmp_path: Path):
    """乙's formula names a missing row; 丙 is computed from 乙, so both cells fail at 乙's formula: one error."""
    project = copy_fixture("two-years", tmp_path)
    edit(
        project / DOC,
        "  支出结构:\n",
        "  测试:\n    标题: 测试\n    列: [金额]\n    显示: false\n    行:\n"
        "      - {名称: 甲, 金额: 10}\n      - {名称: 乙, 公式: 甲 + 收支总计.不存在.本年}\n"
        "      - {名称: 丙, 公式: 乙 × 2}\n  支出结构:\n",
    )
    for command in ("build", "check"):
        code, output = run_command(command, project)
        errors = [line for line in output.splitlines() if ": error: " in line]
        assert code == 1 and len(errors) == 1, output
        assert errors[0].startswith(f"{DOC}:23:17: error: 数据表.测试.乙.金额: 表「收支总计」没有行「不存在」"), errors


def test_every_error_of_a_markdown_file_is_reported(project):
    edit(project / SECTION, "::表格[预算执行情况]", "{{ 执行律 }}\n\n{% set x = 1 %}\n\n::表格[收支表]\n\n{{ 1 // 0 }}")
    code, output = run_command("build", project)
    assert code == 1
    found = [line.split(": error: ")[0] for line in output.splitlines() if ": error: " in line]
    assert found == [f"{SECTION}:{n}" for n in (5, 7, 9, 11)], output
    assert "4 个错误" in output


def test_an_expression_cannot_change_a_published_figure(project):
    """`update()` is refused, and the figure published before stays as it was (the failed build writes nothing)."""
    assert run_command("build", project)[0] == 0
    edit(project / SECTION, "{{ 总分 }}", '{{ 自评表[0].update({"总分": "100.00"}) or "" }}')
    assert run_command("build", project)[0] == 1
    assert run_command("check", project)[0] == 1
    data = json.loads((project / "site/2024/demo/data.json").read_text(encoding="utf-8"))
    assert data["报告"]["自评表"][0]["总分"] == "79.50"


def test_a_table_name_never_reaches_the_page_as_markup(tmp_path: Path):
    """A 数据表's YAML key once became the chart's SVG id unescaped (stored XSS): ids come from the table's number."""
    project = copy_fixture("two-years", tmp_path)
    edit(project / DOC, "  支出结构:", "  '\"><img src=x onerror=alert(1)>':")
    edit(project / DOC_TEXT, "支出结构见{{ 表号.支出结构 }}和{{ 图号.支出结构 }}。", "支出结构见下表。")
    code, output = run_command("build", project)
    assert code == 0, output
    page = (project / "site/2023/juesuan/index.html").read_text(encoding="utf-8")
    assert 'id="t2-chart-data-0"' in page  # the pie of 表2, named by number
    assert "onerror" not in page


@pytest.mark.parametrize(
    "args, expected",
    [
        (
            ["new", "report", "--unit", "某中心"],
            "用法错误: 缺少 --year\n  提示: 运行 jixiao new report --help 查看用法。",
        ),
        (["biuld"], "用法错误: 没有命令「biuld」；是否想写「build」？"),
        (["new", "rport"], "用法错误: 没有命令「rport」；是否想写「report」？"),
        (["build", "--outt", "x"], "用法错误: 没有选项 --outt；是否想写 --out？"),
    ],
)
def test_a_mistyped_command_line_is_explained_in_chinese(args, expected):
    result = CliRunner().invoke(main, args, prog_name="jixiao")
    assert result.exit_code == 2  # a usage error, as click and argparse exit; input errors exit 1
    assert expected in result.stderr and "Error:" not in result.stderr, result.stderr
