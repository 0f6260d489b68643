"""Excel in and out: `jixiao import` on workbooks built here in the layout of 财预〔2020〕10号 附件 (with the
variants finance bureaus send) and on the repository's seed forms re-created as workbooks; the exported
workbook's live formulas recalculated by LibreOffice; the round trip export → import.

Workbooks are built by functions (openpyxl), not committed: each seed form is written cell by cell from its
report.yaml, with the figures the source document printed (原表) where the form prints them."""

from __future__ import annotations

import io
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import yaml
from conftest import REPO, assess_in_site, every_figure
from openpyxl.styles import Alignment

from jixiao.document.xlsx import write_workbook
from jixiao.provenance import origin_of

FULL = str.maketrans("0123456789.", "０１２３４５６７８９．")
LAST = 10  # the official form is ten columns wide (A:J)


class Sheet:
    """A worksheet written row by row in the official layout."""

    def __init__(self, ws, row: int = 1):
        self.ws, self.row = ws, row

    def put(self, column: int, value, to_column: int | None = None, rows: int = 1, fmt: str | None = None) -> None:
        cell = self.ws.cell(self.row, column, value)
        cell.alignment = Alignment(wrap_text=True)
        if fmt:
            cell.number_format = fmt
        if to_column or rows > 1:
            self.ws.merge_cells(
                start_row=self.row, start_column=column, end_row=self.row + rows - 1, end_column=to_column or column
            )


def number(value, style: str):
    """A figure as a variant writes it: a number, a number stored as text, or full-width digits."""
    if value is None:
        return None
    if style == "text":
        return str(value)
    if style == "fullwidth":
        return str(value).translate(FULL)
    return float(value) if "." in str(value) else int(value)


def write_form(sheet: Sheet, form: dict, year: int, style: str = "number", merged: bool = True, fraction=True) -> None:
    """One 项目支出绩效自评表 in the layout of the 附件 of 财预〔2020〕10号, from a report.yaml 自评表 entry."""
    s = sheet
    s.put(1, "项目支出绩效自评表", LAST)
    s.row += 1
    s.put(1, f"（{year}年度）", LAST)
    s.row += 1
    s.put(1, "项目名称")
    s.put(2, form["项目名称"] + (f"（{form['项目编码']}）" if form.get("项目编码") else ""), LAST)
    s.row += 1
    s.put(1, "主管部门")
    s.put(2, form.get("主管部门"), 5)
    s.put(6, "实施单位")
    s.put(7, form.get("实施单位"), LAST)
    s.row += 1
    funds = form["项目资金"]
    parts = funds.get("其中", [])
    s.put(1, "项目资金（万元）", rows=len(parts) + 2)
    budget = "调整后预算数" if "调整后预算数" in funds["年度资金总额"] else "全年预算数"
    executed = "预算执行数" if "预算执行数" in funds["年度资金总额"] else "全年执行数"
    for column, name in enumerate(("年初预算数", budget, executed, "分值", "执行率", "得分"), 3):
        s.put(column, name)
    stated = funds.get("原表", {})
    for index, row in enumerate([funds["年度资金总额"], *parts]):
        s.row += 1
        name = row.get("名称", "年度资金总额")
        s.put(2, ("其中：" if index == 1 else "") + name)
        for column, key in enumerate(("年初预算数", budget, executed), 3):
            s.put(column, number(row.get(key), style))
        if index == 0:
            s.put(6, number(funds.get("分值", funds.get("权重", 10)), style))
            rate = Decimal(str(stated["执行率"]).rstrip("%")) if "执行率" in stated else None
            if rate is not None and fraction:
                s.put(7, float(rate / 100), fmt="0.00%")
            elif rate is not None:
                s.put(7, f"{rate}%")
            s.put(8, number(stated.get("得分"), style))
        else:
            s.put(6, "—")
    s.row += 1
    goal = form["年度总体目标"]
    s.put(1, "年度总体目标", rows=2)
    s.put(2, "预期目标", 5)
    s.put(6, "实际完成情况", LAST)
    s.row += 1
    s.put(2, goal["预期目标"], 5)
    s.put(6, goal.get("实际完成情况"), LAST)
    s.row += 1
    write_indicators(s, form, style, merged)


def write_indicators(s: Sheet, form: dict, style: str, merged: bool) -> None:
    """绩效指标: the label merged down column A, 一级/二级 merged over their rows (or written once), then 总分. A
    form whose rows split the target (Sichuan's 指标性质, 指标值, 度量单位) gets those three columns, and the
    header words the seed uses (完成值, 权重)."""
    tree = form["绩效指标"]
    rows = [
        (l1, l2, item)
        for l1, l2s in tree.items()
        for l2, items in (l2s or {None: None}).items()
        for item in (items or [None])
    ]
    items = [item for *_, item in rows if item]
    split = any("指标性质" in item for item in items)
    actual = "完成值" if any("完成值" in item for item in items) else "实际完成值"
    points = "权重" if any("权重" in item for item in items) else "分值"
    keys = ("三级指标", *(("指标性质", "指标值", "度量单位") if split else ("年度指标值",)), actual, points, "得分")
    s.put(1, "绩效指标", rows=len(rows) + 1)
    for column, name in enumerate(("一级指标", "二级指标", *keys, "偏差原因分析及改进措施"), 2):
        s.put(column, name)
    previous = (None, None)
    for l1, l2, item in rows:
        s.row += 1
        if l1 != previous[0]:
            s.put(2, l1, rows=sum(1 for r in rows if r[0] == l1) if merged else 1)
        if l2 and (l1, l2) != previous:
            s.put(3, l2, rows=sum(1 for r in rows if r[:2] == (l1, l2)) if merged else 1)
        previous = (l1, l2)
        for column, key in enumerate(keys, 4):
            if item is None:
                continue
            value = item.get("原表", {}).get("得分") if key == "得分" else item.get(key)
            value = item.get("指标值", item.get("年度指标值")) if key == "年度指标值" else value
            s.put(column, number(value, style) if key in (points, "得分") else (None if value is None else str(value)))
        if item:
            s.put(4 + len(keys), item.get("偏差原因分析及改进措施") or item.get("未完成原因分析"))
    s.row += 1
    s.put(1, "总分", 3 + len(keys) - 2)
    s.put(4 + len(keys) - 2, 100)
    s.put(4 + len(keys) - 1, number(form.get("原表", {}).get("总分"), style))
    s.put(4 + len(keys), "优" if Decimal(str(form.get("原表", {}).get("总分", 0))) >= 90 else "")
    s.row += 1


def seed(key: str) -> dict:
    return yaml.safe_load((REPO / "content" / key / "report.yaml").read_text(encoding="utf-8"))


def seed_workbook(key: str, path: Path, **variant) -> Path:
    """A seed report's forms re-created as a workbook, one form per sheet."""
    report = seed(key)
    book = openpyxl.Workbook()
    book.remove(book.active)
    for number_, form in enumerate(report["自评表"], 1):
        write_form(Sheet(book.create_sheet(f"表{number_}")), form, report["年度"], **variant)
    book.save(path)
    return path


def imported(project: Path, cli, *files: Path, slug: str = "imported") -> dict:
    result = cli("import", *files, "--project", project, "--slug", slug)
    assert result.exit_code == 0, result.output
    return yaml.safe_load(next(project.glob(f"content/*/{slug}/report.yaml")).read_text(encoding="utf-8"))


def inputs_of(form: dict) -> dict:
    """What a clerk types of a form (amounts, targets, actuals, 分值) and what it printed (原表), keyed plainly."""
    funds = form["项目资金"]
    total = funds["年度资金总额"]
    rows = {
        item["三级指标"]: (
            str(item.get("指标值", item.get("年度指标值"))).replace(" ", ""),
            item.get("指标性质"),
            item.get("度量单位"),
            str(item.get("实际完成值", item.get("完成值"))).replace(" ", ""),
            Decimal(str(item.get("分值", item.get("权重")))),
            Decimal(str(item.get("原表", {}).get("得分"))),
        )
        for l2s in form["绩效指标"].values()
        for items in (l2s or {}).values()
        for item in items or []
    }
    amounts = tuple(
        Decimal(str(total.get(k)))
        for k in ("年初预算数", "全年预算数", "调整后预算数", "全年执行数", "预算执行数")
        if k in total
    )
    return {"项目名称": form["项目名称"], "资金": amounts, "行": rows, "总分": Decimal(str(form["原表"]["总分"]))}


def test_the_seed_forms_as_workbooks_import_with_every_figure_and_check_lists_the_seed_slips(project, cli, tmp_path):
    """luzhou-xiangmu-zipingbiao's seven forms (调整后预算数/预算执行数/权重, 项目编码, a total row called 总额) as a
    workbook: every amount, target, actual and 分值 read, every printed 得分 and 总分 under 原表, and check lists
    the two slips of the printed form (8.91 for 8.92 = 10 × 89.18%, and the 总分 96.91 built on it)."""
    key = "2023/luzhou-xiangmu-zipingbiao"
    book = seed_workbook(key, tmp_path / "自评表.xlsx")
    report = imported(project, cli, book)
    assert report["年度"] == 2023 and report["单位"] == "泸州市住房公积金管理中心"
    expected = seed(key)["自评表"]
    assert [inputs_of(f) for f in report["自评表"]] == [inputs_of(f) for f in expected]
    assert report["自评表"][0]["项目编码"] == "51050023T000008161532"
    assert report["自评表"][4]["项目资金"]["原表"] == {"执行率": "89.18%", "得分": 8.91}
    shutil.rmtree(project / "content/2024")
    result = cli("check", project)
    assert "预算执行得分: 原表为 8.91，按规则计算为 8.92 [stated-differs]" in result.output
    assert "住房公积金信息系统运行维护 总分: 原表为 96.91，按规则计算为 96.92 [stated-differs]" in result.output


@pytest.mark.parametrize(
    "variant",
    [
        {"style": "text", "merged": False, "fraction": False},  # numbers as text, labels written once, 100% as text
        {"style": "fullwidth", "merged": True, "fraction": True},  # ８２．１９, merged labels, 100% as the fraction 1
    ],
)
def test_two_forms_one_below_another_with_blank_and_notes_rows_import_alike(project, cli, tmp_path, variant):
    """liuan's two forms on ONE sheet, a blank row and a notes row (注：…) between them: both read, with every
    figure the YAML has (82.19, 115.55 万条, 分值 4, 原表 得分 1.08 …) whatever the cells' format."""
    report = seed("2023/liuan-zipingbiao")
    book = openpyxl.Workbook()
    sheet = Sheet(book.active)
    write_form(sheet, report["自评表"][0], 2023, **variant)
    sheet.row += 1
    sheet.put(1, "注：本表由项目实施单位填报。", LAST)
    sheet.row += 2
    write_form(sheet, report["自评表"][1], 2023, **variant)
    book.save(tmp_path / "六安.xlsx")
    result = imported(project, cli, tmp_path / "六安.xlsx")
    assert [inputs_of(f) for f in result["自评表"]] == [inputs_of(f) for f in report["自评表"]]
    first = result["自评表"][0]
    assert first["项目资金"]["年度资金总额"] == {
        "年初预算数": 82.19,
        "全年预算数": 82.19,
        "全年执行数": 82.19,
    }
    assert first["项目资金"]["原表"] == {"执行率": "100%", "得分": 10}
    assert list(first["绩效指标"]["效益指标"]) == ["经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"]
    assert first["绩效指标"]["效益指标"]["经济效益指标"] is None
    assert first["原表"] == {"总分": 92.55, "评价等次": "优"}


def test_an_imported_bundle_builds_at_once_and_the_summary_says_what_was_read(project, cli, tmp_path):
    book = seed_workbook("2023/liuan-zipingbiao", tmp_path / "六安.xlsx")
    result = cli("import", book, "--project", project, "--slug", "liuan")
    assert result.exit_code == 0
    assert (
        "已读取 六安.xlsx：公积金中心运转维护经费（资金 4 行，三级指标 17 行，原表总分 92.55，评价等次 优）"
        in result.output
    )
    assert (project / "content/2023/liuan/01-概况.md").read_text(encoding="utf-8") == "# 概况\n"
    built = cli("build", project, "--no-pdf", "--no-search")
    assert built.exit_code == 0, built.output
    page = (project / "site/2023/liuan/index.html").read_text(encoding="utf-8")
    assert "公积金中心运转维护经费" in page and "92.55" in page


def test_an_import_that_fails_writes_nothing(project, cli, tmp_path):
    book = openpyxl.Workbook()
    Sheet(book.active).put(1, "项目名称")
    book.active.cell(1, 2, "某项目")
    book.active.cell(3, 1, "一级指标")
    book.save(tmp_path / "坏表.xlsx")
    before = sorted(p.relative_to(project) for p in project.rglob("*"))
    result = cli("import", tmp_path / "坏表.xlsx", "--project", project, "--year", "2024")
    assert result.exit_code == 1
    assert (
        "坏表.xlsx!A1: error: 自评表中找不到项目资金的表头（年初预算数、全年预算数、全年执行数） [import]"
        in result.output
    )
    assert sorted(p.relative_to(project) for p in project.rglob("*")) == before


# -- Excel out ------------------------------------------------------------------------------------------------

SEEDS = sorted(f"{p.parent.parent.name}/{p.parent.name}" for p in (REPO / "content").glob("*/*/report.yaml"))


def computed_cells(view, data: bytes, tmp_path: Path):
    """Each formula cell of the workbook with the figure jixiao computed for it (by its origin's path)."""
    path = tmp_path / "out.xlsx"
    path.write_bytes(data)
    formulas = openpyxl.load_workbook(path)
    cached = openpyxl.load_workbook(path, data_only=True)
    return formulas, cached, {origin_of(f).path: f for f in every_figure(view)}


def test_every_computed_figure_of_a_form_is_a_live_formula_over_its_inputs(tmp_path):
    """liuan's first form: 执行率 = 全年执行数 ÷ 全年预算数 (E5/D5 = 82.19 ÷ 82.19 = 1, rounded to the places it
    prints with: the document prints 100% (原表), 2 places of a fraction, the format 0%),
    the row score 4 × 115.55 ÷ 428 = 1.08 over the 分值 cell, 总分 the sum of the score cells; the cached value
    is jixiao's figure; two writes give the same bytes."""
    view, _ = assess_in_site(REPO, "2023/liuan-zipingbiao")
    data = write_workbook(view)
    assert data == write_workbook(view)
    formulas, cached, _ = computed_cells(view, data, tmp_path)
    sheet = formulas["公积金中心运转维护经费"]
    assert sheet["G5"].value == "=ROUND(E5/D5,2)" and sheet["G5"].number_format == "0%"
    assert sheet["G15"].value == "=ROUND(F15*115.55/428,2)"
    assert sheet["G34"].value.startswith("=ROUND(H5+G14+G15+G16+")
    assert cached["公积金中心运转维护经费"]["G15"].value == 1.08
    assert cached["公积金中心运转维护经费"]["G34"].value == 92.55
    assert "A13:A13" not in sheet.merged_cells and "A14:A24" in sheet.merged_cells  # 产出指标 over its 11 rows
    assert formulas["自评结果汇总"]["H3"].value == "=公积金中心运转维护经费!G34"


RECALC_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def recalculated(data: bytes, folder: Path) -> openpyxl.Workbook:
    """The workbook with its cached values dropped (openpyxl keeps none), recalculated by LibreOffice headless
    (a profile that always recalculates on load), read back with the values LibreOffice computed."""
    folder.mkdir()
    source = folder / "source.xlsx"
    source.write_bytes(data)
    openpyxl.load_workbook(source).save(folder / "bare.xlsx")
    profile = folder / "profile/user"
    profile.mkdir(parents=True)
    (profile / "registrymodifications.xcu").write_text(RECALC_PROFILE, encoding="utf-8")
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(folder / "out"),
            str(folder / "bare.xlsx"),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return openpyxl.load_workbook(folder / "out/bare.xlsx", data_only=True)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (libreoffice-calc-nogui) is not installed")
@pytest.mark.parametrize("key", SEEDS)
def test_libreoffice_recalculates_every_formula_to_jixiaos_figure(tmp_path, key):
    view, _ = assess_in_site(REPO, key)
    data = write_workbook(view)
    formulas = openpyxl.load_workbook(io.BytesIO(data))
    computed = recalculated(data, tmp_path / "lo")
    cached = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    checked = 0
    for sheet in formulas.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    expected = cached[sheet.title][cell.coordinate].value  # jixiao's figure, written as the cache
                    got = computed[sheet.title][cell.coordinate].value
                    assert got == pytest.approx(expected, abs=1e-9), (sheet.title, cell.coordinate, cell.value)
                    checked += 1
    assert checked >= max(3 * len(view.forms), 1)  # at least 执行率, 得分 and 总分 of every form are live


@pytest.mark.parametrize("key", ["2023/liuan-zipingbiao", "2023/luzhou-xiangmu-zipingbiao"])
def test_round_trip_export_then_import_gives_the_same_figures(project, cli, tmp_path, key):
    """A seed exported and imported: the same amounts and 分值, 原表 holds jixiao's own figures, and the imported
    report computes every 执行率, row 得分, 总分 and 等次 as the original. luzhou's split targets (≤, 12, 月) come
    back written together (≤12月) and its actual 12月 as 12, which would otherwise read as a month."""
    view, _ = assess_in_site(REPO, key)
    (tmp_path / "out.xlsx").write_bytes(write_workbook(view))
    report = imported(project, cli, tmp_path / "out.xlsx", slug="back")
    original = seed(key)["自评表"]
    assert [inputs_of(f)["资金"] for f in report["自评表"]] == [inputs_of(f)["资金"] for f in original]
    assert [{k: v[5] for k, v in inputs_of(f)["行"].items()} for f in report["自评表"]] == [
        {k: v[5] for k, v in inputs_of(f)["行"].items()} for f in original
    ]
    again, _ = assess_in_site(project, "2023/back")
    for old, new in zip(view.forms, again.forms):
        assert (new.rate, new.budget_score, new.indicator_score, new.total, new.grade) == (
            old.rate,
            old.budget_score,
            old.indicator_score,
            old.total,
            old.grade,
        )
        assert [r.score for r in new.rows] == [r.score for r in old.rows]
    assert [Decimal(str(f["原表"]["总分"])) for f in report["自评表"]] == [f.total for f in view.forms]


def test_the_readmes_import_options_set_the_year_and_the_unit(project, cli, tmp_path):
    """README: `jixiao import 自评表.xlsx --year 2024 --unit 示例中心` — the bundle goes under the year given, not the
    title's (2023), and names the unit given, not the form's 实施单位 (六安市住房公积金中心)."""
    book = seed_workbook("2023/liuan-zipingbiao", tmp_path / "自评表.xlsx")
    result = cli("import", book, "--project", project, "--year", "2024", "--unit", "示例中心")
    assert result.exit_code == 0, result.output
    report = yaml.safe_load((project / "content/2024/zipingbiao/report.yaml").read_text(encoding="utf-8"))
    assert (report["年度"], report["单位"]) == (2024, "示例中心")
