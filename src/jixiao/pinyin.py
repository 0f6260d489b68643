"""Units' names read in pinyin, for their URLs (portal.slugs_of), by pypinyin in a child process.

pypinyin knows how a place name is read (六安 → lù ān) from a dictionary of phrases that costs 0.15 s and some
56 MiB of objects to load whole. The build needs it once, while making the site-wide pages — when its parent process
is at its largest — and would hold it to its end: a short child process (pinyinread.py, which loads only the
phrases the names can use) reads every name at once instead, and the parent's memory never holds the dictionary.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from .errors import JixiaoError

# The child: pinyinread.py run as a script, -P so that neither its folder nor the working directory (the project,
# which may hold a pypinyin.py) comes before the installed packages on its import path.
CHILD = ("-P", str(Path(__file__).with_name("pinyinread.py")))


def pinyin_slugs(names: list[str]) -> dict[str, str]:
    """Each name as a URL reads it: the pinyin of its characters run together, other letters and digits
    lower-cased, anything else one "-" (a name with nothing readable: "unit")."""
    if not names:
        return {}
    try:
        done = subprocess.run(
            [sys.executable, *CHILD], input=json.dumps(names).encode(), capture_output=True, check=True
        )
    except (OSError, subprocess.CalledProcessError) as error:
        raise JixiaoError(
            f"无法读出单位名称的拼音（pypinyin 子进程失败: {failure(error)}）。\n"
            "  提示: 重新安装 jixiao（pip install --force-reinstall jixiao），或在 site.yaml 的 单位网址 下给出每个单位的网址。"
        ) from None
    return {name: slug_of(reading) for name, reading in zip(names, json.loads(done.stdout), strict=True)}


def slug_of(reading: str) -> str:
    """A reading as a URL's folder: lower case, anything but a letter or digit one "-" ("unit" if nothing is left)."""
    return re.sub(r"[^a-z0-9]+", "-", reading.lower()).strip("-") or "unit"


def failure(error: OSError | subprocess.CalledProcessError) -> str:
    """The child's last line of error (a missing module, a kill), or the OS's reason it could not start."""
    if isinstance(error, subprocess.CalledProcessError):
        lines = error.stderr.decode("utf-8", "replace").strip().splitlines()
        return lines[-1] if lines else f"退出码 {error.returncode}"
    return error.strerror or str(error)
