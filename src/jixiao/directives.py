"""What a report's Markdown resolves to: `{{ 表达式 }}` values, `::表格[…]`, `::图[…]`, `::段落[…]`,
`::名词解释`, and the links and images it may point at.

The resolver serves one section of one report: expressions read the report's view by its
Chinese names in the sandbox (render.py), directives render a table or paragraph template
(so a theme can change how they look), and every problem names the file:line with a hint and,
for a misspelt name, the nearest names that exist.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlparse

import jinja2
from jinja2.exceptions import SecurityError
from markupsafe import escape

from .contexts import Placed
from .errors import Location, SourceError, did_you_mean
from .explain import block_html, page_anchors
from .findings import Finding
from .images import ImageRefused, prepare_image
from .parts.figures.view import FigureView, NameList
from .parts.form.view import FormView
from .parts.registry import PARTS
from .published import publishes
from .render import TemplateRun, translate
from .site import SiteContext
from .values import NamedList, UnknownName
from .views import ReportView

# Tables an author can place with ::表格[名称]: the parts' tables (jixiao.parts.registry), each with its template.
TABLE_PARTS = {name: part for part in PARTS for name in part.tables}
TABLES = {name: part.tables[name] for name, part in TABLE_PARTS.items()}
DIRECTIVES = "::表格[名称]{项目=…}、::图[表名]、::段落[变动|结构|完成预算]{表=表名}、::名词解释"
# What an expression may put into prose: a text, a number, a date. A view, a list or a mapping would print as
# Python's own notation (`FormView(project=…)`), True/False as English.
PRINTABLE = (str, int, float, Decimal, dt.date, FigureView, NameList)  # named figures print as written
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")
_UNKNOWN_NAME_RE = re.compile(
    r"'([^']+)' is undefined|has no attribute '([^']+)'|has no element '?([^']+?)'?$|^'([^']+)'$"
)


@dataclass
class Media:
    """What a report's images became, shared by its sections: the PNGs converted from them (published beside the
    page, under the bundle-relative name the page now shows) and the warnings about them."""

    converted: dict[str, bytes] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)


class PageResolver:
    """Resolves `{{ }}` and `::…` of one report's sections against its view."""

    def __init__(
        self,
        site: SiteContext,
        view: ReportView,
        path: Path,
        context: dict[str, Any],
        run: TemplateRun,
        placed: Placed,
        media: Media,
    ):
        self.site = site
        self.view = view
        self.names = {name: view[name] for name in view.keys()}
        self.scope = site.expressions.scope(self.names)  # what expressions read: the names (see name_values)
        self.path = path
        self.context = context
        self.run = run
        self.placed = placed  # what the report's text has placed so far (shared by its sections)
        self.media = media
        self.pending: list[Any] = []  # figures the current block printed (explained at its end)

    def check_url(self, url: str, is_image: bool, line: int) -> str | None:
        """Images must be files of the report's own folder; links may not point at local files outside it.
        Returns the address an image is shown from instead, when it was converted (images.py).

        Nothing is read from outside the project or from the network while building, and the
        published site makes no request elsewhere.
        """
        where = Location(self.path, line)
        url = unquote(url)
        written = _CONTROL_RE.sub(lambda m: f"%{ord(m.group()):02X}", url)  # `%0a` stays on the message's line
        parsed = urlparse(url)
        if parsed.scheme in ("http", "https", "mailto") and not is_image:
            return None
        what = "图片" if is_image else "链接"
        if parsed.scheme or parsed.netloc:
            raise SourceError(
                where,
                f"{what}「{written}」指向项目之外，已拒绝",
                rule="input",
                hint="把图片或附件放进报告文件夹，用相对路径引用，例如 ![图](图1.png)。",
            )
        if not parsed.path:
            return None  # a fragment (#…) within the page
        bundle = self.path.parent.resolve()
        target = (bundle / parsed.path).resolve() if not parsed.path.startswith("/") else Path(parsed.path)
        if not self.site.files.allows(target) or (is_image and not target.is_relative_to(bundle)):
            raise SourceError(
                where,
                f"{what}「{written}」指向报告文件夹之外，已拒绝",
                rule="input",
                hint="图片只能引用报告文件夹中的文件，例如 ![图](图1.png)。",
            )
        if is_image and not target.is_file():
            raise SourceError(
                where, f"图片「{written}」不存在", rule="input", hint=f"在 {bundle} 中放入该文件，或改正文件名。"
            )
        if target.is_relative_to(bundle) and target.is_file() and not publishes(target.relative_to(bundle)):
            raise SourceError(
                where,
                f"{what}「{written}」指向的文件不会发布（编辑器的备份文件、.md 和 .yaml 都不发布）",
                rule="input",
                hint="引用报告文件夹中要发布的文件（图片、PDF 等），或改正文件名。",
            )
        return self.show_image(target.relative_to(bundle).as_posix(), target, where) if is_image else None

    def show_image(self, name: str, target: Path, where: Location) -> str | None:
        """Check an image the text shows; a converted one is published as `<name>.png` and shown from there."""
        try:
            picture = prepare_image(name, self.site.files.read_bytes(target))
        except ImageRefused as refused:
            raise SourceError(
                where,
                f"图片「{name}」有 {refused.pixels:,} 像素，超过上限 {refused.limit:,} 像素"
                "（可能是“解压炸弹”），已拒绝",
                rule="input",
                hint="把图片缩小（例如长边 3000 像素以内）后再放入报告文件夹。",
            ) from None
        if picture.problem:
            self.media.findings.append(Finding(where, "warning", "image", picture.problem, picture.hint))
        if picture.png is None:
            return None
        self.media.converted[f"{name}.png"] = picture.png
        return quote(f"{name}.png")

    def evaluate(self, expression: str, line: int) -> Any:
        where = Location(self.path, line)
        value = self.read(expression, where)
        if value is None:
            raise self.error(
                where,
                expression,
                "没有值（数据中为空，或本报告没有这一项）",
                "多张自评表的报告请写 自评表[0].总分 这样的形式；空着的数据请先填写。",
            )
        if isinstance(value, bool) or not isinstance(value, PRINTABLE):
            raise self.error(
                where,
                expression,
                "的值是一组数据或真假值，不能直接写进正文",
                '写到具体的一项，例如 {{ 自评表[0].总分 }}；名单请用 | join("、") 连成文字。',
            )
        return value

    def name_values(self, aliases: dict[str, str], where: Location) -> None:
        """A report's 简称: values named once (成本: 评分表.指标["成本控制"]) so prose stays short ({{ 成本.完成率 }});
        each is an expression like any other, and may not hide a name the report already has."""
        for name, expression in aliases.items():
            if name in self.names:
                raise SourceError(
                    where,
                    f"简称「{name}」与报告已有的名称重名",
                    key=f"简称.{name}",
                    rule="expression",
                    hint="换一个简称；报告已有的名称见手册“表达式可用的名称”。",
                )
            self.names[name] = self.read(expression, where)
            self.scope = self.site.expressions.scope(self.names)

    def read(self, expression: str, where: Location) -> Any:
        """What an expression reads, any kind of value; a problem is an error at `where`."""
        try:
            value = self.site.expressions.evaluate(expression, self.scope)
        except jinja2.TemplateSyntaxError as exc:
            raise self.error(
                where,
                expression,
                f"语法错误: {translate(exc.message or '')}",
                "表达式写成 {{ 名称 }}、{{ 自评表[0].执行率 }} 这样的形式。",
            ) from None
        except SecurityError as exc:
            raise self.error(
                where,
                expression,
                f"不被允许: {translate(str(exc))}",
                "表达式只能读取报告中的数据，不能修改，也不能做过大的运算。",
            ) from None
        except (jinja2.UndefinedError, KeyError, IndexError, AttributeError) as exc:
            raise self.unknown(where, expression, exc) from None
        except (TypeError, ValueError, ArithmeticError, RecursionError) as exc:
            raise self.error(
                where, expression, f"无法计算: {translate(str(exc))}", "检查运算的两边是否都是数字。"
            ) from None
        except MemoryError:
            raise self.error(
                where, expression, "不被允许: 结果过大，内存不足", "表达式只能读取报告中的数据，不能做过大的运算。"
            ) from None
        if isinstance(value, jinja2.Undefined):
            raise self.unknown(where, expression, KeyError(value._undefined_name))
        return value

    def show(self, value: Any) -> str:
        """A value as the prose prints it: escaped, exactly as written; a computed figure is explained at the end
        of its paragraph (close_block), so the sentence reads and is searched as before."""
        self.pending.append(value)
        return str(escape(value))

    def check_unit_after(self, value: Any, following: str, line: int) -> None:
        """A figure that prints its unit (35万人, 2.86亿元, 96%) with the unit typed again after it (35万人人): prose
        written before the figure carried its own unit, or by habit. A warning: the page would print it so."""
        typed = unit_typed_again(str(value), following)
        if typed:
            self.media.findings.append(
                Finding(
                    Location(self.path, line),
                    "warning",
                    "unit-twice",
                    f"「{value}」已带单位，其后又写了「{typed}」，会印成「{value}{typed}」",
                    quote=f"{value}{typed}",
                )
            )

    def close_block(self) -> str:
        """The button and popover explaining the computed figures the block just printed (explain.py)."""
        with page_anchors(self.run.anchors):
            shown = str(block_html(self.pending))
        self.pending.clear()
        return shown

    def error(self, where: Location, expression: str, problem: str, hint: str) -> SourceError:
        return SourceError(where, f"表达式「{expression}」{problem}", rule="expression", hint=hint)

    def unknown(self, where: Location, expression: str, exc: BaseException) -> SourceError:
        text = str(exc.args[0]) if exc.args else ""
        match = _UNKNOWN_NAME_RE.search(text) if isinstance(text, str) else None
        name = next((g for g in match.groups() if g), text) if match else text
        if isinstance(exc, IndexError) or isinstance(exc.args[0] if exc.args else None, int) or name.isdigit():
            return self.error(
                where, expression, "中的序号超出范围", "序号从 0 开始，第一项是 [0]；项数可用 | length 查看。"
            )
        candidates = exc.candidates if isinstance(exc, UnknownName) else self.known_names(expression, name)
        return self.error(
            where,
            expression,
            f"中有未知的名称或项目「{name}」",
            did_you_mean(name, candidates) or "这一列表只能用序号取项，例如 [0]。",
        )

    def known_names(self, expression: str, name: str) -> list[str]:
        """The names that could have been meant: top-level names, or those of the object before the dot."""
        head = expression.split(name)[0].rstrip(".[\"' ")
        if head:
            try:
                owner = self.site.expressions.evaluate(head, self.scope)
            except Exception:  # the head itself is what is wrong: offer the top-level names
                owner = None
            if hasattr(owner, "keys"):
                return [str(k) for k in owner.keys()]
            if isinstance(owner, NamedList):  # 自评表["项目名称"], 行["名称"]
                return owner.names()
            if isinstance(owner, (list, tuple)):
                return []  # items by number only
            if isinstance(owner, Decimal):  # a figure: after its dot only 值 (the bare number) can follow
                return ["值"]
        return list(self.names)

    def directive(self, name: str, label: str, attrs: dict[str, str], line: int) -> str:
        """::表格[…] (a 自评表 table or a data table), ::图[…], ::段落[…]{表=…}, ::名词解释."""
        where = Location(self.path, line)
        data_tables = self.view.tables
        if name == "表格" and label in TABLES:
            part = TABLE_PARTS[label]
            placed, values = part.function(part.place)(self, label, attrs, where) if part.place else (label, {})
            self.placed.add(placed)
            return self.render(TABLES[label], where, part=label, **values)
        if name == "段落":
            template = self.paragraph(label, where)
            if "表" not in attrs:
                raise SourceError(
                    where,
                    f"标准段落「{label}」需要指明数据表",
                    rule="input",
                    hint=f"写成 ::段落[{label}]{{表=表名}}；{did_you_mean('', list(data_tables))}",
                )
        if name in ("表格", "图", "段落"):
            table_name = attrs["表"] if name == "段落" else label
            if table_name not in data_tables:
                names = [*TABLES, *data_tables] if name == "表格" else list(data_tables)
                raise SourceError(
                    where,
                    f"未知的表格「{table_name}」",
                    rule="input",
                    hint=did_you_mean(table_name, names) or "本报告没有数据表；在 report.yaml 的 数据表 中定义。",
                )
            table = data_tables[table_name]
            if name == "表格":
                if self.placed.table(table_name):
                    raise SourceError(
                        where,
                        f"表格「{table_name}」已在前文放置过一次",
                        rule="input",
                        hint=f"一张表只放一次；再次提到它时写 {{{{ 表号.{table_name} }}}}。",
                    )
                self.placed.place_table(table_name)
                return self.render("tables/data.html", where, table=table)
            if name == "图":
                if not table.chart:
                    raise SourceError(
                        where,
                        f"数据表「{table_name}」没有定义 图",
                        rule="input",
                        hint="在该表下写 图: {类型: 饼状图, 列: [金额]}",
                    )
                require_figures(table_name, table, list(table.chart.columns), f"::图[{table_name}]", where)
                self.placed.place_chart(table_name)
                return self.render("figure.html", where, table=table)
            stated = [c for c in ("决算数", "本年") if c in table.columns][:1] or list(table.columns[:1])
            require_figures(table_name, table, stated, f"::段落[{label}]", where)
            return self.render(template, where, table=table)
        if name == "名词解释":
            self.placed.add("名词解释")
            return self.render("glossary.html", where)
        raise SourceError(
            where,
            f"未知的指令「::{name}」",
            rule="input",
            hint=f"{did_you_mean(name, ['表格', '图', '段落', '名词解释'])}；写法: {DIRECTIVES}",
        )

    def paragraph(self, label: str, where: Location) -> str:
        names = sorted(
            {
                name.removeprefix("paragraphs/").removesuffix(".html")
                for name in self.site.env.loader.list_templates()
                if name.startswith("paragraphs/")
            }
        )
        if label not in names:
            raise SourceError(
                where,
                f"未知的标准段落「{label}」",
                rule="input",
                hint=did_you_mean(label, names) + "；段落模板在主题的 paragraphs/ 中，可在 layouts/paragraphs/ 增加。",
            )
        return f"paragraphs/{label}.html"

    def render(self, name: str, where: Location, **values: Any) -> str:
        return self.run.render(self.site.env, name, {**self.context, **values}, where)

    def pick_form(self, attrs: dict[str, str], where: Location) -> FormView:
        forms = self.view.forms
        wanted = attrs.get("项目")
        if wanted is None:
            if len(forms) == 1:
                return forms[0]
            raise SourceError(
                where,
                "本报告有多张自评表，请用 {项目=项目名称} 指明是哪一张",
                rule="input",
                hint=f"可用: {'、'.join(f.project for f in forms)}",
            )
        if wanted.isdigit() and 1 <= int(wanted) <= len(forms):
            return forms[int(wanted) - 1]
        for form in forms:
            if form.project == wanted:
                return form
        raise SourceError(
            where, f"没有名为「{wanted}」的项目", rule="input", hint=did_you_mean(wanted, [f.project for f in forms])
        )


def require_figures(name: str, table: Any, columns: list[str], what: str, where: Location) -> None:
    """A chart or a standard paragraph states each row's figure (rows that are not parts or formulas; for
    a paragraph, the 决算数 or 本年 column, else the first): a blank one would print as "None", or be
    drawn as 0. Blank figures are what a report made with `jixiao new report --from` has still to fill
    in, so they are named here, at the line that uses them."""
    blank = [
        f"{row.name}「{column}」"
        for row in table.rows
        if not row.parent and not row.formula
        for column in columns
        if row[column] is None
    ]
    if blank:
        listed = "、".join(blank[:6]) + (f" 等 {len(blank)} 项" if len(blank) > 6 else "")
        raise SourceError(
            where,
            f"{what}要用到的数字尚未填写: 数据表「{name}」的 {listed}",
            rule="input",
            hint=f"在 report.yaml 的 数据表.{name}.行 中填写这些数字；确实没有的，删去这里的 {what}。",
        )


# the unit a printed figure ends with (万人, 亿元, %, 万条)
_PRINTED_UNIT_RE = re.compile(r"\d(?P<unit>[%‰％]|[^\d\s.,，。、；：:;（）()%‰％]{1,3})$")


def unit_typed_again(printed: str, following: str) -> str | None:
    """The unit typed again after a figure that prints its own: the whole unit (35万人 + 万人), or its base after
    a magnitude (35万人 + 人, 2.86亿元 + 元) unless a word goes on (35万人 + 人均…)."""
    match = _PRINTED_UNIT_RE.search(printed)
    if match is None:
        return None
    unit = match["unit"]
    if following.startswith(unit):
        return unit
    base = unit.lstrip("千万亿")
    rest = following[len(base) : len(base) + 1]
    # a CJK character after the base goes on with a word: compared, not matched by a class [\u4e00-\u9fff], whose
    # compiling walks its 20,992 characters in Python (some 9 M instructions, in every command importing this module)
    if base and base != unit and following.startswith(base) and not "\u4e00" <= rest <= "\u9fff":
        return base
    return None
