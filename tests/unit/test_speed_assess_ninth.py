"""The ninth wave's cuts to computing a report (bench/HISTORY.md, 「Ninth wave」, helper compute): each fast path
gives what the general one gave, on the repository's reports."""

from __future__ import annotations

import pytest
from conftest import REPO, assess_in_site
from test_speed_assess_eighth import NUMBERS, REPORTS, views_under

from jixiao.parts.indicators.view import StatedIndicatorView
from jixiao.values import Rate

FORMS = [key for key in REPORTS if key.endswith("zipingbiao")]  # the reports with indicator rows


@pytest.mark.parametrize("key", FORMS)
def test_every_rows_stated_view_is_the_view_make_gave_its_values(key):
    view, _ = assess_in_site(REPO, key)
    stated = [item for item in views_under(view) if type(item) is StatedIndicatorView]
    assert stated
    for item in stated:  # a field added to the class would be in make's view (its default) and not in this one
        before = StatedIndicatorView.make(**{name: item.__dict__[name] for name in ("score", "actual", "completion")})
        assert list(item.__dict__.items()) == list(before.__dict__.items())
        assert item.__pydantic_fields_set__ == before.__pydantic_fields_set__
        assert (item.__pydantic_extra__, item.__pydantic_private__) == (None, None)
        assert item == before


def test_a_rate_keeps_the_text_it_printed_first_and_a_copy_with_a_unit_prints_its_own():
    for text in NUMBERS:
        for places in (0, 2):
            rate = Rate(text, places)
            assert rate._text is None
            printed = str(rate)
            assert rate._text == printed and str(rate) == printed
            copy = rate.with_unit("万元")
            assert copy.places == rate.places and str(copy) == printed and copy._text == printed
