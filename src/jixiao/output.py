"""Writing the site: never over a source, only into folders jixiao made, atomically.

The output folder is checked before anything is written: it may not be, contain or lie inside
the project's sources (content/, layouts/, themes/, the cache) or be the project itself, and a
folder that exists must be one jixiao made (it carries a marker file) or be empty. The build
writes into a staging folder beside it (inside it, on a mount point) that replaces it only when the
whole build succeeded (swap.py). One build at a time writes an output folder (locks.py), so the
staging folders the next build finds are stale, whatever process left them, and are removed.

An incremental build keeps the output it replaced beside the new one (`.site.spare`) and makes it the next build's
staging folder: its unchanged reports' files are hard links of the published ones already, so the next build only
unlinks what changed and links it again, instead of a `mkdir` per report and a link per file into a fresh folder and
an `unlink` per file of the old output (recycle_staging). Nothing in a recycled folder is written into: every file
it keeps is a link of a reused file, which no build writes; every other one is unlinked before anything is written,
so a writer never reaches a published file through a shared link.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import shutil
from collections.abc import Collection, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import JixiaoError, describe_os_error, os_error_hint
from .locks import holding
from .swap import is_mount_point, swap_entries, swap_folder

if TYPE_CHECKING:
    from .paths import ProjectFiles

MARKER = ".jixiao-site"  # in every folder jixiao writes a site into; folders without it are never replaced
SOURCE_FOLDERS = ("content", "layouts", "themes", ".jixiao-cache", ".git")
# Inside an output folder that is a mount point, jixiao's own lock file and staging folders (see swap.py).
INSIDE_LOCK = ".jixiao-lock"
INSIDE_STAGING = re.compile(r"\.jixiao-staging-\d+-[0-9a-f]+")
OWN_ENTRIES = re.compile(rf"{re.escape(INSIDE_LOCK)}|{INSIDE_STAGING.pattern}")


class OutputError(JixiaoError):
    """An output folder jixiao must not write into."""

    def __init__(self, out_dir: Path, reason: str, hint: str):
        super().__init__(f"{out_dir}: error: 不能写入输出目录: {reason}\n  提示: {hint}")


def check_output_dir(project: Path, out_dir: Path) -> Path:
    """The resolved output folder, or an error when writing there could destroy something (or the system cannot
    even look at it: a name too long)."""
    try:
        return refuse_unsafe_output(project, out_dir)
    except OSError as exc:
        raise output_error(out_dir, exc) from None


def refuse_unsafe_output(project: Path, out_dir: Path) -> Path:
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
        if not (out / MARKER).is_file() and any(not OWN_ENTRIES.fullmatch(p.name) for p in out.iterdir()):
            raise OutputError(
                out_dir,
                "这个文件夹已有内容，且不是 jixiao 生成的站点（没有 .jixiao-site 标记），不会覆盖",
                "换一个新的或空的文件夹；确需使用它，请先自行清空。",
            )
    return out


def write_files(root: Path, files: dict[str, bytes]) -> None:
    """Write named files (relative paths) under root, creating folders as needed."""
    for name, data in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def write_atomically(target: Path, data: bytes | Iterable[bytes]) -> None:
    """Replace one file so that a reader sees the old or the new bytes, never half of them. The temporary name is
    unique (process and a random token), so two processes writing the same file never write into each other's.
    `data` may come in pieces, written as they come, so that a large file (the manifest) is never whole in memory."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.tmp-{unique_suffix()}")
    try:
        with open(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666), "wb") as handle:
            if isinstance(data, bytes):
                handle.write(data)
            else:
                handle.writelines(data)
        temporary.replace(target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def unique_suffix() -> str:
    return f"{os.getpid()}-{secrets.token_hex(4)}"


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


def lock_path(out_dir: Path) -> Path:
    """Beside the output, or inside it when it is a mount point (whose parent may not be writable)."""
    return out_dir / INSIDE_LOCK if is_mount_point(out_dir) else out_dir.with_name(f".{out_dir.name}.lock")


@contextlib.contextmanager
def locked_output(out_dir: Path) -> Iterator[None]:
    """This process is the only build writing out_dir (another one is waited for); see locks.py."""
    with contextlib.ExitStack() as stack:
        try:
            out_dir.parent.mkdir(parents=True, exist_ok=True)
            stack.enter_context(holding(lock_path(out_dir), str(out_dir)))
        except OSError as exc:
            raise output_error(out_dir, exc) from None
        yield


@contextlib.contextmanager
def reading_output(folder: Path | None) -> Iterator[None]:
    """No build replaces `folder` while this one reuses its files (the preview starting from site/). Where no lock
    can be made (a read-only project), no build can replace it either, so reading goes on without one."""
    with contextlib.ExitStack() as stack:
        if folder is not None:
            with contextlib.suppress(OSError):
                stack.enter_context(holding(lock_path(folder), str(folder), shared=True))
        yield


def stale_staging(out_dir: Path, inside: bool) -> list[Path]:
    """The staging and old folders of this output: all stale while this build holds the output's lock."""
    folder, pattern = (
        (out_dir, INSIDE_STAGING)
        if inside
        else (out_dir.parent, re.compile(rf"\.{re.escape(out_dir.name)}\.(?:tmp|old)-\d+(?:-[0-9a-f]+)?"))
    )
    return [folder / name for name in os.listdir(folder) if pattern.fullmatch(name)]


@contextlib.contextmanager
def staged_output(out_dir: Path, reused: Collection[str] = (), source: Path | None = None) -> Iterator[Path]:
    """Yield a staging folder holding the files `reused` (paths in the site) linked from `source`, and put it in the
    place of out_dir on success (swap.py); on any failure nothing changes and the staging folder is removed. With
    files reused, the old output is kept as the next build's staging folder (recycle_staging). An OSError of any
    write (a full disk, a name too long) becomes one message naming the output path it failed on."""
    staging = None
    try:
        with locked_output(out_dir):
            inside = is_mount_point(out_dir)
            for folder in stale_staging(out_dir, inside):
                shutil.rmtree(folder, ignore_errors=True)
            suffix = unique_suffix()
            staging = (
                out_dir / f".jixiao-staging-{suffix}" if inside else out_dir.with_name(f".{out_dir.name}.tmp-{suffix}")
            )
            aside = out_dir.with_name(f".{out_dir.name}.old-{suffix}")
            spare = None if inside else spare_path(out_dir)
            try:
                if spare is None or not take_spare(spare, staging):
                    staging.mkdir()
                emptied = recycle_staging(staging, reused, source)
                (staging / MARKER).write_text(
                    "由 jixiao 生成的站点；jixiao build 会整体替换这个文件夹。\n", encoding="utf-8"
                )
                yield staging
                remove_empty_folders(emptied)
                if inside:
                    swap_entries(staging, out_dir, OWN_ENTRIES)
                else:
                    swap_folder(staging, out_dir, aside)
                    if reused and spare is not None and not os.path.lexists(spare):
                        with contextlib.suppress(OSError):  # published already: a spare is only a saving
                            aside.rename(spare)  # the old output, the next build's staging folder
            finally:
                shutil.rmtree(staging, ignore_errors=True)  # the new site if it failed, else the old one
                shutil.rmtree(aside, ignore_errors=True)
    except OSError as exc:
        raise output_error(out_dir, exc, staging) from None


def spare_path(out_dir: Path) -> Path:
    """Where an output's previous version waits to become the next build's staging folder."""
    return out_dir.with_name(f".{out_dir.name}.spare")


def take_spare(spare: Path, staging: Path) -> bool:
    """Move the previous output to `staging` when it is there and jixiao's own (a real folder, no link, with the
    marker): no other folder is ever emptied and reused."""
    if spare.is_symlink() or not (spare / MARKER).is_file():
        return False
    try:
        spare.rename(staging)
    except OSError:
        return False
    return True


def recycle_staging(staging: Path, reused: Collection[str], source: Path | None) -> list[str]:
    """Make `staging` (empty, or a previous output) hold exactly the files `reused`, each a hard link (or copy) of
    the file of that name in `source`: a file there that is already a link of it is kept, every other file
    removed, and the rest linked. What a fresh folder would hold after linking them all, at the cost of a `stat`
    per kept file. Returns the folders it emptied, deepest first, for `remove_empty_folders` once the build has
    written: most are filled again (a unit's page, the assets), and a folder's `rmdir` and `mkdir` cost some 4 ms
    each on a virtual disk, 0.2 s of an incremental build of 200 reports."""
    missing = set(reused)
    emptied: list[str] = []
    if source is None or not missing or os.stat(staging).st_dev != os.stat(source).st_dev:
        prune_folder(staging, "", set(), "", emptied)  # nothing there can be a link of a reused file
    else:
        missing -= set(prune_folder(staging, "", missing, str(source), emptied))
    if missing and source is not None:
        link_files(sorted(missing), source, staging)
    return emptied


def prune_folder(folder: Path | str, prefix: str, wanted: set[str], source: str, emptied: list[str]) -> list[str]:
    """The files under `folder` (named `prefix` in the site) that are wanted and links of the same name in `source`;
    every other file is removed, and each subfolder left empty is added to `emptied` (after its own)."""
    with os.scandir(folder) as entries:
        listed = list(entries)
    kept: list[str] = []
    for entry in listed:
        name = prefix + entry.name
        if entry.is_dir(follow_symlinks=False):
            below = prune_folder(entry.path, name + "/", wanted, source, emptied)
            if not below:
                emptied.append(entry.path)
            kept += below
        elif name in wanted and is_link_of(entry, os.path.join(source, name)):
            kept.append(name)
        else:
            os.unlink(entry.path)
    return kept


def remove_empty_folders(folders: list[str]) -> None:
    """Remove those of `folders` (deepest first) the build left empty: a folder it wrote into again stays (its
    `rmdir` fails at once, writing nothing)."""
    for folder in folders:
        try:
            os.rmdir(folder)
        except OSError as exc:
            if exc.errno not in (errno.ENOTEMPTY, errno.EEXIST):  # POSIX allows either for a folder not empty
                raise


def is_link_of(entry: os.DirEntry, path: str) -> bool:
    """The entry is the file at `path` (the same inode; the caller checked they are on one device)."""
    try:
        return os.stat(path, follow_symlinks=False).st_ino == entry.inode()
    except OSError:
        return False


def output_error(out_dir: Path, exc: OSError, staging: Path | None = None) -> JixiaoError:
    """An OSError while writing the output, as one message: the output path it failed on (the staging folder's
    name mapped to the output's), what happened and what to do."""
    shown = str(out_dir)
    if staging is not None and exc.filename and str(exc.filename).startswith(str(staging)):
        shown += str(exc.filename)[len(str(staging)) :]
    return JixiaoError(f"{shown}: error: 无法写入输出目录（{describe_os_error(exc)}）\n  提示: {os_error_hint(exc)}")


def read_assets(files: ProjectFiles, search_path: list[Path]) -> dict[str, bytes]:
    """The `assets/` of every layer merged, the specific layers winning file by file; every file is read through
    the read policy, so a symlink cannot publish a file from outside the project."""
    merged: dict[str, bytes] = {}
    for layer in reversed(search_path):
        assets = layer / "assets"
        if assets.is_dir():
            merged.update(
                {path.relative_to(assets).as_posix(): files.read_bytes(path) for path in files.files_below(assets)}
            )
    return merged


def copy_assets(files: ProjectFiles, search_path: list[Path], staging: Path) -> None:
    write_files(staging / "assets", read_assets(files, search_path))
