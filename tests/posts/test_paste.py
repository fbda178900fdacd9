"""Paste from Excel (issue 5, point 3): previewed row by row with the importer's reading
rules, then added."""

from decimal import Decimal

import pytest
from django.urls import reverse

from investplan.models import Role
from posts.models import PlanLine
from tests.factories import MembershipFactory, PlanFactory, PlanLineFactory

pytestmark = pytest.mark.django_db

PASTED = (
    "Post\tGrade\tFTE\tStart date\tDuration\tSalary\n"
    "Social Worker\ttbc\t2\t01/04/2020\t2 years\t£32,878\n"
    "Team Manager\ttbc\t1\t01/10/2020\tPermanent\t£45,000\n"
)


@pytest.fixture
def editing(client):
    plan = PlanFactory()
    PlanLineFactory(plan=plan, title="Existing post", position=5)
    client.force_login(
        MembershipFactory(organisation=plan.organisation, role=Role.FINANCE_OFFICER).user
    )
    return plan


def test_it_previews_pasted_rows_one_by_one_and_saves_nothing(client, editing):
    response = client.post(
        reverse("posts:paste", args=[editing.slug]), {"cells": PASTED, "action": "preview"}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Social Worker · grade tbc · 2 FTE · from 1 Apr 2020 · 24 months" in page
    assert "Add 2 lines" in page
    assert PlanLine.objects.filter(plan=editing).count() == 1


def test_it_adds_the_pasted_rows_after_the_plans_lines(client, editing):
    response = client.post(
        reverse("posts:paste", args=[editing.slug]), {"cells": PASTED, "action": "add"}
    )

    added = list(PlanLine.objects.filter(plan=editing).order_by("position"))
    assert response.status_code == 302
    assert [line.title for line in added] == ["Existing post", "Social Worker", "Team Manager"]
    assert added[1].fte == Decimal("2") and added[1].duration_months == 24


def test_it_names_the_row_column_and_value_of_a_bad_pasted_row_and_adds_nothing(client, editing):
    bad = PASTED + "Analyst\ttbc\tlots\t01/04/2020\t1 year\t£30,000\n"

    response = client.post(
        reverse("posts:paste", args=[editing.slug]), {"cells": bad, "action": "add"}
    )

    page = response.content.decode()
    assert response.status_code == 422
    assert "Row 4" in page and "FTE" in page and "lots" in page
    assert PlanLine.objects.filter(plan=editing).count() == 1


def test_it_reads_a_block_without_a_header_in_the_plain_column_order(client, editing):
    rows = "Social Worker\ttbc\t1\t01/04/2020\t2 years\n"

    response = client.post(
        reverse("posts:paste", args=[editing.slug]),
        {"cells": rows, "no_header": "on", "action": "preview"},
    )

    assert "Social Worker · grade tbc · 1 FTE" in response.content.decode()
