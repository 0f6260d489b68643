"""Faults of the machine, not of the input: a full disk, names and paths too long, an unwritable cache, an output
folder that is a mount point, several builds of one project at once, staging folders of dead builds.

Each ends in one Chinese message with a 提示 and exit 1 (or, for the cache, a notice and a published site), never a
traceback, and the previous site as it was. Real mounts (tmpfs, bind) need root, as CI has; without it those tests
are skipped and the monkeypatched ones still run."""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import copy_demo, edit, run_jixiao, tree_digest

from jixiao.cli import main

DEMO = "content/2024/demo"


def build(project: Path, *args: str):
    """`jixiao build PROJECT --no-pdf ARGS` in-process, as a user runs it."""
    return CliRunner().invoke(main, ["build", str(project), "--no-pdf", *args], catch_exceptions=False)


def leftovers(folder: Path) -> list[str]:
    """jixiao's working names under `folder`: staging and old folders, lock files, temporary files."""
    return sorted(
        str(p.relative_to(folder))
        for p in folder.rglob(".*")
        if any(part in p.name for part in (".tmp-", ".old-", ".lock", ".jixiao-staging", ".jixiao-lock"))
    )


@pytest.fixture
def mount(tmp_path: Path):
    """mount(args, target): a real mount, unmounted after the test; the test is skipped where mounting fails."""
    mounted: list[Path] = []

    def make(target: Path, *args: str) -> Path:
        target.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(["mount", *args, str(target)], capture_output=True, text=True)
        if done.returncode != 0:
            pytest.skip(f"cannot mount here (needs root): {done.stderr.strip()}")
        mounted.append(target)
        return target

    yield make
    for target in reversed(mounted):
        subprocess.run(["umount", "-l", str(target)], check=True)


def tmpfs(mount, target: Path, size: str = "16m") -> Path:
    return mount(target, "-t", "tmpfs", "-o", f"size={size}", "tmpfs")


# --- 5. full disk, names and paths too long, unwritable cache --------------------------------------------------


def test_a_full_disk_is_one_message_naming_the_output_path_and_the_site_stays(project, tmp_path, mount):
    volume = tmpfs(mount, tmp_path / "volume", "2m")
    out = volume / "site"
    assert build(project, "--out", out).exit_code == 0
    before = tree_digest(out)
    left = os.statvfs(volume)
    with (volume / "filler").open("wb") as filler:  # leave two pages: the lock and marker fit, the pages do not
        filler.write(b"\0" * (left.f_bavail * left.f_frsize - 2 * left.f_frsize))
    result = build(project, "--out", out, "--clean")
    assert result.exit_code == 1, result.output
    first, hint = result.stderr.splitlines()[:2]
    where, _, message = first.partition(": error: ")
    assert where.startswith(str(out)) and message == "无法写入输出目录（磁盘空间不足）", result.stderr
    assert hint == "  提示: 释放磁盘空间（或用 --out 写到空间更大的磁盘）后重新构建；原有站点没有改动。"
    assert "Traceback" not in result.stderr and "Errno" not in result.stderr
    assert tree_digest(out) == before
    assert leftovers(volume) == []


def test_a_write_that_fails_in_the_middle_names_the_file_in_the_output_not_the_staging_folder(project, monkeypatch):
    import jixiao.workers

    def full_disk(root: Path, files: dict[str, bytes]) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(root / "2024/demo/index.html"))

    assert build(project).exit_code == 0
    before = tree_digest(project / "site")
    monkeypatch.setattr(jixiao.workers, "write_files", full_disk)
    result = build(project, "--clean")
    assert result.exit_code == 1
    assert (
        result.stderr.splitlines()[0]
        == f"{project / 'site/2024/demo/index.html'}: error: 无法写入输出目录（磁盘空间不足）"
    )
    assert result.stderr.splitlines()[-1] == "构建失败: 1 个错误，未写入任何输出。"
    assert tree_digest(project / "site") == before
    assert leftovers(project) == []


@pytest.mark.parametrize(
    "out, reason",
    [
        ("绩" * 90 + "/site", "一个文件夹名 270 字节"),  # 90 characters of 3 bytes: over 255 bytes
        ("/".join(["绩效" * 40] * 20) + "/site", "整个路径超过 4096 字节"),
    ],
)
def test_an_output_path_too_long_is_refused_with_the_limits_in_the_hint(project, tmp_path, out, reason):
    result = build(project, "--out", tmp_path / out)
    assert result.exit_code == 1, reason
    first, hint = result.stderr.splitlines()[:2]
    assert first == f"{tmp_path / out}: error: 无法写入输出目录（文件名或路径过长）", reason
    assert hint.startswith("  提示: 一个文件名最长 255 字节（一个汉字占 3 字节），整个路径最长 4096 字节"), reason
    assert "Traceback" not in result.stderr


def test_a_slug_whose_pdf_name_would_be_too_long_is_refused_by_check_and_every_build(project):
    slug = "a" * 252  # a valid folder name; "<slug>.pdf" is 256 bytes
    shutil.move(project / DEMO, project / "content/2024" / slug)
    where = f"content/2024/{slug}/report.yaml: error: 文件夹名太长（252 个字符）"
    checked = run_jixiao("check", project)
    assert checked.returncode == 1 and checked.stdout.startswith(where), checked.stdout
    built = build(project)
    assert built.exit_code == 1 and built.stderr.startswith(where), built.stderr
    assert "  提示: 把文件夹改名为不超过 251 个字符的 slug。" in built.stderr
    assert not (project / "site").exists()


def test_a_cache_that_cannot_be_written_is_a_notice_the_site_is_published_and_the_next_build_rebuilds_all(
    project, monkeypatch
):
    replace = os.replace

    def refused(source, target, **options) -> None:  # a cache owned by another user (root may write anything)
        if ".jixiao-cache" in str(target):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(target))
        replace(source, target, **options)

    assert build(project).exit_code == 0
    edit(project / DEMO / "01-概况.md", "# 概况", "# 概况（修订）")
    with monkeypatch.context() as patch:
        patch.setattr(os, "replace", refused)
        result = build(project)
    assert result.exit_code == 0, result.output
    assert "warning: 缓存无法写入（没有权限）" in result.stderr and "下次构建会全部重建" in result.stderr
    assert "概况（修订）" in (project / "site" / "2024/demo/index.html").read_text(encoding="utf-8")
    assert leftovers(project) == []
    # the manifest left describes the site before the edit: it is not reused for the site after it
    assert "重建 1，沿用 0" in build(project).output


def test_a_read_only_project_builds_into_another_folder_with_a_notice(project, tmp_path, mount):
    assert build(project).exit_code == 0
    mount(project, "--bind", str(project))
    subprocess.run(["mount", "-o", "remount,ro,bind", str(project)], check=True)
    out = tmp_path / "elsewhere"
    result = build(project, "--out", out)
    assert result.exit_code == 0, result.output
    assert "warning: 缓存无法写入（文件系统只读）" in result.stderr
    assert (out / "2024/demo/index.html").is_file()
    assert leftovers(tmp_path) == []


# --- 6. an output folder that is a mount point ---------------------------------------------------------------


def test_an_output_on_a_mount_point_is_written_into_without_renaming_it(project, tmp_path, mount):
    volume = tmpfs(mount, tmp_path / "volume")
    copy_demo(project, "second")
    assert build(project, "--out", volume).exit_code == 0
    shutil.rmtree(project / "content/2024/second")
    edit(project / DEMO / "01-概况.md", "# 概况", "# 概况（修订）")
    result = build(project, "--out", volume)
    assert result.exit_code == 0, result.output
    assert build(project, "--out", tmp_path / "clean").exit_code == 0
    assert tree_digest(volume) == tree_digest(tmp_path / "clean")  # the removed report is gone, nothing else left
    assert os.path.ismount(volume)


def test_an_output_on_a_bind_mount_is_written_into_too(project, tmp_path, mount):
    (tmp_path / "share").mkdir()
    bound = mount(tmp_path / "bound", "--bind", str(tmp_path / "share"))
    assert not os.path.ismount(bound)  # a bind mount of the same file system: only /proc/self/mountinfo knows
    for _ in range(2):
        result = build(project, "--out", bound)
        assert result.exit_code == 0, result.output
    assert build(project, "--out", tmp_path / "clean").exit_code == 0
    assert tree_digest(bound) == tree_digest(tmp_path / "clean")


# --- 8. several builds at once, staging folders of dead builds --------------------------------------------------


def test_concurrent_builds_of_one_project_all_succeed_and_leave_the_site_of_a_clean_build(project, tmp_path):
    for index in range(4):
        copy_demo(project, f"demo-{index}")
    for round in range(3):
        options = [["--no-pdf"], ["--no-pdf", "--clean"], ["--no-pdf", "-j", "2"], ["--no-pdf"]]
        builds = [
            subprocess.Popen(
                [sys.executable, "-m", "jixiao", "build", str(project), *extra],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for extra in options
        ]
        for process in builds:
            out, err = process.communicate(timeout=300)
            assert process.returncode == 0, (round, err)
            assert "Traceback" not in err and out.startswith("已构建 5 份报告"), (round, out, err)
    assert run_jixiao("build", project, "--no-pdf", "--clean", "--out", tmp_path / "clean").returncode == 0
    assert tree_digest(project / "site") == tree_digest(tmp_path / "clean")
    assert leftovers(project) == []


def test_a_second_build_waits_for_the_first_and_says_so(project):
    lock = project / ".site.lock"
    with lock.open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # as a running build holds it
        waiting = subprocess.Popen(
            [sys.executable, "-m", "jixiao", "build", str(project), "--no-pdf"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert waiting.stderr.readline() == f"{project / 'site'}: 另一个构建正在进行，等待它完成…\n"
        assert not (project / "site").exists()
    out, err = waiting.communicate(timeout=120)
    assert waiting.returncode == 0 and out.startswith("已构建 1 份报告"), err
    assert leftovers(project) == []


def test_staging_folders_of_dead_builds_are_removed_whatever_pid_they_name(project):
    assert build(project).exit_code == 0
    for name in (".site.tmp-1", ".site.tmp-1-0badcafe", ".site.old-1-0badcafe", ".site.tmp-999999999-12345678"):
        shutil.copytree(project / "site", project / name)  # PID 1 (a container's build) is always alive
    (project / ".site.tmp-2-feedf00d").mkdir()  # killed before it wrote its marker
    (project / ".site.tmp-notes").mkdir()  # not a name jixiao makes: left alone
    assert build(project).exit_code == 0
    # .site.spare: the output this build replaced, the next one's staging folder (test_recycled_output.py)
    assert sorted(p.name for p in project.glob(".site.*")) == [".site.spare", ".site.tmp-notes"]


def test_staging_folders_of_dead_builds_inside_a_mount_point_are_removed(project, tmp_path, mount):
    volume = tmpfs(mount, tmp_path / "volume")
    assert build(project, "--out", volume).exit_code == 0
    shutil.copytree(volume / "2024", volume / ".jixiao-staging-1-0badcafe")
    assert build(project, "--out", volume).exit_code == 0
    assert leftovers(volume) == []


def test_an_empty_mount_point_with_a_dead_builds_staging_folder_is_still_accepted(project, tmp_path, mount):
    volume = tmpfs(mount, tmp_path / "volume")
    (volume / ".jixiao-staging-1-0badcafe").mkdir()  # a first build killed before its swap
    result = build(project, "--out", volume)
    assert result.exit_code == 0, result.stderr
    assert leftovers(volume) == [] and (volume / "index.html").is_file()


def test_a_build_that_starts_from_another_output_leaves_no_lock_beside_it(project, tmp_path):
    from jixiao.build import build_site

    build_site(project, pdf_links=True)  # site/ as a build with PDFs links them, without making them here
    result = build_site(project, tmp_path / "preview", pdf_links=True, seed=project / "site")  # as serve starts
    assert result.rebuilt == 0  # the seed's files were reused under its shared lock
    assert leftovers(project) == [] and leftovers(tmp_path) == []
