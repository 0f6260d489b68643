"""The eighth wave's cuts to computing and checking a report (bench/README.md, 「Eighth wave」, helper assess): each
fast path gives what the general one gave, on the repository's reports."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import REPO, assess_in_site

from jixiao.view import ModelView, View, tuple_getter

REPORTS = [
    "2023/liuan-zipingbiao",
    "2023/luzhou-xiangmu-zipingbiao",
    "2023/luzhou-juesuan",
    "2023/luzhou-xiangmu-baogao",
    "2023/luzhou-zhengti",
]


def views_under(value: Any) -> list[View]:
    """Every view of an assessed report, once each."""
    found: dict[int, View] = {}
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, View) and id(item) not in found:
            found[id(item)] = item
            stack.extend(item.__dict__.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.values())
    return list(found.values())


def wrapped_as_before(view: ModelView) -> ModelView:
    """The view `wrap` made before `wrapped`: its model's typed fields read one by one, the computed values (those
    set besides them) passed as keywords to `make`."""
    validated = view.validated
    computed = {name: view.__dict__[name] for name in view.__pydantic_fields_set__ - view._wrapping}
    typed = {name: getattr(validated, name) for name in view.typed_fields}
    return type(view).make(validated=validated, **typed, **computed)


@pytest.mark.parametrize("key", REPORTS)
def test_every_wrapped_view_of_a_report_is_the_view_make_gave_its_values_in_the_same_order(key):
    view, _ = assess_in_site(REPO, key)
    wrapped = [item for item in views_under(view) if isinstance(item, ModelView)]
    assert wrapped
    for item in wrapped:
        before = wrapped_as_before(item)
        assert list(item.__dict__.items()) == list(before.__dict__.items())  # the same values, in the same order
        assert item.__pydantic_fields_set__ == before.__pydantic_fields_set__
        assert (item.__pydantic_extra__, item.__pydantic_private__) == (None, None)
        assert item == before


def test_a_tuple_getter_gives_a_tuple_of_none_one_or_several_attributes():
    class Row:
        name, note, extras = "短信数量", None, {}

    assert tuple_getter(())(Row()) == ()
    assert tuple_getter(("name",))(Row()) == ("短信数量",)
    assert tuple_getter(("name", "note", "extras"))(Row()) == ("短信数量", None, {})
