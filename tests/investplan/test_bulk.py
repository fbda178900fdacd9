"""Inserting many rows at once: COPY on PostgreSQL, one prepared INSERT elsewhere. The suite runs
on both, so each test here checks both paths."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from investplan.bulk import insert_rows
from investplan.models import Team
from posts.models import PlanLine
from tests.factories import OrganisationFactory, PlanFactory

pytestmark = pytest.mark.django_db


def test_it_returns_the_new_ids_in_the_order_of_the_rows():
    organisation = OrganisationFactory()
    names = [f"District {number}" for number in range(7)]
    rows = [{"organisation_id": organisation.pk, "name": name} for name in names]
    ids = insert_rows(Team, rows, ids=True)
    assert [Team.objects.get(pk=pk).name for pk in ids] == names


def test_it_leaves_the_next_row_saved_the_usual_way_a_fresh_id():
    organisation = OrganisationFactory()
    ids = insert_rows(Team, [{"organisation_id": organisation.pk, "name": "A"}], ids=True)
    later = Team.objects.create(organisation=organisation, name="B")
    assert later.pk > ids[0]


def test_it_gives_fields_a_row_leaves_out_their_defaults():
    plan = PlanFactory()
    row = {
        "plan_id": plan.pk,
        "title": "Analyst",
        "fte": Decimal("1.5"),
        "stated_annual_cost": Decimal("58050.00"),
        "start_date": datetime.date(2025, 4, 1),
    }
    [pk] = insert_rows(PlanLine, [row], ids=True)
    line = PlanLine.objects.get(pk=pk)
    assert (line.kind, line.status, line.one_off, line.fte_in_post) == (
        "new_post",
        "proposed",
        False,
        Decimal("0"),
    )
    assert str(line.stated_annual_cost) == "£58,050.00"
    assert line.annual_salary is None


def test_it_holds_the_databases_constraints():
    plan = PlanFactory()
    row = {"plan_id": plan.pk, "title": "Analyst", "kind": "nonsense", "fte": Decimal(1)}
    row["start_date"] = datetime.date(2025, 4, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_rows(PlanLine, [row])
    assert not PlanLine.objects.exists()


def test_it_inserts_nothing_and_returns_no_ids_for_no_rows():
    assert insert_rows(Team, [], ids=True) == []
    assert not Team.objects.exists()


def test_it_gives_no_row_the_key_of_a_row_deleted_before_it():
    organisation = OrganisationFactory()
    deleted = Team.objects.create(organisation=organisation, name="A").pk
    Team.objects.filter(pk=deleted).delete()
    [pk] = insert_rows(Team, [{"organisation_id": organisation.pk, "name": "B"}], ids=True)
    assert pk > deleted


def test_it_keeps_the_moment_a_history_record_was_made():
    plan = PlanFactory()
    moment = timezone.now()
    row = {"id": 7, "plan_id": plan.pk, "title": "Analyst", "history_date": moment}
    row |= {"history_type": "+", "start_date": datetime.date(2025, 4, 1)}
    insert_rows(PlanLine.history.model, [row])
    assert PlanLine.history.get(id=7).history_date == moment
