"""The tenth wave's cuts to computing a report (bench/HISTORY.md, 「Tenth wave」, helper indicators): an indicator
row reads its model's fields once; a 项目资金 row's 执行率 is one figure, printed by its origin; a form without
原表 holds the one empty 原表 view; a comparison's rule is named by its operator's direction."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest
from conftest import REPO, assess_in_site
from test_speed_assess_ninth import FORMS

from jixiao import compute
from jixiao.parts.form.compute import UNSTATED_FORM, UNSTATED_FUNDS
from jixiao.parts.form.view import StatedFormView, StatedFundsView
from jixiao.parts.indicators.model import Indicator
from jixiao.quantity import parse_actual, parse_target
from jixiao.values import Rate


@pytest.mark.parametrize("key", FORMS)
def test_an_indicator_row_reads_its_target_actual_unit_and_stated_form_once(key, monkeypatch):
    """A model's field is read through pydantic's `__getattr__` hook (some 430 instructions a read): a row read
    these fields some twenty times between them; read more than once, this fails."""
    reads: Counter[str] = Counter()
    read = Indicator.__getattribute__

    def counted(self, name):
        reads[name] += 1
        return read(self, name)

    monkeypatch.setattr(Indicator, "__getattribute__", counted)
    view, _ = assess_in_site(REPO, key)
    monkeypatch.undo()
    rows = sum(len(form.rows) for form in view.forms)
    assert rows
    assert {name: reads[name] for name in ("target", "actual", "unit", "stated")} == dict.fromkeys(
        ("target", "actual", "unit", "stated"), rows
    )


@pytest.mark.parametrize("key", FORMS)
def test_a_fund_rows_rate_is_the_figure_its_origin_printed(key):
    """One Rate a 项目资金 row: its origin's text is the figure's own, kept (a second Rate was made to be printed)."""
    view, _ = assess_in_site(REPO, key)
    rates = [row.rate for form in view.forms for row in (form.funds.total, *form.funds.parts) if row.rate is not None]
    assert rates
    for rate in rates:
        assert type(rate) is Rate and rate._text is not None  # printed once already, by its origin
        assert rate.origin.text == rate._text == str(rate)


def test_a_form_without_its_own_stated_figures_holds_the_one_empty_view(project):
    """The shared empty 原表 views are the views `make` gives (a field added to the class breaks this), and a form
    that printed no 原表 holds them."""
    for shared, made in (
        (UNSTATED_FORM, StatedFormView.make(total=None, grade=None)),
        (UNSTATED_FUNDS, StatedFundsView.make(rate=None, score=None)),
    ):
        assert list(shared.__dict__.items()) == list(made.__dict__.items())
        assert shared.__pydantic_fields_set__ == made.__pydantic_fields_set__
    view, _ = assess_in_site(project, "2024/demo")
    assert view.forms and all(form.stated is UNSTATED_FORM for form in view.forms)
    assert all(form.funds.stated is UNSTATED_FUNDS for form in view.forms)


@pytest.mark.parametrize(
    ("written", "rule"), [("≥", "正向"), (">=", "正向"), (">", "正向"), ("＝", "等于"), ("=", "等于")]
)
def test_a_comparisons_basis_names_its_direction(written, rule):
    """The rule a 正向 or 等于 row's basis names is its operator's (`quantity.OPERATOR_NAMES`, where a literal dict
    was made at every row), met and not met."""
    target = parse_target(f"{written}100万条")
    for actual, basis in (("120万条", f"{rule}: 达标"), ("96万条", f"{rule}: 分值 × 96 ÷ 100")):
        result = compute.score_indicator(target, parse_actual(actual), Decimal(10), compute.Rules())
        assert result.basis == basis
