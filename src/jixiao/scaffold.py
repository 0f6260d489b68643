"""`jixiao new`: scaffold a project, or a report from its type's template or from last year's report."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import jinja2
import yaml

from .errors import JixiaoError, Location, SourceError
from .load import REPORT_FILE
from .site import CONTENT_DIR
from .paths import ProjectFiles
from .yamlsource import parse_yaml, plain

SCAFFOLD = Path(__file__).parent / "scaffold"
REPORT_TYPES = ("项目支出绩效自评表",)
_SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_HEADING_RE = re.compile(r"^(#{1,6}\s.*|---)$")


def _render(name: str, **values: Any) -> str:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(SCAFFOLD)), keep_trailing_newline=True,
                             undefined=jinja2.StrictUndefined)
    return env.get_template(name).render(**values)


def _write_new(path: Path, text: str) -> None:
    """Create a file; never overwrite what an author wrote."""
    if path.exists():
        raise JixiaoError(f"{path} 已存在，未覆盖。")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def new_site(folder: Path, title: str, unit: str, year: int) -> list[Path]:
    """A working project: site.yaml, one example report, .gitignore; returns the files written."""
    if (folder / CONTENT_DIR).exists():
        raise JixiaoError(f"{folder / CONTENT_DIR} 已存在: 这里已经是一个项目。")
    written = [folder / CONTENT_DIR / "site.yaml", folder / ".gitignore"]
    _write_new(written[0], _render("site.yaml", title=title))
    _write_new(written[1], _render("gitignore"))
    return written + new_report(folder, REPORT_TYPES[0], year, unit, "zipingbiao")


def new_report(project: Path, kind: str, year: int, unit: str, slug: str) -> list[Path]:
    """A report bundle from its type's template."""
    if kind not in REPORT_TYPES:
        raise JixiaoError(f"未知的报告类型「{kind}」，可用: {'、'.join(REPORT_TYPES)}")
    bundle = _new_bundle(project, year, slug)
    written = [bundle / REPORT_FILE]
    _write_new(written[0], _render(f"report/{kind}.yaml", unit=unit, year=year))
    for section in sorted((SCAFFOLD / "report").glob("*.md")):
        written.append(bundle / section.name)
        _write_new(written[-1], _render(f"report/{section.name}", unit=unit, year=year))
    return written


def _new_bundle(project: Path, year: int, slug: str) -> Path:
    if not (project / CONTENT_DIR / "site.yaml").is_file():
        raise JixiaoError(f"{project} 不是 jixiao 项目（没有 content/site.yaml）。先运行 `jixiao new site DIR`。")
    if not _SLUG_RE.match(slug):
        raise JixiaoError(f"slug「{slug}」只能用小写字母、数字和连字符。")
    bundle = project / CONTENT_DIR / str(year) / slug
    if bundle.exists():
        raise JixiaoError(f"{bundle} 已存在。")
    return bundle


def carry_forward(project: Path, source_key: str, year: int, unit: str | None, slug: str | None) -> list[Path]:
    """Last year's report as this year's start: targets, weights and headings kept;
    actual values, amounts executed, stated figures and conclusions cleared."""
    source = project / CONTENT_DIR / source_key
    if not (source / REPORT_FILE).is_file():
        raise SourceError(Location(source / REPORT_FILE), f"找不到要沿用的报告「{source_key}」",
                          hint="写成 年度/slug，例如 --from 2023/liuan-zipingbiao。")
    path = source / REPORT_FILE
    data = plain(parse_yaml(ProjectFiles.open(project).read_text(path), path))
    old_year = data.get("年度")
    bundle = _new_bundle(project, year, slug or source.name)
    data = clear_for_new_year(data, old_year, year, unit)
    written = [bundle / REPORT_FILE]
    _write_new(written[0], "# yaml-language-server: $schema=../../../schema/report.schema.json\n"
               "# 由 jixiao new report --from " + source_key + " 生成：请填写清空的完成值和执行数。\n"
               + yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=120))
    for section in sorted(source.glob("*.md")):
        headings = [line for line in section.read_text(encoding="utf-8").splitlines() if _HEADING_RE.match(line)]
        written.append(bundle / section.name)
        _write_new(written[-1], "\n\n".join(headings) + "\n")
    return written


def clear_for_new_year(data: dict[str, Any], old_year: Any, year: int, unit: str | None) -> dict[str, Any]:
    data = {k: v for k, v in data.items() if k not in ("日期", "落款")}
    data["年度"] = year
    if unit:
        data["单位"] = unit
    if "标题" in data and old_year:
        data["标题"] = str(data["标题"]).replace(str(old_year), str(year))
    for form in data.get("自评表", []):
        for key in ("原表", "说明", "评价结论", "存在问题", "改进措施", "项目实施内容及过程概述"):
            form.pop(key, None)
        funds = form.get("项目资金", {})
        funds.pop("原表", None), funds.pop("说明", None), funds.pop("原因", None)
        for row in [funds.get("年度资金总额", {}), *funds.get("其中", [])]:
            for key in ("全年执行数", "预算执行数"):
                if key in row:
                    row[key] = None
        goal = form.get("年度总体目标", {})
        goal["实际完成情况"] = ""
        goal.pop("说明", None)
        for group in (form.get("绩效指标") or {}).values():
            for rows in (group or {}).values():
                for row in rows or []:
                    for key in ("原表", "说明", "得分", "理由", "偏差原因分析及改进措施", "偏差原因", "未完成原因分析"):
                        row.pop(key, None)
                    for key in ("实际完成值", "完成值"):
                        if key in row:
                            row[key] = ""
                    for key in ("指标值", "年度指标值"):  # a deadline such as 2023年12月 moves to the new year
                        if isinstance(row.get(key), str) and old_year:
                            row[key] = row[key].replace(f"{old_year}年", f"{year}年")
    return data


class _Dumper(yaml.SafeDumper):
    """Writes Decimals as the exact numbers they are (never through a float)."""


_Dumper.add_representer(Decimal, lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:float", f"{value:f}"))
