"""Units' names read in pinyin, for their URLs (portal.slugs_of), by pypinyin in a child process.

pypinyin knows how a place name is read (六安 → lù ān) from a dictionary of phrases that costs 0.15 s and some
56 MiB of objects to load. The build needs it once, while making the site-wide pages — when its parent process
is at its largest — and would hold it to its end: a short child process reads every name at once instead, and
the parent's memory never holds the dictionary.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

from .errors import JixiaoError

# Reads a JSON list of names on stdin, writes their readings; JSON's ASCII escapes whatever the locale's encoding.
_READ_NAMES = (
    "import json, sys\n"
    "from pypinyin import lazy_pinyin\n"
    "print(json.dumps([''.join(lazy_pinyin(name)) for name in json.load(sys.stdin)]))\n"
)

# pypinyin copies its two dictionaries at import so that a program may change them (load_phrases_dict); the child
# reads them as shipped, and its documented switch skips the copies (27 M of its 1.13 G instructions).
_AS_SHIPPED = {"PYPINYIN_NO_DICT_COPY": "1"}


def pinyin_slugs(names: list[str]) -> dict[str, str]:
    """Each name as a URL reads it: the pinyin of its characters run together, other letters and digits
    lower-cased, anything else one "-" (a name with nothing readable: "unit")."""
    if not names:
        return {}
    try:
        done = subprocess.run(
            [sys.executable, "-c", _READ_NAMES],
            input=json.dumps(names).encode(),
            capture_output=True,
            check=True,
            env={**os.environ, **_AS_SHIPPED},
        )
    except (OSError, subprocess.CalledProcessError) as error:
        raise JixiaoError(
            f"无法读出单位名称的拼音（pypinyin 子进程失败: {failure(error)}）。\n"
            "  提示: 重新安装 jixiao（pip install --force-reinstall jixiao），或在 site.yaml 的 单位网址 下给出每个单位的网址。"
        ) from None
    readings = json.loads(done.stdout)
    return {
        name: re.sub(r"[^a-z0-9]+", "-", reading.lower()).strip("-") or "unit"
        for name, reading in zip(names, readings, strict=True)
    }


def failure(error: OSError | subprocess.CalledProcessError) -> str:
    """The child's last line of error (a missing module, a kill), or the OS's reason it could not start."""
    if isinstance(error, subprocess.CalledProcessError):
        lines = error.stderr.decode("utf-8", "replace").strip().splitlines()
        return lines[-1] if lines else f"退出码 {error.returncode}"
    return error.strerror or str(error)
