"""Stage: the explanation of a figure in a real browser (keyboard only, axe) and its absence from the PDF. Slow.

The figure is the 示例项目's 执行率 of tests/fixtures/minimal: 150 ÷ 200 = 75 % (by hand; typed as 150 and 200)."""

import subprocess

import pytest
from conftest import REPO, serve

from jixiao.provenance import path_digest

pytestmark = pytest.mark.slow
AXE = REPO / "node_modules/axe-core/axe.min.js"
RATE = f"f-{path_digest('自评表.0.项目资金.执行率')}"


@pytest.fixture
def built_demo(project, cli):
    result = cli("build", project)
    assert result.exit_code == 0, result.output
    return project / "site"


def test_an_explanation_opens_and_closes_with_the_keyboard_and_adds_no_accessibility_violation(browser, built_demo):
    server, url = serve(built_demo)
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(url + "2024/demo/index.html")
        popover = page.locator(f'[id="{RATE}.why"]')
        assert not popover.is_visible()
        for _ in range(300):  # Tab through the page until the button after the 执行率 has the focus
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.getAttribute('popovertarget')") == f"{RATE}.why":
                break
        else:
            pytest.fail("the explanation's button is not reachable with Tab")
        assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "执行率 75% 的算式"
        page.keyboard.press("Enter")
        assert popover.is_visible()
        text = popover.inner_text()
        assert "执行率 = 全年执行数 ÷ 全年预算数" in text and "150 ÷ 200 = 75%" in text
        assert "全年执行数 150" in text
        page.keyboard.press("Escape")
        assert not popover.is_visible()
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate(
            "async () => (await axe.run(document)).violations"
            ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.html)}))"
        )
        serious = [v for v in violations if v["impact"] in ("serious", "critical")]
        ours = [v for v in violations if any("why" in node for node in v["nodes"])]
        assert serious == [] and ours == [], violations
    finally:
        context.close()
        server.shutdown()


def test_the_pdf_has_no_explanation(built_demo):
    pdf = next((built_demo / "2024/demo").glob("*.pdf"))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "75%" in text  # the figure is printed
    assert "全年执行数 ÷" not in text and "150 ÷ 200" not in text and "取自" not in text
    assert "本段数字" not in text and "算式" not in text
