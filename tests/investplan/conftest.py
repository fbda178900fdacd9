from datetime import date
from decimal import Decimal

import pytest

from tests.factories import PlanFactory, PlanLineFactory


@pytest.fixture
def two_posts(db):
    """A plan of two posts at £40,000 and £30,000 from April 2025, on 29% on-costs."""
    plan = PlanFactory(first_year=2025, last_year=2026)
    for position, salary in enumerate(["40000", "30000"], start=1):
        PlanLineFactory(
            plan=plan,
            annual_salary=Decimal(salary),
            start_date=date(2025, 4, 1),
            position=position,
        )
    return plan
