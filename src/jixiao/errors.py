"""One exception hierarchy whose messages name the file, line and key.

Every stage raises `SourceError` (or a subclass) for bad input; the CLI prints
`format()` and exits non-zero, so no user ever sees a traceback for a data error.
"""

from __future__ import annotations

import difflib
import errno
import functools
import importlib.util
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

EXCERPT = 80  # characters of a source line, or of a quoted passage, that a message shows


def line_column(text: str, at: int) -> tuple[int, int]:
    """The 1-based line and column of text[at], as editors show them."""
    return text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at)


class _SharedPaths:
    """How pydantic reads a Location's path (the findings of the build cache's manifest, 8 a report, and of a shard's):
    one `Path` per file, shared by its findings. pydantic makes a `Path` in Python, some 5 µs, which was two thirds of
    validating the findings (22 of 32 ms at 1000 reports). pydantic is imported only when it builds a schema."""

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        return core_schema.json_or_python_schema(
            json_schema=core_schema.no_info_after_validator_function(
                shared_path, core_schema.nullable_schema(core_schema.str_schema())
            ),
            python_schema=handler(source),
            serialization=core_schema.plain_serializer_function_ser_schema(str, when_used="json-unless-none"),
        )


def shared_path(text: str | None) -> Path | None:
    """The same `Path` for the same text (a `Path` is immutable)."""
    return None if text is None else _path_of(text)


@functools.lru_cache(maxsize=4096)
def _path_of(text: str) -> Path:
    return Path(text)


@dataclass(frozen=True, init=False)
class Location:
    """A position in a source file: 1-based line and column, as editors show them."""

    path: Annotated[Path | None, _SharedPaths()]
    line: int = 0
    column: int = 0

    def __init__(self, path: Path | None, line: int = 0, column: int = 0) -> None:
        """Its instance dictionary set at once, in the fields' order: the same object, equal and hashing the same,
        as the frozen dataclass's own `__init__` makes by three `object.__setattr__` calls, which were two fifths
        of making one (every typed figure, finding and error makes one: 6.0 → 3.7 K instructions)."""
        _set_location_dict(self, {"path": path, "line": line, "column": column})

    def describe(self, root: Path | None = None) -> str:
        """Render `file:line:col`, relative to the project root when possible."""
        if self.path is None:
            return "<input>"
        shown = self.path
        if root is not None:  # relative to the project, without following symlinks (they may loop or leave it)
            absolute, base = Path(os.path.abspath(self.path)), Path(os.path.abspath(root))
            if absolute.is_relative_to(base):
                shown = absolute.relative_to(base)
        text = str(shown)
        if self.line:
            text += f":{self.line}"
            if self.column:
                text += f":{self.column}"
        return text


_set_location_dict = Location.__dict__["__dict__"].__set__


class JixiaoError(Exception):
    """Base of all errors the tool reports to the user without a traceback."""

    def format(self, root: Path | None = None) -> str:
        return str(self)

    def verdict(self, what: str) -> str:
        """The last line the command prints, e.g. 构建失败: 1 个错误，未写入任何输出。"""
        return f"{what}: {self.count} 个错误，未写入任何输出。"

    @property
    def count(self) -> int:
        return 1


class SourceError(JixiaoError):
    """Bad input at a known place: message, optional key path and a hint on what to do."""

    def __init__(
        self, location: Location, message: str, key: str | None = None, hint: str | None = None, rule: str = "input"
    ):
        super().__init__(message)
        self.location = location
        self.message = message
        self.key = key
        self.hint = hint
        self.rule = rule

    def __reduce__(self):  # keep all fields when sent back from a worker process
        return (type(self), (self.location, self.message, self.key, self.hint, self.rule))

    def format(self, root: Path | None = None) -> str:
        head = f"{self.location.describe(root)}: error: "
        if self.key:
            head += f"{self.key}: "
        lines = [f"{head}{self.message} [{self.rule}]"]
        snippet = read_source_line(self.location, root)
        if snippet is not None:
            lines.append(f"    {snippet}")
        if self.hint:
            lines.append(f"  提示: {self.hint}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.format()


class ErrorGroup(JixiaoError):
    """Several independent input errors, reported together so an author fixes them in one pass."""

    def __init__(self, errors: list[SourceError]):
        super().__init__(f"{len(errors)} errors")
        self.errors = errors

    def __reduce__(self):
        return (type(self), (self.errors,))

    @staticmethod
    def raise_any(errors: list[SourceError]) -> None:
        """Raise the errors found, together: one as itself, several as a group; none, nothing."""
        if errors:
            raise errors[0] if len(errors) == 1 else ErrorGroup(errors)

    @property
    def count(self) -> int:
        return len(self.errors)

    def format(self, root: Path | None = None) -> str:
        return "\n".join(e.format(root) for e in self.errors)


_OS_REASONS = {
    errno.EACCES: "没有权限",
    errno.EPERM: "没有权限",
    errno.ENOENT: "路径不存在",
    errno.ENOTDIR: "路径中有一段是文件而不是文件夹",
    errno.EISDIR: "这是文件夹",
    errno.EROFS: "文件系统只读",
    errno.ENOSPC: "磁盘空间不足",
    errno.ELOOP: "符号链接循环",
    errno.EEXIST: "已存在同名文件",
    errno.ENAMETOOLONG: "文件名或路径过长",
    errno.EDQUOT: "磁盘配额已用完",
    errno.EIO: "读写出错（磁盘或网络存储故障）",
    errno.EBUSY: "正被占用（可能是挂载点）",
    errno.EXDEV: "不能跨文件系统移动",
}
_NO_SPACE = "释放磁盘空间（或用 --out 写到空间更大的磁盘）后重新构建；原有站点没有改动。"
_NO_RIGHT = "检查该目录及其上级目录的写权限，或用 --out 指定别的目录。"
_OS_HINTS = {
    errno.ENOSPC: _NO_SPACE,
    errno.EDQUOT: _NO_SPACE,
    errno.EACCES: _NO_RIGHT,
    errno.EPERM: _NO_RIGHT,
    errno.EROFS: _NO_RIGHT,
    errno.ENAMETOOLONG: "一个文件名最长 255 字节（一个汉字占 3 字节），整个路径最长 4096 字节：用 --out 指定更短的"
    "输出路径，或缩短报告的文件夹名。",
}


def describe_os_error(exc: OSError) -> str:
    """Why a file could not be read or written, in the user's words (the system's own text is English)."""
    return _OS_REASONS.get(exc.errno or 0, f"系统错误 {exc.errno}" if exc.errno else "系统错误")


def os_error_hint(exc: OSError) -> str:
    """What to do about a failed write: the 提示 of every message made from an OSError."""
    return _OS_HINTS.get(
        exc.errno or 0, "检查输出目录所在的磁盘，或用 --out 指定别的目录，再重新构建；原有站点没有改动。"
    )


def read_source_line(location: Location, root: Path | None = None) -> str | None:
    """Return the offending line (Hugo-style context) or None when it cannot be read safely.

    Only a regular file inside the project (`root`) or the installed themes is read, so a symlinked
    report.yaml can never print a line of a file outside the project, and a FIFO never blocks.
    """
    if location.path is None or location.line <= 0:
        return None
    try:
        real = location.path.resolve(strict=True)
        if not any(real.is_relative_to(r) for r in _readable_roots(root)):
            return None
        fd = os.open(real, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW)
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode) or info.st_size > 4 * 1024 * 1024:
                return None
            lines = handle.read().decode("utf-8").splitlines()
    except (OSError, RuntimeError, UnicodeDecodeError):
        return None
    if location.line > len(lines):
        return None
    return excerpt(lines[location.line - 1].rstrip(), location.column)


def excerpt(text: str, column: int = 0, width: int = EXCERPT) -> str:
    """At most `width` characters of `text` around `column` (1-based; 0: from the start), with … where cut: a
    message quotes a 200 KB paragraph, or a 1 MB line, by the part that matters."""
    if len(text) <= width:
        return text
    start = min(max(column - 1 - width // 2, 0), len(text) - width) if column else 0
    return ("…" if start else "") + text[start : start + width] + ("…" if start + width < len(text) else "")


@functools.lru_cache(maxsize=8)
def _readable_roots(root: Path | None) -> tuple[Path, ...]:
    """The folders a message may quote a line of: once per project (a build prints some 400 warnings at 1000
    reports, and finding the themes and resolving both cost more than reading the line)."""
    spec = importlib.util.find_spec("jixiao.themes")
    themes = [Path(p).resolve() for p in (spec.submodule_search_locations or [])] if spec else []
    return (*([root.resolve()] if root is not None else []), *themes)


def did_you_mean(name: str, candidates: list[str], n: int = 3) -> str:
    """「是否想写…」 for the nearest existing names, then the full list: the hint of every unknown name."""
    close = difflib.get_close_matches(name, candidates, n=n, cutoff=0.4)
    listing = f"可用: {'、'.join(candidates)}" if candidates else ""
    return f"是否想写「{'」「'.join(close)}」？{listing}" if close else listing


class RuleError(ValueError):
    """A model rule that failed (raised inside a pydantic validator): where inside the object it lies
    (`at`, a key path such as ("计算", 0, "列")) and what to do, so validate_model can say both."""

    def __init__(self, message: str, hint: str, at: tuple[str | int, ...] = ()):
        super().__init__(message)
        self.hint = hint
        self.at = at
