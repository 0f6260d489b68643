"""Scale-out on the CI runner: `jixiao build --shard k/n` builds a deterministic 1/n of the reports, and
`jixiao merge` writes the site-wide pages, open data and search index from the parts.

Every shard reads the whole site (neighbours, attachments and 上年 come from other reports), renders
only its share — every n-th report in key order, starting with the k-th — and writes those reports'
files with a manifest of what the site-wide pages need of them. The merged site is byte-identical to
a single `jixiao build`: the same files, the same site-wide pages, the same search index.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path

from .cache import record_from_json, record_to_json
from .errors import JixiaoError
from .output import check_output_dir, copy_assets, link_files, staged_output, write_files
from .page import ReportPage
from .site import open_site
from .siteindex import write_site_pages

MANIFEST = ".jixiao-shard.json"


@dataclass(frozen=True)
class Shard:
    """The k-th of n parts of a site."""

    index: int
    count: int

    @classmethod
    def parse(cls, text: str) -> "Shard":
        match = re.fullmatch(r"(\d+)/(\d+)", text.strip())
        if not match or not 1 <= int(match[1]) <= int(match[2]):
            raise JixiaoError(f"--shard「{text}」应写成 k/n，1 ≤ k ≤ n，例如 --shard 1/2")
        return cls(int(match[1]), int(match[2]))

    def keys(self, keys: list[str]) -> list[str]:
        """This shard's reports: every n-th in key order, starting with the k-th."""
        return sorted(keys)[self.index - 1::self.count]


@dataclass
class ShardManifest:
    """What a shard tells the merge: which of n it is, the whole site's keys, and its reports."""

    format: int
    shard: tuple[int, int]
    keys: list[str]
    pages: list[ReportPage]


def write_manifest(staging: Path, shard: Shard, keys: list[str], pages: list[ReportPage]) -> None:
    manifest = ShardManifest(1, (shard.index, shard.count), sorted(keys), pages)
    write_files(staging, {MANIFEST: record_to_json(ShardManifest, manifest)})


def read_parts(parts: list[Path]) -> list[tuple[Path, ReportPage]]:
    """Every part's reports; the parts must be all n shards of one site, each once."""
    manifests = []
    for part in parts:
        try:
            manifests.append((part, record_from_json(ShardManifest, (part / MANIFEST).read_bytes())))
        except (OSError, ValueError):
            raise JixiaoError(f"{part}: error: 不是 jixiao build --shard 的输出（没有可读的 {MANIFEST}）\n"
                              f"  提示: 先运行 jixiao build --shard k/n --out {part}。") from None
    counts = {m.shard[1] for _, m in manifests}
    indexes = sorted(m.shard[0] for _, m in manifests)
    sites = {tuple(m.keys) for _, m in manifests}
    if len(counts) != 1 or indexes != list(range(1, counts.pop() + 1)) or len(sites) != 1:
        raise JixiaoError("error: 这些部分不是同一个站点的全部分片（每个 k/n 各一份，内容相同）\n"
                          f"  提示: 给出 {', '.join(str(p) for p in parts)} 以外缺少的分片，或用同一次提交重新构建。")
    return [(part, page) for part, manifest in manifests for page in manifest.pages]


def merge_parts(project: Path, parts: list[Path], out_dir: Path | None, search: bool = True) -> tuple[Path, int, float]:
    """Write a whole site from the parts: their reports' files, then everything site-wide."""
    started = time.perf_counter()
    site = open_site(project)
    out_dir = check_output_dir(site.project, out_dir or site.project / "site")
    pages = read_parts(parts)
    with staged_output(out_dir) as staging:
        for part, page in pages:
            link_files(page.files, part, staging)
        copy_assets(site.files, site.search_path, staging)
        write_site_pages(site, [page for _, page in pages], staging, None, None, search)
    return out_dir, len(pages), time.perf_counter() - started
