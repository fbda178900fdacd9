"""Plan lines and allocations are loaded without `Model.__init__` (ReadInBulk): the
instances must be exactly what Django's own loading makes."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import models
from django.db.models.signals import post_init
from djmoney.money import Money

from funding.models import Allocation
from posts.models import PlanLine
from tests.factories import AllocationFactory, PlanLineFactory

pytestmark = pytest.mark.django_db


def loaded_by_django(model, pk):
    """The row as Django's own Model.from_db would make it."""
    names = [field.attname for field in model._meta.concrete_fields]
    values = model.objects.filter(pk=pk).values_list(*names).get()
    return models.Model.from_db.__func__(model, "default", names, values)


def fields(instance) -> dict:
    return {name: value for name, value in vars(instance).items() if name != "_state"}


@pytest.fixture
def line():
    return PlanLineFactory(
        stated_annual_cost=Decimal("45000.50"),
        end_date=date(2027, 3, 31),
        justification="Caseloads above 20",
    )


def test_it_loads_a_line_as_djangos_own_loading_would(line):
    loaded = PlanLine.objects.get(pk=line.pk)

    assert fields(loaded) == fields(loaded_by_django(PlanLine, line.pk))
    assert (loaded._state.adding, loaded._state.db) == (False, "default")


def test_it_loads_an_allocation_as_djangos_own_loading_would():
    allocation = AllocationFactory(percent=None, amount=Decimal("12000"))

    loaded = Allocation.objects.get(pk=allocation.pk)

    assert fields(loaded) == fields(loaded_by_django(Allocation, allocation.pk))


def test_it_reads_a_loaded_lines_money_as_pounds(line):
    loaded = PlanLine.objects.get(pk=line.pk)

    assert loaded.stated_annual_cost == Money(Decimal("45000.50"), "GBP")
    assert loaded.amount is None


def test_it_loads_a_line_with_deferred_fields_the_django_way(line, django_assert_num_queries):
    loaded = PlanLine.objects.only("title").get(pk=line.pk)

    with django_assert_num_queries(1):
        assert loaded.justification == "Caseloads above 20"


def test_it_saves_a_loaded_line_as_an_update(line):
    loaded = PlanLine.objects.get(pk=line.pk)
    loaded.fte = Decimal("0.5")
    loaded.save()

    assert PlanLine.objects.count() == 1
    assert PlanLine.objects.get(pk=line.pk).fte == Decimal("0.5")
    assert loaded.history.count() == 2


def test_it_loads_lines_the_django_way_while_an_init_signal_has_a_receiver(line):
    initialised = []

    def note(sender, instance, **kwargs):
        initialised.append(instance.pk)

    post_init.connect(note, sender=PlanLine)
    try:
        PlanLine.objects.get(pk=line.pk)
    finally:
        post_init.disconnect(note, sender=PlanLine)

    assert initialised == [line.pk]
