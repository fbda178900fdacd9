from decimal import Decimal

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError

from investplan.costing import PlanCosting
from investplan.costs.money import POUND, round_money
from investplan.models import Finding, Membership, Plan
from posts.models import LineKind, PlanLine

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("load_demo")
    return Plan.objects.get(slug="middlesbrough-2020")


def test_it_loads_all_27_lines_of_seed_000(demo):
    assert demo.lines.count() == 27
    assert [demo.first_year, demo.last_year] == [2020, 2021]
    assert demo.assumptions.flat_on_cost_percent == Decimal("29")


def test_it_is_safe_to_run_twice(demo):
    call_command("load_demo")

    assert PlanLine.objects.count() == 27
    assert Plan.objects.count() == 1
    assert Membership.objects.count() == 4


def test_it_keeps_each_lines_annual_cost_as_printed(demo):
    costing = PlanCosting(demo)
    by_title = {costed.line.title: costed.cost for costed in costing.costed}

    assert round_money(by_title["Social Worker"].full_year_effect, POUND) == Decimal("63619")
    assert round_money(by_title["Social Worker"].total, POUND) == Decimal("127238")
    legal = by_title["Legal Support - Additional Solicitors"]
    assert legal.full_year_effect == Decimal("212000")
    assert legal.stated_difference == Decimal("212000") - Decimal("41675") * 4 * Decimal("1.29")
    assert by_title["Funded By: vacant post in SIG"].full_year_effect == Decimal("-42413")


def test_it_reads_as_above_as_the_finding_of_the_line_above(demo):
    lines = list(demo.lines.order_by("position").prefetch_related("findings"))
    analyst = next(line for line in lines if line.title == "Data Analyst")
    manager = next(line for line in lines if line.title == "Service Development Manager")

    assert list(analyst.findings.all()) == list(manager.findings.all())
    assert manager.findings.get().reference == "para 36"
    assert Finding.objects.count() == 9


def test_it_makes_a_demo_user_for_each_role(demo):
    roles = {
        membership.user.username: membership.role
        for membership in Membership.objects.select_related("user")
    }

    assert roles == {
        "viewer": "viewer",
        "head": "head_of_service",
        "finance": "finance_officer",
        "admin": "admin",
    }
    assert authenticate(username="finance", password="investplan-demo") is not None


def test_it_makes_the_funded_by_line_released_budget(demo):
    line = demo.lines.get(title__startswith="Funded By")

    assert line.kind == LineKind.RELEASED_BUDGET


def test_it_refuses_to_load_with_debug_off(settings, db):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="refuses to run with DEBUG off"):
        call_command("load_demo")

    assert not Plan.objects.exists()
