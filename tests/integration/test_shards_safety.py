"""merge takes its parts from other jobs (CI artifacts), so it checks them before writing anything: the same
sources as the project it merges for, the same options, all shards, each listed file a regular file inside its
report's folder and nothing else, no symlinks. Each refusal is one Chinese message naming the part and the file,
exit 1, no file published and nothing written outside --out. And a shard never replaces a complete site."""

from __future__ import annotations

import errno
import json
import os
import shutil
from pathlib import Path

import pytest
from conftest import copy_demo, edit, tree_digest

from jixiao import build

MANIFEST = ".jixiao-shard.json"


@pytest.fixture
def site(project: Path, cli) -> Path:
    """The minimal project with two reports (2024/demo in shard 1/2, 2024/other in 2/2), built as two parts."""
    copy_demo(project, "other")
    for k in (1, 2):
        build_part(cli, project, k)
    return project.parent


def build_part(cli, project: Path, k: int, pdf: bool = False) -> None:
    result = cli(
        "build", project, "--shard", f"{k}/2", "--out", project.parent / f"part-{k}", *(() if pdf else ("--no-pdf",))
    )
    assert result.exit_code == 0, result.output + result.stderr


def merge(cli, folder: Path, project: Path | None = None):
    return cli(
        "merge",
        folder / "part-1",
        folder / "part-2",
        "--out",
        folder / "merged",
        "--project",
        project or folder / "proj",
    )


def assert_refused(result, folder: Path, before: set[str], *expected: str) -> None:
    """Exit 1 with one message naming what was wrong and what to do; no site and nothing else written."""
    assert result.exit_code == 1, result.output + result.stderr
    for text in expected:
        assert text in result.stderr, result.stderr
    assert "  提示: " in result.stderr and "Traceback" not in result.stderr
    assert not (folder / "merged").exists()
    assert {p.name for p in folder.iterdir()} == before


def names(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


def rewrite_manifest(part: Path, change) -> None:
    manifest = json.loads((part / MANIFEST).read_text(encoding="utf-8"))
    change(manifest)
    (part / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")


# --- no links --------------------------------------------------------------------------------------------------


def test_a_symlinked_file_in_a_part_is_not_published(site, cli):
    secret = site / "secret.txt"
    secret.write_text("root:x:0:0", encoding="utf-8")
    data = site / "part-1/2024/demo/data.json"
    data.unlink()
    data.symlink_to(secret)
    before = names(site)
    assert_refused(
        merge(cli, site),
        site,
        before,
        "part-1: error: 不能合并这个分片: 2024/demo/data.json 是符号链接",
        str(secret),
        "提示: 分片应是 jixiao build --shard 的原样输出",
    )


def test_a_symlinked_folder_in_a_part_is_refused(site, cli):
    elsewhere = site / "elsewhere"
    shutil.move(site / "part-2/2024/other", elsewhere)
    (site / "part-2/2024/other").symlink_to(elsewhere, target_is_directory=True)
    before = names(site)
    assert_refused(merge(cli, site), site, before, "part-2: error: 不能合并这个分片: 2024/other 是符号链接")


def test_a_part_that_is_a_symlink_is_refused(site, cli):
    shutil.move(site / "part-2", site / "real-part-2")
    (site / "part-2").symlink_to(site / "real-part-2", target_is_directory=True)
    before = names(site)
    assert_refused(
        merge(cli, site),
        site,
        before,
        "part-2: error: 不能合并这个分片: 这个文件夹本身是符号链接",
        "给出分片的实际文件夹",
    )


def test_a_fifo_in_a_part_is_refused(site, cli):
    os.mkfifo(site / "part-1/2024/demo/pipe")
    before = names(site)
    assert_refused(merge(cli, site), site, before, "part-1: error: 不能合并这个分片: 2024/demo/pipe 不是普通文件")


def test_a_file_swapped_for_a_link_after_the_checks_is_not_published(site, cli, monkeypatch):
    """Between checking a part and linking its files, a file becomes a symlink to a secret: refused."""
    secret = site / "secret.txt"
    secret.write_text("root:x:0:0", encoding="utf-8")
    staged = build.staged_output  # merge (build.merge_parts) stages the site after checking the parts

    def swap_then_stage(out_dir):
        data = site / "part-1/2024/demo/data.json"
        data.unlink()
        data.symlink_to(secret)
        return staged(out_dir)

    monkeypatch.setattr(build, "staged_output", swap_then_stage)
    before = names(site)
    assert_refused(
        merge(cli, site),
        site,
        before,
        "part-1: error: 不能合并这个分片: 2024/demo/data.json 在检查之后被换成了别的文件或链接",
    )


# --- nothing outside --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad",
    [
        "../escaped/evil.html",
        "ABSOLUTE",
        "2024/demo/../../escaped/evil.html",
        "2024\\demo\\evil.html",
        "2024/demo//evil.html",
        "2024/demo/./evil.html",
        "2024/demo/evil\0.html",
        "index.html",
        "2024/other/index.html",
    ],
)
def test_a_name_that_leaves_its_report_folder_is_refused(site, cli, bad):
    """Every name in a manifest is a plain relative path inside its report's folder: nothing can be written
    outside --out, or over a site-wide page or another report's file."""
    bad = str(site / "escaped/evil.html") if bad == "ABSOLUTE" else bad
    if bad.endswith("index.html"):  # a file that is in the part, but not in its report's folder
        (site / "part-1" / bad).parent.mkdir(parents=True, exist_ok=True)
        (site / "part-1" / bad).write_text("<h1>替换的首页</h1>", encoding="utf-8")
    rewrite_manifest(site / "part-1", lambda m: m["pages"][0]["files"].append(bad))
    before = names(site)
    assert_refused(
        merge(cli, site),
        site,
        before,
        f"part-1: error: 不能合并这个分片: {MANIFEST} 中的文件名 {bad!r} 不是报告 2024/demo 文件夹中的相对路径",
    )
    assert not (site / "escaped").exists()


# --- complete ---------------------------------------------------------------------------------------------------


def test_a_part_missing_a_listed_file_is_refused(site, cli):
    (site / "part-2/2024/other/data.json").unlink()
    before = names(site)
    assert_refused(
        merge(cli, site),
        site,
        before,
        f"part-2: error: 不能合并这个分片: {MANIFEST} 列出的 2024/other/data.json 不在分片中",
        "包括以 . 开头的文件",
    )


def test_a_part_holding_an_unlisted_file_is_refused(site, cli):
    (site / "part-1/2024/demo/extra.html").write_text("<script>alert(1)</script>", encoding="utf-8")
    before = names(site)
    assert_refused(
        merge(cli, site),
        site,
        before,
        f"part-1: error: 不能合并这个分片: 2024/demo/extra.html 不在 {MANIFEST} 的文件清单中",
    )


# --- same sources -----------------------------------------------------------------------------------------------


def test_parts_of_different_commits_are_refused(project, cli):
    """A title changed between the shards: part 1 would print its neighbour's old title (上一篇/下一篇)."""
    copy_demo(project, "other")
    build_part(cli, project, 1)
    edit(project / "content/2024/other/report.yaml", "标题: 示例中心2024年度", "标题: 改过的")
    build_part(cli, project, 2)
    before = names(project.parent)
    assert_refused(
        merge(cli, project.parent),
        project.parent,
        before,
        "part-1: error: 不能合并这个分片: 它构建时读到的报告 2024/other 的文件（content/2024/other/）与 "
        f"--project {project} 中的不同",
        "提示: 分片须由同一次提交的同一个项目构建",
    )


def test_parts_of_different_projects_are_refused(project, cli):
    copy_demo(project, "other")
    other = Path(shutil.copytree(project, project.parent / "other-project"))
    edit(other / "content/site.yaml", "站点名称: 测试站点", "站点名称: 另一个站点")
    build_part(cli, project, 1)
    build_part(cli, other, 2)
    before = names(project.parent)
    assert_refused(
        merge(cli, project.parent),
        project.parent,
        before,
        "part-2: error: 不能合并这个分片: 它构建时读到的 content/site.yaml 与 --project",
    )


def test_a_merge_for_another_project_is_refused(site, cli):
    other = Path(shutil.copytree(site / "proj", site / "other-project"))
    edit(other / "content/site.yaml", "站点名称: 测试站点", "站点名称: 另一个站点")
    before = names(site)
    assert_refused(
        merge(cli, site, other),
        site,
        before,
        f"part-1: error: 不能合并这个分片: 它构建时读到的 content/site.yaml 与 --project {other} 中的不同",
    )


# --- same options -----------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_parts_with_and_without_pdfs_are_refused(project, cli):
    copy_demo(project, "other")
    build_part(cli, project, 1, pdf=True)
    build_part(cli, project, 2)
    assert list((project.parent / "part-1/2024/demo").glob("*.pdf"))
    before = names(project.parent)
    assert_refused(
        merge(cli, project.parent),
        project.parent,
        before,
        "part-2: error: 不能合并这个分片: 构建选项与",
        "（生成 PDF: 这个分片否，",
        "part-1 是）",
        "都带或都不带 --no-pdf",
    )


# --- what still merges --------------------------------------------------------------------------------------------


def test_checked_parts_merge_into_the_bytes_of_one_build(site, cli):
    assert merge(cli, site).exit_code == 0
    assert cli("build", site / "proj", "--out", site / "single", "--no-pdf").exit_code == 0
    assert tree_digest(site / "merged") == tree_digest(site / "single")


def test_parts_on_another_file_system_are_copied_the_same(site, cli, monkeypatch):
    """Where hard links are impossible (another file system), each checked file is copied from the file opened
    without following a link."""

    def no_links(*args, **kwargs):
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(os, "link", no_links)
    assert merge(cli, site).exit_code == 0
    monkeypatch.undo()
    assert cli("build", site / "proj", "--out", site / "single", "--no-pdf").exit_code == 0
    assert tree_digest(site / "merged") == tree_digest(site / "single")


# --- a shard never replaces a complete site --------------------------------------------------------------------


def test_a_shard_without_out_is_refused_and_site_kept(project, cli):
    assert cli("build", project, "--no-pdf").exit_code == 0
    before = tree_digest(project / "site")
    result = cli("build", project, "--shard", "1/2", "--no-pdf")
    assert result.exit_code == 1
    assert "error: --shard 必须和 --out 一起用: 分片只含部分报告，不能写进（替换）项目的 site/" in result.stderr
    assert "提示: 写成 jixiao build --shard 1/2 --out part-1" in result.stderr
    assert tree_digest(project / "site") == before and "index.html" in before


def test_a_shard_into_a_complete_site_is_refused(project, cli):
    out = project.parent / "public"
    assert cli("build", project, "--out", out, "--no-pdf").exit_code == 0
    before = tree_digest(out)
    result = cli("build", project, "--shard", "1/2", "--out", out, "--no-pdf")
    assert result.exit_code == 1
    assert f"{out}: error: 不能把分片写入这里: 这是一个完整的站点，分片只含部分报告，会替换掉它" in result.stderr
    assert tree_digest(out) == before


def test_a_shard_is_built_again_into_its_own_folder(site, cli):
    """The refusal is of complete sites only: a shard's previous output is its own to replace (and reuse)."""
    result = cli("build", site / "proj", "--shard", "1/2", "--out", site / "part-1", "--no-pdf")
    assert result.exit_code == 0 and "沿用 1" in result.output
    assert merge(cli, site).exit_code == 0


@pytest.mark.slow
def test_parts_with_pdfs_of_different_dates_are_refused(project, cli, monkeypatch):
    """SOURCE_DATE_EPOCH dates the PDFs of reports without a 日期: set for one shard only, the site mixes dates."""
    copy_demo(project, "other")
    for path in project.glob("content/2024/*/report.yaml"):
        edit(path, "日期: 2025-03-31\n", "")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    build_part(cli, project, 1, pdf=True)
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    build_part(cli, project, 2, pdf=True)
    before = names(project.parent)
    assert_refused(
        merge(cli, project.parent),
        project.parent,
        before,
        "part-2: error: 不能合并这个分片: 构建选项与",
        "（环境变量 SOURCE_DATE_EPOCH: 这个分片未设置，",
        "part-1 「1700000000」）",
    )
