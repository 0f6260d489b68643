"""The eighth wave's cuts to computing and checking a report (bench/HISTORY.md, 「Eighth wave」, helper assess): each
fast path gives what the general one gave, on the repository's reports."""

from __future__ import annotations

import random
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from conftest import REPO, assess_in_site, form_figures

from jixiao import compute
from jixiao.audit import Figure, report_figures
from jixiao.values import Rate, Score, padded
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


NUMBERS = ["96.43", "100", "100.00", "0.5", "0.50", "1E+2", "1.0E+1", "-3.10", "0", "0.00", "79.5", "2.145", "1836.70"]


def test_a_rate_without_places_prints_what_padding_to_none_printed_and_one_with_places_is_padded():
    for text in NUMBERS:
        assert str(Rate(text)) == f"{padded(Decimal(text), 0)}%"
        assert str(Rate(text, 2)) == f"{padded(Decimal(text), 2)}%"


def test_a_score_is_empty_from_its_making_and_prints_as_before():
    def printed_before(text: str) -> str:
        whole, _, fraction = format(Decimal(text), "f").partition(".")
        return whole if not fraction.strip("0") else padded(Decimal(text), 2)

    for text in NUMBERS:
        score = Score(text)
        assert score._text is None and str(score) == printed_before(text) and score._text == str(score)


def test_rounding_by_the_remembered_quantum_is_rounding_by_a_quantum_made_each_time():
    chance = random.Random(22)
    for _ in range(2000):
        value = Decimal(chance.randint(-(10**7), 10**7)).scaleb(-chance.randint(0, 6))
        places = chance.randint(0, 4)
        rounded = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        assert str(compute.round_half_up(value, places)) == str(rounded)  # the same value, the same decimals


@pytest.mark.parametrize("key", REPORTS)
def test_the_figures_of_forms_and_tables_made_by_tuple_new_are_the_named_tuples_the_constructor_made(key):
    view, _ = assess_in_site(REPO, key)
    figures = report_figures(view) + [f for i, form in enumerate(view.forms) for f in form_figures(form, i, "万元")]
    assert figures
    for figure in figures:  # eight fields each (a tuple of seven would lack its aliases), equal to Figure(…)'s
        assert type(figure) is Figure and len(figure) == 8 and figure == Figure(*figure)
        assert isinstance(figure.aliases, tuple) and figure.shown() == Figure(*figure).shown()
