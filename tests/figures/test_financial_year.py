from datetime import date

import pytest

from figures.costs.financial_year import FinancialYear as FY


@pytest.mark.parametrize("text", ["2020/21", "2020-21", "2020/2021", " 2020 / 21 "])
def test_it_reads_a_financial_year_as_councils_write_it(text):
    assert FY.parse(text) == FY(2020)


@pytest.mark.parametrize("text", ["2020/22", "2020", "20/21", "next year"])
def test_it_refuses_what_is_not_a_financial_year(text):
    with pytest.raises(ValueError, match="financial year"):
        FY.parse(text)


@pytest.mark.parametrize(
    ("day", "label"),
    [(date(2020, 4, 1), "2020/21"), (date(2021, 3, 31), "2020/21"), (date(1999, 12, 1), "1999/00")],
)
def test_it_runs_from_april_to_march(day, label):
    assert FY.containing(day).label == label


def test_it_spans_the_years_of_a_programme():
    assert [year.label for year in FY.span(FY(2020), FY(2022))] == ["2020/21", "2021/22", "2022/23"]
