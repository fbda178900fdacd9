"""`manage.py recost` and `manage.py check_figures` on a live database."""

import io
from decimal import Decimal as D

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from figures.models import LineYearFigure, PlanFigures
from posts.models import PlanLine
from tests.factories import OrganisationFactory, PlanFactory, PlanLineFactory

pytestmark = pytest.mark.django_db
YEAR = 2020


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, "--skip-checks", stdout=out)
    return out.getvalue()


@pytest.fixture
def plan():
    plan = PlanFactory(name="Improvement plan", slug="improvement")
    PlanLineFactory(plan=plan, title="Social Worker")
    PlanLineFactory(plan=plan, title="Team Manager", annual_salary=D("45000"))
    return plan


def cost_of(title) -> D:
    return LineYearFigure.objects.get(line__title=title, financial_year=YEAR).cost_in_pounds.amount


def test_it_recosts_a_plan_named_by_its_address(plan):
    # Changed in the database behind the services' back, as a deploy's new rule would.
    PlanLine.objects.filter(title="Social Worker").update(fte=D("2"))

    out = run("recost", "improvement")

    assert out == "Improvement plan: 2 lines costed\n"
    assert cost_of("Social Worker") == D("84825")


def test_it_recosts_every_plan_when_none_is_named(plan):
    other = PlanFactory(name="Other plan")
    PlanLineFactory(plan=other)

    out = run("recost")

    assert out.splitlines() == ["Improvement plan: 2 lines costed", "Other plan: 1 line costed"]


def test_it_recosts_only_plans_waiting_to_be_recalculated(plan):
    other = PlanFactory(name="Other plan")
    PlanFigures.objects.create(plan=other, wanted=1, done=0)
    PlanFigures.objects.create(plan=plan, wanted=1, done=1)

    out = run("recost", "--waiting")

    assert out == "Other plan: 0 lines costed\n"
    assert not PlanFigures.objects.get(plan=other).recalculating


def test_it_says_so_when_no_plan_is_waiting(plan):
    assert run("recost", "--waiting") == "No plan is waiting for its figures.\n"


def test_it_refuses_to_recost_a_plan_there_is_not(plan):
    with pytest.raises(CommandError) as raised:
        run("recost", "nowhere")

    assert str(raised.value) == "There is no plan at 'nowhere'."


def test_it_passes_a_plan_whose_figures_are_as_costed(plan):
    out = run("check_figures", "improvement")

    assert out == "Improvement plan: every line's figures are as costed\n"


def test_it_names_a_line_whose_stored_figure_was_tampered_with_and_fails(plan):
    line = PlanLine.objects.get(title="Team Manager")
    LineYearFigure.objects.filter(line=line, financial_year=YEAR).update(cost_in_pounds=D("1"))
    out = io.StringIO()

    with pytest.raises(CommandError, match="1 plan with figures that differ"):
        call_command("check_figures", "--skip-checks", stdout=out)

    assert out.getvalue().splitlines() == [
        "Improvement plan (improvement):",
        f"  line {line.pk} (Team Manager): its cost by year differ from a fresh costing",
    ]


def test_it_names_figures_left_for_a_line_no_longer_in_the_plan(plan):
    line = PlanLine.objects.get(title="Team Manager")
    figure = LineYearFigure.objects.get(line=line, financial_year=YEAR)
    other = PlanLineFactory(plan=PlanFactory(organisation=plan.organisation))
    LineYearFigure.objects.filter(line=other).delete()
    LineYearFigure.objects.filter(pk=figure.pk).update(line=other)
    out = io.StringIO()

    with pytest.raises(CommandError):
        call_command("check_figures", "improvement", "--skip-checks", stdout=out)

    assert f"  line {other.pk} (not in the plan): its cost by year differ" in out.getvalue()


def test_it_refuses_to_check_a_plan_there_is_not(plan):
    with pytest.raises(CommandError) as raised:
        run("check_figures", "nowhere")

    assert str(raised.value) == "There is no plan at 'nowhere'."


@pytest.fixture
def theirs(plan):
    """Another council's plan at the same address, "improvement"."""
    council = OrganisationFactory(name="Northshire", slug="northshire")
    theirs = PlanFactory(organisation=council, name="Their plan", slug="improvement")
    PlanLineFactory(plan=theirs, title="Their Social Worker")
    return theirs


@pytest.mark.parametrize("name", ["recost", "check_figures"])
def test_it_names_the_councils_with_a_plan_at_the_address_and_asks_whose(plan, theirs, name):
    with pytest.raises(CommandError) as raised:
        run(name, "improvement")

    assert str(raised.value) == (
        f"2 councils have a plan at “improvement”: {plan.organisation.name} "
        f"({plan.organisation.slug}), Northshire (northshire). Say whose with --council, "
        f"e.g. --council {plan.organisation.slug}."
    )


def test_it_recosts_the_plan_of_the_council_named_when_two_have_the_address(plan, theirs):
    out = run("recost", "improvement", "--council", "northshire")

    assert out == "Their plan: 1 line costed\n"


def test_it_checks_the_plan_of_the_council_named_when_two_have_the_address(plan, theirs):
    out = run("check_figures", "improvement", "--council", plan.organisation.slug)

    assert out == "Improvement plan: every line's figures are as costed\n"


def test_it_recosts_every_plan_of_the_council_named_when_no_plan_is(plan, theirs):
    PlanFactory(organisation=theirs.organisation, name="Their other plan")

    out = run("recost", "--council", "northshire")

    assert out.splitlines() == ["Their plan: 1 line costed", "Their other plan: 0 lines costed"]


def test_it_refuses_a_council_there_is_not(plan):
    with pytest.raises(CommandError) as raised:
        run("recost", "improvement", "--council", "nowhere")

    assert str(raised.value) == "There is no council “nowhere”."


def test_it_refuses_a_plan_the_council_named_has_not(plan, theirs):
    OrganisationFactory(slug="westshire")

    with pytest.raises(CommandError) as raised:
        run("check_figures", "improvement", "--council", "westshire")

    assert str(raised.value) == "There is no plan at 'improvement'."
