"""Stage: the report types are an input of the pages that use them, and only of those (issue 18).

The built-in types live in jixiao's package data (data/报告类型.yaml), not in the project, so an edit to them
(a new jixiao, or an edit in an installed copy) used to leave every page as it was. Now a page's key holds
the digest of its type along its base chain: an edit rebuilds exactly the reports of the edited type and of
the site's variants based on it, and the result is the site a clean build makes.

The tests point the loader at a copy of the data file outside the checkout (as in an installed jixiao) and
edit that copy; the build runs in this process, so nothing but the file tells it of the edit.
"""

from __future__ import annotations

import shutil
import tomllib
from fnmatch import fnmatch
from pathlib import Path

import pytest
from conftest import FIXTURES, REPO, copy_demo, tree_digest
from test_shards_safety import build_part, merge

from jixiao import inputs, reporttypes
from jixiao.build import build_site
from jixiao.errors import SourceError

REPORTS = ("2024/biaoge", "2024/pingjia", "2024/sichuan")  # 项目支出绩效自评报告, 绩效评价报告, a variant of 自评表
WEIGHTS = "权重: {决策: 20, 过程: 20, 产出: 30, 效益: 30}"  # of 绩效评价报告, which the pingjia report takes
FORM_KEYS = (
    "表单必填: [主管部门, 实施单位, 实际完成情况]"  # of 项目支出绩效自评表, the base of the fixture's 四川 variant
)


@pytest.fixture
def types_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The built-in types as a copy in an installed jixiao's place, which the loader reads instead."""
    installed = tmp_path / "site-packages/jixiao/data/报告类型.yaml"
    installed.parent.mkdir(parents=True)
    shutil.copyfile(reporttypes.BUILTIN, installed)
    monkeypatch.setattr(reporttypes, "BUILTIN", installed)
    return installed


@pytest.fixture
def model_site(tmp_path: Path) -> Path:
    """A copy of the model fixture (one report of each of three types), built once; it publishes its findings
    (公开核对提示), which are the evidence that a type's edit reached the report's data.json."""
    project = Path(shutil.copytree(FIXTURES / "model", tmp_path / "model"))
    config = project / "content/site.yaml"
    config.write_text(f"公开核对提示: true\n{config.read_text(encoding='utf-8')}", encoding="utf-8")
    build_site(project, jobs=1, search=False)
    return project


def edit_types(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def report_files(project: Path) -> dict[str, dict[str, str]]:
    """Each report's published files by report."""
    return {key: tree_digest(project / "site" / key) for key in REPORTS}


def rebuild_after(project: Path, change) -> tuple[int, set[str]]:
    """How many reports the incremental build after `change` rebuilt, and whose files changed."""
    before = report_files(project)
    change()
    result = build_site(project, jobs=1, search=False)
    after = report_files(project)
    return result.rebuilt, {key for key in REPORTS if before[key] != after[key]}


def assert_same_as_clean_build(project: Path) -> None:
    incremental = tree_digest(project / "site")
    build_site(project, jobs=1, search=False, clean=True)
    assert tree_digest(project / "site") == incremental


def move_evaluation_type_last(path: Path) -> None:
    """绩效评价报告 moved to the end of the file: its lines change, its declaration does not."""
    head, _, evaluation = path.read_text(encoding="utf-8").partition("\n绩效评价报告:")
    evaluation, _, rest = evaluation.partition("\n\n")
    path.write_text(f"{head}\n{rest}\n\n绩效评价报告:{evaluation}\n", encoding="utf-8")


# An edit to a built-in type, the one report it must rebuild, and what that report's data.json then says.
EDITS = [
    # 绩效评价报告's weights: the evaluation's 评分表 now warns of the new weights
    pytest.param(
        WEIGHTS, "权重: {决策: 25, 过程: 15, 产出: 30, 效益: 30}", "2024/pingjia", "权重为 25", id="its-own-type"
    ),
    # 项目支出绩效自评表 requires 项目编码: the site's 四川 variant inherits that, so its 自评表 lacks a key
    pytest.param(
        FORM_KEYS,
        "表单必填: [主管部门, 实施单位, 实际完成情况, 项目编码]",
        "2024/sichuan",
        "的表单要求填写「项目编码」",
        id="the-base-of-its-variant",
    ),
]


@pytest.mark.parametrize(("old", "new", "report", "evidence"), EDITS)
def test_an_edit_to_a_type_rebuilds_only_the_reports_that_use_it(types_file, model_site, old, new, report, evidence):
    """Only `report` is rebuilt, and the site is the one a clean build makes. Before, the edit was not an input
    at all: nothing was rebuilt and the page kept the old type. Moving a type within the file first changes no
    page (its line numbers are not part of it)."""
    assert rebuild_after(model_site, lambda: move_evaluation_type_last(types_file)) == (0, set())
    assert rebuild_after(model_site, lambda: edit_types(types_file, old, new)) == (1, {report})
    assert evidence in (model_site / "site" / report / "data.json").read_text(encoding="utf-8")
    assert_same_as_clean_build(model_site)


def test_shards_built_with_other_report_types_are_not_merged(types_file, project, cli):
    """The types are among the sources merge compares, named as such. Before, the parts merged into a site whose
    pages of one shard followed the old 自评表 and those of the other the new one."""
    copy_demo(project, "other")
    build_part(cli, project, 1)
    edit_types(types_file, FORM_KEYS, "表单必填: [主管部门, 实施单位, 实际完成情况, 项目编码]")
    build_part(cli, project, 2)
    result = merge(cli, project.parent)
    assert result.exit_code == 1 and not (project.parent / "merged").exists()
    assert (
        "part-1: error: 不能合并这个分片: 它构建时读到的报告类型「项目支出绩效自评表」的定义与 --project"
        in result.stderr
    )


def test_every_file_jixiao_ships_is_declared_as_an_input_or_not():
    """A data file added to the package later must be declared in inputs.PACKAGE_FILES, or no build would
    notice an edit to it. Files the release leaves out (pyproject's exclude-package-data) are not shipped."""
    excluded = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"][
        "exclude-package-data"
    ]["*"]
    shipped = [
        path.relative_to(inputs.PACKAGE).as_posix()
        for path in inputs.PACKAGE.rglob("*")
        if path.is_file() and not any(fnmatch(path.as_posix(), pattern) for pattern in excluded)
    ]
    assert [name for name in shipped if inputs.package_role(name) is None] == []
    assert inputs.package_role("data/报告类型.yaml") == "report types"
    assert inputs.package_role("scaffold/report/绩效评价报告/report.yaml") == "not read by a build"


def test_the_built_in_types_validate_against_the_registry():
    """Every 必填 names a part and every 表单必填 a key of the 自评表 the registry knows."""
    specs = reporttypes.builtin_specs()
    assert {part for spec in specs.values() for part in spec.requires or ()} <= set(reporttypes.PARTS)
    assert {key for spec in specs.values() for key in spec.form_requires or ()} <= set(reporttypes.FORM_KEYS)


def test_a_misspelt_key_in_the_built_in_types_is_an_error_at_its_line(types_file):
    """Before, 表单必填 took any words, and a misspelt key was a check that silently never ran."""
    edit_types(types_file, FORM_KEYS, "表单必填: [主管部门, 实施单位, 实际完成清况]")
    with pytest.raises(SourceError) as raised:
        reporttypes.builtin_specs()
    error = raised.value
    line = (
        types_file.read_text(encoding="utf-8").splitlines().index("  表单必填: [主管部门, 实施单位, 实际完成清况]") + 1
    )
    assert (error.location.path, error.location.line) == (types_file, line)
    assert "「实际完成清况」不是自评表中可以要求填写的键" in error.message
    assert "是否想写「实际完成情况」" in error.hint


def test_the_registry_names_the_keys_of_the_models():
    """Each part is a key of report.yaml and each form key the alias of the field it reads, so a type that
    requires a key checks the very field an author fills in under that name."""
    from jixiao.model import Report
    from jixiao.parts.form.model import Form

    for part, attribute in reporttypes.PARTS.items():
        assert Report.model_fields[attribute].alias == part
    for key, path in reporttypes.FORM_KEYS.items():
        model = Form
        for attribute in path[:-1]:  # 实际完成情况 is a key of 年度总体目标
            model = model.model_fields[attribute].annotation
        assert model.model_fields[path[-1]].alias == key, key
