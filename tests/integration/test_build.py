"""Stage: the whole build through the CLI: outputs, determinism, layouts, and every error path."""

import json
from pathlib import Path

from conftest import REPO, copy_demo, run_jixiao, tree_digest


def test_build_writes_index_page_and_data(project, cli):
    result = cli("build", project, "--no-pdf")
    assert result.exit_code == 0, result.output
    site = project / "site"
    page = (site / "2024/demo/index.html").read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in page
    # hand: 150 ÷ 200 = 75.00 %; 10 × 75 % = 7.5; 30 × 80/100 = 24; 30 × (1 − 10/50) = 24; 良 → 30 × 80 % = 24
    assert "预算执行率为 75%，总分 79.50 分，等次为中" in page
    data = json.loads((site / "2024/demo/data.json").read_text(encoding="utf-8"))
    form = data["报告"]["自评表"][0]
    assert [r["得分"] for r in form["指标"]] == ["24", "24", "24"]
    assert form["总分"] == "79.50" and form["评价等次"] == "中"
    assert data["原始数据"]["自评表"][0]["项目资金"]["年度资金总额"]["全年执行数"] == 150
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "2024/demo/index.html" in index and "示例中心" in index


def test_repository_site_shows_the_seed_figures(tmp_path, cli):
    out = tmp_path / "site"
    assert cli("build", REPO, "--out", out, "--no-pdf").exit_code == 0
    liuan = (out / "2023/liuan-zipingbiao/index.html").read_text(encoding="utf-8")
    for figure in ("1.08", "2.14", "1.33", "92.55", "0.91", "0.57", "92.56", "100%"):  # the seed prints 执行率 100%
        assert figure in liuan
    luzhou = (out / "2023/luzhou-xiangmu-zipingbiao/index.html").read_text(encoding="utf-8")
    for figure in (
        "94.84%",
        "96.57%",
        "79.44%",
        "89.18%",
        "82.62%",
        "9.48",
        "9.66",
        "7.94",
        "8.92",
        "8.26",
        "99.48",
        "99.66",
        "97.94",
        "96.92",
        "98.26",
    ):
        assert figure in luzhou
    # the stated 8.91 / 96.91 of the form are shown beside the computed figures
    assert "原表 8.91" in luzhou and "原表 96.91" in luzhou


def test_build_is_deterministic(project, cli, tmp_path):
    cli("build", project, "--out", tmp_path / "a", "--no-pdf")
    cli("build", project, "--out", tmp_path / "b", "--no-pdf")
    assert tree_digest(tmp_path / "a") == tree_digest(tmp_path / "b")


def test_project_layout_overrides_theme_file_by_file(project, cli):
    (project / "layouts/tables").mkdir(parents=True)
    (project / "layouts/tables/budget.html").write_text("<p class='mine'>{{ form.执行率 }}</p>", encoding="utf-8")
    assert cli("build", project, "--no-pdf").exit_code == 0
    page = (project / "site/2024/demo/index.html").read_text(encoding="utf-8")
    assert "<p class='mine'>75%</p>" in page
    assert "项目支出绩效自评表" in page  # the rest still comes from the theme


def break_file(project: Path, name: str, old: str, new: str) -> None:
    path = project / "content/2024/demo" / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_failed_build_leaves_previous_site_untouched(project, cli):
    assert cli("build", project, "--no-pdf").exit_code == 0
    before = tree_digest(project / "site")
    break_file(project, "report.yaml", "全年执行数: 150", "全年执行数: abc")
    result = run_jixiao("build", project)
    assert result.returncode == 1
    assert tree_digest(project / "site") == before
    assert not list(project.glob(".site*"))


def test_missing_site_yaml(tmp_path):
    (tmp_path / "content").mkdir()
    result = run_jixiao("build", tmp_path)
    assert result.returncode == 1
    assert "site.yaml" in result.stderr and "Traceback" not in result.stderr


def test_several_errors_are_reported_together(project):
    break_file(project, "report.yaml", "全年执行数: 150", "全年执行数: abc")
    break_file(project, "report.yaml", "分值: 30}", "分值: 三十}")
    result = run_jixiao("build", project)
    assert result.returncode == 1
    assert "2 个错误" in result.stderr


def test_parallel_build_matches_sequential(project, tmp_path):
    from jixiao.build import build_site
    from jixiao.workers import PARALLEL_THRESHOLD

    for i in range(PARALLEL_THRESHOLD):
        copy_demo(project, f"demo-{i}")
    one = build_site(project, tmp_path / "one", jobs=1)
    two = build_site(project, tmp_path / "two", jobs=2)
    assert len(one.pages) == len(two.pages) == PARALLEL_THRESHOLD + 1
    assert tree_digest(tmp_path / "one") == tree_digest(tmp_path / "two")


def test_bundle_images_are_published_beside_the_page(project, cli):
    (project / "content/2024/demo/图1.png").write_bytes(b"\x89PNG fake")
    break_file(project, "01-概况.md", "::表格[预算执行情况]", "![图1](图1.png)")
    assert cli("build", project, "--no-pdf").exit_code == 0
    assert (project / "site/2024/demo/图1.png").read_bytes() == b"\x89PNG fake"
    assert 'src="%E5%9B%BE1.png"' in (project / "site/2024/demo/index.html").read_text(encoding="utf-8")


def test_the_example_site_overrides_the_themes_header(tmp_path, cli):
    assert cli("build", REPO, "--out", tmp_path / "site", "--no-pdf", "--no-search").exit_code == 0
    page = (tmp_path / "site/2023/liuan-zipingbiao/index.html").read_text(encoding="utf-8")
    assert '<p class="site-tagline">住房公积金管理中心的绩效自评' in page  # layouts/partials/header.html
    assert (REPO / "themes/gongwen/partials/header.html").read_text(encoding="utf-8").count("site-tagline") == 0


def test_errors_of_yaml_and_of_markdown_in_different_reports_are_listed_together(project, cli):
    other = copy_demo(project, "other")
    break_file(project, "report.yaml", "全年执行数: 150", "全年执行数: abc")
    (other / "01-概况.md").write_text("# 概况\n\n{{ 总分数 }}\n", encoding="utf-8")
    result = run_jixiao("build", project, "--no-pdf")
    assert result.returncode == 1
    assert "content/2024/demo/report.yaml:11:" in result.stderr and "应为数字" in result.stderr
    assert "content/2024/other/01-概况.md:3:" in result.stderr and "总分数" in result.stderr
    assert "2 个错误" in result.stderr
