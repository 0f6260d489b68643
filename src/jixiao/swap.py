"""Putting a finished staging folder in the place of the output, so that readers never see half a build.

An output folder that is an ordinary folder is swapped whole: `renameat2(RENAME_EXCHANGE)` exchanges the
staging folder and the output in one step (a reader sees the old site or the new one, never none), and
where the system cannot exchange (not Linux, or a file system without it) the output is renamed aside and
the staging folder renamed in its place.

An output folder that is a mount point (a CI volume, an NFS share, a bind mount) cannot be renamed, and
nothing can be renamed into it from another file system, so its staging folder lies inside it and the
new site replaces the old one entry by entry: each top-level entry (a year's folder, assets/, index.html
…) is exchanged atomically, folders first and the home page last; entries the new site no longer has are
removed after. A reader during those few renames may see a new year's folder beside the old home page;
never a half-written file. Where exchange is not available, files are still replaced atomically and a
folder is missing for the moment between two renames.
"""

from __future__ import annotations

import ctypes
import errno
import os
import re
from pathlib import Path

AT_FDCWD = -100
RENAME_EXCHANGE = 2
UNSUPPORTED = {errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP}
_MOUNTINFO_ESCAPE = re.compile(rb"\\([0-7]{3})")


def _renameat2():
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    return function


def exchange(first: Path, second: Path) -> bool:
    """Swap two existing paths in one atomic step; False where the system or file system cannot."""
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    if renameat2(AT_FDCWD, os.fsencode(first), AT_FDCWD, os.fsencode(second), RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in UNSUPPORTED:
        return False
    raise OSError(code, os.strerror(code), str(first), None, str(second))


def is_mount_point(folder: Path) -> bool:
    """A folder something is mounted on, bind mounts of the same file system included (os.path.ismount misses
    those; Linux lists every mount in /proc/self/mountinfo)."""
    if os.path.ismount(folder):
        return True
    try:
        table = Path("/proc/self/mountinfo").read_bytes()
    except OSError:
        return False
    real = os.fsencode(os.path.realpath(folder))
    return any(
        _MOUNTINFO_ESCAPE.sub(lambda m: bytes([int(m[1], 8)]), line.split(b" ")[4]) == real
        for line in table.splitlines()
        if len(line.split(b" ")) > 4
    )


def swap_folder(staging: Path, out_dir: Path, aside: Path) -> None:
    """Put staging in the place of out_dir; the old output ends up at `aside` (or at staging, when exchanged)."""
    if not os.path.lexists(out_dir):
        staging.rename(out_dir)
    elif exchange(staging, out_dir):
        staging.rename(aside)
    else:
        out_dir.rename(aside)
        try:
            staging.rename(out_dir)
        except BaseException:
            aside.rename(out_dir)
            raise


def swap_entries(staging: Path, out_dir: Path, own: re.Pattern[str]) -> None:
    """Replace the entries of out_dir by those of staging (which lies inside it), one atomic rename each; the old
    entries end up in staging. Entries named by `own` (jixiao's lock and staging folders) are left alone."""
    new = sorted(os.listdir(staging), key=lambda name: (not (staging / name).is_dir(), name == "index.html", name))
    exchanged: list[str] = []
    try:
        for name in new:
            if replace_entry(staging / name, out_dir / name):
                exchanged.append(name)
    except BaseException:
        for name in reversed(exchanged):  # put back what was swapped: the old site again
            exchange(staging / name, out_dir / name)
        raise
    gone = [name for name in os.listdir(out_dir) if name not in new and not own.fullmatch(name)]
    for name in gone:
        (out_dir / name).rename(staging / name)


def replace_entry(new: Path, target: Path) -> bool:
    """Move `new` to `target`, the old target to where `new` was. True when this was one atomic exchange."""
    if os.path.lexists(target) and exchange(new, target):
        return True
    if os.path.lexists(target) and target.is_dir() and not target.is_symlink():
        old = new.with_name(f"{new.name}.old")
        target.rename(old)
        new.rename(target)
        old.rename(new)
        return False
    new.replace(target)
    return False
