"""Stage: values — figures print as the document prints them (issue 19, point 1; docs/figures.md)."""

import pickle
from decimal import Decimal

from jixiao.values import Money, Rate, Score, as_computed, padded


def test_a_typed_figure_prints_with_the_decimals_it_was_written_with():
    # the seeds print 506万元, 44.8万元, 1.00 and a contract paid to the yuan, 310.735989 万元
    assert [str(Money(Decimal(t))) for t in ("506", "44.8", "1.00", "310.735989")] == [
        "506",
        "44.8",
        "1.00",
        "310.735989",
    ]


def test_a_computed_figure_is_exact_and_never_padded():
    # hand: 1836.70 (a sum of two-decimal parts) → 1836.7; 310.735989 + 71.681011 = 382.417000 → 382.417;
    #       150 ÷ 200 = 75.00 % → 75%; 100.00 % → 100%
    assert str(Money(as_computed(Decimal("1836.70")))) == "1836.7"
    assert str(Money(as_computed(Decimal("310.735989") + Decimal("71.681011")))) == "382.417"
    assert [str(Rate(as_computed(Decimal(v)))) for v in ("75.00", "100.00", "98.86")] == ["75%", "100%", "98.86%"]


def test_fixed_decimals_pad_and_a_stated_figure_keeps_its_form():
    # 固定小数位: 100 → 100.00, 5 % → 5.00 %, a longer typed figure is never cut (310.735989)
    assert [str(Money(Decimal(t), 2, fixed=True)) for t in ("100", "8.6", "310.735989")] == [
        "100.00",
        "8.60",
        "310.735989",
    ]
    assert str(Rate(as_computed(Decimal("5.00")), 2)) == "5.00%"
    # 原表 88.70 equal to 2607.85 ÷ 2940.02 = 88.70 %: printed 88.70% (seed 004); a different one is not taken
    assert str(Rate(as_computed(Decimal("88.70"), Decimal("88.70")))) == "88.70%"
    assert str(Rate(as_computed(Decimal("106.88"), Decimal("106.89")))) == "106.88%"


def test_padding_on_the_text_prints_what_quantizing_printed():
    """padded and Score add zeros to the printed text instead of quantizing (a page prints thousands of figures):
    the same strings for exponents, negatives and zeros, which quantize handled on its own."""
    # hand: 1E+2 is 100 → 100.00; -0.5 → -0.50; -0 keeps its sign as quantize does (-0.00); 5E-7 has 7 decimals
    assert [padded(Decimal(t), 2) for t in ("1E+2", "-0.5", "-0", "5E-7", "1836.7", "12")] == [
        "100.00",
        "-0.50",
        "-0.00",
        "0.0000005",
        "1836.70",
        "12.00",
    ]
    assert padded(Decimal("1E+2"), 0) == "100"
    # a score: whole numbers bare (24.00 → 24, 1E+1 → 10, -0.00 → -0), else at least two decimals (0.5 → 0.50)
    assert [str(Score(t)) for t in ("24.00", "1E+1", "-0.00", "0.5", "9.485", "-3.2", "79.50")] == [
        "24",
        "10",
        "-0",
        "0.50",
        "9.485",
        "-3.20",
        "79.50",
    ]
    assert str(Rate(Decimal("-1E+1"), 2)) == "-10.00%"


def test_figures_keep_their_form_through_pickling():
    """Workers send views to the parent pickled: the fixed decimals travel with the figure."""
    money, rate = Money(Decimal("8.6"), 2, fixed=True), Rate(Decimal("5"), 2)
    assert (str(pickle.loads(pickle.dumps(money))), str(pickle.loads(pickle.dumps(rate)))) == ("8.60", "5.00%")


def test_a_score_keeps_its_text_and_travels_without_it():
    """A score is printed some ten times, so it keeps its text (hand: 79.5 → 79.50); the kept text is in a slot, so
    a pickled score (a worker's view) or a copy with a unit carries the value and its origin, not the text."""
    score = Score("79.5")
    score.origin = "自评表.0.总分"
    assert score._text is None  # not printed yet: empty from its making, so the first print raises nothing
    assert str(score) == "79.50" and score._text == "79.50"
    assert str(score) is str(score)  # the kept text, not made again
    travelled = pickle.loads(pickle.dumps(score))
    assert travelled._text is None and travelled.origin == "自评表.0.总分"
    assert (str(travelled), f"{travelled}", str(score.with_unit("分"))) == ("79.50", "79.50", "79.50")
    assert b"_text" not in pickle.dumps(score)
