"""`{{ }}` expressions evaluated in the one Context a resolver makes for them (render.Expressions.scope, issue 22)
give what Jinja's own call of a compiled expression gives, in a Context of its own: the same value or the same
error, whatever was evaluated before in the shared one."""

from __future__ import annotations

import re
from typing import Any

import jinja2
import pytest
from conftest import REPO, assess_in_site

from jixiao.site import open_site

SEEDS = ["2023/liuan-zipingbiao", "2023/luzhou-xiangmu-zipingbiao"]
# Besides the seeds' own: a name an earlier expression set (`result`, which each evaluation sets), unknown names and
# items, errors of arithmetic, the sandbox's refusals, the globals and filters.
MORE = [
    "result",
    "总分数",
    "自评表[0].不存在",
    "自评表[99]",
    "1 / 0",
    "年度 + '年'",
    "自评表 | length",
    "lay_out is defined",
    "自评表[0].__class__",
    "2 ** 100",
    "result",
]


def outcome(evaluate: Any, *args: Any, **names: Any) -> tuple[Any, ...]:
    """What `evaluate(*args, **names)` gives, comparable: its value (an undefined one by its name), or its error."""
    try:
        value = evaluate(*args, **names)
    except Exception as error:  # the error itself is what is compared
        return ("error", type(error), str(error))
    if isinstance(value, jinja2.Undefined):
        return ("undefined", type(value), value._undefined_name)
    return ("value", type(value), value)


@pytest.mark.parametrize("key", SEEDS)
def test_expressions_in_a_resolvers_one_scope_give_what_a_fresh_context_gives(key):
    view, _ = assess_in_site(REPO, key)
    site = open_site(REPO)
    names = {name: view[name] for name in view.keys()}
    texts = "".join(path.read_text(encoding="utf-8") for path in sorted((REPO / "content" / key).glob("*.md")))
    expressions = [found.strip() for found in re.findall(r"\{\{(.*?)\}\}", texts)] + MORE
    scope = site.expressions.scope(names)
    for expression in expressions:
        compiled = site.env.compile_expression(expression, undefined_to_none=False)
        fresh = outcome(compiled, **names)
        assert outcome(site.expressions.evaluate, expression, scope) == fresh, expression
    assert len(expressions) > len(MORE) + 5
