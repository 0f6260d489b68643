"""Stage: the authoring loop end to end — `jixiao serve` rebuilds, reloads, shows errors, recovers."""

import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def fetch(url: str) -> tuple[int, str, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read().decode("utf-8", "replace")


def wait_for(predicate, seconds: float = 15.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("condition not met in time")


@pytest.fixture
def server(project: Path):
    process = subprocess.Popen([sys.executable, "-m", "jixiao", "serve", str(project), "--port", "0"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        assert "http://127.0.0.1:" in line, line + process.stderr.read()
        yield line.split()[1].rstrip("/")
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_serve_rebuilds_shows_errors_and_recovers(project, server):
    page = f"{server}/2024/demo/index.html"
    status, kind, html = fetch(page)
    assert status == 200 and "text/html" in kind
    assert "预算执行率为 75.00%" in html and "__jixiao__/state" in html  # the reload script is injected
    build = json.loads(fetch(f"{server}/__jixiao__/state")[2])["build"]

    report = project / "content/2024/demo/report.yaml"
    text = report.read_text(encoding="utf-8")
    report.write_text(text.replace("全年执行数: 150", "全年执行数: 160"), encoding="utf-8")
    # 160 ÷ 200 = 80.00 %
    wait_for(lambda: "预算执行率为 80.00%" in fetch(page)[2])
    # the counter moves once the build has finished (just after its files were swapped into place)
    wait_for(lambda: json.loads(fetch(f"{server}/__jixiao__/state")[2])["build"] > build)

    report.write_text(text.replace("全年执行数: 150", "全年执行数: [160"), encoding="utf-8")
    status, _, html = wait_for(lambda: (r := fetch(page))[0] == 500 and r)
    assert "构建出错" in html and "report.yaml:11" in html and "YAML 语法错误" in html

    report.write_text(text.replace("全年执行数: 150", "全年执行数: 170"), encoding="utf-8")
    wait_for(lambda: "预算执行率为 85.00%" in fetch(page)[2])  # 170 ÷ 200


def test_serve_renders_pdf_on_demand(server):
    page = fetch(f"{server}/2024/demo/index.html")[2]
    assert 'href="demo.pdf"' in page
    with urllib.request.urlopen(f"{server}/2024/demo/demo.pdf", timeout=60) as response:
        assert response.status == 200 and response.headers["Content-Type"] == "application/pdf"
        assert response.read(5) == b"%PDF-"
