"""An unchanged bundle is known by its files' stat, as git knows its work tree (issue 22: an unchanged or
one-report-changed build at 1000 reports read and digested all 3000 files, some 0.3 s): these tests check that
an unchanged build reads no bundle file, and that no edit slips past the stat — a restored mtime, a file added
or removed, a write within the racy window."""

from __future__ import annotations

import filecmp
import os
from pathlib import Path

import pytest
from conftest import composite, copy_demo, edit

import jixiao.load
from jixiao.build import build_site
from jixiao.cache import CODE_RECORD, ManifestHead, manifest_lines, manifest_path, read_manifest, record_text, rows_text
from jixiao.paths import ProjectFiles
from jixiao.preview import Preview

YAML = "content/2024/demo/report.yaml"


@pytest.fixture
def settled(monkeypatch):
    """No racy window: a file written by the test just before a build is trusted by the next one. (The window,
    RACY_NS, is 2 s; the test that needs it keeps it.)"""
    monkeypatch.setattr(jixiao.load, "RACY_NS", 0)


@pytest.fixture
def reads(monkeypatch) -> list[str]:
    """The bundle files read through the read policy (every read of a project file goes through read_stamped)."""
    found: list[str] = []
    read = ProjectFiles.read_stamped

    def counted(self, path, *args, **kwargs):
        if "/content/2024/" in str(path):
            found.append(Path(path).name)
        return read(self, path, *args, **kwargs)

    monkeypatch.setattr(ProjectFiles, "read_stamped", counted)
    return found


def page(project: Path, slug: str = "demo") -> str:
    return (project / f"site/2024/{slug}/index.html").read_text(encoding="utf-8")


def test_an_unchanged_build_reads_no_bundle_file(project, settled, reads):
    copy_demo(project, "other")
    build_site(project, search=False)
    build_site(project, search=False)  # a file written within the window of the first is trusted from here on
    reads.clear()
    assert build_site(project, search=False).rebuilt == 0
    assert reads == []  # neither report.yaml nor 01-概况.md of either report


def test_a_changed_report_is_read_and_the_others_are_not(project, settled, reads):
    copy_demo(project, "other")
    build_site(project, search=False)
    build_site(project, search=False)
    reads.clear()
    edit(project / "content/2024/other/report.yaml", "实际完成值: 80 件", "实际完成值: 90 件")
    assert build_site(project, search=False).rebuilt == 1
    # other's two files, and report.yaml once more where it is parsed (read_texts checks it against its digest)
    assert sorted(reads) == ["01-概况.md", "01-概况.md", "report.yaml", "report.yaml"]
    assert "90件" in page(project, "other")


def test_an_edit_whose_mtime_is_set_back_is_seen_by_its_ctime(project, settled):
    build_site(project, search=False)
    build_site(project, search=False)
    path = project / YAML
    before = path.stat()
    edit(path, "实际完成值: 80 件", "实际完成值: 90 件")  # the same size
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # touch -r, or a restored backup
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (before.st_size, before.st_mtime_ns, before.st_ino)
    assert build_site(project, search=False).rebuilt == 1
    assert "90件" in page(project)


def test_a_file_added_to_or_removed_from_a_bundle_is_seen(project, settled):
    build_site(project, search=False)
    build_site(project, search=False)
    added = project / "content/2024/demo/02-新增一节.md"
    added.write_text("# 新增一节\n\n这一节是后来加的。\n", encoding="utf-8")
    assert build_site(project, search=False).rebuilt == 1
    assert "这一节是后来加的。" in page(project)
    added.unlink()
    assert build_site(project, search=False).rebuilt == 1
    assert "这一节是后来加的。" not in page(project)


def forge_stamps(project: Path, path: Path) -> None:
    """Make the manifest record `path` with its stat as it is now: what a write within the same tick as the one
    the previous build saw leaves (same size, same mtime and ctime), which a test cannot produce on demand."""
    manifest = manifest_path(project.resolve(), (project / "site").resolve())
    read, _ = read_manifest(manifest.read_bytes())
    info = path.stat()
    record = read.reports["2024/demo"]
    assert record.source is not None
    record.source.stamps[path.name] = (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)
    # written as a build writes it, with its digest (a manifest edited otherwise is not read at all)
    head = ManifestHead(read.format, read.shared, read.site, read.portal, read.pinyin)
    records = ((key, record_text(r), rows_text(r.indicators)) for key, r in sorted(read.reports.items()))
    manifest.write_bytes(b"".join(manifest_lines(head, records)))


def test_a_file_written_within_the_racy_window_is_read_again(project):
    build_site(project, search=False)
    path = project / YAML
    edit(path, "实际完成值: 80 件", "实际完成值: 90 件")
    forge_stamps(project, path)  # the stat does not tell; its mtime is within 2 s of the build's read
    assert build_site(project, search=False).rebuilt == 1
    assert "90件" in page(project)


def test_without_the_racy_window_the_same_write_would_be_missed(project, monkeypatch):
    """The control of the test above: the same forged stat with no window is trusted (the fast path is in use, and
    the window is what saves a write within one tick)."""
    build_site(project, search=False)
    path = project / YAML
    edit(path, "实际完成值: 80 件", "实际完成值: 90 件")
    forge_stamps(project, path)
    monkeypatch.setattr(jixiao.load, "RACY_NS", -(10**18))  # every file as if written long before
    assert build_site(project, search=False).rebuilt == 0
    assert "90件" not in page(project)


def test_an_incremental_builds_output_equals_a_clean_builds(project, settled):
    copy_demo(project, "other")
    build_site(project, search=False)
    build_site(project, search=False)
    edit(project / "content/2024/other/report.yaml", "实际完成值: 80 件", "实际完成值: 90 件")
    (project / "content/2024/demo/02-新增一节.md").write_text("# 新增一节\n\n后来加的。\n", encoding="utf-8")
    build_site(project, search=False)
    build_site(project, project / "clean", search=False, clean=True)
    compared = filecmp.dircmp(project / "site", project / "clean")
    assert differences(compared) == []


def differences(compared: filecmp.dircmp) -> list[str]:
    found = [*compared.left_only, *compared.right_only, *compared.diff_files, *compared.funny_files]
    _, mismatch, errors = filecmp.cmpfiles(compared.left, compared.right, compared.common_files, shallow=False)
    found += mismatch + errors
    for sub in compared.subdirs.values():
        found += differences(sub)
    return found


def test_the_preview_sees_two_saves_that_leave_the_same_size_and_mtime(tmp_path, settled):
    """The preview reads every saved report again, whatever its stat: two saves within one tick of the clock keep
    the size and mtime, and the second must show."""
    project = composite(tmp_path)
    build_site(project, search=False)  # the preview starts from site/ and its manifest
    model = Preview(project, tmp_path / "preview", search=False, log=lambda message: None)
    model.build()
    path = project / "content/2023/liuan-zipingbiao/report.yaml"
    edit(path, "全年执行数: 82.19}", "全年执行数: 80.19}")
    model.update([path])
    first = path.stat()
    edit(path, "全年执行数: 80.19}", "全年执行数: 81.19}")  # the same size
    os.utime(path, ns=(first.st_atime_ns, first.st_mtime_ns))
    model.update([path])
    model.background.wait()
    shown = (tmp_path / "preview/2023/liuan-zipingbiao/index.html").read_text(encoding="utf-8")
    assert "81.19" in shown and "80.19" not in shown


def test_a_clock_file_a_killed_build_left_is_removed_by_the_next(project):
    # BuildCache.now creates a file in the cache folder to read the file system's clock and removes it at once; a
    # build killed in between leaves it, and the next build's prune takes it away.
    build_site(project, search=False)
    folder = manifest_path(project.resolve(), (project / "site").resolve()).parent
    (folder / ".now-killed").write_bytes(b"")
    build_site(project, search=False)
    assert sorted(p.name for p in folder.glob(".now-*")) == []


def test_a_code_record_temporary_a_killed_build_left_is_removed_by_the_next(project):
    # The code record (inputs.code_files_digest) is written atomically through a temporary beside it; a build killed
    # in between leaves `.code.digest.tmp-*` in the project's cache, and the next build's prune takes it away while
    # keeping the record itself.
    build_site(project, search=False)
    folder = manifest_path(project.resolve(), (project / "site").resolve()).parent
    (folder / f".{CODE_RECORD}.tmp-4242-deadbeef").write_bytes(b"half a record")
    build_site(project, search=False)
    assert sorted(p.name for p in folder.glob(f".{CODE_RECORD}.tmp-*")) == []
    assert (folder / CODE_RECORD).is_file()
