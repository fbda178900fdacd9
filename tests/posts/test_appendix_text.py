"""Figures in the importer's messages: one rounding, half up, as everywhere else."""

from decimal import Decimal

import pytest

from posts.appendix.text import figure_text


@pytest.mark.parametrize(
    ("value", "whole_pounds", "written"),
    [
        (Decimal("3228957"), False, "3,228,957"),
        (Decimal("46355.5"), False, "46,355.50"),
        (Decimal("0.005"), False, "0.01"),
        (Decimal("-78708"), False, "-78,708"),
        (Decimal("66947.5"), True, "66,948"),
        (Decimal("0.5"), True, "1"),  # half up; Python's own format would give "0"
    ],
)
def test_it_writes_a_figure_as_councils_do_rounded_half_up(value, whole_pounds, written):
    assert figure_text(value, whole_pounds=whole_pounds) == written
