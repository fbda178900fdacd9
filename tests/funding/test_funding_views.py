"""Funding a line by percentage or amount with the remainder shown, and a council's
funding sources with their amounts by year and end dates (issue 5, points 4 and 5)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from funding.models import Allocation, FundingAvailability
from funding.services import remainder_of
from investplan.models import Role
from tests.factories import FundingSourceFactory, MembershipFactory, PlanFactory, PlanLineFactory
from tests.pages import filled_in

pytestmark = pytest.mark.django_db


def management(total, initial=0):
    return {
        "allocations-TOTAL_FORMS": str(total),
        "allocations-INITIAL_FORMS": str(initial),
        "allocations-MIN_NUM_FORMS": "0",
        "allocations-MAX_NUM_FORMS": "1000",
    }


@pytest.fixture
def funded():
    plan = PlanFactory(first_year=2025, last_year=2026)
    line = PlanLineFactory(plan=plan, annual_salary=Decimal("40000"), start_date="2025-04-01")
    grant = FundingSourceFactory(organisation=plan.organisation, name="Supporting Families")
    base = FundingSourceFactory(organisation=plan.organisation, name="Base budget")
    user = MembershipFactory(organisation=plan.organisation, role=Role.FINANCE_OFFICER).user
    return plan, line, grant, base, user


@pytest.mark.parametrize(
    "shares, allocated, remainder",
    [
        ([(Decimal("50"), None)], Decimal("25800"), Decimal("25800")),
        ([(None, Decimal("10000")), (Decimal("25"), None)], Decimal("22900"), Decimal("28700")),
        ([(Decimal("100"), None)], Decimal("51600"), Decimal("0")),
        ([(Decimal("33.333"), None)], Decimal("17200"), Decimal("34400")),
    ],
)
def test_it_splits_the_annual_cost_into_allocated_and_remainder(shares, allocated, remainder):
    result = remainder_of(Decimal("51600"), shares)

    assert (result.allocated, result.remainder) == (allocated, remainder)
    assert result.allocated + result.remainder == result.annual_cost


def test_it_allocates_a_line_by_percentage_and_by_amount(client, funded):
    plan, line, grant, base, user = funded
    client.force_login(user)

    response = client.post(
        reverse("funding:line", args=[plan.slug, line.pk]),
        {
            **management(2),
            "allocations-0-source": grant.pk,
            "allocations-0-percent": "60",
            "allocations-1-source": base.pk,
            "allocations-1-amount": "5000",
        },
        follow=True,
    )

    assert {
        (a.source.name, a.percent, a.amount.amount if a.amount else None)
        for a in Allocation.objects.filter(line=line)
    } == {
        ("Supporting Families", Decimal("60.000"), None),
        ("Base budget", None, Decimal("5000.00")),
    }
    page = response.content.decode()
    assert "Remainder £15,640 a year requires additional funding" in page  # 51,600-30,960-5,000


def test_it_refuses_allocations_over_100_percent_and_saves_none(client, funded):
    plan, line, grant, base, user = funded
    client.force_login(user)

    response = client.post(
        reverse("funding:line", args=[plan.slug, line.pk]),
        {
            **management(2),
            "allocations-0-source": grant.pk,
            "allocations-0-percent": "70",
            "allocations-1-source": base.pk,
            "allocations-1-percent": "40",
        },
    )

    assert response.status_code == 422
    assert "come to 110%, more than 100%" in response.content.decode()
    assert not Allocation.objects.exists()


def test_it_shows_the_remainder_as_it_is_typed_without_saving(client, funded):
    plan, line, grant, _, user = funded
    client.force_login(user)

    response = client.post(
        reverse("funding:remainder", args=[plan.slug, line.pk]),
        {**management(1), "allocations-0-source": grant.pk, "allocations-0-percent": "75"},
    )

    assert "Remainder £12,900 a year requires additional funding" in response.content.decode()
    assert not Allocation.objects.exists()


def test_it_offers_only_the_councils_own_sources(client, funded):
    plan, line, _, _, user = funded
    elsewhere = FundingSourceFactory(name="Another council's grant")
    client.force_login(user)

    page = client.get(reverse("funding:line", args=[plan.slug, line.pk])).content.decode()

    assert "Supporting Families" in page
    assert elsewhere.name not in page


def test_it_keeps_funding_sources_with_amounts_by_year_and_end_dates(client, funded):
    plan, _, grant, base, _ = funded
    admin = MembershipFactory(organisation=plan.organisation, role=Role.ADMIN).user
    client.force_login(admin)
    sources = [base, grant]  # in name order, as the page lists them

    response = client.post(
        reverse("funding:sources", args=[plan.organisation.slug]),
        {
            "sources-TOTAL_FORMS": "3",
            "sources-INITIAL_FORMS": "2",
            "sources-MIN_NUM_FORMS": "0",
            "sources-MAX_NUM_FORMS": "1000",
            **{f"sources-{i}-id": source.pk for i, source in enumerate(sources)},
            **{f"sources-{i}-name": source.name for i, source in enumerate(sources)},
            **{f"sources-{i}-kind": "grant" for i in range(2)},
            "sources-1-end_date": "2026-03-31",
            "sources-2-name": "Partner contribution",
            "sources-2-kind": "partner",
            f"available-r{grant.pk}-y2025": "182000",
            f"available-r{base.pk}-y2026": "50000.50",
        },
    )

    assert response.status_code == 302
    grant.refresh_from_db()
    assert str(grant.end_date) == "2026-03-31"
    assert {
        (a.source.name, a.financial_year, a.amount.amount)
        for a in FundingAvailability.objects.all()
    } == {
        ("Supporting Families", 2025, Decimal("182000.00")),
        ("Base budget", 2026, Decimal("50000.50")),
    }
    assert plan.organisation.funding_sources.filter(name="Partner contribution").exists()


def test_it_fills_a_grants_end_date_into_the_sources_page_as_iso(client, funded):
    plan, _, grant, _, _ = funded
    grant.end_date = "2026-03-31"
    grant.save()
    client.force_login(MembershipFactory(organisation=plan.organisation, role=Role.ADMIN).user)

    page = client.get(reverse("funding:sources", args=[plan.organisation.slug])).content.decode()

    assert 'name="sources-1-end_date" value="2026-03-31"' in page


@pytest.mark.parametrize("typed", ["2021-02-30", "31/13/2021", "<script>", "9" * 5000])
def test_it_refuses_an_end_date_that_is_no_date_and_keeps_the_one_stored(client, funded, typed):
    plan, _, grant, _, _ = funded
    grant.end_date = "2026-03-31"
    grant.save()
    client.force_login(MembershipFactory(organisation=plan.organisation, role=Role.ADMIN).user)

    response = client.post(
        reverse("funding:sources", args=[plan.organisation.slug]),
        {
            "sources-TOTAL_FORMS": "1",
            "sources-INITIAL_FORMS": "1",
            "sources-MIN_NUM_FORMS": "0",
            "sources-MAX_NUM_FORMS": "1000",
            "sources-0-id": grant.pk,
            "sources-0-name": grant.name,
            "sources-0-kind": "grant",
            "sources-0-end_date": typed,
        },
    )

    assert response.status_code == 422
    assert "Enter a valid date." in response.content.decode()
    grant.refresh_from_db()
    assert str(grant.end_date) == "2026-03-31"


def test_it_keeps_what_each_source_has_typed_with_pound_signs_and_commas(client, funded):
    plan, _, grant, base, _ = funded
    client.force_login(MembershipFactory(organisation=plan.organisation, role=Role.ADMIN).user)
    address = reverse("funding:sources", args=[plan.organisation.slug])
    data = filled_in(client.get(address).content.decode(), "sources-TOTAL_FORMS")
    data[f"available-r{grant.pk}-y2025"] = ["250,000"]
    data[f"available-r{base.pk}-y2026"] = ["£125000.50"]

    response = client.post(address, data)

    assert response.status_code == 302
    assert {
        (a.source_id, a.financial_year, a.amount.amount) for a in FundingAvailability.objects.all()
    } == {(grant.pk, 2025, Decimal("250000.00")), (base.pk, 2026, Decimal("125000.50"))}


def test_it_offers_a_line_no_source_in_words_not_dashes(client, funded):
    plan, line, _, _, user = funded
    client.force_login(user)

    html = client.get(reverse("funding:line", args=[plan.slug, line.pk])).content.decode()

    assert "---------" not in html
    assert '<option value="" selected>Choose a source</option>' in html


def test_it_asks_for_a_new_sources_kind_in_words_not_dashes(client, funded):
    plan, _, _, _, user = funded
    client.force_login(user)

    page = client.get(reverse("funding:sources", args=[plan.organisation.slug]))

    assert "---------" not in page.content.decode()
    assert '<option value="" selected>Choose a kind</option>' in page.content.decode()


def test_it_refuses_a_forged_count_of_funding_source_rows(client, funded):
    plan, *_ = funded
    client.force_login(MembershipFactory(organisation=plan.organisation, role=Role.ADMIN).user)
    before = set(plan.organisation.funding_sources.values_list("name", flat=True))

    response = client.post(
        reverse("funding:sources", args=[plan.organisation.slug]),
        {
            "sources-TOTAL_FORMS": "999999999999",
            "sources-INITIAL_FORMS": "0",
            "sources-MIN_NUM_FORMS": "0",
            "sources-MAX_NUM_FORMS": "1000",
            "sources-0-name": "Partner contribution",
            "sources-0-kind": "partner",
        },
    )

    assert response.status_code == 422
    assert "At most 500 rows can be saved on this page at once." in response.content.decode()
    assert set(plan.organisation.funding_sources.values_list("name", flat=True)) == before
