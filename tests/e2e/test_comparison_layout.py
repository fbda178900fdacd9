"""Pages that compare plans fit a laptop's screen (1366 by 768): no table runs off the
side, no column heading repeats a plan's whole name, and each assumption prints once."""

from pathlib import Path

import pytest

from investplan.models import PlanStatus
from investplan.services import approve_plan, copy_plan_as_scenario
from tests.e2e.conftest import sign_in

LAPTOP = {"width": 1366, "height": 768}
LONG_NAME = "Resource Requirement for Improvement in Children's Services 2025 to 2027"
SCREENSHOTS = Path("/tmp/investplan-screenshots")


@pytest.fixture
def two_plans(council_plan):
    plan = council_plan["plan"]
    plan.name = LONG_NAME
    plan.save()
    other = copy_plan_as_scenario(
        plan=plan, name="Efficient structure with fewer agency social workers and managers"
    )
    return plan, other


@pytest.fixture
def laptop(page):
    page.set_viewport_size(LAPTOP)
    return page


def _overflowing_tables(page) -> list[str]:
    return page.eval_on_selector_all(
        "table.report",
        "tables => tables.filter(t => t.getBoundingClientRect().right > innerWidth"
        " || t.scrollWidth > t.clientWidth + 1).map(t => t.caption && t.caption.innerText)",
    )


def _headings(page) -> list[str]:
    return page.eval_on_selector_all(
        "table.report thead th", "cells => cells.map(c => c.innerText)"
    )


def _look(page, name):
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_it_fits_two_plans_compared_on_a_laptop_screen(laptop, live_server, two_plans):
    plan, other = two_plans
    sign_in(laptop, live_server, "hazel")

    laptop.goto(f"{live_server.url}/plans/{plan.slug}/compare/?with={other.slug}&by=workstream")

    _look(laptop, "compare")
    assert laptop.evaluate("document.documentElement.scrollWidth") <= LAPTOP["width"]
    assert _overflowing_tables(laptop) == []
    assert [h for h in _headings(laptop) if plan.name in h or other.name in h] == []


def test_it_prints_each_assumption_of_two_plans_compared_once(laptop, live_server, two_plans):
    plan, other = two_plans
    sign_in(laptop, live_server, "hazel")

    laptop.goto(f"{live_server.url}/plans/{plan.slug}/compare/?with={other.slug}&by=team")

    said = laptop.eval_on_selector_all(".assumptions dd", "terms => terms.map(t => t.innerText)")
    labels = laptop.eval_on_selector_all(".assumptions dt", "terms => terms.map(t => t.innerText)")
    assert said
    assert len(said) == len(set(said))
    assert [label for label in labels if plan.name in label or other.name in label] == []


def test_it_fits_a_what_if_on_a_laptop_screen(laptop, live_server, two_plans):
    plan, _ = two_plans
    sign_in(laptop, live_server, "hazel")

    laptop.goto(f"{live_server.url}/plans/{plan.slug}/what-if/?pay_award=4&on_cost=30")

    _look(laptop, "what-if")
    assert laptop.evaluate("document.documentElement.scrollWidth") <= LAPTOP["width"]
    assert _overflowing_tables(laptop) == []
    assert [h for h in _headings(laptop) if "pay award" in h] == []


def test_it_fits_the_variance_on_a_laptop_screen(laptop, live_server, two_plans):
    plan, _ = two_plans
    approve_plan(plan=plan)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    sign_in(laptop, live_server, "hazel")

    laptop.goto(f"{live_server.url}/plans/{plan.slug}/variance/?by=workstream")

    _look(laptop, "variance")
    assert laptop.evaluate("document.documentElement.scrollWidth") <= LAPTOP["width"]
    assert _overflowing_tables(laptop) == []
