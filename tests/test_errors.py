"""Stage: the bad-input corpus (issue 9): every kind of bad input gives one clear error, and nothing is harmed.

Each row of `CORPUS` changes a fresh copy of a fixture project in one way and says what `build` and
`check` must print: a part of the message, its rule, and where — the file, and the line that holds
`anchor` (with its column where that is meaningful). Every row also proves what every error owes the
author: exit code 1, no traceback, a `提示:` saying what to do, no English library text or Python
names in the message, the sources byte-identical afterwards, and no site or staging folder left
behind. `OUTPUTS` does the same for `--out` folders that must be refused, and `ACCEPTED` lists inputs
that look dangerous but are right and must build (merge keys, a BOM, a garbled cache manifest …).
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, run_jixiao, tree_digest

from jixiao import render
from jixiao.cli import main

REPORT = "content/2024/demo/report.yaml"
SECTION = "content/2024/demo/01-概况.md"
BUNDLE = "content/2024/demo"
SITE = "content/site.yaml"
DOC = "content/2023/juesuan/report.yaml"  # the two-years fixture: a 部门决算说明 with data tables and charts
DOC_TEXT = "content/2023/juesuan/01-说明.md"
LAST_YEAR = "content/2022/juesuan/report.yaml"
SICHUAN = "content/2024/sichuan/report.yaml"  # the model fixture's report of a type with an extra column (佐证材料)
LAYOUT = "layouts/report/项目支出绩效自评表.html"
DOC_LAYOUT = "layouts/report/部门决算说明.html"
GLOSSARY = "layouts/data/名词解释.yaml"
ROW = "{三级指标: 办件量, 指标值: ≥100 件, 实际完成值: 80 件"  # the first indicator row of the demo report
LAST_ROW = "实际完成值: 良, 偏差原因分析及改进措施: 个别季度延迟, 分值: 30}"
EXPRESSION = "{{ 总分 }}"  # in the demo section's third line
SHARES = "- {名称: 基本支出, 金额: 1000.00}"  # the first row of the 支出结构 table

Change = Callable[[Path, pytest.MonkeyPatch], None]


# --- what a case does to the project ---------------------------------------------------------------

def replace_text(name: str, old: str, new: str) -> Change:
    def change(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        path = project / name
        text = path.read_text(encoding="utf-8")
        assert old in text, old
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return change


def clear_place(project: Path, name: str) -> Path:
    """The path `name` in the project, its folder made and any file or symlink there removed."""
    path = project / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_symlink() or path.is_file():
        path.unlink()
    return path


def write_file(name: str, data: str | bytes) -> Change:
    def change(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        clear_place(project, name).write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return change


def remove_file(name: str) -> Change:
    def change(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        (project / name).unlink()
    return change


def link_file(name: str, target: str) -> Change:
    """A symlink; a relative target is taken from the link's folder, as `ln -s` does."""
    def change(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        clear_place(project, name).symlink_to(target)
    return change


def make_fifo(name: str) -> Change:
    def change(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        os.mkfifo(clear_place(project, name))
    return change


def make_folder(name: str) -> Change:
    """A folder (holding one subfolder) where a file is expected."""
    def change(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        (clear_place(project, name) / "x").mkdir(parents=True)
    return change


def copy_folder(source: str, target: str) -> Change:
    def change(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        shutil.copytree(project / source, project / target)
    return change


def move_folder(source: str, target: str) -> Change:
    def change(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        (project / target).parent.mkdir(parents=True, exist_ok=True)
        (project / source).rename(project / target)
    return change


def deny_reading(name: str) -> Change:
    """An unreadable file. The tests run as root, which may read anything, so the refusal is simulated where
    jixiao opens files (os.open), for this one path."""
    def change(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        denied, real_open = os.path.realpath(project / name), os.open

        def guarded_open(path, flags, *args, **kwargs):
            if os.path.realpath(path) == denied:
                raise PermissionError(13, "Permission denied", str(path))
            return real_open(path, flags, *args, **kwargs)
        monkeypatch.setattr(os, "open", guarded_open)
    return change


def rewrite(name: str, old: str, template: str) -> Callable[..., Change]:
    """A maker of changes: `old` in the file `name` becomes `template` filled in with the case's own text."""
    return lambda *texts: replace_text(name, old, template.format(*texts))


# The places of the fixtures that cases rewrite, each with the line it stands on.
write_unit = rewrite(REPORT, "单位: 示例中心", "单位: {}")  # line 3
write_report_date = rewrite(REPORT, "日期: 2025-03-31", "日期: {}")  # line 5
add_to_report = rewrite(REPORT, "单位: 示例中心\n", "单位: 示例中心\n{}\n")  # lines from 4 on
write_executed = rewrite(REPORT, "全年执行数: 150", "全年执行数: {}")  # line 11
write_points = rewrite(REPORT, "分值: 30}", "分值: {}}}")  # line 24, the last indicator row
write_deadline = rewrite(REPORT, "指标值: 按季度完成, 实际完成值: 良", "指标值: {}, 实际完成值: {}")  # line 24
write_expression = rewrite(SECTION, EXPRESSION, "{}")  # line 3 of the section
write_paragraph = rewrite(SECTION, "::表格[预算执行情况]", "{}")  # line 5 of the section
add_to_site = rewrite(SITE, "站点名称: 测试站点\n", "站点名称: 测试站点\n{}\n")  # lines from 2 on
write_share_row = rewrite(DOC, SHARES, "{}")  # line 23 of the two-years 部门决算说明
write_doc_expression = rewrite(DOC_TEXT, "{{ 表号.支出结构 }}", "{}")  # line 7 of its section


def shorten_time_limit(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A time limit of a fraction of a second, so that a case that runs into it stays quick."""
    monkeypatch.setattr(render, "TIME_LIMIT", 0.3)


def apply_all(*changes: Change) -> Change:
    def change(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        for each in changes:
            each(project, monkeypatch)
    return change


def alias_bomb(levels: int = 9, width: int = 9) -> str:
    """A "billion laughs" in YAML: each level lists the previous one `width` times (9⁹ values expanded)."""
    lines = ["摘要: &a0 哈"]
    lines += [f"_{i}: &a{i} [{', '.join([f'*a{i - 1}'] * width)}]" for i in range(1, levels + 1)]
    return "\n".join(lines) + "\n"


# --- the corpus ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Bad:
    """One bad input: what is changed, and what and where the error must say."""

    id: str
    change: Change
    file: str  # the file the message names, relative to the project
    message: str  # a part of the message
    rule: str
    anchor: str | int | None = None  # text on the line the message names (or its number); None: the file itself
    column: bool | int = False  # True: the column where `anchor` starts; a number: that column
    fixture: str = "minimal"
    hint: str = ""  # a part the 提示 must hold (a did-you-mean, the names to choose from)


CORPUS = [
    # YAML syntax: each libyaml complaint in Chinese, at the line to fix (an unclosed bracket or quote where it opens)
    Bad("yaml-unclosed-bracket", replace_text(REPORT, "分值: 10\n", "分值: [10\n"), REPORT, "方括号 [ ] 没有闭合", "yaml", "[10",
        column=True),
    Bad("yaml-unclosed-brace", replace_text(REPORT, "全年执行数: 150}", "全年执行数: 150"), REPORT, "花括号 { } 没有闭合", "yaml",
        "{年初预算数", column=True),
    Bad("yaml-unclosed-quote", write_unit('"示例中心'), REPORT, "引号或括号没有闭合", "yaml", '"示例中心', column=True),
    Bad("yaml-colon-in-text", replace_text(REPORT, "标题: 示例中心2024年度项目支出绩效自评", "标题: 说明: 示例"), REPORT, "此处不能出现「键: 值」",
        "yaml", "标题: 说明: 示例"),
    Bad("yaml-bad-indent", replace_text(REPORT, "\n    主管部门: 示例主管部门", "\n   主管部门: 示例主管部门"), REPORT, "缩进一致", "yaml",
        "   主管部门"),
    Bad("yaml-undefined-alias", write_unit("*unit"), REPORT, "引用了未定义的锚点", "yaml", "*unit", column=True),
    Bad("yaml-duplicate-anchor", replace_text(REPORT, "单位: 示例中心\n", "单位: &a 示例中心\n摘要: &a 摘要\n"), REPORT, "锚点（&名称）重复定义",
        "yaml", "摘要: &a"),
    Bad("yaml-two-documents", replace_text(REPORT, "日期: 2025-03-31\n", "日期: 2025-03-31\n---\n类型: x\n"), REPORT,
        "只能有一个", "yaml", "---"),
    Bad("yaml-bad-escape", add_to_report('摘要: "a\\qb"'), REPORT, "转义字符无效", "yaml", "摘要:"),
    Bad("yaml-empty-anchor", write_unit("& 示例中心"), REPORT, "锚点或别名的名称", "yaml", "单位: &"),
    Bad("yaml-list-in-flow", add_to_report("摘要: {a: - b}"), REPORT, "此处缺少值", "yaml", "摘要: {a: - b}"),
    Bad("yaml-missing-key", add_to_report(": 无键"), REPORT, "缺少「键:」", "yaml", ": 无键"),
    Bad("yaml-tab-indent", replace_text(REPORT, "      分值: 10\n", "\t分值: 10\n"), REPORT, "制表符", "yaml", "\t分值: 10"),
    Bad("yaml-tab-in-list", replace_text(REPORT, "        数量指标:\n          - ", "        数量指标:\n\t  - "), REPORT,
        "制表符", "yaml", "\t  - "),
    # YAML keys: unique, and plain text
    Bad("yaml-duplicate-key", add_to_report("单位: 另一个"), REPORT, "键「单位」重复（第一次出现在第 3 行）", "yaml", "单位: 另一个", column=True),
    Bad("yaml-duplicate-key-in-flow", replace_text(REPORT, "{三级指标: 办件量,", "{三级指标: 办件量, 三级指标: 办件,"), REPORT,
        "键「三级指标」重复", "yaml", "三级指标: 办件,", column=True),
    Bad("yaml-duplicate-key-in-site", add_to_site("站点名称: 又一个"), SITE, "键「站点名称」重复", "yaml", "站点名称: 又一个"),
    Bad("yaml-duplicate-after-merge", replace_text(REPORT, "全年执行数: 150}", "全年执行数: 150, <<: {全年执行数: 1}, 全年执行数: 160}"),
        REPORT, "键「全年执行数」重复", "yaml", "全年执行数: 160", column=True),
    Bad("yaml-key-is-list", add_to_report("? [a, b]\n: 1"), REPORT, "键必须是一段文字，这里是列表或映射", "yaml", "? [a, b]", column=3),
    Bad("yaml-key-is-map", add_to_report("? {a: 1}\n: 1"), REPORT, "键必须是一段文字", "yaml", "? {a: 1}", column=3),
    Bad("yaml-key-is-flow-list", add_to_report("摘要: {[a]: 1}"), REPORT, "键必须是一段文字", "yaml", "[a]", column=True),
    Bad("yaml-key-is-number", add_to_report("2024: x"), REPORT, "未知的键「2024」", "schema", "2024: x"),
    # YAML tags: only the core schema; !!binary, !!python/…, !!set and local tags are refused, on values and collections
    Bad("yaml-tag-binary", write_unit("!!binary aGVsbG8="), REPORT, "不支持的 YAML 标签「!!binary」", "yaml", "!!binary",
        column=True),
    Bad("yaml-tag-python-name", write_unit("!!python/name:os.system"), REPORT, "不支持的 YAML 标签「!!python/name:os.system」",
        "yaml", "!!python", column=True),
    Bad("yaml-tag-python-apply", write_unit('!!python/object/apply:os.system ["id"]'), REPORT,
        "不支持的 YAML 标签「!!python/object/apply:os.system」", "yaml", "!!python", column=True),
    Bad("yaml-tag-set", add_to_report("摘要: !!set {a, b}"), REPORT, "不支持的 YAML 标签「!!set」", "yaml", "!!set", column=True),
    Bad("yaml-tag-omap", add_to_report("摘要: !!omap [a: 1]"), REPORT, "不支持的 YAML 标签「!!omap」", "yaml", "!!omap",
        column=True),
    Bad("yaml-tag-timestamp", write_report_date("!!timestamp 2025-03-31"), REPORT, "不支持的 YAML 标签「!!timestamp」", "yaml",
        "!!timestamp", column=True),
    Bad("yaml-tag-local", write_unit("!unit 示例中心"), REPORT, "不支持的 YAML 标签「!unit」", "yaml", "!unit", column=True),
    Bad("yaml-tag-float-on-words", write_points("!!float 三十"), REPORT, "数字「三十」的写法不被接受", "yaml", "!!float", column=True),
    # YAML merge keys and aliases: a merge must be a mapping; alias expansion is bounded ("billion laughs")
    Bad("yaml-merge-not-a-map", replace_text(REPORT, "年度资金总额: {年初预算数", "年度资金总额: {<<: 5, 年初预算数"), REPORT,
        "「<<」合并的只能是键值映射", "yaml", "5, 年初预算数", column=True),
    Bad("yaml-merge-list-of-text", replace_text(REPORT, "年度资金总额: {年初预算数", "年度资金总额: {<<: [a, b], 年初预算数"), REPORT,
        "「<<」合并的只能是键值映射", "yaml", "a, b]", column=True),
    Bad("yaml-alias-bomb", add_to_report(alias_bomb().rstrip()), REPORT, "YAML 展开后超过 200000 个值", "yaml", "摘要: &a0"),
    Bad("yaml-alias-bomb-wide", add_to_report(alias_bomb(4, 30).rstrip()), REPORT, "YAML 展开后超过", "yaml", "摘要: &a0"),
    Bad("yaml-alias-bomb-in-site", add_to_site(alias_bomb()), SITE, "YAML 展开后超过", "yaml", "摘要: &a0"),
    Bad("yaml-alias-bomb-in-front-matter", replace_text(SECTION, "# 概况", "---\n" + alias_bomb() + "---\n# 概况"),
        SECTION, "YAML 展开后超过", "yaml", "摘要: &a0"),
    # a recursive alias (an anchor's own collection holds an alias of it) expands forever: an error at the anchor
    Bad("yaml-alias-recursive-list", add_to_report("摘要: &x [*x]"), REPORT, "别名（*名称）引用了包含它自己的锚点", "yaml", "&x [*x]",
        column=True),
    Bad("yaml-alias-recursive-map", add_to_report("摘要: &x {a: [1, *x]}"), REPORT, "引用了包含它自己的锚点", "yaml", "&x {a:",
        column=True),
    Bad("yaml-alias-recursive-merge", add_to_report("摘要: &x {<<: *x}"), REPORT, "引用了包含它自己的锚点", "yaml", "&x {<<",
        column=True),
    # YAML files that are not a mapping
    Bad("yaml-empty-report", write_file(REPORT, ""), REPORT, "文件内容应为键值映射", "schema", 1),
    Bad("yaml-comments-only", write_file(REPORT, "# 只有注释\n"), REPORT, "文件内容应为键值映射", "schema", 1),
    Bad("yaml-report-is-list", write_file(REPORT, "- 类型: 项目支出绩效自评表\n"), REPORT, "文件内容应为键值映射", "schema", 1, column=1),
    Bad("yaml-report-is-text", write_file(REPORT, "项目支出绩效自评表\n"), REPORT, "文件内容应为键值映射", "schema", 1),
    Bad("yaml-site-is-list", write_file(SITE, "- 站点名称: 测试站点\n"), SITE, "文件内容应为键值映射", "schema", 1),
    Bad("yaml-site-empty", write_file(SITE, ""), SITE, "文件内容应为键值映射", "schema", 1),
    # Characters: NUL and control characters, other line breaks, encodings other than UTF-8 — at line:column
    Bad("char-nul", write_unit("示例\x00中心"), REPORT, "控制字符 U+0000", "input", "单位:", column=7),
    Bad("char-bell-in-section", replace_text(SECTION, "总分 {{", "总分\x07 {{"), SECTION, "控制字符 U+0007", "input", "\x07",
        column=True),
    Bad("char-escape-in-site", replace_text(SITE, "测试站点", "测试\x1b站点"), SITE, "控制字符 U+001B", "input", 1, column=9),
    Bad("char-delete", replace_text(REPORT, "示例项目\n", "示例项目\x7f\n"), REPORT, "控制字符 U+007F", "input", 7, column=15),
    Bad("char-form-feed", replace_text(REPORT, "日期: 2025-03-31\n", "日期: 2025-03-31\n\x0c\n"), REPORT, "控制字符 U+000C",
        "input", 6, column=1),
    Bad("char-next-line", write_unit("示例\x85中心"), REPORT, "U+0085", "input", 3, column=7),
    Bad("char-line-separator", write_unit("示例\u2028中心"), REPORT, "U+2028", "input", 3, column=7),
    Bad("char-paragraph-separator", replace_text(SECTION, "# 概况", "# 概\u2029况"), SECTION, "U+2029", "input", 1,
        column=4),
    # Look-alikes of YAML's colon and space (an input method's 「：」, a copied no-break space, 「　」 as indentation): the
    # character named, at its own line and column (libyaml notices them a line late, naming something else)
    Bad("char-full-width-colon", replace_text(REPORT, "标题: 示例", "标题：示例"), REPORT, "键后的冒号是全角冒号「：」 U+FF1A", "yaml",
        "：示例中心2024", column=True),
    Bad("char-no-break-space-after-colon", replace_text(REPORT, "标题: 示例", "标题:\u00a0示例"), REPORT,
        "冒号后是不换行空格（NBSP） U+00A0", "yaml", "\u00a0示例", column=True),
    Bad("char-ideographic-space-indent", replace_text(REPORT, "\n    主管部门", "\n  \u3000主管部门"), REPORT,
        "缩进中有全角空格（表意空格） U+3000", "yaml", "\u3000主管部门", column=True),
    Bad("char-ideographic-space-before-key", replace_text(REPORT, "\n    主管部门", "\n    \u3000主管部门"), REPORT,
        "键「主管部门」的前后有全角空格（表意空格） U+3000", "yaml", "\u3000主管部门", column=True),
    Bad("char-full-width-colon-in-flow", replace_text(REPORT, "{三级指标: 办件量,", "{三级指标：办件量,"), REPORT,
        "其中的全角冒号「：」 U+FF1A 不是 YAML 的冒号", "schema", "三级指标：", column=True, hint="三级指标: 办件量"),
    # Invisible characters (zero-width, BOM, word joiner, bidi controls) are refused in YAML: 示例\u200b中心 prints as
    # 示例中心 but would be another unit
    Bad("char-zero-width-space-in-unit", write_unit("示例\u200b中心"), REPORT, "不可见字符 零宽空格 U+200B", "input", 3, column=7),
    Bad("char-zero-width-joiner-in-unit", write_unit("示例\u200d中心"), REPORT, "零宽连字 U+200D", "input", 3, column=7),
    Bad("char-bom-inside-text", write_unit("示例\ufeff中心"), REPORT, "零宽不换行空格（BOM） U+FEFF", "input", 3, column=7),
    Bad("char-word-joiner-in-site-name", replace_text(SITE, "测试站点", "测试\u2060站点"), SITE, "字连接符 U+2060", "input", 1,
        column=9),
    Bad("char-bidi-override-in-indicator", replace_text(REPORT, "三级指标: 办件量", "三级指标: 办\u202e件量"), REPORT,
        "从右到左覆盖 U+202E", "input", "\u202e件量", column=True),
    Bad("char-left-to-right-mark-in-project", replace_text(REPORT, "项目名称: 示例项目", "项目名称: 示例项目\u200e"), REPORT,
        "从左到右标记 U+200E", "input", "\u200e", column=True),
    Bad("char-bidi-isolate-in-table-column", replace_text(DOC, "列: [金额]", "列: [\u2066金额\u2069]"), DOC, "从左到右隔离 U+2066",
        "input", "\u2066", column=True, fixture="two-years"),
    Bad("char-zero-width-in-front-matter", replace_text(SECTION, "# 概况", "---\n标题: 概\u200c况\n---\n# 概况"), SECTION,
        "零宽不连字 U+200C", "input", 2, column=6),
    Bad("char-gbk-report", write_file(REPORT, "类型: 项目支出绩效自评表\n标题: 示例\n单位: 示例中心\n".encode("gbk")), REPORT,
        "文件不是 UTF-8 编码", "input", 1, column=1),
    Bad("char-gbk-third-line", write_file(REPORT, "类型: 项目支出绩效自评表\n标题: 示例\n".encode() + "单位: 中心".encode("gbk")), REPORT,
        "文件不是 UTF-8 编码", "input", 3, column=1),
    Bad("char-gbk-section", write_file(SECTION, "# 概况\n\n".encode() + "正文".encode("gbk")), SECTION, "文件不是 UTF-8 编码",
        "input", 3, column=1),
    Bad("char-gbk-site", write_file(SITE, "站点名称: 测试站点".encode("gbk")), SITE, "文件不是 UTF-8 编码", "input", 1, column=2),
    Bad("char-latin1-byte", write_file(REPORT, "类型: 项目支出绩效自评表\n标题: caf".encode() + b"\xe9\n"), REPORT, "文件不是 UTF-8 编码",
        "input", 2, column=8),
    Bad("char-utf16", write_file(REPORT, "类型: 项目支出绩效自评表\n".encode("utf-16")), REPORT, "文件不是 UTF-8 编码", "input", 1,
        column=1),
    Bad("char-truncated-utf8", write_file(REPORT, "类型: 项目支出绩效自评表\n标题: 示".encode() + "例".encode()[:2]), REPORT,
        "文件不是 UTF-8 编码", "input", 2, column=6),
    Bad("char-report-too-large", write_file(REPORT, "摘要: " + "长" * (2 * 1024 * 1024)), REPORT, "文件过大", "input"),
    # Numbers: YAML 1.2 plain decimals only, of a size a report can hold; never a float, never base 60
    Bad("number-exponent", write_points("1e30"), REPORT, "数字「1e30」的写法不被接受", "yaml", "1e30", column=True),
    Bad("number-1e308", write_executed("1e308"), REPORT, "数字「1e308」", "yaml", "1e308", column=True),
    Bad("number-1e999999999", write_executed("1e999999999"), REPORT, "数字「1e999999999」", "yaml", "1e999999999",
        column=True),
    Bad("number-exponent-upper", write_executed("1.5E2"), REPORT, "数字「1.5E2」", "yaml", "1.5E2", column=True),
    Bad("number-30-digits", write_executed("123456789012345678901234567890"), REPORT, "过长（最多 15 位整数", "yaml",
        "1234567890", column=True),
    Bad("number-16-digits", write_points("1000000000000000"), REPORT, "过长", "yaml", "1000000000000000", column=True),
    Bad("number-11-decimals", write_executed("150.12345678901"), REPORT, "10 位小数", "yaml", "150.1", column=True),
    Bad("number-base-60", write_points("1:35"), REPORT, "应为数字，这里是「1:35」", "schema", "分值: 1:35", column=True),
    Bad("number-infinity", write_points(".inf"), REPORT, "数字「.inf」", "yaml", ".inf", column=True),
    Bad("number-minus-infinity", write_executed("-.Inf"), REPORT, "数字「-.Inf」", "yaml", "-.Inf", column=True),
    Bad("number-nan", write_points(".nan"), REPORT, "数字「.nan」", "yaml", ".nan", column=True),
    Bad("number-hex", write_points("0x1E"), REPORT, "数字「0x1E」", "yaml", "0x1E", column=True),
    Bad("number-octal", write_points("0o36"), REPORT, "数字「0o36」", "yaml", "0o36", column=True),
    Bad("number-binary", write_points("0b11110"), REPORT, "应为数字，这里是「0b11110」", "schema", "分值: 0b11110", column=True),
    Bad("number-true", write_points("true"), REPORT, "应为数字，这里是「true」", "schema", "分值: true", column=True),
    Bad("number-null", write_points("null"), REPORT, "应为数字，这里是「（空）」", "schema", "分值: null", column=True),
    Bad("number-in-words", write_points("三十"), REPORT, "应为数字，这里是「三十」", "schema", "分值: 三十", column=True),
    Bad("number-with-unit", write_executed("150万"), REPORT, "应为数字，这里是「150万」", "schema", "全年执行数: 150万", column=True),
    Bad("number-percent-amount", write_executed("75%"), REPORT, "应为数字，这里是「75%」", "schema", "全年执行数: 75%", column=True),
    Bad("number-thousands-in-flow", replace_text(REPORT, "指标值: ≥100 件", "指标值: ≥1,000 件"), REPORT, "未知的键「000 件」",
        "schema", "000 件", column=True, hint="不要用千位分隔符"),
    Bad("number-thousands-in-block", replace_text(REPORT, "分值: 10\n", "分值: 1,0\n"), REPORT, "应为数字，这里是「1,0」", "schema",
        "分值: 1,0"),
    Bad("number-thousands-in-target", replace_text(REPORT, "指标值: ≥100 件", '指标值: "≥1,000 件"'), REPORT, "千位分隔符", "input",
        '指标值: "≥1,000', column=True),
    Bad("number-thousands-in-actual", replace_text(REPORT, "实际完成值: 80 件", '实际完成值: "1,080 件"'), REPORT, "千位分隔符",
        "input", '实际完成值: "1,080', column=True),
    Bad("number-negative-executed", write_executed("-10"), REPORT, "应不小于 0，这里是「-10」", "schema", "全年执行数: -10",
        column=True),
    Bad("number-negative-budget", replace_text(REPORT, "全年预算数: 200", "全年预算数: -200"), REPORT, "应不小于 0", "schema",
        "全年预算数: -200", column=True),
    Bad("number-negative-initial", replace_text(REPORT, "年初预算数: 200", "年初预算数: -1"), REPORT, "应不小于 0", "schema",
        "年初预算数: -1", column=True),
    Bad("number-zero-budget", replace_text(REPORT, "全年预算数: 200", "全年预算数: 0"), REPORT, "全年预算数为 0", "input", "全年预算数: 0",
        column=True),
    Bad("number-negative-points", write_points("-30"), REPORT, "应不小于 0", "schema", "分值: -30", column=True),
    Bad("number-negative-budget-points", replace_text(REPORT, "分值: 10\n", "分值: -10\n"), REPORT, "应不小于 0", "schema",
        "分值: -10"),
    Bad("number-year-fraction", replace_text(REPORT, "年度: 2024", "年度: 2024.5"), REPORT, "应为数字，这里是「2024.5」", "schema",
        "年度: 2024.5"),
    Bad("number-year-words", replace_text(REPORT, "年度: 2024", "年度: 二〇二四"), REPORT, "应为数字", "schema", "年度: 二〇二四"),
    Bad("number-year-absurd", replace_text(REPORT, "年度: 2024", "年度: 1024"), REPORT, "不是合理的年份", "schema", "年度: 1024"),
    Bad("number-target-base-60", replace_text(REPORT, "指标值: ≥100 件", "指标值: 1:35"), REPORT, "不一致，不能评分", "unit-mismatch",
        "实际完成值: 80 件", column=True),
    # Dates: a deadline, an actual date and 日期 must exist on the calendar
    Bad("date-month-13", write_deadline("2025年13月", "12月"), REPORT, "日期「2025年13月」无效：月份应为 1–12", "input",
        "指标值: 2025年13月", column=True),
    Bad("date-february-30", write_deadline("2月30日", "12月"), REPORT, "2 月没有 30 日", "input", "指标值: 2月30日", column=True),
    Bad("date-month-0", write_deadline("0月", "12月"), REPORT, "日期「0月」无效", "input", "指标值: 0月", column=True),
    Bad("date-year-month-0", write_deadline("2024年0月", "12月"), REPORT, "日期「2024年0月」无效", "input", "指标值: 2024年0月",
        column=True),
    Bad("date-month-13-alone", write_deadline("13月", "12月"), REPORT, "日期「13月」无效", "input", "指标值: 13月", column=True),
    Bad("date-day-32", write_deadline("1月32日", "1月3日"), REPORT, "1 月没有 32 日", "input", "指标值: 1月32日", column=True),
    Bad("date-not-a-leap-year", write_deadline("2023年2月29日", "2月1日"), REPORT, "2 月没有 29 日", "input", "指标值: 2023年2月29日",
        column=True),
    Bad("date-december-32", write_deadline("2024年12月32日", "12月1日"), REPORT, "12 月没有 32 日", "input", "指标值: 2024年12月32日",
        column=True),
    Bad("date-actual-month-13", write_deadline("2024年12月", "2024年13月"), REPORT, "日期「2024年13月」无效", "input",
        "实际完成值: 2024年13月", column=True),
    Bad("date-actual-february-30", write_deadline("2024年12月", "2月30日"), REPORT, "2 月没有 30 日", "input", "实际完成值: 2月30日",
        column=True),
    Bad("date-actual-malformed-year", write_deadline("2024年12月", "20234年1月"), REPORT, "应为日期", "value-kind",
        "实际完成值: 20234年1月", column=True),
    Bad("date-actual-a-number", replace_text(REPORT, "指标值: ≥100 件, 实际完成值: 80 件", "指标值: ≥100 件, 实际完成值: 6月30日"), REPORT,
        "不是数量", "value-kind", "实际完成值: 6月30日", column=True),
    Bad("date-month-13-of-report", write_report_date("2025-13-01"), REPORT, "应为日期", "schema", "日期: 2025-13-01"),
    Bad("date-february-30-of-report", write_report_date("2025-02-30"), REPORT, "这里是「2025-02-30」", "schema",
        "日期: 2025-02-30"),
    Bad("date-slashes", write_report_date("2025/03/31"), REPORT, "应为日期", "schema", "日期: 2025/03/31"),
    Bad("date-a-number", write_report_date("20250331"), REPORT, "这里是「20250331」", "schema", "日期: 20250331"),
    Bad("date-in-chinese", write_report_date("2025年3月31日"), REPORT, "应为日期", "schema", "日期: 2025年3月31日"),
    Bad("date-a-word", write_report_date("昨天"), REPORT, "这里是「昨天」", "schema", "日期: 昨天"),
    Bad("date-with-time", write_report_date("2025-03-31T10:00:00"), REPORT, "应为日期", "schema", "日期: 2025-03-31T10"),
    Bad("date-of-signature",
        replace_text(REPORT, "日期: 2025-03-31\n", "日期: 2025-03-31\n落款: {单位: 示例中心, 日期: 2025-04-31}\n"), REPORT,
        "这里是「2025-04-31」", "schema", "日期: 2025-04-31}", column=True),
    # Folders: a report is content/<four ASCII digits>/<slug>/, so every report has exactly one URL
    Bad("folder-draft", move_folder(BUNDLE, "content/draft/demo"), "content/draft/demo/report.yaml",
        "以四位数字年度命名的文件夹中，这里是「draft」", "input"),
    Bad("folder-superscript-year", move_folder(BUNDLE, "content/²⁰²⁴/demo"), "content/²⁰²⁴/demo/report.yaml",
        "这里是「²⁰²⁴」", "input"),
    Bad("folder-full-width-year", copy_folder(BUNDLE, "content/２０２４/demo"), "content/２０２４/demo/report.yaml",
        "这里是「２０２４」", "input"),
    Bad("folder-five-digit-year", move_folder(BUNDLE, "content/20245/demo"), "content/20245/demo/report.yaml",
        "这里是「20245」", "input"),
    Bad("folder-year-mismatch", replace_text(REPORT, "年度: 2024", "年度: 2023"), REPORT, "与所在文件夹 2024/ 不一致", "input",
        "年度: 2023"),
    Bad("folder-slug-with-space", move_folder(BUNDLE, "content/2024/Demo Report"),
        "content/2024/Demo Report/report.yaml", "文件夹名「Demo Report」不能作为网址", "input"),
    Bad("folder-slug-upper-case", move_folder(BUNDLE, "content/2024/Demo"), "content/2024/Demo/report.yaml", "不能作为网址",
        "input"),
    Bad("folder-slug-leading-hyphen", move_folder(BUNDLE, "content/2024/-demo"), "content/2024/-demo/report.yaml",
        "不能作为网址", "input"),
    Bad("folder-slug-underscore", move_folder(BUNDLE, "content/2024/demo_x"), "content/2024/demo_x/report.yaml",
        "不能作为网址", "input"),
    Bad("folder-slug-chinese", move_folder(BUNDLE, "content/2024/示例"), "content/2024/示例/report.yaml", "不能作为网址",
        "input"),
    Bad("folder-slug-dot", move_folder(BUNDLE, "content/2024/demo.x"), "content/2024/demo.x/report.yaml", "不能作为网址",
        "input"),
    Bad("folder-report-yaml-is-a-folder", make_folder(REPORT), REPORT, "这不是普通文件", "input"),
    Bad("folder-another-report-yaml-folder", make_folder("content/2024/other/report.yaml"),
        "content/2024/other/report.yaml", "这不是普通文件", "input"),
    # Files and symlinks: nothing outside the project is read or published; nothing blocks; unreadable is an error
    Bad("file-symlink-to-passwd", link_file(f"{BUNDLE}/passwd.txt", "/etc/passwd"), f"{BUNDLE}/passwd.txt",
        "指向项目之外的符号链接，已拒绝读取", "input"),
    Bad("file-symlink-image-outside", link_file(f"{BUNDLE}/图1.png", "/etc/hostname"), f"{BUNDLE}/图1.png",
        "指向项目之外的符号链接", "input"),
    Bad("file-symlink-section", link_file(f"{BUNDLE}/02-x.md", "/etc/hostname"), f"{BUNDLE}/02-x.md", "指向项目之外的符号链接",
        "input"),
    Bad("file-symlink-report", link_file(REPORT, "/etc/passwd"), REPORT, "指向项目之外的符号链接", "input"),
    Bad("file-symlink-site", link_file(SITE, "/etc/passwd"), SITE, "指向项目之外的符号链接", "input"),
    Bad("file-symlink-asset", link_file("layouts/assets/x.css", "/etc/passwd"), "layouts/assets/x.css", "指向项目之外的符号链接",
        "input"),
    Bad("file-symlink-layout", link_file(LAYOUT, "/etc/passwd"), LAYOUT, "指向项目之外的符号链接", "input"),
    Bad("file-symlink-glossary", link_file(GLOSSARY, "/etc/passwd"), GLOSSARY, "指向项目之外的符号链接", "input"),
    Bad("file-symlink-folder-outside", link_file(f"{BUNDLE}/files", "/etc"), f"{BUNDLE}/files", "指向项目之外的符号链接", "input"),
    Bad("file-symlink-bundle-outside", apply_all(copy_folder(BUNDLE, "../outside/other"),
                                                 link_file("content/2024/other", "../../../outside/other")),
        "content/2024/other/01-概况.md", "指向项目之外的符号链接", "input"),
    Bad("file-symlink-loop", link_file(f"{BUNDLE}/loop.txt", "loop.txt"), f"{BUNDLE}/loop.txt", "符号链接循环", "input"),
    Bad("file-symlink-loop-pair",
        apply_all(link_file(f"{BUNDLE}/a.txt", "b.txt"), link_file(f"{BUNDLE}/b.txt", "a.txt")), f"{BUNDLE}/a.txt",
        "符号链接循环", "input"),
    Bad("file-symlink-loop-section", link_file(f"{BUNDLE}/02-x.md", "02-x.md"), f"{BUNDLE}/02-x.md", "符号链接循环", "input"),
    Bad("file-symlink-broken", link_file(f"{BUNDLE}/b.txt", "/nonexistent/x"), f"{BUNDLE}/b.txt", "符号链接指向的文件不存在",
        "input"),
    Bad("file-symlink-broken-report", link_file(REPORT, "gone.yaml"), REPORT, "符号链接指向的文件不存在", "input"),
    Bad("file-symlink-broken-layout", link_file(LAYOUT, "gone.html"), LAYOUT, "符号链接指向的文件不存在", "input"),
    Bad("file-fifo-section", make_fifo(f"{BUNDLE}/03-x.md"), f"{BUNDLE}/03-x.md", "这不是普通文件（而是文件夹、管道或设备）", "input"),
    Bad("file-fifo-resource", make_fifo(f"{BUNDLE}/图1.png"), f"{BUNDLE}/图1.png", "这不是普通文件", "input"),
    Bad("file-fifo-report", make_fifo(REPORT), REPORT, "这不是普通文件", "input"),
    Bad("file-fifo-site", make_fifo(SITE), SITE, "这不是普通文件", "input"),
    Bad("file-fifo-layout", apply_all(make_folder("layouts/report"), make_fifo(LAYOUT)), LAYOUT, "这不是普通文件", "input"),
    Bad("file-unreadable-section", deny_reading(SECTION), SECTION, "无法读取文件（没有权限）", "input"),
    Bad("file-unreadable-report", deny_reading(REPORT), REPORT, "无法读取文件（没有权限）", "input"),
    Bad("file-unreadable-site", deny_reading(SITE), SITE, "无法读取文件（没有权限）", "input"),
    Bad("file-unreadable-image",
        apply_all(write_file(f"{BUNDLE}/图1.png", b"\x89PNG"), deny_reading(f"{BUNDLE}/图1.png")), f"{BUNDLE}/图1.png",
        "无法读取文件", "input"),
    Bad("file-unreadable-layout", apply_all(write_file(LAYOUT, "<p>x</p>"), deny_reading(LAYOUT)), LAYOUT, "无法读取文件",
        "input"),
    Bad("file-unreadable-asset",
        apply_all(write_file("layouts/assets/x.css", "p {}"), deny_reading("layouts/assets/x.css")),
        "layouts/assets/x.css", "无法读取文件", "input"),
    Bad("file-section-too-large", write_file(f"{BUNDLE}/02-大.md", "长" * (2 * 1024 * 1024)), f"{BUNDLE}/02-大.md",
        "文件过大", "input"),
    # Published files: nothing in a bundle runs in a browser (an SVG's script, a page of the author's own)
    Bad("file-svg-script", write_file(f"{BUNDLE}/图.svg", '<svg xmlns="http://www.w3.org/2000/svg">\n'
                                                         '<script>alert(1)</script>\n</svg>'),
        f"{BUNDLE}/图.svg", "<script> 元素，已拒绝发布", "input", "<script>", column=True),
    Bad("file-svg-onload", write_file(f"{BUNDLE}/图.svg", '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        f"{BUNDLE}/图.svg", "事件属性 onload=", "input", 1, column=1),
    Bad("file-html-in-bundle", write_file(f"{BUNDLE}/附件.html", "<script>alert(1)</script>"), f"{BUNDLE}/附件.html",
        "不是可以发布的文件类型（.html）", "input"),
    # Layouts: a layout's own mistake is an error at its file:line, never a traceback
    Bad("layout-missing", replace_text(REPORT, "类型: 项目支出绩效自评表\n", "类型: 项目支出绩效自评表\n模板: report/nope.html\n"), REPORT,
        "找不到模板「report/nope.html」", "template", "模板: report/nope.html"),
    Bad("layout-outside-path", replace_text(REPORT, "类型: 项目支出绩效自评表\n", "类型: 项目支出绩效自评表\n模板: ../../../etc/passwd\n"),
        REPORT, "找不到模板", "template", "模板: ../"),
    Bad("layout-absolute-path", replace_text(REPORT, "类型: 项目支出绩效自评表\n", "类型: 项目支出绩效自评表\n模板: /etc/passwd\n"), REPORT,
        "找不到模板", "template", "模板: /etc"),
    Bad("layout-unclosed-if", write_file(LAYOUT, "<p>\n{% if report %}\n"), LAYOUT, "模板意外结束", "template", 2),
    Bad("layout-unknown-tag", write_file(LAYOUT, "<p>\n{% frobnicate %}\n"), LAYOUT, "未知的标签「frobnicate」", "template",
        2),
    Bad("layout-stray-endfor", write_file(LAYOUT, "<p>\n\n{% endfor %}\n"), LAYOUT, "模板语法错误", "template", 3),
    Bad("layout-unknown-filter", write_file(LAYOUT, "<p>\n{{ report.标题 | frobnicate }}\n"), LAYOUT,
        "未知的过滤器「frobnicate」", "template", 2),
    Bad("layout-includes-itself", write_file(LAYOUT, '<p>\n{% include "report/项目支出绩效自评表.html" %}\n'), LAYOUT,
        "模板层层包含自己", "template", 2),
    Bad("layout-extends-itself", write_file(LAYOUT, '{% extends "report/项目支出绩效自评表.html" %}\n'), LAYOUT, "模板层层包含自己",
        "template", 1),
    Bad("layout-includes-each-other", apply_all(write_file(LAYOUT, '<p>\n{% include "report/b.html" %}\n'),
                                                write_file("layouts/report/b.html",
                                                           '{% include "report/项目支出绩效自评表.html" %}\n')),
        LAYOUT, "模板层层包含自己", "template", 2),
    Bad("layout-includes-missing", write_file(LAYOUT, '<p>\n{% include "report/nope.html" %}\n'), LAYOUT,
        "找不到模板「report/nope.html」", "template", 2),
    Bad("layout-floor-division-by-zero", write_file(LAYOUT, "{{ 1 // 0 }}\n"), LAYOUT, "除数为 0", "template", 1),
    Bad("layout-modulo-by-zero", write_file(LAYOUT, "<p>\n{{ 1 % 0 }}\n"), LAYOUT, "除数为 0", "template", 2),
    Bad("layout-text-plus-number", write_file(LAYOUT, '<p>\n{{ "a" + 1 }}\n'), LAYOUT, "类型不匹配", "template", 2),
    Bad("layout-text-minus-number", write_file(LAYOUT, '<p>\n{{ "a" - 1 }}\n'), LAYOUT, "类型不匹配", "template", 2),
    Bad("layout-gbk", write_file(LAYOUT, "<p>模板</p>".encode("gbk")), LAYOUT, "文件不是 UTF-8 编码", "input", 1, column=5),
    Bad("layout-nul", write_file(LAYOUT, "<p>\n\x00\n"), LAYOUT, "控制字符 U+0000", "input", 2, column=1),
    Bad("layout-unknown-name", write_file(LAYOUT, "<p>\n{{ nosuch }}\n"), LAYOUT, "未知的名称「nosuch」", "template", 2),
    Bad("layout-unknown-field", write_file(LAYOUT, "<p>\n{{ report.标提 }}\n"), LAYOUT, "没有名为「标提」的项", "template", 2),
    Bad("layout-private-attribute", write_file(LAYOUT, "<p>\n{{ report.__class__.__mro__ }}\n"), LAYOUT, "模板出错",
        "template", 2),
    Bad("layout-changes-a-figure", write_file(LAYOUT, '<p>\n{{ report.自评表[0].update({"总分": 100}) }}\n'), LAYOUT,
        "模板出错", "template", 2),
    Bad("layout-huge-power", write_file(LAYOUT, "<p>\n{{ 10 ** (10 ** 8) }}\n"), LAYOUT, "乘方的数太大", "template", 2),
    Bad("layout-huge-center", write_file(LAYOUT, "<p>\n{{ 'x' | center(10 ** 12) }}\n"), LAYOUT, "生成的文字或列表过长",
        "template", 2),
    Bad("layout-endless-loops", apply_all(shorten_time_limit, write_file(
        LAYOUT, "{% set x = range(100000) | list %}\n{% for a in x %}{% for b in x %}{% endfor %}{% endfor %}\n")),
        LAYOUT, "运行超过 0.3 秒", "template", 2),
    Bad("layout-endless-range-loops", apply_all(shorten_time_limit, write_file(
        LAYOUT, "<p>\n{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}\n")),
        LAYOUT, "运行超过 0.3 秒", "template", 2),
    Bad("layout-is-a-folder", make_folder(LAYOUT), LAYOUT, "这不是普通文件", "input"),
    Bad("layout-table-template", write_file("layouts/tables/budget.html", "<p>\n\n{{ form.执行律 }}\n"),
        "layouts/tables/budget.html", "没有名为「执行律」的项", "template", 3),
    Bad("layout-document-chart-error", write_file(DOC_LAYOUT, "<p>\n{{ report.数据表.收支总计.不存在 }}\n"), DOC_LAYOUT,
        "没有名为「不存在」的项", "template", 2, fixture="two-years"),
    # Expressions in Markdown: the sandbox, its limits, read-only views, Chinese messages with did-you-mean
    Bad("expr-huge-power", write_expression("{{ 10 ** (10 ** 8) }}"), SECTION, "乘方的数太大", "expression", 3),
    Bad("expr-huge-repetition", write_expression("{{ ('x' * 10**12) | length }}"), SECTION, "重复后的长度超过 100000",
        "expression", 3),
    Bad("expr-huge-concatenation", write_expression("{{ ('x' * 100000) + ('x' * 100000) }}"), SECTION, "拼接后的长度超过",
        "expression", 3),
    Bad("expr-2000-parentheses", write_expression("{{ " + "(" * 2000 + "1" + ")" * 2000 + " }}"), SECTION,
        "括号嵌套 2000 层，超过上限 50", "expression", 3),
    Bad("expr-changes-a-figure", write_expression('{{ 自评表[0].update({"总分": "100.00"}) or "" }}'), SECTION,
        "未知的名称或项目「update」", "expression", 3),
    Bad("expr-appends-to-a-list", write_expression("{{ 自评表.append(1) }}"), SECTION, "不允许访问「append」", "expression", 3),
    Bad("expr-changes-a-dict", write_expression("{{ dict(a=1).update(b=2) }}"), SECTION, "不允许访问「update」", "expression",
        3),
    Bad("expr-private-attribute", write_expression("{{ ''.__class__.__mro__ }}"), SECTION, "不允许访问「__class__」",
        "expression", 3),
    Bad("expr-private-attribute-of-a-figure", write_expression("{{ 总分.__class__ }}"), SECTION, "未知的名称或项目「__class__」",
        "expression", 3),
    Bad("expr-statement-set", write_expression("{% set x = 1 %}"), SECTION, "正文中不能写模板语句「{% set x = 1 %}」",
        "expression", 3),
    Bad("expr-statement-for", write_paragraph("{% for x in 自评表 %}{{ x }}{% endfor %}"), SECTION,
        "正文中不能写模板语句「{% for x in 自评表 %}」", "expression", 5),
    Bad("expr-statement-unclosed", write_paragraph("{% if 总分"), SECTION, "正文中不能写模板语句", "expression", 5),
    Bad("expr-unknown-name", write_expression("{{ 总分数 }}"), SECTION, "未知的名称或项目「总分数」", "expression", 3),
    Bad("expr-did-you-mean", write_expression("{{ 总份 }}"), SECTION, "未知的名称或项目「总份」", "expression", 3, hint="是否想写「总分」"),
    Bad("expr-unknown-field", write_expression("{{ 自评表[0].执行律 }}"), SECTION, "未知的名称或项目「执行律」", "expression", 3,
        hint="是否想写「执行率」"),
    Bad("expr-unknown-project", write_expression('{{ 自评表["不存在"].总分 }}'), SECTION, "未知的名称或项目「不存在」", "expression", 3,
        hint="可用: 示例项目"),
    Bad("expr-index-out-of-range", write_expression("{{ 自评表[5].总分 }}"), SECTION, "中的序号超出范围", "expression", 3),
    Bad("expr-unknown-name-in-heading", replace_text(SECTION, "# 概况", "# {{ 单为 }}概况"), SECTION, "未知的名称或项目「单为」",
        "expression", 1),
    Bad("expr-syntax", write_expression("{{ 总分 + }}"), SECTION, "语法错误", "expression", 3),
    Bad("expr-empty", write_expression("{{ }}"), SECTION, "语法错误", "expression", 3),
    Bad("expr-two-values", write_expression("{{ 总分 总分 }}"), SECTION, "表达式后面多了内容", "expression", 3),
    Bad("expr-unknown-filter", write_expression("{{ 总分 | frobnicate }}"), SECTION, "未知的过滤器「frobnicate」", "expression",
        3),
    Bad("expr-floor-division-by-zero", write_expression("{{ 1 // 0 }}"), SECTION, "除数为 0", "expression", 3),
    Bad("expr-modulo-by-zero", write_expression("{{ 1 % 0 }}"), SECTION, "除数为 0", "expression", 3),
    Bad("expr-text-plus-number", write_expression('{{ "a" + 1 }}'), SECTION, "类型不匹配", "expression", 3),
    Bad("expr-none", write_expression("{{ none }}"), SECTION, "没有值", "expression", 3),
    Bad("expr-huge-range", write_expression("{{ range(10**9) | list }}"), SECTION, "range 的范围过大", "expression", 3),
    Bad("expr-huge-center", write_expression("{{ 'x' | center(10**12) }}"), SECTION, "生成的文字或列表过长", "expression", 3),
    Bad("expr-huge-ljust", write_expression("{{ 'x'.ljust(10**9) }}"), SECTION, "生成的文字或列表过长", "expression", 3),
    Bad("expr-huge-replace", write_expression("{{ ('x' * 100000) | replace('x', 'x' * 100000) }}"), SECTION,
        "生成的文字或列表过长", "expression", 3),
    Bad("expr-many-centers", write_expression("{{ range(100000) | map('string') | map('center', 100000) | list }}"),
        SECTION, "生成的文字或列表过长", "expression", 3),
    Bad("expr-huge-join", write_expression("{{ range(100000) | join('x' * 100000) }}"), SECTION, "生成的文字或列表过长",
        "expression", 3),
    Bad("expr-huge-percent-format", write_expression('{{ "%099999999999d" % 1 }}'), SECTION, "格式中的宽度过大", "expression",
        3),
    Bad("expr-huge-format-method", write_expression('{{ "{:>99999999999}".format(1) }}'), SECTION, "格式中的宽度过大",
        "expression", 3),
    Bad("expr-huge-format-filter", write_expression('{{ "%*d" | format(10**9, 1) }}'), SECTION, "格式中的宽度过大",
        "expression", 3),
    Bad("expr-lorem-ipsum", write_expression("{{ lipsum(10**6) }}"), SECTION, "未知的名称或项目「lipsum」", "expression", 3),
    Bad("expr-prints-a-form", write_expression("{{ 自评表[0] }}"), SECTION, "不能直接写进正文", "expression", 3),
    Bad("expr-prints-a-list", write_expression("{{ 自评表 }}"), SECTION, "不能直接写进正文", "expression", 3),
    Bad("expr-prints-true", write_expression("{{ 总分 > 60 }}"), SECTION, "不能直接写进正文", "expression", 3),
    Bad("expr-unknown-data-table", write_doc_expression("{{ 数据表.收支总记.合计 }}"), DOC_TEXT,
        "未知的名称或项目「收支总记」", "expression", 7, fixture="two-years", hint="是否想写「收支总计」"),
    Bad("expr-unknown-row", write_doc_expression('{{ 数据表.收支总计.行["收入总记"].本年 }}'), DOC_TEXT,
        "未知的名称或项目「收入总记」", "expression", 7, fixture="two-years", hint="是否想写「收入总计」"),
    Bad("expr-unknown-column", write_doc_expression('{{ 数据表.收支总计.行["收入总计"].本念 }}'), DOC_TEXT,
        "未知的名称或项目「本念」", "expression", 7, fixture="two-years", hint="是否想写「本年」"),
    Bad("expr-row-index-out-of-range", write_doc_expression("{{ 数据表.收支总计.行[9].本年 }}"), DOC_TEXT, "中的序号超出范围",
        "expression", 7, fixture="two-years", hint="序号从 0 开始"),
    Bad("expr-indicator-by-name", write_expression('{{ 自评表[0].指标["办件数"].得分 }}'), SECTION,
        "未知的名称或项目「办件数」", "expression", 3, hint="是否想写「办件量」"),
    Bad("expr-count-unknown-column", write_doc_expression('{{ 数据表.收支总计.计数("不存在", 1) }}'), DOC_TEXT, "「不存在」",
        "expression", 7, fixture="two-years", hint="可用: 本年、上年"),
    Bad("expr-unknown-table-number", replace_text(DOC_TEXT, "{{ 表号.支出结构 }}", "{{ 表号.支出结够 }}"), DOC_TEXT,
        "未知的名称或项目「支出结够」", "expression", 7, fixture="two-years", hint="是否想写「支出结构」"),
    # Markdown: directives, links and images (nothing outside the report's folder, nothing remote)
    Bad("markdown-unknown-directive", write_paragraph("::图表[收支]"), SECTION, "未知的指令「::图表」", "input", 5,
        hint="写法: ::表格[名称]"),
    Bad("markdown-unknown-table", write_paragraph("::表格[收支表]"), SECTION, "未知的表格「收支表」", "input", 5,
        hint="可用: 自评表、预算执行情况"),
    Bad("markdown-unknown-project", write_paragraph("::表格[预算执行情况]{项目=别的项目}"), SECTION, "没有名为「别的项目」的项目", "input", 5),
    Bad("markdown-project-number-out-of-range", write_paragraph("::表格[自评表]{项目=9}"), SECTION, "没有名为「9」的项目", "input", 5),
    Bad("markdown-unknown-paragraph", replace_text(DOC_TEXT, "::段落[变动]{表=收支总计}", "::段落[未知]{表=收支总计}"), DOC_TEXT,
        "未知的标准段落「未知」", "input", 3, fixture="two-years", hint="可用: 变动、完成预算、结构"),
    Bad("markdown-paragraph-without-table", replace_text(DOC_TEXT, "::段落[变动]{表=收支总计}", "::段落[变动]"), DOC_TEXT,
        "需要指明数据表", "input", 3, fixture="two-years"),
    Bad("markdown-paragraph-unknown-table", replace_text(DOC_TEXT, "::段落[变动]{表=收支总计}", "::段落[变动]{表=收支总记}"), DOC_TEXT,
        "未知的表格「收支总记」", "input", 3, fixture="two-years", hint="是否想写「收支总计」"),
    Bad("markdown-chart-of-unknown-table", replace_text(DOC_TEXT, "::图[收支总计]", "::图[收支总]"), DOC_TEXT, "未知的表格「收支总」",
        "input", 5, fixture="two-years", hint="是否想写「收支总计」"),
    Bad("markdown-chart-of-table-without-chart", replace_text(DOC, "    图: {类型: 柱状图, 列: [上年, 本年]}\n", ""), DOC_TEXT,
        "没有定义 图", "input", 5, fixture="two-years"),
    Bad("markdown-image-outside", write_paragraph("![x](../../../../etc/passwd)"), SECTION, "指向报告文件夹之外", "input", 5),
    Bad("markdown-image-absolute", write_paragraph("![x](/etc/passwd)"), SECTION, "图片「/etc/passwd」指向报告文件夹之外", "input",
        5),
    Bad("markdown-image-remote", write_paragraph("![x](http://example.com/a.png)"), SECTION, "指向项目之外", "input", 5),
    Bad("markdown-image-data-url", write_paragraph("![x](data:image/png;base64,AAAA)"), SECTION, "指向项目之外", "input", 5),
    Bad("markdown-image-missing", write_paragraph("![x](无.png)"), SECTION, "图片「无.png」不存在", "input", 5),
    Bad("markdown-comment-unclosed", write_paragraph("正文 <!-- 内部备注"), SECTION, "HTML 注释「<!--」没有结束", "input", 5),
    Bad("markdown-link-leftover", apply_all(write_file(f"{BUNDLE}/表.xlsx~", "x"), write_paragraph("[表](表.xlsx~)")),
        SECTION, "链接「表.xlsx~」指向的文件不会发布", "input", 5),
    Bad("markdown-link-file-url", write_paragraph("[x](file:///etc/passwd)"), SECTION, "链接「file:///etc/passwd」指向项目之外",
        "input", 5),
    Bad("markdown-link-outside", write_paragraph("[x](../../../../../etc/passwd)"), SECTION, "指向报告文件夹之外", "input", 5),
    Bad("markdown-link-javascript", write_paragraph("[x](javascript:alert(1))"), SECTION, "指向项目之外", "input", 5),
    Bad("markdown-link-javascript-upper-case", write_paragraph("[x](JAVASCRIPT:alert(1))"), SECTION, "指向项目之外", "input",
        5),
    Bad("markdown-link-javascript-encoded", write_paragraph("[x](java%0ascript:alert(1))"), SECTION,
        "链接「java%0Ascript:alert(1)」指向项目之外", "input", 5),
    Bad("markdown-link-javascript-autolink", write_paragraph("<javascript:alert(1)>"), SECTION, "指向项目之外", "input", 5),
    Bad("markdown-link-javascript-reference", write_paragraph("[x][r]\n\n[r]: javascript:alert(1)"), SECTION, "指向项目之外",
        "input", 5),
    Bad("markdown-link-vbscript", write_paragraph("[x](vbscript:msgbox)"), SECTION, "指向项目之外", "input", 5),
    # Front matter of a section: known keys with did-you-mean, every error at its own line of the file
    Bad("front-unknown-key", replace_text(SECTION, "# 概况", "---\n标提: x\n---\n# 概况"), SECTION, "未知的键「标提」", "schema",
        "标提: x", column=1, hint="是否想写「标题」"),
    Bad("front-unknown-key-third-line", replace_text(SECTION, "# 概况", "---\n标题: 概况\n说名: x\n---\n# 概况"), SECTION,
        "未知的键「说名」", "schema", "说名: x", column=1, hint="可用的键: 标题、核对说明"),
    Bad("front-unclosed-bracket", replace_text(SECTION, "# 概况", "---\n标题: [x\n---\n# 概况"), SECTION, "方括号 [ ] 没有闭合",
        "yaml", "[x", column=True),
    Bad("front-unclosed-quote", replace_text(SECTION, "# 概况", '---\n说明: x\n标题: "a\n---\n# 概况'), SECTION, "引号或括号没有闭合",
        "yaml", '"a', column=True),
    Bad("front-colon-in-text", replace_text(SECTION, "# 概况", "---\n说明: x\n标题: a: b\n---\n# 概况"), SECTION,
        "此处不能出现「键: 值」", "yaml", "标题: a: b"),
    Bad("front-duplicate-key", replace_text(SECTION, "# 概况", "---\n标题: a\n标题: b\n---\n# 概况"), SECTION, "键「标题」重复",
        "yaml", "标题: b", column=1),
    Bad("front-tab", replace_text(SECTION, "# 概况", "---\n标题: a\n\t说明: b\n---\n# 概况"), SECTION, "制表符", "yaml",
        "\t说明: b", column=1),
    Bad("front-title-is-list", replace_text(SECTION, "# 概况", "---\n说明: x\n标题: [a, b]\n---\n# 概况"), SECTION, "应为一段文字",
        "schema", "标题: [a, b]", column=1),
    Bad("front-note-is-map", replace_text(SECTION, "# 概况", "---\n核对说明: {a: b}\n---\n# 概况"), SECTION, "应为一段文字",
        "schema", "核对说明: {a: b}", column=1),
    Bad("front-is-list", replace_text(SECTION, "# 概况", "---\n- a\n---\n# 概况"), SECTION, "应为键值映射", "schema", "- a",
        column=1),
    Bad("front-binary-tag", replace_text(SECTION, "# 概况", "---\n标题: !!binary aGVsbG8=\n---\n# 概况"), SECTION,
        "不支持的 YAML 标签", "yaml", "!!binary", column=True),
    # Report schema: required and unknown keys (with did-you-mean), kinds of values, scoring inputs
    Bad("schema-missing-project-name", replace_text(REPORT, "  - 项目名称: 示例项目\n    主管部门", "  - 主管部门"), REPORT,
        "缺少必填项「项目名称」", "schema", "  - 主管部门"),
    Bad("schema-missing-funds", replace_text(REPORT, "    项目资金:\n      年度资金总额: {年初预算数: 200, 全年预算数: 200, 全年执行数: 150}\n"
                                                     "      分值: 10\n", ""), REPORT, "缺少必填项「项目资金」", "schema",
        "  - 项目名称", column=5),
    Bad("schema-missing-title", replace_text(REPORT, "标题: 示例中心2024年度项目支出绩效自评\n", ""), REPORT, "缺少必填项「标题」", "schema", 1),
    Bad("schema-unknown-key", add_to_report("标提: x"), REPORT, "未知的键「标提」", "schema", "标提: x", hint="是否想写「标题」"),
    Bad("schema-unknown-row-key", write_points("30, 分直: 1"), REPORT, "未知的键「分直」", "schema", "分直: 1", column=True,
        hint="可用的键: 三级指标"),
    Bad("schema-unknown-type", replace_text(REPORT, "类型: 项目支出绩效自评表", "类型: 自评报告"), REPORT, "报告类型「自评报告」未定义",
        "schema", "类型: 自评报告"),
    Bad("schema-no-forms", write_file(REPORT, "类型: 项目支出绩效自评表\n标题: 示例\n单位: 示例中心\n年度: 2024\n自评表: []\n"), REPORT,
        "项目支出绩效自评表 需要 自评表", "schema", 1),
    Bad("schema-forms-not-a-list", replace_text(REPORT, "自评表:\n  - 项目名称: 示例项目", "自评表:\n    项目名称: 示例项目"), REPORT,
        "应为列表", "schema", "自评表:"),
    Bad("schema-indicators-a-list", replace_text(REPORT, "    绩效指标:\n      产出指标:", "    绩效指标:\n    - 产出指标:"), REPORT,
        "应为键值映射", "schema", "    绩效指标:"),
    Bad("schema-title-a-list", replace_text(REPORT, "标题: 示例中心2024年度项目支出绩效自评", "标题: [a, b]"), REPORT,
        "应为一段文字，这里是「（列表）」", "schema", "标题: [a, b]"),
    # true/false is not text: every text field refuses it (the title and the cells of data tables alike), numbers stay text
    Bad("schema-title-true", replace_text(REPORT, "标题: 示例中心2024年度项目支出绩效自评", "标题: true"), REPORT,
        "应为一段文字，这里是「true」", "schema", "标题: true", hint="true/false 这样的词可加引号"),
    Bad("schema-extra-column-true", replace_text(SICHUAN, "佐证材料: 办件台账", "佐证材料: true"), SICHUAN,
        "应为一段文字，这里是「true」", "schema", "佐证材料: true", fixture="model"),
    Bad("table-row-name-true", write_share_row("- {名称: true, 金额: 1000.00}"), DOC, "名称: 应为一段文字，这里是「true」", "schema",
        "名称: true", column=True, fixture="two-years"),
    Bad("table-row-note-false", write_share_row("- {名称: 基本支出, 金额: 1000.00, 说明: false}"), DOC, "说明: 应为一段文字，这里是「false」",
        "schema", "说明: false", column=True, fixture="two-years"),
    Bad("table-row-parent-a-list", write_share_row("- {名称: 基本支出, 金额: 1000.00, 上级: [a]}"), DOC, "上级: 应为一段文字，这里是「（列表）」",
        "schema", "上级: [a]", column=True, fixture="two-years"),
    Bad("schema-summary-a-map", add_to_report("摘要: {a: b}"), REPORT, "应为一段文字", "schema", "摘要: {a: b}"),
    Bad("schema-bad-target", replace_text(REPORT, "指标值: ≥100 件", "指标值: ≥ 多 件"), REPORT, "比较符后应为数字", "input",
        "指标值: ≥ 多 件", column=True),
    Bad("schema-bad-operator", replace_text(REPORT, "指标值: ≥100 件", "指标性质: 大约, 指标值: 100, 度量单位: 件"), REPORT,
        "指标性质「大约」无法识别", "input", "指标值: 100", column=True),
    Bad("schema-double-operator", replace_text(REPORT, "指标值: ≥100 件", "指标性质: ≥, 指标值: ≥100 件"), REPORT, "重复写了比较符",
        "input", "指标值: ≥100 件", column=True),
    Bad("schema-unit-mismatch", replace_text(REPORT, "实际完成值: 60 万元", "实际完成值: 60 万条"), REPORT, "单位「万条」与指标值",
        "unit-mismatch", "实际完成值: 60 万条", column=True),
    Bad("schema-words-for-a-number", replace_text(REPORT, "实际完成值: 80 件", "实际完成值: 大约八十"), REPORT, "不是可评分的等级词",
        "unknown-word", "实际完成值: 大约八十", column=True),
    Bad("schema-number-for-words", replace_text(REPORT, "实际完成值: 良", "实际完成值: 12"), REPORT, "应为等级词", "value-kind",
        "实际完成值: 12", column=True),
    Bad("schema-score-on-a-numeric-row", replace_text(REPORT, "实际完成值: 80 件, 分值: 30", "实际完成值: 80 件, 分值: 30, 得分: 30"),
        REPORT, "只有定性指标可以自评得分", "input", "得分: 30", column=True),
    Bad("schema-score-without-reason", write_points("30, 得分: 25"), REPORT, "自评得分需要写明 理由", "input", "得分: 25",
        column=True),
    Bad("schema-missing-executed", replace_text(REPORT, "全年预算数: 200, 全年执行数: 150", "全年预算数: 200"), REPORT,
        "需要 全年预算数 和 全年执行数", "input", "年度资金总额"),
    # Data tables: formulas, computed columns, charts, 原表 and rows — at the table's, row's or key's line
    Bad("table-formula-own-row", replace_text(DOC, "- {名称: 支出总计, 本年: 1750.00}", "- {名称: 支出总计, 公式: 支出总计 - 收入总计}"), DOC,
        "在公式中循环引用了自己", "formula", "公式: 支出总计", column=True, fixture="two-years"),
    Bad("table-formula-unknown-row", replace_text(DOC, "- {名称: 支出总计, 本年: 1750.00}", "- {名称: 支出总计, 公式: 收入总计 - 不存在}"),
        DOC, "公式中的「不存在」既不是本表的列，也不是本表的行", "formula", "公式:", column=True, fixture="two-years",
        hint="名称中含运算符或空格时用「」括起"),
    Bad("table-computed-named-name", replace_text(DOC, "{名称: 增减额, 类型: 差额", "{名称: 名称, 类型: 差额"), DOC,
        "计算列「名称」与已有的列或保留的键", "schema", "  收支总计:", column=3, fixture="two-years"),
    Bad("table-computed-named-as-a-column", replace_text(DOC, "{名称: 增减额, 类型: 差额", "{名称: 本年, 类型: 差额"), DOC,
        "计算列「本年」与已有的列", "schema", "  收支总计:", fixture="two-years"),
    # a computed column or chart naming a missing column: at that 列, with the table's columns to choose from
    Bad("table-computed-unknown-column", replace_text(DOC, "列: [本年, 上年]}", "列: [本年, 前年]}"), DOC, "用到的列「前年」不在本表的 列 中",
        "schema", "列: [本年, 前年]", column=True, fixture="two-years", hint="「上年」？可用: 本年、上年"),
    Bad("table-share-unknown-column", replace_text(DOC, "类型: 占比, 列: [金额]", "类型: 占比, 列: [数额]"), DOC, "计算「占比」用到的列「数额」",
        "schema", "列: [数额]", column=True, fixture="two-years", hint="可用: 金额"),
    Bad("table-chart-unknown-column", replace_text(DOC, "图: {类型: 饼状图, 列: [金额]}", "图: {类型: 饼状图, 列: [数额]}"), DOC,
        "图用到的列「数额」不在本表中", "schema", "列: [数额]}", column=True, fixture="two-years", hint="可用: 金额、占比"),
    Bad("table-chart-unknown-kind", replace_text(DOC, "图: {类型: 饼状图", "图: {类型: 折线图"), DOC, "取值「折线图」无效，应为 「柱状图」「饼状图」",
        "schema", "类型: 折线图", column=True, fixture="two-years"),
    Bad("table-computed-unknown-kind", replace_text(DOC, "类型: 占比, 列: [金额]", "类型: 平均, 列: [金额]"), DOC, "取值「平均」无效",
        "schema", "类型: 平均", column=True, fixture="two-years"),
    Bad("table-computed-wrong-arity", replace_text(DOC, "类型: 占比, 列: [金额]", "类型: 差额, 列: [金额]"), DOC, "需要 2 个列名",
        "schema", "{名称: 占比", column=True, fixture="two-years"),
    Bad("table-column-named-name", replace_text(DOC, "列: [金额]", "列: [名称]"), DOC, "列名「名称」是保留的键", "schema", "  支出结构:",
        fixture="two-years"),
    Bad("table-text-column-reserved", replace_text(DOC, "列: [金额]", "列: [金额]\n    文字列: [上级]"), DOC, "列名「上级」是保留的键",
        "schema", "  支出结构:", fixture="two-years"),
    Bad("table-no-columns", replace_text(DOC, "列: [金额]", "列: []"), DOC, "数据表至少要有一个 列 或 文字列", "schema", "  支出结构:",
        fixture="two-years"),
    Bad("table-no-rows", replace_text(DOC, "    合计: true\n    行:\n", "    合计: true\n    行: []\n    _x:\n"), DOC,
        "这里不能为空", "schema", "行: []", fixture="two-years"),
    Bad("table-tables-a-list", replace_text(DOC, "数据表:\n  收支总计:\n", "数据表:\n- 收支总计:\n"), DOC, "应为键值映射", "schema",
        "数据表:", fixture="two-years"),
    Bad("table-row-stated-a-list", write_share_row("- {名称: 基本支出, 金额: 1000.00, 原表: [1, 2]}"), DOC, "原表 应为「列名: 原文数字」映射",
        "schema", "原表: [1, 2]", column=True, fixture="two-years"),
    Bad("table-row-stated-text", write_share_row("- {名称: 基本支出, 金额: 1000.00, 原表: 一千}"), DOC, "原表 应为「列名: 原文数字」映射",
        "schema", "原表: 一千", column=True, fixture="two-years"),
    Bad("table-row-stated-words", write_share_row("- {名称: 基本支出, 金额: 1000.00, 原表: {金额: 一千}}"), DOC,
        "原表.金额: 应为数字，这里是「一千」", "schema", "原表:", column=True, fixture="two-years"),
    Bad("table-row-is-text", write_share_row("- 基本支出"), DOC, "每一行应为「键: 值」映射", "schema", "- 基本支出", column=9,
        fixture="two-years"),
    Bad("table-row-without-name", write_share_row("- {金额: 1000.00}"), DOC, "且有「名称」", "schema", "{金额: 1000.00}",
        column=True, fixture="two-years"),
    Bad("table-row-unknown-column", write_share_row("- {名称: 基本支出, 金额: 1000.00, 数额: 5}"), DOC, "未知的键「数额」", "schema",
        "数额: 5", column=True, fixture="two-years", hint="可用: 金额"),
    Bad("table-row-words-for-a-number", write_share_row("- {名称: 基本支出, 金额: 一千}"), DOC, "应为数字，这里是「一千」", "schema",
        "金额: 一千", column=True, fixture="two-years"),
    Bad("table-stated-total-words", replace_text(DOC, "    合计: true\n", "    合计: true\n    原表: {金额: 一千}\n"), DOC,
        "应为数字，这里是「一千」", "schema", "金额: 一千", column=True, fixture="two-years"),
    Bad("table-parent-unknown", write_share_row("- {名称: 基本支出, 金额: 1000.00, 上级: 不存在}"), DOC, "上级「不存在」不是本表的行", "input",
        "上级: 不存在", column=True, fixture="two-years"),
    # Previous-year data: a broken report of last year is reported at its own file:line; units must convert
    Bad("previous-year-yaml", replace_text(LAST_YEAR, "本年: 2000.00, 上年", "本年: [2000.00, 上年"), LAST_YEAR,
        "方括号 [ ] 没有闭合", "yaml", "[2000.00", column=45, fixture="two-years"),
    Bad("previous-year-schema", replace_text(LAST_YEAR, "本年: 2000.00", "本年: 两千"), LAST_YEAR, "应为数字，这里是「两千」", "schema",
        "本年: 两千", column=True, fixture="two-years"),
    Bad("previous-year-unreadable", deny_reading(LAST_YEAR), LAST_YEAR, "无法读取文件", "input", fixture="two-years"),
    Bad("previous-year-not-utf8", write_file(LAST_YEAR, "类型: 部门决算说明\n标题: 示例".encode("gbk")), LAST_YEAR,
        "文件不是 UTF-8 编码", "input", 1, column=1, fixture="two-years"),
    Bad("previous-year-unit", replace_text(LAST_YEAR, "标题: 收、支决算总计变动情况", "标题: 收、支决算总计变动情况\n    单位: 件"), DOC,
        "其单位「件」与本表的「万元」无法换算", "input", "标题: 收、支决算总计变动情况", column=5, fixture="two-years"),
    Bad("previous-year-unit-stated", apply_all(
        replace_text(LAST_YEAR, "标题: 收、支决算总计变动情况", "标题: 收、支决算总计变动情况\n    单位: 万条"),
        replace_text(DOC, "标题: 收、支决算总计变动情况", "标题: 收、支决算总计变动情况\n    单位: 万元")), DOC,
        "无法换算", "input", "    单位: 万元", column=5, fixture="two-years"),
    # Attachments: references resolved in the site model, at the reference's line
    Bad("reference-self", replace_text(DOC, "年度: 2023\n", "年度: 2023\n附件: [{标题: 自己, 报告: 2023/juesuan}]\n"), DOC,
        "附件不能是本报告自己", "reference", "报告:", column=True, fixture="two-years"),
    Bad("reference-unknown", replace_text(DOC, "年度: 2023\n", "年度: 2023\n附件: [{标题: 别的, 报告: 2022/juesuna}]\n"), DOC,
        "附件「2022/juesuna」不是本站的报告", "reference", "报告:", column=True, fixture="two-years", hint="是否想写「2022/juesuan」"),
    Bad("reference-a-path", replace_text(DOC, "年度: 2023\n", "年度: 2023\n附件: [{标题: 别的, 报告: ../../etc}]\n"), DOC,
        "的写法不符合要求", "schema", "报告:", column=True, fixture="two-years"),
    Bad("reference-circular", apply_all(
        replace_text(DOC, "年度: 2023\n", "年度: 2023\n附件: [{标题: 去年, 报告: 2022/juesuan}]\n"),
        replace_text(LAST_YEAR, "年度: 2022\n", "年度: 2022\n附件: [{标题: 今年, 报告: 2023/juesuan}]\n")), LAST_YEAR,
        "循环引用", "reference", "报告:", column=True, fixture="two-years"),
    # site.yaml: theme a folder name, sane grade bands, a base_url that is a path, known keys
    Bad("site-theme-absolute", add_to_site("主题: /etc"), SITE, "主题: 「/etc」的写法不符合要求", "schema", "主题: /etc"),
    Bad("site-theme-up", add_to_site("主题: ../../.."), SITE, "「../../..」的写法不符合要求", "schema", "主题: ../"),
    Bad("site-theme-unknown", add_to_site("主题: 无此主题"), SITE, "找不到主题「无此主题」", "input", "主题: 无此主题", hint="可用: gongwen"),
    Bad("site-theme-empty", add_to_site("主题: ''"), SITE, "的写法不符合要求", "schema", "主题:"),
    Bad("site-theme-list", add_to_site("主题: [a]"), SITE, "应为一段文字", "schema", "主题: [a]"),
    Bad("site-grade-above-100", add_to_site("评分规则:\n  等次: [{下限: 200, 等次: 优}, {下限: 0, 等次: 差}]"), SITE,
        "应不大于 100，这里是「200」", "schema", "下限: 200", column=True),
    Bad("site-grade-101", add_to_site("评分规则:\n  等次: [{下限: 101, 等次: 优}, {下限: 0, 等次: 差}]"), SITE, "应不大于 100", "schema",
        "下限: 101", column=True),
    Bad("site-grade-negative", add_to_site("评分规则:\n  等次: [{下限: 90, 等次: 优}, {下限: -1, 等次: 差}]"), SITE, "应不小于 0",
        "schema", "下限: -1", column=True),
    Bad("site-grade-repeated", add_to_site("评分规则:\n  等次: [{下限: 90, 等次: 优}, {下限: 90, 等次: 良}, {下限: 0, 等次: 差}]"), SITE,
        "下限 有重复", "schema", "  等次:", column=3),
    Bad("site-grade-no-zero", add_to_site("评分规则:\n  等次: [{下限: 100, 等次: 优}]"), SITE, "必须有一个 下限: 0 的等次", "schema",
        "  等次:", column=3),
    Bad("site-grade-empty-name", add_to_site("评分规则:\n  等次: [{下限: 0, 等次: ''}]"), SITE, "这里不能为空", "schema", "等次: ''}",
        column=True),
    Bad("site-grade-words", add_to_site("评分规则:\n  小数位: 九"), SITE, "应为数字", "schema", "小数位: 九"),
    Bad("site-places-too-many", add_to_site("评分规则:\n  小数位: 99"), SITE, "应不大于 6", "schema", "小数位: 99"),
    Bad("site-qualitative-words", add_to_site("评分规则:\n  定性等级: {较好: 很好}"), SITE, "应为数字，这里是「很好」", "schema", "较好: 很好",
        column=True),
    Bad("site-base-url-relative", add_to_site("base_url: gjj/"), SITE, "base_url 应以 / 开头", "schema", "base_url: gjj/"),
    Bad("site-base-url-javascript", add_to_site("base_url: 'javascript:alert(1)'"), SITE, "base_url 应以 / 开头", "schema",
        "base_url:"),
    Bad("site-base-url-markup", add_to_site("base_url: '/\"><script>alert(1)</script>/'"), SITE, "base_url 只能含字母、数字",
        "schema", "base_url:"),
    Bad("site-base-url-other-host", add_to_site("base_url: //evil.example/"), SITE, "base_url 只能含字母、数字", "schema",
        "base_url:"),
    Bad("site-base-url-up", add_to_site("base_url: /a/../b/"), SITE, "base_url 只能含字母、数字", "schema", "base_url:"),
    Bad("site-base-url-space", add_to_site("base_url: /a b/"), SITE, "base_url 只能含字母、数字", "schema", "base_url:"),
    Bad("site-url-javascript", add_to_site("站点网址: 'javascript:alert(1)'"), SITE, "的写法不符合要求", "schema", "站点网址:"),
    Bad("site-url-markup", add_to_site("站点网址: 'https://x/\"><script>'"), SITE, "的写法不符合要求", "schema", "站点网址:"),
    Bad("site-unknown-key", add_to_site("主提: x"), SITE, "未知的键「主提」", "schema", "主提: x", hint="是否想写「主题」"),
    Bad("site-missing-title", replace_text(SITE, "站点名称: 测试站点\n", "base_url: /\n"), SITE, "缺少必填项「站点名称」", "schema", 1),
    Bad("site-missing", remove_file(SITE), SITE, "找不到站点配置 site.yaml", "input"),
    Bad("site-pdf-variant", add_to_site("PDF:\n  pdf_variant: pdf/z"), SITE, "pdf_variant「pdf/z」无效", "schema",
        "pdf_variant: pdf/z"),
    # a site's own report type: what it requires must be a part, or a key of the 自评表, that jixiao knows
    Bad("site-type-requires-unknown-part", add_to_site("报告类型:\n  我的表:\n    基于: 项目支出绩效自评表\n    必填: [自平表]"),
        SITE, "报告类型.我的表.必填[0]: 「自平表」不是报告中可以要求的部分", "schema", "自平表", column=True, hint="是否想写「自评表」"),
    Bad("site-type-form-requires-unknown-key",
        add_to_site("报告类型:\n  我的表:\n    基于: 项目支出绩效自评表\n    表单必填: [主管部门, 项目编号]"), SITE,
        "报告类型.我的表.表单必填[1]: 「项目编号」不是自评表中可以要求填写的键", "schema", "项目编号", column=True, hint="是否想写「项目编码」"),
    Bad("site-pdf-size", add_to_site("PDF:\n  正文字号: 16"), SITE, "应为一段文字", "schema", "正文字号: 16"),
    Bad("site-pdf-size-unit", add_to_site("PDF:\n  正文字号: 16em"), SITE, "「16em」的写法不符合要求", "schema", "正文字号: 16em"),
    # Glossary (名词解释): the theme's or site's data/名词解释.yaml must be a mapping of texts; terms must exist
    Bad("glossary-a-list", write_file(GLOSSARY, "- 基本支出\n- 项目支出\n"), GLOSSARY, "名词解释.yaml 应为「名词: 解释」的映射", "schema", 1,
        column=1, fixture="two-years"),
    Bad("glossary-a-list-read-by-two-reports", apply_all(write_file(GLOSSARY, "- 基本支出\n"),
                                                         copy_folder("content/2023/juesuan", "content/2023/juesuan-b")),
        GLOSSARY, "名词解释.yaml 应为「名词: 解释」的映射", "schema", 1, column=1, fixture="two-years"),
    Bad("glossary-explanation-a-list", write_file(GLOSSARY, "基本支出: 指…\n项目支出: [a, b]\n"), GLOSSARY, "每个解释是一段文字",
        "schema", 1, fixture="two-years"),
    Bad("glossary-yaml", write_file(GLOSSARY, "基本支出: [指\n"), GLOSSARY, "方括号 [ ] 没有闭合", "yaml", 1, column=7,
        fixture="two-years"),
    Bad("glossary-not-utf8", write_file(GLOSSARY, "基本支出: 指".encode("gbk")), GLOSSARY, "文件不是 UTF-8 编码", "input", 1,
        column=1, fixture="two-years"),
    Bad("glossary-unknown-term", replace_text(DOC, "名词解释: [基本支出, 项目支出]", "名词解释: [基本指出]"), DOC, "名词解释中没有「基本指出」",
        "input", "名词解释:", fixture="two-years", hint="是否想写「基本支出」"),
    Bad("glossary-selection-text", replace_text(DOC, "名词解释: [基本支出, 项目支出]", "名词解释: 基本支出"), DOC, "应为列表", "schema",
        "名词解释:", fixture="two-years"),
]


def corpus_params(cases: list) -> list:
    """Cases as pytest parameters, named by their id."""
    return [pytest.param(case, id=case.id) for case in cases]


# --- what every case must show -------------------------------------------------------------------------

_QUOTED_RE = re.compile(r"「[^」]*」")  # the author's own text, quoted
_ENGLISH_RE = re.compile(r"[A-Za-z]{2,}\s+[A-Za-z]{2,}|(?<![A-Za-z])(?:or|and|is|not|should|expected|got|the|None|True"
                         r"|False|undefined|unexpected|object|Error)(?![A-Za-z])")
_PYTHON_RE = re.compile(r"Traceback|jixiao\.\w|object at 0x|<class |Decimal\('|\w+Error\b|\w+View\(")


def copy_fixture(name: str, tmp_path: Path) -> Path:
    target = tmp_path / "proj"
    shutil.copytree(FIXTURES / name, target)
    return target


def run_command(command: str, project: Path) -> tuple[int, str]:
    """`build` (its errors on stderr) or `check` in-process; a traceback would raise out of here."""
    args = [command, str(project), *(["--no-pdf", "--no-search"] if command == "build" else [])]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    return result.exit_code, result.stderr if command == "build" else result.output


def find_error(output: str, case: Bad) -> list[str]:
    """The error whose head line holds the case's message and `[rule]` (in its file, when there are several), with
    the lines that follow it (the source line, the 提示)."""
    lines = output.splitlines()
    heads = [i for i, line in enumerate(lines)
             if ": error: " in line and line.endswith(f"[{case.rule}]") and case.message in line]
    assert heads, f"no error [{case.rule}] with {case.message!r} in:\n{output}"
    index = next((i for i in heads if lines[i].startswith((f"{case.file}:", f"{case.file}: "))), heads[0])
    end = next((i for i in range(index + 1, len(lines)) if ": error: " in lines[i] or lines[i].startswith("构建失败")),
               len(lines))
    return lines[index:end]


def place_of(project: Path, case: Bad) -> tuple[int, int | None]:
    """The line (and column) the case's anchor stands at."""
    given = case.column if type(case.column) is int else None
    if isinstance(case.anchor, int):
        return case.anchor, given
    for number, line in enumerate((project / case.file).read_text(encoding="utf-8").split("\n"), start=1):
        if case.anchor in line:
            return number, line.index(case.anchor) + 1 if case.column is True else given
    raise AssertionError(f"{case.anchor!r} not in {case.file}")


def check_place(head: str, project: Path, case: Bad) -> None:
    where = head.split(": error: ")[0]
    if case.anchor is None:
        assert where == case.file, head
        return
    line, column = place_of(project, case)
    if column is None:
        assert where == f"{case.file}:{line}" or where.startswith(f"{case.file}:{line}:"), (head, line)
    else:
        assert where == f"{case.file}:{line}:{column}", (head, line, column)


def check_plain_words(head: str, output: str) -> None:
    """The message speaks the author's language: no English library text, no Python names."""
    message = head.split(": error: ", 1)[1].rsplit(" [", 1)[0]
    assert not _ENGLISH_RE.search(_QUOTED_RE.sub("「」", message)), head
    assert not _PYTHON_RE.search(output), output


def check_hint(block: list[str], wanted: str) -> None:
    hints = [line for line in block[1:] if line.startswith("  提示: ") and len(line) > len("  提示: ")]
    assert hints and wanted in hints[0], "\n".join(block)


def digest_sources(project: Path) -> dict[str, dict[str, str]]:
    """What the author wrote: content/, layouts/ and themes/."""
    return {folder: tree_digest(project / folder) for folder in ("content", "layouts", "themes")}


def check_no_debris(project: Path) -> None:
    assert not (project / "site").exists()
    assert sorted(p.name for p in project.glob(".site.*")) == []


@pytest.mark.parametrize("case", corpus_params(CORPUS))
def test_bad_input(case: Bad, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    project = copy_fixture(case.fixture, tmp_path)
    case.change(project, monkeypatch)
    before = digest_sources(project)
    for command in ("build", "check"):
        code, output = run_command(command, project)
        assert code == 1, (command, output)
        block = find_error(output, case)
        assert output.splitlines().count(block[0]) == 1, output  # one error, not one per report that reads it
        assert "root:x:0:0" not in output  # no line of a file outside the project (a symlink to /etc/passwd)
        check_place(block[0], project, case)
        check_plain_words(block[0], output)
        if command == "build":  # check prints one line per finding (its hints: see below)
            check_hint(block, case.hint)
            assert output.rstrip().endswith("未写入任何输出。"), output
    assert digest_sources(project) == before
    check_no_debris(project)


def test_corpus_covers_every_category():
    categories = Counter(case.id.split("-")[0] for case in CORPUS)
    assert len(CORPUS) >= 200 and len({case.id for case in CORPUS}) == len(CORPUS)
    assert set(categories) >= {"yaml", "char", "number", "date", "folder", "file", "layout", "expr", "markdown",
                               "front", "schema", "table", "previous", "reference", "site", "glossary"}, categories


def test_check_prints_the_hint_of_an_error(project):
    write_expression("{{ 总份 }}")(project, pytest.MonkeyPatch())
    code, output = run_command("check", project)
    assert code == 1 and "提示: 是否想写「总分」" in output


def test_a_formula_that_several_cells_depend_on_fails_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """乙's formula names a missing row; 丙 is computed from 乙, so both cells fail at 乙's formula: one error."""
    project = copy_fixture("two-years", tmp_path)
    replace_text(DOC, "  支出结构:\n", "  测试:\n    标题: 测试\n    列: [金额]\n    显示: false\n    行:\n"
                 "      - {名称: 甲, 金额: 10}\n      - {名称: 乙, 公式: 甲 + 收支总计.不存在.本年}\n"
                 "      - {名称: 丙, 公式: 乙 × 2}\n  支出结构:\n")(project, monkeypatch)
    for command in ("build", "check"):
        code, output = run_command(command, project)
        errors = [line for line in output.splitlines() if ": error: " in line]
        assert code == 1 and len(errors) == 1, output
        assert errors[0].startswith(f"{DOC}:23:17: error: 数据表.测试.乙.金额: 表「收支总计」没有行「不存在」"), errors


def test_every_error_of_a_markdown_file_is_reported(project):
    write_paragraph("{{ 执行律 }}\n\n{% set x = 1 %}\n\n::表格[收支表]\n\n{{ 1 // 0 }}")(
        project, pytest.MonkeyPatch())
    code, output = run_command("build", project)
    assert code == 1
    found = [line.split(": error: ")[0] for line in output.splitlines() if ": error: " in line]
    assert found == [f"{SECTION}:{n}" for n in (5, 7, 9, 11)], output
    assert "4 个错误" in output


def test_an_expression_cannot_change_a_published_figure(project):
    """`update()` is refused, and the figure published before stays as it was (the failed build writes nothing)."""
    assert run_command("build", project)[0] == 0
    write_expression('{{ 自评表[0].update({"总分": "100.00"}) or "" }}')(project, pytest.MonkeyPatch())
    assert run_command("build", project)[0] == 1
    assert run_command("check", project)[0] == 1
    data = json.loads((project / "site/2024/demo/data.json").read_text(encoding="utf-8"))
    assert data["报告"]["自评表"][0]["总分"] == "79.50"


IN_A_PROCESS = ("file-fifo-section", "yaml-alias-bomb", "expr-2000-parentheses", "char-nul")


@pytest.mark.parametrize("case", [c for c in CORPUS if c.id in IN_A_PROCESS], ids=lambda c: c.id)
def test_bad_input_in_a_real_process(case: Bad, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The console entry point, as a user runs it: the same message, and never a traceback at the top level."""
    project = copy_fixture(case.fixture, tmp_path)
    case.change(project, monkeypatch)
    result = run_jixiao("build", project, "--no-pdf")
    assert result.returncode == 1 and case.message in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


# --- output folders that must be refused ----------------------------------------------------------------

@dataclass(frozen=True)
class Out:
    """An --out folder (relative to the project, where the command runs) that must be refused, untouched."""

    id: str
    out: str
    message: str
    change: Change = lambda project, monkeypatch: None  # nothing but the --out


OUTPUTS = [
    Out("out-content", "content", "它是项目的 content/ 或在其中"),
    Out("out-project", ".", "它就是项目文件夹或包含整个项目"),
    Out("out-parent", "..", "包含整个项目"),
    Out("out-root", "/", "包含整个项目"),
    Out("out-inside-a-bundle", "content/2024/demo/out", "它是项目的 content/ 或在其中"),
    Out("out-site-yaml", "content/site.yaml", "它是项目的 content/"),
    Out("out-layouts", "layouts", "它是项目的 layouts/"),
    Out("out-inside-layouts", "layouts/site", "它是项目的 layouts/"),
    Out("out-themes", "themes", "它是项目的 themes/"),
    Out("out-cache", ".jixiao-cache", "它是项目的 .jixiao-cache/"),
    Out("out-git", ".git/site", "它是项目的 .git/"),
    Out("out-link-to-content", "linked", "它是项目的 content/", link_file("linked", "content")),
    Out("out-link-to-project", "here", "它就是项目文件夹", link_file("here", ".")),
    Out("out-folder-not-made-by-jixiao", "mine", "不是 jixiao 生成的站点", write_file("mine/论文.docx", b"thesis")),
    Out("out-default-not-made-by-jixiao", "site", "不是 jixiao 生成的站点", write_file("site/index.html", "<p>手写的首页</p>")),
    Out("out-a-file", "notes.txt", "这是一个文件", write_file("notes.txt", "笔记")),
    Out("out-under-a-file", "notes.txt/site", "无法写入输出目录（已存在同名文件）", write_file("notes.txt", "笔记")),
    Out("out-under-proc", "/proc/jixiao/site", "无法写入输出目录（"),
]


@pytest.mark.parametrize("case", corpus_params(OUTPUTS))
def test_output_folder_refused(case: Out, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    project = copy_fixture("minimal", tmp_path)
    case.change(project, monkeypatch)
    before = tree_digest(tmp_path)
    monkeypatch.chdir(project)
    result = CliRunner().invoke(main, ["build", ".", "--no-pdf", "--out", case.out], catch_exceptions=False)
    assert result.exit_code == 1, result.output
    lines = result.stderr.splitlines()
    where, _, message = lines[0].partition(": error: ")
    assert os.path.abspath(where) == os.path.abspath(case.out) and case.message in message, result.stderr
    assert lines[1].startswith("  提示: "), result.stderr
    check_plain_words(lines[0], result.stderr)
    assert tree_digest(tmp_path) == before
    assert sorted(p.name for p in tmp_path.rglob(".*.tmp-*")) == []


# --- inputs that look dangerous but are right: they must build, with the right figures ----------------------

def garble_manifest(edit: Callable[[dict], object]) -> Change:
    """Build once, then damage the cache manifest the build left (`edit` changes its JSON, or returns new bytes)."""
    def change(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        assert run_command("build", project)[0] == 0
        (manifest,) = (project / ".jixiao-cache").glob("*.json")
        data = json.loads(manifest.read_text(encoding="utf-8"))
        result = edit(data)
        manifest.write_bytes(result if isinstance(result, bytes) else json.dumps(data).encode())
    return change


def prepend_bom(name: str) -> Change:
    """A UTF-8 byte-order mark, as Windows Notepad writes it."""
    def change(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        (project / name).write_bytes(b"\xef\xbb\xbf" + (project / name).read_bytes())
    return change


def demo_entry(data: dict) -> dict:
    return data["reports"]["2024/demo"]


@dataclass(frozen=True)
class Good:
    """An input that must build: `expected` is found in the built `page` (relative to site/)."""

    id: str
    change: Change
    page: str
    expected: str
    fixture: str = "minimal"


PAGE = "2024/demo/index.html"
ACCEPTED = [
    Good("yaml-merge-override", replace_text(REPORT, "      年度资金总额: {年初预算数: 200, 全年预算数: 200, 全年执行数: 150}",
                                             "      年度资金总额:\n        <<: {年初预算数: 200, 全年预算数: 200, 全年执行数: 100}\n"
                                             "        全年执行数: 150"), PAGE, "预算执行率为 75.00%"),
    Good("yaml-merge-anchor-override", replace_text(REPORT, "      年度资金总额: {年初预算数: 200, 全年预算数: 200, 全年执行数: 150}",
                                                    "      年度资金总额: {<<: &b {年初预算数: 200, 全年预算数: 200, 全年执行数: 1}, "
                                                    "全年执行数: 160}"), PAGE, "预算执行率为 80.00%"),
    Good("yaml-merge-list", replace_text(REPORT, "      年度资金总额: {年初预算数: 200, 全年预算数: 200, 全年执行数: 150}",
                                         "      年度资金总额: {<<: [{全年执行数: 170}, {年初预算数: 200, 全年预算数: 200}]}"),
         PAGE, "预算执行率为 85.00%"),
    Good("yaml-bom", prepend_bom(REPORT), PAGE, "示例中心"),
    Good("yaml-bom-in-section", prepend_bom(SECTION), PAGE, "预算执行率为 75.00%"),
    Good("yaml-1-2-words-are-text", add_to_report("摘要: yes"), "index.html", '<p class="summary">yes</p>'),
    Good("yaml-base-60-is-text", add_to_report("摘要: 1:35"), "index.html", '<p class="summary">1:35</p>'),
    Good("yaml-explicit-text-tag", write_unit("!!str 示例中心"), PAGE, "示例中心"),
    Good("expr-heading", replace_text(SECTION, "# 概况", "# {{ 单位 }}概况"), PAGE, "示例中心概况"),
    Good("markdown-title-escaped-once", replace_text(SECTION, "# 概况", "# 收入 & 支出"), PAGE, ">收入 &amp; 支出</"),
    Good("expr-join-a-list", write_expression('{{ 自评表 | map(attribute="项目名称") | join("、") }}'), PAGE, "总分 示例项目 分"),
    Good("expr-thousands-format", write_expression('{{ "{:,}".format(1234567) }}'), PAGE, "总分 1,234,567 分"),
    Good("file-svg-plain-drawing", write_file(f"{BUNDLE}/图.svg", '<svg xmlns="http://www.w3.org/2000/svg"><style>rect '
                                                                 '{ fill: url(#g) }</style><rect id="g"/></svg>'),
         "2024/demo/图.svg", "url(#g)"),
    Good("markdown-comment-dropped", write_paragraph("正文<!-- 内部备注 -->续完。"), PAGE, "<p>正文续完。</p>"),
    Good("file-symlink-inside-bundle", apply_all(write_file(f"{BUNDLE}/图.png", b"\x89PNG"),
                                                 link_file(f"{BUNDLE}/图1.png", "图.png")), "2024/demo/图1.png", "PNG"),
    Good("folder-hidden-draft", copy_folder(BUNDLE, "content/.draft/demo"), "index.html", "2024/demo/index.html"),
    Good("table-pie-all-zero", replace_text(DOC, "金额: 1000.00}\n      - {名称: 项目支出, 金额: 500.00}\n"
                                                 "      - {名称: 其他支出, 金额: 250.00}",
                                            "金额: 0}\n      - {名称: 项目支出, 金额: 0}\n      - {名称: 其他支出, 金额: 0}"),
         "2023/juesuan/index.html", "各项均为 0，不绘制饼状图", "two-years"),
    Good("table-dollar-in-a-row-name", write_share_row("- {名称: US$5与US$6, 金额: 1000.00}"), "2023/juesuan/index.html",
        "US$5与US$6 1000.00万元", "two-years"),
    Good("previous-year-unit-converts", apply_all(
        replace_text(LAST_YEAR, "标题: 收、支决算总计变动情况", "标题: 收、支决算总计变动情况\n    单位: 元"),
        replace_text(LAST_YEAR, "本年: 2000.00, 上年: 1900.00", "本年: 20000000, 上年: 19000000")),
         "2023/juesuan/index.html", "2000.00", "two-years"),
    Good("cache-not-json", garble_manifest(lambda data: b"{garbage"), PAGE, "预算执行率为 75.00%"),
    Good("cache-empty", garble_manifest(lambda data: b""), PAGE, "预算执行率为 75.00%"),
    Good("cache-binary", garble_manifest(lambda data: bytes(range(256))), PAGE, "预算执行率为 75.00%"),
    Good("cache-a-list", garble_manifest(lambda data: b"[]"), PAGE, "预算执行率为 75.00%"),
    Good("cache-reports-a-list", garble_manifest(lambda data: data.update(reports=[])), PAGE, "预算执行率为 75.00%"),
    Good("cache-report-a-list", garble_manifest(lambda data: data["reports"].update({"2024/demo": []})), PAGE,
        "预算执行率为 75.00%"),
    Good("cache-report-missing-keys",
        garble_manifest(lambda data: [demo_entry(data).pop(k) for k in ("files", "findings")]), PAGE, "预算执行率为 75.00%"),
    Good("cache-summary-missing-keys", garble_manifest(lambda data: demo_entry(data).update(summary={})), PAGE,
        "预算执行率为 75.00%"),
    Good("cache-findings-garbled", garble_manifest(lambda data: demo_entry(data).update(findings=[{"x": 1}])), PAGE,
        "预算执行率为 75.00%"),
    Good("cache-files-a-number", garble_manifest(lambda data: demo_entry(data).update(files=5)), PAGE, "预算执行率为 75.00%"),
    Good("cache-templates-numbers", garble_manifest(lambda data: demo_entry(data).update(templates=[1])), PAGE,
        "预算执行率为 75.00%"),
    Good("cache-entry-empty", garble_manifest(lambda data: demo_entry(data).update(entry=None)), PAGE, "预算执行率为 75.00%"),
]


@pytest.mark.parametrize("case", corpus_params(ACCEPTED))
def test_accepted_input(case: Good, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    project = copy_fixture(case.fixture, tmp_path)
    case.change(project, monkeypatch)
    code, output = run_command("build", project)
    assert code == 0, output
    page = (project / "site" / case.page).read_bytes().decode("utf-8", "replace")
    assert case.expected in page


def test_a_table_name_never_reaches_the_page_as_markup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A 数据表's YAML key once became the chart's SVG id unescaped (stored XSS): ids come from the table's number."""
    project = copy_fixture("two-years", tmp_path)
    apply_all(replace_text(DOC, "  支出结构:", "  '\"><img src=x onerror=alert(1)>':"),
              replace_text(DOC_TEXT, "支出结构见{{ 表号.支出结构 }}和{{ 图号.支出结构 }}。", "支出结构见下表。"))(
        project, monkeypatch)
    code, output = run_command("build", project)
    assert code == 0, output
    page = (project / "site/2023/juesuan/index.html").read_text(encoding="utf-8")
    assert 'id="t2-chart-data-0"' in page  # the pie of 表2, named by number
    assert "onerror" not in page


@pytest.mark.parametrize("args, expected", [
    (["new", "report", "--unit", "某中心"], "用法错误: 缺少 --year\n  提示: 运行 jixiao new report --help 查看用法。"),
    (["biuld"], "用法错误: 没有命令「biuld」；是否想写「build」？"),
    (["new", "rport"], "用法错误: 没有命令「rport」；是否想写「report」？"),
    (["build", "--outt", "x"], "用法错误: 没有选项 --outt；是否想写 --out？"),
])
def test_a_mistyped_command_line_is_explained_in_chinese(args, expected):
    result = CliRunner().invoke(main, args, prog_name="jixiao")
    assert result.exit_code == 2  # a usage error, as click and argparse exit; input errors exit 1
    assert expected in result.stderr and "Error:" not in result.stderr, result.stderr
