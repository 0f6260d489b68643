"""Jinja environment, layout lookup and the page resolver for Markdown expressions.

One ordered search path, first match wins file by file (Hugo's shadowing):
the project's `layouts/`, the project's `themes/<theme>/`, then the theme shipped in
the package, then the built-in `gongwen` theme it falls back to.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib.util
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import jinja2
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from .errors import Location, SourceError

BUILTIN_THEMES = Path(importlib.util.find_spec("jixiao.themes").submodule_search_locations[0])
DEFAULT_THEME = "gongwen"
# Tables an author can place with ::表格[名称]; each is a template under tables/.
TABLES = {
    "自评表": "tables/form.html",
    "预算执行情况": "tables/budget.html",
    "绩效指标评分表": "tables/indicators.html",
    "自评汇总": "tables/summary.html",
}


def theme_dirs(project: Path, theme: str, where: Location) -> list[Path]:
    """The template/asset search path, most specific first; unknown themes are errors."""
    candidates = [project / "layouts", project / "themes" / theme, BUILTIN_THEMES / theme]
    if theme != DEFAULT_THEME:
        candidates.append(BUILTIN_THEMES / DEFAULT_THEME)
    found = [p for p in candidates if p.is_dir()]
    if not (project / "themes" / theme).is_dir() and not (BUILTIN_THEMES / theme).is_dir():
        raise SourceError(where, f"找不到主题「{theme}」",
                          key="主题", hint=f"可用: {DEFAULT_THEME}，或把主题放在 {project / 'themes' / theme}。")
    return found


def create_environment(search_path: list[Path]) -> jinja2.Environment:
    """Layouts are trusted project files; autoescape is on so data can never inject HTML."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(p) for p in search_path]),
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
    )
    env.filters["nl2br"] = lambda text: Markup("<br>").join(str(text or "").splitlines())
    env.filters["cn_date"] = format_cn_date
    return env


def format_cn_date(value: Any) -> str:
    """2021-06-21 → 2021年6月21日, as dates are written in official documents."""
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    return f"{day.year}年{day.month}月{day.day}日"


def find_template(env: jinja2.Environment, name: str, location: Location, search_path: list[Path]) -> jinja2.Template:
    """Load a layout or raise a SourceError naming where it was looked for."""
    try:
        return env.get_template(name)
    except jinja2.TemplateNotFound:
        places = "、".join(str(p) for p in search_path)
        raise SourceError(location, f"找不到模板「{name}」", hint=f"在这些目录中查找过: {places}") from None
    except jinja2.TemplateSyntaxError as exc:
        raise template_error(exc) from None


def template_error(exc: Exception) -> SourceError:
    """A Jinja error as a SourceError at the template's file:line (from Jinja's rewritten traceback)."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return SourceError(Location(Path(exc.filename) if exc.filename else None, exc.lineno or 0),
                           f"模板语法错误: {exc.message}")
    path, line = None, 0
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith((".html", ".xml", ".svg")):
            path, line = Path(filename), tb.tb_lineno
        tb = tb.tb_next
    return SourceError(Location(path, line), f"模板出错: {exc}")


@functools.lru_cache(maxsize=4096)
def _compile(expression: str) -> Any:
    return _SANDBOX.compile_expression(expression, undefined_to_none=False)


_SANDBOX = SandboxedEnvironment(undefined=jinja2.StrictUndefined)


class PageResolver:
    """Resolves `{{ }}` and `::表格[…]` of one report's sections against its view."""

    def __init__(self, env: jinja2.Environment, view: dict[str, Any], path: Path, context: dict[str, Any],
                 project: Path):
        self.env = env
        self.view = view
        self.path = path
        self.context = context
        self.project = project.resolve()
        self.placed: set[str] = set()

    def check_url(self, url: str, is_image: bool, line: int) -> None:
        """Images must be files of the report's own folder; links may not point at local files outside it.

        Nothing is read from outside the project or from the network while building, and the
        published site makes no request elsewhere.
        """
        where = Location(self.path, line)
        url = unquote(url)
        parsed = urlparse(url)
        if parsed.scheme in ("http", "https", "mailto") and not is_image:
            return
        if parsed.scheme or parsed.netloc:
            raise SourceError(where, f"{'图片' if is_image else '链接'}「{url}」指向项目之外，已拒绝",
                              hint="把图片或附件放进报告文件夹，用相对路径引用，例如 ![图](图1.png)。")
        if not parsed.path:
            return  # a fragment (#…) within the page
        bundle = self.path.parent.resolve()
        target = (bundle / parsed.path).resolve() if not parsed.path.startswith("/") else Path(parsed.path)
        if not target.is_relative_to(self.project) or (is_image and not target.is_relative_to(bundle)):
            raise SourceError(where, f"{'图片' if is_image else '链接'}「{url}」指向报告文件夹之外，已拒绝",
                              hint="图片只能引用报告文件夹中的文件，例如 ![图](图1.png)。")
        if is_image and not target.is_file():
            raise SourceError(where, f"图片「{url}」不存在", hint=f"在 {bundle} 中放入该文件，或改正文件名。")

    def evaluate(self, expression: str, line: int) -> Any:
        where = Location(self.path, line)
        try:
            value = _compile(expression)(**self.view)
        except jinja2.TemplateSyntaxError as exc:
            raise SourceError(where, rule="expression", message=f"表达式「{expression}」语法错误: {exc.message}") from None
        except (jinja2.UndefinedError, KeyError, IndexError) as exc:
            raise SourceError(where, rule="expression", message=f"表达式「{expression}」中有未知的名称或项目: {exc}",
                              hint=f"可用的名称: {'、'.join(self.view)}") from None
        except jinja2.exceptions.SecurityError as exc:
            raise SourceError(where, rule="expression", message=f"表达式「{expression}」不被允许: {exc}") from None
        except (TypeError, ValueError, ArithmeticError, AttributeError) as exc:
            raise SourceError(where, rule="expression", message=f"表达式「{expression}」无法计算: {exc}") from None
        if isinstance(value, jinja2.Undefined):
            raise SourceError(where, rule="expression", message=f"表达式「{expression}」中有未知的名称: {value._undefined_name}",
                              hint=f"可用的名称: {'、'.join(self.view)}")
        if value is None:
            raise SourceError(where, rule="expression", message=f"表达式「{expression}」没有值（数据中为空）")
        return value

    def directive(self, name: str, label: str, attrs: dict[str, str], line: int) -> str:
        """::表格[…] (a 自评表 table or a data table), ::图[…], ::段落[…]{表=…}, ::名词解释."""
        where = Location(self.path, line)
        data_tables = self.view.get("数据表") or {}
        if name == "表格" and label in TABLES:
            form = self.pick_form(attrs, where) if label != "自评汇总" else None
            self.placed.add(form["项目名称"] if label == "自评表" and form is not None else label)
            return self.render(TABLES[label], where, form=form)
        if name in ("表格", "图", "段落"):
            table_name = attrs.get("表", label) if name == "段落" else label
            if table_name not in data_tables:
                names = "、".join([*TABLES, *data_tables]) if name == "表格" else "、".join(data_tables) or "（本报告没有数据表）"
                raise SourceError(where, f"未知的表格「{table_name}」", hint=f"可用: {names}")
            table = data_tables[table_name]
            if name == "表格":
                self.placed.add(f"表:{table_name}")
                return self.render("tables/data.html", where, table=table)
            if name == "图":
                if not table["图"]:
                    raise SourceError(where, f"数据表「{table_name}」没有定义 图", hint="在该表下写 图: {类型: 饼状图, 列: [金额]}")
                self.placed.add(f"图:{table_name}")
                return self.render("figure.html", where, table=table)
            return self.render(f"paragraphs/{label}.html", where, table=table)
        if name == "名词解释":
            self.placed.add("名词解释")
            return self.render("glossary.html", where)
        raise SourceError(where, f"未知的指令「::{name}」",
                          hint="可用: ::表格[名称]{项目=…}、::图[表名]、::段落[变动|结构|完成预算]{表=表名}、::名词解释")

    def render(self, name: str, where: Location, **values: Any) -> str:
        template = find_template(self.env, name, where, [])
        try:
            return template.render(**self.context, **values)
        except jinja2.TemplateError as exc:
            raise template_error(exc) from None

    def pick_form(self, attrs: dict[str, str], where: Location) -> dict[str, Any]:
        forms = self.view["自评表"]
        wanted = attrs.get("项目")
        if wanted is None:
            if len(forms) == 1:
                return forms[0]
            raise SourceError(where, "本报告有多张自评表，请用 {项目=项目名称} 指明是哪一张")
        if wanted.isdigit() and 1 <= int(wanted) <= len(forms):
            return forms[int(wanted) - 1]
        for form in forms:
            if form["项目名称"] == wanted:
                return form
        names = "、".join(f["项目名称"] for f in forms)
        raise SourceError(where, f"没有名为「{wanted}」的项目", hint=f"可用: {names}")
