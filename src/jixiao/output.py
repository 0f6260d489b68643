"""Writing the site: a staging folder swapped into place only when the whole build succeeded."""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path
from typing import Iterator


def write_files(root: Path, files: dict[str, bytes]) -> None:
    """Write named files (relative paths) under root, creating folders as needed."""
    for name, data in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def link_or_copy(source: str | Path, target: str | Path) -> None:
    """Reuse an unchanged file of the previous build: a hard link, or a copy where links are not possible."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def copy_assets(search_path: list[Path], staging: Path) -> None:
    """Copy `assets/` of every layer, most generic first, so specific layers win file by file."""
    for layer in reversed(search_path):
        assets = layer / "assets"
        if assets.is_dir():
            shutil.copytree(assets, staging / "assets", dirs_exist_ok=True)


@contextlib.contextmanager
def staged_output(out_dir: Path) -> Iterator[Path]:
    """Yield a staging folder beside out_dir and swap it in on success; on any failure nothing changes."""
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = out_dir.with_name(f".{out_dir.name}.tmp-{os.getpid()}")
    old = out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
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


