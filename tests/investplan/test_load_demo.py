from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from figures.checks import differences
from figures.costing import cost_line
from figures.costs.money import POUND, round_money
from figures.models import LineFigures
from funding.models import FundingSource
from investplan.models import Finding, Membership, Plan
from posts.models import LineKind, PlanLine, SpinalSalary
from tests.factories import (
    AllocationFactory,
    FundingSourceFactory,
    PlanFactory,
    PlanLineFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("load_demo")
    return Plan.objects.get(slug="middlesbrough-2020")


def test_it_loads_all_27_lines_of_the_middlesbrough_plan(demo):
    assert demo.lines.count() == 27
    assert [demo.first_year, demo.last_year] == [2020, 2021]
    assert demo.assumptions.flat_on_cost_percent == Decimal("29")


def test_it_is_safe_to_run_twice(demo):
    call_command("load_demo")

    assert PlanLine.objects.count() == 27
    assert Plan.objects.count() == 1
    assert Membership.objects.count() == 4


def test_it_keeps_each_lines_annual_cost_as_printed(demo):
    by_title = {line.title: cost_line(line) for line in PlanLine.objects.filter(plan=demo)}

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


def _change_things(demo):
    """What a user does on the demo: adds a line, changes an award, ends a source."""
    PlanLineFactory(plan=demo, title="Added by a user", position=28)
    award = demo.assumptions.pay_awards.get()
    award.percent = Decimal("3.5")
    award.save()
    source = FundingSourceFactory(organisation=demo.organisation, name="Improvement grant")
    source.end_date = date(2021, 3, 31)
    source.save()
    salary = SpinalSalary.objects.get(point__code="K mid")
    salary.salary = Decimal("33000")
    salary.save()
    finance = get_user_model().objects.get(username="finance")
    finance.set_password("a-new-long-password")
    finance.save()
    return source


def test_it_leaves_an_existing_demo_as_it_is(demo):
    source = _change_things(demo)

    call_command("load_demo")

    assert demo.lines.count() == 28
    assert demo.lines.filter(title="Added by a user").exists()
    assert demo.assumptions.pay_awards.get().percent == Decimal("3.5")
    source.refresh_from_db()
    assert source.end_date == date(2021, 3, 31)
    assert SpinalSalary.objects.get(point__code="K mid").salary.amount == Decimal("33000")
    assert authenticate(username="finance", password="a-new-long-password") is not None


def test_it_says_the_demo_was_left_alone_and_how_to_restore_it(demo, capsys):
    call_command("load_demo")

    said = capsys.readouterr().out
    assert "already loaded" in said
    assert "load_demo --reset" in said


def test_it_restores_the_demo_on_reset(demo):
    _change_things(demo)

    call_command("load_demo", reset=True)

    plan = Plan.objects.get(slug="middlesbrough-2020")
    assert plan.lines.count() == 27
    assert not PlanLine.objects.filter(title="Added by a user").exists()
    assert plan.assumptions.pay_awards.get().percent == Decimal("0")
    assert not FundingSource.objects.filter(name="Improvement grant").exists()
    assert SpinalSalary.objects.get(point__code="K mid").salary.amount == Decimal("32878")
    assert authenticate(username="finance", password="investplan-demo") is not None
    assert Membership.objects.count() == 4


def test_it_restores_a_demo_with_funded_lines_on_reset(demo):
    line = demo.lines.get(title="Social Worker")
    AllocationFactory(
        line=line, source=FundingSourceFactory(organisation=demo.organisation), percent=50
    )

    call_command("load_demo", reset=True)

    assert Plan.objects.get(slug="middlesbrough-2020").lines.count() == 27
    assert not FundingSource.objects.exists()


def test_it_stores_the_demo_plans_figures(demo):
    assert LineFigures.objects.filter(plan=demo).count() == 27
    assert differences(demo) == []


def test_it_loads_the_demo_beside_another_councils_plan_at_the_demo_address(settings):
    theirs = PlanFactory(slug="middlesbrough-2020", name="Their plan")
    settings.DEBUG = True

    call_command("load_demo")

    demo = Plan.objects.get(slug="middlesbrough-2020", organisation__slug="middlesbrough")
    assert demo.lines.count() == 27
    assert not theirs.lines.exists()


def test_it_leaves_another_councils_plan_at_the_demo_address_on_reset(demo):
    theirs = PlanFactory(slug="middlesbrough-2020", name="Their plan")

    call_command("load_demo", reset=True)

    assert Plan.objects.filter(pk=theirs.pk).exists()
    assert Plan.objects.filter(slug="middlesbrough-2020").count() == 2
