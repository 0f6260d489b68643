"""Writing the site: never over a source, only into folders jixiao made, atomically.

The output folder is checked before anything is written: it may not be, contain or lie inside
the project's sources (content/, layouts/, themes/, the cache) or be the project itself, and a
folder that exists must be one jixiao made (it carries a marker file) or be empty. The build
writes into a staging folder beside it that replaces it only when the whole build succeeded;
staging folders left by a build that was killed are removed by the next one.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator

from .errors import JixiaoError, describe_os_error

if TYPE_CHECKING:
    from .paths import ProjectFiles

MARKER = ".jixiao-site"  # in every folder jixiao writes a site into; folders without it are never replaced
SOURCE_FOLDERS = ("content", "layouts", "themes", ".jixiao-cache", ".git")


class OutputError(JixiaoError):
    """An output folder jixiao must not write into."""

    def __init__(self, out_dir: Path, reason: str, hint: str):
        super().__init__(f"{out_dir}: error: 不能写入输出目录: {reason}\n  提示: {hint}")


def check_output_dir(project: Path, out_dir: Path) -> Path:
    """The resolved output folder, or an error when writing there could destroy something."""
    project, out = project.resolve(), out_dir.resolve()
    hint = "用项目中的 site/（默认）或项目之外的一个新文件夹，例如 --out /tmp/site。"
    if out == project or project.is_relative_to(out):
        raise OutputError(out_dir, "它就是项目文件夹或包含整个项目，构建会替换掉全部源文件", hint)
    for name in SOURCE_FOLDERS:
        source = project / name
        if out == source or out.is_relative_to(source) or source.is_relative_to(out):
            raise OutputError(out_dir, f"它是项目的 {name}/ 或在其中，构建会替换掉源文件", hint)
    if out.exists() or out.is_symlink():
        if not out.is_dir():
            raise OutputError(out_dir, "这是一个文件，不是文件夹", hint)
        if not (out / MARKER).is_file() and any(out.iterdir()):
            raise OutputError(out_dir, "这个文件夹已有内容，且不是 jixiao 生成的站点（没有 .jixiao-site 标记），不会覆盖",
                              "换一个新的或空的文件夹；确需使用它，请先自行清空。")
    return out


def write_files(root: Path, files: dict[str, bytes]) -> None:
    """Write named files (relative paths) under root, creating folders as needed."""
    for name, data in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def write_atomically(target: Path, data: bytes) -> None:
    """Replace one file so that a reader sees the old or the new bytes, never half of them."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    temporary.write_bytes(data)
    temporary.replace(target)


def link_or_copy(source: str | Path, target: str | Path) -> None:
    """Reuse an unchanged file of the previous build: a hard link, or a copy where links are not possible."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def link_files(names: Iterable[str], source: str | Path, staging: str | Path) -> None:
    """Files of the site, by their paths in it, linked (or copied) from another folder into staging."""
    made = set()
    for name in names:
        folder = os.path.join(staging, os.path.dirname(name))
        if folder not in made:
            os.makedirs(folder, exist_ok=True)
            made.add(folder)
        link_or_copy(os.path.join(source, name), os.path.join(staging, name))


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_staging(out_dir: Path) -> None:
    """Staging and old folders of builds that were killed (their process is gone) are removed."""
    if not out_dir.parent.is_dir():
        return
    for folder in out_dir.parent.glob(f".{out_dir.name}.*-*"):
        kind, _, pid = folder.name.rpartition("-")
        if kind.endswith((".tmp", ".old")) and pid.isdigit() and not _pid_alive(int(pid)) \
                and (folder / MARKER).is_file():
            shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def staged_output(out_dir: Path) -> Iterator[Path]:
    """Yield a staging folder beside out_dir and swap it in on success; on any failure nothing changes."""
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_staging(out_dir)
        staging = out_dir.with_name(f".{out_dir.name}.tmp-{os.getpid()}")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir()
        (staging / MARKER).write_text("由 jixiao 生成的站点；jixiao build 会整体替换这个文件夹。\n", encoding="utf-8")
    except OSError as exc:
        raise JixiaoError(f"{out_dir}: error: 无法写入输出目录（{describe_os_error(exc)}）\n"
                          f"  提示: 检查该目录及其上级目录的写权限，或用 --out 指定别的目录。") from None
    old = out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}")
    try:
        yield staging
        if out_dir.exists():
            out_dir.rename(old)
        staging.rename(out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if old.exists() and not out_dir.exists():
            old.rename(out_dir)
        raise
    shutil.rmtree(old, ignore_errors=True)


def read_assets(files: ProjectFiles, search_path: list[Path]) -> dict[str, bytes]:
    """The `assets/` of every layer merged, the specific layers winning file by file; every file is read through
    the read policy, so a symlink cannot publish a file from outside the project."""
    merged: dict[str, bytes] = {}
    for layer in reversed(search_path):
        assets = layer / "assets"
        if assets.is_dir():
            merged.update({path.relative_to(assets).as_posix(): files.read_bytes(path)
                           for path in files.files_below(assets)})
    return merged


def copy_assets(files: ProjectFiles, search_path: list[Path], staging: Path) -> None:
    write_files(staging / "assets", read_assets(files, search_path))
