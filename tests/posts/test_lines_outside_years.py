"""Which lines lie wholly outside a plan's financial years (issue 16, item 5)."""

from datetime import date

import pytest

from posts.models import PlanLine


def line(start, end=None, months=None):
    return PlanLine(start_date=start, end_date=end, duration_months=months)


@pytest.mark.parametrize(
    ("facts", "outside"),
    [
        ({"start": date(2027, 4, 1)}, True),  # starts after 2026/27 ends
        ({"start": date(2027, 3, 31)}, False),  # its first day is the plan's last
        ({"start": date(2023, 4, 1), "months": 24}, True),  # ends 31 Mar 2025
        ({"start": date(2023, 4, 2), "months": 24}, False),  # ends 1 Apr 2025
        ({"start": date(2023, 4, 1), "end": date(2025, 3, 31)}, True),
        ({"start": date(2020, 4, 1)}, False),  # permanent: runs into the plan
    ],
)
def test_it_finds_a_line_wholly_outside_the_years(facts, outside):
    assert line(**facts).is_outside_years(2025, 2026) is outside
