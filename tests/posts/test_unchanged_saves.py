"""A line saved unchanged, from its page or in its row, writes nothing: no history
record, no new revision of the plan. A save over someone else's change is still refused."""

from decimal import Decimal

import pytest
from django.urls import reverse

from investplan.models import Plan, Role
from posts.models import PlanLine
from posts.services import LineChangedElsewhere, line_version, update_plan_line
from tests.factories import MembershipFactory, PlanFactory, PlanLineFactory
from tests.pages import filled_in

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def setting(client):
    plan = PlanFactory(first_year=2025, last_year=2026)
    line = PlanLineFactory(
        plan=plan, title="Social Worker", annual_salary=Decimal("40000"), start_date="2025-04-01"
    )
    user = MembershipFactory(organisation=plan.organisation, role=Role.FINANCE_OFFICER).user
    client.force_login(user)
    return plan, line


def records_and_revision(plan, line):
    return line.history.count(), Plan.objects.get(pk=plan.pk).revision


def test_it_writes_nothing_when_a_line_is_saved_unchanged_from_its_page(client, setting):
    plan, line = setting
    address = reverse("posts:line", args=[plan.slug, line.pk])
    data = filled_in(client.get(address).content.decode(), "title")
    before = records_and_revision(plan, line)

    response = client.post(address, data)

    assert response.status_code == 302
    assert records_and_revision(plan, line) == before


def test_it_writes_nothing_when_a_line_is_saved_unchanged_in_its_row(client, setting):
    plan, line = setting
    address = reverse("posts:line-in-place", args=[plan.slug, line.pk])
    data = filled_in(client.get(address, **HTMX).content.decode(), "title")
    before = records_and_revision(plan, line)

    response = client.post(address, data, **HTMX)

    assert response.status_code == 200
    assert records_and_revision(plan, line) == before


def test_it_still_refuses_an_unchanged_save_over_someone_elses_change(setting):
    _, line = setting
    seen = line_version(line)
    update_plan_line(line_id=line.pk, seen_version=seen, fte=Decimal("2"))

    with pytest.raises(LineChangedElsewhere):
        update_plan_line(line_id=line.pk, seen_version=seen, fte=Decimal("2"))


def test_it_saves_a_change_made_after_an_unchanged_save(setting):
    _, line = setting
    seen = line_version(line)
    update_plan_line(line_id=line.pk, seen_version=seen, title=line.title)

    update_plan_line(line_id=line.pk, seen_version=seen, fte=Decimal("0.5"))

    assert PlanLine.objects.get(pk=line.pk).fte == Decimal("0.5")
    assert line.history.count() == 2
