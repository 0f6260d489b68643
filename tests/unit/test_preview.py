"""Stage: the preview's site model in memory (`jixiao serve`) — a save is applied without a full build, and
what it leaves in the preview folder is exactly what a clean build makes."""

import shutil
import threading
import time
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


# a save of 六安's figure: its page and data (the preview writes no PDF or office file), then its listings
LIUAN = "content/2023/liuan-zipingbiao/report.yaml"
LIUAN_FILES = ["2023/liuan-zipingbiao/data.json", "2023/liuan-zipingbiao/index.html"]


def test_the_edited_reports_page_is_shown_before_the_listing_pages_are_made(preview, tmp_path):
    """bench/README.md (save to page): the page open on the edited report reloads as soon as its files are written;
    the home, year and portal pages follow. When `shown` hears of the report's page, the home page is still the
    file from before the save (write_atomically gives a rewritten file a new inode)."""
    project, model = preview
    home = model.out_dir / "index.html"
    inode = home.stat().st_ino
    steps: list[tuple[list[str] | None, bool]] = []
    edit(project / LIUAN, "全年执行数: 82.19}", "全年执行数: 80.19}")  # its entry's 执行率 and its portal figures
    model.update([project / LIUAN], lambda names: steps.append((names, home.stat().st_ino == inode)))
    model.background.wait()
    assert steps[0] == (LIUAN_FILES, True)  # the page first, the home page not written yet
    listed, home_before = steps[1]
    assert not home_before and {"index.html", "2023/index.html", "2023/units.html"} <= set(listed or [])
    assert "units/index.html" not in (listed or [])  # no report changed its unit: the list of units is as it was
    assert tree_digest(model.out_dir) == tree_digest(clean_build(project, tmp_path / "clean"))


def test_a_save_that_changes_no_listed_entry_leaves_the_listing_pages_alone(preview, tmp_path):
    """A section's prose is on no listing page: the save writes the report's files only (the home page keeps its
    inode, write_atomically would have replaced it) and the site still equals a clean build."""
    project, model = preview
    inode = (model.out_dir / "index.html").stat().st_ino
    steps: list[list[str] | None] = []
    change, saved, _ = SAVES["a section"]
    change(project)
    model.update([project / saved], steps.append)
    model.background.wait()
    assert len(steps) == 1 and "2023/luzhou-zhengti/index.html" in (steps[0] or [])
    assert (model.out_dir / "index.html").stat().st_ino == inode
    assert tree_digest(model.out_dir) == tree_digest(clean_build(project, tmp_path / "clean"))


def test_a_report_moved_to_another_unit_leaves_its_old_units_page(preview, tmp_path):
    """泸州's 项目自评表 saved under 六安's unit: 泸州's unit page must drop it, not only 六安's gain it. Of the five
    reports rendered again (its neighbours' links moved) only its own entry changed, so the listing pages are those
    of its unit before and after the save (the unit of the changed entry alone would leave 泸州's page stale)."""
    project, model = preview
    edit(
        project / "content/2023/luzhou-xiangmu-zipingbiao/report.yaml",
        "单位: 泸州市住房公积金管理中心",
        "单位: 六安市住房公积金中心",
    )
    steps: list[list[str] | None] = []
    model.update([project / "content/2023/luzhou-xiangmu-zipingbiao/report.yaml"], steps.append)
    model.background.wait()
    assert "units/index.html" in (steps[-1] or [])
    assert tree_digest(model.out_dir) == tree_digest(clean_build(project, tmp_path / "clean"))


def test_a_figures_save_keeps_the_site_model_and_plans_only_its_readers(preview, monkeypatch, tmp_path):
    """No summary changed (title, unit, type, 附件, 上年 reading are the same): the site model is not resolved again
    from every report, and of the 2022 示例 only it and the 2023 示例 reading its 上年 figures are planned."""
    from jixiao import phases
    from jixiao import preview as preview_module

    project, model = preview
    planned: list[str] = []
    monkeypatch.setattr(preview_module, "resolve_site", lambda library: pytest.fail("resolved every report again"))
    monkeypatch.setattr(phases, "plan_record", lambda plan, previous, record: planned.append(record.key))
    change, saved, _ = SAVES["last year's table"]
    change(project)
    assert model.plan.model.readers({"2022/shili-juesuan"}) == ["2023/shili-juesuan", "2022/shili-juesuan"]
    model.update([project / saved])
    assert planned == ["2023/shili-juesuan", "2022/shili-juesuan"]


def test_a_save_read_half_written_is_read_again_not_shown_as_an_error(preview, monkeypatch):
    """An editor's save in two writes that the watcher gave apart: the first read finds half the file (an error);
    the writer finishes while the preview waits to see the file keep still, so the save is read again and no error
    is published — the open page never shows the half-written file's error."""
    from jixiao import serve

    project, model = preview
    state = serve.ServeState(project, model.out_dir, search=False, preview=model, build=1)
    report = project / LIUAN
    whole = report.read_text(encoding="utf-8").replace("全年执行数: 82.19}", "全年执行数: 80.19}")
    report.write_text(whole[: whole.index("全年执行数: 80.19}") + 10], encoding="utf-8")  # cut inside a {…}
    waits: list[float] = []

    def finish_writing(seconds: float) -> None:
        waits.append(seconds)
        report.write_text(whole, encoding="utf-8")

    monkeypatch.setattr(serve.time, "sleep", finish_writing)
    state.rebuild(lambda message: None, [report])
    model.background.wait()
    assert waits == [serve.SETTLE_SECONDS] and state.error is None
    assert all(shown is not None for shown in state.shown.values())  # no build published an error (every page)
    assert "80.19" in (model.out_dir / "2023/liuan-zipingbiao/index.html").read_text(encoding="utf-8")


def test_a_broken_save_whose_file_keeps_still_is_shown(preview, monkeypatch):
    """The same wait, after a save that really is broken: its error is published once the file kept still."""
    from jixiao import serve

    project, model = preview
    state = serve.ServeState(project, model.out_dir, search=False, preview=model, build=1)
    edit(project / LIUAN, "全年执行数: 82.19}", "全年执行数: [82.19}")
    waits: list[float] = []
    monkeypatch.setattr(serve.time, "sleep", waits.append)
    state.rebuild(lambda message: None, [project / LIUAN])
    assert waits == [serve.SETTLE_SECONDS] and "YAML 语法错误" in (state.error or "")


def test_the_long_poll_answers_a_page_when_a_build_changed_it():
    """A save is published in steps (the report's files, then the listing pages): each open page reloads on the
    step that changed it — by its path, a folder meaning its index.html — and on any full build or change of the
    error; a page polling from a build the state no longer remembers reloads too."""
    from jixiao.serve import SHOWN_KEPT, ServeState

    state = ServeState(Path("."), Path("."))
    state.publish(None)  # 1: the first build
    state.publish(None, LIUAN_FILES)  # 2: a save's report
    state.publish(None, ["index.html", "2023/index.html"])  # 3: its listings
    assert state.changed_since(1, "/2023/liuan-zipingbiao/") and state.changed_since(1, "/")
    assert not state.changed_since(2, "/2023/liuan-zipingbiao/index.html") and state.changed_since(2, "/2023/")
    assert not state.changed_since(1, "/2022/") and state.changed_since(1, None)  # no page named: any build
    assert state.snapshot(1, "/2023/liuan-zipingbiao/")["reload"] and not state.snapshot(None)["reload"]
    state.publish("错误")  # 4: an error shows on every page
    assert state.changed_since(3, "/2022/")
    assert state.changed_since(5, "/2022/")  # a build this server never made (it was started again)
    for _ in range(SHOWN_KEPT):
        state.publish("错误", [])
    assert state.changed_since(3, "/2022/") and len(state.shown) == SHOWN_KEPT


def test_a_saves_next_step_waits_for_the_reloaded_page_to_poll_again(monkeypatch):
    """The listing pages are made after the open report page has reloaded — its script polls again once the page is
    fetched — so their work (the GIL) does not slow that page's requests down."""
    from jixiao import serve

    monkeypatch.setattr(serve, "RELOAD_GRACE_SECONDS", 30.0)  # a page that never came back would hold the test
    state = serve.ServeState(Path("."), Path("."))
    state.publish(None)  # 1: the first build
    page, events = "/2023/liuan-zipingbiao/", []

    def open_page() -> None:
        assert state.snapshot(1, page)["reload"]
        events.append("answered")
        time.sleep(0.2)  # the browser fetches the page
        events.append("polled again")
        state.snapshot(2, page)  # the reloaded page's long poll, answered by the listing step

    browser = threading.Thread(target=open_page)
    browser.start()
    while not state.polls:
        time.sleep(0.01)
    state.show(LIUAN_FILES)
    events.append("next step")
    state.show(["index.html", "2023/liuan-zipingbiao/index.html"])
    browser.join(10)
    assert events == ["answered", "polled again", "next step"]


def test_a_units_last_report_moved_away_takes_its_unit_pages_with_it(preview, tmp_path):
    """怀化's one report saved under 六安's unit: 怀化 has no report left, so its unit page, feed and CSV must go from
    the preview folder, as a clean build never makes them."""
    project, model = preview
    edit(
        project / "content/2020/huaihua-zhuanxiangzijin/report.yaml",
        "单位: 怀化市住房公积金管理中心",
        "单位: 六安市住房公积金中心",
    )
    model.update([project / "content/2020/huaihua-zhuanxiangzijin/report.yaml"])
    model.background.wait()
    clean = clean_build(project, tmp_path / "clean")
    left = sorted(
        {p.relative_to(model.out_dir).as_posix() for p in model.out_dir.rglob("*") if p.is_file()}
        - {p.relative_to(clean).as_posix() for p in clean.rglob("*") if p.is_file()}
    )
    assert left == []
    assert tree_digest(model.out_dir) == tree_digest(clean)


@pytest.mark.slow
def test_a_save_that_changes_a_unit_page_indexes_the_unit_pages_again(tmp_path):
    """pagefind/units indexes the unit pages, which list every report's title: a title edited in the preview must
    be found there as a clean build finds it (it was left as the first build indexed it)."""
    project = composite(tmp_path)
    model = Preview(project, tmp_path / "preview", search=True, log=lambda message: None)
    model.build()
    saved = project / "content/2023/luzhou-zhengti/report.yaml"
    edit(saved, "标题: ", "标题: 新")
    model.update([saved])
    model.background.wait()
    clean = tmp_path / "clean"
    build_site(project, clean, with_pdf=False, pdf_links=True, search=True, clean=True, write_office=False)
    assert tree_digest(model.out_dir / "pagefind/units") == tree_digest(clean / "pagefind/units")
    assert tree_digest(model.out_dir / "pagefind/2023") == tree_digest(clean / "pagefind/2023")
