"""Stage: the site model — references resolved before rendering, exact incremental builds, one parse per file.

Expected figures come from hand computations beside them.
"""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, REPO, composite, edit, tree_digest, write

from jixiao import yamlsource
from jixiao.cli import main


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def table_of(site: Path, key: str, name: str) -> dict:
    return json.loads((site / key / "data.json").read_text(encoding="utf-8"))["报告"]["数据表"][name]


@pytest.fixture
def two_years(tmp_path) -> Path:
    project = tmp_path / "two"
    shutil.copytree(FIXTURES / "two-years", project)
    return project


def test_changing_last_years_table_changes_this_years_growth(two_years):
    assert run("build", two_years, "--no-pdf", "--no-search").exit_code == 0
    edit(two_years / "content/2022/juesuan/report.yaml", "本年: 2000.00", "本年: 2050.00")
    result = run("build", two_years, "--no-pdf", "--no-search")
    assert "重建 2，沿用 0" in result.output  # the 2022 report and the 2023 report that reads it
    rows = table_of(two_years / "site", "2023/juesuan", "收支总计")["行"]
    # hand: (2100 − 2050) ÷ 2050 = 2.439 % → 2.44 %
    assert (rows[0]["上年"], rows[0]["增长率"]) == ("2050.00", "2.44%")


def test_last_years_figures_are_converted_between_yuan_and_wan_yuan(two_years):
    report = two_years / "content/2023/juesuan/report.yaml"
    edit(report, "    标题: 收、支决算总计变动情况\n", "    标题: 收、支决算总计变动情况\n    单位: 元\n")
    edit(report, "本年: 2100.00}", "本年: 21000000}")
    edit(report, "本年: 1750.00}", "本年: 17500000}")
    assert run("build", two_years, "--no-pdf", "--no-search").exit_code == 0
    rows = table_of(two_years / "site", "2023/juesuan", "收支总计")["行"]
    # hand: 2022 printed 2000.00 万元 = 20,000,000 元; (21,000,000 − 20,000,000) ÷ 20,000,000 = 5.00 %
    #       1800.00 万元 = 18,000,000 元; 17,500,000 − 18,000,000 = −500,000 → −2.78 %
    assert [(r["上年"], r["增减额"], r["增长率"]) for r in rows] == [
        ("20000000", "1000000", "5%"),  # converted and computed figures print without trailing zeros
        ("18000000", "-500000", "-2.78%"),
    ]


def test_a_unit_that_cannot_convert_is_an_error_at_the_table(two_years):
    report = two_years / "content/2023/juesuan/report.yaml"
    edit(report, "    标题: 收、支决算总计变动情况\n", "    标题: 收、支决算总计变动情况\n    单位: 人\n")
    result = run("build", two_years, "--no-pdf", "--no-search")
    assert result.exit_code == 1
    line = report.read_text(encoding="utf-8").splitlines().index("    单位: 人") + 1
    assert f"content/2023/juesuan/report.yaml:{line}:" in result.stderr
    assert "上年数取自 2022/juesuan 的「收支总计」，其单位「万元」与本表的「人」无法换算" in result.stderr


def test_an_old_attached_report_is_never_shown_stale(tmp_path):
    """The 2023 report attaches a 2020 report: changing the 2020 report changes the 2023 page."""
    project = tmp_path / "p"
    shutil.copytree(REPO / "content", project / "content")
    edit(
        project / "content/2023/luzhou-juesuan/report.yaml",
        "附件:\n",
        "附件:\n  - {标题: 附件0 怀化, 报告: 2020/huaihua-zhuanxiangzijin}\n",
    )
    assert run("build", project, "--no-pdf", "--no-search").exit_code == 0
    edit(project / "content/2020/huaihua-zhuanxiangzijin/report.yaml", "年初预算: 80,", "年初预算: 90,")
    result = run("build", project, "--no-pdf", "--no-search")
    assert "重建 2，沿用 4" in result.output
    page = (project / "site/2023/luzhou-juesuan/index.html").read_text(encoding="utf-8")
    # hand: 616.91 − 80 + 90 = 626.91
    assert "626.91" in page and "616.91" not in page


@pytest.mark.parametrize(
    "old, new, message",
    [
        (
            "- {标题: 附件1 部门预算绩效评价报告, 报告: 2023/luzhou-zhengti}",
            "- {标题: 附件1, 报告: 2023/luzhou-zhengtl}",
            "附件「2023/luzhou-zhengtl」不是本站的报告",
        ),
        (
            "- {标题: 附件1 部门预算绩效评价报告, 报告: 2023/luzhou-zhengti}",
            "- {标题: 附件1, 报告: 2023/luzhou-juesuan}",
            "附件不能是本报告自己",
        ),
    ],
)
def test_a_bad_attachment_is_an_error_at_its_line(tmp_path, old, new, message):
    project = tmp_path / "p"
    shutil.copytree(REPO / "content", project / "content")
    report = project / "content/2023/luzhou-juesuan/report.yaml"
    edit(report, old, new)
    line = next(i for i, ln in enumerate(report.read_text(encoding="utf-8").splitlines(), 1) if new in ln)
    result = run("check", project)
    assert any(f"report.yaml:{line}:" in ln and message in ln for ln in result.output.splitlines()), result.output


def test_circular_attachments_are_an_error(tmp_path):
    project = tmp_path / "p"
    shutil.copytree(REPO / "content", project / "content")
    edit(
        project / "content/2023/luzhou-zhengti/report.yaml",
        "类型:",
        "附件: [{标题: 附件, 报告: 2023/luzhou-juesuan}]\n类型:",
    )
    output = run("check", project).output
    assert "又把本报告作为附件（循环引用）" in output


def test_each_yaml_file_is_parsed_once_per_build(tmp_path):
    from jixiao.build import build_site
    from jixiao.reporttypes import read_specs

    read_specs.cache_clear()
    yamlsource.PARSED.clear()
    build_site(REPO, tmp_path / "site", jobs=1, search=False, clean=True)
    reports = sorted(REPO.glob("content/*/*/report.yaml"))
    parsed = {path.resolve() for path in yamlsource.PARSED if path is not None}
    assert {p.resolve() for p in reports} <= parsed  # every report …
    assert all(count == 1 for count in yamlsource.PARSED.values()), yamlsource.PARSED  # … and every file, once
    # an unchanged rebuild parses no report at all: what the site model needs comes from the cache
    yamlsource.PARSED.clear()
    build_site(REPO, tmp_path / "site", jobs=1, search=False)
    assert not {p.resolve() for p in reports} & {p.resolve() for p in yamlsource.PARSED if p is not None}


def test_a_parallel_build_parses_each_report_in_the_worker_that_renders_it(tmp_path):
    """With workers, the parent parses no report at all: each worker parses its own share and renders it."""
    from jixiao.build import build_site
    from jixiao.workers import PARALLEL_THRESHOLD

    content = tmp_path / "p" / "content"
    content.mkdir(parents=True)
    shutil.copy(REPO / "content/site.yaml", content / "site.yaml")
    source = REPO / "content/2023/liuan-zipingbiao"
    for index in range(PARALLEL_THRESHOLD):
        shutil.copytree(source, content / "2023" / f"copy-{index:02d}")
    yamlsource.PARSED.clear()
    result = build_site(tmp_path / "p", jobs=2, search=False)
    assert len(result.pages) == result.rebuilt == PARALLEL_THRESHOLD
    assert not [path for path in yamlsource.PARSED if path is not None and path.name == "report.yaml"]


def test_output_is_identical_across_two_processes(tmp_path):
    for name in ("a", "b"):
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "jixiao",
                "build",
                str(REPO),
                "--out",
                str(tmp_path / name),
                "--no-pdf",
                "--no-search",
            ],
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stderr
    assert tree_digest(tmp_path / "a") == tree_digest(tmp_path / "b")


EDITS = {
    # kind of edit: (change, reports rebuilt — None where every report depends on it)
    "a figure": (
        lambda p: edit(p / "content/2023/liuan-zipingbiao/report.yaml", "全年执行数: 82.19}", "全年执行数: 80.19}"),
        1,
    ),
    "a section": (lambda p: edit(p / "content/2023/luzhou-zhengti/01-部门基本情况.md", "泸州", "泸州市"), 2),
    "last year's table": (
        lambda p: edit(p / "content/2022/shili-juesuan/report.yaml", "本年: 2000.00", "本年: 1990.00"),
        2,
    ),
    "an attached report": (
        lambda p: edit(p / "content/2023/luzhou-zhengti/report.yaml", "得分: 33.18", "得分: 33.00"),
        2,
    ),
    "a neighbour's title": (lambda p: edit(p / "content/2023/luzhou-zhengti/report.yaml", "标题: ", "标题: 新"), 3),
    # 怀化 and 整体 place ::表格[评分]; the 决算说明 attaches 整体
    "a layout file": (lambda p: write(p / "layouts/tables/scores.html", "<p>评分</p>\n"), 3),
    "site.yaml": (lambda p: edit(p / "content/site.yaml", "站点名称: ", "站点名称: 新"), None),
    "a glossary term": (lambda p: write(p / "layouts/data/名词解释.yaml", "基本支出: 本中心的定义。\n"), None),
    "an added report": (
        lambda p: shutil.copytree(p / "content/2023/liuan-zipingbiao", p / "content/2023/liuan-b"),
        None,
    ),
    "a removed report": (lambda p: shutil.rmtree(p / "content/2023/liuan-zipingbiao"), None),
    "a renamed folder": (lambda p: (p / "content/2023/liuan-zipingbiao").rename(p / "content/2023/liuan-ziping"), None),
    "an image": (lambda p: (p / "content/2020/huaihua-zhuanxiangzijin/图.png").write_bytes(b"\x89PNG x"), 1),
    "a stylesheet": (lambda p: write(p / "layouts/assets/gongwen.css", "body { color: black; }\n"), 0),
}


@pytest.mark.slow
@pytest.mark.parametrize("kind", list(EDITS))
def test_an_incremental_build_equals_a_clean_build_after_each_kind_of_edit(tmp_path, kind):
    project = composite(tmp_path)
    assert run("build", project, "--no-pdf", "--no-search").exit_code == 0
    change, rebuilt = EDITS[kind]
    change(project)
    result = run("build", project, "--no-pdf", "--no-search")
    assert result.exit_code == 0, result.output + result.stderr
    clean = run("build", project, "--no-pdf", "--no-search", "--clean", "--out", tmp_path / "clean")
    assert clean.exit_code == 0
    assert tree_digest(project / "site") == tree_digest(tmp_path / "clean")
    if rebuilt is not None:  # exactly what read the change is rebuilt; the others are reused
        assert f"（重建 {rebuilt}，" in result.output, result.output
    else:
        assert "沿用 " in result.output


@pytest.mark.slow
def test_a_change_re_indexes_only_its_year_for_search(tmp_path):
    project = tmp_path / "p"
    shutil.copytree(REPO / "content", project / "content")
    assert run("build", project, "--no-pdf").exit_code == 0
    before = {p: p.stat().st_ino for p in (project / "site/pagefind").rglob("*") if p.is_file()}
    edit(project / "content/2023/liuan-zipingbiao/01-概况.md", "六安", "六安市")
    assert run("build", project, "--no-pdf").exit_code == 0
    after = {p: p.stat().st_ino for p in (project / "site/pagefind").rglob("*") if p.is_file()}
    untouched = [p for p in after if "/pagefind/2020/" in str(p)]
    assert untouched and all(after[p] == before.get(p) for p in untouched)  # 2020: the same files, linked
    assert any(after[p] != before.get(p) for p in after if "/pagefind/2023/" in str(p))  # 2023: indexed anew
    assert run("build", project, "--no-pdf", "--clean", "--out", tmp_path / "clean").exit_code == 0
    assert tree_digest(project / "site") == tree_digest(tmp_path / "clean")


def test_a_model_of_the_summaries_a_page_reads_links_it_as_the_whole_sites_does():
    """The preview's first page is made from the summaries parsed so far, once those `summaries_read` names are:
    its year's (上一篇/下一篇), the year before's when it reads last year's report, its 附件 and theirs. Any model
    holding them links the page (and its attachments' 上年) exactly as the model of every report does."""
    from jixiao.sitemodel import SiteModel, Summary, reports_by_year, summaries_read

    def summary(key, unit, kind, attachments=(), reads_previous=False):
        return Summary(key, int(key[:4]), unit, kind, f"{unit}{kind}", attachments, reads_previous)

    every = {
        s.key: s
        for s in [
            summary("2024/g", "丙", "决算"),
            summary("2023/a", "甲", "决算", reads_previous=True),
            summary("2023/b", "甲", "整体", attachments=("2023/c",)),
            summary("2023/c", "乙", "决算", reads_previous=True),
            summary("2022/d", "甲", "决算"),
            summary("2022/e", "乙", "决算"),
            summary("2021/f", "甲", "决算", reads_previous=True),
        ]
    }
    years = reports_by_year(every)
    # b reads no last year's report itself, but its 附件 c does (乙 决算 of 2022): 2023 and 2022, not 2024 or 2021
    assert summaries_read("2023/b", every, years) == {"2023/a", "2023/b", "2023/c", "2022/d", "2022/e"}
    assert summaries_read("2023/b", {}, years) == {"2023/a", "2023/b", "2023/c"}  # before its own is parsed
    whole = SiteModel.resolve(every.values())
    for key in every:
        read = SiteModel.resolve(every[k] for k in summaries_read(key, every, years))
        assert read.links(key) == whole.links(key), key
        for neighbour in (whole.links(key).previous, whole.links(key).next):
            assert read.get(neighbour) == whole.get(neighbour)
        for attached in every[key].attachments:
            assert read.links(attached).last_year == whole.links(attached).last_year
    assert whole.links("2023/a").last_year == "2022/d" and whole.links("2023/c").last_year == "2022/e"


def test_the_reports_a_bundle_edit_replans_are_those_whose_page_key_it_changes():
    """The preview's save plans again only SiteModel.readers of the edited bundles; the build's reuse trusts
    inputs.page_key. Both read SiteModel.bundles_read, so for every bundle of a site with 附件 and 上年 reading, the
    reports whose page key an edit of it changes are exactly its readers — no page kept stale after a save."""
    from types import SimpleNamespace

    from jixiao.inputs import page_key
    from jixiao.sitemodel import SiteModel, Summary

    def summary(key, unit, kind, attachments=(), reads_previous=False):
        return Summary(key, int(key[:4]), unit, kind, f"{unit}{kind}", attachments, reads_previous)

    every = [
        summary("2023/a", "甲", "决算", reads_previous=True),
        summary("2023/b", "甲", "整体", attachments=("2023/c", "2023/gone")),
        summary("2023/c", "乙", "决算", reads_previous=True),
        summary("2022/d", "甲", "决算"),
        summary("2022/e", "乙", "决算", attachments=("2022/d",)),
    ]
    model = SiteModel.resolve(every)

    def keys_with(edited: str | None) -> dict[str, str]:
        bundles = {
            s.key: SimpleNamespace(
                digest=f"{s.key}{'*' * (s.key == edited)}", data_digest=f"{s.key}{'*' * (s.key == edited)}"
            )
            for s in every
        }
        library = SimpleNamespace(bundles=bundles, types={}, summary=lambda key: None)
        return {s.key: page_key("shared", library, model, s.key, {}, None) for s in every}

    before = keys_with(None)
    for edited in [s.key for s in every]:
        after = keys_with(edited)
        changed = [key for key in model.keys() if after[key] != before[key]]
        assert changed == model.readers({edited}), edited
    # hand: c's 上年 report is 2022/e, which b reads through its 附件 c; e attaches d
    assert set(model.readers({"2022/e"})) == {"2023/b", "2023/c", "2022/e"}
    assert set(model.readers({"2022/d"})) == {"2023/a", "2022/d", "2022/e"}
