from decimal import Decimal as D

import pytest

from figures.costs.money import POUND, Share, apportion, round_money, split_money


@pytest.mark.parametrize(
    ("amount", "quantum", "expected"),
    [
        (D("63618.93"), POUND, D("63619")),
        (D("0.005"), D("0.01"), D("0.01")),
        (D("-0.005"), D("0.01"), D("-0.01")),
        (D("2.5"), POUND, D("3")),
    ],
)
def test_it_rounds_halves_up(amount, quantum, expected):
    assert round_money(amount, quantum) == expected


def test_it_gives_the_pennies_to_the_last_share_when_shares_make_100_percent():
    split = split_money(D("100.01"), [Share("grant", D("0.5")), Share("base", D("0.5"))])

    assert split.parts == {"grant": D("50.01"), "base": D("50.00")}
    assert split.unfunded == 0


def test_it_leaves_what_no_source_pays_as_requiring_additional_funding():
    split = split_money(
        D("50000.00"), [Share("grant", D("0.6")), Share("partner", amount=D("5000"))]
    )

    assert split.parts == {"grant": D("30000.00"), "partner": D("5000.00")}
    assert split.unfunded == D("15000.00")


def test_it_caps_a_fixed_amount_at_what_is_left_of_the_cost():
    split = split_money(D("1000.00"), [Share("partner", amount=D("5000"))])

    assert split.parts == {"partner": D("1000.00")}
    assert split.unfunded == 0


def test_it_splits_released_budget_as_negative_parts():
    split = split_money(D("-42413.00"), [Share("base", D("0.5"))])

    assert split.parts == {"base": D("-21206.50")}
    assert split.unfunded == D("-21206.50")


def test_it_refuses_shares_over_100_percent():
    with pytest.raises(ValueError, match="more than 100%"):
        split_money(D("10.00"), [Share("a", D("0.6")), Share("b", D("0.5"))])


def test_it_apportions_with_the_last_part_taking_the_pennies():
    assert apportion(D("100.00"), [D(1), D(1), D(1)]) == [D("33.33"), D("33.33"), D("33.34")]


@pytest.mark.parametrize(
    ("whole", "fraction", "paid", "unfunded"),
    [
        (D("100.01"), D("0.5"), D("50.01"), D("50.00")),
        (D("100.01"), D("1"), D("100.01"), D("0")),
        (D("-100.01"), D("1"), D("-100.01"), D("0")),
        (D("0.00"), D("1"), D("0"), D("0")),
        (D("-100.01"), D("0.5"), D("-50.01"), D("-50.00")),
        (D("0.01"), D("0.999"), D("0.01"), D("0")),
        (D("100.00"), D("0"), D("0"), D("100.00")),
    ],
)
def test_it_splits_a_line_one_source_pays_a_percentage_of(whole, fraction, paid, unfunded):
    split = split_money(whole, [Share("grant", fraction)])

    assert (split.parts, split.unfunded) == ({"grant": paid}, unfunded)
