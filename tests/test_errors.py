"""Stage: every kind of bad input gives one specific message at file:line, exit 1, no traceback.

The corpus mutates the fixture project one way per case; `anchor` is a piece of text in the
mutated file whose line the message must name (None: the file itself, line 1).
"""

from pathlib import Path

import pytest
from click.testing import CliRunner

from jixiao.cli import main

REPORT = "content/2024/demo/report.yaml"
SECTION = "content/2024/demo/01-概况.md"
SITE = "content/site.yaml"

CORPUS = [
    # id, file, old, new, expected message part, rule, anchor
    ("yaml-syntax", REPORT, "分值: 10\n", "分值: [10\n", "YAML 语法错误", "yaml", "分值: [10"),
    ("tab", REPORT, "      分值: 10\n", "\t分值: 10\n", "制表符", "yaml", "\t分值: 10"),
    ("duplicate-key", REPORT, "单位: 示例中心\n", "单位: 示例中心\n单位: 另一个\n", "键「单位」重复", "yaml", "单位: 另一个"),
    ("missing-name", REPORT, "  - 项目名称: 示例项目\n    主管部门", "  - 主管部门", "缺少必填项「项目名称」", "schema",
     "  - 主管部门"),
    ("missing-title", REPORT, "标题: 示例中心2024年度项目支出绩效自评\n", "", "缺少必填项「标题」", "schema", None),
    ("unknown-top-key", REPORT, "单位: 示例中心\n", "单位: 示例中心\n标提: x\n", "未知的键「标提」", "schema", "标提: x"),
    ("unknown-row-key", REPORT, "分值: 30}", "分值: 30, 分直: 1}", "未知的键「分直」", "schema", "分直: 1"),
    ("points-text", REPORT, "分值: 30}", "分值: 三十}", "应为数字，这里是「三十」", "schema", "分值: 三十"),
    ("amount-text", REPORT, "全年执行数: 150", "全年执行数: 150万", "应为数字，这里是「150万」", "schema", "150万"),
    ("year-text", REPORT, "年度: 2024", "年度: 二〇二四", "应为数字", "schema", "年度: 二〇二四"),
    ("year-folder", REPORT, "年度: 2024", "年度: 2023", "与所在文件夹 2024/ 不一致", "input", "年度: 2023"),
    ("year-absurd", REPORT, "年度: 2024", "年度: 1024", "不是合理的年份", "schema", "年度: 1024"),
    ("unknown-type", REPORT, "类型: 项目支出绩效自评表", "类型: 自评报告", "取值「自评报告」无效", "schema", "类型: 自评报告"),
    ("bad-date", REPORT, "日期: 2025-03-31", "日期: 2025-13-01", "应为日期", "schema", "日期: 2025-13-01"),
    ("empty-forms", REPORT, "自评表:\n  - 项目名称", "自评表: []\n_x:\n  - 项目名称", "", "schema", None),
    ("forms-not-list", REPORT, "自评表:\n  - 项目名称: 示例项目", "自评表:\n    项目名称: 示例项目", "应为列表", "schema",
     "自评表:"),
    ("indicators-list", REPORT, "    绩效指标:\n      产出指标:", "    绩效指标:\n    - 产出指标:", "应为键值映射", "schema",
     "    绩效指标:"),
    ("bad-target", REPORT, "指标值: ≥100 件", "指标值: ≥ 多 件", "比较符后应为数字", "input", "≥ 多 件"),
    ("bad-operator", REPORT, "指标值: ≥100 件", "指标性质: 大约, 指标值: 100, 度量单位: 件", "指标性质「大约」无法识别",
     "input", "指标性质: 大约"),
    ("double-operator", REPORT, "指标值: ≥100 件", "指标性质: ≥, 指标值: ≥100 件", "重复写了比较符", "input",
     "指标性质: ≥"),
    ("unit-mismatch", REPORT, "实际完成值: 60 万元", "实际完成值: 60 万条", "单位「万条」与指标值", "unit-mismatch",
     "60 万条"),
    ("words-vs-number", REPORT, "实际完成值: 80 件", "实际完成值: 大约八十", "不是可评分的等级词", "unknown-word",
     "大约八十"),
    ("number-vs-words", REPORT, "实际完成值: 良", "实际完成值: 12", "应为等级词", "value-kind", "实际完成值: 12"),
    ("date-vs-number", REPORT, "指标值: ≥100 件, 实际完成值: 80 件", "指标值: ≥100 件, 实际完成值: 6月30日",
     "不是数量", "value-kind", "6月30日"),
    ("score-on-numeric-row", REPORT, "实际完成值: 80 件, 分值: 30", "实际完成值: 80 件, 分值: 30, 得分: 30",
     "只有定性指标可以自评得分", "input", "得分: 30"),
    ("qualitative-score-no-reason", REPORT, "分值: 30}", "分值: 30, 得分: 25}",
     "自评得分需要写明 理由", "input", "得分: 25"),
    ("missing-executed", REPORT, "全年预算数: 200, 全年执行数: 150", "全年预算数: 200", "需要 全年预算数 和 全年执行数",
     "input", "年度资金总额"),
    ("unknown-expression", SECTION, "{{ 总分 }}", "{{ 总分数 }}", "未知的名称", "expression", "总分数"),
    ("expression-syntax", SECTION, "{{ 总分 }}", "{{ 总分 + }}", "语法错误", "expression", "总分 +"),
    ("expression-missing-item", SECTION, "{{ 总分 }}", "{{ 自评表[5].总分 }}", "中的序号超出范围", "expression",
     "自评表[5]"),
    ("unknown-directive", SECTION, "::表格[预算执行情况]", "::图表[收支]", "未知的指令「::图表」", "input", "::图表"),
    ("unknown-table", SECTION, "::表格[预算执行情况]", "::表格[收支表]", "未知的表格「收支表」", "input", "::表格[收支表]"),
    ("unknown-project", SECTION, "::表格[预算执行情况]", "::表格[预算执行情况]{项目=别的项目}", "没有名为「别的项目」的项目",
     "input", "别的项目"),
    ("image-outside", SECTION, "::表格[预算执行情况]", "![x](../../../../etc/passwd)", "指向报告文件夹之外", "input",
     "etc/passwd"),
    ("javascript-link", SECTION, "::表格[预算执行情况]", "[x](javascript:alert(1))", "指向项目之外", "input",
     "javascript"),
    ("missing-layout", REPORT, "类型: 项目支出绩效自评表\n", "类型: 项目支出绩效自评表\n模板: report/nope.html\n",
     "找不到模板「report/nope.html」", "template", "模板: report/nope.html"),
    ("site-unknown-key", SITE, "站点名称: 测试站点\n", "站点名称: 测试站点\n主提: x\n", "未知的键「主提」", "schema", "主提: x"),
    ("site-base-url", SITE, "站点名称: 测试站点\n", "站点名称: 测试站点\nbase_url: gjj/\n", "base_url 应以 / 开头", "schema",
     "base_url: gjj/"),
    ("site-missing-title", SITE, "站点名称: 测试站点\n", "base_url: /\n", "缺少必填项「站点名称」", "schema", None),
    ("site-unknown-theme", SITE, "站点名称: 测试站点\n", "站点名称: 测试站点\n主题: 无此主题\n", "找不到主题「无此主题」", "input",
     "主题: 无此主题"),
    ("site-pdf-variant", SITE, "站点名称: 测试站点\n", "站点名称: 测试站点\nPDF:\n  pdf_variant: pdf/z\n", "pdf_variant「pdf/z」无效",
     "schema", "pdf_variant: pdf/z"),
    ("site-grades", SITE, "站点名称: 测试站点\n", "站点名称: 测试站点\n评分规则:\n  小数位: 九\n", "应为数字", "schema",
     "小数位: 九"),
    ("empty-report", REPORT, None, "", "文件内容应为键值映射", "schema", None),
]


def mutate(project: Path, name: str, old: str | None, new: str) -> Path:
    path = project / name
    if old is None:
        path.write_text(new, encoding="utf-8")
    else:
        text = path.read_text(encoding="utf-8")
        assert old in text, old
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def line_of(path: Path, anchor: str | None) -> int:
    if anchor is None:
        return 1
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if anchor.strip("\n") in line:
            return number
    raise AssertionError(f"{anchor!r} not in {path}")


def test_corpus_is_large_enough():
    assert len(CORPUS) >= 30


@pytest.mark.parametrize("case, name, old, new, message, rule, anchor", CORPUS, ids=[c[0] for c in CORPUS])
def test_bad_input(project, case, name, old, new, message, rule, anchor):
    path = mutate(project, name, old, new)
    expected_line = line_of(path, anchor)
    for command in (["build", str(project), "--no-pdf"], ["check", str(project)]):
        result = CliRunner().invoke(main, command, catch_exceptions=False)  # a traceback would raise here
        assert result.exit_code == 1, (command, result.output)
        output = result.stderr if command[0] == "build" else result.output
        shown = name
        lines = [line for line in output.splitlines() if f"[{rule}]" in line and message in line]
        assert lines, output
        where = lines[0].split(": ")[0]
        assert where.startswith(f"{shown}:"), lines[0]
        if anchor is not None:
            assert where.split(":")[1] == str(expected_line), (lines[0], expected_line)
    assert not (project / "site").exists()


def test_non_utf8_file(project):
    (project / REPORT).write_bytes("标题: 示例".encode("gbk"))
    result = CliRunner().invoke(main, ["build", str(project)], catch_exceptions=False)
    assert result.exit_code == 1 and "UTF-8" in result.stderr


def test_bad_slug(project):
    (project / "content/2024/demo").rename(project / "content/2024/Demo Report")
    result = CliRunner().invoke(main, ["build", str(project)], catch_exceptions=False)
    assert result.exit_code == 1 and "不能作为网址" in result.stderr
