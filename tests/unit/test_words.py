"""Stage: words per report (issue 20 point 6) — a report's own qualitative words, and numbers with words around."""

import shutil

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, assess_in_site

from jixiao.cli import main
from jixiao.quantity import Quantity, Word, parse_actual

REPORT = "content/2024/demo/report.yaml"


@pytest.fixture
def project(tmp_path):
    target = tmp_path / "p"
    shutil.copytree(FIXTURES / "minimal", target)
    return target


def edit(project, old: str, new: str) -> None:
    path = project / REPORT
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_a_number_with_words_around_it_is_the_number_with_its_unit():
    assert [parse_actual(t) for t in ("已使用3年", "约 2 年", "累计 12 次")] == [
        Quantity(3, parse_actual("3年").unit),
        Quantity(2, parse_actual("2年").unit),
        Quantity(12, parse_actual("12次").unit),
    ]
    # a verdict or a phrase is still words
    assert [parse_actual(t) for t in ("未完成3项", "第3季度完成")] == [Word("未完成3项"), Word("第3季度完成")]


def test_a_worded_actual_is_scored_against_its_target(project):
    edit(project, "指标值: ≥100 件, 实际完成值: 80 件", "指标值: ≥5 年, 实际完成值: 已使用3年")
    view, _ = assess_in_site(project, "2024/demo")
    # hand: 3 年 ÷ 5 年 = 60.00 % → 30 × 60 % = 18
    row = view.forms[0].rows["办件量"]
    assert (str(row.completion), str(row.score), row.actual) == ("60%", "18", "已使用3年")  # printed as written


def test_a_report_may_add_its_own_qualitative_words(project):
    edit(project, "实际完成值: 良,", "实际完成值: 明显改善,")
    before = CliRunner().invoke(main, ["check", str(project)]).output
    assert "完成值「明显改善」不是可评分的等级词" in before  # the site does not know the word
    edit(project, "日期: 2025-03-31\n", "日期: 2025-03-31\n定性等级: {明显改善: 0.9}\n")
    view, _ = assess_in_site(project, "2024/demo")
    # hand: 30 × 0.9 = 27
    assert str(view.forms[0].rows["按时完成"].score) == "27"
