"""Stage: `jixiao new` and `jixiao schema` — a new user's first steps."""

import json

import jsonschema
import pytest
import yaml
from click.testing import CliRunner
from conftest import REPO

from jixiao.cli import main


def run(*args, cwd=None):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_new_site_then_build_in_an_empty_folder(tmp_path):
    folder = tmp_path / "empty" / "gjj"
    result = run("new", "site", folder, "--unit", "示例中心", "--year", "2024")
    assert result.exit_code == 0, result.output
    assert (folder / "schema/report.schema.json").is_file()
    built = run("build", folder, "--no-pdf", "--strict")
    assert built.exit_code == 0, built.output + built.stderr
    page = (folder / "site/2024/zipingbiao/index.html").read_text(encoding="utf-8")
    # the example: 95 ÷ 100 = 95.00 %, 10 × 95 % = 9.5; indicators all met: 90; total 99.50
    assert "预算执行率 95%，自评总分 99.50 分" in page
    assert run("new", "site", folder).exit_code == 1  # never overwrites a project


def test_new_report_from_type_template(project):
    result = run("new", "report", "--project", project, "--year", "2025", "--unit", "另一中心", "--slug", "x")
    assert result.exit_code == 0, result.output
    assert run("build", project, "--no-pdf").exit_code == 0
    assert (project / "site/2025/x/index.html").is_file()


def test_new_report_refuses_a_year_the_build_would_not_read(project):
    result = run("new", "report", "--project", project, "--year", "24", "--unit", "另一中心", "--slug", "x")
    assert result.exit_code == 1
    assert "年度「24」应为四位数字，例如 --year 2024。" in result.output
    assert not (project / "content/24").exists()


def test_carrying_forward_a_misspelled_report_names_the_nearest(project):
    result = run("new", "report", "--project", project, "--year", "2025", "--from", "2024/demoo")
    assert result.exit_code == 1
    assert "找不到要沿用的报告「2024/demoo」" in result.output and "提示: 是否想写「2024/demo」？" in result.output


def test_new_report_carries_last_year_forward(project):
    result = run("new", "report", "--project", project, "--year", "2025", "--from", "2024/demo")
    assert result.exit_code == 0, result.output
    data = yaml.safe_load((project / "content/2025/demo/report.yaml").read_text(encoding="utf-8"))
    form = data["自评表"][0]
    assert data["年度"] == 2025 and data["标题"] == "示例中心2025年度项目支出绩效自评" and "日期" not in data
    rows = [row for group in form["绩效指标"].values() for items in group.values() for row in items]
    assert [r["指标值"] for r in rows] == ["≥100 件", "≤50 万元", "按季度完成"]  # targets kept
    assert [r["分值"] for r in rows] == [30, 30, 30]  # weights kept
    assert all(r["实际完成值"] == "" and "偏差原因分析及改进措施" not in r for r in rows)  # actuals cleared
    assert form["项目资金"]["年度资金总额"]["全年执行数"] is None
    # headings and directives are kept, the prose is left to write
    assert (project / "content/2025/demo/01-概况.md").read_text(encoding="utf-8") == "# 概况\n\n::表格[预算执行情况]\n"
    check = run("check", project)
    assert check.exit_code == 1 and "完成值为空" in check.output  # the author is told what to fill in


def test_schema_accepts_the_repository_content(tmp_path):
    assert run("schema", "--out", tmp_path).exit_code == 0
    report_schema = json.loads((tmp_path / "report.schema.json").read_text(encoding="utf-8"))
    site_schema = json.loads((tmp_path / "site.schema.json").read_text(encoding="utf-8"))
    for path in sorted((REPO / "content").glob("*/*/report.yaml")):
        data = json.loads(json.dumps(yaml.safe_load(path.read_text(encoding="utf-8")), default=str))
        jsonschema.validate(data, report_schema)
    jsonschema.validate(yaml.safe_load((REPO / "content/site.yaml").read_text(encoding="utf-8")), site_schema)
    assert report_schema["properties"]["标题"]["description"] == "报告标题（封面与网页标题）。"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(
            {"类型": "项目支出绩效自评表", "标题": "x", "单位": "x", "年度": 2024, "自评表": [], "未知键": 1},
            report_schema,
        )


@pytest.mark.parametrize(
    "spec, reason",
    [
        ("jixao==0.2.0", "要安装的是「jixao」，不是 jixiao"),
        ("jixiao=0.2.0", "不是 pip 能读懂的依赖写法"),
        ("/home/me/jixiao-0.1.0-py3-none-any.whl", "wheel 应写成仓库内的相对路径"),
        ("../jixiao-0.1.0-py3-none-any.whl", "wheel 应写成仓库内的相对路径"),
        ("wheels/jixiao.whl", "「jixiao.whl」不是有效的 wheel 文件名"),
        ("wheels/rich-15.0.0-py3-none-any.whl", "这是「rich」的 wheel，不是 jixiao 的"),
        ("git+github.com/example/jixiao", "不是有效的 git 地址（地址应以 git+https、"),
        ("git+https://example.org/jixiao.git@v0.2.0 extra", "不是有效的 git 地址（不能含空格）"),
        ("git+https://x:${{ secrets.TOKEN }}@example.org/jixiao.git", "含有 $ 或换行等控制字符"),
        ("jixiao==0.2.0\nrm -rf ~", "不能用「jixiao==0.2.0\\x0arm -rf ~」安装 jixiao: 含有 $ 或换行等控制字符"),
    ],
)
def test_new_site_refuses_what_pip_cannot_install_on_a_runner(tmp_path, spec, reason):
    """Checked when the site is made, not at a center's first pipeline run (in an English pip error)."""
    result = run("new", "site", tmp_path / "gjj", "--install", spec)
    assert result.exit_code == 1
    assert "--install: error: 不能用「" in result.stderr and reason in result.stderr
    assert "  提示: 写成已发布的版本（jixiao==0.2.0）、仓库中 wheel 的相对路径" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "gjj").exists()


def test_schema_describes_every_key_in_chinese_and_by_its_own_meaning(tmp_path):
    assert run("schema", "--out", tmp_path).exit_code == 0
    for name in ("report.schema.json", "site.schema.json"):
        schema = json.loads((tmp_path / name).read_text(encoding="utf-8"))
        models = [schema, *schema.get("$defs", {}).values()]
        for model in models:
            for key, prop in model.get("properties", {}).items():
                assert any("\u4e00" <= c <= "\u9fff" for c in prop.get("description", "")), (name, key)
    defs = json.loads((tmp_path / "report.schema.json").read_text(encoding="utf-8"))["$defs"]
    # the same key means different things in different places (the examples)
    assert defs["Chart"]["properties"]["类型"]["description"].startswith("图的类型")
    assert defs["DataTable"]["properties"]["单位"]["description"].startswith("表中金额或数量的单位")
    assert defs["Computed"]["properties"]["类型"]["description"].startswith("计算方式")


def test_new_site_empty_has_no_example_report_and_builds(tmp_path):
    """A real project starts without the example report it would first have to delete by hand."""
    folder = tmp_path / "gjj"
    result = run("new", "site", folder, "--empty", "--year", "2024")
    assert result.exit_code == 0, result.output
    assert (folder / "content/site.yaml").is_file() and (folder / "schema/report.schema.json").is_file()
    assert list((folder / "content").iterdir()) == [folder / "content/site.yaml"]
    assert "jixiao new report --type 绩效评价报告 --year 2024" in result.output
    built = run("build", folder, "--no-pdf", "--strict")
    assert built.exit_code == 0, built.output + built.stderr
    assert "已构建 0 份报告" in built.output
    added = run("new", "report", "--project", folder, "--type", "绩效评价报告", "--year", "2024", "--unit", "本中心")
    assert added.exit_code == 0, added.output
    assert (folder / "content/2024/pingjia/report.yaml").is_file()
