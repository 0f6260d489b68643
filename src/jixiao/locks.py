"""One build at a time per output folder: an flock on a lock file beside (or, on a mount point, inside) it.

Two CI jobs on one runner, or a build while `serve` starts from site/, would otherwise write the same
staging names, the same cache manifest and swap folders under each other. The second build waits for
the first (and says so). While a build holds the lock, every staging folder of its output is known to be
stale — its owner is gone — whatever process id it was named after (PID 1 in a container is always
alive). The kernel drops an flock when its holder dies, so a killed build never leaves a lock held.

The lock file is removed when its last holder ends, so it never stays in the project; a waiter that wakes
up on a removed file tries again on the new one.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

_HELD: dict[str, int] = {}  # lock files this process holds exclusively: a build's staging takes the same lock again


def say_waiting(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@contextlib.contextmanager
def holding(
    lock: Path, what: str, shared: bool = False, waiting: Callable[[str], None] = say_waiting
) -> Iterator[None]:
    """Hold the lock file `lock` (exclusive, or shared by readers), waiting for another holder to finish."""
    key = str(lock)
    if key in _HELD:  # taken again inside the same build (its staging folder): already ours
        yield
        return
    descriptor = acquire(lock, fcntl.LOCK_SH if shared else fcntl.LOCK_EX, what, waiting)
    if not shared:
        _HELD[key] = descriptor
    try:
        yield
    finally:
        if not shared:
            del _HELD[key]
        release(lock, descriptor)


def release(lock: Path, descriptor: int) -> None:
    """Let go of the lock, removing its file when no one else holds it (a shared holder too, so a preview that read
    site/ leaves nothing in the project)."""
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        if still_there(lock, descriptor):
            lock.unlink()  # held exclusively: a waiter that wakes on it sees it gone and locks the new file
    except OSError:
        pass  # another process holds it too: the file stays for it
    finally:
        os.close(descriptor)


def acquire(lock: Path, mode: int, what: str, waiting: Callable[[str], None]) -> int:
    """An open descriptor of `lock` holding the flock; told once through `waiting` when another build holds it."""
    told = False
    while True:
        descriptor = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
        try:
            try:
                fcntl.flock(descriptor, mode | fcntl.LOCK_NB)
            except BlockingIOError:
                if not told:
                    waiting(f"{what}: 另一个构建正在进行，等待它完成…")
                    told = True
                fcntl.flock(descriptor, mode)
            if still_there(lock, descriptor):
                return descriptor
        except BaseException:
            os.close(descriptor)
            raise
        os.close(descriptor)  # the holder removed the file as it finished: lock the one there now


def still_there(lock: Path, descriptor: int) -> bool:
    """The locked file is still the one at its path (a finished holder removes it)."""
    try:
        named = os.stat(lock)
    except FileNotFoundError:
        return False
    held = os.fstat(descriptor)
    return (named.st_dev, named.st_ino) == (held.st_dev, held.st_ino)
