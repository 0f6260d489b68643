"""The `jixiao` command: a thin click layer that parses arguments and calls the stages."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from . import __version__
from .build import BuildResult, StrictFailure, build_site, check_site
from .errors import ErrorGroup, JixiaoError, SourceError
from .findings import Finding
from .progress import progress_display

PROJECT = click.argument("project", default=".", type=click.Path(file_okay=False, path_type=Path))
JOBS = click.option("-j", "--jobs", type=click.IntRange(1), default=None, help="并行进程数（默认: CPU 核数）。")


def report_failure(exc: JixiaoError, project: Path) -> None:
    """Print the error(s) the way compilers do and exit non-zero, never with a traceback."""
    click.echo(exc.format(project.resolve()), err=True)
    if isinstance(exc, StrictFailure):
        click.secho(f"构建失败（--strict）: {len(exc.findings)} 个警告，未写入任何输出。", fg="red", err=True)
    else:
        count = len(exc.errors) if isinstance(exc, ErrorGroup) else 1
        click.secho(f"构建失败: {count} 个错误，未写入任何输出。", fg="red", err=True)
    sys.exit(1)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="jixiao")
def main() -> None:
    """jixiao（绩效）: 用 YAML 数据和 Markdown 正文生成经过核算的绩效报告网站与 PDF。"""


@main.command()
@PROJECT
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="输出目录（默认 PROJECT/site）。")
@click.option("--no-pdf", is_flag=True, help="只生成 HTML，不生成 PDF。")
@click.option("--strict", is_flag=True, help="有警告即失败（用于 CI）。")
@click.option("--clean", is_flag=True, help="忽略缓存，全部重新构建。")
@JOBS
def build(project: Path, out_dir: Path | None, no_pdf: bool, strict: bool, clean: bool, jobs: int | None) -> None:
    """构建站点: content/ → site/（每份报告一个网页、PDF 和 data.json）。"""
    try:
        with progress_display("构建") as progress:
            result = build_site(project, out_dir, jobs=jobs, with_pdf=not no_pdf, strict=strict, clean=clean,
                                progress=progress)
    except JixiaoError as exc:
        report_failure(exc, project)
        return
    root = project.resolve()
    for finding in result.findings:
        if finding.level == "warning":
            click.echo(finding.format(root), err=True)
    click.echo(summary_line(result))


def summary_line(result: BuildResult) -> str:
    reused = len(result.pages) - result.rebuilt
    return (f"已构建 {len(result.pages)} 份报告（重建 {result.rebuilt}，沿用 {reused}）→ {result.out_dir} "
            f"（{result.seconds:.2f} 秒；警告 {result.count('warning')}，说明 {result.count('note')}）")


@main.command()
@PROJECT
@click.option("--strict", is_flag=True, help="有警告时退出码为 1。")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              help="输出格式。")
@JOBS
def check(project: Path, strict: bool, output_format: str, jobs: int | None) -> None:
    """核对所有报告（不写输出）: 每行 file:line:col: level: message [rule]。"""
    root = project.resolve()
    try:
        findings, errors = check_site(project, jobs)
    except JixiaoError as exc:  # the site itself cannot be opened (site.yaml, theme)
        errors = exc.errors if isinstance(exc, ErrorGroup) else [exc] if isinstance(exc, SourceError) else []
        if not errors:
            report_failure(exc, project)
        findings = []
    everything = sorted([*(error_finding(e) for e in errors), *findings], key=Finding.sort_key)
    counts = {level: sum(1 for f in everything if f.level == level) for level in ("error", "warning", "note")}
    if output_format == "json":
        click.echo(json.dumps({"findings": [f.as_dict(root) for f in everything], "summary": counts},
                              ensure_ascii=False, indent=1))
    else:
        for item in everything:
            click.echo(item.format(root))
        click.echo(f"错误 {counts['error']}，警告 {counts['warning']}，说明 {counts['note']}")
    sys.exit(1 if counts["error"] or (strict and counts["warning"]) else 0)


def error_finding(error: SourceError) -> Finding:
    """An input error as a check line (the error's key path goes into the message)."""
    message = f"{error.key}: {error.message}" if error.key else error.message
    return Finding(error.location, "error", error.rule, message)
