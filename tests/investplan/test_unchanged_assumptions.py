"""The assumptions saved unchanged write nothing: no "Changed" record listing no fields,
no new revision of the plan."""

from decimal import Decimal

import pytest
from django.urls import reverse

from investplan.models import Assumptions, PayAward, Plan, Role
from tests.factories import MembershipFactory, PlanFactory
from tests.pages import filled_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(client):
    plan = PlanFactory()
    assumptions, _ = Assumptions.objects.get_or_create(plan=plan)
    PayAward.objects.create(assumptions=assumptions, financial_year=2021, percent=Decimal("2"))
    user = MembershipFactory(organisation=plan.organisation, role=Role.FINANCE_OFFICER).user
    client.force_login(user)
    return plan


def test_it_writes_nothing_when_the_assumptions_are_saved_unchanged(client, plan):
    address = reverse("assumptions", args=[plan.slug])
    data = filled_in(client.get(address).content.decode(), "assumptions-on_cost_method")
    assumptions = Assumptions.objects.get(plan=plan)
    before = (
        assumptions.history.count(),
        PayAward.history.count(),
        Plan.objects.get(pk=plan.pk).revision,
    )

    response = client.post(address, data)

    assert response.status_code == 302
    after = (
        assumptions.history.count(),
        PayAward.history.count(),
        Plan.objects.get(pk=plan.pk).revision,
    )
    assert after == before


def test_it_still_saves_a_changed_assumption(client, plan):
    address = reverse("assumptions", args=[plan.slug])
    data = filled_in(client.get(address).content.decode(), "assumptions-on_cost_method")
    data["assumptions-levy_percent"] = ["0.75"]

    response = client.post(address, data)

    assert response.status_code == 302
    assert Assumptions.objects.get(plan=plan).levy_percent == Decimal("0.75")
