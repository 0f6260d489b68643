"""The parts' registry (jixiao.parts.registry): one line per part, and everything else — the report's model and
view, its computation, ::表格[…] and the 必填 of report types — read from it, so that a new kind of table is a
new folder and one line in the registry."""

from __future__ import annotations

import inspect
import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

from conftest import edit, write

from jixiao import directives, reporttypes
from jixiao.model import Report
from jixiao.parts.registry import LAYOUTS, PARTS, published
from jixiao.views import ReportView

# A new kind of table, 进度 (a project's milestones and how far each got), as a folder of its own: its model, view,
# computation and layout, and the Part that declares them. Nothing of jixiao is edited but the registry's list.
PROGRESS_PART = """
from decimal import Decimal

from pydantic import Field

from jixiao.document.blocks import Row, Section, Table, runs
from jixiao.located import Located
from jixiao.parts import DEFAULT_TEMPLATE, Part
from jixiao.parts.cells import column_labels, figure, label
from jixiao.view import View, alias


class Milestone(Located):
    titled = ("进度节点", "一个节点：名称、完成的百分比。")

    name: str = Field(alias="名称", description="节点名称。")
    done: Decimal = Field(alias="完成", ge=0, le=100, description="完成的百分比。")


class MilestoneView(View):
    name: str = alias("名称")
    done: Decimal = alias("完成")


def assess(run, report, inputs, done):
    return {"milestones": tuple(MilestoneView.make(name=m.name, done=m.done) for m in report.milestones)}


def lay_out(report):
    rows = tuple(Row((label(m.name), figure(m.done, "rate"))) for m in report.milestones)
    head = Section((column_labels(("节点", "完成（%）")),), "head")
    return Table((head, Section(rows)), ("progress",), caption=runs("项目进度"))


PART = Part(
    "进度",
    fields={"milestones": (list[Milestone], Field(default_factory=list, alias="进度", description="项目进度的各节点。"))},
    views={"milestones": (tuple[MilestoneView, ...], alias("进度", ()))},
    compute=assess,
    layouts={"进度表": lay_out},
    tables={"进度表": DEFAULT_TEMPLATE},
    requirable=("进度",),
)
"""
# Runs jixiao with the registry's list given one more line, the new part's (the registry's own source, so the
# line is all that differs from the installed jixiao).
LAUNCHER = """
import importlib.util, sys
from pathlib import Path
sys.path.insert(0, sys.argv.pop(1))
spec = importlib.util.find_spec("jixiao.parts.registry")
source = Path(spec.origin).read_text(encoding="utf-8")
line = '    "scoring",\\n'
assert source.count(line) == 1
source = source.replace(line, line + '    "progress.part",\\n')
registry = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = registry
exec(compile(source, spec.origin, "exec"), registry.__dict__)
from jixiao.cli import main
main()
"""


def run_with_progress(tmp_path: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    write(tmp_path / "extra" / "progress" / "__init__.py", "")
    write(tmp_path / "extra" / "progress" / "part.py", PROGRESS_PART)
    return subprocess.run(
        [sys.executable, "-c", LAUNCHER, str(tmp_path / "extra"), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_new_kind_of_table_is_a_folder_and_a_line_in_the_registry(project, tmp_path):
    """Before, a new table needed its field in Report, its view in ReportView, its call in assess.py, a line in
    directives.TABLES, one in reporttypes.PARTS and a template in the theme: here the part is placed, printed,
    published in data.json and known to the editor schema with none of them."""
    bundle = project / "content/2024/demo"
    edit(
        bundle / "report.yaml",
        "日期: 2025-03-31\n",
        "日期: 2025-03-31\n进度: [{名称: 立项, 完成: 100}, {名称: 验收, 完成: 40}]\n",
    )
    edit(bundle / "01-概况.md", "::表格[预算执行情况]", "::表格[进度表]\n\n::表格[预算执行情况]")
    built = run_with_progress(tmp_path, "build", ".", "--no-pdf", "--no-search", cwd=project)
    assert built.returncode == 0, built.stderr
    page = (project / "site/2024/demo/index.html").read_text(encoding="utf-8")
    assert '<table class="progress' in page and "项目进度" in page and "验收" in page
    data = json.loads((project / "site/2024/demo/data.json").read_text(encoding="utf-8"))
    assert data["报告"]["进度"] == [{"名称": "立项", "完成": "100"}, {"名称": "验收", "完成": "40"}]
    schema = run_with_progress(tmp_path, "schema", ".", cwd=project)
    assert schema.returncode == 0, schema.stderr
    keys = json.loads((project / "schema/report.schema.json").read_text(encoding="utf-8"))["properties"]
    assert keys["进度"]["description"] == "项目进度的各节点。"


def test_a_type_may_require_the_new_part(project, tmp_path):
    """必填 is validated against the registry: a variant requiring 进度 is accepted, and a report of it without
    进度 is refused at its file."""
    edit(
        project / "content/site.yaml",
        "站点名称: 测试站点\n",
        "站点名称: 测试站点\n报告类型:\n  有进度的自评表: {基于: 项目支出绩效自评表, 必填: [自评表, 进度]}\n",
    )
    edit(project / "content/2024/demo/report.yaml", "类型: 项目支出绩效自评表", "类型: 有进度的自评表")
    checked = run_with_progress(tmp_path, "check", ".", cwd=project)
    assert checked.returncode == 1
    assert "有进度的自评表 需要 进度" in checked.stdout


def test_an_unknown_part_in_a_type_is_an_error_with_the_nearest_name(project, cli):
    """A 必填 naming no part of the registry is an error at its place, with the part meant."""
    edit(
        project / "content/site.yaml",
        "站点名称: 测试站点\n",
        "站点名称: 测试站点\n报告类型:\n  我的评价: {基于: 绩效评价报告, 必填: [评分标]}\n",
    )
    result = cli("check", str(project))
    assert result.exit_code == 1
    assert "「评分标」不是报告中可以要求的部分" in result.output
    assert "是否想写「评分表」" in result.output


def test_the_report_takes_its_parts_from_the_registry():
    """Every part's keys are the report's, in the registry's order between the head and the tail; every part's
    names are the view's, in data.json's order."""
    fields = list(Report.model_fields)
    part_fields = [name for part in PARTS for name in part.fields]
    assert fields[fields.index("summary") + 1 : fields.index("stated")] == part_fields
    view = list(ReportView.model_fields)
    assert view[view.index("summary") + 1 : view.index("full_marks")] == [
        name for part in published(PARTS) for name in part.views
    ]
    assert [Report.model_fields[name].alias for name in part_fields] == [
        "落款",
        "自评表",
        "评分表",
        "数据表",
        "数据",
        "评分",
    ]


def test_tables_and_required_parts_come_from_the_registry():
    """::表格[…] places the parts' tables, each with a layout; 必填 names the parts' requirable keys."""
    assert directives.TABLES == {name: template for part in PARTS for name, template in part.tables.items()}
    assert set(directives.TABLES) <= set(LAYOUTS)
    assert reporttypes.PARTS == {"自评表": "forms", "评分表": "score_sheet"}


def test_a_layout_is_imported_when_first_used():
    """The registry names a part's layouts; importing the report's model does not import them."""
    code = textwrap.dedent(
        """
        import sys
        import jixiao.model, jixiao.views
        print(sorted(m for m in sys.modules if m.endswith((".layout", ".compute")) and m.startswith("jixiao.parts")))
        """
    )
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert shown.strip() == "[]"


def test_a_view_wraps_its_model_and_a_typed_key_is_declared_once(project):
    """The 自评表's view holds its validated form: the texts typed on the form (项目名称, 主管部门 …) are read from
    the model under the model's key, which the view does not declare again; what is not published (核对说明, the
    locations) is read through the view; data.json prints the keys in the order it always has."""
    from conftest import assess_in_site

    from jixiao.parts.form.model import Form
    from jixiao.parts.form.view import FormView

    view, _ = assess_in_site(project, "2024/demo")
    form = view.forms[0]
    assert isinstance(form.validated, Form)
    assert (form.项目名称, form.department, form["实施单位"]) == ("示例项目", "示例主管部门", "示例中心")
    assert form.goal.预期目标 == "完成示例工作。" and form.funds.total.名称 == "年度资金总额"
    assert form.check_note is None and form.locate().line == 7  # report.yaml: `- 项目名称: 示例项目`
    for name in FormView.typed_fields:
        assert FormView.model_fields[name].serialization_alias == Form.model_fields[name].alias
    assert not {"项目名称", "主管部门", "评价结论"} & set(re.findall(r'alias\("(.+?)"', inspect.getsource(FormView)))
    assert list(form.model_dump(by_alias=True))[:6] == [
        "项目名称",
        "项目编码",
        "主管部门",
        "实施单位",
        "项目资金",
        "执行率",
    ]
    assert "核对说明" not in form.model_dump(by_alias=True)


def test_indicator_rows_and_the_score_sheet_wrap_their_models():
    """An indicator row's view and the 评分表's hold their validated models: 三级指标, 指标性质, 说明, 评分标准, 附加
    and 偏差原因 (under the key data.json prints) are the model's, declared once; the 评分表's 说明 is the model's and
    its 显示 is read from it, never published; data.json keeps its keys and their order."""
    from conftest import FIXTURES, assess_in_site

    from jixiao.parts.indicators.model import Indicator
    from jixiao.parts.indicators.view import IndicatorView
    from jixiao.parts.score_sheet.model import ScoreSheet
    from jixiao.parts.score_sheet.view import ScoreSheetView

    view, _ = assess_in_site(FIXTURES / "unscored", "2024/pingjia")
    sheet = view.score_sheet
    row = sheet.rows["培训场次"]
    assert isinstance(row.validated, Indicator) and isinstance(sheet.validated, ScoreSheet)
    assert (row.三级指标, row["偏差原因分析及改进措施"], row.locate().line) == (
        "培训场次",
        "第四季度培训并入年度会议",
        29,
    )
    assert set(IndicatorView.typed_fields) == {"name", "deviation", "note", "operator", "standard", "extras"}
    assert ScoreSheetView.typed_fields == ("note",) and sheet.显示 is True
    declared = set(re.findall(r'alias\("(.+?)"', inspect.getsource(IndicatorView) + inspect.getsource(ScoreSheetView)))
    assert not {"三级指标", "指标性质", "说明", "评分标准", "附加", "显示"} & declared
    assert list(row.model_dump(by_alias=True)) == [
        "三级指标",
        "分值",
        "得分",
        "达标",
        "计分依据",
        "偏差原因分析及改进措施",
        "说明",
        "原表",
        "指标值",
        "指标性质",
        "度量单位",
        "目标",
        "目标值",
        "单位",
        "方向",
        "实际完成值",
        "实际值",
        "实际单位",
        "完成率",
        "评分标准",
        "附加",
    ]
    assert "显示" not in sheet.model_dump(by_alias=True) and "说明" in sheet.model_dump(by_alias=True)
