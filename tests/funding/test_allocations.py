"""A line's allocations to funding sources come to at most 100%: the form, the admin and
the database all hold it."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from funding.forms import allocation_formset
from funding.models import Allocation
from funding.services import save_allocations
from tests.factories import (
    AllocationFactory,
    FundingSourceFactory,
    PlanLineFactory,
    line_form_data,
)

pytestmark = pytest.mark.django_db


def test_it_refuses_an_allocation_that_takes_a_line_over_100_percent():
    first = AllocationFactory(percent=Decimal("70"))
    second = Allocation(
        line=first.line,
        source=FundingSourceFactory(organisation=first.line.plan.organisation),
        percent=Decimal("40"),
    )

    with pytest.raises(ValidationError) as raised:
        second.full_clean()

    assert raised.value.messages == [
        "Allocations to funding sources come to 110%, more than 100%. "
        "Reduce them so the line is funded at most once."
    ]


def test_it_shows_the_over_allocation_in_the_admin(admin_client):
    line = PlanLineFactory()
    sources = [FundingSourceFactory(organisation=line.plan.organisation) for _ in range(2)]
    data = line_form_data(line.plan, allocations=2, title=line.title)
    for index, (source, percent) in enumerate(zip(sources, ["60", "60"], strict=True)):
        data[f"allocations-{index}-source"] = source.pk
        data[f"allocations-{index}-percent"] = percent
        data[f"allocations-{index}-amount_1"] = "GBP"
        data[f"allocations-{index}-position"] = index

    response = admin_client.post(reverse("admin:posts_planline_change", args=[line.pk]), data)

    assert "Allocations to funding sources come to 120%, more than 100%." in (
        response.content.decode()
    )
    assert not Allocation.objects.exists()


def test_it_is_refused_by_the_database_when_allocations_pass_100_percent():
    first = AllocationFactory(percent=Decimal("70"))
    source = FundingSourceFactory(organisation=first.line.plan.organisation)

    with pytest.raises(IntegrityError), transaction.atomic():
        Allocation.objects.create(line=first.line, source=source, percent=Decimal("31"))
        if connection.vendor == "postgresql":
            # The PostgreSQL trigger is deferred to commit; ask for it now.
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

    assert Allocation.objects.count() == 1


def test_it_lets_allocations_reach_exactly_100_percent():
    first = AllocationFactory(percent=Decimal("33.333"))
    for percent in ("33.333", "33.334"):
        Allocation.objects.create(
            line=first.line,
            source=FundingSourceFactory(organisation=first.line.plan.organisation),
            percent=Decimal(percent),
        )

    assert Allocation.objects.filter(line=first.line).count() == 3


def test_it_names_a_fixed_allocation_in_pounds_as_every_figure_prints():
    allocation = AllocationFactory(percent=None, amount=Decimal("12500"))

    assert str(allocation) == f"{allocation.line} – £12,500.00 a year from {allocation.source}"


def test_it_saves_a_source_replacing_one_that_paid_all_of_a_line():
    first = AllocationFactory(percent=Decimal("100"))
    line = first.line
    other = FundingSourceFactory(organisation=line.plan.organisation)
    data = {
        "allocations-TOTAL_FORMS": "2",
        "allocations-INITIAL_FORMS": "1",
        "allocations-0-id": str(first.pk),
        "allocations-0-line": str(line.pk),
        "allocations-0-source": str(first.source_id),
        "allocations-0-percent": "100",
        "allocations-0-DELETE": "on",
        "allocations-1-line": str(line.pk),
        "allocations-1-source": str(other.pk),
        "allocations-1-percent": "100",
    }
    formset = allocation_formset(line, data)
    assert formset.is_valid(), formset.errors

    save_allocations(line=line, formset=formset)

    assert [(a.source_id, a.percent) for a in line.allocations.all()] == [
        (other.pk, Decimal("100"))
    ]
