"""One read-path policy for every file the build reads or publishes.

A file is read only when it lies inside the project (or inside a theme shipped with jixiao),
is reached without a symlink that leaves those roots, is a regular file (not a folder, FIFO or
device, which could block the build forever) and is not larger than a limit. Everything the
build reads — site.yaml, report bundles, layouts, assets, glossary data, fonts and images for
the PDF — goes through `ProjectFiles`, so this is the one place that decides.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from .chars import INVISIBLE_HINT
from .errors import Location, SourceError, describe_os_error, line_column

TEXT_LIMIT = 4 * 1024 * 1024  # YAML, Markdown and templates: the largest real report.yaml is 30 KB
FILE_LIMIT = 64 * 1024 * 1024  # images, fonts and other files published beside a report
# Files that editors, merge tools and file managers leave beside the ones an author saved: backups (`report.yaml~`,
# `草稿.bak`), autosaves and locks (`#01-概况.md#`, `.#report.yaml`, `~$草稿.docx`, `.~lock.表.xlsx#`), swap files,
# a patch's leftovers (`.orig`, `.rej`) and folder thumbnails. Nobody meant to publish them, so no bundle, layout or
# asset folder ever reads, digests or publishes one (files_below leaves them out, as it leaves out hidden files).
_LEFTOVER_RE = re.compile(
    r"""(?x) ^\. | ~$ | ^\#.*\#$ | ^~\$ | \.(orig|rej|bak|tmp|swp|swo|swx|kate-swp)$
                              | ^(thumbs\.db|ehthumbs\.db|desktop\.ini|icon\r)$""",
    re.IGNORECASE,
)
# All control characters but tab, newline and carriage return; and the other line breaks (NEL, U+2028/9), which
# YAML and Python count as new lines where an editor does not, so that every later line number would be off.
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x85\u2028\u2029]")


@dataclass(frozen=True)
class ProjectFiles:
    """The project folder and the read-only roots outside it that may be read (installed themes)."""

    project: Path
    extra_roots: tuple[Path, ...] = ()

    @classmethod
    def open(cls, project: Path, extra_roots: tuple[Path, ...] = ()) -> ProjectFiles:
        return cls(project.resolve(), tuple(r.resolve() for r in extra_roots))

    @property
    def roots(self) -> tuple[Path, ...]:
        return (self.project, *self.extra_roots)

    def allows(self, real: Path) -> bool:
        """Whether a resolved path lies inside one of the roots."""
        return any(real == root or real.is_relative_to(root) for root in self.roots)

    def resolve(self, path: Path, folders: dict[Path, Path] | None = None) -> Path:
        """The real path of `path`, or an error when it is missing, a broken or looping symlink, or outside.
        `folders`: the real paths of folders already looked up in this pass (see known_folder)."""
        if folders is not None:
            real = self.known_folder(path, folders)
            if real is not None:
                return real
        try:
            real = path.resolve(strict=True)
        except FileNotFoundError:
            broken = path.is_symlink()
            raise SourceError(
                Location(path),
                "符号链接指向的文件不存在" if broken else "文件不存在",
                hint="删除这个链接，或把文件本身放进项目。" if broken else "检查文件名。",
            ) from None
        except (RuntimeError, OSError):  # a symlink loop (ELOOP), or a path that cannot be looked up
            raise SourceError(
                Location(path),
                "无法解析该路径（符号链接循环，或没有访问权限）",
                hint="删除循环的符号链接，或检查文件夹权限。",
            ) from None
        if not self.allows(real):
            raise SourceError(
                Location(path),
                "这是指向项目之外的符号链接，已拒绝读取",
                hint="jixiao 只读取项目文件夹中的文件：把文件本身复制进项目。",
            )
        return real

    def known_folder(self, path: Path, folders: dict[Path, Path]) -> Path | None:
        """When a pass reads many files of few folders (every bundle of a site), a folder's real path is looked
        up once, and a file that is not itself a symlink lies where its folder does: one lstat instead of one
        per path component. None for a symlink or anything amiss, which the full lookup then explains."""
        folder = folders.get(path.parent)
        if folder is None:
            try:
                folder = folders[path.parent] = self.resolve(path.parent)
            except SourceError:
                return None
        try:
            info = os.lstat(folder / path.name)
        except OSError:
            return None
        return None if stat.S_ISLNK(info.st_mode) else folder / path.name

    def stat_below(self, folder: Path, folders: dict[Path, Path]) -> dict[str, os.stat_result] | None:
        """Every file files_below lists, by its path relative to `folder` (POSIX), with its stat: what an unchanged
        bundle is recognised by without reading it. None when only reading can tell (a file that is not a regular
        one, a symlink, a folder that cannot be looked up): read_bytes then explains. Files under a folder inside
        the roots, reached without a symlink (files_below enters none), are what read_bytes would read."""
        try:
            real = str(self.known_folder(folder, folders) or self.resolve(folder))
            names = self.names_below(folder)
        except SourceError:
            return None
        found = {}
        for name in names:
            try:
                info = os.lstat(f"{real}/{name}")
            except OSError:
                return None
            if not stat.S_ISREG(info.st_mode):
                return None
            found[name] = info
        return found

    def read_bytes(self, path: Path, limit: int = FILE_LIMIT, folders: dict[Path, Path] | None = None) -> bytes:
        """The bytes of a regular file inside the roots, at most `limit` of them."""
        return self.read_stamped(path, limit, folders)[0]

    def read_stamped(
        self, path: Path, limit: int = FILE_LIMIT, folders: dict[Path, Path] | None = None
    ) -> tuple[bytes, os.stat_result]:
        """read_bytes, and the file's stat taken before reading it: a write after that stat changes the stat, so a
        later build that finds the same stat may trust the bytes read here (load.trusted_bundle)."""
        real = self.resolve(path, folders)
        try:
            fd = os.open(real, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW)
        except OSError as exc:
            raise SourceError(
                Location(path), f"无法读取文件（{describe_os_error(exc)}）", hint="检查文件权限。"
            ) from None
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            os.close(fd)
            raise SourceError(
                Location(path), "这不是普通文件（而是文件夹、管道或设备），不能读取", hint="删除它，或换成普通文件。"
            )
        with os.fdopen(fd, "rb") as handle:
            if info.st_size > limit:
                raise SourceError(
                    Location(path),
                    f"文件过大（{info.st_size // 1024} KB，上限 {limit // 1024} KB）",
                    hint="检查是否放错了文件；大的附件请压缩或拆分。",
                )
            data = handle.read(info.st_size + 1)  # a buffer of the file's size, not of the limit (4 MiB a text)
            if len(data) > info.st_size:  # it grew since fstat: read on, up to the limit
                data += handle.read(limit - len(data) + 1)
            return data[:limit], info

    def read_text(self, path: Path, limit: int = TEXT_LIMIT) -> str:
        """A UTF-8 text file; a wrong encoding or a control character is an error at its line and column."""
        return decode_text(self.read_bytes(path, limit), path)

    def files_below(self, folder: Path) -> list[Path]:
        """Every file under `folder` (neither hidden nor an editor's leftover), in a stable order; symlinked
        folders are not entered, and one that leaves the project is an error."""
        return sorted(folder / name for name in self.names_below(folder))

    def names_below(self, folder: Path, prefix: str = "") -> list[str]:
        """files_below's files by their POSIX paths relative to `folder`, unordered: one scandir per folder and no
        path objects, since an unchanged build lists every bundle (stat_below). A folder that cannot be listed is
        passed over, as os.walk does."""
        found = []
        try:
            entries = list(os.scandir(folder / prefix if prefix else folder))
        except OSError:
            return found
        for entry in entries:
            if is_leftover(entry.name):
                continue
            if entry.is_dir(follow_symlinks=False):
                found += self.names_below(folder, f"{prefix}{entry.name}/")
            elif is_folder_link(entry):
                self.resolve(Path(entry.path))  # a symlinked folder is not entered; one leaving the project is an error
            else:
                found.append(prefix + entry.name)  # a file, or a link the read explains (broken, a loop …)
        return found


def is_folder_link(entry: os.DirEntry) -> bool:
    """Whether an entry is a symlink to a folder; a broken or looping link is not (os.walk's rule)."""
    try:
        return entry.is_symlink() and entry.is_dir()
    except OSError:
        return False


def is_leftover(name: str) -> bool:
    """Whether a file name is hidden or one an editor or file manager leaves behind (see _LEFTOVER_RE)."""
    return _LEFTOVER_RE.search(name) is not None


def checked_text(data: bytes) -> str:
    """UTF-8 without its BOM, unchecked: bytes that decode_text took before (a released bundle's text read again,
    its digest unchanged) need no second look for control characters (half the cost of reading a report)."""
    return data.decode("utf-8").removeprefix("\ufeff")


def decode_text(data: bytes, path: Path | None) -> str:
    """UTF-8 (a leading BOM is dropped); errors name the line and column, as an editor shows them."""
    try:
        text = checked_text(data)
    except UnicodeDecodeError as exc:
        line, column = _line_column(data, exc.start)
        raise SourceError(
            Location(path, line, column),
            "文件不是 UTF-8 编码（此处的字节无法按 UTF-8 读取）",
            hint="用编辑器把文件另存为 UTF-8 编码（不要用 GBK/GB2312）。",
        ) from None
    control = _CONTROL_RE.search(text)
    if control is not None:
        bad = control.start()
        raise SourceError(
            Location(path, *line_column(text, bad)),
            f"文件中有控制字符 U+{ord(text[bad]):04X}（不可见字符）",
            hint=f"{INVISIBLE_HINT}。",
        )
    return text


def _line_column(data: bytes, offset: int) -> tuple[int, int]:
    line_start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[line_start:offset].decode("utf-8", "replace")) + 1
    return data.count(b"\n", 0, offset) + 1, column
