from datetime import date
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from figures.services import refigure_lines, refigure_plan
from funding.models import Allocation, FundingSource, SourceKind
from investplan.models import Assumptions, Membership, Organisation, Plan, Role, Team, Workstream
from posts.models import Grade, LineKind, PayScale, PlanLine, SpinalPoint, SpinalSalary


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Council {n}")
    slug = factory.Sequence(lambda n: f"council-{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("a-long-test-password")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.FINANCE_OFFICER


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Improvement plan {n}")
    slug = factory.Sequence(lambda n: f"plan-{n}")
    first_year = 2020
    last_year = 2021

    @factory.post_generation
    def assumptions(plan, create, extracted, **kwargs):
        if create:
            Assumptions.objects.create(plan=plan, flat_on_cost_percent=Decimal("29"), **kwargs)


class WorkstreamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workstream

    plan = factory.SubFactory(PlanFactory)
    name = factory.Sequence(lambda n: f"Workstream {n}")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Team {n}")


class PayScaleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PayScale

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Pay scale {n}")


def make_grade(pay_scale, code, salaries, year=2020) -> Grade:
    """A grade over one point per salary given, valued for `year`."""
    start = pay_scale.points.count() + 1
    points = []
    for offset, salary in enumerate(salaries):
        point = SpinalPoint.objects.create(
            pay_scale=pay_scale, code=f"{code}{offset + 1}", ordinal=start + offset
        )
        SpinalSalary.objects.create(point=point, financial_year=year, salary=Decimal(salary))
        points.append(point)
    return Grade.objects.create(
        pay_scale=pay_scale, code=code, bottom_point=points[0], top_point=points[-1]
    )


class PlanLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanLine

    plan = factory.SubFactory(PlanFactory)
    kind = LineKind.NEW_POST
    title = factory.Sequence(lambda n: f"Social Worker {n}")
    fte = Decimal("1")
    start_date = date(2020, 4, 1)
    annual_salary = Decimal("32878")

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        # Made straight in the database, not through the services: its figures too.
        if create:
            refigure_lines(plan=instance.plan, line_ids=[instance.pk])


class FundingSourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundingSource

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Grant {n}")
    kind = SourceKind.GRANT


class AllocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Allocation

    line = factory.SubFactory(PlanLineFactory)
    source = factory.SubFactory(
        FundingSourceFactory, organisation=factory.SelfAttribute("..line.plan.organisation")
    )
    percent = Decimal("50")

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create:
            refigure_lines(plan=instance.line.plan, line_ids=[instance.line_id])


def refigured(plan) -> Plan:
    """The plan with its figures worked out again: for tests that change lines, findings
    or assumptions straight in the database rather than through the services."""
    refigure_plan(plan=plan)
    return plan


def line_form_data(plan, allocations: int = 0, **overrides) -> dict:
    """What the line form (and the admin's line page) posts for a valid 1 FTE new post."""
    data = {
        "plan": plan.pk,
        "position": 1,
        "kind": LineKind.NEW_POST,
        "title": "Social Worker",
        "status": "proposed",
        "annual_salary_0": "32878",
        "annual_salary_1": "GBP",
        "fte": "1",
        "fte_in_post": "0",
        "start_date": "2020-04-01",
        "amount_1": "GBP",
        "stated_annual_cost_1": "GBP",
        "allocations-TOTAL_FORMS": str(allocations),
        "allocations-INITIAL_FORMS": "0",
        "allocations-MIN_NUM_FORMS": "0",
        "allocations-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data
