"""Stage: the audit (`jixiao check`), `build --strict`, and incremental builds."""

import json
import re
from pathlib import Path

from click.testing import CliRunner
from conftest import REPO, copy_demo, without_explanations

from jixiao.cli import main

LIUAN = REPO / "content/2023/liuan-zipingbiao/report.yaml"
LUZHOU = REPO / "content/2023/luzhou-xiangmu-zipingbiao/report.yaml"
JUESUAN = REPO / "content/2023/luzhou-juesuan/report.yaml"
ZHENGTI_TEXT = REPO / "content/2023/luzhou-zhengti/02-部门资金收支情况.md"
HUAIHUA = REPO / "content/2020/huaihua-zhuanxiangzijin/report.yaml"
HUAIHUA_ADVICE = REPO / "content/2020/huaihua-zhuanxiangzijin/04-综合评价及建议.md"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def line_of(path: Path, needle: str) -> int:
    """The line where `needle` starts (a trailing newline in the needle means: the whole line)."""
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if (line == needle[:-1]) if needle.endswith("\n") else (needle in line):
            return n
    raise AssertionError(needle)


def line_after(path: Path, first: str, needle: str) -> int:
    """The line of the first `needle` after the line where `first` stands (a table's 原表 below its 标题)."""
    start = line_of(path, first)
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines[start:], start + 1) if needle in line)


def test_check_lists_each_seed_slip_at_its_line():
    result = run("check", REPO)
    assert result.exit_code == 0  # every slip is acknowledged in the data, so only notes
    lines = result.output.splitlines()
    expected = [
        # 六安 表1: 完成值 printed as 115.54 万元 against ≥216 万条
        (LIUAN, line_of(LIUAN, "原表: {得分: 2.14, 实际完成值: 115.54 万元}"), "unit-mismatch"),
        # 六安 表2: 年度资金总额 80.83 with 当年财政拨款 empty
        (LIUAN, line_of(LIUAN, "        - {名称: 当年财政拨款}\n"), "parts-sum"),
        # 六安 表2: the 2023 form's 实际完成情况 opens with "2022 年"
        (LIUAN, line_of(LIUAN, "实际完成情况: 2022 年"), "year-mismatch"),
        # 泸州 信息系统运行维护: 8.91 printed, 89.18 % × 10 = 8.918 → 8.92
        (LUZHOU, line_of(LUZHOU, "原表: {执行率: 89.18%, 得分: 8.91}"), "stated-differs"),
        # … and its 总分 96.91 vs 96.92, in the table and in the 评价结论 text
        (LUZHOU, line_of(LUZHOU, "原表: {总分: 96.91}"), "stated-differs"),
        (LUZHOU, line_of(LUZHOU, "评价结论: 该项目自评总分为96.91分"), "narrative-number"),
        # 泸州 决算说明: 社会保障和就业支出 145.23, its three 项 add up to 145.24
        (JUESUAN, line_of(JUESUAN, "- {名称: 社会保障和就业支出, 决算数: 145.23"), "parts-sum"),
        # 泸州 附件1: "全年收入合计2607.82元" where 万元 is meant
        (ZHENGTI_TEXT, line_of(ZHENGTI_TEXT, "原文此处写作“全年收入合计2607.82元”"), "money-unit"),
        # 怀化: 34.01 ÷ 31.82 = 106.88 % printed 106.89 %; 1.97 ÷ 1.9 = 103.68 % printed 103.69 %
        (HUAIHUA, line_of(HUAIHUA, "- {名称: 缴存额, 计划: 31.82"), "stated-differs"),
        (HUAIHUA, line_of(HUAIHUA, "- {名称: 增值收益, 计划: 1.9"), "stated-differs"),
        # 怀化: 增值收益 36532.30 − 16849.47 = 19682.83, printed 19682.84
        (HUAIHUA, line_of(HUAIHUA, "- {名称: 增值收益, 公式: 业务收入 - 业务支出"), "stated-differs"),
        # 怀化 项目基本性质: "（网厅托管+驻场人员+系统优化及数据接口）*40万=119万元" (3 × 40 = 120) and
        # "1836136*0.27=495756" (= 495756.72)
        (HUAIHUA, line_of(HUAIHUA, "- {名称: 总额, 公式: 每项金额 × 项数"), "stated-differs"),
        (HUAIHUA, line_of(HUAIHUA, "- {名称: 加工费, 公式: 页数 × 单价"), "stated-differs"),
        # 怀化 社会影响: 缴存单位 shares add up to 99.99 (73.33 + 8.67 + 0.52 + 0.29 + 9.12 + 6.8 + 1.26)
        (HUAIHUA, line_of(HUAIHUA, "原表: {缴存单位: 100"), "stated-differs"),
        # … 非住房消费提取 22.98 against its four parts 18.4 + 3.74 + 0.01 + 0.82 = 22.97
        (HUAIHUA, line_of(HUAIHUA, "- {名称: 非住房消费提取, 占比: 22.98"), "parts-sum"),
        # … 职工贷款笔数 by floor area 10.15 + 77.51 + 12.35 = 100.01 and by applicants 36.89 + 62.95 + 0.17 = 100.01
        (HUAIHUA, line_after(HUAIHUA, "标题: 职工贷款笔数按购房建筑面积分布", "原表:"), "stated-differs"),
        (HUAIHUA, line_after(HUAIHUA, "标题: 职工贷款笔数按共同申请缴存职工人数分布", "原表:"), "stated-differs"),
        # 怀化 建议: "3155个*130元/年" is a unit price in 元, not a slip; the money-unit rule asks, the section answers
        (HUAIHUA_ADVICE, line_of(HUAIHUA_ADVICE, "③CA维护费服务"), "money-unit"),
    ]
    for path, line, rule in expected:
        prefix = f"{path.relative_to(REPO)}:{line}:"
        assert any(ln.startswith(prefix) and ln.endswith(f"[{rule}]") and ": note: " in ln for ln in lines), (
            prefix,
            rule,
        )
    assert lines[-1] == f"错误 0，警告 0，说明 {len(lines) - 1}"
    assert ": warning: " not in result.output and ": error: " not in result.output
    assert lines[:-1] == sorted(lines[:-1], key=lambda ln: (ln.split(":")[0], int(ln.split(":")[1])))


def test_unacknowledged_slips_are_warnings_and_fail_strict(tmp_path):
    import shutil

    project = tmp_path / "repo"
    shutil.copytree(REPO / "content", project / "content")
    report = project / "content/2023/liuan-zipingbiao/report.yaml"
    report.write_text(  # every 核对说明 out: the block ones with their keys (`规则 「原文」: 原因`), the inline one
        "\n".join(
            ln
            for ln in report.read_text(encoding="utf-8").splitlines()
            if not ln.strip().startswith("核对说明:") and not re.match(r"\s+[a-z-]+ 「", ln)
        ).replace(", 核对说明: {deviation-missing 「业务技能大赛按时举办」: 原表未填写偏差原因。}", ""),
        encoding="utf-8",
    )
    result = run("check", project)
    assert result.exit_code == 0
    warnings = [ln for ln in result.output.splitlines() if ": warning: " in ln]
    assert {ln.rsplit("[", 1)[1] for ln in warnings} == {
        "unit-mismatch]",
        "parts-sum]",
        "year-mismatch]",
        "deviation-missing]",
    }
    assert run("check", project, "--strict").exit_code == 1
    strict = run("build", project, "--strict", "--no-pdf")
    assert strict.exit_code == 1 and "--strict" in strict.stderr
    assert not (project / "site").exists()
    assert run("build", project, "--no-pdf").exit_code == 0  # without --strict warnings do not fail


def test_json_format():
    result = run("check", REPO, "--format", "json")
    data = json.loads(result.output)
    assert data["summary"]["error"] == data["summary"]["warning"] == 0
    assert data["summary"]["note"] == len(data["findings"]) > 0
    assert {"位置", "级别", "规则", "说明"} <= set(data["findings"][0])


def append(project: Path, text: str) -> int:
    path = project / "content/2024/demo/01-概况.md"
    before = path.read_text(encoding="utf-8")
    path.write_text(before + "\n" + text + "\n", encoding="utf-8")
    return before.count("\n") + 2


def test_narrative_number_that_contradicts_the_data(project):
    line = append(project, "示例项目预算执行率为94.85%，总分 79.50 分。")
    result = run("check", project)
    found = [ln for ln in result.output.splitlines() if "[narrative-number]" in ln]
    # the data gives 150 ÷ 200 = 75.00 %, so 94.85 % is wrong; 79.50 is right and not reported
    assert len(found) == 1 and f"01-概况.md:{line}:" in found[0]
    assert "{{ 自评表[0].执行率 }}" in found[0] and "75%" in found[0]


def test_money_without_wan_and_bad_years(project):
    line = append(project, "全年支出2607.82元，详见20234年报表，预算数 12.50 未列单位。")
    output = run("check", project).output
    assert f"01-概况.md:{line}:" in output
    assert output.count("[money-unit]") == 2
    assert "「20234年」" in output and "[year-mismatch]" in output


def test_acknowledged_in_front_matter(project):
    path = project / "content/2024/demo/01-概况.md"
    path.write_text(
        "---\n核对说明: {money-unit 「2607.82元」: 原文如此}\n---\n"
        + path.read_text(encoding="utf-8")
        + "\n全年支出2607.82元。\n",
        encoding="utf-8",
    )
    output = run("check", project).output
    assert ": note: " in output and "[money-unit]" in output and ": warning: " not in output


def test_deviation_and_weights(project):
    report = project / "content/2024/demo/report.yaml"
    text = report.read_text(encoding="utf-8").replace(", 偏差原因分析及改进措施: 需求少于预期", "")
    report.write_text(
        text.replace("分值: 30, 偏差原因分析及改进措施: 设备涨价", "分值: 25, 偏差原因分析及改进措施: 设备涨价"),
        encoding="utf-8",
    )
    output = run("check", project).output
    assert "办件量" in output and "[deviation-missing]" in output
    assert "绩效指标分值合计 85，应为 90 [weights]" in output


def test_incremental_build_rebuilds_only_what_changed(project):
    for i in range(2):
        copy_demo(project, f"other-{i}")
    first = run("build", project, "--no-pdf")
    assert "重建 3，沿用 0" in first.output
    second = run("build", project, "--no-pdf")
    assert "重建 0，沿用 3" in second.output
    report = project / "content/2024/other-1/report.yaml"
    report.write_text(
        report.read_text(encoding="utf-8").replace("全年执行数: 150", "全年执行数: 160"), encoding="utf-8"
    )
    third = run("build", project, "--no-pdf")
    assert "重建 1，沿用 2" in third.output
    data = json.loads((project / "site/2024/other-1/data.json").read_text(encoding="utf-8"))
    assert data["报告"]["执行率"] == "80%"  # 160 ÷ 200 = 80.00 %, printed without trailing zeros
    assert (project / "site/2024/demo/index.html").is_file()
    assert "重建 3，沿用 0" in run("build", project, "--no-pdf", "--clean").output
    # a change to the theme layer (a project layout) rebuilds everything
    (project / "layouts").mkdir()
    (project / "layouts/macros.html").write_text(
        (REPO / "themes/gongwen/macros.html").read_text(encoding="utf-8") + "\n", encoding="utf-8"
    )
    assert "重建 3，沿用 0" in run("build", project, "--no-pdf").output


def test_a_macro_file_imported_through_another_is_read_by_every_page(project):
    """Jinja runs an imported file once per build and keeps its macros: the files *it* imports are loaded for the
    first page only, and the cache must still know that every page read them."""
    copy_demo(project, "other")
    layouts = project / "layouts"
    layouts.mkdir()
    (layouts / "tables").mkdir()
    (layouts / "tables/budget.html").write_text(
        '{% from "parts.html" import rate %}{{ rate(form) }}\n', encoding="utf-8"
    )
    (layouts / "parts.html").write_text(
        '{% from "figures.html" import show %}{% macro rate(form) %}<p>{{ show(form.执行率) }}</p>{% endmacro %}\n',
        encoding="utf-8",
    )
    (layouts / "figures.html").write_text("{% macro show(value) %}{{ value }}{% endmacro %}\n", encoding="utf-8")
    assert "重建 2，沿用 0" in run("build", project, "--no-pdf").output
    (layouts / "figures.html").write_text("{% macro show(value) %}<b>{{ value }}</b>{% endmacro %}\n", encoding="utf-8")
    assert "重建 2，沿用 0" in run("build", project, "--no-pdf").output
    for slug in ("demo", "other"):  # 执行率 150 ÷ 200
        assert "<p><b>75%</b></p>" in (project / f"site/2024/{slug}/index.html").read_text(encoding="utf-8")


def test_progress_lines_when_not_a_terminal(project):
    for i in range(6):
        copy_demo(project, f"p-{i}")
    result = run("build", project, "--no-pdf", "-j", "1")
    progress = [ln for ln in result.stderr.splitlines() if ln.startswith("构建: ")]
    assert progress and progress[-1].startswith("构建: 7/7")


def test_a_composite_report_is_rebuilt_when_its_attachment_changes(tmp_path):
    import shutil

    project = tmp_path / "repo"
    shutil.copytree(REPO / "content", project / "content")
    assert run("build", project, "--no-pdf", "--no-search").exit_code == 0
    assert "重建 0" in run("build", project, "--no-pdf", "--no-search").output
    zhengti = project / "content/2023/luzhou-zhengti/report.yaml"
    zhengti.write_text(zhengti.read_text(encoding="utf-8").replace("得分: 33.18", "得分: 33.00"), encoding="utf-8")
    result = run("build", project, "--no-pdf", "--no-search")
    page = without_explanations((project / "site/2023/luzhou-juesuan/index.html").read_text(encoding="utf-8"))
    assert "91.22（优）" in page  # 58.22 + 33.00, shown in the 决算说明 that attaches it
    # rebuilt: exactly the changed report and the 决算说明 that attaches it; the other four are reused
    assert "重建 2，沿用 4" in result.output
    assert "原表为 91.40，按评分计算为 91.22 [stated-differs]" in result.output


def test_check_as_github_annotations(tmp_path):
    import shutil

    project = tmp_path / "repo"
    shutil.copytree(REPO / "content", project / "content")
    output = run("check", project, "--format", "github").output.splitlines()
    line = next(ln for ln in output if "title=stated-differs" in ln and "8.91" in ln)
    # the 泸州 信息系统运行维护 form prints 8.91 where the rule gives 8.92, at its line of report.yaml
    assert line.startswith("::notice file=content/2023/luzhou-xiangmu-zipingbiao/report.yaml,line=219,col=25,")
    assert "%0A提示: " in line and "\n" not in line
    notices = [ln for ln in output if ln.startswith("::notice ")]
    assert output[-1] == f"错误 0，警告 0，说明 {len(notices)}"


def test_check_as_sarif(project):
    report = project / "content/2024/demo/01-概况.md"
    report.write_text(report.read_text(encoding="utf-8") + "\n执行率为99.5%。\n", encoding="utf-8")
    log = json.loads(run("check", project, "--format", "sarif").output)
    assert log["version"] == "2.1.0"
    run_ = log["runs"][0]
    result = next(r for r in run_["results"] if r["ruleId"] == "narrative-number")
    assert result["level"] == "warning" and "99.5%" in result["message"]["text"]
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "content/2024/demo/01-概况.md"
    assert location["region"]["startLine"] == 7
    assert run_["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == "narrative-number"
