"""Every figure printed rounds half up through `format_money`, and a negative one reads
"-£40,600", never "£-40,600"."""

from datetime import date
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from figures.costs.engine import (
    Assumptions,
    CostEngine,
    FlatOnCost,
    LineKind,
    NonStaffLine,
    StaffLine,
    StatedSalary,
)
from figures.costs.financial_year import FinancialYear as FY
from figures.costs.money import POUND, format_money
from posts.appendix.text import figure_text
from reports.tables import Column, Kind, format_cell


def engine() -> CostEngine:
    return CostEngine(Assumptions(FY(2020), FY(2021), FlatOnCost(D("0.29"))))


@pytest.mark.parametrize(
    ("amount", "quantum", "printed"),
    [
        (D("1522.645"), D("0.01"), "£1,522.65"),
        (D("-40600"), POUND, "-£40,600"),
        (D("-0.004"), D("0.01"), "£0.00"),
        (D("2.5"), POUND, "£3"),
        (D("1234567.5"), POUND, "£1,234,568"),
    ],
)
def test_it_prints_money_rounded_half_up_with_the_sign_first(amount, quantum, printed):
    assert format_money(amount, quantum) == printed


def test_it_rounds_a_half_penny_up_in_the_working():
    # £3,045.29 a year for six months is £1,522.645: the working prints £1,522.65.
    line = NonStaffLine(D("3045.29"), date(2020, 4, 1), date(2020, 9, 30))

    (piece,) = engine().cost(line).pieces

    assert piece.describe() == (
        "recurring cost: £3,045.29 × 6 months / 12 = £1,522.65; total £1,522.65"
    )


def test_it_prints_released_budget_in_the_working_with_the_minus_first():
    line = StaffLine(
        LineKind.RELEASED_BUDGET, D("1"), date(2020, 4, 1), None, StatedSalary(D("32878"))
    )

    working = engine().cost(line).full_year_working[0].describe()

    assert working.endswith("total -£42,412.62")
    assert "£-" not in working


def test_it_prints_a_negative_figure_in_an_import_message_with_the_minus_first():
    assert figure_text(D("-3043"), symbol="£") == "-£3,043"
    assert figure_text(D("46355.50")) == "46,355.50"


def test_it_prints_table_figures_rounded_half_up():
    assert format_cell(Column("x", "£", Kind.MONEY), D("-40600")) == "-40,600"
    assert format_cell(Column("x", "£", Kind.MONEY), D("0")) == "0"


@given(st.decimals(min_value=D("-1e9"), max_value=D("1e9"), places=3))
def test_it_prints_what_round_money_gives(amount):
    printed = format_money(amount)

    assert D(printed.replace("£", "").replace(",", "")) == amount.quantize(
        D("0.01"), rounding="ROUND_HALF_UP"
    )
