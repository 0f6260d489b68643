"""Scale-out on the CI runner: `jixiao build --shard k/n` builds a deterministic 1/n of the reports, and
`jixiao merge` writes the site-wide pages, open data and search index from the parts.

Every shard reads the whole site (neighbours, attachments and 上年 come from other reports), renders
only its share — every n-th report in key order, starting with the k-th — and writes those reports'
files with a manifest of what the site-wide pages need of them. The merged site is byte-identical to
a single `jixiao build`: the same files, the same site-wide pages, the same search index.

A part comes from another job (a CI artifact), so merge trusts nothing in it: before anything is
written, every part must be all n shards of one build — the same sources as the project merge runs
for (a digest of every file the build read, by name), the same options, each file its manifest lists
a regular file inside its report's folder and no other file, and no symlink anywhere. Files are then
hard-linked (or copied) only if they are still the very files that were checked.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import stat
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, NoReturn

from .cache import record_from_json, record_to_json
from .errors import JixiaoError, describe_os_error
from .inputs import CODE, TYPES, source_digests
from .output import MARKER, write_files
from .reportpage import ReportPage
from .site import SiteContext

if TYPE_CHECKING:
    from .library import Library

MANIFEST = ".jixiao-shard.json"
FORMAT = 3  # of the manifest; a part of another format is not read
# What a shard's bytes depend on besides its sources: build options, and the date of PDFs without their own 日期.
OPTIONS = {
    "pdf": "生成 PDF",
    "pdf_links": "网页链接到 PDF",
    "office": "办公文档（Word、Excel）",
    "source_date_epoch": "环境变量 SOURCE_DATE_EPOCH",
}
REBUILD = "用同一次提交、同样的选项重新构建全部分片（jixiao build --shard k/n --out part-k），再运行 jixiao merge。"


@dataclass(frozen=True)
class Shard:
    """The k-th of n parts of a site."""

    index: int
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        match = re.fullmatch(r"(\d+)/(\d+)", text.strip())
        if not match or not 1 <= int(match[1]) <= int(match[2]):
            raise JixiaoError(f"--shard「{text}」应写成 k/n，1 ≤ k ≤ n，例如 --shard 1/2")
        return cls(int(match[1]), int(match[2]))

    def keys(self, keys: list[str]) -> list[str]:
        """This shard's reports: every n-th in key order, starting with the k-th."""
        return sorted(keys)[self.index - 1 :: self.count]


@dataclass
class ShardManifest:
    """What a shard tells the merge: which of n it is, the whole site's keys, the options and sources it was
    built with (name → digest), and its reports."""

    format: int
    shard: tuple[int, int]
    keys: list[str]
    options: dict[str, bool | str | None]
    sources: dict[str, str]
    pages: list[ReportPage]


class PartError(JixiaoError):
    """A part merge refuses: nothing is written."""

    def __init__(self, part: Path, problem: str, hint: str = REBUILD):
        super().__init__(f"{part}: error: 不能合并这个分片: {problem}\n  提示: {hint}")


def check_shard_output(out_dir: Path | None) -> None:
    """A shard holds a share of the reports, so it goes only where --out names, and never over a complete site
    (a folder jixiao wrote a site into, which has no shard manifest)."""
    if out_dir is None:
        raise JixiaoError(
            "error: --shard 必须和 --out 一起用: 分片只含部分报告，不能写进（替换）项目的 site/\n"
            "  提示: 写成 jixiao build --shard 1/2 --out part-1，各分片都构建后用 "
            "jixiao merge part-1 part-2 --out site 合并成完整站点。"
        )
    if (out_dir / MARKER).is_file() and not (out_dir / MANIFEST).is_file():
        raise JixiaoError(
            f"{out_dir}: error: 不能把分片写入这里: 这是一个完整的站点，分片只含部分报告，会替换掉它\n"
            f"  提示: 用一个新的文件夹，例如 --out part-1；完整站点由 jixiao merge … --out {out_dir} 生成。"
        )


def shard_options(site: SiteContext) -> dict[str, bool | str | None]:
    return {
        "pdf": site.with_pdf,
        "pdf_links": site.pdf_links,
        "office": ",".join(site.office) or None,
        "source_date_epoch": os.environ.get("SOURCE_DATE_EPOCH") if site.with_pdf else None,
    }


def write_manifest(
    staging: Path, shard: Shard, keys: list[str], pages: list[ReportPage], site: SiteContext, library: Library
) -> None:
    pages = [replace(page, indicators=list(page.indicators)) for page in pages]  # a reused one's: Rows
    manifest = ShardManifest(
        FORMAT, (shard.index, shard.count), sorted(keys), shard_options(site), source_digests(site, library), pages
    )
    write_files(staging, {MANIFEST: record_to_json(ShardManifest, manifest)})


@dataclass
class Part:
    """A part as checked: its folder, manifest, and every file in it with its identity (see `identity`)."""

    folder: Path
    manifest: ShardManifest
    files: dict[str, tuple[int, ...]]


def identity(info: os.stat_result) -> tuple[int, ...] | None:
    """Which regular file this is: device and inode, and size and modification time, since a file deleted and
    replaced (by a symlink) may get the same inode number at once. None for anything but a regular file."""
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns) if stat.S_ISREG(info.st_mode) else None


def scan_part(part: Path) -> dict[str, tuple[int, ...]]:
    """Every file in a part by its relative name; a symlink (the part itself, a folder or a file) or anything
    but a folder or regular file is refused, since merge would publish what it points to."""
    if part.is_symlink():
        raise PartError(
            part,
            f"这个文件夹本身是符号链接（指向 {os.readlink(part)}），分片中不能有链接",
            "给出分片的实际文件夹，而不是指向它的链接。",
        )
    found = {}
    for parent, folders, files in os.walk(part, onerror=lambda exc: refuse_unreadable(part, exc)):
        for name in folders + files:
            path = Path(parent, name)
            relative = path.relative_to(part).as_posix()
            try:
                info = path.lstat()
            except OSError as exc:  # gone since the folder was listed
                refuse_unreadable(part, exc)
            if stat.S_ISLNK(info.st_mode):
                raise PartError(
                    part,
                    f"{relative} 是符号链接（指向 {os.readlink(path)}），分片中只能有普通文件",
                    "分片应是 jixiao build --shard 的原样输出: 删除这个链接，或重新构建这个分片。",
                )
            if name in files:
                if not stat.S_ISREG(info.st_mode):
                    raise PartError(
                        part,
                        f"{relative} 不是普通文件（而是管道、设备或套接字）",
                        "分片应是 jixiao build --shard 的原样输出: 删除它，或重新构建这个分片。",
                    )
                found[relative] = identity(info)
    return found


def refuse_unreadable(part: Path, exc: OSError) -> NoReturn:
    raise PartError(part, f"无法读取 {exc.filename}（{describe_os_error(exc)}）", "检查该文件夹的读权限。")


def read_part(part: Path) -> Part:
    """A part whose folder holds only regular files and a readable manifest of this jixiao's format."""
    files = scan_part(part)
    try:
        if MANIFEST not in files:
            raise ValueError(MANIFEST)
        manifest = record_from_json(ShardManifest, read_regular(part / MANIFEST))
        if manifest.format != FORMAT:
            raise ValueError(manifest.format)
    except (OSError, ValueError):
        raise JixiaoError(
            f"{part}: error: 不是 jixiao build --shard 的输出（没有可读的 {MANIFEST}，"
            "或由另一版本的 jixiao 生成）\n"
            f"  提示: 先用这个版本的 jixiao 运行 jixiao build --shard k/n --out {part}。"
        ) from None
    return Part(part, manifest, files)


def open_regular(path: Path):
    """A part's file opened without following a symlink (ELOOP then) or blocking on a FIFO."""
    return open(os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK), "rb")


def read_regular(path: Path) -> bytes:
    with open_regular(path) as handle:
        return handle.read()


def check_complete(parts: list[Part], keys: list[str]) -> None:
    """All n shards of the project's reports, each once, each with exactly its own reports."""
    counts = {p.manifest.shard[1] for p in parts}
    indexes = sorted(p.manifest.shard[0] for p in parts)
    complete = len(counts) == 1 and indexes == list(range(1, counts.pop() + 1))
    if not complete or any(
        p.manifest.keys != keys or sorted(page.key for page in p.manifest.pages) != Shard(*p.manifest.shard).keys(keys)
        for p in parts
    ):
        raise JixiaoError(
            "error: 这些部分不是同一个站点的全部分片（每个 k/n 各一份，内容相同）\n"
            f"  提示: 给出 {', '.join(str(p.folder) for p in parts)} 以外缺少的分片，或用同一次提交重新构建。"
        )


def check_options(parts: list[Part]) -> None:
    """Every part built with the same options: a site with half of its PDFs is not a site."""
    first = parts[0]
    for part in parts[1:]:
        for option, label in OPTIONS.items():
            mine, theirs = part.manifest.options.get(option), first.manifest.options.get(option)
            if mine != theirs:
                raise PartError(
                    part.folder,
                    f"构建选项与 {first.folder} 不同（{label}: 这个分片{describe_option(mine)}，"
                    f"{first.folder} {describe_option(theirs)}）",
                    "所有分片用同样的选项和环境构建（都带或都不带 --no-pdf，SOURCE_DATE_EPOCH 相同），"
                    "再运行 jixiao merge。",
                )


def describe_option(value: bool | str | None) -> str:
    return ("是" if value else "否") if isinstance(value, bool) else "未设置" if value is None else f"「{value}」"


def check_sources(parts: list[Part], expected: dict[str, str], project: Path) -> None:
    """Every part built from exactly the files merge finds in --project: another commit, another project or
    another jixiao is named by the first file that differs."""
    for part in parts:
        sources = part.manifest.sources
        differs = sorted(name for name in expected.keys() | sources.keys() if expected.get(name) != sources.get(name))
        if differs:
            raise PartError(
                part.folder,
                f"它构建时读到的{describe_source(differs[0])}与 --project {project} 中的不同"
                f"（共 {len(differs)} 处不同）",
                "分片须由同一次提交的同一个项目构建，merge 的 --project 也须是那个项目: " + REBUILD,
            )


def describe_source(name: str) -> str:
    if name == CODE:
        return " jixiao 程序（版本、代码或影响输出的库）"
    if name.startswith(TYPES):
        return f"报告类型「{name[len(TYPES) :]}」的定义"
    return f"报告 {name[len('content/') : -1]} 的文件（{name}）" if name.endswith("/") else f" {name} "


def check_files(part: Part) -> None:
    """Each file the manifest lists is a plain relative name inside its report's folder and lies in the part;
    the part holds nothing else but the manifest and the site marker."""
    listed = set()
    for page in part.manifest.pages:
        for name in page.files:
            if not plain_name(name) or not name.startswith(f"{page.key}/") or name in listed:
                raise PartError(
                    part.folder,
                    f"{MANIFEST} 中的文件名 {name!r} 不是报告 {page.key} 文件夹中的相对路径"
                    "（含 ..、绝对路径、反斜杠、空的或 . 的部分，或重复），会写到该报告之外",
                )
            if name not in part.files:
                raise PartError(
                    part.folder,
                    f"{MANIFEST} 列出的 {name} 不在分片中（分片不完整）",
                    "重新构建这个分片；上传或下载分片时保留全部文件（包括以 . 开头的文件）。",
                )
            listed.add(name)
    extra = sorted(part.files.keys() - listed - {MANIFEST, MARKER})
    if extra:
        raise PartError(
            part.folder,
            f"{extra[0]} 不在 {MANIFEST} 的文件清单中（共 {len(extra)} 个这样的文件）",
            "分片中只能有 jixiao build --shard 写出的文件: 删除它，或把这个分片重新构建到一个新的文件夹。",
        )


def plain_name(name: str) -> bool:
    """A relative POSIX path of real names: no .., no absolute path, no backslash, no empty or . part, no NUL."""
    parts = name.split("/")
    return (
        bool(name)
        and "\\" not in name
        and "\0" not in name
        and not PurePosixPath(name).is_absolute()
        and all(part not in ("", ".", "..") for part in parts)
    )


def link_checked(part: Part, name: str, staging: Path) -> None:
    """One file of a part into staging: hard-linked without following a link (or copied from the file opened
    without following one), and only if it is still the file that was checked — a symlink or another file put
    in its place since then is refused."""
    source, target = part.folder / name, staging / name
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target, follow_symlinks=False)
        if identity(os.lstat(target)) == part.files[name]:
            return
        target.unlink()
    except OSError:  # another file system, or no hard links there: copy
        pass
    try:
        with open_regular(source) as handle:
            if identity(os.fstat(handle.fileno())) == part.files[name]:
                with open(target, "xb") as copy:
                    shutil.copyfileobj(handle, copy)
                return
    except OSError as exc:
        if exc.errno != errno.ELOOP:  # ELOOP: it is a symlink now, refused below
            raise PartError(
                part.folder,
                f"无法读取 {name}（{describe_os_error(exc)}）",
                "合并期间不要改动分片；检查文件权限后重新运行 jixiao merge。",
            ) from None
    raise PartError(
        part.folder, f"{name} 在检查之后被换成了别的文件或链接", "合并期间不要改动分片，重新运行 jixiao merge。"
    )


def check_parts(site: SiteContext, library: Library, parts: list[Path], project: Path) -> list[Part]:
    """Every part read and checked against the project merge runs for (`project` as the user named it), before
    anything is written."""
    checked = [read_part(part) for part in parts]
    check_options(checked)
    check_sources(checked, source_digests(site, library), project)
    check_complete(checked, sorted(library.bundles))
    for part in checked:
        check_files(part)
    return checked


def link_parts(parts: list[Part], staging: Path) -> None:
    """Every checked part's report files into staging."""
    for part in parts:
        for page in part.manifest.pages:
            for name in page.files:
                link_checked(part, name, staging)
