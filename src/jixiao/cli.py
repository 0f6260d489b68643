"""The `jixiao` command: a thin click layer that parses arguments and calls the stages.

Each command imports its stages when it runs, so `jixiao --help` loads click and nothing else of
weight (the stages bring in pydantic, Jinja, markdown-it and WeasyPrint).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from . import __version__
from .collector import collecting_less
from .errors import ErrorGroup, JixiaoError, SourceError, describe_os_error, did_you_mean, os_error_hint
from .findings import Finding

if TYPE_CHECKING:
    from .build import BuildResult

PROJECT = click.argument("project", default=".", type=click.Path(file_okay=False, path_type=Path))
JOBS = click.option("-j", "--jobs", type=click.IntRange(1), default=None, help="并行进程数（默认: CPU 核数）。")


def report_failure(exc: JixiaoError, project: Path, what: str = "构建失败") -> None:
    """Print the error(s) the way compilers do and exit non-zero, never with a traceback."""
    click.echo(exc.format(project.resolve()), err=True)
    click.secho(exc.verdict(what), fg="red", err=True)
    sys.exit(1)


class CommandLine(click.Group):
    """click, with its usage errors in the user's language (click writes them in English)."""

    def main(
        self,
        args: Any = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.UsageError as exc:
            click.echo(
                f"{describe_usage_error(exc)}\n  提示: 运行 {exc.ctx.command_path if exc.ctx else 'jixiao'} "
                "--help 查看用法。",
                err=True,
            )
            sys.exit(2)
        except click.ClickException as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("已中止。", err=True)
            sys.exit(1)
        except OSError as exc:  # a file the system refused that no stage turned into its own message
            click.echo(
                f"{exc.filename or 'jixiao'}: error: {describe_os_error(exc)}\n  提示: {os_error_hint(exc)}", err=True
            )
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)

    def resolve_command(self, ctx: click.Context, args: list[str]) -> Any:
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None:
            raise click.UsageError(f"没有命令「{name}」；{did_you_mean(name, sorted(self.commands))}", ctx)
        return super().resolve_command(ctx, args)


def describe_usage_error(exc: click.UsageError) -> str:
    """The common usage errors in Chinese; any other keeps click's own words after 用法错误."""
    name = exc.param.opts[0] if getattr(exc, "param", None) is not None and exc.param.opts else None
    if isinstance(exc, click.MissingParameter) and name:
        return f"用法错误: 缺少 {name}"
    if isinstance(exc, click.NoSuchOption):
        close = f"；是否想写 {'、'.join(sorted(exc.possibilities))}？" if exc.possibilities else ""
        return f"用法错误: 没有选项 {exc.option_name}{close}"
    if isinstance(exc, click.BadParameter) and name:
        return f"用法错误: {name} 的值无效（{exc.message}）"
    return f"用法错误: {exc.format_message()}"


@click.group(cls=CommandLine, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="jixiao")
def main() -> None:
    """jixiao（绩效）: 用 YAML 数据和 Markdown 正文生成经过核算的绩效报告网站与 PDF。"""
    # pydantic looks for plugins in the entry points of every installed distribution as it builds its first
    # validator (27 M instructions with a hundred installed); jixiao's checks must not change with what else is
    # installed. Setting the variable to anything else (an empty value) lets them load.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")


@main.command()
@PROJECT
@click.option("--out", "out_dir", type=click.Path(path_type=Path), help="输出目录（默认 PROJECT/site）。")
@click.option("--no-pdf", is_flag=True, help="只生成 HTML，不生成 PDF。")
@click.option("--no-office", is_flag=True, help="不生成 site.yaml 的 办公文档（Word、Excel）。")
@click.option("--strict", is_flag=True, help="有警告即失败（用于 CI）。")
@click.option("--clean", is_flag=True, help="忽略缓存，全部重新构建。")
@click.option("--no-search", is_flag=True, help="不生成搜索索引（快速预览）。")
@click.option(
    "--shard", default=None, metavar="K/N", help="只构建第 K 份（共 N 份）报告，供 jixiao merge 合并（CI 分片）。"
)
@JOBS
def build(
    project: Path,
    out_dir: Path | None,
    no_pdf: bool,
    no_office: bool,
    strict: bool,
    clean: bool,
    no_search: bool,
    shard: str | None,
    jobs: int | None,
) -> None:
    """构建站点: content/ → site/（每份报告一个网页、PDF、data.json，以及 site.yaml 要求的 Word、Excel）。"""
    with collecting_less(for_good=True):
        from .build import build_site
        from .progress import progress_display
        from .shards import Shard

    try:
        with progress_display("构建") as progress:
            result = build_site(
                project,
                out_dir,
                jobs=jobs,
                with_pdf=not no_pdf,
                office=not no_office,
                strict=strict,
                clean=clean,
                search=not no_search,
                progress=progress,
                shard=Shard.parse(shard) if shard else None,
            )
    except JixiaoError as exc:
        report_failure(exc, project)
        return
    root = project.resolve()
    for notice in result.notices:
        click.secho(f"warning: {notice}", fg="yellow", err=True)
    for finding in result.findings:
        if finding.level == "warning":
            click.echo(finding.format(root), err=True)
    click.echo(summary_line(result))


def summary_line(result: BuildResult) -> str:
    reused = len(result.pages) - result.rebuilt
    return (
        f"已构建 {len(result.pages)} 份报告（重建 {result.rebuilt}，沿用 {reused}）→ {result.out_dir} "
        f"（{result.seconds:.2f} 秒；警告 {result.count('warning')}，说明 {result.count('note')}）"
    )


@main.command()
@click.argument("parts", nargs=-1, required=True, type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option("--out", "out_dir", type=click.Path(path_type=Path), required=True, help="合并后的站点目录。")
@click.option(
    "--project",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="项目目录（模板与 site.yaml 从这里读取）。",
)
@click.option("--no-search", is_flag=True, help="不生成搜索索引。")
def merge(parts: tuple[Path, ...], out_dir: Path, project: Path, no_search: bool) -> None:
    """合并 jixiao build --shard 的各部分: 报告文件、全站页面、开放数据和搜索索引。"""
    with collecting_less(for_good=True):
        from .build import merge_parts

    try:
        out, count, seconds = merge_parts(project, list(parts), out_dir, search=not no_search)
    except JixiaoError as exc:
        report_failure(exc, project, "合并失败")
        return
    click.echo(f"已合并 {len(parts)} 份分片、{count} 份报告 → {out}（{seconds:.2f} 秒）")


@main.command()
@PROJECT
@click.option("--strict", is_flag=True, help="有警告时退出码为 1。")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "github", "sarif"]),
    default="text",
    help="输出格式：text（默认）、json、github（GitHub Actions 注释）、sarif（代码扫描工具）。",
)
@JOBS
def check(project: Path, strict: bool, output_format: str, jobs: int | None) -> None:
    """核对所有报告（不写输出）: 每行 file:line:col: level: message [rule]。"""
    with collecting_less(for_good=True):
        from .build import check_site
        from .findings import github_annotation, sarif_log

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
        click.echo(
            json.dumps(
                {"findings": [f.as_dict(root) for f in everything], "summary": counts}, ensure_ascii=False, indent=1
            )
        )
    elif output_format == "github":
        for item in everything:
            click.echo(github_annotation(item, root))
        click.echo(f"错误 {counts['error']}，警告 {counts['warning']}，说明 {counts['note']}")
    elif output_format == "sarif":
        click.echo(json.dumps(sarif_log(everything, root, __version__), ensure_ascii=False, indent=1))
    else:
        for item in everything:
            click.echo(item.format(root))
        click.echo(f"错误 {counts['error']}，警告 {counts['warning']}，说明 {counts['note']}")
    sys.exit(1 if counts["error"] or (strict and counts["warning"]) else 0)


def error_finding(error: SourceError) -> Finding:
    """An input error as a check line (the error's key path goes into the message)."""
    message = f"{error.key}: {error.message}" if error.key else error.message
    return Finding(error.location, "error", error.rule, message, error.hint)


@main.command()
@PROJECT
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="端口（0 = 任选空闲端口）。"
)
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址。")
@click.option("--no-search", is_flag=True, help="不生成搜索索引（大站点上保存后刷新更快）。")
@click.option(
    "--allow-host",
    multiple=True,
    metavar="名称",
    help="另外回答的主机名（经反向代理或自定义域名打开预览时；本机地址和 IP 地址总是回答）。",
)
def serve(project: Path, port: int, host: str, no_search: bool, allow_host: tuple[str, ...]) -> None:
    """预览: 构建并在本机提供网页，修改内容后自动重建并刷新浏览器。"""
    with collecting_less(for_good=True):
        from .serve import serve as run_server

    def ready(url: str) -> None:
        click.echo(f"预览地址: {url}  （Ctrl+C 退出）")

    try:
        run_server(
            project,
            host,
            port,
            lambda message: click.echo(message, err=True),
            ready,
            search=not no_search,
            allow_hosts=allow_host,
        )
    except JixiaoError as exc:  # the address cannot be served on (a build error is shown in the browser instead)
        click.echo(exc.format(project.resolve()), err=True)
        sys.exit(1)


@main.group(cls=CommandLine)
def new() -> None:
    """新建项目或报告。"""


@new.command("site")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--title", default="绩效信息公开", show_default=True, help="站点名称。")
@click.option("--unit", default="示例中心", show_default=True, help="单位名称（示例报告用）。")
@click.option("--year", type=int, default=None, help="示例报告的年度（默认: 去年）。")
@click.option(
    "--install",
    default=f"jixiao=={__version__}",
    show_default=True,
    metavar="SPEC",
    help="CI 流水线用 pip 安装的 jixiao: 已发布的版本、仓库中 wheel 的相对路径或 git+https://… 地址。",
)
@click.option("--empty", is_flag=True, help="不创建示例报告（报告用 jixiao new report 添加）。")
def new_site_command(folder: Path, title: str, unit: str, year: int | None, install: str, empty: bool) -> None:
    """在 FOLDER 中创建一个可直接构建的项目（含示例报告和编辑器 schema；--empty 不含示例报告）。"""
    from .scaffold import new_site
    from .schema import write_schemas

    year = year or dt.date.today().year - 1
    try:
        written = new_site(folder, title, unit, year, install, example=not empty)
        written += write_schemas(folder, folder / "schema")
    except JixiaoError as exc:
        report_failure(exc, folder, "新建失败")
        return
    for path in written:
        click.echo(f"已创建 {path}")
    first = f"jixiao new report --type 绩效评价报告 --year {year} --unit 本单位 && " if empty else ""
    click.echo(f"下一步: cd {folder} && {first}jixiao serve")


# The project folder of the commands that write into a project (new report, import).
project_option = click.option(
    "--project",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="项目目录。",
)


@new.command("report")
@click.option(
    "--type",
    "kind",
    default="项目支出绩效自评表",
    show_default=True,
    help="报告类型：内置类型或 site.yaml 中声明的变体。",
)
@click.option("--year", type=int, required=True, help="年度。")
@click.option("--unit", default=None, help="单位（--from 时默认沿用原报告）。")
@click.option("--slug", default=None, help="文件夹名（网址）；默认按类型（如 zipingbiao、juesuan）或与 --from 相同。")
@click.option("--from", "source", default=None, help="沿用某年报告的结构，例如 2023/liuan-zipingbiao。")
@project_option
def new_report_command(
    kind: str, year: int, unit: str | None, slug: str | None, source: str | None, project: Path
) -> None:
    """新建一份报告: 从类型模板，或用 --from 沿用去年的指标与分值（清空完成值和原表数字）。"""
    from .scaffold import carry_forward, new_report

    try:
        if source:
            written = carry_forward(project, source, year, unit, slug)
        else:
            if not unit:
                raise JixiaoError("请用 --unit 指明单位。")
            written = new_report(project, kind, year, unit, slug)
    except JixiaoError as exc:
        report_failure(exc, project, "新建失败")
        return
    for path in written:
        click.echo(f"已创建 {path}")


@main.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--year", type=int, default=None, help="年度（默认: 表题中的「（2023年度）」）。")
@click.option("--unit", default=None, help="单位（默认: 第一张表的实施单位）。")
@click.option("--slug", default=None, help="文件夹名（网址），默认 zipingbiao。")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="报告文件夹（默认: content/年度/slug）。",
)
@project_option
def import_command(
    files: tuple[Path, ...], year: int | None, unit: str | None, slug: str | None, out: Path | None, project: Path
) -> None:
    """从 Excel 工作簿（.xlsx）导入项目支出绩效自评表，写成一份报告（report.yaml 和一个空的正文章节）。"""
    from .importer.bundle import import_workbooks

    try:
        lines, written = import_workbooks(list(files), project, year, unit, slug, out)
    except JixiaoError as exc:
        report_failure(exc, project, "导入失败")
        return
    for line in lines:
        click.echo(line)
    for path in written:
        click.echo(f"已创建 {path}")


@main.command()
@PROJECT
@click.option(
    "--out",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="输出目录（默认: PROJECT/schema）。",
)
def schema(project: Path, folder: Path | None) -> None:
    """写出本项目 report.yaml 和 site.yaml 的 JSON Schema（含 site.yaml 中自己的报告类型和附加列），供编辑器补全和校验。"""
    from .schema import write_schemas

    try:
        written = write_schemas(project, folder or project / "schema")
    except JixiaoError as exc:
        report_failure(exc, project, "写出失败")
        return
    for path in written:
        click.echo(f"已写出 {path}")
