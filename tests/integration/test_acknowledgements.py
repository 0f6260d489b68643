"""核对说明 acknowledges one finding at a time, named by its rule and the text it quotes (issue 19, point 5)."""

from pathlib import Path

from click.testing import CliRunner
from conftest import edit

from jixiao.cli import main

TEXT = "content/2024/demo/01-概况.md"
REPORT = "content/2024/demo/report.yaml"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def with_front_matter(project: Path, front: str, body: str) -> None:
    """The demo's section with `front` as its front matter and `body` appended (a line of its own)."""
    path = project / TEXT
    path.write_text(f"---\n{front}\n---\n{path.read_text(encoding='utf-8')}\n{body}\n", encoding="utf-8")


def lines_of(output: str, rule: str) -> list[str]:
    return [line for line in output.splitlines() if line.endswith(f"[{rule}]")]


def test_an_acknowledgement_covers_the_finding_it_names_and_no_other(project):
    # two slips in one paragraph: the year typo is acknowledged, the 元 amount written later is not
    with_front_matter(
        project, "核对说明: {year-mismatch 「20245年」: 原文如此}", "详见20245年报表，全年支出2607.82元。"
    )
    output = run("check", project).output
    year = lines_of(output, "year-mismatch")
    assert len(year) == 1 and ": note: " in year[0] and "（已说明: 原文如此）" in year[0]
    money = lines_of(output, "money-unit")
    assert len(money) == 1 and ": warning: 金额「2607.82元」" in money[0]  # not silenced by the year's reason
    # the line to paste to acknowledge it, right under its 提示
    assert "  确属原文如此时写: 核对说明: {money-unit 「2607.82元」: 原因}" in output
    assert output.splitlines()[-1] == "错误 0，警告 1，说明 1"


def test_acknowledging_every_finding_leaves_no_warning(project):
    with_front_matter(
        project,
        "核对说明:\n  year-mismatch「20245年」: 原文如此\n  money-unit 「2607.82元」: 原文以元计",  # spaces optional
        "详见20245年报表，全年支出2607.82元。",
    )
    result = run("check", project, "--strict")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "错误 0，警告 0，说明 2"


def test_an_acknowledgement_that_names_no_finding_is_stale(project):
    # 20245年 was corrected to 2024年: its acknowledgement (line 3: ---, 核对说明:, the key) names nothing
    with_front_matter(project, "核对说明:\n  year-mismatch 「20245年」: 原文如此", "详见2024年报表。")
    output = run("check", project).output
    stale = lines_of(output, "check-note")
    assert stale == [
        f"{TEXT}:3:3: warning: 核对说明「year-mismatch 「20245年」」没有对应的核对提示："
        "原文已改正，或规则、引文与提示不同 [check-note]"
    ]
    assert "year-mismatch" not in output.replace(stale[0], "").replace("year-mismatch 「20245年」: 原文如此", "")


def test_old_free_text_acknowledges_nothing_and_offers_the_new_form(project):
    with_front_matter(project, "核对说明: 原文如此", "全年支出2607.82元。")
    output = run("check", project).output
    assert lines_of(output, "money-unit")[0].split(": ")[1] == "warning"
    assert f"{TEXT}:2:1: warning: 核对说明 只写了一段文字（旧写法）" in output
    # the old text becomes the reason of the line to paste
    assert "确属原文如此时写: 核对说明: {money-unit 「2607.82元」: 原文如此}" in output


def test_a_finding_in_prose_about_an_indicator_row_is_acknowledged_by_naming_it_in_either_file(project):
    # 办件量: 80 件 against ≥100 件 is not met (score 80 / 100 × 30 = 24 < 30), so "办件量已完成" contradicts it
    with_front_matter(project, "标题: 概况", "办件量已完成。")
    output = run("check", project).output
    found = lines_of(output, "verdict-contradicts")
    assert len(found) == 1 and f"{TEXT}:" in found[0] and ": warning: 办件量: 文字说「已完成」" in found[0]
    assert "核对说明: {verdict-contradicts 「办件量」: 原因}" in output
    # in the row's 核对说明 (report.yaml) …
    edit(
        project / REPORT,
        "偏差原因分析及改进措施: 需求少于预期}",
        "偏差原因分析及改进措施: 需求少于预期, 核对说明: {verdict-contradicts 「办件量」: 原文如此}}",
    )
    row = lines_of(run("check", project).output, "verdict-contradicts")
    assert len(row) == 1 and ": note: " in row[0] and "（已说明: 原文如此）" in row[0]
    # … or in the front matter of the Markdown file it is reported in
    edit(project / REPORT, ", 核对说明: {verdict-contradicts 「办件量」: 原文如此}", "")
    edit(project / TEXT, "标题: 概况", "标题: 概况\n核对说明: {verdict-contradicts 「办件量」: 照录原文}")
    section = lines_of(run("check", project).output, "verdict-contradicts")
    assert len(section) == 1 and "（已说明: 照录原文）" in section[0]


def test_json_output_carries_the_line_to_paste(project):
    import json

    with_front_matter(project, "标题: 概况", "详见20245年报表。")
    data = json.loads(run("check", project, "--format", "json").output)
    (finding,) = [f for f in data["findings"] if f["规则"] == "year-mismatch"]
    assert finding["核对说明写法"] == "year-mismatch 「20245年」: 原因"


def test_github_annotations_carry_the_line_to_paste(project):
    with_front_matter(project, "标题: 概况", "详见20245年报表。")
    output = run("check", project, "--format", "github").output
    (line,) = [ln for ln in output.splitlines() if "title=year-mismatch" in ln]
    assert line.startswith("::warning ") and line.endswith(
        "%0A确属原文如此时写: 核对说明: {year-mismatch 「20245年」: 原因}"
    )
