"""The report bundle an import writes: report.yaml with the forms as read (figures the form printed that jixiao
computes under 原表) and one empty narrative section, so that `jixiao build` builds it at once."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from ..errors import Location, SourceError
from .form import find_forms, read_form, year_of
from .workbook import fail, read_workbook

KIND = "项目支出绩效自评表"


@dataclass
class Imported:
    """What an import read: the forms, each with the file it came from, and the year the workbooks name."""

    forms: list[tuple[Path, dict[str, Any]]]
    year: int | None


def read_forms(paths: list[Path]) -> Imported:
    """Every 自评表 of the workbooks, in order; a workbook without one is an error naming its sheets."""
    forms: list[tuple[Path, dict[str, Any]]] = []
    year = None
    for path in paths:
        grids = read_workbook(path)
        found = [read_form(span) for grid in grids for span in find_forms(grid)]
        if not found:
            sheets = "、".join(grid.sheet for grid in grids[:5]) + (f" 等 {len(grids)} 张" if len(grids) > 5 else "")
            raise fail(
                Location(path),
                f"工作簿中找不到项目支出绩效自评表（读了工作表：{sheets or '无，只有图表页'}）",
                "自评表应有「项目名称」和绩效指标的表头（一级指标、二级指标、三级指标…）；图表页和汇总表不能导入。",
            )
        forms += [(path, form) for form in found]
        year = year or year_of(grids)
    return Imported(forms, year)


def report_text(imported: Imported, year: int, unit: str, sources: list[Path]) -> str:
    """report.yaml of the imported forms."""
    report = {
        "类型": KIND,
        "标题": f"{unit}{year}年度项目支出绩效自评",
        "单位": unit,
        "年度": year,
        "自评表": [form for _, form in imported.forms],
    }
    names = "、".join(path.name for path in sources)
    head = f"# 由 jixiao import 从 {names} 导入。原表印出的执行率、得分、总分、评价等次记在「原表」下，供 jixiao check 核对。\n"
    return head + yaml.dump(report, Dumper=Dumper, allow_unicode=True, sort_keys=False, width=1000)


class Dumper(yaml.SafeDumper):
    """YAML with Decimals as the numbers they are (82.19, never 82.18999…)."""


def represent_decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.ScalarNode:
    """A whole number as an integer (10), another as its decimal digits (82.19)."""
    whole = value == value.to_integral_value()
    tag = "tag:yaml.org,2002:int" if whole else "tag:yaml.org,2002:float"
    return dumper.represent_scalar(tag, f"{value.to_integral_value() if whole else value:f}")


Dumper.add_representer(Decimal, represent_decimal)


def write_bundle(folder: Path, text: str) -> list[Path]:
    """The bundle's files, in a folder that must not exist yet (nothing an author wrote is overwritten)."""
    if folder.exists():
        raise fail(Location(folder), "这个文件夹已存在，未覆盖", "用 --slug 换一个文件夹名，或用 --out 指定新的目录。")
    folder.mkdir(parents=True)
    written = [folder / "report.yaml", folder / "01-概况.md"]
    written[0].write_text(text, encoding="utf-8")
    written[1].write_text("# 概况\n", encoding="utf-8")
    return written


def summary(imported: Imported) -> list[str]:
    """One line per form read: where from, its rows, and the figures it printed (原表)."""
    lines = []
    for path, form in imported.forms:
        rows = sum(len(items or []) for level in form["绩效指标"].values() for items in (level or {}).values())
        stated = form.get("原表", {})
        printed = "，".join(f"{k} {v}" for k, v in stated.items())
        funds = 1 + len(form["项目资金"].get("其中", []))
        lines.append(
            f"已读取 {path.name}：{form['项目名称']}（资金 {funds} 行，三级指标 {rows} 行"
            + (f"，原表{printed}" if printed else "")
            + "）"
        )
    return lines


def import_workbooks(
    files: list[Path], project: Path, year: int | None, unit: str | None, slug: str | None, out: Path | None
) -> tuple[list[str], list[Path]]:
    """Read the workbooks and write their bundle (at `out`, else content/<年度>/<slug> of the project): the
    summary lines and the files written. Nothing is written unless every form was read."""
    imported = read_forms(files)
    year = year or imported.year
    if year is None:
        raise SourceError(
            Location(files[0]), "表中没有写年度（如「（2023年度）」）", hint="用 --year 指明年度。", rule="import"
        )
    first = imported.forms[0][1]
    unit = unit or first.get("实施单位") or first.get("主管部门")
    if not unit:
        raise SourceError(
            Location(files[0]), "表中没有写实施单位或主管部门", hint="用 --unit 指明单位。", rule="import"
        )
    if out is None:
        from ..scaffold import _new_bundle

        out = _new_bundle(project, year, slug or "zipingbiao")
    written = write_bundle(out, report_text(imported, year, unit, files))
    return summary(imported), written
