"""The portal's year comparison in a real browser: sorting without a server, by keyboard, axe clean, and
readable on a 375 px phone. Marked slow. Fixture tests/fixtures/portal (figures in test_portal.py)."""

import pytest
from conftest import REPO, serve

pytestmark = pytest.mark.slow
AXE = REPO / "node_modules/axe-core/axe.min.js"


@pytest.fixture(scope="module")
def portal_url(portal_site):
    server, url = serve(portal_site)
    yield url
    server.shutdown()


def units_column(page) -> list[str]:
    return page.eval_on_selector_all(".portal-table tbody tr", "rows => rows.map(r => r.cells[0].textContent)")


def test_sorting_by_rate_with_the_keyboard(browser, portal_url):
    page = browser.new_page()
    page.goto(portal_url + "2024/units.html")
    assert units_column(page) == ["示例中心", "第三中心", "第二中心"]  # listing order
    rate = page.get_by_role("button", name="执行率（%）")
    rate.focus()
    page.keyboard.press("Enter")
    # 执行率 50.00 (第三中心) < 90.00 (示例中心) < 95.00 (第二中心)
    assert units_column(page) == ["第三中心", "示例中心", "第二中心"]
    header = page.locator("th", has=rate)
    assert header.get_attribute("aria-sort") == "ascending"
    page.keyboard.press("Enter")
    assert units_column(page) == ["第二中心", "示例中心", "第三中心"]
    assert header.get_attribute("aria-sort") == "descending"
    page.close()


@pytest.mark.parametrize("path", ["2024/units.html", "units/shilizhongxin/index.html", "units/index.html"])
def test_portal_pages_are_axe_clean_and_fit_a_phone(browser, portal_url, path):
    context = browser.new_context(viewport={"width": 375, "height": 800}, device_scale_factor=2, is_mobile=True)
    page = context.new_page()
    page.goto(portal_url + path)
    widths = page.evaluate("[document.documentElement.scrollWidth, document.body.scrollWidth]")
    assert max(widths) <= 375, widths  # a wide table scrolls inside its region
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        "async () => (await axe.run(document)).violations.map(v => ({id: v.id, impact: v.impact}))"
    )
    assert [v for v in violations if v["impact"] in ("serious", "critical")] == []
    context.close()


def test_a_units_charts_are_named_images_that_fit_a_phone(browser, portal_url):
    """The unit page's charts (portalcharts.py) are images by role with their titles as names, drawn within a 375 px
    screen; 示例中心 has two series: 示例项目 and its 部门决算说明."""
    context = browser.new_context(viewport={"width": 375, "height": 800}, device_scale_factor=2, is_mobile=True)
    page = context.new_page()
    page.goto(portal_url + "units/shilizhongxin/index.html")
    for name in ("示例项目历年主要数字", "部门决算说明历年主要数字"):
        chart = page.get_by_role("img", name=name)
        box = chart.bounding_box()
        assert box is not None and 0 <= box["x"] and box["x"] + box["width"] <= 375, box
    context.close()
