"""Jinja: the layout search path, the sandbox every template and expression runs in, and errors.

One ordered search path, first match wins file by file (Hugo's shadowing): the project's
`layouts/`, the project's `themes/<theme>/`, the theme shipped with jixiao, then the built-in
`gongwen` theme it falls back to. Files are read through the project's read policy.

Layouts and the `{{ }}` expressions of Markdown both run in Jinja's immutable sandbox: they can
read the report's views (views.py) by their Chinese names and call the helpers a view declares,
and nothing else — no `update()` of a published figure, no private attributes. Arithmetic is
bounded (exponents, repetition of text and lists), the filters and text methods that build long
results (`center`, `replace`, `join` …) spend a budget of characters per render, a format may not
ask for a huge width, and every call and every loop item checks a time limit, so a hostile or
careless expression or layout ends in an error at its file:line, not a hung build or a process out
of memory.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import functools
import html
import importlib.util
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.exceptions import SecurityError
from jinja2.runtime import Context, LoopContext
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import consume
from markupsafe import Markup, escape

from .contexts import Readable
from .document import blocks
from .errors import Location, SourceError
from .explain import Anchors, figure_html, page_anchors
from .paths import ProjectFiles
from .view import MISSING, View

BLOCKS = blocks.__name__  # the module of the document tree's block types
# …and of its report's blocks (document/report.py: headings, paragraphs, divisions, placements): frozen data, read
# as they are. Through the sandbox each attribute cost some 2 µs (its checks of the value's type), and a page's
# block templates read a few hundred.
TREE_MODULES = frozenset({BLOCKS, f"{blocks.__package__}.report"})
BUILTIN_THEMES = Path(importlib.util.find_spec("jixiao.themes").submodule_search_locations[0])
DEFAULT_THEME = "gongwen"
MAX_EXPONENT = 64
MAX_LENGTH = 100_000  # characters of text or items of a list an expression may build
MAX_NESTING = 50  # brackets inside one expression
TIME_LIMIT = 5.0  # seconds of CPU for one template render or expression (clock(): its thread's CPU time)
MAX_WORK = 10_000_000  # characters or items the growing filters and text methods of one render may build
# Filters and text methods whose result grows with a width, a count, or the length of another text or list.
GROWING = frozenset(
    {
        "batch",
        "center",
        "expandtabs",
        "indent",
        "join",
        "ljust",
        "replace",
        "rjust",
        "slice",
        "truncate",
        "wordwrap",
        "zfill",
    }
)
_WIDE_FORMAT_RE = re.compile(r"(?:%|\{[^{}]*:)[^a-zA-Z%{}]*?(?:\*|\d{6})")  # a width of 100000 or more, or `*`

_USED: contextvars.ContextVar[set[str] | None] = contextvars.ContextVar("jixiao_templates_used", default=None)
_DEADLINE: contextvars.ContextVar[Deadline | None] = contextvars.ContextVar("jixiao_deadline", default=None)
_BUDGET: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar("jixiao_budget", default=None)


def theme_dirs(project: Path, theme: str, where: Location) -> list[Path]:
    """The template/asset search path, most specific first; unknown themes are errors."""
    candidates = [project / "layouts", project / "themes" / theme, BUILTIN_THEMES / theme]
    if theme != DEFAULT_THEME:
        candidates.append(BUILTIN_THEMES / DEFAULT_THEME)
    if not (project / "themes" / theme).is_dir() and not (BUILTIN_THEMES / theme).is_dir():
        raise SourceError(
            where,
            f"找不到主题「{theme}」",
            key="主题",
            rule="input",
            hint=f"可用: {DEFAULT_THEME}，或把主题放在 {project / 'themes' / theme}。",
        )
    found: list[Path] = []
    for path in candidates:
        if path.is_dir() and path.resolve() not in [p.resolve() for p in found]:
            found.append(path)
    return found


class PolicyLoader(jinja2.BaseLoader):
    """Templates along the search path, read through the project's read policy (paths.py)."""

    def __init__(self, search_path: list[Path], files: ProjectFiles):
        self.search_path = search_path
        self.files = files
        self.names: list[str] | None = None

    def find(self, name: str) -> Path | None:
        parts = jinja2.loaders.split_template_path(name)
        return next(
            (
                layer.joinpath(*parts)
                for layer in self.search_path
                if layer.joinpath(*parts).exists() or layer.joinpath(*parts).is_symlink()
            ),
            None,
        )

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        path = self.find(template)
        if path is None:
            raise jinja2.TemplateNotFound(template)
        source = self.files.read_text(path)
        mtime = path.stat().st_mtime_ns
        return source, str(path), lambda: path.exists() and path.stat().st_mtime_ns == mtime

    def list_templates(self) -> list[str]:
        """Listed once: a site's layouts do not change during a build (serve opens the site again when they do)."""
        if self.names is None:
            self.names = sorted(
                {p.relative_to(layer).as_posix() for layer in self.search_path for p in layer.rglob("*.html")}
            )
        return self.names


class SiteEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox of layouts and expressions: views readable by their Chinese names only, bounded
    arithmetic, a time limit; and a record of the templates each page used (for the cache)."""

    intercepted_binops = frozenset({"**", "*", "+", "%"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.imports: dict[str, tuple[str, ...]] = {}  # layout → the macro files it imports (by a constant name)
        # the layouts a page asked for, by name: a page asks some 130 times (a template for each block, the macros
        # of each table), and Jinja's own cache (a locked LRU keyed by the loader's weak reference) costs some 3 µs
        # an ask; layouts never change during a build (auto_reload is off: serve opens the site again)
        self.loaded: dict[str, jinja2.Template] = {}
        # the functions jixiao gives layouts (the block writers: some hundred calls a page), called without the
        # sandbox's look at what they are (by identity: an undefined value may not even be hashed)
        self.trusted: dict[int, Callable[..., Any]] = {}
        # the files of the layouts jixiao writes itself while they are the built-in ones (html.BLOCK_WRITERS), which
        # are compiled only if a page renders them after all; and the file each layout name was found in
        self.written_in_python: set[str] = set()
        self.found: dict[str, str | None] = {}

    def getattr(self, obj: Any, attribute: str) -> Any:
        """Views answer directly (most of a page is read from them), and so do Jinja's loops and the blocks of the
        document tree (frozen data, read by the block templates for every cell of every table); anything else goes
        through the sandbox."""
        if isinstance(obj, View):
            value = obj.template_value(attribute)
            return self.undefined(obj=obj, name=attribute) if value is MISSING else value
        if isinstance(obj, Readable):  # a typed context's record (contexts.py): its fields, and nothing else
            value = obj.__dict__.get(attribute, MISSING)
            return self.undefined(obj=obj, name=attribute) if value is MISSING else value
        if (obj.__class__ is LoopContext or obj.__class__.__module__ in TREE_MODULES) and not attribute.startswith(
            "_"
        ):  # loop.index, loop.first: Jinja's own
            try:
                return getattr(obj, attribute)
            except AttributeError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        """`entry["标题"]`, and the filters that read items (groupby, selectattr), read a record's fields."""
        if isinstance(obj, Readable) and isinstance(argument, str):
            return self.getattr(obj, argument)
        return super().getitem(obj, argument)

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if isinstance(obj, View):
            return obj.readable(attr)
        return super().is_safe_attribute(obj, attr, value)

    def call_binop(self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any) -> Any:
        check_deadline()
        if operator == "**":
            for value, limit in ((right, MAX_EXPONENT), (left, 10**15)):
                if _number(value) and abs(value) > limit:
                    raise SecurityError(f"乘方的数太大（指数上限 {MAX_EXPONENT}）")
            return left**right
        if operator == "*":
            for sequence, count in ((left, right), (right, left)):
                if (
                    isinstance(sequence, (str, list, tuple))
                    and isinstance(count, int)
                    and len(sequence) * count > MAX_LENGTH
                ):
                    raise SecurityError(f"重复后的长度超过 {MAX_LENGTH}")
            return left * right
        if operator == "%":
            if isinstance(left, str):
                check_format(left)
            return left % right
        if (
            isinstance(left, (str, list, tuple))
            and isinstance(right, (str, list, tuple))
            and len(left) + len(right) > MAX_LENGTH
        ):
            raise SecurityError(f"拼接后的长度超过 {MAX_LENGTH}")
        return left + right

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        check_deadline()
        if __self.trusted.get(id(__obj)) is __obj:  # jixiao's own writers: no text method or filter to check
            return __context.call(__obj, *args, **kwargs)
        target = getattr(__obj, "__wrapped__", __obj)  # the sandbox hands out str.format wrapped
        method, text = getattr(target, "__name__", ""), getattr(target, "__self__", None)
        if isinstance(text, str) and method in ("format", "format_map"):
            check_format(text)
        elif isinstance(text, str) and method in GROWING:
            args = spend_work((text, *args), kwargs)[1:]
        return super().call(__context, __obj, *args, **kwargs)

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        """Every `{% for %}` of a layout checks the time limit at each item: a loop body may call nothing else that
        would, and three nested loops over 100000 items would never end. The macro files a layout imports are
        noted (see record_imports)."""
        tree = super()._parse(source, name, filename)
        for loop in tree.find_all(nodes.For):
            loop.iter = nodes.Filter(loop.iter, "jixiao_timed", [], [], None, None, lineno=loop.lineno)
        if name is not None:
            self.imports[name] = tuple(
                node.template.value
                for node in tree.find_all((nodes.Import, nodes.FromImport))
                if isinstance(node.template, nodes.Const)
            )
        return tree

    def get_template(self, name: Any, parent: str | None = None, globals: Any = None) -> jinja2.Template:
        used = _USED.get()
        if used is None or not isinstance(name, str):
            return super().get_template(name, parent, globals)
        name = self.join_path(name, parent) if parent else name
        used.add(name)
        template = self.loaded.get(name) if globals is None else None
        if template is None:
            template = super().get_template(name, None, globals)
            self.loaded.setdefault(name, template)
        self.record_imports(name, used)
        return template

    def template_file(self, name: str) -> str | None:
        """The file layout `name` is read from, found along the search path but not compiled, and recorded as used
        by the page as `get_template` records it (a page's key depends on the file: a site that adds its own
        changes it)."""
        used = _USED.get()
        if used is not None:
            used.add(name)
            self.record_imports(name, used)
        if name not in self.found:
            path = self.loader.find(name) if isinstance(self.loader, PolicyLoader) else None
            self.found[name] = None if path is None else str(path)
        return self.found[name]

    def record_imports(self, name: str, used: set[str]) -> None:
        """Record the macro files `name` imports, and those they import in turn. Jinja runs an imported file once
        and keeps its macros, so a file imported by an imported file (macros.html under blocks/runs.html) is
        loaded for the first page only; the next pages depend on it all the same."""
        for imported in self.imports.get(name, ()):
            if imported not in used:
                used.add(imported)
                self.record_imports(imported, used)


def compile_templates(env: jinja2.Environment) -> None:
    """Compile every layout of the search path now, before the workers are forked: each inherits them compiled
    instead of compiling them again (some 0.05 s a process). A layout that does not compile is left for the page
    that uses it to report, at its line (as is one the read policy refuses: a page that never uses it builds).
    A layout jixiao writes itself while it is the built-in one is left until a page renders it, if one ever does."""
    skipped = getattr(env, "written_in_python", set())
    for name in env.list_templates():
        if skipped and env.template_file(name) in skipped:
            continue
        with contextlib.suppress(jinja2.TemplateError, SourceError):
            env.get_template(name)


def _number(value: Any) -> bool:
    try:
        abs(value)
    except TypeError:
        return False
    return True


def clock() -> float:
    """The render thread's CPU time: the limit stops a template that works too long, and a wall clock would also
    count the time the thread waits for a core on a loaded machine (a page of 20 ms failed a fast-suite run with
    「运行超过 5 秒」 while two builds and a test run shared two cores)."""
    return time.thread_time()


class Deadline:
    """When a render runs out of CPU time, and the moment of the wall clock before which it cannot have. A thread's
    CPU time is a system call (about 3 µs here), asked at every call, binary operation and loop item of a template,
    some 470 times a report; the wall clock is read in user space (0.2 µs) and a thread's CPU time never runs ahead
    of it, so the CPU clock is read only once the wall clock has gone past that moment, which is then moved on."""

    __slots__ = ("cpu", "look")

    def __init__(self, seconds: float) -> None:
        self.cpu = clock() + seconds
        self.look = time.perf_counter() + seconds

    def check(self) -> None:
        """Read the CPU clock: over the limit is an error, else the next look is put off by the time left."""
        left = self.cpu - clock()
        if left < 0:
            raise SecurityError(f"运行超过 {TIME_LIMIT:g} 秒")
        self.look = time.perf_counter() + left


def check_deadline() -> None:
    deadline = _DEADLINE.get()
    if deadline is not None and time.perf_counter() > deadline.look:
        deadline.check()


@contextlib.contextmanager
def limits() -> Iterator[None]:
    """The time limit and the work budget of one template render or expression."""
    deadline = _DEADLINE.set(Deadline(TIME_LIMIT))
    budget = _BUDGET.set([MAX_WORK])
    try:
        yield
    finally:
        _DEADLINE.reset(deadline)
        _BUDGET.reset(budget)


@contextlib.contextmanager
def paused_deadline() -> Iterator[None]:
    """Trusted one-off work inside a render does not count against the template's time limit: matplotlib builds
    its font cache on a project's first chart (seconds on a loaded machine, or after `build --clean`), which
    failed a fresh build with 「运行超过 5 秒」 though the template itself was quick."""
    start = clock()
    try:
        yield
    finally:
        deadline = _DEADLINE.get()
        if deadline is not None:
            deadline.cpu += clock() - start
            deadline.look = 0.0  # the next check reads the CPU clock and finds the time left


def check_format(text: str) -> None:
    """`"%099999999d" % 1` or `"{:>99999999}".format(1)` would build a huge text in one step."""
    if _WIDE_FORMAT_RE.search(text):
        raise SecurityError("格式中的宽度过大（上限 99999）")


def spend_work(values: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    """Charge a growing filter or text method to the render's budget, before it runs: the product of its two
    largest sizes (lengths of texts and lists, whole numbers used as widths and counts) bounds what it builds.
    Iterators among the values are read into lists first (they are bounded themselves), so their size counts."""
    check_deadline()
    values = tuple(list(v) if isinstance(v, Iterator) else v for v in values)
    sizes = sorted((_size(v) for v in (*values, *kwargs.values())), reverse=True) + [1, 1]
    budget = _BUDGET.get() or [MAX_WORK]
    budget[0] -= sizes[0] * max(sizes[1], 1)
    if budget[0] < 0:
        raise SecurityError(f"生成的文字或列表过长（上限 {MAX_WORK} 个字符）")
    return values


def timed_iteration(items: Any) -> Iterator[Any]:
    """The items of a `{% for %}`, each after a look at the clock (see SiteEnvironment._parse)."""
    for item in items:
        check_deadline()
        yield item


def _size(value: Any) -> int:
    if isinstance(value, bool):
        return 0
    if isinstance(value, int):
        return abs(value)
    return len(value) if isinstance(value, (str, list, tuple, dict, range, set)) else 0


def bounded_filter(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """A filter that checks its format, or spends the render's budget, before it runs (`map` calls it too)."""

    @functools.wraps(function)  # keeps Jinja's pass_context / pass_environment mark
    def run(*args: Any, **kwargs: Any) -> Any:
        if name == "format":
            check_deadline()
            check_format(str(next((a for a in args if isinstance(a, str)), "")))
            return function(*args, **kwargs)
        return function(*spend_work(args, kwargs), **kwargs)

    return run


def create_environment(search_path: list[Path], files: ProjectFiles) -> SiteEnvironment:
    """Autoescape is on, so data can never inject HTML; unknown names are errors, not blanks."""
    env = SiteEnvironment(
        loader=PolicyLoader(search_path, files),
        autoescape=jinja2.select_autoescape(["html", "xml", "svg"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # compiled once per build; serve opens the site again when a layout changes
    )
    for name in (GROWING | {"format"}) & env.filters.keys():  # ljust, zfill … are text methods only
        env.filters[name] = bounded_filter(name, env.filters[name])
    del env.globals["lipsum"]  # lipsum(10**6) would write hundreds of megabytes of Latin; no report needs it
    env.filters["jixiao_timed"] = timed_iteration
    env.filters["nl2br"] = nl2br
    env.filters["cn_date"] = format_cn_date
    env.filters["contents"] = contents
    env.filters["explained"] = figure_html
    return env


_HEADING_RE = re.compile(r'<h2\b[^>]*\bid="([^"]+)"[^>]*>(.*?)</h2>', re.S)
_TAG_RE = re.compile(r"<[^>]+>")


def contents(article: str) -> list[dict[str, str]]:
    """The contents of a page, read from the second-level headings its article printed."""
    return [
        {"anchor": html.unescape(anchor), "title": html.unescape(_TAG_RE.sub("", title)).strip()}
        for anchor, title in _HEADING_RE.findall(str(article))
    ]


def nl2br(text: Any) -> Markup:
    """A text's lines escaped and joined by `<br>`: what `Markup("<br>").join(lines)` gives, without its Python
    call of `Markup.escape` for each line and the Markups made around them (some 19 K instructions a cell of a goal
    or a reason; a page of forms writes a few dozen)."""
    return Markup("<br>".join(map(escape, str(text or "").splitlines())))


def format_cn_date(value: Any) -> str:
    """2021-06-21 → 2021年6月21日, as dates are written in official documents."""
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    return f"{day.year}年{day.month}月{day.day}日"


class TemplateRun:
    """Renders templates with a time limit, recording which templates were used, with errors as SourceErrors."""

    def __init__(self) -> None:
        self.used: set[str] = set()
        self.anchors: set[str] = Anchors()  # the figure ids the page has given out (explain.py)

    def render(self, env: jinja2.Environment, name: str, context: dict[str, Any], where: Location) -> str:
        """`template.render(**context)`, its names made at once from the environment's globals and `context`:
        `render` copies the template's ChainMap of globals key by key, and lists it again (see
        document.html.render_within). A built-in table's layout is written in Python (document.html.render_layout,
        imported here as the module needs this one)."""
        from .document.html import render_layout

        used_token = _USED.set(self.used)
        try:
            with limits(), page_anchors(self.anchors):
                names = {**env.globals, **context}
                return render_layout(env, name, names, functools.partial(find_template, env, location=where))
        except SourceError:
            raise
        except jinja2.TemplateNotFound as exc:  # an include or extends inside the layout
            raise missing_template(env, exc.name, template_location(exc, last=True)) from None
        except RecursionError as exc:
            inside = template_location(exc)
            raise SourceError(
                inside if inside.path else where,
                "模板层层包含自己（include/extends 形成循环）",
                rule="template",
                hint="检查 {% include %} 和 {% extends %}，不要让模板直接或间接包含自己。",
            ) from None
        except Exception as exc:  # a layout's own mistake: reported at its file:line, never a traceback
            raise template_error(exc) from None
        finally:
            _USED.reset(used_token)


def find_template(env: jinja2.Environment, name: str, location: Location) -> jinja2.Template:
    """Load a layout or raise a SourceError naming where it was looked for."""
    try:
        return env.get_template(name)
    except jinja2.TemplateNotFound as exc:
        raise missing_template(env, exc.name, location) from None
    except jinja2.TemplateSyntaxError as exc:
        raise template_error(exc) from None


def missing_template(env: jinja2.Environment, name: str, location: Location) -> SourceError:
    places = "、".join(str(p) for p in env.loader.search_path) if isinstance(env.loader, PolicyLoader) else ""
    return SourceError(location, f"找不到模板「{name}」", rule="template", hint=f"在这些目录中查找过: {places}")


# Jinja's messages in the words of someone who edits a layout
_JINJA_MESSAGES = [
    (r"unexpected end of template", "模板意外结束：有 if、for 或 block 标签没有对应的 endif、endfor 或 endblock"),
    (r"unexpected '(end of (?:template|print statement|statement block))'", "此处缺少内容，却遇到了「{0}」"),
    (r"chunk after expression", "表达式后面多了内容：两个值之间缺少运算符或逗号？"),
    (r"No filter named '([^']*)'", "未知的过滤器「{0}」"),
    (r"No test named '([^']*)'", "未知的测试「{0}」"),
    (r"Range too big", "range 的范围过大（上限 100000）"),
    (r"Encountered unknown tag '([^']*)'", "未知的标签「{0}」"),
    (r"unexpected '([^']*)'", "此处不应出现「{0}」"),
    (r"expected token '([^']*)', got '([^']*)'", "此处应为「{0}」，却是「{1}」"),
    (r"unexpected char '([^']*)'", "无法识别的字符「{0}」"),
    (r"'([^']*)' is undefined", "未知的名称「{0}」"),
    (r"has no attribute '([^']*)'", "没有名为「{0}」的项"),
    (r"division by zero|divided by zero|modulo by zero", "除数为 0"),
    (
        r"unsupported operand|can only concatenate|not supported between|must be str",
        "类型不匹配，无法计算（例如文字与数字相加）",
    ),
    (r"maximum recursion depth", "嵌套过深"),
    (r"access to attribute '([^']*)'", "不允许访问「{0}」"),
    (r"is not safely callable", "不允许调用此方法"),
    (r"block '([^']*)' defined twice", "块「{0}」定义了两次"),
    (r"can't compare|not supported between instances", "无法比较这两个值"),
]


# Jinja's names of tokens, as the author writes them
_TOKENS = {
    "end of print statement": "}}",
    "end of statement block": "%}",
    "end of template": "结尾",
    "name": "名称",
    "integer": "整数",
    "float": "小数",
    "string": "文字",
}


def translate(message: str) -> str:
    """A Jinja or Python message as Chinese; one that is not known becomes a generic Chinese sentence."""
    for pattern, words in _JINJA_MESSAGES:
        match = re.search(pattern, message, re.I)
        if match:
            return words.format(*(_TOKENS.get(group, group) for group in match.groups()))
    if re.search(r"[\u4e00-\u9fff]", message) and not re.search(r"[A-Za-z]{3,}", message):
        return message  # already in the user's words (the sandbox's own limits)
    return "无法处理此处的表达式或标签"


def template_error(exc: BaseException) -> SourceError:
    """A Jinja error as a SourceError at the template's file:line (from Jinja's rewritten traceback)."""
    hint = "改正模板中的这一行；模板只能读取报告数据（中文名称），不能修改。"
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return SourceError(
            Location(Path(exc.filename) if exc.filename else None, exc.lineno or 0),
            f"模板语法错误: {translate(exc.message or '')}",
            rule="template",
            hint=hint,
        )
    return SourceError(
        template_location(exc, last=True), f"模板出错: {translate(str(exc))}", rule="template", hint=hint
    )


def template_location(exc: BaseException, last: bool = False) -> Location:
    """The template file:line in an error's traceback (Jinja maps template frames to their source lines):
    the innermost one where the error happened, or the outermost one where a recursion began."""
    found = Location(None)
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith((".html", ".xml", ".svg", ".txt")):
            found = Location(Path(filename), tb.tb_lineno)
            if not last:
                return found
        tb = tb.tb_next
    return found


class Expressions:
    """`{{ }}` expressions of Markdown and text fields, compiled once per process in the sandbox."""

    def __init__(self, env: SiteEnvironment):
        self.env = env
        self.compiled: dict[str, jinja2.Template] = {}

    def compile(self, expression: str) -> jinja2.Template:
        """The template Jinja's `compile_expression` wraps (`result = expression`), run by `evaluate`."""
        if expression not in self.compiled:
            depth = max_nesting(expression)
            if depth > MAX_NESTING:
                raise SecurityError(f"括号嵌套 {depth} 层，超过上限 {MAX_NESTING}")
            self.compiled[expression] = self.env.compile_expression(expression, undefined_to_none=False)._template
        return self.compiled[expression]

    def scope(self, names: dict[str, Any]) -> Context:
        """The Context expressions reading `names` run in, made once for all of them: the one Jinja's call of a
        compiled expression makes for each (the environment's globals, then `names` over them), which copied some
        sixty names and made a set of the globals' names every time (a section evaluates a dozen expressions). Made
        again when `names` change."""
        return Context(self.env, {**self.env.globals, **names}, None, {}, self.env.globals)

    def evaluate(self, expression: str, scope: Context) -> Any:
        """The value of `expression` in `scope` (see `scope`), as a fresh Context would give it: an expression only
        reads names and sets `result`, which is cleared first, so none sees what an earlier one set."""
        template = self.compile(expression)
        scope.vars.clear()
        scope.exported_vars.clear()
        with limits():
            consume(template.root_render_func(scope))  # type: ignore[attr-defined]
        return scope.vars["result"]


def max_nesting(text: str) -> int:
    depth = deepest = 0
    for char in text:
        if char in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in ")]}":
            depth -= 1
    return deepest
