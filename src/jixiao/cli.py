"""The `jixiao` command: a thin click layer that parses arguments and calls the stages."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from .build import build_site
from .errors import ErrorGroup, JixiaoError


def report_failure(exc: JixiaoError, project: Path) -> None:
    """Print the error(s) the way compilers do and exit non-zero, never with a traceback."""
    click.echo(exc.format(project.resolve()), err=True)
    count = len(exc.errors) if isinstance(exc, ErrorGroup) else 1
    click.secho(f"构建失败: {count} 个错误，未写入任何输出。", fg="red", err=True)
    sys.exit(1)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="jixiao")
def main() -> None:
    """jixiao（绩效）: 用 YAML 数据和 Markdown 正文生成经过核算的绩效报告网站与 PDF。"""


@main.command()
@click.argument("project", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="输出目录（默认 PROJECT/site）。")
@click.option("--no-pdf", is_flag=True, help="只生成 HTML，不生成 PDF。")
@click.option("-j", "--jobs", type=click.IntRange(1), default=None, help="并行进程数（默认: CPU 核数）。")
def build(project: Path, out_dir: Path | None, no_pdf: bool, jobs: int | None) -> None:
    """构建站点: content/ → site/（每份报告一个网页和 data.json）。"""
    try:
        result = build_site(project, out_dir, jobs=jobs, with_pdf=not no_pdf)
    except JixiaoError as exc:
        report_failure(exc, project)
        return
    root = project.resolve()
    for finding in result.findings:
        if finding.level != "note":
            click.echo(finding.format(root), err=True)
    counts = {level: sum(1 for f in result.findings if f.level == level) for level in ("warning", "note")}
    click.echo(f"已构建 {len(result.pages)} 份报告 → {result.out_dir} "
               f"（{result.seconds:.2f} 秒；警告 {counts['warning']}，说明 {counts['note']}）")
