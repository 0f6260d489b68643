"""The unit page's chart written as SVG by hand (portalcharts.py): round ticks printed exactly, hatching and the
report charts' fonts for print, the same bytes every time."""

import re
from decimal import Decimal

from jixiao.portalcharts import nice_ticks, series_chart, tick_text

COLUMNS = [("预算", "预算（万元）", "bar"), ("执行数", "执行数（万元）", "bar"), ("执行率", "执行率（%）", "line")]
TEXTS = {2022: {"预算": "200", "执行数": "150", "执行率": "75%"}, 2024: {"预算": "0.3", "执行数": "0.1"}}


def test_ticks_are_round_steps_printed_exactly():
    # 0..270 in about 4 steps: raw step 67.5 → 100 (1, 2, 5 × 10^k); 0.1..0.3: raw 0.05 → 0.05, never 0.15000000001
    assert [tick_text(t) for t in nice_ticks(Decimal(0), Decimal(270))] == ["0", "100", "200", "300"]
    assert [tick_text(t) for t in nice_ticks(Decimal("0.1"), Decimal("0.3"))] == ["0.1", "0.15", "0.2", "0.25", "0.3"]
    assert [tick_text(t) for t in nice_ticks(Decimal("97.50"), Decimal(99))] == ["97.5", "98", "98.5", "99"]
    assert [tick_text(t) for t in nice_ticks(Decimal(75), Decimal(75))] == ["74", "74.5", "75", "75.5", "76"]


def test_the_chart_is_plain_svg_with_hatching_fonts_and_the_same_bytes_each_time():
    svg = series_chart("示例项目历年主要数字", [2022, 2023, 2024], COLUMNS, TEXTS, "万元")
    assert svg == series_chart("示例项目历年主要数字", [2022, 2023, 2024], COLUMNS, TEXTS, "万元")
    assert 'width="100%" viewBox="0 0 540 ' in svg  # scales down to a 375 px screen
    assert "font-family=\"'Noto Sans CJK SC', 'Source Han Sans SC', SimHei" in svg  # as charts.FONTS
    pattern = re.search(r'<pattern id="(u[0-9a-f]+-hatch-1)"', svg).group(1)
    assert (
        f'id="{pattern.removesuffix("hatch-1")}chart-data-1-0"' in svg and f'fill="url(#{pattern})"' in svg
    )  # 执行数 hatched
    assert ">执行率（%）</text>" in svg and ">2023</text>" in svg
    assert "matplotlib" not in svg


def test_a_panel_whose_every_year_is_a_gap_draws_an_axis_and_dashes_not_an_error():
    svg = series_chart("总分历年", [2022, 2023], [("总分", "总分（分）", "line")], {2022: {"总分": "—"}}, "万元")
    assert re.findall(r'id="u[0-9a-f]+-chart-gap-(\d-\d)"', svg) == ["0-0", "0-1"]


def test_a_chart_reads_each_figure_text_once_and_draws_the_same_bytes_as_before(monkeypatch):
    """Issue 22, seventh wave: figure_number is remembered, so a chart parses each distinct text once (the scale, the
    marks and the gaps read it again), and the gaps are found with one pass a figure, not one a year and figure; the
    SVG is the one 8516c48 drew (its sha256, recorded from that code)."""
    from hashlib import sha256

    import jixiao.portalcharts
    from jixiao.portalcharts import figure_number

    passes = []
    present = jixiao.portalcharts.present
    monkeypatch.setattr(jixiao.portalcharts, "present", lambda *a: passes.append(a[1]) or present(*a))

    columns = [*COLUMNS[:2], ("收入总计", "收入总计（万元）", "bar"), COLUMNS[2], ("总分", "总分（分）", "line")]
    texts = {
        2019: {"预算": "1,200.50", "执行数": "1,100", "执行率": "91.63%", "总分": "95.5"},
        2020: {"预算": "—", "总分": "优"},
        2022: {"预算": "200", "执行数": "150", "执行率": "75%", "收入总计": "3,000"},
        2024: {"预算": "0.3", "执行数": "0.1", "总分": "88"},
    }
    figure_number.cache_clear()
    svg = series_chart("示例<项目>历年", list(range(2019, 2026)), columns, texts, "万元")
    # 13 distinct texts (the gap "—" and the grade "优" among them), each parsed once, read again from the cache
    assert figure_number.cache_info().misses == 13 and figure_number.cache_info().hits > 0
    # each figure read three times: for its panel's scale, its marks, its panel's gaps (3 bars and 2 lines: 15)
    assert sorted(passes) == sorted([name for name, _, _ in columns] * 3)
    assert sha256(svg.encode()).hexdigest() == "c1e736c7f205cc047d904d405fc404b3c83b9d769dd2d7ece1676f820251315a"
