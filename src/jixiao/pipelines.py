"""What the CI pipelines of a new site install: checked when `jixiao new site --install` is given, because a
mistake would otherwise show only at a center's first pipeline run, in an English pip error.

Three forms, all passed to `pip install` unchanged: a requirement on jixiao (`jixiao==0.2.0`, parsed by the
`packaging` library, as pip parses it), a wheel of jixiao kept in the repository (a relative path whose file name
is a valid wheel name), or a git URL (`git+https://…@v0.2.0`).
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import InvalidWheelFilename, canonicalize_name, parse_wheel_filename

from .errors import JixiaoError

PACKAGE = "jixiao"
FORMS = (
    "写成已发布的版本（jixiao==0.2.0）、仓库中 wheel 的相对路径（wheels/jixiao-0.2.0-py3-none-any.whl）"
    "或 git 地址（git+https://github.com/…/jixiao.git@v0.2.0）。"
)
# `$` is expanded by GitLab in variables and starts a GitHub expression (`${{ … }}`); a control character (a line
# break) would end the value inside pip's command line.
GIT_SCHEMES = ("git+https", "git+ssh", "git+http", "git+git")  # pip's git schemes that name a host
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")


def check_install_spec(spec: str) -> str:
    """The spec, unchanged, if pip can install jixiao from it on a CI runner; otherwise a JixiaoError."""
    if "$" in spec or _CONTROL_RE.search(spec):
        raise _refused(spec, "含有 $ 或换行等控制字符（CI 会把 $ 当作变量展开）")
    if spec.startswith("git+"):
        _check_git_url(spec)
    elif spec.endswith(".whl"):
        _check_wheel_path(spec)
    else:
        name = _parse_requirement(spec, spec, "不是 pip 能读懂的依赖写法").name
        if canonicalize_name(name) != PACKAGE:
            raise _refused(spec, f"要安装的是「{name}」，不是 {PACKAGE}")
    return spec


def _parse_requirement(text: str, spec: str, reason: str) -> Requirement:
    try:
        return Requirement(text)
    except InvalidRequirement:
        raise _refused(spec, reason) from None


def _check_git_url(spec: str) -> None:
    """A URL pip's git support reads on any runner: one of its schemes, a host, no space."""
    parts = urlsplit(spec)
    if parts.scheme not in GIT_SCHEMES or not parts.netloc:
        raise _refused(spec, f"不是有效的 git 地址（地址应以 {'、'.join(GIT_SCHEMES)} 开头并写明主机）")
    _parse_requirement(f"{PACKAGE} @ {spec}", spec, "不是有效的 git 地址（不能含空格）")


def _check_wheel_path(spec: str) -> None:
    """A wheel in the repository: a relative path inside the checkout, named as a wheel of jixiao."""
    path = PurePosixPath(spec)
    if path.is_absolute() or ".." in path.parts or "\\" in spec:
        raise _refused(spec, "wheel 应写成仓库内的相对路径（CI 在仓库的根目录运行 pip）")
    try:
        name = parse_wheel_filename(path.name)[0]
    except InvalidWheelFilename:
        raise _refused(spec, f"「{path.name}」不是有效的 wheel 文件名（应像 jixiao-0.2.0-py3-none-any.whl）") from None
    if name != PACKAGE:
        raise _refused(spec, f"这是「{name}」的 wheel，不是 {PACKAGE} 的")


def _refused(spec: str, reason: str) -> JixiaoError:
    shown = _CONTROL_RE.sub(lambda m: f"\\x{ord(m.group()):02x}", spec)
    return JixiaoError(f"--install: error: 不能用「{shown}」安装 jixiao: {reason}。\n  提示: {FORMS}")
