"""`jixiao new`: scaffold a project, or a report from its type's template or from last year's report."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import jinja2
import yaml

from .config import SiteConfig, load_config
from .errors import JixiaoError, Location, SourceError, did_you_mean
from .load import REPORT_FILE, SLUG_RE, YEAR_RE
from .paths import ProjectFiles
from .pipelines import check_install_spec
from .quantity import format_number
from .site import CONTENT_DIR
from .yamlsource import parse_yaml, plain

SCAFFOLD = Path(__file__).parent / "scaffold"
FORM_TYPE = "项目支出绩效自评表"  # the example report of a new site
CI_SHARDS = 2  # the CI pipelines a new site gets build in this many shards
_KEPT_LINE_RE = re.compile(r"^(#{1,6}\s.*|::\S.*)$")  # headings and directives survive --from


def _render(name: str, **values: Any) -> str:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(SCAFFOLD)), keep_trailing_newline=True, undefined=jinja2.StrictUndefined
    )
    env.filters["yaml_string"] = yaml_string
    return env.get_template(name).render(**values)


def yaml_string(value: str) -> str:
    """A value as one double-quoted YAML scalar, written by PyYAML's emitter: quotes, #, colons and brackets in
    it (a git URL, a version range) cannot end the string or start a comment in the pipelines."""
    return yaml.safe_dump(value, default_style='"', width=float("inf"), allow_unicode=True).rstrip("\n")


def _write_new(path: Path, text: str) -> None:
    """Create a file; never overwrite what an author wrote."""
    if path.exists():
        raise JixiaoError(f"{path} 已存在，未覆盖。")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def new_site(folder: Path, title: str, unit: str, year: int, install: str, example: bool = True) -> list[Path]:
    """A working project: site.yaml, one example report (unless `example` is false: a real project would first
    have to delete it), .gitignore, CI pipelines that `pip install` what `install` names; returns the files
    written."""
    check_install_spec(install)
    if (folder / CONTENT_DIR).exists():
        raise JixiaoError(f"{folder / CONTENT_DIR} 已存在: 这里已经是一个项目。")
    written = [
        folder / CONTENT_DIR / "site.yaml",
        folder / ".gitignore",
        folder / ".github/workflows/jixiao.yml",
        folder / ".gitlab-ci.yml",
    ]
    _write_new(written[0], _render("site.yaml", title=title))
    _write_new(written[1], _render("gitignore"))
    _write_new(written[2], _render("ci/github.yml", install=install, shards=CI_SHARDS))
    _write_new(written[3], _render("ci/gitlab.yml", install=install, shards=CI_SHARDS))
    return written + (new_report(folder, FORM_TYPE, year, unit, "zipingbiao") if example else [])


def project_config(project: Path) -> SiteConfig:
    if not (project / CONTENT_DIR / "site.yaml").is_file():
        raise JixiaoError(f"{project} 不是 jixiao 项目（没有 content/site.yaml）。先运行 `jixiao new site DIR`。")
    return load_config(ProjectFiles.open(project), project / CONTENT_DIR)


def new_report(project: Path, kind: str, year: int, unit: str, slug: str | None) -> list[Path]:
    """A report bundle of any type (built-in or the site's variant): the example report.yaml of the nearest
    type along its base chain, and one section file per 章节 the type declares."""
    config = project_config(project)
    if kind not in config.types:
        raise JixiaoError(f"未知的报告类型「{kind}」，可用: {'、'.join(config.types)}")
    spec = config.types[kind]
    folder = next(SCAFFOLD / "report" / name for name in spec.chain if (SCAFFOLD / "report" / name).is_dir())
    rules = config.rules_for(kind)
    values = {
        "unit": unit,
        "year": year,
        "kind": kind,
        "money": config.default_unit,
        "budget_points": format_number(rules.budget_points),
        "points": split_points(rules.indicator_points, 4),
    }
    bundle = _new_bundle(project, year, slug or spec.slug)
    written = [bundle / REPORT_FILE]
    _write_new(written[0], _render(f"report/{folder.name}/report.yaml", **values))
    for number, section in enumerate(spec.sections, 1):
        written.append(bundle / f"{number:02d}-{section}.md")
        template = f"report/{folder.name}/{section}.md"
        text = _render(template, **values) if (SCAFFOLD / template).is_file() else f"# {section}\n"
        _write_new(written[-1], text)
    return written


def split_points(total: Decimal, parts: int) -> list[str]:
    """The example rows' 分值, adding up to the type's 指标分值 (90 → 23 23 22 22)."""
    whole, rest = divmod(int(total), parts)
    shares = [Decimal(whole + (1 if i < rest else 0)) for i in range(parts)]
    shares[-1] += total - sum(shares)  # a 指标分值 with decimals puts them on the last row
    return [format_number(share) for share in shares]


def _new_bundle(project: Path, year: int, slug: str) -> Path:
    project_config(project)
    if not SLUG_RE.match(slug):
        raise JixiaoError(f"slug「{slug}」只能用小写字母、数字和连字符。")
    if not YEAR_RE.match(str(year)):  # the build reads only content/<four digits>/
        raise JixiaoError(f"年度「{year}」应为四位数字，例如 --year 2024。")
    bundle = project / CONTENT_DIR / str(year) / slug
    if bundle.exists():
        raise JixiaoError(f"{bundle} 已存在。")
    return bundle


def carry_forward(project: Path, source_key: str, year: int, unit: str | None, slug: str | None) -> list[Path]:
    """Last year's report as this year's start: targets, weights and headings kept;
    actual values, amounts executed, stated figures and conclusions cleared."""
    source = project / CONTENT_DIR / source_key
    if not (source / REPORT_FILE).is_file():
        reports = sorted(
            f"{p.parent.parent.name}/{p.parent.name}" for p in (project / CONTENT_DIR).glob(f"*/*/{REPORT_FILE}")
        )
        raise SourceError(
            Location(source / REPORT_FILE),
            f"找不到要沿用的报告「{source_key}」",
            hint=did_you_mean(source_key, reports) or "写成 年度/slug，例如 --from 2023/liuan-zipingbiao。",
        )
    path = source / REPORT_FILE
    data = plain(parse_yaml(ProjectFiles.open(project).read_text(path), path))
    old_year = data.get("年度")
    bundle = _new_bundle(project, year, slug or source.name)
    data = clear_for_new_year(data, old_year, year, unit)
    written = [bundle / REPORT_FILE]
    _write_new(
        written[0],
        "# yaml-language-server: $schema=../../../schema/report.schema.json\n"
        "# 由 jixiao new report --from "
        + source_key
        + " 生成：请填写清空的完成值和执行数。\n"
        + yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=120, default_flow_style=None),
    )
    for section in sorted(source.glob("*.md")):
        kept = [line for line in section.read_text(encoding="utf-8").splitlines() if _KEPT_LINE_RE.match(line)]
        written.append(bundle / section.name)
        _write_new(written[-1], "\n\n".join(kept) + "\n")
    return written


def clear_for_new_year(data: dict[str, Any], old_year: Any, year: int, unit: str | None) -> dict[str, Any]:
    """Last year's report.yaml made into this year's: structure, targets, weights, names and formulas kept;
    every figure, actual value, score, stated figure, acknowledgement and conclusion cleared, so that
    `jixiao check` lists exactly what is left to fill in. Deadlines and attachments move to the new year."""

    def move(text: Any) -> Any:
        return text.replace(f"{old_year}年", f"{year}年") if isinstance(text, str) and old_year else text

    data = {k: v for k, v in data.items() if k not in ("日期", "落款", "原表", "核对说明", "摘要")}
    data["年度"] = year
    if unit:
        data["单位"] = unit
    if "标题" in data and old_year:
        data["标题"] = str(data["标题"]).replace(str(old_year), str(year))
    for form in data.get("自评表", []):
        _drop(form, "原表", "核对说明", "评价结论", "存在问题", "改进措施", "项目实施内容及过程概述")
        funds = form.get("项目资金", {})
        _drop(funds, "原表", "核对说明", "原因")
        for row in [funds.get("年度资金总额", {}), *funds.get("其中", [])]:
            _blank(row, None, "全年执行数", "预算执行数")
        goal = form.get("年度总体目标", {})
        _blank(goal, "", "实际完成情况")
        _drop(goal, "核对说明")
        _clear_rows(form.get("绩效指标"), move)
    sheet = data.get("评分表")
    if isinstance(sheet, dict):
        _drop(sheet, "原表", "核对说明")
        _clear_rows(sheet.get("指标"), move)
    for part in data.get("评分") or []:
        _blank(part, None, "得分")
    for table in (data.get("数据表") or {}).values():
        _drop(table, "原表", "核对说明")
        kept = {"名称", "上级", "公式", "格式", "计入合计"}
        for row in table.get("行") or []:
            for key in [k for k in row if k not in kept]:
                row[key] = None
            _drop(row, *[k for k, v in row.items() if v is None])
    for item in data.get("附件") or []:
        if isinstance(item.get("报告"), str) and old_year:
            item["报告"] = item["报告"].replace(f"{old_year}/", f"{year}/", 1)
    return data


def _drop(mapping: dict[str, Any], *keys: str) -> None:
    for key in keys:
        mapping.pop(key, None)


def _blank(mapping: dict[str, Any], empty: Any, *keys: str) -> None:
    for key in keys:
        if key in mapping:
            mapping[key] = empty


def _clear_rows(tree: Any, move: Any) -> None:
    """Indicator rows of a 自评表 or 评分表: actual values and scores cleared, deadlines moved."""
    for group in (tree or {}).values():
        for rows in (group or {}).values():
            for row in rows or []:
                _drop(
                    row,
                    "原表",
                    "说明",
                    "核对说明",
                    "得分",
                    "理由",
                    "评分依据",
                    "偏差原因分析及改进措施",
                    "偏差原因",
                    "未完成原因分析",
                    "扣分原因",
                )
                _blank(row, "", "实际完成值", "完成值")
                for key in ("指标值", "年度指标值"):
                    row[key] = move(row[key]) if key in row else None
                _drop(row, *[k for k in ("指标值", "年度指标值") if row.get(k) is None])


class _Dumper(yaml.SafeDumper):
    """Writes Decimals as the exact numbers they are (never through a float)."""


_Dumper.add_representer(Decimal, lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:float", f"{value:f}"))
