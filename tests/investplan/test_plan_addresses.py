"""A plan's address is unique within its council only (decision 0047): a person in two
councils that each have a plan at one address opens the one of the council they are
working in."""

import pytest
from django.db import IntegrityError
from django.urls import reverse

from investplan.models import Plan, Role
from tests.factories import MembershipFactory, OrganisationFactory, PlanFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(client):
    """Signed in as a finance officer of Northshire and of Southshire, each with a plan at
    "getting-to-good"."""
    user = UserFactory()
    for name in ("Northshire", "Southshire"):
        council = OrganisationFactory(name=name, slug=name.lower())
        MembershipFactory(user=user, organisation=council, role=Role.FINANCE_OFFICER)
        PlanFactory(organisation=council, slug="getting-to-good", name=f"{name} plan")
    client.force_login(user)
    return user


def work_in(client, council_slug):
    client.post(reverse("switch-organisation"), {"organisation": council_slug})


def opened(client, slug="getting-to-good"):
    response = client.get(reverse("plan-details", args=[slug]))
    return response.status_code, response.context[
        "plan"
    ].name if response.status_code == 200 else ""


def test_it_lets_two_councils_have_a_plan_at_one_address():
    PlanFactory(slug="getting-to-good")
    PlanFactory(slug="getting-to-good")

    assert Plan.objects.filter(slug="getting-to-good").count() == 2


def test_it_refuses_a_council_two_plans_at_one_address(plan):
    with pytest.raises(IntegrityError):
        PlanFactory(organisation=plan.organisation, slug=plan.slug)


def test_it_opens_the_plan_of_the_council_the_person_is_working_in(client, person):
    work_in(client, "southshire")

    assert opened(client) == (200, "Southshire plan")


def test_it_opens_the_other_councils_plan_after_switching_council(client, person):
    work_in(client, "southshire")
    work_in(client, "northshire")

    assert opened(client) == (200, "Northshire plan")


def test_it_opens_the_plan_of_the_first_council_before_any_is_chosen(client, person):
    # The header's council: the first by name, until another is chosen.
    assert opened(client) == (200, "Northshire plan")


def test_it_opens_the_only_plan_at_the_address_among_the_persons_councils(client, person):
    PlanFactory(organisation=Plan.objects.get(name="Southshire plan").organisation, slug="only")
    work_in(client, "northshire")

    response = client.get(reverse("plan-details", args=["only"]))

    assert response.status_code == 200
    assert response.context["plan"].organisation.slug == "southshire"


def test_it_names_the_council_of_the_plan_opened_in_the_header(client, person):
    # A link to the other council's plan: the header must not say the first council
    # while the page shows the second's figures.
    PlanFactory(organisation=Plan.objects.get(name="Southshire plan").organisation, slug="only")
    work_in(client, "northshire")

    response = client.get(reverse("plan-details", args=["only"]))

    assert response.context["current_organisation"].slug == "southshire"
    assert '<option value="southshire" selected>' in response.content.decode()


def test_it_works_in_the_council_of_the_plan_opened_afterwards(client, person):
    PlanFactory(organisation=Plan.objects.get(name="Southshire plan").organisation, slug="only")
    work_in(client, "northshire")
    client.get(reverse("plan-details", args=["only"]))

    assert opened(client) == (200, "Southshire plan")


def test_it_works_in_the_council_whose_page_is_opened(client, person):
    work_in(client, "northshire")

    response = client.get(reverse("findings", args=["southshire"]))

    assert response.context["current_organisation"].slug == "southshire"


def test_it_finds_no_plan_where_two_councils_have_one_but_neither_is_worked_in(client, person):
    third = MembershipFactory(user=person, organisation=OrganisationFactory(slug="westshire"))
    work_in(client, third.organisation.slug)

    assert opened(client) == (404, "")


def test_it_finds_no_plan_of_a_council_the_person_is_not_in(client, person):
    PlanFactory(slug="elsewhere")

    assert client.get(reverse("plan-details", args=["elsewhere"])).status_code == 404


def test_it_changes_only_the_plan_of_the_council_worked_in(client, person):
    work_in(client, "southshire")

    client.post(
        reverse("plan-details", args=["getting-to-good"]),
        {"name": "Renamed", "first_year": "2020/21", "last_year": "2021/22"},
    )

    assert sorted(Plan.objects.values_list("name", flat=True)) == ["Northshire plan", "Renamed"]


def test_it_compares_with_the_plan_of_the_same_council_at_the_address(client, person):
    southshire = Plan.objects.get(name="Southshire plan").organisation
    PlanFactory(organisation=southshire, slug="efficient", name="Southshire efficient")
    PlanFactory(
        organisation=Plan.objects.get(name="Northshire plan").organisation,
        slug="efficient",
        name="Northshire efficient",
    )
    work_in(client, "southshire")

    response = client.get(
        reverse("reports:compare", args=["getting-to-good"]), {"with": "efficient"}
    )

    assert response.status_code == 200
    assert response.context["other"].name == "Southshire efficient"
