"""The audit stays off the public page by default: findings show in `check`, in the `serve` preview (marked as a
preview), and on the page and in data.json only of a site that opts in with `公开核对提示: true` (issue 19, point 8)."""

import json
import threading
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import edit

from jixiao.cli import main

SLIP = "全年支出2607.82元。"  # 2607.82 with 元 in a report that counts in 万元: a money-unit warning
MESSAGE = "金额「2607.82元」以元计，本报告金额以万元计，单位是否应为万元？"
ACKNOWLEDGED = "核对说明: {year-mismatch 「20245年」: 照录原文}"  # and a year typo, acknowledged
YEAR = "年份「20245年」写法有误"


@pytest.fixture
def slipped(project: Path) -> Path:
    """The demo with a money-unit slip in its prose."""
    path = project / "content/2024/demo/01-概况.md"
    path.write_text(f"{path.read_text(encoding='utf-8')}\n{SLIP}\n", encoding="utf-8")
    return project


@pytest.fixture
def noted(slipped: Path) -> Path:
    """… and a year typo after it, acknowledged in the section's front matter."""
    path = slipped / "content/2024/demo/01-概况.md"
    text = path.read_text(encoding="utf-8").replace(SLIP, f"{SLIP}详见20245年报表。")
    path.write_text(f"---\n{ACKNOWLEDGED}\n---\n{text}", encoding="utf-8")
    return slipped


def build(project: Path) -> tuple[str, dict]:
    result = CliRunner().invoke(main, ["build", str(project), "--no-pdf", "--no-search"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    site = project / "site/2024/demo"
    return (site / "index.html").read_text(encoding="utf-8"), json.loads((site / "data.json").read_text("utf-8"))


def test_check_lists_the_findings(noted):
    output = CliRunner().invoke(main, ["check", str(noted)]).output
    assert f": warning: {MESSAGE} [money-unit]" in output and f"{YEAR}（已说明: 照录原文）" in output


def test_a_published_page_and_its_data_carry_no_findings_by_default(slipped):
    page, data = build(slipped)
    assert "核对提示" not in page and MESSAGE not in page and "money-unit" not in page  # it was there before
    assert "审核" not in data and MESSAGE not in json.dumps(data, ensure_ascii=False)


def test_a_site_that_opts_in_publishes_the_findings_without_the_notes(noted):
    edit(noted / "content/site.yaml", "站点名称:", "公开核对提示: true\n站点名称:")
    page, data = build(noted)
    assert '<h2 id="findings">核对提示</h2>' in page and MESSAGE in page and YEAR in page
    assert sorted(f["说明"] for f in data["审核"]) == sorted([MESSAGE, YEAR])
    assert "照录原文" not in page and "照录原文" not in json.dumps(data, ensure_ascii=False)


def test_the_preview_shows_the_findings_marked_as_a_preview(noted, tmp_path):
    from jixiao.serve import ServeState, open_server

    state = ServeState(noted.resolve(), tmp_path / "preview/site", search=False)
    state.rebuild(lambda message: None)
    server = open_server(state, "127.0.0.1", 0, lambda message: None)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/2024/demo/"
        with urllib.request.urlopen(url, timeout=30) as response:
            page = response.read().decode("utf-8")
    finally:
        server.shutdown()
        server.server_close()
    assert "核对提示（预览，不会发布）" in page and "警告 1、说明 1" in page
    assert "content/2024/demo/01-概况.md:" in page and MESSAGE in page
    assert f"{YEAR}（已说明: 照录原文）" in page  # the author's own reason, in the author's preview
    on_disk = (state.out_dir / "2024/demo/index.html").read_text(encoding="utf-8")
    assert "核对提示" not in on_disk  # the preview adds it when serving; the built page has none
