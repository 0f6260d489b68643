"""Stage: the preview's site model in memory (`jixiao serve`) — a save is applied without a full build, and
what it leaves in the preview folder is exactly what a clean build makes."""

import shutil
import threading
from pathlib import Path

import pytest
from conftest import composite, edit, tree_digest

from jixiao.build import build_site
from jixiao.errors import SourceError
from jixiao.preview import Preview

# kind of save: (the change, the file saved, the reports rendered again — hand-counted from the site model)
SAVES = {
    # 六安 only: its title is unchanged, so its neighbours' pages are not touched
    "a figure": (
        lambda p: edit(p / "content/2023/liuan-zipingbiao/report.yaml", "全年执行数: 82.19}", "全年执行数: 80.19}"),
        "content/2023/liuan-zipingbiao/report.yaml",
        1,
    ),
    # 整体 and the 决算说明 that attaches it
    "a section": (
        lambda p: edit(p / "content/2023/luzhou-zhengti/01-部门基本情况.md", "泸州", "泸州市"),
        "content/2023/luzhou-zhengti/01-部门基本情况.md",
        2,
    ),
    # 2022 示例 and the 2023 示例 that takes its 上年 figures
    "last year's table": (
        lambda p: edit(p / "content/2022/shili-juesuan/report.yaml", "本年: 2000.00", "本年: 1990.00"),
        "content/2022/shili-juesuan/report.yaml",
        2,
    ),
    # 整体 (a new title), the 决算说明 attaching it, and its neighbour whose 下一篇 names it
    "a neighbour's title": (
        lambda p: edit(p / "content/2023/luzhou-zhengti/report.yaml", "标题: ", "标题: 新"),
        "content/2023/luzhou-zhengti/report.yaml",
        3,
    ),
}


def clean_build(project: Path, out: Path) -> Path:
    """A clean build as the preview makes one: PDFs and office documents linked, made only when asked for."""
    build_site(project, out, with_pdf=False, pdf_links=True, search=False, clean=True, write_office=False)
    return out


@pytest.fixture
def preview(tmp_path):
    project = composite(tmp_path)
    model = Preview(project, tmp_path / "preview", search=False, log=lambda message: None)
    model.build()
    return project, model


@pytest.mark.parametrize("kind", list(SAVES))
def test_a_save_is_applied_in_memory_and_equals_a_clean_build(preview, tmp_path, kind):
    project, model = preview
    change, saved, rendered = SAVES[kind]
    change(project)
    result = model.update([project / saved])
    model.background.wait()
    assert result.rebuilt == rendered
    assert tree_digest(model.out_dir) == tree_digest(clean_build(project, tmp_path / "clean"))


def test_a_site_wide_change_takes_the_full_build(preview, tmp_path):
    project, model = preview
    edit(project / "content/site.yaml", "站点名称: ", "站点名称: 新")
    result = model.update([project / "content/site.yaml"])
    assert result.rebuilt == len(result.pages)  # every page shows the site's name
    assert tree_digest(model.out_dir) == tree_digest(clean_build(project, tmp_path / "clean"))


def test_an_added_report_takes_the_full_build(preview, tmp_path):
    project, model = preview
    shutil.copytree(project / "content/2023/liuan-zipingbiao", project / "content/2023/liuan-b")
    result = model.update([project / "content/2023/liuan-b/report.yaml"])
    assert "2023/liuan-b" in {page.key for page in result.pages}
    assert tree_digest(model.out_dir) == tree_digest(clean_build(project, tmp_path / "clean"))


def test_a_broken_save_is_reported_and_the_next_good_one_recovers(preview, tmp_path):
    project, model = preview
    report = project / "content/2023/liuan-zipingbiao/report.yaml"
    before = tree_digest(model.out_dir)
    edit(report, "全年执行数: 82.19}", "全年执行数: [82.19}")
    with pytest.raises(SourceError) as raised:
        model.update([report])
    assert raised.value.location.path == report and "YAML 语法错误" in raised.value.message
    assert tree_digest(model.out_dir) == before  # nothing of the broken save is written
    edit(report, "全年执行数: [82.19}", "全年执行数: 81.19}")
    assert model.update([report]).rebuilt == 1
    model.background.wait()
    assert tree_digest(model.out_dir) == tree_digest(clean_build(project, tmp_path / "clean"))


def test_the_preview_starts_from_a_built_site(tmp_path):
    """After `jixiao build` (with PDFs), the preview reuses every page of site/ and renders nothing."""
    project = composite(tmp_path)
    build_site(project, with_pdf=True, search=False)
    model = Preview(project, tmp_path / "preview", search=False, log=lambda message: None)
    result = model.build()
    assert result.rebuilt == 0
    assert not list(model.out_dir.rglob("*.pdf"))  # the preview renders PDFs on demand
    site = project / "site"
    pages = [p.relative_to(model.out_dir) for p in model.out_dir.rglob("*.html")]
    assert pages and all((model.out_dir / p).read_bytes() == (site / p).read_bytes() for p in pages)


def test_a_preview_started_on_an_input_error_recovers_on_the_next_save(tmp_path):
    """The first build fails, so there is no model yet: the save that fixes the error takes the full build
    (it used to stop the preview with an AssertionError)."""
    project = composite(tmp_path)
    report = project / "content/2023/liuan-zipingbiao/report.yaml"
    edit(report, "全年执行数: 82.19}", "全年执行数: [82.19}")
    model = Preview(project, tmp_path / "preview", search=False, log=lambda message: None)
    with pytest.raises(SourceError):
        model.build()
    edit(report, "全年执行数: [82.19}", "全年执行数: 81.19}")
    result = model.update([report])
    model.background.wait()
    assert "2023/liuan-zipingbiao" in {page.key for page in result.pages}
    assert tree_digest(model.out_dir) == tree_digest(clean_build(project, tmp_path / "clean"))


def test_a_report_saved_while_site_yaml_is_broken_still_shows_the_error(preview):
    """After a failed full build the model in memory is stale: a report's save must not apply on it as if the
    site were fine (the preview would hide the site.yaml error until the next site-wide save)."""
    project, model = preview
    edit(project / "content/site.yaml", "站点名称: ", "站点名称: [")
    with pytest.raises(SourceError) as broken:
        model.update([project / "content/site.yaml"])
    assert broken.value.location.path.name == "site.yaml"
    report = project / "content/2023/liuan-zipingbiao/report.yaml"
    edit(report, "全年执行数: 82.19}", "全年执行数: 81.19}")
    with pytest.raises(SourceError) as still:
        model.update([report])
    assert still.value.location.path.name == "site.yaml"


def test_the_address_is_printed_before_the_first_build(monkeypatch, tmp_path):
    """docs/first-report.md: the server answers during the first build, so its address (with --port 0 the only way
    to know it) must be printed before that build, not after it."""
    from jixiao import serve as serve_module

    said: list[str] = []

    class Server:
        def serve_forever(self) -> None:
            pass

        def url(self) -> str:
            return "http://127.0.0.1:1/"

    class State:
        project = tmp_path

        def open_preview(self, log) -> None:
            pass

        def rebuild(self, log, changed=None) -> None:
            said.append("build")

    monkeypatch.setattr(serve_module, "open_server", lambda *args: Server())
    monkeypatch.setattr(serve_module, "watch_saves", lambda *args: iter(()))
    serve_module.run_preview(State(), "127.0.0.1", 0, print, lambda url: said.append(url), threading.Event(), tmp_path)
    assert said == ["http://127.0.0.1:1/", "build"]
