"""Stage: the named phases (phases.py) and the site model they fill (sitemodel.py) — one record per report that
every stage reads, the listing order and the "reads last year's report" rule written once, and the preview and
the workers composing the phases instead of reaching into the build's internals."""

from __future__ import annotations

import ast
import json
from pathlib import Path

from conftest import composite

import jixiao
from jixiao.build import build_site
from jixiao.cache import BuildCache

SRC = Path(jixiao.__file__).parent

# The composite site in listing order, by hand: newest year first; in 2023 the units 六安 (U+516D) < 泸州 (U+6CF8)
# < 示例 (U+793A); within 泸州 the types 部门决算说明 < 部门整体… (决 U+51B3 < 整 U+6574) < 项目支出绩效自评报告 <
# 项目支出绩效自评表 (报 U+62A5 < 表 U+8868).
ORDER = [
    "2023/liuan-zipingbiao",
    "2023/luzhou-juesuan",
    "2023/luzhou-zhengti",
    "2023/luzhou-xiangmu-baogao",
    "2023/luzhou-xiangmu-zipingbiao",
    "2023/shili-juesuan",
    "2022/shili-juesuan",
    "2020/huaihua-zhuanxiangzijin",
]


def test_one_record_per_report_holds_its_summary_links_page_key_and_files(tmp_path):
    from jixiao.sitemodel import Links

    project = composite(tmp_path)
    result = build_site(project, search=False)
    model = result.plan.model
    assert model.keys() == ORDER
    juesuan = model.records["2023/luzhou-juesuan"]
    assert juesuan.summary.kind == "部门决算说明"
    # its 附件 as report.yaml lists them; its neighbours in the 2023 listing
    assert juesuan.links == Links(
        "2023/liuan-zipingbiao",
        "2023/luzhou-zhengti",
        ("2023/luzhou-zhengti", "2023/luzhou-xiangmu-zipingbiao", "2023/luzhou-xiangmu-baogao"),
        None,
    )
    # the 示例中心's 2023 决算说明 has a 增长率 against 上年: it reads 2022's; 2022 has no neighbour in its year
    assert model.links("2023/shili-juesuan").last_year == "2022/shili-juesuan"
    assert model.links("2022/shili-juesuan") == Links(None, None, (), None)
    manifest = BuildCache.open(project, project / "site", result.cache.shared, clean=False).reports
    pages = {page.key: page for page in result.pages}
    for key, record in model.records.items():
        assert record.page_key == manifest[key].page_key  # the key the planner filled is the one committed
        assert record.files == pages[key].files
        tables = [name for name in record.files if name.startswith(f"{key}/表格/")]  # each data table's CSV
        # the repository's site.yaml asks for Word and Excel (办公文档: [docx, xlsx])
        word = [name for name in record.files if name.endswith((".docx", ".xlsx"))]
        assert word in ([], [f"{key}/{key.rsplit('/', 1)[1]}.{suffix}" for suffix in ("docx", "xlsx")])
        assert sorted(set(record.files) - set(tables) - set(word)) == [f"{key}/data.json", f"{key}/index.html"]
        assert all(name.endswith(".csv") for name in tables)


def test_every_listing_is_in_the_site_models_order(tmp_path):
    project = composite(tmp_path)
    build_site(project, search=False)
    listed = [
        entry["url"].removesuffix("/index.html")
        for entry in json.loads((project / "site/data/reports.json").read_text(encoding="utf-8"))
    ]
    assert listed == ORDER
    home = (project / "site/index.html").read_text(encoding="utf-8")
    assert sorted(ORDER, key=lambda key: home.index(f'href="{key}/index.html"')) == ORDER


def source_of(module: str) -> ast.Module:
    return ast.parse((SRC / module).read_text(encoding="utf-8"))


def test_the_preview_takes_only_the_build_command_from_build_py():
    """The preview composes phases.py; of build.py it uses the full build itself and its result, nothing inside."""
    taken = {
        alias.name
        for node in ast.walk(source_of("preview.py"))
        if isinstance(node, ast.ImportFrom) and node.module == "build"
        for alias in node.names
    }
    assert taken == {"BuildResult", "build_site"}


def test_workers_pass_state_explicitly_not_through_module_globals():
    tree = source_of("workers.py")
    assert not [node for node in ast.walk(tree) if isinstance(node, ast.Global)]
    module_names = {
        target.id
        for node in tree.body
        if isinstance(node, (ast.Assign, ast.AnnAssign))
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        if isinstance(target, ast.Name)
    }
    assert module_names == {
        "Handler",
        "Progress",
        "Result",
        "_DONE",
        "PARALLEL_THRESHOLD",
        "LIVE_SOURCES",
        "PARSE_BATCH",
    }  # aliases, constants


def test_the_rule_of_last_years_report_is_written_once():
    """The data tables' rule decides which columns read last year's report; the site model (to link that report)
    and the data tables' computation (to fill the columns) both ask it, and the set of 上年 column names is written nowhere else."""
    written = [
        path.relative_to(SRC).as_posix()
        for path in sorted(SRC.rglob("*.py"))
        if '"上年决算"' in path.read_text(encoding="utf-8")
    ]
    assert written == ["parts/data_table/model.py"]
    for module in ("parts/data_table/compute.py", "sitemodel.py"):
        called = {
            node.func.id
            for node in ast.walk(source_of(module))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        }
        assert "reads_last_year" in called, module
